//! What every request handler shares.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lianzheng_core::crypto::Crypto;
use lianzheng_core::password::PasswordHasher;
use lianzheng_store::Db;

use crate::cache::Caches;
use crate::storage::Storage;

/// Security and limits, from defaults → lianzheng.toml → LIANZHENG_* (see the app crate).
#[derive(Debug, Clone)]
pub struct Policy {
    /// 责任清单 must be filed by this day of the year ("MM-DD").
    pub list_deadline: String,
    /// Letters whose own text shares at least this Jaccard similarity are flagged as copies.
    pub letter_threshold: f64,
    pub lockout_attempts: i64,
    pub lockout_minutes: i64,
    pub idle_timeout_minutes: i64,
    pub session_hours: i64,
    /// API tokens: absolute lifetime (hours) and how long one may go unused (minutes).
    pub api_token_hours: i64,
    pub api_token_idle_minutes: i64,
    /// Proxies whose `X-Forwarded-For` is believed; empty: the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    pub password_min_length: usize,
    /// Sign-in attempts per minute from one address.
    pub login_rate_per_minute: u32,
    pub upload_max_bytes: usize,
    pub upload_types: Vec<String>,
    /// Admin roles must pass a second factor.
    pub require_totp_for_admins: bool,
    pub site_name: String,
    /// Cookies with `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// 任务分工: days before a deadline when an unfinished item turns 黄.
    pub task_yellow_days: i64,
    /// 任务分工: days before a deadline when the daily job starts reminding.
    pub task_reminder_days: i64,
    /// Seconds a principal / a list page stays cached on one node (0: off).
    pub principal_cache_seconds: u64,
    pub list_cache_seconds: u64,
    /// `/metrics` answers requests from this machine (loopback) only when on.
    pub metrics_enabled: bool,
    /// 廉政测评: requests per minute from one address to the public voting page (a meeting's
    /// phones may share one address behind the hall's Wi-Fi).
    pub ballot_rate_per_minute: u32,
    /// 检查考核等次: the least share of full marks (percent) for 好, 较好 and 一般 (below: 差;
    /// a veto item makes 差 whatever the points).
    pub inspection_grade_good: u32,
    pub inspection_grade_fairly_good: u32,
    pub inspection_grade_average: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            list_deadline: "03-31".to_string(),
            letter_threshold: 0.7,
            lockout_attempts: 5,
            lockout_minutes: 15,
            idle_timeout_minutes: 30,
            session_hours: 12,
            api_token_hours: 24,
            api_token_idle_minutes: 120,
            trusted_proxies: Vec::new(),
            password_min_length: 10,
            login_rate_per_minute: 20,
            upload_max_bytes: 20 * 1024 * 1024,
            upload_types: ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls", "ofd"].iter().map(|s| s.to_string()).collect(),
            require_totp_for_admins: true,
            site_name: "党风廉政建设责任制管理平台".to_string(),
            secure_cookies: false,
            task_yellow_days: 7,
            task_reminder_days: 7,
            principal_cache_seconds: 5,
            list_cache_seconds: 2,
            metrics_enabled: false,
            ballot_rate_per_minute: 300,
            inspection_grade_good: 90,
            inspection_grade_fairly_good: 80,
            inspection_grade_average: 60,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub crypto: Arc<dyn Crypto>,
    pub hasher: Arc<PasswordHasher>,
    pub storage: Arc<dyn Storage>,
    pub policy: Arc<Policy>,
    pub limiter: Arc<RateLimiter>,
    pub caches: Arc<Caches>,
    pub version: &'static str,
    /// The jobs' timings from the configuration (the defaults of the 系统设置 page).
    pub schedule: Arc<crate::app::system::Schedule>,
    /// Settings the 系统管理员 changed at run time (`app::settings`), read on every use.
    pub settings: Arc<LiveSettings>,
}

/// The stored settings (key → value) as this node last read them: replaced on every write
/// through this node and re-read every few seconds (`app::settings::refresh_loop`), so a change
/// applies without a restart, on every node.
#[derive(Default)]
pub struct LiveSettings {
    values: std::sync::RwLock<HashMap<String, String>>,
}

impl LiveSettings {
    pub fn get(&self, key: &str) -> Option<String> {
        match self.values.read() {
            Ok(m) => m.get(key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(key).cloned(),
        }
    }
    pub fn replace(&self, values: HashMap<String, String>) {
        match self.values.write() {
            Ok(mut m) => *m = values,
            Err(poisoned) => *poisoned.into_inner() = values,
        }
    }
}

/// A fixed-window counter per key (the client address). In memory: a node that restarts
/// forgets, which is acceptable for slowing guessing; lockout itself is in the database.
/// At most `capacity` keys are kept: someone cycling addresses makes the oldest windows go,
/// not the node's memory.
pub struct RateLimiter {
    inner: Mutex<Windows>,
    capacity: usize,
}

#[derive(Default)]
struct Windows {
    /// key → (window start, sequence number, calls in the window)
    by_key: HashMap<String, (Instant, u64, u32)>,
    /// (window start, sequence number) → key: the oldest window first, for eviction
    by_age: BTreeMap<(Instant, u64), String>,
    seq: u64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::with_capacity(10_000)
    }
}

impl RateLimiter {
    pub fn with_capacity(capacity: usize) -> Self {
        RateLimiter { inner: Mutex::new(Windows::default()), capacity: capacity.max(1) }
    }

    /// True if the call is allowed.
    pub fn check(&self, key: &str, per_minute: u32) -> bool {
        let Ok(mut w) = self.inner.lock() else { return true };
        let now = Instant::now();
        if let Some(&(start, seq, count)) = w.by_key.get(key) {
            if now.duration_since(start).as_secs() < 60 {
                let count = count.saturating_add(1);
                w.by_key.insert(key.to_string(), (start, seq, count));
                return count <= per_minute;
            }
            // the window is over: start a new one, at the young end
            w.by_age.remove(&(start, seq));
            w.by_key.remove(key);
        }
        while w.by_key.len() >= self.capacity {
            let Some(((start, seq), old)) = w.by_age.pop_first() else { break };
            if w.by_key.get(&old).is_some_and(|e| e.0 == start && e.1 == seq) {
                w.by_key.remove(&old);
            }
        }
        w.seq += 1;
        let seq = w.seq;
        w.by_age.insert((now, seq), key.to_string());
        w.by_key.insert(key.to_string(), (now, seq, 1));
        1 <= per_minute
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|w| w.by_key.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn limiter_allows_up_to_the_rate_per_key() {
        let l = RateLimiter::default();
        assert!((0..3).all(|_| l.check("a", 3)));
        assert!(!l.check("a", 3));
        assert!(l.check("b", 3), "keys are separate");
    }

    #[test]
    fn limiter_memory_is_bounded_and_the_oldest_key_goes() {
        let l = RateLimiter::with_capacity(3);
        for k in ["a", "b", "c"] {
            assert!(l.check(k, 1));
        }
        assert!(!l.check("a", 1));
        for i in 0..100 {
            l.check(&format!("x{i}"), 1);
            assert!(l.len() <= 3);
        }
        // "a" was evicted with the other old windows: it starts afresh
        assert!(l.check("a", 1));
        assert_eq!(l.len(), 3);
    }
}
