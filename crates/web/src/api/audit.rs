//! API of the audit log (安全审计员).

use axum::Json;
use axum::extract::State;
use axum::routing::{get, post};
use lianzheng_core::org::Permission;
use lianzheng_store::audit;
use serde_json::{Value, json};

use super::Op;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::Q;
use crate::pages_api_shared::audit_query;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/audit", summary: "审计日志（安全审计员）", tag: "审计", route: || get(audit_list) },
    Op { method: "post", path: "/audit/verify", summary: "校验审计日志链（安全审计员）", tag: "审计", route: || post(audit_verify) },
];

async fn audit_list(State(st): State<AppState>, p: Principal, Q(q): Q<crate::pages_api_shared::AuditQuery>) -> AppResult<Json<Value>> {
    p.require(Permission::ViewAudit)?;
    let (items, total, page) = audit_query(&st, &q).await?;
    Ok(Json(json!({"items": items, "total": total, "page": page})))
}

async fn audit_verify(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    p.require(Permission::ViewAudit)?;
    Ok(Json(json!({"result": audit::verify_chain(&st.db).await?})))
}
