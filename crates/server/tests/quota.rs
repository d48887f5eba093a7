//! Each branch's storage quota and the bytes of a pull page (issue 22,
//! item 3): a push past the quota is refused whole with a clear reason and
//! stores nothing, while duplicates and other branches go on; a pull page
//! holds at most `MAX_PULL_BYTES` (plus one event), however large the
//! branch's events. Both engines. (The server's memory under twenty
//! concurrent pulls is measured on the real process in pull_memory.rs.)

#[macro_use]
mod common;

use common::*;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::roster::MemberDraft;
use zhibu_core::sync::{MAX_PULL_BYTES, Outcome};

both_engines!(a_push_past_the_quota_is_refused_whole, pull_pages_hold_at_most_their_bytes);

/// A roster import of `n` members: about 180 bytes of JSON each.
fn import(book: &mut Book, writer: &Writer, n: usize) -> Event {
    let fields = MemberDraft { name: "王建国".into(), group: "第一党小组".into(), ..Default::default() }
        .validate()
        .expect("valid fields");
    let members = (0..n).map(|_| ImportedMember { id: new_member(), fields: fields.clone() }).collect();
    book.record(writer, Payload::MembersImported { members })
}

fn bytes(event: &Event) -> usize {
    serde_json::to_string(event).expect("json").len()
}

async fn a_push_past_the_quota_is_refused_whole(engine: Engine) {
    let mut config = test_config();
    config.branch_quota_mb = 1;
    let server = Server::start(&engine, config).await;
    let organizer = server.create_branch("第一党支部").await;
    let (laptop, mut book) = (Writer::laptop(), Book::new());

    // Three imports of ≈ 300 KiB fit in 1 MiB; a fourth does not.
    let events: Vec<Event> = (0..4).map(|_| import(&mut book, &laptop, 1700)).collect();
    let size = bytes(&events[0]);
    assert!((250 << 10..340 << 10).contains(&size), "an import of {size} bytes");
    for event in &events[..3] {
        server.push_ok(&organizer.token, std::slice::from_ref(event)).await;
    }
    let body = Server::push_body(&events[3..], &[]);
    let refused = server.post("/api/sync/push", Some(&organizer.token), &body).await;
    refused.expect_error(507, "storage_full");
    let message = refused.json["message"].as_str().unwrap_or_default();
    assert!(message.contains("storage on this server is full") && message.contains("nothing was stored"), "{message}");
    assert_eq!(server.pull_all(&organizer.token).await.len(), 3, "nothing of the refused push was stored");

    // Another instance over the same database counts the same bytes.
    let other = server.another().await;
    other.post("/api/sync/push", Some(&organizer.token), &body).await.expect_error(507, "storage_full");

    // What is already stored may be sent again (a phone finishing its
    // outbox): duplicates cost nothing.
    let again = server.push(&organizer.token, &events[..3], &[]).await;
    assert!(again.events.iter().all(|r| r.outcome == Outcome::Duplicate), "{again:?}");

    // Another branch on the same server is not held back.
    let other_branch = server.create_branch("第二党支部").await;
    let mut other_book = Book::new();
    server.push_ok(&other_branch.token, &[import(&mut other_book, &Writer::laptop(), 1700)]).await;
}

async fn pull_pages_hold_at_most_their_bytes(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let organizer = server.create_branch("第一党支部").await;
    let (laptop, mut book) = (Writer::laptop(), Book::new());
    // Six imports of ≈ 400 KiB (2.4 MiB in all), two per push.
    let events: Vec<Event> = (0..6).map(|_| import(&mut book, &laptop, 2300)).collect();
    for pair in events.chunks(2) {
        server.push_ok(&organizer.token, pair).await;
    }
    let (mut since, mut pages, mut pulled) = (0, 0, Vec::new());
    loop {
        let page = server.pull(&organizer.token, since, Some(1000)).await;
        let held: usize = page.events.iter().map(bytes).sum();
        let largest = page.events.iter().map(bytes).max().unwrap_or(0);
        assert!(held <= MAX_PULL_BYTES + largest, "a page of {held} bytes");
        assert!(!page.events.is_empty() || !page.more, "a page that says more follow holds an event");
        pages += 1;
        pulled.extend(page.events);
        since = page.next;
        if !page.more {
            break;
        }
    }
    assert!(pages >= 3, "2.4 MiB of events come in pages of about 1 MiB, not {pages}");
    let ids: Vec<_> = pulled.iter().map(|e| &e.id).collect();
    assert_eq!(ids, events.iter().map(|e| &e.id).collect::<Vec<_>>(), "every event, once, in order");
}
