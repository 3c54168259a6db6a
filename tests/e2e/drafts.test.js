// End-to-end: never losing a word.
// 1. What is typed on "Log an incident" is kept as an encrypted draft in the vault and comes back after leaving
//    the screen, after Lock (pressed straight after typing), after auto-lock, and after the app is killed
//    (SIGKILL) and started again; so does a screenshot waiting to be attached; "Discard draft" asks first; Save
//    removes the draft.
// 2. Enter in a new person's name adds the person and does not save the incident; a new person typed but not
//    added is added on Save.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { launch, makePng, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "amber kestrel violin harbour 42";
const SUMMARY = "Man waited by my car after the surgery";
const MORE = " and followed me to the bus stop";
const VERBATIM = "He said: you will regret standing again.";
const LATER = "Second visit that evening";
const PERSON = "Mr Draft Example";

async function value(app, label) {
  return app.s.property(await app.byLabel(label), "value");
}

async function waitValue(app, label, want) {
  return waitFor(async () => (await value(app, label)) === want, `${label} to read "${want}"`, 15000).catch(
    async () => assert.fail(`${label} reads "${await value(app, label)}", expected "${want}"`),
  );
}

describe("Drafts and the new person sub-form, end to end", () => {
  const vault = tempDir("evident-e2e-drafts-vault-");
  const ctx = useApp("drafts-", () => ({ vault }));
  let app;
  before(() => ({ app } = ctx));

  test("create a vault", async () => {
    await ctx.app.createVault(PASS);
  });

  test("a draft survives leaving the screen", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", SUMMARY);
    await app.fill("What was said or done", VERBATIM);
    await app.goTo("Timeline");
    await app.goTo("Log incident", "Log an incident");
    await waitValue(app, "Summary (required)", SUMMARY);
    assert.equal(await value(app, "What was said or done"), VERBATIM);
    await app.waitStatus("Your unsaved notes are back");
    await app.shot("draft-restored");
  });

  test("a draft survives Lock pressed straight after typing", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    const s = await app.byLabel("Summary (required)");
    await app.s.sendKeys(s, MORE);
    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident");
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await waitValue(app, "Summary (required)", SUMMARY + MORE);
  });

  test("a draft survives auto-lock", async (t) => {
    await app.ensureUnlocked(PASS);
    await app.s.exec("localStorage.setItem('evident.idleMinutes', '1');");
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Where", "Car park behind the library");
    const started = Date.now();
    await app.byRole("heading", "Unlock Evident", { timeout: 120000 });
    t.diagnostic(`auto-locked after ${Math.round((Date.now() - started) / 1000)} s without use`);
    await app.waitStatus("Locked after 1 minutes without use").catch(() => app.waitStatus("Locked after 1 minute without use"));
    await app.s.exec("localStorage.removeItem('evident.idleMinutes');");
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await waitValue(app, "Where", "Car park behind the library");
    assert.equal(await value(app, "Summary (required)"), SUMMARY + MORE);
  });

  test("a draft survives the app being killed (SIGKILL) and started again", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Impact on you", "I no longer walk to the car alone.");
    // Saved as the person types: wait for the draft line (the vault has acknowledged it), then kill.
    await waitFor(async () => {
      const t = await app.s.exec("return document.querySelector('.draft-note')?.textContent ?? '';");
      return /Draft kept in your vault at \d\d:\d\d/.test(t);
    }, "the draft to be kept");
    process.kill(-ctx.run.driver.pid, "SIGKILL");
    await waitFor(async () => {
      try {
        process.kill(-ctx.run.driver.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, "the app to be gone", 10000).catch(() => {});
    ctx.run = await launch({ vault });
    ctx.app = app = new App(ctx.run.session);
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await waitValue(app, "Impact on you", "I no longer walk to the car alone.");
    assert.equal(await value(app, "Summary (required)"), SUMMARY + MORE);
    assert.equal(await value(app, "What was said or done"), VERBATIM);
  });

  test("Discard draft asks first, then empties the form for good", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await waitValue(app, "Summary (required)", SUMMARY + MORE);
    await app.click("button", "Discard draft…");
    let dlg = await app.byRole("dialog", "Discard this draft?");
    await app.click("button", "Cancel", { within: dlg });
    assert.equal(await value(app, "Summary (required)"), SUMMARY + MORE, "Cancel keeps the draft");
    await app.click("button", "Discard draft…");
    dlg = await app.byRole("dialog", "Discard this draft?");
    await app.click("button", "Discard draft", { within: dlg });
    await waitValue(app, "Summary (required)", "");
    await app.goTo("Timeline");
    await app.goTo("Log incident", "Log an incident");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await value(app, "Summary (required)"), "", "the discarded draft does not come back");
  });

  test("a screenshot waiting to be attached survives Lock", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", "Screenshot kept in the draft");
    await app.dropFiles([{ name: "kept-in-draft.png", bytes: makePng(40, 30, 77), type: "image/png" }]);
    await app.itemContaining(await app.byRole("list", "Files to attach"), "kept-in-draft.png");
    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident");
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.itemContaining(await app.byRole("list", "Files to attach"), "kept-in-draft.png");
    await app.click("button", "Discard draft…");
    const dlg = await app.byRole("dialog", "Discard this draft?");
    await app.click("button", "Discard draft", { within: dlg });
    await waitValue(app, "Summary (required)", "");
  });

  test("Enter in a new person's name adds them and does not save; a person typed but not added is added on Save", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", LATER);
    await app.click("button", "Someone new");
    await app.fill("Name (if known)", "Neighbour Enter Test");
    await app.s.pressKeys(["\uE007"]); // Enter
    const fresh = await app.byRole("list", "New people to add");
    await app.itemContaining(fresh, "Neighbour Enter Test");
    assert.ok(await app.queryRole("heading", "Log an incident"), "Enter did not save the incident");
    // Typed, not added.
    await app.fill("Name (if known)", PERSON);
    await app.click("button", "Save incident");
    await app.byRole("heading", LATER, { timeout: 30000 });
    const detail = await app.textOf(await app.byRole("article", "Incident"));
    assert.ok(detail.includes(PERSON), "the person typed but not added was added on Save");
    assert.ok(detail.includes("Neighbour Enter Test"), "the person added with Enter is linked");
    // Saved: the draft is gone.
    await app.goTo("Log incident", "Log an incident");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await value(app, "Summary (required)"), "", "Save removed the draft");
  });
});
