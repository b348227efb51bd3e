//! 廉政考试: the question bank of an organisation (usable by the papers of its subtree), papers
//! with their takers (units, people, and for 任前廉政考试 the newly appointed leaders), attempts
//! with the questions drawn for each (stored, so a reload shows the same paper) and the answers
//! saved one by one as they are given.

use lianzheng_core::ids::{AttemptId, OrgId, PaperId, PersonId, QuestionId};
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
    TableDef { name: "exam_questions", columns: &[("id", I), ("org_id", I), ("org_path", T), ("kind", T), ("stem", T), ("options", T), ("answer", T), ("tags", T), ("points", I), ("created_at", I)] },
    TableDef {
        name: "exam_papers",
        columns: &[("id", I), ("org_id", I), ("org_path", T), ("title", T), ("kind", T), ("minutes", I), ("opens_on", T), ("closes_on", T), ("rules", T), ("pass_mark", I), ("attempts_allowed", I), ("created_at", I)],
    },
    TableDef { name: "exam_paper_orgs", columns: &[("id", I), ("paper_id", I), ("org_id", I), ("org_path", T)] },
    TableDef { name: "exam_paper_people", columns: &[("id", I), ("paper_id", I), ("person_id", I)] },
    TableDef {
        name: "exam_attempts",
        columns: &[("id", I), ("paper_id", I), ("person_id", I), ("org_path", T), ("seq", I), ("seed", I), ("started_at", I), ("deadline_at", I), ("submitted_at", I), ("score", I), ("total", I), ("passed", I)],
    },
    TableDef { name: "exam_attempt_items", columns: &[("id", I), ("attempt_id", I), ("seq", I), ("question_id", I), ("points", I), ("answer", T), ("saved_at", I), ("correct", I)] },
];

/// Post kinds that make a 领导干部 (任前廉政考试 is offered to them after a new post).
pub const LEADER_POSTS: &[&str] = &["secretary", "deputy_secretary", "team_member", "discipline_secretary"];

/// The materialised path and every ancestor's: "/1/5/23/" → "/1/", "/1/5/", "/1/5/23/".
pub fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::from("/");
    for part in path.split('/').filter(|s| !s.is_empty()) {
        cur.push_str(part);
        cur.push('/');
        out.push(cur.clone());
    }
    out
}

/// The scope's subtree roots and their ancestors (a unit uses the banks and sits the papers of
/// the organisations above it).
fn scope_ancestors(scope: &Scope) -> Vec<String> {
    let mut v: Vec<String> = scope.paths().iter().flat_map(|p| ancestors(p)).collect();
    v.sort();
    v.dedup();
    v
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Question {
    pub id: QuestionId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    /// single, multiple, judge, fill
    pub kind: String,
    pub stem: String,
    /// JSON array of the options' texts (单选/多选).
    pub options: String,
    pub answer: String,
    /// Tags separated by "、".
    pub tags: String,
    pub points: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct QuestionInput {
    pub kind: String,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: String,
    pub tags: Vec<String>,
    pub points: i64,
}

const Q_SELECT: &str = "SELECT x.id, x.org_id, x.org_path, o.name AS org_name, x.kind, x.stem, x.options, x.answer, x.tags, x.points, x.created_at FROM exam_questions x JOIN orgs o ON o.id = x.org_id ";

/// The banks the scope keeps or uses: its own organisations' and those above them.
pub async fn list_questions(db: &Db, scope: &Scope) -> Result<Vec<Question>, StoreError> {
    let mut b = SqlBuilder::new(Q_SELECT);
    b.push("WHERE (").scope("x.org_path", scope).push(" OR x.org_path IN ").in_list(scope_ancestors(scope)).push(") ORDER BY x.org_path, x.id LIMIT 5000");
    db.fetch_all(b.build()).await
}

/// The questions a paper of the unit at `org_path` may draw from (its bank and those above it).
pub async fn usable_questions(db: &Db, org_path: &str) -> Result<Vec<Question>, StoreError> {
    let mut b = SqlBuilder::new(Q_SELECT);
    b.push("WHERE x.org_path IN ").in_list(ancestors(org_path)).push(" ORDER BY x.id");
    db.fetch_all(b.build()).await
}

/// Adds questions to a bank, one typed in or many from an XLSX (`imported`).
pub async fn create_questions(tx: &mut Tx, actor: &Actor, org_id: OrgId, org_path: &str, inputs: &[QuestionInput], imported: bool) -> Result<Vec<QuestionId>, StoreError> {
    let t = now();
    let mut ids = Vec::with_capacity(inputs.len());
    for i in inputs {
        let (id,): (QuestionId,) = tx
            .fetch_one(
                q("INSERT INTO exam_questions (org_id, org_path, kind, stem, options, answer, tags, points, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                    .bind(org_id.get())
                    .bind(org_path)
                    .bind(i.kind.as_str())
                    .bind(i.stem.as_str())
                    .bind(serde_json::to_string(&i.options).unwrap_or_else(|_| "[]".into()))
                    .bind(i.answer.as_str())
                    .bind(i.tags.join("、"))
                    .bind(i.points)
                    .bind(t),
            )
            .await?;
        ids.push(id);
    }
    let summary = match inputs {
        [one] => json!({"after": {"org_id": org_id, "kind": one.kind, "stem": one.stem, "tags": one.tags, "points": one.points}}),
        _ => json!({"after": {"org_id": org_id, "rows": inputs.len()}}),
    };
    audit::record(tx, actor, if imported { "exam_question.import" } else { "exam_question.create" }, "exam_question", ids.first().filter(|_| ids.len() == 1).map(|i| i.to_string()), summary).await?;
    Ok(ids)
}

// ---------------------------------------------------------------------------------- papers

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Paper {
    pub id: PaperId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub title: String,
    /// regular, pre_appointment (任前廉政考试)
    pub kind: String,
    pub minutes: i64,
    pub opens_on: String,
    pub closes_on: String,
    /// JSON: [{"kind": "single", "tag": "党章" or "", "count": 5, "points": 2}, …]
    pub rules: String,
    pub pass_mark: i64,
    pub attempts_allowed: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct PaperInput {
    pub org_id: OrgId,
    pub title: String,
    pub kind: String,
    pub minutes: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub rules: String,
    pub pass_mark: i64,
    pub attempts_allowed: i64,
    pub units: Vec<OrgId>,
    pub people: Vec<PersonId>,
}

const P_SELECT: &str =
    "SELECT p.id, p.org_id, p.org_path, o.name AS org_name, p.title, p.kind, p.minutes, p.opens_on, p.closes_on, p.rules, p.pass_mark, p.attempts_allowed, p.created_at FROM exam_papers p JOIN orgs o ON o.id = p.org_id ";

/// Papers of the scope's organisations and of those above them (their people sit them), newest first.
pub async fn list_papers(db: &Db, scope: &Scope) -> Result<Vec<Paper>, StoreError> {
    let mut b = SqlBuilder::new(P_SELECT);
    b.push("WHERE (").scope("p.org_path", scope).push(" OR p.org_path IN ").in_list(scope_ancestors(scope)).push(") ORDER BY p.closes_on DESC, p.id DESC LIMIT 500");
    db.fetch_all(b.build()).await
}

pub async fn get_paper(db: &Db, id: PaperId) -> Result<Paper, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{P_SELECT}WHERE p.id = $1")).bind(id.get())).await?.ok_or(StoreError::NotFound)
}

/// Creates a paper; its units and people must lie in the paper's organisation's subtree.
pub async fn create_paper(tx: &mut Tx, actor: &Actor, scope: &Scope, input: &PaperInput) -> Result<PaperId, StoreError> {
    let (path,): (String,) = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(input.org_id.get())).await?.ok_or_else(|| StoreError::Invalid("组织单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("组织单位不在您的管理范围内".into()));
    }
    let mut units = Vec::new();
    for u in &input.units {
        let (up,): (String,) = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(u.get())).await?.ok_or_else(|| StoreError::Invalid("参考单位不存在".into()))?;
        if !up.starts_with(&path) || !scope.contains(&up) {
            return Err(StoreError::Invalid("参考单位须在组织单位的范围内".into()));
        }
        units.push((*u, up));
    }
    if !input.people.is_empty() {
        let mut b = SqlBuilder::new("SELECT COUNT(*) FROM people WHERE id IN ");
        b.in_list(input.people.iter().map(|p| p.get())).push(" AND ").subtree("org_path", &path);
        let n = tx.scalar_i64(b.build()).await?;
        if usize::try_from(n).unwrap_or(0) != input.people.len() {
            return Err(StoreError::Invalid("参考人员须为组织单位范围内的人员".into()));
        }
    }
    let (id,): (PaperId,) = tx
        .fetch_one(
            q("INSERT INTO exam_papers (org_id, org_path, title, kind, minutes, opens_on, closes_on, rules, pass_mark, attempts_allowed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                .bind(input.org_id.get())
                .bind(path.as_str())
                .bind(input.title.as_str())
                .bind(input.kind.as_str())
                .bind(input.minutes)
                .bind(input.opens_on.as_str())
                .bind(input.closes_on.as_str())
                .bind(input.rules.as_str())
                .bind(input.pass_mark)
                .bind(input.attempts_allowed)
                .bind(now()),
        )
        .await?;
    for (u, up) in &units {
        tx.execute(q("INSERT INTO exam_paper_orgs (paper_id, org_id, org_path) VALUES ($1, $2, $3)").bind(id.get()).bind(u.get()).bind(up.as_str())).await?;
    }
    for p in &input.people {
        tx.execute(q("INSERT INTO exam_paper_people (paper_id, person_id) VALUES ($1, $2)").bind(id.get()).bind(p.get())).await?;
    }
    audit::record(
        tx,
        actor,
        "exam_paper.create",
        "exam_paper",
        Some(id.to_string()),
        json!({"after": {"org_id": input.org_id, "title": input.title, "kind": input.kind, "minutes": input.minutes, "opens_on": input.opens_on, "closes_on": input.closes_on, "rules": input.rules, "pass_mark": input.pass_mark, "attempts_allowed": input.attempts_allowed, "units": input.units, "people": input.people}}),
    )
    .await?;
    Ok(id)
}

/// The units and people a paper names: ((id, name), (id, name)).
pub async fn paper_targets(db: &Db, id: PaperId) -> Result<(Vec<(OrgId, String)>, Vec<(PersonId, String)>), StoreError> {
    let units = db.fetch_all(q("SELECT o.id, o.name FROM exam_paper_orgs x JOIN orgs o ON o.id = x.org_id WHERE x.paper_id = $1 ORDER BY x.id").bind(id.get())).await?;
    let people = db.fetch_all(q("SELECT p.id, p.name FROM exam_paper_people x JOIN people p ON p.id = x.person_id WHERE x.paper_id = $1 ORDER BY x.id").bind(id.get())).await?;
    Ok((units, people))
}

/// `(the person is a taker of p)` as SQL over `p` (exam_papers) and `pe` (people) — subtrees
/// as the range [path, path without its last '/' + '0'), like `subtree_range` — named, in a
/// named unit's subtree, or, for 任前廉政考试, a leader of the paper's subtree whose post
/// started on or after `since`.
fn push_taker(b: &mut SqlBuilder, since: &str) {
    b.push("(EXISTS (SELECT 1 FROM exam_paper_people n WHERE n.paper_id = p.id AND n.person_id = pe.id)");
    b.push(" OR EXISTS (SELECT 1 FROM exam_paper_orgs u WHERE u.paper_id = p.id AND pe.org_path >= u.org_path AND pe.org_path < substr(u.org_path, 1, length(u.org_path) - 1) || '0')");
    b.push(" OR (p.kind = 'pre_appointment' AND pe.org_path >= p.org_path AND pe.org_path < substr(p.org_path, 1, length(p.org_path) - 1) || '0' AND EXISTS (SELECT 1 FROM posts ps WHERE ps.person_id = pe.id AND ps.kind IN ");
    b.in_list(LEADER_POSTS.iter().copied()).push(" AND ps.start_date >= ").bind(since).push(")))");
}

/// The open papers (window covering `today`) a person is to take.
pub async fn papers_for_person(db: &Db, person: PersonId, today: &str, since: &str) -> Result<Vec<Paper>, StoreError> {
    let mut b = SqlBuilder::new(P_SELECT);
    b.push("JOIN people pe ON pe.id = ").bind(person.get()).push(" WHERE p.opens_on <= ").bind(today).push(" AND p.closes_on >= ").bind(today).push(" AND ");
    push_taker(&mut b, since);
    b.push(" ORDER BY p.closes_on, p.id");
    db.fetch_all(b.build()).await
}

/// Whether the person is a taker of the paper (window aside).
pub async fn is_taker(db: &Db, paper: PaperId, person: PersonId, since: &str) -> Result<bool, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM exam_papers p JOIN people pe ON pe.id = ");
    b.bind(person.get()).push(" WHERE p.id = ").bind(paper.get()).push(" AND ");
    push_taker(&mut b, since);
    Ok(db.scalar_i64(b.build()).await? > 0)
}

/// A paper's takers inside the scope: (person, name, unit name, unit path).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Taker {
    pub person_id: PersonId,
    pub name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_path: String,
}

pub async fn takers(db: &Db, paper: PaperId, scope: &Scope, since: &str) -> Result<Vec<Taker>, StoreError> {
    let mut b = SqlBuilder::new("SELECT pe.id AS person_id, pe.name, o.id AS org_id, o.name AS org_name, pe.org_path FROM exam_papers p JOIN people pe ON ");
    b.scope("pe.org_path", scope).push(" JOIN orgs o ON o.id = pe.org_id WHERE p.id = ").bind(paper.get()).push(" AND ");
    push_taker(&mut b, since);
    b.push(" ORDER BY pe.org_path, pe.sort_order, pe.id LIMIT 20000");
    db.fetch_all(b.build()).await
}

// -------------------------------------------------------------------------------- attempts

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Attempt {
    pub id: AttemptId,
    pub paper_id: PaperId,
    pub person_id: PersonId,
    pub org_path: String,
    pub seq: i64,
    pub seed: i64,
    pub started_at: i64,
    pub deadline_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<i64>,
    pub total: i64,
    pub passed: Option<i64>,
}

impl Attempt {
    pub fn is_submitted(&self) -> bool {
        self.submitted_at.is_some()
    }
}

/// A drawn question with the answer given: the question's own answer is here too, and the use
/// case leaves it out for a taker before submission.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Item {
    pub seq: i64,
    pub question_id: QuestionId,
    pub points: i64,
    pub answer: Option<String>,
    pub saved_at: Option<i64>,
    pub correct: Option<i64>,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub key: String,
}

const A_SELECT: &str = "SELECT id, paper_id, person_id, org_path, seq, seed, started_at, deadline_at, submitted_at, score, total, passed FROM exam_attempts ";

pub async fn get_attempt(db: &Db, id: AttemptId) -> Result<Attempt, StoreError> {
    db.fetch_optional(crate::db::q_built(format!("{A_SELECT}WHERE id = $1")).bind(id.get())).await?.ok_or(StoreError::NotFound)
}

pub async fn attempts_of(db: &Db, paper: PaperId, person: PersonId) -> Result<Vec<Attempt>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{A_SELECT}WHERE paper_id = $1 AND person_id = $2 ORDER BY seq")).bind(paper.get()).bind(person.get())).await
}

pub async fn attempts_of_paper(db: &Db, paper: PaperId) -> Result<Vec<Attempt>, StoreError> {
    db.fetch_all(crate::db::q_built(format!("{A_SELECT}WHERE paper_id = $1 ORDER BY person_id, seq")).bind(paper.get())).await
}

pub async fn items(db: &Db, attempt: AttemptId) -> Result<Vec<Item>, StoreError> {
    db.fetch_all(
        q("SELECT i.seq, i.question_id, i.points, i.answer, i.saved_at, i.correct, x.kind, x.stem, x.options, x.answer AS key FROM exam_attempt_items i JOIN exam_questions x ON x.id = i.question_id WHERE i.attempt_id = $1 ORDER BY i.seq")
            .bind(attempt.get()),
    )
    .await
}

/// Starts an attempt with the questions drawn for it, in order: (question, points).
#[allow(clippy::too_many_arguments)]
pub async fn start(tx: &mut Tx, actor: &Actor, paper: &Paper, person: PersonId, org_path: &str, seq: i64, seed: i64, deadline_at: i64, drawn: &[(QuestionId, i64)]) -> Result<AttemptId, StoreError> {
    let t = now();
    let total: i64 = drawn.iter().map(|(_, p)| p).sum();
    let (id,): (AttemptId,) = tx
        .fetch_one(
            q("INSERT INTO exam_attempts (paper_id, person_id, org_path, seq, seed, started_at, deadline_at, total) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(paper.id.get())
                .bind(person.get())
                .bind(org_path)
                .bind(seq)
                .bind(seed)
                .bind(t)
                .bind(deadline_at)
                .bind(total),
        )
        .await
        .map_err(|e| match e {
            // two starts at once: the unique (paper, person, seq) keeps one
            StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation() => StoreError::Conflict { field: String::new(), message: "已开始答卷，请刷新".into() },
            other => other,
        })?;
    for (i, (qid, points)) in drawn.iter().enumerate() {
        tx.execute(q("INSERT INTO exam_attempt_items (attempt_id, seq, question_id, points) VALUES ($1, $2, $3, $4)").bind(id.get()).bind(i64::try_from(i).unwrap_or(0) + 1).bind(qid.get()).bind(*points)).await?;
    }
    audit::record(tx, actor, "exam_attempt.start", "exam_attempt", Some(id.to_string()), json!({"after": {"paper_id": paper.id, "person_id": person, "seq": seq, "questions": drawn.len(), "total": total}})).await?;
    Ok(id)
}

/// Saves one answer of an open attempt (the same answer again changes nothing).
pub async fn save_answer(tx: &mut Tx, actor: &Actor, attempt: AttemptId, question: QuestionId, answer: &str) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE exam_attempt_items SET answer = $1, saved_at = $2 WHERE attempt_id = $3 AND question_id = $4 AND EXISTS (SELECT 1 FROM exam_attempts a WHERE a.id = $3 AND a.submitted_at IS NULL)")
                .bind(answer)
                .bind(now())
                .bind(attempt.get())
                .bind(question.get()),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Invalid("该题不在本次答卷中，或答卷已提交".into()));
    }
    audit::record(tx, actor, "exam_attempt.answer", "exam_attempt", Some(attempt.to_string()), json!({"after": {"question_id": question}})).await
}

/// Closes an attempt with its marks: per item (question, correct), the score and pass/fail.
/// Only an open attempt is closed (a second submission changes nothing): Ok(false) then.
#[allow(clippy::too_many_arguments)]
pub async fn finish(tx: &mut Tx, actor: &Actor, attempt: &Attempt, marks: &[(QuestionId, bool)], score: i64, passed: bool, at: i64, automatic: bool) -> Result<bool, StoreError> {
    let n = tx.execute(q("UPDATE exam_attempts SET submitted_at = $1, score = $2, passed = $3 WHERE id = $4 AND submitted_at IS NULL").bind(at).bind(score).bind(i64::from(passed)).bind(attempt.id.get())).await?;
    if n == 0 {
        return Ok(false);
    }
    for (qid, ok) in marks {
        tx.execute(q("UPDATE exam_attempt_items SET correct = $1 WHERE attempt_id = $2 AND question_id = $3").bind(i64::from(*ok)).bind(attempt.id.get()).bind(qid.get())).await?;
    }
    audit::record(
        tx,
        actor,
        "exam_attempt.submit",
        "exam_attempt",
        Some(attempt.id.to_string()),
        json!({"after": {"paper_id": attempt.paper_id, "person_id": attempt.person_id, "score": score, "total": attempt.total, "passed": passed, "automatic": automatic}}),
    )
    .await?;
    Ok(true)
}

/// A person's submitted attempts with their papers (for the 廉政档案): newest first.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct PersonResult {
    pub attempt_id: AttemptId,
    pub paper_id: PaperId,
    pub title: String,
    pub kind: String,
    pub seq: i64,
    pub submitted_at: i64,
    pub score: i64,
    pub total: i64,
    pub pass_mark: i64,
    pub passed: i64,
}

pub async fn results_of(db: &Db, person: PersonId) -> Result<Vec<PersonResult>, StoreError> {
    db.fetch_all(
        q("SELECT a.id AS attempt_id, a.paper_id, p.title, p.kind, a.seq, a.submitted_at, a.score, a.total, p.pass_mark, a.passed FROM exam_attempts a JOIN exam_papers p ON p.id = a.paper_id WHERE a.person_id = $1 AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at DESC, a.id DESC")
            .bind(person.get()),
    )
    .await
}

/// The person's unit path (to check scope against), if the person exists.
pub async fn person_path(db: &Db, person: PersonId) -> Result<Option<String>, StoreError> {
    Ok(db.fetch_optional::<(String,)>(q("SELECT org_path FROM people WHERE id = $1").bind(person.get())).await?.map(|(p,)| p))
}

/// The organisation at `path` and those below it, in tree order (first 200).
pub async fn units_under(db: &Db, path: &str) -> Result<Vec<(OrgId, String)>, StoreError> {
    let mut b = SqlBuilder::new("SELECT id, name FROM orgs WHERE ");
    b.subtree("path", path).push(" ORDER BY path LIMIT 200");
    db.fetch_all(b.build()).await
}

/// An attempt read inside a transaction (just written).
pub async fn get_attempt_tx(tx: &mut Tx, id: AttemptId) -> Result<Attempt, StoreError> {
    tx.fetch_optional(crate::db::q_built(format!("{A_SELECT}WHERE id = $1")).bind(id.get())).await?.ok_or(StoreError::NotFound)
}
