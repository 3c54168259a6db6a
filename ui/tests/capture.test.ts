import { describe, expect, it } from "vitest";
import type { AttachmentView } from "../src/bindings/AttachmentView";
import { attachmentCard } from "../src/components/attachments";

const base = {
  id: 7,
  incident_id: 1,
  file_name: "photo.jpg",
  media_type: "image/jpeg",
  size: 900,
  sha256: "ab".repeat(32),
  added_at: "2026-11-05T09:30:00Z",
  file_modified_at: null,
  has_preview: false,
  withdrawn: null,
  exif: null,
  capture_method: null,
  device: null,
};

describe("capture times on the attachment card", () => {
  it("labels the capture time with its source and zone, and every time found", () => {
    const card = attachmentCard({
      ...base,
      captured_at: "2005:12:17 10:00:00",
      captured_at_source: "XMP:CreateDate",
      captured_at_label: "created (XMP CreateDate)",
      location: true,
      times: [
        {
          tag: "EXIF:ModifyDate",
          source: "EXIF DateTime",
          kind: "modified",
          value: "2008:07:31 10:38:11",
          offset: null,
          subsec: null,
        },
        {
          tag: "XMP:CreateDate",
          source: "XMP CreateDate",
          kind: "created",
          value: "2005:12:17 10:00:00",
          offset: null,
          subsec: null,
        },
        {
          tag: "File:FileModifyDate",
          source: "file system",
          kind: "file_modified",
          value: "2026:11:01 08:00:00+00:00",
          offset: "+00:00",
          subsec: null,
        },
        {
          tag: "Composite:GPSDateTime",
          source: "EXIF GPSDateStamp and GPSTimeStamp",
          kind: "gps_fix",
          value: "2005:12:17 09:59:58Z",
          offset: "Z",
          subsec: null,
        },
      ],
    } as unknown as AttachmentView);
    const taken = card.querySelector(".capture-time")?.textContent ?? "";
    expect(taken).toContain("2005:12:17 10:00:00");
    expect(taken).toContain("created (XMP CreateDate)");
    expect(taken).toContain("no time zone in the file");
    const items = Array.from(card.querySelectorAll(".time-tags li")).map((li) => li.textContent);
    expect(items).toEqual([
      "modified by software (EXIF DateTime): 2008:07:31 10:38:11, no time zone in the file",
      "created (XMP CreateDate): 2005:12:17 10:00:00, no time zone in the file",
      "file modified (file system): 2026:11:01 08:00:00+00:00, zone +00:00",
      "GPS fix (EXIF GPSDateStamp and GPSTimeStamp): 2005:12:17 09:59:58Z, zone Z",
    ]);
    expect(card.querySelector(".gps-note")?.textContent).toContain("carries GPS coordinates");
  });

  it("a file with only a modify date says it has no capture time, and no GPS line without coordinates", () => {
    const card = attachmentCard({
      ...base,
      captured_at: null,
      captured_at_source: null,
      captured_at_label: null,
      location: false,
      times: [
        {
          tag: "EXIF:ModifyDate",
          source: "EXIF DateTime",
          kind: "modified",
          value: "2008:07:31 10:38:11",
          offset: null,
          subsec: null,
        },
      ],
    } as unknown as AttachmentView);
    expect(card.querySelector(".capture-time")?.textContent).toBe("No capture time in the file");
    expect(card.querySelector(".gps-note")).toBeNull();
  });

  it("an older record without times shows no time rows", () => {
    const card = attachmentCard(base as unknown as AttachmentView);
    expect(card.querySelector(".time-tags")).toBeNull();
    expect(card.querySelector(".capture-time")).toBeNull();
  });
});
