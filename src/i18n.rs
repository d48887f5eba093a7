//! Interface language: Simplified Chinese first, English second. Every
//! string lives in `locales/*.json` (flat key → text; `{name}` placeholders).

use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A supported language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// The `lang` attribute value.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A locale file's texts (checked by a tidy test; a parse failure cannot
/// ship, and would read as no texts).
pub(crate) fn parse(text: &str) -> HashMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn chinese() -> &'static HashMap<String, String> {
    static ZH: OnceLock<HashMap<String, String>> = OnceLock::new();
    ZH.get_or_init(|| parse(include_str!("../locales/zh-CN.json")))
}

fn table(lang: Lang) -> Option<&'static HashMap<String, String>> {
    match lang {
        Lang::Zh => Some(chinese()),
        Lang::En => crate::english::table(),
    }
}

/// The text for `key`; falls back to Chinese (also while the English texts
/// are not here, `english`), then to the key itself.
pub fn text(lang: Lang, key: &str) -> String {
    table(lang).and_then(|t| t.get(key)).or_else(|| chinese().get(key)).cloned().unwrap_or_else(|| key.to_owned())
}

/// The text for `key` with `{name}` placeholders filled.
pub fn format(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    args.iter().fold(text(lang, key), |acc, (name, value)| acc.replace(&format!("{{{name}}}"), &value.to_string()))
}

/// The language to start in: the remembered choice, else the browser's,
/// else Chinese.
pub fn wanted() -> Lang {
    let remembered = crate::storage::pref("lang").and_then(|t| Lang::from_tag(&t));
    let browser =
        web_sys::window().and_then(|w| w.navigator().language()).filter(|l| l.starts_with("en")).map(|_| Lang::En);
    remembered.or(browser).unwrap_or(Lang::Zh)
}

/// The language signal, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    /// Current language.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Starts in [`wanted`].
    pub fn new() -> I18n {
        I18n { lang: RwSignal::new(wanted()) }
    }

    /// Remembers the language and switches to it (English once its texts
    /// are fetched, if they are not here yet).
    pub fn set(self, lang: Lang) {
        crate::storage::set_pref("lang", lang.tag());
        if lang == Lang::En && !crate::english::ready() {
            leptos::task::spawn_local(async move {
                crate::english::fetch().await;
                // Unless 中文 was chosen again while the texts came.
                if crate::storage::pref("lang").as_deref() == Some(lang.tag()) {
                    self.show(lang);
                }
            });
        } else {
            self.show(lang);
        }
    }

    fn show(self, lang: Lang) {
        self.lang.set(lang);
        self.apply_to_document();
    }

    /// Puts the current language on `<html lang>` (screen readers, fonts).
    pub fn apply_to_document(self) {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", self.lang.get_untracked().tag());
        }
    }

    /// Reactive text for `key`.
    pub fn t(self, key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text(lang.get(), key)
    }

    /// The text now, as a `String`; tracks `lang` when read in a reactive closure.
    pub fn now(self, key: &str) -> String {
        text(self.lang.get(), key)
    }

    /// Formatted text (reads `lang` reactively).
    pub fn fmt(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        format(self.lang.get(), key, args)
    }
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new()
    }
}

/// The I18n from context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
