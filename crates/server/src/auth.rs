//! Credentials: random tokens (256-bit, stored as SHA-256), organizer
//! passwords (argon2id), and the [`Caller`] every protected endpoint takes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zhibu_core::ids::MemberId;
use zhibu_core::sync::{Principal, Role};

use crate::app::App;
use crate::error::Failure;
use crate::store::TokenRow;

/// `n` random bytes from the operating system, URL-safe base64.
pub fn random(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new bearer token (256 bits).
pub fn new_token() -> String {
    random(32)
}

/// What is stored of a token or code: its SHA-256, hex.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id (slow on purpose: run off the async threads).
pub async fn hash_password(password: String) -> Result<String, Failure> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random source");
        let salt = SaltString::encode_b64(&salt).expect("16 bytes make a salt");
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| Failure::Unavailable(e.to_string()))?
    .map_err(|e| Failure::Invalid(format!("password: {e}")))
}

/// Checks a password against a stored hash. Without one (unknown login)
/// it still does the work, so timing does not tell which logins exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        // A hash of a random password nobody knows, for the unknown-login case.
        static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let known = stored.is_some();
        let text = stored.unwrap_or_else(|| {
            DECOY
                .get_or_init(|| {
                    let salt = SaltString::encode_b64(random(16).as_bytes()).expect("salt");
                    Argon2::default().hash_password(random(32).as_bytes(), &salt).expect("argon2").to_string()
                })
                .clone()
        });
        let Ok(parsed) = PasswordHash::new(&text) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

/// The system's time, Unix milliseconds. The server reads its clock
/// (`App::now`, `clock::Clock::System` by default); tests stamp rows with this.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The authenticated caller of a request: a live token of one branch.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The token's row.
    pub token: TokenRow,
}

impl Caller {
    /// The caller's branch.
    pub fn branch(&self) -> &str {
        &self.token.branch
    }

    /// Who, for the event rules.
    pub fn principal(&self) -> Principal {
        Principal { role: self.token.role, member: self.token.member.as_deref().map(MemberId::from) }
    }

    /// Refuses unless the caller is the organizer.
    pub fn organizer(&self) -> Result<(), Failure> {
        if self.token.role == Role::Organizer {
            Ok(())
        } else {
            Err(Failure::Forbidden("only the organizer may do this".into()))
        }
    }

    /// Refuses unless the caller keeps the branch's records.
    pub fn keeper(&self) -> Result<(), Failure> {
        if self.token.role.keeps_records() {
            Ok(())
        } else {
            Err(Failure::Forbidden("only the organizer or a committee member may do this".into()))
        }
    }
}

/// Last-seen is written at most this often per token (ms), so reads stay reads.
const TOUCH_EVERY: i64 = 60_000;

impl FromRequestParts<App> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim) else {
            return Err(Failure::Unauthorized("a bearer token is required"));
        };
        // Refuse junk before touching the database.
        if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(Failure::Unauthorized("the token is not valid"));
        }
        let hashed = hash(token);
        app.limits.per_token(&hashed)?;
        let row = app.db.token(&hashed).await?.ok_or(Failure::Unauthorized("the token is not valid"))?;
        let now = app.now();
        if row.revoked {
            return Err(Failure::Unauthorized("this device was revoked"));
        }
        if row.expires_at <= now {
            return Err(Failure::Unauthorized("the session expired; log in again"));
        }
        if now - row.last_seen > TOUCH_EVERY {
            app.db.touch_token(&row.id, now).await?;
        }
        Ok(Caller { token: row })
    }
}
