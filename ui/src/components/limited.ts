/**
 * Length limits that never cut silently: a counter shows the limit before it bites; typing past it is refused
 * with a calm note; a paste too long for the field goes whole into a field that takes it (when there is one),
 * or is refused with the same note. Text already longer (put there some other way) is kept, shown in the
 * counter, and refused on Save by the form, never cut.
 */

import { h, uid } from "../dom";

/** The most characters a summary holds (the core's `SUMMARY_MAX_CHARS`). */
export const SUMMARY_MAX = 300;
/** The most characters another text field holds (the core's `TEXT_MAX_CHARS`). */
export const TEXT_MAX = 100_000;

/**
 * Handlers that take a paste for a text box themselves (a length limit that sends a long paste elsewhere): true
 * when they took it. A Ctrl+V redirected through the paste target (attach.ts) asks here first.
 */
export const pasteHandlers = new WeakMap<HTMLElement, (text: string) => boolean>();

/** What a limited field adds to its form: the counter and the note, and whether the text fits. */
export interface Limited {
  /** "12 of 300 characters", under the field. */
  counter: HTMLElement;
  /** The calm note shown when something did not fit (a status region). */
  note: HTMLElement;
  /** Whether the text fits the limit. */
  fits: () => boolean;
}

/** Characters as the core counts them (Unicode scalar values). */
export function charCount(s: string): number {
  return Array.from(s).length;
}

/**
 * Puts a limit of `max` characters on `input`. `label` names the field in the note; `overflow` is where a paste
 * too long for it goes whole (`overflowLabel` names it); `showFrom` is the length from which the counter shows
 * (0: always).
 */
export function limitLength(
  input: HTMLInputElement | HTMLTextAreaElement,
  max: number,
  opts: {
    label: string;
    overflow?: HTMLTextAreaElement;
    overflowLabel?: string;
    showFrom?: number;
  },
): Limited {
  const counter = h("p", { class: "counter muted", id: uid("count") });
  const note = h("p", { class: "limit-note", role: "status" });
  const prev = input.getAttribute("aria-describedby");
  input.setAttribute("aria-describedby", prev ? `${prev} ${counter.id}` : counter.id);
  const showFrom = opts.showFrom ?? 0;
  const update = () => {
    const n = charCount(input.value);
    counter.textContent = `${n.toLocaleString("en-GB")} of ${max.toLocaleString("en-GB")} characters`;
    counter.hidden = n < showFrom;
    counter.classList.toggle("over", n > max);
    if (n > max)
      note.textContent = `This is longer than the ${opts.label} holds (${max.toLocaleString("en-GB")} characters). Nothing has been cut: shorten it before saving.`;
  };
  /** Length after replacing the selection with `inserted`. */
  const after = (inserted: string) => {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    return charCount(input.value.slice(0, start)) + charCount(inserted) + charCount(input.value.slice(end));
  };
  const full = `The ${opts.label} holds up to ${max.toLocaleString("en-GB")} characters.${
    opts.overflowLabel ? ` Put the rest under "${opts.overflowLabel}".` : ""
  }`;
  input.addEventListener("beforeinput", (ev) => {
    const e = ev as InputEvent;
    if (!e.inputType.startsWith("insert") || e.inputType === "insertFromPaste") return;
    const data = e.data ?? (e.inputType === "insertLineBreak" ? "\n" : "");
    if (data && after(data) > max) {
      e.preventDefault();
      note.textContent = full;
    }
  });
  /** Takes a paste too long for the field (true), or leaves it to go in as usual (false). */
  const takePaste = (text: string): boolean => {
    const shown = input instanceof HTMLInputElement ? text.replace(/[\r\n]+/g, " ") : text;
    if (!text || after(shown) <= max) return false;
    const target = opts.overflow;
    if (target && charCount(target.value) + charCount(text) + 2 <= TEXT_MAX) {
      target.value = target.value.trim() ? `${target.value.replace(/\s+$/, "")}\n\n${text}` : text;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      note.textContent = `That was longer than the ${opts.label} holds (${max.toLocaleString("en-GB")} characters), so all of it went into "${opts.overflowLabel ?? "the next field"}", where there is room. Write a few words here.`;
    } else {
      note.textContent = `${full} What you pasted (${charCount(text).toLocaleString("en-GB")} characters) was not put in; it is still on your clipboard.`;
    }
    return true;
  };
  pasteHandlers.set(input, takePaste);
  input.addEventListener("paste", (ev) => {
    if (takePaste((ev as ClipboardEvent).clipboardData?.getData("text/plain") ?? "")) ev.preventDefault();
  });
  input.addEventListener("input", () => {
    if (charCount(input.value) <= max && note.textContent?.startsWith("This is longer")) note.textContent = "";
    update();
  });
  update();
  return { counter, note, fits: () => charCount(input.value) <= max };
}
