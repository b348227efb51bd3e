//! 审计日志 use cases for the 安全审计员: one page of entries for a query, the whole chain
//! checked on demand, and the XLSX export (itself logged).

use lianzheng_core::audit_labels;
use lianzheng_core::org::Permission;
use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::audit::{self, AuditFilter};
pub use lianzheng_store::audit::{AuditEntry, ChainCheck};
pub use lianzheng_store::schema::AUDIT_TABLES as TABLES;
use serde::{Deserialize, Serialize};

use crate::app::paging::{self, Paging};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::layout::{fmt_time, parse_day};
use crate::state::AppState;

pub const PER_PAGE: i64 = 50;
const EXPORT_MAX: i64 = 50_000;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub from: String,
    pub to: String,
    /// page, size and sort (a key of [`SORTS`])
    #[serde(flatten)]
    pub paging: Paging,
}

/// The sortable columns: (key, label).
pub const SORTS: &[(&str, &str)] = &[("seq", "序号"), ("at", "时间"), ("actor", "操作人"), ("action", "操作")];

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        AuditFilter {
            actor: Some(self.actor.clone()),
            action: Some(self.action.clone()),
            entity: Some(self.entity.clone()),
            from: parse_day(&self.from),
            to: parse_day(&self.to).map(|t| t + 86400),
            sort: self.paging.sort(),
        }
    }
}

/// One page of entries: (entries, total, page number clamped to the last page, rows per page).
pub async fn list(st: &AppState, p: &Principal, q: &AuditQuery) -> AppResult<(Vec<AuditEntry>, i64, i64, i64)> {
    p.require(Permission::ViewAudit)?;
    let size = q.paging.size(PER_PAGE);
    let asked = q.paging.page();
    let f = q.filter();
    let (mut entries, total) = audit::list(&st.db, &f, (asked - 1) * size, size).await?;
    let page = paging::clamp(asked, size, total);
    if page != asked {
        entries = audit::list(&st.db, &f, (page - 1) * size, size).await?.0;
    }
    Ok((entries, total, page, size))
}

/// Walks the whole chain and names the first broken link.
pub async fn verify(st: &AppState, p: &Principal) -> AppResult<ChainCheck> {
    p.require(Permission::ViewAudit)?;
    Ok(audit::verify_chain(&st.db).await?)
}

/// An entry as the auditor reads it: labels instead of codes.
pub struct Row {
    pub seq: i64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub summary: String,
    pub ip: String,
}

fn entity_label(code: &str) -> String {
    audit_labels::entity_label(code).map(str::to_string).unwrap_or_else(|| code.to_string())
}

pub fn row(e: AuditEntry) -> Row {
    let entity = match &e.entity_id {
        Some(id) => format!("{} #{id}", entity_label(&e.entity)),
        None => entity_label(&e.entity),
    };
    let action = audit_labels::label_for(&e.action, &e.entity).map(str::to_string).unwrap_or(e.action);
    Row { seq: e.seq, time: fmt_time(e.at), actor: e.actor_name, action, entity, summary: e.summary, ip: e.ip.unwrap_or_default() }
}

/// 审计日志.xlsx of the entries a query selects. More than the export holds is refused with a
/// message, never cut short.
pub async fn export(st: &AppState, p: &Principal, q: &AuditQuery) -> AppResult<Vec<u8>> {
    p.require(Permission::ViewAudit)?;
    let (entries, total) = audit::list(&st.db, &q.filter(), 0, EXPORT_MAX).await?;
    if total > EXPORT_MAX {
        return Err(AppError::invalid(format!("所选范围共 {total} 条，超过一次导出的上限 {EXPORT_MAX} 条，请缩小时间范围后分次导出")));
    }
    p.log_read(st, "audit.export", "audit_log", None, serde_json::json!({"rows": entries.len()})).await?;
    let rows = entries.into_iter().map(row).map(|r| vec![r.seq.to_string(), r.time, r.actor, r.action, r.entity, r.summary, r.ip]).collect();
    let col = |h: &str, w: f64| Column { header: h.to_string(), width: Some(w), text: false };
    write_tables(&[Table {
        title: Some("审计日志".into()),
        sheet_name: "审计日志".into(),
        columns: vec![col("序号", 8.0), col("时间", 18.0), col("操作人", 20.0), col("操作", 12.0), col("对象", 14.0), col("内容", 60.0), col("地址", 16.0)],
        rows,
    }])
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Job 审计日志链校验: the whole chain is walked and the first broken link recorded.
pub async fn verify_job(db: &lianzheng_store::Db, s: &crate::app::system::Schedule) -> crate::app::system::Ran {
    use crate::app::system::Ran;
    use lianzheng_store::now;
    match audit::verify_chain(db).await {
        Ok(ChainCheck::Intact { entries, unkeyed }) => {
            tracing::info!(entries, unkeyed, "audit chain intact");
            Ran { next_at: now() + s.audit_verify_secs, error: None }
        }
        Ok(ChainCheck::Broken { seq, reason }) => {
            tracing::error!(seq, %reason, "AUDIT CHAIN BROKEN");
            Ran { next_at: now() + s.audit_verify_secs, error: Some(format!("日志链断裂：第{seq}条：{reason}")) }
        }
        Err(e) => Ran { next_at: now() + 600, error: Some(e.to_string()) },
    }
}
