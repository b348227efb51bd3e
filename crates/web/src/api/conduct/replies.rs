//! API operations of 履责 — 廉洁意见回复: JSON → `app::conduct::replies` → JSON, the same use
//! cases as the pages (the 纪委 only; every file read for a draft logged).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::replies::{self as uc, IssueForm, ListQuery, NewForm, PersonForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·廉洁意见回复";

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/conduct/replies", summary: "廉洁意见回复（year, status=draft/issued, page, size；仅纪委）", tag: TAG, route: || get(list) },
    Op {
        method: "post",
        path: "/conduct/replies",
        summary: "起草廉洁意见回复（requester, request_ref, purpose=promotion/award/candidate/transfer/other, received_on, people：每行“姓名”或“姓名 单位”, person_ids；按各人廉政档案逐人起草）",
        tag: TAG,
        route: || post(create),
    },
    Op { method: "get", path: "/conduct/replies/{id}", summary: "廉洁意见回复详情：逐人意见与每句来源（查阅记入审计日志）", tag: TAG, route: || get(show) },
    Op { method: "delete", path: "/conduct/replies/{id}", summary: "删除草稿（version）", tag: TAG, route: || delete(remove) },
    Op {
        method: "put",
        path: "/conduct/replies/{id}/people/{person_id}",
        summary: "修改某人的回复意见（version, opinion=no_objection/remark/defer/objection, conclusion：表中意见, texts：各句修改后内容，空为删除, added：补充一句）",
        tag: TAG,
        route: || put(save_person),
    },
    Op { method: "post", path: "/conduct/replies/{id}/people/{person_id}/redraft", summary: "按档案重新起草某人的意见（version）", tag: TAG, route: || post(redraft) },
    Op { method: "post", path: "/conduct/replies/{id}/issue", summary: "签发（version, doc_number, issued_on；尚有待确定意见的人员时拒绝）", tag: TAG, route: || post(issue) },
    Op { method: "get", path: "/conduct/replies/{id}/document.docx", summary: "回复意见公文（Word，GB/T 9704；草稿标明“草稿”）", tag: TAG, route: || get(document) },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let v = uc::list(&st, &p, &q).await?;
    Ok(Json(json!({"year": v.year, "items": v.rows, "total": v.total, "page": v.page, "size": v.size})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let r = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"reply": r}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"reply": uc::get(&st, &p, parse_id(&id)?).await?})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersionBody {
    #[serde(deserialize_with = "crate::forms::lenient")]
    version: String,
}

async fn remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<VersionBody>) -> AppResult<StatusCode> {
    uc::delete(&st, &p, parse_id(&id)?, &b.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn save_person(State(st): State<AppState>, p: Principal, Path((id, person_id)): Path<(String, String)>, ApiJson(f): ApiJson<PersonForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"person": uc::save_person(&st, &p, parse_id(&id)?, parse_id(&person_id)?, &f).await?})))
}

async fn redraft(State(st): State<AppState>, p: Principal, Path((id, person_id)): Path<(String, String)>, ApiJson(b): ApiJson<VersionBody>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"person": uc::redraft(&st, &p, parse_id(&id)?, parse_id(&person_id)?, &b.version).await?})))
}

async fn issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<IssueForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"reply": uc::issue(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::docx(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
