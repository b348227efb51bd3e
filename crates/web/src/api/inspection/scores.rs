//! API operations of 考责 — scores and results: JSON → `app::inspection::scores` → JSON, the
//! same use cases as the pages. A sheet's rows carry their versions; a stale one answers 409.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::scores::{self as uc, ApproveForm, FINAL, INSPECTOR, PickForm, SELF, SheetInput, UnitScores};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::ApiJson;
use crate::state::AppState;

const TAG: &str = "考责·评分";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/inspection/units/{id}/scores",
        summary: "受检单位的评分：评分标准、本单位自评（本单位、检查组、组织者）、各检查组成员评分与协调结果（检查组和组织者；本单位在审定后只见最终结果）",
        tag: TAG,
        route: || get(show),
    },
    Op {
        method: "put",
        path: "/inspection/units/{id}/scores/self",
        summary: "保存本单位自评（本单位党务干部、书记，自查自评截止前；rows：[{indicator_id, version：新行留空, items：所选评分项（评分项 id 与次数 count 的列表）, reason, evidence}]，分值由所选评分项计算）",
        tag: TAG,
        route: || put(save_self),
    },
    Op {
        method: "put",
        path: "/inspection/units/{id}/scores/inspector",
        summary: "保存本人作为检查组成员的评分（rows 同自评；有扣分或否决须填 reason；版本过期返回 409 且不保存）",
        tag: TAG,
        route: || put(save_inspector),
    },
    Op {
        method: "put",
        path: "/inspection/units/{id}/scores/final",
        summary: "检查组组长协调确定最终评分（rows：[{indicator_id, version, from：采用某成员评分的人员 id，或 items, reason：成员评分不一致时必填}]）",
        tag: TAG,
        route: || put(save_final),
    },
    Op {
        method: "get", path: "/inspection/units/{id}/deductions", summary: "受检单位最终确定的扣分项（指标、评分项、扣分、理由；供问题清单使用；检查组和组织者）", tag: TAG, route: || get(deductions)
    },
    Op {
        method: "get",
        path: "/inspection/{id}/results",
        summary: "检查考核结果：各单位自评分、检查组协调后总分、等次（按系统设置的分数线，一票否决为差）、同类单位排名（组织者见全部，检查组见本组单位，受检单位审定后只见本单位）",
        tag: TAG,
        route: || get(results),
    },
    Op { method: "post", path: "/inspection/{id}/standard", summary: "选定检查考核的评分标准（standard_id, version；开始评分后不能更换；组织者）", tag: TAG, route: || post(pick) },
    Op {
        method: "post", path: "/inspection/{id}/results/approve", summary: "审定检查考核结果（version；抽查单位须已评分并协调一致；审定后不能再修改评分；组织者）", tag: TAG, route: || post(approve)
    },
    Op { method: "get", path: "/inspection/{id}/results.xlsx", summary: "导出检查考核结果（Excel：单位 × 指标、总分、等次、排名）", tag: TAG, route: || get(export) },
    Op { method: "get", path: "/inspection/{id}/results.docx", summary: "检查考核结果通报（Word，GB/T 9704，附结果汇总表；组织者）", tag: TAG, route: || get(document) },
];

fn answer(us: UnitScores) -> Json<Value> {
    Json(json!({
        "unit": us.v.unit,
        "standard": us.standard,
        "indicators": us.nodes,
        "total_max_tenths": us.total_max,
        "self": us.own,
        "inspectors": us.inspectors,
        "final": us.fin,
        "compare": us.compare,
        "reconciled": us.reconciled,
        "pending": us.pending,
        "approved": us.approved,
        "self_open": us.self_open,
    }))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(answer(uc::unit(&st, &p, id_of(&id)?).await?))
}

async fn save_self(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<SheetInput>) -> AppResult<Json<Value>> {
    Ok(answer(uc::save(&st, &p, id_of(&id)?, SELF, &f).await?))
}

async fn save_inspector(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<SheetInput>) -> AppResult<Json<Value>> {
    Ok(answer(uc::save(&st, &p, id_of(&id)?, INSPECTOR, &f).await?))
}

async fn save_final(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<SheetInput>) -> AppResult<Json<Value>> {
    Ok(answer(uc::save(&st, &p, id_of(&id)?, FINAL, &f).await?))
}

async fn deductions(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::final_deductions(&st, &p, id_of(&id)?).await?})))
}

async fn results(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let r = uc::results(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"campaign_id": r.campaign.id, "standard": r.standard, "total_max_tenths": r.total_max, "approved": r.approved, "version": r.scoring.version, "blocking": r.blocking, "units": r.rows})))
}

async fn pick(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PickForm>) -> AppResult<Json<Value>> {
    let id = id_of(&id)?;
    uc::pick(&st, &p, id, &f).await?;
    let r = uc::results(&st, &p, id).await?;
    Ok(Json(json!({"standard": r.standard, "version": r.scoring.version})))
}

async fn approve(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ApproveForm>) -> AppResult<Json<Value>> {
    let r = uc::approve(&st, &p, id_of(&id)?, &f).await?;
    Ok(Json(json!({"approved": r.approved, "units": r.rows})))
}

async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, id_of(&id)?).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
