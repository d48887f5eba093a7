//! 评选 and 民主评议: the "身边最美党员" rounds and the yearly appraisals
//! (their forms are `components::round_form` and `appraisal_form`).

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::rounds::{self, Stage};

/// The list of rounds.
#[component]
pub fn RoundsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    // Code sheets of rounds whose voting closed (here or elsewhere) go.
    Effect::new(move |_| session.with(|s| crate::storage::sheets::sweep(s.records().state())));
    let list = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            rounds::rounds(state)
                .into_iter()
                .map(|r| {
                    let (voted, entitled) = rounds::turnout(state, &r);
                    let appraisal = r.rules.is_appraisal();
                    (r.id, r.rules.title, r.rules.year, r.stage.stage, voted, entitled, appraisal)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="page" aria-labelledby="rounds-title">
            <div class="page-head">
                <h2 id="rounds-title">{i18n.t("rounds.title")}</h2>
                {move || organizer.get().then(|| view! {
                    <div class="button-row">
                        <a class="button button-primary" href="#/rounds/new" data-testid="new-round">{i18n.t("rounds.new")}</a>
                        <a class="button" href="#/rounds/appraisal" data-testid="new-appraisal">{i18n.t("rounds.new_appraisal")}</a>
                    </div>
                })}
            </div>
            {move || {
                let items = list.get();
                if items.is_empty() {
                    return view! { <p class="empty">{i18n.t("rounds.none")}</p> }.into_any();
                }
                view! {
                    <ul class="meeting-list">
                        {items.into_iter().map(|(id, title, year, stage, voted, entitled, appraisal)| view! {
                            <li>
                                <a class="meeting-item" href=format!("#/round/{id}") data-testid="round-item" data-kind=if appraisal { "appraisal" } else { "selection" }>
                                    <span class="meeting-kind">
                                        {appraisal.then(|| view! { {i18n.t("appraisal.kind")} " · " })}
                                        {move || i18n.fmt("rounds.year", &[("year", &year)])}
                                    </span>
                                    <span class="meeting-topic">{title}</span>
                                    <span class="meeting-state">
                                        <span class="badge">{move || words::round_stage(i18n.lang.get(), appraisal, stage)}</span>
                                        {(stage >= Stage::Voting).then_some(move || i18n.fmt("round.turnout", &[("voted", &voted), ("entitled", &entitled)]))}
                                    </span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}
