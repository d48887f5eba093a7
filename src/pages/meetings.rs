//! 会议: upcoming and past meetings, with 应到 / 实到 at a glance.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::meetings::Meeting;
use zhibu_core::sheet;

/// Past meetings shown at first, and added by each 显示更早的会议.
const PAST_PAGE: usize = 20;

/// The meetings list.
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = platform::now_ms() / 1000;
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    // Past meetings come a page at a time, newest first: each line's counts
    // are its sheet's (`sheet::summary`), and ten years of meetings counted
    // at once kept a phone busy for most of a second.
    let shown = RwSignal::new(PAST_PAGE);
    let lists = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            let key = s.organizer_key();
            let line = |m: Meeting| {
                let (counts, quorum) = sheet::summary(state, &m, &settings, key.as_ref());
                let no_quorum = m.is_held() && quorum.is_some_and(|q| !q.met);
                (m, counts.expected, counts.present, no_quorum)
            };
            let (past, upcoming): (Vec<Meeting>, Vec<Meeting>) =
                state.meetings().into_iter().partition(|m| m.is_held() || m.is_cancelled() || m.end() < now);
            let earlier = past.len().saturating_sub(shown.get());
            let past: Vec<_> = past.into_iter().rev().take(shown.get()).map(line).collect();
            (upcoming.into_iter().map(line).collect::<Vec<_>>(), past, settings.zone, earlier)
        })
    });
    let item = move |(m, expected, present, no_quorum): (Meeting, usize, usize, bool)| {
        let zone = lists.with_untracked(|l| l.2);
        let held = m.is_held();
        let status = m.status.clone();
        view! {
            <li>
                <a class="meeting-item" href=format!("#/meeting/{}", m.id) data-testid="meeting-item">
                    <span class="meeting-kind">{move || words::kind(i18n.lang.get(), m.kind)}</span>
                    <span class="meeting-topic">{m.topic.clone()}</span>
                    <span class="meeting-when">
                        {move || words::date_time(i18n.lang.get(), zone, m.start)}
                        {(!m.place.is_empty()).then(|| format!(" · {}", m.place))}
                    </span>
                    <span class="meeting-state">
                        <span class=format!("badge badge-{}", if held { "held" } else { "planned" })>
                            {move || words::meeting_status(i18n.lang.get(), &status)}
                        </span>
                        {move || i18n.fmt("meetings.counts", &[("present", &present), ("expected", &expected)])}
                        {no_quorum.then(|| view! { <span class="badge badge-absent" data-testid="no-quorum">{i18n.t("year.quorum_unmet")}</span> })}
                    </span>
                </a>
            </li>
        }
    };
    view! {
        <section class="page" aria-labelledby="meetings-title">
            <div class="page-head">
                <h2 id="meetings-title">{i18n.t("meetings.title")}</h2>
                // Meetings are the organizer's to create; a member's phone has none to give.
                {move || {
                    organizer
                        .get()
                        .then(|| {
                            view! {
                                <a class="button button-primary" href="#/meetings/new" data-testid="new-meeting">
                                    {i18n.t("meetings.new")}
                                </a>
                            }
                        })
                }}
            </div>
            <p>
                <a class="button" href="#/year" data-testid="open-year">{i18n.t("meetings.year")}</a>
            </p>
            <h3>{i18n.t("meetings.upcoming")}</h3>
            {move || {
                let list = lists.with(|l| l.0.clone());
                if list.is_empty() {
                    view! { <p class="empty">{i18n.t("meetings.none_upcoming")}</p> }.into_any()
                } else {
                    view! { <ul class="meeting-list">{list.into_iter().map(item).collect_view()}</ul> }.into_any()
                }
            }}
            <h3>{i18n.t("meetings.past")}</h3>
            {move || {
                let list = lists.with(|l| l.1.clone());
                if list.is_empty() {
                    view! { <p class="empty">{i18n.t("meetings.none_past")}</p> }.into_any()
                } else {
                    view! { <ul class="meeting-list">{list.into_iter().map(item).collect_view()}</ul> }.into_any()
                }
            }}
            {move || {
                let earlier = lists.with(|l| l.3);
                (earlier > 0)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button"
                                data-testid="more-meetings"
                                on:click=move |_| shown.update(|n| *n += PAST_PAGE)
                            >
                                {move || i18n.fmt("meetings.more", &[("count", &earlier)])}
                            </button>
                        }
                    })
            }}
        </section>
    }
}
