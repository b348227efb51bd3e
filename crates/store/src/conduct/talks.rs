//! 廉政约谈: talks (the talker's unit, one or many interviewees, 集体/个别, occasion, content
//! tags, the record, follow-up), each interviewee's confirmation (in the system or by a signed
//! scan), and the rows the compliance flags are computed from (`FlagData`). Nothing here
//! stores a flag: they are derived from these rows whenever they are read.

use std::collections::HashMap;

use lianzheng_core::ids::{AttachmentId, OrgId, PersonId, TalkId};
use lianzheng_core::org::Scope;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, q, q_built};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef {
        name: "talks",
        columns: &[
            ("id", I),
            ("year", I),
            ("org_id", I),
            ("org_path", T),
            ("talker_id", I),
            ("talker_name", T),
            ("kind", T),
            ("occasion", T),
            ("tags", T),
            ("talk_date", T),
            ("place", T),
            ("content", T),
            ("follow_up", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
        ],
    },
    TableDef { name: "talk_interviewees", columns: &[("id", I), ("talk_id", I), ("person_id", I), ("person_name", T), ("confirm_method", T), ("confirmed_at", I), ("confirmed_by", I), ("scan_attachment_id", I)] },
];

/// Post kinds of a unit's leadership team (领导班子): they are not "the people in the 分管 area"
/// of a 班子成员, and a post of theirs starting this year asks for a 任前 talk.
pub const LEADERSHIP_POSTS: &[&str] = &["secretary", "deputy_secretary", "team_member", "discipline_secretary"];
/// Post kinds of a 班子成员 (the 一岗双责 members, not the 书记 who leads them).
pub const TEAM_POSTS: &[&str] = &["deputy_secretary", "team_member"];

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Interviewee {
    pub talk_id: TalkId,
    pub person_id: PersonId,
    pub person_name: String,
    /// The person's unit today.
    pub org_name: String,
    /// confirm (in the system, by the interviewee) or scan (a signed scan uploaded by staff).
    pub confirm_method: Option<String>,
    pub confirmed_at: Option<i64>,
    pub scan_attachment_id: Option<AttachmentId>,
}

impl Interviewee {
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
    pub fn method_label(&self) -> &'static str {
        match self.confirm_method.as_deref() {
            Some("confirm") => "本人在系统内确认",
            Some("scan") => "签字扫描件",
            _ => "待确认",
        }
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Talk {
    pub id: TalkId,
    pub year: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub talker_id: PersonId,
    pub talker_name: String,
    /// collective (集体) or individual (个别).
    pub kind: String,
    pub occasion: String,
    /// Content tag codes, comma separated.
    pub tags: String,
    pub talk_date: String,
    pub place: Option<String>,
    pub content: String,
    pub follow_up: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    #[sqlx(skip)]
    pub interviewees: Vec<Interviewee>,
}

impl Talk {
    pub fn participants(&self) -> Vec<PersonId> {
        std::iter::once(self.talker_id).chain(self.interviewees.iter().map(|i| i.person_id)).collect()
    }
    pub fn has_tag(&self, code: &str) -> bool {
        self.tags.split(',').any(|t| t == code)
    }
    /// Once anybody has confirmed it, the record is what they confirmed: no more edits.
    pub fn locked(&self) -> bool {
        self.interviewees.iter().any(Interviewee::confirmed)
    }
    pub fn unconfirmed(&self) -> usize {
        self.interviewees.iter().filter(|i| !i.confirmed()).count()
    }
}

/// What a new or edited talk holds, checked by the use case (people inside the unit's reach,
/// texts within their limits).
#[derive(Debug, Clone)]
pub struct TalkInput {
    pub org_id: OrgId,
    pub org_path: String,
    pub talker_id: PersonId,
    pub talker_name: String,
    pub kind: String,
    pub occasion: String,
    pub tags: Vec<String>,
    pub talk_date: String,
    pub place: Option<String>,
    pub content: String,
    pub follow_up: Option<String>,
    /// (person, name)
    pub interviewees: Vec<(PersonId, String)>,
}

impl TalkInput {
    fn year(&self) -> i64 {
        self.talk_date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
}

const SELECT: &str = "SELECT t.id, t.year, t.org_id, t.org_path, o.name AS org_name, t.talker_id, t.talker_name, t.kind, t.occasion, t.tags, t.talk_date, t.place, t.content, t.follow_up, t.created_at, t.updated_at, t.version FROM talks t JOIN orgs o ON o.id = t.org_id ";
const INTERVIEWEES: &str = "SELECT i.talk_id, i.person_id, i.person_name, o.name AS org_name, i.confirm_method, i.confirmed_at, i.scan_attachment_id FROM talk_interviewees i JOIN people p ON p.id = i.person_id JOIN orgs o ON o.id = p.org_id WHERE i.talk_id IN ";

/// Filters of the list. Every filter narrows inside the caller's scope.
#[derive(Debug, Clone, Default)]
pub struct TalkFilter {
    pub year: i64,
    pub kind: Option<String>,
    pub occasion: Option<String>,
    /// A unit's subtree.
    pub org_path: Option<String>,
    /// Talks this person took part in (talker or interviewee).
    pub person_id: Option<PersonId>,
    /// Only talks with an interviewee who has not confirmed.
    pub unconfirmed: bool,
}

/// Most rows a list answers (a county's year is a few hundred).
pub const LIST_MAX: i64 = 5000;

async fn attach(db: &Db, mut talks: Vec<Talk>) -> Result<Vec<Talk>, StoreError> {
    if talks.is_empty() {
        return Ok(talks);
    }
    let mut by_talk: HashMap<TalkId, Vec<Interviewee>> = HashMap::new();
    for chunk in talks.chunks(500) {
        let mut b = SqlBuilder::new(INTERVIEWEES);
        b.in_list(chunk.iter().map(|t| t.id.get())).push(" ORDER BY i.id");
        for i in db.fetch_all::<Interviewee>(b.build()).await? {
            by_talk.entry(i.talk_id).or_default().push(i);
        }
    }
    for t in &mut talks {
        t.interviewees = by_talk.remove(&t.id).unwrap_or_default();
    }
    Ok(talks)
}

pub async fn list(db: &Db, scope: &Scope, f: &TalkFilter) -> Result<Vec<Talk>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE t.year = ").bind(f.year).push(" AND ").scope("t.org_path", scope);
    b.and_eq("t.kind", f.kind.as_deref()).and_eq("t.occasion", f.occasion.as_deref());
    if let Some(path) = &f.org_path {
        b.push(" AND ").subtree("t.org_path", path);
    }
    if let Some(pid) = f.person_id {
        b.push(" AND (t.talker_id = ").bind(pid).push(" OR EXISTS (SELECT 1 FROM talk_interviewees x WHERE x.talk_id = t.id AND x.person_id = ").bind(pid).push("))");
    }
    if f.unconfirmed {
        b.push(" AND EXISTS (SELECT 1 FROM talk_interviewees x WHERE x.talk_id = t.id AND x.confirmed_at IS NULL)");
    }
    b.push(" ORDER BY t.talk_date DESC, t.id DESC LIMIT ").bind(LIST_MAX);
    let rows = db.fetch_all(b.build()).await?;
    attach(db, rows).await
}

/// A talk inside the scope, with its interviewees.
pub async fn get_in_scope(db: &Db, scope: &Scope, id: TalkId) -> Result<Talk, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("WHERE t.id = ").bind(id).push(" AND ").scope("t.org_path", scope);
    let t: Talk = db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)?;
    attach(db, vec![t]).await?.into_iter().next().ok_or(StoreError::NotFound)
}

/// A person inside the scope: (id, name, unit id, unit path).
pub async fn person_in(db: &Db, scope: &Scope, id: PersonId) -> Result<Option<(PersonId, String, OrgId, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT id, name, org_id, org_path FROM people WHERE id = ");
    b.bind(id).push(" AND ").scope("org_path", scope);
    db.fetch_optional(b.build()).await
}

/// People a talk of the unit at `path` may name (the unit and the units below it), leaders
/// first: (id, name, unit id, unit name, post label).
pub async fn people_for(db: &Db, path: &str, max: i64) -> Result<Vec<(PersonId, String, OrgId, String, String)>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT p.id, p.name, p.org_id, o.name, COALESCE((SELECT COALESCE(po.title, po.kind) FROM posts po WHERE po.person_id = p.id AND po.org_id = p.org_id ORDER BY po.id LIMIT 1), '') FROM people p JOIN orgs o ON o.id = p.org_id WHERE ",
    );
    b.subtree("p.org_path", path);
    b.push(" ORDER BY CASE WHEN p.org_path = ").bind(path).push(" THEN 0 ELSE 1 END, o.path, CASE WHEN EXISTS (SELECT 1 FROM posts l WHERE l.person_id = p.id AND l.kind IN ");
    b.in_list(LEADERSHIP_POSTS.iter().map(|s| s.to_string())).push(") THEN 0 ELSE 1 END, p.sort_order, p.id LIMIT ").bind(max);
    db.fetch_all(b.build()).await
}

async fn insert_interviewees(tx: &mut Tx, id: TalkId, people: &[(PersonId, String)]) -> Result<(), StoreError> {
    for (pid, name) in people {
        tx.execute(q("INSERT INTO talk_interviewees (talk_id, person_id, person_name) VALUES ($1, $2, $3)").bind(id).bind(*pid).bind(name.as_str())).await?;
    }
    Ok(())
}

fn summary(input: &TalkInput) -> serde_json::Value {
    json!({"org_id": input.org_id, "talker_id": input.talker_id, "kind": input.kind, "occasion": input.occasion, "tags": input.tags, "talk_date": input.talk_date,
        "interviewees": input.interviewees.iter().map(|(p, _)| *p).collect::<Vec<_>>(), "chars": input.content.chars().count()})
}

pub async fn create(tx: &mut Tx, actor: &Actor, input: &TalkInput) -> Result<TalkId, StoreError> {
    let t = now();
    let (id,): (TalkId,) = tx
        .fetch_one(
            q("INSERT INTO talks (year, org_id, org_path, talker_id, talker_name, kind, occasion, tags, talk_date, place, content, follow_up, created_by, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id")
            .bind(input.year())
            .bind(input.org_id)
            .bind(input.org_path.as_str())
            .bind(input.talker_id)
            .bind(input.talker_name.as_str())
            .bind(input.kind.as_str())
            .bind(input.occasion.as_str())
            .bind(input.tags.join(","))
            .bind(input.talk_date.as_str())
            .bind(input.place.clone())
            .bind(input.content.as_str())
            .bind(input.follow_up.clone())
            .bind(actor.user_id)
            .bind(t),
        )
        .await?;
    insert_interviewees(tx, id, &input.interviewees).await?;
    audit::record(tx, actor, "talk.create", "talk", Some(id.to_string()), json!({"after": summary(input)})).await?;
    Ok(id)
}

pub const LOCKED: &str = "约谈记录已有被约谈人确认，内容已锁定，不能再修改或删除";

/// Locks the talk's row inside `scope` and answers whether anybody has confirmed it.
async fn lock(tx: &mut Tx, scope: &Scope, id: TalkId) -> Result<bool, StoreError> {
    let sql = format!("SELECT org_path FROM talks WHERE id = $1{}", tx.for_update());
    let row: Option<(String,)> = tx.fetch_optional(q_built(sql).bind(id)).await?;
    match row {
        Some((path,)) if scope.contains(&path) => {}
        _ => return Err(StoreError::NotFound),
    }
    let n = tx.scalar_i64(q("SELECT COUNT(*) FROM talk_interviewees WHERE talk_id = $1 AND confirmed_at IS NOT NULL").bind(id)).await?;
    Ok(n > 0)
}

/// Edits a talk nobody has confirmed yet; `version` guards concurrent edits.
pub async fn update(tx: &mut Tx, actor: &Actor, scope: &Scope, id: TalkId, version: i64, input: &TalkInput) -> Result<(), StoreError> {
    if lock(tx, scope, id).await? {
        return Err(StoreError::Invalid(LOCKED.into()));
    }
    let n = tx
        .execute(
            q("UPDATE talks SET year = $1, talker_id = $2, talker_name = $3, kind = $4, occasion = $5, tags = $6, talk_date = $7, place = $8, content = $9, follow_up = $10, updated_at = $11, version = version + 1 WHERE id = $12 AND version = $13")
                .bind(input.year())
                .bind(input.talker_id)
                .bind(input.talker_name.as_str())
                .bind(input.kind.as_str())
                .bind(input.occasion.as_str())
                .bind(input.tags.join(","))
                .bind(input.talk_date.as_str())
                .bind(input.place.clone())
                .bind(input.content.as_str())
                .bind(input.follow_up.clone())
                .bind(now())
                .bind(id)
                .bind(version),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    tx.execute(q("DELETE FROM talk_interviewees WHERE talk_id = $1").bind(id)).await?;
    insert_interviewees(tx, id, &input.interviewees).await?;
    audit::record(tx, actor, "talk.update", "talk", Some(id.to_string()), json!({"after": summary(input)})).await
}

/// Deletes a talk nobody has confirmed yet.
pub async fn delete(tx: &mut Tx, actor: &Actor, scope: &Scope, id: TalkId) -> Result<(), StoreError> {
    if lock(tx, scope, id).await? {
        return Err(StoreError::Invalid(LOCKED.into()));
    }
    tx.execute(q("DELETE FROM talk_interviewees WHERE talk_id = $1").bind(id)).await?;
    tx.execute(q("DELETE FROM talks WHERE id = $1").bind(id)).await?;
    audit::record(tx, actor, "talk.delete", "talk", Some(id.to_string()), json!({})).await
}

/// Records one interviewee's confirmation: `confirm` (the interviewee in the system) or `scan`
/// (a signed scan, its attachment). Refused when the interviewee already confirmed.
pub async fn confirm(tx: &mut Tx, actor: &Actor, scope: &Scope, id: TalkId, person: PersonId, method: &str, scan: Option<AttachmentId>) -> Result<(), StoreError> {
    lock(tx, scope, id).await?;
    let t = now();
    let n = tx
        .execute(
            q("UPDATE talk_interviewees SET confirm_method = $1, confirmed_at = $2, confirmed_by = $3, scan_attachment_id = $4 WHERE talk_id = $5 AND person_id = $6 AND confirmed_at IS NULL")
                .bind(method)
                .bind(t)
                .bind(actor.user_id)
                .bind(scan)
                .bind(id)
                .bind(person),
        )
        .await?;
    if n == 0 {
        let known = tx.scalar_i64(q("SELECT COUNT(*) FROM talk_interviewees WHERE talk_id = $1 AND person_id = $2").bind(id).bind(person)).await?;
        return Err(if known > 0 { StoreError::Invalid("该被约谈人已确认过本次约谈记录".into()) } else { StoreError::Invalid("此人不是本次约谈的被约谈人".into()) });
    }
    tx.execute(q("UPDATE talks SET updated_at = $1 WHERE id = $2").bind(t).bind(id)).await?;
    let summary = json!({"person_id": person, "method": method, "scan_attachment_id": scan});
    if method == "scan" { audit::record(tx, actor, "talk.scan", "talk", Some(id.to_string()), summary).await } else { audit::record(tx, actor, "talk.confirm", "talk", Some(id.to_string()), summary).await }
}

/// Talks waiting for this person's own confirmation: how many, and the oldest one's id.
pub async fn waiting_for(db: &Db, person: PersonId) -> Result<(i64, Option<TalkId>), StoreError> {
    let (n, first): (i64, Option<TalkId>) = db.fetch_one(q("SELECT COUNT(*), MIN(talk_id) FROM talk_interviewees WHERE person_id = $1 AND confirmed_at IS NULL").bind(person)).await?;
    Ok((n, first))
}

// ---- the rows the flags are computed from ----

/// A 班子成员 and what rule 3 needs of him: how many people his 分管 area holds and how many
/// individual talks of the year he held with one of them.
#[derive(Debug, Clone, FromRow)]
pub struct TeamMember {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub title: Option<String>,
    pub duty_areas: Option<String>,
    pub area_size: i64,
    pub talks: i64,
}

/// A leadership post that started in the year (rule 5).
#[derive(Debug, Clone, FromRow)]
pub struct NewLeader {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub title: Option<String>,
    pub kind: String,
    pub start_date: String,
}

pub struct FlagData {
    pub talks: Vec<Talk>,
    pub team: Vec<TeamMember>,
    pub new_leaders: Vec<NewLeader>,
    /// 任前 talk dates (YYYY-MM-DD) per interviewee, of the new leaders, wherever held.
    pub pre_talks: HashMap<PersonId, Vec<String>>,
}

/// Everything the year's flags within `scope` are computed from. `today` ("YYYY-MM-DD")
/// decides which posts are current.
pub async fn flag_data(db: &Db, scope: &Scope, year: i64, today: &str) -> Result<FlagData, StoreError> {
    let talks = list(db, scope, &TalkFilter { year, ..TalkFilter::default() }).await?;
    // the 分管 area: the people of his unit and the units below it who hold no leadership post in his unit
    let mut b = SqlBuilder::new("SELECT po.person_id, pe.name, po.org_id, o.path AS org_path, o.name AS org_name, po.title, po.duty_areas, ");
    b.push("(SELECT COUNT(*) FROM people x WHERE x.org_path LIKE (o.path || '%') AND NOT EXISTS (SELECT 1 FROM posts l WHERE l.person_id = x.id AND l.org_id = po.org_id AND l.kind IN ");
    b.in_list(LEADERSHIP_POSTS.iter().map(|s| s.to_string()));
    b.push(")) AS area_size, ");
    b.push("(SELECT COUNT(*) FROM talks t JOIN talk_interviewees i ON i.talk_id = t.id JOIN people x ON x.id = i.person_id WHERE t.talker_id = po.person_id AND t.kind = 'individual' AND t.year = ").bind(year);
    b.push(" AND x.org_path LIKE (o.path || '%') AND NOT EXISTS (SELECT 1 FROM posts l WHERE l.person_id = x.id AND l.org_id = po.org_id AND l.kind IN ");
    b.in_list(LEADERSHIP_POSTS.iter().map(|s| s.to_string()));
    b.push(")) AS talks FROM posts po JOIN people pe ON pe.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE po.kind IN ");
    b.in_list(TEAM_POSTS.iter().map(|s| s.to_string()));
    b.push(" AND (po.end_date IS NULL OR po.end_date = '' OR po.end_date >= ").bind(today).push(") AND ").scope("o.path", scope);
    b.push(" ORDER BY o.path, pe.sort_order, pe.id");
    let team: Vec<TeamMember> = db.fetch_all(b.build()).await?;

    let mut b = SqlBuilder::new(
        "SELECT po.person_id, pe.name, po.org_id, o.name AS org_name, po.title, po.kind, po.start_date FROM posts po JOIN people pe ON pe.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE po.kind IN ",
    );
    b.in_list(LEADERSHIP_POSTS.iter().map(|s| s.to_string()));
    b.push(" AND po.start_date >= ").bind(format!("{year}-01-01")).push(" AND po.start_date <= ").bind(format!("{year}-12-31"));
    b.push(" AND po.start_date <= ").bind(today).push(" AND ").scope("o.path", scope).push(" ORDER BY po.start_date, o.path, pe.id");
    let new_leaders: Vec<NewLeader> = db.fetch_all(b.build()).await?;

    let mut pre_talks: HashMap<PersonId, Vec<String>> = HashMap::new();
    for chunk in new_leaders.chunks(500) {
        let mut b = SqlBuilder::new("SELECT i.person_id, t.talk_date FROM talk_interviewees i JOIN talks t ON t.id = i.talk_id WHERE t.occasion = 'pre_appointment' AND i.person_id IN ");
        b.in_list(chunk.iter().map(|l| l.person_id.get()));
        let rows: Vec<(PersonId, String)> = db.fetch_all(b.build()).await?;
        for (p, d) in rows {
            pre_talks.entry(p).or_default().push(d);
        }
    }
    Ok(FlagData { talks, team, new_leaders, pre_talks })
}
