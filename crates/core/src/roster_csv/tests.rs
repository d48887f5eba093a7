use super::*;
use crate::roster::{Role, Status};
use proptest::prelude::*;

const GB18030_FILE: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/roster-excel-gb18030.csv"));
const UTF8_BOM_FILE: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/roster-utf8-bom.csv"));
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
    assert_eq!(warnings, [(3, Some(Field::Name), true), (4, Some(Field::Name), true), (5, Some(Field::Name), true)]);
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
        assert_eq!((m.joined.unwrap().to_string(), m.phone.as_deref()), ("2020-07-01".into(), Some("+8613800000000")));
    }
}

#[test]
fn files_that_are_not_rosters_are_refused_with_the_reason() {
    let headers = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    for (file, expected) in [
        ("性别,手机\n男,1\n", ImportError::MissingColumn { field: Field::Name }),
        ("名册,说明\n姓名\n王建国\n", ImportError::MissingColumn { field: Field::Name }),
        (",,,\r\n,,\r\n", ImportError::Empty),
        ("姓名,手机,电话\n", ImportError::DuplicateColumn { field: Field::Phone, headers: headers("手机", "电话") }),
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
