//! Scores (issue 10, item 4): a campaign's scoring (the standard it picked, the approval that
//! locks the results) and the rows of the score sheets — per unit and last-level indicator, on
//! the unit's own sheet (`self`), each inspector's (`inspector`, by person) and the group
//! leader's reconciled one (`final`) — with the items chosen on each. Points are computed by
//! the use-case layer from the items; every row carries a version (a stale save is refused).

use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};

pub const TABLES: &[crate::schema::TableDef] = &[
    crate::schema::TableDef { name: "inspection_scoring", columns: &[("campaign_id", I), ("standard_id", I), ("approved_at", I), ("approved_by", I), ("version", I)] },
    crate::schema::TableDef {
        name: "inspection_scores",
        columns: &[
            ("id", I),
            ("campaign_id", I),
            ("unit_id", I),
            ("indicator_id", I),
            ("sheet", T),
            ("scorer_id", I),
            ("points_tenths", I),
            ("bonus_tenths", I),
            ("veto", B),
            ("reason", T),
            ("evidence", T),
            ("updated_by", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    crate::schema::TableDef { name: "inspection_score_items", columns: &[("score_id", I), ("item_id", I), ("count", I)] },
];

/// A campaign's scoring.
#[derive(Debug, Clone, FromRow, Serialize, Default)]
pub struct Scoring {
    pub campaign_id: i64,
    pub standard_id: Option<i64>,
    pub approved_at: Option<i64>,
    pub approved_by: Option<i64>,
    pub version: i64,
}

pub async fn scoring(db: &Db, campaign_id: i64) -> Result<Option<Scoring>, StoreError> {
    db.fetch_optional(q("SELECT campaign_id, standard_id, approved_at, approved_by, version FROM inspection_scoring WHERE campaign_id = $1").bind(campaign_id)).await
}

/// The campaigns using a standard.
pub async fn campaigns_of_standard(db: &Db, standard_id: i64) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = db.fetch_all(q("SELECT campaign_id FROM inspection_scoring WHERE standard_id = $1 ORDER BY campaign_id").bind(standard_id)).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Picks the campaign's standard (`version` 0: the campaign has no scoring row yet).
pub async fn set_standard(tx: &mut Tx, actor: &Actor, campaign_id: i64, version: i64, standard_id: i64) -> Result<(), StoreError> {
    let n = if version == 0 {
        let exists = tx.scalar_i64(q("SELECT COUNT(*) FROM inspection_scoring WHERE campaign_id = $1").bind(campaign_id)).await?;
        if exists > 0 {
            return Err(StoreError::Stale);
        }
        tx.execute(q("INSERT INTO inspection_scoring (campaign_id, standard_id) VALUES ($1, $2)").bind(campaign_id).bind(standard_id)).await?
    } else {
        tx.execute(q("UPDATE inspection_scoring SET standard_id = $1, version = version + 1 WHERE campaign_id = $2 AND version = $3 AND approved_at IS NULL").bind(standard_id).bind(campaign_id).bind(version)).await?
    };
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_scoring.standard", "inspection_campaign", Some(campaign_id.to_string()), json!({"after": {"standard_id": standard_id}})).await
}

/// Approves the results: from now on no score is written.
pub async fn approve(tx: &mut Tx, actor: &Actor, campaign_id: i64, version: i64, summary: serde_json::Value) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_scoring SET approved_at = $1, approved_by = $2, version = version + 1 WHERE campaign_id = $3 AND version = $4 AND approved_at IS NULL")
                .bind(now())
                .bind(actor.user_id)
                .bind(campaign_id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_scoring.approve", "inspection_campaign", Some(campaign_id.to_string()), json!({"after": summary})).await
}

/// Whether the campaign's results are approved, read inside the writing transaction (the
/// lock is checked where the row is written, so an approval between reading and writing wins).
pub async fn approved_in(tx: &mut Tx, campaign_id: i64) -> Result<bool, StoreError> {
    let n = tx.scalar_i64(q("SELECT COUNT(*) FROM inspection_scoring WHERE campaign_id = $1 AND approved_at IS NOT NULL").bind(campaign_id)).await?;
    Ok(n > 0)
}

/// One row of a score sheet.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Row {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_id: i64,
    pub indicator_id: i64,
    pub sheet: String,
    pub scorer_id: i64,
    pub scorer_name: Option<String>,
    pub points_tenths: i64,
    pub bonus_tenths: i64,
    pub veto: bool,
    pub reason: Option<String>,
    pub evidence: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

const SELECT: &str = "SELECT s.id, s.campaign_id, s.unit_id, s.indicator_id, s.sheet, s.scorer_id, p.name AS scorer_name, s.points_tenths, s.bonus_tenths, s.veto, s.reason, s.evidence, s.updated_at, s.version \
     FROM inspection_scores s LEFT JOIN people p ON p.id = s.scorer_id ";

/// Every row of a unit's sheets.
pub async fn of_unit(db: &Db, unit_id: i64) -> Result<Vec<Row>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{SELECT}WHERE s.unit_id = $1 ORDER BY s.sheet, s.scorer_id, s.indicator_id")).bind(unit_id)).await
}

/// A campaign's sheets for the results, one row per sheet: (unit, sheet, scorer, its rows
/// packed as "indicator:points:bonus:veto" joined by ','). 15,000 units × 60 indicators × three
/// sheets are 2.7 million rows: read one by one through the driver they cost seconds, packed
/// they are 45,000 rows read in one ordered pass of `inspection_scores_results`.
pub async fn packed_of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String, i64, String)>, StoreError> {
    db.fetch_all(
        q("SELECT unit_id, sheet, scorer_id, string_agg(indicator_id || ':' || points_tenths || ':' || bonus_tenths || ':' || CASE WHEN veto THEN 1 ELSE 0 END, ',') \
           FROM inspection_scores WHERE campaign_id = $1 GROUP BY unit_id, sheet, scorer_id")
        .bind(campaign_id),
    )
    .await
}

/// The veto items chosen on a campaign's rows, with the row's reason (what the results say of
/// a 差 by veto): (unit, sheet, scorer, indicator, item, count, reason).
#[allow(clippy::type_complexity)]
pub async fn vetoes_of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String, i64, i64, i64, i64, Option<String>)>, StoreError> {
    db.fetch_all(
        q("SELECT s.unit_id, s.sheet, s.scorer_id, s.indicator_id, c.item_id, c.count, s.reason FROM inspection_standard_items i JOIN inspection_score_items c ON c.item_id = i.id JOIN inspection_scores s ON s.id = c.score_id \
           WHERE i.kind = 'veto' AND s.campaign_id = $1")
        .bind(campaign_id),
    )
    .await
}

/// The items chosen on a unit's rows: (score row, item, count).
pub async fn items_of_unit(db: &Db, unit_id: i64) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    db.fetch_all(q("SELECT c.score_id, c.item_id, c.count FROM inspection_score_items c JOIN inspection_scores s ON s.id = c.score_id WHERE s.unit_id = $1 ORDER BY c.score_id, c.item_id").bind(unit_id)).await
}

/// A row as the use case computed it.
pub struct NewRow<'a> {
    pub campaign_id: i64,
    pub unit_id: i64,
    pub indicator_id: i64,
    pub sheet: &'a str,
    pub scorer_id: i64,
    pub points_tenths: i64,
    pub bonus_tenths: i64,
    pub veto: bool,
    pub reason: Option<&'a str>,
    pub evidence: Option<&'a str>,
    /// (item, count)
    pub items: &'a [(i64, i64)],
}

/// Writes a row: a new one when `version` is None (a row someone else wrote meanwhile makes it
/// stale), else only if `version` is current. Returns the row's id.
pub async fn save(tx: &mut Tx, actor: &Actor, r: &NewRow<'_>, version: Option<i64>) -> Result<i64, StoreError> {
    let at = now();
    let id = match version {
        None => {
            let existing = tx
                .scalar_i64(q("SELECT COUNT(*) FROM inspection_scores WHERE unit_id = $1 AND indicator_id = $2 AND sheet = $3 AND scorer_id = $4").bind(r.unit_id).bind(r.indicator_id).bind(r.sheet).bind(r.scorer_id))
                .await?;
            if existing > 0 {
                return Err(StoreError::Stale);
            }
            let row: Result<(i64,), StoreError> = tx
                .fetch_one(
                    q("INSERT INTO inspection_scores (campaign_id, unit_id, indicator_id, sheet, scorer_id, points_tenths, bonus_tenths, veto, reason, evidence, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
                        .bind(r.campaign_id)
                        .bind(r.unit_id)
                        .bind(r.indicator_id)
                        .bind(r.sheet)
                        .bind(r.scorer_id)
                        .bind(r.points_tenths)
                        .bind(r.bonus_tenths)
                        .bind(r.veto)
                        .bind(r.reason)
                        .bind(r.evidence)
                        .bind(actor.user_id)
                        .bind(at),
                )
                .await;
            match row {
                Ok((id,)) => id,
                // the same row written at the same moment by another request
                Err(StoreError::Conflict { .. }) => return Err(StoreError::Stale),
                Err(e) => return Err(e),
            }
        }
        Some(v) => {
            let found: Option<(i64,)> = tx
                .fetch_optional(
                    q("UPDATE inspection_scores SET points_tenths = $1, bonus_tenths = $2, veto = $3, reason = $4, evidence = $5, updated_by = $6, updated_at = $7, version = version + 1 WHERE unit_id = $8 AND indicator_id = $9 AND sheet = $10 AND scorer_id = $11 AND version = $12 RETURNING id")
                        .bind(r.points_tenths)
                        .bind(r.bonus_tenths)
                        .bind(r.veto)
                        .bind(r.reason)
                        .bind(r.evidence)
                        .bind(actor.user_id)
                        .bind(at)
                        .bind(r.unit_id)
                        .bind(r.indicator_id)
                        .bind(r.sheet)
                        .bind(r.scorer_id)
                        .bind(v),
                )
                .await?;
            let Some((id,)) = found else { return Err(StoreError::Stale) };
            tx.execute(q("DELETE FROM inspection_score_items WHERE score_id = $1").bind(id)).await?;
            id
        }
    };
    for (item, count) in r.items {
        tx.execute(q("INSERT INTO inspection_score_items (score_id, item_id, count) VALUES ($1, $2, $3)").bind(id).bind(*item).bind(*count)).await?;
    }
    let after = json!({"after": {"indicator_id": r.indicator_id, "scorer_id": r.scorer_id, "points_tenths": r.points_tenths, "bonus_tenths": r.bonus_tenths, "veto": r.veto, "items": r.items.len()}});
    let unit = Some(r.unit_id.to_string());
    // one call per sheet, each naming its action (the audit-label scan reads them)
    match r.sheet {
        "self" => audit::record(tx, actor, "inspection_score.self", "inspection_unit", unit, after).await?,
        "inspector" => audit::record(tx, actor, "inspection_score.inspector", "inspection_unit", unit, after).await?,
        _ => audit::record(tx, actor, "inspection_score.final", "inspection_unit", unit, after).await?,
    }
    Ok(id)
}

/// A deduction chosen on a unit's final sheet: what the findings are drawn from.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Deduction {
    pub indicator_id: i64,
    pub indicator_name: String,
    pub item_id: i64,
    pub item_text: String,
    pub count: i64,
    /// points each time × count (tenths)
    pub points_tenths: i64,
    pub reason: Option<String>,
}

pub async fn final_deductions(db: &Db, unit_id: i64) -> Result<Vec<Deduction>, StoreError> {
    db.fetch_all(
        q("SELECT d.id AS indicator_id, d.name AS indicator_name, i.id AS item_id, i.text AS item_text, c.count, c.count * i.points_tenths AS points_tenths, s.reason \
           FROM inspection_scores s JOIN inspection_score_items c ON c.score_id = s.id JOIN inspection_standard_items i ON i.id = c.item_id JOIN inspection_indicators d ON d.id = s.indicator_id \
           WHERE s.unit_id = $1 AND s.sheet = 'final' AND i.kind = 'deduct' ORDER BY d.seq, d.id, i.seq, i.id")
        .bind(unit_id),
    )
    .await
}
