//! API credentials (login and password for HTTP Basic auth), kept in secret types.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The API login and API password of an account (reference §1: HTTP Basic).
///
/// Both halves live in [`SecretString`]s: this type has no `Display`, and its `Debug` prints
/// neither value, so credentials cannot leak into logs, errors or snapshots. The library never reads
/// them from the environment; the program passes them in explicitly.
#[derive(Clone)]
pub struct Credentials {
    login: SecretString,
    password: SecretString,
}

impl Credentials {
    /// Credentials from the API login and the API password (not the web-account password).
    pub fn new(login: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            login: SecretString::from(login.into()),
            password: SecretString::from(password.into()),
        }
    }

    /// Adds HTTP Basic authentication to a request. reqwest marks the header value as sensitive.
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.basic_auth(self.login.expose_secret(), Some(self.password.expose_secret()))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { login: [redacted], password: [redacted] }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_login_nor_password() {
        let credentials = Credentials::new("someone@example.com", "hunter2-secret");
        let debug = format!("{credentials:?}");
        assert!(!debug.contains("someone"));
        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("redacted"));
    }
}
