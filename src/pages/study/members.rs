//! Members against their targets: filter, sort, search.

use super::YearView;
use crate::components::bar::Bar;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use zhibu_core::hours::{self, MemberHours};

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

/// Members against their targets: filter, sort, search.
#[component]
pub(super) fn BehindTable(data: Memo<YearView>, year: i32) -> impl IntoView {
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
