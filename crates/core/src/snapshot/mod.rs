//! The compact stored form of a [`State`].
//!
//! Attendance is most of a branch's data (ten years of a 100-member branch is
//! about 40,000 marks), so each meeting's marks are a flat list of small
//! integers: ids are interned once in tables, and clocks and times are
//! offsets from the meeting's smallest. Member registers, a few hundred at
//! most, keep readable keys.

use crate::attendance::{Attendance, AttendanceStatus};
use crate::clock::{Lww, Stamp};
use crate::event::{MAX_AT_SECS, MAX_CLOCK};
use crate::ids::{DeviceId, MeetingId, MemberId};
use crate::state::{MemberRecord, State};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

mod meetings;

/// Values per attendance mark in a meeting's flat list.
const MARK_WIDTH: usize = 5;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Snap {
    /// Highest clock seen.
    clk: u64,
    /// Writers, referred to by index.
    dev: Vec<DeviceId>,
    /// Member ids, referred to by index.
    ids: Vec<MemberId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mem: Vec<MemberSnap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    att: Vec<MeetingSnap>,
    /// Meetings (schema 9; before, plainly in `ext.mtg`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mt: Vec<meetings::MeetingRegs>,
    /// Settings, check-ins, leave, make-up and the rest: few, stored plainly.
    #[serde(default, skip_serializing_if = "is_default")]
    ext: crate::state::Extras,
}

fn is_default(ext: &crate::state::Extras) -> bool {
    ext == &crate::state::Extras::default()
}

/// One register: value, clock, writer index, then overridden writes.
#[derive(Serialize, Deserialize)]
struct Reg<T> {
    v: T,
    c: u64,
    d: usize,
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    h: Vec<(u64, usize, T)>,
}

#[derive(Serialize, Deserialize)]
struct MemberSnap {
    i: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<Reg<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    g: Option<Reg<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<Reg<crate::roster::Status>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<Reg<crate::roster::Role>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    j: Option<Reg<Option<crate::date::Date>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<Reg<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<Reg<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<Reg<bool>>,
}

/// One meeting's marks: `r` holds, per mark, member index, status code × 2
/// (+1 if self check-in), check-in time offset + 1 (0 = none), clock
/// offset, writer index. `h` holds overridden marks in the same shape.
#[derive(Serialize, Deserialize)]
struct MeetingSnap {
    m: MeetingId,
    c: u64,
    t: i64,
    r: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    h: Vec<i64>,
}

/// Why a stored snapshot could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError(pub String);

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "snapshot: {}", self.0)
    }
}

struct Interner<T: std::hash::Hash + Eq + Clone> {
    list: Vec<T>,
    index: HashMap<T, usize>,
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn new() -> Self {
        Interner { list: Vec::new(), index: HashMap::new() }
    }

    fn get(&mut self, item: &T) -> usize {
        if let Some(&i) = self.index.get(item) {
            return i;
        }
        self.list.push(item.clone());
        self.index.insert(item.clone(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// Encodes a state as compact JSON text.
pub fn to_json(state: &State) -> String {
    serde_json::to_string(&encode(state)).expect("snapshot types always serialize")
}

/// The compact form of a state, serialised as part of a document. Every
/// document is written and read as text straight into these types: one
/// serde_json path (no `Value` in between) keeps one copy of the derived
/// code in the wasm.
pub(crate) fn encode(state: &State) -> Snap {
    let mut dev = Interner::new();
    let mut ids = Interner::new();
    let mut mem = Vec::new();
    for (id, rec) in &state.members {
        mem.push(MemberSnap {
            i: ids.get(id),
            n: encode_reg(&rec.name, &mut dev),
            g: encode_reg(&rec.group, &mut dev),
            s: encode_reg(&rec.status, &mut dev),
            r: encode_reg(&rec.role, &mut dev),
            j: encode_reg(&rec.joined, &mut dev),
            p: encode_reg(&rec.phone, &mut dev),
            x: encode_reg(&rec.exempt, &mut dev),
            a: encode_reg(&rec.archived, &mut dev),
        });
    }
    // After the members: a held meeting's 应到 is then one run of indices.
    let mt = meetings::encode(&state.ext.meetings, &mut dev, &mut ids);
    let mut att = Vec::new();
    for (meeting, marks) in &state.attendance {
        let all = marks
            .values()
            .flat_map(|r| std::iter::once((&r.stamp, &r.value)).chain(r.history.iter().map(|(s, v)| (s, v))));
        let base_clock = all.clone().map(|(s, _)| s.clock).min().unwrap_or(0);
        let base_at = all.filter_map(|(_, a)| a.at).min().unwrap_or(0);
        let mut push = |out: &mut Vec<i64>, member: &MemberId, stamp: &Stamp, mark: &Attendance| {
            out.extend([
                ids.get(member) as i64,
                i64::from(mark.status.code()) * 2 + i64::from(mark.by_self),
                mark.at.map_or(0, |at| at - base_at + 1),
                (stamp.clock - base_clock) as i64,
                dev.get(&stamp.device) as i64,
            ]);
        };
        let (mut r, mut h) = (Vec::new(), Vec::new());
        for (member, lww) in marks {
            push(&mut r, member, &lww.stamp, &lww.value);
            for (stamp, mark) in &lww.history {
                push(&mut h, member, stamp, mark);
            }
        }
        att.push(MeetingSnap { m: meeting.clone(), c: base_clock, t: base_at, r, h });
    }
    let ext = crate::state::Extras { meetings: BTreeMap::new(), ..state.ext.clone() };
    Snap { clk: state.max_clock, dev: dev.list, ids: ids.list, mem, att, mt, ext }
}

fn encode_reg<T: Clone>(lww: &Option<Lww<T>>, dev: &mut Interner<DeviceId>) -> Option<Reg<T>> {
    lww.as_ref().map(|r| Reg {
        v: r.value.clone(),
        c: r.stamp.clock,
        d: dev.get(&r.stamp.device),
        h: r.history.iter().map(|(s, v)| (s.clock, dev.get(&s.device), v.clone())).collect(),
    })
}

/// Decodes what [`to_json`] made; refuses anything inconsistent.
pub fn from_json(text: &str) -> Result<State, SnapshotError> {
    let snap: Snap = serde_json::from_str(text).map_err(|e| SnapshotError(e.to_string()))?;
    decode(snap)
}

/// Decodes a snapshot read straight from text (no `Value` in between).
pub(crate) fn decode(snap: Snap) -> Result<State, SnapshotError> {
    let device =
        |i: usize| snap.dev.get(i).cloned().ok_or_else(|| SnapshotError(format!("writer index {i} out of range")));
    let member =
        |i: usize| snap.ids.get(i).cloned().ok_or_else(|| SnapshotError(format!("member index {i} out of range")));
    if snap.clk > MAX_CLOCK {
        return Err(SnapshotError(format!("clock {} out of range", snap.clk)));
    }
    if snap.ext.clocks().any(|c| c > MAX_CLOCK) {
        return Err(SnapshotError("register clock out of range".into()));
    }
    let mut state = State { max_clock: snap.clk, ext: snap.ext, ..State::default() };
    meetings::decode(snap.mt, &mut state.ext.meetings, &device, &snap.ids)?;
    for m in snap.mem {
        let rec = MemberRecord {
            name: decode_reg(m.n, &device)?,
            group: decode_reg(m.g, &device)?,
            status: decode_reg(m.s, &device)?,
            role: decode_reg(m.r, &device)?,
            joined: decode_reg(m.j, &device)?,
            phone: decode_reg(m.p, &device)?,
            exempt: decode_reg(m.x, &device)?,
            archived: decode_reg(m.a, &device)?,
        };
        // A repeated index joins rather than overwrites.
        let id = member(m.i)?;
        match state.members.get_mut(&id) {
            Some(existing) => existing.join(&rec),
            None => state.members.insert(id, rec).is_none(),
        };
    }
    for meeting in snap.att {
        if meeting.r.len() % MARK_WIDTH != 0 || meeting.h.len() % MARK_WIDTH != 0 {
            return Err(SnapshotError(format!("meeting {}: marks list has a partial entry", meeting.m)));
        }
        let decode = |chunk: &[i64]| -> Result<(MemberId, Stamp, Attendance), SnapshotError> {
            let bad = || SnapshotError(format!("meeting {}: bad mark {chunk:?}", meeting.m));
            let idx = |v: i64| usize::try_from(v).map_err(|_| bad());
            let code = u64::try_from(chunk[1]).map_err(|_| bad())?;
            let status = AttendanceStatus::from_code(code / 2).ok_or_else(bad)?;
            let at = match chunk[2] {
                0 => None,
                off => Some(
                    meeting
                        .t
                        .checked_add(off - 1)
                        .filter(|at| at.unsigned_abs() <= MAX_AT_SECS as u64)
                        .ok_or_else(bad)?,
                ),
            };
            let clock = meeting.c.checked_add(u64::try_from(chunk[3]).map_err(|_| bad())?).ok_or_else(bad)?;
            if clock > MAX_CLOCK {
                return Err(bad());
            }
            let stamp = Stamp { clock, device: device(idx(chunk[4])?)? };
            Ok((member(idx(chunk[0])?)?, stamp, Attendance { status, at, by_self: code % 2 == 1 }))
        };
        let mut marks: BTreeMap<MemberId, Lww<Attendance>> = BTreeMap::new();
        for chunk in meeting.r.chunks(MARK_WIDTH) {
            let (who, stamp, mark) = decode(chunk)?;
            match marks.get_mut(&who) {
                Some(reg) => reg.set(mark, stamp),
                None => marks.insert(who, Lww::new(mark, stamp)).is_none(),
            };
        }
        for chunk in meeting.h.chunks(MARK_WIDTH) {
            let (who, stamp, mark) = decode(chunk)?;
            let reg = marks.get_mut(&who).ok_or_else(|| SnapshotError(format!("history for unknown mark of {who}")))?;
            reg.set(mark, stamp);
        }
        // A repeated meeting joins rather than overwrites.
        match state.attendance.get_mut(&meeting.m) {
            Some(ours) => {
                for (member, reg) in marks {
                    match ours.get_mut(&member) {
                        Some(mine) => {
                            mine.join(&reg);
                        }
                        None => {
                            ours.insert(member, reg);
                        }
                    }
                }
            }
            None => {
                state.attendance.insert(meeting.m, marks);
            }
        }
    }
    // Every register's clock counts, whatever `clk` says: new writes must
    // go above all of them. Except clocks too high to count
    // (`bounds::counts`), which a snapshot written before that rule may
    // also carry in `clk`.
    let registers = state.members.values().flat_map(MemberRecord::clocks);
    let marks = state
        .attendance
        .values()
        .flat_map(|m| m.values())
        .flat_map(|r| std::iter::once(r.stamp.clock).chain(r.history.iter().map(|(s, _)| s.clock)));
    let extras: Vec<u64> = state.ext.clocks().collect();
    let clk = if crate::bounds::counts(state.max_clock) { state.max_clock } else { 0 };
    state.max_clock = registers.chain(marks).chain(extras).filter(|c| crate::bounds::counts(*c)).fold(clk, u64::max);
    Ok(state)
}

fn decode_reg<T: Ord + Clone>(
    reg: Option<Reg<T>>,
    device: &impl Fn(usize) -> Result<DeviceId, SnapshotError>,
) -> Result<Option<Lww<T>>, SnapshotError> {
    let Some(reg) = reg else { return Ok(None) };
    if reg.c > MAX_CLOCK || reg.h.iter().any(|(c, _, _)| *c > MAX_CLOCK) {
        return Err(SnapshotError("register clock out of range".into()));
    }
    let mut lww = Lww::new(reg.v, Stamp { clock: reg.c, device: device(reg.d)? });
    for (clock, d, value) in reg.h {
        lww.set(value, Stamp { clock, device: device(d)? });
    }
    Ok(Some(lww))
}
