//! The alerts on states made with the core's commands: three unexcused
//! absences, six months without organisational life (a make-up counts),
//! serious alerts first, monthly 出勤率, and a member's year.

mod branch;

use branch::Branch;
use branch::{cancelled, held, plan};
use zhibu_core::alerts::{self, Alert, MemberLine};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::commands::attendance::MakeUpEntry;
use zhibu_core::date::Date;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{Audience, MeetingKind as K};
use zhibu_core::roster::MemberFields;
use zhibu_core::settings::Setting;
use zhibu_core::sheet::Source;
use zhibu_core::zone::Zone;

fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

fn add(b: &mut Branch, name: &str, group: &str) -> MemberId {
    b.member(MemberFields { group: group.into(), joined: None, ..branch::fields(name) })
}

/// Leave asked the day before the (planned) meeting, and answered.
fn leave(b: &mut Branch, meeting: &MeetingId, member: &MemberId, approved: bool) {
    let start = b.meeting(meeting).start;
    b.at(start - 86_400, |b| b.leave(meeting, member, approved));
}

/// 补课 on `date`, entered that day.
fn make_up(b: &mut Branch, meeting: &MeetingId, member: &MemberId, date: &str) {
    let entry = MakeUpEntry { date: date.into(), what: "自学党章".into(), confirmed_by: "书记".into() };
    b.make_up((meeting, member), &entry, local(date, 20, 0)).expect("a meeting the member missed");
}

/// Four monthly branch meetings in 2026 (and one in December 2025),
/// planned for everyone: (December's, the four).
fn four_meetings(b: &mut Branch) -> (MeetingId, Vec<MeetingId>) {
    let old = plan(b, "old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
    let ms = ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"]
        .iter()
        .enumerate()
        .map(|(i, d)| plan(b, &format!("t{i}"), K::ThemeDay, Audience::Branch, local(d, 9, 0)))
        .collect();
    (old, ms)
}

#[test]
fn three_unexcused_absences_raise_an_alert_two_do_not() {
    let mut b = Branch::new();
    let wang = add(&mut b, "王芳", "");
    let li = add(&mut b, "李强", "");
    let chen = add(&mut b, "陈刚", "");
    let zhao = add(&mut b, "赵敏", "");
    let (old, ms) = four_meetings(&mut b);
    // 陈刚: a refused leave, which is still 缺席; 赵敏: an approved one,
    // which is not (asked before February's meeting, then all are held).
    leave(&mut b, &ms[1], &chen, false);
    leave(&mut b, &ms[1], &zhao, true);
    for m in std::iter::once(&old).chain(&ms) {
        b.hold(m);
    }
    // 王芳: three absences (nothing recorded at three: derived 缺席).
    b.mark(&ms[3], &wang, A::Present);
    // 李强: two absences, plus one in 2025 that is another year's.
    b.mark(&ms[0], &li, A::Present);
    b.mark(&ms[1], &li, A::Late);
    b.mark(&old, &li, A::Absent);
    // 陈刚: two absences and a refused leave, which is still 缺席.
    b.mark(&ms[0], &chen, A::Present);
    // 赵敏: two absences and an approved leave, which is not.
    b.mark(&ms[0], &zhao, A::Present);
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
    let zhang = add(&mut b, "张伟", "");
    let mut ms = vec![held(&mut b, "jan", K::ThemeDay, Audience::Branch, local("2026-01-15", 14, 0))];
    b.mark(&ms[0], &zhang, A::Present);
    let an = add(&mut b, "安然", "");
    for (i, month) in (2..=7).enumerate() {
        ms.push(held(
            &mut b,
            &format!("m{i}"),
            K::ThemeDay,
            Audience::Branch,
            local(&format!("2026-{month:02}-15"), 14, 0),
        ));
    }
    // Absence alerts off: this is about the gap.
    b.settings_change(vec![Setting::AbsenceAlert(0)]);
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
    make_up(&mut b, &ms[1], &zhang, "2026-03-01");
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
    make_up(&mut b, &ms[6], &an, "2026-08-20");
    let alerts = alerts::alerts(b.state(), 2026, local("2026-08-15", 14, 0), &s, None);
    assert_eq!(alerts, [Alert::NoOrganisationalLife { member: an.clone(), months: 6, last_attended: None }]);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-08-20", 0, 0), &s, None), []);
}

#[test]
fn no_gap_alert_without_missed_meetings_or_for_the_archived() {
    let mut b = Branch::new();
    let zhang = add(&mut b, "张伟", "");
    let jan = held(&mut b, "jan", K::ThemeDay, Audience::Branch, local("2026-01-15", 14, 0));
    b.mark(&jan, &zhang, A::Present);
    // No meetings since: the branch's gap (the calendar shows it), not his.
    let s = b.settings();
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None), []);
    // A meeting he was not expected at changes nothing.
    let other = add(&mut b, "李强", "第一党小组");
    let g = held(&mut b, "g", K::Group, Audience::Group("第一党小组".into()), local("2026-03-01", 9, 0));
    b.mark(&g, &other, A::Present);
    assert_eq!(alerts::alerts(b.state(), 2026, local("2026-09-01", 0, 0), &s, None), []);
    // One he missed does.
    let mar = held(&mut b, "mar", K::ThemeDay, Audience::Branch, local("2026-03-15", 14, 0));
    b.mark(&mar, &other, A::Present);
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
    let one: Vec<MemberId> = (0..2).map(|i| add(&mut b, &format!("一组{i}"), "第一党小组")).collect();
    let two: Vec<MemberId> = (0..2).map(|i| add(&mut b, &format!("二组{i}"), "第二党小组")).collect();
    let all: Vec<&MemberId> = one.iter().chain(&two).collect();

    // January: 3 of 4 at the 主题党日, 1 of 2 at a 党小组会: 4 of 6.
    let jan = held(&mut b, "jan", K::ThemeDay, Audience::Branch, local("2026-01-08", 9, 0));
    for m in &all[..3] {
        b.mark(&jan, m, A::Present);
    }
    let group = held(&mut b, "group", K::Group, Audience::Group("第一党小组".into()), local("2026-01-20", 9, 0));
    b.mark(&group, &one[0], A::LeftEarly);
    // March (local, 23:30 on the 31st): 1 present, 1 on approved leave, 2 absent.
    let mar = plan(&mut b, "mar", K::ThemeDay, Audience::Branch, local("2026-03-31", 23, 30));
    leave(&mut b, &mar, all[1], true);
    b.hold(&mar);
    b.mark(&mar, all[0], A::Late);
    // April (00:30 on the 1st, still 31 March in UTC): everyone.
    let apr = held(&mut b, "apr", K::ThemeDay, Audience::Branch, local("2026-04-01", 0, 30));
    for m in &all {
        b.mark(&apr, m, A::Present);
    }
    // May: a self check-in by code still awaiting its check is not yet 实到.
    let may = held(&mut b, "may", K::ThemeDay, Audience::Branch, local("2026-05-12", 9, 0));
    b.mark(&may, all[0], A::Present);
    b.check_in_code("phone", (&may, all[1]), "123456", local("2026-05-12", 9, 0)).unwrap();
    // Not counted: a planned meeting, a cancelled one, and another year's.
    let june = plan(&mut b, "june", K::ThemeDay, Audience::Branch, local("2026-06-10", 9, 0));
    b.mark(&june, all[0], A::Present);
    cancelled(&mut b, "july", K::ThemeDay, Audience::Branch, local("2026-07-10", 9, 0));
    let old = held(&mut b, "old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
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
    let me = add(&mut b, "张伟", "第一党小组");
    add(&mut b, "李强", "第二党小组");
    held(&mut b, "old", K::ThemeDay, Audience::Branch, local("2025-12-31", 23, 0));
    let m1 = held(&mut b, "m1", K::ThemeDay, Audience::Branch, local("2026-01-10", 9, 0));
    let m2 = plan(&mut b, "m2", K::Group, Audience::Group("第一党小组".into()), local("2026-02-10", 9, 0));
    leave(&mut b, &m2, &me, true);
    b.hold(&m2);
    held(&mut b, "m3", K::Group, Audience::Group("第二党小组".into()), local("2026-03-10", 9, 0));
    let m4 = held(&mut b, "m4", K::Lecture, Audience::Branch, local("2026-04-10", 9, 0));
    let m5 = held(&mut b, "m5", K::General, Audience::Branch, local("2026-12-31", 23, 0));
    plan(&mut b, "m6", K::ThemeDay, Audience::Branch, local("2026-06-10", 9, 0));
    b.mark(&m1, &me, A::Late);
    make_up(&mut b, &m4, &me, "2026-04-20");
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
