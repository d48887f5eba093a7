//! The sync indicator in the header: shown only when connected; a tap
//! syncs now. "已同步 · 10:42", "3 条待同步", "同步中 120/900…",
//! "同步失败：原因", "离线", or that this device was revoked.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::sync::engine::{self, Phase, use_sync};
use crate::words;
use leptos::prelude::*;

/// The header's sync button.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let status = sync.status;
    let label = move || {
        let lang = i18n.lang.get();
        status.with(|s| {
            let Some(connection) = &s.connection else { return (String::new(), "") };
            if connection.revoked {
                return (crate::i18n::text(lang, "sync.status.revoked"), "error");
            }
            match &s.phase {
                Phase::Running { done, total } if *total > 0 => {
                    (crate::i18n::format(lang, "sync.status.progress", &[("done", done), ("total", total)]), "busy")
                }
                Phase::Running { .. } => (crate::i18n::text(lang, "sync.status.running"), "busy"),
                Phase::Failed(_) if engine::offline() => (crate::i18n::text(lang, "sync.status.offline"), "warn"),
                Phase::Failed(f) => (
                    crate::i18n::format(lang, "sync.status.failed", &[("why", &words::sync_failure(lang, f))]),
                    "error",
                ),
                Phase::Idle if s.pending > 0 => {
                    (crate::i18n::format(lang, "sync.status.pending", &[("n", &s.pending)]), "warn")
                }
                Phase::Idle => match connection.last_sync {
                    Some(at) => {
                        let zone = session.with_untracked(|s| s.records().state().settings().zone);
                        let time = words::clock(zone, at / 1000);
                        (crate::i18n::format(lang, "sync.status.synced", &[("time", &time)]), "ok")
                    }
                    None => (crate::i18n::text(lang, "sync.status.never"), "warn"),
                },
            }
        })
    };
    view! {
        <Show when=move || status.with(|s| s.connection.is_some())>
            <button
                type="button"
                class=move || format!("sync-status sync-{}", label().1)
                data-testid="sync-status"
                data-state=move || label().1
                aria-live="polite"
                title=i18n.t("sync.status.tap")
                on:click=move |_| {
                    // Nothing to retry on a revoked device: its settings say what to do.
                    if status.with_untracked(|s| s.connection.as_ref().is_some_and(|c| c.revoked)) {
                        crate::context::go("#/settings");
                    } else {
                        sync.sync_now();
                    }
                }
            >
                <span aria-hidden="true" class="sync-icon">"⇅"</span>
                <span class="sync-text">{move || label().0}</span>
            </button>
        </Show>
    }
}
