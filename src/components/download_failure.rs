//! Where a screen without a message line of its own says that a file it
//! offered was not downloaded (`download::Failed`); empty otherwise.

use crate::download::Failed;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;

/// The last download's failure, while there is one.
#[component]
pub fn DownloadFailure(failed: RwSignal<Option<Failed>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        failed.get().map(|f| {
            view! { <p class="error" role="alert" data-testid="download-failed">{words::download_failed(i18n.lang.get(), &f)}</p> }
        })
    }
}
