//! 中文 / English switch; the choice is remembered.

use crate::i18n::{Lang, use_i18n};
use leptos::prelude::*;

/// Two buttons, the current one pressed.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |lang: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                class="lang-button"
                lang=lang.tag()
                aria-pressed=move || (i18n.lang.get() == lang).to_string()
                on:click=move |_| i18n.set(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=i18n.t("lang.label")>
            {button(Lang::Zh, "中文")}
            {button(Lang::En, "English")}
        </div>
    }
}
