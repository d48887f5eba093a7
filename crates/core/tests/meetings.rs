//! Meetings, check-in, the attendance sheet and its quorum, joining by card
//! and receipts: built on real states made with `Records::record`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use zhibu_core::attendance::{Attendance, AttendanceStatus as A};
use zhibu_core::checkin::{self, CheckIn, CheckInProblem, LeaveDecision, LeaveRequest, MakeUp, Proof};
use zhibu_core::commands;
use zhibu_core::date::Date;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId};
use zhibu_core::join::{self, CardError, JOIN_PREFIX, RECEIPT_PREFIX};
use zhibu_core::meetings::{
    self, Audience, Meeting, MeetingDraft, MeetingField, MeetingKind, MeetingProblem, MeetingStatus, MeetingValue as V,
    QuorumRule,
};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::sheet::{self, Counts, Quorum, Row, Sheet, Source};
use zhibu_core::state::State;
use zhibu_core::token::{SecretKey, Token, TokenError};
use zhibu_core::zone::Zone;

const ORGANIZER: &str = "organizer-laptop";
const PHONE: &str = "13800138000";

/// The branch's key, held on the organizer's device.
fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

/// Another branch's (or a forger's) key.
fn other_key() -> SecretKey {
    SecretKey::from_seed([9; 32])
}

fn local(date: &str, hour: u8, minute: u8) -> i64 {
    Zone::CST.unix(Date::parse(date).unwrap(), hour, minute).unwrap()
}

/// 2026-03-10 14:00 in Beijing.
fn start() -> i64 {
    local("2026-03-10", 14, 0)
}

/// A 26-character meeting id, as tokens require.
fn mid(n: u8) -> MeetingId {
    MeetingId(format!("01KB{n:022}"))
}

/// A branch's records on the organizer's device, with fixed stamps.
struct Branch {
    records: Records,
    n: u64,
    members: u32,
}

impl Branch {
    fn new() -> Branch {
        Branch::with_key(Some(&key()))
    }

    fn with_key(key: Option<&SecretKey>) -> Branch {
        let mut b = Branch { records: Records::default(), n: 0, members: 0 };
        let mut changes = vec![Setting::BranchName("第一党支部".into())];
        changes.extend(key.map(|k| Setting::OrganizerKey(k.public().to_text())));
        b.organizer(Payload::SettingsChanged { changes });
        b
    }

    fn stamp(&mut self, device: &str, actor: Option<&MemberId>) -> EventStamp {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.n.to_le_bytes());
        EventStamp {
            device: DeviceId(device.into()),
            actor: actor.cloned(),
            unix_ms: 1_773_000_000_000 + self.n as i64,
            random,
        }
    }

    fn record(&mut self, device: &str, actor: Option<&MemberId>, payload: Payload) -> Event {
        let stamp = self.stamp(device, actor);
        self.records.record(stamp, payload)
    }

    fn organizer(&mut self, payload: Payload) -> Event {
        self.record(ORGANIZER, None, payload)
    }

    fn state(&self) -> &State {
        self.records.state()
    }

    fn add(&mut self, name: &str, group: &str, status: Status, role: Role) -> MemberId {
        self.members += 1;
        let member = MemberId(format!("m{:02}", self.members));
        let fields = MemberFields {
            name: name.into(),
            group: group.into(),
            status,
            role,
            joined: Date::parse("2010-07-01"),
            phone: Some(PHONE.into()),
            exempt: true,
        };
        self.organizer(Payload::MemberAdded { member: member.clone(), fields });
        member
    }

    fn full(&mut self, n: usize) -> Vec<MemberId> {
        (0..n).map(|i| self.add(&format!("正式{i}"), "第一党小组", Status::Full, Role::Member)).collect()
    }

    fn probationary(&mut self, n: usize) -> Vec<MemberId> {
        (0..n).map(|i| self.add(&format!("预备{i}"), "第一党小组", Status::Probationary, Role::Member)).collect()
    }

    fn save(&mut self, meeting: &MeetingId, changes: Vec<V>) -> Event {
        self.organizer(Payload::MeetingSaved { meeting: meeting.clone(), changes })
    }

    fn plan_at(&mut self, n: u8, kind: MeetingKind, audience: Audience, at: i64) -> MeetingId {
        let id = mid(n);
        self.save(
            &id,
            vec![
                V::Kind(kind),
                V::Topic("学习党章".into()),
                V::Start(at),
                V::Minutes(90),
                V::Audience(audience),
                V::Status(MeetingStatus::Planned),
            ],
        );
        id
    }

    fn plan(&mut self, n: u8, kind: MeetingKind, audience: Audience) -> MeetingId {
        self.plan_at(n, kind, audience, start())
    }

    fn meeting(&self, id: &MeetingId) -> Meeting {
        self.state().meeting(id).unwrap()
    }

    fn hold(&mut self, id: &MeetingId) {
        let value = meetings::hold(&self.meeting(id), self.state()).unwrap();
        self.save(id, vec![value]);
    }

    fn mark_at(&mut self, meeting: &MeetingId, member: &MemberId, status: A, at: Option<i64>) {
        let mark = Attendance { status, at, by_self: false };
        self.organizer(Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark });
    }

    fn mark(&mut self, meeting: &MeetingId, member: &MemberId, status: A) {
        let at = sheet::attended(status).then_some(start());
        self.mark_at(meeting, member, status, at);
    }

    fn check_in(&mut self, meeting: &MeetingId, member: &MemberId, at: i64, device: &str, proof: Proof) -> Event {
        let check = CheckIn { at, device: device.into(), proof };
        self.record(
            device,
            Some(member),
            Payload::CheckedIn { meeting: meeting.clone(), member: member.clone(), check },
        )
    }

    fn ask_leave(&mut self, meeting: &MeetingId, member: &MemberId, reason: &str, withdrawn: bool) {
        let request = LeaveRequest { reason: reason.into(), withdrawn };
        let device = format!("phone-{member}");
        self.record(
            &device,
            Some(member),
            Payload::LeaveRequested { meeting: meeting.clone(), member: member.clone(), request },
        );
    }

    fn decide(&mut self, meeting: &MeetingId, member: &MemberId, approved: bool) {
        let decision = LeaveDecision { approved, note: String::new() };
        self.organizer(Payload::LeaveDecided { meeting: meeting.clone(), member: member.clone(), decision });
    }

    fn sheet(&self, meeting: &MeetingId, secret: Option<&SecretKey>) -> Sheet {
        sheet::sheet(self.state(), &self.meeting(meeting), &self.state().settings(), secret)
    }
}

fn row<'a>(sheet: &'a Sheet, member: &MemberId) -> &'a Row {
    sheet.rows.iter().find(|r| &r.member == member).unwrap()
}

/// (status, source, at) of a member's row.
fn line(sheet: &Sheet, member: &MemberId) -> (Option<A>, Option<Source>, Option<i64>) {
    let r = row(sheet, member);
    (r.status, r.source, r.at)
}

/// The code shown beside the QR at `at`.
fn right_code(meeting: &MeetingId, at: i64) -> Proof {
    Proof::Code(key().token(meeting, at).code())
}

/// A code no window near `at` shows.
fn wrong_code(meeting: &MeetingId, at: i64) -> Proof {
    let right: u32 = key().token(meeting, at).code().parse().unwrap();
    let wrong = format!("{:06}", (right + 1) % 1_000_000);
    assert_eq!(key().check_code(meeting, &wrong, at), None);
    Proof::Code(wrong)
}

fn token_proof(secret: &SecretKey, meeting: &MeetingId, at: i64) -> (i64, Proof) {
    let token = secret.token(meeting, at);
    (token.time(), Proof::Token(token.to_text()))
}

// ---------------------------------------------------------------------------
// 1. Quorum and counts.

#[test]
fn general_meeting_quorum_counts_full_members_only() {
    let mut b = Branch::new();
    let full = b.full(10);
    let prob = b.probationary(2);
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    for id in full[..5].iter().chain(&prob) {
        b.mark(&m, id, A::Present);
    }
    let s = b.sheet(&m, None);
    assert_eq!(s.rows.len(), 12);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::VotingMembers, entitled: 10, present: 5, needed: 6, met: false })
    );
    assert_eq!(s.counts, Counts { expected: 12, present: 7, waiting: 5, ..Counts::default() });
    assert_eq!(s.counts.rate_permille(), Some(583));

    b.mark(&m, &full[5], A::Present);
    let s = b.sheet(&m, None);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::VotingMembers, entitled: 10, present: 6, needed: 6, met: true })
    );
    assert_eq!(s.counts, Counts { expected: 12, present: 8, waiting: 4, ..Counts::default() });

    // Held: nobody marked is 缺席, derived.
    b.hold(&m);
    let s = b.sheet(&m, None);
    assert_eq!(s.counts, Counts { expected: 12, present: 8, absent: 4, ..Counts::default() });
    assert_eq!(s.counts.rate_permille(), Some(666));
    for id in &full[6..] {
        assert_eq!(line(&s, id), (Some(A::Absent), Some(Source::Derived), None));
    }
    assert_eq!(line(&s, &full[0]), (Some(A::Present), Some(Source::Organizer), Some(start())));
    assert!(s.quorum.unwrap().met);
}

#[test]
fn more_than_half_at_odd_and_even_boundaries() {
    // (full members, of them present, needed, met); one probationary member
    // is always present and never counts.
    for (entitled, present, needed, met) in [
        (9, 4, 5, false),
        (9, 5, 5, true),
        (10, 5, 6, false),
        (10, 6, 6, true),
        (1, 0, 1, false),
        (1, 1, 1, true),
        (2, 1, 2, false),
        (2, 2, 2, true),
    ] {
        let mut b = Branch::new();
        let full = b.full(entitled);
        let prob = b.probationary(1);
        let m = b.plan(1, MeetingKind::General, Audience::Branch);
        b.mark(&m, &prob[0], A::Present);
        for id in &full[..present] {
            b.mark(&m, id, A::Present);
        }
        let q = b.sheet(&m, None).quorum.unwrap();
        assert_eq!(
            q,
            Quorum { rule: QuorumRule::VotingMembers, entitled, present, needed, met },
            "{present} of {entitled}"
        );
    }
    assert_eq!(meetings::more_than_half(0, 0), (false, 1));
    assert_eq!(meetings::more_than_half(4, 9), (false, 5));
    assert_eq!(meetings::more_than_half(5, 9), (true, 5));
    assert_eq!(meetings::more_than_half(5, 10), (false, 6));
    assert_eq!(meetings::more_than_half(6, 10), (true, 6));

    // Only probationary members: nobody entitled, never met.
    let mut b = Branch::new();
    let prob = b.probationary(3);
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    for id in &prob {
        b.mark(&m, id, A::Present);
    }
    let s = b.sheet(&m, None);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::VotingMembers, entitled: 0, present: 0, needed: 1, met: false })
    );
    assert_eq!(s.counts.present, 3);
}

#[test]
fn committee_meeting_quorum_counts_committee_posts() {
    let mut b = Branch::new();
    let secretary = b.add("王书记", "第一党小组", Status::Full, Role::Secretary);
    let deputy = b.add("李副书记", "第一党小组", Status::Full, Role::DeputySecretary);
    // A probationary committee member still counts toward the 支委会's quorum.
    let organization = b.add("张组织", "第二党小组", Status::Probationary, Role::OrganizationCommissioner);
    let propaganda = b.add("赵宣传", "第二党小组", Status::Full, Role::PropagandaCommissioner);
    let discipline = b.add("钱纪检", "第二党小组", Status::Full, Role::DisciplineCommissioner);
    let leader = b.add("孙组长", "第一党小组", Status::Full, Role::GroupLeader);
    let member = b.add("周党员", "第一党小组", Status::Full, Role::Member);
    let committee = vec![secretary.clone(), deputy.clone(), organization.clone(), propaganda, discipline];

    let m = b.plan(1, MeetingKind::Committee, Audience::Committee);
    assert_eq!(b.meeting(&m).expected(b.state()), committee);
    b.mark(&m, &secretary, A::Present);
    b.mark(&m, &organization, A::Present);
    let s = b.sheet(&m, None);
    assert_eq!(s.rows.iter().map(|r| r.member.clone()).collect::<Vec<_>>(), committee);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::CommitteeMembers, entitled: 5, present: 2, needed: 3, met: false })
    );
    b.mark(&m, &deputy, A::Late);
    let s = b.sheet(&m, None);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::CommitteeMembers, entitled: 5, present: 3, needed: 3, met: true })
    );
    assert_eq!(s.counts, Counts { expected: 5, present: 3, late: 1, waiting: 2, ..Counts::default() });

    // A 支委会 with members sitting in (列席): they are expected but do not count.
    let everyone: Vec<MemberId> = b.state().members().into_iter().map(|m| m.id).collect();
    let m2 = b.plan(2, MeetingKind::Committee, Audience::List(everyone));
    b.mark(&m2, &leader, A::Present);
    b.mark(&m2, &member, A::Present);
    b.mark(&m2, &secretary, A::Present);
    let s = b.sheet(&m2, None);
    assert_eq!(
        s.quorum,
        Some(Quorum { rule: QuorumRule::CommitteeMembers, entitled: 5, present: 1, needed: 3, met: false })
    );
    assert_eq!(s.counts, Counts { expected: 7, present: 3, waiting: 4, ..Counts::default() });

    // Kinds without a quorum rule have none.
    let m3 = b.plan(3, MeetingKind::Lecture, Audience::Branch);
    assert_eq!(b.sheet(&m3, None).quorum, None);
}

#[test]
fn counts_leave_and_derived_absence() {
    let mut b = Branch::new();
    let [a, bb, c, d, e, f, g, h] = <[MemberId; 8]>::try_from(b.full(8)).unwrap();
    let m = b.plan(1, MeetingKind::ThemeDay, Audience::Branch);
    b.mark(&m, &a, A::Present);
    b.ask_leave(&m, &bb, "出差", false);
    b.decide(&m, &bb, true);
    b.ask_leave(&m, &c, "家中有事", false);
    b.decide(&m, &c, false);
    b.mark_at(&m, &e, A::Late, Some(start() + 600));
    b.mark(&m, &f, A::LeftEarly);
    b.ask_leave(&m, &g, "生病", false);
    b.ask_leave(&m, &h, "出差", false);
    b.decide(&m, &h, true);
    b.ask_leave(&m, &h, "出差", true); // withdrawn after approval

    let planned = b.sheet(&m, None);
    assert_eq!(planned.quorum, None);
    assert_eq!(
        planned.counts,
        Counts { expected: 8, present: 3, late: 1, left_early: 1, leave: 1, waiting: 4, ..Counts::default() }
    );
    assert_eq!(line(&planned, &bb), (Some(A::Leave), Some(Source::Derived), None));
    assert_eq!(
        row(&planned, &bb).leave,
        Some((
            LeaveRequest { reason: "出差".into(), withdrawn: false },
            Some(LeaveDecision { approved: true, note: String::new() })
        ))
    );
    assert_eq!(line(&planned, &c), (None, None, None));
    assert_eq!(line(&planned, &d), (None, None, None));
    assert_eq!(line(&planned, &g), (None, None, None));
    assert_eq!(row(&planned, &g).leave, Some((LeaveRequest { reason: "生病".into(), withdrawn: false }, None)));
    assert_eq!(line(&planned, &h), (None, None, None));
    assert_eq!(row(&planned, &h).leave, None);
    assert_eq!(line(&planned, &e), (Some(A::Late), Some(Source::Organizer), Some(start() + 600)));

    b.hold(&m);
    let held = b.sheet(&m, None);
    assert_eq!(
        held.counts,
        Counts { expected: 8, present: 3, late: 1, left_early: 1, leave: 1, absent: 4, ..Counts::default() }
    );
    assert_eq!(held.counts.rate_permille(), Some(375));
    for id in [&c, &d, &g, &h] {
        assert_eq!(line(&held, id), (Some(A::Absent), Some(Source::Derived), None), "{id}");
    }
    assert_eq!(line(&held, &bb), (Some(A::Leave), Some(Source::Derived), None));
    // The organizer's mark outranks approved leave.
    b.mark(&m, &bb, A::Present);
    assert_eq!(line(&b.sheet(&m, None), &bb), (Some(A::Present), Some(Source::Organizer), Some(start())));
    assert_eq!(Counts::default().rate_permille(), None);
}

#[test]
fn code_check_ins_stay_unverified_until_the_organizers_device_checks_them() {
    let mut b = Branch::new();
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    let typed = start() + 75; // in the window that starts at start + 60
    b.check_in(&m, &a, typed, "phone-a", right_code(&m, typed));
    b.check_in(&m, &bb, typed, "phone-b", wrong_code(&m, typed));

    // On a member's phone: nothing can be checked.
    let phone = b.sheet(&m, None);
    assert_eq!(line(&phone, &a), (Some(A::Present), Some(Source::Unverified), Some(typed)));
    assert_eq!(line(&phone, &bb), (Some(A::Present), Some(Source::Unverified), Some(typed)));
    assert_eq!(phone.counts, Counts { expected: 4, unverified: 2, waiting: 2, ..Counts::default() });
    assert_eq!(phone.quorum.unwrap().present, 0);

    // On the organizer's device: the right code is proven at its window's
    // start, the wrong one is rejected.
    let desk = b.sheet(&m, Some(&key()));
    assert_eq!(line(&desk, &a), (Some(A::Present), Some(Source::Verified), Some(start() + 60)));
    // Rejected: no state of its own until the meeting is held (then 缺席).
    assert_eq!(line(&desk, &bb), (None, Some(Source::Rejected), Some(typed)));
    assert_eq!(desk.counts, Counts { expected: 4, present: 1, waiting: 3, self_checked: 1, ..Counts::default() });
    assert_eq!(desk.quorum.unwrap().present, 1);

    // A right code typed late is 迟到; a right code claimed after the end is rejected.
    let late = start() + 400;
    b.check_in(&m, &c, late, "phone-c", right_code(&m, late));
    let after = start() + 90 * 60 + 30;
    b.check_in(&m, &d, after, "phone-d", right_code(&m, after));
    let desk = b.sheet(&m, Some(&key()));
    assert_eq!(line(&desk, &c), (Some(A::Late), Some(Source::Verified), Some(start() + 390)));
    assert_eq!(row(&desk, &d).source, Some(Source::Rejected));
    assert_eq!(
        desk.counts,
        Counts { expected: 4, present: 2, late: 1, waiting: 2, self_checked: 2, ..Counts::default() }
    );
    assert_eq!(
        desk.quorum,
        Some(Quorum { rule: QuorumRule::VotingMembers, entitled: 4, present: 2, needed: 3, met: false })
    );
    // The organizer's device with another key rejects them all.
    let wrong_desk = b.sheet(&m, Some(&other_key()));
    assert!(wrong_desk.rows.iter().all(|r| r.source == Some(Source::Rejected)));
    assert_eq!(wrong_desk.counts.present, 0);
}

#[test]
fn token_check_ins_verify_with_the_public_key_and_forgeries_are_rejected() {
    let mut b = Branch::new();
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    let (at, good) = token_proof(&key(), &m, start() + 40);
    b.check_in(&m, &a, at, "phone-a", good.clone());
    let (forged_at, forged) = token_proof(&other_key(), &m, start() + 40);
    b.check_in(&m, &bb, forged_at, "phone-b", forged);
    // A real token, but the check-in claims another time than it proves.
    b.check_in(&m, &c, at + 30, "phone-c", good);
    // A real token for another meeting.
    let (other_at, other_meeting) = token_proof(&key(), &mid(2), start() + 40);
    b.check_in(&m, &d, other_at, "phone-d", other_meeting);
    for secret in [None, Some(&key())] {
        let s = b.sheet(&m, secret);
        assert_eq!(line(&s, &a), (Some(A::Present), Some(Source::Verified), Some(start() + 30)));
        assert_eq!(row(&s, &bb).source, Some(Source::Rejected));
        assert_eq!(row(&s, &c).source, Some(Source::Rejected));
        assert_eq!(row(&s, &d).source, Some(Source::Rejected));
        assert_eq!(s.counts, Counts { expected: 4, present: 1, waiting: 3, self_checked: 1, ..Counts::default() });
    }
}

#[test]
fn the_later_of_mark_and_check_in_wins() {
    let mut b = Branch::new();
    let [a, bb, c] = <[MemberId; 3]>::try_from(b.full(3)).unwrap();
    let m = b.plan(1, MeetingKind::Study, Audience::Branch);
    let typed = start() + 60;
    // Marked absent, then checks in: the check-in is later.
    b.mark(&m, &a, A::Absent);
    b.check_in(&m, &a, typed, "phone-a", right_code(&m, typed));
    assert_eq!(line(&b.sheet(&m, Some(&key())), &a), (Some(A::Present), Some(Source::Verified), Some(typed)));
    // Where the code cannot be checked, an unproven check-in does not
    // override the organizer's mark.
    assert_eq!(line(&b.sheet(&m, None), &a), (Some(A::Absent), Some(Source::Organizer), None));
    // Then the organizer corrects it: the mark is later.
    b.mark(&m, &a, A::LeftEarly);
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(line(&s, &a), (Some(A::LeftEarly), Some(Source::Organizer), Some(start())));
    assert_eq!(row(&s, &a).check_in.as_ref().map(|c| c.at), Some(typed));
    // Checked in, then marked absent.
    b.check_in(&m, &bb, typed, "phone-b", right_code(&m, typed));
    b.mark(&m, &bb, A::Absent);
    assert_eq!(line(&b.sheet(&m, Some(&key())), &bb), (Some(A::Absent), Some(Source::Organizer), None));

    // Concurrent (same clock): the stamp decides, the same on both devices.
    let mut phone = b.records.clone();
    let phone_stamp = EventStamp {
        device: DeviceId("phone-c".into()),
        actor: Some(c.clone()),
        unix_ms: 1_773_100_000_000,
        random: [1; 16],
    };
    let check = CheckIn { at: typed, device: "phone-c".into(), proof: right_code(&m, typed) };
    let from_phone =
        phone.record(phone_stamp, Payload::CheckedIn { meeting: m.clone(), member: c.clone(), check: check.clone() });
    let mark = Attendance { status: A::Absent, at: None, by_self: false };
    let from_desk = b.organizer(Payload::AttendanceMarked { meeting: m.clone(), member: c.clone(), mark });
    assert_eq!(from_phone.clock, from_desk.clock);
    b.records.merge_events([&from_phone]);
    phone.merge_events([&from_desk]);
    assert_eq!(phone.state(), b.state());
    // "phone-c" > "organizer-laptop": the check-in wins on both.
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(line(&s, &c), (Some(A::Present), Some(Source::Verified), Some(typed)));
    let on_phone = sheet::sheet(phone.state(), &b.meeting(&m), &phone.state().settings(), Some(&key()));
    assert_eq!(on_phone, s);
}

#[test]
fn two_members_checked_in_from_one_phone_are_flagged() {
    let mut b = Branch::new();
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(1, MeetingKind::Study, Audience::List(vec![a.clone(), bb.clone(), c.clone()]));
    let typed = start() + 60;
    b.check_in(&m, &a, typed, "phone-shared", right_code(&m, typed));
    b.check_in(&m, &bb, typed + 5, "phone-shared", right_code(&m, typed + 5));
    b.check_in(&m, &c, typed, "phone-c", right_code(&m, typed));
    // d is not expected; their check-in from c's phone does not flag c.
    b.check_in(&m, &d, typed, "phone-c", right_code(&m, typed));
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(s.rows.len(), 3);
    assert!(row(&s, &a).shared_device);
    assert!(row(&s, &bb).shared_device);
    assert!(!row(&s, &c).shared_device);
    assert_eq!(s.counts, Counts { expected: 3, present: 3, self_checked: 3, ..Counts::default() });
}

// ---------------------------------------------------------------------------
// 2. Window, lateness, tokens, codes, leave and make-up.

fn meeting_at(start: i64, minutes: u32, status: MeetingStatus) -> Meeting {
    Meeting {
        id: mid(1),
        kind: MeetingKind::Study,
        topic: "学习".into(),
        start,
        minutes,
        place: String::new(),
        host: String::new(),
        lecturer: String::new(),
        recorder: String::new(),
        audience: Audience::Branch,
        agenda: String::new(),
        record: String::new(),
        status,
        class: None,
        credit: None,
        online: false,
    }
}

fn keyed_settings() -> Settings {
    Settings { organizer_key: Some(key().public().to_text()), ..Settings::default() }
}

#[test]
fn check_in_opens_before_the_start_closes_at_the_end_and_late_after_the_grace() {
    let s = Settings::default();
    assert_eq!((s.check_in_opens, s.late_grace), (30, 5));
    let t = start();
    let m = meeting_at(t, 90, MeetingStatus::Planned);
    let open = t - 30 * 60;
    let end = t + 90 * 60;
    assert_eq!(checkin::window(&m, &s), (open, end));
    assert_eq!(checkin::check_open(&m, &s, open - 1), Err(CheckInProblem::NotOpenYet(open)));
    assert_eq!(checkin::check_open(&m, &s, open), Ok(()));
    assert_eq!(checkin::check_open(&m, &s, end), Ok(()));
    assert_eq!(checkin::check_open(&m, &s, end + 1), Err(CheckInProblem::Closed));
    assert_eq!(checkin::status_at(&m, &s, open), A::Present);
    assert_eq!(checkin::status_at(&m, &s, t + 5 * 60), A::Present);
    assert_eq!(checkin::status_at(&m, &s, t + 5 * 60 + 1), A::Late);
    // Held meetings still take check-ins in the window; cancelled ones never.
    let held = meeting_at(t, 90, MeetingStatus::Held { expected: vec![MemberId("m1".into())] });
    assert_eq!(checkin::check_open(&held, &s, t), Ok(()));
    let cancelled = meeting_at(t, 90, MeetingStatus::Cancelled { reason: "下雨".into() });
    assert_eq!(checkin::check_open(&cancelled, &s, t), Err(CheckInProblem::Cancelled));

    // The branch's own settings.
    let strict = Settings { check_in_opens: 10, late_grace: 0, ..Settings::default() };
    assert_eq!(checkin::check_open(&m, &strict, t - 10 * 60 - 1), Err(CheckInProblem::NotOpenYet(t - 600)));
    assert_eq!(checkin::check_open(&m, &strict, t - 10 * 60), Ok(()));
    assert_eq!(checkin::status_at(&m, &strict, t), A::Present);
    assert_eq!(checkin::status_at(&m, &strict, t + 1), A::Late);

    // Settings come from the state's register.
    let mut b = Branch::new();
    b.organizer(Payload::SettingsChanged { changes: vec![Setting::CheckInOpens(15), Setting::LateGrace(10)] });
    let settings = b.state().settings();
    assert_eq!((settings.check_in_opens, settings.late_grace), (15, 10));
    assert_eq!(settings.organizer_key, Some(key().public().to_text()));
}

#[test]
fn scanned_tokens_are_checked_on_the_phone() {
    // The phone parses what it scanned once, then checks it against the meeting.
    let by_token = |m: &Meeting, s: &Settings, text: &str, at: i64, device: &str| {
        let token = Token::parse(text).map_err(CheckInProblem::Token)?;
        checkin::by_token(m, s, &token, at, device)
    };
    let s = keyed_settings();
    let t = start();
    let m = meeting_at(t, 90, MeetingStatus::Planned);
    let token = key().token(&m.id, t);
    let text = token.to_text();
    assert_eq!(
        by_token(&m, &s, &text, t + 60, "phone-a"),
        Ok(CheckIn { at: t, device: "phone-a".into(), proof: Proof::Token(text.clone()) })
    );
    // A link works as well as the bare token.
    let link = format!("https://zhibu.example/{}{text}", zhibu_core::token::LINK_PREFIX);
    assert_eq!(by_token(&m, &s, &link, t, "phone-a").map(|c| c.at), Ok(t));
    for later in [3 * 30, 10 * 60] {
        assert_eq!(
            by_token(&m, &s, &text, t + later, "phone-a"),
            Err(CheckInProblem::Token(TokenError::Expired)),
            "{later} s later"
        );
    }
    let forged = other_key().token(&m.id, t).to_text();
    assert_eq!(by_token(&m, &s, &forged, t, "phone-a"), Err(CheckInProblem::Token(TokenError::BadSignature)));
    let other_meeting = key().token(&mid(2), t).to_text();
    assert_eq!(by_token(&m, &s, &other_meeting, t, "phone-a"), Err(CheckInProblem::Token(TokenError::WrongMeeting)));
    assert_eq!(by_token(&m, &s, "not a token", t, "phone-a"), Err(CheckInProblem::Token(TokenError::Malformed)));
    assert_eq!(by_token(&m, &Settings::default(), &text, t, "phone-a"), Err(CheckInProblem::NoKey));
    // A genuine token outside the window.
    let early = key().token(&m.id, t - 31 * 60).to_text();
    assert_eq!(by_token(&m, &s, &early, t - 31 * 60, "phone-a"), Err(CheckInProblem::NotOpenYet(t - 1800)));
    let after = key().token(&m.id, t + 91 * 60).to_text();
    assert_eq!(by_token(&m, &s, &after, t + 91 * 60, "phone-a"), Err(CheckInProblem::Closed));
    let cancelled = meeting_at(t, 90, MeetingStatus::Cancelled { reason: "下雨".into() });
    assert_eq!(by_token(&cancelled, &s, &text, t, "phone-a"), Err(CheckInProblem::Cancelled));
}

#[test]
fn typed_codes_are_six_digits_and_recorded_at_the_phones_time() {
    let s = Settings::default();
    let t = start();
    let m = meeting_at(t, 90, MeetingStatus::Planned);
    assert_eq!(
        checkin::by_code(&m, &s, " 654321 ", t + 7, "phone-a"),
        Ok(CheckIn { at: t + 7, device: "phone-a".into(), proof: Proof::Code("654321".into()) })
    );
    for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
        assert_eq!(checkin::by_code(&m, &s, bad, t, "phone-a"), Err(CheckInProblem::BadCode), "{bad:?}");
    }
    assert_eq!(checkin::by_code(&m, &s, "123456", t - 1801, "phone-a"), Err(CheckInProblem::NotOpenYet(t - 1800)));
    assert_eq!(checkin::by_code(&m, &s, "123456", t + 5401, "phone-a"), Err(CheckInProblem::Closed));
    let cancelled = meeting_at(t, 90, MeetingStatus::Cancelled { reason: "下雨".into() });
    assert_eq!(checkin::by_code(&cancelled, &s, "123456", t, "phone-a"), Err(CheckInProblem::Cancelled));
}

#[test]
fn leave_is_asked_before_the_meeting_and_make_up_only_after_missing_it() {
    let t = start();
    let planned = meeting_at(t, 90, MeetingStatus::Planned);
    let held = meeting_at(t, 90, MeetingStatus::Held { expected: vec![MemberId("m1".into())] });
    let cancelled = meeting_at(t, 90, MeetingStatus::Cancelled { reason: "下雨".into() });
    assert_eq!(checkin::leave(&planned, " 出差 ", t - 1), Ok(LeaveRequest { reason: "出差".into(), withdrawn: false }));
    assert_eq!(checkin::leave(&planned, "出差", t), Err(CheckInProblem::LeaveTooLate));
    assert_eq!(checkin::leave(&held, "出差", t - 86_400), Err(CheckInProblem::LeaveTooLate));
    assert_eq!(checkin::leave(&cancelled, "出差", t - 86_400), Err(CheckInProblem::Cancelled));
    assert_eq!(checkin::leave(&planned, "  ", t - 1), Err(CheckInProblem::TextRequired));
    assert_eq!(checkin::leave(&planned, &"事".repeat(201), t - 1), Err(CheckInProblem::TooLong(200)));
    assert!(checkin::leave(&planned, &"事".repeat(200), t - 1).is_ok());

    let day = Date::parse("2026-03-10").unwrap();
    let today = Date::parse("2026-03-20").unwrap();
    let make_up =
        |m: &Meeting, missed: bool, date: &str| checkin::make_up(m, missed, date, "自学", "王书记", today, day);
    assert_eq!(
        make_up(&held, true, "2026-03-10"),
        Ok(MakeUp { date: day, what: "自学".into(), confirmed_by: "王书记".into() })
    );
    assert_eq!(make_up(&held, true, "2026-03-20").map(|m| m.date), Ok(today));
    assert_eq!(make_up(&held, true, "2026-03-21"), Err(CheckInProblem::BadDate));
    assert_eq!(make_up(&held, true, "2026-03-09"), Err(CheckInProblem::BadDate));
    assert_eq!(make_up(&held, true, "2026-02-30"), Err(CheckInProblem::BadDate));
    assert_eq!(make_up(&held, false, "2026-03-12"), Err(CheckInProblem::NotMissed));
    assert_eq!(make_up(&planned, true, "2026-03-12"), Err(CheckInProblem::NotMissed));
    assert_eq!(make_up(&cancelled, true, "2026-03-12"), Err(CheckInProblem::NotMissed));
    assert_eq!(
        checkin::make_up(&held, true, "2026-03-12", " ", "王书记", today, day),
        Err(CheckInProblem::TextRequired)
    );
}

// ---------------------------------------------------------------------------
// 3. Drafts, hold, edit, cancel, and the document.

fn good_draft() -> MeetingDraft {
    MeetingDraft {
        kind: Some(MeetingKind::Group),
        topic: " 学习二十大精神 ".into(),
        date: "2026-03-10".into(),
        time: "14:00".into(),
        minutes: "90".into(),
        place: "三楼会议室".into(),
        host: "王建国".into(),
        audience: Some(Audience::Group("第一党小组".into())),
        agenda: "一、学习\n二、讨论\n".into(),
        ..MeetingDraft::default()
    }
}

#[test]
fn drafts_are_checked_field_by_field() {
    let mut b = Branch::new();
    b.add("王建国", "第一党小组", Status::Full, Role::Member);
    let state = b.state().clone();
    let zone = Zone::CST;
    assert_eq!(
        good_draft().validate(&state, zone),
        Ok(vec![
            V::Kind(MeetingKind::Group),
            V::Topic("学习二十大精神".into()),
            V::Start(start()),
            V::Minutes(90),
            V::Place("三楼会议室".into()),
            V::Host("王建国".into()),
            V::Lecturer(String::new()),
            V::Recorder(String::new()),
            V::Audience(Audience::Group("第一党小组".into())),
            V::Agenda("一、学习\n二、讨论".into()),
            V::Credit(None),
            V::Online(false),
        ])
    );
    let all_bad = MeetingDraft {
        kind: None,
        topic: "  ".into(),
        date: "2026-02-30".into(),
        time: "25:00".into(),
        minutes: "0".into(),
        audience: None,
        ..good_draft()
    };
    assert_eq!(
        all_bad.validate(&state, zone),
        Err(vec![
            MeetingProblem::TopicRequired,
            MeetingProblem::BadDate,
            MeetingProblem::BadTime,
            MeetingProblem::BadDuration,
            MeetingProblem::KindRequired,
        ])
    );
    for minutes in ["0", "1441", "-5", "1.5", ""] {
        let d = MeetingDraft { minutes: minutes.into(), ..good_draft() };
        assert_eq!(d.validate(&state, zone), Err(vec![MeetingProblem::BadDuration]), "{minutes:?}");
    }
    for minutes in ["1", "1440", " 45 "] {
        assert!(MeetingDraft { minutes: minutes.into(), ..good_draft() }.validate(&state, zone).is_ok(), "{minutes}");
    }
    let nobody = MeetingDraft { audience: Some(Audience::Group("第九党小组".into())), ..good_draft() };
    assert_eq!(nobody.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    let empty_list = MeetingDraft { audience: Some(Audience::List(vec![])), ..good_draft() };
    assert_eq!(empty_list.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    // A 支委会 with no audience chosen is for the committee, and there is none yet.
    let committee = MeetingDraft { kind: Some(MeetingKind::Committee), audience: None, ..good_draft() };
    assert_eq!(committee.validate(&state, zone), Err(vec![MeetingProblem::NoAttendees]));
    let long = MeetingDraft { topic: "学".repeat(101), ..good_draft() };
    assert_eq!(
        long.validate(&state, zone),
        Err(vec![MeetingProblem::TooLong { field: MeetingField::Topic, max: 100 }])
    );
    assert!(MeetingDraft { topic: "学".repeat(100), ..good_draft() }.validate(&state, zone).is_ok());

    // A saved meeting's draft validates back to the same values.
    let values = good_draft().validate(&state, zone).unwrap();
    let id = mid(1);
    b.save(&id, values.clone());
    let meeting = b.meeting(&id);
    assert_eq!(MeetingDraft::of(&meeting, zone).validate(&state, zone), Ok(values));
    assert_eq!(
        meetings::edit_changes(&meeting, MeetingDraft::of(&meeting, zone).validate(&state, zone).unwrap()),
        Ok(vec![])
    );
}

#[test]
fn holding_freezes_who_was_expected() {
    let mut b = Branch::new();
    let a = b.add("王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = b.add("李秀英", "第一党小组", Status::Full, Role::Member);
    let c = b.add("张伟", "第二党小组", Status::Probationary, Role::Member);
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    let other = b.plan(2, MeetingKind::General, Audience::Branch);
    assert_eq!(
        meetings::hold(&b.meeting(&m), b.state()),
        Ok(V::Status(MeetingStatus::Held { expected: vec![a.clone(), bb.clone(), c.clone()] }))
    );
    b.hold(&m);
    b.organizer(Payload::MemberArchived { member: bb.clone() });
    let d = b.add("赵敏", "第一党小组", Status::Full, Role::Member);
    let held = b.meeting(&m);
    assert_eq!(held.expected(b.state()), vec![a.clone(), bb.clone(), c.clone()]);
    assert_eq!(b.meeting(&other).expected(b.state()), vec![a.clone(), c.clone(), d.clone()]);
    let s = b.sheet(&m, None);
    assert_eq!(s.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["王建国", "李秀英", "张伟"]);
    assert_eq!(s.counts, Counts { expected: 3, absent: 3, ..Counts::default() });

    assert_eq!(meetings::hold(&held, b.state()), Err(MeetingProblem::NotPlanned));
    assert_eq!(meetings::cancel(&held, "下雨"), Err(MeetingProblem::NotPlanned));
    assert_eq!(
        meetings::edit_changes(&held, vec![V::Topic("新主题".into()), V::Audience(Audience::List(vec![a.clone()]))]),
        Err(MeetingProblem::HeldAudienceFrozen)
    );
    assert_eq!(
        meetings::edit_changes(&held, vec![V::Topic("新主题".into()), V::Audience(Audience::Branch)]),
        Ok(vec![V::Topic("新主题".into())])
    );
    let planned = b.meeting(&other);
    assert_eq!(
        meetings::edit_changes(
            &planned,
            vec![V::Topic("学习党章".into()), V::Audience(Audience::List(vec![a.clone()]))]
        ),
        Ok(vec![V::Audience(Audience::List(vec![a.clone()]))])
    );

    let nobody = b.plan(3, MeetingKind::Group, Audience::Group("第九党小组".into()));
    assert_eq!(meetings::hold(&b.meeting(&nobody), b.state()), Err(MeetingProblem::NoAttendees));

    assert_eq!(meetings::cancel(&planned, ""), Err(MeetingProblem::ReasonRequired));
    assert_eq!(meetings::cancel(&planned, "   "), Err(MeetingProblem::ReasonRequired));
    assert_eq!(
        meetings::cancel(&planned, &"雨".repeat(101)),
        Err(MeetingProblem::TooLong { field: MeetingField::Status, max: 100 })
    );
    assert_eq!(meetings::cancel(&planned, " 下雨 "), Ok(V::Status(MeetingStatus::Cancelled { reason: "下雨".into() })));
    assert_eq!(
        meetings::record(&"记".repeat(20_001)),
        Err(MeetingProblem::TooLong { field: MeetingField::Record, max: 20_000 })
    );
    assert_eq!(meetings::record("  纪要\n\n"), Ok(V::Record("  纪要".into())));
}

#[test]
fn meeting_events_round_trip_through_the_document() {
    let mut b = Branch::new();
    let a = b.add("王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = b.add("李秀英", "第一党小组", Status::Full, Role::Member);
    let c = b.add("张伟", "第二党小组", Status::Probationary, Role::Member);
    b.organizer(Payload::SettingsChanged {
        changes: vec![
            Setting::LateGrace(10),
            Setting::Frequency(MeetingKind::Lecture, meetings::Frequency::Monthly),
            Setting::Zone(Zone(7 * 60)),
        ],
    });
    let m = b.plan(1, MeetingKind::General, Audience::Branch);
    b.save(
        &m,
        vec![
            V::Place("三楼会议室".into()),
            V::Host("王建国".into()),
            V::Agenda("一、学习".into()),
            V::Record("会议纪要：全体通过。".into()),
        ],
    );
    b.records.compact();
    let typed = start() + 60;
    b.check_in(&m, &a, typed, "phone-a", right_code(&m, typed));
    b.ask_leave(&m, &bb, "出差", false);
    b.decide(&m, &bb, true);
    b.hold(&m);
    b.organizer(Payload::MadeUp {
        meeting: m.clone(),
        member: c.clone(),
        make_up: MakeUp {
            date: Date::parse("2026-03-12").unwrap(),
            what: "自学".into(),
            confirmed_by: "王建国".into(),
        },
    });
    let text = document::to_json(&b.records);
    assert!(text.contains(&format!("\"schema\":{}", document::SCHEMA)), "{text}");
    let doc = document::parse(&text).unwrap();
    assert_eq!(doc.events.len(), 5);
    assert!(doc.snapshot.as_ref().unwrap().meeting(&m).is_some(), "the snapshot carries the meeting tables");
    let mut fresh = Records::default();
    assert!(doc.merge_into(&mut fresh));
    assert_eq!(fresh.state(), b.state());
    let meeting = fresh.state().meeting(&m).unwrap();
    assert_eq!(meeting, b.meeting(&m));
    assert_eq!((meeting.place.as_str(), meeting.record.as_str()), ("三楼会议室", "会议纪要：全体通过。"));
    assert_eq!(fresh.state().settings().late_grace, 10);
    assert_eq!(fresh.state().settings().zone, Zone(420));
    let s = sheet::sheet(fresh.state(), &meeting, &fresh.state().settings(), Some(&key()));
    assert_eq!(s, b.sheet(&m, Some(&key())));
    assert_eq!(s.counts, Counts { expected: 3, present: 1, leave: 1, absent: 1, self_checked: 1, ..Counts::default() });
    assert_eq!(row(&s, &c).make_up.as_ref().map(|mu| mu.what.as_str()), Some("自学"));
    // The log alone too.
    let pending: Vec<Event> = b.records.pending().cloned().collect();
    assert_eq!(document::parse(&document::events_to_json(&pending)).unwrap().events, pending);
}

#[test]
fn a_schema_2_document_without_meeting_tables_still_reads() {
    let v2 = r#"{"schema":2,
        "snapshot":{"clk":2,"dev":["d"],"ids":["m1"],
            "mem":[{"i":0,"n":{"v":"王建国","c":1,"d":0}}],
            "att":[{"m":"g","c":2,"t":1764000000,"r":[0,0,1,0,0]}]},
        "events":[{"i":"e3","d":"d","c":3,"w":0,"p":{"t":"member_edited","member":"m1",
            "changes":[{"group":"第一党小组"}]}}]}"#;
    let doc = document::parse(v2).unwrap();
    let mut records = Records::default();
    doc.merge_into(&mut records);
    let state = records.state();
    assert_eq!(state.members()[0].fields.name, "王建国");
    assert_eq!(state.members()[0].fields.group, "第一党小组");
    let mark = &state.attendance[&MeetingId("g".into())][&MemberId("m1".into())];
    assert_eq!(mark.value, Attendance { status: A::Present, at: Some(1_764_000_000), by_self: false });
    assert!(state.meetings().is_empty());
    assert_eq!(state.settings(), Settings::default());
    assert_eq!(state.max_clock, 3);
}

// ---------------------------------------------------------------------------
// 4. Checks on imported meeting events.

fn event(actor: Option<&str>, payload: Payload) -> Event {
    Event {
        id: EventId("e1".into()),
        device: DeviceId("phone".into()),
        clock: 1,
        actor: actor.map(MemberId::from),
        at: 0,
        payload,
    }
}

fn check_in_event(actor: Option<&str>, member: &str, proof: Proof) -> Event {
    let check = CheckIn { at: start(), device: "phone".into(), proof };
    event(actor, Payload::CheckedIn { meeting: mid(1), member: member.into(), check })
}

fn parse_events(events: &[Event]) -> Result<Vec<Event>, DocError> {
    document::parse(&document::events_to_json(events)).map(|d| d.events)
}

fn invalid(index: usize, message: &str) -> Result<Vec<Event>, DocError> {
    Err(DocError::Invalid { path: format!("events[{index}]"), message: message.into() })
}

#[test]
fn imported_meeting_events_are_checked() {
    let own = check_in_event(Some("m1"), "m1", Proof::Code("123456".into()));
    assert_eq!(parse_events(std::slice::from_ref(&own)), Ok(vec![own.clone()]));
    // 不得代签: nobody checks in for another.
    let for_other = check_in_event(Some("m2"), "m1", Proof::Code("123456".into()));
    assert_eq!(document::check_content(&for_other), Err("made for another member".into()));
    assert_eq!(parse_events(&[own.clone(), for_other]), invalid(1, "made for another member"));
    let anonymous = check_in_event(None, "m1", Proof::Code("123456".into()));
    assert_eq!(parse_events(&[anonymous]), invalid(0, "made for another member"));
    let leave_for_other = event(
        Some("m2"),
        Payload::LeaveRequested {
            meeting: mid(1),
            member: "m1".into(),
            request: LeaveRequest { reason: "出差".into(), withdrawn: false },
        },
    );
    assert_eq!(parse_events(&[leave_for_other]), invalid(0, "made for another member"));

    for proof in [Proof::Code("12345".into()), Proof::Code("12a456".into()), Proof::Token("not-a-token".into())] {
        let bad = check_in_event(Some("m1"), "m1", proof.clone());
        assert_eq!(parse_events(&[bad]), invalid(0, "check-in proof is malformed"), "{proof:?}");
    }
    let token = Proof::Token(key().token(&mid(1), start()).to_text());
    assert!(parse_events(&[check_in_event(Some("m1"), "m1", token)]).is_ok());
    let mut long_device = check_in_event(Some("m1"), "m1", Proof::Code("123456".into()));
    if let Payload::CheckedIn { check, .. } = &mut long_device.payload {
        check.device = "d".repeat(65);
    }
    assert_eq!(parse_events(&[long_device]), invalid(0, "device is longer than 64 characters"));

    let saved = |changes: Vec<V>| event(None, Payload::MeetingSaved { meeting: mid(1), changes });
    assert_eq!(
        parse_events(&[saved(vec![V::Topic("学".repeat(101))])]),
        invalid(0, "text is longer than 100 characters")
    );
    assert!(parse_events(&[saved(vec![V::Topic("学".repeat(100))])]).is_ok());
    assert_eq!(parse_events(&[saved(vec![V::Minutes(0)])]), invalid(0, "duration 0 minutes"));
    assert_eq!(parse_events(&[saved(vec![V::Minutes(1441)])]), invalid(0, "duration 1441 minutes"));
    assert_eq!(parse_events(&[saved(vec![])]), invalid(0, "no meeting fields"));
    assert_eq!(
        parse_events(&[saved(vec![V::Status(MeetingStatus::Held { expected: vec![] })])]),
        invalid(0, "no expected attendees")
    );
    assert_eq!(
        parse_events(&[event(None, Payload::SettingsChanged { changes: vec![Setting::LateGrace(1441)] })]),
        invalid(0, "late grace 1441 is above 1440")
    );
}

// ---------------------------------------------------------------------------
// 5. The join card and receipts.

/// A branch with members, meetings of every kind of fate, and private records.
fn branch_for_card(now: i64) -> (Branch, [MemberId; 3], [MeetingId; 5]) {
    let mut b = Branch::new();
    let a = b.add("王建国", "第一党小组", Status::Full, Role::Secretary);
    let bb = b.add("李秀英", "第二党小组", Status::Probationary, Role::Member);
    let c = b.add("张伟", "第一党小组", Status::Full, Role::Member);
    b.organizer(Payload::MemberArchived { member: c.clone() });
    let upcoming = b.plan_at(1, MeetingKind::General, Audience::Branch, now + 2 * 86_400);
    b.save(&upcoming, vec![V::Record("内部纪要".into()), V::Place("三楼会议室".into())]);
    let recent = b.plan_at(2, MeetingKind::Lecture, Audience::Branch, now - 86_400 + 30 * 60); // ended 22 h ago
    let old = b.plan_at(3, MeetingKind::Study, Audience::Branch, now - 86_400 - 150 * 60); // ended 25 h ago
    let cancelled = b.plan_at(4, MeetingKind::ThemeDay, Audience::Branch, now + 86_400);
    b.save(&cancelled, vec![V::Status(MeetingStatus::Cancelled { reason: "下雨".into() })]);
    let held = b.plan_at(5, MeetingKind::Committee, Audience::Committee, now - 3600);
    b.hold(&held);
    b.mark(&held, &a, A::Present);
    b.ask_leave(&upcoming, &bb, "出差", false);
    b.check_in(&recent, &a, now - 86_400, "phone-a", Proof::Code("123456".into()));
    (b, [a, bb, c], [upcoming, recent, old, cancelled, held])
}

#[test]
fn the_join_card_carries_only_the_public_part() {
    let now = start();
    let (b, [a, bb, c], [upcoming, recent, ..]) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let opened = join::open_card(&format!("https://zhibu.example/{JOIN_PREFIX}{card}"), None).unwrap();

    assert_eq!(opened.members.keys().cloned().collect::<Vec<_>>(), vec![a.clone(), bb.clone()]);
    assert!(!opened.members.contains_key(&c));
    for (id, rec) in &opened.members {
        assert!(rec.name.is_some() && rec.group.is_some() && rec.role.is_some(), "{id}");
        assert!(rec.status.is_none(), "{id}: status");
        assert!(rec.phone.is_none(), "{id}: phone");
        assert!(rec.joined.is_none(), "{id}: joined");
        assert!(rec.exempt.is_none(), "{id}: exempt");
        assert!(rec.archived.is_none(), "{id}: archived");
    }
    let wang = opened.member(&a).unwrap().fields;
    assert_eq!((wang.name.as_str(), wang.group.as_str(), wang.role), ("王建国", "第一党小组", Role::Secretary));
    assert_eq!((wang.phone, wang.joined, wang.exempt), (None, None, false));
    let li = opened.member(&bb).unwrap().fields;
    assert_eq!((li.name.as_str(), li.group.as_str(), li.role), ("李秀英", "第二党小组", Role::Member));

    let ids: Vec<MeetingId> = opened.meetings().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![recent.clone(), upcoming.clone()]);
    let shown = opened.meeting(&upcoming).unwrap();
    assert_eq!((shown.record.as_str(), shown.place.as_str()), ("", "三楼会议室"));
    assert!(!opened.meetings[&upcoming].0.contains_key(&MeetingField::Record));
    assert_eq!(opened.settings(), b.state().settings());
    assert!(opened.attendance.is_empty());
    assert!(opened.check_ins.is_empty() && opened.leave_requests.is_empty() && opened.leave_decisions.is_empty());

    let body = String::from_utf8(B64.decode(card.split_once('.').unwrap().0).unwrap()).unwrap();
    for secret in [PHONE, "内部纪要", "张伟", "2010-07-01", "出差", "下雨"] {
        assert!(!body.contains(secret), "{secret} is on the card");
    }

    // The card's values are stamped with the organizer's clock at issue, so
    // none of them can override what the organizer has.
    let mut organizer = b.state().clone();
    organizer.join(&opened);
    assert_eq!(organizer.members(), b.state().members());
    assert_eq!(organizer.meetings(), b.state().meetings());
    assert_eq!(organizer.settings(), b.state().settings());
    assert_eq!(organizer.max_clock, b.state().max_clock);

    // A personal card carries one member and only the meetings they are expected at.
    let personal = join::card(b.state(), &key(), now, Some(&bb));
    let mine = join::open_card(&personal, None).unwrap();
    assert_eq!(mine.members.keys().cloned().collect::<Vec<_>>(), vec![bb.clone()]);
    assert!(personal.len() < card.len());
    for m in mine.meetings() {
        assert!(m.expected(&mine).contains(&bb), "{}", m.topic);
    }
}

#[test]
fn altered_foreign_and_garbage_cards_are_refused() {
    let now = start();
    let (b, ..) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let branch_key = key().public().to_text();
    assert!(join::open_card(&card, Some(&branch_key)).is_ok());

    let (body, signature) = card.split_once('.').unwrap();
    let text = String::from_utf8(B64.decode(body).unwrap()).unwrap();
    assert!(text.contains("王建国"));
    let altered = format!("{}.{signature}", B64.encode(text.replace("王建国", "王建军")));
    assert_eq!(join::open_card(&altered, None), Err(CardError::BadSignature));
    // Signed by a key other than the one inside.
    let resigned = format!("{body}.{}", other_key().sign(text.as_bytes()));
    assert_eq!(join::open_card(&resigned, None), Err(CardError::BadSignature));

    // Another branch's genuine card on a device that already belongs to ours.
    let mut other = Branch::with_key(Some(&other_key()));
    other.add("刘洋", "", Status::Full, Role::Member);
    let foreign = join::card(other.state(), &other_key(), now, None);
    assert_eq!(join::open_card(&foreign, Some(&branch_key)), Err(CardError::OtherBranch));
    assert!(join::open_card(&foreign, None).is_ok());
    assert!(join::open_card(&foreign, Some(&other_key().public().to_text())).is_ok());

    // A branch with no key yet has nothing to verify against.
    let keyless = Branch::with_key(None);
    assert_eq!(join::open_card(&join::card(keyless.state(), &key(), now, None), None), Err(CardError::Malformed));
    let v2 = format!("{}.{}", B64.encode(r#"{"v":2}"#), key().sign(br#"{"v":2}"#));
    for garbage in ["", "hello", "#/join/", "#/join/!!!.sig", &format!("{}.x", B64.encode("not json")), &v2] {
        assert_eq!(join::open_card(garbage, None), Err(CardError::Malformed), "{garbage:?}");
    }
}

#[test]
fn receipts_carry_a_members_own_check_in_back() {
    let now = start();
    let (mut b, [a, ..], [upcoming, ..]) = branch_for_card(now);
    let card = join::card(b.state(), &key(), now, None);
    let opened = join::open_card(&card, Some(&key().public().to_text())).unwrap();
    let mut phone = Records::from_snapshot(opened);
    let meeting = phone.state().meeting(&upcoming).unwrap();
    let at = meeting.start + 60;
    let token = key().token(&upcoming, at).to_text();
    let change = commands::attendance::check_in_by_token(phone.state(), &a, &token, at + 10, "phone-a").unwrap();
    assert_eq!(change.value, meeting.topic);
    let (mut events, _) = phone.record_change(&DeviceId("phone-a".into()), at * 1000, &mut || [3; 16], change);
    let checked = events.remove(0);
    assert_eq!(checked.actor.as_ref(), Some(&a));
    let Payload::CheckedIn { check, .. } = checked.payload.clone() else { panic!("a check-in") };

    let receipt = join::receipt([&checked]);
    assert!(receipt.starts_with(RECEIPT_PREFIX));
    assert_eq!(join::open_receipt(&receipt), Ok(vec![checked.clone()]));
    let report = b.records.merge_events(&join::open_receipt(&receipt).unwrap());
    assert_eq!((report.added, report.known), (1, 0));
    let s = b.sheet(&upcoming, None);
    assert_eq!(line(&s, &a), (Some(A::Present), Some(Source::Verified), Some(at)));
    assert_eq!(row(&s, &a).check_in, Some(check));

    // Only check-ins and leave requests travel this way.
    let added = b.records.pending().find(|e| matches!(e.payload, Payload::MemberAdded { .. })).unwrap().clone();
    assert_eq!(
        join::open_receipt(&join::receipt([&checked, &added])),
        Err(DocError::Invalid {
            path: "events[1]".into(),
            message: "not a check-in, leave request or self-study".into()
        })
    );
    let decided = event(
        None,
        Payload::LeaveDecided {
            meeting: upcoming.clone(),
            member: a.clone(),
            decision: LeaveDecision { approved: true, note: String::new() },
        },
    );
    assert!(matches!(join::open_receipt(&join::receipt([&decided])), Err(DocError::Invalid { .. })));
    let for_other = check_in_event(Some("m99"), a.as_str(), Proof::Code("123456".into()));
    assert_eq!(join::open_receipt(&join::receipt([&for_other])), invalid(0, "made for another member"));
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}{{\"events\":[]}}")), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}\"x\"")), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt("[]"), Err(DocError::NotZhibu));
    assert_eq!(join::open_receipt(&format!("{RECEIPT_PREFIX}[]")), Ok(vec![]));
    assert!(matches!(join::open_receipt(&format!("{RECEIPT_PREFIX}[")), Err(DocError::NotJson { .. })));
}
