/**
 * The incident form, shared by "Log an incident" and "Amend": when, kind, channel, where and online
 * details, what was said or done, impact, witnesses, red flags (with the 999 panel) and possible offences.
 */

import type { IncidentFields } from "../bindings/IncidentFields";
import type { Reference } from "../bindings/Reference";
import { append, checkbox, field, h, select, uid } from "../dom";
import { limitLength, SUMMARY_MAX, TEXT_MAX } from "./limited";
import { parseRfc3339, toRfc3339, wallParts, wallToInstant } from "../lib/time";
import { whenEntry } from "./whenEntry";

/** The 999 panel: calm, unmistakable, announced at once. */
export function dangerPanel(): HTMLElement {
  return h(
    "div",
    { class: "danger-panel", role: "alert", hidden: true },
    h("p", { class: "danger-title" }, "If you are in danger now, call 999."),
    h(
      "p",
      null,
      "If it is not an emergency but you are worried, call the police on 101. What you have typed is kept as a draft in your vault, even if it locks: you can finish it later.",
    ),
  );
}

/** A form plus a `read()` that returns the fields or a problem in plain words. */
export interface IncidentForm {
  el: HTMLElement;
  summary: HTMLInputElement;
  /**
   * The form's parts, for a screen that lays them out itself (the log screen puts the essentials first and the
   * rest under "More details"): taking them out of `el` leaves it empty.
   */
  parts: { summary: HTMLElement; when: HTMLElement; flags: HTMLElement; more: HTMLElement[] };
  read: () => IncidentFields | { error: string; focus?: HTMLElement };
}

/** Builds the form. `initial` fills it for an amendment; `danger` is the panel to reveal on a red flag. */
export function incidentForm(ref: Reference, danger: HTMLElement, initial?: IncidentFields): IncidentForm {
  const amend = Boolean(initial);
  const f = initial;
  const summary = h("input", {
    type: "text",
    required: true,
    value: f?.summary ?? "",
    autocomplete: "off",
  });

  // ---- when: UK order, 24-hour, whatever the system's locale (components/whenEntry.ts) ----
  const initialStart = parseRfc3339(f?.occurred?.start);
  const initialEnd = parseRfc3339(f?.occurred?.end);
  const startParts = initialStart ? wallParts(initialStart) : null;
  const initialDateOnly = Boolean(
    f?.occurred?.approximate && !f.occurred.end && startParts && startParts.hour === 12 && startParts.minute === 0,
  );
  const opened = new Date();
  const start = whenEntry("When it happened", amend ? initialStart : opened);
  if (initialDateOnly) start.set(initialStart, false);
  const end = whenEntry(
    "Ended (optional)",
    initialEnd,
    "For something that went on for a while, like someone waiting outside.",
  );
  const approx = checkbox("The time is approximate", {
    checked: (f?.occurred?.approximate ?? false) && !initialDateOnly,
  });
  const quick = (label: string, act: () => void) => {
    const b = h("button", { type: "button", class: "secondary small" }, label);
    b.addEventListener("click", () => {
      act();
      start.el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return b;
  };
  const quicks = h(
    "div",
    { class: "quick-when", role: "group", "aria-label": "Quick choices for when" },
    quick("Now", () => start.set(new Date())),
    quick("Earlier today", () => {
      start.set(new Date(), false);
      start.time.focus();
    }),
    quick("Yesterday evening", () => {
      const y = new Date(Date.now() - 86_400_000);
      const p = wallParts(y);
      start.set(
        wallToInstant(`${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}T19:00`) ?? y,
      );
      approx.input.checked = true;
    }),
  );
  const initialWhen = { start: start.raw(), end: end.raw(), approx: approx.input.checked };
  const timeWords = h("input", { type: "text", value: f?.time_words ?? "" });
  const when = h(
    "fieldset",
    { class: "when" },
    h("legend", null, "When did it happen?"),
    quicks,
    start.el,
    approx.wrap,
    end.el,
    field(
      "If you know only the day: when, in your own words (optional)",
      timeWords,
      "For example: after the evening surgery, late at night. The pack shows these words instead of a time.",
    ),
  );

  // ---- kind, channel, where ----
  const kind = select(
    ref.kinds.map((k) => [k.code, k.label] as const),
    { value: f?.kind ?? "" },
    "Not chosen",
  );
  const channel = select(
    ref.channels.map((k) => [k.code, k.label] as const),
    { value: f?.channel ?? "" },
    "Not chosen",
  );
  const kindHelp = h("p", { class: "help", id: uid("kh") });
  kind.setAttribute("aria-describedby", kindHelp.id);
  const syncKind = () => (kindHelp.textContent = ref.kinds.find((k) => k.code === kind.value)?.help ?? "");
  kind.addEventListener("change", syncKind);
  syncKind();
  const location = h("input", { type: "text", value: f?.location ?? "" });
  const platform = h("input", { type: "text", value: f?.platform ?? "", list: "platforms" });
  const url = h("input", { type: "url", value: f?.url ?? "", inputmode: "url", spellcheck: "false" });
  const handle = h("input", { type: "text", value: f?.account_handle ?? "", spellcheck: "false" });
  const postTime = h("input", { type: "text", value: f?.post_time_shown ?? "" });
  const platforms = h(
    "datalist",
    { id: "platforms" },
    ...[
      "X (Twitter)",
      "Facebook",
      "Instagram",
      "TikTok",
      "YouTube",
      "WhatsApp",
      "Nextdoor",
      "Reddit",
      "Threads",
      "Bluesky",
      "LinkedIn",
      "Telegram",
    ].map((p) => h("option", { value: p })),
  );
  const online = h(
    "fieldset",
    { class: "online" },
    h("legend", null, "Online details"),
    h(
      "p",
      { class: "help" },
      "Keep the link, the account name and the date and time shown on the post: police ask for them.",
    ),
    h("div", { class: "grid2" }, field("Platform", platform), field("Account handle", handle, "For example @name")),
    field("Link (URL)", url),
    field("Date and time shown on the post", postTime, 'Exactly as it appears, e.g. "3h" or "20 Nov, 21:30".'),
    platforms,
  );
  const syncChannel = () => {
    const g = ref.channels.find((c) => c.code === channel.value)?.group ?? "";
    online.hidden = g === "in_person";
  };
  channel.addEventListener("change", syncChannel);
  syncChannel();

  // ---- what, impact, witnesses ----
  const description = h("textarea", { rows: "5", value: f?.description ?? "" });
  const impact = h("textarea", { rows: "3", value: f?.impact ?? "" });
  const witnesses = h("textarea", { rows: "2", value: f?.witnesses ?? "" });
  // Limits shown before they bite, never cut (the core refuses what is longer: SUMMARY_MAX_CHARS, TEXT_MAX_CHARS).
  const summaryLimit = limitLength(summary, SUMMARY_MAX, {
    label: "summary",
    overflow: description,
    overflowLabel: "What was said or done",
  });
  const textLimits = [description, impact, witnesses].map((t) => ({
    t,
    l: limitLength(t, TEXT_MAX, { label: "field", showFrom: TEXT_MAX * 0.9 }),
  }));

  // ---- red flags ----
  const flagBoxes = ref.red_flags.map((r) => ({
    code: r.code,
    ...checkbox(r.label, { checked: f?.red_flags.includes(r.code) ?? false, value: r.code }, r.help),
  }));
  const syncDanger = () => {
    const any = flagBoxes.some((b) => b.input.checked);
    const was = !danger.hidden;
    danger.hidden = !any;
    if (any && !was) {
      // Re-insert so assistive technology announces the alert.
      const parent = danger.parentElement;
      if (parent) parent.insertBefore(danger, parent.firstChild);
      danger.scrollIntoView?.({ block: "nearest" });
    }
  };
  flagBoxes.forEach((b) => b.input.addEventListener("change", syncDanger));
  const flags = h(
    "fieldset",
    { class: "flags" },
    h("legend", null, "Police red flags"),
    h("p", { class: "help" }, "Tick any that apply. Any one of these is a reason to call the police."),
    ...flagBoxes.map((b) => b.wrap),
  );

  // ---- offences ----
  const offenceBoxes = ref.offences.map((o) => ({
    code: o.code,
    ...checkbox(
      `${o.label} — ${o.act} ${o.section}`,
      { checked: f?.offences.includes(o.code) ?? false, value: o.code },
      o.help,
    ),
  }));
  const offences = h(
    "details",
    { class: "offences", open: (f?.offences.length ?? 0) > 0 },
    h("summary", null, "Possible offences (optional)"),
    h(
      "p",
      { class: "help" },
      "Ticking these does not say a crime was committed. It helps the police or the council see what might apply.",
    ),
    h(
      "fieldset",
      null,
      h("legend", { class: "visually-hidden" }, "Possible offences"),
      ...offenceBoxes.map((b) => b.wrap),
    ),
  );

  const summaryPart = withLimit(
    field("Summary (required)", summary, "A few words on what happened. Everything else can be added later."),
    summaryLimit,
  );
  const more = [
    h("div", { class: "grid2" }, field("What kind of incident", kind), field("How it happened", channel)),
    kindHelp,
    field("Where", location, "For example: ward surgery at the library, outside my home."),
    online,
    withLimit(field("What was said or done", description, "Word for word where you can."), textLimits[0].l),
    withLimit(
      field(
        "Impact on you",
        impact,
        "How it affected you, your family, your health or your work. This matters when deciding what to do.",
      ),
      textLimits[1].l,
    ),
    withLimit(field("Witnesses", witnesses), textLimits[2].l),
    offences,
  ];
  const el = h("div", { class: "incident-form" }, summaryPart, when, ...more.slice(0, -1), flags, offences);
  syncDanger();

  const read = (): IncidentFields | { error: string; focus?: HTMLElement } => {
    if (!summary.value.trim()) return { error: "Write a short summary of what happened.", focus: summary };
    if (!summaryLimit.fits())
      return {
        error: `The summary is longer than ${SUMMARY_MAX} characters. Shorten it, and put the rest under "What was said or done".`,
        focus: summary,
      };
    const long = textLimits.find((x) => !x.l.fits());
    if (long)
      return { error: "This text is too long to keep in one field. Attach it as a file instead.", focus: long.t };
    let occurred: IncidentFields["occurred"];
    const unchanged =
      start.raw() === initialWhen.start && end.raw() === initialWhen.end && approx.input.checked === initialWhen.approx;
    if (amend && unchanged) {
      occurred = f?.occurred ?? null;
    } else {
      const s0 = start.read();
      const e0 = end.read();
      if (s0 && "error" in s0) return s0;
      if (e0 && "error" in e0) return e0;
      if (!s0) {
        if (!amend) return { error: "Give the day it happened, or press Now.", focus: start.first };
        occurred = null;
      } else {
        // What the read-back says is what is saved (the boxes were filled with the time the form opened).
        const at = s0.instant;
        if (at.getTime() > Date.now() + 5 * 60_000)
          return { error: "That is in the future. Check the date and time.", focus: start.first };
        if (e0 && e0.instant.getTime() < at.getTime())
          return { error: "The end is before the start.", focus: end.first };
        occurred = {
          start: toRfc3339(at),
          end: e0 ? toRfc3339(e0.instant) : null,
          approximate: approx.input.checked || s0.dateOnly,
        };
      }
    }
    return {
      occurred,
      kind: kind.value || null,
      channel: channel.value || null,
      location: location.value.trim(),
      platform: online.hidden ? (f?.platform ?? "") : platform.value.trim(),
      url: online.hidden ? (f?.url ?? "") : url.value.trim(),
      account_handle: online.hidden ? (f?.account_handle ?? "") : handle.value.trim(),
      post_time_shown: online.hidden ? (f?.post_time_shown ?? "") : postTime.value.trim(),
      time_words: timeWords.value.trim(),
      summary: summary.value.trim(),
      description: description.value,
      impact: impact.value,
      witnesses: witnesses.value,
      red_flags: flagBoxes.filter((b) => b.input.checked).map((b) => b.code),
      offences: offenceBoxes.filter((b) => b.input.checked).map((b) => b.code),
    };
  };
  return { el, summary, read, parts: { summary: summaryPart, when, flags, more } };
}

/** A field with its counter and its note under it. */
function withLimit(wrap: HTMLElement, l: { counter: HTMLElement; note: HTMLElement }): HTMLElement {
  append(wrap, l.counter, l.note);
  return wrap;
}
