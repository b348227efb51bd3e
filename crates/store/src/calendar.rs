//! 工作日历: the special days (`calendar_days`) and the years that have data
//! (`calendar_years`, with whether they were checked against the State Council's notice and
//! whether the 系统管理员 changed them). Every write is audited in its transaction.

use lianzheng_core::calendar::{Calendar, DayKind, ShippedYear, SpecialDay, YearInfo, format_date, parse_date};
use serde_json::json;
use time::Date;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::db::{ColType, Db, Tx, now, q};
use crate::schema::TableDef;

use ColType::{Bool as B, I64 as I, Text as T};

/// Tables of the working-day calendar, in dependency order, for the portable archive.
pub const TABLES: &[TableDef] = &[
    TableDef { name: "calendar_years", columns: &[("year", I), ("confirmed", B), ("source", T), ("note", T), ("updated_at", I)] },
    TableDef { name: "calendar_days", columns: &[("day", T), ("year", I), ("kind", T), ("name", T), ("updated_at", I)] },
];

/// As the program shipped it.
const SHIPPED: &str = "shipped";
/// Changed or confirmed by the 系统管理员: the shipped data no longer replaces it.
const EDITED: &str = "edited";

/// A year's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRow {
    pub year: i32,
    pub confirmed: bool,
    /// "shipped" or "edited".
    pub source: String,
    pub note: String,
    pub updated_at: i64,
}

impl YearRow {
    /// Changed or confirmed by the 系统管理员 (not as the program shipped it).
    pub fn edited(&self) -> bool {
        self.source == EDITED
    }
}

type YearTuple = (i64, bool, String, String, i64);

fn year_row((year, confirmed, source, note, updated_at): YearTuple) -> Result<YearRow, StoreError> {
    let year = i32::try_from(year).map_err(|_| StoreError::Internal(format!("工作日历年份无效：{year}")))?;
    Ok(YearRow { year, confirmed, source, note, updated_at })
}

fn special((day, kind, name): (String, String, String)) -> Result<SpecialDay, StoreError> {
    let date = parse_date(&day).ok_or_else(|| StoreError::Internal(format!("工作日历中的日期无效：{day}")))?;
    let kind = DayKind::from_code(&kind).ok_or_else(|| StoreError::Internal(format!("工作日历中 {day} 的类型无效：{kind}")))?;
    Ok(SpecialDay { date, kind, name })
}

/// Every year with data.
pub async fn years(db: &Db) -> Result<Vec<YearRow>, StoreError> {
    let rows: Vec<YearTuple> = db.fetch_all(q("SELECT year, confirmed, source, note, updated_at FROM calendar_years ORDER BY year")).await?;
    rows.into_iter().map(year_row).collect()
}

/// The whole calendar (a few dozen rows a year). A row that does not read is an error rather
/// than a day silently counted as ordinary.
pub async fn load(db: &Db) -> Result<Calendar, StoreError> {
    let years = years(db).await?;
    let rows: Vec<(String, String, String)> = db.fetch_all(q("SELECT day, kind, name FROM calendar_days ORDER BY day")).await?;
    let days = rows.into_iter().map(special).collect::<Result<Vec<_>, _>>()?;
    Ok(Calendar::new(years.into_iter().map(|y| YearInfo { year: y.year, confirmed: y.confirmed, note: y.note }), days))
}

async fn year_in(tx: &mut Tx, year: i32) -> Result<Option<YearRow>, StoreError> {
    let row: Option<YearTuple> = tx.fetch_optional(q("SELECT year, confirmed, source, note, updated_at FROM calendar_years WHERE year = $1").bind(year)).await?;
    row.map(year_row).transpose()
}

/// The year's row, made (unconfirmed) if the year had no data, and marked as edited.
async fn edit_year(tx: &mut Tx, year: i32) -> Result<Option<YearRow>, StoreError> {
    let before = year_in(tx, year).await?;
    if before.is_some() {
        tx.execute(q("UPDATE calendar_years SET source = $1, updated_at = $2 WHERE year = $3").bind(EDITED).bind(now()).bind(year)).await?;
    } else {
        tx.execute(q("INSERT INTO calendar_years (year, confirmed, source, note, updated_at) VALUES ($1, $2, $3, '', $4)").bind(year).bind(false).bind(EDITED).bind(now())).await?;
    }
    Ok(before)
}

/// Sets what a day is: a special day of `kind` with `name`, or (None) an ordinary day again.
/// The caller has checked the day (`calendar::check_day`). Returns false when the day already
/// was so (nothing written, nothing audited).
pub async fn set_day(tx: &mut Tx, actor: &Actor, date: Date, kind: Option<DayKind>, name: &str) -> Result<bool, StoreError> {
    let day = format_date(date);
    let before: Option<(String, String, String)> = tx.fetch_optional(q("SELECT day, kind, name FROM calendar_days WHERE day = $1").bind(&day)).await?;
    let before = before.map(special).transpose()?;
    let unchanged = match (&before, kind) {
        (None, None) => true,
        (Some(b), Some(k)) => b.kind == k && b.name == name,
        _ => false,
    };
    if unchanged {
        return Ok(false);
    }
    edit_year(tx, date.year()).await?;
    match kind {
        None => {
            tx.execute(q("DELETE FROM calendar_days WHERE day = $1").bind(&day)).await?;
        }
        Some(k) => {
            tx.execute(
                q("INSERT INTO calendar_days (day, year, kind, name, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at")
                    .bind(&day)
                    .bind(date.year())
                    .bind(k.code())
                    .bind(name)
                    .bind(now()),
            )
            .await?;
        }
    }
    let shown = |k: Option<DayKind>, n: &str| k.map(|k| json!({"kind": k.code(), "name": n}));
    audit::record(tx, actor, "calendar.set_day", "calendar", Some(day), json!({"before": shown(before.as_ref().map(|b| b.kind), before.as_ref().map_or("", |b| b.name.as_str())), "after": shown(kind, name)})).await?;
    Ok(true)
}

/// Marks a year's data as checked against the State Council's notice (or not). Returns false
/// when it already was so.
pub async fn confirm(tx: &mut Tx, actor: &Actor, year: i32, confirmed: bool) -> Result<bool, StoreError> {
    let before = year_in(tx, year).await?;
    if before.as_ref().is_some_and(|b| b.confirmed == confirmed) {
        return Ok(false);
    }
    edit_year(tx, year).await?;
    tx.execute(q("UPDATE calendar_years SET confirmed = $1 WHERE year = $2").bind(confirmed).bind(year)).await?;
    audit::record(tx, actor, "calendar.confirm", "calendar", Some(year.to_string()), json!({"before": before.map(|b| b.confirmed), "after": confirmed})).await.map(|()| true)
}

/// Loads the shipped years: a year the database lacks is added; a year still as shipped whose
/// shipped data changed (a new release with the notice's days) is replaced; a year the
/// 系统管理员 edited is left alone. Returns the years written.
pub async fn seed(db: &Db, shipped: &[ShippedYear]) -> Result<Vec<i32>, StoreError> {
    let actor = Actor::system("内置工作日历");
    let mut written = Vec::new();
    let mut tx = db.begin().await?;
    for y in shipped {
        let year = y.info.year;
        let before = year_in(&mut tx, year).await?;
        let replace = match &before {
            None => false,
            Some(row) if row.edited() => continue,
            Some(row) => {
                let rows: Vec<(String, String, String)> = tx.fetch_all(q("SELECT day, kind, name FROM calendar_days WHERE year = $1 ORDER BY day").bind(year)).await?;
                let days = rows.into_iter().map(special).collect::<Result<Vec<_>, _>>()?;
                if row.confirmed == y.info.confirmed && row.note == y.info.note && days == y.days {
                    continue;
                }
                true
            }
        };
        if replace {
            tx.execute(q("DELETE FROM calendar_days WHERE year = $1").bind(year)).await?;
            tx.execute(q("UPDATE calendar_years SET confirmed = $1, note = $2, updated_at = $3 WHERE year = $4").bind(y.info.confirmed).bind(&y.info.note).bind(now()).bind(year)).await?;
        } else {
            // another node starting at the same time may have loaded it first
            let added = tx
                .execute(
                    q("INSERT INTO calendar_years (year, confirmed, source, note, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO NOTHING")
                        .bind(year)
                        .bind(y.info.confirmed)
                        .bind(SHIPPED)
                        .bind(&y.info.note)
                        .bind(now()),
                )
                .await?;
            if added == 0 {
                continue;
            }
        }
        for d in &y.days {
            tx.execute(q("INSERT INTO calendar_days (day, year, kind, name, updated_at) VALUES ($1, $2, $3, $4, $5)").bind(format_date(d.date)).bind(year).bind(d.kind.code()).bind(&d.name).bind(now())).await?;
        }
        audit::record(&mut tx, &actor, "calendar.seed", "calendar", Some(year.to_string()), json!({"days": y.days.len(), "confirmed": y.info.confirmed, "replaced": replace})).await?;
        written.push(year);
    }
    tx.commit().await?;
    Ok(written)
}
