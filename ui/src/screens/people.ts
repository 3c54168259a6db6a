/** People: the list, and each person with aliases, handles and all their incidents (course of conduct). */

import type { PersonSummary } from "../bindings/PersonSummary";
import { checkbox, field, h, replace, userText } from "../dom";
import { personAmend, personGet, personList, personRecord } from "../ipc";
import type { PersonFields } from "../bindings/PersonFields";
import { errorBox, pageHeading, statusRegion } from "../components/common";
import { lines, plural } from "../lib/format";
import { formatDate } from "../lib/time";
import { session, type Route } from "../state";
import { incidentRow } from "./timeline";

/** The plain-words course-of-conduct note for a person with 2 or more incidents, or null. */
export function courseOfConduct(p: Pick<PersonSummary, "incident_count" | "first_at" | "last_at">): string | null {
  if (p.incident_count < 2) return null;
  return `${p.incident_count} incidents, from ${formatDate(p.first_at)} to ${formatDate(p.last_at)}. 2 or more incidents can amount to a course of conduct — harassment.`;
}

function personLink(p: PersonSummary, go: (r: Route) => void): HTMLElement {
  const a = h("a", { href: `#person/${p.id}` }, userText(p.name));
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    go({ name: "person", id: p.id });
  });
  return a;
}

/** The person fields as a form; `read()` gives the fields back. */
function personForm(f?: PersonFields): { el: HTMLElement; read: () => PersonFields } {
  const name = h("input", { type: "text", autocomplete: "off", value: f?.name ?? "" });
  const handles = h("textarea", { rows: "2", spellcheck: "false", value: f?.handles.join("\n") ?? "" });
  const aliases = h("textarea", { rows: "2", value: f?.aliases.join("\n") ?? "" });
  const anon = checkbox("Anonymous account or unknown person", { checked: f?.anonymous ?? false });
  const desc = h("input", { type: "text", value: f?.description ?? "" });
  const vehicle = h("input", { type: "text", value: f?.vehicle ?? "" });
  const notes = h("textarea", { rows: "2", value: f?.notes ?? "" });
  const basis = h("textarea", { rows: "2", value: f?.attribution_basis ?? "" });
  const el = h(
    "div",
    null,
    h("div", { class: "grid2" }, field("Name (if known)", name), field("Handles or accounts (one per line)", handles)),
    h("div", { class: "grid2" }, field("Other names (one per line)", aliases), field("Vehicle", vehicle)),
    field("Description", desc),
    field("Notes", notes),
    field(
      "Why you think it is them (optional)",
      basis,
      "What you base the identification on, for example: the account uses his photo. The pack shows it as your belief.",
    ),
    anon.wrap,
  );
  const read = (): PersonFields => ({
    name: name.value.trim(),
    aliases: lines(aliases.value),
    handles: lines(handles.value),
    anonymous: anon.input.checked,
    description: desc.value.trim(),
    vehicle: vehicle.value.trim(),
    notes: notes.value,
    attribution_basis: basis.value.trim(),
  });
  return { el, read };
}

/** The list of people, with a form to add one. */
export async function peopleScreen(go: (r: Route) => void): Promise<HTMLElement> {
  const people = (session.people = await personList());
  const pf = personForm();
  const status = statusRegion();
  const form = h(
    "form",
    { class: "card", "aria-label": "Add a person" },
    pf.el,
    status.el,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Add person")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const id = await personRecord(pf.read());
      session.people = null;
      go({ name: "person", id });
    } catch (e) {
      status.error(e);
    }
  });
  const list = people.length
    ? h(
        "ul",
        { class: "people-list", "aria-label": "People" },
        ...people.map((p) => {
          const coc = courseOfConduct(p);
          return h(
            "li",
            { "data-person-id": String(p.id) },
            h("h2", { class: "row-title" }, personLink(p, go)),
            p.fields.handles.length ? h("p", { class: "handles" }, p.fields.handles.join(" · ")) : null,
            h("p", { class: "muted" }, plural(p.incident_count, "incident"), p.fields.anonymous ? " · anonymous" : ""),
            coc ? h("p", { class: "conduct" }, coc) : null,
          );
        }),
      )
    : h("p", { class: "muted" }, "Nobody recorded yet. People are added when you log an incident, or here.");
  return h(
    "section",
    null,
    pageHeading("People"),
    list,
    h("details", { class: "add-person" }, h("summary", null, "Add a person"), form),
  );
}

/** One person and all their incidents. */
export async function personScreen(id: number, go: (r: Route) => void): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  try {
    const d = await personGet(id);
    const p = d.summary;
    const coc = courseOfConduct(p);
    const dl = h("dl", { class: "fields" });
    const add = (label: string, value: string) =>
      value && dl.append(h("dt", null, label), h("dd", { class: "verbatim" }, userText(value)));
    add("Name", p.fields.name);
    add("Other names", p.fields.aliases.join(", "));
    add("Handles and accounts", p.fields.handles.join(", "));
    add("Anonymous", p.fields.anonymous ? "Yes" : "");
    add("Description", p.fields.description);
    add("Vehicle", p.fields.vehicle);
    add("Notes", p.fields.notes);
    add("Why you think it is them (your belief)", p.fields.attribution_basis);
    const list = d.incidents.length
      ? h(
          "ol",
          { class: "timeline", "aria-label": `Incidents involving ${p.name}` },
          ...d.incidents.map((i) => incidentRow(i, ref, go)),
        )
      : h("p", { class: "muted" }, "No incidents linked yet.");
    const pf = personForm(p.fields);
    const reason = h("textarea", { rows: "2", required: true });
    const status = statusRegion();
    const edit = h(
      "form",
      { class: "card", "aria-label": "Amend person" },
      h("p", { class: "help" }, "The earlier details stay in the record; your change is added with its reason."),
      pf.el,
      field("Reason for the change (required)", reason),
      status.el,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save changes")),
    );
    edit.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) {
        status.error({ code: "invalid_input", message: "Say why you are changing these details.", hint: null });
        reason.focus();
        return;
      }
      try {
        await personAmend(p.id, reason.value.trim(), pf.read());
        session.people = null;
        go({ name: "person", id: p.id });
      } catch (e) {
        status.error(e);
      }
    });
    return h(
      "section",
      { class: "person-detail" },
      pageHeading(userText(p.name)),
      coc
        ? h("p", { class: "conduct", role: "note" }, coc)
        : h("p", { class: "muted" }, plural(p.incident_count, "incident")),
      dl,
      h("details", { class: "edit-person" }, h("summary", null, "Change these details"), edit),
      h("h2", null, "Incidents"),
      list,
    );
  } catch (e) {
    const out = h("section", null, pageHeading("Person"));
    replace(out, pageHeading("Person"), errorBox(e));
    return out;
  }
}
