//! A meeting's counts: 应到 / 实到 / 请假 / 缺席, the rate and the quorum,
//! each figure redrawn in place when a mark changes it.

use crate::components::attendance_sheet::SheetMemo;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::meetings;

/// 应到 / 实到 / 请假 / 缺席, the rate and the quorum.
#[component]
pub fn Summary(sheet: SheetMemo, organizer: bool) -> impl IntoView {
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
            let c = counts.get();
            (c.self_checked + c.late_entries > 0).then(|| {
                view! {
                    <p class="hint" data-testid="sheet-split">
                        {move || i18n.fmt("sheet.split", &[("self", &c.self_checked), ("late", &c.late_entries)])}
                    </p>
                }
            })
        }}
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
