/**
 * Evident's UI: start-up (create / unlock / remembered unlock), the app frame with navigation and the
 * always-visible integrity status, the router, auto-lock after idle time, and quick hide.
 */

import "./styles.css";
import { h, replace, type Child } from "./dom";
import type { IntegrityView } from "./bindings/IntegrityView";
import type { VaultStatus } from "./bindings/VaultStatus";
import { anchorStatus, onAnchorChanged, referenceData, vaultLock, vaultStatus, vaultUnlockRemembered } from "./ipc";
import { errorBox, loading } from "./components/common";
import { ANCHOR_CHANGED } from "./components/trustedTime";
import { summaryLine } from "./lib/anchor";
import { afterUnlock, createScreen, restoreScreen, unlockScreen } from "./screens/gate";
import { incidentScreen } from "./screens/incident";
import { logScreen } from "./screens/log";
import { peopleScreen, personScreen } from "./screens/people";
import { timelineScreen } from "./screens/timeline";
import { exportScreen } from "./screens/export";
import { importScreen } from "./screens/import";
import { integrityWords, vaultScreen } from "./screens/vault";
import { dropAll, idleMinutes, session, type Route } from "./state";
import { flushActiveDraft } from "./lib/draft";

const app = document.getElementById("app") as HTMLElement;
const hideCover = document.getElementById("hide-cover") as HTMLElement;

// ---------- getting in ----------

/** Why the page was reloaded after a lock (see `lock`): the note to show, or null for a normal start. */
function lockedNote(): string | null {
  const why = new URLSearchParams(window.location.search).get(LOCKED_PARAM);
  if (why === null) return null;
  // A later reload (or a crash of the web process) is a normal start again.
  window.history.replaceState(null, "", window.location.pathname);
  const m = idleMinutes();
  return why === "idle" ? `Locked after ${m} ${m === 1 ? "minute" : "minutes"} without use.` : "Locked.";
}

async function start(): Promise<void> {
  replace(app, h("main", { id: "main", class: "gate-main" }, loading("Starting…")));
  const note = lockedNote();
  let st: VaultStatus;
  try {
    st = await vaultStatus();
    if (note !== null && st.unlocked) {
      // Reloaded by a lock that did not reach the shell: lock now, never show the vault again.
      await vaultLock();
      st = { ...st, unlocked: false, integrity: null };
    }
  } catch (e) {
    replace(app, h("main", { id: "main", class: "gate-main" }, h("h1", null, "Evident could not start"), errorBox(e)));
    return;
  }
  session.status = st;
  // Already open (the page was reloaded): an integrity mark is shown first, as after any unlock.
  if (st.unlocked) return afterUnlock(gateRoot(), enter)(st);
  // After a lock, never auto-unlock from the keychain straight away (showGate skips it when there is a note).
  showGate(st, note ?? undefined);
}

function gateRoot(): HTMLElement {
  const main = h("main", { id: "main", class: "gate-main" });
  replace(app, main);
  return main;
}

async function showGate(st: VaultStatus, note?: string): Promise<void> {
  const root = gateRoot();
  // Every way in (passphrase, recovery key, this device's keychain, a restored backup) shows an integrity mark,
  // a problem noticed at an earlier unlock and not yet acknowledged, before going on.
  const unlocked = afterUnlock(root, enter);
  if (!st.exists) {
    const showCreate = () => createScreen(root, enter, () => restoreScreen(root, unlocked, showCreate));
    showCreate();
    return;
  }
  let noteEl: HTMLElement | null = note ? h("p", { class: "notice", role: "status" }, note) : null;
  if (st.remembered && !note) {
    replace(root, loading("Unlocking with this device's keychain…"));
    try {
      const s = await vaultUnlockRemembered();
      return unlocked(s);
    } catch (e) {
      noteEl = h(
        "div",
        null,
        h("p", { class: "notice" }, "This device could not unlock the vault by itself. Use your passphrase."),
        errorBox(e),
      );
    }
  }
  unlockScreen(root, enter, noteEl);
}

// ---------- the app frame ----------

let mainEl: HTMLElement | null = null;
let badge: HTMLElement | null = null;
let timeBadge: HTMLElement | null = null;
const navButtons = new Map<Route["name"], HTMLElement>();

function setIntegrity(i: IntegrityView | null): void {
  session.integrity = i;
  if (!badge) return;
  const w = integrityWords(i);
  badge.className = `integrity ${w.ok === true ? "good" : w.ok === false ? "bad" : "unknown"}`;
  replace(
    badge,
    h("span", { class: "dot", "aria-hidden": "true" }),
    w.ok === false ? `Integrity problem: ${w.text}` : w.text,
  );
}

/** Updates the trusted-time line in the top bar (last time-stamp, entries not time-stamped yet). */
async function refreshTrustedTime(): Promise<void> {
  const el = timeBadge;
  if (!el) return;
  try {
    const s = await anchorStatus();
    if (el !== timeBadge) return;
    el.textContent = summaryLine(s);
    el.hidden = false;
  } catch {
    // Locked meanwhile, or not available: say nothing rather than something wrong.
    el.hidden = true;
  }
}

// After every time-stamp attempt (background, lock, export or "Time-stamp now"): refresh what is shown.
void onAnchorChanged(() => {
  void refreshTrustedTime();
  window.dispatchEvent(new Event(ANCHOR_CHANGED));
}).catch(() => {
  // Without events the line still refreshes on every navigation.
});

async function enter(st: VaultStatus): Promise<void> {
  session.status = st;
  try {
    session.reference = session.reference ?? (await referenceData());
  } catch (e) {
    replace(app, h("main", { id: "main" }, errorBox(e)));
    return;
  }
  const nav = h("nav", { class: "nav", "aria-label": "Main" });
  const items: [Route, string][] = [
    [{ name: "log" }, "Log incident"],
    [{ name: "timeline" }, "Timeline"],
    [{ name: "people" }, "People"],
    [{ name: "import" }, "Import"],
    [{ name: "export" }, "Export"],
    [{ name: "vault" }, "Vault and settings"],
  ];
  navButtons.clear();
  const ul = h("ul", null);
  for (const [r, label] of items) {
    const b = h("button", { type: "button", class: "nav-item", onclick: () => go(r) }, label);
    navButtons.set(r.name, b);
    ul.appendChild(h("li", null, b));
  }
  nav.appendChild(ul);
  badge = h("p", { class: "integrity", role: "status", "aria-label": "Integrity status" });
  timeBadge = h("p", { class: "trusted-time", role: "status", "aria-label": "Trusted time status", hidden: true });
  const hideBtn = h("button", { type: "button", class: "secondary small", title: "Esc Esc or Ctrl+Shift+H" }, "Hide");
  hideBtn.addEventListener("click", () => quickHide(true));
  const lockBtn = h("button", { type: "button", class: "secondary small" }, "Lock");
  lockBtn.addEventListener("click", () => void lock());
  mainEl = h("main", { id: "main", tabindex: "-1" });
  const topbar = h(
    "header",
    { class: "topbar" },
    h("p", { class: "brand" }, "Evident"),
    h("div", { class: "top-status" }, badge, timeBadge),
    h("div", { class: "top-actions" }, hideBtn, lockBtn),
  );
  trackTopbarHeight(topbar);
  replace(
    app,
    h(
      "a",
      {
        href: "#main",
        class: "skip",
        onclick: (ev: Event) => {
          ev.preventDefault();
          mainEl?.focus();
        },
      },
      "Skip to content",
    ),
    topbar,
    st.notice ? h("p", { class: "notice banner", role: "status" }, st.notice) : null,
    h("div", { class: "frame" }, nav, mainEl),
  );
  setIntegrity(st.integrity);
  startIdleTimer();
  go(session.route);
}

let topbarObserver: ResizeObserver | null = null;
/**
 * Keeps `--topbar-h` on the root equal to the sticky top bar's height (it wraps on narrow windows), so
 * the 999 panel sticks just below the bar and is never covered by it.
 */
function trackTopbarHeight(topbar: HTMLElement): void {
  const root = document.documentElement;
  const set = () => root.style.setProperty("--topbar-h", `${Math.ceil(topbar.getBoundingClientRect().height)}px`);
  topbarObserver?.disconnect();
  if (typeof ResizeObserver !== "undefined") {
    topbarObserver = new ResizeObserver(set);
    topbarObserver.observe(topbar);
  }
  requestAnimationFrame(set);
}

let renderGen = 0;

/** Navigates to a route. */
async function go(r: Route, notice?: Child): Promise<void> {
  if (!mainEl) return;
  session.route = r;
  const section = r.name === "incident" ? "timeline" : r.name === "person" ? "people" : r.name;
  for (const [name, b] of navButtons) {
    if (name === section) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  const g = ++renderGen;
  const target = mainEl;
  // What is typed on the screen being left is kept as a draft first (read before the screen goes).
  const drafted = flushActiveDraft();
  void refreshTrustedTime();
  replace(target, loading());
  try {
    let el: HTMLElement;
    switch (r.name) {
      case "log":
        await drafted;
        el = await logScreen(
          (id, problems) =>
            void go(
              { name: "incident", id },
              problems.length
                ? h("div", null, "Incident saved, but some files could not be attached:", ...problems.map(errorBox))
                : "Incident saved.",
            ),
          () => void go({ name: "log" }),
        );
        break;
      case "timeline":
        el = await timelineScreen(go);
        break;
      case "incident":
        el = await incidentScreen(r.id, go, notice);
        break;
      case "people":
        el = await peopleScreen(go);
        break;
      case "person":
        el = await personScreen(r.id, go);
        break;
      case "export":
        el = await exportScreen();
        break;
      case "import":
        el = importScreen((r) => void go(r));
        break;
      case "vault":
        el = vaultScreen(setIntegrity, () => void lock());
        break;
    }
    if (g !== renderGen || target !== mainEl) return;
    replace(target, el);
    if (r.name !== "log") (target.querySelector("h1") as HTMLElement | null)?.focus();
    target.scrollTop = 0;
  } catch (e) {
    if (g === renderGen) replace(target, errorBox(e));
  }
}

// ---------- lock, idle, quick hide ----------

/** The query parameter that tells the reloaded page it was locked, and why ("idle" or "lock"). */
const LOCKED_PARAM = "locked";

/**
 * Locks: the shell closes the vault; the UI drops every decrypted thing, then reloads the page, so that nothing
 * decrypted stays in the web process's JavaScript heap or DOM (no variable, closure, detached node or cache of
 * this page survives a reload), and the fresh page shows the unlock screen.
 */
async function lock(why: "idle" | "lock" = "lock"): Promise<void> {
  stopIdleTimer();
  // Keep what is being typed as a draft in the vault before it closes (read from the screen before it goes).
  const drafted = flushActiveDraft();
  mainEl = null;
  badge = null;
  timeBadge = null;
  // Drop the DOM first: nothing decrypted stays on screen. (The shell may take a few seconds to time-stamp
  // what is new before it locks.)
  replace(app, h("main", { id: "main", class: "gate-main" }, loading("Locking…")));
  dropAll();
  await drafted;
  try {
    await vaultLock();
  } catch {
    // Locking is best effort in the shell; the UI state is gone either way (and the reloaded page locks again
    // if the shell still reports the vault open).
  }
  window.location.replace(`${window.location.pathname}?${LOCKED_PARAM}=${why}`);
}

let idleTimer: number | undefined;
let lastActivity = Date.now();
const ACTIVITY = ["pointerdown", "keydown", "wheel", "touchstart", "input"] as const;

function onActivity(): void {
  lastActivity = Date.now();
}

function startIdleTimer(): void {
  stopIdleTimer();
  lastActivity = Date.now();
  for (const ev of ACTIVITY) window.addEventListener(ev, onActivity, { passive: true, capture: true });
  idleTimer = window.setInterval(() => {
    if (Date.now() - lastActivity >= idleMinutes() * 60_000) void lock("idle");
  }, 5_000);
}

function stopIdleTimer(): void {
  window.clearInterval(idleTimer);
  for (const ev of ACTIVITY) window.removeEventListener(ev, onActivity, { capture: true });
}

/** Where the person was when the app was hidden: the focused control and the scroll positions. */
let hiddenPlace: { focus: HTMLElement | null; scroll: number; main: number } | null = null;

/** Hides (or shows) everything at once. Showing again puts the person back where they were. */
function quickHide(hide: boolean): void {
  if (hide && !app.hidden) {
    const active = document.activeElement;
    hiddenPlace = {
      focus: active instanceof HTMLElement && app.contains(active) ? active : null,
      scroll: document.scrollingElement?.scrollTop ?? 0,
      main: mainEl?.scrollTop ?? 0,
    };
  }
  app.hidden = hide;
  hideCover.hidden = !hide;
  document.title = hide ? "Notes" : "Evident";
  if (hide) {
    (hideCover.querySelector("button") as HTMLElement | null)?.focus();
    return;
  }
  const place = hiddenPlace;
  hiddenPlace = null;
  if (place?.focus?.isConnected) place.focus.focus({ preventScroll: true });
  else (document.querySelector("main") as HTMLElement | null)?.focus({ preventScroll: true });
  if (place) {
    if (document.scrollingElement) document.scrollingElement.scrollTop = place.scroll;
    if (mainEl) mainEl.scrollTop = place.main;
  }
}

let lastEscape = 0;
/** When an Esc last cleared a search box: the second Esc of that double press is not a hide either. */
let clearedAt = 0;
window.addEventListener(
  "keydown",
  (ev) => {
    if (ev.ctrlKey && ev.shiftKey && (ev.key === "H" || ev.key === "h")) {
      ev.preventDefault();
      quickHide(!app.hidden);
      return;
    }
    // Esc in a search box with text clears the search (the browser does): it does not count towards hiding the
    // app. (Anywhere else, Esc Esc hides at once, text or not.)
    const t = ev.target;
    if (
      ev.key === "Escape" &&
      t instanceof HTMLInputElement &&
      t.type === "search" &&
      (t.value !== "" || Date.now() - clearedAt < 600)
    ) {
      if (t.value !== "") clearedAt = Date.now();
      lastEscape = 0;
      return;
    }
    if (ev.key === "Escape" && !document.querySelector("dialog[open]")) {
      const now = Date.now();
      if (now - lastEscape < 600) {
        quickHide(true);
        lastEscape = 0;
      } else lastEscape = now;
    }
  },
  { capture: true },
);
hideCover.querySelector("button")?.addEventListener("click", () => quickHide(false));

void start();
