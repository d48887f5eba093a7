//! Finding members by name the way Chinese users type: characters (`建国`),
//! full pinyin (`wangjianguo`), initials (`wjg`) or a mix (`wangjg`).
//! Surnames with two readings (单 shàn/dān, 曾 zēng/céng) match either.

use pinyin::ToPinyinMulti;

/// A name prepared for matching: built once per member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameKey {
    /// The name, lowercased, without spaces.
    folded: String,
    /// Per character, its possible spellings (pinyin readings, or the
    /// character itself lowercased when it has none).
    readings: Vec<Vec<String>>,
}

fn fold(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

impl NameKey {
    /// Prepares `name`.
    pub fn new(name: &str) -> NameKey {
        let folded = fold(name);
        let readings = folded
            .chars()
            .map(|c| match c.to_pinyin_multi() {
                Some(multi) => {
                    let mut all: Vec<String> = multi.into_iter().map(|p| p.plain().to_owned()).collect();
                    all.dedup();
                    all
                }
                None => vec![c.to_string()],
            })
            .collect();
        NameKey { folded, readings }
    }

    /// Whether `query` finds this name. An empty query finds every name.
    pub fn matches(&self, query: &str) -> bool {
        let query = fold(query);
        if query.is_empty() || self.folded.contains(&query) {
            return true;
        }
        (0..self.readings.len()).any(|start| self.consume(start, &query))
    }

    /// Can characters from `at` on spell `rest`, each giving a non-empty
    /// prefix of one of its readings (a whole reading lets the next begin)?
    fn consume(&self, at: usize, rest: &str) -> bool {
        if rest.is_empty() {
            return true;
        }
        let Some(readings) = self.readings.get(at) else { return false };
        readings.iter().any(|reading| {
            let common = reading.bytes().zip(rest.bytes()).take_while(|(a, b)| a == b).count();
            // Any prefix length from 1 to `common` may be what was typed
            // for this character; try the longest first.
            (1..=common).rev().any(|n| rest.is_char_boundary(n) && self.consume(at + 1, &rest[n..]))
        })
    }
}

/// Pinyin of a name (first reading per character) for 拼音 ordering, so 陈
/// comes before 王.
pub fn sort_key(name: &str) -> String {
    NameKey::new(name)
        .readings
        .iter()
        .map(|r| r.first().map(String::as_str).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, query: &str, expected: bool) {
        assert_eq!(NameKey::new(name).matches(query), expected, "{name:?} ~ {query:?}");
    }

    #[test]
    fn finds_by_characters_pinyin_initials_and_mixes() {
        for query in ["", "王建", "建国", "wjg", "WJG", "wangjianguo", "wang jian guo", "wangjg", "jianguo", "jg", "wjguo"] {
            check("王建国", query, true);
        }
    }

    #[test]
    fn does_not_find_what_is_not_there() {
        for query in ["wjx", "xyz", "国建", "wangjianguox", "gjw"] {
            check("王建国", query, false);
        }
    }

    #[test]
    fn two_reading_surnames_match_either_reading() {
        check("单雄", "shanxiong", true);
        check("单雄", "danxiong", true);
        check("曾敏", "zm", true);
        check("曾敏", "cm", true);
    }

    #[test]
    fn latin_names_match_themselves() {
        check("Li Na", "lina", true);
        check("Li Na", "LI", true);
        check("Ayşe 阿依", "ayse", false);
        check("阿依古丽", "aygl", true);
    }

    #[test]
    fn sort_key_orders_by_pinyin() {
        let mut names = vec!["王建国", "陈明", "赵磊", "李秀英"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["陈明", "李秀英", "王建国", "赵磊"]);
    }
}
