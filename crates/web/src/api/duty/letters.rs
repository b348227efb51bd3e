//! API operations of 定责 — 责任书 and 雷同检查: JSON → `app::duty::letters` → JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::duty::letters as uc;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, lenient, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/letters", summary: "责任书列表（范围内、按角色可见；year, status, flagged=1）", tag: "定责", route: || get(list) },
    Op { method: "post", path: "/duty/letter-templates/{id}/generate", summary: "按签订人本人清单生成责任书并检查雷同", tag: "定责", route: || post(generate) },
    Op { method: "get", path: "/duty/letters/{id}", summary: "责任书详情及雷同提示（提示仅纪委与单位党务工作人员可见）", tag: "定责", route: || get(show) },
    Op { method: "put", path: "/duty/letters/{id}", summary: "修改责任书正文（发出单位的工作人员；需 version），保存时检查雷同", tag: "定责", route: || put(update) },
    Op { method: "post", path: "/duty/letters/{id}/sign", summary: "签订人本人在系统内确认签订", tag: "定责", route: || post(sign) },
    Op { method: "get", path: "/duty/letter-flags", summary: "雷同与不符提示（year, kind, status）", tag: "定责", route: || get(flags) },
    Op { method: "post", path: "/duty/letter-flags/{id}/review", summary: "标记提示为已核（note）", tag: "定责", route: || post(review) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: String,
    status: String,
    flagged: String,
    kind: String,
}

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, rows) = uc::list(&st, &p, &q.year, &q.status, q.flagged == "1").await?;
    Ok(Json(json!({"year": year, "items": rows})))
}

async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<(StatusCode, Json<Value>)> {
    let (n, _) = uc::generate(&st, &p, parse_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(json!({"generated": n}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::show(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"letter": v.letter, "flags": v.flags})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BodyIn {
    #[serde(deserialize_with = "lenient")]
    body: String,
    #[serde(deserialize_with = "lenient")]
    version: String,
    #[serde(deserialize_with = "lenient")]
    note: String,
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    uc::update_body(&st, &p, id, &b.version, &b.body).await?;
    let v = uc::show(&st, &p, id).await?;
    Ok(Json(json!({"letter": v.letter, "flags": v.flags})))
}

async fn sign(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"letter": uc::confirm(&st, &p, parse_id(&id)?).await?})))
}

async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, items) = uc::flags(&st, &p, &q.year, &q.kind, &q.status).await?;
    Ok(Json(json!({"year": year, "items": items})))
}

async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"flag": uc::review_flag(&st, &p, parse_id(&id)?, &b.note).await?})))
}
