/**
 * Export an evidence pack: choose which incidents go in (all, a date range, a person, kinds, or chosen one by
 * one), who it is for, and the cover-sheet details; see what will be included before exporting; then where it
 * was saved and the figures of its handover receipt: pack id, SHA-256 of the ZIP and of its SHA256SUMS, the chain
 * head, the signing key's fingerprint and the export time.
 */

import type { IncidentSummary } from "../bindings/IncidentSummary";
import type { PackSummary } from "../bindings/PackSummary";
import type { PortalSummary } from "../bindings/PortalSummary";
import { field, h, replace, select, uid, userText } from "../dom";
import { incidentList, packExport, packExportPortal, packPreview, personList } from "../ipc";
import { copyText, errorBox, pageHeading, statusRegion } from "../components/common";
import { buildFilter, emptyFilterForm } from "../lib/filter";
import { formatSize, groupedHash, plural } from "../lib/format";
import {
  buildRequest,
  buildSelection,
  CHECK_SENTENCE,
  defaultInitials,
  describeRedaction,
  emptyPackForm,
  formProblems,
  REDACTABLE_FIELDS,
  selectionPrompt,
  summaryWords,
  type SelectionMode,
} from "../lib/pack";
import { formatWhen } from "../lib/time";
import { session } from "../state";

/** How many incidents the hand-picking list shows at once (search finds the others). */
const PICK_LIMIT = 200;

const MODES: ReadonlyArray<readonly [SelectionMode, string]> = [
  ["all", "All incidents"],
  ["dates", "A date range"],
  ["person", "A person and all their incidents"],
  ["kinds", "Kinds of incident"],
  ["chosen", "Incidents I choose"],
];

/** Renders the Export screen. */
export async function exportScreen(): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  const people = session.people ?? (session.people = await personList());
  const form = emptyPackForm();
  const chosen = new Set<number>();

  // ---- which incidents ----
  const modeName = uid("mode");
  const panels = new Map<SelectionMode, HTMLElement>();
  const radios = MODES.map(([v, l]) => {
    const id = uid("r");
    const input = h("input", { type: "radio", name: modeName, id, value: v, checked: v === form.mode });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      form.mode = v;
      syncPanels();
      refresh();
    });
    return h("span", { class: "radio" }, input, h("label", { for: id }, l));
  });

  const from = h("input", { type: "date" });
  const to = h("input", { type: "date" });
  for (const c of [from, to])
    c.addEventListener("input", () => {
      form.from = from.value;
      form.to = to.value;
      refresh();
    });
  panels.set("dates", h("div", { class: "grid2" }, field("From (on or after)", from), field("To (on or before)", to)));

  const person = select(
    people.map((p) => [String(p.id), `${p.name} (${plural(p.incident_count, "incident")})`] as const),
    {},
    people.length ? "Choose a person" : "No people recorded yet",
  );
  person.addEventListener("change", () => {
    form.personId = person.value;
    refresh();
  });
  panels.set("person", field("Person", person, "Every incident linked to them goes in."));

  const kindBoxes = ref.kinds.map((k) => {
    const id = uid("k");
    const input = h("input", { type: "checkbox", id, value: k.code });
    input.addEventListener("change", () => {
      form.kinds = kindBoxes.filter((b) => b.input.checked).map((b) => b.input.value);
      refresh();
    });
    return { input, wrap: h("div", { class: "check" }, input, h("label", { for: id }, k.label)) };
  });
  panels.set("kinds", h("fieldset", null, h("legend", null, "Kinds to include"), ...kindBoxes.map((b) => b.wrap)));

  const search = h("input", { type: "search", autocomplete: "off" });
  const pickList = h("ul", { class: "pick-list", "aria-label": "Incidents to choose from" });
  const pickNote = h("p", { class: "help", "aria-live": "polite" });
  const chosenCount = h("p", { class: "help" });
  const clearChosen = h("button", { type: "button", class: "link" }, "Untick all");
  const showChosen = () => {
    chosenCount.textContent = chosen.size ? `${plural(chosen.size, "incident")} ticked.` : "None ticked yet.";
    form.chosen = [...chosen];
  };
  clearChosen.addEventListener("click", () => {
    chosen.clear();
    for (const b of pickList.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) b.checked = false;
    showChosen();
    refresh();
  });
  const pickRow = (i: IncidentSummary): HTMLElement => {
    const id = uid("i");
    const input = h("input", { type: "checkbox", id, value: String(i.id), checked: chosen.has(i.id) });
    input.addEventListener("change", () => {
      if (input.checked) chosen.add(i.id);
      else chosen.delete(i.id);
      showChosen();
      refresh();
    });
    return h(
      "li",
      { class: "check" },
      input,
      h("label", { for: id }, `${formatWhen(i.occurred_at, i.approximate)} — `, userText(i.summary)),
    );
  };
  let pickGen = 0;
  const loadPicks = async () => {
    const g = ++pickGen;
    try {
      const rows = await incidentList(buildFilter({ ...emptyFilterForm(), text: search.value }, 0, PICK_LIMIT));
      if (g !== pickGen) return;
      const shown = rows.slice(0, PICK_LIMIT);
      replace(pickList, ...shown.map(pickRow));
      if (!shown.length)
        replace(
          pickList,
          h("li", { class: "empty" }, search.value.trim() ? "No incidents match this search." : "No incidents yet."),
        );
      pickNote.textContent =
        rows.length > PICK_LIMIT
          ? `Showing the newest ${PICK_LIMIT}. Search to find others; ticked ones stay ticked.`
          : "";
    } catch (e) {
      if (g === pickGen) replace(pickList, h("li", null, errorBox(e)));
    }
  };
  let pickTimer: number | undefined;
  search.addEventListener("input", () => {
    window.clearTimeout(pickTimer);
    pickTimer = window.setTimeout(loadPicks, 150);
  });
  panels.set(
    "chosen",
    h(
      "div",
      { class: "pick" },
      field("Search incidents", search),
      h("div", { class: "pick-head" }, chosenCount, clearChosen),
      pickList,
      pickNote,
    ),
  );
  showChosen();

  const syncPanels = () => {
    for (const [m, el] of panels) el.hidden = m !== form.mode;
    if (form.mode === "chosen" && !pickList.childElementCount) void loadPicks();
  };

  // ---- the live summary ----
  const summary = h("div", {
    class: "pack-summary",
    role: "status",
    "aria-live": "polite",
    "aria-label": "What will be included",
  });
  let previewGen = 0;
  let previewTimer: number | undefined;
  const refresh = () => {
    window.clearTimeout(previewTimer);
    const sel = buildSelection(form);
    if (!sel) {
      ++previewGen;
      summary.textContent = selectionPrompt(form.mode);
      return;
    }
    previewTimer = window.setTimeout(async () => {
      const g = ++previewGen;
      try {
        const s = await packPreview(sel);
        if (g === previewGen) {
          summary.textContent = summaryWords(s.incident_count, s.exhibit_count);
          const located = s.located ?? [];
          if (located.length > 0) {
            // The recipient receives each file as it is: say plainly which photos show where they were taken.
            summary.appendChild(
              h(
                "p",
                { class: "notice", role: "note" },
                `${located.length === 1 ? "One photo carries" : `${located.length} photos carry`} a GPS position (where it was taken), and the recipient receives it as it is: `,
                ...located.map((l, i) => h("bdi", null, (i > 0 ? ", " : "") + l.file_name)),
                ".",
              ),
            );
          }
        }
      } catch (e) {
        if (g === previewGen) replace(summary, errorBox(e));
      }
    }, 150);
  };

  // ---- who it is for, and you ----
  type TextKey = "recipientName" | "recipientOrg" | "crimeRef" | "authorName" | "authorContact";
  const text = (key: TextKey, attrs: Record<string, string> = {}) => {
    const input = h("input", { type: "text", autocomplete: "off", ...attrs });
    input.addEventListener("input", () => {
      form[key] = input.value;
    });
    return input;
  };
  const recipientName = text("recipientName");
  const recipientOrg = text("recipientOrg");
  const crimeRef = text("crimeRef");
  const authorName = text("authorName", { autocomplete: "name" });
  const authorContact = text("authorContact");
  const initials = h("input", { type: "text", autocomplete: "off", maxlength: "4", size: "5", class: "initials" });
  let initialsEdited = false;
  initials.addEventListener("input", () => {
    initialsEdited = initials.value.trim() !== "";
    form.initials = initials.value;
  });
  authorName.addEventListener("input", () => {
    if (!initialsEdited) {
      initials.value = authorName.value.trim() ? defaultInitials(authorName.value) : "";
      form.initials = "";
    }
  });

  // ---- leave something out (redaction) ----
  const redactIncident = h("input", { type: "number", min: "1", inputmode: "numeric", autocomplete: "off" });
  const redactField = select(
    REDACTABLE_FIELDS.map(([f, l]) => [f, l] as const),
    {},
  );
  const redactEarlierId = uid("re");
  const redactEarlier = h("input", { type: "checkbox", id: redactEarlierId });
  const redactAdd = h("button", { type: "button" }, "Leave this out");
  const redactList = h("ul", { class: "redactions", "aria-label": "Left out of this pack" });
  const redactNote = h("p", { class: "help", "aria-live": "polite" });
  const showRedactions = () => {
    replace(
      redactList,
      ...form.redactions.map((r, i) => {
        const remove = h("button", { type: "button", class: "link" }, "Put back");
        remove.addEventListener("click", () => {
          form.redactions.splice(i, 1);
          showRedactions();
          redactNote.textContent = "Put back in the pack.";
        });
        return h("li", null, describeRedaction(r), " ", remove);
      }),
    );
  };
  redactAdd.addEventListener("click", () => {
    const id = Number(redactIncident.value);
    if (!Number.isInteger(id) || id < 1) {
      redactNote.textContent = "Give the incident's number (shown on its page as Incident N).";
      redactIncident.focus();
      return;
    }
    const r = { subject: "incident" as const, id, field: redactField.value, earlier_only: redactEarlier.checked };
    if (!form.redactions.some((x) => JSON.stringify(x) === JSON.stringify(r))) form.redactions.push(r);
    showRedactions();
    redactNote.textContent = `${describeRedaction(r)}: will read "redacted by the diarist" in this pack.`;
  });
  const redactSet = h(
    "fieldset",
    null,
    h("legend", null, "Leave something out (optional)"),
    h(
      "p",
      { class: "help" },
      "A neighbour's name, a child's school, your own address: choose the incident and the field. In the pack it reads \"redacted by the diarist\"; the pack still proves it is part of your record and was not changed. Your diary keeps it.",
    ),
    h("div", { class: "grid2" }, field("Incident number", redactIncident), field("Field", redactField)),
    h(
      "div",
      { class: "check" },
      redactEarlier,
      h("label", { for: redactEarlierId }, "Only what it said before an amendment (keep what it says now)"),
    ),
    h("div", { class: "actions" }, redactAdd),
    redactList,
    redactNote,
  );

  // ---- export ----
  const status = statusRegion();
  const result = h("div", { class: "pack-result" });
  const exportBtn = h("button", { type: "submit", class: "primary" }, "Export pack…");
  // One ZIP, or a folder of at most 16 files for a police upload portal.
  const howName = uid("how");
  const asZip = h("input", { type: "radio", name: howName, value: "zip", checked: true });
  const asPortal = h("input", { type: "radio", name: howName, value: "portal" });
  const howSet = h(
    "fieldset",
    null,
    h("legend", null, "How to save it"),
    h(
      "div",
      { class: "radios" },
      h("label", null, asZip, " One ZIP file (for email, a USB stick, most recipients)"),
      h("label", null, asPortal, " For a police upload portal: a new folder of at most 16 files, each at most 2 GB"),
    ),
    h(
      "p",
      { class: "help" },
      "Upload portals take few files: Axon Citizen takes at most 16 files of up to 2 GB each. The folder holds " +
        "report.pdf, the whole pack as one ZIP (evidence-pack.zip, which the officer can check), and as many " +
        "exhibits as fit as files of their own. Any others are in the ZIP only, and the app tells you which.",
    ),
  );
  const formEl = h(
    "form",
    { class: "export-form", "aria-label": "Evidence pack" },
    h(
      "fieldset",
      null,
      h("legend", null, "Which incidents go in"),
      h("div", { class: "radios" }, ...radios),
      ...panels.values(),
    ),
    summary,
    h(
      "fieldset",
      null,
      h("legend", null, "Who it is for"),
      h(
        "div",
        { class: "grid2" },
        field("Their name", recipientName, "For example the officer in the case."),
        field("Organisation", recipientOrg, "Police force, council or solicitor."),
      ),
      field("Crime reference number (if you have one)", crimeRef),
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "You, for the cover sheet"),
      h(
        "div",
        { class: "grid2" },
        field("Your name", authorName),
        field(
          "Your contact details",
          authorContact,
          "A phone number or email the recipient can use. They go on a last page of their own, kept off every other page.",
        ),
      ),
      field(
        "Exhibit initials",
        initials,
        "Exhibits are marked with these and their number in your diary: AB/1, AB/2… Usually your initials; titles like Cllr are left out.",
      ),
    ),
    redactSet,
    howSet,
    status.el,
    h("div", { class: "actions" }, exportBtn),
    h(
      "p",
      { class: "help" },
      "Only what you choose goes in the pack. Nothing is sent anywhere: you save the file and hand it over yourself.",
    ),
  );
  formEl.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!initialsEdited) form.initials = "";
    const problems = formProblems(form);
    const request = buildRequest(form);
    if (problems.length || !request) {
      replace(status.el, h("div", { class: "error", role: "alert" }, ...problems.map((p) => h("p", null, p))));
      return;
    }
    exportBtn.disabled = true;
    replace(result);
    status.show("Making the pack… This can take a minute when there are many files.");
    try {
      if (asPortal.checked) {
        const p = await packExportPortal(request);
        if (p) {
          status.clear();
          showResult(p.pack, portalPart(p));
        } else {
          status.show("Not exported: no folder was named.");
        }
      } else {
        const s = await packExport(request);
        if (s) {
          status.clear();
          showResult(s);
        } else {
          status.show("Not exported: no place was chosen.");
        }
      }
    } catch (e) {
      status.error(e);
    } finally {
      exportBtn.disabled = false;
    }
  });

  const portalPart = (p: PortalSummary): HTMLElement =>
    h(
      "div",
      null,
      h("h3", null, `Files to upload (${p.files.length} of at most 16)`),
      h(
        "ul",
        { class: "portal-files", "aria-label": "Files to upload" },
        ...p.files.map((f) => h("li", null, userText(f.name), ` — ${formatSize(f.bytes)}`)),
      ),
      p.in_zip_only.length
        ? h(
            "p",
            { class: "help" },
            `In evidence-pack.zip only (no room for them as files of their own): ${p.in_zip_only.join(", ")}.`,
          )
        : null,
      h(
        "p",
        { class: "help" },
        "Keep the handover receipt for yourself: it is beside the files in the folder, and is not one to upload.",
      ),
    );

  const showResult = (s: PackSummary, extra: HTMLElement | null = null) => {
    const copied = h("span", { class: "copied", "aria-live": "polite" });
    const copy = h("button", { type: "button", class: "secondary small" }, "Copy the SHA-256");
    copy.addEventListener("click", async () => {
      copied.textContent = (await copyText(s.pack_sha256)) ? "Copied." : "Could not copy.";
    });
    const headingId = uid("saved");
    const region = h(
      "section",
      { class: "card pack-saved", "aria-labelledby": headingId },
      h("h2", { id: headingId, tabindex: "-1" }, "Pack saved"),
      h(
        "p",
        { class: "ok" },
        `${plural(s.incident_ids.length, "incident")} and ${s.exhibit_count === 0 ? "no exhibits" : plural(s.exhibit_count, "exhibit")} exported.`,
      ),
      h(
        "dl",
        { class: "fields" },
        h("dt", null, "Saved to"),
        h("dd", { class: "url" }, s.path),
        h("dt", null, "Pack id"),
        h("dd", null, s.pack_id),
        h("dt", null, "Exported"),
        h("dd", null, s.exported_at_uk),
        h("dt", null, "SHA-256 of the ZIP"),
        h("dd", { class: "hash-full" }, groupedHash(s.zip_sha256)),
        h("dt", null, "SHA-256 of SHA256SUMS"),
        h("dd", { class: "hash-full" }, groupedHash(s.pack_sha256)),
        h("dt", null, "Chain head"),
        h("dd", { class: "hash-full" }, `entry ${s.head_seq}, ${groupedHash(s.head_hash)}`),
        h("dt", null, "Signing key"),
        h("dd", { class: "hash-full" }, s.signing_fingerprint_spaced),
        h("dt", null, "Handover receipt"),
        h("dd", { class: "url" }, s.receipt_path),
      ),
      extra,
      h("div", { class: "actions" }, copy, copied),
      h("p", null, CHECK_SENTENCE),
      h(
        "p",
        { class: "help" },
        "The receipt beside the pack (as text and as a one-page PDF) holds these figures, for the officer's exhibit label. The signing key's fingerprint is the same on every pack from this diary: give it to the officer separately, so they can check a pack was made with your diary's key.",
      ),
      h(
        "p",
        { class: "help" },
        "The export is recorded in your diary's chain, with the pack id and the SHA-256 of SHA256SUMS.",
      ),
    );
    replace(result, region);
    (region.querySelector("h2") as HTMLElement | null)?.focus();
  };

  syncPanels();
  refresh();
  return h(
    "section",
    { class: "export-screen" },
    pageHeading("Export an evidence pack"),
    h(
      "p",
      null,
      "Make one ZIP file for the police, the council or a solicitor: a PDF report, the original files, and a way for them to check nothing was changed.",
    ),
    formEl,
    result,
  );
}
