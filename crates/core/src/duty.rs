//! 定责 — pure rules of the task split (任务分工): the deadline colour (绿/蓝/黄/红), task
//! status from progress, item numbers ("1.2.3"), and shifting a deadline by a year.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// 进度颜色: 绿 done, 蓝 on track, 黄 deadline near and not finished, 红 overdue. Ordered by
/// the attention it asks for, so a 大项 shows the `max` of its 小项.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Blue,
    Yellow,
    Red,
}

impl Colour {
    pub const ALL: &'static [Colour] = &[Colour::Green, Colour::Blue, Colour::Yellow, Colour::Red];
    pub fn code(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Blue => "blue",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Colour::Green => "已完成",
            Colour::Blue => "正常推进",
            Colour::Yellow => "临近时限",
            Colour::Red => "已超期",
        }
    }
    pub fn parse(s: &str) -> Option<Colour> {
        Colour::ALL.iter().copied().find(|c| c.code() == s.trim() || c.label() == s.trim())
    }
}

/// The colour rule: done → 绿; past the deadline and not done → 红; at most `yellow_days`
/// left and progress below 100 → 黄; otherwise 蓝. No deadline: 绿 when done, else 蓝.
pub fn colour(done: bool, progress: i64, deadline: Option<Date>, today: Date, yellow_days: i64) -> Colour {
    if done {
        return Colour::Green;
    }
    let Some(d) = deadline else { return Colour::Blue };
    let left = (d - today).whole_days();
    if left < 0 {
        Colour::Red
    } else if left <= yellow_days && progress < 100 {
        Colour::Yellow
    } else {
        Colour::Blue
    }
}

labelled_enum!(
    /// 任务状态.
    TaskStatus { NotStarted = "not_started", "未开始"; InProgress = "in_progress", "推进中"; Done = "done", "已完成"; }
);

impl TaskStatus {
    /// The status a progress percentage implies.
    pub fn from_progress(p: i64) -> TaskStatus {
        if p >= 100 {
            TaskStatus::Done
        } else if p > 0 {
            TaskStatus::InProgress
        } else {
            TaskStatus::NotStarted
        }
    }
}

/// `YYYY-MM-DD` → date.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// "2026年3月9日" from "2026-03-09", as a 公文 writes a date (the text as it came when it is
/// not a date).
pub fn written_date(d: &str) -> String {
    match parse_date(d) {
        Some(x) => format!("{}年{}月{}日", x.year(), u8::from(x.month()), x.day()),
        None => d.to_string(),
    }
}

/// The 成文日期 of a generated document: the 印发 date stored with it (`YYYY-MM-DD`), or for a
/// document stored before that date was kept, the day it was created (China time) — never the
/// day it is downloaded. As (year, month, day) for the DOCX writer.
pub fn issue_date(stored: Option<&str>, created_at: i64) -> (i32, u32, u32) {
    let d = stored.and_then(parse_date).unwrap_or_else(|| time::OffsetDateTime::from_unix_timestamp(created_at).map(|t| t.to_offset(time::macros::offset!(+8)).date()).unwrap_or(Date::MIN));
    (d.year(), u32::from(u8::from(d.month())), u32::from(d.day()))
}

/// The same day a year later (29 February becomes 28 February).
pub fn next_year(d: Date) -> Date {
    let y = d.year() + 1;
    Date::from_calendar_date(y, d.month(), d.day()).or_else(|_| Date::from_calendar_date(y, Month::February, 28)).unwrap_or(d)
}

/// An item number "1.2.3" into its parts; None if malformed ("1..2", "a", "0").
pub fn parse_number(s: &str) -> Option<Vec<u32>> {
    let s = s.trim().trim_end_matches('.');
    if s.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for part in s.split('.') {
        let n: u32 = part.trim().parse().ok()?;
        if n == 0 {
            return None;
        }
        out.push(n);
    }
    Some(out)
}

labelled_enum!(
    /// 责任书 status.
    LetterStatus { Draft = "draft", "待签订"; Signed = "signed", "已签订"; }
);

labelled_enum!(
    /// 雷同提示 status: open until the 纪委 has looked at it.
    FlagStatus { Open = "open", "待核"; Reviewed = "reviewed", "已核"; }
);

labelled_enum!(
    /// Where a 责任清单 is in its filing (备案).
    ListStatus { Draft = "draft", "草稿"; Submitted = "submitted", "待审核"; Accepted = "accepted", "已备案"; Returned = "returned", "已退回"; }
);

impl ListStatus {
    /// Tag colour on pages.
    pub fn tag(self) -> &'static str {
        match self {
            ListStatus::Draft => "tag-grey",
            ListStatus::Submitted => "tag-blue",
            ListStatus::Accepted => "tag-green",
            ListStatus::Returned => "tag-red",
        }
    }
    /// The unit may change items only before filing or after a return.
    pub fn editable(self) -> bool {
        matches!(self, ListStatus::Draft | ListStatus::Returned)
    }
}

labelled_enum!(
    /// 任务分工 plan status.
    PlanStatus { Draft = "draft", "草稿"; Issued = "issued", "已印发"; }
);

#[allow(clippy::derivable_impls)] // labelled_enum! takes no attributes per variant
impl Default for PlanStatus {
    fn default() -> Self {
        PlanStatus::Draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_date_is_the_stored_day_else_the_creation_day() {
        assert_eq!(issue_date(Some("2026-03-05"), 0), (2026, 3, 5));
        // 2026-01-31 20:00 UTC is 1 February in China
        assert_eq!(issue_date(None, 1_769_889_600), (2026, 2, 1));
        assert_eq!(issue_date(Some("bad"), 1_769_889_600), (2026, 2, 1));
    }
    use time::macros::date;

    #[test]
    fn colour_rule() {
        let today = date!(2026 - 06 - 10);
        // done is green whatever the deadline
        assert_eq!(colour(true, 100, Some(date!(2026 - 01 - 01)), today, 7), Colour::Green);
        // overdue and not done
        assert_eq!(colour(false, 90, Some(date!(2026 - 06 - 09)), today, 7), Colour::Red);
        // due today or within the window
        assert_eq!(colour(false, 50, Some(today), today, 7), Colour::Yellow);
        assert_eq!(colour(false, 0, Some(date!(2026 - 06 - 17)), today, 7), Colour::Yellow);
        // one day beyond the window
        assert_eq!(colour(false, 0, Some(date!(2026 - 06 - 18)), today, 7), Colour::Blue);
        // the threshold is a setting
        assert_eq!(colour(false, 0, Some(date!(2026 - 06 - 18)), today, 10), Colour::Yellow);
        // no deadline
        assert_eq!(colour(false, 10, None, today, 7), Colour::Blue);
    }

    #[test]
    fn status_and_dates() {
        assert_eq!(TaskStatus::from_progress(0), TaskStatus::NotStarted);
        assert_eq!(TaskStatus::from_progress(50), TaskStatus::InProgress);
        assert_eq!(TaskStatus::from_progress(100), TaskStatus::Done);
        assert_eq!(next_year(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
        assert_eq!(next_year(date!(2025 - 12 - 31)), date!(2026 - 12 - 31));
        assert_eq!(parse_number("1.2.3"), Some(vec![1, 2, 3]));
        assert_eq!(parse_number("2"), Some(vec![2]));
        assert_eq!(parse_number("1..2"), None);
        assert_eq!(parse_number("x"), None);
        assert_eq!(Colour::parse("red"), Some(Colour::Red));
    }
}
