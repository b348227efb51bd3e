//! 责任书/承诺书: templates, letters generated per signer from the signer's own list items (so
//! each is personal by construction), signing (in-system confirmation or an uploaded scan), and
//! copy detection — near-duplicates within a year and against the same signer's earlier
//! letters (one MinHash signature stored per letter, LSH band keys computed from it, candidates
//! confirmed by exact Jaccard), plus phrases foreign to the signer's unit.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::duty::lists::ListKind;
use lianzheng_core::duty::{FlagStatus, LetterStatus, ListStatus, format_date};
use lianzheng_core::ids::{AttachmentId, DutyListId, FlagId, LetterId, LetterTemplateId, OrgId, PersonId};
use lianzheng_core::org::OrgKind;
use lianzheng_core::org::Scope;
use lianzheng_textsim::{
    Exclusion, SCHEME, Signature, TextDoc, band_keys, contains_normalized, count_outside, jaccard, may_reach, minhash, normalize, shingles, shingles_outside, signature_outside, similar_pairs_of_texts,
};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::{SortKey, SqlBuilder, one_in_scope};
use crate::db::ColType::{Bool, Bytes as B, I64 as I, Text as T};
use crate::db::{Db, Q, Tx, now, placeholders, q, q_built};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef { name: "letter_templates", columns: &[("id", I), ("year", I), ("org_id", I), ("org_path", T), ("kind", T), ("title", T), ("body", T), ("created_at", I), ("updated_at", I), ("disabled", Bool)] },
    TableDef {
        name: "letters",
        columns: &[
            ("id", I),
            ("year", I),
            ("template_id", I),
            ("kind", T),
            ("upper_org_id", I),
            ("org_id", I),
            ("org_path", T),
            ("person_id", I),
            ("signer_name", T),
            ("title", T),
            ("body", T),
            ("status", T),
            ("sign_method", T),
            ("signed_at", I),
            ("signed_by", I),
            ("scan_attachment_id", I),
            ("created_at", I),
            ("updated_at", I),
            ("version", I),
            ("issued_on", T),
        ],
    },
    TableDef { name: "letter_signatures", columns: &[("letter_id", I), ("year", I), ("scheme", I), ("signature", B)] },
    TableDef { name: "scope_phrases", columns: &[("id", I), ("phrase", T), ("allowed_keywords", T), ("note", T), ("created_at", I)] },
    TableDef {
        name: "letter_flags",
        columns: &[
            ("id", I),
            ("year", I),
            ("kind", T),
            ("letter_id", I),
            ("other_key", I),
            ("other_letter_id", I),
            ("org_path", T),
            ("score_pm", I),
            ("detail", T),
            ("status", T),
            ("note", T),
            ("reviewed_by", I),
            ("reviewed_at", I),
            ("created_at", I),
        ],
    },
];

pub const KINDS: &[(&str, &str)] = &[("responsibility", "党风廉政建设责任书"), ("pledge", "廉洁承诺书")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

/// Placeholders a template body may use.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{签订人}", "签订人姓名（单位责任书为该单位书记）"),
    ("{单位}", "签订人所在单位"),
    ("{上级}", "发出责任书的上级单位"),
    ("{年度}", "年度"),
    ("{责任内容}", "签订人本人责任清单的逐条内容"),
    ("{上级签订人}", "发出单位的书记（代表发出单位签订）"),
];
// {签订人}: the person of a personal letter; for a unit's letter the unit's 书记, who signs for it.

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct LetterTemplate {
    pub id: LetterTemplateId,
    pub year: i64,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub letter_count: i64,
    /// 已停用: no new letters are generated from it (those made keep their text).
    pub disabled: bool,
}

impl LetterTemplate {
    /// Editable until letters have been generated from it; after that it can only be disabled.
    pub fn editable(&self) -> bool {
        self.letter_count == 0
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Letter {
    pub id: LetterId,
    pub year: i64,
    pub template_id: Option<LetterTemplateId>,
    pub kind: String,
    pub upper_org_id: OrgId,
    pub upper_org_name: String,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name: String,
    pub person_id: Option<PersonId>,
    pub signer_name: String,
    pub title: String,
    pub body: String,
    pub status: LetterStatus,
    pub sign_method: Option<String>,
    pub signed_at: Option<i64>,
    pub scan_attachment_id: Option<AttachmentId>,
    pub version: i64,
    pub open_flags: i64,
    /// 印发 date (YYYY-MM-DD): the 成文日期 of its document.
    pub issued_on: Option<String>,
    pub created_at: i64,
}

impl Letter {
    pub fn status(&self) -> LetterStatus {
        self.status
    }
    pub fn is_signed(&self) -> bool {
        self.status() == LetterStatus::Signed
    }
    pub fn status_label(&self) -> &'static str {
        self.status().label()
    }
    pub fn status_tag(&self) -> &'static str {
        if self.is_signed() { "tag-green" } else { "tag-yellow" }
    }
    pub fn sign_label(&self) -> &'static str {
        match self.sign_method.as_deref() {
            Some("confirm") => "系统内确认",
            Some("scan") => "上传签字扫描件",
            _ => "",
        }
    }
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Flag {
    pub id: FlagId,
    pub year: i64,
    pub kind: String,
    pub letter_id: LetterId,
    pub other_letter_id: Option<LetterId>,
    pub score_pm: i64,
    pub detail: Option<String>,
    pub status: FlagStatus,
    pub note: Option<String>,
    pub letter_title: String,
    pub letter_org: String,
    pub letter_signer: String,
    pub other_title: Option<String>,
    pub other_org: Option<String>,
    pub other_signer: Option<String>,
    pub other_year: Option<i64>,
    /// Where the other letter lies, to tell whether the viewer may see it named.
    #[serde(skip)]
    pub other_org_path: Option<String>,
    #[serde(skip)]
    pub letter_org_path: String,
}

impl Flag {
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "duplicate" => "内容雷同",
            "copied" => "照抄往年",
            "foreign" => "内容与职责不符",
            _ => "",
        }
    }
    pub fn kind_tag(&self) -> &'static str {
        match self.kind.as_str() {
            "foreign" => "tag-yellow",
            _ => "tag-red",
        }
    }
    pub fn score_percent(&self) -> i64 {
        self.score_pm / 10
    }
    pub fn reviewed(&self) -> bool {
        self.status == FlagStatus::Reviewed
    }
}

const TEMPLATE_SELECT: &str = "SELECT t.id, t.year, t.org_id, t.org_path, o.name AS org_name, t.kind, t.title, t.body, (SELECT COUNT(*) FROM letters l WHERE l.template_id = t.id) AS letter_count, t.disabled FROM letter_templates t JOIN orgs o ON o.id = t.org_id ";

const LETTER_SELECT: &str = "SELECT l.id, l.year, l.template_id, l.kind, l.upper_org_id, u.name AS upper_org_name, l.org_id, l.org_path, o.name AS org_name, l.person_id, l.signer_name, l.title, l.body, l.status, l.sign_method, l.signed_at, l.scan_attachment_id, l.version, l.issued_on, l.created_at, \
    (SELECT COUNT(*) FROM letter_flags f WHERE f.status = 'open' AND (f.letter_id = l.id OR f.other_letter_id = l.id)) AS open_flags \
    FROM letters l JOIN orgs o ON o.id = l.org_id JOIN orgs u ON u.id = l.upper_org_id ";

const FLAG_SELECT: &str = "SELECT f.id, f.year, f.kind, f.letter_id, f.other_letter_id, f.score_pm, f.detail, f.status, f.note, \
    a.title AS letter_title, ao.name AS letter_org, a.signer_name AS letter_signer, b.title AS other_title, bo.name AS other_org, b.signer_name AS other_signer, b.year AS other_year, b.org_path AS other_org_path, a.org_path AS letter_org_path \
    FROM letter_flags f JOIN letters a ON a.id = f.letter_id JOIN orgs ao ON ao.id = a.org_id LEFT JOIN letters b ON b.id = f.other_letter_id LEFT JOIN orgs bo ON bo.id = b.org_id ";

// ---- templates ----

pub async fn templates(db: &Db, scope: &Scope, year: i64) -> Result<Vec<LetterTemplate>, StoreError> {
    let mut b = SqlBuilder::new(TEMPLATE_SELECT);
    b.push("WHERE t.year = ").bind(year).push(" AND ").scope("t.org_path", scope).push(" ORDER BY t.id");
    db.fetch_all(b.build()).await
}

pub async fn template_in_scope(db: &Db, scope: &Scope, id: LetterTemplateId) -> Result<LetterTemplate, StoreError> {
    one_in_scope(db, TEMPLATE_SELECT, "t", scope, id).await
}

#[allow(clippy::too_many_arguments)] // a template is that many things
pub async fn create_template(tx: &mut Tx, actor: &Actor, scope: &Scope, year: i64, org_id: OrgId, kind: &str, title: &str, body: &str) -> Result<LetterTemplateId, StoreError> {
    let p: Option<(String,)> = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(org_id)).await?;
    let (path,) = p.ok_or_else(|| StoreError::Invalid("发出单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("发出单位不在您的管理范围内".into()));
    }
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(StoreError::Conflict { field: "kind".into(), message: "请选择责任书或承诺书".into() });
    }
    let t = now();
    let (id,): (LetterTemplateId,) = tx
        .fetch_one(
            q("INSERT INTO letter_templates (year, org_id, org_path, kind, title, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
                .bind(year)
                .bind(org_id)
                .bind(path)
                .bind(kind)
                .bind(title)
                .bind(body)
                .bind(t),
        )
        .await?;
    audit::record(tx, actor, "letter_template.create", "letter_template", Some(id.to_string()), json!({"after": {"year": year, "kind": kind, "title": title}})).await?;
    Ok(id)
}

/// The template's row locked for a write, if it lies inside `scope` (else not found).
async fn template_inside(tx: &mut Tx, scope: &Scope, template_id: LetterTemplateId) -> Result<(), StoreError> {
    let sql = format!("SELECT org_path FROM letter_templates WHERE id = $1{}", tx.for_update());
    let row: Option<(String,)> = tx.fetch_optional(q_built(sql).bind(template_id)).await?;
    match row {
        Some((path,)) if scope.contains(&path) => Ok(()),
        _ => Err(StoreError::NotFound),
    }
}

/// Why a used template is not edited.
pub fn template_in_use(used: i64) -> String {
    format!("已按本模板生成 {used} 份责任书，模板不能再修改；如不再使用，可以停用")
}

/// How many letters have been generated from the template (counted inside the writing transaction).
pub async fn template_used(tx: &mut Tx, template_id: LetterTemplateId) -> Result<i64, StoreError> {
    let (n,): (i64,) = tx.fetch_one(q("SELECT COUNT(*) FROM letters WHERE template_id = $1").bind(template_id)).await?;
    Ok(n)
}

/// Changes a template's title and body. Refused (conflict) once letters have been generated
/// from it, checked under the row's lock so no generation slips in between.
pub async fn update_template(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: LetterTemplateId, before: (&str, &str), title: &str, body: &str) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let used = template_used(tx, template_id).await?;
    if used > 0 {
        return Err(StoreError::Conflict { field: String::new(), message: template_in_use(used) });
    }
    tx.execute(q("UPDATE letter_templates SET title = $1, body = $2, updated_at = $3 WHERE id = $4").bind(title).bind(body).bind(now()).bind(template_id)).await?;
    let body_changed = before.1 != body;
    audit::record(tx, actor, "letter_template.update", "letter_template", Some(template_id.to_string()), json!({"before": {"title": before.0}, "after": {"title": title}, "body_changed": body_changed})).await
}

/// 停用 / 启用: a disabled template generates no new letters; letters made keep their text.
pub async fn set_template_disabled(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: LetterTemplateId, disabled: bool) -> Result<(), StoreError> {
    template_inside(tx, scope, template_id).await?;
    tx.execute(q("UPDATE letter_templates SET disabled = $1, updated_at = $2 WHERE id = $3").bind(disabled).bind(now()).bind(template_id)).await?;
    audit::record(tx, actor, if disabled { "letter_template.disable" } else { "letter_template.enable" }, "letter_template", Some(template_id.to_string()), json!({"disabled": disabled})).await
}

/// The template text with the signer's particulars and own list items filled in.
pub fn render(body: &str, signer: &str, unit: &str, upper: &str, year: i64, items: &[String]) -> String {
    render_full(body, signer, unit, upper, "", year, items)
}

/// [`render`] with the issuing organisation's signer too.
pub fn render_full(body: &str, signer: &str, unit: &str, upper: &str, upper_signer: &str, year: i64, items: &[String]) -> String {
    let list = if items.is_empty() { "（签订人尚无本年度责任清单内容）".to_string() } else { items.iter().enumerate().map(|(i, t)| format!("{}．{}", i + 1, t)).collect::<Vec<_>>().join("\n") };
    body.replace("{上级签订人}", upper_signer).replace("{签订人}", signer).replace("{单位}", unit).replace("{上级}", upper).replace("{年度}", &year.to_string()).replace("{责任内容}", &list)
}

/// A letter a generation would make: for whom, signed by whom, from which 已备案 list.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub org_id: OrgId,
    #[serde(skip)]
    pub org_path: String,
    pub org_name: String,
    /// The person for a personal letter; none for a unit's letter.
    pub person_id: Option<PersonId>,
    /// Who signs: the person, or for a unit's letter the unit's 书记.
    pub signer_name: String,
    pub list_id: DutyListId,
    pub list_title: String,
    #[serde(skip)]
    pub items: Vec<String>,
}

impl Planned {
    pub fn is_unit(&self) -> bool {
        self.person_id.is_none()
    }
}

/// A signer a generation leaves out, and why (nothing is left out silently).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub org_name: String,
    /// The person of a personal list; none for a unit.
    pub person_name: Option<String>,
    pub reason: String,
}

/// What generating a template's letters would do, before it is done.
#[derive(Debug, Clone, Serialize)]
pub struct GenerationPlan {
    pub template_id: LetterTemplateId,
    pub year: i64,
    pub upper_org_name: String,
    /// The issuing organisation's 书记, who signs for it.
    pub upper_signer: Option<String>,
    pub letters: Vec<Planned>,
    pub skipped: Vec<Skipped>,
    /// Why nothing can be generated at all (a placeholder that cannot be filled), if so.
    pub problem: Option<String>,
    #[serde(skip)]
    kind: String,
    #[serde(skip)]
    title: String,
    #[serde(skip)]
    body: String,
    #[serde(skip)]
    upper_org_id: OrgId,
}

impl GenerationPlan {
    /// The letter text for one planned signer, every placeholder filled.
    pub fn text(&self, l: &Planned) -> String {
        render_full(&self.body, &l.signer_name, &l.org_name, &self.upper_org_name, self.upper_signer.as_deref().unwrap_or(""), self.year, &l.items)
    }
    pub fn letter_title(&self, l: &Planned) -> String {
        match l.person_id {
            Some(_) => format!("{}（{} {}）", self.title, l.org_name, l.signer_name),
            None => format!("{}（{}）", self.title, l.org_name),
        }
    }
}

/// The current holder of a post kind in a unit (the latest to take it up), by name.
async fn post_holder(tx: &mut Tx, org_id: OrgId, kind: &str) -> Result<Option<(PersonId, String)>, StoreError> {
    tx.fetch_optional(
        q("SELECT p.id, p.name FROM posts po JOIN people p ON p.id = po.person_id WHERE po.org_id = $1 AND po.kind = $2 AND (po.end_date IS NULL OR po.end_date = '') ORDER BY po.start_date DESC, po.id DESC LIMIT 1")
            .bind(org_id)
            .bind(kind),
    )
    .await
}

/// The unit's 书记 (who signs its letter), by person id and name.
pub async fn unit_secretary(tx: &mut Tx, org_id: OrgId) -> Result<Option<(PersonId, String)>, StoreError> {
    post_holder(tx, org_id, "secretary").await
}

/// 生成预览: which letters a template would make — one per signer under the issuing
/// organisation and inside `scope`: each unit expected to keep a 主体责任清单 (its 书记 signs)
/// and each leader with a personal list — only from lists that are 已备案; everyone else is
/// named in `skipped` with the reason, as are signers who already have a letter of it.
pub async fn plan_generation(tx: &mut Tx, scope: &Scope, template_id: LetterTemplateId) -> Result<GenerationPlan, StoreError> {
    #[derive(FromRow)]
    struct Tpl {
        year: i64,
        org_id: OrgId,
        path: String,
        kind: String,
        title: String,
        body: String,
        name: String,
        disabled: bool,
    }
    let t: Option<Tpl> =
        tx.fetch_optional(q("SELECT t.year, t.org_id, o.path, t.kind, t.title, t.body, o.name, t.disabled FROM letter_templates t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1").bind(template_id)).await?;
    let Tpl { year, org_id: upper_id, path: upper_path, kind, title, body, name: upper_name, disabled } = t.ok_or(StoreError::NotFound)?;
    let under = scope.within(&upper_path);
    let upper_signer = post_holder(tx, upper_id, "secretary").await?.map(|(_, n)| n);
    let problem = if disabled {
        Some("模板已停用，不能再生成责任书；如需生成，请先启用".to_string())
    } else {
        (body.contains("{上级签订人}") && upper_signer.is_none()).then(|| format!("发出单位“{upper_name}”未设书记，无法填写 {{上级签订人}}：请先在人员信息中登记其书记任职"))
    };

    #[derive(FromRow)]
    struct Cand {
        org_id: OrgId,
        org_path: String,
        org_name: String,
        org_kind: String,
        list_id: Option<DutyListId>,
        list_title: Option<String>,
        status: Option<String>,
        person_id: Option<PersonId>,
        person_name: Option<String>,
    }
    // units strictly below the issuer, with their unit list of the year if any
    let mut b = SqlBuilder::new(
        "SELECT o.id AS org_id, o.path AS org_path, o.name AS org_name, o.kind AS org_kind, l.id AS list_id, l.title AS list_title, l.status, l.person_id, CAST(NULL AS TEXT) AS person_name \
         FROM orgs o LEFT JOIN duty_lists l ON l.org_id = o.id AND l.holder_id = 0 AND l.kind = 'main' AND l.year = ",
    );
    b.bind(year).push(" WHERE o.path <> ").bind(upper_path.as_str()).push(" AND ").scope("o.path", &under);
    let units: Vec<Cand> = tx.fetch_all(b.build()).await?;
    // personal lists of leaders, the issuer's own included
    let mut b = SqlBuilder::new(
        "SELECT o.id AS org_id, o.path AS org_path, o.name AS org_name, o.kind AS org_kind, l.id AS list_id, l.title AS list_title, l.status, l.person_id, p.name AS person_name \
         FROM duty_lists l JOIN orgs o ON o.id = l.org_id LEFT JOIN people p ON p.id = l.person_id WHERE l.holder_id <> 0 AND l.kind = 'main' AND l.year = ",
    );
    b.bind(year).push(" AND ").scope("l.org_path", &under);
    let people: Vec<Cand> = tx.fetch_all(b.build()).await?;

    let mut cands: Vec<Cand> = units.into_iter().filter(|c| OrgKind::from_code(&c.org_kind).is_some_and(|k| ListKind::Main.expected_of(k)) || c.list_id.is_some()).chain(people).collect();
    // in organisation order, each unit before its leaders
    cands.sort_by(|a, b| crate::org::tree_key(&a.org_path).cmp(&crate::org::tree_key(&b.org_path)).then(a.person_id.is_some().cmp(&b.person_id.is_some())).then(a.person_name.cmp(&b.person_name)));

    let mut letters = Vec::new();
    let mut skipped = Vec::new();
    for c in cands {
        let skip = |reason: String| Skipped { org_name: c.org_name.clone(), person_name: c.person_name.clone(), reason };
        let whose = if c.person_id.is_some() { "个人责任清单" } else { "本年度主体责任清单" };
        let (Some(list_id), Some(status)) = (c.list_id, c.status.as_deref()) else {
            skipped.push(skip(format!("尚无{whose}")));
            continue;
        };
        let status = ListStatus::from_code(status).unwrap_or(ListStatus::Draft);
        if status != ListStatus::Accepted {
            skipped.push(skip(format!("{whose}{}，尚未备案", status.label())));
            continue;
        }
        let exists: Option<(i64,)> = match c.person_id {
            Some(pid) => tx.fetch_optional(q("SELECT id FROM letters WHERE template_id = $1 AND person_id = $2").bind(template_id).bind(pid)).await?,
            None => tx.fetch_optional(q("SELECT id FROM letters WHERE template_id = $1 AND org_id = $2 AND person_id IS NULL").bind(template_id).bind(c.org_id)).await?,
        };
        if exists.is_some() {
            skipped.push(skip("已按本模板生成过责任书".into()));
            continue;
        }
        let signer_name = match (&c.person_name, c.person_id) {
            (Some(n), Some(_)) => n.clone(),
            _ => match unit_secretary(tx, c.org_id).await? {
                Some((_, n)) => n,
                None => {
                    skipped.push(skip("未设书记，无法确定签订人（请先在人员信息中登记其书记任职）".into()));
                    continue;
                }
            },
        };
        let items: Vec<(String,)> = tx.fetch_all(q("SELECT content FROM duty_items WHERE list_id = $1 ORDER BY CASE WHEN scope = 'common' THEN 0 ELSE 1 END, seq, id").bind(list_id)).await?;
        letters.push(Planned {
            org_id: c.org_id,
            org_path: c.org_path,
            org_name: c.org_name,
            person_id: c.person_id,
            signer_name,
            list_id,
            list_title: c.list_title.unwrap_or_default(),
            items: items.into_iter().map(|(i,)| i).collect(),
        });
    }
    Ok(GenerationPlan { template_id, year, upper_org_name: upper_name, upper_signer, letters, skipped, problem, kind, title, body, upper_org_id: upper_id })
}

/// 生成责任书: the letters of [`plan_generation`], each from its signer's own 已备案 list, all
/// placeholders filled, dated (印发) today. Refused when a placeholder cannot be filled.
pub async fn generate(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: LetterTemplateId) -> Result<(Vec<LetterId>, GenerationPlan), StoreError> {
    template_inside(tx, scope, template_id).await?;
    let plan = plan_generation(tx, scope, template_id).await?;
    if let Some(problem) = &plan.problem {
        return Err(StoreError::Invalid(problem.clone()));
    }
    let mut made = Vec::new();
    let t = now();
    let today = format_date(time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date());
    for l in &plan.letters {
        let (id,): (LetterId,) = tx
            .fetch_one(
                q("INSERT INTO letters (year, template_id, kind, upper_org_id, org_id, org_path, person_id, signer_name, title, body, status, created_at, updated_at, issued_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $11, $12) RETURNING id")
                    .bind(plan.year)
                    .bind(template_id)
                    .bind(plan.kind.as_str())
                    .bind(plan.upper_org_id)
                    .bind(l.org_id)
                    .bind(l.org_path.as_str())
                    .bind(l.person_id)
                    .bind(l.signer_name.as_str())
                    .bind(plan.letter_title(l))
                    .bind(plan.text(l))
                    .bind(t)
                    .bind(today.as_str()),
            )
            .await?;
        made.push(id);
    }
    audit::record(tx, actor, "letter.generate", "letter", Some(template_id.to_string()), json!({"template_id": template_id, "letters": made.len(), "skipped": plan.skipped.len()})).await?;
    Ok((made, plan))
}

// ---- letters ----

#[derive(Debug, Clone, Default)]
pub struct LetterFilter {
    pub year: i64,
    pub status: Option<String>,
    pub flagged: bool,
    pub sort: crate::builder::Sort,
}

/// The letters table's sort keys (the signer by the pinyin of the person's name, then the name).
pub const LETTER_SORTS: &[(&str, &[SortKey])] = &[
    ("title", &[SortKey::text("l.title")]),
    ("org", &[SortKey::text("l.org_path")]),
    ("signer", &[SortKey::text("(SELECT px.name_pinyin FROM people px WHERE px.id = l.person_id)").nullable(), SortKey::text("l.signer_name")]),
    ("status", &[SortKey::text("l.status")]),
];

pub async fn list(db: &Db, scope: &Scope, f: &LetterFilter) -> Result<Vec<Letter>, StoreError> {
    let mut b = SqlBuilder::new(LETTER_SELECT);
    b.push("WHERE l.year = ").bind(f.year).push(" AND ").scope("l.org_path", scope);
    b.and_eq("l.status", f.status.as_deref());
    if f.flagged {
        b.push(" AND EXISTS (SELECT 1 FROM letter_flags f WHERE f.status = 'open' AND (f.letter_id = l.id OR f.other_letter_id = l.id))");
    }
    match f.sort.pick(LETTER_SORTS) {
        Some(keys) => b.order_by(db.backend(), keys, f.sort.desc, "l.id"),
        None => b.push(" ORDER BY l.org_path, l.person_id IS NOT NULL, l.id"),
    };
    b.push(" LIMIT 5000");
    db.fetch_all(b.build()).await
}

/// Unsigned letters waiting for one signer: the person's own (inside `sign`, the scope where
/// they may sign), and the unit letters (no person) of exactly the units at `unit_paths` — the
/// units whose 书记 the person is, who signs for the unit (not for the units below it). How
/// many, and the lowest id (to link a single one).
pub async fn waiting_signer(db: &Db, sign: &Scope, person_id: Option<PersonId>, unit_paths: &[String]) -> Result<(i64, Option<LetterId>), StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*), MIN(id) FROM letters WHERE status = 'draft' AND ");
    b.scope("org_path", sign).push(" AND (");
    match person_id {
        Some(pid) => b.push("person_id = ").bind(pid),
        None => b.push("1=0"),
    };
    for path in unit_paths {
        b.push(" OR (person_id IS NULL AND org_path = ").bind(path.as_str()).push(")");
    }
    b.push(")");
    let (n, first): (i64, Option<LetterId>) = db.fetch_one(b.build()).await?;
    Ok((n, first))
}

/// Open 照抄/雷同/职责不符 flags on letters of the scope.
pub async fn open_flags(db: &Db, scope: &Scope) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM letter_flags WHERE status = 'open' AND ");
    b.scope("org_path", scope);
    db.scalar_i64(b.build()).await
}

/// How many letters of a year lie outside the scope (0: the scope holds the whole year).
pub async fn letters_outside(db: &Db, scope: &Scope, year: i64) -> Result<i64, StoreError> {
    let mut b = SqlBuilder::new("SELECT COUNT(*) FROM letters WHERE year = ");
    b.bind(year).push(" AND NOT ").scope("org_path", scope);
    db.scalar_i64(b.build()).await
}

pub async fn get_in_scope(db: &Db, scope: &Scope, id: LetterId) -> Result<Letter, StoreError> {
    one_in_scope(db, LETTER_SELECT, "l", scope, id).await
}

/// Edits the text of an unsigned letter; `version` guards concurrent edits.
pub async fn update_body(tx: &mut Tx, actor: &Actor, scope: &Scope, id: LetterId, version: i64, body: &str) -> Result<(), StoreError> {
    let sql = format!("SELECT org_path, status FROM letters WHERE id = $1{}", tx.for_update());
    let row: Option<(String, LetterStatus)> = tx.fetch_optional(q_built(sql).bind(id)).await?;
    let (path, status) = row.ok_or(StoreError::NotFound)?;
    if !scope.contains(&path) {
        return Err(StoreError::NotFound);
    }
    if status == LetterStatus::Signed {
        return Err(StoreError::Invalid("责任书已签订，不能再修改".into()));
    }
    let n = tx.execute(q("UPDATE letters SET body = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4").bind(body).bind(now()).bind(id).bind(version)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "letter.update", "letter", Some(id.to_string()), json!({"chars": body.chars().count()})).await
}

/// 签订: by confirmation in the system (the signer's own account) or an uploaded signed scan.
/// Marks a letter inside `scope` signed (a letter outside it is not found).
pub async fn sign(tx: &mut Tx, actor: &Actor, scope: &Scope, id: LetterId, method: &str, scan_attachment_id: Option<AttachmentId>) -> Result<(), StoreError> {
    let t = now();
    let mut b = SqlBuilder::new("UPDATE letters SET status = 'signed', sign_method = ");
    b.bind(method).push(", signed_at = ").bind(t).push(", signed_by = ").bind(actor.user_id).push(", scan_attachment_id = ").bind(scan_attachment_id);
    b.push(", updated_at = ").bind(t).push(", version = version + 1 WHERE id = ").bind(id).push(" AND status <> 'signed' AND ").scope("org_path", scope);
    if tx.execute(b.build()).await? == 0 {
        let mut b = SqlBuilder::new("SELECT id FROM letters WHERE id = ");
        b.bind(id).push(" AND ").scope("org_path", scope);
        let found: Option<(LetterId,)> = tx.fetch_optional(b.build()).await?;
        return Err(if found.is_some() { StoreError::Invalid("责任书已签订".into()) } else { StoreError::NotFound });
    }
    audit::record(tx, actor, "letter.sign", "letter", Some(id.to_string()), json!({"method": method, "scan_attachment_id": scan_attachment_id})).await
}

// ---- copy detection ----
//
// Each letter's MinHash signature (of its own text) is stored once, in `letter_signatures`.
// The year check recomputes everything from the texts in memory (it has to read them for the
// exact Jaccard and the phrase check anyway) and writes back only signatures that changed; a
// single letter's check scans its year's stored signatures for shared LSH band keys.

/// A letter with fewer own shingles than this (after template and 共性 text are removed) is
/// compared whole, so two letters that are only boilerplate still show as identical.
const OWN_MIN: usize = 20;

/// Bound values per statement. sqlx-sqlite looks each `$n` up by a linear scan, so a statement
/// costs quadratically in its width; 50,000 signature rows took 0.51 s at 1,000 values per
/// statement, 0.45 s at 256, 0.57 s at 64 (more round trips).
const MAX_BINDS: usize = 256;

/// Shingles of the 共性 items published for a year (shared by every list, hence every letter).
fn common_query(year: i64) -> Q {
    q("SELECT ti.content FROM duty_template_items ti JOIN duty_templates t ON t.id = ti.template_id WHERE t.year = $1 AND t.published = TRUE").bind(year)
}

fn common_of(rows: &[(String,)]) -> Vec<u64> {
    let mut v: Vec<u64> = rows.iter().flat_map(|(c,)| shingles(c)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

async fn common_shingles(db: &Db, year: i64) -> Result<Vec<u64>, StoreError> {
    Ok(common_of(&db.fetch_all(common_query(year)).await?))
}

/// What letters' own text leaves out: their template's text and the year's 共性 items. One
/// [`Exclusion`] per template, built once for all the letters made from it.
struct Exclusions {
    common: Vec<u64>,
    none: Exclusion,
    by_template: HashMap<Option<i64>, Exclusion>,
}

impl Exclusions {
    fn new(common: Vec<u64>) -> Exclusions {
        let mut by_template = HashMap::new();
        by_template.insert(None, Exclusion::new(common.iter().copied()));
        Exclusions { common, none: Exclusion::none(), by_template }
    }

    fn add_templates(&mut self, templates: &[(i64, String)]) {
        for (id, body) in templates {
            let shingles = self.common.iter().copied().chain(shingles(body));
            self.by_template.insert(Some(*id), Exclusion::new(shingles));
        }
    }

    /// The exclusion a letter is compared under (a template no longer there excludes nothing
    /// of its own, as the LEFT JOIN it replaces did).
    fn own(&self, body: &str, template_id: Option<i64>) -> &Exclusion {
        let e = self.by_template.get(&template_id).or_else(|| self.by_template.get(&None)).unwrap_or(&self.none);
        if count_outside(body, e, OWN_MIN) < OWN_MIN { &self.none } else { e }
    }

    fn own_shingles(&self, body: &str, template_id: Option<i64>) -> Vec<u64> {
        shingles_outside(body, self.own(body, template_id))
    }
}

/// Template bodies by id, for the templates not yet in `have`.
async fn load_templates(db: &Db, ids: impl IntoIterator<Item = Option<i64>>, have: &Exclusions) -> Result<Vec<(i64, String)>, StoreError> {
    let ids: BTreeSet<i64> = ids.into_iter().flatten().filter(|id| !have.by_template.contains_key(&Some(*id))).collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_BINDS) {
        let mut query = q_built(format!("SELECT id, body FROM letter_templates WHERE id IN ({})", placeholders(1, chunk.len())));
        for id in chunk {
            query = query.bind(*id);
        }
        out.extend(db.fetch_all::<(i64, String)>(query).await?);
    }
    Ok(out)
}

/// Letters as the checks need them.
#[derive(Debug, Clone, FromRow)]
struct CheckRow {
    id: i64,
    year: i64,
    org_id: i64,
    org_path: String,
    org_name: String,
    person_id: Option<i64>,
    template_id: Option<i64>,
    body: String,
    version: i64,
}

const CHECK_SELECT: &str = "SELECT l.id, l.year, l.org_id, l.org_path, o.name AS org_name, l.person_id, l.template_id, l.body, l.version FROM letters l JOIN orgs o ON o.id = l.org_id ";

async fn rows_by_id(db: &Db, ids: &[i64]) -> Result<Vec<CheckRow>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_BINDS) {
        let mut query = q_built(format!("{CHECK_SELECT}WHERE l.id IN ({})", placeholders(1, chunk.len())));
        for id in chunk {
            query = query.bind(*id);
        }
        out.extend(db.fetch_all::<CheckRow>(query).await?);
    }
    out.sort_unstable_by_key(|r| r.id);
    Ok(out)
}

fn same_signer(a: &CheckRow, b: &CheckRow) -> bool {
    match (a.person_id, b.person_id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.org_id == b.org_id,
        _ => false,
    }
}

/// Runs CPU-heavy work (shingling, pairing: seconds for a large year) on the blocking pool,
/// where rayon spreads it over the cores, instead of on an async worker.
async fn compute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Internal(format!("雷同检查计算中断：{e}")))
}

/// Stores signatures, in statements of at most [`MAX_BINDS`] values. With `replace` a stored one
/// is replaced; without, only one of an older scheme is (a current one stored meanwhile by the
/// check of a newer text is kept).
async fn save_signatures(tx: &mut Tx, sigs: Vec<(i64, i64, Vec<u8>)>, replace: bool) -> Result<(), StoreError> {
    let mut sigs = sigs.into_iter().peekable();
    while sigs.peek().is_some() {
        let chunk: Vec<(i64, i64, Vec<u8>)> = sigs.by_ref().take(MAX_BINDS / 4).collect();
        let groups: Vec<String> = (0..chunk.len()).map(|g| format!("(${}, ${}, ${}, ${})", g * 4 + 1, g * 4 + 2, g * 4 + 3, g * 4 + 4)).collect();
        let mut query = q_built(format!(
            "INSERT INTO letter_signatures (letter_id, year, scheme, signature) VALUES {} ON CONFLICT (letter_id) DO UPDATE SET year = excluded.year, scheme = excluded.scheme, signature = excluded.signature{}",
            groups.join(", "),
            if replace { "" } else { " WHERE letter_signatures.scheme <> excluded.scheme" }
        ));
        for (id, year, sig) in chunk {
            query = query.bind(id).bind(year).bind(i64::from(SCHEME)).bind(sig);
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// A flag about to be written.
struct NewFlag {
    year: i64,
    kind: &'static str,
    letter_id: i64,
    other_key: i64,
    other_letter_id: Option<i64>,
    org_path: String,
    score_pm: i64,
    detail: Option<String>,
}

/// Writes flags in order, in statements of at most [`MAX_BINDS`] values; a flag already there
/// (open or reviewed) is kept as it is.
async fn insert_flags(tx: &mut Tx, flags: Vec<NewFlag>) -> Result<(), StoreError> {
    const COLS: usize = 9;
    let t = now();
    let mut flags = flags.into_iter().peekable();
    while flags.peek().is_some() {
        let chunk: Vec<NewFlag> = flags.by_ref().take(MAX_BINDS / COLS).collect();
        let groups: Vec<String> = (0..chunk.len()).map(|g| format!("({}, 'open')", placeholders(g * COLS + 1, COLS))).collect();
        let mut query = q_built(format!(
            "INSERT INTO letter_flags (year, kind, letter_id, other_key, other_letter_id, org_path, score_pm, detail, created_at, status) VALUES {} ON CONFLICT (kind, letter_id, other_key) DO NOTHING",
            groups.join(", ")
        ));
        for f in chunk {
            query = query.bind(f.year).bind(f.kind).bind(f.letter_id).bind(f.other_key).bind(f.other_letter_id).bind(f.org_path).bind(f.score_pm).bind(f.detail).bind(t);
        }
        tx.execute(query).await?;
    }
    Ok(())
}

fn pair_flag(year: i64, kind: &'static str, later: &CheckRow, earlier_id: i64, jaccard: f64) -> NewFlag {
    NewFlag { year, kind, letter_id: later.id, other_key: earlier_id, other_letter_id: Some(earlier_id), org_path: later.org_path.clone(), score_pm: (jaccard * 1000.0).round() as i64, detail: None }
}

/// The phrase table, normalised once: (id, phrase as written, normalised, allowed keywords).
type Phrases = Vec<(i64, String, String, String)>;

fn phrases_normalized(rows: Vec<(i64, String, String)>) -> Phrases {
    rows.into_iter()
        .map(|(id, phrase, allowed)| {
            let normalized = normalize(&phrase);
            (id, phrase, normalized, allowed)
        })
        .collect()
}

/// Foreign-phrase flags of one letter: a phrase that belongs only to certain units, in a
/// letter of a unit whose name has none of the allowed keywords.
fn phrase_flags(me: &CheckRow, phrases: &Phrases) -> Vec<NewFlag> {
    let mut out = Vec::new();
    for (pid, phrase, normalized, allowed) in phrases {
        if normalized.is_empty() || !contains_normalized(&me.body, normalized) {
            continue;
        }
        let fits = allowed.split([',', '，', '、']).map(str::trim).filter(|k| !k.is_empty()).any(|k| me.org_name.contains(k));
        if !fits {
            let detail = format!("“{phrase}”只适用于{}，与{}的职责不符", allowed.replace(',', "、"), me.org_name);
            out.push(NewFlag { year: me.year, kind: "foreign", letter_id: me.id, other_key: *pid, other_letter_id: None, org_path: me.org_path.clone(), score_pm: 1000, detail: Some(detail) });
        }
    }
    out
}

async fn load_phrases(db: &Db) -> Result<Phrases, StoreError> {
    Ok(phrases_normalized(db.fetch_all(q("SELECT id, phrase, allowed_keywords FROM scope_phrases ORDER BY id")).await?))
}

/// Re-checks one letter (just saved, committed): see [`check_letters`].
pub async fn check_letter(db: &Db, id: LetterId, threshold: f64) -> Result<usize, StoreError> {
    check_letters(db, &[id], threshold).await
}

/// The copy check's writers (whole year, saved letters) take this lock first: each replaces
/// flags and signatures of many letters, in orders that differ, and two at once deadlocked on
/// PostgreSQL (seen as a 500 under parallel load).
const COPY_CHECK_LOCK: i64 = 0x6c7a_0001;

/// How often a check is computed again because a letter it compared changed meanwhile.
const CHECK_ATTEMPTS: usize = 5;

/// What a check of saved letters writes, computed before any write transaction opens.
#[derive(Default)]
struct CheckWrites {
    /// Every letter whose text was compared, with the version read.
    read: BTreeMap<i64, i64>,
    /// A letter was read twice at different versions (changed between two reads).
    torn: bool,
    /// The checked letters' signatures (replacing the stored ones).
    signatures: Vec<(i64, i64, Vec<u8>)>,
    /// Signatures of the year's letters that had no current one.
    missing: Vec<(i64, i64, Vec<u8>)>,
    /// The checked letters: their open flags are replaced.
    checked: Vec<i64>,
    flags: Vec<NewFlag>,
}

impl CheckWrites {
    fn saw(&mut self, rows: &[CheckRow]) {
        for r in rows {
            if *self.read.entry(r.id).or_insert(r.version) != r.version {
                self.torn = true;
            }
        }
    }

    /// Whether every compared letter is still there at the version read.
    async fn still_current(&self, tx: &mut Tx) -> Result<bool, StoreError> {
        let ids: Vec<i64> = self.read.keys().copied().collect();
        let mut now_at: BTreeMap<i64, i64> = BTreeMap::new();
        for chunk in ids.chunks(MAX_BINDS) {
            let mut query = q_built(format!("SELECT id, version FROM letters WHERE id IN ({})", placeholders(1, chunk.len())));
            for id in chunk {
                query = query.bind(*id);
            }
            now_at.extend(tx.fetch_all::<(i64, i64)>(query).await?);
        }
        Ok(!self.torn && now_at == self.read)
    }

    async fn write(self, tx: &mut Tx) -> Result<(), StoreError> {
        save_signatures(tx, self.signatures, true).await?;
        save_signatures(tx, self.missing, false).await?;
        for chunk in self.checked.chunks(MAX_BINDS) {
            let list = placeholders(1, chunk.len());
            let mut query = q_built(format!("DELETE FROM letter_flags WHERE status = 'open' AND (letter_id IN ({list}) OR other_letter_id IN ({list}))"));
            for id in chunk {
                query = query.bind(*id);
            }
            tx.execute(query).await?;
        }
        insert_flags(tx, self.flags).await
    }
}

/// Re-checks letters just saved or generated (committed): their signatures, pairs with their
/// year's letters (candidates: stored signatures sharing an LSH band key and allowing the
/// threshold, see [`may_reach`]) and with the same signer's earlier letters, and foreign phrases;
/// each candidate is confirmed by exact Jaccard.
/// Their open flags are replaced; reviewed ones stay. Letters of the year that have no current
/// signature yet (checked before signatures were stored) get one first, so none is missed.
/// Returns the flags found.
///
/// Reading and computing (shingles, signatures, a backlog of missing signatures, Jaccard) happen
/// outside any transaction, so other writers never wait for them (SQLite has one writer at a
/// time); one short write transaction then stores the results, provided no compared letter
/// changed meanwhile. If one did, the check is computed again on the new text.
pub async fn check_letters(db: &Db, ids: &[LetterId], threshold: f64) -> Result<usize, StoreError> {
    let wanted: BTreeSet<i64> = ids.iter().map(|id| id.get()).collect();
    let wanted: Vec<i64> = wanted.into_iter().collect();
    for _ in 0..CHECK_ATTEMPTS {
        let rows = rows_by_id(db, &wanted).await?;
        if rows.len() != wanted.len() {
            return Err(StoreError::NotFound);
        }
        let phrases = load_phrases(db).await?;
        let mut by_year: BTreeMap<i64, Vec<CheckRow>> = BTreeMap::new();
        for r in rows {
            by_year.entry(r.year).or_default().push(r);
        }
        let mut writes = CheckWrites::default();
        let mut found = 0;
        for (year, mine) in by_year {
            found += check_in_year(db, year, mine, &phrases, threshold, &mut writes).await?;
        }
        let mut tx = db.begin().await?;
        tx.serialize(COPY_CHECK_LOCK).await?;
        if writes.still_current(&mut tx).await? {
            writes.write(&mut tx).await?;
            tx.commit().await?;
            return Ok(found);
        }
    }
    Err(StoreError::Stale)
}

async fn check_in_year(db: &Db, year: i64, mine: Vec<CheckRow>, phrases: &Phrases, threshold: f64, out: &mut CheckWrites) -> Result<usize, StoreError> {
    let mut excl = Exclusions::new(common_shingles(db, year).await?);
    let templates = load_templates(db, mine.iter().map(|r| r.template_id), &excl).await?;
    excl.add_templates(&templates);
    // my own shingle sets and signatures
    let (mine, excl, sets) = compute(move || {
        let sets: Vec<Vec<u64>> = mine.par_iter().map(|r| excl.own_shingles(&r.body, r.template_id)).collect();
        (mine, excl, sets)
    })
    .await?;
    let my_sigs: Vec<Signature> = sets.iter().map(|s| minhash(s)).collect();
    out.signatures.extend(mine.iter().zip(&my_sigs).map(|(r, s)| (r.id, year, s.to_le_bytes())));
    out.saw(&mine);
    let my_ids: Vec<i64> = mine.iter().map(|r| r.id).collect();
    out.checked.extend(&my_ids);

    // the year's signatures; letters without a current one get it now
    let (others, excl) = year_signatures(db, year, &my_ids, excl, out).await?;
    // candidates: letters of the year sharing a band key with one of mine whose signatures
    // allow the threshold (套话 alone gives a letter thousands of band-key neighbours, 2,557
    // among 50,000 synthetic letters; the signature test leaves the few worth fetching)
    let mut my_keys: Vec<(u64, usize)> = my_sigs.iter().enumerate().filter(|(_, s)| !s.is_empty()).flat_map(|(k, s)| band_keys(s).into_iter().map(move |key| (key, k))).collect();
    my_keys.sort_unstable();
    let (candidates, my_ids) = compute(move || {
        let all = others.iter().map(|(id, s)| (*id, s)).chain(my_ids.iter().copied().zip(&my_sigs));
        let mut candidates: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); my_ids.len()];
        for (other, sig) in all {
            if sig.is_empty() {
                continue;
            }
            for key in band_keys(sig) {
                let from = my_keys.partition_point(|(x, _)| *x < key);
                for &(_, k) in my_keys[from..].iter().take_while(|(x, _)| *x == key) {
                    if my_ids[k] != other && may_reach(&my_sigs[k], sig, threshold) {
                        candidates[k].insert(other);
                    }
                }
            }
        }
        (candidates, my_ids)
    })
    .await?;
    // the same signer's earlier letters (few, fetched directly: their boilerplate differs by year)
    let mut earlier: Vec<Vec<i64>> = Vec::with_capacity(mine.len());
    for me in &mine {
        let ids: Vec<(i64,)> = match me.person_id {
            Some(pid) => db.fetch_all(q("SELECT id FROM letters WHERE year < $1 AND person_id = $2 ORDER BY id").bind(year).bind(pid)).await?,
            None => db.fetch_all(q("SELECT id FROM letters WHERE year < $1 AND person_id IS NULL AND org_id = $2 ORDER BY id").bind(year).bind(me.org_id)).await?,
        };
        earlier.push(ids.into_iter().map(|(id,)| id).collect());
    }
    // the candidates' texts, once each
    let mine_by_id: HashMap<i64, usize> = my_ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    let need: BTreeSet<i64> = candidates.iter().flatten().chain(earlier.iter().flatten()).copied().filter(|id| !mine_by_id.contains_key(id)).collect();
    let fetched: HashMap<i64, CheckRow> = rows_by_id(db, &need.into_iter().collect::<Vec<_>>()).await?.into_iter().map(|r| (r.id, r)).collect();
    out.saw(&fetched.values().cloned().collect::<Vec<_>>());
    let mut excl = excl;
    let templates = load_templates(db, fetched.values().filter(|r| r.year == year).map(|r| r.template_id), &excl).await?;
    excl.add_templates(&templates);
    let mut flags = Vec::new();
    let mut found = 0;
    for (k, me) in mine.iter().enumerate() {
        for other_id in &candidates[k] {
            // a pair of two of mine is looked at once, from its later letter
            let other = match mine_by_id.get(other_id) {
                Some(&o) if my_ids[o] > me.id => continue,
                Some(&o) => &mine[o],
                None => match fetched.get(other_id) {
                    Some(r) => r,
                    None => continue,
                },
            };
            let other_set: Cow<[u64]> = match mine_by_id.get(other_id) {
                Some(&o) => Cow::Borrowed(&sets[o]),
                None => Cow::Owned(excl.own_shingles(&other.body, other.template_id)),
            };
            let j = jaccard(&sets[k], &other_set);
            if j < threshold {
                continue;
            }
            // one row per pair: the later letter carries it
            let (later, earlier_id) = if me.id > other.id { (me, other.id) } else { (other, me.id) };
            flags.push(pair_flag(year, "duplicate", later, earlier_id, j));
            found += 1;
        }
        for other_id in &earlier[k] {
            let Some(other) = fetched.get(other_id) else { continue };
            if !same_signer(me, other) {
                continue;
            }
            // across years both sides drop both years' 共性 text
            let mut both = excl.common.clone();
            both.extend(common_shingles(db, other.year).await?);
            let mut cross = Exclusions::new(both);
            let templates = load_templates(db, [me.template_id, other.template_id], &cross).await?;
            cross.add_templates(&templates);
            let j = jaccard(&cross.own_shingles(&me.body, me.template_id), &cross.own_shingles(&other.body, other.template_id));
            if j < threshold {
                continue;
            }
            flags.push(pair_flag(me.year, "copied", me, other.id, j));
            found += 1;
        }
        let foreign = phrase_flags(me, phrases);
        found += foreign.len();
        flags.extend(foreign);
    }
    out.flags.extend(flags);
    Ok(found)
}

/// The stored signatures of a year's letters other than `skip`. Letters without one computed
/// with the current scheme (checked before signatures were stored, or inserted directly) get
/// one now, to be stored with the check's other writes.
async fn year_signatures(db: &Db, year: i64, skip: &[i64], excl: Exclusions, writes: &mut CheckWrites) -> Result<(Vec<(i64, Signature)>, Exclusions), StoreError> {
    let skip: HashSet<i64> = skip.iter().copied().collect();
    let stored: Vec<(i64, i64, Vec<u8>)> = db.fetch_all(q("SELECT letter_id, scheme, signature FROM letter_signatures WHERE year = $1").bind(year)).await?;
    let mut out: Vec<(i64, Signature)> = Vec::with_capacity(stored.len());
    let mut current: HashSet<i64> = HashSet::with_capacity(stored.len());
    for (id, scheme, bytes) in stored {
        if skip.contains(&id) || scheme != i64::from(SCHEME) {
            continue;
        }
        if let Some(sig) = Signature::from_le_bytes(&bytes) {
            current.insert(id);
            out.push((id, sig));
        }
    }
    // a signature row exists only for a letter of that year (ON DELETE CASCADE), so equal counts
    // mean none is missing and the ids need not be read (30 ms for 50,000 letters)
    let letters = db.scalar_i64(q("SELECT COUNT(*) FROM letters WHERE year = $1").bind(year)).await?;
    let missing: Vec<i64> = if usize::try_from(letters).unwrap_or(usize::MAX) == current.len() + skip.len() {
        Vec::new()
    } else {
        let ids: Vec<(i64,)> = db.fetch_all(q("SELECT id FROM letters WHERE year = $1").bind(year)).await?;
        ids.into_iter().map(|(id,)| id).filter(|id| !skip.contains(id) && !current.contains(id)).collect()
    };
    let mut excl = excl;
    // in slices, so a large backlog is never all in memory at once
    for chunk in missing.chunks(2000) {
        let rows = rows_by_id(db, chunk).await?;
        let templates = load_templates(db, rows.iter().map(|r| r.template_id), &excl).await?;
        excl.add_templates(&templates);
        let (sigs, back) = compute(move || {
            let sigs: Vec<(i64, Signature)> = rows.par_iter().map(|r| (r.id, signature_outside(&r.body, excl.own(&r.body, r.template_id)))).collect();
            (sigs, excl)
        })
        .await?;
        excl = back;
        writes.missing.extend(sigs.iter().map(|(id, s)| (*id, year, s.to_le_bytes())));
        out.extend(sigs);
    }
    Ok((out, excl))
}

/// Re-checks every letter of a year in one pass: every letter's signature and sketch from its
/// text (in parallel), candidate pairs from equal LSH band keys, exact Jaccard, foreign phrases;
/// then, in one short write transaction, the year's open duplicate flags are replaced, new
/// foreign flags added and changed signatures stored. Returns the flags found.
pub async fn check_year(db: &Db, year: i64, threshold: f64) -> Result<usize, StoreError> {
    let started = std::time::Instant::now();
    let ms = || started.elapsed().as_millis() as u64;
    // Everything is read first and the pairing done outside the write transaction, so other
    // writers wait only for the writes (SQLite has one writer at a time).
    // sorted here, not by ORDER BY: SQLite would sort the rows, bodies and all, in a temporary
    // B-tree (measured: 0.9 s of a 2 s read for 50,000 letters)
    let mut rows: Vec<CheckRow> = db.fetch_all(q_built(format!("{CHECK_SELECT}WHERE l.year = $1")).bind(year)).await?;
    rows.sort_unstable_by_key(|r| r.id);
    tracing::debug!(ms = ms(), letters = rows.len(), "check_year: letters read");
    let templates: Vec<(i64, String)> = db.fetch_all(q("SELECT id, body FROM letter_templates WHERE id IN (SELECT template_id FROM letters WHERE year = $1)").bind(year)).await?;
    let common = common_of(&db.fetch_all(common_query(year)).await?);
    let phrases = phrases_normalized(db.fetch_all(q("SELECT id, phrase, allowed_keywords FROM scope_phrases ORDER BY id")).await?);
    let stored: Vec<(i64, i64, Vec<u8>)> = db.fetch_all(q("SELECT letter_id, scheme, signature FROM letter_signatures WHERE year = $1").bind(year)).await?;
    tracing::debug!(ms = ms(), stored = stored.len(), "check_year: templates, 共性, phrases, signatures read");

    let (dups, changed, foreign) = compute(move || {
        let t = std::time::Instant::now();
        let mut excl = Exclusions::new(common);
        excl.add_templates(&templates);
        let docs: Vec<TextDoc> = rows.par_iter().map(|r| TextDoc { id: r.id, text: &r.body, exclude: excl.own(&r.body, r.template_id) }).collect();
        let (pairs, sigs) = similar_pairs_of_texts(&docs, threshold);
        tracing::debug!(ms = t.elapsed().as_millis() as u64, pairs = pairs.len(), "check_year: pairing (shingles, signatures, LSH, exact Jaccard)");
        let by_id: HashMap<i64, &CheckRow> = rows.iter().map(|r| (r.id, r)).collect();
        let dups: Vec<NewFlag> = pairs
            .iter()
            .filter_map(|p| {
                let (a, b) = if p.a < p.b { (p.a, p.b) } else { (p.b, p.a) };
                by_id.get(&b).map(|later| pair_flag(year, "duplicate", later, a, p.jaccard))
            })
            .collect();
        // only signatures that differ from the stored ones are written
        let stored: HashMap<i64, (i64, Vec<u8>)> = stored.into_iter().map(|(id, scheme, sig)| (id, (scheme, sig))).collect();
        let changed: Vec<(i64, i64, Vec<u8>)> = rows
            .iter()
            .zip(&sigs)
            .filter_map(|(r, s)| {
                let bytes = s.to_le_bytes();
                let same = stored.get(&r.id).is_some_and(|(scheme, old)| *scheme == i64::from(SCHEME) && *old == bytes);
                (!same).then_some((r.id, year, bytes))
            })
            .collect();
        let foreign: Vec<NewFlag> = rows.par_iter().flat_map_iter(|r| phrase_flags(r, &phrases)).collect();
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "check_year: flags and changed signatures prepared");
        (dups, changed, foreign)
    })
    .await?;
    tracing::debug!(ms = ms(), duplicates = dups.len(), foreign = foreign.len(), changed = changed.len(), "check_year: computed");

    let n = dups.len() + foreign.len();
    let mut tx = db.begin().await?;
    tx.serialize(COPY_CHECK_LOCK).await?;
    tx.execute(q("DELETE FROM letter_flags WHERE year = $1 AND status = 'open' AND kind = 'duplicate'").bind(year)).await?;
    insert_flags(&mut tx, dups).await?;
    insert_flags(&mut tx, foreign).await?;
    tracing::debug!(ms = ms(), "check_year: flags written");
    save_signatures(&mut tx, changed, true).await?;
    tx.commit().await?;
    tracing::debug!(ms = ms(), "check_year: signatures written, done");
    Ok(n)
}

// ---- flags ----

#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    pub year: i64,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub sort: crate::builder::Sort,
}

/// The flags table's sort keys.
pub const FLAG_SORTS: &[(&str, &[SortKey])] =
    &[("kind", &[SortKey::text("f.kind")]), ("letter", &[SortKey::text("a.org_path"), SortKey::text("a.signer_name")]), ("score", &[SortKey::num("f.score_pm")]), ("status", &[SortKey::text("f.status")])];

pub async fn flags(db: &Db, scope: &Scope, f: &FlagFilter) -> Result<Vec<Flag>, StoreError> {
    let mut b = SqlBuilder::new(FLAG_SELECT);
    b.push("WHERE f.year = ").bind(f.year).push(" AND ").scope("f.org_path", scope);
    b.and_eq("f.kind", f.kind.as_deref());
    b.and_eq("f.status", f.status.as_deref());
    match f.sort.pick(FLAG_SORTS) {
        Some(keys) => b.order_by(db.backend(), keys, f.sort.desc, "f.id"),
        None => b.push(" ORDER BY f.status, f.score_pm DESC, f.id"),
    };
    b.push(" LIMIT 2000");
    db.fetch_all(b.build()).await
}

/// The flags on either side of a letter, when the letter lies inside the scope (the other
/// side may not: callers mask it).
pub async fn flags_of_letter(db: &Db, scope: &Scope, letter_id: LetterId) -> Result<Vec<Flag>, StoreError> {
    let mut b = SqlBuilder::new(FLAG_SELECT);
    b.push("WHERE (f.letter_id = ").bind(letter_id).push(" OR f.other_letter_id = ").bind(letter_id).push(") AND EXISTS (SELECT 1 FROM letters x WHERE x.id = ").bind(letter_id).push(" AND ");
    b.scope("x.org_path", scope).push(") ORDER BY f.id");
    db.fetch_all(b.build()).await
}

pub async fn flag_in_scope(db: &Db, scope: &Scope, id: FlagId) -> Result<Flag, StoreError> {
    one_in_scope(db, FLAG_SELECT, "f", scope, id).await
}

/// 标记已核: the 纪委 has looked at it (a note says what was found or done).
/// Marks an open flag on a letter inside `scope` reviewed (a flag outside it is not found).
pub async fn mark_reviewed(tx: &mut Tx, actor: &Actor, scope: &Scope, id: FlagId, note: Option<&str>) -> Result<(), StoreError> {
    let mut b = SqlBuilder::new("UPDATE letter_flags SET status = 'reviewed', note = ");
    b.bind(note).push(", reviewed_by = ").bind(actor.user_id).push(", reviewed_at = ").bind(now()).push(" WHERE id = ").bind(id);
    b.push(" AND status = 'open' AND letter_id IN (SELECT l.id FROM letters l WHERE ").scope("l.org_path", scope).push(")");
    if tx.execute(b.build()).await? == 0 {
        let mut b = SqlBuilder::new("SELECT f.id FROM letter_flags f JOIN letters l ON l.id = f.letter_id WHERE f.id = ");
        b.bind(id).push(" AND ").scope("l.org_path", scope);
        let found: Option<(FlagId,)> = tx.fetch_optional(b.build()).await?;
        return Err(if found.is_some() { StoreError::Invalid("该提示已标记为已核".into()) } else { StoreError::NotFound });
    }
    audit::record(tx, actor, "letter_flag.review", "letter_flag", Some(id.to_string()), json!({"after": audit::redact(&json!({"note": note}), &["note"])})).await
}

pub async fn phrases(db: &Db) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
    db.fetch_all(q("SELECT id, phrase, allowed_keywords, note FROM scope_phrases ORDER BY id")).await
}

pub async fn add_phrase(tx: &mut Tx, actor: &Actor, phrase: &str, allowed: &str, note: Option<&str>) -> Result<(), StoreError> {
    tx.execute(q("INSERT INTO scope_phrases (phrase, allowed_keywords, note, created_at) VALUES ($1, $2, $3, $4)").bind(phrase).bind(allowed).bind(note).bind(now())).await?;
    audit::record(tx, actor, "scope_phrase.create", "scope_phrase", None, json!({"after": {"phrase": phrase, "allowed": allowed}})).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_the_signer_and_items() {
        let t = render("{上级}与{单位}{签订人}签订{年度}年责任书：\n{责任内容}", "王建国", "某某县教育局", "中共某某县委员会", 2026, &["一".into(), "二".into()]);
        assert_eq!(t, "中共某某县委员会与某某县教育局王建国签订2026年责任书：\n1．一\n2．二");
    }

    #[test]
    fn boilerplate_is_removed_before_comparing() {
        let template = "为全面落实党风廉政建设责任制，明确责任，特签订本责任书。一、责任内容：{责任内容} 二、考核与追究：本责任书执行情况纳入年度考核，对履职不力的依规依纪追究责任。";
        let a = template.replace("{责任内容}", "加强教育经费监管，每季度开展一次专项检查；规范招生入学全程公开");
        let b = template.replace("{责任内容}", "加强道路工程项目监管，严格执行招投标制度；规范工程款支付审批");
        let full = jaccard(&shingles(&a), &shingles(&b));
        let mut excl = Exclusions::new(Vec::new());
        excl.add_templates(&[(1, template.to_string())]);
        let own = jaccard(&excl.own_shingles(&a, Some(1)), &excl.own_shingles(&b, Some(1)));
        assert!(own < full, "own {own} < full {full}");
        // a letter with (almost) nothing of its own is compared whole
        assert_eq!(excl.own_shingles(template, Some(1)), shingles(template));
        // a template no longer there excludes only the 共性 text
        assert_eq!(excl.own_shingles(&a, Some(99)), shingles(&a));
    }
}
