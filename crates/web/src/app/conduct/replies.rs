//! 廉洁意见回复 (DOMAIN.md "履责"): a body (usually the 组织部) asks the 纪委 for its opinion
//! on people — a promotion list, 评优评先 candidates. The 纪委 names the people (a list pasted
//! from the request, or picked), the system reads each person's integrity file as of the day
//! and drafts his opinion and sentences (`reply_draft`), the staff edit and decide what needs
//! a decision (open matters, flags), then issue it as one GB/T 9704 document with a table.
//! Every sentence keeps the record it comes from, or who wrote it.
//!
//! Only the 纪委 (`ReplyIntegrity`) drafts, reads and issues replies, over people of its scope;
//! reading a file for a draft is logged like any other opening of a file.

use std::collections::HashMap;

use lianzheng_core::duty::format_date;
use lianzheng_core::ids::{IntegrityReplyId, PersonId};
use lianzheng_core::org::Scope;
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_store::conduct::replies::{self as store, NewReply, PersonRow};
pub use lianzheng_store::conduct::replies::{Reply, ReplyPerson, TABLES};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::reply_draft::{self, OPINIONS, PURPOSES, Sentence};
use crate::app::calendar;
use crate::app::paging::{self, Paging};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text};
use crate::state::AppState;

/// People in one reply (a promotion list is a few dozen at most).
pub const PEOPLE_MAX: usize = 100;
const REQUESTER_MAX: usize = 50;
const REF_MAX: usize = 100;
const CONCLUSION_MAX: usize = 60;
const SENTENCE_MAX: usize = 500;
const SENTENCES_MAX: usize = 30;
const DOC_NUMBER_MAX: usize = 40;

fn scope(p: &Principal) -> AppResult<Scope> {
    super::open(p, super::Part::Replies)
}

/// Whether the caller may open the part (the tab bar's rule).
pub fn may_open(p: &Principal) -> bool {
    scope(p).is_ok()
}

async fn find(st: &AppState, p: &Principal, id: IntegrityReplyId) -> AppResult<Reply> {
    Ok(store::get(&st.db, &scope(p)?, id).await?)
}

fn today() -> String {
    format_date(calendar::today())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    /// draft / issued
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    #[serde(flatten)]
    pub paging: Paging,
}

pub struct ListView {
    pub year: i64,
    pub status: String,
    pub rows: Vec<Reply>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
}

pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let scope = scope(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let status = ["draft", "issued"].into_iter().find(|s| *s == q.status.trim());
    let size = q.paging.size(paging::DEFAULT_SIZE);
    let (_, total) = store::list(&st.db, &scope, year, status, 0, 0).await?;
    let page = paging::clamp(q.paging.page(), size, total);
    let (rows, total) = store::list(&st.db, &scope, year, status, size, (page - 1) * size).await?;
    Ok(ListView { year, status: status.unwrap_or_default().to_string(), rows, total, page, size })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    /// 来函单位 (主送机关).
    #[serde(deserialize_with = "lenient")]
    pub requester: String,
    #[serde(deserialize_with = "lenient")]
    pub request_ref: String,
    #[serde(deserialize_with = "lenient")]
    pub purpose: String,
    #[serde(deserialize_with = "lenient")]
    pub received_on: String,
    /// One person a line: "姓名" or "姓名 单位" (as the request lists them).
    #[serde(deserialize_with = "lenient")]
    pub people: String,
    /// Or ids (the API).
    pub person_ids: Vec<PersonId>,
}

impl NewForm {
    pub fn with_defaults() -> NewForm {
        NewForm { requester: "县委组织部".into(), purpose: "promotion".into(), received_on: today(), ..NewForm::default() }
    }
}

/// The people a request names, each found in the caller's scope: a line is "姓名" or
/// "姓名 单位"; a name nobody or several people carry is an error that says which line.
async fn resolve(st: &AppState, scope: &Scope, f: &NewForm, e: &mut FieldErrors) -> AppResult<Vec<PersonId>> {
    let mut out: Vec<PersonId> = Vec::new();
    let mut problems = Vec::new();
    for id in &f.person_ids {
        match lianzheng_store::people::get_in_scope(&st.db, scope, *id).await {
            Ok(r) if !out.contains(&r.id) => out.push(r.id),
            Ok(_) => {}
            Err(lianzheng_store::StoreError::NotFound) => problems.push(format!("人员 {id} 不存在或不在您的管理范围内")),
            Err(err) => return Err(err.into()),
        }
    }
    let lines: Vec<(usize, &str)> = f.people.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty()).collect();
    if lines.len() + out.len() > PEOPLE_MAX {
        e.insert("people".into(), format!("一次最多回复 {PEOPLE_MAX} 人，现有 {} 人，请分批办理", lines.len() + out.len()));
        return Ok(out);
    }
    let mut first_line: HashMap<PersonId, usize> = HashMap::new();
    for (n, line) in lines {
        let mut parts = line.split(|c: char| c.is_whitespace() || c == '，' || c == ',' || c == '、').filter(|s| !s.is_empty());
        let name: String = parts.next().unwrap_or_default().chars().take(20).collect();
        let unit: String = parts.collect::<Vec<_>>().join("");
        let filter = lianzheng_store::people::PeopleFilter { q: Some(name.clone()), ..Default::default() };
        let (rows, _) = lianzheng_store::people::list(&st.db, scope, &filter, 0, 50).await?;
        let same: Vec<_> = rows.into_iter().filter(|r| r.name == name && (unit.is_empty() || r.org_name.contains(&unit) || unit.contains(&r.org_name))).collect();
        match same.as_slice() {
            [] if unit.is_empty() => problems.push(format!("第{n}行“{line}”：在您的管理范围内找不到此人")),
            [] => problems.push(format!("第{n}行“{line}”：在“{unit}”找不到此人")),
            [r] => match first_line.get(&r.id) {
                Some(k) => problems.push(format!("第{n}行“{line}”与第{k}行是同一人")),
                None if out.contains(&r.id) => {}
                None => {
                    first_line.insert(r.id, n);
                    out.push(r.id);
                }
            },
            many => {
                let units: Vec<&str> = many.iter().map(|r| r.org_name.as_str()).collect();
                problems.push(format!("第{n}行“{line}”：有 {} 人同名（{}），请写成“姓名 单位”", many.len(), units.join("、")));
            }
        }
    }
    if !problems.is_empty() {
        e.insert("people".into(), problems.join("；"));
    } else if out.is_empty() {
        e.insert("people".into(), "请填写或选择要回复的人员".into());
    }
    Ok(out)
}

/// The row a person's file drafts, as of `on`.
async fn drafted(st: &AppState, p: &Principal, person_id: PersonId, on: time::Date, purpose: &str) -> AppResult<PersonRow> {
    let file = super::archive::file_on(st, p, person_id, on).await?;
    let d = reply_draft::draft(&file, purpose);
    // the file's posts are written with their unit ("某某县教育局副局长")
    let (org, post) = (&file.person.org_name, &file.person.post);
    let unit_post = if post.is_empty() {
        org.clone()
    } else if post.starts_with(org.as_str()) {
        post.clone()
    } else {
        format!("{org}{post}")
    };
    Ok(PersonRow {
        person_id,
        person_name: file.person.name.clone(),
        unit_post,
        opinion: d.opinion.into(),
        conclusion: d.conclusion,
        needs_decision: d.needs_decision,
        sentences: serde_json::to_string(&d.sentences).map_err(|e| AppError::Internal(format!("保存起草内容：{e}")))?,
    })
}

/// Opens a reply: the people found, each file read as of today and drafted.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<Reply> {
    let scope = scope(p)?;
    let mut e = FieldErrors::new();
    let requester = text(&mut e, "requester", "来函单位", &f.requester, REQUESTER_MAX, true).unwrap_or_default();
    let request_ref = text(&mut e, "request_ref", "来函名称或文号", &f.request_ref, REF_MAX, false);
    let purpose = PURPOSES.iter().find(|x| x.0 == f.purpose.trim()).map(|x| x.0);
    if purpose.is_none() {
        e.insert("purpose".into(), "请选择征求意见的事由".into());
    }
    let received_on = super::past_date(&mut e, "received_on", "收文日期", &f.received_on);
    let people = resolve(st, &scope, f, &mut e).await?;
    let (Some(purpose), true) = (purpose, e.is_empty()) else { return Err(into_error(e)) };
    let body = super::issuing_body(st, p).await?;
    if !scope.contains(&body.path) {
        return Err(AppError::Forbidden);
    }
    let (org_id, org_path, issuer) = (body.id, body.path, body.name);
    let on = calendar::today();
    let mut rows = Vec::with_capacity(people.len());
    for id in people {
        rows.push(drafted(st, p, id, on, purpose).await?);
    }
    let n = NewReply { org_id, org_path, issuer, year: i64::from(on.year()), requester, request_ref, purpose: purpose.into(), received_on, as_of: format_date(on), created_by: Some(p.user.id.get()) };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &n, &rows).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &scope, id).await?)
}

/// A person of a reply as pages show him.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    #[serde(flatten)]
    pub row: ReplyPerson,
    pub opinion_label: &'static str,
    #[serde(rename = "sentence_list")]
    pub sentences: Vec<Sentence>,
}

impl PersonView {
    fn of(row: ReplyPerson) -> PersonView {
        let sentences = serde_json::from_str(&row.sentences).unwrap_or_default();
        PersonView { opinion_label: reply_draft::opinion_label(&row.opinion), sentences, row }
    }
    /// The paragraph the document prints.
    pub fn paragraph(&self) -> String {
        self.sentences.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub reply: Reply,
    pub purpose_label: &'static str,
    pub people: Vec<PersonView>,
    /// A draft the caller may still change and issue.
    pub can_edit: bool,
    /// The 文号 the issue form suggests.
    pub suggested_number: String,
}

impl Detail {
    pub fn undecided(&self) -> Vec<&str> {
        self.people.iter().filter(|x| x.row.needs_decision).map(|x| x.row.person_name.as_str()).collect()
    }
}

/// Opens a reply (logged: it holds what people's files say), with the 文号 a draft's issue form
/// suggests.
pub async fn get(st: &AppState, p: &Principal, id: IntegrityReplyId) -> AppResult<Detail> {
    let mut d = get_unlogged(st, p, id).await?;
    p.log_read(st, "integrity_reply.read", "integrity_reply", Some(id.to_string()), json!({"status": d.reply.status})).await?;
    d.suggested_number = match &d.reply.doc_number {
        Some(n) => n.clone(),
        None => format!("纪廉复〔{}〕{}号", d.reply.year, store::next_number(&st.db, d.reply.org_id, d.reply.year).await?),
    };
    Ok(d)
}

/// A person's edited paragraph: each present sentence's text in order (blank: removed), a new
/// sentence to add, the opinion and its short form for the table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PersonForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub opinion: String,
    #[serde(deserialize_with = "lenient")]
    pub conclusion: String,
    pub texts: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub added: String,
}

impl PersonForm {
    /// From a urlencoded body where each sentence's textarea repeats the key `text`.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PersonForm {
        let mut f = PersonForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "opinion" => f.opinion = v,
                "conclusion" => f.conclusion = v,
                "added" => f.added = v,
                "text" => f.texts.push(v),
                _ => {}
            }
        }
        f
    }
    pub fn of(x: &PersonView) -> PersonForm {
        PersonForm { version: x.row.version.to_string(), opinion: x.row.opinion.clone(), conclusion: x.row.conclusion.clone(), texts: x.sentences.iter().map(|s| s.text.clone()).collect(), added: String::new() }
    }
}

/// The person's row of a draft the caller keeps.
async fn person_of(st: &AppState, p: &Principal, id: IntegrityReplyId, person_id: PersonId) -> AppResult<(Reply, PersonView)> {
    let reply = find(st, p, id).await?;
    let row = store::people(&st.db, id).await?.into_iter().find(|x| x.person_id == person_id).ok_or(AppError::NotFound)?;
    Ok((reply, PersonView::of(row)))
}

/// The row to edit (with the reply it belongs to).
pub async fn person(st: &AppState, p: &Principal, id: IntegrityReplyId, person_id: PersonId) -> AppResult<(Reply, PersonView)> {
    person_of(st, p, id, person_id).await
}

fn refuse_issued(r: &Reply) -> AppResult<()> {
    // a state conflict (409), not a refusal: the same caller could change it while a draft
    if r.issued() { Err(AppError::Conflict("该回复已签发，不能再修改".into())) } else { Ok(()) }
}

/// Saves a person's edited paragraph and opinion: the staff's decision (a row waiting for one
/// no longer waits). A changed sentence keeps its record and names who changed it.
pub async fn save_person(st: &AppState, p: &Principal, id: IntegrityReplyId, person_id: PersonId, f: &PersonForm) -> AppResult<PersonView> {
    let (reply, x) = person_of(st, p, id, person_id).await?;
    refuse_issued(&reply)?;
    let mut e = FieldErrors::new();
    let version = f.version.trim().parse::<i64>().unwrap_or_else(|_| {
        e.insert("version".into(), "缺少版本号，请刷新页面后重试".into());
        0
    });
    let opinion = OPINIONS.iter().find(|o| o.0 == f.opinion.trim()).map(|o| o.0);
    if opinion.is_none() {
        e.insert("opinion".into(), "请选择回复意见".into());
    }
    let conclusion = text(&mut e, "conclusion", "表中意见", &f.conclusion, CONCLUSION_MAX, true).unwrap_or_default();
    if f.texts.len() != x.sentences.len() {
        e.insert("texts".into(), "内容已被他人修改，请刷新页面后重试".into());
    }
    let mut sentences = Vec::new();
    for (k, (old, new)) in x.sentences.iter().zip(&f.texts).enumerate() {
        let new = new.trim();
        if new.is_empty() {
            continue;
        }
        if new.chars().count() > SENTENCE_MAX {
            e.insert(format!("text{k}"), format!("第{}句不能超过 {SENTENCE_MAX} 字", k + 1));
        }
        let by = if new == old.text { old.by.clone() } else { p.user.display_name.clone() };
        sentences.push(Sentence { text: new.to_string(), source: old.source.clone(), by });
    }
    if let Some(added) = text(&mut e, "added", "补充内容", &f.added, SENTENCE_MAX, false) {
        sentences.push(Sentence { text: added, source: None, by: p.user.display_name.clone() });
    }
    if sentences.is_empty() {
        e.insert("texts".into(), "回复内容不能为空".into());
    }
    if sentences.len() > SENTENCES_MAX {
        e.insert("texts".into(), format!("回复内容最多 {SENTENCES_MAX} 句"));
    }
    let (Some(opinion), true) = (opinion, e.is_empty()) else { return Err(into_error(e)) };
    let row = PersonRow {
        person_id,
        person_name: x.row.person_name.clone(),
        unit_post: x.row.unit_post.clone(),
        opinion: opinion.into(),
        conclusion,
        needs_decision: false,
        sentences: serde_json::to_string(&sentences).map_err(|err| AppError::Internal(format!("保存回复内容：{err}")))?,
    };
    let mut tx = st.db.begin().await?;
    store::save_person(&mut tx, &p.actor(), false, id, person_id, version, &row, Some(&p.user.display_name)).await?;
    tx.commit().await?;
    Ok(person_of(st, p, id, person_id).await?.1)
}

/// Drafts a person's paragraph again from his file as of today (the staff's edits to it go).
pub async fn redraft(st: &AppState, p: &Principal, id: IntegrityReplyId, person_id: PersonId, version: &str) -> AppResult<PersonView> {
    let (reply, _) = person_of(st, p, id, person_id).await?;
    refuse_issued(&reply)?;
    let version = version.trim().parse::<i64>().map_err(|_| AppError::Conflict("缺少版本号，请刷新页面后重试".into()))?;
    let row = drafted(st, p, person_id, calendar::today(), &reply.purpose).await?;
    let mut tx = st.db.begin().await?;
    store::save_person(&mut tx, &p.actor(), true, id, person_id, version, &row, None).await?;
    tx.commit().await?;
    Ok(person_of(st, p, id, person_id).await?.1)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IssueForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub doc_number: String,
    #[serde(deserialize_with = "lenient")]
    pub issued_on: String,
}

/// Issues a draft once every person's opinion is decided; locked after.
pub async fn issue(st: &AppState, p: &Principal, id: IntegrityReplyId, f: &IssueForm) -> AppResult<Reply> {
    let d = get_unlogged(st, p, id).await?;
    refuse_issued(&d.reply)?;
    let mut e = FieldErrors::new();
    let undecided = d.undecided();
    if !undecided.is_empty() {
        e.insert("undecided".into(), format!("以下人员有尚未了结的事项或需说明的问题，请先逐人确定回复意见：{}", undecided.join("、")));
    }
    let version = f.version.trim().parse::<i64>().unwrap_or_else(|_| {
        e.insert("version".into(), "缺少版本号，请刷新页面后重试".into());
        0
    });
    let doc_number = text(&mut e, "doc_number", "文号", &f.doc_number, DOC_NUMBER_MAX, true).unwrap_or_default();
    let on = super::past_date(&mut e, "issued_on", "成文日期", &f.issued_on);
    if !on.is_empty() && on < d.reply.received_on {
        e.insert("issued_on".into(), "成文日期不能早于收文日期".into());
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::issue(&mut tx, &p.actor(), id, version, &doc_number, &on, &p.user.display_name).await?;
    tx.commit().await?;
    find(st, p, id).await
}

async fn get_unlogged(st: &AppState, p: &Principal, id: IntegrityReplyId) -> AppResult<Detail> {
    let reply = find(st, p, id).await?;
    let people = store::people(&st.db, id).await?.into_iter().map(PersonView::of).collect();
    Ok(Detail { purpose_label: reply_draft::purpose_label(&reply.purpose), people, can_edit: !reply.issued(), suggested_number: String::new(), reply })
}

/// Deletes a draft.
pub async fn delete(st: &AppState, p: &Principal, id: IntegrityReplyId, version: &str) -> AppResult<()> {
    let r = find(st, p, id).await?;
    if r.issued() {
        return Err(AppError::Conflict("已签发的回复不能删除".into()));
    }
    let version = version.trim().parse::<i64>().map_err(|_| AppError::Conflict("缺少版本号，请刷新页面后重试".into()))?;
    let mut tx = st.db.begin().await?;
    store::delete(&mut tx, &p.actor(), id, version).await?;
    tx.commit().await?;
    Ok(())
}

/// The document (GB/T 9704): the paragraphs per person and the table; a draft is marked as
/// such in its title so a preview is never sent by mistake. (file name, bytes)
pub async fn docx(st: &AppState, p: &Principal, id: IntegrityReplyId) -> AppResult<(String, Vec<u8>)> {
    let d = get_unlogged(st, p, id).await?;
    let mut tx = st.db.begin().await?;
    lianzheng_store::audit::record(&mut tx, &p.actor(), "integrity_reply.download", "integrity_reply", Some(id.to_string()), json!({"status": d.reply.status})).await?;
    tx.commit().await?;
    let r = &d.reply;
    let first = d.people.first().map(|x| x.row.person_name.clone()).unwrap_or_default();
    let names = if d.people.len() > 1 { format!("{first}等{}名同志", d.people.len()) } else { format!("{first}同志") };
    let mut title = format!("关于{names}党风廉政情况的回复意见");
    if !r.issued() {
        title = format!("{title}（草稿）");
    }
    let request = match &r.request_ref {
        Some(x) if x.starts_with('《') => x.clone(),
        Some(x) => format!("《{x}》"),
        None => "征求意见函".into(),
    };
    let mut body = vec![Block::Paragraph(format!(
        "你单位{request}收悉。根据{}工作需要，我委对{names}的党风廉政情况进行了审核，查阅了廉政档案，截至{}，现将有关情况回复如下：",
        reply_draft::purpose_label(&r.purpose).trim_end_matches("（代表、委员候选人等）"),
        lianzheng_core::duty::written_date(&r.as_of)
    ))];
    for (k, x) in d.people.iter().enumerate() {
        body.push(Block::Paragraph(format!("{}．{}（{}）：{}", k + 1, x.row.person_name, x.row.unit_post, x.paragraph())));
    }
    let rows = d.people.iter().enumerate().map(|(k, x)| vec![(k + 1).to_string(), x.row.person_name.clone(), x.row.unit_post.clone(), x.row.conclusion.clone()]).collect();
    body.push(Block::Table { headers: ["序号", "姓名", "单位及职务", "回复意见"].iter().map(|s| s.to_string()).collect(), rows, widths: Some(vec![1, 2, 5, 6]), landscape: false });
    body.push(Block::Paragraph("特此回复。".into()));
    let date = lianzheng_core::duty::issue_date(r.issued_on.as_deref(), r.updated_at);
    let doc = OfficialDocument {
        issuer: r.issuer.clone(),
        doc_number: r.doc_number.clone(),
        title,
        addressee: Some(r.requester.clone()),
        body,
        signature: Some(r.issuer.clone()),
        date,
        letter: true,
        ..OfficialDocument::default()
    };
    let bytes = to_docx(&doc).map_err(|e| AppError::Internal(format!("生成回复意见文件：{e}")))?;
    let name = format!("廉洁意见回复-{}{}.docx", names, if r.issued() { "" } else { "（草稿）" });
    Ok((name, bytes))
}

/// People of the caller's scope whose name or pinyin matches `q` (the picker): at most 20, as
/// (id, "姓名 单位") — the line the request's list takes.
pub async fn candidates(st: &AppState, p: &Principal, q: &str) -> AppResult<Vec<(PersonId, String)>> {
    let scope = scope(p)?;
    Ok(super::people_matching(st, &scope, q).await?.into_iter().map(|(id, name, org)| (id, format!("{name} {org}"))).collect())
}

/// What a draft is (for lists and counts).
pub fn status_label(r: &Reply) -> &'static str {
    if r.issued() { "已签发" } else { "草稿" }
}
