//! The code sheet (投票码单) on the device that issued it: the plaintext
//! codes of the batch it made, so the slips can be printed again until
//! voting closes. Only here, under a key of its own
//! (`zhibu:sheet:<round>`): outside the document, the event log, backups,
//! exports and the sync outbox. Removed once the core says the sheet is no
//! longer kept (`code_batches::keeps_sheet`: voting closed, the round gone,
//! or a newer batch from another device standing instead).

use super::{PREFIX, get, keys, remove, set};
use std::cell::RefCell;
use std::collections::BTreeMap;
use zhibu_core::code_batches;
use zhibu_core::ids::RoundId;
use zhibu_core::state::State;

thread_local! {
    /// Sheets this page load could not store (blocked or full storage):
    /// printable until it is closed, which the page says.
    static MEMORY: RefCell<BTreeMap<RoundId, Vec<String>>> = const { RefCell::new(BTreeMap::new()) };
}

fn key(round: &RoundId) -> String {
    format!("{PREFIX}sheet:{round}")
}

/// Keeps a new batch's codes on this device (replacing an older sheet).
pub fn keep(round: &RoundId, codes: &[String]) {
    let text = codes.join("\n");
    let stored = set(&key(round), &text).is_ok();
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        if stored {
            m.remove(round);
        } else {
            m.insert(round.clone(), codes.to_vec());
        }
    });
}

/// The sheet this device holds for a round, while it is kept; a sheet no
/// longer kept is removed here.
pub fn held(state: &State, round: &RoundId) -> Option<Vec<String>> {
    let codes = get(&key(round))
        .map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
        .or_else(|| MEMORY.with(|m| m.borrow().get(round).cloned()))?;
    if code_batches::keeps_sheet(state, round, &codes) {
        Some(codes)
    } else {
        forget(round);
        None
    }
}

/// Removes every sheet the records no longer keep (run as rounds change).
pub fn sweep(state: &State) {
    let prefix = format!("{PREFIX}sheet:");
    for k in keys() {
        if let Some(round) = k.strip_prefix(&prefix) {
            let _ = held(state, &RoundId(round.to_owned()));
        }
    }
    let rounds: Vec<RoundId> = MEMORY.with(|m| m.borrow().keys().cloned().collect());
    for round in rounds {
        let _ = held(state, &round);
    }
}

fn forget(round: &RoundId) {
    let _ = remove(&key(round));
    MEMORY.with(|m| m.borrow_mut().remove(round));
}
