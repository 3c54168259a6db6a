/** "Who": pick existing people (searchable checkboxes) or describe a new one with handles. */

import type { PersonFields } from "../bindings/PersonFields";
import type { PersonSummary } from "../bindings/PersonSummary";
import { append, checkbox, field, h, replace, userText } from "../dom";
import { lines } from "../lib/format";

/** The picker: chosen existing ids and new people to create on save. */
export interface PeoplePicker {
  el: HTMLElement;
  chosen: () => number[];
  /** The people added with "Add this person". */
  newPeople: () => PersonFields[];
  /** Puts back new people kept in a draft. */
  restoreNew: (people: PersonFields[]) => void;
  /**
   * Adds the person filled in under "Someone new" but not added yet (so Save never drops them): true when there
   * was nobody to add or they were added, false (with the reason shown and focus on the field) when what was
   * typed is not enough to add them.
   */
  takeTyped: () => boolean;
}

/** Fired (bubbling) on the picker when its new people change, so a draft can be saved. */
export const PEOPLE_CHANGED = "evident:people-changed";

/** Builds the picker over `people`, with `preselected` ids ticked. */
export function peoplePicker(
  people: PersonSummary[],
  preselected: number[] = [],
  legend = "Who was involved?",
): PeoplePicker {
  const selected = new Set(preselected);
  const fresh: PersonFields[] = [];
  const search = h("input", { type: "search", autocomplete: "off" });
  const list = h("div", { class: "people-choices" });
  const freshList = h("ul", { class: "new-people", "aria-label": "New people to add" });

  const renderList = () => {
    const q = search.value.trim().toLowerCase();
    const match = people.filter(
      (p) => !q || [p.name, ...p.fields.aliases, ...p.fields.handles].some((s) => s.toLowerCase().includes(q)),
    );
    replace(
      list,
      ...match.slice(0, 50).map((p) => {
        const extra = [...p.fields.handles, ...p.fields.aliases].filter((x) => x !== p.name).join(", ");
        const c = checkbox(extra ? `${p.name} (${extra})` : p.name, {
          checked: selected.has(p.id),
          value: String(p.id),
        });
        c.input.addEventListener("change", () => (c.input.checked ? selected.add(p.id) : selected.delete(p.id)));
        // Names and handles are someone else's words: shown as isolated text.
        const lab = c.wrap.querySelector("label");
        if (lab) replace(lab, userText(p.name), extra ? [" (", userText(extra), ")"] : null);
        return c.wrap;
      }),
      match.length > 50 ? h("p", { class: "muted" }, `${match.length - 50} more: type to narrow the list.`) : null,
      people.length && !match.length ? h("p", { class: "muted" }, "Nobody matches.") : null,
    );
  };
  search.addEventListener("input", renderList);
  renderList();

  const renderFresh = () => {
    freshList.dispatchEvent(new Event(PEOPLE_CHANGED, { bubbles: true }));
    replace(
      freshList,
      ...fresh.map((p, i) => {
        const name = userText([p.name, ...p.handles].filter(Boolean).join(" · ") || "Anonymous account");
        return h(
          "li",
          null,
          name,
          " ",
          h(
            "button",
            {
              type: "button",
              class: "link small",
              "aria-label": `Remove new person ${name.textContent}`,
              onclick: () => {
                fresh.splice(i, 1);
                renderFresh();
              },
            },
            "Remove",
          ),
        );
      }),
    );
  };

  const nName = h("input", { type: "text", autocomplete: "off" });
  const nHandles = h("textarea", { rows: "2", spellcheck: "false" });
  const nAnon = checkbox("Anonymous account or unknown person");
  const nDesc = h("input", { type: "text" });
  const nMsg = h("p", { class: "dialog-error", role: "alert" });
  const add = h("button", { type: "button", class: "secondary" }, "Add this person");
  const typed = (): PersonFields => ({
    name: nName.value.trim(),
    aliases: [],
    handles: lines(nHandles.value),
    anonymous: nAnon.input.checked,
    description: nDesc.value.trim(),
    vehicle: "",
    notes: "",
    attribution_basis: "",
  });
  const addTyped = (refocus: boolean): boolean => {
    const p = typed();
    if (!p.name && !p.handles.length && !p.anonymous) {
      nMsg.textContent = p.description
        ? "To add this person, give a name or a handle, or tick anonymous."
        : "Give a name or a handle, or tick anonymous.";
      newBox.open = true;
      nName.focus();
      return false;
    }
    nMsg.textContent = "";
    fresh.push(p);
    nName.value = nHandles.value = nDesc.value = "";
    nAnon.input.checked = false;
    renderFresh();
    if (refocus) nName.focus();
    return true;
  };
  add.addEventListener("click", () => void addTyped(true));
  // Enter in the new person's one-line fields adds the person: it never submits the whole incident.
  for (const input of [nName, nDesc]) {
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.isComposing) {
        ev.preventDefault();
        addTyped(true);
      }
    });
  }
  const newBox = h(
    "details",
    { class: "new-person" },
    h("summary", null, "Someone new"),
    h(
      "div",
      { class: "grid2" },
      field("Name (if known)", nName),
      field("Handles or accounts (one per line)", nHandles, "For example @name on X, or an email address."),
    ),
    nAnon.wrap,
    field("Description", nDesc, "Appearance, manner, vehicle: anything that helps recognise them."),
    nMsg,
    add,
  );
  const el = h("fieldset", { class: "who" }, h("legend", null, legend));
  if (people.length) append(el, field("Find a person", search), list);
  else append(el, h("p", { class: "muted" }, "Nobody recorded yet."));
  append(el, freshList, newBox);
  const takeTyped = (): boolean => {
    const p = typed();
    const empty = !p.name && !p.handles.length && !p.anonymous && !p.description;
    return empty || addTyped(false);
  };
  const restoreNew = (people: PersonFields[]) => {
    fresh.splice(0, fresh.length, ...people);
    renderFresh();
  };
  return { el, chosen: () => [...selected], newPeople: () => [...fresh], restoreNew, takeTyped };
}
