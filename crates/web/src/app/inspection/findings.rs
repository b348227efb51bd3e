//! Findings of the inspection (issue 10, item 7): a deduction or an observation at a unit becomes
//! a finding — category, unit, description, evidence, deadline — the same row the problem
//! ledger (追责) will carry to 销号 (`lianzheng_store::findings`, one table for every source).
//! 亮点 noted at a unit are kept beside them; both feed the 通报 (`bulletin`).
//!
//! Who: the organiser records and edits every unit's findings; a member of a unit's 检查组 those
//! of the units his group checks. Before it is told to the unit (反馈) a finding is the finders'
//! alone; from then the unit's own people (ViewInspection over it) see it and its 整改 is in
//! their 待办 until the deadline. Anybody else gets 404, whatever the id.

use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::org::Permission;
use lianzheng_store::findings::{self as store, Edit, NewFinding, SOURCE_INSPECTION};
pub use lianzheng_store::findings::{Finding, Highlight, TABLES};
use lianzheng_store::inspection::scores::Deduction;
use lianzheng_store::inspection::setup::{self, Unit};
use serde::{Deserialize, Serialize};

use super::campaigns::{self, Access, Campaign};
use crate::app::calendar;
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version_of};
use crate::state::AppState;

/// The categories of problem a 通报 groups its findings under (seed 001's 存在的主要问题).
pub const CATEGORIES: &[&str] =
    &["主体责任落实不到位", "一岗双责履行不到位", "责任书签订不规范", "廉政约谈不规范", "学习教育不扎实", "党内政治生活不规范", "问题整改不到位", "作风纪律建设不到位", "上级部署落实不到位", "资料不齐全", "其他"];

const DESCRIPTION_MAX: usize = 2000;
const EVIDENCE_MAX: usize = 4000;
const HIGHLIGHT_MAX: usize = 1000;
/// The rectification time given when none is entered, in 工作日.
pub const DEFAULT_WORKDAYS: u32 = 30;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FindingForm {
    /// Blank for a new finding (the version of an edited one).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// The campaign's unit (inspection_units id); only when recording.
    #[serde(deserialize_with = "lenient")]
    pub unit_id: String,
    #[serde(deserialize_with = "lenient")]
    pub category: String,
    #[serde(deserialize_with = "lenient")]
    pub description: String,
    #[serde(deserialize_with = "lenient")]
    pub evidence: String,
    /// Blank: 30 工作日 from today.
    #[serde(deserialize_with = "lenient")]
    pub deadline: String,
    /// The chosen deduction (its item's id) the finding is drawn from, if any: checked against
    /// the unit's final score sheet, then kept as the finding's source.
    #[serde(deserialize_with = "lenient")]
    pub deduction: String,
    /// The record inside the inspection behind it (a chosen deduction, say): set by the use cases
    /// that turn a record into a finding, not typed.
    #[serde(skip)]
    pub source_ref: Option<String>,
}

impl FindingForm {
    pub fn of(f: &Finding) -> FindingForm {
        FindingForm {
            version: f.version.to_string(),
            unit_id: f.inspection_unit_id.map(|u| u.to_string()).unwrap_or_default(),
            category: f.category.clone(),
            description: f.description.clone(),
            evidence: f.evidence.clone().unwrap_or_default(),
            deadline: f.deadline.clone().unwrap_or_default(),
            deduction: String::new(),
            source_ref: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HighlightForm {
    #[serde(deserialize_with = "lenient")]
    pub unit_id: String,
    #[serde(deserialize_with = "lenient")]
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VersionForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Whether the caller records findings at a unit: the organiser, or a member of its group.
fn writes(a: &Access, u: &Unit) -> bool {
    a.organiser() || a.in_group(u.group_id)
}

/// Whether the caller reads a finding: its writers, and the unit's own people once told.
fn reads(a: &Access, u: &Unit, f: &Finding) -> bool {
    writes(a, u) || (f.notified_on.is_some() && a.sees(u))
}

/// A campaign's findings page: what the caller may see and the units he may record at.
#[derive(Debug, Clone, Serialize)]
pub struct FindingsView {
    pub campaign: Campaign,
    pub organiser: bool,
    pub findings: Vec<Finding>,
    pub highlights: Vec<Highlight>,
    /// The units the caller records findings and 亮点 at (none: he only reads).
    pub units: Vec<Unit>,
    /// Findings per category (category, count, units named), for the summary.
    pub by_category: Vec<(String, usize, String)>,
    /// The final score sheets' deductions not yet made findings, at the units the caller
    /// records at: (unit, deduction, the finding's suggested description).
    pub deductions: Vec<(Unit, Deduction, String)>,
}

/// A deduction's source mark on the finding drawn from it.
fn deduction_ref(unit_id: i64, item_id: i64) -> String {
    format!("deduction:{unit_id}:{item_id}")
}

/// "组织领导：约谈记录无被约谈人签名（扣1分）。理由" — the finding's first wording.
pub fn deduction_text(d: &Deduction) -> String {
    let points = d.points_tenths as f64 / 10.0;
    let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or_default();
    format!("{}：{}（扣{points}分）。{reason}", d.indicator_name, d.item_text.trim_end_matches('。'))
}

/// The deductions on the final sheets of the spot-checked units the caller records at (`units`:
/// his), not yet made findings. Only for those who score (the sheets are theirs to see).
async fn open_deductions(st: &AppState, p: &Principal, campaign_id: i64, units: &[Unit], findings: &[Finding]) -> AppResult<Vec<(Unit, Deduction, String)>> {
    if !p.can(Permission::ScoreInspection) {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for ud in store::final_deductions(&st.db, campaign_id).await? {
        let Some(u) = units.iter().find(|u| u.id == ud.unit_id && u.spot_checked) else { continue };
        let r = deduction_ref(u.id, ud.deduction.item_id);
        if !findings.iter().any(|f| f.source_ref.as_deref() == Some(r.as_str())) {
            let t = deduction_text(&ud.deduction);
            out.push((u.clone(), ud.deduction, t));
        }
    }
    Ok(out)
}

impl FindingsView {
    pub fn may_record(&self) -> bool {
        !self.units.is_empty() && self.campaign.status == "open"
    }
}

/// The findings and 亮点 of a campaign the caller may see.
pub async fn list(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<FindingsView> {
    let (c, a, units) = campaigns::access(st, p, campaign_id).await?;
    let unit_of = |id: Option<i64>| id.and_then(|id| units.iter().find(|u| u.id == id));
    let findings: Vec<Finding> = store::of_campaign(&st.db, c.id).await?.into_iter().filter(|f| unit_of(f.inspection_unit_id).is_some_and(|u| reads(&a, u, f))).collect();
    let highlights = store::highlights(&st.db, c.id).await?.into_iter().filter(|h| unit_of(Some(h.unit_id)).is_some_and(|u| writes(&a, u))).collect();
    let mine: Vec<Unit> = units.iter().filter(|u| writes(&a, u) && (p.can(Permission::ScoreInspection) || p.can(Permission::ManageInspection))).cloned().collect();
    let by_category = group_by_category(&findings);
    let deductions = if c.status == "open" { open_deductions(st, p, c.id, &mine, &findings).await? } else { vec![] };
    Ok(FindingsView { campaign: c, organiser: a.organiser(), findings, highlights, units: mine, by_category, deductions })
}

/// (category, count, the units named once each) in the order of `CATEGORIES`.
pub fn group_by_category(findings: &[Finding]) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let order = |c: &str| CATEGORIES.iter().position(|x| *x == c).unwrap_or(CATEGORIES.len());
    let mut cats: Vec<&str> = findings.iter().map(|f| f.category.as_str()).collect();
    cats.sort_by_key(|c| (order(c), *c));
    cats.dedup();
    for c in cats {
        let of: Vec<&Finding> = findings.iter().filter(|f| f.category == c).collect();
        let mut names: Vec<&str> = Vec::new();
        for f in &of {
            if !names.contains(&f.org_name.as_str()) {
                names.push(&f.org_name);
            }
        }
        out.push((c.to_string(), of.len(), names.join("、")));
    }
    out
}

fn may_find(p: &Principal) -> bool {
    p.can(Permission::ScoreInspection) || p.can(Permission::ManageInspection)
}

/// A campaign where the caller finds at one unit at least (the organiser, a group's member);
/// 403 for anybody else, whether he sees the campaign or not (as with the 个别谈话 records).
async fn finders_campaign(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<(Campaign, Access, Vec<Unit>)> {
    if !may_find(p) {
        return Err(AppError::Forbidden);
    }
    let (c, a, units) = match campaigns::access(st, p, campaign_id).await {
        Ok(x) => x,
        Err(AppError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e),
    };
    if !units.iter().any(|u| writes(&a, u)) {
        return Err(AppError::Forbidden);
    }
    Ok((c, a, units))
}

/// Checks the fields; the deadline defaults to 30 工作日 from today.
async fn checked(st: &AppState, f: &FindingForm) -> AppResult<(String, String, Option<String>, String)> {
    let mut e = FieldErrors::new();
    let category = f.category.trim().to_string();
    if !CATEGORIES.contains(&category.as_str()) {
        e.insert("category".into(), "请选择问题类别".into());
    }
    let description = text(&mut e, "description", "问题描述", &f.description, DESCRIPTION_MAX, true).unwrap_or_default();
    let evidence = text(&mut e, "evidence", "依据和证据", &f.evidence, EVIDENCE_MAX, false);
    let today = calendar::today();
    let deadline = match f.deadline.trim() {
        "" => format_date(calendar::add_workdays(st, today, DEFAULT_WORKDAYS).await?),
        s => match parse_date(s) {
            Some(d) if d < today => {
                e.insert("deadline".into(), "整改期限不能早于今天".into());
                String::new()
            }
            Some(d) => format_date(d),
            None => {
                e.insert("deadline".into(), "整改期限应为日期，格式如 2027-01-31".into());
                String::new()
            }
        },
    };
    if !e.is_empty() {
        return Err(into_error(e));
    }
    Ok((category, description, evidence, deadline))
}

/// Records a finding at one of the campaign's units, while the campaign is open.
pub async fn create(st: &AppState, p: &Principal, campaign_id: i64, f: &FindingForm) -> AppResult<Finding> {
    let (c, a, units) = finders_campaign(st, p, campaign_id).await?;
    // another campaign's unit, or one the caller has no part in, is as if it did not exist
    let unit = f.unit_id.trim().parse::<i64>().ok().and_then(|id| units.iter().find(|u| u.id == id && writes(&a, u)));
    let Some(unit) = unit else {
        let mut e = FieldErrors::new();
        e.insert("unit_id".into(), "请选择本检查组（或本次检查考核）的受检单位".into());
        // keep the other fields' messages too
        if let Err(AppError::Invalid { fields, .. }) = checked(st, f).await {
            e.extend(fields);
        }
        return Err(into_error(e));
    };
    if c.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能登记问题".into()));
    }
    let (category, description, evidence, deadline) = checked(st, f).await?;
    // a deduction named must be one of the unit's final sheet (never typed: checked, then kept)
    let source_ref = match f.deduction.trim() {
        "" => f.source_ref.clone(),
        s => {
            let item = s.parse::<i64>().ok();
            let ds = super::scores::final_deductions(st, p, unit.id).await?;
            match item.filter(|i| ds.iter().any(|d| d.item_id == *i)) {
                Some(i) => Some(deduction_ref(unit.id, i)),
                None => return Err(AppError::field("deduction", "所选扣分项不在该单位的评分结果中")),
            }
        }
    };
    if store::count_of_campaign(&st.db, c.id).await? >= store::CAMPAIGN_MAX {
        return Err(AppError::Conflict(format!("本次检查考核登记的问题已达 {} 个上限", store::CAMPAIGN_MAX)));
    }
    let mut tx = st.db.begin().await?;
    let id = store::insert(
        &mut tx,
        &p.actor(),
        &NewFinding {
            org_id: unit.org_id,
            org_path: &unit.org_path,
            raised_by_org_id: lianzheng_core::ids::OrgId::new(c.org_id),
            raised_by_org_path: &c.org_path,
            source: SOURCE_INSPECTION,
            campaign_id: Some(c.id),
            inspection_unit_id: Some(unit.id),
            source_ref: source_ref.as_deref(),
            category: &category,
            description: &description,
            evidence: evidence.as_deref(),
            deadline: Some(&deadline),
            created_by: Some(p.user.id.get()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(store::get(&st.db, id).await?)
}

/// A finding of an inspection, with the caller's part: 404 unless he may read it.
async fn find(st: &AppState, p: &Principal, id: i64) -> AppResult<(Finding, Campaign, Access, Unit)> {
    super::open(p, super::Part::Campaigns)?;
    let f = store::get(&st.db, id).await?;
    let (Some(cid), Some(uid)) = (f.campaign_id, f.inspection_unit_id) else {
        return Err(AppError::NotFound);
    };
    let (c, a, units) = match campaigns::access(st, p, cid).await {
        Ok(x) => x,
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    let unit = units.into_iter().find(|u| u.id == uid).ok_or(AppError::NotFound)?;
    if !reads(&a, &unit, &f) {
        return Err(AppError::NotFound);
    }
    Ok((f, c, a, unit))
}

/// A finding and what the caller may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub finding: Finding,
    pub campaign: Campaign,
    pub unit: Unit,
    /// edit, delete, 反馈 (the finders, while the campaign is open; after 反馈 the organiser only edits)
    pub can_edit: bool,
    pub can_notify: bool,
    /// the organiser, or a member of the unit's group
    #[serde(skip)]
    pub finder: bool,
}

pub async fn get(st: &AppState, p: &Principal, id: i64) -> AppResult<FindingView> {
    let (finding, campaign, a, unit) = find(st, p, id).await?;
    let open = campaign.status == "open";
    let finder = writes(&a, &unit);
    let can_edit = open && finder && (finding.notified_on.is_none() || a.organiser());
    let can_notify = open && finder && finding.notified_on.is_none();
    Ok(FindingView { finding, campaign, unit, can_edit, can_notify, finder })
}

/// The finding, if the caller may change it now: 403 unless he is one of its finders (whether
/// the id exists or not, as with the 个别谈话 records); 409 once the campaign is over, or (for a
/// group's member) once the unit has been told.
async fn for_change(st: &AppState, p: &Principal, id: i64, notify: bool) -> AppResult<FindingView> {
    if !may_find(p) {
        return Err(AppError::Forbidden);
    }
    let v = match get(st, p, id).await {
        Ok(v) => v,
        Err(AppError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e),
    };
    if !v.finder {
        return Err(AppError::Forbidden);
    }
    if v.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，问题不能再修改".into()));
    }
    if !(v.can_edit || (notify && v.can_notify)) {
        return Err(AppError::Conflict("该问题已反馈给受检单位，只有组织者可以修改".into()));
    }
    Ok(v)
}

pub async fn update(st: &AppState, p: &Principal, id: i64, f: &FindingForm) -> AppResult<Finding> {
    for_change(st, p, id, false).await?;
    let version = version_of(&f.version)?;
    let (category, description, evidence, deadline) = checked(st, f).await?;
    let mut tx = st.db.begin().await?;
    store::update(&mut tx, &p.actor(), id, version, &Edit { category: &category, description: &description, evidence: evidence.as_deref(), deadline: Some(&deadline) }).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, id).await?)
}

/// 反馈: the unit is told — it sees the finding from now on, with its 整改 in the 待办.
pub async fn notify(st: &AppState, p: &Principal, id: i64, f: &VersionForm) -> AppResult<Finding> {
    let v = for_change(st, p, id, true).await?;
    if v.finding.notified_on.is_some() {
        return Err(AppError::Conflict("该问题已反馈给受检单位".into()));
    }
    let version = version_of(&f.version)?;
    let mut tx = st.db.begin().await?;
    store::notify(&mut tx, &p.actor(), id, version, &format_date(calendar::today())).await?;
    tx.commit().await?;
    Ok(store::get(&st.db, id).await?)
}

/// Deletes a mistaken entry, before it is told to the unit. Answers the campaign's id.
pub async fn delete(st: &AppState, p: &Principal, id: i64) -> AppResult<i64> {
    let v = for_change(st, p, id, false).await?;
    if v.finding.notified_on.is_some() {
        return Err(AppError::Conflict("已反馈给受检单位的问题不能删除".into()));
    }
    let mut tx = st.db.begin().await?;
    store::delete(&mut tx, &p.actor(), id).await?;
    tx.commit().await?;
    Ok(v.campaign.id)
}

/// Notes a 亮点 at a unit (the same people who record findings there).
pub async fn add_highlight(st: &AppState, p: &Principal, campaign_id: i64, f: &HighlightForm) -> AppResult<Highlight> {
    let (c, a, units) = finders_campaign(st, p, campaign_id).await?;
    let mut e = FieldErrors::new();
    let unit = f.unit_id.trim().parse::<i64>().ok().and_then(|id| units.iter().find(|u| u.id == id && writes(&a, u)));
    if unit.is_none() {
        e.insert("h_unit_id".into(), "请选择受检单位".into());
    }
    let t = text(&mut e, "text", "亮点", &f.text, HIGHLIGHT_MAX, true).unwrap_or_default();
    let Some(unit) = unit.filter(|_| e.is_empty()) else {
        return Err(into_error(e));
    };
    if c.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能登记亮点".into()));
    }
    let mut tx = st.db.begin().await?;
    let id = store::insert_highlight(&mut tx, &p.actor(), c.id, unit.id, &t, Some(p.user.id.get())).await?;
    tx.commit().await?;
    Ok(store::highlight(&st.db, id).await?)
}

/// Removes a 亮点; answers the campaign's id.
pub async fn delete_highlight(st: &AppState, p: &Principal, id: i64) -> AppResult<i64> {
    if !may_find(p) {
        return Err(AppError::Forbidden);
    }
    let h = match store::highlight(&st.db, id).await {
        Ok(h) => h,
        Err(lianzheng_store::StoreError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let (c, a, units) = finders_campaign(st, p, h.campaign_id).await?;
    if !units.iter().any(|u| u.id == h.unit_id && writes(&a, u)) {
        return Err(AppError::Forbidden);
    }
    if c.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，亮点不能再修改".into()));
    }
    let mut tx = st.db.begin().await?;
    store::delete_highlight(&mut tx, &p.actor(), id).await?;
    tx.commit().await?;
    Ok(c.id)
}

/// The findings a unit's page shows: those told to it (for its own people), or all of its
/// findings for the finders.
pub async fn of_unit(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<Vec<Finding>> {
    let campaign_id = setup::unit(&st.db, unit_id).await?.campaign_id;
    let (_, a, units) = campaigns::access(st, p, campaign_id).await?;
    let Some(u) = units.iter().find(|u| u.id == unit_id) else { return Ok(vec![]) };
    Ok(store::of_inspection_unit(&st.db, unit_id).await?.into_iter().filter(|f| reads(&a, u, f)).collect())
}

/// 待办: for a unit's 党务 staff and 书记, the findings told to their unit and still open, to
/// rectify by the deadline.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        let Some(scope) = campaigns::unit_staff_scope(p) else {
            return Ok(items);
        };
        let paths: Vec<String> = if scope.is_all() { vec![String::new()] } else { scope.paths().to_vec() };
        let t = calendar::today();
        let today = format_date(t);
        let near = format_date(calendar::add_workdays(st, t, 3).await?);
        let mut seen = std::collections::BTreeSet::new();
        for path in paths {
            let rows = store::notified_open_under(&st.db, &path).await?;
            let rows: Vec<Finding> = rows.into_iter().filter(|f| seen.insert(f.id)).collect();
            if rows.is_empty() {
                continue;
            }
            let first = &rows[0];
            let due = first.deadline.clone().unwrap_or_default();
            let urgency = if !due.is_empty() && due < today {
                Urgency::Overdue
            } else if !due.is_empty() && due <= near {
                Urgency::Near
            } else {
                Urgency::Normal
            };
            let href = if rows.len() == 1 { format!("/inspection/findings/{}", first.id) } else { format!("/inspection/{}/findings", first.campaign_id.unwrap_or_default()) };
            let details = rows.iter().map(|f| format!("{}：{}（{} 前）", f.org_name, f.category, f.deadline.as_deref().unwrap_or("—"))).collect();
            items.push(TodoItem::new("inspection.finding", "检查发现问题整改", rows.len() as i64, href, urgency).with_details(details));
        }
        Ok(items)
    })
}
