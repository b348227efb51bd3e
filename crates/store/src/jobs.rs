//! 后台任务: a jobs table claimed with a lease, so several app nodes on one PostgreSQL never run
//! the same job at once, and a node that dies only delays a job until its lease runs out.

use sqlx::FromRow;

use crate::StoreError;
use crate::db::{Db, now, q};

#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub run_at: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub last_run_at: Option<i64>,
}

/// Makes sure a recurring job of this kind exists (one row per kind).
pub async fn ensure(db: &Db, kind: &str, first_run_at: i64) -> Result<(), StoreError> {
    db.execute(q("INSERT INTO jobs (kind, run_at, created_at) VALUES ($1, $2, $3) ON CONFLICT (kind) DO NOTHING").bind(kind).bind(first_run_at).bind(now())).await?;
    Ok(())
}

/// Claims one due job for `worker` for `lease_secs`. The conditional UPDATE is the lock:
/// of two nodes racing for the same row, only one sees a row changed.
pub async fn claim(db: &Db, worker: &str, lease_secs: i64) -> Result<Option<Job>, StoreError> {
    let t = now();
    let due: Vec<Job> = db.fetch_all(q("SELECT id, kind, run_at, attempts, last_error, last_run_at FROM jobs WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at LIMIT 5").bind(t)).await?;
    for job in due {
        let n = db
            .execute(
                q("UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id = $3 AND run_at <= $4 AND (locked_until IS NULL OR locked_until < $4)")
                    .bind(worker)
                    .bind(t + lease_secs)
                    .bind(job.id)
                    .bind(t),
            )
            .await?;
        if n == 1 {
            return Ok(Some(job));
        }
    }
    Ok(None)
}

/// Releases a job and schedules its next run.
pub async fn finish(db: &Db, id: i64, worker: &str, next_run_at: i64, error: Option<String>) -> Result<(), StoreError> {
    db.execute(
        q("UPDATE jobs SET locked_by = NULL, locked_until = NULL, run_at = $1, last_error = $2, last_run_at = $3, attempts = CASE WHEN $2 IS NULL THEN 0 ELSE attempts END WHERE id = $4 AND locked_by = $5")
            .bind(next_run_at)
            .bind(error)
            .bind(now())
            .bind(id)
            .bind(worker),
    )
    .await?;
    Ok(())
}

pub async fn list(db: &Db) -> Result<Vec<Job>, StoreError> {
    db.fetch_all(q("SELECT id, kind, run_at, attempts, last_error, last_run_at FROM jobs ORDER BY kind")).await
}

/// Runs a job at the next poll (tests and the admin page).
pub async fn run_soon(db: &Db, kind: &str) -> Result<(), StoreError> {
    db.execute(q("UPDATE jobs SET run_at = $1 WHERE kind = $2").bind(now()).bind(kind)).await?;
    Ok(())
}

/// Moves a job's next run (its timing was changed in 系统设置). A run in progress keeps its
/// lease and sets its own next run when it finishes.
pub async fn reschedule(db: &Db, kind: &str, run_at: i64) -> Result<(), StoreError> {
    db.execute(q("UPDATE jobs SET run_at = $1 WHERE kind = $2 AND locked_until IS NULL").bind(run_at).bind(kind)).await?;
    Ok(())
}
