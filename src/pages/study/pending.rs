//! Self-study waiting for an organizer: the confirmer, confirm or refuse,
//! and phones' self-study receipts taken in.

use super::YearView;
use crate::components::receipt_intake::ReceiptIntake;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::storage;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours;
use zhibu_core::ids::{MemberId, StudyId};

/// Self-study waiting for an organizer, the confirmer named, and phones'
/// self-study receipts taken in.
#[component]
pub(super) fn Pending(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let message = RwSignal::new(None::<String>);
    // Who may confirm: the committee (书记 and 支委), or everyone in a branch
    // that has not set posts yet.
    let choices = Memo::new(move |_| {
        session.with(|s| {
            let active = s.records().state().active_by_name();
            let committee: Vec<_> = active.iter().filter(|m| m.fields.role.is_committee()).cloned().collect();
            let list = if committee.is_empty() { active } else { committee };
            list.into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
        })
    });
    // The remembered confirmer counts only while still among the choices.
    let remembered = storage::pref("confirmer").map(MemberId);
    let confirmer = RwSignal::new(remembered.filter(|id| choices.with_untracked(|c| c.iter().any(|(m, _)| m == id))));
    let show_intake = RwSignal::new(false);
    let decide = move |id: StudyId, confirmed: bool| {
        let Some(by) = confirmer.get_untracked() else {
            message.set(Some(i18n.now("study.pick_confirmer")));
            return;
        };
        let result = session.try_update(|s| s.decide_study(&id, &by, confirmed, ""));
        message.set(match result {
            Some(Err(p)) => Some(words::study_problem(i18n.lang.get_untracked(), &p)),
            _ => None,
        });
    };
    view! {
        <section class="card no-print" aria-labelledby="pending-title" data-testid="pending-study">
            <h3 id="pending-title">{i18n.t("study.pending")}</h3>
            <div class="form-row">
                <label for="confirmer">{i18n.t("study.confirmer")}</label>
                <select
                    id="confirmer"
                    data-testid="confirmer"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        storage::set_pref("confirmer", &v);
                        confirmer.set((!v.is_empty()).then_some(MemberId(v)));
                    }
                >
                    <option value="" selected=move || confirmer.with(Option::is_none)>{i18n.t("round.choose")}</option>
                    {move || {
                        choices
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let value = id.to_string();
                                view! { <option value=value selected=move || confirmer.with(|c| c.as_ref() == Some(&id))>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <p class="message" role="status" data-testid="study-message">{move || message.get()}</p>
            <ul class="plain study-list">
                {move || {
                    let list = data.with(|d| d.pending.clone());
                    if list.is_empty() {
                        return view! { <li class="empty">{i18n.t("study.none_pending")}</li> }.into_any();
                    }
                    list.into_iter()
                        .map(|(e, name)| {
                            let (yes, no) = (e.id.clone(), e.id.clone());
                            view! {
                                <li class="study-item" data-testid="pending-item">
                                    <strong>{name}</strong>
                                    " "
                                    <span>{move || words::date(i18n.lang.get(), e.study.date)}</span>
                                    " · "
                                    <span>{e.study.material.clone()}</span>
                                    " · "
                                    <span>{move || i18n.fmt("hours.n", &[("n", &hours::format(e.study.tenths))])}</span>
                                    {(!e.study.note.is_empty()).then(|| view! { <p class="muted">{e.study.note.clone()}</p> })}
                                    <div class="actions">
                                        <button type="button" class="button button-primary" data-testid="confirm-study" on:click=move |_| decide(yes.clone(), true)>
                                            {i18n.t("study.confirm")}
                                        </button>
                                        <button type="button" class="button" data-testid="refuse-study" on:click=move |_| decide(no.clone(), false)>
                                            {i18n.t("study.refuse")}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <button type="button" class="button" data-testid="study-receipt-open" on:click=move |_| show_intake.update(|v| *v = !*v)>
                {i18n.t("study.take_receipt")}
            </button>
            {move || show_intake.get().then(|| view! { <ReceiptIntake message hint="study.receipt_hint"/> })}
        </section>
    }
}
