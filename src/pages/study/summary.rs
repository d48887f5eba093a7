//! The tiles and the 培训全覆盖 verdict.

use super::YearView;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours::MemberHours;

/// The tiles: met / behind, coverage, completion, days left, and the
/// 培训全覆盖 verdict with the names missing.
#[component]
pub(super) fn Summary(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            let d = data.get();
            let counted: Vec<&MemberHours> = d.lines.iter().filter(|l| !l.exempt()).collect();
            let behind = counted.iter().filter(|l| l.behind()).count();
            let met = counted.len() - behind;
            let pct = |p: Option<u32>| p.map(words::percent).unwrap_or_else(|| "—".into());
            let full = d.coverage.full();
            let names = d.names.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join("、");
            view! {
                <div class="summary-grid stats-auto">
                    <div class="stat"><span class="stat-n" data-testid="hours-met">{met}</span><span>{i18n.t("study.met")}</span></div>
                    <div class="stat"><span class="stat-n" data-testid="hours-behind">{behind}</span><span>{i18n.t("study.behind")}</span></div>
                    <div class="stat"><span class="stat-n" data-testid="coverage">{pct(d.coverage.attended_permille())}</span><span>{i18n.t("study.coverage")}</span></div>
                    <div class="stat"><span class="stat-n" data-testid="completion">{pct(d.coverage.completed_permille())}</span><span>{i18n.t("study.completion")}</span></div>
                    <div class="stat"><span class="stat-n" data-testid="days-left">{d.days_left}</span><span>{i18n.t("study.days_left")}</span></div>
                </div>
                <p
                    class=if full { "quorum quorum-met" } else { "quorum quorum-unmet" }
                    data-testid="full-coverage"
                    data-met=full.to_string()
                >
                    {if d.coverage.targeted == 0 {
                        i18n.now("study.no_classes")
                    } else if full {
                        i18n.now("study.full_met")
                    } else {
                        i18n.fmt("study.full_unmet", &[("n", &d.coverage.missing.len()), ("names", &names)])
                    }}
                </p>
            }
        }}
    }
}
