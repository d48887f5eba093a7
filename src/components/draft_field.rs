//! A labelled text input bound to one field of a form's draft.

use crate::i18n::I18n;
use leptos::prelude::*;

/// `<label>` + `<input>` for the field `get`/`put` reach in `draft`.
pub fn draft_field<T: Send + Sync + 'static>(
    i18n: I18n,
    draft: RwSignal<T>,
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    get: fn(&T) -> String,
    put: fn(&mut T, String),
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>{i18n.t(label)}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| put(d, event_target_value(&ev)))
            />
        </div>
    }
}
