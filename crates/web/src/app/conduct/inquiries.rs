//! 谈话函询, 提醒谈话, 诫勉谈话 (DOMAIN.md "履责"): the 纪委 records a talk or a written inquiry
//! with a person — the matter, for a 函询 the reply limit in 工作日 (15 by default, counted on
//! the working-day calendar) — then the reply (typed in from his letter, or written by the
//! person himself in the system), and the conclusion (予以了结, 采信说明, 进一步核实) with what
//! follows.
//!
//! Need-to-know (`Record::Inquiry`): the 纪委 (`HandleInquiries`, over the people of its scope)
//! keeps them; the 书记 of the person's unit reads them; the person reads his own and may
//! answer it. Nobody else sees one, whatever his scope, and every opening of a record is in
//! the audit log (these records are how 问题线索 are disposed of).

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::ids::{InquiryId, PersonId};
use lianzheng_core::org::Permission;
use lianzheng_store::conduct::inquiries::{self as store, Filter, NewInquiry, View};
pub use lianzheng_store::conduct::inquiries::{CONCLUSIONS, Inquiry, KINDS, TABLES};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::calendar;
use crate::app::paging::{self, Paging};
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::text;
use crate::forms::{FieldErrors, into_error, lenient, version};
use crate::state::AppState;

/// The reply limit of a 函询 unless the record says otherwise (工作日).
pub const DEFAULT_REPLY_DAYS: i64 = 15;
/// Reply limits a record may set (工作日).
const REPLY_DAYS: std::ops::RangeInclusive<i64> = 1..=60;
/// A reply due within this many 工作日 is 临近 in the 待办.
const NEAR_DAYS: u32 = 3;
const MATTER_MAX: usize = 2000;
const SOURCE_MAX: usize = 100;
const REPLY_MAX: usize = 5000;
const FOLLOW_UP_MAX: usize = 1000;

/// Which records the caller reads, or 403.
fn view(p: &Principal) -> AppResult<View> {
    let scope = p.require(Permission::ViewConduct)?;
    match sees_any(&p.roles(), Record::Inquiry) {
        Sees::All => Ok(View::Scope(scope)),
        // an account without a person has no records of its own: nobody has id 0
        Sees::Own => Ok(View::Own(p.user.person_id.unwrap_or_default())),
        Sees::Nothing => Err(AppError::Forbidden),
    }
}

/// A record the view holds. A caller who reads only his own records is refused (403) any
/// other id, existing or not: the answer tells him nothing, and it is the same for every id.
async fn find(st: &AppState, view: &View, id: InquiryId) -> AppResult<Inquiry> {
    match (store::get(&st.db, view, id).await, view) {
        (Ok(i), _) => Ok(i),
        (Err(lianzheng_store::StoreError::NotFound), View::Own(_)) => Err(AppError::Forbidden),
        (Err(e), _) => Err(e.into()),
    }
}

/// Whether the caller may open the part at all (the tab bar's rule).
pub fn may_open(p: &Principal) -> bool {
    view(p).is_ok()
}

/// Whether the caller keeps records about people at `person_org_path` (the 纪委 over them).
fn handles(p: &Principal, person_org_path: &str) -> bool {
    p.require(Permission::HandleInquiries).is_ok_and(|s| s.contains(person_org_path))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// open / overdue / done
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub person: String,
    #[serde(flatten)]
    pub paging: Paging,
}

pub struct ListView {
    pub year: i64,
    pub rows: Vec<Row>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
    /// May the caller open new records (the 纪委)?
    pub can_create: bool,
    /// The filters as understood (unknown values dropped), for the page to echo.
    pub kind: String,
    pub state: String,
}

/// A record with what its list shows beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub inquiry: Inquiry,
    pub overdue: bool,
}

fn row(i: Inquiry, today: &str) -> Row {
    let overdue = i.awaits_reply() && i.reply_due.as_deref().is_some_and(|d| d < today);
    Row { inquiry: i, overdue }
}

fn today() -> String {
    format_date(calendar::today())
}

pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let view = view(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let kind = KINDS.iter().find(|k| k.0 == q.kind.trim()).map(|k| k.0.to_string());
    let state = ["open", "overdue", "done"].into_iter().find(|s| *s == q.state.trim()).map(str::to_string);
    let today = today();
    let f = Filter { year, kind: kind.clone(), state: state.clone(), person_id: q.person.trim().parse::<PersonId>().ok(), today: today.clone() };
    let size = q.paging.size(paging::DEFAULT_SIZE);
    let (_, total) = store::list(&st.db, &view, &f, 1, 0).await?;
    let page = paging::clamp(q.paging.page(), size, total);
    let (rows, total) = store::list(&st.db, &view, &f, size, (page - 1) * size).await?;
    Ok(ListView {
        year,
        rows: rows.into_iter().map(|i| row(i, &today)).collect(),
        total,
        page,
        size,
        can_create: p.require(Permission::HandleInquiries).is_ok(),
        kind: kind.unwrap_or_default(),
        state: state.unwrap_or_default(),
    })
}

/// One record as its reader sees it, and what he may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub row: Row,
    /// The 纪委 over the person: records the reply and the conclusion.
    pub can_handle: bool,
    /// The reply may be written now (by the 纪委, or by the person himself).
    pub can_reply: bool,
    /// 工作日 left until the reply is due (negative: overdue), for a 函询 awaiting its reply.
    pub workdays_left: Option<i64>,
}

/// Opens a record (logged: who read which record).
pub async fn get(st: &AppState, p: &Principal, id: InquiryId) -> AppResult<Detail> {
    let view = view(p)?;
    let i = find(st, &view, id).await?;
    p.log_read(st, "inquiry.read", "inquiry", Some(id.to_string()), json!({"person_id": i.person_id, "kind": i.kind})).await?;
    let can_handle = handles(p, &i.person_org_path);
    let own = p.user.person_id == Some(i.person_id);
    let can_reply = i.awaits_reply() && (can_handle || own);
    let workdays_left = match (i.awaits_reply(), i.reply_due.as_deref().and_then(parse_date)) {
        (true, Some(due)) => Some(calendar::workdays_between(st, calendar::today(), due).await?),
        _ => None,
    };
    Ok(Detail { row: row(i, &today()), can_handle, can_reply, workdays_left })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    pub matter: String,
    /// Where the matter came from (信访举报, 巡察移交 …).
    #[serde(deserialize_with = "lenient")]
    pub source: String,
    #[serde(deserialize_with = "lenient")]
    pub issued_on: String,
    /// 函询: the reply limit in 工作日 (blank: 15).
    #[serde(deserialize_with = "lenient")]
    pub reply_days: String,
}

/// Opens a record about a person of the caller's scope, issued by the caller's own unit.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<Inquiry> {
    let scope = p.require(Permission::HandleInquiries)?;
    let mut e = FieldErrors::new();
    let kind = KINDS.iter().find(|k| k.0 == f.kind.trim()).map(|k| k.0.to_string());
    if kind.is_none() {
        e.insert("kind".into(), "请选择类别（函询、谈话、提醒谈话、诫勉谈话）".into());
    }
    let person_id = f.person_id.trim().parse::<PersonId>().ok();
    if person_id.is_none() {
        e.insert("person_id".into(), "请选择谈话或函询对象".into());
    }
    let matter = text(&mut e, "matter", "反映的问题或事项", &f.matter, MATTER_MAX, true).unwrap_or_default();
    let source = text(&mut e, "source", "线索来源", &f.source, SOURCE_MAX, false);
    let issued_on = super::past_date(&mut e, "issued_on", "函询或谈话日期", &f.issued_on);
    let is_letter = kind.as_deref() == Some("letter");
    let reply_days = if is_letter {
        match f.reply_days.trim() {
            "" => Some(DEFAULT_REPLY_DAYS),
            s => match s.parse::<i64>() {
                Ok(n) if REPLY_DAYS.contains(&n) => Some(n),
                _ => {
                    e.insert("reply_days".into(), format!("回复期限应为 {}～{} 个工作日", REPLY_DAYS.start(), REPLY_DAYS.end()));
                    None
                }
            },
        }
    } else {
        None
    };
    // the person: in the caller's scope, else the same answer as a person who does not exist
    let person = match person_id {
        Some(id) => match lianzheng_store::people::get_in_scope(&st.db, &scope, id).await {
            Ok(person) => Some(person),
            Err(lianzheng_store::StoreError::NotFound) => {
                e.insert("person_id".into(), "该人员不存在或不在您的管理范围内".into());
                None
            }
            Err(err) => return Err(err.into()),
        },
        None => None,
    };
    let org_id = p.user.org_id.ok_or_else(|| AppError::Refused("您的账号未关联单位，不能以单位名义发起谈话函询".into()))?;
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let (Some(kind), Some(person)) = (kind, person) else { return Err(into_error(e)) };
    let org = lianzheng_store::org::get(&st.db, org_id).await?.ok_or_else(|| AppError::Refused("您的账号关联的单位不存在".into()))?;
    let reply_due = match reply_days.and_then(|n| u32::try_from(n).ok()) {
        Some(n) => match parse_date(&issued_on) {
            Some(d) => Some(format_date(calendar::add_workdays(st, d, n).await?)),
            None => None,
        },
        None => None,
    };
    let n = NewInquiry { org_id, org_path: org.path, kind, person_id: person.id, person_org_path: person.org_path, matter, source, issued_on, reply_days, reply_due, created_by: Some(p.user.id.get()) };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &View::Scope(scope), id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReplyForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub reply: String,
    /// The date on the person's letter (blank: today).
    #[serde(deserialize_with = "lenient")]
    pub replied_on: String,
}

/// The reply of a 函询: by the person himself, or typed in by the 纪委 from his letter.
pub async fn reply(st: &AppState, p: &Principal, id: InquiryId, f: &ReplyForm) -> AppResult<Inquiry> {
    let view = view(p)?;
    let handler = p.require(Permission::HandleInquiries).is_ok();
    // who does not keep these records answers only his own: any other id is refused alike
    let i = match store::get(&st.db, &view, id).await {
        Ok(i) => i,
        Err(lianzheng_store::StoreError::NotFound) if !handler => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let own = p.user.person_id == Some(i.person_id);
    if !handles(p, &i.person_org_path) && !own {
        return Err(AppError::Forbidden);
    }
    if !i.awaits_reply() {
        return Err(AppError::Refused(if i.kind == "letter" { "该函询已回复或已了结，不能再次回复".into() } else { format!("{}不需要书面回复", i.kind_label()) }));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let text = text(&mut e, "reply", "回复内容", &f.reply, REPLY_MAX, true).unwrap_or_default();
    let on = super::past_date(&mut e, "replied_on", "回复日期", &f.replied_on);
    if !on.is_empty() && on < i.issued_on {
        e.insert("replied_on".into(), "回复日期不能早于函询日期".into());
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let by = if own { format!("{}（本人）", p.user.display_name) } else { p.user.display_name.clone() };
    let mut tx = st.db.begin().await?;
    store::reply(&mut tx, &p.actor(), id, version, &text, &on, &by).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &view, id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ConcludeForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// closed / accepted / verify
    #[serde(deserialize_with = "lenient")]
    pub conclusion: String,
    /// What follows (e.g. 转初步核实, 批评教育).
    #[serde(deserialize_with = "lenient")]
    pub follow_up: String,
}

/// The 纪委's conclusion; the record is closed after it.
pub async fn conclude(st: &AppState, p: &Principal, id: InquiryId, f: &ConcludeForm) -> AppResult<Inquiry> {
    p.require(Permission::HandleInquiries)?;
    let view = view(p)?;
    let i = store::get(&st.db, &view, id).await?;
    if !handles(p, &i.person_org_path) {
        return Err(AppError::Forbidden);
    }
    if i.conclusion.is_some() {
        return Err(AppError::Refused("该记录已有了结意见".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let conclusion = CONCLUSIONS.iter().find(|c| c.0 == f.conclusion.trim()).map(|c| c.0);
    if conclusion.is_none() {
        e.insert("conclusion".into(), "请选择处理意见（予以了结、采信说明、进一步核实）".into());
    }
    let follow_up = text(&mut e, "follow_up", "后续处理", &f.follow_up, FOLLOW_UP_MAX, conclusion == Some("verify"));
    let (Some(conclusion), true) = (conclusion, e.is_empty()) else { return Err(into_error(e)) };
    let mut tx = st.db.begin().await?;
    store::conclude(&mut tx, &p.actor(), id, version, conclusion, follow_up.as_deref(), &today()).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &view, id).await?)
}

/// A person's records for the integrity file and the 廉洁意见回复, as the caller may see them.
pub async fn of_person(st: &AppState, p: &Principal, person_id: PersonId) -> AppResult<Vec<Inquiry>> {
    let view = view(p)?;
    Ok(store::of_person(&st.db, &view, person_id).await?)
}

/// 待办: for the 纪委, 函询 replies overdue or due within three 工作日 and answered records to
/// conclude; for the person, his 函询 waiting for his reply.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        let today = calendar::today();
        let until = format_date(calendar::add_workdays(st, today, NEAR_DAYS).await?);
        let today = format_date(today);
        if let Ok(scope) = p.require(Permission::HandleInquiries) {
            let view = View::Scope(scope);
            let (overdue, near) = store::replies_due(&st.db, &view, &today, &until).await?;
            items.push(TodoItem::new("conduct.inquiry_overdue", "函询逾期未回复", overdue, "/conduct/inquiries?state=overdue", Urgency::Overdue));
            items.push(TodoItem::new("conduct.inquiry_near", "函询回复临近期限（3个工作日内）", near, "/conduct/inquiries?state=open&kind=letter", Urgency::Near));
            let answered = store::awaiting_conclusion(&st.db, &view).await?;
            items.push(TodoItem::new("conduct.inquiry_conclude", "已回复待了结的函询", answered, "/conduct/inquiries?state=open", Urgency::Normal));
        }
        if let Some(me) = p.user.person_id {
            let (overdue, near) = store::replies_due(&st.db, &View::Own(me), &today, "9999-12-31").await?;
            let urgency = if overdue > 0 { Urgency::Overdue } else { Urgency::Normal };
            items.push(TodoItem::new("conduct.inquiry_mine", "待本人回复的函询", overdue + near, "/conduct/inquiries?state=open", urgency));
        }
        Ok(items)
    })
}

/// People of the caller's scope whose name or pinyin matches `q` (the new record's picker):
/// at most 20, as (id, "姓名（单位）").
pub async fn candidates(st: &AppState, p: &Principal, q: &str) -> AppResult<Vec<(PersonId, String)>> {
    let scope = p.require(Permission::HandleInquiries)?;
    Ok(super::people_matching(st, &scope, q).await?.into_iter().map(|(id, name, org)| (id, format!("{name}（{org}）"))).collect())
}

/// The label of a person of the caller's scope (the picker's chosen one), if there is one.
pub async fn candidate(st: &AppState, p: &Principal, id: &str) -> AppResult<Option<(PersonId, String)>> {
    let scope = p.require(Permission::HandleInquiries)?;
    let Ok(id) = id.trim().parse::<PersonId>() else { return Ok(None) };
    match lianzheng_store::people::get_in_scope(&st.db, &scope, id).await {
        Ok(r) => Ok(Some((r.id, format!("{}（{}）", r.name, r.org_name)))),
        Err(lianzheng_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
