//! Quorum: who counts toward it and the "more than half" rule.

use crate::roster::Status;
use crate::state::Member;

/// Which members count toward a quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuorumRule {
    /// 党员大会: more than half of members with voting rights (正式党员).
    VotingMembers,
    /// 支委会: more than half of committee members.
    CommitteeMembers,
}

impl QuorumRule {
    /// Whether a member counts toward this quorum.
    pub fn counts(self, member: &Member) -> bool {
        match self {
            QuorumRule::VotingMembers => member.fields.status == Status::Full,
            QuorumRule::CommitteeMembers => member.fields.role.is_committee(),
        }
    }
}

/// "More than half": present × 2 > entitled. Returns (met, fewest present
/// that would meet it).
pub fn more_than_half(present: usize, entitled: usize) -> (bool, usize) {
    (entitled > 0 && present * 2 > entitled, entitled / 2 + 1)
}
