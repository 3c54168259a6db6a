/** The Export screen's logic: what the form holds, the request it becomes, the initials and the summary words. */

import type { PackRequest } from "../bindings/PackRequest";
import type { PackSelection } from "../bindings/PackSelection";
import type { Redaction } from "../bindings/Redaction";
import { plural } from "./format";

/** How the incidents are chosen. */
export type SelectionMode = "all" | "dates" | "person" | "kinds" | "chosen";

/** What the Export form holds (strings straight from the controls). */
export interface PackForm {
  mode: SelectionMode;
  from: string;
  to: string;
  personId: string;
  kinds: string[];
  /** Hand-picked incident ids. */
  chosen: number[];
  recipientName: string;
  recipientOrg: string;
  crimeRef: string;
  authorName: string;
  authorContact: string;
  initials: string;
  /** Values left out of this pack (shown in it as "redacted by the diarist"). */
  redactions: Redaction[];
}

/** The incident fields a pack can leave out, as the form names them. */
export const REDACTABLE_FIELDS: readonly (readonly [string, string])[] = [
  ["location", "Where it happened"],
  ["summary", "Summary"],
  ["description", "What was said or done"],
  ["impact", "How it affected you"],
  ["witnesses", "Witnesses"],
  ["platform", "Platform"],
  ["url", "Web address"],
  ["account_handle", "Account or handle"],
  ["post_time_shown", "Time shown on the post"],
];

/** One redaction in plain words: "Incident 3: Where it happened (every value)". */
export function describeRedaction(r: Redaction): string {
  const label = REDACTABLE_FIELDS.find(([f]) => f === r.field)?.[1] ?? r.field;
  const noun = r.subject === "incident" ? "Incident" : "Person";
  return `${noun} ${r.id}: ${label} (${r.earlier_only ? "only what it said before an amendment" : "every value"})`;
}

/** An empty form: all incidents, nobody named yet. */
export function emptyPackForm(): PackForm {
  return {
    mode: "all",
    from: "",
    to: "",
    personId: "",
    kinds: [],
    chosen: [],
    recipientName: "",
    recipientOrg: "",
    crimeRef: "",
    authorName: "",
    authorContact: "",
    initials: "",
    redactions: [],
  };
}

/** First ASCII letter or digit of a word, accents taken off ("Élise" → "E"), upper case; "" when none. */
function initialOf(word: string): string {
  const plain = word.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return (plain.match(/[A-Za-z0-9]/)?.[0] ?? "").toUpperCase();
}

/**
 * Exhibit-reference initials from a name: first letters of the first and last words ("Alex Brown" → "AB",
 * "Mary Jane van Dyke" → "MD", "Cher" → "C"); "EX" when the name gives none. Always 1 to 4 ASCII letters or
 * digits, as the pack requires.
 */
export function defaultInitials(name: string): string {
  const words = name
    .split(/\s+/)
    .map(initialOf)
    .filter((c) => c !== "");
  if (words.length === 0) return "EX";
  if (words.length === 1) return words[0];
  return words[0] + words[words.length - 1];
}

/** Whether initials are acceptable: 1 to 4 letters or digits. */
export function validInitials(s: string): boolean {
  return /^[A-Za-z0-9]{1,4}$/.test(s.trim());
}

/** The selection to send, or null when the chosen way has nothing filled in yet. */
export function buildSelection(f: PackForm): PackSelection | null {
  const none: PackSelection = { all: false, from: null, to: null, person_id: null, kinds: [], incident_ids: [] };
  switch (f.mode) {
    case "all":
      return { ...none, all: true };
    case "dates": {
      let from = f.from.trim() || null;
      let to = f.to.trim() || null;
      if (!from && !to) return null;
      if (from && to && from > to) [from, to] = [to, from];
      return { ...none, from, to };
    }
    case "person": {
      const id = Number.parseInt(f.personId, 10);
      return Number.isFinite(id) && id > 0 ? { ...none, person_id: id } : null;
    }
    case "kinds":
      return f.kinds.length ? { ...none, kinds: [...f.kinds] } : null;
    case "chosen":
      return f.chosen.length ? { ...none, incident_ids: [...new Set(f.chosen)].sort((a, b) => a - b) } : null;
  }
}

/** What to ask for when the chosen way is not filled in yet. */
export function selectionPrompt(mode: SelectionMode): string {
  switch (mode) {
    case "all":
      return "";
    case "dates":
      return "Give a start date, an end date, or both.";
    case "person":
      return "Choose a person.";
    case "kinds":
      return "Tick at least one kind of incident.";
    case "chosen":
      return "Tick the incidents to include.";
  }
}

/** The live summary: "12 incidents and 7 exhibits will be included. Everything else stays private." */
export function summaryWords(incidents: number, exhibits: number): string {
  if (incidents === 0) return "No incidents match this choice, so there is nothing to export yet.";
  const ex = exhibits === 0 ? "no exhibits" : plural(exhibits, "exhibit");
  return `${plural(incidents, "incident")} and ${ex} will be included. Everything else stays private.`;
}

/** Problems to fix before exporting, in plain words (empty when ready). */
export function formProblems(f: PackForm): string[] {
  const out: string[] = [];
  if (!buildSelection(f)) out.push(selectionPrompt(f.mode));
  if (!f.recipientName.trim() && !f.recipientOrg.trim())
    out.push("Say who the pack is for: a name or an organisation.");
  if (!f.authorName.trim()) out.push("Give your name for the cover sheet.");
  if (f.initials.trim() && !validInitials(f.initials))
    out.push("Exhibit initials must be 1 to 4 letters or digits, like AB.");
  return out;
}

/** The request for the shell (null when the selection is not filled in). Blank initials come from the name. */
export function buildRequest(f: PackForm): PackRequest | null {
  const selection = buildSelection(f);
  if (!selection) return null;
  const initials = f.initials.trim() ? f.initials.trim().toUpperCase() : defaultInitials(f.authorName);
  return {
    selection,
    recipient: {
      name: f.recipientName.trim(),
      organisation: f.recipientOrg.trim(),
      crime_reference: f.crimeRef.trim() || null,
    },
    author_name: f.authorName.trim(),
    author_contact: f.authorContact.trim(),
    initials,
    redactions: f.redactions,
  };
}

/** How the recipient checks the pack, in one sentence. */
export const CHECK_SENTENCE =
  "Whoever receives it can check that nothing has changed by unzipping it and opening verify.html in a web browser, or by running sha256sum -c SHA256SUMS in the unzipped folder.";
