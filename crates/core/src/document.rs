//! The versioned JSON document: what is stored in the browser, exported as a
//! backup, and imported.
//!
//! `{"schema": 2, "snapshot": {…}, "events": […]}`. Version 1 (the first
//! layout: `{"version": 1, "events": […]}`, no snapshot) migrates forward. A
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
pub const SCHEMA: u64 = 2;

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

/// Writes records as the current schema.
pub fn to_json(records: &Records) -> String {
    let events: Vec<&Event> = records.pending().collect();
    json!({
        "schema": SCHEMA,
        "snapshot": snapshot::to_value(records.snapshot()),
        "events": events,
    })
    .to_string()
}

/// Writes events alone (a writer's log in browser storage).
pub fn events_to_json<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    let events: Vec<&Event> = events.into_iter().collect();
    json!({ "schema": SCHEMA, "events": events }).to_string()
}

/// Reads any supported version, migrating it forward.
pub fn parse(text: &str) -> Result<Document, DocError> {
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
    let snapshot = match doc.remove("snapshot") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(snapshot::from_value(v).map_err(|e| DocError::Invalid { path: "snapshot".into(), message: e.0 })?)
        }
    };
    let events_value = doc.remove("events").unwrap_or(Value::Array(Vec::new()));
    let events: Vec<Event> = serde_path_to_error::deserialize(events_value).map_err(|e| DocError::Invalid {
        path: format!("events{}", path_suffix(&e.path().to_string())),
        message: e.inner().to_string(),
    })?;
    for (index, event) in events.iter().enumerate() {
        event.check_bounds().map_err(|message| DocError::Invalid { path: format!("events[{index}]"), message })?;
        validate(event).map_err(|errors| DocError::InvalidEvent { index, errors })?;
    }
    Ok(Document { snapshot, events })
}

/// serde_path_to_error writes `[3].p.t`; `.` alone means the root.
fn path_suffix(path: &str) -> String {
    if path == "." { String::new() } else { path.to_owned() }
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
        Payload::MemberArchived { .. } | Payload::MemberRestored { .. } | Payload::AttendanceMarked { .. } => Ok(()),
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
