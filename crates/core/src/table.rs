//! A map of last-writer-wins registers: the shape of every record the branch
//! keeps besides members and attendance marks (meetings, settings, check-ins,
//! leave, make-up study). One generic join keeps the merge proof in one place.

use crate::clock::{Lww, Stamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Registers by key. Stored as a list of `[key, register]` pairs so that
/// compound keys (meeting, member) survive JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table<K, V>(pub BTreeMap<K, Lww<V>>);

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table(BTreeMap::new())
    }
}

impl<K: Ord + Clone, V: Ord + Clone> Table<K, V> {
    /// Merges one write. Returns whether anything changed.
    pub fn set(&mut self, key: &K, value: V, stamp: Stamp) -> bool {
        match self.0.get_mut(key) {
            Some(reg) => reg.set(value, stamp),
            None => {
                self.0.insert(key.clone(), Lww::new(value, stamp));
                true
            }
        }
    }

    /// Whether this write is already folded in.
    pub fn contains(&self, key: &K, value: &V, stamp: &Stamp) -> bool {
        self.0.get(key).is_some_and(|reg| reg.contains(value, stamp))
    }

    /// Joins another table in.
    pub fn join(&mut self, other: &Table<K, V>) -> bool {
        let mut changed = false;
        for (key, theirs) in &other.0 {
            changed |= match self.0.get_mut(key) {
                Some(reg) => reg.join(theirs),
                None => {
                    self.0.insert(key.clone(), theirs.clone());
                    true
                }
            };
        }
        changed
    }

    /// The winning value for a key.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.get(key).map(|reg| &reg.value)
    }

    /// Winning values in key order.
    pub fn values(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, reg)| (k, &reg.value))
    }

    /// Every clock in the table, winners and history.
    pub fn clocks(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.values().flat_map(|r| std::iter::once(r.stamp.clock).chain(r.history.iter().map(|(s, _)| s.clock)))
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Serialize, V: Serialize> Serialize for Table<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de, K: Deserialize<'de> + Ord + Clone, V: Deserialize<'de> + Ord + Clone> Deserialize<'de> for Table<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs: Vec<(K, Lww<V>)> = Vec::deserialize(d)?;
        let mut table = Table::default();
        // A repeated key joins rather than overwrites: nothing is lost.
        for (key, reg) in pairs {
            let mut one = Table::default();
            one.0.insert(key, reg);
            table.join(&one);
        }
        Ok(table)
    }
}
