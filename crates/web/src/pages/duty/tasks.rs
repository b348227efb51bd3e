//! 任务分工 pages: the year's plans, a plan's tree (colours, filters, paging), adding and
//! editing items, progress reports with attachments, copy last year's plan, XLSX import and
//! export, and the 责任分工 document (GB/T 9704 DOCX). The API calls the same checks.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lianzheng_core::crypto::sm3_hex;
use lianzheng_core::duty::{Colour, parse_number};
use lianzheng_core::org::{Permission, Scope, subtree_range};
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::attachments::Attachment;
use lianzheng_store::duty::tasks::{self as store, LinkedItem, Node, Plan, PlanData, PlanInput, PlanRow, Reminder, Rollup, Report, TaskInput, TaskView, TreeFilter};
use lianzheng_store::{Db, q};
use serde::{Deserialize, Deserializer, Serialize};

use super::{current_year, year_or_current};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, PageForm, Q, lenient, parse_id};
use crate::layout::{Errs, Layout, Pager, fmt_time, org_options};
use crate::pages::orgs::ImportPage;
use crate::pages::render;
use crate::state::AppState;
use crate::xlsx_io;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty/plans", get(index).post(create_plan))
        .route("/duty/plan-template.xlsx", get(template))
        .route("/duty/plans/{id}", get(show))
        .route("/duty/plans/{id}/new", get(new_task_form))
        .route("/duty/plans/{id}/tasks", post(create_task))
        .route("/duty/plans/{id}/copy", post(copy))
        .route("/duty/plans/{id}/edit", post(edit_plan))
        .route("/duty/plans/{id}/export.xlsx", get(export))
        .route("/duty/plans/{id}/import", get(import_page).post(import))
        .route("/duty/plans/{id}/document.docx", get(document))
        .route("/duty/tasks/{id}", get(task_page).post(update_task))
        .route("/duty/tasks/{id}/edit", get(edit_form))
        .route("/duty/tasks/{id}/delete", post(delete_task))
        .route("/duty/tasks/{id}/reports", post(report))
        .route("/duty/tasks/{id}/files/{file}", get(download))
}

/// Rows of the plan tree per page (a 2,000-item province plan is 20 pages; a county plan mostly one or two).
pub const TREE_PAGE: i64 = 100;

// ---------------------------------------------------------------------------------- forms

/// A list of values as text: a JSON array of ids/codes or a string "XW-D08、XW-D03".
pub fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Array(a) => a
            .into_iter()
            .map(|x| match x {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t.to_string()) }
}

fn text(e: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize, required: bool) -> Option<String> {
    let t = v.trim();
    if t.is_empty() {
        if required {
            e.insert(field.into(), format!("请填写{label}"));
        }
        return None;
    }
    if t.chars().count() > max {
        e.insert(field.into(), format!("{label}不能超过{max}个字"));
    }
    Some(t.to_string())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlanForm {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub doc_number: String,
}

impl PlanForm {
    pub fn validate(&self) -> Result<PlanInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let year = match self.year.trim().parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                e.insert("year".into(), "年度应为 2000 至 2100 之间的年份".into());
                0
            }
        };
        let org_id = match self.org_id.trim().parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                e.insert("org_id".into(), "请选择制定单位".into());
                0
            }
        };
        let title = text(&mut e, "title", "计划名称", &self.title, 100, true).unwrap_or_default();
        let doc_number = text(&mut e, "doc_number", "发文字号", &self.doc_number, 50, false);
        if e.is_empty() { Ok(PlanInput { year, org_id, title, doc_number }) } else { Err(e) }
    }
}

/// Title, 发文字号 and status of an existing plan.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlanEditForm {
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub doc_number: String,
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Edits a plan the viewer may edit; field errors come back as `Ok(Err(..))`.
pub async fn do_edit_plan(st: &AppState, p: &Principal, plan: &Plan, f: &PlanEditForm) -> AppResult<Result<(), FieldErrors>> {
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", "计划名称", &f.title, 100, true).unwrap_or_default();
    let doc_number = text(&mut e, "doc_number", "发文字号", &f.doc_number, 50, false);
    let status = if f.status.trim().is_empty() { plan.status.clone() } else { f.status.trim().to_string() };
    if !matches!(status.as_str(), "draft" | "issued") {
        e.insert("status".into(), "状态只能是草稿（draft）或已印发（issued）".into());
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let version = f.version.trim().parse().unwrap_or(plan.version);
    let mut tx = st.db.begin().await?;
    match store::update_plan(&mut tx, &p.actor(), plan, version, &title, doc_number.as_deref(), &status).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(e) => store_field_error(e),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TaskForm {
    #[serde(deserialize_with = "lenient")]
    pub parent_id: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub lead_leader: String,
    /// Id, code or name of the 牵头单位.
    #[serde(deserialize_with = "lenient")]
    pub lead_org: String,
    #[serde(deserialize_with = "lenient")]
    pub deadline: String,
    #[serde(deserialize_with = "lenient")]
    pub target: String,
    /// 责任单位: ids, codes or names separated by 、 or ,
    #[serde(deserialize_with = "lenient_list")]
    pub responsible: String,
    #[serde(deserialize_with = "lenient_list")]
    pub cooperating: String,
    /// ids of list items (duty_items)
    #[serde(deserialize_with = "lenient_list")]
    pub list_items: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

impl TaskForm {
    /// From a urlencoded body where multi-selects repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> TaskForm {
        let mut f = TaskForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "parent_id" => &mut f.parent_id,
                "title" => &mut f.title,
                "lead_leader" => &mut f.lead_leader,
                "lead_org" => &mut f.lead_org,
                "deadline" => &mut f.deadline,
                "target" => &mut f.target,
                "responsible" => &mut f.responsible,
                "cooperating" => &mut f.cooperating,
                "list_items" => &mut f.list_items,
                "version" => &mut f.version,
                _ => continue,
            };
            if !slot.is_empty() && matches!(k.as_str(), "responsible" | "cooperating" | "list_items") {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    fn has(list: &str, id: i64) -> bool {
        split_list(list).any(|s| s == id.to_string())
    }
    pub fn has_responsible(&self, id: &i64) -> bool {
        Self::has(&self.responsible, *id)
    }
    pub fn has_cooperating(&self, id: &i64) -> bool {
        Self::has(&self.cooperating, *id)
    }
    pub fn has_item(&self, id: &i64) -> bool {
        Self::has(&self.list_items, *id)
    }
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '；', '\n']).map(str::trim).filter(|t| !t.is_empty())
}

/// Finds units by id, code, name or short name inside the plan owner's subtree (cached).
pub struct UnitResolver {
    lo: String,
    hi: String,
    cache: HashMap<String, Option<i64>>,
}

impl UnitResolver {
    pub fn new(owner_path: &str) -> UnitResolver {
        let (lo, hi) = subtree_range(owner_path);
        UnitResolver { lo, hi, cache: HashMap::new() }
    }
    pub async fn find(&mut self, db: &Db, token: &str) -> AppResult<Option<i64>> {
        if let Some(v) = self.cache.get(token) {
            return Ok(*v);
        }
        let found: Vec<(i64,)> = if let Ok(id) = token.parse::<i64>() {
            db.fetch_all(q("SELECT id FROM orgs WHERE id = $1 AND path >= $2 AND path < $3").bind(id).bind(self.lo.as_str()).bind(self.hi.as_str())).await?
        } else {
            let by_code: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM orgs WHERE code = $1 AND path >= $2 AND path < $3").bind(token).bind(self.lo.as_str()).bind(self.hi.as_str())).await?;
            if by_code.is_empty() {
                db.fetch_all(q("SELECT id FROM orgs WHERE (name = $1 OR short_name = $1) AND path >= $2 AND path < $3 LIMIT 2").bind(token).bind(self.lo.as_str()).bind(self.hi.as_str())).await?
            } else {
                by_code
            }
        };
        let v = if found.len() == 1 { Some(found[0].0) } else { None };
        self.cache.insert(token.to_string(), v);
        Ok(v)
    }
    /// Every unit named in `list`; unknown names go to the field's error.
    pub async fn list(&mut self, db: &Db, list: &str, field: &str, label: &str, e: &mut FieldErrors) -> AppResult<Vec<i64>> {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for token in split_list(list) {
            match self.find(db, token).await? {
                Some(id) => out.push(id),
                None => bad.push(token.to_string()),
            }
        }
        if !bad.is_empty() {
            e.insert(field.into(), format!("{label}“{}”不存在或不在本计划制定单位的范围内", bad.join("、")));
        }
        Ok(out)
    }
}

/// Checks a task form against the plan: text fields here, units through the resolver.
pub async fn task_input(db: &Db, plan: &Plan, f: &TaskForm, units: &mut UnitResolver) -> AppResult<Result<TaskInput, FieldErrors>> {
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", "任务内容", &f.title, 500, true).unwrap_or_default();
    let lead_leader = text(&mut e, "lead_leader", "牵头领导", &f.lead_leader, 100, false);
    let target = text(&mut e, "target", "目标要求", &f.target, 2000, false);
    let deadline = crate::forms::date(&mut e, "deadline", "时限", &f.deadline);
    let parent_id = match opt(&f.parent_id) {
        Some(p) => match p.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                e.insert("parent_id".into(), "上级事项无效".into());
                None
            }
        },
        None => None,
    };
    let lead_org_id = match opt(&f.lead_org) {
        Some(t) => {
            let v = units.find(db, &t).await?;
            if v.is_none() {
                e.insert("lead_org".into(), format!("牵头单位“{t}”不存在或不在本计划制定单位的范围内"));
            }
            v
        }
        None => None,
    };
    let responsible = units.list(db, &f.responsible, "responsible", "责任单位", &mut e).await?;
    let cooperating = units.list(db, &f.cooperating, "cooperating", "配合单位", &mut e).await?;
    let mut list_items = Vec::new();
    for t in split_list(&f.list_items) {
        match t.parse::<i64>() {
            Ok(v) => list_items.push(v),
            Err(_) => {
                e.insert("list_items".into(), "清单事项无效".into());
            }
        }
    }
    let _ = plan;
    Ok(if e.is_empty() { Ok(TaskInput { parent_id, title, lead_leader, lead_org_id, deadline, target, responsible, cooperating, list_items }) } else { Err(e) })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    #[serde(deserialize_with = "lenient")]
    pub percent: String,
    #[serde(deserialize_with = "lenient")]
    pub text: String,
}

impl ReportForm {
    pub fn validate(&self) -> Result<(i64, String), FieldErrors> {
        let mut e = FieldErrors::new();
        let percent = match self.percent.trim().trim_end_matches('%').parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ => {
                e.insert("percent".into(), "完成进度应为 0 至 100 之间的整数".into());
                0
            }
        };
        let text = text(&mut e, "text", "进展情况", &self.text, 2000, true).unwrap_or_default();
        if e.is_empty() { Ok((percent, text)) } else { Err(e) }
    }
}

// ------------------------------------------------------------------------- shared logic

/// Creates a plan (EditDuty over the unit). Field errors come back as `Err(Ok(errors))`.
pub async fn do_create_plan(st: &AppState, p: &Principal, f: &PlanForm) -> AppResult<Result<i64, FieldErrors>> {
    let scope = p.require(Permission::EditDuty)?;
    let input = match f.validate() {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = st.db.begin().await?;
    match store::create_plan(&mut tx, &p.actor(), &scope, &input).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Ok(id))
        }
        Err(lianzheng_store::StoreError::Invalid(m)) => {
            let mut e = FieldErrors::new();
            e.insert("org_id".into(), m);
            Ok(Err(e))
        }
        Err(e) => Err(e.into()),
    }
}

/// A plan the viewer sees, and whether they may edit it.
pub async fn plan_for(st: &AppState, p: &Principal, id: i64) -> AppResult<(Plan, Scope, bool)> {
    let scope = p.require(Permission::ViewDuty)?;
    let key = format!("{scope:?}|{id}");
    let plan = st.caches.plan_rows.get_or_load(key, || store::get_plan(&st.db, &scope, id)).await?;
    let can_edit = p.require(Permission::EditDuty).map(|s| s.contains(&plan.org_path)).unwrap_or(false);
    Ok((plan, scope, can_edit))
}

/// Adds an item to a plan the viewer may edit.
pub async fn do_create_task(st: &AppState, p: &Principal, plan: &Plan, f: &TaskForm) -> AppResult<Result<i64, FieldErrors>> {
    let mut units = UnitResolver::new(&plan.org_path);
    let input = match task_input(&st.db, plan, f, &mut units).await? {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = st.db.begin().await?;
    match store::create_task(&mut tx, &p.actor(), plan, &input).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Ok(id))
        }
        Err(e) => store_field_error(e),
    }
}

fn store_field_error<T>(e: lianzheng_store::StoreError) -> AppResult<Result<T, FieldErrors>> {
    match AppError::from(e) {
        AppError::Invalid { fields, message } => {
            let mut f = fields;
            if f.is_empty() {
                f.insert("title".into(), message);
            }
            Ok(Err(f))
        }
        AppError::Conflict(m) => {
            let mut f = FieldErrors::new();
            f.insert("version".into(), m);
            Ok(Err(f))
        }
        other => Err(other),
    }
}

/// Edits an item of a plan the viewer may edit.
pub async fn do_update_task(st: &AppState, p: &Principal, view: &TaskView, f: &TaskForm) -> AppResult<Result<(), FieldErrors>> {
    let mut units = UnitResolver::new(&view.plan.org_path);
    let input = match task_input(&st.db, &view.plan, f, &mut units).await? {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let version = f.version.trim().parse().unwrap_or(view.task.version);
    let mut tx = st.db.begin().await?;
    match store::update_task(&mut tx, &p.actor(), view, version, &input).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(e) => store_field_error(e),
    }
}

/// The item the viewer may open, and whether they may edit it and report on it.
pub async fn task_for(st: &AppState, p: &Principal, id: i64) -> AppResult<(TaskView, Scope, bool, Option<(i64, String, bool)>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let view = store::get_task(&st.db, &scope, id).await?;
    let can_edit = p.require(Permission::EditDuty).map(|s| s.contains(&view.plan.org_path)).unwrap_or(false);
    let reporting = p.require(Permission::ReportProgress).ok().and_then(|s| view.reporting_unit(&s));
    Ok((view, scope, can_edit, reporting))
}

/// Deletes an item and its 小项 (the plan's owner only; refused once progress is reported).
pub async fn do_delete_task(st: &AppState, p: &Principal, view: &TaskView, can_edit: bool) -> AppResult<i64> {
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let mut tx = st.db.begin().await?;
    let n = store::delete_task(&mut tx, &p.actor(), view).await?;
    tx.commit().await?;
    Ok(n)
}

/// Records a progress report; the reporting unit follows from the reporter's scope.
pub async fn do_report(st: &AppState, p: &Principal, view: &TaskView, reporting: Option<&(i64, String, bool)>, f: &ReportForm) -> AppResult<Result<i64, FieldErrors>> {
    let Some((org_id, _, sets)) = reporting else { return Err(AppError::Forbidden) };
    let (percent, text) = match f.validate() {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = st.db.begin().await?;
    let id = store::add_report(&mut tx, &p.actor(), Some(p.user.id), &p.user.display_name, view, *org_id, &text, percent, *sets).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Copies a plan the viewer may edit into the next year.
pub async fn do_copy(st: &AppState, p: &Principal, id: i64, year: Option<i64>) -> AppResult<i64> {
    let (plan, _, can_edit) = plan_for(st, p, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let year = year.unwrap_or(plan.year + 1);
    if !(2000..=2100).contains(&year) || year == plan.year {
        return Err(AppError::field("year", "目标年度无效"));
    }
    let mut tx = st.db.begin().await?;
    let id = store::copy_plan(&mut tx, &p.actor(), &plan, year).await?;
    tx.commit().await?;
    Ok(id)
}

fn tree_filter_of(st: &AppState, org: &str, colour: &str) -> impl std::future::Future<Output = AppResult<TreeFilter>> {
    let db = st.db.clone();
    let org = org.trim().parse::<i64>().ok();
    let colour = Colour::parse(colour);
    async move {
        let org_path = match org {
            Some(id) => Some(lianzheng_store::org::get(&db, id).await?.map(|o| o.path).unwrap_or_else(|| "/none/".into())),
            None => None,
        };
        Ok(TreeFilter { org_path, colour, under: None })
    }
}

// ------------------------------------------------------------------------------ pages

pub struct NodeRow {
    pub node: Node,
    pub indent: String,
    pub responsible: String,
    pub cooperating: String,
}

impl NodeRow {
    fn of(node: Node) -> NodeRow {
        let indent = "　".repeat(node.depth.saturating_sub(1));
        let responsible = node.responsible.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
        let cooperating = node.cooperating.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
        NodeRow { node, indent, responsible, cooperating }
    }
}

#[derive(Template)]
#[template(path = "duty_plans.html")]
struct PlansPage {
    l: Layout,
    year: i32,
    plans: Vec<PlanRow>,
    last_year: Vec<PlanRow>,
    reminders: Arc<Vec<Reminder>>,
    can_edit: bool,
    form: PlanForm,
    errors: Errs,
    orgs: Vec<(i64, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

async fn plans_page(st: &AppState, p: &Principal, year: i32, form: Option<PlanForm>, errors: Errs) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let plans = store::list_plans(&st.db, &scope, i64::from(year)).await?;
    let edit = p.require(Permission::EditDuty).ok();
    let can_edit = edit.is_some();
    let last_year = match &edit {
        Some(es) => store::list_plans(&st.db, es, i64::from(year) - 1).await?.into_iter().filter(|r| es.contains(&r.plan.org_path)).collect(),
        None => vec![],
    };
    let orgs = match &edit {
        Some(es) => editable_orgs(&st.db, es).await?,
        None => vec![],
    };
    let reminders = reminders(st, &scope, None).await?;
    let form = form.unwrap_or_else(|| PlanForm {
        year: year.to_string(),
        org_id: p.user.org_id.filter(|id| orgs.iter().any(|o| o.0 == *id)).or(orgs.first().map(|o| o.0)).map(|v| v.to_string()).unwrap_or_default(),
        title: format!("{year}年党风廉政建设工作任务分工"),
        doc_number: String::new(),
    });
    let failed = !errors.0.is_empty();
    let mut r = render(&PlansPage { l: Layout::new(st, p, "任务分工", "/duty"), year, plans, last_year, reminders, can_edit, form, errors, orgs })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// Units a plan may be made for: the top levels of the editor's scope.
async fn editable_orgs(db: &Db, scope: &Scope) -> AppResult<Vec<(i64, String)>> {
    let mut orgs = lianzheng_store::org::list_in_scope(db, scope, None, 400).await?;
    let top = orgs.iter().map(|o| o.level).min().unwrap_or(1);
    orgs.retain(|o| o.level <= top + 1);
    Ok(org_options(&orgs))
}

/// Units an item may name: the plan owner and two levels below (at most 400).
async fn unit_options(db: &Db, plan: &Plan) -> AppResult<Vec<(i64, String)>> {
    let (lo, hi) = subtree_range(&plan.org_path);
    let rows: Vec<(i64, String, i64)> = db
        .fetch_all(q("SELECT o.id, o.name, o.level FROM orgs o WHERE o.path >= $1 AND o.path < $2 AND o.level <= (SELECT level FROM orgs WHERE id = $3) + 2 ORDER BY o.path LIMIT 400").bind(lo).bind(hi).bind(plan.org_id))
        .await?;
    let top = rows.iter().map(|r| r.2).min().unwrap_or(1);
    Ok(rows.into_iter().map(|(id, name, level)| (id, format!("{}{name}", "　".repeat((level - top).max(0) as usize)))).collect())
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    plans_page(&st, &p, year_or_current(&q.year), None, Errs::default()).await
}

pub async fn create_plan(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<PlanForm>) -> AppResult<Response> {
    match do_create_plan(&st, &p, &form).await? {
        Ok(id) => Ok(Redirect::to(&format!("/duty/plans/{id}")).into_response()),
        Err(e) => plans_page(&st, &p, year_or_current(&form.year), Some(form), Errs(e)).await,
    }
}

pub async fn edit_plan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PlanEditForm>) -> AppResult<Response> {
    let (plan, _, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    match do_edit_plan(&st, &p, &plan, &form).await? {
        Ok(()) => Ok(Redirect::to(&format!("/duty/plans/{}", plan.id)).into_response()),
        Err(e) => Err(crate::forms::into_error(e)),
    }
}

pub async fn copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = do_copy(&st, &p, parse_id(&id)?, None).await?;
    Ok(Redirect::to(&format!("/duty/plans/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "duty_plan.html")]
struct PlanPage {
    l: Layout,
    plan: Plan,
    rows: Vec<NodeRow>,
    total: usize,
    counts: Vec<(&'static str, &'static str, usize)>,
    pager: Pager,
    f: TreeQuery,
    orgs: Arc<Vec<(i64, String)>>,
    colours: Vec<(&'static str, &'static str)>,
    reminders: Arc<Vec<Reminder>>,
    owner: bool,
    can_edit: bool,
    today: String,
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct TreeQuery {
    pub org: String,
    pub colour: String,
    pub page: String,
}

impl TreeQuery {
    fn base(&self) -> String {
        let pairs: Vec<(&str, &str)> = [("org", self.org.as_str()), ("colour", self.colour.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if s.is_empty() { s } else { format!("{s}&") }
    }
}

/// A plan's items and units, from the node's short-lived cache (`cache.rs`).
async fn plan_data(st: &AppState, plan_id: i64) -> AppResult<Arc<PlanData>> {
    Ok(st.caches.plans.get_or_load(plan_id, || async { store::plan_data(&st.db, plan_id).await.map(Arc::new) }).await?)
}

/// Today's 到期提醒 within the scope (of one plan, or all), from the node's short-lived cache.
pub async fn reminders(st: &AppState, scope: &Scope, plan_id: Option<i64>) -> AppResult<Arc<Vec<Reminder>>> {
    let key = format!("{scope:?}|{plan_id:?}");
    Ok(st.caches.reminders.get_or_load(key, || async { store::pending_reminders(&st.db, scope, plan_id).await.map(Arc::new) }).await?)
}

/// The tree as the viewer sees it, with the filters of the query.
pub async fn tree(st: &AppState, scope: &Scope, plan: &Plan, org: &str, colour: &str) -> AppResult<Vec<Node>> {
    let f = tree_filter_of(st, org, colour).await?;
    Ok(plan_data(st, plan.id).await?.page(scope, plan, &f, store::today(), st.policy.task_yellow_days, 0, usize::MAX).nodes)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Response> {
    let (plan, scope, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    let f = tree_filter_of(&st, &q.org, &q.colour).await?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let offset = usize::try_from((page - 1) * TREE_PAGE).unwrap_or(0);
    let data = plan_data(&st, plan.id).await?;
    let (today, yellow) = (store::today(), st.policy.task_yellow_days);
    let mut tp = data.page(&scope, &plan, &f, today, yellow, offset, TREE_PAGE as usize);
    let pager = Pager::new(page, TREE_PAGE, tp.total as i64, q.base());
    if tp.nodes.is_empty() && tp.total > 0 {
        // a page past the end: show the last one
        let offset = usize::try_from(pager.offset(TREE_PAGE)).unwrap_or(0);
        tp = data.page(&scope, &plan, &f, today, yellow, offset, TREE_PAGE as usize);
    }
    let counts = tp.counts.iter().map(|(c, n)| (c.code(), c.label(), *n)).collect();
    let rows: Vec<NodeRow> = tp.nodes.into_iter().map(NodeRow::of).collect();
    let owner = scope.contains(&plan.org_path);
    // filter by a unit "and below": the owner and the units directly under it
    let orgs = st
        .caches
        .plan_units
        .get_or_load(plan.org_id, || async { st.db.fetch_all(lianzheng_store::q("SELECT id, name FROM orgs WHERE id = $1 OR parent_id = $1 ORDER BY parent_id IS NOT NULL, sort_order, id LIMIT 400").bind(plan.org_id)).await.map(Arc::new) })
        .await?;
    let reminders = reminders(&st, &scope, Some(plan.id)).await?;
    render(&PlanPage {
        l: Layout::new(&st, &p, &plan.title, "/duty"),
        plan,
        rows,
        total: tp.total,
        counts,
        pager,
        f: q,
        orgs,
        colours: Colour::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        reminders,
        owner,
        can_edit,
        today: lianzheng_core::duty::format_date(store::today()),
    })
}

#[derive(Template)]
#[template(path = "duty_task_form.html")]
struct TaskFormPage {
    l: Layout,
    plan: Plan,
    heading: String,
    action: String,
    cancel: String,
    parent: Option<(i64, String)>,
    form: TaskForm,
    errors: Errs,
    message: Option<String>,
    orgs: Vec<(i64, String)>,
    leaders: Vec<String>,
    items: Vec<LinkedItem>,
}

/// Leaders of the owner's subtree for the 牵头领导 suggestions.
async fn leader_names(db: &Db, plan: &Plan) -> AppResult<Vec<String>> {
    let (lo, hi) = subtree_range(&plan.org_path);
    let rows: Vec<(String, Option<String>, String)> = db
        .fetch_all(
            q("SELECT p.name, ps.title, o.name FROM people p JOIN posts ps ON ps.person_id = p.id JOIN orgs o ON o.id = p.org_id WHERE ps.end_date IS NULL AND ps.kind IN ('secretary', 'deputy_secretary', 'discipline_secretary', 'team_member') AND o.level <= (SELECT level FROM orgs WHERE id = $1) + 1 AND o.path >= $2 AND o.path < $3 ORDER BY o.path, p.sort_order LIMIT 200")
                .bind(plan.org_id)
                .bind(lo)
                .bind(hi),
        )
        .await?;
    Ok(rows.into_iter().map(|(n, t, o)| format!("{n}（{}）", t.unwrap_or(o))).collect())
}

#[allow(clippy::too_many_arguments)]
async fn task_form_page(st: &AppState, p: &Principal, plan: Plan, editing: Option<i64>, parent: Option<(i64, String)>, form: TaskForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let orgs = unit_options(&st.db, &plan).await?;
    let leaders = leader_names(&st.db, &plan).await?;
    let items = store::linkable_items(&st.db, &Scope::from_paths(vec![plan.org_path.clone()]), plan.year).await?;
    let (heading, action, cancel) = match editing {
        Some(id) => ("编辑事项".to_string(), format!("/duty/tasks/{id}"), format!("/duty/tasks/{id}")),
        None => (if parent.is_some() { "添加小项" } else { "添加大项" }.to_string(), format!("/duty/plans/{}/tasks", plan.id), format!("/duty/plans/{}", plan.id)),
    };
    let failed = !errors.0.is_empty() || message.is_some();
    let mut r = render(&TaskFormPage { l: Layout::new(st, p, &heading, "/duty"), plan, heading, action, cancel, parent, form, errors, message, orgs, leaders, items })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    parent: String,
}

async fn parent_of(st: &AppState, plan: &Plan, parent: &str) -> AppResult<Option<(i64, String)>> {
    let Ok(pid) = parent.trim().parse::<i64>() else { return Ok(None) };
    let row: Option<(String,)> = st.db.fetch_optional(q("SELECT title FROM tasks WHERE id = $1 AND plan_id = $2").bind(pid).bind(plan.id)).await?;
    Ok(row.map(|(t,)| (pid, t)))
}

pub async fn new_task_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<NewQuery>) -> AppResult<Response> {
    let (plan, _, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let parent = parent_of(&st, &plan, &q.parent).await?;
    let form = TaskForm { parent_id: parent.as_ref().map(|p| p.0.to_string()).unwrap_or_default(), deadline: format!("{}-12-31", plan.year), ..TaskForm::default() };
    task_form_page(&st, &p, plan, None, parent, form, Errs::default(), None).await
}

pub async fn create_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (plan, _, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let form = TaskForm::from_pairs(pairs);
    match do_create_task(&st, &p, &plan, &form).await? {
        Ok(tid) => Ok(Redirect::to(&format!("/duty/tasks/{tid}")).into_response()),
        Err(e) => {
            let parent = parent_of(&st, &plan, &form.parent_id).await?;
            task_form_page(&st, &p, plan, None, parent, form, Errs(e), Some("请修改标红的项目".into())).await
        }
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (view, _, can_edit, _) = task_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let items = store::linked_items(&st.db, view.task.id).await?;
    let t = &view.task;
    let form = TaskForm {
        parent_id: t.parent_id.map(|v| v.to_string()).unwrap_or_default(),
        title: t.title.clone(),
        lead_leader: t.lead_leader.clone().unwrap_or_default(),
        lead_org: t.lead_org_id.map(|v| v.to_string()).unwrap_or_default(),
        deadline: t.deadline.clone().unwrap_or_default(),
        target: t.target.clone().unwrap_or_default(),
        responsible: view.responsible().map(|o| o.org_id.to_string()).collect::<Vec<_>>().join(","),
        cooperating: view.cooperating().map(|o| o.org_id.to_string()).collect::<Vec<_>>().join(","),
        list_items: items.iter().map(|i| i.item_id.to_string()).collect::<Vec<_>>().join(","),
        version: t.version.to_string(),
    };
    let tid = view.task.id;
    task_form_page(&st, &p, view.plan, Some(tid), None, form, Errs::default(), None).await
}

pub async fn delete_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (view, _, can_edit, _) = task_for(&st, &p, parse_id(&id)?).await?;
    let plan = view.plan.id;
    do_delete_task(&st, &p, &view, can_edit).await?;
    Ok(Redirect::to(&format!("/duty/plans/{plan}")).into_response())
}

pub async fn update_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (view, _, can_edit, _) = task_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let mut form = TaskForm::from_pairs(pairs);
    form.parent_id = view.task.parent_id.map(|v| v.to_string()).unwrap_or_default();
    match do_update_task(&st, &p, &view, &form).await? {
        Ok(()) => Ok(Redirect::to(&format!("/duty/tasks/{}", view.task.id)).into_response()),
        Err(mut e) => {
            let message = e.remove("version").unwrap_or_else(|| "请修改标红的项目".into());
            let tid = view.task.id;
            task_form_page(&st, &p, view.plan, Some(tid), None, form, Errs(e), Some(message)).await
        }
    }
}

pub struct ReportRow {
    pub report: Report,
    pub at: String,
    pub files: Vec<Attachment>,
}

#[derive(Template)]
#[template(path = "duty_task.html")]
struct TaskPage {
    l: Layout,
    v: TaskView,
    number_path: Vec<(i64, String)>,
    colour: Colour,
    items: Vec<LinkedItem>,
    reports: Vec<ReportRow>,
    can_edit: bool,
    reporting: Option<(i64, String, bool)>,
    reporting_label: String,
    form: ReportForm,
    errors: Errs,
    upload_types: String,
    updated: String,
    /// Some(items in the subtree) when the viewer may delete the item now.
    deletable: Option<i64>,
    rollup: Option<Rollup>,
    children: Vec<NodeRow>,
}

async fn task_page_with(st: &AppState, p: &Principal, id: i64, form: ReportForm, errors: Errs) -> AppResult<Response> {
    let (v, scope, can_edit, reporting) = task_for(st, p, id).await?;
    let items = store::linked_items(&st.db, v.task.id).await?;
    let reports = store::reports(&st.db, &scope, &v).await?;
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let mut files: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for a in store::report_attachments(&st.db, &ids).await? {
        files.entry(a.owner_id.unwrap_or(0)).or_default().push(a);
    }
    let reports = reports.into_iter().map(|r| ReportRow { at: fmt_time(r.created_at), files: files.remove(&r.id).unwrap_or_default(), report: r }).collect();
    // the ancestors, for the breadcrumb
    let mut number_path = Vec::new();
    for a in v.task.path.split('/').filter_map(|s| s.parse::<i64>().ok()).filter(|a| *a != v.task.id) {
        if let Some((t,)) = st.db.fetch_optional::<(String,)>(q("SELECT title FROM tasks WHERE id = $1").bind(a)).await? {
            number_path.push((a, t));
        }
    }
    // the item's 小项 as the viewer sees them, from the plan's cached snapshot
    let (today, yellow) = (store::today(), st.policy.task_yellow_days);
    let under = TreeFilter { under: Some(v.task.path.clone()), ..TreeFilter::default() };
    let tree = plan_data(st, v.task.plan_id).await?.page(&scope, &v.plan, &under, today, yellow, 0, usize::MAX).nodes;
    let (colour, rollup) = tree.iter().find(|n| n.task.id == v.task.id).map_or((v.task.colour(today, yellow), None), |n| (n.colour, n.rollup));
    let children: Vec<NodeRow> = tree.into_iter().filter(|n| n.task.id != v.task.id).map(NodeRow::of).collect();
    let reporting_label = match &reporting {
        Some((org_id, role, _)) => {
            let name = lianzheng_store::org::get(&st.db, *org_id).await?.map(|o| o.name).unwrap_or_default();
            let role = if role == "owner" { "计划制定单位" } else { store::role_label(role) };
            format!("{name}（{role}）")
        }
        None => String::new(),
    };
    let failed = !errors.0.is_empty();
    let updated = fmt_time(v.task.updated_at);
    // deletion is offered to the owner while nobody has reported on the item or below it
    let deletable = if can_edit && store::reports_under(&st.db, &v.task).await? == 0 { Some(i64::try_from(children.len()).unwrap_or(0) + 1) } else { None };
    let mut r = render(&TaskPage {
        l: Layout::new(st, p, &v.task.title, "/duty"),
        v,
        number_path,
        colour,
        items,
        reports,
        can_edit,
        reporting,
        reporting_label,
        form,
        errors,
        upload_types: st.policy.upload_types.join("、"),
        updated,
        deletable,
        rollup,
        children,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn task_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    task_page_with(&st, &p, parse_id(&id)?, ReportForm::default(), Errs::default()).await
}

/// 进展报送: percent, text and an optional file (multipart, CSRF token in the query).
pub async fn report(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (view, _, _, reporting) = task_for(&st, &p, id).await?;
    if reporting.is_none() {
        return Err(AppError::Forbidden);
    }
    let mut form = ReportForm::default();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    let mut errors = FieldErrors::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                errors.insert("file".into(), format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("").to_string();
            let ctype = field.content_type().unwrap_or("application/octet-stream").to_string();
            match field.bytes().await {
                Ok(b) if !fname.is_empty() && !b.is_empty() => file = Some((fname, ctype, b.to_vec())),
                Ok(_) => {}
                Err(_) => {
                    errors.insert("file".into(), format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
                }
            }
        } else {
            let v = field.text().await.unwrap_or_default();
            match name.as_str() {
                "percent" => form.percent = v,
                "text" => form.text = v,
                _ => {}
            }
        }
    }
    if let Some((fname, _, bytes)) = &file {
        let ext = fname.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
        if !st.policy.upload_types.contains(&ext) {
            errors.insert("file".into(), format!("不支持的文件类型，允许：{}", st.policy.upload_types.join("、")));
        } else if bytes.len() > st.policy.upload_max_bytes {
            errors.insert("file".into(), format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
        }
    }
    if let Err(e) = form.validate() {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return task_page_with(&st, &p, id, form, Errs(errors)).await;
    }
    let rid = match do_report(&st, &p, &view, reporting.as_ref(), &form).await? {
        Ok(rid) => rid,
        Err(e) => return task_page_with(&st, &p, id, form, Errs(e)).await,
    };
    if let (Some((fname, ctype, bytes)), Some((org_id, _, _))) = (file, reporting) {
        let scope = p.require(Permission::UploadAttachments)?;
        crate::api::save_attachment(&st, &p, &scope, org_id, store::REPORT_ATTACHMENT_KIND.into(), Some(rid), fname, ctype, bytes).await?;
    }
    Ok(Redirect::to(&format!("/duty/tasks/{id}#reports")).into_response())
}

/// A report's file, for whoever may read the report.
pub async fn download(State(st): State<AppState>, p: Principal, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let view = store::get_task(&st.db, &scope, parse_id(&id)?).await?;
    let file = parse_id(&file)?;
    let ids: Vec<i64> = store::reports(&st.db, &scope, &view).await?.iter().map(|r| r.id).collect();
    let a = store::report_attachments(&st.db, &ids).await?.into_iter().find(|a| a.id == file).ok_or(AppError::NotFound)?;
    let bytes = st.storage.get(&a.storage_key)?;
    if sm3_hex(&bytes) != a.sm3 {
        return Err(AppError::Internal(format!("附件 {} 指纹不符，文件可能被改动", a.id)));
    }
    p.log_read(&st, "attachment.download", "attachment", Some(a.id.to_string()), serde_json::json!({"org_id": a.org_id, "sm3": a.sm3, "task_id": view.task.id})).await?;
    Ok(attachment_response(bytes, &a.filename, "application/octet-stream"))
}

fn attachment_response(bytes: Vec<u8>, filename: &str, ctype: &'static str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    let encoded = crate::middleware::urlencode(filename).replace('+', "%20");
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

// -------------------------------------------------------------------------- XLSX / DOCX

pub const XLSX_HEADERS: [&str; 8] = ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限", "目标要求"];

fn xlsx_columns() -> Vec<Column> {
    let w = [10.0, 48.0, 18.0, 22.0, 30.0, 30.0, 12.0, 40.0];
    XLSX_HEADERS.iter().zip(w).enumerate().map(|(i, (h, w))| Column { header: h.to_string(), width: Some(w), text: i == 0 || i == 6 }).collect()
}

fn node_cells(n: &Node) -> Vec<String> {
    let t = &n.task;
    vec![
        n.number.clone(),
        t.title.clone(),
        t.lead_leader.clone().unwrap_or_default(),
        t.lead_org_name.clone().unwrap_or_default(),
        n.responsible.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、"),
        n.cooperating.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、"),
        t.deadline.clone().unwrap_or_default(),
        t.target.clone().unwrap_or_default(),
    ]
}

pub async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Response> {
    let (plan, scope, _) = plan_for(&st, &p, parse_id(&id)?).await?;
    let nodes = tree(&st, &scope, &plan, &q.org, &q.colour).await?;
    let rows = nodes.iter().map(node_cells).collect();
    let bytes = write_tables(&[Table { title: Some(plan.title.clone()), sheet_name: "任务分工".into(), columns: xlsx_columns(), rows }]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    p.log_read(&st, "task_plan.export", "task_plan", Some(plan.id.to_string()), serde_json::json!({"rows": nodes.len()})).await?;
    Ok(xlsx_io::download(bytes, &format!("{}.xlsx", plan.title)))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    p.require(Permission::EditDuty)?;
    let rows = vec![
        vec!["1".into(), "落实全面从严治党主体责任".into(), "县委书记".into(), "县委办公室".into(), "".into(), "".into(), "".into(), "".into()],
        vec!["1.1".into(), "专题研究党风廉政建设工作不少于4次".into(), "县委书记".into(), "XW-D01".into(), "XW-D01、XW-D03".into(), "XW-JW".into(), "2026-12-31".into(), "每季度至少专题研究1次，形成会议纪要".into()],
    ];
    let bytes = write_tables(&[
        Table { title: None, sheet_name: "任务分工".into(), columns: xlsx_columns(), rows },
        Table {
            title: None,
            sheet_name: "填写说明".into(),
            columns: vec![Column { header: "项目".into(), width: Some(14.0), text: false }, Column { header: "说明".into(), width: Some(80.0), text: false }],
            rows: vec![
                vec!["序号".into(), "1 为大项，1.1 为其下小项，1.1.2 再下一级；上级须在本表前面行出现（请设为文本格式）".into()],
                vec!["牵头单位等".into(), "填写组织编码或组织全称、简称；责任单位、配合单位可填多个，用“、”或逗号分隔".into()],
                vec!["时限".into(), "日期，如 2026-06-30".into()],
            ],
        },
    ])
    .map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    Ok(xlsx_io::download(bytes, "任务分工导入模板.xlsx"))
}

fn import_page_of(st: &AppState, p: &Principal, plan: &Plan, info: Option<String>, errors: Vec<String>) -> AppResult<Response> {
    let failed = !errors.is_empty();
    let mut r = render(&ImportPage {
        l: Layout::new(st, p, "导入任务分工", "/duty"),
        heading: format!("导入任务分工：{}", plan.title),
        action: format!("/duty/plans/{}/import", plan.id),
        template_href: "/duty/plan-template.xlsx".into(),
        info,
        errors,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn import_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (plan, _, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    import_page_of(&st, &p, &plan, None, vec![])
}

pub async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let (plan, _, can_edit) = plan_for(&st, &p, parse_id(&id)?).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let bytes = match xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await {
        Ok(b) => b,
        Err(AppError::Invalid { message, .. }) => return import_page_of(&st, &p, &plan, None, vec![message]),
        Err(e) => return Err(e),
    };
    match import_tasks(&st, &p, &plan, &bytes).await? {
        Ok(n) => import_page_of(&st, &p, &plan, Some(format!("已导入 {n} 项，返回计划查看")), vec![]),
        Err(errs) => import_page_of(&st, &p, &plan, None, errs),
    }
}

/// Imports items into a plan: Ok(count) or Err(messages "第N行 …"); with any bad row nothing is written.
pub async fn import_tasks(st: &AppState, p: &Principal, plan: &Plan, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    let rows = match read_rows(bytes) {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(XLSX_HEADERS[0])) else {
        return Ok(Err(vec![format!("未找到表头行（第一列应为“{}”），请使用导入模板", XLSX_HEADERS[0])]));
    };
    for (i, h) in XLSX_HEADERS.iter().enumerate() {
        if rows[hpos].get(i).map(|c| c.trim()) != Some(*h) {
            return Ok(Err(vec![format!("第{}行 表头第{}列应为“{}”，请使用导入模板", hpos + 1, i + 1, h)]));
        }
    }
    let mut errors = Vec::new();
    let mut parsed: Vec<(usize, Vec<u32>, TaskInput)> = Vec::new();
    let mut seen: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut units = UnitResolver::new(&plan.org_path);
    for (i, r) in rows.iter().enumerate().skip(hpos + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = i + 1;
        let cell = |k: usize| r.get(k).cloned().unwrap_or_default();
        let Some(number) = parse_number(&cell(0)) else {
            errors.push(format!("第{line}行 序号“{}”无效，应为 1、1.1、1.1.2 这样的编号", cell(0)));
            continue;
        };
        if let Some(first) = seen.insert(number.clone(), line) {
            errors.push(format!("第{line}行 序号 {} 与第{first}行重复", cell(0)));
        }
        if number.len() > 1 && !seen.contains_key(&number[..number.len() - 1]) {
            errors.push(format!("第{line}行 序号 {} 的上级事项不在本表前面的行中", cell(0)));
        }
        let form = TaskForm { title: cell(1), lead_leader: cell(2), lead_org: cell(3), responsible: cell(4), cooperating: cell(5), deadline: cell(6), target: cell(7), ..TaskForm::default() };
        match task_input(&st.db, plan, &form, &mut units).await? {
            Ok(input) => parsed.push((line, number, input)),
            Err(e) => {
                for m in e.values() {
                    errors.push(format!("第{line}行 {m}"));
                }
            }
        }
    }
    if parsed.is_empty() && errors.is_empty() {
        errors.push("文件中没有数据行".into());
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let actor = p.actor();
    let mut tx = st.db.begin().await?;
    let mut ids: HashMap<Vec<u32>, i64> = HashMap::new();
    let n = parsed.len();
    for (line, number, mut input) in parsed {
        input.parent_id = if number.len() > 1 { ids.get(&number[..number.len() - 1]).copied() } else { None };
        match store::create_task(&mut tx, &actor, plan, &input).await {
            Ok(id) => {
                ids.insert(number, id);
            }
            Err(e) => {
                let m = AppError::from(e);
                return match m {
                    AppError::Invalid { message, .. } | AppError::Conflict(message) => Ok(Err(vec![format!("第{line}行 {message}")])),
                    other => Err(other),
                };
            }
        }
    }
    tx.commit().await?;
    Ok(Ok(n))
}

/// "6月30日" within the plan's year, "2027年1月11日" otherwise (dates in a 公文 table).
fn short_date(d: &str, year: i64) -> String {
    match lianzheng_core::duty::parse_date(d) {
        Some(x) if i64::from(x.year()) == year => format!("{}月{}日", u8::from(x.month()), x.day()),
        Some(x) => format!("{}年{}月{}日", x.year(), u8::from(x.month()), x.day()),
        None => d.to_string(),
    }
}

/// 责任分工 document: the notice issuing the plan, with the items as a table.
pub fn plan_document(plan: &Plan, nodes: &[Node]) -> AppResult<Vec<u8>> {
    let issuer = plan.org_name.clone();
    let big = nodes.iter().filter(|n| n.depth == 1).count();
    let small = nodes.len() - big;
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| {
            let t = &n.task;
            let units = n.responsible.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
            let coop = n.cooperating.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
            vec![
                n.number.clone(),
                t.title.clone(),
                // the name only: posts make the column too wide in a 公文 table
                t.lead_leader.as_deref().and_then(|l| l.split(['（', '(']).next()).unwrap_or_default().trim().to_string(),
                t.lead_org_name.clone().unwrap_or_default(),
                if coop.is_empty() { units } else { format!("{units}\n配合：{coop}") },
                t.deadline.as_deref().map(|d| short_date(d, plan.year)).unwrap_or_default(),
            ]
        })
        .collect();
    let d = store::today();
    let doc = OfficialDocument {
        issuer: issuer.clone(),
        doc_number: plan.doc_number.clone(),
        title: format!("关于印发《{}》的通知", plan.title),
        addressee: Some("各乡镇党委，县委各部委，县直各单位党组（党委）".into()),
        body: vec![
            Block::Paragraph(format!("为深入推进全面从严治党，落实党风廉政建设主体责任和监督责任，经研究，现将《{}》印发给你们，请结合实际认真抓好落实。", plan.title)),
            Block::Paragraph(format!("全年工作任务分解为{big}大项、{small}小项，明确了牵头领导、牵头单位、责任单位和完成时限。各牵头单位要切实履行牵头抓总职责，会同责任单位、配合单位细化措施、按时推进，并按要求报送工作进展情况；县纪委监委将加强督促检查，对工作推进不力、逾期未完成的予以通报。")),
            Block::Heading(1, "任务分工表".into()),
            Block::Table { headers: ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "时限"].iter().map(|s| s.to_string()).collect(), rows, widths: Some(vec![8, 30, 10, 11, 17, 11]) },
        ],
        attachments: vec![],
        signature: Some(issuer.clone()),
        date: (d.year(), u32::from(u8::from(d.month())), u32::from(d.day())),
        cc: vec![],
        printer: Some(match plan.org_name.strip_suffix("委员会") {
            Some(s) => format!("{s}委办公室"),
            None => format!("{}办公室", plan.org_name),
        }),
    };
    to_docx(&doc).map_err(|e| AppError::Internal(format!("生成公文：{e}")))
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (plan, scope, _) = plan_for(&st, &p, parse_id(&id)?).await?;
    let nodes = tree(&st, &scope, &plan, "", "").await?;
    let bytes = plan_document(&plan, &nodes)?;
    p.log_read(&st, "task_plan.document", "task_plan", Some(plan.id.to_string()), serde_json::json!({"rows": nodes.len()})).await?;
    Ok(attachment_response(bytes, &format!("{}.docx", plan.title), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

/// The current year, for the API's default.
pub fn default_year() -> i64 {
    i64::from(current_year())
}
