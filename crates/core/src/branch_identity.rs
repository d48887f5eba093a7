//! Who the branch is: its 支部名称 and, optionally, its 上级党委. The app
//! asks for them at first run, shows the name in its header and signs every
//! notice, print and export with it (issue 20, item 12).

use crate::settings::{MAX_BRANCH_NAME, Setting, Settings};
use serde::Serialize;

/// Why a name was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NameProblem {
    /// No 支部名称 given.
    NameRequired,
    /// Longer than [`MAX_BRANCH_NAME`] characters (`which`: 支部名称 or 上级党委).
    TooLong {
        /// `branch` or `parent`.
        which: &'static str,
    },
}

/// Whether the app must still ask for the branch's name.
pub fn needs_name(settings: &Settings) -> bool {
    settings.branch_name.trim().is_empty()
}

/// The settings that name the branch: spaces trimmed (an ideographic space
/// too), only what differs from `now`, so a name another device set stays
/// when this one leaves it as it was.
pub fn name_branch(now: &Settings, name: &str, parent: &str) -> Result<Vec<Setting>, NameProblem> {
    let name = crate::fullwidth::narrow(name).trim().to_owned();
    let parent = crate::fullwidth::narrow(parent).trim().to_owned();
    if name.is_empty() {
        return Err(NameProblem::NameRequired);
    }
    if name.chars().count() > MAX_BRANCH_NAME {
        return Err(NameProblem::TooLong { which: "branch" });
    }
    if parent.chars().count() > MAX_BRANCH_NAME {
        return Err(NameProblem::TooLong { which: "parent" });
    }
    let mut changes = Vec::new();
    if name != now.branch_name {
        changes.push(Setting::BranchName(name));
    }
    if parent != now.parent_committee {
        changes.push(Setting::ParentCommittee(parent));
    }
    Ok(changes)
}

/// The committee a notice tells members to go to: 第一党支部 → 第一党支部委员会.
pub fn committee(settings: &Settings) -> Option<String> {
    let name = settings.branch_name.trim();
    (!name.is_empty()).then(|| if name.ends_with("委员会") { name.to_owned() } else { format!("{name}委员会") })
}

/// A file name for an export, led by the branch's name when it has one
/// (`第一党支部-出勤台账-2026.csv`); characters file systems refuse become `_`.
pub fn file_name(settings: &Settings, base: &str) -> String {
    let name = settings.branch_name.trim();
    let full = if name.is_empty() { base.to_owned() } else { format!("{name}-{base}") };
    full.chars()
        .map(
            |c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            },
        )
        .collect()
}
