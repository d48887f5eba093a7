//! 学时 settings: yearly targets, the counting rule's full- and half-day
//! hours, the completion threshold, whether self-study needs confirming,
//! and which kinds of meeting count toward hours.

use crate::components::draft_field::number_field;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::meetings::MeetingKind;
use zhibu_core::settings::{Setting, Settings};

/// Kinds whose counting is a choice (a training always counts).
fn choosable() -> impl Iterator<Item = MeetingKind> {
    MeetingKind::ALL.into_iter().filter(|k| *k != MeetingKind::Training)
}

/// The settings that differ from what is in force.
fn changes(wanted: Vec<Setting>, now: &Settings) -> Vec<Setting> {
    wanted
        .into_iter()
        .filter(|w| match w {
            Setting::TargetMember(v) => *v != now.target_member,
            Setting::TargetCommittee(v) => *v != now.target_committee,
            Setting::FullDayHours(v) => *v != now.full_day_hours,
            Setting::HalfDayHours(v) => *v != now.half_day_hours,
            Setting::Completion(v) => *v != now.completion,
            Setting::SelfStudyConfirm(v) => *v != now.self_study_confirm,
            Setting::CountsHours(k, v) => *v != now.counts_hours(*k),
            _ => true,
        })
        .collect()
}

/// The form; saved as one event on 保存.
#[component]
pub fn HoursSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = session.with_untracked(|s| s.records().state().settings());
    let member = RwSignal::new(current.target_member.to_string());
    let committee = RwSignal::new(current.target_committee.to_string());
    let full = RwSignal::new(current.full_day_hours.to_string());
    let half = RwSignal::new(current.half_day_hours.to_string());
    let completion = RwSignal::new(current.completion.to_string());
    let confirm = RwSignal::new(current.self_study_confirm);
    let counted = RwSignal::new(choosable().filter(|k| current.counts_hours(*k)).collect::<Vec<_>>());
    let message = RwSignal::new(None::<Result<String, String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().ok();
        let (Some(m), Some(c), Some(f), Some(h), Some(p)) =
            (number(member), number(committee), number(full), number(half), number(completion))
        else {
            message.set(Some(Err(crate::i18n::text(lang, "branch.bad_number"))));
            return;
        };
        let mut wanted = vec![
            Setting::TargetMember(m),
            Setting::TargetCommittee(c),
            Setting::FullDayHours(f),
            Setting::HalfDayHours(h),
            Setting::Completion(p),
            Setting::SelfStudyConfirm(confirm.get_untracked()),
        ];
        let on = counted.get_untracked();
        wanted.extend(choosable().map(|k| Setting::CountsHours(k, on.contains(&k))));
        if let Some(e) = wanted.iter().find_map(|s| s.check().err()) {
            message.set(Some(Err(words::setting_problem(lang, &e))));
            return;
        }
        let saved = session.try_update(|s| {
            let now = s.records().state().settings();
            s.set_settings(changes(wanted, &now))
        });
        message.set(Some(match saved {
            Some(Err(_)) => Err(words::setting_refused(lang)),
            _ => Ok(crate::i18n::text(lang, "branch.saved")),
        }));
    };
    let number = move |id, label, value| number_field(i18n, id, label, value);
    view! {
        <section class="card" aria-labelledby="hours-settings-title" data-testid="hours-settings">
            <h3 id="hours-settings-title">{i18n.t("hset.title")}</h3>
            <form on:submit=save novalidate>
                <div class="form-pair">
                    {number("hset-member", "hset.member", member)}
                    {number("hset-committee", "hset.committee", committee)}
                </div>
                <div class="form-pair">
                    {number("hset-full", "hset.full", full)}
                    {number("hset-half", "hset.half", half)}
                </div>
                <p class="hint">{i18n.t("hset.rule")}</p>
                {number("hset-completion", "hset.completion", completion)}
                <label class="check-row">
                    <input type="checkbox" data-testid="hset-confirm" prop:checked=confirm on:change=move |ev| confirm.set(event_target_checked(&ev))/>
                    <span>{i18n.t("hset.confirm")}</span>
                </label>
                <fieldset>
                    <legend>{i18n.t("hset.kinds")}</legend>
                    {choosable()
                        .map(|k| {
                            view! {
                                <label class="check-row">
                                    <input
                                        type="checkbox"
                                        data-testid=format!("hset-kind-{}", k.key())
                                        prop:checked=move || counted.with(|c| c.contains(&k))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            counted.update(|c| {
                                                c.retain(|x| *x != k);
                                                if on {
                                                    c.push(k);
                                                }
                                            })
                                        }
                                    />
                                    <span>{move || words::kind(i18n.lang.get(), k)}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <p class="message" role="status" data-testid="hset-message">
                    {move || message.get().map(|m| match m { Ok(t) | Err(t) => t })}
                </p>
                <button type="submit" class="button button-primary" data-testid="save-hours-settings">{i18n.t("form.save")}</button>
            </form>
        </section>
    }
}
