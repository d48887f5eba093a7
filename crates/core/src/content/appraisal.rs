//! 民主评议: a 自评's and a decision's own checks, and that a 互评 comment
//! is signed by its author (a member's own 自评 likewise, unless a record
//! keeper entered it from paper).

use super::{ContentProblem, own, within};
use crate::appraisal::{self, MAX_COMMENT};
use crate::event::{Event, Payload};

pub(super) fn check(event: &Event) -> Result<(), ContentProblem> {
    match &event.payload {
        Payload::SelfAssessed { member, assessment, .. } => {
            if !assessment.on_paper {
                own(event, member)?;
            }
            appraisal::check_self_assessment(assessment).map_err(ContentProblem::Round)
        }
        Payload::Commented { by, comment, .. } => {
            own(event, by)?;
            within(&comment.text, MAX_COMMENT, "comment")
        }
        Payload::AppraisalDecided { decision, .. } => {
            appraisal::check_decision(decision).map_err(ContentProblem::Round)
        }
        _ => Ok(()),
    }
}
