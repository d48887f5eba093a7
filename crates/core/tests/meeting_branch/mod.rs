//! A branch's records for the sheet's tests (holding, 补录): members, one
//! meeting, marks and check-ins, each from a named device with fixed stamps.

#![allow(dead_code)]

use zhibu_core::attendance::AttendanceStatus;
use zhibu_core::checkin::{CheckIn, Proof};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::marking::{self, MarkProblem};
use zhibu_core::meetings::{Audience, Meeting, MeetingKind, MeetingStatus, MeetingValue as V};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::Settings;
use zhibu_core::sheet::{self, Sheet};
use zhibu_core::state::State;
use zhibu_core::zone::Zone;

pub const DESK: &str = "organizer-laptop";

/// 2026-03-10 14:00 in Beijing; the meeting runs two hours.
pub fn start() -> i64 {
    Zone::CST.unix(Date::parse("2026-03-10").unwrap(), 14, 0).unwrap()
}

pub fn end() -> i64 {
    start() + 120 * 60
}

pub struct Branch {
    pub records: Records,
    pub meeting: MeetingId,
    n: u64,
}

impl Branch {
    /// A branch with these members and one 党员大会 hosted by `host`.
    pub fn new(names: &[&str], kind: MeetingKind, host: &str) -> (Branch, Vec<MemberId>) {
        let mut b =
            Branch { records: Records::default(), meeting: MeetingId("01KB0000000000000000000001".into()), n: 0 };
        let ids = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let member = MemberId(format!("m{i:02}"));
                let fields = MemberFields {
                    name: (*name).into(),
                    group: "第一党小组".into(),
                    status: Status::Full,
                    role: Role::Member,
                    joined: Date::parse("2010-07-01"),
                    phone: None,
                    exempt: false,
                };
                b.record(DESK, Payload::MemberAdded { member: member.clone(), fields });
                member
            })
            .collect();
        let changes = vec![
            V::Kind(kind),
            V::Topic("学习党章".into()),
            V::Start(start()),
            V::Minutes(120),
            V::Host(host.into()),
            V::Audience(Audience::Branch),
            V::Status(MeetingStatus::Planned),
        ];
        b.record(DESK, Payload::MeetingSaved { meeting: b.meeting.clone(), changes });
        (b, ids)
    }

    pub fn record(&mut self, device: &str, payload: Payload) -> Event {
        self.n += 1;
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.n.to_le_bytes());
        let stamp = EventStamp {
            device: DeviceId(device.into()),
            actor: None,
            unix_ms: 1_773_000_000_000 + self.n as i64,
            random,
        };
        self.records.record(stamp, payload)
    }

    pub fn record_all(&mut self, device: &str, payloads: Vec<Payload>) -> Vec<Event> {
        payloads.into_iter().map(|p| self.record(device, p)).collect()
    }

    pub fn state(&self) -> &State {
        self.records.state()
    }

    pub fn settings(&self) -> Settings {
        self.state().settings()
    }

    pub fn meeting(&self) -> Meeting {
        self.state().meeting(&self.meeting).unwrap()
    }

    pub fn sheet(&self) -> Sheet {
        sheet::sheet(self.state(), &self.meeting(), &self.settings(), None)
    }

    /// The organizer's mark through the core's command, from `device`.
    pub fn mark(
        &mut self,
        device: &str,
        member: &MemberId,
        status: AttendanceStatus,
        now: i64,
        late_confirmed: bool,
    ) -> Result<Vec<Event>, MarkProblem> {
        let payloads = marking::mark(&self.meeting(), &self.settings(), member, status, now, late_confirmed)?;
        Ok(self.record_all(device, payloads))
    }

    /// A member's own proven check-in (a scanned token is not needed to
    /// test the sheet's counting: an unverifiable one counts as unverified).
    pub fn check_in(&mut self, member: &MemberId, at: i64) -> Event {
        let check = CheckIn { at, device: format!("phone-{member}"), proof: Proof::Code("123456".into()) };
        let device = format!("phone-{member}");
        self.record(&device, Payload::CheckedIn { meeting: self.meeting.clone(), member: member.clone(), check })
    }
}
