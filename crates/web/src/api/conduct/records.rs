//! API operations of 履责 — 履责纪实: list, read, record, edit and delete a unit's duty acts,
//! attach files, and the counts per kind, unit and person: JSON → `app::conduct::records` →
//! JSON, the same use cases as the pages.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::records::{self as uc, RecordForm, RecordQuery};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·纪实";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/conduct/records",
        summary: "履责纪实列表（year 年度，默认今年；quarter 1～4；kind 类型；sub_kind 会议类别；org 单位及下级；person 主持或参加的人员；late=1 只看补录；page 页码，每页20条）",
        tag: TAG,
        route: || get(list),
    },
    Op {
        method: "post",
        path: "/conduct/records",
        summary: "录入本单位的履责纪实（kind, sub_kind（会议）, title, act_date, place, leader, content, decisions, participants[], items[], tasks[]；录入截止后须 late_reason）",
        tag: TAG,
        route: || post(create),
    },
    Op { method: "get", path: "/conduct/records/{id}", summary: "纪实详情：人员、清单事项、任务分工事项、附件，是否可修改", tag: TAG, route: || get(read) },
    Op { method: "put", path: "/conduct/records/{id}", summary: "修改本单位的纪实（需 version；录入截止后须 late_reason，标为补录）", tag: TAG, route: || put(update) },
    Op { method: "delete", path: "/conduct/records/{id}", summary: "删除本单位的纪实", tag: TAG, route: || delete(remove) },
    Op { method: "post", path: "/conduct/records/{id}/attachments", summary: "为本单位的纪实上传附件（multipart：file）", tag: TAG, route: || post(attach) },
    Op { method: "get", path: "/conduct/counts", summary: "履责纪实统计（year）：按类型（含会议类别）× 季度、按单位、按人员（主持/参加）", tag: TAG, route: || get(counts) },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<RecordQuery>) -> AppResult<Json<Value>> {
    let l = uc::list(&st, &p, &q).await?;
    let items: Vec<Value> = l.items.iter().map(|r| json!({"record": r, "kind_label": r.kind_text()})).collect();
    Ok(Json(json!({"items": items, "total": l.total, "page": l.page, "size": l.size, "year": l.year})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<RecordForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let r = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"record": r}))))
}

async fn read(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let d = uc::get(&st, &p, parse_id(&id)?).await?;
    let files: Vec<Value> = d.files.iter().map(|a| json!({"id": a.id, "filename": a.filename, "size": a.size, "sm3": a.sm3})).collect();
    Ok(Json(json!({
        "record": d.record, "kind_label": d.record.kind_text(), "people": d.people, "list_items": d.items, "tasks": d.tasks, "files": files,
        "can_edit": d.can_edit, "window_close": d.window_close, "window_closed": d.window_closed,
    })))
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<RecordForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"record": uc::update(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let r = uc::delete(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"deleted": r.id})))
}

async fn attach(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_id(&id)?;
    let mut file: Option<Upload> = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::invalid(format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))? {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::invalid(format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))?;
            file = Some(Upload { filename, content_type, bytes: bytes.to_vec() });
        }
    }
    let file = file.ok_or_else(|| AppError::field("file", "请选择文件"))?;
    let saved = uc::attach(&st, &p, id, file).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": saved.id, "sm3": saved.sm3, "size": saved.size}))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
}

async fn counts(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Json<Value>> {
    Ok(Json(json!(uc::counts(&st, &p, &q.year).await?)))
}
