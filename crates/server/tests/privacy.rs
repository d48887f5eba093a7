//! Privacy inside the branch (issue 22, item 7), on both engines: a
//! member's phone pulls the branch's public records and its own, never
//! another member's check-ins, marks, leave, make-up, phone or self-study,
//! and sees an objection without who filed it; the organizer's and a
//! record keeper's devices pull everything whole. Withheld events still
//! move the cursor, and paging ends.

#[macro_use]
mod common;

use std::collections::BTreeSet;

use common::*;
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::ballot::Ballot;
use zhibu_core::checkin::{LeaveDecision, LeaveRequest, MakeUp};
use zhibu_core::date::Date;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId, ObjectionId, RoundId, StudyId};
use zhibu_core::rounds::{Handling, Mode, Objection, Stage, Voter};
use zhibu_core::state::State;
use zhibu_core::study::{SelfStudy, StudyDecision};
use zhibu_core::sync::{Outcome, Role, Session};

both_engines!(
    a_phone_pulls_only_its_own_and_the_branchs_public_records,
    record_keepers_pull_everything_whole,
    withheld_events_move_the_cursor_and_paging_ends,
    a_redacted_objection_pushed_back_changes_nothing,
);

/// B's leave reason: it must reach no other member's phone.
const B_REASON: &str = "住院复查（病情保密）";
/// B's objection's text (public during 公示; who filed it is not).
const B_OBJECTION: &str = "对评选程序有异议：提名材料不实";

/// A branch where two members (A, B) act on their phones and the
/// organizer and a record keeper (K) keep the records.
struct Setup {
    server: Server,
    organizer: Session,
    committee: Session,
    phone_a: Session,
    phone_b: Session,
    a: MemberId,
    b: MemberId,
    /// B's phone's writer: every event it made.
    b_device: DeviceId,
    /// Events that concern only A, or only B (each made once).
    a_own: Vec<Event>,
    b_own: Vec<Event>,
    objection_a: Event,
    objection_b: Event,
    /// Everything pushed, in push order.
    all: Vec<Event>,
}

fn self_study(study: &StudyId, member: &MemberId, material: &str) -> Payload {
    Payload::SelfStudyRecorded {
        study: study.clone(),
        record: SelfStudy {
            member: member.clone(),
            date: Date::from_ymd(2025, 3, 1).unwrap(),
            material: material.into(),
            tenths: 20,
            note: "心得".into(),
            withdrawn: false,
        },
    }
}

fn objection(round: &RoundId, text: &str) -> Payload {
    Payload::ObjectionFiled {
        round: round.clone(),
        objection: ObjectionId::generate(now_ms() as u64, random16()),
        record: Objection { about: None, text: text.into() },
    }
}

/// A member's own acts on their phone, and the record keeping about them.
struct Acts {
    own: Vec<Event>,
    objection: Event,
    study: StudyId,
}

fn phone_acts(
    book: &mut Book,
    phone: &Writer,
    member: &MemberId,
    meeting: &MeetingId,
    round: &RoundId,
    reason: &str,
) -> Acts {
    let study = StudyId::generate(now_ms() as u64, random16());
    let own = vec![
        book.record(phone, checked_in(meeting, member)),
        book.record(
            phone,
            Payload::LeaveRequested {
                meeting: meeting.clone(),
                member: member.clone(),
                request: LeaveRequest { reason: reason.into(), withdrawn: false },
            },
        ),
        book.record(phone, self_study(&study, member, "《中国共产党章程》")),
    ];
    let text = if reason == B_REASON { B_OBJECTION } else { "对公示名单有意见" };
    let objection = book.record(phone, objection(round, text));
    Acts { own, objection, study }
}

/// What the organizer's laptop and the keeper record about `member`.
fn keeping(
    book: &mut Book,
    laptop: &Writer,
    keeper: &Writer,
    member: &MemberId,
    meeting: &MeetingId,
    study: &StudyId,
) -> Vec<Event> {
    let by = keeper.actor.clone().expect("a keeper acts as its member");
    vec![
        book.record(
            laptop,
            Payload::LeaveDecided {
                meeting: meeting.clone(),
                member: member.clone(),
                decision: LeaveDecision { approved: true, note: "准假，注意休息".into() },
            },
        ),
        book.record(
            laptop,
            Payload::AttendanceMarked {
                meeting: meeting.clone(),
                member: member.clone(),
                mark: Attendance { status: AttendanceStatus::Leave, at: None, by_self: false },
            },
        ),
        book.record(
            laptop,
            Payload::MadeUp {
                meeting: meeting.clone(),
                member: member.clone(),
                make_up: MakeUp {
                    date: Date::from_ymd(2025, 3, 2).unwrap(),
                    what: "补学会议精神".into(),
                    confirmed_by: "书记".into(),
                },
            },
        ),
        book.record(
            laptop,
            Payload::DeviceConfirmed { device: format!("stable-{}", member.as_str()), member: member.clone() },
        ),
        book.record(
            keeper,
            Payload::SelfStudyDecided {
                study: study.clone(),
                decision: StudyDecision { confirmed: false, by, note: "材料与学时不符".into() },
            },
        ),
    ]
}

async fn setup(engine: &Engine) -> Setup {
    let server = Server::start_default(engine).await;
    let organizer = server.create_branch("隐私支部").await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let (a, ea) = book.add_member(&laptop, "王一");
    let (b, eb) = book.add_member(&laptop, "赵二");
    let (k, ek) = book.add_member(&laptop, "李组织");
    let (n, en) = book.add_member(&laptop, "孙三");
    let meeting = new_meeting();
    let mut public = vec![ea, eb, ek, en, book.record(&laptop, meeting_saved(&meeting))];
    // A round in 公示, where phones may file objections.
    let p = round_to_voting(&mut book, &laptop, rules("公示评选", Mode::Named, 1, 1), &[(k.clone(), n.clone())]);
    public.extend(p.events);
    // 孙三 elected on three paper ballots of four (公示 needs a winner).
    let mut papers = Vec::new();
    for voter in [&a, &b, &k] {
        public.push(book.record(&laptop, voted(&p.round, Voter::Paper(voter.clone()))));
        let paper = ballot(&p.round, std::slice::from_ref(&n));
        book.state.cast(&p.round, &paper.slot, Ballot::of(0, paper.choices.clone()));
        papers.push(paper);
    }
    public.push(book.advance(&laptop, &p.round, Stage::Closed));
    public.push(book.advance(&laptop, &p.round, Stage::Publicity));
    let response = server.push(&organizer.token, &public, &papers).await;
    for r in &response.events {
        assert_eq!(r.outcome, Outcome::Accepted, "event {} not accepted: {:?}", r.id, r.reason);
    }
    for r in &response.ballots {
        assert_eq!(r.outcome, Outcome::Accepted, "ballot not accepted: {:?}", r.reason);
    }
    let phone_a = server.join(&organizer, &a, Role::Member).await;
    let phone_b = server.join(&organizer, &b, Role::Member).await;
    let committee = server.join(&organizer, &k, Role::Committee).await;

    let (writer_a, writer_b, keeper) = (Writer::phone(&a), Writer::phone(&b), Writer::phone(&k));
    let acts_a = phone_acts(&mut book, &writer_a, &a, &meeting, &p.round, "出差");
    let acts_b = phone_acts(&mut book, &writer_b, &b, &meeting, &p.round, B_REASON);
    let mut pushed_a = acts_a.own.clone();
    pushed_a.push(acts_a.objection.clone());
    server.push_ok(&phone_a.token, &pushed_a).await;
    let mut pushed_b = acts_b.own.clone();
    pushed_b.push(acts_b.objection.clone());
    server.push_ok(&phone_b.token, &pushed_b).await;
    let kept_a = keeping(&mut book, &laptop, &keeper, &a, &meeting, &acts_a.study);
    let kept_b = keeping(&mut book, &laptop, &keeper, &b, &meeting, &acts_b.study);
    let oid = |e: &Event| match &e.payload {
        Payload::ObjectionFiled { objection, .. } => objection.clone(),
        _ => unreachable!("an objection"),
    };
    let handled = book.record(
        &laptop,
        Payload::ObjectionHandled {
            round: p.round.clone(),
            objection: oid(&acts_b.objection),
            handling: Handling { upheld: false, note: "经核实，异议不成立".into() },
        },
    );
    let mut kept: Vec<Event> = kept_a.iter().chain(&kept_b).cloned().collect();
    kept.push(handled.clone());
    // The keeper's decisions go up from its own device, the rest from the laptop.
    let (by_keeper, by_laptop): (Vec<Event>, Vec<Event>) =
        kept.iter().cloned().partition(|e| matches!(e.payload, Payload::SelfStudyDecided { .. }));
    server.push_ok(&organizer.token, &by_laptop).await;
    server.push_ok(&committee.token, &by_keeper).await;

    let mut all = public;
    all.extend(pushed_a);
    all.extend(pushed_b);
    all.extend(by_laptop);
    all.extend(by_keeper);
    let mut a_own = acts_a.own;
    a_own.extend(kept_a);
    let mut b_own = acts_b.own;
    b_own.extend(kept_b);
    Setup {
        server,
        organizer,
        committee,
        phone_a,
        phone_b,
        a,
        b,
        b_device: writer_b.device,
        a_own,
        b_own,
        objection_a: acts_a.objection,
        objection_b: acts_b.objection,
        all,
    }
}

fn ids(events: &[Event]) -> BTreeSet<EventId> {
    events.iter().map(|e| e.id.clone()).collect()
}

fn find<'a>(events: &'a [Event], id: &EventId) -> Option<&'a Event> {
    events.iter().find(|e| &e.id == id)
}

async fn a_phone_pulls_only_its_own_and_the_branchs_public_records(engine: Engine) {
    let s = setup(&engine).await;
    let pulled = s.server.pull_all(&s.phone_a.token).await;
    let text = serde_json::to_string(&pulled).unwrap();
    let got = ids(&pulled);

    // Nothing of B's own records: not the check-in, the leave and its
    // reason, the mark, the make-up, the phone, the self-study or its answer.
    for e in &s.b_own {
        assert!(!got.contains(&e.id), "A's phone received B's {:?}", e.payload);
    }
    assert!(!text.contains(B_REASON), "B's leave reason reached A's phone");
    // B's phone wrote nothing A may know it wrote: its writer id is nowhere.
    assert!(!text.contains(s.b_device.as_str()), "B's phone's writer id reached A's phone: {text}");

    // A's own, whole.
    for e in &s.a_own {
        assert_eq!(find(&pulled, &e.id), Some(e), "A's own {:?} comes back whole", e.payload);
    }
    assert_eq!(find(&pulled, &s.objection_a.id), Some(&s.objection_a), "A's own objection, with A as its author");

    // B's objection: its text, and its handling, but not who filed it.
    let theirs = find(&pulled, &s.objection_b.id).expect("B's objection is public during 公示");
    assert_eq!(theirs.payload, s.objection_b.payload, "the objection itself is unchanged");
    assert_ne!(theirs.actor.as_ref(), Some(&s.b), "the objector is not named");
    assert!(
        theirs.actor.as_ref().is_some_and(zhibu_core::visibility::is_redacted),
        "the objector is a member, redacted, not the organizer: {theirs:?}"
    );
    assert_ne!(theirs.device, s.objection_b.device, "nor is the objector's phone");
    assert!(text.contains(B_OBJECTION));

    // What A's phone received passes every check and folds: the round
    // shows both objections and the handling of B's.
    let mut state = State::default();
    for e in &pulled {
        zhibu_core::document::check_event(0, e).unwrap_or_else(|err| panic!("{:?} fails the check: {err}", e.payload));
        state.apply(e);
    }
    assert_eq!(state.objections.0.len(), 2);
    assert_eq!(state.handlings.0.len(), 1);
    // Every public event reached A: the roster, the meeting, the round.
    let private: BTreeSet<EventId> = ids(&s.b_own);
    let expected: BTreeSet<EventId> = s.all.iter().map(|e| e.id.clone()).filter(|i| !private.contains(i)).collect();
    assert_eq!(got, expected, "A receives everything but B's own records");

    // Another instance, which has not read the branch yet, answers the same
    // (it folds the branch to learn whose self-study an answer is for).
    let two = s.server.another().await;
    assert_eq!(two.pull_all(&s.phone_a.token).await, pulled, "a fresh instance hands A the same");

    // And B, symmetrically: nothing of A's, A's objection without A.
    let pulled_b = s.server.pull_all(&s.phone_b.token).await;
    for e in &s.a_own {
        assert!(find(&pulled_b, &e.id).is_none(), "B's phone received A's {:?}", e.payload);
    }
    let of_a = find(&pulled_b, &s.objection_a.id).expect("A's objection");
    assert_ne!(of_a.actor.as_ref(), Some(&s.a));
    for e in &s.b_own {
        assert_eq!(find(&pulled_b, &e.id), Some(e), "B's own {:?} comes back whole", e.payload);
    }
}

async fn record_keepers_pull_everything_whole(engine: Engine) {
    let s = setup(&engine).await;
    for (who, token) in [("organizer", &s.organizer.token), ("committee", &s.committee.token)] {
        let pulled = s.server.pull_all(token).await;
        assert_eq!(pulled, s.all, "the {who}'s device pulls every event whole, in push order");
        let theirs = find(&pulled, &s.objection_b.id).expect("B's objection");
        assert_eq!(theirs.actor.as_ref(), Some(&s.b), "the {who} knows who filed it");
    }
}

async fn withheld_events_move_the_cursor_and_paging_ends(engine: Engine) {
    let s = setup(&engine).await;
    let whole = s.server.pull_all(&s.phone_a.token).await;
    let end = s.server.pull(&s.organizer.token, 0, None).await.next;
    for limit in [1, 2, 3, 7] {
        let (mut since, mut paged, mut pages) = (0, Vec::new(), 0);
        loop {
            let page = s.server.pull(&s.phone_a.token, since, Some(limit)).await;
            pages += 1;
            assert!(pages <= s.all.len() + 1, "paging by {limit} does not end");
            assert!(page.events.len() <= limit);
            assert!(page.next > since || !page.more, "the cursor moves on: {since} → {}", page.next);
            // A page that held only B's records is passed over, never
            // answered empty with more to come (an app stops on an empty page).
            assert!(!(page.events.is_empty() && page.more), "an empty page after {since} with more to come");
            paged.extend(page.events);
            since = page.next;
            if !page.more {
                break;
            }
        }
        assert_eq!(paged, whole, "paging by {limit} gives what one pull gives");
        assert_eq!(since, end, "the cursor ends at the branch's last event, past the withheld ones");
    }
    // From the end, nothing more.
    let after = s.server.pull(&s.phone_a.token, end, None).await;
    assert!(after.events.is_empty() && !after.more && after.next == end);
    // B's records last: A's cursor still reaches the end.
    let mut book = Book::new();
    let late = book.record(&Writer::phone(&s.b), leave_requested(&new_meeting(), &s.b));
    let r = s.server.push_ok(&s.phone_b.token, std::slice::from_ref(&late)).await;
    let page = s.server.pull(&s.phone_a.token, end, None).await;
    assert!(page.events.is_empty(), "B's new leave request is withheld");
    assert_eq!((page.next, page.more), (r.cursor, false), "and A's cursor moves past it");
}

async fn a_redacted_objection_pushed_back_changes_nothing(engine: Engine) {
    let s = setup(&engine).await;
    let pulled = s.server.pull_all(&s.phone_a.token).await;
    let redacted = find(&pulled, &s.objection_b.id).expect("B's objection").clone();
    // A's phone may not push it (it acts for someone else) …
    let r = s.server.push(&s.phone_a.token, std::slice::from_ref(&redacted), &[]).await;
    assert_eq!(r.events[0].outcome, Outcome::Rejected, "{r:?}");
    // … and a keeper relaying it finds it stored already: the original stays.
    let r = s.server.push(&s.organizer.token, std::slice::from_ref(&redacted), &[]).await;
    assert_eq!(r.events[0].outcome, Outcome::Duplicate, "{r:?}");
    let all = s.server.pull_all(&s.organizer.token).await;
    assert_eq!(find(&all, &s.objection_b.id), Some(&s.objection_b));
}
