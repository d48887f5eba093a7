//! Words for the core's types in the user's language.

use crate::download::Failed;
use crate::i18n::{Lang, format, text};
use crate::storage::SaveError;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin::CheckInProblem;
use zhibu_core::commands::roster::RosterProblem;
use zhibu_core::date::Date;
use zhibu_core::held::UndoProblem;
use zhibu_core::join::CardError;
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::{Frequency, MeetingKind, MeetingProblem, MeetingStatus};
use zhibu_core::roster::{Field, FieldError, Problem, Role, Status};
use zhibu_core::sheet::Source;
use zhibu_core::study::StudyProblem;
use zhibu_core::token::TokenError;
use zhibu_core::training::ClassProblem;
use zhibu_core::zone::Zone;

mod refusals;
mod rounds;
pub use refusals::*;
pub use rounds::*;

/// 正式党员 / Full member.
pub fn status(lang: Lang, status: Status) -> String {
    text(lang, &format!("status.{}", status.key()))
}

/// 书记 / Secretary.
pub fn role(lang: Lang, role: Role) -> String {
    text(lang, &format!("role.{}", role.key()))
}

/// The label of a member field.
pub fn field(lang: Lang, field: Field) -> String {
    text(lang, &format!("field.{}", field.key()))
}

/// Why a value was refused.
pub fn problem(lang: Lang, problem: &Problem) -> String {
    match problem {
        Problem::Required => text(lang, "problem.required"),
        Problem::TooLong { max } => format(lang, "problem.too_long", &[("max", max)]),
        Problem::ControlCharacters => text(lang, "problem.control"),
        Problem::Unknown { given } => format(lang, "problem.unknown", &[("given", given)]),
        Problem::BadDate { given } => format(lang, "problem.bad_date", &[("given", given)]),
        Problem::BadPhone { given } => format(lang, "problem.bad_phone", &[("given", given)]),
    }
}

/// Why a 支部名称 / 上级党委 was refused.
pub fn name_problem(lang: Lang, problem: &zhibu_core::branch_identity::NameProblem) -> String {
    use zhibu_core::branch_identity::NameProblem;
    match problem {
        NameProblem::NameRequired => text(lang, "branch.name_required"),
        NameProblem::TooLong { which: "parent" } => text(lang, "branch.parent_too_long"),
        NameProblem::TooLong { .. } => text(lang, "branch.name_too_long"),
    }
}

/// "姓名：不能为空".
pub fn field_error(lang: Lang, error: &FieldError) -> String {
    format!("{}：{}", field(lang, error.field), problem(lang, &error.problem))
}

/// Why a save did not reach storage.
pub fn save_error(lang: Lang, error: &SaveError) -> String {
    match error {
        SaveError::Full => text(lang, "save.full"),
        SaveError::Unavailable(why) => format(lang, "save.unavailable", &[("why", why)]),
        SaveError::Newer => text(lang, "save.newer"),
    }
}

/// Why a file was not downloaded.
pub fn download_failed(lang: Lang, failed: &Failed) -> String {
    format(lang, "download.failed", &[("name", &failed.name)])
}

/// Bytes as "1.2 MB" / "340 KB".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.2} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

/// 支部党员大会 / Branch general meeting.
pub fn kind(lang: Lang, kind: MeetingKind) -> String {
    text(lang, &format!("kind.{}", kind.key()))
}

/// 每月 / Monthly.
pub fn frequency(lang: Lang, f: Frequency) -> String {
    text(lang, &format!("freq.{}", f.key()))
}

/// 签到 / 迟到 / 早退 / 请假 / 缺席.
pub fn attendance(lang: Lang, status: AttendanceStatus) -> String {
    text(lang, &format!("att.{}", attendance_key(status)))
}

/// Stable key of an attendance status (test ids, CSS, exports).
pub fn attendance_key(status: AttendanceStatus) -> &'static str {
    match status {
        AttendanceStatus::Present => "present",
        AttendanceStatus::Late => "late",
        AttendanceStatus::LeftEarly => "left_early",
        AttendanceStatus::Leave => "leave",
        AttendanceStatus::Absent => "absent",
    }
}

/// Where a sheet row's state came from.
pub fn source(lang: Lang, source: Source) -> String {
    let key = match source {
        Source::Organizer => "source.organizer",
        Source::Verified => "source.verified",
        Source::Unverified => "source.unverified",
        Source::Rejected => "source.rejected",
        Source::Derived => "source.derived",
        Source::LateEntry => "source.late_entry",
    };
    text(lang, key)
}

/// 计划中 / 已召开 / 已取消.
pub fn meeting_status(lang: Lang, status: &MeetingStatus) -> String {
    match status {
        MeetingStatus::Planned => text(lang, "mstatus.planned"),
        MeetingStatus::Held { .. } => text(lang, "mstatus.held"),
        MeetingStatus::Cancelled { reason } => format(lang, "mstatus.cancelled", &[("reason", reason)]),
    }
}

/// Why a meeting form or action was refused.
pub fn meeting_problem(lang: Lang, problem: &MeetingProblem) -> String {
    match problem {
        MeetingProblem::KindRequired => text(lang, "mproblem.kind"),
        MeetingProblem::TopicRequired => text(lang, "mproblem.topic"),
        MeetingProblem::BadDate => text(lang, "mproblem.date"),
        MeetingProblem::BadTime => text(lang, "mproblem.time"),
        MeetingProblem::BadDuration => text(lang, "mproblem.duration"),
        MeetingProblem::TooLong { max, .. } => format(lang, "problem.too_long", &[("max", max)]),
        MeetingProblem::NoAttendees => text(lang, "mproblem.no_attendees"),
        MeetingProblem::HeldAudienceFrozen => text(lang, "mproblem.frozen"),
        MeetingProblem::NotPlanned => text(lang, "mproblem.not_planned"),
        MeetingProblem::UnknownMeeting => text(lang, "mproblem.unknown"),
        MeetingProblem::ReasonRequired => text(lang, "mproblem.reason"),
        MeetingProblem::BadCredit => text(lang, "mproblem.credit"),
        MeetingProblem::UnknownClass => text(lang, "mproblem.unknown_class"),
        MeetingProblem::OutsideClass { from, to } => {
            format(lang, "mproblem.outside_class", &[("from", &date(lang, *from)), ("to", &date(lang, *to))])
        }
    }
}

/// A branch setting the core refused (its value out of range).
pub fn setting_refused(lang: Lang) -> String {
    text(lang, "settings.refused")
}

/// Why an undo of 标记为已召开 was refused.
pub fn undo_problem(lang: Lang, problem: UndoProblem) -> String {
    match problem {
        UndoProblem::NotHeld => text(lang, "undo.not_held"),
        UndoProblem::HeldElsewhere => text(lang, "undo.elsewhere"),
        UndoProblem::EditedSince => text(lang, "undo.edited"),
    }
}

/// Why an organizer's mark was not recorded (a 补录 is asked, not refused:
/// the sheet words that question itself).
pub fn mark_problem(lang: Lang, zone: Zone, problem: MarkProblem) -> String {
    match problem {
        MarkProblem::UnknownMeeting => text(lang, "mproblem.unknown"),
        MarkProblem::Cancelled => text(lang, "cproblem.cancelled"),
        MarkProblem::NotOpenYet(at) => format(lang, "mark.not_open", &[("at", &date_time(lang, zone, at))]),
        MarkProblem::LateEntry(close) => {
            format(lang, "checkin.window", &[("open", &"…"), ("close", &clock(zone, close))])
        }
    }
}

/// Why a check-in, leave request or make-up was refused.
pub fn check_in_problem(lang: Lang, zone: Zone, problem: &CheckInProblem) -> String {
    match problem {
        CheckInProblem::NotOpenYet(at) => format(lang, "cproblem.not_open", &[("at", &date_time(lang, zone, *at))]),
        CheckInProblem::Closed => text(lang, "cproblem.closed"),
        CheckInProblem::Cancelled => text(lang, "cproblem.cancelled"),
        CheckInProblem::NotExpected => text(lang, "cproblem.not_expected"),
        CheckInProblem::Token(e) => token_error(lang, *e),
        CheckInProblem::NoKey => text(lang, "cproblem.no_key"),
        CheckInProblem::BadCode => text(lang, "cproblem.bad_code"),
        CheckInProblem::LeaveTooLate => text(lang, "cproblem.leave_late"),
        CheckInProblem::TextRequired => text(lang, "problem.required"),
        CheckInProblem::TooLong(max) => format(lang, "problem.too_long", &[("max", max)]),
        CheckInProblem::NotMissed => text(lang, "cproblem.not_missed"),
        CheckInProblem::BadDate => text(lang, "cproblem.bad_date"),
        CheckInProblem::UnknownMeeting => text(lang, "mproblem.unknown"),
        CheckInProblem::NoLeaveRequest => text(lang, "cproblem.no_leave_request"),
    }
}

/// Why a scanned code was refused.
pub fn token_error(lang: Lang, error: TokenError) -> String {
    let key = match error {
        TokenError::Malformed => "token.malformed",
        TokenError::WrongMeeting => "token.wrong_meeting",
        TokenError::BadSignature => "token.bad_signature",
        TokenError::Expired => "token.expired",
        TokenError::FromTheFuture => "token.future",
    };
    text(lang, key)
}

/// Why a join link was refused.
pub fn card_error(lang: Lang, error: &CardError) -> String {
    let key = match error {
        CardError::Malformed => "join.malformed",
        CardError::BadSignature => "join.bad_signature",
        CardError::OtherBranch => "join.other_branch",
    };
    text(lang, key)
}

/// 2026年11月26日 14:30 / 2026-11-26 14:30, in the branch's zone.
pub fn date_time(lang: Lang, zone: Zone, unix: i64) -> String {
    let l = zone.local(unix);
    match lang {
        Lang::Zh => format!("{}年{}月{}日 {:02}:{:02}", l.year, l.month, l.day, l.hour, l.minute),
        Lang::En => format!("{}-{:02}-{:02} {:02}:{:02}", l.year, l.month, l.day, l.hour, l.minute),
    }
}

/// 2026年11月26日 / 2026-11-26.
pub fn date(lang: Lang, date: Date) -> String {
    let (y, m, d) = date.ymd();
    match lang {
        Lang::Zh => format!("{y}年{m}月{d}日"),
        Lang::En => date.to_string(),
    }
}

/// 14:30.
pub fn clock(zone: Zone, unix: i64) -> String {
    let l = zone.local(unix);
    format!("{:02}:{:02}", l.hour, l.minute)
}

/// A rate in per mille as "83.3%".
pub fn percent(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

/// Why a self-study record or its confirmation was refused.
pub fn study_problem(lang: Lang, problem: &StudyProblem) -> String {
    match problem {
        StudyProblem::BadDate => text(lang, "mproblem.date"),
        StudyProblem::InFuture => text(lang, "sproblem.future"),
        StudyProblem::MaterialRequired => text(lang, "sproblem.material"),
        StudyProblem::TooLong { max } => format(lang, "problem.too_long", &[("max", max)]),
        StudyProblem::BadHours => text(lang, "sproblem.hours"),
        StudyProblem::DayOverfull { already } => {
            format(lang, "sproblem.day_full", &[("already", &zhibu_core::hours::format(*already))])
        }
        StudyProblem::UnknownMember => text(lang, "sproblem.member"),
        StudyProblem::OwnRecord => text(lang, "sproblem.own"),
        StudyProblem::UnknownRecord => text(lang, "sproblem.record"),
        StudyProblem::NotOwnRecord => text(lang, "sproblem.not_own"),
    }
}

/// Why a roster change was refused.
pub fn roster_problem(lang: Lang, problem: &RosterProblem) -> String {
    match problem {
        RosterProblem::Fields(errors) => errors.iter().map(|e| field_error(lang, e)).collect::<Vec<_>>().join("；"),
        RosterProblem::UnknownMember => text(lang, "sproblem.member"),
    }
}

/// Why a class form was refused.
pub fn class_problem(lang: Lang, problem: &ClassProblem) -> String {
    match problem {
        ClassProblem::TitleRequired => text(lang, "clproblem.title"),
        ClassProblem::TooLong { max, .. } => format(lang, "problem.too_long", &[("max", max)]),
        ClassProblem::BadDate => text(lang, "mproblem.date"),
        ClassProblem::EndsBeforeStart => text(lang, "clproblem.order"),
        ClassProblem::BadCompletion => text(lang, "clproblem.completion"),
        ClassProblem::NoAttendees => text(lang, "mproblem.no_attendees"),
        ClassProblem::SessionsOutside { count } => format(lang, "clproblem.outside", &[("n", count)]),
        ClassProblem::UnknownClass => text(lang, "mproblem.unknown_class"),
    }
}

/// Why a sync (or a request to the sync server) failed, in plain words.
pub fn sync_failure(lang: Lang, failure: &crate::sync::api::Failure) -> String {
    use crate::sync::api::Failure as F;
    // The server's and the browser's own words are English: only the
    // English texts have a `{why}` to show them in.
    let message = |m: &str| match (m.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::Zh) => format!("（{m}）"),
        (false, Lang::En) => format!(" ({m})"),
    };
    match failure {
        F::Network(why) => format(lang, "sync.err.network", &[("why", &message(why))]),
        F::Status(401, _) => text(lang, "sync.err.unauthorized"),
        F::Status(403, e) => format(lang, "sync.err.forbidden", &[("why", &message(&e.message))]),
        F::Status(404, e) => format(lang, "sync.err.not_found", &[("why", &message(&e.message))]),
        F::Status(409, e) => format(lang, "sync.err.conflict", &[("why", &message(&e.message))]),
        F::Status(413, e) => format(lang, "sync.err.too_large", &[("why", &message(&e.message))]),
        F::Status(400 | 422, e) => format(lang, "sync.err.invalid", &[("why", &message(&e.message))]),
        F::Status(429, _) => text(lang, "sync.err.rate_limited"),
        F::Status(507, _) => text(lang, "sync.err.quota"),
        F::Status(502..=504, _) => text(lang, "sync.err.unavailable"),
        F::Status(status, e) => format(lang, "sync.err.status", &[("status", status), ("why", &message(&e.message))]),
        F::Garbled(_) => text(lang, "sync.err.garbled"),
        F::Newer(schema) => format(lang, "sync.err.newer", &[("schema", schema)]),
        F::Local(_) => text(lang, "sync.err.local"),
        F::Pending => text(lang, "sync.err.pending"),
    }
}
