//! Training classes (培训班): the class form's lengths, dates and threshold.

use super::{ContentProblem, not_empty, within};
use crate::meetings::{Audience, MAX_LONG_TEXT, MAX_SHORT_TEXT};
use crate::training::ClassValue as C;

pub(super) fn check(changes: &[C]) -> Result<(), ContentProblem> {
    not_empty(changes)?;
    changes.iter().try_for_each(|c| match c {
        C::Title(t) => within(t, MAX_SHORT_TEXT, "title"),
        C::Organizer(t) => within(t, MAX_SHORT_TEXT, "organizer"),
        C::Description(t) => within(t, MAX_LONG_TEXT, "description"),
        C::Audience(Audience::List(ids)) if ids.is_empty() => Err(ContentProblem::NoAudience),
        C::Audience(Audience::Group(g)) => within(g, MAX_SHORT_TEXT, "group"),
        C::Dates(from, to) if to < from => Err(ContentProblem::EndsBeforeStart),
        C::Completion(Some(c)) if !(1..=100).contains(c) => {
            Err(ContentProblem::OutOfRange { what: "completion", value: i64::from(*c) })
        }
        _ => Ok(()),
    })
}
