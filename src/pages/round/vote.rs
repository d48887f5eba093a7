//! A named ballot: on the member's own phone (vote once; revise where the
//! round allows it, with the key this phone kept), or, on the organizer's
//! device, paper ballots handed in by members without a phone, entered one
//! after another and recorded openly as paper. Nothing of a ballot stays
//! on screen after it is cast. An appraisal's ballot is the rating ballot,
//! cast the same way.

use super::problem_text;
use super::view::{choices, name_of, view_of};
use crate::components::ballot_form::BallotForm;
use crate::components::ballot_receipt::BallotReceipt;
use crate::components::rating_ballot::RatingBallot;
use crate::context::use_session;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::commands::ballots::Marks;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds;

/// The ballot screen: pick the voter (a phone offers only its member),
/// vote, see the receipt; on the organizer's device, the next paper ballot.
#[component]
pub fn NamedVote(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id_data = id.clone();
    let data = Memo::new(move |_| session.with(|s| view_of(s.records().state(), &id_data)));
    let voter = RwSignal::new(None::<MemberId>);
    let receipt = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pick = RwSignal::new(String::new());
    // The organizer's device never casts a named ballot: it enters paper ones.
    let paper = session.with_untracked(|s| s.is_organizer());
    let id_cast = id.clone();
    let cast_marks = Callback::new(move |marks: Marks| {
        let Some(v) = voter.get_untracked() else { return };
        let cast = session
            .try_update(|s| if paper { s.enter_paper(&id_cast, &v, marks) } else { s.vote_named(&id_cast, &v, marks) });
        match cast {
            Some(Ok(r)) => {
                voter.set(None);
                pick.set(String::new());
                receipt.set(Some(r));
                error.set(None);
            }
            Some(Err(p)) => {
                // Back to the start: the next person picks themself afresh.
                voter.set(None);
                pick.set(String::new());
                error.set(Some(problem_text(i18n, &p)));
            }
            None => {}
        }
    });
    let on_cast = Callback::new(move |chosen: Vec<MemberId>| cast_marks.run(Marks::Choices(chosen)));
    let on_rate = Callback::new(move |ratings| cast_marks.run(Marks::Ratings(ratings)));
    let id_back = id.clone();
    view! {
        <section class="page" data-testid="named-vote">
            <p class="crumb"><a href=format!("#/round/{id_back}")>{i18n.t("round.back_to_round")}</a></p>
            <p class="form-errors" role="alert" data-testid="vote-error">{move || error.get()}</p>
            {move || {
                if let Some(r) = receipt.get() {
                    return view! { <BallotReceipt receipt=r on_next=Callback::new(move |_| { error.set(None); receipt.set(None) })/> }.into_any();
                }
                // An open ballot must not be redrawn (and lose its ticks)
                // when another tab records a vote.
                let v = if voter.with(Option::is_some) { data.get_untracked() } else { data.get() };
                let Some(v) = v else { return ().into_any() };
                match voter.get() {
                    None => {
                        // A phone offers only its member; the paper list, those not on the roll.
                        let entitled: Vec<(MemberId, String)> = session.with_untracked(|s| {
                            let state = s.records().state();
                            let me = s.me();
                            v.round.entitled(state).into_iter()
                                .filter(|m| if paper { rounds::cast_by(state, &v.round.id, m).is_none() } else { me.as_ref() == Some(m) })
                                .map(|m| { let n = name_of(state, &m); (m, n) }).collect()
                        });
                        view! {
                            <h2>{v.round.rules.title.clone()}</h2>
                            {paper.then(|| view! { <h3>{i18n.t("round.enter_paper")}</h3><p class="notice-warn" data-testid="paper-hint">{i18n.t("round.paper_hint")}</p> })}
                            <p data-testid="turnout">{move || i18n.fmt("round.turnout", &[("voted", &v.turnout.0), ("entitled", &v.turnout.1)])}</p>
                            <div class="form-row">
                                <label for="voter">{i18n.t(if paper { "round.paper_voter" } else { "round.i_am" })}</label>
                                <select id="voter" data-testid="voter" on:change=move |ev| pick.set(event_target_value(&ev))>
                                    <option value="">{i18n.t("round.choose")}</option>
                                    {entitled.into_iter().map(|(m, n)| view! { <option value=m.to_string()>{n}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="button" class="button button-primary" data-testid="start-ballot" on:click=move |_| {
                                let m = MemberId(pick.get_untracked());
                                let check = session.with_untracked(|s| {
                                    let state = s.records().state();
                                    if paper {
                                        state.round(&v.round.id).ok_or(rounds::RoundProblem::UnknownRound).and_then(|r| rounds::may_vote(state, &r, &m))
                                    } else {
                                        s.check_named(&v.round.id, &m)
                                    }
                                });
                                match check {
                                    Ok(()) => { error.set(None); voter.set(Some(m)); }
                                    Err(p) => error.set(Some(problem_text(i18n, &p))),
                                }
                            }>{i18n.t(if paper { "round.paper_start" } else { "round.start_ballot" })}</button>
                        }
                        .into_any()
                    }
                    Some(_) if v.round.rules.is_appraisal() => {
                        let (people, cap) = session.with_untracked(|s| crate::pages::appraisal::rating_ballot_of(s.records().state(), &v.round));
                        view! { <RatingBallot people cap on_cast=on_rate/> }.into_any()
                    }
                    Some(_) => {
                        let candidates = session.with_untracked(|s| choices(s.records().state(), &v));
                        let k = v.round.rules.k as usize;
                        view! { <BallotForm candidates k on_cast/> }.into_any()
                    }
                }
            }}
        </section>
    }
}
