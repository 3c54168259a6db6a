import { describe, expect, it } from "vitest";
import { hasBidiControls, hashText, showControls, userText } from "../src/dom";
import { attachmentCard } from "../src/components/attachments";
import type { AttachmentView } from "../src/bindings/AttachmentView";

const RLO_NAME = "invoice\u202Egnp.exe";
const SHA = "0123456789abcdef".repeat(4);

describe("bidirectional isolation", () => {
  it("shows reordering controls as visible markers", () => {
    expect(hasBidiControls(RLO_NAME)).toBe(true);
    expect(hasBidiControls("invoice.png")).toBe(false);
    expect(showControls(RLO_NAME)).toBe("invoice⟨RLO⟩gnp.exe");
    expect(showControls("a\u2066b\u2069c\u200Fd")).toBe("a⟨LRI⟩b⟨PDI⟩c⟨RLM⟩d");
    expect(showControls("مرحبا.png")).toBe("مرحبا.png");
  });
  it("isolates user text in <bdi class=user-text>, as text", () => {
    const el = userText(`<b>${RLO_NAME}</b>`);
    expect(el.tagName).toBe("BDI");
    expect(el.classList.contains("user-text")).toBe(true);
    expect(el.querySelector("b")).toBeNull();
    expect(el.textContent).toBe("<b>invoice⟨RLO⟩gnp.exe</b>");
  });
  it("renders hashes left to right", () => {
    const el = hashText(SHA, "hash-full");
    expect(el.getAttribute("dir")).toBe("ltr");
    expect(el.classList.contains("hash")).toBe(true);
    expect(el.textContent).toBe(SHA);
  });
  it("an attachment card shows the marker, a warning, and ltr hashes", () => {
    const a = {
      id: 1,
      file_name: RLO_NAME,
      media_type: "application/octet-stream",
      size: 10,
      sha256: SHA,
      added_at: "2026-11-05T09:30:00Z",
      file_modified_at: null,
      has_preview: false,
      withdrawn: null,
      exif: null,
    } as unknown as AttachmentView;
    const card = attachmentCard(a);
    expect(card.querySelector(".file-name")?.textContent).toBe("invoice⟨RLO⟩gnp.exe");
    expect(card.textContent).not.toContain("\u202E");
    expect(card.querySelector(".bidi-warning")?.textContent).toMatch(/hidden characters that reverse text/);
    const hashes = card.querySelectorAll("code.hash");
    expect(hashes.length).toBe(2);
    for (const c of hashes) expect(c.getAttribute("dir")).toBe("ltr");
  });
  it("a plain name has no warning", () => {
    const card = attachmentCard({
      id: 2,
      file_name: "photo.png",
      media_type: "image/png",
      size: 10,
      sha256: SHA,
      added_at: "2026-11-05T09:30:00Z",
      file_modified_at: null,
      has_preview: false,
      withdrawn: null,
      exif: null,
    } as unknown as AttachmentView);
    expect(card.querySelector(".bidi-warning")).toBeNull();
  });
});
