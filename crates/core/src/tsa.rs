//! RFC 3161 time stamps: ask a time-stamping authority (TSA) to sign "this SHA-256 hash existed at this time",
//! and check what it signed. A leaf: it knows nothing of the journal; the caller passes the 32-byte hash to
//! stamp (the chain head), and only that hash leaves the machine.
//!
//! [`stamp`] is [`request`] + [`send`] + [`verify_response`]; [`verify_token`] re-checks a stored token offline.
//! A token is accepted only if all of these hold, each failing with its own message:
//!
//! 1. it is a CMS SignedData holding a TSTInfo (`id-ct-TSTInfo`, also in the signed content-type attribute),
//!    with exactly one signer, whose signed `messageDigest` attribute is the hash of the TSTInfo bytes, and whose
//!    signature over the signed attributes verifies with the signer certificate's key (RSA PKCS#1 v1.5 and PSS
//!    with SHA-256/384/512, ECDSA P-256/P-384, Ed25519);
//! 2. the signer certificate (found among the token's certificates by issuer and serial number or by subject key
//!    identifier) is the one named by the signed ESS signing-certificate attribute (v2 or v1, RFC 5035/2634);
//! 3. the signer certificate may sign time stamps: extended key usage `id-kp-timeStamping`, critical and alone
//!    (RFC 3161 §2.3, as `openssl ts -verify` requires), and a key usage, if any, that allows signatures;
//! 4. the signer certificate chains to one of the given CA certificates (intermediates may come from the
//!    token), every link's signature checked and every certificate valid at the token's genTime (rustls-webpki);
//! 5. the message imprint is SHA-256 and equals the expected hash;
//! 6. ([`verify_response`] only) the nonce is the one sent.
//!
//! Error kinds: [`ErrorKind::Integrity`] for a reply or token that must not be trusted; [`ErrorKind::InvalidInput`]
//! for a bad configuration (CA file, URL); [`ErrorKind::FileUnreadable`] when no stamp could be obtained right now
//! (service unreachable, slow, refusing, oversized or not HTTP 200): the caller can try again later.
//!
//! Limits: plain `http://` only (the token is signed, so TLS would add privacy of a hash, not integrity); no
//! proxy; no redirect followed; revocation (CRL/OCSP) is not checked.

use std::time::Duration;

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedAttributes, SignedData, SignerIdentifier};
use der::asn1::{
    Any, BitString, Ia5StringRef, Int, ObjectIdentifier, OctetString, PrintableStringRef,
    TeletexStringRef, Utf8StringRef,
};
use der::{Decode, Encode, Sequence, Tag, Tagged};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use webpki::ring as alg;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier};
use x509_cert::ext::Extensions;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

use crate::error::{Error, ErrorKind, Result};

mod http;

/// A time-stamping authority as configured: where to send requests, and the CA certificates (PEM, one or more)
/// its tokens must chain to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsaConfig {
    /// The service's address, `http://host[:port]/path`.
    pub url: String,
    /// The CA certificates (PEM, one or more) the service's tokens must chain to.
    pub ca_pem: String,
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The TimeStampToken (CMS ContentInfo, DER) exactly as received: what `openssl ts -verify -token_in` reads.
    pub token: Vec<u8>,
    /// TSTInfo genTime as RFC 3339 UTC, e.g. `2026-12-02T11:30:00Z` (fractional seconds kept if present).
    pub gen_time: String,
    /// The signer certificate's subject: its common name, or the whole subject if it has none.
    pub tsa_name: String,
    /// TSTInfo serialNumber, lowercase hex (big-endian, no sign byte).
    pub serial: String,
    /// TSTInfo policy OID, dotted.
    pub policy: String,
    /// The SHA-256 message imprint.
    pub imprint: [u8; 32],
}

/// Bounds on one exchange with a time-stamping service. [`send`] uses [`Limits::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long to wait for the connection (per address the name resolves to).
    pub connect: Duration,
    /// How long any one read or write may wait.
    pub read: Duration,
    /// How long the whole exchange may take, once connected.
    pub total: Duration,
    /// The largest response body accepted.
    pub max_response: usize,
}

impl Default for Limits {
    /// 10 s to connect, 10 s per read, 30 s in all, 256 KiB of body (a reply is a few KiB).
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(10),
            total: Duration::from_secs(30),
            max_response: 256 * 1024,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Object identifiers

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// id-kp-timeStamping as the DER content bytes rustls-webpki compares.
const KP_TIME_STAMPING_DER: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];
const AT_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// Every algorithm a certificate in the chain may be signed with.
const CHAIN_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    alg::ECDSA_P256_SHA256,
    alg::ECDSA_P256_SHA384,
    alg::ECDSA_P384_SHA256,
    alg::ECDSA_P384_SHA384,
    alg::ED25519,
    alg::RSA_PKCS1_2048_8192_SHA256,
    alg::RSA_PKCS1_2048_8192_SHA384,
    alg::RSA_PKCS1_2048_8192_SHA512,
    alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
    alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
    alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    alg::RSA_PKCS1_3072_8192_SHA384,
    alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

// ---------------------------------------------------------------------------------------------------------------
// RFC 3161 and ESS structures (only what is read or written here)

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// `TimeStampReq` as this module sends it: v1, an imprint, a nonce, certReq TRUE (no policy, no extensions).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    nonce: Int,
    cert_req: bool,
}

/// `PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL, failInfo BIT STRING OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct PkiStatusInfo {
    status: u32,
    #[asn1(optional = "true")]
    status_string: Option<Vec<String>>,
    #[asn1(optional = "true")]
    fail_info: Option<BitString>,
}

/// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }`; the token is kept
/// as its own TLV so its bytes are stored exactly as received.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TimeStampResp {
    status: PkiStatusInfo,
    #[asn1(optional = "true")]
    time_stamp_token: Option<Any>,
}

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, micros [1] INTEGER OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct Accuracy {
    #[asn1(optional = "true")]
    seconds: Option<u64>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    micros: Option<u16>,
}

/// `TSTInfo` (RFC 3161 §2.4.2). genTime is read by hand: the `der` crate's GeneralizedTime refuses the
/// fractional seconds TSAs may send.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TstInfo {
    version: u8,
    policy: ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: Int,
    gen_time: Any,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<Extensions>,
}

/// `ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial IssuerSerial OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies ... OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificate {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }`
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// `RSASSA-PSS-params` (RFC 4055).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

/// The digests this module meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            ID_SHA1 => Some(Self::Sha1),
            ID_SHA256 => Some(Self::Sha256),
            ID_SHA384 => Some(Self::Sha384),
            ID_SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            Self::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &ring::digest::SHA256,
            Self::Sha384 => &ring::digest::SHA384,
            Self::Sha512 => &ring::digest::SHA512,
        };
        ring::digest::digest(algorithm, data).as_ref().to_vec()
    }

    fn len(self) -> u32 {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/// Builds a request: messageImprint = SHA-256 with hashedMessage = `digest` exactly (nothing else about the
/// content is sent), a random 64-bit nonce, certReq = true. Returns the DER request and the nonce (8 bytes,
/// big-endian, as drawn).
pub fn request(digest: &[u8; 32]) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| {
        Error::internal(format!(
            "no random numbers for the time-stamp request's nonce: {e}"
        ))
    })?;
    let req = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: ID_SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(digest.to_vec()).map_err(encode_error)?,
        },
        nonce: Int::new(&integer_content(&nonce)).map_err(encode_error)?,
        cert_req: true,
    };
    Ok((req.to_der().map_err(encode_error)?, nonce.to_vec()))
}

/// Sends a request over HTTP (POST, `Content-Type: application/timestamp-query`, `Accept:
/// application/timestamp-reply`) and returns the response body, within [`Limits::default`]: 10 s to connect,
/// 10 s per read, 30 s in all, 256 KiB of body; no redirect followed, no proxy, nothing else sent.
/// Only `http://` URLs are supported for now.
pub fn send(url: &str, request_der: &[u8]) -> Result<Vec<u8>> {
    send_with(url, request_der, &Limits::default())
}

/// [`send`] with explicit bounds.
pub fn send_with(url: &str, request_der: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    http::post(url, request_der, limits)
}

/// Parses a TimeStampResp, checks its status is granted, and verifies the token inside against `digest`,
/// `nonce` (as returned by [`request`]) and the CA certificates (see the module documentation).
pub fn verify_response(
    response_der: &[u8],
    digest: &[u8; 32],
    nonce: &[u8],
    ca_pem: &str,
) -> Result<Stamp> {
    let anchors = parse_ca(ca_pem)?;
    let resp = TimeStampResp::from_der(response_der).map_err(|e| {
        Error::integrity("the time-stamping service's reply is not an RFC 3161 time-stamp response")
            .with_source(e)
    })?;
    check_status(&resp.status)?;
    let token = resp.time_stamp_token.ok_or_else(|| {
        Error::integrity("the time-stamping service granted the request but sent no token")
    })?;
    let token_der = token.to_der().map_err(|e| {
        Error::integrity("the time-stamp token in the reply cannot be read").with_source(e)
    })?;
    let (stamp, tst) = verify(&token_der, digest, &anchors)?;
    let sent = integer_content(nonce);
    match tst.nonce {
        None => Err(Error::integrity(
            "the time-stamp reply carries no nonce, so it cannot be tied to the request that was sent",
        )),
        Some(n) if n.as_bytes() != sent.as_slice() => Err(Error::integrity(
            "the time-stamp reply's nonce is not the one sent: it answers another request (a replayed or \
             mixed-up reply)",
        )),
        Some(_) => Ok(stamp),
    }
}

/// Verifies a stored token (no nonce check: an offline re-check) against `digest` and the CA certificates.
pub fn verify_token(token_der: &[u8], digest: &[u8; 32], ca_pem: &str) -> Result<Stamp> {
    let anchors = parse_ca(ca_pem)?;
    verify(token_der, digest, &anchors).map(|(stamp, _)| stamp)
}

/// [`request`] + [`send`] + [`verify_response`]. The CA file is checked before anything is sent.
pub fn stamp(tsa: &TsaConfig, digest: &[u8; 32]) -> Result<Stamp> {
    parse_ca(&tsa.ca_pem)?;
    let (req, nonce) = request(digest)?;
    let resp = send(&tsa.url, &req)?;
    verify_response(&resp, digest, &nonce, &tsa.ca_pem)
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

/// The CA certificates of a PEM file, each checked to be usable as a trust anchor.
fn parse_ca(ca_pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let hint = "Use the PEM file of the CA certificate(s) the time-stamping service's certificate chains to.";
    let mut certs = Vec::new();
    for (i, cert) in CertificateDer::pem_slice_iter(ca_pem.as_bytes()).enumerate() {
        let cert = cert.map_err(|e| {
            Error::invalid(format!(
                "the time-stamping CA file cannot be read: certificate {} is not valid PEM ({e})",
                i + 1
            ))
            .with_hint(hint)
        })?;
        webpki::anchor_from_trusted_cert(&cert).map_err(|e| {
            Error::invalid(format!(
                "the time-stamping CA file cannot be read: certificate {} is not a usable X.509 certificate ({e})",
                i + 1
            ))
            .with_hint(hint)
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(
            Error::invalid("the time-stamping CA file holds no PEM certificate").with_hint(hint),
        );
    }
    Ok(certs)
}

fn check_status(status: &PkiStatusInfo) -> Result<()> {
    // granted (0) and grantedWithMods (1) carry a token.
    if status.status <= 1 {
        return Ok(());
    }
    let what = match status.status {
        2 => "refused the request",
        3 => "is waiting on something (status \"waiting\"), which Evident does not handle",
        4 => "warns that its certificate is about to be revoked",
        5 => "reports that its certificate has been revoked",
        _ => "answered with an unknown status",
    };
    let mut msg = format!("the time-stamping service {what}");
    if let Some(text) = status.status_string.as_ref().filter(|t| !t.is_empty()) {
        msg.push_str(&format!(": \"{}\"", printable(&text.join("; "))));
    }
    if let Some(bits) = &status.fail_info {
        let names = [
            (0, "bad algorithm"),
            (2, "bad request"),
            (5, "bad data format"),
            (14, "time not available"),
            (15, "unaccepted policy"),
            (16, "unaccepted extension"),
            (17, "additional information not available"),
            (25, "system failure"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| bits.bits().nth(*bit).unwrap_or(false))
            .map(|(_, name)| *name)
            .collect();
        if !set.is_empty() {
            msg.push_str(&format!(" ({})", set.join(", ")));
        }
    }
    Err(Error::new(ErrorKind::FileUnreadable, msg)
        .with_hint("Try again later, or check the time-stamping service's settings."))
}

/// Checks everything about a token except the nonce; returns the stamp and the TSTInfo.
fn verify(
    token_der: &[u8],
    digest: &[u8; 32],
    anchors: &[CertificateDer<'_>],
) -> Result<(Stamp, TstInfo)> {
    let ci = ContentInfo::from_der(token_der).map_err(|e| {
        Error::integrity("the time-stamp token is not a CMS structure (damaged or not a token)")
            .with_source(e)
    })?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(Error::integrity(format!(
            "the time-stamp token is not signed data (content type {})",
            ci.content_type
        )));
    }
    let sd: SignedData = ci.content.decode_as().map_err(|e| {
        Error::integrity("the time-stamp token's signed data cannot be read").with_source(e)
    })?;

    // The signed content: a TSTInfo.
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(Error::integrity(format!(
            "the time-stamp token does not hold time-stamp information (content type {})",
            sd.encap_content_info.econtent_type
        )));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .filter(|c| c.tag() == Tag::OctetString)
        .ok_or_else(|| Error::integrity("the time-stamp token holds no time-stamp information"))?;
    let tst_bytes = econtent.value();
    let tst = TstInfo::from_der(tst_bytes).map_err(|e| {
        Error::integrity("the time-stamp information in the token cannot be read").with_source(e)
    })?;
    if tst.version != 1 {
        return Err(Error::integrity(format!(
            "the time-stamp information has version {}; only version 1 exists",
            tst.version
        )));
    }

    // The signer and its certificate.
    let signers = sd.signer_infos.0.as_slice();
    let signer = match signers {
        [one] => one,
        _ => {
            return Err(Error::integrity(format!(
                "the time-stamp token has {} signers; a token has exactly one",
                signers.len()
            )))
        }
    };
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(cert) => Some(cert),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer_cert = certs
        .iter()
        .copied()
        .find(|c| is_signer(c, &signer.sid))
        .ok_or_else(|| {
            Error::integrity("the time-stamp token does not carry its signer's certificate")
        })?;
    let signer_der = signer_cert.to_der().map_err(|e| {
        Error::integrity("the time-stamping certificate cannot be read").with_source(e)
    })?;
    let tsa_name = subject_name(signer_cert);

    // 1. The signature over the signed attributes, and what they bind.
    let attrs = signer.signed_attrs.as_ref().ok_or_else(|| {
        Error::integrity("the time-stamp token's signature covers no signed attributes")
    })?;
    let content_type: ObjectIdentifier = single_attr(attrs, &ID_CONTENT_TYPE, "content-type")?
        .ok_or_else(|| {
            Error::integrity("the time-stamp token's signature does not cover its content type")
        })?
        .decode_as()
        .map_err(|e| {
            Error::integrity("the time-stamp token's content-type attribute cannot be read")
                .with_source(e)
        })?;
    if content_type != ID_CT_TST_INFO {
        return Err(Error::integrity(
            "the time-stamp token's signed content type is not time-stamp information",
        ));
    }
    let digest_hash = Hash::from_oid(&signer.digest_alg.oid)
        .filter(|h| *h != Hash::Sha1)
        .ok_or_else(|| {
            Error::integrity(format!(
                "the time-stamp token is signed with a digest Evident does not accept ({})",
                signer.digest_alg.oid
            ))
        })?;
    let message_digest: OctetString = single_attr(attrs, &ID_MESSAGE_DIGEST, "message-digest")?
        .ok_or_else(|| {
            Error::integrity("the time-stamp token's signature does not cover a message digest")
        })?
        .decode_as()
        .map_err(|e| {
            Error::integrity("the time-stamp token's message-digest attribute cannot be read")
                .with_source(e)
        })?;
    if message_digest.as_bytes() != digest_hash.digest(tst_bytes).as_slice() {
        return Err(Error::integrity(
            "the time-stamp information does not match what the service signed: the token has been altered",
        ));
    }
    let signer_cert_der = CertificateDer::from(signer_der.as_slice());
    let ee = webpki::EndEntityCert::try_from(&signer_cert_der).map_err(|e| {
        Error::integrity(format!(
            "the time-stamping certificate ({tsa_name}) cannot be used: {e}"
        ))
    })?;
    let signed = attrs.to_der().map_err(|e| {
        Error::integrity("the time-stamp token's signed attributes cannot be read").with_source(e)
    })?;
    check_signature(
        &ee,
        &signer.signature_algorithm,
        digest_hash,
        &signed,
        signer.signature.as_bytes(),
    )?;

    // 2. The signed attributes name this certificate.
    check_signing_certificate(attrs, &signer_der, &tsa_name)?;

    // 3. The certificate may sign time stamps.
    check_time_stamping_usage(signer_cert, &tsa_name)?;

    // 4. It chains to a configured CA, valid at genTime.
    let (gen_time, unix) = gen_time(&tst.gen_time)?;
    let trust: Vec<TrustAnchor<'_>> = anchors
        .iter()
        .map(|c| webpki::anchor_from_trusted_cert(c))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::invalid(format!("the time-stamping CA file cannot be read: {e}")))?;
    let intermediates: Vec<CertificateDer<'_>> = certs
        .iter()
        .filter(|c| !std::ptr::eq(**c, signer_cert))
        .filter_map(|c| c.to_der().ok())
        .map(CertificateDer::from)
        .collect();
    ee.verify_for_usage(
        CHAIN_ALGORITHMS,
        &trust,
        &intermediates,
        UnixTime::since_unix_epoch(Duration::from_secs(unix)),
        webpki::KeyUsage::required_if_present(KP_TIME_STAMPING_DER),
        None,
        None,
    )
    .map_err(|e| chain_error(&e, &tsa_name, &gen_time))?;

    // 5. The imprint is the expected SHA-256 hash.
    let imprint = &tst.message_imprint;
    let params_ok = match &imprint.hash_algorithm.parameters {
        None => true,
        Some(p) => p.tag() == Tag::Null,
    };
    if imprint.hash_algorithm.oid != ID_SHA256 || !params_ok {
        return Err(Error::integrity(format!(
            "the time-stamp token is for a {} hash, not SHA-256",
            imprint.hash_algorithm.oid
        )));
    }
    if imprint.hashed_message.as_bytes() != digest.as_slice() {
        return Err(Error::integrity(format!(
            "the time-stamp token is for another hash ({}), not this one ({})",
            hex::encode(imprint.hashed_message.as_bytes()),
            hex::encode(digest)
        )));
    }

    let serial = tst.serial_number.as_bytes();
    let serial = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => serial,
    };
    let stamp = Stamp {
        token: token_der.to_vec(),
        gen_time,
        tsa_name,
        serial: hex::encode(serial),
        policy: tst.policy.to_string(),
        imprint: *digest,
    };
    Ok((stamp, tst))
}

/// Whether `cert` is the one `sid` names.
fn is_signer(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    let tbs = &cert.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.serial_number == tbs.serial_number && ias.issuer == tbs.issuer
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if own == *ski)
        }
    }
}

/// The one value of the signed attribute `oid`, if present; an error if it is repeated or multi-valued.
fn single_attr<'a>(
    attrs: &'a SignedAttributes,
    oid: &ObjectIdentifier,
    name: &str,
) -> Result<Option<&'a Any>> {
    let mut found = attrs.iter().filter(|a| a.oid == *oid);
    let Some(attr) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() || attr.values.len() != 1 {
        return Err(Error::integrity(format!(
            "the time-stamp token's {name} attribute appears more than once"
        )));
    }
    Ok(attr.values.iter().next())
}

/// The signature algorithms the signer info may mean, in the order to try them.
fn signature_algorithms(
    sig: &AlgorithmIdentifierOwned,
    digest: Hash,
) -> Option<Vec<&'static dyn SignatureVerificationAlgorithm>> {
    let by_hash = |hash: Hash| -> Option<Vec<&'static dyn SignatureVerificationAlgorithm>> {
        match hash {
            Hash::Sha256 => Some(vec![alg::RSA_PKCS1_2048_8192_SHA256]),
            Hash::Sha384 => Some(vec![alg::RSA_PKCS1_2048_8192_SHA384]),
            Hash::Sha512 => Some(vec![alg::RSA_PKCS1_2048_8192_SHA512]),
            Hash::Sha1 => None,
        }
    };
    let ecdsa = |hash: Hash| -> Option<Vec<&'static dyn SignatureVerificationAlgorithm>> {
        match hash {
            Hash::Sha256 => Some(vec![alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256]),
            Hash::Sha384 => Some(vec![alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
            Hash::Sha512 | Hash::Sha1 => None,
        }
    };
    match sig.oid {
        RSA_ENCRYPTION => by_hash(digest),
        SHA256_WITH_RSA => by_hash(Hash::Sha256),
        SHA384_WITH_RSA => by_hash(Hash::Sha384),
        SHA512_WITH_RSA => by_hash(Hash::Sha512),
        EC_PUBLIC_KEY => ecdsa(digest),
        ECDSA_WITH_SHA256 => ecdsa(Hash::Sha256),
        ECDSA_WITH_SHA384 => ecdsa(Hash::Sha384),
        ID_ED25519 => Some(vec![alg::ED25519]),
        ID_RSASSA_PSS => {
            // Only the usual parameters: MGF1 with the same hash, salt as long as the hash, trailer 1.
            let params: PssParams = sig.parameters.as_ref()?.decode_as().ok()?;
            let hash = Hash::from_oid(&params.hash_algorithm.as_ref()?.oid)?;
            let mgf = params.mask_gen_algorithm.as_ref()?;
            let mgf_hash: AlgorithmIdentifierOwned = mgf.parameters.as_ref()?.decode_as().ok()?;
            let usual = mgf.oid == ID_MGF1
                && Hash::from_oid(&mgf_hash.oid) == Some(hash)
                && params.salt_length == Some(hash.len())
                && params.trailer_field.unwrap_or(1) == 1;
            match (usual, hash) {
                (true, Hash::Sha256) => Some(vec![alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
                (true, Hash::Sha384) => Some(vec![alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
                (true, Hash::Sha512) => Some(vec![alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
                _ => None,
            }
        }
        _ => None,
    }
}

fn check_signature(
    ee: &webpki::EndEntityCert<'_>,
    sig_alg: &AlgorithmIdentifierOwned,
    digest: Hash,
    signed: &[u8],
    signature: &[u8],
) -> Result<()> {
    let unsupported = || {
        Error::integrity(format!(
            "the time-stamp token is signed with an algorithm Evident does not support ({} with {:?})",
            sig_alg.oid, digest
        ))
    };
    let candidates = signature_algorithms(sig_alg, digest).ok_or_else(unsupported)?;
    let mut bad_signature = false;
    for candidate in candidates {
        match ee.verify_signature(candidate, signed, signature) {
            Ok(()) => return Ok(()),
            Err(webpki::Error::InvalidSignatureForPublicKey) => bad_signature = true,
            Err(_) => {}
        }
    }
    if bad_signature {
        Err(Error::integrity(
            "the time-stamp token's signature is not valid: the token has been altered, or was not signed by \
             the certificate it carries",
        ))
    } else {
        Err(unsupported())
    }
}

/// The ESS signing-certificate attribute (v2, else v1) must name the signer certificate by its hash.
fn check_signing_certificate(attrs: &SignedAttributes, cert_der: &[u8], name: &str) -> Result<()> {
    let unreadable = |e: der::Error| {
        Error::integrity("the time-stamp token's signing-certificate attribute cannot be read")
            .with_source(e)
    };
    let named = if let Some(v2) =
        single_attr(attrs, &ID_SIGNING_CERTIFICATE_V2, "signing-certificate")?
    {
        let sc: SigningCertificateV2 = v2.decode_as().map_err(unreadable)?;
        let first = sc.certs.first();
        first.is_some_and(|id| {
            let hash = match &id.hash_algorithm {
                None => Some(Hash::Sha256),
                Some(a) => Hash::from_oid(&a.oid),
            };
            hash.is_some_and(|h| h.digest(cert_der).as_slice() == id.cert_hash.as_bytes())
        })
    } else if let Some(v1) = single_attr(attrs, &ID_SIGNING_CERTIFICATE, "signing-certificate")? {
        let sc: SigningCertificate = v1.decode_as().map_err(unreadable)?;
        sc.certs
            .first()
            .is_some_and(|id| Hash::Sha1.digest(cert_der).as_slice() == id.cert_hash.as_bytes())
    } else {
        return Err(Error::integrity(
            "the time-stamp token does not name its signing certificate (no ESS signing-certificate attribute)",
        ));
    };
    if named {
        Ok(())
    } else {
        Err(Error::integrity(format!(
            "the time-stamp token's signing-certificate attribute names another certificate than the one \
             that signed it ({name})"
        )))
    }
}

/// RFC 3161 §2.3: extended key usage id-kp-timeStamping, alone and critical; a key usage, if present, that
/// allows signatures.
fn check_time_stamping_usage(cert: &Certificate, name: &str) -> Result<()> {
    let tbs = &cert.tbs_certificate;
    let eku = tbs.get::<ExtendedKeyUsage>().map_err(|e| {
        Error::integrity(format!(
            "the time-stamping certificate's ({name}) extended key usage cannot be read"
        ))
        .with_source(e)
    })?;
    match eku {
        Some((critical, eku)) if eku.0.contains(&KP_TIME_STAMPING) => {
            if !critical || eku.0.len() != 1 {
                return Err(Error::integrity(format!(
                    "the certificate that signed the time-stamp token ({name}) allows time-stamping, but not as \
                     RFC 3161 requires (the only extended key usage, marked critical)"
                )));
            }
        }
        _ => {
            return Err(Error::integrity(format!(
                "the certificate that signed the time-stamp token ({name}) is not a time-stamping certificate: \
                 it lacks the time-stamping extended key usage"
            )))
        }
    }
    match tbs.get::<KeyUsage>() {
        Ok(None) => {}
        Ok(Some((_, ku))) if ku.digital_signature() || ku.non_repudiation() => {}
        _ => {
            return Err(Error::integrity(format!(
                "the certificate that signed the time-stamp token ({name}) is not allowed to make signatures \
                 (key usage)"
            )))
        }
    }
    Ok(())
}

fn chain_error(err: &webpki::Error, name: &str, gen_time: &str) -> Error {
    use webpki::Error as W;
    let hint =
        "Check that the CA certificate configured for this time-stamping service is the right one.";
    match err {
        W::UnknownIssuer => Error::integrity(format!(
            "the time-stamping certificate ({name}) does not chain to any of the trusted CA certificates"
        ))
        .with_hint(hint),
        W::CertExpired { .. } | W::CertNotValidYet { .. } | W::InvalidCertValidity => {
            Error::integrity(format!(
                "a certificate in the time-stamping chain ({name}) was not valid at the stamp's time ({gen_time})"
            ))
        }
        W::InvalidSignatureForPublicKey => Error::integrity(format!(
            "a certificate in the time-stamping chain ({name}) has a signature that does not verify"
        )),
        W::RequiredEkuNotFoundContext(_) => Error::integrity(format!(
            "a CA certificate in the time-stamping chain ({name}) does not allow time-stamping"
        )),
        other => Error::integrity(format!(
            "the time-stamping certificate ({name}) could not be validated against the trusted CA certificates: \
             {other}"
        ))
        .with_hint(hint),
    }
}

/// genTime (`YYYYMMDDHHMMSS[.f+]Z`) as RFC 3339 UTC, and its whole seconds since the Unix epoch.
fn gen_time(any: &Any) -> Result<(String, u64)> {
    let bad = || Error::integrity("the time in the time-stamp token cannot be read");
    if any.tag() != Tag::GeneralizedTime {
        return Err(bad());
    }
    let s = std::str::from_utf8(any.value()).map_err(|_| bad())?;
    let body = s.strip_suffix('Z').ok_or_else(bad)?;
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (w, Some(f)),
        Some(_) => return Err(bad()),
        None => (body, None),
    };
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32> {
        whole
            .get(range)
            .and_then(|d| d.parse().ok())
            .ok_or_else(bad)
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    let at = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).map_err(|_| bad())?, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, second))
        .ok_or_else(bad)?;
    let unix = u64::try_from(at.and_utc().timestamp()).map_err(|_| bad())?;
    let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
    Ok((
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z"),
        unix,
    ))
}

/// The certificate subject's common name, or the whole subject if it has none.
fn subject_name(cert: &Certificate) -> String {
    let subject = &cert.tbs_certificate.subject;
    let cn = subject
        .0
        .iter()
        .rev()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == AT_COMMON_NAME)
        .and_then(|atv| {
            let v = &atv.value;
            match v.tag() {
                Tag::Utf8String => Utf8StringRef::try_from(v).ok().map(|s| s.to_string()),
                Tag::PrintableString => PrintableStringRef::try_from(v).ok().map(|s| s.to_string()),
                Tag::Ia5String => Ia5StringRef::try_from(v).ok().map(|s| s.to_string()),
                Tag::TeletexString => TeletexStringRef::try_from(v).ok().map(|s| s.to_string()),
                Tag::BmpString => {
                    let units: Vec<u16> = v
                        .value()
                        .chunks(2)
                        .map(|c| {
                            u16::from_be_bytes([
                                c.first().copied().unwrap_or(0),
                                c.get(1).copied().unwrap_or(0),
                            ])
                        })
                        .collect();
                    String::from_utf16(&units).ok()
                }
                _ => None,
            }
        })
        .filter(|s| !s.trim().is_empty());
    printable(&cn.unwrap_or_else(|| subject.to_string()))
}

/// Text from a remote party, with control characters replaced.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// The content bytes of a DER INTEGER holding the unsigned big-endian number `n`.
fn integer_content(n: &[u8]) -> Vec<u8> {
    let start = n.iter().position(|b| *b != 0).unwrap_or(n.len());
    let magnitude = n.get(start..).unwrap_or_default();
    let mut out = Vec::with_capacity(magnitude.len() + 1);
    if magnitude.first().is_none_or(|b| *b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(magnitude);
    out
}

fn encode_error(e: der::Error) -> Error {
    Error::internal(format!("could not encode the time-stamp request: {e}")).with_source(e)
}
