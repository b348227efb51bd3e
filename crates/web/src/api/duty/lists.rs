//! API operations of 定责 — 责任清单, 全覆盖 and 共性清单: JSON → `app::duty::lists` → JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::duty::lists::{self as uc, ItemInput, ListQuery as Query, NewList as NewListIn, NewTemplate as NewTemplateIn};
use crate::app::paging::Batch;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, lenient, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/lists", summary: "责任清单列表（范围内；year, kind, status）", tag: "定责", route: || get(lists) },
    Op { method: "post", path: "/duty/lists", summary: "新建责任清单（带入已发布的共性内容）", tag: "定责", route: || post(create) },
    Op { method: "post", path: "/duty/lists/copy", summary: "复制上年清单为本年草稿", tag: "定责", route: || post(copy) },
    Op { method: "get", path: "/duty/lists/{id}", summary: "清单详情、内容与版本记录", tag: "定责", route: || get(show) },
    Op { method: "get", path: "/duty/lists/{id}/document", summary: "下载单份清单（Word；成文日期为备案日期）", tag: "定责", route: || get(document) },
    Op { method: "delete", path: "/duty/lists/{id}", summary: "删除草稿清单（未报送过的草稿；内容被任务分工关联时拒绝）", tag: "定责", route: || delete(delete_list) },
    Op { method: "post", path: "/duty/lists/{id}/items", summary: "增加个性内容", tag: "定责", route: || post(add_item) },
    Op { method: "put", path: "/duty/lists/{id}/items/{item}", summary: "修改个性内容（category, content；草稿或退回的清单）", tag: "定责", route: || put(update_item) },
    Op { method: "delete", path: "/duty/lists/{id}/items/{item}", summary: "删除个性内容（草稿或退回的清单）", tag: "定责", route: || delete(delete_item) },
    Op { method: "post", path: "/duty/lists/{id}/submit", summary: "报送备案", tag: "定责", route: || post(submit) },
    Op { method: "post", path: "/duty/lists/{id}/review", summary: "审核：通过或退回（decision=accept|return, reason）", tag: "定责", route: || post(review) },
    Op {
        method: "post",
        path: "/duty/lists/review",
        summary: "批量审核：ids（清单编号数组，至多500）逐份通过或退回（decision=accept|return, 同一 reason）；返回 done 与 failed（每项含原因）；全部不存在或不在范围内时 404",
        tag: "定责",
        route: || post(review_batch),
    },
    Op { method: "get", path: "/duty/coverage", summary: "全覆盖：应报单位的报备情况", tag: "定责", route: || get(coverage) },
    Op {
        method: "post",
        path: "/duty/coverage/remind",
        summary: "催报：向范围内未报送清单的单位发送催报（year, kind）；给出 units（单位编号数组）时只催报这些单位，逐个处理，返回 done 与 failed（每项含原因）",
        tag: "定责",
        route: || post(remind),
    },
    Op { method: "get", path: "/duty/templates", summary: "共性清单列表", tag: "定责", route: || get(templates) },
    Op { method: "post", path: "/duty/templates", summary: "新建共性清单", tag: "定责", route: || post(create_template) },
    Op { method: "post", path: "/duty/templates/{id}/items", summary: "增加共性内容", tag: "定责", route: || post(add_template_item) },
    Op { method: "post", path: "/duty/templates/{id}/publish", summary: "发布共性清单", tag: "定责", route: || post(publish) },
    Op { method: "get", path: "/duty/templates/{id}", summary: "共性清单详情与内容（editable：尚未带入清单、仍可修改）", tag: "定责", route: || get(template) },
    Op { method: "put", path: "/duty/templates/{id}", summary: "修改共性清单名称（title；已带入清单的不能修改，409）", tag: "定责", route: || put(update_template) },
    Op { method: "put", path: "/duty/templates/{id}/items/{item}", summary: "修改共性内容（category, content；已带入清单的不能修改，409）", tag: "定责", route: || put(update_template_item) },
    Op { method: "delete", path: "/duty/templates/{id}/items/{item}", summary: "删除共性内容（已带入清单的不能修改，409）", tag: "定责", route: || delete(delete_template_item) },
    Op { method: "post", path: "/duty/templates/{id}/disable", summary: "停用已发布的共性清单：新建清单不再带入", tag: "定责", route: || post(disable_template) },
    Op { method: "post", path: "/duty/templates/{id}/enable", summary: "重新启用停用的共性清单", tag: "定责", route: || post(enable_template) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: String,
    kind: String,
    status: String,
    org: String,
}

async fn lists(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, rows) = uc::list(&st, &p, &Query { year: q.year, kind: q.kind, status: q.status, org: q.org }).await?;
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
    let id = uc::create(&st, &p, &NewListIn { year: b.year, org_id: b.org_id, kind: b.kind, person_id: b.person_id, title: b.title }).await?;
    let v = uc::show(&st, &p, id).await?;
    Ok((StatusCode::CREATED, Json(json!({"list": v.list, "items": v.items}))))
}

async fn copy(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewList>) -> AppResult<Json<Value>> {
    let (year, n) = uc::copy_last_year(&st, &p, &b.year).await?;
    Ok(Json(json!({"copied": n, "year": year})))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<axum::response::Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::show(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"list": v.list, "items": v.items, "versions": v.versions})))
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

async fn add_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<(StatusCode, Json<Value>)> {
    let item = uc::add_item(&st, &p, parse_id(&id)?, &ItemInput { category: b.category, content: b.content }).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": item}))))
}

async fn update_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<Json<Value>> {
    let item = parse_id(&item)?;
    uc::update_item(&st, &p, parse_id(&id)?, item, &ItemInput { category: b.category, content: b.content }).await?;
    Ok(Json(json!({"id": item})))
}

async fn delete_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>) -> AppResult<Json<Value>> {
    let item = parse_id(&item)?;
    uc::delete_item(&st, &p, parse_id(&id)?, item).await?;
    Ok(Json(json!({"deleted": item})))
}

async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"list": uc::submit(&st, &p, parse_id(&id)?).await?})))
}

async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"list": uc::review(&st, &p, parse_id(&id)?, &b.decision, &b.reason).await?})))
}

/// Ids of a batch as JSON gives them: numbers or strings (anything else is reported as an invalid id).
fn ids_of(v: &[Value]) -> Vec<String> {
    v.iter()
        .map(|x| match x {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// A batch's report; nothing done and every id unknown or outside the scope is a 404.
fn batch_answer(b: Batch) -> AppResult<Json<Value>> {
    if b.all_not_found() {
        return Err(AppError::NotFound);
    }
    Ok(Json(json!({"done": b.done, "failed": b.failed})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchBody {
    ids: Vec<Value>,
    #[serde(deserialize_with = "lenient")]
    decision: String,
    #[serde(deserialize_with = "lenient")]
    reason: String,
}

async fn review_batch(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<BatchBody>) -> AppResult<Json<Value>> {
    batch_answer(uc::review_batch(&st, &p, &ids_of(&b.ids), &b.decision, &b.reason).await?)
}

async fn coverage(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, kind, rows) = uc::coverage(&st, &p, &q.year, &q.kind).await?;
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| json!({"org_id": r.org_id, "org_name": r.org_name, "org_kind": r.org_kind, "list_id": r.list_id, "status": r.status.map(|s| s.code()), "common": r.common, "specific": r.specific, "late": r.late, "only_common": r.only_common(), "reminded": r.reminded}))
        .collect();
    Ok(Json(json!({"year": year, "kind": kind.code(), "items": rows})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RemindBody {
    #[serde(deserialize_with = "lenient")]
    year: String,
    #[serde(deserialize_with = "lenient")]
    kind: String,
    /// only these units (each on its own), when given
    units: Option<Vec<Value>>,
}

async fn remind(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<RemindBody>) -> AppResult<Json<Value>> {
    if let Some(units) = &b.units {
        let (_, _, r) = uc::remind_units(&st, &p, &b.year, &b.kind, &ids_of(units)).await?;
        return batch_answer(r);
    }
    let (year, kind, r) = uc::remind(&st, &p, &b.year, &b.kind).await?;
    Ok(Json(json!({"year": year, "kind": kind.code(), "sent": r.sent, "already": r.already})))
}

async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (_, items) = uc::templates(&st, &p, &q.year).await?;
    Ok(Json(json!({"items": items})))
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
    let id = uc::create_template(&st, &p, &NewTemplateIn { year: b.year, org_id: b.org_id, kind: b.kind, target_kind: b.target_kind, title: b.title }).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

async fn add_template_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<(StatusCode, Json<Value>)> {
    let n = uc::add_template_item(&st, &p, parse_id(&id)?, &ItemInput { category: b.category, content: b.content }).await?;
    Ok((StatusCode::CREATED, Json(json!({"items": n}))))
}

async fn publish(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let id = uc::publish_template(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"id": id, "published": true})))
}

async fn delete_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let l = uc::delete(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"deleted": l.id})))
}

async fn template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (t, items) = uc::template(&st, &p, parse_id(&id)?).await?;
    let items: Vec<Value> = items.into_iter().map(|(id, category, content)| json!({"id": id, "category": category, "content": content})).collect();
    Ok(Json(json!({"template": t, "editable": uc::template_editable(&t), "items": items})))
}

async fn update_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<NewTemplate>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::update_template(&st, &p, parse_id(&id)?, &b.title).await?})))
}

async fn update_template_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>, ApiJson(b): ApiJson<ItemBody>) -> AppResult<Json<Value>> {
    let item = parse_id(&item)?;
    uc::update_template_item(&st, &p, parse_id(&id)?, item, &ItemInput { category: b.category, content: b.content }).await?;
    Ok(Json(json!({"id": item})))
}

async fn delete_template_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>) -> AppResult<Json<Value>> {
    let item = parse_id(&item)?;
    uc::delete_template_item(&st, &p, parse_id(&id)?, item).await?;
    Ok(Json(json!({"deleted": item})))
}

async fn disable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::set_template_disabled(&st, &p, parse_id(&id)?, true).await?})))
}

async fn enable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::set_template_disabled(&st, &p, parse_id(&id)?, false).await?})))
}
