//! Hooks for `cargo xtask bench` (see `bench/README.md`): the browser side of
//! the tally figure. Called from the page as `window.wasmBindings.bench_tally`;
//! the app itself never calls them.

use wasm_bindgen::prelude::wasm_bindgen;

// The same ballot box as the native baseline (`crates/core/examples/bench_tally.rs`).
#[path = "../crates/core/examples/common/ballots.rs"]
mod ballots;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Builds `ballots` ballots naming `k` of `candidates` (deterministically),
/// then counts them with the core's tally; returns the milliseconds the
/// count alone took (building the box is not timed).
#[wasm_bindgen]
pub fn bench_tally(ballots: u32, k: u32, candidates: u32) -> f64 {
    let bx = ballots::make(ballots, k, candidates);
    let start = performance_now();
    let tally = ballots::count(&bx);
    let took = performance_now() - start;
    // Keep the result alive past the second clock reading.
    std::hint::black_box(tally);
    took
}

/// The same count's summary, so the bench can check that wasm and native
/// counted the same ballots alike.
#[wasm_bindgen]
pub fn bench_tally_summary(ballots: u32, k: u32, candidates: u32) -> String {
    ballots::summary(&ballots::count(&ballots::make(ballots, k, candidates)))
}
