// A real RFC 3161 time-stamping authority on loopback, for end-to-end tests: a throwaway PKI made with `openssl`
// in a temporary folder (root CA → intermediate CA → a TSA certificate with extendedKeyUsage = critical,
// timeStamping), and `openssl ts -reply` behind a small HTTP server on 127.0.0.1. A port of
// crates/core/tests/common/tsa.rs (section tsa_rsa). Every request the server sees is kept, whatever it is, so
// a test can show that nothing else reached it.

import { execFile, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "./harness.js";

const run = promisify(execFile);

const X509_CNF = `[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tsa_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

function tsaCnf(dir) {
  return `[tsa]
default_tsa = tsa_rsa
[tsa_rsa]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
certs = $dir/inter.crt
other_policies = 1.2.3.4.5
ordering = no
tsa_name = yes
ess_cert_id_chain = no
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
`;
}

/** The subject common name of the TSA certificate (what Evident records as the TSA's name). */
export const TSA_NAME = "Evident Test TSA";

function openssl(dir, args) {
  return execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString("utf8");
}

/** Makes the PKI in a new temporary folder; returns the folder. */
export function makePki() {
  const dir = tempDir("evident-e2e-tsa-");
  writeFileSync(join(dir, "x509.cnf"), X509_CNF);
  writeFileSync(join(dir, "tsa.cnf"), tsaCnf(dir));
  writeFileSync(join(dir, "serial"), "01\n");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  openssl(dir, ["req", "-x509", "-nodes", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Evident Test Root CA", "-days", "3650", "-config", "x509.cnf", "-extensions", "ca_ext"]);
  const issue = (name, key, subject, issuer, ext, serial) => {
    openssl(dir, ["req", "-new", "-nodes", ...key, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-set_serial", String(serial), "-days", "3650", "-extfile", "x509.cnf", "-extensions", ext, "-out", `${name}.crt`]);
  };
  issue("inter", ec, "/CN=Evident Test TSA CA", "ca", "ca_ext", 2);
  issue("tsa", ["-newkey", "rsa:2048"], `/O=Evident Tests/CN=${TSA_NAME}`, "inter", "tsa_ext", 3);
  return dir;
}

/**
 * Starts the TSA: `{ url, ca, requests, connections, stop() }`. `requests` holds every request the server read
 * ({ method, url, headers, body }); `connections` counts every connection accepted. After `stop()` the port
 * refuses connections (the service is down).
 */
export async function startTsa() {
  const dir = makePki();
  const requests = [];
  let connections = 0;
  let n = 0;
  const sockets = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, url: req.url, headers: { ...req.headers }, body });
      if (req.method !== "POST" || req.url !== "/tsa") {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not here\n");
        return;
      }
      const i = n++;
      const q = join(dir, `q${i}.tsq`);
      const r = join(dir, `r${i}.tsr`);
      try {
        writeFileSync(q, body);
        await run("openssl", ["ts", "-reply", "-config", "tsa.cnf", "-section", "tsa_rsa", "-queryfile", q, "-out", r], { cwd: dir });
        const reply = readFileSync(r);
        res.writeHead(200, { "Content-Type": "application/timestamp-reply", "Content-Length": reply.length }).end(reply);
      } catch (e) {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(`openssl ts -reply failed: ${e.message}\n`);
      }
    });
  });
  server.on("connection", (s) => {
    connections += 1;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", res);
  });
  const { port } = server.address();
  let stopped = false;
  return {
    dir,
    url: `http://127.0.0.1:${port}/tsa`,
    host: `127.0.0.1:${port}`,
    ca: join(dir, "ca.crt"),
    requests,
    get connections() {
      return connections;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise((res) => server.close(() => res()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

const SHA256_OID = Buffer.from("0609608648016503040201", "hex");

/** The SHA-256 message imprint (hex) of a DER TimeStampReq, or null when it has none. */
export function imprintOf(tsq) {
  const oid = tsq.indexOf(SHA256_OID);
  if (oid < 0) return null;
  const at = tsq.indexOf(Buffer.from([0x04, 0x20]), oid + SHA256_OID.length);
  if (at < 0 || at + 34 > tsq.length) return null;
  return tsq.subarray(at + 2, at + 34).toString("hex");
}
