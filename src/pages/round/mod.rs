//! One "身边最美党员" round, a file per stage: the page shell and its
//! rules (here); `nominations` and review; `voting` (turnout, where to
//! vote) with `codes` (a code round's 投票码 and printable slips) and
//! `vote` (a named ballot on the member's own phone, or paper ballots
//! entered by the organizer; the kiosk is `pages::kiosk`); `results`
//! (ties and run-off, receipts, the recountable export); `publicity`
//! (公示 with objections, 表彰); `audit`; `notice` (the printable 公示
//! notice and commendation list). What they show is `view::View`.

mod audit;
pub(crate) mod codes;
mod nominations;
mod notice;
mod publicity;
mod results;
mod view;
pub(crate) mod vote;
pub(crate) mod voting;

use crate::components::round_form::RoundForm;
use crate::context::use_session;
use crate::i18n::{I18n, use_i18n};
use crate::sync::engine::use_sync;
use crate::words;
pub(crate) use audit::AuditLog;
use leptos::prelude::*;
use nominations::Nominations;
use notice::Notice;
use publicity::Publicity;
use results::Results;
use voting::Voting;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::{Mode, Round, RoundProblem, Stage};

pub(crate) use view::{View, choices, name_of, view_of};

/// What a round route shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundView {
    /// The round.
    Page,
    /// The rules form.
    Edit,
    /// A named ballot on the member's phone, or paper ballots entered on
    /// the organizer's device.
    Vote,
    /// Printable code slips.
    Codes,
    /// Printable 公示 notice.
    Notice,
    /// Printable commendation list.
    Honours,
}

/// The round route (an appraisal's is `pages::appraisal`).
#[component]
pub fn RoundPage(id: RoundId, view: RoundView) -> impl IntoView {
    let session = use_session();
    let id_kind = id.clone();
    // Tracked: a phone can open the route before the round has synced, and
    // must turn to the appraisal's page when the round arrives as one.
    let appraisal = Memo::new(move |_| {
        session.with(|s| s.records().state().round(&id_kind)).is_some_and(|r| r.rules.is_appraisal())
    });
    move || {
        let (id, view) = (id.clone(), view.clone());
        if appraisal.get() {
            return view! { <crate::pages::appraisal::AppraisalPage id view/> }.into_any();
        }
        match view {
            RoundView::Edit => view! { <RoundForm round=Some(id)/> }.into_any(),
            RoundView::Vote => view! { <vote::NamedVote id/> }.into_any(),
            RoundView::Codes => view! { <codes::CodeSlips id/> }.into_any(),
            RoundView::Notice => view! { <Notice id honours=false/> }.into_any(),
            RoundView::Honours => view! { <Notice id honours=true/> }.into_any(),
            RoundView::Page => view! { <RoundMain id/> }.into_any(),
        }
    }
}

/// Moves a round (or an appraisal) to a stage, saying why where it is
/// refused. Closing while connected first fetches the server's box.
pub(crate) fn advance_callback(id: RoundId, message: RwSignal<Option<String>>) -> Callback<Stage> {
    let i18n = use_i18n();
    let session = use_session();
    let id_adv = id;
    let step = move |id: &RoundId, to: Stage| {
        let result = session.try_update(|s| s.advance_round(id, to));
        message.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
    };
    let sync = use_sync();
    Callback::new(move |to: Stage| {
        if to != Stage::Closed || !session.with_untracked(|s| s.is_connected()) {
            return step(&id_adv, to);
        }
        // Connected: the server's box (every phone's ballot) joins the local
        // box first, so the seal the close records covers it.
        let id = id_adv.clone();
        message.set(Some(i18n.now("round.closing_server")));
        leptos::task::spawn_local(async move {
            match sync.close_box(id.clone()).await {
                Ok(()) => step(&id, to),
                Err(failure) => {
                    let why = words::sync_failure(i18n.lang.get_untracked(), &failure);
                    let ask = i18n.fmt("round.close_offline", &[("why", &why)]);
                    let anyway = web_sys::window().and_then(|w| w.confirm_with_message(&ask).ok()).unwrap_or(false);
                    if anyway {
                        step(&id, to);
                    } else {
                        message.set(Some(why));
                    }
                }
            }
        });
    })
}

#[component]
fn RoundMain(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    let id_data = id.clone();
    let data = Memo::new(move |_| session.with(|s| view_of(s.records().state(), &id_data)));
    // A sheet of codes goes once voting closes, whichever device closed it.
    Effect::new(move |_| session.with(|s| crate::storage::sheets::sweep(s.records().state())));
    let message = RwSignal::new(None::<String>);
    let advance = advance_callback(id.clone(), message);
    view! {
        {move || match data.get() {
            None => view! { <section class="page"><p class="empty">{i18n.t("round.missing")}</p></section> }.into_any(),
            Some(v) => {
                let stage = v.round.stage();
                let rid = v.round.id.clone();
                let next = stage.next();
                let runoff_direct = v.round.rules.candidates.is_some() && stage == Stage::Setup;
                let next = if runoff_direct { Some(Stage::Voting) } else { next };
                view! {
                    <section class="page ledger" aria-labelledby="round-title" data-testid="round-page" data-stage=stage.key()>
                        <p class="crumb no-print"><a href="#/rounds">{i18n.t("round.back")}</a></p>
                        <p class="meeting-kind">{move || i18n.fmt("rounds.year", &[("year", &v.round.rules.year)])}</p>
                        <h2 id="round-title">{v.round.rules.title.clone()}</h2>
                        <ol class="stages" aria-label=i18n.t("round.stages")>
                            {stage.path().iter().copied().map(|s| view! {
                                <li class=if s == stage { "stage stage-now" } else if s < stage { "stage stage-done" } else { "stage" }
                                    aria-current=(s == stage).then_some("step")>
                                    {move || words::stage(i18n.lang.get(), s)}
                                </li>
                            }).collect_view()}
                        </ol>
                        <p class="fingerprint">
                            {i18n.t("round.fingerprint")} " "
                            <code data-testid="fingerprint">{v.round.rules.fingerprint()}</code>
                            {(stage >= Stage::Voting).then(|| view! { " " <span class="badge">{i18n.t("round.locked")}</span> })}
                        </p>
                        <RulesSummary round=v.round.clone()/>
                        {move || organizer.get().then(|| {
                            let rid = rid.clone();
                            view! {
                                <div class="actions no-print">
                                    {(stage < Stage::Voting).then(|| view! {
                                        <a class="button" href=format!("#/round/{rid}/edit") data-testid="edit-round">{i18n.t("round.edit")}</a>
                                    })}
                                    {next.map(|to| view! {
                                        <button type="button" class="button button-primary" data-testid="advance" data-to=to.key()
                                            on:click=move |_| advance.run(to)>
                                            {move || i18n.fmt("round.advance", &[("stage", &words::stage(i18n.lang.get(), to))])}
                                        </button>
                                    })}
                                </div>
                            }
                        })}
                        <p class="message" role="status" data-testid="round-message">{move || message.get()}</p>
                        {(stage >= Stage::Nomination && v.round.rules.candidates.is_none()).then(|| view! { <Nominations view=v.clone() organizer message/> })}
                        {(stage == Stage::Voting || (v.round.rules.mode == Mode::Codes && stage < Stage::Voting)).then(|| view! { <Voting view=v.clone() organizer message/> })}
                        {(stage >= Stage::Closed).then(|| view! { <Results view=v.clone() organizer message advance/> })}
                        {(stage >= Stage::Publicity).then(|| view! { <Publicity view=v.clone() organizer message/> })}
                        <AuditLog entries=v.audit.clone()/>
                    </section>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn RulesSummary(round: Round) -> impl IntoView {
    let i18n = use_i18n();
    let r = round.rules;
    let yes = move |b: bool| if b { i18n.now("round.yes") } else { i18n.now("round.no") };
    view! {
        <dl class="facts">
            <dt>{i18n.t("rform.honours")}</dt><dd data-testid="rule-honours">{r.honours}</dd>
            <dt>{i18n.t("rform.k")}</dt><dd>{r.k}</dd>
            <dt>{i18n.t("rform.mode")}</dt>
            <dd>{if r.mode == Mode::Codes { i18n.t("rform.codes") } else { i18n.t("rform.named") }}</dd>
            <dt>{i18n.t("rform.basis")}</dt>
            <dd>{if r.basis == zhibu_core::tally::Basis::Cast { i18n.t("rform.cast") } else { i18n.t("rform.entitled") }}</dd>
            <dt>{i18n.t("rform.self_nomination")}</dt><dd>{move || yes(r.self_nomination)}</dd>
            <dt>{i18n.t("rform.self_vote")}</dt><dd>{move || yes(r.self_vote)}</dd>
            <dt>{i18n.t("rform.revision")}</dt><dd>{move || yes(r.revision)}</dd>
            <dt>{i18n.t("rform.days")}</dt><dd>{r.publicity_days}</dd>
        </dl>
    }
}

/// Why a round action was refused (for screens that show one message).
pub fn problem_text(i18n: I18n, p: &RoundProblem) -> String {
    words::round_problem(i18n.lang.get_untracked(), p)
}
