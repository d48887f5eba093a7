//! Lamport stamps and last-writer-wins registers that keep what they overrode.
//!
//! Every register is a join-semilattice: `set` is commutative, associative and
//! idempotent, so folding the same events in any order, with duplicates,
//! gives the same register. Ties on the stamp (two tabs of one device could
//! share a clock value) are broken by the value itself, still deterministic.

use crate::ids::DeviceId;
use serde::{Deserialize, Serialize};

/// When and where a write happened, in causal (Lamport) order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Lamport clock of the event.
    pub clock: u64,
    /// Writer that made the event; breaks clock ties.
    pub device: DeviceId,
}

/// A last-writer-wins value with the values it overrode kept as history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lww<T> {
    /// The winning value.
    pub value: T,
    /// The winning write's stamp.
    pub stamp: Stamp,
    /// Overridden writes, oldest first; never silently dropped.
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<(Stamp, T)>,
}

impl<T: Ord + Clone> Lww<T> {
    /// A register holding one write.
    pub fn new(value: T, stamp: Stamp) -> Self {
        Self { value, stamp, history: Vec::new() }
    }

    /// Merges one write in. Returns whether the register changed.
    pub fn set(&mut self, value: T, stamp: Stamp) -> bool {
        let incoming = (stamp, value);
        let current = (&self.stamp, &self.value);
        match (&incoming.0, &incoming.1).cmp(&current) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Greater => {
                let old_stamp = std::mem::replace(&mut self.stamp, incoming.0);
                let old_value = std::mem::replace(&mut self.value, incoming.1);
                insert_sorted(&mut self.history, (old_stamp, old_value));
                true
            }
            std::cmp::Ordering::Less => insert_sorted(&mut self.history, incoming),
        }
    }

    /// Whether this write is already in the register (as winner or history).
    pub fn contains(&self, value: &T, stamp: &Stamp) -> bool {
        (&self.stamp == stamp && &self.value == value)
            || self.history.binary_search_by(|(s, v)| (s, v).cmp(&(stamp, value))).is_ok()
    }

    /// Every write's stamp, the winner's first.
    pub fn stamps(&self) -> impl Iterator<Item = &Stamp> {
        std::iter::once(&self.stamp).chain(self.history.iter().map(|(s, _)| s))
    }

    /// Joins another register into this one (used when merging snapshots).
    pub fn join(&mut self, other: &Lww<T>) -> bool {
        let mut changed = self.set(other.value.clone(), other.stamp.clone());
        for (stamp, value) in &other.history {
            changed |= self.set(value.clone(), stamp.clone());
        }
        changed
    }
}

/// Inserts into a sorted, duplicate-free history. Returns whether it was new.
fn insert_sorted<T: Ord>(history: &mut Vec<(Stamp, T)>, entry: (Stamp, T)) -> bool {
    match history.binary_search(&entry) {
        Ok(_) => false,
        Err(at) => {
            history.insert(at, entry);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(clock: u64, device: &str) -> Stamp {
        Stamp { clock, device: device.into() }
    }

    #[test]
    fn later_clock_wins_and_loser_is_kept() {
        let mut reg = Lww::new("a", stamp(1, "x"));
        assert!(reg.set("b", stamp(2, "x")));
        assert_eq!(reg.value, "b");
        assert_eq!(reg.history, vec![(stamp(1, "x"), "a")]);
    }

    #[test]
    fn concurrent_writes_resolve_by_device_then_value_either_order() {
        let mut one = Lww::new("a", stamp(5, "dev-a"));
        one.set("b", stamp(5, "dev-b"));
        let mut two = Lww::new("b", stamp(5, "dev-b"));
        two.set("a", stamp(5, "dev-a"));
        assert_eq!(one, two);
        assert_eq!(one.value, "b");
        assert_eq!(one.history, vec![(stamp(5, "dev-a"), "a")]);
    }

    #[test]
    fn same_write_twice_changes_nothing() {
        let mut reg = Lww::new("a", stamp(1, "x"));
        assert!(reg.set("old", stamp(0, "x")));
        assert!(!reg.set("old", stamp(0, "x")));
        assert!(!reg.set("a", stamp(1, "x")));
        assert_eq!(reg.history.len(), 1);
    }
}
