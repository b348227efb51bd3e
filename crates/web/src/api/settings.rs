//! API of 系统设置 (系统管理员): the settings in force with their defaults, and changing them.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::routing::{get, put};
use serde_json::{Value, json};

use super::Op;
use crate::app::settings as uc;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::ApiJson;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/settings", summary: "系统设置：每项的名称、说明、默认值与当前值（系统管理员）", tag: "系统设置", route: || get(list) },
    Op {
        method: "put", path: "/settings", summary: "修改系统设置（系统管理员）：{键: 值}，未给出的项不变；任一项不合规则全部不保存，422 并逐项说明；保存后立即生效", tag: "系统设置", route: || put(update)
    },
];

async fn list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::list(&st, &p).await?})))
}

async fn update(State(st): State<AppState>, p: Principal, ApiJson(body): ApiJson<BTreeMap<String, Value>>) -> AppResult<Json<Value>> {
    // numbers and switches may come as JSON numbers and booleans
    let mut input = BTreeMap::new();
    for (k, v) in body {
        let text = match v {
            Value::String(s) => s,
            Value::Bool(b) => if b { "on" } else { "off" }.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect::<Vec<_>>().join("\n"),
            _ => return Err(AppError::field(&k, format!("{k} 的值应为文字、数字或开关"))),
        };
        input.insert(k, text);
    }
    let changed = uc::update(&st, &p, &input).await?;
    Ok(Json(json!({"changed": changed, "items": uc::list(&st, &p).await?})))
}
