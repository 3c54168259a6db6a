import { describe, expect, it, vi } from "vitest";
import type { IntegrityMark } from "../src/bindings/IntegrityMark";

const hostile = "<img src=x onerror=alert(1)>";

vi.mock("../src/ipc", () => ({
  vaultAcknowledgeIntegrity: vi.fn(async () => ({ integrity_mark: null })),
}));

const { integrityMarkNotice, markWords, reasonProblem } = await import("../src/components/integrityMark");

const MARK: IntegrityMark = {
  noticed_at: "2026-12-02T11:32:05Z",
  message: "the vault is older than the last one opened on this computer.",
};

describe("integrity mark", () => {
  it("says what was noticed and when, in plain words", () => {
    const w = markWords(MARK);
    expect(w.title).toMatch(/problem/);
    expect(w.text).toContain("the vault is older than the last one opened on this computer.");
    expect(w.text).not.toContain("computer..");
    expect(w.text).toContain("2026");
    expect(w.text).toMatch(/every unlock until you acknowledge it/);
  });

  it("still says something when the message is empty", () => {
    expect(markWords({ ...MARK, message: " " }).text).toMatch(/did not match/);
  });

  it("needs a reason", () => {
    expect(reasonProblem("")).not.toBeNull();
    expect(reasonProblem("   \n")).not.toBeNull();
    expect(reasonProblem("I restored an older backup myself")).toBeNull();
  });

  it("shows the message as text, never as markup", () => {
    const el = integrityMarkNotice({ ...MARK, message: hostile }, () => {});
    expect(el.querySelector("img")).toBeNull();
    expect(el.textContent).toContain(hostile);
    expect(el.querySelector("button")?.textContent).toBe("Acknowledge…");
  });
});

describe("changing keys", () => {
  it("asks for the current secret as well as the new passphrase", async () => {
    const { keyChangeProblems } = await import("../src/screens/vault");
    expect(keyChangeProblems("", [])).toEqual(["Type your current passphrase or your recovery key."]);
    expect(keyChangeProblems("", ["Too short."])).toHaveLength(2);
    expect(keyChangeProblems("old secret", [])).toEqual([]);
    expect(keyChangeProblems("old secret", ["Too short."])).toEqual(["Too short."]);
  });
});
