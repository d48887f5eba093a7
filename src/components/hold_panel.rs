//! 标记为已召开, asked first: how many become 缺席 and who, who counts
//! present by role; then 撤销 while the core still allows it.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::held;
use zhibu_core::ids::MeetingId;

/// The question before holding. `asking` closes it; `undo` offers the undo
/// once held.
#[component]
pub fn HoldAsk(
    id: MeetingId,
    asking: RwSignal<bool>,
    undo: RwSignal<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id_plan = id.clone();
    let plan = Memo::new(move |_| {
        session.with(|s| {
            let state = s.records().state();
            let meeting = state.meeting(&id_plan)?;
            Some(held::plan(state, &meeting, &state.settings(), s.organizer_key().as_ref()))
        })
    });
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = confirm_ref.get() {
            let _ = b.focus();
        }
    });
    let confirm = move |_| {
        let absent = plan.with_untracked(|p| p.as_ref().and_then(|p| p.as_ref().ok()).map_or(0, |p| p.absent.len()));
        let result = session.try_update(|s| s.hold(&id));
        asking.set(false);
        match result {
            Some(Err(p)) => message.set(Some(words::meeting_problem(i18n.lang.get_untracked(), &p))),
            _ => {
                undo.set(true);
                message.set(Some(i18n.fmt("hold.done", &[("n", &absent)])));
            }
        }
    };
    move || {
        let plan = match plan.get()? {
            Ok(plan) => plan,
            Err(p) => {
                return Some(
                    view! { <p class="field-error" role="alert">{words::meeting_problem(i18n.lang.get(), &p)}</p> }
                        .into_any(),
                );
            }
        };
        let n = plan.absent.len();
        let by_role = plan.by_role.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join("、");
        Some(
            view! {
                <section
                    class="card hold-ask no-print"
                    role="alertdialog"
                    aria-labelledby="hold-ask-title"
                    aria-describedby="hold-ask-count"
                    data-testid="hold-ask"
                >
                    <h3 id="hold-ask-title">{i18n.t("hold.ask_title")}</h3>
                    <p id="hold-ask-count" data-testid="hold-absent-count" data-n=n.to_string()>
                        {move || if n == 0 { i18n.now("hold.none_absent") } else { i18n.fmt("hold.will_absent", &[("n", &n)]) }}
                    </p>
                    <ul class="hold-absent" data-testid="hold-absent">
                        {plan.absent.into_iter().map(|(_, name)| view! { <li data-testid="hold-absent-name">{name}</li> }).collect_view()}
                    </ul>
                    {(!by_role.is_empty()).then(|| view! { <p class="hint" data-testid="hold-by-role">{move || i18n.fmt("hold.by_role", &[("names", &by_role)])}</p> })}
                    <div class="form-actions">
                        <button type="button" class="button button-primary" data-testid="confirm-hold" node_ref=confirm_ref on:click=confirm.clone()>
                            {i18n.t("hold.confirm")}
                        </button>
                        <button type="button" class="button" data-testid="cancel-hold" on:click=move |_| asking.set(false)>
                            {i18n.t("form.cancel")}
                        </button>
                    </div>
                </section>
            }
            .into_any(),
        )
    }
}

/// 撤销, offered right after holding, while nobody else has edited the sheet.
#[component]
pub fn HoldUndo(id: MeetingId, undo: RwSignal<bool>, message: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id_may = id.clone();
    let may = Memo::new(move |_| session.with(|s| held::may_undo(s.records().state(), &id_may, s.writer())));
    let run = move |_| {
        let result = session.try_update(|s| s.undo_hold(&id));
        match result {
            Some(Err(p)) => message.set(Some(words::undo_problem(i18n.lang.get_untracked(), p))),
            _ => {
                undo.set(false);
                message.set(Some(i18n.now("hold.undone")));
            }
        }
    };
    move || {
        if !undo.get() {
            return None;
        }
        Some(match may.get() {
            Ok(()) => view! {
                <div class="form-actions no-print" data-testid="hold-undo">
                    <button type="button" class="button" data-testid="undo-hold" on:click=run.clone()>
                        {i18n.t("hold.undo")}
                    </button>
                </div>
            }
            .into_any(),
            // Not held any more (undone elsewhere) — nothing to offer.
            Err(held::UndoProblem::NotHeld) => ().into_any(),
            Err(p) => view! { <p class="hint no-print" data-testid="hold-undo-gone">{move || words::undo_problem(i18n.lang.get(), p)}</p> }.into_any(),
        })
    }
}
