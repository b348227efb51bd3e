//! 述责述廉: a round organised by a body (年度, who reports, the meeting, the submission
//! deadline), one report per person and round (text, an optional file, the copy check's best
//! matches), and the body's 点评 as separate points, each answered by the reporter and closed
//! (or returned) by the body. Which reports a caller reads is decided by the use case and given
//! here as a [`View`].
//!
//! The copy check compares each report of a year with the year's other reports and with the
//! same person's reports of earlier years, by the 5-character shingles and exact Jaccard of
//! `lianzheng_textsim` (the measure the letters' 雷同检查 confirms its candidates with). A year
//! holds a few hundred reports at most, so every pair is compared exactly; each report keeps its
//! best match of each kind (`peer_*`, `past_*`, in per mille) and the threshold is applied when
//! it is shown, so changing the setting needs no re-check.

use std::collections::BTreeMap;

use lianzheng_core::ids::{AttachmentId, OrgId, PersonId, StatementPointId, StatementReportId, StatementRoundId};
use lianzheng_core::org::Scope;
use lianzheng_textsim::{jaccard, shingles};
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
        name: "statement_rounds",
        columns: &[("id", I), ("year", I), ("title", T), ("org_id", I), ("org_path", T), ("meeting_on", T), ("due_on", T), ("created_by", I), ("created_at", I), ("updated_at", I), ("version", I)],
    },
    TableDef {
        name: "statement_reports",
        columns: &[
            ("id", I),
            ("round_id", I),
            ("year", I),
            ("person_id", I),
            ("person_org_id", I),
            ("person_org_path", T),
            ("post", T),
            ("body", T),
            ("submitted_on", T),
            ("revisions", I),
            ("attachment_id", I),
            ("peer_id", I),
            ("peer_pm", I),
            ("past_id", I),
            ("past_pm", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef {
        name: "statement_points",
        columns: &[
            ("id", I),
            ("report_id", I),
            ("round_id", I),
            ("seq", I),
            ("content", T),
            ("rectify", B),
            ("due_on", T),
            ("status", T),
            ("measures", T),
            ("progress", T),
            ("answered_on", T),
            ("return_reason", T),
            ("returns", I),
            ("closed_on", T),
            ("closed_by", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
];

/// The owner kind of a report's file in `attachments`.
pub const ATTACHMENT_KIND: &str = "statement_report";

/// The states of a 点评 point, as (code, label).
pub const POINT_STATES: &[(&str, &str)] = &[("open", "待答复"), ("answered", "待销号"), ("closed", "已销号")];

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Round {
    pub id: StatementRoundId,
    pub year: i64,
    pub title: String,
    pub org_id: OrgId,
    pub org_path: String,
    /// The organising body.
    pub org_name: String,
    pub meeting_on: String,
    pub due_on: String,
    pub created_at: i64,
    pub version: i64,
    pub reports: i64,
    pub submitted: i64,
    pub points_open: i64,
    pub points_closed: i64,
}

const ROUND_SELECT: &str = "SELECT r.id, r.year, r.title, r.org_id, r.org_path, o.name AS org_name, r.meeting_on, r.due_on, r.created_at, r.version, \
     (SELECT COUNT(*) FROM statement_reports x WHERE x.round_id = r.id) AS reports, \
     (SELECT COUNT(*) FROM statement_reports x WHERE x.round_id = r.id AND x.body IS NOT NULL) AS submitted, \
     (SELECT COUNT(*) FROM statement_points pt WHERE pt.round_id = r.id AND pt.status <> 'closed') AS points_open, \
     (SELECT COUNT(*) FROM statement_points pt WHERE pt.round_id = r.id AND pt.status = 'closed') AS points_closed \
     FROM statement_rounds r JOIN orgs o ON o.id = r.org_id WHERE ";

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Report {
    pub id: StatementReportId,
    pub round_id: StatementRoundId,
    pub round_title: String,
    pub round_org_id: OrgId,
    pub round_org_path: String,
    pub round_org_name: String,
    pub meeting_on: String,
    pub due_on: String,
    pub year: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_org_id: OrgId,
    pub person_org_path: String,
    pub person_org_name: String,
    /// 书记, 纪委书记 …: the post he reports in.
    pub post: String,
    /// None until submitted.
    pub body: Option<String>,
    pub submitted_on: Option<String>,
    pub revisions: i64,
    pub attachment_id: Option<AttachmentId>,
    pub attachment_name: Option<String>,
    /// The most similar other report of the year, and how similar (per mille).
    pub peer_id: Option<StatementReportId>,
    pub peer_pm: Option<i64>,
    /// The most similar report of the same person in an earlier year.
    pub past_id: Option<StatementReportId>,
    pub past_pm: Option<i64>,
    pub updated_at: i64,
    pub version: i64,
    pub points: i64,
    pub points_open: i64,
}

impl Report {
    pub fn submitted(&self) -> bool {
        self.body.is_some()
    }
    /// Submitted after the deadline.
    pub fn late(&self) -> bool {
        self.submitted_on.as_deref().is_some_and(|d| d > self.due_on.as_str())
    }
    pub fn peer_percent(&self) -> i64 {
        self.peer_pm.map_or(0, |v| (v + 5) / 10)
    }
    pub fn past_percent(&self) -> i64 {
        self.past_pm.map_or(0, |v| (v + 5) / 10)
    }
}

const REPORT_SELECT: &str = "SELECT s.id, s.round_id, r.title AS round_title, r.org_id AS round_org_id, r.org_path AS round_org_path, ro.name AS round_org_name, r.meeting_on, r.due_on, s.year, \
     s.person_id, p.name AS person_name, s.person_org_id, s.person_org_path, po.name AS person_org_name, s.post, s.body, s.submitted_on, s.revisions, s.attachment_id, a.filename AS attachment_name, \
     s.peer_id, s.peer_pm, s.past_id, s.past_pm, s.updated_at, s.version, \
     (SELECT COUNT(*) FROM statement_points pt WHERE pt.report_id = s.id) AS points, \
     (SELECT COUNT(*) FROM statement_points pt WHERE pt.report_id = s.id AND pt.status <> 'closed') AS points_open \
     FROM statement_reports s JOIN statement_rounds r ON r.id = s.round_id JOIN orgs ro ON ro.id = r.org_id JOIN people p ON p.id = s.person_id JOIN orgs po ON po.id = s.person_org_id \
     LEFT JOIN attachments a ON a.id = s.attachment_id WHERE ";

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Point {
    pub id: StatementPointId,
    pub report_id: StatementReportId,
    pub round_id: StatementRoundId,
    pub seq: i64,
    pub content: String,
    /// 要求整改
    pub rectify: bool,
    pub due_on: Option<String>,
    /// open / answered / closed
    pub status: String,
    /// 整改措施 (or the answer)
    pub measures: Option<String>,
    /// 整改情况
    pub progress: Option<String>,
    pub answered_on: Option<String>,
    /// Why the last answer was returned.
    pub return_reason: Option<String>,
    pub returns: i64,
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    pub version: i64,
}

impl Point {
    pub fn status_label(&self) -> &'static str {
        POINT_STATES.iter().find(|s| s.0 == self.status).map_or("", |s| s.1)
    }
    pub fn status_tag(&self) -> &'static str {
        match self.status.as_str() {
            "closed" => "tag-green",
            "answered" => "tag-blue",
            _ if self.returns > 0 => "tag-red",
            _ => "tag-yellow",
        }
    }
}

const POINT_SELECT: &str = "SELECT pt.id, pt.report_id, pt.round_id, pt.seq, pt.content, pt.rectify, pt.due_on, pt.status, pt.measures, pt.progress, pt.answered_on, pt.return_reason, pt.returns, pt.closed_on, pt.closed_by, pt.version FROM statement_points pt ";

/// Which reports a caller reads: those of people in a scope (the 纪委, the 检查组), his own, and
/// every report of the rounds his body organised. Any of the three may be absent.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub scope: Option<Scope>,
    pub me: Option<PersonId>,
    pub body: Option<OrgId>,
}

/// `(… OR …)` over the view's parts, `s` being the report and `r` its round.
fn push_view(b: &mut SqlBuilder, view: &View) {
    b.push("(1=0");
    if let Some(s) = &view.scope {
        b.push(" OR ").scope("s.person_org_path", s);
    }
    if let Some(me) = view.me {
        b.push(" OR s.person_id = ").bind(me);
    }
    if let Some(body) = view.body {
        b.push(" OR r.org_id = ").bind(body);
    }
    b.push(")");
}

/// The rounds of a year in which the view reads at least one report, or which its body
/// organised; newest meeting first.
pub async fn rounds(db: &Db, view: &View, year: i64) -> Result<Vec<Round>, StoreError> {
    let mut b = SqlBuilder::new(ROUND_SELECT);
    b.push("r.year = ").bind(year).push(" AND (EXISTS (SELECT 1 FROM statement_reports s WHERE s.round_id = r.id AND ");
    push_view(&mut b, view);
    b.push(")");
    if let Some(body) = view.body {
        b.push(" OR r.org_id = ").bind(body);
    }
    b.push(") ORDER BY r.meeting_on DESC, r.id DESC");
    db.fetch_all(b.build()).await
}

/// One round, if the view reads one of its reports or organised it.
pub async fn round(db: &Db, view: &View, id: StatementRoundId) -> Result<Round, StoreError> {
    let mut b = SqlBuilder::new(ROUND_SELECT);
    b.push("r.id = ").bind(id).push(" AND (EXISTS (SELECT 1 FROM statement_reports s WHERE s.round_id = r.id AND ");
    push_view(&mut b, view);
    b.push(")");
    if let Some(body) = view.body {
        b.push(" OR r.org_id = ").bind(body);
    }
    b.push(")");
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// The reports of a round the view reads, in the order of the units.
pub async fn reports_of_round(db: &Db, view: &View, round_id: StatementRoundId) -> Result<Vec<Report>, StoreError> {
    let mut b = SqlBuilder::new(REPORT_SELECT);
    b.push("s.round_id = ").bind(round_id).push(" AND ");
    push_view(&mut b, view);
    b.push(" ORDER BY s.person_org_path, s.id");
    db.fetch_all(b.build()).await
}

/// The caller's own reports (every year), newest round first.
pub async fn reports_of_person(db: &Db, person_id: PersonId) -> Result<Vec<Report>, StoreError> {
    let mut b = SqlBuilder::new(REPORT_SELECT);
    b.push("s.person_id = ").bind(person_id).push(" ORDER BY r.meeting_on DESC, s.id DESC");
    db.fetch_all(b.build()).await
}

/// One report, if the view reads it.
pub async fn report(db: &Db, view: &View, id: StatementReportId) -> Result<Report, StoreError> {
    let mut b = SqlBuilder::new(REPORT_SELECT);
    b.push("s.id = ").bind(id).push(" AND ");
    push_view(&mut b, view);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

pub async fn points(db: &Db, report_id: StatementReportId) -> Result<Vec<Point>, StoreError> {
    db.fetch_all(q_points("WHERE pt.report_id = $1 ORDER BY pt.seq").bind(report_id)).await
}

fn q_points(rest: &'static str) -> crate::db::Q {
    crate::db::q_built(format!("{POINT_SELECT}{rest}"))
}

pub async fn point(db: &Db, id: StatementPointId) -> Result<Point, StoreError> {
    db.fetch_optional(q_points("WHERE pt.id = $1").bind(id)).await?.ok_or(StoreError::NotFound)
}

/// A person who may be asked to report: a 书记 or 纪委书记 (纪检组长) post in a unit.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Candidate {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_path: String,
    pub org_kind: String,
    /// secretary / discipline_secretary
    pub post_kind: String,
    pub title: Option<String>,
}

/// The current 书记 and 纪委书记 posts of the units in `scope` (the body's own left out), in the
/// order of the tree.
pub async fn candidates(db: &Db, scope: &Scope, body: OrgId) -> Result<Vec<Candidate>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT p.id AS person_id, p.name, o.id AS org_id, o.name AS org_name, o.path AS org_path, o.kind AS org_kind, ps.kind AS post_kind, ps.title FROM posts ps JOIN people p ON p.id = ps.person_id JOIN orgs o ON o.id = ps.org_id \
         WHERE ps.kind IN ('secretary', 'discipline_secretary') AND (ps.end_date IS NULL OR ps.end_date = '') AND o.id <> ",
    );
    b.bind(body).push(" AND ").scope("o.path", scope).push(" ORDER BY o.path, ps.kind DESC, p.id");
    let mut rows: Vec<Candidate> = db.fetch_all(b.build()).await?;
    // one post per person and unit
    rows.dedup_by(|a, b| a.person_id == b.person_id && a.org_id == b.org_id);
    Ok(rows)
}

/// A new round and who reports, checked by the use case.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub year: i64,
    pub title: String,
    pub org_id: OrgId,
    pub org_path: String,
    pub meeting_on: String,
    pub due_on: String,
    pub created_by: Option<i64>,
    /// (person, unit, unit path, post label)
    pub reporters: Vec<(PersonId, OrgId, String, String)>,
}

pub async fn create_round(tx: &mut Tx, actor: &Actor, n: &NewRound) -> Result<StatementRoundId, StoreError> {
    let t = now();
    let (id,): (StatementRoundId,) = tx
        .fetch_one(
            q("INSERT INTO statement_rounds (year, title, org_id, org_path, meeting_on, due_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                .bind(n.year)
                .bind(n.title.as_str())
                .bind(n.org_id)
                .bind(n.org_path.as_str())
                .bind(n.meeting_on.as_str())
                .bind(n.due_on.as_str())
                .bind(n.created_by)
                .bind(t),
        )
        .await?;
    for (person, org, path, post) in &n.reporters {
        tx.execute(
            q("INSERT INTO statement_reports (round_id, year, person_id, person_org_id, person_org_path, post, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                .bind(id)
                .bind(n.year)
                .bind(*person)
                .bind(*org)
                .bind(path.as_str())
                .bind(post.as_str())
                .bind(t),
        )
        .await?;
    }
    let people: Vec<i64> = n.reporters.iter().map(|r| r.0.get()).collect();
    audit::record(
        tx,
        actor,
        "statement_round.create",
        "statement_round",
        Some(id.to_string()),
        json!({"after": {"year": n.year, "title": n.title, "org_id": n.org_id, "meeting_on": n.meeting_on, "due_on": n.due_on, "reporters": people}}),
    )
    .await?;
    Ok(id)
}

/// Submits or revises a report's text (the first time: submitted on `today`).
pub async fn save_body(tx: &mut Tx, actor: &Actor, id: StatementReportId, version: i64, body: &str, today: &str, first: bool) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE statement_reports SET body = $1, submitted_on = COALESCE(submitted_on, $2), revisions = revisions + $3, updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6")
                .bind(body)
                .bind(today)
                .bind(if first { 0i64 } else { 1i64 })
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    // the text stays out of the log (read by the 安全审计员, not need-to-know): its length only
    let after = json!({"after": {"chars": body.chars().count(), "on": today}});
    if first {
        audit::record(tx, actor, "statement_report.submit", "statement_report", Some(id.to_string()), after).await
    } else {
        audit::record(tx, actor, "statement_report.revise", "statement_report", Some(id.to_string()), after).await
    }
}

/// Files the report's file (replacing the one before; the old attachment row stays).
pub async fn set_file(tx: &mut Tx, actor: &Actor, id: StatementReportId, attachment: AttachmentId) -> Result<(), StoreError> {
    tx.execute(q("UPDATE statement_reports SET attachment_id = $1, updated_at = $2 WHERE id = $3").bind(attachment).bind(now()).bind(id)).await?;
    audit::record(tx, actor, "statement_report.attach", "statement_report", Some(id.to_string()), json!({"after": {"attachment_id": attachment}})).await
}

/// A new 点评 point, numbered after the report's others.
pub async fn add_point(tx: &mut Tx, actor: &Actor, report: &Report, content: &str, rectify: bool, due_on: Option<&str>, created_by: Option<i64>) -> Result<StatementPointId, StoreError> {
    let seq = tx.scalar_i64(q("SELECT COALESCE(MAX(seq), 0) + 1 FROM statement_points WHERE report_id = $1").bind(report.id)).await?;
    let t = now();
    let (id,): (StatementPointId,) = tx
        .fetch_one(
            q("INSERT INTO statement_points (report_id, round_id, seq, content, rectify, due_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                .bind(report.id)
                .bind(report.round_id)
                .bind(seq)
                .bind(content)
                .bind(rectify)
                .bind(due_on.map(str::to_string))
                .bind(created_by)
                .bind(t),
        )
        .await?;
    audit::record(tx, actor, "statement_point.create", "statement_point", Some(id.to_string()), json!({"after": {"report_id": report.id, "seq": seq, "rectify": rectify, "due_on": due_on}})).await?;
    Ok(id)
}

/// The reporter's answer: the point waits for the body to close it.
pub async fn answer_point(tx: &mut Tx, actor: &Actor, id: StatementPointId, version: i64, measures: &str, progress: Option<&str>, today: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE statement_points SET measures = $1, progress = $2, answered_on = $3, status = 'answered', updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'open'")
                .bind(measures)
                .bind(progress.map(str::to_string))
                .bind(today)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "statement_point.answer", "statement_point", Some(id.to_string()), json!({"after": {"status": "answered", "answered_on": today}})).await
}

/// The body closes an answered point (销号).
pub async fn close_point(tx: &mut Tx, actor: &Actor, id: StatementPointId, version: i64, today: &str, by: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE statement_points SET status = 'closed', closed_on = $1, closed_by = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND status = 'answered'")
                .bind(today)
                .bind(by)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "statement_point.close", "statement_point", Some(id.to_string()), json!({"after": {"status": "closed", "closed_on": today}})).await
}

/// The body returns an answer with its reason: the point is open again.
pub async fn return_point(tx: &mut Tx, actor: &Actor, id: StatementPointId, version: i64, reason: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE statement_points SET status = 'open', return_reason = $1, returns = returns + 1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 AND status = 'answered'")
                .bind(reason)
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "statement_point.return", "statement_point", Some(id.to_string()), json!({"after": {"status": "open", "reason": reason}})).await
}

/// 待办 counts for a reporter: reports to submit (overdue, due up to `until`, due later) and his
/// points open.
pub async fn mine_due(db: &Db, me: PersonId, today: &str, until: &str) -> Result<(i64, i64, i64, i64), StoreError> {
    let (overdue, near, later): (i64, i64, i64) = db
        .fetch_one(
            q("SELECT COALESCE(SUM(CASE WHEN r.due_on < $2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.due_on >= $2 AND r.due_on <= $3 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.due_on > $3 THEN 1 ELSE 0 END), 0) \
               FROM statement_reports s JOIN statement_rounds r ON r.id = s.round_id WHERE s.person_id = $1 AND s.body IS NULL AND r.meeting_on > $2")
                .bind(me)
                .bind(today)
                .bind(until),
        )
        .await?;
    let open = db.scalar_i64(q("SELECT COUNT(*) FROM statement_points pt JOIN statement_reports s ON s.id = pt.report_id WHERE s.person_id = $1 AND pt.status = 'open'").bind(me)).await?;
    Ok((overdue, near, later, open))
}

/// 待办 count for an organising body: answered points waiting to be closed.
pub async fn answered_of_body(db: &Db, body: OrgId) -> Result<i64, StoreError> {
    db.scalar_i64(q("SELECT COUNT(*) FROM statement_points pt JOIN statement_rounds r ON r.id = pt.round_id WHERE r.org_id = $1 AND pt.status = 'answered'").bind(body)).await
}

/// The first report of the person with an open point (the 待办's link), if any.
pub async fn first_open_of_person(db: &Db, me: PersonId) -> Result<Option<StatementReportId>, StoreError> {
    let row: Option<(StatementReportId,)> =
        db.fetch_optional(q("SELECT MIN(s.id) FROM statement_reports s JOIN statement_points pt ON pt.report_id = s.id WHERE s.person_id = $1 AND pt.status = 'open' HAVING COUNT(*) > 0").bind(me)).await?;
    Ok(row.map(|(id,)| id))
}

/// A report's file (the attachment it names, filed under it).
pub async fn attachment(db: &Db, report_id: StatementReportId, id: AttachmentId) -> Result<crate::attachments::Attachment, StoreError> {
    db.fetch_optional(q("SELECT * FROM attachments WHERE id = $1 AND owner_kind = $2 AND owner_id = $3").bind(id).bind(ATTACHMENT_KIND).bind(report_id.get())).await?.ok_or(StoreError::NotFound)
}

// ---- copy check ----

/// How often the check is computed again because a report changed meanwhile.
const CHECK_ATTEMPTS: usize = 5;

/// Re-checks the reports of `year` (after one of them was submitted or revised): each submitted
/// report's best match among the year's other reports and among the same person's reports of
/// earlier years. Computed outside any transaction; written in one short transaction provided no
/// report of the year changed meanwhile (else computed again). Returns how many reports were
/// compared.
pub async fn check_year(db: &Db, year: i64) -> Result<usize, StoreError> {
    for _ in 0..CHECK_ATTEMPTS {
        let rows: Vec<(i64, i64, String, i64)> = db.fetch_all(q("SELECT id, person_id, body, version FROM statement_reports WHERE year = $1 AND body IS NOT NULL ORDER BY id").bind(year)).await?;
        let people: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let mut earlier: Vec<(i64, i64, String)> = Vec::new();
        if !people.is_empty() {
            let mut b = SqlBuilder::new("SELECT id, person_id, body FROM statement_reports WHERE year < ");
            b.bind(year).push(" AND body IS NOT NULL AND person_id IN ").in_list(people.iter().copied()).push(" ORDER BY id");
            earlier = db.fetch_all(b.build()).await?;
        }
        let computed = tokio::task::spawn_blocking(move || best_matches(&rows, &earlier)).await.map_err(|e| StoreError::Internal(format!("雷同检查计算中断：{e}")))?;
        let (read, best) = computed;
        let mut tx = db.begin().await?;
        let now_at: Vec<(i64, i64)> = tx.fetch_all(q("SELECT id, version FROM statement_reports WHERE year = $1 AND body IS NOT NULL ORDER BY id").bind(year)).await?;
        if now_at != read {
            continue;
        }
        for (id, (peer, past)) in &best {
            tx.execute(
                q("UPDATE statement_reports SET peer_id = $1, peer_pm = $2, past_id = $3, past_pm = $4 WHERE id = $5")
                    .bind(peer.map(|p| p.0))
                    .bind(peer.map(|p| p.1))
                    .bind(past.map(|p| p.0))
                    .bind(past.map(|p| p.1))
                    .bind(*id),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(best.len());
    }
    Err(StoreError::Stale)
}

type Best = Option<(i64, i64)>;
/// Per report: its best match of the year and of the person's earlier reports.
type Matches = BTreeMap<i64, (Best, Best)>;

/// For each report (id, person, text, version): the most similar other report of the year and
/// of the same person's earlier ones, as (id, per mille). Also the (id, version) pairs read.
fn best_matches(rows: &[(i64, i64, String, i64)], earlier: &[(i64, i64, String)]) -> (Vec<(i64, i64)>, Matches) {
    let sets: Vec<Vec<u64>> = rows.iter().map(|r| shingles(&r.2)).collect();
    let past: Vec<(i64, i64, Vec<u64>)> = earlier.iter().map(|(id, person, body)| (*id, *person, shingles(body))).collect();
    let pm = |j: f64| (j * 1000.0).round() as i64;
    let better = |cur: Best, id: i64, v: i64| match cur {
        Some((_, best)) if best >= v => cur,
        _ => Some((id, v)),
    };
    let mut out: Matches = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let mut peer: Best = None;
        for (k, o) in rows.iter().enumerate() {
            if k != i {
                peer = better(peer, o.0, pm(jaccard(&sets[i], &sets[k])));
            }
        }
        let mut before: Best = None;
        for (id, person, set) in &past {
            if *person == r.1 {
                before = better(before, *id, pm(jaccard(&sets[i], set)));
            }
        }
        out.insert(r.0, (peer, before));
    }
    (rows.iter().map(|r| (r.0, r.3)).collect(), out)
}

#[cfg(test)]
mod tests {
    use super::best_matches;

    #[test]
    fn the_copied_report_and_its_source_match_each_other_and_the_past_is_per_person() {
        let a = "一年来，本人认真履行全面从严治党第一责任人职责，坚持把党风廉政建设与业务工作同部署同落实，全年主持召开党组会专题研究党风廉政建设四次。".to_string();
        let copy = format!("{a}另外，本人还开展了廉政谈话。");
        let other = "今年我局在乡村振兴项目资金监管方面建立了台账，逐笔核对拨付进度，发现问题三个，均已整改到位，群众满意度明显提升。".to_string();
        let rows = vec![(1, 10, a.clone(), 1), (2, 20, copy, 1), (3, 30, other, 1)];
        let earlier = vec![(9, 30, "今年我局在乡村振兴项目资金监管方面建立了台账，逐笔核对拨付进度。".to_string())];
        let (read, best) = best_matches(&rows, &earlier);
        assert_eq!(read, vec![(1, 1), (2, 1), (3, 1)]);
        assert_eq!(best[&1].0.map(|b| b.0), Some(2));
        assert!(best[&2].0.is_some_and(|b| b.0 == 1 && b.1 > 700), "{:?}", best[&2]);
        assert!(best[&3].0.is_some_and(|b| b.1 < 200), "{:?}", best[&3]);
        assert_eq!(best[&3].1.map(|b| b.0), Some(9), "the person's own earlier report");
        assert_eq!(best[&1].1, None, "no earlier report of his");
    }
}
