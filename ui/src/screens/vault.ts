/**
 * Vault and settings: integrity (verify now, with progress, and a problem noticed at an earlier unlock until it
 * is acknowledged), trusted time (time-stamps, services, the record fingerprint), backup, restore, auto-lock,
 * keys (change the passphrase; replace the recovery key only; change every key when someone may know them).
 */

import { checkbox, field, h, replace, userText } from "../dom";
import {
  backupRestore,
  backupSave,
  vaultChangePassphrase,
  vaultForgetDevice,
  vaultNewRecoveryKey,
  vaultRekey,
  vaultStatus,
  verifyRun,
} from "../ipc";
import type { IntegrityView } from "../bindings/IntegrityView";
import { confirmDialog, pageHeading, statusRegion } from "../components/common";
import { trustedTimeSection } from "../components/trustedTime";
import { newPassphraseFields } from "../components/passphrase";
import { integrityMarkNotice } from "../components/integrityMark";
import { recoveryKeyCard } from "./gate";
import { assertNever, FAILURE_WORDS, statusOk } from "../lib/enums";
import { plural } from "../lib/format";
import { formatWhen } from "../lib/time";
import { idleMinutes, session, setIdleMinutes } from "../state";

const PHASES: Record<string, string> = {
  pages: "Checking the encrypted pages",
  journal: "Checking the chain of entries",
  attachments: "Checking attachment hashes",
  state: "Checking the current records",
};

/** Plain words for an integrity result. */
export function integrityWords(i: IntegrityView | null): { ok: boolean | null; text: string } {
  if (!i) return { ok: null, text: "Not checked yet" };
  if (i.ok) {
    return {
      ok: true,
      text: i.full
        ? `Verified: ${plural(i.entries, "entry", "entries")} and ${plural(i.attachments, "attachment")} intact`
        : `Checked at unlock: record intact, ${plural(i.entries, "entry", "entries")} at the time`,
    };
  }
  switch (i.status) {
    case "warning":
      return { ok: null, text: `Not fully checked: ${i.message}` };
    case "ok":
    case "failed":
      return { ok: statusOk(i.status), text: i.message };
    default:
      return assertNever(i.status);
  }
}

/** A field for the current passphrase or recovery key (both are accepted by the shell). */
function currentSecretField(): { el: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "password", autocomplete: "current-password", spellcheck: "false", required: true });
  return {
    input,
    el: field(
      "Current passphrase or recovery key",
      input,
      "Asked every time, so that nobody can change your keys from a computer left unlocked.",
    ),
  };
}

/** What is missing before keys can change: the current secret, and a good new passphrase typed twice. */
export function keyChangeProblems(current: string, newProblems: string[]): string[] {
  return [...(current ? [] : ["Type your current passphrase or your recovery key."]), ...newProblems];
}

/**
 * Replaces a keys section (`headingId`: its h2's id) with a new recovery key shown once ("Your new recovery key",
 * with `words.intro` and the warning about older backups); once the person has confirmed it is written down, the
 * section says what changed (`doneTitle`, `doneText`).
 */
function showNewKey(
  section: HTMLElement,
  headingId: string,
  key: string,
  words: { intro: string; backups: string; doneTitle: string; doneText: string },
): void {
  replace(
    section,
    h("h2", { id: headingId }, "Your new recovery key"),
    recoveryKeyCard(
      key,
      () => replace(section, h("h2", { id: headingId }, words.doneTitle), h("p", { role: "status" }, words.doneText)),
      words.intro,
      h("p", { class: "notice" }, words.backups),
    ),
  );
}

/** Renders the screen. `onIntegrity` updates the always-visible status. */
export function vaultScreen(onIntegrity: (i: IntegrityView) => void, relock: () => void): HTMLElement {
  // ---- a problem noticed at an earlier unlock ----
  const markSlot = h("div", { class: "integrity-mark-slot" });
  const showMark = () => {
    const mark = session.status?.integrity_mark ?? null;
    if (!mark) {
      replace(markSlot);
      return;
    }
    replace(
      markSlot,
      integrityMarkNotice(mark, (st) => {
        if (session.status) session.status = { ...session.status, integrity_mark: st.integrity_mark };
      }),
    );
  };
  showMark();
  // The status may have changed since unlock (acknowledged elsewhere): ask again.
  void vaultStatus()
    .then((st) => {
      if (session.status) session.status = { ...session.status, integrity_mark: st.integrity_mark };
      showMark();
    })
    .catch(() => {
      // Locked meanwhile: the screen is going away.
    });

  // ---- verify ----
  const progress = h("progress", { max: "1", value: "0", "aria-label": "Verify progress", hidden: true });
  const progText = h("p", { class: "muted", "aria-live": "polite" });
  const result = h("div", { class: "verify-result" });
  const verify = h("button", { type: "button", class: "primary" }, "Verify now");
  verify.addEventListener("click", async () => {
    verify.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replace(result);
    let last = 0;
    try {
      const r = await verifyRun((p) => {
        if (p.total > 0) {
          progress.max = p.total;
          progress.value = p.done;
        }
        const now = performance.now();
        if (now - last > 200) {
          last = now;
          progText.textContent = `${PHASES[p.phase] ?? p.phase}: ${p.done} of ${p.total}`;
        }
      });
      session.integrity = r;
      onIntegrity(r);
      showStatus();
      progText.textContent = "";
      replace(
        result,
        r.ok
          ? h(
              "div",
              null,
              h(
                "p",
                { class: "ok", role: "status" },
                `Everything checks out: ${plural(r.entries, "entry", "entries")} and ${plural(r.attachments, "attachment")} match their hashes (checked ${formatWhen(r.checked_at)}).`,
              ),
              r.notices.length > 0
                ? h(
                    "p",
                    { class: "notice" },
                    "Worth knowing (not a fault): ",
                    ...r.notices.slice(0, 5).map((n) => h("span", { class: "notice-item" }, n, ". ")),
                  )
                : null,
            )
          : h(
              "div",
              { class: "error", role: "alert" },
              h("p", { class: "error-message" }, `The check found a problem: ${r.message}`),
              r.problems.length > 1
                ? h(
                    "ul",
                    null,
                    ...r.problems
                      .slice(0, 20)
                      .map((p) => h("li", { "data-code": p.code }, `${FAILURE_WORDS[p.code]}: `, p.message)),
                  )
                : null,
              r.hint ? h("p", null, r.hint) : null,
            ),
      );
    } catch (e) {
      const s = statusRegion();
      s.error(e);
      replace(result, s.el);
    } finally {
      verify.disabled = false;
      progress.hidden = true;
    }
  });
  const statusLine = h("p", null);
  const showStatus = () => {
    const w = integrityWords(session.integrity ?? session.status?.integrity ?? null);
    statusLine.className = w.ok === false ? "error-text" : "";
    statusLine.textContent = `Status: ${w.text}.`;
  };
  showStatus();

  // ---- backup / restore ----
  const backupStatus = statusRegion();
  const backup = h("button", { type: "button", class: "secondary" }, "Save a backup…");
  backup.addEventListener("click", async () => {
    try {
      const path = await backupSave();
      if (path)
        backupStatus.show([
          "Backup saved to ",
          userText(path),
          ". It is encrypted with the same passphrase and recovery key.",
        ]);
    } catch (e) {
      backupStatus.error(e);
    }
  });
  const secret = h("input", { type: "password", autocomplete: "off" });
  const useKey = checkbox("This is the recovery key, not the passphrase");
  const restoreStatus = statusRegion();
  const restore = h("button", { type: "button", class: "secondary" }, "Choose backup and restore…");
  restore.addEventListener("click", async () => {
    if (!secret.value) {
      restoreStatus.error({
        code: "invalid_input",
        message: "Type the passphrase or recovery key of the backup first.",
        hint: null,
      });
      return;
    }
    const ok = await confirmDialog({
      title: "Replace this vault with the backup?",
      body: h(
        "p",
        null,
        "The vault on this computer will be replaced by the backup you choose. The current vault is kept beside it, renamed, until you delete it yourself.",
      ),
      confirm: "Choose backup…",
      danger: true,
    });
    if (!ok) return;
    try {
      const st = await backupRestore(secret.value, useKey.input.checked);
      secret.value = "";
      if (st) {
        restoreStatus.show("Restored. Unlock it with the backup's passphrase.");
        relock();
      }
    } catch (e) {
      restoreStatus.error(e);
    }
  });

  // ---- auto-lock ----
  const idle = h("input", { type: "number", min: "1", max: "240", step: "1", value: String(idleMinutes()) });
  const idleStatus = statusRegion();
  idle.addEventListener("change", () => {
    setIdleMinutes(Number(idle.value));
    idle.value = String(idleMinutes());
    idleStatus.show(`Evident will lock after ${idleMinutes()} minutes without use.`);
  });

  // ---- passphrase / device ----
  const passCurrent = currentSecretField();
  const pair = newPassphraseFields("New passphrase", "Type the new passphrase again");
  const passStatus = statusRegion();
  const passForm = h(
    "form",
    { "aria-label": "Change passphrase" },
    passCurrent.el,
    pair.el,
    passStatus.el,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Change passphrase")),
  );
  passForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = keyChangeProblems(passCurrent.input.value, pair.problems());
    if (p.length) {
      passStatus.error({ code: "invalid_input", message: p.join(" "), hint: null });
      return;
    }
    try {
      await vaultChangePassphrase(passCurrent.input.value, pair.first.value);
      passCurrent.input.value = pair.first.value = pair.second.value = "";
      passStatus.show("Passphrase changed. Your recovery key still works.");
    } catch (e) {
      passStatus.error(e);
      passCurrent.input.select();
    }
  });

  // ---- a new recovery key only ----
  const recCurrent = currentSecretField();
  const recStatus = statusRegion();
  const recButton = h("button", { type: "submit", class: "secondary" }, "Make a new recovery key…");
  const recForm = h(
    "form",
    { "aria-label": "New recovery key" },
    recCurrent.el,
    recStatus.el,
    h("div", { class: "actions" }, recButton),
  );
  const recSection = h(
    "section",
    { "aria-labelledby": "sec-recovery" },
    h("h2", { id: "sec-recovery" }, "New recovery key"),
    h(
      "p",
      { class: "help" },
      "Makes a new recovery key, for example if you lost the old one. The old recovery key stops opening this vault; your passphrase stays the same. If someone may have seen your passphrase or recovery key, use “Someone may know my passphrase or recovery key” below instead: only that also shuts out older copies of the vault.",
    ),
    recForm,
  );
  recForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = keyChangeProblems(recCurrent.input.value, []);
    if (p.length) {
      recStatus.error({ code: "invalid_input", message: p.join(" "), hint: null });
      return;
    }
    const ok = await confirmDialog({
      title: "Replace your recovery key?",
      body: h(
        "p",
        null,
        "The recovery key you have now will stop opening this vault. You will be shown the new one once, at the end.",
      ),
      confirm: "Make a new recovery key",
    });
    if (!ok) return;
    recButton.disabled = true;
    try {
      const created = await vaultNewRecoveryKey(recCurrent.input.value);
      recCurrent.input.value = "";
      session.status = { ...created.status, notice: null };
      showNewKey(recSection, "sec-recovery", created.recovery_key, {
        intro: "Your old recovery key no longer opens this vault. This new recovery key is shown only now.",
        backups:
          "Backups made before now still open with the old recovery key. Make a new backup, and destroy the older ones if someone else may have them.",
        doneTitle: "Recovery key replaced",
        doneText:
          "Your vault now opens with your passphrase or the new recovery key. The old recovery key no longer opens it.",
      });
    } catch (e) {
      recButton.disabled = false;
      recStatus.error(e);
      recCurrent.input.select();
    }
  });

  // ---- someone may know my passphrase or recovery key ----
  const rekeyCurrent = currentSecretField();
  const rekeyPair = newPassphraseFields("New passphrase", "Type the new passphrase again");
  const rekeyStatus = statusRegion();
  const rekeyButton = h("button", { type: "submit", class: "danger" }, "Change all my keys…");
  const rekeyForm = h(
    "form",
    { "aria-label": "Change all keys" },
    rekeyCurrent.el,
    rekeyPair.el,
    rekeyStatus.el,
    h("div", { class: "actions" }, rekeyButton),
  );
  const rekeySection = h(
    "section",
    { "aria-labelledby": "sec-rekey" },
    h("h2", { id: "sec-rekey" }, "Someone may know my passphrase or recovery key"),
    h(
      "p",
      { class: "help" },
      "This re-encrypts the whole vault under new keys, with a new passphrase and a new recovery key. The old passphrase and the old recovery key stop opening it, and this computer stops unlocking it by itself.",
    ),
    rekeyForm,
  );
  rekeyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = keyChangeProblems(rekeyCurrent.input.value, rekeyPair.problems());
    if (p.length) {
      rekeyStatus.error({ code: "invalid_input", message: p.join(" "), hint: null });
      return;
    }
    const ok = await confirmDialog({
      title: "Change all the keys of this vault?",
      body: h(
        "div",
        null,
        h(
          "p",
          null,
          "Evident will re-encrypt the whole vault. This can take a while for a large vault; keep the app open until it is done. If it is interrupted, the old or the new passphrase will open the vault.",
        ),
        h("p", null, "You will be shown a new recovery key once, at the end."),
      ),
      confirm: "Change all my keys",
      danger: true,
    });
    if (!ok) return;
    rekeyButton.disabled = true;
    rekeyStatus.show("Re-encrypting your vault… Keep the app open.");
    try {
      const created = await vaultRekey(rekeyCurrent.input.value, rekeyPair.first.value);
      rekeyCurrent.input.value = rekeyPair.first.value = rekeyPair.second.value = "";
      session.status = { ...created.status, notice: null };
      showNewKey(rekeySection, "sec-rekey", created.recovery_key, {
        intro:
          "Your vault is now encrypted under new keys. The old passphrase and the old recovery key no longer open it. This new recovery key is shown only now.",
        backups:
          "Older backups still open with the old passphrase and the old recovery key. Destroy them, and make a new backup now.",
        doneTitle: "Keys changed",
        doneText:
          "Your vault now opens only with the new passphrase or the new recovery key. Remember to destroy older backups and make a new one.",
      });
    } catch (e) {
      rekeyButton.disabled = false;
      rekeyStatus.error(e);
      rekeyCurrent.input.select();
    }
  });

  const forgetStatus = statusRegion();
  const forget = h("button", { type: "button", class: "secondary" }, "Forget on this device");
  forget.addEventListener("click", async () => {
    try {
      await vaultForgetDevice();
      forgetStatus.show("This computer no longer unlocks the vault by itself.");
    } catch (e) {
      forgetStatus.error(e);
    }
  });

  return h(
    "section",
    { class: "vault-screen" },
    pageHeading("Vault and settings"),
    markSlot,
    h(
      "section",
      { "aria-labelledby": "sec-integrity" },
      h("h2", { id: "sec-integrity" }, "Integrity"),
      statusLine,
      h(
        "p",
        { class: "help" },
        "Every entry is chained to the one before it with SHA-256, and every file is hashed when added. A full check recomputes them all, so any change since is found and pinpointed.",
      ),
      h("div", { class: "actions" }, verify),
      progress,
      progText,
      result,
    ),
    trustedTimeSection(),
    h(
      "section",
      { "aria-labelledby": "sec-backup" },
      h("h2", { id: "sec-backup" }, "Backup and restore"),
      h(
        "p",
        { class: "help" },
        "A backup is one encrypted file. Keep it on a USB stick or other drive, away from this computer.",
      ),
      h("div", { class: "actions" }, backup),
      backupStatus.el,
      h("h3", null, "Restore"),
      field("Passphrase or recovery key of the backup", secret),
      useKey.wrap,
      h("div", { class: "actions" }, restore),
      restoreStatus.el,
    ),
    h(
      "section",
      { "aria-labelledby": "sec-privacy" },
      h("h2", { id: "sec-privacy" }, "Privacy"),
      field("Lock after this many minutes without use", idle),
      idleStatus.el,
      h(
        "p",
        { class: "help" },
        "Quick hide: press Escape twice, or Ctrl+Shift+H, to hide everything at once. Press Enter or the Show button to come back; it locks as usual if left.",
      ),
      h("div", { class: "actions" }, forget),
      forgetStatus.el,
    ),
    h("section", { "aria-labelledby": "sec-pass" }, h("h2", { id: "sec-pass" }, "Change passphrase"), passForm),
    recSection,
    rekeySection,
    h("p", { class: "muted" }, `Vault folder: ${session.status?.dir ?? ""}`),
  );
}
