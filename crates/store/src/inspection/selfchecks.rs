//! The self-check (issue 10, item 2): each campaign unit's 自查报告 in its four parts with the
//! figures drawn from its records, the materials it hands in per checklist item (an upload or a
//! link to a record already in the system), and its 八项规定 self-check statistics table. Every
//! write is audited in the caller's transaction; who may do it is the use-case layer's decision.
//! The counting queries here are those no other module had (tasks of a unit, 函询 by kind,
//! exams of a unit's people); the others are reused from their modules.

use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "inspection_selfchecks",
        columns: &[
            ("id", I),
            ("unit_id", I),
            ("campaign_id", I),
            ("org_path", T),
            ("status", T),
            ("duty", T),
            ("work", T),
            ("problems", T),
            ("next_steps", T),
            ("figures", T),
            ("generated_at", I),
            ("submitted_at", I),
            ("submitted_by", I),
            ("return_reason", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef {
        name: "inspection_materials",
        columns: &[("id", I), ("unit_id", I), ("item_no", I), ("indicator_id", I), ("attachment_id", I), ("ref_kind", T), ("ref_id", I), ("title", T), ("created_by", I), ("created_at", I)],
    },
    TableDef { name: "inspection_frugality", columns: &[("id", I), ("unit_id", I), ("data", T), ("note", T), ("updated_by", I), ("created_at", I), ("updated_at", I), ("version", I)] },
];

/// Report states: (code, label).
pub const STATUSES: &[(&str, &str)] = &[("draft", "草稿"), ("submitted", "已提交"), ("returned", "已退回")];

/// A unit's self-check report.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SelfCheck {
    pub id: i64,
    pub unit_id: i64,
    pub campaign_id: i64,
    pub org_path: String,
    pub status: String,
    pub duty: String,
    pub work: String,
    pub problems: String,
    pub next_steps: String,
    /// JSON: the figures (key, label, value, href).
    pub figures: String,
    pub generated_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub return_reason: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

impl SelfCheck {
    pub fn status_label(&self) -> &'static str {
        STATUSES.iter().find(|(c, _)| *c == self.status).map_or("", |(_, l)| l)
    }
}

/// The four parts as written.
pub struct Parts<'a> {
    pub duty: &'a str,
    pub work: &'a str,
    pub problems: &'a str,
    pub next_steps: &'a str,
}

const SELECT: &str = "SELECT id, unit_id, campaign_id, org_path, status, duty, work, problems, next_steps, figures, generated_at, submitted_at, return_reason, updated_at, version FROM inspection_selfchecks ";

/// The unit's report, if one was begun.
pub async fn of_unit(db: &Db, unit_id: i64) -> Result<Option<SelfCheck>, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{SELECT}WHERE unit_id = $1")).bind(unit_id)).await
}

/// The reports of a campaign's units: (unit row, status).
pub async fn statuses(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    db.fetch_all(q("SELECT unit_id, status FROM inspection_selfchecks WHERE campaign_id = $1 ORDER BY unit_id").bind(campaign_id)).await
}

/// Begins a unit's report (empty parts, version 1); a report already there is left alone.
pub async fn begin(tx: &mut Tx, actor: &Actor, unit_id: i64, campaign_id: i64, org_path: &str, user: Option<i64>) -> Result<(), StoreError> {
    let at = now();
    let n = tx
        .execute(
            q("INSERT INTO inspection_selfchecks (unit_id, campaign_id, org_path, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (unit_id) DO NOTHING")
                .bind(unit_id)
                .bind(campaign_id)
                .bind(org_path)
                .bind(user)
                .bind(at),
        )
        .await?;
    if n > 0 {
        audit::record(tx, actor, "inspection_selfcheck.create", "inspection_unit", Some(unit_id.to_string()), json!({"campaign_id": campaign_id})).await?;
    }
    Ok(())
}

/// Saves the parts (and, from a generation, the figures) if `version` is current and the
/// report is not submitted. A returned report goes back to draft once edited.
pub async fn save(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, parts: &Parts<'_>, figures: Option<&str>) -> Result<(), StoreError> {
    let at = now();
    let mut b = SqlBuilder::new("UPDATE inspection_selfchecks SET duty = ");
    b.bind(parts.duty).push(", work = ").bind(parts.work).push(", problems = ").bind(parts.problems).push(", next_steps = ").bind(parts.next_steps);
    if let Some(f) = figures {
        b.push(", figures = ").bind(f).push(", generated_at = ").bind(at);
    }
    b.push(", updated_at = ").bind(at).push(", version = version + 1 WHERE unit_id = ").bind(unit_id).push(" AND version = ").bind(version).push(" AND status <> 'submitted'");
    if tx.execute(b.build()).await? == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, if figures.is_some() { "inspection_selfcheck.generate" } else { "inspection_selfcheck.save" }, "inspection_unit", Some(unit_id.to_string()), json!({"version": version + 1})).await
}

/// Replaces the figures only (the text kept), if `version` is current and not submitted.
pub async fn refresh(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, figures: &str) -> Result<(), StoreError> {
    let at = now();
    let n = tx
        .execute(
            q("UPDATE inspection_selfchecks SET figures = $1, generated_at = $2, updated_at = $2, version = version + 1 WHERE unit_id = $3 AND version = $4 AND status <> 'submitted'")
                .bind(figures)
                .bind(at)
                .bind(unit_id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_selfcheck.refresh", "inspection_unit", Some(unit_id.to_string()), json!({"version": version + 1})).await
}

/// Submits the report (draft or returned → submitted) if `version` is current.
pub async fn submit(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, user: Option<i64>) -> Result<(), StoreError> {
    let at = now();
    let n = tx
        .execute(
            q("UPDATE inspection_selfchecks SET status = 'submitted', submitted_at = $1, submitted_by = $2, return_reason = NULL, updated_at = $1, version = version + 1 WHERE unit_id = $3 AND version = $4 AND status <> 'submitted'")
                .bind(at)
                .bind(user)
                .bind(unit_id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_selfcheck.submit", "inspection_unit", Some(unit_id.to_string()), json!({"version": version + 1})).await
}

/// Returns a submitted report to the unit with a reason, if `version` is current.
pub async fn send_back(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, reason: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_selfchecks SET status = 'returned', return_reason = $1, updated_at = $2, version = version + 1 WHERE unit_id = $3 AND version = $4 AND status = 'submitted'")
                .bind(reason)
                .bind(now())
                .bind(unit_id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_selfcheck.return", "inspection_unit", Some(unit_id.to_string()), json!({"reason": reason})).await
}

/// Units whose report was returned, for their 待办: (unit row, campaign title, unit name).
pub async fn returned_in(db: &Db, scope: &lianzheng_core::org::Scope) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT s.unit_id, c.title, o.name FROM inspection_selfchecks s JOIN inspection_campaigns c ON c.id = s.campaign_id JOIN inspection_units u ON u.id = s.unit_id JOIN orgs o ON o.id = u.org_id WHERE s.status = 'returned' AND c.status = 'open' AND ",
    );
    b.scope("s.org_path", scope).push(" ORDER BY s.unit_id LIMIT 100");
    db.fetch_all(b.build()).await
}

// ------------------------------------------------------------------------------ counts

/// A unit's tasks in the year's plans (lead or responsible, itself or below): (tasks, done,
/// average progress in per cent).
pub async fn task_counts(db: &Db, path: &str, year: i64) -> Result<(i64, i64, i64), StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.status = 'done' OR t.progress >= 100 THEN 1 ELSE 0 END), 0), CAST(COALESCE(SUM(t.progress), 0) AS BIGINT) FROM tasks t JOIN task_plans p ON p.id = t.plan_id WHERE p.year = ",
    );
    b.bind(year).push(" AND (").subtree("t.lead_org_path", path).push(" OR EXISTS (SELECT 1 FROM task_orgs o WHERE o.task_id = t.id AND ").subtree("o.org_path", path).push("))");
    let (n, done, sum): (i64, i64, i64) = db.fetch_one(b.build()).await?;
    Ok((n, done, if n > 0 { sum / n } else { 0 }))
}

/// 函询, 谈话, 提醒, 诫勉 about the unit's people issued in the year, by kind: (kind, n). Counts
/// only — the records themselves are need-to-know.
pub async fn inquiry_counts(db: &Db, path: &str, year: i64) -> Result<Vec<(String, i64)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT kind, COUNT(*) FROM inquiries WHERE ");
    b.subtree("person_org_path", path).push(" AND issued_on >= ").bind(format!("{year}-01-01")).push(" AND issued_on <= ").bind(format!("{year}-12-31")).push(" GROUP BY kind");
    db.fetch_all(b.build()).await
}

/// The unit's people's finished exam attempts in the year: (people who sat, people who passed).
pub async fn exam_counts(db: &Db, path: &str, year: i64) -> Result<(i64, i64), StoreError> {
    let (from, to) = year_bounds(year);
    let mut b = SqlBuilder::new("SELECT COUNT(DISTINCT a.person_id), COUNT(DISTINCT CASE WHEN a.passed = 1 THEN a.person_id END) FROM exam_attempts a WHERE a.submitted_at IS NOT NULL AND ");
    b.subtree("a.org_path", path).push(" AND a.submitted_at >= ").bind(from).push(" AND a.submitted_at < ").bind(to);
    db.fetch_one(b.build()).await
}

/// The year as Unix seconds [from, to), in China time (UTC+8: the year begins at 16:00 UTC).
fn year_bounds(year: i64) -> (i64, i64) {
    let days = |y: i64| -> i64 {
        // days from 1970-01-01 to y-01-01 (proleptic Gregorian)
        let y1 = y - 1;
        365 * (y - 1970) + (y1 / 4 - y1 / 100 + y1 / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400)
    };
    (days(year) * 86_400 - 8 * 3600, days(year + 1) * 86_400 - 8 * 3600)
}

// ------------------------------------------------------------------------------ materials

/// A material handed in: an upload or a link to a record already in the system.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Material {
    pub id: i64,
    pub unit_id: i64,
    pub item_no: Option<i64>,
    pub indicator_id: Option<i64>,
    pub attachment_id: Option<i64>,
    pub ref_kind: Option<String>,
    pub ref_id: Option<i64>,
    pub title: String,
    pub created_at: i64,
}

const MATERIAL: &str = "SELECT id, unit_id, item_no, indicator_id, attachment_id, ref_kind, ref_id, title, created_at FROM inspection_materials ";

pub async fn materials(db: &Db, unit_id: i64) -> Result<Vec<Material>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{MATERIAL}WHERE unit_id = $1 ORDER BY item_no, id LIMIT 2000")).bind(unit_id)).await
}

pub async fn material(db: &Db, id: i64) -> Result<Material, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{MATERIAL}WHERE id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)
}

/// A material as handed in.
pub struct NewMaterial<'a> {
    pub unit_id: i64,
    pub item_no: Option<i64>,
    pub indicator_id: Option<i64>,
    pub attachment_id: Option<i64>,
    pub ref_kind: Option<&'a str>,
    pub ref_id: Option<i64>,
    pub title: &'a str,
    pub created_by: Option<i64>,
}

pub async fn add_material(tx: &mut Tx, actor: &Actor, m: &NewMaterial<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_materials (unit_id, item_no, indicator_id, attachment_id, ref_kind, ref_id, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(m.unit_id)
                .bind(m.item_no)
                .bind(m.indicator_id)
                .bind(m.attachment_id)
                .bind(m.ref_kind)
                .bind(m.ref_id)
                .bind(m.title)
                .bind(m.created_by)
                .bind(now()),
        )
        .await?;
    audit::record(
        tx,
        actor,
        "inspection_material.add",
        "inspection_material",
        Some(id.to_string()),
        json!({"after": {"unit_id": m.unit_id, "item_no": m.item_no, "indicator_id": m.indicator_id, "attachment_id": m.attachment_id, "ref_kind": m.ref_kind, "ref_id": m.ref_id, "title": m.title}}),
    )
    .await?;
    Ok(id)
}

pub async fn remove_material(tx: &mut Tx, actor: &Actor, m: &Material) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM inspection_materials WHERE id = $1").bind(m.id)).await?;
    audit::record(tx, actor, "inspection_material.remove", "inspection_material", Some(m.id.to_string()), json!({"before": {"unit_id": m.unit_id, "item_no": m.item_no, "title": m.title}})).await
}

/// A record of the unit a material may link to: (id, title, date), of the kind's table, the
/// unit's subtree only. `None` for an unknown kind.
pub async fn linkable(db: &Db, kind: &str, path: &str, year: i64) -> Result<Option<Vec<(i64, String, String)>>, StoreError> {
    let Some(sql) = ref_select(kind) else { return Ok(None) };
    let mut b = SqlBuilder::new(sql);
    b.subtree("org_path", path);
    if kind == "education" {
        b.push(" AND held_on >= ").bind(format!("{year}-01-01")).push(" AND held_on <= ").bind(format!("{year}-12-31"));
    } else {
        b.push(" AND year = ").bind(year);
    }
    b.push(" ORDER BY 3 DESC, 1 DESC LIMIT 500");
    Ok(Some(db.fetch_all(b.build()).await?))
}

/// One record of the unit a material links to, or `NotFound` (another unit's, or none).
pub async fn linked(db: &Db, kind: &str, path: &str, id: i64) -> Result<(i64, String, String), StoreError> {
    let sql = ref_select(kind).ok_or(StoreError::NotFound)?;
    let mut b = SqlBuilder::new(sql);
    b.subtree("org_path", path).push(" AND id = ").bind(id);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// The kinds of record a material may link to: (code, label).
pub const REF_KINDS: &[(&str, &str)] = &[("record", "履责纪实"), ("letter", "责任书"), ("talk", "廉政约谈"), ("list", "责任清单"), ("education", "廉政教育活动")];

fn ref_select(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "record" => "SELECT id, title, act_date FROM duty_records WHERE ",
        "letter" => "SELECT id, title, CAST(year AS TEXT) FROM letters WHERE ",
        "talk" => "SELECT id, CASE WHEN kind = 'collective' THEN '集体约谈' ELSE '个别约谈' END || '（' || talker_name || '）', talk_date FROM talks WHERE ",
        "list" => "SELECT id, title, CAST(year AS TEXT) FROM duty_lists WHERE ",
        "education" => "SELECT id, title, held_on FROM education_activities WHERE ",
        _ => return None,
    })
}

// ------------------------------------------------------------------------------ 八项规定 table

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Frugality {
    pub unit_id: i64,
    /// JSON object of the figures by field code.
    pub data: String,
    pub note: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

pub async fn frugality(db: &Db, unit_id: i64) -> Result<Option<Frugality>, StoreError> {
    db.fetch_optional(q("SELECT unit_id, data, note, updated_at, version FROM inspection_frugality WHERE unit_id = $1").bind(unit_id)).await
}

/// The tables of a campaign's units: (unit row, unit name, data, note), in the tree's order.
pub async fn frugality_of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String, Option<String>, Option<String>)>, StoreError> {
    db.fetch_all(
        q("SELECT u.id, o.name, f.data, f.note FROM inspection_units u JOIN orgs o ON o.id = u.org_id LEFT JOIN inspection_frugality f ON f.unit_id = u.id WHERE u.campaign_id = $1 ORDER BY o.sort_order, u.org_path, u.id").bind(campaign_id),
    )
    .await
}

/// Saves the table: a first entry (`version` 0), or an edit if `version` is current.
pub async fn save_frugality(tx: &mut Tx, actor: &Actor, unit_id: i64, version: i64, data: &str, note: Option<&str>, user: Option<i64>) -> Result<(), StoreError> {
    let at = now();
    let n = if version == 0 {
        tx.execute(
            q("INSERT INTO inspection_frugality (unit_id, data, note, updated_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (unit_id) DO NOTHING")
                .bind(unit_id)
                .bind(data)
                .bind(note)
                .bind(user)
                .bind(at),
        )
        .await?
    } else {
        tx.execute(
            q("UPDATE inspection_frugality SET data = $1, note = $2, updated_by = $3, updated_at = $4, version = version + 1 WHERE unit_id = $5 AND version = $6")
                .bind(data)
                .bind(note)
                .bind(user)
                .bind(at)
                .bind(unit_id)
                .bind(version),
        )
        .await?
    };
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_frugality.save", "inspection_unit", Some(unit_id.to_string()), json!({"after": serde_json::from_str::<serde_json::Value>(data).unwrap_or_default()})).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_year_begins_at_midnight_in_china() {
        // 2026-01-01 00:00 +08:00 = 2025-12-31 16:00 UTC = 1767196800
        assert_eq!(super::year_bounds(2026).0, 1_767_196_800);
        assert_eq!(super::year_bounds(2026).1 - super::year_bounds(2026).0, 365 * 86_400);
        assert_eq!(super::year_bounds(2024).1 - super::year_bounds(2024).0, 366 * 86_400);
    }
}
