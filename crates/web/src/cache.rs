//! Short-lived, node-local caches for the reads that every request repeats: who is asking (the
//! principal behind a token) and the pages of hot lists. Why and how stale they may be:
//! docs/decisions/0009-read-caches.md.
//!
//! Two rules keep them honest. On this node, every committed write (`Tx::commit`, so also writes
//! made while serving a GET, and background jobs; `Db::execute` outside a transaction) moves
//! the generation of each table it wrote, and an entry is only served while the generations of
//! the tables it was read from are current — so a person who changes something sees the change
//! on their next read, while a write elsewhere (a progress report) leaves unrelated entries (the
//! people list) warm. Other nodes, and the command line, are not told: their changes show within
//! the time-to-live (a few seconds, in settings; 0 turns a cache off).

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lianzheng_store::duty::tasks::{Plan, PlanData, Reminder};
use lianzheng_store::people::Person;
use lianzheng_store::{Generation, Tables};
use quick_cache::sync::Cache;

use crate::app::todo::Todos;
use crate::auth::Principal;
use crate::state::Policy;

/// How long a person's 待办 stays cached on one node (when the list cache is on).
const TODO_CACHE_SECONDS: u64 = 30;

/// What a principal is read from (a session's "last seen" is written unseen: see `sessions::touch`).
const PRINCIPAL_TABLES: &[&str] = &["sessions", "users", "grants", "orgs"];

/// A unit a plan page may be filtered by.
pub type UnitOption = lianzheng_store::org::Org;

/// The caches of one node.
pub struct Caches {
    pub generation: Arc<Generation>,
    /// By token hash; the client address is filled in per request.
    pub principals: Fresh<String, Principal>,
    /// A page of the people list and the total, by scope, filter and page.
    pub people_pages: Fresh<String, (Arc<Vec<Person>>, i64)>,
    /// A 任务分工 plan's items and units by plan id and revision (every viewer's tree is computed
    /// from it). The revision (`task_plans.revision`, moved by every write to the plan's items)
    /// is the key, so only a write to this plan's items, or to the units, makes it stale.
    pub plans: Fresh<(lianzheng_core::ids::PlanId, i64), Arc<PlanData>>,
    /// A plan's row as one scope may see it (the access check of every plan page), by scope and id.
    pub plan_rows: Fresh<String, Plan>,
    /// The unit filter of a plan page (the owner and the units directly under it), by owner id.
    pub plan_units: Fresh<lianzheng_core::ids::OrgId, Arc<Vec<UnitOption>>>,
    /// Today's 到期提醒 by scope and plan (a county's reminders are thousands of rows to sort).
    pub reminders: Fresh<String, Arc<Vec<Reminder>>>,
    /// What waits for a person (the home page's 待办 and the bell's count), by user id.
    pub todos: Fresh<lianzheng_core::ids::UserId, Arc<Todos>>,
    /// 工作日历: the whole calendar (a few dozen rows a year), read by every time limit counted
    /// in working days; an edit makes it stale at once on this node.
    pub calendar: Fresh<(), Arc<lianzheng_core::calendar::Calendar>>,
}

impl Caches {
    /// `generation` is the database's: a committed write makes stale what was read from its tables.
    /// `todo_tables` are the tables the 待办 providers read (the modules' business tables).
    pub fn new(policy: &Policy, generation: Arc<Generation>, todo_tables: &[&str]) -> Caches {
        let list_ttl = Duration::from_secs(policy.list_cache_seconds);
        let t = |names: &[&str]| generation.tables(names);
        let plan_tables = t(&["task_plans", "tasks", "task_orgs", "orgs"]);
        Caches {
            principals: Fresh::new(generation.clone(), t(PRINCIPAL_TABLES), 10_000, Duration::from_secs(policy.principal_cache_seconds)),
            // a page is ~15 KB: 512 pages stay under 8 MB
            people_pages: Fresh::new(generation.clone(), t(&["people", "posts", "orgs"]), 512, list_ttl),
            // units are renamed and moved (paths) without moving any plan's revision; a county's
            // plan of ~150 items is ~150 KB, the 2,000-item bench plan ~2 MB: 64 plans of a
            // province's counties stay warm together
            plans: Fresh::new(generation.clone(), t(&["orgs"]), 64, list_ttl),
            plan_rows: Fresh::new(generation.clone(), plan_tables, 4096, list_ttl),
            plan_units: Fresh::new(generation.clone(), t(&["orgs"]), 256, list_ttl),
            reminders: Fresh::new(generation.clone(), t(&["task_reminders", "task_plans", "tasks", "orgs"]), 1024, list_ttl),
            // a few hundred bytes per signed-in person; longer than a list page (every page's
            // bell reads it), as a write to what it reads still makes it stale at once; off with the list cache
            todos: Fresh::new(generation.clone(), t(todo_tables), 10_000, Duration::from_secs(if policy.list_cache_seconds == 0 { 0 } else { TODO_CACHE_SECONDS })),
            calendar: Fresh::new(generation.clone(), t(&["calendar_years", "calendar_days"]), 1, list_ttl),
            generation,
        }
    }

    /// Hits and misses of each cache since start: (name, hits, misses). Read by `/metrics`.
    pub fn stats(&self) -> [(&'static str, u64, u64); 7] {
        [
            ("principals", self.principals.hits(), self.principals.misses()),
            ("people_pages", self.people_pages.hits(), self.people_pages.misses()),
            ("plans", self.plans.hits(), self.plans.misses()),
            ("plan_rows", self.plan_rows.hits(), self.plan_rows.misses()),
            ("plan_units", self.plan_units.hits(), self.plan_units.misses()),
            ("reminders", self.reminders.hits(), self.reminders.misses()),
            ("calendar", self.calendar.hits(), self.calendar.misses()),
        ]
    }
}

/// Values that stay fresh for `ttl` and until the next write on this node to one of the tables
/// they are read from. Entries are keyed by (key, generation of those tables): a write makes
/// every older entry unreachable (they age out by capacity).
pub struct Fresh<K, V> {
    entries: Cache<(K, u64), (Instant, V)>,
    ttl: Duration,
    generation: Arc<Generation>,
    tables: Tables,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Clone> Fresh<K, V> {
    pub fn new(generation: Arc<Generation>, tables: Tables, capacity: usize, ttl: Duration) -> Self {
        Fresh { entries: Cache::new(capacity.max(1)), ttl, generation, tables, hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    fn count(&self, hit: bool) {
        let c = if hit { &self.hits } else { &self.misses };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The generation to tag a value with: take it before reading, so that a write committed
    /// during the read makes the value stale rather than keeping old data fresh.
    pub fn ticket(&self) -> u64 {
        self.generation.current(self.tables)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        if self.ttl.is_zero() {
            self.count(false);
            return None;
        }
        let fresh = self.entries.get(&(key.clone(), self.generation.current(self.tables))).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v);
        self.count(fresh.is_some());
        fresh
    }

    /// Kept under the generation it was read in: unreachable if a write has committed since.
    pub fn insert(&self, key: K, ticket: u64, v: V) {
        if !self.ttl.is_zero() {
            self.entries.insert((key, ticket), (Instant::now(), v));
        }
    }

    pub fn remove(&self, key: &K) {
        self.entries.remove(&(key.clone(), self.generation.current(self.tables)));
    }

    /// The cached value, or `load`'s (then kept). Concurrent callers for one key wait for a
    /// single load rather than all reading the database at once when an entry expires.
    pub async fn get_or_load<E, F: Future<Output = Result<V, E>>>(&self, key: K, load: impl FnOnce() -> F) -> Result<V, E> {
        if self.ttl.is_zero() {
            self.count(false);
            return load().await;
        }
        let slot = (key, self.generation.current(self.tables));
        let guard = loop {
            match self.entries.get_value_or_guard_async(&slot).await {
                Ok((at, v)) if at.elapsed() < self.ttl => {
                    // a caller that waited on another's load counts as a hit: it did not read
                    self.count(true);
                    return Ok(v);
                }
                // expired: whoever removes it first loads; the others wait on that load
                Ok(_) => {
                    self.entries.remove_if(&slot, |(at, _)| at.elapsed() >= self.ttl);
                }
                Err(guard) => break guard,
            }
        };
        self.count(false);
        let v = load().await?;
        // kept under the generation it was read in: if a write committed meanwhile, only the
        // callers already waiting (who asked before the write finished) get it
        let _ = guard.insert((Instant::now(), v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    fn cache(ttl_ms: u64) -> (Arc<Generation>, Fresh<String, i64>) {
        let g = Arc::new(Generation::default());
        (g.clone(), Fresh::new(g.clone(), g.tables(&["people"]), 16, Duration::from_millis(ttl_ms)))
    }

    #[test]
    fn a_write_to_its_tables_makes_entries_stale() {
        let (g, c) = cache(60_000);
        c.insert("a".into(), c.ticket(), 1);
        assert_eq!(c.get(&"a".to_string()), Some(1));
        g.bump(g.tables(&["task_plans"]));
        assert_eq!(c.get(&"a".to_string()), Some(1), "a write elsewhere leaves it warm");
        g.bump(g.tables(&["people"]));
        assert_eq!(c.get(&"a".to_string()), None);
    }

    #[test]
    fn a_value_read_across_a_write_is_not_kept() {
        let (g, c) = cache(60_000);
        let ticket = c.ticket();
        g.bump_all(); // committed while the value was being read
        c.insert("a".into(), ticket, 1);
        assert_eq!(c.get(&"a".to_string()), None);
    }

    #[test]
    fn entries_expire_and_zero_ttl_turns_the_cache_off() {
        let (_, c) = cache(1);
        c.insert("a".into(), c.ticket(), 1);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.get(&"a".to_string()), None);
        let (_, off) = cache(0);
        off.insert("a".into(), off.ticket(), 1);
        assert_eq!(off.get(&"a".to_string()), None);
    }

    #[tokio::test]
    async fn get_or_load_loads_once() {
        let (_, c) = cache(60_000);
        let a: Result<i64, ()> = c.get_or_load("k".into(), || async { Ok(7) }).await;
        let b: Result<i64, ()> = c.get_or_load("k".into(), || async { Ok(8) }).await;
        assert_eq!((a, b), (Ok(7), Ok(7)));
    }

    #[tokio::test]
    async fn concurrent_misses_share_one_load() {
        let (_, c) = cache(60_000);
        let c = Arc::new(c);
        let loads = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (c, loads) = (c.clone(), loads.clone());
            tasks.push(tokio::spawn(async move {
                c.get_or_load("k".to_string(), || async {
                    loads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok::<i64, ()>(5)
                })
                .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(5));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }
}
