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
    /// 任务分工: the hour of the day (Beijing time) the day's reminders are made.
    pub task_reminder_hour: i64,
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
    /// The timing the 系统管理员 may change (系统设置).
    pub timing: Timing,
}

/// A job's timing as one whole number in a unit (an interval, or an hour of the day).
pub struct Timing {
    /// What the number is, shown after the job's label ("运行间隔", "每日运行时间").
    pub label: &'static str,
    pub help: &'static str,
    pub unit: &'static str,
    pub min: i64,
    pub max: i64,
    pub get: fn(&Schedule) -> i64,
    pub set: fn(&mut Schedule, i64),
    /// When the job runs next under a schedule (after its timing changed).
    pub next: fn(&Schedule) -> i64,
}

/// `secs` seconds from now (a job's next run after an interval).
pub fn from_now(secs: i64) -> i64 {
    now() + secs
}

/// The next time it is `hour`:00 in Beijing (06:00 by default, when the day's reminders are made).
pub fn next_at_hour(hour: i64) -> i64 {
    let t = now();
    let day = 86_400;
    let beijing = t + 8 * 3600;
    let at = beijing - beijing.rem_euclid(day) + hour.clamp(0, 23) * 3600;
    let next = if at > beijing { at } else { at + day };
    next - 8 * 3600
}
