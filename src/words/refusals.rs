//! Words for why records were refused: a backup's events (bounds,
//! content), a setting, a push's answer (`sync::Reason`, the kind of record
//! it names) and a ballot-box file that cannot be recounted.

use super::{field_error, round_problem};
use crate::i18n::{Lang, format, text};
use zhibu_core::ballot::RecountProblem;
use zhibu_core::bounds::OutOfBounds;
use zhibu_core::content::ContentProblem;
use zhibu_core::document::DocError;
use zhibu_core::settings::{SettingKey, SettingProblem};
use zhibu_core::sync::Reason;

/// Why a backup file was refused.
pub fn doc_error(lang: Lang, error: &DocError) -> String {
    match error {
        DocError::NotJson { line, column, .. } => format(lang, "doc.not_json", &[("line", line), ("column", column)]),
        DocError::NotZhibu => text(lang, "doc.not_zhibu"),
        DocError::TooNew { found, supported } => {
            format(lang, "doc.too_new", &[("found", found), ("supported", supported)])
        }
        DocError::Invalid { path, message } => format(lang, "doc.invalid", &[("path", path), ("message", message)]),
        DocError::InvalidEvent { index, errors } => {
            let list: Vec<String> = errors.iter().map(|e| field_error(lang, e)).collect();
            format(lang, "doc.invalid_event", &[("index", index), ("errors", &list.join("；"))])
        }
        DocError::Bounds { index, problem } => {
            format(lang, "doc.bounds", &[("index", index), ("problem", &out_of_bounds(lang, problem))])
        }
        DocError::Content { index, problem } => {
            format(lang, "doc.content", &[("index", index), ("problem", &content_problem(lang, problem))])
        }
    }
}

/// Which limit an event passed (`bounds`).
pub fn out_of_bounds(lang: Lang, problem: &OutOfBounds) -> String {
    match problem {
        OutOfBounds::Clock(_) => text(lang, "bounds.clock"),
        OutOfBounds::Time(_) => text(lang, "bounds.time"),
        OutOfBounds::Id { .. } => text(lang, "bounds.id"),
        OutOfBounds::Text { .. } => format(lang, "bounds.text", &[("max", &zhibu_core::bounds::MAX_FREE)]),
        OutOfBounds::TooLarge(_) => format(lang, "bounds.too_large", &[("max", &zhibu_core::bounds::MAX_EVENT_BYTES)]),
    }
}

/// What is wrong with an event's content (`document::check_content`).
pub fn content_problem(lang: Lang, problem: &ContentProblem) -> String {
    match problem {
        ContentProblem::Fields(errors) => errors.iter().map(|e| field_error(lang, e)).collect::<Vec<_>>().join("；"),
        ContentProblem::Empty => text(lang, "content.empty"),
        ContentProblem::NotOwn => text(lang, "content.not_own"),
        ContentProblem::TooLong { max, .. } => format(lang, "problem.too_long", &[("max", max)]),
        ContentProblem::OutOfRange { value, .. } => format(lang, "content.out_of_range", &[("value", value)]),
        ContentProblem::NoAudience => text(lang, "content.no_audience"),
        ContentProblem::EndsBeforeStart => text(lang, "content.ends_before_start"),
        ContentProblem::BadProof => text(lang, "content.bad_proof"),
        ContentProblem::BadCodeHash => text(lang, "content.bad_code_hash"),
        ContentProblem::Setting(p) => setting_problem(lang, p),
        ContentProblem::Round(p) => round_problem(lang, p),
    }
}

/// Why a setting was refused.
pub fn setting_problem(lang: Lang, problem: &SettingProblem) -> String {
    match problem {
        SettingProblem::NameTooLong(SettingKey::ParentCommittee) => text(lang, "branch.parent_too_long"),
        SettingProblem::NameTooLong(_) => text(lang, "branch.name_too_long"),
        SettingProblem::BadKey => text(lang, "setting.bad_key"),
        SettingProblem::Above { max } => format(lang, "setting.above", &[("max", max)]),
        SettingProblem::Zero => text(lang, "setting.zero"),
        SettingProblem::Zone(_) => text(lang, "setting.zone"),
    }
}

/// Why the server refused a pushed event or ballot (a reason this version
/// does not know has words too: `reason.unknown`).
pub fn push_reason(lang: Lang, reason: Reason) -> String {
    text(lang, &format!("reason.{}", reason.code()))
}

/// The kind of record a refusal names (`checked_in` → 签到), or the kind
/// itself if this version has no words for it.
pub fn event_kind(lang: Lang, kind: &str) -> String {
    let key = format!("event.{kind}");
    let words = text(lang, &key);
    if words == key { kind.to_owned() } else { words }
}

/// Why an exported ballot box could not be recounted.
pub fn recount_problem(lang: Lang, problem: &RecountProblem) -> String {
    match problem {
        RecountProblem::Unreadable { line, column } => {
            format(lang, "recount.unreadable", &[("line", line), ("column", column)])
        }
        RecountProblem::NotAnExport => text(lang, "recount.not_export"),
    }
}
