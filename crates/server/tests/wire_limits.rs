//! Limits on what one device may push (issue 22, items 1, 2 and the
//! lengths of item 11): clocks may not leap ahead of the branch, a branch
//! that already holds a leaping clock keeps syncing, ids and free strings
//! are bounded, answers never echo an oversized value, and the OpenAPI
//! schemas state the same lengths as the checks. Both engines.

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};
use zhibu_core::bounds::{ClockAhead, OutOfBounds};
use zhibu_core::document;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, EventId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::MemberDraft;
use zhibu_core::sync::{BallotPush, MAX_DETAIL, Outcome, PushResponse, Reason, Role, Session};

both_engines!(
    a_leaping_clock_is_refused,
    a_branch_holding_a_leaping_clock_keeps_syncing,
    oversized_ids_are_refused_and_not_echoed,
    an_oversized_event_is_refused,
    malformed_answers_are_short,
    openapi_states_the_lengths_the_server_checks,
);

/// The clock the probe used: the largest the server used to accept.
const POISON: u64 = 1 << 53;

/// Panics unless the event was rejected for `reason`, with the
/// particulars of `detail` (the core's value that says what was wrong).
#[track_caller]
fn rejected_because(r: &PushResponse, i: usize, reason: Reason, detail: impl std::fmt::Display) {
    let e = &r.events[i];
    let detail = detail.to_string();
    assert_eq!((e.outcome, e.reason, e.detail.as_deref()), (Outcome::Rejected, Some(reason), Some(&*detail)), "{r:?}");
}

/// A branch with one member, that member's phone, and the organizer's book.
struct Setup {
    organizer: Session,
    phone: Session,
    member: MemberId,
    laptop: Writer,
    book: Book,
}

async fn setup(server: &Server) -> Setup {
    let organizer = server.create_branch("第一党支部").await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let (member, added) = book.add_member(&laptop, "张三");
    server.push_ok(&organizer.token, &[added]).await;
    let phone = server.join(&organizer, &member, Role::Member).await;
    Setup { organizer, phone, member, laptop, book }
}

/// The app's way to a new event: its records take in what the server
/// serves (as `Session::merge_pulled` does, through the core's check), and
/// the next event takes the clock the core chooses.
fn app_event(pulled: &[Event], writer: &Writer, payload: Payload) -> Event {
    let mut records = Records::default();
    records.merge_events(pulled.iter().filter(|e| document::check_event(0, e).is_ok()));
    let stamp = EventStamp {
        device: writer.device.clone(),
        actor: writer.actor.clone(),
        unix_ms: now_ms(),
        random: random16(),
    };
    records.record(stamp, payload)
}

async fn a_leaping_clock_is_refused(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut s = setup(&server).await;
    let phone = Writer::phone(&s.member);
    let meeting = new_meeting();
    server.push_ok(&s.organizer.token, &[s.book.record(&s.laptop, meeting_saved(&meeting))]).await;
    let highest = 2; // the member and the meeting

    // The probe: a phone's own check-in at 2^53. Then one a step too far.
    let mut poison = s.book.draft(&phone, checked_in(&meeting, &s.member));
    poison.clock = POISON;
    let mut too_far = s.book.draft(&phone, leave_requested(&meeting, &s.member));
    too_far.clock = highest + 1_000_001;
    let r = server.push(&s.phone.token, &[poison, too_far], &[]).await;
    // Both against the branch's highest before the push: at most 1000002.
    rejected_because(&r, 0, Reason::ClockAhead, ClockAhead { clock: POISON, limit: 1_000_002 });
    rejected_because(&r, 1, Reason::ClockAhead, ClockAhead { clock: 1_000_003, limit: 1_000_002 });

    // A phone that was offline a long time is a step ahead at most: accepted.
    let mut far = s.book.draft(&phone, checked_in(&meeting, &s.member));
    far.clock = highest + 1_000_000;
    server.push_ok(&s.phone.token, std::slice::from_ref(&far)).await;
    s.book.apply(&[far]);

    // The organizer's next event goes above it, and is accepted.
    let pulled = server.pull_all(&s.organizer.token).await;
    let next = app_event(&pulled, &s.laptop, meeting_saved(&new_meeting()));
    assert_eq!(next.clock, highest + 1_000_001);
    server.push_ok(&s.organizer.token, &[next]).await;
}

async fn a_branch_holding_a_leaping_clock_keeps_syncing(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut s = setup(&server).await;
    let phone = Writer::phone(&s.member);
    let meeting = new_meeting();
    server.push_ok(&s.organizer.token, &[s.book.record(&s.laptop, meeting_saved(&meeting))]).await;

    // A server from before the limits stored a phone's event at 2^53.
    let mut poison = s.book.draft(&phone, checked_in(&meeting, &s.member));
    poison.clock = POISON;
    let version = server.db().branch(&s.organizer.branch).await.expect("branch").expect("exists").version;
    let row = (poison.id.0.clone(), serde_json::to_string(&poison).expect("json"));
    server.db().commit(&s.organizer.branch, version, &[row], &[]).await.expect("stored as before the limits");

    // The app's next events, on the organizer's laptop and on the phone,
    // after pulling it: both accepted, by this instance and by a fresh one
    // (which folds the branch from the database).
    for (attempt, instance) in [None, Some(server.another().await)].into_iter().enumerate() {
        let server = instance.as_ref().unwrap_or(&server);
        let pulled = server.pull_all(&s.organizer.token).await;
        assert!(pulled.iter().any(|e| e.id == poison.id), "the stored event is served");
        let next = app_event(&pulled, &s.laptop, meeting_saved(&new_meeting()));
        assert!(next.clock <= 10, "attempt {attempt}: the next clock stays low: {}", next.clock);
        server.push_ok(&s.organizer.token, &[next]).await;
        let pulled = server.pull_all(&s.phone.token).await;
        let mine = app_event(&pulled, &phone, leave_requested(&new_meeting(), &s.member));
        server.push_ok(&s.phone.token, &[mine]).await;
    }
}

/// An event by the organizer's laptop with one field replaced.
fn with(event: &Event, f: impl FnOnce(&mut Event)) -> Event {
    let mut e = event.clone();
    e.id = EventId::generate(now_ms() as u64, random16());
    f(&mut e);
    e
}

async fn oversized_ids_are_refused_and_not_echoed(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut s = setup(&server).await;
    let mega = "x".repeat(1 << 20);
    let base = s.book.draft(&s.laptop, meeting_saved(&new_meeting()));
    let events = vec![
        with(&base, |e| e.id = EventId(mega.clone())),
        with(&base, |e| e.device = DeviceId(mega.clone())),
        with(&base, |e| e.actor = Some(MemberId("a".repeat(65)))),
        with(&base, |e| e.payload = member_added(&MemberId(mega.clone()), "李四")),
        with(&base, |e| e.id = EventId("支".repeat(22))), // 66 bytes
        with(&base, |e| e.id = EventId(String::new())),
        // At the limit: accepted.
        with(&base, |e| e.id = EventId("0".repeat(64))),
    ];
    let body = Server::push_body(&events, &[]);
    let reply = server.post("/api/sync/push", Some(&s.organizer.token), &body).await;
    reply.expect(200);
    assert!(reply.text.len() < 4096, "the answer quotes no megabyte: {} bytes", reply.text.len());
    let r: PushResponse = reply.body();
    for i in 0..6 {
        assert_eq!(r.events[i].outcome, Outcome::Rejected, "event {i}: {:?}", r.events[i]);
        assert!(r.events[i].id.len() <= 64, "event {i}'s id is cut");
    }
    let id = |what, len| OutOfBounds::Id { what, len };
    rejected_because(&r, 0, Reason::OutOfBounds, id("id", 1 << 20));
    rejected_because(&r, 1, Reason::OutOfBounds, id("device", 1 << 20));
    rejected_because(&r, 2, Reason::OutOfBounds, id("actor", 65));
    rejected_because(&r, 3, Reason::OutOfBounds, id("member", 1 << 20));
    assert_eq!(r.events[4].id, "支".repeat(21), "cut at a character boundary");
    rejected_because(&r, 5, Reason::OutOfBounds, id("id", 0));
    assert_eq!(r.events[6].outcome, Outcome::Accepted, "{:?}", r.events[6]);

    // Free strings too: a check-in token padded to a megabyte.
    let phone = Writer::phone(&s.member);
    let mut padded = s.book.draft(&phone, checked_in(&new_meeting(), &s.member));
    if let Payload::CheckedIn { check, .. } = &mut padded.payload {
        check.proof = zhibu_core::checkin::Proof::Token(format!("{}#/c/x.y.z", " ".repeat(1 << 20)));
    }
    let r = server.push(&s.phone.token, &[padded], &[]).await;
    rejected_because(&r, 0, Reason::OutOfBounds, OutOfBounds::Text { what: "proof", len: (1 << 20) + 9 });

    // A ballot names its round and slot as pushed: cut, not echoed.
    let ballot = BallotPush {
        ratings: Default::default(),
        round: mega.as_str().into(),
        slot: mega.clone(),
        rev: 0,
        key: None,
        choices: vec![],
    };
    let body = Server::push_body(&[], &[ballot]);
    let reply = server.post("/api/sync/push", Some(&s.phone.token), &body).await;
    reply.expect(200);
    assert!(reply.text.len() < 4096, "the ballot's answer quotes no megabyte: {} bytes", reply.text.len());
    let r: PushResponse = reply.body();
    assert_eq!(r.ballots[0].outcome, Outcome::Rejected);
    assert_eq!((r.ballots[0].round.len(), r.ballots[0].slot.len()), (64, 64));

    // Nothing oversized reached the branch.
    let pulled = server.pull_all(&s.organizer.token).await;
    assert_eq!(pulled.len(), 2, "the member and the event at the limit");
}

async fn an_oversized_event_is_refused(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut s = setup(&server).await;
    let fields = MemberDraft { name: "王".repeat(40), group: "第".repeat(40), ..Default::default() }
        .validate()
        .expect("valid fields");
    let import = |n: usize| Payload::MembersImported {
        members: (0..n).map(|_| ImportedMember { id: new_member(), fields: fields.clone() }).collect(),
    };
    let small = s.book.draft(&s.laptop, import(100));
    let big = s.book.draft(&s.laptop, import(5000));
    let size = serde_json::to_string(&big).expect("json").len();
    assert!(size > 1 << 20 && size < 3 << 20, "one event just over the limit: {size} bytes");
    let r = server.push(&s.organizer.token, &[small, big], &[]).await;
    assert_eq!(r.events[0].outcome, Outcome::Accepted, "{:?}", r.events[0]);
    rejected_because(&r, 1, Reason::OutOfBounds, OutOfBounds::TooLarge(size));
}

async fn malformed_answers_are_short(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let s = setup(&server).await;
    // A parser's message quotes the value it could not read.
    let event = json!({"i": "01J0000000000000000000000A", "d": "x", "c": "9".repeat(100_000), "w": 0, "p": {"t": "member_archived", "member": "m"}});
    let body = json!({"schema": document::SCHEMA, "events": [event]});
    let reply = server.post("/api/sync/push", Some(&s.organizer.token), &body).await;
    reply.expect(200);
    let r: PushResponse = reply.body();
    assert_eq!((r.events[0].outcome, r.events[0].reason), (Outcome::Rejected, Some(Reason::Malformed)), "{r:?}");
    let detail = r.events[0].detail.as_deref().unwrap_or_default();
    assert!(detail.len() <= MAX_DETAIL && detail.ends_with('…'), "the particulars are cut: {detail:?}");
}

/// The schema of one property of a component.
fn property<'a>(doc: &'a Value, component: &str, field: &str) -> &'a Value {
    &doc["components"]["schemas"][component]["properties"][field]
}

async fn openapi_states_the_lengths_the_server_checks(engine: Engine) {
    use zhibu_core::bounds::MAX_ID;
    use zhibu_core::sync::{MAX_LOGIN, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD};
    let server = Server::start_default(&engine).await;
    let reply = server.get("/api/openapi.json", None).await;
    reply.expect(200);
    let doc: Value = reply.body();
    let expect = [
        ("NewBranch", "name", Some(1), MAX_NAME),
        ("NewBranch", "login", Some(1), MAX_NAME),
        ("NewBranch", "password", Some(MIN_PASSWORD), MAX_PASSWORD),
        ("Login", "login", None, MAX_LOGIN),
        ("Login", "password", None, MAX_PASSWORD),
        ("NewInvitation", "member", Some(1), MAX_ID),
        ("Accept", "code", None, 64),
        ("Accept", "label", None, MAX_NAME),
        ("BallotPush", "round", Some(1), MAX_ID),
        ("BallotPush", "slot", Some(8), 64),
        ("EventResult", "id", None, MAX_ID),
        ("BallotResult", "round", None, MAX_ID),
        ("BallotResult", "slot", None, MAX_ID),
        ("EventResult", "detail", None, MAX_DETAIL),
        ("BallotResult", "detail", None, MAX_DETAIL),
        ("Device", "label", None, MAX_NAME),
    ];
    for (component, field, min, max) in expect {
        let p = property(&doc, component, field);
        assert_eq!(p["maxLength"].as_u64(), Some(max as u64), "{component}.{field}: {p}");
        assert_eq!(p["minLength"].as_u64(), min.map(|m| m as u64), "{component}.{field}: {p}");
    }

    // The password's limit is in characters, as the schema counts: 256
    // three-byte characters are a valid password.
    let password = "党".repeat(MAX_PASSWORD);
    let body = json!({"name": "第二党支部", "login": unique("org-"), "password": password});
    server.post("/api/branches", None, &body).await.expect(201);
    let body = json!({"name": "第三党支部", "login": unique("org-"), "password": "党".repeat(MAX_PASSWORD + 1)});
    server.post("/api/branches", None, &body).await.expect_error(422, "invalid");
}
