//! Branch settings (name, check-in window, lateness, required frequencies,
//! alert thresholds) and the join card members' phones open.

use crate::components::draft_field::number_field;
use crate::components::qr::QrCode;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::branch_identity;
use zhibu_core::ids::MemberId;
use zhibu_core::join::JOIN_PREFIX;
use zhibu_core::meetings::{Frequency, MeetingKind};
use zhibu_core::settings::Setting;

/// The settings form: every change is saved as one event on 保存.
#[component]
pub fn BranchSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = session.with_untracked(|s| s.records().state().settings());
    let name = RwSignal::new(current.branch_name.clone());
    let parent = RwSignal::new(current.parent_committee.clone());
    let opens = RwSignal::new(current.check_in_opens.to_string());
    let grace = RwSignal::new(current.late_grace.to_string());
    let absences = RwSignal::new(current.absence_alert.to_string());
    let months = RwSignal::new(current.gap_alert_months.to_string());
    let freqs = RwSignal::new(current.frequencies.clone());
    let message = RwSignal::new(None::<Result<String, String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().ok();
        let (Some(o), Some(g), Some(a), Some(m)) = (number(opens), number(grace), number(absences), number(months))
        else {
            message.set(Some(Err(crate::i18n::text(lang, "branch.bad_number"))));
            return;
        };
        let naming = session.with_untracked(|s| {
            branch_identity::name_branch(
                &s.records().state().settings(),
                &name.get_untracked(),
                &parent.get_untracked(),
            )
        });
        let naming = match naming {
            Ok(changes) => changes,
            Err(problem) => {
                message.set(Some(Err(words::name_problem(lang, &problem))));
                return;
            }
        };
        let mut wanted =
            vec![Setting::CheckInOpens(o), Setting::LateGrace(g), Setting::AbsenceAlert(a), Setting::GapAlertMonths(m)];
        wanted.extend(freqs.get_untracked().into_iter().map(|(k, f)| Setting::Frequency(k, f)));
        if let Some(e) = wanted.iter().find_map(|s| s.check().err()) {
            message.set(Some(Err(words::setting_problem(lang, &e))));
            return;
        }
        let saved = session.try_update(|s| {
            let now = s.records().state().settings();
            // Only what differs, so a setting another device changed meanwhile survives.
            let changed: Vec<Setting> = wanted
                .into_iter()
                .filter(|w| match w {
                    Setting::CheckInOpens(v) => *v != now.check_in_opens,
                    Setting::LateGrace(v) => *v != now.late_grace,
                    Setting::AbsenceAlert(v) => *v != now.absence_alert,
                    Setting::GapAlertMonths(v) => *v != now.gap_alert_months,
                    Setting::Frequency(k, f) => *f != now.frequency(*k),
                    _ => true,
                })
                .collect();
            s.set_settings(naming.into_iter().chain(changed).collect())
        });
        message.set(Some(match saved {
            Some(Err(_)) => Err(words::setting_refused(lang)),
            _ => Ok(crate::i18n::text(lang, "branch.saved")),
        }));
    };
    let number = move |id, label, value| number_field(i18n, id, label, value);
    view! {
        <section class="card" aria-labelledby="branch-title" data-testid="branch-settings">
            <h3 id="branch-title">{i18n.t("branch.title")}</h3>
            <form on:submit=save novalidate>
                <div class="form-row">
                    <label for="branch-name">{i18n.t("branch.name")}</label>
                    <input id="branch-name" required maxlength="100" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="form-row">
                    <label for="branch-parent">{i18n.t("branch.parent")}</label>
                    <input id="branch-parent" maxlength="100" prop:value=parent on:input=move |ev| parent.set(event_target_value(&ev))/>
                </div>
                {number("branch-opens", "branch.opens", opens)}
                {number("branch-grace", "branch.grace", grace)}
                {number("branch-absences", "branch.absences", absences)}
                {number("branch-months", "branch.months", months)}
                <fieldset>
                    <legend>{i18n.t("branch.frequencies")}</legend>
                    {MeetingKind::ALL
                        .into_iter()
                        .map(|k| {
                            let id = format!("freq-{}", k.key());
                            view! {
                                <div class="form-row form-inline">
                                    <label for=id.clone()>{move || words::kind(i18n.lang.get(), k)}</label>
                                    <select
                                        id=id
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            if let Some(f) = Frequency::ALL.into_iter().find(|f| f.key() == v) {
                                                freqs.update(|list| {
                                                    if let Some(slot) = list.iter_mut().find(|(kk, _)| *kk == k) {
                                                        slot.1 = f;
                                                    }
                                                })
                                            }
                                        }
                                    >
                                        {Frequency::ALL
                                            .into_iter()
                                            .map(|f| {
                                                view! {
                                                    <option value=f.key() selected=move || freqs.with(|l| l.iter().any(|(kk, ff)| *kk == k && *ff == f))>
                                                        {move || words::frequency(i18n.lang.get(), f)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="button button-primary" data-testid="save-branch">{i18n.t("form.save")}</button>
                {move || message.get().map(|m| match m {
                    Ok(t) => view! { <p class="ok" role="status">{t}</p> }.into_any(),
                    Err(t) => view! { <p class="error" role="alert">{t}</p> }.into_any(),
                })}
            </form>
        </section>
    }
}

/// Longest join link shown as one QR code: beyond it a phone camera reading
/// a screen struggles, and the organizer shows personal cards instead.
const QR_LIMIT: usize = 1800;

/// The join QR and link for members' phones (organizer's device only).
#[component]
pub fn JoinCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let shown = RwSignal::new(false);
    let link = RwSignal::new(String::new());
    let personal = RwSignal::new(String::new());
    let base = move || {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        href.split('#').next().unwrap_or_default().to_owned()
    };
    let make = move |only: Option<MemberId>| {
        // Makes the organizer key on first use (an event), so not in a render.
        let card = session.try_update(|s| s.join_card(only.as_ref())).flatten();
        card.map(|card| format!("{}{JOIN_PREFIX}{card}", base())).unwrap_or_default()
    };
    let show = move |_| {
        link.set(make(None));
        shown.set(true);
    };
    let members = move || {
        let active = session.with_untracked(|s| s.records().state().active_by_name());
        active.into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
    };
    view! {
        <section class="card" aria-labelledby="join-title" data-testid="join-card">
            <h3 id="join-title">{i18n.t("joincard.title")}</h3>
            <p class="hint">{i18n.t("joincard.hint")}</p>
            {move || {
                if !shown.get() {
                    return view! {
                        <button type="button" class="button button-primary" data-testid="show-join" on:click=show>
                            {i18n.t("joincard.show")}
                        </button>
                    }
                    .into_any();
                }
                let text = link.get();
                if text.is_empty() {
                    return view! { <KeyElsewhere/> }.into_any();
                }
                let fits = text.len() <= QR_LIMIT;
                view! {
                    {if fits {
                        view! { <QrCode text=Signal::from(link) label=i18n.now("joincard.title")/> }.into_any()
                    } else {
                        view! {
                            <p class="hint" data-testid="join-too-big">{i18n.t("joincard.too_big")}</p>
                            <label for="join-member">{i18n.t("joincard.personal")}</label>
                            <select
                                id="join-member"
                                data-testid="join-member"
                                on:change=move |ev| {
                                    let id = event_target_value(&ev);
                                    personal.set(if id.is_empty() { String::new() } else { make(Some(MemberId(id))) })
                                }
                            >
                                <option value="">{i18n.t("joincard.choose")}</option>
                                {members()
                                    .into_iter()
                                    .map(|(id, name)| view! { <option value=id.0>{name}</option> })
                                    .collect_view()}
                            </select>
                            {move || {
                                (!personal.get().is_empty())
                                    .then(|| view! { <QrCode text=Signal::from(personal) label=i18n.now("joincard.personal")/> })
                            }}
                        }
                        .into_any()
                    }}
                    <label for="join-link">{i18n.t("joincard.link")}</label>
                    <textarea id="join-link" rows="3" readonly data-testid="join-link" prop:value=text></textarea>
                }
                .into_any()
            }}
        </section>
    }
}

/// Shown where the branch's organizer key is on another device.
#[component]
pub fn KeyElsewhere() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <div class="card" role="alert" data-testid="key-elsewhere">
            <p>{i18n.t("key.elsewhere")}</p>
            <button
                type="button"
                class="button"
                data-testid="take-over-key"
                // A refusal to store the key shows as the not-saved notice.
                on:click=move |_| session.update(|s| {
                    s.take_over_key();
                })
            >
                {i18n.t("key.take_over")}
            </button>
        </div>
    }
}
