//! Who may push which event, and what of an event leaves the device: pure,
//! so the app knows before pushing what the server will refuse.

use super::Role;
use crate::event::{Event, Payload};
use crate::ids::MemberId;
use crate::roster::FieldValue;
use crate::rounds::Voter;

/// Who is pushing: the role and, for a phone, its member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's role.
    pub role: Role,
    /// The member the token is bound to (phones; committee members).
    pub member: Option<MemberId>,
}

/// Why an event is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role may not make this kind of event.
    NotAllowed(&'static str),
    /// The event names another member as its actor or subject.
    NotYours,
    /// A named roll entry from a device that is not the voter's own.
    OwnDeviceOnly,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotAllowed(kind) => write!(f, "this role may not push `{kind}` events"),
            Refusal::NotYours => f.write_str("the event acts for another member"),
            Refusal::OwnDeviceOnly => f.write_str(
                "a named vote comes only from the voter's own device (no proxy voting): \
                 a record keeper enters a paper ballot instead",
            ),
        }
    }
}

/// The payload's tag, as in JSON (`t`).
pub fn kind(payload: &Payload) -> &'static str {
    match payload {
        Payload::MemberAdded { .. } => "member_added",
        Payload::MemberEdited { .. } => "member_edited",
        Payload::MemberArchived { .. } => "member_archived",
        Payload::MemberRestored { .. } => "member_restored",
        Payload::MembersImported { .. } => "members_imported",
        Payload::AttendanceMarked { .. } => "attendance_marked",
        Payload::SettingsChanged { .. } => "settings_changed",
        Payload::MeetingSaved { .. } => "meeting_saved",
        Payload::CheckedIn { .. } => "checked_in",
        Payload::LeaveRequested { .. } => "leave_requested",
        Payload::LeaveDecided { .. } => "leave_decided",
        Payload::MadeUp { .. } => "made_up",
        Payload::DeviceConfirmed { .. } => "device_confirmed",
        Payload::ClassSaved { .. } => "class_saved",
        Payload::SelfStudyRecorded { .. } => "self_study_recorded",
        Payload::SelfStudyDecided { .. } => "self_study_decided",
        Payload::RoundSaved { .. } => "round_saved",
        Payload::Nominated { .. } => "nominated",
        Payload::Reviewed { .. } => "reviewed",
        Payload::Voted { .. } => "voted",
        Payload::ObjectionFiled { .. } => "objection_filed",
        Payload::ObjectionHandled { .. } => "objection_handled",
        Payload::SelfAssessed { .. } => "self_assessed",
        Payload::Commented { .. } => "commented",
        Payload::AppraisalDecided { .. } => "appraisal_decided",
    }
}

/// Whether `who` may push `event`. Record keepers may push anything (the
/// organizer's device also relays members' receipts) but votes; a member's
/// phone only its own acts, as itself. Roll entries: a named one only from
/// the voter's own device, whatever its role (no proxy voting); a paper
/// ballot or a code only from a record keeper, a paper one naming the
/// keeper as its actor. A `Voted` is accepted only beside its ballot
/// (checked by the server).
pub fn may_push(who: &Principal, event: &Event) -> Result<(), Refusal> {
    if let Payload::Voted { voter, .. } = &event.payload {
        return may_push_vote(who, event, voter);
    }
    if who.role.keeps_records() {
        return Ok(());
    }
    let me = who.member.as_ref().ok_or(Refusal::NotYours)?;
    if event.actor.as_ref() != Some(me) {
        return Err(Refusal::NotYours);
    }
    let own = |member: &MemberId| if member == me { Ok(()) } else { Err(Refusal::NotYours) };
    match &event.payload {
        Payload::CheckedIn { member, .. } | Payload::LeaveRequested { member, .. } => own(member),
        Payload::SelfStudyRecorded { record, .. } => own(&record.member),
        Payload::Nominated { record, .. } => own(&record.by),
        // A member's own 自评 (a paper one is a keeper's entry) and comments.
        Payload::SelfAssessed { member, assessment, .. } if !assessment.on_paper => own(member),
        Payload::Commented { by, .. } => own(by),
        Payload::ObjectionFiled { .. } => Ok(()),
        other => Err(Refusal::NotAllowed(kind(other))),
    }
}

fn may_push_vote(who: &Principal, event: &Event, voter: &Voter) -> Result<(), Refusal> {
    match voter {
        Voter::Member(member) => {
            if who.member.as_ref() == Some(member) && event.actor.as_ref() == Some(member) {
                Ok(())
            } else {
                Err(Refusal::OwnDeviceOnly)
            }
        }
        Voter::Paper(_) | Voter::Code(_) if !who.role.keeps_records() => Err(Refusal::NotAllowed("voted")),
        // "Entered by X" must be true: X is the keeper's own member (none
        // for the organizer's login).
        Voter::Paper(_) if event.actor != who.member => Err(Refusal::NotYours),
        Voter::Paper(_) | Voter::Code(_) => Ok(()),
    }
}

/// Whether an event carries a phone number (which stays on the devices
/// unless the branch chose to share phones through the server).
pub fn carries_phone(event: &Event) -> bool {
    match &event.payload {
        Payload::MemberAdded { fields, .. } => fields.phone.is_some(),
        Payload::MembersImported { members } => members.iter().any(|m| m.fields.phone.is_some()),
        Payload::MemberEdited { changes, .. } => changes.iter().any(|c| matches!(c, FieldValue::Phone(Some(_)))),
        _ => false,
    }
}

/// The event as it may leave the device when phones are not shared: phone
/// numbers removed (same id, so the device's own copy keeps them).
pub fn without_phone(event: &Event) -> Event {
    let mut event = event.clone();
    match &mut event.payload {
        Payload::MemberAdded { fields, .. } => fields.phone = None,
        Payload::MembersImported { members } => members.iter_mut().for_each(|m| m.fields.phone = None),
        Payload::MemberEdited { changes, .. } => changes.retain(|c| !matches!(c, FieldValue::Phone(Some(_)))),
        _ => {}
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::{CheckIn, LeaveRequest, Proof};
    use crate::ids::{DeviceId, EventId, MeetingId};

    fn event(actor: Option<&str>, payload: Payload) -> Event {
        Event {
            id: EventId::from("01E"),
            device: DeviceId::from("d"),
            clock: 1,
            actor: actor.map(MemberId::from),
            at: 0,
            payload,
        }
    }

    fn checked_in(member: &str) -> Payload {
        Payload::CheckedIn {
            meeting: MeetingId::from("m"),
            member: MemberId::from(member),
            check: CheckIn { at: 0, device: "p".into(), proof: Proof::Code("123456".into()) },
        }
    }

    fn phone(member: &str) -> Principal {
        Principal { role: Role::Member, member: Some(MemberId::from(member)) }
    }

    #[test]
    fn a_phone_pushes_only_its_own_acts_as_itself() {
        assert_eq!(may_push(&phone("a"), &event(Some("a"), checked_in("a"))), Ok(()));
        // Acting as someone else, or for someone else, is refused.
        assert_eq!(may_push(&phone("a"), &event(Some("b"), checked_in("b"))), Err(Refusal::NotYours));
        assert_eq!(may_push(&phone("a"), &event(Some("a"), checked_in("b"))), Err(Refusal::NotYours));
        assert_eq!(may_push(&phone("a"), &event(None, checked_in("a"))), Err(Refusal::NotYours));
        let leave = Payload::LeaveRequested {
            meeting: MeetingId::from("m"),
            member: MemberId::from("a"),
            request: LeaveRequest { reason: "病".into(), withdrawn: false },
        };
        assert_eq!(may_push(&phone("a"), &event(Some("a"), leave)), Ok(()));
        // Record keeping is not a phone's.
        let archive = Payload::MemberArchived { member: MemberId::from("a") };
        assert_eq!(
            may_push(&phone("a"), &event(Some("a"), archive.clone())),
            Err(Refusal::NotAllowed("member_archived"))
        );
        let keeper = Principal { role: Role::Committee, member: Some(MemberId::from("c")) };
        assert_eq!(may_push(&keeper, &event(None, archive)), Ok(()));
    }

    /// Issue 22, item 4: a committee device's named vote for a member
    /// without a phone was accepted.
    #[test]
    fn a_named_vote_comes_only_from_the_voters_own_device() {
        let round = crate::ids::RoundId::from("r");
        let voted = |voter| Payload::Voted { round: round.clone(), voter };
        let named = |m: &str| voted(Voter::Member(MemberId::from(m)));
        let paper = |m: &str| voted(Voter::Paper(MemberId::from(m)));
        let keeper = Principal { role: Role::Committee, member: Some(MemberId::from("c")) };
        let organizer = Principal { role: Role::Organizer, member: None };
        assert_eq!(may_push(&phone("a"), &event(Some("a"), named("a"))), Ok(()));
        assert_eq!(may_push(&keeper, &event(Some("c"), named("c"))), Ok(()), "a keeper's own vote");
        for (who, actor) in [(&keeper, Some("b")), (&keeper, Some("c")), (&organizer, Some("b")), (&organizer, None)] {
            assert_eq!(may_push(who, &event(actor, named("b"))), Err(Refusal::OwnDeviceOnly), "{who:?} as {actor:?}");
        }
        assert_eq!(may_push(&phone("a"), &event(Some("b"), named("b"))), Err(Refusal::OwnDeviceOnly));
        // Paper ballots: record keepers only, entered as themselves.
        assert_eq!(may_push(&organizer, &event(None, paper("b"))), Ok(()));
        assert_eq!(may_push(&keeper, &event(Some("c"), paper("b"))), Ok(()));
        assert_eq!(may_push(&keeper, &event(None, paper("b"))), Err(Refusal::NotYours));
        assert_eq!(may_push(&organizer, &event(Some("b"), paper("b"))), Err(Refusal::NotYours));
        assert_eq!(may_push(&phone("a"), &event(Some("a"), paper("a"))), Err(Refusal::NotAllowed("voted")));
        let code = voted(Voter::Code("0".repeat(32)));
        assert_eq!(may_push(&organizer, &event(None, code.clone())), Ok(()));
        assert_eq!(may_push(&phone("a"), &event(Some("a"), code)), Err(Refusal::NotAllowed("voted")));
    }

    #[test]
    fn phones_stay_home_unless_shared() {
        use crate::roster::MemberDraft;
        let fields = MemberDraft { name: "张三".into(), phone: "13800138000".into(), ..Default::default() }
            .validate()
            .expect("valid");
        let added = event(None, Payload::MemberAdded { member: MemberId::from("a"), fields });
        assert!(carries_phone(&added));
        let stripped = without_phone(&added);
        assert!(!carries_phone(&stripped));
        assert_eq!(stripped.id, added.id);
        let edit = event(
            None,
            Payload::MemberEdited {
                member: MemberId::from("a"),
                changes: vec![FieldValue::Phone(Some("13800138000".into())), FieldValue::Exempt(true)],
            },
        );
        assert!(carries_phone(&edit));
        assert!(matches!(
            without_phone(&edit).payload,
            Payload::MemberEdited { changes, .. } if changes == vec![FieldValue::Exempt(true)]
        ));
    }
}
