//! The meeting form and the checks on a meeting's changes: the draft as
//! typed, its validation, what an edit changes, hold, cancel, minutes.

use super::*;

/// Longest topic, place or host, in characters.
pub const MAX_SHORT_TEXT: usize = 100;
/// Longest agenda or minutes, in characters.
pub const MAX_LONG_TEXT: usize = 20_000;
/// Longest meeting, in minutes (a full day).
pub const MAX_MINUTES: u32 = 24 * 60;

/// What the meeting form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingDraft {
    /// Kind.
    pub kind: Option<MeetingKind>,
    /// 主题
    pub topic: String,
    /// Date, as typed.
    pub date: String,
    /// Time `HH:MM`, as typed.
    pub time: String,
    /// Duration in minutes, as typed.
    pub minutes: String,
    /// 地点
    pub place: String,
    /// 主持人
    pub host: String,
    /// 讲课人
    pub lecturer: String,
    /// 记录人
    pub recorder: String,
    /// 应到
    pub audience: Option<Audience>,
    /// 议程
    pub agenda: String,
    /// The training class, for a session of one.
    pub class: Option<ClassId>,
    /// 学时 credited, as typed; empty for the counting rule.
    pub credit: String,
    /// Held online.
    pub online: bool,
}

/// A problem with a meeting or an action on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MeetingProblem {
    /// No kind chosen.
    KindRequired,
    /// No topic.
    TopicRequired,
    /// Date not understood.
    BadDate,
    /// Time not understood.
    BadTime,
    /// Duration not a whole number of minutes from 1 to a day.
    BadDuration,
    /// A text is longer than allowed.
    TooLong {
        /// Which field.
        field: MeetingField,
        /// The limit in characters.
        max: usize,
    },
    /// Nobody would be expected.
    NoAttendees,
    /// The attendee list of a held meeting is frozen.
    HeldAudienceFrozen,
    /// The action needs a planned meeting.
    NotPlanned,
    /// No such meeting in these records.
    UnknownMeeting,
    /// A cancellation needs a reason.
    ReasonRequired,
    /// 学时 not a number from 0 to 24 with at most one decimal.
    BadCredit,
    /// The class is not known.
    UnknownClass,
    /// A session dated outside its class's dates.
    OutsideClass {
        /// The class's first day.
        from: Date,
        /// Its last day.
        to: Date,
    },
}

impl MeetingDraft {
    /// The draft of an existing meeting, for editing.
    pub fn of(meeting: &Meeting, zone: Zone) -> MeetingDraft {
        let local = zone.local(meeting.start);
        MeetingDraft {
            kind: Some(meeting.kind),
            topic: meeting.topic.clone(),
            date: local.date().to_string(),
            time: format!("{:02}:{:02}", local.hour, local.minute),
            minutes: meeting.minutes.to_string(),
            place: meeting.place.clone(),
            host: meeting.host.clone(),
            lecturer: meeting.lecturer.clone(),
            recorder: meeting.recorder.clone(),
            audience: Some(meeting.audience.clone()),
            agenda: meeting.agenda.clone(),
            class: meeting.class.clone(),
            credit: meeting.credit.map(crate::hours::format).unwrap_or_default(),
            online: meeting.online,
        }
    }

    /// Checks the draft against the roster; returns every field's value, or
    /// every problem found.
    pub fn validate(&self, state: &State, zone: Zone) -> Result<Vec<MeetingValue>, Vec<MeetingProblem>> {
        let mut problems = Vec::new();
        let kind = self.kind.ok_or(MeetingProblem::KindRequired);
        let topic = self.topic.trim();
        if topic.is_empty() {
            problems.push(MeetingProblem::TopicRequired);
        }
        for (field, text, max) in [
            (MeetingField::Topic, topic, MAX_SHORT_TEXT),
            (MeetingField::Place, self.place.trim(), MAX_SHORT_TEXT),
            (MeetingField::Host, self.host.trim(), MAX_SHORT_TEXT),
            (MeetingField::Lecturer, self.lecturer.trim(), MAX_SHORT_TEXT),
            (MeetingField::Recorder, self.recorder.trim(), MAX_SHORT_TEXT),
            (MeetingField::Agenda, self.agenda.trim(), MAX_LONG_TEXT),
        ] {
            if text.chars().count() > max {
                problems.push(MeetingProblem::TooLong { field, max });
            }
        }
        let date = Date::parse(&self.date);
        if date.is_none() {
            problems.push(MeetingProblem::BadDate);
        }
        let hm = parse_hm(&self.time);
        if hm.is_none() {
            problems.push(MeetingProblem::BadTime);
        }
        let minutes = self.minutes.trim().parse::<u32>().ok().filter(|m| (1..=MAX_MINUTES).contains(m));
        if minutes.is_none() {
            problems.push(MeetingProblem::BadDuration);
        }
        let credit = match self.credit.trim() {
            "" => Some(None),
            text => crate::hours::parse(text).filter(|t| *t <= crate::hours::MAX_DAY).map(Some),
        };
        if credit.is_none() {
            problems.push(MeetingProblem::BadCredit);
        }
        // A session of a class is a training, for the class's roster by default.
        let class = match &self.class {
            None => None,
            Some(id) => match state.class(id) {
                None => {
                    problems.push(MeetingProblem::UnknownClass);
                    None
                }
                Some(class) => Some(class),
            },
        };
        if let (Some(class), Some(date)) = (&class, date)
            && !(class.from <= date && date <= class.to)
        {
            problems.push(MeetingProblem::OutsideClass { from: class.from, to: class.to });
        }
        let kind = match (kind, &class) {
            (_, Some(_)) => Some(MeetingKind::Training),
            (Ok(k), None) => Some(k),
            (Err(p), None) => {
                problems.push(p);
                None
            }
        };
        let audience = self
            .audience
            .clone()
            .or_else(|| class.as_ref().map(|c| c.audience.clone()))
            .or_else(|| kind.map(MeetingKind::default_audience));
        if let Some(audience) = &audience
            && audience.expected(state).is_empty()
        {
            problems.push(MeetingProblem::NoAttendees);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (date, (hour, minute)) = (date.expect("checked"), hm.expect("checked"));
        let start = zone.unix(date, hour, minute).ok_or(vec![MeetingProblem::BadDate])?;
        let mut values = vec![
            MeetingValue::Kind(kind.expect("checked")),
            MeetingValue::Topic(topic.to_owned()),
            MeetingValue::Start(start),
            MeetingValue::Minutes(minutes.expect("checked")),
            MeetingValue::Place(self.place.trim().to_owned()),
            MeetingValue::Host(self.host.trim().to_owned()),
            MeetingValue::Lecturer(self.lecturer.trim().to_owned()),
            MeetingValue::Recorder(self.recorder.trim().to_owned()),
            MeetingValue::Audience(audience.expect("checked")),
            MeetingValue::Agenda(self.agenda.trim().to_owned()),
            MeetingValue::Credit(credit.expect("checked")),
            MeetingValue::Online(self.online),
        ];
        if let Some(class) = class {
            values.push(MeetingValue::Class(class.id));
        }
        Ok(values)
    }
}

/// The values an edit changes; refuses to move a held meeting's attendees.
pub fn edit_changes(meeting: &Meeting, values: Vec<MeetingValue>) -> Result<Vec<MeetingValue>, MeetingProblem> {
    let current = |v: &MeetingValue| match v {
        MeetingValue::Kind(k) => *k == meeting.kind,
        MeetingValue::Topic(t) => *t == meeting.topic,
        MeetingValue::Start(s) => *s == meeting.start,
        MeetingValue::Minutes(m) => *m == meeting.minutes,
        MeetingValue::Place(p) => *p == meeting.place,
        MeetingValue::Host(h) => *h == meeting.host,
        MeetingValue::Lecturer(l) => *l == meeting.lecturer,
        MeetingValue::Recorder(r) => *r == meeting.recorder,
        MeetingValue::Audience(a) => *a == meeting.audience,
        MeetingValue::Agenda(a) => *a == meeting.agenda,
        MeetingValue::Record(r) => *r == meeting.record,
        MeetingValue::Status(s) => *s == meeting.status,
        MeetingValue::Class(c) => Some(c) == meeting.class.as_ref(),
        MeetingValue::Credit(c) => *c == meeting.credit,
        MeetingValue::Online(o) => *o == meeting.online,
    };
    let changes: Vec<MeetingValue> = values.into_iter().filter(|v| !current(v)).collect();
    if meeting.is_held() && changes.iter().any(|v| matches!(v, MeetingValue::Audience(_))) {
        return Err(MeetingProblem::HeldAudienceFrozen);
    }
    Ok(changes)
}

/// Marks a planned meeting held, freezing who was expected.
pub fn hold(meeting: &Meeting, state: &State) -> Result<MeetingValue, MeetingProblem> {
    if !matches!(meeting.status, MeetingStatus::Planned) {
        return Err(MeetingProblem::NotPlanned);
    }
    let expected = meeting.audience.expected(state);
    if expected.is_empty() {
        return Err(MeetingProblem::NoAttendees);
    }
    Ok(MeetingValue::Status(MeetingStatus::Held { expected }))
}

/// Cancels a planned meeting.
pub fn cancel(meeting: &Meeting, reason: &str) -> Result<MeetingValue, MeetingProblem> {
    if !matches!(meeting.status, MeetingStatus::Planned) {
        return Err(MeetingProblem::NotPlanned);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(MeetingProblem::ReasonRequired);
    }
    if reason.chars().count() > MAX_SHORT_TEXT {
        return Err(MeetingProblem::TooLong { field: MeetingField::Status, max: MAX_SHORT_TEXT });
    }
    Ok(MeetingValue::Status(MeetingStatus::Cancelled { reason: reason.to_owned() }))
}

/// Minutes (会议记录) of a meeting, checked for length.
pub fn record(text: &str) -> Result<MeetingValue, MeetingProblem> {
    if text.chars().count() > MAX_LONG_TEXT {
        return Err(MeetingProblem::TooLong { field: MeetingField::Record, max: MAX_LONG_TEXT });
    }
    Ok(MeetingValue::Record(text.trim_end().to_owned()))
}
