//! The ballot box as a CRDT and the tally's independence of order,
//! property-tested: ballots delivered to two devices in any order, with
//! duplicates, merge to one box with one ballot per slot; the box's join
//! is a semilattice; the tally does not depend on ballot order.

use proptest::prelude::*;
use std::collections::BTreeSet;
use zhibu_core::ballot::{Ballot, Boxes};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::tally::{self, Basis, Tally, TallyRules};

const CASES: u32 = 1_000;

fn rid(s: &str) -> RoundId {
    RoundId(s.into())
}

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
        Ballot::of(rev, choices)
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
