//! The organizer's side of the sync server: invite a member's phone (a
//! one-time link and its QR), the branch's devices (revoke, role), and
//! whether phone numbers may be kept on the server.

use crate::components::qr::QrCode;
use crate::components::sync_settings::role_text;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::sync::Connection;
use crate::sync::engine::use_sync;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::sync::{BranchSettings, Device, Invitation, NewInvitation, Role};

/// Invitations, devices and the phone setting (organizer's session only).
#[component]
pub fn SyncDevices() -> impl IntoView {
    view! {
        <Invite/>
        <Devices/>
        <SharePhones/>
    }
}

fn connection() -> Option<Connection> {
    Connection::load().filter(|c| !c.revoked)
}

/// 邀请成员: pick a member and a role → a one-time link and QR.
#[component]
fn Invite() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let member = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Member);
    let made = RwSignal::new(None::<(String, i64)>);
    let link = Signal::derive(move || made.with(|m| m.as_ref().map(|(l, _)| l.clone()).unwrap_or_default()));
    let error = RwSignal::new(None::<String>);
    let members = move || {
        let active = session.with(|s| s.records().state().active_by_name());
        active.into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
    };
    let invite = move |_| {
        let Some(c) = connection() else { return };
        let chosen = member.get_untracked();
        if chosen.is_empty() {
            return error.set(Some(i18n.now("sync.invite.pick")));
        }
        error.set(None);
        made.set(None);
        leptos::task::spawn_local(async move {
            // The member must be in the server's roster: push first, and
            // say why if that failed (the invitation would only be refused).
            if let Err(e) = sync.sync_and_wait().await {
                return error.set(Some(words::sync_failure(i18n.lang.get_untracked(), &e)));
            }
            let body = NewInvitation { member: MemberId(chosen), role: role.get_untracked() };
            match c.server().send_json::<_, Invitation>("POST", "/api/invitations", &body).await {
                Ok(inv) => made.set(Some((format!("{}/#/invite/{}", c.server, inv.code), inv.expires_at))),
                Err(e) => {
                    let lang = i18n.lang.get_untracked();
                    let text = match &e {
                        crate::sync::api::Failure::Status(422, _) => i18n.now("sync.invite.not_on_server"),
                        other => words::sync_failure(lang, other),
                    };
                    error.set(Some(text));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-title" data-testid="sync-invite">
            <h4 id="invite-title">{i18n.t("sync.invite.title")}</h4>
            <p class="hint">{i18n.t("sync.invite.hint")}</p>
            <div class="form-row">
                <label for="invite-member">{i18n.t("sync.invite.member")}</label>
                <select id="invite-member" data-testid="invite-member" on:change=move |ev| member.set(event_target_value(&ev))>
                    <option value="">{i18n.t("sync.invite.choose")}</option>
                    {move || members().into_iter().map(|(id, name)| view! { <option value=id.0>{name}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-row">
                <label for="invite-role">{i18n.t("sync.role")}</label>
                <select id="invite-role" data-testid="invite-role"
                    on:change=move |ev| role.set(if event_target_value(&ev) == "committee" { Role::Committee } else { Role::Member })>
                    <option value="member">{move || role_text(i18n, Role::Member)}</option>
                    <option value="committee">{move || role_text(i18n, Role::Committee)}</option>
                </select>
            </div>
            <button type="button" class="button button-primary" data-testid="invite-make" on:click=invite>
                {i18n.t("sync.invite.make")}
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || made.get().map(|(text, expires)| {
                let zone = session.with_untracked(|s| s.records().state().settings().zone);
                let until = words::date_time(i18n.lang.get(), zone, expires / 1000);
                view! {
                    <QrCode text=link label=i18n.now("sync.invite.title")/>
                    <label for="invite-link">{i18n.t("sync.invite.link")}</label>
                    <textarea id="invite-link" rows="2" readonly data-testid="invite-link" prop:value=text></textarea>
                    <p class="hint" data-testid="invite-expires">{i18n.fmt("sync.invite.expires", &[("time", &until)])}</p>
                }
            })}
        </section>
    }
}

/// 设备列表: every token of the branch; revoke, or change a phone's role.
#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = RwSignal::new(None::<Result<Vec<Device>, String>>);
    let load = move || {
        let Some(c) = connection() else { return };
        leptos::task::spawn_local(async move {
            let got = c.server().get::<Vec<Device>>("/api/devices").await;
            list.set(Some(got.map_err(|e| words::sync_failure(i18n.lang.get_untracked(), &e))));
        });
    };
    let act = move |method: &'static str, path: String, body: Option<String>| {
        let Some(c) = connection() else { return };
        leptos::task::spawn_local(async move {
            match c.server().call(method, &path, body).await {
                Ok(()) => load(),
                Err(e) => list.set(Some(Err(words::sync_failure(i18n.lang.get_untracked(), &e)))),
            }
        });
    };
    let name_of = move |m: &Option<MemberId>| {
        m.as_ref().map_or_else(String::new, |m| {
            session.with_untracked(|s| s.records().state().member(m).map_or_else(|| m.to_string(), |m| m.fields.name))
        })
    };
    view! {
        <section class="card" aria-labelledby="devices-title" data-testid="sync-devices">
            <h4 id="devices-title">{i18n.t("sync.devices.title")}</h4>
            <button type="button" class="button" data-testid="devices-load" on:click=move |_| load()>
                {i18n.t("sync.devices.load")}
            </button>
            {move || match list.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(devices)) => {
                    let lang = i18n.lang.get();
                    let zone = session.with_untracked(|s| s.records().state().settings().zone);
                    let mine = connection().map(|c| c.session.device).unwrap_or_default();
                    view! {
                        <ul class="plain device-list">
                            {devices.into_iter().map(|d| {
                                let seen = words::date_time(lang, zone, d.last_seen / 1000);
                                let (id, id_role) = (d.id.clone(), d.id.clone());
                                let this = d.id == mine;
                                let revoke = move |_| {
                                    let ok = web_sys::window()
                                        .and_then(|w| w.confirm_with_message(&i18n.now("sync.devices.confirm")).ok())
                                        .unwrap_or(false);
                                    if ok {
                                        act("DELETE", format!("/api/devices/{id}"), None);
                                    }
                                };
                                let other = if d.role == Role::Committee { Role::Member } else { Role::Committee };
                                let role_body = serde_json::json!({ "role": other }).to_string();
                                view! {
                                    <li class="device-row" data-testid="device-row" data-revoked=d.revoked.to_string()>
                                        <p>
                                            <strong>{d.label.clone()}</strong>" "
                                            <span class="badge">{role_text(i18n, d.role)}</span>" "
                                            {name_of(&d.member)}
                                            {this.then(|| view! { " " <span class="badge">{i18n.t("sync.devices.this")}</span> })}
                                            {d.revoked.then(|| view! { " " <span class="badge badge-absent">{i18n.t("sync.devices.revoked")}</span> })}
                                        </p>
                                        <p class="hint">{i18n.fmt("sync.devices.seen", &[("time", &seen)])}</p>
                                        {(!d.revoked).then(|| view! {
                                            <div class="button-row">
                                                {(d.role != Role::Organizer).then(|| view! {
                                                    <button type="button" class="button" on:click=move |_| act("PUT", format!("/api/devices/{id_role}/role"), Some(role_body.clone()))>
                                                        {move || i18n.fmt("sync.devices.make", &[("role", &role_text(i18n, other))])}
                                                    </button>
                                                })}
                                                <button type="button" class="button button-danger" data-testid="device-revoke" on:click=revoke>
                                                    {i18n.t("sync.devices.revoke")}
                                                </button>
                                            </div>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// 服务器保存手机号: off by default (numbers stay on the devices).
#[component]
fn SharePhones() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let share = RwSignal::new(connection().is_some_and(|c| c.share_phones));
    let message = RwSignal::new(None::<String>);
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        let Some(c) = connection() else { return };
        leptos::task::spawn_local(async move {
            let body = BranchSettings { share_phones: wanted };
            match c.server().send_json::<_, BranchSettings>("PUT", "/api/branch", &body).await {
                Ok(now) => {
                    share.set(now.share_phones);
                    crate::sync::update_connection(&c.session.token, |c| c.share_phones = now.share_phones);
                    message.set(None);
                    // Numbers held back so far do not follow by themselves:
                    // a member's next edit carries them.
                    sync.sync_now();
                }
                Err(e) => {
                    share.set(!wanted);
                    message.set(Some(words::sync_failure(i18n.lang.get_untracked(), &e)));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="phones-title">
            <h4 id="phones-title">{i18n.t("sync.phones.title")}</h4>
            <label class="check-row">
                <input type="checkbox" data-testid="share-phones" prop:checked=share on:change=toggle/>
                <span>{i18n.t("sync.phones.label")}</span>
            </label>
            <p class="hint">{i18n.t("sync.phones.hint")}</p>
            <p class="error" role="alert">{move || message.get()}</p>
        </section>
    }
}
