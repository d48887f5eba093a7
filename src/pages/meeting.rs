//! One meeting: details, the attendance sheet (one tap per member at the
//! door), quorum shown live, the rotating check-in QR and code, leave
//! requests, make-up study, minutes, receipts scanned from phones, and the
//! meeting's 台账 (print and CSV).

use crate::components::attendance_sheet::{SheetList, SheetMemo, View};
use crate::components::checkin_panel::CheckInPanel;
use crate::components::hold_panel::{HoldAsk, HoldUndo};
use crate::components::meeting_form::MeetingForm;
use crate::components::meeting_summary::Summary;
use crate::components::minutes::Minutes;
use crate::components::receipt_intake::ReceiptIntake;
use crate::context::use_session;
use crate::download::{self, Format};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::checkin;
use zhibu_core::ids::MeetingId;
use zhibu_core::ledger;
use zhibu_core::meetings::{MeetingKind, MeetingStatus};
use zhibu_core::sheet;

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
    // While check-in is open the QR and code come first (projectable at
    // the door); outside the window the sheet does. Re-read every 30 s.
    let now = RwSignal::new(platform::now_ms() / 1000);
    let tick = set_interval_with_handle(move || now.set(platform::now_ms() / 1000), Duration::from_secs(30));
    on_cleanup(move || {
        if let Ok(h) = tick {
            h.clear();
        }
    });
    let window_open = Memo::new(move |_| {
        data.with(|v| {
            v.as_ref().is_some_and(|v| {
                v.organizer
                    && matches!(v.meeting.status, MeetingStatus::Planned)
                    && checkin::check_open(&v.meeting, &v.settings, now.get()).is_ok()
            })
        })
    });
    let show_checkin =
        RwSignal::new(window_open.get_untracked() && session.with_untracked(|s| s.organizer_key().is_some()));
    // The door: find a name among fifty by typing a few letters (pinyin too).
    let filter = RwSignal::new(String::new());
    let show_scan = RwSignal::new(false);
    let cancel_reason = RwSignal::new(None::<String>);
    let hold_ask = RwSignal::new(false);
    let hold_undo = RwSignal::new(false);
    let id_cancel = id.clone();
    let confirm_cancel = Callback::new(move |_: ()| {
        let reason = cancel_reason.get_untracked().unwrap_or_default();
        let result = session.try_update(|s| s.cancel_meeting(&id_cancel, &reason));
        match result {
            Some(Err(p)) => message.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p))),
            _ => cancel_reason.set(None),
        }
    });
    let export = move |format: Format| {
        if let (Some(v), Some(sheet)) = (data.get_untracked(), sheet.get_untracked()) {
            let table = ledger::meeting_table(&sheet, v.settings.zone);
            let day = v.settings.zone.local(v.meeting.start).date();
            let stem = format!("签到表-{}-{}", day, v.meeting.topic);
            if let Err(failed) = download::table(&stem, "签到表", &table, format) {
                message.set(Some(words::download_failed(i18n.lang.get_untracked(), &failed)));
            }
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
                let meeting_for_panel = m.clone();
                // Shown where `here` says (first while the window is open).
                let checkin_panel = move |here: bool| {
                    (here && show_checkin.get() && planned).then(|| view! { <CheckInPanel meeting=meeting_for_panel.clone()/> })
                };
                view! {
                    <section class="page ledger" aria-labelledby="meeting-title" data-testid="meeting-page">
                        <p class="crumb no-print"><a href="#/meetings">{i18n.t("meeting.back")}</a></p>
                        <h2 id="meeting-title">
                            <span class="meeting-kind">{move || words::kind(i18n.lang.get(), m.kind)}</span>
                            " "
                            {m.topic.clone()}
                        </h2>
                        {
                            let panel = checkin_panel.clone();
                            move || panel(window_open.get())
                        }
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
                            {(!v.meeting.lecturer.is_empty()).then(|| view! {
                                <dt>{i18n.t("mform.lecturer_role")}</dt>
                                <dd data-testid="meeting-lecturer">{v.meeting.lecturer.clone()}</dd>
                            })}
                            {(!v.meeting.recorder.is_empty()).then(|| view! {
                                <dt>{i18n.t("mform.recorder")}</dt>
                                <dd data-testid="meeting-recorder">{v.meeting.recorder.clone()}</dd>
                            })}
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
                                                                // A refusal shows as the not-saved notice.
                                                                session.update(|s| {
                                                                    s.ensure_organizer_key();
                                                                });
                                                            }
                                                            // While the window is open the panel stays (it comes first).
                                                            if window_open.get_untracked() {
                                                                show_checkin.set(true)
                                                            } else {
                                                                show_checkin.update(|s| *s = !*s)
                                                            }
                                                        }
                                                    >
                                                        {i18n.t("meeting.checkin")}
                                                    </button>
                                                    <button
                                                        type="button"
                                                        class="button"
                                                        data-testid="hold-meeting"
                                                        aria-expanded=move || hold_ask.get().to_string()
                                                        on:click=move |_| hold_ask.update(|a| *a = !*a)
                                                    >
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
                                        <button type="button" class="button" data-testid="export-csv" on:click=move |_| export(Format::Csv)>
                                            {i18n.t("meeting.export_csv")}
                                        </button>
                                        <button type="button" class="button" data-testid="export-xlsx" on:click=move |_| export(Format::Xlsx)>
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
                        {
                            let id = m.id.clone();
                            move || (hold_ask.get() && planned).then(|| view! { <HoldAsk id=id.clone() asking=hold_ask undo=hold_undo message/> })
                        }
                        <HoldUndo id=m.id.clone() undo=hold_undo message/>
                        {move || {
                            show_scan
                                .get()
                                .then(|| {
                                    view! { <ReceiptIntake message hint="meeting.scan_hint"/> }
                                })
                        }}
                        <SheetList view=v.clone() sheet filter/>
                        {move || checkin_panel(!window_open.get())}
                        <Minutes view=v text=minutes/>
                    </section>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}
