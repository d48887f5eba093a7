//! The versioned document: round trip, migration, refusals, density.

use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::bounds::OutOfBounds;
use zhibu_core::document::{self, DocError, SCHEMA};
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberDraft, Problem};

fn stamp(device: &str, n: u64) -> EventStamp {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_le_bytes());
    EventStamp { device: DeviceId(device.into()), actor: None, unix_ms: 1_764_000_000_000 + n as i64, random }
}

fn add(records: &mut Records, n: u64, name: &str) -> MemberId {
    let fields =
        MemberDraft { name: name.into(), group: "第一党小组".into(), ..Default::default() }.validate().unwrap();
    let member = MemberId(format!("member-{n}"));
    records.record(stamp("dev", n), Payload::MemberAdded { member: member.clone(), fields });
    member
}

#[test]
fn export_then_import_gives_the_same_state() {
    let mut records = Records::default();
    add(&mut records, 1, "王建国");
    records.compact();
    add(&mut records, 2, "李秀英");
    let text = document::to_json(&records);
    let doc = document::parse(&text).unwrap();
    let mut fresh = Records::default();
    assert!(doc.merge_into(&mut fresh));
    assert_eq!(fresh.state(), records.state());
    // Importing the same file again changes nothing.
    assert!(!doc.merge_into(&mut fresh));
    assert_eq!(fresh.pending_len(), 1);
}

#[test]
fn version_1_documents_migrate_forward() {
    let v1 = r#"{"version":1,"events":[{"i":"e1","d":"old-phone","c":1,"w":0,
        "p":{"t":"member_added","member":"m1","fields":{"name":"王建国","group":"第一党小组",
        "status":"full","role":"secretary","joined":"1998-07-01","phone":null,"exempt":false}}}]}"#;
    let doc = document::parse(v1).unwrap();
    assert_eq!(doc.snapshot, None);
    let mut records = Records::default();
    doc.merge_into(&mut records);
    let members = records.state().members();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].fields.name, "王建国");
    assert_eq!(members[0].fields.joined.unwrap().to_string(), "1998-07-01");
}

fn refused(text: &str) -> DocError {
    document::parse(text).unwrap_err()
}

#[test]
fn bad_documents_are_refused_with_what_is_wrong() {
    assert!(matches!(refused("{\"schema\": 2, \"events\": ["), DocError::NotJson { line: 1, .. }));
    assert_eq!(refused("[1, 2]"), DocError::NotZhibu);
    assert_eq!(refused("{\"members\": []}"), DocError::NotZhibu);
    assert_eq!(refused("{\"schema\": 99}"), DocError::TooNew { found: 99, supported: SCHEMA });
    let bad_status = r#"{"schema":2,"events":[{"i":"e1","d":"x","c":1,"w":0,"p":{"t":"member_added",
        "member":"m1","fields":{"name":"王","group":"","status":"boss","role":"member",
        "joined":null,"phone":null,"exempt":false}}}]}"#;
    match refused(bad_status) {
        DocError::Invalid { path, message } => {
            // Internally tagged payloads are buffered, so the path stops at `p`.
            assert_eq!(path, "events[0].p");
            assert!(message.contains("boss"), "{message}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let long_name = "王".repeat(100);
    let invalid_name = format!(
        r#"{{"schema":2,"events":[{{"i":"e1","d":"x","c":1,"w":0,"p":{{"t":"member_edited",
        "member":"m1","changes":[{{"name":"{long_name}"}}]}}}}]}}"#
    );
    match refused(&invalid_name) {
        DocError::InvalidEvent { index: 0, errors } => {
            assert_eq!(errors[0].problem, Problem::TooLong { max: 40 })
        }
        other => panic!("expected InvalidEvent, got {other:?}"),
    }
    let broken_snapshot = r#"{"schema":2,"snapshot":{"clk":1,"dev":[],"ids":[],"mem":[{"i":5}]},"events":[]}"#;
    assert!(matches!(refused(broken_snapshot), DocError::Invalid { path, .. } if path == "snapshot"));
}

/// Ten years of a 100-member branch, 40 meetings a year, every member marked
/// at every meeting by the organizer's two devices: the stored form must fit
/// comfortably in a browser's 5 MB.
#[test]
fn ten_years_of_attendance_fits_comfortably_in_five_megabytes() {
    let mut records = Records::default();
    let members: Vec<MemberId> = (0..100).map(|n| add(&mut records, n, &format!("党员{n}"))).collect();
    let mut n = 1_000;
    for meeting_no in 0..400u64 {
        let meeting = MeetingId(format!("01JMEETING{meeting_no:016}"));
        let start = 1_500_000_000 + meeting_no as i64 * 9 * 86_400;
        for (i, member) in members.iter().enumerate() {
            n += 1;
            let status = AttendanceStatus::from_code((i as u64 * 7 + meeting_no) % 13 % 5).unwrap();
            let at = matches!(status, AttendanceStatus::Present | AttendanceStatus::Late)
                .then_some(start + (i as i64 * 17) % 900);
            let device = if i % 3 == 0 { "organizer-phone" } else { "organizer-laptop" };
            let mark = Attendance { status, at, by_self: i % 2 == 0 };
            records.record(
                stamp(device, n),
                Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark },
            );
        }
        // The app compacts as it goes; fold every meeting into the snapshot.
        records.compact();
    }
    assert_eq!(records.state().attendance_count(), 40_000);
    let stored = document::to_json(&records);
    let per_mark = stored.len() as f64 / 40_000.0;
    println!("stored: {} bytes, {per_mark:.1} bytes per attendance record (all data included)", stored.len());
    assert!(stored.len() < 1_500_000, "{} bytes is not comfortable in 5 MB", stored.len());
    // And it reads back to the same state.
    let mut back = Records::default();
    document::parse(&stored).unwrap().merge_into(&mut back);
    assert_eq!(back.state(), records.state());
}

#[test]
fn out_of_range_clocks_and_times_are_refused_not_wrapped() {
    let event = |clock: &str, at: &str| {
        format!(
            r#"{{"schema":2,"events":[{{"i":"e1","d":"x","c":{clock},"w":0,"p":{{"t":"attendance_marked",
            "meeting":"g","member":"m","mark":{{"s":"present","at":{at}}}}}}}]}}"#
        )
    };
    assert!(document::parse(&event("5", "1764000000")).is_ok());
    assert_eq!(
        refused(&event("18446744073709551615", "1")),
        DocError::Bounds { index: 0, problem: OutOfBounds::Clock(u64::MAX) }
    );
    assert_eq!(
        refused(&event("5", "-9223372036854775808")),
        DocError::Bounds { index: 0, problem: OutOfBounds::Time(i64::MIN) }
    );
    // A crafted snapshot whose offsets overflow is an error, not a panic.
    let crafted = r#"{"schema":2,"snapshot":{"clk":1,"dev":["d"],"ids":["m"],
        "att":[{"m":"g","c":9007199254740990,"t":9223372036854775800,"r":[0,0,100,100,0]}]},"events":[]}"#;
    assert!(matches!(refused(crafted), DocError::Invalid { path, .. } if path == "snapshot"));
}

#[test]
fn a_snapshot_clock_below_its_registers_is_raised() {
    let text = r#"{"schema":2,"snapshot":{"clk":1,"dev":["d"],"ids":["m"],
        "mem":[{"i":0,"n":{"v":"王建国","c":40,"d":0}}]},"events":[]}"#;
    let snapshot = document::parse(text).unwrap().snapshot.unwrap();
    assert_eq!(snapshot.max_clock, 40, "new edits must win over the stored ones");
}

#[test]
fn unknown_top_level_fields_and_empty_edits_are_refused() {
    assert!(matches!(refused(r#"{"schema":2,"evnts":[]}"#), DocError::Invalid { path, .. } if path == "evnts"));
    let empty_edit = r#"{"schema":2,"events":[{"i":"e1","d":"x","c":1,"w":0,
        "p":{"t":"member_edited","member":"m1","changes":[]}}]}"#;
    assert!(matches!(refused(empty_edit), DocError::InvalidEvent { index: 0, .. }));
}
