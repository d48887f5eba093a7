//! Banners about the data itself: what could not be read, what could not
//! be saved. They stay until the situation changes.

use crate::components::download_failure::DownloadFailure;
use crate::context::use_session;
use crate::download;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;

/// Recovery and save-failure notices.
#[component]
pub fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let set_aside = move || session.with(|s| s.set_aside.len());
    let save_error = move || session.with(|s| s.saved.clone().err());
    let failed = RwSignal::new(None);
    let export = move |_| {
        let text = session.with_untracked(|s| s.export_backup());
        let name = format!("zhibu-backup-{}.json", platform::today_cst());
        failed.set(download::file(&name, download::JSON, text.as_bytes()).err());
    };
    view! {
        <div class="notices" aria-live="polite">
            <Show when=move || { set_aside() > 0 }>
                <div class="notice notice-warn" role="alert" data-testid="recovery-notice">
                    <p>{move || i18n.fmt("notice.set_aside", &[("n", &set_aside())])}</p>
                    <a class="button" href="#/settings">{i18n.t("notice.set_aside_action")}</a>
                </div>
            </Show>
            {move || {
                save_error()
                    .map(|error| {
                        view! {
                            <div class="notice notice-error" role="alert" data-testid="save-error">
                                <p>{words::save_error(i18n.lang.get(), &error)}</p>
                                <button type="button" class="button" on:click=export>
                                    {i18n.t("backup.export")}
                                </button>
                                <DownloadFailure failed/>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
