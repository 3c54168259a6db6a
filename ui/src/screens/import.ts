/**
 * Import: bring in what the person already has. Three parts:
 * - screenshots and photos: a folder (or typed path) is read with a progress bar and cancel; files become
 *   proposed incidents (one per file, by day, or by gaps in time), each dated from the capture time (EXIF) or
 *   the file time and labelled as such; the person edits summaries, leaves proposals out, merges or splits
 *   them, then records everything at once (all or nothing); duplicates are listed;
 * - an old diary: columns mapped to fields, the first rows shown and how each row becomes an incident, rows
 *   that do not parse listed with their row numbers;
 * - message exports (WhatsApp, X, Facebook): a searchable list filtered by sender; the chosen messages become
 *   incidents (or are quoted in one), linked to a person with that handle.
 * Every text from a file (names, messages, cells) is shown with userText() (isolated, controls visible).
 */

import type { ColumnMap } from "../bindings/ColumnMap";
import type { DiaryPreview } from "../bindings/DiaryPreview";
import type { FolderIncident } from "../bindings/FolderIncident";
import type { Grouping } from "../bindings/Grouping";
import type { ImportReport } from "../bindings/ImportReport";
import type { MessageExport } from "../bindings/MessageExport";
import type { Platform } from "../bindings/Platform";
import type { Proposal } from "../bindings/Proposal";
import type { Scan } from "../bindings/Scan";
import type { TimeSource } from "../bindings/TimeSource";
import { field, h, replace, select, uid, userText, type Child } from "../dom";
import {
  importCancel,
  importDiaryPreview,
  importDiaryRead,
  importDiaryRecord,
  importFolderRecord,
  importMerge,
  importMessagesRead,
  importMessagesRecord,
  importPickFile,
  importPickFolder,
  importPropose,
  importScan,
  importSplit,
} from "../ipc";
import { errorBox, pageHeading, statusRegion } from "../components/common";
import { plural } from "../lib/format";
import { formatWhen, parseRfc3339, toRfc3339, toWallInput, wallToInstant } from "../lib/time";
import type { Route } from "../state";

/** How many messages the list shows at once (search and the sender filter find the others). */
const LIST_LIMIT = 500;

const TIME_WORDS: Record<TimeSource, string> = {
  exif: "capture time (EXIF)",
  file_time: "file time: the photo carries no capture time",
  unknown: "no date known",
  user: "date you set",
};

/** A progress bar with a Cancel button, shown while files are read or recorded. */
function progressBar(): { el: HTMLElement; set: (done: number, total: number) => void; done: () => void } {
  const bar = h("progress", { max: "1", value: "0", "aria-label": "Import progress" });
  const words = h("span", { class: "help", "data-testid": "import-progress-words" });
  const cancel = h("button", { type: "button", onclick: () => void importCancel() }, "Cancel");
  const el = h("div", { class: "import-progress", hidden: true }, bar, " ", words, " ", cancel);
  return {
    el,
    set: (done, total) => {
      el.hidden = false;
      bar.max = Math.max(total, 1);
      bar.value = done;
      words.textContent = `${done} of ${total} files`;
    },
    done: () => {
      el.hidden = true;
    },
  };
}

/** A path box with a "Choose…" button (native dialog) and a Read button. */
function pathPicker(label: string, pick: () => Promise<string | null>, read: (path: string) => void, testid: string) {
  const input = h("input", { type: "text", id: uid("p"), "data-testid": `${testid}-path`, class: "wide" });
  const choose = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        const p = await pick().catch(() => null);
        if (p) {
          input.value = p;
          read(p);
        }
      },
    },
    "Choose…",
  );
  const go = h(
    "button",
    { type: "button", "data-testid": `${testid}-read`, onclick: () => input.value.trim() && read(input.value.trim()) },
    "Read",
  );
  return h("div", { class: "row" }, field(label, input), choose, " ", go);
}

function reportView(r: ImportReport, go: (r: Route) => void): HTMLElement {
  return h(
    "div",
    { class: "ok", "data-testid": "import-report" },
    h(
      "p",
      null,
      `Recorded ${plural(r.incidents.length, "incident")} with ${plural(Number(r.attachments), "file")}.`,
      r.duplicates.length ? ` ${plural(r.duplicates.length, "duplicate")} skipped (already in the vault).` : "",
    ),
    r.duplicates.length
      ? h("ul", null, ...r.duplicates.map((d) => h("li", null, userText(d.file_name), " — already kept")))
      : null,
    h("button", { type: "button", onclick: () => go({ name: "timeline" }) }, "See them in the timeline"),
  );
}

// ---------- screenshots and photos ----------

function folderPanel(go: (r: Route) => void): HTMLElement {
  const status = statusRegion();
  const prog = progressBar();
  const list = h("div", { class: "proposals", "data-testid": "import-proposals" });
  const refusedEl = h("div");
  const recordBtn = h(
    "button",
    { type: "button", class: "primary", "data-testid": "import-record", hidden: true },
    "Record",
  );
  let scan: Scan | null = null;
  let proposals: Proposal[] = [];
  let summaries: string[] = [];
  let included: boolean[] = [];
  // A date set by hand on a proposal (RFC 3339, UK time), before anything is recorded.
  let datedByHand: (string | null)[] = [];

  const grouping = select(
    [
      ["file", "One incident per file"],
      ["day", "One incident per day"],
      ["gap", "A new incident after a gap of…"],
    ],
    { "data-testid": "import-grouping" },
  );
  const gap = h("input", { type: "number", min: "1", value: "30", class: "narrow", "aria-label": "Gap in minutes" });
  const currentGrouping = (): Grouping =>
    grouping.value === "day"
      ? { by: "day" }
      : grouping.value === "gap"
        ? { by: "gap", minutes: Math.max(1, Number(gap.value) || 30) }
        : { by: "file" };

  const setProposals = (p: Proposal[]) => {
    proposals = p;
    summaries = p.map((x) => x.summary);
    included = p.map(() => true);
    datedByHand = p.map(() => null);
    render();
  };
  const regroup = async () => {
    if (!scan) return;
    try {
      setProposals(await importPropose(scan.files, currentGrouping()));
    } catch (e) {
      status.error(e);
    }
  };
  grouping.addEventListener("change", () => void regroup());
  gap.addEventListener("change", () => void regroup());

  function render(): void {
    if (!scan) return;
    const files = scan.files;
    const cards = proposals.map((p, i) => {
      const summary = h("input", { type: "text", value: summaries[i], class: "wide", "aria-label": "Summary" });
      summary.addEventListener("input", () => (summaries[i] = summary.value));
      const keep = h("input", { type: "checkbox", checked: included[i], "aria-label": "Include this incident" });
      keep.addEventListener("change", () => {
        included[i] = keep.checked;
        updateRecord();
      });
      const merge =
        i + 1 < proposals.length
          ? h(
              "button",
              {
                type: "button",
                onclick: async () => {
                  try {
                    setProposals(await importMerge(files, proposals, i, i + 1));
                  } catch (e) {
                    status.error(e);
                  }
                },
              },
              "Merge with the next",
            )
          : null;
      const fileItems = p.files.map((fi, k) =>
        h(
          "li",
          null,
          userText(files[fi].file_name),
          k > 0
            ? h(
                "button",
                {
                  type: "button",
                  class: "link",
                  onclick: async () => {
                    try {
                      setProposals(await importSplit(files, proposals, i, k));
                    } catch (e) {
                      status.error(e);
                    }
                  },
                },
                "Split here",
              )
            : null,
        ),
      );
      const dateLine = h("p", { class: "help", "data-testid": "import-proposal-date" });
      const showDate = () => {
        const hand = datedByHand[i];
        replace(
          dateLine,
          hand
            ? `${formatWhen(hand)} — set by you`
            : [
                p.start ? formatWhen(p.start, p.time_source !== "exif") : "No date",
                p.end ? ` to ${formatWhen(p.end, p.time_source !== "exif")}` : "",
                ` — dated from the ${TIME_WORDS[p.time_source]}`,
              ],
        );
      };
      showDate();
      // Change the date by hand (UK time), before anything is recorded.
      const start = parseRfc3339(datedByHand[i] ?? p.start);
      const dateInput = h("input", {
        type: "datetime-local",
        value: start ? toWallInput(start) : "",
        "aria-label": "When it happened (UK time)",
      });
      const dateProblem = h("span", { class: "error", role: "alert" });
      const dateEdit = h(
        "div",
        { class: "row", hidden: true },
        dateInput,
        " ",
        h(
          "button",
          {
            type: "button",
            class: "secondary small",
            onclick: () => {
              const at = wallToInstant(dateInput.value);
              if (!at) {
                dateProblem.textContent = "Give a date and time, for example 21/11/2026 21:30.";
                return;
              }
              dateProblem.textContent = "";
              datedByHand[i] = toRfc3339(at);
              dateEdit.hidden = true;
              showDate();
            },
          },
          "Use this date",
        ),
        " ",
        dateProblem,
      );
      const changeDate = h(
        "button",
        { type: "button", class: "link small", onclick: () => ((dateEdit.hidden = false), dateInput.focus()) },
        "Change the date",
      );
      return h(
        "section",
        { class: "card proposal", "data-testid": "import-proposal" },
        h("div", { class: "row" }, keep, " ", summary),
        h("div", { class: "row" }, dateLine, " ", changeDate),
        dateEdit,
        h("ul", { class: "files" }, ...fileItems),
        merge,
      );
    });
    replace(list, ...cards);
    replace(
      refusedEl,
      scan.refused.length
        ? h(
            "div",
            { class: "warning" },
            h("p", null, `${plural(scan.refused.length, "file")} not imported:`),
            h("ul", null, ...scan.refused.map((r) => h("li", null, userText(r.path), " — ", r.reason))),
          )
        : null,
    );
    updateRecord();
  }

  function updateRecord(): void {
    const n = included.filter(Boolean).length;
    recordBtn.hidden = proposals.length === 0;
    recordBtn.textContent = `Record ${plural(n, "incident")}`;
    recordBtn.disabled = n === 0;
  }

  recordBtn.addEventListener("click", async () => {
    if (!scan) return;
    const files = scan.files;
    const incidents = proposals
      .map((p, i) => ({ p, i }))
      .filter(({ i }) => included[i])
      .map(({ p, i }) => ({
        dated_by_user: datedByHand[i] !== null,
        fields: {
          occurred: datedByHand[i]
            ? { start: datedByHand[i], end: null, approximate: false }
            : p.start
              ? { start: p.start, end: p.end, approximate: p.time_source !== "exif" }
              : null,
          kind: null,
          channel: null,
          location: "",
          platform: "",
          url: "",
          account_handle: "",
          post_time_shown: "",
          summary: summaries[i].trim() || p.summary,
          description: "",
          impact: "",
          witnesses: "",
          red_flags: [],
          offences: [],
        },
        files: p.files.map((fi) => files[fi]),
        people: [],
      }));
    recordBtn.disabled = true;
    status.show("Recording…");
    try {
      // Members left out take their defaults in the core (IncidentFields is #[serde(default)]).
      const report = await importFolderRecord(incidents as unknown as FolderIncident[], (pr) =>
        prog.set(Number(pr.done), Number(pr.total)),
      );
      prog.done();
      replace(list);
      recordBtn.hidden = true;
      status.show(reportView(report, go));
    } catch (e) {
      prog.done();
      recordBtn.disabled = false;
      status.error(e);
    }
  });

  const read = async (path: string) => {
    status.show("Reading the files…");
    replace(list);
    try {
      scan = await importScan([path], (p) => prog.set(Number(p.done), Number(p.total)));
      prog.done();
      status.show(`${plural(scan.files.length, "image")} read.`);
      await regroup();
    } catch (e) {
      prog.done();
      status.error(e);
    }
  };

  return h(
    "div",
    { class: "import-panel" },
    h("p", null, "Each file is kept byte for byte with its SHA-256. Nothing is recorded until you confirm."),
    pathPicker("Folder of screenshots or photos", importPickFolder, (p) => void read(p), "import-folder"),
    h("div", { class: "row" }, field("Group into incidents", grouping), " ", gap),
    prog.el,
    status.el,
    refusedEl,
    list,
    recordBtn,
  );
}

// ---------- an old diary ----------

const MAP_FIELDS: ReadonlyArray<readonly [keyof ColumnMap, string]> = [
  ["date", "Date"],
  ["time", "Time"],
  ["what", "What happened"],
  ["who", "Who"],
  ["how", "How"],
  ["reference", "Reference"],
];

function diaryPanel(go: (r: Route) => void): HTMLElement {
  const status = statusRegion();
  const body = h("div");
  let path = "";

  const read = async (p: string) => {
    path = p;
    replace(body);
    try {
      const { table, map } = await importDiaryRead(p);
      const cols: [string, string][] = table.headers.map((hd, i) => [String(i), hd]);
      const selects = MAP_FIELDS.map(([k, label]) => {
        const s = select(cols, { "data-testid": `map-${k}`, value: map[k] === null ? "" : String(map[k]) }, "(none)");
        s.addEventListener("change", () => {
          map[k] = s.value === "" ? null : Number(s.value);
          void refresh();
        });
        return field(label, s);
      });
      const previewEl = h("div");
      const refresh = async () => {
        try {
          replace(previewEl, previewView(await importDiaryPreview(path, map)));
        } catch (e) {
          replace(previewEl, errorBox(e));
        }
      };
      const record = h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: async () => {
            try {
              status.show(reportView(await importDiaryRecord(path, map), go));
              replace(body);
            } catch (e) {
              status.error(e);
            }
          },
        },
        "Record these incidents",
      );
      replace(body, h("div", { class: "row wrap" }, ...selects), previewEl, record);
      await refresh();
    } catch (e) {
      status.error(e);
    }
  };

  return h(
    "div",
    { class: "import-panel" },
    h("p", null, "A diary kept in a spreadsheet (CSV, Excel or OpenDocument). The file itself is kept as evidence."),
    pathPicker("Diary file", importPickFile, (p) => void read(p), "import-diary"),
    status.el,
    body,
  );
}

function previewView(p: DiaryPreview): HTMLElement {
  const first = h(
    "table",
    { class: "grid" },
    h("thead", null, h("tr", null, h("th", null, "Row"), ...p.headers.map((x) => h("th", null, userText(x))))),
    h(
      "tbody",
      null,
      ...p.first_rows.map((r) =>
        h("tr", null, h("td", null, String(r.row)), ...r.cells.map((c) => h("td", null, userText(c)))),
      ),
    ),
  );
  const rows = h(
    "ul",
    { "data-testid": "diary-rows" },
    ...p.rows
      .slice(0, 50)
      .map((r) =>
        h(
          "li",
          null,
          `Row ${r.row}: `,
          r.fields.occurred ? formatWhen(r.fields.occurred.start, r.fields.occurred.approximate) : "",
          " — ",
          userText(r.fields.summary),
          r.who ? [" — ", userText(r.who)] : null,
        ),
      ),
  );
  const problems: Child = p.problems.length
    ? h(
        "div",
        { class: "warning", "data-testid": "diary-problems" },
        h("p", null, `${plural(p.problems.length, "row")} cannot be imported:`),
        h("ul", null, ...p.problems.map((x) => h("li", null, `Row ${x.at}: ${x.reason}`))),
      )
    : null;
  return h(
    "div",
    null,
    h("h2", null, "The first rows"),
    first,
    h("h2", null, `How ${plural(p.rows.length, "row")} become incidents`),
    rows,
    problems,
  );
}

// ---------- message exports ----------

function messagesPanel(go: (r: Route) => void): HTMLElement {
  const status = statusRegion();
  const body = h("div");
  const platform = select(
    [
      ["whatsapp", "WhatsApp (Export chat: .txt or .zip)"],
      ["x", "X / Twitter archive (.zip, direct-messages.js, tweets.js)"],
      ["facebook", "Facebook or Messenger (JSON)"],
    ],
    { "data-testid": "import-platform" },
  );

  const read = async (path: string) => {
    replace(body);
    try {
      const pf = platform.value as Platform;
      const ex: MessageExport = await importMessagesRead(path, pf);
      const chosen = new Set<number>();
      const sender = select(
        ex.senders.map((s) => [s, s] as [string, string]),
        { "data-testid": "import-sender" },
        "Everyone",
      );
      const search = h("input", {
        type: "search",
        "aria-label": "Search the messages",
        "data-testid": "import-search",
      });
      const listEl = h("ul", { class: "messages", "data-testid": "import-messages" });
      const count = h("p", { class: "help" });
      const shown = () =>
        ex.messages.filter(
          (m) =>
            (!sender.value || (!m.system && m.sender === sender.value)) &&
            (!search.value || m.text.toLowerCase().includes(search.value.toLowerCase())),
        );
      const renderList = () => {
        const ms = shown();
        replace(
          listEl,
          ...ms.slice(0, LIST_LIMIT).map((m) => {
            const box = h("input", {
              type: "checkbox",
              checked: chosen.has(m.index),
              "aria-label": "Choose this message",
            });
            box.addEventListener("change", () => {
              if (box.checked) chosen.add(m.index);
              else chosen.delete(m.index);
              count.textContent = `${plural(chosen.size, "message")} chosen`;
            });
            return h(
              "li",
              { class: m.system ? "system" : "" },
              box,
              " ",
              h("span", { class: "help" }, userText(m.shown_at)),
              " ",
              h("strong", null, userText(m.sender || "(system)")),
              ": ",
              userText(m.text),
            );
          }),
        );
        count.textContent = `${plural(chosen.size, "message")} chosen; ${ms.length} shown`;
      };
      sender.addEventListener("change", renderList);
      search.addEventListener("input", renderList);
      const all = h(
        "button",
        {
          type: "button",
          onclick: () => {
            for (const m of shown()) if (!m.system) chosen.add(m.index);
            renderList();
          },
        },
        "Choose all shown",
      );
      const one = h("input", { type: "checkbox", id: uid("one") });
      const record = h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: async () => {
            try {
              const r = await importMessagesRecord(
                path,
                pf,
                [...chosen].sort((a, b) => a - b),
                one.checked ? "one_incident" : "each_incident",
              );
              replace(body);
              status.show(reportView(r, go));
            } catch (e) {
              status.error(e);
            }
          },
        },
        "Record the chosen messages",
      );
      replace(
        body,
        ex.problems.length
          ? h("p", { class: "warning" }, `${plural(ex.problems.length, "line")} could not be read.`)
          : null,
        h("div", { class: "row wrap" }, field("From", sender), field("Search", search), all),
        count,
        listEl,
        h("div", { class: "check" }, one, h("label", { for: one.id }, "Quote them all in one incident")),
        record,
      );
      renderList();
    } catch (e) {
      status.error(e);
    }
  };

  return h(
    "div",
    { class: "import-panel" },
    h("p", null, "The export is kept whole as evidence; the messages you choose become incidents."),
    field("Platform", platform),
    pathPicker("Export file", importPickFile, (p) => void read(p), "import-messages"),
    status.el,
    body,
  );
}

/** Renders the Import screen. */
export function importScreen(go: (r: Route) => void): HTMLElement {
  const panels: [string, string, HTMLElement][] = [
    ["folder", "Screenshots and photos", folderPanel(go)],
    ["diary", "An old diary", diaryPanel(go)],
    ["messages", "Messages", messagesPanel(go)],
  ];
  const holder = h("div");
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const show = (key: string) => {
    for (const [k, , el] of panels) el.hidden = k !== key;
    for (const b of tabs.querySelectorAll("button")) b.setAttribute("aria-selected", String(b.dataset.key === key));
  };
  for (const [k, label, el] of panels) {
    tabs.appendChild(
      h(
        "button",
        { type: "button", role: "tab", "data-key": k, "data-testid": `import-tab-${k}`, onclick: () => show(k) },
        label,
      ),
    );
    holder.appendChild(el);
  }
  show("folder");
  return h(
    "div",
    { class: "screen import" },
    pageHeading("Import"),
    h(
      "p",
      { class: "help" },
      "Imported items are proven unchanged since they were imported, not since they were made; their original times are shown as the source shows them.",
    ),
    tabs,
    holder,
  );
}
