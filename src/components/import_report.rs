//! What an import reports: the row-by-row preview before, and after, every
//! row not imported with its line, its reason and the file to fix them in.
//! On a phone each row is a card with its result first (style/main.css).

use crate::download;
use crate::i18n::{Lang, format, text, use_i18n};
use crate::words;
use leptos::prelude::*;
use zhibu_core::roster_csv::{Duplicate, ImportPreview, ImportRow, RowOutcome};

/// Why a row imports or not, and any same-name warning, in one line.
pub fn row_notes(lang: Lang, row: &ImportRow) -> String {
    let mut notes: Vec<String> = match &row.outcome {
        RowOutcome::Valid(_) => vec![text(lang, "import.row_ok")],
        RowOutcome::Invalid(errors) => errors.iter().map(|e| words::field_error(lang, e)).collect(),
        RowOutcome::WrongCellCount { expected, found } => {
            vec![format(lang, "import.row_cells", &[("expected", expected), ("found", found)])]
        }
    };
    match &row.duplicate {
        Some(Duplicate::InFile { first_line }) => {
            notes.push(format(lang, "import.dup_in_file", &[("line", first_line)]))
        }
        Some(Duplicate::InRoster) => notes.push(text(lang, "import.dup_in_roster")),
        None => {}
    }
    notes.join("；")
}

/// The preview: counts, then every row with its result.
#[component]
pub fn PreviewView(preview: ImportPreview, file_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let ok = preview.ok_count();
    let bad = preview.error_count();
    let dups = preview.duplicate_count();
    let encoding = match preview.encoding {
        zhibu_core::roster_csv::TextEncoding::Utf8 => "UTF-8",
        zhibu_core::roster_csv::TextEncoding::Utf8Bom => "UTF-8 (BOM)",
        zhibu_core::roster_csv::TextEncoding::Gb18030 => "GB18030 / GBK",
    };
    let ignored = preview.ignored_columns.join("、");
    let has_ignored = !ignored.is_empty();
    let rows = preview.rows;
    let col_line = move || i18n.now("import.col_line");
    let col_name = move || i18n.now("field.name");
    let col_group = move || i18n.now("field.group");
    let col_result = move || i18n.now("import.col_result");
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
            <div class="table-wrap import-rows">
                <table>
                    <caption class="visually-hidden">{i18n.t("import.table_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{col_line}</th>
                            <th scope="col">{col_name}</th>
                            <th scope="col">{col_group}</th>
                            <th scope="col">{col_result}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                let bad = !matches!(row.outcome, RowOutcome::Valid(_));
                                let is_dup = row.duplicate.is_some();
                                let line = row.line;
                                let name = row.draft.name.clone();
                                let group = row.draft.group.clone();
                                view! {
                                    <tr class:row-bad=bad class:row-dup=is_dup data-testid="import-row">
                                        <td data-label=col_line>{line}</td>
                                        <td data-label=col_name data-testid="import-row-name">{name}</td>
                                        <td data-label=col_group>{group}</td>
                                        <td data-label=col_result data-testid="import-row-result">
                                            {move || row_notes(i18n.lang.get(), &row)}
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

/// After the import: each row left out, and the CSV to fix them in.
#[component]
pub fn RejectedRows(rows: Vec<ImportRow>, csv: Option<Vec<u8>>, file_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let count = rows.len();
    let failed = RwSignal::new(false);
    let download = move |_| {
        let Some(bytes) = csv.as_ref() else { return };
        let stem = file_name.rsplit_once('.').map_or(file_name.as_str(), |(stem, _)| stem);
        let name = format!("{}-{stem}.csv", i18n.now("import.rejected_file"));
        failed.set(download::file(&name, download::CSV, bytes).is_err());
    };
    (count > 0).then(|| {
        view! {
            <section class="card" aria-labelledby="rejected-title" data-testid="import-rejected">
                <h3 id="rejected-title">{move || i18n.fmt("import.rejected_title", &[("n", &count)])}</h3>
                <p class="hint">{i18n.t("import.rejected_hint")}</p>
                <ul class="rejected-list">
                    {rows
                        .into_iter()
                        .map(|row| {
                            let line = row.line;
                            let name = row.draft.name.clone();
                            view! {
                                <li data-testid="rejected-row">
                                    <strong>{move || i18n.fmt("import.rejected_line", &[("line", &line)])}</strong>
                                    " "
                                    {name}
                                    "："
                                    {move || row_notes(i18n.lang.get(), &row)}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <button type="button" class="button button-primary" data-testid="download-rejected" on:click=download>
                    {i18n.t("import.rejected_download")}
                </button>
                <Show when=move || failed.get()>
                    <p class="error" role="alert">{i18n.t("import.rejected_failed")}</p>
                </Show>
            </section>
        }
    })
}
