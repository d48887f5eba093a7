//! The form that creates a "身边最美党员" round or changes its rules
//! (until voting opens).

use crate::components::draft_field::{draft_choice, number_field};
use crate::components::schedule_fields::ScheduleFields;
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::date::Date;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::{Electorate, Mode, Rules, Stage};
use zhibu_core::tally::Basis;

fn dates_text(dates: &[Date]) -> String {
    dates.iter().map(Date::to_string).collect::<Vec<_>>().join("\n")
}

fn parse_dates(text: &str) -> Option<Vec<Date>> {
    text.split(['\n', ',', '，', ' ']).map(str::trim).filter(|t| !t.is_empty()).map(Date::parse).collect()
}

/// Create a round or change its rules (until voting opens).
#[component]
pub fn RoundForm(round: Option<RoundId>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let existing = round.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().round(id)));
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let year_now = zone.local(platform::now_ms() / 1000).year;
    let initial = existing
        .as_ref()
        .map(|r| r.rules.clone())
        .unwrap_or_else(|| Rules::new(&format!("{year_now}年度“身边最美党员”评选"), year_now, 3));
    let rules = RwSignal::new(initial.clone());
    let num = |v: u32| RwSignal::new(v.to_string());
    let (honours, k, per_member, days) =
        (num(initial.honours), num(initial.k), num(initial.nominations_per_member), num(initial.publicity_days));
    let year = RwSignal::new(initial.year.to_string());
    let holidays = RwSignal::new(dates_text(&initial.holidays));
    let workdays = RwSignal::new(dates_text(&initial.workdays));
    let problem = RwSignal::new(None::<String>);
    let back = existing.as_ref().map_or("#/rounds".to_owned(), |r| format!("#/round/{}", r.id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().ok();
        let (Some(h), Some(kk), Some(p), Some(d), Ok(y)) =
            (n(honours), n(k), n(per_member), n(days), year.get_untracked().trim().parse::<i32>())
        else {
            problem.set(Some(crate::i18n::text(lang, "branch.bad_number")));
            return;
        };
        let (Some(hol), Some(work)) = (parse_dates(&holidays.get_untracked()), parse_dates(&workdays.get_untracked()))
        else {
            problem.set(Some(crate::i18n::text(lang, "mproblem.date")));
            return;
        };
        let wanted = Rules {
            honours: h,
            k: kk,
            nominations_per_member: p,
            publicity_days: d,
            year: y,
            holidays: hol,
            workdays: work,
            ..rules.get_untracked()
        };
        match session.try_update(|s| s.save_round(round.as_ref(), wanted)) {
            Some(Ok(id)) => go(&format!("#/round/{id}")),
            Some(Err(p)) => problem.set(Some(words::round_problem(lang, &p))),
            None => {}
        }
    };
    let number = move |id, label, value| number_field(i18n, id, label, value);
    let check = move |testid: &'static str, label: &'static str, get: fn(&Rules) -> bool, put: fn(&mut Rules, bool)| {
        view! {
            <label class="check-row">
                <input type="checkbox" data-testid=testid prop:checked=move || rules.with(get) on:change=move |ev| rules.update(|r| put(r, event_target_checked(&ev)))/>
                <span>{i18n.t(label)}</span>
            </label>
        }
    };
    view! {
        <section class="page" aria-labelledby="round-form-title">
            <h2 id="round-form-title">{move || if existing.is_some() { i18n.now("rform.edit") } else { i18n.now("rform.new") }}</h2>
            <form class="card" on:submit=submit novalidate data-testid="round-form">
                <div class="form-row">
                    <label for="round-title">{i18n.t("rform.title")}</label>
                    <input id="round-title" prop:value=move || rules.with(|r| r.title.clone()) on:input=move |ev| rules.update(|r| r.title = event_target_value(&ev))/>
                </div>
                <div class="form-pair">
                    {number("round-year", "rform.year", year)}
                    {number("round-honours", "rform.honours", honours)}
                </div>
                <div class="form-pair">
                    {number("round-k", "rform.k", k)}
                    {number("round-per-member", "rform.per_member", per_member)}
                </div>
                {draft_choice(i18n, rules, ("round-voters", "round-voters"), "rform.voters", vec![
                    ("full", "rform.full", |r| r.voters == Electorate::Full, |r| r.voters = Electorate::Full),
                    ("all", "rform.all", |r| r.voters == Electorate::All, |r| r.voters = Electorate::All),
                ])}
                {draft_choice(i18n, rules, ("round-nominees", "round-nominees"), "rform.nominees", vec![
                    ("all", "rform.all", |r| r.nominees == Electorate::All, |r| r.nominees = Electorate::All),
                    ("full", "rform.full", |r| r.nominees == Electorate::Full, |r| r.nominees = Electorate::Full),
                ])}
                {draft_choice(i18n, rules, ("round-mode", "round-mode"), "rform.mode", vec![
                    ("named", "rform.named", |r| r.mode == Mode::Named, |r| r.mode = Mode::Named),
                    ("codes", "rform.codes", |r| r.mode == Mode::Codes, |r| r.mode = Mode::Codes),
                ])}
                {draft_choice(i18n, rules, ("round-basis", "round-basis"), "rform.basis", vec![
                    ("entitled", "rform.entitled", |r| r.basis == Basis::Entitled, |r| r.basis = Basis::Entitled),
                    ("cast", "rform.cast", |r| r.basis == Basis::Cast, |r| r.basis = Basis::Cast),
                ])}
                {check("round-self-nomination", "rform.self_nomination", |r| r.self_nomination, |r, v| r.self_nomination = v)}
                {check("round-self-vote", "rform.self_vote", |r| r.self_vote, |r, v| r.self_vote = v)}
                {check("round-revision", "rform.revision", |r| r.revision, |r, v| r.revision = v)}
                {number("round-days", "rform.days", days)}
                <div class="form-pair">
                    <div class="form-row">
                        <label for="round-holidays">{i18n.t("rform.holidays")}</label>
                        <textarea id="round-holidays" rows="2" prop:value=holidays on:input=move |ev| holidays.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="form-row">
                        <label for="round-workdays">{i18n.t("rform.workdays")}</label>
                        <textarea id="round-workdays" rows="2" prop:value=workdays on:input=move |ev| workdays.set(event_target_value(&ev))></textarea>
                    </div>
                </div>
                <ScheduleFields rules stages=vec![Stage::Nomination, Stage::Review, Stage::Voting, Stage::Publicity, Stage::Final] appraisal=false/>
                <p class="form-errors" role="alert" data-testid="round-errors">{move || problem.get()}</p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-round">{i18n.t("form.save")}</button>
                    <a class="button" href=back>{i18n.t("form.cancel")}</a>
                </div>
            </form>
        </section>
    }
}
