//! "身边最美党员" rounds: rules, stages (提名 → 资格审查 → 投票 → 计票 →
//! 公示 → 表彰), nominations with seconders, review, the roll of who has
//! voted, objections and the audit log.
//!
//! Ballot secrecy is structural. The roll (who, or which code, has voted) is
//! made of ordinary events; ballots are not events at all: a ballot is a
//! slot (random, or a hash of a secret only the voter's phone keeps), a
//! revision number and the sorted choices — no author, device, clock, time
//! or id that could line it up with the roll entry made at the same moment.
//! The ballot box is a map ordered by slot, so its order says nothing about
//! the order of voting. See [`crate::ballot`].
//!
//! No proxy voting: a named roll entry (`Voter::Member`) comes only from the
//! member's own device. A member without one hands in a paper ballot, which
//! a record keeper enters openly: the roll says `Voter::Paper`, the audit
//! log says who entered it, and it can never be revised.

use crate::date::Date;
use crate::ids::{MemberId, NominationId, ObjectionId, RoundId};
use crate::roster::Status;
use crate::state::{Member, State};
use crate::table::Table;
use crate::tally::{self, Basis, Tally, TallyRules};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

mod guards;
mod queries;
mod records;

pub use guards::*;
pub use queries::*;
pub use records::*;

/// Longest 事迹 (deeds), in characters.
pub const MAX_DEEDS: usize = 2000;
/// Longest title, reason or note, in characters.
pub const MAX_SHORT: usize = 200;
/// Longest objection, in characters.
pub const MAX_OBJECTION: usize = 1000;

/// The stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 筹备: rules being set.
    Setup,
    /// 自评互评: an appraisal's self-assessments and comments (appraisals only).
    Assessment,
    /// 提名
    Nomination,
    /// 资格审查
    Review,
    /// 投票
    Voting,
    /// 计票: voting closed, results shown.
    Closed,
    /// 结束（无人当选）: closed without a result. Off the usual path (not in
    /// [`Stage::ALL`]); between 计票 and 公示 in order, so what shows from
    /// 计票 on (results) shows, and what shows from 公示 on does not.
    NoResult,
    /// 公示
    Publicity,
    /// 表彰
    Final,
}

impl Stage {
    /// Every stage in order.
    pub const ALL: [Stage; 7] =
        [Stage::Setup, Stage::Nomination, Stage::Review, Stage::Voting, Stage::Closed, Stage::Publicity, Stage::Final];

    /// Stable key for locale files.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Assessment => "assessment",
            Stage::Nomination => "nomination",
            Stage::Review => "review",
            Stage::Voting => "voting",
            Stage::Closed => "closed",
            Stage::NoResult => "no_result",
            Stage::Publicity => "publicity",
            Stage::Final => "final",
        }
    }

    /// The stages of a round that ended without a result.
    pub const ENDED: [Stage; 6] =
        [Stage::Setup, Stage::Nomination, Stage::Review, Stage::Voting, Stage::Closed, Stage::NoResult];

    /// The stages a round in this one goes through, for showing its progress.
    pub fn path(self) -> &'static [Stage] {
        if self == Stage::NoResult { &Stage::ENDED } else { &Stage::ALL }
    }

    /// The stage after this one on a 评选 round's path.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.iter().position(|s| *s == self).and_then(|i| Stage::ALL.get(i + 1)).copied()
    }

    /// The stage after this one on `path`.
    pub fn next_on(self, path: &[Stage]) -> Option<Stage> {
        path.iter().position(|s| *s == self).and_then(|i| path.get(i + 1)).copied()
    }
}

/// Who may vote, or be nominated.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Electorate {
    /// 正式党员 only.
    Full,
    /// Every active member.
    All,
    /// A hand-picked list.
    List(Vec<MemberId>),
}

impl Electorate {
    /// Whether an active member belongs.
    pub fn includes(&self, member: &Member) -> bool {
        !member.archived
            && match self {
                Electorate::Full => member.fields.status == Status::Full,
                Electorate::All => true,
                Electorate::List(ids) => ids.contains(&member.id),
            }
    }

    /// The members it holds now, in id order.
    pub fn members(&self, state: &State) -> Vec<MemberId> {
        state.members().into_iter().filter(|m| self.includes(m)).map(|m| m.id).collect()
    }
}

/// How ballots are cast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Each eligible member votes once as themself.
    Named,
    /// One-time ballot codes (投票码) handed out like paper ballots.
    Codes,
}

/// A round's rules. Locked once voting opens.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rules {
    /// 名称
    pub title: String,
    /// 年度
    pub year: i32,
    /// Number of honours.
    pub honours: u32,
    /// Most candidates a ballot may choose.
    pub k: u32,
    /// Who may vote.
    pub voters: Electorate,
    /// Who may be nominated.
    pub nominees: Electorate,
    /// 自荐 allowed.
    pub self_nomination: bool,
    /// Nominations one member may make.
    pub nominations_per_member: u32,
    /// A voter may choose themself.
    pub self_vote: bool,
    /// Threshold basis.
    pub basis: Basis,
    /// Named voters or ballot codes.
    pub mode: Mode,
    /// A voter may revise their ballot before the close (named voters only).
    pub revision: bool,
    /// 公示 period in working days.
    pub publicity_days: u32,
    /// Extra public holidays (not working days).
    pub holidays: Vec<Date>,
    /// Weekend days that are working days (调休).
    pub workdays: Vec<Date>,
    /// Planned first day of each stage.
    pub schedule: Vec<(Stage, Date)>,
    /// The round this is a run-off of.
    pub runoff_of: Option<RoundId>,
    /// Fixed candidates (a run-off's): no nomination or review.
    pub candidates: Option<Vec<MemberId>>,
    /// A 民主评议 (appraisal) rather than a 评选: its own settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraisal: Option<crate::appraisal::AppraisalRules>,
}

impl Rules {
    /// A new round's rules with the usual defaults.
    pub fn new(title: &str, year: i32, honours: u32) -> Rules {
        Rules {
            title: title.to_owned(),
            year,
            honours,
            k: honours,
            voters: Electorate::Full,
            nominees: Electorate::All,
            self_nomination: false,
            nominations_per_member: 1,
            self_vote: false,
            basis: Basis::Entitled,
            mode: Mode::Named,
            revision: false,
            publicity_days: 5,
            holidays: Vec::new(),
            workdays: Vec::new(),
            schedule: Vec::new(),
            runoff_of: None,
            candidates: None,
            appraisal: None,
        }
    }

    /// A short fingerprint of the rules (`3F2A-91C0-7B1D`): any later
    /// difference in the rules shows as a different fingerprint.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_string(self).expect("rules serialize");
        let digest = Sha256::digest(json.as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02X}")).collect();
        format!("{}-{}-{}", &hex[..4], &hex[4..8], &hex[8..])
    }

    /// Checks the rules on their own.
    pub fn check(&self) -> Result<(), RoundProblem> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(RoundProblem::TitleRequired);
        }
        if title.chars().count() > MAX_SHORT {
            return Err(RoundProblem::TooLong { max: MAX_SHORT });
        }
        if self.honours == 0 || self.honours > 100 {
            return Err(RoundProblem::BadHonours);
        }
        if self.k == 0 || self.k > 100 {
            return Err(RoundProblem::BadK);
        }
        if self.nominations_per_member == 0 || self.nominations_per_member > 100 {
            return Err(RoundProblem::BadNominationLimit);
        }
        if self.publicity_days == 0 || self.publicity_days > 60 {
            return Err(RoundProblem::BadPublicity);
        }
        if !(2000..=2100).contains(&self.year) {
            return Err(RoundProblem::BadYear);
        }
        match &self.appraisal {
            Some(appraisal) => appraisal.check(self.mode),
            None => Ok(()),
        }
    }
}

/// A stage change, with what it froze.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StageChange {
    /// The new stage.
    pub stage: Stage,
    /// When, Unix seconds.
    pub at: i64,
    /// At 投票: the entitled voters, frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitled: Option<Vec<MemberId>>,
    /// At 投票: the candidates, frozen (a review merged in later from
    /// another device cannot change who is on the ballot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<MemberId>>,
    /// When 公示 began, Unix seconds (kept through 表彰 for the notice's dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_at: Option<i64>,
    /// At 计票: how many ballots were in the box and its digest, so a box
    /// that changes afterwards shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<(u32, String)>,
}

/// One field of a round, as events carry it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundValue {
    /// The rules.
    Rules(Rules),
    /// The stage.
    Stage(StageChange),
    /// Hashes of the ballot codes issued (never the codes).
    Codes(Vec<String>),
}

/// A round's registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum RoundField {
    Rules,
    Stage,
    Codes,
}

impl RoundValue {
    /// The register it goes in.
    pub fn field(&self) -> RoundField {
        match self {
            RoundValue::Rules(_) => RoundField::Rules,
            RoundValue::Stage(_) => RoundField::Stage,
            RoundValue::Codes(_) => RoundField::Codes,
        }
    }
}
