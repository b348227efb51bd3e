//! 抄告单 and 整改建议书 (DOMAIN.md "履责"): a problem found in a check is copied to the leader
//! in charge of the area — the responsible or 分管 leader (抄告单), or set out with concrete
//! recommendations to a unit's party organisation (整改建议书) — with what is asked and a
//! deadline in 工作日 (setting `notice_days`, counted on the working-day calendar). The leader
//! answers in the system with the measures taken (and a file if he has one); the issuing 纪委
//! closes it after reading the answer (已办结) or returns it with a reason and a new deadline.
//! Numbered per issuer, kind and year, the prefix a setting (某纪抄〔2026〕3号). Both go out as a
//! GB/T 9704 公文 (DOCX).
//!
//! Need-to-know (`Record::Notice`): the 纪委 (`IssueNotices`, over the units of its scope)
//! issues and handles them; the 书记 of the unit reads them; the addressee reads his own and
//! answers it. Nobody else sees one, whatever his scope; every opening is in the audit log.
//!
//! A notice may name where the problem was found (`source`): a record of another part, stored
//! as kind + id + its title on the day of issue, so later modules (the problem ledger …) add
//! their own kinds to [`SOURCE_KINDS`] and [`source_href`] without a migration.

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::duty::{format_date, parse_date, written_date};
use lianzheng_core::ids::{AttachmentId, NoticeId, OrgId, PersonId};
use lianzheng_core::org::Permission;
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_store::attachments::Attachment;
use lianzheng_store::conduct::notices::{self as store, Filter, Leader, NewNotice, View};
pub use lianzheng_store::conduct::notices::{KINDS, Notice, STATUSES, TABLES};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::calendar;
use crate::app::files::{self, Owner, Upload};
use crate::app::paging::{self, Paging};
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version};
use crate::state::AppState;

/// Deadlines a notice may set (工作日).
const DAYS: std::ops::RangeInclusive<i64> = 1..=60;
/// An answer due within this many 工作日 is 临近 (amber) on the list and in the 待办.
pub const NEAR_DAYS: u32 = 3;
/// A returned notice's new deadline unless the 纪委 says otherwise (工作日).
pub const RETURN_DAYS: i64 = 5;
const SUBJECT_MAX: usize = 40;
const PROBLEM_MAX: usize = 3000;
const REQUEST_MAX: usize = 2000;
const MEASURES_MAX: usize = 5000;
const REASON_MAX: usize = 500;

/// Where a notice's problem may have been found: (kind, label). A later module adds its kind
/// here, in [`resolve_source`] and in [`source_href`].
pub const SOURCE_KINDS: &[(&str, &str)] = &[("talk", "廉政约谈（约谈检查）"), ("letter_flag", "责任书检查提示"), ("record", "履责纪实"), ("inquiry", "谈话函询")];

/// The "发抄告单" link on a source record's page: the new notice's form with the record named,
/// for who issues notices (the form checks the record against his scope again).
/// The record's unit, when it has one, is chosen already.
pub fn issue_link(p: &Principal, kind: &str, id: impl std::fmt::Display, unit: Option<OrgId>) -> Option<String> {
    let known = SOURCE_KINDS.iter().any(|(k, _)| *k == kind);
    let unit = unit.map(|o| format!("&org_id={o}")).unwrap_or_default();
    (known && p.require(Permission::IssueNotices).is_ok()).then(|| format!("/conduct/notices/new?source_kind={kind}&source_id={id}{unit}"))
}

/// Where a stored source is read, if its kind is known here.
pub fn source_href(kind: &str, id: &str) -> Option<String> {
    let id: i64 = id.trim().parse().ok()?;
    match kind {
        "talk" => Some(format!("/conduct/talks/{id}")),
        "letter_flag" => Some(format!("/duty/flags/{id}")),
        "record" => Some(format!("/conduct/records/{id}")),
        "inquiry" => Some(format!("/conduct/inquiries/{id}")),
        _ => None,
    }
}

/// The title of a source record, read through its own use case (so the caller must be allowed
/// to read it); None when there is no such record or the caller may not read it.
async fn resolve_source(st: &AppState, p: &Principal, kind: &str, id: &str) -> AppResult<Option<String>> {
    let Ok(n) = id.trim().parse::<i64>() else { return Ok(None) };
    if n <= 0 {
        return Ok(None);
    }
    let found = match kind {
        "talk" => crate::app::conduct::talks::show(st, p, lianzheng_core::ids::TalkId::new(n)).await.map(|v| format!("{} {}主持的廉政约谈（{}）", v.talk.talk_date, v.talk.talker_name, v.talk.org_name)),
        "letter_flag" => crate::app::duty::letters::flag(st, p, lianzheng_core::ids::FlagId::new(n)).await.map(|c| format!("责任书检查提示：{}（{}）", c.flag.letter_title, c.flag.letter_org)),
        "record" => crate::app::conduct::records::get(st, p, lianzheng_core::ids::DutyRecordId::new(n)).await.map(|d| format!("履责纪实：{} {}（{}）", d.record.act_date, d.record.title, d.record.org_name)),
        "inquiry" => {
            crate::app::conduct::inquiries::get(st, p, lianzheng_core::ids::InquiryId::new(n)).await.map(|d| format!("{}：{}（{}）", d.row.inquiry.kind_label(), d.row.inquiry.person_name, d.row.inquiry.issued_on))
        }
        _ => return Ok(None),
    };
    match found {
        Ok(t) => Ok(Some(t)),
        Err(AppError::NotFound | AppError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Which notices the caller reads, or 403.
fn view(p: &Principal) -> AppResult<View> {
    let scope = p.require(Permission::ViewConduct)?;
    match sees_any(&p.roles(), Record::Notice) {
        Sees::All => Ok(View::Scope(scope)),
        // an account without a person has no notices of its own: nobody has id 0
        Sees::Own => Ok(View::Own(p.user.person_id.unwrap_or_default())),
        Sees::Nothing => Err(AppError::Forbidden),
    }
}

/// A notice the view holds. A caller who reads only his own is refused (403) any other id,
/// existing or not: the answer is the same for every id.
async fn find(st: &AppState, view: &View, id: NoticeId) -> AppResult<Notice> {
    match (store::get(&st.db, view, id).await, view) {
        (Ok(n), _) => Ok(n),
        (Err(lianzheng_store::StoreError::NotFound), View::Own(_)) => Err(AppError::Forbidden),
        (Err(e), _) => Err(e.into()),
    }
}

/// Whether the caller may open the part at all (the tab bar's rule).
pub fn may_open(p: &Principal) -> bool {
    view(p).is_ok()
}

/// Whether the caller issues and handles notices to the unit at `org_path` (the 纪委 over it).
fn handles(p: &Principal, org_path: &str) -> bool {
    p.require(Permission::IssueNotices).is_ok_and(|s| s.contains(org_path))
}

fn today() -> String {
    format_date(calendar::today())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    /// cc / advice
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// pending / answered / closed
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// a unit id
    #[serde(deserialize_with = "lenient")]
    pub org: String,
    /// "1": only those past their deadline unanswered
    #[serde(deserialize_with = "lenient")]
    pub overdue: String,
    #[serde(flatten)]
    pub paging: Paging,
}

/// A notice with its deadline colour.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub notice: Notice,
    /// Waiting for the answer past its deadline (red).
    pub overdue: bool,
    /// Waiting for the answer, due within three 工作日 (amber).
    pub due_soon: bool,
}

impl Row {
    /// The tag colour of its state.
    pub fn tag(&self) -> &'static str {
        match self.notice.status.as_str() {
            "closed" => "tag-green",
            "answered" => "tag-blue",
            _ if self.overdue => "tag-red",
            _ if self.due_soon => "tag-yellow",
            _ => "tag-grey",
        }
    }
    /// The state as the list shows it.
    pub fn state_label(&self) -> String {
        if self.overdue { "逾期未反馈".into() } else { self.notice.status_label().to_string() }
    }
}

fn row(n: Notice, today: &str, near: &str) -> Row {
    let waiting = n.awaits_answer();
    let overdue = waiting && n.due_on.as_str() < today;
    let due_soon = waiting && !overdue && n.due_on.as_str() <= near;
    Row { notice: n, overdue, due_soon }
}

/// Today and the last day counted as 临近.
async fn near(st: &AppState) -> AppResult<(String, String)> {
    let t = calendar::today();
    Ok((format_date(t), format_date(calendar::add_workdays(st, t, NEAR_DAYS).await?)))
}

pub struct ListView {
    pub year: i64,
    pub rows: Vec<Row>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
    /// May the caller issue notices (the 纪委)?
    pub can_create: bool,
    /// The filters as understood (unknown values dropped), for the page to echo.
    pub kind: String,
    pub status: String,
    pub org: String,
    pub overdue: bool,
    /// The units with notices this year in the view (the unit filter).
    pub units: Vec<(OrgId, String)>,
}

pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let view = view(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let kind = KINDS.iter().find(|k| k.0 == q.kind.trim()).map(|k| k.0.to_string());
    let status = STATUSES.iter().find(|k| k.0 == q.status.trim()).map(|k| k.0.to_string());
    let org_id = q.org.trim().parse::<OrgId>().ok();
    let overdue = matches!(q.overdue.trim(), "1" | "true" | "on");
    let (today, near) = near(st).await?;
    let f = Filter { year, kind: kind.clone(), status: status.clone(), org_id, overdue, today: today.clone() };
    let size = q.paging.size(paging::DEFAULT_SIZE);
    let (_, total) = store::list(&st.db, &view, &f, 1, 0).await?;
    let page = paging::clamp(q.paging.page(), size, total);
    let (rows, total) = store::list(&st.db, &view, &f, size, (page - 1) * size).await?;
    let units = store::units(&st.db, &view, year).await?;
    Ok(ListView {
        year,
        rows: rows.into_iter().map(|n| row(n, &today, &near)).collect(),
        total,
        page,
        size,
        can_create: p.require(Permission::IssueNotices).is_ok(),
        kind: kind.unwrap_or_default(),
        status: status.unwrap_or_default(),
        org: org_id.map(|o| o.to_string()).unwrap_or_default(),
        overdue,
        units,
    })
}

/// One notice as its reader sees it, and what he may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub row: Row,
    /// The 纪委 over the unit: closes or returns the answer.
    pub can_handle: bool,
    /// The addressee, while it waits for his answer.
    pub can_answer: bool,
    /// 工作日 left until the deadline (negative: overdue), while it waits for the answer.
    pub workdays_left: Option<i64>,
    /// The deadline written out (2026年3月9日).
    pub due_text: String,
    pub source_href: Option<String>,
    pub files: Vec<Attachment>,
}

/// Opens a notice (logged: who read which).
pub async fn get(st: &AppState, p: &Principal, id: NoticeId) -> AppResult<Detail> {
    let view = view(p)?;
    let n = find(st, &view, id).await?;
    p.log_read(st, "notice.read", "notice", Some(id.to_string()), json!({"org_id": n.org_id, "kind": n.kind})).await?;
    detail(st, p, n).await
}

async fn detail(st: &AppState, p: &Principal, n: Notice) -> AppResult<Detail> {
    let can_handle = handles(p, &n.org_path);
    let can_answer = n.awaits_answer() && p.user.person_id == Some(n.addressee_id);
    let workdays_left = match (n.awaits_answer(), parse_date(&n.due_on)) {
        (true, Some(due)) => Some(calendar::workdays_between(st, calendar::today(), due).await?),
        _ => None,
    };
    let due_text = written_date(&n.due_on);
    let source_href = match (&n.source_kind, &n.source_id) {
        (Some(k), Some(i)) => source_href(k, i),
        _ => None,
    };
    let files = store::attachments(&st.db, n.id).await?;
    let (today, near) = near(st).await?;
    Ok(Detail { row: row(n, &today, &near), can_handle, can_answer, workdays_left, due_text, source_href, files })
}

// ------------------------------------------------------------------------------ issuing

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    /// cc (抄告单) / advice (整改建议书)
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// The unit.
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    /// The leader who answers: a 书记 or 班子成员 of the unit.
    #[serde(deserialize_with = "lenient")]
    pub addressee_id: String,
    /// 事由: "关于{subject}的抄告单".
    #[serde(deserialize_with = "lenient")]
    pub subject: String,
    #[serde(deserialize_with = "lenient")]
    pub problem: String,
    #[serde(deserialize_with = "lenient")]
    pub request: String,
    #[serde(deserialize_with = "lenient")]
    pub source_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub source_id: String,
    /// Blank: today.
    #[serde(deserialize_with = "lenient")]
    pub issued_on: String,
    /// The deadline in 工作日 (blank: the setting).
    #[serde(deserialize_with = "lenient")]
    pub due_days: String,
}

/// The units the caller may issue notices to (the new form's choice): his scope, his own body left out.
pub async fn units(st: &AppState, p: &Principal) -> AppResult<Vec<(OrgId, String)>> {
    let scope = p.require(Permission::IssueNotices)?;
    let own = super::issuing_body(st, p).await.ok().map(|o| o.id);
    let rows = lianzheng_store::org::list_in_scope(&st.db, &scope, None, 1000).await?;
    Ok(rows.into_iter().filter(|o| Some(o.id) != own && !lianzheng_core::org::OrgKind::from_code(&o.kind).is_some_and(lianzheng_core::org::OrgKind::is_discipline)).map(|o| (o.id, o.name)).collect())
}

/// A leader the picker offers, and whether his 分管工作 matches the problem (the suggestion).
#[derive(Debug, Clone, Serialize)]
pub struct LeaderChoice {
    #[serde(flatten)]
    pub leader: Leader,
    pub suggested: bool,
    /// 书记, 班子成员 …
    pub kind_label: &'static str,
}

/// The leaders of a unit in the caller's scope, the 分管 leader suggested when his 分管工作 names
/// a line of work the text (事由, problem, source) speaks of. Empty when the unit is not his.
pub async fn leaders(st: &AppState, p: &Principal, org_id: &str, text: &str) -> AppResult<Vec<LeaderChoice>> {
    let scope = p.require(Permission::IssueNotices)?;
    let Ok(org_id) = org_id.trim().parse::<OrgId>() else { return Ok(vec![]) };
    match lianzheng_store::org::get_in_scope(&st.db, &scope, org_id).await {
        Ok(_) => {}
        Err(lianzheng_store::StoreError::NotFound) => return Ok(vec![]),
        Err(e) => return Err(e.into()),
    }
    let rows = store::leaders(&st.db, org_id, &today()).await?;
    Ok(suggest(rows, text))
}

/// Marks the leaders whose 分管工作 (split at 、，,；; 与 和 and spaces) names a line of work of two
/// characters or more found in `text`; the 书记 is suggested when nobody else matches (he is
/// the first person responsible). A pure function, so it is tested without a database.
pub fn suggest(rows: Vec<Leader>, text: &str) -> Vec<LeaderChoice> {
    let hits = |l: &Leader| {
        l.duty_areas
            .as_deref()
            .unwrap_or_default()
            // "财务与资产" names two lines of work
            .split(['、', '，', ',', '；', ';', ' ', '　', '与', '和'])
            .map(str::trim)
            .map(|a| a.strip_suffix("工作").unwrap_or(a))
            .filter(|a| a.chars().count() >= 2)
            .any(|a| text.contains(a))
    };
    let any = !text.trim().is_empty() && rows.iter().any(hits);
    rows.into_iter()
        .map(|l| {
            let suggested = if any { hits(&l) } else { !text.trim().is_empty() && l.kind == "secretary" };
            let kind_label = match l.kind.as_str() {
                "secretary" => "书记",
                "deputy_secretary" => "副书记",
                "discipline_secretary" => "纪委书记",
                _ => "班子成员",
            };
            LeaderChoice { leader: l, suggested, kind_label }
        })
        .collect()
}

fn days(e: &mut FieldErrors, field: &str, v: &str, default: i64) -> i64 {
    match v.trim() {
        "" => default,
        s => match s.parse::<i64>() {
            Ok(n) if DAYS.contains(&n) => n,
            _ => {
                e.insert(field.into(), format!("期限应为 {}～{} 个工作日", DAYS.start(), DAYS.end()));
                0
            }
        },
    }
}

/// Issues a notice to a leader of a unit in the caller's scope, numbered in the caller's body.
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<Notice> {
    let scope = p.require(Permission::IssueNotices)?;
    let mut e = FieldErrors::new();
    let kind = KINDS.iter().find(|k| k.0 == f.kind.trim()).map(|k| k.0.to_string());
    if kind.is_none() {
        e.insert("kind".into(), "请选择类别（抄告单或整改建议书）".into());
    }
    // the unit: in the caller's scope, else the same answer as a unit that does not exist
    let org = match f.org_id.trim().parse::<OrgId>() {
        Ok(id) => match lianzheng_store::org::get_in_scope(&st.db, &scope, id).await {
            Ok(o) => Some(o),
            Err(lianzheng_store::StoreError::NotFound) => {
                e.insert("org_id".into(), "该单位不存在或不在您的监督范围内".into());
                None
            }
            Err(err) => return Err(err.into()),
        },
        Err(_) => {
            e.insert("org_id".into(), "请选择单位".into());
            None
        }
    };
    // the addressee: a current leader of that unit (another unit's person is refused alike)
    let addressee = match (f.addressee_id.trim().parse::<PersonId>(), &org) {
        (Err(_), _) => {
            e.insert("addressee_id".into(), "请选择主送领导（单位书记或班子成员）".into());
            None
        }
        (Ok(_), None) => None,
        (Ok(pid), Some(o)) => {
            let found = store::leaders(&st.db, o.id, &today()).await?.into_iter().find(|l| l.person_id == pid);
            if found.is_none() {
                e.insert("addressee_id".into(), "主送领导应为所选单位现任的书记或班子成员".into());
            }
            found
        }
    };
    let subject = text(&mut e, "subject", "事由", &f.subject, SUBJECT_MAX, true).unwrap_or_default();
    let problem = text(&mut e, "problem", "发现的问题", &f.problem, PROBLEM_MAX, true).unwrap_or_default();
    let request = text(&mut e, "request", if kind.as_deref() == Some("advice") { "整改建议" } else { "工作要求" }, &f.request, REQUEST_MAX, true).unwrap_or_default();
    let issued_on = super::past_date(&mut e, "issued_on", "发出日期", &f.issued_on);
    let due_days = days(&mut e, "due_days", &f.due_days, crate::app::settings::notice_days(st));
    let source = match (f.source_kind.trim(), f.source_id.trim()) {
        ("", "") => None,
        (k, i) if SOURCE_KINDS.iter().any(|s| s.0 == k) => match resolve_source(st, p, k, i).await? {
            Some(title) => Some((k.to_string(), i.to_string(), title)),
            None => {
                e.insert("source_id".into(), "来源记录不存在或您无权查看".into());
                None
            }
        },
        _ => {
            e.insert("source_kind".into(), "来源类别无效".into());
            None
        }
    };
    let issuer = super::issuing_body(st, p).await?;
    let (Some(kind), Some(org), Some(addressee), true) = (kind, org, addressee, e.is_empty()) else { return Err(into_error(e)) };
    let Some(issued) = parse_date(&issued_on) else { return Err(into_error(e)) };
    let due_on = format_date(calendar::add_workdays(st, issued, u32::try_from(due_days).unwrap_or(1)).await?);
    let n = NewNotice {
        prefix: crate::app::settings::notice_prefix(st, &kind),
        kind,
        year: i64::from(issued.year()),
        issuer_org_id: issuer.id,
        issuer_path: issuer.path,
        org_id: org.id,
        org_path: org.path,
        addressee_id: addressee.person_id,
        addressee_title: addressee.title.clone(),
        subject,
        problem,
        request,
        source,
        issued_on,
        due_days,
        due_on,
        created_by: Some(p.user.id.get()),
    };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &View::Scope(scope), id).await?)
}

/// The new form as a link from another record prefills it: the source's title is shown.
pub async fn source_title(st: &AppState, p: &Principal, kind: &str, id: &str) -> AppResult<Option<String>> {
    if kind.trim().is_empty() {
        return Ok(None);
    }
    resolve_source(st, p, kind.trim(), id).await
}

// ------------------------------------------------------------------------------ answering

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// The measures taken (整改措施及落实情况).
    #[serde(deserialize_with = "lenient")]
    pub measures: String,
}

/// The addressee's answer, with a file if he has one. Only he answers: anybody else is refused
/// (403) whatever the id.
pub async fn answer(st: &AppState, p: &Principal, id: NoticeId, f: &AnswerForm, file: Option<Upload>) -> AppResult<Notice> {
    let scope = p.require(Permission::ViewConduct)?;
    let me = p.user.person_id.ok_or(AppError::Forbidden)?;
    let n = match store::get(&st.db, &View::Own(me), id).await {
        Ok(n) => n,
        Err(lianzheng_store::StoreError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    if !n.awaits_answer() {
        return Err(AppError::Refused(if n.status == "closed" { "该件已办结，不能再反馈".into() } else { "已反馈，等待纪委审核；如被退回可重新反馈".into() }));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let measures = text(&mut e, "measures", "整改措施及落实情况", &f.measures, MEASURES_MAX, true).unwrap_or_default();
    if let Some(file) = &file
        && let Err(AppError::Invalid { fields, message }) = files::check_file(st, file)
    {
        e.insert("file".into(), fields.get("file").cloned().unwrap_or(message));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let by = p.user.display_name.clone();
    let mut tx = st.db.begin().await?;
    store::answer(&mut tx, &p.actor(), id, version, &measures, &today(), &by).await?;
    tx.commit().await?;
    if let Some(file) = file {
        files::store(st, p, &scope, n.org_id, Owner::Notice(id), file).await?;
    }
    Ok(store::get(&st.db, &View::Own(me), id).await?)
}

/// A file of a notice's answer, for whoever reads the notice.
pub async fn file(st: &AppState, p: &Principal, id: NoticeId, file: AttachmentId) -> AppResult<(Attachment, Vec<u8>)> {
    let view = view(p)?;
    let n = find(st, &view, id).await?;
    let a = store::attachments(&st.db, n.id).await?.into_iter().find(|a| a.id == file).ok_or(AppError::NotFound)?;
    let bytes = files::read_bytes(st, &a)?;
    p.log_read(st, "attachment.download", "attachment", Some(a.id.to_string()), json!({"org_id": a.org_id, "sm3": a.sm3, "notice_id": n.id})).await?;
    Ok((a, bytes))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CloseForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReturnForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// Why the answer is not enough.
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// The new deadline in 工作日 from today (blank: 5).
    #[serde(deserialize_with = "lenient")]
    pub days: String,
}

/// A notice the caller handles (the 纪委 over its unit), in the state `status`.
async fn to_handle(st: &AppState, p: &Principal, id: NoticeId) -> AppResult<(View, Notice)> {
    p.require(Permission::IssueNotices)?;
    let view = view(p)?;
    let n = store::get(&st.db, &view, id).await?;
    if !handles(p, &n.org_path) {
        return Err(AppError::Forbidden);
    }
    if n.status != "answered" {
        return Err(AppError::Refused(if n.status == "closed" { "该件已办结".into() } else { "尚未反馈，不能办结或退回".into() }));
    }
    Ok((view, n))
}

/// The 纪委 closes the notice after reading the answer (已办结).
pub async fn close(st: &AppState, p: &Principal, id: NoticeId, f: &CloseForm) -> AppResult<Notice> {
    let (view, _) = to_handle(st, p, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::close(&mut tx, &p.actor(), id, version, &today(), &p.user.display_name).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &view, id).await?)
}

/// The 纪委 returns the answer with a reason and a new deadline (工作日 from today).
pub async fn send_back(st: &AppState, p: &Principal, id: NoticeId, f: &ReturnForm) -> AppResult<Notice> {
    let (view, _) = to_handle(st, p, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let reason = text(&mut e, "reason", "退回理由", &f.reason, REASON_MAX, true).unwrap_or_default();
    let n = days(&mut e, "days", &f.days, RETURN_DAYS);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let due = format_date(calendar::add_workdays(st, calendar::today(), u32::try_from(n).unwrap_or(1)).await?);
    let mut tx = st.db.begin().await?;
    store::send_back(&mut tx, &p.actor(), id, version, &reason, &due).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, &view, id).await?)
}

// ------------------------------------------------------------------------------ the 公文

/// The notice as a GB/T 9704 公文: (file name, DOCX bytes). Logged as a read.
pub async fn document(st: &AppState, p: &Principal, id: NoticeId) -> AppResult<(String, Vec<u8>)> {
    let view = view(p)?;
    let n = find(st, &view, id).await?;
    let bytes = to_docx(&official(&n)).map_err(|e| AppError::Internal(format!("生成公文：{e}")))?;
    p.log_read(st, "notice.document", "notice", Some(id.to_string()), json!({"doc_number": n.doc_number})).await?;
    Ok((format!("{}（{}）.docx", title(&n), n.doc_number), bytes))
}

/// "关于……的抄告单".
pub fn title(n: &Notice) -> String {
    let s = n.subject.trim();
    let s = s.strip_prefix("关于").unwrap_or(s);
    let s = s.strip_suffix("的问题").map(|x| format!("{x}问题")).unwrap_or_else(|| s.to_string());
    format!("关于{s}的{}", n.kind_label())
}

/// The unit's party organisation, as an 整改建议书 is addressed ("中共某某县教育局党组").
fn party_org(unit: &str) -> String {
    if unit.starts_with("中共") || unit.ends_with("委员会") || unit.ends_with("党组") || unit.ends_with("党支部") { unit.to_string() } else { format!("中共{unit}党组") }
}

/// The lines of a text as the body's items: one paragraph, or numbered "1." "2." when there are
/// several (as paragraphs: a heading keeps with the next, and a chain of them would push a
/// whole list to the next page).
fn paragraphs(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let numbered = lines.len() > 1;
    lines.into_iter().enumerate().map(|(i, l)| Block::Paragraph(if numbered { format!("{}.{l}", i + 1) } else { l.to_string() })).collect()
}

/// The title as it is set in 2号 (22 characters a line): a long one breaks before the kind of
/// document, so no word is cut ("关于……的\n整改建议书").
fn title_lines(n: &Notice) -> String {
    let t = title(n);
    if t.chars().count() <= 22 {
        return t;
    }
    match t.strip_suffix(n.kind_label()) {
        Some(head) => format!("{head}\n{}", n.kind_label()),
        None => t,
    }
}

/// The document of a notice (pure, so the layout is tested without a server).
pub fn official(n: &Notice) -> OfficialDocument {
    let due = written_date(&n.due_on);
    let issued = parse_date(&n.issued_on).map_or((2000, 1, 1), |d| (d.year(), u32::from(u8::from(d.month())), u32::from(d.day())));
    let found_in = n.source_title.as_deref().map(|t| format!("在{}中", t.split('：').next().unwrap_or(t))).unwrap_or_else(|| "在日常监督检查中".into());
    let mut body = Vec::new();
    let (addressee, cc) = if n.kind == "advice" {
        body.push(Block::Paragraph(format!(
            "{}{}发现，你单位在落实全面从严治党主体责任、党风廉政建设方面存在以下问题。根据《中国共产党纪律检查机关监督执纪工作规则》有关规定，现提出如下整改建议。",
            n.issuer_name, found_in
        )));
        body.push(Block::Heading(1, "存在的问题".into()));
        body.extend(paragraphs(&n.problem));
        body.push(Block::Heading(1, "整改建议".into()));
        body.extend(paragraphs(&n.request));
        body.push(Block::Heading(1, "反馈要求".into()));
        body.push(Block::Paragraph(format!("请你单位党组织认真研究，逐条制定整改措施，明确责任领导、责任人和完成时限，并于{due}前将整改措施及落实情况书面反馈{}（可通过党风廉政建设管理平台在线反馈）。", n.issuer_name)));
        (party_org(&n.org_name), vec![])
    } else {
        body.push(Block::Paragraph(format!("{}{}发现，{}在你分管（负责）的工作中存在以下问题，现予抄告。请你认真履行“一岗双责”，督促整改落实。", n.issuer_name, found_in, n.org_name)));
        body.push(Block::Heading(1, "发现的问题".into()));
        body.extend(paragraphs(&n.problem));
        body.push(Block::Heading(1, "工作要求".into()));
        body.extend(paragraphs(&n.request));
        body.push(Block::Paragraph(format!("请于{due}前将整改落实情况书面反馈{}（可通过党风廉政建设管理平台在线反馈）。", n.issuer_name)));
        (format!("{}同志", n.addressee_name), vec![])
    };
    OfficialDocument {
        // the red mark names the kind of document, not "文件": "中共某某县纪律检查委员会抄告单"
        issuer: format!("{}{}", n.issuer_name, n.kind_label()),
        doc_number: Some(n.doc_number.clone()),
        title: title_lines(n),
        addressee: Some(addressee),
        body,
        attachments: vec![],
        signature: Some(n.issuer_name.clone()),
        date: issued,
        cc,
        printer: None,
        letter: false,
    }
}

// ------------------------------------------------------------------------------ 待办, 概览

/// 待办: for the addressee, his notices waiting for his answer (red when overdue, amber when
/// due within three 工作日); for the 纪委, answers waiting to be closed and notices overdue.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        let (today, until) = near(st).await?;
        if let Some(me) = p.user.person_id {
            let own = View::Own(me);
            let (overdue, later) = store::answers_due(&st.db, &own, &today, "9999-12-31").await?;
            let (_, soon) = store::answers_due(&st.db, &own, &today, &until).await?;
            let urgency = if overdue > 0 {
                Urgency::Overdue
            } else if soon > 0 {
                Urgency::Near
            } else {
                Urgency::Normal
            };
            items.push(TodoItem::new("conduct.notice_mine", "待本人反馈的抄告单、整改建议书", overdue + later, "/conduct/notices?status=pending", urgency));
        }
        if let Ok(scope) = p.require(Permission::IssueNotices) {
            let view = View::Scope(scope);
            let answered = store::awaiting_close(&st.db, &view).await?;
            items.push(TodoItem::new("conduct.notice_close", "已反馈待办结的抄告单、整改建议书", answered, "/conduct/notices?status=answered", Urgency::Normal));
            let (overdue, _) = store::answers_due(&st.db, &view, &today, &today).await?;
            items.push(TodoItem::new("conduct.notice_overdue", "逾期未反馈的抄告单、整改建议书", overdue, "/conduct/notices?overdue=1", Urgency::Overdue));
        }
        Ok(items)
    })
}

/// The year's counts for the 概览: (total, pending, overdue, answered, closed), or None when the
/// caller does not read notices.
pub async fn counts(st: &AppState, p: &Principal, year: i64) -> AppResult<Option<(i64, i64, i64, i64, i64)>> {
    let Ok(view) = view(p) else { return Ok(None) };
    Ok(Some(store::counts(&st.db, &view, year, &today()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(id: i64, kind: &str, areas: Option<&str>) -> Leader {
        Leader { person_id: PersonId::new(id), name: format!("L{id}"), kind: kind.into(), title: None, duty_areas: areas.map(str::to_string) }
    }

    #[test]
    fn the_leader_whose_area_the_problem_names_is_suggested() {
        let rows = vec![leader(1, "secretary", None), leader(2, "team_member", Some("财务与资产")), leader(3, "team_member", Some("党风廉政建设、财务"))];
        let s = suggest(rows.clone(), "学校国有资产登记不全");
        assert_eq!(s.iter().filter(|c| c.suggested).map(|c| c.leader.person_id.get()).collect::<Vec<_>>(), vec![2], "资产 is a line of 财务与资产");
        let s = suggest(rows.clone(), "财务报销");
        assert_eq!(s.iter().filter(|c| c.suggested).map(|c| c.leader.person_id.get()).collect::<Vec<_>>(), vec![2, 3], "both name 财务");
        let s = suggest(rows.clone(), "公车私用");
        assert_eq!(s.iter().filter(|c| c.suggested).map(|c| c.leader.person_id.get()).collect::<Vec<_>>(), vec![1], "nobody's area: the 书记");
        assert!(suggest(rows, "").iter().all(|c| !c.suggested));
    }

    #[test]
    fn titles_read_like_a_clerk_writes_them() {
        let mut n = Notice { kind: "cc".into(), subject: "关于食堂管理不规范的问题".into(), ..Notice::default() };
        assert_eq!(title(&n), "关于食堂管理不规范问题的抄告单");
        n.subject = "食堂管理不规范".into();
        n.kind = "advice".into();
        assert_eq!(title(&n), "关于食堂管理不规范的整改建议书");
        assert_eq!(party_org("某某县教育局"), "中共某某县教育局党组");
        assert_eq!(party_org("中共某某镇委员会"), "中共某某镇委员会");
        assert_eq!(written_date("2026-03-09"), "2026年3月9日");
        n.subject = "落实党风廉政建设主体责任不到位".into();
        assert_eq!(title_lines(&n), "关于落实党风廉政建设主体责任不到位的\n整改建议书", "a long title breaks before the kind");
    }

    #[test]
    fn the_document_carries_the_number_the_deadline_and_numbered_items() {
        let n = Notice {
            kind: "cc".into(),
            doc_number: "某纪抄〔2026〕3号".into(),
            issuer_name: "中共某某县纪律检查委员会".into(),
            org_name: "某某县教育局".into(),
            addressee_name: "刘志强".into(),
            subject: "食堂管理不规范".into(),
            problem: "采购未询价。\n账实不符。".into(),
            request: "立即整改。".into(),
            issued_on: "2026-11-30".into(),
            due_on: "2026-12-14".into(),
            ..Notice::default()
        };
        let d = official(&n);
        assert_eq!(d.issuer, "中共某某县纪律检查委员会抄告单", "the mark names the kind, not 文件");
        assert_eq!(d.addressee.as_deref(), Some("刘志强同志"));
        assert_eq!(d.date, (2026, 11, 30));
        assert!(d.body.contains(&Block::Paragraph("2.账实不符。".into())), "several problems are numbered");
        assert!(d.body.iter().any(|b| matches!(b, Block::Paragraph(p) if p.contains("2026年12月14日前"))));
        assert!(to_docx(&d).is_ok());
    }
}
