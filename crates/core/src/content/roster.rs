//! Member events: the same field rules as the member form.

use super::ContentProblem;
use crate::event::{Event, Payload};
use crate::roster::{Field, FieldError, FieldValue, MemberDraft, MemberFields, Problem};

pub(super) fn check(event: &Event) -> Result<(), ContentProblem> {
    fields(event).map_err(ContentProblem::Fields)
}

fn fields(event: &Event) -> Result<(), Vec<FieldError>> {
    match &event.payload {
        Payload::MemberAdded { fields, .. } => fields.revalidate(),
        Payload::MembersImported { members } => members.iter().try_for_each(|m| m.fields.revalidate()),
        Payload::MemberEdited { changes, .. } if changes.is_empty() => {
            Err(vec![FieldError { field: Field::Name, problem: Problem::Required }])
        }
        Payload::MemberEdited { changes, .. } => {
            // Check each changed value by applying it to a valid template.
            let mut probe =
                MemberDraft { name: "x".into(), ..Default::default() }.validate().expect("template is valid");
            for change in changes {
                apply_change(&mut probe, change);
            }
            probe.revalidate()
        }
        _ => Ok(()),
    }
}

fn apply_change(fields: &mut MemberFields, change: &FieldValue) {
    match change.clone() {
        FieldValue::Name(v) => fields.name = v,
        FieldValue::Group(v) => fields.group = v,
        FieldValue::Status(v) => fields.status = v,
        FieldValue::Role(v) => fields.role = v,
        FieldValue::Joined(v) => fields.joined = v,
        FieldValue::Phone(v) => fields.phone = v,
        FieldValue::Exempt(v) => fields.exempt = v,
    }
}
