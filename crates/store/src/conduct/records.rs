//! 履责纪实: a unit's duty acts as they are done (会议 incl. 常委会/党组会 专题研究, 党课, 约谈,
//! 检查, 学习, 调研, 听取汇报, 其他), with who led and who took part, the 责任清单 items and
//! 任务分工 tasks they carried out, and attachments (owner kind `duty_record`).
//!
//! Who sees what: a scope sees the records of the units inside it; a role that sees only its
//! own (`access::Sees::Own`, 一般干部) sees the records it led or took part in. Writing is the
//! use case's rule (the record's own unit only); the store checks the ids a record links to
//! against the record's unit, like ids in a path.

use std::collections::HashSet;

use lianzheng_core::ids::{DutyRecordId, ListItemId, OrgId, PersonId, TaskId, UserId};
use lianzheng_core::org::{Scope, subtree_range};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::attachments::Attachment;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "duty_records",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("org_path", T),
            ("year", I),
            ("quarter", I),
            ("kind", T),
            ("sub_kind", T),
            ("title", T),
            ("act_date", T),
            ("place", T),
            ("leader_id", I),
            ("leader", T),
            ("content", T),
            ("decisions", T),
            ("late", B),
            ("late_reason", T),
            ("entered_on", T),
            ("created_by", I),
            ("created_by_name", T),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "duty_record_people", columns: &[("id", I), ("record_id", I), ("person_id", I), ("role", T)] },
    TableDef { name: "duty_record_items", columns: &[("id", I), ("record_id", I), ("item_id", I)] },
    TableDef { name: "duty_record_tasks", columns: &[("id", I), ("record_id", I), ("task_id", I)] },
];

/// Owner kind of a record's attachments.
pub const ATTACHMENT_KIND: &str = "duty_record";
pub const ROLE_LEAD: &str = "lead";
pub const ROLE_PARTICIPANT: &str = "participant";

/// The kinds of duty acts as the field names them: (code, label).
pub const KINDS: &[(&str, &str)] = &[("meeting", "会议"), ("lecture", "党课"), ("talk", "约谈"), ("inspection", "检查"), ("study", "学习"), ("research", "调研"), ("hearing", "听取汇报"), ("other", "其他")];

/// The sub-kinds of 会议: (code, label). Reports quote "常委会专题研究X次" from these.
pub const MEETING_KINDS: &[(&str, &str)] = &[("standing_study", "常委会专题研究"), ("standing_hearing", "常委会听取汇报"), ("group_study", "党组会专题研究"), ("other_meeting", "其他会议")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().chain(MEETING_KINDS).find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// A kind by code or label ("meeting" or "会议").
pub fn parse_kind(s: &str) -> Option<&'static str> {
    let s = s.trim();
    KINDS.iter().find(|(c, l)| *c == s || *l == s).map(|(c, _)| *c)
}

pub fn parse_meeting_kind(s: &str) -> Option<&'static str> {
    let s = s.trim();
    MEETING_KINDS.iter().find(|(c, l)| *c == s || *l == s).map(|(c, _)| *c)
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct DutyRecord {
    pub id: DutyRecordId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub year: i64,
    pub quarter: i64,
    pub kind: String,
    pub sub_kind: Option<String>,
    pub title: String,
    pub act_date: String,
    pub place: Option<String>,
    pub leader_id: Option<PersonId>,
    pub leader: Option<String>,
    pub content: String,
    pub decisions: Option<String>,
    /// 补录: saved after the period's entry window closed.
    pub late: bool,
    pub late_reason: Option<String>,
    /// The day (Beijing time) the record was entered, or last saved late.
    pub entered_on: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl DutyRecord {
    /// "会议·常委会专题研究", "党课".
    pub fn kind_text(&self) -> String {
        match self.sub_kind.as_deref() {
            Some(s) => format!("{}·{}", kind_label(&self.kind), kind_label(s)),
            None => kind_label(&self.kind).to_string(),
        }
    }
}

/// A person of a record: the leader (role `lead`) or a participant.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct RecordPerson {
    pub person_id: PersonId,
    pub name: String,
    pub org_name: String,
    pub role: String,
}

/// A 任务分工 item a record carried out.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct LinkedTask {
    pub task_id: TaskId,
    pub title: String,
    pub plan_title: String,
}

/// A record as entered, validated by the use case; the store checks the ids.
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    pub year: i64,
    pub quarter: i64,
    pub kind: String,
    pub sub_kind: Option<String>,
    pub title: String,
    pub act_date: String,
    pub place: Option<String>,
    pub leader: Option<String>,
    pub content: String,
    pub decisions: Option<String>,
    pub participants: Vec<PersonId>,
    pub items: Vec<ListItemId>,
    pub tasks: Vec<TaskId>,
    /// Some(reason): saved as 补录.
    pub late_reason: Option<String>,
    /// Today (Beijing time), YYYY-MM-DD.
    pub today: String,
}

/// What a list or a count is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub year: Option<i64>,
    pub quarter: Option<i64>,
    pub kind: Option<String>,
    pub sub_kind: Option<String>,
    /// A unit and everything below it.
    pub org_path: Option<String>,
    /// Led by or with the participation of.
    pub person: Option<PersonId>,
    /// Only 补录 ones.
    pub late: bool,
    /// Need-to-know: only the records this person led or took part in (`Sees::Own`).
    pub own: Option<PersonId>,
    /// Need-to-know: nothing at all (a role that sees no records).
    pub nothing: bool,
}

const SELECT: &str = "SELECT r.id, r.org_id, r.org_path, o.name AS org_name, r.year, r.quarter, r.kind, r.sub_kind, r.title, r.act_date, r.place, r.leader_id, r.leader, r.content, r.decisions, r.late, r.late_reason, r.entered_on, r.created_by_name, r.created_at, r.updated_at, r.version FROM duty_records r JOIN orgs o ON o.id = r.org_id ";

fn push_filter(b: &mut SqlBuilder, scope: &Scope, f: &RecordFilter) {
    b.push("WHERE ").scope("r.org_path", scope);
    if f.nothing {
        b.push(" AND 1 = 0");
    }
    if let Some(y) = f.year {
        b.push(" AND r.year = ").bind(y);
    }
    if let Some(qr) = f.quarter {
        b.push(" AND r.quarter = ").bind(qr);
    }
    if let Some(k) = &f.kind {
        b.push(" AND r.kind = ").bind(k.clone());
    }
    if let Some(k) = &f.sub_kind {
        b.push(" AND r.sub_kind = ").bind(k.clone());
    }
    if let Some(p) = &f.org_path {
        b.push(" AND ").subtree("r.org_path", p);
    }
    if let Some(p) = f.person {
        b.push(" AND EXISTS (SELECT 1 FROM duty_record_people x WHERE x.record_id = r.id AND x.person_id = ").bind(p).push(")");
    }
    if f.late {
        b.push(" AND r.late = TRUE");
    }
    if let Some(p) = f.own {
        b.push(" AND EXISTS (SELECT 1 FROM duty_record_people y WHERE y.record_id = r.id AND y.person_id = ").bind(p).push(")");
    }
}

/// One page of the records the scope sees, newest act first, and how many there are.
pub async fn list(db: &Db, scope: &Scope, f: &RecordFilter, offset: i64, limit: i64) -> Result<(Vec<DutyRecord>, i64), StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    push_filter(&mut b, scope, f);
    let mut c = SqlBuilder::new("SELECT COUNT(*) FROM duty_records r ");
    push_filter(&mut c, scope, f);
    let total = db.scalar_i64(c.build()).await?;
    b.push(" ORDER BY r.act_date DESC, r.id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    Ok((db.fetch_all(b.build()).await?, total))
}

/// A record the scope (and need-to-know) sees; "not found" otherwise.
pub async fn get(db: &Db, scope: &Scope, id: DutyRecordId, f: &RecordFilter) -> Result<DutyRecord, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    push_filter(&mut b, scope, f);
    b.push(" AND r.id = ").bind(id);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

pub async fn people_of(db: &Db, id: DutyRecordId) -> Result<Vec<RecordPerson>, StoreError> {
    db.fetch_all(
        q("SELECT x.person_id, p.name, o.name AS org_name, x.role FROM duty_record_people x JOIN people p ON p.id = x.person_id JOIN orgs o ON o.id = p.org_id WHERE x.record_id = $1 ORDER BY CASE x.role WHEN 'lead' THEN 0 ELSE 1 END, x.id")
            .bind(id),
    )
    .await
}

/// The list items a record carried out (all of the record's own unit: whoever reads the record reads them).
pub async fn items_of(db: &Db, id: DutyRecordId) -> Result<Vec<crate::duty::tasks::LinkedItem>, StoreError> {
    db.fetch_all(
        q("SELECT i.id AS item_id, l.title AS list_title, i.content, l.org_id, o.name AS org_name FROM duty_record_items x JOIN duty_items i ON i.id = x.item_id JOIN duty_lists l ON l.id = i.list_id JOIN orgs o ON o.id = l.org_id WHERE x.record_id = $1 ORDER BY x.id")
            .bind(id),
    )
    .await
}

pub async fn tasks_of(db: &Db, id: DutyRecordId) -> Result<Vec<LinkedTask>, StoreError> {
    db.fetch_all(q("SELECT t.id AS task_id, t.title, p.title AS plan_title FROM duty_record_tasks x JOIN tasks t ON t.id = x.task_id JOIN task_plans p ON p.id = t.plan_id WHERE x.record_id = $1 ORDER BY x.id").bind(id))
        .await
}

pub async fn attachments(db: &Db, id: DutyRecordId) -> Result<Vec<Attachment>, StoreError> {
    db.fetch_all(q("SELECT a.* FROM attachments a WHERE a.owner_kind = $1 AND a.owner_id = $2 ORDER BY a.id LIMIT 200").bind(ATTACHMENT_KIND).bind(id)).await
}

/// People of a unit (and its 支部) a record may name, 书记 and 班子成员 first: (id, name, post title).
pub async fn people_options(db: &Db, org_path: &str) -> Result<Vec<(PersonId, String, Option<String>)>, StoreError> {
    let (lo, hi) = subtree_range(org_path);
    db.fetch_all(
        q("SELECT p.id, p.name, MIN(ps.title) FROM people p LEFT JOIN posts ps ON ps.person_id = p.id AND ps.end_date IS NULL WHERE p.org_path >= $1 AND p.org_path < $2 GROUP BY p.id, p.name, p.org_path, p.sort_order \
           ORDER BY CASE WHEN p.org_path = $1 THEN 0 ELSE 1 END, MIN(CASE ps.kind WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'discipline_secretary' THEN 2 WHEN 'team_member' THEN 3 ELSE 4 END), p.sort_order, p.id LIMIT 500")
            .bind(lo)
            .bind(hi),
    )
    .await
}

/// Filed (submitted or accepted) list items of the unit's lists of the year, to link.
pub async fn item_options(db: &Db, org_id: OrgId, year: i64) -> Result<Vec<crate::duty::tasks::LinkedItem>, StoreError> {
    db.fetch_all(
        q("SELECT i.id AS item_id, l.title AS list_title, i.content, l.org_id, o.name AS org_name FROM duty_items i JOIN duty_lists l ON l.id = i.list_id JOIN orgs o ON o.id = l.org_id WHERE l.org_id = $1 AND l.year = $2 AND l.status IN ('submitted', 'accepted') ORDER BY l.id, i.seq LIMIT 300")
            .bind(org_id)
            .bind(year),
    )
    .await
}

/// Tasks of the year's plans the unit owns, leads, or is responsible for or cooperates in, to link.
pub async fn task_options(db: &Db, org_id: OrgId, year: i64) -> Result<Vec<LinkedTask>, StoreError> {
    db.fetch_all(
        q("SELECT t.id AS task_id, t.title, p.title AS plan_title FROM tasks t JOIN task_plans p ON p.id = t.plan_id WHERE p.year = $2 AND (p.org_id = $1 OR t.lead_org_id = $1 OR EXISTS (SELECT 1 FROM task_orgs x WHERE x.task_id = t.id AND x.org_id = $1)) ORDER BY p.id, t.path LIMIT 300")
            .bind(org_id)
            .bind(year),
    )
    .await
}

/// Checks the ids a record names against its unit: participants of the unit's subtree, list
/// items and tasks the unit may link for the year. Field and Chinese message on the first bad one.
async fn check_links(tx: &mut Tx, org_id: OrgId, org_path: &str, input: &RecordInput) -> Result<(), StoreError> {
    let (lo, hi) = subtree_range(org_path);
    for p in &input.participants {
        let found: Option<(i64,)> = tx.fetch_optional(q("SELECT id FROM people WHERE id = $1 AND org_path >= $2 AND org_path < $3").bind(*p).bind(lo.clone()).bind(hi.clone())).await?;
        if found.is_none() {
            return Err(StoreError::Conflict { field: "participants".into(), message: "参加人员不存在或不是本单位人员".into() });
        }
    }
    for i in &input.items {
        let found: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT i.id FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE i.id = $1 AND l.org_id = $2 AND l.year = $3 AND l.status IN ('submitted', 'accepted')").bind(*i).bind(org_id).bind(input.year),
            )
            .await?;
        if found.is_none() {
            return Err(StoreError::Conflict { field: "items".into(), message: format!("清单事项不存在，或不是本单位{}年已报备的责任清单事项", input.year) });
        }
    }
    for t in &input.tasks {
        let found: Option<(i64,)> = tx
            .fetch_optional(
                q("SELECT t.id FROM tasks t JOIN task_plans p ON p.id = t.plan_id WHERE t.id = $1 AND p.year = $3 AND (p.org_id = $2 OR t.lead_org_id = $2 OR EXISTS (SELECT 1 FROM task_orgs x WHERE x.task_id = t.id AND x.org_id = $2))")
                    .bind(*t)
                    .bind(org_id)
                    .bind(input.year),
            )
            .await?;
        if found.is_none() {
            return Err(StoreError::Conflict { field: "tasks".into(), message: format!("任务分工事项不存在，或不涉及本单位{}年的任务", input.year) });
        }
    }
    Ok(())
}

/// The person named as leader ("王建国" or "王建国（党组书记）") in the unit's subtree, if one.
async fn leader_id(tx: &mut Tx, org_path: &str, leader: Option<&str>) -> Result<Option<PersonId>, StoreError> {
    let Some(text) = leader else { return Ok(None) };
    let name = text.split(['（', '(', ' ', '、']).next().unwrap_or("").trim();
    if name.is_empty() {
        return Ok(None);
    }
    let (lo, hi) = subtree_range(org_path);
    let found: Vec<(PersonId,)> = tx.fetch_all(q("SELECT id FROM people WHERE name = $1 AND org_path >= $2 AND org_path < $3 LIMIT 2").bind(name).bind(lo).bind(hi)).await?;
    Ok(if found.len() == 1 { Some(found[0].0) } else { None })
}

async fn write_links(tx: &mut Tx, id: DutyRecordId, leader: Option<PersonId>, input: &RecordInput) -> Result<(), StoreError> {
    if let Some(l) = leader {
        tx.execute(q("INSERT INTO duty_record_people (record_id, person_id, role) VALUES ($1, $2, $3)").bind(id).bind(l).bind(ROLE_LEAD)).await?;
    }
    let mut seen = HashSet::new();
    for p in &input.participants {
        if seen.insert(*p) {
            tx.execute(q("INSERT INTO duty_record_people (record_id, person_id, role) VALUES ($1, $2, $3)").bind(id).bind(*p).bind(ROLE_PARTICIPANT)).await?;
        }
    }
    let mut seen = HashSet::new();
    for i in &input.items {
        if seen.insert(*i) {
            tx.execute(q("INSERT INTO duty_record_items (record_id, item_id) VALUES ($1, $2)").bind(id).bind(*i)).await?;
        }
    }
    let mut seen = HashSet::new();
    for t in &input.tasks {
        if seen.insert(*t) {
            tx.execute(q("INSERT INTO duty_record_tasks (record_id, task_id) VALUES ($1, $2)").bind(id).bind(*t)).await?;
        }
    }
    Ok(())
}

/// Business text of a record: named in its audit entries, never copied into them.
const RECORD_TEXT: &[&str] = &["title", "place", "leader", "content", "decisions", "late_reason"];

fn summary(input: &RecordInput) -> serde_json::Value {
    json!({"kind": input.kind, "sub_kind": input.sub_kind, "act_date": input.act_date, "title": input.title, "place": input.place, "leader": input.leader, "content": input.content, "decisions": input.decisions,
           "participants": input.participants, "items": input.items, "tasks": input.tasks, "late": input.late_reason.is_some(), "late_reason": input.late_reason})
}

/// Records a duty act of a unit. Returns its id.
pub async fn create(tx: &mut Tx, actor: &Actor, user: Option<UserId>, user_name: &str, org_id: OrgId, org_path: &str, input: &RecordInput) -> Result<DutyRecordId, StoreError> {
    check_links(tx, org_id, org_path, input).await?;
    let leader = leader_id(tx, org_path, input.leader.as_deref()).await?;
    let t = now();
    let (id,): (DutyRecordId,) = tx
        .fetch_one(
            q("INSERT INTO duty_records (org_id, org_path, year, quarter, kind, sub_kind, title, act_date, place, leader_id, leader, content, decisions, late, late_reason, entered_on, created_by, created_by_name, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id")
                .bind(org_id)
                .bind(org_path)
                .bind(input.year)
                .bind(input.quarter)
                .bind(input.kind.as_str())
                .bind(input.sub_kind.clone())
                .bind(input.title.as_str())
                .bind(input.act_date.as_str())
                .bind(input.place.clone())
                .bind(leader)
                .bind(input.leader.clone())
                .bind(input.content.as_str())
                .bind(input.decisions.clone())
                .bind(input.late_reason.is_some())
                .bind(input.late_reason.clone())
                .bind(input.today.as_str())
                .bind(user)
                .bind(user_name)
                .bind(t),
        )
        .await?;
    write_links(tx, id, leader, input).await?;
    audit::record(tx, actor, "duty_record.create", "duty_record", Some(id.to_string()), json!({"org_id": org_id, "after": audit::redact(&summary(input), RECORD_TEXT)})).await?;
    Ok(id)
}

/// Edits a record; `version` guards concurrent edits. A record saved late becomes (or stays) 补录.
pub async fn update(tx: &mut Tx, actor: &Actor, r: &DutyRecord, version: i64, input: &RecordInput) -> Result<(), StoreError> {
    check_links(tx, r.org_id, &r.org_path, input).await?;
    let leader = leader_id(tx, &r.org_path, input.leader.as_deref()).await?;
    let (late, reason, entered) = match &input.late_reason {
        Some(why) => (true, Some(why.clone()), input.today.clone()),
        None => (r.late, r.late_reason.clone(), r.entered_on.clone()),
    };
    let n = tx
        .execute(
            q("UPDATE duty_records SET year = $1, quarter = $2, kind = $3, sub_kind = $4, title = $5, act_date = $6, place = $7, leader_id = $8, leader = $9, content = $10, decisions = $11, late = $12, late_reason = $13, entered_on = $14, \
               updated_at = $15, version = version + 1 WHERE id = $16 AND version = $17")
                .bind(input.year)
                .bind(input.quarter)
                .bind(input.kind.as_str())
                .bind(input.sub_kind.clone())
                .bind(input.title.as_str())
                .bind(input.act_date.as_str())
                .bind(input.place.clone())
                .bind(leader)
                .bind(input.leader.clone())
                .bind(input.content.as_str())
                .bind(input.decisions.clone())
                .bind(late)
                .bind(reason)
                .bind(entered)
                .bind(now())
                .bind(r.id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    let before_people: Vec<(PersonId,)> = tx.fetch_all(q("SELECT person_id FROM duty_record_people WHERE record_id = $1 AND role = 'participant' ORDER BY id").bind(r.id)).await?;
    for table in ["duty_record_people", "duty_record_items", "duty_record_tasks"] {
        tx.execute(crate::db::q_built(format!("DELETE FROM {table} WHERE record_id = $1")).bind(r.id)).await?;
    }
    write_links(tx, r.id, leader, input).await?;
    let before = json!({"kind": r.kind, "sub_kind": r.sub_kind, "act_date": r.act_date, "title": r.title, "place": r.place, "leader": r.leader, "content": r.content, "decisions": r.decisions,
                        "participants": before_people.iter().map(|p| p.0).collect::<Vec<_>>(), "late": r.late, "late_reason": r.late_reason});
    let mut after = summary(input);
    after["late"] = json!(late);
    audit::record(tx, actor, "duty_record.update", "duty_record", Some(r.id.to_string()), audit::changes(&before, &after, RECORD_TEXT)).await
}

/// Deletes a record with its links (its attachments stay filed under the unit).
pub async fn delete(tx: &mut Tx, actor: &Actor, r: &DutyRecord) -> Result<(), StoreError> {
    let n = tx.execute(q("DELETE FROM duty_records WHERE id = $1").bind(r.id)).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, actor, "duty_record.delete", "duty_record", Some(r.id.to_string()), json!({"org_id": r.org_id, "kind": r.kind, "sub_kind": r.sub_kind, "act_date": r.act_date, "late": r.late})).await
}

// ---------------------------------------------------------------------------------- counts

/// Records per kind, sub-kind and quarter: (kind, sub_kind, quarter, n).
pub async fn count_by_kind(db: &Db, scope: &Scope, f: &RecordFilter) -> Result<Vec<(String, Option<String>, i64, i64)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT r.kind, r.sub_kind, r.quarter, COUNT(*) FROM duty_records r ");
    push_filter(&mut b, scope, f);
    b.push(" GROUP BY r.kind, r.sub_kind, r.quarter");
    db.fetch_all(b.build()).await
}

/// Records per unit: (unit, its path, n, of them 补录).
pub async fn count_by_org(db: &Db, scope: &Scope, f: &RecordFilter) -> Result<Vec<(OrgId, String, i64, i64)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT r.org_id, r.org_path, COUNT(*), SUM(CASE WHEN r.late THEN 1 ELSE 0 END) FROM duty_records r ");
    push_filter(&mut b, scope, f);
    b.push(" GROUP BY r.org_id, r.org_path ORDER BY r.org_path LIMIT 2000");
    db.fetch_all(b.build()).await
}

/// Records per person (led, took part), most first: (person, name, unit name, led, took part).
pub async fn count_by_person(db: &Db, scope: &Scope, f: &RecordFilter, limit: i64) -> Result<Vec<(PersonId, String, String, i64, i64)>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT x.person_id, p.name, o.name, SUM(CASE WHEN x.role = 'lead' THEN 1 ELSE 0 END) AS led, SUM(CASE WHEN x.role = 'participant' THEN 1 ELSE 0 END) AS took FROM duty_record_people x JOIN people p ON p.id = x.person_id JOIN orgs o ON o.id = p.org_id JOIN duty_records r ON r.id = x.record_id ",
    );
    push_filter(&mut b, scope, f);
    b.push(" GROUP BY x.person_id, p.name, o.name ORDER BY COUNT(*) DESC, x.person_id LIMIT ").bind(limit);
    db.fetch_all(b.build()).await
}

/// How many records a unit has in a period (the 待办 asks when a window is about to close).
pub async fn count_in_period(db: &Db, org_id: OrgId, year: i64, quarter: i64) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM duty_records WHERE org_id = $1 AND year = $2 AND quarter = $3").bind(org_id).bind(year).bind(quarter)).await
}
