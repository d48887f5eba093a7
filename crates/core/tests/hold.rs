//! 标记为已召开 (issue 20, item 9): who it marks 缺席 (asked first), the
//! role holders it counts present, and the undo until someone else edits.

mod branch;

use branch::{Branch, DESK, one_meeting, phone, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::commands::meetings::undo_hold;
use zhibu_core::held::{self, HoldPlan, UndoProblem};
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::MeetingKind;
use zhibu_core::sheet::Source;

fn names(list: &[(MemberId, String)]) -> Vec<&str> {
    let mut names: Vec<&str> = list.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names
}

/// What the page asks before holding.
fn plan(b: &Branch, meeting: &MeetingId) -> HoldPlan {
    held::plan(b.state(), &b.meeting(meeting), &b.settings(), None).unwrap()
}

#[test]
fn the_plan_lists_the_unmarked_as_absent_and_not_the_host() {
    let (mut b, meeting, m) = one_meeting(&["张书记", "李组织", "赵一", "钱二"], MeetingKind::General, "张书记");
    b.mark_on(DESK, (&meeting, &m[1]), A::Present, start(), false).unwrap();
    let plan = plan(&b, &meeting);
    assert_eq!(names(&plan.absent), ["赵一", "钱二"]);
    assert_eq!(names(&plan.by_role), ["张书记"]);

    b.hold(&meeting);
    let sheet = b.sheet(&meeting, None);
    let host = sheet.rows.iter().find(|r| r.member == m[0]).unwrap();
    assert_eq!((host.status, host.source, host.in_role), (Some(A::Present), Some(Source::Derived), true));
    assert_eq!((sheet.counts.present, sheet.counts.absent), (2, 2));
}

#[test]
fn a_lecturer_and_a_second_host_named_in_the_field_count_as_present() {
    let (mut b, meeting, m) =
        one_meeting(&["张书记", "李组织", "赵一"], MeetingKind::Training, "刘教授、李组织 / 张书记");
    b.mark_on(DESK, (&meeting, &m[2]), A::Absent, start(), false).unwrap();
    let plan = plan(&b, &meeting);
    assert!(plan.absent.is_empty(), "{plan:?}");
    assert_eq!(names(&plan.by_role), ["张书记", "李组织"]);
    // A role holder someone marked keeps the mark: the role only fills a blank.
    let (mut b, meeting, m) = one_meeting(&["张书记", "赵一"], MeetingKind::General, "张书记");
    b.mark_on(DESK, (&meeting, &m[0]), A::Leave, start(), false).unwrap();
    b.hold(&meeting);
    let host = b.sheet(&meeting, None).rows.into_iter().find(|r| r.member == m[0]).unwrap();
    assert_eq!((host.status, host.source), (Some(A::Leave), Some(Source::Organizer)));
}

#[test]
fn the_lecturer_and_the_recorder_fields_count_as_present_too() {
    let (mut b, meeting, m) = one_meeting(&["张书记", "李组织", "王宣传", "赵一"], MeetingKind::Lecture, "张书记");
    b.edit(&meeting, |form| {
        form.lecturer = "李组织".into();
        form.recorder = "王宣传".into();
    });
    let saved = b.meeting(&meeting);
    assert_eq!((saved.lecturer.as_str(), saved.recorder.as_str()), ("李组织", "王宣传"));
    let plan = plan(&b, &meeting);
    assert_eq!(names(&plan.absent), ["赵一"]);
    assert_eq!(names(&plan.by_role), ["张书记", "李组织", "王宣传"]);
    b.hold(&meeting);
    let sheet = b.sheet(&meeting, None);
    assert_eq!((sheet.counts.present, sheet.counts.absent), (3, 1));
    assert!(sheet.rows.iter().filter(|r| r.member != m[3]).all(|r| r.in_role));
}

#[test]
fn a_role_holder_whose_name_holds_a_separator_counts_as_present() {
    let (mut b, meeting, _) = one_meeting(&["张书记", "李,小龙", "赵一"], MeetingKind::General, "张书记");
    b.edit(&meeting, |form| form.recorder = "李,小龙".into());
    let plan = plan(&b, &meeting);
    assert_eq!(names(&plan.absent), ["赵一"]);
    assert_eq!(names(&plan.by_role), ["张书记", "李,小龙"]);
}

#[test]
fn undo_restores_the_sheet_until_someone_else_edits_it() {
    let (mut b, meeting, m) = one_meeting(&["张书记", "赵一", "钱二"], MeetingKind::General, "张书记");
    let desk = DeviceId(DESK.into());
    assert_eq!(held::may_undo(b.state(), &meeting, &desk), Err(UndoProblem::NotHeld));
    assert_eq!(b.command(None, |state, _| undo_hold(state, &meeting, &desk)), Err(UndoProblem::NotHeld));
    let before = b.sheet(&meeting, None);
    b.hold(&meeting);
    assert_eq!(b.sheet(&meeting, None).counts.absent, 2);
    // The holding page may undo; another page or device may not.
    let tab = DeviceId("tab-2".into());
    assert_eq!(held::may_undo(b.state(), &meeting, &tab), Err(UndoProblem::HeldElsewhere));
    assert_eq!(b.command(None, |state, _| undo_hold(state, &meeting, &tab)), Err(UndoProblem::HeldElsewhere));
    // Its own later marks do not stop it.
    b.mark_on(DESK, (&meeting, &m[1]), A::Present, start(), false).unwrap();
    assert_eq!(held::may_undo(b.state(), &meeting, &desk), Ok(()));
    b.run(DESK, None, |state, _| undo_hold(state, &meeting, &desk)).unwrap();
    assert!(!b.meeting(&meeting).is_held());
    let after = b.sheet(&meeting, None);
    assert_eq!(after.counts.absent, 0);
    assert_eq!(after.counts.waiting, before.counts.waiting - 1, "only 赵一's own mark remains");

    // Held again; another device marks (after seeing it): undo is refused.
    b.hold(&meeting);
    b.mark_on("phone-of-the-deputy", (&meeting, &m[2]), A::Late, start() + 900, false).unwrap();
    assert_eq!(held::may_undo(b.state(), &meeting, &desk), Err(UndoProblem::EditedSince));
    assert_eq!(b.command(None, |state, _| undo_hold(state, &meeting, &desk)), Err(UndoProblem::EditedSince));
}

#[test]
fn a_member_checking_in_after_the_hold_also_ends_the_undo() {
    let (mut b, meeting, m) = one_meeting(&["张书记", "赵一"], MeetingKind::General, "");
    b.hold(&meeting);
    b.check_in_code(&phone(&m[1]), (&meeting, &m[1]), "123456", start() + 60).unwrap();
    assert_eq!(held::may_undo(b.state(), &meeting, &DeviceId(DESK.into())), Err(UndoProblem::EditedSince));
}
