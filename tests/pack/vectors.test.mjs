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
      const got = await page.evaluate((proof) => verifyChain(proof), doc); // eslint-disable-line no-undef
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
    assert.ok(ok >= 3 && fail >= 6, `only ${ok} ok and ${fail} fail vectors found`);
  } finally {
    await browser.close();
  }
});
