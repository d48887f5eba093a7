//! Browser tests of the sync client's stored data: the outbox across
//! compaction and a tab closed mid-save, settled by a push's answer,
//! pulled events (stored, never pushed back), ballots beside their roll
//! entry with no slot stored outside the box, the ballot key read at push
//! time, and the connection as the records read it. No server: answers
//! are made here. The outbox's and history's rules themselves are tested
//! natively (`crates/core/tests/outbox.rs`, `history.rs`).

use gloo_storage::{LocalStorage, Storage as _};
use wasm_bindgen_test::*;
use zhibu::session::Session;
use zhibu::storage::{self, Store};
use zhibu::sync::Connection;
use zhibu_core::ballot::Boxes;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MemberId, RoundId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberDraft, MemberFields};
use zhibu_core::rounds::{Rules, Stage};
use zhibu_core::sync::outbox::{self, Outbox};
use zhibu_core::sync::{
    BallotResult, EventResult, Outcome, Principal, PushResponse, Reason, Role, Session as ServerSession,
};

wasm_bindgen_test_configure!(run_in_browser);

fn fields(name: &str, phone: &str) -> MemberFields {
    MemberDraft { name: name.into(), phone: phone.into(), ..Default::default() }.validate().unwrap()
}

/// Adds a member and checks it was stored.
fn add(s: &mut Session, fields: MemberFields) -> MemberId {
    let id = s.add_member(fields).unwrap();
    assert_eq!(s.saved, Ok(()), "stored");
    id
}

fn session(writer: &str) -> Session {
    Session::load(Store::with_writer(DeviceId(writer.into())))
}

fn connect(role: Role, member: Option<&MemberId>) {
    let server_session = ServerSession {
        branch: "b1".into(),
        branch_name: "第一支部".into(),
        token: "token".into(),
        device: "dev1".into(),
        role,
        member: member.cloned(),
        expires_at: 0,
        login: None,
    };
    Connection::new("http://127.0.0.1:9", server_session).save().unwrap();
}

fn organizer() -> Principal {
    Principal { role: Role::Organizer, member: None }
}

/// A phone (of the first of three members) holding a round open for nominations.
fn phone_with_round() -> (Session, Vec<MemberId>, RoundId) {
    LocalStorage::clear();
    let mut phone = session("phone");
    let ids: Vec<MemberId> = ["赵一", "钱二", "孙三"].iter().map(|name| add(&mut phone, fields(name, ""))).collect();
    phone.set_me(&ids[0]).unwrap();
    let round = phone.save_round(None, Rules::new("身边最美党员", 2026, 1)).unwrap();
    phone.advance_round(&round, Stage::Nomination).unwrap();
    (phone, ids, round)
}

fn stored_outbox(writer: &str) -> Outbox {
    storage::outbox_of(writer)
}

fn answer(ids: &[(&Event, Outcome)], cursor: u64) -> PushResponse {
    let events = ids
        .iter()
        .map(|(e, outcome)| EventResult {
            id: e.id.to_string(),
            outcome: *outcome,
            reason: (*outcome == Outcome::Rejected).then_some(Reason::NotAllowed),
            detail: None,
        })
        .collect();
    PushResponse { events, ballots: Vec::new(), cursor }
}

#[wasm_bindgen_test]
fn events_recorded_while_connected_stay_in_the_outbox_through_compaction() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    assert!(a.is_connected());
    for name in ["王建国", "李秀英", "张伟"] {
        add(&mut a, fields(name, ""));
    }
    assert_eq!(a.outbox().events.len(), 3);
    a.compact();
    assert_eq!(a.saved, Ok(()), "compacted");
    assert_eq!(a.own_len(), 0, "compaction folded the log");
    assert_eq!(stored_outbox("tab-a").events.len(), 3, "the outbox is not compaction's");
    // Not connected: nothing goes to an outbox.
    storage::forget_sync();
    let mut b = session("tab-b");
    add(&mut b, fields("刘芳", ""));
    assert!(b.outbox().is_empty());
    assert!(stored_outbox("tab-b").is_empty());
}

#[wasm_bindgen_test]
fn an_event_written_only_to_the_outbox_is_not_lost() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    add(&mut a, fields("王建国", ""));
    // The tab closed between the outbox write and the log write.
    LocalStorage::delete("zhibu:log:tab-a");
    let b = session("tab-b");
    let names: Vec<String> = b.records().state().members().into_iter().map(|m| m.fields.name).collect();
    assert_eq!(names, ["王建国"]);
    assert_eq!(b.own_len(), 1, "it joins the loading tab's log");
    // The dead tab's outbox is still there for the next sync to take over.
    assert_eq!(stored_outbox("tab-a").events.len(), 1);
}

/// What a push's answer settles leaves the stored outbox (which answers
/// settle what: `crates/core/tests/outbox.rs`).
#[wasm_bindgen_test]
fn what_the_server_answered_leaves_the_stored_outbox() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    for name in ["甲", "乙"] {
        add(&mut a, fields(name, ""));
    }
    let (batches, _) = outbox::batches(a.outbox(), &Boxes::default(), &organizer(), false);
    let e = &batches[0].events;
    a.settle(&outbox::settle(&batches[0], &answer(&[(&e[0], Outcome::Accepted)], 7)));
    let left: Vec<_> = stored_outbox("tab-a").events.into_keys().collect();
    assert_eq!(left, vec![e[1].id.clone()], "the unanswered one is sent again");
    a.settle(&outbox::settle(&batches[0], &answer(&[(&e[0], Outcome::Duplicate), (&e[1], Outcome::Accepted)], 9)));
    assert!(stored_outbox("tab-a").is_empty());
    assert!(LocalStorage::raw().get_item("zhibu:out:tab-a").unwrap().is_none(), "an empty outbox is removed");
}

/// The records read who the device is from the stored connection
/// (`storage::sync_principal`), as the sync client does.
#[wasm_bindgen_test]
fn the_records_read_the_stored_connection_as_the_sync_client_does() {
    LocalStorage::clear();
    assert_eq!(storage::sync_principal(), None);
    let me = MemberId("m1".into());
    for (role, member) in [(Role::Member, Some(&me)), (Role::Committee, Some(&me)), (Role::Organizer, None)] {
        connect(role, member);
        let principal = Connection::load().unwrap().principal();
        assert_eq!(storage::sync_principal(), Some(principal));
    }
    // A connection another version stored is read by neither.
    let text = storage::sync_text().unwrap().replacen("\"v\":1", "\"v\":99", 1);
    storage::set_sync_text(&text).unwrap();
    assert_eq!((Connection::load(), storage::sync_principal()), (None, None));
}

#[wasm_bindgen_test]
fn pulled_events_are_stored_and_never_pushed_back() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut elsewhere = Records::default();
    let events: Vec<Event> = (0..5u8)
        .map(|i| {
            let stamp = EventStamp { device: DeviceId("far".into()), actor: None, unix_ms: 1_000, random: [i; 16] };
            let member = MemberId(format!("m{i}"));
            elsewhere.record(stamp, Payload::MemberAdded { member, fields: fields(&format!("成员{i}"), "") })
        })
        .collect();
    let mut a = session("tab-a");
    assert_eq!(a.merge_pulled(&events).unwrap(), 5);
    assert_eq!(a.merge_pulled(&events).unwrap(), 0, "a page pulled twice adds nothing");
    assert!(a.outbox().is_empty());
    assert!(stored_outbox("tab-a").is_empty());
    assert_eq!(session("tab-b").records().state().members().len(), 5, "stored before the cursor moves");
}

#[wasm_bindgen_test]
fn a_ballot_goes_with_its_roll_entry_and_no_slot_is_stored_outside_the_box() {
    let (mut phone, ids, round) = phone_with_round();
    let me = ids[0].clone();
    phone.nominate(&round, &ids[1], &ids[2], "事迹").unwrap();
    phone.advance_round(&round, Stage::Review).unwrap();
    phone.review(&round, &ids[2], true, "").unwrap();
    phone.advance_round(&round, Stage::Voting).unwrap();
    // The phone joins the branch as its member: what it recorded so far
    // (the roster, the round) is not its to push.
    connect(Role::Member, Some(&me));
    phone.set_connected(true);
    phone.vote_named(&round, &me, std::slice::from_ref(&ids[2])).unwrap();
    let slots: Vec<String> = phone.records().state().ballots.0[&round].keys().cloned().collect();
    assert_eq!(slots.len(), 1);
    let stored = LocalStorage::raw().get_item("zhibu:out:phone").unwrap().unwrap();
    assert!(stored.contains(round.as_str()), "the round is marked");
    let raw = LocalStorage::raw();
    for i in 0..raw.length().unwrap() {
        let key = raw.key(i).unwrap().unwrap();
        let value = raw.get_item(&key).unwrap().unwrap_or_default();
        if key != storage::BOX_KEY {
            assert!(!value.contains(&slots[0]), "{key} names the ballot's slot");
        }
    }
    let principal = Principal { role: Role::Member, member: Some(me.clone()) };
    let ballots = phone.records().state().ballots.clone();
    let (batches, settled) = outbox::batches(phone.outbox(), &ballots, &principal, false);
    assert!(!settled.confirmed.is_empty(), "the roster and round are settled unsent");
    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    assert_eq!(batch.events.len(), 1);
    assert!(matches!(&batch.events[0].payload, Payload::Voted { .. }));
    assert_eq!(batch.ballots.len(), 1);
    assert_eq!(batch.ballots[0].slot, slots[0]);
    assert_eq!(batch.rounds, vec![round.clone()]);
    // The server takes both: the round's mark and the roll entry go.
    let mut response = answer(&[(&batch.events[0], Outcome::Accepted)], 3);
    response.ballots = vec![BallotResult {
        round: round.to_string(),
        slot: slots[0].clone(),
        outcome: Outcome::Accepted,
        reason: None,
        detail: None,
    }];
    phone.settle(&outbox::settle(batch, &response));
    phone.settle(&settled);
    assert!(phone.outbox().is_empty());
    assert!(stored_outbox("phone").is_empty());
}

#[wasm_bindgen_test]
fn a_members_phone_acts_only_as_its_member_and_says_what_it_will_not_send() {
    let (mut phone, ids, round) = phone_with_round();
    let me = ids[0].clone();
    connect(Role::Member, Some(&me));
    phone.set_connected(true);
    // Someone picks another member on this phone: recorded here, but it is
    // not this phone's to send, so it is reported, not dropped in silence.
    phone.nominate(&round, &ids[1], &ids[2], "事迹").unwrap();
    let principal = Principal { role: Role::Member, member: Some(me.clone()) };
    let ballots = phone.records().state().ballots.clone();
    let (batches, settled) = outbox::batches(phone.outbox(), &ballots, &principal, false);
    assert!(batches.iter().all(|b| b.events.iter().all(|e| !matches!(e.payload, Payload::Nominated { .. }))));
    assert_eq!(settled.rejected.len(), 1, "{:?}", settled.rejected);
    assert_eq!(settled.rejected[0].kind, "nominated");
    // Voting as another member on this phone is refused outright.
    phone.advance_round(&round, Stage::Review).unwrap();
    phone.review(&round, &ids[2], true, "").unwrap();
    phone.advance_round(&round, Stage::Voting).unwrap();
    assert_eq!(
        phone.vote_named(&round, &ids[1], std::slice::from_ref(&ids[2])),
        Err(zhibu_core::rounds::RoundProblem::OwnDeviceOnly)
    );
    assert!(phone.vote_named(&round, &me, std::slice::from_ref(&ids[2])).is_ok());
}

/// Issue 22, item 5: a revision goes out alone (no second roll entry) and
/// shows the key behind its slot; the key is read at push time, so the
/// outbox and logs never hold it.
#[wasm_bindgen_test]
fn a_revision_adds_no_roll_entry_and_carries_its_key() {
    LocalStorage::clear();
    let mut phone = session("phone");
    let ids: Vec<MemberId> = ["赵一", "钱二", "孙三"].iter().map(|name| add(&mut phone, fields(name, ""))).collect();
    let me = ids[0].clone();
    phone.set_me(&me).unwrap();
    let rules = Rules { revision: true, ..Rules::new("身边最美党员", 2026, 1) };
    let round = phone.save_round(None, rules).unwrap();
    phone.advance_round(&round, Stage::Nomination).unwrap();
    phone.nominate(&round, &ids[1], &ids[2], "事迹").unwrap();
    phone.advance_round(&round, Stage::Review).unwrap();
    phone.review(&round, &ids[2], true, "").unwrap();
    phone.advance_round(&round, Stage::Voting).unwrap();
    connect(Role::Member, Some(&me));
    phone.set_connected(true);
    phone.vote_named(&round, &me, std::slice::from_ref(&ids[2])).unwrap();
    let principal = Principal { role: Role::Member, member: Some(me.clone()) };
    let (batches, settled) =
        outbox::batches(phone.outbox(), &phone.records().state().ballots.clone(), &principal, false);
    let first = &batches[0];
    let mut response = answer(&[(&first.events[0], Outcome::Accepted)], 3);
    response.ballots = vec![BallotResult {
        round: round.to_string(),
        slot: first.ballots[0].slot.clone(),
        outcome: Outcome::Accepted,
        reason: None,
        detail: None,
    }];
    phone.settle(&outbox::settle(first, &response));
    phone.settle(&settled);
    assert!(phone.outbox().is_empty());

    // The revision: the same slot, the next revision, no roll entry.
    phone.vote_named(&round, &me, &[]).unwrap();
    let (batches, _) = outbox::batches(phone.outbox(), &phone.records().state().ballots.clone(), &principal, false);
    assert_eq!(batches.len(), 1);
    assert!(batches[0].events.is_empty(), "no second roll entry: {:?}", batches[0].events);
    let ballots = outbox::with_keys(batches[0].ballots.clone(), zhibu::session::ballot_secret);
    assert_eq!((ballots.len(), ballots[0].rev, ballots[0].slot.clone()), (1, 1, first.ballots[0].slot.clone()));
    let key = ballots[0].key.clone().expect("a revision carries its key");
    assert!(zhibu_core::ballot::opens(&round, &ballots[0].slot, &key));
    // A ballot whose slot this phone's secret does not open gets no key.
    let mut foreign = ballots[0].clone();
    foreign.slot = zhibu_core::ballot::random_slot(&[7; 16]);
    assert_eq!(outbox::with_keys(vec![foreign], zhibu::session::ballot_secret)[0].key, None);
    // The key lives only under its own name, beside nothing else.
    let raw = LocalStorage::raw();
    for i in 0..raw.length().unwrap() {
        let name = raw.key(i).unwrap().unwrap();
        let value = raw.get_item(&name).unwrap().unwrap_or_default();
        if name != format!("zhibu:id:ballot:{round}") {
            assert!(!value.contains(&key), "{name} holds the ballot key");
        }
    }
}

/// Issue 22, item 4: the organizer's device enters a paper ballot, openly
/// on the roll as paper; it never casts a member's named ballot.
#[wasm_bindgen_test]
fn the_organizers_device_enters_paper_ballots_never_named_ones() {
    LocalStorage::clear();
    let mut laptop = session("laptop");
    let ids: Vec<MemberId> = ["赵一", "钱二", "孙三"].iter().map(|name| add(&mut laptop, fields(name, ""))).collect();
    let round = laptop.save_round(None, Rules::new("身边最美党员", 2026, 1)).unwrap();
    laptop.advance_round(&round, Stage::Nomination).unwrap();
    laptop.nominate(&round, &ids[1], &ids[2], "事迹").unwrap();
    laptop.advance_round(&round, Stage::Review).unwrap();
    laptop.review(&round, &ids[2], true, "").unwrap();
    laptop.advance_round(&round, Stage::Voting).unwrap();
    assert!(laptop.is_organizer());
    assert_eq!(
        laptop.vote_named(&round, &ids[0], std::slice::from_ref(&ids[2])),
        Err(zhibu_core::rounds::RoundProblem::OwnDeviceOnly)
    );
    laptop.enter_paper(&round, &ids[0], std::slice::from_ref(&ids[2])).unwrap();
    let state = laptop.records().state();
    assert_eq!(zhibu_core::rounds::cast_by(state, &round, &ids[0]), Some(zhibu_core::rounds::Cast::Paper));
    assert_eq!(zhibu_core::rounds::paper_count(state, &round), 1);
    assert_eq!(
        laptop.enter_paper(&round, &ids[0], &[]),
        Err(zhibu_core::rounds::RoundProblem::AlreadyVoted),
        "one ballot per member"
    );
    // Connected, the paper entry goes out beside its ballot, and the
    // history unfolds it with the audit log's actor and id.
    connect(Role::Organizer, None);
    laptop.set_connected(true);
    let history = laptop.history();
    let paper: Vec<&Event> = history
        .events
        .values()
        .filter(|e| matches!(&e.payload, Payload::Voted { voter: zhibu_core::rounds::Voter::Paper(_), .. }))
        .collect();
    assert_eq!(paper.len(), 1);
    assert!(zhibu_core::sync::may_push(&organizer(), paper[0]).is_ok());
    let audited = zhibu_core::rounds::audit(laptop.records().state(), &round);
    assert!(audited.iter().any(|e| matches!(&e.what, zhibu_core::rounds::Audited::Paper(m) if *m == ids[0])));
}
