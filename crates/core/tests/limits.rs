//! Limits on events from outside (issue 22): a clock that leapt to the top
//! of the range no longer drags the next clock with it, ids and free
//! strings are bounded, and an event's size is capped — the same for a
//! backup import as for the server, since both run `check_event`.

use zhibu_core::checkin::{CheckIn, Proof};
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId, RoundId};
use zhibu_core::meetings::{Audience, MeetingValue};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::MemberDraft;
use zhibu_core::rounds::Voter;
use zhibu_core::settings::Setting;

/// The largest clock builds before these limits accepted (and stored).
const POISON: u64 = 1 << 53;

fn stamp(n: u64) -> EventStamp {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_le_bytes());
    EventStamp { device: DeviceId("laptop".into()), actor: None, unix_ms: 1_764_000_000_000 + n as i64, random }
}

fn event(id: &str, clock: u64, payload: Payload) -> Event {
    Event { id: EventId(id.into()), device: DeviceId("phone".into()), clock, actor: None, at: 0, payload }
}

fn archived(member: &str) -> Payload {
    Payload::MemberArchived { member: MemberId(member.into()) }
}

fn meeting(changes: Vec<MeetingValue>) -> Payload {
    Payload::MeetingSaved { meeting: MeetingId("m".into()), changes }
}

/// What `check_event` says, as the server and the import word it.
fn check(event: &Event) -> Result<(), String> {
    document::check_event(0, event).map_err(|e| e.to_string())
}

#[test]
fn a_poisoned_clock_does_not_drag_the_next_clock() {
    let mut records = Records::default();
    records.record(stamp(1), archived("a"));
    // A tampered phone's event, as a server from before the limits served it.
    let poison = event("poison", POISON, archived("b"));
    assert_eq!(check(&poison), Ok(()), "still readable: phones and servers hold such events");
    records.merge_events([&poison]);
    let next = records.record(stamp(2), archived("c"));
    assert_eq!(next.clock, 2, "the poisoned clock is not counted");
    assert_eq!(check(&next), Ok(()));
    // The poisoned write keeps its register (nothing is lost or rewritten).
    assert!(records.state().members[&MemberId("b".into())].archived.as_ref().unwrap().stamp.clock == POISON);
    // Merging it again changes nothing.
    assert_eq!(records.merge_events([&poison]).added, 0);
}

#[test]
fn a_snapshot_holding_a_poisoned_clock_recovers() {
    let mut records = Records::default();
    records.record(stamp(1), archived("a"));
    records.merge_events([&event("poison", POISON, archived("b"))]);
    records.compact();
    // Written as an older build wrote it: `clk` is the poisoned clock.
    let text = document::to_json(&records).replacen("\"clk\":1,", &format!("\"clk\":{POISON},"), 1);
    assert!(text.contains(&format!("\"clk\":{POISON}")), "{text}");
    let doc = document::parse(&text).expect("readable");
    let mut back = Records::from_snapshot(doc.snapshot.expect("a snapshot"));
    assert_eq!(back.state().max_clock, 1);
    assert_eq!(back.record(stamp(2), archived("c")).clock, 2);
}

#[test]
fn the_next_clock_is_always_accepted() {
    // Even a writer whose counted clocks reached the ceiling makes valid events.
    let top = 1 << 52; // `bounds::MAX_COUNTED_CLOCK`
    let mut records = Records::default();
    records.merge_events([&event("top", top, archived("a")), &event("above", top + 1, archived("b"))]);
    for n in 0..3 {
        let next = records.record(stamp(n), archived("c"));
        assert_eq!(next.clock, top + 1);
        assert_eq!(check(&next), Ok(()));
    }
    assert!(check(&event("over", POISON + 1, archived("d"))).unwrap_err().contains("is above"));
}

#[test]
fn ids_are_at_most_64_bytes() {
    let long = "x".repeat(65);
    let at_limit = "x".repeat(64);
    assert_eq!(check(&event(&at_limit, 1, archived(&at_limit))), Ok(()));
    let cases: Vec<(Event, &str)> = vec![
        (event(&long, 1, archived("a")), "id is 65 bytes long (at most 64)"),
        (event("", 1, archived("a")), "id is empty"),
        (Event { device: DeviceId(long.clone()), ..event("e", 1, archived("a")) }, "device is 65"),
        (Event { actor: Some(MemberId(long.clone())), ..event("e", 1, archived("a")) }, "actor is 65"),
        (event("e", 1, archived(&long)), "member is 65"),
        (
            event("e", 1, meeting(vec![MeetingValue::Audience(Audience::List(vec![MemberId(long.clone())]))])),
            "member is 65",
        ),
        (event("e", 1, meeting(vec![MeetingValue::Class(long.as_str().into())])), "class is 65"),
        (
            event("e", 1, Payload::Voted { round: RoundId(long.clone()), voter: Voter::Member("a".into()) }),
            "round is 65",
        ),
    ];
    for (e, words) in cases {
        let said = check(&e).expect_err(words);
        assert!(said.contains(words), "{said:?} should say {words:?}");
    }
}

#[test]
fn free_strings_and_whole_events_are_bounded() {
    // A check-in token and a key are parsed leniently (trimmed, found in a
    // link), so padding could carry a megabyte past the parser.
    let padded = format!("{}#/c/x.y.z", " ".repeat(2000));
    let check_in = Payload::CheckedIn {
        meeting: MeetingId("m".into()),
        member: MemberId("a".into()),
        check: CheckIn { at: 0, device: "p".into(), proof: Proof::Token(padded) },
    };
    let e = Event { actor: Some(MemberId("a".into())), ..event("e", 1, check_in) };
    assert!(check(&e).unwrap_err().contains("proof is 2009 bytes long (at most 1024)"));
    let key = Payload::SettingsChanged { changes: vec![Setting::OrganizerKey(format!("{}k", " ".repeat(2000)))] };
    assert!(check(&event("e", 1, key)).unwrap_err().contains("organizer key is 2001 bytes"));

    let fields = MemberDraft { name: "王".repeat(40), ..Default::default() }.validate().unwrap();
    let import = |n: usize| Payload::MembersImported {
        members: (0..n).map(|i| ImportedMember { id: MemberId(format!("m{i}")), fields: fields.clone() }).collect(),
    };
    assert_eq!(check(&event("e", 1, import(1000))), Ok(()));
    let big = event("e", 1, import(8000));
    let size = serde_json::to_string(&big).unwrap().len();
    assert!(size > 1 << 20);
    assert_eq!(check(&big), Err(format!("events[0]: the event is {size} bytes long (at most 1048576)")));
}

#[test]
fn an_import_refuses_what_the_server_refuses() {
    let long = "x".repeat(1000);
    let text = format!(
        r#"{{"schema":4,"events":[{{"i":"{long}","d":"phone","c":1,"w":0,"p":{{"t":"member_archived","member":"a"}}}}]}}"#
    );
    assert_eq!(
        document::parse(&text),
        Err(DocError::Bounds { index: 0, problem: zhibu_core::bounds::OutOfBounds::Id { what: "id", len: 1000 } })
    );
}
