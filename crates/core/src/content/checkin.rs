//! Check-ins, leave, make-up and confirmed phones: a member's own acts are
//! that member's (不得代签), proofs have their shape, texts their limits.

use super::{ContentProblem, own, within};
use crate::bounds::MAX_ID;
use crate::checkin::{MAX_REASON, Proof};
use crate::event::{Event, Payload};

pub(super) fn check(event: &Event) -> Result<(), ContentProblem> {
    match &event.payload {
        Payload::CheckedIn { member, check, .. } => {
            own(event, member)?;
            within(&check.device, MAX_ID, "device")?;
            match &check.proof {
                Proof::Code(c) if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
                Proof::Token(t) if crate::token::Token::parse(t).is_ok() => Ok(()),
                _ => Err(ContentProblem::BadProof),
            }
        }
        Payload::LeaveRequested { member, request, .. } => {
            own(event, member)?;
            within(&request.reason, MAX_REASON, "reason")
        }
        Payload::LeaveDecided { decision, .. } => within(&decision.note, MAX_REASON, "note"),
        Payload::DeviceConfirmed { device, .. } => within(device, MAX_ID, "device"),
        Payload::MadeUp { make_up, .. } => {
            within(&make_up.what, MAX_REASON, "what")?;
            within(&make_up.confirmed_by, MAX_REASON, "confirmed_by")
        }
        _ => Ok(()),
    }
}
