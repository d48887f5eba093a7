//! 不通过 needs a reason (issue 20, item 4): the review refuses a rejection
//! without one, and so does the check every event from outside gets (a
//! push, a backup), so a hand-made event cannot record one either.

mod branch;

use branch::{Branch, DEEDS, DESK, rules};
use zhibu_core::document::{self, DocError};
use zhibu_core::event::Payload;
use zhibu_core::rounds::{self, Review, RoundProblem as P, Stage};

#[test]
fn a_rejection_without_a_reason_is_refused_by_the_review_and_from_outside() {
    let mut b = Branch::new();
    let ms = b.full(4);
    let r = b.new_round(rules(1)).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    b.nominate(&r, &ms[1], &ms[0], DEEDS).unwrap();
    b.advance(&r, Stage::Review).unwrap();
    assert_eq!(b.review(&r, &ms[0], false, " \u{3000}\n"), Err(P::ReasonRequired));

    let check = |approved: bool, reason: &str| rounds::check_review(&Review { approved, reason: reason.into() });
    assert_eq!(check(false, ""), Err(P::ReasonRequired));
    assert_eq!(check(false, "  "), Err(P::ReasonRequired));
    assert_eq!(check(false, "不符合条件"), Ok(()));
    assert_eq!(check(true, ""), Ok(()));
    assert_eq!(check(false, &"因".repeat(201)), Err(P::TooLong { max: 200 }));

    // Hand-made reviews, as a push or a backup may carry them: the review
    // command never makes the first two.
    let reviewed = |b: &mut Branch, approved: bool, reason: &str| {
        let review = Review { approved, reason: reason.into() };
        b.foreign(DESK, None, Payload::Reviewed { round: r.clone(), nominee: ms[0].clone(), review })
    };
    let bare = reviewed(&mut b, false, "");
    assert_eq!(
        document::check_event(0, &bare),
        Err(DocError::Content { index: 0, problem: zhibu_core::content::ContentProblem::Round(P::ReasonRequired) }),
        "a reasonless rejection passed"
    );
    let blank = reviewed(&mut b, false, " \u{3000}");
    assert!(document::check_event(0, &blank).is_err(), "whitespace is no reason");
    let given = reviewed(&mut b, false, "不符合条件");
    assert_eq!(document::check_event(0, &given), Ok(()));
    let approved = reviewed(&mut b, true, "");
    assert_eq!(document::check_event(0, &approved), Ok(()));
}
