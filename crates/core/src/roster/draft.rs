//! A member as typed or read from a sheet (`MemberDraft`), and its
//! checks: each field's rules, the problems named by field.

use super::*;

/// A member's fields as typed or read from a sheet, not yet checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberDraft {
    /// 姓名
    pub name: String,
    /// 党小组
    pub group: String,
    /// 党员类别 (正式党员/预备党员)
    pub status: String,
    /// 职务
    pub role: String,
    /// 入党日期
    pub joined: String,
    /// 手机号
    pub phone: String,
    /// 年老体弱 (是/否, yes/no, true/false, 1/0)
    pub exempt: String,
}

/// Which member field a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 姓名
    Name,
    /// 党小组
    Group,
    /// 党员类别
    Status,
    /// 职务
    Role,
    /// 入党日期
    Joined,
    /// 手机号
    Phone,
    /// 年老体弱
    Exempt,
}

impl Field {
    /// Stable key for locale files.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Group => "group",
            Field::Status => "status",
            Field::Role => "role",
            Field::Joined => "joined",
            Field::Phone => "phone",
            Field::Exempt => "exempt",
        }
    }
}

/// Why a value was refused. The app words it in the user's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    /// Nothing given where something is needed.
    Required,
    /// Longer than `max` characters.
    TooLong {
        /// Limit in characters.
        max: usize,
    },
    /// Control characters or line breaks inside a one-line field.
    ControlCharacters,
    /// A word the field does not know (e.g. an unknown 职务).
    Unknown {
        /// What was given.
        given: String,
    },
    /// Not a date (`YYYY-MM-DD`).
    BadDate {
        /// What was given.
        given: String,
    },
    /// Not a phone number.
    BadPhone {
        /// What was given.
        given: String,
    },
}

/// One refused field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// What is wrong with it.
    pub problem: Problem,
}

/// Longest name accepted, in characters.
pub const MAX_NAME: usize = 40;
/// Longest 党小组 name accepted, in characters.
pub const MAX_GROUP: usize = 40;

impl MemberDraft {
    /// Checks every field; returns all problems at once, not just the first.
    pub fn validate(&self) -> Result<MemberFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field, problem| errors.push(FieldError { field, problem });

        let name = one_line(&self.name);
        if name.is_empty() {
            fail(Field::Name, Problem::Required);
        } else if name.chars().count() > MAX_NAME {
            fail(Field::Name, Problem::TooLong { max: MAX_NAME });
        } else if name.chars().any(char::is_control) {
            fail(Field::Name, Problem::ControlCharacters);
        }
        let group = one_line(&self.group);
        if group.chars().count() > MAX_GROUP {
            fail(Field::Group, Problem::TooLong { max: MAX_GROUP });
        } else if group.chars().any(char::is_control) {
            fail(Field::Group, Problem::ControlCharacters);
        }
        let given = |text: &str| narrow(text).trim().to_owned();
        let status = if given(&self.status).is_empty() { Some(Status::Full) } else { Status::parse(&self.status) };
        if status.is_none() {
            fail(Field::Status, Problem::Unknown { given: given(&self.status) });
        }
        let role = Role::parse(&self.role);
        if role.is_none() {
            fail(Field::Role, Problem::Unknown { given: given(&self.role) });
        }
        let joined = match given(&self.joined).as_str() {
            "" => Some(None),
            text => Date::parse(text).map(Some),
        };
        if joined.is_none() {
            fail(Field::Joined, Problem::BadDate { given: given(&self.joined) });
        }
        let phone = parse_phone(&given(&self.phone));
        if phone.is_none() {
            fail(Field::Phone, Problem::BadPhone { given: given(&self.phone) });
        }
        let exempt = parse_flag(&word(&self.exempt));
        if exempt.is_none() {
            fail(Field::Exempt, Problem::Unknown { given: given(&self.exempt) });
        }

        match (status, role, joined, phone, exempt) {
            (Some(status), Some(role), Some(joined), Some(phone), Some(exempt)) if errors.is_empty() => {
                Ok(MemberFields { name, group, status, role, joined, phone, exempt })
            }
            _ => Err(errors),
        }
    }
}

impl From<&MemberFields> for MemberDraft {
    fn from(f: &MemberFields) -> Self {
        MemberDraft {
            name: f.name.clone(),
            group: f.group.clone(),
            status: f.status.zh().to_owned(),
            role: f.role.zh().to_owned(),
            joined: f.joined.map(|d| d.to_string()).unwrap_or_default(),
            phone: f.phone.clone().unwrap_or_default(),
            exempt: if f.exempt { "是" } else { "否" }.to_owned(),
        }
    }
}

/// A word from a fixed vocabulary as the parsers compare it: narrowed,
/// simplified, trimmed, lowercased.
pub(super) fn word(text: &str) -> String {
    simplify(&narrow(text)).trim().to_lowercase()
}

/// Narrows full-width forms (a Chinese input method's `１３９`, `Ｌｉ`), trims
/// and folds inner runs of whitespace (ideographic spaces too) to one space.
pub(super) fn one_line(text: &str) -> String {
    narrow(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Some(None)` for an empty cell, `Some(Some(digits))` for a phone, `None` if malformed.
pub(super) fn parse_phone(text: &str) -> Option<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    let kept: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = kept.strip_prefix('+').unwrap_or(&kept);
    let ok = (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(Some(kept))
}

pub(super) fn parse_flag(word: &str) -> Option<bool> {
    match word {
        "" | "否" | "no" | "n" | "false" | "0" => Some(false),
        "是" | "yes" | "y" | "true" | "1" | "年老体弱" => Some(true),
        _ => None,
    }
}
