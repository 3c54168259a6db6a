// Screenshot of an evidence pack's verify.html after it has checked the pack, in headless Chromium (the system
// /usr/bin/chromium, via playwright-core), opened from file:// with every network request blocked.
// Usage: node tests/pack/shot_verify_html.mjs PATH/TO/verify.html PACK.zip OUT.png
// Prints the page's result line; exits 1 if the check did not pass (a screenshot of a failure is not wanted).
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [html, zip, out] = process.argv.slice(2);
if (!html || !zip || !out) {
  console.error("usage: node shot_verify_html.mjs verify.html PACK.zip OUT.png");
  process.exit(64);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
  await page.route("**/*", (route) => (route.request().url().startsWith("file://") ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.setInputFiles("#zip", resolve(zip));
  await page.waitForFunction(() => ["ok", "fail"].includes(document.getElementById("result").dataset.status),
    null, { timeout: 600000 });
  const status = await page.evaluate(() => document.getElementById("result").dataset.status);
  const result = await page.evaluate(() => document.getElementById("result").textContent.trim());
  console.log(`${status}: ${result}`);
  if (status !== "ok") process.exit(1);
  // The page from the top, down to the checked records' first lines at most (the result comes first).
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({
    path: resolve(out),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1000, height: Math.min(height, Number(process.env.SHOT_HEIGHT || 1600)) },
  });
} finally {
  await browser.close();
}
