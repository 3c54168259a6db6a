// End-to-end: traces outside the vault, in the real app (a test build) under Xvfb.
// 1. Lock reloads the page: afterwards the DOM holds none of the incident's text and a JavaScript variable set
//    before the lock is gone (a reload, not just a re-render); unlocking again finds the incident intact.
// 2. Recent files: the app runs with a private XDG_DATA_HOME holding a Recent files list. WebDriver cannot drive
//    the GTK file dialog, so the test hook `test_recent_files` does in the running app what GTK's chooser does
//    when a file is chosen (adds it to GTK's list), then what the app does after each of its dialogs. The list
//    stays byte for byte as it was; the control (the same add without the app's step) shows GTK does write it.
//    The real chooser itself is exercised by the Rust test recent::tests (src-tauri/src/recent.rs).
// 3. Core dumps: the app process and its webview processes have a core size limit of 0.

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { appProcesses, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "lantern meadow copper whistle 62";
const MARKER = "QZVTRACEMARKER";
const SUMMARY = `${MARKER} Car followed me home from the count`;
const WORDS = `${MARKER}WORDS He said he knows which bus my daughter takes`;

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

  const ctx = useApp("traces-", () => {
    vault = tempDir("evident-e2e-traces-vault-");
    dataHome = tempDir("evident-e2e-traces-data-");
    files = tempDir("evident-e2e-traces-files-");
    mkdirSync(dataHome, { recursive: true });
    xbel = join(dataHome, "recently-used.xbel");
    seed = seedXbel();
    writeFileSync(xbel, seed);
    return { vault, env: { XDG_DATA_HOME: dataHome } };
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

  test("lock reloads the page: no decrypted text and no script state survive it", async () => {
    await app.createVault(PASS);
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
