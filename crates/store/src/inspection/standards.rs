//! 评分标准 (issue 10, item 3): a standard per organising body and year — a tree of indicators
//! with their maximum points, the scoring rule and the evidence each needs, and under the
//! last-level indicators the items a scorer picks (扣分, 加分, 一票否决). Points are tenths of a
//! point. Who may read or change a standard, and whether it is still editable (no campaign has
//! scored with it), is the use-case layer's decision; every write here is audited.

use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use lianzheng_core::org::Scope;

pub const TABLES: &[crate::schema::TableDef] = &[
    crate::schema::TableDef {
        name: "inspection_standards",
        columns: &[("id", I), ("org_id", I), ("org_path", T), ("year", I), ("title", T), ("bonus_cap_tenths", I), ("copied_from", I), ("created_by", I), ("created_at", I), ("updated_at", I), ("version", I)],
    },
    crate::schema::TableDef { name: "inspection_indicators", columns: &[("id", I), ("standard_id", I), ("parent_id", I), ("seq", I), ("name", T), ("max_tenths", I), ("rule", T), ("evidence", T), ("version", I)] },
    crate::schema::TableDef { name: "inspection_standard_items", columns: &[("id", I), ("indicator_id", I), ("seq", I), ("kind", T), ("text", T), ("points_tenths", I)] },
];

/// The kinds of item: (code, label).
pub const ITEM_KINDS: &[(&str, &str)] = &[("deduct", "扣分"), ("bonus", "加分"), ("veto", "否决")];

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Standard {
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    pub bonus_cap_tenths: i64,
    pub copied_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Indicator {
    pub id: i64,
    pub standard_id: i64,
    pub parent_id: Option<i64>,
    pub seq: i64,
    pub name: String,
    pub max_tenths: i64,
    pub rule: Option<String>,
    pub evidence: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub indicator_id: i64,
    pub seq: i64,
    pub kind: String,
    pub text: String,
    pub points_tenths: i64,
}

impl Item {
    pub fn kind_label(&self) -> &'static str {
        ITEM_KINDS.iter().find(|(c, _)| *c == self.kind).map_or("", |(_, l)| l)
    }
}

pub(crate) const SELECT: &str = "SELECT s.id, s.org_id, s.org_path, o.name AS org_name, s.year, s.title, s.bonus_cap_tenths, s.copied_from, s.created_at, s.updated_at, s.version \
     FROM inspection_standards s JOIN orgs o ON o.id = s.org_id ";

pub async fn get(db: &Db, id: i64) -> Result<Standard, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{SELECT}WHERE s.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)
}

/// The standards of bodies inside the scope, newest year first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<Standard>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE ");
    b.scope("s.org_path", scope);
    b.push(" ORDER BY s.year DESC, s.org_path, s.id LIMIT 500");
    db.fetch_all(b.build()).await
}

/// The body's standard of a year, if there is one.
pub async fn of_year(db: &Db, org_id: i64, year: i64) -> Result<Option<i64>, StoreError> {
    let r: Option<(i64,)> = db.fetch_optional(q("SELECT id FROM inspection_standards WHERE org_id = $1 AND year = $2").bind(org_id).bind(year)).await?;
    Ok(r.map(|x| x.0))
}

/// The indicators of a standard, in order (parents before their children when seq says so).
pub async fn indicators(db: &Db, standard_id: i64) -> Result<Vec<Indicator>, StoreError> {
    db.fetch_all(q("SELECT id, standard_id, parent_id, seq, name, max_tenths, rule, evidence, version FROM inspection_indicators WHERE standard_id = $1 ORDER BY seq, id").bind(standard_id)).await
}

pub async fn indicator(db: &Db, id: i64) -> Result<Indicator, StoreError> {
    db.fetch_optional(q("SELECT id, standard_id, parent_id, seq, name, max_tenths, rule, evidence, version FROM inspection_indicators WHERE id = $1").bind(id)).await?.ok_or(StoreError::NotFound)
}

/// Every item of a standard's indicators.
pub async fn items(db: &Db, standard_id: i64) -> Result<Vec<Item>, StoreError> {
    db.fetch_all(
        q("SELECT i.id, i.indicator_id, i.seq, i.kind, i.text, i.points_tenths FROM inspection_standard_items i JOIN inspection_indicators d ON d.id = i.indicator_id WHERE d.standard_id = $1 ORDER BY i.indicator_id, i.seq, i.id")
            .bind(standard_id),
    )
    .await
}

/// Whether a campaign has scored with the standard (it is then frozen: scores point at its items).
pub async fn in_use(db: &Db, standard_id: i64) -> Result<bool, StoreError> {
    let n = db.scalar_i64(q("SELECT COUNT(*) FROM inspection_scores s JOIN inspection_indicators d ON d.id = s.indicator_id WHERE d.standard_id = $1").bind(standard_id)).await?;
    Ok(n > 0)
}

pub struct NewStandard<'a> {
    pub org_id: i64,
    pub org_path: &'a str,
    pub year: i64,
    pub title: &'a str,
    pub bonus_cap_tenths: i64,
    pub copied_from: Option<i64>,
    pub created_by: Option<i64>,
}

pub async fn insert(tx: &mut Tx, actor: &Actor, s: &NewStandard<'_>) -> Result<i64, StoreError> {
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_standards (org_id, org_path, year, title, bonus_cap_tenths, copied_from, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                .bind(s.org_id)
                .bind(s.org_path)
                .bind(s.year)
                .bind(s.title)
                .bind(s.bonus_cap_tenths)
                .bind(s.copied_from)
                .bind(s.created_by)
                .bind(at),
        )
        .await?;
    audit::record(
        tx,
        actor,
        if s.copied_from.is_some() { "inspection_standard.copy" } else { "inspection_standard.create" },
        "inspection_standard",
        Some(id.to_string()),
        json!({"after": {"org_id": s.org_id, "year": s.year, "title": s.title, "copied_from": s.copied_from}}),
    )
    .await?;
    Ok(id)
}

/// Title and bonus cap, if `version` is current.
pub async fn update(tx: &mut Tx, actor: &Actor, id: i64, version: i64, title: &str, bonus_cap_tenths: i64) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_standards SET title = $1, bonus_cap_tenths = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5")
                .bind(title)
                .bind(bonus_cap_tenths)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_standard.update", "inspection_standard", Some(id.to_string()), json!({"after": {"title": title, "bonus_cap_tenths": bonus_cap_tenths}})).await
}

/// Marks the standard changed (its indicators were), so two editors of one standard meet a
/// stale version instead of silently interleaving.
pub async fn touch(tx: &mut Tx, id: i64, version: i64) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE inspection_standards SET updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3").bind(now()).bind(id).bind(version)).await?;
    if n == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// An indicator with its items, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIndicator {
    pub parent_id: Option<i64>,
    pub seq: i64,
    pub name: String,
    pub max_tenths: i64,
    pub rule: Option<String>,
    pub evidence: Option<String>,
    /// (kind, text, points in tenths)
    pub items: Vec<(String, String, i64)>,
}

async fn write_items(tx: &mut Tx, indicator_id: i64, items: &[(String, String, i64)]) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM inspection_standard_items WHERE indicator_id = $1").bind(indicator_id)).await?;
    for (i, (kind, text, points)) in items.iter().enumerate() {
        tx.execute(
            q("INSERT INTO inspection_standard_items (indicator_id, seq, kind, text, points_tenths) VALUES ($1, $2, $3, $4, $5)")
                .bind(indicator_id)
                .bind(i64::try_from(i).unwrap_or(0) + 1)
                .bind(kind.as_str())
                .bind(text.as_str())
                .bind(*points),
        )
        .await?;
    }
    Ok(())
}

async fn insert_indicator_quiet(tx: &mut Tx, standard_id: i64, d: &NewIndicator) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_indicators (standard_id, parent_id, seq, name, max_tenths, rule, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(standard_id)
                .bind(d.parent_id)
                .bind(d.seq)
                .bind(d.name.as_str())
                .bind(d.max_tenths)
                .bind(d.rule.as_deref())
                .bind(d.evidence.as_deref()),
        )
        .await?;
    write_items(tx, id, &d.items).await?;
    Ok(id)
}

pub async fn insert_indicator(tx: &mut Tx, actor: &Actor, standard_id: i64, d: &NewIndicator) -> Result<i64, StoreError> {
    let id = insert_indicator_quiet(tx, standard_id, d).await?;
    audit::record(
        tx,
        actor,
        "inspection_indicator.create",
        "inspection_indicator",
        Some(id.to_string()),
        json!({"after": {"standard_id": standard_id, "name": d.name, "max_tenths": d.max_tenths, "items": d.items.len()}}),
    )
    .await?;
    Ok(id)
}

pub async fn update_indicator(tx: &mut Tx, actor: &Actor, id: i64, version: i64, d: &NewIndicator) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_indicators SET parent_id = $1, seq = $2, name = $3, max_tenths = $4, rule = $5, evidence = $6, version = version + 1 WHERE id = $7 AND version = $8")
                .bind(d.parent_id)
                .bind(d.seq)
                .bind(d.name.as_str())
                .bind(d.max_tenths)
                .bind(d.rule.as_deref())
                .bind(d.evidence.as_deref())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    write_items(tx, id, &d.items).await?;
    audit::record(tx, actor, "inspection_indicator.update", "inspection_indicator", Some(id.to_string()), json!({"after": {"name": d.name, "max_tenths": d.max_tenths, "items": d.items.len()}})).await
}

/// Removes an indicator, its children and their items.
pub async fn delete_indicator(tx: &mut Tx, actor: &Actor, id: i64, version: i64) -> Result<(), StoreError> {
    // children first (a self-reference's cascade is not relied on across both databases)
    let mut pending = vec![id];
    let mut all = Vec::new();
    while let Some(x) = pending.pop() {
        let kids: Vec<(i64,)> = tx.fetch_all(q("SELECT id FROM inspection_indicators WHERE parent_id = $1").bind(x)).await?;
        pending.extend(kids.into_iter().map(|k| k.0));
        all.push(x);
    }
    let n = tx.execute(q("UPDATE inspection_indicators SET version = version + 1 WHERE id = $1 AND version = $2").bind(id).bind(version)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    for x in all.iter().rev() {
        tx.execute(q("DELETE FROM inspection_standard_items WHERE indicator_id = $1").bind(*x)).await?;
        tx.execute(q("DELETE FROM inspection_indicators WHERE id = $1").bind(*x)).await?;
    }
    audit::record(tx, actor, "inspection_indicator.delete", "inspection_indicator", Some(id.to_string()), json!({"before": {"count": all.len()}})).await
}

/// An indicator of a tree written in one go (import, copy): `parent` is the index of its
/// parent in the same list, which comes earlier.
pub struct TreeRow {
    pub parent: Option<usize>,
    pub d: NewIndicator,
}

/// Replaces all indicators of a standard by `rows` (import). Returns how many were written.
/// `imported`: from an XLSX file (else copied from another standard).
pub async fn replace_tree(tx: &mut Tx, actor: &Actor, standard_id: i64, rows: &[TreeRow], imported: bool) -> Result<usize, StoreError> {
    let old: Vec<(i64,)> = tx.fetch_all(q("SELECT id FROM inspection_indicators WHERE standard_id = $1").bind(standard_id)).await?;
    for (id,) in &old {
        tx.execute(q("DELETE FROM inspection_standard_items WHERE indicator_id = $1").bind(*id)).await?;
    }
    tx.execute(q("UPDATE inspection_indicators SET parent_id = NULL WHERE standard_id = $1").bind(standard_id)).await?;
    tx.execute(q("DELETE FROM inspection_indicators WHERE standard_id = $1").bind(standard_id)).await?;
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for r in rows {
        let mut d = r.d.clone();
        d.parent_id = r.parent.and_then(|p| ids.get(p).copied());
        ids.push(insert_indicator_quiet(tx, standard_id, &d).await?);
    }
    audit::record(
        tx,
        actor,
        if imported { "inspection_standard.import" } else { "inspection_standard.tree" },
        "inspection_standard",
        Some(standard_id.to_string()),
        json!({"after": {"indicators": rows.len(), "replaced": old.len()}}),
    )
    .await?;
    Ok(rows.len())
}

/// The tree of a standard as rows for [`replace_tree`] (copying a standard).
pub fn tree_of(inds: &[Indicator], items: &[Item]) -> Vec<TreeRow> {
    let order = ordered(inds);
    let pos = |id: i64| order.iter().position(|d| d.id == id);
    order
        .iter()
        .map(|d| TreeRow {
            parent: d.parent_id.and_then(pos),
            d: NewIndicator {
                parent_id: None,
                seq: d.seq,
                name: d.name.clone(),
                max_tenths: d.max_tenths,
                rule: d.rule.clone(),
                evidence: d.evidence.clone(),
                items: items.iter().filter(|i| i.indicator_id == d.id).map(|i| (i.kind.clone(), i.text.clone(), i.points_tenths)).collect(),
            },
        })
        .collect()
}

/// The indicators depth-first (each parent followed by its children, by seq): the order of the
/// tree as shown and exported.
pub fn ordered(inds: &[Indicator]) -> Vec<&Indicator> {
    fn walk<'a>(inds: &'a [Indicator], parent: Option<i64>, depth: usize, out: &mut Vec<&'a Indicator>) {
        if depth > 8 {
            return;
        }
        let mut kids: Vec<&Indicator> = inds.iter().filter(|d| d.parent_id == parent).collect();
        kids.sort_by_key(|d| (d.seq, d.id));
        for k in kids {
            out.push(k);
            walk(inds, Some(k.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(inds.len());
    walk(inds, None, 0, &mut out);
    out
}
