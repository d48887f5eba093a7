//! Classes, their sessions and self-study set up quickly, through the
//! commands the 学习教育 pages call.

use super::{Branch, DESK, phone};
use zhibu_core::commands::meetings::save_meeting;
use zhibu_core::commands::training::{decide_study, record_study, save_class, withdraw_study};
use zhibu_core::date::Date;
use zhibu_core::hours::{self, MemberHours, YearHours};
use zhibu_core::ids::{ClassId, MeetingId, MemberId, StudyId};
use zhibu_core::meetings::{Audience, MeetingDraft, MeetingKind};
use zhibu_core::study;
use zhibu_core::study::StudyDraft;
use zhibu_core::training::{Class, ClassDraft};

impl Branch {
    /// A class (培训班N, the N-th made here) for `audience` from `from` to
    /// `to`; `completion` a percentage, `None` for the branch setting.
    pub fn class(&mut self, audience: Audience, from: &str, to: &str, completion: Option<u32>) -> ClassId {
        let n = zhibu_core::training::classes(self.state()).len() + 1;
        let draft = ClassDraft {
            title: format!("培训班{n}"),
            audience: Some(audience),
            from: from.into(),
            to: to.into(),
            completion: completion.map(|c| c.to_string()).unwrap_or_default(),
            ..ClassDraft::default()
        };
        self.run(DESK, None, |state, act| save_class(state, act, None, &draft)).expect("a valid class form")
    }

    /// Saves an edit made in the form opened on the class.
    pub fn edit_class(&mut self, id: &ClassId, change: impl FnOnce(&mut ClassDraft)) {
        let mut draft = ClassDraft::of(&self.get_class(id));
        change(&mut draft);
        self.run(DESK, None, |state, act| save_class(state, act, Some(id), &draft)).expect("a valid class edit");
    }

    pub fn get_class(&self, id: &ClassId) -> Class {
        self.state().class(id).expect("a class of the branch")
    }

    /// A meeting of `kind` (a session, with a class) at `at` for `minutes`,
    /// crediting `credit` tenths of 学时 or, with `None`, the counting rule.
    pub fn meeting_for(
        &mut self,
        kind: MeetingKind,
        class: Option<&ClassId>,
        audience: Audience,
        (at, minutes): (i64, u32),
        credit: Option<u32>,
    ) -> MeetingId {
        let draft = MeetingDraft {
            class: class.cloned(),
            credit: credit.map(hours::format).unwrap_or_default(),
            ..self.draft(kind, audience, at, minutes)
        };
        self.run(DESK, None, |state, act| save_meeting(state, act, None, &draft)).expect("a valid meeting form")
    }

    /// A session of a class, for the class's audience.
    pub fn session(&mut self, class: &ClassId, at: i64, minutes: u32, credit: Option<u32>) -> MeetingId {
        let audience = self.get_class(class).audience;
        self.meeting_for(MeetingKind::Training, Some(class), audience, (at, minutes), credit)
    }

    /// A member records `tenths` of self-study on `date` on their own
    /// phone, that day.
    pub fn study(&mut self, member: &MemberId, date: &str, tenths: u32) -> StudyId {
        let draft = StudyDraft {
            date: date.into(),
            material: "《习近平谈治国理政》第四卷".into(),
            hours: hours::format(tenths),
            note: String::new(),
        };
        let today = Date::parse(date).expect("a date");
        self.run(&phone(member), Some(member), |state, act| record_study(state, act, member, &draft, today))
            .expect("a valid self-study record")
    }

    /// The member withdraws their own record, on their phone.
    pub fn withdraw(&mut self, member: &MemberId, id: &StudyId) {
        self.run(&phone(member), Some(member), |state, _| withdraw_study(state, member, id)).expect("their own record");
    }

    /// A confirmer's answer, made as them on the organizer's device.
    pub fn decide(&mut self, id: &StudyId, by: &MemberId, confirmed: bool) {
        self.run(DESK, Some(by), |state, _| decide_study(state, id, by, confirmed, ""))
            .expect("an answer they may give");
    }
}

/// What the hours pages read.
pub trait Hours {
    fn year(&self, year: i32) -> YearHours;
    fn hours(&self, year: i32, member: &MemberId) -> MemberHours;
    /// (training, meetings, self-study, pending), tenths.
    fn totals(&self, year: i32, member: &MemberId) -> (u32, u32, u32, u32);
    fn entry(&self, id: &StudyId) -> study::StudyEntry;
}

impl Hours for Branch {
    fn year(&self, year: i32) -> YearHours {
        hours::year(self.state(), year, &self.settings(), None)
    }

    fn hours(&self, year: i32, member: &MemberId) -> MemberHours {
        self.year(year).lines.into_iter().find(|l| &l.member.id == member).unwrap()
    }

    fn totals(&self, year: i32, member: &MemberId) -> (u32, u32, u32, u32) {
        let h = self.hours(year, member);
        (h.training, h.meetings, h.self_study, h.pending)
    }

    fn entry(&self, id: &StudyId) -> study::StudyEntry {
        study::entries(self.state(), &self.settings()).into_iter().find(|e| &e.id == id).unwrap()
    }
}
