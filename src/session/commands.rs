//! What a user can change, as `Session` methods: each runs the core's
//! command (`zhibu_core::commands`, where every rule lives) with this
//! device's time, randomness and identity, then records and saves what it
//! returned. A failed save keeps the events in memory and is reported by
//! [`Session::saved`] (the app's notice), so these return only the
//! command's own refusal.

use super::Session;
use crate::platform;
use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin::CheckInProblem;
use zhibu_core::commands::attendance::{self as attendance, MakeUpEntry};
use zhibu_core::commands::meetings as meeting_commands;
use zhibu_core::commands::roster::{self as roster, RosterProblem};
use zhibu_core::commands::training as training_commands;
use zhibu_core::commands::{Act, Change};
use zhibu_core::date::Date;
use zhibu_core::held::UndoProblem;
use zhibu_core::ids::{ClassId, MeetingId, MemberId, StudyId};
use zhibu_core::marking::MarkProblem;
use zhibu_core::meetings::{MeetingDraft, MeetingProblem};
use zhibu_core::roster::MemberFields;
use zhibu_core::settings::{Setting, SettingKey};
use zhibu_core::study::{StudyDraft, StudyProblem};
use zhibu_core::training::{ClassDraft, ClassProblem};

/// Runs a command that needs an [`Act`] by the device's keeper, now.
pub(super) fn keeper<T, P>(
    s: &mut Session,
    command: impl FnOnce(&zhibu_core::state::State, &mut Act) -> Result<Change<T>, P>,
) -> Result<T, P> {
    s.run(None, command)
}

impl Session {
    /// Runs a core command as `by` at this moment and records what it
    /// decided.
    pub(super) fn run<T, P>(
        &mut self,
        by: Option<MemberId>,
        command: impl FnOnce(&zhibu_core::state::State, &mut Act) -> Result<Change<T>, P>,
    ) -> Result<T, P> {
        let now_ms = platform::now_ms();
        let mut random = platform::random16;
        let mut act = Act::new(by, now_ms, &mut random);
        let change = command(self.records.state(), &mut act)?;
        // Stamped at the moment the command decided (a mark's time is its event's).
        Ok(self.apply_at(change, now_ms))
    }

    /// Adds a member (fields as the form checked them); returns the new id.
    pub fn add_member(&mut self, fields: MemberFields) -> Result<MemberId, RosterProblem> {
        keeper(self, |_, act| roster::add_member(act, fields))
    }

    /// Saves what the user changed in a form opened on `baseline` (only
    /// those fields: another tab's edit of others survives).
    pub fn edit_member(
        &mut self,
        member: &MemberId,
        baseline: &MemberFields,
        fields: &MemberFields,
    ) -> Result<(), RosterProblem> {
        keeper(self, |state, _| roster::edit_member(state, member, baseline, fields))
    }

    /// Archives or restores a member.
    pub fn set_archived(&mut self, member: &MemberId, archived: bool) -> Result<(), RosterProblem> {
        keeper(self, |state, _| roster::set_archived(state, member, archived))
    }

    /// Adds the accepted rows of a roster import as one event.
    pub fn import_members(&mut self, rows: Vec<MemberFields>) -> Result<usize, RosterProblem> {
        keeper(self, |_, act| roster::import_members(act, rows))
    }

    /// The organizer confirms a phone belongs to a member.
    pub fn confirm_device(&mut self, device: &str, member: &MemberId) -> Result<(), RosterProblem> {
        keeper(self, |state, _| roster::confirm_device(state, device, member))
    }

    /// Creates a meeting (`None`) or records what an edit changed.
    pub fn save_meeting(
        &mut self,
        id: Option<&MeetingId>,
        draft: &MeetingDraft,
    ) -> Result<MeetingId, Vec<MeetingProblem>> {
        keeper(self, |state, act| meeting_commands::save_meeting(state, act, id, draft))
    }

    /// Cancels a planned meeting.
    pub fn cancel_meeting(&mut self, id: &MeetingId, reason: &str) -> Result<(), MeetingProblem> {
        keeper(self, |state, _| meeting_commands::cancel_meeting(state, id, reason))
    }

    /// Saves the minutes.
    pub fn record_minutes(&mut self, id: &MeetingId, text: &str) -> Result<(), MeetingProblem> {
        keeper(self, |state, _| meeting_commands::record_minutes(state, id, text))
    }

    /// 标记为已召开.
    pub fn hold(&mut self, id: &MeetingId) -> Result<(), MeetingProblem> {
        keeper(self, |state, _| meeting_commands::hold(state, id))
    }

    /// 撤销 of this page's hold.
    pub fn undo_hold(&mut self, id: &MeetingId) -> Result<(), UndoProblem> {
        let writer = self.store.writer.clone();
        keeper(self, |state, _| meeting_commands::undo_hold(state, id, &writer))
    }

    /// Branch settings changed.
    pub fn set_settings(&mut self, changes: Vec<Setting>) -> Result<(), SettingKey> {
        keeper(self, |_, _| meeting_commands::set_settings(changes))
    }

    /// The organizer's mark, now (a 补录 after the window needs `late_confirmed`).
    pub fn mark(
        &mut self,
        (meeting, member): (&MeetingId, &MemberId),
        status: AttendanceStatus,
        late_confirmed: bool,
    ) -> Result<(), MarkProblem> {
        keeper(self, |state, act| attendance::mark(state, act, (meeting, member), status, late_confirmed))
    }

    /// A member's check-in from a scanned QR text, on their phone; returns
    /// the meeting's topic.
    pub fn check_in_by_token(&mut self, member: &MemberId, text: &str) -> Result<String, CheckInProblem> {
        let device = self.device_label();
        self.run(Some(member.clone()), |state, act| {
            attendance::check_in_by_token(state, member, text, act.now(), &device)
        })
    }

    /// A member's check-in by the code read out at the door.
    pub fn check_in_by_code(
        &mut self,
        meeting: &MeetingId,
        member: &MemberId,
        code: &str,
    ) -> Result<(), CheckInProblem> {
        let device = self.device_label();
        self.run(Some(member.clone()), |state, act| {
            attendance::check_in_by_code(state, (meeting, member), code, act.now(), &device)
        })
    }

    /// A member's leave request, made as them.
    pub fn request_leave(
        &mut self,
        meeting: &MeetingId,
        member: &MemberId,
        reason: &str,
    ) -> Result<(), CheckInProblem> {
        self.run(Some(member.clone()), |state, act| {
            attendance::request_leave(state, (meeting, member), reason, act.now())
        })
    }

    /// The organizer's answer to a leave request.
    pub fn decide_leave(
        &mut self,
        meeting: &MeetingId,
        member: &MemberId,
        approved: bool,
    ) -> Result<(), CheckInProblem> {
        keeper(self, |state, _| attendance::decide_leave(state, (meeting, member), approved))
    }

    /// Make-up study for a member who missed a held meeting.
    pub fn make_up(
        &mut self,
        meeting: &MeetingId,
        member: &MemberId,
        form: &MakeUpEntry,
    ) -> Result<(), CheckInProblem> {
        let secret = self.organizer_key();
        keeper(self, |state, act| attendance::make_up(state, act, (meeting, member), form, secret.as_ref()))
    }

    /// Creates a training class (`None`) or records what an edit changed.
    pub fn save_class(&mut self, id: Option<&ClassId>, draft: &ClassDraft) -> Result<ClassId, Vec<ClassProblem>> {
        keeper(self, |state, act| training_commands::save_class(state, act, id, draft))
    }

    /// A member's own self-study record, made as them.
    pub fn record_study(
        &mut self,
        member: &MemberId,
        draft: &StudyDraft,
        today: Date,
    ) -> Result<StudyId, Vec<StudyProblem>> {
        self.run(Some(member.clone()), |state, act| training_commands::record_study(state, act, member, draft, today))
    }

    /// A member withdraws their own self-study record.
    pub fn withdraw_study(&mut self, member: &MemberId, id: &StudyId) -> Result<(), StudyProblem> {
        self.run(Some(member.clone()), |state, _| training_commands::withdraw_study(state, member, id))
    }

    /// Confirms or refuses a self-study record, as the named confirmer.
    pub fn decide_study(
        &mut self,
        id: &StudyId,
        by: &MemberId,
        confirmed: bool,
        note: &str,
    ) -> Result<(), StudyProblem> {
        self.run(Some(by.clone()), |state, _| training_commands::decide_study(state, id, by, confirmed, note))
    }
}
