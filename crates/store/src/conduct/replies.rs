//! 廉洁意见回复: the 纪委's reply to a body asking its opinion on people, one row per person
//! with the opinion and the sentences drafted from his integrity file. The sentences are kept
//! as JSON (text, the record each comes from, who wrote or changed it); the use-case layer
//! drafts and checks them. A reply is kept by the 纪委 that writes it (`org_path`).

use lianzheng_core::ids::{IntegrityReplyId, OrgId, PersonId};
use lianzheng_core::org::Scope;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{Bool as B, I64 as I, Text as T};
use crate::db::{Db, Tx, now, q};
use crate::schema::TableDef;

pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "integrity_replies",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("org_path", T),
            ("issuer", T),
            ("year", I),
            ("requester", T),
            ("request_ref", T),
            ("purpose", T),
            ("received_on", T),
            ("as_of", T),
            ("status", T),
            ("doc_number", T),
            ("issued_on", T),
            ("issued_by", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef {
        name: "integrity_reply_people",
        columns: &[
            ("id", I),
            ("reply_id", I),
            ("person_id", I),
            ("person_name", T),
            ("unit_post", T),
            ("sort_order", I),
            ("opinion", T),
            ("conclusion", T),
            ("needs_decision", B),
            ("sentences", T),
            ("edited_by", T),
            ("updated_at", I),
            ("version", I),
        ],
    },
];

/// A reply (the document) without its people.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Reply {
    pub id: IntegrityReplyId,
    pub org_id: OrgId,
    pub org_path: String,
    /// The replying body as the document names it (发文机关).
    pub issuer: String,
    pub year: i64,
    /// The body that asked (主送机关), e.g. 县委组织部.
    pub requester: String,
    /// Its letter (来函名称或文号).
    pub request_ref: Option<String>,
    pub purpose: String,
    pub received_on: String,
    /// The day the files were read on (bearings judged that day).
    pub as_of: String,
    /// draft / issued
    pub status: String,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    pub issued_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// People in the reply (lists only).
    #[sqlx(default)]
    pub people: i64,
    /// People whose opinion is not "no objection" (lists only).
    #[sqlx(default)]
    pub remarks: i64,
    /// People still waiting for a decision (lists only).
    #[sqlx(default)]
    pub undecided: i64,
}

impl Reply {
    pub fn issued(&self) -> bool {
        self.status == "issued"
    }
}

/// One person of a reply.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct ReplyPerson {
    pub id: i64,
    pub reply_id: IntegrityReplyId,
    pub person_id: PersonId,
    pub person_name: String,
    /// 单位及职务 as of drafting.
    pub unit_post: String,
    pub sort_order: i64,
    /// The opinion code (see the use case's OPINIONS).
    pub opinion: String,
    /// The short opinion the document's table shows.
    pub conclusion: String,
    /// An open matter or a flag waits for a person's decision before the reply is issued.
    pub needs_decision: bool,
    /// JSON array of sentences.
    pub sentences: String,
    pub edited_by: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

const SELECT: &str = "SELECT r.id, r.org_id, r.org_path, r.issuer, r.year, r.requester, r.request_ref, r.purpose, r.received_on, r.as_of, r.status, r.doc_number, r.issued_on, r.issued_by, r.created_at, r.updated_at, r.version, \
     (SELECT COUNT(*) FROM integrity_reply_people x WHERE x.reply_id = r.id) AS people, \
     (SELECT COUNT(*) FROM integrity_reply_people x WHERE x.reply_id = r.id AND x.opinion <> 'no_objection') AS remarks, \
     (SELECT COUNT(*) FROM integrity_reply_people x WHERE x.reply_id = r.id AND x.needs_decision) AS undecided \
     FROM integrity_replies r WHERE ";
const PEOPLE: &str = "SELECT id, reply_id, person_id, person_name, unit_post, sort_order, opinion, conclusion, needs_decision, sentences, edited_by, updated_at, version FROM integrity_reply_people WHERE reply_id = $1 ORDER BY sort_order, id";

/// The replies a scope keeps in a year (newest first), a page and the count.
pub async fn list(db: &Db, scope: &Scope, year: i64, status: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<Reply>, i64), StoreError> {
    let filter = |b: &mut SqlBuilder| {
        b.scope("r.org_path", scope);
        b.push(" AND r.year = ").bind(year);
        if let Some(s) = status {
            b.push(" AND r.status = ").bind(s.to_string());
        }
    };
    let mut b = SqlBuilder::new(SELECT);
    filter(&mut b);
    b.push(" ORDER BY r.received_on DESC, r.id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    let rows = db.fetch_all(b.build()).await?;
    let mut c = SqlBuilder::new("SELECT COUNT(*) FROM integrity_replies r WHERE ");
    filter(&mut c);
    let (n,): (i64,) = db.fetch_one(c.build()).await?;
    Ok((rows, n))
}

/// One reply the scope keeps.
pub async fn get(db: &Db, scope: &Scope, id: IntegrityReplyId) -> Result<Reply, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("r.id = ").bind(id).push(" AND ");
    b.scope("r.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// The people of a reply in the order the request named them.
pub async fn people(db: &Db, id: IntegrityReplyId) -> Result<Vec<ReplyPerson>, StoreError> {
    db.fetch_all(q(PEOPLE).bind(id)).await
}

/// A new reply, checked by the use case.
#[derive(Debug, Clone)]
pub struct NewReply {
    pub org_id: OrgId,
    pub org_path: String,
    pub issuer: String,
    pub year: i64,
    pub requester: String,
    pub request_ref: Option<String>,
    pub purpose: String,
    pub received_on: String,
    pub as_of: String,
    pub created_by: Option<i64>,
}

/// A person's drafted row.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person_id: PersonId,
    pub person_name: String,
    pub unit_post: String,
    pub opinion: String,
    pub conclusion: String,
    pub needs_decision: bool,
    pub sentences: String,
}

pub async fn create(tx: &mut Tx, actor: &Actor, n: &NewReply, rows: &[PersonRow]) -> Result<IntegrityReplyId, StoreError> {
    let t = now();
    let (id,): (IntegrityReplyId,) = tx
        .fetch_one(
            q("INSERT INTO integrity_replies (org_id, org_path, issuer, year, requester, request_ref, purpose, received_on, as_of, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11) RETURNING id")
                .bind(n.org_id)
                .bind(n.org_path.as_str())
                .bind(n.issuer.as_str())
                .bind(n.year)
                .bind(n.requester.as_str())
                .bind(n.request_ref.clone())
                .bind(n.purpose.as_str())
                .bind(n.received_on.as_str())
                .bind(n.as_of.as_str())
                .bind(n.created_by)
                .bind(t),
        )
        .await?;
    for (k, r) in rows.iter().enumerate() {
        tx.execute(
            q("INSERT INTO integrity_reply_people (reply_id, person_id, person_name, unit_post, sort_order, opinion, conclusion, needs_decision, sentences, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id)
                .bind(r.person_id)
                .bind(r.person_name.as_str())
                .bind(r.unit_post.as_str())
                .bind(k as i64 + 1)
                .bind(r.opinion.as_str())
                .bind(r.conclusion.as_str())
                .bind(r.needs_decision)
                .bind(r.sentences.as_str())
                .bind(t),
        )
        .await?;
    }
    // who was asked about stays in the log by id; what the files hold does not
    let people: Vec<PersonId> = rows.iter().map(|r| r.person_id).collect();
    audit::record(tx, actor, "integrity_reply.create", "integrity_reply", Some(id.to_string()), json!({"after": {"requester": n.requester, "purpose": n.purpose, "as_of": n.as_of, "people": people}})).await?;
    Ok(id)
}

/// A draft's person row, changed by a person or redrafted from the file (`redraft`); refused
/// once the reply is issued.
#[allow(clippy::too_many_arguments)]
pub async fn save_person(tx: &mut Tx, actor: &Actor, redraft: bool, reply_id: IntegrityReplyId, person_id: PersonId, version: i64, row: &PersonRow, edited_by: Option<&str>) -> Result<(), StoreError> {
    let t = now();
    let n = tx
        .execute(
            q("UPDATE integrity_reply_people SET opinion = $1, conclusion = $2, needs_decision = $3, sentences = $4, edited_by = $5, updated_at = $6, version = version + 1 \
               WHERE reply_id = $7 AND person_id = $8 AND version = $9 AND EXISTS (SELECT 1 FROM integrity_replies r WHERE r.id = $7 AND r.status = 'draft')")
            .bind(row.opinion.as_str())
            .bind(row.conclusion.as_str())
            .bind(row.needs_decision)
            .bind(row.sentences.as_str())
            .bind(edited_by)
            .bind(t)
            .bind(reply_id)
            .bind(person_id)
            .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    tx.execute(q("UPDATE integrity_replies SET updated_at = $1, version = version + 1 WHERE id = $2").bind(t).bind(reply_id)).await?;
    audit::record(
        tx,
        actor,
        if redraft { "integrity_reply.redraft" } else { "integrity_reply.edit" },
        "integrity_reply",
        Some(reply_id.to_string()),
        json!({"person_id": person_id, "after": {"opinion": row.opinion, "needs_decision": row.needs_decision}}),
    )
    .await
}

/// Issues a draft: its 文号 and date, locked after.
pub async fn issue(tx: &mut Tx, actor: &Actor, id: IntegrityReplyId, version: i64, doc_number: &str, on: &str, by: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE integrity_replies SET status = 'issued', doc_number = $1, issued_on = $2, issued_by = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'draft'")
                .bind(doc_number)
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
    audit::record(tx, actor, "integrity_reply.issue", "integrity_reply", Some(id.to_string()), json!({"after": {"doc_number": doc_number, "issued_on": on}})).await
}

/// Deletes a draft (an issued reply stays: it was sent).
pub async fn delete(tx: &mut Tx, actor: &Actor, id: IntegrityReplyId, version: i64) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM integrity_reply_people WHERE reply_id = $1 AND EXISTS (SELECT 1 FROM integrity_replies r WHERE r.id = $1 AND r.status = 'draft' AND r.version = $2)").bind(id).bind(version)).await?;
    let n = tx.execute(q("DELETE FROM integrity_replies WHERE id = $1 AND status = 'draft' AND version = $2").bind(id).bind(version)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "integrity_reply.delete", "integrity_reply", Some(id.to_string()), json!({})).await
}

/// The next free number of the body's replies in a year (for the suggested 文号).
pub async fn next_number(db: &Db, org_id: OrgId, year: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM integrity_replies WHERE org_id = $1 AND year = $2 AND status = 'issued'").bind(org_id).bind(year)).await?;
    Ok(n + 1)
}

/// An issued reply a person was named in (his integrity file).
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Named {
    pub reply_id: IntegrityReplyId,
    pub requester: String,
    pub purpose: String,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    pub opinion: String,
    pub conclusion: String,
}

/// The issued replies a person was named in, newest first.
pub async fn of_person(db: &Db, person_id: PersonId) -> Result<Vec<Named>, StoreError> {
    db.fetch_all(
        q("SELECT x.reply_id, r.requester, r.purpose, r.doc_number, r.issued_on, x.opinion, x.conclusion FROM integrity_reply_people x JOIN integrity_replies r ON r.id = x.reply_id \
           WHERE x.person_id = $1 AND r.status = 'issued' ORDER BY r.issued_on DESC, r.id DESC")
        .bind(person_id),
    )
    .await
}
