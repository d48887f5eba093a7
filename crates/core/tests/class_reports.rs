//! A class's report on states made with the core's commands: sessions
//! attended, 学时 earned, completion (the threshold rounded up to the
//! tenth) and coverage (覆盖率), for a class and joined for the year.

mod branch;

use branch::Branch;
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::date::Date;
use zhibu_core::hours::{self, MemberHours, YearHours};
use zhibu_core::ids::{ClassId, MeetingId, MemberId};
use zhibu_core::meetings::Audience;
use zhibu_core::roster::{MemberFields, Role};
use zhibu_core::settings::Setting;
use zhibu_core::training::{self, ClassReport, Coverage};
use zhibu_core::zone::Zone;

/// A wall-clock time in Beijing.
fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

fn add(b: &mut Branch, name: &str, role: Role) -> MemberId {
    b.member(MemberFields { role, ..branch::fields(name) })
}

/// What the 学习教育 pages read.
trait Reports {
    fn year(&self, year: i32) -> YearHours;
    /// (training, meetings, self-study, pending), tenths.
    fn totals(&self, year: i32, member: &MemberId) -> (u32, u32, u32, u32);
    fn report(&self, class: &ClassId) -> ClassReport;
}

impl Reports for Branch {
    fn year(&self, year: i32) -> YearHours {
        hours::year(self.state(), year, &self.settings(), None)
    }

    fn totals(&self, year: i32, member: &MemberId) -> (u32, u32, u32, u32) {
        let h: MemberHours = self.year(year).lines.into_iter().find(|l| &l.member.id == member).unwrap();
        (h.training, h.meetings, h.self_study, h.pending)
    }

    fn report(&self, class: &ClassId) -> ClassReport {
        training::report(self.state(), &self.get_class(class), &self.settings(), None)
    }
}

/// A committee of four and two members.
struct Committee {
    b: Branch,
    secretary: MemberId,
    deputy: MemberId,
    organization: MemberId,
    discipline: MemberId,
    member: MemberId,
    leader: MemberId,
}

fn committee() -> Committee {
    let mut b = Branch::named();
    let secretary = add(&mut b, "书记", Role::Secretary);
    let deputy = add(&mut b, "副书记", Role::DeputySecretary);
    let organization = add(&mut b, "组织委员", Role::OrganizationCommissioner);
    let discipline = add(&mut b, "纪检委员", Role::DisciplineCommissioner);
    let member = add(&mut b, "党员", Role::Member);
    let leader = add(&mut b, "组长", Role::GroupLeader);
    Committee { b, secretary, deputy, organization, discipline, member, leader }
}

#[test]
fn a_class_report_counts_sessions_completion_and_coverage() {
    let Committee { mut b, secretary, deputy, organization, discipline, member, .. } = committee();
    let class = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    let s1 = b.session(&class, local("2026-05-10", 9, 0), 480, Some(40));
    let s2 = b.session(&class, local("2026-05-11", 9, 0), 480, Some(40));
    let s3 = b.session(&class, local("2026-05-12", 9, 0), 180, Some(20));
    let dropped = b.session(&class, local("2026-05-13", 9, 0), 480, None);
    b.present(&dropped, &[&secretary, &deputy, &organization, &discipline]);
    b.cancel(&dropped, "下雨");
    b.present(&s1, &[&secretary, &deputy]);
    b.present(&s2, &[&secretary, &deputy]);
    b.present(&s3, &[&secretary, &organization]);
    b.mark(&s3, &deputy, A::Absent);
    b.mark(&s1, &discipline, A::Leave);

    let report = b.report(&class);
    let ids: Vec<&MeetingId> = report.sessions.iter().map(|s| &s.id).collect();
    assert_eq!(ids, vec![&s1, &s2, &s3], "the cancelled session is left out");
    assert_eq!((report.credits.clone(), report.total, report.needed), (vec![40, 40, 20], 100, 80));
    let lines: Vec<(&MemberId, Vec<bool>, u32, bool, bool)> =
        report.lines.iter().map(|l| (&l.member, l.attended.clone(), l.earned, l.completed, l.targeted)).collect();
    assert_eq!(
        lines,
        vec![
            (&secretary, vec![true, true, true], 100, true, true),
            (&deputy, vec![true, true, false], 80, true, true),
            (&organization, vec![false, false, true], 20, false, true),
            (&discipline, vec![false, false, false], 0, false, true),
        ]
    );
    assert!(!report.lines.iter().any(|l| l.member == member));
    assert_eq!(report.coverage, Coverage { targeted: 4, attended: 3, completed: 2, missing: vec![discipline.clone()] });
    assert_eq!(report.coverage.attended_permille(), Some(750));
    assert_eq!(report.coverage.completed_permille(), Some(500));
    assert!(!report.coverage.full());
    // Their 学时 from the class are training hours.
    assert_eq!(b.totals(2026, &deputy), (80, 0, 0, 0));
    assert_eq!(b.year(2026).months[4], 100 + 80 + 20);

    // 100%: only the one who attended all.
    b.edit_class(&class, |form| form.completion = "100".into());
    let report = b.report(&class);
    assert_eq!((report.needed, report.coverage.completed), (100, 1));
    // Back to the branch setting, which the branch lowers to 20%.
    b.edit_class(&class, |form| form.completion = String::new());
    b.set(Setting::Completion(20));
    let report = b.report(&class);
    assert_eq!((report.needed, report.coverage.completed), (20, 3));

    b.present(&s2, &[&discipline]);
    let report = b.report(&class);
    assert_eq!(report.coverage, Coverage { targeted: 4, attended: 4, completed: 4, missing: vec![] });
    assert!(report.coverage.full());
    assert_eq!(report.coverage.attended_permille(), Some(1000));
}

#[test]
fn the_threshold_is_rounded_up_to_the_tenth() {
    let Committee { mut b, secretary, deputy, organization, .. } = committee();
    // 80% of 2.5 学时 is exactly 2.
    let even = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    let a1 = b.session(&even, local("2026-05-10", 9, 0), 90, None);
    let a2 = b.session(&even, local("2026-05-11", 9, 0), 60, None);
    b.present(&a1, &[&secretary]);
    b.present(&a2, &[&deputy]);
    let report = b.report(&even);
    assert_eq!((report.total, report.needed), (25, 20));
    assert_eq!(report.coverage.completed, 0);

    // 75% of 2.5 学时 is 1.875: 1.9 needed, so 1.8 is not enough.
    let odd = b.class(Audience::Committee, "2026-06-01", "2026-06-30", Some(75));
    let b1 = b.session(&odd, local("2026-06-10", 9, 0), 90, Some(18));
    let b2 = b.session(&odd, local("2026-06-11", 9, 0), 60, Some(7));
    b.present(&b1, &[&secretary, &organization]);
    b.present(&b2, &[&organization]);
    let report = b.report(&odd);
    assert_eq!((report.total, report.needed), (25, 19));
    let earned: Vec<(u32, bool)> = report.lines.iter().take(3).map(|l| (l.earned, l.completed)).collect();
    assert_eq!(earned, vec![(18, false), (0, false), (25, true)]);

    // 80% of 10.3 学时 is 8.24: 8.3 needed.
    let credit = b.class(Audience::Committee, "2026-07-01", "2026-07-31", None);
    let c1 = b.session(&credit, local("2026-07-10", 9, 0), 480, Some(40));
    let c2 = b.session(&credit, local("2026-07-11", 9, 0), 480, Some(40));
    b.session(&credit, local("2026-07-12", 9, 0), 90, Some(23));
    b.present(&c1, &[&secretary]);
    b.present(&c2, &[&secretary]);
    let report = b.report(&credit);
    assert_eq!((report.total, report.needed), (103, 83));
    assert_eq!((report.lines[0].earned, report.lines[0].completed), (80, false));

    // A class with no 学时 completes nobody.
    let empty = b.class(Audience::Committee, "2026-08-01", "2026-08-31", None);
    let report = b.report(&empty);
    assert_eq!((report.total, report.needed), (0, 0));
    assert!(report.lines.iter().all(|l| !l.completed));
    assert_eq!(report.coverage.completed, 0);
    assert_eq!(report.coverage.missing.len(), 4);
}

#[test]
fn year_coverage_joins_the_rosters_of_the_years_classes() {
    let Committee { mut b, secretary, deputy, organization, discipline, member, leader } = committee();
    // Class A for the committee; class B for the organisation commissioner and two members.
    let a = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    let a1 = b.session(&a, local("2026-05-10", 9, 0), 120, None);
    let a2 = b.session(&a, local("2026-05-11", 9, 0), 120, None);
    let list = Audience::List(vec![organization.clone(), member.clone(), leader.clone()]);
    let c = b.class(list, "2026-09-01", "2026-09-30", None);
    let c1 = b.session(&c, local("2026-09-10", 9, 0), 120, None);
    let c2 = b.session(&c, local("2026-09-11", 9, 0), 120, None);
    // Secretary completes A; deputy attends one of A's two; the organisation
    // commissioner completes A but only attends half of B; the member
    // completes B; discipline and the group leader attend nothing.
    b.present(&a1, &[&secretary, &deputy, &organization]);
    b.present(&a2, &[&secretary, &organization]);
    b.present(&c1, &[&organization, &member]);
    b.present(&c2, &[&member]);

    let reports = [b.report(&a), b.report(&c)];
    assert_eq!(
        reports[0].coverage,
        Coverage { targeted: 4, attended: 3, completed: 2, missing: vec![discipline.clone()] }
    );
    assert_eq!(reports[1].coverage, Coverage { targeted: 3, attended: 2, completed: 1, missing: vec![leader.clone()] });
    let year = training::year_coverage(&reports);
    assert_eq!(
        year,
        Coverage { targeted: 6, attended: 4, completed: 2, missing: vec![discipline.clone(), leader.clone()] }
    );
    assert_eq!(year.attended_permille(), Some(666));
    assert_eq!(year.completed_permille(), Some(333));
    assert!(!year.full());
    // The order of classes changes nothing but the order of those missing.
    let reversed = training::year_coverage(&[reports[1].clone(), reports[0].clone()]);
    assert_eq!((reversed.targeted, reversed.attended, reversed.completed), (6, 4, 2));
    assert_eq!(reversed.missing, vec![leader.clone(), discipline.clone()]);

    // Attending any session of a class aimed at them makes it full.
    b.present(&a1, &[&discipline]);
    b.present(&c1, &[&leader]);
    let year = training::year_coverage(&[b.report(&a), b.report(&c)]);
    assert_eq!((year.targeted, year.attended, year.completed), (6, 6, 2));
    assert!(year.full());
    // Completing B as well makes the organisation commissioner complete.
    b.present(&c2, &[&organization]);
    assert_eq!(training::year_coverage(&[b.report(&a), b.report(&c)]).completed, 3);

    let nobody = training::year_coverage(&[]);
    assert_eq!((nobody.attended_permille(), nobody.full()), (None, false));
    assert_eq!(training::classes(b.state()).iter().map(|c| &c.id).collect::<Vec<_>>(), vec![&a, &c]);
}
