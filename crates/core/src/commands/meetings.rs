//! A meeting's commands: create or edit, cancel, minutes, 标记为已召开 and
//! its undo, and the branch's settings.

use super::{Act, Change};
use crate::event::Payload;
use crate::held::{self, UndoProblem};
use crate::ids::{DeviceId, MeetingId};
use crate::meetings::{self, Meeting, MeetingDraft, MeetingProblem, MeetingStatus, MeetingValue};
use crate::settings::{Setting, SettingKey};
use crate::state::State;

fn meeting(state: &State, id: &MeetingId) -> Result<Meeting, MeetingProblem> {
    state.meeting(id).ok_or(MeetingProblem::UnknownMeeting)
}

fn saved(meeting: &MeetingId, changes: Vec<MeetingValue>) -> Payload {
    Payload::MeetingSaved { meeting: meeting.clone(), changes }
}

/// Creates a meeting from the form (`id` `None`) or records what an edit
/// changed; returns the meeting's id. Every problem in the form is named.
pub fn save_meeting(
    state: &State,
    act: &mut Act,
    id: Option<&MeetingId>,
    draft: &MeetingDraft,
) -> Result<Change<MeetingId>, Vec<MeetingProblem>> {
    let values = draft.validate(state, state.settings().zone)?;
    let (id, changes) = match id {
        Some(id) => {
            let existing = meeting(state, id).map_err(|p| vec![p])?;
            (existing.id.clone(), meetings::edit_changes(&existing, values).map_err(|p| vec![p])?)
        }
        None => {
            let (ms, random) = act.id_seed();
            let mut values = values;
            values.push(MeetingValue::Status(MeetingStatus::Planned));
            (MeetingId::generate(ms, random), values)
        }
    };
    if changes.is_empty() {
        return Ok(Change::nothing(id));
    }
    Ok(Change::keeper(vec![saved(&id, changes)], id))
}

/// Cancels a planned meeting, with the reason the members will see.
pub fn cancel_meeting(state: &State, id: &MeetingId, reason: &str) -> Result<Change, MeetingProblem> {
    let value = meetings::cancel(&meeting(state, id)?, reason)?;
    Ok(Change::keeper(vec![saved(id, vec![value])], ()))
}

/// The meeting's minutes (会议记录).
pub fn record_minutes(state: &State, id: &MeetingId, text: &str) -> Result<Change, MeetingProblem> {
    meeting(state, id)?;
    let value = meetings::record(text)?;
    Ok(Change::keeper(vec![saved(id, vec![value])], ()))
}

/// 标记为已召开, after the organizer confirmed the plan [`held::plan`] showed.
pub fn hold(state: &State, id: &MeetingId) -> Result<Change, MeetingProblem> {
    let payloads = held::hold(state, &meeting(state, id)?)?;
    Ok(Change::keeper(payloads, ()))
}

/// 撤销 of a hold, by the writer (page) that held it, while nobody else has
/// written on the sheet.
pub fn undo_hold(state: &State, id: &MeetingId, writer: &DeviceId) -> Result<Change, UndoProblem> {
    Ok(Change::keeper(held::undo(state, id, writer)?, ()))
}

/// Branch settings changed (each checked; one bad value refuses them all).
pub fn set_settings(changes: Vec<Setting>) -> Result<Change, SettingKey> {
    if let Some(bad) = changes.iter().find(|c| c.check().is_err()) {
        return Err(bad.key());
    }
    if changes.is_empty() {
        return Ok(Change::nothing(()));
    }
    Ok(Change::keeper(vec![Payload::SettingsChanged { changes }], ()))
}
