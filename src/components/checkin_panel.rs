//! The organizer's check-in screen: the rotating QR and six-digit code.

use crate::components::branch_settings::KeyElsewhere;
use crate::components::qr::QrCode;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::checkin;
use zhibu_core::meetings::Meeting;
use zhibu_core::token::{self, LINK_PREFIX};

/// The rotating QR and six-digit code, shown on the organizer's screen.
#[component]
pub fn CheckInPanel(meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = RwSignal::new(platform::now_ms() / 1000);
    let handle = set_interval_with_handle(move || now.set(platform::now_ms() / 1000), Duration::from_millis(1000));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let key = session.with_untracked(|s| s.organizer_key());
    let Some(key) = key else {
        return view! { <KeyElsewhere/> }.into_any();
    };
    let settings = session.with_untracked(|s| s.records().state().settings());
    let origin = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = origin.split('#').next().unwrap_or_default().to_owned();
    let id = meeting.id.clone();
    let key_for_token = key.clone();
    let token = Memo::new(move |_| key_for_token.token(&id, now.get()));
    let link = Signal::derive(move || format!("{base}{LINK_PREFIX}{}", token.get().to_text()));
    let (open, close) = checkin::window(&meeting, &settings);
    let zone = settings.zone;
    // 投屏: only the QR and the code, as large as the screen allows, for a
    // projector or a screen at the door. Escape or the button leaves it.
    let projecting = RwSignal::new(false);
    view! {
        <div
            class=move || if projecting.get() { "card checkin-panel projecting" } else { "card checkin-panel" }
            data-testid="checkin-panel"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    projecting.set(false)
                }
            }
        >
            <h3>{i18n.t("checkin.title")}</h3>
            <button
                type="button"
                class="button project-toggle no-print"
                data-testid="project-checkin"
                aria-pressed=move || projecting.get().to_string()
                on:click=move |_| projecting.update(|p| *p = !*p)
            >
                {move || if projecting.get() { i18n.now("checkin.unproject") } else { i18n.now("checkin.project") }}
            </button>
            <p class="hint checkin-window">
                {move || {
                    i18n.fmt(
                        "checkin.window",
                        &[("open", &words::clock(zone, open)), ("close", &words::clock(zone, close))],
                    )
                }}
            </p>
            <QrCode text=link label=i18n.now("checkin.qr_label")/>
            <p class="code-label">{i18n.t("checkin.code")}</p>
            <p class="code" data-testid="checkin-code" aria-live="polite">{move || token.get().code()}</p>
            <p class="hint">
                {move || {
                    let left = token::WINDOW_SECS - now.get().rem_euclid(token::WINDOW_SECS);
                    i18n.fmt("checkin.changes", &[("s", &left)])
                }}
            </p>
            <p class="hint">{i18n.t("checkin.phones")}</p>
        </div>
    }
    .into_any()
}
