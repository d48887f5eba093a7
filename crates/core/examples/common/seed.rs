//! The seeded branch `cargo xtask bench` measures (bench/README.md) and the
//! density gate checks (`tests/density.rs`): 100 members and 20,000
//! attendance records over five years, made through the app's own form
//! validation and stored as the exact localStorage key/value pairs the app
//! stores (`zhibu:snap`, plus the log of the last page load, as
//! `src/storage.rs` lays them out). Deterministic: fixed clocks and a tiny
//! LCG, no wall time.

#![allow(dead_code)]

#[path = "lcg.rs"]
mod lcg;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::document;
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::{self, Audience, MeetingDraft, MeetingKind, MeetingStatus, MeetingValue};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberDraft, MemberFields};
use zhibu_core::zone::Zone;

use lcg::Lcg;

pub const MEMBERS: usize = 100;
/// Meetings the whole branch attends, as `tests/document.rs` assumes.
pub const MEETINGS_PER_YEAR: usize = 40;
pub const YEARS: usize = 5;
/// 200 meetings × 100 members = 20,000 records.
pub const MEETINGS: usize = MEETINGS_PER_YEAR * YEARS;
/// 2021-01-04 09:00 CST, a Monday: the first seeded meeting.
const FIRST_MEETING: i64 = 1_609_722_000;

/// Hands out event stamps on one writer, its clock moving with the events.
struct Writer {
    device: DeviceId,
    unix_ms: i64,
}

impl Writer {
    fn new(unix_ms: i64, rng: &mut Lcg) -> Writer {
        Writer { device: DeviceId::generate(unix_ms as u64, rng.bytes16()), unix_ms }
    }

    fn stamp(&mut self, rng: &mut Lcg) -> EventStamp {
        self.unix_ms += 1 + rng.below(1_000) as i64;
        EventStamp { device: self.device.clone(), actor: None, unix_ms: self.unix_ms, random: rng.bytes16() }
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "海燕", "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "文博", "思远", "晓东", "丽华", "红梅", "国庆", "卫东",
];
const GROUPS: &[&str] = &["第一党小组", "第二党小组", "第三党小组", "第四党小组", "第五党小组", "机关党小组"];
const TOPICS: &[&str] = &[
    "学习贯彻党的二十大精神",
    "主题党日：重温入党誓词",
    "党课：党的组织建设",
    "专题学习：党章党规",
    "支部党员大会：发展党员",
    "学习《中国共产党纪律处分条例》",
    "主题党日：志愿服务进社区",
    "党课：新时代党的建设总要求",
];
const KINDS: &[MeetingKind] = &[MeetingKind::General, MeetingKind::ThemeDay, MeetingKind::Lecture, MeetingKind::Study];
const PLACES: &[&str] = &["三楼会议室", "党员活动室", "报告厅", "社区服务中心"];

fn member_draft(n: usize, rng: &mut Lcg) -> MemberDraft {
    let name = format!("{}{}", SURNAMES[rng.below(SURNAMES.len())], GIVEN[rng.below(GIVEN.len())]);
    let role = match n {
        0 => "书记",
        1 => "副书记",
        2 => "组织委员",
        3 => "宣传委员",
        4 => "纪检委员",
        _ if n % 17 == 5 => "党小组长",
        _ => "",
    };
    let status = if n % 12 == 11 { "预备党员" } else { "正式党员" };
    let joined = if n % 9 == 8 {
        String::new()
    } else {
        format!("{}-{:02}-{:02}", 1975 + rng.below(48), 1 + rng.below(12), 1 + rng.below(28))
    };
    let phone = if n % 4 == 3 { String::new() } else { format!("13{:09}", rng.next() % 1_000_000_000) };
    MemberDraft {
        name,
        group: GROUPS[n % GROUPS.len()].to_owned(),
        status: status.to_owned(),
        role: role.to_owned(),
        joined,
        phone,
        exempt: if n % 25 == 24 { "是" } else { "否" }.to_owned(),
    }
}

/// One meeting through the app's own form validation, then held.
fn meeting(records: &mut Records, w: &mut Writer, rng: &mut Lcg, id: &MeetingId, start: i64, held: bool) {
    let zone = Zone::CST;
    let local = zone.local(start);
    let draft = MeetingDraft {
        kind: Some(KINDS[rng.below(KINDS.len())]),
        topic: TOPICS[rng.below(TOPICS.len())].to_owned(),
        date: local.date().to_string(),
        time: format!("{:02}:{:02}", local.hour, local.minute),
        minutes: "90".into(),
        place: PLACES[rng.below(PLACES.len())].to_owned(),
        host: "王书记".into(),
        audience: Some(Audience::Branch),
        agenda: "一、传达学习上级文件精神；二、交流发言；三、支部书记讲话。".into(),
        ..MeetingDraft::default()
    };
    let mut values = draft.validate(records.state(), zone).expect("seeded meetings are valid");
    values.push(MeetingValue::Status(MeetingStatus::Planned));
    records.record(w.stamp(rng), Payload::MeetingSaved { meeting: id.clone(), changes: values });
    if held {
        let m = records.state().meeting(id).expect("just saved");
        let value = meetings::hold(&m, records.state()).expect("planned, with members");
        records.record(w.stamp(rng), Payload::MeetingSaved { meeting: id.clone(), changes: vec![value] });
    }
}

/// The baseline for density: what a plain app would store for the same
/// branch, one JSON object per record with full ids and words.
/// Returns (everything, the roster alone, the marks alone).
pub fn plain_json(records: &Records, marks: &[(MeetingId, MemberId, Attendance)]) -> (String, String, String) {
    let state = records.state();
    let members: Vec<Value> = state
        .members()
        .iter()
        .map(|m| {
            json!({"id": m.id, "name": m.fields.name, "group": m.fields.group, "status": m.fields.status,
                   "role": m.fields.role, "joined": m.fields.joined, "phone": m.fields.phone, "exempt": m.fields.exempt})
        })
        .collect();
    let meetings: Vec<Value> = state
        .meetings()
        .iter()
        .map(|m| {
            json!({"id": m.id, "kind": m.kind, "topic": m.topic, "start": m.start, "minutes": m.minutes,
                   "place": m.place, "host": m.host, "agenda": m.agenda, "status": m.status})
        })
        .collect();
    let att: Vec<Value> = marks
        .iter()
        .map(|(meeting, member, a)| json!({"meeting": meeting, "member": member, "status": a.status, "at": a.at, "self": a.by_self}))
        .collect();
    let roster_only = json!({ "members": members }).to_string();
    let marks_only = serde_json::to_string(&att).expect("plain values serialize");
    (json!({ "members": members, "meetings": meetings, "attendance": att }).to_string(), roster_only, marks_only)
}

/// The seeded branch.
pub struct Seed {
    /// Everything, folded (the log's events pending).
    pub records: Records,
    /// Every attendance record made.
    pub marks: Vec<(MeetingId, MemberId, Attendance)>,
    /// localStorage as the app leaves it: key → value.
    pub storage: BTreeMap<String, String>,
    /// The document stored after the roster's import alone.
    pub roster_stored: String,
    /// The planned meeting the check-in figure taps on.
    pub next: MeetingId,
}

impl Seed {
    /// Bytes stored, keys and values (what the density figure divides).
    pub fn stored_bytes(&self) -> usize {
        self.storage.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

/// Builds the seeded branch, its planned meeting a week after the last
/// held one.
pub fn build() -> Seed {
    build_with(None)
}

/// Builds the seeded branch; `next_start` (Unix seconds, whole minutes)
/// puts the planned meeting then instead: the check-in figure taps on it,
/// and marks are taken only inside its window, so the bench starts it now.
pub fn build_with(next_start: Option<i64>) -> Seed {
    let mut rng = Lcg(0x00B3_261E);
    let mut records = Records::default();
    // Two organizer devices over the years, then the last page load's writer.
    let mut laptop = Writer::new(FIRST_MEETING * 1000 - 86_400_000, &mut rng);
    let mut phone = Writer::new(FIRST_MEETING * 1000 - 86_400_000, &mut rng);

    // The roster arrives as one CSV import, as branches usually start.
    let imported: Vec<ImportedMember> = (0..MEMBERS)
        .map(|n| {
            let fields: MemberFields = member_draft(n, &mut rng).validate().expect("seeded members are valid");
            ImportedMember { id: MemberId::generate(laptop.unix_ms as u64, rng.bytes16()), fields }
        })
        .collect();
    records.record(laptop.stamp(&mut rng), Payload::MembersImported { members: imported });
    records.compact();
    let roster_stored = document::to_json(&records);
    let ids: Vec<MemberId> = records.state().members().into_iter().map(|m| m.id).collect();

    let mut marks = Vec::new();
    for no in 0..MEETINGS {
        let id = MeetingId::generate((FIRST_MEETING * 1000) as u64 + no as u64, rng.bytes16());
        // 40 a year, about every nine days.
        let start = FIRST_MEETING + (no * 365 / MEETINGS_PER_YEAR) as i64 * 86_400;
        let w = if no % 3 == 0 { &mut phone } else { &mut laptop };
        w.unix_ms = w.unix_ms.max((start - 3 * 86_400) * 1000);
        meeting(&mut records, w, &mut rng, &id, start, true);
        w.unix_ms = w.unix_ms.max(start * 1000);
        for member in &ids {
            let status = match rng.below(100) {
                0..=79 => AttendanceStatus::Present,
                80..=87 => AttendanceStatus::Late,
                88..=89 => AttendanceStatus::LeftEarly,
                90..=96 => AttendanceStatus::Leave,
                _ => AttendanceStatus::Absent,
            };
            let at = matches!(status, AttendanceStatus::Present | AttendanceStatus::Late | AttendanceStatus::LeftEarly)
                .then(|| start - 600 + rng.below(1_500) as i64);
            let mark = Attendance { status, at, by_self: false };
            marks.push((id.clone(), member.clone(), mark));
            let payload = Payload::AttendanceMarked { meeting: id.clone(), member: member.clone(), mark };
            records.record(w.stamp(&mut rng), payload);
        }
        // The app folds a log at 200 events (storage.rs); a meeting is ~100.
        records.compact();
    }
    assert_eq!(records.state().attendance_count(), MEMBERS * MEETINGS);

    // The last page load planned the next meeting and had not compacted yet:
    // its events sit in its log. The check-in figure taps on this meeting.
    let mut last = Writer::new((FIRST_MEETING + (YEARS * 365) as i64 * 86_400) * 1000, &mut rng);
    let next = MeetingId::generate(last.unix_ms as u64, rng.bytes16());
    let next_start = next_start.unwrap_or(last.unix_ms / 1000 + 7 * 86_400);
    meeting(&mut records, &mut last, &mut rng, &next, next_start, false);
    let log: BTreeMap<_, Event> = records.pending().map(|e| (e.id.clone(), e.clone())).collect();

    let mut storage = BTreeMap::new();
    // What `Store::compact` writes: the document of the snapshot alone (its
    // pending events are the log's, written by `Store::save_own`).
    let snapshot = document::to_json(&Records::from_snapshot(records.snapshot().clone()));
    storage.insert("zhibu:snap".to_owned(), snapshot);
    storage.insert(format!("zhibu:log:{}", last.device), document::events_to_json(log.values()));

    Seed { records, marks, storage, roster_stored, next }
}
