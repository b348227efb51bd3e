//! Scores (issue 10, items 3 and 4): per unit of a campaign, the unit's self-score (its 党务
//! staff or 书记, until the self-check deadline), each inspector's sheet (a member of the unit's
//! group, `ScoreInspection`) and the group leader's reconciliation; then the results — totals,
//! grade by the thresholds in the settings, 一票否决 applied, rank within each kind of unit — the
//! organiser's approval that locks them, and their XLSX and DOCX.
//!
//! Points are never typed: a row is the items chosen (with counts), a reason and evidence; the
//! points follow from the standard (deductions capped at the indicator's maximum, the unit's
//! bonuses capped by the standard, a veto item forcing 差). Every row carries a version: a stale
//! save answers 409 and the page keeps what was typed.
//!
//! Need-to-know: the organiser sees every sheet and result; a group's leader and members the
//! sheets and results of their group's units; a unit its own self-score and, after approval,
//! its own result only. Another unit's row answers 404 (as `campaigns::unit` does).

use std::collections::{BTreeMap, HashMap};

use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::inspection::scores::{self as store, NewRow};
pub use lianzheng_store::inspection::scores::{Deduction, Row, Scoring, TABLES};
use lianzheng_store::inspection::standards as std_store;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::campaigns::{self, Campaign, UnitView};
use super::standards::{self, Node, Standard, points_text};
use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::state::AppState;

pub const SELF: &str = "self";
pub const INSPECTOR: &str = "inspector";
pub const FINAL: &str = "final";
const REASON_MAX: usize = 1_000;
const COUNT_MAX: i64 = 99;
/// The grades, best first.
pub const GRADES: &[&str] = &["好", "较好", "一般", "差"];

// ------------------------------------------------------------------------------ computing

/// What a row comes to: the indicator's points after the capped deductions, its bonus points, a veto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Points {
    pub points: i64,
    pub bonus: i64,
    pub veto: bool,
}

/// The points of a last-level indicator for the items chosen (item, count); an item not of
/// this indicator, or a count out of range, is the message.
pub fn compute(node: &Node, chosen: &[(i64, i64)]) -> Result<Points, String> {
    let (mut deducted, mut bonus, mut veto) = (0i64, 0i64, false);
    for (item, count) in chosen {
        let Some(it) = node.items.iter().find(|i| i.id == *item) else { return Err(format!("“{}”中没有所选评分项", node.ind.name)) };
        if *count < 1 || *count > COUNT_MAX || (it.kind == "veto" && *count != 1) {
            return Err(format!("“{}”的次数应为 1～{COUNT_MAX}", it.text));
        }
        match it.kind.as_str() {
            "deduct" => deducted += it.points_tenths * count,
            "bonus" => bonus += it.points_tenths * count,
            _ => veto = true,
        }
    }
    Ok(Points { points: node.max_tenths - deducted.min(node.max_tenths), bonus, veto })
}

/// A sheet's total: every last-level indicator's points (full marks where the sheet has no
/// row), the bonuses capped by the standard, and whether a veto item was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Total {
    pub points: i64,
    pub bonus: i64,
    pub veto: bool,
}

impl Total {
    pub fn total(&self) -> i64 {
        self.points + self.bonus
    }
    pub fn text(&self) -> String {
        points_text(self.total())
    }
}

pub fn total_of(nodes: &[Node], rows: &HashMap<i64, Points>, bonus_cap: i64) -> Total {
    let mut t = Total::default();
    let mut bonus = 0;
    for n in nodes.iter().filter(|n| n.leaf) {
        match rows.get(&n.ind.id) {
            Some(p) => {
                t.points += p.points;
                bonus += p.bonus;
                t.veto |= p.veto;
            }
            None => t.points += n.max_tenths,
        }
    }
    t.bonus = bonus.min(bonus_cap);
    t
}

/// The grade: 差 under a veto, else by the share of full marks against the thresholds (percent).
pub fn grade(total: i64, max: i64, veto: bool, thresholds: (u32, u32, u32)) -> &'static str {
    if veto {
        return "差";
    }
    let pct = if max > 0 { total * 100 / max } else { 0 };
    let (good, fair, average) = (i64::from(thresholds.0), i64::from(thresholds.1), i64::from(thresholds.2));
    if pct >= good {
        "好"
    } else if pct >= fair {
        "较好"
    } else if pct >= average {
        "一般"
    } else {
        "差"
    }
}

fn thresholds(st: &AppState) -> (u32, u32, u32) {
    (st.policy.inspection_grade_good, st.policy.inspection_grade_fairly_good, st.policy.inspection_grade_average)
}

// ------------------------------------------------------------------------------ who sees what

/// The caller's part in a unit's scoring.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Part {
    pub organiser: bool,
    /// A member (or the leader) of the unit's group, with ScoreInspection.
    pub inspector: bool,
    pub leader: bool,
    /// The unit's own 党务 staff or 书记.
    pub unit: bool,
}

impl Part {
    pub fn sees_sheets(&self) -> bool {
        self.organiser || self.inspector
    }
}

/// Whether the caller is the unit's 党务 staff or 书记 (its self-score is theirs).
fn unit_side(p: &Principal, org_path: &str) -> bool {
    let roles: Vec<_> = p.grants.iter().filter(|g| matches!(g.role(), Some(Role::PartyStaff | Role::Secretary))).collect();
    if roles.is_empty() {
        return false;
    }
    let scope = Scope::of_grants(roles.iter().map(|g| lianzheng_core::org::GrantedRole { role: g.role().unwrap_or(Role::Cadre), org_path: g.org_path.as_deref() }), Permission::ViewInspection);
    scope.contains(org_path)
}

fn part_of(p: &Principal, v: &UnitView) -> Part {
    let me = p.user.person_id;
    let (member, leader) = match (&v.group, me) {
        (Some(g), Some(me)) => {
            let leader = g.group.leader_id == Some(me);
            (leader || g.members.iter().any(|m| m.person_id == me), leader)
        }
        _ => (false, false),
    };
    let score = p.can(Permission::ScoreInspection);
    Part { organiser: v.can_manage, inspector: member && score, leader: leader && score, unit: unit_side(p, &v.unit.org_path) }
}

/// The campaign's scoring and standard (the standard's tree), if it picked one.
async fn scoring_of(st: &AppState, campaign_id: i64) -> AppResult<(Scoring, Option<(Standard, Vec<Node>)>)> {
    let s = store::scoring(&st.db, campaign_id).await?.unwrap_or(Scoring { campaign_id, ..Scoring::default() });
    let std = match s.standard_id {
        Some(id) => Some((std_store::get(&st.db, id).await?, standards::nodes_of(st, id).await?)),
        None => None,
    };
    Ok((s, std))
}

// ------------------------------------------------------------------------------ a unit's sheets

/// A row as shown: its stored row, the items chosen and what they come to.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub row: Row,
    /// item → count
    pub items: BTreeMap<i64, i64>,
}

/// A sheet: its rows by indicator, its total.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Sheet {
    pub scorer_id: i64,
    pub scorer_name: String,
    pub rows: BTreeMap<i64, RowView>,
    pub total: Total,
}

impl Sheet {
    fn points(&self) -> HashMap<i64, Points> {
        self.rows.iter().map(|(k, r)| (*k, Points { points: r.row.points_tenths, bonus: r.row.bonus_tenths, veto: r.row.veto })).collect()
    }
    pub fn row(&self, indicator: i64) -> Option<&RowView> {
        self.rows.get(&indicator)
    }
    pub fn count(&self, indicator: i64, item: i64) -> i64 {
        self.rows.get(&indicator).and_then(|r| r.items.get(&item).copied()).unwrap_or(0)
    }
    /// The points shown for an indicator ("—" where nothing was chosen: full marks).
    pub fn points_text(&self, n: &Node) -> String {
        match self.rows.get(&n.ind.id) {
            Some(r) => {
                let mut s = points_text(r.row.points_tenths);
                if r.row.bonus_tenths > 0 {
                    s.push_str(&format!("（+{}）", points_text(r.row.bonus_tenths)));
                }
                if r.row.veto {
                    s.push_str("（否决）");
                }
                s
            }
            None => points_text(n.max_tenths),
        }
    }
}

fn sheets_of(rows: Vec<Row>, items: &[(i64, i64, i64)], nodes: &[Node], cap: i64) -> (Option<Sheet>, Vec<Sheet>, Option<Sheet>) {
    let mut by: BTreeMap<(String, i64), Sheet> = BTreeMap::new();
    // the items grouped by row once (a campaign's results pass thousands of rows here)
    let mut chosen_by: HashMap<i64, BTreeMap<i64, i64>> = HashMap::new();
    for (s, i, c) in items {
        chosen_by.entry(*s).or_default().insert(*i, *c);
    }
    for r in rows {
        let chosen = chosen_by.remove(&r.id).unwrap_or_default();
        let sh = by.entry((r.sheet.clone(), r.scorer_id)).or_insert_with(|| Sheet { scorer_id: r.scorer_id, scorer_name: r.scorer_name.clone().unwrap_or_default(), ..Sheet::default() });
        sh.rows.insert(r.indicator_id, RowView { row: r, items: chosen });
    }
    for sh in by.values_mut() {
        sh.total = total_of(nodes, &sh.points(), cap);
    }
    let own = by.remove(&(SELF.to_string(), 0));
    let fin = by.remove(&(FINAL.to_string(), 0));
    let inspectors = by.into_iter().filter(|((k, _), _)| k == INSPECTOR).map(|(_, v)| v).collect();
    (own, inspectors, fin)
}

/// One indicator side by side: each inspector's points, whether they differ, the final.
#[derive(Debug, Clone, Serialize)]
pub struct Compare {
    pub indicator_id: i64,
    /// per inspector (in the order of `inspectors`)
    pub points: Vec<Points>,
    pub differ: bool,
    /// the reconciled value: the final row, else the inspectors' agreed one
    pub reconciled: Option<Points>,
}

/// A unit's scoring as the caller sees it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScores {
    pub v: UnitView,
    pub part: Part,
    pub scoring: Scoring,
    pub standard: Option<Standard>,
    pub nodes: Vec<Node>,
    pub total_max: i64,
    /// The unit's own sheet (the unit and the group and organiser see it).
    pub own: Option<Sheet>,
    /// The inspectors' sheets (group and organiser only).
    pub inspectors: Vec<Sheet>,
    /// The leader's reconciled rows (group and organiser; the unit after approval).
    pub fin: Option<Sheet>,
    pub compare: Vec<Compare>,
    /// The reconciled total when every indicator is reconciled.
    pub reconciled: Option<Total>,
    pub pending: usize,
    pub approved: bool,
    /// The unit may still write its self-score (open campaign, before the deadline).
    pub self_open: bool,
    pub may_inspect: bool,
    pub may_reconcile: bool,
}

impl UnitScores {
    pub fn max_text(&self) -> String {
        points_text(self.total_max)
    }
    pub fn my_sheet(&self, me: i64) -> Option<&Sheet> {
        self.inspectors.iter().find(|s| s.scorer_id == me)
    }
    pub fn compare_of(&self, indicator: i64) -> Option<&Compare> {
        self.compare.iter().find(|c| c.indicator_id == indicator)
    }
}

fn reconcile_view(nodes: &[Node], inspectors: &[Sheet], fin: Option<&Sheet>, cap: i64) -> (Vec<Compare>, Option<Total>, usize) {
    let mut out = Vec::new();
    let mut pending = 0;
    let mut rows: HashMap<i64, Points> = HashMap::new();
    let sheets: Vec<HashMap<i64, Points>> = inspectors.iter().map(Sheet::points).collect();
    for n in nodes.iter().filter(|n| n.leaf) {
        let pts: Vec<Points> = sheets.iter().map(|s| s.get(&n.ind.id).copied().unwrap_or(Points { points: n.max_tenths, bonus: 0, veto: false })).collect();
        let differ = pts.windows(2).any(|w| w[0] != w[1]);
        let fin_row = fin.and_then(|f| f.rows.get(&n.ind.id)).map(|r| Points { points: r.row.points_tenths, bonus: r.row.bonus_tenths, veto: r.row.veto });
        let reconciled = fin_row.or(if differ || pts.is_empty() { None } else { pts.first().copied() });
        match reconciled {
            Some(p) => {
                rows.insert(n.ind.id, p);
            }
            None => pending += 1,
        }
        out.push(Compare { indicator_id: n.ind.id, points: pts, differ, reconciled });
    }
    let scored = !inspectors.is_empty() || fin.is_some_and(|f| !f.rows.is_empty());
    let total = (scored && pending == 0).then(|| total_of(nodes, &rows, cap));
    (out, total, if scored { pending } else { 0 })
}

/// A unit's scoring: 404 for a unit the caller does not see; the sheets by need-to-know.
pub async fn unit(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<UnitScores> {
    let v = campaigns::unit(st, p, unit_id).await?;
    let part = part_of(p, &v);
    let (scoring, std) = scoring_of(st, v.campaign.id).await?;
    let approved = scoring.approved_at.is_some();
    let (standard, nodes) = match std {
        Some((s, n)) => (Some(s), n),
        None => (None, vec![]),
    };
    let cap = standard.as_ref().map_or(0, |s| s.bonus_cap_tenths);
    let (own, inspectors, fin) = if part.sees_sheets() || part.unit {
        let rows = store::of_unit(&st.db, unit_id).await?;
        let items = store::items_of_unit(&st.db, unit_id).await?;
        sheets_of(rows, &items, &nodes, cap)
    } else {
        (None, vec![], None)
    };
    let (compare, reconciled, pending) = reconcile_view(&nodes, &inspectors, fin.as_ref(), cap);
    let today = lianzheng_core::duty::format_date(calendar::today());
    let open = v.campaign.status == "open" && !approved && standard.is_some();
    let self_open = open && part.unit && v.self_check_due.as_deref().is_none_or(|d| today.as_str() <= d);
    let (inspectors, fin, compare, reconciled) = if part.sees_sheets() {
        (inspectors, fin, compare, reconciled)
    } else if part.unit && approved {
        // the unit's own result after approval: the reconciled sheet and total, never each inspector's
        (vec![], fin, vec![], reconciled)
    } else {
        (vec![], None, vec![], None)
    };
    if part.sees_sheets() && !inspectors.is_empty() {
        p.log_read(st, "inspection_score.read", "inspection_unit", Some(unit_id.to_string()), json!({"sheets": inspectors.len()})).await?;
    }
    Ok(UnitScores {
        total_max: standards::total_max(&nodes),
        may_inspect: open && part.inspector,
        may_reconcile: open && part.leader,
        v,
        part,
        scoring,
        standard,
        nodes,
        own,
        inspectors,
        fin,
        compare,
        reconciled,
        pending,
        approved,
        self_open,
    })
}

// ------------------------------------------------------------------------------ saving a sheet

/// One row as sent: the indicator, the version of the row being edited (blank: a new row), the
/// items chosen with their counts, reason and evidence; for the final sheet, `from` (an
/// inspector's person id whose row is adopted) instead of items.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RowInput {
    #[serde(deserialize_with = "lenient")]
    pub indicator_id: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// [{item_id, count}] or "item:count,item:count"
    #[serde(deserialize_with = "chosen_list")]
    pub items: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    #[serde(deserialize_with = "lenient")]
    pub evidence: String,
    #[serde(deserialize_with = "lenient")]
    pub from: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SheetInput {
    pub rows: Vec<RowInput>,
}

/// Items as a JSON list of {item_id, count} (or numbers: count 1) or "id:count,…" text.
fn chosen_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    let num = |x: &serde_json::Value| match x {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(match v {
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| match x {
                serde_json::Value::Object(o) => format!("{}:{}", o.get("item_id").map(num).unwrap_or_default(), o.get("count").map(num).unwrap_or_else(|| "1".into())),
                other => format!("{}:1", num(other)),
            })
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

/// "id:count,…" read: None on anything malformed.
pub fn parse_chosen(s: &str) -> Option<Vec<(i64, i64)>> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for part in s.split([',', ' ', '，']).map(str::trim).filter(|x| !x.is_empty()) {
        let (a, b) = part.split_once(':').unwrap_or((part, "1"));
        let item = a.trim().parse::<i64>().ok()?;
        let count = b.trim().parse::<i64>().ok()?;
        if count == 0 {
            continue;
        }
        if out.iter().any(|(i, _)| *i == item) {
            return None;
        }
        out.push((item, count));
    }
    out.sort_unstable();
    Some(out)
}

impl SheetInput {
    /// The page form: `v_{indicator}` version, `c_{item}` count, `r_{indicator}` reason,
    /// `e_{indicator}` evidence, `f_{indicator}` adopted inspector; indicators listed in `ind`.
    pub fn from_pairs(pairs: &[(String, String)], nodes: &[Node]) -> SheetInput {
        let get = |k: &str| pairs.iter().rev().find(|(a, _)| a == k).map(|(_, b)| b.clone()).unwrap_or_default();
        let mut rows = Vec::new();
        for n in nodes.iter().filter(|n| n.leaf) {
            let id = n.ind.id;
            if !pairs.iter().any(|(k, _)| k == &format!("v_{id}")) {
                continue;
            }
            let items = n
                .items
                .iter()
                .filter_map(|i| {
                    let c = get(&format!("c_{}", i.id));
                    let c = c.trim();
                    (!c.is_empty() && c != "0").then(|| format!("{}:{}", i.id, c))
                })
                .collect::<Vec<_>>()
                .join(",");
            rows.push(RowInput { indicator_id: id.to_string(), version: get(&format!("v_{id}")), items, reason: get(&format!("r_{id}")), evidence: get(&format!("e_{id}")), from: get(&format!("f_{id}")) });
        }
        SheetInput { rows }
    }
}

/// A row checked and computed.
struct Checked {
    indicator_id: i64,
    version: Option<i64>,
    items: Vec<(i64, i64)>,
    p: Points,
    reason: Option<String>,
    evidence: Option<String>,
}

fn opt_text(e: &mut FieldErrors, key: String, label: &str, s: &str) -> Option<String> {
    let t = s.trim();
    if t.chars().count() > REASON_MAX {
        e.insert(key, format!("{label}不能超过 {REASON_MAX} 字"));
        return None;
    }
    (!t.is_empty()).then(|| t.to_string())
}

fn check_rows(input: &SheetInput, nodes: &[Node], us: &UnitScores, sheet: &str) -> Result<Vec<Checked>, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for r in &input.rows {
        let Some(n) = r.indicator_id.trim().parse::<i64>().ok().and_then(|id| nodes.iter().find(|n| n.leaf && n.ind.id == id)) else {
            e.insert("rows".into(), "所填指标不属于本次检查考核的评分标准（或不是末级指标）".into());
            continue;
        };
        let id = n.ind.id;
        if seen.contains(&id) {
            e.insert(format!("r_{id}"), format!("“{}”重复填写", n.ind.name));
            continue;
        }
        seen.push(id);
        let version = match r.version.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    e.insert(format!("r_{id}"), "版本号无效，请刷新页面后重试".into());
                    continue;
                }
            },
        };
        let reason = opt_text(&mut e, format!("r_{id}"), "理由", &r.reason);
        let evidence = opt_text(&mut e, format!("e_{id}"), "佐证", &r.evidence);
        // the final sheet may adopt an inspector's row as it is
        let items = match (sheet, r.from.trim()) {
            (FINAL, from) if !from.is_empty() => match from.parse::<i64>().ok().and_then(|pid| us.inspectors.iter().find(|s| s.scorer_id == pid)) {
                Some(s) => s.rows.get(&id).map(|rv| rv.items.iter().map(|(a, b)| (*a, *b)).collect()).unwrap_or_default(),
                None => {
                    e.insert(format!("f_{id}"), "所选检查组成员没有对本单位评分".into());
                    continue;
                }
            },
            _ => match parse_chosen(&r.items) {
                Some(v) => v,
                None => {
                    e.insert(format!("r_{id}"), format!("“{}”的评分项格式无效", n.ind.name));
                    continue;
                }
            },
        };
        let p = match compute(n, &items) {
            Ok(p) => p,
            Err(m) => {
                e.insert(format!("r_{id}"), m);
                continue;
            }
        };
        // a deduction or veto needs its reason (the finding's text); the final one where the inspectors differ
        if reason.is_none() && (p.veto || p.points < n.max_tenths) && sheet != SELF {
            e.insert(format!("r_{id}"), format!("“{}”有扣分或否决，请填写理由", n.ind.name));
        }
        if sheet == FINAL && reason.is_none() && us.compare_of(id).is_some_and(|c| c.differ) {
            e.insert(format!("r_{id}"), format!("“{}”各检查组成员评分不一致，请填写协调理由", n.ind.name));
        }
        out.push(Checked { indicator_id: id, version, items, p, reason, evidence });
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// Saves rows of one sheet of a unit: the unit's own (`self`), the caller's as an inspector
/// (`inspector`) or the leader's reconciled one (`final`). Rows whose content is unchanged are
/// left alone; a changed row needs its current version (else 409, nothing saved).
pub async fn save(st: &AppState, p: &Principal, unit_id: i64, sheet: &str, input: &SheetInput) -> AppResult<UnitScores> {
    // the permission before the object: without it, 403 whatever the id
    if sheet != SELF {
        p.require(Permission::ScoreInspection)?;
    }
    let us = unit(st, p, unit_id).await?;
    if us.standard.is_none() {
        return Err(AppError::Conflict("本次检查考核尚未选定评分标准".into()));
    }
    let scorer_id = match sheet {
        SELF => {
            if !us.part.unit {
                return Err(AppError::Forbidden);
            }
            0
        }
        INSPECTOR => {
            if !us.part.inspector {
                return Err(AppError::Forbidden);
            }
            p.user.person_id.map_or(0, |x| x.get())
        }
        FINAL => {
            if !us.part.leader {
                return Err(AppError::Refused("只有该单位检查组的组长可以协调确定最终评分".into()));
            }
            0
        }
        _ => return Err(AppError::NotFound),
    };
    if us.approved {
        return Err(AppError::Conflict("评分结果已审定，不能再修改评分".into()));
    }
    if us.v.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能评分".into()));
    }
    if sheet == SELF && !us.self_open {
        return Err(AppError::Conflict(format!("自查自评已于 {} 截止，不能再修改自评分", us.v.self_check_due.clone().unwrap_or_default())));
    }
    let rows = check_rows(input, &us.nodes, &us, sheet).map_err(into_error)?;
    let current: Option<&Sheet> = match sheet {
        SELF => us.own.as_ref(),
        FINAL => us.fin.as_ref(),
        _ => us.inspectors.iter().find(|s| s.scorer_id == scorer_id),
    };
    let mut tx = st.db.begin().await?;
    if store::approved_in(&mut tx, us.v.campaign.id).await? {
        return Err(AppError::Conflict("评分结果已审定，不能再修改评分".into()));
    }
    for r in &rows {
        let stored = current.and_then(|s| s.rows.get(&r.indicator_id));
        let same = stored.is_some_and(|rv| rv.items.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>() == r.items && rv.row.reason == r.reason && rv.row.evidence == r.evidence && Some(rv.row.version) == r.version);
        if same || (stored.is_none() && r.version.is_none() && r.items.is_empty() && r.reason.is_none() && r.evidence.is_none()) {
            continue;
        }
        let name = us.nodes.iter().find(|n| n.ind.id == r.indicator_id).map(|n| n.ind.name.clone()).unwrap_or_default();
        let res = store::save(
            &mut tx,
            &p.actor(),
            &NewRow {
                campaign_id: us.v.campaign.id,
                unit_id,
                indicator_id: r.indicator_id,
                sheet,
                scorer_id,
                points_tenths: r.p.points,
                bonus_tenths: r.p.bonus,
                veto: r.p.veto,
                reason: r.reason.as_deref(),
                evidence: r.evidence.as_deref(),
                items: &r.items,
            },
            r.version,
        )
        .await;
        match res {
            Ok(_) => {}
            Err(lianzheng_store::StoreError::Stale) => return Err(AppError::Conflict(format!("“{name}”的评分已被他人修改，未保存任何内容；您填写的内容仍在页面上，请核对后刷新重试"))),
            Err(e) => return Err(e.into()),
        }
    }
    tx.commit().await?;
    unit(st, p, unit_id).await
}

// ------------------------------------------------------------------------------ the campaign's standard

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PickForm {
    #[serde(deserialize_with = "lenient")]
    pub standard_id: String,
    /// The scoring's version (blank or 0 when the campaign has none yet).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// The standards the organiser may pick for a campaign: his bodies', of the campaign's year first.
pub async fn choices(st: &AppState, p: &Principal, c: &Campaign) -> AppResult<Vec<Standard>> {
    let mut v = standards::list(st, p).await?;
    v.sort_by_key(|s| (s.year != c.year, -s.year, s.id));
    Ok(v)
}

/// The organiser picks the campaign's standard (not once a score was saved).
pub async fn pick(st: &AppState, p: &Principal, campaign_id: i64, f: &PickForm) -> AppResult<()> {
    p.require(Permission::ManageInspection)?;
    let (c, a, _) = campaigns::access(st, p, campaign_id).await?;
    if !a.organiser() {
        return Err(AppError::Forbidden);
    }
    let scope = p.require(Permission::ManageInspection)?;
    let sid = f.standard_id.trim().parse::<i64>().ok().filter(|x| *x > 0);
    let standard = match sid {
        Some(id) => match std_store::get(&st.db, id).await {
            Ok(s) if scope.contains(&s.org_path) => Some(s),
            Ok(_) | Err(lianzheng_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let Some(standard) = standard else { return Err(AppError::field("standard_id", "请选择评分标准（须为您管理范围内的评分标准）")) };
    let (scoring, _) = scoring_of(st, c.id).await?;
    if scoring.approved_at.is_some() {
        return Err(AppError::Conflict("评分结果已审定，不能更换评分标准".into()));
    }
    let scored = st.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM inspection_scores WHERE campaign_id = $1").bind(c.id)).await?;
    if scored > 0 && scoring.standard_id != Some(standard.id) {
        return Err(AppError::Conflict("已有单位按原评分标准评分，不能更换评分标准".into()));
    }
    let version = match f.version.trim() {
        "" => scoring.version,
        v => v.parse::<i64>().map_err(|_| AppError::field("version", "缺少版本号，请刷新页面后重试"))?,
    };
    let mut tx = st.db.begin().await?;
    store::set_standard(&mut tx, &p.actor(), c.id, version, standard.id).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------------------ results

/// A unit's result.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    pub unit_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub kind_label: &'static str,
    pub spot_checked: bool,
    pub self_total: Option<Total>,
    pub inspectors: usize,
    /// Every indicator reconciled: the group's total.
    pub reconciled: Option<Total>,
    pub pending: usize,
    /// The total the grade and rank come from: the group's, or the self-score of a unit not spot-checked.
    pub total: Option<Total>,
    /// 检查组评定 / 自评 / 待协调 / 待评分
    pub basis: &'static str,
    pub grade: Option<&'static str>,
    /// The veto items chosen (why the grade is 差).
    pub veto_reasons: Vec<String>,
    /// Rank within the units of the same kind (units with a total only).
    pub rank: Option<usize>,
    /// Per last-level indicator: the points of the total's basis.
    pub by_indicator: HashMap<i64, i64>,
}

impl UnitResult {
    pub fn total_text(&self) -> String {
        self.total.map(|t| t.text()).unwrap_or_else(|| "—".into())
    }
    pub fn self_text(&self) -> String {
        self.self_total.map(|t| t.text()).unwrap_or_else(|| "—".into())
    }
    pub fn reconciled_text(&self) -> String {
        self.reconciled.map(|t| t.text()).unwrap_or_else(|| "—".into())
    }
    pub fn grade_text(&self) -> &str {
        self.grade.unwrap_or("—")
    }
    pub fn rank_text(&self) -> String {
        self.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())
    }
}

/// A campaign's results as the caller sees them.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub campaign: Campaign,
    pub scoring: Scoring,
    pub standard: Option<Standard>,
    pub nodes: Vec<Node>,
    pub total_max: i64,
    pub rows: Vec<UnitResult>,
    pub organiser: bool,
    pub approved: bool,
    /// Spot-checked units not yet scored or reconciled (the approval waits for them).
    pub blocking: Vec<String>,
    /// The standards the organiser may pick (while nothing is scored).
    pub choices: Vec<Standard>,
    pub may_pick: bool,
    pub thresholds: (u32, u32, u32),
}

impl Results {
    pub fn max_text(&self) -> String {
        points_text(self.total_max)
    }
    pub fn leaves(&self) -> Vec<&Node> {
        self.nodes.iter().filter(|n| n.leaf).collect()
    }
}

/// Computes every unit's result (pure, for the results page, the exports and the bench).
pub fn compute_results(units: &[campaigns::Unit], nodes: &[Node], cap: i64, rows: Vec<Row>, items: &[(i64, i64, i64)], th: (u32, u32, u32)) -> Vec<UnitResult> {
    let max = standards::total_max(nodes);
    let mut by_unit: HashMap<i64, Vec<Row>> = HashMap::new();
    for r in rows {
        by_unit.entry(r.unit_id).or_default().push(r);
    }
    let mut items_by: HashMap<i64, Vec<(i64, i64, i64)>> = HashMap::new();
    for it in items {
        items_by.entry(it.0).or_default().push(*it);
    }
    let item_text: HashMap<i64, (&str, &str)> = nodes.iter().flat_map(|n| n.items.iter().map(|i| (i.id, (i.kind.as_str(), i.text.as_str())))).collect();
    let mut out: Vec<UnitResult> = units
        .iter()
        .map(|u| {
            let rows = by_unit.remove(&u.id).unwrap_or_default();
            let its: Vec<(i64, i64, i64)> = rows.iter().flat_map(|r| items_by.get(&r.id).cloned().unwrap_or_default()).collect();
            let (own, inspectors, fin) = sheets_of(rows, &its, nodes, cap);
            let (compare, reconciled, pending) = reconcile_view(nodes, &inspectors, fin.as_ref(), cap);
            let compare: HashMap<i64, &Compare> = compare.iter().map(|c| (c.indicator_id, c)).collect();
            let scored = !inspectors.is_empty() || fin.as_ref().is_some_and(|f| !f.rows.is_empty());
            let (total, basis) = match (scored, reconciled, u.spot_checked) {
                (_, Some(t), _) => (Some(t), "检查组评定"),
                (true, None, _) => (None, "待协调"),
                (false, None, true) => (None, "待评分"),
                (false, None, false) => (own.as_ref().map(|s| s.total), if own.is_some() { "自评" } else { "未自评" }),
            };
            // the rows behind the total: the final row, else the first inspector's (they agree), else the self-score
            let mut by_indicator = HashMap::new();
            let mut veto_reasons = Vec::new();
            for n in nodes.iter().filter(|n| n.leaf) {
                let rv = if basis == "检查组评定" {
                    fin.as_ref().and_then(|f| f.rows.get(&n.ind.id)).or_else(|| inspectors.first().and_then(|s| s.rows.get(&n.ind.id)))
                } else if basis == "自评" {
                    own.as_ref().and_then(|s| s.rows.get(&n.ind.id))
                } else {
                    None
                };
                let pts = match basis {
                    "检查组评定" => compare.get(&n.ind.id).and_then(|c| c.reconciled).map_or(n.max_tenths, |p| p.points),
                    _ => rv.map_or(n.max_tenths, |r| r.row.points_tenths),
                };
                by_indicator.insert(n.ind.id, pts);
                if let Some(rv) = rv {
                    for item in rv.items.keys() {
                        if let Some(("veto", text)) = item_text.get(item).copied() {
                            veto_reasons.push(match &rv.row.reason {
                                Some(r) => format!("{text}（{r}）"),
                                None => text.to_string(),
                            });
                        }
                    }
                }
            }
            let grade = total.map(|t| grade(t.total(), max, t.veto, th));
            UnitResult {
                unit_id: u.id,
                org_name: u.org_name.clone(),
                org_kind: u.org_kind.clone(),
                kind_label: u.kind_label(),
                spot_checked: u.spot_checked,
                self_total: own.map(|s| s.total),
                inspectors: inspectors.len(),
                reconciled,
                pending,
                total,
                basis,
                grade,
                veto_reasons,
                rank: None,
                by_indicator,
            }
        })
        .collect();
    // rank within each kind: by total, a vetoed unit after the others; equal totals share a rank
    let mut kinds: Vec<String> = out.iter().map(|r| r.org_kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    for k in kinds {
        let mut idx: Vec<usize> = (0..out.len()).filter(|i| out[*i].org_kind == k && out[*i].total.is_some()).collect();
        let key = |r: &UnitResult| r.total.map_or((1, 0), |t| (i64::from(t.veto), -t.total()));
        idx.sort_by_key(|i| key(&out[*i]));
        let mut prev: Option<(i64, i64)> = None;
        let mut rank = 0;
        for (pos, i) in idx.iter().enumerate() {
            let kx = key(&out[*i]);
            if prev != Some(kx) {
                rank = pos + 1;
                prev = Some(kx);
            }
            out[*i].rank = Some(rank);
        }
    }
    out
}

/// A row of a sheet: (unit, sheet, scorer, indicator).
type SheetRow<'a> = (i64, &'a str, i64, i64);
/// The veto items a row chose, (item, count), and the row's reason.
type VetoesOfRow = (Vec<(i64, i64)>, Option<String>);

/// A campaign's score rows as the results read them, and the veto items chosen on them
/// (row, item, count). Read packed (see `store::packed_of_campaign`): a row carries what the
/// results use — its sheet, scorer, indicator, points, bonus, veto, and the reason where it
/// chose a veto item; its id is this answer's own (the items point at it), not the table's.
async fn campaign_rows(st: &AppState, campaign_id: i64) -> AppResult<(Vec<Row>, Vec<(i64, i64, i64)>)> {
    let packed = store::packed_of_campaign(&st.db, campaign_id).await?;
    let vetoes = store::vetoes_of_campaign(&st.db, campaign_id).await?;
    // (unit, sheet, scorer, indicator) → the veto items chosen and the row's reason
    let mut chosen: HashMap<SheetRow<'_>, VetoesOfRow> = HashMap::new();
    for (unit, sheet, scorer, indicator, item, count, reason) in &vetoes {
        let e = chosen.entry((*unit, sheet.as_str(), *scorer, *indicator)).or_insert_with(|| (Vec::new(), reason.clone()));
        e.0.push((*item, *count));
    }
    let bad = || AppError::Internal("评分数据格式异常".into());
    let mut rows = Vec::with_capacity(packed.len() * 64);
    let mut items = Vec::new();
    for (unit_id, sheet, scorer_id, list) in &packed {
        for entry in list.split(',') {
            let mut f = entry.split(':').map(|x| x.parse::<i64>());
            let (Some(Ok(indicator_id)), Some(Ok(points)), Some(Ok(bonus)), Some(Ok(veto)), None) = (f.next(), f.next(), f.next(), f.next(), f.next()) else { return Err(bad()) };
            let id = rows.len() as i64 + 1;
            let mut reason = None;
            if !chosen.is_empty()
                && let Some((its, r)) = chosen.get(&(*unit_id, sheet.as_str(), *scorer_id, indicator_id))
            {
                items.extend(its.iter().map(|(item, count)| (id, *item, *count)));
                reason = r.clone();
            }
            rows.push(Row {
                id,
                campaign_id,
                unit_id: *unit_id,
                indicator_id,
                sheet: sheet.clone(),
                scorer_id: *scorer_id,
                scorer_name: None,
                points_tenths: points,
                bonus_tenths: bonus,
                veto: veto != 0,
                reason,
                evidence: None,
                updated_at: 0,
                version: 0,
            });
        }
    }
    Ok((rows, items))
}

/// The results of a campaign: the organiser sees every unit, a group's members their group's,
/// a unit (after approval) its own only; before approval a unit sees none.
pub async fn results(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<Results> {
    let (c, a, units) = campaigns::access(st, p, campaign_id).await?;
    let (scoring, std) = scoring_of(st, c.id).await?;
    let approved = scoring.approved_at.is_some();
    let (standard, nodes) = match std {
        Some((s, n)) => (Some(s), n),
        None => (None, vec![]),
    };
    let cap = standard.as_ref().map_or(0, |s| s.bonus_cap_tenths);
    let th = thresholds(st);
    let (all, scored) = if standard.is_some() {
        let (rows, items) = campaign_rows(st, c.id).await?;
        let scored = rows.len();
        (compute_results(&units, &nodes, cap, rows, &items, th), scored as i64)
    } else {
        (vec![], st.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM inspection_scores WHERE campaign_id = $1").bind(c.id)).await?)
    };
    let organiser = a.organiser();
    let my_groups: Vec<i64> = match &a {
        campaigns::Access::Partial { groups, .. } => groups.clone(),
        campaigns::Access::Organiser => vec![],
    };
    let scorer = p.can(Permission::ScoreInspection);
    let by_id: HashMap<i64, &campaigns::Unit> = units.iter().map(|u| (u.id, u)).collect();
    let visible = |r: &UnitResult| -> bool {
        let Some(u) = by_id.get(&r.unit_id) else { return false };
        organiser || (scorer && u.group_id.is_some_and(|g| my_groups.contains(&g))) || (approved && unit_side(p, &u.org_path))
    };
    let blocking = if organiser { all.iter().filter(|r| r.spot_checked && matches!(r.basis, "待协调" | "待评分")).map(|r| format!("{}（{}）", r.org_name, r.basis)).collect() } else { vec![] };
    let rows: Vec<UnitResult> = all.into_iter().filter(|r| visible(r)).collect();
    let may_pick = organiser && !approved && scored == 0;
    let choices = if may_pick { choices(st, p, &c).await? } else { vec![] };
    Ok(Results { total_max: standards::total_max(&nodes), campaign: c, scoring, standard, nodes, rows, organiser, approved, blocking, choices, may_pick, thresholds: th })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApproveForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// The organiser approves the results: every spot-checked unit scored and reconciled; then no
/// score is written any more.
pub async fn approve(st: &AppState, p: &Principal, campaign_id: i64, f: &ApproveForm) -> AppResult<Results> {
    p.require(Permission::ManageInspection)?;
    let r = results(st, p, campaign_id).await?;
    if !r.organiser {
        return Err(AppError::Forbidden);
    }
    if r.approved {
        return Err(AppError::Conflict("评分结果已审定".into()));
    }
    if r.standard.is_none() {
        return Err(AppError::invalid("本次检查考核尚未选定评分标准"));
    }
    if !r.blocking.is_empty() {
        return Err(AppError::invalid(format!("以下抽查单位尚未完成评分或协调，不能审定：{}", r.blocking.join("、"))));
    }
    let version = match f.version.trim() {
        "" => r.scoring.version,
        v => v.parse::<i64>().map_err(|_| AppError::field("version", "缺少版本号，请刷新页面后重试"))?,
    };
    let summary = json!({"units": r.rows.len(), "graded": r.rows.iter().filter(|x| x.grade.is_some()).count()});
    let mut tx = st.db.begin().await?;
    store::approve(&mut tx, &p.actor(), campaign_id, version, summary).await?;
    tx.commit().await?;
    results(st, p, campaign_id).await
}

fn result_rows(r: &Results) -> (Vec<String>, Vec<Vec<String>>) {
    let leaves = r.leaves();
    let mut headers = vec!["单位".to_string(), "类型".to_string()];
    headers.extend(leaves.iter().map(|n| format!("{} {}（{}）", n.number, n.ind.name, n.max_text())));
    headers.extend(["加分", "自评得分", "总分", "等次", "排名", "评定依据", "否决事项"].iter().map(|s| s.to_string()));
    let rows = r
        .rows
        .iter()
        .map(|u| {
            let mut row = vec![u.org_name.clone(), u.kind_label.to_string()];
            row.extend(leaves.iter().map(|n| if u.total.is_some() { u.by_indicator.get(&n.ind.id).map(|x| points_text(*x)).unwrap_or_default() } else { String::new() }));
            row.push(u.total.map(|t| points_text(t.bonus)).unwrap_or_default());
            row.extend([u.self_text(), u.total_text(), u.grade_text().to_string(), u.rank_text(), u.basis.to_string(), u.veto_reasons.join("；")]);
            row
        })
        .collect();
    (headers, rows)
}

/// The results as XLSX: unit × indicator, totals, grade, rank.
pub async fn export(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<(String, Vec<u8>)> {
    let r = results(st, p, campaign_id).await?;
    let (headers, rows) = result_rows(&r);
    let table = Table { title: Some(format!("{}评分结果", r.campaign.title)), sheet_name: "评分结果".into(), columns: headers.into_iter().map(|h| Column { header: h, width: None, text: false }).collect(), rows };
    let bytes = write_tables(&[table]).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))?;
    Ok((format!("{}评分结果.xlsx", r.campaign.title), bytes))
}

/// The results as a 公文 with the table as its attachment (the organiser, once approved or as a draft).
pub async fn document(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<(String, Vec<u8>)> {
    p.require(Permission::ManageInspection)?;
    let r = results(st, p, campaign_id).await?;
    if !r.organiser {
        return Err(AppError::Forbidden);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &r.rows {
        if let Some(g) = u.grade {
            *counts.entry(g).or_default() += 1;
        }
    }
    let summary = GRADES.iter().map(|g| format!("{g}{}个", counts.get(g).copied().unwrap_or(0))).collect::<Vec<_>>().join("、");
    let mut body = vec![
        Block::Paragraph(format!(
            "根据{}评分标准，经各单位自查自评、检查组实地检查评分和组长协调，{}对{}个受检单位的检查考核结果{}如下：{}。",
            r.standard.as_ref().map(|s| format!("《{}》", s.title)).unwrap_or_default(),
            r.campaign.org_name,
            r.rows.len(),
            if r.approved { "已审定" } else { "（未审定稿）" },
            summary
        )),
        Block::Paragraph("检查考核结果作为各单位年度目标考核中党建工作相关内容的重要参考。".into()),
    ];
    let vetoed: Vec<String> = r.rows.iter().filter(|u| !u.veto_reasons.is_empty()).map(|u| format!("{}：{}", u.org_name, u.veto_reasons.join("；"))).collect();
    if !vetoed.is_empty() {
        body.push(Block::Paragraph(format!("实行一票否决的单位：{}。", vetoed.join("；"))));
    }
    body.push(Block::Paragraph("附件：检查考核结果汇总表".into()));
    let headers = vec!["序号", "单位", "类型", "自评得分", "总分", "等次", "排名", "评定依据"].into_iter().map(String::from).collect();
    let rows = r
        .rows
        .iter()
        .enumerate()
        .map(|(i, u)| vec![(i + 1).to_string(), u.org_name.clone(), u.kind_label.to_string(), u.self_text(), u.total_text(), u.grade_text().to_string(), u.rank_text(), u.basis.to_string()])
        .collect();
    body.push(Block::Table { headers, rows, widths: None, landscape: false });
    let t = calendar::today();
    let doc = OfficialDocument {
        issuer: format!("{}文件", r.campaign.org_name),
        doc_number: None,
        title: format!("关于{}结果的通报", r.campaign.title),
        addressee: Some("各受检单位党组织".into()),
        body,
        attachments: vec!["检查考核结果汇总表".into()],
        signature: Some(r.campaign.org_name.clone()),
        date: (t.year(), u32::from(u8::from(t.month())), u32::from(t.day())),
        cc: vec![],
        printer: None,
        letter: false,
    };
    let bytes = to_docx(&doc).map_err(|e| AppError::Internal(format!("生成 Word：{e}")))?;
    p.log_read(st, "inspection_scoring.document", "inspection_campaign", Some(campaign_id.to_string()), json!({})).await?;
    Ok((format!("{}结果.docx", r.campaign.title), bytes))
}

/// A unit's final chosen deductions (indicator, item, points, reason): the findings (item 7)
/// are drawn from them. The organiser and the unit's group only (others who score: an empty list).
pub async fn final_deductions(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<Vec<Deduction>> {
    p.require(Permission::ScoreInspection)?;
    let us = unit(st, p, unit_id).await?;
    if !us.part.sees_sheets() {
        // like the talks: nothing for a scorer outside the unit's group
        return Ok(vec![]);
    }
    Ok(store::final_deductions(&st.db, unit_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lianzheng_store::inspection::standards::{Indicator, Item};

    fn node(max: i64) -> Node {
        let item = |id, kind: &str, pts| Item { id, indicator_id: 1, seq: id, kind: kind.into(), text: format!("项{id}"), points_tenths: pts };
        Node {
            ind: Indicator { id: 1, standard_id: 1, parent_id: None, seq: 1, name: "组织领导".into(), max_tenths: max, rule: None, evidence: None, version: 1 },
            depth: 1,
            number: "1".into(),
            leaf: true,
            max_tenths: max,
            items: vec![item(11, "deduct", 20), item(12, "bonus", 10), item(13, "veto", 0)],
        }
    }

    #[test]
    fn deductions_are_capped_at_the_maximum() {
        let n = node(50);
        assert_eq!(compute(&n, &[(11, 2)]).map(|p| p.points), Ok(10));
        assert_eq!(compute(&n, &[(11, 9)]).map(|p| p.points), Ok(0), "never below zero");
        assert_eq!(compute(&n, &[(12, 3)]).map(|p| p.bonus), Ok(30));
        assert_eq!(compute(&n, &[(13, 1)]).map(|p| p.veto), Ok(true));
        assert!(compute(&n, &[(13, 2)]).is_err());
        assert!(compute(&n, &[(99, 1)]).is_err());
        assert!(compute(&n, &[(11, 0)]).is_err());
    }

    #[test]
    fn totals_cap_the_bonus_and_grades_follow_thresholds() {
        let n = node(50);
        let mut rows = HashMap::new();
        rows.insert(1, Points { points: 40, bonus: 30, veto: false });
        let t = total_of(std::slice::from_ref(&n), &rows, 20);
        assert_eq!((t.points, t.bonus, t.total()), (40, 20, 60));
        assert_eq!(grade(95, 100, false, (90, 80, 60)), "好");
        assert_eq!(grade(85, 100, false, (90, 80, 60)), "较好");
        assert_eq!(grade(60, 100, false, (90, 80, 60)), "一般");
        assert_eq!(grade(59, 100, false, (90, 80, 60)), "差");
        assert_eq!(grade(100, 100, true, (90, 80, 60)), "差", "a veto forces 差");
        assert_eq!(parse_chosen("11:2, 12:1,13"), Some(vec![(11, 2), (12, 1), (13, 1)]));
        assert!(parse_chosen("11:x").is_none());
        assert!(parse_chosen("11:1,11:2").is_none());
    }
}
