//! 工作日历: China's holidays and adjusted working days per year, and every time limit counted
//! in working days through them. Other modules count their limits with [`add_workdays`] or
//! [`deadline`] (函询 replies, 抄告单 answers, 信访 and ledger limits); background jobs, which
//! have no `AppState`, read the calendar with [`calendar_of`].
//!
//! Everybody signed in reads the calendar; the 系统管理员 (`ManageSettings`) changes a day and
//! marks a year as checked against the State Council's notice. The current and the next year
//! ship with the program and are loaded at start-up ([`seed`]; docs/decisions/0017).

use std::sync::Arc;

use lianzheng_core::calendar::{self as core, FIRST_YEAR, LAST_YEAR, NAME_MAX};
pub use lianzheng_core::calendar::{Calendar, DayKind, Deadline, SpecialDay};
use lianzheng_core::org::Permission;
use lianzheng_store::Db;
use lianzheng_store::calendar as store;
pub use lianzheng_store::calendar::TABLES;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::lenient;
use crate::state::AppState;

/// The most working days a limit may count (about four years).
pub const MAX_DAYS: u32 = 1000;

// ------------------------------------------------------------------- for other modules

/// The calendar in force, cached on this node: an edit made here is seen at once, one made on
/// another node within the list cache's few seconds.
pub async fn calendar(st: &AppState) -> AppResult<Arc<Calendar>> {
    st.caches.calendar.get_or_load((), || async { Ok::<_, AppError>(Arc::new(store::load(&st.db).await?)) }).await
}

/// The calendar read afresh, for background jobs (they have the database, not the state).
pub async fn calendar_of(db: &Db) -> AppResult<Calendar> {
    Ok(store::load(db).await?)
}

/// The date `n` working days after `from`. The day of issue does not count: the count starts
/// the next day (a limit of 5 working days from a Monday without holidays ends the next
/// Monday; `n = 0` is `from` itself). Years without data count Monday to Friday — use
/// [`deadline`] to tell people so. `n` above [`MAX_DAYS`] is refused.
pub async fn add_workdays(st: &AppState, from: Date, n: u32) -> AppResult<Date> {
    Ok(deadline(st, from, n).await?.date)
}

/// [`add_workdays`] with what the count rested on: the weekday, the calendar days, the years
/// without data or not yet checked, and those two in words (`notes`) for the page.
pub async fn deadline(st: &AppState, from: Date, n: u32) -> AppResult<Deadline> {
    if n > MAX_DAYS {
        return Err(AppError::field("days", format!("工作日数应为 0～{MAX_DAYS} 之间的整数")));
    }
    let d = calendar(st).await?.deadline(from, n).ok_or_else(|| AppError::field("days", "期限超出可计算的日期范围"))?;
    if d.date.year() > LAST_YEAR {
        return Err(AppError::field("days", format!("期限超出可计算的日期范围（至 {LAST_YEAR} 年）")));
    }
    Ok(d)
}

/// The working days after `a` up to and including `b` (negative when `b` is before `a`).
pub async fn workdays_between(st: &AppState, a: Date, b: Date) -> AppResult<i64> {
    Ok(calendar(st).await?.workdays_between(a, b))
}

pub async fn is_workday(st: &AppState, d: Date) -> AppResult<bool> {
    Ok(calendar(st).await?.is_workday(d))
}

/// Today in Beijing (where a limit issued "today" starts from).
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date()
}

// --------------------------------------------------------------------------- use cases

fn parse_date(field: &str, label: &str, s: &str) -> AppResult<Date> {
    core::parse_date(s).ok_or_else(|| AppError::field(field, format!("{label}无效：应为 {FIRST_YEAR}～{LAST_YEAR} 年间的真实日期，格式如 2026-02-15")))
}

/// A year as typed (path or query): a whole number within the years a calendar is kept for.
pub fn parse_year(s: &str) -> AppResult<i32> {
    s.trim().parse::<i32>().ok().filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y)).ok_or_else(|| AppError::field("year", format!("年份应为 {FIRST_YEAR}～{LAST_YEAR} 之间的整数")))
}

/// A limit asked for in text (the API and the page): `from` a date, `days` whole working days
/// (0 to [`MAX_DAYS`]). Every signed-in person may ask.
pub async fn deadline_query(st: &AppState, _p: &Principal, from: &str, days: &str) -> AppResult<Deadline> {
    let from = parse_date("from", "起算日期", from)?;
    let days = days.trim().parse::<u32>().ok().filter(|n| *n <= MAX_DAYS).ok_or_else(|| AppError::field("days", format!("工作日数应为 0～{MAX_DAYS} 之间的整数")))?;
    deadline(st, from, days).await
}

/// A special day as people read it.
#[derive(Serialize, Clone, Debug)]
pub struct DayView {
    pub date: String,
    pub weekday: &'static str,
    pub kind: DayKind,
    /// 休息日 or 调休上班日.
    pub kind_label: &'static str,
    /// 休 or 班.
    pub mark: &'static str,
    pub name: String,
}

fn day_view(d: &SpecialDay) -> DayView {
    DayView { date: core::format_date(d.date), weekday: core::weekday_label(d.date), kind: d.kind, kind_label: d.kind.label(), mark: d.kind.mark(), name: d.name.clone() }
}

/// Consecutive special days of one kind and name.
#[derive(Serialize, Clone, Debug)]
pub struct Period {
    pub first: String,
    pub last: String,
    /// "2月15日（周日）至2月23日（周一）", or one day.
    pub label: String,
    pub days: usize,
    pub kind: DayKind,
    pub kind_label: &'static str,
    pub name: String,
}

fn periods(days: &[&SpecialDay]) -> Vec<Period> {
    let mut runs: Vec<(&SpecialDay, &SpecialDay, usize)> = Vec::new();
    for d in days {
        match runs.last_mut() {
            Some((_, last, n)) if last.kind == d.kind && last.name == d.name && last.date.next_day() == Some(d.date) => {
                *last = d;
                *n += 1;
            }
            _ => runs.push((d, d, 1)),
        }
    }
    let at = |d: Date| format!("{}（{}）", core::month_day_label(d), core::weekday_label(d));
    runs.into_iter()
        .map(|(a, b, n)| Period {
            first: core::format_date(a.date),
            last: core::format_date(b.date),
            label: if n == 1 { at(a.date) } else { format!("{}至{}", at(a.date), at(b.date)) },
            days: n,
            kind: a.kind,
            kind_label: a.kind.label(),
            name: a.name.clone(),
        })
        .collect()
}

/// One year of the calendar.
#[derive(Serialize, Clone, Debug)]
pub struct YearView {
    pub year: i32,
    /// The year has data (else every count in it uses Monday to Friday).
    pub maintained: bool,
    /// Its data was checked against the State Council's notice.
    pub confirmed: bool,
    /// Changed or confirmed by the 系统管理员 (else as the program shipped it).
    pub edited: bool,
    /// Where the data comes from (the notice), or why it is not confirmed.
    pub source_note: String,
    /// The year's state in words: 已核对, 待国务院通知发布后核对, or the fallback.
    pub status: String,
    /// The special days, in date order.
    pub days: Vec<DayView>,
    /// The same, runs of consecutive days of one kind and name made one (春节 2月15日至23日).
    pub periods: Vec<Period>,
    /// Working days and rest days in the year.
    pub workdays: i64,
    pub rest_days: i64,
    /// Every year with data (the year switcher).
    pub years: Vec<i32>,
    /// The person may change it (系统管理员).
    pub can_edit: bool,
}

fn status(year: i32, maintained: bool, confirmed: bool) -> String {
    match (maintained, confirmed) {
        (false, _) => core::fallback_note(year),
        (true, true) => "已按国务院通知核对".to_string(),
        (true, false) => core::unconfirmed_note(year),
    }
}

/// A year of the calendar (everyone signed in).
pub async fn year(st: &AppState, p: &Principal, year: i32) -> AppResult<YearView> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(AppError::field("year", format!("年份应为 {FIRST_YEAR}～{LAST_YEAR} 之间的整数")));
    }
    let cal = calendar(st).await?;
    let rows = store::years(&st.db).await?;
    let row = rows.iter().find(|r| r.year == year);
    let info = cal.year(year);
    let maintained = info.is_some();
    let confirmed = info.is_some_and(|i| i.confirmed);
    let first = Date::from_calendar_date(year, time::Month::January, 1).map_err(|e| AppError::Internal(e.to_string()))?;
    let last = Date::from_calendar_date(year, time::Month::December, 31).map_err(|e| AppError::Internal(e.to_string()))?;
    let in_year = (last - first).whole_days() + 1;
    // the working days after 31 Dec of the year before, up to and including 31 Dec
    let workdays = cal.workdays_between(first.previous_day().unwrap_or(first), last);
    Ok(YearView {
        year,
        maintained,
        confirmed,
        edited: row.is_some_and(|r| r.edited()),
        source_note: info.map(|i| i.note.clone()).unwrap_or_default(),
        status: status(year, maintained, confirmed),
        days: cal.days_of_year(year).map(day_view).collect(),
        periods: periods(&cal.days_of_year(year).collect::<Vec<_>>()),
        workdays,
        rest_days: in_year - workdays,
        years: cal.years().map(|y| y.year).collect(),
        can_edit: p.can(Permission::ManageSettings),
    })
}

/// What a day is to become.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct DayInput {
    /// holiday (休息日), workday (调休上班日) or plain (按周一至周五); the Chinese terms are read too.
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// The holiday it belongs to (春节), at most 20 characters.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
}

fn kind_of(s: &str) -> AppResult<Option<DayKind>> {
    match s.trim() {
        "plain" | "normal" | "按周一至周五" | "常规" => Ok(None),
        "休" => Ok(Some(DayKind::Holiday)),
        "班" => Ok(Some(DayKind::Workday)),
        "" => Err(AppError::field("kind", "请选择这一天是休息日、调休上班日还是按周一至周五")),
        other => DayKind::parse(other).map(Some).ok_or_else(|| AppError::field("kind", "类型应为 holiday（休息日）、workday（调休上班日）或 plain（按周一至周五）")),
    }
}

/// The answer to a change of a day: the day as it is now and its year.
#[derive(Serialize, Clone, Debug)]
pub struct DayChange {
    pub date: String,
    /// The day after the change (None: an ordinary day).
    pub day: Option<DayView>,
    /// False when the day already was so (nothing written).
    pub changed: bool,
    pub year: YearView,
}

/// Sets what a day is (系统管理员): a 休息日 or 调休上班日 with the holiday's name, or an
/// ordinary day again. A 调休上班日 must be a Saturday or Sunday. Audited (`calendar.set_day`).
pub async fn set_day(st: &AppState, p: &Principal, date: &str, input: &DayInput) -> AppResult<DayChange> {
    p.require(Permission::ManageSettings)?;
    let date = parse_date("date", "日期", date)?;
    let kind = kind_of(&input.kind)?;
    let name = if kind.is_some() { input.name.trim() } else { "" };
    if name.chars().count() > NAME_MAX {
        return Err(AppError::field("name", format!("名称不能超过 {NAME_MAX} 个字")));
    }
    if let Some(k) = kind {
        core::check_day(date, k).map_err(|m| AppError::field("kind", m))?;
    }
    let mut tx = st.db.begin().await?;
    let changed = store::set_day(&mut tx, &p.actor(), date, kind, name).await?;
    tx.commit().await?;
    let year = year_after(st, p, date.year()).await?;
    let day = year.days.iter().find(|d| d.date == core::format_date(date)).cloned();
    Ok(DayChange { date: core::format_date(date), day, changed, year })
}

/// Marks a year as checked against the State Council's notice, or (`confirmed` "false") as
/// still to be checked (系统管理员). `confirmed` is "true", "false" or empty (true). Audited
/// (`calendar.confirm`).
pub async fn confirm(st: &AppState, p: &Principal, year: &str, confirmed: &str) -> AppResult<YearView> {
    p.require(Permission::ManageSettings)?;
    let year = parse_year(year)?;
    let confirmed = match confirmed.trim() {
        "" | "true" | "1" | "on" => true,
        "false" | "0" | "off" => false,
        _ => return Err(AppError::field("confirmed", "confirmed 应为 true 或 false")),
    };
    let mut tx = st.db.begin().await?;
    store::confirm(&mut tx, &p.actor(), year, confirmed).await?;
    tx.commit().await?;
    year_after(st, p, year).await
}

/// The year as it is after a write on this node (the cache was made stale by the commit).
async fn year_after(st: &AppState, p: &Principal, y: i32) -> AppResult<YearView> {
    year(st, p, y).await
}

/// Loads the shipped years at start-up (system work): a year the database lacks is added, a
/// year still as shipped is brought up to the shipped data, a year the 系统管理员 edited is
/// left alone. Returns the years written.
pub async fn seed(db: &Db) -> AppResult<Vec<i32>> {
    let shipped = core::shipped().map_err(|e| AppError::Internal(format!("内置工作日历数据有误：{e}")))?;
    Ok(store::seed(db, &shipped).await?)
}
