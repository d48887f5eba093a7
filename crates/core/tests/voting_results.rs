//! A round's count and what follows it, on the core's commands: results
//! only once the box is sealed, a tie run off among the tied, objections
//! during 公示 (an upheld one withdraws the honour), 公示's working days,
//! the audit log, and 表彰 only once every objection is handled.

mod branch;

use branch::{Branch, DESK, rules, voting_round};
use zhibu_core::ballot;
use zhibu_core::commands::rounds::save_round;
use zhibu_core::date::Date;
use zhibu_core::event::Event;
use zhibu_core::ids::{MemberId, ObjectionId, RoundId};
use zhibu_core::rounds::{self, Audited, Electorate, Handling, Objection, RoundProblem as P, Stage};

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[test]
fn results_only_after_the_close_and_the_box_is_sealed() {
    let (mut b, r, ms) = voting_round(7, 3, rules(2));
    let votes: [(usize, &[usize]); 5] = [(3, &[0, 1]), (4, &[0]), (5, &[]), (6, &[1, 2]), (2, &[0, 1])];
    for (voter, choices) in &votes {
        let choices: Vec<MemberId> = choices.iter().map(|c| ms[*c].clone()).collect();
        b.vote(&r, &ms[*voter], &choices).unwrap();
        assert_eq!(b.results(&r), None, "hidden while voting");
    }
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (5, 7));
    assert_eq!(ballot::export(b.state(), &b.round(&r)), None, "no export before the close");
    let before = rounds::count(b.state(), &b.round(&r));
    b.advance(&r, Stage::Closed).unwrap();
    let round = b.round(&r);
    let boxed = ballot::box_of(b.state(), &r);
    assert_eq!(round.stage.sealed, Some((5, ballot::digest(&boxed))));
    let mut reordered = boxed.clone();
    reordered.reverse();
    assert_eq!(ballot::digest(&reordered), ballot::digest(&boxed), "the digest does not depend on order");
    let mut changed = boxed.clone();
    changed[0].rev += 1;
    assert_ne!(ballot::digest(&changed), ballot::digest(&boxed));

    let t = b.results(&r).unwrap();
    assert_eq!(t, before);
    assert_eq!((t.cast, t.valid, t.blank, t.invalid, t.entitled, t.needed), (5, 4, 1, 0, 7, 4));
    assert_eq!((t.votes(&ms[0]), t.votes(&ms[1]), t.votes(&ms[2])), (3, 3, 1));
    assert_eq!(t.elected, Vec::<MemberId>::new(), "3 of 7 is not more than half of 应到");
    assert_eq!(t.turnout_permille(), Some(714));
    // Nobody is elected, so no 公示; ended without a result, they still show.
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NoWinner));
    b.advance(&r, Stage::NoResult).unwrap();
    assert_eq!(b.results(&r), Some(t));
}

/// Eight members, candidates ms[0]–ms[3], two honours, K = 2: ms[0] gets 6
/// votes, ms[1] and ms[2] get 5 each (needed: 5), ms[3] none.
fn tied_round() -> (Branch, RoundId, Vec<MemberId>) {
    let (mut b, r, ms) = voting_round(8, 4, rules(2));
    let votes: [(usize, [usize; 2]); 8] =
        [(4, [0, 1]), (5, [0, 1]), (6, [0, 2]), (7, [0, 2]), (1, [0, 2]), (2, [0, 1]), (0, [1, 2]), (3, [1, 2])];
    for (voter, choices) in &votes {
        let choices: Vec<MemberId> = choices.iter().map(|c| ms[*c].clone()).collect();
        b.vote(&r, &ms[*voter], &choices).unwrap();
    }
    (b, r, ms)
}

#[test]
fn a_tie_runs_off_among_the_tied() {
    let (mut b, r, ms) = tied_round();
    assert_eq!(b.runoff(&r, "复选"), Err(P::WrongStage { needed: Stage::Closed, actual: Stage::Voting }));
    b.advance(&r, Stage::Closed).unwrap();
    let t = b.results(&r).unwrap();
    assert_eq!((t.votes(&ms[0]), t.votes(&ms[1]), t.votes(&ms[2]), t.needed), (6, 5, 5, 5));
    assert_eq!(t.elected, ms[..1].to_vec());
    assert_eq!(t.tied, ms[1..3].to_vec());
    assert_eq!(t.tied_seats, 1);

    let original = b.round(&r);
    let runoff = rounds::runoff(b.state(), &original, "2026年度身边最美党员（复选）").unwrap();
    assert_eq!(runoff.candidates, Some(ms[1..3].to_vec()));
    assert_eq!((runoff.honours, runoff.k), (1, 1));
    assert_eq!(runoff.voters, Electorate::List(ms.clone()), "the same voters");
    assert_eq!(runoff.runoff_of, Some(r.clone()));
    assert_eq!((runoff.basis, runoff.mode, runoff.self_vote), (original.rules.basis, original.rules.mode, false));

    // A run-off has its candidates: straight from set-up to voting.
    let r2 = b.runoff(&r, "2026年度身边最美党员（复选）").unwrap();
    assert_eq!(b.round(&r2).rules, runoff);
    b.advance(&r2, Stage::Voting).unwrap();
    assert_eq!(b.round(&r2).stage.entitled.as_deref(), Some(&ms[..]));
    assert_eq!(rounds::candidates(b.state(), &b.round(&r2)), ms[1..3].to_vec());
    let check = rounds::check_choices(b.state(), &b.round(&r2), Some(&ms[4]), &ms[..1]);
    assert_eq!(check, Err(P::NotCandidate), "the elected one is not on the run-off ballot");
    for voter in &ms {
        let choice = if voter == &ms[2] { &ms[1] } else { &ms[2] };
        b.vote(&r2, voter, std::slice::from_ref(choice)).unwrap();
    }
    b.advance(&r2, Stage::Closed).unwrap();
    let t2 = b.results(&r2).unwrap();
    assert_eq!((t2.cast, t2.votes(&ms[1]), t2.votes(&ms[2])), (8, 1, 7));
    assert_eq!(t2.elected, ms[2..3].to_vec());
    assert!(t2.tied.is_empty());

    // No tie, no run-off.
    let (mut b, r, ms) = voting_round(4, 1, rules(1));
    for voter in &ms[1..] {
        b.vote(&r, voter, &ms[..1]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(b.runoff(&r, "复选"), Err(P::NoRunoff));
}

/// Six members, candidates ms[0] and ms[1] both elected (two honours), now closed.
fn closed_round() -> (Branch, RoundId, Vec<MemberId>) {
    let (mut b, r, ms) = voting_round(6, 2, rules(2));
    for voter in &ms[2..] {
        b.vote(&r, voter, &ms[..2]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    (b, r, ms)
}

#[test]
fn objections_only_during_publicity_and_upheld_ones_withdraw_the_honour() {
    let (mut b, r, ms) = closed_round();
    assert_eq!(b.results(&r).unwrap().elected, ms[..2].to_vec());
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[..2].to_vec());
    assert_eq!(
        b.object(&r, &ms[4], Some(&ms[0]), "事迹不实"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Closed })
    );
    b.advance(&r, Stage::Publicity).unwrap();
    assert_eq!(b.object(&r, &ms[4], Some(&ms[0]), "  "), Err(P::TextRequired));
    assert_eq!(b.object(&r, &ms[4], None, &"异".repeat(1001)), Err(P::TooLong { max: 1000 }));
    let upheld = b.object(&r, &ms[4], Some(&ms[0]), "事迹不实").unwrap();
    let dismissed = b.object(&r, &ms[5], Some(&ms[1]), "有不同意见").unwrap();
    assert_eq!(
        b.state().objections.get(&(r.clone(), upheld.clone())),
        Some(&Objection { about: Some(ms[0].clone()), text: "事迹不实".into() })
    );
    assert_eq!(b.handle(&r, &ObjectionId("nope".into()), true, "核实"), Err(P::UnknownObjection));
    assert_eq!(b.handle(&r, &upheld, true, " "), Err(P::TextRequired));
    b.handle(&r, &dismissed, false, "经核实，反映不属实").unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[..2].to_vec(), "a dismissed objection changes nothing");
    b.handle(&r, &upheld, true, "经核实，撤销").unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[1..2].to_vec());
    assert_eq!(b.results(&r).unwrap().elected, ms[..2].to_vec(), "the count itself stands");

    b.advance(&r, Stage::Final).unwrap();
    assert_eq!(
        b.object(&r, &ms[4], Some(&ms[1]), "晚了"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Final })
    );
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), ms[1..2].to_vec());
    assert_eq!(
        b.state().handlings.get(&(r.clone(), upheld)),
        Some(&Handling { upheld: true, note: "经核实，撤销".into() })
    );

    // Nothing is honoured before the count.
    let (mut b, r, _) = voting_round(4, 1, rules(1));
    assert_eq!(rounds::honoured(b.state(), &b.round(&r)), Vec::<MemberId>::new());
    assert_eq!(
        b.handle(&r, &ObjectionId("x".into()), true, "x"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::Voting })
    );
}

#[test]
fn publicity_counts_working_days() {
    let friday = day("2026-03-06");
    assert_eq!(friday.weekday(), 5);
    let end = |start: Date, days: u32, holidays: &[&str], workdays: &[&str]| {
        let h: Vec<Date> = holidays.iter().map(|d| day(d)).collect();
        let w: Vec<Date> = workdays.iter().map(|d| day(d)).collect();
        rounds::publicity_end(start, days, &h, &w).to_string()
    };
    // Friday counts as the first day; the weekend does not.
    assert_eq!(end(friday, 5, &[], &[]), "2026-03-12");
    assert_eq!(day("2026-03-12").weekday(), 4, "the next Thursday");
    // A holiday in between: one day later.
    assert_eq!(end(friday, 5, &["2026-03-10"], &[]), "2026-03-13");
    // A holiday on the weekend changes nothing.
    assert_eq!(end(friday, 5, &["2026-03-07"], &[]), "2026-03-12");
    // A 调休 Saturday counts: one day earlier.
    assert_eq!(end(friday, 5, &[], &["2026-03-07"]), "2026-03-11");
    // Starting on a weekend: the first working day is Monday.
    assert_eq!(end(day("2026-03-07"), 1, &[], &[]), "2026-03-09");
    assert_eq!(end(friday, 1, &[], &[]), "2026-03-06");
    // 2025 National Day: 1–8 October off, Sunday 28 September a working day.
    let holidays: Vec<String> = (1..=8).map(|d| format!("2025-10-{d:02}")).collect();
    let holidays: Vec<&str> = holidays.iter().map(String::as_str).collect();
    assert_eq!(end(day("2025-09-26"), 5, &holidays, &["2025-09-28", "2025-10-11"]), "2025-10-09");
    assert_eq!(end(day("2025-09-26"), 7, &holidays, &["2025-09-28", "2025-10-11"]), "2025-10-11");
}

#[test]
fn the_audit_log_names_actors_and_times_and_never_ballots() {
    let mut b = Branch::named();
    let ms = b.full(6);
    // A minute between steps, so every line has a time of its own.
    let tick = |b: &mut Branch| b.set_clock(b.now() + 60);
    let (rules_events, r) = b.run_events(DESK, None, |state, act| save_round(state, act, None, rules(1))).unwrap();
    let [rules_event] = <[Event; 1]>::try_from(rules_events).unwrap();
    tick(&mut b);
    b.go(&r, Stage::Nomination);
    tick(&mut b);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    tick(&mut b);
    b.go(&r, Stage::Review);
    tick(&mut b);
    b.review(&r, &ms[0], true, "").unwrap();
    tick(&mut b);
    b.go(&r, Stage::Voting);
    // Four of six: elected, so 公示 and 表彰 follow.
    let slots: Vec<String> = ms[1..5].iter().map(|voter| b.vote(&r, voter, &ms[..1]).unwrap().slot).collect();
    tick(&mut b);
    b.go(&r, Stage::Closed);
    tick(&mut b);
    b.go(&r, Stage::Publicity);
    tick(&mut b);
    let objection = b.object(&r, &ms[5], Some(&ms[0]), "事迹不实").unwrap();
    tick(&mut b);
    b.handle(&r, &objection, false, "不属实").unwrap();
    tick(&mut b);
    b.go(&r, Stage::Final);

    let log = rounds::audit(b.state(), &r);
    let what: Vec<Audited> = log.iter().map(|e| e.what.clone()).collect();
    let fp = b.round(&r).rules.fingerprint();
    assert_eq!(
        what,
        vec![
            Audited::Rules(fp),
            Audited::Stage(Stage::Nomination),
            Audited::Nominated(ms[0].clone()),
            Audited::Stage(Stage::Review),
            Audited::Reviewed(ms[0].clone(), true),
            Audited::Stage(Stage::Voting),
            Audited::Stage(Stage::Closed),
            Audited::Stage(Stage::Publicity),
            Audited::Objection(objection.clone()),
            Audited::Handled(objection, false),
            Audited::Stage(Stage::Final),
        ],
        "votes are not audit lines"
    );
    assert_eq!(log[0].at, rules_event.at);
    assert!(log.windows(2).all(|w| w[0].at < w[1].at), "oldest first");
    assert_eq!(log[2].actor.as_ref(), Some(&ms[1]), "the nominator");
    assert_eq!(log[8].actor.as_ref(), Some(&ms[5]), "the objector");
    assert!(
        log.iter().filter(|e| matches!(e.what, Audited::Stage(_) | Audited::Reviewed(..))).all(|e| e.actor.is_none())
    );
    // Each line's time is its event's.
    let events: Vec<&Event> = b.records.pending().collect();
    for entry in &log {
        assert!(events.iter().any(|e| e.at == entry.at && e.actor == entry.actor), "{entry:?}");
    }
    // Nothing of a ballot.
    let json = serde_json::to_string(&log).unwrap();
    assert!(!json.contains("choices"));
    assert!(slots.iter().all(|s| !json.contains(s.as_str())));
    for voter in &ms[2..5] {
        assert!(!json.contains(voter.as_str()), "a voter who did nothing else is not in the log");
    }
    // Another round's log has its own rules and nothing of this one.
    let other = b.new_round(rules(1)).unwrap();
    let theirs: Vec<Audited> = rounds::audit(b.state(), &other).into_iter().map(|e| e.what).collect();
    assert_eq!(theirs, vec![Audited::Rules(b.round(&other).rules.fingerprint())]);
}

#[test]
fn commendation_waits_for_every_objection_and_keeps_the_publicity_dates() {
    let (mut b, r, ms) = closed_round();
    b.advance(&r, Stage::Publicity).unwrap();
    let started = b.round(&r).publicity_start().expect("publicity began");
    let open = b.object(&r, &ms[4], Some(&ms[0]), "事迹不实").unwrap();
    assert_eq!(b.advance(&r, Stage::Final), Err(P::ObjectionsOpen(1)));
    b.handle(&r, &open, false, "经核实，反映不属实").unwrap();
    b.advance(&r, Stage::Final).unwrap();
    // The notice's dates stay those of 公示, not of 表彰.
    assert_eq!(b.round(&r).publicity_start(), Some(started));
    assert_ne!(b.round(&r).stage.at, 0);
}
