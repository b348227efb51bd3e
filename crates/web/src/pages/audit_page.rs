//! 审计日志 page for the 安全审计员: filters, paging, XLSX export, and a chain check on demand.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lianzheng_core::audit_labels;
use lianzheng_core::org::Permission;
use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::audit::{self, AuditEntry, AuditFilter, ChainCheck};
use serde::{Deserialize, Serialize};

use super::render;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, Pager, fmt_time, parse_day};
use crate::state::AppState;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        AuditFilter { actor: Some(self.actor.clone()), action: Some(self.action.clone()), entity: Some(self.entity.clone()), from: parse_day(&self.from), to: parse_day(&self.to).map(|t| t + 86400) }
    }
    fn base(&self) -> String {
        let pairs: Vec<(&str, &str)> = [("actor", self.actor.as_str()), ("action", self.action.as_str()), ("entity", self.entity.as_str()), ("from", self.from.as_str()), ("to", self.to.as_str())]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if s.is_empty() { s } else { format!("{s}&") }
    }
}

// the labels live in core (one table per domain area), shared with the export and the tests
fn entity_label(code: &str) -> String {
    audit_labels::entity_label(code).map(str::to_string).unwrap_or_else(|| code.to_string())
}

pub struct Row {
    pub seq: i64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub summary: String,
    pub ip: String,
}

fn row(e: AuditEntry) -> Row {
    let entity = match &e.entity_id {
        Some(id) => format!("{} #{id}", entity_label(&e.entity)),
        None => entity_label(&e.entity),
    };
    let action = audit_labels::label_for(&e.action, &e.entity).map(str::to_string).unwrap_or(e.action);
    Row { seq: e.seq, time: fmt_time(e.at), actor: e.actor_name, action, entity, summary: e.summary, ip: e.ip.unwrap_or_default() }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    f: AuditQuery,
    rows: Vec<Row>,
    pager: Pager,
    actions: Vec<(&'static str, &'static str)>,
    entities: Vec<(&'static str, &'static str)>,
    check: Option<String>,
    check_ok: bool,
}

async fn page(st: &AppState, p: &Principal, q: AuditQuery, check: Option<ChainCheck>) -> AppResult<Response> {
    p.require(Permission::ViewAudit)?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (entries, total) = audit::list(&st.db, &q.filter(), (page - 1) * 50, 50).await?;
    let (check, check_ok) = match check {
        Some(ChainCheck::Intact { entries, unkeyed }) => (Some(format!("日志链完整：共 {entries} 条记录，逐条校验通过{}", lianzheng_core::audit_labels::unkeyed_note(unkeyed))), true),
        Some(ChainCheck::Broken { seq, reason }) => (Some(format!("日志链断裂：第一处问题在第 {seq} 条：{reason}")), false),
        None => (None, true),
    };
    render(&AuditPage {
        l: Layout::new(st, p, "审计日志", "/audit"),
        pager: Pager::new(page, 50, total, q.base()),
        f: q,
        rows: entries.into_iter().map(row).collect(),
        actions: audit_labels::all().collect(),
        entities: audit_labels::ENTITIES.to_vec(),
        check,
        check_ok,
    })
}

pub async fn index(State(st): State<AppState>, p: Principal, crate::forms::Q(q): crate::forms::Q<AuditQuery>) -> AppResult<Response> {
    page(&st, &p, q, None).await
}

pub async fn verify(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ViewAudit)?;
    let result = audit::verify_chain(&st.db).await?;
    page(&st, &p, AuditQuery::default(), Some(result)).await
}

pub async fn export(State(st): State<AppState>, p: Principal, crate::forms::Q(q): crate::forms::Q<AuditQuery>) -> AppResult<Response> {
    p.require(Permission::ViewAudit)?;
    let (entries, _) = audit::list(&st.db, &q.filter(), 0, 50_000).await?;
    p.log_read(&st, "audit.export", "audit_log", None, serde_json::json!({"rows": entries.len()})).await?;
    let rows = entries.into_iter().map(row).map(|r| vec![r.seq.to_string(), r.time, r.actor, r.action, r.entity, r.summary, r.ip]).collect();
    let col = |h: &str, w: f64| Column { header: h.to_string(), width: Some(w), text: false };
    let bytes = write_tables(&[Table {
        title: Some("审计日志".into()),
        sheet_name: "审计日志".into(),
        columns: vec![col("序号", 8.0), col("时间", 18.0), col("操作人", 20.0), col("操作", 12.0), col("对象", 14.0), col("内容", 60.0), col("地址", 16.0)],
        rows,
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::xlsx_io::download(bytes, "审计日志.xlsx"))
}

/// One page of entries for a query: (entries, total, page number).
pub async fn audit_query(st: &AppState, q: &AuditQuery) -> AppResult<(Vec<AuditEntry>, i64, i64)> {
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (entries, total) = audit::list(&st.db, &q.filter(), (page - 1) * 50, 50).await?;
    Ok((entries, total, page))
}
