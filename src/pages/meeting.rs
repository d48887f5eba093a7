//! One meeting: details, the attendance sheet (one tap per member at the
//! door), quorum shown live, the rotating check-in QR and code, leave
//! requests, make-up study, minutes, receipts scanned from phones, and the
//! meeting's 台账 (print and CSV).

use crate::app::use_session;
use crate::components::branch_settings::KeyElsewhere;
use crate::components::meeting_form::MeetingForm;
use crate::components::qr::QrCode;
use crate::components::receipt_intake::ReceiptIntake;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::ledger;
use zhibu_core::meetings::{self, Meeting, MeetingKind, MeetingStatus};
use zhibu_core::search::NameKey;
use zhibu_core::settings::Settings;
use zhibu_core::sheet::{self, Row, Sheet, Source};
use zhibu_core::token::{self, LINK_PREFIX};

/// The page's frame: what changes only when the meeting, the settings or
/// the device's role do (not on a mark).
#[derive(Clone, PartialEq)]
struct View {
    meeting: Meeting,
    settings: Settings,
    organizer: bool,
}

/// The sheet, recomputed when the records change; each part of the page
/// reads only what it shows through a memo, so a mark redraws its own row
/// and the counts, not the page.
type SheetMemo = Memo<Option<Sheet>>;

/// The meeting page; `edit` opens the form.
#[component]
pub fn MeetingPage(id: MeetingId, #[prop(optional)] edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id_for_data = id.clone();
    let data = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let meeting = state.meeting(&id_for_data)?;
            let settings = state.settings();
            Some(View { meeting, settings, organizer: s.is_organizer() })
        })
    });
    let sheet: SheetMemo = Memo::new(move |_| {
        data.with(|v| {
            let v = v.as_ref()?;
            Some(
                session
                    .with(|s| sheet::sheet(s.records().state(), &v.meeting, &v.settings, s.organizer_key().as_ref())),
            )
        })
    });
    if edit {
        return view! { <MeetingForm meeting=Some(id)/> }.into_any();
    }
    let message = RwSignal::new(None::<String>);
    // Kept here, not in `Minutes`: the page re-renders when the meeting
    // changes, and what the organizer is typing must survive that.
    let minutes =
        RwSignal::new(data.with_untracked(|v| v.as_ref().map(|v| v.meeting.record.clone()).unwrap_or_default()));
    let show_checkin = RwSignal::new(false);
    // The door: find a name among fifty by typing a few letters (pinyin too).
    let filter = RwSignal::new(String::new());
    let show_scan = RwSignal::new(false);
    let cancel_reason = RwSignal::new(None::<String>);
    let id_hold = id.clone();
    let hold = Callback::new(move |_: ()| {
        let result = session.try_update(|s| {
            let state = s.records().state();
            let meeting = state.meeting(&id_hold).ok_or(meetings::MeetingProblem::NotPlanned)?;
            let value = meetings::hold(&meeting, state)?;
            s.set_meeting(&id_hold, value);
            Ok::<(), meetings::MeetingProblem>(())
        });
        if let Some(Err(p)) = result {
            message.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p)));
        }
    });
    let id_cancel = id.clone();
    let confirm_cancel = Callback::new(move |_: ()| {
        let reason = cancel_reason.get_untracked().unwrap_or_default();
        let result = session.try_update(|s| {
            let meeting = s.records().state().meeting(&id_cancel).ok_or(meetings::MeetingProblem::NotPlanned)?;
            let value = meetings::cancel(&meeting, &reason)?;
            s.set_meeting(&id_cancel, value);
            Ok::<(), meetings::MeetingProblem>(())
        });
        match result {
            Some(Err(p)) => message.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p))),
            _ => cancel_reason.set(None),
        }
    });
    let export_csv = move |_| {
        if let (Some(v), Some(sheet)) = (data.get_untracked(), sheet.get_untracked()) {
            let table = ledger::meeting_table(&sheet, v.settings.zone);
            let day = v.settings.zone.local(v.meeting.start).date();
            let name = format!("签到表-{}-{}.csv", day, v.meeting.topic);
            let _ = platform::download(&name, "text/csv;charset=utf-8", &ledger::csv(&table));
        }
    };
    let export_xlsx = move |_| {
        if let (Some(v), Some(sheet)) = (data.get_untracked(), sheet.get_untracked()) {
            let table = ledger::meeting_table(&sheet, v.settings.zone);
            let day = v.settings.zone.local(v.meeting.start).date();
            let bytes = ledger::xlsx(&table, "签到表");
            let _ = platform::download(&format!("签到表-{}-{}.xlsx", day, v.meeting.topic), platform::XLSX, &bytes);
        }
    };
    let print = |_| platform::print();

    view! {
        {move || match data.get() {
            None => view! {
                <section class="page">
                    <p class="empty" data-testid="meeting-missing">{i18n.t("meeting.missing")}</p>
                    <a class="button" href="#/meetings">{i18n.t("meeting.back")}</a>
                </section>
            }
            .into_any(),
            Some(v) => {
                let m = v.meeting.clone();
                let zone = v.settings.zone;
                let planned = matches!(m.status, MeetingStatus::Planned);
                let status = m.status.clone();
                let id_edit = m.id.clone();
                let class_title = m.class.as_ref().and_then(|id| {
                    session.with_untracked(|s| s.records().state().class(id)).map(|c| (c.id, c.title))
                });
                view! {
                    <section class="page ledger" aria-labelledby="meeting-title" data-testid="meeting-page">
                        <p class="crumb no-print"><a href="#/meetings">{i18n.t("meeting.back")}</a></p>
                        <h2 id="meeting-title">
                            <span class="meeting-kind">{move || words::kind(i18n.lang.get(), m.kind)}</span>
                            " "
                            {m.topic.clone()}
                        </h2>
                        <dl class="facts">
                            <dt>{i18n.t("mform.date")}</dt>
                            <dd>
                                {move || words::date_time(i18n.lang.get(), zone, v.meeting.start)} " – "
                                {words::clock(zone, v.meeting.end())}
                            </dd>
                            <dt>{i18n.t("mform.place")}</dt>
                            <dd>
                                {v.meeting.place.clone()}
                                {v.meeting.online.then(|| format!(" （{}）", i18n.now("mform.online")))}
                            </dd>
                            <dt>{if v.meeting.kind == MeetingKind::Training { i18n.t("mform.lecturer") } else { i18n.t("mform.host") }}</dt>
                            <dd>{v.meeting.host.clone()}</dd>
                            {v.settings.counts_hours(v.meeting.kind).then(|| {
                                let credit = zhibu_core::hours::credit(&v.meeting, &v.settings);
                                view! {
                                    <dt>{i18n.t("mform.credit")}</dt>
                                    <dd data-testid="meeting-credit">{move || i18n.fmt("hours.n", &[("n", &zhibu_core::hours::format(credit))])}</dd>
                                }
                            })}
                            {class_title.clone().map(|(id, title)| view! {
                                <dt>{i18n.t("mform.class")}</dt>
                                <dd><a href=format!("#/class/{id}") data-testid="meeting-class">{title}</a></dd>
                            })}
                            <dt>{i18n.t("meeting.state")}</dt>
                            <dd data-testid="meeting-status">{move || words::meeting_status(i18n.lang.get(), &status)}</dd>
                        </dl>
                        {(!v.meeting.agenda.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{i18n.t("mform.agenda")}</h3>
                                    <p class="prose">{v.meeting.agenda.clone()}</p>
                                }
                            })}
                        <Summary sheet organizer=v.organizer/>
                        {v.organizer
                            .then(|| {
                                view! {
                                    <div class="actions no-print">
                                        {planned
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="button button-primary"
                                                        data-testid="open-checkin"
                                                        aria-expanded=move || show_checkin.get().to_string()
                                                        on:click=move |_| {
                                                            // The key is made (an event) here, not while rendering.
                                                            if !show_checkin.get_untracked()
                                                                && session.with_untracked(|s| s.organizer_key().is_none())
                                                            {
                                                                session.update(|s| {
                                                                    let _ = s.ensure_organizer_key();
                                                                });
                                                            }
                                                            show_checkin.update(|s| *s = !*s)
                                                        }
                                                    >
                                                        {i18n.t("meeting.checkin")}
                                                    </button>
                                                    <button type="button" class="button" data-testid="hold-meeting" on:click=move |_| hold.run(())>
                                                        {i18n.t("meeting.hold")}
                                                    </button>
                                                    <button
                                                        type="button"
                                                        class="button"
                                                        on:click=move |_| cancel_reason.set(Some(String::new()))
                                                    >
                                                        {i18n.t("meeting.cancel")}
                                                    </button>
                                                }
                                            })}
                                        <button
                                            type="button"
                                            class="button"
                                            data-testid="scan-receipt"
                                            on:click=move |_| show_scan.update(|s| *s = !*s)
                                        >
                                            {i18n.t("meeting.scan_receipt")}
                                        </button>
                                        <a class="button" href=format!("#/meeting/{id_edit}/edit")>{i18n.t("meeting.edit")}</a>
                                        <button type="button" class="button" data-testid="export-csv" on:click=export_csv>
                                            {i18n.t("meeting.export_csv")}
                                        </button>
                                        <button type="button" class="button" data-testid="export-xlsx" on:click=export_xlsx>
                                            {i18n.t("meeting.export_xlsx")}
                                        </button>
                                        <button type="button" class="button" data-testid="print" on:click=print>
                                            {i18n.t("meeting.print")}
                                        </button>
                                    </div>
                                }
                            })}
                        <p class="message" role="status" data-testid="meeting-message">{move || message.get()}</p>
                        {move || {
                            cancel_reason
                                .get()
                                .is_some()
                                .then(|| {
                                    view! {
                                        <div class="card no-print">
                                            <label for="cancel-reason">{i18n.t("meeting.cancel_reason")}</label>
                                            <input
                                                id="cancel-reason"
                                                on:input=move |ev| cancel_reason.set(Some(event_target_value(&ev)))
                                            />
                                            <div class="form-actions">
                                                <button type="button" class="button button-primary" on:click=move |_| confirm_cancel.run(())>
                                                    {i18n.t("meeting.cancel_confirm")}
                                                </button>
                                                <button type="button" class="button" on:click=move |_| cancel_reason.set(None)>
                                                    {i18n.t("form.cancel")}
                                                </button>
                                            </div>
                                        </div>
                                    }
                                })
                        }}
                        {move || {
                            (show_checkin.get() && planned)
                                .then(|| view! { <CheckInPanel meeting=data.get_untracked().map(|v| v.meeting).expect("shown")/> })
                        }}
                        {move || {
                            show_scan
                                .get()
                                .then(|| {
                                    view! { <ReceiptIntake message hint="meeting.scan_hint"/> }
                                })
                        }}
                        <SheetList view=v.clone() sheet filter/>
                        <Minutes view=v text=minutes/>
                    </section>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}

/// 应到 / 实到 / 请假 / 缺席, the rate and the quorum.
#[component]
fn Summary(sheet: SheetMemo, organizer: bool) -> impl IntoView {
    let i18n = use_i18n();
    // Only the counts and the quorum, each figure redrawn in place when a
    // mark changes it (the live region itself stays).
    let counts = Memo::new(move |_| sheet.with(|s| s.as_ref().map(|s| s.counts)).unwrap_or_default());
    // A member's phone has no statuses (the join card leaves them out), so
    // it cannot tell who has a vote: the quorum is the organizer's to show.
    let quorum = Memo::new(move |_| sheet.with(|s| s.as_ref().and_then(|s| s.quorum)).filter(|_| organizer));
    let rate = move || counts.get().rate_permille().map(words::percent).unwrap_or_else(|| "—".into());
    view! {
        <div class="summary-grid" role="status" aria-live="polite" data-testid="sheet-summary">
            <div class="stat"><span class="stat-n" data-testid="count-expected">{move || counts.get().expected}</span><span>{i18n.t("sheet.expected")}</span></div>
            <div class="stat"><span class="stat-n" data-testid="count-present">{move || counts.get().present}</span><span>{i18n.t("sheet.present")}</span></div>
            <div class="stat"><span class="stat-n" data-testid="count-leave">{move || counts.get().leave}</span><span>{i18n.t("sheet.leave")}</span></div>
            <div class="stat"><span class="stat-n" data-testid="count-absent">{move || counts.get().absent}</span><span>{i18n.t("sheet.absent")}</span></div>
            <div class="stat"><span class="stat-n" data-testid="rate">{rate}</span><span>{i18n.t("sheet.rate")}</span></div>
        </div>
        {move || {
            let n = counts.get().unverified;
            (n > 0).then(|| view! { <p class="hint">{move || i18n.fmt("sheet.unverified", &[("n", &n)])}</p> })
        }}
        {move || {
            quorum
                .get()
                .map(|q| {
                    let key = match q.rule {
                        meetings::QuorumRule::VotingMembers => "quorum.voting",
                        meetings::QuorumRule::CommitteeMembers => "quorum.committee",
                    };
                    view! {
                        <p
                            class=if q.met { "quorum quorum-met" } else { "quorum quorum-unmet" }
                            data-testid="quorum"
                            data-met=q.met.to_string()
                        >
                            {move || {
                                let rule = i18n.now(key);
                                let state = if q.met { i18n.now("quorum.met") } else { i18n.now("quorum.unmet") };
                                i18n.fmt(
                                    "quorum.line",
                                    &[("rule", &rule), ("present", &q.present), ("entitled", &q.entitled), ("needed", &q.needed), ("state", &state)],
                                )
                            }}
                        </p>
                    }
                })
        }}
    }
}

/// The rotating QR and six-digit code, shown on the organizer's screen.
#[component]
fn CheckInPanel(meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = RwSignal::new(platform::now_ms() / 1000);
    let handle = set_interval_with_handle(move || now.set(platform::now_ms() / 1000), Duration::from_millis(1000));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let key = session.with_untracked(|s| s.organizer_key());
    let Some(key) = key else {
        return view! { <KeyElsewhere/> }.into_any();
    };
    let settings = session.with_untracked(|s| s.records().state().settings());
    let origin = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = origin.split('#').next().unwrap_or_default().to_owned();
    let id = meeting.id.clone();
    let key_for_token = key.clone();
    let token = Memo::new(move |_| key_for_token.token(&id, now.get()));
    let link = Signal::derive(move || format!("{base}{LINK_PREFIX}{}", token.get().to_text()));
    let (open, close) = checkin::window(&meeting, &settings);
    let zone = settings.zone;
    view! {
        <div class="card checkin-panel" data-testid="checkin-panel">
            <h3>{i18n.t("checkin.title")}</h3>
            <p class="hint">
                {move || {
                    i18n.fmt(
                        "checkin.window",
                        &[("open", &words::clock(zone, open)), ("close", &words::clock(zone, close))],
                    )
                }}
            </p>
            <QrCode text=link label=i18n.now("checkin.qr_label")/>
            <p class="code-label">{i18n.t("checkin.code")}</p>
            <p class="code" data-testid="checkin-code" aria-live="polite">{move || token.get().code()}</p>
            <p class="hint">
                {move || {
                    let left = token::WINDOW_SECS - now.get().rem_euclid(token::WINDOW_SECS);
                    i18n.fmt("checkin.changes", &[("s", &left)])
                }}
            </p>
            <p class="hint">{i18n.t("checkin.phones")}</p>
        </div>
    }
    .into_any()
}

/// The sheet: one row per expected member, one tap per state.
#[component]
fn SheetList(view: View, sheet: SheetMemo, filter: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let meeting = view.meeting.clone();
    let organizer = view.organizer;
    let held = meeting.is_held();
    let zone = view.settings.zone;
    let pending_leave = Memo::new(move |_| {
        sheet.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.rows.iter().filter(|r| r.leave.as_ref().is_some_and(|(_, d)| d.is_none())).cloned().collect()
                })
                .unwrap_or_else(Vec::<Row>::new)
        })
    });
    let row_count = Memo::new(move |_| sheet.with(|s| s.as_ref().map_or(0, |s| s.rows.len())));
    // Who is on the sheet, in its order: a mark changes neither.
    let members = Memo::new(move |_| {
        sheet.with(|s| {
            s.as_ref().map(|s| s.rows.iter().map(|r| r.member.clone()).collect()).unwrap_or_else(Vec::<MemberId>::new)
        })
    });
    let make_up_for = RwSignal::new(None::<MemberId>);
    let leave_meeting = meeting.id.clone();
    view! {
        {move || {
            let pending_leave = pending_leave.get();
            (!pending_leave.is_empty() && organizer)
            .then(|| {
                let id = leave_meeting.clone();
                view! {
                    <section class="card no-print" aria-labelledby="leave-title" data-testid="leave-requests">
                        <h3 id="leave-title">{i18n.t("leave.pending")}</h3>
                        <ul class="plain">
                            {pending_leave
                                .into_iter()
                                .map(|r| {
                                    let (yes, no) = ((id.clone(), r.member.clone()), (id.clone(), r.member.clone()));
                                    view! {
                                        <li class="leave-item">
                                            <span>{r.name.clone()} "：" {r.leave.map(|(q, _)| q.reason).unwrap_or_default()}</span>
                                            <button
                                                type="button"
                                                class="button button-primary"
                                                data-testid="approve-leave"
                                                on:click=move |_| session.update(|s| s.decide_leave(&yes.0, &yes.1, true))
                                            >
                                                {i18n.t("leave.approve")}
                                            </button>
                                            <button
                                                type="button"
                                                class="button"
                                                on:click=move |_| session.update(|s| s.decide_leave(&no.0, &no.1, false))
                                            >
                                                {i18n.t("leave.refuse")}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })
        }}
        <h3>{i18n.t("sheet.title")}</h3>
        {move || {
            (row_count.get() > 8)
            .then(|| {
                view! {
                    <div class="sheet-search no-print" role="search">
                        <label class="visually-hidden" for="sheet-search">{i18n.t("sheet.search")}</label>
                        <input
                            id="sheet-search"
                            type="search"
                            autocomplete="off"
                            placeholder=i18n.t("sheet.search")
                            prop:value=filter
                            on:input=move |ev| filter.set(event_target_value(&ev))
                        />
                    </div>
                }
            })
        }}
        <ol class="sheet-list" data-testid="sheet">
            <For
                each=move || members.get()
                key=|member: &MemberId| member.clone()
                children=move |member: MemberId| {
                    view! { <SheetRow member sheet meeting=meeting.clone() organizer held zone filter make_up_for/> }
                }
            />
        </ol>
    }
}

/// One member's line: redrawn when its own row of the sheet changes.
#[component]
fn SheetRow(
    member: MemberId,
    sheet: SheetMemo,
    meeting: Meeting,
    organizer: bool,
    held: bool,
    zone: zhibu_core::zone::Zone,
    filter: RwSignal<String>,
    make_up_for: RwSignal<Option<MemberId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let this = member.clone();
    let row =
        Memo::new(move |_| sheet.with(|s| s.as_ref().and_then(|s| s.rows.iter().find(|r| r.member == this).cloned())));
    // Found by characters, pinyin or initials, as on the roster; the key is
    // made once per name, not per mark.
    let name = Memo::new(move |_| row.with(|r| r.as_ref().map(|r| r.name.clone()).unwrap_or_default()));
    let key = Memo::new(move |_| NameKey::new(&name.get()));
    move || {
        let row = row.get()?;
        let hidden = move || !key.with(|k| k.matches(&filter.get()));
        let status_key = row.status.map(words::attendance_key).unwrap_or("none");
        let row_status = row.status;
        let source = row.source;
        let missed = held && row.status.is_some_and(|s| !sheet::attended(s));
        let member = row.member.clone();
        let member_mk = row.member.clone();
        let meeting_id = meeting.id.clone();
        let leave = row.leave.clone();
        let meeting = meeting.clone();
        Some(view! {
            <li class="sheet-row" data-testid="sheet-row" data-status=status_key data-name=row.name.clone() hidden=hidden>
                <div class="sheet-who">
                    <span class="sheet-name">{row.name.clone()}</span>
                    <span class="muted">{row.group.clone()}</span>
                    <span class=format!("badge badge-{status_key}") data-testid="row-status">
                        {move || row_status.map(|s| words::attendance(i18n.lang.get(), s)).unwrap_or_else(|| i18n.now("att.none"))}
                    </span>
                    {source
                        .filter(|s| *s != Source::Derived)
                        .map(|s| view! { <span class="muted" data-testid="row-source">{move || words::source(i18n.lang.get(), s)}</span> })}
                    {row.at.map(|at| view! { <span class="muted">{words::clock(zone, at)}</span> })}
                    {row.shared_device.then(|| view! { <span class="badge badge-warn">{i18n.t("sheet.shared_device")}</span> })}
                    {
                        let owner = row.device_owner.clone();
                        let device = row.check_in.as_ref().map(|c| c.device.clone());
                        let who = row.member.clone();
                        match (device, owner) {
                            (None, _) => ().into_any(),
                            (Some(_), Some(o)) if o == who => view! { <span class="muted">{i18n.t("device.own")}</span> }.into_any(),
                            (Some(_), Some(o)) => {
                                // Tracked: a renamed owner is shown renamed (the row itself
                                // redraws only when its own entry changes).
                                let name = move || {
                                    session.with(|s| s.records().state().member(&o).map(|m| m.fields.name).unwrap_or_default())
                                };
                                view! { <span class="badge badge-warn" data-testid="device-other">{move || i18n.fmt("device.other", &[("name", &name())])}</span> }.into_any()
                            }
                            (Some(d), None) if organizer => view! {
                                <button
                                    type="button"
                                    class="link-button no-print"
                                    data-testid="confirm-device"
                                    on:click=move |_| session.update(|s| s.confirm_device(&d, &who))
                                >
                                    {i18n.t("device.confirm")}
                                </button>
                            }
                            .into_any(),
                            (Some(_), None) => view! { <span class="muted">{i18n.t("device.new")}</span> }.into_any(),
                        }
                    }
                    {leave
                        .map(|(q, d)| {
                            let key = match d.map(|d| d.approved) {
                                None => "leave.state_pending",
                                Some(true) => "leave.state_approved",
                                Some(false) => "leave.state_refused",
                            };
                            view! { <span class="muted">{move || i18n.fmt(key, &[("reason", &q.reason)])}</span> }
                        })}
                    {row.make_up.clone().map(|m| view! { <span class="muted">{move || i18n.fmt("makeup.done", &[("date", &m.date), ("what", &m.what)])}</span> })}
                </div>
                {organizer
                    .then(|| {
                        view! {
                            <div class="mark-buttons no-print" role="group" aria-label=row.name.clone()>
                                {AttendanceStatus::ALL
                                    .into_iter()
                                    .map(|s| {
                                        let (mid, who) = (meeting_id.clone(), member.clone());
                                        let pressed = row_status == Some(s) && source == Some(Source::Organizer);
                                        view! {
                                            <button
                                                type="button"
                                                class=format!("mark mark-{}", words::attendance_key(s))
                                                aria-pressed=pressed.to_string()
                                                data-testid=format!("mark-{}", words::attendance_key(s))
                                                on:click=move |_| session.update(|x| x.mark(&mid, &who, s))
                                            >
                                                {move || words::attendance(i18n.lang.get(), s)}
                                            </button>
                                        }
                                    })
                                    .collect_view()}
                                {missed
                                    .then(|| {
                                        let who = member_mk.clone();
                                        view! {
                                            <button type="button" class="mark" data-testid="open-makeup" on:click=move |_| make_up_for.set(Some(who.clone()))>
                                                {i18n.t("makeup.open")}
                                            </button>
                                        }
                                    })}
                            </div>
                        }
                    })}
                {
                    let this = row.member.clone();
                    move || (make_up_for.get().as_ref() == Some(&this)).then(|| view! { <MakeUpForm meeting=meeting.clone() member=this.clone() done=make_up_for/> })
                }
            </li>
        })
    }
}

/// 补课: date, what, who confirmed.
#[component]
fn MakeUpForm(meeting: Meeting, member: MemberId, done: RwSignal<Option<MemberId>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let today = zone.local(platform::now_ms() / 1000).date();
    let (date, what, by) =
        (RwSignal::new(today.to_string()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let day = zone.local(meeting.start).date();
        match checkin::make_up(
            &meeting,
            true,
            &date.get_untracked(),
            &what.get_untracked(),
            &by.get_untracked(),
            today,
            day,
        ) {
            Ok(m) => {
                session.update(|s| s.make_up(&meeting.id, &member, m));
                done.set(None);
            }
            Err(p) => error.set(Some(words::check_in_problem(i18n.lang.get_untracked(), zone, &p))),
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

/// 会议记录: the minutes, saved on demand.
#[component]
fn Minutes(view: View, text: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let saved = RwSignal::new(false);
    let id = view.meeting.id.clone();
    let organizer = view.organizer;
    let error = RwSignal::new(None::<String>);
    let save = move |_| match meetings::record(&text.get_untracked()) {
        Ok(value) => {
            session.update(|s| s.set_meeting(&id, value));
            saved.set(true);
        }
        Err(p) => error.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p))),
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
