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

/// One option of [`draft_choice`]: its value, its label's key, whether the
/// draft holds it, and how to put it there.
pub type Choice<T> = (&'static str, &'static str, fn(&T) -> bool, fn(&mut T));

/// `<label>` + `<select>` of `options` for a field of `draft` (the first
/// option whose value is chosen is put into the draft).
pub fn draft_choice<T: Send + Sync + 'static>(
    i18n: I18n,
    draft: RwSignal<T>,
    (id, testid): (&'static str, &'static str),
    label: &'static str,
    options: Vec<Choice<T>>,
) -> impl IntoView {
    let puts: Vec<Choice<T>> = options.clone();
    view! {
        <div class="form-row">
            <label for=id>{i18n.t(label)}</label>
            <select id=id data-testid=testid on:change=move |ev| {
                let chosen = event_target_value(&ev);
                if let Some((.., put)) = puts.iter().find(|(v, ..)| *v == chosen) {
                    draft.update(*put);
                }
            }>
                {options.into_iter().map(|(value, key, is, _)| view! {
                    <option value=value selected=move || draft.with(is)>{i18n.t(key)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}
