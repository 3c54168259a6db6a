import { describe, expect, it } from "vitest";
import { h, checkbox, field } from "../src/dom";
import { parseBody, restoreSnapshot, sameSnapshot, snapshot } from "../src/lib/draft";
import { peoplePicker } from "../src/components/peoplePicker";

function form(attach = true) {
  const summary = h("input", { type: "text" });
  const notes = h("textarea", {});
  const kind = h("select", {}, h("option", { value: "" }, "None"), h("option", { value: "threat" }, "Threat"));
  const flag = checkbox("Threat to kill", { value: "threat_to_kill" });
  const search = h("input", { type: "search" });
  const el = h(
    "form",
    null,
    field("Summary (required)", summary),
    field("What was said or done", notes),
    field("What kind of incident", kind),
    flag.wrap,
    field("Find a person", search),
  );
  if (attach) document.body.appendChild(el);
  return { el, summary, notes, kind, flag: flag.input, search };
}

describe("form drafts", () => {
  it("snapshots controls by label and puts them back, firing input and change", () => {
    const a = form();
    const pristine = snapshot(a.el);
    a.summary.value = "He waited outside";
    a.notes.value = "Word for word:\n\u202Eabc";
    a.kind.value = "threat";
    a.flag.checked = true;
    a.search.value = "not kept";
    const snap = snapshot(a.el);
    expect(sameSnapshot(snap, pristine)).toBe(false);
    expect(Object.keys(snap).some((k) => k.includes("Find a person"))).toBe(false);
    expect(snap["text|Summary (required)"]).toBe("He waited outside");
    const body = JSON.stringify({ v: 1, controls: snap });
    // Put back into a form not on the page yet (as a screen is built), keys found by the labels inside it.
    const b = form(false);
    expect(sameSnapshot(snapshot(b.el), pristine)).toBe(true);
    const seen: string[] = [];
    b.el.addEventListener("change", (ev) => seen.push((ev.target as HTMLElement).tagName));
    restoreSnapshot(b.el, parseBody(body)!.controls);
    expect(b.summary.value).toBe("He waited outside");
    expect(b.notes.value).toBe("Word for word:\n\u202Eabc");
    expect(b.kind.value).toBe("threat");
    expect(b.flag.checked).toBe(true);
    expect(seen.length).toBe(4);
    expect(sameSnapshot(snapshot(b.el), snap)).toBe(true);
  });
  it("refuses bodies it did not write", () => {
    expect(parseBody("nonsense")).toBeNull();
    expect(parseBody('{"v":2,"controls":{}}')).toBeNull();
    expect(parseBody('{"v":1,"controls":{"a":"b"}}')?.controls).toEqual({ a: "b" });
  });
});

describe("the new person sub-form", () => {
  it("Enter in the name adds the person and does not submit the form", () => {
    const picker = peoplePicker([]);
    let submitted = 0;
    const f = h("form", null, picker.el, h("button", { type: "submit" }, "Save incident"));
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      submitted++;
    });
    document.body.appendChild(f);
    const name = [...picker.el.querySelectorAll("input")].find(
      (i) => i.labels?.[0]?.textContent === "Name (if known)",
    )!;
    name.value = "Mr Example";
    const ev = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    name.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(submitted).toBe(0);
    expect(picker.newPeople().map((p) => p.name)).toEqual(["Mr Example"]);
    expect(name.value).toBe("");
  });
  it("a person typed but not added is added by takeTyped; a description alone is refused with a reason", () => {
    const picker = peoplePicker([]);
    document.body.appendChild(picker.el);
    const inputs = [...picker.el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")];
    const byLabel = (l: string) => inputs.find((i) => i.labels?.[0]?.textContent === l)!;
    expect(picker.takeTyped()).toBe(true);
    expect(picker.newPeople()).toEqual([]);
    byLabel("Handles or accounts (one per line)").value = "@someone";
    expect(picker.takeTyped()).toBe(true);
    expect(picker.newPeople().map((p) => p.handles)).toEqual([["@someone"]]);
    byLabel("Description").value = "tall, grey car";
    expect(picker.takeTyped()).toBe(false);
    expect(picker.el.textContent).toContain("give a name or a handle, or tick anonymous");
    expect(picker.newPeople().length).toBe(1);
  });
});
