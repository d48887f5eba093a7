//! 数据与设置: language, the sync server, storage meter, backup export/import, roster CSV
//! export, and data kept aside.

use crate::components::branch_settings::{BranchSettings, JoinCard, KeyElsewhere};
use crate::components::download_failure::DownloadFailure;
use crate::components::hours_settings::HoursSettings;
use crate::components::lang_switch::LangSwitch;
use crate::components::sync_settings::SyncSettings;
use crate::components::text_size::TextSizeSwitch;
use crate::context::use_session;
use crate::download;
use crate::i18n::use_i18n;
use crate::platform;
use crate::storage::{self, QUOTA_UNITS};
use crate::words;
use leptos::prelude::*;
use zhibu_core::roster_csv;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Re-measure whenever the records change.
    let used = Memo::new(move |_| {
        session.track();
        storage::used_units()
    });
    let percent = move || used.get() as f64 * 100.0 / QUOTA_UNITS as f64;
    let backup_result = RwSignal::new(None::<Result<String, String>>);
    // A memo, so a change of the records does not rebuild the forms below.
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));

    let export_backup = move |_| {
        let text = session.with_untracked(|s| s.export_backup());
        let name = format!("zhibu-backup-{}.json", platform::today_cst());
        if let Err(failed) = download::file(&name, download::JSON, text.as_bytes()) {
            backup_result.set(Some(Err(words::download_failed(i18n.lang.get_untracked(), &failed))));
        }
    };
    let csv_failed = RwSignal::new(None);
    let export_csv = move |_| {
        let members: Vec<_> = session.with_untracked(|s| {
            s.records().state().members().into_iter().filter(|m| !m.archived).map(|m| m.fields).collect()
        });
        let name = session.with_untracked(|s| s.file_name(&format!("名册-{}.csv", platform::today_cst())));
        csv_failed.set(download::file(&name, download::CSV, &roster_csv::export(&members)).err());
    };
    let import_backup = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let lang = i18n.lang.get_untracked();
            let outcome = match platform::read_file(file).await {
                Err(_) => Err(crate::i18n::text(lang, "backup.unreadable")),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => Err(crate::i18n::text(lang, "backup.not_utf8")),
                    Ok(text) => {
                        // Storing follows by compaction (see `App`); a
                        // failure there shows the save notice.
                        let mut result = None;
                        session.update(|s| result = Some(s.import_backup(&text)));
                        match result.expect("update ran") {
                            Err(e) => Err(words::doc_error(lang, &e)),
                            Ok(summary) if !summary.changed => Ok(crate::i18n::text(lang, "backup.nothing_new")),
                            Ok(_) => Ok(crate::i18n::text(lang, "backup.imported")),
                        }
                    }
                },
            };
            backup_result.set(Some(outcome));
        });
    };

    view! {
        <section class="page" aria-labelledby="settings-title">
            <h2 id="settings-title">{i18n.t("settings.title")}</h2>

            <section class="card" aria-labelledby="lang-title">
                <h3 id="lang-title">{i18n.t("lang.label")}</h3>
                <LangSwitch/>
            </section>

            <section class="card" aria-labelledby="textsize-title">
                <h3 id="textsize-title">{i18n.t("textsize.label")}</h3>
                <TextSizeSwitch/>
            </section>

            {move || {
                if organizer.get() {
                    view! { <BranchSettings/> <HoursSettings/> <JoinCard/> }.into_any()
                } else if session.with(|s| s.me().is_none()) {
                    // The branch's key is on another device (a restored backup,
                    // a new laptop): offer to take over, explaining the cost.
                    view! { <KeyElsewhere/> }.into_any()
                } else {
                    ().into_any()
                }
            }}
            <SyncSettings/>

            <section class="card" aria-labelledby="storage-title">
                <h3 id="storage-title">{i18n.t("storage.title")}</h3>
                <meter
                    id="storage-meter"
                    min="0"
                    max=QUOTA_UNITS.to_string()
                    low=(QUOTA_UNITS * 6 / 10).to_string()
                    high=(QUOTA_UNITS * 85 / 100).to_string()
                    value=move || used.get().to_string()
                    aria-labelledby="storage-title"
                ></meter>
                <p data-testid="storage-used">
                    {move || {
                        i18n.fmt(
                            "storage.used",
                            &[("used", &words::size(used.get())), ("quota", &words::size(QUOTA_UNITS)), ("percent", &format!("{:.1}", percent()))],
                        )
                    }}
                </p>
                <p class="hint">
                    {move || {
                        let (pending, own) = session.with(|s| (s.records().pending_len(), s.own_len()));
                        i18n.fmt("storage.pending", &[("pending", &pending), ("own", &own)])
                    }}
                </p>
            </section>

            <section class="card" aria-labelledby="backup-title">
                <h3 id="backup-title">{i18n.t("backup.title")}</h3>
                <p class="hint">{i18n.t("backup.hint")}</p>
                <div class="button-row">
                    <button type="button" class="button button-primary" data-testid="export-json" on:click=export_backup>
                        {i18n.t("backup.export")}
                    </button>
                    <label class="button file-button">
                        {i18n.t("backup.import")}
                        <input
                            type="file"
                            id="backup-file"
                            data-testid="import-json"
                            accept=".json,application/json"
                            class="visually-hidden"
                            on:change=import_backup
                        />
                    </label>
                </div>
                {move || {
                    backup_result
                        .get()
                        .map(|r| match r {
                            Ok(msg) => view! { <p class="ok" role="status" data-testid="backup-result">{msg}</p> }.into_any(),
                            Err(msg) => view! { <p class="error" role="alert" data-testid="backup-error">{msg}</p> }.into_any(),
                        })
                }}
            </section>

            <section class="card" aria-labelledby="csv-title">
                <h3 id="csv-title">{i18n.t("csv.export_title")}</h3>
                <p class="hint">{i18n.t("csv.export_hint")}</p>
                <button type="button" class="button" data-testid="export-csv" on:click=export_csv>
                    {i18n.t("csv.export")}
                </button>
                <DownloadFailure failed=csv_failed/>
            </section>

            <SetAsideList/>

            <section class="card" aria-labelledby="about-title">
                <h3 id="about-title">{i18n.t("about.title")}</h3>
                <p class="hint">{i18n.t("about.install")}</p>
                <p class="hint" data-testid="app-version">
                    {move || i18n.fmt("about.version", &[("version", &crate::pwa::version())])}
                </p>
            </section>
        </section>
    }
}

#[component]
fn SetAsideList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let items = move || session.with(|s| s.set_aside.clone());
    let failed = RwSignal::new(None);
    view! {
        <Show when=move || !items().is_empty()>
            <section class="card" aria-labelledby="aside-title" data-testid="set-aside">
                <h3 id="aside-title">{i18n.t("aside.title")}</h3>
                <p class="hint">{i18n.t("aside.hint")}</p>
                <ul class="aside-list">
                    {move || {
                        items()
                            .into_iter()
                            .map(|item| {
                                let key = item.key.clone();
                                let offer = move |_| {
                                    if let Some(text) = storage::set_aside_text(&key) {
                                        let name = format!("zhibu-kept-aside-{}.txt", platform::today_cst());
                                        failed.set(download::file(&name, download::TEXT, text.as_bytes()).err());
                                    }
                                };
                                let key = item.key.clone();
                                let discard = move |_| {
                                    let ok = web_sys::window()
                                        .and_then(|w| w.confirm_with_message(&i18n.now("aside.confirm_discard")).ok())
                                        .unwrap_or(false);
                                    if ok {
                                        storage::discard_set_aside(&key);
                                        session.update(|s| s.set_aside = storage::set_aside_list());
                                    }
                                };
                                view! {
                                    <li>
                                        <p><code>{item.from.clone()}</code>" — "{item.reason.clone()}</p>
                                        <div class="button-row">
                                            <button type="button" class="button" data-testid="download-aside" on:click=offer>
                                                {i18n.t("aside.download")}
                                            </button>
                                            <button type="button" class="button button-danger" on:click=discard>
                                                {i18n.t("aside.discard")}
                                            </button>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <DownloadFailure failed/>
            </section>
        </Show>
    }
}
