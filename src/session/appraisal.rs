//! A 民主评议's own commands as `Session` methods (see `commands.rs`); its
//! set-up, stages, codes and ballots are the round's (`rounds.rs`).

use super::Session;
use super::commands::keeper;
use zhibu_core::appraisal::Decision;
use zhibu_core::commands::appraisal;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::RoundProblem;

impl Session {
    /// The member's own 自评, on their phone.
    pub fn self_assess(&mut self, id: &RoundId, member: &MemberId, text: &str) -> Result<(), RoundProblem> {
        self.run(Some(member.clone()), |state, _| appraisal::self_assess(state, id, member, text))
    }

    /// A paper 自评 entered on the organizer's device.
    pub fn enter_self_assessment(&mut self, id: &RoundId, member: &MemberId, text: &str) -> Result<(), RoundProblem> {
        let by = crate::storage::sync_principal().and_then(|p| p.member);
        self.run(by, |state, act| appraisal::enter_self_assessment(state, act, id, member, text))
    }

    /// A 互评 comment by this device's member (empty text takes it back).
    pub fn comment(&mut self, id: &RoundId, about: &MemberId, text: &str) -> Result<(), RoundProblem> {
        let me = self.me();
        self.run(me, |state, act| appraisal::comment(state, act, id, about, text))
    }

    /// The committee's 组织评定 of one member.
    pub fn decide(&mut self, id: &RoundId, member: &MemberId, decision: Decision) -> Result<(), RoundProblem> {
        keeper(self, |state, _| appraisal::decide(state, id, member, decision))
    }
}
