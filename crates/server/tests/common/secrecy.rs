//! The secrecy scans of what a server stored (`Storage::dump`): the
//! events as stored, a round's box row, and the rows that must not link a
//! voter to a ballot.

use std::collections::BTreeSet;

use serde_json::Value;
use zhibu_core::ids::{MemberId, RoundId};

/// The events stored in a dump (`Storage::dump`), as the JSON they were
/// stored as.
pub fn stored_events(dump: &[(String, String)]) -> Vec<Value> {
    dump.iter()
        .filter(|(table, _)| table == "events")
        .map(|(_, row)| {
            let row: Value = serde_json::from_str(row).expect("a row as JSON");
            serde_json::from_str(row["body"].as_str().expect("an event's body is text")).expect("a stored event")
        })
        .collect()
}

/// A round's box as stored: its row, which holds the branch, the round,
/// whether it is closed and the ballots and nothing else; and its ballots.
pub fn stored_box(dump: &[(String, String)], round: &RoundId) -> (Value, Vec<Value>) {
    let rows: Vec<Value> = dump
        .iter()
        .filter(|(table, _)| table == "boxes")
        .map(|(_, row)| serde_json::from_str::<Value>(row).expect("a row as JSON"))
        .filter(|row| row["round"] == round.as_str())
        .collect();
    assert_eq!(rows.len(), 1, "one row per round's box");
    let keys: BTreeSet<&str> = rows[0].as_object().expect("a row").keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["ballots", "branch", "closed", "round"]));
    let ballots = serde_json::from_str(rows[0]["ballots"].as_str().expect("ballots as text")).expect("ballots");
    (rows[0].clone(), ballots)
}

/// The secrecy scan of every stored row after ballots were cast (a
/// round's in api.rs, an appraisal's in appraisal.rs): no token or code in
/// clear (`secrets`); a ballot's slot only in the boxes table, never in a
/// row that names one of `voters`; and every roll entry (a `voted` event)
/// its round and voter only, nothing of a ballot. Returns what it found.
pub fn secrecy_problems(
    dump: &[(String, String)],
    voters: &[MemberId],
    slots: &[String],
    secrets: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (table, row) in dump {
        let voter = voters.iter().find(|v| row.contains(v.as_str()));
        let slot = slots.iter().find(|s| row.contains(s.as_str()));
        if let (Some(v), Some(s)) = (voter, slot) {
            problems.push(format!("{table}: a row holds voter {v} and slot {s}: {row}"));
        }
        if table != "boxes" && slot.is_some() {
            problems.push(format!("{table}: a slot outside the boxes table: {row}"));
        }
        if secrets.iter().any(|secret| row.contains(secret.as_str())) {
            problems.push(format!("{table}: a token or code in clear: {row}"));
        }
    }
    for event in stored_events(dump).iter().filter(|e| e["p"]["t"] == "voted") {
        let keys: BTreeSet<&str> = event["p"].as_object().expect("a payload").keys().map(String::as_str).collect();
        if keys != BTreeSet::from(["t", "round", "voter"]) {
            problems.push(format!("events: a roll entry with more than its voter: {event}"));
        }
    }
    problems
}
