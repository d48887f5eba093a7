//! The tally benchmark's ballot box, made the same way natively (the
//! `bench_tally` example) and in the browser (`src/bench.rs` includes this
//! file by path), so the wasm figure and its native baseline count exactly
//! the same ballots. `lcg.rs` keeps it deterministic.

use std::collections::BTreeSet;
use zhibu_core::ballot::Ballot;
use zhibu_core::ids::MemberId;
use zhibu_core::tally::{self, Basis, Tally, TallyRules};

#[path = "lcg.rs"]
mod lcg;
use lcg::Lcg;

/// What one tally run needs: rules, candidates and the ballots.
pub struct BallotBox {
    /// K, honours and the threshold basis.
    pub rules: TallyRules,
    /// The candidates (ULIDs, as the app makes member ids).
    pub candidates: BTreeSet<MemberId>,
    /// Each ballot: K distinct candidates, sorted, as the box keeps them.
    pub ballots: Vec<Ballot>,
}

/// `ballots` ballots each naming `k` distinct candidates of `candidates`.
pub fn make(ballots: u32, k: u32, candidates: u32) -> BallotBox {
    let mut rng = Lcg(0x5EED_2026);
    let ids: Vec<MemberId> =
        (0..candidates).map(|i| MemberId::generate(1_700_000_000_000 + u64::from(i), rng.bytes16())).collect();
    let k = (k as usize).min(ids.len());
    let mut order: Vec<usize> = (0..ids.len()).collect();
    let ballots = (0..ballots)
        .map(|_| {
            // A partial Fisher–Yates shuffle: the first k are the choices.
            for i in 0..k {
                let j = i + rng.below(order.len() - i);
                order.swap(i, j);
            }
            let mut choices: Vec<MemberId> = order[..k].iter().map(|&i| ids[i].clone()).collect();
            choices.sort();
            Ballot::of(0, choices)
        })
        .collect::<Vec<_>>();
    let rules = TallyRules { honours: k, k, basis: Basis::Cast, entitled: ballots.len() };
    BallotBox { rules, candidates: ids.into_iter().collect(), ballots }
}

/// The count, exactly as `rounds::count` calls it.
pub fn count(b: &BallotBox) -> Tally {
    tally::tally(&b.rules, &b.candidates, b.ballots.iter().map(|b| b.choices.as_slice()))
}

/// A short summary of a result, to check that two runs counted alike.
pub fn summary(t: &Tally) -> String {
    let top: Vec<String> = t.counts.iter().take(3).map(|(c, n)| format!("{}:{n}", &c.as_str()[20..])).collect();
    format!("cast {} valid {} elected {} tied {} top {}", t.cast, t.valid, t.elected.len(), t.tied.len(), top.join(","))
}
