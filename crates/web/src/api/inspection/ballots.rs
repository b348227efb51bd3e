//! API operations of 考责 — 廉政测评: JSON → `app::inspection::ballots` → JSON, the organiser's
//! side (the voting itself is the public page `/ballot/{code}`). The codes are returned once,
//! when generated, for a program that prints its own sheet.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::inspection::ballots::{self as uc, AddForm, FormInput, HoldForm};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::ApiJson;
use crate::state::AppState;

const TAG: &str = "考责·廉政测评";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/inspection/ballots/campaigns/{id}",
        summary: "检查考核的廉政测评：测评表、测评会议（实时已投票数）、各单位各项满意率（满意率 =（满意 + 基本满意）÷ 有效票）、意见建议",
        tag: TAG,
        route: || get(overview),
    },
    Op { method: "put", path: "/inspection/ballots/campaigns/{id}/form", summary: "设置测评表（items：测评项目列表；召开第一次测评会议前可改）", tag: TAG, route: || put(save_form) },
    Op {
        method: "post",
        path: "/inspection/ballots/campaigns/{id}/meetings",
        summary: "召开测评会议并生成一次性测评码（unit_id：被检查单位的 inspection_units.id，held_on，count：1～500；测评码只在此返回一次）",
        tag: TAG,
        route: || post(hold),
    },
    Op { method: "get", path: "/inspection/ballots/meetings/{id}", summary: "测评会议（测评码数、已投票数、状态）", tag: TAG, route: || get(meeting) },
    Op { method: "post", path: "/inspection/ballots/meetings/{id}/codes", summary: "追加测评码（count）", tag: TAG, route: || post(add_codes) },
    Op { method: "post", path: "/inspection/ballots/meetings/{id}/close", summary: "结束测评会议（未使用的测评码作废）", tag: TAG, route: || post(close) },
];

fn id_of(s: &str) -> AppResult<i64> {
    s.parse::<i64>().ok().filter(|v| *v > 0).ok_or(AppError::NotFound)
}

async fn overview(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::overview(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"campaign_id": v.campaign.id, "items": v.items, "editable": v.editable, "meetings": v.meetings, "results": v.results, "comments": v.comments})))
}

async fn save_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<FormInput>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::save_form(&st, &p, id_of(&id)?, &f).await?})))
}

async fn hold(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<HoldForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let (m, codes) = uc::hold(&st, &p, id_of(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"meeting": m, "codes": codes}))))
}

async fn meeting(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"meeting": uc::meeting(&st, &p, id_of(&id)?).await?})))
}

async fn add_codes(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AddForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    let codes = uc::add_codes(&st, &p, id, &f).await?;
    Ok(Json(json!({"meeting": uc::meeting(&st, &p, id).await?, "codes": codes})))
}

async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"meeting": uc::close(&st, &p, id_of(&id)?).await?})))
}
