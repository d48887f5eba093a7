//! Rows an import refuses are handed back, not dropped (issue 20, item 5):
//! listed with line and reason, and as a CSV in the file's own columns that
//! imports again once fixed.

use zhibu_core::import_rejects::{rejected, rejected_csv};
use zhibu_core::roster::{Field, Problem};
use zhibu_core::roster_csv::{ImportPreview, RowOutcome, TextEncoding, preview};

const FILE: &str = "\
某某党支部党员名册\n\
姓名,性别,党小组,党员类别,手机号,入党日期\n\
王建国,男,第一党小组,正式党员,13900000001,2001-07-01\n\
李秀英,女,第一党小组,正式党员,139abc,2003-05-01\n\
张伟,男,第二党小组\n\
=HYPERLINK(\"x\"),男,第二党小组,正式党员,,\n\
刘芳,女,第二党小组,群众,13900000004,2010-01-01\n\
陈明,男,第二党小组,预备党员,13900000005,2024-06-01\n";

fn lines(rows: &[&zhibu_core::roster_csv::ImportRow]) -> Vec<u64> {
    rows.iter().map(|r| r.line).collect()
}

fn outcomes(p: &ImportPreview) -> Vec<(String, bool)> {
    p.rows.iter().map(|r| (r.cells.join("|"), matches!(r.outcome, RowOutcome::Valid(_)))).collect()
}

#[test]
fn every_refused_row_is_listed_with_its_line_and_reason() {
    let p = preview(FILE.as_bytes(), &[]).unwrap();
    let refused: Vec<_> = rejected(&p).collect();
    assert_eq!(lines(&refused), [4, 5, 7]);
    assert!(
        matches!(&refused[0].outcome, RowOutcome::Invalid(e) if e.iter().any(|e| e.field == Field::Phone)),
        "{:?}",
        refused[0].outcome
    );
    assert!(matches!(refused[1].outcome, RowOutcome::WrongCellCount { expected: 6, found: 3 }));
    assert!(
        matches!(&refused[2].outcome, RowOutcome::Invalid(e) if e.iter().any(|e| e.field == Field::Status && matches!(e.problem, Problem::Unknown { .. }))),
        "{:?}",
        refused[2].outcome
    );
    // Nothing is both imported and handed back, and nothing is neither.
    assert_eq!(p.ok_count() + refused.len(), p.rows.len());
}

#[test]
fn the_refused_rows_come_back_as_a_csv_in_the_same_columns() {
    let p = preview(FILE.as_bytes(), &[]).unwrap();
    let csv = rejected_csv(&p).expect("three rows were refused");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM to read UTF-8");
    let text = std::str::from_utf8(&csv[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "姓名,性别,党小组,党员类别,手机号,入党日期", "the file's header, its ignored 性别 kept");
    assert_eq!(lines[1], "李秀英,女,第一党小组,正式党员,139abc,2003-05-01");
    assert_eq!(lines[2], "张伟,男,第二党小组", "a short row goes back as short as it came");
    assert_eq!(lines[3], "刘芳,女,第二党小组,群众,13900000004,2010-01-01");
    assert_eq!(lines[4], "");
    assert_eq!(lines.len(), 5);

    // Read again, the file refuses the same rows for the same reasons.
    let again = preview(&csv, &[]).unwrap();
    assert_eq!(again.encoding, TextEncoding::Utf8Bom);
    assert_eq!(again.ok_count(), 0);
    let before: Vec<_> = rejected(&p).map(|r| (r.cells.clone(), r.outcome.clone())).collect();
    let after: Vec<_> = again.rows.iter().map(|r| (r.cells.clone(), r.outcome.clone())).collect();
    assert_eq!(before, after);
}

#[test]
fn fixed_rows_import_from_the_handed_back_file() {
    let p = preview(FILE.as_bytes(), &[]).unwrap();
    let csv = String::from_utf8(rejected_csv(&p).unwrap()).unwrap();
    let fixed = csv
        .replace("139abc,", "13900000002,")
        .replace("张伟,男,第二党小组\r\n", "张伟,男,第二党小组,正式党员,,\r\n")
        .replace(",群众,", ",正式党员,");
    let again = preview(fixed.as_bytes(), &[]).unwrap();
    assert_eq!(outcomes(&again).iter().filter(|(_, ok)| *ok).count(), 3, "{:?}", outcomes(&again));
    assert!(rejected_csv(&again).is_none(), "nothing left to hand back");
}

#[test]
fn a_formula_looking_name_goes_back_guarded() {
    let file = "姓名,党小组,手机号\n=HYPERLINK(\"x\"),第一党小组,12\n";
    let p = preview(file.as_bytes(), &[]).unwrap();
    let csv = String::from_utf8(rejected_csv(&p).unwrap()).unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",第一党小组,12"), "{csv}");
    // …and reads back as it was written in the first file.
    let again = preview(csv.as_bytes(), &[]).unwrap();
    assert_eq!(again.rows[0].draft.name, "=HYPERLINK(\"x\")");
}

#[test]
fn a_gb18030_file_hands_back_utf8_with_its_chinese_intact() {
    let (gb, _, _) = encoding_rs::GB18030.encode("姓名,党小组,手机号\n李秀英,第一党小组,139abc\n");
    let p = preview(&gb, &[]).unwrap();
    assert_eq!(p.encoding, TextEncoding::Gb18030);
    let csv = rejected_csv(&p).unwrap();
    let again = preview(&csv, &[]).unwrap();
    assert_eq!(again.rows[0].draft.name, "李秀英");
    assert_eq!(again.rows[0].draft.group, "第一党小组");
}
