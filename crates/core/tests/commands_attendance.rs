//! Rules the meeting and attendance commands own (`zhibu_core::commands`):
//! a meeting the records do not have, a scanned QR text parsed once and
//! checked against the meeting it names, members not expected, leave
//! answered without a request, make-up for someone who attended. Each
//! refusal records nothing.

mod branch;

use branch::{Branch, one_meeting, phone, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::checkin::{CheckInProblem as P, LeaveRequest, Proof};
use zhibu_core::commands::attendance::{
    MakeUpEntry, check_in_by_code, check_in_by_token, decide_leave, make_up, mark, request_leave,
};
use zhibu_core::commands::meetings::{cancel_meeting, hold, record_minutes, save_meeting};
use zhibu_core::event::Payload;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingKind, MeetingProblem};
use zhibu_core::settings::Setting;
use zhibu_core::token::{LINK_PREFIX, SecretKey, TokenError};

fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

/// A meeting id the records do not have (26 characters, as a token's).
fn unknown() -> MeetingId {
    MeetingId(format!("01KB{:022}", 99))
}

/// A branch of 赵一 and 钱二 with the organizer's key, one meeting for
/// 赵一 only, and 孙三, who is not expected at it.
fn branch() -> (Branch, MeetingId, MemberId, MemberId) {
    let (mut b, _, m) = one_meeting(&["赵一", "钱二", "孙三"], MeetingKind::General, "");
    b.set(Setting::OrganizerKey(key().public().to_text()));
    let form = b.draft(MeetingKind::Study, Audience::List(vec![m[0].clone(), m[1].clone()]), start(), 90);
    let meeting = b.plan_draft(&form);
    (b, meeting, m[0].clone(), m[2].clone())
}

#[test]
fn a_meeting_the_records_do_not_have_is_refused_by_every_command() {
    let (mut b, meeting, member, _) = branch();
    let before = b.records.pending_len();
    let form = MeetingDraft::of(&b.meeting(&meeting), b.settings().zone);
    let gone = unknown();
    let unknown_meeting = MeetingProblem::UnknownMeeting;
    assert_eq!(
        b.command(None, |s, a| save_meeting(s, a, Some(&gone), &form)).err(),
        Some(vec![unknown_meeting.clone()])
    );
    assert_eq!(b.command(None, |s, _| cancel_meeting(s, &gone, "下雨")).err(), Some(unknown_meeting.clone()));
    assert_eq!(b.command(None, |s, _| record_minutes(s, &gone, "纪要")).err(), Some(unknown_meeting.clone()));
    assert_eq!(b.command(None, |s, _| hold(s, &gone)).err(), Some(unknown_meeting));
    let at = start();
    assert_eq!(
        b.at(at, |b| b.command(None, |s, a| mark(s, a, (&gone, &member), A::Present, false))).err(),
        Some(MarkProblem::UnknownMeeting)
    );
    let entry = MakeUpEntry { date: "2026-03-11".into(), what: "自学".into(), confirmed_by: "书记".into() };
    let refusals = [
        b.command(Some(&member), |s, _| check_in_by_code(s, (&gone, &member), "123456", at, "phone")).err(),
        b.command(Some(&member), |s, _| request_leave(s, (&gone, &member), "出差", at - 3600)).err(),
        b.command(None, |s, _| decide_leave(s, (&gone, &member), true)).err(),
        b.command(None, |s, a| make_up(s, a, (&gone, &member), &entry, None)).err(),
    ];
    assert_eq!(
        refusals,
        [Some(P::UnknownMeeting), Some(P::UnknownMeeting), Some(P::UnknownMeeting), Some(P::UnknownMeeting)]
    );
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
}

#[test]
fn a_scanned_text_is_parsed_once_and_checked_against_the_meeting_it_names() {
    let (mut b, meeting, member, stranger) = branch();
    let at = start() + 60;
    let token = key().token(&meeting, at).to_text();
    let scan = |b: &mut Branch, who: &MemberId, text: &str| {
        b.command(Some(who), |s, _| check_in_by_token(s, who, text, at, &phone(who))).map(|c| (c.events, c.value))
    };
    // Not a token at all; a token for a meeting these records do not have.
    assert_eq!(scan(&mut b, &member, "not a token").err(), Some(P::Token(TokenError::Malformed)));
    let elsewhere = key().token(&unknown(), at).to_text();
    assert_eq!(scan(&mut b, &member, &elsewhere).err(), Some(P::UnknownMeeting));
    // The meeting's own token, for a member not expected at it.
    assert_eq!(scan(&mut b, &stranger, &token).err(), Some(P::NotExpected));
    // A good one, bare or as the link the QR shows: one event, made as the
    // member for themself, and the meeting's topic for the phone to say.
    let link = format!("https://zhibu.example/{LINK_PREFIX}{token}");
    for text in [&token, &link] {
        let (events, topic) = scan(&mut b, &member, text).unwrap();
        assert_eq!(topic, "学习党章");
        let [event] = <[_; 1]>::try_from(events).unwrap();
        assert_eq!(event.actor.as_ref(), Some(&member));
        match event.payload {
            Payload::CheckedIn { meeting: m, member: who, check } => {
                assert_eq!((m, who), (meeting.clone(), member.clone()));
                assert_eq!(
                    (check.at, check.device, check.proof),
                    (key().token(&meeting, at).time(), phone(&member), Proof::Token(token.clone()))
                );
            }
            other => panic!("a check-in: {other:?}"),
        }
    }
}

#[test]
fn a_member_not_expected_neither_checks_in_by_code_nor_asks_leave() {
    let (mut b, meeting, member, stranger) = branch();
    let before = b.records.pending_len();
    let code = key().token(&meeting, start()).code();
    assert_eq!(b.check_in_code(&phone(&stranger), (&meeting, &stranger), &code, start()).err(), Some(P::NotExpected));
    assert_eq!(b.ask_leave(&meeting, &stranger, "出差"), Err(P::NotExpected));
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
    // The expected member may do both.
    b.ask_leave(&meeting, &member, "出差").unwrap();
    b.check_in_code(&phone(&member), (&meeting, &member), &code, start()).unwrap();
}

#[test]
fn leave_is_answered_only_where_it_was_asked() {
    let (mut b, meeting, member, _) = branch();
    assert_eq!(b.command(None, |s, _| decide_leave(s, (&meeting, &member), true)).err(), Some(P::NoLeaveRequest));
    b.ask_leave(&meeting, &member, "出差").unwrap();
    b.decide_leave(&meeting, &member, true);
    let answered = b.state().leave_decisions.get(&(meeting.clone(), member.clone())).map(|d| d.approved);
    assert_eq!(answered, Some(true));
}

#[test]
fn a_withdrawn_leave_request_has_nothing_to_answer() {
    let (mut b, meeting, member, _) = branch();
    b.ask_leave(&meeting, &member, "出差").unwrap();
    // An older app's phone withdrew it (this app has no withdrawal yet).
    let request = LeaveRequest { reason: "出差".into(), withdrawn: true };
    b.foreign(
        &phone(&member),
        Some(&member),
        Payload::LeaveRequested { meeting: meeting.clone(), member: member.clone(), request },
    );
    assert_eq!(b.command(None, |s, _| decide_leave(s, (&meeting, &member), true)).err(), Some(P::NoLeaveRequest));
}

#[test]
fn make_up_is_only_for_a_member_the_sheet_shows_missing() {
    let (mut b, meeting, member, _) = branch();
    let other = b.meeting(&meeting).expected(b.state()).into_iter().find(|m| m != &member).unwrap();
    b.mark(&meeting, &member, A::Present);
    b.hold(&meeting);
    let entry = MakeUpEntry { date: "2026-03-11".into(), what: "自学党章".into(), confirmed_by: "书记".into() };
    let next_day = start() + 86_400;
    assert_eq!(b.make_up((&meeting, &member), &entry, next_day), Err(P::NotMissed), "attended");
    b.make_up((&meeting, &other), &entry, next_day).unwrap();
    let made = b.state().make_ups.get(&(meeting.clone(), other.clone())).map(|m| m.what.clone());
    assert_eq!(made.as_deref(), Some("自学党章"));
    assert!(b.state().make_ups.get(&(meeting, member)).is_none());
}
