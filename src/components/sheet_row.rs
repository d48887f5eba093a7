//! One member's line on a meeting's sheet: state, source, device, leave,
//! make-up, and the organizer's mark buttons.

use crate::app::use_session;
use crate::components::attendance_sheet::SheetMemo;
use crate::components::makeup_form::MakeUpForm;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::ids::MemberId;
use zhibu_core::meetings::Meeting;
use zhibu_core::search::NameKey;
use zhibu_core::sheet::{self, Source};

/// One member's line: redrawn when its own row of the sheet changes.
#[component]
pub fn SheetRow(
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
