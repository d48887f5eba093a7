//! The year's training classes with their coverage.

use super::YearView;
use crate::i18n::{I18n, use_i18n};
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours;
use zhibu_core::training::ClassReport;

/// The year's classes with their coverage.
#[component]
pub(super) fn Classes(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="classes-title">
            <h3 id="classes-title">{i18n.t("study.classes")}</h3>
            {move || {
                let classes = data.with(|d| d.classes.clone());
                if classes.is_empty() {
                    return view! { <p class="empty">{i18n.t("study.no_classes")}</p> }.into_any();
                }
                view! {
                    <ul class="meeting-list">
                        {classes
                            .into_iter()
                            .map(|r| class_item(i18n, r))
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

fn class_item(i18n: I18n, r: ClassReport) -> impl IntoView {
    let c = &r.coverage;
    let pct = |p: Option<u32>| p.map(words::percent).unwrap_or_else(|| "—".into());
    let (attended, completed) = (pct(c.attended_permille()), pct(c.completed_permille()));
    let (from, to) = (r.class.from, r.class.to);
    let sessions = r.sessions.len();
    let total = hours::format(r.total);
    view! {
        <li>
            <a class="meeting-item" href=format!("#/class/{}", r.class.id) data-testid="class-item">
                <span class="meeting-kind">{i18n.t("kind.training")}</span>
                <span class="meeting-topic">{r.class.title.clone()}</span>
                <span class="meeting-when">
                    {move || format!("{} – {}", words::date(i18n.lang.get(), from), words::date(i18n.lang.get(), to))}
                </span>
                <span class="meeting-state">
                    {move || i18n.fmt("class.line", &[("sessions", &sessions), ("hours", &total), ("attended", &attended), ("completed", &completed)])}
                </span>
            </a>
        </li>
    }
}
