//! Browser tests of the sync client's plain data: the outbox across
//! compaction and a tab closed mid-save, what a push's answer confirms,
//! pulled events (stored, never pushed back), ballots beside their roll
//! entry with no slot stored outside the box, phone numbers, and the
//! history unfolded from a snapshot. No server: answers are made here.

use gloo_storage::{LocalStorage, Storage as _};
use wasm_bindgen_test::*;
use zhibu::session::Session;
use zhibu::storage::{self, Store};
use zhibu::sync::outbox::{self, Outbox};
use zhibu::sync::{Connection, history};
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::ballot::Boxes;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MeetingId, MemberId, RoundId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{FieldValue, MemberDraft, MemberFields};
use zhibu_core::rounds::{Rules, Stage};
use zhibu_core::settings::Setting;
use zhibu_core::state::State;
use zhibu_core::sync::{BallotResult, EventResult, Outcome, Principal, PushResponse, Role, Session as ServerSession};

wasm_bindgen_test_configure!(run_in_browser);

fn fields(name: &str, phone: &str) -> MemberFields {
    MemberDraft { name: name.into(), phone: phone.into(), ..Default::default() }.validate().unwrap()
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
    let ids: Vec<MemberId> = ["赵一", "钱二", "孙三"].iter().map(|name| phone.add_member(fields(name, "")).0).collect();
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
            reason: (*outcome == Outcome::Rejected).then(|| "no".to_owned()),
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
        a.add_member(fields(name, "")).1.unwrap();
    }
    assert_eq!(a.outbox().events.len(), 3);
    a.compact().unwrap();
    assert_eq!(a.own_len(), 0, "compaction folded the log");
    assert_eq!(stored_outbox("tab-a").events.len(), 3, "the outbox is not compaction's");
    // Not connected: nothing goes to an outbox.
    storage::forget_sync();
    let mut b = session("tab-b");
    b.add_member(fields("刘芳", "")).1.unwrap();
    assert!(b.outbox().is_empty());
    assert!(stored_outbox("tab-b").is_empty());
}

#[wasm_bindgen_test]
fn an_event_written_only_to_the_outbox_is_not_lost() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    a.add_member(fields("王建国", "")).1.unwrap();
    // The tab closed between the outbox write and the log write.
    LocalStorage::delete("zhibu:log:tab-a");
    let b = session("tab-b");
    let names: Vec<String> = b.records().state().members().into_iter().map(|m| m.fields.name).collect();
    assert_eq!(names, ["王建国"]);
    assert_eq!(b.own_len(), 1, "it joins the loading tab's log");
    // The dead tab's outbox is still there for the next sync to take over.
    assert_eq!(stored_outbox("tab-a").events.len(), 1);
}

#[wasm_bindgen_test]
fn only_what_the_server_answered_leaves_the_outbox() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    for name in ["甲", "乙", "丙", "丁"] {
        a.add_member(fields(name, "")).1.unwrap();
    }
    let (batches, settled) = outbox::batches(a.outbox(), &Boxes::default(), &organizer(), false);
    assert!(settled.confirmed.is_empty());
    assert_eq!(batches.len(), 1);
    let e = &batches[0].events;
    // Accepted, duplicate, rejected; the fourth is missing from the answer.
    let response = answer(&[(&e[0], Outcome::Accepted), (&e[1], Outcome::Duplicate), (&e[2], Outcome::Rejected)], 7);
    let done = outbox::settle(&batches[0], &response);
    assert_eq!(done.confirmed, vec![e[0].id.clone(), e[1].id.clone()]);
    assert_eq!(done.rejected.len(), 1);
    assert_eq!(done.rejected[0].kind, "member_added");
    a.settle(&done);
    let left: Vec<_> = stored_outbox("tab-a").events.into_keys().collect();
    assert_eq!(left, vec![e[3].id.clone()], "the unanswered one is sent again");
    // An answer naming other ids confirms nothing.
    let wrong = answer(&[(&e[0], Outcome::Accepted)], 8);
    let single = outbox::Batch { events: vec![e[3].clone()], ..Default::default() };
    assert!(outbox::settle(&single, &wrong).confirmed.is_empty());
    a.settle(&outbox::settle(&single, &answer(&[(&e[3], Outcome::Accepted)], 9)));
    assert!(stored_outbox("tab-a").is_empty());
    assert!(LocalStorage::raw().get_item("zhibu:out:tab-a").unwrap().is_none(), "an empty outbox is removed");
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
    }];
    phone.settle(&outbox::settle(batch, &response));
    phone.settle(&settled);
    assert!(phone.outbox().is_empty());
    assert!(stored_outbox("phone").is_empty());
}

#[wasm_bindgen_test]
fn phone_numbers_leave_only_when_the_branch_shares_them() {
    LocalStorage::clear();
    connect(Role::Organizer, None);
    let mut a = session("tab-a");
    let (member, _) = a.add_member(fields("王建国", "13800138000"));
    let before = fields("王建国", "13800138000");
    a.edit_member(&member, &before, &fields("王建国", "13900139000")).unwrap();
    let (batches, settled) = outbox::batches(a.outbox(), &Boxes::default(), &organizer(), false);
    assert_eq!(settled.confirmed.len(), 1, "an edit of the phone alone has nothing left to send");
    assert_eq!(batches[0].events.len(), 1);
    assert!(!serde_json::to_string(&batches[0].events).unwrap().contains("138"));
    let (shared, settled) = outbox::batches(a.outbox(), &Boxes::default(), &organizer(), true);
    assert!(settled.confirmed.is_empty());
    assert_eq!(shared[0].events.len(), 2);
    assert!(matches!(
        &shared[0].events[1].payload,
        Payload::MemberEdited { changes, .. } if changes == &vec![FieldValue::Phone(Some("13900139000".into()))]
    ));
}

#[wasm_bindgen_test]
fn a_long_outbox_is_cut_into_pushes_of_500() {
    LocalStorage::clear();
    let mut records = Records::default();
    let mut all = Outbox::default();
    for i in 0..1_203u32 {
        let stamp = EventStamp { device: DeviceId("d".into()), actor: None, unix_ms: 1, random: [0; 16] };
        let mut random = [0u8; 16];
        random[..4].copy_from_slice(&i.to_le_bytes());
        let stamp = EventStamp { random, ..stamp };
        let mark = zhibu_core::attendance::Attendance { status: AttendanceStatus::Present, at: None, by_self: false };
        let payload =
            Payload::AttendanceMarked { meeting: MeetingId("m".into()), member: MemberId(format!("{i}")), mark };
        let e = records.record(stamp, payload);
        all.events.insert(e.id.clone(), e);
    }
    let (batches, _) = outbox::batches(&all, &Boxes::default(), &organizer(), false);
    let sizes: Vec<usize> = batches.iter().map(|b| b.events.len()).collect();
    assert_eq!(sizes, [500, 500, 203]);
    // Clock order: a push never carries an event before one it follows.
    let clocks: Vec<u64> = batches.iter().flat_map(|b| b.events.iter().map(|e| e.clock)).collect();
    assert!(clocks.windows(2).all(|w| w[0] <= w[1]));
}

#[wasm_bindgen_test]
fn the_history_folds_back_to_the_same_state() {
    LocalStorage::clear();
    let mut a = session("tab-a");
    let (m1, _) = a.add_member(fields("王建国", "13800138000"));
    let (m2, _) = a.add_member(fields("李秀英", ""));
    let (m3, _) = a.add_member(fields("张伟", ""));
    a.edit_member(&m1, &fields("王建国", "13800138000"), &fields("王建华", "13800138000")).unwrap();
    a.set_archived(&m2, true).unwrap();
    a.set_settings(vec![Setting::BranchName("第一党支部".into())]);
    let meeting = MeetingId("mtg".into());
    a.mark(&meeting, &m1, AttendanceStatus::Present);
    a.mark(&meeting, &m1, AttendanceStatus::Late);
    let round = a.save_round(None, Rules::new("评选", 2026, 1)).unwrap();
    a.advance_round(&round, Stage::Nomination).unwrap();
    a.nominate(&round, &m1, &m3, "事迹").unwrap();
    a.compact().unwrap();
    let snapshot = a.records().snapshot().clone();
    let events = history::unfold(&snapshot);
    assert_eq!(history::unfold(&snapshot), events, "unfolding is deterministic");
    let mut folded = State::fold(&events);
    folded.ext.ballots = snapshot.ext.ballots.clone();
    assert_eq!(folded, snapshot);
    // Each write is one event: the audit log's events keep their ids.
    let audit_ids: Vec<_> = snapshot.ext.audit.0.keys().map(|(_, id)| id.clone()).collect();
    for id in audit_ids {
        assert!(events.iter().any(|e| e.id == id), "the audited event {id} keeps its id");
    }
    let round_id: RoundId = round;
    assert!(events.iter().any(|e| matches!(&e.payload, Payload::RoundSaved { round, .. } if *round == round_id)));
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
    let ids: Vec<MemberId> = ["赵一", "钱二", "孙三"].iter().map(|name| phone.add_member(fields(name, "")).0).collect();
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
    let ids: Vec<MemberId> =
        ["赵一", "钱二", "孙三"].iter().map(|name| laptop.add_member(fields(name, "")).0).collect();
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
