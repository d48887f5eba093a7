//! The printable 民主评议 decision list (A4): every appraised member's
//! ballot counts and the committee's grade, with reasons and follow-ups,
//! signed by the branch. The same rows as the CSV/XLSX export.

use super::view::appraisal_of;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::Stage;

/// The decision list.
#[component]
pub(super) fn DecisionList(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let found = session.with_untracked(|s| {
        let state = s.records().state();
        let a = appraisal_of(state, &id)?;
        let table = zhibu_core::appraisal::table(state, &a.round.round)?;
        let count = a.count.clone()?;
        Some((a, table, count, state.settings().zone))
    });
    let Some((a, table, c, zone)) = found else {
        return view! { <p class="empty" data-testid="decision-list-missing">{i18n.t("appraisal.no_results")}</p> }
            .into_any();
    };
    let round = a.round.round.clone();
    let final_ = round.stage() == Stage::Final;
    let day = zone.local(round.stage.at).date();
    let print = |_| platform::print();
    view! {
        <section class="page notice" data-testid="decision-list">
            <p class="crumb no-print"><a href=format!("#/round/{id}")>{i18n.t("round.back_to_round")}</a></p>
            <h2 class="notice-title">{i18n.fmt("appraisal.list_title", &[("title", &round.rules.title)])}</h2>
            {(!final_).then(|| view! { <p class="notice-warn" data-testid="draft-list">{i18n.t("appraisal.list_draft")}</p> })}
            <table class="ledger-table print-table">
                <thead><tr>{table.header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {table.rows.into_iter().map(|row| view! {
                        <tr data-testid="decision-row">{row.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="prose">
                {move || i18n.fmt("appraisal.list_summary", &[("cast", &c.cast), ("entitled", &c.entitled), ("invalid", &c.invalid), ("cap", &c.cap)])}
            </p>
            <p class="cert-sign">{a.round.branch.clone()}</p>
            <p class="cert-sign">{move || words::date(i18n.lang.get(), day)}</p>
            <div class="actions no-print">
                <button type="button" class="button button-primary" data-testid="print-list" on:click=print>{i18n.t("meeting.print")}</button>
            </div>
        </section>
    }
    .into_any()
}
