//! The keys and certificates of the interop suite, made with `openssl` once per test run
//! and kept in memory: both servers get them as files (`server.js --material DIR`, which
//! registers the public halves with its clients), and tests write the ones they need
//! into their own directory with [`Material::write`]. Making them here rather than in
//! the server keeps one tool (openssl, already needed for the HTTPS server's CA) and lets
//! the two servers share one set.
//!
//! | file | what | registered as |
//! |---|---|---|
//! | `rsa.pem` | RSA 2048, PKCS#8 | `jwt-rsa-client` and `assertion-app` (kid `rsa-1`), the service account `tokn-sa@interop.iam.example.test` (kid `sa-key-1`) |
//! | `rsa.pkcs1.pem` | the same key, PKCS#1 (`BEGIN RSA PRIVATE KEY`) | |
//! | `rsa.crt` | a self-signed certificate of that key, `CN=jwt-rsa-client` (for `x5t`) | |
//! | `ec256.pem`, `ec256.sec1.pem` | EC P-256, PKCS#8 and SEC1 (`BEGIN EC PRIVATE KEY`) | `jwt-ec-client`, `assertion-app` (kid `ec256-1`) |
//! | `ec384.pem`, `ec384.sec1.pem` | EC P-384, PKCS#8 and SEC1 | `jwt-p384-client`, `assertion-app` (kid `ec384-1`) |
//! | `ed25519.pem` | Ed25519, PKCS#8 | `jwt-ed25519-client`, `assertion-app` (kid `ed25519-1`) |
//! | `other-rsa.pem`, `other-ec256.pem`, `other-ed25519.pem` | keys registered nowhere (the "wrong key") | |
//! | `ci.pem` | EC P-256, PKCS#8: the CI issuer `https://ci.example.test` | kid `ci-1` |
//! | `client-ca.pem`, `client-ca.key` | the CA of `tls_client_auth` certificates | trusted by the HTTPS server |
//! | `tls-client.key` | EC P-256, PKCS#8: the key of the four `tls-*` certificates | |
//! | `tls-client.crt` | `CN=tokn-tls-client,O=tokn-interop` from the client CA, valid two days | `tls-client` |
//! | `tls-client-expired.crt` | the same subject and key, expired in 2020 | |
//! | `tls-wrong-dn.crt` | `CN=someone-else,O=tokn-interop` from the client CA | |
//! | `tls-untrusted.crt` | the right subject, but self-signed | |
//! | `self-signed.key` | EC P-256, PKCS#8 | |
//! | `self-signed.crt`, `self-signed-expired.crt` | self-signed `CN=tokn-self-signed`, valid two days / expired in 2020 | `self-signed-client` (kids `self-signed-1`, `self-signed-expired`) |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use base64::Engine as _;

use crate::interop::TempDir;

/// Every file of the material, in the order the table above gives them.
pub(crate) const FILES: &[&str] = &[
    "rsa.pem",
    "rsa.pkcs1.pem",
    "rsa.crt",
    "ec256.pem",
    "ec256.sec1.pem",
    "ec384.pem",
    "ec384.sec1.pem",
    "ed25519.pem",
    "other-rsa.pem",
    "other-ec256.pem",
    "other-ed25519.pem",
    "ci.pem",
    "client-ca.pem",
    "client-ca.key",
    "tls-client.key",
    "tls-client.crt",
    "tls-client-expired.crt",
    "tls-wrong-dn.crt",
    "tls-untrusted.crt",
    "self-signed.key",
    "self-signed.crt",
    "self-signed-expired.crt",
];

/// The PEM text of every file in [`FILES`].
pub(crate) struct Material {
    files: BTreeMap<&'static str, String>,
}

/// The material of this test run, made on first use.
pub(crate) fn material() -> Result<&'static Material, String> {
    static MATERIAL: OnceLock<Result<Material, String>> = OnceLock::new();
    MATERIAL
        .get_or_init(make_material)
        .as_ref()
        .map_err(Clone::clone)
}

impl Material {
    /// The PEM text of `name`, one of [`FILES`].
    pub(crate) fn pem(&self, name: &str) -> &str {
        self.files
            .get(name)
            .unwrap_or_else(|| panic!("no test material named {name:?}"))
    }

    /// Writes `name` into `dir` (mode 0600) and returns its path.
    pub(crate) fn write(&self, dir: &Path, name: &str) -> PathBuf {
        self.write_joined(dir, name, &[name])
    }

    /// Writes the files `names`, one after the other, as `dir/file_name` (mode 0600): a
    /// key with its certificate, a certificate chain.
    pub(crate) fn write_joined(&self, dir: &Path, file_name: &str, names: &[&str]) -> PathBuf {
        let text: String = names.iter().map(|name| self.pem(name)).collect();
        let path = dir.join(file_name);
        std::fs::write(&path, text).expect("write test material");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .expect("chmod test material");
        }
        path
    }

    /// Writes every file into `dir`, as server.js's `--material` reads them.
    pub(crate) fn write_all(&self, dir: &Path) {
        for name in FILES {
            self.write(dir, name);
        }
    }

    /// The DER bytes of the first PEM block of `name`.
    pub(crate) fn der(&self, name: &str) -> Vec<u8> {
        pem_der(self.pem(name)).unwrap_or_else(|| panic!("{name} holds no PEM block"))
    }

    /// `x5t` and `x5t#S256` of the certificate `name`: the base64url SHA-1 and SHA-256
    /// of its DER (RFC 7515 §4.1.7–8).
    pub(crate) fn x5t(&self, name: &str) -> (String, String) {
        let der = self.der(name);
        let b64 = |d: ring::digest::Digest| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d.as_ref())
        };
        (
            b64(ring::digest::digest(
                &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
                &der,
            )),
            b64(ring::digest::digest(&ring::digest::SHA256, &der)),
        )
    }
}

/// The DER bytes of the first PEM block in `pem`.
pub(crate) fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN ")?;
    let body_start = start + pem[start..].find('\n')? + 1;
    let body_end = body_start + pem[body_start..].find("-----END ")?;
    let b64: String = pem[body_start..body_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// `openssl ca`'s configuration: the only way OpenSSL 3.0 has to set a certificate's
/// dates, which the expired certificates need.
const CA_CONFIG: &str = "[ca]\n\
default_ca = test_ca\n\
[test_ca]\n\
database = index.txt\n\
new_certs_dir = .\n\
serial = serial.txt\n\
default_md = sha256\n\
policy = any_name\n\
unique_subject = no\n\
[any_name]\n\
organizationName = optional\n\
commonName = supplied\n";

const CLIENT_EXT: &str = "basicConstraints=critical,CA:FALSE\n\
keyUsage=critical,digitalSignature\n\
extendedKeyUsage=clientAuth\n\
subjectKeyIdentifier=hash\n\
authorityKeyIdentifier=keyid\n";

const EXPIRED: &str = "-startdate 20200101000000Z -enddate 20200102000000Z";
const EC: &str = "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out";

/// Runs the openssl commands that make [`FILES`], in a directory of their own.
fn make_material() -> Result<Material, String> {
    let dir = TempDir::new("material");
    let dir = dir.path.as_path();
    for (name, text) in [
        ("ca.cnf", CA_CONFIG),
        ("client.ext", CLIENT_EXT),
        ("index.txt", ""),
        ("serial.txt", "01\n"),
    ] {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    // The RSA keys take the longest to make: they run beside two chains of the others.
    let rsa = spawn_openssl(
        dir,
        "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem",
    )?;
    let other = spawn_openssl(
        dir,
        "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other-rsa.pem",
    )?;
    let (keys, certs) = std::thread::scope(|scope| {
        let keys = scope.spawn(|| run_all(dir, &key_commands()));
        let certs = run_all(dir, &client_ca_commands());
        (keys.join().expect("openssl thread"), certs)
    });
    keys?;
    certs?;
    wait_openssl(rsa, "genpkey rsa.pem")?;
    wait_openssl(other, "genpkey other-rsa.pem")?;
    run_all(
        dir,
        &[
            "pkey -in rsa.pem -traditional -out rsa.pkcs1.pem".to_owned(),
            "req -x509 -key rsa.pem -subj /CN=jwt-rsa-client -days 2 -out rsa.crt".to_owned(),
            // After the client CA's: `openssl ca` keeps one database for both.
            format!(
                "ca -batch -config ca.cnf -selfsign -keyfile self-signed.key -in self-signed.csr \
                 -out self-signed-expired.crt {EXPIRED} -notext -preserveDN -extfile client.ext"
            ),
        ],
    )?;
    let mut files = BTreeMap::new();
    for name in FILES {
        let text = std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("openssl made no {name}: {e}"))?;
        files.insert(*name, text);
    }
    Ok(Material { files })
}

/// The EC and Ed25519 keys, and the self-signed client certificate.
fn key_commands() -> Vec<String> {
    vec![
        format!("{EC} ec256.pem"),
        "pkey -in ec256.pem -traditional -out ec256.sec1.pem".to_owned(),
        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.pem".to_owned(),
        "pkey -in ec384.pem -traditional -out ec384.sec1.pem".to_owned(),
        "genpkey -algorithm ed25519 -out ed25519.pem".to_owned(),
        format!("{EC} other-ec256.pem"),
        "genpkey -algorithm ed25519 -out other-ed25519.pem".to_owned(),
        format!("{EC} ci.pem"),
        format!("{EC} self-signed.key"),
        "req -x509 -key self-signed.key -subj /CN=tokn-self-signed -days 2 -out self-signed.crt"
            .to_owned(),
        "req -new -key self-signed.key -subj /CN=tokn-self-signed -out self-signed.csr".to_owned(),
    ]
}

/// The client CA and the certificates of `tls-client.key`.
fn client_ca_commands() -> Vec<String> {
    let ca = "-CA client-ca.pem -CAkey client-ca.key -CAcreateserial -days 2 -extfile client.ext";
    vec![
        format!("{EC} client-ca.key"),
        "req -x509 -key client-ca.key -out client-ca.pem -days 2 -subj /CN=tokn-interop-client-CA \
         -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
         -addext subjectKeyIdentifier=hash"
            .to_owned(),
        format!("{EC} tls-client.key"),
        "req -new -key tls-client.key -subj /O=tokn-interop/CN=tokn-tls-client -out tls-client.csr"
            .to_owned(),
        format!("x509 -req -in tls-client.csr {ca} -out tls-client.crt"),
        format!(
            "ca -batch -config ca.cnf -cert client-ca.pem -keyfile client-ca.key -in tls-client.csr \
             -out tls-client-expired.crt {EXPIRED} -notext -preserveDN -extfile client.ext"
        ),
        "req -new -key tls-client.key -subj /O=tokn-interop/CN=someone-else -out wrong-dn.csr"
            .to_owned(),
        format!("x509 -req -in wrong-dn.csr {ca} -out tls-wrong-dn.crt"),
        "req -x509 -key tls-client.key -subj /O=tokn-interop/CN=tokn-tls-client -days 2 \
         -out tls-untrusted.crt"
            .to_owned(),
    ]
}

fn run_all(dir: &Path, commands: &[String]) -> Result<(), String> {
    commands
        .iter()
        .try_for_each(|command| openssl(dir, command))
}

fn openssl_command(dir: &Path, command: &str) -> Command {
    // Each command line is split at whitespace; no argument holds a space.
    let mut cmd = Command::new("openssl");
    cmd.args(command.split_whitespace())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `openssl COMMAND` in `dir`; the error quotes openssl's stderr.
pub(crate) fn openssl(dir: &Path, command: &str) -> Result<(), String> {
    let child = spawn_openssl(dir, command)?;
    wait_openssl(child, command)
}

fn spawn_openssl(dir: &Path, command: &str) -> Result<Child, String> {
    openssl_command(dir, command)
        .spawn()
        .map_err(|e| format!("cannot run `openssl` (the interop tests need it): {e}"))
}

fn wait_openssl(child: Child, command: &str) -> Result<(), String> {
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`openssl {command}`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!("`openssl {command}` failed: {stderr}"))
    }
}
