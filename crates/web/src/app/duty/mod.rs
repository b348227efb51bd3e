//! 定责 use cases: responsibility lists, the task split, responsibility letters.

pub mod letters;
pub mod lists;
pub mod tasks;

/// The working year: this calendar year in Beijing time.
pub fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).year()
}

/// A `year` value from a form, query or body, defaulting to the current year; out-of-range
/// values fall back too. One rule for pages and API.
pub fn year_or_current(s: &str) -> i32 {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(current_year)
}
