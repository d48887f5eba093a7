//! The shell: header, notices, the current page, and the tab bar.

use crate::components::lang_switch::LangSwitch;
use crate::components::notices::Notices;
use crate::i18n::{I18n, use_i18n};
use crate::pages::import::ImportPage;
use crate::pages::roster::RosterPage;
use crate::pages::settings::SettingsPage;
use crate::platform;
use crate::session::Session;
use crate::storage::{self, Store};
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::ids::DeviceId;

/// The app's records, shared through context.
pub type SessionSignal = RwSignal<Session>;

/// The session from context.
pub fn use_session() -> SessionSignal {
    expect_context::<SessionSignal>()
}

/// Folds logs into the snapshot under the cross-tab lock.
pub fn compact_soon(session: SessionSignal) {
    storage::with_lock("zhibu-compact", move || {
        session.update(|s| {
            let _ = s.compact();
        })
    });
}

/// A screen of the app, named in the URL hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// 名册
    Roster,
    /// 导入
    Import,
    /// 数据与设置
    Settings,
}

impl Page {
    const ALL: [Page; 3] = [Page::Roster, Page::Import, Page::Settings];

    fn slug(self) -> &'static str {
        match self {
            Page::Roster => "roster",
            Page::Import => "import",
            Page::Settings => "settings",
        }
    }

    fn from_hash(hash: &str) -> Page {
        let slug = hash.trim_start_matches('#').trim_start_matches('/');
        Page::ALL.into_iter().find(|p| p.slug() == slug).unwrap_or(Page::Roster)
    }

    fn label_key(self) -> &'static str {
        match self {
            Page::Roster => "nav.roster",
            Page::Import => "nav.import",
            Page::Settings => "nav.settings",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Page::Roster => "👥",
            Page::Import => "📥",
            Page::Settings => "⚙️",
        }
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new();
    provide_context(i18n);
    i18n.apply_to_document();

    let store = Store::open(|| DeviceId::generate(platform::now_ms() as u64, platform::random16()));
    let session: SessionSignal = RwSignal::new(Session::load(store));
    provide_context(session);
    compact_soon(session);
    // Fold when the log grows long or merged data waits for a snapshot.
    Effect::new(move |_| {
        if session.with(Session::wants_compaction) {
            compact_soon(session);
        }
    });

    // Another tab wrote (or cleared storage): take its events in.
    let _ = window_event_listener(leptos::ev::storage, move |e: web_sys::StorageEvent| {
        let key = e.key();
        if key.as_deref().is_none_or(storage::is_record_key) {
            session.update(|s| {
                s.foreign_change(key.as_deref());
            });
        }
    });
    // Leaving: let the next compaction take our log without waiting.
    let _ = window_event_listener(leptos::ev::pagehide, move |_| session.with_untracked(Session::release_lease));
    // Back from the back/forward cache: alive again, and other tabs may
    // have written while we were frozen.
    let _ = window_event_listener(leptos::ev::pageshow, move |e: web_sys::PageTransitionEvent| {
        if e.persisted() {
            session.update(|s| {
                s.touch_lease();
                s.refresh();
            });
        }
    });
    // Something only in memory: ask before the tab closes.
    let _ = window_event_listener(leptos::ev::beforeunload, move |e: web_sys::BeforeUnloadEvent| {
        if session.with_untracked(Session::has_unsaved) {
            e.prevent_default();
            e.set_return_value("unsaved");
        }
    });
    // Stay visibly alive so other tabs leave our log alone.
    let _ = set_interval_with_handle(move || session.with_untracked(Session::touch_lease), Duration::from_secs(60));

    let page = RwSignal::new(Page::from_hash(&current_hash()));
    let _ = window_event_listener(leptos::ev::hashchange, move |_| page.set(Page::from_hash(&current_hash())));

    view! {
        <a class="skip-link" href="#main">{i18n.t("app.skip")}</a>
        <header class="app-header">
            <h1 class="app-title">
                <span aria-hidden="true" class="app-mark">"支"</span>
                {i18n.t("app.title")}
            </h1>
            <LangSwitch/>
        </header>
        <Notices/>
        <main id="main" class="app-main" tabindex="-1">
            {move || match page.get() {
                Page::Roster => view! { <RosterPage/> }.into_any(),
                Page::Import => view! { <ImportPage/> }.into_any(),
                Page::Settings => view! { <SettingsPage/> }.into_any(),
            }}
        </main>
        <TabBar page/>
    }
}

#[component]
fn TabBar(page: RwSignal<Page>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabbar" aria-label=i18n.t("nav.label")>
            {Page::ALL
                .into_iter()
                .map(|p| {
                    view! {
                        <a
                            href=format!("#/{}", p.slug())
                            class="tab"
                            data-testid=format!("nav-{}", p.slug())
                            aria-current=move || (page.get() == p).then_some("page")
                        >
                            <span class="tab-icon" aria-hidden="true">{p.icon()}</span>
                            <span class="tab-label">{i18n.t(p.label_key())}</span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
