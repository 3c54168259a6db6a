// End-to-end: the "call 999" line is never hidden, and right-to-left controls cannot scramble the record.
// 1. With a red flag ticked and the form scrolled, the element at the centre of the 999 text
//    (document.elementFromPoint) is inside the danger panel, at the default and the minimum window size.
// 2. A file named "invoice<U+202E>gnp.exe" shows the control as a visible ⟨RLO⟩ marker with a warning, its
//    SHA-256 is the real one and is laid out left to right, and the history line is in order.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { groupedHash, sha256, useApp } from "./lib/app.js";
import { REPO, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const PASS = "copper lantern meadow orbit 19";
const RLO_NAME = "invoice\u202Egnp.exe";
const SHOWN_NAME = "invoice⟨RLO⟩gnp.exe";
const BYTES = Buffer.from("MZ this is not really an executable, but it is named like one\n");

const conf = JSON.parse(readFileSync(join(REPO, "tauri.conf.json"), "utf8"));
const win = conf.app.windows[0];
const SIZES = [
  { what: "default", width: win.width, height: win.height },
  { what: "minimum", width: win.minWidth, height: win.minHeight },
];

/** WebDriver Set Window Rect (the lib's Session keeps its request helper private). */
async function setWindowSize(s, width, height) {
  const res = await fetch(`${s.base}/session/${s.id}/window/rect`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ width, height }),
  });
  const json = await res.json();
  if (!res.ok || json.value?.error) throw new Error(`set window rect ${width}x${height}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/** Where the 999 text is and what is drawn at its centre. */
const PROBE = `
const panel = document.querySelector('.danger-panel:not([hidden])');
if (!panel) return { error: 'no visible danger panel' };
const title = [...panel.querySelectorAll('*')].find((e) => /call 999/.test(e.textContent) && e.children.length === 0);
if (!title) return { error: 'no 999 text in the panel' };
const range = document.createRange();
range.selectNodeContents(title);
const r = range.getBoundingClientRect();
const x = r.left + r.width / 2, y = r.top + r.height / 2;
const at = document.elementFromPoint(x, y);
return {
  x, y, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
  vw: window.innerWidth, vh: window.innerHeight,
  inPanel: Boolean(at && panel.contains(at)),
  at: at ? at.tagName + '.' + at.className : null,
  scrolled: document.scrollingElement.scrollTop + [...document.querySelectorAll('main')].reduce((n, m) => n + m.scrollTop, 0),
};`;

/** Scrolls the form well down (the page and any scrolling main). */
const SCROLL_DOWN = `
const el = arguments[0];
el.scrollIntoView({ block: 'center' });
`;

describe("The 999 panel and right-to-left file names, end to end", () => {
  let app;
  const ctx = useApp("danger-", () => ({ vault: tempDir("evident-e2e-danger-vault-") }));
  before(() => ({ app } = ctx));

  test("create a vault", async () => {
    await ctx.app.createVault(PASS);
  });

  for (const size of SIZES) {
    test(`the call 999 line stays visible and uncovered at the ${size.what} window size (${size.width}x${size.height})`, async (t) => {
      await app.ensureUnlocked(PASS);
      const rect = await setWindowSize(app.s, size.width, size.height);
      t.diagnostic(`window rect: ${JSON.stringify(rect)}`);
      await app.goTo("Log incident", "Log an incident");
      const flags = await app.byRole("group", "Police red flags");
      const boxes = await app.queryAllRole("checkbox", undefined, { within: flags });
      await app.press(boxes[0]);
      const alert = await app.waitAlert("If you are in danger now, call 999");
      assert.match(alert, /call the police on 101/);
      assert.equal((await app.queryAllRole("alert")).filter(Boolean).length >= 1, true);

      // Scroll the form far down: to the Save button, then to the very bottom.
      for (const target of [await app.byRole("group", "Screenshots and files"), await app.byRole("button", "Save incident")]) {
        await app.s.exec(SCROLL_DOWN, target);
        await app.s.execAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
        const p = await app.s.exec(PROBE);
        t.diagnostic(JSON.stringify(p));
        assert.equal(p.error, undefined, p.error);
        assert.ok(p.scrolled > 0, "the form is scrolled");
        assert.ok(p.top >= 0 && p.bottom <= p.vh && p.left >= 0 && p.right <= p.vw, `the 999 text is inside the window: ${JSON.stringify(p)}`);
        assert.ok(p.inPanel, `the element at the centre of the 999 text is the panel, not ${p.at}`);
      }
      await app.shotTo(join(REPO, "tests", "e2e", "out", `danger-999-${size.what}.png`));
      // Untick, so the next size starts clean.
      await app.press(boxes[0]);
      await waitFor(async () => !(await app.alerts()).some((a) => a.includes("call 999")), "the panel to go");
    });
  }

  test("a file named with a right-to-left override shows a marker, a warning, and its hash in order", async () => {
    await app.ensureUnlocked(PASS);
    await setWindowSize(app.s, SIZES[0].width, SIZES[0].height);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", "Email with an attachment");
    await app.dropFiles([{ name: RLO_NAME, bytes: BYTES, type: "application/octet-stream" }]);
    const pending = await app.byRole("list", "Files to attach");
    const pendingText = await app.textOf(pending);
    assert.ok(pendingText.includes(SHOWN_NAME), `the marker is shown before saving: ${pendingText}`);
    assert.match(pendingText, /hidden characters that reverse text/);
    await app.click("button", "Save incident");
    await app.byRole("heading", "Email with an attachment", { timeout: 30000 });

    const sha = sha256(BYTES);
    const files = await app.byRole("list", "Attachments");
    const card = await app.itemContaining(files, SHOWN_NAME);
    const cardText = await app.textOf(card);
    assert.ok(!cardText.includes("\u202E"), "no raw override on the card");
    assert.match(cardText, /Warning: this file name contains hidden characters that reverse text/);
    await app.click("button", "Show full", { within: card });
    const full = await waitFor(() => app.s.exec("return arguments[0].querySelector('code.hash-full:not([hidden])');", card), "the full hash");
    assert.equal(await app.textOf(full), groupedHash(sha), "the full hash is the real SHA-256");
    // Laid out left to right: each character of the first line is to the right of the one before.
    const order = await app.s.exec(
      `const el = arguments[0]; const t = el.firstChild; const xs = [];
       for (let i = 0; i < Math.min(16, t.length); i++) { const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1); const b = r.getBoundingClientRect(); xs.push([b.left, b.top]); }
       return { dir: getComputedStyle(el).direction, xs };`,
      full,
    );
    assert.equal(order.dir, "ltr");
    for (let i = 1; i < order.xs.length; i++) {
      if (order.xs[i][1] !== order.xs[0][1]) break;
      assert.ok(order.xs[i][0] > order.xs[i - 1][0], `hash character ${i} is to the right of ${i - 1}: ${JSON.stringify(order.xs)}`);
    }
    // The history line names the file with the marker, never the raw override.
    const hist = await app.textOf(await app.byRole("list", "History", { hidden: true }).catch(() => app.s.exec("return document.querySelector('ol.notebook');")));
    assert.ok(!hist.includes("\u202E"), `no raw override in the history: ${hist}`);
  });
});
