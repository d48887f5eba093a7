//! 民主测评票: one row per appraised member with 优秀 / 合格 / 基本合格 /
//! 不合格 / 不评, a live counter (优秀已选 n / 上限 m) that stops a ballot
//! over the cap before it is cast, and a blank ballot only after a
//! confirmation. The cap itself is the core's check; this only shows it.

use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use std::collections::BTreeMap;
use zhibu_core::appraisal::Rating;
use zhibu_core::ids::MemberId;

/// The ballot; `on_cast` gets the ratings given (empty: blank).
#[component]
pub fn RatingBallot(
    people: Vec<(MemberId, String)>,
    cap: u32,
    on_cast: Callback<BTreeMap<MemberId, Rating>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let marks = RwSignal::new(BTreeMap::<MemberId, Rating>::new());
    let confirm_blank = RwSignal::new(false);
    let excellent = move || marks.with(|m| m.values().filter(|r| **r == Rating::Excellent).count());
    let over = move || excellent() > cap as usize;
    let cast = move |_| {
        let given = marks.get_untracked();
        if given.is_empty() && !confirm_blank.get_untracked() {
            return confirm_blank.set(true);
        }
        on_cast.run(given);
    };
    view! {
        <form class="ballot rating-ballot" data-testid="rating-ballot" on:submit=|ev| ev.prevent_default()>
            <p class="ballot-counter" class:over=over role="status" aria-live="polite" data-testid="excellent-counter">
                {move || i18n.fmt("appraisal.counter", &[("n", &excellent()), ("m", &cap)])}
            </p>
            <p class="hint">{i18n.t("appraisal.ballot_hint")}</p>
            <ul class="plain ballot-list">
                {people
                    .into_iter()
                    .map(|(id, name)| {
                        let group = format!("rate-{id}");
                        let options = Rating::ALL.into_iter().map(Some).chain([None]);
                        let data_name = name.clone();
                        view! {
                            <li class="ballot-item" data-testid="rating-row" data-name=data_name>
                                <fieldset class="rating-choices">
                                    <legend class="ballot-name">{name}</legend>
                                    {options
                                        .map(|rating| {
                                            let (id_set, id_checked) = (id.clone(), id.clone());
                                            let key = rating.map_or("none", Rating::key);
                                            let input_id = format!("{group}-{key}");
                                            let label_for = input_id.clone();
                                            view! {
                                                <label class="rating-choice" for=label_for>
                                                    <input
                                                        id=input_id
                                                        type="radio"
                                                        name=group.clone()
                                                        data-testid="rating"
                                                        data-rating=key
                                                        prop:checked=move || marks.with(|m| m.get(&id_checked).copied() == rating)
                                                        on:change=move |_| {
                                                            confirm_blank.set(false);
                                                            marks.update(|m| match rating {
                                                                Some(r) => drop(m.insert(id_set.clone(), r)),
                                                                None => drop(m.remove(&id_set)),
                                                            })
                                                        }
                                                    />
                                                    {move || match rating {
                                                        Some(r) => words::rating(i18n.lang.get(), r),
                                                        None => i18n.now("appraisal.no_opinion"),
                                                    }}
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="form-errors" role="alert" data-testid="rating-error">
                {move || over().then(|| i18n.fmt("rproblem.over_cap", &[("cap", &cap)]))}
            </p>
            {move || confirm_blank.get().then(|| view! { <p class="notice-warn" role="alert">{i18n.t("appraisal.blank_confirm")}</p> })}
            <button type="button" class="button button-primary button-wide" data-testid="cast-rating" disabled=over on:click=cast>
                {move || if confirm_blank.get() { i18n.now("ballot.cast_blank") } else { i18n.now("appraisal.cast") }}
            </button>
        </form>
    }
}
