/**
 * Getting in: first-run creation (with the one-time recovery key), unlock, recovery with the recovery
 * key, and restoring a backup when there is no vault yet. After an unlock, an integrity mark (a problem noticed
 * at an earlier unlock, not yet acknowledged) is shown before going on.
 */

import { checkbox, field, h, replace, userText } from "../dom";
import { backupRestore, vaultCreate, vaultRecover, vaultSaveRecoveryKey, vaultUnlock } from "../ipc";
import type { VaultStatus } from "../bindings/VaultStatus";
import { actionForm, statusRegion } from "../components/common";
import { newPassphraseFields } from "../components/passphrase";
import { integrityMarkNotice } from "../components/integrityMark";

type Done = (status: VaultStatus) => void;

function gateFrame(root: HTMLElement, title: string, ...body: (HTMLElement | null)[]): void {
  replace(
    root,
    h(
      "div",
      { class: "gate" },
      h("div", { class: "brand", "aria-hidden": "true" }, "Evident"),
      h("h1", { tabindex: "-1", class: "page-title" }, title),
      ...body,
    ),
  );
}

function linkLine(text: string, onclick: () => void, before = ""): HTMLElement {
  return h("p", { class: "aside" }, before, h("button", { type: "button", class: "link", onclick }, text));
}

/** First run: create a vault. */
export function createScreen(root: HTMLElement, done: Done, showRestore: () => void): void {
  const pair = newPassphraseFields("Choose a passphrase", "Type the passphrase again");
  const form = actionForm({
    label: "Create a vault",
    body: [
      h(
        "p",
        null,
        "Evident keeps a private, encrypted diary of incidents on this computer only. Nothing is sent anywhere.",
      ),
      pair.el,
    ],
    submit: "Create my vault",
    busy: "Creating your vault…",
    check: pair.problems,
    run: async () => {
      const created = await vaultCreate(pair.first.value);
      pair.first.value = pair.second.value = "";
      recoveryKeyScreen(root, created.recovery_key, () => done(created.status));
    },
  });
  gateFrame(
    root,
    "Create your private vault",
    form,
    linkLine("Restore from a backup", showRestore, "Already have a backup? "),
  );
  pair.first.focus();
}

/** Shows the recovery key once, with a save-to-file option and a written-down step. */
function recoveryKeyScreen(root: HTMLElement, key: string, next: () => void): void {
  gateFrame(
    root,
    "Your recovery key",
    recoveryKeyCard(
      key,
      next,
      "If you forget your passphrase, this key is the only way back into your vault. It is shown only now.",
    ),
  );
  (root.querySelector("h1") as HTMLElement | null)?.focus();
}

/**
 * The recovery key, shown once, with "Save to file…" and an "I have written it down" step before Continue (which
 * removes the key from the page, then calls `next`). `intro` and `extra` are said before and after the key.
 */
export function recoveryKeyCard(key: string, next: () => void, intro: string, extra?: HTMLElement): HTMLElement {
  const status = statusRegion();
  const save = h("button", { type: "button", class: "secondary" }, "Save to file…");
  save.addEventListener("click", async () => {
    try {
      const saved = await vaultSaveRecoveryKey(key);
      if (saved)
        status.show(
          h(
            "span",
            null,
            "Saved to ",
            userText(saved.path),
            ". Keep that file somewhere safe, away from this computer.",
            saved.warning ? h("span", { class: "notice" }, ` ${saved.warning}`) : null,
          ),
        );
    } catch (e) {
      status.error(e);
    }
  });
  const ack = checkbox("I have written the recovery key down or saved it somewhere safe");
  const cont = h("button", { type: "button", class: "primary", disabled: true }, "Continue");
  ack.input.addEventListener("change", () => (cont.disabled = !ack.input.checked));
  // The key itself is what a screen reader reads (an aria-label here would replace it with the words "Recovery
  // key"); it is read out in groups, left to right.
  const keyText = h("p", { class: "recovery-key", dir: "ltr" }, key);
  cont.addEventListener("click", () => {
    keyText.textContent = ""; // forget the key from the page before going on
    next();
  });
  return h(
    "section",
    { class: "card", "aria-label": "Recovery key" },
    h("p", null, intro),
    keyText,
    h(
      "p",
      null,
      "Write it on paper and keep it somewhere safe, or save it to a file on a USB stick that you keep apart from this computer.",
    ),
    extra ?? null,
    h("div", { class: "actions" }, save),
    status.el,
    ack.wrap,
    h("div", { class: "actions" }, cont),
  );
}

/**
 * Wraps `done` for after an unlock: when the status carries an integrity mark, shows it first (with
 * "Acknowledge…" and "Continue for now"), then goes on.
 */
export function afterUnlock(root: HTMLElement, done: Done): Done {
  return (st) => {
    const mark = st.integrity_mark;
    if (!mark) {
      done(st);
      return;
    }
    let current = st;
    const later = h("button", { type: "button", class: "secondary" }, "Continue for now");
    later.addEventListener("click", () => done(current));
    const notice = integrityMarkNotice(mark, (after) => {
      current = { ...after, notice: st.notice };
      later.textContent = "Continue";
      later.className = "primary";
      later.focus();
    });
    gateFrame(
      root,
      "Before you go on",
      notice,
      h(
        "p",
        { class: "help" },
        "You can also acknowledge it later, in Vault and settings. It will be shown again at the next unlock until you do.",
      ),
      h("div", { class: "actions" }, later),
    );
    (root.querySelector("h1") as HTMLElement | null)?.focus();
  };
}

/** Unlock with the passphrase (and "remember on this device"), or switch to recovery. */
export function unlockScreen(root: HTMLElement, enter: Done, note?: HTMLElement | null): void {
  const done = afterUnlock(root, enter);
  const pass = h("input", { type: "password", autocomplete: "current-password", spellcheck: "false", required: true });
  const remember = checkbox(
    "Remember on this device",
    {},
    "Unlocks automatically on this computer account using its keychain. Only choose this if nobody else uses it.",
  );
  const form = actionForm({
    label: "Unlock",
    body: [field("Passphrase", pass), remember.wrap],
    submit: "Unlock",
    busy: "Unlocking…",
    check: () => (pass.value ? [] : ["Type your passphrase to unlock."]),
    run: async () => {
      const st = await vaultUnlock(pass.value, remember.input.checked);
      pass.value = "";
      done(st);
    },
    onError: () => {
      pass.select();
      pass.focus();
    },
  });
  gateFrame(
    root,
    "Unlock Evident",
    note ?? null,
    form,
    linkLine("Forgot passphrase? Use recovery key", () => recoverScreen(root, enter)),
  );
  pass.focus();
}

/** Unlock with the recovery key and set a new passphrase. */
function recoverScreen(root: HTMLElement, enter: Done): void {
  const done = afterUnlock(root, enter);
  const key = h("input", { type: "text", autocomplete: "off", spellcheck: "false", required: true, class: "mono" });
  const pair = newPassphraseFields("New passphrase", "Type the new passphrase again");
  const form = actionForm({
    label: "Use recovery key",
    body: [
      field(
        "Recovery key",
        key,
        "The key you wrote down or saved when you created the vault. Spaces and dashes do not matter.",
      ),
      pair.el,
    ],
    submit: "Unlock and set new passphrase",
    busy: "Unlocking…",
    check: () => [...(key.value.trim() ? [] : ["Type your recovery key."]), ...pair.problems()],
    run: async () => {
      const st = await vaultRecover(key.value, pair.first.value);
      key.value = pair.first.value = pair.second.value = "";
      done(st);
    },
  });
  gateFrame(
    root,
    "Use your recovery key",
    form,
    linkLine("Back to unlock with passphrase", () => unlockScreen(root, enter)),
  );
  key.focus();
}

/** Restores a backup (chosen in the native dialog) when there is no vault on this computer. */
export function restoreScreen(root: HTMLElement, done: Done, back: () => void): void {
  const secret = h("input", { type: "password", autocomplete: "off", spellcheck: "false", required: true });
  const useKey = checkbox("This is the recovery key, not the passphrase");
  const form = actionForm({
    label: "Restore from a backup",
    body: [field("Passphrase or recovery key of the backup", secret), useKey.wrap],
    submit: "Choose backup file and restore…",
    busy: "Waiting for a file to be chosen…",
    check: () => (secret.value ? [] : ["Type the passphrase or recovery key of the backup."]),
    run: async () => {
      const st = await backupRestore(secret.value, useKey.input.checked);
      if (st) {
        secret.value = "";
        done(st);
      }
    },
  });
  gateFrame(root, "Restore from a backup", form, linkLine("Back", back));
  secret.focus();
}
