//! One member's 学时 in a year, as the organizer opens it from 学习教育
//! (the card is `components::hours_card`; a phone shows it on 我的).

use crate::components::hours_card::HoursCard;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::platform;
use leptos::prelude::*;
use zhibu_core::ids::MemberId;

/// A member's hours page (the organizer opens it from the branch view).
#[component]
pub fn MemberHoursPage(member: MemberId, year: Option<i32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let year = year.unwrap_or_else(|| zone.local(platform::now_ms() / 1000).year);
    let name =
        session.with_untracked(|s| s.records().state().member(&member).map(|m| m.fields.name)).unwrap_or_default();
    view! {
        <section class="page" aria-labelledby="hours-title">
            <p class="crumb no-print"><a href=format!("#/study/{year}")>{i18n.t("hours.back")}</a></p>
            <h2 id="hours-title">{move || i18n.fmt("hours.title", &[("name", &name), ("year", &year)])}</h2>
            <HoursCard member year/>
        </section>
    }
}
