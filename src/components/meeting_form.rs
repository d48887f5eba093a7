//! Create or edit a meeting. Validation is the core's (`MeetingDraft`).

use crate::components::audience_picker::AudiencePicker;
use crate::components::draft_field::{draft_area, draft_field};
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::{ClassId, MeetingId};
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingKind, MeetingProblem};

/// The form page. `meeting` is `None` for a new one; `class` makes a new
/// one a session of that training class.
#[component]
pub fn MeetingForm(meeting: Option<MeetingId>, #[prop(optional)] class: Option<ClassId>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let existing = meeting.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().meeting(id)));
    let held = existing.as_ref().is_some_and(|m| m.is_held());
    let class_of = existing.as_ref().and_then(|m| m.class.clone()).or(class);
    let class = class_of.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().class(id)));
    let initial = existing.as_ref().map(|m| MeetingDraft::of(m, zone)).unwrap_or_else(|| {
        let today = zone.local(platform::now_ms() / 1000).date();
        match &class {
            // A session: on the class's first day (or today, inside it), for its roster.
            Some(c) => MeetingDraft {
                kind: Some(MeetingKind::Training),
                date: if c.from <= today && today <= c.to { today } else { c.from }.to_string(),
                time: "09:00".into(),
                minutes: "180".into(),
                audience: Some(c.audience.clone()),
                class: Some(c.id.clone()),
                ..Default::default()
            },
            None => MeetingDraft {
                kind: Some(MeetingKind::General),
                date: today.to_string(),
                time: "14:30".into(),
                minutes: "90".into(),
                ..Default::default()
            },
        }
    });
    let settings = session.with_untracked(|s| s.records().state().settings());
    let draft = RwSignal::new(initial);
    let problems = RwSignal::new(Vec::<MeetingProblem>::new());
    let audience = move || draft.with(|d| d.audience.clone().or_else(|| d.kind.map(MeetingKind::default_audience)));
    let back = match (&existing, &class) {
        (Some(m), _) => format!("#/meeting/{}", m.id),
        (None, Some(c)) => format!("#/class/{}", c.id),
        (None, None) => "#/meetings".to_owned(),
    };
    let is_training = move || draft.with(|d| d.kind == Some(MeetingKind::Training));
    let counts_hours = move || draft.with(|d| d.kind.is_some_and(|k| settings.counts_hours(k)));
    let rule_hours = move || {
        let minutes = draft.with(|d| d.minutes.trim().parse::<u32>().unwrap_or(0));
        let settings = session.with_untracked(|s| s.records().state().settings());
        zhibu_core::hours::format(zhibu_core::hours::rule(minutes, &settings))
    };
    let class_title = class.as_ref().map(|c| (c.title.clone(), (c.from, c.to)));
    let to_class = (existing.is_none()).then(|| class.as_ref().map(|c| c.id.clone())).flatten();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let result = session.try_update(|s| s.save_meeting(meeting.as_ref(), &d));
        match result {
            Some(Ok(id)) => match &to_class {
                Some(class) => go(&format!("#/class/{class}")),
                None => go(&format!("#/meeting/{id}")),
            },
            Some(Err(found)) => problems.set(found),
            None => {}
        }
    };
    let problem_list = move || {
        problems
            .with(|p| p.iter().map(|p| view! { <li>{words::meeting_problem(i18n.lang.get(), p)}</li> }).collect_view())
    };
    let text = move |id, label, kind, get: fn(&MeetingDraft) -> String, put: fn(&mut MeetingDraft, String)| {
        draft_field(i18n, draft, id, label, kind, get, put)
    };

    view! {
        <section class="page" aria-labelledby="meeting-form-title">
            <div class="page-head">
                <h2 id="meeting-form-title">
                    {move || if existing.is_some() { i18n.now("mform.edit_title") } else { i18n.now("mform.new_title") }}
                </h2>
            </div>
            <form class="card" on:submit=submit novalidate data-testid="meeting-form">
                {class_title.clone().map(|(title, (from, to))| {
                    view! {
                        <p class="class-of" data-testid="session-class">
                            {i18n.t("mform.session_of")} " " <strong>{title}</strong>
                            {move || format!(" · {} – {}", words::date(i18n.lang.get(), from), words::date(i18n.lang.get(), to))}
                        </p>
                    }
                })}
                <div class="form-row" hidden=class_title.is_some()>
                    <label for="meeting-kind">{i18n.t("mform.kind")}</label>
                    <select
                        id="meeting-kind"
                        on:change=move |ev| {
                            let key = event_target_value(&ev);
                            let kind = MeetingKind::ALL.into_iter().find(|k| k.key() == key);
                            draft.update(|d| d.kind = kind)
                        }
                    >
                        {MeetingKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.key() selected=move || draft.with(|d| d.kind == Some(k))>
                                        {move || words::kind(i18n.lang.get(), k)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                {text("meeting-topic", "mform.topic", "text", |d| d.topic.clone(), |d, v| d.topic = v)}
                <div class="form-pair">
                    {text("meeting-date", "mform.date", "date", |d| d.date.clone(), |d, v| d.date = v)}
                    {text("meeting-time", "mform.time", "time", |d| d.time.clone(), |d, v| d.time = v)}
                </div>
                {text("meeting-minutes", "mform.minutes", "number", |d| d.minutes.clone(), |d, v| d.minutes = v)}
                {text("meeting-place", "mform.place", "text", |d| d.place.clone(), |d, v| d.place = v)}
                <label class="check-row">
                    <input
                        type="checkbox"
                        data-testid="meeting-online"
                        prop:checked=move || draft.with(|d| d.online)
                        on:change=move |ev| draft.update(|d| d.online = event_target_checked(&ev))
                    />
                    <span>{i18n.t("mform.online")}</span>
                </label>
                <div class="form-row">
                    <label for="meeting-host">
                        {move || if is_training() { i18n.now("mform.lecturer") } else { i18n.now("mform.host") }}
                    </label>
                    <input
                        id="meeting-host"
                        type="text"
                        autocomplete="off"
                        aria-describedby="meeting-host-hint"
                        prop:value=move || draft.with(|d| d.host.clone())
                        on:input=move |ev| draft.update(|d| d.host = event_target_value(&ev))
                    />
                    <p class="hint" id="meeting-host-hint">{i18n.t("mform.host_hint")}</p>
                </div>
                // A training session's 主讲人 is its host field above.
                <div class="form-row" hidden=is_training>
                    <label for="meeting-lecturer">{i18n.t("mform.lecturer_role")}</label>
                    <input
                        id="meeting-lecturer"
                        type="text"
                        autocomplete="off"
                        aria-describedby="meeting-host-hint"
                        prop:value=move || draft.with(|d| d.lecturer.clone())
                        on:input=move |ev| draft.update(|d| d.lecturer = event_target_value(&ev))
                    />
                </div>
                <div class="form-row">
                    <label for="meeting-recorder">{i18n.t("mform.recorder")}</label>
                    <input
                        id="meeting-recorder"
                        type="text"
                        autocomplete="off"
                        aria-describedby="meeting-host-hint"
                        prop:value=move || draft.with(|d| d.recorder.clone())
                        on:input=move |ev| draft.update(|d| d.recorder = event_target_value(&ev))
                    />
                </div>
                <div class="form-row" hidden=move || !counts_hours()>
                    <label for="meeting-credit">{i18n.t("mform.credit")}</label>
                    <input
                        id="meeting-credit"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        placeholder=rule_hours
                        prop:value=move || draft.with(|d| d.credit.clone())
                        on:input=move |ev| draft.update(|d| d.credit = event_target_value(&ev))
                    />
                    <p class="hint">{move || i18n.fmt("mform.credit_hint", &[("hours", &rule_hours())])}</p>
                </div>
                <AudiencePicker
                    id="meeting-audience"
                    label_key="mform.audience"
                    committee_key="audience.committee"
                    value=Signal::derive(move || audience().unwrap_or(Audience::Branch))
                    on_change=Callback::new(move |a| draft.update(|d| d.audience = Some(a)))
                    disabled=held
                />
                {held.then(|| view! { <p class="hint">{i18n.t("mform.frozen")}</p> })}
                {draft_area(i18n, draft, "meeting-agenda", "mform.agenda", 4, |d: &MeetingDraft| d.agenda.clone(), |d: &mut MeetingDraft, v| d.agenda = v)}
                <ul class="form-errors" role="alert" data-testid="meeting-errors">{problem_list}</ul>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-meeting">
                        {i18n.t("form.save")}
                    </button>
                    <a class="button" href=back>{i18n.t("form.cancel")}</a>
                </div>
            </form>
            <p class="hint">{i18n.t("mform.zone")}</p>
        </section>
    }
}
