// Finding controls as a screen-reader user would: by role and accessible name, or by label.
// The resolver below runs inside the page (it is sent as a script): it computes a role (explicit `role`,
// else the element's implicit ARIA role) and an accessible name (aria-labelledby, aria-label, <label for>,
// a wrapping <label>, <legend>, <caption>, content for buttons/links/headings, alt, title), in the spirit of
// the W3C accname algorithm. No CSS classes or ids are used to find anything.

import { waitFor } from "./webdriver.js";

/* eslint-disable no-undef -- runs in the page */
function pageQuery(q, scope) {
  const norm = (s) => String(s ?? "").replace(/\s+/g, " ").trim();

  const isHiddenTree = (el) => Boolean(el.closest("[hidden],[aria-hidden='true']"));
  const visible = (el) => {
    if (!el.isConnected || isHiddenTree(el)) return false;
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none";
  };

  // Text of an element's content for naming (skips aria-hidden and hidden parts unless `all`).
  const contentText = (node, all) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    const el = node;
    if (!all && (el.hidden || el.getAttribute("aria-hidden") === "true")) return "";
    if (el.tagName === "SCRIPT" || el.tagName === "STYLE") return "";
    if (el.hasAttribute("aria-label") && norm(el.getAttribute("aria-label"))) return ` ${el.getAttribute("aria-label")} `;
    if (el.tagName === "IMG") return ` ${el.getAttribute("alt") ?? ""} `;
    if (el.tagName === "INPUT" && ["text", "search", "url", "email"].includes(el.type)) return ` ${el.value} `;
    let s = "";
    for (const c of el.childNodes) s += contentText(c, all);
    const block = getComputedStyle(el).display;
    return block && block !== "inline" ? ` ${s} ` : s;
  };

  const implicitRole = (el) => {
    const tag = el.tagName.toLowerCase();
    switch (tag) {
      case "a":
        return el.hasAttribute("href") ? "link" : "generic";
      case "button":
      case "summary":
        return "button";
      case "input": {
        const t = (el.getAttribute("type") || "text").toLowerCase();
        if (t === "checkbox") return "checkbox";
        if (t === "radio") return "radio";
        if (["button", "submit", "reset", "image"].includes(t)) return "button";
        if (t === "search") return "searchbox";
        if (t === "range") return "slider";
        if (t === "number") return "spinbutton";
        if (t === "hidden") return "none";
        return "textbox";
      }
      case "textarea":
        return "textbox";
      case "select":
        return el.multiple || el.size > 1 ? "listbox" : "combobox";
      case "option":
        return "option";
      case "h1": case "h2": case "h3": case "h4": case "h5": case "h6":
        return "heading";
      case "ul": case "ol":
        return "list";
      case "li":
        return "listitem";
      case "nav":
        return "navigation";
      case "main":
        return "main";
      case "form":
        return "form";
      case "section":
        return "region";
      case "article":
        return "article";
      case "aside":
        return "complementary";
      case "fieldset":
      case "details":
        return "group";
      case "dialog":
        return "dialog";
      case "table":
        return "table";
      case "img":
        return el.getAttribute("alt") === "" ? "presentation" : "img";
      case "meter":
        return "meter";
      case "progress":
        return "progressbar";
      case "p":
        return "paragraph";
      case "output":
        return "status";
      default:
        return "generic";
    }
  };
  const roleOf = (el) => {
    const r = norm(el.getAttribute("role")).split(" ")[0];
    return r || implicitRole(el);
  };

  const NAME_FROM_CONTENT = new Set(["button", "link", "heading", "checkbox", "radio", "option", "tab", "menuitem", "cell", "columnheader", "rowheader", "tooltip", "switch"]);
  const nameOf = (el) => {
    const lb = norm(el.getAttribute("aria-labelledby"));
    if (lb) {
      const parts = lb.split(" ").map((id) => document.getElementById(id)).filter(Boolean);
      const s = norm(parts.map((p) => contentText(p, true)).join(" "));
      if (s) return s;
    }
    const al = norm(el.getAttribute("aria-label"));
    if (al) return al;
    const tag = el.tagName;
    if (tag === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return norm(el.value);
    if (["INPUT", "SELECT", "TEXTAREA", "METER", "PROGRESS", "OUTPUT"].includes(tag) && el.labels && el.labels.length) {
      return norm([...el.labels].map((l) => {
        // The label's text without the control's own value.
        let s = "";
        for (const c of l.childNodes) if (c !== el) s += contentText(c, false);
        return s;
      }).join(" "));
    }
    if (tag === "FIELDSET") {
      const lg = [...el.children].find((c) => c.tagName === "LEGEND");
      if (lg) return norm(contentText(lg, true));
    }
    if (tag === "DETAILS") {
      const sm = [...el.children].find((c) => c.tagName === "SUMMARY");
      if (sm) return norm(contentText(sm, false));
    }
    if (tag === "TABLE" && el.caption) return norm(contentText(el.caption, true));
    if (tag === "IMG") {
      const alt = norm(el.getAttribute("alt"));
      if (alt) return alt;
    }
    if (NAME_FROM_CONTENT.has(roleOf(el)) || tag === "SUMMARY") {
      const s = norm(contentText(el, false));
      if (s) return s;
    }
    return norm(el.getAttribute("title") || el.getAttribute("placeholder") || "");
  };

  const nameMatches = (name) => {
    if (q.name === undefined && q.nameRe === undefined && q.nameContains === undefined) return true;
    if (q.name !== undefined) return name === norm(q.name);
    if (q.nameContains !== undefined) return name.toLowerCase().includes(norm(q.nameContains).toLowerCase());
    return new RegExp(q.nameRe, q.flags || "").test(name);
  };
  const roleMatches = (el) => {
    const r = roleOf(el);
    if (Array.isArray(q.role)) return q.role.includes(r);
    return q.role === undefined || r === q.role;
  };

  const root = scope || document;
  const found = [];
  for (const el of root.querySelectorAll("*")) {
    if (!roleMatches(el)) continue;
    if (!q.hidden && !visible(el)) continue;
    const name = nameOf(el);
    if (!nameMatches(name)) continue;
    if (q.describe) found.push({ role: roleOf(el), name });
    else found.push(el);
    if (!q.all && !q.describe) break;
  }
  if (q.describe) return found;
  return q.all ? found : found[0] ?? null;
}
/* eslint-enable no-undef */

const PAGE_QUERY = `return (${pageQuery.toString()}).apply(null, arguments);`;

/** Roles a labelled form control can have. */
export const FIELD_ROLES = ["textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "spinbutton", "slider", "switch"];

/** Screen-reader-style queries over a WebDriver session. */
export class Screen {
  /** @param {import("./webdriver.js").Session} s */
  constructor(s) {
    this.s = s;
  }

  /** The first visible element with `role` and accessible name `name` (string: exact; RegExp: test), or null. */
  queryRole(role, name, opts = {}) {
    return this.s.exec(PAGE_QUERY, nameQuery({ role, ...opts }, name), opts.within ?? null);
  }

  /** Every visible element with that role and name. */
  queryAllRole(role, name, opts = {}) {
    return this.s.exec(PAGE_QUERY, nameQuery({ role, all: true, ...opts }, name), opts.within ?? null);
  }

  /** Waits for the element with that role and name. */
  byRole(role, name, opts = {}) {
    return waitFor(() => this.queryRole(role, name, opts), `${role} named ${String(name)}`, opts.timeout ?? 15000);
  }

  /** Waits for the form control whose label (accessible name) is `text`. */
  byLabel(text, opts = {}) {
    return this.byRole(FIELD_ROLES, text, opts);
  }

  queryLabel(text, opts = {}) {
    return this.queryRole(FIELD_ROLES, text, opts);
  }

  /** Roles and names of what is visible (for error messages). */
  describe(role, opts = {}) {
    return this.s.exec(PAGE_QUERY, { role, describe: true }, opts.within ?? null);
  }

  /** Visible text of an element (innerText, whitespace normalised). */
  async textOf(el) {
    return norm(await this.s.exec("return arguments[0].innerText;", el));
  }

  /**
   * Clicks an element with a real WebDriver click, after scrolling it to the middle of the window: the
   * app's sticky top bar and sticky "Save" bar would otherwise cover an element scrolled to an edge, and
   * WebDriver then refuses the click as intercepted.
   */
  async press(el) {
    await this.s.exec("arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });", el);
    await this.s.click(el);
  }

  /** Clicks a control found by role and name. */
  async click(role, name, opts = {}) {
    const el = await this.byRole(role, name, opts);
    await this.press(el);
    return el;
  }

  /** Types into the control labelled `label` (clearing it first). */
  async fill(label, text, opts = {}) {
    const el = await this.byLabel(label, opts);
    await this.s.clear(el);
    if (text) await this.s.sendKeys(el, text);
    return el;
  }
}

function nameQuery(q, name) {
  if (name === undefined || name === null) return q;
  if (name instanceof RegExp) return { ...q, nameRe: name.source, flags: name.flags };
  return { ...q, name };
}

export function norm(s) {
  return String(s ?? "").replace(/\s+/g, " ").trim();
}
