//! "身边最美党员" voting: the pure tally, the ballot box CRDT, rounds end to
//! end on states made with `Records::record`, ballot codes, ballot secrecy
//! in everything the app stores or exports, and the content checks on the
//! round events.

use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use zhibu_core::ballot::{self, Ballot, Boxes, CODE_ALPHABET, CODE_LEN, Recount};
use zhibu_core::date::Date;
use zhibu_core::document;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MemberId, NominationId, ObjectionId, RoundId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::rounds::{
    self, Audited, Electorate, Handling, Mode, Nomination, Objection, Review, Round, RoundProblem as P, RoundValue,
    Rules, Stage, Voter,
};
use zhibu_core::settings::Setting;
use zhibu_core::state::State;
use zhibu_core::tally::{self, BallotVerdict, Basis, Tally, TallyRules};

const ORGANIZER: &str = "organizer-laptop";
const T0: i64 = 1_773_000_000_000;
const CASES: u32 = 1_000;

fn mid(s: &str) -> MemberId {
    MemberId(s.into())
}

fn mids(list: &[&str]) -> Vec<MemberId> {
    list.iter().map(|s| mid(s)).collect()
}

fn rid(s: &str) -> RoundId {
    RoundId(s.into())
}

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// Deterministic "random" bytes (splitmix64), standing in for the CSPRNG.
fn random(seed: u64) -> [u8; 16] {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D);
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&next().to_le_bytes());
    out[8..].copy_from_slice(&next().to_le_bytes());
    out
}

/// A fresh random slot for the `i`-th ballot.
fn slot(i: u64) -> String {
    ballot::random_slot(&random(1_000 + i))
}

fn phone(member: &MemberId) -> String {
    format!("phone-{member}")
}

/// A branch's records, with fixed stamps; round actions go through the
/// core's guards exactly as the app does.
struct Branch {
    records: Records,
    n: u64,
    members: u32,
}

impl Branch {
    fn new() -> Branch {
        let mut b = Branch { records: Records::default(), n: 0, members: 0 };
        b.organizer(Payload::SettingsChanged { changes: vec![Setting::BranchName("第一党支部".into())] });
        b
    }

    fn stamp(&mut self, device: &str, actor: Option<&MemberId>) -> EventStamp {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.n.to_le_bytes());
        EventStamp { device: DeviceId(device.into()), actor: actor.cloned(), unix_ms: T0 + self.n as i64, random }
    }

    fn record(&mut self, device: &str, actor: Option<&MemberId>, payload: Payload) -> Event {
        let stamp = self.stamp(device, actor);
        self.records.record(stamp, payload)
    }

    fn organizer(&mut self, payload: Payload) -> Event {
        self.record(ORGANIZER, None, payload)
    }

    fn state(&self) -> &State {
        self.records.state()
    }

    /// Now, Unix seconds (as stage changes carry it).
    fn now(&self) -> i64 {
        (T0 + self.n as i64) / 1000
    }

    fn add(&mut self, name: &str, status: Status) -> MemberId {
        self.members += 1;
        let member = MemberId(format!("m{:02}", self.members));
        let fields = MemberFields {
            name: name.into(),
            group: "第一党小组".into(),
            status,
            role: Role::Member,
            joined: Date::parse("2010-07-01"),
            phone: None,
            exempt: false,
        };
        self.organizer(Payload::MemberAdded { member: member.clone(), fields });
        member
    }

    fn full(&mut self, n: usize) -> Vec<MemberId> {
        (0..n).map(|i| self.add(&format!("正式{i}"), Status::Full)).collect()
    }

    fn round(&self, id: &RoundId) -> Round {
        self.state().round(id).expect("the round has rules")
    }

    fn stage(&self, id: &RoundId) -> Stage {
        self.round(id).stage()
    }

    fn rules(&mut self, id: &RoundId, rules: Rules) -> Result<(), P> {
        let existing = self.state().round(id);
        let rules = rounds::set_rules(existing.as_ref(), rules)?;
        self.organizer(Payload::RoundSaved { round: id.clone(), changes: vec![RoundValue::Rules(rules)] });
        Ok(())
    }

    fn advance(&mut self, id: &RoundId, to: Stage) -> Result<(), P> {
        let round = self.round(id);
        let value = rounds::advance(self.state(), &round, to, self.now())?;
        self.organizer(Payload::RoundSaved { round: id.clone(), changes: vec![value] });
        Ok(())
    }

    /// Advances step by step until the round is at `stage`.
    fn go(&mut self, id: &RoundId, stage: Stage) {
        while self.stage(id) < stage {
            let next = self.stage(id).next().unwrap();
            self.advance(id, next).unwrap_or_else(|e| panic!("to {next:?}: {e:?}"));
        }
        assert_eq!(self.stage(id), stage);
    }

    fn nominate(&mut self, id: &RoundId, by: &MemberId, nominee: &MemberId, deeds: &str) -> Result<NominationId, P> {
        let round = self.round(id);
        let record = rounds::nominate(self.state(), &round, by, nominee, deeds)?;
        self.n += 1;
        let nomination = NominationId::generate((T0 + self.n as i64) as u64, random(self.n));
        let payload = Payload::Nominated { round: id.clone(), nomination: nomination.clone(), record };
        self.record(&phone(by), Some(by), payload);
        Ok(nomination)
    }

    fn review(&mut self, id: &RoundId, nominee: &MemberId, approved: bool, reason: &str) -> Result<(), P> {
        let round = self.round(id);
        let review = rounds::review(self.state(), &round, nominee, approved, reason)?;
        self.organizer(Payload::Reviewed { round: id.clone(), nominee: nominee.clone(), review });
        Ok(())
    }

    /// Issues `n` codes: returns them, stores only their hashes.
    fn issue_codes(&mut self, id: &RoundId, n: u64, seed: u64) -> Vec<String> {
        let randomness: Vec<[u8; 16]> = (0..n).map(|i| random(seed + i)).collect();
        let codes = ballot::make_codes(&randomness);
        let hashes = codes.iter().map(|c| ballot::code_hash(id, c)).collect();
        self.organizer(Payload::RoundSaved { round: id.clone(), changes: vec![RoundValue::Codes(hashes)] });
        codes
    }

    /// A named vote as the app casts it: the roll entry (an event by the
    /// voter), then the ballot in the box. Returns the receipt.
    fn vote(&mut self, id: &RoundId, voter: &MemberId, choices: &[MemberId], slot: &str) -> Result<String, P> {
        let round = self.round(id);
        rounds::may_vote(self.state(), &round, voter)?;
        let choices = rounds::check_choices(self.state(), &round, Some(voter), choices)?;
        let rev = self.state().ballots.0.get(id).and_then(|b| b.get(slot)).map_or(0, |b| b.rev + 1);
        let ballot = Ballot { rev, choices };
        self.record(
            &phone(voter),
            Some(voter),
            Payload::Voted { round: id.clone(), voter: Voter::Member(voter.clone()) },
        );
        let receipt = ballot::receipt(id, slot, &ballot);
        self.records.cast(id, slot, ballot);
        Ok(receipt)
    }

    /// A revision on the voter's own phone: no roll entry, the ballot in
    /// the slot of `secret` replaced with the next revision.
    fn revise(&mut self, id: &RoundId, voter: &MemberId, choices: &[MemberId], secret: &[u8; 16]) -> Result<(), P> {
        let round = self.round(id);
        rounds::may_revise(self.state(), &round, voter)?;
        let choices = rounds::check_choices(self.state(), &round, Some(voter), choices)?;
        let slot = ballot::slot_of_secret(id, secret);
        let current = self.state().ballots.0.get(id).and_then(|b| b.get(&slot)).map_or(0, |b| b.rev);
        ballot::check_revision(id, &slot, current + 1, Some(&ballot::key_of_secret(secret)), current)?;
        self.records.cast(id, &slot, Ballot { rev: current + 1, choices });
        Ok(())
    }

    /// A paper ballot a record keeper enters: the roll says paper (the
    /// keeper is the actor), the ballot goes in a random slot.
    fn paper(
        &mut self,
        id: &RoundId,
        keeper: Option<&MemberId>,
        voter: &MemberId,
        choices: &[MemberId],
        slot: &str,
    ) -> Result<(), P> {
        let round = self.round(id);
        rounds::may_vote(self.state(), &round, voter)?;
        let choices = rounds::check_choices(self.state(), &round, Some(voter), choices)?;
        self.record(ORGANIZER, keeper, Payload::Voted { round: id.clone(), voter: Voter::Paper(voter.clone()) });
        self.records.cast(id, slot, Ballot { rev: 0, choices });
        Ok(())
    }

    /// A vote by code at the kiosk.
    fn vote_code(&mut self, id: &RoundId, code: &str, choices: &[MemberId], slot: &str) -> Result<String, P> {
        let round = self.round(id);
        let hash = rounds::check_code(self.state(), &round, code)?;
        let choices = rounds::check_choices(self.state(), &round, None, choices)?;
        self.organizer(Payload::Voted { round: id.clone(), voter: Voter::Code(hash) });
        let ballot = Ballot { rev: 0, choices };
        let receipt = ballot::receipt(id, slot, &ballot);
        self.records.cast(id, slot, ballot);
        Ok(receipt)
    }

    fn object(&mut self, id: &RoundId, by: &MemberId, about: Option<&MemberId>, text: &str) -> Result<ObjectionId, P> {
        let round = self.round(id);
        let record = rounds::object(&round, about, text)?;
        self.n += 1;
        let objection = ObjectionId::generate((T0 + self.n as i64) as u64, random(self.n));
        let payload = Payload::ObjectionFiled { round: id.clone(), objection: objection.clone(), record };
        self.record(&phone(by), Some(by), payload);
        Ok(objection)
    }

    fn handle(&mut self, id: &RoundId, objection: &ObjectionId, upheld: bool, note: &str) -> Result<(), P> {
        let round = self.round(id);
        let handling = rounds::handle(self.state(), &round, objection, upheld, note)?;
        self.organizer(Payload::ObjectionHandled { round: id.clone(), objection: objection.clone(), handling });
        Ok(())
    }

    fn results(&self, id: &RoundId) -> Option<Tally> {
        rounds::results(self.state(), &self.round(id))
    }
}

/// A branch of `members` full members and round `r1` open for voting: the
/// first `candidates` members nominated (by members from the end of the
/// list) and approved.
fn voting_round(members: usize, candidates: usize, rules: Rules) -> (Branch, RoundId, Vec<MemberId>) {
    assert!(2 * candidates <= members);
    let mut b = Branch::new();
    let ms = b.full(members);
    let r = rid("r1");
    b.rules(&r, rules).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    for i in 0..candidates {
        b.nominate(&r, &ms[members - 1 - i], &ms[i], "扎根基层，服务群众").unwrap();
    }
    b.advance(&r, Stage::Review).unwrap();
    for c in &ms[..candidates] {
        b.review(&r, c, true, "").unwrap();
    }
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, ms)
}

// ---------------------------------------------------------------------------
// 1. The tally, table-driven.
// ---------------------------------------------------------------------------

const CANDIDATES: [&str; 4] = ["a", "b", "c", "d"];

fn candidate_set() -> BTreeSet<MemberId> {
    CANDIDATES.iter().map(|c| mid(c)).collect()
}

fn count(rules: &TallyRules, ballots: &[Vec<MemberId>]) -> Tally {
    tally::tally(rules, &candidate_set(), ballots.iter().map(Vec::as_slice))
}

/// `n` copies of one ballot.
fn times(n: usize, choices: &[&str]) -> Vec<Vec<MemberId>> {
    vec![mids(choices); n]
}

#[test]
fn judge_sorts_ballots_into_valid_blank_and_invalid() {
    let table: [(&[&str], usize, BallotVerdict); 9] = [
        (&["a"], 1, BallotVerdict::Valid),
        (&["a", "b"], 2, BallotVerdict::Valid),
        (&["a", "b"], 1, BallotVerdict::Invalid),
        (&["a", "b", "c"], 2, BallotVerdict::Invalid),
        (&[], 2, BallotVerdict::Blank),
        (&["x"], 2, BallotVerdict::Invalid),
        (&["a", "x"], 2, BallotVerdict::Invalid),
        (&["a", "a"], 2, BallotVerdict::Invalid),
        (&["b", "a"], 2, BallotVerdict::Valid),
    ];
    for (choices, k, verdict) in table {
        assert_eq!(tally::judge(&mids(choices), &candidate_set(), k), verdict, "{choices:?} with K = {k}");
    }
}

struct Case {
    name: &'static str,
    honours: usize,
    k: usize,
    basis: Basis,
    entitled: usize,
    ballots: Vec<Vec<MemberId>>,
    /// (cast, valid, blank, invalid)
    numbers: (usize, usize, usize, usize),
    needed: usize,
    votes: &'static [(&'static str, usize)],
    elected: &'static [&'static str],
    tied: &'static [&'static str],
    tied_seats: usize,
}

fn cases() -> Vec<Case> {
    let cat = |parts: Vec<Vec<Vec<MemberId>>>| parts.concat();
    vec![
        Case {
            name: "a ballot naming more than K is invalid, but cast",
            honours: 1,
            k: 1,
            basis: Basis::Entitled,
            entitled: 3,
            ballots: cat(vec![times(1, &["a", "b"]), times(2, &["a"])]),
            numbers: (3, 2, 0, 1),
            needed: 2,
            votes: &[("a", 2), ("b", 0)],
            elected: &["a"],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "blank ballots are cast and count for nobody (and weigh on the 实到 basis)",
            honours: 1,
            k: 1,
            basis: Basis::Cast,
            entitled: 10,
            ballots: cat(vec![times(2, &[]), times(2, &["a"])]),
            numbers: (4, 2, 2, 0),
            needed: 3,
            votes: &[("a", 2), ("b", 0), ("c", 0), ("d", 0)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "a non-candidate makes the whole ballot invalid",
            honours: 1,
            k: 2,
            basis: Basis::Cast,
            entitled: 3,
            ballots: cat(vec![times(1, &["x"]), times(1, &["a", "x"]), times(1, &["b"])]),
            numbers: (3, 1, 0, 2),
            needed: 2,
            votes: &[("a", 0), ("b", 1)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "a repeated name makes the whole ballot invalid",
            honours: 1,
            k: 2,
            basis: Basis::Cast,
            entitled: 3,
            ballots: cat(vec![times(2, &["a", "a"]), times(1, &["b"])]),
            numbers: (3, 1, 0, 2),
            needed: 2,
            votes: &[("a", 0), ("b", 1)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "2-way tie at the cut-off",
            honours: 2,
            k: 3,
            basis: Basis::Entitled,
            entitled: 6,
            ballots: cat(vec![times(4, &["a", "b", "c"]), times(1, &["a"])]),
            numbers: (5, 5, 0, 0),
            needed: 4,
            votes: &[("a", 5), ("b", 4), ("c", 4), ("d", 0)],
            elected: &["a"],
            tied: &["b", "c"],
            tied_seats: 1,
        },
        Case {
            name: "3-way tie for both honours, nobody above",
            honours: 2,
            k: 3,
            basis: Basis::Entitled,
            entitled: 5,
            ballots: cat(vec![times(3, &["a", "b", "c"]), times(1, &["d"])]),
            numbers: (4, 4, 0, 0),
            needed: 3,
            votes: &[("a", 3), ("b", 3), ("c", 3), ("d", 1)],
            elected: &[],
            tied: &["a", "b", "c"],
            tied_seats: 2,
        },
        Case {
            name: "3-way tie for the last two of three honours",
            honours: 3,
            k: 4,
            basis: Basis::Entitled,
            entitled: 6,
            ballots: cat(vec![times(4, &["a", "b", "c", "d"]), times(2, &["a"])]),
            numbers: (6, 6, 0, 0),
            needed: 4,
            votes: &[("a", 6), ("b", 4), ("c", 4), ("d", 4)],
            elected: &["a"],
            tied: &["b", "c", "d"],
            tied_seats: 2,
        },
        Case {
            name: "a tie entirely within the honours is no tie",
            honours: 2,
            k: 3,
            basis: Basis::Entitled,
            entitled: 5,
            ballots: cat(vec![times(3, &["a", "b", "c"]), times(1, &["a", "b"])]),
            numbers: (4, 4, 0, 0),
            needed: 3,
            votes: &[("a", 4), ("b", 4), ("c", 3)],
            elected: &["a", "b"],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "threshold on 应到: only a passes",
            honours: 2,
            k: 2,
            basis: Basis::Entitled,
            entitled: 8,
            ballots: cat(vec![times(4, &["a", "b"]), times(1, &["a"]), times(1, &[])]),
            numbers: (6, 5, 1, 0),
            needed: 5,
            votes: &[("a", 5), ("b", 4)],
            elected: &["a"],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "threshold on 实到: the same ballots elect a and b",
            honours: 2,
            k: 2,
            basis: Basis::Cast,
            entitled: 8,
            ballots: cat(vec![times(4, &["a", "b"]), times(1, &["a"]), times(1, &[])]),
            numbers: (6, 5, 1, 0),
            needed: 4,
            votes: &[("a", 5), ("b", 4)],
            elected: &["a", "b"],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "nobody passes the threshold",
            honours: 1,
            k: 1,
            basis: Basis::Entitled,
            entitled: 10,
            ballots: cat(vec![times(3, &["a"]), times(2, &["b"]), times(2, &["c"])]),
            numbers: (7, 7, 0, 0),
            needed: 6,
            votes: &[("a", 3), ("b", 2), ("c", 2)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "a tie below the threshold is not reported",
            honours: 1,
            k: 1,
            basis: Basis::Entitled,
            entitled: 8,
            ballots: cat(vec![times(3, &["a"]), times(3, &["b"])]),
            numbers: (6, 6, 0, 0),
            needed: 5,
            votes: &[("a", 3), ("b", 3)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "zero ballots on 应到",
            honours: 2,
            k: 2,
            basis: Basis::Entitled,
            entitled: 7,
            ballots: vec![],
            numbers: (0, 0, 0, 0),
            needed: 4,
            votes: &[("a", 0), ("b", 0), ("c", 0), ("d", 0)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "zero ballots on 实到 elect nobody",
            honours: 2,
            k: 2,
            basis: Basis::Cast,
            entitled: 7,
            ballots: vec![],
            numbers: (0, 0, 0, 0),
            needed: 1,
            votes: &[("a", 0)],
            elected: &[],
            tied: &[],
            tied_seats: 0,
        },
        Case {
            name: "more honours than candidates: every passing candidate is elected, no tie",
            honours: 6,
            k: 4,
            basis: Basis::Entitled,
            entitled: 3,
            ballots: cat(vec![times(2, &["a", "b", "c", "d"]), times(1, &["a"])]),
            numbers: (3, 3, 0, 0),
            needed: 2,
            votes: &[("a", 3), ("b", 2), ("c", 2), ("d", 2)],
            elected: &["a", "b", "c", "d"],
            tied: &[],
            tied_seats: 0,
        },
    ]
}

#[test]
fn tally_table() {
    for case in cases() {
        let rules = TallyRules { honours: case.honours, k: case.k, basis: case.basis, entitled: case.entitled };
        let t = count(&rules, &case.ballots);
        let name = case.name;
        assert_eq!((t.cast, t.valid, t.blank, t.invalid), case.numbers, "{name}: cast, valid, blank, invalid");
        assert_eq!(t.entitled, case.entitled, "{name}");
        assert_eq!(t.needed, case.needed, "{name}: needed");
        for (c, n) in case.votes {
            assert_eq!(t.votes(&mid(c)), *n, "{name}: votes for {c}");
        }
        assert_eq!(t.elected, mids(case.elected), "{name}: elected");
        assert_eq!(t.tied, mids(case.tied), "{name}: tied");
        assert_eq!(t.tied_seats, case.tied_seats, "{name}: tied seats");
        // Every candidate is listed, most votes first, then by id.
        assert_eq!(t.counts.len(), CANDIDATES.len(), "{name}");
        assert!(
            t.counts.windows(2).all(|w| (std::cmp::Reverse(w[0].1), &w[0].0) < (std::cmp::Reverse(w[1].1), &w[1].0))
        );
        // Never more winners than honours; the tie is for the seats left.
        assert!(t.elected.len() + t.tied_seats <= case.honours, "{name}");
        assert!(t.tied.is_empty() || t.tied.len() > t.tied_seats, "{name}");
    }
}

#[test]
fn tally_counts_are_ordered_by_votes_then_id() {
    let rules = TallyRules { honours: 2, k: 3, basis: Basis::Entitled, entitled: 6 };
    let t = count(&rules, &[times(4, &["c", "b", "a"]), times(1, &["a"])].concat());
    let expected: Vec<(MemberId, usize)> = vec![(mid("a"), 5), (mid("b"), 4), (mid("c"), 4), (mid("d"), 0)];
    assert_eq!(t.counts, expected);
    assert_eq!(t.votes(&mid("x")), 0, "a non-candidate has no votes");
}

#[test]
fn needed_is_more_than_half_of_the_basis() {
    for (basis, needed) in [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (9, 5), (10, 6), (11, 6), (100, 51)] {
        let on_entitled = count(&TallyRules { honours: 1, k: 1, basis: Basis::Entitled, entitled: basis }, &[]);
        assert_eq!(on_entitled.needed, needed, "应到 {basis}");
        // On 实到 the basis is the ballots cast (blank ones included), not the entitled.
        let blanks = times(basis, &[]);
        let on_cast = count(&TallyRules { honours: 1, k: 1, basis: Basis::Cast, entitled: 1_000 }, &blanks);
        assert_eq!(on_cast.needed, needed, "实到 {basis}");
    }
}

#[test]
fn turnout_is_cast_over_entitled_per_mille() {
    let rules = |entitled| TallyRules { honours: 1, k: 1, basis: Basis::Entitled, entitled };
    let table: [(usize, usize, Option<u32>); 6] =
        [(7, 5, Some(714)), (3, 3, Some(1000)), (8, 0, Some(0)), (3, 1, Some(333)), (0, 0, None), (0, 2, None)];
    for (entitled, cast, permille) in table {
        let t = count(&rules(entitled), &times(cast, &["a"]));
        assert_eq!(t.turnout_permille(), permille, "{cast} of {entitled}");
    }
}

// ---------------------------------------------------------------------------
// 2. Properties.
// ---------------------------------------------------------------------------

/// c0–c3 are the candidates; c4 and c5 are not.
fn pid() -> impl Strategy<Value = MemberId> {
    (0..6u8).prop_map(|i| MemberId(format!("c{i}")))
}

fn prop_candidates() -> BTreeSet<MemberId> {
    (0..4).map(|i| MemberId(format!("c{i}"))).collect()
}

fn tally_rules() -> impl Strategy<Value = TallyRules> {
    (0..5usize, 1..5usize, any::<bool>(), 0..40usize).prop_map(|(honours, k, on_cast, entitled)| TallyRules {
        honours,
        k,
        basis: if on_cast { Basis::Cast } else { Basis::Entitled },
        entitled,
    })
}

fn a_ballot() -> impl Strategy<Value = Ballot> {
    (prop_oneof![3 => Just(0u32), 1 => 1..3u32], prop::collection::vec(pid(), 0..3)).prop_map(|(rev, mut choices)| {
        choices.sort();
        Ballot { rev, choices }
    })
}

type Entry = (RoundId, String, Ballot);

/// A ballot in one of two rounds, in one of a few slots (so slots collide and
/// revisions compete).
fn entry() -> impl Strategy<Value = Entry> {
    (0..2u8, 0..6u8, a_ballot()).prop_map(|(r, s, b)| (RoundId(format!("r{r}")), format!("{s:032x}"), b))
}

fn boxes() -> impl Strategy<Value = Boxes> {
    prop::collection::vec(entry(), 0..10).prop_map(|entries| fill(&entries))
}

fn fill(entries: &[Entry]) -> Boxes {
    let mut b = Boxes::default();
    for (r, s, ballot) in entries {
        b.put(r, s, ballot.clone());
    }
    b
}

fn joined(a: &Boxes, b: &Boxes) -> Boxes {
    let mut out = a.clone();
    out.join(b);
    out
}

fn box_tally(b: &Boxes, round: &RoundId) -> Tally {
    let rules = TallyRules { honours: 2, k: 2, basis: Basis::Cast, entitled: 10 };
    let ballots: Vec<&Ballot> = b.0.get(round).map(|slots| slots.values().collect()).unwrap_or_default();
    tally::tally(&rules, &prop_candidates(), ballots.into_iter().map(|b| b.choices.as_slice()))
}

/// Every ballot, delivered to device A, device B or both, each copy
/// possibly several times, each device's list in its own order.
fn deliveries() -> impl Strategy<Value = (Vec<Entry>, Vec<Entry>, Vec<Entry>)> {
    prop::collection::vec((entry(), 1..=3u8, 1..=3usize), 0..16).prop_flat_map(|items| {
        let all: Vec<Entry> = items.iter().map(|(e, _, _)| e.clone()).collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (e, mask, copies) in &items {
            for _ in 0..*copies {
                if mask & 1 != 0 {
                    a.push(e.clone());
                }
                if mask & 2 != 0 {
                    b.push(e.clone());
                }
            }
        }
        (Just(all), Just(a).prop_shuffle(), Just(b).prop_shuffle())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn tally_does_not_depend_on_ballot_order(
        (ballots, shuffled) in prop::collection::vec(prop::collection::vec(pid(), 0..5), 0..30)
            .prop_flat_map(|b| (Just(b.clone()), Just(b).prop_shuffle())),
        rules in tally_rules(),
    ) {
        let candidates = prop_candidates();
        let a = tally::tally(&rules, &candidates, ballots.iter().map(Vec::as_slice));
        let b = tally::tally(&rules, &candidates, shuffled.iter().map(Vec::as_slice));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.cast, ballots.len());
        prop_assert_eq!(a.valid + a.blank + a.invalid, a.cast);
        prop_assert!(a.elected.len() + a.tied_seats <= rules.honours);
    }

    #[test]
    fn duplicated_ballots_from_two_devices_merge_to_one_box((all, to_a, to_b) in deliveries()) {
        let reference = fill(&all);
        let mut reversed = all.clone();
        reversed.reverse();
        prop_assert_eq!(&fill(&reversed), &reference, "the order of putting does not matter");

        let (a, b) = (fill(&to_a), fill(&to_b));
        let (ab, ba) = (joined(&a, &b), joined(&b, &a));
        prop_assert_eq!(&ab, &reference);
        prop_assert_eq!(&ba, &reference);
        // One ballot per slot, however many copies travelled.
        let slots: BTreeSet<(&RoundId, &String)> = all.iter().map(|(r, s, _)| (r, s)).collect();
        prop_assert_eq!(reference.0.values().map(|s| s.len()).sum::<usize>(), slots.len());
        for round in [rid("r0"), rid("r1")] {
            prop_assert_eq!(box_tally(&ab, &round), box_tally(&reference, &round));
        }
        // Merging again, or putting any ballot again, changes nothing.
        let mut again = ab.clone();
        prop_assert!(!again.join(&a));
        prop_assert!(!again.join(&b));
        for (r, s, ballot) in &all {
            prop_assert!(!again.put(r, s, ballot.clone()));
        }
        prop_assert_eq!(&again, &reference);
    }

    #[test]
    fn boxes_join_is_a_semilattice(a in boxes(), b in boxes(), c in boxes()) {
        prop_assert_eq!(joined(&a, &b), joined(&b, &a), "commutative");
        prop_assert_eq!(joined(&joined(&a, &b), &c), joined(&a, &joined(&b, &c)), "associative");
        prop_assert_eq!(&joined(&a, &a), &a, "idempotent");
        let mut same = a.clone();
        prop_assert!(!same.join(&a), "joining itself reports no change");
        // The join is an upper bound: it holds each side's winners or better.
        let ab = joined(&a, &b);
        for (r, slots) in a.0.iter().chain(b.0.iter()) {
            for (s, ballot) in slots {
                prop_assert!(ab.0[r][s] >= *ballot);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Rounds end to end.
// ---------------------------------------------------------------------------

fn rules(honours: u32) -> Rules {
    Rules::new("2026年度身边最美党员", 2026, honours)
}

#[test]
fn stages_advance_one_step_at_a_time() {
    let mut b = Branch::new();
    let ms = b.full(4);
    let r = rid("r1");
    b.rules(&r, rules(1)).unwrap();
    assert_eq!(b.stage(&r), Stage::Setup);
    for to in Stage::ALL.iter().skip(1) {
        let here = b.stage(&r);
        for other in Stage::ALL {
            if Some(other) != here.next() {
                assert_eq!(b.advance(&r, other), Err(P::NotNextStage), "{here:?} → {other:?}");
            }
        }
        match here {
            Stage::Nomination => {
                b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
            }
            Stage::Review => b.review(&r, &ms[0], true, "").unwrap(),
            // Elected (3 of 4 应到), so 公示 and 表彰 follow.
            Stage::Voting => {
                for (i, voter) in ms[1..].iter().enumerate() {
                    b.vote(&r, voter, &ms[..1], &slot(i as u64)).unwrap();
                }
            }
            _ => {}
        }
        b.advance(&r, *to).unwrap();
        let round = b.round(&r);
        assert_eq!(round.stage(), *to);
        assert_eq!(round.stage.at, b.now(), "the change is stamped with its time");
        // The entitled voters are frozen at 投票 and carried on; the seal is
        // made at 计票 and carried on.
        assert_eq!(round.stage.entitled.is_some(), *to >= Stage::Voting, "{to:?}");
        assert_eq!(round.stage.sealed.is_some(), *to >= Stage::Closed, "{to:?}");
        if *to > Stage::Voting {
            assert_eq!(round.stage.entitled.as_deref(), Some(&ms[..]));
        }
        if *to > Stage::Closed {
            assert_eq!(round.stage.sealed.as_ref().map(|s| s.0), Some(3));
        }
    }
    assert_eq!(b.stage(&r), Stage::Final);
    assert_eq!(Stage::Final.next(), None);
    for other in Stage::ALL {
        assert_eq!(b.advance(&r, other), Err(P::NotNextStage), "nothing after 表彰");
    }
}

#[test]
fn voting_opens_only_with_reviewed_candidates_and_codes() {
    let mut b = Branch::new();
    let ms = b.full(6);

    // Every nominee must be reviewed; rejected ones are not candidates.
    let r = rid("r1");
    b.rules(&r, rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    b.nominate(&r, &ms[3], &ms[2], "事迹").unwrap();
    b.nominate(&r, &ms[4], &ms[2], "附议").unwrap();
    b.go(&r, Stage::Review);
    assert_eq!(b.advance(&r, Stage::Voting), Err(P::Unreviewed(2)));
    b.review(&r, &ms[0], true, "").unwrap();
    assert_eq!(b.advance(&r, Stage::Voting), Err(P::Unreviewed(1)));
    b.review(&r, &ms[2], false, "不符合条件").unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), vec![ms[0].clone()]);

    // Nobody approved.
    let r2 = rid("r2");
    b.rules(&r2, rules(1)).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r2, Stage::Review);
    b.review(&r2, &ms[0], false, "材料不实").unwrap();
    assert_eq!(b.advance(&r2, Stage::Voting), Err(P::NoCandidates));

    // Nobody nominated.
    let r3 = rid("r3");
    b.rules(&r3, rules(1)).unwrap();
    b.go(&r3, Stage::Review);
    assert_eq!(b.advance(&r3, Stage::Voting), Err(P::NoCandidates));

    // Code voting needs codes.
    let r4 = rid("r4");
    b.rules(&r4, Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.go(&r4, Stage::Nomination);
    b.nominate(&r4, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r4, Stage::Review);
    b.review(&r4, &ms[0], true, "").unwrap();
    assert_eq!(b.advance(&r4, Stage::Voting), Err(P::NoCodes));
    b.issue_codes(&r4, 3, 500);
    b.advance(&r4, Stage::Voting).unwrap();
    assert_eq!(b.round(&r4).codes.len(), 3);
}

#[test]
fn rules_lock_once_voting_opens() {
    let (mut b, r, ms) = voting_round(4, 1, rules(1));
    // Elected (3 of 4), so the round goes all the way to 表彰.
    for (i, voter) in ms[1..].iter().enumerate() {
        b.vote(&r, voter, &ms[..1], &slot(i as u64)).unwrap();
    }
    for stage in [Stage::Voting, Stage::Closed, Stage::Publicity, Stage::Final] {
        b.go(&r, stage);
        let round = b.round(&r);
        assert_eq!(rounds::set_rules(Some(&round), Rules { title: "改名".into(), ..rules(1) }), Err(P::RulesLocked));
        assert_eq!(rounds::set_rules(Some(&round), rules(1)), Err(P::RulesLocked), "even unchanged");
    }

    // Before voting they may change, and are trimmed and checked.
    let mut b = Branch::new();
    let r = rid("r1");
    b.rules(&r, rules(1)).unwrap();
    for stage in [Stage::Setup, Stage::Nomination, Stage::Review] {
        b.go(&r, stage);
        b.rules(&r, Rules { honours: 2, title: format!("  {stage:?}  "), ..rules(1) }).unwrap();
        assert_eq!(b.round(&r).rules.title, format!("{stage:?}"));
        assert_eq!(b.round(&r).rules.honours, 2);
    }
    let bad: [(Rules, P); 7] = [
        (Rules { title: "  ".into(), ..rules(1) }, P::TitleRequired),
        (Rules { title: "长".repeat(201), ..rules(1) }, P::TooLong { max: 200 }),
        (rules(0), P::BadHonours),
        (Rules { k: 0, ..rules(1) }, P::BadK),
        (Rules { nominations_per_member: 0, ..rules(1) }, P::BadNominationLimit),
        (Rules { publicity_days: 61, ..rules(1) }, P::BadPublicity),
        (Rules { year: 1999, ..rules(1) }, P::BadYear),
    ];
    for (rules, problem) in bad {
        assert_eq!(rounds::set_rules(None, rules), Err(problem));
    }
}

#[test]
fn fingerprint_differs_when_any_rule_differs() {
    let base = rules(2);
    let variants: Vec<(&str, Rules)> = vec![
        ("title", Rules { title: "2026年度优秀党员".into(), ..base.clone() }),
        ("year", Rules { year: 2027, ..base.clone() }),
        ("honours", Rules { honours: 3, ..base.clone() }),
        ("k", Rules { k: 1, ..base.clone() }),
        ("voters", Rules { voters: Electorate::All, ..base.clone() }),
        ("voter list", Rules { voters: Electorate::List(mids(&["m01"])), ..base.clone() }),
        ("nominees", Rules { nominees: Electorate::Full, ..base.clone() }),
        ("self nomination", Rules { self_nomination: true, ..base.clone() }),
        ("nomination limit", Rules { nominations_per_member: 2, ..base.clone() }),
        ("self vote", Rules { self_vote: true, ..base.clone() }),
        ("basis", Rules { basis: Basis::Cast, ..base.clone() }),
        ("mode", Rules { mode: Mode::Codes, ..base.clone() }),
        ("revision", Rules { revision: true, ..base.clone() }),
        ("publicity days", Rules { publicity_days: 7, ..base.clone() }),
        ("holidays", Rules { holidays: vec![day("2026-10-01")], ..base.clone() }),
        ("workdays", Rules { workdays: vec![day("2026-09-27")], ..base.clone() }),
        ("schedule", Rules { schedule: vec![(Stage::Voting, day("2026-06-01"))], ..base.clone() }),
        ("run-off of", Rules { runoff_of: Some(rid("r0")), ..base.clone() }),
        ("candidates", Rules { candidates: Some(mids(&["m01"])), ..base.clone() }),
    ];
    let fp = base.fingerprint();
    assert_eq!(fp, rules(2).fingerprint(), "stable");
    assert_eq!(fp.len(), 14);
    assert!(fp.chars().enumerate().all(|(i, c)| if i == 4 || i == 9 {
        c == '-'
    } else {
        c.is_ascii_digit() || ('A'..='F').contains(&c)
    }));
    let mut seen = BTreeSet::from([fp.clone()]);
    for (what, rules) in variants {
        assert_ne!(rules, base, "{what}");
        assert!(seen.insert(rules.fingerprint()), "a different {what} gives a different fingerprint");
    }
}

#[test]
fn seconders_group_under_one_nominee() {
    let mut b = Branch::new();
    let ms = b.full(6);
    let r = rid("r1");
    b.rules(&r, rules(2)).unwrap();
    b.go(&r, Stage::Nomination);
    let first = b.nominate(&r, &ms[2], &ms[1], "带头攻坚").unwrap();
    let other = b.nominate(&r, &ms[3], &ms[4], "热心公益").unwrap();
    let second = b.nominate(&r, &ms[5], &ms[1], "附议").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list.iter().map(|n| n.member.clone()).collect::<Vec<_>>(), vec![ms[1].clone(), ms[4].clone()]);
    let by: Vec<(NominationId, MemberId)> =
        list[0].nominations.iter().map(|(id, n)| (id.clone(), n.by.clone())).collect();
    assert_eq!(by, vec![(first, ms[2].clone()), (second, ms[5].clone())], "the nomination first, then its seconder");
    assert_eq!(list[1].nominations.len(), 1);
    assert_eq!(list[1].nominations[0].0, other);
    assert!(list.iter().all(|n| n.review.is_none()));
    assert!(rounds::nominees(b.state(), &rid("r2")).is_empty(), "another round has none");
    b.go(&r, Stage::Review);
    b.review(&r, &ms[4], false, "不符合条件").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list[1].review, Some(Review { approved: false, reason: "不符合条件".into() }));
}

#[test]
fn nominations_are_checked() {
    let mut b = Branch::new();
    let ms = b.full(5);
    let probationary = b.add("预备0", Status::Probationary);
    let archived = b.add("已转出", Status::Full);
    b.organizer(Payload::MemberArchived { member: archived.clone() });
    let stranger = mid("m99");
    let r = rid("r1");
    b.rules(&r, Rules { nominees: Electorate::Full, ..rules(1) }).unwrap();

    assert_eq!(
        b.nominate(&r, &ms[0], &ms[1], "事迹"),
        Err(P::WrongStage { needed: Stage::Nomination, actual: Stage::Setup })
    );
    b.go(&r, Stage::Nomination);
    assert_eq!(b.nominate(&r, &ms[0], &stranger, "事迹"), Err(P::NotNominable), "not a member");
    assert_eq!(b.nominate(&r, &ms[0], &archived, "事迹"), Err(P::NotNominable), "archived");
    assert_eq!(b.nominate(&r, &ms[0], &probationary, "事迹"), Err(P::NotNominable), "outside the electorate");
    assert_eq!(b.nominate(&r, &stranger, &ms[1], "事迹"), Err(P::NotMember));
    assert_eq!(b.nominate(&r, &archived, &ms[1], "事迹"), Err(P::NotMember));
    assert_eq!(b.nominate(&r, &ms[0], &ms[0], "事迹"), Err(P::SelfNomination));
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], "   "), Err(P::DeedsRequired));
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], &"事".repeat(2001)), Err(P::TooLong { max: 2000 }));
    b.nominate(&r, &ms[0], &ms[1], "  事迹  ").unwrap();
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], "再次"), Err(P::AlreadyNominated));
    assert_eq!(b.nominate(&r, &ms[0], &ms[2], "事迹"), Err(P::NominationLimit(1)));
    // A probationary member may still nominate (only nominees are limited).
    b.nominate(&r, &probationary, &ms[1], "附议").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].nominations[0].1,
        Nomination { nominee: ms[1].clone(), by: ms[0].clone(), deeds: "事迹".into() }
    );
    b.go(&r, Stage::Review);
    assert_eq!(
        b.nominate(&r, &ms[3], &ms[4], "事迹"),
        Err(P::WrongStage { needed: Stage::Nomination, actual: Stage::Review })
    );

    // Where the rules allow it: 自荐, and more nominations each.
    let r2 = rid("r2");
    b.rules(&r2, Rules { self_nomination: true, nominations_per_member: 2, ..rules(2) }).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[0], &ms[0], "自荐").unwrap();
    b.nominate(&r2, &ms[0], &ms[1], "事迹").unwrap();
    assert_eq!(b.nominate(&r2, &ms[0], &ms[1], "事迹"), Err(P::AlreadyNominated));
    assert_eq!(b.nominate(&r2, &ms[0], &ms[2], "事迹"), Err(P::NominationLimit(2)));
}

#[test]
fn a_rejection_needs_a_reason() {
    let mut b = Branch::new();
    let ms = b.full(4);
    let r = rid("r1");
    b.rules(&r, rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    assert_eq!(b.review(&r, &ms[0], true, ""), Err(P::WrongStage { needed: Stage::Review, actual: Stage::Nomination }));
    b.go(&r, Stage::Review);
    assert_eq!(b.review(&r, &ms[0], false, ""), Err(P::ReasonRequired));
    assert_eq!(b.review(&r, &ms[0], false, "  \n "), Err(P::ReasonRequired));
    assert_eq!(b.review(&r, &ms[2], true, ""), Err(P::NotNominated));
    assert_eq!(b.review(&r, &ms[0], false, &"因".repeat(201)), Err(P::TooLong { max: 200 }));
    b.review(&r, &ms[0], false, " 不符合条件 ").unwrap();
    assert_eq!(b.state().reviews.get(&(r.clone(), ms[0].clone())).unwrap().reason, "不符合条件");
    // A change of mind before voting: the later review stands.
    b.review(&r, &ms[0], true, "").unwrap();
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), vec![ms[0].clone()]);
}

#[test]
fn choices_are_checked() {
    let (mut b, r, ms) = voting_round(8, 3, rules(2));
    let round = b.round(&r);
    let check = |b: &Branch, voter: &MemberId, choices: &[MemberId]| {
        rounds::check_choices(b.state(), &b.round(&r), Some(voter), choices)
    };
    let (c0, c1, c2) = (ms[0].clone(), ms[1].clone(), ms[2].clone());
    let voter = ms[5].clone();
    assert_eq!(check(&b, &voter, &[c0.clone(), ms[3].clone()]), Err(P::NotCandidate));
    assert_eq!(check(&b, &voter, &[mid("m99")]), Err(P::NotCandidate));
    assert_eq!(check(&b, &voter, &[c0.clone(), c1.clone(), c2.clone()]), Err(P::TooMany(2)));
    assert_eq!(check(&b, &voter, &[c1.clone(), c1.clone()]), Err(P::Duplicate));
    assert_eq!(check(&b, &c0, &[c0.clone(), c1.clone()]), Err(P::SelfVote));
    // Sorted, so the ballot does not keep the order of ticking.
    assert_eq!(check(&b, &voter, &[c2.clone(), c0.clone()]), Ok(vec![c0.clone(), c2.clone()]));
    assert_eq!(check(&b, &c0, &[c2.clone(), c1.clone()]), Ok(vec![c1.clone(), c2.clone()]));
    assert_eq!(check(&b, &voter, &[]), Ok(vec![]), "a blank ballot is allowed");
    // Code ballots have no voter to exclude.
    assert_eq!(rounds::check_choices(b.state(), &round, None, &ms[..1]), Ok(ms[..1].to_vec()));

    b.go(&r, Stage::Closed);
    assert_eq!(check(&b, &voter, &ms[..1]), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));

    // Where self-votes are allowed.
    let (b, r, ms) = voting_round(4, 2, Rules { self_vote: true, ..rules(1) });
    assert_eq!(rounds::check_choices(b.state(), &b.round(&r), Some(&ms[0]), &ms[..1]), Ok(ms[..1].to_vec()));
}

#[test]
fn one_vote_per_member_unless_revision() {
    let mut b = Branch::new();
    let ms = b.full(6);
    let probationary = b.add("预备0", Status::Probationary);
    let r = rid("r1");
    b.rules(&r, rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    assert_eq!(
        rounds::may_vote(b.state(), &b.round(&r), &ms[3]),
        Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Nomination })
    );
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r, Stage::Review);
    b.review(&r, &ms[0], true, "").unwrap();
    b.go(&r, Stage::Voting);
    let late = b.add("新转入", Status::Full);

    let may = |b: &Branch, m: &MemberId| rounds::may_vote(b.state(), &b.round(&r), m);
    assert_eq!(may(&b, &probationary), Err(P::NotEntitled), "预备党员 under the 正式党员 electorate");
    assert_eq!(may(&b, &late), Err(P::NotEntitled), "the electorate froze when voting opened");
    assert_eq!(may(&b, &mid("m99")), Err(P::NotEntitled));
    assert_eq!(may(&b, &ms[3]), Ok(()));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (0, 6));
    b.vote(&r, &ms[3], &ms[..1], &slot(1)).unwrap();
    assert!(rounds::has_voted(b.state(), &r, &Voter::Member(ms[3].clone())));
    assert_eq!(may(&b, &ms[3]), Err(P::AlreadyVoted));
    assert_eq!(b.vote(&r, &ms[3], &[], &slot(2)), Err(P::AlreadyVoted));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (1, 6));
    assert_eq!(ballot::box_of(b.state(), &r).len(), 1);

    // With revision, the voter's secret slot takes the revised ballot.
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    let mine = ballot::slot_of_secret(&r, &random(42));
    assert_eq!(mine, ballot::slot_of_secret(&r, &random(42)), "the same secret gives the same slot");
    assert_ne!(mine, ballot::slot_of_secret(&rid("r2"), &random(42)), "per round");
    b.vote(&r, &ms[4], &ms[..1], &mine).unwrap();
    // A second first vote is refused; a revision replaces the ballot and
    // adds no second roll entry.
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[4]), Err(P::AlreadyVoted));
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[4]), Ok(()));
    let roll_before = b.state().roll.0.clone();
    b.revise(&r, &ms[4], &ms[1..2], &random(42)).unwrap();
    assert_eq!(b.state().roll.0, roll_before, "no second roll entry");
    assert_eq!(
        ballot::box_of(b.state(), &r),
        vec![Ballot { rev: 1, choices: ms[1..2].to_vec() }],
        "replaced, not added"
    );
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (1, 6));
    let t = rounds::count(b.state(), &b.round(&r));
    assert_eq!((t.cast, t.votes(&ms[0]), t.votes(&ms[1])), (1, 0, 1));

    // A code round has no named voters.
    let (b, r, ms, _) = code_round();
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[0]), Err(P::WrongMode));
}

/// Issue 22, item 4: no proxy voting. A member without a phone votes on
/// paper, which a record keeper enters openly; then it is their one ballot.
#[test]
fn a_paper_ballot_is_one_ballot_entered_openly() {
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    b.paper(&r, None, &ms[3], &ms[..1], &slot(1)).unwrap();
    assert_eq!(rounds::cast_by(b.state(), &r, &ms[3]), Some(rounds::Cast::Paper));
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[3]), Err(P::AlreadyVoted), "no named vote after it");
    assert_eq!(b.paper(&r, None, &ms[3], &[], &slot(2)), Err(P::AlreadyVoted), "no second paper ballot");
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[3]), Err(P::NoRevision), "a paper ballot is final");
    // A member who voted on their phone gets no paper ballot on top.
    b.vote(&r, &ms[4], &ms[1..2], &slot(3)).unwrap();
    assert_eq!(b.paper(&r, None, &ms[4], &[], &slot(4)), Err(P::AlreadyVoted));
    // The roll counts it (and says paper); the audit log says who entered it.
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (2, 6));
    assert_eq!(rounds::paper_count(b.state(), &r), 1);
    let keeper = ms[5].clone();
    b.paper(&r, Some(&keeper), &ms[2], &ms[..1], &slot(5)).unwrap();
    let entered: Vec<_> = rounds::audit(b.state(), &r)
        .into_iter()
        .filter_map(|e| match e.what {
            Audited::Paper(m) => Some((m, e.actor)),
            _ => None,
        })
        .collect();
    assert_eq!(entered, vec![(ms[3].clone(), None), (ms[2].clone(), Some(keeper))]);
    // Self-votes are judged for the paper's voter as for a named one.
    assert_eq!(b.paper(&r, None, &ms[0], &ms[..1], &slot(6)), Err(P::SelfVote));
}

/// Issue 22, item 5: a slot opens only with the key behind it; a higher
/// revision is not enough.
#[test]
fn a_revision_needs_the_key_behind_its_slot() {
    let r = rid("r1");
    let (mine, theirs) = (random(7), random(8));
    let slot = ballot::slot_of_secret(&r, &mine);
    let key = ballot::key_of_secret(&mine);
    assert_eq!(ballot::secret_of_key(&key), Some(mine));
    assert!(ballot::opens(&r, &slot, &key));
    assert!(!ballot::opens(&rid("r2"), &slot, &key), "per round");
    assert!(!ballot::opens(&r, &slot, &ballot::key_of_secret(&theirs)));
    for odd in ["", "zz", &key[..30], &format!("{key}00"), &"é".repeat(16)] {
        assert_eq!(ballot::secret_of_key(odd), None, "{odd:?}");
        assert!(!ballot::opens(&r, &slot, odd));
    }
    // The slot is what the box shows; it is not a key to anything.
    assert!(!ballot::opens(&r, &slot, &slot));
    assert_eq!(ballot::check_revision(&r, &slot, 1, None, 0), Err(P::KeyRequired));
    assert_eq!(ballot::check_revision(&r, &slot, 9, Some(&ballot::key_of_secret(&theirs)), 0), Err(P::WrongKey));
    assert_eq!(ballot::check_revision(&r, &slot, 1, Some(&key), 1), Err(P::StaleRevision));
    assert_eq!(ballot::check_revision(&r, &slot, 2, Some(&key), 1), Ok(()));

    // Revising is for the voter's own ballot, while voting is open.
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[3]), Err(P::NoRevision), "not on the roll");
    b.vote(&r, &ms[3], &ms[..1], &ballot::slot_of_secret(&r, &mine)).unwrap();
    b.revise(&r, &ms[3], &[], &mine).unwrap();
    assert_eq!(b.revise(&r, &ms[4], &[], &mine), Err(P::NoRevision), "another member's ballot");
    b.go(&r, Stage::Closed);
    assert_eq!(
        b.revise(&r, &ms[3], &ms[..1], &mine),
        Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }),
        "no revision after the close"
    );
    assert_eq!(ballot::box_of(b.state(), &r), vec![Ballot { rev: 1, choices: vec![] }]);
    // Without revision in the rules, nobody revises.
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    b.vote(&r, &ms[3], &ms[..1], &ballot::slot_of_secret(&r, &mine)).unwrap();
    assert_eq!(b.revise(&r, &ms[3], &[], &mine), Err(P::NoRevision));
}

/// A code-voting round `r1` open with 4 codes (returned); 6 members,
/// candidates m01, m02.
fn code_round() -> (Branch, RoundId, Vec<MemberId>, Vec<String>) {
    let mut b = Branch::new();
    let ms = b.full(6);
    let r = rid("r1");
    b.rules(&r, Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[5], &ms[0], "事迹").unwrap();
    b.nominate(&r, &ms[4], &ms[1], "事迹").unwrap();
    b.go(&r, Stage::Review);
    b.review(&r, &ms[0], true, "").unwrap();
    b.review(&r, &ms[1], true, "").unwrap();
    let codes = b.issue_codes(&r, 4, 500);
    b.go(&r, Stage::Voting);
    (b, r, ms, codes)
}

#[test]
fn codes_vote_once() {
    let (mut b, r, ms, codes) = code_round();
    let check = |b: &Branch, r: &RoundId, code: &str| rounds::check_code(b.state(), &b.round(r), code);
    assert_eq!(check(&b, &r, "ZZZZZ-ZZZZZ"), Err(P::UnknownCode));
    assert_eq!(check(&b, &r, ""), Err(P::UnknownCode));
    assert_eq!(check(&b, &r, &codes[0]), Ok(ballot::code_hash(&r, &codes[0])));
    // Typed in lower case, grouped, with spaces: the same code.
    let typed = format!(" {} ", ballot::display_code(&codes[0]).to_lowercase());
    assert_eq!(check(&b, &r, &typed), Ok(ballot::code_hash(&r, &codes[0])));
    b.vote_code(&r, &typed, &ms[..1], &slot(1)).unwrap();
    assert_eq!(check(&b, &r, &codes[0]), Err(P::UsedCode));
    assert_eq!(b.vote_code(&r, &codes[0], &ms[1..2], &slot(2)), Err(P::UsedCode));
    b.vote_code(&r, &codes[1], &ms[1..2], &slot(3)).unwrap();
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (2, 6));
    assert_eq!(ballot::box_of(b.state(), &r).len(), 2);

    // Another round's codes are unknown here, unused ones included.
    let r2 = rid("r2");
    b.rules(&r2, Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[5], &ms[0], "事迹").unwrap();
    b.go(&r2, Stage::Review);
    b.review(&r2, &ms[0], true, "").unwrap();
    let codes2 = b.issue_codes(&r2, 2, 700);
    b.go(&r2, Stage::Voting);
    assert_eq!(check(&b, &r2, &codes[2]), Err(P::UnknownCode));
    assert_eq!(check(&b, &r, &codes2[0]), Err(P::UnknownCode));
    assert_eq!(check(&b, &r2, &codes2[0]), Ok(ballot::code_hash(&r2, &codes2[0])));
    // Codes work only while voting is open; a named round takes none.
    b.go(&r, Stage::Closed);
    assert_eq!(check(&b, &r, &codes[2]), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));
    let (b3, r3, _) = voting_round(4, 1, rules(1));
    assert_eq!(check(&b3, &r3, &codes[0]), Err(P::WrongMode));
}

#[test]
fn results_only_after_the_close_and_the_box_is_sealed() {
    let (mut b, r, ms) = voting_round(7, 3, rules(2));
    let votes: [(usize, &[usize]); 5] = [(3, &[0, 1]), (4, &[0]), (5, &[]), (6, &[1, 2]), (2, &[0, 1])];
    for (i, (voter, choices)) in votes.iter().enumerate() {
        let choices: Vec<MemberId> = choices.iter().map(|c| ms[*c].clone()).collect();
        b.vote(&r, &ms[*voter], &choices, &slot(i as u64)).unwrap();
        assert_eq!(b.results(&r), None, "hidden while voting");
    }
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (5, 7));
    assert_eq!(ballot::export(b.state(), &b.round(&r)), None, "no export before the close");
    let before = rounds::count(b.state(), &b.round(&r));
    b.advance(&r, Stage::Closed).unwrap();
    let round = b.round(&r);
    let boxed = ballot::box_of(b.state(), &r);
    assert_eq!(round.stage.sealed, Some((5, ballot::digest(&boxed))));
    let mut reordered = boxed.clone();
    reordered.reverse();
    assert_eq!(ballot::digest(&reordered), ballot::digest(&boxed), "the digest does not depend on order");
    let mut changed = boxed.clone();
    changed[0].rev += 1;
    assert_ne!(ballot::digest(&changed), ballot::digest(&boxed));

    let t = b.results(&r).unwrap();
    assert_eq!(t, before);
    assert_eq!((t.cast, t.valid, t.blank, t.invalid, t.entitled, t.needed), (5, 4, 1, 0, 7, 4));
    assert_eq!((t.votes(&ms[0]), t.votes(&ms[1]), t.votes(&ms[2])), (3, 3, 1));
    assert_eq!(t.elected, Vec::<MemberId>::new(), "3 of 7 is not more than half of 应到");
    assert_eq!(t.turnout_permille(), Some(714));
    // Nobody is elected, so no 公示; ended without a result, they still show.
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NoWinner));
    b.advance(&r, Stage::NoResult).unwrap();
    assert_eq!(b.results(&r), Some(t));
}

/// Eight members, candidates m01–m04, two honours, K = 2: m01 gets 6 votes,
/// m02 and m03 get 5 each (needed: 5), m04 none.
fn tied_round() -> (Branch, RoundId, Vec<MemberId>) {
    let (mut b, r, ms) = voting_round(8, 4, rules(2));
    let votes: [(usize, [usize; 2]); 8] =
        [(4, [0, 1]), (5, [0, 1]), (6, [0, 2]), (7, [0, 2]), (1, [0, 2]), (2, [0, 1]), (0, [1, 2]), (3, [1, 2])];
    for (i, (voter, choices)) in votes.iter().enumerate() {
        let choices: Vec<MemberId> = choices.iter().map(|c| ms[*c].clone()).collect();
        b.vote(&r, &ms[*voter], &choices, &slot(i as u64)).unwrap();
    }
    (b, r, ms)
}

#[test]
fn a_tie_runs_off_among_the_tied() {
    let (mut b, r, ms) = tied_round();
    assert_eq!(
        rounds::runoff(b.state(), &b.round(&r), "复选"),
        Err(P::WrongStage { needed: Stage::Closed, actual: Stage::Voting })
    );
    b.advance(&r, Stage::Closed).unwrap();
    let t = b.results(&r).unwrap();
    assert_eq!((t.votes(&ms[0]), t.votes(&ms[1]), t.votes(&ms[2]), t.needed), (6, 5, 5, 5));
    assert_eq!(t.elected, ms[..1].to_vec());
    assert_eq!(t.tied, ms[1..3].to_vec());
    assert_eq!(t.tied_seats, 1);

    let original = b.round(&r);
    let runoff = rounds::runoff(b.state(), &original, "2026年度身边最美党员（复选）").unwrap();
    assert_eq!(runoff.candidates, Some(ms[1..3].to_vec()));
    assert_eq!((runoff.honours, runoff.k), (1, 1));
    assert_eq!(runoff.voters, Electorate::List(ms.clone()), "the same voters");
    assert_eq!(runoff.runoff_of, Some(r.clone()));
    assert_eq!((runoff.basis, runoff.mode, runoff.self_vote), (original.rules.basis, original.rules.mode, false));

    // A run-off has its candidates: straight from set-up to voting.
    let r2 = rid("r2");
    b.rules(&r2, runoff).unwrap();
    b.advance(&r2, Stage::Voting).unwrap();
    assert_eq!(b.round(&r2).stage.entitled.as_deref(), Some(&ms[..]));
    assert_eq!(rounds::candidates(b.state(), &b.round(&r2)), ms[1..3].to_vec());
    let check = rounds::check_choices(b.state(), &b.round(&r2), Some(&ms[4]), &ms[..1]);
    assert_eq!(check, Err(P::NotCandidate), "the elected one is not on the run-off ballot");
    for (i, voter) in ms.iter().enumerate() {
        let choice = if voter == &ms[2] { &ms[1] } else { &ms[2] };
        b.vote(&r2, voter, std::slice::from_ref(choice), &slot(100 + i as u64)).unwrap();
    }
    b.advance(&r2, Stage::Closed).unwrap();
    let t2 = b.results(&r2).unwrap();
    assert_eq!((t2.cast, t2.votes(&ms[1]), t2.votes(&ms[2])), (8, 1, 7));
    assert_eq!(t2.elected, ms[2..3].to_vec());
    assert!(t2.tied.is_empty());

    // No tie, no run-off.
    let (mut b, r, ms) = voting_round(4, 1, rules(1));
    for (i, voter) in ms[1..].iter().enumerate() {
        b.vote(&r, voter, &ms[..1], &slot(i as u64)).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(rounds::runoff(b.state(), &b.round(&r), "复选"), Err(P::NoRunoff));
}

/// Six members, candidates m01 and m02 both elected (two honours), now closed.
fn closed_round() -> (Branch, RoundId, Vec<MemberId>) {
    let (mut b, r, ms) = voting_round(6, 2, rules(2));
    for (i, voter) in ms[2..].iter().enumerate() {
        b.vote(&r, voter, &ms[..2], &slot(i as u64)).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    (b, r, ms)
}

#[test]
fn objections_only_during_publicity_and_upheld_ones_withdraw_the_honour() {
    let (mut b, r, ms) = closed_round();
    assert_eq!(b.results(&r).unwrap().elected, ms[..2].to_vec());
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[..2].to_vec());
    assert_eq!(
        b.object(&r, &ms[4], Some(&ms[0]), "事迹不实"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Closed })
    );
    b.advance(&r, Stage::Publicity).unwrap();
    assert_eq!(b.object(&r, &ms[4], Some(&ms[0]), "  "), Err(P::TextRequired));
    assert_eq!(b.object(&r, &ms[4], None, &"异".repeat(1001)), Err(P::TooLong { max: 1000 }));
    let upheld = b.object(&r, &ms[4], Some(&ms[0]), "事迹不实").unwrap();
    let dismissed = b.object(&r, &ms[5], Some(&ms[1]), "有不同意见").unwrap();
    assert_eq!(
        b.state().objections.get(&(r.clone(), upheld.clone())),
        Some(&Objection { about: Some(ms[0].clone()), text: "事迹不实".into() })
    );
    assert_eq!(b.handle(&r, &ObjectionId("nope".into()), true, "核实"), Err(P::UnknownObjection));
    assert_eq!(b.handle(&r, &upheld, true, " "), Err(P::TextRequired));
    b.handle(&r, &dismissed, false, "经核实，反映不属实").unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[..2].to_vec(), "a dismissed objection changes nothing");
    b.handle(&r, &upheld, true, "经核实，撤销").unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[1..2].to_vec());
    assert_eq!(b.results(&r).unwrap().elected, ms[..2].to_vec(), "the count itself stands");

    b.advance(&r, Stage::Final).unwrap();
    assert_eq!(
        b.object(&r, &ms[4], Some(&ms[1]), "晚了"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Final })
    );
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[1..2].to_vec());
    assert_eq!(
        b.state().handlings.get(&(r.clone(), upheld)),
        Some(&Handling { upheld: true, note: "经核实，撤销".into() })
    );

    // Nothing is honoured before the count.
    let (b, r, _) = voting_round(4, 1, rules(1));
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), Vec::<MemberId>::new());
    assert_eq!(
        rounds::handle(b.state(), &b.round(&r), &ObjectionId("x".into()), true, "x"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Voting })
    );
}

#[test]
fn publicity_counts_working_days() {
    let friday = day("2026-03-06");
    assert_eq!(friday.weekday(), 5);
    let end = |start: Date, days: u32, holidays: &[&str], workdays: &[&str]| {
        let h: Vec<Date> = holidays.iter().map(|d| day(d)).collect();
        let w: Vec<Date> = workdays.iter().map(|d| day(d)).collect();
        rounds::publicity_end(start, days, &h, &w).to_string()
    };
    // Friday counts as the first day; the weekend does not.
    assert_eq!(end(friday, 5, &[], &[]), "2026-03-12");
    assert_eq!(day("2026-03-12").weekday(), 4, "the next Thursday");
    // A holiday in between: one day later.
    assert_eq!(end(friday, 5, &["2026-03-10"], &[]), "2026-03-13");
    // A holiday on the weekend changes nothing.
    assert_eq!(end(friday, 5, &["2026-03-07"], &[]), "2026-03-12");
    // A 调休 Saturday counts: one day earlier.
    assert_eq!(end(friday, 5, &[], &["2026-03-07"]), "2026-03-11");
    // Starting on a weekend: the first working day is Monday.
    assert_eq!(end(day("2026-03-07"), 1, &[], &[]), "2026-03-09");
    assert_eq!(end(friday, 1, &[], &[]), "2026-03-06");
    // 2025 National Day: 1–8 October off, Sunday 28 September a working day.
    let holidays: Vec<String> = (1..=8).map(|d| format!("2025-10-{d:02}")).collect();
    let holidays: Vec<&str> = holidays.iter().map(String::as_str).collect();
    assert_eq!(end(day("2025-09-26"), 5, &holidays, &["2025-09-28", "2025-10-11"]), "2025-10-09");
    assert_eq!(end(day("2025-09-26"), 7, &holidays, &["2025-09-28", "2025-10-11"]), "2025-10-11");
}

#[test]
fn the_audit_log_names_actors_and_times_and_never_ballots() {
    let mut b = Branch::new();
    let ms = b.full(6);
    let r = rid("r1");
    let rules_event = {
        let rules = rounds::set_rules(None, rules(1)).unwrap();
        b.organizer(Payload::RoundSaved { round: r.clone(), changes: vec![RoundValue::Rules(rules)] })
    };
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r, Stage::Review);
    b.review(&r, &ms[0], true, "").unwrap();
    b.go(&r, Stage::Voting);
    // Four of six: elected, so 公示 and 表彰 follow.
    let slots: Vec<String> = (0..4).map(slot).collect();
    for (i, voter) in ms[1..5].iter().enumerate() {
        b.vote(&r, voter, &ms[..1], &slots[i]).unwrap();
    }
    b.go(&r, Stage::Publicity);
    let objection = b.object(&r, &ms[5], Some(&ms[0]), "事迹不实").unwrap();
    b.handle(&r, &objection, false, "不属实").unwrap();
    b.go(&r, Stage::Final);

    let log = rounds::audit(b.state(), &r);
    let what: Vec<Audited> = log.iter().map(|e| e.what.clone()).collect();
    let fp = b.round(&r).rules.fingerprint();
    assert_eq!(
        what,
        vec![
            Audited::Rules(fp),
            Audited::Stage(Stage::Nomination),
            Audited::Nominated(ms[0].clone()),
            Audited::Stage(Stage::Review),
            Audited::Reviewed(ms[0].clone(), true),
            Audited::Stage(Stage::Voting),
            Audited::Stage(Stage::Closed),
            Audited::Stage(Stage::Publicity),
            Audited::Objection(objection.clone()),
            Audited::Handled(objection, false),
            Audited::Stage(Stage::Final),
        ],
        "votes are not audit lines"
    );
    assert_eq!(log[0].at, rules_event.at);
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    assert_eq!(log[2].actor.as_ref(), Some(&ms[1]), "the nominator");
    assert_eq!(log[8].actor.as_ref(), Some(&ms[5]), "the objector");
    assert!(
        log.iter().filter(|e| matches!(e.what, Audited::Stage(_) | Audited::Reviewed(..))).all(|e| e.actor.is_none())
    );
    // Each line's time is its event's.
    let events: Vec<&Event> = b.records.pending().collect();
    for entry in &log {
        assert!(events.iter().any(|e| e.at == entry.at && e.actor == entry.actor), "{entry:?}");
    }
    // Nothing of a ballot.
    let json = serde_json::to_string(&log).unwrap();
    assert!(!json.contains("choices"));
    assert!(slots.iter().all(|s| !json.contains(s.as_str())));
    for voter in &ms[2..5] {
        assert!(!json.contains(voter.as_str()), "a voter who did nothing else is not in the log");
    }
    assert!(rounds::audit(b.state(), &rid("r2")).is_empty());
}

// ---------------------------------------------------------------------------
// 4. Ballot codes.
// ---------------------------------------------------------------------------

#[test]
fn codes_use_the_alphabet_only() {
    assert_eq!(CODE_ALPHABET.len(), 31);
    for c in b"01ILO" {
        assert!(!CODE_ALPHABET.contains(c), "{}", *c as char);
    }
    let mut inputs: Vec<[u8; 16]> = (0..2_000).map(random).collect();
    // Edge cases: bytes a rejection sampler would skip, and zeros.
    inputs.extend([[0xFF; 16], [0xF8; 16], [0; 16], [0xF7; 16]]);
    let mut half = [0xFFu8; 16];
    half[..8].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    inputs.push(half);
    let codes = ballot::make_codes(&inputs);
    assert_eq!(codes.len(), inputs.len());
    for (code, input) in codes.iter().zip(&inputs) {
        assert_eq!(code.len(), CODE_LEN, "{code:?} from {input:?}");
        assert!(code.bytes().all(|c| CODE_ALPHABET.contains(&c)), "{code}");
        assert_eq!(ballot::normalise_code(code), *code, "a code is already normal");
    }
    let distinct: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len(), "distinct random inputs give distinct codes");
    assert_eq!(ballot::make_codes(&inputs[..3]), codes[..3].to_vec(), "a function of its input");
    // Every character of the alphabet turns up.
    let used: BTreeSet<u8> = codes.iter().flat_map(|c| c.bytes()).collect();
    assert_eq!(used.len(), CODE_ALPHABET.len());
}

#[test]
fn code_hash_is_stable_per_round_and_normalised() {
    let r = rid("01KB0000000000000000000001");
    let h = ballot::code_hash(&r, "ABCDEFGHJK");
    let expected: String = Sha256::digest(format!("zhibu-ballot-code\n{r}\nABCDEFGHJK").as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(h, expected, "a stable, documented construction");
    assert_eq!(h.len(), 32);
    for typed in ["abcdefghjk", "ABCDE-FGHJK", "abcde fghjk", " AbCdE - fGhJk\t", "A-B-C-D-E-F-G-H-J-K"] {
        assert_eq!(ballot::code_hash(&r, typed), h, "{typed:?}");
    }
    assert_ne!(ballot::code_hash(&rid("01KB0000000000000000000002"), "ABCDEFGHJK"), h, "per round");
    assert_ne!(ballot::code_hash(&r, "ABCDEFGHJM"), h);
    // Only the hash is stored: the code is not in it.
    assert!(!h.to_uppercase().contains("ABCDEFGHJK"));
}

#[test]
fn display_code_groups_five_and_five() {
    assert_eq!(ballot::display_code("ABCDEFGHJK"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("abcde fghjk"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("AB-CDE-FGHJK"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("ABC"), "ABC", "a wrong length is shown as typed, normalised");
    for code in ballot::make_codes(&(0..50).map(random).collect::<Vec<_>>()) {
        let shown = ballot::display_code(&code);
        assert_eq!(shown.len(), CODE_LEN + 1);
        assert_eq!(shown.replace('-', ""), code);
        assert_eq!(&shown[5..6], "-");
    }
}

// ---------------------------------------------------------------------------
// 5. Secrecy.
// ---------------------------------------------------------------------------

/// What a secret round leaves: the branch, the round, its members, every
/// ballot cast as (slot, sorted choices) in plan order, and the receipts.
type SecretRound = (Branch, RoundId, Vec<MemberId>, Vec<(String, Vec<MemberId>)>, Vec<String>);

/// Seven members; candidates m01–m03; five members vote, in the given order.
fn secret_round(order: &[usize]) -> SecretRound {
    let (mut b, r, ms) = voting_round(7, 3, rules(2));
    // (voter, choices, slot)
    let plan: Vec<(MemberId, Vec<MemberId>, String)> = vec![
        (ms[3].clone(), vec![ms[0].clone(), ms[1].clone()], slot(1)),
        (ms[4].clone(), vec![ms[0].clone()], slot(2)),
        (ms[5].clone(), vec![], slot(3)),
        (ms[6].clone(), vec![ms[2].clone(), ms[1].clone()], slot(4)),
        (ms[2].clone(), vec![ms[0].clone(), ms[1].clone()], slot(5)),
    ];
    let mut receipts = Vec::new();
    for i in order {
        let (voter, choices, s) = &plan[*i];
        receipts.push(b.vote(&r, voter, choices, s).unwrap());
    }
    let cast = plan
        .into_iter()
        .map(|(_, mut choices, s)| {
            choices.sort();
            (s, choices)
        })
        .collect();
    (b, r, ms, cast, receipts)
}

/// Every string in a JSON value, keys included.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

fn numbers(v: &Value) -> usize {
    match v {
        Value::Number(_) => 1,
        Value::Array(a) => a.iter().map(numbers).sum(),
        Value::Object(o) => o.values().map(numbers).sum(),
        _ => 0,
    }
}

/// The document the app stores: the snapshot holds the box (as it does
/// after a compaction, or once `zhibu:box` is read back), the events are
/// the logs since.
fn stored_document(b: &Branch) -> String {
    let mut snapshot = State::default();
    snapshot.ext.ballots = b.state().ballots.clone();
    let mut records = Records::from_snapshot(snapshot);
    let report = records.merge_events(b.records.pending());
    assert_eq!(report.known, 0);
    assert_eq!(records.state(), b.state(), "the document holds the whole state");
    document::to_json(&records)
}

#[test]
fn the_box_carries_no_voter_clock_device_or_time() {
    let (b, r, ms, cast, _) = secret_round(&[0, 1, 2, 3, 4]);
    let candidates: BTreeSet<&str> = ms[..3].iter().map(MemberId::as_str).collect();
    let voters_only: Vec<&MemberId> = ms[3..].iter().collect();
    let json = stored_document(&b);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let bal = &doc["snapshot"]["ext"]["bal"];

    // (a) bal: round → slot → {choices}; nothing else.
    let rounds_in = bal.as_object().unwrap();
    assert_eq!(rounds_in.keys().collect::<Vec<_>>(), vec![r.as_str()]);
    let slots = rounds_in[r.as_str()].as_object().unwrap();
    assert_eq!(slots.len(), 5);
    for (s, ballot) in slots {
        assert!(cast.iter().any(|(c, _)| c == s), "{s} is a slot");
        let fields = ballot.as_object().unwrap();
        assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["choices"], "no rev (0), clock, device or time");
        let choices: Vec<&str> = fields["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert!(choices.iter().all(|c| candidates.contains(c)), "only candidates, inside choices");
        assert!(choices.is_sorted(), "sorted, not in the order ticked");
    }
    let mut all = Vec::new();
    strings(bal, &mut all);
    for s in &all {
        assert!(!voters_only.iter().any(|v| v.as_str() == s), "voter {s} in the box");
        assert!(!s.contains("phone") && !s.contains(ORGANIZER), "a device in the box: {s}");
    }
    assert_eq!(numbers(bal), 0, "no clock, time or counter");
    let in_choices: usize = slots.values().map(|b| b["choices"].as_array().unwrap().len()).sum();
    let candidate_mentions = all.iter().filter(|s| candidates.contains(s.as_str())).count();
    assert_eq!(candidate_mentions, in_choices, "candidates appear only inside choices");

    // Each slot appears once in the whole document: in the box.
    for (s, _) in &cast {
        assert_eq!(json.matches(s.as_str()).count(), 1, "slot {s}");
    }

    // (b) No event carries a ballot's choices.
    let events = doc["events"].as_array().unwrap();
    assert!(!events.is_empty());
    let mut voted = 0;
    for event in events {
        let text = event.to_string();
        assert!(!text.contains("choices"), "{text}");
        assert!(!text.contains("\"bal\""));
        if event["p"]["t"] == "voted" {
            voted += 1;
            let keys: BTreeSet<&str> = event["p"].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, BTreeSet::from(["t", "round", "voter"]), "{text}");
            let voter = event["p"]["voter"]["member"].as_str().unwrap();
            assert_eq!(event["a"].as_str(), Some(voter), "the roll entry is the voter's own act");
        }
    }
    assert_eq!(voted, 5);

    // The document reads back, every round event passing the content checks.
    let parsed = document::parse(&json).unwrap();
    let mut records = Records::default();
    parsed.merge_into(&mut records);
    assert_eq!(records.state(), b.state());
    assert_eq!(parsed.events.len(), b.records.pending_len());

    // After a compaction the same box is stored.
    let mut compacted = b.records.clone();
    compacted.compact();
    let doc2: Value = serde_json::from_str(&document::to_json(&compacted)).unwrap();
    assert_eq!(doc2["snapshot"]["ext"]["bal"], *bal);
    assert_eq!(doc2["events"].as_array().map(Vec::len), Some(0));
    // The roll says who voted, and nothing of what.
    let rol = &doc2["snapshot"]["ext"]["rol"];
    assert_eq!(rol.as_array().map(Vec::len), Some(5));
    let rol = rol.to_string();
    assert!(!rol.contains("choices"));
    assert!(cast.iter().all(|(s, _)| !rol.contains(s.as_str())));
}

#[test]
fn the_box_order_does_not_show_the_voting_order() {
    let (a, r, _, cast_a, _) = secret_round(&[0, 1, 2, 3, 4]);
    let (b, _, _, cast_b, _) = secret_round(&[4, 2, 0, 3, 1]);
    assert_eq!(cast_a, cast_b);
    // The roll differs (it is the voting order) ...
    assert_ne!(a.records.pending().collect::<Vec<_>>(), b.records.pending().collect::<Vec<_>>());
    // ... the box does not.
    assert_eq!(serde_json::to_string(&a.state().ballots).unwrap(), serde_json::to_string(&b.state().ballots).unwrap());
    assert_eq!(document::ballots_to_json(&a.state().ballots), document::ballots_to_json(&b.state().ballots));
    let bal = |branch: &Branch| {
        let doc: Value = serde_json::from_str(&stored_document(branch)).unwrap();
        doc["snapshot"]["ext"]["bal"].to_string()
    };
    assert_eq!(bal(&a), bal(&b));
    // In slot order, which is not the casting order of either.
    let slots: Vec<&String> = a.state().ballots.0[&r].keys().collect();
    assert!(slots.is_sorted());
    let ballots_only: Value = serde_json::from_str(&document::ballots_to_json(&a.state().ballots)).unwrap();
    assert_eq!(ballots_only["snapshot"]["ext"].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["bal"]);
    assert_eq!(ballots_only["snapshot"]["ids"], Value::Array(vec![]), "no member table beside the box");
}

#[test]
fn the_export_is_anonymous_sorted_and_recounts() {
    let (mut b, r, ms, cast, receipts) = secret_round(&[2, 0, 4, 1, 3]);
    b.advance(&r, Stage::Closed).unwrap();
    let round = b.round(&r);
    let export = ballot::export(b.state(), &round).unwrap();
    let json = serde_json::to_string(&export).unwrap();

    // (d) No slots, no voters (only candidates, by id and name).
    for (s, _) in &cast {
        assert!(!json.contains(s.as_str()), "slot {s} in the export");
    }
    for voter in &ms[3..] {
        assert!(!json.contains(voter.as_str()), "voter {voter} in the export");
    }
    assert!(!json.contains("phone") && !json.contains(ORGANIZER));
    let mut expected: Vec<Vec<MemberId>> = cast.iter().map(|(_, c)| c.clone()).collect();
    expected.sort();
    assert_eq!(export.ballots, expected, "every ballot, sorted");
    assert!(export.ballots.is_sorted());
    assert!(export.receipts.is_sorted());
    assert_eq!(export.receipts, ballot::receipts(b.state(), &r));
    let mut mine = receipts.clone();
    mine.sort();
    assert_eq!(export.receipts, mine, "each voter's receipt is listed");
    assert!(receipts.iter().all(|x| x.len() == 19 && x.matches('-').count() == 3));
    assert_eq!(export.kind, ballot::EXPORT_KIND);
    assert_eq!(export.fingerprint, round.rules.fingerprint());
    assert_eq!(export.candidates.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(), ms[..3].to_vec());
    assert_eq!(export.candidates[0].1, "正式0");
    assert_eq!(export.rules, TallyRules { honours: 2, k: 2, basis: Basis::Entitled, entitled: 7 });
    assert_eq!(Some(&export.tally), b.results(&r).as_ref());
    assert_eq!((export.tally.votes(&ms[0]), export.tally.votes(&ms[1]), export.tally.votes(&ms[2])), (3, 3, 1));

    // Anyone can recount it.
    assert_eq!(ballot::recount(&json), Ok(Recount::Agrees(export.tally.clone())));
    let mut tampered = export.clone();
    tampered.tally.elected = vec![ms[2].clone()];
    let json2 = serde_json::to_string(&tampered).unwrap();
    assert_eq!(ballot::recount(&json2), Ok(Recount::Differs(export.tally.clone())));
    let mut stuffed = export.clone();
    stuffed.ballots.push(vec![ms[2].clone()]);
    match ballot::recount(&serde_json::to_string(&stuffed).unwrap()) {
        Ok(Recount::Differs(t)) => assert_eq!((t.cast, t.votes(&ms[2])), (6, 2)),
        other => panic!("{other:?}"),
    }
    let mut wrong = export.clone();
    wrong.kind = "something-else".into();
    assert!(ballot::recount(&serde_json::to_string(&wrong).unwrap()).is_err());
    assert!(ballot::recount("{").is_err());
}

#[test]
fn code_ballots_are_not_linked_to_their_code() {
    let (mut b, r, ms, codes) = code_round();
    let slots: Vec<String> = (0..3).map(slot).collect();
    b.vote_code(&r, &codes[0], &ms[..1], &slots[0]).unwrap();
    b.vote_code(&r, &codes[1], &ms[1..2], &slots[1]).unwrap();
    b.vote_code(&r, &codes[2], &[], &slots[2]).unwrap();
    let json = stored_document(&b);
    for code in &codes {
        assert!(!json.contains(code.as_str()), "a code itself is never stored");
    }
    for s in &slots {
        assert_eq!(json.matches(s.as_str()).count(), 1, "the slot appears only in the box");
    }
    for code in &codes[..3] {
        let hash = ballot::code_hash(&r, code);
        // Once among the issued hashes (in the RoundSaved event), once on the roll.
        assert_eq!(json.matches(hash.as_str()).count(), 2, "{hash}");
    }
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert!(!doc["snapshot"]["ext"]["bal"].to_string().contains(&ballot::code_hash(&r, &codes[0])));
}

// ---------------------------------------------------------------------------
// 6. Content checks on round events.
// ---------------------------------------------------------------------------

fn event(actor: Option<&str>, payload: Payload) -> Event {
    Event {
        id: EventId::generate(T0 as u64, [1; 16]),
        device: DeviceId("phone".into()),
        clock: 1,
        actor: actor.map(mid),
        at: T0,
        payload,
    }
}

#[test]
fn content_checks_refuse_acts_made_for_someone_else() {
    let nominated = |actor: Option<&str>| {
        event(
            actor,
            Payload::Nominated {
                round: rid("r1"),
                nomination: NominationId("n1".into()),
                record: Nomination { nominee: mid("m01"), by: mid("m02"), deeds: "事迹".into() },
            },
        )
    };
    assert_eq!(document::check_content(&nominated(Some("m02"))), Ok(()));
    assert!(document::check_content(&nominated(Some("m03"))).is_err(), "a nomination made for another member");
    assert!(document::check_content(&nominated(Some("m01"))).is_err(), "the nominee cannot sign as nominator");
    assert!(document::check_content(&nominated(None)).is_err());

    let voted = |actor: Option<&str>, voter: Voter| event(actor, Payload::Voted { round: rid("r1"), voter });
    assert_eq!(document::check_content(&voted(Some("m04"), Voter::Member(mid("m04")))), Ok(()));
    assert!(document::check_content(&voted(Some("m05"), Voter::Member(mid("m04")))).is_err(), "代投");
    assert!(document::check_content(&voted(None, Voter::Member(mid("m04")))).is_err());

    let hash = ballot::code_hash(&rid("r1"), "ABCDEFGHJK");
    assert_eq!(document::check_content(&voted(None, Voter::Code(hash.clone()))), Ok(()));
    for bad in
        ["ABCDEFGHJK".to_owned(), hash[..31].to_owned(), format!("{hash}0"), format!("{}g", &hash[..31]), String::new()]
    {
        assert!(document::check_content(&voted(None, Voter::Code(bad.clone()))).is_err(), "{bad:?}");
    }
    let codes = |hashes: Vec<String>| {
        event(None, Payload::RoundSaved { round: rid("r1"), changes: vec![RoundValue::Codes(hashes)] })
    };
    assert_eq!(document::check_content(&codes(vec![hash.clone()])), Ok(()));
    assert!(document::check_content(&codes(vec![hash, "ABCDEFGHJK".into()])).is_err(), "a plain code stored");

    // A document carrying such an event is refused as a whole.
    let bad = voted(Some("m05"), Voter::Member(mid("m04")));
    let json = document::events_to_json([&bad]);
    assert!(document::parse(&json).is_err());
}

#[test]
fn candidates_are_frozen_when_voting_opens() {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    let before = rounds::candidates(b.state(), &b.round(&r));
    assert_eq!(before.len(), 2);
    // A rejection merged in from another device after voting opened (the
    // guard runs only where an event is made) does not change the ballot.
    b.organizer(Payload::Reviewed {
        round: r.clone(),
        nominee: ms[0].clone(),
        review: zhibu_core::rounds::Review { approved: false, reason: "迟到的审查".into() },
    });
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), before);
    assert_eq!(rounds::check_choices(b.state(), &b.round(&r), None, &ms[..1]), Ok(vec![ms[0].clone()]));
}

#[test]
fn a_backup_carries_ballots_cast_since_the_last_compaction() {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    b.vote(&r, &ms[5], &ms[..1], &slot(1)).unwrap();
    // Not compacted: the ballot lives only in the state, yet the backup has it.
    let doc = document::parse(&document::to_json(&b.records)).unwrap();
    let snapshot = doc.snapshot.clone().expect("a snapshot");
    assert_eq!(ballot::box_of(&snapshot, &r), vec![Ballot { rev: 0, choices: vec![ms[0].clone()] }]);
    let mut restored = Records::default();
    doc.merge_into(&mut restored);
    assert_eq!(ballot::box_of(restored.state(), &r).len(), 1);
}

#[test]
fn commendation_waits_for_every_objection_and_keeps_the_publicity_dates() {
    let (mut b, r, ms) = closed_round();
    b.advance(&r, Stage::Publicity).unwrap();
    let started = b.round(&r).publicity_start().expect("publicity began");
    let open = b.object(&r, &ms[4], Some(&ms[0]), "事迹不实").unwrap();
    assert_eq!(b.advance(&r, Stage::Final), Err(P::ObjectionsOpen(1)));
    b.handle(&r, &open, false, "经核实，反映不属实").unwrap();
    b.advance(&r, Stage::Final).unwrap();
    // The notice's dates stay those of 公示, not of 表彰.
    assert_eq!(b.round(&r).publicity_start(), Some(started));
    assert_ne!(b.round(&r).stage.at, 0);
}
