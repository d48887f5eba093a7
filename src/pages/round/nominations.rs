//! Nominations: nominees with their nominations and seconders, the
//! nomination form, and the review of each nominee.

use super::problem_text;
use super::view::View;
use crate::context::use_session;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{self, Stage};

/// Nominees with their nominations and seconders; the nomination form; review.
#[component]
pub(super) fn Nominations(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = view.round.stage();
    let id = view.round.id.clone();
    let people = Memo::new(move |_| {
        session.with(|s| {
            s.records().state().active_by_name().into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
        })
    });
    let (by, nominee, deeds) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    if let Some(me) = session.with_untracked(|s| s.me()) {
        by.set(me.to_string());
    }
    let id_nom = id.clone();
    let nominate = move |_| {
        let (b, n) = (MemberId(by.get_untracked()), MemberId(nominee.get_untracked()));
        let result = session.try_update(|s| s.nominate(&id_nom, &b, &n, &deeds.get_untracked()));
        match result {
            Some(Ok(())) => {
                deeds.set(String::new());
                message.set(Some(i18n.now("round.nominated")));
            }
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    };
    let names = Memo::new(move |_| people.get());
    let name = move |id: &MemberId| {
        names.with(|n| n.iter().find(|(m, _)| m == id).map(|(_, n)| n.clone()).unwrap_or_default())
    };
    view! {
        <section class="card" aria-labelledby="nominees-title">
            <h3 id="nominees-title">{i18n.t("round.nominees")}</h3>
            {(stage == Stage::Nomination).then(|| view! {
                <form class="nominate no-print" data-testid="nominate-form" on:submit=|ev| ev.prevent_default()>
                    <div class="form-pair">
                        <div class="form-row">
                            <label for="nominator">{i18n.t("round.by")}</label>
                            <select id="nominator" data-testid="nominator" on:change=move |ev| by.set(event_target_value(&ev))>
                                <option value="">{i18n.t("round.choose")}</option>
                                {move || people.get().into_iter().map(|(id, n)| {
                                    let selected = by.get_untracked() == id.as_str();
                                    view! { <option value=id.to_string() selected=selected>{n}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="form-row">
                            <label for="nominee">{i18n.t("round.nominee")}</label>
                            <select id="nominee" data-testid="nominee" on:change=move |ev| nominee.set(event_target_value(&ev))>
                                <option value="">{i18n.t("round.choose")}</option>
                                {move || people.get().into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <div class="form-row">
                        <label for="deeds">{i18n.t("round.deeds")}</label>
                        <textarea id="deeds" rows="4" maxlength=rounds::MAX_DEEDS data-testid="deeds"
                            prop:value=deeds on:input=move |ev| deeds.set(event_target_value(&ev))></textarea>
                        <p class="hint">{move || format!("{} / {}", deeds.with(|d| d.chars().count()), rounds::MAX_DEEDS)}</p>
                    </div>
                    <button type="button" class="button button-primary" data-testid="submit-nomination" on:click=nominate>{i18n.t("round.nominate")}</button>
                </form>
            })}
            {if view.nominees.is_empty() {
                view! { <p class="empty">{i18n.t("round.no_nominees")}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain nominee-list">
                        {view.nominees.clone().into_iter().map(|n| {
                            let member = n.member.clone();
                            let seconders = n.nominations.len().saturating_sub(1);
                            let review = n.review.clone();
                            let who = name(&member);
                            view! {
                                <li class="nominee" data-testid="nominee-item" data-name=who.clone()>
                                    <p class="nominee-head">
                                        <strong>{who.clone()}</strong>
                                        {(seconders > 0).then(|| view! { " " <span class="badge" data-testid="seconders">{move || i18n.fmt("round.seconders", &[("n", &seconders)])}</span> })}
                                        {review.clone().map(|r| view! {
                                            " "
                                            <span class=if r.approved { "badge badge-present" } else { "badge badge-absent" } data-testid="review-state">
                                                {if r.approved { i18n.t("round.approved") } else { i18n.t("round.rejected") }}
                                            </span>
                                            {(!r.reason.is_empty()).then(|| view! { <span class="muted">{format!(" {}", r.reason)}</span> })}
                                        })}
                                    </p>
                                    {n.nominations.iter().map(|(_, x)| {
                                        let by = name(&x.by);
                                        view! { <p class="prose deeds-text"><span class="muted">{move || i18n.fmt("round.nominated_by", &[("name", &by)])}</span>" "{x.deeds.clone()}</p> }
                                    }).collect_view()}
                                    {(stage == Stage::Review).then(|| view! { <ReviewControls round=id.clone() member=member.clone() organizer message/> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ReviewControls(
    round: RoundId,
    member: MemberId,
    organizer: Memo<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    // Shown beside the box it is about (the page's message may be off-screen on a phone).
    let error = RwSignal::new(None::<String>);
    let (field, hint) = (format!("review-reason-{member}"), format!("review-error-{member}"));
    let decide = move |approved: bool| {
        let result = session.try_update(|s| s.review(&round, &member, approved, &reason.get_untracked()));
        error.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
        message.set(None);
    };
    let decide = StoredValue::new(decide);
    view! {
        {move || organizer.get().then(|| view! {
            <div class="review no-print">
                <label for=field.clone() data-testid="review-reason-label">{i18n.t("round.reason")}</label>
                <input type="text" id=field.clone() data-testid="review-reason" aria-describedby=hint.clone()
                    aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                <button type="button" class="button button-primary" data-testid="approve" on:click=move |_| decide.with_value(|d| d(true))>{i18n.t("round.approve")}</button>
                <button type="button" class="button" data-testid="reject" on:click=move |_| decide.with_value(|d| d(false))>{i18n.t("round.reject")}</button>
                <p class="field-error" id=hint.clone() role="alert" data-testid="review-error">{move || error.get()}</p>
            </div>
        })}
    }
}
