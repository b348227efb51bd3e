//! 谈话函询, 提醒谈话, 诫勉谈话: the 纪委's records of a talk or a written inquiry with a person,
//! the matter, for a 函询 the reply and its limit in 工作日, the conclusion (了结, 采信,
//! 进一步核实) and what follows. Seen by where the person stands (`person_org_path`): the 纪委
//! over that unit and its 书记; the person reads his own. The use-case layer decides which of
//! the two views a caller has ([`View`]).

use lianzheng_core::ids::{InquiryId, OrgId, PersonId};
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

pub const TABLES: &[TableDef] = &[TableDef {
    name: "inquiries",
    columns: &[
        ("id", I),
        ("org_id", I),
        ("org_path", T),
        ("kind", T),
        ("person_id", I),
        ("person_org_path", T),
        ("matter", T),
        ("source", T),
        ("issued_on", T),
        ("reply_days", I),
        ("reply_due", T),
        ("reply", T),
        ("replied_on", T),
        ("replied_by", T),
        ("conclusion", T),
        ("follow_up", T),
        ("concluded_on", T),
        ("created_by", I),
        ("created_at", I),
        ("updated_at", I),
        ("version", I),
    ],
}];

/// The kinds, as (code, label). Only a 函询 waits for a written reply.
pub const KINDS: &[(&str, &str)] = &[("letter", "函询"), ("talk", "谈话"), ("reminder", "提醒谈话"), ("admonition", "诫勉谈话")];
/// The conclusions of a 函询 or 谈话, as (code, label).
pub const CONCLUSIONS: &[(&str, &str)] = &[("closed", "予以了结"), ("accepted", "采信说明"), ("verify", "进一步核实")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|k| k.0 == code).map_or("", |k| k.1)
}

pub fn conclusion_label(code: &str) -> &'static str {
    CONCLUSIONS.iter().find(|k| k.0 == code).map_or("", |k| k.1)
}

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Inquiry {
    pub id: InquiryId,
    pub org_id: OrgId,
    pub org_path: String,
    /// The issuing body (the 纪委).
    pub org_name: String,
    pub kind: String,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_org_path: String,
    /// The person's unit.
    pub person_org_name: String,
    pub matter: String,
    pub source: Option<String>,
    pub issued_on: String,
    pub reply_days: Option<i64>,
    pub reply_due: Option<String>,
    pub reply: Option<String>,
    pub replied_on: Option<String>,
    pub replied_by: Option<String>,
    pub conclusion: Option<String>,
    pub follow_up: Option<String>,
    pub concluded_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Inquiry {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub fn conclusion_label(&self) -> &'static str {
        self.conclusion.as_deref().map_or("", conclusion_label)
    }
    /// A 函询 still waiting for its reply.
    pub fn awaits_reply(&self) -> bool {
        self.kind == "letter" && self.reply.is_none() && self.conclusion.is_none()
    }
}

const SELECT: &str = "SELECT i.id, i.org_id, i.org_path, o.name AS org_name, i.kind, i.person_id, p.name AS person_name, i.person_org_path, po.name AS person_org_name, i.matter, i.source, i.issued_on, i.reply_days, i.reply_due, i.reply, i.replied_on, i.replied_by, i.conclusion, i.follow_up, i.concluded_on, i.created_at, i.updated_at, i.version FROM inquiries i JOIN orgs o ON o.id = i.org_id JOIN people p ON p.id = i.person_id JOIN orgs po ON po.id = p.org_id WHERE ";

/// Whose records a caller reads: every record about people in a scope, or only his own.
#[derive(Debug, Clone)]
pub enum View {
    Scope(Scope),
    Own(PersonId),
}

fn push_view(b: &mut SqlBuilder, view: &View) {
    match view {
        View::Scope(s) => {
            b.scope("i.person_org_path", s);
        }
        View::Own(me) => {
            b.push("i.person_id = ").bind(*me);
        }
    }
}

/// Filters of the list, already checked.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub year: i64,
    pub kind: Option<String>,
    /// "open" (no conclusion yet), "overdue" (a 函询 past its reply date unanswered), "done"
    pub state: Option<String>,
    pub person_id: Option<PersonId>,
    /// Today (YYYY-MM-DD), for "overdue".
    pub today: String,
}

fn push_filter(b: &mut SqlBuilder, f: &Filter) {
    b.push(" AND i.issued_on >= ").bind(format!("{:04}-01-01", f.year)).push(" AND i.issued_on <= ").bind(format!("{:04}-12-31", f.year));
    if let Some(k) = &f.kind {
        b.push(" AND i.kind = ").bind(k.as_str());
    }
    if let Some(pid) = f.person_id {
        b.push(" AND i.person_id = ").bind(pid);
    }
    match f.state.as_deref() {
        Some("open") => {
            b.push(" AND i.conclusion IS NULL");
        }
        Some("overdue") => {
            b.push(" AND i.kind = 'letter' AND i.reply IS NULL AND i.conclusion IS NULL AND i.reply_due < ").bind(f.today.as_str());
        }
        Some("done") => {
            b.push(" AND i.conclusion IS NOT NULL");
        }
        _ => {}
    }
}

/// A page of the records the view holds, newest first, and how many there are.
pub async fn list(db: &Db, view: &View, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<Inquiry>, i64), StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    push_view(&mut b, view);
    push_filter(&mut b, f);
    b.push(" ORDER BY i.issued_on DESC, i.id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    let rows = db.fetch_all(b.build()).await?;
    let mut c = SqlBuilder::new("SELECT COUNT(*) FROM inquiries i WHERE ");
    push_view(&mut c, view);
    push_filter(&mut c, f);
    let (n,): (i64,) = db.fetch_one(c.build()).await?;
    Ok((rows, n))
}

/// One record, if the view holds it (otherwise "not found").
pub async fn get(db: &Db, view: &View, id: InquiryId) -> Result<Inquiry, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("i.id = ").bind(id).push(" AND ");
    push_view(&mut b, view);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// A new record, checked by the use case.
#[derive(Debug, Clone)]
pub struct NewInquiry {
    pub org_id: OrgId,
    pub org_path: String,
    pub kind: String,
    pub person_id: PersonId,
    pub person_org_path: String,
    pub matter: String,
    pub source: Option<String>,
    pub issued_on: String,
    pub reply_days: Option<i64>,
    pub reply_due: Option<String>,
    pub created_by: Option<i64>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, n: &NewInquiry) -> Result<InquiryId, StoreError> {
    let t = now();
    let (id,): (InquiryId,) = tx
        .fetch_one(
            q("INSERT INTO inquiries (org_id, org_path, kind, person_id, person_org_path, matter, source, issued_on, reply_days, reply_due, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id")
                .bind(n.org_id)
                .bind(n.org_path.as_str())
                .bind(n.kind.as_str())
                .bind(n.person_id)
                .bind(n.person_org_path.as_str())
                .bind(n.matter.as_str())
                .bind(n.source.clone())
                .bind(n.issued_on.as_str())
                .bind(n.reply_days)
                .bind(n.reply_due.clone())
                .bind(n.created_by)
                .bind(t),
        )
        .await?;
    // the matter stays out of the log: the log is read by the 安全审计员, not need-to-know
    audit::record(tx, actor, "inquiry.create", "inquiry", Some(id.to_string()), json!({"after": {"kind": n.kind, "person_id": n.person_id, "org_id": n.org_id, "issued_on": n.issued_on, "reply_due": n.reply_due}}))
        .await?;
    Ok(id)
}

/// Records the reply (by the person in the system, or typed in by the 纪委 from his letter).
pub async fn reply(tx: &mut Tx, actor: &Actor, id: InquiryId, version: i64, text: &str, on: &str, by: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inquiries SET reply = $1, replied_on = $2, replied_by = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND conclusion IS NULL")
                .bind(text)
                .bind(on)
                .bind(by)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inquiry.reply", "inquiry", Some(id.to_string()), json!({"after": {"replied_on": on, "replied_by": by}})).await
}

/// Closes the record with its conclusion and what follows.
pub async fn conclude(tx: &mut Tx, actor: &Actor, id: InquiryId, version: i64, conclusion: &str, follow_up: Option<&str>, on: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE inquiries SET conclusion = $1, follow_up = $2, concluded_on = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND conclusion IS NULL")
                .bind(conclusion)
                .bind(follow_up)
                .bind(on)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "inquiry.conclude", "inquiry", Some(id.to_string()), json!({"after": {"conclusion": conclusion, "concluded_on": on}})).await
}

/// 函询 whose reply is unanswered with a due date up to `until` (YYYY-MM-DD), in the view:
/// (overdue before `today`, due from `today` to `until`).
pub async fn replies_due(db: &Db, view: &View, today: &str, until: &str) -> Result<(i64, i64), StoreError> {
    let mut b = SqlBuilder::new("SELECT COALESCE(SUM(CASE WHEN i.reply_due < ");
    b.bind(today).push(" THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN i.reply_due >= ").bind(today).push(" THEN 1 ELSE 0 END), 0) FROM inquiries i WHERE ");
    push_view(&mut b, view);
    b.push(" AND i.kind = 'letter' AND i.reply IS NULL AND i.conclusion IS NULL AND i.reply_due <= ").bind(until);
    db.fetch_one(b.build()).await
}

/// Records in the view answered but not concluded (the 纪委's next step).
pub async fn awaiting_conclusion(db: &Db, view: &View) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM inquiries i WHERE ");
    push_view(&mut b, view);
    b.push(" AND i.reply IS NOT NULL AND i.conclusion IS NULL");
    let (n,): (i64,) = db.fetch_one(b.build()).await?;
    Ok(n)
}

/// A person's records for his integrity file and the 廉洁意见回复 (every kind, newest first).
pub async fn of_person(db: &Db, view: &View, person_id: PersonId) -> Result<Vec<Inquiry>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    push_view(&mut b, view);
    b.push(" AND i.person_id = ").bind(person_id).push(" ORDER BY i.issued_on DESC, i.id DESC");
    db.fetch_all(b.build()).await
}
