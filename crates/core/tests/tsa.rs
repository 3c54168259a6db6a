//! RFC 3161 time stamps against a real TSA on loopback (`openssl ts -reply` behind a tiny HTTP server), checked
//! by the core and by `openssl ts -verify`; refused when for another hash, another request, a certificate without
//! the time-stamping usage, an untrusted CA, or altered bytes; bounded when the service is down, slow or hostile.

#[path = "common/tsa.rs"]
mod tsa_server;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use evident_core::tsa::{self, Limits, TsaConfig};
use evident_core::ErrorKind;
use tsa_server::{Framing, HttpServer, TestResult, TestTsa};

/// A stand-in for a chain head hash.
fn head(seed: u8) -> [u8; 32] {
    let mut d = [0u8; 32];
    for (i, b) in d.iter_mut().enumerate() {
        *b = seed.wrapping_mul(31).wrapping_add(i as u8).wrapping_mul(7);
    }
    d
}

/// The call failed with this kind and a message containing `words`.
fn refused<T: std::fmt::Debug>(
    result: evident_core::Result<T>,
    kind: ErrorKind,
    words: &str,
) -> TestResult {
    match result {
        Ok(v) => Err(format!("expected a {kind:?} error saying {words:?}, got {v:?}").into()),
        Err(e) if e.kind() == kind && e.message().contains(words) => Ok(()),
        Err(e) => Err(format!(
            "expected a {kind:?} error saying {words:?}, got {:?}: {} (hint: {:?})",
            e.kind(),
            e.message(),
            e.hint()
        )
        .into()),
    }
}

/// `openssl ts -verify` on token bytes saved to a file.
fn openssl_verifies(
    t: &TestTsa,
    token: &[u8],
    digest: &[u8; 32],
    name: &str,
) -> TestResult<String> {
    std::fs::write(t.pki.path(name), token)?;
    t.pki.openssl(&[
        "ts",
        "-verify",
        "-digest",
        &hex::encode(digest),
        "-token_in",
        "-in",
        name,
        "-CAfile",
        "ca.crt",
        "-untrusted",
        "inter.crt",
    ])
}

/// The TSTInfo of a token, re-signed with OpenSSL's CMS signer (CAdES: ESS signing-certificate-v2) by `signer`.
fn resign(t: &TestTsa, token: &[u8], signer: &str) -> TestResult<Vec<u8>> {
    std::fs::write(t.pki.path("orig.der"), token)?;
    t.pki.openssl(&[
        "cms",
        "-verify",
        "-noverify",
        "-inform",
        "DER",
        "-in",
        "orig.der",
        "-binary",
        "-out",
        "tst.der",
    ])?;
    let out = format!("{signer}-signed.der");
    t.pki.openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-in",
        "tst.der",
        "-econtent_type",
        "1.2.840.113549.1.9.16.1.4",
        "-signer",
        &format!("{signer}.crt"),
        "-inkey",
        &format!("{signer}.key"),
        "-certfile",
        "inter.crt",
        "-md",
        "sha256",
        "-cades",
        "-nosmimecap",
        "-outform",
        "DER",
        "-out",
        &out,
    ])?;
    Ok(std::fs::read(t.pki.path(&out))?)
}

#[test]
fn token_is_obtained_verified_and_accepted_by_openssl() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let digest = head(1);
    let before = chrono::Utc::now().timestamp();
    let stamp = tsa::stamp(&t.config()?, &digest)?;
    let after = chrono::Utc::now().timestamp();

    assert_eq!(stamp.imprint, digest);
    assert_eq!(stamp.tsa_name, "Evident Test TSA");
    assert_eq!(stamp.policy, "1.2.3.4.1");
    assert!(
        !stamp.serial.is_empty() && stamp.serial.bytes().all(|b| b.is_ascii_hexdigit()),
        "{}",
        stamp.serial
    );
    let at = chrono::DateTime::parse_from_rfc3339(&stamp.gen_time)?.timestamp();
    assert!(
        stamp.gen_time.ends_with('Z') && stamp.gen_time.len() == 20,
        "{}",
        stamp.gen_time
    );
    assert!(
        before - 1 <= at && at <= after + 1,
        "{} not now",
        stamp.gen_time
    );

    // The request: one POST with the RFC 3161 media types, holding the hash and nothing else about the content.
    let requests = t.server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/tsa"));
    assert_eq!(
        req.header("content-type"),
        Some("application/timestamp-query")
    );
    assert_eq!(req.header("accept"), Some("application/timestamp-reply"));
    assert!(req.body.windows(32).any(|w| w == digest));
    std::fs::write(t.pki.path("sent.tsq"), &req.body)?;
    let text = t
        .pki
        .openssl(&["ts", "-query", "-in", "sent.tsq", "-text"])?;
    for line in [
        "Hash Algorithm: sha256",
        "Policy OID: unspecified",
        "Certificate required: yes",
    ] {
        assert!(text.contains(line), "{line} not in {text}");
    }
    assert!(text.contains("Nonce: 0x"), "{text}");

    // The stored token re-checks offline, to the same stamp, and OpenSSL agrees on the very bytes.
    assert_eq!(
        tsa::verify_token(&stamp.token, &digest, &t.pki.read("ca.crt")?)?,
        stamp
    );
    let out = openssl_verifies(&t, &stamp.token, &digest, "token.der")?;
    assert!(out.contains("Verification: OK"), "{out}");
    Ok(())
}

#[test]
fn ecdsa_token_with_fractional_seconds_and_ess_v1_is_verified() -> TestResult {
    let t = TestTsa::start("tsa_ec")?;
    let digest = head(2);
    let stamp = tsa::stamp(&t.config()?, &digest)?;
    assert_eq!(stamp.tsa_name, "Evident Test EC TSA");
    assert_eq!(stamp.policy, "1.2.3.4.2");
    // clock_precision_digits = 3: up to three digits (DER drops trailing zeros; .000 drops the dot too).
    let frac = stamp
        .gen_time
        .strip_suffix('Z')
        .and_then(|s| s.split_once('.'))
        .map(|(_, f)| f.len());
    assert!(
        frac.is_none_or(|n| (1..=3).contains(&n)),
        "{}",
        stamp.gen_time
    );
    chrono::DateTime::parse_from_rfc3339(&stamp.gen_time)?;
    let out = openssl_verifies(&t, &stamp.token, &digest, "token.der")?;
    assert!(out.contains("Verification: OK"), "{out}");
    Ok(())
}

#[test]
fn chunked_and_close_delimited_replies_are_read() -> TestResult {
    for framing in [Framing::Chunked, Framing::Close] {
        let t = TestTsa::start_framed("tsa_rsa", framing)?;
        let stamp = tsa::stamp(&t.config()?, &head(3))?;
        assert_eq!(stamp.imprint, head(3), "{framing:?}");
    }
    Ok(())
}

#[test]
fn token_for_another_hash_is_refused() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let ca = t.pki.read("ca.crt")?;
    let stamp = tsa::stamp(&t.config()?, &head(4))?;
    refused(
        tsa::verify_token(&stamp.token, &head(5), &ca),
        ErrorKind::Integrity,
        "for another hash",
    )
}

#[test]
fn reply_to_another_request_is_refused_by_its_nonce() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let ca = t.pki.read("ca.crt")?;
    let digest = head(6);
    let (first, first_nonce) = tsa::request(&digest)?;
    let (second, second_nonce) = tsa::request(&digest)?;
    assert_ne!(first_nonce, second_nonce);
    assert_ne!(first, second);
    assert_eq!(first_nonce.len(), 8);
    let reply = tsa::send(&t.server.url(), &first)?;
    // The first reply, offered as the answer to the second request: same hash, valid token, wrong nonce.
    refused(
        tsa::verify_response(&reply, &digest, &second_nonce, &ca),
        ErrorKind::Integrity,
        "nonce is not the one sent",
    )?;
    let stamp = tsa::verify_response(&reply, &digest, &first_nonce, &ca)?;
    // And a reply for another hash, with the right nonce, is refused for its hash.
    refused(
        tsa::verify_response(&reply, &head(7), &first_nonce, &ca),
        ErrorKind::Integrity,
        "for another hash",
    )?;
    assert_eq!(tsa::verify_token(&stamp.token, &digest, &ca)?, stamp);
    Ok(())
}

#[test]
fn signer_without_time_stamping_usage_is_refused() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let ca = t.pki.read("ca.crt")?;
    let digest = head(8);
    let stamp = tsa::stamp(&t.config()?, &digest)?;
    // Control: the same TSTInfo re-signed by the real TSA certificate through OpenSSL's CMS signer is accepted…
    let resigned = resign(&t, &stamp.token, "tsa")?;
    assert_eq!(
        tsa::verify_token(&resigned, &digest, &ca)?.tsa_name,
        "Evident Test TSA"
    );
    // …and by a certificate of the same CA without the time-stamping EKU, refused.
    let forged = resign(&t, &stamp.token, "noeku")?;
    refused(
        tsa::verify_token(&forged, &digest, &ca),
        ErrorKind::Integrity,
        "lacks the time-stamping extended key usage",
    )?;
    // OpenSSL refuses it too.
    assert!(openssl_verifies(&t, &forged, &digest, "forged.der").is_err());
    Ok(())
}

#[test]
fn token_from_an_untrusted_ca_is_refused() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let digest = head(9);
    let stamp = tsa::stamp(&t.config()?, &digest)?;
    refused(
        tsa::verify_token(&stamp.token, &digest, &t.pki.read("other.crt")?),
        ErrorKind::Integrity,
        "does not chain to any of the trusted CA certificates",
    )?;
    // Asking for a stamp with the wrong CA configured gets one, then refuses it.
    let config = TsaConfig {
        url: t.server.url(),
        ca_pem: t.pki.read("other.crt")?,
    };
    refused(
        tsa::stamp(&config, &digest),
        ErrorKind::Integrity,
        "does not chain",
    )?;
    // Both CAs in the file: the right one is found.
    let both = format!("{}{}", t.pki.read("other.crt")?, t.pki.read("ca.crt")?);
    tsa::verify_token(&stamp.token, &digest, &both)?;
    Ok(())
}

#[test]
fn certificate_not_valid_at_the_stamps_time_is_refused() -> TestResult {
    // OpenSSL signs now with a certificate that expired in 2021.
    let t = TestTsa::start("tsa_expired")?;
    refused(
        tsa::stamp(&t.config()?, &head(17)),
        ErrorKind::Integrity,
        "was not valid at the stamp's time",
    )
}

#[test]
fn tampered_tokens_are_refused() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let ca = t.pki.read("ca.crt")?;
    let digest = head(10);
    let stamp = tsa::stamp(&t.config()?, &digest)?;
    let token = &stamp.token;

    // The last byte of the token is the last byte of the RSA signature.
    let mut bad_signature = token.clone();
    if let Some(b) = bad_signature.last_mut() {
        *b ^= 0x01;
    }
    refused(
        tsa::verify_token(&bad_signature, &digest, &ca),
        ErrorKind::Integrity,
        "signature is not valid",
    )?;

    // One digit of genTime inside the signed TSTInfo: still well-formed, no longer what was signed.
    let gen = stamp
        .gen_time
        .replace(['-', ':', 'T'], "")
        .replace('Z', "")
        .into_bytes();
    let at = token
        .windows(gen.len())
        .position(|w| w == gen.as_slice())
        .ok_or("genTime not found in the token")?;
    let mut moved_time = token.clone();
    let digit = &mut moved_time[at + gen.len() - 1];
    *digit = if *digit == b'0' { b'1' } else { b'0' };
    refused(
        tsa::verify_token(&moved_time, &digest, &ca),
        ErrorKind::Integrity,
        "does not match what the service signed",
    )?;

    // The imprint itself changed to another hash: also caught by the signature, before the hash comparison.
    let at = token
        .windows(32)
        .position(|w| w == digest)
        .ok_or("imprint not found in the token")?;
    let mut other_imprint = token.clone();
    other_imprint[at] ^= 0xff;
    let mut other_digest = digest;
    other_digest[0] ^= 0xff;
    refused(
        tsa::verify_token(&other_imprint, &other_digest, &ca),
        ErrorKind::Integrity,
        "does not match what the service signed",
    )?;

    // Cut short, or not a token at all.
    refused(
        tsa::verify_token(&token[..token.len() - 10], &digest, &ca),
        ErrorKind::Integrity,
        "not a CMS structure",
    )?;
    refused(
        tsa::verify_response(b"<html>hello</html>", &digest, &[1; 8], &ca),
        ErrorKind::Integrity,
        "not an RFC 3161 time-stamp response",
    )?;
    Ok(())
}

#[test]
fn refusal_by_the_service_is_reported() -> TestResult {
    // This section only accepts SHA-512 imprints.
    let t = TestTsa::start("tsa_strict")?;
    refused(
        tsa::stamp(&t.config()?, &head(11)),
        ErrorKind::FileUnreadable,
        "refused the request",
    )?;
    refused(
        tsa::stamp(&t.config()?, &head(11)),
        ErrorKind::FileUnreadable,
        "bad algorithm",
    )
}

#[test]
fn bad_ca_file_is_invalid_input_and_nothing_is_sent() -> TestResult {
    let t = TestTsa::start("tsa_rsa")?;
    let digest = head(12);
    for (ca, words) in [
        ("", "holds no PEM certificate"),
        ("just some words\n", "holds no PEM certificate"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "certificate 1 is not a usable X.509 certificate",
        ),
    ] {
        let config = TsaConfig {
            url: t.server.url(),
            ca_pem: ca.into(),
        };
        refused(tsa::stamp(&config, &digest), ErrorKind::InvalidInput, words)?;
        refused(
            tsa::verify_token(&[0x30, 0], &digest, ca),
            ErrorKind::InvalidInput,
            words,
        )?;
    }
    assert_eq!(t.server.requests().len(), 0);
    Ok(())
}

#[test]
fn tsa_down_fails_quickly() -> TestResult {
    let mut t = TestTsa::start("tsa_rsa")?;
    let config = t.config()?;
    t.server.stop();
    let start = Instant::now();
    refused(
        tsa::stamp(&config, &head(13)),
        ErrorKind::FileUnreadable,
        "could not be reached: the connection was refused",
    )?;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    Ok(())
}

#[test]
fn silent_service_times_out() -> TestResult {
    // Reads the request, then waits for the client to give up (or 10 s) without answering.
    let server = HttpServer::start(Box::new(|_req, stream| {
        let mut sink = [0u8; 16];
        let _ = stream.read(&mut sink);
        Ok(())
    }))?;
    let limits = Limits {
        read: Duration::from_secs(1),
        ..Limits::default()
    };
    let (req, _) = tsa::request(&head(14))?;
    let start = Instant::now();
    refused(
        tsa::send_with(&server.url(), &req, &limits),
        ErrorKind::FileUnreadable,
        "did not answer in time",
    )?;
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    Ok(())
}

#[test]
fn https_is_refused_clearly_without_connecting() -> TestResult {
    let server = HttpServer::start(Box::new(|_req, _stream| Ok(())))?;
    let url = format!("https://{}/tsa", server.addr);
    let (req, _) = tsa::request(&head(15))?;
    refused(
        tsa::send(&url, &req),
        ErrorKind::InvalidInput,
        "only http:// is supported for now",
    )?;
    for url in [
        "ftp://example.org/",
        "http://",
        "http://:80/",
        "http://host:99999/",
        "http://a b/",
    ] {
        let err = tsa::send(url, &req).err().ok_or("accepted a bad URL")?;
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidInput,
            "{url}: {}",
            err.message()
        );
    }
    assert_eq!(
        server.connections.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
    Ok(())
}

#[test]
fn hostile_replies_are_capped() -> TestResult {
    let (req, _) = tsa::request(&head(16))?;
    let cap = "more than 256 KiB";

    // Endless body, no length: read up to the cap, then refused.
    let endless = HttpServer::start(Box::new(|_req, stream| {
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\r\n")?;
        let block = [0x41u8; 16 * 1024];
        loop {
            stream.write_all(&block)?;
        }
    }))?;
    let start = Instant::now();
    refused(
        tsa::send(&endless.url(), &req),
        ErrorKind::FileUnreadable,
        cap,
    )?;
    assert!(start.elapsed() < Duration::from_secs(5));

    // Endless chunks.
    let chunks = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?;
        let block = [0x42u8; 4096];
        loop {
            stream.write_all(b"1000\r\n")?;
            stream.write_all(&block)?;
            stream.write_all(b"\r\n")?;
        }
    }))?;
    refused(
        tsa::send(&chunks.url(), &req),
        ErrorKind::FileUnreadable,
        cap,
    )?;

    // A declared huge length is refused before reading it; so is one huge chunk.
    let huge = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\nxx")
    }))?;
    refused(tsa::send(&huge.url(), &req), ErrorKind::FileUnreadable, cap)?;
    let huge_chunk = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\nxx")
    }))?;
    refused(
        tsa::send(&huge_chunk.url(), &req),
        ErrorKind::FileUnreadable,
        cap,
    )?;

    // Endless headers.
    let headers = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"HTTP/1.1 200 OK\r\n")?;
        loop {
            stream.write_all(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")?;
        }
    }))?;
    refused(
        tsa::send(&headers.url(), &req),
        ErrorKind::FileUnreadable,
        "more than 100 headers",
    )?;

    // A redirect is not followed: one request only.
    let redirect = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n",
        )
    }))?;
    refused(
        tsa::send(&redirect.url(), &req),
        ErrorKind::FileUnreadable,
        "does not follow redirects",
    )?;
    assert_eq!(redirect.requests().len(), 1);

    // An error status, and something that is not HTTP.
    let error = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
    }))?;
    refused(
        tsa::send(&error.url(), &req),
        ErrorKind::FileUnreadable,
        "answered HTTP 503",
    )?;
    let junk = HttpServer::start(Box::new(|_req, stream| {
        stream.write_all(b"SSH-2.0-OpenSSH\r\n")
    }))?;
    refused(
        tsa::send(&junk.url(), &req),
        ErrorKind::FileUnreadable,
        "did not answer in HTTP/1.x",
    )?;
    Ok(())
}
