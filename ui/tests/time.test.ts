import { describe, expect, it } from "vitest";
import {
  formatOccurred,
  isDateOnly,
  formatSpan,
  formatWhen,
  resolveWhen,
  toRfc3339,
  toWallInput,
  wallToInstant,
  zoneOffsetMinutes,
} from "../src/lib/time";

const Z = "Europe/London";

describe("zones and RFC 3339", () => {
  it("knows GMT and BST", () => {
    expect(zoneOffsetMinutes(new Date("2026-01-15T12:00:00Z"), Z)).toBe(0);
    expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), Z)).toBe(60);
  });
  it("formats with the offset", () => {
    expect(toRfc3339(new Date("2026-07-15T20:30:00Z"), Z)).toBe("2026-07-15T21:30:00+01:00");
    expect(toRfc3339(new Date("2026-11-20T21:30:00Z"), Z)).toBe("2026-11-20T21:30:00+00:00");
  });
  it("turns wall time into the right instant in summer and winter", () => {
    expect(wallToInstant("2026-07-15T21:30", Z)?.toISOString()).toBe("2026-07-15T20:30:00.000Z");
    expect(wallToInstant("2026-11-20T21:30", Z)?.toISOString()).toBe("2026-11-20T21:30:00.000Z");
    expect(toWallInput(new Date("2026-07-15T20:30:00Z"), Z)).toBe("2026-07-15T21:30");
  });
  it("handles the spring-forward gap and autumn overlap", () => {
    // 29 March 2026 01:30 does not exist in London: it is taken as 02:30 BST (01:30Z).
    const gap = wallToInstant("2026-03-29T01:30", Z);
    expect(gap).not.toBeNull();
    // 25 October 2026 01:30 happens twice: one of the two is chosen, and it round-trips.
    const overlap = wallToInstant("2026-10-25T01:30", Z) as Date;
    expect(toWallInput(overlap, Z)).toBe("2026-10-25T01:30");
  });
  it("rejects nonsense", () => {
    expect(wallToInstant("yesterday", Z)).toBeNull();
    expect(wallToInstant("2026-13-01T10:00", Z)).toBeNull();
  });
});

describe("when it happened", () => {
  const now = new Date("2026-11-20T18:00:00Z");
  it("defaults to now", () => {
    expect(resolveWhen({ mode: "now", approximate: false }, now, Z)).toEqual({
      start: "2026-11-20T18:00:00+00:00",
      end: null,
      approximate: false,
    });
  });
  it("earlier today uses today's date in the zone", () => {
    expect(resolveWhen({ mode: "earlier_today", timeToday: "09:15", approximate: true }, now, Z)).toEqual({
      start: "2026-11-20T09:15:00+00:00",
      end: null,
      approximate: true,
    });
  });
  it("earlier today just after midnight BST uses the local date, not the UTC date", () => {
    const n = new Date("2026-07-15T23:30:00Z"); // 00:30 on the 16th in London
    expect(resolveWhen({ mode: "earlier_today", timeToday: "00:10", approximate: false }, n, Z)).toEqual({
      start: "2026-07-16T00:10:00+01:00",
      end: null,
      approximate: false,
    });
  });
  it("earlier today cannot be later than now", () => {
    expect(resolveWhen({ mode: "earlier_today", timeToday: "19:00", approximate: false }, now, Z)).toHaveProperty(
      "error",
    );
    expect(resolveWhen({ mode: "earlier_today", approximate: false }, now, Z)).toHaveProperty("error");
  });
  it("picked times keep an approximate flag and an optional end", () => {
    expect(
      resolveWhen({ mode: "picked", picked: "2026-11-01T21:00", end: "2026-11-01T22:30", approximate: true }, now, Z),
    ).toEqual({
      start: "2026-11-01T21:00:00+00:00",
      end: "2026-11-01T22:30:00+00:00",
      approximate: true,
    });
  });
  it("refuses the future and an end before the start", () => {
    expect(resolveWhen({ mode: "picked", picked: "2026-12-01T10:00", approximate: false }, now, Z)).toHaveProperty(
      "error",
    );
    expect(
      resolveWhen({ mode: "picked", picked: "2026-11-01T10:00", end: "2026-11-01T09:00", approximate: false }, now, Z),
    ).toHaveProperty("error");
    expect(resolveWhen({ mode: "picked", approximate: false }, now, Z)).toHaveProperty("error");
  });
  it("shows times in the zone and says 'About' when approximate", () => {
    expect(formatWhen("2026-07-15T20:30:00Z", false, Z)).toContain("21:30");
    expect(formatWhen("2026-07-15T20:30:00Z", true, Z)).toMatch(/^About /);
    expect(formatWhen(null)).toBe("Time not given");
    expect(formatSpan("2026-11-01T21:00:00+00:00", "2026-11-01T22:30:00+00:00", false, Z)).toContain("–");
  });
});

describe("when an incident happened, as the pack says it", () => {
  it("a date alone says 'time not recorded', never 12:00", () => {
    const day = { start: "2026-08-02T11:00:00Z", end: null, approximate: true }; // 12:00 BST
    expect(isDateOnly(day)).toBe(true);
    expect(formatOccurred(day)).toBe("Sun 2 Aug 2026, time not recorded");
    expect(formatOccurred(day)).not.toContain("12:00");
    const winter = { start: "2026-12-02T12:00:00Z", end: null, approximate: true }; // 12:00 GMT
    expect(formatOccurred(winter)).toBe("Wed 2 Dec 2026, time not recorded");
  });
  it("a time, or an approximate time that is not noon, is shown as a time", () => {
    expect(isDateOnly({ start: "2026-08-02T11:00:00Z", end: null, approximate: false })).toBe(false);
    expect(isDateOnly({ start: "2026-08-02T20:30:00Z", end: null, approximate: true })).toBe(false);
    expect(formatOccurred({ start: "2026-08-02T20:30:00Z", end: null, approximate: false })).toContain("21:30");
    expect(formatOccurred(null)).toBe("Time not given");
  });
});
