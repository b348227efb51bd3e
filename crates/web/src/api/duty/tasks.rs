//! API operations of 定责 — 任务分工: plans, the plan tree, items, progress reports, copying
//! last year's plan, reminders: JSON → `app::duty::tasks` → JSON, the same use cases as the pages.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::duty::tasks::{self as uc, PlanEditForm, PlanForm, ReportForm, TaskForm, TreeQuery};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, lenient, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/duty/plans", summary: "任务分工计划列表（year=年度，默认今年；范围内制定或涉及本单位的计划）", tag: "定责·任务分工", route: || get(plans_list) },
    Op { method: "post", path: "/duty/plans", summary: "新建任务分工计划（year, org_id, title, doc_number）", tag: "定责·任务分工", route: || post(plans_create) },
    Op { method: "get", path: "/duty/plans/{id}", summary: "计划的事项树（按范围；org=单位，colour=green/blue/yellow/red 筛选）", tag: "定责·任务分工", route: || get(plans_get) },
    Op { method: "put", path: "/duty/plans/{id}", summary: "修改计划名称、发文字号、状态（draft/issued；需 version）", tag: "定责·任务分工", route: || put(plans_update) },
    Op {
        method: "post",
        path: "/duty/plans/{id}/tasks",
        summary: "添加大项或小项（parent_id, title, lead_leader, lead_org, deadline, target, responsible[], cooperating[], list_items[]）",
        tag: "定责·任务分工",
        route: || post(tasks_create),
    },
    Op {
        method: "post",
        path: "/duty/plans/{id}/copy",
        summary: "复制计划到下一年（year 可选）：时限顺延一年，进度与状态清零；该年度本单位已有计划时须带 confirm: true，否则 409 并说明已有的计划",
        tag: "定责·任务分工",
        route: || post(plans_copy),
    },
    Op { method: "get", path: "/duty/tasks/{id}", summary: "事项详情、单位、清单事项与可见的进展报送", tag: "定责·任务分工", route: || get(tasks_get) },
    Op { method: "put", path: "/duty/tasks/{id}", summary: "修改事项（需 version）", tag: "定责·任务分工", route: || put(tasks_update) },
    Op { method: "delete", path: "/duty/tasks/{id}", summary: "删除事项及其下级小项（计划制定单位；已有进展报送的不能删除）", tag: "定责·任务分工", route: || delete(tasks_delete) },
    Op {
        method: "post", path: "/duty/tasks/{id}/reports", summary: "报送进展（percent 0～100, text）；牵头、责任单位的报送更新事项进度", tag: "定责·任务分工", route: || post(reports_create)
    },
    Op { method: "get", path: "/duty/plan-template.xlsx", summary: "任务分工导入模板（Excel）", tag: "定责·任务分工", route: || get(import_template) },
    Op {
        method: "get", path: "/duty/plans/{id}/export.xlsx", summary: "导出计划的事项（Excel，含状态、进度与最新报送；org、colour 筛选同事项树）", tag: "定责·任务分工", route: || get(export)
    },
    Op {
        method: "post",
        path: "/duty/plans/{id}/import",
        summary: "从 Excel 导入事项（multipart：file，.xlsx，按导入模板）；有错误行时一行不导入，422 并逐行说明（errors）",
        tag: "定责·任务分工",
        route: || post(import),
    },
    Op { method: "get", path: "/duty/plans/{id}/document.docx", summary: "计划印发稿（Word）", tag: "定责·任务分工", route: || get(document) },
    Op { method: "get", path: "/duty/reminders", summary: "今日到期提醒（范围内的牵头、责任单位）", tag: "定责·任务分工", route: || get(reminders_list) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
}

async fn plans_list(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Json<Value>> {
    let (year, items) = uc::plans(&st, &p, &q.year).await?;
    Ok(Json(json!({"items": items, "year": year})))
}

async fn plans_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<PlanForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let plan = uc::create_plan(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"plan": plan}))))
}

async fn plans_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Json<Value>> {
    let (a, items) = uc::tree(&st, &p, parse_id(&id)?, &q).await?;
    Ok(Json(json!({"plan": a.plan, "items": items, "owner": a.owner, "can_edit": a.can_edit})))
}

async fn plans_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PlanEditForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"plan": uc::edit_plan(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn tasks_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TaskForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let task = uc::create_task(&st, &p, parse_id(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"task": task}))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CopyBody {
    #[serde(deserialize_with = "lenient")]
    year: String,
    /// true (or "true", 1): copy even when the year already has the unit's plan
    confirm: Value,
}

async fn plans_copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>, body: axum::body::Bytes) -> AppResult<(StatusCode, Json<Value>)> {
    // the body is optional: empty means "the next year"
    let b = if body.iter().all(u8::is_ascii_whitespace) { CopyBody::default() } else { serde_json::from_slice::<CopyBody>(&body).map_err(|_| AppError::invalid("请求体不是有效的 JSON"))? };
    let confirm = match &b.confirm {
        Value::Bool(v) => *v,
        Value::Number(n) => n.as_i64() == Some(1),
        Value::String(s) => matches!(s.trim(), "true" | "1" | "on" | "yes"),
        _ => false,
    };
    let plan = uc::copy_plan(&st, &p, parse_id(&id)?, &b.year, confirm).await?;
    Ok((StatusCode::CREATED, Json(json!({"plan": plan}))))
}

async fn tasks_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let d = uc::task(&st, &p, parse_id(&id)?).await?;
    let files: Vec<Value> = d.reports.iter().flat_map(|(_, fs)| fs).map(|a| json!({"id": a.id, "report_id": a.owner_id, "filename": a.filename, "size": a.size, "sm3": a.sm3})).collect();
    let reports: Vec<&uc::Report> = d.reports.iter().map(|(r, _)| r).collect();
    Ok(Json(json!({
        "task": d.view, "colour": d.colour, "colour_label": d.colour.label(), "reports": reports, "files": files, "list_items": d.items,
        "can_edit": d.can_edit, "can_report": d.reporting.is_some(), "reporting_org_id": d.reporting.map(|r| r.0),
    })))
}

async fn tasks_delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (_, n) = uc::delete_task(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"deleted": n})))
}

async fn tasks_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TaskForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"task": uc::update_task(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn reports_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReportForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_id(&id)?;
    let rid = uc::report(&st, &p, id, &f, None).await?;
    let d = uc::task(&st, &p, id).await?;
    Ok((StatusCode::CREATED, Json(json!({"report_id": rid, "task": d.view}))))
}

async fn reminders_list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": *uc::my_reminders(&st, &p).await?})))
}

async fn import_template(p: Principal) -> AppResult<Response> {
    Ok(crate::xlsx_io::download(uc::import_template(&p)?, "任务分工导入模板.xlsx"))
}

async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, parse_id(&id)?, &q).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

/// The same checks as the page's import: the plan must be the caller's to edit, one `.xlsx`
/// file within the size limit, every row valid or nothing written.
async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let plan = uc::plan_to_edit(&st, &p, parse_id(&id)?).await?;
    let bytes = crate::xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    Ok(crate::api::import_answer(uc::import(&st, &p, plan.id, &bytes).await?))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
