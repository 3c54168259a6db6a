// The golden chain vectors (tests/fixtures/ok_*.json must verify, fail_*.json must fail for their stated
// reason) run through the chain verifier inside the evidence pack's verify.html, in headless Chromium: the
// recipient's verifier and the Rust one agree with docs/FORMAT.md on every vector.
// Run: node --test tests/pack/vectors.test.mjs (needs /usr/bin/chromium and `npm --prefix tests/pack install`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "tests", "fixtures");
const html = join(root, "crates", "core", "src", "pack", "verify.html");

test("verify.html's chain verifier agrees with every golden vector", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.route("**/*", (r) => (r.request().url().startsWith("file://") ? r.continue() : r.abort()));
    await page.goto(pathToFileURL(html).href);
    const names = readdirSync(fixtures).filter((n) => n.endsWith(".json")).sort();
    let ok = 0, fail = 0;
    for (const name of names) {
      const doc = JSON.parse(readFileSync(join(fixtures, name), "utf8"));
      // The whole chain check: hashes (FORMAT.md §2), then openings, back-links and the manifest (§6).
      const got = await page.evaluate((proof) => { const r = verifyChain(proof); if (!r.ok) return r; const c = checkCompleteness(proof); return c.ok ? r : c; }, doc); // eslint-disable-line no-undef
      if (name.startsWith("ok_")) {
        assert.equal(got.ok, true, `${name}: ${JSON.stringify(got)}`);
        ok++;
      } else if (name.startsWith("fail_")) {
        assert.notEqual(got.ok, true, `${name} verified but must fail`);
        assert.equal(got.error, doc.expect.error, `${name}: ${JSON.stringify(got)}`);
        assert.equal(got.seq, doc.expect.seq, `${name}: ${JSON.stringify(got)}`);
        fail++;
      }
    }
    assert.ok(ok >= 5 && fail >= 11, `only ${ok} ok and ${fail} fail vectors found`);
  } finally {
    await browser.close();
  }
});

// The golden anchor vectors (tests/fixtures/anchors/) through verify.html's anchor check. The page checks each
// token's imprint and time against the chain but NOT its signature (it says so): it must agree with the
// expected first failure on every vector except fail_anchor_token_altered, whose altered signature only a
// signature check (openssl, evident-cli verify-pack, the Rust tests) can catch.
test("verify.html's anchor check agrees with the golden anchor vectors, signatures aside", async () => {
  const dir = join(fixtures, "anchors");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.route("**/*", (r) => (r.request().url().startsWith("file://") ? r.continue() : r.abort()));
    await page.goto(pathToFileURL(html).href);
    const names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
    assert.ok(names.length >= 7, "the anchor vectors are there");
    for (const name of names) {
      const doc = JSON.parse(readFileSync(join(dir, name), "utf8"));
      const got = await page.evaluate((proof) => {
        const chain = verifyChain(proof); // eslint-disable-line no-undef
        const a = checkAnchors(proof); // eslint-disable-line no-undef
        return { chain, anchors: a.anchors.map((x) => x.seq), first: a.failures[0] || null };
      }, doc);
      assert.equal(got.chain.ok, true, `${name}: the chain itself links (${JSON.stringify(got.chain)})`);
      if (name.startsWith("ok_") || name === "fail_anchor_token_altered.json") {
        assert.equal(got.first, null, `${name}: ${JSON.stringify(got.first)}`);
        assert.ok(got.anchors.length >= 1, name);
      } else {
        assert.ok(got.first, `${name} passed but must fail`);
        assert.equal(got.first.error, doc.expect.error, `${name}: ${JSON.stringify(got.first)}`);
        assert.equal(got.first.seq, doc.expect.seq, `${name}: ${JSON.stringify(got.first)}`);
      }
    }
  } finally {
    await browser.close();
  }
});
