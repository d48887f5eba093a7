//! A progress bar with its figure: a member's 学时 against the target, a
//! class's hours earned.

use crate::words;
use leptos::prelude::*;

/// A progress bar with its figure.
#[component]
pub fn Bar(permille: u32, #[prop(optional)] exempt: bool) -> impl IntoView {
    let class = if exempt {
        "meter meter-exempt"
    } else if permille >= 1000 {
        "meter meter-done"
    } else {
        "meter"
    };
    view! {
        <span class=class role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=permille / 10>
            <span class="meter-fill" style=format!("width:{}%", permille.min(1000) as f64 / 10.0)></span>
            <span class="meter-text">{words::percent(permille)}</span>
        </span>
    }
}
