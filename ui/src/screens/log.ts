/**
 * "Log an incident": one screen, only the summary required, files staged in memory until saved. What is typed is
 * kept as a draft inside the vault as the person types (lib/draft.ts) and offered back when the screen opens
 * again; it goes on Save, or when the person discards it (confirmed).
 */

import { h, replace } from "../dom";
import { attachmentAddBytes, attachmentAddPaths, draftGet, incidentRecord, personList, personRecord } from "../ipc";
import type { AttachmentView } from "../bindings/AttachmentView";
import type { DraftSlot } from "../bindings/DraftSlot";
import type { PersonFields } from "../bindings/PersonFields";
import { attachZone, redirectPaste, type PendingFile } from "../components/attach";
import { pendingList } from "../components/attachments";
import { confirmDialog, errorBox, pageHeading, statusRegion } from "../components/common";
import { dangerPanel, incidentForm } from "../components/incidentForm";
import { PEOPLE_CHANGED, peoplePicker } from "../components/peoplePicker";
import { DraftKeeper, parseBody, restoreSnapshot, sameSnapshot, setActiveDraft, snapshot } from "../lib/draft";
import { ukTime } from "../lib/time";
import { session } from "../state";

/** What the log screen's draft keeps besides its controls. */
interface DraftExtra {
  newPeople?: PersonFields[];
  files?: DraftFile[];
}

/** A file to attach as kept in a draft: a path, or bytes (base64). */
type DraftFile = { name: string; path: string } | { name: string; b64: string; modified?: string };

/** The most bytes of pasted or dropped files a draft keeps (the draft body is at most 4 MiB of JSON). */
const DRAFT_FILE_BYTES = 2 * 1024 * 1024;

const encoded = new WeakMap<Uint8Array, string>();

/** Base64 of a file's bytes, encoded once. */
function base64Of(f: Extract<PendingFile, { kind: "bytes" }>): string {
  let s = encoded.get(f.bytes);
  if (s === undefined) {
    let bin = "";
    for (let i = 0; i < f.bytes.length; i += 0x8000) bin += String.fromCharCode(...f.bytes.subarray(i, i + 0x8000));
    s = btoa(bin);
    encoded.set(f.bytes, s);
  }
  return s;
}

/** A file kept in a draft, back as a file to attach. */
function fromDraft(f: DraftFile): PendingFile {
  if ("path" in f) return { kind: "path", name: f.name, path: f.path };
  const bin = atob(f.b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const modified = f.modified ? new Date(f.modified) : undefined;
  return { kind: "bytes", name: f.name, bytes, modified };
}

/** The draft slot of this screen. */
const SLOT: DraftSlot = { form: "new_incident" };

/**
 * "Discard draft…": asks first (what goes: `what`), then removes the draft from the vault and calls `after`.
 */
export function onDiscard(
  button: HTMLElement,
  keeper: DraftKeeper,
  what: string,
  after: () => void,
  onError: (e: unknown) => void,
): void {
  button.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: "Discard this draft?",
      body: h("p", null, `${what} will be removed from your vault. This cannot be undone.`),
      confirm: "Discard draft",
      danger: true,
    });
    if (!ok) return;
    try {
      await keeper.discard();
      after();
    } catch (e) {
      onError(e);
    }
  });
}

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

/**
 * Renders the log screen. `saved` is called with the new incident's id; `reopen` shows a fresh screen (after the
 * draft is discarded).
 */
export async function logScreen(
  saved: (id: number, problems: unknown[]) => void,
  reopen: () => void = () => {},
): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  const people = session.people ?? (session.people = await personList());
  const danger = dangerPanel();
  const form = incidentForm(ref, danger);
  const picker = peoplePicker(people);
  const pending: PendingFile[] = [];
  const status = statusRegion();
  const pendingBox = h("div", { class: "pending-box" });
  const renderPending = () => {
    replace(
      pendingBox,
      pendingList(pending, (i) => {
        pending.splice(i, 1);
        renderPending();
      }),
    );
    // The files to attach are part of the draft too.
    pendingBox.dispatchEvent(new Event(PEOPLE_CHANGED, { bubbles: true }));
  };
  renderPending();
  const zone = attachZone(
    (files) => {
      pending.push(...files);
      renderPending();
    },
    (e) => status.error(e),
  );

  const moreBox = h(
    "details",
    { class: "more-details" },
    h("summary", null, "More details: kind, where, online details, what was said, impact, witnesses, offences"),
    h("div", { class: "incident-form" }, ...form.parts.more),
  );
  const save = h("button", { type: "submit", class: "primary" }, "Save incident");
  const draftNote = h("p", { class: "draft-note muted" });
  const discard = h("button", { type: "button", class: "secondary" }, "Discard draft…");
  const el = h(
    "form",
    { class: "log", "aria-label": "Log an incident", novalidate: true },
    danger,
    pageHeading("Log an incident"),
    // The essentials first (summary, screenshots, when, who, red flags); everything else under "More details".
    h(
      "div",
      { class: "incident-form" },
      form.parts.summary,
      h("fieldset", { class: "files" }, h("legend", null, "Screenshots and files"), zone, pendingBox),
      form.parts.when,
    ),
    picker.el,
    form.parts.flags,
    moreBox,
    status.el,
    h("div", { class: "actions sticky-actions" }, save, discard, draftNote),
  );

  // ---- the draft: the form's controls, the new people, and the files to attach (pasted bytes while they fit) ----
  const extra = (): DraftExtra => {
    const files: DraftFile[] = [];
    let room = DRAFT_FILE_BYTES;
    for (const f of pending) {
      if (f.kind === "path") files.push({ name: f.name, path: f.path });
      else if (f.bytes.byteLength <= room) {
        room -= f.bytes.byteLength;
        files.push({ name: f.name, b64: base64Of(f), modified: f.modified?.toISOString() });
      }
    }
    return { newPeople: picker.newPeople(), files };
  };
  const pristine = snapshot(el);
  const pristineMore = snapshot(moreBox);
  const keeper = new DraftKeeper(
    SLOT,
    () => ({ v: 1, controls: snapshot(el), extra: extra() }),
    (e) => status.error(e),
    (when) => (draftNote.textContent = `Draft kept in your vault at ${ukTime(when)}.`),
  );
  let restored: HTMLElement | null = null;
  try {
    const kept = await draftGet(SLOT);
    const body = kept ? parseBody(kept.body) : null;
    if (kept && body) {
      restoreSnapshot(el, body.controls);
      const saved = body.extra as DraftExtra | undefined;
      if (Array.isArray(saved?.newPeople) && saved.newPeople.length) picker.restoreNew(saved.newPeople);
      if (Array.isArray(saved?.files) && saved.files.length) {
        pending.push(...saved.files.map(fromDraft));
        renderPending();
      }
      keeper.kept(JSON.stringify({ v: 1, controls: snapshot(el), extra: extra() }));
      if (!sameSnapshot(body.controls, pristine) || picker.newPeople().length || pending.length) {
        const when = new Date(kept.saved_at);
        restored = h(
          "p",
          { class: "notice", role: "status" },
          `Your unsaved notes are back, as you left them${Number.isNaN(when.getTime()) ? "" : ` at ${ukTime(when)}`}. Save when you are ready, or discard the draft.`,
        );
        draftNote.textContent = "Draft kept in your vault.";
      }
    }
  } catch (e) {
    status.error(e);
  }
  if (restored) el.insertBefore(restored, el.querySelector(".incident-form"));
  // Something restored under "More details" is shown, not hidden in a closed box.
  if (!sameSnapshot(snapshot(moreBox), pristineMore)) moreBox.open = true;
  redirectPaste(el);
  el.addEventListener("input", () => keeper.schedule());
  el.addEventListener("change", () => keeper.schedule());
  el.addEventListener(PEOPLE_CHANGED, () => keeper.schedule());
  setActiveDraft(keeper);
  onDiscard(discard, keeper, "What you typed on this screen", reopen, (e) => status.error(e));

  // Keep the danger panel first, above the heading.
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fields = form.read();
    if ("error" in fields) {
      replace(status.el, errorBox({ code: "invalid_input", message: fields.error, hint: null }));
      if (fields.focus && moreBox.contains(fields.focus)) moreBox.open = true;
      fields.focus?.focus();
      return;
    }
    // A person filled in under "Someone new" but not added is added now, or Save says why not.
    if (!picker.takeTyped()) {
      replace(
        status.el,
        errorBox({
          code: "invalid_input",
          message: "The new person is not added yet: give a name or a handle, or tick anonymous, then save again.",
          hint: null,
        }),
      );
      return;
    }
    save.disabled = true;
    status.show("Saving…");
    try {
      await keeper.flush();
      const ids = picker.chosen();
      for (const p of picker.newPeople()) ids.push(await personRecord(p));
      if (picker.newPeople().length) session.people = null;
      const id = await incidentRecord(fields, ids);
      const { errors } = await attachPending(id, pending);
      session.people = null;
      await keeper.discard().catch(() => {});
      saved(id, errors);
    } catch (e) {
      status.error(e);
      save.disabled = false;
    }
  });
  setTimeout(() => form.summary.focus(), 0);
  return el;
}
