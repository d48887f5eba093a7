//! Check-in tokens: the organizer's device signs (meeting, 30-second window)
//! with the branch's Ed25519 key; a member's phone verifies offline with the
//! public key it already holds. The six-digit code shown beside the QR is
//! taken from the same signature, so only the key holder can check it.

use crate::ids::MeetingId;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Seconds per token window: the QR changes this often.
pub const WINDOW_SECS: i64 = 30;
/// Windows either side of the phone's own that still verify: covers the
/// time to scan and a phone clock a minute off, and no more.
pub const TOLERANCE: i64 = 2;
/// Windows back from a typed code's time that the organizer tries: typing
/// takes longer than scanning.
pub const CODE_LOOKBACK: i64 = 8;

/// The window a Unix time (seconds) falls in.
pub fn window_of(unix: i64) -> i64 {
    unix.div_euclid(WINDOW_SECS)
}

/// The organizer's private key. Never leaves the organizer's device.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

/// The branch's public key, as members hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl SecretKey {
    /// A key from 32 random bytes (the shell supplies them).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// Text form for storage on the organizer's device.
    pub fn to_text(&self) -> String {
        B64.encode(self.0.to_bytes())
    }

    /// Reads [`SecretKey::to_text`].
    pub fn parse(text: &str) -> Option<SecretKey> {
        let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
        Some(SecretKey::from_seed(bytes))
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs arbitrary bytes (the join card), base64url.
    pub fn sign(&self, message: &[u8]) -> String {
        B64.encode(self.0.sign(message).to_bytes())
    }

    /// The token for a meeting at a moment.
    pub fn token(&self, meeting: &MeetingId, unix: i64) -> Token {
        let window = window_of(unix);
        let signature = self.0.sign(&message(meeting, window)).to_bytes();
        Token { meeting: meeting.clone(), window, signature }
    }

    /// Whether a typed code matches a window near `at` (the phone's time of
    /// typing). Returns the matching window's start time.
    pub fn check_code(&self, meeting: &MeetingId, code: &str, at: i64) -> Option<i64> {
        let now = window_of(at);
        (now - CODE_LOOKBACK..=now + TOLERANCE)
            .find(|w| self.token(meeting, w * WINDOW_SECS).code() == code.trim())
            .map(|w| w * WINDOW_SECS)
    }
}

impl PublicKey {
    /// Text form (base64url), as kept in settings and the join card.
    pub fn to_text(&self) -> String {
        B64.encode(self.0.to_bytes())
    }

    /// Reads [`PublicKey::to_text`].
    pub fn parse(text: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(PublicKey)
    }

    /// Checks a signature made by [`SecretKey::sign`].
    pub fn verify(&self, message: &[u8], signature: &str) -> bool {
        let Some(bytes) = B64.decode(signature.trim()).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        self.0.verify_strict(message, &Signature::from_bytes(&bytes)).is_ok()
    }
}

fn message(meeting: &MeetingId, window: i64) -> Vec<u8> {
    format!("zhibu-checkin-v1\0{meeting}\0{window}").into_bytes()
}

/// A signed check-in token: what the QR carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The meeting.
    pub meeting: MeetingId,
    /// The 30-second window it was made for.
    pub window: i64,
    /// Ed25519 signature over (meeting, window).
    pub signature: [u8; 64],
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a Zhibu check-in code at all.
    Malformed,
    /// For a different meeting than the one being checked into.
    WrongMeeting,
    /// Not signed by this branch's organizer key (forged or another branch).
    BadSignature,
    /// Older than the tolerance: a screenshot passed around, or too slow.
    Expired,
    /// From the future: this phone's clock is behind.
    FromTheFuture,
}

/// The route part a check-in link carries before the token.
pub const LINK_PREFIX: &str = "#/c/";

impl Token {
    /// Text form: `meeting.window.signature`.
    pub fn to_text(&self) -> String {
        format!("{}.{}.{}", self.meeting, self.window, B64.encode(self.signature))
    }

    /// The six-digit code for this window.
    pub fn code(&self) -> String {
        let n = u64::from_le_bytes(self.signature[..8].try_into().expect("8 bytes"));
        format!("{:06}", n % 1_000_000)
    }

    /// Start of its window, Unix seconds: the check-in time it proves.
    pub fn time(&self) -> i64 {
        self.window * WINDOW_SECS
    }

    /// Reads a token from its text or from a link containing [`LINK_PREFIX`].
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let text = text.trim();
        let text = text.rfind(LINK_PREFIX).map_or(text, |at| &text[at + LINK_PREFIX.len()..]);
        let mut parts = text.split('.');
        let (Some(meeting), Some(window), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let meeting_ok = meeting.len() == 26 && meeting.bytes().all(|b| b.is_ascii_alphanumeric());
        let window = window.parse::<i64>().ok().filter(|w| w.unsigned_abs() < (1 << 40));
        let signature = B64.decode(sig).ok().and_then(|b| <[u8; 64]>::try_from(b).ok());
        match (meeting_ok, window, signature) {
            (true, Some(window), Some(signature)) => Ok(Token { meeting: meeting.into(), window, signature }),
            _ => Err(TokenError::Malformed),
        }
    }

    /// Verifies the token for `meeting` against the branch key at the phone's
    /// time `now` (Unix seconds).
    pub fn verify(&self, key: &PublicKey, meeting: &MeetingId, now: i64) -> Result<(), TokenError> {
        if &self.meeting != meeting {
            return Err(TokenError::WrongMeeting);
        }
        let signature = Signature::from_bytes(&self.signature);
        key.0.verify_strict(&message(&self.meeting, self.window), &signature).map_err(|_| TokenError::BadSignature)?;
        let now = window_of(now);
        if self.window < now - TOLERANCE {
            Err(TokenError::Expired)
        } else if self.window > now + TOLERANCE {
            Err(TokenError::FromTheFuture)
        } else {
            Ok(())
        }
    }

    /// Verifies only the signature (the organizer checking a check-in that
    /// arrived later, when "now" has long passed).
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        key.0.verify_strict(&message(&self.meeting, self.window), &Signature::from_bytes(&self.signature)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEETING: &str = "01KB0000000000000000000000";

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed([n; 32])
    }

    #[test]
    fn a_fresh_token_verifies_offline_with_the_public_key() {
        let secret = key(1);
        let public = PublicKey::parse(&secret.public().to_text()).unwrap();
        let t0 = 1_790_000_000;
        let token =
            Token::parse(&format!("https://x.test/{LINK_PREFIX}{}", secret.token(&MEETING.into(), t0).to_text()))
                .unwrap();
        assert_eq!(token.verify(&public, &MEETING.into(), t0 + 5), Ok(()));
        assert_eq!(token.verify(&public, &MEETING.into(), t0 + 60), Ok(()));
        assert!(token.signed_by(&public));
        assert_eq!(token.time(), t0 - t0.rem_euclid(30));
    }

    #[test]
    fn expired_future_wrong_key_wrong_meeting_tampered_and_garbage_are_refused() {
        let secret = key(1);
        let public = secret.public();
        let t0 = 1_790_000_010;
        let token = secret.token(&MEETING.into(), t0);
        assert_eq!(token.verify(&public, &MEETING.into(), t0 + 3 * 30 + 30), Err(TokenError::Expired));
        assert_eq!(token.verify(&public, &MEETING.into(), t0 - 4 * 30), Err(TokenError::FromTheFuture));
        assert_eq!(token.verify(&key(2).public(), &MEETING.into(), t0), Err(TokenError::BadSignature));
        assert_eq!(token.verify(&public, &"01KB0000000000000000000001".into(), t0), Err(TokenError::WrongMeeting));
        // Moving the window forward (re-using an old QR) breaks the signature.
        let mut moved = token.clone();
        moved.window += 10;
        assert_eq!(moved.verify(&public, &MEETING.into(), moved.time()), Err(TokenError::BadSignature));
        let mut flipped = token.clone();
        flipped.signature[10] ^= 1;
        assert_eq!(flipped.verify(&public, &MEETING.into(), t0), Err(TokenError::BadSignature));
        for junk in ["", "hello", "a.b.c", &format!("{MEETING}.12.zz"), &format!("{MEETING}.x.{}", "A".repeat(86))] {
            assert_eq!(Token::parse(junk), Err(TokenError::Malformed), "{junk}");
        }
    }

    #[test]
    fn codes_are_six_digits_and_only_the_key_holder_matches_them() {
        let secret = key(3);
        let t0 = 1_790_000_000;
        let code = secret.token(&MEETING.into(), t0).code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        // Typed two minutes later, still found; the window it names is returned.
        assert_eq!(secret.check_code(&MEETING.into(), &code, t0 + 120), Some(t0 - t0.rem_euclid(30)));
        assert_eq!(secret.check_code(&MEETING.into(), &code, t0 + 3600), None);
        assert_eq!(key(4).check_code(&MEETING.into(), &code, t0), None);
        let codes: std::collections::BTreeSet<String> =
            (0..50).map(|w| secret.token(&MEETING.into(), t0 + w * 30).code()).collect();
        assert!(codes.len() >= 49, "codes change every window");
    }

    #[test]
    fn signatures_over_bytes_round_trip() {
        let secret = SecretKey::parse(&key(5).to_text()).unwrap();
        let sig = secret.sign(b"card");
        assert!(secret.public().verify(b"card", &sig));
        assert!(!secret.public().verify(b"card!", &sig));
        assert!(!key(6).public().verify(b"card", &sig));
        assert!(!secret.public().verify(b"card", "not base64"));
    }
}
