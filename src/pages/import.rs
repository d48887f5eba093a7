//! 导入: a roster CSV from Excel. Read → preview with a row-by-row report →
//! the user accepts → the valid rows become one event. Nothing is written
//! before the user accepts.

use crate::components::import_report::{PreviewView, RejectedRows};
use crate::context::use_session;
use crate::i18n::{Lang, text, use_i18n};
use crate::platform;
use crate::words;
use leptos::prelude::*;
use zhibu_core::commands::roster::RosterProblem;
use zhibu_core::import_rejects;
use zhibu_core::roster_csv::{self, ImportError, ImportPreview, ImportRow};

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

/// What the page shows.
#[derive(Clone)]
enum Stage {
    Choose,
    Reading,
    Refused(ImportError),
    Preview(ImportPreview),
    /// The accepted rows were refused (another tab changed the roster
    /// since the preview): nothing imported.
    NotImported(RosterProblem),
    /// Imported: how many, and the rows left out with their CSV.
    Done {
        imported: usize,
        rejected: Vec<ImportRow>,
        csv: Option<Vec<u8>>,
    },
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
                Ok(bytes) => match session
                    .with_untracked(|s| roster_csv::preview_onto_with(&bytes, s.records().state(), &platform::gb18030))
                {
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
        let imported = members.len();
        // A failed save keeps the rows in memory; the notice says so.
        if let Some(Err(p)) = session.try_update(|s| s.import_members(members)) {
            return stage.set(Stage::NotImported(p));
        }
        let csv = import_rejects::rejected_csv(&preview);
        let rejected = import_rejects::rejected(&preview).cloned().collect();
        stage.set(Stage::Done { imported, rejected, csv });
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
                Stage::NotImported(problem) => {
                    view! {
                        <p class="error" role="alert" data-testid="import-error">
                            {move || i18n.fmt("import.not_imported", &[("why", &words::roster_problem(i18n.lang.get(), &problem))])}
                        </p>
                    }
                        .into_any()
                }
                Stage::Done { imported, rejected, csv } => {
                    let left_out = rejected.len();
                    view! {
                        <p class="ok" role="status" data-testid="import-done">
                            {move || {
                                if left_out == 0 {
                                    i18n.fmt("import.done", &[("n", &imported)])
                                } else {
                                    i18n.fmt("import.done_some", &[("n", &imported), ("m", &left_out)])
                                }
                            }}
                        </p>
                        <RejectedRows rows=rejected csv file_name=file_name.get_untracked()/>
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
