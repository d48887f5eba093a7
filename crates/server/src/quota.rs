//! Each branch's storage quota: a push that would take the branch past it
//! is refused whole (507, nothing stored), so one phone cannot fill the
//! server's disk. Duplicates cost nothing, so a full branch's phones still
//! finish re-sending what is already stored.

use zhibu_core::sync::BallotPush;

use crate::branches::Branch;
use crate::error::Failure;
use crate::push::Checked;
use crate::store::BoxRow;

/// Refuses the push if what it could add would take the branch past
/// `quota` bytes (0: no quota). Counted before anything is folded, from the
/// events not yet stored (as they would be stored) and every ballot (as if
/// none replaced an earlier revision): never less than what is written.
pub fn admit(branch: &Branch, quota: u64, checked: &[Checked], ballots: &[BallotPush]) -> Result<(), Failure> {
    if quota == 0 {
        return Ok(());
    }
    let events: usize = checked
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .filter(|e| !branch.ids.contains(&e.id))
        .map(|e| serde_json::to_string(e).map_or(0, |json| json.len()))
        .sum();
    let ballots: usize = ballots.iter().map(|b| serde_json::to_string(b).map_or(0, |json| json.len())).sum();
    let adding = (events + ballots) as u64;
    let used = branch.bytes();
    if adding == 0 || used + adding <= quota {
        return Ok(());
    }
    Err(Failure::StorageFull(format!(
        "the branch's storage on this server is full: {} of {} KiB used, this push needs {} KiB more \
         (nothing was stored; the server's administrator can raise --branch-quota-mb)",
        used.div_ceil(1024),
        quota / 1024,
        adding.div_ceil(1024)
    )))
}

/// Counts what a commit stored: `events` (id, body) appended and `boxes`
/// rewritten (called before the boxes replace the cache's).
pub fn stored(branch: &mut Branch, events: &[(String, String)], boxes: &[BoxRow]) {
    branch.event_bytes += events.iter().map(|(_, body)| body.len() as u64).sum::<u64>();
    for row in boxes {
        let round = zhibu_core::ids::RoundId(row.round.clone());
        let before = branch.boxes.get(&round).map_or(0, |b| b.row(&round).bytes());
        branch.box_bytes = (branch.box_bytes + row.bytes()).saturating_sub(before);
    }
}
