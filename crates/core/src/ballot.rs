//! The ballot box, ballot codes, receipts and the anonymous export.
//!
//! A ballot is `(slot, revision, sorted choices)` and nothing else. The slot
//! is random (a code's ballot, a paper ballot, or a named voter who may not
//! revise) or the hash of a secret only the voter's own phone keeps (a named
//! voter who may revise). A revision replaces the ballot in its slot only
//! if it shows that secret (the slot's **key**, checked by hashing), so
//! knowing a slot gives no power over it; the key is checked, never kept.
//! Boxes merge by slot, the higher revision winning, so duplicates never
//! add a ballot.
//!
//! Codes (投票码) come from the caller's CSPRNG: ten characters from an
//! alphabet without look-alikes (no 0/O, 1/I/L), 50 bits. Only
//! `code_hash(round, code)` is stored.

use crate::appraisal::Rating;
use crate::ids::{MemberId, RoundId};
use crate::rounds::{Round, RoundProblem};
use crate::state::State;
use crate::tally::{self, Tally, TallyRules};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Characters of a ballot code: digits and capitals without 0, 1, I, L, O.
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (≈ 49.5 bits).
pub const CODE_LEN: usize = 10;

/// One ballot in the box.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ballot {
    /// Revision (0 first; a revised ballot replaces a lower one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rev: u32,
    /// The chosen candidates, sorted (empty: blank). Empty on an appraisal's ballot.
    pub choices: Vec<MemberId>,
    /// An appraisal's ballot: a rating per appraised member it rates
    /// (unrated: no opinion). Empty on a 评选 ballot.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ratings: BTreeMap<MemberId, Rating>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Ballot {
    /// A 评选 ballot choosing `choices` (sorted by the caller's check).
    pub fn of(rev: u32, choices: Vec<MemberId>) -> Ballot {
        Ballot { rev, choices, ratings: BTreeMap::new() }
    }

    /// An appraisal's ballot.
    pub fn rating(rev: u32, ratings: BTreeMap<MemberId, Rating>) -> Ballot {
        Ballot { rev, choices: Vec::new(), ratings }
    }
}

/// Ballot boxes by round, then slot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Boxes(pub BTreeMap<RoundId, BTreeMap<String, Ballot>>);

impl Boxes {
    /// Puts a ballot in its slot; keeps the higher revision (then the
    /// greater ballot, so every device keeps the same one). Returns whether
    /// anything changed.
    pub fn put(&mut self, round: &RoundId, slot: &str, ballot: Ballot) -> bool {
        let slots = self.0.entry(round.clone()).or_default();
        match slots.get(slot) {
            Some(existing) if *existing >= ballot => false,
            _ => {
                slots.insert(slot.to_owned(), ballot);
                true
            }
        }
    }

    /// Merges another set of boxes in.
    pub fn join(&mut self, other: &Boxes) -> bool {
        let mut changed = false;
        for (round, slots) in &other.0 {
            for (slot, ballot) in slots {
                changed |= self.put(round, slot, ballot.clone());
            }
        }
        changed
    }

    /// Whether there are no ballots.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(BTreeMap::is_empty)
    }
}

/// A round's ballots in slot order (which says nothing about voting order).
pub fn box_of(state: &State, round: &RoundId) -> Vec<Ballot> {
    state.ballots.0.get(round).map(|slots| slots.values().cloned().collect()).unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of a box (its ballots sorted), to seal it at the close.
pub fn digest(ballots: &[Ballot]) -> String {
    let mut sorted: Vec<&Ballot> = ballots.iter().collect();
    sorted.sort();
    let json = serde_json::to_string(&sorted).expect("ballots serialize");
    hex(&Sha256::digest(json.as_bytes())[..16])
}

/// A code as typed, normalised: upper case, no spaces or dashes, look-alikes mapped.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// What the round stores of a code.
pub fn code_hash(round: &RoundId, code: &str) -> String {
    let text = format!("zhibu-ballot-code\n{round}\n{}", normalise_code(code));
    hex(&Sha256::digest(text.as_bytes())[..16])
}

/// Makes ballot codes from random bytes (16 per code, from a CSPRNG).
/// The 128 random bits are read as base-31 digits: every code has
/// `CODE_LEN` characters (skipping bytes ≥ 248, as before, could leave too
/// few), and since 31¹⁰ < 2⁵⁰ the bias left by 2¹²⁸ is below 2⁻⁷⁸.
pub fn make_codes(randomness: &[[u8; 16]]) -> Vec<String> {
    randomness
        .iter()
        .map(|bytes| {
            let mut n = u128::from_le_bytes(*bytes);
            (0..CODE_LEN)
                .map(|_| {
                    let c = CODE_ALPHABET[(n % 31) as usize] as char;
                    n /= 31;
                    c
                })
                .collect()
        })
        .collect()
}

/// A code grouped for reading aloud and typing: `ABCDE-FGHJK`.
pub fn display_code(code: &str) -> String {
    let n = normalise_code(code);
    if n.len() == CODE_LEN { format!("{}-{}", &n[..5], &n[5..]) } else { n }
}

/// A named voter's slot from the secret their phone keeps.
pub fn slot_of_secret(round: &RoundId, secret: &[u8; 16]) -> String {
    let text = format!("zhibu-ballot-slot\n{round}\n{}", hex(secret));
    hex(&Sha256::digest(text.as_bytes())[..16])
}

/// The key a voter's device shows to revise: its secret, in hex.
pub fn key_of_secret(secret: &[u8; 16]) -> String {
    hex(secret)
}

/// The secret a key spells (32 hex digits), if it is one.
pub fn secret_of_key(key: &str) -> Option<[u8; 16]> {
    if key.len() != 32 || !key.is_ascii() {
        return None;
    }
    let mut secret = [0u8; 16];
    for (i, byte) in secret.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&key[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(secret)
}

/// Whether `key` is the secret behind `slot`.
pub fn opens(round: &RoundId, slot: &str, key: &str) -> bool {
    secret_of_key(key).is_some_and(|secret| slot_of_secret(round, &secret) == slot)
}

/// Checks a revision of the ballot in `slot` (now at revision `current`):
/// the key must open the slot, and the revision must be higher.
pub fn check_revision(
    round: &RoundId,
    slot: &str,
    rev: u32,
    key: Option<&str>,
    current: u32,
) -> Result<(), RoundProblem> {
    let key = key.ok_or(RoundProblem::KeyRequired)?;
    if !opens(round, slot, key) {
        return Err(RoundProblem::WrongKey);
    }
    if rev <= current {
        return Err(RoundProblem::StaleRevision);
    }
    Ok(())
}

/// A fresh random slot.
pub fn random_slot(random: &[u8; 16]) -> String {
    hex(random)
}

/// The receipt a voter gets: a hash of the ballot (its slot, revision and
/// choices). The published list lets a voter see their ballot was counted
/// without showing what it says.
pub fn receipt(round: &RoundId, slot: &str, ballot: &Ballot) -> String {
    let ids: Vec<&str> = ballot.choices.iter().map(MemberId::as_str).collect();
    let mut text = format!("zhibu-receipt\n{round}\n{slot}\n{}\n{}", ballot.rev, ids.join(","));
    // An appraisal's ratings are what its receipt vouches for (a 评选
    // ballot's receipt stays as it always was).
    if !ballot.ratings.is_empty() {
        let rated: Vec<String> = ballot.ratings.iter().map(|(m, r)| format!("{m}={}", r.key())).collect();
        text.push_str(&format!("\n{}", rated.join(",")));
    }
    let h = hex(&Sha256::digest(text.as_bytes())[..8]).to_uppercase();
    format!("{}-{}-{}-{}", &h[..4], &h[4..8], &h[8..12], &h[12..])
}

/// Every receipt of a round's box, sorted.
pub fn receipts(state: &State, round: &RoundId) -> Vec<String> {
    let mut list: Vec<String> = state
        .ballots
        .0
        .get(round)
        .map(|slots| slots.iter().map(|(slot, b)| receipt(round, slot, b)).collect())
        .unwrap_or_default();
    list.sort();
    list
}

/// The anonymous export anyone can recount: rules, candidates, ballots
/// (sorted; no slots) and receipts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxExport {
    /// Marks the file.
    pub kind: String,
    /// Round title.
    pub title: String,
    /// Rules fingerprint.
    pub fingerprint: String,
    /// The tally's numbers.
    pub rules: TallyRules,
    /// Candidates: id and name.
    pub candidates: Vec<(MemberId, String)>,
    /// Every ballot's choices, sorted.
    pub ballots: Vec<Vec<MemberId>>,
    /// Every receipt, sorted.
    pub receipts: Vec<String>,
    /// The tally the app computed.
    pub tally: Tally,
}

/// Marks an export file.
pub const EXPORT_KIND: &str = "zhibu-ballot-box";

/// The export of a closed round.
pub fn export(state: &State, round: &Round) -> Option<BoxExport> {
    let tally = crate::rounds::results(state, round)?;
    let mut ballots: Vec<Vec<MemberId>> = box_of(state, &round.id).into_iter().map(|b| b.choices).collect();
    ballots.sort();
    let candidates = crate::rounds::candidates(state, round)
        .into_iter()
        .map(|c| {
            let name = state.member(&c).map(|m| m.fields.name).unwrap_or_default();
            (c, name)
        })
        .collect();
    Some(BoxExport {
        kind: EXPORT_KIND.to_owned(),
        title: round.rules.title.clone(),
        fingerprint: round.rules.fingerprint(),
        rules: TallyRules {
            honours: round.rules.honours as usize,
            k: round.rules.k as usize,
            basis: round.rules.basis,
            entitled: round.entitled(state).len(),
        },
        candidates,
        ballots,
        receipts: receipts(state, &round.id),
        tally,
    })
}

/// What a recount found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recount {
    /// The recount agrees with the tally in the file.
    Agrees(Tally),
    /// It does not: the recount's tally.
    Differs(Tally),
}

/// Why a file could not be recounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecountProblem {
    /// Not JSON, or not shaped like a box export (a field missing or of
    /// the wrong kind); 1-based line and column of the problem.
    Unreadable {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// Readable, but another kind of file (its `kind` is not [`EXPORT_KIND`]).
    NotAnExport,
}

/// Recounts an exported box from its ballots and rules alone.
pub fn recount(json: &str) -> Result<Recount, RecountProblem> {
    let export: BoxExport =
        serde_json::from_str(json).map_err(|e| RecountProblem::Unreadable { line: e.line(), column: e.column() })?;
    if export.kind != EXPORT_KIND {
        return Err(RecountProblem::NotAnExport);
    }
    let candidates: BTreeSet<MemberId> = export.candidates.iter().map(|(c, _)| c.clone()).collect();
    let tally = tally::tally(&export.rules, &candidates, export.ballots.iter().map(Vec::as_slice));
    Ok(if tally == export.tally { Recount::Agrees(tally) } else { Recount::Differs(tally) })
}
