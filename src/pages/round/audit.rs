//! The round's audit log: who did what, when.

use super::view::name_of;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::{AuditEntry, Audited};

#[component]
pub(crate) fn AuditLog(entries: Vec<AuditEntry>, #[prop(optional)] appraisal: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    // A member's phone gets others' objections without who filed them.
    let name = move |m: &Option<MemberId>| match m {
        None => i18n.now("round.organizer"),
        Some(m) if zhibu_core::visibility::is_redacted(m) => i18n.now("round.someone"),
        Some(m) => session.with_untracked(|s| name_of(s.records().state(), m)),
    };
    view! {
        <details class="card audit">
            <summary>{i18n.t("round.audit")}</summary>
            <table class="ledger-table" data-testid="audit">
                <tbody>
                    {entries.into_iter().map(|e| {
                        let who = name(&e.actor);
                        let what = match &e.what {
                            Audited::Rules(f) => i18n.fmt("audit.rules", &[("f", f)]),
                            Audited::Stage(s) => i18n.fmt("audit.stage", &[("stage", &words::round_stage(i18n.lang.get_untracked(), appraisal, *s))]),
                            Audited::Codes(n) => i18n.fmt("audit.codes", &[("n", n)]),
                            Audited::Nominated(m) => i18n.fmt("audit.nominated", &[("name", &name(&Some(m.clone())))]),
                            Audited::Reviewed(m, ok) => i18n.fmt(if *ok { "audit.approved" } else { "audit.rejected" }, &[("name", &name(&Some(m.clone())))]),
                            Audited::Objection(_) => i18n.now("audit.objection"),
                            Audited::Handled(_, up) => i18n.now(if *up { "audit.upheld" } else { "audit.dismissed" }),
                            Audited::Paper(m) => i18n.fmt("audit.paper", &[("name", &name(&Some(m.clone())))]),
                            Audited::SelfAssessed(m) => i18n.fmt("audit.self_assessed", &[("name", &name(&Some(m.clone())))]),
                            Audited::Decided(m) => i18n.fmt("audit.decided", &[("name", &name(&Some(m.clone())))]),
                        };
                        view! {
                            <tr data-testid="audit-row">
                                <td>{move || words::date_time(i18n.lang.get(), zone, e.at / 1000)}</td>
                                <td>{who}</td>
                                <td>{what}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
