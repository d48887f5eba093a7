//! 民主评议党员: the yearly democratic appraisal, as a kind of round.
//!
//! An appraisal is a [`crate::rounds::Round`] whose rules carry
//! [`AppraisalRules`], so it has the rounds' ballot box, codes (投票码),
//! kiosk, named ballots on phones, roll, seal, audit log and sync as they
//! are. What differs is its path — 筹备 → 自评互评 ([`Stage::Assessment`])
//! → 民主测评 (投票) → 结果 (计票) → 组织评定 (表彰's place, [`Stage::Final`])
//! — and its ballot: one rating per appraised member instead of a choice
//! of candidates ([`crate::ballot::Ballot::ratings`]).
//!
//! Who is appraised is the round's nominee electorate (default 正式党员;
//! 预备党员 take part as raters but are not rated) less those excused with
//! a note (年老体弱, …); frozen when the ballot opens, as candidates are.
//! Raters are the round's voters plus `guests` 群众代表 by code only.
//!
//! The records beside the ballot are signed, never secret: a member's
//! 自评, a member's 互评 comment about another (shown to the committee
//! only, and said so on screen), and the committee's 组织评定 per member.

use crate::ids::MemberId;
use crate::rounds::{MAX_SHORT, Mode, RoundProblem, Rules, Stage};
use serde::{Deserialize, Serialize};

mod export;
mod guards;
mod queries;
mod recount;
mod tally;

pub use export::table;
pub use guards::*;
pub use queries::*;
pub use recount::{AppraisalExport, Recounted, export, recount};
pub use tally::*;

/// Longest 自评, in characters.
pub const MAX_SELF_ASSESSMENT: usize = 2000;
/// Longest 互评 comment, in characters.
pub const MAX_COMMENT: usize = 500;
/// Longest reason or 整改 follow-up of a decision, in characters.
pub const MAX_DECISION_NOTE: usize = 1000;
/// Most 群众代表 raters.
pub const MAX_GUESTS: u32 = 500;
/// The default flag: 基本合格 + 不合格 on more than half the counted ballots.
pub const DEFAULT_FLAG_PERMILLE: u32 = 500;

/// The stages of an appraisal, in order.
pub const PATH: [Stage; 5] = [Stage::Setup, Stage::Assessment, Stage::Voting, Stage::Closed, Stage::Final];

/// A rating (测评等次), best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 优秀
    Excellent,
    /// 合格
    Competent,
    /// 基本合格
    Basic,
    /// 不合格
    Failing,
}

impl Rating {
    /// Every rating, best first (the ballot's and the results' columns).
    pub const ALL: [Rating; 4] = [Rating::Excellent, Rating::Competent, Rating::Basic, Rating::Failing];

    /// Stable key for locale files and exports.
    pub fn key(self) -> &'static str {
        match self {
            Rating::Excellent => "excellent",
            Rating::Competent => "competent",
            Rating::Basic => "basic",
            Rating::Failing => "failing",
        }
    }

    /// The Chinese word (exports and the printed list use it).
    pub fn zh(self) -> &'static str {
        match self {
            Rating::Excellent => "优秀",
            Rating::Competent => "合格",
            Rating::Basic => "基本合格",
            Rating::Failing => "不合格",
        }
    }

    /// Its column in [`RatingCounts`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What makes a round an appraisal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AppraisalRules {
    /// Members excused from being rated (年老体弱, 外出流动, …), each with a note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excused: Vec<(MemberId, String)>,
    /// 群众代表 who rate by code, besides the member raters.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub guests: u32,
    /// Most 优秀 one ballot may give; `None`: a third of the appraised,
    /// rounded down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
    /// A member is flagged for the committee when 基本合格 + 不合格 pass
    /// this share (per mille) of the ballots counted.
    pub flag_permille: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for AppraisalRules {
    fn default() -> Self {
        AppraisalRules { excused: Vec::new(), guests: 0, cap: None, flag_permille: DEFAULT_FLAG_PERMILLE }
    }
}

impl AppraisalRules {
    /// The cap on 优秀 for `appraised` members.
    pub fn cap_for(&self, appraised: usize) -> u32 {
        self.cap.unwrap_or((appraised / 3) as u32)
    }

    /// Whether a member is excused.
    pub fn excuses(&self, member: &MemberId) -> bool {
        self.excused.iter().any(|(m, _)| m == member)
    }

    /// Checks the appraisal's own settings (with the round's mode).
    pub fn check(&self, mode: Mode) -> Result<(), RoundProblem> {
        if self.flag_permille == 0 || self.flag_permille > 1000 {
            return Err(RoundProblem::BadFlag);
        }
        if self.guests > MAX_GUESTS {
            return Err(RoundProblem::BadGuests);
        }
        // 群众代表 are not on the roster: they rate by code only.
        if self.guests > 0 && mode != Mode::Codes {
            return Err(RoundProblem::GuestsNeedCodes);
        }
        for (_, note) in &self.excused {
            let note = note.trim();
            if note.is_empty() {
                return Err(RoundProblem::ExcuseNoteRequired);
            }
            if note.chars().count() > MAX_SHORT {
                return Err(RoundProblem::TooLong { max: MAX_SHORT });
            }
        }
        let mut ids: Vec<&MemberId> = self.excused.iter().map(|(m, _)| m).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != self.excused.len() {
            return Err(RoundProblem::Duplicate);
        }
        Ok(())
    }
}

impl Rules {
    /// A new appraisal's rules with the usual defaults: every active
    /// member rates, 正式党员 are rated, by ballot code (appraisal ballots
    /// are anonymous), 优秀 capped at a third.
    pub fn appraisal(title: &str, year: i32) -> Rules {
        Rules {
            voters: crate::rounds::Electorate::All,
            nominees: crate::rounds::Electorate::Full,
            mode: Mode::Codes,
            appraisal: Some(AppraisalRules::default()),
            ..Rules::new(title, year, 1)
        }
    }

    /// Whether these are an appraisal's rules.
    pub fn is_appraisal(&self) -> bool {
        self.appraisal.is_some()
    }
}

/// A member's 自评.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SelfAssessment {
    /// What they wrote.
    pub text: String,
    /// Handed in on paper and entered by a record keeper (the event's
    /// actor is then the keeper, not the member).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_paper: bool,
}

/// A 互评 comment: signed by its author (the event's actor), read by the
/// committee only.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Comment {
    /// What they wrote.
    pub text: String,
}

/// The committee's 组织评定 of one member.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// The final grade.
    pub grade: Rating,
    /// Why, where the grade is not what the ballot gave, and for 不合格.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// 限期改正 etc., required for 不合格.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub follow_up: String,
}
