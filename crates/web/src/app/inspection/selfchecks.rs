//! The self-check (自查, issue 10 item 2; DOMAIN.md "考责" step 2, seed 001 "自查阶段"): each
//! campaign unit's 自查报告 in its four parts — 责任落实情况, 主要工作, 存在问题, 下一步措施 —
//! written by the unit's 党务 staff or 书记, saved as drafts with a version (a stale save is a
//! 409), submitted (then read-only for the unit) and possibly returned by the organiser with a
//! reason (the unit's 待办 again). The first draft is filled from the unit's own records of
//! the campaign's year ([`draft`]); the materials per checklist item ([`materials`]) and the
//! 八项规定 statistics table ([`frugality`]) hang off the same unit.
//!
//! Who sees what: the unit (its own report only), the unit's group and the organiser read it
//! (anybody [`campaigns::unit`] lets see the unit); another unit's id is 404. Writing needs a
//! 党务 or 书记 grant over the unit; returning is the organiser's.

pub mod draft;
pub mod frugality;
pub mod materials;

use lianzheng_core::org::{Permission, Role};
use lianzheng_store::inspection::selfchecks::{self as store, Parts};
pub use lianzheng_store::inspection::selfchecks::{SelfCheck, TABLES};
use serde::{Deserialize, Serialize};

use super::campaigns::{self, CampaignView, UnitView};
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text};
use crate::state::AppState;
pub use draft::{Figure, Seg};

const PART_MAX: usize = 20_000;
const REASON_MAX: usize = 500;

/// The report's parts: (field, label, what the field writes there).
pub const PARTS: &[(&str, &str, &str)] = &[
    ("duty", "一、责任落实情况", "落实党风廉政建设责任制的基本情况：责任清单、责任书、任务分工"),
    ("work", "二、主要工作", "主要措施、主要成效、特色或亮点"),
    ("problems", "三、存在问题", "存在的主要问题与不足"),
    ("next_steps", "四、下一步措施", "今后的工作打算和对上级党组织的工作建议"),
];

/// Whether the caller writes the unit's report: a 党务 or 书记 grant over it (and `ViewInspection`).
pub fn writes(p: &Principal, unit_path: &str) -> bool {
    p.can(Permission::ViewInspection) && p.grants.iter().any(|g| matches!(g.role(), Some(Role::PartyStaff | Role::Secretary)) && g.org_path.as_deref().is_some_and(|gp| unit_path.starts_with(gp)))
}

/// A part as shown: its label, its text as typed, and its text cut into words and figures.
#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub field: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub text: String,
    pub segs: Vec<Seg>,
}

/// The unit's report as the caller sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub unit: UnitView,
    /// None until the unit begins it.
    pub report: Option<SelfCheck>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub parts: Vec<PartView>,
    pub figures: Vec<Figure>,
    /// The unit's writer, while the campaign is open and the report not submitted.
    pub can_write: bool,
    /// The organiser, once it is submitted.
    pub can_return: bool,
    pub version: i64,
}

/// The unit's part, or 404 (another unit's, a campaign the caller has no part in).
async fn unit_of(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<UnitView> {
    campaigns::unit(st, p, unit_id).await
}

/// The unit's report: the unit itself, its group and the organiser read it; 404 otherwise.
pub async fn get(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<ReportView> {
    let unit = unit_of(st, p, unit_id).await?;
    let report = store::of_unit(&st.db, unit_id).await?;
    Ok(view_of(p, unit, report))
}

fn view_of(p: &Principal, unit: UnitView, report: Option<SelfCheck>) -> ReportView {
    let figures: Vec<Figure> = report.as_ref().map(|r| serde_json::from_str(&r.figures).unwrap_or_default()).unwrap_or_default();
    let status = report.as_ref().map_or("draft", |r| match r.status.as_str() {
        "submitted" => "submitted",
        "returned" => "returned",
        _ => "draft",
    });
    let status_label = match (report.is_some(), status) {
        (false, _) => "未开始",
        (_, "submitted") => "已提交",
        (_, "returned") => "已退回",
        _ => "草稿",
    };
    let open = unit.campaign.status == "open";
    let can_write = open && status != "submitted" && writes(p, &unit.unit.org_path);
    let can_return = open && status == "submitted" && unit.can_manage;
    let parts = PARTS
        .iter()
        .map(|(field, label, hint)| {
            let text = report.as_ref().map(|r| part_text(r, field).to_string()).unwrap_or_default();
            PartView { field, label, hint, segs: draft::segments(&text, &figures), text }
        })
        .collect();
    ReportView { version: report.as_ref().map_or(0, |r| r.version), unit, report, status, status_label, parts, figures, can_write, can_return }
}

fn part_text<'a>(r: &'a SelfCheck, field: &str) -> &'a str {
    match field {
        "duty" => &r.duty,
        "work" => &r.work,
        "problems" => &r.problems,
        _ => &r.next_steps,
    }
}

/// The report form: the version it was read at (0 or blank: not begun) and the parts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub duty: String,
    #[serde(deserialize_with = "lenient")]
    pub work: String,
    #[serde(deserialize_with = "lenient")]
    pub problems: String,
    #[serde(deserialize_with = "lenient")]
    pub next_steps: String,
}

impl ReportForm {
    pub fn of(v: &ReportView) -> ReportForm {
        let t = |f: &str| v.parts.iter().find(|p| p.field == f).map(|p| p.text.clone()).unwrap_or_default();
        ReportForm { version: v.version.to_string(), duty: t("duty"), work: t("work"), problems: t("problems"), next_steps: t("next_steps") }
    }
}

/// Only a version (generate, submit), or a version and a reason (return).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VersionForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// generate: "1" keeps the text and updates the figures only
    #[serde(deserialize_with = "lenient")]
    pub figures_only: String,
    /// return: why
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

fn version_of(s: &str) -> AppResult<i64> {
    match s.trim() {
        "" => Ok(0),
        v => v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| AppError::field("version", "版本号无效，请刷新页面后重试")),
    }
}

/// The unit's part if the caller writes its report now: 403 for a reader who may not, 409 once
/// submitted or when the campaign is not open.
async fn writable(st: &AppState, p: &Principal, unit_id: i64) -> AppResult<ReportView> {
    let v = get(st, p, unit_id).await?;
    if !writes(p, &v.unit.unit.org_path) {
        return Err(AppError::Forbidden);
    }
    if v.unit.campaign.status != "open" {
        return Err(AppError::Conflict("检查考核未在进行中，不能填写自查报告".into()));
    }
    if v.status == "submitted" {
        return Err(AppError::Conflict("自查报告已提交，如需修改请联系组织单位退回".into()));
    }
    Ok(v)
}

/// Begins the report if it is not there yet; the version to save at (1 for a new one).
async fn begun(st: &AppState, p: &Principal, v: &ReportView, version: i64) -> AppResult<i64> {
    if v.report.is_some() {
        return Ok(version);
    }
    let mut tx = st.db.begin().await?;
    store::begin(&mut tx, &p.actor(), v.unit.unit.id, v.unit.campaign.id, &v.unit.unit.org_path, Some(p.user.id.get())).await?;
    tx.commit().await?;
    // a report begun at the same moment by a colleague makes this version stale: 409, not an overwrite
    Ok(if version == 0 { 1 } else { version })
}

/// Saves the parts as typed (a stale version is a 409; the form is kept by the page).
pub async fn save(st: &AppState, p: &Principal, unit_id: i64, f: &ReportForm) -> AppResult<ReportView> {
    let v = writable(st, p, unit_id).await?;
    let mut e = FieldErrors::new();
    let version = version_of(&f.version)?;
    let duty = text(&mut e, "duty", "责任落实情况", &f.duty, PART_MAX, false).unwrap_or_default();
    let work = text(&mut e, "work", "主要工作", &f.work, PART_MAX, false).unwrap_or_default();
    let problems = text(&mut e, "problems", "存在问题", &f.problems, PART_MAX, false).unwrap_or_default();
    let next_steps = text(&mut e, "next_steps", "下一步措施", &f.next_steps, PART_MAX, false).unwrap_or_default();
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let version = begun(st, p, &v, version).await?;
    let mut tx = st.db.begin().await?;
    store::save(&mut tx, &p.actor(), unit_id, version, &Parts { duty: &duty, work: &work, problems: &problems, next_steps: &next_steps }, None).await?;
    tx.commit().await?;
    get(st, p, unit_id).await
}

/// Fills the report from the unit's records of the campaign's year: the figures always, the
/// text too unless `figures_only` (then the text as edited stays and its figures update).
pub async fn generate(st: &AppState, p: &Principal, unit_id: i64, f: &VersionForm) -> AppResult<ReportView> {
    let v = writable(st, p, unit_id).await?;
    let version = version_of(&f.version)?;
    let figures = draft::figures(st, &v.unit.unit, v.unit.campaign.year).await?;
    let json = serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.to_string()))?;
    let version = begun(st, p, &v, version).await?;
    let mut tx = st.db.begin().await?;
    if f.figures_only.trim() == "1" && v.report.is_some() {
        store::refresh(&mut tx, &p.actor(), unit_id, version, &json).await?;
    } else {
        let t = draft::texts(v.unit.campaign.year, &v.unit.unit.org_name, &figures);
        store::save(&mut tx, &p.actor(), unit_id, version, &Parts { duty: &t[0], work: &t[1], problems: &t[2], next_steps: &t[3] }, Some(&json)).await?;
    }
    tx.commit().await?;
    get(st, p, unit_id).await
}

/// Submits the report (read-only for the unit afterwards). Empty parts are refused.
pub async fn submit(st: &AppState, p: &Principal, unit_id: i64, f: &VersionForm) -> AppResult<ReportView> {
    let v = writable(st, p, unit_id).await?;
    let version = version_of(&f.version)?;
    let Some(r) = &v.report else { return Err(AppError::invalid("自查报告尚未填写，请先生成初稿或填写后保存")) };
    let mut e = FieldErrors::new();
    for (field, label, _) in PARTS {
        if part_text(r, field).trim().is_empty() {
            e.insert((*field).into(), format!("请填写“{}”", label.split('、').nth(1).unwrap_or(label)));
        }
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::submit(&mut tx, &p.actor(), unit_id, version, Some(p.user.id.get())).await?;
    tx.commit().await?;
    get(st, p, unit_id).await
}

/// Returns a submitted report to the unit with a reason (the organiser): the unit's 待办 again.
pub async fn send_back(st: &AppState, p: &Principal, unit_id: i64, f: &VersionForm) -> AppResult<ReportView> {
    p.require(Permission::ManageInspection)?;
    let v = get(st, p, unit_id).await?;
    if !v.unit.can_manage {
        return Err(AppError::Forbidden);
    }
    if v.status != "submitted" {
        return Err(AppError::Conflict("自查报告尚未提交，无需退回".into()));
    }
    let version = version_of(&f.version)?;
    let mut e = FieldErrors::new();
    let reason = text(&mut e, "reason", "退回原因", &f.reason, REASON_MAX, true).unwrap_or_default();
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::send_back(&mut tx, &p.actor(), unit_id, version, &reason).await?;
    tx.commit().await?;
    get(st, p, unit_id).await
}

/// The self-check state of each unit the campaign page shows (the view is the caller's, so
/// its units are those he sees): unit row → 草稿/已提交/已退回; a unit not there has not begun.
pub async fn statuses(st: &AppState, v: &CampaignView) -> AppResult<std::collections::HashMap<i64, &'static str>> {
    let label = |s: &str| store::STATUSES.iter().find(|(k, _)| *k == s).map_or("草稿", |(_, l)| *l);
    Ok(store::statuses(&st.db, v.campaign.id).await?.into_iter().filter(|(u, _)| v.units.iter().any(|x| x.id == *u)).map(|(u, s)| (u, label(&s))).collect())
}

/// 待办: a returned report waits for the unit's 党务 staff and 书记 again.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        let paths: Vec<&str> = p.grants.iter().filter(|g| matches!(g.role(), Some(Role::PartyStaff | Role::Secretary))).filter_map(|g| g.org_path.as_deref()).collect();
        if paths.is_empty() || !p.can(Permission::ViewInspection) {
            return Ok(items);
        }
        let scope = p.require(Permission::ViewInspection)?;
        for (unit_id, title, org) in store::returned_in(&st.db, &scope).await? {
            // only the units the caller writes for (not those merely in a wider view)
            let Ok(u) = lianzheng_store::inspection::setup::unit(&st.db, unit_id).await else { continue };
            if !writes(p, &u.org_path) {
                continue;
            }
            items.push(TodoItem::new("inspection.self_check_returned", format!("自查报告被退回，请修改后重新提交（{title}）"), 1, format!("/inspection/units/{unit_id}/selfcheck"), Urgency::Near).with_details(vec![org]));
        }
        Ok(items)
    })
}
