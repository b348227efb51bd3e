//! 抄告单 and 整改建议书: a 纪委 tells a unit's leader (the responsible or 分管 leader) of a
//! problem found in his area, asks for handling by a deadline in 工作日, reads his answer
//! (the measures taken) and closes it, or returns it for a better answer. Numbered per issuer,
//! kind and year. Seen by where the unit stands (`org_path`): the 纪委 over it and its 书记;
//! the addressee reads his own. The use-case layer decides which view a caller has ([`View`]).

use lianzheng_core::ids::{NoticeId, OrgId, PersonId};
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
    name: "notices",
    columns: &[
        ("id", I),
        ("kind", T),
        ("year", I),
        ("seq", I),
        ("doc_number", T),
        ("issuer_org_id", I),
        ("issuer_path", T),
        ("org_id", I),
        ("org_path", T),
        ("addressee_id", I),
        ("addressee_title", T),
        ("subject", T),
        ("problem", T),
        ("request", T),
        ("source_kind", T),
        ("source_id", T),
        ("source_title", T),
        ("issued_on", T),
        ("due_days", I),
        ("due_on", T),
        ("status", T),
        ("measures", T),
        ("answered_on", T),
        ("answered_by", T),
        ("return_reason", T),
        ("returns", I),
        ("closed_on", T),
        ("closed_by", T),
        ("created_by", I),
        ("created_at", I),
        ("updated_at", I),
        ("version", I),
    ],
}];

/// The kinds, as (code, label).
pub const KINDS: &[(&str, &str)] = &[("cc", "抄告单"), ("advice", "整改建议书")];
/// The states, as (code, label).
pub const STATUSES: &[(&str, &str)] = &[("pending", "待反馈"), ("answered", "已反馈"), ("closed", "已办结")];
/// What attachments of an answer are filed under.
pub const ATTACHMENT_KIND: &str = "notice";

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|k| k.0 == code).map_or("", |k| k.1)
}

pub fn status_label(code: &str) -> &'static str {
    STATUSES.iter().find(|k| k.0 == code).map_or("", |k| k.1)
}

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Notice {
    pub id: NoticeId,
    pub kind: String,
    pub year: i64,
    pub seq: i64,
    /// 文号, e.g. 某纪抄〔2026〕3号.
    pub doc_number: String,
    pub issuer_org_id: OrgId,
    /// The issuing body (the 纪委).
    pub issuer_name: String,
    pub org_id: OrgId,
    pub org_path: String,
    /// The unit.
    pub org_name: String,
    pub addressee_id: PersonId,
    pub addressee_name: String,
    /// His post in the unit on the day of issue.
    pub addressee_title: Option<String>,
    /// 事由: the title reads "关于{subject}的抄告单".
    pub subject: String,
    pub problem: String,
    pub request: String,
    pub source_kind: Option<String>,
    pub source_id: Option<String>,
    pub source_title: Option<String>,
    pub issued_on: String,
    pub due_days: i64,
    pub due_on: String,
    /// pending (待反馈), answered (已反馈), closed (已办结).
    pub status: String,
    pub measures: Option<String>,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    /// Why the last answer was returned.
    pub return_reason: Option<String>,
    pub returns: i64,
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Notice {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }
    pub fn awaits_answer(&self) -> bool {
        self.status == "pending"
    }
}

const SELECT: &str = "SELECT n.id, n.kind, n.year, n.seq, n.doc_number, n.issuer_org_id, io.name AS issuer_name, n.org_id, n.org_path, o.name AS org_name, n.addressee_id, p.name AS addressee_name, n.addressee_title, n.subject, n.problem, n.request, n.source_kind, n.source_id, n.source_title, n.issued_on, n.due_days, n.due_on, n.status, n.measures, n.answered_on, n.answered_by, n.return_reason, n.returns, n.closed_on, n.closed_by, n.created_at, n.updated_at, n.version FROM notices n JOIN orgs io ON io.id = n.issuer_org_id JOIN orgs o ON o.id = n.org_id JOIN people p ON p.id = n.addressee_id WHERE ";

/// Whose notices a caller reads: every one about the units of a scope, or only those addressed to him.
#[derive(Debug, Clone)]
pub enum View {
    Scope(Scope),
    Own(PersonId),
}

fn push_view(b: &mut SqlBuilder, view: &View) {
    match view {
        View::Scope(s) => {
            b.scope("n.org_path", s);
        }
        View::Own(me) => {
            b.push("n.addressee_id = ").bind(*me);
        }
    }
}

/// Filters of the list, already checked.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub year: i64,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub org_id: Option<OrgId>,
    /// Only those past their deadline and not answered.
    pub overdue: bool,
    /// Today (YYYY-MM-DD), for `overdue`.
    pub today: String,
}

fn push_filter(b: &mut SqlBuilder, f: &Filter) {
    b.push(" AND n.year = ").bind(f.year);
    if let Some(k) = &f.kind {
        b.push(" AND n.kind = ").bind(k.as_str());
    }
    if let Some(s) = &f.status {
        b.push(" AND n.status = ").bind(s.as_str());
    }
    if let Some(o) = f.org_id {
        b.push(" AND n.org_id = ").bind(o);
    }
    if f.overdue {
        b.push(" AND n.status = 'pending' AND n.due_on < ").bind(f.today.as_str());
    }
}

/// A page of the notices the view holds, newest first, and how many there are.
pub async fn list(db: &Db, view: &View, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<Notice>, i64), StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    push_view(&mut b, view);
    push_filter(&mut b, f);
    b.push(" ORDER BY n.issued_on DESC, n.id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    let rows = db.fetch_all(b.build()).await?;
    let mut c = SqlBuilder::new("SELECT COUNT(*) FROM notices n WHERE ");
    push_view(&mut c, view);
    push_filter(&mut c, f);
    let (n,): (i64,) = db.fetch_one(c.build()).await?;
    Ok((rows, n))
}

/// One notice, if the view holds it (otherwise "not found").
pub async fn get(db: &Db, view: &View, id: NoticeId) -> Result<Notice, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("n.id = ").bind(id).push(" AND ");
    push_view(&mut b, view);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// A new notice, checked by the use case; `seq` and `doc_number` are given here.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub kind: String,
    pub year: i64,
    /// The 文号 prefix (某纪抄): the number reads "{prefix}〔{year}〕{seq}号".
    pub prefix: String,
    pub issuer_org_id: OrgId,
    pub issuer_path: String,
    pub org_id: OrgId,
    pub org_path: String,
    pub addressee_id: PersonId,
    pub addressee_title: Option<String>,
    pub subject: String,
    pub problem: String,
    pub request: String,
    pub source: Option<(String, String, String)>,
    pub issued_on: String,
    pub due_days: i64,
    pub due_on: String,
    pub created_by: Option<i64>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, n: &NewNotice) -> Result<NoticeId, StoreError> {
    let t = now();
    let (seq,): (i64,) = tx.fetch_one(q("SELECT COALESCE(MAX(seq), 0) + 1 FROM notices WHERE issuer_org_id = $1 AND kind = $2 AND year = $3").bind(n.issuer_org_id).bind(n.kind.as_str()).bind(n.year)).await?;
    let doc_number = format!("{}〔{}〕{}号", n.prefix, n.year, seq);
    let (sk, si, st) = match &n.source {
        Some((k, i, t)) => (Some(k.as_str()), Some(i.as_str()), Some(t.as_str())),
        None => (None, None, None),
    };
    let (id,): (NoticeId,) = tx
        .fetch_one(
            q("INSERT INTO notices (kind, year, seq, doc_number, issuer_org_id, issuer_path, org_id, org_path, addressee_id, addressee_title, subject, problem, request, source_kind, source_id, source_title, issued_on, due_days, due_on, status, created_by, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'pending', $20, $21, $21) RETURNING id")
            .bind(n.kind.as_str())
            .bind(n.year)
            .bind(seq)
            .bind(doc_number.as_str())
            .bind(n.issuer_org_id)
            .bind(n.issuer_path.as_str())
            .bind(n.org_id)
            .bind(n.org_path.as_str())
            .bind(n.addressee_id)
            .bind(n.addressee_title.clone())
            .bind(n.subject.as_str())
            .bind(n.problem.as_str())
            .bind(n.request.as_str())
            .bind(sk)
            .bind(si)
            .bind(st)
            .bind(n.issued_on.as_str())
            .bind(n.due_days)
            .bind(n.due_on.as_str())
            .bind(n.created_by)
            .bind(t),
        )
        .await?;
    // the problem stays out of the log: the log is read by the 安全审计员, not need-to-know
    audit::record(
        tx,
        actor,
        "notice.create",
        "notice",
        Some(id.to_string()),
        json!({"after": {"kind": n.kind, "doc_number": doc_number, "org_id": n.org_id, "addressee_id": n.addressee_id, "issued_on": n.issued_on, "due_on": n.due_on, "source_kind": sk, "source_id": si}}),
    )
    .await?;
    Ok(id)
}

/// The addressee's answer (the measures taken).
pub async fn answer(tx: &mut Tx, actor: &Actor, id: NoticeId, version: i64, measures: &str, on: &str, by: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE notices SET status = 'answered', measures = $1, answered_on = $2, answered_by = $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'pending'")
                .bind(measures)
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
    audit::record(tx, actor, "notice.answer", "notice", Some(id.to_string()), json!({"after": {"status": "answered", "answered_on": on}})).await
}

/// The issuing body closes a notice after reading the answer.
pub async fn close(tx: &mut Tx, actor: &Actor, id: NoticeId, version: i64, on: &str, by: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE notices SET status = 'closed', closed_on = $1, closed_by = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND status = 'answered'")
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
    audit::record(tx, actor, "notice.close", "notice", Some(id.to_string()), json!({"before": {"status": "answered"}, "after": {"status": "closed", "closed_on": on}})).await
}

/// The issuing body returns the answer with a reason and a new deadline: the notice waits for
/// the addressee again (his answer stays, for him to improve).
pub async fn send_back(tx: &mut Tx, actor: &Actor, id: NoticeId, version: i64, reason: &str, due_on: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE notices SET status = 'pending', return_reason = $1, due_on = $2, returns = returns + 1, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND status = 'answered'")
                .bind(reason)
                .bind(due_on)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "notice.return", "notice", Some(id.to_string()), json!({"before": {"status": "answered"}, "after": {"status": "pending", "due_on": due_on}})).await
}

/// Notices in the view waiting for an answer with a deadline up to `until` (YYYY-MM-DD):
/// (overdue before `today`, due from `today` to `until`).
pub async fn answers_due(db: &Db, view: &View, today: &str, until: &str) -> Result<(i64, i64), StoreError> {
    let mut b = SqlBuilder::new("SELECT COALESCE(SUM(CASE WHEN n.due_on < ");
    b.bind(today).push(" THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n.due_on >= ").bind(today).push(" THEN 1 ELSE 0 END), 0) FROM notices n WHERE ");
    push_view(&mut b, view);
    b.push(" AND n.status = 'pending' AND n.due_on <= ").bind(until);
    db.fetch_one(b.build()).await
}

/// Notices in the view answered and waiting to be closed (or returned).
pub async fn awaiting_close(db: &Db, view: &View) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM notices n WHERE ");
    push_view(&mut b, view);
    b.push(" AND n.status = 'answered'");
    let (n,): (i64,) = db.fetch_one(b.build()).await?;
    Ok(n)
}

/// The year's notices in the view by state: (total, pending, overdue, answered, closed).
pub async fn counts(db: &Db, view: &View, year: i64, today: &str) -> Result<(i64, i64, i64, i64, i64), StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*), COALESCE(SUM(CASE WHEN n.status = 'pending' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n.status = 'pending' AND n.due_on < ");
    b.bind(today).push(" THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n.status = 'answered' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n.status = 'closed' THEN 1 ELSE 0 END), 0) FROM notices n WHERE ");
    push_view(&mut b, view);
    b.push(" AND n.year = ").bind(year);
    db.fetch_one(b.build()).await
}

/// A leader of a unit the addressee picker offers: a current 书记/副书记/班子成员/纪委书记 post.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Leader {
    pub person_id: PersonId,
    pub name: String,
    pub kind: String,
    pub title: Option<String>,
    /// 分管工作, as the person's post says it.
    pub duty_areas: Option<String>,
}

/// The current leaders of a unit, 书记 first.
pub async fn leaders(db: &Db, org_id: OrgId, today: &str) -> Result<Vec<Leader>, StoreError> {
    let mut b = SqlBuilder::new("SELECT po.person_id, p.name, po.kind, po.title, po.duty_areas FROM posts po JOIN people p ON p.id = po.person_id WHERE po.org_id = ");
    b.bind(org_id).push(" AND po.kind IN ");
    b.in_list(super::talks::LEADERSHIP_POSTS.iter().map(|s| s.to_string()));
    b.push(" AND (po.end_date IS NULL OR po.end_date = '' OR po.end_date >= ").bind(today).push(")");
    b.push(" ORDER BY CASE po.kind WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'discipline_secretary' THEN 2 ELSE 3 END, p.sort_order, p.id");
    db.fetch_all(b.build()).await
}

/// Files of a notice's answers.
pub async fn attachments(db: &Db, id: NoticeId) -> Result<Vec<crate::attachments::Attachment>, StoreError> {
    db.fetch_all(q("SELECT a.* FROM attachments a WHERE a.owner_kind = $1 AND a.owner_id = $2 ORDER BY a.id LIMIT 200").bind(ATTACHMENT_KIND).bind(id)).await
}

/// The units with notices of the year in the view, by name (the list's unit filter).
pub async fn units(db: &Db, view: &View, year: i64) -> Result<Vec<(OrgId, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT DISTINCT o.id, o.name, o.path FROM notices n JOIN orgs o ON o.id = n.org_id WHERE ");
    push_view(&mut b, view);
    b.push(" AND n.year = ").bind(year).push(" ORDER BY o.path");
    let rows: Vec<(OrgId, String, String)> = db.fetch_all(b.build()).await?;
    Ok(rows.into_iter().map(|(i, n, _)| (i, n)).collect())
}
