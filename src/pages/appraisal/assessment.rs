//! 自评互评: a member's own 自评 and their signed 互评 comments on their
//! phone; for the organizer, who has not written, a paper 自评 entered,
//! and everything written (the comments are the committee's to read).

use super::view::{Appraisal, name_of};
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::Stage;

/// The 自评互评 card.
#[component]
pub(super) fn Assessment(data: Appraisal, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = data.round.round.stage();
    let open = matches!(stage, Stage::Assessment | Stage::Voting);
    let me = session.with_untracked(|s| s.me());
    let mine = me.as_ref().filter(|m| data.appraised.iter().any(|(a, _)| a == *m)).cloned();
    let written = data.appraised.len() - data.missing.len();
    let total = data.appraised.len();
    view! {
        <section class="card" aria-labelledby="assessment-title" data-testid="assessment">
            <h3 id="assessment-title">{move || words::round_stage(i18n.lang.get(), true, Stage::Assessment)}</h3>
            <p data-testid="assessed-count">{move || i18n.fmt("appraisal.written", &[("n", &written), ("m", &total)])}</p>
            {(open && mine.is_some()).then(|| view! { <OwnSelfAssessment data=data.clone() member=mine.clone().unwrap() message/> })}
            {(open && me.is_some()).then(|| view! { <CommentForm data=data.clone() me=me.clone().unwrap() message/> })}
            {move || organizer.get().then(|| view! { <Overview data=data.clone() open message/> })}
        </section>
    }
}

/// The member's own 自评.
#[component]
fn OwnSelfAssessment(data: Appraisal, member: MemberId, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = data.round.round.id.clone();
    let text = RwSignal::new(data.self_assessments.get(&member).map(|a| a.text.clone()).unwrap_or_default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = session.try_update(|s| s.self_assess(&id, &member, &text.get_untracked()));
        message.set(match outcome {
            Some(Err(p)) => Some(words::round_problem(i18n.lang.get_untracked(), &p)),
            _ => Some(i18n.now("appraisal.self_saved")),
        });
    };
    view! {
        <form class="form-block" on:submit=save data-testid="self-assessment-form">
            <label for="self-assessment">{i18n.t("appraisal.self")}</label>
            <p class="hint">{i18n.t("appraisal.self_hint")}</p>
            <textarea id="self-assessment" data-testid="self-assessment" rows="6" maxlength="2000"
                prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="submit" class="button button-primary" data-testid="save-self-assessment">{i18n.t("appraisal.self_save")}</button>
        </form>
    }
}

/// A signed 互评 comment about another appraised member.
#[component]
fn CommentForm(data: Appraisal, me: MemberId, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = data.round.round.id.clone();
    let others: Vec<(MemberId, String)> = data.appraised.iter().filter(|(m, _)| m != &me).cloned().collect();
    let about = RwSignal::new(others.first().map(|(m, _)| m.to_string()).unwrap_or_default());
    let text = RwSignal::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = MemberId(about.get_untracked());
        match session.try_update(|s| s.comment(&id, &who, &text.get_untracked())) {
            Some(Err(p)) => message.set(Some(words::round_problem(i18n.lang.get_untracked(), &p))),
            _ => {
                text.set(String::new());
                message.set(Some(i18n.now("appraisal.comment_saved")));
            }
        }
    };
    view! {
        <form class="form-block" on:submit=save data-testid="comment-form">
            <h4>{i18n.t("appraisal.comment")}</h4>
            <p class="notice-warn" data-testid="comment-signed">{i18n.t("appraisal.comment_signed")}</p>
            <label for="comment-about">{i18n.t("appraisal.comment_about")}</label>
            <select id="comment-about" data-testid="comment-about" on:change=move |ev| about.set(event_target_value(&ev))>
                {others.into_iter().map(|(m, n)| view! { <option value=m.to_string()>{n}</option> }).collect_view()}
            </select>
            <textarea aria-label=move || i18n.now("appraisal.comment") data-testid="comment-text" rows="3" maxlength="500"
                prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="submit" class="button" data-testid="save-comment">{i18n.t("appraisal.comment_save")}</button>
        </form>
    }
}

/// What the organizer sees: who has not written, a paper 自评, all of it.
#[component]
fn Overview(data: Appraisal, open: bool, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = data.round.round.id.clone();
    let names = move |ids: &[MemberId]| {
        session.with_untracked(|s| ids.iter().map(|m| name_of(s.records().state(), m)).collect::<Vec<_>>())
    };
    let missing = names(&data.missing);
    let missing_pairs: Vec<(MemberId, String)> = data.missing.iter().cloned().zip(missing.clone()).collect();
    let paper_for = RwSignal::new(data.missing.first().map(|m| m.to_string()).unwrap_or_default());
    let paper_text = RwSignal::new(String::new());
    let enter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let member = MemberId(paper_for.get_untracked());
        match session.try_update(|s| s.enter_self_assessment(&id, &member, &paper_text.get_untracked())) {
            Some(Err(p)) => message.set(Some(words::round_problem(i18n.lang.get_untracked(), &p))),
            _ => paper_text.set(String::new()),
        }
    };
    let written: Vec<(String, String, bool)> = data
        .appraised
        .iter()
        .filter_map(|(m, n)| data.self_assessments.get(m).map(|a| (n.clone(), a.text.clone(), a.on_paper)))
        .collect();
    let comments: Vec<(String, String, String)> = session.with_untracked(|s| {
        let state = s.records().state();
        data.comments.iter().map(|c| (name_of(state, &c.by), name_of(state, &c.about), c.text.clone())).collect()
    });
    let (written_n, comments_n) = (written.len(), comments.len());
    view! {
        <div class="overview" data-testid="assessment-overview">
            {(!missing.is_empty()).then(|| view! {
                <p data-testid="missing-self">{move || i18n.fmt("appraisal.missing", &[("names", &missing.join("、"))])}</p>
            })}
            {(open && !missing_pairs.is_empty()).then(|| view! {
                <form class="form-block no-print" on:submit=enter data-testid="paper-self-form">
                    <label for="paper-self-for">{i18n.t("appraisal.paper_self")}</label>
                    <select id="paper-self-for" on:change=move |ev| paper_for.set(event_target_value(&ev))>
                        {missing_pairs.into_iter().map(|(m, n)| view! { <option value=m.to_string()>{n}</option> }).collect_view()}
                    </select>
                    <textarea aria-label=move || i18n.now("appraisal.self") data-testid="paper-self-text" rows="4"
                        prop:value=paper_text on:input=move |ev| paper_text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="save-paper-self">{i18n.t("appraisal.self_save")}</button>
                </form>
            })}
            <details data-testid="self-assessments">
                <summary>{move || i18n.fmt("appraisal.read_self", &[("n", &written_n)])}</summary>
                {written.into_iter().map(|(name, text, paper)| view! {
                    <article class="assessment-entry">
                        <h4>{name} {paper.then(|| view! { " " <span class="badge">{i18n.t("appraisal.on_paper")}</span> })}</h4>
                        <p class="prewrap">{text}</p>
                    </article>
                }).collect_view()}
            </details>
            <details data-testid="comments">
                <summary>{move || i18n.fmt("appraisal.read_comments", &[("n", &comments_n)])}</summary>
                <ul class="plain">
                    {comments.into_iter().map(|(by, about, text)| view! {
                        <li data-testid="comment-row"><strong>{about}</strong> " ← " {by} "：" {text}</li>
                    }).collect_view()}
                </ul>
            </details>
        </div>
    }
}
