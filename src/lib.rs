//! Zhibu's browser app: a thin Leptos shell around `zhibu-core`.
//!
//! `app` is the shell and page switch, `context` what screens take from
//! it (the session, navigation), `pages/` one file or folder per screen,
//! `components/` the shared pieces, `session` the tab's live records,
//! `storage` the only door to localStorage, `sync` the only part that
//! talks to a sync server, `i18n` and `words` the texts.

pub mod app;
pub mod bench;
pub mod chunks;
pub mod components;
pub mod context;
pub mod download;
pub mod english;
pub mod i18n;
pub mod pages;
pub mod pinyin;
pub mod platform;
pub mod pwa;
pub mod session;
pub mod storage;
pub mod sync;
pub mod words;
