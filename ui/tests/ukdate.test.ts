import { describe, expect, it } from "vitest";
import { parseTime24, parseUkDay, readBack, toRfc3339, wallOf, wallToInstant } from "../src/lib/time";
import { whenEntry } from "../src/components/whenEntry";

describe("UK date entry, whatever the locale", () => {
  it("reads day, month, year in UK order", () => {
    expect(parseUkDay("05", "11", "2026")).toEqual({ year: 2026, month: 11, day: 5 });
    expect(parseUkDay("5", "Nov", "26")).toEqual({ year: 2026, month: 11, day: 5 });
    expect(parseUkDay("", "", "")).toBeNull();
    expect(parseUkDay("31", "11", "2026")).toEqual({ error: "There is no day 31 in november 2026." });
    expect(parseUkDay("5", "13", "2026")).toHaveProperty("error");
    expect(parseUkDay("x", "1", "2026")).toHaveProperty("error");
  });
  it("reads 24-hour times", () => {
    expect(parseTime24("09:30")).toEqual({ hour: 9, minute: 30 });
    expect(parseTime24("21.15")).toEqual({ hour: 21, minute: 15 });
    expect(parseTime24("0930")).toEqual({ hour: 9, minute: 30 });
    expect(parseTime24("")).toBeNull();
    expect(parseTime24("9:30 PM")).toHaveProperty("error");
    expect(parseTime24("24:00")).toHaveProperty("error");
  });
  it("5/11/2026 09:30 is 5 November, read back in words", () => {
    const d = parseUkDay("05", "11", "2026");
    const t = parseTime24("09:30");
    if (!d || "error" in d || !t || "error" in t) throw new Error("unparsed");
    const at = wallToInstant(wallOf(d, t))!;
    expect(toRfc3339(at)).toBe("2026-11-05T09:30:00+00:00");
    expect(readBack(at)).toBe("Thursday 5 November 2026, 09:30");
    expect(readBack(wallToInstant("2026-07-01T21:05")!)).toBe("Wednesday 1 July 2026, 21:05");
  });
  it("the entry shows the read-back as the person types, and a day alone is date only", () => {
    const e = whenEntry("When it happened", null);
    document.body.appendChild(e.el);
    const boxes = [...e.el.querySelectorAll("input")];
    expect(boxes.map((b) => b.type)).toEqual(["text", "text", "text", "text"]);
    ["05", "11", "2026"].forEach((v, i) => {
      boxes[i].value = v;
      boxes[i].dispatchEvent(new Event("input"));
    });
    expect(e.el.querySelector(".readback")?.textContent).toBe("Thursday 5 November 2026 (time not given)");
    const v = e.read();
    expect(v && !("error" in v) && v.dateOnly).toBe(true);
    boxes[3].value = "09:30";
    boxes[3].dispatchEvent(new Event("input"));
    expect(e.el.querySelector(".readback")?.textContent).toBe("Thursday 5 November 2026, 09:30");
  });
});
