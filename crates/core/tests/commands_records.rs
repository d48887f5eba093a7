//! Rules the roster, settings and education commands own
//! (`zhibu_core::commands`): a member or class the records do not have,
//! fields checked again however they arrive, a change that changes
//! nothing records nothing, a setting out of range refused with its key,
//! and a self-study record withdrawn only by its own member.

mod branch;

use branch::{Branch, DESK, fields, phone};
use zhibu_core::commands::meetings::set_settings;
use zhibu_core::commands::roster::{
    RosterProblem, add_member, confirm_device, edit_member, import_members, set_archived,
};
use zhibu_core::commands::training::{save_class, withdraw_study};
use zhibu_core::ids::{ClassId, MemberId, StudyId};
use zhibu_core::meetings::Audience;
use zhibu_core::roster::{Field, FieldError, MemberFields, Problem};
use zhibu_core::settings::{Setting, SettingKey};
use zhibu_core::study::StudyProblem;
use zhibu_core::training::{ClassDraft, ClassProblem};

fn nobody() -> MemberId {
    MemberId("m99".into())
}

#[test]
fn a_member_the_records_do_not_have_is_refused() {
    let mut b = Branch::new();
    let known = b.member(fields("王建国"));
    let before = b.records.pending_len();
    let baseline = fields("王建国");
    let renamed = fields("王建军");
    let who = nobody();
    assert_eq!(
        b.command(None, |s, _| edit_member(s, &who, &baseline, &renamed)).err(),
        Some(RosterProblem::UnknownMember)
    );
    assert_eq!(b.command(None, |s, _| set_archived(s, &who, true)).err(), Some(RosterProblem::UnknownMember));
    assert_eq!(b.command(None, |s, _| confirm_device(s, "phone-x", &who)).err(), Some(RosterProblem::UnknownMember));
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
    // The same for a member of the branch goes through.
    b.run(DESK, None, |s, _| edit_member(s, &known, &baseline, &renamed)).unwrap();
    assert_eq!(b.state().member(&known).unwrap().fields.name, "王建军");
}

#[test]
fn a_change_that_changes_nothing_records_nothing() {
    let mut b = Branch::new();
    let member = b.member(fields("王建国"));
    let now = b.state().member(&member).unwrap().fields;
    let unchanged = b.command(None, |s, _| edit_member(s, &member, &now, &now)).unwrap();
    assert!(unchanged.events.is_empty(), "an edit with no change");
    b.archive(&member);
    let again = b.command(None, |s, _| set_archived(s, &member, true)).unwrap();
    assert!(again.events.is_empty(), "archived twice");
    let restored = b.command(None, |s, _| set_archived(s, &member, false)).unwrap();
    assert_eq!(restored.events.len(), 1, "restoring is a change");
}

#[test]
fn member_fields_are_checked_again_however_they_arrive() {
    let mut b = Branch::new();
    let nameless = MemberFields { name: "  ".into(), ..fields("x") };
    let name_required = FieldError { field: Field::Name, problem: Problem::Required };
    let refused = Some(RosterProblem::Fields(vec![name_required]));
    assert_eq!(b.command(None, |_, a| add_member(a, nameless.clone())).err(), refused);
    // An import is refused whole if one row fails (the preview may be stale).
    let rows = vec![fields("王建国"), nameless];
    assert_eq!(
        b.command(None, |_, a| import_members(a, rows)).err().map(|p| matches!(p, RosterProblem::Fields(_))),
        Some(true)
    );
    assert_eq!(b.records.pending_len(), 0, "nothing recorded");
    assert_eq!(b.run(DESK, None, |_, a| import_members(a, vec![fields("王建国"), fields("李秀英")])), Ok(2));
    assert_eq!(b.state().members().len(), 2);
}

#[test]
fn a_setting_out_of_range_is_refused_with_its_key_and_nothing_recorded() {
    let mut b = Branch::new();
    let changes = vec![Setting::LateGrace(10), Setting::CheckInOpens(24 * 60 + 1)];
    assert_eq!(b.command(None, |_, _| set_settings(changes)).err(), Some(SettingKey::CheckInOpens));
    assert_eq!(b.records.pending_len(), 0, "not even the good one");
    assert_eq!(b.command(None, |_, _| set_settings(vec![Setting::Completion(0)])).err(), Some(SettingKey::Completion));
    assert!(b.command(None, |_, _| set_settings(vec![])).unwrap().events.is_empty());
    b.set(Setting::LateGrace(10));
    assert_eq!(b.settings().late_grace, 10);
}

#[test]
fn a_class_the_records_do_not_have_is_refused() {
    let mut b = Branch::new();
    b.member(fields("王建国"));
    let form = ClassDraft {
        title: "培训班".into(),
        audience: Some(Audience::Branch),
        from: "2026-05-01".into(),
        to: "2026-05-31".into(),
        ..ClassDraft::default()
    };
    let gone = ClassId("c99".into());
    assert_eq!(
        b.command(None, |s, a| save_class(s, a, Some(&gone), &form)).err(),
        Some(vec![ClassProblem::UnknownClass])
    );
    assert_eq!(b.records.pending_len(), 1, "only the member");
    let class = b.run(DESK, None, |s, a| save_class(s, a, None, &form)).unwrap();
    assert_eq!(b.get_class(&class).title, "培训班");
}

#[test]
fn only_its_own_member_withdraws_a_self_study_record() {
    let mut b = Branch::new();
    let a = b.member(fields("王建国"));
    let c = b.member(fields("李秀英"));
    let id = b.study(&a, "2026-03-05", 20);
    let before = b.records.pending_len();
    assert_eq!(b.command(Some(&c), |s, _| withdraw_study(s, &c, &id)).err(), Some(StudyProblem::NotOwnRecord));
    let gone = StudyId("s99".into());
    assert_eq!(b.command(Some(&a), |s, _| withdraw_study(s, &a, &gone)).err(), Some(StudyProblem::UnknownRecord));
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
    let (events, ()) = b.run_events(&phone(&a), Some(&a), |s, _| withdraw_study(s, &a, &id)).unwrap();
    assert_eq!(events[0].actor.as_ref(), Some(&a), "made as the member");
    assert!(b.state().studies.get(&id).unwrap().withdrawn);
    let again = b.command(Some(&a), |s, _| withdraw_study(s, &a, &id)).unwrap();
    assert!(again.events.is_empty(), "withdrawn twice");
}
