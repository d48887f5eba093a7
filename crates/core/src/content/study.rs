//! Self-study (自学): a record is its member's, an answer its confirmer's.

use super::{ContentProblem, own, within};
use crate::event::{Event, Payload};
use crate::study::{MAX_MATERIAL, MAX_NOTE};

pub(super) fn check(event: &Event) -> Result<(), ContentProblem> {
    match &event.payload {
        Payload::SelfStudyRecorded { record, .. } => {
            own(event, &record.member)?;
            within(&record.material, MAX_MATERIAL, "material")?;
            within(&record.note, MAX_NOTE, "note")?;
            if (1..=crate::hours::MAX_DAY).contains(&record.tenths) {
                Ok(())
            } else {
                Err(ContentProblem::OutOfRange { what: "tenths", value: i64::from(record.tenths) })
            }
        }
        Payload::SelfStudyDecided { decision, .. } => {
            own(event, &decision.by)?;
            within(&decision.note, MAX_NOTE, "note")
        }
        _ => Ok(()),
    }
}
