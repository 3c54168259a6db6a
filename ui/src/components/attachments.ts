/**
 * Attachment cards: thumbnail (preview bytes fetched over IPC from memory into a blob: URL, never a file
 * path), or a file-type icon / "no preview" placeholder; the name always as text; size; SHA-256 short
 * with the full hash on demand and a Copy button; withdraw with a reason and a confirmation.
 */

import type { AttachmentView } from "../bindings/AttachmentView";
import type { TimeKind } from "../bindings/TimeKind";
import { field, h, hasBidiControls, hashText, replace, showControls, userText } from "../dom";
import { attachmentDescribe, attachmentPreview, attachmentWithdraw } from "../ipc";
import { fileFamily, formatSize, groupedHash, shortHash } from "../lib/format";
import { formatWhen } from "../lib/time";
import { blobUrl } from "../state";
import { confirmDialog, copyText, errorBox } from "./common";
import type { PendingFile } from "./attach";

/** The words before a time's source, as the core's `TimeKind::words`: only the first two may be a capture time. */
const KIND_WORDS: Record<TimeKind, string> = {
  captured: "captured",
  created: "created",
  modified: "modified by software",
  file_modified: "file modified",
  gps_fix: "GPS fix",
};

const ICON_TEXT: Record<ReturnType<typeof fileFamily>, string> = {
  image: "IMG",
  pdf: "PDF",
  text: "TXT",
  audio: "AUDIO",
  video: "VIDEO",
  archive: "ZIP",
  document: "DOC",
  other: "FILE",
};

function icon(mediaType: string, label: string): HTMLElement {
  const fam = fileFamily(mediaType);
  return h("div", { class: `file-icon fam-${fam}`, role: "img", "aria-label": label }, ICON_TEXT[fam]);
}

/** The thumbnail area of a card. Loads the preview lazily. */
function thumb(a: AttachmentView): HTMLElement {
  const box = h("div", { class: "thumb" });
  if (a.withdrawn) {
    box.appendChild(
      h("div", { class: "file-icon withdrawn", role: "img", "aria-label": "Withdrawn: bytes purged" }, "WITHDRAWN"),
    );
    return box;
  }
  if (!a.has_preview) {
    box.appendChild(
      a.media_type.startsWith("image/")
        ? h("div", { class: "file-icon", role: "img", "aria-label": "No preview" }, "No preview")
        : icon(a.media_type, `File type: ${a.media_type}`),
    );
    return box;
  }
  box.appendChild(h("div", { class: "file-icon", role: "img", "aria-label": "Loading preview" }, "…"));
  attachmentPreview(a.id)
    .then((bytes) => {
      if (!bytes) {
        replace(box, h("div", { class: "file-icon", role: "img", "aria-label": "No preview" }, "No preview"));
        return;
      }
      const img = h("img", { alt: "", class: "preview" });
      img.alt = `Preview of ${a.file_name}`;
      img.src = blobUrl(bytes, "image/jpeg");
      replace(box, img);
    })
    .catch(() => replace(box, h("div", { class: "file-icon", role: "img", "aria-label": "No preview" }, "No preview")));
  return box;
}

/**
 * A warning when a file name holds characters that reorder text (a "invoice⟨RLO⟩gnp.exe" disguising an
 * .exe as a .png), or nothing. The name itself is shown with the markers, in its real order.
 */
export function controlWarning(fileName: string): HTMLElement | null {
  if (!hasBidiControls(fileName)) return null;
  return h(
    "p",
    { class: "bidi-warning" },
    "Warning: this file name contains hidden characters that reverse text, shown here as ⟨RLO⟩ and the like. The name may be disguised; be careful opening this file.",
  );
}

/** The zone of a time as the file states it, or the plain words for none. */
function zoneText(offset: string | null | undefined): string {
  return offset ? `zone ${offset}` : "no time zone in the file";
}

/**
 * The capture time (a capture or creation tag, never a modify date) with where it came from, every time found in
 * the file labelled with its source and zone, and a plain line when the file carries GPS coordinates. Values
 * from the file are shown as text.
 */
export function captureRows(a: AttachmentView): (HTMLElement | null)[] {
  const times = a.times ?? [];
  const rows: (HTMLElement | null)[] = [];
  if (a.captured_at) {
    const t = times.find((x) => x.tag === a.captured_at_source);
    rows.push(
      h("dt", null, "Taken"),
      h(
        "dd",
        { class: "capture-time" },
        userText(a.captured_at),
        ` — ${a.captured_at_label ?? a.captured_at_source ?? ""}${t ? `, ${zoneText(t.offset)}` : ""}`,
      ),
    );
  } else if (times.length > 0) {
    rows.push(h("dt", null, "Taken"), h("dd", { class: "capture-time" }, "No capture time in the file"));
  }
  if (times.length > 0) {
    rows.push(
      h("dt", null, "Times in the file"),
      h(
        "dd",
        null,
        h(
          "ul",
          { class: "time-tags" },
          ...times.map((t) =>
            h(
              "li",
              { "data-kind": t.kind },
              `${KIND_WORDS[t.kind]} (${t.source}): `,
              userText(t.value),
              `, ${zoneText(t.offset)}`,
            ),
          ),
        ),
      ),
    );
  }
  if (a.location === true) {
    rows.push(
      h("dt", null, "Location"),
      h(
        "dd",
        { class: "gps-note" },
        "This file carries GPS coordinates: the place it was taken can be read from it by anyone who gets a copy.",
      ),
    );
  }
  return rows;
}

/** Quick choices for "How I captured it" (any words can be typed instead). */
export const CAPTURE_CHOICES = [
  "a screenshot I took on my phone",
  "a screenshot I took on my computer",
  "a photo I took of a screen",
  "a photo I took with my phone",
  "saved from an email",
  "downloaded from the website or app",
] as const;

/** The card's rows for how the file was captured and on which device, in the person's words. */
export function describedRows(a: AttachmentView): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (a.capture_method) out.push(h("dt", null, "How captured"), h("dd", null, userText(a.capture_method)));
  if (a.device) out.push(h("dt", null, "Device"), h("dd", null, userText(a.device)));
  return out;
}

/** Asks how the file was captured and on which device; records it (a correction keeps the old words in the
 * history). True when something was recorded. */
async function describe(a: AttachmentView, card: HTMLElement): Promise<boolean> {
  const listId = `capture-choices-${a.id}`;
  const how = h("input", { type: "text", list: listId, maxlength: "500", autocomplete: "off" });
  how.value = a.capture_method ?? "";
  const device = h("input", { type: "text", maxlength: "500", autocomplete: "off" });
  device.value = a.device ?? "";
  const ok = await confirmDialog({
    title: "How did you capture this file?",
    body: h(
      "div",
      null,
      h(
        "p",
        null,
        "The officer taking your statement will ask this. Your words go in the record and in the statement helper of your evidence pack.",
      ),
      h("p", { class: "file-name" }, userText(a.file_name)),
      field("How I captured it", how, "Choose one or write your own, for example: a screenshot I took on my phone."),
      h("datalist", { id: listId }, ...CAPTURE_CHOICES.map((c) => h("option", { value: c }))),
      field("Device", device, "For example: my iPhone 13, my work laptop."),
    ),
    confirm: "Save",
    validate: () =>
      how.value.trim() || device.value.trim() || a.capture_method || a.device
        ? null
        : "Write how you captured it, or the device.",
  });
  if (!ok) return false;
  try {
    await attachmentDescribe(a.id, how.value.trim(), device.value.trim());
    return true;
  } catch (e) {
    card.appendChild(errorBox(e));
    return false;
  }
}

/** Called after an attachment changed (withdrawn), with its card so it can be updated in place. */
export type OnAttachmentChanged = (card: HTMLElement, id: number) => void;

/** One attachment card. `onChanged` runs after a withdrawal. */
export function attachmentCard(a: AttachmentView, onChanged?: OnAttachmentChanged): HTMLElement {
  const fullHash = hashText(groupedHash(a.sha256), "hash-full", { hidden: true });
  const toggle = h("button", { type: "button", class: "link small", "aria-expanded": "false" }, "Show full");
  toggle.addEventListener("click", () => {
    const show = fullHash.hidden;
    fullHash.hidden = !show;
    toggle.setAttribute("aria-expanded", String(show));
    toggle.textContent = show ? "Hide full" : "Show full";
  });
  const copied = h("span", { class: "copied", role: "status" });
  const copy = h(
    "button",
    { type: "button", class: "link small", "aria-label": `Copy SHA-256 of ${showControls(a.file_name)}` },
    "Copy",
  );
  copy.addEventListener("click", async () => {
    copied.textContent = (await copyText(a.sha256)) ? "Copied" : "Could not copy";
  });
  const name = h("p", { class: "file-name" }, userText(a.file_name)); // always text, never markup
  const bidiWarning = controlWarning(a.file_name);
  const meta = h(
    "dl",
    { class: "file-meta" },
    h("dt", null, "Size"),
    h("dd", null, formatSize(a.size)),
    h("dt", null, "Type"),
    h("dd", null, a.media_type),
    h("dt", null, "SHA-256"),
    h(
      "dd",
      null,
      hashText(shortHash(a.sha256), "hash-short", { title: a.sha256 }),
      " ",
      toggle,
      " ",
      copy,
      copied,
      fullHash,
    ),
    h("dt", null, "Attached"),
    h("dd", null, formatWhen(a.added_at)),
    a.file_modified_at ? [h("dt", null, "File time"), h("dd", null, formatWhen(a.file_modified_at))] : null,
    ...captureRows(a),
    ...describedRows(a),
  );
  const card = h(
    "li",
    { class: `attachment${a.withdrawn ? " is-withdrawn" : ""}`, "data-attachment-id": String(a.id) },
    thumb(a),
    h("div", { class: "file-body" }, name, bidiWarning, meta),
  );
  if (a.withdrawn) {
    card
      .querySelector(".file-body")
      ?.appendChild(
        h(
          "p",
          { class: "withdrawn-note" },
          `Withdrawn ${formatWhen(a.withdrawn.at)}. Reason: `,
          a.withdrawn.reason,
          ". Its hash stays in the record.",
        ),
      );
  } else if (onChanged) {
    const btn = h(
      "button",
      { type: "button", class: "secondary small", "aria-label": `Withdraw ${showControls(a.file_name)}` },
      "Withdraw…",
    );
    btn.addEventListener("click", async () => {
      const reason = h("textarea", { rows: "2", required: true });
      const ok = await confirmDialog({
        title: "Withdraw this attachment?",
        body: h(
          "div",
          null,
          h(
            "p",
            null,
            "The file's bytes will be deleted from the vault for good. Its name, hash and your reason stay in the record, so the history remains complete.",
          ),
          h("p", { class: "file-name" }, userText(a.file_name)),
          field("Reason for withdrawing", reason, "For example: attached by mistake."),
        ),
        confirm: "Withdraw attachment",
        danger: true,
        validate: () => (reason.value.trim() ? null : "Give a reason for withdrawing it."),
      });
      if (!ok) return;
      try {
        await attachmentWithdraw(a.id, reason.value.trim());
        onChanged(card, a.id);
      } catch (e) {
        card.appendChild(errorBox(e));
      }
    });
    const describeBtn = h(
      "button",
      { type: "button", class: "secondary small", "aria-label": `How I captured ${showControls(a.file_name)}` },
      a.capture_method || a.device ? "Change how captured…" : "How I captured it…",
    );
    describeBtn.addEventListener("click", async () => {
      if (await describe(a, card)) onChanged(card, a.id);
    });
    card.querySelector(".file-body")?.appendChild(h("div", { class: "actions" }, describeBtn, " ", btn));
  }
  return card;
}

/** A list of attachment cards. */
export function attachmentList(items: AttachmentView[], onChanged?: OnAttachmentChanged): HTMLElement {
  if (!items.length) return h("p", { class: "muted" }, "No attachments yet.");
  return h(
    "ul",
    { class: "attachments", "aria-label": "Attachments" },
    ...items.map((a) => attachmentCard(a, onChanged)),
  );
}

/** The list of files waiting to be attached when the incident is saved. */
export function pendingList(items: PendingFile[], remove: (i: number) => void): HTMLElement {
  if (!items.length) return h("p", { class: "muted" }, "No files added yet.");
  return h(
    "ul",
    { class: "pending", "aria-label": "Files to attach" },
    ...items.map((f, i) => {
      const name = h("span", { class: "file-name" }, userText(f.name));
      return h(
        "li",
        null,
        name,
        h("span", { class: "muted" }, f.kind === "bytes" ? ` (${formatSize(f.bytes.byteLength)})` : " (from disk)"),
        " ",
        h(
          "button",
          {
            type: "button",
            class: "link small",
            "aria-label": `Remove ${showControls(f.name)}`,
            onclick: () => remove(i),
          },
          "Remove",
        ),
        controlWarning(f.name),
      );
    }),
  );
}
