//! Roster CSV: the sheets branches keep in Excel, in and out.
//!
//! Import is a preview first: decode (UTF-8 with or without BOM, or GB18030,
//! which Excel on Chinese Windows writes as "CSV"), map headers, validate
//! every row with [`MemberDraft::validate`], and report row by row. Nothing
//! is written until the user accepts the preview. Same names only warn:
//! people are never merged by name.

use crate::roster::{Field, FieldError, MemberDraft, MemberFields};
use std::collections::HashMap;
use std::fmt;

/// The text encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030 (and so GBK/GB2312): Excel's plain "CSV" on Chinese Windows.
    Gb18030,
}

/// Why a file could not be previewed at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file is empty.
    Empty,
    /// Neither UTF-8 nor GB18030.
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
    /// The CSV itself is broken (e.g. an unterminated quote).
    Malformed {
        /// 1-based line where it broke.
        line: u64,
        /// The parser's words.
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    /// Valid: will be imported.
    Valid(MemberFields),
    /// Some fields refused.
    Invalid(Vec<FieldError>),
    /// The row has a different number of cells than the header.
    WrongCellCount {
        /// Cells in the header.
        expected: usize,
        /// Cells in this row.
        found: usize,
    },
}

/// A same-name warning (never a merge).
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The cells, by field.
    pub draft: MemberDraft,
    /// Valid or why not.
    pub outcome: RowOutcome,
    /// Same-name warning.
    pub duplicate: Option<Duplicate>,
}

/// What a file would import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPreview {
    /// How the bytes were read.
    pub encoding: TextEncoding,
    /// Fields found, with their headers as written.
    pub mapped_columns: Vec<(Field, String)>,
    /// Headers not used (e.g. 性别: not collected).
    pub ignored_columns: Vec<String>,
    /// Every non-blank data row.
    pub rows: Vec<ImportRow>,
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

/// Reads bytes as text, detecting the encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| ImportError::Undecodable)?;
        return Ok((text.to_owned(), TextEncoding::Utf8Bom));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), TextEncoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ImportError::Undecodable);
    }
    Ok((text.into_owned(), TextEncoding::Gb18030))
}

/// Which field a header names, in Chinese or English.
fn field_for(header: &str) -> Option<Field> {
    let h = header.trim().to_lowercase();
    let field = match h.as_str() {
        "姓名" | "名字" | "name" | "full name" => Field::Name,
        "党小组" | "小组" | "所在党小组" | "group" | "party group" => Field::Group,
        "党员类别" | "类别" | "党员状态" | "党员身份" | "status" | "membership" => Field::Status,
        "职务" | "职位" | "党内职务" | "role" | "post" => Field::Role,
        "入党日期" | "入党时间" | "joined" | "join date" | "date joined" => Field::Joined,
        "手机号" | "手机" | "手机号码" | "电话" | "联系电话" | "phone" | "mobile" => Field::Phone,
        "年老体弱" | "免学时" | "exempt" => Field::Exempt,
        _ => return None,
    };
    Some(field)
}

fn put(draft: &mut MemberDraft, field: Field, value: &str) {
    let slot = match field {
        Field::Name => &mut draft.name,
        Field::Group => &mut draft.group,
        Field::Status => &mut draft.status,
        Field::Role => &mut draft.role,
        Field::Joined => &mut draft.joined,
        Field::Phone => &mut draft.phone,
        Field::Exempt => &mut draft.exempt,
    };
    *slot = value.trim().to_owned();
}

/// Previews an import: nothing is written. `existing_names` are the active
/// roster's names, for same-name warnings.
pub fn preview(bytes: &[u8], existing_names: &[&str]) -> Result<ImportPreview, ImportError> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // csv's own line count drifts on CRLF files (Excel's), so lines are
    // counted from byte offsets.
    // A record's offset can point at the `\n` of the CRLF before it.
    let line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let start = (byte as usize).min(bytes.len());
        let start = start + bytes[start..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    };
    let malformed = |e: csv::Error| ImportError::Malformed {
        line: e.position().map_or(0, |p| line_at(p.byte())),
        message: e.to_string(),
    };
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            None => return Err(ImportError::Empty),
            Some(record) => {
                let record = record.map_err(malformed)?;
                if record.iter().any(|c| !c.trim().is_empty()) {
                    break record;
                }
            }
        }
    };

    let mut columns: Vec<Option<Field>> = Vec::new();
    let mut mapped_columns: Vec<(Field, String)> = Vec::new();
    let mut ignored_columns = Vec::new();
    for cell in header.iter() {
        let field = field_for(cell);
        if let Some(field) = field {
            if let Some((_, first)) = mapped_columns.iter().find(|(f, _)| *f == field) {
                return Err(ImportError::DuplicateColumn {
                    field,
                    headers: (first.clone(), cell.trim().to_owned()),
                });
            }
            mapped_columns.push((field, cell.trim().to_owned()));
        } else if !cell.trim().is_empty() {
            ignored_columns.push(cell.trim().to_owned());
        }
        columns.push(field);
    }
    if !mapped_columns.iter().any(|(f, _)| *f == Field::Name) {
        return Err(ImportError::MissingColumn { field: Field::Name });
    }

    let existing: std::collections::HashSet<&str> = existing_names.iter().map(|n| n.trim()).collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(malformed)?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        let mut draft = MemberDraft::default();
        for (field, cell) in columns.iter().zip(record.iter()) {
            if let Some(field) = field {
                put(&mut draft, *field, cell);
            }
        }
        let outcome = if record.len() != header.len() {
            RowOutcome::WrongCellCount { expected: header.len(), found: record.len() }
        } else {
            match draft.validate() {
                Ok(fields) => RowOutcome::Valid(fields),
                Err(errors) => RowOutcome::Invalid(errors),
            }
        };
        let name = draft.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let duplicate = if name.is_empty() {
            None
        } else if let Some(&first_line) = seen.get(&name) {
            Some(Duplicate::InFile { first_line })
        } else if existing.contains(name.as_str()) {
            Some(Duplicate::InRoster)
        } else {
            None
        };
        seen.entry(name).or_insert(line);
        rows.push(ImportRow { line, draft, outcome, duplicate });
    }
    Ok(ImportPreview { encoding, mapped_columns, ignored_columns, rows })
}

/// Keeps a spreadsheet from reading a cell as a formula (CSV injection).
fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The roster as CSV: UTF-8 with BOM and CRLF, which Excel opens correctly.
pub fn export(members: &[MemberFields]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let header = ["姓名", "党小组", "党员类别", "职务", "入党日期", "手机号", "年老体弱"];
        // Writing to a Vec cannot fail.
        writer.write_record(header).expect("write to memory");
        for m in members {
            writer
                .write_record([
                    defuse(&m.name),
                    defuse(&m.group),
                    m.status.zh().to_owned(),
                    m.role.zh().to_owned(),
                    m.joined.map(|d| d.to_string()).unwrap_or_default(),
                    m.phone.clone().unwrap_or_default(),
                    if m.exempt { "是" } else { "否" }.to_owned(),
                ])
                .expect("write to memory");
        }
        writer.flush().expect("write to memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Problem, Role, Status};

    const GB18030: &[u8] = include_bytes!("../../../../shared/fixtures/roster-excel-gb18030.csv");
    const UTF8_BOM: &[u8] = include_bytes!("../../../../shared/fixtures/roster-utf8-bom.csv");

    fn names(p: &ImportPreview) -> Vec<String> {
        p.valid_members().into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn both_fixtures_read_the_same_twelve_members() {
        let gb = preview(GB18030, &[]).unwrap();
        let utf8 = preview(UTF8_BOM, &[]).unwrap();
        assert_eq!(gb.encoding, TextEncoding::Gb18030);
        assert_eq!(utf8.encoding, TextEncoding::Utf8Bom);
        assert_eq!(gb.ok_count(), 12);
        assert_eq!(gb.error_count(), 0);
        assert_eq!(names(&gb), names(&utf8));
        assert_eq!(gb.valid_members(), utf8.valid_members());
        assert_eq!(names(&gb)[0], "王建国");
        assert_eq!(names(&gb)[11], "孙晓燕");
        assert_eq!(gb.ignored_columns, ["性别"]);
        let members = gb.valid_members();
        let by_name = |n: &str| members.iter().find(|m| m.name == n).unwrap().clone();
        assert_eq!(by_name("王建国").role, Role::Secretary);
        assert_eq!(by_name("王建国").group, "第一党小组");
        assert_eq!(by_name("陈明").status, Status::Probationary);
        assert_eq!(by_name("杨丽").phone, None);
        assert_eq!(by_name("孙晓燕").role, Role::DeputySecretary);
        let mut groups: Vec<String> = members.iter().map(|m| m.group.clone()).collect();
        groups.sort();
        groups.dedup();
        assert_eq!(groups, ["第一党小组", "第三党小组", "第二党小组"]);
        assert_eq!(gb.rows.iter().map(|r| r.line).collect::<Vec<_>>(), (2..=13).collect::<Vec<_>>());
    }

    #[test]
    fn bad_rows_are_reported_and_good_rows_kept() {
        let file = "姓名,党小组,职务,入党日期\n王建国,第一党小组,书记,1998-07-01\n李秀英,第一党小组,队长,2003-06-18\n,第二党小组,,\n张伟,第一党小组,,1998-13-01\n刘芳,第二党小组\n";
        let p = preview(file.as_bytes(), &[]).unwrap();
        assert_eq!(names(&p), ["王建国"]);
        let outcome = |line| p.rows.iter().find(|r| r.line == line).unwrap().outcome.clone();
        let problem = |line| match outcome(line) {
            RowOutcome::Invalid(errors) => (errors[0].field, errors[0].problem.clone()),
            other => panic!("line {line}: {other:?}"),
        };
        assert_eq!(problem(3), (Field::Role, Problem::Unknown { given: "队长".into() }));
        assert_eq!(problem(4), (Field::Name, Problem::Required));
        assert_eq!(problem(5), (Field::Joined, Problem::BadDate { given: "1998-13-01".into() }));
        assert_eq!(outcome(6), RowOutcome::WrongCellCount { expected: 4, found: 2 });
        assert_eq!((p.ok_count(), p.error_count()), (1, 4));
    }

    #[test]
    fn same_names_warn_but_are_kept_apart() {
        let file = "姓名\n王建国\n张伟\n王建国\n";
        let p = preview(file.as_bytes(), &["张伟"]).unwrap();
        let dups: Vec<_> = p.rows.iter().map(|r| r.duplicate.clone()).collect();
        assert_eq!(dups, [None, Some(Duplicate::InRoster), Some(Duplicate::InFile { first_line: 2 })]);
        assert_eq!(p.valid_members().len(), 3);
    }

    #[test]
    fn english_headers_and_blank_lines_work() {
        let file = "\r\nName,Group,Status,Role,Phone\r\nLi Na,Group 1,probationary,,+86 138-0000-0000\r\n\r\n";
        let p = preview(file.as_bytes(), &[]).unwrap();
        let m = &p.valid_members()[0];
        assert_eq!((m.name.as_str(), m.group.as_str(), m.status), ("Li Na", "Group 1", Status::Probationary));
        assert_eq!(m.phone.as_deref(), Some("+8613800000000"));
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        assert_eq!(preview(b"", &[]), Err(ImportError::Empty));
        assert_eq!(preview(b" \r\n", &[]), Err(ImportError::Empty));
        assert_eq!(preview(&[0xFF, 0xFE, 0x81, 0x20, 0xFF, 0xFF], &[]), Err(ImportError::Undecodable));
        assert_eq!(preview("性别,手机\n男,1\n".as_bytes(), &[]), Err(ImportError::MissingColumn { field: Field::Name }));
        assert!(matches!(
            preview("姓名,name\n".as_bytes(), &[]),
            Err(ImportError::DuplicateColumn { field: Field::Name, .. })
        ));
        assert_eq!(preview("姓名\n".as_bytes(), &[]).unwrap().rows.len(), 0);
    }

    #[test]
    fn a_utf8_file_is_not_mistaken_for_gb18030() {
        let (text, encoding) = decode("姓名\n王建国\n".as_bytes()).unwrap();
        assert_eq!(encoding, TextEncoding::Utf8);
        assert!(text.contains("王建国"));
        let (text, encoding) = decode(GB18030).unwrap();
        assert_eq!(encoding, TextEncoding::Gb18030);
        assert!(text.contains("王建国"));
    }

    #[test]
    fn export_round_trips_and_defuses_formulas() {
        let odd = |name: &str| {
            MemberDraft { name: name.into(), group: "第一党小组".into(), ..Default::default() }.validate().unwrap()
        };
        let members = vec![odd("王, \"建国\""), odd("<script>alert(1)</script>"), odd("=1+1")];
        let bytes = export(&members);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(bytes.windows(2).any(|w| w == b"\r\n"));
        let back = preview(&bytes, &[]).unwrap().valid_members();
        assert_eq!(back[..2], members[..2]);
        assert_eq!(back[2].name, "'=1+1", "a formula is exported as text");
    }
}
