//! 工作日历 page: a year's months with holidays in red and adjusted working days marked 班, a
//! time-limit calculator for everyone, and for the 系统管理员 a form to change a day (opened by
//! clicking it) and the year's 核对 mark.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::calendar::{format_date, parse_date, weekday_label};
use serde::Deserialize;
use time::{Date, Month};

use super::render_status;
use crate::app::calendar::{self as uc, DayInput, DayKind, Deadline, YearView};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q};
use crate::layout::{Errs, Layout};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/calendar", get(index)).route("/calendar/days/{date}", post(set_day)).route("/calendar/{year}/confirm", post(confirm))
}

/// One day of a month grid (`day` 0: a blank before the 1st or after the last).
struct Cell {
    day: u8,
    date: String,
    /// CSS classes: cal-holiday, cal-workday, cal-weekend, cal-today, cal-selected.
    class: String,
    /// 休 or 班, or empty.
    mark: &'static str,
    /// What the day is, in words (the cell's title).
    title: String,
}

struct MonthGrid {
    number: u8,
    weeks: Vec<Vec<Cell>>,
}

/// The edit form of one day (系统管理员).
struct DayForm {
    date: String,
    /// "2月14日 周六".
    label: String,
    /// holiday, workday or plain.
    kind: String,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    y: YearView,
    months: Vec<MonthGrid>,
    edit: Option<DayForm>,
    errors: Errs,
    message: Option<String>,
    /// The calculator's fields as typed, and its answer or the reason it has none.
    from: String,
    days: String,
    answer: Option<Deadline>,
    calc_error: Option<String>,
}

impl CalendarPage {
    fn answer_date(&self) -> String {
        self.answer.as_ref().map(|a| format!("{}（{}）", format_date(a.date), a.weekday)).unwrap_or_default()
    }
}

fn grid(y: &YearView, selected: Option<&str>) -> AppResult<Vec<MonthGrid>> {
    let today = format_date(uc::today());
    let mut months = Vec::new();
    for m in 1..=12u8 {
        let month = Month::try_from(m).map_err(|e| AppError::Internal(e.to_string()))?;
        let first = Date::from_calendar_date(y.year, month, 1).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut weeks: Vec<Vec<Cell>> = Vec::new();
        let mut week: Vec<Cell> = (1..first.weekday().number_from_monday()).map(|_| blank()).collect();
        let mut d = Some(first);
        while let Some(day) = d.filter(|d| d.month() == month) {
            let date = format_date(day);
            let special = y.days.iter().find(|s| s.date == date);
            let weekend = lianzheng_core::calendar::is_weekend(day);
            let mut class = vec![];
            let (mark, what) = match special {
                Some(s) if s.kind == DayKind::Holiday => {
                    class.push("cal-holiday");
                    ("休", format!("{}{}", s.name, s.kind_label))
                }
                Some(s) => {
                    class.push("cal-workday");
                    ("班", format!("{}{}", s.name, s.kind_label))
                }
                None if weekend => {
                    class.push("cal-weekend");
                    ("", "休息日（周末）".to_string())
                }
                None => ("", "工作日".to_string()),
            };
            if date == today {
                class.push("cal-today");
            }
            if selected == Some(date.as_str()) {
                class.push("cal-selected");
            }
            week.push(Cell { day: day.day(), title: format!("{}月{}日 {} {what}", m, day.day(), weekday_label(day)), date, class: class.join(" "), mark });
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
            d = day.next_day();
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(blank());
            }
            weeks.push(week);
        }
        months.push(MonthGrid { number: m, weeks });
    }
    Ok(months)
}

fn blank() -> Cell {
    Cell { day: 0, date: String::new(), class: String::new(), mark: "", title: String::new() }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CalendarQuery {
    year: String,
    /// The day whose form is open (系统管理员).
    day: String,
    from: String,
    days: String,
}

/// What the page shows besides the year: an open form, a refusal, the calculator.
#[derive(Default)]
struct Extra {
    day: Option<String>,
    typed: Option<DayInput>,
    errors: FieldErrors,
    message: Option<String>,
    from: String,
    days: String,
}

async fn page(st: &AppState, p: &Principal, year: i32, extra: Extra) -> AppResult<Response> {
    let y = uc::year(st, p, year).await?;
    let at = if y.can_edit { "/admin/settings" } else { "/calendar" };
    let edit = match (&extra.day, y.can_edit) {
        (Some(day), true) => parse_date(day).map(|date| {
            let current = y.days.iter().find(|s| s.date == format_date(date));
            let (kind, name) = match (&extra.typed, current) {
                (Some(t), _) => (t.kind.clone(), t.name.clone()),
                (None, Some(s)) => (s.kind.code().to_string(), s.name.clone()),
                (None, None) => ("plain".to_string(), String::new()),
            };
            DayForm { date: format_date(date), label: format!("{}月{}日 {}", u8::from(date.month()), date.day(), weekday_label(date)), kind, name }
        }),
        _ => None,
    };
    let months = grid(&y, edit.as_ref().map(|e| e.date.as_str()))?;
    let (answer, calc_error) = if extra.from.trim().is_empty() && extra.days.trim().is_empty() {
        (None, None)
    } else {
        match uc::deadline_query(st, p, &extra.from, &extra.days).await {
            Ok(d) => (Some(d), None),
            Err(AppError::Invalid { message, .. }) => (None, Some(message)),
            Err(e) => return Err(e),
        }
    };
    let failed = !extra.errors.is_empty() || extra.message.is_some();
    let page = CalendarPage { l: Layout::new(st, p, "工作日历", at), y, months, edit, errors: Errs(extra.errors), message: extra.message, from: extra.from, days: extra.days, answer, calc_error };
    render_status(&page, failed)
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<CalendarQuery>) -> AppResult<Response> {
    let year = if q.year.trim().is_empty() { crate::app::duty::current_year() } else { uc::parse_year(&q.year)? };
    let day = Some(q.day).filter(|d| !d.trim().is_empty());
    page(&st, &p, year, Extra { day, from: q.from, days: q.days, ..Extra::default() }).await
}

/// Saves a day from its form; a refused change shows the form again with what was typed.
pub async fn set_day(State(st): State<AppState>, p: Principal, Path(date): Path<String>, PageForm(form): PageForm<DayInput>) -> AppResult<Response> {
    match uc::set_day(&st, &p, &date, &form).await {
        Ok(done) => {
            let month = done.date.get(5..7).unwrap_or("01").trim_start_matches('0').to_string();
            Ok(flash::redirect(&st, &format!("/calendar?year={}#m{month}", done.year.year), Flash::Saved))
        }
        Err(AppError::Invalid { message, fields }) => {
            let year = parse_date(&date).map_or_else(crate::app::duty::current_year, |d| d.year());
            page(&st, &p, year, Extra { day: Some(date), typed: Some(form), errors: fields, message: Some(message), ..Extra::default() }).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    confirmed: String,
}

/// Marks the year as checked against the notice (or not).
pub async fn confirm(State(st): State<AppState>, p: Principal, Path(year): Path<String>, PageForm(form): PageForm<ConfirmForm>) -> AppResult<Response> {
    match uc::confirm(&st, &p, &year, &form.confirmed).await {
        Ok(y) => Ok(flash::redirect(&st, &format!("/calendar?year={}", y.year), Flash::Saved)),
        Err(AppError::Invalid { message, fields }) => {
            let y = uc::parse_year(&year).unwrap_or_else(|_| crate::app::duty::current_year());
            page(&st, &p, y, Extra { errors: fields, message: Some(message), ..Extra::default() }).await
        }
        Err(e) => Err(e),
    }
}
