//! One 民主评议党员, a file per part: the page shell and its settings
//! (here); `assessment` (自评 on a member's phone or from paper, 互评
//! comments, who has not written); the ballot's part is the round's own
//! `voting` (turnout, codes, kiosk) with `vote` here (a rating ballot on the
//! member's phone, or paper ballots entered by the organizer); `results`
//! (the count, flags, the committee's decisions, export); `print` (the
//! A4 decision list). What they show is `view::Appraisal`.

mod assessment;
mod print;
mod results;
mod view;

use crate::components::appraisal_form::AppraisalForm;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::pages::round::codes::CodeSlips;
use crate::pages::round::vote::NamedVote;
use crate::pages::round::voting::Voting;
use crate::pages::round::{AuditLog, RoundView, advance_callback};
use crate::words;
use assessment::Assessment;
use leptos::prelude::*;
use results::Results;
use view::appraisal_of;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::{Mode, Round, Stage};

/// An appraisal's routes (the round's, read by kind).
#[component]
pub fn AppraisalPage(id: RoundId, view: RoundView) -> impl IntoView {
    match view {
        RoundView::Edit => view! { <AppraisalForm round=Some(id)/> }.into_any(),
        RoundView::Vote => view! { <NamedVote id/> }.into_any(),
        RoundView::Codes => view! { <CodeSlips id/> }.into_any(),
        RoundView::Notice | RoundView::Honours => view! { <print::DecisionList id/> }.into_any(),
        RoundView::Page => view! { <AppraisalMain id/> }.into_any(),
    }
}

#[component]
fn AppraisalMain(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    let id_data = id.clone();
    let data = Memo::new(move |_| session.with(|s| appraisal_of(s.records().state(), &id_data)));
    Effect::new(move |_| session.with(|s| crate::storage::sheets::sweep(s.records().state())));
    let message = RwSignal::new(None::<String>);
    let advance = advance_callback(id.clone(), message);
    let stage_name = move |s: Stage| words::round_stage(i18n.lang.get(), true, s);
    view! {
        {move || match data.get() {
            None => view! { <section class="page"><p class="empty">{i18n.t("round.missing")}</p></section> }.into_any(),
            Some(a) => {
                let round = a.round.round.clone();
                let stage = round.stage();
                let rid = round.id.clone();
                let next = stage.next_on(round.path());
                view! {
                    <section class="page ledger" aria-labelledby="appraisal-title" data-testid="appraisal-page" data-stage=stage.key()>
                        <p class="crumb no-print"><a href="#/rounds">{i18n.t("round.back")}</a></p>
                        <p class="meeting-kind">{i18n.t("appraisal.kind")} " · " {move || i18n.fmt("rounds.year", &[("year", &round.rules.year)])}</p>
                        <h2 id="appraisal-title">{round.rules.title.clone()}</h2>
                        <ol class="stages" aria-label=i18n.t("round.stages")>
                            {round.path().iter().copied().map(|s| view! {
                                <li class=if s == stage { "stage stage-now" } else if s < stage { "stage stage-done" } else { "stage" }
                                    aria-current=(s == stage).then_some("step")>
                                    {move || stage_name(s)}
                                </li>
                            }).collect_view()}
                        </ol>
                        <Settings round=round.clone() appraised=a.appraised.len() cap=a.cap/>
                        {move || organizer.get().then(|| {
                            let rid = rid.clone();
                            view! {
                                <div class="actions no-print">
                                    {(stage < Stage::Voting).then(|| view! {
                                        <a class="button" href=format!("#/round/{rid}/edit") data-testid="edit-appraisal">{i18n.t("aform.edit")}</a>
                                    })}
                                    {next.map(|to| view! {
                                        <button type="button" class="button button-primary" data-testid="advance" data-to=to.key()
                                            on:click=move |_| advance.run(to)>
                                            {move || i18n.fmt("round.advance", &[("stage", &stage_name(to))])}
                                        </button>
                                    })}
                                </div>
                            }
                        })}
                        <p class="message" role="status" data-testid="round-message">{move || message.get()}</p>
                        {(stage >= Stage::Assessment).then(|| view! { <Assessment data=a.clone() organizer message/> })}
                        {(stage == Stage::Voting || (round.rules.mode == Mode::Codes && stage < Stage::Voting)).then(|| view! {
                            <Voting view=a.round.clone() organizer message/>
                        })}
                        // The count is the committee's: a member's phone holds only its own ballot.
                        {(stage >= Stage::Closed && organizer.get()).then(|| view! { <Results data=a.clone() organizer message/> })}
                        <AuditLog entries=a.round.audit.clone() appraisal=true/>
                    </section>
                }
                .into_any()
            }
        }}
    }
}

/// Who a rating ballot lists (the appraised, by name) and its cap on 优秀.
pub(crate) fn rating_ballot_of(
    state: &zhibu_core::state::State,
    round: &Round,
) -> (Vec<(zhibu_core::ids::MemberId, String)>, u32) {
    let mut people: Vec<_> = zhibu_core::appraisal::appraised(state, round)
        .into_iter()
        .map(|m| {
            let name = view::name_of(state, &m);
            (m, name)
        })
        .collect();
    people.sort_by_cached_key(|(m, n)| (zhibu_core::search::sort_key(n), m.clone()));
    (people, zhibu_core::appraisal::cap(state, round))
}

/// The appraisal's settings as the members read them.
#[component]
fn Settings(round: Round, appraised: usize, cap: u32) -> impl IntoView {
    let i18n = use_i18n();
    let rules = round.rules.appraisal.clone().unwrap_or_default();
    let excused = rules.excused.len();
    view! {
        <dl class="facts">
            <dt>{i18n.t("appraisal.appraised")}</dt><dd data-testid="appraised-count">{appraised}</dd>
            <dt>{i18n.t("aform.cap")}</dt><dd data-testid="cap">{cap}</dd>
            <dt>{i18n.t("rform.mode")}</dt>
            <dd>{if round.rules.mode == Mode::Codes { i18n.t("aform.codes") } else { i18n.t("rform.named") }}</dd>
            <dt>{i18n.t("aform.flag")}</dt><dd>{format!("{}%", rules.flag_permille / 10)}</dd>
            {(rules.guests > 0).then(|| view! { <dt>{i18n.t("aform.guests")}</dt><dd>{rules.guests}</dd> })}
            {(excused > 0).then(|| view! { <dt>{i18n.t("aform.excused")}</dt><dd>{excused}</dd> })}
        </dl>
    }
}
