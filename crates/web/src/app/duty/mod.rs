//! 定责 use cases: responsibility lists, the task split, responsibility letters.

pub mod letters;
pub mod lists;
pub mod tasks;
pub mod todo;

/// The working year: this calendar year in Beijing time.
pub fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).year()
}

/// A `year` value from a form, query or body, defaulting to the current year; out-of-range
/// values fall back too. One rule for pages and API.
pub fn year_or_current(s: &str) -> i32 {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(current_year)
}

/// The parts of 定责 a person opens from its tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// 概览 (/duty)
    Overview,
    Lists,
    /// 全覆盖: which units have filed — every unit's status, so only for who sees every list
    Coverage,
    /// 共性清单 as the 纪委 keeps them (the units read theirs inside their own lists)
    CommonLists,
    Plans,
    Letters,
    LetterTemplates,
    Flags,
    Phrases,
}

/// Whether a person may open a part of 定责, and over which scope. This is the one rule: the
/// use cases (and the pages that are more than one use case) call it, and the tab bar shows a
/// part only when it lets the person in, so the bar never offers a link that answers 403.
pub fn open(p: &crate::auth::Principal, part: Part) -> crate::error::AppResult<lianzheng_core::org::Scope> {
    use lianzheng_core::access::{Record, Sees, sees_any};
    use lianzheng_core::org::Permission as P;
    match part {
        Part::Overview | Part::Lists | Part::Plans | Part::Letters => p.require(P::ViewDuty),
        Part::Coverage => {
            let scope = p.require(P::ViewDuty)?;
            if sees_any(&p.roles(), Record::DutyList) == Sees::All { Ok(scope) } else { Err(crate::error::AppError::Forbidden) }
        }
        Part::LetterTemplates => p.require(P::EditDuty),
        Part::CommonLists | Part::Flags | Part::Phrases => p.require(P::ReviewDuty),
    }
}
