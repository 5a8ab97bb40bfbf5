//! The `k8s` format: the `ExecCredential` a kubectl exec plugin answers.
//!
//! kubectl names the apiVersion it wants in `KUBERNETES_EXEC_INFO` (and refuses
//! an answer in another one), so the version is read from there, and checked
//! with the other settings before anything is sent.

use serde_json::Value;

use crate::clock;
use crate::oauth::response::Token;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// The `apiVersion` of the `ExecCredential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    #[default]
    V1,
    V1Beta1,
}

impl ApiVersion {
    fn name(self) -> &'static str {
        match self {
            ApiVersion::V1 => V1,
            ApiVersion::V1Beta1 => V1BETA1,
        }
    }

    /// The version kubectl asks for in `KUBERNETES_EXEC_INFO` (JSON with an
    /// `apiVersion`); `v1` when the variable is not set.
    pub fn requested(exec_info: Option<&str>) -> Result<ApiVersion, String> {
        let Some(info) = exec_info.filter(|i| !i.trim().is_empty()) else {
            return Ok(ApiVersion::V1);
        };
        let parsed: Value = serde_json::from_str(info)
            .map_err(|e| format!("KUBERNETES_EXEC_INFO is not JSON: {e}"))?;
        match parsed.get("apiVersion").and_then(Value::as_str) {
            None | Some(V1) => Ok(ApiVersion::V1),
            Some(V1BETA1) => Ok(ApiVersion::V1Beta1),
            Some(other) => Err(format!(
                "KUBERNETES_EXEC_INFO asks for an ExecCredential of apiVersion '{other}': \
                 tokn answers {V1} and {V1BETA1}, so set one of them as the apiVersion of \
                 the kubeconfig's exec section"
            )),
        }
    }
}

/// `{"apiVersion":…,"kind":"ExecCredential","status":{"token":…}}`, with
/// `expirationTimestamp` (RFC 3339 UTC) only when the lifetime is known: without
/// it kubectl keeps the token for the life of its process, which is what an
/// unknown lifetime allows.
pub fn k8s(version: ApiVersion, token: &Token, expires_at: Option<u64>) -> String {
    let expiry = match expires_at {
        Some(at) => format!(",\"expirationTimestamp\":\"{}\"", clock::rfc3339(at)),
        None => String::new(),
    };
    format!(
        "{{\"apiVersion\":\"{}\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":{}{expiry}}}}}",
        version.name(),
        Value::from(token.access_token.as_str())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_kubectl_asks_for() {
        let asks = |info: &str| ApiVersion::requested(Some(info));
        assert_eq!(ApiVersion::requested(None), Ok(ApiVersion::V1));
        assert_eq!(asks(""), Ok(ApiVersion::V1));
        assert_eq!(
            asks(
                r#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}"#
            ),
            Ok(ApiVersion::V1Beta1)
        );
        assert_eq!(
            asks(r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#),
            Ok(ApiVersion::V1)
        );
        assert!(asks(r#"{"apiVersion":"client.authentication.k8s.io/v1alpha1"}"#).is_err());
        assert!(asks("v1beta1").is_err());
    }
}
