//! What every request handler shares.

use std::collections::HashMap;
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
    pub api_token_hours: i64,
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
}

/// A fixed-window counter per key (the client address). In memory: a node that restarts
/// forgets, which is acceptable for slowing guessing; lockout itself is in the database.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// True if the call is allowed.
    pub fn check(&self, key: &str, per_minute: u32) -> bool {
        let Ok(mut map) = self.windows.lock() else { return true };
        let now = Instant::now();
        if map.len() > 10_000 {
            map.retain(|_, (t, _)| now.duration_since(*t).as_secs() < 60);
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0).as_secs() >= 60 {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= per_minute
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
}
