//! One member's line on a meeting's sheet: state, source, device, leave,
//! make-up, and the organizer's mark buttons.

use crate::components::attendance_sheet::SheetMemo;
use crate::components::makeup_form::MakeUpForm;
use crate::context::{SessionSignal, use_session};
use crate::i18n::{I18n, use_i18n};
use crate::words;
use leptos::prelude::*;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin;
use zhibu_core::ids::MemberId;
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::Meeting;
use zhibu_core::search::NameKey;
use zhibu_core::sheet::{self, Row, Source};

/// One member's line: redrawn when its own row of the sheet changes.
#[component]
pub fn SheetRow(
    member: MemberId,
    /// Where the member's row was on the sheet when this line was made.
    index: usize,
    sheet: SheetMemo,
    meeting: Meeting,
    organizer: bool,
    held: bool,
    zone: zhibu_core::zone::Zone,
    filter: RwSignal<String>,
    make_up_for: RwSignal<Option<MemberId>>,
    late_ask: RwSignal<Option<(MemberId, AttendanceStatus)>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let this = member.clone();
    // Each tap rebuilds the sheet and asks all its rows: the row is looked
    // for where it was (the order rarely changes) and cloned only when it
    // changed, so an unchanged row costs one comparison.
    let row = Memo::new_owning(move |prev: Option<Option<Row>>| {
        sheet.with(|s| {
            let now = s.as_ref().and_then(|s| {
                s.rows.get(index).filter(|r| r.member == this).or_else(|| s.rows.iter().find(|r| r.member == this))
            });
            match prev {
                Some(prev) if prev.as_ref() == now => (prev, false),
                _ => (now.cloned(), true),
            }
        })
    });
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
        let leave = row.leave.clone();
        let meeting = meeting.clone();
        let meeting_mark = meeting.clone();
        let meeting_ask = meeting.clone();
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
                    {row.in_role.then(|| view! { <span class="badge" data-testid="row-role">{i18n.t("sheet.by_role")}</span> })}
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
                                    on:click=move |_| {
                                        let outcome = session.try_update(|s| s.confirm_device(&d, &who));
                                        let lang = i18n.lang.get_untracked();
                                        notice.set(outcome.and_then(Result::err).map(|p| words::roster_problem(lang, &p)));
                                    }
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
                                        let (meeting, who) = (meeting_mark.clone(), member.clone());
                                        let by_organizer = matches!(source, Some(Source::Organizer | Source::LateEntry));
                                        let pressed = row_status == Some(s) && by_organizer;
                                        view! {
                                            <button
                                                type="button"
                                                class=format!("mark mark-{}", words::attendance_key(s))
                                                aria-pressed=pressed.to_string()
                                                data-testid=format!("mark-{}", words::attendance_key(s))
                                                on:click=move |_| mark((session, i18n), (&meeting, &who, s), false, late_ask, notice)
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
                    let (this, name) = (row.member.clone(), row.name.clone());
                    move || {
                        let (_, status) = late_ask.get().filter(|(m, _)| *m == this)?;
                        Some(view! { <LateAsk meeting=meeting_ask.clone() member=this.clone() name=name.clone() status late_ask notice/> })
                    }
                }
                {
                    let this = row.member.clone();
                    move || (make_up_for.get().as_ref() == Some(&this)).then(|| view! { <MakeUpForm meeting=meeting.clone() member=this.clone() done=make_up_for/> })
                }
            </li>
        })
    }
}

/// The organizer's mark through the core: a 补录 is asked first, other
/// refusals are said.
fn mark(
    (session, i18n): (SessionSignal, I18n),
    (meeting, member, status): (&Meeting, &MemberId, AttendanceStatus),
    late_confirmed: bool,
    late_ask: RwSignal<Option<(MemberId, AttendanceStatus)>>,
    notice: RwSignal<Option<String>>,
) {
    let lang = i18n.lang.get_untracked();
    match session.try_update(|s| s.mark((&meeting.id, member), status, late_confirmed)) {
        Some(Ok(())) | None => {
            late_ask.set(None);
            notice.set(None);
        }
        Some(Err(MarkProblem::LateEntry(_))) => late_ask.set(Some((member.clone(), status))),
        Some(Err(p)) => {
            let zone = session.with_untracked(|s| s.records().state().settings().zone);
            notice.set(Some(words::mark_problem(lang, zone, p)));
        }
    }
}

/// 补录：签到时间已过，确认补录？ — asked in the row, the confirm button focused.
#[component]
fn LateAsk(
    meeting: Meeting,
    member: MemberId,
    name: String,
    status: AttendanceStatus,
    late_ask: RwSignal<Option<(MemberId, AttendanceStatus)>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let settings = session.with_untracked(|s| s.records().state().settings());
    let (_, close) = checkin::window(&meeting, &settings);
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = confirm_ref.get() {
            let _ = b.focus();
        }
    });
    let (id, labelled_by) = (format!("late-ask-{member}"), format!("late-ask-{member}"));
    let question = move || {
        let lang = i18n.lang.get();
        let close = words::clock(settings.zone, close);
        i18n.fmt("late.ask", &[("close", &close), ("name", &name), ("status", &words::attendance(lang, status))])
    };
    view! {
        <div class="card late-ask no-print" role="alertdialog" aria-labelledby=labelled_by data-testid="late-ask">
            <p id=id>{question}</p>
            <div class="form-actions">
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="confirm-late"
                    node_ref=confirm_ref
                    on:click=move |_| mark((session, i18n), (&meeting, &member, status), true, late_ask, notice)
                >
                    {i18n.t("late.confirm")}
                </button>
                <button type="button" class="button" data-testid="cancel-late" on:click=move |_| late_ask.set(None)>
                    {i18n.t("form.cancel")}
                </button>
            </div>
        </div>
    }
}
