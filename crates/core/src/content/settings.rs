//! Settings: each value within what a branch could mean ([`Setting::check`]).

use super::{ContentProblem, not_empty};
use crate::settings::Setting;

pub(super) fn check(changes: &[Setting]) -> Result<(), ContentProblem> {
    not_empty(changes)?;
    changes.iter().try_for_each(|c| c.check().map_err(ContentProblem::Setting))
}
