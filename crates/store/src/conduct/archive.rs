//! 廉政档案: the records the integrity file holds besides other parts' — 婚丧喜庆事宜 reports,
//! 个人有关事项 reports, 处分 and 组织处理 — and the per-person reads of other parts' tables the
//! file needs (talks he was interviewed in). Every read of a file is by `person_id` on an index
//! (one query per section); the use case (`app::conduct::archive`) decides who reads what.

use lianzheng_core::ids::{FamilyEventId, PersonId, PersonalMatterId, SanctionId, TalkId};
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
        name: "family_events",
        columns: &[
            ("id", I),
            ("person_id", I),
            ("person_org_path", T),
            ("kind", T),
            ("kind_note", T),
            ("event_date", T),
            ("tables_planned", I),
            ("guests_planned", I),
            ("clients_invited", B),
            ("venue", T),
            ("public_venue", B),
            ("public_funds", B),
            ("cost_estimate", I),
            ("filed_on", T),
            ("filed_by", T),
            ("days_ahead", I),
            ("tables_actual", I),
            ("guests_actual", I),
            ("clients_attended", B),
            ("gifts", T),
            ("gifts_note", T),
            ("cost_actual", I),
            ("after_note", T),
            ("after_on", T),
            ("review", T),
            ("review_note", T),
            ("reviewed_on", T),
            ("reviewed_by", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef {
        name: "personal_matters",
        columns: &[("id", I), ("person_id", I), ("person_org_path", T), ("year", I), ("kind", T), ("happened_on", T), ("content", T), ("filed_on", T), ("created_by", I), ("created_at", I)],
    },
    TableDef {
        name: "sanctions",
        columns: &[
            ("id", I),
            ("person_id", I),
            ("person_org_path", T),
            ("category", T),
            ("kind", T),
            ("probation_months", I),
            ("decided_on", T),
            ("body", T),
            ("doc_no", T),
            ("matter", T),
            ("source", T),
            ("source_ref", T),
            ("created_by", I),
            ("created_at", I),
        ],
    },
];

/// Whose records a caller reads: every record about people in a scope, or only his own.
#[derive(Debug, Clone)]
pub enum View {
    Scope(Scope),
    Own(PersonId),
}

fn push_view(b: &mut SqlBuilder, alias: &str, view: &View) {
    match view {
        View::Scope(s) => {
            b.scope(&format!("{alias}.person_org_path"), s);
        }
        View::Own(me) => {
            b.push(alias).push(".person_id = ").bind(me.get());
        }
    }
}

// ----------------------------------------------------------------------------- 婚丧喜庆

/// A 婚丧喜庆事宜 report: what was planned (filed before), what happened (filed after), the
/// 纪委's review.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct FamilyEvent {
    pub id: FamilyEventId,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_org_path: String,
    pub person_org_name: String,
    pub kind: String,
    pub kind_note: Option<String>,
    pub event_date: String,
    pub tables_planned: i64,
    pub guests_planned: i64,
    pub clients_invited: bool,
    pub venue: String,
    pub public_venue: bool,
    pub public_funds: bool,
    /// 元
    pub cost_estimate: i64,
    pub filed_on: String,
    pub filed_by: String,
    /// Days from filing to the event (negative: filed after it).
    pub days_ahead: i64,
    pub tables_actual: Option<i64>,
    pub guests_actual: Option<i64>,
    pub clients_attended: Option<bool>,
    pub gifts: Option<String>,
    pub gifts_note: Option<String>,
    pub cost_actual: Option<i64>,
    pub after_note: Option<String>,
    pub after_on: Option<String>,
    pub review: Option<String>,
    pub review_note: Option<String>,
    pub reviewed_on: Option<String>,
    pub reviewed_by: Option<String>,
    pub created_at: i64,
    pub version: i64,
}

const FE_SELECT: &str = "SELECT f.id, f.person_id, p.name AS person_name, f.person_org_path, o.name AS person_org_name, f.kind, f.kind_note, f.event_date, f.tables_planned, f.guests_planned, f.clients_invited, f.venue, f.public_venue, f.public_funds, f.cost_estimate, f.filed_on, f.filed_by, f.days_ahead, f.tables_actual, f.guests_actual, f.clients_attended, f.gifts, f.gifts_note, f.cost_actual, f.after_note, f.after_on, f.review, f.review_note, f.reviewed_on, f.reviewed_by, f.created_at, f.version FROM family_events f JOIN people p ON p.id = f.person_id JOIN orgs o ON o.id = p.org_id WHERE ";

/// Filters of the reports list, already checked.
#[derive(Debug, Clone, Default)]
pub struct FamilyFilter {
    pub year: i64,
    pub person_id: Option<PersonId>,
    /// Only reports not yet reviewed.
    pub unreviewed: bool,
}

/// Every report of the year in the view (newest event first); flags are computed by the use
/// case from the settings, so the list is filtered by them after this.
pub async fn family_list(db: &Db, view: &View, f: &FamilyFilter) -> Result<Vec<FamilyEvent>, StoreError> {
    let mut b = SqlBuilder::new(FE_SELECT);
    push_view(&mut b, "f", view);
    b.push(" AND f.event_date >= ").bind(format!("{:04}-01-01", f.year)).push(" AND f.event_date <= ").bind(format!("{:04}-12-31", f.year));
    if let Some(pid) = f.person_id {
        b.push(" AND f.person_id = ").bind(pid.get());
    }
    if f.unreviewed {
        b.push(" AND f.review IS NULL");
    }
    b.push(" ORDER BY f.event_date DESC, f.id DESC LIMIT 2000");
    db.fetch_all(b.build()).await
}

pub async fn family_get(db: &Db, view: &View, id: FamilyEventId) -> Result<FamilyEvent, StoreError> {
    let mut b = SqlBuilder::new(FE_SELECT);
    b.push("f.id = ").bind(id.get()).push(" AND ");
    push_view(&mut b, "f", view);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// A person's reports, newest event first.
pub async fn family_of(db: &Db, person_id: PersonId) -> Result<Vec<FamilyEvent>, StoreError> {
    let mut b = SqlBuilder::new(FE_SELECT);
    b.push("f.person_id = ").bind(person_id.get()).push(" ORDER BY f.event_date DESC, f.id DESC");
    db.fetch_all(b.build()).await
}

/// The reports of several people (a page of the people list), for their counts and flags.
pub async fn family_of_people(db: &Db, people: &[PersonId]) -> Result<Vec<FamilyEvent>, StoreError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let mut b = SqlBuilder::new(FE_SELECT);
    b.push("f.person_id IN ").in_list(people.iter().map(|p| p.get()));
    db.fetch_all(b.build()).await
}

/// A new report, checked by the use case.
#[derive(Debug, Clone)]
pub struct NewFamilyEvent {
    pub person_id: PersonId,
    pub person_org_path: String,
    pub kind: String,
    pub kind_note: Option<String>,
    pub event_date: String,
    pub tables_planned: i64,
    pub guests_planned: i64,
    pub clients_invited: bool,
    pub venue: String,
    pub public_venue: bool,
    pub public_funds: bool,
    pub cost_estimate: i64,
    pub filed_on: String,
    pub filed_by: String,
    pub days_ahead: i64,
    pub created_by: Option<i64>,
}

pub async fn family_create(tx: &mut Tx, actor: &Actor, n: &NewFamilyEvent) -> Result<FamilyEventId, StoreError> {
    let t = now();
    let (id,): (FamilyEventId,) = tx
        .fetch_one(
            q("INSERT INTO family_events (person_id, person_org_path, kind, kind_note, event_date, tables_planned, guests_planned, clients_invited, venue, public_venue, public_funds, cost_estimate, filed_on, filed_by, days_ahead, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id")
                .bind(n.person_id.get())
                .bind(n.person_org_path.as_str())
                .bind(n.kind.as_str())
                .bind(n.kind_note.clone())
                .bind(n.event_date.as_str())
                .bind(n.tables_planned)
                .bind(n.guests_planned)
                .bind(n.clients_invited)
                .bind(n.venue.as_str())
                .bind(n.public_venue)
                .bind(n.public_funds)
                .bind(n.cost_estimate)
                .bind(n.filed_on.as_str())
                .bind(n.filed_by.as_str())
                .bind(n.days_ahead)
                .bind(n.created_by)
                .bind(t),
        )
        .await?;
    audit::record(
        tx,
        actor,
        "family_event.create",
        "family_event",
        Some(id.to_string()),
        json!({"after": {"person_id": n.person_id, "kind": n.kind, "event_date": n.event_date, "tables": n.tables_planned, "guests": n.guests_planned, "filed_on": n.filed_on}}),
    )
    .await?;
    Ok(id)
}

/// What happened, reported after the event.
#[derive(Debug, Clone)]
pub struct After {
    pub tables_actual: i64,
    pub guests_actual: i64,
    pub clients_attended: bool,
    pub gifts: String,
    pub gifts_note: Option<String>,
    pub cost_actual: i64,
    pub after_note: Option<String>,
    pub after_on: String,
}

pub async fn family_after(tx: &mut Tx, actor: &Actor, id: FamilyEventId, version: i64, a: &After) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE family_events SET tables_actual = $1, guests_actual = $2, clients_attended = $3, gifts = $4, gifts_note = $5, cost_actual = $6, after_note = $7, after_on = $8, updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11 AND after_on IS NULL")
                .bind(a.tables_actual)
                .bind(a.guests_actual)
                .bind(a.clients_attended)
                .bind(a.gifts.as_str())
                .bind(a.gifts_note.clone())
                .bind(a.cost_actual)
                .bind(a.after_note.clone())
                .bind(a.after_on.as_str())
                .bind(now())
                .bind(id.get())
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "family_event.after", "family_event", Some(id.to_string()), json!({"after": {"tables": a.tables_actual, "guests": a.guests_actual, "gifts": a.gifts, "after_on": a.after_on}})).await
}

/// The 纪委's review of a report: read / explain, what is to be explained, the day and who.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub review: &'a str,
    pub note: Option<&'a str>,
    pub on: &'a str,
    pub by: &'a str,
}

pub async fn family_review(tx: &mut Tx, actor: &Actor, id: FamilyEventId, version: i64, r: Review<'_>) -> Result<(), StoreError> {
    let Review { review, note, on, by } = r;
    let n = tx
        .execute(
            q("UPDATE family_events SET review = $1, review_note = $2, reviewed_on = $3, reviewed_by = $4, updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7")
                .bind(review)
                .bind(note)
                .bind(on)
                .bind(by)
                .bind(now())
                .bind(id.get())
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "family_event.review", "family_event", Some(id.to_string()), json!({"after": {"review": review, "reviewed_on": on}})).await
}

/// The person's reports whose event day is before `today` and whose after-report is missing.
pub async fn family_after_due(db: &Db, person_id: PersonId, today: &str) -> Result<(i64, Option<FamilyEventId>), StoreError> {
    let (n, first): (i64, Option<i64>) = db.fetch_one(q("SELECT COUNT(*), MIN(id) FROM family_events WHERE person_id = $1 AND after_on IS NULL AND event_date < $2").bind(person_id.get()).bind(today)).await?;
    Ok((n, first.map(FamilyEventId::new)))
}

/// Reports in the scope not yet reviewed (the 纪委's 待办).
pub async fn family_unreviewed(db: &Db, scope: &Scope) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM family_events f WHERE ");
    b.scope("f.person_org_path", scope).push(" AND f.review IS NULL");
    db.scalar_i64(b.build()).await
}

// ------------------------------------------------------------------------- 个人有关事项

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct PersonalMatter {
    pub id: PersonalMatterId,
    pub person_id: PersonId,
    pub year: i64,
    pub kind: String,
    pub happened_on: Option<String>,
    pub content: String,
    pub filed_on: String,
    pub created_at: i64,
}

pub async fn matters_of(db: &Db, person_id: PersonId) -> Result<Vec<PersonalMatter>, StoreError> {
    db.fetch_all(q("SELECT id, person_id, year, kind, happened_on, content, filed_on, created_at FROM personal_matters WHERE person_id = $1 ORDER BY year DESC, filed_on DESC, id DESC").bind(person_id.get())).await
}

#[derive(Debug, Clone)]
pub struct NewMatter {
    pub person_id: PersonId,
    pub person_org_path: String,
    pub year: i64,
    pub kind: String,
    pub happened_on: Option<String>,
    pub content: String,
    pub filed_on: String,
    pub created_by: Option<i64>,
}

pub async fn matter_create(tx: &mut Tx, actor: &Actor, n: &NewMatter) -> Result<PersonalMatterId, StoreError> {
    let (id,): (PersonalMatterId,) = tx
        .fetch_one(
            q("INSERT INTO personal_matters (person_id, person_org_path, year, kind, happened_on, content, filed_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(n.person_id.get())
                .bind(n.person_org_path.as_str())
                .bind(n.year)
                .bind(n.kind.as_str())
                .bind(n.happened_on.clone())
                .bind(n.content.as_str())
                .bind(n.filed_on.as_str())
                .bind(n.created_by)
                .bind(now()),
        )
        .await?;
    // the content stays out of the log (personal data; the log is read by the 安全审计员)
    audit::record(tx, actor, "personal_matter.create", "personal_matter", Some(id.to_string()), json!({"after": {"person_id": n.person_id, "year": n.year, "kind": n.kind}})).await?;
    Ok(id)
}

// ------------------------------------------------------------------------ 处分、组织处理

#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Sanction {
    pub id: SanctionId,
    pub person_id: PersonId,
    pub category: String,
    pub kind: String,
    /// 留党察看: the 察看期 of the case, in months.
    pub probation_months: Option<i64>,
    pub decided_on: String,
    /// 决定机关
    pub body: String,
    /// 文号
    pub doc_no: Option<String>,
    pub matter: String,
    /// 手工登记, or the module that registered it (追责, 信访 …).
    pub source: String,
    /// The record of that module it came from ("accountability:12"), if any.
    pub source_ref: Option<String>,
    pub created_at: i64,
}

const S_SELECT: &str = "SELECT id, person_id, category, kind, probation_months, decided_on, body, doc_no, matter, source, source_ref, created_at FROM sanctions WHERE ";

pub async fn sanctions_of(db: &Db, person_id: PersonId) -> Result<Vec<Sanction>, StoreError> {
    let mut b = SqlBuilder::new(S_SELECT);
    b.push("person_id = ").bind(person_id.get()).push(" ORDER BY decided_on DESC, id DESC");
    db.fetch_all(b.build()).await
}

pub async fn sanctions_of_people(db: &Db, people: &[PersonId]) -> Result<Vec<Sanction>, StoreError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let mut b = SqlBuilder::new(S_SELECT);
    b.push("person_id IN ").in_list(people.iter().map(|p| p.get()));
    db.fetch_all(b.build()).await
}

#[derive(Debug, Clone)]
pub struct NewSanction {
    pub person_id: PersonId,
    pub person_org_path: String,
    pub category: String,
    pub kind: String,
    pub probation_months: Option<i64>,
    pub decided_on: String,
    pub body: String,
    pub doc_no: Option<String>,
    pub matter: String,
    pub source: String,
    pub source_ref: Option<String>,
    pub created_by: Option<i64>,
}

/// Registers a 处分 or 组织处理 (by hand, or by a later module with its `source`).
pub async fn sanction_create(tx: &mut Tx, actor: &Actor, n: &NewSanction) -> Result<SanctionId, StoreError> {
    let (id,): (SanctionId,) = tx
        .fetch_one(
            q("INSERT INTO sanctions (person_id, person_org_path, category, kind, probation_months, decided_on, body, doc_no, matter, source, source_ref, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                .bind(n.person_id.get())
                .bind(n.person_org_path.as_str())
                .bind(n.category.as_str())
                .bind(n.kind.as_str())
                .bind(n.probation_months)
                .bind(n.decided_on.as_str())
                .bind(n.body.as_str())
                .bind(n.doc_no.clone())
                .bind(n.matter.as_str())
                .bind(n.source.as_str())
                .bind(n.source_ref.clone())
                .bind(n.created_by)
                .bind(now()),
        )
        .await?;
    audit::record(
        tx,
        actor,
        "sanction.create",
        "sanction",
        Some(id.to_string()),
        json!({"after": {"person_id": n.person_id, "category": n.category, "kind": n.kind, "decided_on": n.decided_on, "doc_no": n.doc_no, "source": n.source}}),
    )
    .await?;
    Ok(id)
}

// ----------------------------------------------------------------- other parts, by person

/// A talk the person was interviewed in.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct TalkOf {
    pub id: TalkId,
    pub talk_date: String,
    pub kind: String,
    pub occasion: String,
    pub talker_name: String,
    pub org_name: String,
    pub confirmed_at: Option<i64>,
}

/// The talks the person was an interviewee of, newest first (`talk_interviewees_person`).
pub async fn talks_of(db: &Db, person_id: PersonId) -> Result<Vec<TalkOf>, StoreError> {
    db.fetch_all(
        q("SELECT t.id, t.talk_date, t.kind, t.occasion, t.talker_name, o.name AS org_name, i.confirmed_at FROM talk_interviewees i JOIN talks t ON t.id = i.talk_id JOIN orgs o ON o.id = t.org_id WHERE i.person_id = $1 ORDER BY t.talk_date DESC, t.id DESC")
            .bind(person_id.get()),
    )
    .await
}

/// Every post the person held, current first, then the latest started (`posts_person`).
pub async fn posts_of(db: &Db, person_id: PersonId) -> Result<Vec<crate::people::Post>, StoreError> {
    db.fetch_all(
        q("SELECT ps.id, ps.person_id, ps.org_id, o.name AS org_name, ps.kind, ps.title, ps.duty_areas, ps.start_date, ps.end_date FROM posts ps JOIN orgs o ON o.id = ps.org_id WHERE ps.person_id = $1 ORDER BY ps.end_date IS NOT NULL, ps.start_date DESC, ps.id")
            .bind(person_id.get()),
    )
    .await
}

/// The person's header: name, unit and its path, rank.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Head {
    pub id: PersonId,
    pub name: String,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub rank: Option<String>,
}

pub async fn head(db: &Db, person_id: PersonId) -> Result<Option<Head>, StoreError> {
    db.fetch_optional(q("SELECT p.id, p.name, p.org_id, p.org_path, o.name AS org_name, p.rank FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.id = $1").bind(person_id.get())).await
}

/// Open 谈话函询 (no conclusion yet) of several people, as (person, count).
pub async fn open_inquiries_of_people(db: &Db, people: &[PersonId]) -> Result<Vec<(PersonId, i64)>, StoreError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let mut b = SqlBuilder::new("SELECT person_id, COUNT(*) FROM inquiries WHERE conclusion IS NULL AND person_id IN ");
    b.in_list(people.iter().map(|p| p.get())).push(" GROUP BY person_id");
    db.fetch_all(b.build()).await
}
