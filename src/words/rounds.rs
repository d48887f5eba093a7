//! Words for rounds and appraisals: stages as each kind calls them,
//! ratings, and why a round's or an appraisal's act was refused.

use crate::i18n::{Lang, format, text};
use zhibu_core::rounds::{RoundProblem, Stage};

/// 提名 / 投票 / …
pub fn stage(lang: Lang, stage: Stage) -> String {
    text(lang, &format!("stage.{}", stage.key()))
}

/// A stage as a round of its kind calls it: an appraisal's 投票 is
/// 民主测评, its 计票 测评结果, its last stage 组织评定.
pub fn round_stage(lang: Lang, appraisal: bool, stage: Stage) -> String {
    match stage {
        Stage::Voting | Stage::Closed | Stage::Final if appraisal => text(lang, &format!("astage.{}", stage.key())),
        _ => self::stage(lang, stage),
    }
}

/// 优秀 / 合格 / 基本合格 / 不合格.
pub fn rating(lang: Lang, rating: zhibu_core::appraisal::Rating) -> String {
    text(lang, &format!("rating.{}", rating.key()))
}

/// Why a round action was refused.
pub fn round_problem(lang: Lang, problem: &RoundProblem) -> String {
    let key = match problem {
        RoundProblem::TitleRequired => "rproblem.title",
        RoundProblem::TooLong { max } => return format(lang, "problem.too_long", &[("max", max)]),
        RoundProblem::BadHonours => "rproblem.honours",
        RoundProblem::BadK => "rproblem.k",
        RoundProblem::BadNominationLimit => "rproblem.per_member",
        RoundProblem::BadPublicity => "rproblem.days",
        RoundProblem::BadYear => "rproblem.year",
        RoundProblem::UnknownRound => "rproblem.unknown",
        RoundProblem::RulesLocked => "rproblem.locked",
        RoundProblem::WrongStage { needed, actual } => {
            return format(
                lang,
                "rproblem.stage",
                &[("needed", &stage(lang, *needed)), ("actual", &stage(lang, *actual))],
            );
        }
        RoundProblem::NotNextStage => "rproblem.next",
        RoundProblem::NoCandidates => "rproblem.no_candidates",
        RoundProblem::Unreviewed(n) => return format(lang, "rproblem.unreviewed", &[("n", n)]),
        RoundProblem::NoCodes => "rproblem.no_codes",
        RoundProblem::NotNominable => "rproblem.not_nominable",
        RoundProblem::NotMember => "rproblem.not_member",
        RoundProblem::SelfNomination => "rproblem.self_nomination",
        RoundProblem::NominationLimit(n) => return format(lang, "rproblem.limit", &[("n", n)]),
        RoundProblem::AlreadyNominated => "rproblem.already_nominated",
        RoundProblem::DeedsRequired => "rproblem.deeds",
        RoundProblem::ReasonRequired => "rproblem.reason",
        RoundProblem::NotNominated => "rproblem.not_nominated",
        RoundProblem::NotEntitled => "rproblem.not_entitled",
        RoundProblem::AlreadyVoted => "rproblem.already_voted",
        RoundProblem::NotCandidate => "rproblem.not_candidate",
        RoundProblem::TooMany(k) => return format(lang, "rproblem.too_many", &[("k", k)]),
        RoundProblem::Duplicate => "rproblem.duplicate",
        RoundProblem::SelfVote => "rproblem.self_vote",
        RoundProblem::UnknownCode => "rproblem.unknown_code",
        RoundProblem::UsedCode => "rproblem.used_code",
        RoundProblem::VoidedCode => "rproblem.voided_code",
        RoundProblem::CodeCount { max } => return format(lang, "rproblem.code_count", &[("max", max)]),
        RoundProblem::NoCodesLeft => "rproblem.no_codes_left",
        RoundProblem::DropsUsedCode => "rproblem.drops_used_code",
        RoundProblem::WrongMode => "rproblem.mode",
        RoundProblem::TextRequired => "problem.required",
        RoundProblem::UnknownObjection => "rproblem.unknown_objection",
        RoundProblem::CodesIssued => "rproblem.codes_issued",
        RoundProblem::NoRunoff => "rproblem.no_runoff",
        RoundProblem::NoWinner => "rproblem.no_winner",
        RoundProblem::HasResult => "rproblem.has_result",
        RoundProblem::ObjectionsOpen(n) => return format(lang, "rproblem.objections_open", &[("n", n)]),
        RoundProblem::OwnDeviceOnly => "rproblem.own_device",
        RoundProblem::NoRevision => "rproblem.no_revision",
        RoundProblem::KeyRequired => "rproblem.key_required",
        RoundProblem::WrongKey => "rproblem.wrong_key",
        RoundProblem::StaleRevision => "rproblem.stale_revision",
        RoundProblem::SlotTaken => "rproblem.slot_taken",
        RoundProblem::BadFlag => "rproblem.flag",
        RoundProblem::BadGuests => "rproblem.guests",
        RoundProblem::GuestsNeedCodes => "rproblem.guests_codes",
        RoundProblem::NotAppraisal => "rproblem.not_appraisal",
        RoundProblem::WrongBallot => "rproblem.wrong_ballot",
        RoundProblem::NotAppraised => "rproblem.not_appraised",
        RoundProblem::OverCap { cap } => return format(lang, "rproblem.over_cap", &[("cap", cap)]),
        RoundProblem::OwnComment => "rproblem.own_comment",
        RoundProblem::FollowUpRequired => "rproblem.follow_up",
        RoundProblem::GradeReasonRequired => "rproblem.grade_reason",
        RoundProblem::ExcuseNoteRequired => "rproblem.excuse_note",
        RoundProblem::Undecided(n) => return format(lang, "rproblem.undecided", &[("n", n)]),
        RoundProblem::DecisionsFinal => "rproblem.decisions_final",
    };
    text(lang, key)
}
