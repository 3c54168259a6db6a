/**
 * Words for the enums that cross IPC (generated from Rust by ts-rs). Each table is a `Record` over the whole
 * union, so adding a variant in Rust fails the type check here until the UI says what it means.
 */
import type { CheckStatus } from "../bindings/CheckStatus";
import type { ErrorKind } from "../bindings/ErrorKind";
import type { FailureCode } from "../bindings/FailureCode";
import type { ReportTarget } from "../bindings/ReportTarget";
import type { Role } from "../bindings/Role";

/** Fails the type check when a `switch` misses a case. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}

const ERROR_KINDS: Record<ErrorKind, true> = {
  wrong_key: true,
  vault_not_found: true,
  vault_exists: true,
  integrity: true,
  not_found: true,
  invalid_input: true,
  file_unreadable: true,
  write_failed: true,
  keychain_unavailable: true,
  not_remembered: true,
  unsupported_version: true,
  pack_invalid: true,
  internal: true,
  locked: true,
  cancelled: true,
  dialog_failed: true,
  not_allowed: true,
};

/** Whether a value received from the shell is a known error code. */
export function isErrorKind(x: unknown): x is ErrorKind {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(ERROR_KINDS, x);
}

/** Who a report was made to, as the form lists them. */
export const REPORT_TARGETS: Record<ReportTarget, string> = {
  platform: "The platform",
  council: "The council",
  police: "The police",
  party: "The party",
  other: "Someone else",
};

/** Whether a form value is a report target. */
export function isReportTarget(x: string): x is ReportTarget {
  return Object.prototype.hasOwnProperty.call(REPORT_TARGETS, x);
}

/** How a person's link to an incident reads after their name. */
export function roleWords(r: Role): string {
  switch (r) {
    case "subject":
      return "involved";
    case "witness":
      return "witness";
    default:
      return assertNever(r);
  }
}

/** Whether a check's outcome is good (true), unknown (null) or bad (false). */
export function statusOk(s: CheckStatus): boolean | null {
  switch (s) {
    case "ok":
      return true;
    case "warning":
      return null;
    case "failed":
      return false;
    default:
      return assertNever(s);
  }
}

/** What each failure of a check means, in a few plain words (the message says exactly where). */
export const FAILURE_WORDS: Record<FailureCode, string> = {
  format: "Unknown format",
  seq_gap: "Entries missing",
  body_hash_mismatch: "An entry was changed",
  entry_hash_mismatch: "The chain is broken",
  payload_invalid: "An entry is malformed",
  head_mismatch: "The record was cut or rolled back",
  page_corrupt: "The encrypted file is damaged",
  attachment_mismatch: "A file was changed",
  attachment_missing: "A file is missing",
  state_mismatch: "Records changed outside Evident",
  unsafe_entry: "Unsafe file in the pack",
  duplicate_entry: "A file appears twice",
  file_missing: "A file is missing from the pack",
  file_unreadable: "A file cannot be read",
  file_changed: "A file was changed",
  file_unlisted: "A file was added",
  exhibit_unbound: "An exhibit is not in the chain",
  anchor_invalid: "A time-stamp does not verify",
  anchor_mismatch: "A time-stamp is for another record",
  anchor_time_order: "Time-stamps go backwards",
  data_mismatch: "The pack's records differ from its chain",
  signature_invalid: "The pack's signature does not verify",
  signing_key_mismatch: "The pack was signed with another key",
  head_not_extended: "The pack does not extend the head you noted",
  prior_pack_mismatch: "The pack does not extend the earlier pack",
  opening_mismatch: "A recorded value was changed",
  prev_link_mismatch: "An entry's link to the one before it is wrong",
  incomplete: "Something about an included record was left out",
  manifest_invalid: "The pack's manifest is wrong",
};
