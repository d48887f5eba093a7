//! A member's self-study (自学) form and the receipt that takes it to the
//! organizer (their own phone only).

use crate::components::draft_field::{draft_area, draft_field};
use crate::components::qr::QrCode;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::study::{StudyDraft, StudyProblem};

/// The member's self-study form and receipt (their own phone only).
#[component]
pub fn StudyForm(member: MemberId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let today = move || zone.local(platform::now_ms() / 1000).date();
    let draft = RwSignal::new(StudyDraft { date: today().to_string(), ..Default::default() });
    let problems = RwSignal::new(Vec::<StudyProblem>::new());
    let saved = RwSignal::new(false);
    let show_receipt = RwSignal::new(false);
    let receipt = Signal::derive(move || session.with(|s| s.study_receipt()).unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let result = session.try_update(|s| s.record_study(&member, &d, today()));
        match result {
            Some(Ok(_)) => {
                problems.set(Vec::new());
                saved.set(true);
                draft.set(StudyDraft { date: today().to_string(), ..Default::default() });
            }
            Some(Err(found)) => {
                saved.set(false);
                problems.set(found)
            }
            None => {}
        }
    };
    let field = move |id, label, kind, get: fn(&StudyDraft) -> String, put: fn(&mut StudyDraft, String)| {
        draft_field(i18n, draft, id, label, kind, get, put)
    };
    view! {
        <h3>{i18n.t("study.self_title")}</h3>
        <form class="card" on:submit=submit novalidate data-testid="study-form">
            <div class="form-pair">
                {field("study-date", "study.date", "date", |d| d.date.clone(), |d, v| d.date = v)}
                {field("study-hours", "study.hours", "text", |d| d.hours.clone(), |d, v| d.hours = v)}
            </div>
            {field("study-material", "study.material", "text", |d| d.material.clone(), |d, v| d.material = v)}
            {draft_area(i18n, draft, "study-note", "study.note", 2, |d: &StudyDraft| d.note.clone(), |d: &mut StudyDraft, v| d.note = v)}
            <ul class="form-errors" role="alert" data-testid="study-errors">
                {move || problems.with(|p| p.iter().map(|p| view! { <li>{words::study_problem(i18n.lang.get(), p)}</li> }).collect_view())}
            </ul>
            <p class="message" role="status">{move || saved.get().then(|| i18n.now("study.saved"))}</p>
            <div class="form-actions">
                <button type="submit" class="button button-primary" data-testid="save-study">{i18n.t("study.record")}</button>
                <button type="button" class="button" data-testid="study-receipt" on:click=move |_| show_receipt.update(|v| *v = !*v)>
                    {i18n.t("study.receipt")}
                </button>
            </div>
        </form>
        {move || show_receipt.get().then(|| {
            if receipt.get().is_empty() {
                view! { <p class="hint">{i18n.t("study.receipt_empty")}</p> }.into_any()
            } else {
                view! {
                    <div class="receipt card" data-testid="study-receipt-qr">
                        <p class="hint">{i18n.t("study.receipt_show")}</p>
                        <QrCode text=receipt label=i18n.now("study.receipt")/>
                    </div>
                }
                .into_any()
            }
        })}
    }
}
