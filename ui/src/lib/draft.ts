/**
 * Drafts of forms: what the person typed and has not saved yet, kept by the shell inside the encrypted vault
 * (never in the webview's storage). A form's state is a snapshot of its controls, keyed by each control's label
 * (so a field added to the form later does not shift the others), plus what the form adds itself (new people).
 * A {@link DraftKeeper} saves as the person types (debounced), and at once when asked: before a lock, an
 * auto-lock or leaving the screen (see {@link flushActiveDraft}).
 */

import type { DraftSlot } from "../bindings/DraftSlot";
import { draftDiscard, draftSave } from "../ipc";

/** Values of a form's controls by key: text for text boxes and lists, true/false for boxes and radios. */
export type Snapshot = Record<string, string | boolean>;

/** What a draft body holds (`v` is its version). */
export interface DraftBody {
  v: 1;
  controls: Snapshot;
  extra?: unknown;
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const SKIP_TYPES = new Set(["file", "search", "password", "submit", "button", "hidden"]);

/** The control's label text, found inside `root` (a form not yet on the page has no `labels` in WebKit). */
function labelOf(c: Control, root: HTMLElement): string {
  const own = c.getAttribute("data-draft");
  if (own) return own;
  const aria = c.getAttribute("aria-label");
  if (aria) return aria;
  const byFor = c.id ? [...root.querySelectorAll("label")].find((l) => l.htmlFor === c.id) : undefined;
  const l = byFor?.textContent ?? c.closest("label")?.textContent ?? c.labels?.[0]?.textContent ?? "";
  return l.replace(/\s+/g, " ").trim();
}

/** The controls a snapshot covers, each with its key (label, type and, for boxes and radios, value). */
function keyed(root: HTMLElement): [string, Control][] {
  const seen = new Map<string, number>();
  const out: [string, Control][] = [];
  for (const c of root.querySelectorAll<Control>("input, textarea, select")) {
    if (c instanceof HTMLInputElement && SKIP_TYPES.has(c.type)) continue;
    if (c.closest("[data-no-draft]")) continue;
    const type = c instanceof HTMLInputElement ? c.type : c.tagName.toLowerCase();
    const boxed = c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio");
    let key = `${type}|${labelOf(c, root)}${boxed ? `|${c.value}` : ""}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n) key += `#${n}`;
    out.push([key, c]);
  }
  return out;
}

/** The state of every control under `root`. */
export function snapshot(root: HTMLElement): Snapshot {
  const out: Snapshot = {};
  for (const [key, c] of keyed(root)) {
    out[key] = c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio") ? c.checked : c.value;
  }
  return out;
}

/**
 * Puts a snapshot back into the controls under `root` (those it has a value for), then lets the form react as if
 * the person had typed (input and change events), so what depends on them shows again.
 */
export function restoreSnapshot(root: HTMLElement, snap: Snapshot): void {
  const changed: Control[] = [];
  for (const [key, c] of keyed(root)) {
    if (!(key in snap)) continue;
    const v = snap[key];
    if (c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio")) {
      if (typeof v === "boolean" && c.checked !== v) {
        c.checked = v;
        changed.push(c);
      }
    } else if (typeof v === "string" && c.value !== v) {
      c.value = v;
      changed.push(c);
    }
  }
  for (const c of changed) {
    c.dispatchEvent(new Event("input", { bubbles: true }));
    c.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

/** Whether two snapshots hold the same values. */
export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Parses a draft body kept earlier; null when it is not one this version reads. */
export function parseBody(body: string): DraftBody | null {
  try {
    const o = JSON.parse(body) as Partial<DraftBody>;
    if (o && o.v === 1 && o.controls && typeof o.controls === "object") return o as DraftBody;
  } catch {
    // not a draft this version wrote
  }
  return null;
}

/** How long after the last keystroke a draft is saved. */
export const DRAFT_DEBOUNCE_MS = 400;

/** Keeps one form's draft: saves it debounced as the person types, flushes on demand, discards on save. */
export class DraftKeeper {
  private timer: number | undefined;
  private lastSaved: string | null = null;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  /** `collect` returns the body to keep; `onError` hears a failed save (the form stays as it is). */
  constructor(
    readonly slot: DraftSlot,
    private readonly collect: () => DraftBody,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly onSaved: (when: Date) => void = () => {},
  ) {}

  /** Something changed: save soon. */
  schedule(): void {
    if (this.closed) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.flush(), DRAFT_DEBOUNCE_MS);
  }

  /** Saves now, if anything changed since the last save; resolves once the vault has it. */
  flush(): Promise<void> {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return this.saving;
    const body = JSON.stringify(this.collect());
    if (body === this.lastSaved) return this.saving;
    this.saving = this.saving.then(async () => {
      if (this.closed) return;
      try {
        await draftSave(this.slot, body);
        this.lastSaved = body;
        this.onSaved(new Date());
      } catch (e) {
        this.onError(e);
      }
    });
    return this.saving;
  }

  /** Marks what was restored as already kept (no save until something changes). */
  kept(body: string): void {
    this.lastSaved = body;
  }

  /** The form was saved or the person discarded the draft: stop saving and remove it from the vault. */
  async discard(): Promise<void> {
    this.closed = true;
    window.clearTimeout(this.timer);
    await this.saving;
    await draftDiscard(this.slot);
    if (active === this) active = null;
  }

  /** The form is gone without a save (another screen): save what is pending and stop. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (active === this) active = null;
  }
}

let active: DraftKeeper | null = null;

/** Makes `k` the draft on screen (the one a lock or a change of screen saves first). */
export function setActiveDraft(k: DraftKeeper | null): void {
  active = k;
}

/** Saves the draft on screen now, before a lock, an auto-lock or a change of screen. Never throws. */
export async function flushActiveDraft(): Promise<void> {
  const k = active;
  if (!k) return;
  try {
    await k.close();
  } catch {
    // a failed save was reported by the keeper
  }
}
