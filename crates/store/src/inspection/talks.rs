//! 个别谈话 records (issue 10, item 5): during the on-site check a group member talks with
//! people of the unit one by one; the record is handed in to the organising body. Read by the
//! group (its leader and members) and the organising 纪委 only — never by the unit checked —
//! which the use-case layer decides; every read of one is logged there.

use lianzheng_core::ids::PersonId;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[TableDef {
    name: "inspection_talks",
    columns: &[
        ("id", I),
        ("campaign_id", I),
        ("unit_id", I),
        ("group_id", I),
        ("talker_id", I),
        ("person_name", T),
        ("person_post", T),
        ("talked_on", T),
        ("record", T),
        ("created_by", I),
        ("created_at", I),
        ("updated_at", I),
        ("version", I),
    ],
}];

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Talk {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_id: i64,
    pub org_name: String,
    pub group_id: Option<i64>,
    pub talker_id: PersonId,
    pub talker_name: String,
    pub person_name: String,
    pub person_post: Option<String>,
    pub talked_on: String,
    pub record: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const SELECT: &str = "SELECT t.id, t.campaign_id, t.unit_id, o.name AS org_name, t.group_id, t.talker_id, p.name AS talker_name, t.person_name, t.person_post, t.talked_on, t.record, t.created_at, t.updated_at, t.version \
     FROM inspection_talks t JOIN inspection_units u ON u.id = t.unit_id JOIN orgs o ON o.id = u.org_id JOIN people p ON p.id = t.talker_id ";

pub async fn get(db: &Db, id: i64) -> Result<Talk, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{SELECT}WHERE t.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)
}

/// The talks at a unit, by date.
pub async fn of_unit(db: &Db, unit_id: i64) -> Result<Vec<Talk>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{SELECT}WHERE t.unit_id = $1 ORDER BY t.talked_on, t.id LIMIT 1000")).bind(unit_id)).await
}

/// How many talks a campaign's groups recorded (the 通报's figure).
pub async fn count_of_campaign(db: &Db, campaign_id: i64) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM inspection_talks WHERE campaign_id = $1").bind(campaign_id)).await
}

/// A talk as entered.
pub struct NewTalk<'a> {
    pub campaign_id: i64,
    pub unit_id: i64,
    pub group_id: Option<i64>,
    pub talker_id: PersonId,
    pub person_name: &'a str,
    pub person_post: Option<&'a str>,
    pub talked_on: &'a str,
    pub record: &'a str,
    pub created_by: Option<i64>,
}

/// The record's text stays out of the log (need-to-know); who, where and when go in.
pub async fn insert(tx: &mut Tx, actor: &Actor, t: &NewTalk<'_>) -> Result<i64, StoreError> {
    let at = now();
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO inspection_talks (campaign_id, unit_id, group_id, talker_id, person_name, person_post, talked_on, record, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id")
                .bind(t.campaign_id)
                .bind(t.unit_id)
                .bind(t.group_id)
                .bind(t.talker_id)
                .bind(t.person_name)
                .bind(t.person_post)
                .bind(t.talked_on)
                .bind(t.record)
                .bind(t.created_by)
                .bind(at),
        )
        .await?;
    audit::record(tx, actor, "inspection_talk.create", "inspection_talk", Some(id.to_string()), json!({"after": {"unit_id": t.unit_id, "group_id": t.group_id, "talker_id": t.talker_id, "talked_on": t.talked_on}}))
        .await?;
    Ok(id)
}

/// Saves an edit if `version` is current.
pub async fn update(tx: &mut Tx, actor: &Actor, id: i64, version: i64, t: &NewTalk<'_>) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inspection_talks SET talker_id = $1, person_name = $2, person_post = $3, talked_on = $4, record = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8")
                .bind(t.talker_id)
                .bind(t.person_name)
                .bind(t.person_post)
                .bind(t.talked_on)
                .bind(t.record)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inspection_talk.update", "inspection_talk", Some(id.to_string()), json!({"after": {"talker_id": t.talker_id, "talked_on": t.talked_on}})).await
}
