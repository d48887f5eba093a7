//! Identifiers. Randomness and time come from the caller (the shell), so the
//! core stays pure and tests are deterministic.

use serde::{Deserialize, Serialize};
use std::fmt;
use ulid::Ulid;

/// Makes a ULID string from a millisecond timestamp and 16 random bytes.
fn ulid_string(unix_ms: u64, random: [u8; 16]) -> String {
    Ulid::from_parts(unix_ms, u128::from_le_bytes(random)).to_string()
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A new time-ordered id (ULID) from a timestamp and random bytes.
            pub fn generate(unix_ms: u64, random: [u8; 16]) -> Self {
                Self(ulid_string(unix_ms, random))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

string_id!(
    /// Identifies one event, globally.
    EventId
);
string_id!(
    /// Identifies one writer: one page load of the app, or a server.
    DeviceId
);
string_id!(
    /// Identifies one member of the branch for ever (names are not unique).
    MemberId
);
string_id!(
    /// Identifies one meeting.
    MeetingId
);
string_id!(
    /// Identifies one training class (培训班).
    ClassId
);
string_id!(
    /// Identifies one self-study record (自学).
    StudyId
);
string_id!(
    /// Identifies one "身边最美党员" round.
    RoundId
);
string_id!(
    /// Identifies one nomination.
    NominationId
);
string_id!(
    /// Identifies one objection (异议).
    ObjectionId
);
