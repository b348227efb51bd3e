//! Group commit for the audit log's read entries (a file opened, an export downloaded, a
//! refused request). Each one used to be its own durable transaction, so under load every
//! reader queued behind SQLite's one writer (and PostgreSQL's audit head row) just to log
//! itself: at 32 connections the 廉政档案 page's p99 was the writer queue, not its queries.
//!
//! Now a reader hands its entry to one task per database and waits until that task has
//! committed it: the task takes the write turn once, writes every entry that arrived while it
//! waited, in arrival order and chained like any other, and commits them together. A read is
//! still answered only after its entry is durable (nothing is logged "later"), and a reader
//! that goes away meanwhile does not take the entry with it.

use std::sync::Mutex;

use tokio::sync::{mpsc, oneshot};

use crate::StoreError;
use crate::audit::{Actor, NewEntry, record_many};
use crate::db::Db;

/// At most this many entries in one transaction (a burst is written in a few commits).
const MAX_BATCH: usize = 256;

/// One entry waiting for its commit.
struct Pending {
    actor: Actor,
    action: String,
    entity: String,
    entity_id: Option<String>,
    summary: serde_json::Value,
    done: oneshot::Sender<Result<(), String>>,
}

/// The queue to this database's writer task, started on first use (and again if the runtime
/// that ran it has ended, as between tests sharing nothing but a file).
#[derive(Default)]
pub(crate) struct ReadLog {
    queue: Mutex<Option<mpsc::UnboundedSender<Pending>>>,
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadLog")
    }
}

/// Records a read worth knowing about; returns once the entry is committed.
pub(crate) async fn log(db: &Db, actor: &Actor, action: &str, entity: &str, entity_id: Option<String>, summary: serde_json::Value) -> Result<(), StoreError> {
    let (done, committed) = oneshot::channel();
    let entry = Pending { actor: actor.clone(), action: action.to_string(), entity: entity.to_string(), entity_id, summary, done };
    let queue = {
        let mut slot = db.read_log().queue.lock().map_err(|_| StoreError::Internal("审计日志队列不可用".into()))?;
        match slot.as_ref() {
            Some(q) if !q.is_closed() => q.clone(),
            _ => {
                let (q, rx) = mpsc::unbounded_channel();
                tokio::spawn(write_batches(db.detached(), rx));
                *slot = Some(q.clone());
                q
            }
        }
    };
    queue.send(entry).map_err(|_| StoreError::Internal("审计日志写入已停止".into()))?;
    match committed.await {
        Ok(r) => r.map_err(StoreError::Internal),
        Err(_) => Err(StoreError::Internal("审计日志写入已停止".into())),
    }
}

/// The writer task: ends when every handle of the database is gone (the queue closes).
async fn write_batches(db: Db, mut rx: mpsc::UnboundedReceiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        // the write turn is taken before the batch is closed: what arrives while waiting for
        // it goes into the same commit
        let written = match db.begin().await {
            Ok(mut tx) => {
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(p) => batch.push(p),
                        Err(_) => break,
                    }
                }
                write(&mut tx, &batch).await.map(|()| tx)
            }
            Err(e) => Err(e),
        };
        let r = match written {
            Ok(tx) => tx.commit().await,
            Err(e) => Err(e),
        };
        if let Err(e) = &r {
            tracing::error!(error = %e, entries = batch.len(), "审计日志（读取记录）写入失败");
        }
        let r = r.map_err(|e| e.to_string());
        for p in batch {
            let _ = p.done.send(r.clone());
        }
    }
}

async fn write(tx: &mut crate::db::Tx, batch: &[Pending]) -> Result<(), StoreError> {
    let entries: Vec<NewEntry<'_>> = batch.iter().map(|p| NewEntry { actor: &p.actor, action: &p.action, entity: &p.entity, entity_id: p.entity_id.as_deref(), summary: p.summary.to_string() }).collect();
    record_many(tx, &entries).await
}
