//! 学习教育: the branch's year of training in one screen — who is short of
//! their 学时 and by how much (`members`), coverage (培训全覆盖, `summary`),
//! the classes, self-study waiting for confirmation (`pending`), charts,
//! and the hours ledger (`print_ledger`; CSV, XLSX).

mod charts;
mod classes;
mod members;
mod pending;
mod print_ledger;
mod summary;

use crate::components::download_failure::DownloadFailure;
use crate::context::use_session;
use crate::download::{self, Format};
use crate::i18n::use_i18n;
use crate::platform;
use charts::{Distribution, HoursByMonth};
use classes::Classes;
use leptos::prelude::*;
use members::BehindTable;
use pending::Pending;
use print_ledger::PrintLedger;
use summary::Summary;
use zhibu_core::hours::{self, MemberHours};
use zhibu_core::ids::MemberId;
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
    let failed = RwSignal::new(None);
    let export = move |format: Format| {
        let table = session.with_untracked(|s| {
            let state = s.records().state();
            ledger::hours_table(&hours::year(state, year, &state.settings(), s.organizer_key().as_ref()))
        });
        let stem = session.with_untracked(|s| s.file_name(&format!("学时统计-{year}")));
        failed.set(download::table(&stem, &format!("{year}年学时"), &table, format).err());
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
                <button type="button" class="button" data-testid="export-hours-csv" on:click=move |_| export(Format::Csv)>
                    {i18n.t("study.export_csv")}
                </button>
                <button type="button" class="button" data-testid="export-hours-xlsx" on:click=move |_| export(Format::Xlsx)>
                    {i18n.t("study.export_xlsx")}
                </button>
                <button type="button" class="button" data-testid="print-study" on:click=print>
                    {i18n.t("study.print")}
                </button>
            </div>
            <DownloadFailure failed/>
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
