//! API operations of 履责 — 抄告单 and 整改建议书: JSON → `app::conduct::notices` → JSON, the
//! same use cases as the pages (need-to-know and the read log included).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::notices::{self as uc, AnswerForm, CloseForm, ListQuery, NewForm, ReturnForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·抄告单";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/conduct/notices",
        summary: "抄告单、整改建议书（year, kind=cc/advice, status=pending/answered/closed, org, overdue=1, page, size；仅纪委、所在单位书记与主送领导本人可见）",
        tag: TAG,
        route: || get(list),
    },
    Op {
        method: "post",
        path: "/conduct/notices",
        summary: "发出抄告单或整改建议书（kind=cc/advice, org_id, addressee_id：该单位书记或班子成员, subject, problem, request, source_kind, source_id, issued_on, due_days：反馈期限，工作日）",
        tag: TAG,
        route: || post(create),
    },
    Op { method: "get", path: "/conduct/notices/{id}", summary: "抄告单、整改建议书详情（查阅记入审计日志）", tag: TAG, route: || get(show) },
    Op { method: "get", path: "/conduct/notices/{id}/document.docx", summary: "抄告单、整改建议书公文（Word，GB/T 9704）", tag: TAG, route: || get(document) },
    Op { method: "post", path: "/conduct/notices/{id}/answer", summary: "主送领导反馈整改措施及落实情况（version, measures；仅本人）", tag: TAG, route: || post(answer) },
    Op { method: "post", path: "/conduct/notices/{id}/close", summary: "纪委审核反馈后办结（version）", tag: TAG, route: || post(close) },
    Op {
        method: "post", path: "/conduct/notices/{id}/return", summary: "纪委退回反馈、要求重新反馈（version, reason, days：新的反馈期限，工作日，默认 5）", tag: TAG, route: || post(send_back)
    },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let v = uc::list(&st, &p, &q).await?;
    Ok(Json(json!({"year": v.year, "items": v.rows, "total": v.total, "page": v.page, "size": v.size})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let n = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"notice": n}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"notice": uc::get(&st, &p, parse_id(&id)?).await?})))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

async fn answer(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AnswerForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"notice": uc::answer(&st, &p, parse_id(&id)?, &f, None).await?})))
}

async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<CloseForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"notice": uc::close(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn send_back(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReturnForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"notice": uc::send_back(&st, &p, parse_id(&id)?, &f).await?})))
}
