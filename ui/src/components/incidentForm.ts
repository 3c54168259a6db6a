/**
 * The incident form, shared by "Log an incident" and "Amend": when, kind, channel, where and online
 * details, what was said or done, impact, witnesses, red flags (with the 999 panel) and possible offences.
 */

import type { IncidentFields } from "../bindings/IncidentFields";
import type { Reference } from "../bindings/Reference";
import { append, checkbox, field, h, select, uid } from "../dom";
import { limitLength, SUMMARY_MAX, TEXT_MAX } from "./limited";
import { resolveWhen, toWallInput, parseRfc3339, type WhenMode } from "../lib/time";

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

  // ---- when ----
  const modeName = uid("when");
  const modes: [WhenMode, string][] = amend
    ? [["picked", "Date and time"]]
    : [
        ["now", "Now"],
        ["earlier_today", "Earlier today"],
        ["picked", "Another date and time"],
      ];
  const radios = modes.map(([v, l]) => {
    const id = uid("r");
    const input = h("input", {
      type: "radio",
      name: modeName,
      id,
      value: v,
      checked: v === (amend ? "picked" : "now"),
    });
    return { input, wrap: h("span", { class: "radio" }, input, h("label", { for: id }, l)) };
  });
  const timeToday = h("input", { type: "time" });
  const initialStart = parseRfc3339(f?.occurred?.start);
  const initialEnd = parseRfc3339(f?.occurred?.end);
  const picked = h("input", { type: "datetime-local", value: initialStart ? toWallInput(initialStart) : "" });
  const end = h("input", { type: "datetime-local", value: initialEnd ? toWallInput(initialEnd) : "" });
  const approx = checkbox("The time is approximate", { checked: f?.occurred?.approximate ?? false });
  const todayField = field("Time today", timeToday);
  const pickedField = field("Date and time it happened", picked);
  const endField = field(
    "Ended (optional)",
    end,
    "For something that went on for a while, like someone waiting outside.",
  );
  const syncWhen = () => {
    const mode = radios.find((r) => r.input.checked)?.input.value ?? "now";
    todayField.hidden = mode !== "earlier_today";
    pickedField.hidden = mode !== "picked";
  };
  radios.forEach((r) => r.input.addEventListener("change", syncWhen));
  syncWhen();
  const initialWhen = { picked: picked.value, end: end.value, approx: approx.input.checked };
  const timeWords = h("input", { type: "text", value: f?.time_words ?? "" });
  const when = h(
    "fieldset",
    { class: "when" },
    h("legend", null, "When did it happen?"),
    h("div", { class: "radios" }, ...radios.map((r) => r.wrap)),
    todayField,
    pickedField,
    endField,
    approx.wrap,
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

  const el = h(
    "div",
    { class: "incident-form" },
    withLimit(
      field("Summary (required)", summary, "A few words on what happened. Everything else can be added later."),
      summaryLimit,
    ),
    when,
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
    flags,
    offences,
  );
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
    const mode = (radios.find((r) => r.input.checked)?.input.value ?? "now") as WhenMode;
    const unchanged =
      amend &&
      picked.value === initialWhen.picked &&
      end.value === initialWhen.end &&
      approx.input.checked === initialWhen.approx;
    if (unchanged) {
      occurred = f?.occurred ?? null;
    } else if (amend && mode === "picked" && !picked.value) {
      occurred = null;
    } else {
      const r = resolveWhen({
        mode,
        timeToday: timeToday.value,
        picked: picked.value,
        end: end.value || undefined,
        approximate: approx.input.checked,
      });
      if ("error" in r) return { error: r.error, focus: mode === "earlier_today" ? timeToday : picked };
      occurred = r;
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
  return { el, summary, read };
}

/** A field with its counter and its note under it. */
function withLimit(wrap: HTMLElement, l: { counter: HTMLElement; note: HTMLElement }): HTMLElement {
  append(wrap, l.counter, l.note);
  return wrap;
}
