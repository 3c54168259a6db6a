// End-to-end accessibility audit: axe-core (tests/e2e/node_modules/axe-core) run inside the real webview on every
// screen: create, unlock, timeline (empty and filled), log, incident, people, person, export, vault and settings,
// and the hide cover. Figures per screen are printed; no critical, serious or moderate finding is allowed.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { before, describe, test } from "node:test";
import { figure, useApp } from "./lib/app.js";
import { tempDir } from "./lib/harness.js";

const PASS = "indigo marten cobble rainfall 64";
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe on the page; returns the violations of impact critical, serious or moderate, in short. */
async function audit(app, t, screen) {
  // The app's content security policy refuses injected <script> elements: axe's source runs as part of the
  // WebDriver script itself (once per page).
  const res = await app.s.execAsync(
    `const done = arguments[arguments.length - 1];
     if (!window.axe) { ${AXE}\n }
     const axe = window.axe;
     axe.run(document, { resultTypes: ['violations'] }).then(
       (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))),
       (e) => done({ error: String(e) }));`,
  );
  assert.ok(Array.isArray(res), `axe ran: ${JSON.stringify(res)}`);
  const bad = res.filter((v) => ["critical", "serious", "moderate"].includes(v.impact));
  const count = (i) => res.filter((v) => v.impact === i).length;
  figure(t, `axe ${screen}: ${count("critical")} critical, ${count("serious")} serious, ${count("moderate")} moderate, ${count("minor")} minor`);
  return bad;
}

describe("axe-core on every screen, end to end", () => {
  const ctx = useApp("axe-", () => ({ vault: tempDir("evident-e2e-axe-vault-") }));
  let app;
  before(() => ({ app } = ctx));
  const problems = [];
  const check = async (t, screen) => {
    for (const v of await audit(app, t, screen)) problems.push(`${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`);
  };

  test("every screen", async (t) => {
    await app.byRole("heading", "Create your private vault", { timeout: 60000 });
    await check(t, "create");
    await app.createVault(PASS);
    await app.goTo("Timeline");
    await check(t, "timeline (empty)");
    await app.goTo("Log incident", "Log an incident");
    await check(t, "log");
    await app.fill("Summary (required)", "Audit incident");
    await app.click("button", "Someone new");
    await app.fill("Name (if known)", "Audit Person");
    await app.click("button", "Save incident");
    await app.byRole("heading", "Audit incident", { timeout: 30000 });
    await check(t, "incident");
    await app.goTo("Timeline");
    await check(t, "timeline");
    await app.goTo("People");
    await check(t, "people");
    await app.click("link", "Audit Person");
    await app.byRole("heading", "Audit Person");
    await check(t, "person");
    await app.goTo("Export", /Export/);
    await check(t, "export");
    await app.goTo("Vault and settings");
    await check(t, "vault and settings");
    await app.s.pressKeys(["\uE009", "\uE008", "h"]);
    await app.byRole("button", "Show");
    await check(t, "hide cover");
    await app.click("button", "Show");
    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident");
    await check(t, "unlock");
    assert.deepEqual(problems, [], problems.join("\n"));
  });
});
