// Figures with a big vault: a vault seeded with 10,000 incidents (crates/cli/examples/seed.rs) before the app
// starts; time to unlock and to render the timeline, and a full-text search over all of them. Timings are
// printed, not asserted; what is asserted is that the right rows arrive.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { App, figure } from "./lib/app.js";
import { REPO, launch, tempDir } from "./lib/harness.js";

const N = Number(process.env.EVIDENT_SEED_N ?? 10000);
const PASS = "seeded vault passphrase for timing";
const SEED = process.env.EVIDENT_SEED_BIN ?? join(REPO, "target", "debug", "examples", "seed");

// Measures in the page, from a click on "Timeline" to the first page of rows painted.
const TIMELINE_SCRIPT = `
const [button, done] = [arguments[0], arguments[arguments.length - 1]];
const t0 = performance.now();
button.click();
const tick = () => {
  const list = document.querySelector('ol[aria-label="Incidents, newest first"]');
  const rows = list ? list.querySelectorAll(':scope > li a[href]').length : 0;
  if (rows > 0) {
    requestAnimationFrame(() => requestAnimationFrame(() => done({ ms: performance.now() - t0, rows, first: list.querySelector('li a[href]').textContent, appMs: list.dataset.renderMs ?? null })));
  } else if (performance.now() - t0 > 60000) {
    done({ ms: -1, rows: 0, first: null, appMs: null });
  } else {
    requestAnimationFrame(tick);
  }
};
tick();
`;

// Measures a search typed into the Search box (the UI waits 150 ms after the last key before asking).
const SEARCH_SCRIPT = `
const [input, text, expect, done] = arguments;
const list = document.querySelector('ol[aria-label="Incidents, newest first"]');
const t0 = performance.now();
input.value = text;
input.dispatchEvent(new Event('input', { bubbles: true }));
const tick = () => {
  const links = [...list.querySelectorAll(':scope > li a[href]')].map((a) => a.textContent);
  if (links.length && links[0] === expect) {
    requestAnimationFrame(() => done({ ms: performance.now() - t0, rows: links.length, first: links[0] }));
  } else if (performance.now() - t0 > 60000) {
    done({ ms: -1, rows: links.length, first: links[0] ?? null });
  } else {
    requestAnimationFrame(tick);
  }
};
tick();
`;

describe(`timeline with ${N} incidents`, () => {
  let run;
  /** @type {App} */
  let app;
  let seeded = false;

  before(async () => {
    assert.ok(existsSync(SEED), `seed helper not built at ${SEED}: cargo build -p evident-cli --example seed`);
    const vault = tempDir("evident-e2e-10k-");
    const t0 = performance.now();
    execFileSync(SEED, [vault, String(N), PASS], { stdio: ["ignore", "ignore", "inherit"] });
    seeded = Math.round(performance.now() - t0);
    run = await launch({ vault });
    app = new App(run.session);
  });

  after(async () => {
    await run?.stop();
  });

  test("unlock and render the timeline (figures)", async (t) => {
    figure(t, `seeding ${N} incidents with the seed helper: ${seeded} ms`);
    await app.byRole("heading", "Unlock Evident", { timeout: 60000 });
    figure(t, `cold start to unlock screen with ${N} incidents: ${Math.round(performance.now() - run.startedAt)} ms`);
    await app.fill("Passphrase", PASS);
    const t0 = performance.now();
    await app.click("button", "Unlock");
    await app.byRole("navigation", "Main", { timeout: 120000 });
    figure(t, `unlock (Argon2id + open check) with ${N} incidents: ${Math.round(performance.now() - t0)} ms`);

    const nav = await app.byRole("navigation", "Main");
    const button = await app.byRole("button", "Timeline", { within: nav });
    const r = await app.s.execAsync(TIMELINE_SCRIPT, button);
    assert.ok(r.ms >= 0, "the timeline rendered within 60 s");
    assert.equal(r.rows, Math.min(N, 100), "one page of rows");
    assert.equal(r.first, "Seeded incident 1", "newest first");
    figure(t, `timeline render with ${N} incidents: ${Math.round(r.ms)} ms from click to first page painted (${r.rows} rows; app's own list+render ${r.appMs} ms)`);
    const range = await app.textOf(await app.byRole("navigation", "Pages"));
    t.diagnostic(`pager: ${range}`);

    const search = await app.byLabel("Search");
    const target = `Seeded incident ${N - 1}`;
    const s = await app.s.execAsync(SEARCH_SCRIPT, search, target, target);
    assert.equal(s.first, target, `search finds "${target}" first`);
    figure(t, `full-text search over ${N} incidents: ${Math.round(s.ms)} ms including the UI's 150 ms typing pause (${s.rows} rows)`);
  });
});
