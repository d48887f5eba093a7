//! One "身边最美党员" round: stages, nominations, review, voting (named on
//! the member's own phone, paper ballots entered by the organizer, or codes
//! at a kiosk; the ballot screens are `round_vote`), results with ties and run-off,
//! receipts, the recountable export, 公示 with objections, 表彰, audit.
//! Also the printable code slips, 公示 notice and commendation list.

use crate::components::ballot_form::Choice;
use crate::components::round_form::RoundForm;
use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::pages::round_codes::CodesPanel;
use crate::pages::round_results::Results;
use crate::pages::rounds::problem_text;
use crate::platform;
use crate::sync::engine::use_sync;
use crate::words;
use leptos::prelude::*;
use zhibu_core::ballot;
use zhibu_core::ids::{MemberId, ObjectionId, RoundId};
use zhibu_core::outcome;
use zhibu_core::rounds::{self, AuditEntry, Audited, Mode, Nominee, Round, Stage};
use zhibu_core::state::State;
use zhibu_core::tally::Tally;

/// What a round route shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundView {
    /// The round.
    Page,
    /// The rules form.
    Edit,
    /// A named ballot on the member's phone, or paper ballots entered on
    /// the organizer's device.
    Vote,
    /// Printable code slips.
    Codes,
    /// Printable 公示 notice.
    Notice,
    /// Printable commendation list.
    Honours,
}

/// Everything the page shows.
#[derive(Clone, PartialEq)]
pub struct View {
    pub(crate) round: Round,
    pub(crate) nominees: Vec<Nominee>,
    candidates: Vec<MemberId>,
    pub(crate) turnout: (usize, usize),
    /// Paper ballots on the roll (entered by the organizer).
    paper: usize,
    pub(crate) tally: Option<Tally>,
    pub(crate) receipts: Vec<String>,
    pub(crate) sealed_ok: bool,
    /// More ballots in the box than voters on the roll (data merged from
    /// elsewhere); shown, never silently fixed.
    pub(crate) excess: bool,
    /// Fewer ballots than voters on the roll (a ballot not saved).
    pub(crate) short: bool,
    audit: Vec<AuditEntry>,
    objections: Vec<(ObjectionId, zhibu_core::rounds::Objection, Option<zhibu_core::rounds::Handling>)>,
    honoured: Vec<MemberId>,
    branch: String,
    /// Whom objections go to: the branch's 委员会, by name once it has one.
    committee: Option<String>,
    /// What the count allows next (the core's word; the page only shows it).
    pub(crate) next: Option<outcome::Next>,
}

pub(crate) fn view_of(state: &State, id: &RoundId) -> Option<View> {
    let round = state.round(id)?;
    let tally = rounds::results(state, &round);
    let sealed_ok = round.stage.sealed.as_ref().is_none_or(|(n, digest)| {
        let b = ballot::box_of(state, id);
        b.len() as u32 == *n && ballot::digest(&b) == *digest
    });
    let objections = state
        .objections
        .0
        .iter()
        .filter(|((r, _), _)| r == id)
        .map(|((r, o), reg)| (o.clone(), reg.value.clone(), state.handlings.get(&(r.clone(), o.clone())).cloned()))
        .collect();
    let (in_box, on_roll) = (ballot::box_of(state, id).len(), rounds::turnout(state, &round).0);
    let (excess, short) = (in_box > on_roll, in_box < on_roll);
    Some(View {
        excess,
        short,
        nominees: rounds::nominees(state, id),
        candidates: rounds::candidates(state, &round),
        turnout: rounds::turnout(state, &round),
        paper: rounds::paper_count(state, id),
        receipts: if round.stage() >= Stage::Closed { ballot::receipts(state, id) } else { Vec::new() },
        audit: rounds::audit(state, id),
        honoured: rounds::honoured(state, &round),
        next: outcome::after_count(state, &round),
        branch: state.settings().branch_name,
        committee: zhibu_core::branch_identity::committee(&state.settings()),
        tally,
        sealed_ok,
        objections,
        round,
    })
}

pub(crate) fn name_of(state: &State, id: &MemberId) -> String {
    state.member(id).map_or_else(|| id.to_string(), |m| m.fields.name)
}

/// The ballot's candidates with their deeds.
pub(crate) fn choices(state: &State, view: &View) -> Vec<Choice> {
    view.candidates
        .iter()
        .map(|c| {
            let m = state.member(c);
            Choice {
                id: c.clone(),
                name: m.as_ref().map_or_else(|| c.to_string(), |m| m.fields.name.clone()),
                group: m.map(|m| m.fields.group).unwrap_or_default(),
                deeds: zhibu_core::deeds::of(state, &view.round.id, c),
            }
        })
        .collect()
}

/// The round route.
#[component]
pub fn RoundPage(id: RoundId, view: RoundView) -> impl IntoView {
    match view {
        RoundView::Edit => view! { <RoundForm round=Some(id)/> }.into_any(),
        RoundView::Vote => view! { <crate::pages::round_vote::NamedVote id/> }.into_any(),
        RoundView::Codes => view! { <crate::pages::round_codes::CodeSlips id/> }.into_any(),
        RoundView::Notice => view! { <Notice id honours=false/> }.into_any(),
        RoundView::Honours => view! { <Notice id honours=true/> }.into_any(),
        RoundView::Page => view! { <RoundMain id/> }.into_any(),
    }
}

#[component]
fn RoundMain(id: RoundId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let organizer = Memo::new(move |_| session.with(|s| s.is_organizer()));
    let id_data = id.clone();
    let data = Memo::new(move |_| session.with(|s| view_of(s.records().state(), &id_data)));
    // A sheet of codes goes once voting closes, whichever device closed it.
    Effect::new(move |_| session.with(|s| crate::storage::sheets::sweep(s.records().state())));
    let message = RwSignal::new(None::<String>);
    let id_adv = id.clone();
    let step = move |id: &RoundId, to: Stage| {
        let result = session.try_update(|s| s.advance_round(id, to));
        message.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
    };
    let sync = use_sync();
    let advance = Callback::new(move |to: Stage| {
        if to != Stage::Closed || !session.with_untracked(|s| s.is_connected()) {
            return step(&id_adv, to);
        }
        // Connected: the server's box (every phone's ballot) joins the local
        // box first, so the seal the close records covers it.
        let id = id_adv.clone();
        message.set(Some(i18n.now("round.closing_server")));
        leptos::task::spawn_local(async move {
            match sync.close_box(id.clone()).await {
                Ok(()) => step(&id, to),
                Err(failure) => {
                    let why = words::sync_failure(i18n.lang.get_untracked(), &failure);
                    let ask = i18n.fmt("round.close_offline", &[("why", &why)]);
                    let anyway = web_sys::window().and_then(|w| w.confirm_with_message(&ask).ok()).unwrap_or(false);
                    if anyway {
                        step(&id, to);
                    } else {
                        message.set(Some(why));
                    }
                }
            }
        });
    });
    view! {
        {move || match data.get() {
            None => view! { <section class="page"><p class="empty">{i18n.t("round.missing")}</p></section> }.into_any(),
            Some(v) => {
                let stage = v.round.stage();
                let rid = v.round.id.clone();
                let next = stage.next();
                let runoff_direct = v.round.rules.candidates.is_some() && stage == Stage::Setup;
                let next = if runoff_direct { Some(Stage::Voting) } else { next };
                view! {
                    <section class="page ledger" aria-labelledby="round-title" data-testid="round-page" data-stage=stage.key()>
                        <p class="crumb no-print"><a href="#/rounds">{i18n.t("round.back")}</a></p>
                        <p class="meeting-kind">{move || i18n.fmt("rounds.year", &[("year", &v.round.rules.year)])}</p>
                        <h2 id="round-title">{v.round.rules.title.clone()}</h2>
                        <ol class="stages" aria-label=i18n.t("round.stages")>
                            {stage.path().iter().copied().map(|s| view! {
                                <li class=if s == stage { "stage stage-now" } else if s < stage { "stage stage-done" } else { "stage" }
                                    aria-current=(s == stage).then_some("step")>
                                    {move || words::stage(i18n.lang.get(), s)}
                                </li>
                            }).collect_view()}
                        </ol>
                        <p class="fingerprint">
                            {i18n.t("round.fingerprint")} " "
                            <code data-testid="fingerprint">{v.round.rules.fingerprint()}</code>
                            {(stage >= Stage::Voting).then(|| view! { " " <span class="badge">{i18n.t("round.locked")}</span> })}
                        </p>
                        <RulesSummary round=v.round.clone()/>
                        {move || organizer.get().then(|| {
                            let rid = rid.clone();
                            view! {
                                <div class="actions no-print">
                                    {(stage < Stage::Voting).then(|| view! {
                                        <a class="button" href=format!("#/round/{rid}/edit") data-testid="edit-round">{i18n.t("round.edit")}</a>
                                    })}
                                    {next.map(|to| view! {
                                        <button type="button" class="button button-primary" data-testid="advance" data-to=to.key()
                                            on:click=move |_| advance.run(to)>
                                            {move || i18n.fmt("round.advance", &[("stage", &words::stage(i18n.lang.get(), to))])}
                                        </button>
                                    })}
                                </div>
                            }
                        })}
                        <p class="message" role="status" data-testid="round-message">{move || message.get()}</p>
                        {(stage >= Stage::Nomination && v.round.rules.candidates.is_none()).then(|| view! { <Nominations view=v.clone() organizer message/> })}
                        {(stage == Stage::Voting || (v.round.rules.mode == Mode::Codes && stage < Stage::Voting)).then(|| view! { <Voting view=v.clone() organizer message/> })}
                        {(stage >= Stage::Closed).then(|| view! { <Results view=v.clone() organizer message advance/> })}
                        {(stage >= Stage::Publicity).then(|| view! { <Publicity view=v.clone() organizer message/> })}
                        <AuditLog entries=v.audit.clone()/>
                    </section>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn RulesSummary(round: Round) -> impl IntoView {
    let i18n = use_i18n();
    let r = round.rules;
    let yes = move |b: bool| if b { i18n.now("round.yes") } else { i18n.now("round.no") };
    view! {
        <dl class="facts">
            <dt>{i18n.t("rform.honours")}</dt><dd data-testid="rule-honours">{r.honours}</dd>
            <dt>{i18n.t("rform.k")}</dt><dd>{r.k}</dd>
            <dt>{i18n.t("rform.mode")}</dt>
            <dd>{if r.mode == Mode::Codes { i18n.t("rform.codes") } else { i18n.t("rform.named") }}</dd>
            <dt>{i18n.t("rform.basis")}</dt>
            <dd>{if r.basis == zhibu_core::tally::Basis::Cast { i18n.t("rform.cast") } else { i18n.t("rform.entitled") }}</dd>
            <dt>{i18n.t("rform.self_nomination")}</dt><dd>{move || yes(r.self_nomination)}</dd>
            <dt>{i18n.t("rform.self_vote")}</dt><dd>{move || yes(r.self_vote)}</dd>
            <dt>{i18n.t("rform.revision")}</dt><dd>{move || yes(r.revision)}</dd>
            <dt>{i18n.t("rform.days")}</dt><dd>{r.publicity_days}</dd>
        </dl>
    }
}

/// Nominees with their nominations and seconders; the nomination form; review.
#[component]
fn Nominations(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = view.round.stage();
    let id = view.round.id.clone();
    let people = Memo::new(move |_| {
        session.with(|s| {
            s.records().state().active_by_name().into_iter().map(|m| (m.id, m.fields.name)).collect::<Vec<_>>()
        })
    });
    let (by, nominee, deeds) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    if let Some(me) = session.with_untracked(|s| s.me()) {
        by.set(me.to_string());
    }
    let id_nom = id.clone();
    let nominate = move |_| {
        let (b, n) = (MemberId(by.get_untracked()), MemberId(nominee.get_untracked()));
        let result = session.try_update(|s| s.nominate(&id_nom, &b, &n, &deeds.get_untracked()));
        match result {
            Some(Ok(())) => {
                deeds.set(String::new());
                message.set(Some(i18n.now("round.nominated")));
            }
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    };
    let names = Memo::new(move |_| people.get());
    let name = move |id: &MemberId| {
        names.with(|n| n.iter().find(|(m, _)| m == id).map(|(_, n)| n.clone()).unwrap_or_default())
    };
    view! {
        <section class="card" aria-labelledby="nominees-title">
            <h3 id="nominees-title">{i18n.t("round.nominees")}</h3>
            {(stage == Stage::Nomination).then(|| view! {
                <form class="nominate no-print" data-testid="nominate-form" on:submit=|ev| ev.prevent_default()>
                    <div class="form-pair">
                        <div class="form-row">
                            <label for="nominator">{i18n.t("round.by")}</label>
                            <select id="nominator" data-testid="nominator" on:change=move |ev| by.set(event_target_value(&ev))>
                                <option value="">{i18n.t("round.choose")}</option>
                                {move || people.get().into_iter().map(|(id, n)| {
                                    let selected = by.get_untracked() == id.as_str();
                                    view! { <option value=id.to_string() selected=selected>{n}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="form-row">
                            <label for="nominee">{i18n.t("round.nominee")}</label>
                            <select id="nominee" data-testid="nominee" on:change=move |ev| nominee.set(event_target_value(&ev))>
                                <option value="">{i18n.t("round.choose")}</option>
                                {move || people.get().into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <div class="form-row">
                        <label for="deeds">{i18n.t("round.deeds")}</label>
                        <textarea id="deeds" rows="4" maxlength=rounds::MAX_DEEDS data-testid="deeds"
                            prop:value=deeds on:input=move |ev| deeds.set(event_target_value(&ev))></textarea>
                        <p class="hint">{move || format!("{} / {}", deeds.with(|d| d.chars().count()), rounds::MAX_DEEDS)}</p>
                    </div>
                    <button type="button" class="button button-primary" data-testid="submit-nomination" on:click=nominate>{i18n.t("round.nominate")}</button>
                </form>
            })}
            {if view.nominees.is_empty() {
                view! { <p class="empty">{i18n.t("round.no_nominees")}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain nominee-list">
                        {view.nominees.clone().into_iter().map(|n| {
                            let member = n.member.clone();
                            let seconders = n.nominations.len().saturating_sub(1);
                            let review = n.review.clone();
                            let who = name(&member);
                            view! {
                                <li class="nominee" data-testid="nominee-item" data-name=who.clone()>
                                    <p class="nominee-head">
                                        <strong>{who.clone()}</strong>
                                        {(seconders > 0).then(|| view! { " " <span class="badge" data-testid="seconders">{move || i18n.fmt("round.seconders", &[("n", &seconders)])}</span> })}
                                        {review.clone().map(|r| view! {
                                            " "
                                            <span class=if r.approved { "badge badge-present" } else { "badge badge-absent" } data-testid="review-state">
                                                {if r.approved { i18n.t("round.approved") } else { i18n.t("round.rejected") }}
                                            </span>
                                            {(!r.reason.is_empty()).then(|| view! { <span class="muted">{format!(" {}", r.reason)}</span> })}
                                        })}
                                    </p>
                                    {n.nominations.iter().map(|(_, x)| {
                                        let by = name(&x.by);
                                        view! { <p class="prose deeds-text"><span class="muted">{move || i18n.fmt("round.nominated_by", &[("name", &by)])}</span>" "{x.deeds.clone()}</p> }
                                    }).collect_view()}
                                    {(stage == Stage::Review).then(|| view! { <ReviewControls round=id.clone() member=member.clone() organizer message/> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ReviewControls(
    round: RoundId,
    member: MemberId,
    organizer: Memo<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    // Shown beside the box it is about (the page's message may be off-screen on a phone).
    let error = RwSignal::new(None::<String>);
    let (field, hint) = (format!("review-reason-{member}"), format!("review-error-{member}"));
    let decide = move |approved: bool| {
        let result = session.try_update(|s| s.review(&round, &member, approved, &reason.get_untracked()));
        error.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
        message.set(None);
    };
    let decide = StoredValue::new(decide);
    view! {
        {move || organizer.get().then(|| view! {
            <div class="review no-print">
                <label for=field.clone() data-testid="review-reason-label">{i18n.t("round.reason")}</label>
                <input type="text" id=field.clone() data-testid="review-reason" aria-describedby=hint.clone()
                    aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                <button type="button" class="button button-primary" data-testid="approve" on:click=move |_| decide.with_value(|d| d(true))>{i18n.t("round.approve")}</button>
                <button type="button" class="button" data-testid="reject" on:click=move |_| decide.with_value(|d| d(false))>{i18n.t("round.reject")}</button>
                <p class="field-error" id=hint.clone() role="alert" data-testid="review-error">{move || error.get()}</p>
            </div>
        })}
    }
}

/// Turnout, codes and where to vote.
#[component]
fn Voting(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stage = view.round.stage();
    let id = view.round.id.clone();
    let (voted, entitled) = view.turnout;
    let codes_mode = view.round.rules.mode == Mode::Codes;
    let paper = view.paper;
    // A member's own phone votes (or revises) here; nobody votes for another.
    let mine = (!codes_mode && stage == Stage::Voting)
        .then(|| {
            session.with_untracked(|s| {
                let me = s.me()?;
                s.check_named(&id, &me).ok()?;
                Some(rounds::cast_by(s.records().state(), &id, &me).is_some())
            })
        })
        .flatten();
    let id_mine = id.clone();
    view! {
        <section class="card" aria-labelledby="voting-title">
            <h3 id="voting-title">{i18n.t("round.voting")}</h3>
            {(stage == Stage::Voting).then(|| view! {
                <p class="turnout" data-testid="turnout">{move || i18n.fmt("round.turnout", &[("voted", &voted), ("entitled", &entitled)])}</p>
                {(paper > 0).then(|| view! { <p data-testid="paper-count">{move || i18n.fmt("round.paper_count", &[("n", &paper)])}</p> })}
                <p class="hint">{i18n.t("round.hidden")}</p>
            })}
            {mine.map(|revising| view! {
                <div class="actions no-print">
                    <a class="button button-primary" href=format!("#/round/{id_mine}/vote") data-testid="open-vote">
                        {i18n.t(if revising { "round.revise_mine" } else { "round.vote_mine" })}
                    </a>
                </div>
            })}
            {codes_mode.then(|| view! { <CodesPanel round=view.round.clone() organizer message/> })}
            {move || organizer.get().then(|| {
                let id = id.clone();
                view! {
                    <div class="actions no-print">
                        {(codes_mode && stage == Stage::Voting).then(|| view! {
                            <a class="button button-primary" href=format!("#/kiosk/{id}") data-testid="open-kiosk">{i18n.t("round.kiosk")}</a>
                        })}
                        {(!codes_mode && stage == Stage::Voting).then(|| view! {
                            <a class="button" href=format!("#/round/{id}/vote") data-testid="enter-paper">{i18n.t("round.enter_paper")}</a>
                        })}
                    </div>
                }
            })}
        </section>
    }
}

/// 公示: end date, notice, objections and their handling; 表彰 list.
#[component]
fn Publicity(view: View, organizer: Memo<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = view.round.id.clone();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let start = zone.local(view.round.publicity_start().unwrap_or(view.round.stage.at)).date();
    let rules = &view.round.rules;
    let end = rounds::publicity_end(start, rules.publicity_days, &rules.holidays, &rules.workdays);
    let elected = view.tally.as_ref().map(|t| t.elected.clone()).unwrap_or_default();
    let names: Vec<(MemberId, String)> =
        session.with_untracked(|s| elected.iter().map(|c| (c.clone(), name_of(s.records().state(), c))).collect());
    let about = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let id_obj = id.clone();
    let file = move |_| {
        let who = about.get_untracked();
        let who = (!who.is_empty()).then_some(MemberId(who));
        match session.try_update(|s| s.object(&id_obj, who.as_ref(), &text.get_untracked())) {
            Some(Ok(())) => {
                text.set(String::new());
                message.set(Some(i18n.now("round.objection_filed")));
            }
            Some(Err(p)) => message.set(Some(problem_text(i18n, &p))),
            None => {}
        }
    };
    let stage = view.round.stage();
    let names_for_list = names.clone();
    view! {
        <section class="card" aria-labelledby="publicity-title" data-testid="publicity">
            <h3 id="publicity-title">{i18n.t("round.publicity")}</h3>
            <p data-testid="publicity-end">{move || i18n.fmt("round.publicity_end", &[("date", &words::date(i18n.lang.get(), end))])}</p>
            <div class="actions no-print">
                <a class="button" href=format!("#/round/{id}/notice") data-testid="open-notice">{i18n.t("round.notice")}</a>
                {(stage == Stage::Final).then(|| view! { <a class="button" href=format!("#/round/{id}/honours") data-testid="open-honours">{i18n.t("round.honours")}</a> })}
            </div>
            {(stage == Stage::Publicity).then(|| view! {
                <form class="no-print" data-testid="objection-form" on:submit=|ev| ev.prevent_default()>
                    <div class="form-row">
                        <label for="objection-about">{i18n.t("round.objection_about")}</label>
                        <select id="objection-about" data-testid="objection-about" on:change=move |ev| about.set(event_target_value(&ev))>
                            <option value="">{i18n.t("round.objection_general")}</option>
                            {names.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-row">
                        <label for="objection-text">{i18n.t("round.objection")}</label>
                        <textarea id="objection-text" rows="3" data-testid="objection-text" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button" data-testid="file-objection" on:click=file>{i18n.t("round.file_objection")}</button>
                </form>
            })}
            <ul class="plain objection-list">
                {view.objections.iter().cloned().map(|(oid, o, handled)| {
                    let about = o.about.as_ref().and_then(|a| names_for_list.iter().find(|(m, _)| m == a)).map(|(_, n)| n.clone());
                    view! {
                        <li class="objection" data-testid="objection-item">
                            {about.map(|a| view! { <strong>{a}</strong> " " })}
                            <span>{o.text.clone()}</span>
                            {match handled {
                                Some(h) => view! {
                                    <p class="muted" data-testid="handled">
                                        {if h.upheld { i18n.t("round.upheld") } else { i18n.t("round.dismissed") }}
                                        {format!("：{}", h.note)}
                                    </p>
                                }.into_any(),
                                None => view! { <HandleObjection round=view.round.id.clone() objection=oid organizer message/> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn HandleObjection(
    round: RoundId,
    objection: ObjectionId,
    organizer: Memo<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let act = StoredValue::new(move |upheld: bool| {
        let result = session.try_update(|s| s.handle_objection(&round, &objection, upheld, &note.get_untracked()));
        message.set(match result {
            Some(Err(p)) => Some(problem_text(i18n, &p)),
            _ => None,
        });
    });
    view! {
        {move || organizer.get().then(|| view! {
            <div class="review no-print">
                <input type="text" data-testid="handling-note" placeholder=i18n.t("round.handling_note") aria-label=i18n.t("round.handling_note")
                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                <button type="button" class="button" data-testid="dismiss" on:click=move |_| act.with_value(|a| a(false))>{i18n.t("round.dismiss")}</button>
                <button type="button" class="button" data-testid="uphold" on:click=move |_| act.with_value(|a| a(true))>{i18n.t("round.uphold")}</button>
            </div>
        })}
    }
}

#[component]
fn AuditLog(entries: Vec<AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    // A member's phone gets others' objections without who filed them.
    let name = move |m: &Option<MemberId>| match m {
        None => i18n.now("round.organizer"),
        Some(m) if zhibu_core::visibility::is_redacted(m) => i18n.now("round.someone"),
        Some(m) => session.with_untracked(|s| name_of(s.records().state(), m)),
    };
    view! {
        <details class="card audit">
            <summary>{i18n.t("round.audit")}</summary>
            <table class="ledger-table" data-testid="audit">
                <tbody>
                    {entries.into_iter().map(|e| {
                        let who = name(&e.actor);
                        let what = match &e.what {
                            Audited::Rules(f) => i18n.fmt("audit.rules", &[("f", f)]),
                            Audited::Stage(s) => i18n.fmt("audit.stage", &[("stage", &words::stage(i18n.lang.get_untracked(), *s))]),
                            Audited::Codes(n) => i18n.fmt("audit.codes", &[("n", n)]),
                            Audited::Nominated(m) => i18n.fmt("audit.nominated", &[("name", &name(&Some(m.clone())))]),
                            Audited::Reviewed(m, ok) => i18n.fmt(if *ok { "audit.approved" } else { "audit.rejected" }, &[("name", &name(&Some(m.clone())))]),
                            Audited::Objection(_) => i18n.now("audit.objection"),
                            Audited::Handled(_, up) => i18n.now(if *up { "audit.upheld" } else { "audit.dismissed" }),
                            Audited::Paper(m) => i18n.fmt("audit.paper", &[("name", &name(&Some(m.clone())))]),
                        };
                        view! {
                            <tr data-testid="audit-row">
                                <td>{move || words::date_time(i18n.lang.get(), zone, e.at / 1000)}</td>
                                <td>{who}</td>
                                <td>{what}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// The printable 公示 notice (A4), or the 表彰 list.
#[component]
fn Notice(id: RoundId, honours: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(v) = session.with_untracked(|s| view_of(s.records().state(), &id)) else {
        return view! { <p class="empty">{i18n.t("round.missing")}</p> }.into_any();
    };
    let zone = session.with_untracked(|s| s.records().state().settings().zone);
    let start = zone.local(v.round.publicity_start().unwrap_or(v.round.stage.at)).date();
    let r = &v.round.rules;
    let end = rounds::publicity_end(start, r.publicity_days, &r.holidays, &r.workdays);
    let people: Vec<MemberId> =
        if honours { v.honoured.clone() } else { v.tally.as_ref().map(|t| t.elected.clone()).unwrap_or_default() };
    let rows: Vec<(String, String, Vec<String>)> = session.with_untracked(|s| {
        let state = s.records().state();
        people
            .iter()
            .map(|p| {
                let m = state.member(p);
                let deeds = v
                    .nominees
                    .iter()
                    .find(|n| &n.member == p)
                    .map(|n| n.nominations.iter().map(|(_, x)| x.deeds.clone()).collect())
                    .unwrap_or_default();
                (
                    m.as_ref().map_or_else(|| p.to_string(), |m| m.fields.name.clone()),
                    m.map(|m| m.fields.group).unwrap_or_default(),
                    deeds,
                )
            })
            .collect()
    });
    let nobody = rows_len(&v.tally) == 0;
    let print = |_| platform::print();
    let title = r.title.clone();
    let branch = v.branch.clone();
    view! {
        <section class="page notice" data-testid=if honours { "honours-list" } else { "notice" }>
            <p class="crumb no-print"><a href=format!("#/round/{id}")>{i18n.t("round.back_to_round")}</a></p>
            <h2 class="notice-title">{if honours { i18n.fmt("notice.honours_title", &[("title", &title)]) } else { i18n.fmt("notice.title", &[("title", &title)]) }}</h2>
            {(!honours && nobody).then(|| view! { <p class="prose" data-testid="notice-none">{i18n.t("notice.none")}</p> })}
            {(!honours && !nobody).then(|| view! { <p class="prose">{move || i18n.fmt("notice.body", &[("n", &rows_len(&v.tally)), ("start", &words::date(i18n.lang.get(), start)), ("end", &words::date(i18n.lang.get(), end))])}</p> })}
            <ol class="notice-list">
                {rows.into_iter().map(|(name, group, deeds)| view! {
                    <li data-testid="notice-name">
                        <strong>{name}</strong>{(!group.is_empty()).then(|| format!("（{group}）"))}
                        {(!honours).then(|| deeds.into_iter().map(|d| view! { <p class="prose">{d}</p> }).collect_view())}
                    </li>
                }).collect_view()}
            </ol>
            {(!honours).then(|| {
                let committee = v.committee.clone();
                view! {
                    <p class="prose" data-testid="notice-objections">
                        {move || match &committee {
                            Some(c) => i18n.fmt("notice.objections_to", &[("committee", c)]),
                            None => i18n.now("notice.objections"),
                        }}
                    </p>
                }
            })}
            <p class="cert-sign">{branch}</p>
            <p class="cert-sign">{move || words::date(i18n.lang.get(), start)}</p>
            <div class="actions no-print">
                <button type="button" class="button button-primary" data-testid="print-notice" on:click=print>{i18n.t("meeting.print")}</button>
            </div>
        </section>
    }
    .into_any()
}

fn rows_len(t: &Option<Tally>) -> usize {
    t.as_ref().map_or(0, |t| t.elected.len())
}
