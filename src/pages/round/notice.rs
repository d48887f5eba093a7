//! The printable 公示 notice (A4) and the 表彰 list.

use super::view::view_of;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds;
use zhibu_core::tally::Tally;

/// The printable 公示 notice (A4), or the 表彰 list.
#[component]
pub(super) fn Notice(id: RoundId, honours: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(v) = session.with_untracked(|s| view_of(s.records().state(), &id)) else {
        return view! { <p class="empty">{i18n.t("round.missing")}</p> }.into_any();
    };
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let start = zone.local(v.round.publicity_start().unwrap_or(v.round.stage.at)).date();
    let r = &v.round.rules;
    let end = rounds::publicity_end(start, r.publicity_days, &r.holidays, &r.workdays);
    let people: Vec<MemberId> =
        if honours { v.honoured.clone() } else { v.tally.as_ref().map(|t| t.elected.clone()).unwrap_or_default() };
    let rows: Vec<(String, String, Vec<String>)> = session.with_untracked(|s| {
        let state = s.records().state();
        people
            .iter()
            .map(|p| {
                let m = state.member(p);
                let deeds = v
                    .nominees
                    .iter()
                    .find(|n| &n.member == p)
                    .map(|n| n.nominations.iter().map(|(_, x)| x.deeds.clone()).collect())
                    .unwrap_or_default();
                (
                    m.as_ref().map_or_else(|| p.to_string(), |m| m.fields.name.clone()),
                    m.map(|m| m.fields.group).unwrap_or_default(),
                    deeds,
                )
            })
            .collect()
    });
    let nobody = rows_len(&v.tally) == 0;
    let print = |_| platform::print();
    let title = r.title.clone();
    let branch = v.branch.clone();
    view! {
        <section class="page notice" data-testid=if honours { "honours-list" } else { "notice" }>
            <p class="crumb no-print"><a href=format!("#/round/{id}")>{i18n.t("round.back_to_round")}</a></p>
            <h2 class="notice-title">{if honours { i18n.fmt("notice.honours_title", &[("title", &title)]) } else { i18n.fmt("notice.title", &[("title", &title)]) }}</h2>
            {(!honours && nobody).then(|| view! { <p class="prose" data-testid="notice-none">{i18n.t("notice.none")}</p> })}
            {(!honours && !nobody).then(|| view! { <p class="prose">{move || i18n.fmt("notice.body", &[("n", &rows_len(&v.tally)), ("start", &words::date(i18n.lang.get(), start)), ("end", &words::date(i18n.lang.get(), end))])}</p> })}
            <ol class="notice-list">
                {rows.into_iter().map(|(name, group, deeds)| view! {
                    <li data-testid="notice-name">
                        <strong>{name}</strong>{(!group.is_empty()).then(|| format!("（{group}）"))}
                        {(!honours).then(|| deeds.into_iter().map(|d| view! { <p class="prose">{d}</p> }).collect_view())}
                    </li>
                }).collect_view()}
            </ol>
            {(!honours).then(|| {
                let committee = v.committee.clone();
                view! {
                    <p class="prose" data-testid="notice-objections">
                        {move || match &committee {
                            Some(c) => i18n.fmt("notice.objections_to", &[("committee", c)]),
                            None => i18n.now("notice.objections"),
                        }}
                    </p>
                }
            })}
            <p class="cert-sign">{branch}</p>
            <p class="cert-sign">{move || words::date(i18n.lang.get(), start)}</p>
            <div class="actions no-print">
                <button type="button" class="button button-primary" data-testid="print-notice" on:click=print>{i18n.t("meeting.print")}</button>
            </div>
        </section>
    }
    .into_any()
}

fn rows_len(t: &Option<Tally>) -> usize {
    t.as_ref().map_or(0, |t| t.elected.len())
}
