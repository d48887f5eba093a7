//! A device's history for its first push: every register write of a state
//! as an event again (`sync::history::unfold`), folding back to exactly
//! that state, so the server and every other device end with it.

mod random_events;

use proptest::prelude::*;
use random_events::{T0, any_payload, valid_events};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::document;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId, NominationId, RoundId};
use zhibu_core::roster::FieldValue;
use zhibu_core::rounds::Nomination;
use zhibu_core::snapshot;
use zhibu_core::state::State;
use zhibu_core::sync::history::unfold;

const CASES: u32 = 2_000;

fn event(id: &str, device: &str, clock: u64, actor: Option<&str>, payload: Payload) -> Event {
    Event {
        id: EventId(id.into()),
        device: DeviceId(device.into()),
        clock,
        actor: actor.map(|a| MemberId(a.into())),
        at: T0 * 1000 + clock as i64,
        payload,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Ballots are not events (they travel as boxes): these states have none.
    #[test]
    fn a_state_unfolds_into_events_that_fold_back_to_it(events in valid_events(any_payload(), 40)) {
        let state = State::fold(&events);
        // The app unfolds the stored snapshot.
        let stored = snapshot::from_json(&snapshot::to_json(&state));
        let unfolded = unfold(&stored.unwrap());
        prop_assert_eq!(&State::fold(&unfolded), &state);
        prop_assert_eq!(&unfold(&state), &unfolded, "unfolding twice gives the same ids");
        // The server would take every one of them.
        for (i, e) in unfolded.iter().enumerate() {
            prop_assert!(document::check_event(i, e).is_ok(), "{:?}: {:?}", e, document::check_event(i, e));
        }
        prop_assert!(unfolded.windows(2).all(|w| w[0].clock <= w[1].clock), "in clock order");
    }
}

#[test]
fn overridden_writes_come_back_as_their_own_events() {
    let m = || MemberId("m".into());
    let meeting = MeetingId("g".into());
    let mark = |status| Payload::AttendanceMarked {
        meeting: meeting.clone(),
        member: m(),
        mark: Attendance { status, at: None, by_self: false },
    };
    let rename = |name: &str| Payload::MemberEdited { member: m(), changes: vec![FieldValue::Name(name.into())] };
    let events = [
        event("e1", "laptop", 1, None, rename("王建国")),
        // Two devices rename at once: one wins, the other is history.
        event("e2", "laptop", 2, None, rename("王建华")),
        event("e3", "phone", 2, None, rename("王建军")),
        event("e4", "laptop", 3, None, mark(AttendanceStatus::Present)),
        event("e5", "laptop", 4, None, mark(AttendanceStatus::Late)),
    ];
    let state = State::fold(&events);
    assert_eq!(state.members[&m()].fields().unwrap().name, "王建军");
    let unfolded = unfold(&state);
    let stamps: Vec<(u64, &str)> = unfolded.iter().map(|e| (e.clock, e.device.as_str())).collect();
    assert_eq!(stamps, [(1, "laptop"), (2, "laptop"), (2, "phone"), (3, "laptop"), (4, "laptop")]);
    assert_eq!(State::fold(&unfolded), state);
}

#[test]
fn an_audited_write_keeps_its_id_actor_and_time() {
    let round = RoundId("r".into());
    let record = Nomination { nominee: MemberId("b".into()), by: MemberId("a".into()), deeds: "事迹".into() };
    let nominated = Payload::Nominated { round: round.clone(), nomination: NominationId("n".into()), record };
    let original = event("01ORIGINAL", "phone", 7, Some("a"), nominated);
    let unfolded = unfold(&State::fold(std::slice::from_ref(&original)));
    assert_eq!(unfolded, [original]);
}
