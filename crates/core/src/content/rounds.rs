//! "身边最美党员" rounds: the rules form, nominations with deeds, a
//! rejection's reason, who casts a named vote, codes' hashes.

use super::{ContentProblem, is_code_hash, not_empty, own, within};
use crate::event::{Event, Payload};
use crate::rounds::{MAX_DEEDS, MAX_OBJECTION, MAX_SHORT, RoundProblem, RoundValue, Voter};

/// Most code hashes one batch may carry.
const MAX_CODES: usize = 10_000;

pub(super) fn check(event: &Event) -> Result<(), ContentProblem> {
    match &event.payload {
        Payload::RoundSaved { changes, .. } => {
            not_empty(changes)?;
            changes.iter().try_for_each(|c| match c {
                RoundValue::Rules(rules) => rules.check().map_err(ContentProblem::Round),
                RoundValue::Codes(codes) if codes.len() > MAX_CODES || !codes.iter().all(|h| is_code_hash(h)) => {
                    Err(ContentProblem::BadCodeHash)
                }
                _ => Ok(()),
            })
        }
        Payload::Nominated { record, .. } => {
            own(event, &record.by)?;
            if record.deeds.trim().is_empty() {
                return Err(ContentProblem::Round(RoundProblem::DeedsRequired));
            }
            within(&record.deeds, MAX_DEEDS, "deeds")
        }
        // The form's own check: a hand-made 不通过 cannot skip the reason.
        Payload::Reviewed { review, .. } => crate::rounds::check_review(review).map_err(ContentProblem::Round),
        Payload::Voted { voter, .. } => match voter {
            Voter::Member(m) => own(event, m),
            Voter::Code(h) if is_code_hash(h) => Ok(()),
            Voter::Code(_) => Err(ContentProblem::BadCodeHash),
            // Entered by a record keeper (the actor), for the member.
            Voter::Paper(_) => Ok(()),
        },
        Payload::ObjectionFiled { record, .. } => within(&record.text, MAX_OBJECTION, "objection"),
        Payload::ObjectionHandled { handling, .. } => within(&handling.note, MAX_SHORT, "note"),
        _ => Ok(()),
    }
}
