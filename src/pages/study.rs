//! 学习教育: the branch's year of training in one screen — who is short of
//! their 学时 and by how much, coverage (培训全覆盖), the classes, self-study
//! waiting for confirmation, charts, and the hours ledger (print, CSV, XLSX).

use crate::components::bar::Bar;
use crate::components::receipt_intake::ReceiptIntake;
use crate::context::use_session;
use crate::i18n::{I18n, use_i18n};
use crate::platform;
use crate::storage;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours::{self, MemberHours};
use zhibu_core::ids::{MemberId, StudyId};
use zhibu_core::ledger;
use zhibu_core::study::{self, StudyEntry, StudyState};
use zhibu_core::training::{self, ClassReport, Coverage};

/// Everything the page shows, computed once per change of the records.
#[derive(Clone, PartialEq)]
struct YearView {
    lines: Vec<MemberHours>,
    months: [u32; 12],
    classes: Vec<ClassReport>,
    coverage: Coverage,
    names: Vec<(MemberId, String)>,
    pending: Vec<(StudyEntry, String)>,
    days_left: u32,
}

/// Which members the table lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Show {
    All,
    Behind,
    Met,
    Exempt,
}

/// How the table is sorted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Left,
    Roster,
    Total,
}

/// The page; `year` defaults to this year in the branch's zone.
#[component]
pub fn StudyPage(year: Option<i32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = platform::now_ms() / 1000;
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let year = year.unwrap_or_else(|| zone.local(now).year);
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    let view_data = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let settings = state.settings();
            let key = s.organizer_key();
            let h = hours::year(state, year, &settings, key.as_ref());
            let classes: Vec<ClassReport> = training::classes(state)
                .iter()
                .filter(|c| c.in_year(year))
                .map(|c| training::report(state, c, &settings, key.as_ref()))
                .collect();
            let coverage = training::year_coverage(&classes);
            let name = |id: &MemberId| state.member(id).map_or_else(|| id.to_string(), |m| m.fields.name);
            let names = coverage.missing.iter().map(|id| (id.clone(), name(id))).collect();
            let pending = study::entries(state, &settings)
                .into_iter()
                .filter(|e| e.state == StudyState::Pending)
                .map(|e| {
                    let n = name(&e.study.member);
                    (e, n)
                })
                .collect();
            YearView {
                lines: h.lines,
                months: h.months,
                classes,
                coverage,
                names,
                pending,
                days_left: hours::days_left(year, now, &settings),
            }
        })
    });
    let export = move |xlsx: bool| {
        let table = session.with_untracked(|s| {
            let state = s.records().state();
            ledger::hours_table(&hours::year(state, year, &state.settings(), s.organizer_key().as_ref()))
        });
        if xlsx {
            let bytes = ledger::xlsx(&table, &format!("{year}年学时"));
            let _ = platform::download(
                &session.with_untracked(|s| s.file_name(&format!("学时统计-{year}.xlsx"))),
                platform::XLSX,
                &bytes,
            );
        } else {
            let _ = platform::download(
                &session.with_untracked(|s| s.file_name(&format!("学时统计-{year}.csv"))),
                "text/csv;charset=utf-8",
                &ledger::csv(&table),
            );
        }
    };
    let print = |_| platform::print();
    view! {
        <section class="page ledger" aria-labelledby="study-title" data-testid="study-page">
            <div class="page-head">
                <h2 id="study-title">{move || i18n.fmt("study.title", &[("year", &year)])}</h2>
                <nav class="year-nav no-print" aria-label=i18n.t("year.nav")>
                    <a class="button" href=format!("#/study/{}", year - 1)>{format!("‹ {}", year - 1)}</a>
                    <a class="button" href=format!("#/study/{}", year + 1)>{format!("{} ›", year + 1)}</a>
                </nav>
            </div>
            <div class="actions no-print">
                {move || {
                    organizer
                        .get()
                        .then(|| {
                            view! {
                                <a class="button button-primary" href="#/classes/new" data-testid="new-class">
                                    {i18n.t("study.new_class")}
                                </a>
                            }
                        })
                }}
                <button type="button" class="button" data-testid="export-hours-csv" on:click=move |_| export(false)>
                    {i18n.t("study.export_csv")}
                </button>
                <button type="button" class="button" data-testid="export-hours-xlsx" on:click=move |_| export(true)>
                    {i18n.t("study.export_xlsx")}
                </button>
                <button type="button" class="button" data-testid="print-study" on:click=print>
                    {i18n.t("study.print")}
                </button>
            </div>
            <Summary data=view_data/>
            <div class="no-print">
                <BehindTable data=view_data year/>
            </div>
            <PrintLedger data=view_data/>
            <div class="chart-pair">
                <Distribution data=view_data/>
                <HoursByMonth data=view_data/>
            </div>
            <Classes data=view_data/>
            {move || organizer.get().then(|| view! { <Pending data=view_data/> })}
        </section>
    }
}

/// The tiles: met / behind, coverage, completion, days left, and the
/// 培训全覆盖 verdict with the names missing.
#[component]
fn Summary(data: Memo<YearView>) -> impl IntoView {
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

/// Members against their targets: filter, sort, search.
#[component]
fn BehindTable(data: Memo<YearView>, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    let show = RwSignal::new(Show::Behind);
    let sort = RwSignal::new(Sort::Left);
    let group = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let groups =
        move || data.with(|d| zhibu_core::roster_order::group_names(d.lines.iter().map(|l| &l.member.fields.group)));
    let rows = move || {
        let (show, sort, group, query) = (show.get(), sort.get(), group.get(), query.get());
        let mut list: Vec<MemberHours> = data.with(|d| {
            d.lines
                .iter()
                .filter(|l| match show {
                    Show::All => true,
                    Show::Behind => l.behind(),
                    Show::Met => !l.exempt() && !l.behind(),
                    Show::Exempt => l.exempt(),
                })
                .filter(|l| group.is_empty() || l.member.fields.group == group)
                .filter(|l| {
                    query.trim().is_empty() || zhibu_core::search::NameKey::new(&l.member.fields.name).matches(&query)
                })
                .cloned()
                .collect()
        });
        match sort {
            Sort::Left => list.sort_by_key(|l| std::cmp::Reverse(if l.exempt() { 0 } else { l.left() })),
            Sort::Total => list.sort_by_key(|l| std::cmp::Reverse(l.total())),
            Sort::Roster => {}
        }
        list
    };
    let pick = |value: String| match value.as_str() {
        "all" => Show::All,
        "met" => Show::Met,
        "exempt" => Show::Exempt,
        _ => Show::Behind,
    };
    view! {
        <section class="card" aria-labelledby="behind-title">
            <h3 id="behind-title">{i18n.t("study.members")}</h3>
            <div class="filters no-print">
                <label>
                    <span>{i18n.t("study.show")}</span>
                    <select data-testid="hours-show" on:change=move |ev| show.set(pick(event_target_value(&ev)))>
                        <option value="behind" selected=true>{i18n.t("study.show_behind")}</option>
                        <option value="all">{i18n.t("study.show_all")}</option>
                        <option value="met">{i18n.t("study.show_met")}</option>
                        <option value="exempt">{i18n.t("study.show_exempt")}</option>
                    </select>
                </label>
                <label>
                    <span>{i18n.t("field.group")}</span>
                    <select data-testid="hours-group" on:change=move |ev| group.set(event_target_value(&ev))>
                        <option value="">{i18n.t("study.all_groups")}</option>
                        {move || groups().into_iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{i18n.t("study.sort")}</span>
                    <select
                        data-testid="hours-sort"
                        on:change=move |ev| {
                            sort.set(match event_target_value(&ev).as_str() {
                                "total" => Sort::Total,
                                "roster" => Sort::Roster,
                                _ => Sort::Left,
                            })
                        }
                    >
                        <option value="left" selected=true>{i18n.t("study.sort_left")}</option>
                        <option value="total">{i18n.t("study.sort_total")}</option>
                        <option value="roster">{i18n.t("study.sort_roster")}</option>
                    </select>
                </label>
                <label>
                    <span>{i18n.t("sheet.search")}</span>
                    <input type="search" data-testid="hours-search" on:input=move |ev| query.set(event_target_value(&ev))/>
                </label>
            </div>
            <div class="ledger-wrap">
                <table class="ledger-table" data-testid="hours-table">
                    <thead>
                        <tr>
                            <th scope="col">{i18n.t("field.name")}</th>
                            <th scope="col">{i18n.t("field.group")}</th>
                            <th scope="col">{i18n.t("hours.target")}</th>
                            <th scope="col">{i18n.t("hours.total")}</th>
                            <th scope="col">{i18n.t("hours.left")}</th>
                            <th scope="col">{i18n.t("hours.progress")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let list = rows();
                            if list.is_empty() {
                                return view! { <tr><td colspan="6" class="empty">{i18n.t("study.nobody")}</td></tr> }.into_any();
                            }
                            list.into_iter()
                                .map(|l| {
                                    let progress = l.progress_permille();
                                    let exempt = l.exempt();
                                    view! {
                                        <tr data-testid="hours-row" data-member=l.member.id.to_string()>
                                            <td>
                                                <a href=format!("#/hours/{}/{year}", l.member.id)>{l.member.fields.name.clone()}</a>
                                            </td>
                                            <td>{l.member.fields.group.clone()}</td>
                                            <td>{hours::format(l.target)}</td>
                                            <td data-testid="row-total">{hours::format(l.total())}</td>
                                            <td data-testid="row-left">
                                                {if exempt { i18n.now("hours.exempt") } else { hours::format(l.left()) }}
                                            </td>
                                            <td><Bar permille=progress exempt/></td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// How many members reached what share of their target: five bands.
#[component]
fn Distribution(data: Memo<YearView>) -> impl IntoView {
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
fn HoursByMonth(data: Memo<YearView>) -> impl IntoView {
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

/// The year's classes with their coverage.
#[component]
fn Classes(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="classes-title">
            <h3 id="classes-title">{i18n.t("study.classes")}</h3>
            {move || {
                let classes = data.with(|d| d.classes.clone());
                if classes.is_empty() {
                    return view! { <p class="empty">{i18n.t("study.no_classes")}</p> }.into_any();
                }
                view! {
                    <ul class="meeting-list">
                        {classes
                            .into_iter()
                            .map(|r| class_item(i18n, r))
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

fn class_item(i18n: I18n, r: ClassReport) -> impl IntoView {
    let c = &r.coverage;
    let pct = |p: Option<u32>| p.map(words::percent).unwrap_or_else(|| "—".into());
    let (attended, completed) = (pct(c.attended_permille()), pct(c.completed_permille()));
    let (from, to) = (r.class.from, r.class.to);
    let sessions = r.sessions.len();
    let total = hours::format(r.total);
    view! {
        <li>
            <a class="meeting-item" href=format!("#/class/{}", r.class.id) data-testid="class-item">
                <span class="meeting-kind">{i18n.t("kind.training")}</span>
                <span class="meeting-topic">{r.class.title.clone()}</span>
                <span class="meeting-when">
                    {move || format!("{} – {}", words::date(i18n.lang.get(), from), words::date(i18n.lang.get(), to))}
                </span>
                <span class="meeting-state">
                    {move || i18n.fmt("class.line", &[("sessions", &sessions), ("hours", &total), ("attended", &attended), ("completed", &completed)])}
                </span>
            </a>
        </li>
    }
}

/// Self-study waiting for an organizer, the confirmer named, and phones'
/// self-study receipts taken in.
#[component]
fn Pending(data: Memo<YearView>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let message = RwSignal::new(None::<String>);
    // Who may confirm: the committee (书记 and 支委), or everyone in a branch
    // that has not set posts yet.
    let choices = Memo::new(move |_| {
        session.with(|s| {
            let active = s.records().state().active_by_name();
            let committee: Vec<_> = active.iter().filter(|m| m.fields.role.is_committee()).cloned().collect();
            let list = if committee.is_empty() { active } else { committee };
            list.into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
        })
    });
    // The remembered confirmer counts only while still among the choices.
    let remembered = storage::pref("confirmer").map(MemberId);
    let confirmer = RwSignal::new(remembered.filter(|id| choices.with_untracked(|c| c.iter().any(|(m, _)| m == id))));
    let show_intake = RwSignal::new(false);
    let decide = move |id: StudyId, confirmed: bool| {
        let Some(by) = confirmer.get_untracked() else {
            message.set(Some(i18n.now("study.pick_confirmer")));
            return;
        };
        let result = session.try_update(|s| s.decide_study(&id, &by, confirmed, ""));
        message.set(match result {
            Some(Err(p)) => Some(words::study_problem(i18n.lang.get_untracked(), &p)),
            _ => None,
        });
    };
    view! {
        <section class="card no-print" aria-labelledby="pending-title" data-testid="pending-study">
            <h3 id="pending-title">{i18n.t("study.pending")}</h3>
            <div class="form-row">
                <label for="confirmer">{i18n.t("study.confirmer")}</label>
                <select
                    id="confirmer"
                    data-testid="confirmer"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        storage::set_pref("confirmer", &v);
                        confirmer.set((!v.is_empty()).then_some(MemberId(v)));
                    }
                >
                    <option value="" selected=move || confirmer.with(Option::is_none)>{i18n.t("round.choose")}</option>
                    {move || {
                        choices
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let value = id.to_string();
                                view! { <option value=value selected=move || confirmer.with(|c| c.as_ref() == Some(&id))>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <p class="message" role="status" data-testid="study-message">{move || message.get()}</p>
            <ul class="plain study-list">
                {move || {
                    let list = data.with(|d| d.pending.clone());
                    if list.is_empty() {
                        return view! { <li class="empty">{i18n.t("study.none_pending")}</li> }.into_any();
                    }
                    list.into_iter()
                        .map(|(e, name)| {
                            let (yes, no) = (e.id.clone(), e.id.clone());
                            view! {
                                <li class="study-item" data-testid="pending-item">
                                    <strong>{name}</strong>
                                    " "
                                    <span>{move || words::date(i18n.lang.get(), e.study.date)}</span>
                                    " · "
                                    <span>{e.study.material.clone()}</span>
                                    " · "
                                    <span>{move || i18n.fmt("hours.n", &[("n", &hours::format(e.study.tenths))])}</span>
                                    {(!e.study.note.is_empty()).then(|| view! { <p class="muted">{e.study.note.clone()}</p> })}
                                    <div class="actions">
                                        <button type="button" class="button button-primary" data-testid="confirm-study" on:click=move |_| decide(yes.clone(), true)>
                                            {i18n.t("study.confirm")}
                                        </button>
                                        <button type="button" class="button" data-testid="refuse-study" on:click=move |_| decide(no.clone(), false)>
                                            {i18n.t("study.refuse")}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
            <button type="button" class="button" data-testid="study-receipt-open" on:click=move |_| show_intake.update(|v| *v = !*v)>
                {i18n.t("study.take_receipt")}
            </button>
            {move || show_intake.get().then(|| view! { <ReceiptIntake message hint="study.receipt_hint"/> })}
        </section>
    }
}

/// The yearly education ledger as printed: every member's 学时 and every
/// class with its sessions (the screen's table is filtered; the ledger is not).
#[component]
fn PrintLedger(data: Memo<YearView>) -> impl IntoView {
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
