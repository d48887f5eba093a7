//! Property tests: the fold is order-free and duplicate-proof, merging two
//! writers' events gives one state, and snapshots stand in for events.

mod random_events;

use proptest::prelude::*;
use random_events::{BRANCH_KEY, T0, cst, hours_payload, meeting_payload, own_actor, roster_payload};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, Payload};
use zhibu_core::hours::{self, YearHours};
use zhibu_core::ids::{ClassId, DeviceId, EventId, MeetingId, MemberId, StudyId};
use zhibu_core::meetings::{Audience, MeetingKind, MeetingValue};
use zhibu_core::records::Records;
use zhibu_core::roster::{FieldValue, MemberFields, Role, Status};
use zhibu_core::settings::Setting;
use zhibu_core::sheet::{self, Sheet};
use zhibu_core::snapshot;
use zhibu_core::state::State;
use zhibu_core::study::{self, SelfStudy};
use zhibu_core::training::ClassValue;

const CASES: u32 = 10_000;

/// Events with unique ids; clocks and writers collide on purpose.
fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((prop_oneof![1..8u64, (1u64 << 53) - 8..=(1u64 << 53)], 0..3u8, roster_payload()), 0..16)
        .prop_map(|raw| {
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
        })
}

/// The events shuffled, with some repeated.
fn shuffled_with_duplicates() -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    shuffled_with_duplicates_of(events())
}

/// Some events, and the same shuffled with some repeated.
fn shuffled_with_duplicates_of(
    events: impl Strategy<Value = Vec<Event>>,
) -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    events.prop_flat_map(|events| {
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
        let text = snapshot::to_json(&state);
        let back = snapshot::from_json(&text).unwrap();
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

// ---------------------------------------------------------------------------
// Meetings: marks, self check-ins, leave and meeting edits from three devices
// give the same attendance sheets however they meet.

/// Fewer cases than the roster properties: every sheet on the organizer's
/// device signs to check typed codes, and the signing crate is not optimised
/// in the dev profile.
const MEETING_CASES: u32 = 1_000;

/// The branch every case starts from: four members, two meetings, the key.
fn base_events() -> Vec<Event> {
    let member = |i: u8, status: Status, role: Role, group: &str| Payload::MemberAdded {
        member: MemberId(format!("m{i}")),
        fields: MemberFields {
            name: format!("党员{i}"),
            group: group.into(),
            status,
            role,
            joined: None,
            phone: None,
            exempt: false,
        },
    };
    let meeting = |i: u8, kind: MeetingKind| Payload::MeetingSaved {
        meeting: MeetingId(format!("g{i}")),
        changes: vec![MeetingValue::Kind(kind), MeetingValue::Start(T0), MeetingValue::Audience(Audience::Branch)],
    };
    [
        Payload::SettingsChanged { changes: vec![Setting::OrganizerKey(BRANCH_KEY.public().to_text())] },
        member(0, Status::Full, Role::Secretary, "第一党小组"),
        member(1, Status::Probationary, Role::Member, "第一党小组"),
        member(2, Status::Full, Role::OrganizationCommissioner, "第二党小组"),
        member(3, Status::Full, Role::Member, ""),
        meeting(0, MeetingKind::General),
        meeting(1, MeetingKind::Committee),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, payload)| Event {
        id: EventId(format!("b{i}")),
        device: DeviceId("d0".into()),
        clock: 1,
        actor: None,
        at: 0,
        payload,
    })
    .collect()
}

/// The base branch and then events from three devices; a member's own acts
/// carry them as actor.
fn meeting_events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((prop_oneof![1..8u64, (1u64 << 53) - 8..=(1u64 << 53)], 0..3u8, meeting_payload()), 0..24)
        .prop_map(|raw| {
            let mut events = base_events();
            events.extend(raw.into_iter().enumerate().map(|(i, (clock, dev, payload))| Event {
                id: EventId(format!("e{i:03}")),
                device: DeviceId(format!("d{dev}")),
                clock,
                actor: own_actor(&payload),
                at: 0,
                payload,
            }));
            events
        })
}

/// Every meeting's sheet as a member's phone and the organizer's device see
/// it, checking that each row is counted once.
fn sheets(state: &State) -> Vec<(MeetingId, Sheet, Sheet)> {
    let settings = state.settings();
    state
        .meetings()
        .into_iter()
        .map(|meeting| {
            let phone = sheet::sheet(state, &meeting, &settings, None);
            let desk = sheet::sheet(state, &meeting, &settings, Some(&BRANCH_KEY));
            for s in [&phone, &desk] {
                let c = s.counts;
                assert_eq!(c.present + c.leave + c.absent + c.unverified + c.waiting, c.expected, "{c:?}");
                assert_eq!(s.rows.len(), c.expected);
                assert!(c.late + c.left_early <= c.present, "{c:?}");
            }
            assert_eq!(desk.counts.unverified, 0);
            (meeting.id, phone, desk)
        })
        .collect()
}

fn through_storage(state: &State) -> State {
    snapshot::from_json(&snapshot::to_json(state)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(MEETING_CASES))]

    #[test]
    fn meeting_events_in_any_order_with_duplicates_give_the_same_sheets(
        (events, mixed) in shuffled_with_duplicates_of(meeting_events())
    ) {
        let (one, other) = (State::fold(&events), State::fold(&mixed));
        prop_assert_eq!(&one, &other);
        prop_assert_eq!(sheets(&one), sheets(&other));
    }

    #[test]
    fn three_devices_merging_snapshots_give_the_same_sheets(
        events in meeting_events(),
        // Which devices each event reached (a non-empty subset of three).
        reach in prop::collection::vec(1..8u8, 32),
    ) {
        let mut devices = [Records::default(), Records::default(), Records::default()];
        for (i, event) in events.iter().enumerate() {
            for (d, device) in devices.iter_mut().enumerate() {
                if reach[i % reach.len()] >> d & 1 == 1 {
                    device.merge_events([event]);
                }
            }
        }
        let all = State::fold(&events);
        let expected = sheets(&all);
        let states: Vec<State> = devices.iter().map(|d| d.state().clone()).collect();
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let mut joined = State::default();
            for i in order {
                joined.join(&states[i]);
            }
            prop_assert_eq!(&joined, &all);
        }
        // Exchanging their logs, as the sync server relays events, agrees too.
        let logs: Vec<Vec<Event>> = devices.iter().map(|d| d.pending().cloned().collect()).collect();
        let mut relayed = devices[1].clone();
        relayed.merge_events(&logs[2]);
        relayed.merge_events(&logs[0]);
        prop_assert_eq!(relayed.state(), &all);
        // Through the stored form, joined on a device that compacted its own.
        let stored: Vec<State> = states.iter().map(through_storage).collect();
        prop_assert_eq!(&stored, &states);
        let mut desk = devices[0].clone();
        desk.compact();
        desk.merge_snapshot(&stored[2]);
        desk.merge_snapshot(&stored[1]);
        prop_assert_eq!(desk.state(), &all);
        prop_assert_eq!(&through_storage(desk.snapshot()), &all);
        prop_assert_eq!(sheets(desk.state()), expected);
    }
}

#[test]
fn an_empty_meeting_edit_changes_nothing_and_is_not_lost() {
    // An edit with no fields, older than what the writer has seen: it must
    // neither change the state nor be needed by anyone else.
    let later = Event {
        id: EventId("e1".into()),
        device: DeviceId("d0".into()),
        clock: 5,
        actor: None,
        at: 0,
        payload: Payload::MemberArchived { member: MemberId("m0".into()) },
    };
    let empty = Event {
        id: EventId("e2".into()),
        device: DeviceId("d1".into()),
        clock: 1,
        actor: None,
        at: 0,
        payload: Payload::MeetingSaved { meeting: MeetingId("g9".into()), changes: vec![] },
    };
    let mut a = Records::default();
    let report = a.merge_events([&later, &empty]);
    assert_eq!((report.added, report.known), (1, 1));
    let mut b = Records::default();
    b.merge_events(a.pending());
    assert_eq!(a.state(), b.state());
    assert!(a.state().ext.meetings.is_empty());
}

// ---------------------------------------------------------------------------
// 学时: training sessions, marks, self-study and its answers (some by the
// member themself) and the settings that count them give the same hours
// however the events meet.

const HOURS_CASES: u32 = 1_000;

/// Four members, two classes, three sessions, one self-study record.
fn hours_base_events() -> Vec<Event> {
    let member = |i: u8, role: Role, exempt: bool| Payload::MemberAdded {
        member: MemberId(format!("m{i}")),
        fields: MemberFields {
            name: format!("党员{i}"),
            group: "第一党小组".into(),
            status: Status::Full,
            role,
            joined: None,
            phone: None,
            exempt,
        },
    };
    let class = |i: u8, audience: Audience, from: &str, to: &str| Payload::ClassSaved {
        class: ClassId(format!("c{i}")),
        changes: vec![
            ClassValue::Title(format!("培训班{i}")),
            ClassValue::Audience(audience),
            ClassValue::Dates(Date::parse(from).unwrap(), Date::parse(to).unwrap()),
        ],
    };
    let session = |i: u8, kind: MeetingKind, start: i64, class: Option<u8>| Payload::MeetingSaved {
        meeting: MeetingId(format!("t{i}")),
        changes: [MeetingValue::Kind(kind), MeetingValue::Start(start), MeetingValue::Minutes(90)]
            .into_iter()
            .chain(class.map(|c| MeetingValue::Class(ClassId(format!("c{c}")))))
            .collect(),
    };
    let studied = SelfStudy {
        member: MemberId("m1".into()),
        date: Date::parse("2026-12-31").unwrap(),
        material: "学习党章".into(),
        tenths: 15,
        note: String::new(),
        withdrawn: false,
    };
    [
        member(0, Role::Secretary, false),
        member(1, Role::Member, false),
        member(2, Role::OrganizationCommissioner, false),
        member(3, Role::Member, true),
        class(0, Audience::Committee, "2026-06-01", "2026-12-31"),
        class(1, Audience::Branch, "2027-01-01", "2027-01-31"),
        session(0, MeetingKind::Training, cst("2026-12-31", 23, 0), Some(0)),
        session(1, MeetingKind::Training, cst("2027-01-01", 0, 30), Some(1)),
        session(2, MeetingKind::Lecture, cst("2026-06-15", 9, 0), None),
        Payload::SelfStudyRecorded { study: StudyId("s0".into()), record: studied },
    ]
    .into_iter()
    .enumerate()
    .map(|(i, payload)| Event {
        id: EventId(format!("b{i}")),
        device: DeviceId("d0".into()),
        clock: 1,
        actor: own_actor(&payload),
        at: 0,
        payload,
    })
    .collect()
}

fn hours_events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((prop_oneof![1..8u64, (1u64 << 53) - 8..=(1u64 << 53)], 0..3u8, hours_payload()), 0..24)
        .prop_map(|raw| {
            let mut events = hours_base_events();
            events.extend(raw.into_iter().enumerate().map(|(i, (clock, dev, payload))| Event {
                id: EventId(format!("e{i:03}")),
                device: DeviceId(format!("d{dev}")),
                clock,
                actor: own_actor(&payload),
                at: 0,
                payload,
            }));
            events
        })
}

/// Per year: each member's (training, meetings, self-study, pending), the
/// months, and the whole of what `hours::year` says.
type Hours = Vec<(i32, Vec<(MemberId, [u32; 4])>, [u32; 12], YearHours)>;

fn year_hours(state: &State) -> Hours {
    let settings = state.settings();
    // Whatever the order, no record counts on its own member's answer.
    for entry in study::entries(state, &settings) {
        assert!(entry.decision.is_none_or(|d| d.by != entry.study.member), "{:?}", entry.id);
    }
    [2026, 2027]
        .into_iter()
        .map(|year| {
            let hours = hours::year(state, year, &settings, None);
            let lines = hours
                .lines
                .iter()
                .map(|l| (l.member.id.clone(), [l.training, l.meetings, l.self_study, l.pending]))
                .collect();
            (year, lines, hours.months, hours)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(HOURS_CASES))]

    #[test]
    fn hours_are_the_same_in_any_order_with_duplicates_and_across_joined_states(
        (events, mixed) in shuffled_with_duplicates_of(hours_events()),
        // Which of two states each event reached: one, the other or both.
        reach in prop::collection::vec(1..4u8, 48),
    ) {
        let all = State::fold(&events);
        let expected = year_hours(&all);
        prop_assert_eq!(&year_hours(&State::fold(&mixed)), &expected);
        let (mut a, mut b) = (State::default(), State::default());
        for (i, event) in mixed.iter().enumerate() {
            let r = reach[i % reach.len()];
            if r & 1 == 1 {
                a.apply(event);
            }
            if r & 2 == 2 {
                b.apply(event);
            }
        }
        let mut ab = a.clone();
        ab.join(&b);
        let mut ba = b.clone();
        ba.join(&a);
        ba.join(&a);
        prop_assert_eq!(&ab, &all);
        prop_assert_eq!(&year_hours(&ab), &expected);
        prop_assert_eq!(&year_hours(&ba), &expected);
        // Through the stored form, too.
        prop_assert_eq!(&year_hours(&through_storage(&ba)), &expected);
    }
}
