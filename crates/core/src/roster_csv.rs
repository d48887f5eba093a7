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

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes GB18030 bytes, `None` when they are not GB18030.
pub type Gb18030 = dyn Fn(&[u8]) -> Option<String>;

/// GB18030 by encoding_rs (native builds and the server). The browser app
/// passes its own `TextDecoder('gb18030')` instead: encoding_rs' tables
/// would sit in the first screen's wasm (wasm-split leaves data there).
#[cfg(feature = "gb18030")]
pub fn gb18030(bytes: &[u8]) -> Option<String> {
    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned())
}

/// Reads bytes as text: a UTF-8 BOM, else valid UTF-8, else GB18030.
#[cfg(feature = "gb18030")]
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    decode_with(bytes, &gb18030)
}

/// [`decode`] with the GB18030 decoder given.
pub fn decode_with(bytes: &[u8], gb18030: &Gb18030) -> Result<(String, TextEncoding), ImportError> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(BOM) {
        let text = std::str::from_utf8(rest).map_err(|_| ImportError::Undecodable)?;
        (text.to_owned(), TextEncoding::Utf8Bom)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), TextEncoding::Utf8)
    } else {
        (gb18030(bytes).ok_or(ImportError::Undecodable)?, TextEncoding::Gb18030)
    };
    // Text never holds NUL; a workbook (a zip) or BOM-less UTF-16 does, and
    // would otherwise "decode" into a header that names nothing.
    if text.contains('\0') {
        return Err(ImportError::Undecodable);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok((text, encoding))
}

/// Which field a header names, in Chinese or English.
fn field_for(header: &str) -> Option<Field> {
    // Forms pad short headers ("姓  名") and star required ones ("*姓名").
    let header = simplify(&narrow(header));
    let h: String = header.chars().filter(|c| !c.is_whitespace() && *c != '*').flat_map(char::to_lowercase).collect();
    let field = match h.as_str() {
        "姓名" | "名字" | "name" | "fullname" => Field::Name,
        "党小组" | "小组" | "所在党小组" | "group" | "partygroup" => Field::Group,
        "党员类别" | "类别" | "党员状态" | "党员身份" | "status" | "membership" => Field::Status,
        "职务" | "职位" | "党内职务" | "role" | "post" => Field::Role,
        "入党日期" | "入党时间" | "joined" | "joindate" | "datejoined" => Field::Joined,
        "手机号" | "手机" | "手机号码" | "电话" | "联系电话" | "phone" | "mobile" => Field::Phone,
        "年老体弱" | "免学时" | "exempt" => Field::Exempt,
        _ => return None,
    };
    Some(field)
}

fn slot(draft: &mut MemberDraft, field: Field) -> &mut String {
    match field {
        Field::Name => &mut draft.name,
        Field::Group => &mut draft.group,
        Field::Status => &mut draft.status,
        Field::Role => &mut draft.role,
        Field::Joined => &mut draft.joined,
        Field::Phone => &mut draft.phone,
        Field::Exempt => &mut draft.exempt,
    }
}

/// As [`MemberDraft::validate`] folds names, so same names compare equal.
fn one_line(text: &str) -> String {
    narrow(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cells a spreadsheet would run as a formula (CSV injection). Leading
/// apostrophes are looked through so that guarding is reversible.
pub(crate) fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Cells up to the last non-empty one.
fn filled_width(record: &StringRecord) -> usize {
    record.len() - record.iter().rev().take_while(|c| c.is_empty()).count()
}

/// Previews an import onto the roster in `state`: same names warn against
/// its active members, and a 党小组 it has takes its spelling there.
#[cfg(feature = "gb18030")]
pub fn preview_onto(bytes: &[u8], state: &State) -> Result<ImportPreview, ImportError> {
    preview_onto_with(bytes, state, &gb18030)
}

/// [`preview_onto`] with the GB18030 decoder given.
pub fn preview_onto_with(bytes: &[u8], state: &State, gb18030: &Gb18030) -> Result<ImportPreview, ImportError> {
    let names: Vec<String> = state.members().into_iter().filter(|m| !m.archived).map(|m| m.fields.name).collect();
    let groups = crate::compliance::active_groups(state);
    let (names, groups): (Vec<&str>, Vec<&str>) =
        (names.iter().map(String::as_str).collect(), groups.iter().map(String::as_str).collect());
    preview_among(bytes, &names, &groups, gb18030)
}

/// Previews an import: nothing is written. `existing_names` are the active
/// roster's names, for same-name warnings.
#[cfg(feature = "gb18030")]
pub fn preview(bytes: &[u8], existing_names: &[&str]) -> Result<ImportPreview, ImportError> {
    preview_among(bytes, existing_names, &[], &gb18030)
}

/// A 党小组 as the roster spells it: `第二黨小組` is 第二党小组, or the
/// spelling of a group already there that reads the same once simplified.
fn group_spellings(existing: &[&str]) -> impl Fn(String) -> String {
    let known: HashMap<String, String> = existing.iter().map(|g| (simplify(&one_line(g)), (*g).to_owned())).collect();
    move |group| {
        let simplified = simplify(&group);
        known.get(&simplified).cloned().unwrap_or(simplified)
    }
}

fn preview_among(
    bytes: &[u8],
    existing_names: &[&str],
    existing_groups: &[&str],
    gb18030: &Gb18030,
) -> Result<ImportPreview, ImportError> {
    let (text, encoding) = decode_with(bytes, gb18030)?;
    let records = read_records(&text)?;
    if records.is_empty() {
        return Err(ImportError::Empty);
    }
    let missing = ImportError::MissingColumn { field: Field::Name };
    let mut records = records.into_iter();
    // The header is the first row with a name column. Above it may sit a
    // title ("XX党支部党员名册") in merged cells, which CSV holds as one filled
    // cell; a fuller row is a header without a name column.
    let (header_line, header) = loop {
        let Some((line, record)) = records.next() else {
            return Err(missing);
        };
        if record.iter().any(|c| field_for(c) == Some(Field::Name)) {
            break (line, record);
        }
        if record.iter().filter(|c| !c.is_empty()).count() > 1 {
            return Err(missing);
        }
    };

    let mut columns: Vec<(usize, Field)> = Vec::new();
    let mut mapped_columns: Vec<(Field, String)> = Vec::new();
    let mut ignored_columns = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        match field_for(cell) {
            Some(field) => {
                if let Some((_, first)) = mapped_columns.iter().find(|(f, _)| *f == field) {
                    return Err(ImportError::DuplicateColumn { field, headers: (first.clone(), cell.to_owned()) });
                }
                columns.push((i, field));
                mapped_columns.push((field, cell.to_owned()));
            }
            None if !cell.is_empty() => ignored_columns.push(cell.to_owned()),
            None => {}
        }
    }
    // Excel adds an empty cell to every row for each column ever formatted,
    // so the header's width ends at its last named column.
    let width = filled_width(&header);

    let existing: HashSet<String> = existing_names.iter().map(|n| one_line(n)).collect();
    let spell_group = group_spellings(existing_groups);
    let mut first_lines: HashMap<String, u64> = HashMap::new();
    let rows = records
        .map(|(line, record)| {
            let mut draft = MemberDraft::default();
            for &(i, field) in &columns {
                // Full-width forms narrowed before any check (a phone `１３９…`).
                *slot(&mut draft, field) = narrow(record.get(i).unwrap_or_default()).trim().to_owned();
            }
            // Undo export's formula guard, so an exported roster reads back unchanged.
            for cell in [&mut draft.name, &mut draft.group] {
                if let Some(rest) = cell.strip_prefix('\'')
                    && looks_like_formula(rest)
                {
                    *cell = rest.to_owned();
                }
            }
            let filled = filled_width(&record);
            let outcome = if record.len() < width {
                RowOutcome::WrongCellCount { expected: width, found: record.len() }
            } else if filled > width {
                RowOutcome::WrongCellCount { expected: width, found: filled }
            } else {
                match draft.validate() {
                    Ok(fields) => {
                        RowOutcome::Valid(MemberFields { group: spell_group(fields.group.clone()), ..fields })
                    }
                    Err(errors) => RowOutcome::Invalid(errors),
                }
            };
            let name = one_line(&draft.name);
            let duplicate = if name.is_empty() {
                None
            } else if let Some(&first_line) = first_lines.get(&name) {
                Some(Duplicate::InFile { first_line })
            } else if existing.contains(&name) {
                Some(Duplicate::InRoster)
            } else {
                None
            };
            first_lines.entry(name).or_insert(line);
            let cells = record.iter().map(str::to_owned).collect();
            ImportRow { line, draft, outcome, duplicate, cells }
        })
        .collect();
    let header = header.iter().map(str::to_owned).collect();
    Ok(ImportPreview { encoding, header_line, mapped_columns, ignored_columns, rows, header })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Role, Status};
    use proptest::prelude::*;

    const GB18030_FILE: &[u8] =
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/roster-excel-gb18030.csv"));
    const UTF8_BOM_FILE: &[u8] =
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/roster-utf8-bom.csv"));
    const FIXTURE_NAMES: [&str; 12] =
        ["王建国", "李秀英", "张伟", "刘芳", "陈明", "杨丽", "赵磊", "黄敏", "周强", "吴桂兰", "徐浩然", "孙晓燕"];

    fn names(p: &ImportPreview) -> Vec<String> {
        p.valid_members().into_iter().map(|m| m.name).collect()
    }

    fn lines(p: &ImportPreview) -> Vec<u64> {
        p.rows.iter().map(|r| r.line).collect()
    }

    fn member(name: &str, group: &str) -> MemberFields {
        MemberDraft { name: name.into(), group: group.into(), ..Default::default() }.validate().unwrap()
    }

    #[test]
    fn both_excel_fixtures_read_the_same_twelve_members() {
        for (bytes, encoding) in [(GB18030_FILE, TextEncoding::Gb18030), (UTF8_BOM_FILE, TextEncoding::Utf8Bom)] {
            let p = preview(bytes, &[]).unwrap();
            assert_eq!(p.encoding, encoding);
            assert_eq!((p.ok_count(), p.error_count(), p.duplicate_count()), (12, 0, 0), "{encoding:?}");
            assert_eq!(names(&p), FIXTURE_NAMES);
            assert_eq!(p.header_line, 1);
            assert_eq!(lines(&p), (2..=13).collect::<Vec<_>>());
            assert_eq!(p.ignored_columns, ["性别"]);
            let fields: Vec<Field> = p.mapped_columns.iter().map(|(f, _)| *f).collect();
            assert_eq!(fields, [Field::Name, Field::Group, Field::Status, Field::Role, Field::Phone, Field::Joined]);
            assert!(p.problems().is_empty());

            let members = p.valid_members();
            let find = |name: &str| members.iter().find(|m| m.name == name).unwrap();
            for (name, group, status, role, phone) in [
                ("王建国", "第一党小组", Status::Full, Role::Secretary, Some("13800000001")),
                ("刘芳", "第二党小组", Status::Full, Role::GroupLeader, Some("13800000004")),
                ("陈明", "第二党小组", Status::Probationary, Role::Member, Some("13800000005")),
                ("杨丽", "第二党小组", Status::Full, Role::Member, None),
                ("黄敏", "第三党小组", Status::Full, Role::DisciplineCommissioner, Some("13800000008")),
                ("孙晓燕", "第二党小组", Status::Full, Role::DeputySecretary, Some("13800000012")),
            ] {
                let m = find(name);
                assert_eq!((m.group.as_str(), m.status, m.role, m.phone.as_deref()), (group, status, role, phone));
            }
            assert_eq!(find("王建国").joined.unwrap().to_string(), "1998-07-01");
            assert!(members.iter().all(|m| ["第一党小组", "第二党小组", "第三党小组"].contains(&m.group.as_str())));
        }
    }

    #[test]
    fn the_gb18030_fixture_is_not_utf8_but_decodes_to_the_same_text() {
        assert!(!String::from_utf8_lossy(GB18030_FILE).contains("王建国"), "read as UTF-8 it is garbage");
        let (gb, _) = decode(GB18030_FILE).unwrap();
        let (utf8, _) = decode(UTF8_BOM_FILE).unwrap();
        assert!(gb.starts_with("姓名,性别,党小组") && gb.contains("王建国"));
        assert!(gb.contains("\r\n"), "Excel's CRLF is kept for csv to read");
        assert_eq!(gb.replace("\r\n", "\n"), utf8.replace("\r\n", "\n"));
    }

    #[test]
    fn decode_detects_the_encoding_or_says_why_not() {
        let gbk_name = encoding_rs::GB18030.encode("姓名").0.into_owned();
        let cases = [
            ("姓名".as_bytes().to_vec(), Ok(("姓名", TextEncoding::Utf8))),
            ([BOM, "姓名".as_bytes()].concat(), Ok(("姓名", TextEncoding::Utf8Bom))),
            (gbk_name, Ok(("姓名", TextEncoding::Gb18030))),
            (b"".to_vec(), Err(ImportError::Empty)),
            (b" \r\n\t".to_vec(), Err(ImportError::Empty)),
            ([BOM, b"\r\n"].concat(), Err(ImportError::Empty)),
            (b"a\xFF\xFEb\x80\xFF".to_vec(), Err(ImportError::Undecodable)),
            ([BOM, b"\xFF"].concat(), Err(ImportError::Undecodable)),
            (b"PK\x03\x04\x14\x00\x06\x00".to_vec(), Err(ImportError::Undecodable)),
            (b"\xFF\xFEn\x00a\x00m\x00e\x00".to_vec(), Err(ImportError::Undecodable)),
        ];
        for (bytes, expected) in cases {
            let got = decode(&bytes);
            let got = got.as_ref().map(|(text, encoding)| (text.as_str(), *encoding)).map_err(Clone::clone);
            assert_eq!(got, expected, "{bytes:?}");
        }
    }

    /// Every line ending: `\n` stands for it, inside the quoted cell too.
    const BAD_ROWS: &str = "姓名,党小组,职务,入党日期
王建国,第一党小组,书记,1998-07-01
李秀英,第一党小组,队长,2003-06-18
,第二党小组,,
张伟,第一党小组,,1998-13-01
,,,

刘芳,第二党小组
陈明,\"第二
党小组\",,2026-03-15,,
杨丽,第二党小组,,2015-11-11,多余
徐浩然,第一党小组,,
";

    #[test]
    fn bad_rows_are_reported_on_their_lines_and_good_rows_kept() {
        for ending in ["\n", "\r\n", "\r"] {
            let p = preview(BAD_ROWS.replace('\n', ending).as_bytes(), &[]).unwrap();
            assert_eq!(lines(&p), [2, 3, 4, 5, 8, 9, 11, 12], "{ending:?}");
            assert_eq!(names(&p), ["王建国", "陈明", "徐浩然"]);
            assert_eq!(p.valid_members()[1].group, "第二 党小组", "a line break in a cell folds to a space");
            assert_eq!((p.ok_count(), p.error_count()), (3, 5));
            let problems: Vec<(u64, Option<Field>, ImportProblem)> =
                p.problems().into_iter().map(|r| (r.line, r.field, r.problem)).collect();
            assert_eq!(
                problems,
                [
                    (3, Some(Field::Role), ImportProblem::Invalid(Problem::Unknown { given: "队长".into() })),
                    (4, Some(Field::Name), ImportProblem::Invalid(Problem::Required)),
                    (5, Some(Field::Joined), ImportProblem::Invalid(Problem::BadDate { given: "1998-13-01".into() })),
                    (8, None, ImportProblem::WrongCellCount { expected: 4, found: 2 }),
                    (11, None, ImportProblem::WrongCellCount { expected: 4, found: 5 }),
                ]
            );
            assert!(problems.iter().all(|(_, _, problem)| !problem.is_warning()));
        }
    }

    #[test]
    fn same_names_warn_but_still_import() {
        let file = "姓名\n王建国\n张伟\n王建国\n 张伟 \n李秀英\n";
        let p = preview(file.as_bytes(), &["张伟", " 刘芳"]).unwrap();
        let duplicates: Vec<Option<Duplicate>> = p.rows.iter().map(|r| r.duplicate.clone()).collect();
        assert_eq!(
            duplicates,
            [
                None,
                Some(Duplicate::InRoster),
                Some(Duplicate::InFile { first_line: 2 }),
                Some(Duplicate::InFile { first_line: 3 }),
                None,
            ]
        );
        assert_eq!((p.ok_count(), p.duplicate_count()), (5, 3));
        let warnings: Vec<(u64, Option<Field>, bool)> =
            p.problems().iter().map(|r| (r.line, r.field, r.problem.is_warning())).collect();
        assert_eq!(
            warnings,
            [(3, Some(Field::Name), true), (4, Some(Field::Name), true), (5, Some(Field::Name), true)]
        );
    }

    #[test]
    fn an_unclosed_quote_is_refused_at_its_line() {
        for (file, line) in [
            ("姓名,党小组\r\n王建国,\"第一党小组\r\n李秀英,第二党小组\r\n", 2),
            ("\"姓名,党小组\n王建国,第一党小组\n", 1),
            ("姓名,党小组\n\n王建国,第一党小组\n李秀英,\"第二党小组\n张伟,第一党小组\n", 4),
        ] {
            match preview(file.as_bytes(), &[]) {
                Err(ImportError::Malformed { line: at, .. }) => assert_eq!(at, line, "{file:?}"),
                other => panic!("{file:?}: {other:?}"),
            }
        }
        // A stray quote inside a cell is just a character.
        let p = preview("姓名\n王\"建国\n".as_bytes(), &[]).unwrap();
        assert_eq!(names(&p), ["王\"建国"]);
    }

    #[test]
    fn headers_are_read_in_chinese_or_english_padded_or_starred() {
        for header in [
            "Name,Party Group,Status,Post,Join Date,Mobile,Exempt",
            "姓  名,所在党小组,党员状态,职位,入党时间,联系电话,年老体弱",
            "*姓名, 小组 ,类别,职务,入党日期,手机号码,免学时",
            "NAME,group,STATUS,Role,joined,phone,exempt",
        ] {
            let file = format!("{header}\nLi Na,Group 1,probationary,组长,2020/7/1,+86 138-0000-0000,是\n");
            let p = preview(file.as_bytes(), &[]).unwrap();
            let fields: Vec<Field> = p.mapped_columns.iter().map(|(f, _)| *f).collect();
            let expected =
                [Field::Name, Field::Group, Field::Status, Field::Role, Field::Joined, Field::Phone, Field::Exempt];
            assert_eq!(fields, expected, "{header}");
            let m = &p.valid_members()[0];
            assert_eq!((m.name.as_str(), m.group.as_str()), ("Li Na", "Group 1"));
            assert_eq!((m.status, m.role, m.exempt), (Status::Probationary, Role::GroupLeader, true));
            assert_eq!(
                (m.joined.unwrap().to_string(), m.phone.as_deref()),
                ("2020-07-01".into(), Some("+8613800000000"))
            );
        }
    }

    #[test]
    fn files_that_are_not_rosters_are_refused_with_the_reason() {
        let headers = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        for (file, expected) in [
            ("性别,手机\n男,1\n", ImportError::MissingColumn { field: Field::Name }),
            ("名册,说明\n姓名\n王建国\n", ImportError::MissingColumn { field: Field::Name }),
            (",,,\r\n,,\r\n", ImportError::Empty),
            (
                "姓名,手机,电话\n",
                ImportError::DuplicateColumn { field: Field::Phone, headers: headers("手机", "电话") },
            ),
            ("姓名,name\n", ImportError::DuplicateColumn { field: Field::Name, headers: headers("姓名", "name") }),
        ] {
            assert_eq!(preview(file.as_bytes(), &[]), Err(expected), "{file:?}");
        }
    }

    #[test]
    fn a_header_alone_or_below_a_title_row_is_fine() {
        let p = preview("姓名,党小组\r\n".as_bytes(), &[]).unwrap();
        assert_eq!((p.rows.len(), p.ok_count(), p.error_count()), (0, 0, 0));

        let file = "2026年第一党支部党员名册,,\r\n姓名,党小组,\r\n王建国,第一党小组,\r\n";
        let p = preview(file.as_bytes(), &[]).unwrap();
        assert_eq!((p.header_line, lines(&p), names(&p)), (2, vec![3], vec!["王建国".to_owned()]));
    }

    #[test]
    fn export_writes_excel_friendly_csv() {
        let mut wang = member("王建国", "第一党小组");
        wang.role = Role::Secretary;
        wang.joined = crate::date::Date::parse("1998-07-01");
        wang.phone = Some("+8613800000001".into());
        let mut chen = member("陈明", "");
        chen.status = Status::Probationary;
        chen.exempt = true;
        let text = String::from_utf8(export(&[wang, chen])).unwrap();
        assert_eq!(
            text,
            "\u{FEFF}姓名,党小组,党员类别,职务,入党日期,手机号,年老体弱\r\n\
             王建国,第一党小组,正式党员,书记,1998-07-01,+8613800000001,否\r\n\
             陈明,,预备党员,党员,,,是\r\n"
        );
    }

    #[test]
    fn export_defuses_formulas_in_names_and_groups() {
        for (name, cell) in [
            ("=1+1", "'=1+1"),
            ("+王", "'+王"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("'=x", "''=x"),
            ("王'=", "王'="),
            ("'王", "'王"),
        ] {
            let text = String::from_utf8(export(&[member(name, name)])).unwrap();
            let row = text.lines().nth(1).unwrap();
            assert!(row.starts_with(&format!("{cell},{cell},")), "{name:?} → {row:?}");
        }
    }

    #[test]
    fn export_then_preview_gives_back_the_same_members() {
        let mut odd = vec![
            member("王, \"建国\"", "第一,党小组"),
            member("<script>alert(1)</script>", "<b>组</b>"),
            member("=HYPERLINK(\"http://x\")", "+1"),
            member("'=x", "@组"),
            member("Li  Na", ""),
        ];
        odd[1].status = Status::Probationary;
        odd[2].exempt = true;
        odd[3].role = Role::PropagandaCommissioner;
        let fixture = preview(GB18030_FILE, &[]).unwrap().valid_members();
        for members in [odd, fixture] {
            assert_eq!(preview(&export(&members), &[]).unwrap().valid_members(), members);
        }
    }

    proptest! {
        #[test]
        fn any_valid_roster_survives_export_and_preview(
            cells in prop::collection::vec(("[ a-zA-Z王建国李,;\"'=+@<>\t-]{1,12}", "[ 第一组,\"'=+-]{0,8}", 0..7usize, any::<bool>()), 0..8)
        ) {
            let members: Vec<MemberFields> = cells
                .into_iter()
                .filter_map(|(name, group, role, exempt)| {
                    let mut m = MemberDraft { name, group, ..Default::default() }.validate().ok()?;
                    m.role = Role::ALL[role];
                    m.exempt = exempt;
                    Some(m)
                })
                .collect();
            prop_assert_eq!(preview(&export(&members), &[]).unwrap().valid_members(), members);
        }
    }
}
