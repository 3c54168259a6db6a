// The X clipboard of the test's display, owned by `xclip` (which keeps owning the selection while the app reads it).

import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./harness.js";
import { waitFor } from "./webdriver.js";

/** Puts `bytes` on the CLIPBOARD selection as `type`; returns a function that releases it (kills xclip). */
export async function clipboard(bytes, type) {
  if (!process.env.DISPLAY) throw new Error("DISPLAY is not set: run under xvfb-run (tests/e2e/run.sh does)");
  if (spawnSync("xclip", ["-version"]).error) throw new Error("xclip is missing: apt-get install xclip (scripts/setup.sh)");
  const file = join(tempDir("evident-e2e-clip-"), "clip");
  writeFileSync(file, bytes);
  const xclip = spawn("xclip", ["-quiet", "-selection", "clipboard", "-t", type, "-i", file], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  let exited = null;
  xclip.stderr.on("data", (d) => (err += d));
  xclip.on("exit", (code, sig) => (exited = { code, sig }));
  const release = () => {
    if (exited === null) xclip.kill("SIGTERM");
  };
  process.on("exit", release);
  await waitFor(() => {
    if (exited) throw new Error(`xclip exited (${JSON.stringify(exited)}): ${err}`);
    const r = spawnSync("xclip", ["-o", "-selection", "clipboard", "-t", type], { maxBuffer: 64 << 20 });
    return r.status === 0 && Buffer.compare(r.stdout, Buffer.from(bytes)) === 0;
  }, `xclip to own the clipboard with ${type}`, 10000, 100);
  return release;
}
