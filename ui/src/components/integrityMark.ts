/**
 * The integrity mark: a problem with the vault's record noticed at an earlier unlock (for example an older copy
 * of the vault put back). It is shown at every unlock and on Vault and settings until the person acknowledges
 * it with a reason, which is recorded in the chain.
 */

import { field, h, replace } from "../dom";
import { vaultAcknowledgeIntegrity } from "../ipc";
import type { IntegrityMark } from "../bindings/IntegrityMark";
import type { VaultStatus } from "../bindings/VaultStatus";
import { confirmDialog, statusRegion } from "./common";
import { formatWhen } from "../lib/time";

/** Plain words for a mark: a heading line and what was noticed, when. */
export function markWords(mark: IntegrityMark): { title: string; text: string } {
  const what = mark.message.trim() || "the record did not match what this computer remembered";
  return {
    title: "A problem with this vault's record was noticed",
    text: `On ${formatWhen(mark.noticed_at)}, Evident noticed that ${what.replace(/[.\s]+$/, "")}. This is shown at every unlock until you acknowledge it.`,
  };
}

/** What is wrong with a reason for acknowledging, if anything. */
export function reasonProblem(reason: string): string | null {
  return reason.trim() ? null : "Say why, for example: “I restored an older backup myself”.";
}

/**
 * The notice with an "Acknowledge…" button. `done` receives the status after acknowledging (without the mark);
 * the notice then says so and offers nothing more.
 */
export function integrityMarkNotice(mark: IntegrityMark, done: (st: VaultStatus) => void): HTMLElement {
  const w = markWords(mark);
  const status = statusRegion();
  const ack = h("button", { type: "button", class: "secondary" }, "Acknowledge…");
  const box = h(
    "section",
    { class: "card notice integrity-mark", role: "status", "aria-label": w.title },
    h("h2", null, w.title),
    h("p", null, w.text),
    h(
      "p",
      null,
      "If you know why (for example you restored an older backup yourself), acknowledge it and say why: your reason is kept in the record. If you do not know why, someone may have changed the files of this vault. Keep this computer's vault as it is and make a backup before anything else.",
    ),
    h("div", { class: "actions" }, ack),
    status.el,
  );
  ack.addEventListener("click", async () => {
    const reason = h("textarea", { rows: "3", maxlength: "1000" });
    const ok = await confirmDialog({
      title: "Acknowledge the problem",
      body: h(
        "div",
        null,
        h("p", null, "Say why this happened, in your own words. It is recorded in the vault's chain, with the date."),
        field("Reason", reason),
      ),
      confirm: "Acknowledge",
      validate: () => reasonProblem(reason.value),
    });
    if (!ok) return;
    ack.disabled = true;
    try {
      const st = await vaultAcknowledgeIntegrity(reason.value);
      replace(box, h("p", { role: "status" }, "Acknowledged. Your reason is kept in the record."));
      done(st);
    } catch (e) {
      ack.disabled = false;
      status.error(e);
    }
  });
  return box;
}
