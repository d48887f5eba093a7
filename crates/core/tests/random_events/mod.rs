//! Random events for the property tests (`merge.rs`, `history.rs`): the
//! roster and marks, the meeting side, 学时, rounds (`rounds.rs`), classes
//! and make-up study, each payload as the app makes it, and
//! [`valid_events`], sequences as devices make them.

#![allow(dead_code)]

mod appraisal;
mod rounds;

pub use appraisal::appraisal_payload;
pub use rounds::round_payload;

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp, Proof};
use zhibu_core::date::Date;
use zhibu_core::document;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{ClassId, DeviceId, EventId, MeetingId, MemberId, StudyId};
use zhibu_core::meetings::{Audience, MeetingKind, MeetingStatus, MeetingValue};
use zhibu_core::roster::{FieldValue, MemberFields, Role, Status};
use zhibu_core::rounds::Voter;
use zhibu_core::settings::Setting;
use zhibu_core::study::{SelfStudy, StudyDecision};
use zhibu_core::token::SecretKey;
use zhibu_core::training::ClassValue;
use zhibu_core::zone::Zone;

// ---------------------------------------------------------------------------
// The roster and attendance marks.

pub fn member_id() -> impl Strategy<Value = MemberId> {
    (0..4u8).prop_map(|i| MemberId(format!("m{i}")))
}

pub fn fields() -> impl Strategy<Value = MemberFields> {
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

pub fn change() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        prop::sample::select(vec!["王建国", "王建军"]).prop_map(|n| FieldValue::Name(n.into())),
        prop::sample::select(vec!["第一党小组", "第三党小组"]).prop_map(|g| FieldValue::Group(g.into())),
        any::<bool>().prop_map(FieldValue::Exempt),
        prop::sample::select(Role::ALL.to_vec()).prop_map(FieldValue::Role),
    ]
}

pub fn roster_payload() -> impl Strategy<Value = Payload> {
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

// ---------------------------------------------------------------------------
// Meetings: marks, self check-ins (right and wrong codes), leave, devices.

/// The meetings' start (a 30-second window boundary).
pub const T0: i64 = 1_764_000_000;
/// Check-in times around it: too early, open, on time, late, after the end.
pub const CHECK_OFFSETS: [i64; 7] = [-2400, -600, 0, 120, 400, 3000, 5000];

pub static BRANCH_KEY: LazyLock<SecretKey> = LazyLock::new(|| SecretKey::from_seed([7; 32]));

/// The right code for each meeting and check-in time, signed once.
pub static CODES: LazyLock<BTreeMap<(MeetingId, i64), String>> = LazyLock::new(|| {
    let mut codes = BTreeMap::new();
    for m in 0..2 {
        let meeting = MeetingId(format!("g{m}"));
        for offset in CHECK_OFFSETS {
            let code = BRANCH_KEY.token(&meeting, T0 + offset).code();
            codes.insert((meeting.clone(), T0 + offset), code);
        }
    }
    codes
});

pub fn ids(list: &[u8]) -> Vec<MemberId> {
    list.iter().map(|i| MemberId(format!("m{i}"))).collect()
}

pub fn meeting_id() -> impl Strategy<Value = MeetingId> {
    (0..2u8).prop_map(|i| MeetingId(format!("g{i}")))
}

pub fn meeting_value() -> impl Strategy<Value = MeetingValue> {
    prop_oneof![
        prop::sample::select(vec![
            MeetingKind::General,
            MeetingKind::Committee,
            MeetingKind::Group,
            MeetingKind::Study
        ])
        .prop_map(MeetingValue::Kind),
        prop::sample::select(vec![T0, T0 + 3600]).prop_map(MeetingValue::Start),
        prop::sample::select(vec![60u32, 120]).prop_map(MeetingValue::Minutes),
        prop::sample::select(vec!["学习党章", "换届选举"]).prop_map(|t| MeetingValue::Topic(t.into())),
        prop::sample::select(vec!["", "会议纪要"]).prop_map(|t| MeetingValue::Record(t.into())),
        prop::sample::select(vec![
            Audience::Branch,
            Audience::Committee,
            Audience::Group("第一党小组".into()),
            Audience::List(ids(&[0, 2])),
        ])
        .prop_map(MeetingValue::Audience),
        prop::sample::select(vec![
            MeetingStatus::Planned,
            MeetingStatus::Held { expected: ids(&[0, 1]) },
            MeetingStatus::Held { expected: ids(&[1, 2, 3]) },
            MeetingStatus::Cancelled { reason: "下雨".into() },
        ])
        .prop_map(MeetingValue::Status),
    ]
}

pub fn meeting_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        2 => (meeting_id(), prop::collection::vec(meeting_value(), 0..3))
            .prop_map(|(meeting, changes)| Payload::MeetingSaved { meeting, changes }),
        3 => (meeting_id(), member_id(), prop::sample::select(CHECK_OFFSETS.to_vec()), 0..3u8, any::<bool>())
            .prop_map(|(meeting, member, offset, phone, right)| {
                let at = T0 + offset;
                let code = if right { CODES[&(meeting.clone(), at)].clone() } else { "000000".into() };
                let check = CheckIn { at, device: format!("phone{phone}"), proof: Proof::Code(code) };
                Payload::CheckedIn { meeting, member, check }
            }),
        2 => (meeting_id(), member_id(), prop::sample::select(vec!["出差", "生病"]), any::<bool>())
            .prop_map(|(meeting, member, reason, withdrawn)| Payload::LeaveRequested {
                meeting,
                member,
                request: LeaveRequest { reason: reason.into(), withdrawn },
            }),
        2 => (meeting_id(), member_id(), any::<bool>(), prop::sample::select(vec!["", "同意"]))
            .prop_map(|(meeting, member, approved, note)| Payload::LeaveDecided {
                meeting,
                member,
                decision: LeaveDecision { approved, note: note.into() },
            }),
        3 => roster_payload(),
        1 => (0..3u8, member_id())
            .prop_map(|(phone, member)| Payload::DeviceConfirmed { device: format!("phone{phone}"), member }),
        1 => prop::sample::select(vec![Setting::LateGrace(0), Setting::LateGrace(15), Setting::CheckInOpens(10)])
            .prop_map(|s| Payload::SettingsChanged { changes: vec![s] }),
    ]
}

// ---------------------------------------------------------------------------
// 学时: training sessions, self-study and its answers, the counting settings.

/// A wall-clock time in Beijing.
pub fn cst(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

pub fn session_id() -> impl Strategy<Value = MeetingId> {
    (0..3u8).prop_map(|i| MeetingId(format!("t{i}")))
}

pub fn study_id() -> impl Strategy<Value = StudyId> {
    (0..3u8).prop_map(|i| StudyId(format!("s{i}")))
}

pub fn session_value() -> impl Strategy<Value = MeetingValue> {
    prop_oneof![
        prop::sample::select(vec![MeetingKind::Training, MeetingKind::Lecture, MeetingKind::General])
            .prop_map(MeetingValue::Kind),
        // Mid-year, and either side of New Year in Beijing (one UTC day).
        prop::sample::select(vec![cst("2026-06-15", 9, 0), cst("2026-12-31", 23, 0), cst("2027-01-01", 0, 30)])
            .prop_map(MeetingValue::Start),
        prop::sample::select(vec![45u32, 90, 200, 400]).prop_map(MeetingValue::Minutes),
        prop::sample::select(vec![None, Some(0u32), Some(15), Some(240)]).prop_map(MeetingValue::Credit),
        (0..2u8).prop_map(|i| MeetingValue::Class(ClassId(format!("c{i}")))),
        prop::sample::select(vec![
            MeetingStatus::Planned,
            MeetingStatus::Held { expected: ids(&[0, 1, 2]) },
            MeetingStatus::Cancelled { reason: "下雨".into() },
        ])
        .prop_map(MeetingValue::Status),
        prop::sample::select(vec![Audience::Branch, Audience::Committee, Audience::List(ids(&[1, 3]))])
            .prop_map(MeetingValue::Audience),
    ]
}

pub fn hours_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        2 => (session_id(), prop::collection::vec(session_value(), 1..4))
            .prop_map(|(meeting, changes)| Payload::MeetingSaved { meeting, changes }),
        4 => (session_id(), member_id(), 0..5u64).prop_map(|(meeting, member, status)| Payload::AttendanceMarked {
            meeting,
            member,
            mark: Attendance { status: AttendanceStatus::from_code(status).unwrap(), at: None, by_self: false },
        }),
        3 => (
            study_id(),
            member_id(),
            prop::sample::select(vec!["2026-06-15", "2026-12-31", "2027-01-01"]),
            prop::sample::select(vec![5u32, 15, 240]),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(study, member, date, tenths, withdrawn)| Payload::SelfStudyRecorded {
                study,
                record: SelfStudy {
                    member,
                    date: Date::parse(date).unwrap(),
                    material: "学习党章".into(),
                    tenths,
                    note: String::new(),
                    withdrawn,
                },
            }),
        // `by` is often the record's own member: a forged answer.
        3 => (study_id(), member_id(), any::<bool>()).prop_map(|(study, by, confirmed)| Payload::SelfStudyDecided {
            study,
            decision: StudyDecision { confirmed, by, note: String::new() },
        }),
        1 => prop::sample::select(vec![
            Setting::CountsHours(MeetingKind::General, true),
            Setting::CountsHours(MeetingKind::General, false),
            Setting::CountsHours(MeetingKind::Lecture, false),
            Setting::CountsHours(MeetingKind::Training, false),
            Setting::SelfStudyConfirm(false),
            Setting::SelfStudyConfirm(true),
            Setting::Zone(Zone(0)),
            Setting::Zone(Zone::CST),
            Setting::FullDayHours(6),
        ])
        .prop_map(|s| Payload::SettingsChanged { changes: vec![s] }),
        1 => roster_payload(),
    ]
}

// ---------------------------------------------------------------------------
// Classes and make-up study.

fn class_value() -> impl Strategy<Value = ClassValue> {
    let day = |d: &str| Date::parse(d).unwrap();
    prop_oneof![
        prop::sample::select(vec!["党史学习", "业务培训"]).prop_map(|t| ClassValue::Title(t.into())),
        prop::sample::select(vec!["", "党校"]).prop_map(|t| ClassValue::Organizer(t.into())),
        prop::sample::select(vec![Audience::Branch, Audience::List(ids(&[0, 3]))]).prop_map(ClassValue::Audience),
        prop::sample::select(vec!["", "三天"]).prop_map(|t| ClassValue::Description(t.into())),
        Just(ClassValue::Dates(day("2026-06-01"), day("2026-06-03"))),
        prop::sample::select(vec![None, Some(80u32)]).prop_map(ClassValue::Completion),
    ]
}

pub fn class_and_make_up_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        ((0..2u8), prop::collection::vec(class_value(), 1..3))
            .prop_map(|(c, changes)| Payload::ClassSaved { class: ClassId(format!("c{c}")), changes }),
        (meeting_id(), member_id(), prop::sample::select(vec!["补学党章", "补看录像"])).prop_map(
            |(meeting, member, what)| Payload::MadeUp {
                meeting,
                member,
                make_up: MakeUp {
                    date: Date::parse("2026-06-20").unwrap(),
                    what: what.into(),
                    confirmed_by: "李书记".into()
                },
            }
        ),
    ]
}

/// Any payload the app records.
pub fn any_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        roster_payload(),
        meeting_payload(),
        hours_payload(),
        round_payload(),
        class_and_make_up_payload(),
        appraisal_payload(),
    ]
}

/// Who makes an event when the payload says: the member for their own
/// acts, the confirmer for an answer, the nominator for a nomination.
pub fn own_actor(payload: &Payload) -> Option<MemberId> {
    match payload {
        Payload::CheckedIn { member, .. } | Payload::LeaveRequested { member, .. } => Some(member.clone()),
        Payload::SelfStudyRecorded { record, .. } => Some(record.member.clone()),
        Payload::SelfStudyDecided { decision, .. } => Some(decision.by.clone()),
        Payload::Nominated { record, .. } => Some(record.by.clone()),
        Payload::SelfAssessed { member, assessment, .. } if !assessment.on_paper => Some(member.clone()),
        Payload::Commented { by, .. } => Some(by.clone()),
        Payload::Voted { voter: Voter::Member(member), .. } => Some(member.clone()),
        _ => None,
    }
}

/// Events as devices make them: a writer uses each clock once (the next
/// free one if the draw repeats), clocks still meet across writers
/// (concurrent edits); a member's own acts carry that member as actor,
/// other acts the organizer's device (none) or a keeper; each at its own
/// wall time; and only what `document::check_event` accepts (what a push
/// or a backup could bring).
pub fn valid_events(payload: impl Strategy<Value = Payload>, most: usize) -> impl Strategy<Value = Vec<Event>> {
    let clock = prop_oneof![4 => 1..8u64, 1 => (1u64 << 52) - 2..(1u64 << 52) + 2];
    prop::collection::vec((clock, 0..3u8, prop::option::of(member_id()), payload), 0..most).prop_map(|raw| {
        let mut used = BTreeSet::new();
        raw.into_iter()
            .enumerate()
            .filter_map(|(i, (clock, writer, keeper, payload))| {
                let clock = (clock..).find(|c| used.insert((writer, *c))).expect("a free clock");
                let event = Event {
                    id: EventId(format!("e{i:03}")),
                    device: DeviceId(format!("d{writer}")),
                    clock,
                    actor: own_actor(&payload).or(keeper),
                    at: T0 * 1000 + i as i64,
                    payload,
                };
                document::check_event(i, &event).is_ok().then_some(event)
            })
            .collect()
    })
}
