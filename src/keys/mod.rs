//! Keys and certificates from PEM files: the private key that signs JWTs (client
//! assertions, jwt-bearer assertions), the certificate that may sit beside it
//! (for the `x5t` thumbprints Microsoft Entra ID wants), and the certificate and
//! key of mutual TLS (`tls.rs`).
//!
//! Every problem with a file is a usage error (exit 2) that names the file and
//! what was found in it, so that a person can fix it without a hex dump. ring
//! does the cryptography; `der.rs` only finds the words for the messages.

mod der;
pub mod tls;

use std::fmt;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    RsaKeyPair,
};
use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use crate::error::usage;
use crate::files;
use crate::jose::{Alg, b64url};

pub use der::spki_key;

/// The algorithms an RSA key signs with, for messages.
const RSA_ALGS: &str = "RS256, RS384, RS512, PS256, PS384 or PS512";

/// What tokn signs with: a private key from a PEM file, or a shared secret (HMAC).
pub struct SigningKey {
    pub(crate) pair: Pair,
    thumbprints: Option<Thumbprints>,
    /// How messages name where the key came from: `the --signing-key file 'k.pem'`.
    origin: String,
}

/// The key material, as ring holds it.
pub(crate) enum Pair {
    Rsa {
        pair: RsaKeyPair,
        bits: usize,
    },
    P256(EcdsaKeyPair),
    P384(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    /// A shared secret for the HMAC algorithms (`client_secret_jwt`).
    Shared(Vec<u8>),
}

/// The SHA-1 and SHA-256 digests of the DER certificate that came with a key:
/// the `x5t` and `x5t#S256` header values (RFC 7515 §4.1.7, §4.1.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbprints {
    pub sha1: Vec<u8>,
    pub sha256: Vec<u8>,
}

impl Thumbprints {
    pub fn of(certificate_der: &[u8]) -> Thumbprints {
        let digest = |alg| ring::digest::digest(alg, certificate_der).as_ref().to_vec();
        Thumbprints {
            sha1: digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY),
            sha256: digest(&ring::digest::SHA256),
        }
    }

    pub fn x5t(&self) -> String {
        b64url(&self.sha1)
    }

    pub fn x5t_s256(&self) -> String {
        b64url(&self.sha256)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({} from {})", self.describe(), self.origin)
    }
}

impl SigningKey {
    /// Read a PEM private key file: PKCS#8 (RSA, EC P-256 or P-384, Ed25519),
    /// PKCS#1 (RSA) or SEC1 (EC). A certificate in the same file gives the
    /// thumbprints, after a check that it is the key's. `option` names the
    /// option in messages (`--signing-key`, `signing_key in [profiles.p]`);
    /// a pipe is read until `deadline` at most.
    pub fn load(path: &Path, option: &str, deadline: Instant) -> Result<SigningKey> {
        let pem = files::read_pem_file(path, option, true, deadline)?;
        SigningKey::from_pem(&pem, &format!("the {option} file '{}'", path.display()))
    }

    /// A key from PEM text; `origin` names it in messages (`the --signing-key
    /// file 'k.pem'`, `the private_key of 'sa.json'`).
    pub fn from_pem(pem: &[u8], origin: &str) -> Result<SigningKey> {
        let sections = sections(pem, origin)?;
        let mut keys = sections.iter().filter(|(kind, _)| is_private_key(*kind));
        let Some((kind, der)) = keys.next() else {
            return Err(usage(format!("{origin} {}", without_key(pem, &sections))));
        };
        if keys.next().is_some() {
            return Err(usage(format!(
                "{origin} holds more than one private key: keep only the one to sign with"
            )));
        }
        let pair = parse_pair(*kind, der, origin)?;
        let thumbprints = match sections
            .iter()
            .find(|(k, _)| *k == SectionKind::Certificate)
        {
            Some((_, cert)) => {
                tls::check_pair(cert, private_key_der(*kind, der), origin, origin)?;
                Some(Thumbprints::of(cert))
            }
            None => None,
        };
        Ok(SigningKey {
            pair,
            thumbprints,
            origin: origin.to_string(),
        })
    }

    /// A shared secret for HS256, HS384 and HS512.
    pub fn shared_secret(secret: &[u8], origin: &str) -> SigningKey {
        SigningKey {
            pair: Pair::Shared(secret.to_vec()),
            thumbprints: None,
            origin: origin.to_string(),
        }
    }

    /// The thumbprints of the certificate that came with the key, if one did.
    pub fn thumbprints(&self) -> Option<&Thumbprints> {
        self.thumbprints.as_ref()
    }

    /// `an RSA key of 2048 bits`, `an EC P-256 key`…, for messages.
    pub fn describe(&self) -> String {
        match &self.pair {
            Pair::Rsa { bits, .. } => format!("an RSA key of {bits} bits"),
            Pair::P256(_) => "an EC P-256 key".into(),
            Pair::P384(_) => "an EC P-384 key".into(),
            Pair::Ed25519(_) => "an Ed25519 key".into(),
            Pair::Shared(_) => "a shared secret".into(),
        }
    }

    /// The algorithm used when `--jwt-alg` is not given.
    pub fn default_alg(&self) -> Alg {
        match &self.pair {
            Pair::Rsa { .. } => Alg::Rs256,
            Pair::P256(_) => Alg::Es256,
            Pair::P384(_) => Alg::Es384,
            Pair::Ed25519(_) => Alg::EdDsa,
            Pair::Shared(_) => Alg::Hs256,
        }
    }

    /// `alg`, or the key's default, if the key can sign with it; else a usage
    /// error naming the file, the key and the algorithms that fit.
    pub fn choose_alg(&self, alg: Option<Alg>) -> Result<Alg> {
        let Some(alg) = alg else {
            return Ok(self.default_alg());
        };
        let fits = match &self.pair {
            Pair::Rsa { .. } => matches!(
                alg,
                Alg::Rs256 | Alg::Rs384 | Alg::Rs512 | Alg::Ps256 | Alg::Ps384 | Alg::Ps512
            ),
            Pair::Shared(_) => alg.is_hmac(),
            _ => alg == self.default_alg(),
        };
        if fits {
            return Ok(alg);
        }
        let fitting = match &self.pair {
            Pair::Rsa { .. } => RSA_ALGS,
            Pair::Shared(_) => "HS256, HS384 or HS512",
            _ => self.default_alg().name(),
        };
        Err(usage(format!(
            "--jwt-alg {} does not fit {}: it holds {}, which signs with {fitting}",
            alg.name(),
            self.origin,
            self.describe()
        )))
    }
}

/// Every PEM section of the file, in order.
fn sections(pem: &[u8], origin: &str) -> Result<Vec<(SectionKind, Vec<u8>)>> {
    <(SectionKind, Vec<u8>)>::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| usage(format!("{origin} is not valid PEM: {e}")))
}

fn is_private_key(kind: SectionKind) -> bool {
    matches!(
        kind,
        SectionKind::PrivateKey | SectionKind::RsaPrivateKey | SectionKind::EcPrivateKey
    )
}

/// The rest of the message for a file without a usable private key: what it holds instead.
fn without_key(pem: &[u8], sections: &[(SectionKind, Vec<u8>)]) -> String {
    let text = String::from_utf8_lossy(pem);
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        "holds an encrypted private key, which tokn cannot decrypt: write it unencrypted with \
         `openssl pkey -in FILE -out KEY.pem` and keep that file private"
            .into()
    } else if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
        "holds an OpenSSH private key: convert it to PKCS#8 with `ssh-keygen -p -m PKCS8 -f FILE`"
            .into()
    } else if sections.iter().any(|(k, _)| *k == SectionKind::Certificate) {
        "holds a certificate but no private key".into()
    } else if sections.iter().any(|(k, _)| *k == SectionKind::PublicKey) {
        "holds a public key, not a private key".into()
    } else {
        "holds no PEM private key (no -----BEGIN PRIVATE KEY----- block)".into()
    }
}

/// The DER as rustls takes it, for the certificate check.
pub(crate) fn private_key_der(kind: SectionKind, der: &[u8]) -> PrivateKeyDer<'static> {
    match kind {
        SectionKind::RsaPrivateKey => PrivatePkcs1KeyDer::from(der.to_vec()).into(),
        SectionKind::EcPrivateKey => PrivateSec1KeyDer::from(der.to_vec()).into(),
        _ => PrivatePkcs8KeyDer::from(der.to_vec()).into(),
    }
}

fn parse_pair(kind: SectionKind, der: &[u8], origin: &str) -> Result<Pair> {
    match kind {
        SectionKind::RsaPrivateKey => rsa(RsaKeyPair::from_der(der), Some(der), origin),
        SectionKind::EcPrivateKey => sec1(der, origin),
        _ => pkcs8(der, origin),
    }
}

fn pkcs8(der: &[u8], origin: &str) -> Result<Pair> {
    let Some((alg, params)) = der::pkcs8_algorithm(der) else {
        return Err(usage(format!(
            "{origin} holds a PRIVATE KEY block that is not a PKCS#8 key"
        )));
    };
    match (alg, params) {
        (der::oid::RSA, _) => rsa(
            RsaKeyPair::from_pkcs8(der),
            der::pkcs8_private_key(der),
            origin,
        ),
        (der::oid::EC, Some(der::oid::P256)) => ec(der, der::oid::P256, origin),
        (der::oid::EC, Some(der::oid::P384)) => ec(der, der::oid::P384, origin),
        (der::oid::ED25519, _) => Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map(Pair::Ed25519)
            .map_err(|e| rejected(origin, "an Ed25519 key", &e)),
        (alg, params) => Err(unsupported(origin, &algorithm_name(alg, params))),
    }
}

/// A SEC1 key, wrapped as PKCS#8 for ring; a key without its curve is tried
/// on both curves tokn supports.
fn sec1(der: &[u8], origin: &str) -> Result<Pair> {
    match der::sec1_curve(der) {
        Some(curve @ (der::oid::P256 | der::oid::P384)) => {
            ec(&der::sec1_to_pkcs8(der, curve), curve, origin)
        }
        Some(other) => Err(unsupported(
            origin,
            &algorithm_name(der::oid::EC, Some(other)),
        )),
        None => ec(
            &der::sec1_to_pkcs8(der, der::oid::P256),
            der::oid::P256,
            origin,
        )
        .or_else(|_| {
            ec(
                &der::sec1_to_pkcs8(der, der::oid::P384),
                der::oid::P384,
                origin,
            )
        }),
    }
}

fn ec(pkcs8: &[u8], curve: &[u8], origin: &str) -> Result<Pair> {
    let rng = ring::rand::SystemRandom::new();
    let (alg, name) = if curve == der::oid::P256 {
        (&ECDSA_P256_SHA256_FIXED_SIGNING, "an EC P-256 key")
    } else {
        (&ECDSA_P384_SHA384_FIXED_SIGNING, "an EC P-384 key")
    };
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8, &rng).map_err(|e| {
        usage(format!(
            "{origin} holds {name} that cannot be used ({e}); an EC key must include its public \
             key: `openssl pkey -in FILE -out KEY.pem` writes one that does"
        ))
    })?;
    Ok(if curve == der::oid::P256 {
        Pair::P256(pair)
    } else {
        Pair::P384(pair)
    })
}

fn rsa(
    pair: Result<RsaKeyPair, ring::error::KeyRejected>,
    pkcs1: Option<&[u8]>,
    origin: &str,
) -> Result<Pair> {
    let bits = pkcs1.and_then(der::rsa_modulus_bits);
    match pair {
        Ok(pair) => {
            let bits = bits.unwrap_or(pair.public().modulus_len() * 8);
            Ok(Pair::Rsa { pair, bits })
        }
        Err(e) if e.to_string() == "TooSmall" => Err(usage(format!(
            "{origin} holds an RSA key of {} bits, which is too small: use 2048 bits or more",
            bits.map_or("too few".to_string(), |b| b.to_string())
        ))),
        Err(e) => Err(rejected(origin, "an RSA key", &e)),
    }
}

fn rejected(origin: &str, what: &str, e: &ring::error::KeyRejected) -> anyhow::Error {
    usage(format!("{origin} holds {what} that cannot be used ({e})"))
}

fn unsupported(origin: &str, what: &str) -> anyhow::Error {
    usage(format!(
        "{origin} holds {what} key, which tokn cannot sign with: use an RSA key (2048 bits or \
         more), an EC P-256 or P-384 key, or an Ed25519 key"
    ))
}

/// `an EC P-521`, `a DSA`, `an unknown (OID 1.2.3)`: the article and the name.
fn algorithm_name(alg: &[u8], params: Option<&[u8]>) -> String {
    use der::oid;
    let curve = |c: Option<&[u8]>| match c {
        Some(oid::P521) => "P-521".to_string(),
        Some(oid::SECP256K1) => "secp256k1".to_string(),
        Some(other) => format!("curve {}", dotted(other)),
        None => "unnamed curve".to_string(),
    };
    match alg {
        oid::EC => format!("an EC {}", curve(params)),
        oid::RSA_PSS => "an RSA-PSS (restricted)".into(),
        oid::DSA => "a DSA".into(),
        oid::ED448 => "an Ed448".into(),
        oid::X25519 => "an X25519 (key agreement)".into(),
        oid::X448 => "an X448 (key agreement)".into(),
        other => format!("an unknown (OID {})", dotted(other)),
    }
}

/// An OID in dotted form (X.690 §8.19).
fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for b in oid {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.extend([first, value - first * 40]);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    let arcs: Vec<String> = arcs.iter().map(u64::to_string).collect();
    arcs.join(".")
}

#[cfg(test)]
pub(crate) mod test_keys {
    //! The test keys under tests/keys, made with openssl (see tests/keys/README.md).
    use std::path::PathBuf;

    pub fn path(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/keys")
            .join(name)
    }

    pub fn read(name: &str) -> Vec<u8> {
        std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::test_keys::read;
    use super::*;
    use crate::error::{Exit, exit_of};

    fn load(name: &str) -> Result<SigningKey> {
        SigningKey::from_pem(&read(name), &format!("the test file '{name}'"))
    }

    fn message(name: &str) -> String {
        let err = load(name).unwrap_err();
        assert_eq!(exit_of(&err), Exit::Usage, "{err}");
        err.to_string()
    }

    #[test]
    fn every_supported_form_loads_with_its_default_algorithm() {
        for (name, alg, what) in [
            ("rsa.pem", Alg::Rs256, "an RSA key of 2048 bits"),
            ("rsa.pkcs1.pem", Alg::Rs256, "an RSA key of 2048 bits"),
            ("p256.pem", Alg::Es256, "an EC P-256 key"),
            ("p256.sec1.pem", Alg::Es256, "an EC P-256 key"),
            ("p384.pem", Alg::Es384, "an EC P-384 key"),
            ("p384.sec1.pem", Alg::Es384, "an EC P-384 key"),
            ("ed25519.pem", Alg::EdDsa, "an Ed25519 key"),
        ] {
            let key = load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((key.default_alg(), key.describe().as_str()), (alg, what));
            assert!(key.thumbprints().is_none(), "{name}");
        }
    }

    #[test]
    fn a_certificate_beside_the_key_gives_openssl_s_thumbprints() {
        let key = load("rsa-with-cert.pem").unwrap();
        let t = key.thumbprints().expect("thumbprints");
        let expected = |f: &str| String::from_utf8(read(f)).unwrap().trim().to_string();
        assert_eq!(t.x5t(), expected("rsa.cert.x5t"));
        assert_eq!(t.x5t_s256(), expected("rsa.cert.x5t-s256"));
    }

    #[test]
    fn a_certificate_of_another_key_is_refused() {
        let pem = [read("p256.pem"), read("rsa.cert.pem")].concat();
        let err = SigningKey::from_pem(&pem, "the file 'mixed.pem'").unwrap_err();
        assert!(
            err.to_string().contains("does not match"),
            "{err}: {:?}",
            crate::error::detail_lines(&err)
        );
    }

    #[test]
    fn an_algorithm_must_fit_the_key() {
        let rsa = load("rsa.pem").unwrap();
        assert_eq!(rsa.choose_alg(Some(Alg::Ps512)).unwrap(), Alg::Ps512);
        let err = rsa.choose_alg(Some(Alg::Es256)).unwrap_err().to_string();
        assert_eq!(
            err,
            "--jwt-alg ES256 does not fit the test file 'rsa.pem': it holds an RSA key of 2048 \
             bits, which signs with RS256, RS384, RS512, PS256, PS384 or PS512"
        );
        let p256 = load("p256.pem").unwrap();
        let err = p256.choose_alg(Some(Alg::Es384)).unwrap_err().to_string();
        assert!(
            err.ends_with("it holds an EC P-256 key, which signs with ES256"),
            "{err}"
        );
        let ed = load("ed25519.pem").unwrap();
        assert!(ed.choose_alg(Some(Alg::Rs256)).is_err());
        let shared = SigningKey::shared_secret(b"s", "the client secret");
        assert_eq!(shared.choose_alg(Some(Alg::Hs512)).unwrap(), Alg::Hs512);
        let err = shared.choose_alg(Some(Alg::Rs256)).unwrap_err().to_string();
        assert!(
            err.ends_with("which signs with HS256, HS384 or HS512"),
            "{err}"
        );
    }

    #[test]
    fn each_key_file_problem_says_what_the_file_holds() {
        let unsupported = "key, which tokn cannot sign with: use an RSA key (2048 bits or more), \
                           an EC P-256 or P-384 key, or an Ed25519 key";
        for (name, expected) in [
            (
                "p521.pem",
                format!("the test file 'p521.pem' holds an EC P-521 {unsupported}"),
            ),
            (
                "ed448.pem",
                format!("the test file 'ed448.pem' holds an Ed448 {unsupported}"),
            ),
            (
                "rsa1024.pem",
                "the test file 'rsa1024.pem' holds an RSA key of 1024 bits, which is too small: \
                 use 2048 bits or more"
                    .into(),
            ),
            (
                "encrypted.pem",
                "the test file 'encrypted.pem' holds an encrypted private key, which tokn cannot \
                 decrypt: write it unencrypted with `openssl pkey -in FILE -out KEY.pem` and \
                 keep that file private"
                    .into(),
            ),
            (
                "rsa.cert.pem",
                "the test file 'rsa.cert.pem' holds a certificate but no private key".into(),
            ),
            (
                "rsa.pub.pem",
                "the test file 'rsa.pub.pem' holds a public key, not a private key".into(),
            ),
        ] {
            assert_eq!(message(name), expected);
        }
    }

    #[test]
    fn text_that_is_not_a_key_is_refused() {
        let err = SigningKey::from_pem(b"hello", "the file 'x'").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file 'x' holds no PEM private key (no -----BEGIN PRIVATE KEY----- block)"
        );
        let ssh = b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        let err = SigningKey::from_pem(ssh, "the file 'x'").unwrap_err();
        assert!(err.to_string().contains("ssh-keygen -p -m PKCS8"), "{err}");
        let broken = b"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n";
        let err = SigningKey::from_pem(broken, "the file 'x'").unwrap_err();
        assert!(
            err.to_string().starts_with("the file 'x' is not valid PEM"),
            "{err}"
        );
        let garbage = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = SigningKey::from_pem(garbage, "the file 'x'").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file 'x' holds a PRIVATE KEY block that is not a PKCS#8 key"
        );
        let two = [read("p256.pem"), read("rsa.pem")].concat();
        let err = SigningKey::from_pem(&two, "the file 'x'").unwrap_err();
        assert!(
            err.to_string().contains("more than one private key"),
            "{err}"
        );
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(dotted(der::oid::EC), "1.2.840.10045.2.1");
        assert_eq!(dotted(der::oid::P521), "1.3.132.0.35");
    }
}
