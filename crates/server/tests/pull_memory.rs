//! The server's memory while twenty phones pull a large branch at once
//! (issue 22, item 3): measured on the real `zhibu-server` process (SQLite)
//! as the rise of its peak resident set over its resident set before the
//! pulls. A pull page holds at most `MAX_PULL_BYTES` of events, so the rise
//! stays near twenty pages, not twenty branches. Prints the figures.

mod process;

use std::time::Duration;

use serde_json::json;
use zhibu_core::document::SCHEMA;
use zhibu_core::event::{ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, MemberId};
use zhibu_core::roster::MemberDraft;
use zhibu_core::sync::PushResponse;

use process::{Server, create_branch, note, post, pull_all, record_events};

/// Concurrent pullers.
const CLIENTS: usize = 20;
/// Imports stored, ≈ 180 KiB each (≈ 11 MiB in all).
const IMPORTS: usize = 80;
/// Members per import.
const MEMBERS: usize = 1000;
/// The most the peak may rise over the resident set before the pulls.
const BUDGET_MIB: u64 = 150;

/// A figure from /proc/<pid>/status, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field} in {status}"));
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of kB")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_pulls_stay_within_pages() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let args = vec![
        "--data-dir".into(),
        dir.path().join("data").display().to_string(),
        "--branch-quota-mb".into(),
        "0".into(),
    ];
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("an HTTP client");
    let mut server = Server::new(env!("CARGO_BIN_EXE_zhibu-server"), args, dir.path().join("server.log"));
    server.start(&http).await;
    let base = server.base();
    let organizer = create_branch(&http, &base, "大支部", "memory").await;

    let fields = MemberDraft { name: "王建国".into(), group: "第一党小组".into(), ..Default::default() }
        .validate()
        .expect("valid fields");
    let imports = (0..IMPORTS).map(|n| Payload::MembersImported {
        members: (0..MEMBERS)
            .map(|i| ImportedMember { id: MemberId(format!("m{n}-{i}")), fields: fields.clone() })
            .collect(),
    });
    let events = record_events(&DeviceId("laptop".into()), None, 1_772_000_000_000, imports);
    let stored: usize = events.iter().map(|e| e.to_string().len()).sum();
    for batch in events.chunks(15) {
        let pushed: PushResponse =
            post(&http, &base, "/api/sync/push", Some(&organizer.token), &json!({"schema": SCHEMA, "events": batch}))
                .await;
        assert!(
            pushed.events.iter().all(|r| r.reason.is_none()),
            "{:?}",
            pushed.events.iter().find(|r| r.reason.is_some())
        );
    }

    let pid = server.pid().expect("the server runs");
    // Peak resident set from here on (Linux: "5" resets VmHWM to VmRSS).
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset the peak resident set");
    let before = status_kib(pid, "VmRSS:");
    let pulls: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, base, token) = (http.clone(), base.clone(), organizer.token.clone());
            tokio::spawn(async move { pull_all(&http, &base, &token).await.len() })
        })
        .collect();
    for pull in pulls {
        assert_eq!(pull.await.expect("a pull"), IMPORTS, "every puller gets every event");
    }
    let peak = status_kib(pid, "VmHWM:");
    let rise = peak.saturating_sub(before) / 1024;
    note(&format!(
        "pull memory: {CLIENTS} concurrent pulls of {IMPORTS} events ({} MiB stored): resident {} MiB before, peak {} MiB, rise {rise} MiB (budget {BUDGET_MIB} MiB)",
        stored >> 20,
        before / 1024,
        peak / 1024
    ));
    assert!(rise <= BUDGET_MIB, "the peak rose {rise} MiB over {} MiB during the pulls", before / 1024);
}
