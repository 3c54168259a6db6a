/** The timeline: newest first, filters and full-text search, paged 100 at a time (smooth at 10,000+). */

import type { IncidentSummary } from "../bindings/IncidentSummary";
import type { Reference } from "../bindings/Reference";
import { field, h, replace, select, userText } from "../dom";
import { incidentList, personList } from "../ipc";
import { errorBox, loading, pageHeading } from "../components/common";
import { buildFilter, emptyFilterForm, isFiltered, PAGE_SIZE, pageRange, type FilterForm } from "../lib/filter";
import { labelOf, plural } from "../lib/format";
import { formatWhen } from "../lib/time";
import { session, type Route } from "../state";

/** One row of the timeline. */
export function incidentRow(i: IncidentSummary, ref: Reference, go: (r: Route) => void): HTMLElement {
  const link = h("a", { href: `#incident/${i.id}`, class: "row-link" });
  link.appendChild(userText(i.summary));
  link.addEventListener("click", (ev) => {
    ev.preventDefault();
    go({ name: "incident", id: i.id });
  });
  const people = i.people.filter((p) => p.role === "subject").map((p) => p.name);
  const tags: (HTMLElement | null)[] = [
    i.kind ? h("span", { class: "tag" }, labelOf(ref.kinds, i.kind)) : null,
    i.channel ? h("span", { class: "tag" }, labelOf(ref.channels, i.channel)) : null,
    i.red_flags.length ? h("span", { class: "tag flag" }, "Red flag") : null,
    i.reported ? h("span", { class: "tag ok" }, "Reported") : h("span", { class: "tag muted" }, "Not reported"),
    i.amendment_count ? h("span", { class: "tag" }, plural(i.amendment_count, "amendment")) : null,
  ];
  return h(
    "li",
    { class: "incident-row", "data-incident-id": String(i.id) },
    h("p", { class: "when" }, formatWhen(i.occurred_at, i.approximate)),
    h("h2", { class: "row-title" }, link),
    h("p", { class: "tags" }, ...tags),
    h(
      "p",
      { class: "row-meta" },
      people.length ? ["Who: ", people.map((n, k) => [k ? ", " : "", userText(n)])] : "Who: not recorded",
      " · ",
      plural(i.attachment_count, "attachment"),
    ),
  );
}

/** Renders the timeline with its filter bar. */
export async function timelineScreen(go: (r: Route) => void): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  const people = session.people ?? (session.people = await personList());
  const f = session.filter;

  const text = h("input", { type: "search", value: f.text, autocomplete: "off" });
  const from = h("input", { type: "date", value: f.from });
  const to = h("input", { type: "date", value: f.to });
  const person = select(
    people.map((p) => [String(p.id), p.name] as const),
    { value: f.personId },
    "Anyone",
  );
  const kind = select(
    ref.kinds.map((k) => [k.code, k.label] as const),
    { value: f.kind },
    "Any kind",
  );
  const channel = select(
    ref.channels.map((k) => [k.code, k.label] as const),
    { value: f.channel },
    "Any way",
  );
  const reported = select(
    [
      ["yes", "Reported"],
      ["no", "Not reported"],
    ] as const,
    { value: f.reported },
    "Either",
  );
  const results = h("div", { class: "results", "aria-live": "polite" });
  const list = h("ol", { class: "timeline", "aria-label": "Incidents, newest first" });
  const range = h("p", { class: "range", role: "status" });
  const prev = h("button", { type: "button", class: "secondary" }, "Newer");
  const next = h("button", { type: "button", class: "secondary" }, "Older");
  const pager = h("nav", { class: "pager", "aria-label": "Pages" }, prev, range, next);
  replace(results, list, pager);

  const read = (): FilterForm => ({
    text: text.value,
    from: from.value,
    to: to.value,
    personId: person.value,
    kind: kind.value,
    channel: channel.value,
    reported: reported.value,
  });
  let generation = 0;
  const load = async () => {
    const g = ++generation;
    session.filter = read();
    const started = performance.now();
    try {
      const rows = await incidentList(buildFilter(session.filter, session.page));
      if (g !== generation) return;
      const page = rows.slice(0, PAGE_SIZE);
      const frag = document.createDocumentFragment();
      for (const r of page) frag.appendChild(incidentRow(r, ref, go));
      replace(list, frag);
      if (!page.length) {
        replace(
          list,
          h(
            "li",
            { class: "empty" },
            isFiltered(session.filter)
              ? "No incidents match these filters."
              : [
                  h("p", null, "No incidents yet."),
                  h(
                    "button",
                    { type: "button", class: "primary", onclick: () => go({ name: "log" }) },
                    "Log your first incident",
                  ),
                ],
          ),
        );
      }
      range.textContent = pageRange(session.page, page.length);
      prev.disabled = session.page === 0;
      next.disabled = rows.length <= PAGE_SIZE;
      list.dataset.renderMs = String(Math.round(performance.now() - started));
    } catch (e) {
      if (g === generation) replace(list, h("li", null, errorBox(e)));
    }
  };
  let timer: number | undefined;
  const reload = () => {
    session.page = 0;
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 150);
  };
  for (const c of [text, from, to]) c.addEventListener("input", reload);
  for (const c of [person, kind, channel, reported]) c.addEventListener("change", reload);
  prev.addEventListener("click", () => {
    session.page = Math.max(0, session.page - 1);
    void load();
  });
  next.addEventListener("click", () => {
    session.page += 1;
    void load();
  });
  const clearBtn = h("button", { type: "button", class: "link" }, "Clear filters");
  clearBtn.addEventListener("click", () => {
    const e = emptyFilterForm();
    text.value = e.text;
    from.value = e.from;
    to.value = e.to;
    person.value = "";
    kind.value = "";
    channel.value = "";
    reported.value = "";
    reload();
  });

  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "Filter incidents",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        reload();
      },
    },
    field("Search", text),
    h(
      "div",
      { class: "filter-grid" },
      field("From", from),
      field("To", to),
      field("Person", person),
      field("Kind", kind),
      field("How", channel),
      field("Reported", reported),
    ),
    clearBtn,
  );
  replace(list, h("li", null, loading()));
  void load();
  return h("section", { class: "timeline-screen" }, pageHeading("Timeline"), filters, results);
}
