//! The tables beside the members: settings, meetings, attendance's
//! companions, classes, self-study, rounds and the ballot box; their join
//! and their clocks.

use super::*;

/// Meetings, settings, check-ins, leave and make-up study: tables of registers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extras {
    /// Branch settings.
    #[serde(default, rename = "set", skip_serializing_if = "Table::is_empty")]
    pub settings: Table<SettingKey, Setting>,
    /// Meetings by id, one register per field.
    #[serde(default, rename = "mtg", skip_serializing_if = "BTreeMap::is_empty")]
    pub meetings: BTreeMap<MeetingId, Table<MeetingField, MeetingValue>>,
    /// Self check-ins by (meeting, member).
    #[serde(default, rename = "chk", skip_serializing_if = "Table::is_empty")]
    pub check_ins: Table<(MeetingId, MemberId), CheckIn>,
    /// Leave requests by (meeting, member).
    #[serde(default, rename = "lvq", skip_serializing_if = "Table::is_empty")]
    pub leave_requests: Table<(MeetingId, MemberId), LeaveRequest>,
    /// Answers to leave requests.
    #[serde(default, rename = "lvd", skip_serializing_if = "Table::is_empty")]
    pub leave_decisions: Table<(MeetingId, MemberId), LeaveDecision>,
    /// Make-up study records.
    #[serde(default, rename = "mku", skip_serializing_if = "Table::is_empty")]
    pub make_ups: Table<(MeetingId, MemberId), MakeUp>,
    /// Phones the organizer confirmed, by phone id.
    #[serde(default, rename = "dev", skip_serializing_if = "Table::is_empty")]
    pub devices: Table<String, MemberId>,
    /// Training classes by id, one register per field.
    #[serde(default, rename = "cls", skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<ClassId, Table<ClassField, ClassValue>>,
    /// Self-study records.
    #[serde(default, rename = "stu", skip_serializing_if = "Table::is_empty")]
    pub studies: Table<StudyId, SelfStudy>,
    /// Answers to self-study records.
    #[serde(default, rename = "std", skip_serializing_if = "Table::is_empty")]
    pub study_decisions: Table<StudyId, StudyDecision>,
    /// "身边最美党员" rounds by id, one register per field.
    #[serde(default, rename = "rnd", skip_serializing_if = "BTreeMap::is_empty")]
    pub rounds: BTreeMap<RoundId, Table<RoundField, RoundValue>>,
    /// Nominations.
    #[serde(default, rename = "nom", skip_serializing_if = "Table::is_empty")]
    pub nominations: Table<(RoundId, NominationId), Nomination>,
    /// Reviews of nominees.
    #[serde(default, rename = "rev", skip_serializing_if = "Table::is_empty")]
    pub reviews: Table<(RoundId, MemberId), Review>,
    /// The roll: who (or which code) has voted. Never what.
    #[serde(default, rename = "rol", skip_serializing_if = "Table::is_empty")]
    pub roll: Table<(RoundId, Voter), bool>,
    /// Objections during 公示.
    #[serde(default, rename = "obj", skip_serializing_if = "Table::is_empty")]
    pub objections: Table<(RoundId, ObjectionId), Objection>,
    /// How objections were handled.
    #[serde(default, rename = "hdl", skip_serializing_if = "Table::is_empty")]
    pub handlings: Table<(RoundId, ObjectionId), Handling>,
    /// Each round's audit log (ballots never appear).
    #[serde(default, rename = "aud", skip_serializing_if = "Table::is_empty")]
    pub audit: Table<(RoundId, EventId), AuditEntry>,
    /// Appraisals' 自评 by (round, member).
    #[serde(default, rename = "sas", skip_serializing_if = "Table::is_empty")]
    pub self_assessments: Table<(RoundId, MemberId), SelfAssessment>,
    /// Appraisals' 互评 comments by (round, author, about).
    #[serde(default, rename = "cmt", skip_serializing_if = "Table::is_empty")]
    pub comments: Table<(RoundId, MemberId, MemberId), Comment>,
    /// Appraisals' 组织评定 by (round, member).
    #[serde(default, rename = "dec", skip_serializing_if = "Table::is_empty")]
    pub decisions: Table<(RoundId, MemberId), Decision>,
    /// Ballot boxes: no stamps, no order of voting.
    #[serde(default, rename = "bal", skip_serializing_if = "Boxes::is_empty")]
    pub ballots: Boxes,
}

impl Extras {
    /// Joins another set of tables in.
    pub fn join(&mut self, other: &Extras) -> bool {
        let mut changed = self.settings.join(&other.settings);
        for (id, theirs) in &other.meetings {
            changed |= self.meetings.entry(id.clone()).or_default().join(theirs);
        }
        changed |= self.check_ins.join(&other.check_ins);
        changed |= self.leave_requests.join(&other.leave_requests);
        changed |= self.leave_decisions.join(&other.leave_decisions);
        changed |= self.devices.join(&other.devices);
        for (id, theirs) in &other.classes {
            changed |= self.classes.entry(id.clone()).or_default().join(theirs);
        }
        changed |= self.studies.join(&other.studies);
        changed |= self.study_decisions.join(&other.study_decisions);
        for (id, theirs) in &other.rounds {
            changed |= self.rounds.entry(id.clone()).or_default().join(theirs);
        }
        changed |= self.nominations.join(&other.nominations);
        changed |= self.reviews.join(&other.reviews);
        changed |= self.roll.join(&other.roll);
        changed |= self.objections.join(&other.objections);
        changed |= self.handlings.join(&other.handlings);
        changed |= self.audit.join(&other.audit);
        changed |= self.self_assessments.join(&other.self_assessments);
        changed |= self.comments.join(&other.comments);
        changed |= self.decisions.join(&other.decisions);
        changed |= self.ballots.join(&other.ballots);
        changed | self.make_ups.join(&other.make_ups)
    }

    /// Every clock in the tables.
    pub fn clocks(&self) -> impl Iterator<Item = u64> + '_ {
        self.settings
            .clocks()
            .chain(self.meetings.values().flat_map(Table::clocks))
            .chain(self.check_ins.clocks())
            .chain(self.leave_requests.clocks())
            .chain(self.leave_decisions.clocks())
            .chain(self.make_ups.clocks())
            .chain(self.devices.clocks())
            .chain(self.classes.values().flat_map(Table::clocks))
            .chain(self.studies.clocks())
            .chain(self.study_decisions.clocks())
            .chain(self.rounds.values().flat_map(Table::clocks))
            .chain(self.nominations.clocks())
            .chain(self.reviews.clocks())
            .chain(self.roll.clocks())
            .chain(self.objections.clocks())
            .chain(self.handlings.clocks())
            .chain(self.audit.clocks())
            .chain(self.self_assessments.clocks())
            .chain(self.comments.clocks())
            .chain(self.decisions.clocks())
    }
}
