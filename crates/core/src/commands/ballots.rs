//! Casting: a named ballot on the voter's own phone (and its revision), a
//! paper ballot entered on the organizer's device, a ballot by code at the
//! kiosk. Each returns the roll entry as an event and the ballot as a
//! [`Cast`] for the box: the two are never linked (see [`crate::ballot`]).
//! The same three serve a 评选 (choices) and a 民主评议 (ratings): what
//! the ballot says is [`Marks`], checked by the round's kind.

use super::rounds::round;
use super::{Act, Change, Draft};
use crate::appraisal::{self, Rating};
use crate::ballot::{self, Ballot};
use crate::event::Payload;
use crate::ids::{MemberId, RoundId};
use crate::rounds::{self, Round, RoundProblem, Voter};
use crate::state::State;
use std::collections::BTreeMap;

/// What a ballot says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Marks {
    /// A 评选's chosen candidates (none: blank).
    Choices(Vec<MemberId>),
    /// An appraisal's rating per appraised member (none: blank).
    Ratings(BTreeMap<MemberId, Rating>),
}

impl From<&[MemberId]> for Marks {
    fn from(choices: &[MemberId]) -> Marks {
        Marks::Choices(choices.to_vec())
    }
}

impl<const N: usize> From<&[MemberId; N]> for Marks {
    fn from(choices: &[MemberId; N]) -> Marks {
        Marks::Choices(choices.to_vec())
    }
}

impl From<&Vec<MemberId>> for Marks {
    fn from(choices: &Vec<MemberId>) -> Marks {
        Marks::Choices(choices.clone())
    }
}

impl From<&BTreeMap<MemberId, Rating>> for Marks {
    fn from(ratings: &BTreeMap<MemberId, Rating>) -> Marks {
        Marks::Ratings(ratings.clone())
    }
}

impl Marks {
    /// What a ballot from outside says (the server's push): choices or
    /// ratings, never both.
    pub fn of(choices: &[MemberId], ratings: &BTreeMap<MemberId, Rating>) -> Result<Marks, RoundProblem> {
        match (choices.is_empty(), ratings.is_empty()) {
            (false, false) => Err(RoundProblem::WrongBallot),
            (true, false) => Ok(Marks::Ratings(ratings.clone())),
            _ => Ok(Marks::Choices(choices.to_vec())),
        }
    }
}

/// The ballot `marks` make in `round` at revision `rev`, checked by the
/// round's kind (`voter` for the self-vote rule of a named 评选 ballot):
/// the app's commands and the server's admission both judge by it.
pub fn checked(
    state: &State,
    round: &Round,
    voter: Option<&MemberId>,
    marks: Marks,
    rev: u32,
) -> Result<Ballot, RoundProblem> {
    match marks {
        // A blank appraisal ballot (弃权) looks like a blank choice.
        Marks::Choices(c) if round.rules.is_appraisal() && c.is_empty() => {
            Ok(Ballot::rating(rev, appraisal::check_ratings(state, round, &BTreeMap::new())?))
        }
        Marks::Choices(_) if round.rules.is_appraisal() => Err(RoundProblem::WrongBallot),
        Marks::Choices(choices) => Ok(Ballot::of(rev, rounds::check_choices(state, round, voter, &choices)?)),
        Marks::Ratings(ratings) => Ok(Ballot::rating(rev, appraisal::check_ratings(state, round, &ratings)?)),
    }
}

/// What the device knows of itself that the casting rules ask.
#[derive(Clone, Copy, Debug, Default)]
pub struct Phone<'a> {
    /// The organizer's device: shared, even when its owner is a member, so
    /// it casts nobody's named ballot (it enters paper ones instead).
    pub organizer: bool,
    /// The member this phone belongs to.
    pub me: Option<&'a MemberId>,
    /// The secret behind this phone's slot in the round, if it voted there
    /// where revising is allowed.
    pub secret: Option<[u8; 16]>,
}

/// A ballot for the box, with its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cast {
    /// The round.
    pub round: RoundId,
    /// Its slot in the box (random, or the hash of the phone's secret).
    pub slot: String,
    /// The choices and revision.
    pub ballot: Ballot,
    /// What the voter can check their ballot by.
    pub receipt: String,
    /// A new secret the phone must keep to revise later.
    pub keep_secret: Option<[u8; 16]>,
}

fn cast(round: &RoundId, slot: String, ballot: Ballot, keep_secret: Option<[u8; 16]>) -> Cast {
    let receipt = ballot::receipt(round, &slot, &ballot);
    Cast { round: round.clone(), slot, ballot, receipt, keep_secret }
}

/// Whether this phone may cast `voter`'s named ballot now, or revise it:
/// only the voter's own phone (no proxy voting), and a revision only with
/// the secret this phone kept when it voted.
pub fn may_vote_named(state: &State, phone: &Phone, id: &RoundId, voter: &MemberId) -> Result<Round, RoundProblem> {
    let round = round(state, id)?;
    if phone.organizer || phone.me != Some(voter) {
        return Err(RoundProblem::OwnDeviceOnly);
    }
    match rounds::cast_by(state, id, voter) {
        None => rounds::may_vote(state, &round, voter)?,
        Some(_) if !round.rules.revision => return Err(RoundProblem::AlreadyVoted),
        Some(_) => {
            rounds::may_revise(state, &round, voter)?;
            if phone.secret.is_none() {
                return Err(RoundProblem::KeyRequired);
            }
        }
    }
    Ok(round)
}

/// A named voter's ballot on their own phone: the roll entry naming them
/// (none for a revision), and the ballot (no name, no time) for the box.
pub fn vote_named(
    state: &State,
    act: &mut Act,
    phone: &Phone,
    (id, voter): (&RoundId, &MemberId),
    marks: impl Into<Marks>,
) -> Result<Change<Cast>, RoundProblem> {
    let round = may_vote_named(state, phone, id, voter)?;
    // Checked before the slot is drawn (its revision comes with it below).
    let ballot = checked(state, &round, Some(voter), marks.into(), 0)?;
    let revising = rounds::cast_by(state, id, voter).is_some();
    // Where revising is allowed the slot is the hash of a secret only this
    // phone keeps; the server replaces a ballot only for it. Only a
    // revision uses the kept secret: one kept on a phone since joined as
    // another member is theirs, and a first vote in its slot would
    // overwrite their ballot.
    let (slot, keep) = if round.rules.revision {
        let (secret, keep) = match phone.secret.filter(|_| revising) {
            Some(secret) => (secret, None),
            None => {
                let secret = act.random();
                (secret, Some(secret))
            }
        };
        (ballot::slot_of_secret(id, &secret), keep)
    } else {
        (ballot::random_slot(&act.random()), None)
    };
    let rev = state.ballots.0.get(id).and_then(|b| b.get(&slot)).map_or(0, |b| b.rev + 1);
    let ballot = Ballot { rev, ..ballot };
    let roll = (!revising).then(|| Draft {
        actor: Some(voter.clone()),
        payload: Payload::Voted { round: id.clone(), voter: Voter::Member(voter.clone()) },
    });
    Ok(Change { events: roll.into_iter().collect(), value: cast(id, slot, ballot, keep) })
}

/// A paper ballot a member without a phone handed in, entered on the
/// organizer's device: the roll says paper, entered by the device's keeper
/// (`act.by`, as the sync server knows them); the ballot goes in a random
/// slot and is final.
pub fn enter_paper(
    state: &State,
    act: &mut Act,
    phone: &Phone,
    (id, voter): (&RoundId, &MemberId),
    marks: impl Into<Marks>,
) -> Result<Change<Cast>, RoundProblem> {
    if !phone.organizer {
        return Err(RoundProblem::OwnDeviceOnly);
    }
    let round = round(state, id)?;
    rounds::may_vote(state, &round, voter)?;
    let ballot = checked(state, &round, Some(voter), marks.into(), 0)?;
    let roll = Payload::Voted { round: id.clone(), voter: Voter::Paper(voter.clone()) };
    let slot = ballot::random_slot(&act.random());
    Ok(Change::one(act.by.clone(), roll, cast(id, slot, ballot, None)))
}

/// A ballot by code (kiosk): the code's hash on the roll, the ballot in the
/// box, nothing linking them.
pub fn vote_code(
    state: &State,
    act: &mut Act,
    id: &RoundId,
    code: &str,
    marks: impl Into<Marks>,
) -> Result<Change<Cast>, RoundProblem> {
    let round = round(state, id)?;
    let hash = rounds::check_code(state, &round, code)?;
    let ballot = checked(state, &round, None, marks.into(), 0)?;
    let slot = ballot::random_slot(&act.random());
    let roll = Payload::Voted { round: id.clone(), voter: Voter::Code(hash) };
    Ok(Change::one(None, roll, cast(id, slot, ballot, None)))
}
