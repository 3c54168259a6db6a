/** "Log an incident": one screen, only the summary required, files staged in memory until saved. */

import { h, replace } from "../dom";
import { attachmentAddBytes, attachmentAddPaths, incidentRecord, personList, personRecord } from "../ipc";
import type { AttachmentView } from "../bindings/AttachmentView";
import { attachZone, type PendingFile } from "../components/attach";
import { pendingList } from "../components/attachments";
import { errorBox, pageHeading, statusRegion } from "../components/common";
import { dangerPanel, incidentForm } from "../components/incidentForm";
import { peoplePicker } from "../components/peoplePicker";
import { session } from "../state";

/** Attaches staged files to an incident; returns what worked and the errors. */
export async function attachPending(
  incidentId: number,
  files: PendingFile[],
): Promise<{ added: AttachmentView[]; errors: unknown[] }> {
  const added: AttachmentView[] = [];
  const errors: unknown[] = [];
  const paths = files.filter((f): f is Extract<PendingFile, { kind: "path" }> => f.kind === "path").map((f) => f.path);
  if (paths.length) {
    try {
      added.push(...(await attachmentAddPaths(incidentId, paths)));
    } catch (e) {
      errors.push(e);
    }
  }
  for (const f of files) {
    if (f.kind !== "bytes") continue;
    try {
      added.push(await attachmentAddBytes(incidentId, f.name, f.bytes, f.modified));
    } catch (e) {
      errors.push(e);
    }
  }
  return { added, errors };
}

/** Renders the log screen. `saved` is called with the new incident's id. */
export async function logScreen(saved: (id: number, problems: unknown[]) => void): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  const people = session.people ?? (session.people = await personList());
  const danger = dangerPanel();
  const form = incidentForm(ref, danger);
  const picker = peoplePicker(people);
  const pending: PendingFile[] = [];
  const status = statusRegion();
  const pendingBox = h("div", { class: "pending-box" });
  const renderPending = () =>
    replace(
      pendingBox,
      pendingList(pending, (i) => {
        pending.splice(i, 1);
        renderPending();
      }),
    );
  renderPending();
  const zone = attachZone(
    (files) => {
      pending.push(...files);
      renderPending();
    },
    (e) => status.error(e),
  );

  const save = h("button", { type: "submit", class: "primary" }, "Save incident");
  const el = h(
    "form",
    { class: "log", "aria-label": "Log an incident", novalidate: true },
    danger,
    pageHeading("Log an incident"),
    form.el,
    picker.el,
    h("fieldset", { class: "files" }, h("legend", null, "Screenshots and files"), zone, pendingBox),
    status.el,
    h("div", { class: "actions sticky-actions" }, save),
  );
  // Keep the danger panel first, above the heading.
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fields = form.read();
    if ("error" in fields) {
      replace(status.el, errorBox({ code: "invalid_input", message: fields.error, hint: null }));
      fields.focus?.focus();
      return;
    }
    save.disabled = true;
    status.show("Saving…");
    try {
      const ids = picker.chosen();
      for (const p of picker.newPeople()) ids.push(await personRecord(p));
      if (picker.newPeople().length) session.people = null;
      const id = await incidentRecord(fields, ids);
      const { errors } = await attachPending(id, pending);
      session.people = null;
      saved(id, errors);
    } catch (e) {
      status.error(e);
      save.disabled = false;
    }
  });
  setTimeout(() => form.summary.focus(), 0);
  return el;
}
