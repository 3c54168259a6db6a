// End-to-end: the attachment card in the real app says where each time in a file came from, as exiftool would.
// Three camera files from tests/fixtures/capture are attached to one incident (made with exiftool: one with EXIF
// DateTimeOriginal and a later software edit, to which GPS coordinates are added here with exiftool; one with
// only IFD0 DateTime, the time of an edit; one with only XMP CreateDate). The card must call the first's
// DateTimeOriginal its capture time, never the edit; say the second has no capture time while listing its
// modify date as "modified by software"; take the third's time from XMP; and say plainly when a file carries GPS.
// Then "How I captured it…" records the capture method and device, shown on the card and in the history.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { App, useApp } from "./lib/app.js";
import { REPO, tempDir } from "./lib/harness.js";
import { waitFor } from "./lib/webdriver.js";

const PASS = "amber kettle saddle 73 river";
const SUMMARY = "Photos of the car outside my house";
const CORPUS = join(REPO, "tests", "fixtures", "capture");

/** The three files, the first given GPS coordinates with exiftool. */
function files() {
  const dir = tempDir("evident-e2e-capture-");
  const gps = join(dir, "car-with-gps.jpg");
  copyFileSync(join(CORPUS, "exif-original.jpg"), gps);
  execFileSync("exiftool", [
    "-q",
    "-overwrite_original",
    "-GPSLatitude=51.5007",
    "-GPSLatitudeRef=N",
    "-GPSLongitude=0.1246",
    "-GPSLongitudeRef=W",
    gps,
  ]);
  return [
    { name: "car-with-gps.jpg", bytes: readFileSync(gps), type: "image/jpeg" },
    { name: "edited-later.jpg", bytes: readFileSync(join(CORPUS, "datetime-only.jpg")), type: "image/jpeg" },
    { name: "xmp-only.jpg", bytes: readFileSync(join(CORPUS, "xmp-createdate.jpg")), type: "image/jpeg" },
  ];
}

/** The text of the attachment card holding `name`. */
async function card(app, name) {
  return waitFor(async () => {
    const t = await app.s.exec(
      "return [...document.querySelectorAll('li.attachment')].map((c) => c.innerText).find((t) => t.includes(arguments[0])) ?? null;",
      name,
    );
    return t;
  }, `the card of ${name}`);
}

describe("Capture times on the attachment card, end to end", () => {
  let run;
  /** @type {App} */
  let app;
  const ctx = useApp("capture-", () => ({ vault: tempDir("evident-e2e-capture-vault-") }));
  before(() => ({ run, app } = ctx));

  test("create a vault and attach three camera files", async () => {
    await app.createVault(PASS);
    await app.goTo("Log incident", "Log an incident");
    await app.fill("Summary (required)", SUMMARY);
    await app.dropFiles(files());
    const pending = await app.byRole("list", "Files to attach");
    await app.itemContaining(pending, "xmp-only.jpg");
    await app.click("button", "Save incident");
    await app.byRole("heading", SUMMARY, { timeout: 30000 });
  });

  test("each time is labelled with where it came from; a modify date is never the capture time", async () => {
    const gps = await card(app, "car-with-gps.jpg");
    assert.match(gps, /Taken\s+2021:03:04 05:06:07 — captured \(EXIF DateTimeOriginal\), no time zone in the file/, gps);
    assert.match(gps, /modified by software \(EXIF DateTime\): 2022:01:02 03:04:05/, gps);
    assert.match(gps, /Location\s+This file carries GPS coordinates/, gps);

    const edited = await card(app, "edited-later.jpg");
    assert.match(edited, /Taken\s+No capture time in the file/, edited);
    assert.match(edited, /modified by software \(EXIF DateTime\): 2008:07:31 10:38:11/, edited);
    assert.doesNotMatch(edited, /captured \(EXIF DateTime\)/, edited);
    assert.doesNotMatch(edited, /Location/, edited);

    const xmp = await card(app, "xmp-only.jpg");
    assert.match(xmp, /Taken\s+\S+ \S+ — created \(XMP CreateDate\)/, xmp);
    const first = await app.s.exec(
      "return [...document.querySelectorAll('li.attachment')].find((c) => c.innerText.includes('car-with-gps.jpg'));",
    );
    await app.shot("capture-card", first);
  });

  test("how it was captured and on which device: recorded, shown on the card and in the history", async () => {
    const el = await app.s.exec(
      "return [...document.querySelectorAll('li.attachment')].find((c) => c.innerText.includes('car-with-gps.jpg'));",
    );
    await app.click("button", "How I captured car-with-gps.jpg", { within: el });
    const dialog = await app.byRole("dialog", "How did you capture this file?");
    await app.fill("How I captured it", "a photo I took with my phone", { within: dialog });
    await app.fill("Device", "my Pixel 7", { within: dialog });
    await app.click("button", "Save", { within: dialog });
    const shown = await waitFor(async () => {
      const t = await card(app, "car-with-gps.jpg");
      return t.includes("my Pixel 7") ? t : null;
    }, "the card to show the device");
    assert.match(shown, /How captured\s+a photo I took with my phone/, shown);
    assert.match(shown, /Device\s+my Pixel 7/, shown);
    const page = await app.s.exec("return document.querySelector('main').innerText;");
    assert.match(page, /described: how captured: a photo I took with my phone; device: my Pixel 7/, "in the history");
  });
});
