// End-to-end: the Import screen in the real app. A folder of 10 screenshots (five taken on one day, five on
// the next, by their file times) is read with the progress bar, grouped by day into two proposals, confirmed,
// recorded in one go, and seen in the timeline with all ten files; then the same folder again: every file is a
// duplicate, skipped and reported.

import assert from "node:assert/strict";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { REPO, makePng, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "harbour violet engine quarry 42";

function makeFolder() {
  const dir = join(tempDir("evident-e2e-import-"), "Screenshots");
  mkdirSync(dir);
  for (let i = 0; i < 10; i++) {
    const f = join(dir, `Screenshot_${String(i).padStart(2, "0")}.png`);
    writeFileSync(f, makePng(40 + i, 30 + i, 100 + i));
    // 20 and 21 November 2026, mid-morning UK time.
    const t = new Date(Date.UTC(2026, 10, i < 5 ? 20 : 21, 10, i * 3, 0)) / 1000;
    utimesSync(f, t, t);
  }
  return dir;
}

describe("Import screen: a folder of screenshots, grouped by day, confirmed, in the timeline", () => {
  let run;
  /** @type {App} */
  let app;
  const folder = makeFolder();
  const ctx = useApp("import-", () => ({ vault: tempDir("evident-e2e-import-vault-") }));
  before(() => ({ run, app } = ctx));

  test("create a vault", async () => {
    await app.createVault(PASS);
  });

  test("read the folder and group by day", async () => {
    await app.goTo("Import");
    await app.fill("Folder of screenshots or photos", folder);
    await app.click("button", "Read");
    await app.waitStatus("10 images read", 30000);
    const shown = await app.choose("Group into incidents", "One incident per day");
    assert.equal(shown, "One incident per day");
    const cards = await waitFor(async () => {
      const n = await app.s.exec("return document.querySelectorAll('[data-testid=import-proposal]').length;");
      return n === 2 ? n : null;
    }, "two proposals, one per day");
    assert.equal(cards, 2);
    const summaries = await app.s.exec(
      "return [...document.querySelectorAll('[data-testid=import-proposal] input[type=text]')].map((i) => i.value);",
    );
    assert.deepEqual(summaries, ["5 screenshots from 20 Nov 2026", "5 screenshots from 21 Nov 2026"]);
    const text = await app.s.exec("return document.querySelector('[data-testid=import-proposals]').innerText;");
    assert.match(text, /Fri, 20 Nov 2026, 10:00/);
    assert.match(text, /dated from the file time/);
    await app.shot("import");
  });

  test("confirm: both days recorded at once, seen in the timeline", async () => {
    // The second proposal's date is changed by hand before recording (the files' times were only file times).
    const card = await app.s.exec("return document.querySelectorAll('[data-testid=import-proposal]')[1];");
    await app.click("button", "Change the date", { within: card });
    await app.s.exec(
      "const i = arguments[0].querySelector('input[type=datetime-local]'); i.value = '2026-11-21T22:15'; i.dispatchEvent(new Event('input', { bubbles: true }));",
      card,
    );
    await app.click("button", "Use this date", { within: card });
    const dateText = await app.s.exec("return arguments[0].querySelector('[data-testid=import-proposal-date]').innerText;", card);
    assert.match(dateText, /21 Nov 2026, 22:15.*set by you/, dateText);
    await app.click("button", "Record 2 incidents");
    const status = await app.waitStatus("Recorded 2 incidents with 10 files", 60000);
    assert.doesNotMatch(status, /duplicate/);
    await app.click("button", "See them in the timeline");
    await app.byRole("heading", "Timeline");
    const list = await app.byRole("list", "Incidents, newest first");
    const first = await app.itemContaining(list, "5 screenshots from 20 Nov 2026");
    const second = await app.itemContaining(list, "5 screenshots from 21 Nov 2026");
    assert.ok(first && second);
    await app.openIncident("5 screenshots from 21 Nov 2026");
    const page = await app.s.exec("return document.querySelector('main').innerText;");
    assert.match(page, /When it happened\s*Sat,? 21 Nov 2026,? 22:15/, "the date set by hand is the incident's");
    for (let i = 5; i < 10; i++) assert.ok(page.includes(`Screenshot_0${i}.png`), `Screenshot_0${i}.png attached`);
  });

  test("the same folder again: every file is a duplicate, nothing recorded", async () => {
    await app.goTo("Import");
    await app.fill("Folder of screenshots or photos", folder);
    await app.click("button", "Read");
    await app.waitStatus("10 images read", 30000);
    await app.click("button", "Record 10 incidents");
    const status = await app.waitStatus("Recorded 0 incidents", 60000);
    assert.match(status, /10 duplicates skipped/);
  });
});

describe("Import screen: an old diary with a bad row, and a WhatsApp export filtered by sender", () => {
  let run;
  /** @type {App} */
  let app;
  const fixtures = join(REPO, "tests", "fixtures", "import");
  const ctx = useApp("import-diary-", () => ({ vault: tempDir("evident-e2e-import-diary-vault-") }));
  before(() => ({ run, app } = ctx));
  const byTestId = (id) => app.s.exec("return document.querySelector(`[data-testid='${arguments[0]}']`);", id);

  test("create a vault", async () => {
    await app.createVault(PASS);
  });

  test("a CSV diary: columns matched, rows previewed, the bad row listed by number, recorded", async () => {
    await app.goTo("Import");
    await app.press(await byTestId("import-tab-diary"));
    await app.fill("Diary file", join(fixtures, "diary.csv"));
    await app.press(await byTestId("import-diary-read"));
    const rows = await waitFor(async () => {
      const t = await app.s.exec("return document.querySelector('[data-testid=diary-rows]')?.innerText ?? null;");
      return t && t.includes("Row") ? t : null;
    }, "the rows as incidents", 30000);
    assert.match(rows, /Row 2: .*21 Nov 2026.*Shouted at me outside the surgery/, rows);
    assert.match(rows, /Row 5: .*23 Nov 2026.*Posted my home address/, rows);
    const problems = await app.s.exec("return document.querySelector('[data-testid=diary-problems]')?.innerText ?? '';");
    assert.match(problems, /1 row cannot be imported/, problems);
    assert.match(problems, /Row 4: /, problems);
    await app.click("button", "Record these incidents");
    const status = await app.waitStatus("Recorded 3 incidents with 1 file", 60000);
    assert.ok(status);
    await app.click("button", "See them in the timeline");
    const list = await app.byRole("list", "Incidents, newest first");
    await app.itemContaining(list, "Shouted at me outside the surgery");
    await app.itemContaining(list, "Imported diary: diary.csv");
  });

  test("a WhatsApp export: only one sender's messages shown, searched, two chosen, recorded with their person", async () => {
    await app.goTo("Import");
    await app.press(await byTestId("import-tab-messages"));
    await app.fill("Export file", join(fixtures, "whatsapp.zip"));
    await app.press(await byTestId("import-messages-read"));
    await waitFor(async () => (await app.s.exec("return document.querySelectorAll('[data-testid=import-messages] li').length;")) > 0 || null, "the messages", 30000);
    const shown = await app.choose("From", "Dave Smith");
    assert.equal(shown, "Dave Smith");
    const texts = () => app.s.exec("return [...document.querySelectorAll('[data-testid=import-messages] li')].map((l) => l.innerText);");
    const dave = await texts();
    assert.equal(dave.length, 4, `only Dave Smith's messages: ${dave}`);
    assert.ok(dave.every((t) => t.includes("Dave Smith")), `${dave}`);
    await app.fill("Search the messages", "regret");
    const found = await waitFor(async () => {
      const t = await texts();
      return t.length === 1 ? t : null;
    }, "one message found");
    assert.match(found[0], /You will regret standing/);
    await app.click("checkbox", "Choose this message");
    await app.fill("Search the messages", "Zoë");
    await waitFor(async () => ((await texts()).length === 1 ? true : null), "the other message found");
    await app.click("checkbox", "Choose this message");
    await app.click("button", "Record the chosen messages");
    await app.waitStatus("Recorded 2 incidents", 60000);
    await app.click("button", "See them in the timeline");
    const list = await app.byRole("list", "Incidents, newest first");
    await app.itemContaining(list, "Imported WhatsApp export: whatsapp.zip");
    // Each is "WhatsApp message from Dave Smith"; the newest first is the one of 22 November.
    await app.openIncident("WhatsApp message from Dave Smith");
    const page = await app.s.exec("return document.querySelector('main').innerText;");
    assert.match(page, /Zoë at number 12 knows what you did/, "the text verbatim");
    assert.match(page, /Dave Smith/, "linked to the person with that handle");
    // Its history says what it came from and what that proves.
    assert.match(page, /Original record, imported .* from whatsapp\.zip \(SHA-256 [0-9a-f]{64}\), message \d+; time as shown in the source: 22\/11\/2026, 09:06; proven unchanged since it was imported, not since it was made/, page);
  });
});
