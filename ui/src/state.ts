/**
 * Session state held in memory while the vault is unlocked. `dropAll()` forgets every decrypted thing
 * (and revokes preview blob URLs) on lock, auto-lock or quick-hide-to-lock. Only settings that are not
 * incident data (idle minutes) are kept in localStorage.
 */

import type { IntegrityView } from "./bindings/IntegrityView";
import type { PersonSummary } from "./bindings/PersonSummary";
import type { Reference } from "./bindings/Reference";
import type { VaultStatus } from "./bindings/VaultStatus";
import { emptyFilterForm, type FilterForm } from "./lib/filter";

/** Where the person is in the app. */
export type Route =
  | { name: "log" }
  | { name: "timeline" }
  | { name: "incident"; id: number }
  | { name: "people" }
  | { name: "person"; id: number }
  | { name: "export" }
  | { name: "import" }
  | { name: "vault" };

/** The in-memory session. */
export const session = {
  status: null as VaultStatus | null,
  reference: null as Reference | null,
  integrity: null as IntegrityView | null,
  people: null as PersonSummary[] | null,
  filter: emptyFilterForm() as FilterForm,
  page: 0,
  route: { name: "timeline" } as Route,
};

const blobUrls = new Set<string>();

/** Makes a blob: URL for preview bytes and remembers it so lock can revoke it. */
export function blobUrl(bytes: Uint8Array, type: string): string {
  const copy = new Uint8Array(bytes);
  const url = URL.createObjectURL(new Blob([copy], { type }));
  blobUrls.add(url);
  return url;
}

/** Revokes every preview URL. */
export function revokeBlobs(): void {
  for (const u of blobUrls) URL.revokeObjectURL(u);
  blobUrls.clear();
}

/** Forgets everything decrypted. */
export function dropAll(): void {
  revokeBlobs();
  session.people = null;
  session.integrity = null;
  session.filter = emptyFilterForm();
  session.page = 0;
  session.route = { name: "timeline" };
  if (session.status) session.status = { ...session.status, unlocked: false, integrity: null };
}

const IDLE_KEY = "evident.idleMinutes";

/** Minutes of inactivity before auto-lock (default 5). */
export function idleMinutes(): number {
  const v = Number(localStorage.getItem(IDLE_KEY));
  return Number.isFinite(v) && v >= 1 && v <= 240 ? v : 5;
}

/** Sets the auto-lock minutes. */
export function setIdleMinutes(m: number): void {
  localStorage.setItem(IDLE_KEY, String(Math.min(240, Math.max(1, Math.round(m)))));
}
