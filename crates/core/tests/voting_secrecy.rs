//! Ballot secrecy in everything the app stores or exports: the box holds
//! (slot, choices) and nothing else, its order is not the voting order,
//! the export is anonymous and recounts, and a code ballot is not linked
//! to its code. Ballots are cast by the core's commands.

mod branch;

use branch::{Branch, DESK, code_round, rules, voting_round};
use serde_json::Value;
use std::collections::BTreeSet;
use zhibu_core::ballot::{self, Recount, RecountProblem};
use zhibu_core::document;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::records::Records;
use zhibu_core::rounds::Stage;
use zhibu_core::state::State;
use zhibu_core::tally::{Basis, TallyRules};

/// What a secret round leaves: the branch, the round, its members, every
/// ballot cast as (slot, sorted choices) in plan order, and the receipts.
type SecretRound = (Branch, RoundId, Vec<MemberId>, Vec<(String, Vec<MemberId>)>, Vec<String>);

/// Seven members; candidates ms[0]–ms[2]; five members vote, in the
/// given order. Each planned ballot draws the same randomness whatever
/// the order (as if each phone drew its own), so the same ballots land in
/// the same slots.
fn secret_round(order: &[usize]) -> SecretRound {
    let (mut b, r, ms) = voting_round(7, 3, rules(2));
    // (voter, choices)
    let plan: Vec<(MemberId, Vec<MemberId>)> = vec![
        (ms[3].clone(), vec![ms[0].clone(), ms[1].clone()]),
        (ms[4].clone(), vec![ms[0].clone()]),
        (ms[5].clone(), vec![]),
        (ms[6].clone(), vec![ms[2].clone(), ms[1].clone()]),
        (ms[2].clone(), vec![ms[0].clone(), ms[1].clone()]),
    ];
    let mut receipts = Vec::new();
    let mut slots = vec![String::new(); plan.len()];
    for i in order {
        let (voter, choices) = &plan[*i];
        b.reseed(1_000_000 + 1_000 * *i as u64);
        let cast = b.vote(&r, voter, choices).unwrap();
        slots[*i] = cast.slot;
        receipts.push(cast.receipt);
    }
    let cast = plan
        .into_iter()
        .zip(slots)
        .map(|((_, mut choices), s)| {
            choices.sort();
            (s, choices)
        })
        .collect();
    (b, r, ms, cast, receipts)
}

/// Every string in a JSON value, keys included.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

fn numbers(v: &Value) -> usize {
    match v {
        Value::Number(_) => 1,
        Value::Array(a) => a.iter().map(numbers).sum(),
        Value::Object(o) => o.values().map(numbers).sum(),
        _ => 0,
    }
}

/// The document the app stores: the snapshot holds the box (as it does
/// after a compaction, or once `zhibu:box` is read back), the events are
/// the logs since.
fn stored_document(b: &Branch) -> String {
    let mut snapshot = State::default();
    snapshot.ext.ballots = b.state().ballots.clone();
    let mut records = Records::from_snapshot(snapshot);
    let report = records.merge_events(b.records.pending());
    assert_eq!(report.known, 0);
    assert_eq!(records.state(), b.state(), "the document holds the whole state");
    document::to_json(&records)
}

#[test]
fn the_box_carries_no_voter_clock_device_or_time() {
    let (b, r, ms, cast, _) = secret_round(&[0, 1, 2, 3, 4]);
    let candidates: BTreeSet<&str> = ms[..3].iter().map(MemberId::as_str).collect();
    let voters_only: Vec<&MemberId> = ms[3..].iter().collect();
    let json = stored_document(&b);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let bal = &doc["snapshot"]["ext"]["bal"];

    // (a) bal: round → slot → {choices}; nothing else.
    let rounds_in = bal.as_object().unwrap();
    assert_eq!(rounds_in.keys().collect::<Vec<_>>(), vec![r.as_str()]);
    let slots = rounds_in[r.as_str()].as_object().unwrap();
    assert_eq!(slots.len(), 5);
    for (s, ballot) in slots {
        assert!(cast.iter().any(|(c, _)| c == s), "{s} is a slot");
        let fields = ballot.as_object().unwrap();
        assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["choices"], "no rev (0), clock, device or time");
        let choices: Vec<&str> = fields["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert!(choices.iter().all(|c| candidates.contains(c)), "only candidates, inside choices");
        assert!(choices.is_sorted(), "sorted, not in the order ticked");
    }
    let mut all = Vec::new();
    strings(bal, &mut all);
    for s in &all {
        assert!(!voters_only.iter().any(|v| v.as_str() == s), "voter {s} in the box");
        assert!(!s.contains("phone") && !s.contains(DESK), "a device in the box: {s}");
    }
    assert_eq!(numbers(bal), 0, "no clock, time or counter");
    let in_choices: usize = slots.values().map(|b| b["choices"].as_array().unwrap().len()).sum();
    let candidate_mentions = all.iter().filter(|s| candidates.contains(s.as_str())).count();
    assert_eq!(candidate_mentions, in_choices, "candidates appear only inside choices");

    // Each slot appears once in the whole document: in the box.
    for (s, _) in &cast {
        assert_eq!(json.matches(s.as_str()).count(), 1, "slot {s}");
    }

    // (b) No event carries a ballot's choices.
    let events = doc["events"].as_array().unwrap();
    assert!(!events.is_empty());
    let mut voted = 0;
    for event in events {
        let text = event.to_string();
        assert!(!text.contains("choices"), "{text}");
        assert!(!text.contains("\"bal\""));
        if event["p"]["t"] == "voted" {
            voted += 1;
            let keys: BTreeSet<&str> = event["p"].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, BTreeSet::from(["t", "round", "voter"]), "{text}");
            let voter = event["p"]["voter"]["member"].as_str().unwrap();
            assert_eq!(event["a"].as_str(), Some(voter), "the roll entry is the voter's own act");
        }
    }
    assert_eq!(voted, 5);

    // The document reads back, every round event passing the content checks.
    let parsed = document::parse(&json).unwrap();
    let mut records = Records::default();
    parsed.merge_into(&mut records);
    assert_eq!(records.state(), b.state());
    assert_eq!(parsed.events.len(), b.records.pending_len());

    // After a compaction the same box is stored.
    let mut compacted = b.records.clone();
    compacted.compact();
    let doc2: Value = serde_json::from_str(&document::to_json(&compacted)).unwrap();
    assert_eq!(doc2["snapshot"]["ext"]["bal"], *bal);
    assert_eq!(doc2["events"].as_array().map(Vec::len), Some(0));
    // The roll says who voted, and nothing of what.
    let rol = &doc2["snapshot"]["ext"]["rol"];
    assert_eq!(rol.as_array().map(Vec::len), Some(5));
    let rol = rol.to_string();
    assert!(!rol.contains("choices"));
    assert!(cast.iter().all(|(s, _)| !rol.contains(s.as_str())));
}

#[test]
fn the_box_order_does_not_show_the_voting_order() {
    let (a, r, _, cast_a, _) = secret_round(&[0, 1, 2, 3, 4]);
    let (b, _, _, cast_b, _) = secret_round(&[4, 2, 0, 3, 1]);
    assert_eq!(cast_a, cast_b);
    // The roll differs (it is the voting order) ...
    assert_ne!(a.records.pending().collect::<Vec<_>>(), b.records.pending().collect::<Vec<_>>());
    // ... the box does not.
    assert_eq!(serde_json::to_string(&a.state().ballots).unwrap(), serde_json::to_string(&b.state().ballots).unwrap());
    assert_eq!(document::ballots_to_json(&a.state().ballots), document::ballots_to_json(&b.state().ballots));
    let bal = |branch: &Branch| {
        let doc: Value = serde_json::from_str(&stored_document(branch)).unwrap();
        doc["snapshot"]["ext"]["bal"].to_string()
    };
    assert_eq!(bal(&a), bal(&b));
    // In slot order, which is not the casting order of either.
    let slots: Vec<&String> = a.state().ballots.0[&r].keys().collect();
    assert!(slots.is_sorted());
    let ballots_only: Value = serde_json::from_str(&document::ballots_to_json(&a.state().ballots)).unwrap();
    assert_eq!(ballots_only["snapshot"]["ext"].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["bal"]);
    assert_eq!(ballots_only["snapshot"]["ids"], Value::Array(vec![]), "no member table beside the box");
}

#[test]
fn the_export_is_anonymous_sorted_and_recounts() {
    let (mut b, r, ms, cast, receipts) = secret_round(&[2, 0, 4, 1, 3]);
    b.advance(&r, Stage::Closed).unwrap();
    let round = b.round(&r);
    let export = ballot::export(b.state(), &round).unwrap();
    let json = serde_json::to_string(&export).unwrap();

    // (d) No slots, no voters (only candidates, by id and name).
    for (s, _) in &cast {
        assert!(!json.contains(s.as_str()), "slot {s} in the export");
    }
    for voter in &ms[3..] {
        assert!(!json.contains(voter.as_str()), "voter {voter} in the export");
    }
    assert!(!json.contains("phone") && !json.contains(DESK));
    let mut expected: Vec<Vec<MemberId>> = cast.iter().map(|(_, c)| c.clone()).collect();
    expected.sort();
    assert_eq!(export.ballots, expected, "every ballot, sorted");
    assert!(export.ballots.is_sorted());
    assert!(export.receipts.is_sorted());
    assert_eq!(export.receipts, ballot::receipts(b.state(), &r));
    let mut mine = receipts.clone();
    mine.sort();
    assert_eq!(export.receipts, mine, "each voter's receipt is listed");
    assert!(receipts.iter().all(|x| x.len() == 19 && x.matches('-').count() == 3));
    assert_eq!(export.kind, ballot::EXPORT_KIND);
    assert_eq!(export.fingerprint, round.rules.fingerprint());
    assert_eq!(export.candidates.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(), ms[..3].to_vec());
    assert_eq!(export.candidates[0].1, "正式0");
    assert_eq!(export.rules, TallyRules { honours: 2, k: 2, basis: Basis::Entitled, entitled: 7 });
    assert_eq!(Some(&export.tally), b.results(&r).as_ref());
    assert_eq!((export.tally.votes(&ms[0]), export.tally.votes(&ms[1]), export.tally.votes(&ms[2])), (3, 3, 1));

    // Anyone can recount it.
    assert_eq!(ballot::recount(&json), Ok(Recount::Agrees(export.tally.clone())));
    let mut tampered = export.clone();
    tampered.tally.elected = vec![ms[2].clone()];
    let json2 = serde_json::to_string(&tampered).unwrap();
    assert_eq!(ballot::recount(&json2), Ok(Recount::Differs(export.tally.clone())));
    let mut stuffed = export.clone();
    stuffed.ballots.push(vec![ms[2].clone()]);
    match ballot::recount(&serde_json::to_string(&stuffed).unwrap()) {
        Ok(Recount::Differs(t)) => assert_eq!((t.cast, t.votes(&ms[2])), (6, 2)),
        other => panic!("{other:?}"),
    }
    let mut wrong = export.clone();
    wrong.kind = "something-else".into();
    assert_eq!(ballot::recount(&serde_json::to_string(&wrong).unwrap()), Err(RecountProblem::NotAnExport));
    assert_eq!(ballot::recount("{"), Err(RecountProblem::Unreadable { line: 1, column: 1 }));
}

#[test]
fn code_ballots_are_not_linked_to_their_code() {
    let (mut b, r, ms, codes) = code_round();
    let votes: [(&String, &[MemberId]); 3] = [(&codes[0], &ms[..1]), (&codes[1], &ms[1..2]), (&codes[2], &[])];
    let slots: Vec<String> =
        votes.into_iter().map(|(code, choices)| b.vote_code(DESK, &r, code, choices).unwrap().1.slot).collect();
    let json = stored_document(&b);
    for code in &codes {
        assert!(!json.contains(code.as_str()), "a code itself is never stored");
    }
    for s in &slots {
        assert_eq!(json.matches(s.as_str()).count(), 1, "the slot appears only in the box");
    }
    for code in &codes[..3] {
        let hash = ballot::code_hash(&r, code);
        // Once among the issued hashes (in the RoundSaved event), once on the roll.
        assert_eq!(json.matches(hash.as_str()).count(), 2, "{hash}");
    }
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert!(!doc["snapshot"]["ext"]["bal"].to_string().contains(&ballot::code_hash(&r, &codes[0])));
}
