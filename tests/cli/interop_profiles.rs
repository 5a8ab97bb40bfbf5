//! Profiles of the config file against oidc-provider (issue 12): `tokn -p prod` end to
//! end, with the secret from a command and a CA path relative to the config file, and
//! the `default` profile with a flag replacing its scopes. Every token is checked by the
//! server's introspection.

use std::path::Path;

use crate::interop::{
    POST_ID, POST_SECRET, SCOPED_ID, SCOPED_SECRET, Tokn, auth_trace, http_server, https_server,
    trace,
};

/// Write the config file where tokn looks for it by default ($XDG_CONFIG_HOME/tokn).
fn write_config(home: &Path, text: &str) -> std::path::PathBuf {
    let dir = home.join("config").join("tokn");
    std::fs::create_dir_all(&dir).expect("config dir");
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("config file");
    path
}

#[test]
fn profile_prod_over_https_with_a_secret_command() {
    let Some(server) = https_server() else { return };
    let tokn = Tokn::new(server, "profile-prod").token_url(None);
    let config = write_config(
        &tokn.home.path,
        &format!(
            "[defaults]\ntimeout = 15\n\n[profiles.prod]\ntoken_url = \"{}/token\"\n\
             client_id = \"{POST_ID}\"\nclient_secret_cmd = \"cat post.secret\"\n\
             auth = \"post\"\ncacert = \"ca.pem\"\nformat = \"json\"\n",
            server.base
        ),
    );
    let dir = config.parent().unwrap();
    std::fs::write(dir.join("ca.pem"), server.ca_pem.as_deref().unwrap()).unwrap();
    // The command runs in tokn's working directory, the run's HOME.
    std::fs::write(tokn.home.path.join("post.secret"), POST_SECRET).unwrap();

    let out = tokn.args(["-p", "prod"]).run();
    out.assert_code(0);
    out.assert_no_secret(POST_SECRET);
    let json = out.json();
    let token = json["access_token"].as_str().expect("access_token");
    server.assert_active(token, POST_ID, POST_SECRET, None);
    assert!(json["expires_at"].is_u64(), "{json}");
    // One request, the secret in the body, as the profile says.
    assert_eq!(auth_trace(server, &out, POST_ID), trace(&[("post", 200)]));
}

#[test]
fn the_default_profile_and_a_flag_that_replaces_its_scopes() {
    let Some(server) = http_server() else { return };
    let profile = |tokn: &Tokn| {
        std::fs::write(
            tokn.home.path.join("scoped.secret"),
            format!("{SCOPED_SECRET}\n"),
        )
        .unwrap();
        write_config(
            &tokn.home.path,
            &format!(
                "[profiles.default]\ntoken_url = \"{}/token\"\nclient_id = \"{SCOPED_ID}\"\n\
                 client_secret_file = \"~/scoped.secret\"\nscope = [\"read\", \"write\"]\n",
                server.base
            ),
        );
    };
    let tokn = Tokn::new(server, "profile-default").token_url(None);
    profile(&tokn);
    let out = tokn.run();
    out.assert_code(0);
    server.assert_active(
        out.raw_token(),
        SCOPED_ID,
        SCOPED_SECRET,
        Some("read write"),
    );

    let tokn = Tokn::new(server, "profile-default-flag").token_url(None);
    profile(&tokn);
    let out = tokn.args(["-s", "admin"]).run();
    out.assert_code(0);
    server.assert_active(out.raw_token(), SCOPED_ID, SCOPED_SECRET, Some("admin"));
}
