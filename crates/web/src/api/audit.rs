//! API of the audit log (安全审计员).

use axum::Json;
use axum::extract::State;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::Op;
use crate::app::audit::{self as uc, AuditQuery};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::Q;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/audit", summary: "审计日志（安全审计员；page, size=20|50|100, sort=seq|at|actor|action，前加 - 为降序）", tag: "审计", route: || get(audit_list) },
    Op { method: "post", path: "/audit/verify", summary: "校验审计日志链（安全审计员）", tag: "审计", route: || post(audit_verify) },
];

async fn audit_list(State(st): State<AppState>, p: Principal, Q(q): Q<AuditQuery>) -> AppResult<Json<Value>> {
    let (items, total, page, size) = uc::list(&st, &p, &q).await?;
    Ok(Json(json!({"items": items, "total": total, "page": page, "size": size})))
}

async fn audit_verify(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"result": uc::verify(&st, &p).await?})))
}
