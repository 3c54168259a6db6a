// @vitest-environment node
/**
 * The lint rule that keeps HTML parsing out of the UI really fires: ESLint runs with the project's own
 * eslint.config.js on snippets placed in src/ (where the UI's code lives), as `npm run lint` would.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const uiDir = decodeURIComponent(new URL("..", import.meta.url).pathname);
const eslint = new ESLint({ cwd: uiDir });

async function lint(code: string): Promise<{ ruleId: string | null; message: string; line: number }[]> {
  const [result] = await eslint.lintText(code, { filePath: `${uiDir}src/lint-snippet.ts` });
  return result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line }));
}

const sinks: [string, string][] = [
  ["innerHTML", `export function f(el: HTMLElement, s: string) {\n  el.innerHTML = s;\n}\n`],
  ["innerHTML (read)", `export function f(el: HTMLElement) {\n  return el.innerHTML;\n}\n`],
  ["innerHTML (computed)", `export function f(el: HTMLElement, s: string) {\n  el["innerHTML"] = s;\n}\n`],
  ["outerHTML", `export function f(el: HTMLElement, s: string) {\n  el.outerHTML = s;\n}\n`],
  [
    "insertAdjacentHTML",
    `export function f(el: HTMLElement, s: string) {\n  el.insertAdjacentHTML("beforeend", s);\n}\n`,
  ],
  ["document.write", `export function f(s: string) {\n  document.write(s);\n}\n`],
  [
    "innerHTML in an object",
    `export function f(el: HTMLElement, s: string) {\n  Object.assign(el, { innerHTML: s });\n}\n`,
  ],
];

describe("ESLint forbids HTML sinks", () => {
  it.each(sinks)("%s is an error that points to textContent", async (_name, code) => {
    const messages = await lint(code);
    const sink = messages.filter((m) => m.ruleId === "no-restricted-properties" || m.ruleId === "no-restricted-syntax");
    expect(sink).toHaveLength(1);
    expect(sink[0].line).toBe(2);
    expect(sink[0].message).toMatch(/textContent/);
  });

  it("the same code with textContent and DOM nodes is clean", async () => {
    const code = `export function f(el: HTMLElement, s: string) {\n  el.textContent = s;\n  el.append(document.createElement("b"));\n}\n`;
    expect(await lint(code)).toEqual([]);
  });

  it("applies to the tests too", async () => {
    const [result] = await eslint.lintText(`document.body.innerHTML = "<b>x</b>";\n`, {
      filePath: `${uiDir}tests/lint-snippet.test.ts`,
    });
    expect(result.messages.map((m) => m.ruleId)).toContain("no-restricted-properties");
  });
});
