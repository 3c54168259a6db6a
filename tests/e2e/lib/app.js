// Steps a person takes in Evident, written against what a screen reader announces (roles and names).

import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Screen, norm } from "./a11y.js";
import { after, afterEach, before, beforeEach } from "node:test";
import { REPO, SHOTS, launch } from "./harness.js";
import { waitFor } from "./webdriver.js";

export const OUT = join(REPO, "tests", "e2e", "out");
export const FIGURES = join(OUT, "figures.txt");

/** Records a measured figure: in the test output (diagnostic) and in tests/e2e/out/figures.txt. */
export function figure(t, text) {
  t.diagnostic(`FIGURE ${text}`);
  mkdirSync(dirname(FIGURES), { recursive: true });
  appendFileSync(FIGURES, `${new Date().toISOString()} ${text}\n`);
}

export function sha256(buf) {
  return createHash("sha256").update(buf).digest("hex");
}

/** As the UI shows a hash in short: first 8 and last 4 hex digits. */
export function shortHash(hex) {
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** As the UI shows the full hash: blocks of 8. */
export function groupedHash(hex) {
  return hex.match(/.{1,8}/g).join(" ");
}

/** As the UI shows a size under 1 KiB. */
export function sizeText(n) {
  if (n === 1) return "1 byte";
  if (n < 1024) return `${n} bytes`;
  const v = n / 1024;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} KB`;
}

const DROP_SCRIPT = `
const [zone, files] = arguments;
const list = files.map((f) => {
  const bin = atob(f.b64);
  const u = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
  return new File([u], f.name, { type: f.type, lastModified: Date.now() });
});
let dt = null;
try { dt = new DataTransfer(); for (const f of list) dt.items.add(f); } catch (e) { dt = null; }
let how = "";
for (const type of ["dragenter", "dragover", "drop"]) {
  let ev = null;
  try { ev = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }); } catch (e) { ev = null; }
  if (ev && ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files.length === list.length) {
    how = "DragEvent with a DataTransfer";
  } else {
    ev = new Event(type, { bubbles: true, cancelable: true });
    Object.defineProperty(ev, "dataTransfer", { value: { files: list, types: ["Files"], items: [], dropEffect: "copy", effectAllowed: "all" } });
    how = "Event with a dataTransfer holding the File objects";
  }
  zone.dispatchEvent(ev);
}
return how;
`;

/** The app as a person uses it. */
export class App extends Screen {
  /**
   * Waits for the form control labelled `text`; a control inside a closed disclosure (the log screen's "More
   * details") is reached as a person would: by opening it first.
   */
  async byLabel(text, opts = {}) {
    const el = await super.byLabel(text, opts);
    const summary = await this.s.exec("const d = arguments[0].closest('details:not([open])'); return d ? d.querySelector(':scope > summary') : null;", el);
    if (summary) await this.press(summary);
    return el;
  }

  /** Visible text of every visible role=alert element. */
  async alerts(within) {
    const els = await this.queryAllRole("alert", undefined, { within });
    const out = [];
    for (const el of els) {
      const t = await this.textOf(el);
      if (t) out.push(t);
    }
    return out;
  }

  /** Waits until a visible alert's text contains `text`; returns that text. */
  async waitAlert(text, within, timeout = 15000) {
    return waitFor(async () => (await this.alerts(within)).find((a) => a.includes(text)), `an alert saying "${text}"`, timeout);
  }

  /** Visible text of a status region that contains `text`. */
  async waitStatus(text, timeout = 15000) {
    return waitFor(async () => {
      for (const el of await this.queryAllRole("status")) {
        const t = await this.textOf(el);
        if (t.includes(text)) return t;
      }
      return null;
    }, `a status saying "${text}"`, timeout);
  }

  /** Cancels any open modal dialog (its "Cancel" button). */
  async closeDialogs() {
    for (const d of await this.queryAllRole("dialog")) {
      const cancel = await this.queryRole("button", "Cancel", { within: d });
      if (cancel) await this.press(cancel);
    }
  }

  /** The main navigation is on screen (the vault is unlocked). */
  async isUnlocked() {
    return Boolean(await this.queryRole("navigation", "Main"));
  }

  /** On the first-run screen: creates the vault with `passphrase`, confirms the recovery key is written down. */
  async createVault(passphrase) {
    await this.byRole("heading", "Create your private vault", { timeout: 60000 });
    await this.fill("Choose a passphrase", passphrase);
    await this.fill("Type the passphrase again", passphrase);
    await this.click("button", "Create my vault");
    const region = await this.byRole("region", "Recovery key", { timeout: 60000 });
    await this.click("checkbox", "I have written the recovery key down or saved it somewhere safe");
    await this.click("button", "Continue", { within: region });
    await this.byRole("navigation", "Main", { timeout: 30000 });
  }

  /** If the unlock screen is showing, unlocks with `passphrase`. */
  async ensureUnlocked(passphrase) {
    if (await this.isUnlocked()) return;
    await this.byRole("heading", "Unlock Evident");
    await this.fill("Passphrase", passphrase);
    await this.click("button", "Unlock");
    await this.byRole("navigation", "Main", { timeout: 30000 });
  }

  /** Goes to a section through the main navigation and waits for its heading. */
  async goTo(section, heading = section) {
    const nav = await this.byRole("navigation", "Main");
    await this.click("button", section, { within: nav });
    return this.byRole("heading", heading);
  }

  /** Saves a screenshot of the window to docs/screenshots/NAME.png; returns the path. */
  /** `at`: an element to bring to the top of the window, or nothing for the top of the screen. */
  async shot(name, at = null) {
    await this.s.exec(
      "const el = arguments[0]; if (el) { el.scrollIntoView({ block: 'start' }); for (let p = el.parentElement; p; p = p.parentElement) if (p.scrollTop > 0) { p.scrollTop -= 70; break; } if (document.scrollingElement.scrollTop > 0) document.scrollingElement.scrollTop -= 70; } else { document.scrollingElement.scrollTop = 0; for (const m of document.querySelectorAll('main')) m.scrollTop = 0; }",
      at,
    );
    return this.shotTo(join(SHOTS, `${name}.png`));
  }

  /** Saves a screenshot to `path`. */
  async shotTo(path) {
    // Let layout, fonts and lazy previews settle.
    await this.s.execAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));");
    const b64 = await this.s.screenshot();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(b64, "base64"));
    return path;
  }

  /**
   * Drops files on the "Add files" drop zone as an HTML5 drop of JS `File` objects (the path the UI offers
   * besides the native dialog). `files`: [{ name, bytes: Buffer, type }]. Returns how the event was built.
   */
  async dropFiles(files) {
    const zone = await this.byRole("group", "Add files");
    return this.s.exec(DROP_SCRIPT, zone, files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString("base64") })));
  }

  /**
   * Chooses `option` (its visible text) in the select labelled `label`. Clicking an <option> opens
   * WebKitGTK's native popup menu, which then swallows clicks, so the option found by its name is
   * selected the way the keyboard does it: set, then `input` and `change` events.
   */
  async choose(label, option) {
    const sel = await this.byLabel(label);
    const opt = await this.byRole("option", option, { within: sel, hidden: true });
    await this.s.exec("const [s, o] = arguments; s.focus(); s.value = o.value; s.dispatchEvent(new Event('input', { bubbles: true })); s.dispatchEvent(new Event('change', { bubbles: true }));", sel, opt);
    return norm(await this.s.exec("return arguments[0].selectedOptions[0]?.textContent ?? '';", sel));
  }

  /** The first listitem inside `list` whose text contains `text`. */
  async itemContaining(list, text) {
    return waitFor(async () => {
      for (const li of await this.queryAllRole("listitem", undefined, { within: list })) {
        if ((await this.textOf(li)).includes(text)) return li;
      }
      return null;
    }, `a list item containing "${text}"`);
  }

  /** Opens an incident from the timeline (search cleared). */
  async openIncident(summary) {
    await this.goTo("Timeline");
    const search = await this.byLabel("Search");
    if (await this.s.property(search, "value")) {
      await this.s.clear(search);
      await this.s.exec("arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", search);
    }
    const list = await this.byRole("list", "Incidents, newest first");
    await this.click("link", summary, { within: list });
    return this.byRole("heading", summary, { timeout: 20000 });
  }
}

/**
 * Registers the hooks every end-to-end file needs, inside its `describe`: start the app (its own tauri-driver,
 * the options from `options()`) before the tests, stop it after, close any dialog a failed test left open, and
 * keep a screenshot of the window after each test in tests/e2e/out/ (names start with `prefix`).
 * Returns `{ run, app }`, filled in once the app is up.
 */
export function useApp(prefix, options) {
  const ctx = { run: null, app: null };
  before(async () => {
    ctx.run = await launch(await options());
    ctx.app = new App(ctx.run.session);
  });
  after(async () => {
    await ctx.run?.stop();
  });
  // Whatever a failed test left open (a modal dialog) must not make the next one fail.
  beforeEach(async () => {
    await ctx.app?.closeDialogs();
  });
  // What the window showed at the end of each test (for reading failures).
  afterEach(async (t) => {
    await ctx.app?.shotTo(join(OUT, `${prefix}${t.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}.png`)).catch(() => {});
  });
  return ctx;
}
