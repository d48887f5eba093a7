//! 评选 rounds set up quickly, through the commands the round pages call:
//! rules, stages, nominations, review, codes, ballots, objections.

use super::{Branch, DESK, phone};
use zhibu_core::commands::ballots::{self, Cast, Phone};
use zhibu_core::commands::rounds as commands;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, NominationId, ObjectionId, RoundId};
use zhibu_core::rounds::{self, Mode, Round, RoundProblem, Rules, Stage};
use zhibu_core::tally::Tally;

/// The deeds every nomination of [`voting_round`] gives.
pub const DEEDS: &str = "扎根基层，服务群众";

pub fn rules(honours: u32) -> Rules {
    Rules::new("2026年度身边最美党员", 2026, honours)
}

impl Branch {
    pub fn round(&self, id: &RoundId) -> Round {
        self.state().round(id).expect("the round has rules")
    }

    pub fn stage(&self, id: &RoundId) -> Stage {
        self.round(id).stage()
    }

    /// A new round with these rules; returns the id the command made.
    pub fn new_round(&mut self, rules: Rules) -> Result<RoundId, RoundProblem> {
        self.run(DESK, None, |state, act| commands::save_round(state, act, None, rules))
    }

    /// The round's rules changed (refused once voting opened).
    pub fn set_rules(&mut self, id: &RoundId, rules: Rules) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, act| commands::save_round(state, act, Some(id), rules)).map(drop)
    }

    pub fn advance(&mut self, id: &RoundId, to: Stage) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, act| commands::advance_round(state, act, id, to))
    }

    /// Advances step by step until the round is at `stage`.
    pub fn go(&mut self, id: &RoundId, stage: Stage) {
        while self.stage(id) < stage {
            let round = self.round(id);
            let next = round.stage().next_on(round.path()).unwrap();
            self.advance(id, next).unwrap_or_else(|e| panic!("to {next:?}: {e:?}"));
        }
        assert_eq!(self.stage(id), stage);
    }

    /// A nomination from the nominator's phone; returns its id.
    pub fn nominate(
        &mut self,
        id: &RoundId,
        by: &MemberId,
        nominee: &MemberId,
        deeds: &str,
    ) -> Result<NominationId, RoundProblem> {
        let (events, ()) = self
            .run_events(&phone(by), Some(by), |state, act| commands::nominate(state, act, id, (by, nominee), deeds))?;
        match &events[..] {
            [Event { payload: Payload::Nominated { nomination, .. }, .. }] => Ok(nomination.clone()),
            other => panic!("one nomination: {other:?}"),
        }
    }

    pub fn review(
        &mut self,
        id: &RoundId,
        nominee: &MemberId,
        approved: bool,
        reason: &str,
    ) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, _| commands::review(state, id, nominee, approved, reason))
    }

    /// Issues `n` ballot codes on the organizer's device (with `void`,
    /// every unused one voided first); returns them.
    pub fn issue_codes(&mut self, id: &RoundId, n: usize, void: bool) -> Result<Vec<String>, RoundProblem> {
        self.run(DESK, None, |state, act| commands::issue_codes(state, act, id, n, void))
    }

    /// A named ballot on the voter's own phone, which kept `secret` if it
    /// voted before where revising is allowed.
    pub fn vote_with(
        &mut self,
        id: &RoundId,
        voter: &MemberId,
        choices: &[MemberId],
        secret: Option<[u8; 16]>,
    ) -> Result<Cast, RoundProblem> {
        let own = Phone { organizer: false, me: Some(voter), secret };
        let change =
            self.command(Some(voter), |state, act| ballots::vote_named(state, act, &own, (id, voter), choices))?;
        Ok(self.cast(&phone(voter), change).1)
    }

    /// A first named ballot on the voter's own phone.
    pub fn vote(&mut self, id: &RoundId, voter: &MemberId, choices: &[MemberId]) -> Result<Cast, RoundProblem> {
        self.vote_with(id, voter, choices, None)
    }

    /// A paper ballot entered on the organizer's device by `keeper`.
    pub fn paper(
        &mut self,
        id: &RoundId,
        keeper: Option<&MemberId>,
        voter: &MemberId,
        choices: &[MemberId],
    ) -> Result<Cast, RoundProblem> {
        let desk = Phone { organizer: true, me: None, secret: None };
        let change =
            self.command(keeper, |state, act| ballots::enter_paper(state, act, &desk, (id, voter), choices))?;
        Ok(self.cast(DESK, change).1)
    }

    /// A ballot by code at the kiosk `device`: the roll entry and the cast.
    pub fn vote_code(
        &mut self,
        device: &str,
        id: &RoundId,
        code: &str,
        choices: &[MemberId],
    ) -> Result<(Event, Cast), RoundProblem> {
        let change = self.command(None, |state, act| ballots::vote_code(state, act, id, code, choices))?;
        let (mut events, cast) = self.cast(device, change);
        Ok((events.remove(0), cast))
    }

    /// An objection from the objector's phone during 公示; returns its id.
    pub fn object(
        &mut self,
        id: &RoundId,
        by: &MemberId,
        about: Option<&MemberId>,
        text: &str,
    ) -> Result<ObjectionId, RoundProblem> {
        let (events, ()) =
            self.run_events(&phone(by), Some(by), |state, act| commands::object(state, act, id, about, text))?;
        match &events[..] {
            [Event { payload: Payload::ObjectionFiled { objection, .. }, .. }] => Ok(objection.clone()),
            other => panic!("one objection: {other:?}"),
        }
    }

    pub fn handle(
        &mut self,
        id: &RoundId,
        objection: &ObjectionId,
        upheld: bool,
        note: &str,
    ) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, _| commands::handle_objection(state, id, objection, upheld, note))
    }

    /// A run-off of a closed round; returns the new round's id.
    pub fn runoff(&mut self, id: &RoundId, title: &str) -> Result<RoundId, RoundProblem> {
        self.run(DESK, None, |state, act| commands::start_runoff(state, act, id, title))
    }

    pub fn results(&self, id: &RoundId) -> Option<Tally> {
        rounds::results(self.state(), &self.round(id))
    }
}

/// A branch of `members` full members and a round open for voting: the
/// first `candidates` members nominated (by members from the end of the
/// list, with [`DEEDS`]) and approved.
pub fn voting_round(members: usize, candidates: usize, rules: Rules) -> (Branch, RoundId, Vec<MemberId>) {
    assert!(2 * candidates <= members);
    let mut b = Branch::new();
    let ms = b.full(members);
    let r = b.new_round(rules).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    for i in 0..candidates {
        b.nominate(&r, &ms[members - 1 - i], &ms[i], DEEDS).unwrap();
    }
    b.advance(&r, Stage::Review).unwrap();
    for c in &ms[..candidates] {
        b.review(&r, c, true, "").unwrap();
    }
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, ms)
}

/// Six full members and a code round at review: candidates ms[0] and ms[1]
/// (nominated by ms[5] and ms[4]), approved, no codes yet.
pub fn code_round_at_review() -> (Branch, RoundId, Vec<MemberId>) {
    let mut b = Branch::new();
    let ms = b.full(6);
    let r = b.new_round(Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    b.nominate(&r, &ms[5], &ms[0], "事迹").unwrap();
    b.nominate(&r, &ms[4], &ms[1], "事迹").unwrap();
    b.advance(&r, Stage::Review).unwrap();
    b.review(&r, &ms[0], true, "").unwrap();
    b.review(&r, &ms[1], true, "").unwrap();
    (b, r, ms)
}

/// The same round open for voting with four codes (returned).
pub fn code_round() -> (Branch, RoundId, Vec<MemberId>, Vec<String>) {
    let (mut b, r, ms) = code_round_at_review();
    let codes = b.issue_codes(&r, 4, false).unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, ms, codes)
}
