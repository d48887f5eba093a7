//! Browser tests of the storage layer, in headless Chromium: two writers at
//! once, full storage, corrupt data. Each test starts from empty storage.

use gloo_storage::{LocalStorage, Storage as _};
use wasm_bindgen_test::*;
use zhibu::session::Session;
use zhibu::storage::{self, SaveError, Store};
use zhibu_core::ids::{DeviceId, MemberId};
use zhibu_core::roster::{MemberDraft, MemberFields};

wasm_bindgen_test_configure!(run_in_browser);

fn fields(name: &str) -> MemberFields {
    MemberDraft { name: name.into(), group: "第一党小组".into(), ..Default::default() }.validate().unwrap()
}

/// Adds a member and checks it was stored.
fn add(s: &mut Session, fields: MemberFields) -> MemberId {
    let id = s.add_member(fields).unwrap();
    assert_eq!(s.saved, Ok(()), "stored");
    id
}

fn session(writer: &str) -> Session {
    Session::load(Store::with_writer(DeviceId(writer.into())))
}

fn names(session: &Session) -> Vec<String> {
    let mut names: Vec<String> = session.records().state().members().into_iter().map(|m| m.fields.name).collect();
    names.sort();
    names
}

fn clear() {
    LocalStorage::clear();
}

#[wasm_bindgen_test]
fn two_writers_interleaving_lose_nothing() {
    clear();
    let (mut a, mut b) = (session("tab-a"), session("tab-b"));
    for i in 0..20 {
        add(&mut a, fields(&format!("甲{i:02}")));
        add(&mut b, fields(&format!("乙{i:02}")));
        if i == 9 {
            // A compacts half way while B keeps writing its own log.
            a.compact();
            assert_eq!(a.saved, Ok(()), "compacted");
        }
    }
    let fresh = session("tab-c");
    assert_eq!(names(&fresh).len(), 40);
    assert!(names(&fresh).contains(&"乙19".to_string()));
    assert!(names(&fresh).contains(&"甲00".to_string()));
}

#[wasm_bindgen_test]
fn a_snapshot_from_another_tab_shrinks_our_log_without_losing_events() {
    clear();
    let (mut a, mut b) = (session("tab-a"), session("tab-b"));
    add(&mut b, fields("王建国"));
    add(&mut b, fields("李秀英"));
    assert_eq!(b.own_len(), 2);
    // A folds B's log into the snapshot; B hears of it (the storage event).
    a.compact();
    assert_eq!(a.saved, Ok(()), "compacted");
    b.foreign_change(Some(storage::SNAPSHOT_KEY));
    assert_eq!(b.own_len(), 0, "covered events leave B's log");
    assert_eq!(names(&session("tab-c")), ["李秀英", "王建国"]);
    // A sees B's later writes through B's log key.
    add(&mut b, fields("张伟"));
    assert!(a.foreign_change(Some("zhibu:log:tab-b")).changed);
    assert_eq!(names(&a), ["张伟", "李秀英", "王建国"]);
}

#[wasm_bindgen_test]
fn a_writer_reads_its_own_log_back() {
    clear();
    let mut a = session("tab-a");
    add(&mut a, fields("刘芳"));
    let reloaded = session("tab-a");
    assert_eq!(reloaded.own_len(), 1);
    assert_eq!(names(&reloaded), ["刘芳"]);
}

/// Fills localStorage until even a short value is refused.
fn fill_storage() -> usize {
    let raw = LocalStorage::raw();
    let mut n = 0;
    for size in [1 << 20, 1 << 16, 1 << 12, 1 << 8, 16] {
        while raw.set_item(&format!("filler:{n}"), &"x".repeat(size)).is_ok() {
            n += 1;
        }
        n += 1;
    }
    n
}

fn unfill(n: usize) {
    for i in 0..n {
        LocalStorage::delete(format!("filler:{i}"));
    }
}

#[wasm_bindgen_test]
fn full_storage_is_reported_and_the_event_stays_in_memory() {
    clear();
    let mut s = session("tab-a");
    add(&mut s, fields("王建国"));
    let fillers = fill_storage();
    let used = storage::used_units();
    assert!(used > storage::QUOTA_UNITS * 9 / 10, "storage filled to {used} units");

    s.add_member(fields("李秀英")).unwrap();
    assert_eq!(s.saved, Err(SaveError::Full));
    assert_eq!(names(&s), ["李秀英", "王建国"], "kept in memory");
    assert!(s.export_backup().contains("李秀英"), "the offered export has it");

    // Space comes back: the next save writes everything held.
    unfill(fillers);
    s.save().unwrap();
    assert_eq!(names(&session("tab-b")), ["李秀英", "王建国"]);
}

#[wasm_bindgen_test]
fn corrupt_and_unknown_data_is_set_aside_and_the_app_starts() {
    clear();
    let raw = LocalStorage::raw();
    raw.set_item(storage::SNAPSHOT_KEY, "{\"schema\":2,\"snapshot\":{not json").unwrap();
    raw.set_item("zhibu:log:old-tab", "{\"schema\":99,\"events\":[]}").unwrap();
    let mut s = session("tab-a");
    assert!(names(&s).is_empty());
    assert_eq!(s.set_aside.len(), 2);
    let froms: Vec<&str> = s.set_aside.iter().map(|a| a.from.as_str()).collect();
    assert!(froms.contains(&storage::SNAPSHOT_KEY) && froms.contains(&"zhibu:log:old-tab"));
    // The originals are kept byte for byte.
    let snap_copy = s.set_aside.iter().find(|a| a.from == storage::SNAPSHOT_KEY).unwrap();
    assert_eq!(storage::set_aside_text(&snap_copy.key).as_deref(), Some("{\"schema\":2,\"snapshot\":{not json"));
    let newer = s.set_aside.iter().find(|a| a.from == "zhibu:log:old-tab").unwrap();
    assert!(newer.reason.contains("newer version"), "{}", newer.reason);
    // The app works on, and the copies survive a restart.
    add(&mut s, fields("赵磊"));
    s.compact();
    assert_eq!(s.saved, Ok(()), "compacted");
    let again = session("tab-b");
    assert_eq!(names(&again), ["赵磊"]);
    assert_eq!(again.set_aside.len(), 2);
}

#[wasm_bindgen_test]
fn importing_a_backup_twice_changes_nothing_the_second_time() {
    clear();
    let mut a = session("tab-a");
    add(&mut a, fields("黄敏"));
    let backup = a.export_backup();
    clear();
    let mut b = session("tab-b");
    let first = b.import_backup(&backup).unwrap();
    assert!(first.changed);
    assert!(b.wants_compaction(), "imported data waits for a snapshot");
    b.compact();
    assert_eq!(b.saved, Ok(()), "compacted");
    assert!(!b.wants_compaction());
    let second = b.import_backup(&backup).unwrap();
    assert!(!second.changed);
    assert_eq!(names(&session("tab-c")), ["黄敏"]);
    // A malformed file changes nothing.
    assert!(b.import_backup("{\"schema\":2,\"events\":[{}]}").is_err());
    assert_eq!(names(&session("tab-c")), ["黄敏"]);
}

#[wasm_bindgen_test]
fn a_snapshot_overwritten_by_a_racing_tab_is_written_again() {
    clear();
    let (mut a, mut b) = (session("tab-a"), session("tab-b"));
    let backup = {
        let mut other = session("elsewhere");
        add(&mut other, fields("孙晓燕"));
        other.export_backup()
    };
    clear();
    // A imports and compacts; B, which read the snapshot before, overwrites it.
    a.import_backup(&backup).unwrap();
    a.compact();
    assert_eq!(a.saved, Ok(()), "compacted");
    add(&mut b, fields("陈明"));
    let stale = b.records().snapshot().clone();
    let mut b_records = zhibu_core::records::Records::from_snapshot(stale);
    b_records.merge_events(b.records().pending());
    b_records.compact();
    LocalStorage::raw().set_item(storage::SNAPSHOT_KEY, &zhibu_core::document::to_json(&b_records)).unwrap();
    // A hears of it and sees its imported member missing: compact again.
    let foreign = a.foreign_change(Some(storage::SNAPSHOT_KEY));
    assert!(foreign.compact);
    assert!(a.wants_compaction());
    a.compact();
    assert_eq!(a.saved, Ok(()), "compacted");
    assert_eq!(names(&session("tab-c")), ["孙晓燕", "陈明"]);
}

#[wasm_bindgen_test]
fn a_closed_page_log_is_folded_and_removed_once_its_lease_is_released() {
    clear();
    let mut old = session("old-page");
    add(&mut old, fields("吴桂兰"));
    Store::with_writer(DeviceId("old-page".into())).release();
    let mut new = session("new-page");
    assert_eq!(names(&new), ["吴桂兰"]);
    new.compact();
    assert_eq!(new.saved, Ok(()), "compacted");
    assert_eq!(LocalStorage::raw().get_item("zhibu:log:old-page").unwrap(), None);
    assert_eq!(names(&session("third-page")), ["吴桂兰"]);
}

#[wasm_bindgen_test]
fn an_unreadable_snapshot_is_set_aside_before_compaction_writes_over_it() {
    clear();
    let mut s = session("tab-a");
    add(&mut s, fields("王建国"));
    // Another (newer) app version writes a snapshot this one cannot read.
    let newer = "{\"schema\":3,\"snapshot\":{}}";
    LocalStorage::raw().set_item(storage::SNAPSHOT_KEY, newer).unwrap();
    s.compact();
    assert_eq!(s.saved, Ok(()), "compacted");
    let kept = s.set_aside.iter().find(|a| a.from == storage::SNAPSHOT_KEY).expect("kept aside");
    assert_eq!(storage::set_aside_text(&kept.key).as_deref(), Some(newer));
    assert_eq!(names(&session("tab-b")), ["王建国"]);
}

#[wasm_bindgen_test]
fn a_newer_apps_snapshot_is_never_overwritten_and_our_events_stay_in_our_log() {
    clear();
    let mut s = session("tab-a");
    add(&mut s, fields("王建国"));
    let newer = "{\"schema\":99,\"snapshot\":{\"future\":true}}";
    LocalStorage::raw().set_item(storage::SNAPSHOT_KEY, newer).unwrap();
    s.compact();
    assert_eq!(s.saved, Err(SaveError::Newer));
    // Untouched, not set aside, and our event still in our own log.
    assert_eq!(LocalStorage::raw().get_item(storage::SNAPSHOT_KEY).unwrap().as_deref(), Some(newer));
    assert!(storage::set_aside_list().is_empty());
    let log = LocalStorage::raw().get_item("zhibu:log:tab-a").unwrap().expect("our log");
    assert!(log.contains("王建国"));
    // A second attempt changes nothing either.
    s.compact();
    assert_eq!(s.saved, Err(SaveError::Newer));
    assert!(storage::set_aside_list().is_empty());
}

#[wasm_bindgen_test]
fn ballots_from_two_tabs_both_survive_apart_from_the_roll() {
    use zhibu_core::rounds::{Mode, Rules, Stage};
    clear();
    let mut a = session("kiosk-a");
    let ids: Vec<_> = ["张一", "李二", "王三", "赵四"].iter().map(|n| add(&mut a, fields(n))).collect();
    let rules = Rules { mode: Mode::Codes, ..Rules::new("评选", 2026, 1) };
    let round = a.save_round(None, rules).unwrap();
    a.advance_round(&round, Stage::Nomination).unwrap();
    a.nominate(&round, &ids[1], &ids[0], "事迹").unwrap();
    a.advance_round(&round, Stage::Review).unwrap();
    a.review(&round, &ids[0], true, "").unwrap();
    let codes = a.issue_codes(&round, 2, false).unwrap();
    a.advance_round(&round, Stage::Voting).unwrap();
    // A second tab opened now: both cast a ballot with their own code.
    let mut b = session("kiosk-b");
    a.vote_code(&round, &codes[0], std::slice::from_ref(&ids[0])).unwrap();
    b.vote_code(&round, &codes[1], &[]).unwrap();
    // A used code is refused, and the box is unchanged.
    assert!(a.vote_code(&round, &codes[0], &[]).is_err());
    let c = session("kiosk-c");
    let state = c.records().state();
    assert_eq!(zhibu_core::ballot::box_of(state, &round).len(), 2, "neither tab overwrote the other's ballot");
    assert_eq!(zhibu_core::rounds::turnout(state, &c.records().state().round(&round).unwrap()).0, 2);
    // The logs (the roll) never name a ballot's slot; the box names no code.
    let slots: Vec<String> = state.ballots.0[&round].keys().cloned().collect();
    let stored_box = LocalStorage::raw().get_item(storage::BOX_KEY).unwrap().unwrap();
    for key in ["zhibu:log:kiosk-a", "zhibu:log:kiosk-b"] {
        let log = LocalStorage::raw().get_item(key).unwrap().unwrap_or_default();
        assert!(slots.iter().all(|s| !log.contains(s.as_str())), "{key} names a slot");
    }
    for code in &codes {
        assert!(!stored_box.contains(&zhibu_core::ballot::code_hash(&round, code)));
    }
}
