// End-to-end: traces outside the vault, in the real app (a test build) under Xvfb.
// 1. Lock reloads the page: afterwards the DOM holds none of the incident's text and a JavaScript variable set
//    before the lock is gone (a reload, not just a re-render); unlocking again finds the incident intact.
// 2. Recent files: the app runs with a private XDG_DATA_HOME holding a Recent files list. WebDriver cannot drive
//    the GTK file dialog, so in this test build (EVIDENT_TEST_DIALOG_DIR) each dialog is answered from a folder,
//    and the answer is first added to GTK's list as GTK's chooser does when a file is chosen; then the command
//    goes on as after a real dialog. Through the real buttons, one after the other: save the recovery key,
//    attach (Choose files…), export, backup: after each, the list is byte for byte as it was (a command that
//    did not take its file out again would leave it written 250 ms later). Then the hook `test_recent_files`:
//    the same add with the app's step, and the control (without it) that shows GTK does write the list.
//    The real chooser itself is exercised by the Rust test recent::tests (src-tauri/src/recent.rs).
// 3. Core dumps: the app process and its webview processes have a core size limit of 0.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { appProcesses, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "lantern meadow copper whistle 62";
const MARKER = "QZVTRACEMARKER";
const SUMMARY = `${MARKER} Car followed me home from the count`;
const WORDS = `${MARKER}WORDS He said he knows which bus my daughter takes`;
/** A 1×1 PNG. */
const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/** A Recent files list with one entry from yesterday (GTK drops entries older than 30 days when it writes). */
function seedXbel() {
  const t = new Date(Date.now() - 86400000).toISOString().replace(/\.\d+Z$/, "Z");
  return `<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0"
      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"
      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"
>
  <bookmark href="file:///home/someone/holiday.jpg" added="${t}" modified="${t}" visited="${t}">
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="image/jpeg"/>
        <bookmark:applications>
          <bookmark:application name="Image Viewer" exec="&apos;eog %u&apos;" modified="${t}" count="1"/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
</xbel>`;
}

describe("Traces outside the vault, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  let vault;
  let dataHome;
  let xbel;
  let seed;
  let files;
  let answers;

  const ctx = useApp("traces-", () => {
    vault = tempDir("evident-e2e-traces-vault-");
    dataHome = tempDir("evident-e2e-traces-data-");
    files = tempDir("evident-e2e-traces-files-");
    answers = tempDir("evident-e2e-traces-answers-");
    mkdirSync(join(answers, "open"), { recursive: true });
    writeFileSync(join(answers, "open", "screenshot-of-threat.png"), Buffer.from(PNG_B64, "base64"));
    mkdirSync(dataHome, { recursive: true });
    xbel = join(dataHome, "recently-used.xbel");
    seed = seedXbel();
    writeFileSync(xbel, seed);
    return { vault, env: { XDG_DATA_HOME: dataHome, EVIDENT_TEST_DIALOG_DIR: answers } };
  });
  before(() => ({ run, app } = ctx));

  /** Calls the test hook in the running app; returns whether GTK took the entry. */
  async function recentHook(path, forget) {
    const r = await run.session.execAsync(
      `const [path, forget, done] = arguments;
       window.__TAURI_INTERNALS__.invoke("test_recent_files", { path, forget })
         .then((ok) => done({ ok }), (e) => done({ err: JSON.stringify(e) }));`,
      path,
      forget,
    );
    assert.equal(r.err, undefined, `test_recent_files: ${r.err}`);
    return r.ok;
  }

  /** After a command whose dialog was answered (and the answer added to GTK's list): the list on disk is as it was. */
  async function listUnchanged(what) {
    // GTK writes its list 250 ms after a change; give it far longer.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(readFileSync(xbel, "utf8"), seed, `recently-used.xbel is byte for byte as it was after ${what}`);
  }

  test("Recent files: unchanged after saving the recovery key, attaching, exporting and a backup", async () => {
    // Save the recovery key, from the screen that shows it once.
    await app.byRole("heading", "Create your private vault", { timeout: 60000 });
    await app.fill("Choose a passphrase", PASS);
    await app.fill("Type the passphrase again", PASS);
    await app.click("button", "Create my vault");
    const region = await app.byRole("region", "Recovery key", { timeout: 60000 });
    await app.click("button", "Save to file…", { within: region });
    await app.waitStatus("Saved to ");
    assert.ok(existsSync(join(answers, "evident-recovery-key.txt")), "the key file was written where the dialog said");
    await listUnchanged("saving the recovery key");
    await app.click("checkbox", "I have written the recovery key down or saved it somewhere safe");
    await app.click("button", "Continue", { within: region });
    await app.byRole("navigation", "Main", { timeout: 30000 });

    // Attach: "Choose files…" on the Log form, then save the incident with it.
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", `${MARKER} Threat sent as a screenshot`);
    await app.click("button", "Choose files…");
    const pending = await app.byRole("list", "Files to attach");
    await app.itemContaining(pending, "screenshot-of-threat.png");
    await app.click("button", "Save incident");
    await app.byRole("heading", `${MARKER} Threat sent as a screenshot`, { timeout: 30000 });
    await app.itemContaining(await app.byRole("list", "Attachments"), "screenshot-of-threat.png");
    await listUnchanged("attaching");

    // Export.
    await app.goTo("Export", "Export an evidence pack");
    await app.fill("Their name", "DC Jane Officer");
    await app.fill("Organisation", "Example Constabulary");
    await app.fill("Your name", "Alex Brown");
    await app.fill("Your contact details", "alex@example.invalid");
    await app.click("button", "Export pack…");
    const saved = await app.byRole("region", "Pack saved", { timeout: 120000 });
    const packPath = (await app.textOf(saved)).match(/Saved to (\S+\.zip)/)?.[1];
    assert.ok(packPath && packPath.startsWith(answers) && existsSync(packPath), `the pack is where the dialog said: ${packPath}`);
    await listUnchanged("exporting");

    // Backup.
    await app.goTo("Vault and settings");
    await app.click("button", "Save a backup…");
    const said = await app.waitStatus("Backup saved to ", 120000);
    const backupPath = said.match(/Backup saved to (\S+\.evidentbackup)/)?.[1];
    assert.ok(backupPath && backupPath.startsWith(answers) && existsSync(backupPath), `the backup is where the dialog said: ${said}`);
    await listUnchanged("a backup");
  });

  test("lock reloads the page: no decrypted text and no script state survive it", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", SUMMARY);
    await app.fill("What was said or done", WORDS);
    await app.click("button", "Save incident");
    await app.byRole("heading", SUMMARY, { timeout: 30000 });
    const before = await run.session.exec(
      "window.__evidentBeforeLock = 1; return { marker: window.__evidentBeforeLock, text: document.body.textContent };",
    );
    assert.equal(before.marker, 1);
    assert.ok(before.text.includes(MARKER), "the incident is on screen before the lock");

    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident", { timeout: 30000 });
    await app.waitStatus("Locked.");
    const after = await run.session.exec(
      "return { marker: typeof window.__evidentBeforeLock, text: document.body.textContent, search: location.search };",
    );
    assert.equal(after.marker, "undefined", "a variable set before the lock is gone: the page was reloaded");
    assert.ok(!after.text.includes(MARKER), "no text of the incident in the DOM after the lock");
    assert.equal(after.search, "", "the reloaded page cleans its address");
    assert.equal(await app.isUnlocked(), false);

    // Nothing was lost: unlock and find the incident.
    await app.ensureUnlocked(PASS);
    await app.openIncident(SUMMARY);
  });

  test("Recent files: what the app's dialogs choose never stays in recently-used.xbel", async () => {
    const key = join(files, "evident-recovery-key.txt");
    writeFileSync(key, "not a real key");
    assert.equal(await recentHook(key, true), true, "GTK took the entry, as after a dialog");
    // GTK writes its list 250 ms after a change; give it far longer.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(readFileSync(xbel, "utf8"), seed, "recently-used.xbel is byte for byte as it was");

    // The control: the same add without the app's step is written to the list (so the check above can fail).
    const pack = join(files, "evidence-pack.zip");
    writeFileSync(pack, "PK");
    assert.equal(await recentHook(pack, false), true);
    const control = await waitFor(
      () => {
        const s = readFileSync(xbel, "utf8");
        return s.includes("evidence-pack.zip") ? s : null;
      },
      "GTK to write the control entry",
      10000,
    );
    assert.ok(control.includes("holiday.jpg"), "the person's own entries stay");
    assert.ok(!control.includes("evident-recovery-key"), "the forgotten entry never came back");
  });

  test("core dumps are off in the app and its webview processes", async () => {
    const procs = appProcesses(vault);
    assert.ok(procs.length >= 2, `the app and its webview processes: ${JSON.stringify(procs)}`);
    for (const p of procs) {
      const limits = readFileSync(`/proc/${p.pid}/limits`, "utf8");
      const line = limits.split("\n").find((l) => l.startsWith("Max core file size")) ?? "";
      const [soft, hard] = line.slice("Max core file size".length).trim().split(/\s+/);
      assert.deepEqual([soft, hard], ["0", "0"], `${p.name} (${p.pid}): ${line}`);
    }
  });
});
