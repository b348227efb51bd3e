//! The 八项规定 self-check statistics table (seed 001 附件2 "落实中央八项规定精神……自查统计表"):
//! one per unit per campaign, entered once by the unit's 党务 staff or 书记, validated (whole
//! counts, amounts in 元 with at most two decimals, an amount never without its count), read by
//! whoever reads the unit's self-check, and exported as XLSX — one unit, or every unit of the
//! campaign for the organiser.

use std::collections::BTreeMap;

use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::inspection::selfchecks as store;
use serde::Serialize;
use serde_json::json;

use super::super::campaigns::{self, UnitView};
use super::writes;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, text};
use crate::state::AppState;

/// The table's fields: (code, group, label, unit of measure). Counts are whole numbers; 元 and
/// 平方米 allow two decimals.
pub const FIELDS: &[(&str, &str, &str, &str)] = &[
    ("reception_batches", "公务接待", "批次", "批次"),
    ("reception_people", "公务接待", "人次", "人次"),
    ("reception_amount", "公务接待", "费用", "元"),
    ("cars_count", "公务用车", "车辆数", "辆"),
    ("cars_cost", "公务用车", "运行维护费", "元"),
    ("abroad_batches", "因公出国（境）", "批次", "批次"),
    ("abroad_people", "因公出国（境）", "人次", "人次"),
    ("abroad_amount", "因公出国（境）", "费用", "元"),
    ("office_over", "办公用房", "超标准面积", "平方米"),
    ("office_fixed", "办公用房", "已整改面积", "平方米"),
    ("meetings_count", "会议", "次数", "次"),
    ("meetings_amount", "会议", "费用", "元"),
    ("trainings_count", "培训", "次数", "次"),
    ("trainings_amount", "培训", "费用", "元"),
    ("allowance_cases", "违规发放津补贴", "问题数", "个"),
    ("allowance_amount", "违规发放津补贴", "金额", "元"),
    ("dining_cases", "违规公款吃喝", "问题数", "个"),
    ("gifts_cases", "违规收送礼品礼金", "问题数", "个"),
    ("events_cases", "违规操办婚丧喜庆事宜", "问题数", "个"),
    ("found_problems", "本年度自查发现问题", "问题数", "个"),
    ("handled_people", "本年度自查发现问题", "处理人数", "人"),
];

/// An amount and the count it belongs to: an amount without its count is refused.
const PAIRS: &[(&str, &str)] = &[
    ("reception_amount", "reception_batches"),
    ("abroad_amount", "abroad_batches"),
    ("meetings_amount", "meetings_count"),
    ("trainings_amount", "trainings_count"),
    ("allowance_amount", "allowance_cases"),
    ("cars_cost", "cars_count"),
];
const NOTE_MAX: usize = 2000;
const VALUE_MAX: f64 = 1.0e12;

fn decimal(unit: &str) -> bool {
    matches!(unit, "元" | "平方米")
}

/// The table as the caller sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FrugalityView {
    pub unit: UnitView,
    /// By field code, as saved (blank: not entered).
    pub values: BTreeMap<String, String>,
    pub note: String,
    pub version: i64,
    pub entered: bool,
    pub can_write: bool,
}

impl FrugalityView {
    pub fn value(&self, code: &str) -> &str {
        self.values.get(code).map_or("", String::as_str)
    }
}

/// The table of a unit: whoever sees the unit's part reads it; 404 otherwise.
pub async fn get(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<FrugalityView> {
    let unit = campaigns::unit(st, p, unit_id).await?;
    let row = store::frugality(&st.db, unit_id).await?;
    let values = row.as_ref().map(|r| parse(&r.data)).unwrap_or_default();
    let can_write = unit.campaign.status == "open" && writes(p, &unit.unit.org_path);
    Ok(FrugalityView { note: row.as_ref().and_then(|r| r.note.clone()).unwrap_or_default(), version: row.as_ref().map_or(0, |r| r.version), entered: row.is_some(), values, can_write, unit })
}

fn parse(data: &str) -> BTreeMap<String, String> {
    serde_json::from_str::<BTreeMap<String, serde_json::Value>>(data)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

/// The form as typed: the version, the note and each field's text (by code).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrugalityForm {
    pub version: String,
    pub note: String,
    pub values: BTreeMap<String, String>,
}

impl FrugalityForm {
    /// From a page form's pairs or a JSON object's members (numbers or texts).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> FrugalityForm {
        let mut f = FrugalityForm::default();
        for (k, v) in pairs {
            match k {
                "version" => f.version = v,
                "note" => f.note = v,
                k if FIELDS.iter().any(|x| x.0 == k) => {
                    f.values.insert(k.to_string(), v);
                }
                _ => {}
            }
        }
        f
    }
    pub fn from_json(v: &serde_json::Value) -> FrugalityForm {
        let Some(m) = v.as_object() else { return FrugalityForm::default() };
        FrugalityForm::from_pairs(m.iter().map(|(k, v)| {
            (
                k.as_str(),
                match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                },
            )
        }))
    }
    pub fn of(v: &FrugalityView) -> FrugalityForm {
        FrugalityForm { version: v.version.to_string(), note: v.note.clone(), values: v.values.clone() }
    }
    pub fn value(&self, code: &str) -> &str {
        self.values.get(code).map_or("", String::as_str)
    }
}

/// Checks the figures: every field a number ≥ 0 (blank = 0), whole for counts, at most two
/// decimals for 元 and 平方米; an amount needs its count; 人次 not below 批次.
pub fn check(f: &FrugalityForm) -> Result<BTreeMap<String, String>, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = BTreeMap::new();
    let mut nums: BTreeMap<&str, f64> = BTreeMap::new();
    for (code, group, label, unit) in FIELDS {
        let raw = f.value(code).trim().replace([',', '，'], "");
        let raw = if raw.is_empty() { "0".to_string() } else { raw };
        let name = format!("{group}{label}");
        let ok = match raw.parse::<f64>() {
            Ok(n) if !(0.0..=VALUE_MAX).contains(&n) || !n.is_finite() => Err(format!("{name}应为 0 或正数")),
            Ok(_) if !decimal(unit) && raw.contains('.') => Err(format!("{name}应为整数")),
            Ok(_) if decimal(unit) && raw.split_once('.').is_some_and(|(_, d)| d.len() > 2) => Err(format!("{name}最多保留两位小数")),
            Ok(n) => Ok(n),
            Err(_) => Err(format!("{name}应为数字（单位：{unit}）")),
        };
        match ok {
            Ok(n) => {
                nums.insert(code, n);
                out.insert(code.to_string(), raw);
            }
            Err(m) => {
                e.insert(code.to_string(), m);
            }
        }
    }
    let label = |code: &str| FIELDS.iter().find(|x| x.0 == code).map(|x| format!("{}{}", x.1, x.2)).unwrap_or_default();
    for (amount, count) in PAIRS {
        if nums.get(amount).is_some_and(|a| *a > 0.0) && nums.get(count).is_some_and(|c| *c == 0.0) && !e.contains_key(*count) {
            e.insert(count.to_string(), format!("填了{}，请同时填写{}", label(amount), label(count)));
        }
    }
    for (people, batches) in [("reception_people", "reception_batches"), ("abroad_people", "abroad_batches")] {
        if nums.get(people).copied().unwrap_or(0.0) < nums.get(batches).copied().unwrap_or(0.0) && !e.contains_key(people) {
            e.insert(people.to_string(), format!("{}不应少于{}", label(people), label(batches)));
        }
    }
    if nums.get("office_fixed").copied().unwrap_or(0.0) > nums.get("office_over").copied().unwrap_or(0.0) && !e.contains_key("office_fixed") {
        e.insert("office_fixed".into(), "已整改面积不应大于超标准面积".into());
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// Saves the table (first entry at version 0; then the version read, a stale one is a 409).
pub async fn save(st: &AppState, p: &Principal, unit_id: i64, f: &FrugalityForm) -> AppResult<FrugalityView> {
    let v = get(st, p, unit_id).await?;
    if !writes(p, &v.unit.unit.org_path) {
        return Err(AppError::Forbidden);
    }
    if v.unit.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能填写统计表".into()));
    }
    let version = match f.version.trim() {
        "" => 0,
        s => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| AppError::field("version", "版本号无效，请刷新页面后重试"))?,
    };
    let mut e = match check(f) {
        Ok(_) => FieldErrors::new(),
        Err(e) => e,
    };
    let note = text(&mut e, "note", "说明", &f.note, NOTE_MAX, false);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let values = check(f).map_err(into_error)?;
    let data = json!(values).to_string();
    let mut tx = st.db.begin().await?;
    store::save_frugality(&mut tx, &p.actor(), unit_id, version, &data, note.as_deref(), Some(p.user.id.get())).await?;
    tx.commit().await?;
    get(st, p, unit_id).await
}

fn columns() -> Vec<Column> {
    let mut c = vec![Column { header: "单位".into(), width: Some(24.0), text: false }];
    c.extend(FIELDS.iter().map(|(_, g, l, u)| Column { header: format!("{g}\n{l}（{u}）"), width: Some(12.0), text: false }));
    c.push(Column { header: "说明".into(), width: Some(30.0), text: false });
    c
}

fn row(name: &str, values: &BTreeMap<String, String>, note: &str) -> Vec<String> {
    let mut r = vec![name.to_string()];
    r.extend(FIELDS.iter().map(|(code, ..)| values.get(*code).cloned().unwrap_or_default()));
    r.push(note.to_string());
    r
}

fn title(c: &campaigns::Campaign) -> String {
    format!("{}年落实中央八项规定精神自查统计表", c.year)
}

/// One unit's table as XLSX.
pub async fn export_unit(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<(String, Vec<u8>)> {
    let v = get(st, p, unit_id).await?;
    let rows = vec![row(&v.unit.unit.org_name, &v.values, &v.note)];
    let bytes = write_tables(&[Table { title: Some(title(&v.unit.campaign)), sheet_name: "自查统计表".into(), columns: columns(), rows }]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    p.log_read(st, "inspection_frugality.export", "inspection_unit", Some(unit_id.to_string()), json!({})).await?;
    Ok((format!("{}（{}）.xlsx", title(&v.unit.campaign), v.unit.unit.org_name), bytes))
}

/// Every unit's table of a campaign as XLSX (the organiser; units not yet entered are blank).
pub async fn export_campaign(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<(String, Vec<u8>)> {
    p.require(lianzheng_core::org::Permission::ManageInspection)?;
    let v = campaigns::get(st, p, campaign_id).await?;
    if !v.can_manage {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<Vec<String>> =
        store::frugality_of_campaign(&st.db, campaign_id).await?.into_iter().map(|(_, name, data, note)| row(&name, &data.as_deref().map(parse).unwrap_or_default(), note.as_deref().unwrap_or_default())).collect();
    let n = rows.len();
    let bytes = write_tables(&[Table { title: Some(title(&v.campaign)), sheet_name: "自查统计表".into(), columns: columns(), rows }]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    p.log_read(st, "inspection_frugality.export", "inspection_campaign", Some(campaign_id.to_string()), json!({"rows": n})).await?;
    Ok((format!("{}（汇总）.xlsx", title(&v.campaign)), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&'static str, &str)]) -> FrugalityForm {
        FrugalityForm::from_pairs(pairs.iter().map(|(k, v)| (*k, v.to_string())))
    }

    #[test]
    fn figures_are_checked_as_the_table_reads_them() {
        assert!(check(&form(&[])).is_ok(), "blank is nought");
        assert!(check(&form(&[("reception_batches", "3"), ("reception_people", "12"), ("reception_amount", "1,280.50")])).is_ok());
        let e = check(&form(&[("reception_amount", "100")])).err().unwrap_or_default();
        assert!(e.contains_key("reception_batches"), "an amount needs its count");
        let e = check(&form(&[("meetings_count", "1.5"), ("cars_cost", "1.234"), ("dining_cases", "-1"), ("gifts_cases", "abc")])).err().unwrap_or_default();
        assert_eq!(e.len(), 4);
        let e = check(&form(&[("abroad_batches", "2"), ("abroad_people", "1")])).err().unwrap_or_default();
        assert!(e.contains_key("abroad_people"));
    }
}
