//! Client authentication with keys: `private_key_jwt` and `client_secret_jwt`
//! (the fields, their order, the header and the exact claims, each signature
//! checked with the public key or the secret), and every problem with a key or
//! certificate file, which is a usage error found before anything is sent.
//!
//! The keys are the test keys under tests/keys, made with openssl; the clock is
//! pinned with `TOKN_TEST_NOW` so that `iat` and `exp` can be checked exactly.

use httpmock::prelude::*;
use ring::signature::{self, VerificationAlgorithm};
use serde_json::{Value, json};

use crate::util::{
    Bodies, SECRET, TempDir, form_fields, key_path, recording_token_mock, run, test_key, tokn,
    tokn_for, verify_signature,
};

const NOW: u64 = 1_700_000_000;
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The assertion of the last request, decoded.
fn last_assertion(bodies: &Bodies) -> (Vec<String>, tokn::jose::Decoded) {
    let body = bodies.lock().unwrap().last().cloned().expect("a request");
    let fields = form_fields(&body);
    let names = fields.iter().map(|(k, _)| k.clone()).collect();
    let assertion = fields
        .iter()
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.clone())
        .expect("a client_assertion field");
    (names, tokn::jose::decode(&assertion).expect("a JWT"))
}

fn expected_file(name: &str) -> String {
    std::fs::read_to_string(key_path(name))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn private_key_jwt_sends_its_fields_in_order_with_exactly_the_specified_claims() {
    let server = MockServer::start();
    let (mock, bodies) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let key = test_key(&tmp, "rsa.pem");
    let out = run(tokn(&tmp)
        .args(["-u", &server.url("/token"), "-i", "my-client", "-s", "read"])
        .args([
            "--auth",
            "private_key_jwt",
            "--signing-key-id",
            "k1",
            "-d",
            "resource=r",
        ])
        .arg("--signing-key")
        .arg(&key)
        .env("TOKN_TEST_NOW", NOW.to_string()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);
    let (names, jwt) = last_assertion(&bodies);
    assert_eq!(
        names,
        [
            "grant_type",
            "scope",
            "client_id",
            "client_assertion_type",
            "client_assertion",
            "resource"
        ]
    );
    let body = bodies.lock().unwrap().last().cloned().unwrap();
    let fields = form_fields(&body);
    assert_eq!(fields[2].1, "my-client");
    assert_eq!(fields[3].1, ASSERTION_TYPE);
    assert_eq!(
        Value::Object(jwt.header.clone()),
        json!({"alg": "RS256", "typ": "JWT", "kid": "k1"})
    );
    let jti = jwt.claims["jti"].as_str().expect("a jti").to_string();
    assert_eq!(tokn::jose::b64url_decode(&jti).map(|b| b.len()), Some(16));
    assert_eq!(
        Value::Object(jwt.claims.clone()),
        json!({
            "iss": "my-client",
            "sub": "my-client",
            "aud": server.url("/token"),
            "jti": jti,
            "iat": NOW,
            "exp": NOW + 60,
        })
    );
    verify_signature(&jwt, "rsa.pub.pem", &signature::RSA_PKCS1_2048_8192_SHA256);
}

#[test]
fn every_key_form_and_algorithm_signs_what_its_public_key_verifies() {
    let cases: [(&str, &str, Option<&str>, &'static dyn VerificationAlgorithm); 8] = [
        (
            "rsa.pem",
            "rsa.pub.pem",
            Some("RS512"),
            &signature::RSA_PKCS1_2048_8192_SHA512,
        ),
        (
            "rsa.pkcs1.pem",
            "rsa.pub.pem",
            Some("PS256"),
            &signature::RSA_PSS_2048_8192_SHA256,
        ),
        (
            "rsa.pkcs1.pem",
            "rsa.pub.pem",
            Some("ps384"),
            &signature::RSA_PSS_2048_8192_SHA384,
        ),
        (
            "p256.pem",
            "p256.pub.pem",
            None,
            &signature::ECDSA_P256_SHA256_FIXED,
        ),
        (
            "p256.sec1.pem",
            "p256.pub.pem",
            Some("ES256"),
            &signature::ECDSA_P256_SHA256_FIXED,
        ),
        (
            "p384.pem",
            "p384.pub.pem",
            None,
            &signature::ECDSA_P384_SHA384_FIXED,
        ),
        (
            "p384.sec1.pem",
            "p384.pub.pem",
            None,
            &signature::ECDSA_P384_SHA384_FIXED,
        ),
        ("ed25519.pem", "ed25519.pub.pem", None, &signature::ED25519),
    ];
    let server = MockServer::start();
    let (_mock, bodies) = recording_token_mock(&server);
    for (file, public, alg, verifier) in cases {
        let tmp = TempDir::new();
        let key = test_key(&tmp, file);
        let mut cmd = tokn(&tmp);
        cmd.args([
            "-u",
            &server.url("/token"),
            "-i",
            "c",
            "--auth",
            "private_key_jwt",
        ])
        .arg("--signing-key")
        .arg(&key);
        if let Some(alg) = alg {
            cmd.args(["--jwt-alg", alg]);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        let (_, jwt) = last_assertion(&bodies);
        let expected_alg = alg.map(str::to_ascii_uppercase).unwrap_or_else(|| {
            match file {
                f if f.starts_with("p256") => "ES256",
                f if f.starts_with("p384") => "ES384",
                _ => "EdDSA",
            }
            .to_string()
        });
        assert_eq!(jwt.header["alg"], expected_alg, "{file}");
        verify_signature(&jwt, public, verifier);
    }
}

#[test]
fn auto_signs_with_a_key_and_a_certificate_beside_it_adds_its_thumbprints() {
    let server = MockServer::start();
    let (_mock, bodies) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let key = test_key(&tmp, "rsa-with-cert.pem");
    // No secret at all: auto with a key needs none and asks for none.
    let out = run(tokn(&tmp)
        .args(["-u", &server.url("/token"), "-i", "c"])
        .args(["--jwt-audience", "https://login.example.test/tenant/v2.0"])
        .arg("--signing-key")
        .arg(&key));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (names, jwt) = last_assertion(&bodies);
    assert!(!names.contains(&"client_secret".to_string()), "{names:?}");
    assert_eq!(jwt.header["x5t"], expected_file("rsa.cert.x5t"));
    assert_eq!(jwt.header["x5t#S256"], expected_file("rsa.cert.x5t-s256"));
    assert_eq!(jwt.claims["aud"], "https://login.example.test/tenant/v2.0");
    verify_signature(&jwt, "rsa.pub.pem", &signature::RSA_PKCS1_2048_8192_SHA256);
}

#[test]
fn client_secret_jwt_is_keyed_with_the_secret() {
    let server = MockServer::start();
    let (_mock, bodies) = recording_token_mock(&server);
    for (alg, hmac) in [
        (None, ring::hmac::HMAC_SHA256),
        (Some("HS384"), ring::hmac::HMAC_SHA384),
        (Some("HS512"), ring::hmac::HMAC_SHA512),
    ] {
        let tmp = TempDir::new();
        let mut cmd = tokn_for(&tmp, &server.url("/token"));
        cmd.args(["--auth", "client_secret_jwt"])
            .env("TOKN_TEST_NOW", NOW.to_string());
        if let Some(alg) = alg {
            cmd.env("TOKN_JWT_ALG", alg);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 0, "{alg:?}: {}", out.stderr);
        let (names, jwt) = last_assertion(&bodies);
        assert_eq!(
            names,
            [
                "grant_type",
                "client_id",
                "client_assertion_type",
                "client_assertion"
            ]
        );
        assert_eq!(jwt.header["alg"], alg.unwrap_or("HS256"));
        assert_eq!(
            (jwt.claims["iss"].as_str(), jwt.claims["sub"].as_str()),
            (Some("my-client"), Some("my-client"))
        );
        assert_eq!(jwt.claims["exp"], NOW + 60);
        let key = ring::hmac::Key::new(hmac, SECRET.as_bytes());
        ring::hmac::verify(&key, jwt.signing_input.as_bytes(), &jwt.signature)
            .expect("the HMAC verifies with the client secret");
    }
}

#[test]
fn each_request_gets_a_new_assertion() {
    let server = MockServer::start();
    let (_mock, bodies) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let key = test_key(&tmp, "p256.pem");
    let mut jtis = Vec::new();
    for _ in 0..2 {
        let out = run(tokn(&tmp)
            .args(["-u", &server.url("/token"), "-i", "c", "--no-cache"])
            .arg("--signing-key")
            .arg(&key));
        assert_eq!(out.code, 0, "{}", out.stderr);
        jtis.push(last_assertion(&bodies).1.claims["jti"].clone());
    }
    assert_ne!(jtis[0], jtis[1]);
}

#[test]
fn a_cached_token_is_served_without_reading_the_key() {
    let server = MockServer::start();
    let (mock, _) = recording_token_mock(&server);
    let tmp = TempDir::new();
    let key = test_key(&tmp, "ed25519.pem");
    let fetch = || {
        run(tokn(&tmp)
            .args(["-u", &server.url("/token"), "-i", "c"])
            .arg("--signing-key")
            .arg(&key))
    };
    assert_eq!(fetch().code, 0);
    std::fs::remove_file(&key).unwrap();
    let out = fetch();
    assert_eq!(out.code, 0, "{}", out.stderr);
    mock.assert_calls(1);
}

#[test]
fn a_key_others_can_read_gives_a_warning_naming_it() {
    let server = MockServer::start();
    recording_token_mock(&server);
    let tmp = TempDir::new();
    let key = test_key(&tmp, "p256.pem");
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = run(tokn(&tmp)
        .args(["-u", &server.url("/token"), "-i", "c"])
        .arg("--signing-key")
        .arg(&key));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "tokn: warning: the --signing-key file '{}' can be read by other users (mode 0644); \
             run chmod 600 on it\n",
            key.display()
        )
    );
}

/// One usage mistake: the arguments (with `{dir}` for the key directory), and
/// the one error line tokn must print.
struct Mistake {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    error: &'static str,
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        args: &["--signing-key", "{dir}/missing.pem"],
        env: &[],
        error: "cannot read the --signing-key file '{dir}/missing.pem': No such file or \
                directory (os error 2)",
    },
    Mistake {
        args: &[],
        env: &[("TOKN_SIGNING_KEY", "{dir}/missing.pem")],
        error: "cannot read the TOKN_SIGNING_KEY file '{dir}/missing.pem': No such file or \
                directory (os error 2)",
    },
    Mistake {
        args: &["--signing-key", "{dir}/rsa.cert.pem"],
        env: &[],
        error: "the --signing-key file '{dir}/rsa.cert.pem' holds a certificate but no private key",
    },
    Mistake {
        args: &["--signing-key", "{dir}/text.pem"],
        env: &[],
        error: "the --signing-key file '{dir}/text.pem' holds no PEM private key (no -----BEGIN \
                PRIVATE KEY----- block)",
    },
    Mistake {
        args: &["--signing-key", "{dir}/rsa.pem", "--jwt-alg", "ES256"],
        env: &[],
        error: "--jwt-alg ES256 does not fit the --signing-key file '{dir}/rsa.pem': it holds an \
                RSA key of 2048 bits, which signs with RS256, RS384, RS512, PS256, PS384 or PS512",
    },
    Mistake {
        args: &["--signing-key", "{dir}/p256.sec1.pem", "--jwt-alg", "EdDSA"],
        env: &[],
        error: "--jwt-alg EdDSA does not fit the --signing-key file '{dir}/p256.sec1.pem': it \
                holds an EC P-256 key, which signs with ES256",
    },
    Mistake {
        args: &["--signing-key", "{dir}/p521.pem"],
        env: &[],
        error: "the --signing-key file '{dir}/p521.pem' holds an EC P-521 key, which tokn cannot \
                sign with: use an RSA key (2048 bits or more), an EC P-256 or P-384 key, or an \
                Ed25519 key",
    },
    Mistake {
        args: &["--signing-key", "{dir}/rsa1024.pem"],
        env: &[],
        error: "the --signing-key file '{dir}/rsa1024.pem' holds an RSA key of 1024 bits, which \
                is too small: use 2048 bits or more",
    },
    Mistake {
        args: &["--signing-key", "{dir}/encrypted.pem"],
        env: &[],
        error: "the --signing-key file '{dir}/encrypted.pem' holds an encrypted private key, \
                which tokn cannot decrypt: write it unencrypted with `openssl pkey -in FILE -out \
                KEY.pem` and keep that file private",
    },
    Mistake {
        args: &["--auth", "private_key_jwt"],
        env: &[],
        error: "--auth private_key_jwt needs --signing-key FILE (or TOKN_SIGNING_KEY): the PEM \
                private key whose public key the server knows",
    },
    Mistake {
        args: &[
            "--auth",
            "private_key_jwt",
            "--signing-key",
            "{dir}/rsa.pem",
            "--jwt-alg",
            "HS256",
        ],
        env: &[],
        error: "--jwt-alg HS256 signs with a shared secret: use --auth client_secret_jwt, or an \
                algorithm of the --signing-key",
    },
    Mistake {
        args: &["--auth", "client_secret_jwt", "--jwt-alg", "RS256"],
        env: &[],
        error: "--jwt-alg RS256 does not fit --auth client_secret_jwt, which signs with the \
                client secret: use HS256, HS384 or HS512",
    },
    Mistake {
        args: &["--auth", "tls"],
        env: &[],
        error: "--auth tls needs --cert FILE (or TOKN_CERT): the client certificate the server \
                knows",
    },
    Mistake {
        args: &["--key", "{dir}/rsa.pem"],
        env: &[],
        error: "--key is the key of a client certificate: pass the certificate with --cert FILE",
    },
    Mistake {
        args: &["--cert", "{dir}/rsa.cert.pem"],
        env: &[],
        error: "the --cert file '{dir}/rsa.cert.pem' holds no private key: pass the certificate's \
                key with --key FILE",
    },
    Mistake {
        args: &["--cert", "{dir}/rsa.pem"],
        env: &[],
        error: "the --cert file '{dir}/rsa.pem' holds no certificate (no -----BEGIN CERTIFICATE----- \
                block)",
    },
    Mistake {
        args: &["--cert", "{dir}/rsa.cert.pem", "--key", "{dir}/p256.pem"],
        env: &[],
        error: "the private key in the --key file '{dir}/p256.pem' does not match the certificate \
                in the --cert file '{dir}/rsa.cert.pem'",
    },
    Mistake {
        args: &["--cert", "{dir}/mixed.pem"],
        env: &[],
        error: "the certificate in the --cert file '{dir}/mixed.pem' does not match its private \
                key",
    },
    Mistake {
        args: &["--cert", "{dir}/missing.pem", "--key", "{dir}/rsa.pem"],
        env: &[],
        error: "cannot read the --cert file '{dir}/missing.pem': No such file or directory (os \
                error 2)",
    },
];

#[test]
fn every_key_or_certificate_problem_is_a_usage_error_before_anything_is_sent() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let tmp = TempDir::new();
    for name in [
        "rsa.pem",
        "rsa.cert.pem",
        "p256.pem",
        "p256.sec1.pem",
        "p521.pem",
        "rsa1024.pem",
        "encrypted.pem",
    ] {
        test_key(&tmp, name);
    }
    tmp.file("text.pem", b"not a key\n", 0o600);
    let mixed = [
        std::fs::read(tmp.path().join("rsa.cert.pem")).unwrap(),
        std::fs::read(tmp.path().join("p256.pem")).unwrap(),
    ]
    .concat();
    tmp.file("mixed.pem", &mixed, 0o600);
    let dir = tmp.path().display().to_string();
    for mistake in MISTAKES {
        let args: Vec<String> = mistake
            .args
            .iter()
            .map(|a| a.replace("{dir}", &dir))
            .collect();
        let mut cmd = tokn_for(&tmp, &server.url("/token"));
        cmd.args(&args);
        for (name, value) in mistake.env {
            cmd.env(name, value.replace("{dir}", &dir));
        }
        let out = run(&mut cmd);
        let expected = format!("tokn: error: {}\n", mistake.error.replace("{dir}", &dir));
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (2, expected.as_str()),
            "{args:?}"
        );
        assert_eq!(out.stdout, "");
    }
    mock.assert_calls(0);
}
