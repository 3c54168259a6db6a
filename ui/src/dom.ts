/**
 * The one way the UI builds elements. Strings passed as children always become text nodes
 * (`textContent`), never markup: text written by abusers, file names and handles cannot inject HTML.
 * Nothing in the UI uses `innerHTML` with data.
 */

/** Attributes and event handlers for {@link h}. */
export type Attrs = {
  [key: string]: string | number | boolean | null | undefined | EventListener | ((ev: never) => void);
};

/** A child: a node, text (rendered as text), or nothing. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Appends children to a parent, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, ...c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/**
 * Creates an element. `attrs`: `on*` functions become listeners; `true`/`false` toggle boolean
 * attributes; other values are set as attributes (never `innerHTML`, never inline `style`).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") {
        el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      } else if (k === "innerHTML" || k === "style") {
        throw new Error(`h(): '${k}' is not allowed`);
      } else if (v === true) {
        el.setAttribute(k, "");
      } else if (
        k === "value" &&
        (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)
      ) {
        el.value = String(v);
      } else if (k === "checked" && el instanceof HTMLInputElement) {
        el.checked = Boolean(v);
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, ...children);
  return el;
}

/** Removes every child of `el`. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces the children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

let idCounter = 0;
/** A fresh element id for label/control pairs. */
export function uid(prefix = "f"): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Sets an element's text; the only way data reaches the screen. */
export function setText(el: Element, text: string): void {
  el.textContent = text;
}

/** A labelled form field: label, control, optional help text wired with aria-describedby. */
export function field(label: string, control: HTMLElement, help?: string, extraClass = ""): HTMLElement {
  const id = control.id || uid();
  control.id = id;
  const wrap = h("div", { class: `field ${extraClass}`.trim() }, h("label", { for: id }, label), control);
  if (help) {
    const hid = `${id}-help`;
    wrap.appendChild(h("p", { class: "help", id: hid }, help));
    const prev = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", prev ? `${prev} ${hid}` : hid);
  }
  return wrap;
}

/** A checkbox with its label after it. */
export function checkbox(
  label: string,
  attrs: Attrs = {},
  help?: string,
): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = uid("c");
  const input = h("input", { type: "checkbox", id, ...attrs });
  const wrap = h("div", { class: "check" }, input, h("label", { for: id }, label));
  if (help) {
    const hid = `${id}-help`;
    wrap.appendChild(h("p", { class: "help", id: hid }, help));
    input.setAttribute("aria-describedby", hid);
  }
  return { wrap, input };
}

/** A `<select>` from options `[value, label]`, with an optional blank first option. */
export function select(
  options: ReadonlyArray<readonly [string, string]>,
  attrs: Attrs = {},
  blank?: string,
): HTMLSelectElement {
  const s = h("select", attrs);
  if (blank !== undefined) s.appendChild(h("option", { value: "" }, blank));
  for (const [v, l] of options) s.appendChild(h("option", { value: v }, l));
  if (attrs.value !== undefined && attrs.value !== null) s.value = String(attrs.value);
  return s;
}

// ---- bidirectional text: user and file text is isolated, controls are shown, hashes read left to right ----

/** Invisible characters that reorder text (embeddings, overrides, isolates, marks), with their short names. */
const BIDI_CONTROLS: Record<string, string> = {
  "\u061C": "ALM",
  "\u200E": "LRM",
  "\u200F": "RLM",
  "\u202A": "LRE",
  "\u202B": "RLE",
  "\u202C": "PDF",
  "\u202D": "LRO",
  "\u202E": "RLO",
  "\u2066": "LRI",
  "\u2067": "RLI",
  "\u2068": "FSI",
  "\u2069": "PDI",
};
const BIDI_RE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** True when `s` holds a character that reorders the text around it (e.g. U+202E RIGHT-TO-LEFT OVERRIDE). */
export function hasBidiControls(s: string): boolean {
  BIDI_RE.lastIndex = 0;
  return BIDI_RE.test(s);
}

/** `s` with each reordering control replaced by a visible marker: "invoice⟨RLO⟩gnp.exe". */
export function showControls(s: string): string {
  return s.replace(BIDI_RE, (c) => `⟨${BIDI_CONTROLS[c] ?? "U+" + c.charCodeAt(0).toString(16).toUpperCase()}⟩`);
}

/**
 * Text a person typed or a file carried, isolated from the text around it (`<bdi>`, class `user-text`,
 * `unicode-bidi: isolate`): right-to-left words stay in their place and cannot reorder a line. Reordering
 * controls are shown as markers, so what is on screen is what is in the record, in order.
 */
export function userText(text: string, cls = ""): HTMLElement {
  const el = document.createElement("bdi");
  el.className = `user-text ${cls}`.trim();
  el.textContent = showControls(text);
  return el;
}

/** A hash (hex), always left to right whatever the text around it: `<code dir="ltr">`, isolated. */
export function hashText(text: string, cls = "", attrs: Attrs = {}): HTMLElement {
  return h("code", { ...attrs, class: `hash ${cls}`.trim(), dir: "ltr", translate: "no" }, text);
}
