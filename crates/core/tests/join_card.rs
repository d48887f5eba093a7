//! What crosses between devices without sync: the signed join card (only
//! the public part of the branch), altered, foreign and garbage cards
//! refused, receipts carrying a member's own check-in back, and the checks
//! on imported meeting events. The branch is built with the core's
//! commands; imported events are hand-made, as they arrive.

mod branch;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use branch::{Branch, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::checkin::{CheckIn, LeaveDecision, LeaveRequest, Proof};
use zhibu_core::commands;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId};
use zhibu_core::join::{self, CardError, JOIN_PREFIX, RECEIPT_PREFIX};
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingField, MeetingKind, MeetingStatus, MeetingValue as V};
use zhibu_core::records::Records;
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::Setting;
use zhibu_core::sheet::{Row, Sheet, Source};
use zhibu_core::token::SecretKey;

const PHONE: &str = "13800138000";

/// The branch's key, held on the organizer's device.
fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

/// Another branch's (or a forger's) key.
fn other_key() -> SecretKey {
    SecretKey::from_seed([9; 32])
}

/// A member as the organizer enters them, phone number and all.
fn add(b: &mut Branch, name: &str, group: &str, status: Status, role: Role) -> MemberId {
    let fields = MemberFields {
        group: group.into(),
        status,
        role,
        phone: Some(PHONE.into()),
        exempt: true,
        ..branch::fields(name)
    };
    b.member(fields)
}

/// A 26-character meeting id, as tokens require.
fn mid(n: u8) -> MeetingId {
    MeetingId(format!("01KB{n:022}"))
}

fn row<'a>(sheet: &'a Sheet, member: &MemberId) -> &'a Row {
    sheet.rows.iter().find(|r| &r.member == member).unwrap()
}

/// (status, source, at) of a member's row.
fn line(sheet: &Sheet, member: &MemberId) -> (Option<A>, Option<Source>, Option<i64>) {
    let r = row(sheet, member);
    (r.status, r.source, r.at)
}

/// A branch with members, meetings of every kind of fate, and private records.
fn branch_for_card(now: i64) -> (Branch, [MemberId; 3], [MeetingId; 5]) {
    let mut b = Branch::keyed(Some(&key()));
    let a = add(&mut b, "王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = add(&mut b, "李秀英", "第二党小组", Status::Probationary, Role::Member);
    let c = add(&mut b, "张伟", "第一党小组", Status::Full, Role::Member);
    b.archive(&c);
    let form = MeetingDraft {
        place: "三楼会议室".into(),
        ..b.draft(MeetingKind::General, Audience::Branch, now + 2 * 86_400, 90)
    };
    let upcoming = b.plan_draft(&form);
    b.minutes(&upcoming, "内部纪要");
    let recent = b.plan(MeetingKind::Lecture, Audience::Branch, now - 86_400 + 30 * 60); // ended 22 h ago
    let old = b.plan(MeetingKind::Study, Audience::Branch, now - 86_400 - 150 * 60); // ended 25 h ago
    let cancelled = b.plan(MeetingKind::ThemeDay, Audience::Branch, now + 86_400);
    b.cancel(&cancelled, "下雨");
    let held = b.plan(MeetingKind::Committee, Audience::Committee, now - 3600);
    b.hold(&held);
    b.mark(&held, &a, A::Present);
    b.ask_leave(&upcoming, &bb, "出差").unwrap();
    b.check_in_code("phone-a", (&recent, &a), "123456", now - 86_400).unwrap();
    (b, [a, bb, c], [upcoming, recent, old, cancelled, held])
}

#[test]
fn the_join_card_carries_only_the_public_part() {
    let now = start();
    let (b, [a, bb, c], [upcoming, recent, ..]) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let opened = join::open_card(&format!("https://zhibu.example/{JOIN_PREFIX}{card}"), None).unwrap();

    assert_eq!(opened.members.keys().cloned().collect::<Vec<_>>(), vec![a.clone(), bb.clone()]);
    assert!(!opened.members.contains_key(&c));
    for (id, rec) in &opened.members {
        assert!(rec.name.is_some() && rec.group.is_some() && rec.role.is_some(), "{id}");
        assert!(rec.status.is_none(), "{id}: status");
        assert!(rec.phone.is_none(), "{id}: phone");
        assert!(rec.joined.is_none(), "{id}: joined");
        assert!(rec.exempt.is_none(), "{id}: exempt");
        assert!(rec.archived.is_none(), "{id}: archived");
    }
    let wang = opened.member(&a).unwrap().fields;
    assert_eq!((wang.name.as_str(), wang.group.as_str(), wang.role), ("王建国", "第一党小组", Role::Secretary));
    assert_eq!((wang.phone, wang.joined, wang.exempt), (None, None, false));
    let li = opened.member(&bb).unwrap().fields;
    assert_eq!((li.name.as_str(), li.group.as_str(), li.role), ("李秀英", "第二党小组", Role::Member));

    let ids: Vec<MeetingId> = opened.meetings().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![recent.clone(), upcoming.clone()]);
    let shown = opened.meeting(&upcoming).unwrap();
    assert_eq!((shown.record.as_str(), shown.place.as_str()), ("", "三楼会议室"));
    assert!(!opened.meetings[&upcoming].0.contains_key(&MeetingField::Record));
    assert_eq!(opened.settings(), b.state().settings());
    assert!(opened.attendance.is_empty());
    assert!(opened.check_ins.is_empty() && opened.leave_requests.is_empty() && opened.leave_decisions.is_empty());

    let body = String::from_utf8(B64.decode(card.split_once('.').unwrap().0).unwrap()).unwrap();
    for secret in [PHONE, "内部纪要", "张伟", "2010-07-01", "出差", "下雨"] {
        assert!(!body.contains(secret), "{secret} is on the card");
    }

    // The card's values are stamped with the organizer's clock at issue, so
    // none of them can override what the organizer has.
    let mut organizer = b.state().clone();
    organizer.join(&opened);
    assert_eq!(organizer.members(), b.state().members());
    assert_eq!(organizer.meetings(), b.state().meetings());
    assert_eq!(organizer.settings(), b.state().settings());
    assert_eq!(organizer.max_clock, b.state().max_clock);

    // A personal card carries one member and only the meetings they are expected at.
    let personal = join::card(b.state(), &key(), now, Some(&bb));
    let mine = join::open_card(&personal, None).unwrap();
    assert_eq!(mine.members.keys().cloned().collect::<Vec<_>>(), vec![bb.clone()]);
    assert!(personal.len() < card.len());
    for m in mine.meetings() {
        assert!(m.expected(&mine).contains(&bb), "{}", m.topic);
    }
}

#[test]
fn altered_foreign_and_garbage_cards_are_refused() {
    let now = start();
    let (b, ..) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let branch_key = key().public().to_text();
    assert!(join::open_card(&card, Some(&branch_key)).is_ok());

    let (body, signature) = card.split_once('.').unwrap();
    let text = String::from_utf8(B64.decode(body).unwrap()).unwrap();
    assert!(text.contains("王建国"));
    let altered = format!("{}.{signature}", B64.encode(text.replace("王建国", "王建军")));
    assert_eq!(join::open_card(&altered, None), Err(CardError::BadSignature));
    // Signed by a key other than the one inside.
    let resigned = format!("{body}.{}", other_key().sign(text.as_bytes()));
    assert_eq!(join::open_card(&resigned, None), Err(CardError::BadSignature));

    // Another branch's genuine card on a device that already belongs to ours.
    let mut other = Branch::keyed(Some(&other_key()));
    add(&mut other, "刘洋", "", Status::Full, Role::Member);
    let foreign = join::card(other.state(), &other_key(), now, None);
    assert_eq!(join::open_card(&foreign, Some(&branch_key)), Err(CardError::OtherBranch));
    assert!(join::open_card(&foreign, None).is_ok());
    assert!(join::open_card(&foreign, Some(&other_key().public().to_text())).is_ok());

    // A branch with no key yet has nothing to verify against.
    let keyless = Branch::keyed(None);
    assert_eq!(join::open_card(&join::card(keyless.state(), &key(), now, None), None), Err(CardError::Malformed));
    let v2 = format!("{}.{}", B64.encode(r#"{"v":2}"#), key().sign(br#"{"v":2}"#));
    for garbage in ["", "hello", "#/join/", "#/join/!!!.sig", &format!("{}.x", B64.encode("not json")), &v2] {
        assert_eq!(join::open_card(garbage, None), Err(CardError::Malformed), "{garbage:?}");
    }
}

#[test]
fn receipts_carry_a_members_own_check_in_back() {
    let now = start();
    let (mut b, [a, ..], [upcoming, ..]) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let opened = join::open_card(&card, Some(&key().public().to_text())).unwrap();
    let mut phone = Records::from_snapshot(opened);
    let meeting = phone.state().meeting(&upcoming).unwrap();
    let at = meeting.start + 60;
    let token = key().token(&upcoming, at).to_text();
    let change = commands::attendance::check_in_by_token(phone.state(), &a, &token, at + 10, "phone-a").unwrap();
    assert_eq!(change.value, meeting.topic);
    let (mut events, _) = phone.record_change(&DeviceId("phone-a".into()), at * 1000, &mut || [3; 16], change);
    let checked = events.remove(0);
    assert_eq!(checked.actor.as_ref(), Some(&a));
    let Payload::CheckedIn { check, .. } = checked.payload.clone() else { panic!("a check-in") };

    let receipt = join::receipt([&checked]);
    assert!(receipt.starts_with(RECEIPT_PREFIX));
    assert_eq!(join::open_receipt(&receipt), Ok(vec![checked.clone()]));
    let report = b.records.merge_events(&join::open_receipt(&receipt).unwrap());
    assert_eq!((report.added, report.known), (1, 0));
    let s = b.sheet(&upcoming, None);
    assert_eq!(line(&s, &a), (Some(A::Present), Some(Source::Verified), Some(at)));
    assert_eq!(row(&s, &a).check_in, Some(check));

    // Only check-ins and leave requests travel this way.
    let added = b.records.pending().find(|e| matches!(e.payload, Payload::MemberAdded { .. })).unwrap().clone();
    assert_eq!(
        join::open_receipt(&join::receipt([&checked, &added])),
        Err(DocError::Invalid {
            path: "events[1]".into(),
            message: "not a check-in, leave request or self-study".into()
        })
    );
    let decided = event(
        None,
        Payload::LeaveDecided {
            meeting: upcoming.clone(),
            member: a.clone(),
            decision: LeaveDecision { approved: true, note: String::new() },
        },
    );
    assert!(matches!(join::open_receipt(&join::receipt([&decided])), Err(DocError::Invalid { .. })));
    let for_other = check_in_event(Some("m99"), a.as_str(), Proof::Code("123456".into()));
    assert_eq!(
        join::open_receipt(&join::receipt([&for_other])),
        invalid(0, zhibu_core::content::ContentProblem::NotOwn)
    );
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}{{\"events\":[]}}")), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}\"x\"")), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt("[]"), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}[]")), Ok(vec![]));
    assert!(matches!(join::open_receipt(&format!("{RECEIPT_PREFIX}[")), Err(DocError::NotJson { .. })));
}

// ---------------------------------------------------------------------------
// Checks on imported meeting events.

fn event(actor: Option<&str>, payload: Payload) -> Event {
    Event {
        id: EventId("e1".into()),
        device: DeviceId("phone".into()),
        clock: 1,
        actor: actor.map(MemberId::from),
        at: 0,
        payload,
    }
}

fn check_in_event(actor: Option<&str>, member: &str, proof: Proof) -> Event {
    let check = CheckIn { at: start(), device: "phone".into(), proof };
    event(actor, Payload::CheckedIn { meeting: mid(1), member: member.into(), check })
}

fn parse_events(events: &[Event]) -> Result<Vec<Event>, DocError> {
    document::parse(&document::events_to_json(events)).map(|d| d.events)
}

fn invalid(index: usize, problem: zhibu_core::content::ContentProblem) -> Result<Vec<Event>, DocError> {
    Err(DocError::Content { index, problem })
}

#[test]
fn imported_meeting_events_are_checked() {
    use zhibu_core::content::ContentProblem as P;
    let own = check_in_event(Some("m1"), "m1", Proof::Code("123456".into()));
    assert_eq!(parse_events(std::slice::from_ref(&own)), Ok(vec![own.clone()]));
    // 不得代签: nobody checks in for another.
    let for_other = check_in_event(Some("m2"), "m1", Proof::Code("123456".into()));
    assert_eq!(document::check_content(&for_other), Err(P::NotOwn));
    assert_eq!(parse_events(&[own.clone(), for_other]), invalid(1, P::NotOwn));
    let anonymous = check_in_event(None, "m1", Proof::Code("123456".into()));
    assert_eq!(parse_events(&[anonymous]), invalid(0, P::NotOwn));
    let leave_for_other = event(
        Some("m2"),
        Payload::LeaveRequested {
            meeting: mid(1),
            member: "m1".into(),
            request: LeaveRequest { reason: "出差".into(), withdrawn: false },
        },
    );
    assert_eq!(parse_events(&[leave_for_other]), invalid(0, P::NotOwn));

    for proof in [Proof::Code("12345".into()), Proof::Code("12a456".into()), Proof::Token("not-a-token".into())] {
        let bad = check_in_event(Some("m1"), "m1", proof.clone());
        assert_eq!(parse_events(&[bad]), invalid(0, P::BadProof), "{proof:?}");
    }
    let token = Proof::Token(key().token(&mid(1), start()).to_text());
    assert!(parse_events(&[check_in_event(Some("m1"), "m1", token)]).is_ok());
    let mut long_device = check_in_event(Some("m1"), "m1", Proof::Code("123456".into()));
    if let Payload::CheckedIn { check, .. } = &mut long_device.payload {
        check.device = "d".repeat(65);
    }
    assert_eq!(parse_events(&[long_device]), invalid(0, P::TooLong { what: "device", max: 64 }));

    let saved = |changes: Vec<V>| event(None, Payload::MeetingSaved { meeting: mid(1), changes });
    assert_eq!(
        parse_events(&[saved(vec![V::Topic("学".repeat(101))])]),
        invalid(0, P::TooLong { what: "topic", max: 100 })
    );
    assert!(parse_events(&[saved(vec![V::Topic("学".repeat(100))])]).is_ok());
    assert_eq!(parse_events(&[saved(vec![V::Minutes(0)])]), invalid(0, P::OutOfRange { what: "minutes", value: 0 }));
    assert_eq!(
        parse_events(&[saved(vec![V::Minutes(1441)])]),
        invalid(0, P::OutOfRange { what: "minutes", value: 1441 })
    );
    assert_eq!(parse_events(&[saved(vec![])]), invalid(0, P::Empty));
    assert_eq!(
        parse_events(&[saved(vec![V::Status(MeetingStatus::Held { expected: vec![] })])]),
        invalid(0, P::NoAudience)
    );
    assert_eq!(
        parse_events(&[event(None, Payload::SettingsChanged { changes: vec![Setting::LateGrace(1441)] })]),
        invalid(0, P::Setting(zhibu_core::settings::SettingProblem::Above { max: 1440 }))
    );
}
