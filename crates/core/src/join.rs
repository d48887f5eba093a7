//! Joining a branch without a server, and bringing check-ins back.
//!
//! The **join card** is the branch's public part, signed with the organizer
//! key: settings (name, key, check-in windows), the roster's names, groups and
//! posts (no phones, dates or statuses), and the upcoming meetings. It is the
//! organizer's own registers, stamps and all, so a phone that opens it holds
//! the same records the organizer does and later merges are exact.
//!
//! A **receipt** is the other way: a member phone's own check-in and leave
//! events for a meeting, shown as a QR for the organizer's device to scan.

use crate::document::{self, DocError};
use crate::event::{Event, Payload};
use crate::meetings::{MeetingField, MeetingStatus};
use crate::snapshot;
use crate::state::{MemberRecord, State};
use crate::token::{PublicKey, SecretKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// Route prefix of a join link.
pub const JOIN_PREFIX: &str = "#/join/";
/// Text prefix of a receipt.
pub const RECEIPT_PREFIX: &str = "ZBR1:";
/// Meetings that ended longer ago than this are left off the card.
const PAST_SECS: i64 = 24 * 3600;

/// Why a join card was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardError {
    /// Not a join link.
    Malformed,
    /// The signature does not match the key inside (altered on the way).
    BadSignature,
    /// This device already belongs to a branch with another organizer key.
    OtherBranch,
}

/// The public part of the branch, as a phone receives it.
pub fn public_part(state: &State, now: i64) -> State {
    let mut out = State { max_clock: state.max_clock, ..State::default() };
    for (id, rec) in &state.members {
        if rec.is_archived() || rec.name.is_none() {
            continue;
        }
        let public = MemberRecord {
            name: rec.name.clone(),
            group: rec.group.clone(),
            role: rec.role.clone(),
            ..Default::default()
        };
        out.members.insert(id.clone(), public);
    }
    out.ext.settings = state.ext.settings.clone();
    for meeting in state.meetings() {
        if meeting.is_cancelled()
            || meeting.end() < now - PAST_SECS
            || matches!(meeting.status, MeetingStatus::Held { .. })
        {
            continue;
        }
        let mut table = state.ext.meetings[&meeting.id].clone();
        // Minutes are the branch's internal record.
        table.0.remove(&MeetingField::Record);
        out.ext.meetings.insert(meeting.id, table);
    }
    out
}

/// The join link's payload (what follows [`JOIN_PREFIX`]).
pub fn card(state: &State, key: &SecretKey, now: i64) -> String {
    let body = serde_json::json!({ "v": 1, "s": snapshot::to_value(&public_part(state, now)) }).to_string();
    format!("{}.{}", B64.encode(&body), key.sign(body.as_bytes()))
}

/// Opens a join link (or its payload): the public state, once its signature
/// checks against the key it carries and, if this device already knows a
/// branch key, that key.
pub fn open_card(text: &str, known_key: Option<&str>) -> Result<State, CardError> {
    let text = text.trim();
    let text = text.rfind(JOIN_PREFIX).map_or(text, |at| &text[at + JOIN_PREFIX.len()..]);
    let (body, signature) = text.split_once('.').ok_or(CardError::Malformed)?;
    let body = B64.decode(body).map_err(|_| CardError::Malformed)?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|_| CardError::Malformed)?;
    if value["v"] != 1 {
        return Err(CardError::Malformed);
    }
    let state = snapshot::from_value(value["s"].clone()).map_err(|_| CardError::Malformed)?;
    let key_text = state.settings().organizer_key.ok_or(CardError::Malformed)?;
    let key = PublicKey::parse(&key_text).ok_or(CardError::Malformed)?;
    if !key.verify(&body, signature) {
        return Err(CardError::BadSignature);
    }
    if known_key.is_some_and(|k| k != key_text) {
        return Err(CardError::OtherBranch);
    }
    Ok(state)
}

/// A receipt QR's text for a member's own events.
pub fn receipt<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    let events: Vec<&Event> = events.into_iter().collect();
    format!("{RECEIPT_PREFIX}{}", serde_json::to_string(&events).expect("events serialize"))
}

/// Reads a receipt: only a member's own check-in and leave events, each
/// checked as any imported event is.
pub fn open_receipt(text: &str) -> Result<Vec<Event>, DocError> {
    let body = text.trim().strip_prefix(RECEIPT_PREFIX).ok_or(DocError::NotZhibu)?;
    let events: serde_json::Value = serde_json::from_str(body).map_err(|e| DocError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if !events.is_array() {
        return Err(DocError::NotZhibu);
    }
    let doc = document::parse(&serde_json::json!({ "schema": document::SCHEMA, "events": events }).to_string())?;
    if let Some(index) =
        doc.events.iter().position(|e| !matches!(e.payload, Payload::CheckedIn { .. } | Payload::LeaveRequested { .. }))
    {
        return Err(DocError::Invalid {
            path: format!("events[{index}]"),
            message: "not a check-in or leave request".into(),
        });
    }
    Ok(doc.events)
}
