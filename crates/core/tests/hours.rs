//! 学时 on states made with the core's commands: the counting rule, hours
//! as typed, a session's credit, targets by post and exempt members, year
//! boundaries in the branch's zone, and where hours come from.

mod branch;

use branch::Branch;
use branch::Hours;
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::date::Date;
use zhibu_core::hours;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingKind as K, MeetingValue as V};
use zhibu_core::roster::{MemberFields, Role};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::study::StudyState;
use zhibu_core::zone::Zone;

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A wall-clock time in Beijing.
fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(day(date), hour, minute).unwrap()
}

fn add_with(b: &mut Branch, name: &str, role: Role, exempt: bool) -> MemberId {
    b.member(MemberFields { role, exempt, ..branch::fields(name) })
}

fn add(b: &mut Branch, name: &str, role: Role) -> MemberId {
    add_with(b, name, role, false)
}

// ---------------------------------------------------------------------------

#[test]
fn the_counting_rule_gives_full_days_half_days_and_whole_half_hours() {
    let defaults = Settings::default();
    for (minutes, tenths) in [
        (0, 0),
        (20, 0),
        (29, 0),
        (30, 5),
        (45, 5),
        (59, 5),
        (60, 10),
        (90, 15),
        (179, 25),
        (180, 40),
        (359, 40),
        (360, 80),
        (480, 80),
        (1440, 80),
    ] {
        assert_eq!(hours::rule(minutes, &defaults), tenths, "{minutes} minutes");
    }

    let mut b = Branch::named();
    b.set(Setting::FullDayHours(7));
    b.set(Setting::HalfDayHours(3));
    let set = b.settings();
    assert_eq!((set.full_day_hours, set.half_day_hours), (7, 3));
    assert_eq!(hours::rule(360, &set), 70);
    assert_eq!(hours::rule(359, &set), 30);
    assert_eq!(hours::rule(180, &set), 30);
    // Shorter sessions keep the half-hour rule.
    assert_eq!(hours::rule(179, &set), 25);
    assert_eq!(hours::rule(90, &set), 15);
}

#[test]
fn hours_are_read_as_people_type_them_and_written_back() {
    for (text, tenths) in [
        ("1.5", 15),
        ("2", 20),
        ("1.5学时", 15),
        ("3h", 30),
        ("3H", 30),
        (" 2 ", 20),
        ("0.5", 5),
        ("1。5", 15),
        ("24", 240),
        ("0", 0),
    ] {
        assert_eq!(hours::parse(text), Some(tenths), "{text:?}");
    }
    for text in ["-1", "1.25", "abc", "", " ", "1.", ".5", "学时", "h", "1,5", "+1", "12345", "1.5.5", "一"] {
        assert_eq!(hours::parse(text), None, "{text:?}");
    }
    for (tenths, text) in [(0, "0"), (5, "0.5"), (15, "1.5"), (80, "8"), (560, "56"), (1234, "123.4")] {
        assert_eq!(hours::format(tenths), text);
    }
    for tenths in 0..2000 {
        assert_eq!(hours::parse(&hours::format(tenths)), Some(tenths));
    }
}

#[test]
fn a_sessions_credit_is_the_organizers_override_or_the_rule() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let at = local("2026-03-10", 14, 0);
    let by_rule = b.meeting_for(K::Training, None, Audience::Branch, (at, 90), None);
    let overridden = b.meeting_for(K::Training, None, Audience::Branch, (at + 86_400, 90), Some(40));
    let zero = b.meeting_for(K::Training, None, Audience::Branch, (at + 2 * 86_400, 400), Some(0));
    let settings = b.settings();
    assert_eq!(hours::credit(&b.meeting(&by_rule), &settings), 15);
    assert_eq!(hours::credit(&b.meeting(&overridden), &settings), 40);
    assert_eq!(hours::credit(&b.meeting(&zero), &settings), 0);

    b.present(&by_rule, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 15);
    b.present(&overridden, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 55);
    b.present(&zero, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 55);
    // Clearing the override goes back to the rule.
    b.edit(&overridden, |form| form.credit = String::new());
    assert_eq!(b.hours(2026, &a).training, 30);

    // The form: empty for the rule, hours as typed otherwise, and back.
    let draft = MeetingDraft {
        kind: Some(K::Training),
        topic: "专题培训".into(),
        date: "2026-03-20".into(),
        time: "09:00".into(),
        minutes: "90".into(),
        credit: " 4学时 ".into(),
        ..MeetingDraft::default()
    };
    let values = draft.validate(b.state(), Zone::CST).unwrap();
    assert!(values.contains(&V::Credit(Some(40))), "{values:?}");
    let rule = MeetingDraft { credit: String::new(), ..draft.clone() }.validate(b.state(), Zone::CST).unwrap();
    assert!(rule.contains(&V::Credit(None)), "{rule:?}");
    let id = b.plan_draft(&MeetingDraft { credit: "1.5".into(), ..draft });
    assert_eq!(MeetingDraft::of(&b.meeting(&id), Zone::CST).credit, "1.5");
}

// ---------------------------------------------------------------------------
// 2. Targets by post, exempt members.

#[test]
fn committee_posts_have_the_higher_target_and_settings_change_both() {
    let defaults = Settings::default();
    for (role, target) in [
        (Role::Secretary, 56),
        (Role::DeputySecretary, 56),
        (Role::OrganizationCommissioner, 56),
        (Role::PropagandaCommissioner, 56),
        (Role::DisciplineCommissioner, 56),
        (Role::GroupLeader, 32),
        (Role::Member, 32),
    ] {
        assert_eq!(hours::target(role, &defaults), target, "{role:?}");
    }

    let mut b = Branch::named();
    let secretary = add(&mut b, "书记", Role::Secretary);
    let leader = add(&mut b, "组长", Role::GroupLeader);
    let member = add(&mut b, "党员", Role::Member);
    let target = |b: &Branch, m: &MemberId| b.hours(2026, m).target;
    assert_eq!((target(&b, &secretary), target(&b, &leader), target(&b, &member)), (560, 320, 320));

    b.set(Setting::TargetMember(40));
    b.set(Setting::TargetCommittee(60));
    assert_eq!(hours::target(Role::Member, &b.settings()), 40);
    assert_eq!(hours::target(Role::DisciplineCommissioner, &b.settings()), 60);
    assert_eq!((target(&b, &secretary), target(&b, &leader), target(&b, &member)), (600, 400, 400));
}

#[test]
fn exempt_members_are_listed_but_never_behind() {
    let mut b = Branch::named();
    let old = add_with(&mut b, "年老体弱", Role::Member, true);
    let active = add(&mut b, "在职党员", Role::Member);
    let gone = add(&mut b, "转出", Role::Member);
    b.archive(&gone);
    b.set(Setting::TargetMember(2));

    let year = b.year(2026);
    let ids: Vec<&MemberId> = year.lines.iter().map(|l| &l.member.id).collect();
    assert_eq!(ids, vec![&old, &active], "archived members are left out");
    let old_line = b.hours(2026, &old);
    assert!(old_line.exempt());
    assert!(!old_line.behind());
    assert_eq!((old_line.total(), old_line.left(), old_line.target), (0, 20, 20));
    assert!(b.hours(2026, &active).behind());

    // Reaching the target: not behind, progress capped.
    let first = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-03-10", 14, 0), 90), None);
    b.present(&first, &[&old, &active]);
    let line = b.hours(2026, &active);
    assert_eq!((line.total(), line.left(), line.progress_permille()), (15, 5, 750));
    assert!(line.behind());
    let second = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-03-11", 14, 0), 90), None);
    b.present(&second, &[&active]);
    let line = b.hours(2026, &active);
    assert_eq!((line.total(), line.left(), line.progress_permille()), (30, 0, 1000));
    assert!(!line.behind());
    assert!(!b.hours(2026, &old).behind());
}

// ---------------------------------------------------------------------------
// 3. Year boundaries in the branch's zone.

#[test]
fn a_session_belongs_to_the_year_of_its_local_start() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let late = local("2026-12-31", 23, 0);
    let early = local("2027-01-01", 0, 30);
    let new_years_eve = b.meeting_for(K::Training, None, Audience::Branch, (late, 120), None);
    let new_year = b.meeting_for(K::Training, None, Audience::Branch, (early, 60), None);
    b.present(&new_years_eve, &[&a]);
    b.present(&new_year, &[&a]);
    let eve = b.study(&a, "2026-12-31", 5);
    b.set(Setting::SelfStudyConfirm(false));
    assert_eq!(b.entry(&eve).state, StudyState::Confirmed);

    assert_eq!(b.totals(2026, &a), (20, 0, 5, 0));
    assert_eq!(b.totals(2027, &a), (10, 0, 0, 0));
    let (y2026, y2027) = (b.year(2026), b.year(2027));
    assert_eq!(y2026.months[11], 25);
    assert_eq!(y2026.months.iter().sum::<u32>(), 25);
    assert_eq!(y2027.months[0], 10);
    assert_eq!(y2027.months.iter().sum::<u32>(), 10);

    // In UTC both instants are on 31 December (15:00 and 16:30).
    b.set(Setting::Zone(Zone(0)));
    assert_eq!(b.totals(2026, &a), (30, 0, 5, 0));
    assert_eq!(b.totals(2027, &a), (0, 0, 0, 0));
    assert_eq!(b.year(2026).months[11], 35);
    assert_eq!(b.year(2027).months, [0; 12]);

    // Nine hours west of UTC both are on the morning of 31 December.
    b.set(Setting::Zone(Zone(-9 * 60)));
    assert_eq!(b.totals(2026, &a), (30, 0, 5, 0));
    assert_eq!(b.year(2026).months[11], 35);
}

#[test]
fn days_left_count_today_and_the_branchs_zone() {
    let cst = Settings::default();
    let utc = Settings { zone: Zone(0), ..Settings::default() };
    assert_eq!(hours::days_left(2026, local("2025-06-01", 12, 0), &cst), 365, "before the year: all of it");
    assert_eq!(hours::days_left(2026, local("2025-12-31", 23, 59), &cst), 365);
    assert_eq!(hours::days_left(2026, local("2026-01-01", 0, 0), &cst), 365);
    assert_eq!(hours::days_left(2026, local("2026-01-01", 23, 59), &cst), 365);
    assert_eq!(hours::days_left(2026, local("2026-01-02", 0, 0), &cst), 364);
    assert_eq!(hours::days_left(2026, local("2026-12-30", 12, 0), &cst), 2);
    assert_eq!(hours::days_left(2026, local("2026-12-31", 0, 0), &cst), 1, "today counts");
    assert_eq!(hours::days_left(2026, local("2026-12-31", 23, 59), &cst), 1);
    assert_eq!(hours::days_left(2026, local("2027-01-01", 0, 0), &cst), 0);
    assert_eq!(hours::days_left(2026, local("2030-05-01", 0, 0), &cst), 0);
    assert_eq!(hours::days_left(2028, local("2027-03-01", 0, 0), &cst), 366, "a leap year");
    assert_eq!(hours::days_left(2028, local("2028-12-31", 9, 0), &cst), 1);
    // 1 January 04:00 in Beijing is 31 December 20:00 in UTC.
    let now = local("2027-01-01", 4, 0);
    assert_eq!(hours::days_left(2026, now, &cst), 0);
    assert_eq!(hours::days_left(2026, now, &utc), 1);
    assert_eq!(hours::days_left(2027, now, &cst), 365);
    assert_eq!(hours::days_left(2027, now, &utc), 365);
}

// ---------------------------------------------------------------------------
// 4. Where hours come from.

#[test]
fn attended_trainings_and_counted_meetings_earn_hours() {
    let mut b = Branch::named();
    let present = add(&mut b, "签到", Role::Member);
    let late = add(&mut b, "迟到", Role::Member);
    let left = add(&mut b, "早退", Role::Member);
    let leave = add(&mut b, "请假", Role::Member);
    let absent = add(&mut b, "缺席", Role::Member);
    let unmarked = add(&mut b, "未记", Role::Member);
    let everyone = [&present, &late, &left, &leave, &absent];

    let training = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-03-10", 14, 0), 90), None);
    let lecture = b.meeting_for(K::Lecture, None, Audience::Branch, (local("2026-04-15", 9, 0), 120), None);
    let general = b.meeting_for(K::General, None, Audience::Branch, (local("2026-04-20", 9, 0), 60), None);
    let other = b.meeting_for(K::Study, None, Audience::Branch, (local("2026-04-22", 9, 0), 60), None);
    let cancelled = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-05-10", 9, 0), 180), None);
    for meeting in [&training, &lecture, &general, &other, &cancelled] {
        for (member, status) in everyone.iter().zip([A::Present, A::Late, A::LeftEarly, A::Leave, A::Absent]) {
            b.mark(meeting, member, status);
        }
    }
    b.cancel(&cancelled, "下雨");
    assert!(b.meeting(&cancelled).is_cancelled());

    for member in [&present, &late, &left] {
        assert_eq!(b.totals(2026, member), (15, 20, 0, 0), "{member}");
    }
    for member in [&leave, &absent, &unmarked] {
        assert_eq!(b.totals(2026, member), (0, 0, 0, 0), "{member}");
    }
    let months = b.year(2026).months;
    assert_eq!((months[2], months[3], months[4]), (45, 60, 0));
    assert_eq!(months.iter().sum::<u32>(), 105);
    let credits = &b.year(2026).credits[&present];
    let from: Vec<(Option<&MeetingId>, u32)> =
        credits.iter().map(|c| (c.meeting.as_ref().map(|m| &m.id), c.tenths)).collect();
    assert_eq!(from, vec![(Some(&training), 15), (Some(&lecture), 20)]);
    assert!(!b.year(2026).credits.contains_key(&absent));

    // 支部党员大会 counts once the branch says so; 党课 stops when it says not.
    b.set(Setting::CountsHours(K::General, true));
    assert_eq!(b.totals(2026, &late), (15, 30, 0, 0));
    assert_eq!(b.year(2026).months[3], 90);
    b.set(Setting::CountsHours(K::Lecture, false));
    assert_eq!(b.totals(2026, &late), (15, 10, 0, 0));
    assert_eq!(b.year(2026).months[3], 30);
    // Training always counts; a cancelled one never does.
    b.set(Setting::CountsHours(K::Training, false));
    assert_eq!(b.totals(2026, &left), (15, 10, 0, 0));
    b.set(Setting::CountsHours(K::Study, true));
    assert_eq!(b.totals(2026, &left), (15, 20, 0, 0));
    assert_eq!(b.totals(2026, &leave), (0, 0, 0, 0));

    // A mark corrected to 缺席 takes the hours back.
    b.mark(&training, &present, A::Absent);
    assert_eq!(b.totals(2026, &present), (0, 20, 0, 0));
    // Nothing leaks into another year.
    assert_eq!(b.year(2025).months, [0; 12]);
    assert_eq!(b.year(2027).months, [0; 12]);
}

#[test]
fn a_held_session_credits_its_frozen_attendees_in_their_month() {
    let mut b = Branch::named();
    let a = add(&mut b, "王建国", Role::Member);
    let c = add(&mut b, "李秀英", Role::Member);
    let march = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-03-31", 23, 30), 200), None);
    let april = b.meeting_for(K::Training, None, Audience::Branch, (local("2026-04-01", 0, 0), 400), None);
    b.present(&march, &[&a, &c]);
    b.present(&april, &[&a]);
    b.hold(&april);
    assert_eq!(b.totals(2026, &a), (120, 0, 0, 0));
    assert_eq!(b.totals(2026, &c), (40, 0, 0, 0));
    let months = b.year(2026).months;
    assert_eq!((months[2], months[3]), (80, 80));
}
