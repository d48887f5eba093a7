//! A code round's 投票码 on the round page: how many are used, the first
//! batch, 重新打印投票码 where this device holds the sheet, 作废未用投票码
//! 并重新发放 (after a confirmation) — and the printable slips. The rules
//! are the core's (`code_batches`); the sheet is this device's alone
//! (`storage::sheets`).

use super::problem_text;
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::storage::sheets;
use leptos::prelude::*;
use zhibu_core::ballot;
use zhibu_core::code_batches;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::{Round, Stage};

/// The codes part of the voting card.
#[component]
pub fn CodesPanel(round: Round, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = round.id.clone();
    let stage = round.stage();
    let issued = !round.codes.is_empty();
    let (used, live, room, held) = session.with_untracked(|s| {
        let state = s.records().state();
        let held = sheets::held(state, &id).is_some();
        (
            code_batches::used(state, &round).len(),
            code_batches::live(state, &round),
            code_batches::room(state, &round),
            held,
        )
    });
    let count = RwSignal::new(room.max(1).to_string());
    let id_issue = id.clone();
    let issue = Callback::new(move |void: bool| {
        let Ok(n) = count.get_untracked().trim().parse::<usize>() else { return };
        if void {
            let ask = i18n.fmt("round.void_confirm", &[("live", &live), ("n", &n), ("used", &used)]);
            if !web_sys::window().and_then(|w| w.confirm_with_message(&ask).ok()).unwrap_or(false) {
                return;
            }
        }
        match session.try_update(|s| s.issue_codes(&id_issue, n, void)) {
            Some(Ok(_)) => go(&format!("#/round/{id_issue}/codes")),
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    });
    let first = stage < Stage::Voting && !issued;
    let reissue = issued && stage <= Stage::Voting;
    view! {
        {issued.then(|| view! {
            <p data-testid="codes-issued">{move || i18n.fmt("round.codes_issued", &[("n", &(used + live))])}</p>
            {(stage == Stage::Voting).then(|| view! {
                <p data-testid="codes-used">{move || i18n.fmt("round.codes_used", &[("used", &used), ("live", &live)])}</p>
            })}
        })}
        {move || organizer.get().then(|| view! {
            {(issued && held).then(|| view! {
                <div class="actions no-print">
                    <a class="button" href=format!("#/round/{id}/codes") data-testid="reprint-codes">{i18n.t("round.reprint_codes")}</a>
                </div>
            })}
            {(issued && !held && stage <= Stage::Voting).then(|| view! {
                <p class="hint" data-testid="sheet-elsewhere">{i18n.t("round.sheet_elsewhere")}</p>
            })}
            {(first || (reissue && room > 0)).then(|| view! {
                <div class="actions no-print">
                    <label class="inline-field">
                        <span>{i18n.t(if first { "round.code_count" } else { "round.void_count" })}</span>
                        <input type="number" min="1" max=room.max(1) data-testid="code-count" prop:value=count on:input=move |ev| count.set(event_target_value(&ev))/>
                    </label>
                    {if first {
                        view! { <button type="button" class="button button-primary" data-testid="issue-codes" on:click=move |_| issue.run(false)>{i18n.t("round.issue_codes")}</button> }.into_any()
                    } else {
                        view! { <button type="button" class="button" data-testid="void-codes" on:click=move |_| issue.run(true)>{i18n.t("round.void_codes")}</button> }.into_any()
                    }}
                </div>
            })}
        })}
    }
}

/// This device's sheet as slips with cut lines, to print (and print again
/// until voting closes).
#[component]
pub fn CodeSlips(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let (title, codes) = session.with_untracked(|s| {
        let state = s.records().state();
        (state.round(&id).map(|r| r.rules.title).unwrap_or_default(), sheets::held(state, &id))
    });
    let print = |_| platform::print();
    view! {
        <section class="page" data-testid="code-slips">
            <p class="crumb no-print"><a href=format!("#/round/{id}") data-testid="back-to-round">{i18n.t("round.back_to_round")}</a></p>
            {match codes {
                None => view! { <p class="empty" data-testid="codes-gone">{i18n.t("round.codes_gone")}</p> }.into_any(),
                Some(codes) => view! {
                    <p class="notice-warn no-print">{i18n.t("round.codes_once")}</p>
                    <div class="actions no-print">
                        <button type="button" class="button button-primary" data-testid="print-codes" on:click=print>{i18n.t("round.print_codes")}</button>
                    </div>
                    <div class="slips">
                        {codes.into_iter().map(|c| view! {
                            <div class="slip">
                                <p class="slip-title">{title.clone()}</p>
                                <p class="slip-label">{i18n.t("round.slip_label")}</p>
                                <p class="slip-code" data-testid="slip-code">{ballot::display_code(&c)}</p>
                                <p class="slip-hint">{i18n.t("round.slip_hint")}</p>
                            </div>
                        }).collect_view()}
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
