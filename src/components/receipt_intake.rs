//! Taking a member phone's receipt in on the organizer's device: scan its
//! QR with the camera, or paste its text.

use crate::components::scanner::QrScanner;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The scanner and the paste box; `on_text` gets what was read.
#[component]
pub fn ReceiptIntake(on_text: Callback<String>, hint: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let pasted = RwSignal::new(String::new());
    view! {
        <div class="card no-print">
            <p>{i18n.t(hint)}</p>
            <QrScanner on_text/>
            <label for="receipt-text">{i18n.t("meeting.receipt_paste")}</label>
            <textarea
                id="receipt-text"
                rows="2"
                data-testid="receipt-text"
                prop:value=move || pasted.get()
                on:input=move |ev| pasted.set(event_target_value(&ev))
            ></textarea>
            <button
                type="button"
                class="button"
                data-testid="receipt-submit"
                on:click=move |_| on_text.run(pasted.get_untracked())
            >
                {i18n.t("meeting.receipt_submit")}
            </button>
        </div>
    }
}
