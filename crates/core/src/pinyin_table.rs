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
//!
//! With the `bundled-pinyin` feature (the default: the server, native
//! tests, `trunk serve`) the table is built in. The release app leaves it
//! out of the first screen's wasm (≈ 63 KB gzip) and fetches it as a file
//! after the first screen is drawn ([`install`]); until then a character
//! has no reading, so names sort by character and search matches
//! characters only.

use std::sync::OnceLock;

#[cfg(feature = "bundled-pinyin")]
const BUNDLED: Option<&[u8]> = Some(include_bytes!("pinyin_table.bin"));
#[cfg(not(feature = "bundled-pinyin"))]
const BUNDLED: Option<&[u8]> = None;

/// The table's layout, found once the bytes are there.
struct Layout<'a> {
    bytes: &'a [u8],
    first: u32,
    count: u32,
    syllables: Vec<&'a str>,
    entries: usize,
    lists: usize,
}

impl<'a> Layout<'a> {
    fn u16_at(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]])
    }

    /// Reads the header and checks every entry and list against the bytes,
    /// so that no later lookup can index out of them.
    fn read(bytes: &'a [u8]) -> Result<Layout<'a>, NotATable> {
        let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]])).ok_or(NotATable);
        let (first, count, n) = (u32::from(u16_at(0)?), u32::from(u16_at(2)?), usize::from(u16_at(4)?));
        let text = bytes.get(6..6 + n).and_then(|t| std::str::from_utf8(t).ok()).ok_or(NotATable)?;
        let entries = 6 + n + n % 2;
        let layout = Layout {
            bytes,
            first,
            count,
            syllables: text.split('\n').collect(),
            entries,
            lists: entries + 2 * count as usize,
        };
        let syllable = |s: u16| if usize::from(s) < layout.syllables.len() { Ok(()) } else { Err(NotATable) };
        for i in 0..count as usize {
            match u16_at(entries + 2 * i)? {
                0 => {}
                e if e & 0x8000 == 0 => syllable(e - 1)?,
                e => {
                    let at = layout.lists + 2 * usize::from(e & 0x7FFF);
                    for k in 0..usize::from(u16_at(at)?) {
                        syllable(u16_at(at + 2 + 2 * k)?)?;
                    }
                }
            }
        }
        Ok(layout)
    }
}

/// Bytes that are not a pinyin table (a truncated or wrong download).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotATable;

static FETCHED: OnceLock<Layout<'static>> = OnceLock::new();

fn layout() -> Option<&'static Layout<'static>> {
    static BUILT_IN: OnceLock<Option<Layout<'static>>> = OnceLock::new();
    BUILT_IN
        .get_or_init(|| BUNDLED.map(|bytes| Layout::read(bytes).expect("the built-in table is checked by its test")))
        .as_ref()
        .or_else(|| FETCHED.get())
}

/// Takes a fetched table (the release app's `pinyin-<hash>.bin`) after
/// checking it. A second table, or one beside the built-in table, is
/// checked and then ignored.
pub fn install(bytes: Vec<u8>) -> Result<(), NotATable> {
    Layout::read(&bytes)?;
    if !ready() {
        // Kept for the life of the page, as the built-in table is.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let _ = FETCHED.set(Layout::read(bytes)?);
    }
    Ok(())
}

/// Whether characters have readings yet.
pub fn ready() -> bool {
    layout().is_some()
}

/// The character's distinct plain readings, the usual one first; none for
/// anything outside the table, or before the table is there.
pub fn readings(c: char) -> impl Iterator<Item = &'static str> {
    let found = layout().and_then(|table| {
        let index = u32::from(c).wrapping_sub(table.first);
        (index < table.count).then(|| (table, table.u16_at(table.entries + 2 * index as usize)))
    });
    let (table, entry) = match found {
        Some((table, entry)) if entry != 0 => (Some(table), entry),
        _ => (None, 0),
    };
    let (at, len) = match (table, entry) {
        (None, _) => (0, 0),
        (Some(_), e) if e & 0x8000 == 0 => (usize::MAX, 1),
        (Some(t), e) => {
            let at = t.lists + 2 * usize::from(e & 0x7FFF);
            (at + 2, usize::from(t.u16_at(at)))
        }
    };
    (0..len).filter_map(move |i| {
        let t = table?;
        let syllable = if at == usize::MAX { entry - 1 } else { t.u16_at(at + 2 * i) };
        Some(t.syllables[usize::from(syllable)])
    })
}

/// The character's usual reading.
pub fn reading(c: char) -> Option<&'static str> {
    readings(c).next()
}
