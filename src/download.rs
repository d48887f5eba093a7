//! Files the app hands the user — backups, 台账 in CSV or XLSX, the rows
//! an import refused, the anonymous ballot box, kept-aside data — through
//! one door to the browser's download. It returns [`Failed`] rather than
//! dropping a refusal, so every caller tells the user (in words:
//! `words::download_failed`).

use wasm_bindgen::{JsCast, JsValue};
use zhibu_core::ledger::{self, Table};

/// MIME type of a CSV file (UTF-8, as the core writes it).
pub const CSV: &str = "text/csv;charset=utf-8";
/// MIME type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// MIME type of a JSON document.
pub const JSON: &str = "application/json";
/// MIME type of plain text.
pub const TEXT: &str = "text/plain;charset=utf-8";

/// The two files a 台账 table is exported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.csv`
    Csv,
    /// `.xlsx`, one sheet.
    Xlsx,
}

/// The browser would not offer the file (no document, or it refused the
/// Blob, its URL or the link). Nothing was downloaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    /// The file's name.
    pub name: String,
}

/// Offers bytes as a file download.
pub fn file(name: &str, mime: &str, bytes: &[u8]) -> Result<(), Failed> {
    offer(name, mime, bytes).map_err(|e| {
        leptos::logging::warn!("download of {name} failed: {e:?}");
        Failed { name: name.to_owned() }
    })
}

/// Offers a table as `<stem>.csv` or `<stem>.xlsx` (its sheet named `sheet`).
pub fn table(stem: &str, sheet: &str, table: &Table, format: Format) -> Result<(), Failed> {
    match format {
        Format::Csv => file(&format!("{stem}.csv"), CSV, &ledger::csv(table)),
        Format::Xlsx => file(&format!("{stem}.xlsx"), XLSX, &ledger::xlsx(table, sheet)),
    }
}

fn offer(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoking at once can cancel the download in some browsers; later is safe.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
