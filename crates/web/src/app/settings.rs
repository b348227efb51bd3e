//! 系统设置 the 系统管理员 changes at run time: deadlines, thresholds, the metrics switch, the
//! dictionaries of 定责 and each background job's timing. The configuration file and the
//! environment give the defaults; a value saved here overrides it from the next use on, without
//! a restart (every reader asks `AppState::settings` at the moment of use, and the job worker
//! builds its timings from it before each run). Every change is validated as a whole — one bad
//! value and nothing is saved — and audited (`setting.update`, with the value before and after).

use std::collections::{BTreeMap, HashMap};

use lianzheng_core::org::Permission;
use lianzheng_store::settings as store;
use serde::Serialize;

use crate::app::system::{Job, Schedule};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::FieldErrors;
use crate::state::AppState;

/// How a setting's value is written and checked.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A whole number within the bounds, in the unit shown after the field.
    Int { min: i64, max: i64, unit: &'static str },
    /// A decimal within the bounds.
    Ratio { min: f64, max: f64 },
    /// A day of the year, "MM-DD".
    MonthDay,
    /// On or off.
    Switch,
    /// A dictionary: one entry a line.
    Lines { max_items: usize, max_chars: usize },
    /// 处分/组织处理影响期: one "党纪处分·警告=12" line per kind (`lianzheng_core::sanction`).
    Periods,
}

/// One setting as people see it.
pub struct Def {
    pub key: String,
    pub group: &'static str,
    pub label: String,
    /// One line: what it does.
    pub help: &'static str,
    pub kind: Kind,
    /// The value from the configuration (the default), in the form's notation.
    pub default: String,
}

const GENERAL: &str = "期限与提醒";
const CHECKS: &str = "检查与运行";
const DICTIONARIES: &str = "字典";
const JOBS: &str = "后台任务时间";

/// 清单事项类别 offered in the forms when no dictionary was saved.
pub const DEFAULT_CATEGORIES: &[&str] = &["组织领导", "一岗双责", "教育", "制度", "监督", "执纪", "问责", "作风"];

/// Every setting: the general ones, then one per registered background job.
pub fn defs(st: &AppState) -> Vec<Def> {
    let p = &st.policy;
    let mut v = vec![
        Def {
            key: "list_deadline".into(),
            group: GENERAL,
            label: "责任清单报备截止日期".into(),
            help: "每年须在此日期（月-日）前报送责任清单，逾期的在全覆盖和待办中标为逾期",
            kind: Kind::MonthDay,
            default: p.list_deadline.clone(),
        },
        Def {
            key: "task_yellow_days".into(),
            group: GENERAL,
            label: "任务临期提示天数".into(),
            help: "任务分工事项距时限不足此天数且未完成时显示为黄色",
            kind: Kind::Int { min: 0, max: 90, unit: "天" },
            default: p.task_yellow_days.to_string(),
        },
        Def {
            key: "task_reminder_days".into(),
            group: GENERAL,
            label: "任务到期提醒提前天数".into(),
            help: "每日到期提醒从时限前此天数起提醒牵头单位和责任单位",
            kind: Kind::Int { min: 0, max: 90, unit: "天" },
            default: st.schedule.task_reminder_days.to_string(),
        },
        Def {
            key: "talk_confirm_days".into(),
            group: GENERAL,
            label: "约谈记录确认天数".into(),
            help: "廉政约谈后超过此天数被约谈人仍未确认（系统内确认或签字扫描件）的，列入约谈检查",
            kind: Kind::Int { min: 1, max: 60, unit: "天" },
            default: crate::app::conduct::talk_flags::CONFIRM_DAYS_DEFAULT.to_string(),
        },
        Def {
            key: "conduct_entry_days".into(),
            group: GENERAL,
            label: "履责纪实录入截止天数".into(),
            help: "每季度结束后此天数内可录入该季度的履责纪实，逾期录入或修改须填写补录原因并标为补录",
            kind: Kind::Int { min: 0, max: 90, unit: "天" },
            default: CONDUCT_ENTRY_DAYS.to_string(),
        },
        Def {
            key: "family_event_days_ahead".into(),
            group: GENERAL,
            label: "婚丧喜庆事宜提前报告天数".into(),
            help: "操办婚嫁、乔迁、升学等事宜须至少提前此天数（自然日）报告，不足的标为未按时报告或事后补报（丧事除外）",
            kind: Kind::Int { min: 0, max: 60, unit: "天" },
            default: crate::app::conduct::family_events::DAYS_AHEAD.to_string(),
        },
        Def {
            key: "family_event_funeral_days".into(),
            group: GENERAL,
            label: "丧事事后报告天数".into(),
            help: "丧事可在办理后报告，超过此天数（自然日）报告的标为逾期报告",
            kind: Kind::Int { min: 0, max: 60, unit: "天" },
            default: crate::app::conduct::family_events::FUNERAL_DAYS.to_string(),
        },
        Def {
            key: "family_event_max_tables".into(),
            group: CHECKS,
            label: "婚丧喜庆事宜宴请桌数上限".into(),
            help: "报告的计划桌数（事后报告的为实际桌数）超过此数的，标为超出规模",
            kind: Kind::Int { min: 1, max: 500, unit: "桌" },
            default: crate::app::conduct::family_events::MAX_TABLES.to_string(),
        },
        Def {
            key: "family_event_max_guests".into(),
            group: CHECKS,
            label: "婚丧喜庆事宜宴请人数上限".into(),
            help: "报告的计划人数（事后报告的为实际人数）超过此数的，标为超出规模",
            kind: Kind::Int { min: 1, max: 5000, unit: "人" },
            default: crate::app::conduct::family_events::MAX_GUESTS.to_string(),
        },
        Def {
            key: "sanction_periods".into(),
            group: CHECKS,
            label: "处分与组织处理影响期".into(),
            help: "每行“种类=月数”，如“党纪处分·警告=12”；0 为无影响期，“不限”为长期。廉政档案、追责、信访及廉洁意见回复共用",
            kind: Kind::Periods,
            default: lianzheng_core::sanction::Periods::default_text(),
        },
        Def {
            key: "letter_threshold".into(),
            group: CHECKS,
            label: "雷同检查相似度阈值".into(),
            help: "两份责任书本人内容的相似度达到此值（0.30～0.99）即提示雷同，越小越严",
            kind: Kind::Ratio { min: 0.3, max: 0.99 },
            default: format!("{:.2}", p.letter_threshold),
        },
        Def {
            key: "statement_threshold".into(),
            group: CHECKS,
            label: "述责述廉报告雷同阈值".into(),
            help: "述责述廉报告与同年其他报告或本人往年报告的相似度达到此值（0.30～0.99）即提示雷同",
            kind: Kind::Ratio { min: 0.3, max: 0.99 },
            default: format!("{:.2}", crate::app::conduct::statements::DEFAULT_THRESHOLD),
        },
        Def {
            key: "metrics_enabled".into(), group: CHECKS, label: "运行指标接口".into(), help: "开启后可在本机访问 /metrics 读取运行指标（只接受本机请求）", kind: Kind::Switch, default: switch(p.metrics_enabled)
        },
        Def {
            key: "list_categories".into(),
            group: DICTIONARIES,
            label: "清单事项类别".into(),
            help: "填写责任清单、共性清单内容时可选的类别，每行一个（仍可填写其他类别）",
            kind: Kind::Lines { max_items: 50, max_chars: 20 },
            default: DEFAULT_CATEGORIES.join("\n"),
        },
        Def {
            key: "notice_days".into(),
            group: GENERAL,
            label: "抄告单、整改建议书反馈期限".into(),
            help: "发出抄告单或整改建议书时默认的反馈期限，按工作日计算（节假日不计），发出时可另行填写",
            kind: Kind::Int { min: 1, max: 60, unit: "个工作日" },
            default: NOTICE_DAYS.to_string(),
        },
        Def {
            key: "notice_prefix_cc".into(),
            group: DICTIONARIES,
            label: "抄告单文号前缀".into(),
            help: "抄告单按年度编号，文号为“前缀〔年度〕序号号”，如 某纪抄〔2026〕3号；只填一行",
            kind: Kind::Lines { max_items: 1, max_chars: 12 },
            default: NOTICE_PREFIX_CC.into(),
        },
        Def {
            key: "notice_prefix_advice".into(),
            group: DICTIONARIES,
            label: "整改建议书文号前缀".into(),
            help: "整改建议书按年度编号，文号为“前缀〔年度〕序号号”，如 某纪建〔2026〕1号；只填一行",
            kind: Kind::Lines { max_items: 1, max_chars: 12 },
            default: NOTICE_PREFIX_ADVICE.into(),
        },
    ];
    for job in crate::modules::jobs() {
        let t = &job.timing;
        v.push(Def { key: job_key(job), group: JOBS, label: format!("{}：{}", job.label, t.label), help: t.help, kind: Kind::Int { min: t.min, max: t.max, unit: t.unit }, default: (t.get)(&st.schedule).to_string() });
    }
    v
}

fn job_key(job: &Job) -> String {
    format!("job.{}", job.kind)
}

fn switch(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

/// The value in force: the saved one when it still reads, else the default.
fn current(st: &AppState, d: &Def) -> String {
    st.settings.get(&d.key).and_then(|v| check(d, &v).ok()).unwrap_or_else(|| d.default.clone())
}

/// The value normalised, or the Chinese reason it is refused.
fn check(d: &Def, raw: &str) -> Result<String, String> {
    let v = raw.trim();
    match d.kind {
        Kind::Int { min, max, unit } => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
            _ => Err(format!("请填写 {min}～{max} 之间的整数（{unit}）")),
        },
        Kind::Ratio { min, max } => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= min && x <= max => Ok(format!("{x:.2}")),
            _ => Err(format!("请填写 {min:.2}～{max:.2} 之间的小数")),
        },
        Kind::MonthDay => {
            let ok = v.split_once('-').and_then(|(m, d)| Some((m.parse::<u8>().ok()?, d.parse::<u8>().ok()?))).and_then(|(m, d)| {
                let month = time::Month::try_from(m).ok()?;
                // 2024 is a leap year: 02-29 is a real day, it falls back to 02-28 in other years
                time::Date::from_calendar_date(2024, month, d).ok().map(|_| format!("{m:02}-{d:02}"))
            });
            ok.filter(|_| v.len() <= 5).ok_or_else(|| "请按“月-日”填写，如 03-31".to_string())
        }
        Kind::Switch => match v {
            "on" | "true" | "1" | "开启" => Ok("on".into()),
            "off" | "false" | "0" | "关闭" => Ok("off".into()),
            _ => Err("请选择开启或关闭".into()),
        },
        Kind::Lines { max_items, max_chars } => {
            let mut items: Vec<&str> = Vec::new();
            for line in v.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if line.chars().count() > max_chars {
                    return Err(format!("“{line}”超过 {max_chars} 个字"));
                }
                if !items.contains(&line) {
                    items.push(line);
                }
            }
            if items.is_empty() {
                return Err("请至少填写一项".into());
            }
            if items.len() > max_items {
                return Err(format!("最多 {max_items} 项"));
            }
            Ok(items.join("\n"))
        }
        Kind::Periods => lianzheng_core::sanction::Periods::parse(v).map(|p| p.to_text()),
    }
}

/// A setting with its value in force, for the page and the API.
#[derive(Serialize, Clone, Debug)]
pub struct View {
    pub key: String,
    pub group: &'static str,
    pub label: String,
    pub help: &'static str,
    /// int, ratio, month_day, switch or lines
    pub kind: &'static str,
    pub unit: &'static str,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub default: String,
    pub value: String,
    /// Saved here (false: the configuration's default applies).
    pub changed: bool,
}

impl View {
    /// The default as people read it.
    pub fn default_shown(&self) -> String {
        match self.kind {
            "switch" => if self.default == "on" { "开启" } else { "关闭" }.to_string(),
            "lines" => self.default.replace('\n', "、"),
            _ => format!("{}{}", self.default, self.unit),
        }
    }
    /// Rows for a dictionary's text area.
    pub fn rows(&self) -> usize {
        self.value.lines().count().clamp(4, 12)
    }
}

fn view(st: &AppState, d: &Def) -> View {
    let (kind, unit, min, max) = match d.kind {
        Kind::Int { min, max, unit } => ("int", unit, Some(min as f64), Some(max as f64)),
        Kind::Ratio { min, max } => ("ratio", "", Some(min), Some(max)),
        Kind::MonthDay => ("month_day", "", None, None),
        Kind::Switch => ("switch", "", None, None),
        Kind::Lines { .. } | Kind::Periods => ("lines", "", None, None),
    };
    View { key: d.key.clone(), group: d.group, label: d.label.clone(), help: d.help, kind, unit, min, max, default: d.default.clone(), value: current(st, d), changed: st.settings.get(&d.key).is_some() }
}

/// Every setting in force (系统管理员).
pub async fn list(st: &AppState, p: &Principal) -> AppResult<Vec<View>> {
    p.require(Permission::ManageSettings)?;
    Ok(defs(st).iter().map(|d| view(st, d)).collect())
}

/// Saves the given settings (key → value; keys not given stay as they are). Any bad value or
/// unknown key refuses the whole change with a reason per field; nothing is saved then. Each
/// value that differs from the one in force is stored and audited; jobs whose timing changed
/// are rescheduled at once. Returns the keys changed.
pub async fn update(st: &AppState, p: &Principal, input: &BTreeMap<String, String>) -> AppResult<Vec<String>> {
    p.require(Permission::ManageSettings)?;
    let defs = defs(st);
    let mut errors = FieldErrors::new();
    let mut changes = Vec::new();
    for (key, raw) in input {
        let Some(d) = defs.iter().find(|d| &d.key == key) else {
            errors.insert(key.clone(), format!("没有名为 {key} 的设置项"));
            continue;
        };
        match check(d, raw) {
            Ok(v) if v != current(st, d) => changes.push((d.key.clone(), v)),
            Ok(_) => {}
            Err(m) => {
                errors.insert(key.clone(), format!("{}：{m}", d.label));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid { message: "设置未保存：请修改标红的项目".into(), fields: errors });
    }
    if changes.is_empty() {
        return Ok(vec![]);
    }
    let actor = p.actor();
    let mut tx = st.db.begin().await?;
    for (key, value) in &changes {
        store::set(&mut tx, &actor, key, value).await?;
    }
    tx.commit().await?;
    refresh(st).await?;
    // a job whose timing changed runs next by the new timing, not the one it was scheduled by
    let schedule = schedule(st);
    for job in crate::modules::jobs() {
        if changes.iter().any(|(k, _)| *k == job_key(job) || (k == "task_reminder_days" && job.kind == "task_reminders")) {
            lianzheng_store::jobs::reschedule(&st.db, job.kind, (job.timing.next)(&schedule)).await?;
        }
    }
    Ok(changes.into_iter().map(|(k, _)| k).collect())
}

/// Re-reads the stored settings into this node's copy.
pub async fn refresh(st: &AppState) -> AppResult<()> {
    let values: HashMap<String, String> = store::all(&st.db).await?.into_iter().collect();
    st.settings.replace(values);
    Ok(())
}

/// Keeps this node's copy current when another node saves (every few seconds).
pub async fn refresh_loop(st: AppState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        if let Err(e) = refresh(&st).await {
            tracing::warn!(error = ?e, "settings refresh failed");
        }
    }
}

fn int(st: &AppState, key: &str, default: i64) -> i64 {
    st.settings.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The jobs' timings in force: the configuration's, with the saved ones applied.
pub fn schedule(st: &AppState) -> Schedule {
    let mut s = (*st.schedule).clone();
    s.task_reminder_days = int(st, "task_reminder_days", s.task_reminder_days);
    for job in crate::modules::jobs() {
        if let Some(v) = st.settings.get(&job_key(job)).and_then(|v| v.parse::<i64>().ok()).filter(|v| (job.timing.min..=job.timing.max).contains(v)) {
            (job.timing.set)(&mut s, v);
        }
    }
    s
}

/// 责任清单 must be filed by this day of the year ("MM-DD").
pub fn list_deadline(st: &AppState) -> String {
    st.settings.get("list_deadline").filter(|v| v.len() == 5).unwrap_or_else(|| st.policy.list_deadline.clone())
}

pub fn task_yellow_days(st: &AppState) -> i64 {
    int(st, "task_yellow_days", st.policy.task_yellow_days)
}

/// 廉政约谈: days an interviewee has to confirm the record before it is flagged.
pub fn talk_confirm_days(st: &AppState) -> i64 {
    int(st, "talk_confirm_days", crate::app::conduct::talk_flags::CONFIRM_DAYS_DEFAULT)
}

/// 履责纪实: days after a quarter's end during which its records are entered without 补录.
pub const CONDUCT_ENTRY_DAYS: i64 = 10;

pub fn conduct_entry_days(st: &AppState) -> i64 {
    int(st, "conduct_entry_days", CONDUCT_ENTRY_DAYS)
}

/// 抄告单、整改建议书: the answer's limit unless the notice says otherwise (工作日).
pub const NOTICE_DAYS: i64 = 10;
const NOTICE_PREFIX_CC: &str = "某纪抄";
const NOTICE_PREFIX_ADVICE: &str = "某纪建";

pub fn notice_days(st: &AppState) -> i64 {
    int(st, "notice_days", NOTICE_DAYS).clamp(1, 60)
}

/// The 文号 prefix of a kind of notice (cc: 抄告单, advice: 整改建议书).
pub fn notice_prefix(st: &AppState, kind: &str) -> String {
    let (key, default) = if kind == "advice" { ("notice_prefix_advice", NOTICE_PREFIX_ADVICE) } else { ("notice_prefix_cc", NOTICE_PREFIX_CC) };
    st.settings.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty() && !v.contains('\n')).unwrap_or_else(|| default.to_string())
}

pub fn letter_threshold(st: &AppState) -> f64 {
    st.settings.get("letter_threshold").and_then(|v| v.parse().ok()).unwrap_or(st.policy.letter_threshold)
}

/// 述责述廉: the copy check's threshold (a best match at or above it is flagged).
pub fn statement_threshold(st: &AppState) -> f64 {
    st.settings.get("statement_threshold").and_then(|v| v.parse().ok()).unwrap_or(crate::app::conduct::statements::DEFAULT_THRESHOLD)
}

pub fn metrics_enabled(st: &AppState) -> bool {
    st.settings.get("metrics_enabled").map_or(st.policy.metrics_enabled, |v| v == "on")
}

/// 婚丧喜庆事宜: (days ahead a report is due, days after a funeral, max tables, max guests).
pub fn family_event_limits(st: &AppState) -> (i64, i64, i64, i64) {
    use crate::app::conduct::family_events as f;
    (int(st, "family_event_days_ahead", f::DAYS_AHEAD), int(st, "family_event_funeral_days", f::FUNERAL_DAYS), int(st, "family_event_max_tables", f::MAX_TABLES), int(st, "family_event_max_guests", f::MAX_GUESTS))
}

/// 处分与组织处理影响期 in force (the defaults when none was saved or it no longer reads).
pub fn sanction_periods(st: &AppState) -> lianzheng_core::sanction::Periods {
    st.settings.get("sanction_periods").and_then(|v| lianzheng_core::sanction::Periods::parse(&v).ok()).unwrap_or_default()
}

/// 清单事项类别, for the forms' suggestions.
pub fn list_categories(st: &AppState) -> Vec<String> {
    match st.settings.get("list_categories") {
        Some(v) => v.lines().map(str::to_string).collect(),
        None => DEFAULT_CATEGORIES.iter().map(|s| s.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Def, Kind, check};

    fn def(kind: Kind) -> Def {
        Def { key: "k".into(), group: "", label: "项".into(), help: "", kind, default: String::new() }
    }

    #[test]
    fn values_are_checked_and_normalised() {
        let md = def(Kind::MonthDay);
        assert_eq!(check(&md, " 4-30 ").as_deref(), Ok("04-30"));
        assert_eq!(check(&md, "02-29").as_deref(), Ok("02-29"));
        for bad in ["02-30", "13-01", "0331", "三月", "", "03-31-1"] {
            assert!(check(&md, bad).is_err(), "{bad}");
        }
        let n = def(Kind::Int { min: 0, max: 90, unit: "天" });
        assert_eq!(check(&n, "07").as_deref(), Ok("7"));
        assert_eq!(check(&n, "91").unwrap_err(), "请填写 0～90 之间的整数（天）");
        assert!(check(&n, "1.5").is_err());
        let r = def(Kind::Ratio { min: 0.3, max: 0.99 });
        assert_eq!(check(&r, "0.8").as_deref(), Ok("0.80"));
        assert!(check(&r, "NaN").is_err() && check(&r, "1").is_err());
        let s = def(Kind::Switch);
        assert_eq!(check(&s, "开启").as_deref(), Ok("on"));
        assert!(check(&s, "maybe").is_err());
        let l = def(Kind::Lines { max_items: 3, max_chars: 4 });
        assert_eq!(check(&l, "监督\r\n\n 问责 \n监督").as_deref(), Ok("监督\n问责"));
        assert!(check(&l, "  \n").is_err());
        assert!(check(&l, "一二三四五").is_err());
        assert!(check(&l, "a\nb\nc\nd").is_err());
    }
}
