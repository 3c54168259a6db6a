import { afterEach, describe, expect, it, vi } from "vitest";
import type { AnchorStatus } from "../src/bindings/AnchorStatus";

const hostile = "<img src=x onerror=alert(1)>";
const STATUS: AnchorStatus = {
  enabled: false,
  tsas: [
    { name: "DigiCert", url: "http://timestamp.digicert.com", ca_pem: "" },
    { name: hostile, url: "http://127.0.0.1:9/tsa", ca_pem: "" },
  ],
  last: {
    seq: 4,
    covers_seq: 3,
    covers_hash: "00".repeat(32),
    tsa_url: "http://127.0.0.1:9/tsa",
    tsa_name: hostile,
    gen_time: "2026-12-02T11:32:05Z",
  },
  unanchored: 1,
  oldest_unanchored_at: "2026-12-02T11:40:00Z",
  queued: null,
};

vi.mock("../src/ipc", () => ({
  anchorStatus: vi.fn(async () => STATUS),
  anchorNow: vi.fn(async () => []),
  anchoringSet: vi.fn(async () => STATUS),
  recordFingerprint: vi.fn(async () => "Evident record fingerprint: entry 5, SHA-256 00 (acorn)"),
  tsaAdd: vi.fn(async () => null),
  tsaRemove: vi.fn(async () => undefined),
  toAppError: (e: unknown) => e,
}));

const { trustedTimeSection } = await import("../src/components/trustedTime");

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

describe("the Trusted time section", () => {
  afterEach(() => {
    document.body.replaceChildren();
  });
  it("says where the record stands, with service names as text", async () => {
    const el = trustedTimeSection();
    document.body.appendChild(el);
    await settle();
    const standing = el.querySelector('[role="status"][aria-label="Trusted time"]');
    expect(standing?.textContent).toMatch(/^Last time-stamped .* by <img src=x onerror=alert\(1\)>\./);
    expect(standing?.textContent).toContain("1 entry not time-stamped yet.");
    expect(standing?.textContent).toContain("this computer's clock alone");
    expect(standing?.textContent).toContain("Time-stamping over the network is off, so nothing leaves this computer.");
    expect(el.querySelector("img")).toBeNull();

    const list = el.querySelector('ul[aria-label="Time-stamping services"]');
    expect(list?.querySelectorAll("li")).toHaveLength(2);
    expect(list?.querySelector('button[aria-label="Remove DigiCert"]')).not.toBeNull();
    const toggle = [...el.querySelectorAll("label")].find((l) => l.textContent === "Time-stamp over the network");
    const box = document.getElementById(toggle?.getAttribute("for") ?? "") as HTMLInputElement | null;
    expect(box?.checked).toBe(false);

    expect(el.querySelector('[aria-label="Record fingerprint"]')?.textContent).toMatch(
      /^Evident record fingerprint: entry 5/,
    );
    const buttons = [...el.querySelectorAll("button")].map((b) => b.textContent);
    expect(buttons).toContain("Time-stamp now");
    expect(buttons).toContain("Copy fingerprint");
    expect(buttons).toContain("Choose its CA certificate and add…");
  });
});
