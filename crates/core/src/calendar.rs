//! 工作日历: China's working days. Monday to Friday are working days and Saturday and Sunday
//! rest days, except the special days the State Council announces each year (国务院办公厅关于
//! 部分节假日安排的通知): 休息日 (holidays, including weekdays given off in exchange) and
//! 调休上班日 (a Saturday or Sunday worked in exchange). Every time limit counted in working
//! days (函询 replies, 抄告单 answers, 信访 and ledger limits) is counted here.
//!
//! A year without data falls back to plain weekdays and says so ([`fallback_note`]); a year
//! whose data was not checked against the notice says that too ([`unconfirmed_note`]).
//!
//! The data for the current and the next year ships with the program ([`shipped`], the file
//! `calendar/cn.txt`); the 系统管理员 edits it per year at run time.

use std::collections::BTreeMap;

use time::{Date, Month, Weekday};

labelled_enum! {
    /// What a special day is.
    DayKind {
        Holiday = "holiday", "休息日";
        Workday = "workday", "调休上班日";
    }
}

impl DayKind {
    /// The one character a calendar grid shows: 休 or 班.
    pub fn mark(self) -> &'static str {
        match self {
            DayKind::Holiday => "休",
            DayKind::Workday => "班",
        }
    }
}

/// A day that is not what its weekday says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: Date,
    pub kind: DayKind,
    /// The holiday it belongs to (春节, 国庆节); may be empty.
    pub name: String,
}

/// A year that has data, and whether that data was checked against the State Council's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearInfo {
    pub year: i32,
    pub confirmed: bool,
    /// Where the data comes from (the notice), or why it is not confirmed yet.
    pub note: String,
}

/// The years a calendar may be kept and counted for.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// A holiday's name is at most this many characters.
pub const NAME_MAX: usize = 20;

/// What people read when a year has no data: the count used plain weekdays.
pub fn fallback_note(year: i32) -> String {
    format!("{year} 年未维护节假日，按周一至周五计算")
}

/// What people read when a year's data was not checked against the notice.
pub fn unconfirmed_note(year: i32) -> String {
    format!("{year} 年节假日安排待国务院通知发布后核对")
}

pub fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// 周一 … 周日.
pub fn weekday_label(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "周一",
        Weekday::Tuesday => "周二",
        Weekday::Wednesday => "周三",
        Weekday::Thursday => "周四",
        Weekday::Friday => "周五",
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
    }
}

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// "2月14日".
pub fn month_day_label(d: Date) -> String {
    format!("{}月{}日", u8::from(d.month()), d.day())
}

/// A date written `YYYY-MM-DD` (or `YYYYMMDD`), within [`FIRST_YEAR`]..=[`LAST_YEAR`]; `None`
/// for anything else (2026-02-30 included).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let dashed = s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) || !(dashed || s.len() == 8) {
        return None;
    }
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    let month: u8 = digits.get(4..6)?.parse().ok()?;
    let day: u8 = digits.get(6..8)?.parse().ok()?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Whether `kind` may be set on `date`: a 调休上班日 is a Saturday or Sunday (a weekday is a
/// working day already). Err: the reason, in Chinese.
pub fn check_day(date: Date, kind: DayKind) -> Result<(), String> {
    if kind == DayKind::Workday && !is_weekend(date) {
        return Err(format!("{}是{}，本就是工作日，不能设为调休上班日", month_day_label(date), weekday_label(date)));
    }
    Ok(())
}

/// A time limit counted in working days: the date it falls on, and what the count rested on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    /// The day of issue (not counted).
    #[serde(serialize_with = "iso")]
    pub from: Date,
    /// Working days counted.
    pub days: u32,
    /// The last day of the limit: the `days`-th working day after `from`.
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub weekday: &'static str,
    /// Calendar days from `from` to `date`.
    pub natural_days: i64,
    /// Years the count crossed that have no data (plain weekdays were used).
    pub unmaintained_years: Vec<i32>,
    /// Years the count crossed whose data is not checked against the notice yet.
    pub unconfirmed_years: Vec<i32>,
    /// What to tell people about the count (the two lists above, in words).
    pub notes: Vec<String>,
}

fn iso<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_date(*d))
}

/// The special days and the years that have data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearInfo>,
    days: BTreeMap<Date, SpecialDay>,
}

impl Calendar {
    /// A calendar of these years and days. A day of a year not listed makes that year one with
    /// data (unconfirmed).
    pub fn new(years: impl IntoIterator<Item = YearInfo>, days: impl IntoIterator<Item = SpecialDay>) -> Calendar {
        let mut years: BTreeMap<i32, YearInfo> = years.into_iter().map(|y| (y.year, y)).collect();
        let days: BTreeMap<Date, SpecialDay> = days.into_iter().map(|d| (d.date, d)).collect();
        for d in days.keys() {
            years.entry(d.year()).or_insert_with(|| YearInfo { year: d.year(), confirmed: false, note: String::new() });
        }
        Calendar { years, days }
    }

    /// The years with data, in order.
    pub fn years(&self) -> impl Iterator<Item = &YearInfo> {
        self.years.values()
    }

    pub fn year(&self, year: i32) -> Option<&YearInfo> {
        self.years.get(&year)
    }

    /// The year has data (its holidays are maintained).
    pub fn maintained(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn special(&self, d: Date) -> Option<&SpecialDay> {
        self.days.get(&d)
    }

    /// A year's special days, in date order.
    pub fn days_of_year(&self, year: i32) -> impl Iterator<Item = &SpecialDay> {
        self.days.values().filter(move |d| d.date.year() == year)
    }

    /// A working day: Monday to Friday and not a 休息日, or a 调休上班日.
    pub fn is_workday(&self, d: Date) -> bool {
        match self.days.get(&d).map(|s| s.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(d),
        }
    }

    /// The date `n` working days after `start`. The day of issue does not count: the count
    /// starts the next day, so a limit of 5 working days from a Monday without holidays ends on
    /// the next Monday, and `n = 0` is `start` itself. A limit always ends on a working day.
    /// `None` only past the end of the dates `time` can hold.
    pub fn add_workdays(&self, start: Date, n: u32) -> Option<Date> {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.next_day()?;
            if self.is_workday(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// The working days after `a` up to and including `b` (the same rule as `add_workdays`:
    /// `add_workdays(a, workdays_between(a, b)) == b` when `b` is a working day after `a`);
    /// negative when `b` is before `a`, 0 when they are the same day.
    pub fn workdays_between(&self, a: Date, b: Date) -> i64 {
        if b < a {
            return -self.workdays_between(b, a);
        }
        let mut n = 0;
        let mut d = a;
        while d < b {
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_workday(d) {
                n += 1;
            }
        }
        n
    }

    /// Years from `a` to `b` (either order) without data.
    pub fn unmaintained_years(&self, a: Date, b: Date) -> Vec<i32> {
        let (lo, hi) = if a <= b { (a.year(), b.year()) } else { (b.year(), a.year()) };
        (lo..=hi).filter(|y| !self.maintained(*y)).collect()
    }

    /// Years from `a` to `b` (either order) with data not checked against the notice.
    pub fn unconfirmed_years(&self, a: Date, b: Date) -> Vec<i32> {
        let (lo, hi) = if a <= b { (a.year(), b.year()) } else { (b.year(), a.year()) };
        (lo..=hi).filter(|y| self.year(*y).is_some_and(|i| !i.confirmed)).collect()
    }

    /// What to tell people about a count over the years from `a` to `b`.
    pub fn notes(&self, a: Date, b: Date) -> Vec<String> {
        let mut notes: Vec<String> = self.unmaintained_years(a, b).into_iter().map(fallback_note).collect();
        notes.extend(self.unconfirmed_years(a, b).into_iter().map(unconfirmed_note));
        notes
    }

    /// `add_workdays` with what the count rested on.
    pub fn deadline(&self, from: Date, days: u32) -> Option<Deadline> {
        let date = self.add_workdays(from, days)?;
        Some(Deadline {
            from,
            days,
            date,
            weekday: weekday_label(date),
            natural_days: (date - from).whole_days(),
            unmaintained_years: self.unmaintained_years(from, date),
            unconfirmed_years: self.unconfirmed_years(from, date),
            notes: self.notes(from, date),
        })
    }
}

/// One year of the data shipped with the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedYear {
    pub info: YearInfo,
    pub days: Vec<SpecialDay>,
}

/// The data file shipped with the program (format described at its top).
pub const SHIPPED: &str = include_str!("calendar/cn.txt");

/// The shipped years (a unit test keeps the file readable).
pub fn shipped() -> Result<Vec<ShippedYear>, String> {
    parse_data(SHIPPED)
}

/// The calendar of the shipped years alone.
pub fn shipped_calendar() -> Result<Calendar, String> {
    let years = shipped()?;
    let days: Vec<SpecialDay> = years.iter().flat_map(|y| y.days.iter().cloned()).collect();
    Ok(Calendar::new(years.into_iter().map(|y| y.info), days))
}

/// Reads the data format of `calendar/cn.txt`. Err: the line and what is wrong with it.
pub fn parse_data(text: &str) -> Result<Vec<ShippedYear>, String> {
    let mut out: Vec<ShippedYear> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |why: &str| format!("第{}行：{why}（{line}）", i + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"year") {
            let year: i32 = words.get(1).and_then(|y| y.parse().ok()).filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y)).ok_or_else(|| at("年份无效"))?;
            let confirmed = match words.get(2) {
                Some(&"confirmed") => true,
                Some(&"unconfirmed") => false,
                _ => return Err(at("应写 confirmed 或 unconfirmed")),
            };
            if out.iter().any(|y| y.info.year == year) {
                return Err(at("年份重复"));
            }
            out.push(ShippedYear { info: YearInfo { year, confirmed, note: words.get(3..).unwrap_or_default().join(" ") }, days: vec![] });
            continue;
        }
        let current = out.last_mut().ok_or_else(|| at("日期行之前须有 year 行"))?;
        let first = words.first().and_then(|w| parse_date(w)).ok_or_else(|| at("日期无效"))?;
        let (last, rest) = match words.get(1).and_then(|w| parse_date(w)) {
            Some(d) => (d, words.get(2..).unwrap_or_default()),
            None => (first, words.get(1..).unwrap_or_default()),
        };
        let kind = match rest.first() {
            Some(&"休") => DayKind::Holiday,
            Some(&"班") => DayKind::Workday,
            _ => return Err(at("应写 休 或 班")),
        };
        let name = rest.get(1..).unwrap_or_default().join(" ");
        if name.chars().count() > NAME_MAX {
            return Err(at("名称过长"));
        }
        if first.year() != current.info.year || last.year() != current.info.year || last < first {
            return Err(at("日期不在本年内或起止颠倒"));
        }
        let mut d = first;
        loop {
            check_day(d, kind).map_err(|e| at(&e))?;
            if current.days.iter().any(|s| s.date == d) {
                return Err(at("日期重复"));
            }
            current.days.push(SpecialDay { date: d, kind, name: name.clone() });
            if d >= last {
                break;
            }
            d = d.next_day().ok_or_else(|| at("日期无效"))?;
        }
    }
    for y in &mut out {
        y.days.sort_by_key(|d| d.date);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn cal() -> Calendar {
        shipped_calendar().unwrap()
    }

    #[test]
    fn the_shipped_data_reads_and_holds_2026_and_2027() {
        let years = shipped().unwrap();
        let y: Vec<(i32, bool)> = years.iter().map(|y| (y.info.year, y.info.confirmed)).collect();
        assert_eq!(y, [(2026, true), (2027, false)]);
        assert!(years[0].info.note.contains("国办发明电〔2025〕7号"));
        let c = cal();
        // 2026: 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7 days off; 6 working weekend days
        let count = |kind| c.days_of_year(2026).filter(|d| d.kind == kind).count();
        assert_eq!(count(DayKind::Holiday), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert_eq!(count(DayKind::Workday), 6);
        assert!(c.days_of_year(2026).filter(|d| d.kind == DayKind::Workday).all(|d| is_weekend(d.date)));
        assert_eq!(c.special(date!(2026 - 02 - 15)).map(|d| d.name.as_str()), Some("春节"));
        // 2027: the statutory days alone, no working weekends until the notice
        assert_eq!(c.days_of_year(2027).filter(|d| d.kind == DayKind::Workday).count(), 0);
        assert!(!c.is_workday(date!(2027 - 02 - 08)) && !c.is_workday(date!(2027 - 10 - 05)));
    }

    #[test]
    fn spring_festival_week_2026() {
        let c = cal();
        // 2月14日（周六）上班，15日（周日）至23日（周一）放假，28日（周六）上班
        assert!(c.is_workday(date!(2026 - 02 - 13)));
        assert!(c.is_workday(date!(2026 - 02 - 14)), "Saturday 14 Feb is worked");
        for d in 15..=23 {
            let day = Date::from_calendar_date(2026, Month::February, d).unwrap();
            assert!(!c.is_workday(day), "{day} is off");
        }
        assert!(c.is_workday(date!(2026 - 02 - 24)));
        assert!(c.is_workday(date!(2026 - 02 - 28)), "Saturday 28 Feb is worked");
        assert!(!c.is_workday(date!(2026 - 03 - 01)), "an ordinary Sunday");
        // 15 working days from Tuesday 10 Feb: 11, 12, 13, 14(六) = 4; 24, 25, 26, 27, 28(六) = 9;
        // 2, 3, 4, 5, 6 Mar = 14; Monday 9 Mar = 15
        assert_eq!(c.add_workdays(date!(2026 - 02 - 10), 15), Some(date!(2026 - 03 - 09)));
        // plain weekdays would have said 3 March
        assert_eq!(Calendar::default().add_workdays(date!(2026 - 02 - 10), 15), Some(date!(2026 - 03 - 03)));
        // from the working Saturday: the next working day is after the holiday
        assert_eq!(c.add_workdays(date!(2026 - 02 - 14), 1), Some(date!(2026 - 02 - 24)));
        assert_eq!(c.workdays_between(date!(2026 - 02 - 10), date!(2026 - 03 - 09)), 15);
        assert_eq!(c.workdays_between(date!(2026 - 03 - 09), date!(2026 - 02 - 10)), -15);
    }

    #[test]
    fn national_day_week_2026() {
        let c = cal();
        // 9月20日（周日）上班，10月1日（周四）至7日（周三）放假，10月10日（周六）上班
        assert!(c.is_workday(date!(2026 - 09 - 20)), "Sunday 20 Sep is worked");
        assert!(!c.is_workday(date!(2026 - 09 - 25)), "中秋节");
        for d in 1..=7 {
            let day = Date::from_calendar_date(2026, Month::October, d).unwrap();
            assert!(!c.is_workday(day), "{day} is off");
        }
        assert!(c.is_workday(date!(2026 - 10 - 08)));
        assert!(c.is_workday(date!(2026 - 10 - 10)), "Saturday 10 Oct is worked");
        assert!(!c.is_workday(date!(2026 - 10 - 11)));
        // from Monday 28 Sep: 29, 30 Sep = 2; 8, 9 Oct = 4; Saturday 10 Oct = 5; 12–16 Oct = 10
        assert_eq!(c.add_workdays(date!(2026 - 09 - 28), 5), Some(date!(2026 - 10 - 10)));
        assert_eq!(c.add_workdays(date!(2026 - 09 - 28), 10), Some(date!(2026 - 10 - 16)));
        assert_eq!(c.workdays_between(date!(2026 - 09 - 30), date!(2026 - 10 - 08)), 1);
    }

    #[test]
    fn the_day_of_issue_does_not_count() {
        let c = Calendar::default();
        let monday = date!(2025 - 03 - 03);
        assert_eq!(c.add_workdays(monday, 0), Some(monday));
        assert_eq!(c.add_workdays(monday, 1), Some(date!(2025 - 03 - 04)));
        assert_eq!(c.add_workdays(monday, 5), Some(date!(2025 - 03 - 10)));
        // issued on a Saturday: Monday is the first day
        assert_eq!(c.add_workdays(date!(2025 - 03 - 08), 1), Some(date!(2025 - 03 - 10)));
        assert_eq!(c.workdays_between(monday, monday), 0);
    }

    #[test]
    fn years_without_data_fall_back_to_weekdays_and_say_so() {
        let c = cal();
        let d = c.deadline(date!(2028 - 01 - 28), 5).unwrap();
        assert_eq!(d.date, date!(2028 - 02 - 04));
        assert_eq!(d.unmaintained_years, [2028]);
        assert_eq!(d.notes, ["2028 年未维护节假日，按周一至周五计算"]);
        let d = c.deadline(date!(2027 - 12 - 30), 3).unwrap();
        assert_eq!(d.date, date!(2028 - 01 - 04));
        assert_eq!((d.unmaintained_years.as_slice(), d.unconfirmed_years.as_slice()), (&[2028][..], &[2027][..]));
        assert_eq!(d.notes, ["2028 年未维护节假日，按周一至周五计算", "2027 年节假日安排待国务院通知发布后核对"]);
        let d = c.deadline(date!(2026 - 02 - 10), 15).unwrap();
        assert!(d.notes.is_empty());
        assert_eq!((d.weekday, d.natural_days), ("周一", 27));
    }

    #[test]
    fn dates_and_days_are_checked() {
        assert_eq!(parse_date("2026-02-14"), Some(date!(2026 - 02 - 14)));
        assert_eq!(parse_date("20260214"), Some(date!(2026 - 02 - 14)));
        for bad in ["2026-02-30", "1800-01-01", "2026-2-14", "2026/02/14", "", "2026-02-1x", "202602140", "2026-0214"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(check_day(date!(2026 - 02 - 14), DayKind::Workday).is_ok());
        assert_eq!(check_day(date!(2026 - 02 - 16), DayKind::Workday).unwrap_err(), "2月16日是周一，本就是工作日，不能设为调休上班日");
        assert!(check_day(date!(2026 - 02 - 15), DayKind::Holiday).is_ok());
        let c = Calendar::new([], [SpecialDay { date: date!(2030 - 05 - 01), kind: DayKind::Holiday, name: String::new() }]);
        assert!(c.maintained(2030) && !c.year(2030).unwrap().confirmed);
    }

    #[test]
    fn bad_data_is_refused_with_its_line() {
        assert!(parse_data("2026-01-01 休 元旦").unwrap_err().starts_with("第1行"));
        assert!(parse_data("year 2026 confirmed x\n2026-01-05 班 元旦").unwrap_err().contains("本就是工作日"));
        assert!(parse_data("year 2026 confirmed x\n2027-01-01 休 元旦").is_err());
        assert!(parse_data("year 2026 maybe").is_err());
        assert!(parse_data("year 2026 confirmed x\n2026-01-01 休 a\n2026-01-01 休 b").unwrap_err().contains("重复"));
        assert!(parse_data("year 2026 confirmed x\n2026-01-03 2026-01-01 休 元旦").is_err());
    }
}
