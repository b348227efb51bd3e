//! The background worker: polls the jobs table, runs what is due under a lease, reschedules.

use std::time::Duration;

use lianzheng_store::audit::{self, ChainCheck};
use lianzheng_store::duty::tasks;
use lianzheng_store::{Db, jobs, now, sessions};

pub const SESSION_CLEANUP: &str = "session_cleanup";
pub const AUDIT_VERIFY: &str = "audit_verify";
/// 任务分工: daily reminders before and after deadlines.
pub const TASK_REMINDERS: &str = "task_reminders";

#[derive(Debug, Clone)]
pub struct Schedule {
    pub session_cleanup_secs: i64,
    pub audit_verify_secs: i64,
    pub idle_secs: i64,
    /// 任务分工: remind from this many days before a deadline.
    pub task_reminder_days: i64,
}

pub async fn ensure_scheduled(db: &Db, s: &Schedule) -> anyhow::Result<()> {
    let t = now();
    jobs::ensure(db, SESSION_CLEANUP, t + 60).await?;
    jobs::ensure(db, AUDIT_VERIFY, t + s.audit_verify_secs.min(3600)).await?;
    jobs::ensure(db, TASK_REMINDERS, t + 300).await?;
    Ok(())
}

/// Runs one due job if there is one; returns the kind that ran.
pub async fn run_once(db: &Db, worker: &str, s: &Schedule) -> anyhow::Result<Option<String>> {
    let Some(job) = jobs::claim(db, worker, 600).await? else { return Ok(None) };
    let (next, error) = match job.kind.as_str() {
        SESSION_CLEANUP => match sessions::delete_stale(db, s.idle_secs).await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(removed = n, "expired sessions removed");
                }
                (now() + s.session_cleanup_secs, None)
            }
            Err(e) => (now() + 60, Some(e.to_string())),
        },
        AUDIT_VERIFY => match audit::verify_chain(db).await {
            Ok(ChainCheck::Intact { entries, unkeyed }) => {
                tracing::info!(entries, unkeyed, "audit chain intact");
                (now() + s.audit_verify_secs, None)
            }
            Ok(ChainCheck::Broken { seq, reason }) => {
                tracing::error!(seq, %reason, "AUDIT CHAIN BROKEN");
                (now() + s.audit_verify_secs, Some(format!("日志链断裂：第{seq}条：{reason}")))
            }
            Err(e) => (now() + 600, Some(e.to_string())),
        },
        TASK_REMINDERS => match tasks::run_reminders(db, tasks::today(), s.task_reminder_days).await {
            Ok(n) => {
                tracing::info!(created = n, "task reminders");
                (next_morning(), None)
            }
            Err(e) => (now() + 600, Some(e.to_string())),
        },
        other => (now() + 86400, Some(format!("未知任务类型：{other}"))),
    };
    jobs::finish(db, job.id, worker, next, error).await?;
    Ok(Some(job.kind))
}

/// 06:00 Beijing time tomorrow, when the day's reminders are made.
fn next_morning() -> i64 {
    let t = now();
    let day = 86_400;
    let beijing = t + 8 * 3600;
    let six = beijing - beijing.rem_euclid(day) + 6 * 3600;
    let next = if six > beijing { six } else { six + day };
    next - 8 * 3600
}

/// Polls until the process ends.
pub async fn worker_loop(db: Db, s: Schedule) {
    let worker = format!("node-{}-{}", std::process::id(), now());
    loop {
        match run_once(&db, &worker, &s).await {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "background job failed"),
        }
        tokio::time::sleep(Duration::from_secs(15)).await;
    }
}
