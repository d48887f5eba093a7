//! A meeting's attendance sheet: pending leave requests, the search at the
//! door, and one row per expected member (`sheet_row`).

use crate::components::sheet_row::SheetRow;
use crate::context::{SessionSignal, use_session};
use crate::i18n::{I18n, use_i18n};
use crate::words;
use leptos::prelude::*;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Meeting;
use zhibu_core::settings::Settings;
use zhibu_core::sheet::{Row, Sheet};

/// The page's frame: what changes only when the meeting, the settings or
/// the device's role do (not on a mark).
#[derive(Clone, PartialEq)]
pub struct View {
    /// The meeting.
    pub meeting: Meeting,
    /// The branch settings.
    pub settings: Settings,
    /// This device keeps the records (not a member's phone).
    pub organizer: bool,
}

/// The sheet, recomputed when the records change; each part of the page
/// reads only what it shows through a memo, so a mark redraws its own row
/// and the counts, not the page.
pub type SheetMemo = Memo<Option<Sheet>>;

/// The sheet: one row per expected member, one tap per state.
#[component]
pub fn SheetList(view: View, sheet: SheetMemo, filter: RwSignal<String>) -> impl IntoView {
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
    // One 补录 question at a time, in the row it is about.
    let late_ask = RwSignal::new(None::<(MemberId, AttendanceStatus)>);
    let notice = RwSignal::new(None::<String>);
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
                                                on:click=move |_| decide(session, i18n, zone, &yes, true, notice)
                                            >
                                                {i18n.t("leave.approve")}
                                            </button>
                                            <button
                                                type="button"
                                                class="button"
                                                on:click=move |_| decide(session, i18n, zone, &no, false, notice)
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
        <p class="message" role="status" data-testid="sheet-message">{move || notice.get()}</p>
        <ol class="sheet-list" data-testid="sheet">
            <For
                each=move || members.get().into_iter().enumerate()
                key=|(_, member): &(usize, MemberId)| member.clone()
                children=move |(index, member): (usize, MemberId)| {
                    view! { <SheetRow member index sheet meeting=meeting.clone() organizer held zone filter make_up_for late_ask notice/> }
                }
            />
        </ol>
    }
}

/// The organizer's answer to a leave request; a refusal is said in the sheet's notice.
fn decide(
    session: SessionSignal,
    i18n: I18n,
    zone: zhibu_core::zone::Zone,
    (meeting, member): &(zhibu_core::ids::MeetingId, MemberId),
    approved: bool,
    notice: RwSignal<Option<String>>,
) {
    if let Some(Err(p)) = session.try_update(|s| s.decide_leave(meeting, member, approved)) {
        notice.set(Some(words::check_in_problem(i18n.lang.get_untracked(), zone, &p)));
    }
}
