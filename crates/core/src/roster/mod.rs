//! Members of the branch: their fields, the words for them, and validation.
//!
//! Validation lives here, once: the form, the CSV import and event replay all
//! go through [`MemberDraft::validate`].

use crate::date::Date;
use crate::fullwidth::narrow;
use crate::hanzi::simplify;
use serde::{Deserialize, Serialize};

mod draft;
#[cfg(test)]
mod tests;

pub use draft::*;

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
