//! The year in two charts: members by share of their target, 学时 by month.

use super::YearView;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::hours;

/// How many members reached what share of their target: five bands.
#[component]
pub(super) fn Distribution(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    const LABELS: [&str; 5] = ["<25%", "25–50%", "50–75%", "75–100%", "≥100%"];
    let bands = move || {
        let mut b = [0usize; 5];
        data.with(|d| {
            for l in d.lines.iter().filter(|l| !l.exempt()) {
                let p = l.progress_permille();
                b[if p >= 1000 { 4 } else { (p / 250) as usize }] += 1;
            }
        });
        b
    };
    view! {
        <section class="card" aria-labelledby="dist-title">
            <h3 id="dist-title">{i18n.t("study.distribution")}</h3>
            <svg class="chart" viewBox="0 0 300 130" role="img" aria-labelledby="dist-title" data-testid="hours-distribution">
                <line x1="10" y1="110" x2="298" y2="110" class="axis"/>
                {move || {
                    let b = bands();
                    let most = b.iter().copied().max().unwrap_or(0).max(1) as f64;
                    b.into_iter()
                        .enumerate()
                        .map(|(i, n)| {
                            let x = 14.0 + i as f64 * 57.0;
                            let h = n as f64 / most * 90.0;
                            view! {
                                <g>
                                    <rect x=x y=110.0 - h width="45" height=h class=if i == 4 { "bar bar-ok" } else { "bar" }>
                                        <title>{format!("{} {n}", LABELS[i])}</title>
                                    </rect>
                                    <text x=x + 22.5 y="124" class="tick">{LABELS[i]}</text>
                                    <text x=x + 22.5 y=106.0 - h class="value" data-testid="band">{n}</text>
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </svg>
        </section>
    }
}

/// The branch's credited 学时 by month.
#[component]
pub(super) fn HoursByMonth(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    const W: f64 = 24.0;
    view! {
        <section class="card" aria-labelledby="months-title">
            <h3 id="months-title">{i18n.t("study.by_month")}</h3>
            <svg class="chart" viewBox="0 0 300 130" role="img" aria-labelledby="months-title" data-testid="hours-months">
                <line x1="10" y1="110" x2="298" y2="110" class="axis"/>
                {move || {
                    let months = data.with(|d| d.months);
                    let most = months.iter().copied().max().unwrap_or(0).max(1) as f64;
                    months
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let x = 12.0 + i as f64 * W;
                            let h = t as f64 / most * 90.0;
                            view! {
                                <g>
                                    <rect x=x y=110.0 - h width=W - 6.0 height=h class="bar">
                                        <title>{format!("{}月 {}", i + 1, hours::format(t))}</title>
                                    </rect>
                                    <text x=x + (W - 6.0) / 2.0 y="124" class="tick">{i + 1}</text>
                                    {(t > 0).then(|| view! { <text x=x + (W - 6.0) / 2.0 y=106.0 - h class="value">{hours::format(t)}</text> })}
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </svg>
        </section>
    }
}
