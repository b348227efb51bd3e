//! Findings (发现的问题): one problem at one unit, from whatever found it — the annual inspection
//! now (考责, issue 10 item 7), patrols, 督查, audits and reports later. The problem ledger (追责)
//! carries these same rows to 销号: one table for every source, never a copy. Who may see or
//! write one is the use-case layer's business; this module only reads and writes rows, and
//! audits every write.

use lianzheng_core::ids::OrgId;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, q, q_built};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "findings",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("org_path", T),
            ("raised_by_org_id", I),
            ("raised_by_org_path", T),
            ("source", T),
            ("campaign_id", I),
            ("inspection_unit_id", I),
            ("source_ref", T),
            ("category", T),
            ("description", T),
            ("evidence", T),
            ("deadline", T),
            ("status", T),
            ("notified_on", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "inspection_highlights", columns: &[("id", I), ("campaign_id", I), ("unit_id", I), ("text", T), ("created_by", I), ("created_at", I)] },
    TableDef {
        name: "inspection_bulletins",
        columns: &[
            ("campaign_id", I),
            ("title", T),
            ("intro", T),
            ("overview", T),
            ("highlights", T),
            ("problems", T),
            ("requirements", T),
            ("status", T),
            ("doc_number", T),
            ("issued_on", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
];

/// Where a finding came from (`findings.source`).
pub const SOURCE_INSPECTION: &str = "inspection";

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Finding {
    pub id: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub raised_by_org_id: OrgId,
    pub source: String,
    pub campaign_id: Option<i64>,
    pub inspection_unit_id: Option<i64>,
    pub source_ref: Option<String>,
    pub category: String,
    pub description: String,
    pub evidence: Option<String>,
    pub deadline: Option<String>,
    pub status: String,
    pub notified_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const SELECT: &str = "SELECT f.id, f.org_id, f.org_path, o.name AS org_name, f.raised_by_org_id, f.source, f.campaign_id, f.inspection_unit_id, f.source_ref, f.category, f.description, f.evidence, f.deadline, f.status, f.notified_on, f.created_at, f.updated_at, f.version \
     FROM findings f JOIN orgs o ON o.id = f.org_id ";

/// The most findings one campaign lists; more are refused at entry, never cut off silently.
pub const CAMPAIGN_MAX: i64 = 5000;

pub async fn get(db: &Db, id: i64) -> Result<Finding, StoreError> {
    db.fetch_optional(q_built(format!("{SELECT}WHERE f.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)
}

/// A campaign's findings, by category, unit and entry.
pub async fn of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<Finding>, StoreError> {
    db.fetch_all(q_built(format!("{SELECT}WHERE f.campaign_id = $1 ORDER BY f.category, o.path, f.id LIMIT {CAMPAIGN_MAX}")).bind(campaign_id)).await
}

/// One inspected unit's findings (its page), in the order of the campaign's list.
pub async fn of_inspection_unit(db: &Db, unit_id: i64) -> Result<Vec<Finding>, StoreError> {
    db.fetch_all(q_built(format!("{SELECT}WHERE f.inspection_unit_id = $1 ORDER BY f.category, f.id LIMIT {CAMPAIGN_MAX}")).bind(unit_id)).await
}

pub async fn count_of_campaign(db: &Db, campaign_id: i64) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM findings WHERE campaign_id = $1").bind(campaign_id)).await
}

/// The findings told to the units inside `path` (their 待办: 整改 by the deadline), still open.
pub async fn notified_open_under(db: &Db, path: &str) -> Result<Vec<Finding>, StoreError> {
    db.fetch_all(q_built(format!("{SELECT}WHERE f.org_path LIKE $1 AND f.notified_on IS NOT NULL AND f.status = 'open' ORDER BY f.deadline, f.id LIMIT 200")).bind(format!("{path}%"))).await
}

/// A finding as entered.
pub struct NewFinding<'a> {
    pub org_id: OrgId,
    pub org_path: &'a str,
    pub raised_by_org_id: OrgId,
    pub raised_by_org_path: &'a str,
    pub source: &'a str,
    pub campaign_id: Option<i64>,
    pub inspection_unit_id: Option<i64>,
    pub source_ref: Option<&'a str>,
    pub category: &'a str,
    pub description: &'a str,
    pub evidence: Option<&'a str>,
    pub deadline: Option<&'a str>,
    pub created_by: Option<i64>,
}

pub async fn insert(tx: &mut Tx, actor: &Actor, f: &NewFinding<'_>) -> Result<i64, StoreError> {
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO findings (org_id, org_path, raised_by_org_id, raised_by_org_path, source, campaign_id, inspection_unit_id, source_ref, category, description, evidence, deadline, created_by, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id")
            .bind(f.org_id)
            .bind(f.org_path)
            .bind(f.raised_by_org_id)
            .bind(f.raised_by_org_path)
            .bind(f.source)
            .bind(f.campaign_id)
            .bind(f.inspection_unit_id)
            .bind(f.source_ref)
            .bind(f.category)
            .bind(f.description)
            .bind(f.evidence)
            .bind(f.deadline)
            .bind(f.created_by)
            .bind(at),
        )
        .await?;
    audit::record(
        tx,
        actor,
        "finding.create",
        "finding",
        Some(id.to_string()),
        json!({"after": {"org_id": f.org_id, "source": f.source, "campaign_id": f.campaign_id, "source_ref": f.source_ref, "category": f.category, "deadline": f.deadline}}),
    )
    .await?;
    Ok(id)
}

/// The fields an edit may change.
pub struct Edit<'a> {
    pub category: &'a str,
    pub description: &'a str,
    pub evidence: Option<&'a str>,
    pub deadline: Option<&'a str>,
}

/// Saves an edit if `version` is current.
pub async fn update(tx: &mut Tx, actor: &Actor, id: i64, version: i64, e: &Edit<'_>) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE findings SET category = $1, description = $2, evidence = $3, deadline = $4, updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7")
                .bind(e.category)
                .bind(e.description)
                .bind(e.evidence)
                .bind(e.deadline)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "finding.update", "finding", Some(id.to_string()), json!({"after": {"category": e.category, "deadline": e.deadline}})).await
}

/// Tells the unit (反馈): from this day the unit sees the finding and has it in its 待办.
pub async fn notify(tx: &mut Tx, actor: &Actor, id: i64, version: i64, on: &str) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE findings SET notified_on = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 AND notified_on IS NULL").bind(on).bind(now()).bind(id).bind(version)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "finding.notify", "finding", Some(id.to_string()), json!({"after": {"notified_on": on}})).await
}

/// Removes a finding not yet told to the unit (a mistaken entry).
pub async fn delete(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let n = tx.execute(q("DELETE FROM findings WHERE id = $1 AND notified_on IS NULL").bind(id)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "finding.delete", "finding", Some(id.to_string()), json!({})).await
}

// ------------------------------------------------------------------------------ 亮点

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Highlight {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_id: i64,
    pub org_name: String,
    pub text: String,
    pub created_at: i64,
}

/// A campaign's 亮点, by unit.
pub async fn highlights(db: &Db, campaign_id: i64) -> Result<Vec<Highlight>, StoreError> {
    db.fetch_all(
        q("SELECT h.id, h.campaign_id, h.unit_id, o.name AS org_name, h.text, h.created_at FROM inspection_highlights h JOIN inspection_units u ON u.id = h.unit_id JOIN orgs o ON o.id = u.org_id \
           WHERE h.campaign_id = $1 ORDER BY o.path, h.id LIMIT 1000")
        .bind(campaign_id),
    )
    .await
}

pub async fn highlight(db: &Db, id: i64) -> Result<Highlight, StoreError> {
    db.fetch_optional(
        q("SELECT h.id, h.campaign_id, h.unit_id, o.name AS org_name, h.text, h.created_at FROM inspection_highlights h JOIN inspection_units u ON u.id = h.unit_id JOIN orgs o ON o.id = u.org_id WHERE h.id = $1")
            .bind(id),
    )
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn insert_highlight(tx: &mut Tx, actor: &Actor, campaign_id: i64, unit_id: i64, text: &str, created_by: Option<i64>) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_highlights (campaign_id, unit_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id").bind(campaign_id).bind(unit_id).bind(text).bind(created_by).bind(now()),
        )
        .await?;
    audit::record(tx, actor, "inspection_highlight.create", "inspection_highlight", Some(id.to_string()), json!({"after": {"campaign_id": campaign_id, "unit_id": unit_id}})).await?;
    Ok(id)
}

pub async fn delete_highlight(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), StoreError> {
    let n = tx.execute(q("DELETE FROM inspection_highlights WHERE id = $1").bind(id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, "inspection_highlight.delete", "inspection_highlight", Some(id.to_string()), json!({})).await
}

// ------------------------------------------------------------------------------ 通报

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Bulletin {
    pub campaign_id: i64,
    pub title: String,
    pub intro: String,
    pub overview: String,
    pub highlights: String,
    pub problems: String,
    pub requirements: String,
    pub status: String,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

/// The 通报's text, section by section.
pub struct BulletinText<'a> {
    pub title: &'a str,
    pub intro: &'a str,
    pub overview: &'a str,
    pub highlights: &'a str,
    pub problems: &'a str,
    pub requirements: &'a str,
}

pub async fn bulletin(db: &Db, campaign_id: i64) -> Result<Option<Bulletin>, StoreError> {
    db.fetch_optional(
        q("SELECT campaign_id, title, intro, overview, highlights, problems, requirements, status, doc_number, issued_on, updated_at, version FROM inspection_bulletins WHERE campaign_id = $1").bind(campaign_id),
    )
    .await
}

/// Writes the draft: a new one (`version` None), or over the current draft if `version` is current.
pub async fn save_bulletin(tx: &mut Tx, actor: &Actor, campaign_id: i64, version: Option<i64>, b: &BulletinText<'_>, by: Option<i64>) -> Result<(), StoreError> {
    let at = now();
    match version {
        None => {
            tx.execute(
                q("INSERT INTO inspection_bulletins (campaign_id, title, intro, overview, highlights, problems, requirements, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
                    .bind(campaign_id)
                    .bind(b.title)
                    .bind(b.intro)
                    .bind(b.overview)
                    .bind(b.highlights)
                    .bind(b.problems)
                    .bind(b.requirements)
                    .bind(by)
                    .bind(at),
            )
            .await?;
        }
        Some(v) => {
            let n = tx
                .execute(
                    q("UPDATE inspection_bulletins SET title = $1, intro = $2, overview = $3, highlights = $4, problems = $5, requirements = $6, updated_at = $7, version = version + 1 \
                       WHERE campaign_id = $8 AND version = $9 AND status = 'draft'")
                    .bind(b.title)
                    .bind(b.intro)
                    .bind(b.overview)
                    .bind(b.highlights)
                    .bind(b.problems)
                    .bind(b.requirements)
                    .bind(at)
                    .bind(campaign_id)
                    .bind(v),
                )
                .await?;
            if n == 0 {
                return Err(StoreError::Stale);
            }
        }
    }
    audit::record(tx, actor, "inspection_bulletin.save", "inspection_campaign", Some(campaign_id.to_string()), json!({"after": {"title": b.title}})).await
}

/// Issues the 通报 with its 文号 (draft → issued).
pub async fn issue_bulletin(tx: &mut Tx, actor: &Actor, campaign_id: i64, version: i64, doc_number: &str, issued_on: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_bulletins SET status = 'issued', doc_number = $1, issued_on = $2, updated_at = $3, version = version + 1 WHERE campaign_id = $4 AND version = $5 AND status = 'draft'")
                .bind(doc_number)
                .bind(issued_on)
                .bind(now())
                .bind(campaign_id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_bulletin.issue", "inspection_campaign", Some(campaign_id.to_string()), json!({"after": {"doc_number": doc_number, "issued_on": issued_on}})).await
}

/// A deduction chosen on a final sheet, with its unit: the findings page offers each as a
/// finding in one step.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct UnitDeduction {
    pub unit_id: i64,
    #[sqlx(flatten)]
    pub deduction: crate::inspection::scores::Deduction,
}

/// Every deduction on the final sheets of a campaign's spot-checked units, in one query
/// (the page once loaded each unit's whole score sheet for it).
pub async fn final_deductions(db: &Db, campaign_id: i64) -> Result<Vec<UnitDeduction>, StoreError> {
    db.fetch_all(
        q("SELECT s.unit_id, d.id AS indicator_id, d.name AS indicator_name, i.id AS item_id, i.text AS item_text, c.count, c.count * i.points_tenths AS points_tenths, s.reason \
           FROM inspection_scores s JOIN inspection_units u ON u.id = s.unit_id JOIN inspection_score_items c ON c.score_id = s.id \
           JOIN inspection_standard_items i ON i.id = c.item_id JOIN inspection_indicators d ON d.id = s.indicator_id \
           WHERE s.campaign_id = $1 AND u.spot_checked = TRUE AND s.sheet = 'final' AND i.kind = 'deduct' ORDER BY s.unit_id, d.seq, d.id, i.seq, i.id")
        .bind(campaign_id),
    )
    .await
}
