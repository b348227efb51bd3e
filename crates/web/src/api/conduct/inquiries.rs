//! API operations of 履责 — 谈话函询, 提醒谈话, 诫勉谈话: JSON → `app::conduct::inquiries` →
//! JSON, the same use cases as the pages (need-to-know and the read log included).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::inquiries::{self as uc, ConcludeForm, ListQuery, NewForm, ReplyForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·谈话函询";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/conduct/inquiries",
        summary: "谈话函询记录（year, kind=letter/talk/reminder/admonition, state=open/overdue/done, person, page, size；仅纪委、对象所在单位书记与本人可见）",
        tag: TAG,
        route: || get(list),
    },
    Op {
        method: "post", path: "/conduct/inquiries", summary: "新建谈话函询记录（kind, person_id, matter, source, issued_on, reply_days：函询回复期限，工作日，默认 15）", tag: TAG, route: || post(create)
    },
    Op { method: "get", path: "/conduct/inquiries/{id}", summary: "谈话函询记录详情（查阅记入审计日志）", tag: TAG, route: || get(show) },
    Op { method: "post", path: "/conduct/inquiries/{id}/reply", summary: "登记函询回复（version, reply, replied_on；纪委经办人员或本人）", tag: TAG, route: || post(reply) },
    Op {
        method: "post", path: "/conduct/inquiries/{id}/conclude", summary: "作出处理意见（version, conclusion=closed/accepted/verify, follow_up：进一步核实时必填）", tag: TAG, route: || post(conclude)
    },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let v = uc::list(&st, &p, &q).await?;
    Ok(Json(json!({"year": v.year, "items": v.rows, "total": v.total, "page": v.page, "size": v.size})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let i = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"inquiry": i}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let d = uc::get(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"inquiry": d})))
}

async fn reply(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReplyForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"inquiry": uc::reply(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn conclude(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ConcludeForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"inquiry": uc::conclude(&st, &p, parse_id(&id)?, &f).await?})))
}
