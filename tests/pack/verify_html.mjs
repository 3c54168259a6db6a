// Drives an evidence pack's verify.html in headless Chromium (the system /usr/bin/chromium, via playwright-core).
// Usage: node tests/pack/verify_html.mjs PATH/TO/verify.html PACK.zip|UNZIPPED_DIR
// Prints one JSON line: {"status": "ok"|"fail", "result": "...", "failures": ["file: message", ...],
// "anchors": ["Entry 12: entries 1 to 11 existed no later than …", ...], "times": ["Incident 2 (entry 3): …", ...]}.
// The page is opened from file:// with every network request blocked.
import { chromium } from "playwright-core";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [html, target] = process.argv.slice(2);
if (!html || !target) {
  console.error("usage: node verify_html.mjs verify.html PACK.zip|DIR");
  process.exit(64);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const requests = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(html)).href);
  if (statSync(target).isDirectory()) {
    await page.setInputFiles("#folder", resolve(target));
  } else {
    await page.setInputFiles("#zip", resolve(target));
  }
  await page.waitForFunction(() => ["ok", "fail"].includes(document.getElementById("result").dataset.status),
    null, { timeout: 600000 });
  const out = await page.evaluate(() => ({
    status: document.getElementById("result").dataset.status,
    result: document.getElementById("result").textContent,
    failures: Array.from(document.querySelectorAll("#failures li"), (li) => li.textContent),
    anchors: Array.from(document.querySelectorAll("#anchors li"), (li) => li.textContent),
    times: Array.from(document.querySelectorAll("#times li"), (li) => li.textContent),
    scope: document.getElementById("time-scope").textContent,
    notes: Array.from(document.querySelectorAll("#notes li"), (li) => li.textContent),
    signature: document.getElementById("signature") ? document.getElementById("signature").textContent : null,
    signing_fingerprint: document.getElementById("signing-fingerprint") ? document.getElementById("signing-fingerprint").textContent : null,
    records: document.getElementById("records") ? document.getElementById("records").textContent : "",
  }));
  out.network_requests = requests;
  out.page_errors = errors;
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
}
