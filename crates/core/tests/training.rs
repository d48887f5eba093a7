//! 学时, training classes and self-study, on real states made with
//! `Records::record`: the counting rule, targets by post, year boundaries
//! in the branch's zone, where hours come from, self-study and its named
//! confirmation, class drafts and sessions, and coverage (覆盖率).

use zhibu_core::attendance::{Attendance, AttendanceStatus as A};
use zhibu_core::date::Date;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::hours::{self, MemberHours, YearHours};
use zhibu_core::ids::{ClassId, DeviceId, MeetingId, MemberId, StudyId};
use zhibu_core::join;
use zhibu_core::meetings::{
    self, Audience, Meeting, MeetingDraft, MeetingKind as K, MeetingProblem, MeetingStatus, MeetingValue as V,
};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::state::State;
use zhibu_core::study::{self, SelfStudy, StudyDecision, StudyDraft, StudyProblem, StudyState};
use zhibu_core::training::{self, Class, ClassDraft, ClassField, ClassProblem, ClassReport, ClassValue, Coverage};
use zhibu_core::zone::Zone;

const ORGANIZER: &str = "organizer-laptop";

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A wall-clock time in Beijing.
fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(day(date), hour, minute).unwrap()
}

/// A branch's records on the organizer's device, with fixed stamps; a
/// member's own acts are recorded as them, from their phone.
struct Branch {
    records: Records,
    n: u64,
    members: u32,
    meetings: u32,
    classes: u32,
    studies: u32,
}

impl Branch {
    fn new() -> Branch {
        let mut b = Branch { records: Records::default(), n: 0, members: 0, meetings: 0, classes: 0, studies: 0 };
        b.set(Setting::BranchName("第一党支部".into()));
        b
    }

    fn record(&mut self, device: &str, actor: Option<&MemberId>, payload: Payload) -> Event {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.n.to_le_bytes());
        let stamp = EventStamp {
            device: DeviceId(device.into()),
            actor: actor.cloned(),
            unix_ms: 1_773_000_000_000 + self.n as i64,
            random,
        };
        self.records.record(stamp, payload)
    }

    fn organizer(&mut self, payload: Payload) -> Event {
        self.record(ORGANIZER, None, payload)
    }

    fn state(&self) -> &State {
        self.records.state()
    }

    fn settings(&self) -> Settings {
        self.state().settings()
    }

    fn set(&mut self, setting: Setting) {
        self.organizer(Payload::SettingsChanged { changes: vec![setting] });
    }

    fn add_with(&mut self, name: &str, role: Role, exempt: bool) -> MemberId {
        self.members += 1;
        let member = MemberId(format!("m{:02}", self.members));
        let fields = MemberFields {
            name: name.into(),
            group: "第一党小组".into(),
            status: Status::Full,
            role,
            joined: Date::parse("2010-07-01"),
            phone: None,
            exempt,
        };
        self.organizer(Payload::MemberAdded { member: member.clone(), fields });
        member
    }

    fn add(&mut self, name: &str, role: Role) -> MemberId {
        self.add_with(name, role, false)
    }

    fn class(&mut self, audience: Audience, from: &str, to: &str, completion: Option<u32>) -> ClassId {
        self.classes += 1;
        let class = ClassId(format!("c{:02}", self.classes));
        let changes = vec![
            ClassValue::Title(format!("培训班{}", self.classes)),
            ClassValue::Audience(audience),
            ClassValue::Dates(day(from), day(to)),
            ClassValue::Completion(completion),
        ];
        self.organizer(Payload::ClassSaved { class: class.clone(), changes });
        class
    }

    fn get_class(&self, id: &ClassId) -> Class {
        self.state().class(id).unwrap()
    }

    fn save(&mut self, meeting: &MeetingId, changes: Vec<V>) {
        self.organizer(Payload::MeetingSaved { meeting: meeting.clone(), changes });
    }

    /// A meeting (or a session, with a class) planned at `at`.
    fn meeting(
        &mut self,
        kind: K,
        class: Option<&ClassId>,
        audience: Audience,
        at: i64,
        minutes: u32,
        credit: Option<u32>,
    ) -> MeetingId {
        self.meetings += 1;
        let id = MeetingId(format!("t{:02}", self.meetings));
        let mut changes = vec![
            V::Kind(kind),
            V::Topic("学习党章".into()),
            V::Start(at),
            V::Minutes(minutes),
            V::Audience(audience),
            V::Status(MeetingStatus::Planned),
            V::Credit(credit),
        ];
        changes.extend(class.cloned().map(V::Class));
        self.save(&id, changes);
        id
    }

    /// A session of a class, for the class's audience.
    fn session(&mut self, class: &ClassId, at: i64, minutes: u32, credit: Option<u32>) -> MeetingId {
        let audience = self.get_class(class).audience;
        self.meeting(K::Training, Some(class), audience, at, minutes, credit)
    }

    fn get_meeting(&self, id: &MeetingId) -> Meeting {
        self.state().meeting(id).unwrap()
    }

    fn cancel(&mut self, id: &MeetingId) {
        let value = meetings::cancel(&self.get_meeting(id), "下雨").unwrap();
        self.save(id, vec![value]);
    }

    fn mark(&mut self, meeting: &MeetingId, member: &MemberId, status: A) {
        let at = zhibu_core::sheet::attended(status).then(|| self.get_meeting(meeting).start);
        let mark = Attendance { status, at, by_self: false };
        self.organizer(Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark });
    }

    fn marks(&mut self, meeting: &MeetingId, members: &[&MemberId]) {
        for member in members {
            self.mark(meeting, member, A::Present);
        }
    }

    /// A member records self-study on their own phone.
    fn write_study(&mut self, id: &StudyId, record: SelfStudy) -> Event {
        let phone = format!("phone-{}", record.member);
        let member = record.member.clone();
        self.record(&phone, Some(&member), Payload::SelfStudyRecorded { study: id.clone(), record })
    }

    fn study(&mut self, member: &MemberId, date: &str, tenths: u32) -> StudyId {
        self.studies += 1;
        let id = StudyId(format!("s{:02}", self.studies));
        let record = SelfStudy {
            member: member.clone(),
            date: day(date),
            material: "《习近平谈治国理政》第四卷".into(),
            tenths,
            note: String::new(),
            withdrawn: false,
        };
        self.write_study(&id, record);
        id
    }

    fn withdraw(&mut self, id: &StudyId) {
        let record = SelfStudy { withdrawn: true, ..self.state().studies.get(id).unwrap().clone() };
        self.write_study(id, record);
    }

    /// An answer as the app makes it: checked, made as the confirmer.
    fn decide(&mut self, id: &StudyId, by: &MemberId, confirmed: bool) {
        let decision = study::decide(self.state(), id, by, confirmed, "").unwrap();
        self.forge(id, by, decision);
    }

    /// An answer recorded as `by` without the check.
    fn forge(&mut self, id: &StudyId, by: &MemberId, decision: StudyDecision) {
        self.record(ORGANIZER, Some(by), Payload::SelfStudyDecided { study: id.clone(), decision });
    }

    fn entry(&self, id: &StudyId) -> study::StudyEntry {
        study::entries(self.state(), &self.settings()).into_iter().find(|e| &e.id == id).unwrap()
    }

    fn year(&self, year: i32) -> YearHours {
        hours::year(self.state(), year, &self.settings(), None)
    }

    fn hours(&self, year: i32, member: &MemberId) -> MemberHours {
        self.year(year).lines.into_iter().find(|l| &l.member.id == member).unwrap()
    }

    /// (training, meetings, self-study, pending), tenths.
    fn totals(&self, year: i32, member: &MemberId) -> (u32, u32, u32, u32) {
        let h = self.hours(year, member);
        (h.training, h.meetings, h.self_study, h.pending)
    }

    fn report(&self, class: &ClassId) -> ClassReport {
        training::report(self.state(), &self.get_class(class), &self.settings(), None)
    }
}

fn decision(by: &MemberId, confirmed: bool) -> StudyDecision {
    StudyDecision { confirmed, by: by.clone(), note: String::new() }
}

// ---------------------------------------------------------------------------
// 1. The counting rule, hours as typed, and a session's credit.

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

    let mut b = Branch::new();
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
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let at = local("2026-03-10", 14, 0);
    let by_rule = b.meeting(K::Training, None, Audience::Branch, at, 90, None);
    let overridden = b.meeting(K::Training, None, Audience::Branch, at + 86_400, 90, Some(40));
    let zero = b.meeting(K::Training, None, Audience::Branch, at + 2 * 86_400, 400, Some(0));
    let settings = b.settings();
    assert_eq!(hours::credit(&b.get_meeting(&by_rule), &settings), 15);
    assert_eq!(hours::credit(&b.get_meeting(&overridden), &settings), 40);
    assert_eq!(hours::credit(&b.get_meeting(&zero), &settings), 0);

    b.marks(&by_rule, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 15);
    b.marks(&overridden, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 55);
    b.marks(&zero, &[&a]);
    assert_eq!(b.hours(2026, &a).training, 55);
    // Clearing the override goes back to the rule.
    b.save(&overridden, vec![V::Credit(None)]);
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
    let id = MeetingId("typed".into());
    b.save(&id, MeetingDraft { credit: "1.5".into(), ..draft }.validate(b.state(), Zone::CST).unwrap());
    assert_eq!(MeetingDraft::of(&b.get_meeting(&id), Zone::CST).credit, "1.5");
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

    let mut b = Branch::new();
    let secretary = b.add("书记", Role::Secretary);
    let leader = b.add("组长", Role::GroupLeader);
    let member = b.add("党员", Role::Member);
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
    let mut b = Branch::new();
    let old = b.add_with("年老体弱", Role::Member, true);
    let active = b.add("在职党员", Role::Member);
    let gone = b.add("转出", Role::Member);
    b.organizer(Payload::MemberArchived { member: gone.clone() });
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
    let first = b.meeting(K::Training, None, Audience::Branch, local("2026-03-10", 14, 0), 90, None);
    b.marks(&first, &[&old, &active]);
    let line = b.hours(2026, &active);
    assert_eq!((line.total(), line.left(), line.progress_permille()), (15, 5, 750));
    assert!(line.behind());
    let second = b.meeting(K::Training, None, Audience::Branch, local("2026-03-11", 14, 0), 90, None);
    b.marks(&second, &[&active]);
    let line = b.hours(2026, &active);
    assert_eq!((line.total(), line.left(), line.progress_permille()), (30, 0, 1000));
    assert!(!line.behind());
    assert!(!b.hours(2026, &old).behind());
}

// ---------------------------------------------------------------------------
// 3. Year boundaries in the branch's zone.

#[test]
fn a_session_belongs_to_the_year_of_its_local_start() {
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let late = local("2026-12-31", 23, 0);
    let early = local("2027-01-01", 0, 30);
    let new_years_eve = b.meeting(K::Training, None, Audience::Branch, late, 120, None);
    let new_year = b.meeting(K::Training, None, Audience::Branch, early, 60, None);
    b.marks(&new_years_eve, &[&a]);
    b.marks(&new_year, &[&a]);
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
    let mut b = Branch::new();
    let present = b.add("签到", Role::Member);
    let late = b.add("迟到", Role::Member);
    let left = b.add("早退", Role::Member);
    let leave = b.add("请假", Role::Member);
    let absent = b.add("缺席", Role::Member);
    let unmarked = b.add("未记", Role::Member);
    let everyone = [&present, &late, &left, &leave, &absent];

    let training = b.meeting(K::Training, None, Audience::Branch, local("2026-03-10", 14, 0), 90, None);
    let lecture = b.meeting(K::Lecture, None, Audience::Branch, local("2026-04-15", 9, 0), 120, None);
    let general = b.meeting(K::General, None, Audience::Branch, local("2026-04-20", 9, 0), 60, None);
    let other = b.meeting(K::Study, None, Audience::Branch, local("2026-04-22", 9, 0), 60, None);
    let cancelled = b.meeting(K::Training, None, Audience::Branch, local("2026-05-10", 9, 0), 180, None);
    for meeting in [&training, &lecture, &general, &other, &cancelled] {
        for (member, status) in everyone.iter().zip([A::Present, A::Late, A::LeftEarly, A::Leave, A::Absent]) {
            b.mark(meeting, member, status);
        }
    }
    b.cancel(&cancelled);
    assert!(b.get_meeting(&cancelled).is_cancelled());

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
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let c = b.add("李秀英", Role::Member);
    let march = b.meeting(K::Training, None, Audience::Branch, local("2026-03-31", 23, 30), 200, None);
    let april = b.meeting(K::Training, None, Audience::Branch, local("2026-04-01", 0, 0), 400, None);
    b.marks(&march, &[&a, &c]);
    b.marks(&april, &[&a]);
    let value = meetings::hold(&b.get_meeting(&april), b.state()).unwrap();
    b.save(&april, vec![value]);
    assert_eq!(b.totals(2026, &a), (120, 0, 0, 0));
    assert_eq!(b.totals(2026, &c), (40, 0, 0, 0));
    let months = b.year(2026).months;
    assert_eq!((months[2], months[3]), (80, 80));
}

// ---------------------------------------------------------------------------
// 5. Self-study.

fn draft(date: &str, material: &str, hours: &str) -> StudyDraft {
    StudyDraft { date: date.into(), material: material.into(), hours: hours.into(), note: String::new() }
}

#[test]
fn self_study_drafts_are_checked() {
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let other = b.add("李秀英", Role::Member);
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
    b.study(&a, "2026-06-09", 30);
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
    let small = StudyId("s02".into());
    b.withdraw(&small);
    assert!(check(&b, draft("2026-06-09", "学习党章", "24")).is_ok());
}

#[test]
fn nobody_answers_their_own_self_study() {
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let secretary = b.add("书记", Role::Secretary);
    let id = b.study(&a, "2026-03-05", 20);
    assert_eq!(study::decide(b.state(), &id, &a, true, ""), Err(StudyProblem::OwnRecord));
    assert_eq!(study::decide(b.state(), &id, &a, false, ""), Err(StudyProblem::OwnRecord));
    assert_eq!(
        study::decide(b.state(), &StudyId("s99".into()), &secretary, true, ""),
        Err(StudyProblem::UnknownRecord)
    );
    assert_eq!(study::decide(b.state(), &id, &MemberId("m99".into()), true, ""), Err(StudyProblem::UnknownMember));
    assert_eq!(
        study::decide(b.state(), &id, &secretary, false, &"不".repeat(501)),
        Err(StudyProblem::TooLong { max: study::MAX_NOTE })
    );
    assert_eq!(
        study::decide(b.state(), &id, &secretary, false, " 内容不实 "),
        Ok(StudyDecision { confirmed: false, by: secretary.clone(), note: "内容不实".into() })
    );

    // A forged answer by the member themself is no answer.
    b.forge(&id, &a, decision(&a, true));
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
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let secretary = b.add("书记", Role::Secretary);
    b.set(Setting::SelfStudyConfirm(false));
    let refused = b.study(&a, "2026-03-05", 20);
    let confirmed = b.study(&a, "2026-03-06", 10);
    b.decide(&refused, &secretary, false);
    b.decide(&confirmed, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
    // Later forged answers by the member: the refusal stands, and so does the confirmation.
    b.forge(&refused, &a, decision(&a, true));
    b.forge(&confirmed, &a, decision(&a, false));
    assert_eq!(b.entry(&refused).state, StudyState::Refused);
    assert_eq!(b.entry(&refused).decision, Some(decision(&secretary, false)));
    assert_eq!(b.entry(&confirmed).state, StudyState::Confirmed);
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
    b.set(Setting::SelfStudyConfirm(true));
    assert_eq!(b.totals(2026, &a), (0, 0, 10, 0));
}

#[test]
fn an_answer_is_to_the_record_as_it_was_answered() {
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let c = b.add("李秀英", Role::Member);
    let secretary = b.add("书记", Role::Secretary);
    let id = b.study(&a, "2026-03-05", 5);
    b.decide(&id, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 5, 0));
    // Rewritten afterwards (24 hours instead of half an hour): it waits again.
    let inflated = SelfStudy { tenths: 240, ..b.state().studies.get(&id).unwrap().clone() };
    b.write_study(&id, inflated.clone());
    assert_eq!(b.entry(&id).state, StudyState::Pending);
    assert_eq!(b.totals(2026, &a), (0, 0, 0, 240));
    b.decide(&id, &secretary, true);
    assert_eq!(b.totals(2026, &a), (0, 0, 240, 0));
    // Taken over by another member under the same id: not theirs to count.
    b.write_study(&id, SelfStudy { member: c.clone(), ..inflated });
    assert_eq!(b.entry(&id).state, StudyState::Pending);
    assert_eq!(b.totals(2026, &c), (0, 0, 0, 240));
}

#[test]
fn confirmed_self_study_counts_and_the_branch_may_skip_confirmation() {
    let mut b = Branch::new();
    let a = b.add("王建国", Role::Member);
    let secretary = b.add("书记", Role::Secretary);
    let confirmed = b.study(&a, "2026-03-05", 20);
    let pending = b.study(&a, "2026-03-06", 15);
    let refused = b.study(&a, "2026-04-01", 30);
    let withdrawn = b.study(&a, "2026-04-02", 40);
    let withdrawn_after = b.study(&a, "2026-04-03", 50);
    b.decide(&confirmed, &secretary, true);
    b.decide(&refused, &secretary, false);
    b.withdraw(&withdrawn);
    b.decide(&withdrawn_after, &secretary, true);
    b.withdraw(&withdrawn_after);
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
    b.organizer(Payload::MemberArchived { member: a.clone() });
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
    let made_for = Err("made for another member".to_owned());
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
        Err(DocError::Invalid { path: "events[0]".into(), message: "made for another member".into() })
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
    let mut desk = Branch::new();
    let a = desk.add("王建国", Role::Member);
    let secretary = desk.add("书记", Role::Secretary);
    let mut phone = Records::from_snapshot(desk.state().clone());
    let record = draft("2026-03-05", "学习党章", "2").validate(phone.state(), &a, day("2026-03-05")).unwrap();
    let stamp = EventStamp { device: DeviceId("phone-a".into()), actor: Some(a.clone()), unix_ms: 0, random: [3; 16] };
    let made = phone.record(stamp, Payload::SelfStudyRecorded { study: StudyId("s-phone".into()), record });
    let opened = join::open_receipt(&join::receipt([&made])).unwrap();
    assert_eq!(opened, vec![made]);
    assert_eq!(desk.records.merge_events(&opened).added, 1);
    assert_eq!(desk.records.merge_events(&opened).added, 0, "a second scan adds nothing");
    assert_eq!(desk.totals(2026, &a), (0, 0, 0, 20));
    desk.decide(&StudyId("s-phone".into()), &secretary, true);
    assert_eq!(desk.totals(2026, &a), (0, 0, 20, 0));
}

// ---------------------------------------------------------------------------
// 6. Classes and their sessions.

fn class_draft() -> ClassDraft {
    ClassDraft {
        title: " 2026年支委培训班 ".into(),
        organizer: "区委组织部".into(),
        audience: Some(Audience::Committee),
        description: "学习贯彻".into(),
        from: "2026-05-01".into(),
        to: "2026/5/31".into(),
        completion: String::new(),
    }
}

#[test]
fn class_drafts_are_checked() {
    let mut b = Branch::new();
    b.add("书记", Role::Secretary);
    let member = b.add("党员", Role::Member);
    let state = b.state().clone();
    assert_eq!(
        class_draft().validate(&state, None),
        Ok(vec![
            ClassValue::Title("2026年支委培训班".into()),
            ClassValue::Organizer("区委组织部".into()),
            ClassValue::Audience(Audience::Committee),
            ClassValue::Description("学习贯彻".into()),
            ClassValue::Dates(day("2026-05-01"), day("2026-05-31")),
            ClassValue::Completion(None),
        ])
    );
    let check = |d: ClassDraft| d.validate(&state, None);
    assert_eq!(check(ClassDraft { title: "  ".into(), ..class_draft() }), Err(vec![ClassProblem::TitleRequired]));
    assert_eq!(
        check(ClassDraft { title: "班".repeat(101), ..class_draft() }),
        Err(vec![ClassProblem::TooLong { field: ClassField::Title, max: 100 }])
    );
    for (from, to) in [("2026-13-01", "2026-05-31"), ("2026-05-01", ""), ("", "")] {
        assert_eq!(
            check(ClassDraft { from: from.into(), to: to.into(), ..class_draft() }),
            Err(vec![ClassProblem::BadDate])
        );
    }
    assert_eq!(
        check(ClassDraft { from: "2026-05-31".into(), to: "2026-05-01".into(), ..class_draft() }),
        Err(vec![ClassProblem::EndsBeforeStart])
    );
    let one_day = check(ClassDraft { from: "2026-05-01".into(), to: "2026-05-01".into(), ..class_draft() });
    assert!(one_day.is_ok());
    for completion in ["0", "101", "abc", "-5", "80.5"] {
        assert_eq!(
            check(ClassDraft { completion: completion.into(), ..class_draft() }),
            Err(vec![ClassProblem::BadCompletion]),
            "{completion:?}"
        );
    }
    for (completion, value) in [("1", 1), ("100", 100), ("80%", 80), (" 75％ ", 75)] {
        let values = check(ClassDraft { completion: completion.into(), ..class_draft() }).unwrap();
        assert_eq!(values.last(), Some(&ClassValue::Completion(Some(value))), "{completion:?}");
    }
    assert_eq!(
        check(ClassDraft { audience: Some(Audience::Group("第九党小组".into())), ..class_draft() }),
        Err(vec![ClassProblem::NoAttendees])
    );
    let branch = check(ClassDraft { audience: None, ..class_draft() }).unwrap();
    assert!(branch.contains(&ClassValue::Audience(Audience::Branch)));
    let listed = check(ClassDraft { audience: Some(Audience::List(vec![member])), ..class_draft() });
    assert!(listed.is_ok());
}

#[test]
fn moving_a_class_may_not_leave_its_sessions_outside() {
    let mut b = Branch::new();
    b.add("书记", Role::Secretary);
    let class = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    // 00:30 on 1 May in Beijing is still 30 April in UTC: the zone decides.
    let first = b.session(&class, local("2026-05-01", 0, 30), 90, None);
    b.session(&class, local("2026-05-20", 9, 0), 90, None);
    let last = b.session(&class, local("2026-05-31", 23, 30), 90, None);
    let existing = b.get_class(&class);
    let draft = ClassDraft::of(&existing);
    assert_eq!(draft.validate(b.state(), Some(&existing)).map(|v| training::edit_changes(&existing, v)), Ok(vec![]));

    let moved = |from: &str, to: &str| ClassDraft { from: from.into(), to: to.into(), ..draft.clone() };
    assert_eq!(
        moved("2026-05-02", "2026-05-31").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 1 }])
    );
    assert_eq!(
        moved("2026-05-10", "2026-05-30").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 2 }])
    );
    assert_eq!(
        moved("2026-06-01", "2026-06-30").validate(b.state(), Some(&existing)),
        Err(vec![ClassProblem::SessionsOutside { count: 3 }])
    );
    let wider = moved("2026-04-01", "2026-06-30").validate(b.state(), Some(&existing)).unwrap();
    assert_eq!(training::edit_changes(&existing, wider), vec![ClassValue::Dates(day("2026-04-01"), day("2026-06-30"))]);
    // A new class is not held to another's sessions; cancelled sessions don't hold a class.
    assert!(moved("2026-06-01", "2026-06-30").validate(b.state(), None).is_ok());
    b.cancel(&first);
    b.cancel(&last);
    assert!(moved("2026-05-10", "2026-05-30").validate(b.state(), Some(&existing)).is_ok());
}

fn session_draft(class: &ClassId, date: &str) -> MeetingDraft {
    MeetingDraft {
        kind: None,
        topic: "第一讲".into(),
        date: date.into(),
        time: "09:00".into(),
        minutes: "180".into(),
        class: Some(class.clone()),
        ..MeetingDraft::default()
    }
}

#[test]
fn a_session_is_a_training_inside_its_classs_dates() {
    let mut b = Branch::new();
    b.add("书记", Role::Secretary);
    let member = b.add("党员", Role::Member);
    let class = b.class(Audience::Committee, "2026-05-01", "2026-05-31", None);
    let state = b.state().clone();
    let (from, to) = (day("2026-05-01"), day("2026-05-31"));

    let values = session_draft(&class, "2026-05-10").validate(&state, Zone::CST).unwrap();
    assert_eq!(values[0], V::Kind(K::Training), "a session is a training");
    assert!(values.contains(&V::Audience(Audience::Committee)), "for the class's roster: {values:?}");
    assert!(values.contains(&V::Class(class.clone())));
    assert!(values.contains(&V::Start(local("2026-05-10", 9, 0))));
    assert!(values.contains(&V::Credit(None)));
    // Even a kind chosen otherwise, and an audience chosen by hand stays.
    let chosen = MeetingDraft {
        kind: Some(K::General),
        audience: Some(Audience::List(vec![member.clone()])),
        ..session_draft(&class, "2026-05-01")
    };
    let values = chosen.validate(&state, Zone::CST).unwrap();
    assert_eq!(values[0], V::Kind(K::Training));
    assert!(values.contains(&V::Audience(Audience::List(vec![member]))));
    assert!(session_draft(&class, "2026-05-31").validate(&state, Zone::CST).is_ok());

    for date in ["2026-04-30", "2026-06-01"] {
        assert_eq!(
            session_draft(&class, date).validate(&state, Zone::CST),
            Err(vec![MeetingProblem::OutsideClass { from, to }]),
            "{date}"
        );
    }
    assert_eq!(
        session_draft(&ClassId("c99".into()), "2026-05-10").validate(&state, Zone::CST),
        Err(vec![MeetingProblem::UnknownClass, MeetingProblem::KindRequired])
    );
    for credit in ["25", "-1", "24.1", "1.25", "两"] {
        assert_eq!(
            MeetingDraft { credit: credit.into(), ..session_draft(&class, "2026-05-10") }.validate(&state, Zone::CST),
            Err(vec![MeetingProblem::BadCredit]),
            "{credit:?}"
        );
    }
    for (credit, tenths) in [("24", 240), ("0", 0), ("2.5", 25)] {
        let values = MeetingDraft { credit: credit.into(), ..session_draft(&class, "2026-05-10") }
            .validate(&state, Zone::CST)
            .unwrap();
        assert!(values.contains(&V::Credit(Some(tenths))), "{credit:?}");
    }

    // Saved, it is one of the class's sessions and counts as training.
    let id = MeetingId("session".into());
    b.save(&id, session_draft(&class, "2026-05-10").validate(&state, Zone::CST).unwrap());
    let session = b.get_meeting(&id);
    assert!(training::is_training(&session));
    assert_eq!(b.get_class(&class).sessions(b.state()), vec![session]);
    assert_eq!(b.get_class(&class).year(), 2026);
}

// ---------------------------------------------------------------------------
// 7. Completion and coverage.

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
    let mut b = Branch::new();
    let secretary = b.add("书记", Role::Secretary);
    let deputy = b.add("副书记", Role::DeputySecretary);
    let organization = b.add("组织委员", Role::OrganizationCommissioner);
    let discipline = b.add("纪检委员", Role::DisciplineCommissioner);
    let member = b.add("党员", Role::Member);
    let leader = b.add("组长", Role::GroupLeader);
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
    b.marks(&dropped, &[&secretary, &deputy, &organization, &discipline]);
    b.cancel(&dropped);
    b.marks(&s1, &[&secretary, &deputy]);
    b.marks(&s2, &[&secretary, &deputy]);
    b.marks(&s3, &[&secretary, &organization]);
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
    b.organizer(Payload::ClassSaved { class: class.clone(), changes: vec![ClassValue::Completion(Some(100))] });
    let report = b.report(&class);
    assert_eq!((report.needed, report.coverage.completed), (100, 1));
    // Back to the branch setting, which the branch lowers to 20%.
    b.organizer(Payload::ClassSaved { class: class.clone(), changes: vec![ClassValue::Completion(None)] });
    b.set(Setting::Completion(20));
    let report = b.report(&class);
    assert_eq!((report.needed, report.coverage.completed), (20, 3));

    b.marks(&s2, &[&discipline]);
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
    b.marks(&a1, &[&secretary]);
    b.marks(&a2, &[&deputy]);
    let report = b.report(&even);
    assert_eq!((report.total, report.needed), (25, 20));
    assert_eq!(report.coverage.completed, 0);

    // 75% of 2.5 学时 is 1.875: 1.9 needed, so 1.8 is not enough.
    let odd = b.class(Audience::Committee, "2026-06-01", "2026-06-30", Some(75));
    let b1 = b.session(&odd, local("2026-06-10", 9, 0), 90, Some(18));
    let b2 = b.session(&odd, local("2026-06-11", 9, 0), 60, Some(7));
    b.marks(&b1, &[&secretary, &organization]);
    b.marks(&b2, &[&organization]);
    let report = b.report(&odd);
    assert_eq!((report.total, report.needed), (25, 19));
    let earned: Vec<(u32, bool)> = report.lines.iter().take(3).map(|l| (l.earned, l.completed)).collect();
    assert_eq!(earned, vec![(18, false), (0, false), (25, true)]);

    // 80% of 10.3 学时 is 8.24: 8.3 needed.
    let credit = b.class(Audience::Committee, "2026-07-01", "2026-07-31", None);
    let c1 = b.session(&credit, local("2026-07-10", 9, 0), 480, Some(40));
    let c2 = b.session(&credit, local("2026-07-11", 9, 0), 480, Some(40));
    b.session(&credit, local("2026-07-12", 9, 0), 90, Some(23));
    b.marks(&c1, &[&secretary]);
    b.marks(&c2, &[&secretary]);
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
    b.marks(&a1, &[&secretary, &deputy, &organization]);
    b.marks(&a2, &[&secretary, &organization]);
    b.marks(&c1, &[&organization, &member]);
    b.marks(&c2, &[&member]);

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
    b.marks(&a1, &[&discipline]);
    b.marks(&c1, &[&leader]);
    let year = training::year_coverage(&[b.report(&a), b.report(&c)]);
    assert_eq!((year.targeted, year.attended, year.completed), (6, 6, 2));
    assert!(year.full());
    // Completing B as well makes the organisation commissioner complete.
    b.marks(&c2, &[&organization]);
    assert_eq!(training::year_coverage(&[b.report(&a), b.report(&c)]).completed, 3);

    let nobody = training::year_coverage(&[]);
    assert_eq!((nobody.attended_permille(), nobody.full()), (None, false));
    assert_eq!(training::classes(b.state()).iter().map(|c| &c.id).collect::<Vec<_>>(), vec![&a, &c]);
}

#[test]
fn zero_completion_and_zero_hour_days_are_refused() {
    use zhibu_core::settings::Setting;
    assert!(Setting::Completion(0).check().is_err());
    assert!(Setting::FullDayHours(0).check().is_err());
    assert!(Setting::HalfDayHours(0).check().is_err());
    assert!(Setting::Completion(1).check().is_ok());
    assert!(Setting::FullDayHours(24).check().is_ok());
}
