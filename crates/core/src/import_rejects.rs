//! Rows an import refused, handed back. The organizer sees each with its
//! line and reason, and gets them as a CSV in the file's own columns: fixed
//! in Excel, that file imports again. Nothing a file held is dropped without
//! a word.

use crate::roster::Field;
use crate::roster_csv::{BOM, ImportPreview, ImportRow, RowOutcome, looks_like_formula};

/// The rows that will not be imported, in file order.
pub fn rejected(preview: &ImportPreview) -> impl Iterator<Item = &ImportRow> {
    preview.rows.iter().filter(|r| !matches!(r.outcome, RowOutcome::Valid(_)))
}

/// The refused rows as CSV (UTF-8 with BOM, CRLF, as the export writes),
/// under the file's header; `None` when every row imports.
pub fn rejected_csv(preview: &ImportPreview) -> Option<Vec<u8>> {
    let mut rows = rejected(preview).peekable();
    rows.peek()?;
    // Names and groups that read as formulas get the export's `'`, which
    // the import takes off again; other cells go back as the file had them.
    let guarded: Vec<usize> = preview
        .mapped_columns
        .iter()
        .filter(|(field, _)| matches!(field, Field::Name | Field::Group))
        .filter_map(|(_, header)| preview.header.iter().position(|h| h == header))
        .collect();
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(BOM.to_vec());
    let written = (|| -> csv::Result<()> {
        writer.write_record(&preview.header)?;
        for row in rows {
            let cells = row.cells.iter().enumerate().map(|(i, cell)| {
                if guarded.contains(&i) && looks_like_formula(cell) { format!("'{cell}") } else { cell.clone() }
            });
            writer.write_record(cells)?;
        }
        writer.flush()?;
        Ok(())
    })();
    written.expect("writing CSV to memory cannot fail");
    Some(writer.into_inner().expect("an in-memory writer has flushed"))
}
