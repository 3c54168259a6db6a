import { describe, expect, it } from "vitest";
import { buildFilter, emptyFilterForm, isFiltered, pageRange } from "../src/lib/filter";
import { fileFamily, formatSize, groupedHash, labelOf, lines, plural, shortHash } from "../src/lib/format";

describe("sizes and hashes", () => {
  it("formats sizes", () => {
    expect(formatSize(0)).toBe("0 bytes");
    expect(formatSize(1)).toBe("1 byte");
    expect(formatSize(1023)).toBe("1023 bytes");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(5 * 1024 * 1024)).toBe("5.0 MB");
    expect(formatSize(300 * 1024 * 1024)).toBe("300 MB");
    expect(formatSize(-1)).toBe("unknown size");
  });
  it("shortens and groups hashes", () => {
    const h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    expect(shortHash(h)).toBe("e3b0c442…b855");
    expect(groupedHash(h).split(" ")).toHaveLength(8);
    expect(groupedHash(h).replace(/ /g, "")).toBe(h);
  });
  it("labels, plurals, lines, families", () => {
    expect(labelOf([{ code: "email", label: "Email" }], "email")).toBe("Email");
    expect(labelOf([], "x")).toBe("x");
    expect(labelOf([], null)).toBe("");
    expect(plural(1, "incident")).toBe("1 incident");
    expect(plural(2, "incident")).toBe("2 incidents");
    expect(lines(" @a \n\n@b\r\n")).toEqual(["@a", "@b"]);
    expect(fileFamily("image/png")).toBe("image");
    expect(fileFamily("application/pdf")).toBe("pdf");
    expect(fileFamily("application/zip")).toBe("archive");
    expect(fileFamily("application/octet-stream")).toBe("other");
  });
});

describe("timeline filter", () => {
  it("an empty form means everything, first page, one extra row to detect more", () => {
    expect(buildFilter(emptyFilterForm())).toEqual({
      text: null,
      from: null,
      to: null,
      person_id: null,
      kind: null,
      channel: null,
      reported: null,
      limit: 101,
      offset: 0,
    });
    expect(isFiltered(emptyFilterForm())).toBe(false);
  });
  it("maps every control", () => {
    const f = {
      text: " threat ",
      from: "2026-01-01",
      to: "2026-02-01",
      personId: "7",
      kind: "threat_of_harm",
      channel: "email",
      reported: "no",
    };
    expect(buildFilter(f, 2, 50)).toEqual({
      text: "threat",
      from: "2026-01-01",
      to: "2026-02-01",
      person_id: 7,
      kind: "threat_of_harm",
      channel: "email",
      reported: false,
      limit: 51,
      offset: 100,
    });
    expect(isFiltered(f)).toBe(true);
    expect(buildFilter({ ...f, reported: "yes" }).reported).toBe(true);
  });
  it("swaps a reversed date range and ignores a bad person id", () => {
    const f = { ...emptyFilterForm(), from: "2026-05-01", to: "2026-01-01", personId: "abc" };
    const b = buildFilter(f);
    expect([b.from, b.to]).toEqual(["2026-01-01", "2026-05-01"]);
    expect(b.person_id).toBeNull();
  });
  it("words the page range", () => {
    expect(pageRange(0, 0)).toBe("No incidents");
    expect(pageRange(1, 40)).toBe("Showing 101–140");
  });
});
