import { describe, expect, it } from "vitest";
import { h } from "../src/dom";
import { charCount, limitLength } from "../src/components/limited";

function setup() {
  const summary = h("input", { type: "text" });
  const description = h("textarea", {});
  const l = limitLength(summary, 300, {
    label: "summary",
    overflow: description,
    overflowLabel: "What was said or done",
  });
  document.body.append(summary, l.counter, l.note, description);
  return { summary, description, l };
}

function paste(el: HTMLElement, text: string): Event {
  const ev = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(ev, "clipboardData", { value: { getData: () => text } });
  el.dispatchEvent(ev);
  return ev;
}

describe("length limits never cut silently", () => {
  it("shows the limit before it bites", () => {
    const { l } = setup();
    expect(l.counter.textContent).toBe("0 of 300 characters");
    expect(l.counter.hidden).toBe(false);
  });
  it("refuses typing past the limit with a calm note", () => {
    const { summary, l } = setup();
    summary.value = "a".repeat(300);
    summary.setSelectionRange(300, 300);
    const ev = new InputEvent("beforeinput", { inputType: "insertText", data: "b", cancelable: true });
    summary.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(l.note.textContent).toContain("holds up to 300 characters");
    expect(l.note.getAttribute("role")).toBe("status");
  });
  it("a 2,000-character paste goes whole into the field that takes it", () => {
    const { summary, description, l } = setup();
    const long = "He wrote: ".concat("word ".repeat(398)).trim();
    expect(charCount(long)).toBeGreaterThan(1900);
    summary.focus();
    const ev = paste(summary, long);
    expect(ev.defaultPrevented).toBe(true);
    expect(summary.value).toBe("");
    expect(description.value).toBe(long);
    expect(l.note.textContent).toContain('all of it went into "What was said or done"');
  });
  it("a short paste goes in as usual", () => {
    const { summary } = setup();
    expect(paste(summary, "short").defaultPrevented).toBe(false);
  });
  it("text already too long is kept and flagged, not cut", () => {
    const { summary, l } = setup();
    summary.value = "x".repeat(400);
    summary.dispatchEvent(new Event("input"));
    expect(summary.value.length).toBe(400);
    expect(l.fits()).toBe(false);
    expect(l.counter.textContent).toBe("400 of 300 characters");
    expect(l.counter.classList.contains("over")).toBe(true);
    expect(l.note.textContent).toContain("Nothing has been cut");
  });
  it("counts characters as the core does (astral characters are one)", () => {
    expect(charCount("😀é")).toBe(2);
  });
});
