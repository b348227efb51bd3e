//! 廉政考试 use cases: the question bank (XLSX import with row errors), papers drawn by rule,
//! timed attempts on a phone with answers saved as they are given, automatic scoring, results
//! per person and unit (XLSX), and the 任前廉政考试 offered to newly appointed leaders.
//!
//! Who does what: the 纪委 and the units' 党务 staff (ManageExams) keep banks and papers and read
//! results in their scope; a bank of an organisation is usable by the papers of its subtree (the
//! county's by every unit). A taker is a signed-in account linked to a person (`users.person_id`)
//! whom a paper names (by unit or person, or as a new leader): he sees only his own attempts, and
//! a question's answer reaches him only after he has submitted.

use std::collections::{BTreeMap, HashMap};

use lianzheng_core::ids::{AttemptId, OrgId, PaperId, PersonId, QuestionId};
use lianzheng_core::org::{Permission, Scope};
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::conduct::exams as store;
pub use lianzheng_store::conduct::exams::{Attempt, Paper, PersonResult, Question, TABLES, Taker};
use serde::{Deserialize, Deserializer, Serialize};

use crate::app::duty::tasks::lenient_list;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::split_list;
use crate::forms::{FieldErrors, into_error, lenient};
use crate::state::AppState;

/// 任前廉政考试 is offered to a person whose leadership post (书记, 副书记, 班子成员, 纪委书记)
/// started within this many days.
pub const PRE_APPOINTMENT_DAYS: i64 = 90;
/// Seconds after the time limit in which an answer is still taken (the network's delay).
pub const GRACE_SECS: i64 = 30;
pub const STEM_MAX: usize = 1000;
pub const OPTION_MAX: usize = 300;
pub const FILL_MAX: usize = 200;
pub const TITLE_MAX: usize = 100;
const MAX_OPTIONS: usize = 6;
const LETTERS: [char; MAX_OPTIONS] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// Question types: (code, label).
pub const KINDS: &[(&str, &str)] = &[("single", "单选"), ("multiple", "多选"), ("judge", "判断"), ("fill", "填空")];
/// Paper kinds: (code, label).
pub const PAPER_KINDS: &[(&str, &str)] = &[("regular", "廉政考试"), ("pre_appointment", "任前廉政考试")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

pub fn paper_kind_label(code: &str) -> &'static str {
    PAPER_KINDS.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// A type as typed: the code, or its label with or without "题".
fn parse_kind(s: &str) -> Option<&'static str> {
    let t = s.trim().trim_end_matches('题');
    KINDS.iter().find(|(c, l)| *c == t || *l == t).map(|(c, _)| *c).or(match t {
        "单项选择" => Some("single"),
        "多项选择" => Some("multiple"),
        "判断正误" => Some("judge"),
        _ => None,
    })
}

fn today() -> time::Date {
    lianzheng_store::duty::tasks::today()
}

fn fmt_day(d: time::Date) -> String {
    lianzheng_core::duty::format_date(d)
}

/// The first day a leadership post may have started for 任前廉政考试 to be offered.
fn appointed_since() -> String {
    fmt_day(today() - time::Duration::days(PRE_APPOINTMENT_DAYS))
}

// ------------------------------------------------------------------------------- questions

/// The judge answers as typed → 对 / 错.
fn judge(s: &str) -> Option<&'static str> {
    match s.trim() {
        "对" | "正确" | "√" | "✓" | "是" | "T" | "t" | "true" | "TRUE" | "Y" => Some("对"),
        "错" | "错误" | "×" | "✗" | "否" | "F" | "f" | "false" | "FALSE" | "N" => Some("错"),
        _ => None,
    }
}

/// Letters "A,C" / "ca" / "AC" → "AC" (sorted, each once); None if anything else is in it.
fn letters(s: &str) -> Option<String> {
    let mut v: Vec<char> = Vec::new();
    for c in s.chars() {
        if matches!(c, ',' | '，' | '、' | ' ' | ';' | '；') {
            continue;
        }
        let u = c.to_ascii_uppercase();
        if !LETTERS.contains(&u) {
            return None;
        }
        if !v.contains(&u) {
            v.push(u);
        }
    }
    v.sort_unstable();
    Some(v.into_iter().collect())
}

/// A question as typed (form, API or an XLSX row).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionForm {
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub stem: String,
    /// The options: a JSON array, or one per line.
    #[serde(deserialize_with = "options_list")]
    pub options: String,
    #[serde(deserialize_with = "lenient")]
    pub answer: String,
    #[serde(deserialize_with = "lenient_list")]
    pub tags: String,
    #[serde(deserialize_with = "lenient")]
    pub points: String,
}

/// Options as text, one per line (a JSON array is joined with newlines).
fn options_list<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Array(a) => a
            .into_iter()
            .map(|x| match x {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

/// Checks a question: fields keyed "kind", "stem", "options", "answer", "tags", "points".
fn question_input(kind: &str, stem: &str, options: &[String], answer: &str, tags: &str, points: &str) -> Result<store::QuestionInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = match parse_kind(kind) {
        Some(k) => k,
        None => {
            e.insert("kind".into(), if kind.trim().is_empty() { "请填写题型".into() } else { format!("题型“{}”无效，应为单选、多选、判断或填空", kind.trim()) });
            ""
        }
    };
    let stem = stem.trim().to_string();
    if stem.is_empty() {
        e.insert("stem".into(), "请填写题干".into());
    } else if stem.chars().count() > STEM_MAX {
        e.insert("stem".into(), format!("题干不能超过{STEM_MAX}个字"));
    }
    let options: Vec<String> = options.iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
    let mut answer_out = answer.trim().to_string();
    match kind {
        "single" | "multiple" => {
            if options.len() < 2 {
                e.insert("options".into(), "选择题至少要有两个选项".into());
            } else if options.len() > MAX_OPTIONS {
                e.insert("options".into(), format!("选项最多{MAX_OPTIONS}个"));
            } else if options.iter().any(|o| o.chars().count() > OPTION_MAX) {
                e.insert("options".into(), format!("每个选项不能超过{OPTION_MAX}个字"));
            }
            match letters(answer) {
                None => {
                    e.insert("answer".into(), format!("答案“{}”不在选项之中，应填选项字母，如 A 或 AC", answer.trim()));
                }
                Some(l) if l.is_empty() => {
                    e.insert("answer".into(), "请填写答案（选项字母）".into());
                }
                Some(l) => {
                    let max = LETTERS.get(options.len().saturating_sub(1)).copied().unwrap_or('A');
                    if l.chars().any(|c| c > max) {
                        e.insert("answer".into(), format!("答案“{}”不在选项之中（共{}个选项）", answer.trim(), options.len()));
                    } else if kind == "single" && l.chars().count() != 1 {
                        e.insert("answer".into(), "单选题的答案只能有一个选项".into());
                    } else if kind == "multiple" && l.chars().count() < 2 {
                        e.insert("answer".into(), "多选题的答案应有两个或以上选项".into());
                    }
                    answer_out = l;
                }
            }
        }
        "judge" => match judge(answer) {
            Some(a) => answer_out = a.to_string(),
            None => {
                e.insert("answer".into(), format!("判断题的答案应为“对”或“错”，而不是“{}”", answer.trim()));
            }
        },
        "fill" => {
            if answer_out.is_empty() {
                e.insert("answer".into(), "请填写答案".into());
            } else if answer_out.chars().count() > FILL_MAX {
                e.insert("answer".into(), format!("答案不能超过{FILL_MAX}个字"));
            }
        }
        _ => {}
    }
    let tags: Vec<String> = split_list(tags).map(str::to_string).collect();
    if tags.len() > 10 || tags.iter().any(|t| t.chars().count() > 20) {
        e.insert("tags".into(), "标签最多10个，每个不超过20个字".into());
    }
    let points = match points.trim() {
        "" => 1,
        t => match t.parse::<i64>() {
            Ok(v) if (1..=100).contains(&v) => v,
            _ => {
                e.insert("points".into(), "分值应为 1 至 100 之间的整数".into());
                1
            }
        },
    };
    let options = match kind {
        "judge" => vec!["对".to_string(), "错".to_string()],
        "fill" => vec![],
        _ => options,
    };
    if e.is_empty() { Ok(store::QuestionInput { kind: kind.to_string(), stem, options, answer: answer_out, tags, points }) } else { Err(e) }
}

/// The organisation a bank or paper is kept for: inside the ManageExams scope.
async fn unit_in_scope(st: &AppState, scope: &Scope, org_id: &str, field: &str, label: &str) -> AppResult<(OrgId, String)> {
    let Ok(id) = org_id.trim().parse::<OrgId>() else {
        return Err(AppError::field(field, format!("请选择{label}")));
    };
    match lianzheng_store::org::get(&st.db, id).await? {
        Some(o) if scope.contains(&o.path) => Ok((id, o.path)),
        _ => Err(AppError::field(field, format!("{label}不存在或不在您的管理范围内"))),
    }
}

/// The organisations a bank or paper may be kept for (the caller's ManageExams grants).
pub fn own_units(p: &Principal) -> AppResult<Vec<(OrgId, String)>> {
    p.require(Permission::ManageExams)?;
    Ok(super::own_units(p, Permission::ManageExams).into_iter().map(|u| (u.id, u.name)).collect())
}

/// A unit whose bank the caller keeps (ManageExams over it); checked before an upload is read.
pub async fn bank_unit(st: &AppState, p: &Principal, org: OrgId) -> AppResult<(OrgId, String)> {
    let scope = p.require(Permission::ManageExams)?;
    match lianzheng_store::org::get(&st.db, org).await? {
        Some(o) if scope.contains(&o.path) => Ok((org, o.name)),
        _ => Err(AppError::NotFound),
    }
}

/// The banks the caller keeps or uses.
pub async fn bank(st: &AppState, p: &Principal) -> AppResult<Vec<Question>> {
    let scope = p.require(Permission::ManageExams)?;
    Ok(store::list_questions(&st.db, &scope).await?)
}

pub async fn create_question(st: &AppState, p: &Principal, f: &QuestionForm) -> AppResult<QuestionId> {
    let scope = p.require(Permission::ManageExams)?;
    let options: Vec<String> = f.options.lines().map(str::to_string).collect();
    let mut e = FieldErrors::new();
    let unit = match unit_in_scope(st, &scope, &f.org_id, "org_id", "题库单位").await {
        Ok(u) => Some(u),
        Err(AppError::Invalid { fields, .. }) => {
            e.extend(fields);
            None
        }
        Err(other) => return Err(other),
    };
    let checked = question_input(&f.kind, &f.stem, &options, &f.answer, &f.tags, &f.points);
    let (Some(unit), Ok(input)) = (unit, &checked) else {
        e.extend(checked.err().unwrap_or_default());
        return Err(into_error(e));
    };
    let mut tx = st.db.begin().await?;
    let ids = store::create_questions(&mut tx, &p.actor(), unit.0, &unit.1, std::slice::from_ref(input), false).await?;
    tx.commit().await?;
    ids.first().copied().ok_or_else(|| AppError::Internal("试题未写入".into()))
}

pub const XLSX_HEADERS: [&str; 11] = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "标签", "分值"];

fn column_name(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(char::from(b'A' + u8::try_from(r).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// The column (index) a field's error belongs to.
fn field_column(field: &str) -> usize {
    match field {
        "kind" => 0,
        "stem" => 1,
        "options" => 2,
        "answer" => 8,
        "tags" => 9,
        _ => 10,
    }
}

/// The import template: the columns, three example rows and the rules.
pub fn import_template(p: &Principal) -> AppResult<Vec<u8>> {
    p.require(Permission::ManageExams)?;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let rows = vec![
        s(&["单选", "党的纪律处分条例规定的纪律不包括下列哪一项？", "政治纪律", "组织纪律", "廉洁纪律", "保密纪律", "", "", "D", "纪律处分条例", "2"]),
        s(&["多选", "中央八项规定精神要求改进的方面有：", "改进调查研究", "精简会议活动", "精简文件简报", "规范出访活动", "", "", "ABCD", "八项规定", "3"]),
        s(&["判断", "党员领导干部可以接受可能影响公正执行公务的宴请。", "", "", "", "", "", "", "错", "廉洁自律准则", "1"]),
        s(&["填空", "党的最高领导机关是党的全国代表大会和它所产生的______。", "", "", "", "", "", "", "中央委员会", "党章", "2"]),
    ];
    write_tables(&[
        Table {
            title: None,
            sheet_name: "试题".into(),
            columns: XLSX_HEADERS.iter().enumerate().map(|(i, h)| Column { header: h.to_string(), width: Some(if i == 1 { 50.0 } else { 14.0 }), text: true }).collect(),
            rows,
        },
        Table {
            title: None,
            sheet_name: "填写说明".into(),
            columns: vec![Column { header: "项目".into(), width: Some(14.0), text: false }, Column { header: "说明".into(), width: Some(80.0), text: false }],
            rows: vec![
                s(&["题型", "单选、多选、判断、填空"]),
                s(&["选项", "单选、多选题填选项A起的各列（至少两个）；判断、填空题不填"]),
                s(&["答案", "单选填一个字母，多选填多个字母（如 ABD，须全部选对才得分）；判断填“对”或“错”；填空填标准答案（去掉首尾空格后须完全一致）"]),
                s(&["标签", "如 党章、廉洁自律准则、纪律处分条例、八项规定；多个用“、”分隔"]),
                s(&["分值", "1 至 100 的整数，不填为 1（组卷时按规则中的每题分值计分）"]),
                s(&["导入", "有任何一行出错时整表不导入，请按提示修改后重新导入"]),
            ],
        },
    ])
    .map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))
}

/// Imports questions into the bank of `org_id`: Ok(count) or Err("第N行 第C列（列名）…"); with
/// any bad row nothing is written.
pub async fn import_questions(st: &AppState, p: &Principal, org_id: &str, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    let scope = p.require(Permission::ManageExams)?;
    let (org, path) = unit_in_scope(st, &scope, org_id, "org_id", "题库单位").await?;
    let rows = match read_rows(bytes) {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(XLSX_HEADERS[0])) else {
        return Ok(Err(vec![format!("未找到表头行（第一列应为“{}”），请使用导入模板", XLSX_HEADERS[0])]));
    };
    let header = rows.get(hpos).cloned().unwrap_or_default();
    for (i, h) in XLSX_HEADERS.iter().enumerate() {
        if header.get(i).map(|c| c.trim()) != Some(*h) {
            return Ok(Err(vec![format!("第{}行 表头第{}列应为“{}”，请使用导入模板", hpos + 1, i + 1, h)]));
        }
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(hpos + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = i + 1;
        let cell = |k: usize| r.get(k).cloned().unwrap_or_default();
        let options: Vec<String> = (2..8).map(cell).collect();
        match question_input(&cell(0), &cell(1), &options, &cell(8), &cell(9), &cell(10)) {
            Ok(q) => parsed.push(q),
            Err(e) => {
                for (field, m) in e {
                    let c = field_column(&field);
                    errors.push(format!("第{line}行 第{}列（{}）：{m}", column_name(c), XLSX_HEADERS.get(c).copied().unwrap_or("")));
                }
            }
        }
    }
    if parsed.is_empty() && errors.is_empty() {
        errors.push("文件中没有试题行".into());
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut tx = st.db.begin().await?;
    let ids = store::create_questions(&mut tx, &p.actor(), org, &path, &parsed, true).await?;
    tx.commit().await?;
    Ok(Ok(ids.len()))
}

// ---------------------------------------------------------------------------------- papers

/// One line of a paper's rule: draw `count` questions of `kind` (with `tag`, or any when
/// blank), `points` each.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rule {
    pub kind: String,
    #[serde(default)]
    pub tag: String,
    pub count: i64,
    pub points: i64,
}

impl Rule {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
}

pub fn rules_of(paper: &Paper) -> Vec<Rule> {
    serde_json::from_str(&paper.rules).unwrap_or_default()
}

/// The rule as typed: a JSON array of {kind, tag, count, points}, or text lines
/// "题型 标签 题数 每题分值" (标签 may be left out: "单选 10 2").
fn rules_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Array(a) => a
            .into_iter()
            .map(|r| {
                let s = |k: &str| match &r[k] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                let tag = s("tag");
                format!("{} {} {} {}", s("kind"), if tag.is_empty() { "-".into() } else { tag }, s("count"), s("points"))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PaperForm {
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// regular / pre_appointment
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub minutes: String,
    #[serde(deserialize_with = "lenient")]
    pub opens_on: String,
    #[serde(deserialize_with = "lenient")]
    pub closes_on: String,
    #[serde(deserialize_with = "rules_text")]
    pub rules: String,
    #[serde(deserialize_with = "lenient")]
    pub pass_mark: String,
    #[serde(deserialize_with = "lenient")]
    pub attempts_allowed: String,
    /// 参考单位: ids
    #[serde(deserialize_with = "lenient_list")]
    pub units: String,
    /// 参考人员: ids
    #[serde(deserialize_with = "lenient_list")]
    pub people: String,
}

impl PaperForm {
    /// From a urlencoded body where multi-selects repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PaperForm {
        let mut f = PaperForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "org_id" => &mut f.org_id,
                "title" => &mut f.title,
                "kind" => &mut f.kind,
                "minutes" => &mut f.minutes,
                "opens_on" => &mut f.opens_on,
                "closes_on" => &mut f.closes_on,
                "rules" => &mut f.rules,
                "pass_mark" => &mut f.pass_mark,
                "attempts_allowed" => &mut f.attempts_allowed,
                "units" => &mut f.units,
                "people" => &mut f.people,
                _ => continue,
            };
            if !slot.is_empty() && matches!(k.as_str(), "units" | "people") {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    pub fn has_unit(&self, id: &OrgId) -> bool {
        split_list(&self.units).any(|s| s == id.to_string())
    }
    pub fn has_person(&self, id: &PersonId) -> bool {
        split_list(&self.people).any(|s| s == id.to_string())
    }
}

fn int(e: &mut FieldErrors, field: &str, label: &str, v: &str, min: i64, max: i64, default: Option<i64>) -> i64 {
    match (v.trim(), default) {
        ("", Some(d)) => d,
        (t, _) => match t.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                e.insert(field.into(), format!("{label}应为 {min} 至 {max} 之间的整数"));
                min
            }
        },
    }
}

/// Parses the rule lines; errors name the line.
fn parse_rules(text: &str, e: &mut FieldErrors) -> Vec<Rule> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let parts: Vec<&str> = line.split([' ', '\t', ',', '，', '、']).filter(|s| !s.is_empty()).collect();
        let (kind, tag, count, points) = match parts.as_slice() {
            [k, c, p] => (*k, "", *c, *p),
            [k, t, c, p] => (*k, if *t == "-" { "" } else { *t }, *c, *p),
            _ => {
                e.insert("rules".into(), format!("组卷规则第{}行应为“题型 标签 题数 每题分值”，如“单选 党章 5 2”", i + 1));
                continue;
            }
        };
        let (Some(kind), Ok(count), Ok(points)) = (parse_kind(kind), count.parse::<i64>(), points.parse::<i64>()) else {
            e.insert("rules".into(), format!("组卷规则第{}行“{line}”无效：题型应为单选、多选、判断或填空，题数和分值为整数", i + 1));
            continue;
        };
        if !(1..=200).contains(&count) || !(1..=100).contains(&points) {
            e.insert("rules".into(), format!("组卷规则第{}行：题数应为 1～200，每题分值 1～100", i + 1));
            continue;
        }
        out.push(Rule { kind: kind.to_string(), tag: tag.to_string(), count, points });
    }
    if out.is_empty() && !e.contains_key("rules") {
        e.insert("rules".into(), "请填写组卷规则（每行一条：题型 标签 题数 每题分值）".into());
    }
    out
}

fn matches_rule(q: &Question, r: &Rule) -> bool {
    q.kind == r.kind && (r.tag.is_empty() || q.tags.split('、').any(|t| t == r.tag))
}

/// A paper as the manager reads it.
#[derive(Debug, Clone, Serialize)]
pub struct PaperView {
    pub paper: Paper,
    pub kind_label: &'static str,
    pub rules: Vec<Rule>,
    pub total: i64,
    pub units: Vec<(OrgId, String)>,
    pub people: Vec<(PersonId, String)>,
}

pub async fn create_paper(st: &AppState, p: &Principal, f: &PaperForm) -> AppResult<PaperView> {
    let scope = p.require(Permission::ManageExams)?;
    let mut e = FieldErrors::new();
    let unit = match unit_in_scope(st, &scope, &f.org_id, "org_id", "组织单位").await {
        Ok(u) => Some(u),
        Err(AppError::Invalid { fields, .. }) => {
            e.extend(fields);
            None
        }
        Err(other) => return Err(other),
    };
    let title = f.title.trim().to_string();
    if title.is_empty() {
        e.insert("title".into(), "请填写考试名称".into());
    } else if title.chars().count() > TITLE_MAX {
        e.insert("title".into(), format!("考试名称不能超过{TITLE_MAX}个字"));
    }
    let kind = match f.kind.trim() {
        "" | "regular" => "regular",
        "pre_appointment" => "pre_appointment",
        _ => {
            e.insert("kind".into(), "考试类别无效".into());
            "regular"
        }
    };
    let minutes = int(&mut e, "minutes", "考试时长（分钟）", &f.minutes, 5, 300, None);
    let opens_on = crate::forms::date(&mut e, "opens_on", "开始日期", &f.opens_on);
    let closes_on = crate::forms::date(&mut e, "closes_on", "截止日期", &f.closes_on);
    if opens_on.is_none() && !e.contains_key("opens_on") {
        e.insert("opens_on".into(), "请填写开始日期".into());
    }
    if closes_on.is_none() && !e.contains_key("closes_on") {
        e.insert("closes_on".into(), "请填写截止日期".into());
    }
    if let (Some(a), Some(b)) = (&opens_on, &closes_on)
        && a > b
    {
        e.insert("closes_on".into(), "截止日期不能早于开始日期".into());
    }
    let rules = parse_rules(&f.rules, &mut e);
    let total: i64 = rules.iter().map(|r| r.count * r.points).sum();
    let pass_mark = int(&mut e, "pass_mark", "及格分", &f.pass_mark, 1, total.max(1), None);
    let attempts_allowed = int(&mut e, "attempts_allowed", "可考次数", &f.attempts_allowed, 1, 10, Some(1));
    let mut units = Vec::new();
    for t in split_list(&f.units) {
        match t.parse::<OrgId>() {
            Ok(v) => units.push(v),
            Err(_) => {
                e.insert("units".into(), "参考单位无效".into());
            }
        }
    }
    let mut people = Vec::new();
    for t in split_list(&f.people) {
        match t.parse::<PersonId>() {
            Ok(v) => people.push(v),
            Err(_) => {
                e.insert("people".into(), "参考人员无效".into());
            }
        }
    }
    if kind == "regular" && units.is_empty() && people.is_empty() && !e.contains_key("units") {
        e.insert("units".into(), "请选择参考单位或参考人员".into());
    }
    // the bank must hold enough questions for every line of the rule
    if let Some((_, path)) = &unit {
        let bank = store::usable_questions(&st.db, path).await?;
        let mut used: HashMap<QuestionId, ()> = HashMap::new();
        for r in &rules {
            let avail: Vec<&Question> = bank.iter().filter(|q| matches_rule(q, r) && !used.contains_key(&q.id)).collect();
            if i64::try_from(avail.len()).unwrap_or(0) < r.count {
                let what = if r.tag.is_empty() { kind_label(&r.kind).to_string() } else { format!("{}·{}", kind_label(&r.kind), r.tag) };
                e.insert("rules".into(), format!("题库中“{what}”只有{}题，少于规则要求的{}题", avail.len(), r.count));
            }
            for q in avail.into_iter().take(usize::try_from(r.count).unwrap_or(0)) {
                used.insert(q.id, ());
            }
        }
    }
    let (Some((org_id, _)), Some(opens_on), Some(closes_on), true) = (unit, opens_on, closes_on, e.is_empty()) else {
        return Err(into_error(e));
    };
    let input = store::PaperInput { org_id, title, kind: kind.to_string(), minutes, opens_on, closes_on, rules: serde_json::to_string(&rules).unwrap_or_else(|_| "[]".into()), pass_mark, attempts_allowed, units, people };
    let mut tx = st.db.begin().await?;
    let id = store::create_paper(&mut tx, &p.actor(), &scope, &input).await?;
    tx.commit().await?;
    paper(st, p, id).await
}

/// Whether the scope sees a paper: of its organisations or of one above them.
fn sees_paper(scope: &Scope, paper: &Paper) -> bool {
    scope.contains(&paper.org_path) || scope.paths().iter().any(|s| s.starts_with(&paper.org_path))
}

/// The papers the caller keeps or whose takers he looks after.
pub async fn papers(st: &AppState, p: &Principal) -> AppResult<Vec<Paper>> {
    let scope = p.require(Permission::ManageExams)?;
    Ok(store::list_papers(&st.db, &scope).await?)
}

async fn paper_in_scope(st: &AppState, p: &Principal, id: PaperId) -> AppResult<(Scope, Paper)> {
    let scope = p.require(Permission::ManageExams)?;
    let paper = store::get_paper(&st.db, id).await?;
    if !sees_paper(&scope, &paper) {
        return Err(AppError::NotFound);
    }
    Ok((scope, paper))
}

pub async fn paper(st: &AppState, p: &Principal, id: PaperId) -> AppResult<PaperView> {
    let (_, paper) = paper_in_scope(st, p, id).await?;
    let rules = rules_of(&paper);
    let total = rules.iter().map(|r| r.count * r.points).sum();
    let (units, people) = store::paper_targets(&st.db, id).await?;
    Ok(PaperView { kind_label: paper_kind_label(&paper.kind), paper, rules, total, units, people })
}

// ------------------------------------------------------------------------------- results

/// A taker's standing on a paper.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    pub taker: Taker,
    pub attempts: i64,
    /// The best submitted score (what counts).
    pub best: Option<i64>,
    pub passed: bool,
}

/// A unit's figures: takers, who took it, who passed, the average of the best scores.
#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub org_id: OrgId,
    pub org_name: String,
    pub takers: i64,
    pub taken: i64,
    pub passed: i64,
    /// Percent of those who took it.
    pub pass_rate: i64,
    pub average: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub paper: PaperView,
    pub rows: Vec<ResultRow>,
    pub units: Vec<UnitRow>,
}

async fn compute_results(st: &AppState, p: &Principal, id: PaperId) -> AppResult<Results> {
    let (scope, _) = paper_in_scope(st, p, id).await?;
    let view = paper(st, p, id).await?;
    let takers = store::takers(&st.db, id, &scope, &appointed_since()).await?;
    let mut by_person: HashMap<PersonId, Vec<Attempt>> = HashMap::new();
    for a in store::attempts_of_paper(&st.db, id).await? {
        by_person.entry(a.person_id).or_default().push(a);
    }
    let mut rows = Vec::new();
    let mut units: BTreeMap<String, UnitRow> = BTreeMap::new();
    let mut sums: HashMap<OrgId, i64> = HashMap::new();
    for t in takers {
        let attempts = by_person.get(&t.person_id).map(Vec::as_slice).unwrap_or(&[]);
        let best = attempts.iter().filter_map(|a| a.score.filter(|_| a.is_submitted())).max();
        let passed = best.is_some_and(|b| b >= view.paper.pass_mark);
        let u = units.entry(t.org_path.clone()).or_insert_with(|| UnitRow { org_id: t.org_id, org_name: t.org_name.clone(), takers: 0, taken: 0, passed: 0, pass_rate: 0, average: None });
        u.takers += 1;
        if let Some(b) = best {
            u.taken += 1;
            *sums.entry(t.org_id).or_default() += b;
        }
        if passed {
            u.passed += 1;
        }
        rows.push(ResultRow { attempts: i64::try_from(attempts.len()).unwrap_or(0), best, passed, taker: t });
    }
    let units = units
        .into_values()
        .map(|mut u| {
            if u.taken > 0 {
                u.pass_rate = u.passed * 100 / u.taken;
                #[allow(clippy::cast_precision_loss)]
                let avg = sums.get(&u.org_id).copied().unwrap_or(0) as f64 / u.taken as f64;
                u.average = Some((avg * 10.0).round() / 10.0);
            }
            u
        })
        .collect();
    Ok(Results { paper: view, rows, units })
}

/// Results per person and per unit in the caller's scope (a lead read: audited).
pub async fn results(st: &AppState, p: &Principal, id: PaperId) -> AppResult<Results> {
    let r = compute_results(st, p, id).await?;
    p.log_read(st, "exam_paper.results", "exam_paper", Some(id.to_string()), serde_json::json!({"rows": r.rows.len()})).await?;
    Ok(r)
}

/// The results as XLSX: (file name, bytes), a sheet per person and one per unit.
pub async fn export_results(st: &AppState, p: &Principal, id: PaperId) -> AppResult<(String, Vec<u8>)> {
    let r = compute_results(st, p, id).await?;
    let col = |h: &str, w: f64| Column { header: h.to_string(), width: Some(w), text: false };
    let people = r
        .rows
        .iter()
        .map(|x| {
            vec![
                x.taker.org_name.clone(),
                x.taker.name.clone(),
                x.attempts.to_string(),
                x.best.map(|b| b.to_string()).unwrap_or_default(),
                if x.best.is_none() {
                    "未参考".into()
                } else if x.passed {
                    "合格".into()
                } else {
                    "不合格".into()
                },
            ]
        })
        .collect();
    let units = r
        .units
        .iter()
        .map(|u| vec![u.org_name.clone(), u.takers.to_string(), u.taken.to_string(), (u.takers - u.taken).to_string(), format!("{}%", u.pass_rate), u.average.map(|a| format!("{a:.1}")).unwrap_or_default()])
        .collect();
    let bytes = write_tables(&[
        Table {
            title: Some(r.paper.paper.title.clone()), sheet_name: "个人成绩".into(), columns: vec![col("单位", 30.0), col("姓名", 12.0), col("考试次数", 10.0), col("最高分", 10.0), col("结果", 10.0)], rows: people
        },
        Table {
            title: Some(r.paper.paper.title.clone()),
            sheet_name: "单位统计".into(),
            columns: vec![col("单位", 30.0), col("应考人数", 10.0), col("已考", 10.0), col("未考", 10.0), col("合格率", 10.0), col("平均分", 10.0)],
            rows: units,
        },
    ])
    .map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    p.log_read(st, "exam_paper.export", "exam_paper", Some(id.to_string()), serde_json::json!({"rows": r.rows.len()})).await?;
    Ok((format!("{}成绩.xlsx", r.paper.paper.title), bytes))
}

/// A person's submitted attempts (for the 廉政档案): the person himself, or ManageExams over
/// the person's unit.
pub async fn exam_results_of(st: &AppState, p: &Principal, person_id: PersonId) -> AppResult<Vec<PersonResult>> {
    if p.user.person_id != Some(person_id) {
        let scope = p.require(Permission::ManageExams)?;
        let path = store::person_path(&st.db, person_id).await?.ok_or(AppError::NotFound)?;
        if !scope.contains(&path) {
            return Err(AppError::NotFound);
        }
    }
    Ok(store::results_of(&st.db, person_id).await?)
}

// ------------------------------------------------------------------------------- taking

/// A paper waiting for the signed-in person, with his attempts.
#[derive(Debug, Clone, Serialize)]
pub struct MyExam {
    pub paper: Paper,
    pub kind_label: &'static str,
    pub total: i64,
    pub questions: i64,
    pub attempts: Vec<Attempt>,
    pub best: Option<i64>,
    pub passed: bool,
    /// An attempt still running.
    pub open: Option<AttemptId>,
    /// Whether another attempt may be started.
    pub can_start: bool,
}

/// The open papers the signed-in person is to take (none without a linked person).
pub async fn my_exams(st: &AppState, p: &Principal) -> AppResult<Vec<MyExam>> {
    let Some(person) = p.user.person_id else { return Ok(vec![]) };
    let now = lianzheng_store::now();
    let mut out = Vec::new();
    for paper in store::papers_for_person(&st.db, person, &fmt_day(today()), &appointed_since()).await? {
        let attempts = store::attempts_of(&st.db, paper.id, person).await?;
        let best = attempts.iter().filter_map(|a| a.score.filter(|_| a.is_submitted())).max();
        let open = attempts.iter().find(|a| !a.is_submitted() && a.deadline_at + GRACE_SECS >= now).map(|a| a.id);
        let can_start = open.is_none() && i64::try_from(attempts.len()).unwrap_or(0) < paper.attempts_allowed;
        let rules = rules_of(&paper);
        out.push(MyExam {
            kind_label: paper_kind_label(&paper.kind),
            total: rules.iter().map(|r| r.count * r.points).sum(),
            questions: rules.iter().map(|r| r.count).sum(),
            passed: best.is_some_and(|b| b >= paper.pass_mark),
            paper,
            attempts,
            best,
            open,
            can_start,
        });
    }
    Ok(out)
}

/// splitmix64: the attempt's draw is reproducible from its stored seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = usize::try_from(self.next() % (i as u64 + 1)).unwrap_or(0);
            v.swap(i, j);
        }
    }
}

/// The questions of an attempt by the paper's rule: per line, `count` questions of the type
/// (and tag) not yet drawn, shuffled by the seed; `points` each. Lines keep their order.
pub fn draw(bank: &[Question], rules: &[Rule], seed: i64) -> Vec<(QuestionId, i64)> {
    let mut rng = Rng(u64::from_ne_bytes(seed.to_ne_bytes()));
    let mut out: Vec<(QuestionId, i64)> = Vec::new();
    for r in rules {
        let mut pool: Vec<QuestionId> = bank.iter().filter(|q| matches_rule(q, r) && !out.iter().any(|(id, _)| *id == q.id)).map(|q| q.id).collect();
        rng.shuffle(&mut pool);
        out.extend(pool.into_iter().take(usize::try_from(r.count).unwrap_or(0)).map(|id| (id, r.points)));
    }
    out
}

/// Starts an attempt (or returns the one still running): the person must be a taker, the
/// paper open today and an attempt left.
pub async fn start(st: &AppState, p: &Principal, paper_id: PaperId) -> AppResult<AttemptId> {
    let person = p.user.person_id.ok_or_else(|| AppError::Refused("您的账号未关联人员，不能参加考试".into()))?;
    let paper = store::get_paper(&st.db, paper_id).await?;
    if !store::is_taker(&st.db, paper_id, person, &appointed_since()).await? {
        return Err(AppError::NotFound);
    }
    let day = fmt_day(today());
    if day < paper.opens_on || day > paper.closes_on {
        return Err(AppError::Refused(format!("本次考试的开放时间为 {} 至 {}", paper.opens_on, paper.closes_on)));
    }
    let attempts = store::attempts_of(&st.db, paper_id, person).await?;
    let now = lianzheng_store::now();
    if let Some(a) = attempts.iter().find(|a| !a.is_submitted()) {
        if a.deadline_at + GRACE_SECS >= now {
            return Ok(a.id);
        }
        // an attempt left to run out: closed now with what was saved
        close(st, p, a, true).await?;
    }
    if i64::try_from(attempts.len()).unwrap_or(0) >= paper.attempts_allowed {
        return Err(AppError::Refused(format!("本次考试可考{}次，您已全部用完", paper.attempts_allowed)));
    }
    let path = store::person_path(&st.db, person).await?.ok_or(AppError::NotFound)?;
    let bank = store::usable_questions(&st.db, &paper.org_path).await?;
    let seed = i64::from_ne_bytes((time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64 ^ (person.get() as u64).wrapping_mul(0x9E37_79B9)).to_ne_bytes());
    let drawn = draw(&bank, &rules_of(&paper), seed);
    if drawn.is_empty() {
        return Err(AppError::Refused("题库中没有符合组卷规则的试题，请联系考试组织单位".into()));
    }
    let seq = attempts.iter().map(|a| a.seq).max().unwrap_or(0) + 1;
    let mut tx = st.db.begin().await?;
    let id = store::start(&mut tx, &p.actor(), &paper, person, &path, seq, seed, now + paper.minutes * 60, &drawn).await?;
    tx.commit().await?;
    Ok(id)
}

/// A question as a taker sees it: the right answer only after submission.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub seq: i64,
    pub question_id: QuestionId,
    pub kind: String,
    pub kind_label: &'static str,
    pub stem: String,
    /// (letter, text)
    pub options: Vec<(String, String)>,
    pub points: i64,
    pub answer: Option<String>,
    /// After submission only.
    pub key: Option<String>,
    pub correct: Option<bool>,
}

impl ItemView {
    pub fn chosen(&self, letter: &str) -> bool {
        self.answer.as_deref().is_some_and(|a| a.contains(letter))
    }
    pub fn answer_text(&self) -> &str {
        self.answer.as_deref().unwrap_or("")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub attempt: Attempt,
    pub paper_title: String,
    pub pass_mark: i64,
    pub minutes: i64,
    pub items: Vec<ItemView>,
    pub submitted: bool,
    /// Seconds left (0 once submitted or over).
    pub remaining: i64,
    pub answered: usize,
    /// The viewer is the taker.
    pub own: bool,
}

/// Scores the saved answers: 单选 and 判断 equal to the key; 多选 all-or-nothing (exactly the
/// key's letters, no more, no fewer); 填空 equal to the key after trimming both.
pub fn is_correct(kind: &str, key: &str, answer: Option<&str>) -> bool {
    let Some(a) = answer else { return false };
    match kind {
        "multiple" => letters(a).is_some_and(|l| !l.is_empty() && l == key),
        "fill" => a.trim() == key.trim(),
        _ => a.trim() == key,
    }
}

async fn close(st: &AppState, p: &Principal, a: &Attempt, automatic: bool) -> AppResult<()> {
    let paper = store::get_paper(&st.db, a.paper_id).await?;
    let items = store::items(&st.db, a.id).await?;
    let marks: Vec<(QuestionId, bool)> = items.iter().map(|i| (i.question_id, is_correct(&i.kind, &i.key, i.answer.as_deref()))).collect();
    let score: i64 = items.iter().zip(&marks).filter(|(_, (_, ok))| *ok).map(|(i, _)| i.points).sum();
    // an automatic close is stamped with the deadline, not the moment it was noticed
    let at = if automatic { a.deadline_at.min(lianzheng_store::now()) } else { lianzheng_store::now() };
    let mut tx = st.db.begin().await?;
    store::finish(&mut tx, &p.actor(), a, &marks, score, score >= paper.pass_mark, at, automatic).await?;
    tx.commit().await?;
    Ok(())
}

/// The attempt for its taker (or, once submitted, for ManageExams over the taker's unit); an
/// attempt whose time is over is submitted here, with what was saved.
async fn attempt_for(st: &AppState, p: &Principal, id: AttemptId) -> AppResult<(Attempt, bool)> {
    let a = store::get_attempt(&st.db, id).await?;
    let own = p.user.person_id == Some(a.person_id);
    if !own {
        let scope = p.require(Permission::ManageExams).map_err(|_| AppError::NotFound)?;
        if !scope.contains(&a.org_path) {
            return Err(AppError::NotFound);
        }
    }
    if !a.is_submitted() && lianzheng_store::now() > a.deadline_at + GRACE_SECS {
        close(st, p, &a, true).await?;
        return Ok((store::get_attempt(&st.db, id).await?, own));
    }
    Ok((a, own))
}

pub async fn attempt(st: &AppState, p: &Principal, id: AttemptId) -> AppResult<AttemptView> {
    let (a, own) = attempt_for(st, p, id).await?;
    let submitted = a.is_submitted();
    if !own && !submitted {
        // a manager sees a sitting only once it is over (the questions stay the taker's)
        return Err(AppError::NotFound);
    }
    let paper = store::get_paper(&st.db, a.paper_id).await?;
    let items: Vec<ItemView> = store::items(&st.db, id)
        .await?
        .into_iter()
        .map(|i| {
            let options: Vec<String> = serde_json::from_str(&i.options).unwrap_or_default();
            ItemView {
                seq: i.seq,
                question_id: i.question_id,
                kind_label: kind_label(&i.kind),
                options: options.into_iter().enumerate().map(|(k, t)| (LETTERS.get(k).map(|c| c.to_string()).unwrap_or_default(), t)).collect(),
                kind: i.kind,
                stem: i.stem,
                points: i.points,
                answer: i.answer,
                key: if submitted { Some(i.key) } else { None },
                correct: if submitted { i.correct.map(|c| c != 0) } else { None },
            }
        })
        .collect();
    let remaining = if submitted { 0 } else { (a.deadline_at - lianzheng_store::now()).max(0) };
    let answered = items.iter().filter(|i| i.answer.as_deref().is_some_and(|a| !a.is_empty())).count();
    Ok(AttemptView { paper_title: paper.title, pass_mark: paper.pass_mark, minutes: paper.minutes, items, submitted, remaining, answered, own, attempt: a })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerForm {
    #[serde(deserialize_with = "lenient")]
    pub question_id: String,
    /// The letters (单选, 多选: "AC" or a JSON array), 对/错, or the text of a 填空.
    #[serde(deserialize_with = "lenient_list")]
    pub answer: String,
}

/// Saves one answer as it is given (the same answer again changes nothing but the time). After
/// the time limit and its grace the attempt is submitted and the answer refused.
pub async fn answer(st: &AppState, p: &Principal, id: AttemptId, f: &AnswerForm) -> AppResult<AttemptId> {
    let (a, own) = attempt_for(st, p, id).await?;
    if !own {
        return Err(AppError::NotFound);
    }
    if a.is_submitted() {
        return Err(AppError::Conflict("答卷已提交（或考试时间已到，已自动交卷），不能再修改答案".into()));
    }
    let qid: QuestionId = f.question_id.trim().parse().map_err(|_| AppError::field("question_id", "试题编号无效"))?;
    let item = store::items(&st.db, id).await?.into_iter().find(|i| i.question_id == qid).ok_or_else(|| AppError::field("question_id", "该题不在本次答卷中"))?;
    let given = f.answer.trim();
    let options: Vec<String> = serde_json::from_str(&item.options).unwrap_or_default();
    let normal = match item.kind.as_str() {
        "single" | "multiple" => match letters(given) {
            Some(l) if l.chars().all(|c| LETTERS.iter().position(|x| *x == c).is_some_and(|k| k < options.len())) && (item.kind == "multiple" || l.chars().count() <= 1) => l,
            _ => return Err(AppError::field("answer", "所选答案不是本题的选项")),
        },
        "judge" => match given {
            "" => String::new(),
            g => judge(g).map(str::to_string).ok_or_else(|| AppError::field("answer", "判断题请选择“对”或“错”"))?,
        },
        _ => {
            if given.chars().count() > FILL_MAX {
                return Err(AppError::field("answer", format!("答案不能超过{FILL_MAX}个字")));
            }
            given.to_string()
        }
    };
    let mut tx = st.db.begin().await?;
    store::save_answer(&mut tx, &p.actor(), id, qid, &normal).await?;
    tx.commit().await?;
    Ok(id)
}

/// 交卷: scores the attempt now (a second submission changes nothing).
pub async fn submit(st: &AppState, p: &Principal, id: AttemptId) -> AppResult<AttemptView> {
    let (a, own) = attempt_for(st, p, id).await?;
    if !own {
        return Err(AppError::NotFound);
    }
    if !a.is_submitted() {
        close(st, p, &a, false).await?;
    }
    attempt(st, p, id).await
}

/// 待办 "待参加的考试": the open papers the person has not sat yet (or is sitting now); a
/// retake is his choice, offered on "我的考试" but not asked of him.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> crate::app::todo::BoxFuture<'a, AppResult<Vec<crate::app::todo::TodoItem>>> {
    use crate::app::todo::{TodoItem, Urgency};
    Box::pin(async move {
        let waiting: Vec<MyExam> = my_exams(st, p).await?.into_iter().filter(|e| e.open.is_some() || (e.can_start && e.attempts.is_empty())).collect();
        if waiting.is_empty() {
            return Ok(vec![]);
        }
        let soon = fmt_day(today() + time::Duration::days(3));
        let urgency = if waiting.iter().any(|e| e.paper.closes_on <= soon) { Urgency::Near } else { Urgency::Normal };
        let details = waiting.iter().take(3).map(|e| format!("{}（{} 截止）", e.paper.title, e.paper.closes_on)).collect();
        Ok(vec![TodoItem::new("conduct.exam", "待参加的考试", i64::try_from(waiting.len()).unwrap_or(0), "/conduct/exams/mine", urgency).with_details(details)])
    })
}

/// The units (the chosen organisation and those below it, first 200) and people (first 500) a
/// paper of `org_id` may invite; empty when the organisation is not the caller's.
pub async fn invitable(st: &AppState, p: &Principal, org_id: &str) -> AppResult<(Vec<(OrgId, String)>, Vec<(PersonId, String)>)> {
    let scope = p.require(Permission::ManageExams)?;
    let Ok((_, path)) = unit_in_scope(st, &scope, org_id, "org_id", "组织单位").await else { return Ok((vec![], vec![])) };
    let units = lianzheng_store::conduct::exams::units_under(&st.db, &path).await?;
    let people = lianzheng_store::conduct::education::people_of(&st.db, &path).await?.into_iter().map(|a| (a.person_id, a.name)).collect();
    Ok((units, people))
}
