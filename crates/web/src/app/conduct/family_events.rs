//! 操办婚丧喜庆事宜报告 (DOMAIN.md "履责"): a cadre reports before the event what he plans —
//! kind, date, 桌数, 人数, whether 管理服务对象 are invited, venue, whether public venues or
//! funds are used, estimated cost — at least N days ahead (setting `family_event_days_ahead`,
//! 自然日; a 丧事 cannot be foreseen and is reported within `family_event_funeral_days` after);
//! after the event, what happened (actual 桌数 and 人数, 礼金 and how it was handled, cost).
//! Each report is checked against the limits in the settings and every limit exceeded is a flag
//! with its reason ([`flags`], computed at read time, never stored); the 纪委 reviews it
//! (已阅 / 需说明). The person files his own, or the unit's 党务 staff (or the 纪委) file for
//! him; his 待办 asks for the after-event report once the day has passed.
//!
//! Need-to-know (`Record::FamilyEvent`): the 纪委, the unit's 党务 staff and 书记 read every
//! report of their scope, the others their own; every opening of a report is logged.

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::ids::{FamilyEventId, PersonId};
use lianzheng_core::org::{Permission, Role};
pub use lianzheng_store::conduct::archive::FamilyEvent;
use lianzheng_store::conduct::archive::{self as store, After, FamilyFilter, NewFamilyEvent, View};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version};
use crate::state::AppState;

/// Default of `family_event_days_ahead`: report at least this many days before the event.
pub const DAYS_AHEAD: i64 = 7;
/// Default of `family_event_funeral_days`: a 丧事 is reported within this many days after.
pub const FUNERAL_DAYS: i64 = 5;
/// Default of `family_event_max_tables`.
pub const MAX_TABLES: i64 = 20;
/// Default of `family_event_max_guests`.
pub const MAX_GUESTS: i64 = 200;

pub const KINDS: &[(&str, &str)] = &[("wedding_self", "本人结婚"), ("wedding_child", "子女结婚"), ("funeral", "丧事"), ("housewarming", "乔迁"), ("school", "子女升学"), ("other", "其他")];
/// How 礼金 were handled, as (code, label). Only the last is a flag.
pub const GIFTS: &[(&str, &str)] = &[("none", "未收受礼金"), ("relatives", "仅收受亲友礼金"), ("returned", "礼金已退还"), ("handed_in", "礼金已上交组织"), ("clients", "收受管理服务对象礼金")];
pub const REVIEWS: &[(&str, &str)] = &[("read", "已阅"), ("explain", "需说明")];

const VENUE_MAX: usize = 100;
const NOTE_MAX: usize = 1000;
const KIND_NOTE_MAX: usize = 50;
const MAX_COUNT: i64 = 100_000;
const MAX_COST: i64 = 100_000_000;

pub fn label(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| *l)
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub days_ahead: i64,
    pub funeral_days: i64,
    pub max_tables: i64,
    pub max_guests: i64,
}

pub fn limits(st: &AppState) -> Limits {
    let (days_ahead, funeral_days, max_tables, max_guests) = crate::app::settings::family_event_limits(st);
    Limits { days_ahead, funeral_days, max_tables, max_guests }
}

/// Every limit the report exceeds, each as its reason (empty: within the limits). What
/// happened (the after-event report) counts when there is one, else what was planned.
pub fn flags(e: &FamilyEvent, l: &Limits) -> Vec<String> {
    let mut out = Vec::new();
    let d = e.days_ahead;
    if e.kind == "funeral" {
        if -d > l.funeral_days {
            out.push(format!("丧事逾期报告：办理后第 {} 天才报告（应在 {} 天内）", -d, l.funeral_days));
        }
    } else if d < 0 {
        out.push(format!("事后补报：办理后第 {} 天才报告（应提前 {} 天）", -d, l.days_ahead));
    } else if d < l.days_ahead {
        out.push(format!("未按时报告：仅提前 {d} 天报告（应提前 {} 天）", l.days_ahead));
    }
    let (tables, guests, when) = match (e.tables_actual, e.guests_actual) {
        (Some(t), Some(g)) => (t, g, "实际"),
        _ => (e.tables_planned, e.guests_planned, "计划"),
    };
    if tables > l.max_tables {
        out.push(format!("超出规模：{when}宴请 {tables} 桌，超过上限 {} 桌", l.max_tables));
    }
    if guests > l.max_guests {
        out.push(format!("超出规模：{when}宴请 {guests} 人，超过上限 {} 人", l.max_guests));
    }
    if e.clients_invited {
        out.push("邀请管理服务对象参加".into());
    }
    if e.clients_attended == Some(true) {
        out.push("有管理服务对象参加".into());
    }
    if e.public_venue {
        out.push("在机关、单位场所或公共场所举办".into());
    }
    if e.public_funds {
        out.push("使用公款、公车等公共资源".into());
    }
    if e.gifts.as_deref() == Some("clients") {
        out.push("收受管理服务对象礼金".into());
    }
    out
}

/// A report with what its reader sees beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub event: FamilyEvent,
    pub kind_label: String,
    pub flags: Vec<String>,
    /// The event day has passed and what happened is not reported yet.
    pub after_due: bool,
}

pub fn row(e: FamilyEvent, l: &Limits, today: &str) -> Row {
    let flags = flags(&e, l);
    let after_due = e.after_on.is_none() && e.event_date.as_str() < today;
    let kind_label = match (e.kind.as_str(), e.kind_note.as_deref()) {
        ("other", Some(n)) => format!("其他（{n}）"),
        (k, _) => label(KINDS, k).to_string(),
    };
    Row { event: e, kind_label, flags, after_due }
}

fn today() -> String {
    format_date(calendar::today())
}

/// Which reports the caller reads, or 403.
fn view(p: &Principal) -> AppResult<View> {
    let scope = p.require(Permission::ViewConduct)?;
    match sees_any(&p.roles(), Record::FamilyEvent) {
        Sees::All => Ok(View::Scope(scope)),
        Sees::Own => Ok(View::Own(p.user.person_id.unwrap_or_default())),
        Sees::Nothing => Err(AppError::Forbidden),
    }
}

/// Whether the caller files reports for people at `path`: the unit's 党务 staff or the 纪委.
pub fn files_for(p: &Principal, path: &str) -> bool {
    (p.has_role(Role::PartyStaff) || p.has_role(Role::DisciplineStaff)) && p.require(Permission::RecordConduct).is_ok_and(|s| s.contains(path))
}

/// Whether the caller reviews reports about people at `path` (the 纪委 over them).
pub fn reviews(p: &Principal, path: &str) -> bool {
    p.require(Permission::HandleInquiries).is_ok_and(|s| s.contains(path))
}

async fn find(st: &AppState, view: &View, id: FamilyEventId) -> AppResult<FamilyEvent> {
    match (store::family_get(&st.db, view, id).await, view) {
        (Ok(e), _) => Ok(e),
        (Err(lianzheng_store::StoreError::NotFound), View::Own(_)) => Err(AppError::Forbidden),
        (Err(e), _) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    /// "flagged", "unreviewed" or blank
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub person: String,
}

pub struct ListView {
    pub year: i64,
    pub state: String,
    pub rows: Vec<Row>,
    pub limits: Limits,
    /// May the caller file reports for others (党务, 纪委)?
    pub files_for_others: bool,
}

/// The reports of a year the caller reads, newest event first (at most 2,000).
pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let view = view(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let state = ["flagged", "unreviewed"].into_iter().find(|s| *s == q.state.trim()).unwrap_or("").to_string();
    let f = FamilyFilter { year, person_id: q.person.trim().parse::<PersonId>().ok(), unreviewed: state == "unreviewed" };
    let limits = limits(st);
    let today = today();
    let rows: Vec<Row> = store::family_list(&st.db, &view, &f).await?.into_iter().map(|e| row(e, &limits, &today)).filter(|r| state != "flagged" || !r.flags.is_empty()).collect();
    let files_for_others = (p.has_role(Role::PartyStaff) || p.has_role(Role::DisciplineStaff)) && p.require(Permission::RecordConduct).is_ok();
    Ok(ListView { year, state, rows, limits, files_for_others })
}

/// One report as its reader sees it, and what he may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub row: Row,
    pub limits: Limits,
    /// The person or a clerk may report what happened now (the day has come, not yet reported).
    pub can_report_after: bool,
    /// The 纪委 over the person reviews it.
    pub can_review: bool,
}

/// Opens a report (logged: personal data).
pub async fn get(st: &AppState, p: &Principal, id: FamilyEventId) -> AppResult<Detail> {
    let view = view(p)?;
    let e = find(st, &view, id).await?;
    p.log_read(st, "family_event.read", "family_event", Some(id.to_string()), json!({"person_id": e.person_id})).await?;
    let limits = limits(st);
    let today = today();
    let mine = p.user.person_id == Some(e.person_id);
    let can_report_after = e.after_on.is_none() && e.event_date <= today && (mine || files_for(p, &e.person_org_path));
    let can_review = reviews(p, &e.person_org_path);
    Ok(Detail { row: row(e, &limits, &today), limits, can_report_after, can_review })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    /// Blank: the signed-in person himself.
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub kind_note: String,
    #[serde(deserialize_with = "lenient")]
    pub event_date: String,
    #[serde(deserialize_with = "lenient")]
    pub tables: String,
    #[serde(deserialize_with = "lenient")]
    pub guests: String,
    /// 是否邀请管理服务对象 (yes/no)
    #[serde(deserialize_with = "lenient")]
    pub clients_invited: String,
    #[serde(deserialize_with = "lenient")]
    pub venue: String,
    #[serde(deserialize_with = "lenient")]
    pub public_venue: String,
    #[serde(deserialize_with = "lenient")]
    pub public_funds: String,
    /// 预计费用（元）
    #[serde(deserialize_with = "lenient")]
    pub cost: String,
}

/// A whole number in 0..=max, required.
fn count(e: &mut FieldErrors, field: &str, label: &str, v: &str, max: i64) -> i64 {
    let t = v.trim().trim_end_matches(['桌', '人', '元']);
    if t.is_empty() {
        e.insert(field.into(), format!("请填写{label}"));
        return 0;
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => n,
        _ => {
            e.insert(field.into(), format!("{label}应为 0～{max} 之间的整数"));
            0
        }
    }
}

/// A yes/no field: a checkbox ("on"), true/false, 是/否; blank is no.
fn yes_no(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> bool {
    match v.trim() {
        "on" | "true" | "1" | "yes" | "是" => true,
        "" | "off" | "false" | "0" | "no" | "否" => false,
        _ => {
            e.insert(field.into(), format!("{label}只能填“是”或“否”"));
            false
        }
    }
}

/// The person a report is about: the caller himself (blank or his own id), or one the caller
/// files for. Anyone else is refused, existing or not.
async fn subject(st: &AppState, p: &Principal, e: &mut FieldErrors, raw: &str) -> AppResult<Option<(PersonId, String)>> {
    let id = match raw.trim() {
        "" => match p.user.person_id {
            Some(me) => me,
            None => {
                e.insert("person_id".into(), "您的账号未关联人员，请选择报告人".into());
                return Ok(None);
            }
        },
        s => match s.parse::<PersonId>() {
            Ok(id) => id,
            Err(_) => {
                e.insert("person_id".into(), "请选择报告人".into());
                return Ok(None);
            }
        },
    };
    let path = lianzheng_store::conduct::exams::person_path(&st.db, id).await?;
    match path {
        Some(path) if p.user.person_id == Some(id) || files_for(p, &path) => Ok(Some((id, path))),
        _ => {
            e.insert("person_id".into(), "该人员不存在或不在您的管理范围内".into());
            Ok(None)
        }
    }
}

/// The person a clerk files for, as (id, "姓名（单位）"), when `raw` names one he files for
/// (None for the caller himself, a blank, or anyone else).
pub async fn filed_for(st: &AppState, p: &Principal, raw: &str) -> AppResult<Option<(PersonId, String)>> {
    match raw.trim().parse::<PersonId>() {
        Ok(id) if Some(id) != p.user.person_id => Ok(store::head(&st.db, id).await?.filter(|h| files_for(p, &h.org_path)).map(|h| (h.id, format!("{}（{}）", h.name, h.org_name)))),
        _ => Ok(None),
    }
}

/// Files a report before the event (or late: it is then flagged).
pub async fn create(st: &AppState, p: &Principal, f: &NewForm) -> AppResult<FamilyEvent> {
    p.require(Permission::ViewConduct)?;
    let mut e = FieldErrors::new();
    let subject = subject(st, p, &mut e, &f.person_id).await?;
    let kind = KINDS.iter().find(|k| k.0 == f.kind.trim() || k.1 == f.kind.trim()).map(|k| k.0);
    if kind.is_none() {
        e.insert("kind".into(), "请选择事宜类别（本人结婚、子女结婚、丧事、乔迁、子女升学、其他）".into());
    }
    let kind_note = text(&mut e, "kind_note", "其他事宜的名称", &f.kind_note, KIND_NOTE_MAX, kind == Some("other"));
    let today = calendar::today();
    let date = match parse_date(&f.event_date) {
        Some(d) if (d - today).whole_days().abs() <= 366 => Some(d),
        Some(_) => {
            e.insert("event_date".into(), "办理日期应在今天前后一年之内".into());
            None
        }
        None => {
            e.insert("event_date".into(), if f.event_date.trim().is_empty() { "请填写办理日期".into() } else { "办理日期应为日期，格式如 2026-03-15".into() });
            None
        }
    };
    let tables = count(&mut e, "tables", "宴请桌数", &f.tables, MAX_COUNT);
    let guests = count(&mut e, "guests", "宴请人数", &f.guests, MAX_COUNT);
    let clients_invited = yes_no(&mut e, "clients_invited", "是否邀请管理服务对象", &f.clients_invited);
    let venue = text(&mut e, "venue", "办理地点", &f.venue, VENUE_MAX, true).unwrap_or_default();
    let public_venue = yes_no(&mut e, "public_venue", "是否使用公共场所", &f.public_venue);
    let public_funds = yes_no(&mut e, "public_funds", "是否使用公款公物", &f.public_funds);
    let cost = count(&mut e, "cost", "预计费用", &f.cost, MAX_COST);
    let (Some((person_id, path)), Some(kind), Some(date), true) = (subject, kind, date, e.is_empty()) else { return Err(into_error(e)) };
    let by = if p.user.person_id == Some(person_id) { format!("{}（本人）", p.user.display_name) } else { p.user.display_name.clone() };
    let n = NewFamilyEvent {
        person_id,
        person_org_path: path,
        kind: kind.into(),
        kind_note: if kind == "other" { kind_note } else { None },
        event_date: format_date(date),
        tables_planned: tables,
        guests_planned: guests,
        clients_invited,
        venue,
        public_venue,
        public_funds,
        cost_estimate: cost,
        filed_on: format_date(today),
        filed_by: by,
        days_ahead: (date - today).whole_days(),
        created_by: Some(p.user.id.get()),
    };
    let mut tx = st.db.begin().await?;
    let id = store::family_create(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    Ok(store::family_get(&st.db, &View::Own(person_id), id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AfterForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub tables: String,
    #[serde(deserialize_with = "lenient")]
    pub guests: String,
    #[serde(deserialize_with = "lenient")]
    pub clients_attended: String,
    /// none / relatives / returned / handed_in / clients
    #[serde(deserialize_with = "lenient")]
    pub gifts: String,
    #[serde(deserialize_with = "lenient")]
    pub gifts_note: String,
    #[serde(deserialize_with = "lenient")]
    pub cost: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

/// Reports what happened, once the day has come (the person himself, or a clerk for him).
pub async fn after(st: &AppState, p: &Principal, id: FamilyEventId, f: &AfterForm) -> AppResult<FamilyEvent> {
    let view = view(p)?;
    let ev = find(st, &view, id).await?;
    if p.user.person_id != Some(ev.person_id) && !files_for(p, &ev.person_org_path) {
        return Err(AppError::Forbidden);
    }
    if ev.after_on.is_some() {
        return Err(AppError::Refused("该事宜已报告办理情况".into()));
    }
    let today = today();
    if ev.event_date > today {
        return Err(AppError::Refused(format!("事宜将于 {} 办理，办理后再报告实际情况", ev.event_date)));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let tables = count(&mut e, "tables", "实际桌数", &f.tables, MAX_COUNT);
    let guests = count(&mut e, "guests", "实际人数", &f.guests, MAX_COUNT);
    let clients_attended = yes_no(&mut e, "clients_attended", "是否有管理服务对象参加", &f.clients_attended);
    let gifts = GIFTS.iter().find(|g| g.0 == f.gifts.trim() || g.1 == f.gifts.trim()).map(|g| g.0);
    if gifts.is_none() {
        e.insert("gifts".into(), "请选择礼金处理情况".into());
    }
    let gifts_note = text(&mut e, "gifts_note", "礼金情况说明", &f.gifts_note, NOTE_MAX, matches!(gifts, Some("returned" | "handed_in" | "clients")));
    let cost = count(&mut e, "cost", "实际费用", &f.cost, MAX_COST);
    let note = text(&mut e, "note", "其他情况", &f.note, NOTE_MAX, false);
    let (Some(gifts), true) = (gifts, e.is_empty()) else { return Err(into_error(e)) };
    let a = After { tables_actual: tables, guests_actual: guests, clients_attended, gifts: gifts.into(), gifts_note, cost_actual: cost, after_note: note, after_on: today };
    let mut tx = st.db.begin().await?;
    store::family_after(&mut tx, &p.actor(), id, version, &a).await?;
    tx.commit().await?;
    Ok(store::family_get(&st.db, &view, id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReviewForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// read / explain
    #[serde(deserialize_with = "lenient")]
    pub review: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

/// The 纪委's review: 已阅, or 需说明 with what is to be explained.
pub async fn review(st: &AppState, p: &Principal, id: FamilyEventId, f: &ReviewForm) -> AppResult<FamilyEvent> {
    p.require(Permission::HandleInquiries)?;
    let view = view(p)?;
    let ev = store::family_get(&st.db, &view, id).await?;
    if !reviews(p, &ev.person_org_path) {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let review = REVIEWS.iter().find(|r| r.0 == f.review.trim() || r.1 == f.review.trim()).map(|r| r.0);
    if review.is_none() {
        e.insert("review".into(), "请选择审阅意见（已阅、需说明）".into());
    }
    let note = text(&mut e, "note", "需说明的问题", &f.note, NOTE_MAX, review == Some("explain"));
    let (Some(review), true) = (review, e.is_empty()) else { return Err(into_error(e)) };
    let mut tx = st.db.begin().await?;
    store::family_review(&mut tx, &p.actor(), id, version, store::Review { review, note: note.as_deref(), on: &today(), by: &p.user.display_name }).await?;
    tx.commit().await?;
    Ok(store::family_get(&st.db, &view, id).await?)
}
