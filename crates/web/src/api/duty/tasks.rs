//! API operations of 定责 — 任务分工: plans, the plan tree, items, progress reports, copying
//! last year's plan, reminders. Same checks and scope as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use lianzheng_core::org::Permission;
use lianzheng_store::duty::tasks as store;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, into_error, lenient, parse_id};

use crate::pages::duty::tasks::{self as pages, PlanEditForm, PlanForm, ReportForm, TaskForm, TreeQuery};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/plans", summary: "任务分工计划列表（year=年度，默认今年；范围内制定或涉及本单位的计划）", tag: "定责·任务分工", route: || get(plans_list) },
    Op { method: "post", path: "/duty/plans", summary: "新建任务分工计划（year, org_id, title, doc_number）", tag: "定责·任务分工", route: || post(plans_create) },
    Op { method: "get", path: "/duty/plans/{id}", summary: "计划的事项树（按范围；org=单位，colour=green/blue/yellow/red 筛选）", tag: "定责·任务分工", route: || get(plans_get) },
    Op { method: "put", path: "/duty/plans/{id}", summary: "修改计划名称、发文字号、状态（draft/issued；需 version）", tag: "定责·任务分工", route: || put(plans_update) },
    Op { method: "post", path: "/duty/plans/{id}/tasks", summary: "添加大项或小项（parent_id, title, lead_leader, lead_org, deadline, target, responsible[], cooperating[], list_items[]）", tag: "定责·任务分工", route: || post(tasks_create) },
    Op { method: "post", path: "/duty/plans/{id}/copy", summary: "复制计划到下一年（year 可选）：时限顺延一年，进度与状态清零", tag: "定责·任务分工", route: || post(plans_copy) },
    Op { method: "get", path: "/duty/tasks/{id}", summary: "事项详情、单位、清单事项与可见的进展报送", tag: "定责·任务分工", route: || get(tasks_get) },
    Op { method: "put", path: "/duty/tasks/{id}", summary: "修改事项（需 version）", tag: "定责·任务分工", route: || put(tasks_update) },
    Op { method: "delete", path: "/duty/tasks/{id}", summary: "删除事项及其下级小项（计划制定单位；已有进展报送的不能删除）", tag: "定责·任务分工", route: || delete(tasks_delete) },
    Op { method: "post", path: "/duty/tasks/{id}/reports", summary: "报送进展（percent 0～100, text）；牵头、责任单位的报送更新事项进度", tag: "定责·任务分工", route: || post(reports_create) },
    Op { method: "get", path: "/duty/reminders", summary: "今日到期提醒（范围内的牵头、责任单位）", tag: "定责·任务分工", route: || get(reminders_list) },
];

fn field_errors(e: crate::forms::FieldErrors) -> AppError {
    into_error(e)
}

async fn plans_list(State(st): State<AppState>, p: Principal, Q(q): Q<pages::YearQuery>) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = q.year.trim().parse::<i64>().unwrap_or_else(|_| pages::default_year());
    Ok(Json(json!({"items": store::list_plans(&st.db, &scope, year).await?, "year": year})))
}

async fn plans_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<PlanForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = pages::do_create_plan(&st, &p, &f).await?.map_err(field_errors)?;
    let scope = p.require(Permission::ViewDuty)?;
    Ok((StatusCode::CREATED, Json(json!({"plan": store::get_plan(&st.db, &scope, id).await?}))))
}

async fn plans_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Json<Value>> {
    let (plan, scope, can_edit) = pages::plan_for(&st, &p, parse_id(&id)?).await?;
    let items = pages::tree(&st, &scope, &plan, &q.org, &q.colour).await?;
    let owner = scope.contains(&plan.org_path);
    Ok(Json(json!({"plan": plan, "items": items, "owner": owner, "can_edit": can_edit})))
}

async fn plans_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PlanEditForm>) -> AppResult<Json<Value>> {
    let (plan, scope, can_edit) = pages::plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    if f.version.trim().is_empty() {
        return Err(AppError::field("version", "请提供版本号 version（来自读取时的数据）"));
    }
    if let Err(mut e) = pages::do_edit_plan(&st, &p, &plan, &f).await? {
        if let Some(m) = e.remove("version") {
            return Err(AppError::Conflict(m));
        }
        return Err(field_errors(e));
    }
    Ok(Json(json!({"plan": store::get_plan(&st.db, &scope, plan.id).await?})))
}

async fn tasks_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TaskForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let (plan, scope, can_edit) = pages::plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let tid = pages::do_create_task(&st, &p, &plan, &f).await?.map_err(field_errors)?;
    Ok((StatusCode::CREATED, Json(json!({"task": store::get_task(&st.db, &scope, tid).await?}))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CopyBody {
    #[serde(deserialize_with = "lenient")]
    year: String,
}

async fn plans_copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>, body: axum::body::Bytes) -> AppResult<(StatusCode, Json<Value>)> {
    // the body is optional: empty means "the next year"
    let year = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let b: CopyBody = serde_json::from_slice(&body).map_err(|_| AppError::invalid("请求体不是有效的 JSON"))?;
        match b.year.trim() {
            "" => None,
            y => Some(y.parse::<i64>().map_err(|_| AppError::field("year", "目标年度无效"))?),
        }
    };
    let new_id = pages::do_copy(&st, &p, parse_id(&id)?, year).await?;
    let scope = p.require(Permission::ViewDuty)?;
    Ok((StatusCode::CREATED, Json(json!({"plan": store::get_plan(&st.db, &scope, new_id).await?}))))
}

async fn tasks_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (view, scope, can_edit, reporting) = pages::task_for(&st, &p, parse_id(&id)?).await?;
    let reports = store::reports(&st.db, &scope, &view).await?;
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let files: Vec<Value> = store::report_attachments(&st.db, &ids).await?.into_iter().map(|a| json!({"id": a.id, "report_id": a.owner_id, "filename": a.filename, "size": a.size, "sm3": a.sm3})).collect();
    let items = store::linked_items(&st.db, &scope, view.task.id).await?;
    let colour = view.task.colour(store::today(), st.policy.task_yellow_days);
    Ok(Json(json!({
        "task": view, "colour": colour, "colour_label": colour.label(), "reports": reports, "files": files, "list_items": items,
        "can_edit": can_edit, "can_report": reporting.is_some(), "reporting_org_id": reporting.map(|r| r.0),
    })))
}

async fn tasks_delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (view, _, can_edit, _) = pages::task_for(&st, &p, parse_id(&id)?).await?;
    let n = pages::do_delete_task(&st, &p, &view, can_edit).await?;
    Ok(Json(json!({"deleted": n})))
}

async fn tasks_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(mut f): ApiJson<TaskForm>) -> AppResult<Json<Value>> {
    let (view, scope, can_edit, _) = pages::task_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    if f.version.trim().is_empty() {
        return Err(AppError::field("version", "请提供版本号 version（来自读取时的数据）"));
    }
    f.parent_id = view.task.parent_id.map(|v| v.to_string()).unwrap_or_default();
    if let Err(mut e) = pages::do_update_task(&st, &p, &view, &f).await? {
        if let Some(m) = e.remove("version") {
            return Err(AppError::Conflict(m));
        }
        return Err(field_errors(e));
    }
    Ok(Json(json!({"task": store::get_task(&st.db, &scope, view.task.id).await?})))
}

async fn reports_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReportForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let (view, scope, _, reporting) = pages::task_for(&st, &p, parse_id(&id)?).await?;
    let rid = pages::do_report(&st, &p, &view, reporting.as_ref(), &f).await?.map_err(field_errors)?;
    Ok((StatusCode::CREATED, Json(json!({"report_id": rid, "task": store::get_task(&st.db, &scope, view.task.id).await?}))))
}

async fn reminders_list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    let scope = p.require(Permission::ViewDuty)?;
    Ok(Json(json!({"items": *crate::pages::duty::tasks::reminders(&st, &scope, None).await?})))
}
