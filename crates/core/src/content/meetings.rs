//! Meetings (三会一课): the meeting form's lengths and ranges.

use super::{ContentProblem, not_empty, within};
use crate::meetings::{Audience, MAX_LONG_TEXT, MAX_MINUTES, MAX_SHORT_TEXT, MeetingStatus, MeetingValue as V};

pub(super) fn check(changes: &[V]) -> Result<(), ContentProblem> {
    not_empty(changes)?;
    changes.iter().try_for_each(|c| match c {
        V::Topic(t) => within(t, MAX_SHORT_TEXT, "topic"),
        V::Place(t) => within(t, MAX_SHORT_TEXT, "place"),
        V::Host(t) => within(t, MAX_SHORT_TEXT, "host"),
        V::Lecturer(t) => within(t, MAX_SHORT_TEXT, "lecturer"),
        V::Recorder(t) => within(t, MAX_SHORT_TEXT, "recorder"),
        V::Agenda(t) => within(t, MAX_LONG_TEXT, "agenda"),
        V::Record(t) => within(t, MAX_LONG_TEXT, "record"),
        V::Minutes(m) if !(1..=MAX_MINUTES).contains(m) => {
            Err(ContentProblem::OutOfRange { what: "minutes", value: i64::from(*m) })
        }
        V::Audience(Audience::List(ids)) | V::Status(MeetingStatus::Held { expected: ids }) if ids.is_empty() => {
            Err(ContentProblem::NoAudience)
        }
        V::Audience(Audience::Group(g)) => within(g, MAX_SHORT_TEXT, "group"),
        V::Status(MeetingStatus::Cancelled { reason }) => within(reason, MAX_SHORT_TEXT, "reason"),
        V::Credit(Some(c)) if *c > crate::hours::MAX_DAY => {
            Err(ContentProblem::OutOfRange { what: "credit", value: i64::from(*c) })
        }
        _ => Ok(()),
    })
}
