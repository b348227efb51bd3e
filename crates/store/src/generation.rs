//! This process's write generations, one per table. Read caches tag each
//! entry with the generations of the tables it was read from, so a write to `people` leaves the
//! plan caches warm and a session's "last seen" leaves the principal cache warm, while nothing
//! read before a write to one of its own tables is served after it
//! (docs/decisions/0009-read-caches.md).
//!
//! The tables a statement writes are read off its SQL as it runs (`INSERT INTO t`, `UPDATE t`);
//! anything else that is not a plain `SELECT` (a `DELETE`, whose foreign keys may cascade, a
//! script, a `WITH`) counts as a write to every table.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Tables beyond this many share the last counter (stale more often, never less).
const COUNTERS: usize = 256;

/// A set of tables, a bit per counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tables([u64; COUNTERS / 64]);

impl Tables {
    pub const NONE: Tables = Tables([0; COUNTERS / 64]);
    pub const ALL: Tables = Tables([u64::MAX; COUNTERS / 64]);

    fn one(i: usize) -> Tables {
        let mut t = Tables::NONE;
        t.0[i / 64] = 1 << (i % 64);
        t
    }

    pub fn union(self, other: Tables) -> Tables {
        Tables(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    pub fn is_empty(self) -> bool {
        self == Tables::NONE
    }

    fn contains(self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The table a statement writes: `Ok(None)` for a read, `Err(())` when it cannot tell.
fn target(sql: &str) -> Result<Option<&str>, ()> {
    let mut words = sql.split_ascii_whitespace();
    let first = words.next().unwrap_or("");
    let table = if first.eq_ignore_ascii_case("SELECT") {
        return Ok(None);
    } else if first.eq_ignore_ascii_case("INSERT") {
        // INSERT INTO t …
        words.next().filter(|w| w.eq_ignore_ascii_case("INTO")).and_then(|_| words.next())
    } else if first.eq_ignore_ascii_case("UPDATE") {
        words.next()
    } else {
        None
    };
    match table.map(|t| t.split('(').next().unwrap_or(t)) {
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') => Ok(Some(t)),
        _ => Err(()),
    }
}

/// The generations of this process: a counter per table, moved after every committed write.
#[derive(Debug)]
pub struct Generation {
    counters: Vec<AtomicU64>,
    /// Table name → counter, given out as names are first met.
    names: RwLock<HashMap<String, usize>>,
}

impl Default for Generation {
    fn default() -> Self {
        Generation { counters: (0..COUNTERS).map(|_| AtomicU64::new(0)).collect(), names: RwLock::new(HashMap::new()) }
    }
}

impl Generation {
    /// The set of these tables (lower-case names, as in the migrations).
    pub fn tables(&self, names: &[&str]) -> Tables {
        names.iter().fold(Tables::NONE, |all, n| all.union(Tables::one(self.index(n))))
    }

    /// The tables a statement writes: none for a read, every table when it cannot tell.
    pub fn written_by(&self, sql: &str) -> Tables {
        match target(sql) {
            Ok(None) => Tables::NONE,
            Ok(Some(t)) => Tables::one(self.index(t)),
            Err(()) => Tables::ALL,
        }
    }

    fn index(&self, name: &str) -> usize {
        if let Some(&i) = self.names.read().unwrap_or_else(|e| e.into_inner()).get(name) {
            return i;
        }
        let mut names = self.names.write().unwrap_or_else(|e| e.into_inner());
        let next = names.len().min(COUNTERS - 1);
        *names.entry(name.to_string()).or_insert(next)
    }

    /// A value that grows whenever one of `tables` is written (the sum of their counters).
    pub fn current(&self, tables: Tables) -> u64 {
        self.of(tables).map(|s| s.load(Ordering::Acquire)).fold(0, u64::wrapping_add)
    }

    pub fn bump(&self, tables: Tables) {
        for s in self.of(tables) {
            s.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Every cached read is stale (a write from outside the store's view, e.g. in tests).
    pub fn bump_all(&self) {
        self.bump(Tables::ALL)
    }

    fn of(&self, tables: Tables) -> impl Iterator<Item = &AtomicU64> {
        self.counters.iter().enumerate().filter(move |(i, _)| tables.contains(*i)).map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_the_tables_they_write() {
        let g = Generation::default();
        let w = |sql| g.written_by(sql);
        assert_eq!(w("SELECT * FROM people"), Tables::NONE);
        assert_eq!(w("  select 1"), Tables::NONE);
        assert_eq!(w("INSERT INTO people (id) VALUES ($1)"), g.tables(&["people"]));
        assert_eq!(w("INSERT INTO people(id) VALUES ($1)"), g.tables(&["people"]));
        assert_eq!(w("\n UPDATE sessions SET last_seen_at = $1"), g.tables(&["sessions"]));
        assert_ne!(g.tables(&["people"]), g.tables(&["sessions"]));
        // a delete may cascade; anything else is not understood
        assert_eq!(w("DELETE FROM duty_lists WHERE id = $1"), Tables::ALL);
        assert_eq!(w("WITH x AS (SELECT 1) UPDATE tasks SET progress = 1"), Tables::ALL);
        assert_eq!(w("CREATE TABLE t (id BIGINT)"), Tables::ALL);
        assert_eq!(w("INSERT OR IGNORE INTO t VALUES (1)"), Tables::ALL);
        assert_eq!(w("UPDATE \"Tasks\" SET x = 1"), Tables::ALL);
        assert_eq!(w(""), Tables::ALL);
    }

    #[test]
    fn a_write_moves_only_its_tables() {
        let g = Generation::default();
        let people = g.tables(&["people", "posts"]);
        let plans = g.tables(&["task_plans"]);
        let (p0, t0) = (g.current(people), g.current(plans));
        g.bump(g.tables(&["posts"]));
        assert_ne!(g.current(people), p0);
        assert_eq!(g.current(plans), t0);
        g.bump_all();
        assert_ne!(g.current(plans), t0);
    }

    #[test]
    fn tables_past_the_last_counter_share_it() {
        let g = Generation::default();
        let names: Vec<String> = (0..COUNTERS + 5).map(|i| format!("t{i}")).collect();
        let all: Vec<Tables> = names.iter().map(|n| g.tables(&[n.as_str()])).collect();
        assert_ne!(all[0], all[1]);
        assert_eq!(all[COUNTERS - 1], all[COUNTERS + 4]);
    }
}
