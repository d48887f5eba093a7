//! The shell: header, notices, the current page, and the tab bar.

use crate::chunks::{self, Chunk};
use crate::components::lang_switch::LangSwitch;
use crate::components::notices::Notices;
use crate::components::sync_status::SyncStatus;
use crate::context::{SessionSignal, go};
use crate::i18n::{I18n, use_i18n};
use crate::pages::me::{JoinPage, MePage};
use crate::pages::roster::RosterPage;
use crate::pages::round::RoundView;
use crate::platform;
use crate::session::Session;
use crate::storage::{self, Store};
use crate::sync::engine::Engine;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::ids::{ClassId, DeviceId, MeetingId, MemberId, RoundId};

/// Folds logs into the snapshot under the cross-tab lock.
pub fn compact_soon(session: SessionSignal) {
    storage::with_lock("zhibu-compact", move || {
        // A failure is `Session::saved`, which the notices show.
        session.update(|s| s.compact())
    });
}

/// A screen of the app, named in the URL hash (`#/meeting/<id>`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// 名册
    Roster,
    /// 导入
    Import,
    /// 数据与设置
    Settings,
    /// 会议 list
    Meetings,
    /// New meeting form.
    NewMeeting,
    /// One meeting: details, sheet, check-in; `true` opens the edit form.
    Meeting(MeetingId, bool),
    /// The year: compliance calendar, alerts, charts, 台账.
    Year(Option<i32>),
    /// 我的: a member's own page on their phone.
    Me,
    /// A join link opened on a phone.
    Join(String),
    /// A check-in link (a scanned QR opened by the phone's camera app).
    CheckIn(String),
    /// A sync server invitation (`#/invite/<code>`) opened on a phone.
    Invite(String),
    /// 学习教育: the year's 学时, coverage, classes, self-study to confirm.
    Study(Option<i32>),
    /// New training class form.
    NewClass,
    /// A training class.
    Class(ClassId, ClassView),
    /// One member's 学时 in a year.
    Hours(MemberId, Option<i32>),
    /// 评选: "身边最美党员" rounds.
    Rounds,
    /// New round form.
    NewRound,
    /// New 民主评议 form.
    NewAppraisal,
    /// A round.
    Round(RoundId, RoundView),
    /// Kiosk mode for a code round.
    Kiosk(RoundId),
}

/// What a class route shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassView {
    /// Details, sessions, attendance.
    Page,
    /// The edit form.
    Edit,
    /// A new session's form.
    NewSession,
    /// A member's certificate.
    Certificate(MemberId),
}

impl Route {
    /// Reads the URL hash.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        match head {
            "import" => Route::Import,
            "settings" => Route::Settings,
            "meetings" if rest == "new" => Route::NewMeeting,
            "meetings" => Route::Meetings,
            "meeting" if !rest.is_empty() => {
                let (id, edit) = rest.strip_suffix("/edit").map_or((rest, false), |id| (id, true));
                Route::Meeting(MeetingId(id.to_owned()), edit)
            }
            "year" => Route::Year(rest.parse().ok()),
            "me" => Route::Me,
            "join" => Route::Join(rest.to_owned()),
            "c" => Route::CheckIn(rest.to_owned()),
            "invite" => Route::Invite(rest.to_owned()),
            "study" => Route::Study(rest.parse().ok()),
            "classes" if rest == "new" => Route::NewClass,
            "class" if !rest.is_empty() => {
                let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
                let view = match tail.split_once('/') {
                    Some(("cert", member)) => ClassView::Certificate(MemberId(member.to_owned())),
                    _ if tail == "edit" => ClassView::Edit,
                    _ if tail == "session" => ClassView::NewSession,
                    _ => ClassView::Page,
                };
                Route::Class(ClassId(id.to_owned()), view)
            }
            "hours" if !rest.is_empty() => {
                let (member, year) = rest.split_once('/').map_or((rest, None), |(m, y)| (m, y.parse().ok()));
                Route::Hours(MemberId(member.to_owned()), year)
            }
            "rounds" if rest == "new" => Route::NewRound,
            "rounds" if rest == "appraisal" => Route::NewAppraisal,
            "rounds" => Route::Rounds,
            "round" if !rest.is_empty() => {
                let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
                let view = match tail {
                    "edit" => RoundView::Edit,
                    "vote" => RoundView::Vote,
                    "codes" => RoundView::Codes,
                    "notice" => RoundView::Notice,
                    "honours" => RoundView::Honours,
                    _ => RoundView::Page,
                };
                Route::Round(RoundId(id.to_owned()), view)
            }
            "kiosk" if !rest.is_empty() => Route::Kiosk(RoundId(rest.to_owned())),
            _ => Route::Roster,
        }
    }

    fn tab(&self) -> Tab {
        match self {
            Route::Roster => Tab::Roster,
            Route::Import => Tab::Import,
            Route::Settings => Tab::Settings,
            Route::Meetings | Route::NewMeeting | Route::Meeting(..) | Route::Year(_) => Tab::Meetings,
            Route::Me | Route::Join(_) | Route::CheckIn(_) | Route::Invite(_) => Tab::Me,
            Route::Study(_) | Route::NewClass | Route::Class(..) | Route::Hours(..) => Tab::Study,
            Route::Rounds | Route::NewRound | Route::NewAppraisal | Route::Round(..) | Route::Kiosk(_) => Tab::Rounds,
        }
    }
}

/// A tab of the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Roster,
    Meetings,
    Study,
    Rounds,
    Me,
    Import,
    Settings,
}

impl Tab {
    const ALL: [Tab; 7] = [Tab::Roster, Tab::Meetings, Tab::Study, Tab::Rounds, Tab::Me, Tab::Import, Tab::Settings];

    fn slug(self) -> &'static str {
        match self {
            Tab::Roster => "roster",
            Tab::Meetings => "meetings",
            Tab::Study => "study",
            Tab::Rounds => "rounds",
            Tab::Me => "me",
            Tab::Import => "import",
            Tab::Settings => "settings",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Tab::Roster => "nav.roster",
            Tab::Meetings => "nav.meetings",
            Tab::Study => "nav.study",
            Tab::Rounds => "nav.rounds",
            Tab::Me => "nav.me",
            Tab::Import => "nav.import",
            Tab::Settings => "nav.settings",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Tab::Roster => "👥",
            Tab::Meetings => "📅",
            Tab::Study => "📚",
            Tab::Rounds => "🗳️",
            Tab::Me => "🙋",
            Tab::Import => "📥",
            Tab::Settings => "⚙️",
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
    crate::components::text_size::apply();

    let store = Store::open(|| DeviceId::generate(platform::now_ms() as u64, platform::random16()));
    let session: SessionSignal = RwSignal::new(Session::load(store));
    provide_context(session);
    // Names sort and match by pinyin once the fetched table arrives.
    crate::pinyin::on_arrival(move || session.update(|_| ()));
    // Compacting rewrites the whole snapshot: at start only when logs pile up.
    if session.with_untracked(Session::wants_startup_compaction) {
        compact_soon(session);
    }
    // Fold when the log grows long or merged data waits for a snapshot.
    Effect::new(move |_| {
        if session.with(Session::wants_compaction) {
            compact_soon(session);
        }
    });

    // Sync with the branch's server, when connected (src/sync/engine.rs).
    let sync = Engine::start(session);

    // Another tab wrote (or cleared storage): take its events in.
    let _ = window_event_listener(leptos::ev::storage, move |e: web_sys::StorageEvent| {
        let key = e.key();
        if key.as_deref().is_none_or(storage::is_record_key) {
            session.update(|s| {
                s.foreign_change(key.as_deref());
            });
        }
        if key.as_deref().is_none_or(|k| k == storage::SYNC_KEY) {
            sync.on_foreign_change();
        } else if key.as_deref().is_some_and(|k| k.starts_with(storage::OUTBOX_PREFIX)) {
            sync.refresh();
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

    // A new version installed in the background waits for the user's say.
    let update_ready = RwSignal::new(false);
    crate::pwa::start(update_ready);

    let route = RwSignal::new(Route::parse(&current_hash()));
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        let next = Route::parse(&current_hash());
        // Leaving the kiosk (the back button, a typed address) needs the
        // organizer's say: a voter must not reach the round's controls.
        if let Route::Kiosk(id) = route.get_untracked()
            && next != Route::Kiosk(id.clone())
        {
            let leave =
                web_sys::window().and_then(|w| w.confirm_with_message(&i18n.now("kiosk.leave")).ok()).unwrap_or(false);
            if !leave {
                go(&format!("#/kiosk/{id}"));
                return;
            }
        }
        route.set(next)
    });

    // The branch's name in the header, once it has one (first run asks).
    let print_names = Memo::new(move |_| {
        session.with(|s| {
            let settings = s.records().state().settings();
            (settings.branch_name, settings.parent_committee)
        })
    });
    let branch_name = Memo::new(move |_| print_names.with(|(name, _)| name.clone()));

    view! {
        <a class="skip-link" href="#main">{i18n.t("app.skip")}</a>
        <header class="app-header">
            <h1 class="app-title">
                <span aria-hidden="true" class="app-mark">"支"</span>
                {i18n.t("app.title")}
                {move || {
                    let name = branch_name.get();
                    (!name.is_empty()).then(|| view! { <span class="app-branch" data-testid="header-branch">{name}</span> })
                }}
            </h1>
            <SyncStatus/>
            <LangSwitch/>
        </header>
        <Notices/>
        // Not in the kiosk: a voter must not reload the ballot box's screen.
        {move || {
            (update_ready.get() && !matches!(route.get(), Route::Kiosk(_)))
                .then(|| {
                    view! {
                        <div class="update-notice" role="status">
                            <button type="button" class="update-apply" on:click=move |_| crate::pwa::apply_update()>
                                {i18n.t("pwa.update")}
                            </button>
                        </div>
                    }
                })
        }}
        <main id="main" class="app-main" tabindex="-1">
            // Every printed page says whose records it holds.
            {move || {
                let (name, parent) = print_names.get();
                (!name.is_empty()).then(|| {
                    view! {
                        <p class="print-only print-branch" data-testid="print-branch">
                            {(!parent.is_empty()).then(|| format!("{parent}　"))}
                            {name}
                        </p>
                    }
                })
            }}
            {move || {
                let route = route.get();
                match Chunk::of(&route) {
                    Some(chunk) => chunks::screen(chunk, route),
                    None => first_screen(route),
                }
            }}
        </main>
        // A kiosk is the ballot box: no way from it to the rest of the app.
        {move || (!matches!(route.get(), Route::Kiosk(_))).then(|| view! { <TabBar route/> })}
    }
}

/// The main module's screens: what a phone needs first.
fn first_screen(route: Route) -> AnyView {
    match route {
        Route::Me => view! { <MePage token=None/> }.into_any(),
        Route::Join(card) => view! { <JoinPage card/> }.into_any(),
        Route::CheckIn(token) => view! { <MePage token=Some(token)/> }.into_any(),
        _ => view! { <RosterPage/> }.into_any(),
    }
}

#[component]
fn TabBar(route: RwSignal<Route>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabbar" aria-label=i18n.t("nav.label")>
            {Tab::ALL
                .into_iter()
                .map(|p| {
                    view! {
                        <a
                            href=format!("#/{}", p.slug())
                            class="tab"
                            data-testid=format!("nav-{}", p.slug())
                            aria-current=move || (route.with(Route::tab) == p).then_some("page")
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
