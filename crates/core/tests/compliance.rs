//! The compliance calendar and the alerts, on real states made with
//! `Records::record`: local (CST) period boundaries, overdue / due /
//! upcoming, per-group rows, the score, absences, the six-month gap and
//! monthly 出勤率.

use zhibu_core::alerts::{self, Alert, MemberLine};
use zhibu_core::attendance::{Attendance, AttendanceStatus as A};
use zhibu_core::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp, Proof};
use zhibu_core::compliance::{self, Calendar, Cell, CellStatus, Gap, Period, Span};
use zhibu_core::date::Date;
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::{Audience, Frequency, MeetingKind as K, MeetingStatus, MeetingValue as V};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::sheet::Source;
use zhibu_core::state::State;
use zhibu_core::zone::Zone;

fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

fn mid(name: &str) -> MeetingId {
    MeetingId(name.into())
}

struct Branch {
    records: Records,
    n: u64,
    members: u32,
}

impl Branch {
    fn new() -> Branch {
        Branch { records: Records::default(), n: 0, members: 0 }
    }

    fn record(&mut self, payload: Payload) {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.n.to_le_bytes());
        let stamp = EventStamp {
            device: DeviceId("organizer".into()),
            actor: None,
            unix_ms: 1_773_000_000_000 + self.n as i64,
            random,
        };
        self.records.record(stamp, payload);
    }

    fn state(&self) -> &State {
        self.records.state()
    }

    fn settings(&self) -> Settings {
        self.state().settings()
    }

    fn add(&mut self, name: &str, group: &str) -> MemberId {
        self.members += 1;
        let member = MemberId(format!("m{:02}", self.members));
        let fields = MemberFields {
            name: name.into(),
            group: group.into(),
            status: Status::Full,
            role: Role::Member,
            joined: None,
            phone: None,
            exempt: false,
        };
        self.record(Payload::MemberAdded { member: member.clone(), fields });
        member
    }

    fn set(&mut self, changes: Vec<Setting>) {
        self.record(Payload::SettingsChanged { changes });
    }

    fn save(&mut self, id: &str, kind: K, audience: Audience, start: i64, status: MeetingStatus) -> MeetingId {
        let meeting = mid(id);
        let changes = vec![
            V::Kind(kind),
            V::Topic(format!("主题 {id}")),
            V::Start(start),
            V::Minutes(90),
            V::Audience(audience),
            V::Status(status),
        ];
        self.record(Payload::MeetingSaved { meeting: meeting.clone(), changes });
        meeting
    }

    /// A meeting held with its audience as the roster stands now.
    fn held(&mut self, id: &str, kind: K, audience: Audience, start: i64) -> MeetingId {
        let expected = audience.expected(self.state());
        self.save(id, kind, audience, start, MeetingStatus::Held { expected })
    }

    fn planned(&mut self, id: &str, kind: K, audience: Audience, start: i64) -> MeetingId {
        self.save(id, kind, audience, start, MeetingStatus::Planned)
    }

    fn cancelled(&mut self, id: &str, kind: K, audience: Audience, start: i64) -> MeetingId {
        self.save(id, kind, audience, start, MeetingStatus::Cancelled { reason: "台风".into() })
    }

    fn mark(&mut self, meeting: &MeetingId, member: &MemberId, status: A) {
        let mark = Attendance { status, at: None, by_self: false };
        self.record(Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark });
    }

    fn leave(&mut self, meeting: &MeetingId, member: &MemberId, approved: bool) {
        let request = LeaveRequest { reason: "出差".into(), withdrawn: false };
        self.record(Payload::LeaveRequested { meeting: meeting.clone(), member: member.clone(), request });
        let decision = LeaveDecision { approved, note: String::new() };
        self.record(Payload::LeaveDecided { meeting: meeting.clone(), member: member.clone(), decision });
    }

    fn make_up(&mut self, meeting: &MeetingId, member: &MemberId, date: &str) {
        let make_up =
            MakeUp { date: Date::parse(date).unwrap(), what: "自学党章".into(), confirmed_by: "书记".into() };
        self.record(Payload::MadeUp { meeting: meeting.clone(), member: member.clone(), make_up });
    }

    fn archive(&mut self, member: &MemberId) {
        self.record(Payload::MemberArchived { member: member.clone() });
    }

    fn calendar(&self, year: i32, now: i64) -> Calendar {
        compliance::calendar(self.state(), year, now, &self.settings())
    }
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
    CellStatus::Met { meetings: ids.iter().map(|id| (*id).clone()).collect() }
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
    b.add("王建国", "");
    b.set(only(&[(K::General, Frequency::Quarterly)]));
    let late_march = b.held("q1", K::General, Audience::Branch, local("2026-03-31", 23, 30));
    let early_april = b.held("q2", K::General, Audience::Branch, local("2026-04-01", 0, 30));
    let now = local("2026-05-15", 9, 0);

    let cal = b.calendar(2026, now);
    assert_eq!(cal.rows.len(), 1);
    assert_eq!(statuses(row(&cal, K::General, None)), [met(&[&late_march]), met(&[&early_april]), Upcoming, Upcoming]);
    assert_eq!(cal.score_permille, Some(1000));
    assert_eq!(cal.gaps, []);
    assert_eq!(cal.next_due, [(K::General, None, period(2026, Span::Quarter(3), Zone::CST))]);

    // The same two meetings for a branch on UTC: 00:30 on 1 April in Beijing
    // is 16:30 on 31 March, so both are in Q1 and Q2 is still due.
    b.set(vec![Setting::Zone(Zone(0))]);
    let cal = b.calendar(2026, now);
    assert_eq!(statuses(row(&cal, K::General, None)), [met(&[&late_march, &early_april]), Due, Upcoming, Upcoming]);
    assert_eq!(cal.next_due, [(K::General, None, period(2026, Span::Quarter(2), Zone(0)))]);
}

#[test]
fn the_year_ends_at_local_midnight() {
    let mut b = Branch::new();
    b.add("王建国", "");
    b.set(only(&[(K::LifeMeeting, Frequency::Yearly), (K::Appraisal, Frequency::Yearly)]));
    let new_years_eve = b.held("life", K::LifeMeeting, Audience::Branch, local("2026-12-31", 23, 0));
    let new_years_day = b.held("appraisal", K::Appraisal, Audience::Branch, local("2027-01-01", 0, 30));

    let cal = b.calendar(2026, local("2027-02-01", 9, 0));
    assert_eq!(statuses(row(&cal, K::LifeMeeting, None)), [met(&[&new_years_eve])]);
    assert_eq!(statuses(row(&cal, K::Appraisal, None)), [Overdue]);
    let year = period(2026, Span::Year, Zone::CST);
    assert_eq!(cal.gaps, [Gap { kind: K::Appraisal, group: None, period: year }]);
    assert_eq!(cal.score_permille, Some(500));
    assert_eq!(cal.next_due, []);

    let cal = b.calendar(2027, local("2027-03-01", 9, 0));
    assert_eq!(statuses(row(&cal, K::LifeMeeting, None)), [Due]);
    assert_eq!(statuses(row(&cal, K::Appraisal, None)), [met(&[&new_years_day])]);
    assert_eq!(cal.score_permille, Some(1000));
}

#[test]
fn overdue_due_and_upcoming_follow_now() {
    let mut b = Branch::new();
    b.add("王建国", "");
    b.set(only(&[(K::Committee, Frequency::Monthly)]));

    let cal = b.calendar(2026, local("2026-05-10", 9, 0));
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
    let cal = b.calendar(2026, local("2026-06-01", 0, 0));
    let cells = row(&cal, K::Committee, None);
    assert_eq!((cells[4].status.clone(), cells[5].status.clone(), cells[6].status.clone()), (Overdue, Due, Upcoming));
    // One second earlier, May is still due.
    let cal = b.calendar(2026, local("2026-06-01", 0, 0) - 1);
    assert_eq!(row(&cal, K::Committee, None)[4].status, Due);

    // Before the year begins nothing is overdue and there is no score.
    let cal = b.calendar(2026, local("2025-12-31", 23, 59));
    assert_eq!(statuses(row(&cal, K::Committee, None)), vec![Upcoming; 12]);
    assert_eq!((cal.score_permille, cal.gaps.len()), (None, 0));
    assert_eq!(cal.next_due, [(K::Committee, None, period(2026, Span::Month(1), Zone::CST))]);

    // After the year, every unmet month is overdue and nothing is next.
    let cal = b.calendar(2026, local("2027-01-01", 0, 0));
    assert_eq!(statuses(row(&cal, K::Committee, None)), vec![Overdue; 12]);
    assert_eq!((cal.score_permille, cal.gaps.len(), cal.next_due.len()), (Some(0), 12, 0));
}

#[test]
fn each_group_has_its_own_row() {
    let mut b = Branch::new();
    b.add("甲", "第十党小组");
    b.add("乙", "第二党小组");
    b.add("丙", "第一党小组");
    b.add("丁", "第二党小组");
    b.add("戊", "");
    let gone = b.add("己", "第三党小组");
    b.archive(&gone);
    b.set(only(&[(K::Group, Frequency::Monthly)]));
    let second = b.held("g2", K::Group, Audience::Group("第二党小组".into()), local("2026-01-20", 14, 0));
    // A 党小组会 for the whole branch meets no group's requirement.
    b.held("all", K::Group, Audience::Branch, local("2026-02-20", 14, 0));
    let tenth = b.planned("g10", K::Group, Audience::Group("第十党小组".into()), local("2026-02-25", 14, 0));

    let cal = b.calendar(2026, local("2026-02-10", 9, 0));
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
    b.add("王建国", "");
    b.set(only(&[(K::Committee, Frequency::Monthly)]));
    b.cancelled("jan", K::Committee, Audience::Committee, local("2026-01-15", 9, 0));
    let feb = b.planned("feb", K::Committee, Audience::Committee, local("2026-02-15", 9, 0));
    let mar_held = b.held("mar-held", K::Committee, Audience::Branch, local("2026-03-10", 9, 0));
    let mar_plan = b.planned("mar-plan", K::Committee, Audience::Committee, local("2026-03-25", 9, 0));
    let apr = b.planned("apr", K::Committee, Audience::Committee, local("2026-04-20", 9, 0));
    // Another kind in the same month meets nothing here.
    b.held("lecture", K::Lecture, Audience::Branch, local("2026-01-20", 9, 0));

    let cal = b.calendar(2026, local("2026-04-15", 9, 0));
    let cells = row(&cal, K::Committee, None);
    assert_eq!(statuses(&cells[..5]), [Overdue, Overdue, met(&[&mar_held]), Due, Upcoming]);
    let planned: Vec<Vec<MeetingId>> = cells[..5].iter().map(|c| c.planned.clone()).collect();
    assert_eq!(planned, [vec![], vec![feb], vec![mar_plan], vec![apr], vec![]]);
    assert_eq!(cal.score_permille, Some(333));
}

#[test]
fn frequency_settings_shape_the_rows() {
    let mut b = Branch::new();
    b.add("甲", "第一党小组");
    b.add("乙", "第二党小组");
    let shape = |cal: &Calendar| -> Vec<(K, Option<String>, Frequency, usize)> {
        cal.rows.iter().map(|r| (r.kind, r.group.clone(), r.frequency, r.cells.len())).collect()
    };
    let now = local("2026-01-05", 9, 0);
    let group = |g: &str| Some(g.to_string());

    // The national defaults: 其他学习 is not required.
    assert_eq!(
        shape(&b.calendar(2026, now)),
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

    b.set(vec![
        Setting::Frequency(K::Committee, Frequency::Quarterly),
        Setting::Frequency(K::Group, Frequency::Quarterly),
        Setting::Frequency(K::ThemeDay, Frequency::None),
        Setting::Frequency(K::Study, Frequency::Yearly),
    ]);
    let committee = b.held("c", K::Committee, Audience::Committee, local("2026-02-10", 9, 0));
    let cal = b.calendar(2026, now);
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
    b.add("王建国", "");
    b.set(only(&[(K::General, Frequency::Quarterly), (K::Committee, Frequency::Monthly)]));
    let held = |b: &mut Branch, id: &str, kind: K, date: &str| b.held(id, kind, Audience::Branch, local(date, 9, 0));
    let c1 = held(&mut b, "c1", K::Committee, "2026-01-12");
    let c2 = held(&mut b, "c2", K::Committee, "2026-02-12");
    let c5 = held(&mut b, "c5", K::Committee, "2026-05-12");
    let c7 = held(&mut b, "c7", K::Committee, "2026-07-03");
    let g1 = held(&mut b, "g1", K::General, "2026-02-20");
    // Two in one month: both are listed, the month counts once.
    let c1b = held(&mut b, "c1b", K::Committee, "2026-01-28");

    let cal = b.calendar(2026, local("2026-07-10", 9, 0));
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
// Alerts.

/// Four monthly branch meetings in 2026 (and one in December 2025), held
/// with everyone expected.
fn four_meetings(b: &mut Branch) -> Vec<MeetingId> {
    b.held("old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
    ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"]
        .iter()
        .enumerate()
        .map(|(i, d)| b.held(&format!("t{i}"), K::ThemeDay, Audience::Branch, local(d, 9, 0)))
        .collect()
}

#[test]
fn three_unexcused_absences_raise_an_alert_two_do_not() {
    let mut b = Branch::new();
    let wang = b.add("王芳", "");
    let li = b.add("李强", "");
    let chen = b.add("陈刚", "");
    let zhao = b.add("赵敏", "");
    let ms = four_meetings(&mut b);
    let old = mid("old");
    // 王芳: three absences (nothing recorded at three: derived 缺席).
    b.mark(&ms[3], &wang, A::Present);
    // 李强: two absences, plus one in 2025 that is another year's.
    b.mark(&ms[0], &li, A::Present);
    b.mark(&ms[1], &li, A::Late);
    b.mark(&old, &li, A::Absent);
    // 陈刚: two absences and a refused leave, which is still 缺席.
    b.mark(&ms[0], &chen, A::Present);
    b.leave(&ms[1], &chen, false);
    // 赵敏: two absences and an approved leave, which is not.
    b.mark(&ms[0], &zhao, A::Present);
    b.leave(&ms[1], &zhao, true);
    for m in [&old] {
        for who in [&wang, &chen, &zhao] {
            b.mark(m, who, A::Present);
        }
    }

    let now = local("2026-05-01", 9, 0);
    let alerts = alerts::alerts(b.state(), 2026, now, &b.settings(), None);
    // 陈 (chen) before 王 (wang): names in 拼音 order.
    assert_eq!(
        alerts,
        [
            Alert::Absences { member: chen.clone(), count: 3, meetings: ms[1..].to_vec() },
            Alert::Absences { member: wang.clone(), count: 3, meetings: ms[..3].to_vec() },
        ]
    );

    // A stricter branch alerts at two; 赵敏's leave still doesn't count,
    // and 2025 has only 李强's one absence.
    let mut strict = b.settings();
    strict.absence_alert = 2;
    let members: Vec<(MemberId, u32)> = alerts::alerts(b.state(), 2026, now, &strict, None)
        .into_iter()
        .map(|a| match a {
            Alert::Absences { member, count, .. } => (member, count),
            other => panic!("{other:?}"),
        })
        .collect();
    // Most absences first, then 拼音 order.
    assert_eq!(members, [(chen.clone(), 3), (wang.clone(), 3), (li.clone(), 2), (zhao.clone(), 2)]);
    strict.absence_alert = 1;
    assert_eq!(
        alerts::alerts(b.state(), 2025, now, &strict, None),
        [Alert::Absences { member: li.clone(), count: 1, meetings: vec![old] }]
    );

    // Archived members get no alerts; 0 turns the alert off.
    b.archive(&chen);
    let alerts = alerts::alerts(b.state(), 2026, now, &b.settings(), None);
    assert_eq!(alerts.iter().map(Alert::member).collect::<Vec<_>>(), [&wang]);
    let mut off = b.settings();
    off.absence_alert = 0;
    assert_eq!(alerts::alerts(b.state(), 2026, now, &off, None), []);
}

/// A member who attended in January and then missed a meeting a month
/// through July; another who joined in February and never came.
fn gap_branch() -> (Branch, MemberId, MemberId, Vec<MeetingId>) {
    let mut b = Branch::new();
    let zhang = b.add("张伟", "");
    let mut ms = vec![b.held("jan", K::ThemeDay, Audience::Branch, local("2026-01-15", 14, 0))];
    b.mark(&ms[0], &zhang, A::Present);
    let an = b.add("安然", "");
    for (i, month) in (2..=7).enumerate() {
        ms.push(b.held(&format!("m{i}"), K::ThemeDay, Audience::Branch, local(&format!("2026-{month:02}-15"), 14, 0)));
    }
    // Absence alerts off: this is about the gap.
    b.set(vec![Setting::AbsenceAlert(0)]);
    (b, zhang, an, ms)
}

#[test]
fn six_months_without_organisational_life() {
    let (b, zhang, an, _) = gap_branch();
    let s = b.settings();
    let jan = local("2026-01-15", 14, 0);

    // Five months and 23 hours: not yet.
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-07-15", 13, 59), &s, None), []);
    // Six whole months since 15 January 14:00.
    assert_eq!(
        alerts::alerts(b.state(), 2026, local("2026-07-15", 14, 0), &s, None),
        [Alert::NoOrganisationalLife { member: zhang.clone(), months: 6, last_attended: Some(jan) }]
    );
    // Never attended: counted from the first meeting they were expected at.
    // Longest gap first, whatever the names (安 an sorts before 张 zhang).
    assert_eq!(
        alerts::alerts(b.state(), 2026, local("2026-08-15", 14, 0), &s, None),
        [
            Alert::NoOrganisationalLife { member: zhang.clone(), months: 7, last_attended: Some(jan) },
            Alert::NoOrganisationalLife { member: an.clone(), months: 6, last_attended: None },
        ]
    );
    // A branch that sets three months.
    let mut three = s.clone();
    three.gap_alert_months = 3;
    let who: Vec<(MemberId, u32)> = alerts::alerts(b.state(), 2026, local("2026-05-16", 0, 0), &three, None)
        .into_iter()
        .map(|a| match a {
            Alert::NoOrganisationalLife { member, months, .. } => (member, months),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(who, [(zhang.clone(), 4), (an.clone(), 3)]);
}

#[test]
fn a_make_up_counts_as_organisational_life() {
    let (mut b, zhang, an, ms) = gap_branch();
    // 补课 for the February meeting, done on 1 March.
    b.make_up(&ms[1], &zhang, "2026-03-01");
    let s = b.settings();
    let march = local("2026-03-01", 0, 0);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-07-15", 14, 0), &s, None), []);
    // Six months after the make-up, with meetings missed since.
    // Equal gaps: 安 (an) before 张 (zhang).
    assert_eq!(
        alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None),
        [
            Alert::NoOrganisationalLife { member: an.clone(), months: 6, last_attended: None },
            Alert::NoOrganisationalLife { member: zhang.clone(), months: 6, last_attended: Some(march) },
        ]
    );
    // A make-up dated after `now` does not count yet.
    b.make_up(&ms[6], &an, "2026-08-20");
    let alerts = alerts::alerts(b.state(), 2026, local("2026-08-15", 14, 0), &s, None);
    assert_eq!(alerts, [Alert::NoOrganisationalLife { member: an.clone(), months: 6, last_attended: None }]);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-08-20", 0, 0), &s, None), []);
}

#[test]
fn no_gap_alert_without_missed_meetings_or_for_the_archived() {
    let mut b = Branch::new();
    let zhang = b.add("张伟", "");
    let jan = b.held("jan", K::ThemeDay, Audience::Branch, local("2026-01-15", 14, 0));
    b.mark(&jan, &zhang, A::Present);
    // No meetings since: the branch's gap (the calendar shows it), not his.
    let s = b.settings();
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None), []);
    // A meeting he was not expected at changes nothing.
    let other = b.add("李强", "第一党小组");
    b.held("g", K::Group, Audience::Group("第一党小组".into()), local("2026-03-01", 9, 0));
    b.mark(&mid("g"), &other, A::Present);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None), []);
    // One he missed does.
    b.held("mar", K::ThemeDay, Audience::Branch, local("2026-03-15", 14, 0));
    b.mark(&mid("mar"), &other, A::Present);
    assert_eq!(
        alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None),
        [Alert::NoOrganisationalLife {
            member: zhang.clone(),
            months: 7,
            last_attended: Some(local("2026-01-15", 14, 0))
        }]
    );
    b.archive(&zhang);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None), []);
}

#[test]
fn serious_alerts_come_before_absences() {
    let (b, zhang, an, ms) = gap_branch();
    let mut s = b.settings();
    s.absence_alert = 3;
    let alerts = alerts::alerts(b.state(), 2026, local("2026-08-15", 14, 0), &s, None);
    assert_eq!(
        alerts,
        [
            Alert::NoOrganisationalLife {
                member: zhang.clone(),
                months: 7,
                last_attended: Some(local("2026-01-15", 14, 0))
            },
            Alert::NoOrganisationalLife { member: an.clone(), months: 6, last_attended: None },
            Alert::Absences { member: an.clone(), count: 6, meetings: ms[1..].to_vec() },
            Alert::Absences { member: zhang.clone(), count: 6, meetings: ms[1..].to_vec() },
        ]
    );
    assert!(alerts[1].is_serious() && !alerts[2].is_serious());
}

#[test]
fn monthly_rates_are_present_over_expected() {
    let mut b = Branch::new();
    let one: Vec<MemberId> = (0..2).map(|i| b.add(&format!("一组{i}"), "第一党小组")).collect();
    let two: Vec<MemberId> = (0..2).map(|i| b.add(&format!("二组{i}"), "第二党小组")).collect();
    let all: Vec<&MemberId> = one.iter().chain(&two).collect();

    // January: 3 of 4 at the 主题党日, 1 of 2 at a 党小组会: 4 of 6.
    let jan = b.held("jan", K::ThemeDay, Audience::Branch, local("2026-01-08", 9, 0));
    for m in &all[..3] {
        b.mark(&jan, m, A::Present);
    }
    let group = b.held("group", K::Group, Audience::Group("第一党小组".into()), local("2026-01-20", 9, 0));
    b.mark(&group, &one[0], A::LeftEarly);
    // March (local, 23:30 on the 31st): 1 present, 1 on approved leave, 2 absent.
    let mar = b.held("mar", K::ThemeDay, Audience::Branch, local("2026-03-31", 23, 30));
    b.mark(&mar, all[0], A::Late);
    b.leave(&mar, all[1], true);
    // April (00:30 on the 1st, still 31 March in UTC): everyone.
    let apr = b.held("apr", K::ThemeDay, Audience::Branch, local("2026-04-01", 0, 30));
    for m in &all {
        b.mark(&apr, m, A::Present);
    }
    // May: a self check-in by code still awaiting its check is not yet 实到.
    let may = b.held("may", K::ThemeDay, Audience::Branch, local("2026-05-12", 9, 0));
    b.mark(&may, all[0], A::Present);
    let check = CheckIn { at: local("2026-05-12", 9, 0), device: "phone".into(), proof: Proof::Code("123456".into()) };
    b.record(Payload::CheckedIn { meeting: may.clone(), member: all[1].clone(), check });
    // Not counted: a planned meeting, a cancelled one, and another year's.
    let june = b.planned("june", K::ThemeDay, Audience::Branch, local("2026-06-10", 9, 0));
    b.mark(&june, all[0], A::Present);
    b.cancelled("july", K::ThemeDay, Audience::Branch, local("2026-07-10", 9, 0));
    let old = b.held("old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
    b.mark(&old, all[0], A::Present);

    let rates = alerts::monthly_rates(b.state(), 2026, &b.settings(), None);
    assert_eq!(rates, [Some(666), None, Some(250), Some(1000), Some(250), None, None, None, None, None, None, None]);
    let mut rates_2025 = [None; 12];
    rates_2025[11] = Some(250);
    assert_eq!(alerts::monthly_rates(b.state(), 2025, &b.settings(), None), rates_2025);

    // On UTC the April meeting falls in March: (1 + 4) of (4 + 4).
    let mut utc = b.settings();
    utc.zone = Zone(0);
    assert_eq!(alerts::monthly_rates(b.state(), 2026, &utc, None)[2..4], [Some(625), None]);

    // The pending check-in does count as taking part for the gap alert.
    let lines = alerts::member_year(b.state(), all[1], 2026, &b.settings(), None);
    let may_line = lines.iter().find(|l| l.meeting == may).unwrap();
    assert_eq!((may_line.status, may_line.source, may_line.took_part()), (A::Present, Some(Source::Unverified), true));
}

#[test]
fn a_members_year() {
    let mut b = Branch::new();
    let me = b.add("张伟", "第一党小组");
    b.add("李强", "第二党小组");
    b.held("old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
    let m1 = b.held("m1", K::ThemeDay, Audience::Branch, local("2026-01-10", 9, 0));
    let m2 = b.held("m2", K::Group, Audience::Group("第一党小组".into()), local("2026-02-10", 9, 0));
    b.held("m3", K::Group, Audience::Group("第二党小组".into()), local("2026-03-10", 9, 0));
    let m4 = b.held("m4", K::Lecture, Audience::Branch, local("2026-04-10", 9, 0));
    let m5 = b.held("m5", K::General, Audience::Branch, local("2026-12-31", 23, 0));
    b.planned("m6", K::ThemeDay, Audience::Branch, local("2026-06-10", 9, 0));
    b.mark(&m1, &me, A::Late);
    b.leave(&m2, &me, true);
    b.make_up(&m4, &me, "2026-04-20");
    b.mark(&m5, &me, A::Present);

    let lines = alerts::member_year(b.state(), &me, 2026, &b.settings(), None);
    let summary: Vec<(MeetingId, K, A, Option<Source>, bool)> =
        lines.iter().map(|l| (l.meeting.clone(), l.kind, l.status, l.source, l.took_part())).collect();
    assert_eq!(
        summary,
        [
            (m1.clone(), K::ThemeDay, A::Late, Some(Source::Organizer), true),
            (m2.clone(), K::Group, A::Leave, Some(Source::Derived), false),
            (m4.clone(), K::Lecture, A::Absent, Some(Source::Derived), true),
            (m5.clone(), K::General, A::Present, Some(Source::Organizer), true),
        ]
    );
    let made_up: &MemberLine = &lines[2];
    assert_eq!(made_up.make_up.as_ref().map(|m| m.date), Date::parse("2026-04-20"));
    assert_eq!((made_up.topic.as_str(), made_up.start), ("主题 m4", local("2026-04-10", 9, 0)));
    assert_eq!(alerts::member_year(b.state(), &me, 2027, &b.settings(), None), []);
    assert_eq!(alerts::member_year(b.state(), &me, 2025, &b.settings(), None).len(), 1);
}
