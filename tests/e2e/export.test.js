// End-to-end: export an evidence pack of hand-picked incidents through the Export screen of the real app, then
// check it with the tools a recipient has. The app (a test build: feature test-hooks) gets EVIDENT_TEST_EXPORT_DIR,
// so "Export pack…" saves in that folder under its default name instead of opening the native save dialog (which
// WebDriver cannot drive).

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { App, groupedHash, sha256, useApp } from "./lib/app.js";
import { REPO, makePng, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "quiet harbour lantern orchard 91";
const CLI = process.env.EVIDENT_CLI ?? join(REPO, "target", "debug", "evident-cli");
const INCLUDED = "Abusive voicemail after the planning committee";
const INCLUDED_WORDS = "You had better watch yourself, councillor.";
const MARKER = "ZQXPRIVATEMARKER";
const EXCLUDED = `${MARKER} private note about my neighbour`;
const EXCLUDED_WORDS = `${MARKER}DESC nothing to do with the case`;
const PNG = makePng(40, 24, 11);
const PNG_NAME = "voicemail-screenshot.png";
const TIME_WORDS = "just after the planning committee ended";

function unzipList(zip) {
  // `unzip -Z1` prints one entry name a line.
  return execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).split("\n").filter(Boolean);
}

function unzipEntry(zip, name) {
  return execFileSync("unzip", ["-p", zip, name], { maxBuffer: 256 * 1024 * 1024 });
}

describe("Export an evidence pack, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  let exportDir;
  let pack; // { path, id, sha }

  const ctx = useApp("export-", () => {
    exportDir = realpathSync(tempDir("evident-e2e-export-out-"));
    return { vault: tempDir("evident-e2e-export-vault-"), env: { EVIDENT_TEST_EXPORT_DIR: exportDir } };
  });
  before(() => ({ run, app } = ctx));

  test("create a vault and log two incidents, one with a screenshot", async () => {
    await app.byRole("heading", "Create your private vault", { timeout: 60000 });
    await app.fill("Choose a passphrase", PASS);
    await app.fill("Type the passphrase again", PASS);
    await app.click("button", "Create my vault");
    await app.byRole("heading", "Your recovery key", { timeout: 60000 });
    await app.click("checkbox", "I have written the recovery key down or saved it somewhere safe");
    await app.click("button", "Continue");
    await app.byRole("navigation", "Main", { timeout: 30000 });

    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", INCLUDED);
    await app.fill("What was said or done", INCLUDED_WORDS);
    await app.fill("If you know only the day: when, in your own words (optional)", TIME_WORDS);
    await app.dropFiles([{ name: PNG_NAME, bytes: PNG, type: "image/png" }]);
    await app.itemContaining(await app.byRole("list", "Files to attach"), PNG_NAME);
    await app.click("button", "Save incident");
    await app.byRole("heading", INCLUDED, { timeout: 30000 });
    // The incident's screen gives the diarist's own words for the time beside it.
    const detail = await app.s.exec("return document.querySelector('dl.fields')?.innerText ?? '';");
    assert.match(detail, new RegExp(`When it happened.*in your words: ${TIME_WORDS}`, "s"), detail);

    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", EXCLUDED);
    await app.fill("What was said or done", EXCLUDED_WORDS);
    await app.click("button", "Save incident");
    await app.byRole("heading", EXCLUDED, { timeout: 30000 });
  });

  test("the Export screen: pick one incident, see what goes in, export", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Export", "Export an evidence pack");
    // All incidents is the starting choice, counted live.
    await app.waitStatus("2 incidents and 1 exhibit will be included. Everything else stays private.", 20000);

    await app.click("radio", "Incidents I choose");
    await app.waitStatus("Tick the incidents to include.");
    const list = await app.byRole("list", "Incidents to choose from");
    await app.byRole("checkbox", new RegExp(`— ${EXCLUDED}$`), { within: list });
    // The list is searchable.
    await app.fill("Search incidents", "planning committee");
    await waitFor(async () => !(await app.queryRole("checkbox", new RegExp(`— ${EXCLUDED}$`), { within: list })), "search to leave out the other incident");
    await app.click("checkbox", new RegExp(`— ${INCLUDED}$`), { within: list });
    await app.waitStatus("1 incident and 1 exhibit will be included. Everything else stays private.", 20000);

    // Missing details are asked for in words, and nothing is exported.
    await app.click("button", "Export pack…");
    const problems = await app.waitAlert("Give your name for the cover sheet.");
    assert.match(problems, /Say who the pack is for/);
    assert.doesNotMatch(problems, /[{}<>]|undefined|null|Error:/, `plain words: ${problems}`);

    await app.fill("Their name", "DC Jane Officer");
    await app.fill("Organisation", "Example Constabulary");
    await app.fill("Crime reference number (if you have one)", "CRIME/12345/26");
    await app.fill("Your name", "Alex Brown");
    await app.fill("Your contact details", "alex@example.invalid");
    const initials = await app.byLabel("Exhibit initials");
    assert.equal(await app.s.property(initials, "value"), "AB", "initials default from the name");
    await app.shot("export");

    await app.click("button", "Export pack…");
    const saved = await app.byRole("region", "Pack saved", { timeout: 120000 });
    const text = await app.textOf(saved);
    await app.shot("export-saved", saved);
    assert.match(text, /1 incident and 1 exhibit exported/);
    const path = text.match(/Saved to (\S+\.zip)/)?.[1];
    const id = text.match(/Pack id (EVP-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/)?.[1];
    const grouped = text.match(/SHA-256 of SHA256SUMS ((?:[0-9a-f]{8} ){7}[0-9a-f]{8})/)?.[1];
    assert.ok(path && id && grouped, `path, pack id and SHA-256 shown: ${text}`);
    assert.match(text, /verify\.html/);
    assert.match(text, /sha256sum -c SHA256SUMS/);
    pack = { path, id, sha: grouped.replaceAll(" ", "") };
  });

  test("the pack is in the chosen folder, verifies, and holds nothing of the other incident", async (t) => {
    assert.ok(pack, "the export step made a pack");
    assert.equal(dirname(pack.path), exportDir, "saved in the test export folder");
    assert.match(basename(pack.path), /^evidence-pack-AB-\d{4}-\d{2}-\d{2}\.zip$/);
    assert.ok(existsSync(pack.path), `${pack.path} exists`);

    assert.ok(existsSync(CLI), `evident-cli built at ${CLI}`);
    const v = spawnSync(CLI, ["verify-pack", pack.path], { encoding: "utf8" });
    assert.equal(v.status, 0, `verify-pack exits 0: ${v.stdout}${v.stderr}`);
    assert.ok(v.stdout.includes(pack.id), `verify-pack names the pack id: ${v.stdout}`);

    const names = unzipList(pack.path);
    for (const n of ["report.pdf", "SHA256SUMS", "verify.html", "incidents.json", "chain.json"]) assert.ok(names.includes(n), `${n} in the pack`);
    assert.equal(sha256(unzipEntry(pack.path, "SHA256SUMS")), pack.sha, "the SHA-256 shown is that of SHA256SUMS");
    assert.equal(groupedHash(pack.sha).length, 71);

    const exhibits = names.filter((n) => n.startsWith("exhibits/") && !n.endsWith("/"));
    // Marks are the initials and the file's number in the diary (AB/3 is exhibits/AB-3_…), the same in every pack.
    assert.equal(exhibits.length, 1);
    assert.match(exhibits[0], new RegExp(`^exhibits/AB-\\d+_${PNG_NAME.replace(/[.]/g, "\\.")}$`));
    assert.ok(unzipEntry(pack.path, exhibits[0]).equals(PNG), "the exhibit is the original file, byte for byte");

    const json = unzipEntry(pack.path, "incidents.json").toString("utf8");
    assert.ok(json.includes(INCLUDED) && json.includes(INCLUDED_WORDS), "the chosen incident is in the data");
    for (const n of names) {
      if (n.endsWith("/")) continue;
      assert.ok(!unzipEntry(pack.path, n).includes(MARKER), `${n} contains nothing of the excluded incident`);
    }
    const pdftotext = spawnSync("pdftotext", ["-", "-"], { input: unzipEntry(pack.path, "report.pdf"), maxBuffer: 64 * 1024 * 1024 });
    if (pdftotext.status === 0) {
      const pdfText = pdftotext.stdout.toString("utf8").replace(/\s+/g, " ");
      assert.ok(pdfText.includes(INCLUDED), "the report's text has the chosen incident");
      assert.ok(!pdfText.includes(MARKER), "the report's text has nothing of the excluded incident");
    } else {
      t.diagnostic("pdftotext is not installed: the report's text was checked only as bytes");
    }
  });

  test("for a police upload portal: a folder of at most 16 files, report.pdf and the whole pack, which verifies", async () => {
    await app.ensureUnlocked(PASS);
    await app.goTo("Export", "Export an evidence pack");
    await app.waitStatus("2 incidents and 1 exhibit will be included. Everything else stays private.", 20000);
    await app.fill("Their name", "DC Jane Officer");
    await app.fill("Organisation", "Example Constabulary");
    await app.fill("Your name", "Alex Brown");
    await app.fill("Your contact details", "alex@example.invalid");
    await app.click("radio", /For a police upload portal/);
    await app.click("button", "Export pack…");
    const saved = await app.byRole("region", "Pack saved", { timeout: 120000 });
    const text = await app.textOf(saved);
    assert.match(text, /Files to upload \((\d+) of at most 16\)/, text);
    const folders = readdirSync(exportDir).filter((n) => n.endsWith("-portal"));
    assert.equal(folders.length, 1, `one portal folder in ${exportDir}: ${readdirSync(exportDir)}`);
    const folder = join(exportDir, folders[0]);
    const upload = readdirSync(folder).filter((n) => !n.includes("receipt"));
    assert.ok(upload.length <= 16, `at most 16 files to upload: ${upload}`);
    for (const n of ["report.pdf", "evidence-pack.zip"]) assert.ok(upload.includes(n), `${n} in ${upload}`);
    const exhibit = upload.find((n) => n.startsWith("AB-"));
    assert.ok(exhibit && readFileSync(join(folder, exhibit)).equals(PNG), `the exhibit as a file of its own, byte for byte: ${upload}`);
    for (const n of upload) assert.ok(text.includes(n), `the screen lists ${n}: ${text}`);
    const v = spawnSync(CLI, ["verify-pack", join(folder, "evidence-pack.zip")], { encoding: "utf8" });
    assert.equal(v.status, 0, `verify-pack exits 0: ${v.stdout}${v.stderr}`);
  });
});
