//! Finding members by name the way Chinese users type: characters (`建国`),
//! full pinyin (`wangjianguo`), initials (`wjg`) or a mix (`wangjg`, `王jg`).
//! Characters with several readings match any of them, which matters for
//! surnames (单 Shàn/Dān, 曾 Zēng/Céng).

use crate::fullwidth::narrow_char;
use crate::pinyin_table;

/// A name prepared for matching: built once per member, matched per keystroke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameKey {
    /// Per character of the folded name, what may be typed for it: the
    /// character itself, then each distinct pinyin reading.
    spellings: Vec<Vec<String>>,
}

/// Only letters, characters and digits, lowercased, full-width forms
/// narrowed: "Li Na", "lina", "ＬＩＮＡ" are the same to a searcher, and
/// "李,小龙" or "阿依·古丽" are spelled as their characters.
fn fold(text: &str) -> String {
    text.chars().map(narrow_char).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn spellings(c: char) -> Vec<String> {
    let mut out = vec![c.to_string()];
    for reading in pinyin_table::readings(c) {
        // Keyboards have no ü: people type v (or plain u) for 吕 lü.
        for spelling in [reading.to_owned(), reading.replace('ü', "v"), reading.replace('ü', "u")] {
            if !out.contains(&spelling) {
                out.push(spelling);
            }
        }
    }
    out
}

impl NameKey {
    /// Prepares `name`.
    pub fn new(name: &str) -> NameKey {
        NameKey { spellings: fold(name).chars().map(spellings).collect() }
    }

    /// Whether `query` finds this name: some run of consecutive characters
    /// spells it, each character giving a non-empty prefix of one of its
    /// spellings. A query with nothing but spaces and punctuation finds
    /// every name, as an empty one does.
    pub fn matches(&self, query: &str) -> bool {
        let query = fold(query);
        if query.is_empty() {
            return true;
        }
        // reached[p]: a run ending at the current character spells
        // query[..p]. One pass over the name, no backtracking.
        let mut reached = vec![false; query.len() + 1];
        let mut next = reached.clone();
        for spellings in &self.spellings {
            // A run may start at any character.
            reached[0] = true;
            next.fill(false);
            for (p, _) in reached.iter().enumerate().filter(|(_, r)| **r) {
                for spelling in spellings {
                    let mut end = p;
                    for (typed, expected) in query[p..].chars().zip(spelling.chars()) {
                        if typed != expected {
                            break;
                        }
                        end += typed.len_utf8();
                        next[end] = true;
                    }
                }
            }
            if next[query.len()] {
                return true;
            }
            std::mem::swap(&mut reached, &mut next);
        }
        false
    }
}

/// Surnames read otherwise than their character's first reading (单 is
/// first dān, but the surname is Shàn), so the roster files them where
/// people look for them.
const SURNAMES: [(char, &str); 15] = [
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('朴', "piao"),
    ('翟', "zhai"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('覃', "qin"),
    ('种', "chong"),
    ('秘', "bi"),
    ('召', "shao"),
    ('薄', "bo"),
];

/// Pinyin of a name for 拼音 ordering, so 陈 comes before 王: one reading
/// per character (the surname reading for the first), syllables separated by
/// spaces so that 陈 chen sorts before 成 cheng. Letters and digits are
/// kept, lowercased; spaces and punctuation only separate (李,小龙 is
/// 李小龙). Ties (same pinyin) are for the caller to break.
pub fn sort_key(name: &str) -> String {
    // A reading is at most six letters and a space per character.
    let mut key = String::with_capacity(name.len() * 3);
    for (i, c) in name.trim().chars().map(narrow_char).enumerate() {
        let surname = SURNAMES.iter().find(|(s, _)| i == 0 && *s == c).map(|(_, r)| *r);
        match surname.or_else(|| pinyin_table::reading(c)) {
            Some(reading) => {
                if !key.is_empty() && !key.ends_with(' ') {
                    key.push(' ');
                }
                key.push_str(reading);
                key.push(' ');
            }
            None if !c.is_alphanumeric() => {
                if !key.is_empty() && !key.ends_with(' ') {
                    key.push(' ');
                }
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key.truncate(key.trim_end().len());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case: (name, query, whether the query finds the name).
    fn check(cases: &[(&str, &str, bool)]) {
        for &(name, query, expected) in cases {
            assert_eq!(NameKey::new(name).matches(query), expected, "{name:?} ~ {query:?}");
        }
    }

    #[test]
    fn queries_find_names_by_characters_pinyin_initials_and_mixes() {
        let cases = [
            ("王建国", "", true),
            ("王建国", "  ", true),
            ("王建国", "王建", true),
            ("王建国", "建国", true),
            ("王建国", "王建国", true),
            ("王建国", "wjg", true),
            ("王建国", "WJG", true),
            ("王建国", "wangjianguo", true),
            ("王建国", "Wang Jian Guo", true),
            ("王建国", "wangjg", true),
            ("王建国", "wjguo", true),
            ("王建国", "wanjiangu", true),
            ("王建国", "jianguo", true),
            ("王建国", "jg", true),
            ("王建国", "g", true),
            ("王建国", "王jg", true),
            ("王建国", "wang建国", true),
            ("徐浩然", "xhr", true),
            ("张伟", "zw", true),
            ("刘芳", "lf", true),
            ("王建国", "wjx", false),
            ("王建国", "xyz", false),
            ("王建国", "国建", false),
            ("王建国", "gjw", false),
            ("王建国", "wg", false),
            ("王建国", "wangjianguox", false),
            ("王建国", "wangx", false),
            ("王建国", "qqq", false),
            ("刘芳", "zw", false),
        ];
        check(&cases);
    }

    #[test]
    fn every_reading_of_a_character_matches() {
        let cases = [
            ("单雄", "shanxiong", true),
            ("单雄", "danxiong", true),
            ("单雄", "sx", true),
            ("单雄", "dx", true),
            ("曾敏", "zengmin", true),
            ("曾敏", "cengmin", true),
            ("曾敏", "zm", true),
            ("曾敏", "cm", true),
            ("吕芳", "lvfang", true),
            ("吕芳", "lufang", true),
            ("吕芳", "lüfang", true),
            ("单雄", "xx", false),
        ];
        check(&cases);
    }

    #[test]
    fn latin_letters_match_themselves_ignoring_case_and_spaces() {
        let cases = [
            ("Li Na", "lina", true),
            ("Li Na", "li na", true),
            ("Li Na", "LI", true),
            ("Li Na", "na", true),
            ("Li Na", "ln", false),
            ("Ayşe 阿依", "ayşe", true),
            ("Ayşe 阿依", "ayse", false),
            ("Ayşe 阿依", "ayşeay", true),
            ("阿依古丽", "aygl", true),
            ("阿依古丽", "ayiguli", true),
        ];
        check(&cases);
    }

    #[test]
    fn punctuation_and_spaces_inside_names_and_queries_are_ignored() {
        let cases = [
            ("李,小龙", "lxl", true),
            ("李,小龙", "lixiaolong", true),
            ("李,小龙", "李小龙", true),
            ("李,小龙", "小龙", true),
            ("李,小龙", "lxiaol", true),
            ("李，小龙", "lxl", true),
            ("李 小龙", "lxl", true),
            ("李　小龙", "lxl", true),
            ("李小龙", "李 小龙", true),
            ("李小龙", "li xiao long", true),
            ("李小龙", "li,xiao-long", true),
            ("李,小龙", "李，小龙", true),
            ("阿依·古丽", "aygl", true),
            ("阿依·古丽", "阿依古丽", true),
            ("Mary-Jane", "maryjane", true),
            ("Mary-Jane", "mary jane", true),
            ("李,小龙", "，", true),
            ("李,小龙", "lxw", false),
            ("李,小龙", "l,x,w", false),
        ];
        check(&cases);
    }

    #[test]
    fn full_width_letters_match_as_typed_half_width() {
        let cases = [
            ("李小龙", "ｌｘｌ", true),
            ("李小龙", "ＬＸＬ", true),
            ("李小龙", "ＬＩ　ＸＩＡＯ　ＬＯＮＧ", true),
            ("李小龙", "ｌｉ小龙", true),
            ("Ｌｉ Ｎａ", "lina", true),
            ("Li Na", "ｌｉｎａ", true),
            ("李小龙", "ｌｘｗ", false),
        ];
        check(&cases);
    }

    #[test]
    fn sort_key_spells_names_in_pinyin() {
        let cases = [
            ("王建国", "wang jian guo"),
            ("单雄", "shan xiong"),
            ("曾敏", "zeng min"),
            ("简单", "jian dan"),
            ("Li Na", "li na"),
            (" 李 Na ", "li na"),
            ("李,小龙", "li xiao long"),
            ("阿依·古丽", "a yi gu li"),
            ("Mary-Jane", "mary jane"),
        ];
        for (name, key) in cases {
            assert_eq!(sort_key(name), key, "{name:?}");
        }
    }

    #[test]
    fn sort_key_orders_names_as_a_roster_lists_them() {
        let mut names = vec!["王建国", "赵磊", "曾敏", "成龙", "Li Na", "陈明", "单雄", "李秀英", "张伟"];
        names.sort_by_cached_key(|n| sort_key(n));
        assert_eq!(names, ["陈明", "成龙", "Li Na", "李秀英", "单雄", "王建国", "曾敏", "张伟", "赵磊"]);
    }
}
