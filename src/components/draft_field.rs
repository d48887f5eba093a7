//! Labelled form inputs: text and long text bound to a draft field, whole
//! numbers kept as typed.

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

/// `<label>` + a whole-number `<input>` kept as typed in `value` (the form
/// parses it on save, so a half-typed number is never lost).
pub fn number_field(i18n: I18n, id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>{i18n.t(label)}</label>
            <input id=id type="number" min="0" inputmode="numeric" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// `<label>` + `<textarea>` for the field `get`/`put` reach in `draft`.
pub fn draft_area<T: Send + Sync + 'static>(
    i18n: I18n,
    draft: RwSignal<T>,
    id: &'static str,
    label: &'static str,
    rows: u32,
    get: fn(&T) -> String,
    put: fn(&mut T, String),
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>{i18n.t(label)}</label>
            <textarea
                id=id
                rows=rows
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| put(d, event_target_value(&ev)))
            ></textarea>
        </div>
    }
}
