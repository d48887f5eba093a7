//! Meetings in the stored form (schema 9). A meeting is a dozen field
//! registers, and one save writes them all at one clock, so its registers
//! are stored grouped by the write that set them, writers by index, and a
//! held meeting's frozen 应到 as runs of member indices. Stored plainly
//! (`ext.mtg`, schema ≤ 8) they were three quarters of a branch's bytes:
//! every register repeated its writer's id and every held meeting its
//! members' ids.

use super::{Interner, SnapshotError};
use crate::clock::Stamp;
use crate::event::MAX_CLOCK;
use crate::ids::{DeviceId, MeetingId, MemberId};
use crate::meetings::{MeetingField, MeetingStatus, MeetingValue};
use crate::table::Table;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One meeting: `w` the winning values grouped by write (clock, writer
/// index, values), `h` overridden writes (clock, writer index, value),
/// `e` the winning held status's 应到 as (first index, count) pairs —
/// that status is stored with an empty list.
#[derive(Serialize, Deserialize)]
pub(super) struct MeetingRegs {
    m: MeetingId,
    w: Vec<(u64, usize, Vec<MeetingValue>)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    h: Vec<(u64, usize, MeetingValue)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    e: Vec<usize>,
}

type Meetings = BTreeMap<MeetingId, Table<MeetingField, MeetingValue>>;

pub(super) fn encode(
    meetings: &Meetings,
    dev: &mut Interner<DeviceId>,
    ids: &mut Interner<MemberId>,
) -> Vec<MeetingRegs> {
    meetings
        .iter()
        .map(|(id, table)| {
            let mut writes: BTreeMap<(u64, usize), Vec<MeetingValue>> = BTreeMap::new();
            let mut h = Vec::new();
            let mut e = Vec::new();
            for reg in table.0.values() {
                let mut value = reg.value.clone();
                if let MeetingValue::Status(MeetingStatus::Held { expected }) = &mut value {
                    e = runs(&std::mem::take(expected), ids);
                }
                writes.entry((reg.stamp.clock, dev.get(&reg.stamp.device))).or_default().push(value);
                h.extend(reg.history.iter().map(|(s, v)| (s.clock, dev.get(&s.device), v.clone())));
            }
            let w = writes.into_iter().map(|((c, d), values)| (c, d, values)).collect();
            MeetingRegs { m: id.clone(), w, h, e }
        })
        .collect()
}

/// Member indices as (first, count) runs: a branch's 应到 is usually the
/// roster in its stored order, one run.
fn runs(members: &[MemberId], ids: &mut Interner<MemberId>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for member in members {
        let i = ids.get(member);
        match out.len() {
            n if n >= 2 && out[n - 2] + out[n - 1] == i => out[n - 1] += 1,
            _ => out.extend([i, 1]),
        }
    }
    out
}

/// Reads what [`encode`] wrote into `meetings`, joining any the file also
/// stored plainly; refuses an index or clock out of range.
pub(super) fn decode(
    stored: Vec<MeetingRegs>,
    meetings: &mut Meetings,
    device: &impl Fn(usize) -> Result<DeviceId, SnapshotError>,
    members: &[MemberId],
) -> Result<(), SnapshotError> {
    for meeting in stored {
        let bad = |what: &str| SnapshotError(format!("meeting {}: {what}", meeting.m));
        let expected = expected(&meeting.e, members).ok_or_else(|| bad("应到 index out of range"))?;
        let stamp = |clock: u64, d: usize| -> Result<Stamp, SnapshotError> {
            if clock > MAX_CLOCK {
                return Err(bad("register clock out of range"));
            }
            Ok(Stamp { clock, device: device(d)? })
        };
        let table = meetings.entry(meeting.m.clone()).or_default();
        for (clock, d, values) in meeting.w {
            let stamp = stamp(clock, d)?;
            for mut value in values {
                if let MeetingValue::Status(MeetingStatus::Held { expected: list }) = &mut value {
                    list.clone_from(&expected);
                }
                table.set(&value.field(), value, stamp.clone());
            }
        }
        for (clock, d, value) in meeting.h {
            table.set(&value.field(), value, stamp(clock, d)?);
        }
    }
    Ok(())
}

/// The members the runs name, or none if one is out of range.
fn expected(runs: &[usize], members: &[MemberId]) -> Option<Vec<MemberId>> {
    if !runs.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::new();
    for pair in runs.chunks(2) {
        let end = pair[0].checked_add(pair[1]).filter(|end| *end <= members.len())?;
        out.extend_from_slice(&members[pair[0]..end]);
    }
    Some(out)
}
