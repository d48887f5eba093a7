//! A training class (培训班): details, sessions (each a meeting with its own
//! sheet and check-in), attendance per member, completion, coverage,
//! exports and printable certificates (the form is
//! `components::class_form`).

use crate::components::bar::Bar;
use crate::components::class_form::ClassForm;
use crate::components::download_failure::DownloadFailure;
use crate::context::{SessionSignal, use_session};
use crate::download::{self, Format};
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::hours;
use zhibu_core::ids::{ClassId, MemberId};
use zhibu_core::ledger;
use zhibu_core::meetings::Audience;
use zhibu_core::training::{self, ClassReport};

fn report_of(session: SessionSignal, id: &ClassId) -> Option<(ClassReport, String)> {
    session.with(|s| {
        let state = s.records().state();
        let settings = state.settings();
        let class = state.class(id)?;
        Some((training::report(state, &class, &settings, s.organizer_key().as_ref()), settings.branch_name))
    })
}

/// Audience in words.
fn audience_text(i18n: crate::i18n::I18n, a: &Audience) -> String {
    match a {
        Audience::Branch => i18n.now("audience.branch"),
        Audience::Committee => i18n.now("audience.committee"),
        Audience::Group(g) => i18n.fmt("audience.group", &[("group", g)]),
        Audience::List(ids) => i18n.fmt("audience.list_n", &[("n", &ids.len())]),
    }
}

/// The class page; `edit` opens the form.
#[component]
pub fn ClassPage(id: ClassId, edit: bool) -> impl IntoView {
    if edit {
        return view! { <ClassForm class=Some(id)/> }.into_any();
    }
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    let id_data = id.clone();
    let data = Memo::new(move |_| report_of(session, &id_data).map(|(r, _)| r));
    let names = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            data.with(|d| {
                d.as_ref()
                    .map(|r| {
                        r.lines
                            .iter()
                            .map(|l| {
                                let m = state.member(&l.member);
                                (
                                    m.as_ref().map_or_else(|| l.member.to_string(), |m| m.fields.name.clone()),
                                    m.map(|m| m.fields.group).unwrap_or_default(),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    });
    let failed = RwSignal::new(None);
    let export = move |format: Format| {
        let Some(r) = data.get_untracked() else { return };
        let table = session.with_untracked(|s| ledger::class_table(s.records().state(), &r, zone));
        let name = session.with_untracked(|s| s.file_name(&format!("培训班签到-{}", r.class.title)));
        failed.set(download::table(&name, "培训签到", &table, format).err());
    };
    let print = |_| platform::print();
    view! {
        {move || match data.get() {
            None => view! { <section class="page"><p class="empty">{i18n.t("class.missing")}</p><a href="#/study">{i18n.t("class.back")}</a></section> }.into_any(),
            Some(r) => {
                let c = r.class.clone();
                let (from, to) = (c.from, c.to);
                let pct = |p: Option<u32>| p.map(words::percent).unwrap_or_else(|| "—".into());
                let cov = r.coverage.clone();
                let missing: Vec<String> = names.with(|n| {
                    r.lines
                        .iter()
                        .zip(n)
                        .filter(|(l, _)| cov.missing.contains(&l.member))
                        .map(|(_, (name, _))| name.clone())
                        .collect()
                });
                let completion = session.with_untracked(|s| c.completion(&s.records().state().settings()));
                let sessions = r.sessions.clone();
                let credits = r.credits.clone();
                let audience = audience_text(i18n, &c.audience);
                view! {
                    <section class="page ledger" aria-labelledby="class-title" data-testid="class-page">
                        <p class="crumb no-print"><a href=format!("#/study/{}", c.year())>{i18n.t("class.back")}</a></p>
                        <p class="meeting-kind">{i18n.t("kind.training")}</p>
                        <h2 id="class-title">{c.title.clone()}</h2>
                        <dl class="facts">
                            <dt>{i18n.t("class.dates")}</dt>
                            <dd>{move || format!("{} – {}", words::date(i18n.lang.get(), from), words::date(i18n.lang.get(), to))}</dd>
                            <dt>{i18n.t("class.organizer")}</dt>
                            <dd>{c.organizer.clone()}</dd>
                            <dt>{i18n.t("class.audience")}</dt>
                            <dd>{audience}</dd>
                            <dt>{i18n.t("class.hours")}</dt>
                            <dd data-testid="class-hours">{move || i18n.fmt("class.hours_value", &[("total", &hours::format(r.total)), ("needed", &hours::format(r.needed)), ("pct", &completion)])}</dd>
                        </dl>
                        {(!c.description.is_empty()).then(|| view! { <p class="description">{c.description.clone()}</p> })}
                        <div class="actions no-print">
                            {let id = c.id.clone(); move || organizer.get().then(|| {
                                let id = id.clone();
                                view! {
                                    <a class="button button-primary" href=format!("#/class/{id}/session") data-testid="add-session">{i18n.t("class.add_session")}</a>
                                    <a class="button" href=format!("#/class/{id}/edit")>{i18n.t("class.edit")}</a>
                                }
                            })}
                            <button type="button" class="button" data-testid="export-class-csv" on:click=move |_| export(Format::Csv)>{i18n.t("meeting.export_csv")}</button>
                            <button type="button" class="button" data-testid="export-class-xlsx" on:click=move |_| export(Format::Xlsx)>{i18n.t("meeting.export_xlsx")}</button>
                            <button type="button" class="button" on:click=print>{i18n.t("meeting.print")}</button>
                        </div>
                        <DownloadFailure failed/>
                        <div class="summary-grid stats-auto">
                            <div class="stat"><span class="stat-n" data-testid="class-targeted">{cov.targeted}</span><span>{i18n.t("class.targeted")}</span></div>
                            <div class="stat"><span class="stat-n" data-testid="class-attended">{cov.attended}</span><span>{i18n.t("class.attended")}</span></div>
                            <div class="stat"><span class="stat-n" data-testid="class-coverage">{pct(cov.attended_permille())}</span><span>{i18n.t("study.coverage")}</span></div>
                            <div class="stat"><span class="stat-n" data-testid="class-completed">{cov.completed}</span><span>{i18n.t("class.completed")}</span></div>
                            <div class="stat"><span class="stat-n">{pct(cov.completed_permille())}</span><span>{i18n.t("study.completion")}</span></div>
                        </div>
                        <p class=if cov.full() { "quorum quorum-met" } else { "quorum quorum-unmet" } data-testid="class-full">
                            {if cov.full() {
                                i18n.now("study.full_met")
                            } else {
                                i18n.fmt("study.full_unmet", &[("n", &missing.len()), ("names", &missing.join("、"))])
                            }}
                        </p>
                        <h3>{i18n.t("class.sessions")}</h3>
                        {if sessions.is_empty() {
                            view! { <p class="empty">{i18n.t("class.no_sessions")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="meeting-list">
                                    {sessions
                                        .into_iter()
                                        .zip(credits)
                                        .map(|(m, credit)| {
                                            let status = m.status.clone();
                                            view! {
                                                <li>
                                                    <a class="meeting-item" href=format!("#/meeting/{}", m.id) data-testid="session-item">
                                                        <span class="meeting-topic">{m.topic.clone()}</span>
                                                        <span class="meeting-when">
                                                            {move || words::date_time(i18n.lang.get(), zone, m.start)}
                                                            {if m.online { format!(" · {}", i18n.now("mform.online")) } else if m.place.is_empty() { String::new() } else { format!(" · {}", m.place) }}
                                                            {(!m.host.is_empty()).then(|| format!(" · {}", m.host))}
                                                        </span>
                                                        <span class="meeting-state">
                                                            <span class="badge">{move || words::meeting_status(i18n.lang.get(), &status)}</span>
                                                            <span data-testid="session-credit">{move || i18n.fmt("hours.n", &[("n", &hours::format(credit))])}</span>
                                                        </span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                        <h3>{i18n.t("class.attendance")}</h3>
                        <div class="ledger-wrap">
                            <table class="ledger-table" data-testid="class-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{i18n.t("field.name")}</th>
                                        {(1..=r.sessions.len()).map(|i| view! { <th scope="col">{format!("{i}")}</th> }).collect_view()}
                                        <th scope="col">{i18n.t("class.earned")}</th>
                                        <th scope="col">{i18n.t("class.completed")}</th>
                                        <th scope="col" class="no-print">{i18n.t("class.certificate")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {r.lines
                                        .iter()
                                        .cloned()
                                        .zip(names.get())
                                        .map(|(l, (name, _))| {
                                            let total = r.total;
                                            let class_id = c.id.clone();
                                            view! {
                                                <tr data-testid="class-row" data-member=l.member.to_string()>
                                                    <td>{name}{(!l.targeted).then(|| view! { <span class="muted">" *"</span> })}</td>
                                                    {l.attended.iter().map(|a| view! { <td class="tick-cell">{if *a { "✓" } else { "" }}</td> }).collect_view()}
                                                    <td class="nowrap" data-testid="class-earned">{format!("{} / {}", hours::format(l.earned), hours::format(total))}</td>
                                                    <td>
                                                        {if l.completed {
                                                            view! { <span class="badge badge-present" data-testid="completed">{i18n.t("class.done")}</span> }.into_any()
                                                        } else {
                                                            view! { <Bar permille=(l.earned * 1000).checked_div(total).unwrap_or(0)/> }.into_any()
                                                        }}
                                                    </td>
                                                    <td class="no-print">
                                                        {l.completed.then(|| view! {
                                                            <a href=format!("#/class/{class_id}/cert/{}", l.member) data-testid="certificate-link">{i18n.t("class.certificate")}</a>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}

/// A printable 结业证书 for a member who completed a class.
#[component]
pub fn Certificate(class: ClassId, member: MemberId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let found = report_of(session, &class).and_then(|(r, branch)| {
        let line = r.lines.iter().find(|l| l.member == member && l.completed)?.clone();
        let name = session.with_untracked(|s| s.records().state().member(&member).map(|m| m.fields.name))?;
        Some((r, line, name, branch))
    });
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let today = zone.local(platform::now_ms() / 1000).date();
    let print = |_| platform::print();
    match found {
        None => view! {
            <section class="page">
                <p class="empty" data-testid="no-certificate">{i18n.t("class.no_certificate")}</p>
                <a href=format!("#/class/{class}")>{i18n.t("class.back_to_class")}</a>
            </section>
        }
        .into_any(),
        Some((r, line, name, branch)) => {
            let (from, to) = (r.class.from, r.class.to);
            view! {
                <section class="page" data-testid="certificate">
                    <p class="crumb no-print"><a href=format!("#/class/{class}")>{i18n.t("class.back_to_class")}</a></p>
                    <div class="certificate">
                        <h2>{i18n.t("cert.title")}</h2>
                        <p class="cert-body">
                            {move || i18n.fmt("cert.body", &[
                                ("name", &name),
                                ("from", &words::date(i18n.lang.get(), from)),
                                ("to", &words::date(i18n.lang.get(), to)),
                                ("class", &r.class.title),
                                ("hours", &hours::format(line.earned)),
                            ])}
                        </p>
                        <p class="cert-sign">{branch}</p>
                        <p class="cert-sign">{move || words::date(i18n.lang.get(), today)}</p>
                    </div>
                    <div class="actions no-print">
                        <button type="button" class="button button-primary" on:click=print data-testid="print-certificate">{i18n.t("cert.print")}</button>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}
