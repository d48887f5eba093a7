//! Casting, through the core's ballot commands: choices checked, one
//! ballot per member (a revision only in its own slot, with the secret the
//! phone kept), a paper ballot entered openly and final, a code once, and
//! ballots carried by a backup.

mod branch;

use branch::{Branch, DESK, bytes, code_round, rules, voting_round};
use zhibu_core::ballot::{self, Ballot};
use zhibu_core::document;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::records::Records;
use zhibu_core::roster::{Role, Status};
use zhibu_core::rounds::{self, Audited, Mode, RoundProblem as P, Rules, Stage, Voter};

#[test]
fn choices_are_checked() {
    let (mut b, r, ms) = voting_round(8, 3, rules(2));
    let round = b.round(&r);
    let check = |b: &Branch, voter: &MemberId, choices: &[MemberId]| {
        rounds::check_choices(b.state(), &b.round(&r), Some(voter), choices)
    };
    let (c0, c1, c2) = (ms[0].clone(), ms[1].clone(), ms[2].clone());
    let voter = ms[5].clone();
    assert_eq!(check(&b, &voter, &[c0.clone(), ms[3].clone()]), Err(P::NotCandidate));
    assert_eq!(check(&b, &voter, &[MemberId("m99".into())]), Err(P::NotCandidate));
    assert_eq!(check(&b, &voter, &[c0.clone(), c1.clone(), c2.clone()]), Err(P::TooMany(2)));
    assert_eq!(check(&b, &voter, &[c1.clone(), c1.clone()]), Err(P::Duplicate));
    assert_eq!(check(&b, &c0, &[c0.clone(), c1.clone()]), Err(P::SelfVote));
    // The ballot command refuses them alike, and records nothing.
    assert_eq!(b.vote(&r, &voter, &[c0.clone(), c1.clone(), c2.clone()]), Err(P::TooMany(2)));
    assert_eq!(b.vote(&r, &c0, &[c0.clone(), c1.clone()]), Err(P::SelfVote));
    assert_eq!(rounds::turnout(b.state(), &round), (0, 8));
    // Sorted, so the ballot does not keep the order of ticking.
    assert_eq!(check(&b, &voter, &[c2.clone(), c0.clone()]), Ok(vec![c0.clone(), c2.clone()]));
    assert_eq!(check(&b, &c0, &[c2.clone(), c1.clone()]), Ok(vec![c1.clone(), c2.clone()]));
    assert_eq!(check(&b, &voter, &[]), Ok(vec![]), "a blank ballot is allowed");
    // Code ballots have no voter to exclude.
    assert_eq!(rounds::check_choices(b.state(), &round, None, &ms[..1]), Ok(ms[..1].to_vec()));

    b.go(&r, Stage::Closed);
    assert_eq!(check(&b, &voter, &ms[..1]), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));

    // Where self-votes are allowed.
    let (b, r, ms) = voting_round(4, 2, Rules { self_vote: true, ..rules(1) });
    assert_eq!(rounds::check_choices(b.state(), &b.round(&r), Some(&ms[0]), &ms[..1]), Ok(ms[..1].to_vec()));
}

#[test]
fn one_vote_per_member_unless_revision() {
    let mut b = Branch::named();
    let ms = b.full(6);
    let probationary = b.add("预备0", Status::Probationary, Role::Member);
    let r = b.new_round(rules(1)).unwrap();
    b.go(&r, Stage::Nomination);
    let early = Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Nomination });
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[3]), early);
    assert_eq!(b.vote(&r, &ms[3], &[]).map(drop), early);
    b.nominate(&r, &ms[1], &ms[0], "事迹").unwrap();
    b.go(&r, Stage::Review);
    b.review(&r, &ms[0], true, "").unwrap();
    b.go(&r, Stage::Voting);
    let late = b.add("新转入", Status::Full, Role::Member);

    let may = |b: &Branch, m: &MemberId| rounds::may_vote(b.state(), &b.round(&r), m);
    let stranger = MemberId("m99".into());
    for (who, why) in [
        (&probationary, "预备党员 under the 正式党员 electorate"),
        (&late, "the electorate froze when voting opened"),
        (&stranger, "not a member"),
    ] {
        assert_eq!(may(&b, who), Err(P::NotEntitled), "{why}");
        assert_eq!(b.vote(&r, who, &[]).map(drop), Err(P::NotEntitled), "{why}");
    }
    assert_eq!(may(&b, &ms[3]), Ok(()));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (0, 6));
    let cast = b.vote(&r, &ms[3], &ms[..1]).unwrap();
    assert_eq!(cast.keep_secret, None, "nothing to keep where revising is not allowed");
    assert!(rounds::has_voted(b.state(), &r, &Voter::Member(ms[3].clone())));
    assert_eq!(may(&b, &ms[3]), Err(P::AlreadyVoted));
    assert_eq!(b.vote(&r, &ms[3], &[]).map(drop), Err(P::AlreadyVoted));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (1, 6));
    assert_eq!(ballot::box_of(b.state(), &r).len(), 1);

    // With revision, the voter's secret slot takes the revised ballot.
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    let first = b.vote(&r, &ms[4], &ms[..1]).unwrap();
    let secret = first.keep_secret.expect("the phone keeps a secret to revise with");
    let mine = first.slot.clone();
    assert_eq!(mine, ballot::slot_of_secret(&r, &secret), "the slot is the secret's");
    assert_eq!(mine, ballot::slot_of_secret(&r, &secret), "the same secret gives the same slot");
    assert_ne!(mine, ballot::slot_of_secret(&RoundId("r2".into()), &secret), "per round");
    // A second first vote is refused; a revision replaces the ballot and
    // adds no second roll entry.
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[4]), Err(P::AlreadyVoted));
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[4]), Ok(()));
    assert_eq!(b.vote(&r, &ms[4], &[]).map(drop), Err(P::KeyRequired), "not without the kept secret");
    let roll_before = b.state().roll.0.clone();
    let revised = b.vote_with(&r, &ms[4], &ms[1..2], Some(secret)).unwrap();
    assert_eq!((revised.slot.as_str(), revised.ballot.rev, revised.keep_secret), (mine.as_str(), 1, None));
    assert_eq!(b.state().roll.0, roll_before, "no second roll entry");
    assert_eq!(ballot::box_of(b.state(), &r), vec![Ballot::of(1, ms[1..2].to_vec())], "replaced, not added");
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (1, 6));
    let t = rounds::count(b.state(), &b.round(&r));
    assert_eq!((t.cast, t.votes(&ms[0]), t.votes(&ms[1])), (1, 0, 1));

    // A code round has no named voters.
    let (mut b, r, ms, _) = code_round();
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[0]), Err(P::WrongMode));
    assert_eq!(b.vote(&r, &ms[0], &[]).map(drop), Err(P::WrongMode));
}

/// Issue 22, item 4: no proxy voting. A member without a phone votes on
/// paper, which a record keeper enters openly; then it is their one ballot.
#[test]
fn a_paper_ballot_is_one_ballot_entered_openly() {
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    b.paper(&r, None, &ms[3], &ms[..1]).unwrap();
    assert_eq!(rounds::cast_by(b.state(), &r, &ms[3]), Some(rounds::Cast::Paper));
    assert_eq!(rounds::may_vote(b.state(), &b.round(&r), &ms[3]), Err(P::AlreadyVoted), "no named vote after it");
    assert_eq!(b.paper(&r, None, &ms[3], &[]).map(drop), Err(P::AlreadyVoted), "no second paper ballot");
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[3]), Err(P::NoRevision), "a paper ballot is final");
    assert_eq!(b.vote(&r, &ms[3], &[]).map(drop), Err(P::NoRevision), "not from their phone either");
    // A member who voted on their phone gets no paper ballot on top.
    b.vote(&r, &ms[4], &ms[1..2]).unwrap();
    assert_eq!(b.paper(&r, None, &ms[4], &[]).map(drop), Err(P::AlreadyVoted));
    // The roll counts it (and says paper); the audit log says who entered it.
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (2, 6));
    assert_eq!(rounds::paper_count(b.state(), &r), 1);
    let keeper = ms[5].clone();
    let entered = b.paper(&r, Some(&keeper), &ms[2], &ms[..1]).unwrap();
    assert_eq!((entered.ballot.rev, entered.keep_secret), (0, None), "final: a random slot, no key");
    let entered: Vec<_> = rounds::audit(b.state(), &r)
        .into_iter()
        .filter_map(|e| match e.what {
            Audited::Paper(m) => Some((m, e.actor)),
            _ => None,
        })
        .collect();
    assert_eq!(entered, vec![(ms[3].clone(), None), (ms[2].clone(), Some(keeper))]);
    // Self-votes are judged for the paper's voter as for a named one.
    assert_eq!(b.paper(&r, None, &ms[0], &ms[..1]).map(drop), Err(P::SelfVote));
}

/// Issue 22, item 5: a slot opens only with the key behind it; a higher
/// revision is not enough.
#[test]
fn a_revision_needs_the_key_behind_its_slot() {
    let r = RoundId("r1".into());
    let (mine, theirs) = (bytes(7), bytes(8));
    let slot = ballot::slot_of_secret(&r, &mine);
    let key = ballot::key_of_secret(&mine);
    assert_eq!(ballot::secret_of_key(&key), Some(mine));
    assert!(ballot::opens(&r, &slot, &key));
    assert!(!ballot::opens(&RoundId("r2".into()), &slot, &key), "per round");
    assert!(!ballot::opens(&r, &slot, &ballot::key_of_secret(&theirs)));
    for odd in ["", "zz", &key[..30], &format!("{key}00"), &"é".repeat(16)] {
        assert_eq!(ballot::secret_of_key(odd), None, "{odd:?}");
        assert!(!ballot::opens(&r, &slot, odd));
    }
    // The slot is what the box shows; it is not a key to anything.
    assert!(!ballot::opens(&r, &slot, &slot));
    assert_eq!(ballot::check_revision(&r, &slot, 1, None, 0), Err(P::KeyRequired));
    assert_eq!(ballot::check_revision(&r, &slot, 9, Some(&ballot::key_of_secret(&theirs)), 0), Err(P::WrongKey));
    assert_eq!(ballot::check_revision(&r, &slot, 1, Some(&key), 1), Err(P::StaleRevision));
    assert_eq!(ballot::check_revision(&r, &slot, 2, Some(&key), 1), Ok(()));

    // Revising is for the voter's own ballot, while voting is open.
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[3]), Err(P::NoRevision), "not on the roll");
    let mine = b.vote(&r, &ms[3], &ms[..1]).unwrap().keep_secret.unwrap();
    b.vote_with(&r, &ms[3], &[], Some(mine)).unwrap();
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[4]), Err(P::NoRevision), "another member's ballot");
    b.go(&r, Stage::Closed);
    assert_eq!(
        b.vote_with(&r, &ms[3], &ms[..1], Some(mine)).map(drop),
        Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }),
        "no revision after the close"
    );
    assert_eq!(ballot::box_of(b.state(), &r), vec![Ballot::of(1, vec![])]);
    // Without revision in the rules, nobody revises.
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    b.vote(&r, &ms[3], &ms[..1]).unwrap();
    assert_eq!(rounds::may_revise(b.state(), &b.round(&r), &ms[3]), Err(P::NoRevision));
    assert_eq!(b.vote_with(&r, &ms[3], &[], Some(mine)).map(drop), Err(P::AlreadyVoted));
}

#[test]
fn codes_vote_once() {
    let (mut b, r, ms, codes) = code_round();
    let check = |b: &Branch, r: &RoundId, code: &str| rounds::check_code(b.state(), &b.round(r), code);
    assert_eq!(check(&b, &r, "ZZZZZ-ZZZZZ"), Err(P::UnknownCode));
    assert_eq!(check(&b, &r, ""), Err(P::UnknownCode));
    assert_eq!(b.vote_code(DESK, &r, "ZZZZZ-ZZZZZ", &[]).err(), Some(P::UnknownCode));
    assert_eq!(check(&b, &r, &codes[0]), Ok(ballot::code_hash(&r, &codes[0])));
    // Typed in lower case, grouped, with spaces: the same code.
    let typed = format!(" {} ", ballot::display_code(&codes[0]).to_lowercase());
    assert_eq!(check(&b, &r, &typed), Ok(ballot::code_hash(&r, &codes[0])));
    b.vote_code(DESK, &r, &typed, &ms[..1]).unwrap();
    assert_eq!(check(&b, &r, &codes[0]), Err(P::UsedCode));
    assert_eq!(b.vote_code(DESK, &r, &codes[0], &ms[1..2]).err(), Some(P::UsedCode));
    b.vote_code(DESK, &r, &codes[1], &ms[1..2]).unwrap();
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (2, 6));
    assert_eq!(ballot::box_of(b.state(), &r).len(), 2);

    // Another round's codes are unknown here, unused ones included.
    let r2 = b.new_round(Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.go(&r2, Stage::Nomination);
    b.nominate(&r2, &ms[5], &ms[0], "事迹").unwrap();
    b.go(&r2, Stage::Review);
    b.review(&r2, &ms[0], true, "").unwrap();
    let codes2 = b.issue_codes(&r2, 2, false).unwrap();
    b.go(&r2, Stage::Voting);
    assert_eq!(check(&b, &r2, &codes[2]), Err(P::UnknownCode));
    assert_eq!(check(&b, &r, &codes2[0]), Err(P::UnknownCode));
    assert_eq!(check(&b, &r2, &codes2[0]), Ok(ballot::code_hash(&r2, &codes2[0])));
    // Codes work only while voting is open; a named round takes none.
    b.go(&r, Stage::Closed);
    assert_eq!(check(&b, &r, &codes[2]), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));
    let (b3, r3, _) = voting_round(4, 1, rules(1));
    assert_eq!(check(&b3, &r3, &codes[0]), Err(P::WrongMode));
}

#[test]
fn a_backup_carries_ballots_cast_since_the_last_compaction() {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    b.vote(&r, &ms[5], &ms[..1]).unwrap();
    // Not compacted: the ballot lives only in the state, yet the backup has it.
    let doc = document::parse(&document::to_json(&b.records)).unwrap();
    let snapshot = doc.snapshot.clone().expect("a snapshot");
    assert_eq!(ballot::box_of(&snapshot, &r), vec![Ballot::of(0, vec![ms[0].clone()])]);
    let mut restored = Records::default();
    doc.merge_into(&mut restored);
    assert_eq!(ballot::box_of(restored.state(), &r).len(), 1);
}
