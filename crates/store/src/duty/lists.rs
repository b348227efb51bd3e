//! 责任清单: 主体责任清单 and 监督责任清单 per year, per unit and per person (书记's
//! first-responsible list, each 班子成员's 一岗双责 list). A higher body publishes 共性 items
//! for units of a kind; each unit adds 个性 items; the unit files (备案) with the higher 纪委,
//! which accepts or returns it; every submission and review keeps a snapshot.

use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "duty_templates",
        columns: &[("id", I), ("year", I), ("org_id", I), ("org_path", T), ("kind", T), ("target_kind", T), ("title", T), ("published", B), ("created_at", I), ("updated_at", I), ("disabled", B)],
    },
    TableDef { name: "duty_template_items", columns: &[("id", I), ("template_id", I), ("seq", I), ("category", T), ("content", T)] },
    TableDef {
        name: "duty_lists",
        columns: &[
            ("id", I),
            ("year", I),
            ("org_id", I),
            ("org_path", T),
            ("kind", T),
            ("holder_id", I),
            ("person_id", I),
            ("title", T),
            ("status", T),
            ("current_version", I),
            ("return_reason", T),
            ("submitted_at", I),
            ("reviewed_at", I),
            ("reviewed_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "duty_items", columns: &[("id", I), ("list_id", I), ("seq", I), ("scope", T), ("template_item_id", I), ("category", T), ("content", T), ("created_at", I)] },
    TableDef { name: "duty_list_versions", columns: &[("id", I), ("list_id", I), ("version", I), ("event", T), ("reason", T), ("snapshot", T), ("actor_id", I), ("actor_name", T), ("at", I)] },
    TableDef { name: "list_reminders", columns: &[("id", I), ("year", I), ("kind", T), ("org_id", I), ("org_path", T), ("sender_id", I), ("sender_name", T), ("sender_org", T), ("for_date", T), ("sent_at", I)] },
];

pub use lianzheng_core::duty::ListStatus;
use lianzheng_core::ids::{DutyListId, ListItemId, ListReminderId, ListTemplateId, OrgId, PersonId, TemplateItemId};
use lianzheng_core::org::{OrgKind, Scope};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::{SortKey, SqlBuilder, one_in_scope};
use crate::db::{Db, Tx, now, q, q_built};

/// 主体责任 or 监督责任.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ListKind {
    Main,
    Supervision,
}

impl ListKind {
    pub const ALL: &'static [ListKind] = &[ListKind::Main, ListKind::Supervision];
    pub fn code(self) -> &'static str {
        match self {
            ListKind::Main => "main",
            ListKind::Supervision => "supervision",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ListKind::Main => "主体责任清单",
            ListKind::Supervision => "监督责任清单",
        }
    }
    pub fn parse(s: &str) -> Option<ListKind> {
        let s = s.trim();
        ListKind::ALL.iter().copied().find(|k| k.code() == s || k.label() == s || k.label().trim_end_matches("清单") == s)
    }
    /// Which units are expected to keep a list of this kind (for 全覆盖).
    pub fn expected_of(self, org: OrgKind) -> bool {
        match self {
            ListKind::Main => matches!(org, OrgKind::PartyCommittee | OrgKind::PartyGroup | OrgKind::PartyWorkCommittee | OrgKind::GeneralBranch | OrgKind::Township | OrgKind::Unit),
            ListKind::Supervision => org.is_discipline(),
        }
    }
}

/// 共性 (from a published template) or 个性 (the unit's own).
pub const COMMON: &str = "common";
pub const SPECIFIC: &str = "specific";

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct DutyList {
    pub id: DutyListId,
    pub year: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub kind: String,
    pub holder_id: i64,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    pub title: String,
    pub status: ListStatus,
    pub current_version: i64,
    pub return_reason: Option<String>,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub common_count: i64,
    pub specific_count: i64,
}

impl DutyList {
    pub fn status(&self) -> ListStatus {
        self.status
    }
    pub fn kind_label(&self) -> &'static str {
        ListKind::parse(&self.kind).map(ListKind::label).unwrap_or("")
    }
    pub fn holder_label(&self) -> String {
        match &self.person_name {
            Some(n) => n.clone(),
            None => "本单位".to_string(),
        }
    }
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct DutyItem {
    pub id: ListItemId,
    pub list_id: DutyListId,
    pub seq: i64,
    pub scope: String,
    pub template_item_id: Option<TemplateItemId>,
    pub category: Option<String>,
    pub content: String,
}

impl DutyItem {
    pub fn is_common(&self) -> bool {
        self.scope == COMMON
    }
    pub fn scope_label(&self) -> &'static str {
        if self.is_common() { "共性" } else { "个性" }
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ListVersion {
    pub id: i64,
    pub list_id: DutyListId,
    pub version: i64,
    pub event: String,
    pub reason: Option<String>,
    pub snapshot: String,
    pub actor_name: String,
    pub at: i64,
}

impl ListVersion {
    pub fn event_label(&self) -> &'static str {
        match self.event.as_str() {
            "submitted" => "报送备案",
            "accepted" => "审核通过",
            "returned" => "退回修改",
            _ => "",
        }
    }
    /// The items as they were at this event.
    pub fn items(&self) -> Vec<(String, String)> {
        serde_json::from_str::<Vec<serde_json::Value>>(&self.snapshot)
            .unwrap_or_default()
            .into_iter()
            .map(|v| (if v["scope"] == COMMON { "共性" } else { "个性" }.to_string(), v["content"].as_str().unwrap_or_default().to_string()))
            .collect()
    }
}

const LIST_SELECT: &str = "SELECT l.id, l.year, l.org_id, l.org_path, o.name AS org_name, l.kind, l.holder_id, l.person_id, p.name AS person_name, l.title, l.status, l.current_version, l.return_reason, l.submitted_at, l.reviewed_at, l.version, l.created_at, \
    (SELECT COUNT(*) FROM duty_items i WHERE i.list_id = l.id AND i.scope = 'common') AS common_count, \
    (SELECT COUNT(*) FROM duty_items i WHERE i.list_id = l.id AND i.scope = 'specific') AS specific_count \
    FROM duty_lists l JOIN orgs o ON o.id = l.org_id LEFT JOIN people p ON p.id = l.person_id ";

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub year: i64,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub org_path: Option<String>,
    /// Only the unit's lists and this person's own personal one (a reader who sees `Own`):
    /// `Some(None)` for a reader with no person, who then sees the units' lists only.
    pub own: Option<Option<PersonId>>,
    /// A key of [`SORTS`] (else tree order).
    pub sort: crate::builder::Sort,
}

/// The lists table's sort keys (the holder by the pinyin of the name; unit lists first).
pub const SORTS: &[(&str, &[SortKey])] = &[
    ("title", &[SortKey::text("l.title")]),
    ("org", &[SortKey::text("l.org_path")]),
    ("holder", &[SortKey::text("p.name_pinyin").nullable(), SortKey::text("p.name").nullable()]),
    ("kind", &[SortKey::text("l.kind")]),
    ("status", &[SortKey::text("l.status")]),
    ("submitted", &[SortKey::num("l.submitted_at").nullable()]),
];

fn list_where(scope: &Scope, f: &ListFilter) -> SqlBuilder {
    let mut b = SqlBuilder::new("WHERE l.year = ");
    b.bind(f.year).push(" AND ").scope("l.org_path", scope);
    b.and_eq("l.kind", f.kind.as_deref());
    b.and_eq("l.status", f.status.as_deref());
    if let Some(p) = f.org_path.as_deref() {
        b.push(" AND ").subtree("l.org_path", p);
    }
    match f.own {
        Some(Some(me)) => {
            b.push(" AND (l.person_id IS NULL OR l.person_id = ").bind(me).push(")");
        }
        Some(None) => {
            b.push(" AND l.person_id IS NULL");
        }
        None => {}
    }
    b
}

/// One page of the lists the filter selects, in its sort (tree order by default), and how
/// many there are in all.
pub async fn page(db: &Db, scope: &Scope, f: &ListFilter, offset: i64, limit: i64) -> Result<(Vec<DutyList>, i64), StoreError> {
    let w = list_where(scope, f);
    let total = db.scalar_i64(w.clone_with("SELECT COUNT(*) FROM duty_lists l ").build()).await?;
    let mut b = w.clone_with(LIST_SELECT);
    match f.sort.pick(SORTS) {
        Some(keys) => b.order_by(db.backend(), keys, f.sort.desc, "l.id"),
        None => b.push(" ORDER BY l.org_path, l.kind, l.holder_id, l.id"),
    };
    b.push(&format!(" LIMIT {} OFFSET {}", limit.clamp(1, 1000), offset.max(0)));
    Ok((db.fetch_all(b.build()).await?, total))
}

/// Lists the scope may see for a year, in tree order.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Vec<DutyList>, StoreError> {
    let mut b = list_where(scope, f).clone_with(LIST_SELECT);
    b.push(" ORDER BY l.org_path, l.kind, l.holder_id LIMIT 5000");
    db.fetch_all(b.build()).await
}

pub async fn get_in_scope(db: &Db, scope: &Scope, id: DutyListId) -> Result<DutyList, StoreError> {
    one_in_scope(db, LIST_SELECT, "l", scope, id).await
}

/// A list's items, when the list lies inside the scope (nothing otherwise).
pub async fn items(db: &Db, scope: &Scope, list_id: DutyListId) -> Result<Vec<DutyItem>, StoreError> {
    let mut b = SqlBuilder::new("SELECT i.id, i.list_id, i.seq, i.scope, i.template_item_id, i.category, i.content FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE i.list_id = ");
    b.bind(list_id).push(" AND ").scope("l.org_path", scope).push(" ORDER BY CASE WHEN i.scope = 'common' THEN 0 ELSE 1 END, i.seq, i.id");
    db.fetch_all(b.build()).await
}

/// A list's filing and review snapshots, when the list lies inside the scope.
pub async fn versions(db: &Db, scope: &Scope, list_id: DutyListId) -> Result<Vec<ListVersion>, StoreError> {
    let mut b = SqlBuilder::new("SELECT v.id, v.list_id, v.version, v.event, v.reason, v.snapshot, v.actor_name, v.at FROM duty_list_versions v JOIN duty_lists l ON l.id = v.list_id WHERE v.list_id = ");
    b.bind(list_id).push(" AND ").scope("l.org_path", scope).push(" ORDER BY v.id DESC");
    db.fetch_all(b.build()).await
}

async fn lock_list(tx: &mut Tx, id: DutyListId) -> Result<(String, ListStatus, i64, i64), StoreError> {
    let sql = format!("SELECT org_path, status, version, current_version FROM duty_lists WHERE id = $1{}", tx.for_update());
    let r: Option<(String, ListStatus, i64, i64)> = tx.fetch_optional(q_built(sql).bind(id)).await?;
    r.ok_or(StoreError::NotFound)
}

/// A new list for a unit (or one of its leaders), with the 共性 items published for units of its kind
/// by any body above it (or itself) for that year.
#[allow(clippy::too_many_arguments)] // the list's identity is that many things
pub async fn create(tx: &mut Tx, actor: &Actor, scope: &Scope, year: i64, org_id: OrgId, kind: ListKind, person_id: Option<PersonId>, title: &str) -> Result<DutyListId, StoreError> {
    let org: Option<(String, String, String)> = tx.fetch_optional(q("SELECT path, kind, name FROM orgs WHERE id = $1").bind(org_id)).await?;
    let (path, org_kind, org_name) = org.ok_or_else(|| StoreError::Invalid("单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("单位不在您的管理范围内".into()));
    }
    if let Some(pid) = person_id {
        let p: Option<(OrgId,)> = tx.fetch_optional(q("SELECT org_id FROM people WHERE id = $1").bind(pid)).await?;
        match p {
            Some((oid,)) if oid == org_id => {}
            _ => return Err(StoreError::Invalid("责任人须为本单位人员".into())),
        }
    }
    let holder = person_id.map_or(0, PersonId::get);
    let exists: Option<(i64,)> = tx.fetch_optional(q("SELECT id FROM duty_lists WHERE year = $1 AND org_id = $2 AND kind = $3 AND holder_id = $4").bind(year).bind(org_id).bind(kind.code()).bind(holder)).await?;
    if exists.is_some() {
        return Err(StoreError::Conflict { field: "kind".into(), message: format!("{org_name}{year}年的该类清单已存在") });
    }
    let t = now();
    let (id,): (DutyListId,) = tx
        .fetch_one(
            q("INSERT INTO duty_lists (year, org_id, org_path, kind, holder_id, person_id, title, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8) RETURNING id")
                .bind(year)
                .bind(org_id)
                .bind(path.as_str())
                .bind(kind.code())
                .bind(holder)
                .bind(person_id)
                .bind(title)
                .bind(t),
        )
        .await?;
    // 共性 items: published templates for this kind of unit from the unit itself or any ancestor.
    // A leader's personal list holds his own duties; the unit's 共性 items belong to the unit's list.
    let ancestors: Vec<String> = if person_id.is_none() { ancestor_paths(&path) } else { Vec::new() };
    let mut n = 0i64;
    for a in &ancestors {
        let rows: Vec<(TemplateItemId, Option<String>, String)> = tx
            .fetch_all(
                q("SELECT ti.id, ti.category, ti.content FROM duty_template_items ti JOIN duty_templates t ON t.id = ti.template_id WHERE t.published = TRUE AND t.disabled = FALSE AND t.year = $1 AND t.kind = $2 AND t.target_kind = $3 AND t.org_path = $4 ORDER BY t.id, ti.seq, ti.id")
                    .bind(year)
                    .bind(kind.code())
                    .bind(org_kind.as_str())
                    .bind(a.as_str()),
            )
            .await?;
        for (tid, category, content) in rows {
            n += 1;
            tx.execute(
                q("INSERT INTO duty_items (list_id, seq, scope, template_item_id, category, content, created_at) VALUES ($1, $2, 'common', $3, $4, $5, $6)")
                    .bind(id)
                    .bind(n)
                    .bind(tid)
                    .bind(category)
                    .bind(content)
                    .bind(t),
            )
            .await?;
        }
    }
    audit::record(tx, actor, "duty_list.create", "duty_list", Some(id.to_string()), json!({"after": {"year": year, "org_id": org_id, "kind": kind.label(), "person_id": person_id, "common_items": n}})).await?;
    Ok(id)
}

/// "/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"].
fn ancestor_paths(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::from("/");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        cur.push_str(seg);
        cur.push('/');
        out.push(cur.clone());
    }
    out
}

/// Checks the list is in the writer's scope and still editable.
async fn editable(tx: &mut Tx, scope: &Scope, list_id: DutyListId) -> Result<(), StoreError> {
    let (path, status, _, _) = lock_list(tx, list_id).await?;
    if !scope.contains(&path) {
        return Err(StoreError::NotFound);
    }
    if !status.editable() {
        return Err(StoreError::Invalid("清单已报送或已备案，不能修改；如需修改请由审核单位退回".into()));
    }
    Ok(())
}

pub async fn add_item(tx: &mut Tx, actor: &Actor, scope: &Scope, list_id: DutyListId, category: Option<String>, content: &str) -> Result<ListItemId, StoreError> {
    editable(tx, scope, list_id).await?;
    let seq = tx.scalar_i64(q("SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM duty_items WHERE list_id = $1").bind(list_id)).await?;
    let (id,): (ListItemId,) = tx
        .fetch_one(
            q("INSERT INTO duty_items (list_id, seq, scope, category, content, created_at) VALUES ($1, $2, 'specific', $3, $4, $5) RETURNING id").bind(list_id).bind(seq).bind(category.clone()).bind(content).bind(now()),
        )
        .await?;
    touch(tx, list_id).await?;
    audit::record(tx, actor, "duty_item.create", "duty_item", Some(id.to_string()), json!({"list_id": list_id, "after": audit::redact(&json!({"category": category, "content": content}), &["category", "content"])}))
        .await?;
    Ok(id)
}

/// Edits a 个性 item (共性 items come from the higher body and are not the unit's to change).
pub async fn update_item(tx: &mut Tx, actor: &Actor, scope: &Scope, item_id: ListItemId, category: Option<String>, content: &str) -> Result<DutyListId, StoreError> {
    let row: Option<(DutyListId, String, String)> = tx.fetch_optional(q("SELECT list_id, scope, content FROM duty_items WHERE id = $1").bind(item_id)).await?;
    let (list_id, item_scope, before) = row.ok_or(StoreError::NotFound)?;
    editable(tx, scope, list_id).await?;
    if item_scope == COMMON {
        return Err(StoreError::Invalid("共性内容由上级统一制定，不能修改".into()));
    }
    tx.execute(q("UPDATE duty_items SET category = $1, content = $2 WHERE id = $3").bind(category).bind(content).bind(item_id)).await?;
    touch(tx, list_id).await?;
    audit::record(
        tx,
        actor,
        "duty_item.update",
        "duty_item",
        Some(item_id.to_string()),
        json!({"list_id": list_id, "fields": ["category", "content"], "changes": audit::changes(&json!({"content": before}), &json!({"content": content}), &["content"])}),
    )
    .await?;
    Ok(list_id)
}

pub async fn delete_item(tx: &mut Tx, actor: &Actor, scope: &Scope, item_id: ListItemId) -> Result<DutyListId, StoreError> {
    let row: Option<(DutyListId, String, String)> = tx.fetch_optional(q("SELECT list_id, scope, content FROM duty_items WHERE id = $1").bind(item_id)).await?;
    let (list_id, item_scope, before) = row.ok_or(StoreError::NotFound)?;
    editable(tx, scope, list_id).await?;
    if item_scope == COMMON {
        return Err(StoreError::Invalid("共性内容由上级统一制定，不能删除".into()));
    }
    tx.execute(q("DELETE FROM duty_items WHERE id = $1").bind(item_id)).await?;
    touch(tx, list_id).await?;
    audit::record(tx, actor, "duty_item.delete", "duty_item", Some(item_id.to_string()), json!({"list_id": list_id, "before": audit::redact(&json!({"content": before}), &["content"])})).await?;
    Ok(list_id)
}

async fn touch(tx: &mut Tx, list_id: DutyListId) -> Result<(), StoreError> {
    tx.execute(q("UPDATE duty_lists SET updated_at = $1, version = version + 1 WHERE id = $2").bind(now()).bind(list_id)).await?;
    Ok(())
}

async fn snapshot(tx: &mut Tx, list_id: DutyListId) -> Result<String, StoreError> {
    let items: Vec<(String, Option<String>, String)> =
        tx.fetch_all(q("SELECT scope, category, content FROM duty_items WHERE list_id = $1 ORDER BY CASE WHEN scope = 'common' THEN 0 ELSE 1 END, seq, id").bind(list_id)).await?;
    Ok(serde_json::Value::Array(items.into_iter().map(|(s, c, t)| json!({"scope": s, "category": c, "content": t})).collect()).to_string())
}

#[allow(clippy::too_many_arguments)] // one event: who, which list, what and why
async fn event(tx: &mut Tx, actor: &Actor, list_id: DutyListId, version: i64, event: &str, reason: Option<&str>, snap: String) -> Result<(), StoreError> {
    tx.execute(
        q("INSERT INTO duty_list_versions (list_id, version, event, reason, snapshot, actor_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(list_id)
            .bind(version)
            .bind(event)
            .bind(reason)
            .bind(snap)
            .bind(actor.user_id)
            .bind(actor.name.as_str())
            .bind(now()),
    )
    .await?;
    Ok(())
}

/// 报送备案: the unit files its list with the higher 纪委. Each filing is a new version.
pub async fn submit(tx: &mut Tx, actor: &Actor, scope: &Scope, list_id: DutyListId) -> Result<(), StoreError> {
    editable(tx, scope, list_id).await?;
    let n = tx.scalar_i64(q("SELECT COUNT(*) FROM duty_items WHERE list_id = $1").bind(list_id)).await?;
    if n == 0 {
        return Err(StoreError::Invalid("清单没有任何内容，不能报送".into()));
    }
    let (_, _, _, cur) = lock_list(tx, list_id).await?;
    let version = cur + 1;
    let t = now();
    tx.execute(q("UPDATE duty_lists SET status = $4, current_version = $1, submitted_at = $2, updated_at = $2, version = version + 1 WHERE id = $3").bind(version).bind(t).bind(list_id).bind(ListStatus::Submitted))
        .await?;
    let snap = snapshot(tx, list_id).await?;
    event(tx, actor, list_id, version, "submitted", None, snap).await?;
    audit::record(tx, actor, "duty_list.submit", "duty_list", Some(list_id.to_string()), json!({"version": version, "items": n})).await
}

/// Whether a reviewer's scope covers the list from above (a unit does not approve its own list).
pub fn may_review(review_scope: &Scope, list_path: &str) -> bool {
    review_scope.contains_below(list_path)
}

/// 审核: accept, or return with a reason. Only a submitted list, only from above.
pub async fn review(tx: &mut Tx, actor: &Actor, review_scope: &Scope, list_id: DutyListId, accept: bool, reason: Option<&str>) -> Result<(), StoreError> {
    let (path, status, _, cur) = lock_list(tx, list_id).await?;
    if !review_scope.contains(&path) {
        return Err(StoreError::NotFound);
    }
    if !may_review(review_scope, &path) {
        return Err(StoreError::Invalid("本单位的清单须报上级纪委审核".into()));
    }
    if status != ListStatus::Submitted {
        return Err(StoreError::Invalid("只能审核已报送的清单".into()));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if !accept && reason.is_none() {
        return Err(StoreError::Conflict { field: "reason".into(), message: "退回时请填写退回原因".into() });
    }
    let t = now();
    let new_status = if accept { ListStatus::Accepted } else { ListStatus::Returned };
    let ev = new_status.code();
    tx.execute(
        q("UPDATE duty_lists SET status = $1, return_reason = $2, reviewed_at = $3, reviewed_by = $4, updated_at = $3, version = version + 1 WHERE id = $5")
            .bind(new_status)
            .bind(reason)
            .bind(t)
            .bind(actor.user_id)
            .bind(list_id),
    )
    .await?;
    let snap = snapshot(tx, list_id).await?;
    event(tx, actor, list_id, cur, ev, reason, snap).await?;
    audit::record(tx, actor, if accept { "duty_list.accept" } else { "duty_list.return" }, "duty_list", Some(list_id.to_string()), json!({"version": cur, "after": audit::redact(&json!({"reason": reason}), &["reason"])}))
        .await
}

/// 复制上年清单: this year's drafts from last year's lists in the scope (where none exists yet).
pub async fn copy_last_year(tx: &mut Tx, actor: &Actor, scope: &Scope, year: i64) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT id, org_id, org_path, kind, holder_id, person_id, title FROM duty_lists WHERE year = ");
    b.bind(year - 1).push(" AND ").scope("org_path", scope).push(" ORDER BY id");
    #[derive(FromRow)]
    struct Old {
        id: DutyListId,
        org_id: OrgId,
        org_path: String,
        kind: String,
        holder_id: i64,
        person_id: Option<PersonId>,
        title: String,
    }
    let old: Vec<Old> = tx.fetch_all(b.build()).await?;
    let t = now();
    let mut copied = 0i64;
    for o in old {
        let exists: Option<(i64,)> =
            tx.fetch_optional(q("SELECT id FROM duty_lists WHERE year = $1 AND org_id = $2 AND kind = $3 AND holder_id = $4").bind(year).bind(o.org_id).bind(o.kind.as_str()).bind(o.holder_id)).await?;
        if exists.is_some() {
            continue;
        }
        let title = o.title.replace(&(year - 1).to_string(), &year.to_string());
        let (id,): (DutyListId,) = tx
            .fetch_one(
                q("INSERT INTO duty_lists (year, org_id, org_path, kind, holder_id, person_id, title, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8) RETURNING id")
                    .bind(year)
                    .bind(o.org_id)
                    .bind(o.org_path)
                    .bind(o.kind)
                    .bind(o.holder_id)
                    .bind(o.person_id)
                    .bind(title)
                    .bind(t),
            )
            .await?;
        tx.execute(
            q("INSERT INTO duty_items (list_id, seq, scope, template_item_id, category, content, created_at) SELECT $1, seq, scope, template_item_id, category, content, $2 FROM duty_items WHERE list_id = $3")
                .bind(id)
                .bind(t)
                .bind(o.id),
        )
        .await?;
        copied += 1;
    }
    audit::record(tx, actor, "duty_list.copy", "duty_list", None, json!({"from_year": year - 1, "to_year": year, "lists": copied})).await?;
    Ok(copied)
}

/// One row of the 全覆盖 page.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub org_kind: String,
    pub list_id: Option<DutyListId>,
    pub status: Option<ListStatus>,
    pub common: i64,
    pub specific: i64,
    /// Not accepted or submitted by the deadline.
    pub late: bool,
    /// The day of the latest 催报 for this list, if any.
    pub reminded: Option<String>,
}

impl Coverage {
    /// Submitted or accepted: nothing more to ask of the unit.
    pub fn filed(&self) -> bool {
        matches!(self.status, Some(ListStatus::Submitted | ListStatus::Accepted))
    }
    pub fn only_common(&self) -> bool {
        self.list_id.is_some() && self.specific == 0
    }
}

/// For every unit in scope expected to keep a unit list of this kind: its list (if any) and state.
pub async fn coverage(db: &Db, scope: &Scope, year: i64, kind: ListKind, deadline_passed: bool) -> Result<Vec<Coverage>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        id: OrgId,
        path: String,
        name: String,
        kind: String,
        list_id: Option<DutyListId>,
        status: Option<ListStatus>,
        common: Option<i64>,
        specific: Option<i64>,
        reminded: Option<String>,
    }
    let mut b = SqlBuilder::new(
        "SELECT o.id, o.path, o.name, o.kind, l.id AS list_id, l.status, \
         (SELECT COUNT(*) FROM duty_items i WHERE i.list_id = l.id AND i.scope = 'common') AS common, \
         (SELECT COUNT(*) FROM duty_items i WHERE i.list_id = l.id AND i.scope = 'specific') AS specific, \
         (SELECT MAX(r.for_date) FROM list_reminders r WHERE r.org_id = o.id AND r.year = ",
    );
    b.bind(year).push(" AND r.kind = ").bind(kind.code()).push(") AS reminded FROM orgs o LEFT JOIN duty_lists l ON l.org_id = o.id AND l.holder_id = 0 AND l.year = ");
    b.bind(year).push(" AND l.kind = ").bind(kind.code()).push(" WHERE ").scope("o.path", scope).push(" ORDER BY o.path");
    let mut rows: Vec<Row> = db.fetch_all(b.build()).await?;
    rows.sort_by_key(|r| crate::org::tree_key(&r.path));
    Ok(rows
        .into_iter()
        .filter(|r| OrgKind::from_code(&r.kind).is_some_and(|k| kind.expected_of(k)))
        .map(|r| {
            let status = r.status;
            let filed = matches!(status, Some(ListStatus::Submitted | ListStatus::Accepted));
            Coverage {
                org_id: r.id,
                org_path: r.path,
                org_name: r.name,
                org_kind: OrgKind::from_code(&r.kind).map(OrgKind::label).unwrap_or("").to_string(),
                list_id: r.list_id,
                status,
                common: r.common.unwrap_or(0),
                specific: r.specific.unwrap_or(0),
                late: deadline_passed && !filed,
                reminded: r.reminded,
            }
        })
        .collect())
}

// ---- 待办 and 催报 ----

/// Filed lists waiting for a reviewer: those strictly below the roots of the review scope (a
/// 纪委 does not review its own unit's), counted per year, the latest year first.
pub async fn waiting_review(db: &Db, review: &Scope) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT year, COUNT(*) FROM duty_lists WHERE status = 'submitted' AND ");
    b.scope_below("org_path", review).push(" GROUP BY year ORDER BY year DESC");
    db.fetch_all(b.build()).await
}

/// A returned list as the 待办 names it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Returned {
    pub id: DutyListId,
    pub year: i64,
    pub title: String,
    pub org_name: String,
    pub return_reason: Option<String>,
    pub reviewed_at: Option<i64>,
}

/// `column` in the units someone keeps (`keep`) but not strictly below the roots of what the
/// same person reviews (`review`, possibly empty): the lists that are theirs to file, not the
/// ones they receive.
fn kept_not_reviewed(b: &mut SqlBuilder, column: &str, keep: &Scope, review: &Scope) {
    b.scope(column, keep).push(" AND NOT ").scope_below(column, review);
}

/// Lists returned by the reviewer to the units the caller keeps: how many, and the latest `limit`.
pub async fn returned(db: &Db, keep: &Scope, review: &Scope, limit: i64) -> Result<(i64, Vec<Returned>), StoreError> {
    let mut c = SqlBuilder::new("SELECT COUNT(*) FROM duty_lists l WHERE l.status = 'returned' AND ");
    kept_not_reviewed(&mut c, "l.org_path", keep, review);
    let n = db.scalar_i64(c.build()).await?;
    if n == 0 {
        return Ok((0, vec![]));
    }
    let mut b = SqlBuilder::new("SELECT l.id, l.year, l.title, o.name AS org_name, l.return_reason, l.reviewed_at FROM duty_lists l JOIN orgs o ON o.id = l.org_id WHERE l.status = 'returned' AND ");
    kept_not_reviewed(&mut b, "l.org_path", keep, review);
    b.push(" ORDER BY l.reviewed_at DESC, l.id DESC LIMIT ").bind(limit);
    Ok((n, db.fetch_all(b.build()).await?))
}

/// The organisation kinds expected to keep a unit list of the kind, as stored codes.
fn expected_kinds(kind: ListKind) -> Vec<&'static str> {
    OrgKind::ALL.iter().copied().filter(|k| kind.expected_of(*k)).map(OrgKind::code).collect()
}

/// Units expected to keep a unit list of the kind that have not filed (submitted or accepted)
/// the year's: `o` is the unit; the caller adds which units.
fn unfiled_select(select: &str, year: i64, kind: ListKind) -> SqlBuilder {
    let mut b = SqlBuilder::new(select);
    b.push(" FROM orgs o WHERE o.kind IN ").in_list(expected_kinds(kind));
    b.push(" AND NOT EXISTS (SELECT 1 FROM duty_lists l WHERE l.org_id = o.id AND l.holder_id = 0 AND l.year = ").bind(year).push(" AND l.kind = ").bind(kind.code());
    b.push(" AND l.status IN ('submitted', 'accepted')) AND ");
    b
}

/// How many units strictly below the reviewer's roots have not filed the year's list of the kind.
pub async fn unfiled_below(db: &Db, review: &Scope, year: i64, kind: ListKind) -> Result<i64, StoreError> {
    let mut b = unfiled_select("SELECT COUNT(*)", year, kind);
    b.scope_below("o.path", review);
    db.scalar_i64(b.build()).await
}

/// How many units a 催报 would reach now: not filed, strictly below the reviewer's roots, and
/// not yet reminded `today`.
pub async fn remindable(db: &Db, review: &Scope, year: i64, kind: ListKind, today: &str) -> Result<i64, StoreError> {
    let mut b = unfiled_select("SELECT COUNT(*)", year, kind);
    b.scope_below("o.path", review);
    b.push(" AND NOT EXISTS (SELECT 1 FROM list_reminders r WHERE r.org_id = o.id AND r.year = ").bind(year).push(" AND r.kind = ").bind(kind.code()).push(" AND r.for_date = ").bind(today).push(")");
    db.scalar_i64(b.build()).await
}

/// How many of the units the caller keeps (and does not review) have not filed the year's list
/// of the kind, and the names of the first `limit` in tree order.
pub async fn unfiled_kept(db: &Db, keep: &Scope, review: &Scope, year: i64, kind: ListKind, limit: i64) -> Result<(i64, Vec<String>), StoreError> {
    let mut c = unfiled_select("SELECT COUNT(*)", year, kind);
    kept_not_reviewed(&mut c, "o.path", keep, review);
    let n = db.scalar_i64(c.build()).await?;
    if n == 0 {
        return Ok((0, vec![]));
    }
    let mut b = unfiled_select("SELECT o.name", year, kind);
    kept_not_reviewed(&mut b, "o.path", keep, review);
    b.push(" ORDER BY o.path LIMIT ").bind(limit);
    let names: Vec<(String,)> = db.fetch_all(b.build()).await?;
    Ok((n, names.into_iter().map(|(name,)| name).collect()))
}

/// What a 催报 did: units reminded now, and units already reminded today.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Reminded {
    pub sent: i64,
    pub already: i64,
}

/// 催报: a reminder to every unit strictly below the reviewer's roots, expected to keep a unit
/// list of the kind, that has not filed the year's. One per unit and day: a unit reminded
/// today is not reminded again. `sender` is (unit, name) as the notice names them.
#[allow(clippy::too_many_arguments)] // who, where, which list, from which unit, which day
pub async fn remind(tx: &mut Tx, actor: &Actor, review: &Scope, year: i64, kind: ListKind, sender: (&str, &str), today: &str) -> Result<Reminded, StoreError> {
    let (sender_org, sender_name) = sender;
    let mut b = unfiled_select("SELECT o.id, o.path", year, kind);
    b.scope_below("o.path", review).push(" ORDER BY o.path");
    let units: Vec<(OrgId, String)> = tx.fetch_all(b.build()).await?;
    let t = now();
    let mut sent = Vec::new();
    for (org_id, path) in &units {
        let n = tx
            .execute(
                q("INSERT INTO list_reminders (year, kind, org_id, org_path, sender_id, sender_name, sender_org, for_date, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id, year, kind, for_date) DO NOTHING")
                    .bind(year)
                    .bind(kind.code())
                    .bind(*org_id)
                    .bind(path.as_str())
                    .bind(actor.user_id)
                    .bind(sender_name)
                    .bind(sender_org)
                    .bind(today)
                    .bind(t),
            )
            .await?;
        if n > 0 {
            sent.push(*org_id);
        }
    }
    let r = Reminded { sent: sent.len() as i64, already: (units.len() - sent.len()) as i64 };
    if r.sent > 0 {
        audit::record(tx, actor, "duty_list.remind", "duty_list", None, json!({"year": year, "kind": kind.label(), "units": r.sent, "already": r.already, "org_ids": sent})).await?;
    }
    Ok(r)
}

/// 催报 to one unit (a batch from the 全覆盖 page sends one at a time): the unit must lie
/// strictly below the reviewer's roots (else "not found"), be expected to keep a unit list of
/// the kind and not have filed it, and not have been reminded today. Audited per unit
/// (`duty_list.remind`, the unit's id in the entry). Returns the unit's name.
#[allow(clippy::too_many_arguments)] // who, where, which list, from which unit, which day, to whom
pub async fn remind_unit(tx: &mut Tx, actor: &Actor, review: &Scope, year: i64, kind: ListKind, sender: (&str, &str), today: &str, org_id: OrgId) -> Result<String, StoreError> {
    let (sender_org, sender_name) = sender;
    let mut inside = SqlBuilder::new("SELECT o.path, o.name FROM orgs o WHERE o.id = ");
    inside.bind(org_id).push(" AND ").scope_below("o.path", review);
    let Some((path, name)): Option<(String, String)> = tx.fetch_optional(inside.build()).await? else { return Err(StoreError::NotFound) };
    let mut b = unfiled_select("SELECT o.id", year, kind);
    b.push("o.id = ").bind(org_id);
    let unfiled: Option<(OrgId,)> = tx.fetch_optional(b.build()).await?;
    if unfiled.is_none() {
        return Err(StoreError::Conflict { field: String::new(), message: format!("{name}已报送{}或无需报送，不必催报", kind.label()) });
    }
    let n = tx
        .execute(
            q("INSERT INTO list_reminders (year, kind, org_id, org_path, sender_id, sender_name, sender_org, for_date, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id, year, kind, for_date) DO NOTHING")
                .bind(year)
                .bind(kind.code())
                .bind(org_id)
                .bind(path.as_str())
                .bind(actor.user_id)
                .bind(sender_name)
                .bind(sender_org)
                .bind(today)
                .bind(now()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict { field: String::new(), message: format!("{name}今日已催报过，未重复发送") });
    }
    audit::record(tx, actor, "duty_list.remind", "org", Some(org_id.to_string()), json!({"year": year, "kind": kind.label(), "units": 1, "org_ids": [org_id]})).await?;
    Ok(name)
}

/// A standing 催报, as the unit reads it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Notice {
    pub id: ListReminderId,
    pub year: i64,
    pub kind: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub sender_name: String,
    pub sender_org: String,
    pub for_date: String,
    pub sent_at: i64,
}

impl Notice {
    pub fn kind_label(&self) -> &'static str {
        ListKind::parse(&self.kind).map(ListKind::label).unwrap_or("")
    }
}

/// The latest 催报 per unit, year and kind for units the caller keeps (not those it reviews),
/// while the unit has still not filed that list: how many, and the latest `limit`.
pub async fn notices(db: &Db, keep: &Scope, review: &Scope, limit: i64) -> Result<(i64, Vec<Notice>), StoreError> {
    const STANDING: &str = " FROM list_reminders r JOIN orgs o ON o.id = r.org_id WHERE r.id = (SELECT MAX(r2.id) FROM list_reminders r2 WHERE r2.org_id = r.org_id AND r2.year = r.year AND r2.kind = r.kind) \
        AND NOT EXISTS (SELECT 1 FROM duty_lists l WHERE l.org_id = r.org_id AND l.holder_id = 0 AND l.year = r.year AND l.kind = r.kind AND l.status IN ('submitted', 'accepted')) AND ";
    let mut c = SqlBuilder::new(&format!("SELECT COUNT(*){STANDING}"));
    kept_not_reviewed(&mut c, "r.org_path", keep, review);
    let n = db.scalar_i64(c.build()).await?;
    if n == 0 {
        return Ok((0, vec![]));
    }
    let mut b = SqlBuilder::new(&format!("SELECT r.id, r.year, r.kind, r.org_id, o.name AS org_name, r.sender_name, r.sender_org, r.for_date, r.sent_at{STANDING}"));
    kept_not_reviewed(&mut b, "r.org_path", keep, review);
    b.push(" ORDER BY r.sent_at DESC, r.id DESC LIMIT ").bind(limit);
    Ok((n, db.fetch_all(b.build()).await?))
}

// ---- 共性 templates ----

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Template {
    pub id: ListTemplateId,
    pub year: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub kind: String,
    pub target_kind: String,
    pub title: String,
    pub published: bool,
    pub item_count: i64,
    /// No longer copied into new lists.
    pub disabled: bool,
    /// Lists that hold its items (a template in use is no longer edited).
    pub used_lists: i64,
}

impl Template {
    pub fn kind_label(&self) -> &'static str {
        ListKind::parse(&self.kind).map(ListKind::label).unwrap_or("")
    }
    pub fn target_label(&self) -> &'static str {
        OrgKind::from_code(&self.target_kind).map(OrgKind::label).unwrap_or("")
    }
}

const TEMPLATE_SELECT: &str = "SELECT t.id, t.year, t.org_id, t.org_path, o.name AS org_name, t.kind, t.target_kind, t.title, t.published, (SELECT COUNT(*) FROM duty_template_items i WHERE i.template_id = t.id) AS item_count, t.disabled, (SELECT COUNT(DISTINCT di.list_id) FROM duty_items di JOIN duty_template_items ti ON ti.id = di.template_item_id WHERE ti.template_id = t.id) AS used_lists FROM duty_templates t JOIN orgs o ON o.id = t.org_id ";

pub async fn templates(db: &Db, scope: &Scope, year: i64) -> Result<Vec<Template>, StoreError> {
    let mut b = SqlBuilder::new(TEMPLATE_SELECT);
    b.push("WHERE t.year = ").bind(year).push(" AND ").scope("t.org_path", scope).push(" ORDER BY t.org_path, t.id");
    db.fetch_all(b.build()).await
}

pub async fn template_in_scope(db: &Db, scope: &Scope, id: ListTemplateId) -> Result<Template, StoreError> {
    one_in_scope(db, TEMPLATE_SELECT, "t", scope, id).await
}

/// A 共性清单's items, when the template lies inside the scope.
pub async fn template_items(db: &Db, scope: &Scope, template_id: ListTemplateId) -> Result<Vec<(TemplateItemId, Option<String>, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT i.id, i.category, i.content FROM duty_template_items i JOIN duty_templates t ON t.id = i.template_id WHERE i.template_id = ");
    b.bind(template_id).push(" AND ").scope("t.org_path", scope).push(" ORDER BY i.seq, i.id");
    db.fetch_all(b.build()).await
}

#[allow(clippy::too_many_arguments)] // a template is that many things
pub async fn create_template(tx: &mut Tx, actor: &Actor, scope: &Scope, year: i64, org_id: OrgId, kind: ListKind, target: OrgKind, title: &str) -> Result<ListTemplateId, StoreError> {
    let p: Option<(String,)> = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(org_id)).await?;
    let (path,) = p.ok_or_else(|| StoreError::Invalid("发布单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("发布单位不在您的管理范围内".into()));
    }
    let t = now();
    let (id,): (ListTemplateId,) = tx
        .fetch_one(
            q("INSERT INTO duty_templates (year, org_id, org_path, kind, target_kind, title, published, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) RETURNING id")
                .bind(year)
                .bind(org_id)
                .bind(path)
                .bind(kind.code())
                .bind(target.code())
                .bind(title)
                .bind(t),
        )
        .await?;
    audit::record(tx, actor, "duty_template.create", "duty_template", Some(id.to_string()), json!({"after": {"year": year, "kind": kind.label(), "target": target.label(), "title": title}})).await?;
    Ok(id)
}

pub async fn add_template_item(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId, category: Option<String>, content: &str) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let seq = tx.scalar_i64(q("SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM duty_template_items WHERE template_id = $1").bind(template_id)).await?;
    tx.execute(q("INSERT INTO duty_template_items (template_id, seq, category, content) VALUES ($1, $2, $3, $4)").bind(template_id).bind(seq).bind(category.clone()).bind(content)).await?;
    audit::record(
        tx,
        actor,
        "duty_template_item.create",
        "duty_template_item",
        Some(template_id.to_string()),
        json!({"template_id": template_id, "after": audit::redact(&json!({"category": category, "content": content}), &["category", "content"])}),
    )
    .await
}

/// The template lies inside `scope` (its row locked on PostgreSQL for the write that follows);
/// one outside it is not found.
async fn template_inside(tx: &mut Tx, scope: &Scope, template_id: ListTemplateId) -> Result<(), StoreError> {
    let sql = format!("SELECT org_path FROM duty_templates WHERE id = $1{}", tx.for_update());
    let row: Option<(String,)> = tx.fetch_optional(q_built(sql).bind(template_id)).await?;
    match row {
        Some((path,)) if scope.contains(&path) => Ok(()),
        _ => Err(StoreError::NotFound),
    }
}

/// How many lists hold items of the template (counted inside the writing transaction).
pub async fn template_used(tx: &mut Tx, template_id: ListTemplateId) -> Result<i64, StoreError> {
    tx.scalar_i64(q("SELECT COUNT(DISTINCT di.list_id) FROM duty_items di JOIN duty_template_items ti ON ti.id = di.template_item_id WHERE ti.template_id = $1").bind(template_id)).await
}

pub async fn update_template(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId, before: &str, title: &str) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    tx.execute(q("UPDATE duty_templates SET title = $1, updated_at = $2 WHERE id = $3").bind(title).bind(now()).bind(template_id)).await?;
    audit::record(tx, actor, "duty_template.update", "duty_template", Some(template_id.to_string()), json!({"before": {"title": before}, "after": {"title": title}})).await
}

/// Changes an item of the template (`NotFound` when the item belongs to another template).
pub async fn update_template_item(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId, item_id: TemplateItemId, category: Option<String>, content: &str) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let n = tx.execute(q("UPDATE duty_template_items SET category = $1, content = $2 WHERE id = $3 AND template_id = $4").bind(category.clone()).bind(content).bind(item_id).bind(template_id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute(q("UPDATE duty_templates SET updated_at = $1 WHERE id = $2").bind(now()).bind(template_id)).await?;
    audit::record(
        tx,
        actor,
        "duty_template_item.update",
        "duty_template_item",
        Some(item_id.to_string()),
        json!({"template_id": template_id, "after": audit::redact(&json!({"category": category, "content": content}), &["category", "content"])}),
    )
    .await
}

/// Deletes an item of the template (`NotFound` when it belongs to another template).
pub async fn delete_template_item(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId, item_id: TemplateItemId) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let n = tx.execute(q("DELETE FROM duty_template_items WHERE id = $1 AND template_id = $2").bind(item_id).bind(template_id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute(q("UPDATE duty_templates SET updated_at = $1 WHERE id = $2").bind(now()).bind(template_id)).await?;
    audit::record(tx, actor, "duty_template_item.delete", "duty_template_item", Some(item_id.to_string()), json!({"template_id": template_id})).await
}

/// 停用 / 启用: a disabled template is no longer copied into new lists; lists made keep their items.
pub async fn set_template_disabled(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId, disabled: bool) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    tx.execute(q("UPDATE duty_templates SET disabled = $1, updated_at = $2 WHERE id = $3").bind(disabled).bind(now()).bind(template_id)).await?;
    audit::record(tx, actor, if disabled { "duty_template.disable" } else { "duty_template.enable" }, "duty_template", Some(template_id.to_string()), json!({"disabled": disabled})).await
}

/// Deletes a draft list with its items (never filed, so it has no versions). Refused for a
/// list past draft or one whose items a 任务分工 item names.
pub async fn delete_list(tx: &mut Tx, actor: &Actor, scope: &Scope, list_id: DutyListId) -> Result<(), StoreError> {
    let (path, status, _, current_version) = lock_list(tx, list_id).await?;
    if !scope.contains(&path) {
        return Err(StoreError::NotFound);
    }
    if status != ListStatus::Draft || current_version > 0 {
        return Err(StoreError::Invalid("只有未报送过的草稿清单可以删除；报送过的清单保留备案记录".into()));
    }
    let linked = tx.scalar_i64(q("SELECT COUNT(*) FROM task_list_items x JOIN duty_items i ON i.id = x.item_id WHERE i.list_id = $1").bind(list_id)).await?;
    if linked > 0 {
        return Err(StoreError::Invalid(format!("清单中的内容已被任务分工事项关联（{linked} 处），请先在任务分工中取消关联再删除")));
    }
    let (title, org_id, year): (String, OrgId, i64) = tx.fetch_one(q("SELECT title, org_id, year FROM duty_lists WHERE id = $1").bind(list_id)).await?;
    let items = tx.scalar_i64(q("SELECT COUNT(*) FROM duty_items WHERE list_id = $1").bind(list_id)).await?;
    tx.execute(q("DELETE FROM duty_items WHERE list_id = $1").bind(list_id)).await?;
    tx.execute(q("DELETE FROM duty_list_versions WHERE list_id = $1").bind(list_id)).await?;
    tx.execute(q("DELETE FROM duty_lists WHERE id = $1").bind(list_id)).await?;
    audit::record(tx, actor, "duty_list.delete", "duty_list", Some(list_id.to_string()), json!({"org_id": org_id, "year": year, "items": items, "before": audit::redact(&json!({"title": title}), &["title"])})).await
}

/// Publishing makes the items appear as 共性 in lists created from now on; lists already made keep theirs.
pub async fn publish_template(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: ListTemplateId) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let n = tx.scalar_i64(q("SELECT COUNT(*) FROM duty_template_items WHERE template_id = $1").bind(template_id)).await?;
    if n == 0 {
        return Err(StoreError::Invalid("共性清单没有内容，不能发布".into()));
    }
    tx.execute(q("UPDATE duty_templates SET published = TRUE, updated_at = $1 WHERE id = $2").bind(now()).bind(template_id)).await?;
    audit::record(tx, actor, "duty_template.publish", "duty_template", Some(template_id.to_string()), json!({"items": n})).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_and_review_rule() {
        assert_eq!(ancestor_paths("/1/5/23/"), vec!["/1/", "/1/5/", "/1/5/23/"]);
        let s = Scope::system(lianzheng_core::org::SystemScope::Job).within("/1/");
        assert!(may_review(&s, "/1/5/"));
        assert!(!may_review(&s, "/1/"), "a unit does not approve its own list");
        assert!(!ListStatus::Submitted.editable());
        assert!(ListStatus::Returned.editable());
        assert_eq!(ListKind::parse("主体责任"), Some(ListKind::Main));
        assert!(ListKind::Supervision.expected_of(OrgKind::StationedGroup));
        assert!(!ListKind::Main.expected_of(OrgKind::Branch));
    }
}
