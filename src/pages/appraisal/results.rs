//! 测评结果 and 组织评定: each member's ratings with their shares as bars,
//! the flag for the committee, the cap and the invalid and blank ballots;
//! the committee's grade per member (with a reason where it differs, and a
//! follow-up for 不合格), the decision list to print and export.

use super::view::Appraisal;
use crate::components::download_failure::DownloadFailure;
use crate::context::use_session;
use crate::download::{self, Format};
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::appraisal::{self, Decision, Line, Rating, Recounted};
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::Stage;

/// The count and the decisions.
#[component]
pub(super) fn Results(data: Appraisal, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(count) = data.count.clone() else { return ().into_any() };
    let round = data.round.round.clone();
    let deciding = round.stage() == Stage::Closed;
    let counted = count.counted().max(1);
    let failed = RwSignal::new(None);
    let (id_csv, title) = (round.id.clone(), round.rules.title.clone());
    let export = Callback::new(move |format: Format| {
        let table = session.with_untracked(|s| {
            let state = s.records().state();
            state.round(&id_csv).and_then(|r| zhibu_core::appraisal::table(state, &r))
        });
        if let Some(table) = table {
            failed.set(download::table(&title, "民主评议", &table, format).err());
        }
    });
    let (id_box, id_recount) = (round.id.clone(), round.id.clone());
    let box_json = move |id: &zhibu_core::ids::RoundId| {
        session.with_untracked(|s| {
            let state = s.records().state();
            let round = state.round(id)?;
            appraisal::export(state, &round).map(|e| serde_json::to_string_pretty(&e).unwrap_or_default())
        })
    };
    let export_box = move |_| {
        if let Some(json) = box_json(&id_box) {
            failed.set(download::file("民主测评票箱-匿名.json", download::JSON, json.as_bytes()).err());
        }
    };
    let recounted = RwSignal::new(None::<String>);
    let recount = move |_| {
        recounted.set(box_json(&id_recount).map(|json| match appraisal::recount(&json) {
            Ok(Recounted::Agrees(c)) => i18n.fmt("round.recount_ok", &[("n", &c.cast)]),
            Ok(Recounted::Differs(_)) => i18n.now("round.recount_differs"),
            Err(e) => {
                i18n.fmt("round.recount_bad", &[("error", &words::recount_problem(i18n.lang.get_untracked(), &e))])
            }
        }))
    };
    let rows = data.appraised.clone();
    view! {
        <section class="card" aria-labelledby="results-title" data-testid="appraisal-results">
            <h3 id="results-title">{move || words::round_stage(i18n.lang.get(), true, Stage::Closed)}</h3>
            <p data-testid="ballot-summary">
                {move || i18n.fmt("appraisal.summary", &[
                    ("cast", &count.cast), ("entitled", &count.entitled), ("valid", &count.valid),
                    ("blank", &count.blank), ("invalid", &count.invalid), ("cap", &count.cap),
                ])}
            </p>
            {(!data.round.sealed_ok).then(|| view! { <p class="notice-warn" role="alert" data-testid="box-changed">{i18n.t("round.box_changed")}</p> })}
            {data.round.excess.then(|| view! { <p class="notice-warn" role="alert" data-testid="box-excess">{i18n.t("round.box_excess")}</p> })}
            <table class="ledger-table" data-testid="appraisal-table">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t("field.name")}</th>
                        {Rating::ALL.into_iter().map(|r| view! { <th scope="col">{move || words::rating(i18n.lang.get(), r)}</th> }).collect_view()}
                        <th scope="col">{i18n.t("appraisal.no_opinion")}</th>
                        <th scope="col">{i18n.t("appraisal.decision")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(member, name)| {
                        let line = count.line(&member).cloned();
                        let decided = data.decisions.get(&member).cloned();
                        view! { <Row member name line decided counted deciding organizer id=round.id.clone() message/> }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions no-print">
                <a class="button" href=format!("#/round/{}/notice", round.id) data-testid="print-decisions">{i18n.t("appraisal.print")}</a>
                <button type="button" class="button" data-testid="export-csv" on:click=move |_| export.run(Format::Csv)>{i18n.t("export.csv")}</button>
                <button type="button" class="button" data-testid="export-xlsx" on:click=move |_| export.run(Format::Xlsx)>{i18n.t("export.xlsx")}</button>
                <button type="button" class="button" data-testid="export-box" on:click=export_box>{i18n.t("round.export")}</button>
                <button type="button" class="button" data-testid="recount" on:click=recount>{i18n.t("round.recount")}</button>
            </div>
            <p class="message" role="status" data-testid="recount-message">{move || recounted.get()}</p>
            <DownloadFailure failed/>
        </section>
    }
    .into_any()
}

/// One member's line: counts with bars, flag, and the decision (a form
/// for the organizer while deciding).
#[component]
fn Row(
    member: MemberId,
    name: String,
    line: Option<Line>,
    decided: Option<Decision>,
    counted: usize,
    deciding: bool,
    organizer: Memo<bool>,
    id: zhibu_core::ids::RoundId,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let line = line.unwrap_or(Line { member: member.clone(), counts: [0; 4], no_opinion: 0, flagged: false });
    let flagged = line.flagged;
    let suggested = decided.as_ref().map(|d| d.grade).or(line.leading()).unwrap_or(Rating::Competent);
    let grade = RwSignal::new(suggested);
    let reason = RwSignal::new(decided.as_ref().map(|d| d.reason.clone()).unwrap_or_default());
    let follow_up = RwSignal::new(decided.as_ref().map(|d| d.follow_up.clone()).unwrap_or_default());
    let save = Callback::new(move |()| {
        let decision = Decision {
            grade: grade.get_untracked(),
            reason: reason.get_untracked(),
            follow_up: follow_up.get_untracked(),
        };
        let outcome = session.try_update(|s| s.decide(&id, &member, decision));
        message.set(match outcome {
            Some(Err(p)) => Some(words::round_problem(i18n.lang.get_untracked(), &p)),
            _ => None,
        });
    });
    let data_name = name.clone();
    view! {
        <tr data-testid="appraisal-row" data-name=data_name data-flagged=flagged.to_string()>
            <th scope="row">{name} {flagged.then(|| view! { " " <span class="badge badge-warn" data-testid="flag">{i18n.t("appraisal.flagged")}</span> })}</th>
            {line.counts.iter().map(|n| {
                let share = n * 100 / counted;
                view! { <td data-testid="rating-count"><span>{*n}</span> <span class="share-bar" style=format!("--share:{share}%") aria-label=format!("{share}%")></span></td> }
            }).collect_view()}
            <td>{line.no_opinion}</td>
            <td data-testid="decision">
                {move || if deciding && organizer.get() {
                    view! {
                        <div class="decision-form no-print">
                            <select aria-label=move || i18n.now("appraisal.decision") data-testid="grade"
                                on:change=move |ev| {
                                    let key = event_target_value(&ev);
                                    if let Some(r) = Rating::ALL.into_iter().find(|r| r.key() == key) { grade.set(r) }
                                }>
                                {Rating::ALL.into_iter().map(|r| view! {
                                    <option value=r.key() selected=move || grade.get() == r>{move || words::rating(i18n.lang.get(), r)}</option>
                                }).collect_view()}
                            </select>
                            <input aria-label=move || i18n.now("appraisal.reason") placeholder=move || i18n.now("appraisal.reason") data-testid="reason"
                                prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                            {move || (grade.get() == Rating::Failing).then(|| view! {
                                <input aria-label=move || i18n.now("appraisal.follow_up") placeholder=move || i18n.now("appraisal.follow_up") data-testid="follow-up"
                                    prop:value=follow_up on:input=move |ev| follow_up.set(event_target_value(&ev))/>
                            })}
                            <button type="button" class="button" data-testid="save-decision" on:click=move |_| save.run(())>{i18n.t("form.save")}</button>
                        </div>
                    }.into_any()
                } else {
                    ().into_any()
                }}
                {decided.clone().map(|d| view! {
                    <span data-testid="decided-grade">{move || words::rating(i18n.lang.get(), d.grade)}</span>
                    {(!d.reason.is_empty()).then(|| view! { <span class="muted">{format!("（{}）", d.reason)}</span> })}
                })}
            </td>
        </tr>
    }
}
