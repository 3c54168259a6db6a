/**
 * The typed IPC layer: the only module that calls Tauri's `invoke`. Every command of the shell has one
 * function here; argument and result types come from the Rust types (ts-rs, `./bindings`).
 * Errors are always thrown as {@link AppError} with a stable `code`, a `message` and an optional `hint`.
 */

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AnchorAttempt } from "./bindings/AnchorAttempt";
import type { AnchorStatus } from "./bindings/AnchorStatus";
import type { AttachmentView } from "./bindings/AttachmentView";
import type { PortalSummary } from "./bindings/PortalSummary";
import type { Created } from "./bindings/Created";
import type { Draft } from "./bindings/Draft";
import type { DraftSlot } from "./bindings/DraftSlot";
import type { FieldChange } from "./bindings/FieldChange";
import type { IncidentDetail } from "./bindings/IncidentDetail";
import type { IncidentFields } from "./bindings/IncidentFields";
import type { IncidentFilter } from "./bindings/IncidentFilter";
import type { IncidentSummary } from "./bindings/IncidentSummary";
import type { IntegrityView } from "./bindings/IntegrityView";
import type { IpcError } from "./bindings/IpcError";
import type { PackRequest } from "./bindings/PackRequest";
import type { PackSelection } from "./bindings/PackSelection";
import type { PackSelectionSummary } from "./bindings/PackSelectionSummary";
import type { PackSummary } from "./bindings/PackSummary";
import type { PersonDetail } from "./bindings/PersonDetail";
import type { PersonFields } from "./bindings/PersonFields";
import type { PersonSummary } from "./bindings/PersonSummary";
import type { Reference } from "./bindings/Reference";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { ReportFields } from "./bindings/ReportFields";
import type { TsaSetting } from "./bindings/TsaSetting";
import type { VaultStatus } from "./bindings/VaultStatus";
import type { SavedRecoveryKey } from "./bindings/SavedRecoveryKey";
import type { VerifyProgress } from "./bindings/VerifyProgress";
import type { ColumnMap } from "./bindings/ColumnMap";
import type { DiaryPreview } from "./bindings/DiaryPreview";
import type { DiaryRead } from "./bindings/DiaryRead";
import type { FolderIncident } from "./bindings/FolderIncident";
import type { Grouping } from "./bindings/Grouping";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { MessageExport } from "./bindings/MessageExport";
import type { MessageMode } from "./bindings/MessageMode";
import type { Platform } from "./bindings/Platform";
import type { Proposal } from "./bindings/Proposal";
import type { Scan } from "./bindings/Scan";
import type { ScannedFile } from "./bindings/ScannedFile";
import { isErrorKind } from "./lib/enums";

/** An error from the shell or the core, with a code programs can test and words people can read. */
export class AppError extends Error {
  /** Stable code, e.g. `wrong_key`, `not_found`, `invalid_input`. */
  readonly code: ErrorKind;
  /** What the person could do next, if anything. */
  readonly hint: string | null;
  constructor(e: IpcError) {
    super(e.message);
    this.name = "AppError";
    this.code = e.code;
    this.hint = e.hint ?? null;
  }
}

/** Turns anything `invoke` may reject with into an {@link AppError}, never a raw dump. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as { code: unknown; message: unknown; hint?: unknown };
    return new AppError({
      code: isErrorKind(o.code) ? o.code : "internal",
      message: String(o.message),
      hint: typeof o.hint === "string" ? o.hint : null,
    });
  }
  return new AppError({
    code: "internal",
    message: "Something went wrong inside Evident. Nothing you entered has been lost.",
    hint: typeof e === "string" && e.length < 300 ? `Details: ${e}` : null,
  });
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// ---- vault ----

/** Whether a vault exists, is remembered on this device, is unlocked; its integrity at unlock. */
export const vaultStatus = () => call<VaultStatus>("vault_status");
/** Creates a new vault; returns the recovery key (show it once). */
export const vaultCreate = (passphrase: string) => call<Created>("vault_create", { passphrase });
/** Unlocks with the passphrase; `remember` keeps the key in this device's keychain. */
export const vaultUnlock = (passphrase: string, remember: boolean) =>
  call<VaultStatus>("vault_unlock", { passphrase, remember });
/** Unlocks with the key remembered in this device's keychain. */
export const vaultUnlockRemembered = () => call<VaultStatus>("vault_unlock_remembered");
/** Unlocks with the recovery key and sets a new passphrase. */
export const vaultRecover = (recoveryKey: string, newPassphrase: string) =>
  call<VaultStatus>("vault_recover", { recoveryKey, newPassphrase });
/** Locks: the shell drops the open vault and every decrypted thing it holds. */
export const vaultLock = () => call<void>("vault_lock");
/** Stops remembering the key on this device. */
export const vaultForgetDevice = () => call<void>("vault_forget_device");
/**
 * Changes the passphrase (vault unlocked) once `current`, the current passphrase or the recovery key, is checked:
 * `wrong_key` otherwise.
 */
export const vaultChangePassphrase = (current: string, passphrase: string) =>
  call<void>("vault_change_passphrase", { current, passphrase });
/**
 * "Someone may know my passphrase or recovery key": once `current` is checked, re-encrypts the vault under new
 * keys with the new passphrase; returns the new recovery key (show it once) and the status.
 */
export const vaultRekey = (current: string, passphrase: string) =>
  call<Created>("vault_rekey", { current, passphrase });
/**
 * Replaces the recovery key only, once `current` (the current passphrase or recovery key) is checked: the old
 * recovery key stops working; the passphrase stays. Returns the new recovery key (show it once) and the status.
 */
export const vaultNewRecoveryKey = (current: string) => call<Created>("vault_new_recovery_key", { current });
/** Acknowledges the integrity problem noticed at an earlier unlock, with a reason (required); clears the mark. */
export const vaultAcknowledgeIntegrity = (reason: string) =>
  call<VaultStatus>("vault_acknowledge_integrity", { reason });
/**
 * Saves the recovery key to a file the person chooses in the native dialog (readable by them only); null when
 * cancelled. `warning` is set when the file is on the vault's disk or in the home folder.
 */
export const vaultSaveRecoveryKey = (recoveryKey: string) =>
  call<SavedRecoveryKey | null>("vault_save_recovery_key", { recoveryKey });
/** Kinds, channels, red flags, offences. */
export const referenceData = () => call<Reference>("reference_data");

// ---- incidents ----

/** Records a new incident with people linked as subjects; returns its id. */
export const incidentRecord = (fields: IncidentFields, people: number[]) =>
  call<number>("incident_record", { fields, people });
/** Amends an incident with a reason; returns the changes (empty when nothing changed). */
export const incidentAmend = (id: number, reason: string, fields: IncidentFields) =>
  call<FieldChange[]>("incident_amend", { id, reason, fields });
/** Everything about one incident. */
export const incidentGet = (id: number) => call<IncidentDetail>("incident_get", { id });
/** The timeline, newest first. */
export const incidentList = (filter: IncidentFilter) => call<IncidentSummary[]>("incident_list", { filter });
/** Number of incidents in the vault. */
export const incidentCount = () => call<number>("incident_count");

// ---- people ----

/** Records a person; returns their id. */
export const personRecord = (fields: PersonFields) => call<number>("person_record", { fields });
/** Amends a person with a reason. */
export const personAmend = (id: number, reason: string, fields: PersonFields) =>
  call<FieldChange[]>("person_amend", { id, reason, fields });
/** Every person with counts and first/last dates. */
export const personList = () => call<PersonSummary[]>("person_list");
/** One person with all their incidents. */
export const personGet = (id: number) => call<PersonDetail>("person_get", { id });
/** Links a person to an incident as `subject` or `witness`. */
export const personLink = (incidentId: number, personId: number, role: "subject" | "witness") =>
  call<void>("person_link", { incidentId, personId, role });
/** Unlinks a person from an incident, with a reason (kept in the history). */
export const personUnlink = (incidentId: number, personId: number, role: string, reason: string) =>
  call<void>("person_unlink", { incidentId, personId, role, reason });

// ---- attachments ----

/** Opens the native multi-select file dialog; returns the chosen paths (empty when cancelled). */
export const pickFiles = () => call<string[]>("dialog_pick_files");
/** Attaches files by path (from a native drag and drop). */
export const attachmentAddPaths = (incidentId: number, paths: string[]) =>
  call<AttachmentView[]>("attachment_add_paths", { incidentId, paths });

/** Attaches bytes held in memory (pasted image, HTML drop) as the raw IPC body; the name goes in a header. */
export function attachmentAddBytes(
  incidentId: number,
  fileName: string,
  bytes: Uint8Array,
  modified?: Date,
): Promise<AttachmentView> {
  const headers: Record<string, string> = {
    "x-incident-id": String(incidentId),
    "x-file-name": encodeURIComponent(fileName),
  };
  if (modified && !Number.isNaN(modified.getTime())) headers["x-file-modified"] = modified.toISOString();
  return (async () => {
    try {
      return await invoke<AttachmentView>("attachment_add_bytes", bytes, { headers });
    } catch (e) {
      throw toAppError(e);
    }
  })();
}

/** The preview image bytes (JPEG) of an attachment, or null when it has none. Comes from memory. */
export async function attachmentPreview(id: number): Promise<Uint8Array | null> {
  const buf = await call<ArrayBuffer | number[]>("attachment_preview", { id });
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf);
  return bytes.byteLength === 0 ? null : bytes;
}
/** Withdraws an attachment: its bytes are purged, the hash and reason stay in the record. */
export const attachmentWithdraw = (id: number, reason: string) => call<void>("attachment_withdraw", { id, reason });
/** Records how an attachment was captured and on which device (the person's words; "" for not said). */
export const attachmentDescribe = (id: number, captureMethod: string, device: string) =>
  call<AttachmentView>("attachment_describe", { id, captureMethod, device });

// ---- reports ----

/** Logs a report made to the platform, council, police, party or other. */
export const reportLog = (incidentId: number, fields: ReportFields) =>
  call<number>("report_log", { incidentId, fields });

// ---- drafts ----

/** Keeps a form's unsaved state (a JSON object) inside the encrypted vault, replacing the one before. */
export const draftSave = (slot: DraftSlot, body: string) => call<Draft>("draft_save", { slot, body });
/** The unsaved draft of a form, or null. */
export const draftGet = (slot: DraftSlot) => call<Draft | null>("draft_get", { slot });
/** Removes a form's draft (saved, or discarded by the person); whether there was one. */
export const draftDiscard = (slot: DraftSlot) => call<boolean>("draft_discard", { slot });

// ---- integrity, backup ----

/** Runs the full integrity check, calling `onProgress` as it goes. */
export function verifyRun(onProgress: (p: VerifyProgress) => void): Promise<IntegrityView> {
  const ch = new Channel<VerifyProgress>();
  ch.onmessage = onProgress;
  return call<IntegrityView>("verify_run", { onProgress: ch });
}
/** Saves an encrypted backup to a file chosen in the native dialog; returns its path, null when cancelled. */
export const backupSave = () => call<string | null>("backup_save");
/**
 * Restores a backup chosen in the native open dialog, unlocking it with the passphrase or the recovery
 * key. Returns the new status, or null when cancelled.
 */
export const backupRestore = (secret: string, isRecoveryKey: boolean) =>
  call<VaultStatus | null>("backup_restore", { secret, isRecoveryKey });

// ---- evidence packs ----

/** How many incidents and exhibits a selection would put in a pack (nothing is written). */
export const packPreview = (selection: PackSelection) => call<PackSelectionSummary>("pack_preview", { selection });
/** Exports a pack to a ZIP chosen in the native save dialog; returns what was made, null when cancelled. */
export const packExport = (request: PackRequest) => call<PackSummary | null>("pack_export", { request });
/** Exports for a police upload portal into a new folder named in the save dialog: at most 16 files. */
export const packExportPortal = (request: PackRequest) => call<PortalSummary | null>("pack_export_portal", { request });

// ---- trusted time ----

/** Where the record stands with trusted time: last time-stamp, entries not time-stamped yet, services, on/off. */
export const anchorStatus = () => call<AnchorStatus>("anchor_status");
/** Asks every service now for a time-stamp of the record (only its fingerprint is sent); each one's outcome. */
export const anchorNow = () => call<AnchorAttempt[]>("anchor_now");
/** The time-stamping services. */
export const tsaList = () => call<TsaSetting[]>("tsa_list");
/** Adds a service: its address, and its CA certificate chosen in the native dialog; null when cancelled. */
export const tsaAdd = (url: string) => call<TsaSetting | null>("tsa_add", { url });
/** Removes a service by address. */
export const tsaRemove = (url: string) => call<void>("tsa_remove", { url });
/** Turns time-stamping over the network on or off; the new status. */
export const anchoringSet = (on: boolean) => call<AnchorStatus>("anchoring_set", { on });
/** The record fingerprint: entry number, hash and six words, to send by email or text. */
export const recordFingerprint = () => call<string>("record_fingerprint");
/** Calls `onChange` after every time-stamp attempt the shell makes (in the background, at lock, on request). */
export const onAnchorChanged = (onChange: () => void): Promise<UnlistenFn> =>
  listen("anchor-changed", () => onChange());

// ---- import (issue 13): screenshots, an old diary, message exports ----

/** Opens the native folder dialog; the folder chosen, or null. */
export const importPickFolder = () => call<string | null>("import_pick_folder");
/** Opens the native file dialog for a diary or an export; the file chosen, or null. */
export const importPickFile = () => call<string | null>("import_pick_file");
/** Asks the running folder read or import to stop: nothing is recorded. */
export const importCancel = () => call<void>("import_cancel");
/** Reads folders and files (hash, type, capture and file times), reporting progress; refused files listed. */
export function importScan(paths: string[], onProgress: (p: ImportProgress) => void): Promise<Scan> {
  const ch = new Channel<ImportProgress>();
  ch.onmessage = onProgress;
  return call<Scan>("import_scan", { paths, onProgress: ch });
}
/** Groups scanned files into proposed incidents. */
export const importPropose = (files: ScannedFile[], grouping: Grouping) =>
  call<Proposal[]>("import_propose", { files, grouping });
/** Merges proposal `b` into proposal `a`. */
export const importMerge = (files: ScannedFile[], proposals: Proposal[], a: number, b: number) =>
  call<Proposal[]>("import_merge", { files, proposals, a, b });
/** Splits proposal `p` before its `at`th file. */
export const importSplit = (files: ScannedFile[], proposals: Proposal[], p: number, at: number) =>
  call<Proposal[]>("import_split", { files, proposals, p, at });
/** Records the confirmed incidents and their files in one transaction (all or nothing). */
export function importFolderRecord(
  incidents: FolderIncident[],
  onProgress: (p: ImportProgress) => void,
): Promise<ImportReport> {
  const ch = new Channel<ImportProgress>();
  ch.onmessage = onProgress;
  return call<ImportReport>("import_folder_record", { incidents, onProgress: ch });
}
/** Reads a diary's first sheet and guesses its column mapping. */
export const importDiaryRead = (path: string) => call<DiaryRead>("import_diary_read", { path });
/** How each row becomes an incident under a mapping; rows that do not parse. */
export const importDiaryPreview = (path: string, map: ColumnMap) =>
  call<DiaryPreview>("import_diary_preview", { path, map });
/** Records a diary's rows and keeps the file as an "imported diary" record. */
export const importDiaryRecord = (path: string, map: ColumnMap) =>
  call<ImportReport>("import_diary_record", { path, map });
/** Reads a message export. */
export const importMessagesRead = (path: string, platform: Platform) =>
  call<MessageExport>("import_messages_read", { path, platform });
/** Records the chosen messages (by index) and keeps the export whole. */
export const importMessagesRecord = (path: string, platform: Platform, chosen: number[], mode: MessageMode) =>
  call<ImportReport>("import_messages_record", { path, platform, chosen, mode });
