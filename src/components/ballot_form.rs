//! The ballot (选票): candidates with their deeds, up to K ticks with a live
//! counter (已选 3/5), never more than K through the UI, and a blank ballot
//! only after a confirmation.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;

/// A candidate as the ballot shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Who.
    pub id: MemberId,
    /// Name.
    pub name: String,
    /// 党小组
    pub group: String,
    /// 事迹 (every nomination's, joined).
    pub deeds: Vec<String>,
}

/// The ballot; `on_cast` gets the ticked candidates (empty: blank).
#[component]
pub fn BallotForm(candidates: Vec<Choice>, k: usize, on_cast: Callback<Vec<MemberId>>) -> impl IntoView {
    let i18n = use_i18n();
    let ticked = RwSignal::new(Vec::<MemberId>::new());
    let confirm_blank = RwSignal::new(false);
    let count = move || ticked.with(Vec::len);
    let cast = move |_| {
        let chosen = ticked.get_untracked();
        if chosen.is_empty() && !confirm_blank.get_untracked() {
            confirm_blank.set(true);
            return;
        }
        on_cast.run(chosen);
    };
    view! {
        <form class="ballot" data-testid="ballot" on:submit=|ev| ev.prevent_default()>
            <p class="ballot-counter" role="status" aria-live="polite" data-testid="ballot-counter">
                {move || i18n.fmt("ballot.counter", &[("n", &count()), ("k", &k)])}
            </p>
            <ul class="plain ballot-list">
                {candidates
                    .into_iter()
                    .map(|c| {
                        let id = c.id.clone();
                        let id_checked = c.id.clone();
                        let id_disabled = c.id.clone();
                        let input_id = format!("choice-{}", c.id);
                        let label_for = input_id.clone();
                        let name = c.name.clone();
                        view! {
                            <li class="ballot-item" data-testid="ballot-item" data-name=c.name.clone()>
                                <label class="ballot-choice" for=label_for>
                                    <input
                                        id=input_id
                                        type="checkbox"
                                        data-testid="ballot-tick"
                                        prop:checked=move || ticked.with(|t| t.contains(&id_checked))
                                        disabled=move || { count() >= k && !ticked.with(|t| t.contains(&id_disabled)) }
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            confirm_blank.set(false);
                                            ticked.update(|t| {
                                                t.retain(|x| x != &id);
                                                // Never more than K, whatever the browser lets through.
                                                if on && t.len() < k {
                                                    t.push(id.clone());
                                                }
                                            });
                                        }
                                    />
                                    <span class="ballot-name">{c.name.clone()}</span>
                                    <span class="muted">{c.group.clone()}</span>
                                </label>
                                // Collapsed: the ballot stays one screen of names; the
                                // label names the candidate, so each toggle is told apart.
                                {(!c.deeds.is_empty()).then(|| view! {
                                    <details class="deeds" data-testid="deeds">
                                        <summary data-testid="deeds-toggle" aria-label=move || i18n.fmt("ballot.deeds_of", &[("name", &name)])>
                                            {i18n.t("ballot.deeds")}
                                        </summary>
                                        {c.deeds.into_iter().map(|d| view! { <p class="prose">{d}</p> }).collect_view()}
                                    </details>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || {
                confirm_blank
                    .get()
                    .then(|| view! { <p class="notice-warn" role="alert" data-testid="blank-confirm">{i18n.t("ballot.blank_confirm")}</p> })
            }}
            <button type="button" class="button button-primary button-wide" data-testid="cast" on:click=cast>
                {move || {
                    if count() == 0 && confirm_blank.get() {
                        i18n.now("ballot.cast_blank")
                    } else {
                        i18n.now("ballot.cast")
                    }
                }}
            </button>
        </form>
    }
}
