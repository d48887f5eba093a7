//! The content checks every round event from outside gets (a push, a
//! backup): nobody nominates or votes for another member, a code is on
//! the roll only as its hash, and a document carrying a bad one is refused.

use zhibu_core::ballot;
use zhibu_core::document;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MemberId, NominationId, RoundId};
use zhibu_core::rounds::{Nomination, RoundValue, Voter};

const T0: i64 = 1_773_000_000_000;

fn mid(s: &str) -> MemberId {
    MemberId(s.into())
}

fn rid(s: &str) -> RoundId {
    RoundId(s.into())
}

/// An event as it arrives from outside: hand-made, no command behind it.
fn event(actor: Option<&str>, payload: Payload) -> Event {
    Event {
        id: EventId::generate(T0 as u64, [1; 16]),
        device: DeviceId("phone".into()),
        clock: 1,
        actor: actor.map(mid),
        at: T0,
        payload,
    }
}

#[test]
fn content_checks_refuse_acts_made_for_someone_else() {
    let nominated = |actor: Option<&str>| {
        event(
            actor,
            Payload::Nominated {
                round: rid("r1"),
                nomination: NominationId("n1".into()),
                record: Nomination { nominee: mid("m01"), by: mid("m02"), deeds: "事迹".into() },
            },
        )
    };
    assert_eq!(document::check_content(&nominated(Some("m02"))), Ok(()));
    assert!(document::check_content(&nominated(Some("m03"))).is_err(), "a nomination made for another member");
    assert!(document::check_content(&nominated(Some("m01"))).is_err(), "the nominee cannot sign as nominator");
    assert!(document::check_content(&nominated(None)).is_err());

    let voted = |actor: Option<&str>, voter: Voter| event(actor, Payload::Voted { round: rid("r1"), voter });
    assert_eq!(document::check_content(&voted(Some("m04"), Voter::Member(mid("m04")))), Ok(()));
    assert!(document::check_content(&voted(Some("m05"), Voter::Member(mid("m04")))).is_err(), "代投");
    assert!(document::check_content(&voted(None, Voter::Member(mid("m04")))).is_err());

    let hash = ballot::code_hash(&rid("r1"), "ABCDEFGHJK");
    assert_eq!(document::check_content(&voted(None, Voter::Code(hash.clone()))), Ok(()));
    for bad in
        ["ABCDEFGHJK".to_owned(), hash[..31].to_owned(), format!("{hash}0"), format!("{}g", &hash[..31]), String::new()]
    {
        assert!(document::check_content(&voted(None, Voter::Code(bad.clone()))).is_err(), "{bad:?}");
    }
    let codes = |hashes: Vec<String>| {
        event(None, Payload::RoundSaved { round: rid("r1"), changes: vec![RoundValue::Codes(hashes)] })
    };
    assert_eq!(document::check_content(&codes(vec![hash.clone()])), Ok(()));
    assert!(document::check_content(&codes(vec![hash, "ABCDEFGHJK".into()])).is_err(), "a plain code stored");

    // A document carrying such an event is refused as a whole.
    let bad = voted(Some("m05"), Voter::Member(mid("m04")));
    let json = document::events_to_json([&bad]);
    assert!(document::parse(&json).is_err());
}
