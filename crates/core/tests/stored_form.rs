//! The stored form of meetings (schema 9): every field, its history and a
//! held meeting's frozen 应到 read back exactly; a schema-8 file (meetings
//! stored plainly in `ext.mtg`) still opens to the same records.

mod branch;

use branch::*;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::commands::meetings::undo_hold;
use zhibu_core::document;
use zhibu_core::ids::DeviceId;
use zhibu_core::meetings::{Audience, MeetingKind, MeetingStatus};
use zhibu_core::records::Records;

/// What the stored meetings must keep: planned and edited twice (history),
/// held with an archived member left out of the 应到, cancelled, held then
/// undone and held again (a held status in the history), marks.
fn branch_with_meetings() -> Branch {
    let mut b = Branch::named();
    let members = b.full(12);
    b.archive(&members[3]);
    let day = b.now() + 86_400;
    let held = b.held(MeetingKind::General, Audience::Branch, day);
    b.present(&held, &[&members[0], &members[1]]);
    b.mark(&held, &members[2], AttendanceStatus::Leave);
    b.minutes(&held, "一、传达学习上级文件精神；二、交流发言。");
    let planned = b.plan(MeetingKind::Lecture, Audience::Branch, day + 7 * 86_400);
    b.edit(&planned, |d| d.topic = "党课：党的组织建设".into());
    b.edit(&planned, |d| d.place = "三楼会议室".into());
    let cancelled = b.plan(MeetingKind::ThemeDay, Audience::Branch, day + 14 * 86_400);
    b.cancel(&cancelled, "台风停课");
    let redone = b.held(MeetingKind::Study, Audience::Branch, day + 21 * 86_400);
    b.run(DESK, None, |state, _| undo_hold(state, &redone, &DeviceId(DESK.into()))).expect("held here, unchanged");
    b.hold(&redone);
    b.records.compact();
    b
}

/// The file `branch_with_meetings` wrote before schema 9 (the app of stop
/// 32): meetings in `ext.mtg`, each register with its writer's id.
const SCHEMA_8: &str = include_str!("fixtures/schema-8-meetings.json");

fn read(text: &str) -> Records {
    let mut records = Records::default();
    document::parse(text).expect("a readable document").merge_into(&mut records);
    records
}

#[test]
fn every_meeting_field_its_history_and_the_frozen_attendees_read_back() {
    let b = branch_with_meetings();
    let text = document::to_json(&b.records);
    let back = read(&text);
    assert_eq!(back.state(), b.state());
    // What the check above covers, said plainly: two held meetings (one
    // with a held status in its history), the archived member not in 应到.
    let held: Vec<_> = back.state().meetings().into_iter().filter(|m| m.is_held()).collect();
    assert_eq!(held.len(), 2);
    for m in &held {
        let MeetingStatus::Held { expected } = &m.status else { unreachable!() };
        assert_eq!(expected.len(), 11, "twelve members, one archived");
    }
    let histories = back.state().ext.meetings.values().flat_map(|t| t.0.values()).filter(|r| !r.history.is_empty());
    assert!(histories.count() >= 4, "topic, place, the cancelled status, the undone hold");
    // Written again, it is the same text: nothing drifts per save.
    assert_eq!(document::to_json(&back), text);
}

#[test]
fn a_schema_8_file_opens_to_the_same_records_and_is_written_smaller() {
    assert!(SCHEMA_8.starts_with("{\"events\":[],\"schema\":8,") && SCHEMA_8.contains("\"mtg\":"), "the old form");
    let old = read(SCHEMA_8);
    let b = branch_with_meetings();
    assert_eq!(old.state(), b.state());
    let now = document::to_json(&old);
    assert!(now.contains(&format!("\"schema\":{}", document::SCHEMA)) && !now.contains("\"mtg\":"));
    // Twelve members are most of this small file; the meetings shrink most.
    assert!(now.len() * 3 < SCHEMA_8.len() * 2, "{} bytes now, {} before", now.len(), SCHEMA_8.len());
    assert_eq!(read(&now).state(), b.state());
}

#[test]
fn a_meeting_naming_a_member_or_writer_out_of_range_is_refused() {
    let text = document::to_json(&branch_with_meetings().records);
    // Each held meeting's 应到: members 0–2 and 4–11 (3 is archived).
    assert_eq!(text.matches("\"e\":[0,3,4,8]").count(), 2, "{text}");
    let too_many = text.replacen("\"e\":[0,3,4,8]", "\"e\":[0,3,4,9]", 1);
    let err = document::parse(&too_many).unwrap_err();
    assert!(format!("{err:?}").contains("应到 index out of range"), "{err:?}");
    let odd = text.replacen("\"e\":[0,3,4,8]", "\"e\":[0,3,4]", 1);
    assert!(document::parse(&odd).is_err());
    let writer = text.replacen("[[15,0,[", "[[15,1,[", 1);
    assert!(format!("{:?}", document::parse(&writer).unwrap_err()).contains("writer index 1 out of range"));
}
