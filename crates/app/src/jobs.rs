//! The background worker: polls the jobs table, runs what is due under a lease, reschedules.
//! The jobs are the modules' (`lianzheng_web::modules`): each declares its kind, label and
//! runner, and the scheduler and the worker loop over them.

use std::time::Duration;

use lianzheng_store::{Db, jobs, now};
pub use lianzheng_web::app::system::Schedule;
use lianzheng_web::modules;

/// Makes sure every module's job has a row (a fresh database runs each soon after start).
pub async fn ensure_scheduled(db: &Db, s: &Schedule) -> anyhow::Result<()> {
    let t = now();
    for job in modules::jobs() {
        jobs::ensure(db, job.kind, t + (job.first_in)(s)).await?;
    }
    Ok(())
}

/// Runs one due job if there is one; returns the kind that ran.
pub async fn run_once(db: &Db, worker: &str, s: &Schedule) -> anyhow::Result<Option<String>> {
    let Some(job) = jobs::claim(db, worker, 600).await? else { return Ok(None) };
    let ran = match modules::job(&job.kind) {
        Some(j) => (j.run)(db, s).await,
        None => lianzheng_web::app::system::Ran { next_at: now() + 86400, error: Some(format!("未知任务类型：{}", job.kind)) },
    };
    if let Some(e) = &ran.error {
        tracing::warn!(job = modules::job_label(&job.kind), error = %e, "background job failed");
    }
    jobs::finish(db, job.id, worker, ran.next_at, ran.error).await?;
    Ok(Some(job.kind))
}

/// Polls until the process ends. Each run takes the timings in force at that moment
/// (系统设置 may have changed them since start-up).
pub async fn worker_loop(st: lianzheng_web::AppState) {
    let worker = format!("node-{}-{}", std::process::id(), now());
    loop {
        let s = lianzheng_web::app::settings::schedule(&st);
        match run_once(&st.db, &worker, &s).await {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "background job failed"),
        }
        tokio::time::sleep(Duration::from_secs(15)).await;
    }
}
