/** Builds the timeline's filter (the core's `IncidentFilter`) from what the person chose on screen. */

import type { IncidentFilter } from "../bindings/IncidentFilter";

/** What the filter bar holds (strings straight from the controls). */
export interface FilterForm {
  text: string;
  from: string;
  to: string;
  personId: string;
  kind: string;
  channel: string;
  /** "", "yes" or "no". */
  reported: string;
}

/** An empty filter form. */
export function emptyFilterForm(): FilterForm {
  return { text: "", from: "", to: "", personId: "", kind: "", channel: "", reported: "" };
}

/** Rows per page of the timeline. */
export const PAGE_SIZE = 100;

/**
 * The filter to send: blanks become null, dates stay `YYYY-MM-DD` (the core treats `to` as inclusive),
 * and from/to are swapped when given the wrong way round. Asks for one row more than a page to know
 * whether there is a next page.
 */
export function buildFilter(f: FilterForm, page = 0, pageSize = PAGE_SIZE): IncidentFilter {
  const blank = (s: string) => (s.trim() === "" ? null : s.trim());
  let from = blank(f.from);
  let to = blank(f.to);
  if (from && to && from > to) [from, to] = [to, from];
  const pid = Number.parseInt(f.personId, 10);
  return {
    text: blank(f.text),
    from,
    to,
    person_id: Number.isFinite(pid) && pid > 0 ? pid : null,
    kind: blank(f.kind),
    channel: blank(f.channel),
    reported: f.reported === "yes" ? true : f.reported === "no" ? false : null,
    limit: pageSize + 1,
    offset: Math.max(0, page) * pageSize,
  };
}

/** Whether any filter is set (to offer "Clear filters" and to word an empty result). */
export function isFiltered(f: FilterForm): boolean {
  return Object.values(f).some((v) => v.trim() !== "");
}

/** "Showing 101–200" style range text for a page with `count` rows. */
export function pageRange(page: number, count: number, pageSize = PAGE_SIZE): string {
  if (count === 0) return "No incidents";
  const first = page * pageSize + 1;
  return `Showing ${first}–${first + count - 1}`;
}
