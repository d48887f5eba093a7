//! "身边最美党员" rounds through their stages, on the core's commands:
//! one step at a time, voting opened only with reviewed candidates (and
//! codes), rules locked at 投票 and fingerprinted, nominations grouped and
//! checked, a rejection's reason, and candidates frozen at 投票.

mod branch;

use branch::{Branch, rules, voting_round};
use std::collections::BTreeSet;
use zhibu_core::date::Date;
use zhibu_core::event::Payload;
use zhibu_core::ids::{MemberId, NominationId, RoundId};
use zhibu_core::roster::{Role, Status};
use zhibu_core::rounds::{self, Electorate, Mode, Nomination, Review, RoundProblem as P, Rules, Stage};
use zhibu_core::tally::Basis;

fn mids(list: &[&str]) -> Vec<MemberId> {
    list.iter().map(|s| MemberId((*s).into())).collect()
}

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[test]
fn stages_advance_one_step_at_a_time() {
    let mut b = Branch::named();
    let ms = b.full(4);
    let r = b.new_round(rules(1)).unwrap();
    assert_eq!(b.stage(&r), Stage::Setup);
    for to in Stage::ALL.iter().skip(1) {
        let here = b.stage(&r);
        for other in Stage::ALL {
            if Some(other) != here.next() {
                assert_eq!(b.advance(&r, other), Err(P::NotNextStage), "{here:?} → {other:?}");
            }
        }
        match here {
            Stage::Nomination => {
                b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
            }
            Stage::Review => b.review(&r, &ms[0], true, "").unwrap(),
            // Elected (3 of 4 应到), so 公示 and 表彰 follow.
            Stage::Voting => {
                for voter in &ms[1..] {
                    b.vote(&r, voter, &ms[..1]).unwrap();
                }
            }
            _ => {}
        }
        // An hour on, so the stamp can only be this change's.
        b.set_clock(b.now() + 3600);
        b.advance(&r, *to).unwrap();
        let round = b.round(&r);
        assert_eq!(round.stage(), *to);
        assert_eq!(round.stage.at, b.now(), "the change is stamped with its time");
        // The entitled voters are frozen at 投票 and carried on; the seal is
        // made at 计票 and carried on.
        assert_eq!(round.stage.entitled.is_some(), *to >= Stage::Voting, "{to:?}");
        assert_eq!(round.stage.sealed.is_some(), *to >= Stage::Closed, "{to:?}");
        if *to > Stage::Voting {
            assert_eq!(round.stage.entitled.as_deref(), Some(&ms[..]));
        }
        if *to > Stage::Closed {
            assert_eq!(round.stage.sealed.as_ref().map(|s| s.0), Some(3));
        }
    }
    assert_eq!(b.stage(&r), Stage::Final);
    assert_eq!(Stage::Final.next(), None);
    for other in Stage::ALL {
        assert_eq!(b.advance(&r, other), Err(P::NotNextStage), "nothing after 表彰");
    }
}

#[test]
fn voting_opens_only_with_reviewed_candidates_and_codes() {
    let mut b = Branch::named();
    let ms = b.full(6);

    // Every nominee must be reviewed; rejected ones are not candidates.
    let r = b.new_round(rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    b.nominate(&r, &ms[3], &ms[2], "事迹").unwrap();
    b.nominate(&r, &ms[4], &ms[2], "附议").unwrap();
    b.go(&r, Stage::Review);
    assert_eq!(b.advance(&r, Stage::Voting), Err(P::Unreviewed(2)));
    b.review(&r, &ms[0], true, "").unwrap();
    assert_eq!(b.advance(&r, Stage::Voting), Err(P::Unreviewed(1)));
    b.review(&r, &ms[2], false, "不符合条件").unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), vec![ms[0].clone()]);

    // Nobody approved.
    let r2 = b.new_round(rules(1)).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r2, Stage::Review);
    b.review(&r2, &ms[0], false, "材料不实").unwrap();
    assert_eq!(b.advance(&r2, Stage::Voting), Err(P::NoCandidates));

    // Nobody nominated.
    let r3 = b.new_round(rules(1)).unwrap();
    b.go(&r3, Stage::Review);
    assert_eq!(b.advance(&r3, Stage::Voting), Err(P::NoCandidates));

    // Code voting needs codes.
    let r4 = b.new_round(Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.go(&r4, Stage::Nomination);
    b.nominate(&r4, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r4, Stage::Review);
    b.review(&r4, &ms[0], true, "").unwrap();
    assert_eq!(b.advance(&r4, Stage::Voting), Err(P::NoCodes));
    b.issue_codes(&r4, 3, false).unwrap();
    b.advance(&r4, Stage::Voting).unwrap();
    assert_eq!(b.round(&r4).codes.len(), 3);
}

#[test]
fn rules_lock_once_voting_opens() {
    let (mut b, r, ms) = voting_round(4, 1, rules(1));
    // Elected (3 of 4), so the round goes all the way to 表彰.
    for voter in &ms[1..] {
        b.vote(&r, voter, &ms[..1]).unwrap();
    }
    for stage in [Stage::Voting, Stage::Closed, Stage::Publicity, Stage::Final] {
        b.go(&r, stage);
        assert_eq!(b.set_rules(&r, Rules { title: "改名".into(), ..rules(1) }), Err(P::RulesLocked));
        assert_eq!(b.set_rules(&r, rules(1)), Err(P::RulesLocked), "even unchanged");
    }

    // Before voting they may change, and are trimmed and checked.
    let mut b = Branch::named();
    let r = b.new_round(rules(1)).unwrap();
    for stage in [Stage::Setup, Stage::Nomination, Stage::Review] {
        b.go(&r, stage);
        b.set_rules(&r, Rules { honours: 2, title: format!("  {stage:?}  "), ..rules(1) }).unwrap();
        assert_eq!(b.round(&r).rules.title, format!("{stage:?}"));
        assert_eq!(b.round(&r).rules.honours, 2);
    }
    let bad: [(Rules, P); 7] = [
        (Rules { title: "  ".into(), ..rules(1) }, P::TitleRequired),
        (Rules { title: "长".repeat(201), ..rules(1) }, P::TooLong { max: 200 }),
        (rules(0), P::BadHonours),
        (Rules { k: 0, ..rules(1) }, P::BadK),
        (Rules { nominations_per_member: 0, ..rules(1) }, P::BadNominationLimit),
        (Rules { publicity_days: 61, ..rules(1) }, P::BadPublicity),
        (Rules { year: 1999, ..rules(1) }, P::BadYear),
    ];
    for (rules, problem) in bad {
        assert_eq!(b.new_round(rules), Err(problem));
    }
}

#[test]
fn fingerprint_differs_when_any_rule_differs() {
    let base = rules(2);
    let variants: Vec<(&str, Rules)> = vec![
        ("title", Rules { title: "2026年度优秀党员".into(), ..base.clone() }),
        ("year", Rules { year: 2027, ..base.clone() }),
        ("honours", Rules { honours: 3, ..base.clone() }),
        ("k", Rules { k: 1, ..base.clone() }),
        ("voters", Rules { voters: Electorate::All, ..base.clone() }),
        ("voter list", Rules { voters: Electorate::List(mids(&["m01"])), ..base.clone() }),
        ("nominees", Rules { nominees: Electorate::Full, ..base.clone() }),
        ("self nomination", Rules { self_nomination: true, ..base.clone() }),
        ("nomination limit", Rules { nominations_per_member: 2, ..base.clone() }),
        ("self vote", Rules { self_vote: true, ..base.clone() }),
        ("basis", Rules { basis: Basis::Cast, ..base.clone() }),
        ("mode", Rules { mode: Mode::Codes, ..base.clone() }),
        ("revision", Rules { revision: true, ..base.clone() }),
        ("publicity days", Rules { publicity_days: 7, ..base.clone() }),
        ("holidays", Rules { holidays: vec![day("2026-10-01")], ..base.clone() }),
        ("workdays", Rules { workdays: vec![day("2026-09-27")], ..base.clone() }),
        ("schedule", Rules { schedule: vec![(Stage::Voting, day("2026-06-01"))], ..base.clone() }),
        ("run-off of", Rules { runoff_of: Some(RoundId("r0".into())), ..base.clone() }),
        ("candidates", Rules { candidates: Some(mids(&["m01"])), ..base.clone() }),
    ];
    let fp = base.fingerprint();
    assert_eq!(fp, rules(2).fingerprint(), "stable");
    assert_eq!(fp.len(), 14);
    assert!(fp.chars().enumerate().all(|(i, c)| if i == 4 || i == 9 {
        c == '-'
    } else {
        c.is_ascii_digit() || ('A'..='F').contains(&c)
    }));
    let mut seen = BTreeSet::from([fp.clone()]);
    for (what, rules) in variants {
        assert_ne!(rules, base, "{what}");
        assert!(seen.insert(rules.fingerprint()), "a different {what} gives a different fingerprint");
    }
}

#[test]
fn seconders_group_under_one_nominee() {
    let mut b = Branch::named();
    let ms = b.full(6);
    let r = b.new_round(rules(2)).unwrap();
    b.go(&r, Stage::Nomination);
    let first = b.nominate(&r, &ms[2], &ms[1], "带头攻坚").unwrap();
    let other = b.nominate(&r, &ms[3], &ms[4], "热心公益").unwrap();
    let second = b.nominate(&r, &ms[5], &ms[1], "附议").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list.iter().map(|n| n.member.clone()).collect::<Vec<_>>(), vec![ms[1].clone(), ms[4].clone()]);
    let by: Vec<(NominationId, MemberId)> =
        list[0].nominations.iter().map(|(id, n)| (id.clone(), n.by.clone())).collect();
    assert_eq!(by, vec![(first, ms[2].clone()), (second, ms[5].clone())], "the nomination first, then its seconder");
    assert_eq!(list[1].nominations.len(), 1);
    assert_eq!(list[1].nominations[0].0, other);
    assert!(list.iter().all(|n| n.review.is_none()));
    let another = b.new_round(rules(1)).unwrap();
    assert!(rounds::nominees(b.state(), &another).is_empty(), "another round has none");
    b.go(&r, Stage::Review);
    b.review(&r, &ms[4], false, "不符合条件").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list[1].review, Some(Review { approved: false, reason: "不符合条件".into() }));
}

#[test]
fn nominations_are_checked() {
    let mut b = Branch::named();
    let ms = b.full(5);
    let probationary = b.add("预备0", Status::Probationary, Role::Member);
    let archived = b.add("已转出", Status::Full, Role::Member);
    b.archive(&archived);
    let stranger = MemberId("m99".into());
    let r = b.new_round(Rules { nominees: Electorate::Full, ..rules(1) }).unwrap();

    assert_eq!(
        b.nominate(&r, &ms[0], &ms[1], "事迹"),
        Err(P::WrongStage { needed: Stage::Nomination, actual: Stage::Setup })
    );
    b.go(&r, Stage::Nomination);
    assert_eq!(b.nominate(&r, &ms[0], &stranger, "事迹"), Err(P::NotNominable), "not a member");
    assert_eq!(b.nominate(&r, &ms[0], &archived, "事迹"), Err(P::NotNominable), "archived");
    assert_eq!(b.nominate(&r, &ms[0], &probationary, "事迹"), Err(P::NotNominable), "outside the electorate");
    assert_eq!(b.nominate(&r, &stranger, &ms[1], "事迹"), Err(P::NotMember));
    assert_eq!(b.nominate(&r, &archived, &ms[1], "事迹"), Err(P::NotMember));
    assert_eq!(b.nominate(&r, &ms[0], &ms[0], "事迹"), Err(P::SelfNomination));
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], "   "), Err(P::DeedsRequired));
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], &"事".repeat(2001)), Err(P::TooLong { max: 2000 }));
    b.nominate(&r, &ms[0], &ms[1], "  事迹  ").unwrap();
    assert_eq!(b.nominate(&r, &ms[0], &ms[1], "再次"), Err(P::AlreadyNominated));
    assert_eq!(b.nominate(&r, &ms[0], &ms[2], "事迹"), Err(P::NominationLimit(1)));
    // A probationary member may still nominate (only nominees are limited).
    b.nominate(&r, &probationary, &ms[1], "附议").unwrap();
    let list = rounds::nominees(b.state(), &r);
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].nominations[0].1,
        Nomination { nominee: ms[1].clone(), by: ms[0].clone(), deeds: "事迹".into() }
    );
    b.go(&r, Stage::Review);
    assert_eq!(
        b.nominate(&r, &ms[3], &ms[4], "事迹"),
        Err(P::WrongStage { needed: Stage::Nomination, actual: Stage::Review })
    );

    // Where the rules allow it: 自荐, and more nominations each.
    let r2 = b.new_round(Rules { self_nomination: true, nominations_per_member: 2, ..rules(2) }).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[0], &ms[0], "自荐").unwrap();
    b.nominate(&r2, &ms[0], &ms[1], "事迹").unwrap();
    assert_eq!(b.nominate(&r2, &ms[0], &ms[1], "事迹"), Err(P::AlreadyNominated));
    assert_eq!(b.nominate(&r2, &ms[0], &ms[2], "事迹"), Err(P::NominationLimit(2)));
}

#[test]
fn a_rejection_needs_a_reason() {
    let mut b = Branch::named();
    let ms = b.full(4);
    let r = b.new_round(rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    assert_eq!(b.review(&r, &ms[0], true, ""), Err(P::WrongStage { needed: Stage::Review, actual: Stage::Nomination }));
    b.go(&r, Stage::Review);
    assert_eq!(b.review(&r, &ms[0], false, ""), Err(P::ReasonRequired));
    assert_eq!(b.review(&r, &ms[0], false, "  \n "), Err(P::ReasonRequired));
    assert_eq!(b.review(&r, &ms[2], true, ""), Err(P::NotNominated));
    assert_eq!(b.review(&r, &ms[0], false, &"因".repeat(201)), Err(P::TooLong { max: 200 }));
    b.review(&r, &ms[0], false, " 不符合条件 ").unwrap();
    assert_eq!(b.state().reviews.get(&(r.clone(), ms[0].clone())).unwrap().reason, "不符合条件");
    // A change of mind before voting: the later review stands.
    b.review(&r, &ms[0], true, "").unwrap();
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), vec![ms[0].clone()]);
}
#[test]
fn candidates_are_frozen_when_voting_opens() {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    let before = rounds::candidates(b.state(), &b.round(&r));
    assert_eq!(before.len(), 2);
    // A rejection merged in from another device after voting opened (the
    // guard runs only where an event is made) does not change the ballot.
    b.foreign(
        "deputy-laptop",
        None,
        Payload::Reviewed {
            round: r.clone(),
            nominee: ms[0].clone(),
            review: zhibu_core::rounds::Review { approved: false, reason: "迟到的审查".into() },
        },
    );
    assert_eq!(rounds::candidates(b.state(), &b.round(&r)), before);
    assert_eq!(rounds::check_choices(b.state(), &b.round(&r), None, &ms[..1]), Ok(vec![ms[0].clone()]));
}
