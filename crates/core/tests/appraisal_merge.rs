//! 民主测评 ballots cast on several phones, property-tested: merged in any
//! order, with duplicates, every device ends with the same box and the
//! same count; and the box carries no voter, device or time — only a
//! random slot and the ratings.

mod branch;

use branch::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use zhibu_core::appraisal::{self, Rating};
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::Stage;

const CASES: u32 = 200;
const RATERS: usize = 5;

/// For each rater: for each of the 4 appraised, no rating or one of the four.
fn choices() -> impl Strategy<Value = Vec<Vec<Option<u8>>>> {
    prop::collection::vec(prop::collection::vec(prop::option::of(0..4u8), 4), RATERS)
}

/// A rater's ballot from drawn picks, kept within the cap of one 优秀.
fn ballot(appraised: &[MemberId], picks: &[Option<u8>]) -> BTreeMap<MemberId, Rating> {
    let mut excellent = 0;
    appraised
        .iter()
        .zip(picks)
        .filter_map(|(m, p)| {
            let mut rating = Rating::ALL[usize::from((*p)?)];
            if rating == Rating::Excellent {
                excellent += 1;
                if excellent > 1 {
                    rating = Rating::Competent;
                }
            }
            Some((m.clone(), rating))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn phones_ballots_merge_to_one_count_in_any_order(
        picks in choices(),
        order in Just((0..RATERS * 2).map(|i| i % RATERS).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        // 4 正式党员 appraised, and with 1 预备党员 five raters.
        let (mut desk, r, f, p) = named_appraisal_voting(4, 1);
        let raters: Vec<MemberId> = f.iter().chain(&p).cloned().collect();
        let mut phones = Vec::new();
        for (i, rater) in raters.iter().enumerate() {
            let mut phone = desk.fork(i as u64 + 1);
            phone.rate(&r, rater, &ballot(&f, &picks[i])).unwrap();
            phones.push(phone);
        }
        // The reference: each phone's records merged once, in order.
        let mut reference = desk.fork(99);
        for phone in &phones {
            reference.records.merge_snapshot(phone.state());
        }
        // The organizer's device: every phone twice, in a shuffled order.
        for &i in &order {
            desk.records.merge_snapshot(phones[i].state());
        }
        prop_assert_eq!(&desk.state().ballots, &reference.state().ballots);
        prop_assert_eq!(desk.count(&r), reference.count(&r));
        let count = desk.count(&r);
        prop_assert_eq!(count.cast, RATERS, "one ballot per rater, however often it travelled");
        prop_assert_eq!(zhibu_core::rounds::turnout(desk.state(), &desk.round(&r)), (RATERS, RATERS));
        // What each rater gave is what the count says, whatever the order.
        for (k, member) in f.iter().enumerate() {
            let given: usize = (0..RATERS).filter(|i| picks[*i][k].is_some()).count();
            let line = count.line(member).unwrap();
            prop_assert_eq!(line.counts.iter().sum::<usize>(), given);
            prop_assert_eq!(line.no_opinion, RATERS - given);
        }

        // The box as stored: slots and ratings, nothing else.
        let stored = serde_json::to_value(&desk.state().ballots).unwrap();
        let slots = stored[r.as_str()].as_object().unwrap();
        prop_assert_eq!(slots.len(), RATERS);
        for (slot, b) in slots {
            let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
            prop_assert!(keys.iter().all(|k| ["rev", "choices", "ratings"].contains(&k.as_str())), "{keys:?}");
            prop_assert!(!raters.iter().any(|m| slot.contains(m.as_str())));
        }
        let text = stored.to_string();
        for rater in &raters {
            prop_assert!(!text.contains(&phone(rater)), "no device");
        }
        prop_assert!(!text.contains(&(desk.now() / 1000).to_string()[..6]), "no time");
        desk.advance(&r, Stage::Closed).unwrap();
        prop_assert_eq!(appraisal::results(desk.state(), &desk.round(&r)).unwrap(), count);
    }
}
