//! Why a pushed event or ballot was refused, as the answer names it: a
//! stable code the app words in the user's language, beside a `detail`
//! for people reading the API (English, never shown in the app).
//!
//! On the wire a reason is a plain string (`"already_voted"`), as it was
//! when it carried English words: an older app still reads the answer
//! (and shows the code), and this app reads an older server's words, or
//! a code newer than it, as [`Reason::Unknown`] — shown with a general
//! message, never dropped.

use crate::content::ContentProblem;
use crate::rounds::RoundProblem;
use crate::sync::Refusal;
use serde::{Deserialize, Serialize};

/// Why the server refused an event or a ballot (or this device knew it
/// would and kept it back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    // --- The event itself ---
    /// Not readable as an event.
    Malformed,
    /// An id, a string, the event's size, its clock or a time beyond the limits.
    OutOfBounds,
    /// A clock too far above the branch's highest.
    ClockAhead,
    /// Member fields the member form would refuse.
    InvalidFields,
    /// A change with nothing in it.
    Empty,
    /// A member's own act made by someone else (不得代签).
    NotOwn,
    /// A text longer than its limit.
    TooLong,
    /// A number outside its range.
    OutOfRange,
    /// A list of who is expected with nobody on it.
    NoAudience,
    /// A class that ends before it starts.
    EndsBeforeStart,
    /// A check-in proof of the wrong shape.
    BadProof,
    /// A ballot-code hash of the wrong shape.
    BadCodeHash,
    /// A setting no branch could mean.
    BadSetting,
    // --- Who pushed it ---
    /// This device's role may not make this kind of event.
    NotAllowed,
    /// A named vote from a device that is not the voter's own.
    OwnDeviceOnly,
    // --- The branch ---
    /// The branch does not keep phone numbers on the server.
    PhonesNotKept,
    // --- The round's rules ---
    /// No such round on the server.
    NoSuchRound,
    /// The round is at another stage (it moved on while this device was offline).
    WrongStage,
    /// The round does not vote this way.
    WrongMode,
    /// Something else the round's rules refuse (its rules form, its stages).
    RoundRules,
    /// The nominee may not be nominated.
    NotNominable,
    /// The nominator is not an active member.
    NotMember,
    /// 自荐 is not allowed in this round.
    SelfNomination,
    /// The nominator has used their nominations.
    NominationLimit,
    /// The same nominator already nominated this person.
    AlreadyNominated,
    /// A nomination without 事迹.
    DeedsRequired,
    /// A rejection in review without a reason.
    ReasonRequired,
    /// An objection without text.
    TextRequired,
    /// Not entitled to vote in this round.
    NotEntitled,
    /// Already voted (a revision replaces the ballot without a new roll entry).
    AlreadyVoted,
    /// A choice is not a candidate.
    NotCandidate,
    /// More choices than the round allows.
    TooManyChoices,
    /// A candidate chosen twice.
    DuplicateChoice,
    /// Choosing oneself is not allowed.
    SelfVote,
    /// Not one of this round's codes.
    UnknownCode,
    /// The code has been used.
    UsedCode,
    /// The code was voided when a new batch was issued.
    VoidedCode,
    /// The new batch drops a code already used here: sync, then void again.
    DropsUsedCode,
    /// This ballot may not be revised.
    NoRevision,
    /// A revision without its slot's key (an app before sync protocol 2).
    KeyRequired,
    /// The key does not open this ballot's slot.
    WrongKey,
    /// A revision needs a higher revision number.
    StaleRevision,
    /// A first ballot needs a new slot.
    SlotTaken,
    // --- Appraisals ---
    /// A rating for someone not appraised.
    NotAppraised,
    /// More 优秀 than the appraisal's cap.
    OverCap,
    /// Choices for an appraisal, or ratings for a 评选.
    WrongBallot,
    /// A 互评 comment about oneself.
    OwnComment,
    /// The appraisal's decisions are final.
    DecisionsFinal,
    // --- Ballots on the server ---
    /// Voting is closed on the server.
    VotingClosed,
    /// A vote without its ballot, in a new slot, in the same push.
    BallotMissing,
    /// A ballot without its vote in the same push.
    VoteMissing,
    /// A ballot's slot of the wrong shape.
    BadSlot,
    /// A first (or paper) ballot with a revision other than 0.
    FirstRevision,
    /// The box would hold more ballots than voters on the roll.
    BoxFull,
    /// A reason this version does not know (an older server's words, or a
    /// newer server's code). Stays last ([`Reason::ALL`]).
    #[default]
    #[serde(other)]
    Unknown,
}

impl Reason {
    /// Every reason, in the order declared ([`Reason::Unknown`] last): the
    /// app's words are checked for each.
    pub const ALL: [Reason; 55] = [
        Reason::Malformed,
        Reason::OutOfBounds,
        Reason::ClockAhead,
        Reason::InvalidFields,
        Reason::Empty,
        Reason::NotOwn,
        Reason::TooLong,
        Reason::OutOfRange,
        Reason::NoAudience,
        Reason::EndsBeforeStart,
        Reason::BadProof,
        Reason::BadCodeHash,
        Reason::BadSetting,
        Reason::NotAllowed,
        Reason::OwnDeviceOnly,
        Reason::PhonesNotKept,
        Reason::NoSuchRound,
        Reason::WrongStage,
        Reason::WrongMode,
        Reason::RoundRules,
        Reason::NotNominable,
        Reason::NotMember,
        Reason::SelfNomination,
        Reason::NominationLimit,
        Reason::AlreadyNominated,
        Reason::DeedsRequired,
        Reason::ReasonRequired,
        Reason::TextRequired,
        Reason::NotEntitled,
        Reason::AlreadyVoted,
        Reason::NotCandidate,
        Reason::TooManyChoices,
        Reason::DuplicateChoice,
        Reason::SelfVote,
        Reason::UnknownCode,
        Reason::UsedCode,
        Reason::VoidedCode,
        Reason::DropsUsedCode,
        Reason::NoRevision,
        Reason::KeyRequired,
        Reason::WrongKey,
        Reason::StaleRevision,
        Reason::SlotTaken,
        Reason::NotAppraised,
        Reason::OverCap,
        Reason::WrongBallot,
        Reason::OwnComment,
        Reason::DecisionsFinal,
        Reason::VotingClosed,
        Reason::BallotMissing,
        Reason::VoteMissing,
        Reason::BadSlot,
        Reason::FirstRevision,
        Reason::BoxFull,
        Reason::Unknown,
    ];

    /// The code it travels as (`already_voted`).
    pub fn code(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl From<&ContentProblem> for Reason {
    fn from(problem: &ContentProblem) -> Reason {
        match problem {
            ContentProblem::Fields(_) => Reason::InvalidFields,
            ContentProblem::Empty => Reason::Empty,
            ContentProblem::NotOwn => Reason::NotOwn,
            ContentProblem::TooLong { .. } => Reason::TooLong,
            ContentProblem::OutOfRange { .. } => Reason::OutOfRange,
            ContentProblem::NoAudience => Reason::NoAudience,
            ContentProblem::EndsBeforeStart => Reason::EndsBeforeStart,
            ContentProblem::BadProof => Reason::BadProof,
            ContentProblem::BadCodeHash => Reason::BadCodeHash,
            ContentProblem::Setting(_) => Reason::BadSetting,
            ContentProblem::Round(p) => Reason::from(p),
        }
    }
}

impl From<&Refusal> for Reason {
    fn from(refusal: &Refusal) -> Reason {
        match refusal {
            Refusal::NotAllowed(_) => Reason::NotAllowed,
            Refusal::NotYours => Reason::NotOwn,
            Refusal::OwnDeviceOnly => Reason::OwnDeviceOnly,
        }
    }
}

impl From<&RoundProblem> for Reason {
    fn from(problem: &RoundProblem) -> Reason {
        use RoundProblem as P;
        match problem {
            P::UnknownRound => Reason::NoSuchRound,
            P::WrongStage { .. } => Reason::WrongStage,
            P::WrongMode => Reason::WrongMode,
            P::TooLong { .. } => Reason::TooLong,
            P::NotNominable => Reason::NotNominable,
            P::NotMember => Reason::NotMember,
            P::SelfNomination => Reason::SelfNomination,
            P::NominationLimit(_) => Reason::NominationLimit,
            P::AlreadyNominated => Reason::AlreadyNominated,
            P::DeedsRequired => Reason::DeedsRequired,
            P::ReasonRequired | P::GradeReasonRequired | P::ExcuseNoteRequired => Reason::ReasonRequired,
            P::TextRequired => Reason::TextRequired,
            P::NotEntitled => Reason::NotEntitled,
            P::AlreadyVoted => Reason::AlreadyVoted,
            P::NotCandidate => Reason::NotCandidate,
            P::TooMany(_) => Reason::TooManyChoices,
            P::Duplicate => Reason::DuplicateChoice,
            P::SelfVote => Reason::SelfVote,
            P::UnknownCode => Reason::UnknownCode,
            P::UsedCode => Reason::UsedCode,
            P::VoidedCode => Reason::VoidedCode,
            P::DropsUsedCode => Reason::DropsUsedCode,
            P::OwnDeviceOnly => Reason::OwnDeviceOnly,
            P::NoRevision => Reason::NoRevision,
            P::KeyRequired => Reason::KeyRequired,
            P::WrongKey => Reason::WrongKey,
            P::StaleRevision => Reason::StaleRevision,
            P::SlotTaken => Reason::SlotTaken,
            P::NotAppraised => Reason::NotAppraised,
            P::OverCap { .. } => Reason::OverCap,
            P::WrongBallot => Reason::WrongBallot,
            P::OwnComment => Reason::OwnComment,
            P::DecisionsFinal => Reason::DecisionsFinal,
            P::TitleRequired
            | P::BadHonours
            | P::BadK
            | P::BadNominationLimit
            | P::BadPublicity
            | P::BadYear
            | P::RulesLocked
            | P::NotNextStage
            | P::NoCandidates
            | P::Unreviewed(_)
            | P::NoCodes
            | P::NotNominated
            | P::UnknownObjection
            | P::CodesIssued
            | P::CodeCount { .. }
            | P::NoCodesLeft
            | P::NoRunoff
            | P::NoWinner
            | P::HasResult
            | P::ObjectionsOpen(_)
            | P::BadFlag
            | P::BadGuests
            | P::GuestsNeedCodes
            | P::NotAppraisal
            | P::FollowUpRequired
            | P::Undecided(_) => Reason::RoundRules,
        }
    }
}

/// `text` as a `detail`: cut to [`crate::sync::MAX_DETAIL`] bytes at a
/// character boundary, `…` marking a cut.
pub fn detail(text: &str) -> String {
    let max = crate::sync::MAX_DETAIL;
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_reason_in_order() {
        // Discriminants count up in declaration order; Unknown is last, so
        // a reason added anywhere before it and not listed fails here.
        for (i, reason) in Reason::ALL.iter().enumerate() {
            assert_eq!(*reason as usize, i, "{reason:?}");
        }
        assert_eq!(Reason::Unknown as usize, Reason::ALL.len() - 1);
    }

    #[test]
    fn a_detail_is_cut_at_a_character_boundary() {
        assert_eq!(detail("short"), "short");
        let cut = detail(&"支".repeat(200));
        assert!(cut.len() <= crate::sync::MAX_DETAIL && cut.ends_with('…'), "{cut}");
        assert!(cut.trim_end_matches('…').chars().all(|c| c == '支'));
    }
}
