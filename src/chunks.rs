//! Screens loaded on demand.
//!
//! The first screen a phone needs (名册, 我的, a meeting's sheet) is in the
//! main wasm module; every other group of screens is a **chunk**. In the
//! release build (`--features split`, built by `cargo xtask`'s split
//! pipeline, see ARCHITECTURE.md) each chunk's loader is a
//! `#[wasm_split]` function, so the code only it reaches moves into its own
//! `.wasm` file, fetched the first time the chunk is opened. Without the
//! feature (`trunk serve`, the browser tests) the loaders are plain async
//! functions over the same code.
//!
//! A loader returns the chunk's entry (a screen function `fn(Route) ->
//! AnyView`, or the camera scanner's), kept once loaded, so a later visit renders synchronously like any other
//! screen. A failed download (offline before the service worker cached the
//! chunk, a server that went away) shows a retry, never a blank page:
//! the loaders are `fallible` and nothing caches the failure.

use std::cell::Cell;

use leptos::prelude::*;

use crate::app::{ClassView, Route};
use crate::i18n::use_i18n;
use crate::sync::Connection;
use crate::sync::engine::{Engine, RunFuture};

/// Renders one route of a chunk.
pub type Screen = fn(Route) -> AnyView;

/// Renders the camera's QR scanner, reporting each text it reads.
pub type Scanner = fn(Callback<String>) -> AnyView;

/// One sync run (push, pull, history, boxes) over a connection.
pub type SyncRun = fn(Engine, Connection) -> RunFuture;

/// What a chunk's loader gives: the function that draws (or does) its part.
#[derive(Clone, Copy)]
pub enum Entry {
    Screen(Screen),
    Scanner(Scanner),
    Sync(SyncRun),
}

/// A chunk's download failed; the next try starts afresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadFailed;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for LoadFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> LoadFailed {
        LoadFailed
    }
}

/// The groups of screens outside the main module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunk {
    /// 评选: the rounds, their forms, voting, the kiosk.
    Rounds,
    /// 学习教育: classes, 学时, self-study.
    Study,
    /// The year's calendar and 台账.
    Year,
    /// 导入 (CSV, backups).
    Import,
    /// 数据与设置, the sync server's set-up, invitations.
    Settings,
    /// The meeting form (new meeting, a class's new session).
    MeetingForm,
    /// 会议: the list and a meeting's page (sheet, check-in QR, minutes).
    Meetings,
    /// The camera's QR scanner and its decoder (opened on demand).
    Scanner,
    /// The sync client's run: the wire format, push, pull, history.
    Sync,
}

impl Chunk {
    const ALL: [Chunk; 9] = [
        Chunk::Rounds,
        Chunk::Study,
        Chunk::Year,
        Chunk::Import,
        Chunk::Settings,
        Chunk::MeetingForm,
        Chunk::Meetings,
        Chunk::Scanner,
        Chunk::Sync,
    ];

    /// The chunk a route's screen is in; `None` for the main module's.
    pub fn of(route: &Route) -> Option<Chunk> {
        match route {
            Route::Roster | Route::Me | Route::Join(_) | Route::CheckIn(_) => None,
            Route::Meetings | Route::Meeting(..) => Some(Chunk::Meetings),
            Route::Rounds | Route::NewRound | Route::NewAppraisal | Route::Round(..) | Route::Kiosk(_) => {
                Some(Chunk::Rounds)
            }
            Route::Study(_) | Route::NewClass | Route::Class(..) | Route::Hours(..) => Some(Chunk::Study),
            Route::Year(_) => Some(Chunk::Year),
            Route::Import => Some(Chunk::Import),
            Route::Settings | Route::Invite(_) => Some(Chunk::Settings),
            Route::NewMeeting => Some(Chunk::MeetingForm),
        }
    }

    fn index(self) -> usize {
        Chunk::ALL.iter().position(|c| *c == self).unwrap_or_default()
    }

    /// The entry, if this chunk is already loaded.
    fn loaded(self) -> Option<Entry> {
        LOADED.with(|l| l[self.index()].get())
    }

    /// Downloads the chunk (once) and keeps its entry.
    async fn load(self) -> Result<Entry, LoadFailed> {
        let entry = match self {
            Chunk::Rounds => load_rounds().await?,
            Chunk::Study => load_study().await?,
            Chunk::Year => load_year().await?,
            Chunk::Import => load_import().await?,
            Chunk::Settings => load_settings().await?,
            Chunk::MeetingForm => load_meeting_form().await?,
            Chunk::Meetings => load_meetings().await?,
            Chunk::Scanner => load_scanner().await?,
            Chunk::Sync => load_sync().await?,
        };
        LOADED.with(|l| l[self.index()].set(Some(entry)));
        Ok(entry)
    }
}

thread_local! {
    static LOADED: [Cell<Option<Entry>>; Chunk::ALL.len()] = const { [const { Cell::new(None) }; Chunk::ALL.len()] };
}

/// One chunk's loader: a split point in the release build, a plain async
/// function otherwise. The body only names the chunk's screen function,
/// so everything that function reaches (and the main module does not)
/// moves into the chunk.
macro_rules! loader {
    ($name:ident, $chunk:ident, $entry:expr) => {
        #[cfg(feature = "split")]
        #[wasm_split_helpers::wasm_split($chunk, fallible)]
        fn $name() -> Result<Entry, LoadFailed> {
            Ok($entry)
        }
        #[cfg(not(feature = "split"))]
        async fn $name() -> Result<Entry, LoadFailed> {
            Ok($entry)
        }
    };
}

loader!(load_rounds, rounds, Entry::Screen(rounds_screen));
loader!(load_study, study, Entry::Screen(study_screen));
loader!(load_year, year, Entry::Screen(year_screen));
loader!(load_import, import, Entry::Screen(import_screen));
loader!(load_settings, settings, Entry::Screen(settings_screen));
loader!(load_meeting_form, meeting_form, Entry::Screen(meeting_form_screen));
loader!(load_meetings, meetings, Entry::Screen(meetings_screen));
loader!(load_scanner, scanner, Entry::Scanner(scanner_view));
loader!(load_sync, sync, Entry::Sync(Engine::run_boxed));

/// The sync run, downloading its chunk the first time.
pub async fn sync_run() -> Result<SyncRun, LoadFailed> {
    match Chunk::Sync.loaded() {
        Some(Entry::Sync(run)) => Ok(run),
        _ => match Chunk::Sync.load().await? {
            Entry::Sync(run) => Ok(run),
            _ => Err(LoadFailed),
        },
    }
}

/// A chunk's screen for `route` (see [`on_demand`]).
pub fn screen(chunk: Chunk, route: Route) -> AnyView {
    on_demand(chunk, move |entry| match entry {
        Entry::Screen(screen) => screen(route.clone()),
        _ => ().into_any(),
    })
}

/// The camera's QR scanner, loaded when first shown.
#[component]
pub fn LazyScanner(#[prop(into)] on_text: Callback<String>) -> impl IntoView {
    on_demand(Chunk::Scanner, move |entry| match entry {
        Entry::Scanner(scanner) => scanner(on_text),
        _ => ().into_any(),
    })
}

/// A chunk's part drawn by `draw`: at once when loaded, else "加载中"
/// until the download ends, or a retry if it failed.
fn on_demand(chunk: Chunk, draw: impl Fn(Entry) -> AnyView + Send + Sync + 'static) -> AnyView {
    if let Some(entry) = chunk.loaded() {
        return draw(entry);
    }
    let i18n = use_i18n();
    let state = RwSignal::new(Load::Loading);
    let fetch = move || {
        state.set(Load::Loading);
        leptos::task::spawn_local(async move {
            let next = match chunk.load().await {
                Ok(_) => Load::Ready,
                Err(LoadFailed) => Load::Failed,
            };
            // The user may have gone elsewhere meanwhile.
            let _ = state.try_set(next);
        });
    };
    fetch();
    view! {
        {move || match state.get() {
            Load::Loading => {
                view! { <p class="chunk-loading" role="status" aria-live="polite">{i18n.t("chunk.loading")}</p> }
                    .into_any()
            }
            Load::Ready => chunk.loaded().map_or_else(|| ().into_any(), &draw),
            Load::Failed => {
                view! {
                    <div class="chunk-failed notice" role="alert">
                        <p>{i18n.t("chunk.failed")}</p>
                        <button type="button" class="primary" data-testid="chunk-retry" on:click=move |_| fetch()>
                            {i18n.t("chunk.retry")}
                        </button>
                    </div>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Load {
    Loading,
    Ready,
    Failed,
}

fn rounds_screen(route: Route) -> AnyView {
    use crate::components::appraisal_form::AppraisalForm;
    use crate::components::round_form::RoundForm;
    use crate::pages::kiosk::KioskPage;
    use crate::pages::round::RoundPage;
    use crate::pages::rounds::RoundsPage;
    match route {
        Route::NewRound => view! { <RoundForm round=None/> }.into_any(),
        Route::NewAppraisal => view! { <AppraisalForm round=None/> }.into_any(),
        Route::Round(id, view) => view! { <RoundPage id view/> }.into_any(),
        Route::Kiosk(id) => view! { <KioskPage id/> }.into_any(),
        _ => view! { <RoundsPage/> }.into_any(),
    }
}

fn study_screen(route: Route) -> AnyView {
    use crate::components::class_form::ClassForm;
    use crate::components::meeting_form::MeetingForm;
    use crate::pages::class::{Certificate, ClassPage};
    use crate::pages::hours::MemberHoursPage;
    use crate::pages::study::StudyPage;
    match route {
        Route::NewClass => view! { <ClassForm class=None/> }.into_any(),
        Route::Class(id, ClassView::Page) => view! { <ClassPage id edit=false/> }.into_any(),
        Route::Class(id, ClassView::Edit) => view! { <ClassPage id edit=true/> }.into_any(),
        Route::Class(id, ClassView::NewSession) => view! { <MeetingForm meeting=None class=id/> }.into_any(),
        Route::Class(class, ClassView::Certificate(member)) => view! { <Certificate class member/> }.into_any(),
        Route::Hours(member, year) => view! { <MemberHoursPage member year/> }.into_any(),
        Route::Study(year) => view! { <StudyPage year/> }.into_any(),
        _ => view! { <StudyPage year=None/> }.into_any(),
    }
}

fn year_screen(route: Route) -> AnyView {
    use crate::pages::year::YearPage;
    let year = match route {
        Route::Year(year) => year,
        _ => None,
    };
    view! { <YearPage year/> }.into_any()
}

fn import_screen(_: Route) -> AnyView {
    use crate::pages::import::ImportPage;
    view! { <ImportPage/> }.into_any()
}

fn settings_screen(route: Route) -> AnyView {
    use crate::pages::invite::InvitePage;
    use crate::pages::settings::SettingsPage;
    match route {
        Route::Invite(code) => view! { <InvitePage code/> }.into_any(),
        _ => view! { <SettingsPage/> }.into_any(),
    }
}

fn meeting_form_screen(_: Route) -> AnyView {
    use crate::components::meeting_form::MeetingForm;
    view! { <MeetingForm meeting=None/> }.into_any()
}

fn meetings_screen(route: Route) -> AnyView {
    use crate::pages::meeting::MeetingPage;
    use crate::pages::meetings::MeetingsPage;
    match route {
        Route::Meeting(id, edit) => view! { <MeetingPage id edit/> }.into_any(),
        _ => view! { <MeetingsPage/> }.into_any(),
    }
}

fn scanner_view(on_text: Callback<String>) -> AnyView {
    use crate::components::scanner::QrScanner;
    view! { <QrScanner on_text/> }.into_any()
}
