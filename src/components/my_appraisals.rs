//! 我的民主评议 on a member's phone: an appraisal that is open (write the
//! 自评, rate) links to it; once the committee's decisions are final, the
//! member's own grade — never anyone else's.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::appraisal;
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::{self, Stage};

/// The member's appraisals, newest first; nothing when there are none.
#[component]
pub fn MyAppraisals(member: MemberId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            rounds::rounds(state)
                .into_iter()
                .filter(|r| r.rules.is_appraisal() && r.stage() >= Stage::Assessment)
                .map(|r| (r.id.clone(), r.rules.title.clone(), r.stage(), appraisal::own_grade(state, &r, &member)))
                .collect::<Vec<_>>()
        })
    });
    move || {
        let items = list.get();
        (!items.is_empty()).then(|| {
            view! {
                <h3>{i18n.t("me.appraisals")}</h3>
                <ul class="plain" data-testid="my-appraisals">
                    {items.into_iter().map(|(id, title, stage, grade)| view! {
                        <li class="card" data-testid="my-appraisal">
                            <a href=format!("#/round/{id}")>{title}</a>
                            " · "
                            {match grade {
                                Some(d) => view! {
                                    <strong data-testid="my-grade">{move || words::rating(i18n.lang.get(), d.grade)}</strong>
                                    {(!d.follow_up.is_empty()).then(|| view! { <p data-testid="my-follow-up">{i18n.t("appraisal.follow_up")} "：" {d.follow_up.clone()}</p> })}
                                }.into_any(),
                                None => view! { <span class="badge">{move || words::round_stage(i18n.lang.get(), true, stage)}</span> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            }
        })
    }
}
