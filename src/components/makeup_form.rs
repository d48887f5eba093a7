//! 补课: the make-up study form for a member who missed a held meeting.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::commands::attendance::MakeUpEntry;
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Meeting;

/// 补课: date, what, who confirmed.
#[component]
pub fn MakeUpForm(meeting: Meeting, member: MemberId, done: RwSignal<Option<MemberId>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let today = zone.local(platform::now_ms() / 1000).date();
    let (date, what, by) =
        (RwSignal::new(today.to_string()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form =
            MakeUpEntry { date: date.get_untracked(), what: what.get_untracked(), confirmed_by: by.get_untracked() };
        match session.try_update(|s| s.make_up(&meeting.id, &member, &form)) {
            Some(Err(p)) => error.set(Some(words::check_in_problem(i18n.lang.get_untracked(), zone, &p))),
            _ => done.set(None),
        }
    };
    view! {
        <form class="card makeup-form" on:submit=save data-testid="makeup-form">
            <label for="makeup-date">{i18n.t("makeup.date")}</label>
            <input id="makeup-date" type="date" prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
            <label for="makeup-what">{i18n.t("makeup.what")}</label>
            <input id="makeup-what" on:input=move |ev| what.set(event_target_value(&ev))/>
            <label for="makeup-by">{i18n.t("makeup.by")}</label>
            <input id="makeup-by" on:input=move |ev| by.set(event_target_value(&ev))/>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button button-primary" data-testid="save-makeup">{i18n.t("form.save")}</button>
        </form>
    }
}
