/**
 * Dates and times: incidents are stored as RFC 3339 with their UTC offset and shown in the person's
 * zone (Europe/London by default). All conversions between wall time in a zone and instants live here.
 */

/** The zone times are shown and entered in. */
export const DEFAULT_ZONE = "Europe/London";

function pad(n: number, w = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(w, "0");
}

/** Wall-clock fields of `instant` in `zone`. */
export function wallParts(instant: Date, zone: string = DEFAULT_ZONE) {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const get = (t: string) => Number(f.formatToParts(instant).find((p) => p.type === t)?.value ?? "0");
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

/** Offset of `zone` from UTC at `instant`, in minutes (e.g. 60 for BST). */
export function zoneOffsetMinutes(instant: Date, zone: string = DEFAULT_ZONE): number {
  const p = wallParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60000);
}

/** Formats an instant as RFC 3339 with the zone's offset, seconds precision: `2026-11-20T21:30:00+00:00`. */
export function toRfc3339(instant: Date, zone: string = DEFAULT_ZONE): string {
  const off = zoneOffsetMinutes(instant, zone);
  const p = wallParts(instant, zone);
  const sign = off < 0 ? "-" : "+";
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/**
 * The instant at which the wall clock in `zone` reads `wall` (`YYYY-MM-DDTHH:MM[:SS]`, as a
 * datetime-local input gives). In a clock-change gap the later offset is used; in an overlap the earlier.
 */
export function wallToInstant(wall: string, zone: string = DEFAULT_ZONE): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi, s || 0);
  // Two passes: the offset at the guess, then at the corrected instant.
  let t = guess - zoneOffsetMinutes(new Date(guess), zone) * 60000;
  t = guess - zoneOffsetMinutes(new Date(t), zone) * 60000;
  return new Date(t);
}

/** Wall time `YYYY-MM-DDTHH:MM` of an instant in `zone`, as a datetime-local input wants it. */
export function toWallInput(instant: Date, zone: string = DEFAULT_ZONE): string {
  const p = wallParts(instant, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** `YYYY-MM-DD` of an instant in `zone`. */
export function toDateInput(instant: Date, zone: string = DEFAULT_ZONE): string {
  return toWallInput(instant, zone).slice(0, 10);
}

/** How the person said when it happened. */
export type WhenMode = "now" | "earlier_today" | "picked";

/** The "when" part of the log form. */
export interface WhenInput {
  mode: WhenMode;
  /** `HH:MM` for "earlier today". */
  timeToday?: string;
  /** `YYYY-MM-DDTHH:MM` for a picked date and time. */
  picked?: string;
  /** Optional end, `YYYY-MM-DDTHH:MM`. */
  end?: string;
  approximate: boolean;
}

/** The stored shape (matches the core's `Occurred`). */
export interface OccurredValue {
  start: string;
  end: string | null;
  approximate: boolean;
}

/** Turns the "when" inputs into the stored value, or an error in plain words. */
export function resolveWhen(
  w: WhenInput,
  now: Date = new Date(),
  zone: string = DEFAULT_ZONE,
): OccurredValue | { error: string } {
  let start: Date | null;
  if (w.mode === "now") {
    start = now;
  } else if (w.mode === "earlier_today") {
    if (!w.timeToday || !/^\d{2}:\d{2}$/.test(w.timeToday))
      return { error: "Say roughly what time today it happened." };
    start = wallToInstant(`${toDateInput(now, zone)}T${w.timeToday}`, zone);
    if (start && start.getTime() > now.getTime())
      return { error: "That time today has not happened yet. Choose an earlier time, or pick a date." };
  } else {
    if (!w.picked) return { error: "Choose the date and time it happened." };
    start = wallToInstant(w.picked, zone);
  }
  if (!start) return { error: "The date or time could not be understood." };
  if (start.getTime() > now.getTime() + 5 * 60000) return { error: "That is in the future. Check the date and time." };
  let end: string | null = null;
  if (w.end) {
    const e = wallToInstant(w.end, zone);
    if (!e) return { error: "The end time could not be understood." };
    if (e.getTime() < start.getTime()) return { error: "The end is before the start." };
    end = toRfc3339(e, zone);
  }
  return { start: toRfc3339(start, zone), end, approximate: w.approximate };
}

/** Parses an RFC 3339 string. */
export function parseRfc3339(s: string | null | undefined): Date | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Shows an RFC 3339 time in the zone, e.g. "Fri 20 Nov 2026, 21:30"; "about" when approximate. */
export function formatWhen(s: string | null | undefined, approximate = false, zone: string = DEFAULT_ZONE): string {
  const d = parseRfc3339(s);
  if (!d) return "Time not given";
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
  return approximate ? `About ${text}` : text;
}

/** Shows only the date, e.g. "20 Nov 2026". */
export function formatDate(s: string | null | undefined, zone: string = DEFAULT_ZONE): string {
  const d = parseRfc3339(s);
  if (!d) return "—";
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short", year: "numeric" }).format(
    d,
  );
}

/** Whether a time is a date alone, as the core stores a day (approximate, 12:00 UK wall clock, no end):
 * crates/core/src/incident.rs, `Occurred::date_only`. */
export function isDateOnly(
  o: { start: string; end?: string | null; approximate: boolean } | null | undefined,
  zone: string = DEFAULT_ZONE,
): boolean {
  if (!o || !o.approximate || o.end) return false;
  const d = parseRfc3339(o.start);
  if (!d) return false;
  const p = wallParts(d, zone);
  return p.hour === 12 && p.minute === 0 && p.second === 0;
}

/** When an incident happened, as the pack says it: a date alone reads "…, time not recorded", never 12:00. */
export function formatOccurred(
  o: { start: string; end?: string | null; approximate: boolean } | null | undefined,
  zone: string = DEFAULT_ZONE,
): string {
  if (!o) return "Time not given";
  if (isDateOnly(o, zone)) {
    const d = parseRfc3339(o.start);
    const day = d
      ? new Intl.DateTimeFormat("en-GB", {
          timeZone: zone,
          weekday: "short",
          day: "numeric",
          month: "short",
          year: "numeric",
        }).format(d)
      : o.start;
    return `${day.replace(",", "")}, time not recorded`;
  }
  return formatSpan(o.start, o.end, o.approximate, zone);
}

/** Shows a span "start – end" where an end is given. */
export function formatSpan(
  start: string | null | undefined,
  end: string | null | undefined,
  approximate: boolean,
  zone: string = DEFAULT_ZONE,
): string {
  const a = formatWhen(start, approximate, zone);
  return end ? `${a} – ${formatWhen(end, false, zone)}` : a;
}

/** The wall-clock time of an instant in the zone, 24-hour: "09:30". */
export function ukTime(instant: Date, zone: string = DEFAULT_ZONE): string {
  const p = wallParts(instant, zone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** A calendar day typed in UK order. */
export interface UkDay {
  year: number;
  month: number;
  day: number;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * Reads a day, month and year typed in separate boxes, UK order whatever the system's locale: "5", "11" (or
 * "Nov", "November"), "2026" (or "26"). Null when all three are empty; otherwise the day or a problem in words.
 */
export function parseUkDay(day: string, month: string, year: string): UkDay | null | { error: string } {
  const [d, m, y] = [day.trim(), month.trim().toLowerCase(), year.trim()];
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d)) return { error: "Give the day as a number, for example 5." };
  let mo = /^\d{1,2}$/.test(m) ? Number(m) : m.length >= 3 ? MONTHS.findIndex((n) => n.startsWith(m)) + 1 : 0;
  if (mo < 1 || mo > 12) return { error: "Give the month as a number from 1 to 12, or its name." };
  let yr = Number(y);
  if (/^\d{2}$/.test(y)) yr = 2000 + yr;
  else if (!/^\d{4}$/.test(y)) return { error: "Give the year in full, for example 2026." };
  const dd = Number(d);
  const probe = new Date(Date.UTC(yr, mo - 1, dd));
  if (dd < 1 || probe.getUTCMonth() !== mo - 1) return { error: `There is no day ${dd} in ${MONTHS[mo - 1]} ${yr}.` };
  mo = probe.getUTCMonth() + 1;
  return { year: yr, month: mo, day: dd };
}

/** Reads a 24-hour time: "09:30", "9:30", "9.30", "0930", "21". Null when empty. */
export function parseTime24(s: string): { hour: number; minute: number } | null | { error: string } {
  const t = s.trim();
  if (!t) return null;
  const m = /^(\d{1,2})(?:[:.h ]?(\d{2}))?$/.exec(t);
  if (!m) return { error: "Give the time on the 24-hour clock, for example 09:30 or 21:15." };
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (hour > 23 || minute > 59) return { error: "Give the time on the 24-hour clock, for example 09:30 or 21:15." };
  return { hour, minute };
}

/** `YYYY-MM-DDTHH:MM` wall time for a day and a time. */
export function wallOf(d: UkDay, t: { hour: number; minute: number }): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(t.hour)}:${pad(t.minute)}`;
}

/** The read-back of a moment in the zone: "Thursday 5 November 2026, 09:30" (without the time when `dateOnly`). */
export function readBack(instant: Date, dateOnly = false, zone: string = DEFAULT_ZONE): string {
  const day = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(instant);
  const plain = day.replace(/,/g, "");
  return dateOnly ? plain : `${plain}, ${ukTime(instant, zone)}`;
}
