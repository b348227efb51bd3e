//! This process's write generations, one per table (hashed into 64 slots). Read caches tag each
//! entry with the generations of the tables it was read from, so a write to `people` leaves the
//! plan caches warm and a session's "last seen" leaves the principal cache warm, while nothing
//! read before a write to one of its own tables is served after it
//! (docs/decisions/0009-read-caches.md).
//!
//! The tables a statement writes are read off its SQL as it runs (`INSERT INTO t`, `UPDATE t`);
//! anything else that is not a plain `SELECT` (a `DELETE`, whose foreign keys may cascade, a
//! script, a `WITH`) counts as a write to every table. Two tables may share a slot: a cache then
//! goes stale a little more often, never less.

use std::sync::atomic::{AtomicU64, Ordering};

const SLOTS: usize = 64;

/// A set of tables, as a bit per slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tables(u64);

impl Tables {
    pub const NONE: Tables = Tables(0);
    pub const ALL: Tables = Tables(u64::MAX);

    /// The set of these tables (names as in the migrations).
    pub const fn of(names: &[&str]) -> Tables {
        let mut bits = 0u64;
        let mut i = 0;
        while i < names.len() {
            bits |= 1 << slot(names[i].as_bytes());
            i += 1;
        }
        Tables(bits)
    }

    pub fn union(self, other: Tables) -> Tables {
        Tables(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The tables a statement writes: none for a read, every table when it cannot tell.
    pub fn written_by(sql: &str) -> Tables {
        let mut words = sql.split_ascii_whitespace();
        let first = words.next().unwrap_or("");
        let table = if first.eq_ignore_ascii_case("SELECT") {
            return Tables::NONE;
        } else if first.eq_ignore_ascii_case("INSERT") {
            // INSERT INTO t …
            words.next().filter(|w| w.eq_ignore_ascii_case("INTO")).and_then(|_| words.next())
        } else if first.eq_ignore_ascii_case("UPDATE") {
            words.next()
        } else {
            None
        };
        match table.map(|t| t.split(['(', ' ']).next().unwrap_or(t)) {
            Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => Tables(1 << slot(t.as_bytes())),
            _ => Tables::ALL,
        }
    }
}

/// FNV-1a of the lower-cased name, folded into a slot.
const fn slot(name: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < name.len() {
        h ^= name[i].to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    (h % SLOTS as u64) as u32
}

/// The generations of this process: bumped after every committed write, per table.
#[derive(Debug)]
pub struct Generation([AtomicU64; SLOTS]);

impl Default for Generation {
    fn default() -> Self {
        Generation(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

impl Generation {
    /// A value that grows whenever one of `tables` is written (the sum of their slots).
    pub fn current(&self, tables: Tables) -> u64 {
        self.slots(tables).map(|s| s.load(Ordering::Acquire)).fold(0, u64::wrapping_add)
    }

    pub fn bump(&self, tables: Tables) {
        for s in self.slots(tables) {
            s.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Every cached read is stale (a write from outside the store's view, e.g. in tests).
    pub fn bump_all(&self) {
        self.bump(Tables::ALL)
    }

    fn slots(&self, tables: Tables) -> impl Iterator<Item = &AtomicU64> {
        self.0.iter().enumerate().filter(move |(i, _)| tables.0 & (1 << i) != 0).map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_the_tables_they_write() {
        assert_eq!(Tables::written_by("SELECT * FROM people"), Tables::NONE);
        assert_eq!(Tables::written_by("  select 1"), Tables::NONE);
        assert_eq!(Tables::written_by("INSERT INTO people (id) VALUES ($1)"), Tables::of(&["people"]));
        assert_eq!(Tables::written_by("INSERT INTO people(id) VALUES ($1)"), Tables::of(&["people"]));
        assert_eq!(Tables::written_by("UPDATE sessions SET last_seen_at = $1"), Tables::of(&["sessions"]));
        assert_eq!(Tables::written_by("insert into Tasks (id) values (1)"), Tables::of(&["tasks"]));
        // a delete may cascade; anything else is not understood
        assert_eq!(Tables::written_by("DELETE FROM duty_lists WHERE id = $1"), Tables::ALL);
        assert_eq!(Tables::written_by("WITH x AS (SELECT 1) UPDATE tasks SET progress = 1"), Tables::ALL);
        assert_eq!(Tables::written_by("CREATE TABLE t (id BIGINT)"), Tables::ALL);
        assert_eq!(Tables::written_by("INSERT OR IGNORE INTO t VALUES (1)"), Tables::ALL);
        assert_eq!(Tables::written_by(""), Tables::ALL);
    }

    #[test]
    fn a_write_moves_only_its_tables() {
        let g = Generation::default();
        let people = Tables::of(&["people", "posts"]);
        let plans = Tables::of(&["task_plans"]);
        let (p0, t0) = (g.current(people), g.current(plans));
        g.bump(Tables::of(&["posts"]));
        assert_ne!(g.current(people), p0);
        // (different slots: if the hash ever puts them together this test says so)
        assert_eq!(g.current(plans), t0);
        g.bump_all();
        assert_ne!(g.current(plans), t0);
    }
}
