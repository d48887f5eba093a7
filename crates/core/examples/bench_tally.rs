//! The native baseline of the tally figure for `cargo xtask bench`
//! (bench/README.md): the same ballot box as the browser's
//! `bench_tally` (`src/bench.rs`; both include `common/ballots.rs`), counted
//! with the core's tally in a release build.
//!
//!     cargo run --release -p zhibu-core --example bench_tally -- [BALLOTS K CANDIDATES RUNS]
//!
//! Prints one JSON line: each run's milliseconds (counting only, not
//! building the box) and a summary of the result to compare with wasm's.

use std::time::Instant;

#[path = "common/ballots.rs"]
mod ballots;

fn main() {
    let args: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().expect("numbers")).collect();
    let arg = |i: usize, default: u32| args.get(i).copied().unwrap_or(default);
    let (n, k, candidates, runs) = (arg(0, 100_000), arg(1, 10), arg(2, 50), arg(3, 7));
    let bx = ballots::make(n, k, candidates);
    // One untimed count first: page in the box, warm the allocator.
    let summary = ballots::summary(&ballots::count(&bx));
    let ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(ballots::count(std::hint::black_box(&bx)));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    println!("{}", serde_json::json!({ "ballots": n, "k": k, "candidates": candidates, "ms": ms, "summary": summary }));
}
