//! 责任书/承诺书: templates, letters generated per signer from the signer's own list items (so
//! each is personal by construction), signing (in-system confirmation or an uploaded scan), and
//! copy detection — near-duplicates within a year and against the same signer's earlier
//! letters (MinHash LSH bands stored as rows, confirmed by exact Jaccard), plus phrases foreign
//! to the signer's unit.

use std::collections::{BTreeMap, HashMap, HashSet};

use lianzheng_core::org::Scope;
use lianzheng_docs::similarity::{band_keys, jaccard, minhash, normalize, shingles, similar_pairs_of_sets};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::ColType::{I64 as I, Text as T};
use crate::db::{Db, Tx, now, placeholders, q, q_built};
use crate::schema::TableDef;

/// Tables of this part, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef { name: "letter_templates", columns: &[("id", I), ("year", I), ("org_id", I), ("org_path", T), ("kind", T), ("title", T), ("body", T), ("created_at", I), ("updated_at", I)] },
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
        ],
    },
    TableDef { name: "letter_bands", columns: &[("id", I), ("letter_id", I), ("band", I), ("band_key", I), ("year", I)] },
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
pub const PLACEHOLDERS: &[(&str, &str)] = &[("{签订人}", "签订人姓名或单位"), ("{单位}", "签订人所在单位"), ("{上级}", "发出责任书的上级单位"), ("{年度}", "年度"), ("{责任内容}", "签订人本人责任清单的逐条内容")];

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct LetterTemplate {
    pub id: i64,
    pub year: i64,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub letter_count: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Letter {
    pub id: i64,
    pub year: i64,
    pub template_id: Option<i64>,
    pub kind: String,
    pub upper_org_id: i64,
    pub upper_org_name: String,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub person_id: Option<i64>,
    pub signer_name: String,
    pub title: String,
    pub body: String,
    pub status: String,
    pub sign_method: Option<String>,
    pub signed_at: Option<i64>,
    pub scan_attachment_id: Option<i64>,
    pub version: i64,
    pub open_flags: i64,
}

impl Letter {
    pub fn status_label(&self) -> &'static str {
        if self.status == "signed" { "已签订" } else { "待签订" }
    }
    pub fn status_tag(&self) -> &'static str {
        if self.status == "signed" { "tag-green" } else { "tag-yellow" }
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
    pub id: i64,
    pub year: i64,
    pub kind: String,
    pub letter_id: i64,
    pub other_letter_id: Option<i64>,
    pub score_pm: i64,
    pub detail: Option<String>,
    pub status: String,
    pub note: Option<String>,
    pub letter_title: String,
    pub letter_org: String,
    pub letter_signer: String,
    pub other_title: Option<String>,
    pub other_org: Option<String>,
    pub other_signer: Option<String>,
    pub other_year: Option<i64>,
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
        self.status == "reviewed"
    }
}

const TEMPLATE_SELECT: &str = "SELECT t.id, t.year, t.org_id, t.org_path, o.name AS org_name, t.kind, t.title, t.body, (SELECT COUNT(*) FROM letters l WHERE l.template_id = t.id) AS letter_count FROM letter_templates t JOIN orgs o ON o.id = t.org_id ";

const LETTER_SELECT: &str = "SELECT l.id, l.year, l.template_id, l.kind, l.upper_org_id, u.name AS upper_org_name, l.org_id, l.org_path, o.name AS org_name, l.person_id, l.signer_name, l.title, l.body, l.status, l.sign_method, l.signed_at, l.scan_attachment_id, l.version, \
    (SELECT COUNT(*) FROM letter_flags f WHERE f.status = 'open' AND (f.letter_id = l.id OR f.other_letter_id = l.id)) AS open_flags \
    FROM letters l JOIN orgs o ON o.id = l.org_id JOIN orgs u ON u.id = l.upper_org_id ";

const FLAG_SELECT: &str = "SELECT f.id, f.year, f.kind, f.letter_id, f.other_letter_id, f.score_pm, f.detail, f.status, f.note, \
    a.title AS letter_title, ao.name AS letter_org, a.signer_name AS letter_signer, b.title AS other_title, bo.name AS other_org, b.signer_name AS other_signer, b.year AS other_year \
    FROM letter_flags f JOIN letters a ON a.id = f.letter_id JOIN orgs ao ON ao.id = a.org_id LEFT JOIN letters b ON b.id = f.other_letter_id LEFT JOIN orgs bo ON bo.id = b.org_id ";

// ---- templates ----

pub async fn templates(db: &Db, scope: &Scope, year: i64) -> Result<Vec<LetterTemplate>, StoreError> {
    let mut b = SqlBuilder::new(TEMPLATE_SELECT);
    b.push("WHERE t.year = ").bind(year).push(" AND ").scope("t.org_path", scope).push(" ORDER BY t.id");
    db.fetch_all(b.build()).await
}

pub async fn template_in_scope(db: &Db, scope: &Scope, id: i64) -> Result<LetterTemplate, StoreError> {
    let mut b = SqlBuilder::new(TEMPLATE_SELECT);
    b.push("WHERE t.id = ").bind(id).push(" AND ").scope("t.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

#[allow(clippy::too_many_arguments)] // a template is that many things
pub async fn create_template(tx: &mut Tx, actor: &Actor, scope: &Scope, year: i64, org_id: i64, kind: &str, title: &str, body: &str) -> Result<i64, StoreError> {
    let p: Option<(String,)> = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(org_id)).await?;
    let (path,) = p.ok_or_else(|| StoreError::Invalid("发出单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("发出单位不在您的管理范围内".into()));
    }
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(StoreError::Conflict { field: "kind".into(), message: "请选择责任书或承诺书".into() });
    }
    let t = now();
    let (id,): (i64,) = tx
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
    audit::record(tx, actor, "create", "letter_template", Some(id.to_string()), json!({"after": {"year": year, "kind": kind, "title": title}})).await?;
    Ok(id)
}

/// The template text with the signer's particulars and own list items filled in.
pub fn render(body: &str, signer: &str, unit: &str, upper: &str, year: i64, items: &[String]) -> String {
    let list = if items.is_empty() {
        "（签订人尚无本年度责任清单内容）".to_string()
    } else {
        items.iter().enumerate().map(|(i, t)| format!("{}．{}", i + 1, t)).collect::<Vec<_>>().join("\n")
    };
    body.replace("{签订人}", signer).replace("{单位}", unit).replace("{上级}", upper).replace("{年度}", &year.to_string()).replace("{责任内容}", &list)
}

/// 生成责任书: one letter per signer in scope — each leader with a personal list, and each unit
/// with a unit list — from that signer's own list items. Existing letters are kept.
pub async fn generate(tx: &mut Tx, actor: &Actor, scope: &Scope, template_id: i64) -> Result<Vec<i64>, StoreError> {
    let t: Option<(i64, i64, String, String, String, String)> = tx
        .fetch_optional(q("SELECT t.year, t.org_id, t.kind, t.title, t.body, o.name FROM letter_templates t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1").bind(template_id))
        .await?;
    let (year, upper_id, kind, title, body, upper_name) = t.ok_or(StoreError::NotFound)?;
    let mut b = SqlBuilder::new("SELECT l.id AS list_id, l.org_id, l.org_path, o.name AS org_name, l.person_id, p.name AS person_name FROM duty_lists l JOIN orgs o ON o.id = l.org_id LEFT JOIN people p ON p.id = l.person_id WHERE l.year = ");
    b.bind(year).push(" AND l.kind = 'main' AND ").scope("l.org_path", scope).push(" ORDER BY l.org_path, l.holder_id");
    #[derive(FromRow)]
    struct Signer {
        list_id: i64,
        org_id: i64,
        org_path: String,
        org_name: String,
        person_id: Option<i64>,
        person_name: Option<String>,
    }
    let signers: Vec<Signer> = tx.fetch_all(b.build()).await?;
    let mut made = Vec::new();
    let t = now();
    for Signer { list_id, org_id, org_path, org_name, person_id, person_name } in signers {
        // the issuer does not sign with itself
        if org_id == upper_id && person_id.is_none() {
            continue;
        }
        let exists: Option<(i64,)> = match person_id {
            Some(pid) => tx.fetch_optional(q("SELECT id FROM letters WHERE template_id = $1 AND person_id = $2").bind(template_id).bind(pid)).await?,
            None => tx.fetch_optional(q("SELECT id FROM letters WHERE template_id = $1 AND org_id = $2 AND person_id IS NULL").bind(template_id).bind(org_id)).await?,
        };
        if exists.is_some() {
            continue;
        }
        let items: Vec<(String,)> = tx.fetch_all(q("SELECT content FROM duty_items WHERE list_id = $1 ORDER BY CASE WHEN scope = 'common' THEN 0 ELSE 1 END, seq, id").bind(list_id)).await?;
        let items: Vec<String> = items.into_iter().map(|(c,)| c).collect();
        let signer = person_name.clone().unwrap_or_else(|| org_name.clone());
        // a unit signs as itself: "{单位}{签订人}" must not name it twice
        let text = render(&body, person_name.as_deref().unwrap_or(""), &org_name, &upper_name, year, &items);
        let letter_title = match &person_name {
            Some(n) => format!("{title}（{org_name} {n}）"),
            None => format!("{title}（{org_name}）"),
        };
        let (id,): (i64,) = tx
            .fetch_one(
                q("INSERT INTO letters (year, template_id, kind, upper_org_id, org_id, org_path, person_id, signer_name, title, body, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $11) RETURNING id")
                    .bind(year)
                    .bind(template_id)
                    .bind(kind.as_str())
                    .bind(upper_id)
                    .bind(org_id)
                    .bind(org_path)
                    .bind(person_id)
                    .bind(signer)
                    .bind(letter_title)
                    .bind(text)
                    .bind(t),
            )
            .await?;
        made.push(id);
    }
    audit::record(tx, actor, "generate", "letter", Some(template_id.to_string()), json!({"template_id": template_id, "letters": made.len()})).await?;
    Ok(made)
}

// ---- letters ----

#[derive(Debug, Clone, Default)]
pub struct LetterFilter {
    pub year: i64,
    pub status: Option<String>,
    pub flagged: bool,
}

pub async fn list(db: &Db, scope: &Scope, f: &LetterFilter) -> Result<Vec<Letter>, StoreError> {
    let mut b = SqlBuilder::new(LETTER_SELECT);
    b.push("WHERE l.year = ").bind(f.year).push(" AND ").scope("l.org_path", scope);
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        b.push(" AND l.status = ").bind(s);
    }
    if f.flagged {
        b.push(" AND EXISTS (SELECT 1 FROM letter_flags f WHERE f.status = 'open' AND (f.letter_id = l.id OR f.other_letter_id = l.id))");
    }
    b.push(" ORDER BY l.org_path, l.person_id IS NOT NULL, l.id LIMIT 5000");
    db.fetch_all(b.build()).await
}

pub async fn get_in_scope(db: &Db, scope: &Scope, id: i64) -> Result<Letter, StoreError> {
    let mut b = SqlBuilder::new(LETTER_SELECT);
    b.push("WHERE l.id = ").bind(id).push(" AND ").scope("l.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// Edits the text of an unsigned letter; `version` guards concurrent edits.
pub async fn update_body(tx: &mut Tx, actor: &Actor, scope: &Scope, id: i64, version: i64, body: &str) -> Result<(), StoreError> {
    let row: Option<(String, String)> = tx.fetch_optional(q("SELECT org_path, status FROM letters WHERE id = $1").bind(id)).await?;
    let (path, status) = row.ok_or(StoreError::NotFound)?;
    if !scope.contains(&path) {
        return Err(StoreError::NotFound);
    }
    if status == "signed" {
        return Err(StoreError::Invalid("责任书已签订，不能再修改".into()));
    }
    let n = tx.execute(q("UPDATE letters SET body = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4").bind(body).bind(now()).bind(id).bind(version)).await?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    audit::record(tx, actor, "update", "letter", Some(id.to_string()), json!({"chars": body.chars().count()})).await
}

/// 签订: by confirmation in the system (the signer's own account) or an uploaded signed scan.
pub async fn sign(tx: &mut Tx, actor: &Actor, id: i64, method: &str, scan_attachment_id: Option<i64>) -> Result<(), StoreError> {
    let n = tx
        .execute(
            q("UPDATE letters SET status = 'signed', sign_method = $1, signed_at = $2, signed_by = $3, scan_attachment_id = $4, updated_at = $2, version = version + 1 WHERE id = $5 AND status <> 'signed'")
                .bind(method)
                .bind(now())
                .bind(actor.user_id)
                .bind(scan_attachment_id)
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Invalid("责任书已签订".into()));
    }
    audit::record(tx, actor, "sign", "letter", Some(id.to_string()), json!({"method": method, "scan_attachment_id": scan_attachment_id})).await
}

// ---- copy detection ----

/// The letter's own text as shingles: the template's boilerplate and the year's 共性 list items
/// removed, since every letter shares them by design. A letter that is (almost) only boilerplate
/// keeps all its shingles, so two such letters still show as identical.
fn own_shingles(body: &str, template_body: Option<&str>, common: &HashSet<u64>) -> Vec<u64> {
    let all = shingles(body);
    let template: HashSet<u64> = template_body.map(|t| shingles(t).into_iter().collect()).unwrap_or_default();
    let own: Vec<u64> = all.iter().copied().filter(|s| !template.contains(s) && !common.contains(s)).collect();
    if own.len() < 20 { all } else { own }
}

/// Shingles of the 共性 items published for a year (shared by every list, hence every letter).
async fn common_shingles(tx: &mut Tx, year: i64) -> Result<HashSet<u64>, StoreError> {
    let rows: Vec<(String,)> = tx.fetch_all(q("SELECT ti.content FROM duty_template_items ti JOIN duty_templates t ON t.id = ti.template_id WHERE t.year = $1 AND t.published = TRUE").bind(year)).await?;
    Ok(rows.iter().flat_map(|(c,)| shingles(c)).collect())
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
    body: String,
    template_body: Option<String>,
}

const CHECK_SELECT: &str = "SELECT l.id, l.year, l.org_id, l.org_path, o.name AS org_name, l.person_id, l.body, t.body AS template_body FROM letters l JOIN orgs o ON o.id = l.org_id LEFT JOIN letter_templates t ON t.id = l.template_id ";

fn same_signer(a: &CheckRow, b: &CheckRow) -> bool {
    match (a.person_id, b.person_id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.org_id == b.org_id,
        _ => false,
    }
}

async fn write_bands(tx: &mut Tx, id: i64, year: i64, keys: &[u64]) -> Result<(), StoreError> {
    tx.execute(q("DELETE FROM letter_bands WHERE letter_id = $1").bind(id)).await?;
    let mut sql = String::from("INSERT INTO letter_bands (letter_id, band, band_key, year) VALUES ");
    let mut query_vals = Vec::new();
    for (band, k) in keys.iter().enumerate() {
        if band > 0 {
            sql.push_str(", ");
        }
        let n = band * 4;
        sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
        // band keys are u64 hashes stored bit-for-bit in a signed BIGINT
        query_vals.push((id, band as i64, i64::from_ne_bytes(k.to_ne_bytes()), year));
    }
    let mut query = q_built(sql);
    for (a, b, c, d) in query_vals {
        query = query.bind(a).bind(b).bind(c).bind(d);
    }
    tx.execute(query).await?;
    Ok(())
}

/// Re-checks one letter: its band rows, pairs with this year's letters and with the same
/// signer's earlier letters, and foreign phrases. Open flags are replaced; reviewed ones stay.
pub async fn check_letter(tx: &mut Tx, id: i64, threshold: f64) -> Result<usize, StoreError> {
    let me: CheckRow = tx.fetch_optional(q_built(format!("{CHECK_SELECT}WHERE l.id = $1")).bind(id)).await?.ok_or(StoreError::NotFound)?;
    let common = common_shingles(tx, me.year).await?;
    let mine = own_shingles(&me.body, me.template_body.as_deref(), &common);
    let keys = band_keys(&minhash(&mine));
    write_bands(tx, me.id, me.year, &keys).await?;
    tx.execute(q("DELETE FROM letter_flags WHERE status = 'open' AND (letter_id = $1 OR other_letter_id = $1)").bind(me.id)).await?;
    let signed: Vec<i64> = keys.iter().map(|k| i64::from_ne_bytes(k.to_ne_bytes())).collect();
    // this year's letters through the band index; the same signer's earlier letters directly (few)
    let sql = format!("SELECT DISTINCT letter_id FROM letter_bands WHERE letter_id <> $1 AND year = $2 AND band_key IN ({}) ORDER BY letter_id", placeholders(3, signed.len()));
    let mut query = q_built(sql).bind(me.id).bind(me.year);
    for k in signed {
        query = query.bind(k);
    }
    let mut candidates: Vec<(i64,)> = tx.fetch_all(query).await?;
    let earlier: Vec<(i64,)> = match me.person_id {
        Some(pid) => tx.fetch_all(q("SELECT id FROM letters WHERE year < $1 AND person_id = $2 ORDER BY id").bind(me.year).bind(pid)).await?,
        None => tx.fetch_all(q("SELECT id FROM letters WHERE year < $1 AND person_id IS NULL AND org_id = $2 ORDER BY id").bind(me.year).bind(me.org_id)).await?,
    };
    candidates.extend(earlier);
    let mut found = 0;
    for (cid,) in candidates {
        let Some(other) = tx.fetch_optional::<CheckRow>(q_built(format!("{CHECK_SELECT}WHERE l.id = $1")).bind(cid)).await? else { continue };
        let kind = if other.year == me.year {
            "duplicate"
        } else if same_signer(&me, &other) {
            "copied"
        } else {
            continue;
        };
        let j = if other.year == me.year {
            jaccard(&mine, &own_shingles(&other.body, other.template_body.as_deref(), &common))
        } else {
            // across years both sides drop both years' 共性 text
            let both: HashSet<u64> = common.union(&common_shingles(tx, other.year).await?).copied().collect();
            jaccard(&own_shingles(&me.body, me.template_body.as_deref(), &both), &own_shingles(&other.body, other.template_body.as_deref(), &both))
        };
        if j < threshold {
            continue;
        }
        // one row per pair: the later letter carries it
        let (a, b) = if kind == "copied" || me.id > other.id { (&me, &other) } else { (&other, &me) };
        insert_flag(tx, a.year, kind, a.id, b.id, Some(b.id), &a.org_path, (j * 1000.0).round() as i64, None).await?;
        found += 1;
    }
    found += check_phrases(tx, &me).await?;
    Ok(found)
}

#[allow(clippy::too_many_arguments)] // one flag row
async fn insert_flag(tx: &mut Tx, year: i64, kind: &str, letter_id: i64, other_key: i64, other_letter_id: Option<i64>, org_path: &str, score_pm: i64, detail: Option<String>) -> Result<(), StoreError> {
    tx.execute(
        q("INSERT INTO letter_flags (year, kind, letter_id, other_key, other_letter_id, org_path, score_pm, detail, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) ON CONFLICT (kind, letter_id, other_key) DO NOTHING")
            .bind(year)
            .bind(kind)
            .bind(letter_id)
            .bind(other_key)
            .bind(other_letter_id)
            .bind(org_path)
            .bind(score_pm)
            .bind(detail)
            .bind(now()),
    )
    .await?;
    Ok(())
}

async fn check_phrases(tx: &mut Tx, me: &CheckRow) -> Result<usize, StoreError> {
    let phrases: Vec<(i64, String, String)> = tx.fetch_all(q("SELECT id, phrase, allowed_keywords FROM scope_phrases ORDER BY id")).await?;
    check_phrases_with(tx, me, &phrases).await
}

/// The phrase check against an already loaded phrase table (one query for a whole year).
async fn check_phrases_with(tx: &mut Tx, me: &CheckRow, phrases: &[(i64, String, String)]) -> Result<usize, StoreError> {
    let phrases = phrases.to_vec();
    let text = normalize(&me.body);
    let mut n = 0;
    for (pid, phrase, allowed) in phrases {
        let p = normalize(&phrase);
        if p.is_empty() || !text.contains(&p) {
            continue;
        }
        let fits = allowed.split([',', '，', '、']).map(str::trim).filter(|k| !k.is_empty()).any(|k| me.org_name.contains(k));
        if !fits {
            insert_flag(tx, me.year, "foreign", me.id, pid, None, &me.org_path, 1000, Some(format!("“{phrase}”只适用于{}，与{}的职责不符", allowed.replace(',', "、"), me.org_name))).await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Re-checks every letter of a year in one pass: all signatures, all band rows, candidate pairs
/// from equal band keys (one index scan), exact Jaccard, flags. Returns the flags written.
pub async fn check_year(db: &Db, year: i64, threshold: f64) -> Result<usize, StoreError> {
    let started = std::time::Instant::now();
    let rows: Vec<CheckRow> = db.fetch_all(q_built(format!("{CHECK_SELECT}WHERE l.year = $1 ORDER BY l.id")).bind(year)).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "check_year: letters loaded");
    let mut tx = db.begin().await?;
    let common = common_shingles(&mut tx, year).await?;
    let own: HashMap<i64, Vec<u64>> = rows.iter().map(|r| (r.id, own_shingles(&r.body, r.template_body.as_deref(), &common))).collect();
    tx.execute(q("DELETE FROM letter_bands WHERE year = $1").bind(year)).await?;
    tx.execute(q("DELETE FROM letter_flags WHERE year = $1 AND status = 'open' AND kind = 'duplicate'").bind(year)).await?;
    // bulk band rows, 8 letters (256 rows, 1,024 values) per statement: sqlx-sqlite finds each
    // `$n` by a linear scan, so very wide statements cost quadratically
    for chunk in rows.chunks(8) {
        let mut sql = String::from("INSERT INTO letter_bands (letter_id, band, band_key, year) VALUES ");
        let mut vals: Vec<i64> = Vec::with_capacity(chunk.len() * 128);
        for r in chunk {
            let Some(sh) = own.get(&r.id) else { continue };
            for (band, k) in band_keys(&minhash(sh)).into_iter().enumerate() {
                vals.extend([r.id, band as i64, i64::from_ne_bytes(k.to_ne_bytes()), year]);
            }
        }
        if vals.is_empty() {
            continue;
        }
        let groups: Vec<String> = (0..vals.len() / 4).map(|g| format!("(${}, ${}, ${}, ${})", g * 4 + 1, g * 4 + 2, g * 4 + 3, g * 4 + 4)).collect();
        sql.push_str(&groups.join(", "));
        let mut query = q_built(sql);
        for v in vals {
            query = query.bind(v);
        }
        tx.execute(query).await?;
    }
    // Candidate pairs from the same band keys, confirmed by exact Jaccard, in memory: a self-join
    // on the stored keys would materialise every bucket pair (tens of millions of rows when
    // thousands of letters share wording).
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "check_year: band rows written");
    let sets: Vec<(i64, Vec<u64>)> = rows.iter().filter_map(|r| own.get(&r.id).map(|s| (r.id, s.clone()))).collect();
    let by_id: BTreeMap<i64, &CheckRow> = rows.iter().map(|r| (r.id, r)).collect();
    let mut n = 0;
    for pair in similar_pairs_of_sets(&sets, threshold) {
        let (a, b) = if pair.a < pair.b { (pair.a, pair.b) } else { (pair.b, pair.a) };
        let Some(later) = by_id.get(&b) else { continue };
        insert_flag(&mut tx, year, "duplicate", b, a, Some(a), &later.org_path, (pair.jaccard * 1000.0).round() as i64, None).await?;
        n += 1;
    }
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "check_year: pairs flagged");
    let phrases: Vec<(i64, String, String)> = tx.fetch_all(q("SELECT id, phrase, allowed_keywords FROM scope_phrases ORDER BY id")).await?;
    for r in &rows {
        n += check_phrases_with(&mut tx, r, &phrases).await?;
    }
    tx.commit().await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "check_year: done");
    Ok(n)
}

// ---- flags ----

#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    pub year: i64,
    pub kind: Option<String>,
    pub status: Option<String>,
}

pub async fn flags(db: &Db, scope: &Scope, f: &FlagFilter) -> Result<Vec<Flag>, StoreError> {
    let mut b = SqlBuilder::new(FLAG_SELECT);
    b.push("WHERE f.year = ").bind(f.year).push(" AND ").scope("f.org_path", scope);
    if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        b.push(" AND f.kind = ").bind(k);
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        b.push(" AND f.status = ").bind(s);
    }
    b.push(" ORDER BY f.status, f.score_pm DESC, f.id LIMIT 2000");
    db.fetch_all(b.build()).await
}

pub async fn flags_of_letter(db: &Db, letter_id: i64) -> Result<Vec<Flag>, StoreError> {
    db.fetch_all(q_built(format!("{FLAG_SELECT}WHERE f.letter_id = $1 OR f.other_letter_id = $1 ORDER BY f.id")).bind(letter_id)).await
}

pub async fn flag_in_scope(db: &Db, scope: &Scope, id: i64) -> Result<Flag, StoreError> {
    let mut b = SqlBuilder::new(FLAG_SELECT);
    b.push("WHERE f.id = ").bind(id).push(" AND ").scope("f.org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

/// 标记已核: the 纪委 has looked at it (a note says what was found or done).
pub async fn mark_reviewed(tx: &mut Tx, actor: &Actor, id: i64, note: Option<&str>) -> Result<(), StoreError> {
    let n = tx.execute(q("UPDATE letter_flags SET status = 'reviewed', note = $1, reviewed_by = $2, reviewed_at = $3 WHERE id = $4 AND status = 'open'").bind(note).bind(actor.user_id).bind(now()).bind(id)).await?;
    if n == 0 {
        return Err(StoreError::Invalid("该提示已标记为已核".into()));
    }
    audit::record(tx, actor, "review", "letter_flag", Some(id.to_string()), json!({"note": note})).await
}

pub async fn phrases(db: &Db) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
    db.fetch_all(q("SELECT id, phrase, allowed_keywords, note FROM scope_phrases ORDER BY id")).await
}

pub async fn add_phrase(tx: &mut Tx, actor: &Actor, phrase: &str, allowed: &str, note: Option<&str>) -> Result<(), StoreError> {
    tx.execute(q("INSERT INTO scope_phrases (phrase, allowed_keywords, note, created_at) VALUES ($1, $2, $3, $4)").bind(phrase).bind(allowed).bind(note).bind(now())).await?;
    audit::record(tx, actor, "create", "scope_phrase", None, json!({"after": {"phrase": phrase, "allowed": allowed}})).await
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
        let own = jaccard(&own_shingles(&a, Some(template), &HashSet::new()), &own_shingles(&b, Some(template), &HashSet::new()));
        assert!(own < full, "own {own} < full {full}");
    }
}
