//! Property tests: the fold is order-free and duplicate-proof, merging two
//! writers' events gives one state, and snapshots stand in for events.

use proptest::prelude::*;
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId};
use zhibu_core::records::Records;
use zhibu_core::roster::{FieldValue, MemberFields, Role, Status};
use zhibu_core::snapshot;
use zhibu_core::state::State;

const CASES: u32 = 10_000;

fn member_id() -> impl Strategy<Value = MemberId> {
    (0..4u8).prop_map(|i| MemberId(format!("m{i}")))
}

fn fields() -> impl Strategy<Value = MemberFields> {
    (
        prop::sample::select(vec!["王建国", "李秀英", "张伟"]),
        prop::sample::select(vec!["", "第一党小组", "第二党小组"]),
        any::<bool>(),
        prop::sample::select(Role::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(name, group, full, role, exempt)| MemberFields {
            name: name.into(),
            group: group.into(),
            status: if full { Status::Full } else { Status::Probationary },
            role,
            joined: None,
            phone: None,
            exempt,
        })
}

fn change() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        prop::sample::select(vec!["王建国", "王建军"]).prop_map(|n| FieldValue::Name(n.into())),
        prop::sample::select(vec!["第一党小组", "第三党小组"]).prop_map(|g| FieldValue::Group(g.into())),
        any::<bool>().prop_map(FieldValue::Exempt),
        prop::sample::select(Role::ALL.to_vec()).prop_map(FieldValue::Role),
    ]
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        (member_id(), fields()).prop_map(|(member, fields)| Payload::MemberAdded { member, fields }),
        (member_id(), prop::collection::vec(change(), 1..3))
            .prop_map(|(member, changes)| Payload::MemberEdited { member, changes }),
        member_id().prop_map(|member| Payload::MemberArchived { member }),
        member_id().prop_map(|member| Payload::MemberRestored { member }),
        prop::collection::vec((member_id(), fields()), 1..3).prop_map(|ms| Payload::MembersImported {
            members: ms.into_iter().map(|(id, fields)| ImportedMember { id, fields }).collect()
        }),
        (
            0..2u8,
            member_id(),
            0..5u64,
            prop::option::of(prop_oneof![-3..3i64, Just(-(1i64 << 40) / 60), Just((1i64 << 40) / 60)]),
            any::<bool>()
        )
            .prop_map(|(meeting, member, status, at, by_self)| Payload::AttendanceMarked {
                meeting: MeetingId(format!("g{meeting}")),
                member,
                mark: Attendance {
                    status: AttendanceStatus::from_code(status).unwrap(),
                    at: at.map(|m| (1_764_000_000 + m * 60).clamp(-(1 << 40), 1 << 40)),
                    by_self,
                },
            }),
    ]
}

/// Events with unique ids; clocks and writers collide on purpose.
fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((prop_oneof![1..8u64, (1u64 << 53) - 8..=(1u64 << 53)], 0..3u8, payload()), 0..16).prop_map(
        |raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (clock, dev, payload))| Event {
                    id: EventId(format!("e{i:03}")),
                    device: DeviceId(format!("d{dev}")),
                    clock,
                    actor: None,
                    at: 0,
                    payload,
                })
                .collect()
        },
    )
}

/// The events shuffled, with some repeated.
fn shuffled_with_duplicates() -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    events().prop_flat_map(|events| {
        let n = events.len();
        let repeats = prop::collection::vec(0..n.max(1), 0..=n);
        (Just(events), repeats).prop_flat_map(|(events, repeats)| {
            let mut mixed = events.clone();
            if !events.is_empty() {
                mixed.extend(repeats.iter().map(|&i| events[i].clone()));
            }
            (Just(events), Just(mixed).prop_shuffle())
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_order_with_duplicates_folds_to_the_same_state((events, mixed) in shuffled_with_duplicates()) {
        prop_assert_eq!(State::fold(&events), State::fold(&mixed));
    }

    #[test]
    fn two_writers_merging_each_other_agree(events in events(), split in any::<u64>()) {
        // Each event goes to writer A or B; then each merges the other's.
        let (mut a, mut b) = (Records::default(), Records::default());
        let (to_a, to_b): (Vec<_>, Vec<_>) =
            events.iter().enumerate().partition(|(i, _)| split >> (i % 64) & 1 == 1);
        a.merge_events(to_a.iter().map(|(_, e)| *e));
        b.merge_events(to_b.iter().map(|(_, e)| *e));
        let a_events: Vec<Event> = a.pending().cloned().collect();
        let b_events: Vec<Event> = b.pending().cloned().collect();
        a.merge_events(&b_events);
        b.merge_events(&a_events);
        b.merge_events(&a_events);
        prop_assert_eq!(a.state(), b.state());
        prop_assert_eq!(a.state(), &State::fold(&events));
    }

    #[test]
    fn a_snapshot_stands_in_for_its_events(events in events(), cut in 0usize..16) {
        // Writer A compacts part way; B keeps every event; they join.
        let cut = cut.min(events.len());
        let mut a = Records::default();
        a.merge_events(&events[..cut]);
        a.compact();
        a.merge_events(&events[cut..]);
        let mut b = Records::default();
        b.merge_events(&events);
        b.merge_snapshot(a.snapshot());
        prop_assert_eq!(a.state(), &State::fold(&events));
        prop_assert_eq!(b.state(), &State::fold(&events));
        // Covered events are exactly those folded into the snapshot.
        let mut c = Records::default();
        c.merge_events(&events);
        c.drop_covered(a.snapshot());
        prop_assert!(c.pending().all(|e| !a.snapshot().covers(e)));
        prop_assert_eq!(c.state(), &State::fold(&events));
    }

    #[test]
    fn snapshot_encoding_round_trips(events in events()) {
        let state = State::fold(&events);
        let text = snapshot::to_value(&state).to_string();
        let back = snapshot::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        prop_assert_eq!(back, state);
    }
}

#[test]
fn concurrent_edits_pick_the_higher_device_and_keep_the_loser() {
    let edit = |device: &str, name: &str| Event {
        id: EventId(format!("{device}-{name}")),
        device: DeviceId(device.into()),
        clock: 2,
        actor: None,
        at: 0,
        payload: Payload::MemberEdited { member: MemberId("m".into()), changes: vec![FieldValue::Name(name.into())] },
    };
    let (a, b) = (edit("phone", "王建军"), edit("laptop", "王建国"));
    for order in [[a.clone(), b.clone()], [b, a]] {
        let state = State::fold(&order);
        let record = &state.members[&MemberId("m".into())];
        assert_eq!(record.fields().unwrap().name, "王建军", "\"phone\" > \"laptop\"");
        let history = record.history();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].1, FieldValue::Name("王建国".into()));
    }
}
