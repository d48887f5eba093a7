//! Words for the core's types in the user's language.

use crate::i18n::{Lang, format, text};
use crate::storage::SaveError;
use zhibu_core::document::DocError;
use zhibu_core::roster::{Field, FieldError, Problem, Role, Status};

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

/// "姓名：不能为空".
pub fn field_error(lang: Lang, error: &FieldError) -> String {
    format!("{}：{}", field(lang, error.field), problem(lang, &error.problem))
}

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
    }
}

/// Why a save did not reach storage.
pub fn save_error(lang: Lang, error: &SaveError) -> String {
    match error {
        SaveError::Full => text(lang, "save.full"),
        SaveError::Unavailable(why) => format(lang, "save.unavailable", &[("why", why)]),
    }
}

/// Bytes as "1.2 MB" / "340 KB".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.2} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}
