//! Voting: turnout, a code round's codes, and where to vote (the
//! member's own phone, paper ballots, the kiosk).

use super::codes::CodesPanel;
use super::view::View;
use crate::context::use_session;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::rounds::{self, Mode, Stage};

/// Turnout, codes and where to vote.
#[component]
pub(crate) fn Voting(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = view.round.stage();
    let id = view.round.id.clone();
    let (voted, entitled) = view.turnout;
    let codes_mode = view.round.rules.mode == Mode::Codes;
    let paper = view.paper;
    // A member's own phone votes (or revises) here; nobody votes for another.
    let mine = (!codes_mode && stage == Stage::Voting)
        .then(|| {
            session.with_untracked(|s| {
                let me = s.me()?;
                s.check_named(&id, &me).ok()?;
                Some(rounds::cast_by(s.records().state(), &id, &me).is_some())
            })
        })
        .flatten();
    let id_mine = id.clone();
    view! {
        <section class="card" aria-labelledby="voting-title">
            <h3 id="voting-title">{i18n.t("round.voting")}</h3>
            {(stage == Stage::Voting).then(|| view! {
                <p class="turnout" data-testid="turnout">{move || i18n.fmt("round.turnout", &[("voted", &voted), ("entitled", &entitled)])}</p>
                {(paper > 0).then(|| view! { <p data-testid="paper-count">{move || i18n.fmt("round.paper_count", &[("n", &paper)])}</p> })}
                <p class="hint">{i18n.t("round.hidden")}</p>
            })}
            {mine.map(|revising| view! {
                <div class="actions no-print">
                    <a class="button button-primary" href=format!("#/round/{id_mine}/vote") data-testid="open-vote">
                        {i18n.t(if revising { "round.revise_mine" } else { "round.vote_mine" })}
                    </a>
                </div>
            })}
            {codes_mode.then(|| view! { <CodesPanel round=view.round.clone() organizer message/> })}
            {move || organizer.get().then(|| {
                let id = id.clone();
                view! {
                    <div class="actions no-print">
                        {(codes_mode && stage == Stage::Voting).then(|| view! {
                            <a class="button button-primary" href=format!("#/kiosk/{id}") data-testid="open-kiosk">{i18n.t("round.kiosk")}</a>
                        })}
                        {(!codes_mode && stage == Stage::Voting).then(|| view! {
                            <a class="button" href=format!("#/round/{id}/vote") data-testid="enter-paper">{i18n.t("round.enter_paper")}</a>
                        })}
                    </div>
                }
            })}
        </section>
    }
}
