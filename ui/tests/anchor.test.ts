import { afterEach, describe, expect, it, vi } from "vitest";
import type { AnchorAttempt } from "../src/bindings/AnchorAttempt";
import type { AnchorStatus } from "../src/bindings/AnchorStatus";
import {
  attemptLine,
  attemptsHeadline,
  certificateName,
  CLOCK_ALONE,
  FINGERPRINT_HELP,
  hostOf,
  lastStamped,
  offLine,
  pending,
  queuedLine,
  stampTime,
  summaryLine,
  tsaLabel,
  WHAT_IS_SENT,
} from "../src/lib/anchor";

const Z = "Europe/London";
const NOW = new Date("2026-12-02T15:00:00Z");
const DIGICERT = { name: "DigiCert", url: "http://timestamp.digicert.com", ca_pem: "" };

function status(over: Partial<AnchorStatus> = {}): AnchorStatus {
  return {
    enabled: true,
    tsas: [DIGICERT],
    last: null,
    unanchored: 0,
    oldest_unanchored_at: null,
    queued: null,
    ...over,
  };
}

const LAST = {
  seq: 9,
  covers_seq: 8,
  covers_hash: "ab".repeat(32),
  tsa_url: DIGICERT.url,
  tsa_name: "DigiCert SHA256 RSA4096 Timestamp Responder 2025 1",
  gen_time: "2026-12-02T11:32:05Z",
};

describe("trusted time in words", () => {
  it("says when and by whom the record was last time-stamped", () => {
    expect(lastStamped(status({ last: LAST }), NOW, Z)).toBe("Last time-stamped 11:32 today by DigiCert");
    expect(certificateName(status({ last: LAST }))).toBe("DigiCert SHA256 RSA4096 Timestamp Responder 2025 1");
    expect(lastStamped(status(), NOW, Z)).toBe("Not time-stamped yet");
    expect(certificateName(status())).toBeNull();
  });
  it("gives the date when it was not today, in UK time", () => {
    expect(stampTime("2026-07-15T20:30:00Z", NOW, Z)).toMatch(/^Wed,? 15 Jul 2026, 21:30$/);
    expect(stampTime("2026-12-02T00:10:00Z", NOW, Z)).toBe("00:10 today");
  });
  it("counts the entries not time-stamped yet, and says what their time rests on", () => {
    expect(pending(0)).toBe("Every entry is time-stamped");
    expect(pending(1)).toBe("1 entry not time-stamped yet");
    expect(pending(3)).toBe("3 entries not time-stamped yet");
    expect(CLOCK_ALONE).toMatch(/this computer's clock alone/);
    expect(summaryLine(status({ last: LAST, unanchored: 1 }), NOW, Z)).toBe(
      "Last time-stamped 11:32 today by DigiCert · 1 entry not time-stamped yet",
    );
    expect(summaryLine(status({ unanchored: 4 }), NOW, Z)).toBe(
      "Not time-stamped yet · 4 entries not time-stamped yet",
    );
  });
  it("names a service by its listed name, else its host", () => {
    expect(tsaLabel(DIGICERT.url, [DIGICERT])).toBe("DigiCert");
    expect(tsaLabel("http://127.0.0.1:4321/tsa", [DIGICERT])).toBe("127.0.0.1:4321");
    expect(hostOf("http://tsa.example/a/b")).toBe("tsa.example");
  });
  it("says plainly when nothing is sent, and what is sent when it is on", () => {
    expect(offLine(status({ enabled: false }))).toMatch(/off, so nothing leaves this computer/);
    expect(offLine(status({ tsas: [] }))).toMatch(/No time-stamping service/);
    expect(offLine(status())).toBeNull();
    expect(WHAT_IS_SENT).toMatch(/only a fingerprint/);
    expect(WHAT_IS_SENT).toMatch(/never what you wrote/);
  });
  it("explains the record fingerprint in two sentences", () => {
    expect(FINGERPRINT_HELP.split(/(?<=\.)\s/)).toHaveLength(2);
    expect(FINGERPRINT_HELP).toMatch(/single point of contact or a police officer/);
    expect(FINGERPRINT_HELP).toMatch(/existed by the time they received it/);
  });
  it("tells each service's outcome of Time-stamp now", () => {
    const good: AnchorAttempt = { tsa_url: DIGICERT.url, anchor: LAST, already: false, error: null };
    const down: AnchorAttempt = {
      tsa_url: "http://127.0.0.1:4321/tsa",
      anchor: null,
      already: false,
      error: "the time-stamping service at http://127.0.0.1:4321/tsa could not be reached: the connection was refused",
    };
    const same: AnchorAttempt = { tsa_url: DIGICERT.url, anchor: null, already: true, error: null };
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    expect(attemptLine(good, [DIGICERT])).toBe("DigiCert: time-stamped 11:32 today.");
    expect(attemptLine(down, [DIGICERT])).toBe(
      "127.0.0.1:4321: not time-stamped this time. The time-stamping service at http://127.0.0.1:4321/tsa could not be reached: the connection was refused.",
    );
    expect(attemptLine(same, [DIGICERT])).toMatch(/already time-stamped/);
    expect(attemptsHeadline([down, good])).toBe("Time-stamped.");
    expect(attemptsHeadline([down])).toMatch(/^Not time-stamped this time\. Nothing is lost/);
    expect(attemptsHeadline([same])).toMatch(/^Already time-stamped/);
  });
  it("says when a failed try will be repeated", () => {
    const q = {
      attempts: 2,
      last_try_at: "2026-12-02T14:50:00Z",
      next_try_at: "2026-12-02T14:52:00Z",
      last_error: "x",
    };
    expect(queuedLine(q, NOW, Z)).toBe(
      "The last try, 14:50 today, did not work. Evident will try again after 14:52 today.",
    );
  });
});

afterEach(() => {
  vi.useRealTimers();
});
