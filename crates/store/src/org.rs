//! 组织机构: the organisation tree, kept as materialised paths ("/1/5/23/") so that a
//! subtree is one index range on either database.

use lianzheng_core::ids::OrgId;
use lianzheng_core::org::{OrgKind, Scope, subtree_range};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::{Db, Tx, now, q};

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Org {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub code: String,
    pub level: i64,
    pub sort_order: i64,
    pub path: String,
    pub version: i64,
}

impl Org {
    pub fn kind_label(&self) -> &'static str {
        OrgKind::from_code(&self.kind).map(OrgKind::label).unwrap_or("未知")
    }
}

/// An organisation as entered (form, API, import), already validated.
#[derive(Debug, Clone)]
pub struct OrgInput {
    pub parent_id: Option<OrgId>,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrgKind,
    pub code: String,
    pub sort_order: i64,
}

const COLS: &str = "id, parent_id, name, short_name, kind, code, level, sort_order, path, version";

pub async fn get(db: &Db, id: OrgId) -> Result<Option<Org>, StoreError> {
    db.fetch_optional(q("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE id = $1").bind(id)).await
}

/// An organisation, only if it lies inside the scope (otherwise "not found", so ids cannot be probed).
pub async fn get_in_scope(db: &Db, scope: &Scope, id: OrgId) -> Result<Org, StoreError> {
    match get(db, id).await? {
        Some(o) if scope.contains(&o.path) => Ok(o),
        _ => Err(StoreError::NotFound),
    }
}

pub async fn get_by_code(db: &Db, code: &str) -> Result<Option<Org>, StoreError> {
    db.fetch_optional(q("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE code = $1").bind(code)).await
}

/// The top of what a scope sees: the scope's subtree roots (or the real roots for `all`).
pub async fn scope_roots(db: &Db, scope: &Scope) -> Result<Vec<Org>, StoreError> {
    if scope.is_all() {
        return db.fetch_all(q("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE parent_id IS NULL ORDER BY sort_order, id")).await;
    }
    let mut out = Vec::new();
    for p in scope.paths() {
        if let Some(o) = db.fetch_optional::<Org>(q("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE path = $1").bind(p.as_str())).await? {
            out.push(o);
        }
    }
    Ok(out)
}

/// Direct children of an organisation, with how many children each has in turn.
/// Direct children of an organisation that lie inside the scope, with how many children each has.
pub async fn children(db: &Db, scope: &Scope, parent_id: OrgId) -> Result<Vec<(Org, i64)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        org: Org,
        child_count: i64,
    }
    let mut b = SqlBuilder::new(
        "SELECT o.id, o.parent_id, o.name, o.short_name, o.kind, o.code, o.level, o.sort_order, o.path, o.version, (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id) AS child_count FROM orgs o WHERE o.parent_id = ",
    );
    b.bind(parent_id).push(" AND ").scope("o.path", scope).push(" ORDER BY o.sort_order, o.id");
    let rows: Vec<Row> = db.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(|r| (r.org, r.child_count)).collect())
}

/// How many direct children of an organisation lie inside the scope.
pub async fn child_count(db: &Db, scope: &Scope, id: OrgId) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM orgs WHERE parent_id = ");
    b.bind(id).push(" AND ").scope("path", scope);
    db.scalar_i64(b.build()).await
}

/// Every organisation in the scope, in tree order (path order), optionally filtered by name.
pub async fn list_in_scope(db: &Db, scope: &Scope, name_like: Option<&str>, limit: i64) -> Result<Vec<Org>, StoreError> {
    let mut b = SqlBuilder::new(&format!("SELECT {COLS} FROM orgs WHERE "));
    b.scope("path", scope);
    if let Some(n) = name_like.filter(|s| !s.trim().is_empty()) {
        b.push(" AND name LIKE ").bind(format!("%{}%", n.trim()));
    }
    b.push(&format!(" ORDER BY path LIMIT {limit}"));
    db.fetch_all(b.build()).await
}

/// The chain from the root down to this organisation (for breadcrumbs), limited to the scope.
pub async fn ancestors(db: &Db, scope: &Scope, org: &Org) -> Result<Vec<Org>, StoreError> {
    let ids: Vec<OrgId> = org.path.split('/').filter_map(|s| s.parse().ok()).collect();
    let mut out = Vec::new();
    for id in ids {
        if let Some(o) = get(db, id).await?
            && scope.contains(&o.path)
        {
            out.push(o);
        }
    }
    Ok(out)
}

pub async fn create(tx: &mut Tx, actor: &Actor, input: &OrgInput) -> Result<Org, StoreError> {
    let (parent_path, level) = match input.parent_id {
        Some(pid) => {
            let p: Option<(String, i64)> = tx.fetch_optional(q("SELECT path, level FROM orgs WHERE id = $1").bind(pid)).await?;
            let (path, level) = p.ok_or_else(|| StoreError::Invalid("上级组织不存在".into()))?;
            (path, level + 1)
        }
        None => ("/".to_string(), 1),
    };
    let t = now();
    // The path needs the new id; insert with a placeholder unique to this row, then set it.
    let placeholder = format!("#new:{}:{}", input.code, t);
    let (id,): (OrgId,) = tx
        .fetch_one(
            q("INSERT INTO orgs (parent_id, name, short_name, kind, code, level, sort_order, path, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
                .bind(input.parent_id)
                .bind(input.name.as_str())
                .bind(input.short_name.clone())
                .bind(input.kind.code())
                .bind(input.code.as_str())
                .bind(level)
                .bind(input.sort_order)
                .bind(placeholder)
                .bind(t),
        )
        .await?;
    let path = format!("{parent_path}{id}/");
    tx.execute(q("UPDATE orgs SET path = $1 WHERE id = $2").bind(path.as_str()).bind(id)).await?;
    audit::record(tx, actor, "org.create", "org", Some(id.to_string()), json!({"after": {"name": input.name, "kind": input.kind.label(), "code": input.code, "parent_id": input.parent_id}})).await?;
    Ok(Org {
        id,
        parent_id: input.parent_id,
        name: input.name.clone(),
        short_name: input.short_name.clone(),
        kind: input.kind.code().to_string(),
        code: input.code.clone(),
        level,
        sort_order: input.sort_order,
        path,
        version: 1,
    })
}

/// Edits name, kind, code and order. Moving within the tree is not offered (paths of every
/// descendant, person and record would change); `version` guards against a concurrent edit.
pub async fn update(tx: &mut Tx, actor: &Actor, id: OrgId, version: i64, input: &OrgInput) -> Result<(), StoreError> {
    let sql = format!("SELECT id, parent_id, name, short_name, kind, code, level, sort_order, path, version FROM orgs WHERE id = $1{}", tx.for_update());
    let before: Org = tx.fetch_optional(crate::db::q_built(sql).bind(id)).await?.ok_or(StoreError::NotFound)?;
    let n = tx
        .execute(
            q("UPDATE orgs SET name = $1, short_name = $2, kind = $3, code = $4, sort_order = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8")
                .bind(input.name.as_str())
                .bind(input.short_name.clone())
                .bind(input.kind.code())
                .bind(input.code.as_str())
                .bind(input.sort_order)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    if input.parent_id != before.parent_id {
        let parent = input.parent_id.ok_or_else(|| StoreError::Conflict { field: "parent_id".into(), message: "已有上级的组织不能改为顶级组织".into() })?;
        move_subtree(tx, &before, parent).await?;
    }
    audit::record(
        tx,
        actor,
        "org.update",
        "org",
        Some(id.to_string()),
        json!({"before": {"name": before.name, "kind": before.kind, "code": before.code, "sort_order": before.sort_order, "parent_id": before.parent_id},
               "after": {"name": input.name, "kind": input.kind.code(), "code": input.code, "sort_order": input.sort_order, "parent_id": input.parent_id}}),
    )
    .await
}

/// Moves an organisation, with everything under it, below another parent (机构调整). Every
/// stored copy of an organisation path under it is rewritten in the same transaction: the
/// tree's own, and the `org_path` / `…_org_path` columns other tables keep for scope filters
/// (found from the archive's table list, so a new module's columns are included by name).
async fn move_subtree(tx: &mut Tx, org: &Org, new_parent: OrgId) -> Result<(), StoreError> {
    let parent: Option<(String, i64)> = tx.fetch_optional(q("SELECT path, level FROM orgs WHERE id = $1").bind(new_parent)).await?;
    let (parent_path, parent_level) = parent.ok_or_else(|| StoreError::Conflict { field: "parent_id".into(), message: "上级组织不存在".into() })?;
    if parent_path.starts_with(&org.path) {
        return Err(StoreError::Conflict { field: "parent_id".into(), message: "不能移到本组织或其下级组织之下".into() });
    }
    let new_path = format!("{parent_path}{}/", org.id);
    let (lo, hi) = subtree_range(&org.path);
    // paths are ASCII ("/1/5/23/"): the rest after the old prefix starts at this 1-based position
    let rest_at = i64::try_from(org.path.len() + 1).unwrap_or(i64::MAX);
    let rewrite = |table: &str, col: &str, extra: &str| {
        crate::db::q_built(format!("UPDATE {table} SET {col} = $1 || substr({col}, CAST($2 AS INTEGER)){extra} WHERE {col} >= $3 AND {col} < $4")).bind(new_path.clone()).bind(rest_at).bind(lo.clone()).bind(hi.clone())
    };
    tx.execute(rewrite("orgs", "path", &format!(", level = level + ({})", parent_level + 1 - org.level))).await?;
    tx.execute(q("UPDATE orgs SET parent_id = $1 WHERE id = $2").bind(new_parent).bind(org.id)).await?;
    // every column that places a row under an organisation, whichever module's table holds it
    let placed: Vec<(String, String)> = match tx.backend() {
        crate::db::Backend::Sqlite => {
            tx.fetch_all(q("SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND (p.name = 'org_path' OR p.name LIKE '%\\_org\\_path' ESCAPE '\\')")).await?
        }
        crate::db::Backend::Postgres => {
            tx.fetch_all(q(
                "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND (column_name = 'org_path' OR column_name LIKE '%\\_org\\_path' ESCAPE '\\')",
            ))
            .await?
        }
    };
    for (table, col) in &placed {
        tx.execute(rewrite(table, col, "")).await?;
    }
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM orgs")).await
}

pub async fn count_in_scope(db: &Db, scope: &Scope) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM orgs WHERE ");
    b.scope("path", scope);
    db.scalar_i64(b.build()).await
}

/// Sort key that keeps the tree together and siblings in creation order ("/1/10/" after "/1/9/").
pub fn tree_key(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}
