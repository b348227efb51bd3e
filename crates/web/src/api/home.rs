//! API operations of 工作台: the caller's 待办 (`app::todo`).

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::Op;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

pub const OPS: &[Op] = &[Op { method: "get", path: "/todo", summary: "我的待办：各模块待处理事项（类型、数量、链接、说明、紧急程度）", tag: "工作台", route: || get(todo) }];

async fn todo(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    let t = crate::app::todo::mine(&st, &p).await?;
    Ok(Json(json!({"total": t.total, "items": t.items})))
}
