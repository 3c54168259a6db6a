import { describe, expect, it } from "vitest";
import {
  describeRedaction,
  buildRequest,
  buildSelection,
  defaultInitials,
  emptyPackForm,
  formProblems,
  summaryWords,
  validInitials,
  type PackForm,
} from "../src/lib/pack";

const form = (over: Partial<PackForm> = {}): PackForm => ({
  ...emptyPackForm(),
  recipientName: "DC Jane Officer",
  recipientOrg: "Example Police",
  authorName: "Alex Brown",
  authorContact: "alex@example.invalid",
  ...over,
});

describe("defaultInitials", () => {
  it("takes the first letters of the first and last names", () => {
    expect(defaultInitials("Alex Brown")).toBe("AB");
    expect(defaultInitials("  alex   brown  ")).toBe("AB");
    expect(defaultInitials("Mary Jane van Dyke")).toBe("MD");
  });
  it("uses one letter for one name, and EX when there is none", () => {
    expect(defaultInitials("Cher")).toBe("C");
    expect(defaultInitials("")).toBe("EX");
    expect(defaultInitials("  ")).toBe("EX");
    expect(defaultInitials("— ★")).toBe("EX");
  });
  it("takes accents off and skips punctuation, so the result is always valid", () => {
    expect(defaultInitials("Élise O'Brien")).toBe("EO");
    expect(defaultInitials("(Sam) ‘Smith’")).toBe("SS");
    for (const n of ["Zoë Ångström", "Łukasz Żak", "李 小龍", "x"])
      expect(validInitials(defaultInitials(n))).toBe(true);
  });
});

describe("validInitials", () => {
  it("allows 1 to 4 letters or digits", () => {
    expect(validInitials("AB")).toBe(true);
    expect(validInitials("ab12")).toBe(true);
    expect(validInitials("ABCDE")).toBe(false);
    expect(validInitials("A/B")).toBe(false);
    expect(validInitials("")).toBe(false);
  });
});

describe("summaryWords", () => {
  it("says what will be included and that the rest stays private", () => {
    expect(summaryWords(12, 7)).toBe("12 incidents and 7 exhibits will be included. Everything else stays private.");
    expect(summaryWords(1, 1)).toBe("1 incident and 1 exhibit will be included. Everything else stays private.");
    expect(summaryWords(3, 0)).toBe("3 incidents and no exhibits will be included. Everything else stays private.");
  });
  it("says plainly when nothing matches", () => {
    expect(summaryWords(0, 0)).toMatch(/^No incidents match this choice/);
  });
});

describe("buildSelection", () => {
  it("all", () => {
    expect(buildSelection(form())).toEqual({
      all: true,
      from: null,
      to: null,
      person_id: null,
      kinds: [],
      incident_ids: [],
    });
  });
  it("a date range, swapped when given the wrong way round; one end is enough", () => {
    expect(buildSelection(form({ mode: "dates", from: "2026-11-30", to: "2026-11-01" }))).toMatchObject({
      all: false,
      from: "2026-11-01",
      to: "2026-11-30",
    });
    expect(buildSelection(form({ mode: "dates", to: "2026-11-01" }))).toMatchObject({ from: null, to: "2026-11-01" });
    expect(buildSelection(form({ mode: "dates" }))).toBeNull();
  });
  it("a person, kinds, or chosen incidents (deduplicated, in order)", () => {
    expect(buildSelection(form({ mode: "person", personId: "4" }))).toMatchObject({ person_id: 4, all: false });
    expect(buildSelection(form({ mode: "person", personId: "" }))).toBeNull();
    expect(buildSelection(form({ mode: "kinds", kinds: ["threat_of_harm"] }))).toMatchObject({
      kinds: ["threat_of_harm"],
    });
    expect(buildSelection(form({ mode: "kinds" }))).toBeNull();
    expect(buildSelection(form({ mode: "chosen", chosen: [9, 2, 9] }))).toMatchObject({
      incident_ids: [2, 9],
      all: false,
    });
    expect(buildSelection(form({ mode: "chosen" }))).toBeNull();
  });
  it("only the chosen way counts: other fields left over from switching are ignored", () => {
    const s = buildSelection(form({ mode: "chosen", chosen: [1], from: "2026-01-01", personId: "3", kinds: ["x"] }));
    expect(s).toEqual({ all: false, from: null, to: null, person_id: null, kinds: [], incident_ids: [1] });
  });
});

describe("buildRequest and formProblems", () => {
  it("builds the request, trimmed, with initials from the name by default", () => {
    const r = buildRequest(form({ mode: "chosen", chosen: [1], recipientName: "  DC Jane Officer ", crimeRef: " " }));
    expect(r).toEqual({
      selection: { all: false, from: null, to: null, person_id: null, kinds: [], incident_ids: [1] },
      recipient: { name: "DC Jane Officer", organisation: "Example Police", crime_reference: null },
      author_name: "Alex Brown",
      author_contact: "alex@example.invalid",
      initials: "AB",
      redactions: [],
    });
    expect(buildRequest(form({ initials: "xy", crimeRef: "CRIME/1/26" }))).toMatchObject({
      initials: "XY",
      recipient: { crime_reference: "CRIME/1/26" },
    });
    expect(buildRequest(form({ mode: "kinds" }))).toBeNull();
  });
  it("passes redactions through and describes them in plain words", () => {
    const r = { subject: "incident" as const, id: 3, field: "location", earlier_only: false };
    expect(buildRequest(form({ redactions: [r] }))?.redactions).toEqual([r]);
    expect(describeRedaction(r)).toBe("Incident 3: Where it happened (every value)");
    expect(describeRedaction({ ...r, field: "description", earlier_only: true })).toBe(
      "Incident 3: What was said or done (only what it said before an amendment)",
    );
  });
  it("lists what is missing in plain words", () => {
    expect(formProblems(form())).toEqual([]);
    const p = formProblems({ ...emptyPackForm(), mode: "chosen", initials: "A-B" });
    expect(p).toEqual([
      "Tick the incidents to include.",
      "Say who the pack is for: a name or an organisation.",
      "Give your name for the cover sheet.",
      "Exhibit initials must be 1 to 4 letters or digits, like AB.",
    ]);
    expect(formProblems(form({ recipientName: "", recipientOrg: "Example Police" }))).toEqual([]);
  });
});
