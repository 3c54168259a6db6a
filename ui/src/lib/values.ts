/** Turns stored values (field changes, codes) into plain text for people. Never markup. */

import type { Reference } from "../bindings/Reference";
import { formatSpan } from "./time";

/** Human names of incident and person fields. */
export const FIELD_LABELS: Record<string, string> = {
  occurred: "When it happened",
  kind: "Kind",
  channel: "How it happened",
  location: "Where",
  platform: "Platform",
  url: "Link (URL)",
  account_handle: "Account handle",
  post_time_shown: "Time shown on the post",
  time_words: "When, in your own words",
  summary: "Summary",
  description: "What was said or done",
  impact: "Impact on you",
  witnesses: "Witnesses",
  red_flags: "Police red flags",
  offences: "Possible offences",
  name: "Name",
  aliases: "Aliases",
  handles: "Handles",
  anonymous: "Anonymous",
  vehicle: "Vehicle",
  notes: "Notes",
  attribution_basis: "Why you think it is them",
};

/** The label of any code in the reference data, or the code itself. */
export function codeLabel(ref: Reference, code: string): string {
  const c = [...ref.kinds, ...ref.channels, ...ref.red_flags].find((x) => x.code === code);
  if (c) return c.label;
  const o = ref.offences.find((x) => x.code === code);
  return o ? `${o.label} (${o.act} ${o.section})` : code;
}

/** A stored value as text: codes become labels, times are formatted, empty says so. */
export function valueText(ref: Reference, field: string, v: unknown): string {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return "(empty)";
  if (field === "occurred" && typeof v === "object" && v && "start" in v) {
    const o = v as { start: string; end?: string | null; approximate?: boolean };
    return formatSpan(o.start, o.end ?? null, Boolean(o.approximate));
  }
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? codeLabel(ref, x) : JSON.stringify(x))).join("; ");
  if (typeof v === "string") return field === "kind" || field === "channel" ? codeLabel(ref, v) : v;
  if (typeof v === "boolean") return v ? "Yes" : "No";
  return JSON.stringify(v);
}
