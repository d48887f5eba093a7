//! The rules of a member's own check-in, on a meeting's values: the window
//! and lateness (the branch's settings), scanned tokens and typed codes
//! checked on the phone, leave asked before the meeting, make-up only
//! after missing it.

mod branch;

use branch::{Branch, start};
use zhibu_core::attendance::AttendanceStatus as A;
use zhibu_core::checkin::{self, CheckIn, CheckInProblem, LeaveRequest, MakeUp, Proof};
use zhibu_core::date::Date;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::meetings::{Audience, Meeting, MeetingKind, MeetingStatus};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::token::{SecretKey, Token, TokenError};

/// The branch's key, held on the organizer's device.
fn key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

/// Another branch's (or a forger's) key.
fn other_key() -> SecretKey {
    SecretKey::from_seed([9; 32])
}

/// A 26-character meeting id, as tokens require.
fn mid(n: u8) -> MeetingId {
    MeetingId(format!("01KB{n:022}"))
}

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
    let mut b = Branch::keyed(Some(&key()));
    b.settings_change(vec![Setting::CheckInOpens(15), Setting::LateGrace(10)]);
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
