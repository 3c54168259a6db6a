/**
 * Honest passphrase strength feedback, computed locally. It estimates how many guesses an attacker who
 * knows common patterns would need, and turns that into plain words. No network, no big dictionaries.
 */

/** The outcome shown under the passphrase field. */
export interface Strength {
  /** 0 (very weak) .. 4 (very strong). */
  score: 0 | 1 | 2 | 3 | 4;
  /** One or two words: "Very weak" … "Very strong". */
  label: string;
  /** Estimated guesses (log10) an informed attacker needs. */
  log10Guesses: number;
  /** What to do to make it stronger, in plain words (empty when strong). */
  advice: string[];
  /** Whether the app accepts it for a new vault. */
  acceptable: boolean;
}

/** Shortest passphrase accepted at all. */
export const MIN_LENGTH = 10;

const COMMON = [
  "password",
  "passw0rd",
  "qwerty",
  "letmein",
  "welcome",
  "admin",
  "iloveyou",
  "monkey",
  "dragon",
  "football",
  "baseball",
  "sunshine",
  "princess",
  "master",
  "shadow",
  "superman",
  "trustno1",
  "abc123",
  "123456",
  "12345678",
  "123456789",
  "1234567890",
  "111111",
  "000000",
  "changeme",
  "secret",
  "council",
  "councillor",
  "evident",
  "london",
  "england",
  "liverpool",
  "arsenal",
  "chelsea",
  "summer",
  "winter",
  "spring",
  "autumn",
  "freedom",
  "whatever",
  "qwertyuiop",
  "asdfgh",
  "zxcvbn",
];

const KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];

function poolSize(s: string): number {
  let pool = 0;
  if (/[a-z]/.test(s)) pool += 26;
  if (/[A-Z]/.test(s)) pool += 26;
  if (/[0-9]/.test(s)) pool += 10;
  if (/[^a-zA-Z0-9\s]/.test(s)) pool += 33;
  if (/\s/.test(s)) pool += 1;
  if (/[^\p{ASCII}]/u.test(s)) pool += 100;
  return Math.max(pool, 1);
}

/** Length of the longest run of one repeated character or of a simple sequence (abc, 123, qwe). */
export function longestPattern(s: string): number {
  const lower = s.toLowerCase();
  let best = Math.min(lower.length, 1);
  let rep = 1;
  let seq = 1;
  let kb = 1;
  for (let i = 1; i < lower.length; i++) {
    rep = lower[i] === lower[i - 1] ? rep + 1 : 1;
    const d = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    seq = d === 1 || d === -1 ? seq + 1 : 1;
    const pair = lower[i - 1] + lower[i];
    kb = KEYBOARD_ROWS.some((r) => r.includes(pair)) ? kb + 1 : 1;
    best = Math.max(best, rep, seq, kb);
  }
  return best;
}

/** Leetspeak undone, so "P@ssw0rd" is seen as "password". */
function unleet(s: string): string {
  return s
    .toLowerCase()
    .replace(/[@4]/g, "a")
    .replace(/3/g, "e")
    .replace(/[1!|]/g, "i")
    .replace(/0/g, "o")
    .replace(/[$5]/g, "s")
    .replace(/7/g, "t");
}

/**
 * Estimates log10 of the guesses needed. Character-level estimate, reduced for repeats, sequences,
 * keyboard runs and common passwords; word-level estimate for passphrases made of several words.
 */
export function estimateLog10Guesses(pass: string): number {
  if (pass.length === 0) return 0;
  const chars = [...pass];
  // Characters that belong to a repeated/sequential run count for little.
  const patternLen = longestPattern(pass);
  const effectiveLen = Math.max(1, chars.length - Math.max(0, patternLen - 2));
  let log10 = effectiveLen * Math.log10(poolSize(pass));

  const norm = unleet(pass).replace(/[^a-z]/g, "");
  for (const c of COMMON) {
    if (norm.includes(unleet(c).replace(/[^a-z]/g, "")) && c.length >= 5) {
      // The common word costs the attacker a few thousand guesses, not 26^n.
      const rest = Math.max(0, chars.length - c.length);
      log10 = Math.min(log10, 4 + rest * Math.log10(poolSize(pass)) * 0.6);
    }
  }
  if (COMMON.includes(pass.toLowerCase()) || COMMON.includes(unleet(pass))) log10 = Math.min(log10, 2);

  // Passphrases: several words separated by spaces or punctuation. Assume a 7,776-word list (diceware)
  // guessed word by word, which is the honest lower bound for word-based passphrases.
  const words = pass.split(/[\s\-_.,]+/).filter((w) => w.length >= 3);
  if (words.length >= 3) {
    const unique = new Set(words.map((w) => w.toLowerCase())).size;
    const wordLog = unique * Math.log10(7776);
    log10 = Math.min(log10, Math.max(wordLog, log10 * 0.5));
  }
  // All digits: someone's date of birth or phone number.
  if (/^\d+$/.test(pass)) log10 = Math.min(log10, chars.length * 0.8);
  return Math.max(0, log10);
}

/** Strength of a passphrase, with advice in plain words. */
export function passphraseStrength(pass: string): Strength {
  const log10 = estimateLog10Guesses(pass);
  const advice: string[] = [];
  if (pass.length < MIN_LENGTH) advice.push(`Use at least ${MIN_LENGTH} characters.`);
  if (longestPattern(pass) >= 4) advice.push("Avoid repeated letters and runs like 1234 or qwerty.");
  if (log10 < 14)
    advice.push(
      "Several unrelated words make a passphrase that is strong and easy to remember, e.g. four random words.",
    );
  let score: Strength["score"];
  if (log10 < 6) score = 0;
  else if (log10 < 9) score = 1;
  else if (log10 < 12) score = 2;
  else if (log10 < 16) score = 3;
  else score = 4;
  if (pass.length < MIN_LENGTH && score > 1) score = 1;
  const labels = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];
  return {
    score,
    label: labels[score],
    log10Guesses: log10,
    advice: score >= 3 ? advice.filter((a) => !a.startsWith("Several")) : advice,
    acceptable: pass.length >= MIN_LENGTH && score >= 2,
  };
}

/** Why a new passphrase cannot be used yet (empty when it can). */
export function passphraseProblems(pass: string, confirm: string): string[] {
  const out: string[] = [];
  const s = passphraseStrength(pass);
  if (!s.acceptable)
    out.push(
      pass.length < MIN_LENGTH
        ? `The passphrase needs at least ${MIN_LENGTH} characters.`
        : "The passphrase is too easy to guess.",
    );
  if (pass !== confirm) out.push("The two passphrases are not the same.");
  return out;
}
