//! The seeded branch for `cargo xtask bench` (bench/README.md; built in
//! `common/seed.rs`), written as the localStorage key/value pairs the app
//! stores. `bench/bench.mjs` puts them into the browser before navigating.
//!
//! Also prints what the density figure needs that only the core can make:
//! the stored size of the roster alone (the part that does not grow with
//! time) and the baseline, the same records as plain JSON.
//!
//!     cargo run --release -p zhibu-core --example bench_seed -- OUT.json [NEXT_START]
//!
//! NEXT_START (Unix seconds, whole minutes) is when the planned meeting the
//! check-in figure taps on starts; the bench gives now, since marks are
//! taken only inside a meeting's window.

use serde_json::json;

#[path = "common/seed.rs"]
mod seed;
use seed::{MEETINGS_PER_YEAR, MEMBERS, YEARS};

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "target/bench/seed.json".into());
    let next_start = std::env::args().nth(2).map(|s| s.parse::<i64>().expect("NEXT_START: Unix seconds"));
    let seeded = seed::build_with(next_start);
    let stored_bytes = seeded.stored_bytes();
    let seed::Seed { records, marks, storage, roster_stored, next } = seeded;
    let (plain, plain_roster, plain_marks) = seed::plain_json(&records, &marks);
    let stored_units: usize = storage.iter().map(|(k, v)| units(k) + units(v)).sum();
    let written = json!({
        "storage": storage,
        "meeting": next,
        "members": MEMBERS,
        "records": marks.len(),
        "years": YEARS,
        "meetings_per_year": MEETINGS_PER_YEAR,
        "seeded": { "bytes": stored_bytes, "units": stored_units },
        // Roster alone (does not grow with the years): `zhibu:snap` after the import.
        "roster": { "bytes": "zhibu:snap".len() + roster_stored.len(), "units": units("zhibu:snap") + units(&roster_stored) },
        "plain": {
            "bytes": plain.len(), "units": units(&plain),
            "roster_bytes": plain_roster.len(), "roster_units": units(&plain_roster),
            "marks_bytes": plain_marks.len(),
        },
    });
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("creating the output directory");
    }
    std::fs::write(&out, written.to_string()).expect("writing the seed");
    println!(
        "bench_seed: {MEMBERS} members, {} records, {} meetings; stored {stored_bytes} bytes → {out}",
        marks.len(),
        records.state().meetings().len()
    );
}
