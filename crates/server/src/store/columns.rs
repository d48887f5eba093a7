//! How both engines store a value: roles as their serde names, counters
//! and cursors as SQL's signed 64 bits.

use zhibu_core::sync::Role;

use super::{Result, StoreError};

/// How both engines store a role (its serde name).
pub(super) fn role_text(role: Role) -> &'static str {
    match role {
        Role::Organizer => "organizer",
        Role::Committee => "committee",
        Role::Member => "member",
    }
}

/// The role stored as `text` by [`role_text`].
pub(super) fn parse_role(text: &str) -> Result<Role> {
    match text {
        "organizer" => Ok(Role::Organizer),
        "committee" => Ok(Role::Committee),
        "member" => Ok(Role::Member),
        other => Err(StoreError::Unavailable(format!("unknown role `{other}` in the database"))),
    }
}

/// A stored sequence or version (never negative).
pub(super) fn counter(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| StoreError::Unavailable(format!("negative counter {value} in the database")))
}

/// A cursor or limit as SQL's signed 64 bits (larger ones mean "all").
pub(super) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// `commit` on a branch that does not exist: a caller's bug, not a race.
pub(super) fn no_branch(id: &str) -> StoreError {
    StoreError::Unavailable(format!("no branch `{id}`"))
}
