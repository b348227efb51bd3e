//! API operations of 定责 — 责任清单, 全覆盖 and 共性清单: the same rules as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use lianzheng_core::org::{OrgKind, Permission};
use lianzheng_store::duty::lists::{self as store, ListFilter, ListKind};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, lenient, parse_id};
use crate::pages::duty::lists::deadline_passed;
use crate::pages::duty::year_or_current;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/lists", summary: "责任清单列表（范围内；year, kind, status）", tag: "定责", route: || get(lists) },
    Op { method: "post", path: "/duty/lists", summary: "新建责任清单（带入已发布的共性内容）", tag: "定责", route: || post(create) },
    Op { method: "post", path: "/duty/lists/copy", summary: "复制上年清单为本年草稿", tag: "定责", route: || post(copy) },
    Op { method: "get", path: "/duty/lists/{id}", summary: "清单详情、内容与版本记录", tag: "定责", route: || get(show) },
    Op { method: "post", path: "/duty/lists/{id}/items", summary: "增加个性内容", tag: "定责", route: || post(add_item) },
    Op { method: "post", path: "/duty/lists/{id}/submit", summary: "报送备案", tag: "定责", route: || post(submit) },
    Op { method: "post", path: "/duty/lists/{id}/review", summary: "审核：通过或退回（decision=accept|return, reason）", tag: "定责", route: || post(review) },
    Op { method: "get", path: "/duty/coverage", summary: "全覆盖：应报单位的报备情况", tag: "定责", route: || get(coverage) },
    Op { method: "get", path: "/duty/templates", summary: "共性清单列表", tag: "定责", route: || get(templates) },
    Op { method: "post", path: "/duty/templates", summary: "新建共性清单", tag: "定责", route: || post(create_template) },
    Op { method: "post", path: "/duty/templates/{id}/items", summary: "增加共性内容", tag: "定责", route: || post(add_template_item) },
    Op { method: "post", path: "/duty/templates/{id}/publish", summary: "发布共性清单", tag: "定责", route: || post(publish) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: String,
    kind: String,
    status: String,
}

async fn lists(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let rows = store::list(&st.db, &scope, &ListFilter { year, kind: Some(q.kind), status: Some(q.status), org_path: None }).await?;
    Ok(Json(json!({"year": year, "items": rows})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewList {
    #[serde(deserialize_with = "lenient")]
    year: String,
    #[serde(deserialize_with = "lenient")]
    org_id: String,
    #[serde(deserialize_with = "lenient")]
    kind: String,
    #[serde(deserialize_with = "lenient")]
    person_id: String,
    #[serde(deserialize_with = "lenient")]
    title: String,
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewList>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(&b.year));
    let kind = ListKind::parse(&b.kind).ok_or_else(|| AppError::field("kind", "请选择清单类型（main 主体责任 / supervision 监督责任）"))?;
    let org_id = b.org_id.trim().parse::<i64>().map_err(|_| AppError::field("org_id", "请指定单位"))?;
    let person_id = b.person_id.trim().parse::<i64>().ok();
    let title = if b.title.trim().is_empty() { format!("{year}年党风廉政建设{}", kind.label()) } else { b.title.trim().to_string() };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &scope, year, org_id, kind, person_id, &title).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"list": store::get_in_scope(&st.db, &scope, id).await?, "items": store::items(&st.db, id).await?}))))
}

async fn copy(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewList>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(&b.year));
    let mut tx = st.db.begin().await?;
    let n = store::copy_last_year(&mut tx, &p.actor(), &scope, year).await?;
    tx.commit().await?;
    Ok(Json(json!({"copied": n, "year": year})))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let list = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let items = store::items(&st.db, list.id).await?;
    let versions = store::versions(&st.db, list.id).await?;
    Ok(Json(json!({"list": list, "items": items, "versions": versions})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ItemBody {
    #[serde(deserialize_with = "lenient")]
    category: String,
    #[serde(deserialize_with = "lenient")]
    content: String,
    #[serde(deserialize_with = "lenient")]
    decision: String,
    #[serde(deserialize_with = "lenient")]
    reason: String,
}

fn content(b: &ItemBody) -> AppResult<(Option<String>, String)> {
    let c = b.content.trim();
    if c.is_empty() {
        return Err(AppError::field("content", "请填写责任内容"));
    }
    if c.chars().count() > 1000 {
        return Err(AppError::field("content", "责任内容不能超过1000字"));
    }
    Ok((Some(b.category.trim().to_string()).filter(|s| !s.is_empty()), c.to_string()))
}

async fn add_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::EditDuty)?;
    let list = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let (category, text) = content(&b)?;
    let mut tx = st.db.begin().await?;
    let item = store::add_item(&mut tx, &p.actor(), &scope, list.id, category, &text).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"id": item}))))
}

async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::EditDuty)?;
    let list = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut tx = st.db.begin().await?;
    store::submit(&mut tx, &p.actor(), &scope, list.id).await?;
    tx.commit().await?;
    Ok(Json(json!({"list": store::get_in_scope(&st.db, &scope, list.id).await?})))
}

async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ReviewDuty)?;
    let list = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let accept = match b.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::field("decision", "decision 应为 accept（通过）或 return（退回）")),
    };
    let mut tx = st.db.begin().await?;
    store::review(&mut tx, &p.actor(), &scope, list.id, accept, Some(&b.reason)).await?;
    tx.commit().await?;
    Ok(Json(json!({"list": store::get_in_scope(&st.db, &scope, list.id).await?})))
}

async fn coverage(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let kind = ListKind::parse(&q.kind).unwrap_or(ListKind::Main);
    let rows = store::coverage(&st.db, &scope, year, kind, deadline_passed(&st, year)).await?;
    let rows: Vec<Value> = rows.iter().map(|r| json!({"org_id": r.org_id, "org_name": r.org_name, "org_kind": r.org_kind, "list_id": r.list_id, "status": r.status.map(|s| s.code()), "common": r.common, "specific": r.specific, "late": r.late, "only_common": r.only_common()})).collect();
    Ok(Json(json!({"year": year, "kind": kind.code(), "items": rows})))
}

async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    Ok(Json(json!({"items": store::templates(&st.db, &scope, year).await?})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewTemplate {
    #[serde(deserialize_with = "lenient")]
    year: String,
    #[serde(deserialize_with = "lenient")]
    org_id: String,
    #[serde(deserialize_with = "lenient")]
    kind: String,
    #[serde(deserialize_with = "lenient")]
    target_kind: String,
    #[serde(deserialize_with = "lenient")]
    title: String,
}

async fn create_template(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewTemplate>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(&b.year));
    let kind = ListKind::parse(&b.kind).ok_or_else(|| AppError::field("kind", "请选择清单类型"))?;
    let target = OrgKind::parse(&b.target_kind).ok_or_else(|| AppError::field("target_kind", "请选择适用的单位类型"))?;
    let org_id = b.org_id.trim().parse::<i64>().map_err(|_| AppError::field("org_id", "请指定发布单位"))?;
    if b.title.trim().is_empty() {
        return Err(AppError::field("title", "请填写名称"));
    }
    let mut tx = st.db.begin().await?;
    let id = store::create_template(&mut tx, &p.actor(), &scope, year, org_id, kind, target, b.title.trim()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

async fn add_template_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<(StatusCode, Json<Value>)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    if t.published {
        return Err(AppError::invalid("已发布的共性清单不能再修改"));
    }
    let (category, text) = content(&b)?;
    let mut tx = st.db.begin().await?;
    store::add_template_item(&mut tx, &p.actor(), t.id, category, &text).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({"items": store::template_items(&st.db, t.id).await?.len()}))))
}

async fn publish(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut tx = st.db.begin().await?;
    store::publish_template(&mut tx, &p.actor(), t.id).await?;
    tx.commit().await?;
    Ok(Json(json!({"id": t.id, "published": true})))
}
