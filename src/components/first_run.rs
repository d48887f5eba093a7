//! First run on an organizer's device: the branch's name (and, optionally,
//! its 上级党委) before anything else, so that notices, prints and exports
//! are signed with it rather than a generic 支部委员会.

use crate::context::use_session;
use crate::i18n::use_i18n;
use crate::words;
use leptos::prelude::*;
use zhibu_core::branch_identity;

/// The card, shown while the branch has no name on a device that keeps
/// the branch's records (not a member's phone).
#[component]
pub fn FirstRun() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let wanted = Memo::new(move |_| {
        session.with(|s| s.is_organizer() && branch_identity::needs_name(&s.records().state().settings()))
    });
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    // `Err(())`: the core refused the setting (a bug; said, not hidden).
    let problem = RwSignal::new(None::<Result<branch_identity::NameProblem, ()>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = session.with_untracked(|s| {
            branch_identity::name_branch(
                &s.records().state().settings(),
                &name.get_untracked(),
                &parent.get_untracked(),
            )
        });
        match outcome {
            Ok(changes) => {
                problem.set(None);
                // The name was checked by `name_branch`; a refusal here would be a bug.
                if let Some(Err(_)) = session.try_update(|s| s.set_settings(changes)) {
                    problem.set(Some(Err(())));
                }
            }
            Err(p) => problem.set(Some(Ok(p))),
        }
    };
    move || {
        wanted.get().then(|| {
            view! {
                <section class="card first-run" aria-labelledby="first-run-title" data-testid="first-run">
                    <h2 id="first-run-title">{i18n.t("firstrun.title")}</h2>
                    <p class="hint">{i18n.t("firstrun.hint")}</p>
                    <form on:submit=save novalidate>
                        <div class="form-row">
                            <label for="first-run-name">{i18n.t("branch.name")}</label>
                            <input
                                id="first-run-name"
                                data-testid="first-run-name"
                                required
                                maxlength="100"
                                autocomplete="organization"
                                placeholder="例：城关社区第一党支部"
                                aria-invalid=move || problem.with(|p| p.is_some()).to_string()
                                aria-describedby="first-run-problem"
                                prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev))
                            />
                        </div>
                        <div class="form-row">
                            <label for="first-run-parent">{i18n.t("branch.parent")}</label>
                            <input
                                id="first-run-parent"
                                data-testid="first-run-parent"
                                maxlength="100"
                                prop:value=parent
                                on:input=move |ev| parent.set(event_target_value(&ev))
                            />
                        </div>
                        <p id="first-run-problem" class="field-error" role="alert">
                            {move || {
                                problem
                                    .get()
                                    .map(|p| match p {
                                        Ok(p) => words::name_problem(i18n.lang.get(), &p),
                                        Err(()) => words::setting_refused(i18n.lang.get()),
                                    })
                            }}
                        </p>
                        <button type="submit" class="button button-primary" data-testid="first-run-save">
                            {i18n.t("firstrun.save")}
                        </button>
                    </form>
                    <p class="hint">{i18n.t("firstrun.member")}</p>
                </section>
            }
        })
    }
}
