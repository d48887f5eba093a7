//! 培训班 on states made with the core's commands: class drafts checked,
//! a class never moved off its sessions, a session a training inside its
//! class's dates, and the settings a class's completion rests on.

mod branch;

use branch::Branch;
use zhibu_core::commands::Change;
use zhibu_core::commands::training::save_class;
use zhibu_core::date::Date;
use zhibu_core::event::Payload;
use zhibu_core::ids::{ClassId, MeetingId, MemberId};
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingKind as K, MeetingProblem, MeetingValue as V};
use zhibu_core::roster::{MemberFields, Role};
use zhibu_core::training::{self, ClassDraft, ClassField, ClassProblem, ClassValue};
use zhibu_core::zone::Zone;

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A wall-clock time in Beijing.
fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(day(date), hour, minute).unwrap()
}

fn add(b: &mut Branch, name: &str, role: Role) -> MemberId {
    b.member(MemberFields { role, ..branch::fields(name) })
}

/// The class values a command decided to save (nothing recorded yet).
fn saved<T>(change: Change<T>) -> Vec<ClassValue> {
    match &change.events[..] {
        [] => vec![],
        [draft] => match &draft.payload {
            Payload::ClassSaved { changes, .. } => changes.clone(),
            other => panic!("a class saved: {other:?}"),
        },
        more => panic!("one event: {more:?}"),
    }
}

fn class_draft() -> ClassDraft {
    ClassDraft {
        title: " 2026年支委培训班 ".into(),
        organizer: "区委组织部".into(),
        audience: Some(Audience::Committee),
        description: "学习贯彻".into(),
        from: "2026-05-01".into(),
        to: "2026/5/31".into(),
        completion: String::new(),
    }
}

#[test]
fn class_drafts_are_checked() {
    let mut b = Branch::named();
    add(&mut b, "书记", Role::Secretary);
    let member = add(&mut b, "党员", Role::Member);
    let state = b.state().clone();
    assert_eq!(
        class_draft().validate(&state, None),
        Ok(vec![
            ClassValue::Title("2026年支委培训班".into()),
            ClassValue::Organizer("区委组织部".into()),
            ClassValue::Audience(Audience::Committee),
            ClassValue::Description("学习贯彻".into()),
            ClassValue::Dates(day("2026-05-01"), day("2026-05-31")),
            ClassValue::Completion(None),
        ])
    );
    let check = |d: ClassDraft| d.validate(&state, None);
    assert_eq!(check(ClassDraft { title: "  ".into(), ..class_draft() }), Err(vec![ClassProblem::TitleRequired]));
    assert_eq!(
        check(ClassDraft { title: "班".repeat(101), ..class_draft() }),
        Err(vec![ClassProblem::TooLong { field: ClassField::Title, max: 100 }])
    );
    for (from, to) in [("2026-13-01", "2026-05-31"), ("2026-05-01", ""), ("", "")] {
        assert_eq!(
            check(ClassDraft { from: from.into(), to: to.into(), ..class_draft() }),
            Err(vec![ClassProblem::BadDate])
        );
    }
    assert_eq!(
        check(ClassDraft { from: "2026-05-31".into(), to: "2026-05-01".into(), ..class_draft() }),
        Err(vec![ClassProblem::EndsBeforeStart])
    );
    let one_day = check(ClassDraft { from: "2026-05-01".into(), to: "2026-05-01".into(), ..class_draft() });
    assert!(one_day.is_ok());
    for completion in ["0", "101", "abc", "-5", "80.5"] {
        assert_eq!(
            check(ClassDraft { completion: completion.into(), ..class_draft() }),
            Err(vec![ClassProblem::BadCompletion]),
            "{completion:?}"
        );
    }
    for (completion, value) in [("1", 1), ("100", 100), ("80%", 80), (" 75％ ", 75)] {
        let values = check(ClassDraft { completion: completion.into(), ..class_draft() }).unwrap();
        assert_eq!(values.last(), Some(&ClassValue::Completion(Some(value))), "{completion:?}");
    }
    assert_eq!(
        check(ClassDraft { audience: Some(Audience::Group("第九党小组".into())), ..class_draft() }),
        Err(vec![ClassProblem::NoAttendees])
    );
    let branch = check(ClassDraft { audience: None, ..class_draft() }).unwrap();
    assert!(branch.contains(&ClassValue::Audience(Audience::Branch)));
    let listed = check(ClassDraft { audience: Some(Audience::List(vec![member])), ..class_draft() });
    assert!(listed.is_ok());
}

#[test]
fn moving_a_class_may_not_leave_its_sessions_outside() {
    let mut b = Branch::named();
    add(&mut b, "书记", Role::Secretary);
    let class = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    // 00:30 on 1 May in Beijing is still 30 April in UTC: the zone decides.
    let first = b.session(&class, local("2026-05-01", 0, 30), 90, None);
    b.session(&class, local("2026-05-20", 9, 0), 90, None);
    let last = b.session(&class, local("2026-05-31", 23, 30), 90, None);
    let existing = b.get_class(&class);
    let draft = ClassDraft::of(&existing);
    assert_eq!(draft.validate(b.state(), Some(&existing)).map(|v| training::edit_changes(&existing, v)), Ok(vec![]));

    let moved = |from: &str, to: &str| ClassDraft { from: from.into(), to: to.into(), ..draft.clone() };
    assert_eq!(
        moved("2026-05-02", "2026-05-31").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 1 }])
    );
    assert_eq!(
        moved("2026-05-10", "2026-05-30").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 2 }])
    );
    assert_eq!(
        moved("2026-06-01", "2026-06-30").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 3 }])
    );
    let wider = moved("2026-04-01", "2026-06-30").validate(b.state(), Some(&existing)).unwrap();
    assert_eq!(training::edit_changes(&existing, wider), vec![ClassValue::Dates(day("2026-04-01"), day("2026-06-30"))]);
    // The save command decides the same: refused, or only the dates.
    let save = |b: &mut Branch, form: &ClassDraft| {
        b.command(None, |state, act| save_class(state, act, Some(&class), form)).map(saved)
    };
    assert_eq!(save(&mut b, &moved("2026-05-02", "2026-05-31")), Err(vec![ClassProblem::SessionsOutside { count: 1 }]));
    assert_eq!(
        save(&mut b, &moved("2026-04-01", "2026-06-30")),
        Ok(vec![ClassValue::Dates(day("2026-04-01"), day("2026-06-30"))])
    );
    assert_eq!(save(&mut b, &draft), Ok(vec![]), "an unchanged form saves nothing");
    // A new class is not held to another's sessions; cancelled sessions don't hold a class.
    assert!(moved("2026-06-01", "2026-06-30").validate(b.state(), None).is_ok());
    b.cancel(&first, "下雨");
    b.cancel(&last, "下雨");
    assert!(moved("2026-05-10", "2026-05-30").validate(b.state(), Some(&existing)).is_ok());
}

fn session_draft(class: &ClassId, date: &str) -> MeetingDraft {
    MeetingDraft {
        kind: None,
        topic: "第一讲".into(),
        date: date.into(),
        time: "09:00".into(),
        minutes: "180".into(),
        class: Some(class.clone()),
        ..MeetingDraft::default()
    }
}

#[test]
fn a_session_is_a_training_inside_its_classs_dates() {
    let mut b = Branch::named();
    add(&mut b, "书记", Role::Secretary);
    let member = add(&mut b, "党员", Role::Member);
    let class = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    let state = b.state().clone();
    let (from, to) = (day("2026-05-01"), day("2026-05-31"));

    let values = session_draft(&class, "2026-05-10").validate(&state, Zone::CST).unwrap();
    assert_eq!(values[0], V::Kind(K::Training), "a session is a training");
    assert!(values.contains(&V::Audience(Audience::Committee)), "for the class's roster: {values:?}");
    assert!(values.contains(&V::Class(class.clone())));
    assert!(values.contains(&V::Start(local("2026-05-10", 9, 0))));
    assert!(values.contains(&V::Credit(None)));
    // Even a kind chosen otherwise, and an audience chosen by hand stays.
    let chosen = MeetingDraft {
        kind: Some(K::General),
        audience: Some(Audience::List(vec![member.clone()])),
        ..session_draft(&class, "2026-05-01")
    };
    let values = chosen.validate(&state, Zone::CST).unwrap();
    assert_eq!(values[0], V::Kind(K::Training));
    assert!(values.contains(&V::Audience(Audience::List(vec![member]))));
    assert!(session_draft(&class, "2026-05-31").validate(&state, Zone::CST).is_ok());

    for date in ["2026-04-30", "2026-06-01"] {
        assert_eq!(
            session_draft(&class, date).validate(&state, Zone::CST),
            Err(vec![MeetingProblem::OutsideClass { from, to }]),
            "{date}"
        );
    }
    assert_eq!(
        session_draft(&ClassId("c99".into()), "2026-05-10").validate(&state, Zone::CST),
        Err(vec![MeetingProblem::UnknownClass, MeetingProblem::KindRequired])
    );
    for credit in ["25", "-1", "24.1", "1.25", "两"] {
        assert_eq!(
            MeetingDraft { credit: credit.into(), ..session_draft(&class, "2026-05-10") }.validate(&state, Zone::CST),
            Err(vec![MeetingProblem::BadCredit]),
            "{credit:?}"
        );
    }
    for (credit, tenths) in [("24", 240), ("0", 0), ("2.5", 25)] {
        let values = MeetingDraft { credit: credit.into(), ..session_draft(&class, "2026-05-10") }
            .validate(&state, Zone::CST)
            .unwrap();
        assert!(values.contains(&V::Credit(Some(tenths))), "{credit:?}");
    }

    // Saved, it is one of the class's sessions and counts as training.
    let id: MeetingId = b.plan_draft(&session_draft(&class, "2026-05-10"));
    let session = b.meeting(&id);
    assert!(training::is_training(&session));
    assert_eq!(b.get_class(&class).sessions(b.state()), vec![session]);
    assert_eq!(b.get_class(&class).year(), 2026);
}

#[test]
fn zero_completion_and_zero_hour_days_are_refused() {
    use zhibu_core::settings::Setting;
    assert!(Setting::Completion(0).check().is_err());
    assert!(Setting::FullDayHours(0).check().is_err());
    assert!(Setting::HalfDayHours(0).check().is_err());
    assert!(Setting::Completion(1).check().is_ok());
    assert!(Setting::FullDayHours(24).check().is_ok());
}
