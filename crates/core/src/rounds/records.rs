//! What a round records besides its rules: nominations, reviews, the
//! roll, objections and their handling, the audit log's lines, and the
//! problems an action on a round can meet.

use super::*;

/// A nomination (提名/推荐): who, by whom, and the deeds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Nomination {
    /// The nominee.
    pub nominee: MemberId,
    /// The nominator (always the event's actor).
    pub by: MemberId,
    /// 事迹
    pub deeds: String,
}

/// The organizer's review of a nominee.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Review {
    /// Approved as 候选人.
    pub approved: bool,
    /// Why (required when rejected).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Who is on the roll of those who have voted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voter {
    /// A named voter, from their own device.
    Member(MemberId),
    /// A ballot code, by its hash.
    Code(String),
    /// A named voter's paper ballot, entered by a record keeper (the
    /// event's actor; the audit log keeps who).
    Paper(MemberId),
}

/// An objection (异议) during 公示.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Objection {
    /// About whom, if about one winner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<MemberId>,
    /// What.
    pub text: String,
}

/// How an objection was handled.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Handling {
    /// Upheld (the honour is withdrawn) or dismissed.
    pub upheld: bool,
    /// What was done.
    pub note: String,
}

/// An audit line: who did what to the round, when. Ballots never appear.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Who (the event's actor; `None` for the organizer's device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<MemberId>,
    /// When, Unix milliseconds.
    pub at: i64,
    /// What.
    pub what: Audited,
}

/// What an audit line records.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audited {
    /// Rules set or changed (with the new fingerprint).
    Rules(String),
    /// Stage changed.
    Stage(Stage),
    /// Ballot codes issued (how many).
    Codes(u32),
    /// A nomination.
    Nominated(MemberId),
    /// A review.
    Reviewed(MemberId, bool),
    /// An objection filed.
    Objection(ObjectionId),
    /// An objection handled.
    Handled(ObjectionId, bool),
    /// A member's paper ballot entered (by the entry's actor).
    Paper(MemberId),
    /// A 自评 written or entered (for whom).
    SelfAssessed(MemberId),
    /// A 组织评定 recorded (for whom; the grade is in the decisions).
    Decided(MemberId),
}

/// A problem with a round or an action on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundProblem {
    /// No title.
    TitleRequired,
    /// A text is too long.
    TooLong {
        /// The limit in characters.
        max: usize,
    },
    /// Honours not 1–100.
    BadHonours,
    /// K not 1–100.
    BadK,
    /// Nomination limit not 1–100.
    BadNominationLimit,
    /// Publicity days not 1–60.
    BadPublicity,
    /// Year out of range.
    BadYear,
    /// No such round.
    UnknownRound,
    /// The rules are locked once voting opens.
    RulesLocked,
    /// The action belongs to another stage.
    WrongStage {
        /// The stage it needs.
        needed: Stage,
        /// The stage the round is in.
        actual: Stage,
    },
    /// Stages go one at a time.
    NotNextStage,
    /// Voting cannot open without approved candidates.
    NoCandidates,
    /// Every nominee must be reviewed before voting opens.
    Unreviewed(usize),
    /// Code voting cannot open before codes are issued.
    NoCodes,
    /// The nominee is not a member who may be nominated.
    NotNominable,
    /// The nominator is not an active member.
    NotMember,
    /// 自荐 is not allowed in this round.
    SelfNomination,
    /// The nominator has used their nominations.
    NominationLimit(u32),
    /// The same nominator already nominated this person.
    AlreadyNominated,
    /// 事迹 required.
    DeedsRequired,
    /// A rejection needs a reason.
    ReasonRequired,
    /// Nobody nominated this person.
    NotNominated,
    /// Not entitled to vote in this round.
    NotEntitled,
    /// Already voted (and revision is not allowed).
    AlreadyVoted,
    /// A choice is not a candidate.
    NotCandidate,
    /// More choices than K.
    TooMany(u32),
    /// The same candidate twice.
    Duplicate,
    /// Choosing oneself is not allowed.
    SelfVote,
    /// The code is not one of this round's.
    UnknownCode,
    /// The code was used.
    UsedCode,
    /// The code was voided when a new batch was issued.
    VoidedCode,
    /// A wrong kind of voting for this round's mode.
    WrongMode,
    /// Objection text required.
    TextRequired,
    /// No such objection.
    UnknownObjection,
    /// Codes were already issued (a new batch voids the unused ones).
    CodesIssued,
    /// A batch of codes is 1 to `max` (the voters less the codes used).
    CodeCount {
        /// The most codes the batch may have.
        max: u32,
    },
    /// Every voter has used a code: no new batch.
    NoCodesLeft,
    /// The void would drop a code already used (another device's ballot
    /// arrived first): sync, then void again.
    DropsUsedCode,
    /// Nothing to run off: no tie, and every honour filled.
    NoRunoff,
    /// Nobody was elected: no 公示 or 表彰 (a run-off, or an end without
    /// a result, instead).
    NoWinner,
    /// Someone was elected: the round goes on to 公示, not to an end
    /// without a result.
    HasResult,
    /// Objections not yet handled (表彰 waits for them).
    ObjectionsOpen(usize),
    /// A named ballot comes only from the voter's own device (no proxy
    /// voting; a paper ballot is entered as one).
    OwnDeviceOnly,
    /// This ballot may not be revised (the round does not allow it, it was
    /// a paper ballot, or the voter is not on the roll).
    NoRevision,
    /// A revision must present the key behind its slot.
    KeyRequired,
    /// The key does not open this slot.
    WrongKey,
    /// A revision must have a higher revision number.
    StaleRevision,
    /// A first ballot needs a slot not already in the box.
    SlotTaken,
    /// An appraisal's flag share is not 1–1000 per mille.
    BadFlag,
    /// More 群众代表 than an appraisal takes.
    BadGuests,
    /// 群众代表 rate by code only: their appraisal uses ballot codes.
    GuestsNeedCodes,
    /// An appraisal's act on a round that is not an appraisal.
    NotAppraisal,
    /// Choices for an appraisal, or ratings for a 评选.
    WrongBallot,
    /// The member is not among those appraised.
    NotAppraised,
    /// More 优秀 than the cap.
    OverCap {
        /// The cap.
        cap: u32,
    },
    /// A 互评 comment about oneself (that is the 自评).
    OwnComment,
    /// 不合格 needs a follow-up (限期改正, …).
    FollowUpRequired,
    /// A grade other than the ballot's, or 不合格, needs a reason.
    GradeReasonRequired,
    /// A member excused from the appraisal needs a note.
    ExcuseNoteRequired,
    /// Appraised members without a decision yet (组织评定 waits for them).
    Undecided(usize),
    /// The decisions are final: nothing more is recorded.
    DecisionsFinal,
}
