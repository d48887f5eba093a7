//! The yearly education ledger as printed.

use super::YearView;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours;

/// The yearly education ledger as printed: every member's 学时 and every
/// class with its sessions (the screen's table is filtered; the ledger is not).
#[component]
pub(super) fn PrintLedger(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    view! {
        <div class="print-only" data-testid="print-ledger">
            <h3>{i18n.t("study.ledger")}</h3>
            <table class="ledger-table">
                <thead>
                    <tr>
                        <th>{i18n.t("field.name")}</th>
                        <th>{i18n.t("field.group")}</th>
                        <th>{i18n.t("hours.target")}</th>
                        <th>{i18n.t("hours.training")}</th>
                        <th>{i18n.t("hours.meetings")}</th>
                        <th>{i18n.t("hours.self_study")}</th>
                        <th>{i18n.t("hours.total")}</th>
                        <th>{i18n.t("hours.left")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        data.with(|d| d.lines.clone())
                            .into_iter()
                            .map(|l| {
                                let left = if l.exempt() { i18n.now("hours.exempt") } else { hours::format(l.left()) };
                                view! {
                                    <tr>
                                        <td>{l.member.fields.name.clone()}</td>
                                        <td>{l.member.fields.group.clone()}</td>
                                        <td>{hours::format(l.target)}</td>
                                        <td>{hours::format(l.training)}</td>
                                        <td>{hours::format(l.meetings)}</td>
                                        <td>{hours::format(l.self_study)}</td>
                                        <td>{hours::format(l.total())}</td>
                                        <td>{left}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                data.with(|d| d.classes.clone())
                    .into_iter()
                    .map(|r| {
                        let attended: Vec<usize> = (0..r.sessions.len())
                            .map(|i| r.lines.iter().filter(|l| l.attended[i]).count())
                            .collect();
                        view! {
                            <h4>{r.class.title.clone()}</h4>
                            <table class="ledger-table">
                                <thead>
                                    <tr>
                                        <th>{i18n.t("mform.date")}</th>
                                        <th>{i18n.t("mform.topic")}</th>
                                        <th>{i18n.t("mform.lecturer")}</th>
                                        <th>{i18n.t("mform.credit")}</th>
                                        <th>{i18n.t("sheet.present")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {r.sessions
                                        .iter()
                                        .zip(&r.credits)
                                        .zip(attended)
                                        .map(|((m, credit), n)| {
                                            let start = m.start;
                                            view! {
                                                <tr>
                                                    <td>{move || words::date_time(i18n.lang.get(), zone, start)}</td>
                                                    <td>{m.topic.clone()}</td>
                                                    <td>{m.host.clone()}</td>
                                                    <td>{hours::format(*credit)}</td>
                                                    <td>{format!("{n} / {}", r.coverage.targeted)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
