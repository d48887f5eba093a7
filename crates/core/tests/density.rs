//! The density budget (issue 16): everything the bench's seeded branch
//! stores, divided by its attendance records, stays within 32 bytes. A
//! test, not a bench: the stored form is deterministic, and a figure that
//! grows silently is what a gate is for.

#[path = "../examples/common/seed.rs"]
mod seed;

use zhibu_core::document;
use zhibu_core::records::Records;

/// Bytes per attendance record (`bench/README.md`'s density figure).
const BUDGET: f64 = 32.0;

#[test]
fn the_seeded_branch_stores_at_most_32_bytes_per_record_and_reads_back() {
    let seed = seed::build();
    let per_record = seed.stored_bytes() as f64 / seed.marks.len() as f64;
    println!("stored {} bytes for {} records: {per_record:.1} B/record", seed.stored_bytes(), seed.marks.len());
    assert!(per_record <= BUDGET, "{per_record:.1} bytes per record, budget {BUDGET}");
    // What is stored is all of it: read back, it is the same branch.
    let mut back = Records::default();
    for text in seed.storage.values() {
        document::parse(text).expect("the app reads what it stored").merge_into(&mut back);
    }
    assert_eq!(back.state(), seed.records.state());
}
