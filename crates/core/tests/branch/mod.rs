//! The branch the domain tests act on. It holds the records and gives a
//! command what the app's session gives it — a clock, randomness and a
//! device — all repeatable here. Every change is made by the core's own
//! commands (`zhibu_core::commands`) and recorded with
//! `Records::record_change`, as the session records it; the ids are the
//! ones the commands make. An event no command on this device would make
//! (a forged one, another device's, an older app's) goes through
//! [`Branch::foreign`], and the test says why.

#![allow(dead_code)]

mod appraisal;
mod meetings;
mod rounds;
mod training;

// Each test file uses some of them.
#[allow(unused_imports)]
pub use appraisal::*;
#[allow(unused_imports)]
pub use meetings::*;
#[allow(unused_imports)]
pub use rounds::*;
#[allow(unused_imports)]
pub use training::*;

use zhibu_core::commands::ballots::Cast;
use zhibu_core::commands::meetings::set_settings;
use zhibu_core::commands::roster::add_member;
use zhibu_core::commands::{Act, Change};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role, Status};
use zhibu_core::settings::{Setting, Settings};
use zhibu_core::state::State;

/// The organizer's device.
pub const DESK: &str = "organizer-laptop";

/// Where the clock starts: 2026-03-09 04:00 in Beijing, in Unix ms.
pub const T0: i64 = 1_773_000_000_000;

/// A member's own phone.
pub fn phone(member: &MemberId) -> String {
    format!("phone-{member}")
}

/// Sixteen bytes for the `n`-th draw. Ids made from them sort in the
/// order they were made (a ULID's random part is the low 80 bits, here
/// `n`); the top six bytes are mixed, so codes made from them differ all
/// through.
pub fn bytes(n: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&n.to_le_bytes());
    out[10..].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes()[2..]);
    out
}

/// The fields a test member has unless the test says otherwise.
pub fn fields(name: &str) -> MemberFields {
    MemberFields {
        name: name.into(),
        group: "第一党小组".into(),
        status: Status::Full,
        role: Role::Member,
        joined: Date::parse("2010-07-01"),
        phone: None,
        exempt: false,
    }
}

pub struct Branch {
    pub records: Records,
    now_ms: i64,
    /// Draws an act has made (ids, codes, slots, secrets).
    dice: u64,
    /// Stamps given to events.
    stamps: u64,
}

impl Default for Branch {
    fn default() -> Branch {
        Branch::new()
    }
}

impl Branch {
    /// No records yet, the clock at [`T0`].
    pub fn new() -> Branch {
        Branch { records: Records::default(), now_ms: T0, dice: 0, stamps: 0 }
    }

    /// A branch named 第一党支部 (what the first run asks for).
    pub fn named() -> Branch {
        let mut b = Branch::new();
        b.settings_change(vec![Setting::BranchName("第一党支部".into())]);
        b
    }

    /// Another device holding the same records, from the same moment: its
    /// draws and stamps never repeat this one's.
    pub fn fork(&self, device_no: u64) -> Branch {
        let salt = device_no << 40;
        Branch {
            records: self.records.clone(),
            now_ms: self.now_ms,
            dice: self.dice + salt,
            stamps: self.stamps + salt,
        }
    }

    pub fn state(&self) -> &State {
        self.records.state()
    }

    pub fn settings(&self) -> Settings {
        self.state().settings()
    }

    /// Now, Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }

    /// Moves the clock to `unix` seconds.
    pub fn set_clock(&mut self, unix: i64) {
        self.now_ms = unix * 1000;
    }

    /// Runs `f` with the clock at `unix` seconds, then puts it back.
    pub fn at<R>(&mut self, unix: i64, f: impl FnOnce(&mut Branch) -> R) -> R {
        let before = self.now_ms;
        self.set_clock(unix);
        let out = f(self);
        self.now_ms = before;
        out
    }

    /// The next draws come from `seed`: for a test that needs the same
    /// randomness whatever it did before (ballots cast in another order).
    pub fn reseed(&mut self, seed: u64) {
        self.dice = seed;
    }

    /// What a command decides now, acting as `by`; nothing recorded.
    pub fn command<T, P>(
        &mut self,
        by: Option<&MemberId>,
        command: impl FnOnce(&State, &mut Act) -> Result<Change<T>, P>,
    ) -> Result<Change<T>, P> {
        let Branch { records, now_ms, dice, .. } = self;
        let mut random = || {
            *dice += 1;
            bytes(*dice)
        };
        let mut act = Act::new(by.cloned(), *now_ms, &mut random);
        command(records.state(), &mut act)
    }

    /// Records what a command decided, from `device`, now.
    pub fn apply<T>(&mut self, device: &str, change: Change<T>) -> (Vec<Event>, T) {
        let Branch { records, now_ms, stamps, .. } = self;
        let mut random = || {
            *stamps += 1;
            bytes(*stamps)
        };
        records.record_change(&DeviceId(device.into()), *now_ms, &mut random, change)
    }

    /// Runs a command as `by` on `device` and records it; returns its value.
    pub fn run<T, P>(
        &mut self,
        device: &str,
        by: Option<&MemberId>,
        command: impl FnOnce(&State, &mut Act) -> Result<Change<T>, P>,
    ) -> Result<T, P> {
        self.run_events(device, by, command).map(|(_, value)| value)
    }

    /// [`Branch::run`], with the events it recorded.
    pub fn run_events<T, P>(
        &mut self,
        device: &str,
        by: Option<&MemberId>,
        command: impl FnOnce(&State, &mut Act) -> Result<Change<T>, P>,
    ) -> Result<(Vec<Event>, T), P> {
        let change = self.command(by, command)?;
        Ok(self.apply(device, change))
    }

    /// A ballot command's roll entry recorded from `device` and its ballot
    /// put in the box, as the session's `put_ballot` does.
    pub fn cast(&mut self, device: &str, change: Change<Cast>) -> (Vec<Event>, Cast) {
        let (events, cast) = self.apply(device, change);
        self.records.cast(&cast.round, &cast.slot, cast.ballot.clone());
        (events, cast)
    }

    /// An event no command on this device made — forged, another
    /// device's, an older app's — recorded as it arrived.
    pub fn foreign(&mut self, device: &str, actor: Option<&MemberId>, payload: Payload) -> Event {
        self.stamps += 1;
        let stamp = EventStamp {
            device: DeviceId(device.into()),
            actor: actor.cloned(),
            unix_ms: self.now_ms,
            random: bytes(self.stamps),
        };
        self.records.record(stamp, payload)
    }

    /// Branch settings changed on the organizer's device.
    pub fn settings_change(&mut self, changes: Vec<Setting>) {
        self.run(DESK, None, |_, _| set_settings(changes)).expect("settings in range");
    }

    /// One setting changed.
    pub fn set(&mut self, setting: Setting) {
        self.settings_change(vec![setting]);
    }

    /// A member added on the organizer's device.
    pub fn member(&mut self, fields: MemberFields) -> MemberId {
        self.run(DESK, None, |_, act| add_member(act, fields)).expect("valid member fields")
    }

    /// A member with the test defaults but for name, status and post.
    pub fn add(&mut self, name: &str, status: Status, role: Role) -> MemberId {
        self.member(MemberFields { status, role, ..fields(name) })
    }

    /// `n` full members, 正式0 …
    pub fn full(&mut self, n: usize) -> Vec<MemberId> {
        (0..n).map(|i| self.add(&format!("正式{i}"), Status::Full, Role::Member)).collect()
    }

    /// `n` probationary members, 预备0 …
    pub fn probationary(&mut self, n: usize) -> Vec<MemberId> {
        (0..n).map(|i| self.add(&format!("预备{i}"), Status::Probationary, Role::Member)).collect()
    }

    /// Archives a member.
    pub fn archive(&mut self, member: &MemberId) {
        self.run(DESK, None, |state, _| zhibu_core::commands::roster::set_archived(state, member, true))
            .expect("a member of the branch");
    }
}
