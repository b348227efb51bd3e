//! API operations of 考责's findings, 亮点 and 通报: JSON → `app::inspection::{findings,
//! bulletin}` → JSON, the same use cases as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::inspection::bulletin::{self, DraftForm, EditForm, IssueForm};
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::findings::{self as uc, FindingForm, HighlightForm, VersionForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::state::AppState;

const TAG: &str = "考责·发现问题与通报";

pub const OPS: &[Op] = &[
    Op {
        method: "get", path: "/inspection/{id}/findings", summary: "检查考核发现的问题和亮点（组织者见全部；检查组见所检单位；受检单位只见已反馈给本单位的问题）", tag: TAG, route: || get(list)
    },
    Op {
        method: "post",
        path: "/inspection/{id}/findings",
        summary: "登记发现问题（unit_id：受检单位, category：问题类别, description, evidence, deadline：整改期限，留空为30个工作日后）",
        tag: TAG,
        route: || post(create),
    },
    Op { method: "get", path: "/inspection/findings/{id}", summary: "发现问题详情", tag: TAG, route: || get(show) },
    Op { method: "put", path: "/inspection/findings/{id}", summary: "修改发现问题（version, category, description, evidence, deadline）", tag: TAG, route: || put(update) },
    Op { method: "post", path: "/inspection/findings/{id}/notify", summary: "向受检单位反馈问题（version；此后受检单位可见，并收到整改待办）", tag: TAG, route: || post(notify) },
    Op { method: "delete", path: "/inspection/findings/{id}", summary: "删除尚未反馈给受检单位的问题", tag: TAG, route: || axum::routing::delete(delete) },
    Op { method: "post", path: "/inspection/{id}/highlights", summary: "登记检查亮点（unit_id, text）", tag: TAG, route: || post(add_highlight) },
    Op { method: "delete", path: "/inspection/highlights/{id}", summary: "删除检查亮点", tag: TAG, route: || axum::routing::delete(delete_highlight) },
    Op { method: "get", path: "/inspection/{id}/bulletin", summary: "检查考核通报（组织者见草稿；印发后参与本次检查考核的各方可见）", tag: TAG, route: || get(bulletin_show) },
    Op {
        method: "post", path: "/inspection/{id}/bulletin/draft", summary: "根据检查记录生成通报初稿（version：重新生成时为当前版本，覆盖已作的修改）", tag: TAG, route: || post(bulletin_draft)
    },
    Op {
        method: "put",
        path: "/inspection/{id}/bulletin",
        summary: "修改通报（version, title, intro, overview, highlights, problems, requirements；以“（一）”开头的行为二级标题）",
        tag: TAG,
        route: || put(bulletin_save),
    },
    Op { method: "post", path: "/inspection/{id}/bulletin/issue", summary: "印发通报（version, doc_number：文号, issued_on）", tag: TAG, route: || post(bulletin_issue) },
    Op { method: "get", path: "/inspection/{id}/bulletin.docx", summary: "检查考核通报（Word，GB/T 9704）", tag: TAG, route: || get(bulletin_document) },
];

async fn list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::list(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"items": v.findings, "highlights": v.highlights, "by_category": v.by_category})))
}

async fn create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<FindingForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"finding": uc::create(&st, &p, id_of(&id)?, &f).await?}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::get(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"finding": v.finding, "can_edit": v.can_edit, "can_notify": v.can_notify})))
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<FindingForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"finding": uc::update(&st, &p, id_of(&id)?, &f).await?})))
}

async fn notify(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<VersionForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"finding": uc::notify(&st, &p, id_of(&id)?, &f).await?})))
}

async fn delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"campaign_id": uc::delete(&st, &p, id_of(&id)?).await?})))
}

async fn add_highlight(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<HighlightForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"highlight": uc::add_highlight(&st, &p, id_of(&id)?, &f).await?}))))
}

async fn delete_highlight(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"campaign_id": uc::delete_highlight(&st, &p, id_of(&id)?).await?})))
}

async fn bulletin_show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = bulletin::get(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"bulletin": v.bulletin, "suggested_number": v.suggested_number})))
}

async fn bulletin_draft(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<DraftForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"bulletin": bulletin::draft(&st, &p, id_of(&id)?, &f).await?})))
}

async fn bulletin_save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<EditForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"bulletin": bulletin::save(&st, &p, id_of(&id)?, &f).await?})))
}

async fn bulletin_issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<IssueForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"bulletin": bulletin::issue(&st, &p, id_of(&id)?, &f).await?})))
}

async fn bulletin_document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = bulletin::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
