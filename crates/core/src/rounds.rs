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

    /// The stage after this one.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.iter().position(|s| *s == self).and_then(|i| Stage::ALL.get(i + 1)).copied()
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
        Ok(())
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
    /// The change could not be saved; nothing was recorded.
    NotSaved,
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
}

/// A round as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Identity.
    pub id: RoundId,
    /// Rules.
    pub rules: Rules,
    /// Stage and what it froze.
    pub stage: StageChange,
    /// Issued code hashes.
    pub codes: Vec<String>,
}

impl Round {
    /// Reads a round from its registers; `None` until it has rules.
    pub fn from_table(id: &RoundId, table: &Table<RoundField, RoundValue>) -> Option<Round> {
        let mut rules = None;
        let mut stage = StageChange {
            stage: Stage::Setup,
            at: 0,
            entitled: None,
            candidates: None,
            publicity_at: None,
            sealed: None,
        };
        let mut codes = Vec::new();
        for (_, v) in table.values() {
            match v.clone() {
                RoundValue::Rules(r) => rules = Some(r),
                RoundValue::Stage(s) => stage = s,
                RoundValue::Codes(c) => codes = c,
            }
        }
        Some(Round { id: id.clone(), rules: rules?, stage, codes })
    }

    /// When 公示 began (Unix seconds), once it has.
    pub fn publicity_start(&self) -> Option<i64> {
        self.stage.publicity_at
    }

    /// The stage.
    pub fn stage(&self) -> Stage {
        self.stage.stage
    }

    fn need(&self, stage: Stage) -> Result<(), RoundProblem> {
        if self.stage() == stage {
            Ok(())
        } else {
            Err(RoundProblem::WrongStage { needed: stage, actual: self.stage() })
        }
    }

    /// Voters entitled: frozen when voting opened, the electorate before.
    pub fn entitled(&self, state: &State) -> Vec<MemberId> {
        self.stage.entitled.clone().unwrap_or_else(|| self.rules.voters.members(state))
    }
}

/// Every round with rules, newest year first, then by id.
pub fn rounds(state: &State) -> Vec<Round> {
    let mut list: Vec<Round> = state.rounds.iter().filter_map(|(id, t)| Round::from_table(id, t)).collect();
    list.sort_by(|a, b| (b.rules.year, &a.id).cmp(&(a.rules.year, &b.id)));
    list
}

/// A nominee with every nomination of them (the first is the nomination,
/// the rest its seconders, 附议) and the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nominee {
    /// Who.
    pub member: MemberId,
    /// (nomination id, nomination), oldest first.
    pub nominations: Vec<(NominationId, Nomination)>,
    /// The organizer's review.
    pub review: Option<Review>,
}

/// The nominees of a round, in order of their first nomination.
pub fn nominees(state: &State, round: &RoundId) -> Vec<Nominee> {
    let mut by_member: BTreeMap<MemberId, Nominee> = BTreeMap::new();
    let mut order: Vec<MemberId> = Vec::new();
    for ((r, id), reg) in &state.nominations.0 {
        if r != round {
            continue;
        }
        let n = &reg.value;
        let entry = by_member.entry(n.nominee.clone()).or_insert_with(|| {
            order.push(n.nominee.clone());
            Nominee { member: n.nominee.clone(), nominations: Vec::new(), review: None }
        });
        entry.nominations.push((id.clone(), n.clone()));
    }
    // Nomination ids are time-ordered; the map iterates them in that order.
    order
        .into_iter()
        .filter_map(|m| {
            let mut n = by_member.remove(&m)?;
            n.review = state.reviews.get(&(round.clone(), m)).cloned();
            Some(n)
        })
        .collect()
}

/// The candidates (候选人): frozen when voting opened; before that, fixed
/// for a run-off, else the approved nominees.
pub fn candidates(state: &State, round: &Round) -> Vec<MemberId> {
    if let Some(frozen) = &round.stage.candidates {
        return frozen.clone();
    }
    match &round.rules.candidates {
        Some(fixed) => fixed.clone(),
        None => nominees(state, &round.id)
            .into_iter()
            .filter(|n| n.review.as_ref().is_some_and(|r| r.approved))
            .map(|n| n.member)
            .collect(),
    }
}

/// Checks new rules for a round (or a new one): refused once voting opened.
pub fn set_rules(existing: Option<&Round>, rules: Rules) -> Result<Rules, RoundProblem> {
    rules.check()?;
    if let Some(r) = existing
        && r.stage() >= Stage::Voting
    {
        return Err(RoundProblem::RulesLocked);
    }
    Ok(Rules { title: rules.title.trim().to_owned(), ..rules })
}

/// Moves a round to its next stage, with the guards: candidates reviewed
/// before voting, codes issued for code voting, the box sealed at the close,
/// 公示 and 表彰 only with someone elected; from 计票 a round with nobody
/// elected may end instead ([`Stage::NoResult`], [`crate::outcome`]).
pub fn advance(state: &State, round: &Round, to: Stage, now: i64) -> Result<RoundValue, RoundProblem> {
    let from = round.stage();
    // A run-off has its candidates: it goes from set-up straight to voting.
    let skips = round.rules.candidates.is_some() && from == Stage::Setup && to == Stage::Voting;
    let ends = from == Stage::Closed && to == Stage::NoResult;
    if from.next() != Some(to) && !skips && !ends {
        return Err(RoundProblem::NotNextStage);
    }
    crate::outcome::check_advance(state, round, to)?;
    let mut change =
        StageChange { stage: to, at: now, entitled: None, candidates: None, publicity_at: None, sealed: None };
    match to {
        Stage::Voting => {
            if round.rules.candidates.is_none() {
                let pending = nominees(state, &round.id).iter().filter(|n| n.review.is_none()).count();
                if pending > 0 {
                    return Err(RoundProblem::Unreviewed(pending));
                }
            }
            if candidates(state, round).is_empty() {
                return Err(RoundProblem::NoCandidates);
            }
            if round.rules.mode == Mode::Codes && round.codes.is_empty() {
                return Err(RoundProblem::NoCodes);
            }
            change.entitled = Some(round.rules.voters.members(state));
            change.candidates = Some(candidates(state, round));
        }
        Stage::Closed => {
            change.entitled = round.stage.entitled.clone();
            change.candidates = round.stage.candidates.clone();
            let ballots = crate::ballot::box_of(state, &round.id);
            change.sealed = Some((ballots.len() as u32, crate::ballot::digest(&ballots)));
        }
        _ => {
            if to == Stage::Final {
                let open = state
                    .objections
                    .0
                    .keys()
                    .filter(|(r, o)| r == &round.id && state.handlings.get(&(r.clone(), o.clone())).is_none())
                    .count();
                if open > 0 {
                    return Err(RoundProblem::ObjectionsOpen(open));
                }
            }
            change.entitled = round.stage.entitled.clone();
            change.candidates = round.stage.candidates.clone();
            change.sealed = round.stage.sealed.clone();
            change.publicity_at = if to == Stage::Publicity { Some(now) } else { round.stage.publicity_at };
        }
    }
    Ok(RoundValue::Stage(change))
}

/// A nomination by `by`, checked against the round's rules.
pub fn nominate(
    state: &State,
    round: &Round,
    by: &MemberId,
    nominee: &MemberId,
    deeds: &str,
) -> Result<Nomination, RoundProblem> {
    round.need(Stage::Nomination)?;
    if state.member(by).is_none_or(|m| m.archived) {
        return Err(RoundProblem::NotMember);
    }
    if !state.member(nominee).is_some_and(|m| round.rules.nominees.includes(&m)) {
        return Err(RoundProblem::NotNominable);
    }
    if by == nominee && !round.rules.self_nomination {
        return Err(RoundProblem::SelfNomination);
    }
    let deeds = deeds.trim();
    if deeds.is_empty() {
        return Err(RoundProblem::DeedsRequired);
    }
    if deeds.chars().count() > MAX_DEEDS {
        return Err(RoundProblem::TooLong { max: MAX_DEEDS });
    }
    let mine: Vec<Nomination> = nominees(state, &round.id)
        .into_iter()
        .flat_map(|n| n.nominations)
        .map(|(_, n)| n)
        .filter(|n| &n.by == by)
        .collect();
    if mine.iter().any(|n| &n.nominee == nominee) {
        return Err(RoundProblem::AlreadyNominated);
    }
    if mine.len() as u32 >= round.rules.nominations_per_member {
        return Err(RoundProblem::NominationLimit(round.rules.nominations_per_member));
    }
    Ok(Nomination { nominee: nominee.clone(), by: by.clone(), deeds: deeds.to_owned() })
}

/// The organizer's review of a nominee.
pub fn review(
    state: &State,
    round: &Round,
    nominee: &MemberId,
    approved: bool,
    reason: &str,
) -> Result<Review, RoundProblem> {
    round.need(Stage::Review)?;
    if !nominees(state, &round.id).iter().any(|n| &n.member == nominee) {
        return Err(RoundProblem::NotNominated);
    }
    let review = Review { approved, reason: reason.trim().to_owned() };
    check_review(&review)?;
    Ok(review)
}

/// A review's own check, wherever it comes from (this device or outside):
/// 不通过 needs a reason, and a reason fits [`MAX_SHORT`].
pub fn check_review(review: &Review) -> Result<(), RoundProblem> {
    let reason = review.reason.trim();
    if !review.approved && reason.is_empty() {
        return Err(RoundProblem::ReasonRequired);
    }
    if reason.chars().count() > MAX_SHORT {
        return Err(RoundProblem::TooLong { max: MAX_SHORT });
    }
    Ok(())
}

/// Checks a ballot's choices against the round (a voter's own choice
/// excluded when self-votes are forbidden). Returns them sorted, so the
/// ballot does not keep the order they were ticked in.
pub fn check_choices(
    state: &State,
    round: &Round,
    voter: Option<&MemberId>,
    choices: &[MemberId],
) -> Result<Vec<MemberId>, RoundProblem> {
    round.need(Stage::Voting)?;
    let candidates: BTreeSet<MemberId> = candidates(state, round).into_iter().collect();
    let distinct: BTreeSet<&MemberId> = choices.iter().collect();
    if distinct.len() != choices.len() {
        return Err(RoundProblem::Duplicate);
    }
    if !choices.iter().all(|c| candidates.contains(c)) {
        return Err(RoundProblem::NotCandidate);
    }
    if choices.len() > round.rules.k as usize {
        return Err(RoundProblem::TooMany(round.rules.k));
    }
    if let Some(v) = voter
        && !round.rules.self_vote
        && choices.contains(v)
    {
        return Err(RoundProblem::SelfVote);
    }
    let mut sorted = choices.to_vec();
    sorted.sort();
    Ok(sorted)
}

/// Whether a voter is on the roll already.
pub fn has_voted(state: &State, round: &RoundId, voter: &Voter) -> bool {
    state.roll.get(&(round.clone(), voter.clone())).copied().unwrap_or(false)
}

/// How a named voter is on the roll, if they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    /// From their own device.
    Device,
    /// On paper, entered by a record keeper.
    Paper,
}

/// Whether (and how) a named voter is on the roll.
pub fn cast_by(state: &State, round: &RoundId, member: &MemberId) -> Option<Cast> {
    if has_voted(state, round, &Voter::Member(member.clone())) {
        Some(Cast::Device)
    } else if has_voted(state, round, &Voter::Paper(member.clone())) {
        Some(Cast::Paper)
    } else {
        None
    }
}

/// A named voter may cast a first ballot now (from their own device, or
/// on paper): entitled, voting open, not on the roll in any way. A
/// revision is [`may_revise`]'s: it adds no second roll entry.
pub fn may_vote(state: &State, round: &Round, member: &MemberId) -> Result<(), RoundProblem> {
    round.need(Stage::Voting)?;
    if round.rules.mode != Mode::Named {
        return Err(RoundProblem::WrongMode);
    }
    if !round.entitled(state).contains(member) {
        return Err(RoundProblem::NotEntitled);
    }
    if cast_by(state, &round.id, member).is_some() {
        return Err(RoundProblem::AlreadyVoted);
    }
    Ok(())
}

/// A named voter may revise their ballot now: voting open, the round
/// allows it, and they voted from their own device (a paper ballot is final).
pub fn may_revise(state: &State, round: &Round, member: &MemberId) -> Result<(), RoundProblem> {
    round.need(Stage::Voting)?;
    if round.rules.mode != Mode::Named || !round.rules.revision {
        return Err(RoundProblem::NoRevision);
    }
    match cast_by(state, &round.id, member) {
        Some(Cast::Device) => Ok(()),
        _ => Err(RoundProblem::NoRevision),
    }
}

/// Paper ballots on a round's roll (they count in the turnout too).
pub fn paper_count(state: &State, round: &RoundId) -> usize {
    state.roll.0.iter().filter(|((r, v), reg)| r == round && matches!(v, Voter::Paper(_)) && reg.value).count()
}

pub use crate::code_batches::check_code;

/// Turnout so far: (voters on the roll, entitled). Never the choices.
pub fn turnout(state: &State, round: &Round) -> (usize, usize) {
    let counted = |v: &Voter| crate::code_batches::counts(round, v);
    let voted = state.roll.0.iter().filter(|((r, v), reg)| r == &round.id && reg.value && counted(v)).count();
    (voted, round.entitled(state).len())
}

/// The tally: only once voting has closed (results are hidden before).
pub fn results(state: &State, round: &Round) -> Option<Tally> {
    if round.stage() < Stage::Closed {
        return None;
    }
    Some(count(state, round))
}

/// Counts the box whatever the stage (for the close and for checks).
pub fn count(state: &State, round: &Round) -> Tally {
    let candidates: BTreeSet<MemberId> = candidates(state, round).into_iter().collect();
    let rules = TallyRules {
        honours: round.rules.honours as usize,
        k: round.rules.k as usize,
        basis: round.rules.basis,
        entitled: round.entitled(state).len(),
    };
    let ballots = crate::ballot::box_of(state, &round.id);
    tally::tally(&rules, &candidates, ballots.iter().map(|b| b.choices.as_slice()))
}

pub use crate::outcome::runoff;

/// An objection during 公示.
pub fn object(round: &Round, about: Option<&MemberId>, text: &str) -> Result<Objection, RoundProblem> {
    round.need(Stage::Publicity)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(RoundProblem::TextRequired);
    }
    if text.chars().count() > MAX_OBJECTION {
        return Err(RoundProblem::TooLong { max: MAX_OBJECTION });
    }
    Ok(Objection { about: about.cloned(), text: text.to_owned() })
}

/// The organizer's handling of an objection.
pub fn handle(
    state: &State,
    round: &Round,
    objection: &ObjectionId,
    upheld: bool,
    note: &str,
) -> Result<Handling, RoundProblem> {
    if round.stage() < Stage::Publicity {
        return Err(RoundProblem::WrongStage { needed: Stage::Publicity, actual: round.stage() });
    }
    if state.objections.get(&(round.id.clone(), objection.clone())).is_none() {
        return Err(RoundProblem::UnknownObjection);
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(RoundProblem::TextRequired);
    }
    if note.chars().count() > MAX_SHORT {
        return Err(RoundProblem::TooLong { max: MAX_SHORT });
    }
    Ok(Handling { upheld, note: note.to_owned() })
}

/// The honoured after 公示: elected, less those whose objection was upheld.
pub fn honoured(state: &State, round: &Round) -> Vec<MemberId> {
    let Some(tally) = results(state, round) else { return Vec::new() };
    let withdrawn: BTreeSet<MemberId> = state
        .objections
        .0
        .iter()
        .filter(|((r, _), _)| r == &round.id)
        .filter(|((r, id), _)| state.handlings.get(&(r.clone(), id.clone())).is_some_and(|h| h.upheld))
        .filter_map(|(_, reg)| reg.value.about.clone())
        .collect();
    tally.elected.into_iter().filter(|m| !withdrawn.contains(m)).collect()
}

/// The last day of 公示: the `days`-th working day from `start` (counted if
/// it is one), skipping weekends and holidays, counting 调休 working days.
pub fn publicity_end(start: Date, days: u32, holidays: &[Date], workdays: &[Date]) -> Date {
    let working = |d: Date| workdays.contains(&d) || (d.weekday() <= 5 && !holidays.contains(&d));
    let (mut day, mut left) = (start, days.max(1));
    loop {
        if working(day) {
            left -= 1;
            if left == 0 {
                return day;
            }
        }
        match day.next_day() {
            Some(next) => day = next,
            None => return day,
        }
    }
}

/// The round's audit log, oldest first.
pub fn audit(state: &State, round: &RoundId) -> Vec<AuditEntry> {
    let mut list: Vec<AuditEntry> =
        state.audit.0.iter().filter(|((r, _), _)| r == round).map(|(_, reg)| reg.value.clone()).collect();
    list.sort_by_key(|e| e.at);
    list
}
