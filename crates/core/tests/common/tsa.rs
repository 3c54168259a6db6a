//! A real RFC 3161 time-stamping authority on loopback, for tests: a throwaway PKI made with `openssl` in a
//! temporary folder, and `openssl ts -reply` behind a tiny HTTP server on 127.0.0.1 (one thread, one `openssl`
//! process per request). Include it with `#[path = "common/tsa.rs"] mod tsa_server;`.
//!
//! The PKI: a root CA (`ca.crt`, P-256) → an intermediate CA (`inter.crt`) → two TSA certificates with
//! `extendedKeyUsage = critical, timeStamping` (`tsa.crt`, RSA 2048; `tsaec.crt`, P-384) and one signing
//! certificate without it (`noeku.crt`); plus an unrelated root CA (`other.crt`). `tsa.cnf` has three sections:
//! `tsa_rsa` (SHA-256, ESS v2), `tsa_ec` (SHA-384, ESS v1, genTime with milliseconds) and `tsa_strict`
//! (accepts only SHA-512 imprints, so it refuses Evident's SHA-256 requests), and `tsa_expired` (signs with
//! `expired.crt`, a time-stamping certificate valid only in 2020).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the tests return.
pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

const X509_CNF: &str = "\
[ca_ext]
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
[noeku_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
";

fn tsa_cnf(dir: &Path) -> String {
    let dir = dir.display();
    let common = format!(
        "dir = {dir}\nserial = $dir/serial\ncrypto_device = builtin\ncerts = $dir/inter.crt\n\
         other_policies = 1.2.3.4.5\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\n"
    );
    format!(
        "[tsa]\ndefault_tsa = tsa_rsa\n\
         [tsa_rsa]\n{common}signer_cert = $dir/tsa.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\n\
         ess_cert_id_alg = sha256\n\
         [tsa_ec]\n{common}signer_cert = $dir/tsaec.crt\nsigner_key = $dir/tsaec.key\nsigner_digest = sha384\n\
         default_policy = 1.2.3.4.2\ndigests = sha256\naccuracy = secs:0, millisecs:10\n\
         clock_precision_digits = 3\ness_cert_id_alg = sha1\n\
         [tsa_strict]\n{common}signer_cert = $dir/tsa.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.3\ndigests = sha512\ness_cert_id_alg = sha256\n\
         [tsa_expired]\n{common}signer_cert = $dir/expired.crt\nsigner_key = $dir/expired.key\n\
         signer_digest = sha256\ndefault_policy = 1.2.3.4.4\ndigests = sha256\ness_cert_id_alg = sha256\n"
    )
}

/// `openssl ca` settings for the intermediate CA (only to issue a certificate with chosen dates).
fn ca_cnf(dir: &Path) -> String {
    format!(
        "[ca]\ndefault_ca = inter_ca\n[inter_ca]\ndir = {}\ndatabase = $dir/index.txt\nnew_certs_dir = $dir\n\
         certificate = $dir/inter.crt\nprivate_key = $dir/inter.key\nserial = $dir/ca.serial\ndefault_md = sha256\n\
         policy = any\nunique_subject = no\n[any]\ncommonName = supplied\n",
        dir.display()
    )
}

/// The throwaway PKI and `tsa.cnf`, in a temporary folder that lives as long as this value.
pub struct Pki {
    pub tmp: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> TestResult<Self> {
        let pki = Self {
            tmp: tempfile::tempdir()?,
        };
        std::fs::write(pki.path("x509.cnf"), X509_CNF)?;
        std::fs::write(pki.path("tsa.cnf"), tsa_cnf(pki.dir()))?;
        std::fs::write(pki.path("serial"), "01\n")?;
        pki.root("ca", "/CN=Evident Test Root CA")?;
        pki.root("other", "/CN=Unrelated Test Root CA")?;
        pki.issue(
            "inter",
            "ec:P-256",
            "/CN=Evident Test TSA CA",
            "ca",
            "ca_ext",
            2,
        )?;
        pki.issue(
            "tsa",
            "rsa:2048",
            "/O=Evident Tests/CN=Evident Test TSA",
            "inter",
            "tsa_ext",
            3,
        )?;
        pki.issue(
            "tsaec",
            "ec:P-384",
            "/CN=Evident Test EC TSA",
            "inter",
            "tsa_ext",
            4,
        )?;
        pki.issue(
            "noeku",
            "ec:P-256",
            "/CN=Evident Test Signer Without EKU",
            "inter",
            "noeku_ext",
            5,
        )?;
        pki.issue_expired()?;
        Ok(pki)
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// A file of the PKI as text (`ca.crt`, `other.crt`…).
    pub fn read(&self, name: &str) -> TestResult<String> {
        Ok(std::fs::read_to_string(self.path(name))?)
    }

    /// Runs `openssl` in the PKI folder; its stdout, or an error with its stderr.
    pub fn openssl(&self, args: &[&str]) -> TestResult<String> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir())
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "openssl {} failed: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn key_args(kind: &str) -> Vec<String> {
        match kind.split_once(':') {
            Some(("ec", curve)) => vec![
                "-newkey".into(),
                "ec".into(),
                "-pkeyopt".into(),
                format!("ec_paramgen_curve:{curve}"),
            ],
            _ => vec!["-newkey".into(), kind.into()],
        }
    }

    fn root(&self, name: &str, subject: &str) -> TestResult {
        let mut args: Vec<String> = vec!["req".into(), "-x509".into(), "-nodes".into()];
        args.extend(Self::key_args("ec:P-256"));
        for a in [
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
            "-subj",
            subject,
            "-days",
            "3650",
            "-config",
            "x509.cnf",
            "-extensions",
            "ca_ext",
        ] {
            args.push(a.to_string());
        }
        self.openssl(&args.iter().map(String::as_str).collect::<Vec<_>>())?;
        Ok(())
    }

    fn issue(
        &self,
        name: &str,
        key: &str,
        subject: &str,
        issuer: &str,
        ext: &str,
        serial: u32,
    ) -> TestResult {
        let mut args: Vec<String> = vec!["req".into(), "-new".into(), "-nodes".into()];
        args.extend(Self::key_args(key));
        for a in [
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            subject,
        ] {
            args.push(a.to_string());
        }
        self.openssl(&args.iter().map(String::as_str).collect::<Vec<_>>())?;
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{issuer}.crt"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-set_serial",
            &serial.to_string(),
            "-days",
            "3650",
            "-extfile",
            "x509.cnf",
            "-extensions",
            ext,
            "-out",
            &format!("{name}.crt"),
        ])?;
        Ok(())
    }

    /// `expired.crt`: a time-stamping certificate from the intermediate CA, valid only in 2020.
    fn issue_expired(&self) -> TestResult {
        std::fs::write(self.path("ca.cnf"), ca_cnf(self.dir()))?;
        std::fs::write(self.path("index.txt"), "")?;
        std::fs::write(self.path("ca.serial"), "10\n")?;
        let mut args: Vec<String> = vec!["req".into(), "-new".into(), "-nodes".into()];
        args.extend(Self::key_args("ec:P-256"));
        for a in [
            "-keyout",
            "expired.key",
            "-out",
            "expired.csr",
            "-subj",
            "/CN=Evident Test Expired TSA",
        ] {
            args.push(a.to_string());
        }
        self.openssl(&args.iter().map(String::as_str).collect::<Vec<_>>())?;
        self.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-in",
            "expired.csr",
            "-out",
            "expired.crt",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-extfile",
            "x509.cnf",
            "-extensions",
            "tsa_ext",
            "-notext",
        ])?;
        Ok(())
    }
}

/// One HTTP request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request: write the whole answer to the stream.
pub type Handler = dyn Fn(&Request, &mut TcpStream) -> std::io::Result<()> + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (one connection at a time), stopped on [`HttpServer::stop`] or drop.
pub struct HttpServer {
    pub addr: SocketAddr,
    /// Every request answered, in order.
    pub requests: Arc<Mutex<Vec<Request>>>,
    /// Every connection accepted (including ones that sent no request).
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    pub fn start(handler: Box<Handler>) -> TestResult<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, connections, stop) =
                (requests.clone(), connections.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut stream) = conn else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                    if let Ok(req) = read_request(&mut stream) {
                        if let Ok(mut seen) = requests.lock() {
                            seen.push(req.clone());
                        }
                        let _ = handler(&req, &mut stream);
                        let _ = stream.flush();
                    }
                }
                // The listener is dropped here: from now on connections are refused.
            })
        };
        Ok(Self {
            addr,
            requests,
            connections,
            stop,
            thread: Some(thread),
        })
    }

    /// The server's URL, `http://127.0.0.1:PORT/tsa`.
    pub fn url(&self) -> String {
        format!("http://{}/tsa", self.addr)
    }

    /// Stops serving: the port then refuses connections ("the TSA is down").
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_request(stream: &mut TcpStream) -> std::io::Result<Request> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Err(bad("headers too long"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(bad("closed before the headers ended"));
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    };
    let head = String::from_utf8_lossy(buf.get(..end).unwrap_or_default()).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf.get(end + 4..).unwrap_or_default().to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(bad("closed before the body ended"));
        }
        body.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    body.truncate(len);
    Ok(Request {
        method,
        path,
        headers,
        body,
    })
}

/// How a handler frames its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    ContentLength,
    Chunked,
    /// No length: the body ends when the connection closes.
    Close,
}

/// Writes a 200 answer with `body`, framed as asked.
pub fn reply(stream: &mut TcpStream, body: &[u8], framing: Framing) -> std::io::Result<()> {
    let ct = "Content-Type: application/timestamp-reply\r\n";
    match framing {
        Framing::ContentLength => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)
        }
        Framing::Chunked => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\n{ct}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            )?;
            for part in body.chunks(100) {
                write!(stream, "{:x};ext=1\r\n", part.len())?;
                stream.write_all(part)?;
                stream.write_all(b"\r\n")?;
            }
            stream.write_all(b"0\r\nX-Trailer: yes\r\n\r\n")
        }
        Framing::Close => {
            write!(stream, "HTTP/1.1 200 OK\r\n{ct}Connection: close\r\n\r\n")?;
            stream.write_all(body)
        }
    }
}

/// A handler that answers each query with `openssl ts -reply -section SECTION`, or HTTP 500 if openssl fails.
pub fn openssl_tsa(dir: &Path, section: &str, framing: Framing) -> Box<Handler> {
    let dir = dir.to_path_buf();
    let section = section.to_string();
    let count = AtomicUsize::new(0);
    Box::new(move |req: &Request, stream: &mut TcpStream| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        let (q, r) = (format!("q{n}.tsq"), format!("r{n}.tsr"));
        std::fs::write(dir.join(&q), &req.body)?;
        let ok = Command::new("openssl")
            .args(["ts", "-reply", "-config", "tsa.cnf", "-section", &section])
            .args(["-queryfile", &q, "-out", &r])
            .current_dir(&dir)
            .output()
            .map(|o| {
                if !o.status.success() {
                    eprintln!(
                        "openssl ts -reply failed: {}",
                        String::from_utf8_lossy(&o.stderr)
                    );
                }
                o.status.success()
            })
            .unwrap_or(false);
        match std::fs::read(dir.join(&r)) {
            Ok(body) if ok => reply(stream, &body, framing),
            _ => stream.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
        }
    })
}

/// The PKI and a TSA serving one of its sections.
pub struct TestTsa {
    // Declared first: the server stops before the PKI folder goes.
    pub server: HttpServer,
    pub pki: Pki,
}

impl TestTsa {
    pub fn start(section: &str) -> TestResult<Self> {
        Self::start_framed(section, Framing::ContentLength)
    }

    pub fn start_framed(section: &str, framing: Framing) -> TestResult<Self> {
        let pki = Pki::new()?;
        let server = HttpServer::start(openssl_tsa(pki.dir(), section, framing))?;
        Ok(Self { server, pki })
    }

    /// The TSA as Evident is configured with it: its URL and the root CA.
    pub fn config(&self) -> TestResult<evident_core::tsa::TsaConfig> {
        Ok(evident_core::tsa::TsaConfig {
            url: self.server.url(),
            ca_pem: self.pki.read("ca.crt")?,
        })
    }
}
