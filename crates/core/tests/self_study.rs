//! Self-study (自学) on states made with the core's commands: drafts
//! checked, nobody answering their own record, an answer standing for the
//! record as answered, what counts once confirmed, who may make which
//! event, and a phone's record brought to the organizer on a receipt.
//! Forged or rewritten records — which no command makes — are recorded as
//! they would arrive, and say so.

mod branch;

use branch::Hours;
use branch::{Branch, DESK, phone};
use zhibu_core::commands::Draft;
use zhibu_core::commands::training::{decide_study, record_study};
use zhibu_core::date::Date;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MemberId, StudyId};
use zhibu_core::join;
use zhibu_core::roster::{MemberFields, Role};
use zhibu_core::settings::Setting;
use zhibu_core::study::{self, SelfStudy, StudyDecision, StudyDraft, StudyProblem, StudyState};
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

fn decision(by: &MemberId, confirmed: bool) -> StudyDecision {
    StudyDecision { confirmed, by: by.clone(), note: String::new() }
}

/// An answer as the command decides it (made as the confirmer), unrecorded.
fn answer(
    b: &mut Branch,
    id: &StudyId,
    by: &MemberId,
    confirmed: bool,
    note: &str,
) -> Result<StudyDecision, StudyProblem> {
    let change = b.command(Some(by), |state, _| decide_study(state, id, by, confirmed, note))?;
    match &change.events[..] {
        [Draft { actor, payload: Payload::SelfStudyDecided { decision, .. } }] => {
            assert_eq!(actor.as_ref(), Some(by), "made as the confirmer");
            Ok(decision.clone())
        }
        other => panic!("one answer: {other:?}"),
    }
}

/// A forged answer: recorded as `by` without the command's check.
fn forge(b: &mut Branch, id: &StudyId, by: &MemberId, decision: StudyDecision) {
    b.foreign(DESK, Some(by), Payload::SelfStudyDecided { study: id.clone(), decision });
}

/// A record rewritten under its id by a device that skipped the command
/// (no command changes a record's hours or member once made).
fn rewrite(b: &mut Branch, id: &StudyId, record: SelfStudy) {
    let member = record.member.clone();
    b.foreign(&phone(&member), Some(&member), Payload::SelfStudyRecorded { study: id.clone(), record });
}

fn draft(date: &str, material: &str, hours: &str) -> StudyDraft {
    StudyDraft { date: date.into(), material: material.into(), hours: hours.into(), note: String::new() }
}

#[test]
fn self_study_drafts_are_checked() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let other = add(&mut b, "李秀英", Role::Member);
    let today = day("2026-06-10");
    let check = |b: &Branch, d: StudyDraft| d.validate(b.state(), &a, today);

    assert_eq!(
        check(&b, StudyDraft { note: " 有收获 ".into(), ..draft("2026-06-10", " 学习党章 ", "1.5") }),
        Ok(SelfStudy {
            member: a.clone(),
            date: today,
            material: "学习党章".into(),
            tenths: 15,
            note: "有收获".into(),
            withdrawn: false,
        })
    );
    assert_eq!(check(&b, draft("2026-06-11", "学习党章", "1")), Err(vec![StudyProblem::InFuture]));
    assert_eq!(check(&b, draft("2026-06-31", "学习党章", "1")), Err(vec![StudyProblem::BadDate]));
    for hours in ["0", "-1", "25", "24.1", "1.25", "abc", ""] {
        assert_eq!(check(&b, draft("2026-06-10", "学习党章", hours)), Err(vec![StudyProblem::BadHours]), "{hours:?}");
    }
    assert_eq!(check(&b, draft("2026-06-10", "学习党章", "24")).unwrap().tenths, 240);
    assert_eq!(check(&b, draft("2026-06-10", "  ", "1")), Err(vec![StudyProblem::MaterialRequired]));
    assert_eq!(
        check(&b, draft("2026-06-10", &"学".repeat(101), "1")),
        Err(vec![StudyProblem::TooLong { max: study::MAX_MATERIAL }])
    );
    assert!(check(&b, draft("2026-06-10", &"学".repeat(100), "1")).is_ok());
    assert_eq!(
        check(&b, StudyDraft { note: "得".repeat(501), ..draft("2026-06-10", "学习党章", "1") }),
        Err(vec![StudyProblem::TooLong { max: study::MAX_NOTE }])
    );
    assert_eq!(
        draft("2026-06-10", "学习党章", "1").validate(b.state(), &MemberId("m99".into()), today),
        Err(vec![StudyProblem::UnknownMember])
    );
    assert_eq!(
        check(&b, draft("2026-06-11", "", "0")),
        Err(vec![StudyProblem::InFuture, StudyProblem::MaterialRequired, StudyProblem::BadHours])
    );

    // At most 24 hours in one day, with the member's other records that day.
    let big = b.study(&a, "2026-06-09", 200);
    assert!(check(&b, draft("2026-06-09", "学习党章", "4")).is_ok());
    assert_eq!(
        check(&b, draft("2026-06-09", "学习党章", "4.5")),
        Err(vec![StudyProblem::DayOverfull { already: 200 }])
    );
    assert!(check(&b, draft("2026-06-08", "学习党章", "24")).is_ok(), "another day");
    assert!(draft("2026-06-09", "学习党章", "24").validate(b.state(), &other, today).is_ok(), "another member");
    let small = b.study(&a, "2026-06-09", 30);
    assert_eq!(
        check(&b, draft("2026-06-09", "学习党章", "1.5")),
        Err(vec![StudyProblem::DayOverfull { already: 230 }])
    );
    // Refused and withdrawn records leave the day free again.
    b.decide(&big, &other, false);
    assert_eq!(
        check(&b, draft("2026-06-09", "学习党章", "21.5")),
        Err(vec![StudyProblem::DayOverfull { already: 30 }])
    );
    assert!(check(&b, draft("2026-06-09", "学习党章", "21")).is_ok());
    b.withdraw(&a, &small);
    assert!(check(&b, draft("2026-06-09", "学习党章", "24")).is_ok());
}

#[test]
fn nobody_answers_their_own_self_study() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let secretary = add(&mut b, "书记", Role::Secretary);
    let id = b.study(&a, "2026-03-05", 20);
    assert_eq!(answer(&mut b, &id, &a, true, ""), Err(StudyProblem::OwnRecord));
    assert_eq!(answer(&mut b, &id, &a, false, ""), Err(StudyProblem::OwnRecord));
    assert_eq!(answer(&mut b, &StudyId("s99".into()), &secretary, true, ""), Err(StudyProblem::UnknownRecord));
    assert_eq!(answer(&mut b, &id, &MemberId("m99".into()), true, ""), Err(StudyProblem::UnknownMember));
    assert_eq!(
        answer(&mut b, &id, &secretary, false, &"不".repeat(501)),
        Err(StudyProblem::TooLong { max: study::MAX_NOTE })
    );
    assert_eq!(
        answer(&mut b, &id, &secretary, false, " 内容不实 "),
        Ok(StudyDecision { confirmed: false, by: secretary.clone(), note: "内容不实".into() })
    );

    // A forged answer by the member themself is no answer.
    forge(&mut b, &id, &a, decision(&a, true));
    assert_eq!(b.state().study_decisions.get(&id), Some(&decision(&a, true)), "stored, as any event");
    let entry = b.entry(&id);
    assert_eq!((entry.state, entry.decision), (StudyState::Pending, None));
    assert_eq!(b.totals(2026, &a), (0, 0, 0, 20));
    assert_eq!(b.year(2026).months, [0; 12]);
    assert!(!b.year(2026).credits.contains_key(&a));

    // The secretary's answer counts.
    b.decide(&id, &secretary, true);
    assert_eq!(b.entry(&id).state, StudyState::Confirmed);
    assert_eq!(b.entry(&id).decision, Some(decision(&secretary, true)));
    assert_eq!(b.totals(2026, &a), (0, 0, 20, 0));
}

#[test]
fn a_forged_own_answer_does_not_hide_the_organizers() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let secretary = add(&mut b, "书记", Role::Secretary);
    b.set(Setting::SelfStudyConfirm(false));
    let refused = b.study(&a, "2026-03-05", 20);
    let confirmed = b.study(&a, "2026-03-06", 10);
    b.decide(&refused, &secretary, false);
    b.decide(&confirmed, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
    // Later forged answers by the member: the refusal stands, and so does the confirmation.
    forge(&mut b, &refused, &a, decision(&a, true));
    forge(&mut b, &confirmed, &a, decision(&a, false));
    assert_eq!(b.entry(&refused).state, StudyState::Refused);
    assert_eq!(b.entry(&refused).decision, Some(decision(&secretary, false)));
    assert_eq!(b.entry(&confirmed).state, StudyState::Confirmed);
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
    b.set(Setting::SelfStudyConfirm(true));
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
}

#[test]
fn an_answer_is_to_the_record_as_it_was_answered() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let c = add(&mut b, "李秀英", Role::Member);
    let secretary = add(&mut b, "书记", Role::Secretary);
    let id = b.study(&a, "2026-03-05", 5);
    b.decide(&id, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 5, 0));
    // Rewritten afterwards (24 hours instead of half an hour): it waits again.
    let inflated = SelfStudy { tenths: 240, ..b.state().studies.get(&id).unwrap().clone() };
    rewrite(&mut b, &id, inflated.clone());
    assert_eq!(b.entry(&id).state, StudyState::Pending);
    assert_eq!(b.totals(2026, &a), (0, 0, 0, 240));
    b.decide(&id, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 240, 0));
    // Taken over by another member under the same id: not theirs to count.
    rewrite(&mut b, &id, SelfStudy { member: c.clone(), ..inflated });
    assert_eq!(b.entry(&id).state, StudyState::Pending);
    assert_eq!(b.totals(2026, &c), (0, 0, 0, 240));
}

#[test]
fn confirmed_self_study_counts_and_the_branch_may_skip_confirmation() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let secretary = add(&mut b, "书记", Role::Secretary);
    let confirmed = b.study(&a, "2026-03-05", 20);
    let pending = b.study(&a, "2026-03-06", 15);
    let refused = b.study(&a, "2026-04-01", 30);
    let withdrawn = b.study(&a, "2026-04-02", 40);
    let withdrawn_after = b.study(&a, "2026-04-03", 50);
    b.decide(&confirmed, &secretary, true);
    b.decide(&refused, &secretary, false);
    b.withdraw(&a, &withdrawn);
    b.decide(&withdrawn_after, &secretary, true);
    b.withdraw(&a, &withdrawn_after);
    let states: Vec<(StudyId, StudyState)> =
        study::entries(b.state(), &b.settings()).into_iter().map(|e| (e.id, e.state)).collect();
    assert_eq!(
        states,
        vec![
            (withdrawn_after.clone(), StudyState::Withdrawn),
            (withdrawn.clone(), StudyState::Withdrawn),
            (refused.clone(), StudyState::Refused),
            (pending.clone(), StudyState::Pending),
            (confirmed.clone(), StudyState::Confirmed),
        ],
        "newest day first"
    );
    assert_eq!(b.totals(2026, &a), (0, 0, 20, 15));
    let year = b.year(2026);
    assert_eq!((year.months[2], year.months[3]), (20, 0));
    let credit = &year.credits[&a];
    assert_eq!(credit.len(), 1);
    assert_eq!((credit[0].study.as_ref(), credit[0].tenths), (Some(&confirmed), 20));
    assert_eq!(credit[0].at, local("2026-03-05", 0, 0));

    b.set(Setting::SelfStudyConfirm(false));
    assert_eq!(b.entry(&pending).state, StudyState::Confirmed);
    assert_eq!(b.entry(&refused).state, StudyState::Refused);
    assert_eq!(b.totals(2026, &a), (0, 0, 35, 0));
    assert_eq!(b.year(2026).months[2], 35);
    assert_eq!(b.year(2026).months[3], 0);

    // Self-study of an archived member is not listed.
    b.archive(&a);
    assert!(b.year(2026).lines.iter().all(|l| l.member.id != a));
    assert_eq!(b.year(2026).months, [0; 12]);
}

fn event(actor: Option<&MemberId>, payload: Payload) -> Event {
    Event { id: "e1".into(), device: DeviceId("phone".into()), clock: 1, actor: actor.cloned(), at: 0, payload }
}

fn own_record(member: &MemberId, tenths: u32) -> Payload {
    let record = SelfStudy {
        member: member.clone(),
        date: day("2026-03-05"),
        material: "学习党章".into(),
        tenths,
        note: String::new(),
        withdrawn: false,
    };
    Payload::SelfStudyRecorded { study: StudyId("s1".into()), record }
}

#[test]
fn self_study_events_are_made_by_their_member_and_answers_by_their_confirmer() {
    let (a, c) = (MemberId("m1".into()), MemberId("m2".into()));
    let made_for = Err(zhibu_core::content::ContentProblem::NotOwn);
    assert_eq!(document::check_content(&event(Some(&a), own_record(&a, 15))), Ok(()));
    assert_eq!(document::check_content(&event(Some(&c), own_record(&a, 15))), made_for);
    assert_eq!(document::check_content(&event(None, own_record(&a, 15))), made_for);
    assert!(document::check_content(&event(Some(&a), own_record(&a, 0))).is_err());
    assert!(document::check_content(&event(Some(&a), own_record(&a, 241))).is_err());
    assert_eq!(document::check_content(&event(Some(&a), own_record(&a, 240))), Ok(()));

    let answer =
        |by: &MemberId| Payload::SelfStudyDecided { study: StudyId("s1".into()), decision: decision(by, true) };
    assert_eq!(document::check_content(&event(Some(&c), answer(&c))), Ok(()));
    assert_eq!(document::check_content(&event(Some(&a), answer(&c))), made_for);
    assert_eq!(document::check_content(&event(None, answer(&c))), made_for);

    // A member's own record travels on a receipt; another's does not.
    let own = event(Some(&a), own_record(&a, 15));
    assert_eq!(join::open_receipt(&join::receipt([&own])), Ok(vec![own.clone()]));
    let theirs = event(Some(&c), own_record(&a, 15));
    assert_eq!(
        join::open_receipt(&join::receipt([&theirs])),
        Err(DocError::Content { index: 0, problem: zhibu_core::content::ContentProblem::NotOwn })
    );
    // Answers are not a member's to carry.
    let answered = event(Some(&c), answer(&c));
    assert_eq!(
        join::open_receipt(&join::receipt([&own, &answered])),
        Err(DocError::Invalid {
            path: "events[1]".into(),
            message: "not a check-in, leave request or self-study".into()
        })
    );
}

#[test]
fn a_receipt_brings_a_phones_self_study_to_the_organizer() {
    let mut desk = Branch::named();
    let a = add(&mut desk, "王建国", Role::Member);
    let secretary = add(&mut desk, "书记", Role::Secretary);
    // The member's phone: another device with the records as they were.
    let mut phone_of_a = desk.fork(1);
    let form = draft("2026-03-05", "学习党章", "2");
    let (mut made, id) = phone_of_a
        .run_events(&phone(&a), Some(&a), |state, act| record_study(state, act, &a, &form, day("2026-03-05")))
        .unwrap();
    let made = made.remove(0);
    assert_eq!(made.actor.as_ref(), Some(&a), "made as the member");
    let opened = join::open_receipt(&join::receipt([&made])).unwrap();
    assert_eq!(opened, vec![made]);
    assert_eq!(desk.records.merge_events(&opened).added, 1);
    assert_eq!(desk.records.merge_events(&opened).added, 0, "a second scan adds nothing");
    assert_eq!(desk.totals(2026, &a), (0, 0, 0, 20));
    desk.decide(&id, &secretary, true);
    assert_eq!(desk.totals(2026, &a), (0, 0, 20, 0));
}
