//! Why a push refused something, as it travels (issue 17, item 2): a code
//! the app words in every locale, read tolerantly — an older app reads a
//! newer server's answer, and this app reads an older server's words (or
//! its own rejections stored before codes) as `Unknown`, never failing.

use serde_json::{Value, json};
use zhibu_core::content::ContentProblem;
use zhibu_core::event::Event;
use zhibu_core::ids::EventId;
use zhibu_core::rounds::RoundProblem;
use zhibu_core::sync::outbox::{self, Batch, Rejection};
use zhibu_core::sync::{EventResult, Outcome, PushResponse, Reason, Refusal};

fn locale(name: &str) -> serde_json::Map<String, Value> {
    let path = format!("{}/../../locales/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        other => panic!("{path} is not one JSON object: {other:?}"),
    }
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_reason_travels_as_a_plain_string_an_older_app_reads() {
    let answer = EventResult {
        id: "e1".into(),
        outcome: Outcome::Rejected,
        reason: Some(Reason::AlreadyVoted),
        detail: Some("particulars".into()),
    };
    let text = serde_json::to_string(&answer).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        json!({"id": "e1", "outcome": "rejected", "reason": "already_voted", "detail": "particulars"})
    );
    // The answer as an app of protocol 2 before codes read it.
    #[derive(serde::Deserialize)]
    struct Before {
        reason: Option<String>,
    }
    assert_eq!(serde_json::from_str::<Before>(&text).unwrap().reason.as_deref(), Some("already_voted"));
    assert_eq!(serde_json::from_str::<EventResult>(&text).unwrap(), answer);
}

#[test]
fn an_older_servers_words_read_as_unknown_and_the_rejection_is_kept() {
    let event: Event = serde_json::from_value(json!({"i": "e1", "d": "phone", "c": 1, "w": 0,
        "p": {"t": "member_archived", "member": "m1"}}))
    .unwrap();
    let batch = Batch { events: vec![event], ..Default::default() };
    let older = json!({"events": [{"id": "e1", "outcome": "rejected", "reason": "made for another member"}],
        "ballots": [], "cursor": 3});
    let response: PushResponse = serde_json::from_value(older).expect("an older server's answer reads");
    assert_eq!(response.events[0].reason, Some(Reason::Unknown));
    let settled = outbox::settle(&batch, &response);
    assert_eq!(settled.rejected.len(), 1, "not dropped");
    assert_eq!(settled.rejected[0].reason, Reason::Unknown);
    // A newer server's code reads the same way.
    let newer: EventResult =
        serde_json::from_value(json!({"id": "e1", "outcome": "rejected", "reason": "some_later_reason"})).unwrap();
    assert_eq!(newer.reason, Some(Reason::Unknown));
}

#[test]
fn a_rejection_stored_before_codes_still_reads() {
    let stored = json!({"id": "e1", "kind": "voted", "reason": "already voted in this round"});
    let rejection: Rejection = serde_json::from_value(stored).expect("the stored connection still loads");
    assert_eq!(
        rejection,
        Rejection { id: Some(EventId("e1".into())), kind: "voted".into(), reason: Reason::Unknown, detail: None }
    );
    let now = serde_json::to_value(&rejection).unwrap();
    assert_eq!(serde_json::from_value::<Rejection>(now).unwrap(), rejection);
}

#[test]
fn every_reason_has_its_own_code_and_words_in_every_locale() {
    let (zh, en) = (locale("zh-CN"), locale("en"));
    let mut codes = std::collections::BTreeSet::new();
    for reason in Reason::ALL {
        let code = reason.code();
        assert!(codes.insert(code.clone()), "{reason:?}: code {code:?} twice");
        assert_eq!(serde_json::from_value::<Reason>(json!(code)).unwrap(), reason, "{code} reads back");
        let key = format!("reason.{code}");
        let words = zh.get(&key).and_then(Value::as_str).unwrap_or_else(|| panic!("zh-CN.json lacks {key}"));
        assert!(has_han(words), "{key} is not worded in Chinese: {words:?}");
        assert!(en.get(&key).and_then(Value::as_str).is_some_and(|w| !w.is_empty()), "en.json lacks {key}");
    }
}

#[test]
fn every_kind_a_rejection_names_has_words() {
    // The kinds `sync::kind` gives (22, as `tests/visibility.rs` counts),
    // and a ballot.
    let kinds = [
        "member_added",
        "member_edited",
        "member_archived",
        "member_restored",
        "members_imported",
        "attendance_marked",
        "settings_changed",
        "meeting_saved",
        "checked_in",
        "leave_requested",
        "leave_decided",
        "made_up",
        "device_confirmed",
        "class_saved",
        "self_study_recorded",
        "self_study_decided",
        "round_saved",
        "nominated",
        "reviewed",
        "voted",
        "objection_filed",
        "objection_handled",
        "ballot",
    ];
    let (zh, en) = (locale("zh-CN"), locale("en"));
    for kind in kinds {
        let key = format!("event.{kind}");
        assert!(zh.get(&key).and_then(Value::as_str).is_some_and(has_han), "zh-CN.json lacks {key}");
        assert!(en.contains_key(&key), "en.json lacks {key}");
    }
}

#[test]
fn problems_keep_their_meaning_as_reasons() {
    assert_eq!(Reason::from(&ContentProblem::NotOwn), Reason::NotOwn);
    assert_eq!(Reason::from(&Refusal::NotYours), Reason::NotOwn);
    assert_eq!(Reason::from(&ContentProblem::Round(RoundProblem::ReasonRequired)), Reason::ReasonRequired);
    assert_eq!(Reason::from(&RoundProblem::TooMany(2)), Reason::TooManyChoices);
    assert_eq!(Reason::from(&RoundProblem::NoWinner), Reason::RoundRules);
    for reason in Reason::ALL.iter().filter(|r| **r != Reason::Unknown) {
        assert_ne!(reason.code(), "unknown");
    }
}
