//! What every screen and component takes from the shell: the tab's session
//! (through Leptos context) and navigation. Kept apart from `app`, so
//! pages and components never import the shell itself.

use crate::session::Session;
use leptos::prelude::*;

/// The app's records, shared through context.
pub type SessionSignal = RwSignal<Session>;

/// The session from context.
pub fn use_session() -> SessionSignal {
    expect_context::<SessionSignal>()
}

/// Goes to a route.
pub fn go(hash: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(hash);
    }
}
