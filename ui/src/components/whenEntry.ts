/**
 * Date and time entry in UK order that never depends on the system's locale (no native date boxes, which follow
 * LANG and would read 05/11 as 11 May under LANG=C): day, month and year boxes, a 24-hour time box, and a
 * read-back line in words ("Thursday 5 November 2026, 09:30") that updates as the person types.
 */

import { h, uid } from "../dom";
import { parseTime24, parseUkDay, readBack, wallOf, wallParts, wallToInstant } from "../lib/time";

/** What the boxes say: nothing, a moment (or a day alone when no time is given), or a problem. */
export type WhenValue = null | { instant: Date; dateOnly: boolean } | { error: string; focus: HTMLElement };

/** One date-and-time entry. */
export interface WhenEntry {
  el: HTMLElement;
  /** The day box (to focus). */
  first: HTMLInputElement;
  time: HTMLInputElement;
  read: () => WhenValue;
  /** Fills the boxes with `instant` in UK time; the time box is left empty when `withTime` is false. */
  set: (instant: Date | null, withTime?: boolean) => void;
  /** The boxes' text, to tell whether the person changed them. */
  raw: () => string;
}

function box(label: string, size: number, hint: string): HTMLInputElement {
  return h("input", {
    type: "text",
    inputmode: "numeric",
    autocomplete: "off",
    size: String(size),
    class: `date-part size-${size}`,
    "aria-label": label,
    placeholder: hint,
  });
}

/** Builds an entry labelled `legend`; `initial` fills it. */
export function whenEntry(legend: string, initial: Date | null, help?: string): WhenEntry {
  const day = box(`${legend}: day`, 2, "DD");
  const month = box(`${legend}: month`, 2, "MM");
  const year = box(`${legend}: year`, 4, "YYYY");
  const time = box(`${legend}: time, 24-hour`, 5, "HH:MM");
  const out = h("p", { class: "readback", "aria-live": "polite", id: uid("rb") });
  for (const b of [day, month, year, time]) b.setAttribute("aria-describedby", out.id);
  const read = (): WhenValue => {
    const d = parseUkDay(day.value, month.value, year.value);
    const t = parseTime24(time.value);
    if (d === null) {
      if (t === null) return null;
      return { error: "Give the day, month and year as well as the time.", focus: day };
    }
    if ("error" in d) return { error: d.error, focus: day.value.trim() ? (month.value.trim() ? year : month) : day };
    if (t !== null && "error" in t) return { error: t.error, focus: time };
    const instant = wallToInstant(wallOf(d, t ?? { hour: 12, minute: 0 }));
    if (!instant) return { error: "The date or time could not be understood.", focus: day };
    return { instant, dateOnly: t === null };
  };
  const update = () => {
    const v = read();
    out.classList.toggle("problem", Boolean(v && "error" in v));
    out.textContent = !v
      ? ""
      : "error" in v
        ? v.error
        : readBack(v.instant, v.dateOnly) + (v.dateOnly ? " (time not given)" : "");
  };
  for (const b of [day, month, year, time]) b.addEventListener("input", update);
  const set = (instant: Date | null, withTime = true) => {
    if (!instant) {
      day.value = month.value = year.value = time.value = "";
    } else {
      const p = wallParts(instant);
      day.value = String(p.day);
      month.value = String(p.month);
      year.value = String(p.year);
      time.value = withTime ? `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}` : "";
    }
    update();
  };
  set(initial);
  const sep = (s: string) => h("span", { class: "date-sep", "aria-hidden": "true" }, s);
  const el = h(
    "div",
    { class: "when-entry", role: "group", "aria-label": legend },
    h("p", { class: "when-label" }, legend),
    h(
      "div",
      { class: "date-parts" },
      h("label", { class: "part" }, h("span", { class: "part-name" }, "Day"), day),
      sep("/"),
      h("label", { class: "part" }, h("span", { class: "part-name" }, "Month"), month),
      sep("/"),
      h("label", { class: "part" }, h("span", { class: "part-name" }, "Year"), year),
      h("label", { class: "part time" }, h("span", { class: "part-name" }, "Time (24-hour)"), time),
    ),
    help ? h("p", { class: "help" }, help) : null,
    out,
  );
  const raw = () => [day.value, month.value, year.value, time.value].map((x) => x.trim()).join("|");
  return { el, first: day, time, read, set, raw };
}
