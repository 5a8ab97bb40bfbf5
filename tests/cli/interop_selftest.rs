//! The interop server's self-test: every flow that the part-2 interop tests rely on,
//! driven without tokn (ureq requests, assertions signed with interop_jws.rs, sign-ins
//! through interop_flows.rs), each with the refusals a strict server must make. When one
//! of these fails, the server is broken, not tokn.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::interop::{
    BASIC_ID, BASIC_SECRET, Server, TempDir, Tokn, http_server, https_server, now,
};
use crate::interop_flows::{Browser, Decision, TEST_PASSWORD, TEST_USER, deliver_redirect};
use crate::interop_jws::{
    CI_ISSUER, GRANT_ID, GRANT_SECRET, TT, assertion_claims, ci_claims, random_id, sign_jwt,
};
use crate::interop_material::{FILES, openssl};
use crate::util::query_param;

const JWT_SECRET_ID: &str = "jwt-secret-client";
const JWT_SECRET: &str = "jwt-secret-0123456789-0123456789-0123456789-0123456789-012345678";
const SERVICE_ACCOUNT: &str = "tokn-sa@interop.iam.example.test";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// One form POST to the server, under a case name of its own.
struct Call<'a> {
    server: &'a Server,
    path: String,
    form: Vec<(String, String)>,
    basic: Option<(String, String)>,
    cert: Option<(&'static str, &'static str)>,
    headers: Vec<(String, String)>,
    case: String,
}

fn call<'a>(server: &'a Server, path: &str) -> Call<'a> {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    Call {
        server,
        path: path.to_owned(),
        form: Vec::new(),
        basic: None,
        cert: None,
        headers: Vec::new(),
        case: format!(
            "selftest-{}-{}",
            std::process::id(),
            RUN.fetch_add(1, Ordering::Relaxed)
        ),
    }
}

/// A token request: `/token` with `grant_type`.
fn token<'a>(server: &'a Server, grant_type: &str) -> Call<'a> {
    call(server, "/token").form("grant_type", grant_type)
}

impl<'a> Call<'a> {
    fn form(mut self, key: &str, value: &str) -> Call<'a> {
        self.form.push((key.to_owned(), value.to_owned()));
        self
    }

    fn basic(mut self, id: &str, secret: &str) -> Call<'a> {
        self.basic = Some((id.to_owned(), secret.to_owned()));
        self
    }

    fn cert(mut self, cert: &'static str, key: &'static str) -> Call<'a> {
        self.cert = Some((cert, key));
        self
    }

    fn header(mut self, name: &str, value: &str) -> Call<'a> {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// private_key_jwt / client_secret_jwt: client_id, the assertion type, `assertion`.
    fn assertion(self, client_id: &str, assertion: &str) -> Call<'a> {
        self.form("client_id", client_id)
            .form("client_assertion_type", ASSERTION_TYPE)
            .form("client_assertion", assertion)
    }

    fn send(self) -> Reply {
        let agent = self.server.agent_with_cert(self.cert);
        let mut request = agent
            .post(self.server.url(&self.path))
            .header("X-Interop-Case", &self.case);
        if let Some((id, secret)) = &self.basic {
            let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let value = base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                enc(id),
                enc(secret)
            ));
            request = request.header("Authorization", &format!("Basic {value}"));
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let resp = request.send_form(self.form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let (status, body) = crate::interop::json_response(resp).expect("a JSON answer");
        let record = self
            .server
            .records(&self.case)
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        Reply {
            status,
            body,
            record,
        }
    }
}

/// The answer, and the server's record of the request.
struct Reply {
    status: u16,
    body: Value,
    record: Value,
}

impl Reply {
    /// Asserts a 200 with an access token, and returns the token.
    #[track_caller]
    fn token(&self) -> String {
        assert_eq!(self.status, 200, "{}\nrecord: {}", self.body, self.record);
        self.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// Asserts a refusal: `status` and `error`.
    #[track_caller]
    fn refused(&self, status: u16, error: &str) -> &Reply {
        assert_eq!(
            (self.status, self.body["error"].as_str()),
            (status, Some(error)),
            "{}\nrecord: {}",
            self.body,
            self.record
        );
        self
    }

    /// Asserts that the provider's reason for refusing (error_detail) or the
    /// description contains `text`.
    #[track_caller]
    fn because(&self, text: &str) -> &Reply {
        let detail = self.record["error_detail"].as_str().unwrap_or("");
        let description = self.body["error_description"].as_str().unwrap_or("");
        assert!(
            detail.contains(text) || description.contains(text),
            "expected a reason with {text:?}: {}\nrecord: {}",
            self.body,
            self.record
        );
        self
    }
}

fn get_json(server: &Server, path: &str) -> (u16, Value) {
    server
        .get(path)
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

#[test]
fn metadata_lists_every_method_and_endpoint() {
    let (Some(http), Some(https)) = (http_server(), https_server()) else {
        return;
    };
    for server in [http, https] {
        for path in [
            "/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server",
        ] {
            let (status, doc) = get_json(server, path);
            assert_eq!(status, 200, "{path}: {doc}");
            assert_eq!(doc["issuer"], server.base.as_str());
            assert_eq!(doc["token_endpoint"], server.url("/token"));
            assert_eq!(doc["authorization_endpoint"], server.url("/auth"));
            assert_eq!(
                doc["device_authorization_endpoint"],
                server.url("/device/auth")
            );
            assert_eq!(doc["jwks_uri"], server.url("/jwks"));
            assert_eq!(
                doc["introspection_endpoint"],
                server.url("/token/introspection")
            );
            assert_eq!(
                doc["token_endpoint_auth_methods_supported"],
                json!([
                    "client_secret_basic",
                    "client_secret_post",
                    "client_secret_jwt",
                    "private_key_jwt",
                    "tls_client_auth",
                    "self_signed_tls_client_auth",
                    "none"
                ])
            );
            let alias = &doc["mtls_endpoint_aliases"]["token_endpoint"];
            if server.base.starts_with("https") {
                assert_eq!(*alias, server.url("/mtls/token"), "{doc}");
            } else {
                assert!(alias.is_null(), "no mTLS alias over plain HTTP: {doc}");
            }
        }
    }
}

/// The issuers with a path: the RFC 8414 and OpenID locations, and each change.
#[test]
fn metadata_path_issuers() {
    let Some(server) = http_server() else { return };
    let openid = |issuer: &str| {
        get_json(
            server,
            &format!("{issuer}/.well-known/openid-configuration"),
        )
    };
    let rfc8414 = |issuer: &str| {
        get_json(
            server,
            &format!("/.well-known/oauth-authorization-server{issuer}"),
        )
    };
    let label = format!("/selftest-{}", std::process::id());

    let issuer = format!("/issuers/rfc8414{label}");
    assert_eq!(openid(&issuer).0, 404);
    let (status, doc) = rfc8414(&issuer);
    assert_eq!(
        (status, doc["issuer"].as_str()),
        (200, Some(server.url(&issuer).as_str()))
    );
    assert_eq!(doc["token_endpoint"], server.url("/token"));

    let issuer = format!("/issuers{label}");
    assert_eq!(rfc8414(&issuer).0, 404);
    let (status, doc) = openid(&issuer);
    assert_eq!(
        (status, doc["issuer"].as_str()),
        (200, Some(server.url(&issuer).as_str()))
    );
    let hits = get_json(
        server,
        &format!("/test/hits?path={issuer}/.well-known/openid-configuration"),
    )
    .1;
    assert_eq!(hits["hits"], 1, "{hits}");

    let issuer = format!("/issuers/both{label}");
    assert_eq!(openid(&issuer).1["issuer"], server.url(&issuer));
    assert_eq!(rfc8414(&issuer).1["issuer"], server.url(&issuer));

    assert_eq!(
        openid("/issuers/mismatch").1["issuer"],
        server.url("/issuers/elsewhere")
    );
    assert_eq!(
        openid("/issuers/slash").1["issuer"],
        server.url("/issuers/slash/")
    );
    let methods = |issuer: &str| openid(issuer).1["token_endpoint_auth_methods_supported"].clone();
    assert_eq!(
        methods("/issuers/methods=client_secret_post"),
        json!(["client_secret_post"])
    );
    assert_eq!(
        methods("/issuers/methods=private_key_jwt,tls_client_auth/x"),
        json!(["private_key_jwt", "tls_client_auth"])
    );
    assert_eq!(methods("/issuers/methods="), json!([]));
    assert!(methods("/issuers/no-methods").is_null());
    assert!(openid("/issuers/no-token-endpoint").1["token_endpoint"].is_null());
    let raw = |path: &str| {
        let resp = server.agent().get(server.url(path)).call().expect(path);
        let status = resp.status().as_u16();
        (status, resp.into_body().read_to_string().expect("body"))
    };
    assert_eq!(raw("/nowhere/.well-known/openid-configuration").0, 404);
    let (status, text) = raw("/issuers/not-json/.well-known/openid-configuration");
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    if let Some(https) = https_server() {
        let doc = get_json(https, "/issuers/no-mtls/.well-known/openid-configuration").1;
        assert!(doc["mtls_endpoint_aliases"].is_null(), "{doc}");
        let doc = get_json(https, "/issuers/x/.well-known/openid-configuration").1;
        assert_eq!(
            doc["mtls_endpoint_aliases"]["token_endpoint"],
            https.url("/mtls/token")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Client authentication
// ---------------------------------------------------------------------------------------

/// private_key_jwt with each key, encoding and algorithm, over HTTPS; the token is
/// the client's, per introspection, and the server saw the assertion's header.
#[test]
fn private_key_jwt_each_key() {
    let Some(server) = https_server() else { return };
    let aud = server.url("/token");
    for (client, key, alg, kid) in [
        ("jwt-rsa-client", "rsa.pem", "RS256", Some("rsa-1")),
        ("jwt-rsa-client", "rsa.pkcs1.pem", "RS256", Some("rsa-1")),
        ("jwt-rsa-client", "rsa.pem", "RS384", Some("rsa-1")),
        ("jwt-rsa-client", "rsa.pem", "RS512", None),
        ("jwt-rsa-client", "rsa.pem", "PS256", Some("rsa-1")),
        ("jwt-rsa-client", "rsa.pem", "PS384", Some("rsa-1")),
        ("jwt-rsa-client", "rsa.pem", "PS512", Some("rsa-1")),
        ("jwt-ec-client", "ec256.pem", "ES256", Some("ec256-1")),
        ("jwt-p384-client", "ec384.pem", "ES384", Some("ec384-1")),
        (
            "jwt-ed25519-client",
            "ed25519.pem",
            "EdDSA",
            Some("ed25519-1"),
        ),
    ] {
        let what = format!("{client} {key} {alg}");
        let assertion = sign_jwt(
            server.material.pem(key),
            alg,
            kid,
            &assertion_claims(client, &aud),
        );
        let reply = token(server, "client_credentials")
            .assertion(client, &assertion)
            .send();
        let token = reply.token();
        assert_eq!(reply.record["auth"], "jwt", "{what}: {}", reply.record);
        assert_eq!(reply.record["assertion"]["header"]["alg"], alg, "{what}");
        assert_eq!(
            reply.record["assertion"]["payload"]["iss"], client,
            "{what}"
        );
        let info = server.introspect_any(&token);
        assert_eq!(
            (info["active"].as_bool(), info["client_id"].as_str()),
            (Some(true), Some(client)),
            "{what}: {info}"
        );
    }

    // Through the mTLS alias, with the alias as aud; the issuer is an aud too.
    for aud in [server.url("/mtls/token"), server.base.clone()] {
        let assertion = sign_jwt(
            server.material.pem("ec256.pem"),
            "ES256",
            Some("ec256-1"),
            &assertion_claims("jwt-ec-client", &aud),
        );
        let reply = call(server, "/mtls/token")
            .form("grant_type", "client_credentials")
            .assertion("jwt-ec-client", &assertion)
            .send();
        reply.token();
        assert_eq!(reply.record["path"], "/mtls/token");
    }
}

#[test]
fn private_key_jwt_refusals() {
    let Some(server) = https_server() else { return };
    let pem = |name| server.material.pem(name);
    let aud = server.url("/token");
    let send = |assertion: &str| {
        token(server, "client_credentials")
            .assertion("jwt-rsa-client", assertion)
            .send()
    };
    let claims = || assertion_claims("jwt-rsa-client", &aud);

    // A key the client did not register, with and without the registered kid.
    send(&sign_jwt(
        pem("other-rsa.pem"),
        "RS256",
        Some("rsa-1"),
        &claims(),
    ))
    .refused(401, "invalid_client");
    send(&sign_jwt(pem("other-rsa.pem"), "RS256", None, &claims())).refused(401, "invalid_client");
    // The right key under a kid that names no registered key.
    send(&sign_jwt(pem("rsa.pem"), "RS256", Some("rsa-2"), &claims()))
        .refused(401, "invalid_client");
    // An EC signature for an RSA client.
    send(&sign_jwt(pem("ec256.pem"), "ES256", None, &claims())).refused(401, "invalid_client");

    // The same assertion twice: replay detection refuses the second.
    let assertion = sign_jwt(pem("rsa.pem"), "RS256", Some("rsa-1"), &claims());
    send(&assertion).token();
    send(&assertion)
        .refused(401, "invalid_client")
        .because("only be used once");

    // Expired; another audience; the mTLS alias as aud at the plain endpoint.
    let mut expired = claims();
    expired["iat"] = json!(now() - 600);
    expired["exp"] = json!(now() - 300);
    send(&sign_jwt(pem("rsa.pem"), "RS256", Some("rsa-1"), &expired))
        .refused(401, "invalid_client");
    for aud in [
        "https://elsewhere.example.test/token".to_owned(),
        server.url("/mtls/token"),
    ] {
        let claims = assertion_claims("jwt-rsa-client", &aud);
        send(&sign_jwt(pem("rsa.pem"), "RS256", Some("rsa-1"), &claims))
            .refused(401, "invalid_client")
            .because("aud");
    }

    // A client registered for private_key_jwt accepts nothing else.
    token(server, "client_credentials")
        .form("client_id", "jwt-rsa-client")
        .form("client_secret", "anything")
        .send()
        .refused(401, "invalid_client")
        .because("does not match the registered");
}

#[test]
fn client_secret_jwt() {
    let Some(server) = https_server() else { return };
    let aud = server.url("/token");
    for alg in ["HS256", "HS384", "HS512"] {
        let assertion = sign_jwt(
            JWT_SECRET,
            alg,
            None,
            &assertion_claims(JWT_SECRET_ID, &aud),
        );
        let reply = token(server, "client_credentials")
            .assertion(JWT_SECRET_ID, &assertion)
            .send();
        let token = reply.token();
        assert_eq!(server.introspect_any(&token)["client_id"], JWT_SECRET_ID);
    }
    let wrong = sign_jwt(
        "another-secret-0123456789-0123456789-0123456789",
        "HS256",
        None,
        &assertion_claims(JWT_SECRET_ID, &aud),
    );
    token(server, "client_credentials")
        .assertion(JWT_SECRET_ID, &wrong)
        .send()
        .refused(401, "invalid_client");
}

/// tls_client_auth: a certificate from the client CA with the registered subject;
/// an expired one, another subject, a self-signed one and none are refused.
#[test]
fn tls_client_auth() {
    let Some(server) = https_server() else { return };
    let send = |path: &str, cert: Option<&'static str>| {
        let mut call = call(server, path)
            .form("grant_type", "client_credentials")
            .form("client_id", "tls-client");
        if let Some(cert) = cert {
            call = call.cert(cert, "tls-client.key");
        }
        call.send()
    };
    for path in ["/mtls/token", "/token"] {
        let reply = send(path, Some("tls-client.crt"));
        let token = reply.token();
        assert_eq!(reply.record["path"], path);
        assert_eq!(reply.record["auth"], "none");
        let cert = &reply.record["cert"];
        assert_eq!(
            cert["subject"], "CN=tokn-tls-client,O=tokn-interop",
            "{cert}"
        );
        assert_eq!(
            (cert["authorized"].as_bool(), cert["expired"].as_bool()),
            (Some(true), Some(false)),
            "{cert}"
        );
        assert_eq!(cert["x5t#S256"], server.material.x5t("tls-client.crt").1);
        assert_eq!(server.introspect_any(&token)["client_id"], "tls-client");
    }
    let reply = send("/mtls/token", Some("tls-client-expired.crt"));
    reply.refused(401, "invalid_client").because("not verified");
    assert_eq!(reply.record["cert"]["expired"], true);
    send("/mtls/token", Some("tls-wrong-dn.crt"))
        .refused(401, "invalid_client")
        .because("subject");
    send("/mtls/token", Some("tls-untrusted.crt"))
        .refused(401, "invalid_client")
        .because("not verified");
    send("/mtls/token", None)
        .refused(401, "invalid_client")
        .because("not provided");
}

#[test]
fn self_signed_tls_client_auth() {
    let Some(server) = https_server() else { return };
    let send = |cert: &'static str, key: &'static str| {
        call(server, "/mtls/token")
            .form("grant_type", "client_credentials")
            .form("client_id", "self-signed-client")
            .cert(cert, key)
            .send()
    };
    let reply = send("self-signed.crt", "self-signed.key");
    assert_eq!(
        server.introspect_any(&reply.token())["client_id"],
        "self-signed-client"
    );
    send("self-signed-expired.crt", "self-signed.key")
        .refused(401, "invalid_client")
        .because("expired");
    send("tls-client.crt", "tls-client.key")
        .refused(401, "invalid_client")
        .because("unregistered");
}

/// A certificate-bound token (RFC 8705 §3): its cnf names the certificate.
#[test]
fn certificate_bound_tokens() {
    let Some(server) = https_server() else { return };
    let reply = token(server, "client_credentials")
        .basic("bound-client", "bound-secret-0123456789")
        .cert("tls-client.crt", "tls-client.key")
        .send();
    let info = server.introspect_any(&reply.token());
    assert_eq!(
        info["cnf"]["x5t#S256"],
        server.material.x5t("tls-client.crt").1,
        "{info}"
    );
    token(server, "client_credentials")
        .basic("bound-client", "bound-secret-0123456789")
        .send()
        .refused(400, "invalid_grant");
}

// ---------------------------------------------------------------------------------------
// Device authorization and authorization code
// ---------------------------------------------------------------------------------------

/// A client's credentials in a request: public (client_id alone) or Basic.
#[derive(Clone, Copy)]
enum As<'s> {
    Public(&'s str),
    Basic(&'s str, &'s str),
}

impl<'a> Call<'a> {
    fn client(self, client: As) -> Call<'a> {
        match client {
            As::Public(id) => self.form("client_id", id),
            As::Basic(id, secret) => self.basic(id, secret),
        }
    }
}

fn device_start(server: &Server, client: As, scope: &str) -> Value {
    let reply = call(server, "/device/auth")
        .client(client)
        .form("scope", scope)
        .send();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.record["endpoint"], "device_authorization");
    reply.body
}

fn device_poll(server: &Server, client: As, start: &Value) -> Reply {
    token(server, DEVICE_CODE)
        .form(
            "device_code",
            start["device_code"].as_str().expect("device_code"),
        )
        .client(client)
        .send()
}

/// RFC 8628 with a public client: pending until the person signs in, then tokens;
/// the refresh token rotates and a rotated one is refused.
#[test]
fn device_flow() {
    let Some(server) = http_server() else { return };
    let client = As::Public("public-app");
    let start = device_start(server, client, "openid offline_access");
    assert_eq!(start["interval"], 1);
    assert_eq!(start["verification_uri"], server.url("/device"));
    device_poll(server, client, &start).refused(400, "authorization_pending");

    let signed_in = Browser::new(server)
        .device_sign_in(
            start["verification_uri"].as_str().unwrap(),
            start["user_code"].as_str().unwrap(),
            Decision::Allow,
        )
        .expect("device sign-in");
    assert!(signed_in);
    let reply = device_poll(server, client, &start);
    let access = reply.token();
    let info = server.introspect_any(&access);
    assert_eq!(
        (info["active"].as_bool(), info["sub"].as_str()),
        (Some(true), Some(TEST_USER)),
        "{info}"
    );
    assert_eq!(info["client_id"], "public-app");
    let first = reply.body["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();
    assert!(reply.body["id_token"].is_string(), "{}", reply.body);

    let refresh = |rt: &str| {
        token(server, "refresh_token")
            .form("refresh_token", rt)
            .client(client)
            .send()
    };
    let reply = refresh(&first);
    reply.token();
    let second = reply.body["refresh_token"]
        .as_str()
        .expect("a rotated refresh token")
        .to_owned();
    assert_ne!(first, second);
    refresh(&first)
        .refused(400, "invalid_grant")
        .because("already used");
    // Reuse revokes the grant: the new one is gone too.
    refresh(&second).refused(400, "invalid_grant");
    // The device code is spent.
    device_poll(server, client, &start).refused(400, "invalid_grant");
}

/// A confidential client, the self-submitting page of verification_uri_complete, a
/// denial, and a wrong password.
#[test]
fn device_flow_confidential_and_denied() {
    let Some(server) = http_server() else { return };
    let client = As::Basic("confidential-app", "app-secret-0123456789");
    let start = device_start(server, client, "openid");
    let complete = start["verification_uri_complete"].as_str().unwrap();
    let code = start["user_code"].as_str().unwrap();
    assert!(
        Browser::new(server)
            .device_sign_in(complete, code, Decision::Allow)
            .expect("sign-in")
    );
    let reply = device_poll(server, client, &start);
    assert_eq!(
        server.introspect_any(&reply.token())["client_id"],
        "confidential-app"
    );
    assert_eq!(reply.record["auth"], "basic");

    let client = As::Public("public-app");
    let start = device_start(server, client, "openid");
    let (uri, code) = (
        start["verification_uri"].as_str().unwrap(),
        start["user_code"].as_str().unwrap(),
    );
    let err = Browser::new(server)
        .with_password("wrong")
        .device_sign_in(uri, code, Decision::Allow)
        .expect_err("a wrong password is refused");
    assert!(err.contains("wrong user or password"), "{err}");

    let start = device_start(server, client, "openid");
    let (uri, code) = (
        start["verification_uri"].as_str().unwrap(),
        start["user_code"].as_str().unwrap(),
    );
    let signed_in = Browser::new(server)
        .device_sign_in(uri, code, Decision::Deny)
        .expect("deny");
    assert!(!signed_in);
    device_poll(server, client, &start).refused(400, "access_denied");
}

/// PKCE (RFC 7636): a verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = format!("{}{}", random_id(), random_id());
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
    (verifier, challenge)
}

/// A one-shot loopback listener standing in for the client's (RFC 8252 §7.3): it
/// answers one request and hands back its request line.
fn listen_once() -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local addr").port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).expect("request line");
        let mut stream = reader.into_inner();
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nclose",
        );
        line
    });
    (port, handle)
}

fn authorization_url(
    server: &Server,
    client: &str,
    redirect: &str,
    state: &str,
    challenge: &str,
) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "openid offline_access")
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    server.url(&format!("/auth?{query}"))
}

/// Authorization code with PKCE for a public client on a loopback redirect URI with a
/// port of its own, the redirect delivered to a listener, the code exchanged.
#[test]
fn authorization_code_public() {
    let Some(server) = http_server() else { return };
    let (port, listener) = listen_once();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let (verifier, challenge) = pkce();
    let state = random_id();
    let url = authorization_url(server, "public-app", &redirect, &state, &challenge);

    let mut browser = Browser::new(server);
    let location = browser.authorize(&url, Decision::Allow).expect("sign-in");
    assert!(location.starts_with(&format!("{redirect}?")), "{location}");
    assert_eq!(
        query_param(&location, "state").as_deref(),
        Some(state.as_str())
    );
    assert_eq!(
        query_param(&location, "iss").as_deref(),
        Some(server.base.as_str())
    );
    let code = query_param(&location, "code").expect("code");
    let (status, page) = deliver_redirect(&location).expect("deliver");
    assert_eq!((status, page.as_str()), (200, "close"));
    let line = listener.join().expect("listener");
    assert!(
        line.starts_with("GET /callback?") && line.contains(&code),
        "{line}"
    );

    let exchange = |code: &str, redirect: &str, verifier: &str| {
        token(server, "authorization_code")
            .form("code", code)
            .form("redirect_uri", redirect)
            .form("code_verifier", verifier)
            .form("client_id", "public-app")
            .send()
    };
    let reply = exchange(&code, &redirect, &verifier);
    let info = server.introspect_any(&reply.token());
    assert_eq!(info["sub"], TEST_USER, "{info}");
    assert!(reply.body["refresh_token"].is_string(), "{}", reply.body);
    // A code is used once.
    exchange(&code, &redirect, &verifier).refused(400, "invalid_grant");

    // The same browser is still signed in (no login page); another registered path and
    // port; the first verifier does not fit the second challenge.
    let (_, challenge) = pkce();
    let redirect = "http://127.0.0.1:1/oauth/callback";
    let url = authorization_url(server, "public-app", redirect, "s2", &challenge);
    let location = browser.authorize(&url, Decision::Allow).expect("sign-in");
    let code = query_param(&location, "code").expect("code");
    exchange(&code, redirect, &verifier).refused(400, "invalid_grant");
}

/// A confidential client, over HTTPS (secure cookies); a denial comes back as
/// error=access_denied with the state; an unregistered redirect path is refused before
/// any page.
#[test]
fn authorization_code_confidential_and_denied() {
    let Some(server) = https_server() else { return };
    let redirect = "http://127.0.0.1:4567/callback";
    let (verifier, challenge) = pkce();
    let url = authorization_url(server, "confidential-app", redirect, "st", &challenge);
    let location = Browser::new(server)
        .authorize(&url, Decision::Deny)
        .expect("deny");
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied"),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("st"));

    let location = Browser::new(server)
        .authorize(&url, Decision::Allow)
        .expect("allow");
    let reply = token(server, "authorization_code")
        .form("code", &query_param(&location, "code").expect("code"))
        .form("redirect_uri", redirect)
        .form("code_verifier", &verifier)
        .basic("confidential-app", "app-secret-0123456789")
        .send();
    assert_eq!(
        server.introspect_any(&reply.token())["client_id"],
        "confidential-app"
    );

    let url = authorization_url(
        server,
        "public-app",
        "http://127.0.0.1:4567/elsewhere",
        "st",
        &challenge,
    );
    let err = Browser::new(server)
        .authorize(&url, Decision::Allow)
        .expect_err("unregistered redirect");
    assert!(err.contains("redirect_uri"), "{err}");
}

/// Short-lived tokens: the TTL header, and short-app's two seconds.
#[test]
fn short_lived_tokens() {
    let Some(server) = http_server() else { return };
    let reply = token(server, "client_credentials")
        .basic(BASIC_ID, BASIC_SECRET)
        .header("X-Interop-Token-TTL", "1")
        .send();
    let short = reply.token();
    assert_eq!(reply.body["expires_in"], 1);

    let client = As::Public("short-app");
    let start = device_start(server, client, "openid");
    let (uri, code) = (
        start["verification_uri"].as_str().unwrap(),
        start["user_code"].as_str().unwrap(),
    );
    Browser::new(server)
        .device_sign_in(uri, code, Decision::Allow)
        .expect("sign-in");
    let reply = device_poll(server, client, &start);
    reply.token();
    assert_eq!(reply.body["expires_in"], 2);

    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(
        server.introspect(&short, BASIC_ID, BASIC_SECRET)["active"],
        false
    );
}

// ---------------------------------------------------------------------------------------
// The registered grants: password, jwt-bearer, token exchange
// ---------------------------------------------------------------------------------------

fn password_token(server: &Server, scope: &str) -> Reply {
    token(server, "password")
        .form("username", TEST_USER)
        .form("password", TEST_PASSWORD)
        .form("scope", scope)
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
}

#[test]
fn password_grant() {
    let Some(server) = http_server() else { return };
    let reply = password_token(server, "openid offline_access read");
    let info = server.introspect(&reply.token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(
        (info["sub"].as_str(), info["scope"].as_str()),
        (Some(TEST_USER), Some("openid offline_access read")),
        "{info}"
    );
    assert_eq!(
        reply.record["params"]["password"], TEST_PASSWORD,
        "the server got the password as sent"
    );
    assert_eq!(
        reply.record["fields"],
        json!(["grant_type", "username", "password", "scope"])
    );
    let rt = reply.body["refresh_token"].as_str().expect("refresh_token");
    token(server, "refresh_token")
        .form("refresh_token", rt)
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
        .token();

    token(server, "password")
        .form("username", TEST_USER)
        .form("password", "wrong")
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
        .refused(400, "invalid_grant")
        .because("wrong username or password");
    token(server, "password")
        .form("username", TEST_USER)
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
        .refused(400, "invalid_request");
    // A client that may not use the grant.
    token(server, "password")
        .form("username", TEST_USER)
        .form("password", TEST_PASSWORD)
        .basic(BASIC_ID, BASIC_SECRET)
        .send()
        .refused(400, "invalid_request");
}

#[test]
fn jwt_bearer_grant() {
    let Some(server) = http_server() else { return };
    let pem = |name| server.material.pem(name);
    let aud = server.url("/token");
    let send = |assertion: &str| {
        token(server, JWT_BEARER)
            .form("assertion", assertion)
            .basic(GRANT_ID, GRANT_SECRET)
            .send()
    };
    let assertion = sign_jwt(pem("ci.pem"), "ES256", Some("ci-1"), &ci_claims(&aud));
    let reply = send(&assertion);
    let info = server.introspect(&reply.token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(info["sub"], "repo:tokn/tokn:ref:refs/heads/main", "{info}");
    assert_eq!(
        reply.record["grant"]["assertion"]["payload"]["iss"],
        CI_ISSUER
    );
    send(&assertion)
        .refused(400, "invalid_grant")
        .because("used before");

    let refusals: [(&str, &str, Option<&str>, Value, &str); 6] = [
        (
            "other-ec256.pem",
            "ES256",
            Some("ci-1"),
            ci_claims(&aud),
            "signature",
        ),
        ("ci.pem", "ES256", Some("ci-2"), ci_claims(&aud), "kid"),
        (
            "ci.pem",
            "ES256",
            None,
            ci_claims("https://elsewhere.example.test"),
            "aud",
        ),
        (
            "ci.pem",
            "ES256",
            None,
            json!({"iss": CI_ISSUER, "sub": "x", "aud": aud, "exp": now() - 300}),
            "exp",
        ),
        (
            "ci.pem",
            "ES256",
            None,
            json!({"iss": CI_ISSUER, "aud": aud, "exp": now() + 60}),
            "sub",
        ),
        (
            "ci.pem",
            "ES256",
            None,
            json!({"iss": "https://unknown.example.test", "sub": "x", "aud": aud, "exp": now() + 60}),
            "not trusted",
        ),
    ];
    for (key, alg, kid, claims, why) in refusals {
        send(&sign_jwt(pem(key), alg, kid, &claims))
            .refused(400, "invalid_grant")
            .because(why);
    }

    // No client at all: assertion-app's; the issuer as aud.
    let claims = assertion_claims("assertion-app", &server.base);
    let reply = token(server, JWT_BEARER)
        .form(
            "assertion",
            &sign_jwt(pem("ed25519.pem"), "EdDSA", Some("ed25519-1"), &claims),
        )
        .send();
    assert_eq!(
        server.introspect_any(&reply.token())["client_id"],
        "assertion-app"
    );
    assert_eq!(
        (
            reply.record["client_id"].as_str(),
            reply.record["auth"].as_str()
        ),
        (Some(""), Some("none"))
    );
    // Naming the public client, an RSA key.
    let claims = assertion_claims("assertion-app", &aud);
    token(server, JWT_BEARER)
        .form(
            "assertion",
            &sign_jwt(pem("rsa.pem"), "RS256", None, &claims),
        )
        .form("client_id", "assertion-app")
        .send()
        .token();

    // A Google-style service account: its key id, the scopes as a claim.
    let claims = json!({
        "iss": SERVICE_ACCOUNT, "sub": SERVICE_ACCOUNT, "aud": aud, "scope": "read write",
        "iat": now(), "exp": now() + 300,
    });
    let reply = token(server, JWT_BEARER)
        .form(
            "assertion",
            &sign_jwt(pem("rsa.pem"), "RS256", Some("sa-key-1"), &claims),
        )
        .send();
    reply.token();
    assert_eq!(reply.body["scope"], "read write");
}

#[test]
fn token_exchange_grant() {
    let Some(server) = http_server() else { return };
    let exchange = |subject: &str, subject_type: &str| {
        token(server, TOKEN_EXCHANGE)
            .form("subject_token", subject)
            .form("subject_token_type", subject_type)
            .basic(GRANT_ID, GRANT_SECRET)
    };
    let ci = sign_jwt(
        server.material.pem("ci.pem"),
        "ES256",
        Some("ci-1"),
        &ci_claims("tokn-interop"),
    );
    let reply = exchange(&ci, &format!("{TT}jwt"))
        .form("audience", "https://api.example.test")
        .form("audience", "tokn-interop")
        .form("scope", "read")
        .send();
    let token_value = reply.token();
    assert_eq!(reply.body["issued_token_type"], format!("{TT}access_token"));
    let info = server.introspect(&token_value, GRANT_ID, GRANT_SECRET);
    assert_eq!(info["sub"], "repo:tokn/tokn:ref:refs/heads/main", "{info}");
    assert_eq!(
        info["aud"],
        json!(["https://api.example.test", "tokn-interop"]),
        "{info}"
    );
    let grant = &reply.record["grant"];
    assert_eq!(grant["subject"]["iss"], CI_ISSUER, "{grant}");
    assert_eq!(
        grant["audience"],
        json!(["https://api.example.test", "tokn-interop"])
    );
    assert_eq!(
        reply.record["fields"],
        json!([
            "grant_type",
            "subject_token",
            "subject_token_type",
            "audience",
            "audience",
            "scope"
        ])
    );

    // An access token of this server as the subject, another as the actor.
    let subject = password_token(server, "read").token();
    let actor = token(server, "client_credentials")
        .basic(BASIC_ID, BASIC_SECRET)
        .send()
        .token();
    let reply = exchange(&subject, &format!("{TT}access_token"))
        .form("actor_token", &actor)
        .form("actor_token_type", &format!("{TT}access_token"))
        .form("requested_token_type", &format!("{TT}access_token"))
        .send();
    let info = server.introspect(&reply.token(), GRANT_ID, GRANT_SECRET);
    assert_eq!(
        (info["sub"].as_str(), info["act"]["sub"].as_str()),
        (Some(TEST_USER), Some(BASIC_ID)),
        "{info}"
    );

    let mut tampered = ci.clone();
    tampered.replace_range(ci.len() - 4.., "AAAA");
    exchange(&tampered, &format!("{TT}jwt"))
        .send()
        .refused(400, "invalid_request")
        .because("signature");
    exchange(&ci, &format!("{TT}saml2"))
        .send()
        .refused(400, "invalid_request");
    exchange(&ci, &format!("{TT}access_token"))
        .send()
        .refused(400, "invalid_request");
    exchange(&ci, &format!("{TT}jwt"))
        .form("requested_token_type", &format!("{TT}jwt"))
        .send()
        .refused(400, "invalid_request");
    exchange(&ci, &format!("{TT}jwt"))
        .form("audience", "https://unknown.example.test")
        .send()
        .refused(400, "invalid_target");
    exchange(&ci, &format!("{TT}jwt"))
        .form("actor_token", &actor)
        .send()
        .refused(400, "invalid_request");
    token(server, TOKEN_EXCHANGE)
        .form("subject_token", &ci)
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
        .refused(400, "invalid_request")
        .because("subject_token_type");
}

// ---------------------------------------------------------------------------------------
// Test endpoints and material
// ---------------------------------------------------------------------------------------

#[test]
fn test_endpoints() {
    let Some(server) = http_server() else { return };
    // /test/revoke makes a client's refresh tokens unknown: the next refresh fails.
    let reply = password_token(server, "offline_access");
    let rt = reply.body["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();
    let (status, body) = server
        .post_form(
            "/test/revoke",
            &[("client_id", GRANT_ID), ("kind", "RefreshToken")],
        )
        .expect("revoke");
    assert_eq!(status, 200, "{body}");
    assert!(body["revoked"].as_u64().unwrap_or(0) >= 1, "{body}");
    token(server, "refresh_token")
        .form("refresh_token", &rt)
        .basic(GRANT_ID, GRANT_SECRET)
        .send()
        .refused(400, "invalid_grant");

    // /test/verify-jwt checks each of the provider's algorithms.
    for alg in ["PS256", "ES256", "ES384", "EdDSA"] {
        let reply = token(server, "client_credentials")
            .basic("scoped-client", "scoped-secret-0123456789")
            .form("resource", &format!("https://api.example.test/alg/{alg}"))
            .form("scope", "read")
            .send();
        let claims = server.verified_jwt_claims(&reply.token());
        assert_eq!(claims["aud"], format!("https://api.example.test/alg/{alg}"));
    }
    let (_, body) = server
        .post_form("/test/verify-jwt", &[("token", "a.b.c")])
        .expect("verify");
    assert_eq!(body["valid"], false, "{body}");
}

/// The key files are what their names say: each encoding holds the same key, the
/// certificates chain and expire as described (interop_material.rs).
#[test]
fn material_is_as_described() {
    let Some(server) = http_server() else { return };
    let material = server.material;
    let dir = TempDir::new("material-check");
    for name in FILES {
        material.write(&dir.path, name);
    }
    let first_line = |name: &str| material.pem(name).lines().next().unwrap_or("").to_owned();
    for (name, line) in [
        ("rsa.pem", "-----BEGIN PRIVATE KEY-----"),
        ("rsa.pkcs1.pem", "-----BEGIN RSA PRIVATE KEY-----"),
        ("ec256.sec1.pem", "-----BEGIN EC PRIVATE KEY-----"),
        ("ec384.sec1.pem", "-----BEGIN EC PRIVATE KEY-----"),
        ("ed25519.pem", "-----BEGIN PRIVATE KEY-----"),
        ("tls-client.crt", "-----BEGIN CERTIFICATE-----"),
    ] {
        assert_eq!(first_line(name), line, "{name}");
    }
    let public = |name: &str| {
        let out = dir.path.join(format!("{name}.pub"));
        openssl(
            &dir.path,
            &format!("pkey -in {name} -pubout -out {}", out.display()),
        )
        .expect("pubout");
        std::fs::read_to_string(out).expect("public key")
    };
    assert_eq!(public("rsa.pem"), public("rsa.pkcs1.pem"));
    assert_eq!(public("ec256.pem"), public("ec256.sec1.pem"));
    assert_eq!(public("ec384.pem"), public("ec384.sec1.pem"));
    assert_ne!(public("rsa.pem"), public("other-rsa.pem"));

    openssl(&dir.path, "verify -CAfile client-ca.pem tls-client.crt")
        .expect("tls-client.crt chains");
    openssl(&dir.path, "verify -CAfile client-ca.pem tls-wrong-dn.crt")
        .expect("tls-wrong-dn.crt chains");
    for valid in [
        "tls-client.crt",
        "self-signed.crt",
        "rsa.crt",
        "tls-untrusted.crt",
    ] {
        openssl(
            &dir.path,
            &format!("x509 -in {valid} -noout -checkend 3600"),
        )
        .expect(valid);
    }
    for expired in ["tls-client-expired.crt", "self-signed-expired.crt"] {
        assert!(
            openssl(&dir.path, &format!("x509 -in {expired} -noout -checkend 0")).is_err(),
            "{expired} has expired"
        );
    }
    let (sha1, sha256) = material.x5t("rsa.crt");
    assert_eq!((sha1.len(), sha256.len()), (27, 43));
}

/// The background runner the sign-in tests use: stderr line by line while tokn runs,
/// the whole outcome at the end, and Ctrl-C.
#[test]
fn background_tokn_run() {
    let Some(server) = http_server() else { return };
    let mut running = Tokn::new(server, "background")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["-v"])
        .spawn();
    let line = running.wait_for_stderr("> POST ", Duration::from_secs(20));
    assert!(line.contains(&server.url("/token")), "{line}");
    let out = running.finish(Duration::from_secs(20));
    server.assert_active(out.raw_token(), BASIC_ID, BASIC_SECRET, None);
    assert!(
        out.stderr.contains("> POST "),
        "the whole stderr: {}",
        out.stderr
    );

    // A server that never answers: tokn waits until interrupted.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://127.0.0.1:{}/token",
        listener.local_addr().expect("addr").port()
    );
    let holder = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
    let mut running = Tokn::new(server, "background-interrupted")
        .client(BASIC_ID, BASIC_SECRET)
        .args(["-v", "--timeout", "60"])
        .token_url(Some(&url))
        .spawn();
    running.wait_for_stderr(&url, Duration::from_secs(20));
    let _connection = holder.join().expect("accept thread");
    running.interrupt();
    let out = running.finish(Duration::from_secs(20));
    assert_ne!(out.code, Some(0), "stderr: {}", out.stderr);
    assert_eq!(out.stdout, "");
}
