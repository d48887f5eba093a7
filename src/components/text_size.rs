//! 字号: 标准 / 大 / 特大, for this device only (older members often want
//! larger text than the phone's setting gives). The choice scales the root
//! font size, so everything sized in rem/em grows with it.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The sizes the app offers and their words; style/main.css gives each its
/// root font size (on screen only: print keeps its own).
pub const SIZES: [(&str, &str); 3] =
    [("standard", "textsize.standard"), ("large", "textsize.large"), ("larger", "textsize.larger")];

/// The remembered size's key, `standard` when none is.
pub fn current() -> String {
    crate::storage::pref("text_size")
        .filter(|k| SIZES.iter().any(|(key, _)| key == k))
        .unwrap_or_else(|| SIZES[0].0.to_owned())
}

/// Puts the remembered size on `<html>`; the app calls it at start.
pub fn apply() {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-text-size", &current());
    }
}

/// Three buttons, the current one pressed.
#[component]
pub fn TextSizeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(current());
    view! {
        <div class="lang-switch" role="group" aria-label=i18n.t("textsize.label") data-testid="text-size">
            {SIZES
                .into_iter()
                .map(|(key, label)| {
                    view! {
                        <button
                            type="button"
                            class="lang-button"
                            data-size=key
                            aria-pressed=move || (chosen.get() == key).to_string()
                            on:click=move |_| {
                                crate::storage::set_pref("text_size", key);
                                chosen.set(key.to_owned());
                                apply();
                            }
                        >
                            {i18n.t(label)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
