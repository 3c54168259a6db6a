import { describe, expect, it } from "vitest";
import { h, field, select } from "../src/dom";
import { attachmentCard } from "../src/components/attachments";
import { courseOfConduct } from "../src/screens/people";
import { valueText } from "../src/lib/values";
import type { Reference } from "../src/bindings/Reference";

const hostile = "<img src=x onerror=alert(1)>.png";

describe("text-only rendering", () => {
  it("renders strings as text, never markup", () => {
    const el = h("p", null, hostile, " and ", "<b>bold</b>");
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector("b")).toBeNull();
    expect(el.textContent).toBe(`${hostile} and <b>bold</b>`);
  });
  it("refuses innerHTML and inline style", () => {
    // eslint-disable-next-line no-restricted-syntax -- the test proves h() refuses innerHTML at run time
    expect(() => h("div", { innerHTML: "<i>x</i>" })).toThrow();
    expect(() => h("div", { style: "color:red" })).toThrow();
  });
  it("attribute values are escaped by the DOM", () => {
    const el = h("a", { title: `"><script>x</script>` }, "t");
    expect(el.querySelector("script")).toBeNull();
    expect(el.getAttribute("title")).toBe(`"><script>x</script>`);
  });
  it("labels every field control", () => {
    const input = h("input", { type: "text" });
    const f = field("Summary", input, "help text");
    const label = f.querySelector("label");
    expect(label?.getAttribute("for")).toBe(input.id);
    expect(input.getAttribute("aria-describedby")).toBeTruthy();
    const s = select([["a", "A"]], { value: "a" }, "None");
    expect(s.value).toBe("a");
    expect(s.options).toHaveLength(2);
  });
  it("an attachment named like markup shows its name as text", () => {
    const card = attachmentCard({
      id: 1,
      incident_id: 1,
      file_name: hostile,
      size: 10,
      sha256: "a".repeat(64),
      media_type: "application/octet-stream",
      file_modified_at: null,
      exif: null,
      added_at: "2026-11-20T21:30:00.000000Z",
      has_preview: false,
      withdrawn: null,
      captured_at: null,
      captured_at_source: null,
      captured_at_label: null,
      times: [],
      location: null,
      capture_method: null,
      device: null,
    });
    expect(card.querySelector("img")).toBeNull();
    expect(card.querySelector(".file-name")?.textContent).toBe(hostile);
    expect(card.textContent).toContain("aaaaaaaa…aaaa");
  });
  it("shows how a file was captured and on which device, as text", () => {
    const card = attachmentCard(
      {
        id: 2,
        incident_id: 1,
        file_name: "shot.png",
        size: 10,
        sha256: "b".repeat(64),
        media_type: "image/png",
        file_modified_at: null,
        exif: null,
        added_at: "2026-11-20T21:30:00.000000Z",
        has_preview: false,
        withdrawn: null,
        captured_at: null,
        captured_at_source: null,
        captured_at_label: null,
        times: [],
        location: null,
        capture_method: "a screenshot I took on my phone",
        device: hostile,
      },
      () => {},
    );
    const rows = Array.from(card.querySelectorAll("dt")).map((d) => d.textContent);
    expect(rows).toContain("How captured");
    expect(rows).toContain("Device");
    expect(card.textContent).toContain("a screenshot I took on my phone");
    expect(card.querySelector("dd img, dd script")).toBeNull();
    const btn = Array.from(card.querySelectorAll("button")).find((b) => b.textContent === "Change how captured…");
    expect(btn).toBeTruthy();
  });
});

describe("plain words", () => {
  it("says 2 or more incidents can amount to a course of conduct", () => {
    expect(courseOfConduct({ incident_count: 1, first_at: null, last_at: null })).toBeNull();
    const t = courseOfConduct({ incident_count: 3, first_at: "2026-01-02T10:00:00Z", last_at: "2026-03-04T10:00:00Z" });
    expect(t).toContain("2 or more incidents can amount to a course of conduct — harassment");
    expect(t).toContain("2 Jan 2026");
    expect(t).toContain("4 Mar 2026");
  });
  it("turns stored values into text", () => {
    const ref: Reference = {
      kinds: [{ code: "threat_of_harm", label: "Threat of harm", help: "", group: "" }],
      channels: [],
      red_flags: [],
      offences: [
        {
          code: "mca1988_s1",
          act: "Malicious Communications Act 1988",
          section: "s.1",
          label: "Malicious communications",
          help: "",
        },
      ],
    };
    expect(valueText(ref, "kind", "threat_of_harm")).toBe("Threat of harm");
    expect(valueText(ref, "offences", ["mca1988_s1"])).toBe(
      "Malicious communications (Malicious Communications Act 1988 s.1)",
    );
    expect(valueText(ref, "summary", "")).toBe("(empty)");
    expect(valueText(ref, "occurred", { start: "2026-11-20T21:30:00+00:00", end: null, approximate: true })).toMatch(
      /^About /,
    );
  });
});
