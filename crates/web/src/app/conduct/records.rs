//! 履责纪实 use cases: record a unit's duty act (会议 incl. 常委会/党组会 专题研究, 党课, 约谈,
//! 检查, 学习, 调研, 听取汇报, 其他) with who led and who took part, the list items and tasks it
//! carried out and attachments; list and read records; the counts per kind, unit and person
//! that later reports quote; the 待办 before a quarter's entry window closes.
//!
//! Rules:
//! - A record belongs to the period (quarter) of the act's date. Its entry window stays open
//!   until N days after the quarter ends (setting `conduct_entry_days`, default 10). After it,
//!   saving (a new record, or a change) needs a 补录 reason; the record is then marked 补录 with
//!   the reason and the day it was entered. Acts in the future are refused.
//! - Only the record's own unit edits it: the caller holds RecordConduct over the unit and the
//!   unit is the caller's own (the grant on the account's unit). Higher levels read the records
//!   of the units in their scope and never edit them (403), so the records stay genuine.
//! - What a role reads: `access::Record::DutyRecord` (a 一般干部 his own part only).
//! - Ids in the body (participants, list items, tasks, the unit) are checked like ids in the
//!   path: another unit's are refused with nothing written. Text longer than a field allows is
//!   refused, never cut.

use lianzheng_core::access::{self, Record, Sees};
use lianzheng_core::ids::{AttachmentId, DutyRecordId, ListItemId, OrgId, PersonId, TaskId};
use lianzheng_core::org::{Permission, Scope};
pub use lianzheng_store::attachments::Attachment;
use lianzheng_store::conduct::records::{self as store, RecordFilter, RecordInput};
pub use lianzheng_store::conduct::records::{DutyRecord, KINDS, LinkedTask, MEETING_KINDS, RecordPerson, TABLES, kind_label};
pub use lianzheng_store::duty::tasks::LinkedItem;
use serde::{Deserialize, Serialize};
use time::Date;

use super::{Part, open};
use crate::app::duty::tasks::lenient_list;
use crate::app::duty::year_or_current;
use crate::app::files::{self, Owner, Upload};
use crate::app::todo::{TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::forms::{split_list, text};
use crate::state::AppState;

pub const TITLE_MAX: usize = 100;
pub const PLACE_MAX: usize = 100;
pub const LEADER_MAX: usize = 50;
pub const CONTENT_MAX: usize = 5000;
pub const DECISIONS_MAX: usize = 5000;
pub const REASON_MAX: usize = 500;
/// Records per page of the list.
pub const PAGE: i64 = 20;
/// Days before a window closes from which the 待办 asks for the quarter's records.
pub const TODO_DAYS: i64 = 7;

const MISSING_VERSION: &str = "缺少版本号 version（来自读取时的数据），为免覆盖他人的修改，请刷新后重试";

/// Today in Beijing time.
pub fn today() -> Date {
    lianzheng_store::duty::tasks::today()
}

fn ymd(d: Date) -> String {
    lianzheng_core::duty::format_date(d)
}

/// "3月31日".
pub fn month_day(d: Date) -> String {
    format!("{}月{}日", u8::from(d.month()), d.day())
}

pub fn quarter_of(d: Date) -> i64 {
    (i64::from(u8::from(d.month())) - 1) / 3 + 1
}

/// The last day of a quarter.
pub fn quarter_end(year: i64, quarter: i64) -> Option<Date> {
    let y = i32::try_from(year).ok()?;
    let (m, d) = match quarter {
        1 => (time::Month::March, 31),
        2 => (time::Month::June, 30),
        3 => (time::Month::September, 30),
        4 => (time::Month::December, 31),
        _ => return None,
    };
    Date::from_calendar_date(y, m, d).ok()
}

/// The day a quarter's entry window closes (its last day of open entry).
pub fn window_close(year: i64, quarter: i64, days: i64) -> Option<Date> {
    quarter_end(year, quarter).and_then(|d| d.checked_add(time::Duration::days(days)))
}

/// Whether entry for the period is closed on `today` (saving then needs a 补录 reason).
pub fn window_closed(year: i64, quarter: i64, days: i64, today: Date) -> bool {
    window_close(year, quarter, days).is_some_and(|c| today > c)
}

// ---------------------------------------------------------------------------------- inputs

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RecordForm {
    /// The unit; blank means the caller's own (the only one they may record for).
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// 会议的类别 (常委会专题研究 …), for 会议 only.
    #[serde(deserialize_with = "lenient")]
    pub sub_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub act_date: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    /// 主持人/带队领导: "姓名（职务）" or a name.
    #[serde(deserialize_with = "lenient")]
    pub leader: String,
    #[serde(deserialize_with = "lenient")]
    pub content: String,
    #[serde(deserialize_with = "lenient")]
    pub decisions: String,
    /// Person ids, a JSON array or text separated by commas.
    #[serde(deserialize_with = "lenient_list")]
    pub participants: String,
    /// 责任清单 item ids.
    #[serde(deserialize_with = "lenient_list")]
    pub items: String,
    /// 任务分工 task ids.
    #[serde(deserialize_with = "lenient_list")]
    pub tasks: String,
    /// 补录原因 (needed once the period's entry window has closed).
    #[serde(deserialize_with = "lenient")]
    pub late_reason: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

impl RecordForm {
    /// From a urlencoded body where multi-selects repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> RecordForm {
        let mut f = RecordForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "org_id" => &mut f.org_id,
                "kind" => &mut f.kind,
                "sub_kind" => &mut f.sub_kind,
                "title" => &mut f.title,
                "act_date" => &mut f.act_date,
                "place" => &mut f.place,
                "leader" => &mut f.leader,
                "content" => &mut f.content,
                "decisions" => &mut f.decisions,
                "participants" => &mut f.participants,
                "items" => &mut f.items,
                "tasks" => &mut f.tasks,
                "late_reason" => &mut f.late_reason,
                "version" => &mut f.version,
                _ => continue,
            };
            if !slot.is_empty() && matches!(k.as_str(), "participants" | "items" | "tasks") {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    fn has(list: &str, id: impl std::fmt::Display) -> bool {
        split_list(list).any(|s| s == id.to_string())
    }
    pub fn has_participant(&self, id: &PersonId) -> bool {
        Self::has(&self.participants, *id)
    }
    pub fn has_item(&self, id: &ListItemId) -> bool {
        Self::has(&self.items, *id)
    }
    pub fn has_task(&self, id: &TaskId) -> bool {
        Self::has(&self.tasks, *id)
    }
}

fn ids<T: std::str::FromStr>(e: &mut FieldErrors, field: &str, label: &str, list: &str) -> Vec<T> {
    let mut out = Vec::new();
    for t in split_list(list) {
        match t.parse::<T>() {
            Ok(v) => out.push(v),
            Err(_) => {
                e.insert(field.into(), format!("{label}无效"));
            }
        }
    }
    out
}

/// Checks a form. `before`: the period of the record being edited (a change to a closed period needs a reason too).
fn validate(st: &AppState, f: &RecordForm, before: Option<(i64, i64)>) -> Result<RecordInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let today = today();
    let kind = match f.kind.trim() {
        "" => {
            e.insert("kind".into(), "请选择纪实类型".into());
            String::new()
        }
        k => match store::parse_kind(k) {
            Some(c) => c.to_string(),
            None => {
                e.insert("kind".into(), format!("纪实类型无效，应为：{}", KINDS.iter().map(|k| k.1).collect::<Vec<_>>().join("、")));
                String::new()
            }
        },
    };
    let sub_kind = if kind == "meeting" {
        match f.sub_kind.trim() {
            "" => {
                e.insert("sub_kind".into(), "请选择会议类别".into());
                None
            }
            s => match store::parse_meeting_kind(s) {
                Some(c) => Some(c.to_string()),
                None => {
                    e.insert("sub_kind".into(), format!("会议类别无效，应为：{}", MEETING_KINDS.iter().map(|k| k.1).collect::<Vec<_>>().join("、")));
                    None
                }
            },
        }
    } else {
        // a 类别 left in the form from an earlier choice of 会议 means nothing for other kinds
        None
    };
    let title = text(&mut e, "title", "主题", &f.title, TITLE_MAX, true).unwrap_or_default();
    let place = text(&mut e, "place", "地点", &f.place, PLACE_MAX, false);
    let leader = text(&mut e, "leader", "主持人（带队领导）", &f.leader, LEADER_MAX, false);
    let content = text(&mut e, "content", "主要内容", &f.content, CONTENT_MAX, true).unwrap_or_default();
    let decisions = text(&mut e, "decisions", "议定事项", &f.decisions, DECISIONS_MAX, false);
    let reason = text(&mut e, "late_reason", "补录原因", &f.late_reason, REASON_MAX, false);
    let mut act = None;
    if f.act_date.trim().is_empty() {
        e.insert("act_date".into(), "请填写日期".into());
    } else if let Some(d) = crate::forms::date(&mut e, "act_date", "日期", &f.act_date).as_deref().and_then(lianzheng_core::duty::parse_date) {
        if d > today {
            e.insert("act_date".into(), format!("日期不能晚于今天（{}）：纪实记录已开展的活动", ymd(today)));
        } else if d.year() < 2000 {
            e.insert("act_date".into(), "日期应在 2000 年以后".into());
        } else {
            act = Some(d);
        }
    }
    let participants = ids::<PersonId>(&mut e, "participants", "参加人员", &f.participants);
    let items = ids::<ListItemId>(&mut e, "items", "清单事项", &f.items);
    let tasks = ids::<TaskId>(&mut e, "tasks", "任务分工事项", &f.tasks);
    let (year, quarter) = act.map(|d| (i64::from(d.year()), quarter_of(d))).unwrap_or((0, 0));
    let days = crate::app::settings::conduct_entry_days(st);
    let mut late_reason = None;
    if act.is_some() {
        let closed = [Some((year, quarter)), before].into_iter().flatten().filter(|(y, q)| window_closed(*y, *q, days, today)).collect::<Vec<_>>();
        if let Some((y, q)) = closed.first() {
            match &reason {
                Some(r) => late_reason = Some(r.clone()),
                None => {
                    let close = window_close(*y, *q, days).map(|d| format!("{}年{}", d.year(), month_day(d))).unwrap_or_default();
                    e.insert("late_reason".into(), format!("{y}年第{q}季度的纪实已于{close}截止录入，补录须填写补录原因"));
                }
            }
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(RecordInput { year, quarter, kind, sub_kind, title, act_date: act.map(ymd).unwrap_or_default(), place, leader, content, decisions, participants, items, tasks, late_reason, today: ymd(today) })
}

fn version_of(s: &str) -> AppResult<i64> {
    s.trim().parse::<i64>().map_err(|_| AppError::Conflict(MISSING_VERSION.into()))
}

// ----------------------------------------------------------------------------- who may do what

/// The unit the caller records for: his first own unit (`super::own_units`; the account's unit
/// when a grant on it gives RecordConduct). (A county 纪委 clerk whose scope holds the
/// townships records the county's own acts, not theirs.)
pub fn own_unit(p: &Principal) -> Option<(OrgId, String)> {
    super::own_units(p, Permission::RecordConduct).into_iter().next().map(|u| (u.id, u.path))
}

/// Whether the caller may write this record: RecordConduct over it and it is their own unit's.
pub fn may_edit(p: &Principal, r: &DutyRecord) -> bool {
    p.require(Permission::RecordConduct).is_ok_and(|s| s.contains(&r.org_path)) && super::own_units(p, Permission::RecordConduct).iter().any(|u| u.id == r.org_id)
}

/// What the caller reads of the records in scope (need-to-know), as the store's filter.
fn need_to_know(p: &Principal) -> RecordFilter {
    match access::sees_any(&p.roles(), Record::DutyRecord) {
        Sees::All => RecordFilter::default(),
        Sees::Own => match p.user.person_id {
            Some(me) => RecordFilter { own: Some(me), ..RecordFilter::default() },
            None => RecordFilter { nothing: true, ..RecordFilter::default() },
        },
        Sees::Nothing => RecordFilter { nothing: true, ..RecordFilter::default() },
    }
}

fn view_scope(p: &Principal) -> AppResult<Scope> {
    open(p, Part::Records)
}

// ---------------------------------------------------------------------------------- reading

/// Filters of the list (query string of the page and the API).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RecordQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub quarter: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub sub_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub org: String,
    #[serde(deserialize_with = "lenient")]
    pub person: String,
    /// "1": only 补录 ones.
    #[serde(deserialize_with = "lenient")]
    pub late: String,
    #[serde(deserialize_with = "lenient")]
    pub page: String,
    /// Rows per page: 20, 50 or 100 ([`PAGE`] unless chosen).
    #[serde(deserialize_with = "lenient")]
    pub size: String,
}

pub struct RecordList {
    pub year: i64,
    pub items: Vec<DutyRecord>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
    /// What the filters name, for the heading ("会议·常委会专题研究 · 第2季度 · 教育局").
    pub described: Vec<String>,
    pub can_record: bool,
}

async fn filter_of(st: &AppState, p: &Principal, q: &RecordQuery) -> AppResult<(i64, RecordFilter, Vec<String>)> {
    let mut f = need_to_know(p);
    let mut said = Vec::new();
    let year = i64::from(year_or_current(&q.year));
    f.year = Some(year);
    said.push(format!("{year}年"));
    if let Ok(qr) = q.quarter.trim().parse::<i64>()
        && (1..=4).contains(&qr)
    {
        f.quarter = Some(qr);
        said.push(format!("第{qr}季度"));
    }
    if let Some(k) = store::parse_kind(&q.kind) {
        f.kind = Some(k.to_string());
        said.push(kind_label(k).into());
    }
    if let Some(k) = store::parse_meeting_kind(&q.sub_kind) {
        f.sub_kind = Some(k.to_string());
        said.push(kind_label(k).into());
    }
    match q.org.trim() {
        "" => {}
        s => match s.parse::<OrgId>() {
            // any unit's id: the scope still narrows the list, so another unit filters to nothing
            Ok(id) => match lianzheng_store::org::get(&st.db, id).await? {
                Some(o) => {
                    said.push(o.name.clone());
                    f.org_path = Some(o.path);
                }
                None => f.org_path = Some("/none/".into()),
            },
            Err(_) => f.org_path = Some("/none/".into()),
        },
    }
    match q.person.trim() {
        "" => {}
        s => match s.parse::<PersonId>() {
            Ok(id) => {
                f.person = Some(id);
                let scope = view_scope(p)?;
                if let Ok(person) = lianzheng_store::people::get_in_scope(&st.db, &scope, id).await {
                    said.push(person.name);
                }
            }
            Err(_) => f.nothing = true,
        },
    }
    if matches!(q.late.trim(), "1" | "true") {
        f.late = true;
        said.push("补录".into());
    }
    Ok((year, f, said))
}

/// One page of the records the caller reads, with the query's filters.
pub async fn list(st: &AppState, p: &Principal, q: &RecordQuery) -> AppResult<RecordList> {
    let scope = view_scope(p)?;
    let (year, f, described) = filter_of(st, p, q).await?;
    let paging = crate::app::paging::Paging { page: q.page.clone(), size: q.size.clone(), sort: String::new() };
    let size = paging.size(PAGE);
    let mut page = paging.page();
    let (mut items, total) = store::list(&st.db, &scope, &f, (page - 1) * size, size).await?;
    let last = crate::app::paging::pages(total, size);
    if page > last {
        page = last;
        items = store::list(&st.db, &scope, &f, (page - 1) * size, size).await?.0;
    }
    Ok(RecordList { year, items, total, page, size, described, can_record: own_unit(p).is_some() && p.can(Permission::RecordConduct) })
}

/// A record with everything its page and the API show.
pub struct RecordDetail {
    pub record: DutyRecord,
    pub people: Vec<RecordPerson>,
    pub items: Vec<LinkedItem>,
    pub tasks: Vec<LinkedTask>,
    pub files: Vec<Attachment>,
    pub can_edit: bool,
    /// The day the record's period closed (closes) for entry.
    pub window_close: String,
    pub window_closed: bool,
}

async fn record_for(st: &AppState, p: &Principal, id: DutyRecordId) -> AppResult<DutyRecord> {
    let scope = view_scope(p)?;
    Ok(store::get(&st.db, &scope, id, &need_to_know(p)).await?)
}

/// A record the caller may edit: found (else 404), their own unit's (else 403).
async fn record_to_edit(st: &AppState, p: &Principal, id: DutyRecordId) -> AppResult<DutyRecord> {
    let r = record_for(st, p, id).await?;
    if !may_edit(p, &r) {
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

pub async fn get(st: &AppState, p: &Principal, id: DutyRecordId) -> AppResult<RecordDetail> {
    let record = record_for(st, p, id).await?;
    let people = store::people_of(&st.db, record.id).await?;
    let items = store::items_of(&st.db, record.id).await?;
    let tasks = store::tasks_of(&st.db, record.id).await?;
    let files = store::attachments(&st.db, record.id).await?;
    let days = crate::app::settings::conduct_entry_days(st);
    let close = window_close(record.year, record.quarter, days);
    let can_edit = may_edit(p, &record);
    Ok(RecordDetail { window_close: close.map(|d| format!("{}年{}", d.year(), month_day(d))).unwrap_or_default(), window_closed: close.is_some_and(|c| today() > c), record, people, items, tasks, files, can_edit })
}

// ---------------------------------------------------------------------------------- writing

/// What the record form offers for the caller's unit and a year.
pub struct FormOptions {
    pub org_id: OrgId,
    pub org_name: String,
    /// (person, name, post title): the unit's people, 书记 and 班子成员 first.
    pub people: Vec<(PersonId, String, Option<String>)>,
    pub items: Vec<LinkedItem>,
    pub tasks: Vec<LinkedTask>,
    pub entry_days: i64,
    /// Today, YYYY-MM-DD (the date field's maximum).
    pub today: String,
}

/// The caller's unit to record for, or 403.
fn recorder_unit(p: &Principal) -> AppResult<(OrgId, String)> {
    let scope = p.require(Permission::RecordConduct)?;
    match own_unit(p) {
        Some((id, path)) if scope.contains(&path) => Ok((id, path)),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn form_options(st: &AppState, p: &Principal, year: &str) -> AppResult<FormOptions> {
    let (org_id, path) = recorder_unit(p)?;
    let year = i64::from(year_or_current(year));
    let org_name = lianzheng_store::org::get(&st.db, org_id).await?.map(|o| o.name).unwrap_or_default();
    Ok(FormOptions {
        org_id,
        org_name,
        people: store::people_options(&st.db, &path).await?,
        items: store::item_options(&st.db, org_id, year).await?,
        tasks: store::task_options(&st.db, org_id, year).await?,
        entry_days: crate::app::settings::conduct_entry_days(st),
        today: ymd(today()),
    })
}

/// A new record's form: today's date and the caller's unit.
pub fn new_form(p: &Principal) -> AppResult<RecordForm> {
    let (org_id, _) = recorder_unit(p)?;
    Ok(RecordForm { org_id: org_id.to_string(), act_date: ymd(today()), ..RecordForm::default() })
}

/// Records a duty act for the caller's own unit. Returns it as the caller reads it.
pub async fn create(st: &AppState, p: &Principal, f: &RecordForm) -> AppResult<DutyRecord> {
    let (org_id, path) = recorder_unit(p)?;
    let mut e = FieldErrors::new();
    if !f.org_id.trim().is_empty() && f.org_id.trim().parse::<OrgId>().ok() != Some(org_id) {
        e.insert("org_id".into(), "只能为本单位录入履责纪实；上级单位可查阅下级的纪实，不能代为录入或修改".into());
    }
    let input = match validate(st, f, None) {
        Ok(i) if e.is_empty() => i,
        Ok(_) => return Err(into_error(e)),
        Err(fe) => {
            e.extend(fe);
            return Err(into_error(e));
        }
    };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), Some(p.user.id), &p.user.display_name, org_id, &path, &input).await?;
    tx.commit().await?;
    record_for(st, p, id).await
}

/// A record's edit form, filled from the record.
pub async fn edit_form(st: &AppState, p: &Principal, id: DutyRecordId) -> AppResult<(DutyRecord, RecordForm)> {
    let r = record_to_edit(st, p, id).await?;
    let people = store::people_of(&st.db, r.id).await?;
    let join = |v: Vec<String>| v.join(",");
    let form = RecordForm {
        org_id: r.org_id.to_string(),
        kind: r.kind.clone(),
        sub_kind: r.sub_kind.clone().unwrap_or_default(),
        title: r.title.clone(),
        act_date: r.act_date.clone(),
        place: r.place.clone().unwrap_or_default(),
        leader: r.leader.clone().unwrap_or_default(),
        content: r.content.clone(),
        decisions: r.decisions.clone().unwrap_or_default(),
        participants: join(people.iter().filter(|x| x.role == store::ROLE_PARTICIPANT).map(|x| x.person_id.to_string()).collect()),
        items: join(store::items_of(&st.db, r.id).await?.iter().map(|i| i.item_id.to_string()).collect()),
        tasks: join(store::tasks_of(&st.db, r.id).await?.iter().map(|t| t.task_id.to_string()).collect()),
        late_reason: String::new(),
        version: r.version.to_string(),
    };
    Ok((r, form))
}

/// Edits a record of the caller's own unit. `version` is required; a stale one answers 409.
pub async fn update(st: &AppState, p: &Principal, id: DutyRecordId, f: &RecordForm) -> AppResult<DutyRecord> {
    let r = record_to_edit(st, p, id).await?;
    if !f.org_id.trim().is_empty() && f.org_id.trim().parse::<OrgId>().ok() != Some(r.org_id) {
        return Err(AppError::field("org_id", "纪实所属单位不能修改"));
    }
    let input = validate(st, f, Some((r.year, r.quarter))).map_err(into_error)?;
    let version = version_of(&f.version)?;
    let mut tx = st.db.begin().await?;
    store::update(&mut tx, &p.actor(), &r, version, &input).await?;
    tx.commit().await?;
    record_for(st, p, r.id).await
}

/// Deletes a record of the caller's own unit.
pub async fn delete(st: &AppState, p: &Principal, id: DutyRecordId) -> AppResult<DutyRecord> {
    let r = record_to_edit(st, p, id).await?;
    let mut tx = st.db.begin().await?;
    store::delete(&mut tx, &p.actor(), &r).await?;
    tx.commit().await?;
    Ok(r)
}

/// Files an attachment (minutes, sign-in sheet, photos) to a record of the caller's own unit.
pub async fn attach(st: &AppState, p: &Principal, id: DutyRecordId, file: Upload) -> AppResult<files::Saved> {
    let r = record_to_edit(st, p, id).await?;
    let scope = p.require(Permission::RecordConduct)?;
    files::store(st, p, &scope, r.org_id, Owner::DutyRecord(r.id), file).await
}

/// A record's file, for whoever reads the record; checked against its fingerprint.
pub async fn file(st: &AppState, p: &Principal, id: DutyRecordId, file: AttachmentId) -> AppResult<(Attachment, Vec<u8>)> {
    let r = record_for(st, p, id).await?;
    let a = store::attachments(&st.db, r.id).await?.into_iter().find(|a| a.id == file).ok_or(AppError::NotFound)?;
    let bytes = files::read_bytes(st, &a)?;
    p.log_read(st, "attachment.download", "attachment", Some(a.id.to_string()), serde_json::json!({"org_id": a.org_id, "sm3": a.sm3, "duty_record_id": r.id})).await?;
    Ok((a, bytes))
}

// ---------------------------------------------------------------------------------- counts

/// One row of the counts per kind: the label, the list's query for it, per quarter and the year.
#[derive(Debug, Clone, Serialize)]
pub struct KindRow {
    pub kind: &'static str,
    pub sub_kind: Option<&'static str>,
    pub label: String,
    pub quarters: [i64; 4],
    pub total: i64,
}

impl KindRow {
    /// The query string naming this row (for links to the records).
    pub fn query(&self) -> String {
        match self.sub_kind {
            Some(s) => format!("kind={}&sub_kind={s}", self.kind),
            None => format!("kind={}", self.kind),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub org_id: OrgId,
    pub name: String,
    pub depth: usize,
    pub total: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub person_id: PersonId,
    pub name: String,
    pub org_name: String,
    pub led: i64,
    pub took_part: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub year: i64,
    pub kinds: Vec<KindRow>,
    /// The year's records per quarter, and in all.
    pub quarters: [i64; 4],
    pub total: i64,
    pub units: Vec<UnitRow>,
    pub people: Vec<PersonRow>,
    /// Whether the caller records for a unit (the 概览 offers 新增纪实).
    pub can_record: bool,
}

/// People listed in the counts.
const PEOPLE_MAX: i64 = 50;

/// The year's counts in the caller's scope (a 书记 or 纪委 the subtree, a unit itself).
pub async fn counts(st: &AppState, p: &Principal, year: &str) -> AppResult<Counts> {
    let scope = open(p, Part::Overview)?;
    let year = i64::from(year_or_current(year));
    let mut f = need_to_know(p);
    f.year = Some(year);
    let raw = store::count_by_kind(&st.db, &scope, &f).await?;
    let mut kinds = Vec::new();
    let mut quarters = [0i64; 4];
    for (code, label) in KINDS {
        let mut row = KindRow { kind: code, sub_kind: None, label: label.to_string(), quarters: [0; 4], total: 0 };
        let mut subs: Vec<KindRow> = Vec::new();
        if *code == "meeting" {
            subs = MEETING_KINDS.iter().map(|(s, l)| KindRow { kind: code, sub_kind: Some(s), label: l.to_string(), quarters: [0; 4], total: 0 }).collect();
        }
        for (k, sub, qr, n) in raw.iter().filter(|r| r.0 == *code) {
            let Some(i) = usize::try_from(*qr - 1).ok().filter(|i| *i < 4) else { continue };
            row.quarters[i] += n;
            row.total += n;
            quarters[i] += n;
            if let Some(s) = subs.iter_mut().find(|s| s.kind == k && s.sub_kind == sub.as_deref()) {
                s.quarters[i] += n;
                s.total += n;
            }
        }
        kinds.push(row);
        kinds.extend(subs);
    }
    let total = quarters.iter().sum();
    // units in organisation order (those of the scope's tree the page can place; the rest after them)
    let by_org = store::count_by_org(&st.db, &scope, &f).await?;
    let mut units = Vec::new();
    if !by_org.is_empty() {
        let orgs = lianzheng_store::org::list_in_scope(&st.db, &scope, None, 2000).await?;
        let mut placed = std::collections::HashSet::new();
        for (o, depth) in crate::layout::tree_order(&orgs) {
            if let Some((_, _, n, late)) = by_org.iter().find(|r| r.0 == o.id) {
                placed.insert(o.id);
                units.push(UnitRow { org_id: o.id, name: o.name.clone(), depth: depth.min(6), total: *n, late: *late });
            }
        }
        for (id, _, n, late) in by_org.iter().filter(|r| !placed.contains(&r.0)) {
            let name = lianzheng_store::org::get(&st.db, *id).await?.map(|o| o.name).unwrap_or_default();
            units.push(UnitRow { org_id: *id, name, depth: 0, total: *n, late: *late });
        }
    }
    let people = store::count_by_person(&st.db, &scope, &f, PEOPLE_MAX).await?.into_iter().map(|(person_id, name, org_name, led, took_part)| PersonRow { person_id, name, org_name, led, took_part }).collect();
    Ok(Counts { year, kinds, quarters, total, units, people, can_record: own_unit(p).is_some() && p.can(Permission::RecordConduct) })
}

// ---------------------------------------------------------------------------------- 待办

/// 待办 of the unit's recorders: a quarter whose entry window closes within [`TODO_DAYS`] days
/// while the unit has no record for it.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> crate::app::todo::BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut out = Vec::new();
        let Ok((org_id, _)) = recorder_unit(p) else { return Ok(out) };
        let today = today();
        let days = crate::app::settings::conduct_entry_days(st);
        // the quarter just ended (its window may still be open) and the current one
        let year = i64::from(today.year());
        let q = quarter_of(today);
        let periods = [if q == 1 { (year - 1, 4) } else { (year, q - 1) }, (year, q)];
        for (y, qr) in periods {
            let Some(close) = window_close(y, qr, days) else { continue };
            let left = (close - today).whole_days();
            if !(0..=TODO_DAYS).contains(&left) {
                continue;
            }
            if store::count_in_period(&st.db, org_id, y, qr).await? == 0 {
                let label = format!("本季度尚无履责纪实（录入截止{}）", month_day(close));
                let label = if (y, qr) == (year, q) { label } else { format!("{y}年第{qr}季度尚无履责纪实（录入截止{}）", month_day(close)) };
                out.push(TodoItem::new("conduct.record_missing", label, 1, "/conduct/records/new", Urgency::Near).with_details(vec![format!("{y}年第{qr}季度，逾期录入须填写补录原因")]));
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_quarters_window_closes_days_after_its_end() {
        assert_eq!(quarter_of(date!(2026 - 03 - 31)), 1);
        assert_eq!(quarter_of(date!(2026 - 04 - 01)), 2);
        assert_eq!(window_close(2026, 1, 10), Some(date!(2026 - 04 - 10)));
        assert_eq!(window_close(2026, 4, 10), Some(date!(2027 - 01 - 10)));
        assert!(!window_closed(2026, 1, 10, date!(2026 - 04 - 10)), "open on the last day");
        assert!(window_closed(2026, 1, 10, date!(2026 - 04 - 11)));
        assert!(!window_closed(2026, 2, 0, date!(2026 - 06 - 30)));
        assert_eq!(window_close(2026, 5, 10), None);
    }
}
