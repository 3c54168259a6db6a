import { describe, expect, it } from "vitest";
import { longestPattern, passphraseProblems, passphraseStrength } from "../src/lib/strength";

describe("passphrase strength", () => {
  it("calls common passwords very weak, even disguised", () => {
    for (const p of ["password", "P@ssw0rd", "123456789", "qwertyuiop", "letmein1"]) {
      const s = passphraseStrength(p);
      expect(s.score, p).toBeLessThanOrEqual(1);
      expect(s.acceptable, p).toBe(false);
    }
  });
  it("does not reward length made of repeats or runs", () => {
    expect(passphraseStrength("aaaaaaaaaaaaaaaa").acceptable).toBe(false);
    expect(passphraseStrength("abcdefghijklmnop").acceptable).toBe(false);
    expect(longestPattern("xx1234567yy")).toBe(7);
  });
  it("rates all-digit strings (dates, phone numbers) low", () => {
    expect(passphraseStrength("07700900123").score).toBeLessThanOrEqual(2);
  });
  it("rates four random words strong and six very strong", () => {
    expect(passphraseStrength("correct horse battery staple").score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength("lantern orbit meadow quarry violet sprocket").score).toBe(4);
  });
  it("accepts a long mixed passphrase", () => {
    const s = passphraseStrength("Tq8#mZ2!rW5^kL9");
    expect(s.acceptable).toBe(true);
    expect(s.advice.some((a) => a.includes("10 characters"))).toBe(false);
  });
  it("refuses short passphrases whatever their mix and says why", () => {
    const s = passphraseStrength("Tq8#mZ2!");
    expect(s.acceptable).toBe(false);
    expect(s.advice[0]).toMatch(/at least 10 characters/);
  });
  it("is monotone-ish: adding a random word never makes it weaker", () => {
    const a = passphraseStrength("orbit meadow quarry").log10Guesses;
    const b = passphraseStrength("orbit meadow quarry violet").log10Guesses;
    expect(b).toBeGreaterThan(a);
  });
  it("empty is very weak", () => {
    expect(passphraseStrength("").score).toBe(0);
  });
  it("lists problems for a new passphrase pair", () => {
    expect(passphraseProblems("correct horse battery staple", "correct horse battery staple")).toEqual([]);
    expect(passphraseProblems("correct horse battery staple", "correct horse battery")).toEqual([
      "The two passphrases are not the same.",
    ]);
    expect(passphraseProblems("short", "short")[0]).toMatch(/at least 10/);
  });
});
