// End-to-end, with the app started under LANG=C and LC_ALL=C (a system locale that is month-first with AM/PM):
// 1. Dates are typed in UK order in day / month / year boxes with a 24-hour time (no native date boxes): a UK-typed
//    "05 / 11 / 2026 09:30" reads back "Thursday 5 November 2026, 09:30" and is saved as 5 November.
// 2. Ctrl+V in Summary stages the screenshot on the clipboard; clicking the paste box keeps its hint; summary
//    plus screenshot takes 4 interactions (open Log, type, Ctrl+V, Save) and few keypresses from the keyboard
//    (measured and printed as figures).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { figure, useApp } from "./lib/app.js";
import { clipboard } from "./lib/clipboard.js";
import { makePng, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "saffron otter window ledger 73";
const CONTROL = "\uE009";
const SHIFT = "\uE008";
const TAB = "\uE004";
const ENTER = "\uE007";
const PNG = makePng(120, 80, 31);
const DATED = "Leaflets torn down at the surgery";
const PASTED = "Threatening reply under my post";

describe("UK dates under LANG=C, and pasting from the keyboard, end to end", () => {
  const ctx = useApp("journeys-", () => ({ vault: tempDir("evident-e2e-journeys-vault-"), env: { LANG: "C", LC_ALL: "C", LANGUAGE: "C" } }));
  let app;
  let release = () => {};
  before(() => ({ app } = ctx));
  after(() => release());

  test("create a vault", async () => {
    await ctx.app.createVault(PASS);
  });

  test("the empty timeline offers a button to log the first incident", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Timeline");
    await app.click("button", "Log your first incident");
    await app.byRole("heading", "Log an incident");
  });

  test("under LANG=C a UK-typed 5 November is saved as 5 November", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    const natives = await app.s.exec("return document.querySelectorAll('input[type=date], input[type=datetime-local], input[type=time], input[type=month]').length;");
    assert.equal(natives, 0, "no native date or time boxes (they follow the system locale)");
    await app.fill("Summary (required)", DATED);
    await app.fill("When it happened: day", "05");
    await app.fill("When it happened: month", "11");
    await app.fill("When it happened: year", "2026");
    await app.fill("When it happened: time, 24-hour", "09:30");
    const rb = await app.s.exec("return document.querySelector('.readback').textContent;");
    assert.equal(rb, "Thursday 5 November 2026, 09:30");
    await app.shot("log-uk-date", await app.byRole("group", "When it happened"));
    await app.click("button", "Save incident");
    await app.byRole("heading", DATED, { timeout: 30000 });
    const detail = await app.textOf(await app.byRole("article", "Incident"));
    assert.match(detail, /Thu,? 5 Nov 2026, 09:30/, `saved as 5 November 09:30: ${detail.slice(0, 300)}`);
  });

  test("clicking the paste box keeps its hint", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    const target = await app.byRole("textbox", "Paste a screenshot here");
    await app.press(target);
    const text = await app.s.exec("return arguments[0].innerText;", target);
    assert.match(text, /Ctrl\+V/, `the hint is still there after a click: "${text}"`);
    // The screenshots box sits directly under Summary.
    const order = await app.s.exec(
      "const s = document.querySelector('input[aria-describedby]'); const f = document.querySelector('fieldset.files'); return Boolean(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) && f.getBoundingClientRect().top < 600;",
    );
    assert.ok(order, "Screenshots and files is under Summary, near the top");
    await app.shot("log-incident-essentials");
  });

  test("Ctrl+V in Summary stages the screenshot; summary plus screenshot in 4 interactions from the keyboard", async (t) => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Timeline");
    release = await clipboard(PNG, "image/png");
    // Keypresses: a key, or a combination (Shift+Tab, Ctrl+V) pressed once; `keysDown` counts every key held.
    let keys = 0;
    let keysDown = 0;
    let interactions = 0;
    // 1. Open "Log incident" from the keyboard (from the Timeline's heading, back through the navigation).
    const onLog = () => app.s.exec("const a = document.activeElement; return a && a.textContent === 'Log incident' && a.closest('nav') !== null;");
    let tabs = 0;
    while (!(await onLog()) && tabs < 20) {
      await app.s.pressKeys([SHIFT, TAB]);
      keys += 1;
      keysDown += 2;
      tabs++;
    }
    assert.ok(await onLog(), "Log incident reached from the keyboard");
    await app.s.pressKeys([ENTER]);
    keys += 1;
    keysDown += 1;
    interactions++;
    await app.byRole("heading", "Log an incident");
    // 2. Type the summary (the focus is already in it).
    await waitFor(() => app.s.exec("return document.activeElement?.labels?.[0]?.textContent === 'Summary (required)';"), "the focus in Summary");
    const summary = await app.s.exec("return document.activeElement;");
    await app.s.sendKeys(summary, PASTED);
    interactions++;
    // 3. Ctrl+V in Summary.
    await app.s.pressKeys([CONTROL, "v"]);
    keys += 1;
    keysDown += 2;
    interactions++;
    const pending = await waitFor(() => app.queryRole("list", "Files to attach"), "the pasted screenshot staged", 15000);
    await app.itemContaining(pending, "pasted-");
    assert.equal(await app.s.property(summary, "value"), PASTED, "the summary is untouched by the paste");
    await waitFor(() => app.s.exec("return document.activeElement === arguments[0];", summary), "the focus back in Summary", 5000);
    // 4. Enter saves.
    await app.s.pressKeys([ENTER]);
    keys += 1;
    keysDown += 1;
    interactions++;
    await app.byRole("heading", PASTED, { timeout: 30000 });
    const files = await app.byRole("list", "Attachments");
    await app.itemContaining(files, "pasted-");
    figure(t, `summary plus pasted screenshot from the keyboard: ${interactions} interactions, ${keys} keypresses (${keysDown} keys counting each key of a combination) besides the summary's ${PASTED.length} characters (${tabs} Shift+Tab to reach Log incident); before: 6 interactions, 43 keypresses`);
    assert.ok(interactions <= 4, `${interactions} interactions`);
    assert.ok(keys <= 12, `${keys} keypresses`);
    release();
  });

  test("a search for a handle finds the person's incidents", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", "Replies from the same account");
    await app.click("button", "Someone new");
    await app.fill("Handles or accounts (one per line)", "@Quiet_Fox22");
    await app.click("button", "Save incident");
    await app.byRole("heading", "Replies from the same account", { timeout: 30000 });
    await app.goTo("Timeline");
    const list = await app.byRole("list", "Incidents, newest first");
    await app.fill("Search", "@quiet_fox22");
    await waitFor(
      async () => (await app.queryRole("link", "Replies from the same account", { within: list })) && !(await app.queryRole("link", DATED, { within: list })),
      "the handle's incident, and only it",
    );
    // Esc clears the search; a second Esc straight after does not hide the app.
    const search = await app.byLabel("Search");
    await app.press(search);
    await app.s.pressKeys(["\uE00C"]);
    await app.s.pressKeys(["\uE00C"]);
    assert.ok(await app.isUnlocked() && (await app.queryRole("heading", "Timeline")), "Esc Esc in a search box did not hide the app");
  });
});
