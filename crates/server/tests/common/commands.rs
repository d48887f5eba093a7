//! The core's commands (`zhibu_core::commands`) run on the test's book as
//! a device runs them, and their ballots as the device pushes them.

use zhibu_core::commands::ballots::Cast;
use zhibu_core::commands::{Act, Change};
use zhibu_core::event::Event;
use zhibu_core::state::State;
use zhibu_core::sync::BallotPush;

use super::{Book, Writer, now_ms, random16};

impl Book {
    /// Runs a core command (`zhibu_core::commands`) as the app's session
    /// does on `writer`: its events recorded (each with the actor the
    /// command names) and folded; or the problem that refused it, with
    /// nothing recorded.
    pub fn run<T, P>(
        &mut self,
        writer: &Writer,
        command: impl FnOnce(&State, &mut Act) -> Result<Change<T>, P>,
    ) -> Result<(Vec<Event>, T), P> {
        let mut random = random16;
        let mut act = Act::new(writer.actor.clone(), now_ms(), &mut random);
        let change = command(&self.state, &mut act)?;
        let events =
            change.events.into_iter().map(|d| self.record(&writer.acting_as(d.actor.as_ref()), d.payload)).collect();
        Ok((events, change.value))
    }

    /// A command's ballot put in the book's box, as its device pushes it.
    pub fn cast(&mut self, cast: &Cast) -> BallotPush {
        self.state.cast(&cast.round, &cast.slot, cast.ballot.clone());
        BallotPush {
            round: cast.round.clone(),
            slot: cast.slot.clone(),
            rev: cast.ballot.rev,
            choices: cast.ballot.choices.clone(),
            ratings: cast.ballot.ratings.clone(),
            key: None,
        }
    }

    /// Another device's copy of the same records: what it makes stays out
    /// of this book.
    pub fn replica(&self) -> Book {
        Book { state: self.state.clone(), clock: self.clock }
    }
}
