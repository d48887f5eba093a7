//! 民主评议党员 through the commands: who is appraised and who rates, the
//! path 筹备 → 自评互评 → 测评 → 结果 → 组织评定, the cap on 优秀, 自评
//! and 互评, the count and its flags, the committee's decisions, and the
//! compliance calendar counting a decided appraisal. Each refusal records
//! nothing.

mod branch;

use branch::*;
use zhibu_core::appraisal::{self, AppraisalRules, CountRules, Rating::*};
use zhibu_core::compliance::{self, CellStatus};
use zhibu_core::meetings::MeetingKind;
use zhibu_core::rounds::{self, Mode, RoundProblem as P, Rules, Stage};

fn with(appraisal: AppraisalRules) -> Rules {
    Rules { appraisal: Some(appraisal), ..appraisal_rules() }
}

#[test]
fn full_members_are_appraised_probationary_ones_rate_and_the_excused_are_left_out() {
    let (b, r, f, _) = appraisal_at_assessment(4, 2, appraisal_rules());
    assert_eq!(b.appraised(&r), f, "正式党员 only");
    assert_eq!(appraisal::raters(b.state(), &b.round(&r)), 6, "预备党员 rate too");
    let excused = AppraisalRules { excused: vec![(f[3].clone(), "年老体弱".into())], ..Default::default() };
    let (b, r, f, _) = appraisal_at_assessment(4, 2, with(excused));
    assert_eq!(b.appraised(&r), f[..3].to_vec());
    // An excuse needs its note.
    let bare = AppraisalRules { excused: vec![(f[0].clone(), " ".into())], ..Default::default() };
    assert_eq!(with(bare).check(), Err(P::ExcuseNoteRequired));
}

#[test]
fn an_appraisal_goes_its_own_path_one_stage_at_a_time() {
    let (mut b, r, f, _) = appraisal_at_assessment(3, 0, Rules { mode: Mode::Named, ..appraisal_rules() });
    assert_eq!(b.round(&r).path(), &appraisal::PATH);
    assert_eq!(b.advance(&r, Stage::Nomination), Err(P::NotNextStage), "no nominations");
    assert_eq!(b.advance(&r, Stage::Closed), Err(P::NotNextStage), "no skipping the ballot");
    b.go(&r, Stage::Closed);
    assert_eq!(b.advance(&r, Stage::NoResult), Err(P::NotNextStage), "an appraisal always ends decided");
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NotNextStage));
    assert_eq!(b.advance(&r, Stage::Final), Err(P::Undecided(3)), "组织评定 waits for every member");
    for m in &f {
        b.decide_grade(&r, m, grade(Competent).with_reason("无票")).unwrap();
    }
    b.advance(&r, Stage::Final).unwrap();
    // A 评选 round cannot take the appraisal's stage.
    let selection = b.new_round(rules(1)).unwrap();
    assert_eq!(b.advance(&selection, Stage::Assessment), Err(P::NotNextStage));
}

trait WithReason {
    fn with_reason(self, reason: &str) -> Self;
}

impl WithReason for zhibu_core::appraisal::Decision {
    fn with_reason(self, reason: &str) -> Self {
        zhibu_core::appraisal::Decision { reason: reason.into(), ..self }
    }
}

#[test]
fn the_cap_on_excellent_is_a_third_of_the_appraised_rounded_down() {
    for (appraised, cap) in [(2, 0), (3, 1), (6, 2), (7, 2), (9, 3), (10, 3)] {
        let (b, r, _, _) = named_appraisal_voting(appraised, 1);
        assert_eq!(appraisal::cap(b.state(), &b.round(&r)), cap, "{appraised} appraised");
    }
}

#[test]
fn a_ballot_over_the_cap_is_refused_before_it_is_cast() {
    let (mut b, r, f, p) = named_appraisal_voting(7, 1);
    let before = b.records.pending_len();
    let three = ratings(&[(&f[0], Excellent), (&f[1], Excellent), (&f[2], Excellent)]);
    assert_eq!(b.rate(&r, &p[0], &three).err(), Some(P::OverCap { cap: 2 }));
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
    assert_eq!(b.count(&r).cast, 0, "nothing in the box");
    let two = ratings(&[(&f[0], Excellent), (&f[1], Excellent), (&f[2], Basic)]);
    b.rate(&r, &p[0], &two).unwrap();
    assert_eq!(b.count(&r).valid, 1);
}

#[test]
fn a_cap_of_zero_allows_no_excellent_and_a_cap_past_everyone_allows_all() {
    let zero = AppraisalRules { cap: Some(0), ..Default::default() };
    let (mut b, r, f, _) = appraisal_at_assessment(4, 0, Rules { mode: Mode::Named, ..with(zero) });
    b.advance(&r, Stage::Voting).unwrap();
    assert_eq!(b.rate(&r, &f[0], &ratings(&[(&f[1], Excellent)])).err(), Some(P::OverCap { cap: 0 }));
    b.rate(&r, &f[0], &all(&f, Competent)).unwrap();

    let every = AppraisalRules { cap: Some(10), ..Default::default() };
    let (mut b, r, f, _) = appraisal_at_assessment(4, 0, Rules { mode: Mode::Named, ..with(every) });
    b.advance(&r, Stage::Voting).unwrap();
    b.rate(&r, &f[0], &all(&f, Excellent)).unwrap();
    assert_eq!(b.count(&r).lines.iter().map(|l| l.counts[0]).sum::<usize>(), 4);
}

#[test]
fn a_rater_rates_once_appraised_members_only_and_with_ratings_not_choices() {
    let (mut b, r, f, p) = named_appraisal_voting(3, 1);
    assert_eq!(b.rate(&r, &p[0], &ratings(&[(&p[0], Competent)])).err(), Some(P::NotAppraised));
    assert_eq!(b.vote(&r, &p[0], &[f[0].clone()]).err(), Some(P::WrongBallot), "a 评选 ballot");
    b.rate(&r, &p[0], &all(&f, Competent)).unwrap();
    assert_eq!(b.rate(&r, &p[0], &all(&f, Basic)).err(), Some(P::AlreadyVoted));
    assert_eq!(b.count(&r).cast, 1);
    // And a 评选 round takes no ratings.
    let (mut s, sr, ms) = voting_round(4, 1, rules(1));
    assert_eq!(s.rate(&sr, &ms[3], &ratings(&[(&ms[0], Excellent)])).err(), Some(P::WrongBallot));
}

#[test]
fn codes_count_raters_and_guests_and_a_code_rates_once() {
    let guests = AppraisalRules { guests: 2, ..Default::default() };
    let (mut b, r, f, p) = appraisal_at_assessment(3, 1, with(guests));
    assert_eq!(b.issue_codes(&r, 7, false).err(), Some(P::CodeCount { max: 6 }), "4 members + 2 guests");
    let codes = b.issue_codes(&r, 6, false).unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    assert_eq!(b.rate(&r, &p[0], &all(&f, Competent)).err(), Some(P::WrongMode), "codes only");
    b.rate_code(&r, &codes[0], &all(&f, Competent)).unwrap();
    assert_eq!(b.rate_code(&r, &codes[0], &all(&f, Basic)).err(), Some(P::UsedCode));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (1, 6));
    // 群众代表 are not on the roster: named ballots cannot take them.
    let named = Rules { mode: Mode::Named, ..with(AppraisalRules { guests: 1, ..Default::default() }) };
    assert_eq!(named.check(), Err(P::GuestsNeedCodes));
}

#[test]
fn self_assessments_are_the_appraised_members_own_or_entered_from_paper() {
    let (mut b, r, f, p) = appraisal_at_assessment(3, 1, appraisal_rules());
    b.self_assess(&r, &f[0], "认真学习，按时参加组织生活").unwrap();
    assert_eq!(b.self_assess(&r, &p[0], "预备期表现").err(), Some(P::NotAppraised));
    assert_eq!(b.self_assess(&r, &f[1], "  ").err(), Some(P::TextRequired));
    b.enter_self_assessment(&r, &f[1], "纸质自评").unwrap();
    let written = appraisal::self_assessments(b.state(), &r);
    assert!(written[&f[1]].on_paper && !written[&f[0]].on_paper);
    assert_eq!(appraisal::missing_self_assessments(b.state(), &b.round(&r)), vec![f[2].clone()]);
    // Not before 自评互评 opens, nor after the ballot closes.
    let mut early = Branch::new();
    let ef = early.full(2);
    let er = early.new_round(appraisal_rules()).unwrap();
    assert!(matches!(early.self_assess(&er, &ef[0], "早"), Err(P::WrongStage { needed: Stage::Assessment, .. })));
    b.issue_codes(&r, 4, false).unwrap();
    b.go(&r, Stage::Closed);
    assert!(matches!(b.self_assess(&r, &f[2], "迟"), Err(P::WrongStage { .. })));
}

#[test]
fn comments_are_signed_about_someone_else_who_is_appraised_and_can_be_taken_back() {
    let (mut b, r, f, p) = appraisal_at_assessment(3, 1, appraisal_rules());
    b.comment(&r, &p[0], &f[0], "工作积极").unwrap();
    assert_eq!(b.comment(&r, &f[0], &f[0], "自己").err(), Some(P::OwnComment));
    assert_eq!(b.comment(&r, &f[0], &p[0], "预备").err(), Some(P::NotAppraised));
    let list = appraisal::comments(b.state(), &r);
    assert_eq!(list.len(), 1);
    assert_eq!((&list[0].by, &list[0].about), (&p[0], &f[0]), "the committee sees who wrote it");
    b.comment(&r, &p[0], &f[0], "").unwrap();
    assert!(appraisal::comments(b.state(), &r).is_empty(), "taken back");
}

#[test]
fn the_count_reports_invalid_and_blank_ballots_no_opinion_and_flags() {
    let ms: Vec<_> = (0..3).map(|i| zhibu_core::ids::MemberId(format!("m{i}"))).collect();
    let rules = CountRules { cap: 1, flag_permille: 500, entitled: 6 };
    let ballots = [
        ratings(&[(&ms[0], Excellent), (&ms[1], Basic), (&ms[2], Failing)]),
        ratings(&[(&ms[0], Competent), (&ms[1], Basic)]),
        ratings(&[(&ms[0], Excellent), (&ms[1], Excellent)]), // over the cap
        ratings(&[(&zhibu_core::ids::MemberId("x".into()), Competent)]), // not appraised
        ratings(&[]),
        ratings(&[(&ms[1], Competent), (&ms[2], Failing)]),
    ];
    let count = appraisal::count(&rules, &ms, ballots.iter());
    assert_eq!((count.cast, count.valid, count.blank, count.invalid), (6, 3, 1, 2));
    assert_eq!(count.counted(), 4);
    let line = |i: usize| count.line(&ms[i]).unwrap().clone();
    assert_eq!((line(0).counts, line(0).no_opinion), ([1, 1, 0, 0], 2));
    assert_eq!((line(1).counts, line(1).no_opinion), ([0, 1, 2, 0], 1));
    // 2 of 4 counted is not more than half; 3 of 4 would be.
    assert!(!line(1).flagged && !line(0).flagged);
    assert_eq!(line(2).counts, [0, 0, 0, 2]);
    assert!(!line(2).flagged, "exactly half");
    let stricter = CountRules { flag_permille: 400, ..rules };
    let count = appraisal::count(&stricter, &ms, ballots.iter());
    assert!(count.line(&ms[1]).unwrap().flagged && count.line(&ms[2]).unwrap().flagged);
    assert_eq!(line(0).leading(), None, "a tie leads nowhere");
    assert_eq!(line(1).leading(), Some(Basic));
}

#[test]
fn results_are_hidden_until_the_ballot_closes() {
    let (mut b, r, f, p) = named_appraisal_voting(3, 1);
    b.rate(&r, &p[0], &all(&f, Competent)).unwrap();
    assert_eq!(appraisal::results(b.state(), &b.round(&r)), None);
    assert_eq!(rounds::results(b.state(), &b.round(&r)), None, "no 评选 tally of an appraisal");
    b.advance(&r, Stage::Closed).unwrap();
    let count = appraisal::results(b.state(), &b.round(&r)).unwrap();
    assert_eq!(count.line(&f[0]).unwrap().counts, [0, 1, 0, 0]);
    assert!(b.round(&r).stage.sealed.is_some(), "the box is sealed as a round's is");
    // Anyone can recount the anonymous export; a changed ballot shows.
    let export = appraisal::export(b.state(), &b.round(&r)).unwrap();
    let text = serde_json::to_string(&export).unwrap();
    assert!(!text.contains(p[0].as_str()), "the rater is nowhere in it");
    assert!(matches!(appraisal::recount(&text), Ok(appraisal::Recounted::Agrees(c)) if c == count));
    let mut forged = export.clone();
    forged.ballots[0].insert(f[0].clone(), Failing);
    let forged = serde_json::to_string(&forged).unwrap();
    assert!(matches!(appraisal::recount(&forged), Ok(appraisal::Recounted::Differs(_))));
    assert!(appraisal::recount("{}").is_err());
}

#[test]
fn decisions_come_after_the_ballot_with_reasons_where_they_differ_and_are_final() {
    let (mut b, r, f, p) = named_appraisal_voting(3, 1);
    assert!(matches!(b.decide_grade(&r, &f[0], grade(Competent)), Err(P::WrongStage { needed: Stage::Closed, .. })));
    for rater in [&p[0], &f[1], &f[2]] {
        b.rate(&r, rater, &ratings(&[(&f[0], Competent), (&f[1], Excellent), (&f[2], Basic)])).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    b.decide_grade(&r, &f[0], grade(Competent)).unwrap();
    assert_eq!(b.decide_grade(&r, &f[1], grade(Competent)), Err(P::GradeReasonRequired), "the ballot said 优秀");
    b.decide_grade(&r, &f[1], grade(Competent).with_reason("优秀名额另行评定")).unwrap();
    assert_eq!(b.decide_grade(&r, &f[2], grade(Failing).with_reason("长期不参加组织生活")), Err(P::FollowUpRequired));
    let failing = zhibu_core::appraisal::Decision { follow_up: "限期三个月改正".into(), ..grade(Failing) };
    assert_eq!(b.decide_grade(&r, &f[2], failing.clone()), Err(P::GradeReasonRequired), "不合格 always says why");
    assert_eq!(b.decide_grade(&r, &p[0], grade(Competent)), Err(P::NotAppraised));
    b.decide_grade(&r, &f[2], failing.with_reason("长期不参加组织生活")).unwrap();
    assert_eq!(appraisal::own_grade(b.state(), &b.round(&r), &f[2]), None, "not until final");
    b.advance(&r, Stage::Final).unwrap();
    let own = appraisal::own_grade(b.state(), &b.round(&r), &f[2]).unwrap();
    assert_eq!((own.grade, own.follow_up.as_str()), (Failing, "限期三个月改正"));
    let list = appraisal::table(b.state(), &b.round(&r)).unwrap();
    assert_eq!(list.header[8], "组织评定");
    assert_eq!(list.rows[1][2..9], ["3", "0", "0", "0", "0", "", "合格"].map(String::from), "counts, then the grade");
    assert_eq!(list.rows[2][8..], ["不合格", "长期不参加组织生活", "限期三个月改正"].map(String::from));
    let before = b.records.pending_len();
    assert_eq!(b.decide_grade(&r, &f[0], grade(Excellent).with_reason("改")), Err(P::DecisionsFinal));
    assert_eq!(b.records.pending_len(), before, "nothing recorded after the decision");
}

#[test]
fn the_rules_are_locked_once_the_ballot_opens() {
    let (mut b, r, _, _) = named_appraisal_voting(3, 0);
    let changed = Rules { appraisal: Some(AppraisalRules { cap: Some(3), ..Default::default() }), ..appraisal_rules() };
    assert_eq!(b.set_rules(&r, changed), Err(P::RulesLocked));
}

#[test]
fn the_calendar_counts_an_appraisal_as_held_when_its_decision_is_final() {
    let (mut b, r, f, _) = named_appraisal_voting(2, 0);
    b.go(&r, Stage::Closed);
    for m in &f {
        b.decide_grade(&r, m, grade(Competent).with_reason("无票")).unwrap();
    }
    let cell = |b: &Branch| {
        let calendar = compliance::calendar(b.state(), 2026, b.now(), &b.settings());
        let row = calendar.rows.into_iter().find(|row| row.kind == MeetingKind::Appraisal).expect("a yearly row");
        row.cells[0].status.clone()
    };
    assert!(!matches!(cell(&b), CellStatus::Met { .. }), "decisions not yet final");
    b.advance(&r, Stage::Final).unwrap();
    assert_eq!(cell(&b), CellStatus::Met { meetings: vec![], appraisals: vec![r.clone()] });
}
