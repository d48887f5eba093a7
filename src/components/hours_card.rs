//! One member's 学时 in a year: hours against the target with a progress
//! bar and what is left, where they came from, upcoming sessions, and the
//! self-study records (withdrawn here on the member's own phone).

use crate::components::bar::Bar;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours::{self, MemberHours};
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Meeting;
use zhibu_core::study::{self, StudyEntry, StudyState};

/// What the card shows.
#[derive(Clone, PartialEq)]
struct Card {
    line: Option<MemberHours>,
    credits: Vec<hours::Credit>,
    upcoming: Vec<Meeting>,
    studies: Vec<StudyEntry>,
    days_left: u32,
}

/// Hours against the target, what is left, the credits, upcoming sessions
/// and self-study records.
#[component]
pub fn HoursCard(member: MemberId, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = platform::now_ms() / 1000;
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let own = session.with_untracked(|s| s.me()).as_ref() == Some(&member);
    let id = member.clone();
    // A withdrawal refused (decided meanwhile on another device, say).
    let refused = RwSignal::new(None::<study::StudyProblem>);
    let card = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            let mut h = hours::year(state, year, &settings, s.organizer_key().as_ref());
            let line = h.lines.into_iter().find(|l| l.member.id == id);
            let credits = h.credits.remove(&id).unwrap_or_default();
            let upcoming = state
                .meetings()
                .into_iter()
                .filter(|m| !m.is_cancelled() && !m.is_held() && m.start > now)
                .filter(|m| settings.counts_hours(m.kind) && m.expected(state).contains(&id))
                .collect();
            let studies = study::entries(state, &settings)
                .into_iter()
                .filter(|e| e.study.member == id && e.study.date.ymd().0 == year)
                .collect();
            Card { line, credits, upcoming, studies, days_left: hours::days_left(year, now, &settings) }
        })
    });
    view! {
        {move || {
            let c = card.get();
            let Some(line) = c.line.clone() else {
                return view! { <p class="empty">{i18n.t("hours.not_member")}</p> }.into_any();
            };
            let exempt = line.exempt();
            view! {
                <div class="card hours-card" data-testid="hours-card">
                    <p class="hours-big">
                        <span data-testid="my-total">{hours::format(line.total())}</span>
                        " / "
                        <span data-testid="my-target">{hours::format(line.target)}</span>
                        " "
                        {i18n.t("hours.unit")}
                    </p>
                    <Bar permille=line.progress_permille() exempt/>
                    <p data-testid="my-left">
                        {if exempt {
                            i18n.now("hours.exempt_note")
                        } else if line.left() == 0 {
                            i18n.now("hours.done")
                        } else {
                            i18n.fmt("hours.left_note", &[("left", &hours::format(line.left())), ("days", &c.days_left)])
                        }}
                    </p>
                    <dl class="facts">
                        <dt>{i18n.t("hours.training")}</dt><dd data-testid="my-training">{hours::format(line.training)}</dd>
                        <dt>{i18n.t("hours.meetings")}</dt><dd data-testid="my-meetings">{hours::format(line.meetings)}</dd>
                        <dt>{i18n.t("hours.self_study")}</dt><dd data-testid="my-self-study">{hours::format(line.self_study)}</dd>
                        <dt>{i18n.t("hours.pending")}</dt><dd data-testid="my-pending">{hours::format(line.pending)}</dd>
                    </dl>
                </div>
                <h3>{i18n.t("hours.upcoming")}</h3>
                {if c.upcoming.is_empty() {
                    view! { <p class="empty">{i18n.t("me.none_upcoming")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain" data-testid="my-sessions">
                            {c.upcoming.into_iter().map(|m| {
                                let credit = session.with_untracked(|s| hours::credit(&m, &s.records().state().settings()));
                                view! {
                                    <li>
                                        <span>{move || words::date_time(i18n.lang.get(), zone, m.start)}</span>
                                        " "
                                        <span>{m.topic.clone()}</span>
                                        " · "
                                        <span>{move || i18n.fmt("hours.n", &[("n", &hours::format(credit))])}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
                <h3>{i18n.t("hours.credits")}</h3>
                <ul class="plain" data-testid="my-credits">
                    {c.credits.into_iter().map(|cr| {
                        let what = cr.meeting.as_ref().map(|m| m.topic.clone()).unwrap_or_else(|| {
                            c.studies.iter().find(|e| Some(&e.id) == cr.study.as_ref()).map(|e| e.study.material.clone()).unwrap_or_default()
                        });
                        let is_study = cr.study.is_some();
                        view! {
                            <li>
                                <span>{move || words::date(i18n.lang.get(), zone.local(cr.at).date())}</span>
                                " "
                                {is_study.then(|| view! { <span class="badge">{i18n.t("hours.self_study")}</span> " " })}
                                <span>{what}</span>
                                " · "
                                <span>{move || i18n.fmt("hours.n", &[("n", &hours::format(cr.tenths))])}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h3>{i18n.t("hours.studies")}</h3>
                <ul class="plain" data-testid="my-studies">
                    {c.studies.into_iter().map(|e| {
                        let key = match e.state {
                            StudyState::Pending => "pending",
                            StudyState::Confirmed => "confirmed",
                            StudyState::Refused => "refused",
                            StudyState::Withdrawn => "withdrawn",
                        };
                        view! {
                            <li data-testid="study-entry" data-state=key>
                                <span>{move || words::date(i18n.lang.get(), e.study.date)}</span>
                                " "
                                <span>{e.study.material.clone()}</span>
                                " · "
                                <span>{move || i18n.fmt("hours.n", &[("n", &hours::format(e.study.tenths))])}</span>
                                " "
                                <span class=format!("badge badge-study-{key}")>{move || i18n.now(&format!("sstate.{key}"))}</span>
                                {(own && e.state == StudyState::Pending).then(|| {
                                    let (id, by) = (e.id.clone(), e.study.member.clone());
                                    view! {
                                        " "
                                        <button
                                            type="button"
                                            class="link-button"
                                            data-testid="withdraw-study"
                                            on:click=move |_| {
                                                let outcome = session.try_update(|s| s.withdraw_study(&by, &id));
                                                refused.set(outcome.and_then(Result::err));
                                            }
                                        >
                                            {i18n.t("study.withdraw")}
                                        </button>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="error" role="alert" data-testid="withdraw-refused">
                    {move || refused.get().map(|p| words::study_problem(i18n.lang.get(), &p))}
                </p>
            }
            .into_any()
        }}
    }
}
