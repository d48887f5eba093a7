//! The compliance calendar on states made with the core's commands:
//! local (CST) period boundaries, overdue / due / upcoming, a row per
//! 党小组, cancelled and planned meetings not counting, the frequency
//! settings, and the score.

mod branch;

use branch::Branch;
use branch::{cancelled, held, plan};
use zhibu_core::compliance::{self, Calendar, Cell, CellStatus, Gap, Period, Span};
use zhibu_core::date::Date;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{Audience, Frequency, MeetingKind as K};
use zhibu_core::roster::{MemberFields, Role};
use zhibu_core::settings::Setting;
use zhibu_core::zone::Zone;

fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

fn add(b: &mut Branch, name: &str, group: &str) -> MemberId {
    b.member(MemberFields { group: group.into(), joined: None, ..branch::fields(name) })
}

/// A 支部书记, so a 支委会 has someone to expect.
fn secretary(b: &mut Branch, name: &str, group: &str) -> MemberId {
    b.member(MemberFields { group: group.into(), role: Role::Secretary, joined: None, ..branch::fields(name) })
}

fn calendar(b: &Branch, year: i32, now: i64) -> Calendar {
    compliance::calendar(b.state(), year, now, &b.settings())
}

/// Turns every requirement off except the given ones.
fn only(kinds: &[(K, Frequency)]) -> Vec<Setting> {
    K::ALL
        .iter()
        .map(|k| {
            let f = kinds.iter().find(|(kind, _)| kind == k).map_or(Frequency::None, |(_, f)| *f);
            Setting::Frequency(*k, f)
        })
        .collect()
}

fn row<'a>(cal: &'a Calendar, kind: K, group: Option<&str>) -> &'a [Cell] {
    &cal.rows.iter().find(|r| r.kind == kind && r.group.as_deref() == group).unwrap().cells
}

fn statuses(cells: &[Cell]) -> Vec<CellStatus> {
    cells.iter().map(|c| c.status.clone()).collect()
}

fn met(ids: &[&MeetingId]) -> CellStatus {
    CellStatus::Met { meetings: ids.iter().map(|id| (*id).clone()).collect(), appraisals: Vec::new() }
}

fn period(year: i32, span: Span, zone: Zone) -> Period {
    let frequency = match span {
        Span::Month(_) => Frequency::Monthly,
        Span::Quarter(_) => Frequency::Quarterly,
        Span::Year => Frequency::Yearly,
    };
    Period::of_year(year, frequency, zone).into_iter().find(|p| p.span == span).unwrap()
}

use CellStatus::{Due, Overdue, Upcoming};

// ---------------------------------------------------------------------------
// Compliance calendar.

#[test]
fn quarters_split_at_local_midnight() {
    let mut b = Branch::new();
    add(&mut b, "王建国", "");
    b.settings_change(only(&[(K::General, Frequency::Quarterly)]));
    let late_march = held(&mut b, "q1", K::General, Audience::Branch, local("2026-03-31", 23, 30));
    let early_april = held(&mut b, "q2", K::General, Audience::Branch, local("2026-04-01", 0, 30));
    let now = local("2026-05-15", 9, 0);

    let cal = calendar(&b, 2026, now);
    assert_eq!(cal.rows.len(), 1);
    assert_eq!(statuses(row(&cal, K::General, None)), [met(&[&late_march]), met(&[&early_april]), Upcoming, Upcoming]);
    assert_eq!(cal.score_permille, Some(1000));
    assert_eq!(cal.gaps, []);
    assert_eq!(cal.next_due, [(K::General, None, period(2026, Span::Quarter(3), Zone::CST))]);

    // The same two meetings for a branch on UTC: 00:30 on 1 April in Beijing
    // is 16:30 on 31 March, so both are in Q1 and Q2 is still due.
    b.settings_change(vec![Setting::Zone(Zone(0))]);
    let cal = calendar(&b, 2026, now);
    assert_eq!(statuses(row(&cal, K::General, None)), [met(&[&late_march, &early_april]), Due, Upcoming, Upcoming]);
    assert_eq!(cal.next_due, [(K::General, None, period(2026, Span::Quarter(2), Zone(0)))]);
}

#[test]
fn the_year_ends_at_local_midnight() {
    let mut b = Branch::new();
    add(&mut b, "王建国", "");
    b.settings_change(only(&[(K::LifeMeeting, Frequency::Yearly), (K::Appraisal, Frequency::Yearly)]));
    let new_years_eve = held(&mut b, "life", K::LifeMeeting, Audience::Branch, local("2026-12-31", 23, 0));
    let new_years_day = held(&mut b, "appraisal", K::Appraisal, Audience::Branch, local("2027-01-01", 0, 30));

    let cal = calendar(&b, 2026, local("2027-02-01", 9, 0));
    assert_eq!(statuses(row(&cal, K::LifeMeeting, None)), [met(&[&new_years_eve])]);
    assert_eq!(statuses(row(&cal, K::Appraisal, None)), [Overdue]);
    let year = period(2026, Span::Year, Zone::CST);
    assert_eq!(cal.gaps, [Gap { kind: K::Appraisal, group: None, period: year }]);
    assert_eq!(cal.score_permille, Some(500));
    assert_eq!(cal.next_due, []);

    let cal = calendar(&b, 2027, local("2027-03-01", 9, 0));
    assert_eq!(statuses(row(&cal, K::LifeMeeting, None)), [Due]);
    assert_eq!(statuses(row(&cal, K::Appraisal, None)), [met(&[&new_years_day])]);
    assert_eq!(cal.score_permille, Some(1000));
}

#[test]
fn overdue_due_and_upcoming_follow_now() {
    let mut b = Branch::new();
    add(&mut b, "王建国", "");
    b.settings_change(only(&[(K::Committee, Frequency::Monthly)]));

    let cal = calendar(&b, 2026, local("2026-05-10", 9, 0));
    let expected: Vec<CellStatus> = (1..=12)
        .map(|m| match m {
            1..=4 => Overdue,
            5 => Due,
            _ => Upcoming,
        })
        .collect();
    assert_eq!(statuses(row(&cal, K::Committee, None)), expected);
    assert_eq!(cal.score_permille, Some(0));
    let gap_months: Vec<Span> = cal.gaps.iter().map(|g| g.period.span).collect();
    assert_eq!(gap_months, [Span::Month(1), Span::Month(2), Span::Month(3), Span::Month(4)]);
    assert_eq!(cal.next_due, [(K::Committee, None, period(2026, Span::Month(5), Zone::CST))]);

    // At local midnight on 1 June, May is over and June is due.
    let cal = calendar(&b, 2026, local("2026-06-01", 0, 0));
    let cells = row(&cal, K::Committee, None);
    assert_eq!((cells[4].status.clone(), cells[5].status.clone(), cells[6].status.clone()), (Overdue, Due, Upcoming));
    // One second earlier, May is still due.
    let cal = calendar(&b, 2026, local("2026-06-01", 0, 0) - 1);
    assert_eq!(row(&cal, K::Committee, None)[4].status, Due);

    // Before the year begins nothing is overdue and there is no score.
    let cal = calendar(&b, 2026, local("2025-12-31", 23, 59));
    assert_eq!(statuses(row(&cal, K::Committee, None)), vec![Upcoming; 12]);
    assert_eq!((cal.score_permille, cal.gaps.len()), (None, 0));
    assert_eq!(cal.next_due, [(K::Committee, None, period(2026, Span::Month(1), Zone::CST))]);

    // After the year, every unmet month is overdue and nothing is next.
    let cal = calendar(&b, 2026, local("2027-01-01", 0, 0));
    assert_eq!(statuses(row(&cal, K::Committee, None)), vec![Overdue; 12]);
    assert_eq!((cal.score_permille, cal.gaps.len(), cal.next_due.len()), (Some(0), 12, 0));
}

#[test]
fn each_group_has_its_own_row() {
    let mut b = Branch::new();
    add(&mut b, "甲", "第十党小组");
    add(&mut b, "乙", "第二党小组");
    add(&mut b, "丙", "第一党小组");
    add(&mut b, "丁", "第二党小组");
    add(&mut b, "戊", "");
    let gone = add(&mut b, "己", "第三党小组");
    b.archive(&gone);
    b.settings_change(only(&[(K::Group, Frequency::Monthly)]));
    let second = held(&mut b, "g2", K::Group, Audience::Group("第二党小组".into()), local("2026-01-20", 14, 0));
    // A 党小组会 for the whole branch meets no group's requirement.
    held(&mut b, "all", K::Group, Audience::Branch, local("2026-02-20", 14, 0));
    let tenth = plan(&mut b, "g10", K::Group, Audience::Group("第十党小组".into()), local("2026-02-25", 14, 0));

    let cal = calendar(&b, 2026, local("2026-02-10", 9, 0));
    let groups: Vec<Option<&str>> = cal.rows.iter().map(|r| r.group.as_deref()).collect();
    assert_eq!(groups, [Some("第一党小组"), Some("第二党小组"), Some("第十党小组")]);
    assert!(cal.rows.iter().all(|r| r.kind == K::Group && r.cells.len() == 12));

    let first = row(&cal, K::Group, Some("第一党小组"));
    assert_eq!(statuses(&first[..3]), [Overdue, Due, Upcoming]);
    let second_row = row(&cal, K::Group, Some("第二党小组"));
    assert_eq!(statuses(&second_row[..3]), [met(&[&second]), Due, Upcoming]);
    let tenth_row = row(&cal, K::Group, Some("第十党小组"));
    assert_eq!(statuses(&tenth_row[..3]), [Overdue, Due, Upcoming]);
    assert_eq!(tenth_row[1].planned, [tenth]);
    assert_eq!(first[1].planned, []);

    let jan = period(2026, Span::Month(1), Zone::CST);
    let gap = |g: &str| Gap { kind: K::Group, group: Some(g.into()), period: jan };
    assert_eq!(cal.gaps, [gap("第一党小组"), gap("第十党小组")]);
    // 1 met of 3 met-or-overdue.
    assert_eq!(cal.score_permille, Some(333));
}

#[test]
fn cancelled_and_planned_meetings_do_not_count() {
    let mut b = Branch::new();
    // A 支委会 needs someone to expect: the one member is the 书记.
    secretary(&mut b, "王建国", "");
    b.settings_change(only(&[(K::Committee, Frequency::Monthly)]));
    cancelled(&mut b, "jan", K::Committee, Audience::Committee, local("2026-01-15", 9, 0));
    let feb = plan(&mut b, "feb", K::Committee, Audience::Committee, local("2026-02-15", 9, 0));
    let mar_held = held(&mut b, "mar-held", K::Committee, Audience::Branch, local("2026-03-10", 9, 0));
    let mar_plan = plan(&mut b, "mar-plan", K::Committee, Audience::Committee, local("2026-03-25", 9, 0));
    let apr = plan(&mut b, "apr", K::Committee, Audience::Committee, local("2026-04-20", 9, 0));
    // Another kind in the same month meets nothing here.
    held(&mut b, "lecture", K::Lecture, Audience::Branch, local("2026-01-20", 9, 0));

    let cal = calendar(&b, 2026, local("2026-04-15", 9, 0));
    let cells = row(&cal, K::Committee, None);
    assert_eq!(statuses(&cells[..5]), [Overdue, Overdue, met(&[&mar_held]), Due, Upcoming]);
    let planned: Vec<Vec<MeetingId>> = cells[..5].iter().map(|c| c.planned.clone()).collect();
    assert_eq!(planned, [vec![], vec![feb], vec![mar_plan], vec![apr], vec![]]);
    assert_eq!(cal.score_permille, Some(333));
}

#[test]
fn frequency_settings_shape_the_rows() {
    let mut b = Branch::new();
    // The 支委会 below needs someone to expect: 甲 is the 书记.
    secretary(&mut b, "甲", "第一党小组");
    add(&mut b, "乙", "第二党小组");
    let shape = |cal: &Calendar| -> Vec<(K, Option<String>, Frequency, usize)> {
        cal.rows.iter().map(|r| (r.kind, r.group.clone(), r.frequency, r.cells.len())).collect()
    };
    let now = local("2026-01-05", 9, 0);
    let group = |g: &str| Some(g.to_string());

    // The national defaults: 其他学习 is not required.
    assert_eq!(
        shape(&calendar(&b, 2026, now)),
        [
            (K::General, None, Frequency::Quarterly, 4),
            (K::Committee, None, Frequency::Monthly, 12),
            (K::Group, group("第一党小组"), Frequency::Monthly, 12),
            (K::Group, group("第二党小组"), Frequency::Monthly, 12),
            (K::Lecture, None, Frequency::Quarterly, 4),
            (K::ThemeDay, None, Frequency::Monthly, 12),
            (K::LifeMeeting, None, Frequency::Yearly, 1),
            (K::Appraisal, None, Frequency::Yearly, 1),
        ]
    );

    b.settings_change(vec![
        Setting::Frequency(K::Committee, Frequency::Quarterly),
        Setting::Frequency(K::Group, Frequency::Quarterly),
        Setting::Frequency(K::ThemeDay, Frequency::None),
        Setting::Frequency(K::Study, Frequency::Yearly),
    ]);
    let committee = held(&mut b, "c", K::Committee, Audience::Committee, local("2026-02-10", 9, 0));
    let cal = calendar(&b, 2026, now);
    assert_eq!(
        shape(&cal),
        [
            (K::General, None, Frequency::Quarterly, 4),
            (K::Committee, None, Frequency::Quarterly, 4),
            (K::Group, group("第一党小组"), Frequency::Quarterly, 4),
            (K::Group, group("第二党小组"), Frequency::Quarterly, 4),
            (K::Lecture, None, Frequency::Quarterly, 4),
            (K::LifeMeeting, None, Frequency::Yearly, 1),
            (K::Appraisal, None, Frequency::Yearly, 1),
            (K::Study, None, Frequency::Yearly, 1),
        ]
    );
    // A February 支委会 now meets the first quarter.
    assert_eq!(statuses(row(&cal, K::Committee, None)), [met(&[&committee]), Upcoming, Upcoming, Upcoming]);
}

#[test]
fn score_counts_met_against_met_or_overdue() {
    let mut b = Branch::new();
    add(&mut b, "王建国", "");
    b.settings_change(only(&[(K::General, Frequency::Quarterly), (K::Committee, Frequency::Monthly)]));
    let on = |b: &mut Branch, id: &str, kind: K, date: &str| held(b, id, kind, Audience::Branch, local(date, 9, 0));
    let c1 = on(&mut b, "c1", K::Committee, "2026-01-12");
    let c2 = on(&mut b, "c2", K::Committee, "2026-02-12");
    let c5 = on(&mut b, "c5", K::Committee, "2026-05-12");
    let c7 = on(&mut b, "c7", K::Committee, "2026-07-03");
    let g1 = on(&mut b, "g1", K::General, "2026-02-20");
    // Two in one month: both are listed, the month counts once.
    let c1b = on(&mut b, "c1b", K::Committee, "2026-01-28");

    let cal = calendar(&b, 2026, local("2026-07-10", 9, 0));
    assert_eq!(statuses(row(&cal, K::General, None)), [met(&[&g1]), Overdue, Due, Upcoming]);
    let committee = statuses(row(&cal, K::Committee, None));
    assert_eq!(
        committee[..8],
        [met(&[&c1, &c1b]), met(&[&c2]), Overdue, Overdue, met(&[&c5]), Overdue, met(&[&c7]), Upcoming]
    );
    // Met: G-Q1, C-Jan, Feb, May, Jul (due and already met) = 5; overdue:
    // G-Q2, C-Mar, Apr, Jun = 4; G-Q3 (due, unmet) does not count.
    assert_eq!(cal.score_permille, Some(555));
    let cst = |span| period(2026, span, Zone::CST);
    let gap = |kind, span| Gap { kind, group: None, period: cst(span) };
    // Oldest first; on 1 April the quarter (earlier row) comes before the month.
    assert_eq!(
        cal.gaps,
        [
            gap(K::Committee, Span::Month(3)),
            gap(K::General, Span::Quarter(2)),
            gap(K::Committee, Span::Month(4)),
            gap(K::Committee, Span::Month(6)),
        ]
    );
    assert_eq!(cal.next_due, [(K::General, None, cst(Span::Quarter(3))), (K::Committee, None, cst(Span::Month(8)))]);
}

// ---------------------------------------------------------------------------
