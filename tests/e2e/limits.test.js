// End-to-end: no silent truncation. A 2,000-character text pasted into Summary (Ctrl+V from the real X
// clipboard) is not cut: it goes whole into "What was said or done" with a calm note, and is saved whole; typing
// past 300 characters in Summary is refused with a note and a visible counter, never cut on save.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { useApp } from "./lib/app.js";
import { tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "quartz heron lantern valley 58";
const CONTROL = "\uE009";
const LONG = ("He wrote to me again tonight: " + "you will not be re-elected and I know where you live. ".repeat(40)).trim();
const SUMMARY = "Long message from the same account";

/** Puts `text` on the CLIPBOARD selection as UTF-8 text; returns a release function. */
async function clipboardText(text) {
  if (spawnSync("xclip", ["-version"]).error) throw new Error("xclip is missing: apt-get install xclip");
  const file = join(tempDir("evident-e2e-cliptext-"), "text.txt");
  writeFileSync(file, text);
  const xclip = spawn("xclip", ["-quiet", "-selection", "clipboard", "-t", "UTF8_STRING", "-i", file], { stdio: "ignore" });
  await waitFor(() => {
    const r = spawnSync("xclip", ["-o", "-selection", "clipboard"], { maxBuffer: 1 << 20 });
    return r.status === 0 && r.stdout.toString() === text;
  }, "xclip to own the clipboard with the text", 10000, 100);
  return () => xclip.kill("SIGTERM");
}

describe("No silent truncation, end to end", () => {
  const ctx = useApp("limits-", () => ({ vault: tempDir("evident-e2e-limits-vault-") }));
  let app;
  let release = () => {};
  before(() => ({ app } = ctx));
  after(() => release());

  test("create a vault", async () => {
    await ctx.app.createVault(PASS);
  });

  test("a 2,000-character paste into Summary is not cut: it goes whole into What was said or done", async (t) => {
    assert.ok(LONG.length >= 2000, `${LONG.length}`);
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    release = await clipboardText(LONG);
    const summary = await app.byLabel("Summary (required)");
    await app.press(summary);
    await app.s.pressKeys([CONTROL, "v"]);
    await app.waitStatus("went into");
    const desc = await app.s.property(await app.byLabel("What was said or done"), "value");
    assert.equal(desc, LONG, "the whole text is in What was said or done");
    assert.equal(await app.s.property(summary, "value"), "", "nothing half-pasted into the summary");
    t.diagnostic(`pasted ${LONG.length} characters`);

    // Typing past the limit is refused with a note, and the counter shows it.
    await app.s.sendKeys(summary, SUMMARY + " " + "x".repeat(320));
    const v = await app.s.property(summary, "value");
    assert.equal([...v].length, 300, "typing stops at the limit");
    await app.waitStatus("holds up to 300 characters");
    const counter = await app.s.exec("return document.querySelector('.counter')?.textContent ?? '';");
    assert.equal(counter, "300 of 300 characters");
    await app.shot("summary-limit");

    await app.fill("Summary (required)", SUMMARY);
    await app.click("button", "Save incident");
    await app.byRole("heading", SUMMARY, { timeout: 30000 });
    const detail = await app.s.exec("return document.querySelector('article').innerText;");
    assert.ok(detail.replace(/\s+/g, " ").includes(LONG.replace(/\s+/g, " ")), "saved whole");
  });
});
