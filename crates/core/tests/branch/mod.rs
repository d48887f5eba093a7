//! A branch's records for round tests, with fixed stamps: every round
//! action goes through the core's guards exactly as the app does (the
//! same shape as `voting.rs`'s, trimmed to what the newer tests need).

#![allow(dead_code)]

use zhibu_core::ballot::{self, Ballot};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MemberId, NominationId, RoundId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::rounds::{self, Round, RoundProblem, RoundValue, Rules, Stage, Voter};
use zhibu_core::state::State;
use zhibu_core::tally::Tally;

pub const ORGANIZER: &str = "organizer-laptop";
pub const T0: i64 = 1_773_000_000_000;

pub fn rid(s: &str) -> RoundId {
    RoundId(s.into())
}

pub fn rules(honours: u32) -> Rules {
    Rules::new("2026年度身边最美党员", 2026, honours)
}

/// Sixteen distinct bytes for the `n`-th id (ids only need to differ).
fn random(n: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&n.to_le_bytes());
    out[8..].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    out
}

pub struct Branch {
    pub records: Records,
    n: u64,
    members: u32,
}

impl Branch {
    pub fn new() -> Branch {
        Branch { records: Records::default(), n: 0, members: 0 }
    }

    fn stamp(&mut self, device: &str, actor: Option<&MemberId>) -> EventStamp {
        self.n += 1;
        EventStamp {
            device: DeviceId(device.into()),
            actor: actor.cloned(),
            unix_ms: T0 + self.n as i64,
            random: random(self.n),
        }
    }

    pub fn record(&mut self, device: &str, actor: Option<&MemberId>, payload: Payload) -> Event {
        let stamp = self.stamp(device, actor);
        self.records.record(stamp, payload)
    }

    pub fn organizer(&mut self, payload: Payload) -> Event {
        self.record(ORGANIZER, None, payload)
    }

    pub fn state(&self) -> &State {
        self.records.state()
    }

    pub fn now(&self) -> i64 {
        (T0 + self.n as i64) / 1000
    }

    /// `n` full members, m01…
    pub fn full(&mut self, n: usize) -> Vec<MemberId> {
        (0..n)
            .map(|i| {
                self.members += 1;
                let member = MemberId(format!("m{:02}", self.members));
                let fields = MemberFields {
                    name: format!("党员{i}"),
                    group: "第一党小组".into(),
                    status: Status::Full,
                    role: Role::Member,
                    joined: Date::parse("2010-07-01"),
                    phone: None,
                    exempt: false,
                };
                self.organizer(Payload::MemberAdded { member: member.clone(), fields });
                member
            })
            .collect()
    }

    pub fn round(&self, id: &RoundId) -> Round {
        self.state().round(id).expect("the round has rules")
    }

    pub fn stage(&self, id: &RoundId) -> Stage {
        self.round(id).stage()
    }

    pub fn rules(&mut self, id: &RoundId, rules: Rules) -> Result<(), RoundProblem> {
        let existing = self.state().round(id);
        let rules = rounds::set_rules(existing.as_ref(), rules)?;
        self.organizer(Payload::RoundSaved { round: id.clone(), changes: vec![RoundValue::Rules(rules)] });
        Ok(())
    }

    pub fn advance(&mut self, id: &RoundId, to: Stage) -> Result<(), RoundProblem> {
        let round = self.round(id);
        let value = rounds::advance(self.state(), &round, to, self.now())?;
        self.organizer(Payload::RoundSaved { round: id.clone(), changes: vec![value] });
        Ok(())
    }

    pub fn nominate(&mut self, id: &RoundId, by: &MemberId, nominee: &MemberId) {
        let round = self.round(id);
        let record = rounds::nominate(self.state(), &round, by, nominee, "扎根基层，服务群众").unwrap();
        self.n += 1;
        let nomination = NominationId::generate((T0 + self.n as i64) as u64, random(self.n));
        self.record(&format!("phone-{by}"), Some(by), Payload::Nominated { round: id.clone(), nomination, record });
    }

    pub fn review(
        &mut self,
        id: &RoundId,
        nominee: &MemberId,
        approved: bool,
        reason: &str,
    ) -> Result<(), RoundProblem> {
        let round = self.round(id);
        let review = rounds::review(self.state(), &round, nominee, approved, reason)?;
        self.organizer(Payload::Reviewed { round: id.clone(), nominee: nominee.clone(), review });
        Ok(())
    }

    /// A named vote from the voter's own phone: the roll entry, then the
    /// ballot in a fresh slot.
    pub fn vote(&mut self, id: &RoundId, voter: &MemberId, choices: &[MemberId]) {
        let round = self.round(id);
        rounds::may_vote(self.state(), &round, voter).unwrap();
        let choices = rounds::check_choices(self.state(), &round, Some(voter), choices).unwrap();
        let payload = Payload::Voted { round: id.clone(), voter: Voter::Member(voter.clone()) };
        self.record(&format!("phone-{voter}"), Some(voter), payload);
        self.n += 1;
        let slot = ballot::random_slot(&random(1_000_000 + self.n));
        self.records.cast(id, &slot, Ballot { rev: 0, choices });
    }

    pub fn results(&self, id: &RoundId) -> Option<Tally> {
        rounds::results(self.state(), &self.round(id))
    }
}

/// A branch of `members` full members and round `r1` open for voting: the
/// first `candidates` members nominated (by members from the end of the
/// list) and approved.
pub fn voting_round(members: usize, candidates: usize, rules: Rules) -> (Branch, RoundId, Vec<MemberId>) {
    assert!(2 * candidates <= members);
    let mut b = Branch::new();
    let ms = b.full(members);
    let r = rid("r1");
    b.rules(&r, rules).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    for i in 0..candidates {
        b.nominate(&r, &ms[members - 1 - i], &ms[i]);
    }
    b.advance(&r, Stage::Review).unwrap();
    for c in &ms[..candidates] {
        b.review(&r, c, true, "").unwrap();
    }
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, ms)
}
