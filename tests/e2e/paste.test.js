// End-to-end: pasting a screenshot from the system clipboard (Ctrl+V) in the real WebKitGTK window.
// A real PNG is put on the X clipboard of the test's display with `xclip` (which keeps owning the selection
// while the app reads it), the paste target is focused by its accessible name, Ctrl+V goes through
// WebDriver's key actions, and the saved attachment must carry the SHA-256 of exactly those bytes.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { App, groupedHash, sha256, shortHash, sizeText, useApp } from "./lib/app.js";
import { clipboard } from "./lib/clipboard.js";
import { makePng, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "copper lantern meadow orbit 19";
const SUMMARY = "Screenshot of a threatening post, pasted";
// Distinct from every other e2e PNG (seed), and big enough to be a real screenshot-like image.
const PNG = makePng(160, 90, 11);
// A second screenshot pasted straight after, without clicking again.
const PNG2 = makePng(64, 48, 12);
const CONTROL = "\uE009";

/** Puts `bytes` on the CLIPBOARD selection as image/png; returns a function that releases it (kills xclip). */
function clipboardPng(bytes) {
  return clipboard(bytes, "image/png");
}

describe("Pasting a screenshot from the clipboard, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  let release = () => {};

  const ctx = useApp("paste-", () => ({ vault: tempDir("evident-e2e-paste-vault-") }));
  before(() => ({ run, app } = ctx));
  after(() => release());

  test("create a vault", async () => {
    await app.createVault(PASS);
  });

  test("Ctrl+V of a PNG on the clipboard attaches exactly those bytes", async (t) => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", SUMMARY);
    assert.equal(await app.queryRole("list", "Files to attach"), null, "nothing to attach before the paste");

    // Errors the page reports while pasting (for the failure message).
    await app.s.exec(
      "window.__pasteErrors = []; const rec = (m) => window.__pasteErrors.push(String(m)); window.addEventListener('error', (e) => rec(e.message)); window.addEventListener('unhandledrejection', (e) => rec(e.reason)); const ce = console.error; console.error = (...a) => { rec(a.join(' ')); ce.apply(console, a); };",
    );

    release = await clipboardPng(PNG);
    const target = await app.byRole("textbox", "Paste a screenshot here");
    await app.press(target); // focus it, as a person clicks into it
    assert.ok(await app.s.exec("return document.activeElement === arguments[0];", target), "the paste target has focus");
    await app.s.pressKeys([CONTROL, "v"]);

    const pending = await waitFor(
      () => app.queryRole("list", "Files to attach"),
      "the pasted image in the files to attach",
      15000,
    ).catch(async (e) => {
      const dom = await app.s.exec("return arguments[0].outerHTML;", target).catch(() => "?");
      const errors = await app.s.exec("return window.__pasteErrors;").catch(() => []);
      throw new Error(`${e.message}; paste target after Ctrl+V: ${dom}; page errors: ${JSON.stringify(errors)}`);
    });
    const item = await app.itemContaining(pending, "pasted-");
    const itemText = await app.textOf(item);
    t.diagnostic(`pending: ${itemText}`);
    assert.match(itemText, /pasted-\d{4}-\d{2}-\d{2}-\d{6}\.png/, `a dated name for the pasted image: ${itemText}`);
    assert.ok(itemText.includes(`(${sizeText(PNG.length)})`), `the exact size ${sizeText(PNG.length)}: ${itemText}`);
    assert.equal((await app.queryAllRole("listitem", undefined, { within: pending })).length, 1, "one paste, one file");
    assert.deepEqual(await app.s.exec("return window.__pasteErrors;"), [], "no page errors while pasting");
    release();

    // Another screenshot, pasted with the focus still in the paste target.
    release = await clipboardPng(PNG2);
    assert.ok(await app.s.exec("return document.activeElement === arguments[0];", target), "the paste target kept the focus");
    await app.s.pressKeys([CONTROL, "v"]);
    // The list is drawn again on each change: find it afresh.
    const both = await waitFor(async () => {
      const list = await app.queryRole("list", "Files to attach");
      return list && (await app.queryAllRole("listitem", undefined, { within: list })).length === 2 && list;
    }, "a second pending file after the second paste");
    const bothText = await app.textOf(both);
    assert.ok(bothText.includes(`(${sizeText(PNG.length)})`) && bothText.includes(`(${sizeText(PNG2.length)})`), `both images, by size: ${bothText}`);
    release();

    await app.click("button", "Save incident");
    await app.byRole("heading", SUMMARY, { timeout: 30000 });
    await app.waitStatus("Incident saved.");

    const sha = sha256(PNG);
    const files = await app.byRole("list", "Attachments");
    const cards = await app.queryAllRole("listitem", undefined, { within: files });
    const texts = await Promise.all(cards.map((c) => app.textOf(c)));
    assert.equal(cards.filter((_, i) => texts[i].includes("pasted-")).length, 2, `two pasted attachments: ${texts.join(" | ")}`);
    assert.ok(texts.some((x) => x.includes(shortHash(sha256(PNG2)))), `the second image's SHA-256 ${shortHash(sha256(PNG2))} shown: ${texts.join(" | ")}`);
    const card = await app.itemContaining(files, shortHash(sha));
    const cardText = await app.textOf(card);
    assert.ok(cardText.includes(shortHash(sha)), `short SHA-256 ${shortHash(sha)} of the clipboard bytes shown: ${cardText}`);
    await app.click("button", "Show full", { within: card });
    await waitFor(async () => (await app.textOf(card)).includes(groupedHash(sha)), `full SHA-256 ${groupedHash(sha)}`);
    await app.byRole("img", /^Preview of pasted-/, { within: card, timeout: 20000 });
  });
});
