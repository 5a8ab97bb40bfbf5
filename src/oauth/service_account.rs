//! A Google service-account key file (`--service-account`): the JSON that a
//! cloud console hands out, with the key the account signs its jwt-bearer
//! assertions with and everything that goes with it.
//!
//! It is read when a token must be fetched, through the bounded reader (a key
//! file others can read gives a warning), and its private key is registered as
//! a secret the moment it is read.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::diag;
use crate::error::usage;
use crate::files::{self, Kind, UserFile};
use crate::secret::Secret;

/// The fields tokn uses (the file has more).
pub struct ServiceAccount {
    pub client_email: String,
    /// The PEM private key.
    pub private_key: Secret,
    pub private_key_id: String,
    pub token_uri: String,
    /// How messages name the file: `the --service-account file 'sa.json'`.
    pub origin: String,
}

impl ServiceAccount {
    pub fn load(path: &Path, option: &str, deadline: Instant) -> Result<ServiceAccount> {
        let file = UserFile {
            path,
            noun: "service-account file",
            option: Some(option),
            kind: Kind::Secret,
        };
        let bytes = files::read(&file, deadline)?;
        let origin = format!("the {option} file '{}'", path.display());
        ServiceAccount::parse(&bytes, &origin)
    }

    /// The fields of a key file's JSON; a wrong `type` or a missing field is a
    /// usage error naming the file and the field.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<ServiceAccount> {
        let object = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(usage(format!(
                    "{origin} is not a service-account key file: it is not a JSON object"
                )));
            }
        };
        // The key first, so that no message below can show it.
        if let Some(Value::String(key)) = object.get("private_key") {
            diag::protect_secret(key);
        }
        match object.get("type").and_then(Value::as_str) {
            Some("service_account") => {}
            Some(other) => {
                return Err(usage(format!(
                    "{origin} is a key file of type \"{other}\", not \"service_account\""
                )));
            }
            None => return Err(missing(origin, "type")),
        }
        Ok(ServiceAccount {
            client_email: field(&object, "client_email", origin)?,
            private_key: Secret::new(field(&object, "private_key", origin)?),
            private_key_id: field(&object, "private_key_id", origin)?,
            token_uri: field(&object, "token_uri", origin)?,
            origin: origin.to_string(),
        })
    }
}

fn field(object: &Map<String, Value>, name: &str, origin: &str) -> Result<String> {
    match object.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(missing(origin, name)),
    }
}

fn missing(origin: &str, name: &str) -> anyhow::Error {
    usage(format!(
        "{origin} has no \"{name}\": a service-account key file names type, client_email, \
         private_key, private_key_id and token_uri"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"type":"service_account","project_id":"p","private_key_id":"k1",
        "private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "client_email":"sa@p.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"}"#;

    #[test]
    fn the_fields_tokn_uses() {
        let sa = ServiceAccount::parse(FILE.as_bytes(), "f").unwrap();
        assert_eq!(sa.client_email, "sa@p.iam.gserviceaccount.com");
        assert_eq!(sa.private_key_id, "k1");
        assert_eq!(sa.token_uri, "https://oauth2.googleapis.com/token");
        assert!(
            sa.private_key
                .expose()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
    }

    #[test]
    fn another_type_or_a_missing_field_names_the_field() {
        let wrong = FILE.replace("service_account", "authorized_user");
        let err = ServiceAccount::parse(wrong.as_bytes(), "f")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("\"authorized_user\""), "{err}");
        let missing = FILE.replace("\"token_uri\"", "\"x\"");
        let err = ServiceAccount::parse(missing.as_bytes(), "f")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("no \"token_uri\""), "{err}");
        assert!(ServiceAccount::parse(b"[]", "f").is_err());
    }
}
