/**
 * Trusted time in plain words: when the record was last time-stamped and by whom, how many entries are not
 * time-stamped yet, what that means, and the outcome of "Time-stamp now" for each service.
 */

import type { AnchorAttempt } from "../bindings/AnchorAttempt";
import type { AnchorQueue } from "../bindings/AnchorQueue";
import type { AnchorStatus } from "../bindings/AnchorStatus";
import type { TsaSetting } from "../bindings/TsaSetting";
import { plural } from "./format";
import { DEFAULT_ZONE, formatDate, formatWhen, parseRfc3339 } from "./time";

/** What an entry without a time-stamp rests on, said every time. */
export const CLOCK_ALONE = "Until an entry is time-stamped, its time rests on this computer's clock alone.";

/** What a time-stamp proves, and what it does not. */
export const WHAT_IT_PROVES =
  "A time-stamp is a signed statement from an independent time-stamping service that your record, as it stood, existed at that time. It shows the entries were not written later; it does not show that what they say is true.";

/** What is sent, and what never is. */
export const WHAT_IS_SENT =
  "Evident sends only a fingerprint of your record (the SHA-256 hash of its latest entry) to the services listed here, never what you wrote, your files or anyone's name. When this is off, nothing at all leaves this computer.";

/** The record fingerprint: what to do with it, in two sentences. */
export const FINGERPRINT_HELP =
  "If this computer never goes online, send this fingerprint by email or text to someone who keeps their messages, such as your council's single point of contact or a police officer. A later evidence pack shows the same entry number and hash, which proves your record existed by the time they received it.";

/** The host (and port) of an address, e.g. `timestamp.digicert.com`. */
export function hostOf(url: string): string {
  const rest = url.replace(/^[a-z]+:\/\//i, "");
  return rest.split("/")[0] || url;
}

/** The short name of the service at `url`: its name in the list, else its host. */
export function tsaLabel(url: string, tsas: ReadonlyArray<TsaSetting>): string {
  return tsas.find((t) => t.url === url)?.name || hostOf(url);
}

/** A time as "11:32 today" when it is today in the zone, else "Fri 20 Nov 2026, 11:32". */
export function stampTime(rfc3339: string, now: Date = new Date(), zone: string = DEFAULT_ZONE): string {
  const d = parseRfc3339(rfc3339);
  if (!d) return rfc3339;
  if (formatDate(rfc3339, zone) === formatDate(now.toISOString(), zone)) {
    const hm = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(d);
    return `${hm} today`;
  }
  return formatWhen(rfc3339, false, zone);
}

/** "Last time-stamped 11:32 today by DigiCert", or "Not time-stamped yet". */
export function lastStamped(s: AnchorStatus, now: Date = new Date(), zone: string = DEFAULT_ZONE): string {
  if (!s.last) return "Not time-stamped yet";
  return `Last time-stamped ${stampTime(s.last.gen_time, now, zone)} by ${tsaLabel(s.last.tsa_url, s.tsas)}`;
}

/** The name in the service's certificate, when it says more than its short name. */
export function certificateName(s: AnchorStatus): string | null {
  if (!s.last) return null;
  const name = s.last.tsa_name.trim();
  return name && name !== tsaLabel(s.last.tsa_url, s.tsas) ? name : null;
}

/** "Every entry is time-stamped", "1 entry not time-stamped yet", "3 entries not time-stamped yet". */
export function pending(n: number): string {
  if (n === 0) return "Every entry is time-stamped";
  return `${plural(n, "entry", "entries")} not time-stamped yet`;
}

/** The one line in the top bar: "Last time-stamped 11:32 today by DigiCert · 1 entry not time-stamped yet". */
export function summaryLine(s: AnchorStatus, now: Date = new Date(), zone: string = DEFAULT_ZONE): string {
  return `${lastStamped(s, now, zone)} · ${pending(s.unanchored)}`;
}

/** A failed attempt waiting for a retry, in words. */
export function queuedLine(q: AnchorQueue, now: Date = new Date(), zone: string = DEFAULT_ZONE): string {
  return `The last try, ${stampTime(q.last_try_at, now, zone)}, did not work. Evident will try again after ${stampTime(q.next_try_at, now, zone)}.`;
}

/** Whether network anchoring would do anything: on, with at least one service. */
export function offLine(s: AnchorStatus): string | null {
  if (!s.enabled) return "Time-stamping over the network is off, so nothing leaves this computer.";
  if (s.tsas.length === 0) return "No time-stamping service is listed, so nothing is sent.";
  return null;
}

/** One service's outcome of "Time-stamp now". */
export function attemptLine(a: AnchorAttempt, tsas: ReadonlyArray<TsaSetting>, now: Date = new Date()): string {
  const name = tsaLabel(a.tsa_url, tsas);
  if (a.anchor) return `${name}: time-stamped ${stampTime(a.anchor.gen_time, now)}.`;
  if (a.already) return `${name}: already time-stamped this record; nothing new to send.`;
  return `${name}: not time-stamped this time. ${sentenceOf(a.error ?? "No answer.")}`;
}

/** The outcome of "Time-stamp now" as a whole. */
export function attemptsHeadline(attempts: ReadonlyArray<AnchorAttempt>): string {
  if (attempts.some((a) => a.anchor)) return "Time-stamped.";
  if (attempts.some((a) => a.already)) return "Already time-stamped: nothing has changed since.";
  return "Not time-stamped this time. Nothing is lost: your entries are safe, and Evident will try again later.";
}

function sentenceOf(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const c = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(c) ? c : `${c}.`;
}
