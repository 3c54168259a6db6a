/** A new-passphrase pair (twice) with honest, live strength feedback. */

import { field, h, replace, uid } from "../dom";
import { passphraseProblems, passphraseStrength } from "../lib/strength";

/** Inputs plus a `problems()` check for submit. */
export interface NewPassphrase {
  el: HTMLElement;
  first: HTMLInputElement;
  second: HTMLInputElement;
  problems: () => string[];
}

/** Builds the two fields and the strength meter. */
export function newPassphraseFields(labelFirst = "New passphrase", labelSecond = "Type it again"): NewPassphrase {
  const first = h("input", { type: "password", autocomplete: "new-password", spellcheck: "false", required: true });
  const second = h("input", { type: "password", autocomplete: "new-password", spellcheck: "false", required: true });
  const meterId = uid("m");
  const meter = h("meter", {
    id: meterId,
    min: "0",
    max: "4",
    low: "2",
    high: "3",
    optimum: "4",
    value: "0",
    "aria-label": "Passphrase strength",
  });
  const words = h("p", { class: "strength-label", "aria-live": "polite" });
  const advice = h("ul", { class: "strength-advice" });
  const show = () => {
    const s = passphraseStrength(first.value);
    meter.value = first.value ? s.score : 0;
    meter.setAttribute("aria-valuetext", first.value ? s.label : "Nothing typed yet");
    replace(words, first.value ? `Strength: ${s.label}` : "Strength: nothing typed yet");
    words.className = `strength-label s${s.score}`;
    replace(advice, ...s.advice.map((a) => h("li", null, a)));
  };
  first.addEventListener("input", show);
  show();
  const el = h(
    "div",
    { class: "passphrase-pair" },
    field(
      labelFirst,
      first,
      "A passphrase of four or more unrelated words is strong and easy to remember. Nobody, including us, can recover it without the recovery key.",
    ),
    h("div", { class: "strength" }, meter, words, advice),
    field(labelSecond, second),
  );
  return { el, first, second, problems: () => passphraseProblems(first.value, second.value) };
}
