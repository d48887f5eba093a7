//! After a ballot: the receipt, then a privacy screen before the next voter
//! (a member's own phone, paper ballots on the organizer's device, the kiosk).

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Seconds a receipt stays on screen before the privacy screen clears.
pub const RECEIPT_SECS: u64 = 15;

/// The receipt, and a privacy screen before the next voter.
#[component]
pub fn BallotReceipt(receipt: String, on_next: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    // The next voter must not find the previous receipt on screen.
    let timer = set_timeout_with_handle(move || on_next.run(()), std::time::Duration::from_secs(RECEIPT_SECS));
    on_cleanup(move || {
        if let Ok(t) = timer {
            t.clear();
        }
    });
    view! {
        <div class="privacy" data-testid="privacy">
            <p class="privacy-done">{i18n.t("ballot.done")}</p>
            <p>{i18n.t("ballot.receipt")}</p>
            <p class="receipt-code"><code data-testid="ballot-receipt">{receipt}</code></p>
            <p class="hint">{i18n.t("ballot.receipt_hint")}</p>
            <button type="button" class="button button-primary button-wide" data-testid="next-voter" on:click=move |_| on_next.run(())>
                {i18n.t("ballot.next")}
            </button>
        </div>
    }
}
