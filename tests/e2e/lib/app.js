// Steps a person takes in Evident, written against what a screen reader announces (roles and names).

import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Screen, norm } from "./a11y.js";
import { REPO, SHOTS } from "./harness.js";
import { waitFor } from "./webdriver.js";

export const FIGURES = join(REPO, "tests", "e2e", "out", "figures.txt");

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

  /** The main navigation is on screen (the vault is unlocked). */
  async isUnlocked() {
    return Boolean(await this.queryRole("navigation", "Main"));
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
  async shot(name) {
    // Let layout, fonts and lazy previews settle.
    await this.s.execAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));");
    const b64 = await this.s.screenshot();
    mkdirSync(SHOTS, { recursive: true });
    const path = join(SHOTS, `${name}.png`);
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

  /** Chooses `option` (visible text) in the select labelled `label`. */
  async choose(label, option) {
    const sel = await this.byLabel(label);
    const opt = await this.byRole("option", option, { within: sel, hidden: true });
    try {
      await this.s.click(opt);
    } catch {
      // some drivers refuse to click options of a closed select
    }
    const chosen = await this.s.exec("return arguments[0].selectedOptions[0]?.textContent ?? '';", sel);
    if (norm(chosen) !== option) {
      // Keyboard fallback: focus the select and type the option's text.
      await this.s.sendKeys(sel, option);
    }
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
