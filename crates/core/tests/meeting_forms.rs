//! A meeting's form, holding and the document, through the core's
//! commands: drafts checked field by field (and by the save command),
//! holding freezes who was expected and refuses what a held meeting no
//! longer takes, meeting events round-trip through a backup, and a schema
//! 2 document still reads.

mod branch;

use branch::{Branch, start};
use zhibu_core::attendance::{Attendance, AttendanceStatus as A};
use zhibu_core::commands::Change;
use zhibu_core::commands::attendance::MakeUpEntry;
use zhibu_core::commands::meetings::{cancel_meeting, hold, record_minutes, save_meeting};
use zhibu_core::commands::roster::edit_member;
use zhibu_core::document;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{
    self, Audience, MeetingDraft, MeetingField, MeetingKind, MeetingProblem, MeetingStatus, MeetingValue as V,
};
use zhibu_core::records::Records;
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::sheet::{self, Counts};
use zhibu_core::token::SecretKey;
use zhibu_core::zone::Zone;

/// The branch's key, held on the organizer's device.
fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

fn add(b: &mut Branch, name: &str, group: &str, status: Status, role: Role) -> MemberId {
    b.member(MemberFields { group: group.into(), status, role, ..branch::fields(name) })
}

/// The meeting values a command decided to save (nothing recorded yet).
fn saved<T>(change: Change<T>) -> Vec<V> {
    match &change.events[..] {
        [] => vec![],
        [draft] => match &draft.payload {
            Payload::MeetingSaved { changes, .. } => changes.clone(),
            other => panic!("a meeting saved: {other:?}"),
        },
        more => panic!("one event: {more:?}"),
    }
}

fn good_draft() -> MeetingDraft {
    MeetingDraft {
        kind: Some(MeetingKind::Group),
        topic: " 学习二十大精神 ".into(),
        date: "2026-03-10".into(),
        time: "14:00".into(),
        minutes: "90".into(),
        place: "三楼会议室".into(),
        host: "王建国".into(),
        audience: Some(Audience::Group("第一党小组".into())),
        agenda: "一、学习\n二、讨论\n".into(),
        ..MeetingDraft::default()
    }
}

#[test]
fn drafts_are_checked_field_by_field() {
    let mut b = Branch::keyed(Some(&key()));
    add(&mut b, "王建国", "第一党小组", Status::Full, Role::Member);
    let state = b.state().clone();
    let zone = Zone::CST;
    assert_eq!(
        good_draft().validate(&state, zone),
        Ok(vec![
            V::Kind(MeetingKind::Group),
            V::Topic("学习二十大精神".into()),
            V::Start(start()),
            V::Minutes(90),
            V::Place("三楼会议室".into()),
            V::Host("王建国".into()),
            V::Lecturer(String::new()),
            V::Recorder(String::new()),
            V::Audience(Audience::Group("第一党小组".into())),
            V::Agenda("一、学习\n二、讨论".into()),
            V::Credit(None),
            V::Online(false),
        ])
    );
    let all_bad = MeetingDraft {
        kind: None,
        topic: "  ".into(),
        date: "2026-02-30".into(),
        time: "25:00".into(),
        minutes: "0".into(),
        audience: None,
        ..good_draft()
    };
    assert_eq!(
        all_bad.validate(&state, zone),
        Err(vec![
            MeetingProblem::TopicRequired,
            MeetingProblem::BadDate,
            MeetingProblem::BadTime,
            MeetingProblem::BadDuration,
            MeetingProblem::KindRequired,
        ])
    );
    for minutes in ["0", "1441", "-5", "1.5", ""] {
        let d = MeetingDraft { minutes: minutes.into(), ..good_draft() };
        assert_eq!(d.validate(&state, zone), Err(vec![MeetingProblem::BadDuration]), "{minutes:?}");
    }
    for minutes in ["1", "1440", " 45 "] {
        assert!(MeetingDraft { minutes: minutes.into(), ..good_draft() }.validate(&state, zone).is_ok(), "{minutes}");
    }
    let nobody = MeetingDraft { audience: Some(Audience::Group("第九党小组".into())), ..good_draft() };
    assert_eq!(nobody.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    let empty_list = MeetingDraft { audience: Some(Audience::List(vec![])), ..good_draft() };
    assert_eq!(empty_list.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    // A 支委会 with no audience chosen is for the committee, and there is none yet.
    let committee = MeetingDraft { kind: Some(MeetingKind::Committee), audience: None, ..good_draft() };
    assert_eq!(committee.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    let long = MeetingDraft { topic: "学".repeat(101), ..good_draft() };
    assert_eq!(
        long.validate(&state, zone),
        Err(vec![MeetingProblem::TooLong { field: MeetingField::Topic, max: 100 }])
    );
    assert!(MeetingDraft { topic: "学".repeat(100), ..good_draft() }.validate(&state, zone).is_ok());

    // A saved meeting's draft validates back to the same values.
    let values = good_draft().validate(&state, zone).unwrap();
    // The save command checks the same, every problem named.
    assert_eq!(
        b.command(None, |state, act| save_meeting(state, act, None, &all_bad)).map(saved),
        Err(vec![
            MeetingProblem::TopicRequired,
            MeetingProblem::BadDate,
            MeetingProblem::BadTime,
            MeetingProblem::BadDuration,
            MeetingProblem::KindRequired,
        ])
    );
    let id = b.plan_draft(&good_draft());
    let meeting = b.meeting(&id);
    assert_eq!(MeetingDraft::of(&meeting, zone).validate(&state, zone), Ok(values));
    assert_eq!(
        meetings::edit_changes(&meeting, MeetingDraft::of(&meeting, zone).validate(&state, zone).unwrap()),
        Ok(vec![])
    );
    assert_eq!(b.edit(&id, |_| {}), vec![], "an unchanged form saves nothing");
}

#[test]
fn holding_freezes_who_was_expected() {
    let mut b = Branch::keyed(Some(&key()));
    let a = add(&mut b, "王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = add(&mut b, "李秀英", "第一党小组", Status::Full, Role::Member);
    let c = add(&mut b, "张伟", "第二党小组", Status::Probationary, Role::Member);
    let m = b.plan(MeetingKind::General, Audience::Branch, start());
    let other = b.plan(MeetingKind::General, Audience::Branch, start());
    assert_eq!(
        b.command(None, |state, _| hold(state, &m)).map(saved),
        Ok(vec![V::Status(MeetingStatus::Held { expected: vec![a.clone(), bb.clone(), c.clone()] })])
    );
    b.hold(&m);
    b.archive(&bb);
    let d = add(&mut b, "赵敏", "第一党小组", Status::Full, Role::Member);
    let held = b.meeting(&m);
    assert_eq!(held.expected(b.state()), vec![a.clone(), bb.clone(), c.clone()]);
    assert_eq!(b.meeting(&other).expected(b.state()), vec![a.clone(), c.clone(), d.clone()]);
    let s = b.sheet(&m, None);
    assert_eq!(s.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["王建国", "李秀英", "张伟"]);
    assert_eq!(s.counts, Counts { expected: 3, absent: 3, ..Counts::default() });

    let not_planned = MeetingProblem::NotPlanned;
    assert_eq!(b.command(None, |state, _| hold(state, &m)).map(saved), Err(not_planned.clone()));
    assert_eq!(b.command(None, |state, _| cancel_meeting(state, &m, "下雨")).map(saved), Err(not_planned));
    // An edit, as the form opened on a meeting saves it (nothing recorded).
    let edit = |b: &mut Branch, id: &MeetingId, change: &dyn Fn(&mut MeetingDraft)| {
        let mut form = MeetingDraft::of(&b.meeting(id), b.settings().zone);
        change(&mut form);
        b.command(None, |state, act| save_meeting(state, act, Some(id), &form)).map(saved)
    };
    let only_a = Audience::List(vec![a.clone()]);
    let retopic = |form: &mut MeetingDraft| form.topic = "新主题".into();
    assert_eq!(
        edit(&mut b, &m, &|form| {
            retopic(form);
            form.audience = Some(only_a.clone());
        }),
        Err(vec![MeetingProblem::HeldAudienceFrozen])
    );
    assert_eq!(edit(&mut b, &m, &retopic), Ok(vec![V::Topic("新主题".into())]));
    assert_eq!(
        edit(&mut b, &other, &|form| form.audience = Some(only_a.clone())),
        Ok(vec![V::Audience(only_a.clone())])
    );

    // A meeting whose group emptied after it was planned cannot be held.
    let nobody = b.plan(MeetingKind::Group, Audience::Group("第二党小组".into()), start());
    let baseline = b.state().member(&c).unwrap().fields;
    let moved = MemberFields { group: "第一党小组".into(), ..baseline.clone() };
    b.run(branch::DESK, None, |state, _| edit_member(state, &c, &baseline, &moved)).unwrap();
    assert_eq!(b.command(None, |state, _| hold(state, &nobody)).map(saved), Err(MeetingProblem::NoAttendees));

    let cancel =
        |b: &mut Branch, reason: &str| b.command(None, |state, _| cancel_meeting(state, &other, reason)).map(saved);
    assert_eq!(cancel(&mut b, ""), Err(MeetingProblem::ReasonRequired));
    assert_eq!(cancel(&mut b, "   "), Err(MeetingProblem::ReasonRequired));
    assert_eq!(
        cancel(&mut b, &"雨".repeat(101)),
        Err(MeetingProblem::TooLong { field: MeetingField::Status, max: 100 })
    );
    assert_eq!(cancel(&mut b, " 下雨 "), Ok(vec![V::Status(MeetingStatus::Cancelled { reason: "下雨".into() })]));
    let minutes =
        |b: &mut Branch, text: &str| b.command(None, |state, _| record_minutes(state, &other, text)).map(saved);
    assert_eq!(
        minutes(&mut b, &"记".repeat(20_001)),
        Err(MeetingProblem::TooLong { field: MeetingField::Record, max: 20_000 })
    );
    assert_eq!(minutes(&mut b, "  纪要\n\n"), Ok(vec![V::Record("  纪要".into())]));
}

#[test]
fn meeting_events_round_trip_through_the_document() {
    let mut b = Branch::keyed(Some(&key()));
    let a = add(&mut b, "王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = add(&mut b, "李秀英", "第一党小组", Status::Full, Role::Member);
    let c = add(&mut b, "张伟", "第二党小组", Status::Probationary, Role::Member);
    b.settings_change(vec![
        Setting::LateGrace(10),
        Setting::Frequency(MeetingKind::Lecture, meetings::Frequency::Monthly),
        Setting::Zone(Zone(7 * 60)),
    ]);
    let form = MeetingDraft {
        place: "三楼会议室".into(),
        host: "王建国".into(),
        agenda: "一、学习".into(),
        ..b.draft(MeetingKind::General, Audience::Branch, start(), 90)
    };
    let m = b.plan_draft(&form);
    b.minutes(&m, "会议纪要：全体通过。");
    b.records.compact();
    let typed = start() + 60;
    b.check_in_code("phone-a", (&m, &a), &key().token(&m, typed).code(), typed).unwrap();
    b.ask_leave(&m, &bb, "出差").unwrap();
    b.decide_leave(&m, &bb, true);
    b.hold(&m);
    let entry = MakeUpEntry { date: "2026-03-12".into(), what: "自学".into(), confirmed_by: "王建国".into() };
    b.make_up((&m, &c), &entry, start() + 2 * 86_400).unwrap();
    let text = document::to_json(&b.records);
    assert!(text.contains(&format!("\"schema\":{}", document::SCHEMA)), "{text}");
    let doc = document::parse(&text).unwrap();
    assert_eq!(doc.events.len(), 5);
    assert!(doc.snapshot.as_ref().unwrap().meeting(&m).is_some(), "the snapshot carries the meeting tables");
    let mut fresh = Records::default();
    assert!(doc.merge_into(&mut fresh));
    assert_eq!(fresh.state(), b.state());
    let meeting = fresh.state().meeting(&m).unwrap();
    assert_eq!(meeting, b.meeting(&m));
    assert_eq!((meeting.place.as_str(), meeting.record.as_str()), ("三楼会议室", "会议纪要：全体通过。"));
    assert_eq!(fresh.state().settings().late_grace, 10);
    assert_eq!(fresh.state().settings().zone, Zone(420));
    let s = sheet::sheet(fresh.state(), &meeting, &fresh.state().settings(), Some(&key()));
    assert_eq!(s, b.sheet(&m, Some(&key())));
    assert_eq!(s.counts, Counts { expected: 3, present: 1, leave: 1, absent: 1, self_checked: 1, ..Counts::default() });
    let made_up = s.rows.iter().find(|r| r.member == c).and_then(|r| r.make_up.as_ref());
    assert_eq!(made_up.map(|mu| mu.what.as_str()), Some("自学"));
    // The log alone too.
    let pending: Vec<Event> = b.records.pending().cloned().collect();
    assert_eq!(document::parse(&document::events_to_json(&pending)).unwrap().events, pending);
}

#[test]
fn a_schema_2_document_without_meeting_tables_still_reads() {
    let v2 = r#"{"schema":2,
        "snapshot":{"clk":2,"dev":["d"],"ids":["m1"],
            "mem":[{"i":0,"n":{"v":"王建国","c":1,"d":0}}],
            "att":[{"m":"g","c":2,"t":1764000000,"r":[0,0,1,0,0]}]},
        "events":[{"i":"e3","d":"d","c":3,"w":0,"p":{"t":"member_edited","member":"m1",
            "changes":[{"group":"第一党小组"}]}}]}"#;
    let doc = document::parse(v2).unwrap();
    let mut records = Records::default();
    doc.merge_into(&mut records);
    let state = records.state();
    assert_eq!(state.members()[0].fields.name, "王建国");
    assert_eq!(state.members()[0].fields.group, "第一党小组");
    let mark = &state.attendance[&MeetingId("g".into())][&MemberId("m1".into())];
    assert_eq!(mark.value, Attendance { status: A::Present, at: Some(1_764_000_000), by_self: false });
    assert!(state.meetings().is_empty());
    assert_eq!(state.settings(), Settings::default());
    assert_eq!(state.max_clock, 3);
}
