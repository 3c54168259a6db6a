import { describe, expect, it, vi } from "vitest";
import type { VaultStatus } from "../src/bindings/VaultStatus";

vi.mock("../src/ipc", () => ({
  vaultAcknowledgeIntegrity: vi.fn(async () => ({ integrity_mark: null })),
}));

const { afterUnlock } = await import("../src/screens/gate");

const ST: VaultStatus = {
  exists: true,
  remembered: false,
  unlocked: true,
  dir: "/v",
  integrity: null,
  notice: null,
  integrity_mark: null,
};

describe("after an unlock", () => {
  it("goes straight on when there is no integrity mark", () => {
    const root = document.createElement("main");
    const done = vi.fn();
    afterUnlock(root, done)(ST);
    expect(done).toHaveBeenCalledWith(ST);
    expect(root.textContent).toBe("");
  });

  it("shows the mark first, and goes on only when asked", () => {
    const root = document.createElement("main");
    const done = vi.fn();
    const st = { ...ST, integrity_mark: { noticed_at: "2026-12-02T11:32:05Z", message: "an older copy was put back" } };
    afterUnlock(root, done)(st);
    expect(done).not.toHaveBeenCalled();
    expect(root.textContent).toContain("an older copy was put back");
    const buttons = [...root.querySelectorAll("button")];
    expect(buttons.map((b) => b.textContent)).toContain("Acknowledge…");
    buttons.find((b) => b.textContent === "Continue for now")?.click();
    expect(done).toHaveBeenCalledWith(st);
  });
});
