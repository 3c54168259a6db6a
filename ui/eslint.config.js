// ESLint for the UI (flat config). `npm run lint` runs it with `prettier --check`; `npm run format` rewrites.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const useDom =
  "Use textContent or build DOM nodes (see h() in src/dom.ts): recorded text must never be parsed as HTML.";

/** Every way of turning a string into HTML, forbidden everywhere (the UI renders recorded text). */
const htmlSinks = {
  "no-restricted-properties": [
    "error",
    { property: "innerHTML", message: `innerHTML parses HTML. ${useDom}` },
    { property: "outerHTML", message: `outerHTML parses HTML. ${useDom}` },
    { property: "insertAdjacentHTML", message: `insertAdjacentHTML parses HTML. ${useDom}` },
    { property: "setHTMLUnsafe", message: `setHTMLUnsafe parses HTML. ${useDom}` },
    { property: "createContextualFragment", message: `createContextualFragment parses HTML. ${useDom}` },
    { object: "document", property: "write", message: `document.write parses HTML. ${useDom}` },
    { object: "document", property: "writeln", message: `document.writeln parses HTML. ${useDom}` },
  ],
  "no-restricted-syntax": [
    "error",
    {
      // Object.assign(el, { innerHTML }) and the like.
      selector:
        "Property > .key[name=/^(innerHTML|outerHTML)$/], Property > Literal.key[value=/^(innerHTML|outerHTML)$/]",
      message: `Setting innerHTML/outerHTML through an object parses HTML. ${useDom}`,
    },
  ],
};

export default defineConfig(
  // Generated from the Rust types by scripts/gen-bindings.sh (ts-rs).
  { ignores: ["dist/", "node_modules/", "src/bindings/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["src/**/*.ts", "tests/**/*.ts"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["*.js", "*.ts"],
    languageOptions: { globals: globals.node },
  },
  { rules: htmlSinks },
);
