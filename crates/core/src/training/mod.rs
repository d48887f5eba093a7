//! Training classes (培训班): a title, who runs it, its target roster, its
//! dates and its sessions. A session is a meeting of kind
//! [`MeetingKind::Training`] that names the class, so attendance, self
//! check-in, leave and the sheet are the meetings' own. This module adds
//! what a class has besides: completion and coverage (覆盖率).

use crate::date::Date;
use crate::hours;
use crate::ids::{ClassId, MemberId};
use crate::meetings::{Audience, MAX_LONG_TEXT, MAX_SHORT_TEXT, Meeting, MeetingKind};
use crate::settings::Settings;
use crate::sheet::{self, Source};
use crate::state::State;
use crate::table::Table;
use crate::token::SecretKey;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod report;

pub use report::*;

/// One field of a class, as events carry it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassValue {
    /// 名称
    Title(String),
    /// 主办 (who runs it).
    Organizer(String),
    /// 培训对象: who is expected.
    Audience(Audience),
    /// 简介
    Description(String),
    /// First and last day.
    Dates(Date, Date),
    /// Completion threshold in percent of the class's 学时; `None` for the branch setting.
    Completion(Option<u32>),
}

/// A class's registers, one per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ClassField {
    Title,
    Organizer,
    Audience,
    Description,
    Dates,
    Completion,
}

impl ClassValue {
    /// The register this value goes in.
    pub fn field(&self) -> ClassField {
        match self {
            ClassValue::Title(_) => ClassField::Title,
            ClassValue::Organizer(_) => ClassField::Organizer,
            ClassValue::Audience(_) => ClassField::Audience,
            ClassValue::Description(_) => ClassField::Description,
            ClassValue::Dates(..) => ClassField::Dates,
            ClassValue::Completion(_) => ClassField::Completion,
        }
    }
}

/// A class as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    /// Identity.
    pub id: ClassId,
    /// 名称
    pub title: String,
    /// 主办
    pub organizer: String,
    /// 培训对象
    pub audience: Audience,
    /// 简介
    pub description: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Completion threshold override, percent.
    pub completion: Option<u32>,
}

impl Class {
    /// Reads a class from its registers; `None` until title and dates are known.
    pub fn from_table(id: &ClassId, table: &Table<ClassField, ClassValue>) -> Option<Class> {
        let (mut title, mut dates) = (None, None);
        let mut class = Class {
            id: id.clone(),
            title: String::new(),
            organizer: String::new(),
            audience: Audience::Branch,
            description: String::new(),
            from: Date::from_ymd(2000, 1, 1).expect("valid"),
            to: Date::from_ymd(2000, 1, 1).expect("valid"),
            completion: None,
        };
        for (_, value) in table.values() {
            match value.clone() {
                ClassValue::Title(v) => title = Some(v),
                ClassValue::Organizer(v) => class.organizer = v,
                ClassValue::Audience(v) => class.audience = v,
                ClassValue::Description(v) => class.description = v,
                ClassValue::Dates(from, to) => dates = Some((from, to)),
                ClassValue::Completion(v) => class.completion = v,
            }
        }
        (class.title, (class.from, class.to)) = (title?, dates?);
        Some(class)
    }

    /// The completion threshold in force, percent.
    pub fn completion(&self, settings: &Settings) -> u32 {
        self.completion.unwrap_or(settings.completion)
    }

    /// Its sessions (not cancelled), by start.
    pub fn sessions(&self, state: &State) -> Vec<Meeting> {
        state.meetings().into_iter().filter(|m| m.class.as_ref() == Some(&self.id) && !m.is_cancelled()).collect()
    }

    /// The year it belongs to (its first day's).
    pub fn year(&self) -> i32 {
        self.from.ymd().0
    }

    /// Whether it runs in a year (a class may cross New Year).
    pub fn in_year(&self, year: i32) -> bool {
        self.from.ymd().0 <= year && year <= self.to.ymd().0
    }
}

/// What the class form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassDraft {
    /// 名称
    pub title: String,
    /// 主办
    pub organizer: String,
    /// 培训对象
    pub audience: Option<Audience>,
    /// 简介
    pub description: String,
    /// First day, as typed.
    pub from: String,
    /// Last day, as typed.
    pub to: String,
    /// Completion percentage, as typed; empty for the branch setting.
    pub completion: String,
}

/// A problem with a class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassProblem {
    /// No title.
    TitleRequired,
    /// A text is longer than allowed.
    TooLong {
        /// Which field.
        field: ClassField,
        /// The limit in characters.
        max: usize,
    },
    /// A date not understood.
    BadDate,
    /// The last day is before the first.
    EndsBeforeStart,
    /// Completion not a whole percentage from 1 to 100.
    BadCompletion,
    /// Nobody would be expected.
    NoAttendees,
    /// Sessions already dated outside the new dates.
    SessionsOutside {
        /// How many.
        count: usize,
    },
    /// No such class in these records.
    UnknownClass,
}

impl ClassDraft {
    /// The draft of an existing class, for editing.
    pub fn of(class: &Class) -> ClassDraft {
        ClassDraft {
            title: class.title.clone(),
            organizer: class.organizer.clone(),
            audience: Some(class.audience.clone()),
            description: class.description.clone(),
            from: class.from.to_string(),
            to: class.to.to_string(),
            completion: class.completion.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    /// Checks the draft; `existing` is the class being edited (its sessions
    /// must stay inside its dates). Returns every field's value or every problem.
    pub fn validate(&self, state: &State, existing: Option<&Class>) -> Result<Vec<ClassValue>, Vec<ClassProblem>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push(ClassProblem::TitleRequired);
        }
        for (field, text, max) in [
            (ClassField::Title, title, MAX_SHORT_TEXT),
            (ClassField::Organizer, self.organizer.trim(), MAX_SHORT_TEXT),
            (ClassField::Description, self.description.trim(), MAX_LONG_TEXT),
        ] {
            if text.chars().count() > max {
                problems.push(ClassProblem::TooLong { field, max });
            }
        }
        let (from, to) = (Date::parse(&self.from), Date::parse(&self.to));
        match (from, to) {
            (Some(f), Some(t)) if t < f => problems.push(ClassProblem::EndsBeforeStart),
            (Some(_), Some(_)) => {}
            _ => problems.push(ClassProblem::BadDate),
        }
        let completion = match self.completion.trim().trim_end_matches(['%', '％']) {
            "" => Some(None),
            text => text.trim().parse::<u32>().ok().filter(|c| (1..=100).contains(c)).map(Some),
        };
        if completion.is_none() {
            problems.push(ClassProblem::BadCompletion);
        }
        let audience = self.audience.clone().unwrap_or(Audience::Branch);
        if audience.expected(state).is_empty() {
            problems.push(ClassProblem::NoAttendees);
        }
        if let (Some(class), Some(f), Some(t)) = (existing, from, to) {
            let zone = state.settings().zone;
            let count = class
                .sessions(state)
                .iter()
                .filter(|s| {
                    let day = zone.local(s.start).date();
                    day < f || day > t
                })
                .count();
            if count > 0 {
                problems.push(ClassProblem::SessionsOutside { count });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(vec![
            ClassValue::Title(title.to_owned()),
            ClassValue::Organizer(self.organizer.trim().to_owned()),
            ClassValue::Audience(audience),
            ClassValue::Description(self.description.trim().to_owned()),
            ClassValue::Dates(from.expect("checked"), to.expect("checked")),
            ClassValue::Completion(completion.expect("checked")),
        ])
    }
}

/// The values an edit changes.
pub fn edit_changes(class: &Class, values: Vec<ClassValue>) -> Vec<ClassValue> {
    values
        .into_iter()
        .filter(|v| match v {
            ClassValue::Title(t) => *t != class.title,
            ClassValue::Organizer(o) => *o != class.organizer,
            ClassValue::Audience(a) => *a != class.audience,
            ClassValue::Description(d) => *d != class.description,
            ClassValue::Dates(f, t) => (*f, *t) != (class.from, class.to),
            ClassValue::Completion(c) => *c != class.completion,
        })
        .collect()
}

/// Every class whose title and dates are known, by first day.
pub fn classes(state: &State) -> Vec<Class> {
    let mut list: Vec<Class> = state.classes.iter().filter_map(|(id, t)| Class::from_table(id, t)).collect();
    list.sort_by(|a, b| (a.from, &a.id).cmp(&(b.from, &b.id)));
    list
}

/// A standalone training (kind 培训 with no class) or a class session: whether
/// it is training rather than a meeting that also counts.
pub fn is_training(meeting: &Meeting) -> bool {
    meeting.kind == MeetingKind::Training
}
