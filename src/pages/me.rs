//! 我的: a member's own page on their phone — who I am, my upcoming
//! meetings with self check-in (scan or code) and leave requests, the
//! receipt QR for the organizer, and my attendance record. Also the join
//! link's landing page.

use crate::chunks::LazyScanner;
use crate::components::hours_card::HoursCard;
use crate::components::my_appraisals::MyAppraisals;
use crate::components::qr::QrCode;
use crate::components::study_form::StudyForm;
use crate::context::{go, use_session};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::checkin::CheckInProblem;
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Meeting;
use zhibu_core::sheet::{self, Row};

/// The join link's landing: open the card, then pick who I am.
#[component]
pub fn JoinPage(card: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let result = session.try_update(|s| s.join(&card));
    match result {
        Some(Ok(())) => {
            go("#/me");
            view! { <p role="status">{i18n.t("join.ok")}</p> }.into_any()
        }
        Some(Err(e)) => view! {
            <section class="page">
                <h2>{i18n.t("join.title")}</h2>
                <p class="message" role="alert" data-testid="join-error">{move || words::card_error(i18n.lang.get(), &e)}</p>
            </section>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// The member's own page. `token` is a check-in link's token, when the
/// phone's camera app opened one.
#[component]
pub fn MePage(token: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = RwSignal::new(session.with_untracked(|s| s.me()));
    let message = RwSignal::new(None::<String>);
    // A check-in link opened from the camera app: check in straight away.
    if let (Some(text), Some(member)) = (token.clone(), me.get_untracked()) {
        let outcome = check_in_token(session, &member, &text);
        message.set(Some(outcome_text(i18n, outcome)));
    } else if token.is_some() {
        message.set(Some(i18n.now("me.pick_first")));
    }
    view! {
        <section class="page" aria-labelledby="me-title">
            <h2 id="me-title">{i18n.t("me.title")}</h2>
            <p class="message" role="status" data-testid="me-message">{move || message.get()}</p>
            {move || match me.get() {
                None => view! { <PickMe me/> }.into_any(),
                Some(member) => view! { <MyMeetings member me message/> }.into_any(),
            }}
        </section>
    }
}

/// What a check-in attempt came to.
type Outcome = Result<String, (CheckInProblem, zhibu_core::zone::Zone)>;

fn outcome_text(i18n: crate::i18n::I18n, outcome: Outcome) -> String {
    let lang = i18n.lang.get_untracked();
    match outcome {
        Ok(topic) => crate::i18n::format(lang, "me.checked_in", &[("topic", &topic)]),
        Err((p, zone)) => words::check_in_problem(lang, zone, &p),
    }
}

fn check_in_token(session: crate::context::SessionSignal, member: &MemberId, text: &str) -> Outcome {
    session
        .try_update(|s| {
            let zone = s.records().state().settings().zone;
            s.check_in_by_token(member, text).map_err(|p| (p, zone))
        })
        .unwrap_or_else(|| Err((CheckInProblem::Closed, Default::default())))
}

/// Choose which member this phone belongs to.
#[component]
fn PickMe(me: RwSignal<Option<MemberId>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let members = Memo::new(move |_| {
        session.with(|s| {
            let active = s.records().state().active_by_name();
            active.into_iter().map(|m| (m.id, m.fields.name, m.fields.group)).collect::<Vec<_>>()
        })
    });
    view! {
        {move || {
            if members.with(Vec::is_empty) {
                view! { <p class="empty" data-testid="me-empty">{i18n.t("me.no_branch")}</p> }.into_any()
            } else {
                view! {
                    <p>{i18n.t("me.pick")}</p>
                    <ul class="pick-grid" data-testid="pick-me">
                        {members
                            .get()
                            .into_iter()
                            .map(|(id, name, group)| {
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="button pick-button"
                                            data-testid="pick-member"
                                            on:click=move |_| {
                                                if session.with_untracked(|s| s.set_me(&id)).is_ok() {
                                                    me.set(Some(id.clone()));
                                                }
                                            }
                                        >
                                            {name}
                                            <span class="muted">{group}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="hint">{i18n.t("me.pick_hint")}</p>
                }
                .into_any()
            }
        }}
    }
}

/// My upcoming meetings and my record.
#[component]
fn MyMeetings(member: MemberId, me: RwSignal<Option<MemberId>>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = platform::now_ms() / 1000;
    let member_for_data = member.clone();
    let hours_member = member.clone();
    let this_year = session.with_untracked(|s| s.records().state().settings().zone.local(now).year);
    let data = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            let key = s.organizer_key();
            let name = state.member(&member_for_data).map(|m| m.fields.name).unwrap_or_default();
            let mut upcoming = Vec::new();
            let mut record = Vec::new();
            for m in state.meetings() {
                if m.is_cancelled() || !m.expected(state).contains(&member_for_data) {
                    continue;
                }
                if m.is_held() || m.end() < now {
                    // Their own row only: a whole sheet per meeting was most of
                    // this page's start on a phone with years of meetings.
                    let row = sheet::row(state, &m, &settings, key.as_ref(), &member_for_data);
                    record.push((m, row));
                } else {
                    // Only the meeting: each card follows its own row, so a
                    // check-in does not rebuild the cards (and close a form).
                    upcoming.push(m);
                }
            }
            record.reverse();
            (name, upcoming, record, settings.zone)
        })
    });
    view! {
        <p class="who" data-testid="me-name">
            {move || i18n.fmt("me.i_am", &[("name", &data.with(|d| d.0.clone()))])}
            " "
            <button type="button" class="link-button" on:click=move |_| me.set(None)>{i18n.t("me.switch")}</button>
        </p>
        <h3>{i18n.t("me.upcoming")}</h3>
        {move || {
            let (_, upcoming, _, zone) = data.get();
            if upcoming.is_empty() {
                view! { <p class="empty">{i18n.t("me.none_upcoming")}</p> }.into_any()
            } else {
                upcoming
                    .into_iter()
                    .map(|m| view! { <MyMeeting meeting=m member=member.clone() zone message/> })
                    .collect_view()
                    .into_any()
            }
        }}
        <MyAppraisals member=hours_member.clone()/>
        <h3>{i18n.t("me.hours")}</h3>
        <HoursCard member=hours_member.clone() year=this_year/>
        <StudyForm member=hours_member/>
        <h3>{i18n.t("me.record")}</h3>
        <ul class="plain my-record" data-testid="my-record">
            {move || {
                let (_, _, record, zone) = data.get();
                record
                    .into_iter()
                    .map(|(m, row)| {
                        let status = row.and_then(|r| r.status);
                        view! {
                            <li>
                                <span>{move || words::date_time(i18n.lang.get(), zone, m.start)}</span>
                                " "
                                <span>{m.topic.clone()}</span>
                                " "
                                <span class=format!("badge badge-{}", status.map(words::attendance_key).unwrap_or("none"))>
                                    {move || status.map(|s| words::attendance(i18n.lang.get(), s)).unwrap_or_else(|| i18n.now("att.none"))}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// One upcoming meeting with my check-in and leave.
#[component]
fn MyMeeting(
    meeting: Meeting,
    member: MemberId,
    zone: zhibu_core::zone::Zone,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let mode = RwSignal::new(None::<&'static str>);
    let code = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let id = meeting.id.clone();
    let (id_row, member_row) = (id.clone(), member.clone());
    let row = Memo::new(move |_| -> Option<Row> {
        session.with(|s| {
            let state = s.records().state();
            let m = state.meeting(&id_row)?;
            sheet::row(state, &m, &state.settings(), s.organizer_key().as_ref(), &member_row)
        })
    });
    let status = move || row.with(|r| r.as_ref().and_then(|r| r.status));
    let source = move || row.with(|r| r.as_ref().and_then(|r| r.source));
    let leave = move || row.with(|r| r.as_ref().and_then(|r| r.leave.clone()));
    let member_scan = member.clone();
    let on_scan = Callback::new(move |text: String| {
        message.set(Some(outcome_text(i18n, check_in_token(session, &member_scan, &text))));
        mode.set(Some("receipt"));
    });
    let (m_code, who_code) = (meeting.clone(), member.clone());
    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let result = session.try_update(|s| s.check_in_by_code(&m_code.id, &who_code, &code.get_untracked()));
        let lang = i18n.lang.get_untracked();
        match result {
            Some(Ok(())) => {
                message.set(Some(crate::i18n::text(lang, "me.code_recorded")));
                mode.set(Some("receipt"));
            }
            Some(Err(p)) => message.set(Some(words::check_in_problem(lang, zone, &p))),
            None => {}
        }
    };
    let (m_leave, who_leave) = (meeting.clone(), member.clone());
    let submit_leave = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        match session.try_update(|s| s.request_leave(&m_leave.id, &who_leave, &reason.get_untracked())) {
            Some(Ok(())) => {
                message.set(Some(crate::i18n::text(lang, "me.leave_sent")));
                mode.set(None);
            }
            Some(Err(p)) => message.set(Some(words::check_in_problem(lang, zone, &p))),
            None => {}
        }
    };
    let id_receipt = id.clone();
    let receipt = Signal::derive(move || session.with(|s| s.receipt(&id_receipt)).unwrap_or_default());
    let button = move |key: &'static str, label: &'static str| {
        view! {
            <button
                type="button"
                class="button"
                data-testid=format!("me-{key}")
                aria-expanded=move || (mode.get() == Some(key)).to_string()
                on:click=move |_| mode.update(|m| *m = if *m == Some(key) { None } else { Some(key) })
            >
                {i18n.t(label)}
            </button>
        }
    };
    view! {
        <article class="card my-meeting" data-testid="my-meeting">
            <h4>
                <span class="meeting-kind">{move || words::kind(i18n.lang.get(), meeting.kind)}</span>
                " "
                {meeting.topic.clone()}
            </h4>
            <p class="muted">
                {move || words::date_time(i18n.lang.get(), zone, meeting.start)}
                {(!meeting.place.is_empty()).then(|| format!(" · {}", meeting.place))}
            </p>
            <p data-testid="my-status">
                {move || match status() {
                    Some(s) => {
                        let how = source().map(|x| words::source(i18n.lang.get(), x)).unwrap_or_default();
                        format!("{} {}", words::attendance(i18n.lang.get(), s), how)
                    }
                    None => i18n.now("me.not_checked_in"),
                }}
                {move || leave().map(|(q, d)| {
                    let key = match d.map(|d| d.approved) {
                        None => "leave.state_pending",
                        Some(true) => "leave.state_approved",
                        Some(false) => "leave.state_refused",
                    };
                    view! { <span class="muted" data-testid="my-leave">" " {move || i18n.fmt(key, &[("reason", &q.reason)])}</span> }
                })}
            </p>
            <div class="actions">
                {button("scan", "me.scan")}
                {button("code", "me.code")}
                {button("leave", "me.leave")}
                {button("receipt", "me.receipt")}
            </div>
            {move || match mode.get() {
                Some("scan") => view! { <LazyScanner on_text=on_scan/> }.into_any(),
                Some("code") => view! {
                    <form class="inline-form" on:submit=submit_code.clone()>
                        <label for="checkin-code-input">{i18n.t("me.code_label")}</label>
                        <input
                            id="checkin-code-input"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="6"
                            pattern="[0-9]*"
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                        <button type="submit" class="button button-primary" data-testid="submit-code">{i18n.t("me.code_submit")}</button>
                    </form>
                }
                .into_any(),
                Some("leave") => view! {
                    <form class="inline-form" on:submit=submit_leave.clone()>
                        <label for="leave-reason">{i18n.t("me.leave_reason")}</label>
                        <input id="leave-reason" on:input=move |ev| reason.set(event_target_value(&ev))/>
                        <button type="submit" class="button button-primary" data-testid="submit-leave">{i18n.t("me.leave_submit")}</button>
                    </form>
                }
                .into_any(),
                Some("receipt") => view! {
                    <div class="receipt" data-testid="receipt">
                        {move || {
                            if receipt.get().is_empty() {
                                view! { <p class="hint">{i18n.t("me.receipt_empty")}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="hint">{i18n.t("me.receipt_hint")}</p>
                                    <QrCode text=receipt label=i18n.now("me.receipt")/>
                                }
                                .into_any()
                            }
                        }}
                    </div>
                }
                .into_any(),
                _ => ().into_any(),
            }}
        </article>
    }
}
