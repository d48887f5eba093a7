//! The wire format: the JSON bodies the app and the sync server exchange,
//! and the protocol's limits.

use crate::appraisal::Rating;
use crate::event::Event;
use crate::ids::{MemberId, RoundId};
use crate::sync::Reason;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
/// Longest `detail` of a push's answer, in bytes (so in characters too):
/// a parser's message may quote what it could not read.
pub const MAX_DETAIL: usize = 300;
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
    /// An appraisal's ballot: member id → `excellent`, `competent`,
    /// `basic` or `failing` (absent on a 评选 ballot).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub ratings: BTreeMap<MemberId, Rating>,
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
    /// Refused; `reason` says why (and `detail` more). Sending it again will not help.
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
    /// Why it was rejected: a stable code ([`Reason`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The particulars, for people reading the API (English; the app words
    /// `reason` itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub detail: Option<String>,
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
    /// Why it was rejected: a stable code ([`Reason`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The particulars, for people reading the API (English; the app words
    /// `reason` itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub detail: Option<String>,
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
    /// An appraisal's ratings (absent on a 评选 ballot).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub ratings: BTreeMap<MemberId, Rating>,
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
