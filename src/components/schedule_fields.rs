//! A round's planned first day of each stage (`Rules::schedule`), one date
//! field per stage: the 评选 form's and the appraisal form's.

use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::date::Date;
use zhibu_core::rounds::{Rules, Stage};

/// The dates of `stages`, written into `rules`; stage names as a round of
/// its kind calls them (`appraisal`).
#[component]
pub fn ScheduleFields(rules: RwSignal<Rules>, stages: Vec<Stage>, appraisal: bool) -> impl IntoView {
    let i18n = use_i18n();
    let prefix = if appraisal { "appraisal-date" } else { "round-date" };
    view! {
        <fieldset>
            <legend>{i18n.t("rform.schedule")}</legend>
            {stages.into_iter().map(|stage| {
                let id = format!("{prefix}-{}", stage.key());
                view! {
                    <div class="form-row form-inline">
                        <label for=id.clone()>{move || words::round_stage(i18n.lang.get(), appraisal, stage)}</label>
                        <input
                            id=id
                            type="date"
                            prop:value=move || rules.with(|r| r.schedule.iter().find(|(s, _)| *s == stage).map(|(_, d)| d.to_string()).unwrap_or_default())
                            on:change=move |ev| {
                                let date = Date::parse(&event_target_value(&ev));
                                rules.update(|r| {
                                    r.schedule.retain(|(s, _)| *s != stage);
                                    if let Some(d) = date {
                                        r.schedule.push((stage, d));
                                        r.schedule.sort();
                                    }
                                })
                            }
                        />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}
