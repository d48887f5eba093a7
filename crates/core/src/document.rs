//! The versioned JSON document: what is stored in the browser, exported as a
//! backup, and imported.
//!
//! `{"schema": 7, "snapshot": {…}, "events": […]}`. Version 1 (the first
//! layout: `{"version": 1, "events": […]}`, no snapshot) migrates forward;
//! versions 2 (roster and marks only), 3 (meetings), 4, 5 and 6 read as they
//! are, since 3 to 7 only added events, fields, values and the snapshot's
//! `ext` tables (4: training classes, 学时 settings, self-study; 5: paper
//! ballots on the roll, `Voter::Paper`; 6: a round ended without a result,
//! `Stage::NoResult`; 7: a meeting's 讲课人 and 记录人, the branch's 上级党委
//! — values an older app cannot read). A
//! newer or unreadable document is refused with a message that names what is
//! wrong, and the caller keeps the text untouched.

use crate::event::{Event, Payload};
use crate::records::Records;
use crate::roster::FieldError;
use crate::snapshot;
use crate::state::State;
use serde_json::{Map, Value, json};
use std::fmt;

/// The schema version this build writes.
pub const SCHEMA: u64 = 7;

/// Top-level keys of a current document.
const KNOWN_KEYS: [&str; 3] = ["schema", "snapshot", "events"];

/// A parsed document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Folded state, when the document carries one.
    pub snapshot: Option<State>,
    /// Events (since the snapshot, or all of them).
    pub events: Vec<Event>,
}

/// Why a document was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocError {
    /// Not JSON at all.
    NotJson {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's words.
        message: String,
    },
    /// JSON, but not a Zhibu document (no schema field).
    NotZhibu,
    /// Written by a newer version of the app.
    TooNew {
        /// Version found.
        found: u64,
        /// Newest this build reads.
        supported: u64,
    },
    /// A field has the wrong shape.
    Invalid {
        /// Where, e.g. `events[3].p.fields.status`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An event carries member fields that fail validation.
    InvalidEvent {
        /// Index in `events`.
        index: usize,
        /// The problems.
        errors: Vec<FieldError>,
    },
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocError::NotJson { line, column, message } => {
                write!(f, "not valid JSON at line {line}, column {column}: {message}")
            }
            DocError::NotZhibu => f.write_str("not a Zhibu backup: there is no \"schema\" field"),
            DocError::TooNew { found, supported } => write!(
                f,
                "written by a newer version of the app (schema {found}; this version reads up to {supported})"
            ),
            DocError::Invalid { path, message } => write!(f, "{path}: {message}"),
            DocError::InvalidEvent { index, errors } => {
                write!(f, "events[{index}]: invalid member fields: ")?;
                let list: Vec<String> = errors.iter().map(|e| format!("{} ({:?})", e.field.key(), e.problem)).collect();
                f.write_str(&list.join(", "))
            }
        }
    }
}

impl std::error::Error for DocError {}

/// A document as written: keys in the order `json!` used to give them.
#[derive(serde::Serialize)]
struct Written<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<&'a Event>>,
    schema: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<snapshot::Snap>,
}

impl Written<'_> {
    fn text(&self) -> String {
        serde_json::to_string(self).expect("document types always serialize")
    }
}

/// Writes records as the current schema.
pub fn to_json(records: &Records) -> String {
    let events: Vec<&Event> = records.pending().collect();
    // Ballots are not events: those cast since the last compaction live only
    // in the state, so the snapshot written carries the state's boxes.
    let mut snapshot = records.snapshot().clone();
    snapshot.ext.ballots.join(&records.state().ballots);
    Written { events: Some(events), schema: SCHEMA, snapshot: Some(snapshot::encode(&snapshot)) }.text()
}

/// Writes events alone (a writer's log in browser storage).
pub fn events_to_json<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    Written { events: Some(events.into_iter().collect()), schema: SCHEMA, snapshot: None }.text()
}

/// Writes ballot boxes alone, as a document whose snapshot holds nothing else.
pub fn ballots_to_json(ballots: &crate::ballot::Boxes) -> String {
    let mut state = State::default();
    state.ext.ballots = ballots.clone();
    Written { events: None, schema: SCHEMA, snapshot: Some(snapshot::encode(&state)) }.text()
}

/// A current document read straight into typed values: the fast path for
/// well-formed text. Anything it cannot read goes the slow way, which words
/// the problem (and migrates old versions).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Current {
    schema: u64,
    #[serde(default)]
    snapshot: Option<snapshot::Snap>,
    #[serde(default)]
    events: Vec<Event>,
}

/// Reads any supported version, migrating it forward.
pub fn parse(text: &str) -> Result<Document, DocError> {
    if let Ok(doc) = serde_json::from_str::<Current>(text)
        && (2..=SCHEMA).contains(&doc.schema)
    {
        let snapshot = match doc.snapshot {
            None => None,
            Some(s) => {
                Some(snapshot::decode(s).map_err(|e| DocError::Invalid { path: "snapshot".into(), message: e.0 })?)
            }
        };
        return check_events(snapshot, doc.events);
    }
    parse_slow(text)
}

fn parse_slow(text: &str) -> Result<Document, DocError> {
    let value: Value = serde_json::from_str(text).map_err(|e| DocError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let Value::Object(mut doc) = value else {
        return Err(DocError::NotZhibu);
    };
    let version = match doc.get("schema").or_else(|| doc.get("version")) {
        Some(v) => v.as_u64().ok_or_else(|| DocError::Invalid {
            path: "schema".into(),
            message: format!("expected a whole number, found {v}"),
        })?,
        None => return Err(DocError::NotZhibu),
    };
    if version > SCHEMA {
        return Err(DocError::TooNew { found: version, supported: SCHEMA });
    }
    if version < 2 {
        doc = migrate_v1(doc);
    }
    // A misspelt key would otherwise read as an empty backup.
    if let Some(key) = doc.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
        return Err(DocError::Invalid { path: key.clone(), message: "unknown field".into() });
    }
    // The rest is read from text, as the fast path reads it (see
    // `snapshot::encode`), not from the `Value`.
    let snapshot = match doc.remove("snapshot") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            snapshot::from_json(&v.to_string())
                .map_err(|e| DocError::Invalid { path: "snapshot".into(), message: e.0 })?,
        ),
    };
    let events = match doc.remove("events").unwrap_or(Value::Array(Vec::new())) {
        Value::Array(items) => items.iter().enumerate().map(|(i, e)| read_event(i, e)).collect::<Result<_, _>>()?,
        other => {
            return Err(DocError::Invalid {
                path: "events".into(),
                message: format!("expected a list of events, found {}", json_kind(&other)),
            });
        }
    };
    check_events(snapshot, events)
}

/// One event of a document read the slow way; a problem in its payload is
/// placed at `events[i].p`, anything else at `events[i]`.
fn read_event(index: usize, value: &Value) -> Result<Event, DocError> {
    serde_json::from_str::<Event>(&value.to_string()).map_err(|e| {
        let in_payload = value.get("p").is_some_and(|p| serde_json::from_str::<Payload>(&p.to_string()).is_err());
        let path = if in_payload { format!("events[{index}].p") } else { format!("events[{index}]") };
        DocError::Invalid { path, message: e.to_string() }
    })
}

/// What kind of JSON value this is, for a message.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check_events(snapshot: Option<State>, events: Vec<Event>) -> Result<Document, DocError> {
    for (index, event) in events.iter().enumerate() {
        check_event(index, event)?;
    }
    Ok(Document { snapshot, events })
}

/// Every check an event from outside gets (a backup's, or a push to the
/// server): bounds (clock, time, ids, size: [`crate::bounds`]), member
/// fields, content; `index` names it in the error.
pub fn check_event(index: usize, event: &Event) -> Result<(), DocError> {
    let out =
        |e: crate::bounds::OutOfBounds| DocError::Invalid { path: format!("events[{index}]"), message: e.to_string() };
    event.check_bounds().map_err(out)?;
    crate::bounds::check(event).map_err(out)?;
    validate(event).map_err(|errors| DocError::InvalidEvent { index, errors })?;
    check_content(event).map_err(|message| DocError::Invalid { path: format!("events[{index}]"), message })
}

/// Version 1 had `"version"` and no snapshot; the events are unchanged.
fn migrate_v1(mut doc: Map<String, Value>) -> Map<String, Value> {
    doc.remove("version");
    doc.insert("schema".into(), json!(2));
    doc
}

/// Events from outside get the same checks as the form.
fn validate(event: &Event) -> Result<(), Vec<FieldError>> {
    match &event.payload {
        Payload::MemberAdded { fields, .. } => fields.revalidate(),
        Payload::MembersImported { members } => members.iter().try_for_each(|m| m.fields.revalidate()),
        Payload::MemberEdited { changes, .. } if changes.is_empty() => {
            Err(vec![FieldError { field: crate::roster::Field::Name, problem: crate::roster::Problem::Required }])
        }
        Payload::MemberEdited { changes, .. } => {
            // Check each changed value by applying it to a valid template.
            let mut probe = crate::roster::MemberDraft { name: "x".into(), ..Default::default() }
                .validate()
                .expect("template is valid");
            for change in changes {
                apply_change(&mut probe, change);
            }
            probe.revalidate()
        }
        // The meeting-side events are checked by `check_content`.
        _ => Ok(()),
    }
}

/// Checks the meeting-side events: lengths, ranges, proofs' shape, and that
/// a member's own act (check-in, leave request) is made by that member.
pub fn check_content(event: &Event) -> Result<(), String> {
    use crate::checkin::{MAX_REASON, Proof};
    use crate::meetings::{Audience, MAX_LONG_TEXT, MAX_MINUTES, MAX_SHORT_TEXT, MeetingStatus, MeetingValue as V};
    let long = |s: &str, max: usize, what: &str| {
        if s.chars().count() > max { Err(format!("{what} is longer than {max} characters")) } else { Ok(()) }
    };
    let own = |member: &crate::ids::MemberId| {
        if event.actor.as_ref() == Some(member) { Ok(()) } else { Err("made for another member".to_owned()) }
    };
    match &event.payload {
        Payload::SettingsChanged { changes } if changes.is_empty() => Err("no settings".into()),
        Payload::SettingsChanged { changes } => changes.iter().try_for_each(|c| c.check()),
        Payload::MeetingSaved { changes, .. } if changes.is_empty() => Err("no meeting fields".into()),
        Payload::MeetingSaved { changes, .. } => changes.iter().try_for_each(|c| match c {
            V::Topic(t) | V::Place(t) | V::Host(t) | V::Lecturer(t) | V::Recorder(t) => long(t, MAX_SHORT_TEXT, "text"),
            V::Agenda(t) | V::Record(t) => long(t, MAX_LONG_TEXT, "text"),
            V::Minutes(m) if !(1..=MAX_MINUTES).contains(m) => Err(format!("duration {m} minutes")),
            V::Audience(Audience::List(ids)) | V::Status(MeetingStatus::Held { expected: ids }) if ids.is_empty() => {
                Err("no expected attendees".into())
            }
            V::Audience(Audience::Group(g)) => long(g, MAX_SHORT_TEXT, "group"),
            V::Status(MeetingStatus::Cancelled { reason }) => long(reason, MAX_SHORT_TEXT, "reason"),
            V::Credit(Some(c)) if *c > crate::hours::MAX_DAY => Err(format!("{c} tenths of an hour in a session")),
            _ => Ok(()),
        }),
        Payload::CheckedIn { member, check, .. } => {
            own(member)?;
            long(&check.device, 64, "device")?;
            match &check.proof {
                Proof::Code(c) if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
                Proof::Token(t) if crate::token::Token::parse(t).is_ok() => Ok(()),
                _ => Err("check-in proof is malformed".into()),
            }
        }
        Payload::LeaveRequested { member, request, .. } => {
            own(member)?;
            long(&request.reason, MAX_REASON, "reason")
        }
        Payload::LeaveDecided { decision, .. } => long(&decision.note, MAX_REASON, "note"),
        Payload::DeviceConfirmed { device, .. } => long(device, 64, "device"),
        Payload::MadeUp { make_up, .. } => {
            long(&make_up.what, MAX_REASON, "make-up")?;
            long(&make_up.confirmed_by, MAX_REASON, "confirmed by")
        }
        Payload::ClassSaved { changes, .. } if changes.is_empty() => Err("no class fields".into()),
        Payload::ClassSaved { changes, .. } => changes.iter().try_for_each(|c| {
            use crate::training::ClassValue as C;
            match c {
                C::Title(t) | C::Organizer(t) => long(t, MAX_SHORT_TEXT, "text"),
                C::Description(t) => long(t, MAX_LONG_TEXT, "text"),
                C::Audience(Audience::List(ids)) if ids.is_empty() => Err("no expected attendees".into()),
                C::Audience(Audience::Group(g)) => long(g, MAX_SHORT_TEXT, "group"),
                C::Dates(from, to) if to < from => Err("class ends before it starts".into()),
                C::Completion(Some(c)) if !(1..=100).contains(c) => Err(format!("completion {c}%")),
                _ => Ok(()),
            }
        }),
        Payload::SelfStudyRecorded { record, .. } => {
            use crate::study::{MAX_MATERIAL, MAX_NOTE};
            own(&record.member)?;
            long(&record.material, MAX_MATERIAL, "material")?;
            long(&record.note, MAX_NOTE, "note")?;
            if (1..=crate::hours::MAX_DAY).contains(&record.tenths) {
                Ok(())
            } else {
                Err(format!("{} tenths of an hour in a day", record.tenths))
            }
        }
        Payload::RoundSaved { changes, .. } if changes.is_empty() => Err("no round fields".into()),
        Payload::RoundSaved { changes, .. } => changes.iter().try_for_each(|c| {
            use crate::rounds::RoundValue as R;
            let hash = |h: &String| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit());
            match c {
                R::Rules(rules) => rules.check().map_err(|p| format!("round rules: {p:?}")),
                R::Codes(codes) if codes.len() > 10_000 || !codes.iter().all(hash) => {
                    Err("ballot code hashes are malformed".into())
                }
                _ => Ok(()),
            }
        }),
        Payload::Nominated { record, .. } => {
            own(&record.by)?;
            if record.deeds.trim().is_empty() {
                return Err("a nomination needs deeds".into());
            }
            long(&record.deeds, crate::rounds::MAX_DEEDS, "deeds")
        }
        // The form's own check: a hand-made 不通过 cannot skip the reason.
        Payload::Reviewed { review, .. } => crate::rounds::check_review(review).map_err(|p| match p {
            crate::rounds::RoundProblem::ReasonRequired => "a rejection needs a reason".into(),
            other => format!("review: {other:?}"),
        }),
        Payload::Voted { voter, .. } => match voter {
            crate::rounds::Voter::Member(m) => own(m),
            crate::rounds::Voter::Code(h) if h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(()),
            crate::rounds::Voter::Code(_) => Err("ballot code hash is malformed".into()),
            // Entered by a record keeper (the actor), for the member.
            crate::rounds::Voter::Paper(_) => Ok(()),
        },
        Payload::ObjectionFiled { record, .. } => long(&record.text, crate::rounds::MAX_OBJECTION, "objection"),
        Payload::ObjectionHandled { handling, .. } => long(&handling.note, crate::rounds::MAX_SHORT, "note"),
        Payload::SelfStudyDecided { decision, .. } => {
            own(&decision.by)?;
            long(&decision.note, crate::study::MAX_NOTE, "note")
        }
        _ => Ok(()),
    }
}

fn apply_change(fields: &mut crate::roster::MemberFields, change: &crate::roster::FieldValue) {
    use crate::roster::FieldValue as F;
    match change.clone() {
        F::Name(v) => fields.name = v,
        F::Group(v) => fields.group = v,
        F::Status(v) => fields.status = v,
        F::Role(v) => fields.role = v,
        F::Joined(v) => fields.joined = v,
        F::Phone(v) => fields.phone = v,
        F::Exempt(v) => fields.exempt = v,
    }
}

impl Document {
    /// Merges this document into records: snapshot joined, events unioned.
    /// Returns whether anything changed.
    pub fn merge_into(&self, records: &mut Records) -> bool {
        let mut changed = false;
        if let Some(snapshot) = &self.snapshot {
            changed |= records.merge_snapshot(snapshot);
        }
        changed | (records.merge_events(&self.events).added > 0)
    }
}
