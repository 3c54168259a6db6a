/**
 * Incident detail: every field, people, attachments with previews, reports with "Add report",
 * the history as a notebook (original, then each amendment with reason, time, old and new values),
 * "Amend" with a required reason, and withdrawing an attachment.
 */

import type { IncidentDetail } from "../bindings/IncidentDetail";
import type { Reference } from "../bindings/Reference";
import type { ReportFields } from "../bindings/ReportFields";
import { field, h, replace, select, userText, type Child } from "../dom";
import { draftGet, incidentAmend, incidentGet, personLink, personList, personUnlink, reportLog } from "../ipc";
import { DraftKeeper, parseBody, restoreSnapshot, setActiveDraft, snapshot } from "../lib/draft";
import { attachZone } from "../components/attach";
import { attachmentCard, attachmentList, type OnAttachmentChanged } from "../components/attachments";
import { confirmDialog, copyText, errorBox, loading, pageHeading, statusRegion } from "../components/common";
import { dangerPanel, incidentForm } from "../components/incidentForm";
import { isReportTarget, REPORT_TARGETS, roleWords } from "../lib/enums";
import { labelOf, plural } from "../lib/format";
import { formatDate, formatOccurred, formatWhen, parseRfc3339, toDateInput, toRfc3339 } from "../lib/time";
import { whenEntry } from "../components/whenEntry";
import { codeLabel, FIELD_LABELS, valueText } from "../lib/values";
import { session, type Route } from "../state";
import { attachPending, onDiscard } from "./log";

function row(label: string, value: Child, cls = ""): HTMLElement[] {
  return [h("dt", null, label), h("dd", { class: cls }, value)];
}

function textOr(v: string, empty = "Not recorded"): Child {
  return v.trim() ? userText(v) : h("span", { class: "muted" }, empty);
}

function fieldsList(d: IncidentDetail, ref: Reference): HTMLElement {
  const f = d.fields;
  const urlBox = f.url
    ? h(
        "span",
        null,
        h("span", { class: "url" }, userText(f.url)),
        " ",
        h(
          "button",
          { type: "button", class: "link small", "aria-label": "Copy link", onclick: () => void copyText(f.url) },
          "Copy",
        ),
      )
    : textOr("");
  return h(
    "dl",
    { class: "fields" },
    row(
      "When it happened",
      h(
        "span",
        null,
        formatOccurred(f.occurred),
        f.time_words.trim() ? [" — in your words: ", userText(f.time_words)] : null,
      ),
    ),
    row("Recorded", `${formatWhen(d.recorded_at)} (device clock; cannot be edited)`),
    row("Kind", textOr(labelOf(ref.kinds, f.kind))),
    row("How it happened", textOr(labelOf(ref.channels, f.channel))),
    row("Where", textOr(f.location)),
    f.platform || f.url || f.account_handle || f.post_time_shown
      ? [
          row("Platform", textOr(f.platform)),
          row("Link (URL)", urlBox),
          row("Account handle", textOr(f.account_handle)),
          row("Time shown on the post", textOr(f.post_time_shown)),
        ]
      : null,
    row("What was said or done", textOr(f.description), "verbatim"),
    row("Impact on you", textOr(f.impact), "verbatim"),
    row("Witnesses", textOr(f.witnesses), "verbatim"),
    row(
      "Police red flags",
      f.red_flags.length
        ? h("ul", null, ...f.red_flags.map((c) => h("li", null, codeLabel(ref, c))))
        : textOr("", "None ticked"),
    ),
    row(
      "Possible offences",
      f.offences.length
        ? h("ul", null, ...f.offences.map((c) => h("li", null, codeLabel(ref, c))))
        : textOr("", "None tagged"),
    ),
  );
}

function history(d: IncidentDetail, ref: Reference): HTMLElement {
  return h(
    "ol",
    { class: "notebook", "aria-label": "History" },
    ...d.history.map((item) => {
      // The core's words: "Original record", or for an imported incident what it came from and what that proves.
      const title = item.description || "Original record";
      const changes =
        item.kind === "incident.recorded"
          ? null
          : item.changes.length
            ? h(
                "table",
                { class: "changes" },
                h("caption", { class: "visually-hidden" }, `Changes in ${title}`),
                h(
                  "thead",
                  null,
                  h(
                    "tr",
                    null,
                    h("th", { scope: "col" }, "Field"),
                    h("th", { scope: "col" }, "Before"),
                    h("th", { scope: "col" }, "After"),
                  ),
                ),
                h(
                  "tbody",
                  null,
                  ...item.changes.map((c) =>
                    h(
                      "tr",
                      null,
                      h("th", { scope: "row" }, FIELD_LABELS[c.field] ?? c.field),
                      h("td", { class: "old" }, userText(valueText(ref, c.field, c.old))),
                      h("td", { class: "new" }, userText(valueText(ref, c.field, c.new))),
                    ),
                  ),
                ),
              )
            : null;
      return h(
        "li",
        { class: `note kind-${item.kind.replace(/\./g, "-")}` },
        h(
          "p",
          { class: "note-head" },
          h("strong", null, userText(title)),
          " · ",
          formatWhen(item.recorded_at),
          h("span", { class: "muted" }, ` · entry ${item.seq}`),
        ),
        item.reason ? h("p", { class: "reason" }, "Reason: ", userText(item.reason)) : null,
        changes,
      );
    }),
  );
}

/** A report's date in UK words ("2 Dec 2026"), or as typed when it is not a date. */
function reportedOn(v: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(`${v}T12:00:00Z`) : parseRfc3339(v) ? formatWhen(v) : v;
}

function reports(d: IncidentDetail, reload: (msg?: Child) => void): HTMLElement {
  const list = d.reports.length
    ? h(
        "ul",
        { class: "reports" },
        ...d.reports.map((r) =>
          h(
            "li",
            null,
            h(
              "p",
              null,
              h("strong", null, `Reported to ${REPORT_TARGETS[r.fields.to] ?? r.fields.to}`),
              r.fields.organisation ? [" — ", userText(r.fields.organisation)] : "",
              r.fields.reported_on ? ` on ${reportedOn(r.fields.reported_on)}` : "",
            ),
            h(
              "dl",
              { class: "fields compact" },
              r.fields.via ? row("How", r.fields.via) : null,
              r.fields.reference ? row("Reference", r.fields.reference) : null,
              r.fields.officer ? row("Officer or contact", r.fields.officer) : null,
              r.fields.outcome ? row("Outcome", r.fields.outcome) : null,
              r.fields.notes ? row("Notes", r.fields.notes) : null,
            ),
          ),
        ),
      )
    : h("p", { class: "muted" }, "Not reported to anyone yet.");
  const to = select(Object.entries(REPORT_TARGETS), { required: true }, "Choose…");
  const org = h("input", { type: "text" });
  const via = h("input", { type: "text", list: "report-via" });
  // UK order whatever the system's locale; the day alone unless a time is given.
  const on = whenEntry("Date reported", null);
  on.set(new Date(), false);
  const ref = h("input", { type: "text" });
  const officer = h("input", { type: "text" });
  const outcome = h("input", { type: "text" });
  const notes = h("textarea", { rows: "2" });
  const status = statusRegion();
  const form = h(
    "form",
    { class: "report-form", "aria-label": "Add report" },
    h(
      "div",
      { class: "grid2" },
      field("Reported to", to),
      field(
        "Which one",
        org,
        "Platform name, council contact (single point of contact, monitoring officer), police force.",
      ),
    ),
    field("How", via),
    on.el,
    h(
      "datalist",
      { id: "report-via" },
      ...["101", "999", "Online form", "Email", "In person", "Platform report button"].map((v) =>
        h("option", { value: v }),
      ),
    ),
    h("div", { class: "grid2" }, field("Reference or crime number", ref), field("Officer or contact", officer)),
    field("Outcome so far", outcome),
    field("Notes", notes),
    status.el,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save report")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const target = to.value;
    if (!isReportTarget(target)) {
      status.error({ code: "invalid_input", message: "Choose who it was reported to.", hint: null });
      to.focus();
      return;
    }
    const when = on.read();
    if (when && "error" in when) {
      status.error({ code: "invalid_input", message: when.error, hint: null });
      when.focus.focus();
      return;
    }
    const fields: ReportFields = {
      to: target,
      organisation: org.value.trim(),
      via: via.value.trim(),
      reported_on: !when ? "" : when.dateOnly ? toDateInput(when.instant) : toRfc3339(when.instant),
      reference: ref.value.trim(),
      officer: officer.value.trim(),
      outcome: outcome.value.trim(),
      notes: notes.value,
    };
    try {
      await reportLog(d.id, fields);
      reload(`Report saved: reported to ${REPORT_TARGETS[target]}.`);
    } catch (e) {
      status.error(e);
    }
  });
  return h("div", null, list, h("details", { class: "add-report" }, h("summary", null, "Add report"), form));
}

async function peopleSection(d: IncidentDetail, go: (r: Route) => void, reload: () => void): Promise<HTMLElement> {
  const linked = d.people.length
    ? h(
        "ul",
        { class: "linked-people" },
        ...d.people.map((p) => {
          const a = h("a", { href: `#person/${p.id}` }, userText(p.name));
          a.addEventListener("click", (ev) => {
            ev.preventDefault();
            go({ name: "person", id: p.id });
          });
          const remove = h(
            "button",
            { type: "button", class: "link small", "aria-label": `Unlink ${p.name}` },
            "Unlink…",
          );
          remove.addEventListener("click", async () => {
            const reason = h("textarea", { rows: "2", required: true });
            const ok = await confirmDialog({
              title: "Unlink this person from the incident?",
              body: h(
                "div",
                null,
                h("p", null, "The link stays in the history with your reason."),
                field("Reason for unlinking", reason),
              ),
              confirm: "Unlink",
              validate: () => (reason.value.trim() ? null : "Give a reason for unlinking."),
            });
            if (!ok) return;
            try {
              await personUnlink(d.id, p.id, p.role, reason.value.trim());
              session.people = null;
              reload();
            } catch (e) {
              remove.after(errorBox(e));
            }
          });
          return h(
            "li",
            null,
            a,
            h("span", { class: "muted" }, p.role === "witness" ? ` (${roleWords(p.role)}) ` : " "),
            remove,
          );
        }),
      )
    : h("p", { class: "muted" }, "Nobody linked yet.");
  const people = session.people ?? (session.people = await personList());
  const choices = people.filter((p) => !d.people.some((l) => l.id === p.id));
  if (!choices.length) return h("div", null, linked);
  const who = select(
    choices.map((p) => [String(p.id), p.name] as const),
    {},
    "Choose a person…",
  );
  const role = select(
    [
      ["subject", "Did it"],
      ["witness", "Witness"],
    ] as const,
    { value: "subject" },
  );
  const status = statusRegion();
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Link a person" },
    field("Person", who),
    field("Role", role),
    h("button", { type: "submit", class: "secondary" }, "Link person"),
    status.el,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!who.value) return;
    try {
      await personLink(d.id, Number(who.value), role.value as "subject" | "witness");
      session.people = null;
      reload();
    } catch (e) {
      status.error(e);
    }
  });
  return h("div", null, linked, form);
}

/** Renders one incident. */
export async function incidentScreen(id: number, go: (r: Route) => void, notice?: Child): Promise<HTMLElement> {
  const ref = session.reference;
  if (!ref) throw new Error("reference data not loaded");
  const root = h("article", { class: "incident-detail", "aria-label": "Incident" });
  const render = async (msg?: Child) => {
    let d: IncidentDetail;
    try {
      d = await incidentGet(id);
    } catch (e) {
      replace(root, pageHeading("Incident"), errorBox(e));
      return;
    }
    const reload = () => void render();
    // A confirmation is shown at the top and takes the focus, so it is seen and heard (after an amendment or a report).
    const note = msg ? h("div", { class: "notice", role: "status", tabindex: "-1" }, msg) : null;
    const amendBtn = h("button", { type: "button", class: "secondary" }, "Amend…");
    amendBtn.addEventListener("click", () => void amend(d));
    // An amendment typed earlier and not saved is offered back.
    let draftOffer: HTMLElement | null = null;
    try {
      if (await draftGet({ form: "amend", incident_id: d.id })) {
        const resume = h("button", { type: "button", class: "secondary small" }, "Continue the amendment");
        resume.addEventListener("click", () => void amend(d));
        draftOffer = h(
          "p",
          { class: "notice" },
          "You started an amendment of this incident and did not save it. ",
          resume,
        );
      }
    } catch {
      // the draft cannot be read: the incident still shows
    }
    const attachStatus = statusRegion();
    const zone = attachZone(
      async (files) => {
        attachStatus.show(`Attaching ${plural(files.length, "file")}…`);
        const { added, errors } = await attachPending(d.id, files);
        await render(errors.length ? errorBox(errors[0]) : `Attached ${plural(added.length, "file")}.`);
      },
      (e) => attachStatus.error(e),
    );
    // A withdrawal updates its card and the history in place (no page jump, focus kept nearby).
    const historyBox = h("div", null, history(d, ref));
    const onAttachmentChanged: OnAttachmentChanged = async (card, attId) => {
      try {
        const fresh = await incidentGet(d.id);
        const a = fresh.attachments.find((x) => x.id === attId);
        if (a) {
          const next = attachmentCard(a, onAttachmentChanged);
          card.replaceWith(next);
          (next.querySelector("button") as HTMLElement | null)?.focus();
        }
        replace(historyBox, history(fresh, ref));
      } catch (e) {
        card.appendChild(errorBox(e));
      }
    };
    const flagged = d.fields.red_flags.length > 0;
    const danger = flagged ? dangerPanel() : null;
    if (danger) danger.hidden = false;
    replace(
      root,
      danger,
      pageHeading(userText(d.summary), h("div", { class: "head-actions" }, amendBtn)),
      note,
      draftOffer,
      h(
        "p",
        { class: "muted" },
        `Incident ${d.id} · ${formatWhen(d.occurred_at)} · recorded ${formatWhen(d.recorded_at)}`,
      ),
      h("section", { "aria-labelledby": "sec-details" }, h("h2", { id: "sec-details" }, "Details"), fieldsList(d, ref)),
      h(
        "section",
        { "aria-labelledby": "sec-people" },
        h("h2", { id: "sec-people" }, "People"),
        await peopleSection(d, go, reload),
      ),
      h(
        "section",
        { "aria-labelledby": "sec-files" },
        h("h2", { id: "sec-files" }, "Attachments"),
        attachmentList(d.attachments, onAttachmentChanged),
        zone,
        attachStatus.el,
      ),
      h(
        "section",
        { "aria-labelledby": "sec-reports" },
        h("h2", { id: "sec-reports" }, "Reports made"),
        reports(d, (m) => void render(m)),
      ),
      h(
        "section",
        { "aria-labelledby": "sec-history" },
        h("h2", { id: "sec-history" }, "History"),
        h(
          "p",
          { class: "help" },
          "Like a pocket notebook: nothing is rewritten. Each correction is added with its reason.",
        ),
        historyBox,
      ),
    );
    if (note && root.isConnected) {
      note.focus({ preventScroll: true });
      note.scrollIntoView({ block: "center" });
    }
  };
  const amend = async (d: IncidentDetail) => {
    const danger = dangerPanel();
    const form = incidentForm(ref, danger, d.fields);
    const reason = h("textarea", { rows: "2", required: true });
    const status = statusRegion();
    const slot = { form: "amend" as const, incident_id: d.id };
    const discard = h("button", { type: "button", class: "secondary" }, "Discard draft…");
    const cancel = h("button", { type: "button", class: "secondary" }, "Close (keep the draft)");
    cancel.addEventListener("click", async () => {
      await keeper.close();
      void render();
    });
    const el = h(
      "form",
      { class: "amend", "aria-label": "Amend incident", novalidate: true },
      danger,
      pageHeading("Amend incident"),
      h(
        "p",
        { class: "help" },
        "The original stays in the history. Your change is added as an amendment with its reason and the time.",
      ),
      form.el,
      field(
        "Reason for the amendment (required)",
        reason,
        "For example: I remembered the exact time; corrected a typo.",
      ),
      status.el,
      h(
        "div",
        { class: "actions sticky-actions" },
        cancel,
        discard,
        h("button", { type: "submit", class: "primary" }, "Save amendment"),
      ),
    );
    const keeper = new DraftKeeper(
      slot,
      () => ({ v: 1, controls: snapshot(el) }),
      (e) => status.error(e),
    );
    try {
      const kept = await draftGet(slot);
      const body = kept ? parseBody(kept.body) : null;
      if (body) {
        restoreSnapshot(el, body.controls);
        keeper.kept(JSON.stringify({ v: 1, controls: snapshot(el) }));
        status.show("Your unsaved amendment is back, as you left it.");
      }
    } catch (e) {
      status.error(e);
    }
    el.addEventListener("input", () => keeper.schedule());
    el.addEventListener("change", () => keeper.schedule());
    setActiveDraft(keeper);
    onDiscard(
      discard,
      keeper,
      "The amendment you typed",
      () => void render(),
      (e) => status.error(e),
    );
    el.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const fields = form.read();
      if ("error" in fields) {
        status.error({ code: "invalid_input", message: fields.error, hint: null });
        fields.focus?.focus();
        return;
      }
      if (!reason.value.trim()) {
        status.error({ code: "invalid_input", message: "Say why you are amending it.", hint: null });
        reason.focus();
        return;
      }
      try {
        await keeper.flush();
        const changes = await incidentAmend(d.id, reason.value.trim(), fields);
        await keeper.discard().catch(() => {});
        await render(
          changes.length
            ? `Amendment saved: ${plural(changes.length, "field")} changed.`
            : "Nothing was changed, so no amendment was added.",
        );
        (root.querySelector(".notice[tabindex]") as HTMLElement | null)?.focus();
      } catch (e) {
        status.error(e);
      }
    });
    replace(root, el);
    form.summary.focus();
  };
  replace(root, loading());
  await render(notice);
  return root;
}
