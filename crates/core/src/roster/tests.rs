use super::*;

fn draft(name: &str, status: &str, role: &str, joined: &str, phone: &str) -> MemberDraft {
    MemberDraft {
        name: name.into(),
        group: "第一党小组".into(),
        status: status.into(),
        role: role.into(),
        joined: joined.into(),
        phone: phone.into(),
        exempt: String::new(),
    }
}

#[test]
fn a_sheet_row_validates() {
    let fields = draft("王建国", "正式党员", "书记", "1998-07-01", "13800000001").validate().unwrap();
    assert_eq!(fields.name, "王建国");
    assert_eq!(fields.status, Status::Full);
    assert_eq!(fields.role, Role::Secretary);
    assert_eq!(fields.joined.unwrap().to_string(), "1998-07-01");
    assert_eq!(fields.phone.as_deref(), Some("13800000001"));
    assert!(!fields.exempt);
}

#[test]
fn empty_role_and_phone_mean_none() {
    let fields = draft(" 杨丽 ", "预备", "", "", "").validate().unwrap();
    assert_eq!(fields.name, "杨丽");
    assert_eq!(fields.role, Role::Member);
    assert_eq!(fields.status, Status::Probationary);
    assert_eq!(fields.phone, None);
    assert_eq!(fields.joined, None);
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = draft("", "群众", "队长", "1998-13-01", "abc").validate().unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, [Field::Name, Field::Status, Field::Role, Field::Joined, Field::Phone]);
    assert_eq!(errors[2].problem, Problem::Unknown { given: "队长".into() });
}

#[test]
fn names_with_control_characters_or_too_long_are_refused() {
    let long = "王".repeat(MAX_NAME + 1);
    assert_eq!(draft(&long, "", "", "", "").validate().unwrap_err()[0].problem, Problem::TooLong { max: MAX_NAME });
    assert_eq!(draft("王\u{7}国", "", "", "", "").validate().unwrap_err()[0].problem, Problem::ControlCharacters);
}

#[test]
fn changes_carry_only_what_differs() {
    let old = draft("张伟", "正式党员", "宣传委员", "", "").validate().unwrap();
    let mut new = old.clone();
    new.group = "第二党小组".into();
    new.exempt = true;
    assert_eq!(old.changes(&new), [FieldValue::Group("第二党小组".into()), FieldValue::Exempt(true)]);
    assert!(old.changes(&old).is_empty());
}

#[test]
fn draft_round_trips_through_fields() {
    let fields = draft("李秀英", "正式党员", "组织委员", "2003-06-18", "138-0000-0002").validate().unwrap();
    assert_eq!(MemberDraft::from(&fields).validate().unwrap(), fields);
}
