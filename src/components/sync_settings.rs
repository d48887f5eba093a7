//! 同步服务器 on the settings page: connect (the organizer logs in or
//! creates the branch; a member joins with an invitation link), or, once
//! connected, what the connection is, sync now, disconnect, revoke this
//! device, and the organizer's devices and invitations.

use crate::components::sync_devices::SyncDevices;
use crate::context::{SessionSignal, use_session};
use crate::i18n::{I18n, use_i18n};
use crate::sync::Connection;
use crate::sync::api::{Failure, Server};
use crate::sync::engine::{Engine, use_sync};
use crate::words;
use leptos::prelude::*;
use zhibu_core::sync::{Accept, Login, MIN_PASSWORD, NewBranch, Role, Session as ServerSession};

/// The page's own origin: the server that served the app, by default.
pub fn own_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// 组织员 / 支委 / 党员.
pub fn role_text(i18n: I18n, role: Role) -> String {
    i18n.now(match role {
        Role::Organizer => "sync.role.organizer",
        Role::Committee => "sync.role.committee",
        Role::Member => "sync.role.member",
    })
}

/// A label for this device in the organizer's list: "<name>的手机" when the
/// phone knows whose it is, else what the browser says it runs on.
pub fn default_label(i18n: I18n, session: SessionSignal) -> String {
    let name = session.with_untracked(|s| s.me().and_then(|m| s.records().state().member(&m)).map(|m| m.fields.name));
    if let Some(name) = name {
        return i18n.fmt("sync.label.of", &[("name", &name)]);
    }
    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
    let key = if agent.contains("iPhone") {
        "sync.label.iphone"
    } else if agent.contains("iPad") {
        "sync.label.ipad"
    } else if agent.contains("Android") {
        "sync.label.android"
    } else {
        "sync.label.browser"
    };
    i18n.now(key)
}

/// A pasted invitation: `<server>/#/invite/<code>` (the server comes with
/// it), or the bare code (for the server typed beside it).
pub fn parse_invitation(pasted: &str) -> (Option<String>, String) {
    let pasted = pasted.trim();
    match pasted.split_once("#/invite/") {
        Some((base, code)) if !base.is_empty() => (Some(base.to_owned()), code.trim().to_owned()),
        Some((_, code)) => (None, code.trim().to_owned()),
        None => (None, pasted.to_owned()),
    }
}

/// Redeems an invitation, stores the session, makes this phone the
/// invited member's and starts the first sync.
pub async fn accept(
    sync: Engine,
    session: SessionSignal,
    server: String,
    code: String,
    label: String,
) -> Result<(), Failure> {
    let body = Accept { code, label };
    let got: ServerSession = Server::new(&server).send_json("POST", "/api/invitations/accept", &body).await?;
    if let Some(member) = &got.member {
        session.with_untracked(|s| s.set_me(member)).map_err(|e| Failure::Local(format!("{e:?}")))?;
    }
    sync.connect(&server, got).map_err(|e| Failure::Local(format!("{e:?}")))
}

/// Words for a failed accept: 401 means the code is unknown, used or expired.
pub fn accept_error(i18n: I18n, failure: &Failure) -> String {
    match failure {
        Failure::Status(401, _) => i18n.now("sync.invite.invalid"),
        other => words::sync_failure(i18n.lang.get_untracked(), other),
    }
}

/// The settings section.
#[component]
pub fn SyncSettings() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let connected = Memo::new(move |_| sync.status.with(|s| s.connection.is_some()));
    view! {
        <section class="card" aria-labelledby="sync-title" data-testid="sync-settings">
            <h3 id="sync-title">{i18n.t("sync.title")}</h3>
            {move || if connected.get() { view! { <Connected/> }.into_any() } else { view! { <Connect/> }.into_any() }}
        </section>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Login,
    Create,
    Join,
}

/// Not connected: the server, then log in, create the branch, or join.
#[component]
fn Connect() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let server = RwSignal::new(own_origin());
    let mode = RwSignal::new(Mode::Login);
    let branch = RwSignal::new(session.with_untracked(|s| s.records().state().settings().branch_name));
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let invitation = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let base = server.get_untracked();
        let (m, name, user, pass) =
            (mode.get_untracked(), branch.get_untracked(), login.get_untracked(), password.get_untracked());
        if m == Mode::Create && pass != again.get_untracked() {
            return error.set(Some(i18n.now("sync.connect.mismatch")));
        }
        if m != Mode::Join && pass.chars().count() < MIN_PASSWORD {
            return error.set(Some(i18n.fmt("sync.connect.short", &[("n", &MIN_PASSWORD)])));
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match m {
                Mode::Login => {
                    let body = Login { login: user.trim().to_owned(), password: pass };
                    let got = Server::new(&base).send_json::<_, ServerSession>("POST", "/api/login", &body).await;
                    got.and_then(|got| sync.connect(&base, got).map_err(|e| Failure::Local(format!("{e:?}"))))
                }
                Mode::Create => {
                    let body =
                        NewBranch { name: name.trim().to_owned(), login: user.trim().to_owned(), password: pass };
                    let got = Server::new(&base).send_json::<_, ServerSession>("POST", "/api/branches", &body).await;
                    got.and_then(|got| sync.connect(&base, got).map_err(|e| Failure::Local(format!("{e:?}"))))
                }
                Mode::Join => {
                    let (from_link, code) = parse_invitation(&invitation.get_untracked());
                    let label = default_label(i18n, session);
                    accept(sync, session, from_link.unwrap_or(base), code, label).await
                }
            };
            busy.set(false);
            if let Err(failure) = result {
                error.set(Some(match (&failure, m) {
                    (Failure::Status(401, _), Mode::Login) => i18n.now("sync.connect.wrong_password"),
                    (_, Mode::Join) => accept_error(i18n, &failure),
                    (Failure::Status(409, _), Mode::Create) => i18n.now("sync.connect.login_taken"),
                    (Failure::Status(403, _), Mode::Create) => i18n.now("sync.connect.signup_closed"),
                    _ => words::sync_failure(i18n.lang.get_untracked(), &failure),
                }));
            } else if m == Mode::Join {
                crate::context::go("#/me");
            }
        });
    };
    let tab = move |m: Mode, key: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="button" data-testid=testid aria-pressed=move || (mode.get() == m).to_string()
                on:click=move |_| { mode.set(m); error.set(None); }>
                {i18n.t(key)}
            </button>
        }
    };
    let field =
        move |id: &'static str, key: &'static str, value: RwSignal<String>, kind: &'static str, auto: &'static str| {
            view! {
                <div class="form-row">
                    <label for=id>{i18n.t(key)}</label>
                    <input id=id type=kind autocomplete=auto data-testid=id prop:value=value
                        on:input=move |ev| value.set(event_target_value(&ev))/>
                </div>
            }
        };
    view! {
        <p class="hint">{i18n.t("sync.hint")}</p>
        <div class="button-row" role="group" aria-label=i18n.t("sync.title")>
            {tab(Mode::Login, "sync.connect.login", "sync-mode-login")}
            {tab(Mode::Create, "sync.connect.create", "sync-mode-create")}
            {tab(Mode::Join, "sync.connect.join", "sync-mode-join")}
        </div>
        <form on:submit=submit novalidate>
            {field("sync-server", "sync.server", server, "url", "url")}
            {move || match mode.get() {
                Mode::Create => view! {
                    {field("sync-branch", "sync.connect.branch", branch, "text", "organization")}
                    {field("sync-login", "sync.connect.user", login, "text", "username")}
                    <p class="hint" data-testid="sync-login-hint">{i18n.t("sync.connect.login_hint")}</p>
                    {field("sync-password", "sync.connect.password", password, "password", "new-password")}
                    {field("sync-password2", "sync.connect.password2", again, "password", "new-password")}
                }.into_any(),
                Mode::Login => view! {
                    {field("sync-login", "sync.connect.user", login, "text", "username")}
                    {field("sync-password", "sync.connect.password", password, "password", "current-password")}
                }.into_any(),
                Mode::Join => view! {
                    <p class="hint">{i18n.t("sync.connect.join_hint")}</p>
                    {field("sync-invitation", "sync.connect.invitation", invitation, "text", "off")}
                }.into_any(),
            }}
            <button type="submit" class="button button-primary" data-testid="sync-connect" disabled=move || busy.get()>
                {move || if busy.get() { i18n.now("sync.connect.busy") } else {
                    i18n.now(match mode.get() {
                        Mode::Login => "sync.connect.login",
                        Mode::Create => "sync.connect.create",
                        Mode::Join => "sync.connect.join",
                    })
                }}
            </button>
            <p class="error" role="alert" data-testid="sync-error">{move || error.get()}</p>
        </form>
    }
}

/// Connected: what the connection is and what can be done with it.
#[component]
fn Connected() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let status = sync.status;
    let connection = move || status.with(|s| s.connection.clone());
    let organizer = Memo::new(move |_| status.with(|s| s.connection.as_ref().is_some_and(Connection::is_organizer)));
    let message = RwSignal::new(None::<String>);
    let confirm =
        move |key: &str| web_sys::window().and_then(|w| w.confirm_with_message(&i18n.now(key)).ok()).unwrap_or(false);
    let disconnect = move |_| {
        if confirm("sync.disconnect_confirm") {
            sync.disconnect();
        }
    };
    let revoke = move |_| {
        let Some(c) = connection() else { return };
        if !confirm("sync.revoke_confirm") {
            return;
        }
        leptos::task::spawn_local(async move {
            match c.server().call("DELETE", "/api/session", None).await {
                // Already refused: revoked or expired; forgetting is all that is left.
                Ok(()) | Err(Failure::Status(401, _)) => sync.disconnect(),
                Err(e) => message.set(Some(words::sync_failure(i18n.lang.get_untracked(), &e))),
            }
        });
    };
    let fact = move |key: &'static str, value: String, testid: &'static str| {
        view! { <dt>{i18n.t(key)}</dt><dd data-testid=testid>{value}</dd> }
    };
    view! {
        {move || connection().map(|c| {
            let lang = i18n.lang.get();
            let zone = session.with_untracked(|s| s.records().state().settings().zone);
            let member = c.session.member.as_ref().map(|m| {
                session.with_untracked(|s| s.records().state().member(m).map_or_else(|| m.to_string(), |m| m.fields.name))
            });
            let last = c.last_sync.map_or_else(|| i18n.now("sync.never"), |at| words::date_time(lang, zone, at / 1000));
            let pending = status.with(|s| s.pending);
            view! {
                {c.revoked.then(|| view! {
                    <p class="notice notice-error" role="alert" data-testid="sync-revoked">{i18n.t("sync.revoked")}</p>
                })}
                <dl class="facts">
                    {fact("sync.server", c.server.clone(), "sync-server-shown")}
                    {fact("sync.branch", c.session.branch_name.clone(), "sync-branch")}
                    {fact("sync.role", role_text(i18n, c.session.role), "sync-role")}
                    // The login the server made at creation: the one to log in with elsewhere.
                    {c.session.login.clone().map(|l| fact("sync.login", l, "sync-login-shown"))}
                    {member.map(|m| fact("sync.member", m, "sync-member"))}
                    {fact("sync.last", last, "sync-last")}
                    {fact("sync.pending", pending.to_string(), "sync-pending")}
                    {c.share_phones.then(|| fact("sync.phones", i18n.now("sync.phones_shared"), "sync-phones"))}
                </dl>
                {c.last_error.clone().filter(|_| !c.revoked).map(|e| view! {
                    <p class="error" role="status" data-testid="sync-last-error">
                        {i18n.fmt("sync.status.failed", &[("why", &words::sync_failure(lang, &e))])}
                    </p>
                })}
                {(!c.rejected.is_empty()).then(|| view! {
                    <details class="sync-rejected" data-testid="sync-rejected">
                        <summary>{i18n.fmt("sync.rejected", &[("n", &c.rejected.len())])}</summary>
                        <ul>
                            {c.rejected.iter().rev().map(|r| view! { <li><code>{words::event_kind(lang, &r.kind)}</code>" "{words::push_reason(lang, r.reason)}</li> }).collect_view()}
                        </ul>
                    </details>
                })}
            }
        })}
        <div class="button-row">
            <button type="button" class="button button-primary" data-testid="sync-now" on:click=move |_| sync.sync_now()>
                {i18n.t("sync.now")}
            </button>
            <button type="button" class="button" data-testid="sync-disconnect" on:click=disconnect>{i18n.t("sync.disconnect")}</button>
            <button type="button" class="button button-danger" data-testid="sync-revoke" on:click=revoke>{i18n.t("sync.revoke")}</button>
        </div>
        <p class="hint">{i18n.t("sync.disconnect_hint")}</p>
        <p class="error" role="alert">{move || message.get()}</p>
        {move || organizer.get().then(|| view! { <SyncDevices/> })}
    }
}
