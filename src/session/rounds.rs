//! A round's commands as `Session` methods (see `commands.rs`), and the
//! ballots: the roll entry is recorded as an event, the ballot goes in the
//! box, the phone keeps its slot's secret where revising is allowed.

use super::Session;
use super::commands::keeper;
use crate::storage;
use zhibu_core::ballot;
use zhibu_core::commands::ballots::{self, Cast, Marks, Phone};
use zhibu_core::commands::rounds as round_commands;
use zhibu_core::ids::{MemberId, ObjectionId, RoundId};
use zhibu_core::rounds::{RoundProblem, Rules, Stage};

/// Where a phone keeps the secret behind its ballot's slot in a round.
fn secret_name(round: &RoundId) -> String {
    format!("ballot:{round}")
}

/// The secret behind this phone's slot in a round, if it voted there.
pub fn ballot_secret(round: &RoundId) -> Option<[u8; 16]> {
    storage::identity(&secret_name(round)).and_then(|key| ballot::secret_of_key(&key))
}

impl Session {
    /// What the casting rules ask of this device, for a round.
    fn phone<'a>(&self, round: &RoundId, me: Option<&'a MemberId>) -> Phone<'a> {
        Phone { organizer: self.is_organizer(), me, secret: ballot_secret(round) }
    }

    /// Creates a round (`None`) or changes its rules (refused once voting opened).
    pub fn save_round(&mut self, id: Option<&RoundId>, rules: Rules) -> Result<RoundId, RoundProblem> {
        keeper(self, |state, act| round_commands::save_round(state, act, id, rules))
    }

    /// Moves a round to a stage (guarded by the core).
    pub fn advance_round(&mut self, id: &RoundId, to: Stage) -> Result<(), RoundProblem> {
        keeper(self, |state, act| round_commands::advance_round(state, act, id, to))
    }

    /// Issues `n` ballot codes (the first batch, or with `void` every
    /// unused code voided for a new one). The records get their hashes;
    /// the codes stay on this device only, to print and reprint until
    /// voting closes (`storage::sheets`), kept even when the events could
    /// only be held in memory, or the codes would be lost.
    pub fn issue_codes(&mut self, id: &RoundId, n: usize, void: bool) -> Result<Vec<String>, RoundProblem> {
        let codes = keeper(self, |state, act| round_commands::issue_codes(state, act, id, n, void))?;
        storage::sheets::keep(id, &codes);
        Ok(codes)
    }

    /// A nomination, made as the nominator.
    pub fn nominate(
        &mut self,
        id: &RoundId,
        by: &MemberId,
        nominee: &MemberId,
        deeds: &str,
    ) -> Result<(), RoundProblem> {
        self.run(Some(by.clone()), |state, act| round_commands::nominate(state, act, id, (by, nominee), deeds))
    }

    /// The organizer's review of a nominee.
    pub fn review(
        &mut self,
        id: &RoundId,
        nominee: &MemberId,
        approved: bool,
        reason: &str,
    ) -> Result<(), RoundProblem> {
        keeper(self, |state, _| round_commands::review(state, id, nominee, approved, reason))
    }

    /// Whether this device may cast `voter`'s named ballot now, or revise it.
    pub fn check_named(&self, id: &RoundId, voter: &MemberId) -> Result<(), RoundProblem> {
        let me = self.me();
        ballots::may_vote_named(self.records.state(), &self.phone(id, me.as_ref()), id, voter).map(drop)
    }

    /// A named voter's ballot (choices, or an appraisal's ratings) on
    /// their own phone. Returns the receipt.
    pub fn vote_named(
        &mut self,
        id: &RoundId,
        voter: &MemberId,
        marks: impl Into<Marks>,
    ) -> Result<String, RoundProblem> {
        let me = self.me();
        let phone = self.phone(id, me.as_ref());
        let cast =
            self.run(Some(voter.clone()), |state, act| ballots::vote_named(state, act, &phone, (id, voter), marks))?;
        Ok(self.put_ballot(cast))
    }

    /// A paper ballot entered on the organizer's device, as its keeper (whom
    /// the sync server knows). Returns the receipt.
    pub fn enter_paper(
        &mut self,
        id: &RoundId,
        voter: &MemberId,
        marks: impl Into<Marks>,
    ) -> Result<String, RoundProblem> {
        let phone = self.phone(id, None);
        let keeper_member = storage::sync_principal().and_then(|p| p.member);
        let cast =
            self.run(keeper_member, |state, act| ballots::enter_paper(state, act, &phone, (id, voter), marks))?;
        Ok(self.put_ballot(cast))
    }

    /// A ballot by code (kiosk). Returns the receipt.
    pub fn vote_code(&mut self, id: &RoundId, code: &str, marks: impl Into<Marks>) -> Result<String, RoundProblem> {
        let cast = keeper(self, |state, act| ballots::vote_code(state, act, id, code, marks))?;
        Ok(self.put_ballot(cast))
    }

    fn put_ballot(&mut self, cast: Cast) -> String {
        if let Some(secret) = cast.keep_secret
            && let Err(e) = storage::set_identity(&secret_name(&cast.round), &ballot::key_of_secret(&secret))
        {
            // The ballot still counts; without its key this phone cannot revise it.
            self.saved = Err(e);
        }
        self.records.cast(&cast.round, &cast.slot, cast.ballot);
        // The round is marked (never the slot) before the box is written:
        // the next push carries its whole box.
        if self.connected && self.outbox.rounds.insert(cast.round.clone()) {
            self.save_outbox();
        }
        if let Err(e) = self.store.save_boxes(&self.records) {
            self.saved = Err(e);
        }
        cast.receipt
    }

    /// A run-off among the tied candidates of a closed round.
    pub fn start_runoff(&mut self, id: &RoundId, title: &str) -> Result<RoundId, RoundProblem> {
        keeper(self, |state, act| round_commands::start_runoff(state, act, id, title))
    }

    /// An objection during 公示 (as the member, on their phone).
    pub fn object(&mut self, id: &RoundId, about: Option<&MemberId>, text: &str) -> Result<(), RoundProblem> {
        let me = self.me();
        self.run(me, |state, act| round_commands::object(state, act, id, about, text))
    }

    /// The organizer's handling of an objection.
    pub fn handle_objection(
        &mut self,
        id: &RoundId,
        objection: &ObjectionId,
        upheld: bool,
        note: &str,
    ) -> Result<(), RoundProblem> {
        keeper(self, |state, _| round_commands::handle_objection(state, id, objection, upheld, note))
    }
}
