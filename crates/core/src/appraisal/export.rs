//! The 民主评议 list for the 台账: each appraised member's ballot counts,
//! the flag, and the committee's grade with its reason and follow-up, as
//! a table the CSV and XLSX writers share (official Chinese words, as
//! every ledger). Never a ballot: only the counts.

use super::*;
use crate::ledger::Table;
use crate::rounds::Round;
use crate::state::State;

/// The list; `None` before the ballot has closed.
pub fn table(state: &State, round: &Round) -> Option<Table> {
    let count = results(state, round)?;
    let decided = decisions(state, &round.id);
    let header =
        ["姓名", "党小组", "优秀", "合格", "基本合格", "不合格", "未评", "提醒", "组织评定", "理由", "整改要求"];
    let rows = count
        .lines
        .iter()
        .map(|line| {
            let member = state.member(&line.member);
            let mut row = vec![
                member.as_ref().map_or_else(|| line.member.to_string(), |m| m.fields.name.clone()),
                member.map(|m| m.fields.group).unwrap_or_default(),
            ];
            row.extend(line.counts.iter().map(usize::to_string));
            row.push(line.no_opinion.to_string());
            row.push(if line.flagged { "是" } else { "" }.to_owned());
            match decided.get(&line.member) {
                Some(d) => row.extend([d.grade.zh().to_owned(), d.reason.clone(), d.follow_up.clone()]),
                None => row.extend([String::new(), String::new(), String::new()]),
            }
            row
        })
        .collect();
    Some(Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows, numeric: vec![2, 3, 4, 5, 6] })
}
