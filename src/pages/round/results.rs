//! A round's results: the tally with each candidate's votes, what the count
//! allows next (公示, a run-off, or an end without a result — decided by
//! `zhibu_core::outcome`, only shown here), receipts, the anonymous export
//! and the recount.

use super::problem_text;
use super::view::{View, name_of};
use crate::context::{go, use_session};
use crate::download;
use crate::i18n::{I18n, use_i18n};
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ballot::{self, Recount};
use zhibu_core::ids::MemberId;
use zhibu_core::outcome::RunoffWhy;
use zhibu_core::rounds::Stage;

/// The tally, ties and run-off, receipts, export and recount.
#[component]
pub(super) fn Results(
    view: View,
    organizer: Memo<bool>,
    message: RwSignal<Option<String>>,
    advance: Callback<Stage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(t) = view.tally.clone() else { return ().into_any() };
    let id = view.round.id.clone();
    let names: Vec<(MemberId, String)> = session
        .with_untracked(|s| t.counts.iter().map(|(c, _)| (c.clone(), name_of(s.records().state(), c))).collect());
    let name = move |c: &MemberId| names.iter().find(|(m, _)| m == c).map(|(_, n)| n.clone()).unwrap_or_default();
    let tied_names = t.tied.iter().map(&name).collect::<Vec<_>>().join("、");
    let id_run = id.clone();
    let title = view.round.rules.title.clone();
    let runoff = move |_| {
        let new_title = format!("{title}（{}）", i18n.now("round.runoff_suffix"));
        match session.try_update(|s| s.start_runoff(&id_run, &new_title)) {
            Some(Ok(new)) => go(&format!("#/round/{new}")),
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    };
    let id_export = id.clone();
    let export = move |_| {
        let json = session.with_untracked(|s| {
            let state = s.records().state();
            state
                .round(&id_export)
                .and_then(|r| ballot::export(state, &r))
                .map(|e| serde_json::to_string_pretty(&e).unwrap_or_default())
        });
        if let Some(Err(failed)) = json.map(|json| download::file("票箱-匿名.json", download::JSON, json.as_bytes()))
        {
            message.set(Some(words::download_failed(i18n.lang.get_untracked(), &failed)));
        }
    };
    let recount_msg = RwSignal::new(None::<String>);
    let recount_own = {
        let id = id.clone();
        move |_| {
            let json = session.with_untracked(|s| {
                let state = s.records().state();
                state
                    .round(&id)
                    .and_then(|r| ballot::export(state, &r))
                    .map(|e| serde_json::to_string(&e).unwrap_or_default())
            });
            recount_msg.set(json.map(|j| recount_text(i18n, ballot::recount(&j))));
        }
    };
    let recount_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let text = platform::read_file(file).await.ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
            recount_msg.set(Some(recount_text(i18n, ballot::recount(&text))));
        });
    };
    // Ending for good: asked first, then the core's guarded stage change.
    let end = move |_| {
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message(&i18n.now("round.end_confirm")).ok())
            .unwrap_or(false);
        if sure {
            advance.run(Stage::NoResult);
        }
    };
    let next = view.next.clone();
    let runoff_offer = next.as_ref().and_then(|n| n.runoff.clone());
    let unfilled = runoff_offer.as_ref().filter(|r| r.why == RunoffWhy::Unfilled).map(|r| {
        let names = r.candidates.iter().map(&name).collect::<Vec<_>>().join("、");
        (names, r.seats)
    });
    let runoff_label = match runoff_offer.as_ref().map(|r| r.why) {
        Some(RunoffWhy::Unfilled) => "round.runoff_top",
        _ => "round.runoff",
    };
    let no_winner = next.as_ref().is_some_and(|n| n.no_winner) && t.tied.is_empty();
    let may_end = next.as_ref().is_some_and(|n| n.end);
    let ended = view.round.stage() == Stage::NoResult;
    let needed = t.needed;
    let turnout = t.turnout_permille().map(words::percent).unwrap_or_default();
    let counts = t.counts.clone();
    let receipt_count = view.receipts.len();
    let (elected, tied) = (t.elected.clone(), t.tied.clone());
    view! {
        <section class="card" aria-labelledby="results-title" data-testid="results">
            <h3 id="results-title">{i18n.t("round.results")}</h3>
            {(!view.sealed_ok).then(|| view! { <p class="notice-warn" role="alert" data-testid="box-changed">{i18n.t("round.box_changed")}</p> })}
            {view.excess.then(|| view! { <p class="notice-warn" role="alert" data-testid="box-excess">{i18n.t("round.box_excess")}</p> })}
            {view.short.then(|| view! { <p class="notice-warn" role="alert" data-testid="box-short">{i18n.t("round.box_short")}</p> })}
            <div class="summary-grid stats-auto">
                <div class="stat"><span class="stat-n" data-testid="cast">{t.cast}</span><span>{i18n.t("round.cast")}</span></div>
                <div class="stat"><span class="stat-n" data-testid="valid">{t.valid}</span><span>{i18n.t("round.valid")}</span></div>
                <div class="stat"><span class="stat-n" data-testid="blank">{t.blank}</span><span>{i18n.t("round.blank")}</span></div>
                <div class="stat"><span class="stat-n" data-testid="invalid">{t.invalid}</span><span>{i18n.t("round.invalid")}</span></div>
                <div class="stat"><span class="stat-n" data-testid="turnout-rate">{turnout}</span><span>{i18n.t("round.turnout_rate")}</span></div>
            </div>
            <p class="hint">{move || i18n.fmt("round.needed", &[("n", &t.needed)])}</p>
            <table class="ledger-table" data-testid="tally-table">
                <thead><tr><th>{i18n.t("round.candidate")}</th><th>{i18n.t("round.votes")}</th><th>{i18n.t("round.outcome")}</th></tr></thead>
                <tbody>
                    {counts.into_iter().map(|(c, n)| {
                        let outcome = if elected.contains(&c) { "elected" } else if tied.contains(&c) { "tied" } else { "not" };
                        let who = name(&c);
                        let label = who.clone();
                        view! {
                            <tr data-testid="tally-row" data-name=label data-outcome=outcome>
                                <td>{who}</td>
                                <td data-testid="votes">{n}</td>
                                <td>{move || i18n.now(&format!("round.outcome_{outcome}"))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {ended.then(|| view! { <p class="notice-warn" data-testid="ended">{i18n.t("round.ended")}</p> })}
            {no_winner.then(|| view! {
                <p class="notice-warn" role="status" data-testid="no-winner">{move || i18n.fmt("round.no_winner", &[("n", &needed)])}</p>
            })}
            {(!t.tied.is_empty()).then(|| view! {
                <p class="notice-warn" data-testid="tie">{move || i18n.fmt("round.tie", &[("names", &tied_names), ("seats", &t.tied_seats)])}</p>
            })}
            {unfilled.map(|(names, seats)| view! {
                <p class="notice-warn" data-testid="unfilled">{move || i18n.fmt("round.unfilled", &[("names", &names), ("seats", &seats)])}</p>
            })}
            {move || organizer.get().then(|| view! {
                <div class="actions no-print">
                    {runoff_offer.is_some().then(|| view! {
                        <button type="button" class="button button-primary" data-testid="start-runoff" on:click=runoff.clone()>{i18n.t(runoff_label)}</button>
                    })}
                    {may_end.then(|| view! {
                        <button type="button" class="button" data-testid="end-round" on:click=end>{i18n.t("round.end")}</button>
                    })}
                </div>
            })}
            <details class="receipts">
                <summary>{move || i18n.fmt("round.receipts", &[("n", &receipt_count)])}</summary>
                <p class="hint">{i18n.t("round.receipts_hint")}</p>
                <ul class="plain receipt-list" data-testid="receipts">
                    {view.receipts.iter().map(|r| view! { <li><code>{r.clone()}</code></li> }).collect_view()}
                </ul>
            </details>
            <div class="actions no-print">
                <button type="button" class="button" data-testid="export-box" on:click=export>{i18n.t("round.export")}</button>
                <button type="button" class="button" data-testid="recount" on:click=recount_own>{i18n.t("round.recount")}</button>
                <label class="button file-button">
                    {i18n.t("round.recount_file")}
                    <input type="file" accept="application/json,.json" class="visually-hidden" data-testid="recount-file" on:change=recount_file/>
                </label>
            </div>
            <p class="message" role="status" data-testid="recount-message">{move || recount_msg.get()}</p>
        </section>
    }
    .into_any()
}

fn recount_text(i18n: I18n, result: Result<Recount, ballot::RecountProblem>) -> String {
    match result {
        Ok(Recount::Agrees(t)) => i18n.fmt("round.recount_ok", &[("n", &t.cast)]),
        Ok(Recount::Differs(_)) => i18n.now("round.recount_differs"),
        Err(e) => i18n.fmt("round.recount_bad", &[("error", &words::recount_problem(i18n.lang.get_untracked(), &e))]),
    }
}
