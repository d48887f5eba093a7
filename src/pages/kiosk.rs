//! Kiosk mode: one shared device is the ballot box at the meeting. A voter
//! types their ballot code, votes, and sees a privacy screen with their
//! receipt; nothing leads back to the previous ballot, and a ballot left
//! untouched clears itself.

use crate::components::ballot_form::BallotForm;
use crate::components::ballot_receipt::BallotReceipt;
use crate::components::rating_ballot::RatingBallot;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::pages::round::problem_text;
use crate::platform;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::commands::ballots::Marks;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{self, Stage};

/// Seconds of inactivity after which an open ballot clears itself.
pub const IDLE_SECS: i64 = 90;

#[derive(Clone, PartialEq)]
enum Screen {
    Code,
    Ballot(String),
    Done(String),
}

/// The kiosk for a round.
#[component]
pub fn KioskPage(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let screen = RwSignal::new(Screen::Code);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let last_touch = RwSignal::new(platform::now_ms());
    let id_info = id.clone();
    let info = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            state.round(&id_info).map(|r| {
                let (voted, entitled) = rounds::turnout(state, &r);
                (r.rules.title.clone(), r.stage(), voted, entitled, r.rules.k as usize)
            })
        })
    });
    // An open ballot nobody touches clears itself.
    let timer = set_interval_with_handle(
        move || {
            if matches!(screen.get_untracked(), Screen::Ballot(_) | Screen::Done(_))
                && platform::now_ms() - last_touch.get_untracked() > IDLE_SECS * 1000
            {
                screen.set(Screen::Code);
                error.set(Some(i18n.now("kiosk.timed_out")));
            }
        },
        Duration::from_secs(5),
    );
    on_cleanup(move || {
        if let Ok(t) = timer {
            t.clear();
        }
    });
    let id_check = id.clone();
    let start = Callback::new(move |()| {
        let typed = code.get_untracked();
        let result = session.with_untracked(|s| {
            let state = s.records().state();
            let round = state.round(&id_check).ok_or(rounds::RoundProblem::UnknownRound)?;
            rounds::check_code(state, &round, &typed).map(|_| ())
        });
        code.set(String::new());
        match result {
            Ok(()) => {
                error.set(None);
                last_touch.set(platform::now_ms());
                screen.set(Screen::Ballot(typed));
            }
            Err(p) => error.set(Some(problem_text(i18n, &p))),
        }
    });
    let id_cast = id.clone();
    let cast_marks = Callback::new(move |marks: Marks| {
        let Screen::Ballot(typed) = screen.get_untracked() else { return };
        match session.try_update(|s| s.vote_code(&id_cast, &typed, marks)) {
            Some(Ok(receipt)) => {
                last_touch.set(platform::now_ms());
                screen.set(Screen::Done(receipt));
            }
            Some(Err(p)) => {
                screen.set(Screen::Code);
                error.set(Some(problem_text(i18n, &p)));
            }
            None => {}
        }
    });
    let on_cast = Callback::new(move |chosen: Vec<MemberId>| cast_marks.run(Marks::Choices(chosen)));
    let on_rate = Callback::new(move |ratings| cast_marks.run(Marks::Ratings(ratings)));
    let id_choices = id.clone();
    view! {
        <section
            class="page kiosk"
            data-testid="kiosk"
            on:pointerdown=move |_| last_touch.set(platform::now_ms())
            on:keydown=move |_| last_touch.set(platform::now_ms())
        >
            {move || info.get().map(|(title, stage, voted, entitled, _)| view! {
                <h2>{title}</h2>
                <p data-testid="turnout">{move || i18n.fmt("round.turnout", &[("voted", &voted), ("entitled", &entitled)])}</p>
                {(stage != Stage::Voting).then(|| view! { <p class="notice-warn" data-testid="kiosk-closed">{i18n.t("kiosk.not_open")}</p> })}
            })}
            <p class="form-errors" role="alert" data-testid="kiosk-error">{move || error.get()}</p>
            {move || match screen.get() {
                Screen::Code => view! {
                    <form class="card kiosk-code" on:submit=move |ev| { ev.prevent_default(); start.run(()); }>
                        <label for="ballot-code">{i18n.t("kiosk.code")}</label>
                        <input id="ballot-code" data-testid="ballot-code" autocomplete="off" autocapitalize="characters" spellcheck="false"
                            prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                        <button type="submit" class="button button-primary button-wide" data-testid="enter-code">{i18n.t("kiosk.enter")}</button>
                    </form>
                }
                .into_any(),
                Screen::Ballot(_) if session.with_untracked(|s| s.records().state().round(&id_choices)).is_some_and(|r| r.rules.is_appraisal()) => {
                    let (people, cap) = session.with_untracked(|s| {
                        let state = s.records().state();
                        state.round(&id_choices).map(|r| crate::pages::appraisal::rating_ballot_of(state, &r)).unwrap_or_default()
                    });
                    view! { <RatingBallot people cap on_cast=on_rate/> }.into_any()
                }
                Screen::Ballot(_) => {
                    let (candidates, k) = session.with_untracked(|s| {
                        let state = s.records().state();
                        let Some(v) = crate::pages::round::view_of(state, &id_choices) else { return (Vec::new(), 0) };
                        (crate::pages::round::choices(state, &v), v.round.rules.k as usize)
                    });
                    view! { <BallotForm candidates k on_cast/> }.into_any()
                }
                Screen::Done(receipt) => view! {
                    <BallotReceipt receipt on_next=Callback::new(move |_| { error.set(None); screen.set(Screen::Code) })/>
                }
                .into_any(),
            }}
        </section>
    }
}
