//! API operations of 考责 — 评分标准: JSON → `app::inspection::standards` → JSON, the same use
//! cases as the pages (the 纪委's: `ManageInspection` over the standard's body).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::standards::{self as uc, CopyForm, DeleteForm, IndicatorForm, StandardForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::state::AppState;

const TAG: &str = "考责·评分标准";

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/inspection/standards", summary: "评分标准列表（本人管理范围内各机关、各年度；纪委）", tag: TAG, route: || get(list) },
    Op { method: "post", path: "/inspection/standards", summary: "新建评分标准（year, title, bonus_cap：加分上限；每个机关每年一个）", tag: TAG, route: || post(create) },
    Op {
        method: "get", path: "/inspection/standards/{id}", summary: "评分标准详情：指标树（编号、满分、评分细则、佐证材料、扣分/加分/否决项，分值以 0.1 分为单位的整数 *_tenths 表示）", tag: TAG, route: || get(show)
    },
    Op { method: "put", path: "/inspection/standards/{id}", summary: "修改评分标准名称和加分上限（version, title, bonus_cap；已有评分后不可改）", tag: TAG, route: || put(update) },
    Op { method: "post", path: "/inspection/standards/{id}/copy", summary: "复制评分标准到另一年度（year，留空为下一年度；指标与评分项一并复制）", tag: TAG, route: || post(copy) },
    Op {
        method: "post",
        path: "/inspection/standards/{id}/indicators",
        summary: "添加指标（parent：上级指标，留空为一级, seq, name, max_points, rule, evidence, items：每行一项“扣分 1 内容”“加分 2 内容”“否决 内容”）",
        tag: TAG,
        route: || post(add_indicator),
    },
    Op { method: "put", path: "/inspection/indicators/{id}", summary: "修改指标及其评分项（version 及添加时的字段）", tag: TAG, route: || put(update_indicator) },
    Op { method: "post", path: "/inspection/indicators/{id}/delete", summary: "删除指标（version；其下级指标和评分项一并删除）", tag: TAG, route: || post(delete_indicator) },
    Op { method: "get", path: "/inspection/standards/{id}/export.xlsx", summary: "导出评分标准（Excel，可修改后导入）", tag: TAG, route: || get(export) },
    Op {
        method: "post", path: "/inspection/standards/{id}/import", summary: "导入评分标准（multipart file：.xlsx，替换全部指标；任一行有误则不写入，逐行列出“第N行 字段：原因”）", tag: TAG, route: || post(import)
    },
];

async fn list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::list(&st, &p).await?})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<StandardForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "standard": uc::get(&st, &p, id).await?}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"standard": uc::get(&st, &p, id_of(&id)?).await?})))
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<StandardForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"standard": uc::update(&st, &p, id_of(&id)?, &f).await?})))
}

async fn copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<CopyForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let new_id = uc::copy(&st, &p, id_of(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": new_id, "standard": uc::get(&st, &p, new_id).await?}))))
}

async fn add_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<IndicatorForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = id_of(&id)?;
    let iid = uc::add_indicator(&st, &p, id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": iid, "standard": uc::get(&st, &p, id).await?}))))
}

async fn update_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<IndicatorForm>) -> AppResult<Json<Value>> {
    let sid = uc::update_indicator(&st, &p, id_of(&id)?, &f).await?;
    Ok(Json(json!({"standard": uc::get(&st, &p, sid).await?})))
}

async fn delete_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<DeleteForm>) -> AppResult<Json<Value>> {
    let sid = uc::delete_indicator(&st, &p, id_of(&id)?, &f).await?;
    Ok(Json(json!({"standard": uc::get(&st, &p, sid).await?})))
}

async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, id_of(&id)?).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

/// The same checks as the page's import: a standard the caller may still change, one `.xlsx`
/// within the size limit, every row valid or nothing written.
async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let id = id_of(&id)?;
    uc::get(&st, &p, id).await?;
    let bytes = crate::xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    Ok(crate::api::import_answer(uc::import(&st, &p, id, &bytes).await?))
}
