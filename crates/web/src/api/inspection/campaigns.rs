//! API operations of 考责 — the campaign (notice, units in scope, phases, groups, spot check) and
//! the 个别谈话 records: JSON → `app::inspection::{campaigns, talks}` → JSON, the same use cases
//! as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::inspection::campaigns::{self as uc, AssignForm, EditForm, GroupForm, IssueForm, NewForm, SpotForm, UnitsForm, id_of};
use crate::app::inspection::talks::{self, TalkForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, lenient};
use crate::state::AppState;

const TAG: &str = "考责·检查考核";

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/inspection", summary: "检查考核列表（year；组织者见草稿，受检单位、检查组成员见印发后的考核）", tag: TAG, route: || get(list) },
    Op { method: "post", path: "/inspection", summary: "新建检查考核（year, title；默认五个阶段、七类资料清单和通知草稿；纪委）", tag: TAG, route: || post(create) },
    Op { method: "get", path: "/inspection/{id}", summary: "检查考核详情：阶段、资料清单、可见的受检单位与检查组（受检单位只见本单位部分）", tag: TAG, route: || get(show) },
    Op { method: "put", path: "/inspection/{id}", summary: "修改检查考核（version, title, notice, materials：每行一项, phases：[{name, starts_on, ends_on}]；组织者）", tag: TAG, route: || put(update) },
    Op { method: "post", path: "/inspection/{id}/units", summary: "确定受检单位（version, root_id：范围, kinds：单位类型代码列表；通知印发前）", tag: TAG, route: || post(units) },
    Op {
        method: "post", path: "/inspection/{id}/issue", summary: "印发通知（version, doc_number：文号, issued_on；草稿 → 进行中，各受检单位收到自查自评待办）", tag: TAG, route: || post(issue)
    },
    Op { method: "get", path: "/inspection/{id}/notice.docx", summary: "检查考核通知（Word，GB/T 9704）", tag: TAG, route: || get(document) },
    Op {
        method: "post", path: "/inspection/{id}/groups", summary: "组建检查组（name, leader_id, member_ids：人员列表, schedule, unit_ids：受检单位列表, visit_on：检查日期）", tag: TAG, route: || post(add_group)
    },
    Op {
        method: "post", path: "/inspection/{id}/spot", summary: "确定抽查单位（version, rule=random/kind/list/all, count, seed：随机种子，留空自动生成并记录, kind, unit_ids）", tag: TAG, route: || post(spot)
    },
    Op {
        method: "get", path: "/inspection/units/{id}", summary: "受检单位的检查考核：阶段、资料清单、检查组与检查日期（仅本单位、其检查组和组织者）", tag: TAG, route: || get(unit)
    },
    Op { method: "put", path: "/inspection/units/{id}", summary: "安排受检单位的检查组和检查日期（group_id, visit_on；组织者）", tag: TAG, route: || put(assign) },
    Op { method: "get", path: "/inspection/units/{id}/talks", summary: "个别谈话记录（仅该单位检查组成员和组织者；他人得空列表）", tag: TAG, route: || get(talk_list) },
    Op {
        method: "post", path: "/inspection/units/{id}/talks", summary: "登记个别谈话记录（talker_id：检查组成员，留空为本人, person_name, person_post, talked_on, record）", tag: TAG, route: || post(talk_create)
    },
    Op { method: "get", path: "/inspection/talks/{id}", summary: "个别谈话记录详情（查阅记入审计日志；受检单位不可见）", tag: TAG, route: || get(talk_show) },
    Op { method: "put", path: "/inspection/talks/{id}", summary: "修改个别谈话记录（version 及登记时的字段）", tag: TAG, route: || put(talk_update) },
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    year: String,
}

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let rows = uc::list(&st, &p, q.year.trim().parse().ok()).await?;
    Ok(Json(json!({"items": rows})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "campaign": uc::get(&st, &p, id).await?}))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"campaign": uc::get(&st, &p, id_of(&id)?).await?})))
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<EditForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    uc::update(&st, &p, id, &f).await?;
    Ok(Json(json!({"campaign": uc::get(&st, &p, id).await?})))
}

async fn units(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<UnitsForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    let n = uc::set_units(&st, &p, id, &f).await?;
    Ok(Json(json!({"count": n, "campaign": uc::get(&st, &p, id).await?})))
}

async fn issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<IssueForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    uc::issue(&st, &p, id, &f).await?;
    Ok(Json(json!({"campaign": uc::get(&st, &p, id).await?})))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

async fn add_group(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<GroupForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = id_of(&id)?;
    let gid = uc::add_group(&st, &p, id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": gid, "campaign": uc::get(&st, &p, id).await?}))))
}

async fn spot(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<SpotForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    let chosen = uc::spot(&st, &p, id, &f).await?;
    Ok(Json(json!({"chosen": chosen, "campaign": uc::get(&st, &p, id).await?})))
}

async fn unit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"unit": uc::unit(&st, &p, id_of(&id)?).await?})))
}

async fn assign(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AssignForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"unit": uc::assign(&st, &p, id_of(&id)?, &f).await?})))
}

async fn talk_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": talks::list(&st, &p, id_of(&id)?).await?})))
}

async fn talk_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TalkForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"talk": talks::create(&st, &p, id_of(&id)?, &f).await?}))))
}

async fn talk_show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (t, _) = talks::get(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"talk": t})))
}

async fn talk_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TalkForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"talk": talks::update(&st, &p, id_of(&id)?, &f).await?})))
}
