//! API operations of 履责 — 述责述廉: rounds, reports (text, file), the copy check and the 点评
//! points: JSON → `app::conduct::statements` → JSON, the same use cases as the pages
//! (need-to-know and the read log included).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::statements::{self as uc, AnswerForm, DecideForm, ListQuery, PointForm, ReportForm, RoundForm};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·述责述廉";

pub const OPS: &[Op] = &[
    Op {
        method: "get", path: "/conduct/statements", summary: "述责述廉（year）：可见的轮次（报告数、已提交数、点评意见未销号/已销号数）与本人的报告", tag: TAG, route: || get(list)
    },
    Op {
        method: "post",
        path: "/conduct/statements",
        summary: "发起本单位组织的述责述廉（year, title, meeting_on, due_on 或 due_days：截止工作日数, reporters[]：书记、纪委书记的人员编号, quick_kind+quick_post：按单位类型全选）",
        tag: TAG,
        route: || post(create),
    },
    Op { method: "get", path: "/conduct/statements/candidates", summary: "可选的述职人：本单位管理范围内各单位的书记、纪委书记（纪检组长）", tag: TAG, route: || get(candidates) },
    Op { method: "get", path: "/conduct/statements/{id}", summary: "一轮述责述廉：可见的报告、雷同比对结果（组织单位、纪委、检查组）", tag: TAG, route: || get(round) },
    Op {
        method: "get", path: "/conduct/statements/reports/{id}", summary: "述责述廉报告详情与点评意见（查阅记入审计日志；仅组织单位、纪委、检查组和本人可见）", tag: TAG, route: || get(report)
    },
    Op { method: "put", path: "/conduct/statements/reports/{id}", summary: "提交或修改本人的报告（version, body；会议日期前）", tag: TAG, route: || put(submit) },
    Op { method: "post", path: "/conduct/statements/reports/{id}/file", summary: "上传本人报告的文件（multipart：file，DOCX 或 PDF，按内容识别）", tag: TAG, route: || post(attach) },
    Op { method: "get", path: "/conduct/statements/compare/{id}/{other}", summary: "两份报告的相似度比对（组织单位、纪委、检查组）", tag: TAG, route: || get(compare) },
    Op {
        method: "post", path: "/conduct/statements/reports/{id}/points", summary: "提出点评意见（content, rectify：是否要求整改, due_on：整改期限；组织单位）", tag: TAG, route: || post(add_point)
    },
    Op { method: "post", path: "/conduct/statements/points/{id}/answer", summary: "答复点评意见（version, measures, progress；报告人本人）", tag: TAG, route: || post(answer) },
    Op { method: "post", path: "/conduct/statements/points/{id}/close", summary: "点评意见销号（version；组织单位）", tag: TAG, route: || post(close) },
    Op { method: "post", path: "/conduct/statements/points/{id}/return", summary: "退回点评意见的答复（version, reason；组织单位）", tag: TAG, route: || post(return_point) },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let v = uc::list(&st, &p, &q).await?;
    let rounds: Vec<Value> = v.rounds.iter().map(|(r, phase)| json!({"round": r, "phase": phase})).collect();
    Ok(Json(json!({"year": v.year, "rounds": rounds, "mine": v.mine, "can_create": v.can_create})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<RoundForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let r = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"round": r}))))
}

async fn candidates(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::candidates(&st, &p).await?})))
}

async fn round(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!(uc::round(&st, &p, parse_id(&id)?).await?)))
}

async fn report(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!(uc::report(&st, &p, parse_id(&id)?).await?)))
}

async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReportForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"report": uc::submit(&st, &p, parse_id(&id)?, &f).await?})))
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

async fn compare(State(st): State<AppState>, p: Principal, Path((id, other)): Path<(String, String)>) -> AppResult<Json<Value>> {
    let c = uc::compare(&st, &p, parse_id(&id)?, parse_id(&other)?).await?;
    Ok(Json(json!({"left": c.left, "right": c.right, "percent": c.percent, "flagged": c.flagged, "relation": c.relation})))
}

async fn add_point(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PointForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let pt = uc::add_point(&st, &p, parse_id(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"point": pt}))))
}

async fn answer(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AnswerForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"point": uc::answer(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<DecideForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"point": uc::close(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn return_point(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<DecideForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"point": uc::return_point(&st, &p, parse_id(&id)?, &f).await?})))
}
