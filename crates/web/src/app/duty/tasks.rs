//! 任务分工 use cases: the year's plans, a plan's tree (colours, filters, paging), adding,
//! editing and deleting items, progress reports with attachments, copying last year's plan,
//! XLSX import and export, the 责任分工 document (GB/T 9704 DOCX) and the 到期提醒.
//!
//! Ids that arrive in a form or body (parent, units, list items, the unit filter) are checked
//! here or in the store against the plan owner's subtree and the caller's scope, like ids in
//! the path. Text longer than a field allows is refused, never cut.

pub use lianzheng_store::duty::tasks::TABLES;
use std::collections::HashMap;
use std::sync::Arc;

use lianzheng_core::duty::{Colour, PlanStatus, parse_date, parse_number};
use lianzheng_core::ids::*;
use lianzheng_core::org::{Permission, Scope};
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
pub use lianzheng_store::attachments::Attachment;
use lianzheng_store::duty::tasks::{self as store, PlanData, PlanInput, TaskInput, TreeFilter};
pub use lianzheng_store::duty::tasks::{LinkedItem, Node, Plan, PlanRow, Reminder, Report, Rollup, TaskView, role_label, today};
use serde::{Deserialize, Deserializer, Serialize};

use super::{current_year, year_or_current};
use crate::app::files::{self, Owner, Upload};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::forms::{split_list, text};
use crate::state::AppState;

/// Rows of the plan tree per page (a 2,000-item province plan is 20 pages; a county plan mostly one or two).
pub const TREE_PAGE: usize = 100;
pub const PLAN_TITLE_MAX: usize = 100;
pub const DOC_NUMBER_MAX: usize = 50;
pub const TASK_TITLE_MAX: usize = 500;
pub const LEADER_MAX: usize = 100;
pub const TARGET_MAX: usize = 2000;
pub const REPORT_MAX: usize = 2000;

/// 大项 and 小项: a plan has two levels; a 小项 gets no items under it.
pub const MAX_LEVEL: i64 = 2;
pub const THIRD_LEVEL: &str = "小项下不能再添加下级事项：任务分工只分大项、小项两级";

const MISSING_VERSION: &str = "缺少版本号 version（来自读取时的数据），为免覆盖他人的修改，请刷新后重试";

/// The title a new plan gets when none is typed (pages prefill it, the API applies it).
pub fn default_plan_title(year: i64) -> String {
    format!("{year}年党风廉政建设工作任务分工")
}

// ---------------------------------------------------------------------------------- inputs

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

fn version_of(s: &str) -> AppResult<i64> {
    s.trim().parse::<i64>().map_err(|_| AppError::Conflict(MISSING_VERSION.into()))
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
    fn validate(&self) -> Result<PlanInput, FieldErrors> {
        let mut e = FieldErrors::new();
        // blank means this year (one rule with every year query); anything else must be a year
        let typed = self.year.trim();
        if !typed.is_empty() && typed.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).is_none() {
            e.insert("year".into(), "年度应为 2000 至 2100 之间的年份".into());
        }
        let year = i64::from(year_or_current(typed));
        let org_id = match self.org_id.trim().parse::<i64>() {
            Ok(v) => OrgId::new(v),
            Err(_) => {
                e.insert("org_id".into(), "请选择制定单位".into());
                OrgId::default()
            }
        };
        let title = text(&mut e, "title", "计划名称", &self.title, PLAN_TITLE_MAX, false).unwrap_or_else(|| default_plan_title(year));
        let doc_number = text(&mut e, "doc_number", "发文字号", &self.doc_number, DOC_NUMBER_MAX, false);
        if e.is_empty() { Ok(PlanInput { year, org_id, title, doc_number }) } else { Err(e) }
    }
}

/// Title, 发文字号 and status of an existing plan; `version` from when it was read.
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
    fn has(list: &str, id: impl std::fmt::Display) -> bool {
        split_list(list).any(|s| s == id.to_string())
    }
    pub fn has_responsible(&self, id: &OrgId) -> bool {
        Self::has(&self.responsible, *id)
    }
    pub fn has_cooperating(&self, id: &OrgId) -> bool {
        Self::has(&self.cooperating, *id)
    }
    pub fn has_item(&self, id: &ListItemId) -> bool {
        Self::has(&self.list_items, *id)
    }
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
    fn validate(&self) -> Result<(i64, String), FieldErrors> {
        let mut e = FieldErrors::new();
        let percent = match self.percent.trim().trim_end_matches('%').parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ => {
                e.insert("percent".into(), "完成进度应为 0 至 100 之间的整数".into());
                0
            }
        };
        let text = text(&mut e, "text", "进展情况", &self.text, REPORT_MAX, true).unwrap_or_default();
        if e.is_empty() { Ok((percent, text)) } else { Err(e) }
    }
}

/// Filters and page of the plan tree (query string of the page and the API).
#[derive(Debug, Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct TreeQuery {
    pub org: String,
    pub colour: String,
    pub page: String,
    /// rows per page: 20, 50 or 100 ([`TREE_PAGE`] unless chosen)
    pub size: String,
}

/// Finds units by id, code, name or short name inside the plan owner's subtree (cached per
/// request or import, since an XLSX names the same units on many rows).
struct UnitResolver<'a> {
    plan: &'a Plan,
    /// The writer's (EditDuty) scope: units and parents are looked up inside it.
    scope: Scope,
    cache: HashMap<String, Option<OrgId>>,
}

impl<'a> UnitResolver<'a> {
    fn new(p: &Principal, plan: &'a Plan) -> AppResult<Self> {
        Ok(UnitResolver { plan, scope: p.require(Permission::EditDuty)?, cache: HashMap::new() })
    }
    async fn find(&mut self, st: &AppState, token: &str) -> AppResult<Option<OrgId>> {
        if let Some(v) = self.cache.get(token) {
            return Ok(*v);
        }
        let v = store::find_unit(&st.db, &self.scope, self.plan, token).await?;
        self.cache.insert(token.to_string(), v);
        Ok(v)
    }
    /// Every unit named in `list`; unknown names go to the field's error.
    async fn list(&mut self, st: &AppState, list: &str, field: &str, label: &str, e: &mut FieldErrors) -> AppResult<Vec<OrgId>> {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for token in split_list(list) {
            match self.find(st, token).await? {
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

/// Checks a task form against the plan: text, the 时限 against the plan's year, the parent
/// (an item of this plan), units through the resolver. Field errors as `Ok(Err(..))` so an
/// import can name them per row.
async fn task_input(st: &AppState, f: &TaskForm, units: &mut UnitResolver<'_>) -> AppResult<Result<TaskInput, FieldErrors>> {
    let plan = units.plan;
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", "任务内容", &f.title, TASK_TITLE_MAX, true).unwrap_or_default();
    let lead_leader = text(&mut e, "lead_leader", "牵头领导", &f.lead_leader, LEADER_MAX, false);
    let target = text(&mut e, "target", "目标要求", &f.target, TARGET_MAX, false);
    let deadline = crate::forms::date(&mut e, "deadline", "时限", &f.deadline);
    // a 时限 outside the plan's year (or the next, for items that run over the turn of the year) is a typo
    if let Some(d) = deadline.as_deref().and_then(parse_date) {
        let y = i64::from(d.year());
        if y != plan.year && y != plan.year + 1 {
            e.insert("deadline".into(), format!("时限应在计划年度内（{}年），跨年事项最迟至{}年", plan.year, plan.year + 1));
        }
    }
    let parent_id = match opt(&f.parent_id) {
        Some(p) => match p.parse::<TaskId>() {
            Ok(v) => match store::task_level(&st.db, &units.scope, plan.id, v).await? {
                Some(level) if level >= MAX_LEVEL => {
                    e.insert("parent_id".into(), THIRD_LEVEL.into());
                    None
                }
                Some(_) => Some(v),
                None => {
                    e.insert("parent_id".into(), "上级事项不存在或不属于本计划".into());
                    None
                }
            },
            Err(_) => {
                e.insert("parent_id".into(), "上级事项不存在或不属于本计划".into());
                None
            }
        },
        None => None,
    };
    let lead_org_id = match opt(&f.lead_org) {
        Some(t) => {
            let v = units.find(st, &t).await?;
            if v.is_none() {
                e.insert("lead_org".into(), format!("牵头单位“{t}”不存在或不在本计划制定单位的范围内"));
            }
            v
        }
        None => None,
    };
    let responsible = units.list(st, &f.responsible, "responsible", "责任单位", &mut e).await?;
    let cooperating = units.list(st, &f.cooperating, "cooperating", "配合单位", &mut e).await?;
    let mut list_items = Vec::new();
    for t in split_list(&f.list_items) {
        match t.parse::<i64>().map(ListItemId::new) {
            Ok(v) => list_items.push(v),
            Err(_) => {
                e.insert("list_items".into(), "清单事项无效".into());
            }
        }
    }
    Ok(if e.is_empty() { Ok(TaskInput { parent_id, title, lead_leader, lead_org_id, deadline, target, responsible, cooperating, list_items }) } else { Err(e) })
}

// ---------------------------------------------------------------------------------- plans

/// The year's plans the caller sees (owned, or with items involving the scope).
pub async fn plans(st: &AppState, p: &Principal, year: &str) -> AppResult<(i64, Vec<PlanRow>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(year));
    Ok((year, store::list_plans(&st.db, &scope, year).await?))
}

/// The plans page: the year's plans, last year's the caller may copy, the units a new plan
/// may be made for, and today's reminders.
pub struct PlansView {
    pub year: i64,
    pub plans: Vec<PlanRow>,
    pub last_year: Vec<PlanRow>,
    pub reminders: Arc<Vec<Reminder>>,
    pub can_edit: bool,
    /// Units a new plan may be made for (the picker puts them in organisation order).
    pub orgs: Vec<crate::app::org::Org>,
}

pub async fn plans_view(st: &AppState, p: &Principal, year: &str) -> AppResult<PlansView> {
    let scope = p.require(Permission::ViewDuty)?;
    let (year, plans) = plans(st, p, year).await?;
    let edit = p.require(Permission::EditDuty).ok();
    let (last_year, orgs) = match &edit {
        Some(es) => (store::list_plans(&st.db, es, year - 1).await?.into_iter().filter(|r| es.contains(&r.plan.org_path)).collect(), editable_orgs(st, es).await?),
        None => (vec![], vec![]),
    };
    let reminders = reminders(st, &scope, None).await?;
    Ok(PlansView { year, plans, last_year, reminders, can_edit: edit.is_some(), orgs })
}

/// Units a plan may be made for: the top levels of the editor's scope.
async fn editable_orgs(st: &AppState, scope: &Scope) -> AppResult<Vec<crate::app::org::Org>> {
    let mut orgs = lianzheng_store::org::list_in_scope(&st.db, scope, None, 400).await?;
    let top = orgs.iter().map(|o| o.level).min().unwrap_or(1);
    orgs.retain(|o| o.level <= top + 1);
    Ok(orgs)
}

/// Creates a plan (EditDuty over the unit); a blank title becomes the default one.
pub async fn create_plan(st: &AppState, p: &Principal, f: &PlanForm) -> AppResult<Plan> {
    let scope = p.require(Permission::EditDuty)?;
    let input = f.validate().map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    let id = match store::create_plan(&mut tx, &p.actor(), &scope, &input).await {
        Ok(id) => id,
        Err(lianzheng_store::StoreError::Invalid(m)) => return Err(AppError::field("org_id", m)),
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(store::get_plan(&st.db, &p.require(Permission::ViewDuty)?, id).await?)
}

/// A plan the caller sees, whether they may edit it, and whether their scope holds its owner.
pub struct PlanAccess {
    pub plan: Plan,
    pub can_edit: bool,
    pub owner: bool,
}

async fn plan_for(st: &AppState, p: &Principal, id: PlanId) -> AppResult<(Plan, Scope, bool)> {
    let scope = p.require(Permission::ViewDuty)?;
    let key = format!("{scope:?}|{id}");
    let plan = st.caches.plan_rows.get_or_load(key, || store::get_plan(&st.db, &scope, id)).await?;
    let can_edit = p.require(Permission::EditDuty).map(|s| s.contains(&plan.org_path)).unwrap_or(false);
    Ok((plan, scope, can_edit))
}

pub async fn plan(st: &AppState, p: &Principal, id: PlanId) -> AppResult<PlanAccess> {
    let (plan, scope, can_edit) = plan_for(st, p, id).await?;
    let owner = scope.contains(&plan.org_path);
    Ok(PlanAccess { plan, can_edit, owner })
}

/// A plan the caller may edit; refused otherwise.
pub async fn plan_to_edit(st: &AppState, p: &Principal, id: PlanId) -> AppResult<Plan> {
    let (plan, _, can_edit) = plan_for(st, p, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    Ok(plan)
}

/// Edits a plan's title, 发文字号 and status. `version` is required: without it two editors
/// would overwrite each other silently.
pub async fn edit_plan(st: &AppState, p: &Principal, id: PlanId, f: &PlanEditForm) -> AppResult<Plan> {
    let plan = plan_to_edit(st, p, id).await?;
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", "计划名称", &f.title, PLAN_TITLE_MAX, true).unwrap_or_default();
    let doc_number = text(&mut e, "doc_number", "发文字号", &f.doc_number, DOC_NUMBER_MAX, false);
    let status = if f.status.trim().is_empty() { Some(plan.status) } else { PlanStatus::from_code(f.status.trim()) };
    if status.is_none() {
        e.insert("status".into(), "状态只能是草稿（draft）或已印发（issued）".into());
    }
    let status = status.unwrap_or(plan.status);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let version = version_of(&f.version)?;
    let mut tx = st.db.begin().await?;
    store::update_plan(&mut tx, &p.actor(), &plan, version, &title, doc_number.as_deref(), status).await?;
    tx.commit().await?;
    Ok(store::get_plan(&st.db, &p.require(Permission::ViewDuty)?, plan.id).await?)
}

/// Copies a plan the caller may edit into a later year (blank: the next). The target must be
/// after the source year and at most next year: plans are not made for the distant future.
/// When the unit already has a plan for that year the copy is refused (409) unless `confirm`:
/// the page asks first, the API needs `confirm: true`.
pub async fn copy_plan(st: &AppState, p: &Principal, id: PlanId, year: &str, confirm: bool) -> AppResult<Plan> {
    let plan = plan_to_edit(st, p, id).await?;
    let latest = i64::from(current_year()) + 1;
    let year = match year.trim() {
        "" => plan.year + 1,
        y => y.parse::<i64>().map_err(|_| AppError::field("year", "目标年度应为年份，如 2027"))?,
    };
    if year <= plan.year || year > latest {
        return Err(AppError::field("year", format!("目标年度应晚于{}年，且不晚于{latest}年", plan.year)));
    }
    let existing = store::plan_titles(&st.db, plan.org_id, year).await?;
    if !existing.is_empty() && !confirm {
        return Err(AppError::Conflict(copy_question(&plan, year, &existing)));
    }
    let mut tx = st.db.begin().await?;
    let new_id = store::copy_plan(&mut tx, &p.actor(), &plan, year).await?;
    tx.commit().await?;
    Ok(store::get_plan(&st.db, &p.require(Permission::ViewDuty)?, new_id).await?)
}

/// What the copy asks when the year already has the unit's plan.
fn copy_question(plan: &Plan, year: i64, existing: &[String]) -> String {
    let titles = existing.iter().map(|t| format!("《{t}》")).collect::<Vec<_>>().join("、");
    format!("{}{year}年已有任务分工计划{titles}，再复制将另建一份计划。确定仍要复制吗？", plan.org_name)
}

// ----------------------------------------------------------------------------------- tree

/// A plan's items and units, from the node's short-lived cache (`cache.rs`).
/// The store loads it only for a scope that sees the plan; every view filters it by the
/// viewer's scope (`PlanData::page`).
/// The plan's snapshot at its current revision: kept while nobody writes to this plan's items
/// (a write to another plan leaves it warm), read again after any write, on any node.
async fn plan_data(st: &AppState, scope: &Scope, plan_id: PlanId) -> AppResult<Arc<PlanData>> {
    let revision = store::plan_revision(&st.db, plan_id).await?.ok_or(AppError::NotFound)?;
    Ok(st.caches.plans.get_or_load((plan_id, revision), || async { store::plan_data(&st.db, scope, plan_id).await.map(Arc::new) }).await?)
}

/// Today's 到期提醒 within the scope (of one plan, or all), from the node's short-lived cache.
pub async fn reminders(st: &AppState, scope: &Scope, plan_id: Option<PlanId>) -> AppResult<Arc<Vec<Reminder>>> {
    let key = format!("{scope:?}|{plan_id:?}");
    Ok(st.caches.reminders.get_or_load(key, || async { store::pending_reminders(&st.db, scope, plan_id).await.map(Arc::new) }).await?)
}

/// The filters of a query. The unit is any unit's id; the store narrows it to the caller's
/// scope (`Scope::within`), so a unit outside it filters to nothing it would not show anyway.
async fn tree_filter(st: &AppState, q: &TreeQuery) -> AppResult<TreeFilter> {
    let org_path = match q.org.trim() {
        "" => None,
        s => match s.parse::<i64>().map(OrgId::new) {
            Ok(id) => Some(lianzheng_store::org::get(&st.db, id).await?.map(|o| o.path).unwrap_or_else(|| "/none/".into())),
            Err(_) => Some("/none/".into()),
        },
    };
    Ok(TreeFilter { org_path, colour: Colour::parse(&q.colour), under: None })
}

/// The whole tree as the caller sees it, with the query's filters (API, export).
pub async fn tree(st: &AppState, p: &Principal, id: PlanId, q: &TreeQuery) -> AppResult<(PlanAccess, Vec<Node>)> {
    let (plan, scope, can_edit) = plan_for(st, p, id).await?;
    let f = tree_filter(st, q).await?;
    let nodes = plan_data(st, &scope, plan.id).await?.page(&scope, &plan, &f, store::today(), crate::app::settings::task_yellow_days(st), 0, usize::MAX).nodes;
    let owner = scope.contains(&plan.org_path);
    Ok((PlanAccess { plan, can_edit, owner }, nodes))
}

/// One page of the plan tree for the plan page.
pub struct PlanTree {
    pub access: PlanAccess,
    pub nodes: Vec<Node>,
    /// Rows over all pages.
    pub total: usize,
    /// The page shown, 1 ≤ page ≤ the last page.
    pub page: usize,
    /// Rows per page.
    pub size: usize,
    pub counts: Vec<(Colour, usize)>,
    /// The unit filter: the owner and the units directly under it, those the caller sees.
    pub orgs: Vec<crate::app::org::Org>,
    pub reminders: Arc<Vec<Reminder>>,
}

pub async fn tree_page(st: &AppState, p: &Principal, id: PlanId, q: &TreeQuery) -> AppResult<PlanTree> {
    let (plan, scope, can_edit) = plan_for(st, p, id).await?;
    let f = tree_filter(st, q).await?;
    let data = plan_data(st, &scope, plan.id).await?;
    let (today, yellow) = (store::today(), crate::app::settings::task_yellow_days(st));
    // one pass over the tree for the page asked for (each pass colours every item: measured
    // as most of the page's CPU); a page past the end is computed again as the last one
    let paging = crate::app::paging::Paging { page: q.page.clone(), size: q.size.clone(), sort: String::new() };
    let size = usize::try_from(paging.size(TREE_PAGE as i64)).unwrap_or(TREE_PAGE);
    let asked = usize::try_from(paging.page()).unwrap_or(1);
    let mut tp = data.page(&scope, &plan, &f, today, yellow, (asked - 1).saturating_mul(size), size);
    let pages = tp.total.div_ceil(size).max(1);
    let page = asked.min(pages);
    if page != asked {
        tp = data.page(&scope, &plan, &f, today, yellow, (page - 1) * size, size);
    }
    let units = st.caches.plan_units.get_or_load(plan.org_id, || async { store::unit_filter_options(&st.db, plan.org_id).await.map(Arc::new) }).await?;
    let orgs = units.iter().filter(|o| scope.contains(&o.path)).cloned().collect();
    let reminders = reminders(st, &scope, Some(plan.id)).await?;
    let owner = scope.contains(&plan.org_path);
    Ok(PlanTree { access: PlanAccess { plan, can_edit, owner }, nodes: tp.nodes, total: tp.total, page, size, counts: tp.counts, orgs, reminders })
}

// ---------------------------------------------------------------------------------- items

/// The item the caller may open, and whether they may edit it and report on it.
async fn task_for(st: &AppState, p: &Principal, id: TaskId) -> AppResult<(TaskView, Scope, bool, Option<(OrgId, String, bool)>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let view = store::get_task(&st.db, &scope, id).await?;
    let can_edit = p.require(Permission::EditDuty).map(|s| s.contains(&view.plan.org_path)).unwrap_or(false);
    let reporting = p.require(Permission::ReportProgress).ok().and_then(|s| view.reporting_unit(&s));
    Ok((view, scope, can_edit, reporting))
}

/// What the item form offers: units of the owner's subtree (two levels), leaders for the
/// 牵头领导 choices, and the list items the editor may link.
pub struct FormOptions {
    pub orgs: Vec<crate::app::org::Org>,
    /// (unit id, "姓名（职务）"): the leaders of each unit, 书记 first; the form offers those of
    /// the chosen 牵头单位 and of the plan's owner (typed text stays allowed for outsiders).
    pub leaders: Vec<(OrgId, String)>,
    pub items: Vec<LinkedItem>,
    /// The plan's owner, whose leaders are offered whatever the 牵头单位.
    pub owner_org_id: OrgId,
}

pub async fn form_options(st: &AppState, p: &Principal, plan: &Plan) -> AppResult<FormOptions> {
    let edit = p.require(Permission::EditDuty)?;
    if !edit.contains(&plan.org_path) {
        return Err(AppError::Forbidden);
    }
    let orgs = store::unit_options(&st.db, &edit, plan).await?;
    let leaders = store::leader_names(&st.db, &edit, plan).await?.into_iter().map(|(org, n, t, o)| (org, format!("{n}（{}）", t.filter(|t| !t.trim().is_empty()).unwrap_or(o)))).collect();
    let items = store::linkable_items(&st.db, &edit.within(&plan.org_path), plan.year).await?;
    Ok(FormOptions { orgs, leaders, items, owner_org_id: plan.org_id })
}

/// The parent named in a form or query, when it is an item of this plan the caller sees.
pub async fn parent_of(st: &AppState, p: &Principal, plan: &Plan, parent: &str) -> AppResult<Option<(TaskId, String)>> {
    let Ok(pid) = parent.trim().parse::<i64>().map(TaskId::new) else { return Ok(None) };
    Ok(store::task_title(&st.db, &p.require(Permission::ViewDuty)?, plan.id, pid).await?.map(|t| (pid, t)))
}

/// A new item's form: the plan, its parent (if any) and the defaults. A 小项 as parent is
/// refused: the form offers no third level.
pub async fn new_task(st: &AppState, p: &Principal, plan_id: PlanId, parent: &str) -> AppResult<(Plan, Option<(TaskId, String)>, TaskForm)> {
    let plan = plan_to_edit(st, p, plan_id).await?;
    let parent = parent_of(st, p, &plan, parent).await?;
    if let Some((pid, _)) = &parent
        && store::task_level(&st.db, &p.require(Permission::ViewDuty)?, plan.id, *pid).await?.is_some_and(|l| l >= MAX_LEVEL)
    {
        return Err(AppError::field("parent_id", THIRD_LEVEL));
    }
    let form = TaskForm { parent_id: parent.as_ref().map(|p| p.0.to_string()).unwrap_or_default(), deadline: format!("{}-12-31", plan.year), ..TaskForm::default() };
    Ok((plan, parent, form))
}

/// Adds an item to a plan the caller may edit. Returns it as the caller sees it.
pub async fn create_task(st: &AppState, p: &Principal, plan_id: PlanId, f: &TaskForm) -> AppResult<TaskView> {
    let plan = plan_to_edit(st, p, plan_id).await?;
    let mut units = UnitResolver::new(p, &plan)?;
    let input = task_input(st, f, &mut units).await?.map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    let id = store::create_task(&mut tx, &p.actor(), &plan, &input).await?;
    tx.commit().await?;
    Ok(store::get_task(&st.db, &p.require(Permission::ViewDuty)?, id).await?)
}

/// An item's edit form, filled from the item; the plan comes with it.
pub async fn edit_task_form(st: &AppState, p: &Principal, id: TaskId) -> AppResult<(Plan, TaskForm)> {
    let (view, scope, can_edit, _) = task_for(st, p, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let items = store::linked_items(&st.db, &scope, view.task.id).await?;
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
    Ok((view.plan, form))
}

/// Edits an item (its place in the tree stays: a different parent is refused). `version` is
/// required.
pub async fn update_task(st: &AppState, p: &Principal, id: TaskId, f: &TaskForm) -> AppResult<TaskView> {
    let (view, scope, can_edit, _) = task_for(st, p, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let current = view.task.parent_id.map(|v| v.to_string()).unwrap_or_default();
    if !f.parent_id.trim().is_empty() && f.parent_id.trim() != current {
        return Err(AppError::field("parent_id", "修改事项不能改变其上级事项"));
    }
    let mut f = f.clone();
    f.parent_id = current;
    let mut units = UnitResolver::new(p, &view.plan)?;
    let input = task_input(st, &f, &mut units).await?.map_err(into_error)?;
    let version = version_of(&f.version)?;
    let mut tx = st.db.begin().await?;
    store::update_task(&mut tx, &p.actor(), &view, version, &input).await?;
    tx.commit().await?;
    Ok(store::get_task(&st.db, &scope, view.task.id).await?)
}

/// Deletes an item and its 小项 (the plan's owner only; refused once progress is reported).
/// Returns the plan's id and the number of items deleted.
pub async fn delete_task(st: &AppState, p: &Principal, id: TaskId) -> AppResult<(PlanId, i64)> {
    let (view, _, can_edit, _) = task_for(st, p, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let mut tx = st.db.begin().await?;
    let n = store::delete_task(&mut tx, &p.actor(), &view).await?;
    tx.commit().await?;
    Ok((view.plan.id, n))
}

/// An item with everything its page and the API show.
pub struct TaskDetail {
    pub view: TaskView,
    /// The ancestors, for the breadcrumb.
    pub number_path: Vec<(TaskId, String)>,
    pub colour: Colour,
    pub rollup: Option<Rollup>,
    /// The item's 小项 as the caller sees them.
    pub children: Vec<Node>,
    pub items: Vec<LinkedItem>,
    /// The reports the caller may read, each with its files.
    pub reports: Vec<(Report, Vec<Attachment>)>,
    pub can_edit: bool,
    /// (unit, role, whether its report sets the item's progress) when the caller may report.
    pub reporting: Option<(OrgId, String, bool)>,
    pub reporting_label: String,
    /// Some(items in the subtree) when the caller may delete the item now.
    pub deletable: Option<i64>,
}

pub async fn task(st: &AppState, p: &Principal, id: TaskId) -> AppResult<TaskDetail> {
    let (view, scope, can_edit, reporting) = task_for(st, p, id).await?;
    let items = store::linked_items(&st.db, &scope, view.task.id).await?;
    let reports = store::reports(&st.db, &scope, &view).await?;
    let mut files: HashMap<ReportId, Vec<Attachment>> = HashMap::new();
    for a in store::report_attachments(&st.db, &scope, &view).await? {
        files.entry(ReportId::new(a.owner_id.unwrap_or(0))).or_default().push(a);
    }
    let reports = reports.into_iter().map(|r| (files.remove(&r.id).unwrap_or_default(), r)).map(|(f, r)| (r, f)).collect();
    let mut number_path = Vec::new();
    for a in view.task.path.split('/').filter_map(|s| s.parse::<TaskId>().ok()).filter(|a| *a != view.task.id) {
        if let Some(t) = store::task_title(&st.db, &scope, view.task.plan_id, a).await? {
            number_path.push((a, t));
        }
    }
    // the item's 小项 as the caller sees them, from the plan's cached snapshot
    let (today, yellow) = (store::today(), crate::app::settings::task_yellow_days(st));
    let under = TreeFilter { under: Some(view.task.path.clone()), ..TreeFilter::default() };
    let tree = plan_data(st, &scope, view.task.plan_id).await?.page(&scope, &view.plan, &under, today, yellow, 0, usize::MAX).nodes;
    let (colour, rollup) = tree.iter().find(|n| n.task.id == view.task.id).map_or((view.task.colour(today, yellow), None), |n| (n.colour, n.rollup));
    let children: Vec<Node> = tree.into_iter().filter(|n| n.task.id != view.task.id).collect();
    let reporting_label = match &reporting {
        Some((org_id, role, _)) => {
            let name = lianzheng_store::org::get(&st.db, *org_id).await?.map(|o| o.name).unwrap_or_default();
            let role = if role == "owner" { "计划制定单位" } else { store::role_label(role) };
            format!("{name}（{role}）")
        }
        None => String::new(),
    };
    // deletion is offered to the owner while nobody has reported on the item or below it
    let deletable = if can_edit && store::reports_under(&st.db, &view.task).await? == 0 { Some(i64::try_from(children.len()).unwrap_or(0) + 1) } else { None };
    Ok(TaskDetail { view, number_path, colour, rollup, children, items, reports, can_edit, reporting, reporting_label, deletable })
}

/// 进展报送: percent, text and an optional file. The reporting unit follows from the
/// reporter's scope; the file is checked before anything is written. Returns the report id.
pub async fn report(st: &AppState, p: &Principal, id: TaskId, f: &ReportForm, file: Option<Upload>) -> AppResult<ReportId> {
    let (view, _, _, reporting) = task_for(st, p, id).await?;
    let Some((org_id, _, sets)) = reporting else { return Err(AppError::Forbidden) };
    let mut e = FieldErrors::new();
    let checked = f.validate();
    if let Err(fe) = &checked {
        e.extend(fe.clone());
    }
    if let Some(file) = &file
        && let Err(AppError::Invalid { fields, .. }) = files::check_file(st, file)
    {
        e.extend(fields);
    }
    let (percent, text) = match checked {
        Ok(v) if e.is_empty() => v,
        _ => return Err(into_error(e)),
    };
    let mut tx = st.db.begin().await?;
    let rid = store::add_report(&mut tx, &p.actor(), Some(p.user.id), &p.user.display_name, &view, org_id, &text, percent, sets).await?;
    tx.commit().await?;
    if let Some(file) = file {
        files::upload(st, p, org_id, Owner::TaskReport(rid), file).await?;
    }
    Ok(rid)
}

/// A report's file, for whoever may read the report; checked against its fingerprint.
pub async fn report_file(st: &AppState, p: &Principal, id: TaskId, file: AttachmentId) -> AppResult<(Attachment, Vec<u8>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let view = store::get_task(&st.db, &scope, id).await?;
    let a = store::report_attachments(&st.db, &scope, &view).await?.into_iter().find(|a| a.id == file).ok_or(AppError::NotFound)?;
    let bytes = files::read_bytes(st, &a)?;
    p.log_read(st, "attachment.download", "attachment", Some(a.id.to_string()), serde_json::json!({"org_id": a.org_id, "sm3": a.sm3, "task_id": view.task.id})).await?;
    Ok((a, bytes))
}

// -------------------------------------------------------------------------- XLSX / DOCX

pub const XLSX_HEADERS: [&str; 8] = ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限", "目标要求"];

fn xlsx_columns() -> Vec<Column> {
    let w = [10.0, 48.0, 18.0, 22.0, 30.0, 30.0, 12.0, 40.0];
    XLSX_HEADERS.iter().zip(w).enumerate().map(|(i, (h, w))| Column { header: h.to_string(), width: Some(w), text: i == 0 || i == 6 }).collect()
}

/// Columns the export adds after the import's: how each item stands and its latest report.
const EXPORT_EXTRA: [(&str, f64); 5] = [("状态", 10.0), ("进度", 8.0), ("最新进展", 48.0), ("进展日期", 12.0), ("报送单位", 20.0)];

fn export_columns() -> Vec<Column> {
    let mut c = xlsx_columns();
    c.extend(EXPORT_EXTRA.iter().map(|(h, w)| Column { header: h.to_string(), width: Some(*w), text: *h == "进展日期" }));
    c
}

fn node_cells(n: &Node, latest: Option<&(TaskId, String, i64, String)>) -> Vec<String> {
    let t = &n.task;
    let progress = n.rollup.map(|r| r.progress).unwrap_or(t.progress);
    let (report, day, by) = match latest {
        Some((_, text, at, org)) => (text.clone(), crate::layout::fmt_time(*at).chars().take(10).collect(), org.clone()),
        None => (String::new(), String::new(), String::new()),
    };
    let mut cells = vec![
        n.number.clone(),
        t.title.clone(),
        t.lead_leader.clone().unwrap_or_default(),
        t.lead_org_name.clone().unwrap_or_default(),
        n.responsible.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、"),
        n.cooperating.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、"),
        t.deadline.clone().unwrap_or_default(),
        t.target.clone().unwrap_or_default(),
    ];
    // an item shown only as the context of one the reader may open: no figures of its own
    if n.open {
        cells.extend([n.colour.label().to_string(), format!("{progress}%"), report, day, by]);
    } else {
        cells.extend(std::iter::repeat_n(String::new(), EXPORT_EXTRA.len()));
    }
    cells
}

/// The tree as the caller sees it (with the query's filters) as XLSX: (file name, bytes). Each
/// item carries its state (the page's colour), progress and the latest report the caller may
/// read (the plan's owner and an item's lead unit read every unit's; others their own units').
pub async fn export(st: &AppState, p: &Principal, id: PlanId, q: &TreeQuery) -> AppResult<(String, Vec<u8>)> {
    let (access, nodes) = tree(st, p, id, q).await?;
    let plan = access.plan;
    let scope = p.require(Permission::ViewDuty)?;
    let all: HashMap<TaskId, (TaskId, String, i64, String)> = store::latest_reports(&st.db, plan.id, None).await?.into_iter().map(|r| (r.0, r)).collect();
    let own: HashMap<TaskId, (TaskId, String, i64, String)> = if access.owner { HashMap::new() } else { store::latest_reports(&st.db, plan.id, Some(&scope)).await?.into_iter().map(|r| (r.0, r)).collect() };
    let rows = nodes
        .iter()
        .map(|n| {
            let sees_all = access.owner || n.task.lead_org_path.as_deref().is_some_and(|l| scope.contains(l));
            node_cells(n, if sees_all { all.get(&n.task.id) } else { own.get(&n.task.id) })
        })
        .collect();
    let bytes = write_tables(&[Table { title: Some(plan.title.clone()), sheet_name: "任务分工".into(), columns: export_columns(), rows }]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    p.log_read(st, "task_plan.export", "task_plan", Some(plan.id.to_string()), serde_json::json!({"rows": nodes.len()})).await?;
    Ok((format!("{}.xlsx", plan.title), bytes))
}

/// The import template with an example and the rules.
pub fn import_template(p: &Principal) -> AppResult<Vec<u8>> {
    p.require(Permission::EditDuty)?;
    let year = current_year();
    let rows = vec![
        vec!["1".into(), "落实全面从严治党主体责任".into(), "县委书记".into(), "县委办公室".into(), "".into(), "".into(), "".into(), "".into()],
        vec!["1.1".into(), "专题研究党风廉政建设工作不少于4次".into(), "县委书记".into(), "XW-D01".into(), "XW-D01、XW-D03".into(), "XW-JW".into(), format!("{year}-12-31"), "每季度至少专题研究1次，形成会议纪要".into()],
    ];
    write_tables(&[
        Table { title: None, sheet_name: "任务分工".into(), columns: xlsx_columns(), rows },
        Table {
            title: None,
            sheet_name: "填写说明".into(),
            columns: vec![Column { header: "项目".into(), width: Some(14.0), text: false }, Column { header: "说明".into(), width: Some(80.0), text: false }],
            rows: vec![
                vec!["序号".into(), "1 为大项，1.1 为其下小项（只分两级）；大项须在本表前面行出现（请设为文本格式）".into()],
                vec!["牵头单位等".into(), "填写组织编码或组织全称、简称；责任单位、配合单位可填多个，用“、”或逗号分隔".into()],
                vec!["时限".into(), format!("日期，如 {year}-06-30；应在计划年度内或次年")],
                vec!["字数".into(), format!("任务内容最多{TASK_TITLE_MAX}字，牵头领导最多{LEADER_MAX}字，目标要求最多{TARGET_MAX}字；超出的行不导入")],
            ],
        },
    ])
    .map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))
}

/// Imports items into a plan the caller may edit: Ok(count) or Err(messages "第N行 …"); with
/// any bad row nothing is written.
pub async fn import(st: &AppState, p: &Principal, plan_id: PlanId, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    let plan = plan_to_edit(st, p, plan_id).await?;
    let rows = match read_rows(bytes) {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(XLSX_HEADERS[0])) else {
        return Ok(Err(vec![format!("未找到表头行（第一列应为“{}”），请使用导入模板", XLSX_HEADERS[0])]));
    };
    let header = rows.get(hpos).cloned().unwrap_or_default();
    for (i, h) in XLSX_HEADERS.iter().enumerate() {
        if header.get(i).map(|c| c.trim()) != Some(*h) {
            return Ok(Err(vec![format!("第{}行 表头第{}列应为“{}”，请使用导入模板", hpos + 1, i + 1, h)]));
        }
    }
    let mut errors = Vec::new();
    let mut parsed: Vec<(usize, Vec<u32>, TaskInput)> = Vec::new();
    let mut seen: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut units = UnitResolver::new(p, &plan)?;
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
        if number.len() > usize::try_from(MAX_LEVEL).unwrap_or(2) {
            errors.push(format!("第{line}行 序号 {} {THIRD_LEVEL}", cell(0)));
        } else if number.len() > 1 && !seen.contains_key(&number[..number.len() - 1]) {
            errors.push(format!("第{line}行 序号 {} 的上级事项不在本表前面的行中", cell(0)));
        }
        let form = TaskForm { title: cell(1), lead_leader: cell(2), lead_org: cell(3), responsible: cell(4), cooperating: cell(5), deadline: cell(6), target: cell(7), ..TaskForm::default() };
        match task_input(st, &form, &mut units).await? {
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
    let mut ids: HashMap<Vec<u32>, TaskId> = HashMap::new();
    let n = parsed.len();
    for (line, number, mut input) in parsed {
        input.parent_id = if number.len() > 1 { ids.get(&number[..number.len() - 1]).copied() } else { None };
        match store::create_task(&mut tx, &actor, &plan, &input).await {
            Ok(id) => {
                ids.insert(number, id);
            }
            Err(e) => {
                return match AppError::from(e) {
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
    match parse_date(d) {
        Some(x) if i64::from(x.year()) == year => format!("{}月{}日", u8::from(x.month()), x.day()),
        Some(x) => format!("{}年{}月{}日", x.year(), u8::from(x.month()), x.day()),
        None => d.to_string(),
    }
}

/// 责任分工 document: the notice issuing the plan, with the items as a table.
fn plan_document(plan: &Plan, nodes: &[Node]) -> AppResult<Vec<u8>> {
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
                units,
                coop,
                t.deadline.as_deref().map(|d| short_date(d, plan.year)).unwrap_or_default(),
            ]
        })
        .collect();
    // 成文日期: the day the plan was issued, not the day it is downloaded
    let date = lianzheng_core::duty::issue_date(plan.issued_on.as_deref(), plan.created_at);
    let doc = OfficialDocument {
        issuer: issuer.clone(),
        doc_number: plan.doc_number.clone(),
        title: format!("关于印发《{}》的通知", plan.title),
        addressee: Some("各乡镇党委，县委各部委，县直各单位党组（党委）".into()),
        body: vec![
            Block::Paragraph(format!("为深入推进全面从严治党，落实党风廉政建设主体责任和监督责任，经研究，现将《{}》印发给你们，请结合实际认真抓好落实。", plan.title)),
            Block::Paragraph(format!(
                "全年工作任务分解为{big}大项、{small}小项，明确了牵头领导、牵头单位、责任单位和完成时限。各牵头单位要切实履行牵头抓总职责，会同责任单位、配合单位细化措施、按时推进，并按要求报送工作进展情况；县纪委监委将加强督促检查，对工作推进不力、逾期未完成的予以通报。"
            )),
            Block::Heading(1, "任务分工表".into()),
            // seven columns: a landscape page of its own, widths by content
            Block::Table { headers: ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限"].iter().map(|s| s.to_string()).collect(), rows, widths: None, landscape: true },
        ],
        attachments: vec![],
        signature: Some(issuer.clone()),
        date,
        cc: vec![],
        printer: Some(match plan.org_name.strip_suffix("委员会") {
            Some(s) => format!("{s}委办公室"),
            None => format!("{}办公室", plan.org_name),
        }),
        letter: false,
    };
    to_docx(&doc).map_err(|e| AppError::Internal(format!("生成公文：{e}")))
}

/// The 责任分工 DOCX of the tree as the caller sees it: (file name, bytes).
pub async fn document(st: &AppState, p: &Principal, id: PlanId) -> AppResult<(String, Vec<u8>)> {
    let (access, nodes) = tree(st, p, id, &TreeQuery::default()).await?;
    let bytes = plan_document(&access.plan, &nodes)?;
    p.log_read(st, "task_plan.document", "task_plan", Some(access.plan.id.to_string()), serde_json::json!({"rows": nodes.len()})).await?;
    Ok((format!("{}.docx", access.plan.title), bytes))
}

/// Today's 到期提醒 in the caller's scope.
pub async fn my_reminders(st: &AppState, p: &Principal) -> AppResult<Arc<Vec<Reminder>>> {
    let scope = p.require(Permission::ViewDuty)?;
    reminders(st, &scope, None).await
}

/// Job 任务到期提醒: the day's reminders before and after deadlines, made at 06:00 Beijing time.
pub async fn reminders_job(db: &lianzheng_store::Db, s: &crate::app::system::Schedule) -> crate::app::system::Ran {
    use crate::app::system::{Ran, next_at_hour};
    match store::run_reminders(db, today(), s.task_reminder_days).await {
        Ok(n) => {
            tracing::info!(created = n, "task reminders");
            Ran { next_at: next_at_hour(s.task_reminder_hour), error: None }
        }
        Err(e) => Ran { next_at: lianzheng_store::now() + 600, error: Some(e.to_string()) },
    }
}
