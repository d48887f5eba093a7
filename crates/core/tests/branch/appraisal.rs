//! 民主评议 appraisals set up quickly, through the commands the appraisal
//! pages call: rules, 自评, 互评, rating ballots (named, paper, code) and
//! the committee's decisions.

use super::{Branch, DESK, phone};
use std::collections::BTreeMap;
use zhibu_core::appraisal::{self, Count, Decision, Rating};
use zhibu_core::commands::appraisal as commands;
use zhibu_core::commands::ballots::{self, Cast, Phone};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{RoundProblem, Rules, Stage};

/// The rules of this year's appraisal, with the defaults.
pub fn appraisal_rules() -> Rules {
    Rules::appraisal("2026年度民主评议党员", 2026)
}

/// Ratings from (member, rating) pairs.
pub fn ratings(pairs: &[(&MemberId, Rating)]) -> BTreeMap<MemberId, Rating> {
    pairs.iter().map(|(m, r)| ((*m).clone(), *r)).collect()
}

/// Everyone rated the same.
pub fn all(members: &[MemberId], rating: Rating) -> BTreeMap<MemberId, Rating> {
    members.iter().map(|m| (m.clone(), rating)).collect()
}

/// A decision with no reason or follow-up.
pub fn grade(grade: Rating) -> Decision {
    Decision { grade, reason: String::new(), follow_up: String::new() }
}

impl Branch {
    /// A member's own 自评 from their phone.
    pub fn self_assess(&mut self, id: &RoundId, member: &MemberId, text: &str) -> Result<(), RoundProblem> {
        self.run(&phone(member), Some(member), |state, _| commands::self_assess(state, id, member, text))
    }

    /// A paper 自评 entered on the organizer's device.
    pub fn enter_self_assessment(&mut self, id: &RoundId, member: &MemberId, text: &str) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, act| commands::enter_self_assessment(state, act, id, member, text))
    }

    /// A 互评 comment from the author's phone.
    pub fn comment(&mut self, id: &RoundId, by: &MemberId, about: &MemberId, text: &str) -> Result<(), RoundProblem> {
        self.run(&phone(by), Some(by), |state, act| commands::comment(state, act, id, about, text))
    }

    /// A named rating ballot on the rater's own phone.
    pub fn rate(
        &mut self,
        id: &RoundId,
        rater: &MemberId,
        marks: &BTreeMap<MemberId, Rating>,
    ) -> Result<Cast, RoundProblem> {
        let own = Phone { organizer: false, me: Some(rater), secret: None };
        let change =
            self.command(Some(rater), |state, act| ballots::vote_named(state, act, &own, (id, rater), marks))?;
        Ok(self.cast(&phone(rater), change).1)
    }

    /// A rating ballot by code at the kiosk.
    pub fn rate_code(
        &mut self,
        id: &RoundId,
        code: &str,
        marks: &BTreeMap<MemberId, Rating>,
    ) -> Result<Cast, RoundProblem> {
        let change = self.command(None, |state, act| ballots::vote_code(state, act, id, code, marks))?;
        Ok(self.cast("kiosk", change).1)
    }

    /// The committee's decision, entered on the organizer's device.
    pub fn decide_grade(&mut self, id: &RoundId, member: &MemberId, decision: Decision) -> Result<(), RoundProblem> {
        self.run(DESK, None, |state, _| commands::decide(state, id, member, decision))
    }

    /// The count, whatever the stage.
    pub fn count(&self, id: &RoundId) -> Count {
        appraisal::count_box(self.state(), &self.round(id))
    }

    pub fn appraised(&self, id: &RoundId) -> Vec<MemberId> {
        appraisal::appraised(self.state(), &self.round(id))
    }
}

/// `full` 正式党员 and `probationary` 预备党员, and an appraisal with
/// `rules` at 自评互评.
pub fn appraisal_at_assessment(
    full: usize,
    probationary: usize,
    rules: Rules,
) -> (Branch, RoundId, Vec<MemberId>, Vec<MemberId>) {
    let mut b = Branch::new();
    let f = b.full(full);
    let p = b.probationary(probationary);
    let r = b.new_round(rules).unwrap();
    b.advance(&r, Stage::Assessment).unwrap();
    (b, r, f, p)
}

/// The same, with named ballots open for rating.
pub fn named_appraisal_voting(full: usize, probationary: usize) -> (Branch, RoundId, Vec<MemberId>, Vec<MemberId>) {
    let rules = Rules { mode: zhibu_core::rounds::Mode::Named, ..appraisal_rules() };
    let (mut b, r, f, p) = appraisal_at_assessment(full, probationary, rules);
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, f, p)
}
