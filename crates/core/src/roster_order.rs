//! The one order of the roster, wherever it shows or prints (the 名册, its
//! filters, the audience picker, the sheet, the 台账 and the exports):
//! 党小组 by their number (第一 … 第十 … 第十二, 第3 too), then the groups
//! without one by pinyin, no group last; within a group 书记 first, then
//! by post, then names by pinyin.

use crate::fullwidth::narrow;
use crate::ids::MemberId;
use crate::roster::Role;
use crate::search::sort_key;
use crate::state::Member;
use std::collections::BTreeMap;

/// Where a 党小组 name sorts. Different names never have the same key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupKey {
    /// Numbered groups first, by their number; then the others; then none.
    rank: (Rank, u32),
    /// The whole name, numbers as numbers and text as pinyin ("Group 2"
    /// before "Group 10", 生产二组 before 生产十组).
    parts: Vec<Part>,
    /// Last, so that look-alikes (第2 and 第二) stay apart.
    name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Numbered,
    Named,
    Unnamed,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u32),
    Text(String),
}

/// The value of a Chinese or Arabic digit (full-width ones are narrowed first).
fn digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        _ => "一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32 + 1).or_else(|| c.to_digit(10)),
    }
}

fn numeral(c: char) -> bool {
    digit(c).is_some() || c == '十'
}

/// The value of a numeral run: Arabic digits, or Chinese up to 九十九.
fn value(run: &[char]) -> u32 {
    let number =
        |cs: &[char]| cs.iter().filter_map(|&c| digit(c)).fold(0u32, |a, d| a.saturating_mul(10).saturating_add(d));
    match run.iter().position(|&c| c == '十') {
        Some(at) => {
            let tens = if at == 0 { 1 } else { number(&run[..at]) };
            tens.saturating_mul(10).saturating_add(number(&run[at + 1..]))
        }
        None => number(run),
    }
}

/// The name cut into text and numeral runs.
fn parts(name: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if !numeral(c) {
            text.push(c);
            continue;
        }
        let mut run = vec![c];
        while let Some(&n) = chars.peek().filter(|&&n| numeral(n)) {
            run.push(n);
            chars.next();
        }
        if !text.is_empty() {
            out.push(Part::Text(sort_key(&std::mem::take(&mut text))));
        }
        out.push(Part::Number(value(&run)));
    }
    if !text.is_empty() {
        out.push(Part::Text(sort_key(&text)));
    }
    out
}

/// Where the group `name` sorts (the empty name: no group, last).
pub fn group_key(name: &str) -> GroupKey {
    let narrowed = narrow(name.trim());
    let parts = parts(&narrowed);
    // The group's own number: 第N… or a name that starts with one (一组, 3组).
    let ordinal = match (narrowed.starts_with('第'), parts.as_slice()) {
        (true, [Part::Text(_), Part::Number(n), ..]) | (false, [Part::Number(n), ..]) => Some(*n),
        _ => None,
    };
    let rank = match ordinal {
        Some(n) => (Rank::Numbered, n),
        None if narrowed.is_empty() => (Rank::Unnamed, 0),
        None => (Rank::Named, 0),
    };
    GroupKey { rank, parts, name: name.to_owned() }
}

/// Each distinct group name's place in group order, numbered: a list
/// sorts by the number instead of making one [`GroupKey`] per row.
pub fn group_ranks<'a>(groups: impl IntoIterator<Item = &'a str>) -> std::collections::HashMap<&'a str, usize> {
    let mut distinct: Vec<(GroupKey, &str)> = Vec::new();
    for g in groups {
        if !distinct.iter().any(|(_, d)| *d == g) {
            distinct.push((group_key(g), g));
        }
    }
    distinct.sort();
    distinct.into_iter().enumerate().map(|(rank, (_, g))| (g, rank)).collect()
}

/// The distinct non-empty group names among `groups`, in group order: what
/// a filter or a picker offers.
pub fn group_names<S: AsRef<str>>(groups: impl IntoIterator<Item = S>) -> Vec<String> {
    let by_key: BTreeMap<GroupKey, String> = groups
        .into_iter()
        .map(|g| g.as_ref().to_owned())
        .filter(|g| !g.is_empty())
        .map(|g| (group_key(&g), g))
        .collect();
    by_key.into_values().collect()
}

/// Where a member stands in roster order.
pub type MemberOrder = (GroupKey, Option<Role>, String, MemberId);

/// Where a member stands, from the parts a list row holds (`role` is `None`
/// for a member no longer known, who then comes first in the group).
pub fn member_order(group: &str, role: Option<Role>, name: &str, id: &MemberId) -> MemberOrder {
    (group_key(group), role, sort_key(name), id.clone())
}

/// Where a member stands in roster order.
pub fn member_key(m: &Member) -> MemberOrder {
    member_order(&m.fields.group, Some(m.fields.role), &m.fields.name, &m.id)
}

/// Members in sections by 党小组, in roster order: the 名册's headings.
pub fn sections(members: impl IntoIterator<Item = Member>) -> Vec<(String, Vec<Member>)> {
    let mut groups: BTreeMap<GroupKey, (String, Vec<Member>)> = BTreeMap::new();
    for m in members {
        groups.entry(group_key(&m.fields.group)).or_insert_with(|| (m.fields.group.clone(), Vec::new())).1.push(m);
    }
    let mut list: Vec<(String, Vec<Member>)> = groups.into_values().collect();
    for (_, people) in &mut list {
        people.sort_by_cached_key(member_key);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_read_as_numbers() {
        for (name, parts) in [
            ("第十二党小组", vec![Part::Text("di".into()), Part::Number(12), Part::Text("dang xiao zu".into())]),
            ("二十", vec![Part::Number(20)]),
            ("二十一", vec![Part::Number(21)]),
            ("十", vec![Part::Number(10)]),
            ("一〇三", vec![Part::Number(103)]),
            ("Group 12", vec![Part::Text("group".into()), Part::Number(12)]),
        ] {
            assert_eq!(super::parts(name), parts, "{name}");
        }
        assert_eq!(group_key("第１２组").rank, (Rank::Numbered, 12), "full-width digits count");
        assert_eq!(group_key("生产一组").rank, (Rank::Named, 0), "a number inside a name is not the group's");
    }
}
