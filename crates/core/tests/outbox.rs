//! What waits for the server (`sync::outbox`): cut into pushes in clock
//! order, a round's box beside its roll entries, phone numbers kept home
//! unless shared, what a phone may not send said so, and only what the
//! server's answer names settled. No server: answers are made here.

use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::ballot::{self, Ballot, Boxes};
use zhibu_core::checkin::{CheckIn, Proof};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId, NominationId, ObjectionId, RoundId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{FieldValue, MemberDraft, MemberFields};
use zhibu_core::rounds::{Nomination, Objection, Voter};
use zhibu_core::sync::outbox::{self, Batch, Outbox};
use zhibu_core::sync::{
    BallotPush, BallotResult, EventResult, MAX_PUSH_BALLOTS, Outcome, Principal, PushResponse, Reason, Role,
};
use zhibu_core::visibility::REDACTED;

fn fields(name: &str, phone: &str) -> MemberFields {
    MemberDraft { name: name.into(), phone: phone.into(), ..Default::default() }.validate().unwrap()
}

fn organizer() -> Principal {
    Principal { role: Role::Organizer, member: None }
}

fn m(id: &str) -> MemberId {
    MemberId(id.into())
}

/// A writer recording events, each with its own id.
struct Writer {
    records: Records,
    device: &'static str,
    n: u32,
}

impl Writer {
    fn new(device: &'static str) -> Writer {
        Writer { records: Records::default(), device, n: 0 }
    }

    fn record(&mut self, actor: Option<&MemberId>, payload: Payload) -> Event {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..4].copy_from_slice(&self.n.to_le_bytes());
        let stamp = EventStamp { device: DeviceId(self.device.into()), actor: actor.cloned(), unix_ms: 1, random };
        self.records.record(stamp, payload)
    }
}

fn outbox_of(events: &[Event]) -> Outbox {
    Outbox { events: events.iter().map(|e| (e.id.clone(), e.clone())).collect(), ..Default::default() }
}

fn answer(ids: &[(&Event, Outcome)], cursor: u64) -> PushResponse {
    let events = ids
        .iter()
        .map(|(e, outcome)| EventResult {
            id: e.id.to_string(),
            outcome: *outcome,
            reason: (*outcome == Outcome::Rejected).then_some(Reason::NotAllowed),
            detail: (*outcome == Outcome::Rejected).then(|| "no".to_owned()),
        })
        .collect();
    PushResponse { events, ballots: Vec::new(), cursor }
}

fn accepted(ballots: &[BallotPush]) -> Vec<BallotResult> {
    ballots
        .iter()
        .map(|b| BallotResult {
            round: b.round.to_string(),
            slot: b.slot.clone(),
            outcome: Outcome::Accepted,
            reason: None,
            detail: None,
        })
        .collect()
}

#[test]
fn only_what_the_server_answered_is_settled() {
    let mut laptop = Writer::new("laptop");
    let events: Vec<Event> = ["甲", "乙", "丙", "丁"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            laptop.record(None, Payload::MemberAdded { member: m(&format!("m{i}")), fields: fields(name, "") })
        })
        .collect();
    let mut waiting = outbox_of(&events);
    let (batches, settled) = outbox::batches(&waiting, &Boxes::default(), &organizer(), false);
    assert_eq!(settled, Default::default());
    assert_eq!(batches.len(), 1);
    let e = &batches[0].events;
    // Accepted, duplicate, rejected; the fourth is missing from the answer.
    let response = answer(&[(&e[0], Outcome::Accepted), (&e[1], Outcome::Duplicate), (&e[2], Outcome::Rejected)], 7);
    let done = outbox::settle(&batches[0], &response);
    assert_eq!(done.confirmed, vec![e[0].id.clone(), e[1].id.clone()]);
    assert_eq!(done.rejected.len(), 1);
    let rejected = &done.rejected[0];
    assert_eq!(
        (rejected.kind.as_str(), rejected.reason, rejected.detail.as_deref()),
        ("member_added", Reason::NotAllowed, Some("no"))
    );
    waiting.settle(&done);
    assert_eq!(waiting.events.keys().collect::<Vec<_>>(), [&e[3].id], "the unanswered one is sent again");
    // An answer naming other ids confirms nothing.
    let single = Batch { events: vec![e[3].clone()], ..Default::default() };
    assert_eq!(outbox::settle(&single, &answer(&[(&e[0], Outcome::Accepted)], 8)), Default::default());
    waiting.settle(&outbox::settle(&single, &answer(&[(&e[3], Outcome::Accepted)], 9)));
    assert!(waiting.is_empty());
}

#[test]
fn phone_numbers_leave_only_when_the_branch_shares_them() {
    let mut laptop = Writer::new("laptop");
    let added = laptop.record(None, Payload::MemberAdded { member: m("a"), fields: fields("王建国", "13800138000") });
    let changes = vec![FieldValue::Phone(Some("13900139000".into()))];
    let edited = laptop.record(None, Payload::MemberEdited { member: m("a"), changes: changes.clone() });
    let waiting = outbox_of(&[added, edited.clone()]);
    let (batches, settled) = outbox::batches(&waiting, &Boxes::default(), &organizer(), false);
    assert_eq!(settled.confirmed, [edited.id], "an edit of the phone alone has nothing left to send");
    assert_eq!(batches[0].events.len(), 1);
    assert!(!serde_json::to_string(&batches[0].events).unwrap().contains("138"));
    let (shared, settled) = outbox::batches(&waiting, &Boxes::default(), &organizer(), true);
    assert!(settled.confirmed.is_empty());
    assert_eq!(shared[0].events.len(), 2);
    assert!(matches!(&shared[0].events[1].payload, Payload::MemberEdited { changes: c, .. } if *c == changes));
}

#[test]
fn a_long_outbox_is_cut_into_pushes_of_500() {
    let mut laptop = Writer::new("laptop");
    let events: Vec<Event> = (0..1_203)
        .map(|i| {
            let mark = Attendance { status: AttendanceStatus::Present, at: None, by_self: false };
            laptop.record(
                None,
                Payload::AttendanceMarked { meeting: MeetingId("g".into()), member: m(&format!("{i}")), mark },
            )
        })
        .collect();
    let (batches, _) = outbox::batches(&outbox_of(&events), &Boxes::default(), &organizer(), false);
    let sizes: Vec<usize> = batches.iter().map(|b| b.events.len()).collect();
    assert_eq!(sizes, [500, 500, 203]);
    // Clock order: a push never carries an event before one it follows.
    let clocks: Vec<u64> = batches.iter().flat_map(|b| b.events.iter().map(|e| e.clock)).collect();
    assert!(clocks.windows(2).all(|w| w[0] <= w[1]));
}

/// A round's box of `n` ballots in random slots.
fn a_box(round: &RoundId, n: u32) -> Boxes {
    let mut boxes = Boxes::default();
    for i in 0..n {
        let mut random = [0u8; 16];
        random[..4].copy_from_slice(&i.to_le_bytes());
        boxes.put(round, &ballot::random_slot(&random), Ballot::of(0, vec![m("b")]));
    }
    boxes
}

#[test]
fn a_box_goes_whole_beside_its_roll_entries_and_a_big_one_in_parts() {
    let round = RoundId("r".into());
    let mut kiosk = Writer::new("kiosk");
    let before = kiosk.record(None, Payload::MemberArchived { member: m("x") });
    let votes: Vec<Event> = (0..3)
        .map(|i| kiosk.record(None, Payload::Voted { round: round.clone(), voter: Voter::Code(format!("{i:032x}")) }))
        .collect();
    let mut waiting = outbox_of(&votes);
    waiting.events.insert(before.id.clone(), before);
    let (batches, _) = outbox::batches(&waiting, &a_box(&round, 3), &organizer(), false);
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].events.len(), batches[0].ballots.len()), (4, 3));
    assert_eq!(batches[0].rounds, std::slice::from_ref(&round));
    // Too big for one push: its parts side by side, the round settled by
    // the last one only.
    let marked = Outbox { rounds: [round.clone()].into(), ..Default::default() };
    let (parts, _) = outbox::batches(&marked, &a_box(&round, 1_100), &organizer(), false);
    let sizes: Vec<usize> = parts.iter().map(|b| b.ballots.len()).collect();
    assert_eq!(sizes, [MAX_PUSH_BALLOTS, MAX_PUSH_BALLOTS, 100]);
    assert!(parts[..2].iter().all(|b| b.rounds.is_empty()));
    assert_eq!(parts[2].rounds, std::slice::from_ref(&round));
    // The box's answer settles the round only if it names every ballot, in order.
    let last = &parts[2];
    let mut response = PushResponse { events: Vec::new(), ballots: accepted(&last.ballots), cursor: 1 };
    assert_eq!(outbox::settle(last, &response).rounds, std::slice::from_ref(&round));
    response.ballots.pop();
    assert!(outbox::settle(last, &response).rounds.is_empty(), "a short answer settles nothing");
}

#[test]
fn a_phone_sends_only_its_own_acts_and_says_what_it_will_not() {
    let me = m("a");
    let phone = Principal { role: Role::Member, member: Some(me.clone()) };
    let mut writer = Writer::new("phone");
    // The roster as a join card brought it: the organizer's, not the phone's to send.
    let roster = writer.record(None, Payload::MemberAdded { member: me.clone(), fields: fields("赵一", "") });
    let check = CheckIn { at: 0, device: "phone".into(), proof: Proof::Code("123456".into()) };
    let own =
        writer.record(Some(&me), Payload::CheckedIn { meeting: MeetingId("g".into()), member: me.clone(), check });
    // Someone picked another member on this phone.
    let record = Nomination { nominee: m("c"), by: m("b"), deeds: "事迹".into() };
    let round = RoundId("r".into());
    let nomination = NominationId("n".into());
    let foreign = writer.record(Some(&m("b")), Payload::Nominated { round: round.clone(), nomination, record });
    // Another's objection as pulled, its author redacted.
    let record = Objection { about: None, text: "不实".into() };
    let objection = Payload::ObjectionFiled { round, objection: ObjectionId("o".into()), record };
    let pulled = writer.record(Some(&MemberId(REDACTED.into())), objection);
    let waiting = outbox_of(&[roster.clone(), own.clone(), foreign.clone(), pulled.clone()]);
    let (batches, settled) = outbox::batches(&waiting, &Boxes::default(), &phone, false);
    let sent: Vec<&EventId> = batches.iter().flat_map(|b| b.events.iter().map(|e| &e.id)).collect();
    assert_eq!(sent, [&own.id]);
    assert_eq!(settled.confirmed, [roster.id, pulled.id]);
    assert_eq!(settled.rejected.len(), 1);
    assert_eq!((settled.rejected[0].id.as_ref(), settled.rejected[0].kind.as_str()), (Some(&foreign.id), "nominated"));
}

#[test]
fn a_revision_carries_the_key_of_its_own_slot_only() {
    let round = RoundId("r".into());
    let secret = [9u8; 16];
    let push = |slot: String, rev| BallotPush {
        ratings: Default::default(),
        round: round.clone(),
        slot,
        rev,
        choices: Vec::new(),
        key: None,
    };
    let own = ballot::slot_of_secret(&round, &secret);
    let ballots = vec![push(own.clone(), 1), push(own, 0), push(ballot::random_slot(&[7; 16]), 1)];
    let keyed = outbox::with_keys(ballots, |r| (*r == round).then_some(secret));
    let keys: Vec<Option<String>> = keyed.iter().map(|b| b.key.clone()).collect();
    assert_eq!(keys, [Some(ballot::key_of_secret(&secret)), None, None], "a first ballot and a foreign slot get none");
    assert!(ballot::opens(&round, &keyed[0].slot, keys[0].as_deref().unwrap()));
}

#[test]
fn a_stored_outbox_reads_back() {
    let mut laptop = Writer::new("laptop");
    let event = laptop.record(None, Payload::MemberAdded { member: m("a"), fields: fields("王建国", "13800138000") });
    let stored = Outbox { events: [(event.id.clone(), event)].into(), rounds: [RoundId("r".into())].into() };
    assert_eq!(Outbox::parse(&stored.to_json()), Ok(stored.clone()));
    assert_eq!(stored.len(), 2, "a marked round counts one");
    assert!(Outbox::parse("not json").is_err());
}
