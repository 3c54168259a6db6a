// End-to-end: the real Evident binary, driven through tauri-driver and WebKitWebDriver, with a fresh vault.
// The scenarios share one app session in order (as a person would use it), but each checks its own
// outcome and fails on its own.

import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { norm } from "./lib/a11y.js";
import { App, figure, groupedHash, sha256, shortHash, sizeText, useApp } from "./lib/app.js";
import { SHOTS, appProcesses, makePng, pngSize, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "amber kettle violin harbour 47";
const WRONG = "amber kettle violin harbour 48";
const RUN_STARTED = Date.now();

// What the scenarios create, shared in order.
const S1 = "Threatening email about the ward surgery";
const S1_AMENDED = "Threatening email about the Tuesday ward surgery";
const S2 = "Leaflet pushed through the door";
const S3 = "Message with a strangely named screenshot";
const VERBATIM = "You will regret standing again, zebracrossing.";
const PERSON = "Test Person";
const HANDLE = "@tester_e2e";
const PNG = makePng(48, 32, 7);
const PNG_NAME = "threat-screenshot.png";
const XSS_NAME = "<img src=x onerror=alert(1)>.png";
const XSS_PNG = makePng(20, 20, 3);
const AMEND_REASON = "I remembered it was the Tuesday surgery";
const WITHDRAW_REASON = "Attached the wrong screenshot by mistake";

const GATE = /^(Create your private vault|Unlock Evident)$/;

/** Plain words: no raw error dumps, JSON, stack traces or internal codes. */
function assertPlainWords(text) {
  assert.ok(text.length > 10, `message too short: ${JSON.stringify(text)}`);
  assert.doesNotMatch(text, /[{}<>]|\[object|undefined|\bnull\b|Error:|IpcError|wrong_key|panicked|\bat \S+:\d+/, `not plain words: ${JSON.stringify(text)}`);
}

describe("Evident desktop app, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  let vault;

  const ctx = useApp("", () => ({ vault: (vault = tempDir("evident-e2e-vault-")) }));
  before(() => ({ run, app } = ctx));

  test("cold start shows the create/unlock screen (figure)", async (t) => {
    await app.byRole("heading", GATE, { timeout: 60000 });
    const ms = Math.round(performance.now() - run.startedAt);
    figure(t, `cold start to create/unlock screen: ${ms} ms (session start to heading visible, debug build)`);
    assert.equal(await app.s.title(), "Evident");
  });

  test("1. first run: create a vault, see the recovery key and the write-it-down step", async () => {
    await app.byRole("heading", "Create your private vault", { timeout: 60000 });
    await app.shot("create-vault");
    // Different passphrases are refused in words, and nothing is created.
    await app.fill("Choose a passphrase", PASS);
    const meter = await app.byRole("meter", "Passphrase strength");
    assert.ok(Number(await app.s.property(meter, "value")) >= 2, "a five-part passphrase should not be rated weak");
    await app.fill("Type the passphrase again", WRONG);
    await app.click("button", "Create my vault");
    const mismatch = await waitFor(async () => (await app.alerts())[0], "a mismatch message");
    assertPlainWords(mismatch);
    assert.equal(await app.queryRole("region", "Recovery key"), null, "no recovery key for mismatched passphrases");

    await app.fill("Type the passphrase again", PASS);
    await app.click("button", "Create my vault");
    await app.byRole("heading", "Your recovery key", { timeout: 60000 });
    const region = await app.byRole("region", "Recovery key");
    const text = await app.textOf(region);
    const key = text.match(/\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}\b/);
    assert.ok(key, `a recovery key of 8 groups of 4 is shown; saw: ${text}`);
    assert.match(text, /Write it on paper|write it down/i);
    await app.byRole("button", "Save to file…", { within: region });
    const cont = await app.byRole("button", "Continue", { within: region });
    assert.equal(await app.s.enabled(cont), false, "Continue waits for the written-down confirmation");
    await app.click("checkbox", "I have written the recovery key down or saved it somewhere safe");
    assert.equal(await app.s.enabled(cont), true);
    await app.press(cont);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    assert.equal(await app.queryRole("region", "Recovery key"), null, "the key is gone once confirmed");
    const integrity = await app.byRole("status", "Integrity status");
    assert.ok((await app.textOf(integrity)).length > 0, "integrity status is visible");
  });

  test("2. lock and unlock; a wrong passphrase is explained in plain words", async () => {
    await app.ensureUnlocked(PASS);
    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident");
    assert.equal(await app.isUnlocked(), false, "locking removes the app screens");
    await app.waitStatus("Locked.");
    await app.shot("unlock");

    await app.fill("Passphrase", WRONG);
    await app.click("button", "Unlock");
    const msg = await app.waitAlert("", undefined, 30000).catch(async () => (await app.alerts()).join(" | "));
    assertPlainWords(msg);
    assert.match(msg, /passphrase/i, `the message says the passphrase is the problem: ${msg}`);
    assert.equal(await app.isUnlocked(), false, "a wrong passphrase does not unlock");

    await app.fill("Passphrase", PASS);
    await app.click("button", "Unlock");
    await app.byRole("navigation", "Main", { timeout: 30000 });
  });

  test("3. log an incident with a person and an attachment dropped on the drop zone", async (t) => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", S1);
    const kind = await app.s.exec("return [...arguments[0].options].map(o => o.textContent).filter(Boolean)[1] ?? '';", await app.byLabel("What kind of incident"));
    assert.ok(kind, "the kinds list is filled from the reference data");
    assert.equal(await app.choose("What kind of incident", kind), kind);
    await app.fill("What was said or done", VERBATIM);

    // Someone new, with a handle.
    await app.click("button", "Someone new");
    await app.fill("Name (if known)", PERSON);
    await app.fill("Handles or accounts (one per line)", HANDLE);
    await app.click("button", "Add this person");
    const fresh = await app.byRole("list", "New people to add");
    assert.match(await app.textOf(fresh), new RegExp(`${PERSON} · ${HANDLE}`));

    const how = await app.dropFiles([{ name: PNG_NAME, bytes: PNG, type: "image/png" }]);
    t.diagnostic(`drop delivered as: ${how}`);
    const pending = await app.byRole("list", "Files to attach");
    await app.itemContaining(pending, PNG_NAME);
    assert.match(await app.textOf(pending), new RegExp(`${PNG_NAME} \\(${sizeText(PNG.length)}\\)`));
    await app.shot("log-incident");
    await app.shot("log-incident-files", await app.byRole("group", "Screenshots and files"));

    await app.click("button", "Save incident");
    await app.byRole("heading", S1, { timeout: 30000 });
    await app.waitStatus("Incident saved.");

    const sha = sha256(PNG);
    const files = await app.byRole("list", "Attachments");
    const card = await app.itemContaining(files, PNG_NAME);
    const cardText = await app.textOf(card);
    assert.ok(cardText.includes(sizeText(PNG.length)), `size shown: ${cardText}`);
    assert.ok(cardText.includes(shortHash(sha)), `short SHA-256 ${shortHash(sha)} shown: ${cardText}`);
    await app.click("button", "Show full", { within: card });
    const full = await waitFor(async () => (await app.textOf(card)).includes(groupedHash(sha)), `full hash ${groupedHash(sha)}`);
    assert.ok(full);
    await app.byRole("button", `Copy SHA-256 of ${PNG_NAME}`, { within: card });
    // A preview of the real image arrives from memory.
    await app.byRole("img", `Preview of ${PNG_NAME}`, { within: card, timeout: 20000 });

    await app.byRole("link", PERSON);
    const details = await app.textOf(await app.byRole("region", "Details"));
    assert.ok(details.includes(VERBATIM), "the verbatim words are kept");
    assert.ok(details.includes(kind), `the kind "${kind}" is shown`);
  });

  test("4. see it in the timeline and find it by search", async () => {
    await app.ensureUnlocked(PASS);
    // A second, unrelated incident so that search has something to leave out.
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", S2);
    await app.click("button", "Save incident");
    await app.byRole("heading", S2, { timeout: 30000 });

    await app.goTo("Timeline");
    const list = await app.byRole("list", "Incidents, newest first");
    const first = await app.byRole("link", S1, { within: list });
    const second = await app.byRole("link", S2, { within: list });
    const order = await app.s.exec("return arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING;", second, first);
    assert.ok(order, "newest first: the later incident is listed above the earlier one");
    const row = await app.itemContaining(list, S1);
    const rowText = await app.textOf(row);
    assert.match(rowText, /1 attachment\b/, `attachment count: ${rowText}`);
    assert.match(rowText, new RegExp(`Who: ${PERSON}`), `people: ${rowText}`);
    await app.shot("timeline");

    await app.fill("Search", "zebracrossing");
    await waitFor(async () => !(await app.queryRole("link", S2, { within: list })) && (await app.queryRole("link", S1, { within: list })), "search to leave only the matching incident");
    await app.fill("Search", "qqnomatchqq");
    await waitFor(async () => (await app.textOf(list)).includes("No incidents match"), "no-match message");
    assert.equal(await app.queryRole("link", S1, { within: list }), null);
    await app.click("button", "Clear filters");
    await app.byRole("link", S2, { within: list });
  });

  test("5. amend it with a reason and see both versions in the history", async () => {
    await app.ensureUnlocked(PASS);
    await app.openIncident(S1);
    await app.click("button", "Amend…");
    const form = await app.byRole("form", "Amend incident");
    await app.fill("Summary (required)", S1_AMENDED, { within: form });
    await app.click("button", "Save amendment", { within: form });
    const refused = await app.waitAlert("Say why you are amending it", form);
    assertPlainWords(refused);
    await app.fill("Reason for the amendment (required)", AMEND_REASON, { within: form });
    await app.click("button", "Save amendment", { within: form });
    await app.byRole("heading", S1_AMENDED, { timeout: 30000 });
    await app.waitStatus("Amendment saved");

    const history = await app.byRole("list", "History");
    const items = await app.queryAllRole("listitem", undefined, { within: history });
    assert.ok(items.length >= 2, `history has the original and the amendment (${items.length} items)`);
    const original = await app.textOf(items[0]);
    assert.match(original, /Original record/);
    const amended = await app.itemContaining(history, `Reason: ${AMEND_REASON}`);
    const table = await app.byRole("table", /^Changes in/, { within: amended });
    const tableText = await app.textOf(table);
    assert.ok(tableText.includes(S1) && tableText.includes(S1_AMENDED), `before and after both shown: ${tableText}`);
    const before = await app.s.exec("const t = arguments[0]; const r = [...t.tBodies[0].rows].find(r => r.cells[0].textContent.trim().length); return [r.cells[1].innerText, r.cells[2].innerText];", table);
    assert.deepEqual(before.map(norm), [S1, S1_AMENDED], "Before is the original, After the amendment");
    await app.shot("incident-detail");
    await app.shot("incident-history", await app.byRole("heading", "History"));
  });

  test("6. withdraw an attachment with a reason and a confirmation; its hash stays", async () => {
    await app.ensureUnlocked(PASS);
    if (!(await app.queryRole("heading", S1_AMENDED))) await app.openIncident(S1_AMENDED);
    const sha = sha256(PNG);
    await app.click("button", `Withdraw ${PNG_NAME}`);
    const dialog = await app.byRole("dialog", "Withdraw this attachment?");
    const reason = await app.byLabel("Reason for withdrawing", { within: dialog });
    await app.s.exec("window.__refused = false; arguments[0].addEventListener('invalid', () => { window.__refused = true; }, { once: true });", reason);
    await app.click("button", "Withdraw attachment", { within: dialog });
    // No reason, no withdrawal: the dialog stays, and says so (the app's message, or the browser's
    // required-field check on the reason, which WebKit shows as a bubble outside the DOM). Wait until the
    // attempt has been refused one way or the other (the app's alert, or the browser's "invalid" event that
    // stops the submission), then check that nothing was withdrawn.
    await waitFor(
      async () => (await app.alerts(dialog)).some((a) => /reason/i.test(a)) || (await app.s.exec("return window.__refused;")),
      "the withdrawal without a reason to be refused",
    );
    assert.ok(await app.queryRole("dialog", "Withdraw this attachment?"), "no reason, no withdrawal: the dialog stays");
    const told = (await app.alerts(dialog)).some((a) => /reason/i.test(a)) || (await app.s.exec("return arguments[0].validity.valueMissing;", reason));
    assert.ok(told, "the missing reason is pointed out");
    assert.equal(await app.queryRole("img", "Withdrawn: bytes purged"), null, "not withdrawn without a reason");
    await app.fill("Reason for withdrawing", WITHDRAW_REASON, { within: dialog });
    await app.click("button", "Withdraw attachment", { within: dialog });
    await waitFor(async () => !(await app.queryRole("dialog", "Withdraw this attachment?")), "the dialog to close");

    const files = await app.byRole("list", "Attachments");
    const card = await app.itemContaining(files, "Withdrawn");
    const text = await app.textOf(card);
    assert.ok(text.includes(PNG_NAME), "the name stays");
    assert.ok(text.includes(`Reason: ${WITHDRAW_REASON}`), `the reason is shown: ${text}`);
    assert.ok(text.includes(shortHash(sha)), "the short hash stays");
    await app.byRole("img", "Withdrawn: bytes purged", { within: card });
    assert.equal(await app.queryRole("button", `Withdraw ${PNG_NAME}`), null, "cannot be withdrawn twice");
    await app.click("button", "Show full", { within: card });
    await waitFor(async () => (await app.textOf(card)).includes(groupedHash(sha)), "the full hash after withdrawal");
  });

  test("7. ticking a red flag shows the call 999 panel first", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    const has999 = async () => (await app.alerts()).some((a) => a.includes("If you are in danger now, call 999"));
    assert.equal(await has999(), false, "no 999 panel before a red flag is ticked");
    const flags = await app.byRole("group", "Police red flags");
    const boxes = await app.queryAllRole("checkbox", undefined, { within: flags });
    assert.equal(boxes.length, 4, "the four police red flags");
    await app.press(boxes[1]);
    await waitFor(has999, "the 999 panel");
    const panel = await waitFor(async () => {
      for (const el of await app.queryAllRole("alert")) if ((await app.textOf(el)).includes("call 999")) return el;
      return null;
    }, "the panel element");
    const heading = await app.byRole("heading", "Log an incident");
    const first = await app.s.exec("return Boolean(arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING);", panel, heading);
    assert.ok(first, "the panel comes before anything else on the screen");
    await app.shot("danger-panel");
    await app.press(boxes[1]);
    await waitFor(async () => !(await has999()), "the panel to go when no flag is ticked");
  });

  test("8. a file named like HTML shows its name as text, never as markup", async () => {
    await app.ensureUnlocked(PASS);
    await app.s.exec("window.__alerts = []; const rec = (m) => { window.__alerts.push(String(m)); }; window.alert = rec; window.confirm = (m) => { rec(m); return false; }; window.prompt = (m) => { rec(m); return null; };");
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", S3);
    await app.click("checkbox", new RegExp(`^${PERSON}\\b`));
    await app.dropFiles([{ name: XSS_NAME, bytes: XSS_PNG, type: "image/png" }]);
    const pending = await app.byRole("list", "Files to attach");
    await app.itemContaining(pending, XSS_NAME);
    await app.click("button", "Save incident");
    await app.byRole("heading", S3, { timeout: 30000 });
    const files = await app.byRole("list", "Attachments");
    const card = await app.itemContaining(files, XSS_NAME);
    assert.ok((await app.textOf(card)).includes(XSS_NAME), "the name is shown literally");
    const exact = await app.s.exec("return [...arguments[0].querySelectorAll('*')].some(e => e.children.length === 0 && e.textContent === arguments[1]);", card, XSS_NAME);
    assert.ok(exact, "an element holds exactly the name as its text");
    await app.byRole("button", `Withdraw ${XSS_NAME}`, { within: card });
    const preview = await app.byRole("img", `Preview of ${XSS_NAME}`, { within: card, timeout: 20000 });
    // Wait until the page has done what it will with the name: the preview has decoded, and a canary image
    // with the hostile name's src ("x") has finished loading. An <img src="x" onerror=…> the render had
    // injected would share that load of "x" (started earlier), so its onerror would have run by now.
    await waitFor(() => app.s.exec("const i = arguments[0]; return i.complete && i.naturalWidth > 0;", preview), "the preview to decode");
    const canary = await app.s.execAsync("const done = arguments[arguments.length - 1]; const i = new Image(); i.onload = () => done('load'); i.onerror = () => done('error'); i.src = 'x';");
    assert.ok(["load", "error"].includes(canary), `the canary image finished (${canary})`);
    const injected = await app.s.exec("return [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x' || i.hasAttribute('onerror')).length;");
    assert.equal(injected, 0, 'no <img src="x"> in the DOM');
    assert.deepEqual(await app.s.exec("return window.__alerts;"), [], "no alert fired");
    assert.equal(await app.s.alertText(), null, "no native alert is open");
  });

  test("9. the person's page, and screenshots of the main screens", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("People");
    const people = await app.byRole("list", "People");
    await app.click("link", PERSON, { within: people });
    await app.byRole("heading", PERSON);
    const incidents = await app.byRole("list", `Incidents involving ${PERSON}`);
    await app.byRole("link", S1_AMENDED, { within: incidents });
    await app.byRole("link", S3, { within: incidents });
    const note = await app.byRole("note");
    assert.match(await app.textOf(note), /2 or more incidents can amount to a course of conduct — harassment/);
    assert.match(await app.textOf(note), /^2 incidents/);
    await app.shot("person");

    const names = ["unlock", "log-incident", "timeline", "incident-detail", "person"];
    const seen = new Set();
    for (const n of names) {
      const p = join(SHOTS, `${n}.png`);
      const st = statSync(p);
      assert.ok(st.mtimeMs >= RUN_STARTED - 1000, `${n}.png was written by this run`);
      const buf = readFileSync(p);
      const size = pngSize(buf);
      assert.ok(size, `${n}.png is a PNG`);
      assert.ok(size.width >= 600 && size.height >= 400, `${n}.png is a window-sized image (${size.width}×${size.height})`);
      assert.ok(buf.length > 8000, `${n}.png has content (${buf.length} bytes)`);
      seen.add(sha256(buf));
    }
    assert.equal(seen.size, names.length, "each screen looks different");
  });

  test("idle memory of the app and its WebKit processes (figure)", async (t) => {
    // Idle means the screen has finished its work (no loading placeholders, every image loaded, fonts ready,
    // two frames painted) and the processes' memory has stopped moving (two readings 500 ms apart within 1%).
    const started = Date.now();
    await waitFor(
      () => app.s.exec("return document.readyState === 'complete' && document.fonts.status === 'loaded' && !document.querySelector('.loading, [aria-label=\"Loading preview\"]') && [...document.images].every((i) => i.complete);"),
      "the screen to settle",
    );
    await app.s.execAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));");
    const total = (procs) => procs.reduce((s, p) => s + p.rssKb, 0);
    let procs = appProcesses(vault);
    assert.ok(procs.length >= 1, "found the app process");
    procs = await waitFor(
      async () => {
        const before = total(procs);
        await new Promise((r) => setTimeout(r, 500));
        const now = appProcesses(vault);
        const steady = Math.abs(total(now) - before) <= before * 0.01;
        procs = now;
        return steady && now;
      },
      "the app's memory to stop moving",
      30000,
      0,
    );
    const mib = (kb) => (kb / 1024).toFixed(1);
    const rss = total(procs);
    const pss = procs.reduce((s, p) => s + p.pssKb, 0);
    figure(t, `idle memory (steady after ${((Date.now() - started) / 1000).toFixed(1)} s): ${mib(rss)} MiB RSS total (${mib(pss)} MiB PSS, shared pages split) — ${procs.map((p) => `${p.name}(${p.pid}) RSS ${mib(p.rssKb)} / PSS ${mib(p.pssKb)} MiB`).join(", ")}`);
  });
});
