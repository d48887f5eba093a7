//! The year: compliance calendar (which required meetings were held, which
//! are overdue, what is due next), alerts, the monthly attendance chart and
//! the yearly 台账 (print and CSV).

use crate::components::download_failure::DownloadFailure;
use crate::context::use_session;
use crate::download::{self, Format};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::alerts::{self, Alert};
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::compliance::{self, CellStatus, Period, Span};
use zhibu_core::ledger;
use zhibu_core::sheet;

/// The year page; `year` defaults to this year in the branch's zone.
#[component]
pub fn YearPage(year: Option<i32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = platform::now_ms() / 1000;
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let year = year.unwrap_or_else(|| zone.local(now).year);
    let held = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            ledger::held_in(state, year, zone)
                .into_iter()
                .map(|m| {
                    let (counts, quorum) = sheet::summary(state, &m, &settings, s.organizer_key().as_ref());
                    (m, counts, quorum.map(|q| q.met))
                })
                .collect::<Vec<_>>()
        })
    });
    let failed = RwSignal::new(None);
    let export = move |format: Format| {
        let table = session.with_untracked(|s| ledger::year_table(s.records().state(), year));
        let stem = session.with_untracked(|s| s.file_name(&format!("出勤台账-{year}")));
        failed.set(download::table(&stem, &format!("{year}年出勤"), &table, format).err());
    };
    let print = |_| platform::print();
    view! {
        <section class="page ledger" aria-labelledby="year-title" data-testid="year-page">
            <p class="crumb no-print"><a href="#/meetings">{i18n.t("meeting.back")}</a></p>
            <div class="page-head">
                <h2 id="year-title">{move || i18n.fmt("year.title", &[("year", &year)])}</h2>
                <nav class="year-nav no-print" aria-label=i18n.t("year.nav")>
                    <a class="button" href=format!("#/year/{}", year - 1)>{format!("‹ {}", year - 1)}</a>
                    <a class="button" href=format!("#/year/{}", year + 1)>{format!("{} ›", year + 1)}</a>
                </nav>
            </div>
            <div class="actions no-print">
                <button type="button" class="button" data-testid="export-year-csv" on:click=move |_| export(Format::Csv)>{i18n.t("year.export_csv")}</button>
                <button type="button" class="button" data-testid="export-year-xlsx" on:click=move |_| export(Format::Xlsx)>{i18n.t("year.export_xlsx")}</button>
                <button type="button" class="button" data-testid="print-year" on:click=print>{i18n.t("year.print")}</button>
            </div>
            <DownloadFailure failed/>
            <Compliance year now/>
            <Alerts year now/>
            <MonthlyChart year/>
            <MemberGrid year/>
            <h3>{i18n.t("year.ledger")}</h3>
            <div class="ledger-wrap">
            <table class="ledger-table" data-testid="year-ledger">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t("mform.date")}</th>
                        <th scope="col">{i18n.t("mform.kind")}</th>
                        <th scope="col">{i18n.t("mform.topic")}</th>
                        <th scope="col">{i18n.t("sheet.expected")}</th>
                        <th scope="col">{i18n.t("sheet.present")}</th>
                        <th scope="col">{i18n.t("sheet.rate")}</th>
                        <th scope="col">{i18n.t("year.quorum")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        held.get()
                            .into_iter()
                            .map(|(m, c, quorum)| {
                                view! {
                                    <tr data-testid="ledger-row">
                                        <td>{move || words::date_time(i18n.lang.get(), zone, m.start)}</td>
                                        <td>{move || words::kind(i18n.lang.get(), m.kind)}</td>
                                        <td><a href=format!("#/meeting/{}", m.id)>{m.topic.clone()}</a></td>
                                        <td>{c.expected}</td>
                                        <td>
                                            {c.present}
                                            {(c.late_entries > 0).then(|| view! { <span class="muted" data-testid="ledger-late">{move || i18n.fmt("year.late_entries", &[("n", &c.late_entries)])}</span> })}
                                        </td>
                                        <td>{c.rate_permille().map(words::percent).unwrap_or_default()}</td>
                                        <td class=if quorum == Some(false) { "quorum-flag" } else { "" }>
                                            {move || match quorum {
                                                Some(true) => i18n.now("year.quorum_met"),
                                                Some(false) => i18n.now("year.quorum_unmet"),
                                                None => String::new(),
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// "3月" / "第2季度" / "全年".
fn period_label(i18n: crate::i18n::I18n, p: &Period) -> String {
    match p.span {
        Span::Month(m) => i18n.fmt("period.month", &[("m", &m)]),
        Span::Quarter(q) => i18n.fmt("period.quarter", &[("q", &q)]),
        Span::Year => i18n.now("period.year"),
    }
}

/// Which required meetings were held, per period; the score, gaps and what is due.
#[component]
fn Compliance(year: i32, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let calendar = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            compliance::calendar(state, year, now, &state.settings())
        })
    });
    let row_name = move |kind, group: &Option<String>| match group {
        Some(g) => format!("{}（{g}）", words::kind(i18n.lang.get(), kind)),
        None => words::kind(i18n.lang.get(), kind),
    };
    view! {
        <section class="card" aria-labelledby="compliance-title" data-testid="compliance">
            <h3 id="compliance-title">{i18n.t("compliance.title")}</h3>
            <p class="score" data-testid="compliance-score">
                {move || {
                    let score = calendar.with(|c| c.score_permille).map(words::percent).unwrap_or_else(|| "—".into());
                    i18n.fmt("compliance.score", &[("score", &score)])
                }}
            </p>
            <ul class="plain compliance-list">
                {move || {
                    calendar
                        .get()
                        .rows
                        .into_iter()
                        .map(|r| {
                            let name = row_name(r.kind, &r.group);
                            view! {
                                <li class="requirement" data-testid="compliance-row" data-kind=r.kind.key()>
                                    <p class="requirement-name">
                                        {name}
                                        <span class="muted">" · " {words::frequency(i18n.lang.get(), r.frequency)}</span>
                                    </p>
                                    <ol class="cells">
                                        {r.cells
                                            .into_iter()
                                            .map(|c| {
                                                let (class, mark, key) = match c.status {
                                                    CellStatus::Met { .. } => ("met", "✓", "compliance.met"),
                                                    CellStatus::Overdue => ("overdue", "✗", "compliance.overdue"),
                                                    CellStatus::Due if !c.planned.is_empty() => ("due", "◔", "compliance.planned"),
                                                    CellStatus::Due => ("due", "!", "compliance.due"),
                                                    CellStatus::Upcoming => ("upcoming", "·", "compliance.upcoming"),
                                                };
                                                let label = format!("{}：{}", period_label(i18n, &c.period), i18n.now(key));
                                                let title = label.clone();
                                                view! {
                                                    <li class=format!("cell cell-{class}") data-status=class title=title>
                                                        <span class="cell-period" aria-hidden="true">{period_label(i18n, &c.period)}</span>
                                                        <span aria-hidden="true">{mark}</span>
                                                        <span class="visually-hidden">{label}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="legend muted">{i18n.t("compliance.legend")}</p>
            <h4>{i18n.t("compliance.gaps")}</h4>
            <ul class="plain" data-testid="compliance-gaps">
                {move || {
                    let gaps = calendar.get().gaps;
                    if gaps.is_empty() {
                        return view! { <li>{i18n.t("compliance.no_gaps")}</li> }.into_any();
                    }
                    // One line per requirement: "支委会：1月、2月、3月".
                    let mut lines: Vec<(zhibu_core::meetings::MeetingKind, Option<String>, Vec<String>)> = Vec::new();
                    for g in gaps {
                        let label = period_label(i18n, &g.period);
                        match lines.iter_mut().find(|(k, grp, _)| *k == g.kind && *grp == g.group) {
                            Some(line) => line.2.push(label),
                            None => lines.push((g.kind, g.group, vec![label])),
                        }
                    }
                    lines
                        .into_iter()
                        .map(|(kind, group, periods)| {
                            let text = format!("{}：{}", row_name(kind, &group), periods.join("、"));
                            view! { <li class="gap" data-testid="gap" data-kind=kind.key()>{text}</li> }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <h4>{i18n.t("compliance.next")}</h4>
            <ul class="plain">
                {move || {
                    calendar
                        .get()
                        .next_due
                        .into_iter()
                        .map(|(kind, group, period)| {
                            view! { <li>{format!("{} · {}", row_name(kind, &group), period_label(i18n, &period))}</li> }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// Members with repeated absences or months without organisational life.
#[component]
fn Alerts(year: i32, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            alerts::alerts(state, year, now, &state.settings(), s.organizer_key().as_ref())
                .into_iter()
                .map(|a| {
                    let name = state.member(a.member()).map(|m| m.fields.name).unwrap_or_default();
                    (name, a)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card" aria-labelledby="alerts-title" data-testid="alerts">
            <h3 id="alerts-title">{i18n.t("alerts.title")}</h3>
            {move || {
                let list = list.get();
                if list.is_empty() {
                    return view! { <p class="muted">{i18n.t("alerts.none")}</p> }.into_any();
                }
                view! {
                    <ul class="plain">
                        {list
                            .into_iter()
                            .map(|(name, a)| {
                                let text = match &a {
                                    Alert::Absences { count, .. } => i18n.fmt("alerts.absences", &[("name", &name), ("n", count)]),
                                    Alert::NoOrganisationalLife { months, .. } => {
                                        i18n.fmt("alerts.gap", &[("name", &name), ("n", months)])
                                    }
                                };
                                let class = if a.is_serious() { "alert alert-serious" } else { "alert" };
                                view! { <li class=class data-testid="alert">{text}</li> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// Monthly attendance rate as bars (SVG), with the figures as a table for
/// screen readers and print.
#[component]
fn MonthlyChart(year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rates = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            alerts::monthly_rates(state, year, &state.settings(), s.organizer_key().as_ref())
        })
    });
    const W: f64 = 24.0;
    view! {
        <section class="card" aria-labelledby="chart-title">
            <h3 id="chart-title">{i18n.t("chart.monthly")}</h3>
            <svg class="chart" viewBox="0 0 300 130" role="img" aria-labelledby="chart-title" data-testid="monthly-chart">
                <line x1="10" y1="110" x2="298" y2="110" class="axis"/>
                {move || {
                    rates
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let x = 12.0 + i as f64 * W;
                            let h = r.map_or(0.0, |p| p as f64 / 10.0);
                            let label = r.map(words::percent).unwrap_or_default();
                            view! {
                                <g>
                                    <rect x=x y=110.0 - h width=W - 6.0 height=h class="bar">
                                        <title>{format!("{}月 {}", i + 1, label)}</title>
                                    </rect>
                                    <text x=x + (W - 6.0) / 2.0 y="124" class="tick">{i + 1}</text>
                                    {r.map(|p| view! { <text x=x + (W - 6.0) / 2.0 y=106.0 - h class="value">{p / 10}</text> })}
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </svg>
        </section>
    }
}

/// Each member's attendance across the year's held meetings, one square each.
#[component]
fn MemberGrid(year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            let key = s.organizer_key();
            let mut list: Vec<_> = state
                .members()
                .into_iter()
                .filter(|m| !m.archived)
                .map(|m| {
                    let lines = alerts::member_year(state, &m.id, year, &settings, key.as_ref());
                    (m.fields.name, lines)
                })
                .filter(|(_, lines)| !lines.is_empty())
                .collect();
            list.sort_by_cached_key(|(name, _)| zhibu_core::search::sort_key(name));
            list
        })
    });
    view! {
        <section class="card" aria-labelledby="grid-title">
            <h3 id="grid-title">{i18n.t("chart.members")}</h3>
            <ul class="plain member-grid" data-testid="member-grid">
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|(name, lines)| {
                            let attended = lines.iter().filter(|l| l.took_part()).count();
                            let total = lines.len();
                            view! {
                                <li>
                                    <span class="grid-name">{name}</span>
                                    <span class="squares">
                                        {lines
                                            .into_iter()
                                            .map(|l| {
                                                let key = words::attendance_key(l.status);
                                                let made_up = l.make_up.is_some() && l.status != AttendanceStatus::Present;
                                                let label = format!("{} {}", l.topic, words::attendance(i18n.lang.get(), l.status));
                                                let title = label.clone();
                                                view! {
                                                    <span class=format!("sq sq-{key}{}", if made_up { " sq-made-up" } else { "" }) title=title role="img" aria-label=label></span>
                                                }
                                            })
                                            .collect_view()}
                                    </span>
                                    <span class="muted">{format!("{attended}/{total}")}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
