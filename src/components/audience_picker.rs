//! Who is expected (应到): the whole branch, the committee, a 党小组 or a
//! hand-picked list — one picker for meetings and training classes.

use crate::context::use_session;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Audience;

/// The select, and the member list when 指定人员 is chosen. `committee_key`
/// names the committee option (支委会成员, or 书记和支委成员 for training).
#[component]
pub fn AudiencePicker(
    id: &'static str,
    label_key: &'static str,
    committee_key: &'static str,
    value: Signal<Audience>,
    on_change: Callback<Audience>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let roster = Memo::new(move |_| {
        session.with(|s| {
            let active = s.records().state().active_by_name();
            active.into_iter().map(|m| (m.id, m.fields.name, m.fields.group)).collect::<Vec<_>>()
        })
    });
    let groups = move || roster.with(|r| zhibu_core::roster_order::group_names(r.iter().map(|(_, _, g)| g)));
    let picked = move |id: &MemberId| value.with(|a| matches!(a, Audience::List(ids) if ids.contains(id)));
    let toggle = move |id: MemberId, on: bool| {
        if let Audience::List(mut ids) = value.get_untracked() {
            ids.retain(|x| x != &id);
            if on {
                ids.push(id);
            }
            on_change.run(Audience::List(ids));
        }
    };
    view! {
        <div class="form-row">
            <label for=id>{i18n.t(label_key)}</label>
            <select
                id=id
                disabled=disabled
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    on_change.run(match v.as_str() {
                        "branch" => Audience::Branch,
                        "committee" => Audience::Committee,
                        "list" => Audience::List(Vec::new()),
                        other => Audience::Group(other.trim_start_matches("group:").to_owned()),
                    })
                }
            >
                <option value="branch" selected=move || value.with(|a| *a == Audience::Branch)>{i18n.t("audience.branch")}</option>
                <option value="committee" selected=move || value.with(|a| *a == Audience::Committee)>{i18n.t(committee_key)}</option>
                {move || {
                    groups()
                        .into_iter()
                        .map(|g| {
                            let option = format!("group:{g}");
                            let is = Audience::Group(g.clone());
                            view! {
                                <option value=option selected=move || value.with(|a| *a == is)>
                                    {move || i18n.fmt("audience.group", &[("group", &g)])}
                                </option>
                            }
                        })
                        .collect_view()
                }}
                <option value="list" selected=move || value.with(|a| matches!(a, Audience::List(_)))>{i18n.t("audience.list")}</option>
            </select>
        </div>
        {move || {
            value.with(|a| matches!(a, Audience::List(_))).then(|| {
                view! {
                    <fieldset class="pick-list" data-testid="audience-list">
                        <legend>{i18n.t("audience.pick")}</legend>
                        {roster
                            .get()
                            .into_iter()
                            .map(|(id, name, group)| {
                                let id_check = id.clone();
                                view! {
                                    <label class="pick">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || picked(&id_check)
                                            on:change=move |ev| toggle(id.clone(), event_target_checked(&ev))
                                        />
                                        <span>{name}</span>
                                        <span class="muted">{group}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                }
            })
        }}
    }
}
