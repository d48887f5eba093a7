//! One order for 党小组 everywhere (issue 20, item 14): by their number
//! (第一 … 第十 … 第十二, 第3 too), then the groups without one by pinyin,
//! no group last; within a group 书记 first, then names by pinyin.

use zhibu_core::compliance::active_groups;
use zhibu_core::date::Date;
use zhibu_core::event::Payload;
use zhibu_core::ids::{ClassId, DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::{Audience, MeetingKind, MeetingStatus, MeetingValue as V};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberDraft, Role};
use zhibu_core::roster_order::{group_key, group_names, member_key, sections};
use zhibu_core::state::Member;
use zhibu_core::training::{self, ClassValue};
use zhibu_core::zone::Zone;
use zhibu_core::{hours, sheet};

const SHUFFLED: [&str; 12] = [
    "第三党小组",
    "离退休党小组",
    "第十二党小组",
    "第二党小组",
    "第3车间党小组",
    "机关党小组",
    "第十党小组",
    "办公室党小组",
    "第一党小组",
    "第二十一党小组",
    "第十一党小组",
    "第4党小组",
];

const ORDERED: [&str; 12] = [
    "第一党小组",
    "第二党小组",
    "第3车间党小组",
    "第三党小组",
    "第4党小组",
    "第十党小组",
    "第十一党小组",
    "第十二党小组",
    "第二十一党小组",
    "办公室党小组",
    "机关党小组",
    "离退休党小组",
];

#[test]
fn group_names_sort_by_their_number_then_by_pinyin() {
    assert_eq!(group_names(SHUFFLED), ORDERED);
    let mut by_key = SHUFFLED.to_vec();
    by_key.sort_by_key(|g| group_key(g));
    assert_eq!(by_key, ORDERED);
}

#[test]
fn the_three_groups_of_the_issue_sort_one_two_three() {
    assert_eq!(group_names(["第一党小组", "第三党小组", "第二党小组"]), ["第一党小组", "第二党小组", "第三党小组"]);
    assert_eq!(group_names(["一组", "三组", "二组", "十组"]), ["一组", "二组", "三组", "十组"]);
    assert_eq!(group_names(["Group 10", "Group 2", "Group 1"]), ["Group 1", "Group 2", "Group 10"]);
}

#[test]
fn group_names_drop_blanks_and_repeats_and_keep_look_alikes_apart() {
    let names = group_names(["第二党小组", "", "第二党小组", "第2党小组", "第一党小组", "第２党小组"]);
    assert_eq!(names, ["第一党小组", "第2党小组", "第二党小组", "第２党小组"], "same number: by code point");
    // Different names never share a key (the roster groups by it).
    assert_ne!(group_key("第2党小组"), group_key("第二党小组"));
    assert!(group_key("") > group_key("离退休党小组"), "no group comes last");
}

fn member(n: usize, name: &str, group: &str, role: Role) -> Member {
    let mut fields = MemberDraft { name: name.into(), group: group.into(), ..Default::default() }.validate().unwrap();
    fields.role = role;
    Member { id: MemberId(format!("m{n:02}")), fields, archived: false }
}

fn roster() -> Vec<Member> {
    [
        ("赵磊", "第十党小组", Role::Member),
        ("王建国", "第一党小组", Role::Secretary),
        ("陈明", "", Role::Member),
        ("李秀英", "第三党小组", Role::GroupLeader),
        ("张伟", "第二党小组", Role::Member),
        ("曾敏", "机关党小组", Role::Member),
        ("刘芳", "第二党小组", Role::GroupLeader),
        ("杨丽", "第二党小组", Role::Member),
    ]
    .into_iter()
    .enumerate()
    .map(|(n, (name, group, role))| member(n, name, group, role))
    .collect()
}

#[test]
fn the_roster_shows_sections_in_group_order() {
    let got: Vec<(String, Vec<String>)> = sections(roster())
        .into_iter()
        .map(|(group, people)| (group, people.into_iter().map(|m| m.fields.name).collect()))
        .collect();
    let want = [
        ("第一党小组", vec!["王建国"]),
        ("第二党小组", vec!["刘芳", "杨丽", "张伟"]),
        ("第三党小组", vec!["李秀英"]),
        ("第十党小组", vec!["赵磊"]),
        ("机关党小组", vec!["曾敏"]),
        ("", vec!["陈明"]),
    ];
    let want: Vec<(String, Vec<String>)> =
        want.into_iter().map(|(g, p)| (g.to_owned(), p.into_iter().map(str::to_owned).collect())).collect();
    assert_eq!(got, want);
}

#[test]
fn members_sort_by_group_then_post_then_pinyin() {
    let mut members = roster();
    members.sort_by_cached_key(member_key);
    let names: Vec<&str> = members.iter().map(|m| m.fields.name.as_str()).collect();
    assert_eq!(names, ["王建国", "刘芳", "杨丽", "张伟", "李秀英", "赵磊", "曾敏", "陈明"]);
}

fn stamp(n: u64) -> EventStamp {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_le_bytes());
    EventStamp { device: DeviceId("dev".into()), actor: None, unix_ms: 1_764_000_000_000 + n as i64, random }
}

#[test]
fn the_compliance_calendar_lists_groups_in_the_same_order() {
    let mut records = Records::default();
    for (n, group) in SHUFFLED.iter().enumerate() {
        let fields =
            MemberDraft { name: format!("党员{n}"), group: (*group).into(), ..Default::default() }.validate().unwrap();
        records.record(stamp(n as u64), Payload::MemberAdded { member: MemberId(format!("m{n:02}")), fields });
    }
    assert_eq!(active_groups(records.state()), ORDERED);
}

/// The sheet, the 学时 lines and a class's report (the 台账 and exports are
/// made from them) list people in the roster's order.
#[test]
fn sheets_hours_and_class_reports_list_people_in_roster_order() {
    let mut records = Records::default();
    let mut n = 0;
    let mut add = |records: &mut Records, payload: Payload| {
        n += 1;
        records.record(stamp(n), payload);
    };
    // Added (and so numbered) in an order unlike the roster's.
    for member in roster().into_iter().rev() {
        add(&mut records, Payload::MemberAdded { member: member.id, fields: member.fields });
    }
    let start = Zone::CST.unix(Date::parse("2026-03-02").unwrap(), 14, 0).unwrap();
    let meeting = MeetingId("t01".into());
    let changes = vec![
        V::Kind(MeetingKind::General),
        V::Topic("学习党章".into()),
        V::Start(start),
        V::Minutes(120),
        V::Audience(Audience::Branch),
        V::Status(MeetingStatus::Planned),
    ];
    add(&mut records, Payload::MeetingSaved { meeting: meeting.clone(), changes });
    let class = ClassId("c01".into());
    let changes = vec![
        ClassValue::Title("培训班".into()),
        ClassValue::Audience(Audience::Branch),
        ClassValue::Dates(Date::parse("2026-03-01").unwrap(), Date::parse("2026-03-31").unwrap()),
        ClassValue::Completion(None),
    ];
    add(&mut records, Payload::ClassSaved { class: class.clone(), changes });

    let state = records.state();
    let settings = state.settings();
    let want = ["王建国", "刘芳", "杨丽", "张伟", "李秀英", "赵磊", "曾敏", "陈明"];
    let sheet = sheet::sheet(state, &state.meeting(&meeting).unwrap(), &settings, None);
    assert_eq!(sheet.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), want, "the sheet");
    let hours = hours::year(state, 2026, &settings, None);
    assert_eq!(hours.lines.iter().map(|l| l.member.fields.name.as_str()).collect::<Vec<_>>(), want, "学时");
    let report = training::report(state, &state.class(&class).unwrap(), &settings, None);
    let names: Vec<String> = report.lines.iter().map(|l| state.member(&l.member).unwrap().fields.name).collect();
    assert_eq!(names, want, "the class report");
}

/// `sheet::row` (what a command about one member reads) is the sheet's own
/// row for every expected member, and nothing for anyone else.
#[test]
fn one_row_is_the_sheets_row() {
    let mut records = Records::default();
    let mut n = 0;
    let mut add = |records: &mut Records, payload: Payload| {
        n += 1;
        records.record(stamp(n), payload);
    };
    let ids = ["王建国", "刘芳", "陈明"]
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let id = MemberId(format!("m{n}"));
            let fields =
                MemberDraft { name: (*name).into(), group: format!("第{}党小组", 3 - n), ..MemberDraft::default() }
                    .validate()
                    .unwrap();
            add(&mut records, Payload::MemberAdded { member: id.clone(), fields });
            id
        })
        .collect::<Vec<_>>();
    let meeting = MeetingId("mt1".into());
    let changes = vec![
        V::Kind(MeetingKind::General),
        V::Topic("支部党员大会".into()),
        V::Start(1_772_000_000),
        V::Audience(Audience::Branch),
        V::Status(MeetingStatus::Planned),
    ];
    add(&mut records, Payload::MeetingSaved { meeting: meeting.clone(), changes });
    let state = records.state();
    let settings = state.settings();
    let m = state.meeting(&meeting).unwrap();
    let whole = sheet::sheet(state, &m, &settings, None);
    assert_eq!(whole.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["陈明", "刘芳", "王建国"]);
    for id in &ids {
        let row = sheet::row(state, &m, &settings, None, id);
        assert_eq!(row.as_ref(), whole.rows.iter().find(|r| &r.member == id), "{id:?}");
    }
    assert_eq!(sheet::row(state, &m, &settings, None, &MemberId("nobody".into())), None);
}
