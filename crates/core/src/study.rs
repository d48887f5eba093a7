//! Self-study (自学): a member records what they studied and for how long;
//! it counts toward 学时 once an organizer confirms it (a branch setting).
//! Nobody confirms their own: the confirmer is named in the decision and
//! must be the event's actor, and a decision by the member themself counts
//! for nothing even if one is forged.

use crate::date::Date;
use crate::hours;
use crate::ids::{MemberId, StudyId};
use crate::settings::Settings;
use crate::state::State;
use serde::{Deserialize, Serialize};

/// Longest material title, in characters.
pub const MAX_MATERIAL: usize = 100;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// One self-study record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SelfStudy {
    /// Who studied (always the event's actor).
    pub member: MemberId,
    /// The day.
    pub date: Date,
    /// 学习内容
    pub material: String,
    /// 学时, tenths.
    pub tenths: u32,
    /// 心得 (a short note).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Withdrawn by the member.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
}

/// An organizer's answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StudyDecision {
    /// Confirmed (true) or refused.
    pub confirmed: bool,
    /// Who decided (always the event's actor).
    pub by: MemberId,
    /// Why, when refused.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Where a record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StudyState {
    /// Waiting for an organizer.
    Pending,
    /// Counts.
    Confirmed,
    /// Refused.
    Refused,
    /// Withdrawn by the member.
    Withdrawn,
}

/// A record with its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudyEntry {
    /// Identity.
    pub id: StudyId,
    /// The record.
    pub study: SelfStudy,
    /// The answer, if any (one by the member themself is ignored).
    pub decision: Option<StudyDecision>,
    /// Where it stands.
    pub state: StudyState,
}

/// What the self-study form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StudyDraft {
    /// The day, as typed.
    pub date: String,
    /// 学习内容
    pub material: String,
    /// 学时, as typed.
    pub hours: String,
    /// 心得
    pub note: String,
}

/// A problem with a self-study record or its confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StudyProblem {
    /// Date not understood.
    BadDate,
    /// Dated after today.
    InFuture,
    /// No material named.
    MaterialRequired,
    /// A text is longer than allowed.
    TooLong {
        /// The limit in characters.
        max: usize,
    },
    /// Hours not a number above 0 and at most 24, one decimal.
    BadHours,
    /// With the member's other records that day, more than 24 hours.
    DayOverfull {
        /// Tenths already recorded that day.
        already: u32,
    },
    /// The member is not on the roster.
    UnknownMember,
    /// Confirming or refusing one's own self-study.
    OwnRecord,
    /// No such record.
    UnknownRecord,
    /// Withdrawing someone else's record.
    NotOwnRecord,
}

impl StudyDraft {
    /// Checks a member's draft; `today` is the local date now.
    pub fn validate(&self, state: &State, member: &MemberId, today: Date) -> Result<SelfStudy, Vec<StudyProblem>> {
        let mut problems = Vec::new();
        if state.member(member).is_none_or(|m| m.archived) {
            problems.push(StudyProblem::UnknownMember);
        }
        let date = Date::parse(&self.date);
        match date {
            None => problems.push(StudyProblem::BadDate),
            Some(d) if d > today => problems.push(StudyProblem::InFuture),
            Some(_) => {}
        }
        let material = self.material.trim();
        if material.is_empty() {
            problems.push(StudyProblem::MaterialRequired);
        }
        if material.chars().count() > MAX_MATERIAL {
            problems.push(StudyProblem::TooLong { max: MAX_MATERIAL });
        }
        if self.note.trim().chars().count() > MAX_NOTE {
            problems.push(StudyProblem::TooLong { max: MAX_NOTE });
        }
        let tenths = hours::parse(&self.hours).filter(|t| (1..=hours::MAX_DAY).contains(t));
        match (tenths, date) {
            (None, _) => problems.push(StudyProblem::BadHours),
            (Some(t), Some(d)) => {
                let already: u32 = entries(state, &Settings::default())
                    .iter()
                    .filter(|e| e.study.member == *member && e.study.date == d)
                    .filter(|e| !matches!(e.state, StudyState::Withdrawn | StudyState::Refused))
                    .map(|e| e.study.tenths)
                    .sum();
                if already + t > hours::MAX_DAY {
                    problems.push(StudyProblem::DayOverfull { already });
                }
            }
            (Some(_), None) => {}
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(SelfStudy {
            member: member.clone(),
            date: date.expect("checked"),
            material: material.to_owned(),
            tenths: tenths.expect("checked"),
            note: self.note.trim().to_owned(),
            withdrawn: false,
        })
    }
}

/// An organizer's answer to a record, refused when it is their own.
pub fn decide(
    state: &State,
    id: &StudyId,
    by: &MemberId,
    confirmed: bool,
    note: &str,
) -> Result<StudyDecision, StudyProblem> {
    let study = state.studies.get(id).ok_or(StudyProblem::UnknownRecord)?;
    if study.member == *by {
        return Err(StudyProblem::OwnRecord);
    }
    if state.member(by).is_none() {
        return Err(StudyProblem::UnknownMember);
    }
    if note.trim().chars().count() > MAX_NOTE {
        return Err(StudyProblem::TooLong { max: MAX_NOTE });
    }
    Ok(StudyDecision { confirmed, by: by.clone(), note: note.trim().to_owned() })
}

/// Every self-study record with its state, newest day first.
pub fn entries(state: &State, settings: &Settings) -> Vec<StudyEntry> {
    let mut list: Vec<StudyEntry> = state
        .studies
        .0
        .iter()
        .map(|(id, reg)| {
            let study = &reg.value;
            // The latest answer by someone else, given after the record was
            // last written: one by the member themself is not an answer (nor
            // hides an earlier one), and one given before the record was
            // rewritten answered something else.
            let decision = state.study_decisions.0.get(id).and_then(|d| {
                std::iter::once((&d.stamp, &d.value))
                    .chain(d.history.iter().map(|(s, v)| (s, v)))
                    .filter(|(s, v)| v.by != study.member && *s > &reg.stamp)
                    .max()
                    .map(|(_, v)| v.clone())
            });
            let state = match (&decision, study.withdrawn) {
                (_, true) => StudyState::Withdrawn,
                (Some(d), _) if d.confirmed => StudyState::Confirmed,
                (Some(_), _) => StudyState::Refused,
                (None, _) if !settings.self_study_confirm => StudyState::Confirmed,
                (None, _) => StudyState::Pending,
            };
            StudyEntry { id: id.clone(), study: study.clone(), decision, state }
        })
        .collect();
    list.sort_by(|a, b| (b.study.date, &b.id).cmp(&(a.study.date, &a.id)));
    list
}
