//! The sync server's HTTP API end to end: the real router on a local port,
//! every test body against SQLite and PostgreSQL (`sqlite::name`,
//! `postgres::name`; see `common`). Every answer is checked to be below 500.

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use zhibu_core::appraisal::{Comment, Decision, Rating, SelfAssessment};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::ballot::Ballot;
use zhibu_core::checkin::{LeaveDecision, MakeUp};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{ClassId, MemberId, ObjectionId, RoundId, StudyId};
use zhibu_core::roster::{FieldValue, MemberDraft};
use zhibu_core::rounds::{Handling, Mode, Objection, Rules, Stage, Voter};
use zhibu_core::settings::Setting;
use zhibu_core::study::{SelfStudy, StudyDecision};
use zhibu_core::sync::{
    self, BallotPush, BoxResponse, Device, Outcome, Principal, PushResponse, Reason, Role, Session,
};
use zhibu_core::training::ClassValue;
use zhibu_server::auth;
use zhibu_server::clock::ManualClock;
use zhibu_server::store::InvitationRow;

both_engines!(
    push_pull_round_trip_and_paging,
    repush_is_idempotent,
    one_bad_event_does_not_refuse_the_others,
    phones_stay_off_the_server_unless_shared,
    branches_are_isolated,
    limits_answer_json,
    odd_requests_never_fail_the_server,
    errors_are_json_for_bad_queries_and_methods,
    authorization_matrix,
    event_kinds_by_role,
    invitations_are_one_time_and_expire,
    revocation_and_role_changes,
    named_round_across_phones,
    code_round,
    ballot_secrecy_in_database_and_logs,
    rate_limit_per_token_and_address,
    rate_limit_on_login,
    openapi_lists_routes_and_matches_bodies,
    two_instances_share_one_database,
);

/// An organizer's branch with a few members already pushed.
struct Branch {
    organizer: Session,
    laptop: Writer,
    book: Book,
    members: Vec<MemberId>,
}

async fn branch_with_members(server: &Server, name: &str, names: &[&str]) -> Branch {
    let organizer = server.create_branch(name).await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let mut members = Vec::new();
    let mut events = Vec::new();
    for n in names {
        let (m, e) = book.add_member(&laptop, n);
        members.push(m);
        events.push(e);
    }
    if !events.is_empty() {
        server.push_ok(&organizer.token, &events).await;
    }
    Branch { organizer, laptop, book, members }
}

// ---------------------------------------------------------------------------
// 1. Push and pull
// ---------------------------------------------------------------------------

async fn push_pull_round_trip_and_paging(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "第一党支部", &["张三", "李四"]).await;
    let (a, _) = (b.members[0].clone(), b.members[1].clone());
    let phone = server.join(&b.organizer, &a, Role::Member).await;
    let phone_writer = Writer::phone(&a);

    let mut all: Vec<Event> = server.pull_all(&b.organizer.token).await;
    assert_eq!(all.len(), 2);

    // A realistic mix from the laptop and a phone, in three pushes.
    let meeting = new_meeting();
    let mut batch1 = vec![b.book.record(&b.laptop, meeting_saved(&meeting))];
    for i in 0..8 {
        batch1.push(b.book.add_member(&b.laptop, &format!("成员{i}")).1);
    }
    let r1 = server.push_ok(&b.organizer.token, &batch1).await;
    let batch2 = vec![
        b.book.record(&phone_writer, checked_in(&meeting, &a)),
        b.book.record(&phone_writer, leave_requested(&meeting, &a)),
    ];
    let r2 = server.push_ok(&phone.token, &batch2).await;
    assert!(r2.cursor > r1.cursor, "the cursor moves on: {} then {}", r1.cursor, r2.cursor);
    let mut batch3 = Vec::new();
    for _ in 0..11 {
        batch3.push(b.book.record(&b.laptop, meeting_saved(&new_meeting())));
    }
    let r3 = server.push_ok(&b.organizer.token, &batch3).await;
    all.extend(batch1.iter().chain(&batch2).chain(&batch3).cloned());

    // Everything comes back in push order, equal as events and as JSON.
    let pulled = server.pull_all(&phone.token).await;
    assert_eq!(pulled.len(), all.len());
    for (p, e) in pulled.iter().zip(&all) {
        assert_eq!(p, e, "the same event");
        assert_eq!(serde_json::to_value(p).unwrap(), serde_json::to_value(e).unwrap(), "the same JSON");
    }
    // The first two (members from the helper) came first.
    assert_eq!(pulled[2], batch1[0]);

    // Paging: `next` is the last event's cursor, `more` until the end.
    let mut since = 0;
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let page = server.pull(&b.organizer.token, since, Some(5)).await;
        pages += 1;
        assert!(page.events.len() <= 5);
        assert_eq!(page.schema, zhibu_core::document::SCHEMA);
        if page.more {
            assert_eq!(page.events.len(), 5, "a page before the last is full");
            assert!(page.next > since);
        }
        paged.extend(page.events);
        since = page.next;
        if !page.more {
            break;
        }
    }
    assert_eq!(paged, all, "paging returns every event once, in order");
    assert_eq!(pages, all.len().div_ceil(5));
    assert_eq!(since, r3.cursor, "the last page's next is the push's cursor");

    // At the end: nothing, the same cursor, no more.
    let end = server.pull(&b.organizer.token, since, Some(5)).await;
    assert!(end.events.is_empty() && !end.more && end.next == since, "{end:?}");

    // Pushes between pages are never skipped.
    let first = server.pull(&b.organizer.token, 0, Some(4)).await;
    assert!(first.more);
    let late: Vec<Event> = (0..6).map(|_| b.book.record(&b.laptop, meeting_saved(&new_meeting()))).collect();
    server.push_ok(&b.organizer.token, &late).await;
    let mut since = first.next;
    let mut rest = first.events.clone();
    loop {
        let page = server.pull(&b.organizer.token, since, Some(7)).await;
        rest.extend(page.events);
        since = page.next;
        if !page.more {
            break;
        }
    }
    let mut expected = all.clone();
    expected.extend(late);
    assert_eq!(rest, expected, "no event skipped or repeated across a concurrent push");

    // limit 0 is read as 1; a huge limit is capped.
    let one = server.pull(&b.organizer.token, 0, Some(0)).await;
    assert_eq!(one.events.len(), 1);
    assert!(one.more);
    let capped = server.pull(&b.organizer.token, 0, Some(1_000_000)).await;
    assert_eq!(capped.events.len(), expected.len());
    assert!(!capped.more);
}

// ---------------------------------------------------------------------------
// 2. Idempotence and per-event rejection
// ---------------------------------------------------------------------------

async fn repush_is_idempotent(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "第二党支部", &[]).await;
    let batch: Vec<Event> = (0..6).map(|i| b.book.add_member(&b.laptop, &format!("党员{i}")).1).collect();
    let first = server.push(&b.organizer.token, &batch, &[]).await;
    assert!(outcomes(&first).iter().all(|o| *o == Outcome::Accepted), "{first:?}");
    let second = server.push(&b.organizer.token, &batch, &[]).await;
    assert!(outcomes(&second).iter().all(|o| *o == Outcome::Duplicate), "{second:?}");
    assert_eq!(second.cursor, first.cursor, "a duplicate push stores nothing");
    // Half old, half new: the old ones duplicate, the new ones accepted.
    let mut mixed = batch[..3].to_vec();
    mixed.push(b.book.add_member(&b.laptop, "新党员").1);
    let third = server.push(&b.organizer.token, &mixed, &[]).await;
    assert_eq!(outcomes(&third), [Outcome::Duplicate, Outcome::Duplicate, Outcome::Duplicate, Outcome::Accepted]);
    // The same event twice in one push: stored once.
    let twice = b.book.add_member(&b.laptop, "重复").1;
    let fourth = server.push(&b.organizer.token, &[twice.clone(), twice.clone()], &[]).await;
    assert_eq!(outcomes(&fourth), [Outcome::Accepted, Outcome::Duplicate]);

    let pulled = server.pull_all(&b.organizer.token).await;
    let ids: Vec<&str> = pulled.iter().map(|e| e.id.as_str()).collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), distinct.len(), "each event once");
    assert_eq!(pulled.len(), 8);
}

async fn one_bad_event_does_not_refuse_the_others(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "第三党支部", &[]).await;
    let good1 = b.book.add_member(&b.laptop, "王五").1;
    let good2 = b.book.record(&b.laptop, meeting_saved(&new_meeting()));
    let good3 = b.book.add_member(&b.laptop, "赵六").1;
    // Bad JSON shape: a clock that is a string, no payload.
    let shape = json!({"i": "01BADSHAPE0000000000000000", "d": "x", "c": "seven", "w": 0});
    // A bad member field: an empty name (the form would refuse it).
    let mut field = serde_json::to_value(b.book.draft(&b.laptop, member_added(&new_member(), "临时"))).unwrap();
    field["p"]["fields"]["name"] = json!("");
    let field_id = field["i"].as_str().unwrap().to_owned();
    // Too long a text: a topic of 1000 characters (the limit is 100).
    let mut long = b.book.draft(&b.laptop, meeting_saved(&new_meeting()));
    if let Payload::MeetingSaved { changes, .. } = &mut long.payload {
        changes.push(zhibu_core::meetings::MeetingValue::Topic("长".repeat(1000)));
    }
    // A clock beyond what a browser keeps exactly.
    let mut clock = b.book.draft(&b.laptop, meeting_saved(&new_meeting()));
    clock.clock = 1 << 60;
    // Not even an object.
    let events = json!([good1, shape, good2, field, long, 42, clock, good3]);
    let reply = server
        .post(
            "/api/sync/push",
            Some(&b.organizer.token),
            &json!({"schema": zhibu_core::document::SCHEMA, "events": events}),
        )
        .await;
    reply.expect(200);
    let r: PushResponse = reply.body();
    assert_eq!(r.events.len(), 8);
    let got = outcomes(&r);
    use Outcome::{Accepted as A, Rejected as R};
    assert_eq!(got, [A, R, A, R, R, R, R, A], "{r:#?}");
    let reasons: Vec<Option<Reason>> = r.events.iter().map(|e| e.reason).collect();
    use Reason::{InvalidFields, Malformed, OutOfBounds, TooLong};
    let want =
        [None, Some(Malformed), None, Some(InvalidFields), Some(TooLong), Some(Malformed), Some(OutOfBounds), None];
    assert_eq!(reasons, want, "{r:#?}");
    for i in [1, 3, 4, 5, 6] {
        assert!(r.events[i].detail.as_deref().is_some_and(|s| !s.is_empty()), "particulars for {i}: {r:?}");
    }
    assert_eq!(r.events[1].id, "01BADSHAPE0000000000000000", "the id is read even from a malformed event");
    assert_eq!(r.events[3].id, field_id);
    assert_eq!(r.events[4].id, long.id.0);
    assert_eq!(r.events[5].id, "", "an event without an id answers with an empty one");
    assert_eq!(r.events[0].reason, None);

    let pulled = server.pull_all(&b.organizer.token).await;
    assert_eq!(pulled, vec![good1, good2, good3], "only the good events are stored");
}

async fn phones_stay_off_the_server_unless_shared(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "第四党支部", &[]).await;
    let with_phone = |name: &str| {
        let fields = MemberDraft { name: name.into(), phone: "13800138000".into(), ..Default::default() }
            .validate()
            .expect("valid");
        Payload::MemberAdded { member: new_member(), fields }
    };
    let e = b.book.draft(&b.laptop, with_phone("钱七"));
    let r = server.push(&b.organizer.token, std::slice::from_ref(&e), &[]).await;
    rejected_because(&r, 0, Reason::PhonesNotKept);
    let settings = server.get("/api/branch", Some(&b.organizer.token)).await;
    settings.expect(200);
    assert_eq!(settings.json, json!({"share_phones": false}));
    server.put("/api/branch", Some(&b.organizer.token), &json!({"share_phones": true})).await.expect(200);
    let r = server.push(&b.organizer.token, &[e], &[]).await;
    assert_eq!(outcomes(&r), [Outcome::Accepted], "{r:?}");
}

// ---------------------------------------------------------------------------
// 3. Branch isolation
// ---------------------------------------------------------------------------

async fn branches_are_isolated(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut a = branch_with_members(&server, "甲支部", &["甲一", "甲二"]).await;
    let mut b = branch_with_members(&server, "乙支部", &["乙一", "乙二"]).await;
    let a_phone = server.join(&a.organizer, &a.members[0], Role::Member).await;
    let b_phone = server.join(&b.organizer, &b.members[0], Role::Member).await;

    // Rounds in both, open for voting.
    let nominations = [(a.members[0].clone(), a.members[1].clone())];
    let a_round = round_to_voting(&mut a.book, &a.laptop, rules("甲评选", Mode::Named, 1, 1), &nominations);
    let (a_nominations, a_rest): (Vec<Event>, Vec<Event>) =
        a_round.events.into_iter().partition(|e| matches!(e.payload, Payload::Nominated { .. }));
    // Nominations come from the organizer relaying here (a keeper may).
    let mut a_events = a_rest.clone();
    a_events.extend(a_nominations);
    a_events.sort_by_key(|e| e.clock);
    server.push_ok(&a.organizer.token, &a_events).await;
    let b_nominations = [(b.members[0].clone(), b.members[1].clone())];
    let b_round = round_to_voting(&mut b.book, &b.laptop, rules("乙评选", Mode::Named, 1, 1), &b_nominations);
    server.push_ok(&b.organizer.token, &b_round.events).await;

    let a_events = server.pull_all(&a.organizer.token).await;
    let b_events = server.pull_all(&b.organizer.token).await;
    let a_ids: BTreeSet<_> = a_events.iter().map(|e| e.id.clone()).collect();
    let b_ids: BTreeSet<_> = b_events.iter().map(|e| e.id.clone()).collect();
    assert!(a_ids.is_disjoint(&b_ids));
    assert_eq!(server.pull_all(&a_phone.token).await, a_events, "a phone pulls its own branch only");
    assert_eq!(server.pull_all(&b_phone.token).await, b_events);

    // A's organizer pushing B's very event stores a copy in A, answered
    // as new (not "duplicate", which would tell that B holds that id).
    let copied = b_events[0].clone();
    let r = server.push(&a.organizer.token, std::slice::from_ref(&copied), &[]).await;
    assert_eq!(outcomes(&r), [Outcome::Accepted], "B's ids are no oracle for A: {r:?}");
    assert_eq!(server.pull_all(&b.organizer.token).await, b_events, "B is unchanged by A's pushes");
    // A's phone cannot push into B either: whatever it sends lands in A or nowhere.
    let own = a.book.record(&Writer::phone(&a.members[0]), checked_in(&new_meeting(), &a.members[0]));
    server.push_ok(&a_phone.token, &[own]).await;
    assert_eq!(server.pull_all(&b.organizer.token).await, b_events);

    // Devices: B sees none of A's, and cannot revoke or re-role them.
    let a_devices: Vec<Device> = server.get("/api/devices", Some(&a.organizer.token)).await.body();
    let b_devices: Vec<Device> = server.get("/api/devices", Some(&b.organizer.token)).await.body();
    let a_dev_ids: BTreeSet<_> = a_devices.iter().map(|d| d.id.clone()).collect();
    let b_dev_ids: BTreeSet<_> = b_devices.iter().map(|d| d.id.clone()).collect();
    assert!(a_dev_ids.contains(&a_phone.device) && a_dev_ids.contains(&a.organizer.device));
    assert!(a_dev_ids.is_disjoint(&b_dev_ids), "A's devices are invisible to B");
    server
        .delete(&format!("/api/devices/{}", a_phone.device), Some(&b.organizer.token))
        .await
        .expect_error(404, "not_found");
    server
        .put(&format!("/api/devices/{}/role", a_phone.device), Some(&b.organizer.token), &json!({"role": "committee"}))
        .await
        .expect_error(404, "not_found");
    server.get("/api/session", Some(&a_phone.token)).await.expect(200);
    let whoami: Device = server.get("/api/session", Some(&a_phone.token)).await.body();
    assert_eq!(whoami.role, Role::Member, "B could not change A's device");

    // An invitation of A makes a device of A, never of B.
    let invitation = server.invite(&a.organizer, &a.members[1], Role::Member).await;
    let joined = server.accept(&invitation.code).await;
    assert_eq!(joined.branch, a.organizer.branch);
    assert_eq!(joined.branch_name, "甲支部");
    let b_devices: Vec<Device> = server.get("/api/devices", Some(&b.organizer.token)).await.body();
    assert!(b_devices.iter().all(|d| d.id != joined.device));

    // Boxes: B's round is no round of A's.
    for token in [&a.organizer.token, &a_phone.token] {
        server.get(&format!("/api/rounds/{}/box", b_round.round), Some(token)).await.expect_error(404, "not_found");
    }
    server
        .post(&format!("/api/rounds/{}/box", b_round.round), Some(&a.organizer.token), &json!({}))
        .await
        .expect_error(404, "not_found");
    // And B's box is still open.
    server
        .get(&format!("/api/rounds/{}/box", b_round.round), Some(&b.organizer.token))
        .await
        .expect_error(409, "conflict");
    // A vote in A's round by A's phone is A's.
    let _ = a_round.round;
}

// ---------------------------------------------------------------------------
// 4. Limits and malformed requests
// ---------------------------------------------------------------------------

async fn limits_answer_json(engine: Engine) {
    let mut config = test_config();
    config.max_body = 16 * 1024;
    let server = Server::start(&engine, config).await;
    let mut b = branch_with_members(&server, "第五党支部", &[]).await;
    let token = b.organizer.token.clone();

    // A body over max_body: 413 with a JSON error.
    let big: Vec<Event> = (0..200).map(|i| b.book.add_member(&b.laptop, &format!("成员{i:03}")).1).collect();
    let body = serde_json::to_vec(&Server::push_body(&big, &[])).unwrap();
    assert!(body.len() > 16 * 1024);
    let reply = server.raw(Method::POST, "/api/sync/push", Some(&token), Some(body)).await;
    reply.expect_error(413, "too_large");
    assert!(reply.content_type().starts_with("application/json"), "{}", reply.content_type());
    // Also on a public endpoint.
    let huge = json!({"name": "x".repeat(20_000), "login": "l", "password": "p"});
    server.post("/api/branches", None, &huge).await.expect_error(413, "too_large");

    // More than 500 events, within the byte limit of a default server.
    let server = Server::start_default(&engine).await;
    let b2 = branch_with_members(&server, "第六党支部", &[]).await;
    let many: Vec<Value> = (0..501).map(|i| json!(i)).collect();
    server
        .post("/api/sync/push", Some(&b2.organizer.token), &json!({"schema": 2, "events": many}))
        .await
        .expect_error(413, "too_large");
    let ballots: Vec<BallotPush> = (0..501).map(|_| ballot(&RoundId::from("r"), &[])).collect();
    server
        .post("/api/sync/push", Some(&b2.organizer.token), &Server::push_body(&[], &ballots))
        .await
        .expect_error(413, "too_large");
    assert!(server.pull_all(&b2.organizer.token).await.is_empty());

    // Malformed JSON and the wrong shape: 422 with the parser's words.
    let reply = server
        .raw(Method::POST, "/api/sync/push", Some(&b2.organizer.token), Some(b"{\"schema\": 2, \"events\": [".to_vec()))
        .await;
    reply.expect_error(422, "invalid");
    assert!(reply.json["message"].as_str().unwrap().contains("line"), "{}", reply.text);
    server
        .post("/api/sync/push", Some(&b2.organizer.token), &json!({"schema": 2, "events": 5}))
        .await
        .expect_error(422, "invalid");
    server.raw(Method::POST, "/api/branches", None, Some(b"not json".to_vec())).await.expect_error(422, "invalid");
    server.raw(Method::POST, "/api/login", None, Some(Vec::new())).await.expect_error(422, "invalid");
    server.raw(Method::POST, "/api/branches", None, Some(vec![0xff, 0xfe, 0x00])).await.expect_error(422, "invalid");
    // A newer schema than the server reads.
    server
        .post("/api/sync/push", Some(&b2.organizer.token), &json!({"schema": 999, "events": []}))
        .await
        .expect_error(422, "invalid");

    // Texts too long or empty: 422.
    let reply = server
        .post(
            "/api/branches",
            None,
            &json!({"name": "长".repeat(101), "login": unique("l"), "password": "long enough"}),
        )
        .await;
    reply.expect_error(422, "invalid");
    server
        .post("/api/branches", None, &json!({"name": "  ", "login": unique("l"), "password": "long enough"}))
        .await
        .expect_error(422, "invalid");
    server
        .post("/api/branches", None, &json!({"name": "支部", "login": "x".repeat(101), "password": "long enough"}))
        .await
        .expect_error(422, "invalid");
    server
        .post("/api/branches", None, &json!({"name": "支\n部", "login": unique("l"), "password": "long enough"}))
        .await
        .expect_error(422, "invalid");
    server
        .post("/api/branches", None, &json!({"name": "支部", "login": unique("l"), "password": "short"}))
        .await
        .expect_error(422, "invalid");
    server
        .post("/api/branches", None, &json!({"name": "支部", "login": unique("l"), "password": "p".repeat(257)}))
        .await
        .expect_error(422, "invalid");
    server
        .post("/api/invitations", Some(&b2.organizer.token), &json!({"member": "m".repeat(101), "role": "member"}))
        .await
        .expect_error(422, "invalid");
    server.post("/api/invitations/accept", None, &json!({"code": "x", "label": "l".repeat(101)})).await.expect(422);
    // Exactly 100 characters is fine.
    let reply = server
        .post(
            "/api/branches",
            None,
            &json!({"name": "长".repeat(100), "login": unique("l"), "password": "long enough"}),
        )
        .await;
    reply.expect(201);
    // A taken login is not told apart (tests/http_hardening.rs): another number.
    let (_, login, _) = server.create_branch_with_login("重名").await;
    server
        .post("/api/branches", None, &json!({"name": "另一个", "login": login, "password": "long enough"}))
        .await
        .expect(201);

    // Unknown /api paths: 404 JSON.
    for path in ["/api/nope", "/api/sync", "/api/sync/pull/extra", "/api/rounds", "/api/devices/x/y/z"] {
        let reply = server.get(path, Some(&b2.organizer.token)).await;
        reply.expect_error(404, "not_found");
        assert!(reply.content_type().starts_with("application/json"), "{path}: {}", reply.content_type());
    }
}

async fn odd_requests_never_fail_the_server(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "第七党支部", &["孙八"]).await;
    let token = b.organizer.token.clone();
    let e = b.book.record(&b.laptop, meeting_saved(&new_meeting()));
    server.push_ok(&token, &[e]).await;
    // Cursors and limits at the edges.
    for path in [
        "/api/sync/pull?since=18446744073709551615",
        "/api/sync/pull?since=9223372036854775807&limit=1",
        "/api/sync/pull?since=9223372036854775808",
        "/api/sync/pull?limit=18446744073709551615",
        "/api/sync/pull?since=0&limit=0",
        "/api/sync/pull",
    ] {
        let r = server.get(path, Some(&token)).await;
        r.expect(200);
    }
    let far = server.get("/api/sync/pull?since=18446744073709551615", Some(&token)).await;
    assert_eq!(far.json["events"], json!([]));
    // Odd events: each answered, none stored.
    let events = json!([null, [], {}, "x", 1.5, {"i": 7}, {"i": "a", "p": {"t": "no_such_kind"}},
        {"i": "n", "d": "d", "c": 1, "w": 0, "p": {"t": "member_archived"}}]);
    let reply = server.post("/api/sync/push", Some(&token), &json!({"schema": 2, "events": events})).await;
    reply.expect(200);
    let r: PushResponse = reply.body();
    assert!(outcomes(&r).iter().all(|o| *o == Outcome::Rejected), "{r:?}");
    // Deep nesting: refused as a body, not a crash.
    let deep = format!("{{\"schema\":2,\"events\":[{}{}]}}", "[".repeat(5000), "]".repeat(5000));
    server.raw(Method::POST, "/api/sync/push", Some(&token), Some(deep.into_bytes())).await.expect(422);
    // Odd ballots: unknown round, malformed slot, negative revision.
    let odd = json!({"schema": 2, "events": [], "ballots": [
        {"round": "nope", "slot": "abcdefgh12345678", "choices": []},
        {"round": "nope", "slot": "../../etc/passwd", "choices": ["x"]},
    ]});
    let r: PushResponse = server.post("/api/sync/push", Some(&token), &odd).await.body();
    assert_eq!(ballot_outcomes(&r), [Outcome::Rejected, Outcome::Rejected]);
    server
        .post(
            "/api/sync/push",
            Some(&token),
            &json!({"schema": 2, "events": [], "ballots": [{"round": "r", "slot": "s", "rev": -1, "choices": []}]}),
        )
        .await
        .expect(422);
    // Odd credentials.
    for header in ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer xyz", &format!("Bearer {}", "a".repeat(10_000))] {
        let resp = server
            .http
            .get(format!("{}/api/session", server.base))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401, "{header:.20}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    // Odd paths.
    let long_round = "r".repeat(5000);
    server.get(&format!("/api/rounds/{long_round}/box"), Some(&token)).await.expect_error(404, "not_found");
    server.delete("/api/devices/%2e%2e", Some(&token)).await.expect(404);
    // The server still answers.
    server.get("/api/health", None).await.expect(200);
}

async fn errors_are_json_for_bad_queries_and_methods(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let b = branch_with_members(&server, "第八党支部", &[]).await;
    let mut problems = Vec::new();
    for (method, path) in [
        (Method::GET, "/api/sync/pull?since=abc"),
        (Method::GET, "/api/sync/pull?limit=-1"),
        (Method::PUT, "/api/health"),
        (Method::GET, "/api/sync/push"),
        (Method::DELETE, "/api/branch"),
        (Method::GET, "/api/"),
        (Method::GET, "/api"),
        (Method::GET, "/api/rounds/%00%ff/box"),
        (Method::DELETE, "/api/devices/%ff"),
    ] {
        let reply = server.call(method.clone(), path, Some(&b.organizer.token), None).await;
        let json_error = reply.json["error"].is_string() && reply.content_type().starts_with("application/json");
        if !(400..500).contains(&reply.status) || !json_error {
            problems.push(format!("{method} {path} → {} {:?} {:?}", reply.status, reply.content_type(), reply.text));
        }
    }
    assert!(problems.is_empty(), "every error should be a JSON ApiError:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 5. Authorization
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    NoToken,
    Garbage,
    Unknown,
    Revoked,
    Expired,
    Member,
    Committee,
    Organizer,
    OtherOrganizer,
}

const CALLERS: [Caller; 9] = [
    Caller::NoToken,
    Caller::Garbage,
    Caller::Unknown,
    Caller::Revoked,
    Caller::Expired,
    Caller::Member,
    Caller::Committee,
    Caller::Organizer,
    Caller::OtherOrganizer,
];

async fn authorization_matrix(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let (organizer, login, password) = server.create_branch_with_login("矩阵支部").await;
    let other = server.create_branch("别的支部").await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let mut setup = Vec::new();
    let mut members = Vec::new();
    for name in ["周一", "吴二", "郑三", "王四"] {
        let (m, e) = book.add_member(&laptop, name);
        members.push(m);
        setup.push(e);
    }
    let (member, committee, nominee) = (members[0].clone(), members[1].clone(), members[2].clone());
    let mut round = |book: &mut Book, title: &str| {
        let r = round_to_voting(book, &laptop, rules(title, Mode::Named, 1, 1), &[(member.clone(), nominee.clone())]);
        setup.extend(r.events);
        r.round
    };
    let open = round(&mut book, "开放");
    let closed = round(&mut book, "已关闭");
    let to_close = round(&mut book, "待关闭");
    server.push_ok(&organizer.token, &setup).await;
    server.post(&format!("/api/rounds/{closed}/box"), Some(&organizer.token), &json!({})).await.expect(200);

    let never = now_ms() + 86_400_000;
    let token_for = |caller: Caller| {
        let (server, organizer, other, member, committee) = (&server, &organizer, &other, &member, &committee);
        async move {
            let b = &organizer.branch;
            match caller {
                Caller::NoToken => None,
                Caller::Garbage => Some("not a token".to_owned()),
                Caller::Unknown => Some(auth::new_token()),
                Caller::Revoked => {
                    let token = server.mint(b, Role::Organizer, None, never, false).await;
                    let row = server.db().token(&auth::hash(&token)).await.unwrap().unwrap();
                    assert!(server.db().revoke_token(b, &row.id).await.unwrap());
                    Some(token)
                }
                Caller::Expired => Some(server.mint(b, Role::Organizer, None, now_ms() - 1000, false).await),
                Caller::Member => Some(server.mint(b, Role::Member, Some(member), never, false).await),
                Caller::Committee => Some(server.mint(b, Role::Committee, Some(committee), never, false).await),
                Caller::Organizer => Some(server.mint(b, Role::Organizer, None, never, false).await),
                Caller::OtherOrganizer => Some(server.mint(&other.branch, Role::Organizer, None, never, false).await),
            }
        }
    };

    // (method, path, expected for each caller in CALLERS order)
    const PUBLIC_200: [u16; 9] = [200; 9];
    const AUTH_200: [u16; 9] = [401, 401, 401, 401, 401, 200, 200, 200, 200];
    type Row = (&'static str, &'static str, [u16; 9]);
    let rows: Vec<Row> = vec![
        ("GET", "/api/health", PUBLIC_200),
        ("GET", "/api/openapi.json", PUBLIC_200),
        ("POST", "/api/branches", [201; 9]),
        ("POST", "/api/login", PUBLIC_200),
        ("POST", "/api/invitations/accept", PUBLIC_200),
        ("GET", "/api/no/such/endpoint", [404; 9]),
        ("GET", "/api/session", AUTH_200),
        ("DELETE", "/api/session", [401, 401, 401, 401, 401, 204, 204, 204, 204]),
        // Another branch's organizer: the member is not in its roster.
        ("POST", "/api/invitations", [401, 401, 401, 401, 401, 403, 403, 201, 422]),
        ("GET", "/api/devices", [401, 401, 401, 401, 401, 403, 403, 200, 200]),
        ("DELETE", "/api/devices/{device}", [401, 401, 401, 401, 401, 403, 403, 204, 404]),
        ("PUT", "/api/devices/{device}/role", [401, 401, 401, 401, 401, 403, 403, 204, 404]),
        ("GET", "/api/branch", AUTH_200),
        ("PUT", "/api/branch", [401, 401, 401, 401, 401, 403, 403, 200, 200]),
        ("POST", "/api/sync/push", AUTH_200),
        ("GET", "/api/sync/pull", AUTH_200),
        ("GET", "/api/rounds/{open}/box", [401, 401, 401, 401, 401, 409, 409, 409, 404]),
        ("GET", "/api/rounds/{closed}/box", [401, 401, 401, 401, 401, 200, 200, 200, 404]),
        ("GET", "/api/rounds/{unknown}/box", [401, 401, 401, 401, 401, 404, 404, 404, 404]),
        ("POST", "/api/rounds/{to_close}/box", [401, 401, 401, 401, 401, 403, 200, 200, 404]),
    ];

    let mut table = String::new();
    let mut failures = 0;
    let _ = writeln!(table, "{:<32} {}", "endpoint", CALLERS.map(|c| format!("{c:?}")).join(" | "));
    for (method, template, expected) in &rows {
        let mut line = format!("{:<32}", format!("{method} {template}"));
        for (caller, want) in CALLERS.iter().zip(expected) {
            let token = token_for(*caller).await;
            // A fresh target device and invitation per cell.
            let mut path = template
                .replace("{open}", open.as_str())
                .replace("{closed}", closed.as_str())
                .replace("{to_close}", to_close.as_str())
                .replace("{unknown}", "01NOSUCHROUND0000000000000");
            if path.contains("{device}") {
                let target = server.join(&organizer, &members[3], Role::Member).await;
                path = path.replace("{device}", &target.device);
            }
            let body = match (*method, path.as_str()) {
                ("POST", "/api/branches") => {
                    Some(json!({"name": "新支部", "login": unique("l"), "password": "long enough"}))
                }
                ("POST", "/api/login") => Some(json!({"login": login, "password": password})),
                ("POST", "/api/invitations/accept") => {
                    let inv = server.invite(&organizer, &members[3], Role::Member).await;
                    Some(json!({"code": inv.code}))
                }
                ("POST", "/api/invitations") => Some(json!({"member": members[3], "role": "member"})),
                ("PUT", p) if p.ends_with("/role") => Some(json!({"role": "committee"})),
                ("PUT", "/api/branch") => Some(json!({"share_phones": false})),
                ("POST", "/api/sync/push") => Some(json!({"schema": 2, "events": []})),
                ("POST", _) => Some(json!({})),
                _ => None,
            };
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let reply = server.call(m, &path, token.as_deref(), body.as_ref()).await;
            let ok = reply.status == *want;
            if !ok {
                failures += 1;
            }
            // Every error is JSON.
            let json_ok = reply.status < 400 || reply.json["error"].is_string();
            if !json_ok {
                failures += 1;
            }
            let _ = write!(
                line,
                " | {}{}{}",
                reply.status,
                if ok { String::new() } else { format!("≠{want}") },
                if json_ok { "" } else { "(not JSON)" }
            );
        }
        let _ = writeln!(table, "{line}");
    }
    println!("{table}");
    assert_eq!(failures, 0, "authorization matrix ({} engine), ≠ marks the expected status:\n{table}", engine.name());
}

/// Every payload kind the core knows, read from `sync::kind`'s source so a
/// new kind makes this test fail until it has a sample.
fn all_kinds() -> Vec<String> {
    let source = include_str!("../../core/src/sync/push_rules.rs");
    let start = source.find("pub fn kind(").expect("sync::kind");
    let body = &source[start..];
    let end = body.find("\n}\n").expect("end of sync::kind");
    body[..end]
        .lines()
        .filter_map(|l| l.split("=> \"").nth(1))
        .map(|rest| rest.trim_end_matches(['"', ',']).to_owned())
        .collect()
}

struct Ctx {
    meeting: zhibu_core::ids::MeetingId,
    /// A round at voting (votes, reviews, handlings).
    round: RoundId,
    /// A round taking nominations (a phone's nomination is judged by it).
    nominating: RoundId,
    /// A round in 公示 (a phone's objection is judged by it).
    publicity: RoundId,
    /// An appraisal at 自评互评 (a phone's 自评 and comments are judged by it).
    appraisal: RoundId,
    nominee: MemberId,
}

/// A valid example of `kind` about `subject` (`None` for `voted`).
fn sample(kind: &str, subject: &MemberId, ctx: &Ctx) -> Option<Payload> {
    let date = Date::from_ymd(2025, 3, 1).unwrap();
    let fields = || MemberDraft { name: "新成员".into(), ..Default::default() }.validate().unwrap();
    Some(match kind {
        "member_added" => member_added(&new_member(), "新成员"),
        "member_edited" => Payload::MemberEdited {
            member: subject.clone(),
            changes: vec![FieldValue::Group("第二党小组".into())],
        },
        "member_archived" => Payload::MemberArchived { member: subject.clone() },
        "member_restored" => Payload::MemberRestored { member: subject.clone() },
        "members_imported" => {
            Payload::MembersImported { members: vec![ImportedMember { id: new_member(), fields: fields() }] }
        }
        "attendance_marked" => Payload::AttendanceMarked {
            meeting: ctx.meeting.clone(),
            member: subject.clone(),
            mark: Attendance { status: AttendanceStatus::Present, at: None, by_self: false },
        },
        "settings_changed" => Payload::SettingsChanged { changes: vec![Setting::LateGrace(10)] },
        "meeting_saved" => meeting_saved(&new_meeting()),
        "checked_in" => checked_in(&ctx.meeting, subject),
        "leave_requested" => leave_requested(&ctx.meeting, subject),
        "leave_decided" => Payload::LeaveDecided {
            meeting: ctx.meeting.clone(),
            member: subject.clone(),
            decision: LeaveDecision { approved: true, note: String::new() },
        },
        "made_up" => Payload::MadeUp {
            meeting: ctx.meeting.clone(),
            member: subject.clone(),
            make_up: MakeUp { date, what: "补学会议精神".into(), confirmed_by: "书记".into() },
        },
        "device_confirmed" => Payload::DeviceConfirmed { device: "phone-stable-id".into(), member: subject.clone() },
        "class_saved" => Payload::ClassSaved {
            class: ClassId::generate(now_ms() as u64, random16()),
            changes: vec![ClassValue::Title("入党积极分子培训班".into())],
        },
        "self_study_recorded" => Payload::SelfStudyRecorded {
            study: StudyId::generate(now_ms() as u64, random16()),
            record: SelfStudy {
                member: subject.clone(),
                date,
                material: "《中国共产党章程》".into(),
                tenths: 20,
                note: String::new(),
                withdrawn: false,
            },
        },
        "self_study_decided" => Payload::SelfStudyDecided {
            study: StudyId::generate(now_ms() as u64, random16()),
            decision: StudyDecision { confirmed: true, by: subject.clone(), note: String::new() },
        },
        "round_saved" => Payload::RoundSaved {
            round: RoundId::generate(now_ms() as u64, random16()),
            changes: vec![zhibu_core::rounds::RoundValue::Rules(rules("另一轮", Mode::Named, 1, 1))],
        },
        "nominated" => nominated(&ctx.nominating, subject, &ctx.nominee),
        "reviewed" => reviewed(&ctx.round, &ctx.nominee),
        "voted" => return None,
        "objection_filed" => Payload::ObjectionFiled {
            round: ctx.publicity.clone(),
            objection: ObjectionId::generate(now_ms() as u64, random16()),
            record: Objection { about: None, text: "对评选程序有异议".into() },
        },
        "objection_handled" => Payload::ObjectionHandled {
            round: ctx.round.clone(),
            objection: ObjectionId::generate(now_ms() as u64, random16()),
            handling: Handling { upheld: false, note: "经核实，异议不成立".into() },
        },
        "self_assessed" => Payload::SelfAssessed {
            round: ctx.appraisal.clone(),
            member: subject.clone(),
            assessment: SelfAssessment { text: "对照党章党规查找差距".into(), on_paper: false },
        },
        "commented" => Payload::Commented {
            round: ctx.appraisal.clone(),
            by: subject.clone(),
            about: ctx.nominee.clone(),
            comment: Comment { text: "工作认真负责".into() },
        },
        "appraisal_decided" => Payload::AppraisalDecided {
            round: ctx.appraisal.clone(),
            member: subject.clone(),
            decision: Decision { grade: Rating::Competent, reason: String::new(), follow_up: String::new() },
        },
        other => panic!("no sample for payload kind `{other}`: add one"),
    })
}

/// Kinds whose subject must be the event's actor (the core's content check).
fn acted_by_subject(kind: &str) -> bool {
    matches!(
        kind,
        "checked_in"
            | "leave_requested"
            | "self_study_recorded"
            | "nominated"
            | "self_study_decided"
            | "voted"
            | "self_assessed"
            | "commented"
    )
}

/// What the brief (and the protocol's documentation) says a phone may push as itself.
const PHONE_KINDS: [&str; 8] = [
    "checked_in",
    "leave_requested",
    "self_study_recorded",
    "nominated",
    "objection_filed",
    "voted",
    "self_assessed",
    "commented",
];

async fn event_kinds_by_role(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "角色支部", &["陈一", "林二", "黄三", "何四", "罗五", "梁六"]).await;
    let [me, other, keeper, d, e, nominee] = <[MemberId; 6]>::try_from(b.members.clone()).unwrap();
    let phone = server.join(&b.organizer, &me, Role::Member).await;
    let committee = server.join(&b.organizer, &keeper, Role::Committee).await;
    let r = round_to_voting(
        &mut b.book,
        &b.laptop,
        rules("角色评选", Mode::Named, 1, 1),
        &[(other.clone(), nominee.clone())],
    );
    server.push_ok(&b.organizer.token, &r.events).await;
    let meeting = new_meeting();
    server.push_ok(&b.organizer.token, &[b.book.record(&b.laptop, meeting_saved(&meeting))]).await;
    // Phones' nominations and objections are judged by their round's stage.
    let (nominating, saved) = b.book.new_round(&b.laptop, rules("提名中", Mode::Named, 1, 1));
    let open = b.book.advance(&b.laptop, &nominating, Stage::Nomination);
    let p = round_to_voting(
        &mut b.book,
        &b.laptop,
        rules("公示中", Mode::Named, 1, 1),
        &[(other.clone(), nominee.clone())],
    );
    let (appraisal, appraisal_saved) = b.book.new_round(&b.laptop, Rules::appraisal("年度民主评议", 2025));
    let assessing = b.book.advance(&b.laptop, &appraisal, Stage::Assessment);
    let mut events = vec![saved, open, appraisal_saved, assessing];
    events.extend(p.events);
    // The nominee elected on five paper ballots of six (公示 needs a winner).
    let mut papers = Vec::new();
    for voter in [&me, &other, &keeper, &d, &e] {
        events.push(b.book.record(&b.laptop, voted(&p.round, Voter::Paper(voter.clone()))));
        let paper = ballot(&p.round, std::slice::from_ref(&nominee));
        b.book.state.cast(&p.round, &paper.slot, Ballot::of(0, paper.choices.clone()));
        papers.push(paper);
    }
    events.push(b.book.advance(&b.laptop, &p.round, Stage::Closed));
    events.push(b.book.advance(&b.laptop, &p.round, Stage::Publicity));
    let pushed = server.push(&b.organizer.token, &events, &papers).await;
    assert!(pushed.events.iter().all(|r| r.outcome == Outcome::Accepted), "{:?}", pushed.events);
    assert!(pushed.ballots.iter().all(|r| r.outcome == Outcome::Accepted), "{:?}", pushed.ballots);
    let ctx =
        Ctx { meeting, round: r.round.clone(), nominating, publicity: p.round, appraisal, nominee: nominee.clone() };

    let kinds = all_kinds();
    assert_eq!(kinds.len(), 25, "payload kinds in sync::kind: {kinds:?}");
    #[derive(Clone, Copy, Debug)]
    enum As {
        MemberSelf,
        MemberOther,
        Committee,
        Organizer,
    }
    let mut table = String::new();
    let mut failures = 0;
    let _ = writeln!(table, "{:<22} {:<12} {:<10} {:<10} reason", "kind", "as", "expected", "got");
    for kind in &kinds {
        for role in [As::MemberSelf, As::MemberOther, As::Committee, As::Organizer] {
            // Who pushes, as whom, about whom.
            let (token, principal, subject, writer) = match role {
                As::MemberSelf => {
                    (&phone.token, Principal { role: Role::Member, member: Some(me.clone()) }, &me, Writer::phone(&me))
                }
                As::MemberOther => (
                    &phone.token,
                    Principal { role: Role::Member, member: Some(me.clone()) },
                    &other,
                    Writer::phone(&me).acting_as(Some(&other)),
                ),
                As::Committee => {
                    let w = Writer::phone(&keeper);
                    (&committee.token, Principal { role: Role::Committee, member: Some(keeper.clone()) }, &other, w)
                }
                As::Organizer => {
                    (&b.organizer.token, Principal { role: Role::Organizer, member: None }, &other, b.laptop.clone())
                }
            };
            let (event, ballots) = match sample(kind, subject, &ctx) {
                Some(payload) => {
                    let writer = if acted_by_subject(kind) { writer.acting_as(Some(subject)) } else { writer };
                    (b.book.draft(&writer, payload), vec![])
                }
                None => {
                    // voted: each role votes as a different entitled member,
                    // with a ballot; only a member's own phone may (no proxy
                    // voting: keepers enter paper ballots, `Voter::Paper`).
                    let voter = match role {
                        As::MemberSelf => me.clone(),
                        As::MemberOther => other.clone(),
                        As::Committee => d.clone(),
                        As::Organizer => e.clone(),
                    };
                    let writer = writer.acting_as(Some(&voter));
                    let ev = b.book.draft(&writer, voted(&r.round, Voter::Member(voter)));
                    let ballots = vec![ballot(&r.round, std::slice::from_ref(&nominee))];
                    (ev, ballots)
                }
            };
            assert_eq!(sync::kind(&event.payload), kind);
            zhibu_core::document::check_event(0, &event)
                .unwrap_or_else(|e| panic!("the sample {kind} ({role:?}) is not valid: {e}"));
            let by_rule = sync::may_push(&principal, &event).is_ok();
            let by_brief = match role {
                As::MemberSelf => PHONE_KINDS.contains(&kind.as_str()),
                As::MemberOther => false,
                As::Committee | As::Organizer => kind != "voted",
            };
            assert_eq!(by_rule, by_brief, "sync::may_push disagrees with the protocol for {kind} as {role:?}");
            let response = server.push(token, std::slice::from_ref(&event), &ballots).await;
            let got = &response.events[0];
            let expected = if by_rule { Outcome::Accepted } else { Outcome::Rejected };
            let mut ok = got.outcome == expected;
            if let Some(ballot) = response.ballots.first() {
                ok &= ballot.outcome == expected;
            }
            if !ok {
                failures += 1;
            }
            let _ = writeln!(
                table,
                "{:<22} {:<12} {:<10} {:<10} {}{}",
                kind,
                format!("{role:?}"),
                format!("{expected:?}"),
                format!("{:?}", got.outcome),
                got.reason.map_or(String::new(), |r| format!("{r:?}")),
                if ok { "" } else { "   <-- WRONG" }
            );
        }
    }
    println!("{table}");
    assert_eq!(failures, 0, "payload kinds by role ({}):\n{table}", engine.name());
}

// ---------------------------------------------------------------------------
// 6. Invitations, revocation, roles
// ---------------------------------------------------------------------------

async fn invitations_are_one_time_and_expire(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let b = branch_with_members(&server, "邀请支部", &["甲", "乙"]).await;
    let (m1, m2) = (b.members[0].clone(), b.members[1].clone());

    let invitation = server.invite(&b.organizer, &m1, Role::Member).await;
    assert_eq!(invitation.member, m1);
    assert!(invitation.expires_at > now_ms());
    let session = server.accept(&invitation.code).await;
    assert_eq!(session.member.as_ref(), Some(&m1));
    assert_eq!(session.role, Role::Member);
    assert_eq!(session.branch, b.organizer.branch);
    assert_eq!(session.branch_name, "邀请支部");
    assert_ne!(session.token, b.organizer.token);
    let whoami: Device = server.get("/api/session", Some(&session.token)).await.body();
    assert_eq!((whoami.id, whoami.role, whoami.member), (session.device.clone(), Role::Member, Some(m1.clone())));
    // Once only.
    server
        .post("/api/invitations/accept", None, &json!({"code": invitation.code}))
        .await
        .expect_error(401, "unauthorized");
    // A committee invitation.
    let committee = server.join(&b.organizer, &m2, Role::Committee).await;
    assert_eq!(committee.role, Role::Committee);
    // Only members of the roster the server has.
    server
        .post("/api/invitations", Some(&b.organizer.token), &json!({"member": new_member(), "role": "member"}))
        .await
        .expect_error(422, "invalid");
    // An organizer invitation is refused.
    server
        .post("/api/invitations", Some(&b.organizer.token), &json!({"member": m2, "role": "organizer"}))
        .await
        .expect_error(422, "invalid");
    // Unknown and odd codes.
    for code in ["", "nope", &"x".repeat(65), &auth::new_token()] {
        server.post("/api/invitations/accept", None, &json!({"code": code})).await.expect_error(401, "unauthorized");
    }
    // Expired (stored directly).
    let code = auth::random(16);
    let row = InvitationRow {
        hash: auth::hash(&code),
        branch: b.organizer.branch.clone(),
        member: m2.0.clone(),
        role: Role::Member,
        created_at: now_ms() - 10_000,
        expires_at: now_ms() - 1,
    };
    server.db().insert_invitation(&row).await.unwrap();
    server.post("/api/invitations/accept", None, &json!({"code": code})).await.expect_error(401, "unauthorized");

    // Expired through the configuration (0 hours: expires at once).
    let mut config = test_config();
    config.invitation_hours = 0;
    let clock = ManualClock::at(now_ms());
    config.clock = clock.clock();
    let server = Server::start(&engine, config).await;
    let z = branch_with_members(&server, "零小时", &["甲"]).await;
    let invitation = server.invite(&z.organizer, &z.members[0], Role::Member).await;
    clock.advance(1);
    server
        .post("/api/invitations/accept", None, &json!({"code": invitation.code}))
        .await
        .expect_error(401, "unauthorized");
}

async fn revocation_and_role_changes(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let (org, login, password) = server.create_branch_with_login("撤销支部").await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let (m1, e1) = book.add_member(&laptop, "甲");
    let (m2, e2) = book.add_member(&laptop, "乙");
    let (m3, e3) = book.add_member(&laptop, "丙");
    server.push_ok(&org.token, &[e1, e2, e3]).await;

    // The organizer revokes a lost phone: its next request is 401.
    let lost = server.join(&org, &m1, Role::Member).await;
    server.get("/api/sync/pull", Some(&lost.token)).await.expect(200);
    server.delete(&format!("/api/devices/{}", lost.device), Some(&org.token)).await.expect(204);
    server.get("/api/sync/pull", Some(&lost.token)).await.expect_error(401, "unauthorized");
    let push = Server::push_body(&[book.draft(&Writer::phone(&m1), checked_in(&new_meeting(), &m1))], &[]);
    server.post("/api/sync/push", Some(&lost.token), &push).await.expect_error(401, "unauthorized");
    let devices: Vec<Device> = server.get("/api/devices", Some(&org.token)).await.body();
    assert!(devices.iter().any(|d| d.id == lost.device && d.revoked), "the list shows it revoked");
    let listed = server.get("/api/devices", Some(&org.token)).await;
    for device in listed.json.as_array().unwrap() {
        for key in device.as_object().unwrap().keys() {
            assert!(!["hash", "token", "branch"].contains(&key.as_str()), "the device list shows `{key}`");
        }
    }
    assert!(!listed.text.contains(&lost.token) && !listed.text.contains(&auth::hash(&lost.token)));
    server.delete("/api/devices/no-such-device", Some(&org.token)).await.expect_error(404, "not_found");

    // A phone logs itself out.
    let leaving = server.join(&org, &m2, Role::Member).await;
    server.delete("/api/session", Some(&leaving.token)).await.expect(204);
    server.get("/api/session", Some(&leaving.token)).await.expect_error(401, "unauthorized");
    // So does the organizer; logging in again gives a new session.
    let second = server.post("/api/login", None, &json!({"login": login, "password": password})).await;
    second.expect(200);
    let second: Session = second.body();
    assert_eq!(second.branch, org.branch);
    assert_eq!(second.role, Role::Organizer);
    server.delete("/api/session", Some(&org.token)).await.expect(204);
    server.get("/api/session", Some(&org.token)).await.expect_error(401, "unauthorized");
    server.get("/api/session", Some(&second.token)).await.expect(200);
    server
        .post("/api/login", None, &json!({"login": login, "password": "wrong password"}))
        .await
        .expect_error(401, "unauthorized");
    server
        .post("/api/login", None, &json!({"login": unique("nobody"), "password": password}))
        .await
        .expect_error(401, "unauthorized");
    let org = second;

    // A role change to committee lets that device keep records; back to member, not.
    let phone = server.join(&org, &m3, Role::Member).await;
    let writer = Writer::phone(&m3);
    let meeting = book.draft(&writer, meeting_saved(&new_meeting()));
    let r = server.push(&phone.token, std::slice::from_ref(&meeting), &[]).await;
    rejected_because(&r, 0, Reason::NotAllowed);
    server
        .put(&format!("/api/devices/{}/role", phone.device), Some(&org.token), &json!({"role": "committee"}))
        .await
        .expect(204);
    let whoami: Device = server.get("/api/session", Some(&phone.token)).await.body();
    assert_eq!(whoami.role, Role::Committee);
    let r = server.push(&phone.token, std::slice::from_ref(&meeting), &[]).await;
    assert_eq!(outcomes(&r), [Outcome::Accepted], "{r:?}");
    // Still no accounts for a committee device.
    server.get("/api/devices", Some(&phone.token)).await.expect_error(403, "forbidden");
    server
        .post("/api/invitations", Some(&phone.token), &json!({"member": m1, "role": "member"}))
        .await
        .expect_error(403, "forbidden");
    // No one becomes organizer, and the organizer stays one.
    server
        .put(&format!("/api/devices/{}/role", phone.device), Some(&org.token), &json!({"role": "organizer"}))
        .await
        .expect_error(422, "invalid");
    server
        .put(&format!("/api/devices/{}/role", org.device), Some(&org.token), &json!({"role": "member"}))
        .await
        .expect_error(422, "invalid");
    server
        .put(&format!("/api/devices/{}/role", phone.device), Some(&org.token), &json!({"role": "nobody"}))
        .await
        .expect_error(422, "invalid");
    server
        .put(&format!("/api/devices/{}/role", phone.device), Some(&org.token), &json!({"role": "member"}))
        .await
        .expect(204);
    let again = book.draft(&writer, meeting_saved(&new_meeting()));
    let r = server.push(&phone.token, &[again], &[]).await;
    rejected_because(&r, 0, Reason::NotAllowed);
}

// ---------------------------------------------------------------------------
// 7. Ballots
// ---------------------------------------------------------------------------

async fn named_round_across_phones(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "投票支部", &["甲", "乙", "丙", "丁"]).await;
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.members.clone()).unwrap();
    let phone_a = server.join(&b.organizer, &a, Role::Member).await;
    let phone_b = server.join(&b.organizer, &bb, Role::Member).await;
    let phone_c = server.join(&b.organizer, &c, Role::Member).await;
    let (wa, wb, wc) = (Writer::phone(&a), Writer::phone(&bb), Writer::phone(&c));

    // Setup → Nomination (laptop); phones nominate; Review; Voting.
    let (round, saved) = b.book.new_round(&b.laptop, rules("2025年度身边最美党员", Mode::Named, 1, 2));
    let nomination = b.book.advance(&b.laptop, &round, Stage::Nomination);
    server.push_ok(&b.organizer.token, &[saved, nomination]).await;
    let n1 = b.book.nominate(&wa, &round, &a, &c);
    server.push_ok(&phone_a.token, &[n1]).await;
    let n2 = b.book.nominate(&wb, &round, &bb, &d);
    server.push_ok(&phone_b.token, &[n2]).await;
    let n3 = b.book.nominate(&wc, &round, &c, &a);
    server.push_ok(&phone_c.token, &[n3]).await;
    let review = b.book.advance(&b.laptop, &round, Stage::Review);
    let reviews: Vec<Event> = [&c, &d, &a].iter().map(|m| b.book.review(&b.laptop, &round, m, true)).collect();
    let voting = b.book.advance(&b.laptop, &round, Stage::Voting);
    let mut events = vec![review];
    events.extend(reviews);
    events.push(voting);
    server.push_ok(&b.organizer.token, &events).await;
    assert_eq!(b.book.candidates(&round).len(), 3);
    // A phone's nomination made offline that arrives once voting is open:
    // refused under the round's rules, as the app would.
    let late = b.book.draft(&wa.acting_as(Some(&a)), nominated(&round, &a, &bb));
    let r = server.push(&phone_a.token, &[late], &[]).await;
    rejected_because(&r, 0, Reason::WrongStage);

    // The box is not shown while voting is open.
    server.get(&format!("/api/rounds/{round}/box"), Some(&phone_a.token)).await.expect_error(409, "conflict");
    server.get(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token)).await.expect_error(409, "conflict");

    // A votes: the roll entry and the ballot in one push.
    let vote_a = b.book.record(&wa, voted(&round, Voter::Member(a.clone())));
    let ballot_a = ballot(&round, &[d.clone(), c.clone()]);
    let r = server.push(&phone_a.token, std::slice::from_ref(&vote_a), std::slice::from_ref(&ballot_a)).await;
    assert_eq!((outcomes(&r), ballot_outcomes(&r)), (vec![Outcome::Accepted], vec![Outcome::Accepted]), "{r:?}");
    // Again, with a new roll entry: already voted; its ballot goes with it.
    let again = b.book.draft(&wa, voted(&round, Voter::Member(a.clone())));
    let r = server.push(&phone_a.token, &[again], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&r, 0, Reason::AlreadyVoted);
    assert_eq!(ballot_outcomes(&r), [Outcome::Rejected], "{r:?}");
    // The same vote and ballot re-sent (a lost answer): both duplicate.
    let r = server.push(&phone_a.token, std::slice::from_ref(&vote_a), std::slice::from_ref(&ballot_a)).await;
    assert_eq!((outcomes(&r), ballot_outcomes(&r)), (vec![Outcome::Duplicate], vec![Outcome::Duplicate]), "{r:?}");

    // B's vote without a ballot, then a ballot without a vote: refused.
    let lonely = b.book.draft(&wb, voted(&round, Voter::Member(bb.clone())));
    let r = server.push(&phone_b.token, &[lonely], &[]).await;
    rejected_because(&r, 0, Reason::BallotMissing);
    let r = server.push(&phone_b.token, &[], &[ballot(&round, std::slice::from_ref(&c))]).await;
    ballot_rejected_because(&r, 0, Reason::VoteMissing);
    // A ballot with a malformed slot or a non-candidate: vote and ballot refused.
    let vote_b = b.book.draft(&wb, voted(&round, Voter::Member(bb.clone())));
    let mut bad_slot = ballot(&round, std::slice::from_ref(&c));
    bad_slot.slot = "short".into();
    let r = server.push(&phone_b.token, std::slice::from_ref(&vote_b), &[bad_slot]).await;
    rejected_because(&r, 0, Reason::BadSlot);
    ballot_rejected_because(&r, 0, Reason::BadSlot);
    let r =
        server.push(&phone_b.token, std::slice::from_ref(&vote_b), &[ballot(&round, std::slice::from_ref(&bb))]).await;
    rejected_because(&r, 0, Reason::NotCandidate);
    let r = server
        .push(&phone_b.token, std::slice::from_ref(&vote_b), &[ballot(&round, &[a.clone(), c.clone(), d.clone()])])
        .await;
    rejected_because(&r, 0, Reason::TooManyChoices);
    // B votes properly.
    let ballot_b = ballot(&round, std::slice::from_ref(&c));
    let r = server.push(&phone_b.token, std::slice::from_ref(&vote_b), std::slice::from_ref(&ballot_b)).await;
    assert_eq!((outcomes(&r), ballot_outcomes(&r)), (vec![Outcome::Accepted], vec![Outcome::Accepted]), "{r:?}");
    b.book.state.apply(&vote_b);

    // C may not choose themself.
    let self_vote = b.book.draft(&wc, voted(&round, Voter::Member(c.clone())));
    let r = server.push(&phone_c.token, &[self_vote], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&r, 0, Reason::SelfVote);
    ballot_rejected_because(&r, 0, Reason::SelfVote);

    // E joins after voting opened: not entitled.
    let (e, added) = b.book.add_member(&b.laptop, "戊");
    server.push_ok(&b.organizer.token, &[added]).await;
    let phone_e = server.join(&b.organizer, &e, Role::Member).await;
    let late = b.book.draft(&Writer::phone(&e), voted(&round, Voter::Member(e.clone())));
    let r = server.push(&phone_e.token, &[late], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&r, 0, Reason::NotEntitled);

    // Voting by code in a named round: refused.
    let code_vote = b.book.draft(&b.laptop, voted(&round, Voter::Code("0".repeat(32))));
    let r = server.push(&b.organizer.token, &[code_vote], &[]).await;
    rejected_because(&r, 0, Reason::WrongMode);

    // Members may not close the box; the organizer closes it and gets every ballot.
    server
        .post(&format!("/api/rounds/{round}/box"), Some(&phone_a.token), &json!({}))
        .await
        .expect_error(403, "forbidden");
    let closed: BoxResponse = {
        let reply = server.post(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token), &json!({})).await;
        reply.expect(200);
        reply.body()
    };
    assert!(closed.closed);
    assert_eq!(closed.round, round.0);
    let slots: BTreeSet<&str> = closed.ballots.iter().map(|x| x.slot.as_str()).collect();
    assert_eq!(slots, BTreeSet::from([ballot_a.slot.as_str(), ballot_b.slot.as_str()]));
    let mut sorted = closed.ballots.iter().map(|x| x.slot.clone()).collect::<Vec<_>>();
    sorted.sort();
    assert_eq!(sorted, closed.ballots.iter().map(|x| x.slot.clone()).collect::<Vec<_>>(), "in slot order");
    for x in &closed.ballots {
        let mut want = if x.slot == ballot_a.slot { ballot_a.choices.clone() } else { ballot_b.choices.clone() };
        want.sort();
        assert_eq!(x.choices, want, "choices stored sorted");
    }
    // Every device may now read the same box.
    let seen: BoxResponse = server.get(&format!("/api/rounds/{round}/box"), Some(&phone_c.token)).await.body();
    assert_eq!(seen, closed);
    // Closing again answers the same box.
    let twice: BoxResponse =
        server.post(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token), &json!({})).await.body();
    assert_eq!(twice, closed);

    // After the close: no vote, no ballot.
    let after = b.book.draft(&Writer::phone(&d), voted(&round, Voter::Member(d.clone())));
    let phone_d = server.join(&b.organizer, &d, Role::Member).await;
    let r = server.push(&phone_d.token, &[after], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&r, 0, Reason::VotingClosed);
    ballot_rejected_because(&r, 0, Reason::VotingClosed);
    let paper = b.book.draft(&b.laptop, voted(&round, Voter::Paper(d.clone())));
    let r = server.push(&b.organizer.token, &[paper], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&r, 0, Reason::VotingClosed);
    ballot_rejected_because(&r, 0, Reason::VotingClosed);
    // The re-sent vote and ballot are still duplicates, not errors.
    let r = server.push(&phone_a.token, &[vote_a], &[ballot_a]).await;
    assert_eq!((outcomes(&r), ballot_outcomes(&r)), (vec![Outcome::Duplicate], vec![Outcome::Duplicate]), "{r:?}");
    let still: BoxResponse = server.get(&format!("/api/rounds/{round}/box"), Some(&phone_a.token)).await.body();
    assert_eq!(still, closed);
}

async fn code_round(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "投票码支部", &["甲", "乙", "丙", "丁"]).await;
    let [a, bb, c, _d] = <[MemberId; 4]>::try_from(b.members.clone()).unwrap();
    let phone_a = server.join(&b.organizer, &a, Role::Member).await;
    let r = round_to_voting(
        &mut b.book,
        &b.laptop,
        rules("投票码评选", Mode::Codes, 1, 1),
        &[(a.clone(), c.clone()), (bb.clone(), a.clone())],
    );
    let round = r.round.clone();
    let mut events = r.events;
    let (codes, issued) = b.book.issue_codes(&b.laptop, &round, 3);
    events.push(issued);
    events.push(b.book.advance(&b.laptop, &round, Stage::Voting));
    server.push_ok(&b.organizer.token, &events).await;
    let hashes: Vec<String> = codes.iter().map(|code| zhibu_core::ballot::code_hash(&round, code)).collect();

    // The kiosk (organizer's laptop): two codes on the roll, two unpaired ballots.
    let v1 = b.book.record(&b.laptop, voted(&round, Voter::Code(hashes[0].clone())));
    let v2 = b.book.record(&b.laptop, voted(&round, Voter::Code(hashes[1].clone())));
    let (b1, b2) = (ballot(&round, std::slice::from_ref(&c)), ballot(&round, &[]));
    let resp = server.push(&b.organizer.token, &[v1.clone(), v2], &[b1.clone(), b2]).await;
    assert_eq!(outcomes(&resp), [Outcome::Accepted, Outcome::Accepted], "{resp:?}");
    assert_eq!(ballot_outcomes(&resp), [Outcome::Accepted, Outcome::Accepted], "{resp:?}");
    // A third ballot with no third code on the roll: more ballots than voters.
    let resp = server.push(&b.organizer.token, &[], &[ballot(&round, std::slice::from_ref(&a))]).await;
    ballot_rejected_because(&resp, 0, Reason::BoxFull);
    // An unknown code, a used code.
    let unknown = b.book.draft(&b.laptop, voted(&round, Voter::Code("ab".repeat(16))));
    let used = b.book.draft(&b.laptop, voted(&round, Voter::Code(hashes[0].clone())));
    let resp = server.push(&b.organizer.token, &[unknown, used], &[]).await;
    rejected_because(&resp, 0, Reason::UnknownCode);
    rejected_because(&resp, 1, Reason::UsedCode);
    // A malformed hash.
    let malformed = b.book.draft(&b.laptop, voted(&round, Voter::Code("XYZ".into())));
    let resp = server.push(&b.organizer.token, &[malformed], &[]).await;
    rejected_because(&resp, 0, Reason::BadCodeHash);
    // A phone may not put a code on the roll, nor vote by name in a code round.
    let by_phone = b.book.draft(&Writer::phone(&a), voted(&round, Voter::Code(hashes[2].clone())));
    let resp = server.push(&phone_a.token, &[by_phone], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&resp, 0, Reason::NotAllowed);
    let named = b.book.draft(&Writer::phone(&a), voted(&round, Voter::Member(a.clone())));
    let resp = server.push(&phone_a.token, &[named], &[ballot(&round, std::slice::from_ref(&c))]).await;
    rejected_because(&resp, 0, Reason::WrongMode);
    // The third code with its ballot, then the box holds three.
    let v3 = b.book.record(&b.laptop, voted(&round, Voter::Code(hashes[2].clone())));
    let b3 = ballot(&round, std::slice::from_ref(&a));
    let resp = server.push(&b.organizer.token, &[v3], &[b3]).await;
    assert_eq!((outcomes(&resp), ballot_outcomes(&resp)), (vec![Outcome::Accepted], vec![Outcome::Accepted]));
    // Re-sent: duplicates.
    let resp = server.push(&b.organizer.token, &[v1], &[b1]).await;
    assert_eq!((outcomes(&resp), ballot_outcomes(&resp)), (vec![Outcome::Duplicate], vec![Outcome::Duplicate]));
    let closed: BoxResponse =
        server.post(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token), &json!({})).await.body();
    assert_eq!(closed.ballots.len(), 3);
}

// ---------------------------------------------------------------------------
// 8. Ballot secrecy
// ---------------------------------------------------------------------------

async fn ballot_secrecy_in_database_and_logs(engine: Engine) {
    let (logs, _guard) = capture_logs();
    let server = Server::start_default(&engine).await;
    let mut b = branch_with_members(&server, "保密支部", &["候选一", "候选二", "甲", "乙", "丙", "丁", "戊"]).await;
    let members = b.members.clone();
    let (cand1, cand2) = (members[0].clone(), members[1].clone());
    let voters: Vec<MemberId> = members[2..6].to_vec();
    let shared_voter = members[6].clone();
    let mut tokens = vec![b.organizer.token.clone()];
    let mut phones = Vec::new();
    for v in &voters {
        let invitation = server.invite(&b.organizer, v, Role::Member).await;
        tokens.push(invitation.code.clone());
        let s = server.accept(&invitation.code).await;
        tokens.push(s.token.clone());
        phones.push(s);
    }
    let r = round_to_voting(
        &mut b.book,
        &b.laptop,
        rules("保密评选", Mode::Named, 1, 2),
        &[(voters[0].clone(), cand1.clone()), (voters[1].clone(), cand2.clone())],
    );
    let round = r.round.clone();
    server.push_ok(&b.organizer.token, &r.events).await;

    // Each phone votes; the laptop enters one paper ballot.
    let choices = [vec![cand1.clone()], vec![cand2.clone(), cand1.clone()], vec![cand2.clone()], vec![]];
    let mut ballots = Vec::new();
    for ((voter, phone), choice) in voters.iter().zip(&phones).zip(&choices) {
        let vote = b.book.record(&Writer::phone(voter), voted(&round, Voter::Member(voter.clone())));
        let ballot = ballot(&round, choice);
        let resp = server.push(&phone.token, &[vote], std::slice::from_ref(&ballot)).await;
        assert_eq!(ballot_outcomes(&resp), [Outcome::Accepted], "{resp:?}");
        ballots.push(ballot);
    }
    let shared = b.book.record(&b.laptop, voted(&round, Voter::Paper(shared_voter.clone())));
    let hosted = ballot(&round, &[cand1.clone(), cand2.clone()]);
    let resp = server.push(&b.organizer.token, &[shared], std::slice::from_ref(&hosted)).await;
    assert_eq!(
        (outcomes(&resp), ballot_outcomes(&resp)),
        (vec![Outcome::Accepted], vec![Outcome::Accepted]),
        "{resp:?}"
    );
    ballots.push(hosted);
    let mut all_voters = voters.clone();
    all_voters.push(shared_voter.clone());
    let closed: BoxResponse =
        server.post(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token), &json!({})).await.body();
    assert_eq!(closed.ballots.len(), 5);
    let _: BoxResponse = server.get(&format!("/api/rounds/{round}/box"), Some(&phones[0].token)).await.body();
    let slots: Vec<String> = ballots.iter().map(|b| b.slot.clone()).collect();

    // The boxes table: branch, round, closed, ballots, nothing else.
    assert_eq!(server.storage.columns("boxes").await, ["ballots", "branch", "closed", "round"]);
    let dump = server.storage.dump().await;
    assert!(!dump.is_empty());
    let problems = secrecy_problems(&dump, &all_voters, &slots, &tokens);
    // The box row: slots and sorted choices only.
    let (_, inner) = stored_box(&dump, &round);
    for ballot in &inner {
        let keys: BTreeSet<&str> = ballot.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.is_subset(&BTreeSet::from(["slot", "rev", "choices"])),
            "a ballot holds only slot, rev, choices: {ballot}"
        );
    }
    let roll_rows = dump.iter().filter(|(t, r)| t == "events" && r.contains("voted")).count();
    assert_eq!(roll_rows, 5, "the roll is stored as events");
    assert!(problems.is_empty(), "secrecy in the {} database:\n{}", engine.name(), problems.join("\n"));

    // Logs: something was logged, but no slot and no choice list.
    let text = logs.text();
    assert!(text.contains("push stored"), "the capture works: {text:.2000}");
    for ballot in &ballots {
        assert!(!text.contains(&ballot.slot), "a slot in the logs");
        if !ballot.choices.is_empty() {
            let mut sorted = ballot.choices.clone();
            sorted.sort();
            for form in [
                serde_json::to_string(&ballot.choices).unwrap(),
                serde_json::to_string(&sorted).unwrap(),
                format!("{:?}", ballot.choices),
                format!("{sorted:?}"),
            ] {
                assert!(!text.contains(&form), "a choice list in the logs: {form}");
            }
        }
    }
    assert!(!text.contains("\"choices\"") && !text.contains("choices:"), "ballot parts in the logs");
    for token in &tokens {
        assert!(!text.contains(token.as_str()), "a token or code in the logs");
    }
}

/// SQLite only: the database files (main and write-ahead log) keep no
/// earlier version of a box, which would tell which ballot came first and,
/// beside the roll's event order, whose it is.
#[tokio::test]
async fn sqlite_files_hold_no_earlier_box() {
    let server = Server::start_default(&Engine::Sqlite).await;
    let mut b = branch_with_members(&server, "文件支部", &["候选", "甲", "乙", "丙"]).await;
    let members = b.members.clone();
    let r = round_to_voting(
        &mut b.book,
        &b.laptop,
        rules("文件评选", Mode::Named, 1, 1),
        &[(members[1].clone(), members[0].clone())],
    );
    server.push_ok(&b.organizer.token, &r.events).await;
    let mut firsts = Vec::new();
    for voter in &members[1..] {
        let phone = server.join(&b.organizer, voter, Role::Member).await;
        let vote = b.book.record(&Writer::phone(voter), voted(&r.round, Voter::Member(voter.clone())));
        let ballot = ballot(&r.round, &[members[0].clone()]);
        let resp = server.push(&phone.token, &[vote], std::slice::from_ref(&ballot)).await;
        assert_eq!(ballot_outcomes(&resp), [Outcome::Accepted]);
        firsts.push(ballot);
    }
    // The box after the first vote alone, as the server writes it.
    let first = &firsts[0];
    let alone = serde_json::to_string(&[zhibu_core::sync::BoxedBallot {
        slot: first.slot.clone(),
        rev: 0,
        choices: first.choices.clone(),
        ratings: Default::default(),
    }])
    .unwrap();
    let dir = server.storage.sqlite_file().unwrap().parent().unwrap().to_path_buf();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if bytes.windows(alone.len()).any(|w| w == alone.as_bytes()) {
            found.push(path.display().to_string());
        }
    }
    assert!(
        found.is_empty(),
        "the box as it was after the first vote ({alone}) is still readable in {found:?}: \
         the order of ballots (and, beside the events' order, who cast which) can be recovered"
    );
}

// ---------------------------------------------------------------------------
// 9. Rate limits
// ---------------------------------------------------------------------------

async fn rate_limit_per_token_and_address(engine: Engine) {
    let mut config = test_config();
    config.rate_per_token = 1; // burst 2
    // The server's time, moved by hand: recovery is tested without a sleep.
    let clock = ManualClock::at(now_ms());
    config.clock = clock.clock();
    let server = Server::start(&engine, config).await;
    let org = server.create_branch("限流支部").await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..8 {
        let reply = server.get("/api/session", Some(&org.token)).await;
        statuses.push(reply.status);
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
    }
    let limited = limited.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    limited.expect_error(429, "rate_limited");
    assert!(limited.headers.get("retry-after").is_some(), "a Retry-After header");
    // Another token is not limited by this one.
    let other = server.mint(&org.branch, Role::Organizer, None, now_ms() + 60_000, false).await;
    server.get("/api/session", Some(&other)).await.expect(200);
    // Not before its time (one request a second), then it recovers.
    clock.advance(500);
    server.get("/api/session", Some(&org.token)).await.expect_error(429, "rate_limited");
    clock.advance(1100);
    server.get("/api/session", Some(&org.token)).await.expect(200);

    // Per address, on every /api request.
    let mut config = test_config();
    config.rate_per_address = 2; // burst 4
    let server = Server::start(&engine, config).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let reply = server.get("/api/health", None).await;
        statuses.push(reply.status);
        if reply.status == 429 {
            reply.expect_error(429, "rate_limited");
            assert!(reply.headers.get("retry-after").is_some());
            return;
        }
    }
    panic!("no 429 per address in {statuses:?}");
}

async fn rate_limit_on_login(engine: Engine) {
    let mut config = test_config();
    config.rate_login = 2; // 2 a minute per address
    let server = Server::start(&engine, config).await;
    let (org, login, password) = server.create_branch_with_login("登录限流").await; // attempt 1
    server.post("/api/invitations/accept", None, &json!({"code": "wrong"})).await.expect_error(401, "unauthorized"); // 2
    server.post("/api/invitations/accept", None, &json!({"code": "wrong"})).await.expect_error(429, "rate_limited");
    let reply = server.post("/api/login", None, &json!({"login": login, "password": password})).await;
    reply.expect_error(429, "rate_limited");
    assert!(reply.headers.get("retry-after").is_some());
    server
        .post("/api/branches", None, &json!({"name": "又一个", "login": unique("l"), "password": "long enough"}))
        .await
        .expect_error(429, "rate_limited");
    // Token-bearing requests are not login attempts.
    server.get("/api/session", Some(&org.token)).await.expect(200);
    // Without a trusted proxy, X-Forwarded-For does not make a new address.
    let spoofed = server
        .http
        .post(format!("{}/api/invitations/accept", server.base))
        .header("x-forwarded-for", "10.1.2.3")
        .json(&json!({"code": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status().as_u16(), 429, "X-Forwarded-For is ignored unless trusted");

    // Behind a trusted proxy, each forwarded address has its own budget.
    let mut config = test_config();
    config.rate_login = 1;
    config.trust_proxy = true;
    let server = Server::start(&engine, config).await;
    let attempt = |ip: &'static str| {
        server
            .http
            .post(format!("{}/api/invitations/accept", server.base))
            .header("x-forwarded-for", format!("203.0.113.9, {ip}"))
            .json(&json!({"code": "wrong"}))
            .send()
    };
    assert_eq!(attempt("10.0.0.1").await.unwrap().status().as_u16(), 401);
    assert_eq!(attempt("10.0.0.1").await.unwrap().status().as_u16(), 429);
    assert_eq!(attempt("10.0.0.2").await.unwrap().status().as_u16(), 401);
}

// ---------------------------------------------------------------------------
// 10. OpenAPI
// ---------------------------------------------------------------------------

/// Every route the router serves (but the document itself).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("post", "/api/branches"),
    ("post", "/api/login"),
    ("get", "/api/session"),
    ("delete", "/api/session"),
    ("post", "/api/invitations"),
    ("post", "/api/invitations/accept"),
    ("get", "/api/devices"),
    ("delete", "/api/devices/{id}"),
    ("put", "/api/devices/{id}/role"),
    ("get", "/api/branch"),
    ("put", "/api/branch"),
    ("post", "/api/sync/push"),
    ("get", "/api/sync/pull"),
    ("get", "/api/rounds/{round}/box"),
    ("post", "/api/rounds/{round}/box"),
];

/// Checks `value` against `schema` structurally: types, required fields,
/// no undocumented fields, array items, enums; `$ref` resolved in `doc`.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        if target.is_null() {
            problems.push(format!("{at}: unresolved {reference}"));
            return;
        }
        return conforms(doc, target, value, at, problems);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let fits = options.iter().any(|o| {
                let mut p = Vec::new();
                conforms(doc, o, value, at, &mut p);
                p.is_empty()
            });
            if !fits {
                problems.push(format!("{at}: {value} fits none of {key}"));
            }
            return;
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            conforms(doc, s, value, at, problems);
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let fits = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| fits(t)) {
        problems.push(format!("{at}: {value} is not {types:?}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} not in {allowed:?}"));
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                problems.push(format!("{at}: required field `{name}` missing"));
            }
        }
        if let Some(properties) = properties {
            for (k, v) in object {
                match properties.get(k) {
                    Some(s) => conforms(doc, s, v, &format!("{at}.{k}"), problems),
                    None => problems.push(format!("{at}: field `{k}` is not in the schema")),
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            conforms(doc, items, v, &format!("{at}[{i}]"), problems);
        }
    }
}

async fn openapi_lists_routes_and_matches_bodies(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let reply = server.get("/api/openapi.json", None).await;
    reply.expect(200);
    let doc = reply.json.clone();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "an OpenAPI 3 document");
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(p, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), p.clone())))
        .filter(|(m, _)| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(documented, served, "the document lists exactly the routes the router serves");
    // And the router serves each (not the fallback's 404, not a 405).
    for (method, path) in ROUTES {
        let concrete = path.replace("{id}", "x").replace("{round}", "x");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let reply = server.call(m, &concrete, None, Some(&json!({}))).await;
        assert!(
            reply.status != 405 && reply.json["message"] != "no such endpoint",
            "{method} {path} is documented but not served: {} {}",
            reply.status,
            reply.text
        );
    }

    let schema_of = |method: &str, path: &str, status: &str| -> Value {
        let s = doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone();
        assert!(!s.is_null(), "{method} {path} documents a JSON body for {status}");
        s
    };
    let mut problems = Vec::new();
    let mut check = |method: &str, path: &str, status: &str, body: &Value| {
        let schema = schema_of(method, path, status);
        conforms(&doc, &schema, body, &format!("{method} {path} {status}"), &mut problems);
    };

    // Real bodies from a small round trip.
    let (session_reply, login, password) = {
        let login = unique("org-");
        let r = server
            .post("/api/branches", None, &json!({"name": "文档支部", "login": login, "password": "long enough"}))
            .await;
        r.expect(201);
        // The server's login: the one asked for and a number.
        let login = r.json["login"].as_str().unwrap_or_else(|| panic!("a login for {login}")).to_owned();
        (r, login, "long enough".to_owned())
    };
    check("post", "/api/branches", "201", &session_reply.json);
    let org: Session = session_reply.body();
    let login_reply = server.post("/api/login", None, &json!({"login": login, "password": password})).await;
    check("post", "/api/login", "200", &login_reply.json);
    check("get", "/api/health", "200", &server.get("/api/health", None).await.json);
    check("get", "/api/session", "200", &server.get("/api/session", Some(&org.token)).await.json);
    check("get", "/api/branch", "200", &server.get("/api/branch", Some(&org.token)).await.json);
    check(
        "put",
        "/api/branch",
        "200",
        &server.put("/api/branch", Some(&org.token), &json!({"share_phones": false})).await.json,
    );

    let laptop = Writer::laptop();
    let mut book = Book::new();
    let (m1, e1) = book.add_member(&laptop, "甲");
    let (m2, e2) = book.add_member(&laptop, "乙");
    server.push_ok(&org.token, &[e1, e2]).await;
    let invite = server.post("/api/invitations", Some(&org.token), &json!({"member": m1, "role": "member"})).await;
    check("post", "/api/invitations", "201", &invite.json);
    let accept = server.post("/api/invitations/accept", None, &json!({"code": invite.json["code"]})).await;
    check("post", "/api/invitations/accept", "200", &accept.json);
    let phone: Session = accept.body();
    // A session for a member carries `member`; the organizer's does not.
    assert!(accept.json.get("member").is_some());
    check("get", "/api/devices", "200", &server.get("/api/devices", Some(&org.token)).await.json);

    let r = round_to_voting(&mut book, &laptop, rules("文档评选", Mode::Named, 1, 1), &[(m1.clone(), m2.clone())]);
    let events = r.events;
    let bad = json!({"i": "bad"});
    let mut body = Server::push_body(&events, &[]);
    body["events"].as_array_mut().unwrap().push(bad);
    let push = server.post("/api/sync/push", Some(&org.token), &body).await;
    push.expect(200);
    check("post", "/api/sync/push", "200", &push.json);
    let vote = book.record(&Writer::phone(&m1), voted(&r.round, Voter::Member(m1.clone())));
    let push = server
        .post(
            "/api/sync/push",
            Some(&phone.token),
            &Server::push_body(&[vote], &[ballot(&r.round, std::slice::from_ref(&m2))]),
        )
        .await;
    check("post", "/api/sync/push", "200", &push.json);
    assert!(push.json["ballots"][0]["slot"].is_string());
    let pull = server.get("/api/sync/pull?limit=3", Some(&org.token)).await;
    check("get", "/api/sync/pull", "200", &pull.json);
    assert_eq!(pull.json["more"], true);
    let closed = server.post(&format!("/api/rounds/{}/box", r.round), Some(&org.token), &json!({})).await;
    check("post", "/api/rounds/{round}/box", "200", &closed.json);
    check(
        "get",
        "/api/rounds/{round}/box",
        "200",
        &server.get(&format!("/api/rounds/{}/box", r.round), Some(&phone.token)).await.json,
    );
    // Error bodies as documented.
    check("get", "/api/session", "401", &server.get("/api/session", None).await.json);
    check("get", "/api/devices", "403", &server.get("/api/devices", Some(&phone.token)).await.json);
    check(
        "post",
        "/api/sync/push",
        "422",
        &server.post("/api/sync/push", Some(&org.token), &json!({"schema": 999, "events": []})).await.json,
    );
    assert!(problems.is_empty(), "bodies that do not match the document:\n{}", problems.join("\n"));

    // The named schemas exist with the fields the server returns.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for (name, fields) in [
        ("PushResponse", vec!["ballots", "cursor", "events"]),
        ("PullResponse", vec!["events", "more", "next", "schema"]),
        ("Session", vec!["branch", "branch_name", "device", "expires_at", "role", "token"]),
    ] {
        let required: BTreeSet<&str> = schemas[name]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}.required"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(required, fields.into_iter().collect::<BTreeSet<_>>(), "{name}'s required fields");
    }
}

// ---------------------------------------------------------------------------
// Several instances over one database
// ---------------------------------------------------------------------------

/// Pushes concurrently through both instances; retries a 409 ("busy") as the app does.
async fn push_retrying(
    servers: [&Server; 2],
    jobs: Vec<(usize, String, Vec<Event>, Vec<BallotPush>)>,
) -> Vec<PushResponse> {
    let mut set = tokio::task::JoinSet::new();
    for (n, (which, token, events, ballots)) in jobs.iter().enumerate() {
        let task = servers[*which].push_task(token, events, ballots);
        set.spawn(async move { (n, task.await) });
    }
    let mut answers: Vec<Option<PushResponse>> = vec![None; jobs.len()];
    while let Some(done) = set.join_next().await {
        let (n, (status, body)) = done.expect("a push task");
        let body = match status {
            200 => body,
            409 => {
                let (which, token, events, ballots) = &jobs[n];
                let reply =
                    servers[*which].post("/api/sync/push", Some(token), &Server::push_body(events, ballots)).await;
                reply.expect(200);
                reply.json
            }
            other => panic!("a concurrent push answered {other}: {body}"),
        };
        answers[n] = Some(serde_json::from_value(body).expect("a push response"));
    }
    answers.into_iter().map(|a| a.expect("answered")).collect()
}

async fn two_instances_share_one_database(engine: Engine) {
    let one = Server::start_default(&engine).await;
    let two = one.another().await;
    let mut b = branch_with_members(&one, "共享支部", &["甲", "乙", "丙", "丁"]).await;
    let [a, bb, c, d] = <[MemberId; 4]>::try_from(b.members.clone()).unwrap();
    // Tokens, events and invitations are the database's, not an instance's.
    two.get("/api/session", Some(&b.organizer.token)).await.expect(200);
    assert_eq!(two.pull_all(&b.organizer.token).await, one.pull_all(&b.organizer.token).await);
    let invitation = two.invite(&b.organizer, &a, Role::Member).await;
    let phone_a = one.accept(&invitation.code).await;
    two.post("/api/invitations/accept", None, &json!({"code": invitation.code}))
        .await
        .expect_error(401, "unauthorized");
    let phone_b = one.join(&b.organizer, &bb, Role::Member).await;
    let phone_c = two.join(&b.organizer, &c, Role::Member).await;

    // The round: half its events through each instance.
    let r = round_to_voting(&mut b.book, &b.laptop, rules("共享评选", Mode::Named, 1, 1), &[(a.clone(), d.clone())]);
    let (first, second) = r.events.split_at(r.events.len() / 2);
    one.push_ok(&b.organizer.token, first).await;
    two.push_ok(&b.organizer.token, second).await;
    let round = r.round;

    // Concurrent pushes through both: record keeping and three votes.
    let mut jobs = Vec::new();
    let mut expected = one.pull_all(&b.organizer.token).await;
    for i in 0..8 {
        let events: Vec<Event> = (0..3).map(|_| b.book.record(&b.laptop, meeting_saved(&new_meeting()))).collect();
        jobs.push((i % 2, b.organizer.token.clone(), events, vec![]));
    }
    let mut ballots = Vec::new();
    for (i, (member, phone)) in [(&a, &phone_a), (&bb, &phone_b), (&c, &phone_c)].into_iter().enumerate() {
        let vote = b.book.record(&Writer::phone(member), voted(&round, Voter::Member(member.clone())));
        let ballot = ballot(&round, std::slice::from_ref(&d));
        ballots.push(ballot.clone());
        jobs.push((i % 2, phone.token.clone(), vec![vote], vec![ballot]));
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let puller = tokio::spawn(two.pull_task(&phone_b.token, 2, stop.clone()));
    let answers = push_retrying([&one, &two], jobs.clone()).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let pulled_meanwhile = puller.await.expect("the puller");
    for (answer, job) in answers.iter().zip(&jobs) {
        assert!(outcomes(answer).iter().all(|o| *o == Outcome::Accepted), "{answer:?}");
        assert!(ballot_outcomes(answer).iter().all(|o| *o == Outcome::Accepted), "{answer:?}");
        expected.extend(job.2.iter().cloned());
    }

    // Both instances serve every event once, numbered without gaps.
    let from_one = one.pull_all(&b.organizer.token).await;
    let from_two = two.pull_all(&phone_c.token).await;
    assert_eq!(from_one, from_two);
    assert_eq!(pulled_meanwhile, from_one, "a pull during concurrent pushes skips and repeats nothing");
    assert_eq!(from_one.len(), expected.len());
    let got: BTreeSet<_> = from_one.iter().map(|e| e.id.clone()).collect();
    let want: BTreeSet<_> = expected.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got, want);
    let mut since = 0;
    for n in 1..=expected.len() as u64 {
        let page = two.pull(&b.organizer.token, since, Some(1)).await;
        assert_eq!(page.next, since + 1, "event {n} has the next sequence number");
        since = page.next;
    }

    // A second vote through the other instance is still a second vote.
    let again = b.book.draft(&Writer::phone(&a), voted(&round, Voter::Member(a.clone())));
    let r = two.push(&phone_a.token, &[again], &[ballot(&round, std::slice::from_ref(&d))]).await;
    rejected_because(&r, 0, Reason::AlreadyVoted);
    // Closed through one instance, closed for the other.
    let closed: BoxResponse =
        two.post(&format!("/api/rounds/{round}/box"), Some(&b.organizer.token), &json!({})).await.body();
    let slots: BTreeSet<String> = closed.ballots.iter().map(|x| x.slot.clone()).collect();
    assert_eq!(slots, ballots.iter().map(|x| x.slot.clone()).collect());
    let late = b.book.draft(&b.laptop, voted(&round, Voter::Paper(d.clone())));
    let r = one.push(&b.organizer.token, &[late], &[ballot(&round, std::slice::from_ref(&a))]).await;
    rejected_because(&r, 0, Reason::VotingClosed);
    let seen: BoxResponse = one.get(&format!("/api/rounds/{round}/box"), Some(&phone_b.token)).await.body();
    assert_eq!(seen, closed);
}
