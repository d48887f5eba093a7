//! `#/invite/<code>`: a member's phone opens the organizer's one-time
//! invitation (served by the branch's server, so the server is this page's
//! origin) and joins: the phone gets its own token, becomes the invited
//! member's, syncs, and lands on 我的.

use crate::components::sync_settings::{accept, accept_error, default_label, own_origin};
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::sync::engine::use_sync;
use leptos::prelude::*;

/// The invitation's landing page.
#[component]
pub fn InvitePage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let label = RwSignal::new(default_label(i18n, session));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let connected = move || sync.status.with(|s| s.connection.as_ref().map(|c| c.session.branch_name.clone()));
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let code = code.clone();
        leptos::task::spawn_local(async move {
            let result = accept(sync, session, own_origin(), code, label.get_untracked().trim().to_owned()).await;
            busy.set(false);
            match result {
                Ok(()) => go("#/me"),
                Err(failure) => error.set(Some(accept_error(i18n, &failure))),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="invite-title" data-testid="invite-page">
            <h2 id="invite-title">{i18n.t("sync.invite.join_title")}</h2>
            <p>{i18n.t("sync.invite.join_hint")}</p>
            {move || connected().map(|branch| view! {
                <p class="notice notice-warn" role="status" data-testid="invite-replaces">
                    {i18n.fmt("sync.invite.replaces", &[("branch", &branch)])}
                </p>
            })}
            <form on:submit=join novalidate>
                <div class="form-row">
                    <label for="invite-label">{i18n.t("sync.invite.label")}</label>
                    <input id="invite-label" data-testid="invite-label" maxlength="100" prop:value=label
                        on:input=move |ev| label.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button button-primary" data-testid="invite-accept" disabled=move || busy.get()>
                    {move || i18n.now(if busy.get() { "sync.connect.busy" } else { "sync.invite.accept" })}
                </button>
            </form>
            <p class="error" role="alert" data-testid="invite-error">{move || error.get()}</p>
        </section>
    }
}
