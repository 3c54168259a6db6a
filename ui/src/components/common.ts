/** Shared pieces: error boxes, status messages, confirmation dialogs, page headings. */

import { h, replace, type Child } from "../dom";
import { toAppError } from "../ipc";

/** A plain-words error box (role=alert) for any thrown error. */
export function errorBox(e: unknown): HTMLElement {
  const err = toAppError(e);
  return h(
    "div",
    { class: "error", role: "alert", "data-code": err.code },
    h("p", { class: "error-message" }, sentence(err.message)),
    err.hint ? h("p", { class: "error-hint" }, err.hint) : null,
  );
}

/** Capitalises the first letter and ends with a full stop. */
export function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const c = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(c) ? c : `${c}.`;
}

/** A region that announces status changes politely. */
export function statusRegion(): {
  el: HTMLElement;
  show: (msg: Child) => void;
  error: (e: unknown) => void;
  clear: () => void;
} {
  const el = h("div", { class: "status", role: "status", "aria-live": "polite" });
  return {
    el,
    show: (msg) => replace(el, h("p", { class: "ok" }, msg)),
    error: (e) => replace(el, errorBox(e)),
    clear: () => replace(el),
  };
}

/** The page heading, focusable so navigation can move focus to it. */
export function pageHeading(text: Child, ...extra: Child[]): HTMLElement {
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1", class: "page-title" }, text), ...extra);
}

/**
 * A modal confirmation dialog. Resolves with true when confirmed. `body` may include form controls;
 * `validate` returns an error message to keep the dialog open.
 */
export function confirmDialog(opts: {
  title: string;
  body: Child;
  confirm: string;
  danger?: boolean;
  validate?: () => string | null;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const msg = h("p", { class: "dialog-error", role: "alert" });
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const dlg = h("dialog", { class: "dialog", "aria-labelledby": titleId });
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    const ok = h("button", { type: "submit", class: opts.danger ? "danger" : "primary" }, opts.confirm);
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { id: titleId }, opts.title),
      opts.body,
      msg,
      h("div", { class: "actions" }, cancel, ok),
    );
    dlg.appendChild(form);
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const problem = opts.validate?.() ?? null;
      if (problem) {
        msg.textContent = problem;
        return;
      }
      finish(true);
    });
    cancel.addEventListener("click", () => finish(false));
    dlg.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      finish(false);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
  });
}

/** A "loading" placeholder. */
export function loading(what = "Loading…"): HTMLElement {
  return h("p", { class: "loading", role: "status" }, what);
}

/** Copies text to the clipboard; returns whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h("textarea", { "aria-hidden": "true", class: "offscreen" });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand("copy");
    ta.remove();
    return ok;
  }
}

/**
 * A form with one submit button: checks `check()` (problems in plain words), disables the button and
 * shows `busy` while `run()` works, and shows any error in words. Re-enables the button on failure.
 */
export function actionForm(opts: {
  label: string;
  body: Child[];
  submit: string;
  busy: string;
  check?: () => string[];
  run: () => Promise<void>;
  onError?: () => void;
}): HTMLFormElement {
  const status = statusRegion();
  const button = h("button", { type: "submit", class: "primary" }, opts.submit);
  const form = h(
    "form",
    { class: "card", "aria-label": opts.label },
    ...opts.body,
    status.el,
    h("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const problems = opts.check?.() ?? [];
    if (problems.length) {
      replace(status.el, h("div", { class: "error", role: "alert" }, ...problems.map((p) => h("p", null, p))));
      return;
    }
    button.disabled = true;
    status.show(opts.busy);
    try {
      await opts.run();
      status.clear();
    } catch (e) {
      status.error(e);
      opts.onError?.();
    }
    button.disabled = false;
  });
  return form;
}
