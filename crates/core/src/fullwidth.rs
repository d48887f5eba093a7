//! Full-width forms (ＡＢＣ１２３，) as a Chinese input method types them,
//! read as the ASCII they stand for: a phone `１３９…` is the same number as
//! `139…`. Chinese characters and CJK punctuation (、。·) are not touched.

/// The ASCII a full-width character stands for (U+FF01–U+FF5E → `!`–`~`,
/// the ideographic space U+3000 → a space); any other character unchanged.
pub fn narrow_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `text` with every full-width character narrowed.
pub fn narrow(text: &str) -> String {
    text.chars().map(narrow_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_narrow_and_the_rest_stays() {
        for (text, narrowed) in [
            ("１３９００００００３", "1390000003"),
            ("２０１８－０３－０１", "2018-03-01"),
            ("ＡＢＣ　ａｂｃ！～", "ABC abc!~"),
            ("王建国，李秀英", "王建国,李秀英"),
            ("阿依·古丽、张伟。", "阿依·古丽、张伟。"),
            ("\u{FF00}\u{FF5F}", "\u{FF00}\u{FF5F}"),
        ] {
            assert_eq!(narrow(text), narrowed, "{text:?}");
        }
    }
}
