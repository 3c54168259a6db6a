/**
 * The "Trusted time" section of Vault and settings: where the record stands (last time-stamp and by whom,
 * entries not time-stamped yet, what that means), "Time-stamp now" with each service's outcome, time-stamping
 * over the network on or off, the services (list, add, remove), and the record fingerprint with a Copy button.
 * It refreshes itself after every attempt the shell reports.
 */

import { checkbox, field, h, replace } from "../dom";
import { anchorNow, anchorStatus, anchoringSet, recordFingerprint, tsaAdd, tsaRemove } from "../ipc";
import type { AnchorStatus } from "../bindings/AnchorStatus";
import {
  attemptLine,
  attemptsHeadline,
  certificateName,
  CLOCK_ALONE,
  FINGERPRINT_HELP,
  lastStamped,
  offLine,
  pending,
  queuedLine,
  WHAT_IS_SENT,
  WHAT_IT_PROVES,
} from "../lib/anchor";
import { copyText, errorBox, statusRegion } from "./common";

/** The window event the app fires after every time-stamp attempt (see main.ts). */
export const ANCHOR_CHANGED = "evident:anchor-changed";

/** Builds the section; it loads its status at once and after every attempt while it is on screen. */
export function trustedTimeSection(): HTMLElement {
  // ---- where the record stands ----
  const standing = h("div", { class: "trusted-standing", role: "status", "aria-label": "Trusted time" });
  let status: AnchorStatus | null = null;

  // ---- time-stamp now ----
  const nowResult = statusRegion();
  const nowButton = h("button", { type: "button", class: "primary" }, "Time-stamp now");
  nowButton.addEventListener("click", async () => {
    nowButton.disabled = true;
    nowResult.show("Asking the time-stamping services…");
    try {
      const attempts = await anchorNow();
      const tsas = status?.tsas ?? [];
      const ok = attempts.some((a) => a.anchor || a.already);
      replace(
        nowResult.el,
        h(
          "div",
          { class: ok ? "ok" : "notice" },
          h("p", null, attemptsHeadline(attempts)),
          h(
            "ul",
            { "aria-label": "Each service's answer" },
            ...attempts.map((a) => h("li", null, attemptLine(a, tsas))),
          ),
        ),
      );
    } catch (e) {
      nowResult.error(e);
    } finally {
      nowButton.disabled = false;
      void refresh();
    }
  });

  // ---- on/off ----
  const onOff = checkbox("Time-stamp over the network", {}, WHAT_IS_SENT);
  const settingsStatus = statusRegion();
  onOff.input.addEventListener("change", async () => {
    const on = onOff.input.checked;
    try {
      const s = await anchoringSet(on);
      settingsStatus.show(
        on
          ? "Time-stamping over the network is on. New entries are time-stamped a couple of minutes after you save them."
          : "Time-stamping over the network is off. Nothing leaves this computer.",
      );
      show(s);
    } catch (e) {
      onOff.input.checked = !on;
      settingsStatus.error(e);
    }
  });

  // ---- services ----
  const services = h("ul", { class: "tsa-list", "aria-label": "Time-stamping services" });
  const address = h("input", { type: "url", autocomplete: "off", placeholder: "http://", spellcheck: "false" });
  const addButton = h("button", { type: "button", class: "secondary" }, "Choose its CA certificate and add…");
  addButton.addEventListener("click", async () => {
    addButton.disabled = true;
    try {
      const added = await tsaAdd(address.value);
      if (added) {
        address.value = "";
        settingsStatus.show(`${added.name} added. Time-stamping over the network is on.`);
      }
    } catch (e) {
      settingsStatus.error(e);
    } finally {
      addButton.disabled = false;
      void refresh();
    }
  });

  // ---- fingerprint ----
  const print = h("p", { class: "mono fingerprint", "aria-label": "Record fingerprint" });
  const copyStatus = statusRegion();
  const copy = h("button", { type: "button", class: "secondary" }, "Copy fingerprint");
  copy.addEventListener("click", async () => {
    const text = print.textContent ?? "";
    if (!text) return;
    copyStatus.show(
      (await copyText(text)) ? "Fingerprint copied." : "Could not copy: select the fingerprint and copy it by hand.",
    );
  });

  function show(s: AnchorStatus): void {
    status = s;
    const cert = certificateName(s);
    const off = offLine(s);
    replace(
      standing,
      h("p", { class: "trusted-last" }, lastStamped(s), cert ? ` (its certificate says: ${cert})` : null, "."),
      h("p", null, `${pending(s.unanchored)}. ${CLOCK_ALONE}`),
      s.queued && s.enabled ? h("p", { class: "notice" }, queuedLine(s.queued)) : null,
      off ? h("p", { class: "notice" }, off) : null,
    );
    onOff.input.checked = s.enabled;
    replace(
      services,
      ...(s.tsas.length
        ? s.tsas.map((t) => {
            const remove = h(
              "button",
              { type: "button", class: "secondary small", "aria-label": `Remove ${t.name}` },
              "Remove",
            );
            remove.addEventListener("click", async () => {
              remove.disabled = true;
              try {
                await tsaRemove(t.url);
                settingsStatus.show(`${t.name} removed.`);
              } catch (e) {
                settingsStatus.error(e);
              } finally {
                void refresh();
              }
            });
            return h(
              "li",
              null,
              h("span", null, h("strong", null, t.name), " ", h("span", { class: "muted" }, t.url)),
              remove,
            );
          })
        : [h("li", { class: "muted" }, "None listed.")]),
    );
  }

  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      do {
        again = false;
        try {
          show(await anchorStatus());
        } catch (e) {
          replace(standing, errorBox(e));
        }
        try {
          print.textContent = await recordFingerprint();
        } catch (e) {
          print.textContent = "";
          copyStatus.error(e);
        }
      } while (again);
    } finally {
      refreshing = false;
    }
  }
  let refreshing = false;
  let again = false;

  const section = h(
    "section",
    { "aria-labelledby": "sec-time" },
    h("h2", { id: "sec-time" }, "Trusted time"),
    standing,
    h("p", { class: "help" }, WHAT_IT_PROVES),
    h("div", { class: "actions" }, nowButton),
    nowResult.el,
    h("h3", null, "Time-stamping services"),
    onOff.wrap,
    services,
    field(
      "Address of another time-stamping service",
      address,
      "Its address starts http://. You will then choose its CA certificate file (PEM), which its time-stamps are checked against.",
    ),
    h("div", { class: "actions" }, addButton),
    settingsStatus.el,
    h("h3", null, "Record fingerprint"),
    h("p", { class: "help" }, FINGERPRINT_HELP),
    print,
    h("div", { class: "actions" }, copy),
    copyStatus.el,
  );

  const onChanged = () => {
    if (!section.isConnected) {
      window.removeEventListener(ANCHOR_CHANGED, onChanged);
      return;
    }
    void refresh();
  };
  window.addEventListener(ANCHOR_CHANGED, onChanged);
  void refresh();
  return section;
}
