//! 导入: a roster CSV from Excel. Read → preview with a row-by-row report →
//! the user accepts → the valid rows become one event. Nothing is written
//! before the user accepts.

use crate::app::use_session;
use crate::i18n::{Lang, text, use_i18n};
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::roster_csv::{self, Duplicate, ImportError, ImportPreview, RowOutcome, TextEncoding};

fn import_error(lang: Lang, error: &ImportError) -> String {
    use crate::i18n::format;
    match error {
        ImportError::Empty => text(lang, "import.err_empty"),
        ImportError::Undecodable => text(lang, "import.err_undecodable"),
        ImportError::MissingColumn { field } => {
            format(lang, "import.err_missing_column", &[("field", &words::field(lang, *field))])
        }
        ImportError::DuplicateColumn { field, headers } => format(
            lang,
            "import.err_duplicate_column",
            &[("field", &words::field(lang, *field)), ("a", &headers.0), ("b", &headers.1)],
        ),
        ImportError::Malformed { line, message } => {
            format(lang, "import.err_malformed", &[("line", line), ("message", message)])
        }
    }
}

fn encoding_name(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Utf8Bom => "UTF-8 (BOM)",
        TextEncoding::Gb18030 => "GB18030 / GBK",
    }
}

/// What the page shows.
#[derive(Clone)]
enum Stage {
    Choose,
    Reading,
    Refused(ImportError),
    Preview(ImportPreview),
    Done(usize),
}

/// The import page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = RwSignal::new(Stage::Choose);
    let file_name = RwSignal::new(String::new());

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        file_name.set(file.name());
        stage.set(Stage::Reading);
        leptos::task::spawn_local(async move {
            let next = match platform::read_file(file).await {
                Err(_) => Stage::Refused(ImportError::Undecodable),
                Ok(bytes) => match session.with_untracked(|s| roster_csv::preview_onto(&bytes, s.records().state())) {
                    Ok(preview) => Stage::Preview(preview),
                    Err(e) => Stage::Refused(e),
                },
            };
            stage.set(next);
        });
    };

    let accept = move |_| {
        let Stage::Preview(preview) = stage.get_untracked() else { return };
        let members = preview.valid_members();
        let n = members.len();
        session.update(|s| {
            // A failed save keeps the rows in memory; the notice says so.
            let _ = s.import_members(members);
        });
        stage.set(Stage::Done(n));
    };

    view! {
        <section class="page" aria-labelledby="import-title">
            <h2 id="import-title">{i18n.t("import.title")}</h2>
            <p class="hint">{i18n.t("import.hint")}</p>
            <div class="button-row">
                <label class="button button-primary file-button">
                    {i18n.t("import.choose")}
                    <input
                        type="file"
                        id="csv-file"
                        data-testid="csv-file"
                        accept=".csv,text/csv,text/plain"
                        class="visually-hidden"
                        on:change=on_file
                    />
                </label>
            </div>
            {move || match stage.get() {
                Stage::Choose => ().into_any(),
                Stage::Reading => {
                    view! { <p role="status" aria-busy="true">{i18n.t("import.reading")}</p> }.into_any()
                }
                Stage::Refused(error) => {
                    view! {
                        <p class="error" role="alert" data-testid="import-error">
                            {move || import_error(i18n.lang.get(), &error)}
                        </p>
                    }
                        .into_any()
                }
                Stage::Done(n) => {
                    view! {
                        <p class="ok" role="status" data-testid="import-done">
                            {move || i18n.fmt("import.done", &[("n", &n)])}
                        </p>
                        <a class="button" href="#/roster">{i18n.t("import.to_roster")}</a>
                    }
                        .into_any()
                }
                Stage::Preview(preview) => {
                    view! {
                        <PreviewView preview file_name=file_name.get_untracked()/>
                        <div class="form-actions">
                            <button
                                type="button"
                                class="button button-primary"
                                data-testid="confirm-import"
                                disabled=move || {
                                    matches!(stage.get(), Stage::Preview(ref p) if p.ok_count() == 0)
                                }
                                on:click=accept
                            >
                                {move || {
                                    let n = match stage.get() {
                                        Stage::Preview(p) => p.ok_count(),
                                        _ => 0,
                                    };
                                    i18n.fmt("import.accept", &[("n", &n)])
                                }}
                            </button>
                            <button type="button" class="button" on:click=move |_| stage.set(Stage::Choose)>
                                {i18n.t("form.cancel")}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PreviewView(preview: ImportPreview, file_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let ok = preview.ok_count();
    let bad = preview.error_count();
    let dups = preview.duplicate_count();
    let encoding = encoding_name(preview.encoding);
    let ignored = preview.ignored_columns.join("、");
    let has_ignored = !ignored.is_empty();
    let rows = preview.rows.clone();
    view! {
        <section class="card" aria-labelledby="preview-title" data-testid="import-preview">
            <h3 id="preview-title">{move || i18n.fmt("import.preview_title", &[("file", &file_name)])}</h3>
            <p class="hint">{move || i18n.fmt("import.encoding", &[("encoding", &encoding)])}</p>
            <Show when=move || has_ignored>
                <p class="hint">{
                    let ignored = ignored.clone();
                    move || i18n.fmt("import.ignored", &[("columns", &ignored)])
                }</p>
            </Show>
            <div class="import-stats">
                <div class="stat" data-testid="import-ok"><strong>{ok}</strong>{i18n.t("import.stat_ok")}</div>
                <div class="stat" data-testid="import-bad"><strong>{bad}</strong>{i18n.t("import.stat_bad")}</div>
                <div class="stat"><strong>{dups}</strong>{i18n.t("import.stat_dup")}</div>
            </div>
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">{i18n.t("import.table_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{i18n.t("import.col_line")}</th>
                            <th scope="col">{i18n.t("field.name")}</th>
                            <th scope="col">{i18n.t("field.group")}</th>
                            <th scope="col">{i18n.t("import.col_result")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                let bad = !matches!(row.outcome, RowOutcome::Valid(_));
                                let dup = row.duplicate.clone();
                                let is_dup = dup.is_some();
                                let outcome = row.outcome.clone();
                                view! {
                                    <tr class:row-bad=bad class:row-dup=is_dup data-testid="import-row">
                                        <td>{row.line}</td>
                                        <td>{row.draft.name.clone()}</td>
                                        <td>{row.draft.group.clone()}</td>
                                        <td>
                                            {move || {
                                                let lang = i18n.lang.get();
                                                let mut notes: Vec<String> = match &outcome {
                                                    RowOutcome::Valid(_) => vec![text(lang, "import.row_ok")],
                                                    RowOutcome::Invalid(errors) => {
                                                        errors.iter().map(|e| words::field_error(lang, e)).collect()
                                                    }
                                                    RowOutcome::WrongCellCount { expected, found } => {
                                                        vec![
                                                            crate::i18n::format(
                                                                lang,
                                                                "import.row_cells",
                                                                &[("expected", expected), ("found", found)],
                                                            ),
                                                        ]
                                                    }
                                                };
                                                match &dup {
                                                    Some(Duplicate::InFile { first_line }) => {
                                                        notes.push(crate::i18n::format(lang, "import.dup_in_file", &[("line", first_line)]))
                                                    }
                                                    Some(Duplicate::InRoster) => notes.push(text(lang, "import.dup_in_roster")),
                                                    None => {}
                                                }
                                                notes.join("；")
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
