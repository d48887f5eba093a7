//! The form that sets up a 民主评议 or changes it (until the ballot opens):
//! year, who rates, how (codes by default: appraisal ballots are
//! anonymous), the cap on 优秀, the flag for the committee, 群众代表, who
//! is excused with a note, and the dates.

use crate::components::draft_field::{draft_choice, number_field};
use crate::components::schedule_fields::ScheduleFields;
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::appraisal::{AppraisalRules, PATH};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::roster::Status;
use zhibu_core::rounds::{Electorate, Mode, Rules};

/// Set up an appraisal or change it (until the ballot opens).
#[component]
pub fn AppraisalForm(round: Option<RoundId>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let existing = round.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().round(id)));
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let year_now = zone.local(platform::now_ms() / 1000).year;
    let initial = existing
        .as_ref()
        .map(|r| r.rules.clone())
        .unwrap_or_else(|| Rules::appraisal(&format!("{year_now}年度民主评议党员"), year_now));
    let settings = initial.appraisal.clone().unwrap_or_default();
    let rules = RwSignal::new(initial.clone());
    let year = RwSignal::new(initial.year.to_string());
    let cap = RwSignal::new(settings.cap.map(|c| c.to_string()).unwrap_or_default());
    let flag = RwSignal::new((settings.flag_permille / 10).to_string());
    let guests = RwSignal::new(settings.guests.to_string());
    let excused = RwSignal::new(settings.excused.clone());
    let problem = RwSignal::new(None::<String>);
    let full: Vec<(MemberId, String)> = session.with_untracked(|s| {
        let state = s.records().state();
        state
            .active_by_name()
            .into_iter()
            .filter(|m| m.fields.status == Status::Full)
            .map(|m| (m.id, m.fields.name))
            .collect()
    });
    let back = existing.as_ref().map_or("#/rounds".to_owned(), |r| format!("#/round/{}", r.id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().ok();
        let cap_text = cap.get_untracked();
        let cap_value = if cap_text.trim().is_empty() { Some(None) } else { n(cap).map(Some) };
        let (Some(cap_value), Some(percent), Some(g), Ok(y)) =
            (cap_value, n(flag), n(guests), year.get_untracked().trim().parse::<i32>())
        else {
            return problem.set(Some(crate::i18n::text(lang, "branch.bad_number")));
        };
        let appraisal = AppraisalRules {
            excused: excused.get_untracked(),
            guests: g,
            cap: cap_value,
            flag_permille: percent.saturating_mul(10),
        };
        let wanted = Rules { year: y, appraisal: Some(appraisal), ..rules.get_untracked() };
        match session.try_update(|s| s.save_round(round.as_ref(), wanted)) {
            Some(Ok(id)) => go(&format!("#/round/{id}")),
            Some(Err(p)) => problem.set(Some(words::round_problem(lang, &p))),
            None => {}
        }
    };
    let number = move |id, label, value| number_field(i18n, id, label, value);
    view! {
        <section class="page" aria-labelledby="appraisal-form-title">
            <h2 id="appraisal-form-title">{move || if existing.is_some() { i18n.now("aform.edit") } else { i18n.now("aform.new") }}</h2>
            <form class="card" on:submit=submit novalidate data-testid="appraisal-form">
                <div class="form-row">
                    <label for="appraisal-title">{i18n.t("rform.title")}</label>
                    <input id="appraisal-title" data-testid="appraisal-title" prop:value=move || rules.with(|r| r.title.clone())
                        on:input=move |ev| rules.update(|r| r.title = event_target_value(&ev))/>
                </div>
                <div class="form-pair">
                    {number("appraisal-year", "rform.year", year)}
                    {number("appraisal-guests", "aform.guests", guests)}
                </div>
                <div class="form-pair">
                    <div class="form-row">
                        <label for="appraisal-cap">{i18n.t("aform.cap")}</label>
                        <input id="appraisal-cap" data-testid="appraisal-cap" inputmode="numeric" placeholder=move || i18n.now("aform.cap_auto")
                            prop:value=cap on:input=move |ev| cap.set(event_target_value(&ev))/>
                    </div>
                    {number("appraisal-flag", "aform.flag", flag)}
                </div>
                {draft_choice(i18n, rules, ("appraisal-raters", "appraisal-raters"), "aform.raters", vec![
                    ("all", "rform.all", |r| r.voters == Electorate::All, |r| r.voters = Electorate::All),
                    ("full", "rform.full", |r| r.voters == Electorate::Full, |r| r.voters = Electorate::Full),
                ])}
                {draft_choice(i18n, rules, ("appraisal-mode", "appraisal-mode"), "rform.mode", vec![
                    ("codes", "aform.codes", |r| r.mode == Mode::Codes, |r| r.mode = Mode::Codes),
                    ("named", "rform.named", |r| r.mode == Mode::Named, |r| r.mode = Mode::Named),
                ])}
                <fieldset data-testid="appraisal-excused">
                    <legend>{i18n.t("aform.excused")}</legend>
                    <p class="hint">{i18n.t("aform.excused_hint")}</p>
                    {full.into_iter().map(|(id, name)| {
                        let (id_on, id_note, id_set, id_text) = (id.clone(), id.clone(), id.clone(), id.clone());
                        let is_on = move || excused.with(|e| e.iter().any(|(m, _)| m == &id_on));
                        view! {
                            <div class="form-row form-inline">
                                <label class="check-row">
                                    <input type="checkbox" data-testid="excuse" data-name=name.clone() prop:checked=is_on
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            excused.update(|e| {
                                                e.retain(|(m, _)| m != &id_set);
                                                if on {
                                                    e.push((id_set.clone(), String::new()));
                                                }
                                            })
                                        }/>
                                    <span>{name}</span>
                                </label>
                                <input aria-label=move || i18n.now("aform.excuse_note") data-testid="excuse-note" placeholder="年老体弱"
                                    hidden=move || !excused.with(|e| e.iter().any(|(m, _)| m == &id_note))
                                    prop:value=move || excused.with(|e| e.iter().find(|(m, _)| m == &id_text).map(|(_, n)| n.clone()).unwrap_or_default())
                                    on:input=move |ev| {
                                        let note = event_target_value(&ev);
                                        excused.update(|e| e.iter_mut().filter(|(m, _)| m == &id).for_each(|(_, n)| *n = note.clone()))
                                    }/>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <ScheduleFields rules stages=PATH[1..].to_vec() appraisal=true/>
                <p class="form-errors" role="alert" data-testid="appraisal-errors">{move || problem.get()}</p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-appraisal">{i18n.t("form.save")}</button>
                    <a class="button" href=back>{i18n.t("form.cancel")}</a>
                </div>
            </form>
        </section>
    }
}
