//! A CSV file's records with the line each starts on, for a report that
//! names lines as the user's editor shows them (CRLF, LF and lone CR alike).

use crate::roster_csv::ImportError;
use csv::StringRecord;

/// Turns csv's byte offsets into line numbers. csv's own `Position::line`
/// lags by one on CRLF files (Excel's), and its offset may point into the
/// line break before a record, so offsets are first moved past breaks.
struct Lines<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
}

impl Lines<'_> {
    /// Start byte and 1-based line of the record csv reports at `byte`.
    /// Offsets only move forward, so the whole file is scanned once.
    fn at(&mut self, byte: u64) -> (usize, u64) {
        let from = usize::try_from(byte).unwrap_or(usize::MAX).clamp(self.byte, self.text.len());
        let rest = &self.text[from..];
        let start = from + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        let passed = &self.text[self.byte..start];
        // "\r\n", "\n" and a lone "\r" (old Mac Excel) each end a line.
        let breaks = passed.matches('\n').count() + passed.matches('\r').count() - passed.matches("\r\n").count();
        self.line += breaks as u64;
        self.byte = start;
        (start, self.line)
    }
}

/// The file's non-blank records, each with the line it starts on.
pub(crate) fn read_records(text: &str) -> Result<Vec<(u64, StringRecord)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // A short or long row is reported on that row, not for the file.
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = Lines { text, byte: 0, line: 1 };
    let mut records = Vec::new();
    let mut last_start = None;
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Malformed {
            line: e.position().map_or(lines.line, |p| lines.at(p.byte()).1),
            message: e.to_string(),
        })?;
        let (start, line) = lines.at(record.position().map_or(0, |p| p.byte()));
        last_start = Some((start, line));
        if record.iter().any(|c| !c.is_empty()) {
            records.push((line, record));
        }
    }
    // csv reads an unclosed quote to the end of the file, silently swallowing
    // every later row into one cell. Only the last record can have done so;
    // an odd number of quotes across several lines shows it did.
    if let Some((start, line)) = last_start {
        let tail = text[start..].trim_end();
        if tail.matches('"').count() % 2 == 1 && tail.contains(['\r', '\n']) {
            return Err(ImportError::Malformed { line, message: "a quoted cell is never closed".into() });
        }
    }
    Ok(records)
}
