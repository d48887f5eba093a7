//! The import preview: each row of a roster CSV mapped by its headers,
//! checked, and compared with the roster (duplicates, group spellings).

use super::*;

/// Which field a header names, in Chinese or English.
pub(super) fn field_for(header: &str) -> Option<Field> {
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

pub(super) fn slot(draft: &mut MemberDraft, field: Field) -> &mut String {
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
pub(super) fn one_line(text: &str) -> String {
    narrow(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cells a spreadsheet would run as a formula (CSV injection). Leading
/// apostrophes are looked through so that guarding is reversible.
pub(crate) fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Cells up to the last non-empty one.
pub(super) fn filled_width(record: &StringRecord) -> usize {
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
pub(super) fn group_spellings(existing: &[&str]) -> impl Fn(String) -> String {
    let known: HashMap<String, String> = existing.iter().map(|g| (simplify(&one_line(g)), (*g).to_owned())).collect();
    move |group| {
        let simplified = simplify(&group);
        known.get(&simplified).cloned().unwrap_or(simplified)
    }
}

pub(super) fn preview_among(
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
