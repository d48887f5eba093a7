//! 会议记录: a meeting's minutes, edited by the organizer, read by members.

use crate::components::attendance_sheet::View;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;

/// 会议记录: the minutes, saved on demand.
#[component]
pub fn Minutes(view: View, text: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let saved = RwSignal::new(false);
    let id = view.meeting.id.clone();
    let organizer = view.organizer;
    let error = RwSignal::new(None::<String>);
    let save = move |_| match session.try_update(|s| s.record_minutes(&id, &text.get_untracked())) {
        Some(Err(p)) => error.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p))),
        _ => saved.set(true),
    };
    view! {
        <h3>{i18n.t("minutes.title")}</h3>
        {if organizer {
            view! {
                <div class="no-print">
                    <label class="visually-hidden" for="minutes">{i18n.t("minutes.title")}</label>
                    <textarea id="minutes" rows="6" prop:value=text on:input=move |ev| { saved.set(false); text.set(event_target_value(&ev)) }></textarea>
                    <button type="button" class="button" data-testid="save-minutes" on:click=save>{i18n.t("minutes.save")}</button>
                    <span role="status">{move || saved.get().then(|| i18n.now("minutes.saved"))} {move || error.get()}</span>
                </div>
                <p class="prose print-only">{move || text.get()}</p>
            }
            .into_any()
        } else {
            view! { <p class="prose">{view.meeting.record.clone()}</p> }.into_any()
        }}
    }
}
