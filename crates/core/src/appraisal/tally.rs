//! 民主测评's count. Pure, like the rounds' tally: the same appraised
//! members, cap and ballots give the same result in any order, and anyone
//! can recount it from the exported (anonymous) box.
//!
//! A ballot rating more members 优秀 than the cap, or rating someone not
//! appraised, is invalid (无效票); a ballot rating nobody is blank (弃权).
//! Valid and blank ballots are counted: a member a counted ballot leaves
//! unrated gets "no opinion" from it. A member is flagged for the
//! committee when 基本合格 + 不合格 pass the flag's share of the counted
//! ballots.

use super::Rating;
use crate::ids::MemberId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Counts per rating, in [`Rating::ALL`]'s order.
pub type RatingCounts = [usize; 4];

/// The numbers a count needs besides the ballots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRules {
    /// Most 优秀 per ballot.
    pub cap: u32,
    /// Flag share, per mille.
    pub flag_permille: u32,
    /// Raters entitled (members on the roll's list plus 群众代表).
    pub entitled: usize,
}

/// How one ballot counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Counted for its ratings.
    Valid,
    /// Rates nobody: counted, no opinion on anyone.
    Blank,
    /// Over the cap, or rates someone not appraised.
    Invalid,
}

/// Judges one ballot.
pub fn judge(ratings: &BTreeMap<MemberId, Rating>, appraised: &BTreeSet<MemberId>, cap: u32) -> Verdict {
    let excellent = ratings.values().filter(|r| **r == Rating::Excellent).count();
    if ratings.is_empty() {
        Verdict::Blank
    } else if excellent > cap as usize || !ratings.keys().all(|m| appraised.contains(m)) {
        Verdict::Invalid
    } else {
        Verdict::Valid
    }
}

/// One appraised member's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Who.
    pub member: MemberId,
    /// Ratings received from counted ballots.
    pub counts: RatingCounts,
    /// Counted ballots that left them unrated.
    pub no_opinion: usize,
    /// 基本合格 + 不合格 passed the flag's share.
    pub flagged: bool,
}

impl Line {
    /// The rating with the most votes, if one has strictly more than the
    /// others (the ballot's own grade; a tie gives none).
    pub fn leading(&self) -> Option<Rating> {
        let most = *self.counts.iter().max()?;
        let mut at_most = Rating::ALL.into_iter().filter(|r| self.counts[r.index()] == most);
        let first = at_most.next()?;
        (most > 0 && at_most.next().is_none()).then_some(first)
    }

    /// Whether `grade` is among the ratings with the most votes.
    pub fn among_leading(&self, grade: Rating) -> bool {
        let most = self.counts.iter().max().copied().unwrap_or(0);
        most > 0 && self.counts[grade.index()] == most
    }
}

/// The result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// Ballots cast (valid + blank + invalid).
    pub cast: usize,
    /// Valid ballots rating someone.
    pub valid: usize,
    /// Blank ballots.
    pub blank: usize,
    /// Invalid ballots.
    pub invalid: usize,
    /// Raters entitled (应到).
    pub entitled: usize,
    /// The cap the ballots were judged by.
    pub cap: u32,
    /// One line per appraised member, in the order given.
    pub lines: Vec<Line>,
}

impl Count {
    /// Ballots counted for ratings: valid and blank.
    pub fn counted(&self) -> usize {
        self.valid + self.blank
    }

    /// One member's line.
    pub fn line(&self, member: &MemberId) -> Option<&Line> {
        self.lines.iter().find(|l| &l.member == member)
    }
}

/// Counts ballots (each a map of ratings) for `appraised`, in their order.
pub fn count<'a>(
    rules: &CountRules,
    appraised: &[MemberId],
    ballots: impl IntoIterator<Item = &'a BTreeMap<MemberId, Rating>>,
) -> Count {
    let set: BTreeSet<MemberId> = appraised.iter().cloned().collect();
    let mut tallies: BTreeMap<&MemberId, RatingCounts> = appraised.iter().map(|m| (m, [0; 4])).collect();
    let (mut cast, mut valid, mut blank, mut invalid) = (0, 0, 0, 0);
    for ratings in ballots {
        cast += 1;
        match judge(ratings, &set, rules.cap) {
            Verdict::Invalid => invalid += 1,
            Verdict::Blank => blank += 1,
            Verdict::Valid => {
                valid += 1;
                for (member, rating) in ratings {
                    if let Some(counts) = tallies.get_mut(member) {
                        counts[rating.index()] += 1;
                    }
                }
            }
        }
    }
    let counted = valid + blank;
    let lines = appraised
        .iter()
        .map(|member| {
            let counts = tallies.get(member).copied().unwrap_or([0; 4]);
            let rated: usize = counts.iter().sum();
            let poor = counts[Rating::Basic.index()] + counts[Rating::Failing.index()];
            // Integers: poor / counted > permille / 1000, exactly.
            let flagged = counted > 0 && poor * 1000 > rules.flag_permille as usize * counted;
            Line { member: member.clone(), counts, no_opinion: counted - rated, flagged }
        })
        .collect();
    Count { cast, valid, blank, invalid, entitled: rules.entitled, cap: rules.cap, lines }
}
