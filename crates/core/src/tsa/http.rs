//! HTTP/1.1 over a plain TCP stream, for [`super::send`]: one POST, one bounded answer. Nothing else: no proxy, no
//! redirect, no TLS, no keep-alive.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Instant;

use super::{printable, Limits};
use crate::error::{Error, ErrorKind, Result};

/// POSTs `body` to `url` with the RFC 3161 media types and returns the response body, within `limits`.
pub(super) fn post(url: &str, body: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    let target = HttpUrl::parse(url)?;
    let mut stream = target.connect(url, limits)?;
    let deadline = Instant::now() + limits.total;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: Evident\r\nContent-Type: application/timestamp-query\r\n\
         Accept: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        target.path,
        target.host_header,
        body.len()
    );
    stream
        .set_write_timeout(Some(limits.read))
        .and_then(|()| stream.write_all(head.as_bytes()))
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.flush())
        .map_err(|e| io_failure(url, limits, &e))?;
    let mut reader = HttpReader {
        stream,
        url,
        limits,
        deadline,
        buf: Vec::new(),
        pos: 0,
        // Headers and chunk framing on top of the body: generous, but bounded.
        budget: limits.max_response.saturating_add(64 * 1024),
    };
    reader.response()
}

struct HttpUrl {
    host: String,
    port: u16,
    host_header: String,
    path: String,
}

impl HttpUrl {
    fn parse(url: &str) -> Result<Self> {
        let hint = "Give the service's address as http://host[:port]/path.";
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") {
            return Err(Error::invalid(format!(
                "the time-stamping service address {url} uses https://; only http:// is supported for now"
            ))
            .with_hint(
                "Use the service's http:// address: the token is signed, so it cannot be altered in transit.",
            ));
        }
        if !lower.starts_with("http://") {
            return Err(Error::invalid(format!(
                "the time-stamping service address {url} is not an http:// address"
            ))
            .with_hint(hint));
        }
        let rest = url.get("http://".len()..).unwrap_or_default();
        if rest.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(Error::invalid(format!(
                "the time-stamping service address {url:?} contains spaces or control characters"
            ))
            .with_hint(hint));
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_string(),
        };
        let bad = || {
            Error::invalid(format!(
                "the time-stamping service address {url} has no usable host and port"
            ))
            .with_hint(hint)
        };
        if authority.contains('@') {
            return Err(Error::invalid(format!(
                "the time-stamping service address {url} contains a user name or password, which Evident does not send"
            ))
            .with_hint(hint));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or_else(bad)?)),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let port = match port {
            None => 80,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad)?,
        };
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            host: host.to_string(),
            port,
            host_header: authority.to_string(),
            path,
        })
    }

    fn connect(&self, url: &str, limits: &Limits) -> Result<TcpStream> {
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| {
                network(
                    url,
                    &format!("the name {} could not be resolved ({e})", self.host),
                )
            })?
            .collect();
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, limits.connect) {
                Ok(stream) => {
                    // Best effort: a request this small goes in one segment anyway.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) => io_failure(url, limits, &e),
            None => network(url, &format!("the name {} has no address", self.host)),
        })
    }
}

/// No stamp could be obtained from the service (unreachable, slow, unusable answer).
fn network(url: &str, detail: &str) -> Error {
    Error::new(
        ErrorKind::FileUnreadable,
        format!("the time-stamping service at {url} could not be reached: {detail}"),
    )
    .with_hint("Check the network connection and the service's address, then try again.")
}

fn unusable(url: &str, detail: &str) -> Error {
    Error::new(
        ErrorKind::FileUnreadable,
        format!("the time-stamping service at {url} gave an unusable answer: {detail}"),
    )
    .with_hint("Try again later, or check the service's address.")
}

fn io_failure(url: &str, limits: &Limits, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let detail = match e.kind() {
        K::TimedOut | K::WouldBlock => format!(
            "it did not answer in time (limits: {} s to connect, {} s per read, {} s in all)",
            limits.connect.as_secs(),
            limits.read.as_secs(),
            limits.total.as_secs()
        ),
        K::ConnectionRefused => "the connection was refused (is the service running?)".to_string(),
        K::UnexpectedEof => "it closed the connection before the answer was complete".to_string(),
        _ => e.to_string(),
    };
    network(url, &detail).with_source(std::io::Error::new(e.kind(), e.to_string()))
}

/// A response's status line and headers.
struct Head {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
}

/// Reads one HTTP response from the stream, within the deadline and a byte budget.
struct HttpReader<'a> {
    stream: TcpStream,
    url: &'a str,
    limits: &'a Limits,
    deadline: Instant,
    buf: Vec<u8>,
    pos: usize,
    budget: usize,
}

impl HttpReader<'_> {
    fn too_large(&self) -> Error {
        unusable(
            self.url,
            &format!(
                "it sent more than {} KiB (a time-stamp reply is a few KiB), so the answer was refused",
                self.limits.max_response / 1024
            ),
        )
    }

    /// Reads more bytes into the buffer; false at end of stream.
    fn fill(&mut self) -> Result<bool> {
        if self.budget == 0 {
            return Err(self.too_large());
        }
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io_failure(
                self.url,
                self.limits,
                &std::io::Error::from(std::io::ErrorKind::TimedOut),
            ));
        }
        self.stream
            .set_read_timeout(Some(left.min(self.limits.read)))
            .map_err(|e| io_failure(self.url, self.limits, &e))?;
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut chunk = [0u8; 8192];
        let want = chunk.len().min(self.budget);
        let n = loop {
            match self.stream.read(chunk.get_mut(..want).unwrap_or_default()) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_failure(self.url, self.limits, &e)),
            }
        };
        self.budget -= n;
        self.buf
            .extend_from_slice(chunk.get(..n).unwrap_or_default());
        Ok(n > 0)
    }

    fn eof(&self) -> Error {
        io_failure(
            self.url,
            self.limits,
            &std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
        )
    }

    /// One line without its CRLF (or LF), at most 8 KiB.
    fn line(&mut self) -> Result<String> {
        loop {
            let pending = self.buf.get(self.pos..).unwrap_or_default();
            if let Some(i) = pending.iter().position(|b| *b == b'\n') {
                let raw = pending.get(..i).unwrap_or_default();
                let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
                let line = String::from_utf8_lossy(raw).into_owned();
                self.pos += i + 1;
                return Ok(line);
            }
            if pending.len() > 8192 {
                return Err(unusable(self.url, "a header line is longer than 8 KiB"));
            }
            if !self.fill()? {
                return Err(self.eof());
            }
        }
    }

    /// Exactly `n` bytes.
    fn exact(&mut self, n: usize, out: &mut Vec<u8>) -> Result<()> {
        let mut need = n;
        while need > 0 {
            let pending = self.buf.get(self.pos..).unwrap_or_default();
            if pending.is_empty() && !self.fill()? {
                return Err(self.eof());
            }
            let pending = self.buf.get(self.pos..).unwrap_or_default();
            let take = pending.len().min(need);
            out.extend_from_slice(pending.get(..take).unwrap_or_default());
            self.pos += take;
            need -= take;
        }
        Ok(())
    }

    fn response(&mut self) -> Result<Vec<u8>> {
        // Skip interim 1xx answers (a few at most).
        let Head {
            status,
            reason,
            headers,
        } = {
            let mut interim = 0;
            loop {
                let head = self.head()?;
                if (100..200).contains(&head.status) && interim < 5 {
                    interim += 1;
                    continue;
                }
                break head;
            }
        };
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        if (300..400).contains(&status) {
            let to = header("location").map(printable).unwrap_or_default();
            return Err(unusable(
                self.url,
                &format!(
                    "it redirects (HTTP {status}) to {to:?}; Evident does not follow redirects: configure the \
                     service's final address instead"
                ),
            ));
        }
        if status != 200 {
            return Err(unusable(
                self.url,
                &format!("it answered HTTP {status} {}", printable(&reason)),
            ));
        }
        let max = self.limits.max_response;
        let mut body = Vec::new();
        let chunked =
            header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            loop {
                let line = self.line()?;
                let size = line.split(';').next().unwrap_or_default().trim();
                let size = usize::from_str_radix(size, 16)
                    .map_err(|_| unusable(self.url, "its chunked body is malformed"))?;
                if size == 0 {
                    // Trailers, up to the blank line.
                    while !self.line()?.is_empty() {}
                    break;
                }
                if size > max.saturating_sub(body.len()) {
                    return Err(self.too_large());
                }
                self.exact(size, &mut body)?;
                if !self.line()?.is_empty() {
                    return Err(unusable(self.url, "its chunked body is malformed"));
                }
            }
        } else if let Some(len) = header("content-length") {
            let len: usize = len
                .trim()
                .parse()
                .map_err(|_| unusable(self.url, "its Content-Length is not a number"))?;
            if len > max {
                return Err(self.too_large());
            }
            self.exact(len, &mut body)?;
        } else {
            // Connection: close framing: read to the end.
            loop {
                let pending = self.buf.get(self.pos..).unwrap_or_default();
                if body.len() + pending.len() > max {
                    return Err(self.too_large());
                }
                body.extend_from_slice(pending);
                self.pos = self.buf.len();
                if !self.fill()? {
                    break;
                }
            }
        }
        Ok(body)
    }

    /// Status line and headers.
    fn head(&mut self) -> Result<Head> {
        let status_line = self.line()?;
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let status = parts.next().and_then(|s| s.parse::<u16>().ok());
        let reason = parts.next().unwrap_or_default().to_string();
        let status = match status {
            Some(s) if version.starts_with("HTTP/1.") => s,
            _ => {
                return Err(unusable(
                    self.url,
                    "it did not answer in HTTP/1.x (is this the time-stamping address?)",
                ))
            }
        };
        let mut headers = Vec::new();
        loop {
            let line = self.line()?;
            if line.is_empty() {
                break;
            }
            if headers.len() >= 100 {
                return Err(unusable(self.url, "it sent more than 100 headers"));
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        Ok(Head {
            status,
            reason,
            headers,
        })
    }
}
