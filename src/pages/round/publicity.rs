//! 公示: its end date, the notice, objections and their handling, and the
//! 表彰 list once final.

use super::problem_text;
use super::view::{View, name_of};
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::{MemberId, ObjectionId, RoundId};
use zhibu_core::rounds::{self, Stage};

/// 公示: end date, notice, objections and their handling; 表彰 list.
#[component]
pub(super) fn Publicity(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = view.round.id.clone();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let start = zone.local(view.round.publicity_start().unwrap_or(view.round.stage.at)).date();
    let rules = &view.round.rules;
    let end = rounds::publicity_end(start, rules.publicity_days, &rules.holidays, &rules.workdays);
    let elected = view.tally.as_ref().map(|t| t.elected.clone()).unwrap_or_default();
    let names: Vec<(MemberId, String)> =
        session.with_untracked(|s| elected.iter().map(|c| (c.clone(), name_of(s.records().state(), c))).collect());
    let about = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let id_obj = id.clone();
    let file = move |_| {
        let who = about.get_untracked();
        let who = (!who.is_empty()).then_some(MemberId(who));
        match session.try_update(|s| s.object(&id_obj, who.as_ref(), &text.get_untracked())) {
            Some(Ok(())) => {
                text.set(String::new());
                message.set(Some(i18n.now("round.objection_filed")));
            }
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    };
    let stage = view.round.stage();
    let names_for_list = names.clone();
    view! {
        <section class="card" aria-labelledby="publicity-title" data-testid="publicity">
            <h3 id="publicity-title">{i18n.t("round.publicity")}</h3>
            <p data-testid="publicity-end">{move || i18n.fmt("round.publicity_end", &[("date", &words::date(i18n.lang.get(), end))])}</p>
            <div class="actions no-print">
                <a class="button" href=format!("#/round/{id}/notice") data-testid="open-notice">{i18n.t("round.notice")}</a>
                {(stage == Stage::Final).then(|| view! { <a class="button" href=format!("#/round/{id}/honours") data-testid="open-honours">{i18n.t("round.honours")}</a> })}
            </div>
            {(stage == Stage::Publicity).then(|| view! {
                <form class="no-print" data-testid="objection-form" on:submit=|ev| ev.prevent_default()>
                    <div class="form-row">
                        <label for="objection-about">{i18n.t("round.objection_about")}</label>
                        <select id="objection-about" data-testid="objection-about" on:change=move |ev| about.set(event_target_value(&ev))>
                            <option value="">{i18n.t("round.objection_general")}</option>
                            {names.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-row">
                        <label for="objection-text">{i18n.t("round.objection")}</label>
                        <textarea id="objection-text" rows="3" data-testid="objection-text" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button" data-testid="file-objection" on:click=file>{i18n.t("round.file_objection")}</button>
                </form>
            })}
            <ul class="plain objection-list">
                {view.objections.iter().cloned().map(|(oid, o, handled)| {
                    let about = o.about.as_ref().and_then(|a| names_for_list.iter().find(|(m, _)| m == a)).map(|(_, n)| n.clone());
                    view! {
                        <li class="objection" data-testid="objection-item">
                            {about.map(|a| view! { <strong>{a}</strong> " " })}
                            <span>{o.text.clone()}</span>
                            {match handled {
                                Some(h) => view! {
                                    <p class="muted" data-testid="handled">
                                        {if h.upheld { i18n.t("round.upheld") } else { i18n.t("round.dismissed") }}
                                        {format!("：{}", h.note)}
                                    </p>
                                }.into_any(),
                                None => view! { <HandleObjection round=view.round.id.clone() objection=oid organizer message/> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn HandleObjection(
    round: RoundId,
    objection: ObjectionId,
    organizer: Memo<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let act = StoredValue::new(move |upheld: bool| {
        let result = session.try_update(|s| s.handle_objection(&round, &objection, upheld, &note.get_untracked()));
        message.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
    });
    view! {
        {move || organizer.get().then(|| view! {
            <div class="review no-print">
                <input type="text" data-testid="handling-note" placeholder=i18n.t("round.handling_note") aria-label=i18n.t("round.handling_note")
                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                <button type="button" class="button" data-testid="dismiss" on:click=move |_| act.with_value(|a| a(false))>{i18n.t("round.dismiss")}</button>
                <button type="button" class="button" data-testid="uphold" on:click=move |_| act.with_value(|a| a(true))>{i18n.t("round.uphold")}</button>
            </div>
        })}
    }
}
