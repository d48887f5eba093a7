//! What each device receives of the branch's events (issue 22, item 7):
//! record keepers everything; a member's phone the branch's public records
//! and its own, another member's objection without who filed it. Every
//! payload kind has a sample and an expected answer here.

use zhibu_core::appraisal::{Comment, Decision, Rating, SelfAssessment};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp, Proof};
use zhibu_core::date::Date;
use zhibu_core::document;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{ClassId, DeviceId, EventId, MeetingId, MemberId, NominationId, ObjectionId, RoundId, StudyId};
use zhibu_core::meetings::MeetingValue;
use zhibu_core::roster::{FieldValue, MemberDraft};
use zhibu_core::rounds::{Handling, Nomination, Objection, Review, RoundValue, Stage, StageChange, Voter};
use zhibu_core::settings::Setting;
use zhibu_core::state::State;
use zhibu_core::study::{SelfStudy, StudyDecision};
use zhibu_core::sync::{self, Principal, Role};
use zhibu_core::training::ClassValue;
use zhibu_core::visibility::{self, Visibility};

const STUDY: &str = "study-1";

fn m(id: &str) -> MemberId {
    MemberId::from(id)
}

fn phone(member: &str) -> Principal {
    Principal { role: Role::Member, member: Some(m(member)) }
}

fn keepers() -> [Principal; 2] {
    [Principal { role: Role::Organizer, member: None }, Principal { role: Role::Committee, member: Some(m("k")) }]
}

/// The study `STUDY` is `owner`'s; others are unknown.
fn owned_by(owner: &str) -> impl Fn(&StudyId) -> Option<MemberId> + '_ {
    move |s: &StudyId| (s.as_str() == STUDY).then(|| m(owner))
}

/// An event by `subject`'s phone (`actor` the subject where the act is
/// theirs) or the organizer's laptop.
fn event(actor: Option<&str>, payload: Payload) -> Event {
    let device = match actor {
        Some(a) => format!("phone-of-{a}"),
        None => "laptop".into(),
    };
    Event {
        id: EventId::from("01EVENT"),
        device: DeviceId(device),
        clock: 7,
        actor: actor.map(m),
        at: 1_700_000_000_000,
        payload,
    }
}

/// One sample of every payload kind, about (or by) `subject`.
fn samples(subject: &str) -> Vec<Event> {
    let who = m(subject);
    let meeting = MeetingId::from("meeting");
    let round = RoundId::from("round");
    let date = Date::from_ymd(2025, 3, 1).unwrap();
    let fields = MemberDraft { name: "张三".into(), ..Default::default() }.validate().unwrap();
    let mark = Attendance { status: AttendanceStatus::Absent, at: None, by_self: false };
    let check = CheckIn { at: 1_700_000_000, device: format!("stable-{subject}"), proof: Proof::Code("123456".into()) };
    let by_subject = Some(subject);
    vec![
        event(None, Payload::MemberAdded { member: who.clone(), fields: fields.clone() }),
        event(
            None,
            Payload::MemberEdited { member: who.clone(), changes: vec![FieldValue::Group("第二党小组".into())] },
        ),
        event(None, Payload::MemberArchived { member: who.clone() }),
        event(None, Payload::MemberRestored { member: who.clone() }),
        event(None, Payload::MembersImported { members: vec![ImportedMember { id: who.clone(), fields }] }),
        event(None, Payload::AttendanceMarked { meeting: meeting.clone(), member: who.clone(), mark }),
        event(None, Payload::SettingsChanged { changes: vec![Setting::LateGrace(10)] }),
        event(
            None,
            Payload::MeetingSaved { meeting: meeting.clone(), changes: vec![MeetingValue::Topic("学习".into())] },
        ),
        event(by_subject, Payload::CheckedIn { meeting: meeting.clone(), member: who.clone(), check }),
        event(
            by_subject,
            Payload::LeaveRequested {
                meeting: meeting.clone(),
                member: who.clone(),
                request: LeaveRequest { reason: "住院复查".into(), withdrawn: false },
            },
        ),
        event(
            None,
            Payload::LeaveDecided {
                meeting: meeting.clone(),
                member: who.clone(),
                decision: LeaveDecision { approved: true, note: "注意休息".into() },
            },
        ),
        event(
            None,
            Payload::MadeUp {
                meeting: meeting.clone(),
                member: who.clone(),
                make_up: MakeUp { date, what: "补学".into(), confirmed_by: "书记".into() },
            },
        ),
        event(None, Payload::DeviceConfirmed { device: format!("stable-{subject}"), member: who.clone() }),
        event(
            None,
            Payload::ClassSaved { class: ClassId::from("class"), changes: vec![ClassValue::Title("培训班".into())] },
        ),
        event(
            by_subject,
            Payload::SelfStudyRecorded {
                study: StudyId::from(STUDY),
                record: SelfStudy {
                    member: who.clone(),
                    date,
                    material: "党章".into(),
                    tenths: 20,
                    note: String::new(),
                    withdrawn: false,
                },
            },
        ),
        event(
            Some("k"),
            Payload::SelfStudyDecided {
                study: StudyId::from(STUDY),
                decision: StudyDecision { confirmed: false, by: m("k"), note: "材料不符".into() },
            },
        ),
        event(
            None,
            Payload::RoundSaved {
                round: round.clone(),
                changes: vec![RoundValue::Stage(StageChange {
                    stage: Stage::Publicity,
                    at: 1_700_000_000,
                    entitled: None,
                    candidates: None,
                    publicity_at: Some(1_700_000_000),
                    sealed: None,
                })],
            },
        ),
        event(
            by_subject,
            Payload::Nominated {
                round: round.clone(),
                nomination: NominationId::from("nomination"),
                record: Nomination { nominee: m("n"), by: who.clone(), deeds: "乐于助人".into() },
            },
        ),
        event(
            None,
            Payload::Reviewed {
                round: round.clone(),
                nominee: who.clone(),
                review: Review { approved: true, reason: String::new() },
            },
        ),
        event(by_subject, Payload::Voted { round: round.clone(), voter: Voter::Member(who.clone()) }),
        event(
            by_subject,
            Payload::ObjectionFiled {
                round: round.clone(),
                objection: ObjectionId::from("objection"),
                record: Objection { about: Some(m("n")), text: "提名材料不实".into() },
            },
        ),
        event(
            None,
            Payload::ObjectionHandled {
                round: round.clone(),
                objection: ObjectionId::from("objection"),
                handling: Handling { upheld: false, note: "异议不成立".into() },
            },
        ),
        event(
            Some(subject),
            Payload::SelfAssessed {
                round: round.clone(),
                member: who.clone(),
                assessment: SelfAssessment { text: "按时参加组织生活".into(), on_paper: false },
            },
        ),
        event(
            Some(subject),
            Payload::Commented {
                round: round.clone(),
                by: who.clone(),
                about: m("n"),
                comment: Comment { text: "工作积极".into() },
            },
        ),
        event(
            None,
            Payload::AppraisalDecided {
                round,
                member: who.clone(),
                decision: Decision { grade: Rating::Competent, reason: String::new(), follow_up: String::new() },
            },
        ),
    ]
}

/// What another member's phone receives of an event about (or by) a
/// member: the rule, restated kind by kind. No wildcard: a new payload
/// kind does not compile here until someone decides.
fn for_another_member(payload: &Payload) -> Visibility {
    use Visibility::*;
    match payload {
        // The roster as the branch shares it (phones stay home unless shared).
        Payload::MemberAdded { .. }
        | Payload::MemberEdited { .. }
        | Payload::MemberArchived { .. }
        | Payload::MemberRestored { .. }
        | Payload::MembersImported { .. } => Whole,
        Payload::SettingsChanged { .. } | Payload::MeetingSaved { .. } | Payload::ClassSaved { .. } => Whole,
        // A member's own records.
        Payload::AttendanceMarked { .. }
        | Payload::CheckedIn { .. }
        | Payload::LeaveRequested { .. }
        | Payload::LeaveDecided { .. }
        | Payload::MadeUp { .. }
        | Payload::DeviceConfirmed { .. }
        | Payload::SelfStudyRecorded { .. }
        | Payload::SelfStudyDecided { .. } => Withheld,
        // Rounds are the branch's: nominations, reviews, the roll (who
        // voted, never what: ballots are not events).
        Payload::RoundSaved { .. } | Payload::Nominated { .. } | Payload::Reviewed { .. } | Payload::Voted { .. } => {
            Whole
        }
        // 公示 is public, the objector is not.
        Payload::ObjectionFiled { .. } => Redacted,
        Payload::ObjectionHandled { .. } => Whole,
        // An appraisal's signed records are the committee's: 自评, 互评
        // (its author's), the grade (its member's).
        Payload::SelfAssessed { .. } | Payload::Commented { .. } | Payload::AppraisalDecided { .. } => Withheld,
    }
}

#[test]
fn every_payload_kind_has_a_sample() {
    let kinds: std::collections::BTreeSet<&str> = samples("a").iter().map(|e| sync::kind(&e.payload)).collect();
    assert_eq!(kinds.len(), 25, "one sample per payload kind: {kinds:?}");
    for e in samples("a") {
        document::check_event(0, &e).unwrap_or_else(|err| panic!("the sample {:?} is invalid: {err}", e.payload));
    }
}

#[test]
fn record_keepers_receive_everything_whole() {
    for who in keepers() {
        for e in samples("b") {
            assert_eq!(visibility::visibility(&who, &e, owned_by("b")), Visibility::Whole, "{who:?}: {:?}", e.payload);
            assert_eq!(visibility::as_seen(&who, &e, owned_by("b")), Some(e.clone()));
        }
    }
}

#[test]
fn a_member_receives_their_own_records_whole() {
    for e in samples("a") {
        assert_eq!(visibility::visibility(&phone("a"), &e, owned_by("a")), Visibility::Whole, "{:?}", e.payload);
        assert_eq!(visibility::as_seen(&phone("a"), &e, owned_by("a")), Some(e.clone()));
    }
}

#[test]
fn a_member_receives_only_the_public_part_of_anothers() {
    for e in samples("b") {
        let expected = for_another_member(&e.payload);
        assert_eq!(visibility::visibility(&phone("a"), &e, owned_by("b")), expected, "{:?}", e.payload);
        let seen = visibility::as_seen(&phone("a"), &e, owned_by("b"));
        match expected {
            Visibility::Whole => assert_eq!(seen, Some(e.clone())),
            Visibility::Withheld => assert_eq!(seen, None, "{:?}", e.payload),
            Visibility::Redacted => {
                let seen = seen.expect("a redacted event is sent");
                assert_eq!((&seen.id, seen.clock, seen.at, &seen.payload), (&e.id, e.clock, e.at, &e.payload));
                assert_ne!(seen, e);
            }
        }
    }
}

#[test]
fn a_phone_bound_to_no_member_receives_nobodys_records() {
    let nobody = Principal { role: Role::Member, member: None };
    for e in samples("b") {
        let expected = for_another_member(&e.payload);
        assert_eq!(visibility::visibility(&nobody, &e, owned_by("b")), expected, "{:?}", e.payload);
    }
}

#[test]
fn a_decision_on_self_study_goes_to_the_records_member_only() {
    let decided = samples("a").into_iter().find(|e| matches!(e.payload, Payload::SelfStudyDecided { .. })).unwrap();
    assert_eq!(visibility::visibility(&phone("a"), &decided, owned_by("a")), Visibility::Whole);
    assert_eq!(visibility::visibility(&phone("b"), &decided, owned_by("a")), Visibility::Withheld);
    // A record the server does not know: nobody's phone gets the answer.
    assert_eq!(visibility::visibility(&phone("a"), &decided, |_: &StudyId| None), Visibility::Withheld);
    // Even the confirmer's own phone, if it is a member's: the record is not theirs.
    assert_eq!(visibility::visibility(&phone("k"), &decided, owned_by("a")), Visibility::Withheld);
}

#[test]
fn the_objector_is_redacted_to_one_marker_that_checks_and_folds() {
    let filed =
        |by: &str| samples(by).into_iter().find(|e| matches!(e.payload, Payload::ObjectionFiled { .. })).unwrap();
    let (of_b, of_c) = (filed("b"), filed("c"));
    let seen_b = visibility::as_seen(&phone("a"), &of_b, owned_by("b")).unwrap();
    let seen_c = visibility::as_seen(&phone("a"), &of_c, owned_by("c")).unwrap();
    // Nothing names or links the objector: not the actor, not the phone's writer.
    let text = serde_json::to_string(&seen_b).unwrap();
    assert!(!text.contains("\"b\"") && !text.contains("phone-of-b"), "{text}");
    assert_eq!((&seen_b.actor, &seen_b.device), (&seen_c.actor, &seen_c.device), "every objector looks the same");
    assert!(seen_b.actor.as_ref().is_some_and(visibility::is_redacted));
    assert!(!visibility::is_redacted(&m("b")));
    // The phone checks and folds it like any pulled event; the audit log
    // says a member filed it, not who.
    document::check_event(0, &seen_b).expect("a redacted event passes the check");
    let state = State::fold([&seen_b]);
    assert_eq!(state.objections.0.len(), 1);
    let audit = zhibu_core::rounds::audit(&state, &RoundId::from("round"));
    assert!(audit[0].actor.as_ref().is_some_and(visibility::is_redacted));
    // The phone would never push it: it is not its own act.
    assert!(sync::may_push(&phone("a"), &seen_b).is_err());
}
