// Starting and stopping the real app under tauri-driver, with a throwaway vault; PNG and /proc helpers.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { deflateSync } from "node:zlib";
import { Session, waitFor } from "./webdriver.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const APP = process.env.EVIDENT_APP ?? join(REPO, "target", "debug", "evident");
export const SHOTS = process.env.EVIDENT_SCREENSHOTS ?? join(REPO, "docs", "screenshots");

/** A fresh, empty temporary folder. */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A TCP port nobody listens on now (others may run tauri-driver on 4444 on the same machine). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts `tauri-driver` on `port` (default: a free one) with `EVIDENT_VAULT=vault` and any extra `env` (e.g.
 * `EVIDENT_TEST_EXPORT_DIR`, read by test builds only) in its environment (it reaches the app), opens a session
 * on the app binary and returns `{ session, driver, startedAt, stop }`.
 * tauri-driver has no per-session environment, so each vault gets its own driver process.
 */
export async function launch({ vault, port, nativePort, env = {} }) {
  port = port ?? (await freePort());
  nativePort = nativePort ?? (await freePort());
  if (!existsSync(APP)) throw new Error(`app binary not found at ${APP}: build it with --features evident/custom-protocol,evident/test-hooks`);
  const bin = process.env.TAURI_DRIVER ?? "tauri-driver";
  const log = [];
  const driver = spawn(bin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env, EVIDENT_VAULT: vault, RUST_BACKTRACE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: stopping it stops WebKitWebDriver and the app too
  });
  driver.stdout.on("data", (d) => log.push(String(d)));
  driver.stderr.on("data", (d) => log.push(String(d)));
  let exited = null;
  driver.on("exit", (code, sig) => (exited = { code, sig }));
  // If the test run itself dies, take the driver, WebKitWebDriver and the app with it.
  const reap = () => {
    if (exited === null) {
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", reap);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (exited) throw new Error(`tauri-driver exited early (${JSON.stringify(exited)}): ${log.join("").slice(-800)}`);
    const r = await fetch(`${base}/status`).catch(() => null);
    // Ours, not another driver on that port: still running after answering.
    return r !== null && exited === null;
  }, `tauri-driver on port ${port}`, 20000, 150);
  const session = new Session(base);
  const startedAt = performance.now();
  await session.start(APP);
  await session.setTimeouts({ script: 120000, implicit: 0 });
  const stop = async () => {
    try {
      await session.end();
    } catch {
      // the app may already be gone
    }
    if (exited === null && driver.pid) {
      try {
        process.kill(-driver.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await waitFor(() => exited !== null, "tauri-driver to stop", 5000).catch(() => {
        try {
          process.kill(-driver.pid, "SIGKILL");
        } catch {
          // already gone
        }
      });
    }
  };
  return { session, driver, startedAt, stop, log };
}

// ---------- PNG ----------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real RGB PNG of `w`×`h` with a pattern seeded by `seed` (so each test file has distinct bytes). */
export function makePng(w, h, seed = 1) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 8 + seed * 31) & 0xff;
      raw[o + 1] = (y * 8 + seed * 17) & 0xff;
      raw[o + 2] = ((x ^ y) * 4 + seed) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Width and height of a PNG file's bytes, or null if it is not a PNG. */
export function pngSize(buf) {
  if (buf.length < 24 || buf.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a" || buf.subarray(12, 16).toString("ascii") !== "IHDR") return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

// ---------- /proc ----------

function procStatus(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const get = (k) => s.match(new RegExp(`^${k}:\\s*(.*)$`, "m"))?.[1] ?? "";
    let pssKb = 0;
    try {
      pssKb = Number.parseInt(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s*(\d+)/m)?.[1] ?? "0", 10);
    } catch {
      // not readable: leave 0
    }
    return { name: get("Name"), ppid: Number(get("PPid")), rssKb: Number.parseInt(get("VmRSS"), 10) || 0, pssKb };
  } catch {
    return null;
  }
}

/**
 * The app process (whose executable is `APP` and whose environment has `EVIDENT_VAULT=vault`) and its
 * descendants (WebKitWebProcess, WebKitNetworkProcess, …), each with its RSS in KiB.
 */
export function appProcesses(vault) {
  const all = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStatus(d);
    if (st) all.push({ pid: Number(d), ...st });
  }
  const app = all.find((p) => {
    try {
      if (readlinkSync(`/proc/${p.pid}/exe`).replace(/ \(deleted\)$/, "") !== APP) return false;
      return readFileSync(`/proc/${p.pid}/environ`, "utf8").split("\0").includes(`EVIDENT_VAULT=${vault}`);
    } catch {
      return false;
    }
  });
  if (!app) return [];
  const out = [app];
  for (let i = 0; i < out.length; i++) for (const p of all) if (p.ppid === out[i].pid) out.push(p);
  return out;
}
