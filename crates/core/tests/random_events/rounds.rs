//! Rounds (评选): rules, stages and codes, nominations, reviews, the roll
//! (named, by code, on paper), objections and their handling.

use super::{T0, ids, member_id};
use proptest::prelude::*;
use zhibu_core::event::Payload;
use zhibu_core::ids::{NominationId, ObjectionId, RoundId};
use zhibu_core::rounds::{Handling, Nomination, Objection, Review, RoundValue, Rules, Stage, StageChange, Voter};

pub fn round_id() -> impl Strategy<Value = RoundId> {
    (0..2u8).prop_map(|i| RoundId(format!("r{i}")))
}

/// A ballot code's hash (32 hex digits, as `ballot::code_hash` writes them).
fn code_hash() -> impl Strategy<Value = String> {
    (0..3u8).prop_map(|i| format!("{i:032x}"))
}

fn stage_change() -> impl Strategy<Value = StageChange> {
    (
        prop::sample::select(vec![Stage::Nomination, Stage::Review, Stage::Voting, Stage::Closed, Stage::Publicity]),
        prop::sample::select(vec![T0, T0 + 86_400]),
        prop::option::of(prop::sample::select(vec![ids(&[0, 1, 2]), ids(&[1, 3])])),
        prop::option::of(Just(ids(&[1, 2]))),
        prop::option::of(Just((3u32, "ab".repeat(16)))),
    )
        .prop_map(|(stage, at, entitled, candidates, sealed)| StageChange {
            stage,
            at,
            entitled,
            candidates,
            publicity_at: (stage == Stage::Publicity).then_some(at),
            sealed,
        })
}

fn round_value() -> impl Strategy<Value = RoundValue> {
    prop_oneof![
        (prop::sample::select(vec!["身边最美党员", "优秀党员"]), 1..3u32)
            .prop_map(|(title, honours)| RoundValue::Rules(Rules::new(title, 2026, honours))),
        stage_change().prop_map(RoundValue::Stage),
        prop::collection::vec(code_hash(), 0..3).prop_map(RoundValue::Codes),
    ]
}

pub fn round_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        3 => (round_id(), prop::collection::vec(round_value(), 1..3))
            .prop_map(|(round, changes)| Payload::RoundSaved { round, changes }),
        2 => (round_id(), 0..3u8, member_id(), member_id(), prop::sample::select(vec!["事迹", "带头攻坚"]))
            .prop_map(|(round, n, by, nominee, deeds)| Payload::Nominated {
                round,
                nomination: NominationId(format!("n{n}")),
                record: Nomination { nominee, by, deeds: deeds.into() },
            }),
        2 => (round_id(), member_id(), any::<bool>(), prop::sample::select(vec!["", "事迹不实"]))
            .prop_map(|(round, nominee, approved, reason)| Payload::Reviewed {
                round,
                nominee,
                review: Review { approved, reason: reason.into() },
            }),
        3 => (round_id(), prop_oneof![
                member_id().prop_map(Voter::Member),
                code_hash().prop_map(Voter::Code),
                member_id().prop_map(Voter::Paper),
            ])
            .prop_map(|(round, voter)| Payload::Voted { round, voter }),
        1 => (round_id(), 0..2u8, prop::option::of(member_id()), prop::sample::select(vec!["不实", "另有隐情"]))
            .prop_map(|(round, o, about, text)| Payload::ObjectionFiled {
                round,
                objection: ObjectionId(format!("o{o}")),
                record: Objection { about, text: text.into() },
            }),
        1 => (round_id(), 0..2u8, any::<bool>(), prop::sample::select(vec!["", "已核实"]))
            .prop_map(|(round, o, upheld, note)| Payload::ObjectionHandled {
                round,
                objection: ObjectionId(format!("o{o}")),
                handling: Handling { upheld, note: note.into() },
            }),
    ]
}
