//! 补录 (issue 20, item 10): an organizer's mark after the check-in window
//! is confirmed first, shown and exported as 补录, counted apart from self
//! check-ins, and classified the same on every device whatever the order.

mod branch;

use branch::{Branch, DESK, end, one_meeting, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::ids::MeetingId;
use zhibu_core::ledger;
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::MeetingKind;
use zhibu_core::settings::Setting;
use zhibu_core::sheet::{self, Source};
use zhibu_core::state::State;
use zhibu_core::token::SecretKey;
use zhibu_core::zone::Zone;

fn source(b: &Branch, meeting: &MeetingId, name: &str) -> Option<Source> {
    b.sheet(meeting, None).rows.into_iter().find(|r| r.name == name).and_then(|r| r.source)
}

#[test]
fn a_mark_inside_the_window_is_the_organizers_after_it_is_asked_then_late() {
    let (mut b, meeting, m) = one_meeting(&["赵一", "钱二", "孙三"], MeetingKind::General, "");
    b.mark_on(DESK, (&meeting, &m[0]), A::Present, start() + 60, false).unwrap();
    assert_eq!(source(&b, &meeting, "赵一"), Some(Source::Organizer));
    // 04:42 the next morning: asked first, nothing recorded.
    let late = end() + 14 * 3600 + 42 * 60;
    assert_eq!(b.mark_on(DESK, (&meeting, &m[1]), A::Present, late, false).unwrap_err(), MarkProblem::LateEntry(end()));
    assert_eq!(b.sheet(&meeting, None).counts.waiting, 2);
    b.mark_on(DESK, (&meeting, &m[1]), A::Present, late, true).unwrap();
    assert_eq!(source(&b, &meeting, "钱二"), Some(Source::LateEntry));
    let counts = b.sheet(&meeting, None).counts;
    assert_eq!((counts.present, counts.late_entries, counts.self_checked), (2, 1, 0));
    // The window's last second is still inside it.
    b.mark_on(DESK, (&meeting, &m[2]), A::Present, end(), false).unwrap();
    assert_eq!(source(&b, &meeting, "孙三"), Some(Source::Organizer));
}

#[test]
fn before_the_window_only_leave_can_be_marked() {
    let (mut b, meeting, m) = one_meeting(&["赵一"], MeetingKind::General, "");
    let dawn = start() - 9 * 3600 - 18 * 60;
    let opens = start() - i64::from(b.settings().check_in_opens) * 60;
    assert_eq!(b.mark_on(DESK, (&meeting, &m[0]), A::Present, dawn, true).unwrap_err(), MarkProblem::NotOpenYet(opens));
    assert_eq!(b.mark_on(DESK, (&meeting, &m[0]), A::Absent, dawn, true).unwrap_err(), MarkProblem::NotOpenYet(opens));
    b.mark_on(DESK, (&meeting, &m[0]), A::Leave, dawn, false).unwrap();
    assert_eq!(source(&b, &meeting, "赵一"), Some(Source::Organizer));
}

#[test]
fn self_check_ins_and_late_entries_are_counted_apart() {
    let (mut b, meeting, m) = one_meeting(&["赵一", "钱二", "孙三"], MeetingKind::General, "");
    let key = SecretKey::from_seed([7; 32]);
    b.set(Setting::OrganizerKey(key.public().to_text()));
    let at = start() + 60;
    let code = key.token(&meeting, at).code();
    b.check_in_code("phone-1", (&meeting, &m[0]), &code, at).unwrap();
    b.mark_on(DESK, (&meeting, &m[1]), A::Present, end() + 60, true).unwrap();
    b.mark_on(DESK, (&meeting, &m[2]), A::Present, start(), false).unwrap();
    let counts = sheet::sheet(b.state(), &b.meeting(&meeting), &b.settings(), Some(&key)).counts;
    assert_eq!((counts.present, counts.self_checked, counts.late_entries), (3, 1, 1));
}

#[test]
fn late_or_not_comes_out_the_same_in_any_merge_order() {
    // A mark typed at 17:00 (after a 14:00–16:00 window); concurrently, a
    // second device moves the meeting to 15:00–17:00, which wins (later
    // clock): then the mark is inside the window, on every device.
    let (mut b, meeting, m) = one_meeting(&["赵一"], MeetingKind::General, "");
    let mark = b.mark_on(DESK, (&meeting, &m[0]), A::Present, end() + 3600, true).unwrap();
    let mut deputy = b.fork(1);
    let moved = deputy.edit(&meeting, |form| form.time = "15:00".into());
    let [moved] = <[_; 1]>::try_from(moved).unwrap();
    let all: Vec<_> = b.records.pending().cloned().collect();
    let base: Vec<_> = all.iter().filter(|e| !mark.contains(e)).cloned().collect();
    let orders = [
        [base.clone(), mark.clone(), vec![moved.clone()]].concat(),
        [base.clone(), vec![moved.clone()], mark.clone()].concat(),
        [vec![moved.clone()], mark.clone(), base.clone()].concat(),
    ];
    let sources: Vec<_> = orders
        .iter()
        .map(|events| {
            let state = State::fold(events.iter().rev());
            let held = state.meeting(&meeting).unwrap();
            assert_eq!(held.start, start() + 3600, "the move wins");
            sheet::sheet(&state, &held, &state.settings(), None).rows[0].source
        })
        .collect();
    assert_eq!(sources, vec![Some(Source::Organizer); 3]);
    // Without the move it is 补录, in any order too.
    for events in [[base.clone(), mark.clone()].concat(), [mark.clone(), base.clone()].concat()] {
        let state = State::fold(&events);
        let held = state.meeting(&meeting).unwrap();
        assert_eq!(sheet::sheet(&state, &held, &state.settings(), None).rows[0].source, Some(Source::LateEntry));
    }
}

#[test]
fn the_ledger_and_exports_say_bulu() {
    let (mut b, meeting, m) = one_meeting(&["赵一", "钱二"], MeetingKind::General, "");
    b.mark_on(DESK, (&meeting, &m[0]), A::Present, start(), false).unwrap();
    b.mark_on(DESK, (&meeting, &m[1]), A::Present, end() + 600, true).unwrap();
    let table = ledger::meeting_table(&b.sheet(&meeting, None), Zone::CST);
    let how: Vec<(&str, &str)> = table.rows.iter().map(|r| (r[0].as_str(), r[3].as_str())).collect();
    assert_eq!(how, [("钱二", "补录"), ("赵一", "组织者登记")]);
    assert!(String::from_utf8_lossy(&ledger::csv(&table)).contains("钱二,第一党小组,签到,补录,"));
    b.hold(&meeting);
    let year = ledger::year_table(b.state(), 2026);
    assert!(year.rows.iter().any(|r| r.contains(&"钱二".to_owned()) && r.contains(&"补录".to_owned())), "{year:?}");
}
