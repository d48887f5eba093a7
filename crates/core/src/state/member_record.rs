//! A member's registers: each field a last-writer-wins register that
//! keeps what it overrode, joined field by field.

use super::*;

/// One member's registers. A field is `None` until some event set it (an
/// edit can arrive before the add, from another device).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    /// 姓名
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Lww<String>>,
    /// 党小组
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Lww<String>>,
    /// 党员类别
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Lww<Status>>,
    /// 职务
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Lww<Role>>,
    /// 入党日期
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined: Option<Lww<Option<Date>>>,
    /// 手机号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Lww<Option<String>>>,
    /// 年老体弱
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exempt: Option<Lww<bool>>,
    /// Archived (true) or active (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Lww<bool>>,
}

pub(super) fn put<T: Ord + Clone>(slot: &mut Option<Lww<T>>, value: T, stamp: &Stamp) -> bool {
    match slot {
        Some(reg) => reg.set(value, stamp.clone()),
        None => {
            *slot = Some(Lww::new(value, stamp.clone()));
            true
        }
    }
}

pub(super) fn join_slot<T: Ord + Clone>(slot: &mut Option<Lww<T>>, other: &Option<Lww<T>>) -> bool {
    match (slot.as_mut(), other) {
        (_, None) => false,
        (Some(reg), Some(theirs)) => reg.join(theirs),
        (None, Some(theirs)) => {
            *slot = Some(theirs.clone());
            true
        }
    }
}

pub(super) fn value<T: Clone>(slot: &Option<Lww<T>>) -> Option<T> {
    slot.as_ref().map(|reg| reg.value.clone())
}

impl MemberRecord {
    /// Writes one field value.
    pub fn set(&mut self, change: &FieldValue, stamp: &Stamp) -> bool {
        match change.clone() {
            FieldValue::Name(v) => put(&mut self.name, v, stamp),
            FieldValue::Group(v) => put(&mut self.group, v, stamp),
            FieldValue::Status(v) => put(&mut self.status, v, stamp),
            FieldValue::Role(v) => put(&mut self.role, v, stamp),
            FieldValue::Joined(v) => put(&mut self.joined, v, stamp),
            FieldValue::Phone(v) => put(&mut self.phone, v, stamp),
            FieldValue::Exempt(v) => put(&mut self.exempt, v, stamp),
        }
    }

    /// Whether this field write is already folded in.
    pub fn contains(&self, change: &FieldValue, stamp: &Stamp) -> bool {
        fn has<T: Ord + Clone>(slot: &Option<Lww<T>>, v: &T, stamp: &Stamp) -> bool {
            slot.as_ref().is_some_and(|reg| reg.contains(v, stamp))
        }
        match change {
            FieldValue::Name(v) => has(&self.name, v, stamp),
            FieldValue::Group(v) => has(&self.group, v, stamp),
            FieldValue::Status(v) => has(&self.status, v, stamp),
            FieldValue::Role(v) => has(&self.role, v, stamp),
            FieldValue::Joined(v) => has(&self.joined, v, stamp),
            FieldValue::Phone(v) => has(&self.phone, v, stamp),
            FieldValue::Exempt(v) => has(&self.exempt, v, stamp),
        }
    }

    /// Every clock in the record's registers and histories.
    pub fn clocks(&self) -> Vec<u64> {
        fn of<T>(slot: &Option<Lww<T>>, out: &mut Vec<u64>) {
            if let Some(reg) = slot {
                out.push(reg.stamp.clock);
                out.extend(reg.history.iter().map(|(s, _)| s.clock));
            }
        }
        let mut out = Vec::new();
        of(&self.name, &mut out);
        of(&self.group, &mut out);
        of(&self.status, &mut out);
        of(&self.role, &mut out);
        of(&self.joined, &mut out);
        of(&self.phone, &mut out);
        of(&self.exempt, &mut out);
        of(&self.archived, &mut out);
        out
    }

    /// Joins another record of the same member into this one.
    pub fn join(&mut self, other: &MemberRecord) -> bool {
        // Not short-circuiting: every field must be joined.
        [
            join_slot(&mut self.name, &other.name),
            join_slot(&mut self.group, &other.group),
            join_slot(&mut self.status, &other.status),
            join_slot(&mut self.role, &other.role),
            join_slot(&mut self.joined, &other.joined),
            join_slot(&mut self.phone, &other.phone),
            join_slot(&mut self.exempt, &other.exempt),
            join_slot(&mut self.archived, &other.archived),
        ]
        .contains(&true)
    }

    /// The member as the app shows it; `None` until a name is known.
    pub fn fields(&self) -> Option<MemberFields> {
        Some(MemberFields {
            name: value(&self.name)?,
            group: value(&self.group).unwrap_or_default(),
            status: value(&self.status).unwrap_or(Status::Full),
            role: value(&self.role).unwrap_or(Role::Member),
            joined: value(&self.joined).flatten(),
            phone: value(&self.phone).flatten(),
            exempt: value(&self.exempt).unwrap_or(false),
        })
    }

    /// Whether the member is archived.
    pub fn is_archived(&self) -> bool {
        value(&self.archived).unwrap_or(false)
    }

    /// Past values of every field that some later or concurrent write
    /// overrode, as (stamp, value), oldest first.
    pub fn history(&self) -> Vec<(Stamp, FieldValue)> {
        fn collect<T: Clone>(out: &mut Vec<(Stamp, FieldValue)>, slot: &Option<Lww<T>>, wrap: fn(T) -> FieldValue) {
            if let Some(reg) = slot {
                out.extend(reg.history.iter().map(|(s, v)| (s.clone(), wrap(v.clone()))));
            }
        }
        let mut out = Vec::new();
        collect(&mut out, &self.name, FieldValue::Name);
        collect(&mut out, &self.group, FieldValue::Group);
        collect(&mut out, &self.status, FieldValue::Status);
        collect(&mut out, &self.role, FieldValue::Role);
        collect(&mut out, &self.joined, FieldValue::Joined);
        collect(&mut out, &self.phone, FieldValue::Phone);
        collect(&mut out, &self.exempt, FieldValue::Exempt);
        out.sort();
        out
    }
}
