// End-to-end: trusted time against a real RFC 3161 time-stamping authority on loopback (openssl ts -reply behind
// a small HTTP server started here, with a throwaway CA: lib/tsa.js). The vault is made and pointed at that TSA
// (and at nothing else) with evident-cli before the app starts. The app (a test build) reads
// EVIDENT_TEST_ANCHOR_DEBOUNCE_MS, so its background thread time-stamps 1 s after a change instead of 2 minutes.
//
// Shown: the record is time-stamped in the background after an incident is logged, and the app says when and by
// whom; with the TSA down, logging goes on and the app says an entry is not time-stamped yet, and "Time-stamp
// now" says plainly why; and the TSA received nothing but time-stamp queries, one per time-stamp recorded, each
// carrying only the SHA-256 of an entry of the chain and a nonce.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { REPO, tempDir } from "./lib/harness.js";
import { TSA_NAME, imprintOf, startTsa } from "./lib/tsa.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "amber lantern quietly 4411 harbour";
const CLI = process.env.EVIDENT_CLI ?? join(REPO, "target", "debug", "evident-cli");
const ONLINE = "Threatening email after the budget meeting";
const OFFLINE = "Abusive phone call while the service was down";

function cli(vault, ...args) {
  return execFileSync(CLI, ["--vault", vault, ...args], { input: `${PASS}\n`, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

describe("Trusted time with a loopback time-stamping authority", () => {
  /** @type {Awaited<ReturnType<typeof startTsa>>} */
  let tsa;
  let vault;
  let run;
  /** @type {App} */
  let app;

  const ctx = useApp("anchor-", async () => {
    assert.ok(existsSync(CLI), `evident-cli built at ${CLI}`);
    tsa = await startTsa();
    vault = join(tempDir("evident-e2e-anchor-"), "vault");
    cli(vault, "init");
    // Only the loopback TSA: the default public ones are removed first, so nothing could ever go to them.
    for (const t of JSON.parse(cli(vault, "tsa", "list", "--json")).tsas) cli(vault, "tsa", "remove", t.url);
    assert.match(cli(vault, "tsa", "add", tsa.url, "--ca", tsa.ca), /network anchoring is on/);
    assert.equal(tsa.requests.length, 0, "configuring sends nothing");
    return { vault, env: { EVIDENT_TEST_ANCHOR_DEBOUNCE_MS: "1000" } };
  });
  before(() => ({ run, app } = ctx));
  after(async () => {
    await tsa?.stop();
  });

  /** The trusted-time line in the top bar, once it contains every one of `parts`. */
  async function topLine(parts, timeout = 30000) {
    return waitFor(
      async () => {
        const el = await app.queryRole("status", "Trusted time status");
        const text = el ? await app.textOf(el) : "";
        return parts.every((p) => text.includes(p)) ? text : null;
      },
      `the top bar to say ${parts.map((p) => `"${p}"`).join(" and ")}`,
      timeout,
    );
  }

  /** The Trusted time status on Vault and settings, once it contains every one of `parts`. */
  async function standing(parts, timeout = 30000) {
    return waitFor(
      async () => {
        const el = await app.queryRole("status", "Trusted time");
        const text = el ? await app.textOf(el) : "";
        return parts.every((p) => text.includes(p)) ? text : null;
      },
      `Trusted time to say ${parts.map((p) => `"${p}"`).join(" and ")}`,
      timeout,
    );
  }

  async function logIncident(summary) {
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", summary);
    await app.click("button", "Save incident");
    await app.byRole("heading", summary, { timeout: 30000 });
  }

  test("log an incident: the record is time-stamped in the background, and the app says when and by whom", async () => {
    await app.byRole("heading", "Unlock Evident", { timeout: 60000 });
    await app.ensureUnlocked(PASS);
    // What was recorded before this unlock (the vault's creation) is time-stamped straight away.
    await topLine(["Last time-stamped", "Every entry is time-stamped"]);
    assert.equal(tsa.requests.length, 1);

    await logIncident(ONLINE);
    // Saved at once; a second after the last change the background thread has it time-stamped.
    await waitFor(() => tsa.requests.length >= 2, "the background thread to ask the TSA", 30000);
    const line = await topLine(["Last time-stamped", `by ${tsa.host}`, "Every entry is time-stamped"]);
    assert.match(line, /^Last time-stamped \d\d:\d\d today by /);

    await app.goTo("Vault and settings");
    const text = await standing(["Last time-stamped", `by ${tsa.host}`, `its certificate says: ${TSA_NAME}`, "Every entry is time-stamped"]);
    assert.match(text, /this computer's clock alone/);
    const services = await app.byRole("list", "Time-stamping services");
    assert.match(await app.textOf(services), new RegExp(tsa.url.replaceAll(".", "\\.")));
    const toggle = await app.byRole("checkbox", "Time-stamp over the network");
    assert.equal(await app.s.property(toggle, "checked"), true);
    const printText = await waitFor(
      () => app.s.exec("return document.querySelector('[aria-label=\"Record fingerprint\"]')?.innerText ?? '';"),
      "the record fingerprint",
    );
    assert.match(printText, /^Evident record fingerprint: entry \d+, SHA-256 [0-9a-f]{64} \(([a-z]+ ){5}[a-z]+\)$/);
    await app.byRole("button", "Copy fingerprint");
    await app.shot("trusted-time", await app.byRole("heading", "Trusted time"));
  });

  test("the TSA down: logging goes on, the entry is not time-stamped yet, and Time-stamp now says why", async () => {
    const asked = tsa.requests.length;
    await tsa.stop();
    await logIncident(OFFLINE);
    const line = await topLine(["1 entry not time-stamped yet"]);
    assert.match(line, /^Last time-stamped /, "the last time-stamp is still shown");

    await app.goTo("Vault and settings");
    // The background thread tries after the debounce, fails, and queues a retry: said in words.
    await standing(["1 entry not time-stamped yet", "this computer's clock alone", "did not work. Evident will try again after"]);
    await app.click("button", "Time-stamp now");
    const outcome = await app.waitStatus("Not time-stamped this time.", 30000);
    assert.match(outcome, /Nothing is lost/);
    assert.ok(outcome.includes(`${tsa.host}: not time-stamped this time.`), outcome);
    assert.match(outcome, /could not be reached: the connection was refused/);
    assert.doesNotMatch(outcome, /[{}<>]|undefined|null|Error:/, `plain words: ${outcome}`);
    await standing(["1 entry not time-stamped yet"]);
    assert.equal(tsa.requests.length, asked, "nothing reached the stopped TSA");
  });

  test("the TSA received only time-stamp queries: one per time-stamp, each a SHA-256 of the chain and a nonce", async () => {
    await run.stop(); // the vault is closed before the CLI reads it
    const report = JSON.parse(cli(vault, "verify", "--json"));
    assert.equal(report.ok, true, `the full check passes: ${JSON.stringify(report.problems)}`);
    const anchors = report.anchors;
    assert.equal(anchors.length, 2, "the entries at unlock, then the incident logged online");
    assert.ok(anchors.every((a) => a.tsa_url === tsa.url && a.tsa_name === TSA_NAME));

    assert.equal(tsa.requests.length, anchors.length, "exactly one request per time-stamp recorded");
    assert.equal(tsa.connections, tsa.requests.length, "no connection that was not a time-stamp request");
    for (const r of tsa.requests) {
      assert.equal(r.method, "POST");
      assert.equal(r.url, "/tsa");
      assert.equal(r.headers["content-type"], "application/timestamp-query");
      assert.ok(r.body.length < 128, `a hash and a nonce, nothing more (${r.body.length} bytes)`);
    }
    const imprints = tsa.requests.map((r) => imprintOf(r.body));
    assert.deepEqual(imprints, anchors.map((a) => a.covers_hash), "each request carried the hash of the entry it time-stamps");
    // And openssl reads each as a plain time-stamp query: SHA-256, a nonce, certificate requested.
    const q = spawnSync("openssl", ["ts", "-query", "-in", join(tsa.dir, "q0.tsq"), "-text"], { encoding: "utf8" });
    assert.equal(q.status, 0, q.stderr);
    assert.match(q.stdout, /Hash Algorithm: sha256/);
    assert.match(q.stdout, /Nonce: 0x[0-9A-F]+/);
    assert.match(q.stdout, /Certificate required: yes/);
  });
});
