//! Branch settings. Every frequency, window and threshold is one, with the
//! national default from `domain.md` when nobody has set it; local Party
//! committees often set stricter ones.

use crate::meetings::{Frequency, MeetingKind};
use crate::table::Table;
use crate::zone::Zone;
use serde::{Deserialize, Serialize};

/// The longest 支部名称 or 上级党委, in characters.
pub const MAX_BRANCH_NAME: usize = 100;

/// One setting, as events carry it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// 支部名称
    BranchName(String),
    /// 上级党委: the committee the branch answers to (optional).
    ParentCommittee(String),
    /// The organizer's Ed25519 public key (base64url), which members' phones
    /// use to verify check-in codes offline.
    OrganizerKey(String),
    /// Required frequency of a kind of meeting.
    Frequency(MeetingKind, Frequency),
    /// Check-in opens this many minutes before the start.
    CheckInOpens(u32),
    /// A check-in this many minutes after the start still counts as on time.
    LateGrace(u32),
    /// Unexcused absences in a year that raise an alert.
    AbsenceAlert(u32),
    /// Months without attended organisational life that raise an alert.
    GapAlertMonths(u32),
    /// The branch's zone, minutes east of UTC.
    Zone(Zone),
    /// Yearly 学时 target for members.
    TargetMember(u32),
    /// Yearly 学时 target for 书记 and committee members.
    TargetCommittee(u32),
    /// 学时 for a full-day session.
    FullDayHours(u32),
    /// 学时 for a half-day session.
    HalfDayHours(u32),
    /// A class is completed with attended sessions worth this percentage of its 学时.
    Completion(u32),
    /// Self-study counts only once an organizer confirms it.
    SelfStudyConfirm(bool),
    /// Whether attending a kind of meeting counts toward 学时.
    CountsHours(MeetingKind, bool),
}

/// Where a setting is kept: one register per key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SettingKey {
    BranchName,
    ParentCommittee,
    OrganizerKey,
    Frequency(MeetingKind),
    CheckInOpens,
    LateGrace,
    AbsenceAlert,
    GapAlertMonths,
    Zone,
    TargetMember,
    TargetCommittee,
    FullDayHours,
    HalfDayHours,
    Completion,
    SelfStudyConfirm,
    CountsHours(MeetingKind),
}

impl Setting {
    /// The register it goes in.
    pub fn key(&self) -> SettingKey {
        match self {
            Setting::BranchName(_) => SettingKey::BranchName,
            Setting::ParentCommittee(_) => SettingKey::ParentCommittee,
            Setting::OrganizerKey(_) => SettingKey::OrganizerKey,
            Setting::Frequency(kind, _) => SettingKey::Frequency(*kind),
            Setting::CheckInOpens(_) => SettingKey::CheckInOpens,
            Setting::LateGrace(_) => SettingKey::LateGrace,
            Setting::AbsenceAlert(_) => SettingKey::AbsenceAlert,
            Setting::GapAlertMonths(_) => SettingKey::GapAlertMonths,
            Setting::Zone(_) => SettingKey::Zone,
            Setting::TargetMember(_) => SettingKey::TargetMember,
            Setting::TargetCommittee(_) => SettingKey::TargetCommittee,
            Setting::FullDayHours(_) => SettingKey::FullDayHours,
            Setting::HalfDayHours(_) => SettingKey::HalfDayHours,
            Setting::Completion(_) => SettingKey::Completion,
            Setting::SelfStudyConfirm(_) => SettingKey::SelfStudyConfirm,
            Setting::CountsHours(kind, _) => SettingKey::CountsHours(*kind),
        }
    }

    /// Refuses values no branch could mean.
    pub fn check(&self) -> Result<(), SettingProblem> {
        let within = |v: u32, max: u32| if v <= max { Ok(()) } else { Err(SettingProblem::Above { max }) };
        match self {
            Setting::BranchName(n) | Setting::ParentCommittee(n) if n.chars().count() > MAX_BRANCH_NAME => {
                Err(SettingProblem::NameTooLong(self.key()))
            }
            Setting::OrganizerKey(k) if crate::token::PublicKey::parse(k).is_none() => Err(SettingProblem::BadKey),
            Setting::CheckInOpens(v) | Setting::LateGrace(v) => within(*v, 24 * 60),
            Setting::AbsenceAlert(v) => within(*v, 100),
            Setting::GapAlertMonths(v) => within(*v, 36),
            Setting::Zone(Zone(m)) if m.abs() > 14 * 60 => Err(SettingProblem::Zone(*m)),
            Setting::TargetMember(v) | Setting::TargetCommittee(v) => within(*v, 1000),
            Setting::FullDayHours(0) | Setting::HalfDayHours(0) | Setting::Completion(0) => Err(SettingProblem::Zero),
            Setting::FullDayHours(v) | Setting::HalfDayHours(v) => within(*v, 24),
            Setting::Completion(v) => within(*v, 100),
            _ => Ok(()),
        }
    }
}

/// Why a setting was refused ([`Setting::check`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingProblem {
    /// 支部名称 or 上级党委 longer than [`MAX_BRANCH_NAME`] characters.
    NameTooLong(SettingKey),
    /// The organizer key is not an Ed25519 public key.
    BadKey,
    /// A number above its highest (minutes, counts, months, 学时, percent).
    Above {
        /// The highest allowed.
        max: u32,
    },
    /// 0 学时 for a session, or a 0 % completion.
    Zero,
    /// A zone more than 14 hours from UTC (minutes east).
    Zone(i32),
}

impl std::fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingProblem::NameTooLong(SettingKey::ParentCommittee) => {
                write!(f, "the parent committee's name is longer than {MAX_BRANCH_NAME} characters")
            }
            SettingProblem::NameTooLong(_) => write!(f, "the branch name is longer than {MAX_BRANCH_NAME} characters"),
            SettingProblem::BadKey => f.write_str("the organizer key is not an Ed25519 public key"),
            SettingProblem::Above { max } => write!(f, "a setting is above {max}"),
            SettingProblem::Zero => f.write_str("a session earns at least 1 学时, a class needs at least 1 %"),
            SettingProblem::Zone(m) => write!(f, "zone offset {m} minutes"),
        }
    }
}

/// The settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// 支部名称 (empty until set).
    pub branch_name: String,
    /// 上级党委 (empty when not given).
    pub parent_committee: String,
    /// The organizer's public key, once the branch has one.
    pub organizer_key: Option<String>,
    /// Required frequency per kind.
    pub frequencies: Vec<(MeetingKind, Frequency)>,
    /// Minutes before the start that check-in opens.
    pub check_in_opens: u32,
    /// Minutes after the start still on time.
    pub late_grace: u32,
    /// Unexcused absences in a year that raise an alert.
    pub absence_alert: u32,
    /// Months without organisational life that raise an alert.
    pub gap_alert_months: u32,
    /// The branch's zone.
    pub zone: Zone,
    /// Yearly 学时 target for members.
    pub target_member: u32,
    /// Yearly 学时 target for 书记 and committee members.
    pub target_committee: u32,
    /// 学时 of a full-day session.
    pub full_day_hours: u32,
    /// 学时 of a half-day session.
    pub half_day_hours: u32,
    /// Completion threshold of a class, percent of its 学时.
    pub completion: u32,
    /// Self-study needs an organizer's confirmation.
    pub self_study_confirm: bool,
    /// Kinds of meeting whose attendance counts toward 学时 (training always does).
    pub counted_kinds: Vec<MeetingKind>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            branch_name: String::new(),
            parent_committee: String::new(),
            organizer_key: None,
            frequencies: MeetingKind::ALL.iter().map(|k| (*k, k.default_frequency())).collect(),
            check_in_opens: 30,
            late_grace: 5,
            absence_alert: 3,
            gap_alert_months: 6,
            zone: Zone::CST,
            target_member: 32,
            target_committee: 56,
            full_day_hours: 8,
            half_day_hours: 4,
            completion: 80,
            self_study_confirm: true,
            counted_kinds: vec![MeetingKind::Lecture, MeetingKind::Training],
        }
    }
}

impl Settings {
    /// Defaults overlaid with what the branch set.
    pub fn from_table(table: &Table<SettingKey, Setting>) -> Settings {
        let mut s = Settings::default();
        for (_, setting) in table.values() {
            match setting.clone() {
                Setting::BranchName(v) => s.branch_name = v,
                Setting::ParentCommittee(v) => s.parent_committee = v,
                Setting::OrganizerKey(v) => s.organizer_key = Some(v),
                Setting::Frequency(kind, f) => {
                    if let Some(slot) = s.frequencies.iter_mut().find(|(k, _)| *k == kind) {
                        slot.1 = f;
                    }
                }
                Setting::CheckInOpens(v) => s.check_in_opens = v,
                Setting::LateGrace(v) => s.late_grace = v,
                Setting::AbsenceAlert(v) => s.absence_alert = v,
                Setting::GapAlertMonths(v) => s.gap_alert_months = v,
                Setting::Zone(z) => s.zone = z,
                Setting::TargetMember(v) => s.target_member = v,
                Setting::TargetCommittee(v) => s.target_committee = v,
                Setting::FullDayHours(v) => s.full_day_hours = v,
                Setting::HalfDayHours(v) => s.half_day_hours = v,
                Setting::Completion(v) => s.completion = v,
                Setting::SelfStudyConfirm(v) => s.self_study_confirm = v,
                Setting::CountsHours(kind, yes) => {
                    s.counted_kinds.retain(|k| *k != kind);
                    if yes {
                        s.counted_kinds.push(kind);
                    }
                }
            }
        }
        s
    }

    /// Whether attending a kind of meeting earns 学时 (a training always does).
    pub fn counts_hours(&self, kind: MeetingKind) -> bool {
        kind == MeetingKind::Training || self.counted_kinds.contains(&kind)
    }

    /// The required frequency of a kind.
    pub fn frequency(&self, kind: MeetingKind) -> Frequency {
        self.frequencies.iter().find(|(k, _)| *k == kind).map_or(kind.default_frequency(), |(_, f)| *f)
    }
}
