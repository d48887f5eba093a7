//! Members of the branch: their fields, the words for them, and validation.
//!
//! Validation lives here, once: the form, the CSV import and event replay all
//! go through [`MemberDraft::validate`].

use crate::date::Date;
use crate::fullwidth::narrow;
use crate::hanzi::simplify;
use serde::{Deserialize, Serialize};

/// 正式党员 or 预备党员.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 正式党员: full member, votes in branch resolutions.
    Full,
    /// 预备党员: probationary member, no vote in resolutions and elections.
    Probationary,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 2] = [Status::Full, Status::Probationary];

    /// Stable key for locale files and CSV export.
    pub fn key(self) -> &'static str {
        match self {
            Status::Full => "full",
            Status::Probationary => "probationary",
        }
    }

    /// Reads the Chinese (simplified or traditional) or English words a
    /// roster sheet uses.
    pub fn parse(text: &str) -> Option<Status> {
        match word(text).as_str() {
            "正式党员" | "正式" | "full" | "full member" => Some(Status::Full),
            "预备党员" | "预备" | "probationary" | "probationary member" => Some(Status::Probationary),
            _ => None,
        }
    }

    /// The Chinese word, as Excel sheets write it.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Full => "正式党员",
            Status::Probationary => "预备党员",
        }
    }
}

/// A member's post in the branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 书记
    Secretary,
    /// 副书记
    DeputySecretary,
    /// 组织委员
    OrganizationCommissioner,
    /// 宣传委员
    PropagandaCommissioner,
    /// 纪检委员
    DisciplineCommissioner,
    /// 党小组长
    GroupLeader,
    /// 党员 (no post)
    Member,
}

impl Role {
    /// Every role, committee first.
    pub const ALL: [Role; 7] = [
        Role::Secretary,
        Role::DeputySecretary,
        Role::OrganizationCommissioner,
        Role::PropagandaCommissioner,
        Role::DisciplineCommissioner,
        Role::GroupLeader,
        Role::Member,
    ];

    /// Stable key for locale files.
    pub fn key(self) -> &'static str {
        match self {
            Role::Secretary => "secretary",
            Role::DeputySecretary => "deputy_secretary",
            Role::OrganizationCommissioner => "organization",
            Role::PropagandaCommissioner => "propaganda",
            Role::DisciplineCommissioner => "discipline",
            Role::GroupLeader => "group_leader",
            Role::Member => "member",
        }
    }

    /// The Chinese word, as Excel sheets write it.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Secretary => "书记",
            Role::DeputySecretary => "副书记",
            Role::OrganizationCommissioner => "组织委员",
            Role::PropagandaCommissioner => "宣传委员",
            Role::DisciplineCommissioner => "纪检委员",
            Role::GroupLeader => "党小组长",
            Role::Member => "党员",
        }
    }

    /// Reads Chinese (simplified or traditional) or English words; an empty
    /// cell means no post.
    pub fn parse(text: &str) -> Option<Role> {
        let text = word(text);
        if text.is_empty() {
            return Some(Role::Member);
        }
        let by_zh = Role::ALL.into_iter().find(|r| r.zh() == text);
        by_zh.or(match text.as_str() {
            "支部书记" | "secretary" => Some(Role::Secretary),
            "支部副书记" | "deputy secretary" | "deputy_secretary" => Some(Role::DeputySecretary),
            "organization" | "organisation commissioner" | "organization commissioner" => {
                Some(Role::OrganizationCommissioner)
            }
            "propaganda" | "propaganda commissioner" => Some(Role::PropagandaCommissioner),
            "discipline" | "discipline commissioner" | "纪律检查委员" => Some(Role::DisciplineCommissioner),
            "组长" | "小组长" | "group leader" | "group_leader" => Some(Role::GroupLeader),
            "普通党员" | "member" | "无" | "-" => Some(Role::Member),
            _ => None,
        })
    }

    /// Members of the branch committee (支委).
    pub fn is_committee(self) -> bool {
        !matches!(self, Role::GroupLeader | Role::Member)
    }
}

/// A member's fields once validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFields {
    /// Full name (names repeat; the member id is the identity).
    pub name: String,
    /// 党小组; empty when not in a group.
    pub group: String,
    /// 正式 / 预备.
    pub status: Status,
    /// Post held.
    pub role: Role,
    /// 入党日期, when known.
    pub joined: Option<Date>,
    /// Phone, when the branch chose to keep it.
    pub phone: Option<String>,
    /// 年老体弱: exempt from hour requirements.
    pub exempt: bool,
}

/// One field's new value: the unit of an edit and of last-writer-wins merge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldValue {
    /// 姓名
    Name(String),
    /// 党小组
    Group(String),
    /// 党员类别
    Status(Status),
    /// 职务
    Role(Role),
    /// 入党日期
    Joined(Option<Date>),
    /// 手机号
    Phone(Option<String>),
    /// 年老体弱
    Exempt(bool),
}

impl MemberFields {
    /// Every field as a value.
    pub fn values(&self) -> Vec<FieldValue> {
        vec![
            FieldValue::Name(self.name.clone()),
            FieldValue::Group(self.group.clone()),
            FieldValue::Status(self.status),
            FieldValue::Role(self.role),
            FieldValue::Joined(self.joined),
            FieldValue::Phone(self.phone.clone()),
            FieldValue::Exempt(self.exempt),
        ]
    }

    /// The values of `new` that differ from `self`: what an edit records.
    pub fn changes(&self, new: &MemberFields) -> Vec<FieldValue> {
        let old = self.values();
        new.values().into_iter().zip(old).filter(|(n, o)| n != o).map(|(n, _)| n).collect()
    }

    /// Re-checks fields that arrived from outside (a backup file, a sync).
    pub fn revalidate(&self) -> Result<(), Vec<FieldError>> {
        MemberDraft::from(self).validate().map(drop)
    }
}

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
fn word(text: &str) -> String {
    simplify(&narrow(text)).trim().to_lowercase()
}

/// Narrows full-width forms (a Chinese input method's `１３９`, `Ｌｉ`), trims
/// and folds inner runs of whitespace (ideographic spaces too) to one space.
fn one_line(text: &str) -> String {
    narrow(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Some(None)` for an empty cell, `Some(Some(digits))` for a phone, `None` if malformed.
fn parse_phone(text: &str) -> Option<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    let kept: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = kept.strip_prefix('+').unwrap_or(&kept);
    let ok = (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(Some(kept))
}

fn parse_flag(word: &str) -> Option<bool> {
    match word {
        "" | "否" | "no" | "n" | "false" | "0" => Some(false),
        "是" | "yes" | "y" | "true" | "1" | "年老体弱" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, status: &str, role: &str, joined: &str, phone: &str) -> MemberDraft {
        MemberDraft {
            name: name.into(),
            group: "第一党小组".into(),
            status: status.into(),
            role: role.into(),
            joined: joined.into(),
            phone: phone.into(),
            exempt: String::new(),
        }
    }

    #[test]
    fn a_sheet_row_validates() {
        let fields = draft("王建国", "正式党员", "书记", "1998-07-01", "13800000001").validate().unwrap();
        assert_eq!(fields.name, "王建国");
        assert_eq!(fields.status, Status::Full);
        assert_eq!(fields.role, Role::Secretary);
        assert_eq!(fields.joined.unwrap().to_string(), "1998-07-01");
        assert_eq!(fields.phone.as_deref(), Some("13800000001"));
        assert!(!fields.exempt);
    }

    #[test]
    fn empty_role_and_phone_mean_none() {
        let fields = draft(" 杨丽 ", "预备", "", "", "").validate().unwrap();
        assert_eq!(fields.name, "杨丽");
        assert_eq!(fields.role, Role::Member);
        assert_eq!(fields.status, Status::Probationary);
        assert_eq!(fields.phone, None);
        assert_eq!(fields.joined, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = draft("", "群众", "队长", "1998-13-01", "abc").validate().unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Name, Field::Status, Field::Role, Field::Joined, Field::Phone]);
        assert_eq!(errors[2].problem, Problem::Unknown { given: "队长".into() });
    }

    #[test]
    fn names_with_control_characters_or_too_long_are_refused() {
        let long = "王".repeat(MAX_NAME + 1);
        assert_eq!(draft(&long, "", "", "", "").validate().unwrap_err()[0].problem, Problem::TooLong { max: MAX_NAME });
        assert_eq!(draft("王\u{7}国", "", "", "", "").validate().unwrap_err()[0].problem, Problem::ControlCharacters);
    }

    #[test]
    fn changes_carry_only_what_differs() {
        let old = draft("张伟", "正式党员", "宣传委员", "", "").validate().unwrap();
        let mut new = old.clone();
        new.group = "第二党小组".into();
        new.exempt = true;
        assert_eq!(old.changes(&new), [FieldValue::Group("第二党小组".into()), FieldValue::Exempt(true)]);
        assert!(old.changes(&old).is_empty());
    }

    #[test]
    fn draft_round_trips_through_fields() {
        let fields = draft("李秀英", "正式党员", "组织委员", "2003-06-18", "138-0000-0002").validate().unwrap();
        assert_eq!(MemberDraft::from(&fields).validate().unwrap(), fields);
    }
}
