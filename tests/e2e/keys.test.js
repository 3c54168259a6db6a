// End-to-end: the keys and the integrity mark, in the real app (a test build) under Xvfb.
// 1. An older copy of the whole vault folder put back is noticed at the next unlock (the head record outside the
//    vault folder, here in a private XDG_CONFIG_HOME), and the mark is shown at every unlock whatever the way in
//    (passphrase, recovery key, the key remembered in this device's keychain, a page reloaded while open) until it
//    is acknowledged with a reason; a blank reason is refused; afterwards every unlock goes straight in.
//    The keychain is a real Secret Service (gnome-keyring in a private D-Bus session started by this file). With
//    it, the config folder's copy of the head record is deleted as well when the older folder is put back: the
//    keychain's copy alone must notice it.
// 2. "New recovery key": asks for a current secret (a wrong one is refused in words); shows the new key once;
//    the old recovery key stops opening the vault, the new one and the passphrase open it.
// 3. "Someone may know my passphrase or recovery key": asks for a current secret, confirms, shows the new recovery
//    key once with the warning about older backups; afterwards the old passphrase and the old recovery key are
//    refused, the new ones open the vault with the record intact, and this device no longer unlocks it by itself.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { tempDir } from "./lib/harness.js";

const PASS = "saffron tugboat minnow lantern 38";
const WRONG = "saffron tugboat minnow lantern 39";
const PASS2 = "velvet quarry orchard beacon 71";
const S1 = "Note pushed under the door after midnight";
const S2 = "Second incident, recorded after the copy was taken";
const REASON = "I put back an older copy of the vault folder myself, for this test";
const KEY_RE = /\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}\b/;
const MARK_TITLE = "A problem with this vault's record was noticed";

/**
 * A private D-Bus session with gnome-keyring's Secret Service unlocked (as scripts/test.sh does for the keychain
 * tests), or null when the tools are missing. Returns `{ address, stop }`.
 */
function startKeyring() {
  const d = spawnSync("dbus-daemon", ["--session", "--fork", "--print-address=1", "--print-pid=1"], { encoding: "utf8" });
  if (d.status !== 0) return null;
  const [address, pid] = d.stdout.trim().split("\n");
  // The unlock password must be non-empty (an empty one makes gnome-keyring try a GUI prompt). stdout/stderr are not
  // piped: the daemon it leaves running would hold them open. Its keyrings live in a folder of its own
  // (XDG_DATA_HOME), never in the user's.
  const k = spawnSync("gnome-keyring-daemon", ["--unlock", "--components=secrets"], {
    input: "dummy",
    stdio: ["pipe", "ignore", "ignore"],
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: tempDir("evident-e2e-keys-keyring-") },
  });
  const stop = () => {
    try {
      process.kill(Number(pid));
    } catch {
      // already gone
    }
  };
  if (k.status !== 0) {
    stop();
    return null;
  }
  return { address, stop };
}

/** Copies the contents of folder `from` into `to` (emptied first), keeping `to` itself (its path is what counts). */
function replaceContents(from, to) {
  for (const name of readdirSync(to)) rmSync(join(to, name), { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

describe("Keys and the integrity mark, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  let vault;
  let keyring;
  let recoveryKey;
  let config;

  const ctx = useApp("keys-", () => {
    vault = tempDir("evident-e2e-keys-vault-");
    keyring = startKeyring();
    config = tempDir("evident-e2e-keys-config-");
    const env = { XDG_CONFIG_HOME: config };
    if (keyring) env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
    return { vault, env };
  });
  before(() => ({ run, app } = ctx));
  after(() => keyring?.stop());

  /** The shell's status, asked directly (what the UI is told). */
  async function status() {
    const r = await run.session.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke("vault_status").then((s) => done({ s }), (e) => done({ err: JSON.stringify(e) }));`,
    );
    assert.equal(r.err, undefined, `vault_status: ${r.err}`);
    return r.s;
  }

  async function logIncident(summary) {
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", summary);
    await app.click("button", "Save incident");
    await app.byRole("heading", summary, { timeout: 30000 });
  }

  async function lock() {
    await app.click("button", "Lock");
    await app.byRole("heading", "Unlock Evident", { timeout: 30000 });
  }

  /** Unlocks with the passphrase; `remember` ticks "Remember on this device". Does not wait for what follows. */
  async function unlockWith(passphrase, remember = false) {
    await app.byRole("heading", "Unlock Evident");
    await app.fill("Passphrase", passphrase);
    if (remember) await app.click("checkbox", "Remember on this device");
    await app.click("button", "Unlock");
  }

  /** From the unlock screen: the recovery key, and `passphrase` as the new passphrase. */
  async function recoverWith(key, passphrase) {
    await app.click("button", "Forgot passphrase? Use recovery key");
    await app.byRole("heading", "Use your recovery key");
    await app.fill("Recovery key", key);
    await app.fill("New passphrase", passphrase);
    await app.fill("Type the new passphrase again", passphrase);
    await app.click("button", "Unlock and set new passphrase");
  }

  /** The mark screen is shown (after an unlock); returns its text. */
  async function markShown() {
    await app.byRole("heading", "Before you go on", { timeout: 30000 });
    const box = await app.byRole("status", MARK_TITLE);
    const text = await app.textOf(box);
    assert.match(text, /noticed that/);
    assert.equal(await app.isUnlocked(), false, "the mark comes before the app");
    return text;
  }

  /** Reads the recovery key shown in the "Recovery key" region, confirms it is written down and continues. */
  async function takeRecoveryKey(within) {
    const region = await app.byRole("region", "Recovery key", { within, timeout: 60000 });
    const text = await app.textOf(region);
    const key = text.match(KEY_RE)?.[0];
    assert.ok(key, `a recovery key of 8 groups of 4 is shown; saw: ${text}`);
    const cont = await app.byRole("button", "Continue", { within: region });
    assert.equal(await app.s.enabled(cont), false, "Continue waits for the written-down confirmation");
    await app.click("checkbox", "I have written the recovery key down or saved it somewhere safe", { within: region });
    await app.press(cont);
    return { key, text };
  }

  /** The section of Vault and settings whose heading is `heading`. */
  async function settingsSection(heading) {
    await app.goTo("Vault and settings");
    const sec = await app.byRole("region", heading);
    await app.s.exec("arguments[0].scrollIntoView({ block: 'start' });", sec);
    return sec;
  }

  test("an older vault folder put back: the mark is shown at every unlock, whatever the way in, until acknowledged with a reason", async (t) => {
    await app.byRole("heading", "Create your private vault", { timeout: 60000 });
    await app.fill("Choose a passphrase", PASS);
    await app.fill("Type the passphrase again", PASS);
    await app.click("button", "Create my vault");
    ({ key: recoveryKey } = await takeRecoveryKey());
    await app.byRole("navigation", "Main", { timeout: 30000 });
    await logIncident(S1);

    // Remembered on this device (a real Secret Service), so that the keychain's way in can be tried too.
    await lock();
    await unlockWith(PASS, true);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    const remembered = (await status()).remembered;
    t.diagnostic(remembered ? "remembered on this device: the keychain's way in is tried" : "this device could not remember the key (no Secret Service): that way in is not tried");
    assert.ok(remembered || !keyring, "with the private Secret Service running, the key is remembered");

    // A copy of the whole folder, then one more incident, then the copy put back.
    await lock();
    const copy = join(tempDir("evident-e2e-keys-copy-"), "vault");
    cpSync(vault, copy, { recursive: true });
    await unlockWith(PASS);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    await logIncident(S2);
    await lock();
    replaceContents(copy, vault);
    assert.ok(existsSync(join(vault, "keys.json")), "the older copy is in place");
    if (keyring) {
      // With a keychain, the copy of the head record in the config folder is deleted too.
      const heads = join(config, "evident", "heads");
      assert.ok(readdirSync(heads).length > 0, "the config folder held a copy of the head record");
      rmSync(heads, { recursive: true, force: true });
    }

    // 1. Passphrase.
    await unlockWith(PASS);
    const text = await markShown();
    t.diagnostic(`mark: ${text}`);
    if (keyring) assert.match(text, /keychain/, "noticed through the keychain's copy of the head record");
    assert.ok((await status()).integrity_mark, "the status carries the mark");
    await app.click("button", "Continue for now");
    await app.byRole("navigation", "Main", { timeout: 30000 });
    // Shown in Vault and settings too.
    await app.goTo("Vault and settings");
    await app.byRole("status", MARK_TITLE);

    // 2. The recovery key (it sets a passphrase: the same one again).
    await lock();
    await recoverWith(recoveryKey, PASS);
    await markShown();
    await app.click("button", "Continue for now");
    await app.byRole("navigation", "Main", { timeout: 30000 });

    // 3. This device's keychain: a fresh start of the page (not after a lock) unlocks by itself.
    if (remembered) {
      await lock();
      await run.session.exec("window.location.replace(window.location.pathname);");
      await markShown();
      await app.click("button", "Continue for now");
      await app.byRole("navigation", "Main", { timeout: 30000 });
    }

    // 4. The page reloaded while the vault is open.
    await run.session.exec("window.location.replace(window.location.pathname);");
    await markShown();

    // Acknowledge: a blank reason is refused, then a reason is kept.
    await app.click("button", "Acknowledge…");
    const dialog = await app.byRole("dialog", "Acknowledge the problem");
    await app.click("button", "Acknowledge", { within: dialog });
    const refusal = await app.waitAlert("Say why", dialog);
    t.diagnostic(`blank reason: ${refusal}`);
    assert.ok((await status()).integrity_mark, "a blank reason acknowledges nothing");
    await app.fill("Reason", REASON, { within: dialog });
    await app.click("button", "Acknowledge", { within: dialog });
    await app.waitStatus("Acknowledged. Your reason is kept in the record.");
    assert.equal((await status()).integrity_mark, null, "acknowledged: the mark is gone");
    await app.click("button", "Continue");
    await app.byRole("navigation", "Main", { timeout: 30000 });
    await app.goTo("Vault and settings");
    assert.equal(await app.queryRole("status", MARK_TITLE), null, "no mark in Vault and settings");

    // Every way in now goes straight to the app.
    await lock();
    await unlockWith(PASS);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    if (remembered) {
      await lock();
      await run.session.exec("window.location.replace(window.location.pathname);");
      await app.byRole("navigation", "Main", { timeout: 30000 });
    }
    assert.equal(await app.queryRole("heading", "Before you go on"), null);
    // What the older copy held is there (the later incident went with the copy put back).
    await app.openIncident(S1);
  });

  test("new recovery key only: a current secret is asked; the old recovery key stops working, the passphrase stays", async (t) => {
    await app.ensureUnlocked(PASS);
    const remembered = (await status()).remembered;
    let sec = await settingsSection("New recovery key");
    const form = await app.byRole("form", "New recovery key", { within: sec });

    // Nothing typed: the field is required, and nothing is asked or changed.
    await app.click("button", "Make a new recovery key…", { within: form });
    const field = await app.byLabel("Current passphrase or recovery key", { within: form });
    assert.equal(await app.s.exec("return arguments[0].validity.valueMissing;", field), true, "the field says it is required");
    assert.equal(await app.queryRole("dialog"), null, "no confirmation without a current secret");

    // A wrong secret: refused after the confirmation.
    await app.fill("Current passphrase or recovery key", WRONG, { within: form });
    await app.click("button", "Make a new recovery key…", { within: form });
    let dialog = await app.byRole("dialog", "Replace your recovery key?");
    await app.click("button", "Make a new recovery key", { within: dialog });
    const wrong = await app.waitAlert("does not unlock this vault", form, 30000);
    t.diagnostic(`wrong secret: ${wrong}`);
    assert.equal(await app.queryRole("region", "Recovery key"), null, "no new key for a wrong secret");

    await app.fill("Current passphrase or recovery key", PASS, { within: form });
    await app.click("button", "Make a new recovery key…", { within: form });
    dialog = await app.byRole("dialog", "Replace your recovery key?");
    await app.click("button", "Make a new recovery key", { within: dialog });
    sec = await app.byRole("region", "Your new recovery key", { timeout: 60000 });
    const { key, text } = await takeRecoveryKey(sec);
    assert.notEqual(key, recoveryKey, "a new key");
    assert.match(text, /old recovery key no longer opens/);
    await app.waitStatus("The old recovery key no longer opens it.");
    assert.equal(await app.queryRole("region", "Recovery key"), null, "the key is gone from the page once confirmed");
    assert.equal((await status()).remembered, remembered, "this device still unlocks the vault as before");

    // The old recovery key is refused; the passphrase and the new key open the vault.
    await lock();
    await recoverWith(recoveryKey, PASS);
    const refused = await app.waitAlert("recovery key does not unlock this vault", undefined, 30000);
    t.diagnostic(`old recovery key: ${refused}`);
    assert.equal(await app.isUnlocked(), false, "the old recovery key does not open the vault");
    await app.click("button", "Back to unlock with passphrase");
    await unlockWith(PASS);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    await lock();
    await recoverWith(key, PASS);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    recoveryKey = key;
    await app.openIncident(S1);
  });

  test("someone may know my passphrase or recovery key: new keys, the old ones refused, the record intact", async (t) => {
    await app.ensureUnlocked(PASS);
    let sec = await settingsSection("Someone may know my passphrase or recovery key");
    const form = await app.byRole("form", "Change all keys", { within: sec });
    await app.fill("Current passphrase or recovery key", WRONG, { within: form });
    await app.fill("New passphrase", PASS2, { within: form });
    await app.fill("Type the new passphrase again", PASS2, { within: form });
    await app.click("button", "Change all my keys…", { within: form });
    let dialog = await app.byRole("dialog", "Change all the keys of this vault?");
    assert.match(await app.textOf(dialog), /new recovery key once/);
    await app.click("button", "Change all my keys", { within: dialog });
    const wrong = await app.waitAlert("does not unlock this vault", form, 30000);
    t.diagnostic(`wrong secret: ${wrong}`);
    assert.equal(await app.queryRole("region", "Recovery key"), null, "no new keys for a wrong secret");

    // The current recovery key is a current secret too.
    await app.fill("Current passphrase or recovery key", recoveryKey, { within: form });
    await app.click("button", "Change all my keys…", { within: form });
    dialog = await app.byRole("dialog", "Change all the keys of this vault?");
    await app.click("button", "Change all my keys", { within: dialog });
    sec = await app.byRole("region", "Your new recovery key", { timeout: 120000 });
    const { key, text } = await takeRecoveryKey(sec);
    assert.notEqual(key, recoveryKey);
    assert.match(text, /Older backups still open with the old passphrase and the old recovery key/);
    await app.waitStatus("Your vault now opens only with the new passphrase or the new recovery key");
    assert.equal((await status()).remembered, false, "this device no longer unlocks the vault by itself");

    await lock();
    await unlockWith(PASS);
    const refused = await app.waitAlert("passphrase does not unlock this vault", undefined, 30000);
    t.diagnostic(`old passphrase: ${refused}`);
    assert.equal(await app.isUnlocked(), false, "the old passphrase no longer opens the vault");
    await recoverWith(recoveryKey, PASS);
    await app.waitAlert("recovery key does not unlock this vault", undefined, 30000);
    assert.equal(await app.isUnlocked(), false, "the old recovery key no longer opens the vault");
    await app.click("button", "Back to unlock with passphrase");
    await unlockWith(PASS2);
    await app.byRole("navigation", "Main", { timeout: 30000 });
    await app.openIncident(S1);
    await lock();
    await recoverWith(key, PASS2);
    await app.byRole("navigation", "Main", { timeout: 30000 });

    // A fresh start of the page asks for the passphrase (nothing remembered any more).
    await lock();
    await run.session.exec("window.location.replace(window.location.pathname);");
    await app.byRole("heading", "Unlock Evident", { timeout: 30000 });
  });
});
