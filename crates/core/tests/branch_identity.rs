//! The branch's name is asked at first run and signs what the app prints
//! and exports (issue 20, item 12).

use zhibu_core::branch_identity::{NameProblem, committee, file_name, name_branch, needs_name};
use zhibu_core::clock::Stamp;
use zhibu_core::ids::DeviceId;
use zhibu_core::settings::{Setting, SettingKey, Settings};
use zhibu_core::table::Table;

fn settings(changes: Vec<Setting>) -> Settings {
    let mut table: Table<SettingKey, Setting> = Table::default();
    for (i, c) in changes.into_iter().enumerate() {
        table.set(&c.key(), c, Stamp { clock: i as u64 + 1, device: DeviceId("d".into()) });
    }
    Settings::from_table(&table)
}

#[test]
fn a_new_branch_needs_its_name_and_a_named_one_does_not() {
    let fresh = Settings::default();
    assert!(needs_name(&fresh));
    let changes = name_branch(&fresh, "  城关社区第一党支部　", "中共城关镇委员会").unwrap();
    assert_eq!(
        changes,
        [Setting::BranchName("城关社区第一党支部".into()), Setting::ParentCommittee("中共城关镇委员会".into())]
    );
    let named = settings(changes);
    assert!(!needs_name(&named));
    assert_eq!(named.branch_name, "城关社区第一党支部");
    assert_eq!(named.parent_committee, "中共城关镇委员会");
}

#[test]
fn a_name_is_required_and_bounded() {
    let fresh = Settings::default();
    assert_eq!(name_branch(&fresh, " 　", ""), Err(NameProblem::NameRequired));
    assert_eq!(name_branch(&fresh, &"支".repeat(101), ""), Err(NameProblem::TooLong { which: "branch" }));
    assert_eq!(name_branch(&fresh, "第一党支部", &"委".repeat(101)), Err(NameProblem::TooLong { which: "parent" }));
    // The parent committee is optional.
    assert_eq!(name_branch(&fresh, "第一党支部", ""), Ok(vec![Setting::BranchName("第一党支部".into())]));
}

#[test]
fn only_what_changed_is_recorded() {
    let named = settings(vec![Setting::BranchName("第一党支部".into())]);
    assert_eq!(name_branch(&named, "第一党支部", ""), Ok(vec![]));
    assert_eq!(
        name_branch(&named, "第一党支部", "城关镇党委"),
        Ok(vec![Setting::ParentCommittee("城关镇党委".into())])
    );
}

#[test]
fn notices_and_files_carry_the_name() {
    assert_eq!(committee(&Settings::default()), None);
    let named = settings(vec![Setting::BranchName("第一党支部".into())]);
    assert_eq!(committee(&named).as_deref(), Some("第一党支部委员会"));
    assert_eq!(file_name(&named, "出勤台账-2026.csv"), "第一党支部-出勤台账-2026.csv");
    assert_eq!(file_name(&Settings::default(), "出勤台账-2026.csv"), "出勤台账-2026.csv");
    let slashed = settings(vec![Setting::BranchName("机关/后勤 党支部".into())]);
    assert_eq!(file_name(&slashed, "名册.csv"), "机关_后勤 党支部-名册.csv");
}

#[test]
fn the_parent_committee_setting_is_checked_like_the_name() {
    assert!(Setting::ParentCommittee("城关镇党委".into()).check().is_ok());
    assert!(Setting::ParentCommittee("委".repeat(101)).check().is_err());
}
