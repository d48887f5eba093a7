//! A meeting's attendance sheet, from marks, leave and members' own
//! check-ins made by the core's commands: quorum and counts, codes that
//! stay unverified until the organizer's device checks them, tokens
//! verified with the public key, the later of mark and check-in, and two
//! members checked in from one phone.

mod branch;

use branch::{Branch, DESK, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::checkin::{CheckIn, CheckInProblem, LeaveDecision, LeaveRequest, Proof};
use zhibu_core::event::Payload;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{self, Audience, MeetingKind, QuorumRule};
use zhibu_core::roster::{Role, Status};
use zhibu_core::sheet::{self, Counts, Quorum, Row, Sheet, Source};
use zhibu_core::token::{SecretKey, TokenError};

/// The branch's key, held on the organizer's device.
fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

/// Another branch's (or a forger's) key.
fn other_key() -> SecretKey {
    SecretKey::from_seed([9; 32])
}

fn add(b: &mut Branch, name: &str, group: &str, status: Status, role: Role) -> MemberId {
    b.member(zhibu_core::roster::MemberFields { group: group.into(), status, role, ..branch::fields(name) })
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
fn right_code(meeting: &MeetingId, at: i64) -> String {
    key().token(meeting, at).code()
}

/// A code no window near `at` shows.
fn wrong_code(meeting: &MeetingId, at: i64) -> String {
    let right: u32 = key().token(meeting, at).code().parse().unwrap();
    let wrong = format!("{:06}", (right + 1) % 1_000_000);
    assert_eq!(key().check_code(meeting, &wrong, at), None);
    wrong
}

/// A meeting the records do not have (a token may still name one).
fn elsewhere() -> MeetingId {
    MeetingId(format!("01KB{:022}", 2))
}

// 1. Quorum and counts.

#[test]
fn general_meeting_quorum_counts_full_members_only() {
    let mut b = Branch::keyed(Some(&key()));
    let full = b.full(10);
    let prob = b.probationary(2);
    let m = b.plan(MeetingKind::General, Audience::Branch, start());
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
        let mut b = Branch::keyed(Some(&key()));
        let full = b.full(entitled);
        let prob = b.probationary(1);
        let m = b.plan(MeetingKind::General, Audience::Branch, start());
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
    let mut b = Branch::keyed(Some(&key()));
    let prob = b.probationary(3);
    let m = b.plan(MeetingKind::General, Audience::Branch, start());
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
    let mut b = Branch::keyed(Some(&key()));
    let secretary = add(&mut b, "王书记", "第一党小组", Status::Full, Role::Secretary);
    let deputy = add(&mut b, "李副书记", "第一党小组", Status::Full, Role::DeputySecretary);
    // A probationary committee member still counts toward the 支委会's quorum.
    let organization = add(&mut b, "张组织", "第二党小组", Status::Probationary, Role::OrganizationCommissioner);
    let propaganda = add(&mut b, "赵宣传", "第二党小组", Status::Full, Role::PropagandaCommissioner);
    let discipline = add(&mut b, "钱纪检", "第二党小组", Status::Full, Role::DisciplineCommissioner);
    let leader = add(&mut b, "孙组长", "第一党小组", Status::Full, Role::GroupLeader);
    let member = add(&mut b, "周党员", "第一党小组", Status::Full, Role::Member);
    let committee = vec![secretary.clone(), deputy.clone(), organization.clone(), propaganda, discipline];

    let m = b.plan(MeetingKind::Committee, Audience::Committee, start());
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
    let m2 = b.plan(MeetingKind::Committee, Audience::List(everyone), start());
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
    let m3 = b.plan(MeetingKind::Lecture, Audience::Branch, start());
    assert_eq!(b.sheet(&m3, None).quorum, None);
}

#[test]
fn counts_leave_and_derived_absence() {
    let mut b = Branch::keyed(Some(&key()));
    let [a, bb, c, d, e, f, g, h] = <[MemberId; 8]>::try_from(b.full(8)).unwrap();
    let m = b.plan(MeetingKind::ThemeDay, Audience::Branch, start());
    b.mark(&m, &a, A::Present);
    b.ask_leave(&m, &bb, "出差").unwrap();
    b.decide_leave(&m, &bb, true);
    b.ask_leave(&m, &c, "家中有事").unwrap();
    b.decide_leave(&m, &c, false);
    b.mark_on(DESK, (&m, &e), A::Late, start() + 600, false).unwrap();
    b.mark(&m, &f, A::LeftEarly);
    b.ask_leave(&m, &g, "生病").unwrap();
    b.ask_leave(&m, &h, "出差").unwrap();
    b.decide_leave(&m, &h, true);
    // Withdrawn after approval: no command here withdraws a request (an
    // older app's phone could), so it arrives as it was made.
    let withdrawn = LeaveRequest { reason: "出差".into(), withdrawn: true };
    b.foreign(
        &branch::phone(&h),
        Some(&h),
        Payload::LeaveRequested { meeting: m.clone(), member: h.clone(), request: withdrawn },
    );

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
    let mut b = Branch::keyed(Some(&key()));
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(MeetingKind::General, Audience::Branch, start());
    let typed = start() + 75; // in the window that starts at start + 60
    b.check_in_code("phone-a", (&m, &a), &right_code(&m, typed), typed).unwrap();
    b.check_in_code("phone-b", (&m, &bb), &wrong_code(&m, typed), typed).unwrap();

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

    // A right code typed late is 迟到; a right code claimed after the end is
    // rejected. The phone refuses to make that claim; one that arrives
    // (a tampered phone's) counts for nothing.
    let late = start() + 400;
    b.check_in_code("phone-c", (&m, &c), &right_code(&m, late), late).unwrap();
    let after = start() + 90 * 60 + 30;
    assert_eq!(b.check_in_code("phone-d", (&m, &d), &right_code(&m, after), after), Err(CheckInProblem::Closed));
    let check = CheckIn { at: after, device: "phone-d".into(), proof: Proof::Code(right_code(&m, after)) };
    b.foreign("phone-d", Some(&d), Payload::CheckedIn { meeting: m.clone(), member: d.clone(), check });
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
    let mut b = Branch::keyed(Some(&key()));
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(MeetingKind::General, Audience::Branch, start());
    let scanned = start() + 40;
    let good = key().token(&m, scanned);
    let at = good.time();
    b.check_in_token("phone-a", &a, &good.to_text(), scanned).unwrap();
    // The phone refuses the rest; they arrive as a tampered phone made them.
    let forged_event = |b: &mut Branch, member: &MemberId, at: i64, token: String| {
        let check = CheckIn { at, device: branch::phone(member), proof: Proof::Token(token) };
        b.foreign(
            &branch::phone(member),
            Some(member),
            Payload::CheckedIn { meeting: m.clone(), member: member.clone(), check },
        );
    };
    let forged = other_key().token(&m, scanned);
    let bad_signature = Err(CheckInProblem::Token(TokenError::BadSignature));
    assert_eq!(b.check_in_token("phone-b", &bb, &forged.to_text(), scanned).map(drop), bad_signature);
    forged_event(&mut b, &bb, forged.time(), forged.to_text());
    // A real token, but the check-in claims another time than it proves.
    forged_event(&mut b, &c, at + 30, good.to_text());
    // A real token for another meeting.
    let other_meeting = key().token(&elsewhere(), scanned);
    let unknown = Err(CheckInProblem::UnknownMeeting);
    assert_eq!(b.check_in_token("phone-d", &d, &other_meeting.to_text(), scanned).map(drop), unknown);
    forged_event(&mut b, &d, other_meeting.time(), other_meeting.to_text());
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
    let mut b = Branch::keyed(Some(&key()));
    let [a, bb, c] = <[MemberId; 3]>::try_from(b.full(3)).unwrap();
    let m = b.plan(MeetingKind::Study, Audience::Branch, start());
    let typed = start() + 60;
    // Marked absent, then checks in: the check-in is later.
    b.mark(&m, &a, A::Absent);
    b.check_in_code("phone-a", (&m, &a), &right_code(&m, typed), typed).unwrap();
    assert_eq!(line(&b.sheet(&m, Some(&key())), &a), (Some(A::Present), Some(Source::Verified), Some(typed)));
    // Where the code cannot be checked, an unproven check-in does not
    // override the organizer's mark (made at the start).
    assert_eq!(line(&b.sheet(&m, None), &a), (Some(A::Absent), Some(Source::Organizer), Some(start())));
    // Then the organizer corrects it: the mark is later.
    b.mark(&m, &a, A::LeftEarly);
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(line(&s, &a), (Some(A::LeftEarly), Some(Source::Organizer), Some(start())));
    assert_eq!(row(&s, &a).check_in.as_ref().map(|c| c.at), Some(typed));
    // Checked in, then marked absent.
    b.check_in_code("phone-b", (&m, &bb), &right_code(&m, typed), typed).unwrap();
    b.mark(&m, &bb, A::Absent);
    assert_eq!(line(&b.sheet(&m, Some(&key())), &bb), (Some(A::Absent), Some(Source::Organizer), Some(start())));

    // Concurrent (same clock): the stamp decides, the same on both devices.
    let mut phone = b.fork(1);
    let from_phone = phone.check_in_code("phone-c", (&m, &c), &right_code(&m, typed), typed).unwrap();
    let from_desk = b.mark_on(DESK, (&m, &c), A::Absent, start(), false).unwrap().remove(0);
    assert_eq!(from_phone.clock, from_desk.clock);
    b.records.merge_events([&from_phone]);
    phone.records.merge_events([&from_desk]);
    assert_eq!(phone.state(), b.state());
    // "phone-c" > "organizer-laptop": the check-in wins on both.
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(line(&s, &c), (Some(A::Present), Some(Source::Verified), Some(typed)));
    let on_phone = sheet::sheet(phone.state(), &b.meeting(&m), &phone.state().settings(), Some(&key()));
    assert_eq!(on_phone, s);
}

#[test]
fn two_members_checked_in_from_one_phone_are_flagged() {
    let mut b = Branch::keyed(Some(&key()));
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.full(4)).unwrap();
    let m = b.plan(MeetingKind::Study, Audience::List(vec![a.clone(), bb.clone(), c.clone(), d.clone()]), start());
    let typed = start() + 60;
    b.check_in_code("phone-shared", (&m, &a), &right_code(&m, typed), typed).unwrap();
    b.check_in_code("phone-shared", (&m, &bb), &right_code(&m, typed + 5), typed + 5).unwrap();
    b.check_in_code("phone-c", (&m, &c), &right_code(&m, typed), typed).unwrap();
    b.check_in_code("phone-c", (&m, &d), &right_code(&m, typed), typed).unwrap();
    // Then d is taken off the list: no longer expected, their check-in from
    // c's phone does not flag c (and no new one is taken).
    b.edit(&m, |form| form.audience = Some(Audience::List(vec![a.clone(), bb.clone(), c.clone()])));
    let again = b.check_in_code("phone-c", (&m, &d), &right_code(&m, typed), typed);
    assert_eq!(again.map(drop), Err(CheckInProblem::NotExpected));
    let s = b.sheet(&m, Some(&key()));
    assert_eq!(s.rows.len(), 3);
    assert!(row(&s, &a).shared_device);
    assert!(row(&s, &bb).shared_device);
    assert!(!row(&s, &c).shared_device);
    assert_eq!(s.counts, Counts { expected: 3, present: 3, self_checked: 3, ..Counts::default() });
}
