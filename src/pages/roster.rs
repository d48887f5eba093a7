//! 名册: members grouped by 党小组, with search (characters, pinyin,
//! initials), filters, add, edit, archive and restore.

use crate::components::first_run::FirstRun;
use crate::components::member_form::MemberForm;
use crate::context::{SessionSignal, use_session};
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::roster::{Role, Status};
use zhibu_core::roster_order::sections;
use zhibu_core::search::NameKey;
use zhibu_core::state::Member;

/// Which members the role filter keeps.
fn role_matches(filter: &str, role: Role) -> bool {
    match filter {
        "" => true,
        "committee" => role.is_committee(),
        key => role.key() == key,
    }
}

/// The roster page.
#[component]
pub fn RosterPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = RwSignal::new(String::new());
    let status_filter = RwSignal::new(String::new());
    let role_filter = RwSignal::new(String::new());
    let show_archived = RwSignal::new(false);
    // None: no form; Some(None): adding; Some(Some(id)): editing.
    let form = RwSignal::new(None::<Option<MemberId>>);
    // The member just archived, for 撤销 right after.
    let archived_now = RwSignal::new(None::<(MemberId, String)>);

    let members = Memo::new(move |_| {
        session.with(|s| {
            s.records()
                .state()
                .members()
                .into_iter()
                .map(|m| {
                    let key = NameKey::new(&m.fields.name);
                    (m, key)
                })
                .collect::<Vec<_>>()
        })
    });
    let active_count = move || members.with(|ms| ms.iter().filter(|(m, _)| !m.archived).count());
    let probationary_count = move || {
        members.with(|ms| ms.iter().filter(|(m, _)| !m.archived && m.fields.status == Status::Probationary).count())
    };
    let archived_count = move || members.with(|ms| ms.iter().filter(|(m, _)| m.archived).count());

    // One computation per change, shared by the count, the empty notice and the list.
    let grouped = Memo::new(move |_| {
        let q = query.get();
        let status = status_filter.get();
        let role = role_filter.get();
        let archived = show_archived.get();
        let kept: Vec<Member> = members.with(|ms| {
            ms.iter()
                .filter(|(m, key)| {
                    m.archived == archived
                        && (status.is_empty() || m.fields.status.key() == status)
                        && role_matches(&role, m.fields.role)
                        && key.matches(&q)
                })
                .map(|(m, _)| m.clone())
                .collect()
        });
        sections(kept)
    });
    let shown = move || grouped.with(|g| g.iter().map(|(_, p)| p.len()).sum::<usize>());

    view! {
        <FirstRun/>
        <section class="page" aria-labelledby="roster-title">
            <div class="page-head">
                <h2 id="roster-title">{i18n.t("roster.title")}</h2>
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="add-member"
                    on:click=move |_| form.set(Some(None))
                >
                    {i18n.t("roster.add")}
                </button>
            </div>
            <p class="summary" data-testid="roster-summary">
                {move || {
                    i18n.fmt(
                        "roster.summary",
                        &[("total", &active_count()), ("probationary", &probationary_count()), ("archived", &archived_count())],
                    )
                }}
            </p>
            {move || {
                form.get()
                    .map(|member| {
                        view! { <MemberForm member on_done=move |_| form.set(None)/> }
                    })
            }}
            <div class="filters" role="search">
                <label class="visually-hidden" for="roster-search">{i18n.t("roster.search_label")}</label>
                <input
                    id="roster-search"
                    type="search"
                    placeholder=i18n.t("roster.search_placeholder")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <label class="visually-hidden" for="filter-status">{i18n.t("roster.filter_status")}</label>
                <select id="filter-status" on:change=move |ev| status_filter.set(event_target_value(&ev))>
                    <option value="">{i18n.t("roster.all_statuses")}</option>
                    {Status::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.key()>{move || words::status(i18n.lang.get(), s)}</option> })
                        .collect_view()}
                </select>
                <label class="visually-hidden" for="filter-role">{i18n.t("roster.filter_role")}</label>
                <select id="filter-role" on:change=move |ev| role_filter.set(event_target_value(&ev))>
                    <option value="">{i18n.t("roster.all_roles")}</option>
                    <option value="committee">{i18n.t("roster.committee")}</option>
                    {Role::ALL
                        .into_iter()
                        .map(|r| view! { <option value=r.key()>{move || words::role(i18n.lang.get(), r)}</option> })
                        .collect_view()}
                </select>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="show-archived"
                        prop:checked=move || show_archived.get()
                        on:change=move |ev| show_archived.set(event_target_checked(&ev))
                    />
                    <span>{i18n.t("roster.show_archived")}</span>
                </label>
            </div>
            <ArchivedNotice archived_now/>
            <p class="visually-hidden" aria-live="polite">{move || i18n.fmt("roster.shown", &[("n", &shown())])}</p>
            <Show when=move || shown() == 0>
                <p class="empty" data-testid="roster-empty">
                    {move || {
                        if members.with(Vec::is_empty) { i18n.now("roster.empty") } else { i18n.now("roster.no_match") }
                    }}
                </p>
            </Show>
            {move || {
                grouped
                    .get()
                    .into_iter()
                    .map(|(group, people)| view! { <GroupSection group people form archived_now/> })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
fn GroupSection(
    group: String,
    people: Vec<Member>,
    form: RwSignal<Option<Option<MemberId>>>,
    archived_now: RwSignal<Option<(MemberId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = people.len();
    let title = group.clone();
    view! {
        <section class="group" data-testid="group">
            <h3 class="group-heading" data-testid="group-heading">
                <span data-testid="group-name">
                    {move || if title.is_empty() { i18n.now("roster.no_group") } else { title.clone() }}
                </span>
                <span class="count">{move || i18n.fmt("roster.people", &[("n", &count)])}</span>
            </h3>
            <ul class="member-list">
                {people.into_iter().map(|m| view! { <MemberRow member=m form archived_now/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn MemberRow(
    member: Member,
    form: RwSignal<Option<Option<MemberId>>>,
    archived_now: RwSignal<Option<(MemberId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Member { id, fields, archived } = member;
    let role = fields.role;
    let status = fields.status;
    let edit_id = id.clone();
    let archive_id = id.clone();
    let name = fields.name.clone();
    // Archiving asks first; restoring is harmless and immediate.
    let asking = RwSignal::new(false);
    let toggle_archive = move |_| {
        if archived {
            set_archived(session, &archive_id, false);
        } else {
            asking.set(true);
        }
    };
    let confirm_id = id.clone();
    let confirm = move |_| {
        // A failed save still archives in memory; the notices say so.
        set_archived(session, &confirm_id, true);
        asking.set(false);
        archived_now.set(Some((confirm_id.clone(), name.clone())));
    };
    let ask_name = fields.name.clone();
    view! {
        <li class="member-row" data-testid="member-row" class:archived=archived>
            <div class="member-main">
                <span class="member-name" data-testid="member-name">{fields.name.clone()}</span>
                <span class="badges">
                    <Show when=move || role != Role::Member>
                        <span class="badge badge-role" data-testid="member-role">{move || words::role(i18n.lang.get(), role)}</span>
                    </Show>
                    <Show when=move || status == Status::Probationary>
                        <span class="badge badge-probationary">{move || words::status(i18n.lang.get(), status)}</span>
                    </Show>
                    <Show when=move || fields.exempt>
                        <span class="badge badge-exempt">{i18n.t("field.exempt")}</span>
                    </Show>
                </span>
                <span class="member-meta">
                    {fields.joined.map(|d| {
                        let d = d.to_string();
                        view! { <span>{move || i18n.fmt("roster.joined", &[("date", &d)])}</span> }
                    })}
                    {fields.phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}
                </span>
            </div>
            <div class="member-actions">
                <button
                    type="button"
                    class="button button-small"
                    on:click=move |_| form.set(Some(Some(edit_id.clone())))
                    aria-label=move || i18n.fmt("roster.edit_named", &[("name", &fields.name)])
                >
                    {i18n.t("roster.edit")}
                </button>
                <button
                    type="button"
                    class="button button-small"
                    data-testid="archive-toggle"
                    on:click=toggle_archive
                >
                    {move || if archived { i18n.now("roster.restore") } else { i18n.now("roster.archive") }}
                </button>
            </div>
            <Show when=move || asking.get()>
                <div class="confirm-panel" role="alertdialog" aria-labelledby=format!("archive-ask-{}", id.0) data-testid="archive-confirm">
                    <p id=format!("archive-ask-{}", id.0)>
                        {
                            let ask_name = ask_name.clone();
                            move || i18n.fmt("roster.archive_ask", &[("name", &ask_name)])
                        }
                    </p>
                    <div class="button-row">
                        <button type="button" class="button button-danger" data-testid="archive-confirm-yes" on:click=confirm.clone()>
                            {i18n.t("roster.archive_yes")}
                        </button>
                        <button type="button" class="button" data-testid="archive-confirm-no" on:click=move |_| asking.set(false)>
                            {i18n.t("form.cancel")}
                        </button>
                    </div>
                </div>
            </Show>
        </li>
    }
}

/// "已归档 张伟" with 撤销, right after archiving.
#[component]
fn ArchivedNotice(archived_now: RwSignal<Option<(MemberId, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let undo = move |_| {
        let Some((id, _)) = archived_now.get_untracked() else { return };
        set_archived(session, &id, false);
        archived_now.set(None);
    };
    view! {
        <div role="status" aria-live="polite">
            {move || {
                archived_now.get().map(|(_, name)| {
                    view! {
                        <div class="undo-bar" data-testid="archived-notice">
                            <span>{move || i18n.fmt("roster.archived_now", &[("name", &name)])}</span>
                            <button type="button" class="button button-small" data-testid="undo-archive" on:click=undo>
                                {i18n.t("roster.undo")}
                            </button>
                            <button
                                type="button"
                                class="button button-small"
                                aria-label=i18n.t("roster.dismiss")
                                on:click=move |_| archived_now.set(None)
                            >
                                "×"
                            </button>
                        </div>
                    }
                })
            }}
        </div>
    }
}

/// Archives or restores a member listed on this page (so known: the core
/// refuses only an unknown member). A failed save shows as the notice.
fn set_archived(session: SessionSignal, member: &MemberId, archived: bool) {
    let outcome = session.try_update(|s| s.set_archived(member, archived));
    debug_assert!(!matches!(outcome, Some(Err(_))), "a listed member is known");
}
