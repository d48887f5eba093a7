//! Roster CSV: the sheets branches keep in Excel, in and out.
//!
//! Import is a preview first: decode (UTF-8 with or without BOM, or GB18030,
//! which Excel on Chinese Windows writes as "CSV"), map headers, validate
//! every row with [`MemberDraft::validate`], and report row by row. Nothing
//! is written until the user accepts the preview. Same names only warn:
//! people are never merged by name.
//!
//! Export writes UTF-8 with a BOM and CRLF, which every Excel opens as
//! Chinese text, and reads back through [`preview`] unchanged.

use crate::csv_lines::read_records;
use crate::fullwidth::narrow;
use crate::hanzi::simplify;
use crate::roster::{Field, FieldError, MemberDraft, MemberFields, Problem};
use crate::state::State;
use csv::StringRecord;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;

mod decode;
mod preview;
#[cfg(test)]
mod tests;

pub use decode::*;
pub use preview::*;

/// The text encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030 (and so GBK/GB2312): Excel's plain "CSV" on Chinese Windows.
    Gb18030,
}

/// Why a file could not be previewed at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ImportError {
    /// The file holds nothing but blanks.
    Empty,
    /// Neither UTF-8 nor GB18030 text (e.g. an `.xlsx` workbook).
    Undecodable,
    /// No column holds names.
    MissingColumn {
        /// The field without a column.
        field: Field,
    },
    /// Two columns map to the same field.
    DuplicateColumn {
        /// The field.
        field: Field,
        /// Both headers as written.
        headers: (String, String),
    },
    /// The CSV itself is broken (e.g. a quoted cell never closed).
    Malformed {
        /// 1-based line where the broken record starts.
        line: u64,
        /// What is wrong, in English.
        message: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Empty => f.write_str("the file is empty"),
            ImportError::Undecodable => f.write_str("the file is neither UTF-8 nor GB18030 text"),
            ImportError::MissingColumn { field } => write!(f, "no column for {}", field.key()),
            ImportError::DuplicateColumn { field, headers } => {
                write!(f, "columns {:?} and {:?} both hold {}", headers.0, headers.1, field.key())
            }
            ImportError::Malformed { line, message } => write!(f, "line {line}: {message}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// How one row fared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// Valid: will be imported.
    Valid(MemberFields),
    /// Some fields refused.
    Invalid(Vec<FieldError>),
    /// The row is shorter than the header, or has values beyond it.
    WrongCellCount {
        /// Columns in the header.
        expected: usize,
        /// Cells in this row (up to its last filled one when too long).
        found: usize,
    },
}

/// A same-name warning (never a merge: names repeat, people do not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Duplicate {
    /// The name appeared earlier in this file.
    InFile {
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// A member with this name is already on the roster.
    InRoster,
}

/// One data row of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based line in the file where the row starts (the header is line 1).
    pub line: u64,
    /// The cells, by field.
    pub draft: MemberDraft,
    /// Valid or why not.
    pub outcome: RowOutcome,
    /// Same-name warning; the row imports all the same.
    pub duplicate: Option<Duplicate>,
    /// The cells as the file has them, for handing a refused row back
    /// ([`crate::import_rejects`]).
    pub cells: Vec<String>,
}

/// What is wrong with a row, for a row-by-row report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportProblem {
    /// A field was refused; the row is not imported.
    Invalid(Problem),
    /// The row does not fit the header; the row is not imported.
    WrongCellCount {
        /// Columns in the header.
        expected: usize,
        /// Cells in the row.
        found: usize,
    },
    /// A same name: a warning, the row is imported.
    Duplicate(Duplicate),
}

impl ImportProblem {
    /// Whether the row is imported despite this.
    pub fn is_warning(&self) -> bool {
        matches!(self, ImportProblem::Duplicate(_))
    }
}

/// One line of the row-by-row report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based line in the file.
    pub line: u64,
    /// The field concerned, if it is about one field.
    pub field: Option<Field>,
    /// What is wrong.
    pub problem: ImportProblem,
}

/// What a file would import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPreview {
    /// How the bytes were read.
    pub encoding: TextEncoding,
    /// 1-based line of the header (after any title rows above it).
    pub header_line: u64,
    /// Fields found, in column order, with their headers as written.
    pub mapped_columns: Vec<(Field, String)>,
    /// Headers not used (e.g. 性别: not collected).
    pub ignored_columns: Vec<String>,
    /// Every non-blank data row, in file order.
    pub rows: Vec<ImportRow>,
    /// The header row as written.
    pub header: Vec<String>,
}

impl ImportPreview {
    /// The valid rows' members, in file order.
    pub fn valid_members(&self) -> Vec<MemberFields> {
        self.rows
            .iter()
            .filter_map(|r| match &r.outcome {
                RowOutcome::Valid(fields) => Some(fields.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every refused field, misfit row and same-name warning, in file order.
    pub fn problems(&self) -> Vec<RowProblem> {
        let mut out = Vec::new();
        for row in &self.rows {
            let line = row.line;
            match &row.outcome {
                RowOutcome::Valid(_) => {}
                RowOutcome::Invalid(errors) => out.extend(errors.iter().map(|e| RowProblem {
                    line,
                    field: Some(e.field),
                    problem: ImportProblem::Invalid(e.problem.clone()),
                })),
                &RowOutcome::WrongCellCount { expected, found } => out.push(RowProblem {
                    line,
                    field: None,
                    problem: ImportProblem::WrongCellCount { expected, found },
                }),
            }
            if let Some(duplicate) = &row.duplicate {
                out.push(RowProblem {
                    line,
                    field: Some(Field::Name),
                    problem: ImportProblem::Duplicate(duplicate.clone()),
                });
            }
        }
        out
    }

    /// Rows that will be imported.
    pub fn ok_count(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.outcome, RowOutcome::Valid(_))).count()
    }

    /// Rows that will not.
    pub fn error_count(&self) -> usize {
        self.rows.len() - self.ok_count()
    }

    /// Rows with a same-name warning.
    pub fn duplicate_count(&self) -> usize {
        self.rows.iter().filter(|r| r.duplicate.is_some()).count()
    }
}

/// The export's header, in the words Excel sheets use.
pub const EXPORT_HEADER: [&str; 7] = ["姓名", "党小组", "党员类别", "职务", "入党日期", "手机号", "年老体弱"];

/// The roster as CSV: UTF-8 with BOM and CRLF, which Excel opens correctly.
/// Names and groups that a spreadsheet would run as formulas get a leading
/// `'`; [`preview`] takes it off again.
pub fn export(members: &[MemberFields]) -> Vec<u8> {
    write_csv(members).expect("writing CSV to memory cannot fail")
}

fn write_csv(members: &[MemberFields]) -> csv::Result<Vec<u8>> {
    let guard = |cell: String| {
        if looks_like_formula(&cell) { format!("'{cell}") } else { cell }
    };
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
    writer.write_record(EXPORT_HEADER)?;
    for member in members {
        // The draft holds exactly the words a sheet uses (正式党员, 书记, 是/否).
        let d = MemberDraft::from(member);
        writer.write_record([guard(d.name), guard(d.group), d.status, d.role, d.joined, d.phone, d.exempt])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}
