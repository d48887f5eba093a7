//! Cells as Chinese sheets really hold them: full-width digits, letters and
//! spaces typed with a Chinese input method (issue 20, item 6), and
//! traditional characters in the words with a fixed vocabulary (item 7).

use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberDraft, MemberFields, Role, Status};
use zhibu_core::roster_csv::{ImportPreview, RowOutcome, preview, preview_onto};

fn rows(p: &ImportPreview) -> Vec<MemberFields> {
    p.rows
        .iter()
        .map(|r| match &r.outcome {
            RowOutcome::Valid(fields) => fields.clone(),
            other => panic!("line {}: {:?} → {other:?}", r.line, r.draft),
        })
        .collect()
}

/// The members a one-row file with these headers and cells imports.
fn one(header: &str, cells: &str) -> MemberFields {
    let file = format!("{header}\n{cells}\n");
    let p = preview(file.as_bytes(), &[]).unwrap();
    assert_eq!(p.rows.len(), 1, "{file:?}");
    rows(&p).remove(0)
}

#[test]
fn full_width_phones_and_dates_import() {
    for (phone, joined, want_phone, want_joined) in [
        ("１３９００００００３", "２０１８－０３－０１", "1390000003", "2018-03-01"),
        ("１３９ ００００ ０００３", "２０１８年３月１日", "13900000003", "2018-03-01"),
        ("＋８６　１３８－００００－０００１", "２０１８／３／１", "+8613800000001", "2018-03-01"),
        ("139０００００００3", "２０１８．０３．０１", "13900000003", "2018-03-01"),
        ("　１３９０００００００３　", "　２０１８－０３－０１　", "13900000003", "2018-03-01"),
    ] {
        let m = one("姓名,手机号,入党日期", &format!("王建国,{phone},{joined}"));
        assert_eq!(m.phone.as_deref(), Some(want_phone), "{phone:?}");
        assert_eq!(m.joined.map(|d| d.to_string()).as_deref(), Some(want_joined), "{joined:?}");
    }
}

#[test]
fn full_width_letters_spaces_and_punctuation_fold_in_every_field() {
    let m = one(
        "＊姓名,党小组,党员类别,职务,年老体弱",
        "　Ｌｉ　Ｎａ　,Ｇｒｏｕｐ　１,ｐｒｏｂａｔｉｏｎａｒｙ,ｓｅｃｒｅｔａｒｙ,１",
    );
    assert_eq!((m.name.as_str(), m.group.as_str()), ("Li Na", "Group 1"));
    assert_eq!((m.status, m.role, m.exempt), (Status::Probationary, Role::Secretary, true));
}

#[test]
fn names_keep_their_characters_and_lose_ideographic_spaces() {
    for (cell, name) in
        [("　王建国　", "王建国"), ("王　建国", "王 建国"), ("阿依·古丽", "阿依·古丽"), ("李，小龙", "李,小龙")]
    {
        assert_eq!(one("姓名", cell).name, name, "{cell:?}");
    }
}

#[test]
fn the_form_folds_full_width_input_too() {
    let draft = MemberDraft {
        name: "王建国".into(),
        phone: "１３９０００００００３".into(),
        joined: "２０１８年３月１日".into(),
        exempt: "０".into(),
        ..Default::default()
    };
    let m = draft.validate().unwrap();
    assert_eq!((m.phone.as_deref(), m.joined.unwrap().to_string()), (Some("13900000003"), "2018-03-01".into()));
}

#[test]
fn traditional_statuses_and_roles_are_understood() {
    for (text, status) in
        [("正式黨員", Status::Full), ("預備黨員", Status::Probationary), ("預備", Status::Probationary)]
    {
        assert_eq!(Status::parse(text), Some(status), "{text}");
    }
    for (text, role) in [
        ("書記", Role::Secretary),
        ("支部書記", Role::Secretary),
        ("副書記", Role::DeputySecretary),
        ("組織委員", Role::OrganizationCommissioner),
        ("宣傳委員", Role::PropagandaCommissioner),
        ("紀檢委員", Role::DisciplineCommissioner),
        ("紀律檢查委員", Role::DisciplineCommissioner),
        ("黨小組長", Role::GroupLeader),
        ("組長", Role::GroupLeader),
        ("黨員", Role::Member),
        ("普通黨員", Role::Member),
        ("無", Role::Member),
    ] {
        assert_eq!(Role::parse(text), Some(role), "{text}");
    }
    let m = one("姓名,党员类别,职务,年老体弱", "劉備,正式黨員,組織委員,年老體弱");
    assert_eq!((m.status, m.role, m.exempt), (Status::Full, Role::OrganizationCommissioner, true));
    assert_eq!(m.name, "劉備", "names stay as written");
}

#[test]
fn a_traditional_group_is_the_same_group_as_its_simplified_spelling() {
    let file =
        "姓名,党小组\n王建国,第二黨小組\n李秀英,第二党小组\n张伟,第二黨小组\n刘芳,機關黨小組\n陈明,离退休党小组\n";
    let groups: Vec<String> = rows(&preview(file.as_bytes(), &[]).unwrap()).into_iter().map(|m| m.group).collect();
    assert_eq!(groups, ["第二党小组", "第二党小组", "第二党小组", "机关党小组", "离退休党小组"]);
}

fn stamp(n: u64) -> EventStamp {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_le_bytes());
    EventStamp { device: DeviceId("dev".into()), actor: None, unix_ms: 1_764_000_000_000 + n as i64, random }
}

#[test]
fn an_imported_group_takes_the_spelling_already_on_the_roster() {
    let mut records = Records::default();
    for (n, (name, group)) in [("王建国", "第一党小组"), ("李秀英", "機關黨小組")].into_iter().enumerate()
    {
        let fields = MemberDraft { name: name.into(), group: group.into(), ..Default::default() }.validate().unwrap();
        let member = MemberId(format!("member-{n}"));
        records.record(stamp(n as u64), Payload::MemberAdded { member, fields });
    }
    let file = "姓名,党小组\n张伟,第一黨小組\n刘芳,机关党小组\n陈明,機關党小组\n杨丽,第三黨小組\n王建国,第一党小组\n";
    let p = preview_onto(file.as_bytes(), records.state()).unwrap();
    let groups: Vec<String> = rows(&p).into_iter().map(|m| m.group).collect();
    assert_eq!(groups, ["第一党小组", "機關黨小組", "機關黨小組", "第三党小组", "第一党小组"]);
    // Same names still warn against the roster.
    assert_eq!(p.duplicate_count(), 1);
}

#[test]
fn traditional_and_full_width_headers_are_read() {
    let file = "黨小組,姓名,黨員類別,職務,入黨日期,手機號,年老體弱\n第一黨小組,王建国,預備黨員,書記,２０２０年７月１日,１３８０００００００１,是\n";
    let p = preview(file.as_bytes(), &[]).unwrap();
    assert!(p.ignored_columns.is_empty(), "{:?}", p.ignored_columns);
    let m = rows(&p).remove(0);
    assert_eq!((m.group.as_str(), m.status, m.role), ("第一党小组", Status::Probationary, Role::Secretary));
    assert_eq!((m.joined.unwrap().to_string(), m.phone.as_deref()), ("2020-07-01".into(), Some("13800000001")));
}
