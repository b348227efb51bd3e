//! 廉政教育: a unit's education activities (警示教育, 专题党课, 参观 廉政教育基地, 其他) with the
//! people of the unit who attended. Read in the reader's scope; written by the unit itself (the
//! use case keeps higher levels to reading).

use lianzheng_core::ids::{EducationId, OrgId, PersonId, UserId};
use lianzheng_core::org::Scope;
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
        name: "education_activities",
        columns: &[("id", I), ("org_id", I), ("org_path", T), ("kind", T), ("held_on", T), ("title", T), ("place", T), ("content", T), ("created_by", I), ("created_at", I), ("updated_at", I), ("version", I)],
    },
    TableDef { name: "education_attendees", columns: &[("id", I), ("activity_id", I), ("person_id", I)] },
];

/// The kinds of activity: (code, label).
pub const KINDS: &[(&str, &str)] = &[("warning", "警示教育"), ("party_lecture", "专题党课"), ("visit", "参观廉政教育基地"), ("other", "其他")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map_or("其他", |(_, l)| l)
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Activity {
    pub id: EducationId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub kind: String,
    pub held_on: String,
    pub title: String,
    pub place: Option<String>,
    pub content: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// How many people attended.
    pub attendance: i64,
}

impl Activity {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Attendee {
    pub person_id: PersonId,
    pub name: String,
}

/// An activity as entered, validated; attendees are people of the unit (checked here).
#[derive(Debug, Clone)]
pub struct ActivityInput {
    pub org_id: OrgId,
    pub kind: String,
    pub held_on: String,
    pub title: String,
    pub place: Option<String>,
    pub content: Option<String>,
    pub attendees: Vec<PersonId>,
}

const SELECT: &str = "SELECT a.id, a.org_id, a.org_path, o.name AS org_name, a.kind, a.held_on, a.title, a.place, a.content, a.created_at, a.updated_at, a.version, \
    (SELECT COUNT(*) FROM education_attendees x WHERE x.activity_id = a.id) AS attendance FROM education_activities a JOIN orgs o ON o.id = a.org_id ";

/// Activities in the scope, newest first (`year` filters by the date held).
pub async fn list(db: &Db, scope: &Scope, year: Option<i64>) -> Result<Vec<Activity>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE ").scope("a.org_path", scope);
    if let Some(y) = year {
        b.push(" AND a.held_on >= ").bind(format!("{y}-01-01")).push(" AND a.held_on <= ").bind(format!("{y}-12-31"));
    }
    b.push(" ORDER BY a.held_on DESC, a.id DESC LIMIT 500");
    db.fetch_all(b.build()).await
}

/// An activity in the scope; "not found" otherwise.
pub async fn get(db: &Db, scope: &Scope, id: EducationId) -> Result<Activity, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE a.id = ").bind(id.get()).push(" AND ").scope("a.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

pub async fn attendees(db: &Db, id: EducationId) -> Result<Vec<Attendee>, StoreError> {
    db.fetch_all(q("SELECT x.person_id, p.name FROM education_attendees x JOIN people p ON p.id = x.person_id WHERE x.activity_id = $1 ORDER BY p.sort_order, p.id").bind(id.get())).await
}

/// The unit's path, and that every attendee is a person of the unit (or a unit below it).
async fn check(tx: &mut Tx, input: &ActivityInput) -> Result<String, StoreError> {
    let (path,): (String,) = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(input.org_id.get())).await?.ok_or_else(|| StoreError::Invalid("单位不存在".into()))?;
    if !input.attendees.is_empty() {
        let mut b = SqlBuilder::new("SELECT COUNT(*) FROM people WHERE id IN ");
        b.in_list(input.attendees.iter().map(|p| p.get())).push(" AND ").subtree("org_path", &path);
        let n = tx.scalar_i64(b.build()).await?;
        if usize::try_from(n).unwrap_or(0) != input.attendees.len() {
            return Err(StoreError::Invalid("参加人员须为本单位人员".into()));
        }
    }
    Ok(path)
}

async fn put_attendees(tx: &mut Tx, id: EducationId, people: &[PersonId]) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM education_attendees WHERE activity_id = $1").bind(id.get())).await?;
    for p in people {
        tx.execute(q("INSERT INTO education_attendees (activity_id, person_id) VALUES ($1, $2)").bind(id.get()).bind(p.get())).await?;
    }
    Ok(())
}

fn summary(input: &ActivityInput) -> serde_json::Value {
    json!({"org_id": input.org_id, "kind": input.kind, "held_on": input.held_on, "title": input.title, "place": input.place, "attendees": input.attendees.len()})
}

pub async fn create(tx: &mut Tx, actor: &Actor, user: Option<UserId>, input: &ActivityInput) -> Result<EducationId, StoreError> {
    let path = check(tx, input).await?;
    let t = now();
    let (id,): (EducationId,) = tx
        .fetch_one(
            q("INSERT INTO education_activities (org_id, org_path, kind, held_on, title, place, content, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
                .bind(input.org_id.get())
                .bind(path)
                .bind(input.kind.as_str())
                .bind(input.held_on.as_str())
                .bind(input.title.as_str())
                .bind(input.place.clone())
                .bind(input.content.clone())
                .bind(user.map(|u| u.get()))
                .bind(t),
        )
        .await?;
    put_attendees(tx, id, &input.attendees).await?;
    audit::record(tx, actor, "education.create", "education", Some(id.to_string()), json!({"after": summary(input)})).await?;
    Ok(id)
}

/// Changes an activity (its unit stays); `version` guards concurrent edits.
pub async fn update(tx: &mut Tx, actor: &Actor, before: &Activity, version: i64, input: &ActivityInput) -> Result<(), StoreError> {
    check(tx, input).await?;
    let n = tx
        .execute(
            q("UPDATE education_activities SET kind = $1, held_on = $2, title = $3, place = $4, content = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8")
                .bind(input.kind.as_str())
                .bind(input.held_on.as_str())
                .bind(input.title.as_str())
                .bind(input.place.clone())
                .bind(input.content.clone())
                .bind(now())
                .bind(before.id.get())
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    put_attendees(tx, before.id, &input.attendees).await?;
    audit::record(
        tx,
        actor,
        "education.update",
        "education",
        Some(before.id.to_string()),
        json!({"before": {"kind": before.kind, "held_on": before.held_on, "title": before.title, "place": before.place, "attendees": before.attendance}, "after": summary(input)}),
    )
    .await
}

/// People of a unit (and the units below it) to pick attendees from.
pub async fn people_of(db: &Db, org_path: &str) -> Result<Vec<Attendee>, StoreError> {
    let mut b = SqlBuilder::new("SELECT id AS person_id, name FROM people WHERE ");
    b.subtree("org_path", org_path).push(" ORDER BY org_path, sort_order, id LIMIT 500");
    db.fetch_all(b.build()).await
}
