//! "身边最美党员" voting, the pure count: ballots judged valid, blank or
//! invalid, the threshold on 应到 or 实到, winners and ties at the
//! cut-off, table-driven.

use std::collections::BTreeSet;
use zhibu_core::ids::MemberId;
use zhibu_core::tally::{self, BallotVerdict, Basis, Tally, TallyRules};

fn mid(s: &str) -> MemberId {
    MemberId(s.into())
}

fn mids(list: &[&str]) -> Vec<MemberId> {
    list.iter().map(|s| mid(s)).collect()
}

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
