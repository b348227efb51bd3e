//! The campaign: a year's inspection organised by a body over the units of its scope — the
//! phases with their dates, the units in scope, the inspection groups and which units they
//! visit (spot check). Seen by where the organising body stands (`org_path`) and, for each
//! unit's own part, by where the unit stands (`inspection_units.org_path`).

use lianzheng_core::org::Scope;
use serde::Serialize;
use sqlx::FromRow;

use crate::StoreError;
use crate::builder::SqlBuilder;
use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "inspection_campaigns",
        columns: &[
            ("id", I),
            ("year", I),
            ("title", T),
            ("org_id", I),
            ("org_path", T),
            ("status", T),
            ("doc_number", T),
            ("notice", T),
            ("issued_on", T),
            ("spot_rule", T),
            ("spot_seed", I),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
            ("materials", T),
            ("scope_root_id", I),
            ("scope_kinds", T),
        ],
    },
    TableDef { name: "inspection_phases", columns: &[("id", I), ("campaign_id", I), ("seq", I), ("name", T), ("starts_on", T), ("ends_on", T)] },
    TableDef { name: "inspection_groups", columns: &[("id", I), ("campaign_id", I), ("name", T), ("leader_id", I), ("schedule", T)] },
    TableDef { name: "inspection_group_members", columns: &[("group_id", I), ("person_id", I)] },
    TableDef { name: "inspection_units", columns: &[("id", I), ("campaign_id", I), ("org_id", I), ("org_path", T), ("spot_checked", B), ("group_id", I), ("visit_on", T), ("spot_reason", T)] },
];

/// The states, as (code, label).
pub const STATUSES: &[(&str, &str)] = &[("draft", "准备中"), ("open", "进行中"), ("closed", "已结束")];

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub status: String,
    pub doc_number: Option<String>,
    pub notice: Option<String>,
    pub issued_on: Option<String>,
    pub spot_rule: Option<String>,
    pub spot_seed: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The checklist of materials (资料清单), one item a line.
    pub materials: Option<String>,
    /// How the units in scope were chosen: the subtree and the kinds of unit (comma-separated codes).
    pub scope_root_id: Option<i64>,
    pub scope_kinds: Option<String>,
}

impl Campaign {
    pub fn status_label(&self) -> &'static str {
        STATUSES.iter().find(|(c, _)| *c == self.status).map_or("", |(_, l)| l)
    }
}

pub(crate) const SELECT: &str = "SELECT c.id, c.year, c.title, c.org_id, c.org_path, o.name AS org_name, c.status, c.doc_number, c.notice, c.issued_on, c.spot_rule, c.spot_seed, c.created_at, c.updated_at, c.version, c.materials, c.scope_root_id, c.scope_kinds \
     FROM inspection_campaigns c JOIN orgs o ON o.id = c.org_id ";

/// A new campaign (draft) of a body; returns its id.
pub async fn insert(tx: &mut Tx, year: i64, title: &str, org_id: i64, org_path: &str, created_by: Option<i64>) -> Result<i64, StoreError> {
    let t = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_campaigns (year, title, org_id, org_path, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id")
                .bind(year)
                .bind(title)
                .bind(org_id)
                .bind(org_path)
                .bind(created_by)
                .bind(t),
        )
        .await?;
    Ok(id)
}

/// A campaign organised by a body inside `scope` (else not found).
pub async fn get_in_scope(db: &Db, scope: &Scope, id: i64) -> Result<Campaign, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE c.id = ").bind(id).push(" AND ").scope("c.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// The campaigns organised inside `scope`, or covering a unit inside it, newest first.
pub async fn list(db: &Db, scope: &Scope, year: Option<i64>) -> Result<Vec<Campaign>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE (").scope("c.org_path", scope).push(" OR EXISTS (SELECT 1 FROM inspection_units u WHERE u.campaign_id = c.id AND ");
    b.scope("u.org_path", scope).push("))");
    if let Some(y) = year {
        b.push(" AND c.year = ").bind(y);
    }
    b.push(" ORDER BY c.year DESC, c.id DESC LIMIT 500");
    db.fetch_all(b.build()).await
}
