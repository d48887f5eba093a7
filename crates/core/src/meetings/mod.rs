//! Meetings of 三会一课 and the rest of organisational life: kinds, their
//! default frequencies, who is expected (应到), and the planned → held /
//! cancelled life cycle. A meeting is a set of field registers, so two
//! devices editing different fields both keep their edit.

use crate::date::Date;
use crate::ids::{ClassId, MeetingId, MemberId};
use crate::state::{Member, State};
use crate::table::Table;
use crate::zone::{Zone, parse_hm};
use serde::{Deserialize, Serialize};

mod draft;
mod quorum;

pub use draft::*;
pub use quorum::*;

/// The kinds of meeting a branch holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 支部党员大会
    General,
    /// 支部委员会会议 (支委会)
    Committee,
    /// 党小组会, one per 党小组
    Group,
    /// 党课
    Lecture,
    /// 主题党日
    ThemeDay,
    /// 组织生活会
    LifeMeeting,
    /// 民主评议党员
    Appraisal,
    /// 其他学习
    Study,
    /// 培训: a session of a training class (培训班), or a one-off training.
    Training,
}

/// How often a kind of meeting is required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Every year.
    Yearly,
    /// Not required.
    None,
}

impl Frequency {
    /// Every frequency.
    pub const ALL: [Frequency; 4] = [Frequency::Monthly, Frequency::Quarterly, Frequency::Yearly, Frequency::None];

    /// Stable key for locale files.
    pub fn key(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Yearly => "yearly",
            Frequency::None => "none",
        }
    }
}

impl MeetingKind {
    /// Every kind, in the order the app lists them.
    pub const ALL: [MeetingKind; 9] = [
        MeetingKind::General,
        MeetingKind::Committee,
        MeetingKind::Group,
        MeetingKind::Lecture,
        MeetingKind::ThemeDay,
        MeetingKind::LifeMeeting,
        MeetingKind::Appraisal,
        MeetingKind::Study,
        MeetingKind::Training,
    ];

    /// Stable key for locale files, settings and exports.
    pub fn key(self) -> &'static str {
        match self {
            MeetingKind::General => "general",
            MeetingKind::Committee => "committee",
            MeetingKind::Group => "group",
            MeetingKind::Lecture => "lecture",
            MeetingKind::ThemeDay => "theme_day",
            MeetingKind::LifeMeeting => "life_meeting",
            MeetingKind::Appraisal => "appraisal",
            MeetingKind::Study => "study",
            MeetingKind::Training => "training",
        }
    }

    /// The national default frequency (`domain.md`).
    pub fn default_frequency(self) -> Frequency {
        match self {
            MeetingKind::General | MeetingKind::Lecture => Frequency::Quarterly,
            MeetingKind::Committee | MeetingKind::Group | MeetingKind::ThemeDay => Frequency::Monthly,
            MeetingKind::LifeMeeting | MeetingKind::Appraisal => Frequency::Yearly,
            MeetingKind::Study | MeetingKind::Training => Frequency::None,
        }
    }

    /// Who a new meeting of this kind is for, unless the organizer says otherwise.
    pub fn default_audience(self) -> Audience {
        match self {
            MeetingKind::Committee => Audience::Committee,
            _ => Audience::Branch,
        }
    }
}

/// Who is expected (应到).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every active member.
    Branch,
    /// One 党小组.
    Group(String),
    /// The branch committee (支委).
    Committee,
    /// A hand-picked list.
    List(Vec<MemberId>),
}

impl Audience {
    /// Whether an active member is expected.
    pub fn includes(&self, member: &Member) -> bool {
        match self {
            Audience::Branch => true,
            Audience::Group(g) => &member.fields.group == g,
            Audience::Committee => member.fields.role.is_committee(),
            Audience::List(ids) => ids.contains(&member.id),
        }
    }

    /// The active members expected now, in stored (id) order.
    pub fn members(&self, state: &State) -> Vec<Member> {
        state.members().into_iter().filter(|m| !m.archived && self.includes(m)).collect()
    }

    /// Their ids.
    pub fn expected(&self, state: &State) -> Vec<MemberId> {
        self.members(state).into_iter().map(|m| m.id).collect()
    }
}

/// Planned → held, or cancelled.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Not yet held.
    Planned,
    /// Held; 应到 frozen at that moment so later roster changes don't
    /// rewrite history.
    Held {
        /// The expected attendees when it was held.
        expected: Vec<MemberId>,
    },
    /// Cancelled, with the reason.
    Cancelled {
        /// Why.
        reason: String,
    },
}

/// One field of a meeting, as events carry it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingValue {
    /// Kind.
    Kind(MeetingKind),
    /// 主题
    Topic(String),
    /// Start, Unix seconds.
    Start(i64),
    /// Duration, minutes.
    Minutes(u32),
    /// 地点
    Place(String),
    /// 主持人
    Host(String),
    /// 讲课人 (a 党课's lecturer; a training session's 主讲人 is its host).
    Lecturer(String),
    /// 记录人
    Recorder(String),
    /// 应到
    Audience(Audience),
    /// 议程
    Agenda(String),
    /// 会议记录
    Record(String),
    /// State.
    Status(MeetingStatus),
    /// The training class a session belongs to.
    Class(ClassId),
    /// 学时 credited, in tenths, when the organizer overrides the counting rule.
    Credit(Option<u32>),
    /// Held online (线上).
    Online(bool),
}

impl MeetingValue {
    /// The register this value goes in.
    pub fn field(&self) -> MeetingField {
        match self {
            MeetingValue::Kind(_) => MeetingField::Kind,
            MeetingValue::Topic(_) => MeetingField::Topic,
            MeetingValue::Start(_) => MeetingField::Start,
            MeetingValue::Minutes(_) => MeetingField::Minutes,
            MeetingValue::Place(_) => MeetingField::Place,
            MeetingValue::Host(_) => MeetingField::Host,
            MeetingValue::Lecturer(_) => MeetingField::Lecturer,
            MeetingValue::Recorder(_) => MeetingField::Recorder,
            MeetingValue::Audience(_) => MeetingField::Audience,
            MeetingValue::Agenda(_) => MeetingField::Agenda,
            MeetingValue::Record(_) => MeetingField::Record,
            MeetingValue::Status(_) => MeetingField::Status,
            MeetingValue::Class(_) => MeetingField::Class,
            MeetingValue::Credit(_) => MeetingField::Credit,
            MeetingValue::Online(_) => MeetingField::Online,
        }
    }
}

/// A meeting's registers, one per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum MeetingField {
    Kind,
    Topic,
    Start,
    Minutes,
    Place,
    Host,
    Lecturer,
    Recorder,
    Audience,
    Agenda,
    Record,
    Status,
    Class,
    Credit,
    Online,
}

/// A meeting as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    /// Identity.
    pub id: MeetingId,
    /// Kind.
    pub kind: MeetingKind,
    /// 主题
    pub topic: String,
    /// Start, Unix seconds.
    pub start: i64,
    /// Duration, minutes.
    pub minutes: u32,
    /// 地点
    pub place: String,
    /// 主持人
    pub host: String,
    /// 讲课人
    pub lecturer: String,
    /// 记录人
    pub recorder: String,
    /// 应到 (as planned).
    pub audience: Audience,
    /// 议程
    pub agenda: String,
    /// 会议记录
    pub record: String,
    /// State.
    pub status: MeetingStatus,
    /// The training class, for a session of one.
    pub class: Option<ClassId>,
    /// 学时 override, tenths.
    pub credit: Option<u32>,
    /// Held online.
    pub online: bool,
}

impl Meeting {
    /// Reads a meeting from its registers; `None` until kind and start are known.
    pub fn from_table(id: &MeetingId, table: &Table<MeetingField, MeetingValue>) -> Option<Meeting> {
        let mut m = Meeting {
            id: id.clone(),
            kind: MeetingKind::Study,
            topic: String::new(),
            start: 0,
            minutes: 60,
            place: String::new(),
            host: String::new(),
            lecturer: String::new(),
            recorder: String::new(),
            audience: Audience::Branch,
            agenda: String::new(),
            record: String::new(),
            status: MeetingStatus::Planned,
            class: None,
            credit: None,
            online: false,
        };
        let (mut has_kind, mut has_start) = (false, false);
        for (_, value) in table.values() {
            match value.clone() {
                MeetingValue::Kind(v) => (m.kind, has_kind) = (v, true),
                MeetingValue::Topic(v) => m.topic = v,
                MeetingValue::Start(v) => (m.start, has_start) = (v, true),
                MeetingValue::Minutes(v) => m.minutes = v,
                MeetingValue::Place(v) => m.place = v,
                MeetingValue::Host(v) => m.host = v,
                MeetingValue::Lecturer(v) => m.lecturer = v,
                MeetingValue::Recorder(v) => m.recorder = v,
                MeetingValue::Audience(v) => m.audience = v,
                MeetingValue::Agenda(v) => m.agenda = v,
                MeetingValue::Record(v) => m.record = v,
                MeetingValue::Status(v) => m.status = v,
                MeetingValue::Class(v) => m.class = Some(v),
                MeetingValue::Credit(v) => m.credit = v,
                MeetingValue::Online(v) => m.online = v,
            }
        }
        (has_kind && has_start).then_some(m)
    }

    /// End, Unix seconds.
    pub fn end(&self) -> i64 {
        self.start + i64::from(self.minutes) * 60
    }

    /// Who is expected: frozen once held, the live audience before.
    pub fn expected(&self, state: &State) -> Vec<MemberId> {
        match &self.status {
            MeetingStatus::Held { expected } => expected.clone(),
            _ => self.audience.expected(state),
        }
    }

    /// The expected attendees with what the roster knows of them (`None`
    /// for someone a held meeting froze who is no longer on it).
    pub fn expected_members(&self, state: &State) -> Vec<(MemberId, Option<Member>)> {
        match &self.status {
            MeetingStatus::Held { expected } => expected.iter().map(|id| (id.clone(), state.member(id))).collect(),
            _ => self.audience.members(state).into_iter().map(|m| (m.id.clone(), Some(m))).collect(),
        }
    }

    /// Whether it has been held.
    pub fn is_held(&self) -> bool {
        matches!(self.status, MeetingStatus::Held { .. })
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.status, MeetingStatus::Cancelled { .. })
    }

    /// The quorum rule that applies, if any.
    pub fn quorum_rule(&self) -> Option<QuorumRule> {
        match self.kind {
            MeetingKind::General => Some(QuorumRule::VotingMembers),
            MeetingKind::Committee => Some(QuorumRule::CommitteeMembers),
            _ => None,
        }
    }
}
