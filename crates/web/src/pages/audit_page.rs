//! 审计日志 page for the 安全审计员: filters, paging, XLSX export, and a chain check on demand.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lianzheng_core::audit_labels;

use super::render;
use crate::app::audit::{self as uc, AuditQuery, ChainCheck, Row};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::Q;
use crate::layout::{Layout, Pager};
use crate::state::AppState;

fn base(q: &AuditQuery) -> String {
    let pairs: Vec<(&str, &str)> =
        [("actor", q.actor.as_str()), ("action", q.action.as_str()), ("entity", q.entity.as_str()), ("from", q.from.as_str()), ("to", q.to.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if s.is_empty() { s } else { format!("{s}&") }
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
    let (entries, total, page, size) = uc::list(st, p, &q).await?;
    let (check, check_ok) = match check {
        Some(ChainCheck::Intact { entries, unkeyed }) => (Some(format!("日志链完整：共 {entries} 条记录，逐条校验通过{}", audit_labels::unkeyed_note(unkeyed))), true),
        Some(ChainCheck::Broken { seq, reason }) => (Some(format!("日志链断裂：第一处问题在第 {seq} 条：{reason}")), false),
        None => (None, true),
    };
    render(&AuditPage {
        l: Layout::new(st, p, "审计日志", "/audit"),
        pager: Pager::new(page, size, total, base(&q)).sorted(&q.paging.sort, uc::SORTS),
        f: q,
        rows: entries.into_iter().map(uc::row).collect(),
        actions: audit_labels::all().collect(),
        entities: audit_labels::ENTITIES.to_vec(),
        check,
        check_ok,
    })
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<AuditQuery>) -> AppResult<Response> {
    page(&st, &p, q, None).await
}

pub async fn verify(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let result = uc::verify(&st, &p).await?;
    page(&st, &p, AuditQuery::default(), Some(result)).await
}

pub async fn export(State(st): State<AppState>, p: Principal, Q(q): Q<AuditQuery>) -> AppResult<Response> {
    let bytes = uc::export(&st, &p, &q).await?;
    Ok(crate::xlsx_io::download(bytes, "审计日志.xlsx"))
}
