//! 系统运行: the background jobs and the stored settings.
//!
//! Background jobs as the modules declare them: each module lists its jobs (an English kind,
//! the Chinese label people see, when it first runs and the function that runs it) in the
//! registry; the worker and the scheduler in the binary loop over the registry. The runners
//! live with their area's use cases (system work, without a principal).

use std::future::Future;
use std::pin::Pin;

pub use lianzheng_store::jobs::Job as JobRow;
pub use lianzheng_store::schema::SYSTEM_TABLES as TABLES;
use lianzheng_store::{Db, now};

/// The settings the jobs run by.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub session_cleanup_secs: i64,
    pub audit_verify_secs: i64,
    pub idle_secs: i64,
    /// 任务分工: remind from this many days before a deadline.
    pub task_reminder_days: i64,
}

/// What one run answers: when the job runs next, and the failure people should see (Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    pub next_at: i64,
    pub error: Option<String>,
}

pub type RunFuture<'a> = Pin<Box<dyn Future<Output = Ran> + Send + 'a>>;

/// A module's background job.
pub struct Job {
    /// English code, stored in the jobs table.
    pub kind: &'static str,
    /// The field's term, shown wherever the job is shown.
    pub label: &'static str,
    /// Seconds after start-up when a fresh database first runs it.
    pub first_in: fn(&Schedule) -> i64,
    pub run: for<'a> fn(&'a Db, &'a Schedule) -> RunFuture<'a>,
}

/// 06:00 Beijing time tomorrow, when the day's reminders are made.
pub fn next_morning() -> i64 {
    let t = now();
    let day = 86_400;
    let beijing = t + 8 * 3600;
    let six = beijing - beijing.rem_euclid(day) + 6 * 3600;
    let next = if six > beijing { six } else { six + day };
    next - 8 * 3600
}
