//! Taking a member phone's receipt in on the organizer's device: scan its
//! QR with the camera, or paste its text; what it brought is said in `message`.

use crate::chunks::LazyScanner;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;

/// The scanner and the paste box.
#[component]
pub fn ReceiptIntake(message: RwSignal<Option<String>>, hint: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let on_text = Callback::new(move |text: String| {
        let result = session.try_update(|s| s.merge_receipt(&text));
        let lang = i18n.lang.get_untracked();
        message.set(match result {
            Some(Ok(r)) => {
                Some(crate::i18n::format(lang, "sheet.receipt_ok", &[("added", &r.added), ("known", &r.known)]))
            }
            Some(Err(e)) => Some(words::doc_error(lang, &e)),
            None => None,
        });
    });
    let pasted = RwSignal::new(String::new());
    view! {
        <div class="card no-print">
            <p>{i18n.t(hint)}</p>
            <LazyScanner on_text/>
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
