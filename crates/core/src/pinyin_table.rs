//! Plain (toneless) pinyin of U+3007–U+9FFF: 〇, CJK Extension A and the
//! unified ideographs, which hold the characters of names. A compact table
//! generated from the `pinyin` crate's data (`tests/pinyin_table.rs` checks
//! every character against the crate and rewrites the table with
//! `ZHIBU_BLESS=1`). Why not the crate itself: its tables cover 100,000
//! characters (Extensions B–G too) and cost the first screen ≈ 100 KB gzip.
//!
//! Layout, little-endian u16 throughout: `first`, `count`, the syllables'
//! byte length `n` and `n` bytes of syllables separated by `\n`; then
//! `count` entries, one per character: 0 = no reading, `1..=0x7FFF` = one
//! reading (syllable + 1), `0x8000 | at` = several, listed at `lists[at]`
//! as a length and that many syllables (the first is the usual reading).
//! The rest is `lists`.

use std::sync::OnceLock;

static TABLE: &[u8] = include_bytes!("pinyin_table.bin");

/// The table's layout, found once.
struct Layout {
    first: u32,
    count: u32,
    syllables: Vec<&'static str>,
    entries: usize,
    lists: usize,
}

fn u16_at(at: usize) -> u16 {
    u16::from_le_bytes([TABLE[at], TABLE[at + 1]])
}

fn layout() -> &'static Layout {
    static LAYOUT: OnceLock<Layout> = OnceLock::new();
    LAYOUT.get_or_init(|| {
        let (first, count, n) = (u32::from(u16_at(0)), u32::from(u16_at(2)), usize::from(u16_at(4)));
        let text = std::str::from_utf8(&TABLE[6..6 + n]).expect("the table's syllables are UTF-8");
        let entries = 6 + n + n % 2;
        Layout { first, count, syllables: text.split('\n').collect(), entries, lists: entries + 2 * count as usize }
    })
}

/// The character's distinct plain readings, the usual one first; none for
/// anything outside the table.
pub fn readings(c: char) -> impl Iterator<Item = &'static str> {
    let table = layout();
    let index = u32::from(c).wrapping_sub(table.first);
    let entry = if index < table.count { u16_at(table.entries + 2 * index as usize) } else { 0 };
    let (at, len) = match entry {
        0 => (0, 0),
        e if e & 0x8000 == 0 => (usize::MAX, 1),
        e => {
            let at = table.lists + 2 * usize::from(e & 0x7FFF);
            (at + 2, usize::from(u16_at(at)))
        }
    };
    (0..len).map(move |i| {
        let syllable = if at == usize::MAX { entry - 1 } else { u16_at(at + 2 * i) };
        table.syllables[usize::from(syllable)]
    })
}

/// The character's usual reading.
pub fn reading(c: char) -> Option<&'static str> {
    readings(c).next()
}
