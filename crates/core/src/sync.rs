//! The sync protocol between the app and the sync server: the JSON bodies
//! both sides exchange, and who may push which event.
//!
//! Events travel as they are stored (`event::Event`). Ballots are not
//! events: they travel in a push beside the roll entry (`Voted`) they go
//! with, carry no voter, and come back only as a closed round's whole box.
//! The rules here are pure so the app can tell before pushing what the
//! server will refuse, and both are tested natively.

use crate::event::{Event, Payload};
use crate::ids::{MemberId, RoundId};
use crate::roster::FieldValue;
use crate::rounds::Voter;
use serde::{Deserialize, Serialize};

/// Version of this protocol; the server answers `/api/health` with it.
/// 2: a revision carries its slot's key ([`BallotPush::key`]), a named roll
/// entry comes only from the member's own device, paper ballots
/// (`Voter::Paper`, document schema 5). A revision from a version-1 app
/// (no key) is refused in words that say to update the app.
pub const PROTOCOL: u32 = 2;
/// Most events in one push.
pub const MAX_PUSH_EVENTS: usize = 500;
/// Most ballots in one push.
pub const MAX_PUSH_BALLOTS: usize = 500;
/// Most events in one pull page.
pub const MAX_PULL_EVENTS: usize = 1000;
/// Most bytes of events in one pull page (a page holds at least one
/// event, so at most this plus one [`crate::bounds::MAX_EVENT_BYTES`]
/// event): what a pull holds in the server's memory, whatever the events.
pub const MAX_PULL_BYTES: usize = 1 << 20;
/// Longest password accepted, in characters (argon2 works on any length;
/// this bounds work).
pub const MAX_PASSWORD: usize = 256;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// Longest branch name, login or device label, in characters. The OpenAPI
/// schemas repeat these limits as literals (a server test compares them).
pub const MAX_NAME: usize = 100;
/// Longest login: a name the organizer asked for plus the server's
/// `-123456`.
pub const MAX_LOGIN: usize = MAX_NAME + 7;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The branch's organizer (password login): everything, including
    /// invitations, devices and branch settings.
    Organizer,
    /// A committee member the organizer named: the organizer's record
    /// keeping (meetings, marks, leave, review, stages), not accounts.
    Committee,
    /// A member's phone: only the member's own acts.
    Member,
}

impl Role {
    /// Whether this role keeps the branch's records (not only its own acts).
    pub fn keeps_records(self) -> bool {
        matches!(self, Role::Organizer | Role::Committee)
    }
}

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

/// One ballot in a push: a slot in a round's box, never a voter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotPush {
    /// The round.
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 1, max_length = 64))]
    pub round: RoundId,
    /// The ballot's slot (random, or derived from a secret only the voter's
    /// phone keeps, so that it can revise): 8 to 64 letters, digits, `-`, `_`.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 64))]
    pub slot: String,
    /// Revision (0 first).
    #[serde(default)]
    pub rev: u32,
    /// The chosen candidates (empty: blank).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub choices: Vec<MemberId>,
    /// A revision's proof: the secret whose hash is the slot (32 hex
    /// digits, `ballot::key_of_secret`). Checked, never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// `POST /api/sync/push`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// The document schema the events are written in (`document::SCHEMA`).
    pub schema: u64,
    /// Events, as stored (each is checked on its own: one bad event does
    /// not refuse the others).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub events: Vec<serde_json::Value>,
    /// Ballots, each beside its `Voted` event in `events` (or a revision).
    #[serde(default)]
    pub ballots: Vec<BallotPush>,
}

/// What became of one pushed event or ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Accepted,
    /// The server already had it (a re-sent batch): nothing changed.
    Duplicate,
    /// Refused; `reason` says why. Sending it again will not help.
    Rejected,
}

/// The answer for one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventResult {
    /// The event's id (empty when the event had none readable; cut to
    /// [`crate::bounds::MAX_ID`] bytes when it was longer).
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub id: String,
    /// Its fate.
    pub outcome: Outcome,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer for one ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotResult {
    /// The round (as pushed, cut to [`crate::bounds::MAX_ID`] bytes).
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub round: String,
    /// The slot (likewise).
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub slot: String,
    /// Its fate.
    pub outcome: Outcome,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to a push: one result per event and per ballot, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// Per event, in the request's order.
    pub events: Vec<EventResult>,
    /// Per ballot, in the request's order.
    pub ballots: Vec<BallotResult>,
    /// The branch's sequence after this push.
    pub cursor: u64,
}

/// `GET /api/sync/pull?since=&limit=`: one page of the branch's events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// The schema the events are written in.
    pub schema: u64,
    /// Events after `since`, in the server's order, as the caller may see
    /// them (`visibility`: a member's phone gets no other member's own
    /// records, and objections without who filed them).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub events: Vec<Event>,
    /// The cursor to ask from next (past any event withheld from the caller).
    pub next: u64,
    /// Whether more events follow `next`.
    pub more: bool,
}

/// One ballot of a box as the server returns it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoxedBallot {
    /// The slot.
    pub slot: String,
    /// Revision.
    #[serde(default)]
    pub rev: u32,
    /// The choices.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub choices: Vec<MemberId>,
}

/// `GET|POST /api/rounds/{round}/box`: a closed round's box, in slot order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoxResponse {
    /// The round.
    pub round: String,
    /// Whether the server takes no more ballots for it.
    pub closed: bool,
    /// The ballots, sorted by slot.
    pub ballots: Vec<BoxedBallot>,
}

/// `POST /api/branches`: a new branch and its organizer's credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBranch {
    /// The branch's name (shown to members joining).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// The login the organizer asks for: the server adds a random number
    /// (`name-123456`, in the answer's `login`), so creating a branch never
    /// tells whether a login is already someone's.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub login: String,
    /// The organizer's password ([`MIN_PASSWORD`] to [`MAX_PASSWORD`] characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 256))]
    pub password: String,
}

/// `POST /api/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Login {
    /// The organizer's login.
    #[cfg_attr(feature = "openapi", schema(max_length = 107))]
    pub login: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(max_length = 256))]
    pub password: String,
}

/// A session: what a device keeps after logging in or joining.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// The branch's id on the server.
    pub branch: String,
    /// The branch's name.
    pub branch_name: String,
    /// The bearer token (shown once; the server keeps only its hash).
    pub token: String,
    /// This token's id (to revoke it).
    pub device: String,
    /// What it may do.
    pub role: Role,
    /// The member it is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub member: Option<MemberId>,
    /// When it expires (Unix ms).
    pub expires_at: i64,
    /// The organizer's login, as the server made it from the one asked for
    /// at creation (with a random number added): the login to use on
    /// another device. Only on organizer sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
}

/// `POST /api/invitations`: invite a member's phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    /// The member (as in the branch's roster).
    #[cfg_attr(feature = "openapi", schema(value_type = String, min_length = 1, max_length = 64))]
    pub member: MemberId,
    /// `member` (default) or `committee`.
    #[serde(default = "member_role")]
    pub role: Role,
}

fn member_role() -> Role {
    Role::Member
}

/// A one-time invitation; the code is shown once (link / QR).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// The one-time code.
    pub code: String,
    /// The member it binds.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub member: MemberId,
    /// When it stops working (Unix ms).
    pub expires_at: i64,
}

/// `POST /api/invitations/accept`: a phone redeems its invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accept {
    /// The invitation's code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: String,
    /// A label for the device list ("张三的手机").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub label: String,
}

/// A device (token) in the organizer's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    /// The token's id.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// Its member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub member: Option<MemberId>,
    /// Its label.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub label: String,
    /// Created (Unix ms).
    pub created_at: i64,
    /// Last request (Unix ms).
    pub last_seen: i64,
    /// Expires (Unix ms).
    pub expires_at: i64,
    /// Revoked.
    pub revoked: bool,
}

/// `GET|PUT /api/branch`: the server-side settings of the branch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BranchSettings {
    /// Whether phone numbers may be sent to the server.
    pub share_phones: bool,
}

/// `GET /api/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The schema of events this server reads and writes.
    pub schema: u64,
}

/// Every error body: a stable code and words for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable code (`unauthorized`, `forbidden`, `too_large`, `invalid`,
    /// `rate_limited`, `not_found`, `conflict`, `unavailable`).
    pub error: String,
    /// What went wrong.
    pub message: String,
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
