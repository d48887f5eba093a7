//! 标记为已召开 (issue 20, item 9): who it marks 缺席 (asked first), the
//! role holders it counts present, and the undo until someone else edits.

mod meeting_branch;

use meeting_branch::{Branch, DESK, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::held::{self, UndoProblem};
use zhibu_core::ids::{DeviceId, MemberId};
use zhibu_core::meetings::MeetingKind;
use zhibu_core::sheet::Source;

fn names(list: &[(MemberId, String)]) -> Vec<&str> {
    let mut names: Vec<&str> = list.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names
}

fn hold(b: &mut Branch, device: &str) {
    let payloads = held::hold(b.state(), &b.meeting()).unwrap();
    b.record_all(device, payloads);
}

#[test]
fn the_plan_lists_the_unmarked_as_absent_and_not_the_host() {
    let (mut b, m) = Branch::new(&["张书记", "李组织", "赵一", "钱二"], MeetingKind::General, "张书记");
    b.mark(DESK, &m[1], A::Present, start(), false).unwrap();
    let plan = held::plan(b.state(), &b.meeting(), &b.settings(), None).unwrap();
    assert_eq!(names(&plan.absent), ["赵一", "钱二"]);
    assert_eq!(names(&plan.by_role), ["张书记"]);

    hold(&mut b, DESK);
    let sheet = b.sheet();
    let host = sheet.rows.iter().find(|r| r.member == m[0]).unwrap();
    assert_eq!((host.status, host.source, host.in_role), (Some(A::Present), Some(Source::Derived), true));
    assert_eq!((sheet.counts.present, sheet.counts.absent), (2, 2));
}

#[test]
fn a_lecturer_and_a_second_host_named_in_the_field_count_as_present() {
    let (mut b, m) = Branch::new(&["张书记", "李组织", "赵一"], MeetingKind::Training, "刘教授、李组织 / 张书记");
    b.mark(DESK, &m[2], A::Absent, start(), false).unwrap();
    let plan = held::plan(b.state(), &b.meeting(), &b.settings(), None).unwrap();
    assert!(plan.absent.is_empty(), "{plan:?}");
    assert_eq!(names(&plan.by_role), ["张书记", "李组织"]);
    // A role holder someone marked keeps the mark: the role only fills a blank.
    let (mut b, m) = Branch::new(&["张书记", "赵一"], MeetingKind::General, "张书记");
    b.mark(DESK, &m[0], A::Leave, start(), false).unwrap();
    hold(&mut b, DESK);
    let host = b.sheet().rows.into_iter().find(|r| r.member == m[0]).unwrap();
    assert_eq!((host.status, host.source), (Some(A::Leave), Some(Source::Organizer)));
}

#[test]
fn the_lecturer_and_the_recorder_fields_count_as_present_too() {
    use zhibu_core::event::Payload;
    use zhibu_core::meetings::MeetingValue as V;
    let (mut b, m) = Branch::new(&["张书记", "李组织", "王宣传", "赵一"], MeetingKind::Lecture, "张书记");
    let meeting = b.meeting.clone();
    let changes = vec![V::Lecturer("李组织".into()), V::Recorder("王宣传".into())];
    b.record(DESK, Payload::MeetingSaved { meeting, changes });
    assert_eq!((b.meeting().lecturer.as_str(), b.meeting().recorder.as_str()), ("李组织", "王宣传"));
    let plan = held::plan(b.state(), &b.meeting(), &b.settings(), None).unwrap();
    assert_eq!(names(&plan.absent), ["赵一"]);
    assert_eq!(names(&plan.by_role), ["张书记", "李组织", "王宣传"]);
    hold(&mut b, DESK);
    let sheet = b.sheet();
    assert_eq!((sheet.counts.present, sheet.counts.absent), (3, 1));
    assert!(sheet.rows.iter().filter(|r| r.member != m[3]).all(|r| r.in_role));
}

#[test]
fn a_role_holder_whose_name_holds_a_separator_counts_as_present() {
    use zhibu_core::event::Payload;
    use zhibu_core::meetings::MeetingValue as V;
    let (mut b, _) = Branch::new(&["张书记", "李,小龙", "赵一"], MeetingKind::General, "张书记");
    let meeting = b.meeting.clone();
    b.record(DESK, Payload::MeetingSaved { meeting, changes: vec![V::Recorder("李,小龙".into())] });
    let plan = held::plan(b.state(), &b.meeting(), &b.settings(), None).unwrap();
    assert_eq!(names(&plan.absent), ["赵一"]);
    assert_eq!(names(&plan.by_role), ["张书记", "李,小龙"]);
}

#[test]
fn undo_restores_the_sheet_until_someone_else_edits_it() {
    let (mut b, m) = Branch::new(&["张书记", "赵一", "钱二"], MeetingKind::General, "张书记");
    let desk = DeviceId(DESK.into());
    assert_eq!(held::may_undo(b.state(), &b.meeting, &desk), Err(UndoProblem::NotHeld));
    let before = b.sheet();
    hold(&mut b, DESK);
    assert_eq!(b.sheet().counts.absent, 2);
    // The holding page may undo; another page or device may not.
    assert_eq!(held::may_undo(b.state(), &b.meeting, &DeviceId("tab-2".into())), Err(UndoProblem::HeldElsewhere));
    // Its own later marks do not stop it.
    b.mark(DESK, &m[1], A::Present, start(), false).unwrap();
    assert_eq!(held::may_undo(b.state(), &b.meeting, &desk), Ok(()));
    let payloads = held::undo(b.state(), &b.meeting, &desk).unwrap();
    b.record_all(DESK, payloads);
    assert!(!b.meeting().is_held());
    let after = b.sheet();
    assert_eq!(after.counts.absent, 0);
    assert_eq!(after.counts.waiting, before.counts.waiting - 1, "only 赵一's own mark remains");

    // Held again; another device marks (after seeing it): undo is refused.
    hold(&mut b, DESK);
    b.mark("phone-of-the-deputy", &m[2], A::Late, start() + 900, false).unwrap();
    assert_eq!(held::may_undo(b.state(), &b.meeting, &desk), Err(UndoProblem::EditedSince));
    assert_eq!(held::undo(b.state(), &b.meeting, &desk), Err(UndoProblem::EditedSince));
}

#[test]
fn a_member_checking_in_after_the_hold_also_ends_the_undo() {
    let (mut b, m) = Branch::new(&["张书记", "赵一"], MeetingKind::General, "");
    hold(&mut b, DESK);
    b.check_in(&m[1], start() + 60);
    assert_eq!(held::may_undo(b.state(), &b.meeting, &DeviceId(DESK.into())), Err(UndoProblem::EditedSince));
}
