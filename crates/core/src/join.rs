//! Joining a branch without a server, and bringing check-ins back.
//!
//! The **join card** is the branch's public part, signed with the organizer
//! key: settings (name, key, check-in windows), the roster's names, groups and
//! posts (no phones, dates or statuses), and the upcoming meetings. It must
//! fit a QR code a phone can scan off a screen, so it carries plain values
//! (ids, names, an interned group list), not registers: the phone stamps
//! them all with the organizer's clock at issue and a writer named `card`.
//! Any later write by the organizer has a higher clock and wins; a later card
//! does too. A **personal card** carries one member only, for branches too
//! large for one QR.
//!
//! A **receipt** is the other way: a member phone's own check-in and leave
//! events for a meeting, shown as a QR for the organizer's device to scan.

use crate::document::{self, DocError};
use crate::event::{Event, Payload};
use crate::ids::{DeviceId, EventId, MeetingId, MemberId};
use crate::meetings::{Audience, MeetingKind, MeetingStatus, MeetingValue};
use crate::roster::{FieldValue, Role};
use crate::settings::Setting;
use crate::state::State;
use crate::token::{PublicKey, SecretKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};

/// Route prefix of a join link.
pub const JOIN_PREFIX: &str = "#/join/";
/// Text prefix of a receipt.
pub const RECEIPT_PREFIX: &str = "ZBR1:";
/// Meetings that ended longer ago than this are left off the card.
const PAST_SECS: i64 = 24 * 3600;
/// The writer name card values are stamped with on the phone.
pub const CARD_WRITER: &str = "card";
/// Longest name or group a card may carry (as the roster form allows).
const MAX_TEXT: usize = 100;

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

/// A meeting as a card carries it.
#[derive(Serialize, Deserialize)]
struct CardMeeting(MeetingId, MeetingKind, i64, u32, String, String, String, Audience, String);

/// The card's body.
#[derive(Serialize, Deserialize)]
struct Card {
    v: u8,
    /// The organizer's clock at issue: every value's stamp on the phone.
    c: u64,
    /// Settings the branch has set (the key among them).
    s: Vec<Setting>,
    /// 党小组 names, referred to by index + 1 (0: none).
    g: Vec<String>,
    /// Members: id, name, group index + 1, post (index in `Role::ALL`).
    m: Vec<(MemberId, String, usize, usize)>,
    /// Upcoming meetings.
    t: Vec<CardMeeting>,
}

/// The join link's payload (what follows [`JOIN_PREFIX`]): the whole
/// roster, or with `only`, one member's personal card.
pub fn card(state: &State, key: &SecretKey, now: i64, only: Option<&MemberId>) -> String {
    let mut groups: Vec<String> = Vec::new();
    let mut members = Vec::new();
    for m in state.members() {
        if m.archived || only.is_some_and(|o| o != &m.id) {
            continue;
        }
        let group = if m.fields.group.is_empty() {
            0
        } else {
            match groups.iter().position(|g| *g == m.fields.group) {
                Some(i) => i + 1,
                None => {
                    groups.push(m.fields.group.clone());
                    groups.len()
                }
            }
        };
        let role = Role::ALL.iter().position(|r| *r == m.fields.role).unwrap_or(Role::ALL.len() - 1);
        members.push((m.id, m.fields.name, group, role));
    }
    let meetings = state
        .meetings()
        .into_iter()
        .filter(|m| matches!(m.status, MeetingStatus::Planned) && m.end() >= now - PAST_SECS)
        .filter(|m| only.is_none_or(|o| m.expected(state).contains(o)))
        .map(|m| {
            // A personal card names only its member in a hand-picked list.
            let audience = match (&m.audience, only) {
                (Audience::List(_), Some(o)) => Audience::List(vec![o.clone()]),
                (a, _) => a.clone(),
            };
            CardMeeting(m.id, m.kind, m.start, m.minutes, m.topic, m.place, m.host, audience, m.agenda)
        })
        .collect();
    let settings = state.ext.settings.values().map(|(_, s)| s.clone()).collect();
    let body = Card { v: 2, c: state.max_clock, s: settings, g: groups, m: members, t: meetings };
    let body = serde_json::to_string(&body).expect("cards serialize");
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
    let card: Card = serde_json::from_slice(&body).map_err(|_| CardError::Malformed)?;
    if card.v != 2 || card.c == 0 || card.c > crate::event::MAX_CLOCK {
        return Err(CardError::Malformed);
    }
    let key_text = card
        .s
        .iter()
        .find_map(|s| match s {
            Setting::OrganizerKey(k) => Some(k.clone()),
            _ => None,
        })
        .ok_or(CardError::Malformed)?;
    let key = PublicKey::parse(&key_text).ok_or(CardError::Malformed)?;
    if !key.verify(&body, signature) {
        return Err(CardError::BadSignature);
    }
    if known_key.is_some_and(|k| k != key_text) {
        return Err(CardError::OtherBranch);
    }
    let event = |n: usize, payload: Payload| Event {
        id: EventId(format!("card-{n}")),
        device: DeviceId(CARD_WRITER.into()),
        clock: card.c,
        actor: None,
        at: 0,
        payload,
    };
    let mut events = vec![event(0, Payload::SettingsChanged { changes: card.s.clone() })];
    for (id, name, group, role) in &card.m {
        let group = match group {
            0 => String::new(),
            i => card.g.get(i - 1).cloned().ok_or(CardError::Malformed)?,
        };
        let role = *Role::ALL.get(*role).ok_or(CardError::Malformed)?;
        if name.trim().is_empty() || name.chars().count() > MAX_TEXT || group.chars().count() > MAX_TEXT {
            return Err(CardError::Malformed);
        }
        let changes = vec![FieldValue::Name(name.clone()), FieldValue::Group(group), FieldValue::Role(role)];
        events.push(event(events.len(), Payload::MemberEdited { member: id.clone(), changes }));
    }
    for CardMeeting(id, kind, start, minutes, topic, place, host, audience, agenda) in card.t {
        let changes = vec![
            MeetingValue::Kind(kind),
            MeetingValue::Topic(topic),
            MeetingValue::Start(start),
            MeetingValue::Minutes(minutes),
            MeetingValue::Place(place),
            MeetingValue::Host(host),
            MeetingValue::Audience(audience),
            MeetingValue::Agenda(agenda),
            MeetingValue::Status(MeetingStatus::Planned),
        ];
        events.push(event(events.len(), Payload::MeetingSaved { meeting: id, changes }));
    }
    for e in &events {
        e.check_bounds().map_err(|_| CardError::Malformed)?;
        crate::bounds::check(e).map_err(|_| CardError::Malformed)?;
        document::check_content(e).map_err(|_| CardError::Malformed)?;
    }
    Ok(State::fold(&events))
}

/// A receipt QR's text for a member's own events.
pub fn receipt<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    let events: Vec<&Event> = events.into_iter().collect();
    format!("{RECEIPT_PREFIX}{}", serde_json::to_string(&events).expect("events serialize"))
}

/// Reads a receipt: only a member's own check-in, leave and self-study
/// events, each checked as any imported event is (so made by that member).
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
    if let Some(index) = doc.events.iter().position(|e| {
        !matches!(
            e.payload,
            Payload::CheckedIn { .. } | Payload::LeaveRequested { .. } | Payload::SelfStudyRecorded { .. }
        )
    }) {
        return Err(DocError::Invalid {
            path: format!("events[{index}]"),
            message: "not a check-in, leave request or self-study".into(),
        });
    }
    Ok(doc.events)
}
