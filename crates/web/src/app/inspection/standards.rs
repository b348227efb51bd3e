//! 评分标准 (issue 10, item 3): the organising 纪委's scoring standard of a year — a tree of
//! indicators (一级/二级…) with maximum points, scoring rule and evidence, and under each
//! last-level indicator its items: 扣分 (points each time; an indicator's deductions are capped
//! at its maximum), 加分 (the unit's bonus total capped by the standard) and 一票否决 (the grade
//! becomes 差 whatever the points). Edited by the 纪委 (`ManageInspection` over the body), copied
//! from last year in one step, exported to and imported from XLSX (every row checked, nothing
//! written on any error). A campaign picks its standard; once a campaign has scored with it the
//! standard is frozen (scores point at its items): copy it to change it.

use lianzheng_core::org::Permission;
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::inspection::standards::{self as store, NewIndicator, NewStandard, TreeRow};
pub use lianzheng_store::inspection::standards::{ITEM_KINDS, Indicator, Item, Standard, TABLES};
use serde::{Deserialize, Serialize};

use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version_of};
use crate::state::AppState;

const TITLE_MAX: usize = 80;
const NAME_MAX: usize = 100;
const RULE_MAX: usize = 2_000;
const ITEM_MAX: usize = 200;
const ITEMS_MAX: usize = 60;
const INDICATORS_MAX: usize = 300;
/// Three levels (一级、二级、三级) are more than any standard in the field uses.
pub const DEPTH_MAX: usize = 3;
/// The most points anything may carry (tenths): a standard is out of 100, bonuses a few points.
const POINTS_MAX: i64 = 10_000;

// ------------------------------------------------------------------------------ points

/// Points as typed ("2", "0.5", "1.5分") to tenths: non-negative, at most one decimal.
pub fn parse_points(s: &str) -> Option<i64> {
    let t = s.trim().trim_end_matches('分').trim();
    if t.is_empty() || t.starts_with('-') || t.starts_with('+') {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() || !int.chars().all(|c| c.is_ascii_digit()) || frac.len() > 1 || !frac.chars().all(|c| c.is_ascii_digit()) || int.len() > 6 {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let tenth: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let v = whole * 10 + tenth;
    (v <= POINTS_MAX).then_some(v)
}

/// Tenths as read: "2", "0.5", "-1.5".
pub fn points_text(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.abs();
    if a % 10 == 0 { format!("{sign}{}", a / 10) } else { format!("{sign}{}.{}", a / 10, a % 10) }
}

// ------------------------------------------------------------------------------ the tree

/// An indicator as shown: its place in the tree, its number (1, 1.2), whether it is a last-level
/// one (scored), its maximum (a parent's: the sum of its children's) and its items.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    #[serde(flatten)]
    pub ind: Indicator,
    pub depth: usize,
    pub number: String,
    pub leaf: bool,
    pub max_tenths: i64,
    pub items: Vec<Item>,
}

impl Node {
    pub fn max_text(&self) -> String {
        points_text(self.max_tenths)
    }
    pub fn indent(&self) -> usize {
        self.depth.saturating_sub(1) * 16
    }
}

/// The tree in display order, with numbers and the parents' sums.
pub fn tree(inds: &[Indicator], items: &[Item]) -> Vec<Node> {
    let ordered = store::ordered(inds);
    let mut nodes: Vec<Node> = Vec::with_capacity(ordered.len());
    // depth-first: a parent is placed before its children
    let mut placed: std::collections::HashMap<i64, (String, usize)> = std::collections::HashMap::new();
    let mut counts: std::collections::HashMap<Option<i64>, usize> = std::collections::HashMap::new();
    for d in ordered {
        let c = counts.entry(d.parent_id).or_insert(0);
        *c += 1;
        let (number, depth) = match d.parent_id.and_then(|x| placed.get(&x)) {
            Some((pn, pd)) => (format!("{pn}.{c}"), pd + 1),
            None => (c.to_string(), 1),
        };
        placed.insert(d.id, (number.clone(), depth));
        let leaf = !inds.iter().any(|x| x.parent_id == Some(d.id));
        nodes.push(Node { ind: d.clone(), depth, number, leaf, max_tenths: d.max_tenths, items: items.iter().filter(|i| i.indicator_id == d.id).cloned().collect() });
    }
    // a parent's maximum is its last-level indicators' sum
    for i in (0..nodes.len()).rev() {
        if !nodes[i].leaf {
            let id = nodes[i].ind.id;
            let sum: i64 = nodes.iter().filter(|n| n.ind.parent_id == Some(id)).map(|n| n.max_tenths).sum();
            nodes[i].max_tenths = sum;
        }
    }
    nodes
}

/// The standard's full marks: its last-level indicators' maxima.
pub fn total_max(nodes: &[Node]) -> i64 {
    nodes.iter().filter(|n| n.leaf).map(|n| n.max_tenths).sum()
}

// ------------------------------------------------------------------------------ access

/// A standard the caller manages (404 outside his scope).
async fn managed(st: &AppState, p: &Principal, id: i64) -> AppResult<Standard> {
    let scope = p.require(Permission::ManageInspection)?;
    let s = store::get(&st.db, id).await?;
    if !scope.contains(&s.org_path) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// A standard the caller manages and may still change.
async fn editable(st: &AppState, p: &Principal, id: i64) -> AppResult<Standard> {
    let s = managed(st, p, id).await?;
    if store::in_use(&st.db, id).await? {
        return Err(AppError::Conflict("已有检查考核按此评分标准评分，标准已固定，不能修改；如需调整请复制为新年度的标准".into()));
    }
    Ok(s)
}

/// The standards of the bodies the caller manages.
pub async fn list(st: &AppState, p: &Principal) -> AppResult<Vec<Standard>> {
    let scope = p.require(Permission::ManageInspection)?;
    Ok(store::list(&st.db, &scope).await?)
}

/// A standard as shown and edited.
#[derive(Debug, Clone, Serialize)]
pub struct StandardView {
    pub standard: Standard,
    pub nodes: Vec<Node>,
    pub total_max_tenths: i64,
    /// No campaign has scored with it yet.
    pub editable: bool,
    /// The campaigns that picked it.
    pub campaigns: Vec<i64>,
}

impl StandardView {
    pub fn total_text(&self) -> String {
        points_text(self.total_max_tenths)
    }
    pub fn bonus_cap_text(&self) -> String {
        points_text(self.standard.bonus_cap_tenths)
    }
}

/// The tree of a standard (no scope check: the scores' use cases call it for a campaign's).
pub async fn nodes_of(st: &AppState, standard_id: i64) -> AppResult<Vec<Node>> {
    let inds = store::indicators(&st.db, standard_id).await?;
    let items = store::items(&st.db, standard_id).await?;
    Ok(tree(&inds, &items))
}

pub async fn get(st: &AppState, p: &Principal, id: i64) -> AppResult<StandardView> {
    let s = managed(st, p, id).await?;
    let nodes = nodes_of(st, id).await?;
    let editable = !store::in_use(&st.db, id).await?;
    let campaigns = lianzheng_store::inspection::scores::campaigns_of_standard(&st.db, id).await?;
    Ok(StandardView { total_max_tenths: total_max(&nodes), standard: s, nodes, editable, campaigns })
}

// ------------------------------------------------------------------------------ the standard

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StandardForm {
    /// Blank for a new standard.
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// The cap on a unit's bonus points in all.
    #[serde(deserialize_with = "lenient")]
    pub bonus_cap: String,
}

fn year_of(e: &mut FieldErrors, s: &str) -> i64 {
    match s.trim().parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ if s.trim().is_empty() => i64::from(calendar::today().year()),
        _ => {
            e.insert("year".into(), "年度应为四位数字，如 2026".into());
            0
        }
    }
}

fn bonus_cap_of(e: &mut FieldErrors, s: &str) -> i64 {
    if s.trim().is_empty() {
        return 0;
    }
    parse_points(s).unwrap_or_else(|| {
        e.insert("bonus_cap".into(), "加分上限应为不小于 0 的分值，最多一位小数".into());
        0
    })
}

pub fn default_title(year: i64) -> String {
    format!("{year}年度党风廉政建设责任制落实情况检查评分标准")
}

/// A new, empty standard of the caller's body.
pub async fn create(st: &AppState, p: &Principal, f: &StandardForm) -> AppResult<i64> {
    let scope = p.require(Permission::ManageInspection)?;
    let mut e = FieldErrors::new();
    let year = year_of(&mut e, &f.year);
    let title = text(&mut e, "title", "名称", &f.title, TITLE_MAX, false).unwrap_or_else(|| default_title(year));
    let bonus_cap = bonus_cap_of(&mut e, &f.bonus_cap);
    let body = crate::app::conduct::issuing_body(st, p).await?;
    if !scope.contains(&body.path) {
        return Err(AppError::Refused("您所在的单位不在您的检查考核管理范围内".into()));
    }
    if e.is_empty() && store::of_year(&st.db, body.id.get(), year).await?.is_some() {
        e.insert("year".into(), format!("{}已有{year}年度的评分标准", body.name));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    let id =
        store::insert(&mut tx, &p.actor(), &NewStandard { org_id: body.id.get(), org_path: &body.path, year, title: &title, bonus_cap_tenths: bonus_cap, copied_from: None, created_by: Some(p.user.id.get()) }).await?;
    tx.commit().await?;
    Ok(id)
}

/// Title and bonus cap (the year stays: copy the standard for another year).
pub async fn update(st: &AppState, p: &Principal, id: i64, f: &StandardForm) -> AppResult<StandardView> {
    editable(st, p, id).await?;
    let version = version_of(&f.version)?;
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", "名称", &f.title, TITLE_MAX, true).unwrap_or_default();
    let bonus_cap = bonus_cap_of(&mut e, &f.bonus_cap);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::update(&mut tx, &p.actor(), id, version, &title, bonus_cap).await?;
    tx.commit().await?;
    get(st, p, id).await
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CopyForm {
    /// The new standard's year (blank: the next year after the copied one's).
    #[serde(deserialize_with = "lenient")]
    pub year: String,
}

/// Copies a standard (indicators, items, bonus cap) to another year of the same body, in one step.
pub async fn copy(st: &AppState, p: &Principal, id: i64, f: &CopyForm) -> AppResult<i64> {
    let s = managed(st, p, id).await?;
    let mut e = FieldErrors::new();
    let year = if f.year.trim().is_empty() { s.year + 1 } else { year_of(&mut e, &f.year) };
    if e.is_empty() && store::of_year(&st.db, s.org_id, year).await?.is_some() {
        e.insert("year".into(), format!("{}已有{year}年度的评分标准", s.org_name));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let title = if s.title.contains(&s.year.to_string()) { s.title.replace(&s.year.to_string(), &year.to_string()) } else { default_title(year) };
    let inds = store::indicators(&st.db, id).await?;
    let items = store::items(&st.db, id).await?;
    let rows = store::tree_of(&inds, &items);
    let mut tx = st.db.begin().await?;
    let new_id =
        store::insert(&mut tx, &p.actor(), &NewStandard { org_id: s.org_id, org_path: &s.org_path, year, title: &title, bonus_cap_tenths: s.bonus_cap_tenths, copied_from: Some(id), created_by: Some(p.user.id.get()) })
            .await?;
    store::replace_tree(&mut tx, &p.actor(), new_id, &rows, false).await?;
    tx.commit().await?;
    Ok(new_id)
}

// ------------------------------------------------------------------------------ indicators

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IndicatorForm {
    /// The indicator's version (editing), or the standard's (adding: two editors adding at
    /// once meet a stale version rather than interleave).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// The upper indicator (blank: 一级).
    #[serde(deserialize_with = "lenient")]
    pub parent: String,
    #[serde(deserialize_with = "lenient")]
    pub seq: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub max_points: String,
    #[serde(deserialize_with = "lenient")]
    pub rule: String,
    #[serde(deserialize_with = "lenient")]
    pub evidence: String,
    /// One item a line: "扣分 1 未制定年度计划", "加分 2 …", "否决 …".
    #[serde(deserialize_with = "lenient")]
    pub items: String,
}

impl IndicatorForm {
    pub fn of(n: &Node) -> IndicatorForm {
        IndicatorForm {
            version: n.ind.version.to_string(),
            parent: n.ind.parent_id.map(|x| x.to_string()).unwrap_or_default(),
            seq: n.ind.seq.to_string(),
            name: n.ind.name.clone(),
            max_points: points_text(n.ind.max_tenths),
            rule: n.ind.rule.clone().unwrap_or_default(),
            evidence: n.ind.evidence.clone().unwrap_or_default(),
            items: items_text(&n.items),
        }
    }
}

/// Items as the form's text, one a line.
pub fn items_text(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| match i.kind.as_str() {
            "veto" => format!("否决 {}", i.text),
            k => format!("{} {} {}", if k == "bonus" { "加分" } else { "扣分" }, points_text(i.points_tenths), i.text),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The kind code of a word: 扣分/扣, 加分/加, 否决/一票否决/否.
pub fn kind_of(word: &str) -> Option<&'static str> {
    match word.trim() {
        "扣分" | "扣" | "deduct" => Some("deduct"),
        "加分" | "加" | "bonus" => Some("bonus"),
        "否决" | "一票否决" | "否" | "veto" => Some("veto"),
        _ => None,
    }
}

/// One item checked: (kind, text, points) or the message.
pub fn item_of(kind: &str, points: &str, text: &str) -> Result<(String, String, i64), String> {
    let Some(k) = kind_of(kind) else { return Err(format!("类别“{}”无效，应为 扣分、加分 或 否决", kind.trim())) };
    let t = text.trim();
    if t.is_empty() {
        return Err("评分项内容不能为空".into());
    }
    if t.chars().count() > ITEM_MAX {
        return Err(format!("评分项内容不能超过 {ITEM_MAX} 字"));
    }
    let pts = if k == "veto" {
        0
    } else {
        match parse_points(points) {
            Some(v) if v > 0 => v,
            _ => return Err(format!("{}分值“{}”无效，应为大于 0 的分值，最多一位小数", if k == "bonus" { "加分" } else { "扣分" }, points.trim())),
        }
    };
    Ok((k.to_string(), t.to_string(), pts))
}

/// The form's items text, line by line.
pub fn parse_items(s: &str) -> Result<Vec<(String, String, i64)>, String> {
    let mut out = Vec::new();
    for (n, line) in s.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(2, char::is_whitespace);
        let kind = parts.next().unwrap_or_default();
        let rest = parts.next().unwrap_or_default().trim();
        let r = if kind_of(kind) == Some("veto") {
            item_of(kind, "", rest)
        } else {
            let mut p2 = rest.splitn(2, char::is_whitespace);
            let pts = p2.next().unwrap_or_default();
            item_of(kind, pts, p2.next().unwrap_or_default())
        };
        out.push(r.map_err(|m| format!("第{}行：{m}", n + 1))?);
    }
    if out.len() > ITEMS_MAX {
        return Err(format!("一个指标最多 {ITEMS_MAX} 个评分项"));
    }
    Ok(out)
}

/// Checks the form against the standard's tree: `own` is the indicator edited (None: new).
fn checked(f: &IndicatorForm, nodes: &[Node], own: Option<i64>) -> Result<NewIndicator, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = text(&mut e, "name", "指标名称", &f.name, NAME_MAX, true).unwrap_or_default();
    let rule = text(&mut e, "rule", "评分细则", &f.rule, RULE_MAX, false);
    let evidence = text(&mut e, "evidence", "佐证材料", &f.evidence, RULE_MAX, false);
    let parent = match f.parent.trim() {
        "" => None,
        x => match x.parse::<i64>().ok().and_then(|id| nodes.iter().find(|n| n.ind.id == id)) {
            None => {
                e.insert("parent".into(), "上级指标不属于本评分标准".into());
                None
            }
            Some(pn) => {
                // not itself nor below itself
                let mut at = Some(pn.ind.id);
                let mut cyclic = false;
                while let Some(a) = at {
                    if Some(a) == own {
                        cyclic = true;
                        break;
                    }
                    at = nodes.iter().find(|n| n.ind.id == a).and_then(|n| n.ind.parent_id);
                }
                if cyclic {
                    e.insert("parent".into(), "上级指标不能是本指标或其下级指标".into());
                } else if pn.depth >= DEPTH_MAX {
                    e.insert("parent".into(), format!("指标最多 {DEPTH_MAX} 级"));
                } else if !pn.items.is_empty() {
                    e.insert("parent".into(), "所选上级指标已设评分项：评分项只设在末级指标上，请先移除其评分项".into());
                }
                Some(pn.ind.id)
            }
        },
    };
    let seq = match f.seq.trim() {
        "" => nodes.iter().filter(|n| n.ind.parent_id == parent && Some(n.ind.id) != own).map(|n| n.ind.seq).max().unwrap_or(0) + 1,
        s => s.parse::<i64>().ok().filter(|v| (0..=9999).contains(v)).unwrap_or_else(|| {
            e.insert("seq".into(), "排序应为 0～9999 的整数".into());
            0
        }),
    };
    let has_children = own.is_some_and(|id| nodes.iter().any(|n| n.ind.parent_id == Some(id)));
    let max_tenths = match f.max_points.trim() {
        "" if has_children => 0,
        "" => {
            e.insert("max_points".into(), "请填写满分（没有基础分的加分、否决类指标填 0）".into());
            0
        }
        s => parse_points(s).unwrap_or_else(|| {
            e.insert("max_points".into(), "满分应为不小于 0 的分值，最多一位小数".into());
            0
        }),
    };
    let items = match parse_items(&f.items) {
        Ok(v) => v,
        Err(m) => {
            e.insert("items".into(), m);
            vec![]
        }
    };
    if has_children && !items.is_empty() {
        e.insert("items".into(), "评分项只设在末级指标上：本指标有下级指标".into());
    }
    if e.is_empty() { Ok(NewIndicator { parent_id: parent, seq, name: name.clone(), max_tenths, rule, evidence, items }) } else { Err(e) }
}

/// Adds an indicator (with its items) to a standard not yet used.
pub async fn add_indicator(st: &AppState, p: &Principal, standard_id: i64, f: &IndicatorForm) -> AppResult<i64> {
    let s = editable(st, p, standard_id).await?;
    let nodes = nodes_of(st, standard_id).await?;
    if nodes.len() >= INDICATORS_MAX {
        return Err(AppError::invalid(format!("一个评分标准最多 {INDICATORS_MAX} 个指标")));
    }
    let d = checked(f, &nodes, None).map_err(into_error)?;
    let version = if f.version.trim().is_empty() { s.version } else { version_of(&f.version)? };
    let mut tx = st.db.begin().await?;
    store::touch(&mut tx, standard_id, version).await?;
    let id = store::insert_indicator(&mut tx, &p.actor(), standard_id, &d).await?;
    tx.commit().await?;
    Ok(id)
}

/// An indicator of a standard the caller manages, with its standard's tree.
pub async fn indicator(st: &AppState, p: &Principal, id: i64) -> AppResult<(StandardView, Node)> {
    let d = store::indicator(&st.db, id).await?;
    let v = get(st, p, d.standard_id).await?;
    let n = v.nodes.iter().find(|n| n.ind.id == id).cloned().ok_or(AppError::NotFound)?;
    Ok((v, n))
}

pub async fn update_indicator(st: &AppState, p: &Principal, id: i64, f: &IndicatorForm) -> AppResult<i64> {
    let d = store::indicator(&st.db, id).await?;
    let s = editable(st, p, d.standard_id).await?;
    let version = version_of(&f.version)?;
    let nodes = nodes_of(st, s.id).await?;
    let nd = checked(f, &nodes, Some(id)).map_err(into_error)?;
    let mut tx = st.db.begin().await?;
    store::update_indicator(&mut tx, &p.actor(), id, version, &nd).await?;
    tx.commit().await?;
    Ok(s.id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DeleteForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Removes an indicator with its lower ones and their items. Returns the standard's id.
pub async fn delete_indicator(st: &AppState, p: &Principal, id: i64, f: &DeleteForm) -> AppResult<i64> {
    let d = store::indicator(&st.db, id).await?;
    let s = editable(st, p, d.standard_id).await?;
    let version = version_of(&f.version)?;
    let mut tx = st.db.begin().await?;
    store::delete_indicator(&mut tx, &p.actor(), id, version).await?;
    tx.commit().await?;
    Ok(s.id)
}

// ------------------------------------------------------------------------------ XLSX

/// The columns of the export and the import, in order.
pub const XLSX_HEADERS: &[&str] = &["编号", "指标", "满分", "评分细则", "佐证材料", "类别", "评分项", "分值"];

fn xlsx_columns() -> Vec<Column> {
    XLSX_HEADERS.iter().map(|h| Column { header: h.to_string(), width: None, text: *h == "编号" }).collect()
}

/// The rows of a tree: an indicator's row, then a row per item.
fn xlsx_rows(nodes: &[Node]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for n in nodes {
        rows.push(vec![
            n.number.clone(),
            n.ind.name.clone(),
            if n.leaf { points_text(n.ind.max_tenths) } else { String::new() },
            n.ind.rule.clone().unwrap_or_default(),
            n.ind.evidence.clone().unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for i in &n.items {
            rows.push(vec![
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                i.kind_label().to_string(),
                i.text.clone(),
                if i.kind == "veto" { String::new() } else { points_text(i.points_tenths) },
            ]);
        }
    }
    rows
}

pub async fn export(st: &AppState, p: &Principal, id: i64) -> AppResult<(String, Vec<u8>)> {
    let v = get(st, p, id).await?;
    let table = Table { title: Some(v.standard.title.clone()), sheet_name: "评分标准".into(), columns: xlsx_columns(), rows: xlsx_rows(&v.nodes) };
    let bytes = write_tables(&[table]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    Ok((format!("{}.xlsx", v.standard.title), bytes))
}

/// Reads the rows of an import into a tree, or the messages "第N行 字段：…".
pub fn parse_import(rows: &[Vec<String>]) -> Result<Vec<TreeRow>, Vec<String>> {
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(XLSX_HEADERS[0])) else {
        return Err(vec![format!("未找到表头行（第一列应为“{}”），请使用本系统导出的评分标准表", XLSX_HEADERS[0])]);
    };
    let header = rows.get(hpos).cloned().unwrap_or_default();
    for (i, h) in XLSX_HEADERS.iter().enumerate() {
        if header.get(i).map(|c| c.trim()) != Some(*h) {
            return Err(vec![format!("第{}行 表头第{}列应为“{}”，请使用本系统导出的评分标准表", hpos + 1, i + 1, h)]);
        }
    }
    let mut errors = Vec::new();
    let mut out: Vec<TreeRow> = Vec::new();
    // number (1.2) → index in out
    let mut numbers: Vec<(Vec<u32>, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(hpos + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = i + 1;
        let cell = |k: usize| r.get(k).map(|c| c.trim().to_string()).unwrap_or_default();
        if out.len() >= INDICATORS_MAX {
            errors.push(format!("第{line}行 一个评分标准最多 {INDICATORS_MAX} 个指标"));
            break;
        }
        if cell(0).is_empty() && cell(1).is_empty() {
            // an item of the indicator above
            let Some(last) = out.last_mut() else {
                errors.push(format!("第{line}行 评分项前面没有指标行"));
                continue;
            };
            match item_of(&cell(5), &cell(7), &cell(6)) {
                Ok(it) if last.d.items.len() < ITEMS_MAX => last.d.items.push(it),
                Ok(_) => errors.push(format!("第{line}行 一个指标最多 {ITEMS_MAX} 个评分项")),
                Err(m) => {
                    let field = if m.starts_with("类别") {
                        "类别"
                    } else if m.contains("分值") {
                        "分值"
                    } else {
                        "评分项"
                    };
                    errors.push(format!("第{line}行 {field}：{m}"));
                }
            }
            continue;
        }
        let number: Option<Vec<u32>> = cell(0).trim_end_matches('.').split('.').map(|x| x.trim().parse::<u32>().ok().filter(|v| *v > 0)).collect();
        let Some(number) = number.filter(|n| !n.is_empty() && n.len() <= DEPTH_MAX) else {
            errors.push(format!("第{line}行 编号：“{}”无效，应为 1、1.1、1.1.1 这样的编号（最多 {DEPTH_MAX} 级）", cell(0)));
            continue;
        };
        if numbers.iter().any(|(n, _)| *n == number) {
            errors.push(format!("第{line}行 编号：{} 重复", cell(0)));
            continue;
        }
        let parent = if number.len() > 1 {
            match numbers.iter().find(|(n, _)| n[..] == number[..number.len() - 1]) {
                Some((_, idx)) => Some(*idx),
                None => {
                    errors.push(format!("第{line}行 编号：{} 的上级指标不在本表前面的行中", cell(0)));
                    continue;
                }
            }
        } else {
            None
        };
        let name = cell(1);
        if name.is_empty() {
            errors.push(format!("第{line}行 指标：不能为空"));
        } else if name.chars().count() > NAME_MAX {
            errors.push(format!("第{line}行 指标：不能超过 {NAME_MAX} 字"));
        }
        let max_tenths = match cell(2).as_str() {
            "" => 0,
            s => parse_points(s).unwrap_or_else(|| {
                errors.push(format!("第{line}行 满分：“{s}”无效，应为不小于 0 的分值，最多一位小数"));
                0
            }),
        };
        for (k, label) in [(3, "评分细则"), (4, "佐证材料")] {
            if cell(k).chars().count() > RULE_MAX {
                errors.push(format!("第{line}行 {label}：不能超过 {RULE_MAX} 字"));
            }
        }
        if let Some(pi) = parent
            && let Some(pr) = out.get(pi)
            && !pr.d.items.is_empty()
        {
            errors.push(format!("第{line}行 编号：上级指标 {} 已有评分项，评分项只能设在末级指标上", cell(0)));
        }
        let seq = i64::from(number.last().copied().unwrap_or(1));
        let opt = |s: String| if s.is_empty() { None } else { Some(s) };
        numbers.push((number, out.len()));
        out.push(TreeRow { parent, d: NewIndicator { parent_id: None, seq, name, max_tenths, rule: opt(cell(3)), evidence: opt(cell(4)), items: vec![] } });
        // an indicator row may carry its first item in the item columns
        if !cell(5).is_empty() || !cell(6).is_empty() {
            match item_of(&cell(5), &cell(7), &cell(6)) {
                Ok(it) => {
                    if let Some(last) = out.last_mut() {
                        last.d.items.push(it);
                    }
                }
                Err(m) => errors.push(format!("第{line}行 评分项：{m}")),
            }
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("文件中没有指标行".into());
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Replaces the indicators of a standard not yet used by those of the file: Ok(count) or the
/// row errors; with any error nothing is written.
pub async fn import(st: &AppState, p: &Principal, id: i64, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    editable(st, p, id).await?;
    let rows = match read_rows(bytes) {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let tree = match parse_import(&rows) {
        Ok(t) => t,
        Err(errs) => return Ok(Err(errs)),
    };
    let mut tx = st.db.begin().await?;
    let n = store::replace_tree(&mut tx, &p.actor(), id, &tree, true).await?;
    tx.commit().await?;
    Ok(Ok(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_and_write_in_tenths() {
        assert_eq!(parse_points("2"), Some(20));
        assert_eq!(parse_points("0.5"), Some(5));
        assert_eq!(parse_points("1.5分"), Some(15));
        assert_eq!(parse_points("-1"), None);
        assert_eq!(parse_points("1.25"), None);
        assert_eq!(parse_points("abc"), None);
        assert_eq!(parse_points("99999"), None);
        assert_eq!(points_text(15), "1.5");
        assert_eq!(points_text(20), "2");
        assert_eq!(points_text(-5), "-0.5");
    }

    #[test]
    fn items_text_round_trips() {
        let items = parse_items("扣分 1 未制定年度计划\n加分 2 主动发现并查处案件\n否决 发生严重违纪违法案件\n").unwrap_or_default();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], ("deduct".to_string(), "未制定年度计划".to_string(), 10));
        assert_eq!(items[2].2, 0);
        assert!(parse_items("扣分 x 没有分值").is_err());
        assert!(parse_items("其他 1 类别不对").unwrap_err().starts_with("第1行"));
    }

    #[test]
    fn the_tree_numbers_and_sums() {
        let ind = |id, parent, seq, max| Indicator { id, standard_id: 1, parent_id: parent, seq, name: format!("指标{id}"), max_tenths: max, rule: None, evidence: None, version: 1 };
        let inds = vec![ind(1, None, 1, 0), ind(2, Some(1), 1, 50), ind(3, Some(1), 2, 30), ind(4, None, 2, 0), ind(5, Some(4), 1, 20)];
        let nodes = tree(&inds, &[]);
        let numbers: Vec<&str> = nodes.iter().map(|n| n.number.as_str()).collect();
        assert_eq!(numbers, vec!["1", "1.1", "1.2", "2", "2.1"]);
        assert_eq!(nodes[0].max_tenths, 80);
        assert_eq!(total_max(&nodes), 100);
        assert!(!nodes[0].leaf && nodes[1].leaf);
    }
}
