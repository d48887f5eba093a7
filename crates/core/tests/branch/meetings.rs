//! Meetings set up quickly, through the commands the meeting pages call:
//! the form, holding, marks, a member's own check-in and leave, make-up.

use super::{Branch, DESK, phone};
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin::CheckInProblem;
use zhibu_core::commands::attendance::{self, MakeUpEntry};
use zhibu_core::commands::meetings::{cancel_meeting, hold, record_minutes, save_meeting};
use zhibu_core::event::Event;
use zhibu_core::ids::{MeetingId, MemberId};
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::{Audience, Meeting, MeetingDraft, MeetingKind};
use zhibu_core::sheet::{self, Sheet};
use zhibu_core::token::SecretKey;
use zhibu_core::zone::Zone;

/// The form as the organizer fills it: a meeting of `kind` at `at` (read
/// in `zone`) for `minutes`, topic 学习党章.
pub fn draft(zone: Zone, kind: MeetingKind, audience: Audience, at: i64, minutes: u32) -> MeetingDraft {
    let local = zone.local(at);
    assert_eq!(zone.unix(local.date(), local.hour, local.minute), Some(at), "the form takes whole minutes");
    MeetingDraft {
        kind: Some(kind),
        topic: "学习党章".into(),
        date: local.date().to_string(),
        time: format!("{:02}:{:02}", local.hour, local.minute),
        minutes: minutes.to_string(),
        audience: Some(audience),
        ..MeetingDraft::default()
    }
}

impl Branch {
    /// [`draft`] in the branch's zone.
    pub fn draft(&self, kind: MeetingKind, audience: Audience, at: i64, minutes: u32) -> MeetingDraft {
        draft(self.settings().zone, kind, audience, at, minutes)
    }

    /// Plans the meeting a filled form describes; returns the id the
    /// command made.
    pub fn plan_draft(&mut self, draft: &MeetingDraft) -> MeetingId {
        self.run(DESK, None, |state, act| save_meeting(state, act, None, draft)).expect("a valid meeting form")
    }

    /// Plans a 90-minute meeting at `at`.
    pub fn plan(&mut self, kind: MeetingKind, audience: Audience, at: i64) -> MeetingId {
        let draft = self.draft(kind, audience, at, 90);
        self.plan_draft(&draft)
    }

    /// Saves an edit made in the form opened on the meeting.
    pub fn edit(&mut self, id: &MeetingId, change: impl FnOnce(&mut MeetingDraft)) -> Vec<Event> {
        let mut draft = MeetingDraft::of(&self.meeting(id), self.settings().zone);
        change(&mut draft);
        self.run_events(DESK, None, |state, act| save_meeting(state, act, Some(id), &draft)).expect("a valid edit").0
    }

    pub fn meeting(&self, id: &MeetingId) -> Meeting {
        self.state().meeting(id).expect("a meeting of the branch")
    }

    /// 标记为已召开 on the organizer's device.
    pub fn hold(&mut self, id: &MeetingId) {
        self.run(DESK, None, |state, _| hold(state, id)).expect("a planned meeting with attendees");
    }

    /// Plans and holds a 90-minute meeting at `at`.
    pub fn held(&mut self, kind: MeetingKind, audience: Audience, at: i64) -> MeetingId {
        let id = self.plan(kind, audience, at);
        self.hold(&id);
        id
    }

    pub fn cancel(&mut self, id: &MeetingId, reason: &str) {
        self.run(DESK, None, |state, _| cancel_meeting(state, id, reason)).expect("a planned meeting");
    }

    pub fn minutes(&mut self, id: &MeetingId, text: &str) {
        self.run(DESK, None, |state, _| record_minutes(state, id, text)).expect("minutes within bounds");
    }

    /// The organizer's mark from `device` at `at`.
    pub fn mark_on(
        &mut self,
        device: &str,
        (id, member): (&MeetingId, &MemberId),
        status: AttendanceStatus,
        at: i64,
        late_confirmed: bool,
    ) -> Result<Vec<Event>, MarkProblem> {
        self.at(at, |b| {
            b.run_events(device, None, |state, act| attendance::mark(state, act, (id, member), status, late_confirmed))
                .map(|(events, ())| events)
        })
    }

    /// The organizer's mark at the meeting's start (inside its window).
    pub fn mark(&mut self, id: &MeetingId, member: &MemberId, status: AttendanceStatus) {
        let start = self.meeting(id).start;
        self.mark_on(DESK, (id, member), status, start, false).expect("a mark inside the window");
    }

    /// Marks each of `members` present at the meeting's start.
    pub fn present(&mut self, id: &MeetingId, members: &[&MemberId]) {
        for member in members {
            self.mark(id, member, AttendanceStatus::Present);
        }
    }

    /// A member's check-in by the code at the door, typed on `device` at `at`.
    pub fn check_in_code(
        &mut self,
        device: &str,
        (id, member): (&MeetingId, &MemberId),
        code: &str,
        at: i64,
    ) -> Result<Event, CheckInProblem> {
        self.at(at, |b| {
            b.run_events(device, Some(member), |state, act| {
                attendance::check_in_by_code(state, (id, member), code, act.now(), device)
            })
            .map(|(mut events, ())| events.remove(0))
        })
    }

    /// A member's check-in by a scanned QR text on `device` at `at`.
    pub fn check_in_token(
        &mut self,
        device: &str,
        member: &MemberId,
        text: &str,
        at: i64,
    ) -> Result<Event, CheckInProblem> {
        self.at(at, |b| {
            b.run_events(device, Some(member), |state, act| {
                attendance::check_in_by_token(state, member, text, act.now(), device)
            })
            .map(|(mut events, _)| events.remove(0))
        })
    }

    /// A member's leave request from their phone, now.
    pub fn ask_leave(&mut self, id: &MeetingId, member: &MemberId, reason: &str) -> Result<(), CheckInProblem> {
        let device = phone(member);
        self.run(&device, Some(member), |state, act| attendance::request_leave(state, (id, member), reason, act.now()))
    }

    /// The organizer's answer to a leave request.
    pub fn decide_leave(&mut self, id: &MeetingId, member: &MemberId, approved: bool) {
        self.run(DESK, None, |state, _| attendance::decide_leave(state, (id, member), approved))
            .expect("a leave request to answer");
    }

    /// A leave request and its answer, before the meeting starts.
    pub fn leave(&mut self, id: &MeetingId, member: &MemberId, approved: bool) {
        self.ask_leave(id, member, "出差").expect("asked before the meeting");
        self.decide_leave(id, member, approved);
    }

    /// Make-up study entered on the organizer's device at `at`.
    pub fn make_up(
        &mut self,
        (id, member): (&MeetingId, &MemberId),
        entry: &MakeUpEntry,
        at: i64,
    ) -> Result<(), CheckInProblem> {
        self.at(at, |b| b.run(DESK, None, |state, act| attendance::make_up(state, act, (id, member), entry, None)))
    }

    /// The meeting's sheet; `secret` where the device holds the branch's key.
    /// Every test that reads a sheet also checks `sheet::summary` (the
    /// meetings list's counts) and `sheet::row` (我的, commands about one
    /// member) against it.
    pub fn sheet(&self, id: &MeetingId, secret: Option<&SecretKey>) -> Sheet {
        let (state, meeting, settings) = (self.state(), self.meeting(id), self.settings());
        let sheet = sheet::sheet(state, &meeting, &settings, secret);
        assert_eq!(sheet::summary(state, &meeting, &settings, secret), (sheet.counts, sheet.quorum), "summary ≠ sheet");
        for row in &sheet.rows {
            assert_eq!(
                sheet::row(state, &meeting, &settings, secret, &row.member).as_ref(),
                Some(row),
                "row ≠ sheet's"
            );
        }
        sheet
    }
}

/// 2026-03-10 14:00 in Beijing: when [`one_meeting`] starts.
pub fn start() -> i64 {
    Zone::CST.unix(zhibu_core::date::Date::parse("2026-03-10").unwrap(), 14, 0).unwrap()
}

/// When [`one_meeting`] ends: two hours after [`start`].
pub fn end() -> i64 {
    start() + 120 * 60
}

/// A branch of these members (full, in 第一党小组) and one meeting of
/// `kind` for the whole branch at [`start`], two hours, hosted by `host`.
pub fn one_meeting(names: &[&str], kind: MeetingKind, host: &str) -> (Branch, MeetingId, Vec<MemberId>) {
    let mut b = Branch::new();
    let members = names.iter().map(|name| b.member(super::fields(name))).collect();
    let form = MeetingDraft { host: host.into(), ..b.draft(kind, Audience::Branch, start(), 120) };
    let meeting = b.plan_draft(&form);
    (b, meeting, members)
}

impl Branch {
    /// A branch named 第一党支部 whose organizer's device holds `key` (its
    /// public half published in the settings, as the session's
    /// `take_over_key` does); `None`: no key yet.
    pub fn keyed(key: Option<&SecretKey>) -> Branch {
        let mut b = Branch::new();
        let mut changes = vec![zhibu_core::settings::Setting::BranchName("第一党支部".into())];
        changes.extend(key.map(|k| zhibu_core::settings::Setting::OrganizerKey(k.public().to_text())));
        b.settings_change(changes);
        b
    }
}

/// A meeting planned with the topic 主题 `name`.
pub fn plan(b: &mut Branch, name: &str, kind: MeetingKind, audience: Audience, start: i64) -> MeetingId {
    let form = MeetingDraft { topic: format!("主题 {name}"), ..b.draft(kind, audience, start, 90) };
    b.plan_draft(&form)
}

/// A meeting held with its audience as the roster stands now.
pub fn held(b: &mut Branch, name: &str, kind: MeetingKind, audience: Audience, start: i64) -> MeetingId {
    let id = plan(b, name, kind, audience, start);
    b.hold(&id);
    id
}

pub fn cancelled(b: &mut Branch, name: &str, kind: MeetingKind, audience: Audience, start: i64) -> MeetingId {
    let id = plan(b, name, kind, audience, start);
    b.cancel(&id, "台风");
    id
}
