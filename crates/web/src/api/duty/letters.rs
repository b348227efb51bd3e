//! API operations of 定责 — 责任书 and 雷同检查.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use lianzheng_core::org::Permission;
use lianzheng_store::duty::letters::{self as store, FlagFilter, LetterFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, lenient, parse_id};
use crate::pages::duty::letters::{generate_and_check, save_body};
use crate::pages::duty::year_or_current;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/letters", summary: "责任书列表（范围内；year, status, flagged=1）", tag: "定责", route: || get(list) },
    Op { method: "post", path: "/duty/letter-templates/{id}/generate", summary: "按签订人本人清单生成责任书并检查雷同", tag: "定责", route: || post(generate) },
    Op { method: "get", path: "/duty/letters/{id}", summary: "责任书详情及雷同提示", tag: "定责", route: || get(show) },
    Op { method: "put", path: "/duty/letters/{id}", summary: "修改责任书正文（version），保存时检查雷同", tag: "定责", route: || put(update) },
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
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let rows = store::list(&st.db, &scope, &LetterFilter { year, status: Some(q.status), flagged: q.flagged == "1" }).await?;
    Ok(Json(json!({"year": year, "items": rows})))
}

async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<(StatusCode, Json<Value>)> {
    let n = generate_and_check(&st, &p, parse_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(json!({"generated": n}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let flags = store::flags_of_letter(&st.db, letter.id).await?;
    Ok(Json(json!({"letter": letter, "flags": flags})))
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
    let scope = p.require(Permission::EditDuty)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    if b.body.trim().is_empty() {
        return Err(AppError::field("body", "正文不能为空"));
    }
    let version = b.version.trim().parse::<i64>().map_err(|_| AppError::field("version", "请提供版本号 version（来自读取时的数据）"))?;
    save_body(&st, &p, letter.id, version, &b.body).await?;
    let letter = store::get_in_scope(&st.db, &scope, letter.id).await?;
    let flags = store::flags_of_letter(&st.db, letter.id).await?;
    Ok(Json(json!({"letter": letter, "flags": flags})))
}

async fn sign(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::SignLetter)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    if letter.person_id.is_some_and(|pid| p.user.person_id != Some(pid)) {
        return Err(AppError::invalid("只能由签订人本人在系统内确认；代为签订请上传签字扫描件"));
    }
    let mut tx = st.db.begin().await?;
    store::sign(&mut tx, &p.actor(), letter.id, "confirm", None).await?;
    tx.commit().await?;
    Ok(Json(json!({"letter": store::get_in_scope(&st.db, &scope, letter.id).await?})))
}

async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    Ok(Json(json!({"year": year, "items": store::flags(&st.db, &scope, &FlagFilter { year, kind: Some(q.kind), status: Some(q.status) }).await?})))
}

async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ReviewDuty)?;
    let flag = store::flag_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut tx = st.db.begin().await?;
    store::mark_reviewed(&mut tx, &p.actor(), flag.id, Some(b.note.trim()).filter(|n| !n.is_empty())).await?;
    tx.commit().await?;
    Ok(Json(json!({"flag": store::flag_in_scope(&st.db, &scope, flag.id).await?})))
}
