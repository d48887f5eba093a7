//! The form that creates a training class (培训班) or edits one.

use crate::components::audience_picker::AudiencePicker;
use crate::components::draft_field::{draft_area, draft_field};
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::ClassId;
use zhibu_core::meetings::Audience;
use zhibu_core::training::{ClassDraft, ClassProblem};

/// Create or edit a class.
#[component]
pub fn ClassForm(class: Option<ClassId>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let existing = class.as_ref().and_then(|id| session.with_untracked(|s| s.records().state().class(id)));
    let initial = existing.as_ref().map(ClassDraft::of).unwrap_or_else(|| {
        let zone = session.with_untracked(|s| s.records().state().settings().zone);
        let today = zone.local(platform::now_ms() / 1000).date();
        ClassDraft {
            from: today.to_string(),
            to: today.to_string(),
            audience: Some(Audience::Branch),
            ..Default::default()
        }
    });
    let draft = RwSignal::new(initial);
    let problems = RwSignal::new(Vec::<ClassProblem>::new());
    let audience = move || draft.with(|d| d.audience.clone().unwrap_or(Audience::Branch));
    let back = existing.as_ref().map_or("#/study".to_owned(), |c| format!("#/class/{}", c.id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let result = session.try_update(|s| s.save_class(class.as_ref(), &d));
        match result {
            Some(Ok(id)) => go(&format!("#/class/{id}")),
            Some(Err(found)) => problems.set(found),
            None => {}
        }
    };
    let field = move |id, label, kind, get: fn(&ClassDraft) -> String, put: fn(&mut ClassDraft, String)| {
        draft_field(i18n, draft, id, label, kind, get, put)
    };
    view! {
        <section class="page" aria-labelledby="class-form-title">
            <div class="page-head">
                <h2 id="class-form-title">
                    {move || if existing.is_some() { i18n.now("class.edit_title") } else { i18n.now("class.new_title") }}
                </h2>
            </div>
            <form class="card" on:submit=submit novalidate data-testid="class-form">
                {field("class-title", "class.title", "text", |d| d.title.clone(), |d, v| d.title = v)}
                {field("class-organizer", "class.organizer", "text", |d| d.organizer.clone(), |d, v| d.organizer = v)}
                <div class="form-pair">
                    {field("class-from", "class.from", "date", |d| d.from.clone(), |d, v| d.from = v)}
                    {field("class-to", "class.to", "date", |d| d.to.clone(), |d, v| d.to = v)}
                </div>
                <AudiencePicker
                    id="class-audience"
                    label_key="class.audience"
                    committee_key="class.audience_committee"
                    value=Signal::derive(audience)
                    on_change=Callback::new(move |a| draft.update(|d| d.audience = Some(a)))
                />
                {field("class-completion", "class.completion", "text", |d| d.completion.clone(), |d, v| d.completion = v)}
                <p class="hint">{move || {
                    let pct = session.with_untracked(|s| s.records().state().settings().completion);
                    i18n.fmt("class.completion_hint", &[("pct", &pct)])
                }}</p>
                {draft_area(i18n, draft, "class-description", "class.description", 3, |d: &ClassDraft| d.description.clone(), |d: &mut ClassDraft, v| d.description = v)}
                <ul class="form-errors" role="alert" data-testid="class-errors">
                    {move || problems.with(|p| p.iter().map(|p| view! { <li>{words::class_problem(i18n.lang.get(), p)}</li> }).collect_view())}
                </ul>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="save-class">{i18n.t("form.save")}</button>
                    <a class="button" href=back>{i18n.t("form.cancel")}</a>
                </div>
            </form>
        </section>
    }
}
