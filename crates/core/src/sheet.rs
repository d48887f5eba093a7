//! The attendance sheet of one meeting: each expected member's state, who
//! recorded it and how, the counts (应到 / 实到 / 请假 / 缺席), the rate and
//! the quorum. Derived on every render from the registers, never stored, so
//! every device computes the same sheet from the same events.

use crate::attendance::AttendanceStatus;
use crate::checkin::{self, CheckIn, LeaveDecision, LeaveRequest, MakeUp, Proof};
use crate::clock::Lww;
use crate::ids::{MeetingId, MemberId};
use crate::meetings::{Meeting, QuorumRule, more_than_half};
use crate::settings::Settings;
use crate::state::State;
use crate::token::{PublicKey, SecretKey, Token};
use std::collections::BTreeMap;

/// Who recorded a row's state, and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Marked by the organizer.
    Organizer,
    /// The member's own check-in, proven (signed token, or a code the
    /// organizer's key matched).
    Verified,
    /// The member's own check-in by code, not yet checked by the organizer's device.
    Unverified,
    /// A self check-in whose proof failed (wrong code, forged token, outside the window).
    Rejected,
    /// Derived: approved leave, absent from a held meeting with no record,
    /// or present there by a role in it (主持人 / 讲课人).
    Derived,
    /// 补录: marked by the organizer after the check-in window closed.
    LateEntry,
}

/// One expected member's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The member.
    pub member: MemberId,
    /// Name (or the id, if the roster no longer knows them).
    pub name: String,
    /// 党小组
    pub group: String,
    /// The state that counts; `None` while the meeting is not yet held and
    /// nothing is recorded.
    pub status: Option<AttendanceStatus>,
    /// Where it came from.
    pub source: Option<Source>,
    /// Check-in or marking time, Unix seconds.
    pub at: Option<i64>,
    /// The member's own check-in, if any.
    pub check_in: Option<CheckIn>,
    /// Their leave request and the answer.
    pub leave: Option<(LeaveRequest, Option<LeaveDecision>)>,
    /// Make-up study recorded.
    pub make_up: Option<MakeUp>,
    /// Another expected member checked in from the same phone.
    pub shared_device: bool,
    /// Whose phone the organizer confirmed the check-in's phone to be:
    /// `None` for a phone not yet confirmed.
    pub device_owner: Option<MemberId>,
    /// Named in the meeting's 主持人 / 讲课人 field.
    pub in_role: bool,
}

/// The quorum as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quorum {
    /// Which rule.
    pub rule: QuorumRule,
    /// Members the rule counts.
    pub entitled: usize,
    /// Of them, present (proven).
    pub present: usize,
    /// Fewest present that meets it.
    pub needed: usize,
    /// Met.
    pub met: bool,
}

/// Counts over the sheet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// 应到
    pub expected: usize,
    /// 实到: present, late or left early, proven.
    pub present: usize,
    /// Of 实到, late.
    pub late: usize,
    /// Of 实到, left early.
    pub left_early: usize,
    /// 请假
    pub leave: usize,
    /// 缺席
    pub absent: usize,
    /// Self check-ins waiting for the organizer's device to check the code.
    pub unverified: usize,
    /// Nothing recorded yet.
    pub waiting: usize,
    /// Of 实到, by their own proven check-in (自助签到).
    pub self_checked: usize,
    /// 补录 rows (any state), counted apart from self check-ins.
    pub late_entries: usize,
}

impl Counts {
    /// 出勤率 in per mille (实到 / 应到), `None` with nobody expected.
    pub fn rate_permille(&self) -> Option<u32> {
        (self.expected > 0).then(|| (self.present * 1000 / self.expected) as u32)
    }
}

/// A meeting's sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// One row per expected member, in roster order (党小组, post, pinyin).
    pub rows: Vec<Row>,
    /// The counts.
    pub counts: Counts,
    /// Quorum, for kinds that have one.
    pub quorum: Option<Quorum>,
}

/// Whether a status counts toward 实到.
pub fn attended(status: AttendanceStatus) -> bool {
    matches!(status, AttendanceStatus::Present | AttendanceStatus::Late | AttendanceStatus::LeftEarly)
}

/// Judges a self check-in: its state and how sure. `secret` is the
/// organizer's key where this device holds it (only it can check codes).
pub fn judge(
    meeting: &Meeting,
    settings: &Settings,
    check: &CheckIn,
    secret: Option<&SecretKey>,
) -> (AttendanceStatus, Source, i64) {
    let inside = |at: i64| checkin::check_open(meeting, settings, at).is_ok();
    match &check.proof {
        Proof::Token(text) => {
            let key = settings.organizer_key.as_deref().and_then(PublicKey::parse);
            let valid = Token::parse(text)
                .ok()
                .filter(|t| t.meeting == meeting.id && t.time() == check.at)
                .zip(key)
                .is_some_and(|(t, k)| t.signed_by(&k));
            let source = if valid && inside(check.at) { Source::Verified } else { Source::Rejected };
            (checkin::status_at(meeting, settings, check.at), source, check.at)
        }
        Proof::Code(code) => match secret {
            None => (checkin::status_at(meeting, settings, check.at), Source::Unverified, check.at),
            Some(secret) => match secret.check_code(&meeting.id, code, check.at) {
                // The matched window is the proven time.
                Some(at) if inside(check.at) => (checkin::status_at(meeting, settings, at), Source::Verified, at),
                _ => (checkin::status_at(meeting, settings, check.at), Source::Rejected, check.at),
            },
        },
    }
}

/// Builds the sheet of a meeting.
pub fn sheet(state: &State, meeting: &Meeting, settings: &Settings, secret: Option<&SecretKey>) -> Sheet {
    let mut rows = Vec::new();
    let (expected, counts, quorum) = count(state, meeting, settings, secret, |row| rows.push(row));
    // Roster order: 党小组, then post (书记 first), then name by pinyin.
    // Each group's key is made once, not once per row (the sheet is rebuilt
    // on every tap at the door).
    fn groups((_, m): &(MemberId, Option<crate::state::Member>)) -> &str {
        m.as_ref().map_or("", |m| m.fields.group.as_str())
    }
    let ranks = crate::roster_order::group_ranks(expected.iter().map(groups));
    // Sorted as small keys with the row's index: moving whole rows costs more.
    let mut keys: Vec<_> = expected
        .iter()
        .zip(&rows)
        .enumerate()
        .map(|(at, (e, r))| {
            (ranks[groups(e)], e.1.as_ref().map(|m| m.fields.role), crate::search::sort_key(&r.name), &e.0, at)
        })
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    let rows = keys.iter().filter_map(|k| slots[k.4].take()).collect();
    Sheet { rows, counts, quorum }
}

/// A sheet's counts and quorum without its rows in roster order: what a
/// list of meetings shows per line (ordering is most of a sheet's work).
pub fn summary(
    state: &State,
    meeting: &Meeting,
    settings: &Settings,
    secret: Option<&SecretKey>,
) -> (Counts, Option<Quorum>) {
    let (_, counts, quorum) = count(state, meeting, settings, secret, |_| {});
    (counts, quorum)
}

/// The expected members with what the roster knows of each.
type Expected = Vec<(MemberId, Option<crate::state::Member>)>;

/// The expected members, each one's row handed to `keep` in that order,
/// and what the rows add up to.
fn count(
    state: &State,
    meeting: &Meeting,
    settings: &Settings,
    secret: Option<&SecretKey>,
    mut keep: impl FnMut(Row),
) -> (Expected, Counts, Option<Quorum>) {
    let expected = meeting.expected_members(state);
    let ids: Vec<MemberId> = expected.iter().map(|(id, _)| id.clone()).collect();
    let inputs = Inputs::new(state, meeting, settings, secret, &ids);
    let mut counts = Counts { expected: expected.len(), ..Counts::default() };
    let quorum_rule = meeting.quorum_rule();
    let (mut entitled, mut entitled_present) = (0, 0);
    for (id, known) in &expected {
        let row = inputs.row(id, known.as_ref());
        let proven = row.proven();
        counts.late_entries += usize::from(row.source == Some(Source::LateEntry));
        match (row.status, row.source) {
            (_, Some(Source::Unverified)) => counts.unverified += 1,
            (Some(s), _) if attended(s) && proven => {
                counts.present += 1;
                counts.self_checked += usize::from(row.source == Some(Source::Verified));
                counts.late += usize::from(s == AttendanceStatus::Late);
                counts.left_early += usize::from(s == AttendanceStatus::LeftEarly);
            }
            (Some(AttendanceStatus::Leave), _) => counts.leave += 1,
            (Some(AttendanceStatus::Absent), _) => counts.absent += 1,
            _ => counts.waiting += 1,
        }
        if let (Some(rule), Some(m)) = (quorum_rule, known)
            && rule.counts(m)
        {
            entitled += 1;
            entitled_present += usize::from(row.status.is_some_and(attended) && proven);
        }
        keep(row);
    }
    let quorum = quorum_rule.map(|rule| {
        let (met, needed) = more_than_half(entitled_present, entitled);
        Quorum { rule, entitled, present: entitled_present, needed, met }
    });
    (expected, counts, quorum)
}

/// One expected member's row alone, as [`sheet`] shows it (a command about
/// one member needs no counts and no order).
pub fn row(
    state: &State,
    meeting: &Meeting,
    settings: &Settings,
    secret: Option<&SecretKey>,
    member: &MemberId,
) -> Option<Row> {
    let expected = meeting.expected(state);
    if !expected.contains(member) {
        return None;
    }
    Some(Inputs::new(state, meeting, settings, secret, &expected).row(member, state.member(member).as_ref()))
}

impl Row {
    /// Whether its state counts as recorded (an unchecked code does not).
    fn proven(&self) -> bool {
        matches!(
            self.source,
            Some(Source::Organizer | Source::LateEntry | Source::Verified | Source::Derived | Source::Rejected)
        )
    }
}

/// What every row of one meeting's sheet reads, looked up once per sheet.
struct Inputs<'a> {
    state: &'a State,
    meeting: &'a Meeting,
    settings: &'a Settings,
    secret: Option<&'a SecretKey>,
    marks: Option<&'a BTreeMap<MemberId, Lww<crate::attendance::Attendance>>>,
    checks: BTreeMap<MemberId, &'a Lww<CheckIn>>,
    leave_requests: BTreeMap<MemberId, &'a Lww<LeaveRequest>>,
    leave_decisions: BTreeMap<MemberId, &'a Lww<LeaveDecision>>,
    make_ups: BTreeMap<MemberId, &'a Lww<MakeUp>>,
    /// Check-ins per phone among the expected.
    devices: BTreeMap<&'a str, usize>,
    in_role: std::collections::BTreeSet<MemberId>,
}

impl<'a> Inputs<'a> {
    fn new(
        state: &'a State,
        meeting: &'a Meeting,
        settings: &'a Settings,
        secret: Option<&'a SecretKey>,
        expected: &[MemberId],
    ) -> Inputs<'a> {
        let checks = member_regs(&state.check_ins.0, &meeting.id);
        let mut devices: BTreeMap<&str, usize> = BTreeMap::new();
        for member in expected {
            if let Some(c) = checks.get(member) {
                *devices.entry(c.value.device.as_str()).or_default() += 1;
            }
        }
        let in_role =
            if meeting.is_held() { crate::held::role_holders(meeting, state, expected) } else { Default::default() };
        Inputs {
            state,
            meeting,
            settings,
            secret,
            marks: state.attendance.get(&meeting.id),
            checks,
            leave_requests: member_regs(&state.leave_requests.0, &meeting.id),
            leave_decisions: member_regs(&state.leave_decisions.0, &meeting.id),
            make_ups: member_regs(&state.make_ups.0, &meeting.id),
            devices,
            in_role,
        }
    }

    fn row(&self, id: &MemberId, known: Option<&crate::state::Member>) -> Row {
        let meeting = self.meeting;
        let mark = self.marks.and_then(|m| m.get(id));
        let check = self.checks.get(id);
        let leave = self
            .leave_requests
            .get(id)
            .map(|r| &r.value)
            .filter(|r| !r.withdrawn)
            .map(|r| (r.clone(), self.leave_decisions.get(id).map(|d| d.value.clone())));
        let in_role = self.in_role.contains(id);
        // The later of the organizer's mark and the member's own check-in wins.
        // A proven own check-in later than the organizer's mark wins; an
        // unproven one never overrides a mark (a wrong code cannot turn
        // 缺席 into anything), and a rejected one counts for nothing.
        let judged = check.map(|c| (c.stamp.clone(), judge(meeting, self.settings, &c.value, self.secret)));
        let fallback = || {
            if leave.as_ref().is_some_and(|(_, d)| d.as_ref().is_some_and(|d| d.approved)) {
                (Some(AttendanceStatus::Leave), Some(Source::Derived), None)
            } else if in_role {
                // The host or lecturer was there: holding the meeting says so.
                (Some(AttendanceStatus::Present), Some(Source::Derived), None)
            } else if meeting.is_held() {
                (Some(AttendanceStatus::Absent), Some(Source::Derived), None)
            } else {
                (None, None, None)
            }
        };
        let (status, source, at) = match (mark, judged) {
            (Some(m), Some((stamp, (status, Source::Verified, at)))) if stamp > m.stamp => {
                (Some(status), Some(Source::Verified), Some(at))
            }
            (Some(m), _) => {
                let late = crate::marking::is_late_entry(meeting, self.settings, &m.value);
                (Some(m.value.status), Some(if late { Source::LateEntry } else { Source::Organizer }), m.value.at)
            }
            (None, Some((_, (status, source @ (Source::Verified | Source::Unverified), at)))) => {
                (Some(status), Some(source), Some(at))
            }
            (None, Some((_, (_, Source::Rejected, at)))) => {
                let (status, _, _) = fallback();
                (status, Some(Source::Rejected), Some(at))
            }
            (None, _) => fallback(),
        };
        let check_in = check.map(|c| c.value.clone());
        Row {
            member: id.clone(),
            name: known.map_or_else(|| id.to_string(), |m| m.fields.name.clone()),
            group: known.map(|m| m.fields.group.clone()).unwrap_or_default(),
            status,
            source,
            at,
            shared_device: check_in
                .as_ref()
                .is_some_and(|c| self.devices.get(c.device.as_str()).copied().unwrap_or(0) > 1),
            device_owner: check_in.as_ref().and_then(|c| self.state.devices.get(&c.device).cloned()),
            check_in,
            leave,
            make_up: self.make_ups.get(id).map(|m| m.value.clone()),
            in_role,
        }
    }
}

fn member_regs<'a, V>(
    table: &'a BTreeMap<(MeetingId, MemberId), Lww<V>>,
    meeting: &MeetingId,
) -> BTreeMap<MemberId, &'a Lww<V>> {
    table
        .range((meeting.clone(), MemberId(String::new()))..)
        .take_while(|((m, _), _)| m == meeting)
        .map(|((_, member), reg)| (member.clone(), reg))
        .collect()
}
