//! 任务分工: the year's task split. A plan (e.g. 县委's 《2026年党风廉政建设工作任务分工》) is a
//! tree of 大项 / 小项 of any depth; each item has a 牵头领导, a 牵头单位, several 责任单位 and
//! 配合单位, a 时限 and 目标要求, and may carry out items of the responsibility lists. Units
//! report progress (形象进度); a daily job leaves reminders before and after deadlines.
//!
//! Who sees what: users whose scope holds the plan's owner see the whole plan; a unit sees the
//! items where it (or a unit below it) is lead, responsible or cooperating, with their
//! ancestors as context; on an item, the lead unit (and the owner) see every unit's reports,
//! the other units their own. Anything else answers "not found".

use std::collections::{HashMap, HashSet};

use lianzheng_core::duty::{Colour, PlanStatus, TaskStatus, colour, format_date, next_year, parse_date};
use lianzheng_core::ids::{ListItemId, OrgId, PersonId, PlanId, ReminderId, ReportId, TaskId, UserId};
use lianzheng_core::org::{Scope, subtree_range};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use time::Date;

use crate::StoreError;
use crate::attachments::Attachment;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Q, Tx, Val, now, placeholders, q, q_built};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "task_plans",
        columns: &[
            ("id", I),
            ("year", I),
            ("org_id", I),
            ("org_path", T),
            ("title", T),
            ("doc_number", T),
            ("status", T),
            ("copied_from", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
            ("issued_on", T),
            ("revision", I),
        ],
    },
    TableDef {
        name: "tasks",
        columns: &[
            ("id", I),
            ("plan_id", I),
            ("parent_id", I),
            ("path", T),
            ("level", I),
            ("seq", I),
            ("title", T),
            ("lead_leader_id", I),
            ("lead_leader", T),
            ("lead_org_id", I),
            ("lead_org_path", T),
            ("deadline", T),
            ("target", T),
            ("progress", I),
            ("status", T),
            ("completed_at", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "task_orgs", columns: &[("id", I), ("plan_id", I), ("task_id", I), ("org_id", I), ("org_path", T), ("role", T)] },
    TableDef { name: "task_list_items", columns: &[("id", I), ("task_id", I), ("item_id", I)] },
    TableDef { name: "task_reports", columns: &[("id", I), ("task_id", I), ("org_id", I), ("org_path", T), ("user_id", I), ("user_name", T), ("text", T), ("percent", I), ("created_at", I)] },
    TableDef { name: "task_reminders", columns: &[("id", I), ("task_id", I), ("org_id", I), ("org_path", T), ("kind", T), ("for_date", T), ("created_at", I)] },
];

/// Owner kind of attachments to a progress report.
pub const REPORT_ATTACHMENT_KIND: &str = "task_report";
pub const ROLE_RESPONSIBLE: &str = "responsible";
pub const ROLE_COOPERATING: &str = "cooperating";
pub const ROLE_LEAD: &str = "lead";

/// Today in Beijing time: deadlines are calendar days there.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

pub fn role_label(role: &str) -> &'static str {
    match role {
        ROLE_LEAD => "牵头单位",
        ROLE_RESPONSIBLE => "责任单位",
        ROLE_COOPERATING => "配合单位",
        _ => "",
    }
}

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Plan {
    pub id: PlanId,
    pub year: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub status: PlanStatus,
    pub copied_from: Option<PlanId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// 印发 date (YYYY-MM-DD), set when the plan is first issued: the 成文日期 of its document.
    pub issued_on: Option<String>,
}

impl Plan {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

/// A plan in a list, with how many items it has and how many are done.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct PlanRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub plan: Plan,
    pub items: i64,
    pub done: i64,
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub plan_id: PlanId,
    pub parent_id: Option<TaskId>,
    pub path: String,
    pub level: i64,
    pub seq: i64,
    pub title: String,
    pub lead_leader_id: Option<PersonId>,
    pub lead_leader: Option<String>,
    pub lead_org_id: Option<OrgId>,
    pub lead_org_path: Option<String>,
    pub lead_org_name: Option<String>,
    pub deadline: Option<String>,
    pub target: Option<String>,
    pub progress: i64,
    pub status: TaskStatus,
    pub completed_at: Option<i64>,
    pub updated_at: i64,
    pub version: i64,
}

impl Task {
    pub fn is_done(&self) -> bool {
        self.status == TaskStatus::Done
    }
    pub fn colour(&self, today: Date, yellow_days: i64) -> Colour {
        colour(self.is_done(), self.progress, self.deadline.as_deref().and_then(parse_date), today, yellow_days)
    }
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct TaskOrg {
    pub task_id: TaskId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub role: String,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Report {
    pub id: ReportId,
    pub task_id: TaskId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub user_name: String,
    pub text: String,
    pub percent: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct LinkedItem {
    pub item_id: ListItemId,
    pub list_title: String,
    pub content: String,
    /// The unit whose list holds the item.
    pub org_id: OrgId,
    pub org_name: String,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Reminder {
    pub id: ReminderId,
    pub task_id: TaskId,
    pub plan_id: PlanId,
    pub task_title: String,
    pub deadline: Option<String>,
    pub progress: i64,
    pub org_id: OrgId,
    pub org_name: String,
    pub kind: String,
    pub for_date: String,
}

impl Reminder {
    pub fn kind_label(&self) -> &'static str {
        if self.kind == "overdue" { "已超期" } else { "即将到期" }
    }
}

/// A plan as entered, validated.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub year: i64,
    pub org_id: OrgId,
    pub title: String,
    pub doc_number: Option<String>,
}

/// An item as entered, validated (org ids are checked against the plan here).
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub parent_id: Option<TaskId>,
    pub title: String,
    pub lead_leader: Option<String>,
    pub lead_org_id: Option<OrgId>,
    pub deadline: Option<String>,
    pub target: Option<String>,
    pub responsible: Vec<OrgId>,
    pub cooperating: Vec<OrgId>,
    pub list_items: Vec<ListItemId>,
}

const PLAN_SELECT: &str = "SELECT p.id, p.year, p.org_id, p.org_path, o.name AS org_name, p.title, p.doc_number, p.status, p.copied_from, p.created_at, p.updated_at, p.version, p.issued_on ";
const TASK_SELECT: &str = "SELECT t.id, t.plan_id, t.parent_id, t.path, t.level, t.seq, t.title, t.lead_leader_id, t.lead_leader, t.lead_org_id, t.lead_org_path, o.name AS lead_org_name, t.deadline, t.target, t.progress, t.status, t.completed_at, t.updated_at, t.version FROM tasks t LEFT JOIN orgs o ON o.id = t.lead_org_id ";

/// `(plan owner in scope) OR (some item of the plan involves the scope)`, for plan lists.
fn push_plan_visible(b: &mut SqlBuilder, scope: &Scope) {
    b.push("(").scope("p.org_path", scope);
    b.push(" OR EXISTS (SELECT 1 FROM tasks t WHERE t.plan_id = p.id AND ").scope("t.lead_org_path", scope).push(")");
    b.push(" OR EXISTS (SELECT 1 FROM task_orgs x WHERE x.plan_id = p.id AND ").scope("x.org_path", scope).push("))");
}

/// Plans of a year the scope sees (owned, or with items involving it).
pub async fn list_plans(db: &Db, scope: &Scope, year: i64) -> Result<Vec<PlanRow>, StoreError> {
    let mut b = SqlBuilder::new(PLAN_SELECT);
    b.push(", (SELECT COUNT(*) FROM tasks c WHERE c.plan_id = p.id) AS items, (SELECT COUNT(*) FROM tasks c WHERE c.plan_id = p.id AND c.status = 'done') AS done FROM task_plans p JOIN orgs o ON o.id = p.org_id WHERE p.year = ");
    b.bind(year).push(" AND ");
    push_plan_visible(&mut b, scope);
    b.push(" ORDER BY p.org_path, p.id LIMIT 500");
    db.fetch_all(b.build()).await
}

/// A plan the scope sees; "not found" otherwise.
pub async fn get_plan(db: &Db, scope: &Scope, id: PlanId) -> Result<Plan, StoreError> {
    let mut b = SqlBuilder::new(PLAN_SELECT);
    b.push("FROM task_plans p JOIN orgs o ON o.id = p.org_id WHERE p.id = ").bind(id).push(" AND ");
    push_plan_visible(&mut b, scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

async fn org_path_tx(tx: &mut Tx, org_id: OrgId) -> Result<Option<String>, StoreError> {
    let p: Option<(String,)> = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(org_id)).await?;
    Ok(p.map(|(p,)| p))
}

/// Creates a plan for a unit inside the writer's (EditDuty) scope.
pub async fn create_plan(tx: &mut Tx, actor: &Actor, scope: &Scope, input: &PlanInput) -> Result<PlanId, StoreError> {
    let path = org_path_tx(tx, input.org_id).await?.ok_or_else(|| StoreError::Invalid("制定单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("制定单位不在您的管理范围内".into()));
    }
    let t = now();
    let (id,): (PlanId,) = tx
        .fetch_one(
            q("INSERT INTO task_plans (year, org_id, org_path, title, doc_number, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6) RETURNING id")
                .bind(input.year)
                .bind(input.org_id)
                .bind(path)
                .bind(input.title.as_str())
                .bind(input.doc_number.clone())
                .bind(t),
        )
        .await?;
    audit::record(tx, actor, "task_plan.create", "task_plan", Some(id.to_string()), json!({"after": {"year": input.year, "org_id": input.org_id, "title": input.title, "doc_number": input.doc_number}})).await?;
    Ok(id)
}

/// Edits a plan's title, 发文字号 and status ("draft" / "issued"); `version` guards concurrent edits.
pub async fn update_plan(tx: &mut Tx, actor: &Actor, plan: &Plan, version: i64, title: &str, doc_number: Option<&str>, status: PlanStatus) -> Result<(), StoreError> {
    // the 印发 date is the day the plan is first issued; it stays when the plan is edited later
    let issued_on = match (&plan.issued_on, status) {
        (Some(d), _) => Some(d.clone()),
        (None, PlanStatus::Issued) => Some(format_date(today())),
        (None, _) => None,
    };
    let n = tx
        .execute(
            q("UPDATE task_plans SET title = $1, doc_number = $2, status = $3, updated_at = $4, version = version + 1, issued_on = $7 WHERE id = $5 AND version = $6")
                .bind(title)
                .bind(doc_number)
                .bind(status)
                .bind(now())
                .bind(plan.id)
                .bind(version)
                .bind(issued_on.as_deref()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(
        tx,
        actor,
        "task_plan.update",
        "task_plan",
        Some(plan.id.to_string()),
        json!({"before": {"title": plan.title, "doc_number": plan.doc_number, "status": plan.status}, "after": {"title": title, "doc_number": doc_number, "status": status}}),
    )
    .await
}

/// One item of the plan tree, in tree order.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub task: Task,
    /// "1", "1.2", "1.2.3", over the whole plan (stable under filters).
    pub number: String,
    /// 1 for 大项.
    pub depth: usize,
    pub responsible: Vec<TaskOrg>,
    pub cooperating: Vec<TaskOrg>,
    /// False: shown only as the context (ancestor) of an item the viewer may open.
    pub open: bool,
    /// An item's own colour; a 大项 with 小项 takes the most urgent of theirs.
    pub colour: Colour,
    /// For an item with 小项: how its lowest-level items stand.
    pub rollup: Option<Rollup>,
}

/// A 大项's items at the lowest level: how many, how many done, their mean progress.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Rollup {
    pub items: usize,
    pub done: usize,
    pub progress: i64,
}

/// Filters of the plan tree.
#[derive(Debug, Clone, Default)]
pub struct TreeFilter {
    /// Items where this unit (or one below it) is lead, responsible or cooperating.
    pub org_path: Option<String>,
    pub colour: Option<Colour>,
    /// Only this item (by its path) and the items under it (an item's own page).
    pub under: Option<String>,
}

fn involves(t: &Task, orgs: &[TaskOrg], scope: &Scope) -> bool {
    t.lead_org_path.as_deref().is_some_and(|p| scope.contains(p)) || orgs.iter().any(|o| scope.contains(&o.org_path))
}

/// Every item of a plan with its units, in tree order: read in two queries, independent of
/// who is looking, so the web layer keeps it for a few seconds per plan and every viewer's
/// page, filters and colour counts are computed from it in memory.
#[derive(Debug, Clone)]
pub struct PlanData {
    tasks: Vec<Task>,
    /// Per task index: its units (responsible and cooperating), in entry order.
    orgs: Vec<Vec<TaskOrg>>,
    /// Per task index: the deadline, parsed once (colours are computed on every view).
    deadlines: Vec<Option<Date>>,
    order: Vec<Pos>,
}

/// Moves a plan's revision: every write to its items or their units calls this in its
/// transaction (the snapshots nodes keep are valid while their revision is current).
async fn bump_revision(tx: &mut Tx, plan_id: PlanId) -> Result<(), StoreError> {
    tx.execute(q("UPDATE task_plans SET revision = revision + 1 WHERE id = $1").bind(plan_id)).await?;
    Ok(())
}

/// A plan's current revision (None if there is no such plan): one indexed point read, taken
/// before a snapshot is read or reused.
pub async fn plan_revision(db: &Db, plan_id: PlanId) -> Result<Option<i64>, StoreError> {
    Ok(db.fetch_optional::<(i64,)>(q("SELECT revision FROM task_plans WHERE id = $1").bind(plan_id)).await?.map(|(r,)| r))
}

/// The whole plan, for a viewer whose scope sees the plan (else `NotFound`). It is one snapshot
/// per plan (cached and shared by its viewers): each view filters it by the viewer's scope and
/// need-to-know in `PlanData::page`.
pub async fn plan_data(db: &Db, scope: &Scope, plan_id: PlanId) -> Result<PlanData, StoreError> {
    get_plan(db, scope, plan_id).await?;
    let tasks: Vec<Task> = db.fetch_all(q_built(format!("{TASK_SELECT}WHERE t.plan_id = $1")).bind(plan_id)).await?;
    let rows: Vec<TaskOrg> = db.fetch_all(q("SELECT x.task_id, x.org_id, x.org_path, o.name AS org_name, x.role FROM task_orgs x JOIN orgs o ON o.id = x.org_id WHERE x.plan_id = $1 ORDER BY x.id").bind(plan_id)).await?;
    Ok(PlanData::new(tasks, rows))
}

impl PlanData {
    pub fn new(tasks: Vec<Task>, rows: Vec<TaskOrg>) -> PlanData {
        let index: HashMap<TaskId, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        let mut orgs = vec![Vec::new(); tasks.len()];
        for o in rows {
            if let Some(&i) = index.get(&o.task_id) {
                orgs[i].push(o);
            }
        }
        let shape: Vec<(TaskId, Option<TaskId>, i64)> = tasks.iter().map(|t| (t.id, t.parent_id, t.seq)).collect();
        let order = tree_positions(&shape);
        let deadlines = tasks.iter().map(|t| t.deadline.as_deref().and_then(parse_date)).collect();
        PlanData { tasks, orgs, deadlines, order }
    }

    /// The rows the viewer sees (items they may open that pass the filters, with their
    /// ancestors as context), one page of them, and colour counts over all they may open.
    #[allow(clippy::too_many_arguments)]
    pub fn page(&self, scope: &Scope, plan: &Plan, f: &TreeFilter, today: Date, yellow_days: i64, offset: usize, limit: usize) -> TreePage {
        let owner = scope.contains(&plan.org_path);
        let filter_scope = f.org_path.as_ref().map(|p| scope.within(p));
        let n = self.order.len();
        // colours and roll-ups: leaves by the rule, parents from their leaves. Children follow
        // their parent in the order, so walking it backwards finishes a child before its parent.
        let mut colours = vec![Colour::Green; n];
        let mut sums = vec![(0i64, 0usize, 0usize); n];
        let mut parent = vec![false; n];
        for at in (0..n).rev() {
            let p = &self.order[at];
            if !parent[at] {
                let t = &self.tasks[p.index];
                colours[at] = colour(t.is_done(), t.progress, self.deadlines[p.index], today, yellow_days);
                sums[at] = (t.progress, 1, usize::from(t.is_done()));
            }
            if let Some(up) = p.parent {
                colours[up] = if parent[up] { colours[up].max(colours[at]) } else { colours[at] };
                parent[up] = true;
                sums[up] = (sums[up].0 + sums[at].0, sums[up].1 + sums[at].1, sums[up].2 + sums[at].2);
            }
        }
        let rollup = |at: usize| {
            let (sum, items, done) = sums[at];
            parent[at].then(|| Rollup { items, done, progress: sum / i64::try_from(items.max(1)).unwrap_or(1) })
        };
        // per order position: may the viewer open it; is it shown (itself, or as an ancestor)
        let mut open = vec![false; n];
        let mut shown = vec![false; n];
        let mut counts: Vec<(Colour, usize)> = Colour::ALL.iter().map(|c| (*c, 0)).collect();
        for (at, p) in self.order.iter().enumerate() {
            let (t, units) = (&self.tasks[p.index], &self.orgs[p.index]);
            if !(owner || involves(t, units, scope)) {
                continue;
            }
            open[at] = true;
            let c = colours[at];
            if let Some(x) = counts.iter_mut().find(|x| x.0 == c) {
                x.1 += 1;
            }
            if filter_scope.as_ref().is_none_or(|fs| involves(t, units, fs)) && f.colour.is_none_or(|fc| fc == c) {
                let mut up = Some(at);
                while let Some(u) = up {
                    if shown[u] {
                        break;
                    }
                    shown[u] = true;
                    up = self.order[u].parent;
                }
            }
        }
        let within = |at: usize| f.under.as_deref().is_none_or(|u| self.tasks[self.order[at].index].path.starts_with(u));
        let rows: Vec<usize> = (0..self.order.len()).filter(|&at| shown[at] && within(at)).collect();
        let total = rows.len();
        let nodes = rows
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|at| {
                let i = self.order[at].index;
                let task = self.tasks[i].clone();
                let (responsible, cooperating): (Vec<TaskOrg>, Vec<TaskOrg>) = self.orgs[i].iter().cloned().partition(|x| x.role == ROLE_RESPONSIBLE);
                Node { open: open[at], task, number: number_at(&self.order, at), depth: self.order[at].depth, responsible, cooperating, colour: colours[at], rollup: rollup(at) }
            })
            .collect();
        TreePage { nodes, total, counts }
    }
}

/// One page of the plan tree, with the colour counts over everything the viewer may open.
#[derive(Debug, Clone, Serialize)]
pub struct TreePage {
    pub nodes: Vec<Node>,
    /// Rows shown (after filters, context rows included), over all pages.
    pub total: usize,
    /// (colour, items the viewer may open in that colour), in `Colour::ALL` order.
    pub counts: Vec<(Colour, usize)>,
}

/// A place in the depth-first order: the item's index, its depth, the order position of its
/// parent and its number among its siblings (the "3" of "1.2.3").
#[derive(Debug, Clone, Copy)]
struct Pos {
    index: usize,
    depth: usize,
    parent: Option<usize>,
    sibling: usize,
}

fn tree_positions(items: &[(TaskId, Option<TaskId>, i64)]) -> Vec<Pos> {
    let mut children: HashMap<Option<TaskId>, Vec<usize>> = HashMap::with_capacity(items.len());
    for (i, t) in items.iter().enumerate() {
        children.entry(t.1).or_default().push(i);
    }
    for v in children.values_mut() {
        v.sort_unstable_by_key(|&i| (items[i].2, items[i].0));
    }
    let mut order: Vec<Pos> = Vec::with_capacity(items.len());
    let mut stack: Vec<Pos> = Vec::new();
    if let Some(roots) = children.get(&None) {
        for (n, &i) in roots.iter().enumerate().rev() {
            stack.push(Pos { index: i, depth: 1, parent: None, sibling: n + 1 });
        }
    }
    while let Some(p) = stack.pop() {
        let here = order.len();
        order.push(p);
        if let Some(kids) = children.get(&Some(items[p.index].0)) {
            for (n, &k) in kids.iter().enumerate().rev() {
                stack.push(Pos { index: k, depth: p.depth + 1, parent: Some(here), sibling: n + 1 });
            }
        }
    }
    order
}

fn number_at(order: &[Pos], mut at: usize) -> String {
    let mut parts = Vec::new();
    loop {
        parts.push(order[at].sibling.to_string());
        match order[at].parent {
            Some(p) => at = p,
            None => break,
        }
    }
    parts.reverse();
    parts.join(".")
}

/// An item with everything its page shows, and what the viewer may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: Task,
    pub plan: Plan,
    pub orgs: Vec<TaskOrg>,
    /// The viewer holds the plan's owner (sees and edits everything on it).
    pub owner: bool,
    /// The viewer is (above) the lead unit: sees every unit's reports.
    pub lead: bool,
}

impl TaskView {
    pub fn responsible(&self) -> impl Iterator<Item = &TaskOrg> {
        self.orgs.iter().filter(|o| o.role == ROLE_RESPONSIBLE)
    }
    pub fn cooperating(&self) -> impl Iterator<Item = &TaskOrg> {
        self.orgs.iter().filter(|o| o.role == ROLE_COOPERATING)
    }
    /// Whether the viewer sees every report on the item.
    pub fn sees_all_reports(&self) -> bool {
        self.owner || self.lead
    }
    /// The unit a reporter with `scope` reports for, and whether that report sets the item's
    /// progress: the lead unit's and the owner's do (a responsible unit's when there is no lead
    /// unit); the other units report their part, which the lead unit sees.
    pub fn reporting_unit(&self, scope: &Scope) -> Option<(OrgId, String, bool)> {
        if let (Some(id), Some(path)) = (self.task.lead_org_id, self.task.lead_org_path.as_ref())
            && scope.contains(path)
        {
            return Some((id, ROLE_LEAD.into(), true));
        }
        for role in [ROLE_RESPONSIBLE, ROLE_COOPERATING] {
            if let Some(o) = self.orgs.iter().find(|o| o.role == role && scope.contains(&o.org_path)) {
                return Some((o.org_id, role.into(), role == ROLE_RESPONSIBLE && self.task.lead_org_id.is_none()));
            }
        }
        if scope.contains(&self.plan.org_path) {
            return Some((self.plan.org_id, "owner".into(), true));
        }
        None
    }
}

async fn task_orgs_of(db: &Db, task_id: TaskId) -> Result<Vec<TaskOrg>, StoreError> {
    db.fetch_all(q("SELECT x.task_id, x.org_id, x.org_path, o.name AS org_name, x.role FROM task_orgs x JOIN orgs o ON o.id = x.org_id WHERE x.task_id = $1 ORDER BY x.id").bind(task_id)).await
}

/// An item the scope may open (owner, lead, responsible or cooperating); "not found" otherwise.
pub async fn get_task(db: &Db, scope: &Scope, id: TaskId) -> Result<TaskView, StoreError> {
    let task: Task = db.fetch_optional(q_built(format!("{TASK_SELECT}WHERE t.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)?;
    let plan: Plan = db.fetch_optional(q_built(format!("{PLAN_SELECT}FROM task_plans p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1")).bind(task.plan_id)).await?.ok_or(StoreError::NotFound)?;
    let orgs = task_orgs_of(db, id).await?;
    let owner = scope.contains(&plan.org_path);
    if !owner && !involves(&task, &orgs, scope) {
        return Err(StoreError::NotFound);
    }
    let lead = task.lead_org_path.as_deref().is_some_and(|p| scope.contains(p));
    Ok(TaskView { task, plan, orgs, owner, lead })
}

/// The reports on an item the viewer may read: all for the owner and the lead unit, else the
/// reports of units inside the viewer's scope. Newest first.
pub async fn reports(db: &Db, scope: &Scope, view: &TaskView) -> Result<Vec<Report>, StoreError> {
    let mut b = SqlBuilder::new("SELECT r.id, r.task_id, r.org_id, r.org_path, o.name AS org_name, r.user_name, r.text, r.percent, r.created_at FROM task_reports r JOIN orgs o ON o.id = r.org_id WHERE r.task_id = ");
    b.bind(view.task.id);
    if !view.sees_all_reports() {
        b.push(" AND ").scope("r.org_path", scope);
    }
    b.push(" ORDER BY r.id DESC LIMIT 500");
    db.fetch_all(b.build()).await
}

/// The latest report on each item of a plan: (item, text, when, reporting unit). With a scope,
/// only the reports of units inside it (what a reader who neither owns the plan nor leads the
/// item may read); without one, every unit's.
pub async fn latest_reports(db: &Db, plan_id: PlanId, scope: Option<&Scope>) -> Result<Vec<(TaskId, String, i64, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT r.task_id, r.text, r.created_at, o.name FROM task_reports r JOIN orgs o ON o.id = r.org_id JOIN tasks t ON t.id = r.task_id WHERE t.plan_id = ");
    b.bind(plan_id).push(" AND r.id = (SELECT MAX(r2.id) FROM task_reports r2 WHERE r2.task_id = r.task_id");
    if let Some(scope) = scope {
        b.push(" AND ").scope("r2.org_path", scope);
    }
    b.push(")");
    db.fetch_all(b.build()).await
}

/// One report made by a unit inside the scope (the unit that filed it, not the reader's view).
pub async fn get_report(db: &Db, scope: &Scope, id: ReportId) -> Result<Report, StoreError> {
    let mut b = SqlBuilder::new("SELECT r.id, r.task_id, r.org_id, r.org_path, o.name AS org_name, r.user_name, r.text, r.percent, r.created_at FROM task_reports r JOIN orgs o ON o.id = r.org_id WHERE r.id = ");
    b.bind(id).push(" AND ").scope("r.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// Files of the item's reports the viewer may read (the rule of `reports`): a file of another
/// item's report, or of a report the scope does not see, is left out.
pub async fn report_attachments(db: &Db, scope: &Scope, view: &TaskView) -> Result<Vec<Attachment>, StoreError> {
    let mut b = SqlBuilder::new("SELECT a.* FROM attachments a JOIN task_reports r ON r.id = a.owner_id WHERE a.owner_kind = ");
    b.bind(REPORT_ATTACHMENT_KIND).push(" AND r.task_id = ").bind(view.task.id);
    if !view.sees_all_reports() {
        b.push(" AND ").scope("r.org_path", scope);
    }
    b.push(" ORDER BY a.id LIMIT 2000");
    db.fetch_all(b.build()).await
}

/// Items of the responsibility lists linked to a task that the viewer's scope sees: a link to
/// another unit's list must not show that unit's items.
pub async fn linked_items(db: &Db, scope: &Scope, task_id: TaskId) -> Result<Vec<LinkedItem>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT i.id AS item_id, l.title AS list_title, i.content, l.org_id, o.name AS org_name FROM task_list_items x JOIN duty_items i ON i.id = x.item_id JOIN duty_lists l ON l.id = i.list_id JOIN orgs o ON o.id = l.org_id WHERE x.task_id = ",
    );
    b.bind(task_id).push(" AND ").scope("l.org_path", scope).push(" ORDER BY l.id, i.seq");
    db.fetch_all(b.build()).await
}

/// List items of a year the scope sees, to link to (at most 300).
pub async fn linkable_items(db: &Db, scope: &Scope, year: i64) -> Result<Vec<LinkedItem>, StoreError> {
    let mut b =
        SqlBuilder::new("SELECT i.id AS item_id, l.title AS list_title, i.content, l.org_id, o.name AS org_name FROM duty_items i JOIN duty_lists l ON l.id = i.list_id JOIN orgs o ON o.id = l.org_id WHERE l.year = ");
    b.bind(year).push(" AND ").scope("l.org_path", scope).push(" ORDER BY l.org_path, l.id, i.seq LIMIT 300");
    db.fetch_all(b.build()).await
}

/// A unit named by id, code, name or short name inside the plan owner's subtree and the
/// writer's scope; `None` when there is none or the name is ambiguous.
pub async fn find_unit(db: &Db, scope: &Scope, plan: &Plan, token: &str) -> Result<Option<OrgId>, StoreError> {
    let (lo, hi) = subtree_range(&plan.org_path);
    let id = token.parse::<OrgId>().ok();
    let find = |by: &str| {
        let mut b = SqlBuilder::new("SELECT id FROM orgs WHERE ");
        match (by, id) {
            ("id", Some(id)) => b.push("id = ").bind(id),
            ("code", _) => b.push("code = ").bind(token),
            _ => b.push("(name = ").bind(token).push(" OR short_name = ").bind(token).push(")"),
        };
        b.push(" AND path >= ").bind(lo.as_str()).push(" AND path < ").bind(hi.as_str()).push(" AND ").scope("path", scope).push(" LIMIT 2");
        b.build()
    };
    let found: Vec<(OrgId,)> = if id.is_some() {
        db.fetch_all(find("id")).await?
    } else {
        let by_code: Vec<(OrgId,)> = db.fetch_all(find("code")).await?;
        if by_code.is_empty() { db.fetch_all(find("name")).await? } else { by_code }
    };
    Ok(match found.as_slice() {
        [(id,)] => Some(*id),
        _ => None,
    })
}

/// Units an item of the plan may name: the owner and two levels below inside the writer's
/// scope (at most 400); the caller puts them in organisation order.
pub async fn unit_options(db: &Db, scope: &Scope, plan: &Plan) -> Result<Vec<crate::org::Org>, StoreError> {
    let (lo, hi) = subtree_range(&plan.org_path);
    let mut b = SqlBuilder::new("SELECT o.id, o.parent_id, o.name, o.short_name, o.kind, o.code, o.level, o.sort_order, o.path, o.version FROM orgs o WHERE o.path >= ");
    b.bind(lo).push(" AND o.path < ").bind(hi).push(" AND o.level <= (SELECT level FROM orgs WHERE id = ").bind(plan.org_id).push(") + 2 AND ").scope("o.path", scope).push(" ORDER BY o.path LIMIT 400");
    db.fetch_all(b.build()).await
}

/// The plan page's unit filter: the owner and the units directly under it; the caller keeps
/// those in the viewer's scope.
pub async fn unit_filter_options(db: &Db, owner_org_id: OrgId) -> Result<Vec<crate::org::Org>, StoreError> {
    db.fetch_all(q("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE id = $1 OR parent_id = $1 ORDER BY level, sort_order, id LIMIT 400").bind(owner_org_id)).await
}

/// Leaders (书记, 副书记, 纪检书记, 班子成员; current posts) of the units an item may name,
/// inside the writer's scope, for the 牵头领导 choices: (unit id, name, post title, unit name),
/// unit by unit.
pub async fn leader_names(db: &Db, scope: &Scope, plan: &Plan) -> Result<Vec<(OrgId, String, Option<String>, String)>, StoreError> {
    let (lo, hi) = subtree_range(&plan.org_path);
    let mut b = SqlBuilder::new(
        "SELECT o.id, p.name, ps.title, o.name FROM people p JOIN posts ps ON ps.person_id = p.id JOIN orgs o ON o.id = ps.org_id WHERE ps.end_date IS NULL AND ps.kind IN ('secretary', 'deputy_secretary', 'discipline_secretary', 'team_member') AND o.level <= (SELECT level FROM orgs WHERE id = ",
    );
    b.bind(plan.org_id)
        .push(") + 2 AND o.path >= ")
        .bind(lo)
        .push(" AND o.path < ")
        .bind(hi)
        .push(" AND ")
        .scope("p.org_path", scope)
        .push(" ORDER BY o.path, CASE ps.kind WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'discipline_secretary' THEN 2 ELSE 3 END, p.sort_order LIMIT 1000");
    db.fetch_all(b.build()).await
}

/// The level of an item of this plan (1 = 大项; `None` for an item of another plan, or of a
/// plan the scope does not see).
pub async fn task_level(db: &Db, scope: &Scope, plan_id: PlanId, id: TaskId) -> Result<Option<i64>, StoreError> {
    let mut b = SqlBuilder::new("SELECT CAST(c.level AS BIGINT) FROM tasks c JOIN task_plans p ON p.id = c.plan_id WHERE c.id = ");
    b.bind(id).push(" AND c.plan_id = ").bind(plan_id).push(" AND ");
    push_plan_visible(&mut b, scope);
    let row: Option<(i64,)> = db.fetch_optional(b.build()).await?;
    Ok(row.map(|(l,)| l))
}

/// The title of an item of this plan (`None` for an item of another plan, or of a plan the
/// scope does not see). Ancestors' titles are context the tree shows too.
pub async fn task_title(db: &Db, scope: &Scope, plan_id: PlanId, id: TaskId) -> Result<Option<String>, StoreError> {
    let mut b = SqlBuilder::new("SELECT c.title FROM tasks c JOIN task_plans p ON p.id = c.plan_id WHERE c.id = ");
    b.bind(id).push(" AND c.plan_id = ").bind(plan_id).push(" AND ");
    push_plan_visible(&mut b, scope);
    let row: Option<(String,)> = db.fetch_optional(b.build()).await?;
    Ok(row.map(|(t,)| t))
}

/// Checks the units and list items of an input against the plan owner's subtree; returns the
/// org paths by id.
async fn check_input(tx: &mut Tx, plan: &Plan, input: &TaskInput) -> Result<HashMap<OrgId, String>, StoreError> {
    let owner = plan.org_path.as_str();
    let mut paths = HashMap::new();
    let ids = input.lead_org_id.iter().chain(&input.responsible).chain(&input.cooperating);
    for id in ids {
        if paths.contains_key(id) {
            continue;
        }
        match org_path_tx(tx, *id).await? {
            Some(p) if p.starts_with(owner) => {
                paths.insert(*id, p);
            }
            _ => return Err(StoreError::Conflict { field: "lead_org_id".into(), message: "所选单位不存在或不在本计划制定单位的范围内".into() }),
        }
    }
    for item in &input.list_items {
        // only items of lists inside the plan owner's subtree (an id from a request is checked like one in a path)
        let found: Option<(String,)> = tx.fetch_optional(q("SELECT l.org_path FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE i.id = $1").bind(*item)).await?;
        if !found.is_some_and(|(path,)| path.starts_with(owner)) {
            return Err(StoreError::Conflict { field: "list_items".into(), message: "所选清单事项不存在或不在本计划制定单位的范围内".into() });
        }
    }
    Ok(paths)
}

/// Finds the person named as 牵头领导 ("孙正平" or "孙正平（县纪委书记）") inside the plan owner's subtree.
async fn leader_id(tx: &mut Tx, plan: &Plan, leader: Option<&str>) -> Result<Option<PersonId>, StoreError> {
    let Some(text) = leader else { return Ok(None) };
    let name = text.split(['（', '(', ' ', '、']).next().unwrap_or("").trim();
    if name.is_empty() {
        return Ok(None);
    }
    let (lo, hi) = subtree_range(&plan.org_path);
    let found: Vec<(PersonId,)> = tx.fetch_all(q("SELECT id FROM people WHERE name = $1 AND org_path >= $2 AND org_path < $3 LIMIT 2").bind(name).bind(lo).bind(hi)).await?;
    Ok(if found.len() == 1 { Some(found[0].0) } else { None })
}

async fn write_links(tx: &mut Tx, plan_id: PlanId, task_id: TaskId, input: &TaskInput, paths: &HashMap<OrgId, String>) -> Result<(), StoreError> {
    for (role, ids) in [(ROLE_RESPONSIBLE, &input.responsible), (ROLE_COOPERATING, &input.cooperating)] {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(*id) {
                continue;
            }
            let path = paths.get(id).cloned().unwrap_or_default();
            tx.execute(q("INSERT INTO task_orgs (plan_id, task_id, org_id, org_path, role) VALUES ($1, $2, $3, $4, $5)").bind(plan_id).bind(task_id).bind(*id).bind(path).bind(role)).await?;
        }
    }
    let mut seen = HashSet::new();
    for item in &input.list_items {
        if seen.insert(*item) {
            tx.execute(q("INSERT INTO task_list_items (task_id, item_id) VALUES ($1, $2)").bind(task_id).bind(*item)).await?;
        }
    }
    Ok(())
}

/// Business text of an item: named in its audit entries, never copied into them.
const TASK_TEXT: &[&str] = &["title", "lead_leader", "target"];

fn input_summary(input: &TaskInput) -> serde_json::Value {
    json!({"title": input.title, "parent_id": input.parent_id, "lead_leader": input.lead_leader, "lead_org_id": input.lead_org_id, "deadline": input.deadline, "target": input.target,
           "responsible": input.responsible, "cooperating": input.cooperating, "list_items": input.list_items})
}

/// Adds an item (大项 without a parent, 小项 under one) at the end of its siblings.
pub async fn create_task(tx: &mut Tx, actor: &Actor, plan: &Plan, input: &TaskInput) -> Result<TaskId, StoreError> {
    let paths = check_input(tx, plan, input).await?;
    let (parent_path, level) = match input.parent_id {
        Some(pid) => {
            let p: Option<(String, i64)> = tx.fetch_optional(q("SELECT path, level FROM tasks WHERE id = $1 AND plan_id = $2").bind(pid).bind(plan.id)).await?;
            let (path, level) = p.ok_or_else(|| StoreError::Conflict { field: "parent_id".into(), message: "上级事项不存在".into() })?;
            (path, level + 1)
        }
        None => ("/".to_string(), 1),
    };
    let seq = tx
        .scalar_i64(
            q("SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM tasks WHERE plan_id = $1 AND ((parent_id IS NULL AND $2 IS NULL) OR parent_id = $3)").bind(plan.id).bind(input.parent_id).bind(input.parent_id),
        )
        .await?;
    let lead_path = input.lead_org_id.and_then(|id| paths.get(&id).cloned());
    let leader = leader_id(tx, plan, input.lead_leader.as_deref()).await?;
    let t = now();
    let (id,): (TaskId,) = tx
        .fetch_one(
            q("INSERT INTO tasks (plan_id, parent_id, path, level, seq, title, lead_leader_id, lead_leader, lead_org_id, lead_org_path, deadline, target, progress, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 'not_started', $13, $13) RETURNING id")
                .bind(plan.id)
                .bind(input.parent_id)
                .bind(format!("#new:{t}"))
                .bind(level)
                .bind(seq)
                .bind(input.title.as_str())
                .bind(leader)
                .bind(input.lead_leader.clone())
                .bind(input.lead_org_id)
                .bind(lead_path)
                .bind(input.deadline.clone())
                .bind(input.target.clone())
                .bind(t),
        )
        .await?;
    tx.execute(q("UPDATE tasks SET path = $1 WHERE id = $2").bind(format!("{parent_path}{id}/")).bind(id)).await?;
    write_links(tx, plan.id, id, input, &paths).await?;
    bump_revision(tx, plan.id).await?;
    audit::record(tx, actor, "task.create", "task", Some(id.to_string()), json!({"plan_id": plan.id, "after": audit::redact(&input_summary(input), TASK_TEXT)})).await?;
    Ok(id)
}

/// Edits an item (its place in the tree stays); `version` guards against a concurrent edit.
pub async fn update_task(tx: &mut Tx, actor: &Actor, view: &TaskView, version: i64, input: &TaskInput) -> Result<(), StoreError> {
    let paths = check_input(tx, &view.plan, input).await?;
    let lead_path = input.lead_org_id.and_then(|id| paths.get(&id).cloned());
    let leader = leader_id(tx, &view.plan, input.lead_leader.as_deref()).await?;
    let n = tx
        .execute(
            q("UPDATE tasks SET title = $1, lead_leader_id = $2, lead_leader = $3, lead_org_id = $4, lead_org_path = $5, deadline = $6, target = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10")
                .bind(input.title.as_str())
                .bind(leader)
                .bind(input.lead_leader.clone())
                .bind(input.lead_org_id)
                .bind(lead_path)
                .bind(input.deadline.clone())
                .bind(input.target.clone())
                .bind(now())
                .bind(view.task.id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    tx.execute(q("DELETE FROM task_orgs WHERE task_id = $1").bind(view.task.id)).await?;
    tx.execute(q("DELETE FROM task_list_items WHERE task_id = $1").bind(view.task.id)).await?;
    write_links(tx, view.plan.id, view.task.id, input, &paths).await?;
    let t = &view.task;
    let before = json!({"title": t.title, "lead_leader": t.lead_leader, "lead_org_id": t.lead_org_id, "deadline": t.deadline, "target": t.target,
                        "responsible": view.responsible().map(|o| o.org_id).collect::<Vec<_>>(), "cooperating": view.cooperating().map(|o| o.org_id).collect::<Vec<_>>()});
    bump_revision(tx, t.plan_id).await?;
    audit::record(tx, actor, "task.update", "task", Some(t.id.to_string()), audit::changes(&before, &input_summary(input), TASK_TEXT)).await
}

/// `sql` (ending in the plan and path conditions) for an item and everything under it.
fn under(sql: &str, t: &Task) -> Q {
    let (lo, hi) = subtree_range(&t.path);
    q_built(format!("{sql} WHERE t.plan_id = $1 AND t.path >= $2 AND t.path < $3")).bind(t.plan_id).bind(lo).bind(hi)
}

const REPORTS_UNDER: &str = "SELECT COUNT(*) FROM task_reports r JOIN tasks t ON t.id = r.task_id";

/// Progress reports on an item or below it: an item may be deleted only while there are none.
pub async fn reports_under(db: &Db, task: &Task) -> Result<i64, StoreError> {
    db.scalar_i64(under(REPORTS_UNDER, task)).await
}

/// Locks an item's row until the transaction ends (PostgreSQL; SQLite holds its write lock).
async fn lock_task(tx: &mut Tx, id: TaskId) -> Result<(), StoreError> {
    let sql = format!("SELECT id FROM tasks WHERE id = $1{}", tx.for_update());
    let found: Option<(i64,)> = tx.fetch_optional(q_built(sql).bind(id)).await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// Deletes an item with its 小项 (their units, links and reminders go with them). Refused
/// once progress has been reported on any of them: reports are the units' record of work.
/// Returns the number of items deleted.
pub async fn delete_task(tx: &mut Tx, actor: &Actor, view: &TaskView) -> Result<i64, StoreError> {
    let t = &view.task;
    // a report filed meanwhile would be deleted with the item: hold the item (add_report does too)
    lock_task(tx, t.id).await?;
    let (reports,): (i64,) = tx.fetch_one(under(REPORTS_UNDER, t)).await?;
    if reports > 0 {
        return Err(StoreError::Invalid(format!("该事项或其下级小项已有{reports}条进展报送，不能删除")));
    }
    // counted first: rows removed by the cascade on parent_id are not in the DELETE's count
    let (n,): (i64,) = tx.fetch_one(under("SELECT COUNT(*) FROM tasks t", t)).await?;
    tx.execute(under("DELETE FROM tasks AS t", t)).await?;
    let before = json!({"title": t.title, "plan_id": t.plan_id, "parent_id": t.parent_id, "lead_org_id": t.lead_org_id, "deadline": t.deadline, "items_deleted": n});
    bump_revision(tx, t.plan_id).await?;
    audit::record(tx, actor, "task.delete", "task", Some(t.id.to_string()), json!({"before": audit::redact(&before, TASK_TEXT)})).await?;
    Ok(n)
}

/// A progress report by `org_id`. When `sets_progress`, the item takes the percentage and the
/// status it implies. Returns the report id.
#[allow(clippy::too_many_arguments)]
pub async fn add_report(tx: &mut Tx, actor: &Actor, user_id: Option<UserId>, user_name: &str, view: &TaskView, org_id: OrgId, text: &str, percent: i64, sets_progress: bool) -> Result<ReportId, StoreError> {
    lock_task(tx, view.task.id).await?;
    let path = org_path_tx(tx, org_id).await?.ok_or(StoreError::NotFound)?;
    let t = now();
    let (id,): (ReportId,) = tx
        .fetch_one(
            q("INSERT INTO task_reports (task_id, org_id, org_path, user_id, user_name, text, percent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(view.task.id)
                .bind(org_id)
                .bind(path)
                .bind(user_id)
                .bind(user_name)
                .bind(text)
                .bind(percent)
                .bind(t),
        )
        .await?;
    if sets_progress {
        let status = TaskStatus::from_progress(percent);
        let completed = if status == TaskStatus::Done { Some(t) } else { None };
        tx.execute(q("UPDATE tasks SET progress = $1, status = $2, completed_at = $3, updated_at = $4, version = version + 1 WHERE id = $5").bind(percent).bind(status).bind(completed).bind(t).bind(view.task.id)).await?;
        bump_revision(tx, view.task.plan_id).await?;
    }
    audit::record(
        tx,
        actor,
        "task.report",
        "task",
        Some(view.task.id.to_string()),
        json!({"report_id": id, "org_id": org_id, "percent": percent, "sets_progress": sets_progress, "before": {"progress": view.task.progress, "status": view.task.status}}),
    )
    .await?;
    Ok(id)
}

/// Titles of the plans a unit already has for a year (the copy asks before adding another).
pub async fn plan_titles(db: &Db, org_id: OrgId, year: i64) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = db.fetch_all(q("SELECT title FROM task_plans WHERE org_id = $1 AND year = $2 ORDER BY id").bind(org_id).bind(year)).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// 复制上年计划: the plan again for `year`, every item with its units and targets, deadlines a
/// year later, progress and status reset. Returns the new plan's id.
pub async fn copy_plan(tx: &mut Tx, actor: &Actor, from: &Plan, year: i64) -> Result<PlanId, StoreError> {
    let tasks: Vec<Task> = tx.fetch_all(q_built(format!("{TASK_SELECT}WHERE t.plan_id = $1 ORDER BY t.level, t.id")).bind(from.id)).await?;
    let orgs: Vec<(TaskId, OrgId, String, String)> = tx.fetch_all(q("SELECT task_id, org_id, org_path, role FROM task_orgs WHERE plan_id = $1 ORDER BY id").bind(from.id)).await?;
    let title = from.title.replace(&from.year.to_string(), &year.to_string());
    let t = now();
    let (plan_id,): (PlanId,) = tx
        .fetch_one(
            q("INSERT INTO task_plans (year, org_id, org_path, title, doc_number, status, copied_from, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, 'draft', $5, $6, $6) RETURNING id")
                .bind(year)
                .bind(from.org_id)
                .bind(from.org_path.as_str())
                .bind(title.as_str())
                .bind(from.id)
                .bind(t),
        )
        .await?;
    // parents come first (by level), so their new ids and paths are known
    let mut new_ids: HashMap<TaskId, (TaskId, String)> = HashMap::new();
    for task in &tasks {
        let parent = task.parent_id.and_then(|p| new_ids.get(&p).cloned());
        let deadline = task.deadline.as_deref().and_then(parse_date).map(|d| format_date(next_year(d)));
        let (id,): (TaskId,) = tx
            .fetch_one(
                q("INSERT INTO tasks (plan_id, parent_id, path, level, seq, title, lead_leader_id, lead_leader, lead_org_id, lead_org_path, deadline, target, progress, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 'not_started', $13, $13) RETURNING id")
                    .bind(plan_id)
                    .bind(parent.as_ref().map(|p| p.0))
                    .bind(format!("#copy:{}", task.id))
                    .bind(task.level)
                    .bind(task.seq)
                    .bind(task.title.as_str())
                    .bind(task.lead_leader_id)
                    .bind(task.lead_leader.clone())
                    .bind(task.lead_org_id)
                    .bind(task.lead_org_path.clone())
                    .bind(deadline)
                    .bind(task.target.clone())
                    .bind(t),
            )
            .await?;
        let path = format!("{}{id}/", parent.map(|p| p.1).unwrap_or_else(|| "/".into()));
        tx.execute(q("UPDATE tasks SET path = $1 WHERE id = $2").bind(path.as_str()).bind(id)).await?;
        new_ids.insert(task.id, (id, path));
    }
    for (task_id, org_id, org_path, role) in orgs {
        if let Some((id, _)) = new_ids.get(&task_id) {
            tx.execute(q("INSERT INTO task_orgs (plan_id, task_id, org_id, org_path, role) VALUES ($1, $2, $3, $4, $5)").bind(plan_id).bind(*id).bind(org_id).bind(org_path).bind(role)).await?;
        }
    }
    audit::record(tx, actor, "task_plan.copy", "task_plan", Some(plan_id.to_string()), json!({"from": from.id, "year": year, "items": tasks.len()})).await?;
    Ok(plan_id)
}

/// The daily reminder run: for items not done whose deadline is at most `days` ahead (or past),
/// one reminder per lead and responsible unit per day. Idempotent: a second run the same day adds nothing.
pub async fn run_reminders(db: &Db, today: Date, days: i64) -> Result<u64, StoreError> {
    let today_s = format_date(today);
    let limit = format_date(today + time::Duration::days(days.max(0)));
    let t = now();
    let mut tx = db.begin().await?;
    let a = tx
        .execute(
            q("INSERT INTO task_reminders (task_id, org_id, org_path, kind, for_date, created_at) SELECT t.id, t.lead_org_id, t.lead_org_path, CASE WHEN t.deadline < $1 THEN 'overdue' ELSE 'due_soon' END, $1, $2 FROM tasks t WHERE t.status <> 'done' AND t.deadline IS NOT NULL AND t.deadline <= $3 AND t.lead_org_id IS NOT NULL ON CONFLICT (task_id, org_id, kind, for_date) DO NOTHING")
                .bind(today_s.as_str())
                .bind(t)
                .bind(limit.as_str()),
        )
        .await?;
    let b = tx
        .execute(
            q("INSERT INTO task_reminders (task_id, org_id, org_path, kind, for_date, created_at) SELECT t.id, x.org_id, x.org_path, CASE WHEN t.deadline < $1 THEN 'overdue' ELSE 'due_soon' END, $1, $2 FROM tasks t JOIN task_orgs x ON x.task_id = t.id WHERE x.role = 'responsible' AND t.status <> 'done' AND t.deadline IS NOT NULL AND t.deadline <= $3 ON CONFLICT (task_id, org_id, kind, for_date) DO NOTHING")
                .bind(today_s.as_str())
                .bind(t)
                .bind(limit.as_str()),
        )
        .await?;
    tx.commit().await?;
    Ok(a + b)
}

/// Today's reminders for units inside the scope, on items still not done (optionally of one plan).
pub async fn pending_reminders(db: &Db, scope: &Scope, plan_id: Option<PlanId>) -> Result<Vec<Reminder>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT r.id, r.task_id, t.plan_id, t.title AS task_title, t.deadline, t.progress, r.org_id, o.name AS org_name, r.kind, r.for_date FROM task_reminders r JOIN tasks t ON t.id = r.task_id JOIN orgs o ON o.id = r.org_id WHERE r.for_date = ",
    );
    b.bind(format_date(today())).push(" AND t.status <> 'done' AND ").scope("r.org_path", scope);
    if let Some(p) = plan_id {
        b.push(" AND t.plan_id = ").bind(p);
    }
    b.push(" ORDER BY t.deadline, r.id LIMIT 200");
    db.fetch_all(b.build()).await
}

/// Today's reminders within the scope on items not done, for the 待办: how many items per
/// kind (`overdue`, `due_soon`), and the first `limit` by deadline.
pub async fn reminder_summary(db: &Db, scope: &Scope, limit: i64) -> Result<(Vec<(String, i64)>, Vec<Reminder>), StoreError> {
    let today = format_date(today());
    let mut c = SqlBuilder::new("SELECT r.kind, COUNT(DISTINCT r.task_id) FROM task_reminders r JOIN tasks t ON t.id = r.task_id WHERE r.for_date = ");
    c.bind(today.as_str()).push(" AND t.status <> 'done' AND ").scope("r.org_path", scope).push(" GROUP BY r.kind");
    let counts: Vec<(String, i64)> = db.fetch_all(c.build()).await?;
    if counts.is_empty() {
        return Ok((counts, vec![]));
    }
    let mut b = SqlBuilder::new(
        "SELECT r.id, r.task_id, t.plan_id, t.title AS task_title, t.deadline, t.progress, r.org_id, o.name AS org_name, r.kind, r.for_date FROM task_reminders r JOIN tasks t ON t.id = r.task_id JOIN orgs o ON o.id = r.org_id WHERE r.for_date = ",
    );
    b.bind(today.as_str()).push(" AND t.status <> 'done' AND ").scope("r.org_path", scope).push(" ORDER BY t.deadline, r.id LIMIT ").bind(limit);
    Ok((counts, db.fetch_all(b.build()).await?))
}

/// Bench data: a plan of about `n_items` items over four levels for `owner_org_id`, with
/// responsible and cooperating units spread over the owner's subtree. Bulk inserts, no audit
/// (a generated load, like `restore`). Returns the plan id.
pub async fn generate_bench_plan(db: &Db, owner_org_id: OrgId, n_items: usize) -> Result<PlanId, StoreError> {
    let (owner_path,): (String,) = db.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(owner_org_id)).await?.ok_or(StoreError::NotFound)?;
    let (lo, hi) = lianzheng_core::org::subtree_range(&owner_path);
    let units: Vec<(i64, String)> = db.fetch_all(q("SELECT id, path FROM orgs WHERE path >= $1 AND path < $2 ORDER BY path LIMIT 5000").bind(lo).bind(hi)).await?;
    if units.is_empty() {
        return Err(StoreError::NotFound);
    }
    let year = i64::from(today().year());
    let t = now();
    let mut tx = db.begin().await?;
    let (plan_id,): (PlanId,) = tx
        .fetch_one(
            q("INSERT INTO task_plans (year, org_id, org_path, title, doc_number, status, created_at, updated_at, issued_on) VALUES ($1, $2, $3, $4, NULL, 'issued', $5, $5, $6) RETURNING id")
                .bind(year)
                .bind(owner_org_id)
                .bind(owner_path.as_str())
                .bind(format!("{year}年党风廉政建设工作任务分工（压测）"))
                .bind(t)
                .bind(format_date(today())),
        )
        .await?;
    let n = n_items.max(4);
    let l1 = (n / 200).max(1);
    let l2 = (l1 * 4).min(n.saturating_sub(l1)).max(1);
    let l3 = (l2 * 5).min(n.saturating_sub(l1 + l2)).max(1);
    let l4 = n.saturating_sub(l1 + l2 + l3);
    let sizes = [l1, l2, l3, l4];
    let mut parents: Vec<i64> = Vec::new();
    let mut k = 0usize;
    for (li, &count) in sizes.iter().enumerate() {
        let level = li as i64 + 1;
        if count == 0 {
            break;
        }
        let mut rows: Vec<Vec<Val>> = Vec::with_capacity(count);
        for i in 0..count {
            let parent = if parents.is_empty() { None } else { Some(parents[i % parents.len()]) };
            let lead = &units[(k * 7) % units.len()];
            k += 1;
            let month = 1 + (k % 12) as u8;
            let day = 1 + (k % 28) as u8;
            let progress = ((k * 13) % 101) as i64;
            let status = TaskStatus::from_progress(progress).code();
            rows.push(vec![
                plan_id.into(),
                parent.into(),
                format!("#bench:{level}:{i}").into(),
                level.into(),
                (i as i64 / parents.len().max(1) as i64 + 1).into(),
                format!("压测事项 {level}-{}：强化监督执纪问责，推动全面从严治党向纵深发展", i + 1).into(),
                Val::Text(Some(format!("县领导{}", k % 17 + 1))),
                lead.0.into(),
                lead.1.as_str().into(),
                Val::Text(Some(format!("{year}-{month:02}-{day:02}"))),
                Val::Text(Some("按要求完成，形成工作台账并报送进展情况".into())),
                progress.into(),
                status.into(),
                t.into(),
            ]);
        }
        for chunk in rows.chunks(400) {
            let mut sql = String::from("INSERT INTO tasks (plan_id, parent_id, path, level, seq, title, lead_leader, lead_org_id, lead_org_path, deadline, target, progress, status, created_at, updated_at) VALUES ");
            let mut args: Vec<Val> = Vec::with_capacity(chunk.len() * 15);
            for (ri, r) in chunk.iter().enumerate() {
                if ri > 0 {
                    sql.push_str(", ");
                }
                let base = args.len() + 1;
                sql.push('(');
                sql.push_str(&placeholders(base, 14));
                sql.push_str(&format!(", ${})", base + 13));
                args.extend(r.iter().cloned());
            }
            let mut query = q_built(sql);
            for a in args {
                query = query.bind(a);
            }
            tx.execute(query).await?;
        }
        // paths from the parents' paths and the new ids
        if level == 1 {
            tx.execute(q("UPDATE tasks SET path = '/' || CAST(id AS TEXT) || '/' WHERE plan_id = $1 AND level = 1").bind(plan_id)).await?;
        } else {
            tx.execute(q("UPDATE tasks SET path = (SELECT p.path FROM tasks p WHERE p.id = tasks.parent_id) || CAST(id AS TEXT) || '/' WHERE plan_id = $1 AND level = $2").bind(plan_id).bind(level)).await?;
        }
        let ids: Vec<(i64,)> = tx.fetch_all(q("SELECT id FROM tasks WHERE plan_id = $1 AND level = $2 ORDER BY id").bind(plan_id).bind(level)).await?;
        parents = ids.into_iter().map(|(id,)| id).collect();
        // units: two responsible and one cooperating per item
        let mut org_rows: Vec<[Val; 5]> = Vec::new();
        for (i, id) in parents.iter().enumerate() {
            let mut used = HashSet::new();
            for (j, role) in [ROLE_RESPONSIBLE, ROLE_RESPONSIBLE, ROLE_COOPERATING].iter().enumerate() {
                let u = &units[(i * 11 + j * 29 + li * 3) % units.len()];
                if used.insert(u.0) {
                    org_rows.push([plan_id.into(), (*id).into(), u.0.into(), u.1.as_str().into(), (*role).into()]);
                }
            }
        }
        for chunk in org_rows.chunks(1000) {
            let mut sql = String::from("INSERT INTO task_orgs (plan_id, task_id, org_id, org_path, role) VALUES ");
            for ri in 0..chunk.len() {
                if ri > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(&placeholders(ri * 5 + 1, 5));
                sql.push(')');
            }
            let mut query = q_built(sql);
            for r in chunk {
                for v in r {
                    query = query.bind(v.clone());
                }
            }
            tx.execute(query).await?;
        }
    }
    tx.commit().await?;
    Ok(plan_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: i64, parent: Option<i64>, path: &str, seq: i64, lead: Option<&str>) -> Task {
        Task {
            id: TaskId::new(id),
            plan_id: PlanId::new(1),
            parent_id: parent.map(TaskId::new),
            path: path.into(),
            level: path.matches('/').count() as i64 - 1,
            seq,
            title: format!("t{id}"),
            lead_leader_id: None,
            lead_leader: None,
            lead_org_id: lead.map(|_| OrgId::new(9)),
            lead_org_path: lead.map(str::to_string),
            lead_org_name: None,
            deadline: Some("2026-12-31".into()),
            target: None,
            progress: 0,
            status: TaskStatus::NotStarted,
            completed_at: None,
            updated_at: 0,
            version: 1,
        }
    }

    #[test]
    fn tree_order_numbers_and_context() {
        let tasks = vec![task(3, None, "/3/", 2, None), task(1, None, "/1/", 1, None), task(2, Some(1), "/1/2/", 1, Some("/1/9/")), task(4, Some(1), "/1/4/", 2, Some("/1/8/"))];
        let today = time::macros::date!(2026 - 06 - 01);
        let data = PlanData::new(tasks, vec![]);
        let plan = Plan { org_path: "/1/".into(), ..Plan::default() };
        let all = data.page(&Scope::system(lianzheng_core::org::SystemScope::Job), &plan, &TreeFilter::default(), today, 7, 0, usize::MAX).nodes;
        let nums: Vec<(i64, &str)> = all.iter().map(|n| (n.task.id.get(), n.number.as_str())).collect();
        assert_eq!(nums, vec![(1, "1"), (2, "1.1"), (4, "1.2"), (3, "2")]);
        // a unit sees its item, with the 大项 above it as context only
        let unit = Scope::system(lianzheng_core::org::SystemScope::Job).within("/1/9/");
        let plan = Plan { org_path: "/0/".into(), ..plan };
        let seen = data.page(&unit, &plan, &TreeFilter::default(), today, 7, 0, usize::MAX).nodes;
        let v: Vec<(i64, bool, &str)> = seen.iter().map(|n| (n.task.id.get(), n.open, n.number.as_str())).collect();
        assert_eq!(v, vec![(1, false, "1"), (2, true, "1.1")]);
    }

    #[test]
    fn a_parent_rolls_up_its_leaves() {
        let today = time::macros::date!(2026 - 06 - 01);
        let mut done = task(2, Some(1), "/1/2/", 1, None);
        (done.progress, done.status) = (100, TaskStatus::Done);
        let mut late = task(3, Some(1), "/1/3/", 2, None);
        (late.progress, late.deadline) = (40, Some("2026-05-01".into()));
        let mut mid = task(4, Some(1), "/1/4/", 3, None);
        mid.progress = 10;
        let data = PlanData::new(vec![task(1, None, "/1/", 1, None), done, late, mid], vec![]);
        let plan = Plan { org_path: "/1/".into(), ..Plan::default() };
        let page = data.page(&Scope::system(lianzheng_core::org::SystemScope::Job), &plan, &TreeFilter::default(), today, 7, 0, usize::MAX);
        let top = &page.nodes[0];
        assert_eq!(top.colour, Colour::Red, "the most urgent of its 小项");
        assert_eq!(top.rollup, Some(Rollup { items: 3, done: 1, progress: 50 }));
        assert_eq!(page.nodes[1].rollup, None);
        // the counts and the colour filter follow the shown colours
        assert_eq!(page.counts, vec![(Colour::Green, 1), (Colour::Blue, 1), (Colour::Yellow, 0), (Colour::Red, 2)]);
        let red = data.page(&Scope::system(lianzheng_core::org::SystemScope::Job), &plan, &TreeFilter { colour: Some(Colour::Red), ..TreeFilter::default() }, today, 7, 0, usize::MAX);
        assert_eq!(red.nodes.iter().map(|n| n.task.id.get()).collect::<Vec<_>>(), vec![1, 3]);
        // an item's own page: the item and what is under it
        let sub = data.page(&Scope::system(lianzheng_core::org::SystemScope::Job), &plan, &TreeFilter { under: Some("/1/3/".into()), ..TreeFilter::default() }, today, 7, 0, usize::MAX);
        assert_eq!(sub.nodes.iter().map(|n| n.task.id.get()).collect::<Vec<_>>(), vec![3]);
    }
}
