//! 定责 pages: lists, task split, letters.

pub mod letters;
pub mod lists;
pub mod tasks;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(lists::routes()).merge(tasks::routes()).merge(letters::routes())
}

/// The working year: this calendar year in Beijing time.
pub fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).year()
}

/// A `year` query value, defaulting to the current year; out-of-range values fall back too.
pub fn year_or_current(s: &str) -> i32 {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(current_year)
}
