//! The compact pinyin table (`src/pinyin_table.rs`) against the `pinyin`
//! crate it is made from: every character of U+3007–U+9FFF reads the same.
//! `ZHIBU_BLESS=1 cargo test -p zhibu-core --test pinyin_table` rewrites
//! the table after a change of the crate or of the range.

use pinyin::{Pinyin, ToPinyin, ToPinyinMulti};
use std::collections::BTreeSet;
use zhibu_core::pinyin_table;

const FIRST: u32 = 0x3007;
const LAST: u32 = 0x9FFF;
const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pinyin_table.bin");

fn chars() -> impl Iterator<Item = char> {
    (FIRST..=LAST).filter_map(char::from_u32)
}

/// The crate's distinct plain readings, its usual one first.
fn crate_readings(c: char) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = c.to_pinyin().map(Pinyin::plain).into_iter().collect();
    for r in c.to_pinyin_multi().into_iter().flatten().map(Pinyin::plain) {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The table's bytes, as `src/pinyin_table.rs` documents them.
fn build() -> Vec<u8> {
    let syllables: Vec<&str> = chars().flat_map(crate_readings).collect::<BTreeSet<_>>().into_iter().collect();
    let index = |s: &str| syllables.binary_search(&s).expect("collected above") as u16;
    let text = syllables.join("\n");
    let count = LAST - FIRST + 1;
    let mut out = Vec::new();
    for v in [FIRST as u16, count as u16, text.len() as u16] {
        out.extend(v.to_le_bytes());
    }
    out.extend(text.as_bytes());
    if text.len() % 2 == 1 {
        out.push(0);
    }
    let mut lists: Vec<u16> = Vec::new();
    for code in FIRST..=LAST {
        let readings = char::from_u32(code).map(crate_readings).unwrap_or_default();
        let entry = match readings.as_slice() {
            [] => 0,
            [one] => index(one) + 1,
            many => {
                let at = lists.len() as u16;
                assert!(at < 0x8000, "the lists outgrew 15 bits");
                lists.push(many.len() as u16);
                lists.extend(many.iter().map(|s| index(s)));
                0x8000 | at
            }
        };
        out.extend(entry.to_le_bytes());
    }
    for v in lists {
        out.extend(v.to_le_bytes());
    }
    out
}

#[test]
fn the_table_is_made_from_the_crate() {
    let built = build();
    if std::env::var_os("ZHIBU_BLESS").is_some() {
        std::fs::write(FILE, &built).unwrap();
        return;
    }
    let stored = std::fs::read(FILE).unwrap();
    assert!(
        stored == built,
        "src/pinyin_table.bin is stale: rerun with ZHIBU_BLESS=1 ({} vs {} bytes)",
        stored.len(),
        built.len()
    );
}

#[test]
fn every_character_reads_as_the_crate_reads_it() {
    for c in chars() {
        let ours: Vec<&str> = pinyin_table::readings(c).collect();
        assert_eq!(ours, crate_readings(c), "{c} U+{:04X}", c as u32);
        assert_eq!(pinyin_table::reading(c), c.to_pinyin().map(Pinyin::plain), "{c}");
    }
}

#[test]
fn names_read_as_expected_and_other_text_has_no_reading() {
    assert_eq!(pinyin_table::reading('王'), Some("wang"));
    assert_eq!(pinyin_table::reading('吕'), Some("lü"));
    assert!(pinyin_table::readings('单').any(|r| r == "shan"));
    assert!(pinyin_table::readings('曾').any(|r| r == "zeng"));
    assert_eq!(pinyin_table::reading('〇'), Some("ling"));
    for c in ['a', '1', '，', '𠀀', '\u{2FFF}', '\u{A000}'] {
        assert_eq!(pinyin_table::readings(c).count(), 0, "{c:?}");
    }
}

/// The release app fetches the table as a file: a truncated or damaged
/// download is refused rather than read out of bounds later.
#[test]
fn a_fetched_table_is_checked_before_it_is_taken() {
    let table = std::fs::read(FILE).unwrap();
    assert_eq!(pinyin_table::install(table.clone()), Ok(()));
    assert_eq!(pinyin_table::install(table[..table.len() / 2].to_vec()), Err(pinyin_table::NotATable));
    assert_eq!(pinyin_table::install(Vec::new()), Err(pinyin_table::NotATable));
    // An entry for 王 naming a syllable past the list.
    let entries = 6 + usize::from(u16::from_le_bytes([table[4], table[5]]));
    let at = (entries + entries % 2) + 2 * ('王' as usize - FIRST as usize);
    let mut bad = table.clone();
    bad[at..at + 2].copy_from_slice(&0x7FFFu16.to_le_bytes());
    assert_eq!(pinyin_table::install(bad), Err(pinyin_table::NotATable));
    assert_eq!(pinyin_table::reading('王'), Some("wang"), "the built-in table is untouched");
}
