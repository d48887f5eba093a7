//! Add or edit one member. Validation is the core's; this only shows it.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use zhibu_core::commands::roster::RosterProblem;
use zhibu_core::ids::MemberId;
use zhibu_core::roster::{Field, FieldError, MemberDraft, Role, Status};

/// The form. `member` is `None` to add someone new.
#[component]
pub fn MemberForm(member: Option<MemberId>, #[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // What the form opened on: an edit records only what differs from it.
    let baseline = member.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().member(id)));
    let initial = baseline
        .as_ref()
        .map(|m| MemberDraft::from(&m.fields))
        .unwrap_or_else(|| MemberDraft { status: Status::Full.zh().into(), ..Default::default() });
    let baseline = baseline.map(|m| m.fields);
    let draft = RwSignal::new(initial);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let unknown = RwSignal::new(false);
    let groups = move || {
        session.with(|s| {
            zhibu_core::roster_order::group_names(s.records().state().members().into_iter().map(|m| m.fields.group))
        })
    };
    let editing = member.is_some();
    let member_for_submit = member.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.get_untracked().validate() {
            Err(found) => {
                // Take the user to the first problem (the form may be scrolled).
                if let Some(first) = found.first() {
                    let id = format!("member-{}", first.field.key());
                    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
                    if let Some(input) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                        let _ = input.focus();
                    }
                }
                errors.set(found)
            }
            Ok(fields) => {
                errors.set(Vec::new());
                // A failed save keeps the change in memory; the notice says so.
                let result = session.try_update(|s| match &member_for_submit {
                    Some(id) => match &baseline {
                        Some(base) => s.edit_member(id, base, &fields),
                        None => Ok(()),
                    },
                    None => s.add_member(fields).map(drop),
                });
                match result {
                    Some(Err(RosterProblem::Fields(found))) => errors.set(found),
                    // Members are archived, never removed: an unknown one
                    // is a form opened on another branch's records.
                    Some(Err(RosterProblem::UnknownMember)) => unknown.set(true),
                    Some(Ok(())) | None => on_done.run(()),
                }
            }
        }
    };

    let error_for = move |field: Field| {
        move || {
            errors.with(|list| {
                list.iter().find(|e| e.field == field).map(|e| words::problem(i18n.lang.get(), &e.problem))
            })
        }
    };
    let invalid = move |field: Field| move || errors.with(|l| l.iter().any(|e| e.field == field)).to_string();

    let text_input = move |field: Field,
                           id: &'static str,
                           kind: &'static str,
                           get: fn(&MemberDraft) -> String,
                           put: fn(&mut MemberDraft, String)| {
        let err_id = format!("{id}-error");
        view! {
            <div class="form-row">
                <label for=id>{move || words::field(i18n.lang.get(), field)}</label>
                <input
                    id=id
                    type=kind
                    inputmode=if kind == "tel" { "tel" } else { "text" }
                    autocomplete="off"
                    prop:value=move || draft.with(get)
                    on:input=move |ev| draft.update(|d| put(d, event_target_value(&ev)))
                    aria-invalid=invalid(field)
                    aria-describedby=err_id.clone()
                />
                <p class="field-error" id=err_id>{error_for(field)}</p>
            </div>
        }
    };

    view! {
        <section class="sheet" role="dialog" aria-modal="false" aria-labelledby="member-form-title" data-testid="member-form">
            <h2 id="member-form-title">
                {move || if editing { i18n.now("form.edit_title") } else { i18n.now("form.add_title") }}
            </h2>
            <form on:submit=submit novalidate>
                {text_input(Field::Name, "member-name", "text", |d| d.name.clone(), |d, v| d.name = v)}
                <div class="form-row">
                    <label for="member-group">{move || words::field(i18n.lang.get(), Field::Group)}</label>
                    <input
                        id="member-group"
                        list="group-options"
                        autocomplete="off"
                        prop:value=move || draft.with(|d| d.group.clone())
                        on:input=move |ev| draft.update(|d| d.group = event_target_value(&ev))
                        aria-invalid=invalid(Field::Group)
                        aria-describedby="member-group-error"
                    />
                    <datalist id="group-options">
                        {move || groups().into_iter().map(|g| view! { <option value=g></option> }).collect_view()}
                    </datalist>
                    <p class="field-error" id="member-group-error">{error_for(Field::Group)}</p>
                </div>
                <div class="form-row">
                    <label for="member-status">{move || words::field(i18n.lang.get(), Field::Status)}</label>
                    <select
                        id="member-status"
                        on:change=move |ev| draft.update(|d| d.status = event_target_value(&ev))
                    >
                        {Status::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option
                                        value=s.zh()
                                        selected=move || Status::parse(&draft.with(|d| d.status.clone())) == Some(s)
                                    >
                                        {move || words::status(i18n.lang.get(), s)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-row">
                    <label for="member-role">{move || words::field(i18n.lang.get(), Field::Role)}</label>
                    <select id="member-role" on:change=move |ev| draft.update(|d| d.role = event_target_value(&ev))>
                        {Role::ALL
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option
                                        value=r.zh()
                                        selected=move || Role::parse(&draft.with(|d| d.role.clone())) == Some(r)
                                    >
                                        {move || words::role(i18n.lang.get(), r)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                {text_input(Field::Joined, "member-joined", "date", |d| d.joined.clone(), |d, v| d.joined = v)}
                {text_input(Field::Phone, "member-phone", "tel", |d| d.phone.clone(), |d, v| d.phone = v)}
                <div class="form-row form-check">
                    <input
                        id="member-exempt"
                        type="checkbox"
                        prop:checked=move || draft.with(|d| d.exempt == "是")
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.exempt = if on { "是" } else { "否" }.into())
                        }
                    />
                    <label for="member-exempt">{move || words::field(i18n.lang.get(), Field::Exempt)}</label>
                </div>
                <p class="hint">{i18n.t("form.phone_hint")}</p>
                <p class="error" role="alert">
                    {move || unknown.get().then(|| words::roster_problem(i18n.lang.get(), &RosterProblem::UnknownMember))}
                </p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-member">
                        {i18n.t("form.save")}
                    </button>
                    <button type="button" class="button" on:click=move |_| on_done.run(())>
                        {i18n.t("form.cancel")}
                    </button>
                </div>
            </form>
        </section>
    }
}
