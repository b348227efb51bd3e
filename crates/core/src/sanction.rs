//! 处分 and 组织处理: the kinds a person may be given and their 影响期 (influence period, the
//! time during which he is not promoted; DOMAIN.md "追责"). The periods are one setting
//! (`sanction_periods`, one line per kind, "党纪处分·警告=12") that every module registering a
//! punishment reuses — the 廉政档案 by hand today, 追责 and 信访 later — so the defaults below
//! are only what applies until the 系统管理员 saves another value.

use time::Date;

/// The categories, as (code, label).
pub const CATEGORIES: &[(&str, &str)] = &[("party", "党纪处分"), ("government", "政务处分"), ("organizational", "组织处理")];

/// One kind of 处分 or 组织处理.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub category: &'static str,
    pub code: &'static str,
    pub label: &'static str,
    /// The default 影响期 in months; 0: none (the record stands but blocks nothing);
    /// [`NO_END`]: no end (开除).
    pub months: i64,
}

/// A period that does not end (开除党籍 readmission aside, 开除 ends the post itself).
pub const NO_END: i64 = -1;

const fn k(category: &'static str, code: &'static str, label: &'static str, months: i64) -> Kind {
    Kind { category, code, label, months }
}

/// Every kind. 党纪处分 after 中国共产党纪律处分条例 art. 10 (警告 1 year, 严重警告 18 months,
/// 撤销党内职务 2 years, 开除党籍 5 years before readmission); 留党察看 runs for the case's own
/// 察看期 (1 or 2 years, given when it is registered) plus the months here [verify]; 政务处分
/// after 公职人员政务处分法 art. 8; 组织处理: 诫勉 6 months, 调整职务/免职/责令辞职 12,
/// 降职 24 [verify]; 通报 and 责令检查 carry no period.
pub const KINDS: &[Kind] = &[
    k("party", "warning", "警告", 12),
    k("party", "serious_warning", "严重警告", 18),
    k("party", "removal", "撤销党内职务", 24),
    k("party", "probation", "留党察看", 0),
    k("party", "expulsion", "开除党籍", 60),
    k("government", "warning", "警告", 6),
    k("government", "demerit", "记过", 12),
    k("government", "major_demerit", "记大过", 18),
    k("government", "demotion", "降级", 24),
    k("government", "dismissal", "撤职", 24),
    k("government", "expulsion", "开除", NO_END),
    k("organizational", "admonition", "诫勉", 6),
    k("organizational", "notice", "通报批评", 0),
    k("organizational", "self_check", "责令检查", 0),
    k("organizational", "adjust", "调整职务", 12),
    k("organizational", "suspend", "停职检查", 0),
    k("organizational", "resign", "责令辞职", 12),
    k("organizational", "dismiss", "免职", 12),
    k("organizational", "demote", "降职", 24),
];

pub fn category_label(code: &str) -> &'static str {
    CATEGORIES.iter().find(|c| c.0 == code).map_or("", |c| c.1)
}

pub fn find(category: &str, code: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.category == category && k.code == code)
}

impl Kind {
    /// "党纪处分·警告": the setting's key and what pages show.
    pub fn full_label(&self) -> String {
        format!("{}·{}", category_label(self.category), self.label)
    }
}

/// The periods in force, in months per kind (same order as [`KINDS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periods(Vec<i64>);

impl Default for Periods {
    fn default() -> Self {
        Periods(KINDS.iter().map(|k| k.months).collect())
    }
}

impl Periods {
    /// The setting's default text, one "党纪处分·警告=12" line per kind ("不限" for no end).
    pub fn default_text() -> String {
        Periods::default().to_text()
    }

    pub fn to_text(&self) -> String {
        KINDS.iter().zip(&self.0).map(|(k, m)| format!("{}={}", k.full_label(), if *m == NO_END { "不限".to_string() } else { m.to_string() })).collect::<Vec<_>>().join("\n")
    }

    /// Reads a saved value: kinds not named keep their default. Any line that does not read
    /// (unknown kind, months not 0…240 or 不限) is refused with its reason.
    pub fn parse(text: &str) -> Result<Periods, String> {
        let mut p = Periods::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (key, value) = line.split_once(['=', '＝']).ok_or_else(|| format!("“{line}”应写成“党纪处分·警告=12”（月）"))?;
            let key = key.trim().replace(['.', '/', '／', '・'], "·");
            let i = KINDS.iter().position(|k| k.full_label() == key).ok_or_else(|| format!("没有名为“{}”的处分或组织处理种类", key))?;
            let v = value.trim().trim_end_matches("个月").trim_end_matches('月');
            p.0[i] = match v {
                "不限" | "长期" => NO_END,
                _ => match v.parse::<i64>() {
                    Ok(n) if (0..=240).contains(&n) => n,
                    _ => return Err(format!("“{line}”的影响期应为 0～240 之间的月数或“不限”")),
                },
            };
        }
        Ok(p)
    }

    /// Months of the kind (its default when the kind is unknown to this table).
    pub fn months(&self, kind: &Kind) -> i64 {
        KINDS.iter().position(|k| k == kind).and_then(|i| self.0.get(i).copied()).unwrap_or(kind.months)
    }
}

/// The same day `months` later, or the month's last day when it has none (01-31 + 1 → 02-28).
pub fn add_months(d: Date, months: i64) -> Date {
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = time::Month::try_from(u8::try_from(m).unwrap_or(1)).unwrap_or(time::Month::January);
    let year = i32::try_from(y).unwrap_or(d.year());
    let mut day = d.day();
    loop {
        if let Ok(x) = Date::from_calendar_date(year, month, day) {
            return x;
        }
        if day <= 28 {
            return d;
        }
        day -= 1;
    }
}

/// The influence period of a record: its last day is the day before the same date `months`
/// after the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Influence {
    /// No influence period (通报, 责令检查, or a kind set to 0).
    None,
    /// In force up to and including this day.
    Until(Date),
    /// Without end (开除).
    NoEnd,
}

pub fn influence(from: Date, months: i64) -> Influence {
    match months {
        NO_END => Influence::NoEnd,
        m if m <= 0 => Influence::None,
        m => Influence::Until(add_months(from, m).previous_day().unwrap_or(from)),
    }
}

impl Influence {
    /// Whether the period still runs on `on`.
    pub fn active_on(self, on: Date) -> bool {
        match self {
            Influence::None => false,
            Influence::Until(d) => on <= d,
            Influence::NoEnd => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_read_and_refuse() {
        let p = Periods::parse("党纪处分·警告=6\n政务处分/记过 = 24个月\n").unwrap();
        assert_eq!(p.months(find("party", "warning").unwrap()), 6);
        assert_eq!(p.months(find("government", "demerit").unwrap()), 24);
        assert_eq!(p.months(find("party", "serious_warning").unwrap()), 18, "not named: the default");
        assert_eq!(Periods::parse(&Periods::default_text()).unwrap(), Periods::default());
        assert!(Periods::parse("党纪处分·罚款=6").is_err());
        assert!(Periods::parse("党纪处分·警告=三").is_err());
        assert!(Periods::parse("党纪处分·警告").is_err());
        assert!(Periods::parse("党纪处分·警告=999").is_err());
    }

    #[test]
    fn influence_ends_the_day_before_the_same_date() {
        let i = influence(date!(2026 - 01 - 15), 6);
        assert_eq!(i, Influence::Until(date!(2026 - 07 - 14)));
        assert!(i.active_on(date!(2026 - 07 - 14)));
        assert!(!i.active_on(date!(2026 - 07 - 15)));
        assert_eq!(influence(date!(2026 - 08 - 31), 6), Influence::Until(date!(2027 - 02 - 27)));
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert!(!influence(date!(2026 - 01 - 15), 0).active_on(date!(2026 - 01 - 15)));
        assert!(influence(date!(2020 - 01 - 15), NO_END).active_on(date!(2099 - 01 - 01)));
    }
}
