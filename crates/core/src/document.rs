//! The versioned JSON document: what is stored in the browser, exported as a
//! backup, and imported.
//!
//! `{"schema": 9, "snapshot": {…}, "events": […]}`. Version 1 (the first
//! layout: `{"version": 1, "events": […]}`, no snapshot) migrates forward;
//! versions 2 (roster and marks only), 3 (meetings), 4, 5, 6, 7 and 8 read as
//! they are, since 3 to 8 only added events, fields, values and the snapshot's
//! `ext` tables (4: training classes, 学时 settings, self-study; 5: paper
//! ballots on the roll, `Voter::Paper`; 6: a round ended without a result,
//! `Stage::NoResult`; 7: a meeting's 讲课人 and 记录人, the branch's 上级党委
//! — values an older app cannot read; 8: 民主评议, an appraisal's rules,
//! stage, rating ballots, 自评, 互评 and 组织评定), and 9 stores the snapshot's
//! meetings compactly (`mt`, see `snapshot::meetings`) where 8 kept them in
//! `ext.mtg`, which a snapshot still reads. A
//! newer or unreadable document is refused with a message that names what is
//! wrong, and the caller keeps the text untouched.

use crate::bounds::OutOfBounds;
use crate::content::ContentProblem;
use crate::event::{Event, Payload};
use crate::records::Records;
use crate::roster::FieldError;
use crate::snapshot;
use crate::state::State;
use serde_json::{Map, Value, json};
use std::fmt;

/// The schema version this build writes.
pub const SCHEMA: u64 = 9;

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
    /// An event is outside the limits on ids, strings, size, clock or time.
    Bounds {
        /// Index in `events`.
        index: usize,
        /// Which limit.
        problem: OutOfBounds,
    },
    /// An event's content fails the check its feature's form applies.
    Content {
        /// Index in `events`.
        index: usize,
        /// The problem.
        problem: ContentProblem,
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
            DocError::Bounds { index, problem } => write!(f, "events[{index}]: {problem}"),
            DocError::Content { index, problem } => write!(f, "events[{index}]: {problem}"),
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
/// server): bounds (clock, time, ids, size: [`crate::bounds`]), then its
/// content ([`check_content`]: member fields as the form checks them, the
/// rest by each feature); `index` names it in the error.
pub fn check_event(index: usize, event: &Event) -> Result<(), DocError> {
    let out = |problem| DocError::Bounds { index, problem };
    event.check_bounds().map_err(out)?;
    crate::bounds::check(event).map_err(out)?;
    check_content(event).map_err(|problem| match problem {
        ContentProblem::Fields(errors) => DocError::InvalidEvent { index, errors },
        problem => DocError::Content { index, problem },
    })
}

pub use crate::content::check as check_content;

/// Version 1 had `"version"` and no snapshot; the events are unchanged.
fn migrate_v1(mut doc: Map<String, Value>) -> Map<String, Value> {
    doc.remove("version");
    doc.insert("schema".into(), json!(2));
    doc
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
