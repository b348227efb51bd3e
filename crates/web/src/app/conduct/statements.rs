//! 述责述廉 (DOMAIN.md "履责"): a body (the 县纪委, the 县委, a 党委) organises a round — the
//! year, who reports (the 书记 and 纪委书记/纪检组长 of units in its scope), the meeting date and
//! the submission deadline (a date, or so many 工作日 on the working-day calendar). Each
//! reporter submits his report as text (and a DOCX/PDF if he has one) and may revise it until
//! the meeting. The body's 点评 are separate points (要求整改 or not, a deadline); the reporter
//! answers each (措施, 整改情况), the body closes it (销号) or returns it with its reason. A point
//! stays open until closed.
//!
//! Copy check: every report is compared with the year's other reports and with the same
//! person's earlier ones (`store::check_year`, textsim's shingles and Jaccard, the letters'
//! measure); a best match at or above the setting `statement_threshold` is flagged, and the
//! compare page shows both texts with the shared passages marked (`textsim::side_by_side`, the
//! letters' compare page's function).
//!
//! Who does what: the organising body is the creator's own unit (`user.org_id`); its staff with
//! `OrganiseStatements` over it make and close the 点评 of its rounds. Need-to-know
//! (`Record::Statement`): the 纪委 and the 检查组 read the reports of people in their scope, the
//! organisers every report of their rounds, everybody else only his own.

use lianzheng_core::access::{Record, Sees, sees_any};
use lianzheng_core::duty::{format_date, parse_date};
use lianzheng_core::ids::{OrgId, PersonId, StatementPointId, StatementReportId, StatementRoundId};
use lianzheng_core::org::{OrgKind, Permission};
use lianzheng_store::conduct::statements::{self as store, NewRound, View};
pub use lianzheng_store::conduct::statements::{Candidate, Point, Report, Round, TABLES};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::calendar;
use crate::app::duty::tasks::lenient_list;
use crate::app::files::{self, Owner, Upload};
use crate::app::todo::{BoxFuture, TodoItem, Urgency};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, split_list, text, version};
use crate::state::AppState;

/// The copy check's threshold unless the setting says otherwise.
pub const DEFAULT_THRESHOLD: f64 = 0.6;
const TITLE_MAX: usize = 100;
const BODY_MAX: usize = 30_000;
const POINT_MAX: usize = 2000;
const ANSWER_MAX: usize = 3000;
const REASON_MAX: usize = 500;
/// Submission limits a round may set in 工作日.
const DUE_DAYS: std::ops::RangeInclusive<u32> = 1..=60;
/// A report due within this many 工作日 is 临近 in the 待办.
const NEAR_DAYS: u32 = 3;

/// The posts that report, as (post kind, label).
pub const POSTS: &[(&str, &str)] = &[("secretary", "书记"), ("discipline_secretary", "纪委书记（纪检组长）")];

fn today() -> String {
    format_date(calendar::today())
}

/// Which reports the caller reads, or 403.
fn view(p: &Principal) -> AppResult<View> {
    let scope = p.require(Permission::ViewConduct)?;
    let body = if p.require(Permission::OrganiseStatements).is_ok() { p.user.org_id } else { None };
    match sees_any(&p.roles(), Record::Statement) {
        Sees::All => Ok(View { scope: Some(scope), me: p.user.person_id, body }),
        Sees::Own => Ok(View { scope: None, me: p.user.person_id, body }),
        Sees::Nothing => Err(AppError::Forbidden),
    }
}

/// Whether the caller may open the part at all (the tab bar's rule).
pub fn may_open(p: &Principal) -> bool {
    view(p).is_ok()
}

/// Whether the caller is the organising body's staff of the round: makes, closes and returns its 点评.
fn organises(p: &Principal, org_id: OrgId, org_path: &str) -> bool {
    p.user.org_id == Some(org_id) && p.require(Permission::OrganiseStatements).is_ok_and(|s| s.contains(org_path))
}

/// Whether the caller sees the copy check of a report: the organisers and who reads every report of the scope.
fn sees_check(p: &Principal, r: &Report) -> bool {
    organises(p, r.round_org_id, &r.round_org_path) || sees_any(&p.roles(), Record::Statement) == Sees::All
}

/// A report the view holds. Who reads only his own (and his body's rounds) is refused (403) any
/// other id, existing or not: the answer is the same for every id.
async fn find(st: &AppState, view: &View, id: StatementReportId) -> AppResult<Report> {
    match store::report(&st.db, view, id).await {
        Ok(r) => Ok(r),
        Err(lianzheng_store::StoreError::NotFound) if view.scope.is_none() => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

pub fn threshold(st: &AppState) -> f64 {
    crate::app::settings::statement_threshold(st)
}

/// A round's phase, from today and its dates.
pub fn phase(r: &Round, today: &str) -> &'static str {
    if today <= r.due_on.as_str() {
        "报告征集中"
    } else if today < r.meeting_on.as_str() {
        "待召开"
    } else if r.points_open > 0 {
        "点评整改中"
    } else {
        "已完成"
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
}

pub struct ListView {
    pub year: i64,
    pub rounds: Vec<(Round, &'static str)>,
    /// The caller's own reports of the year.
    pub mine: Vec<Report>,
    pub can_create: bool,
}

pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<ListView> {
    let view = view(p)?;
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    let today = today();
    let rounds = store::rounds(&st.db, &view, year).await?.into_iter().map(|r| (r.clone(), phase(&r, &today))).collect();
    let mine = match p.user.person_id {
        Some(me) => store::reports_of_person(&st.db, me).await?.into_iter().filter(|r| r.year == year).collect(),
        None => vec![],
    };
    Ok(ListView { year, rounds, mine, can_create: p.require(Permission::OrganiseStatements).is_ok() && p.user.org_id.is_some() })
}

/// A round as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: Round,
    pub phase: &'static str,
    pub reports: Vec<Report>,
    pub can_organise: bool,
    pub show_check: bool,
    /// The copy check's threshold in per mille.
    pub threshold_pm: i64,
}

pub async fn round(st: &AppState, p: &Principal, id: StatementRoundId) -> AppResult<RoundView> {
    let view = view(p)?;
    let round = match store::round(&st.db, &view, id).await {
        Ok(r) => r,
        Err(lianzheng_store::StoreError::NotFound) if view.scope.is_none() => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let reports = store::reports_of_round(&st.db, &view, id).await?;
    let can_organise = organises(p, round.org_id, &round.org_path);
    let show_check = can_organise || sees_any(&p.roles(), Record::Statement) == Sees::All;
    Ok(RoundView { phase: phase(&round, &today()), round, reports, can_organise, show_check, threshold_pm: (threshold(st) * 1000.0).round() as i64 })
}

/// A report with its 点评 and what the reader may do.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub report: Report,
    pub points: Vec<Point>,
    /// The reporter himself, before the meeting: submits or revises.
    pub can_edit: bool,
    /// The reporter himself: answers open points.
    pub is_reporter: bool,
    /// The organising body's staff: adds, closes and returns points.
    pub can_organise: bool,
    /// The copy check is shown (organisers, the 纪委, the 检查组).
    pub show_check: bool,
    pub peer_flag: bool,
    pub past_flag: bool,
    /// The matched reports are readable by the caller (the compare links).
    pub peer_readable: bool,
    pub past_readable: bool,
    /// 工作日 left until the deadline (negative: overdue), while not submitted.
    pub workdays_left: Option<i64>,
    pub meeting_passed: bool,
}

/// Opens a report (logged: who read which report).
pub async fn report(st: &AppState, p: &Principal, id: StatementReportId) -> AppResult<ReportView> {
    let view = view(p)?;
    let r = find(st, &view, id).await?;
    p.log_read(st, "statement_report.read", "statement_report", Some(id.to_string()), json!({"person_id": r.person_id, "round_id": r.round_id})).await?;
    let points = store::points(&st.db, id).await?;
    let is_reporter = p.user.person_id == Some(r.person_id);
    let today = today();
    let meeting_passed = today >= r.meeting_on;
    let show_check = sees_check(p, &r);
    let t = (threshold(st) * 1000.0).round() as i64;
    let peer_readable = show_check && readable(st, &view, r.peer_id).await;
    let past_readable = show_check && readable(st, &view, r.past_id).await;
    let workdays_left = match (r.submitted(), parse_date(&r.due_on)) {
        (false, Some(due)) => Some(calendar::workdays_between(st, calendar::today(), due).await?),
        _ => None,
    };
    Ok(ReportView {
        can_edit: is_reporter && !meeting_passed,
        is_reporter,
        can_organise: organises(p, r.round_org_id, &r.round_org_path),
        show_check,
        peer_flag: show_check && r.peer_pm.is_some_and(|v| v >= t),
        past_flag: show_check && r.past_pm.is_some_and(|v| v >= t),
        peer_readable,
        past_readable,
        workdays_left,
        meeting_passed,
        report: r,
        points,
    })
}

/// Whether the view reads a report (the compare links: a match in a round of another body
/// may be out of the caller's sight; its share is shown, its text is not).
async fn readable(st: &AppState, view: &View, id: Option<StatementReportId>) -> bool {
    match id {
        Some(id) => store::report(&st.db, view, id).await.is_ok(),
        None => false,
    }
}

// ---- rounds ----

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RoundForm {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub meeting_on: String,
    /// The submission deadline as a date …
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
    /// … or as so many 工作日 from today.
    #[serde(deserialize_with = "lenient")]
    pub due_days: String,
    /// Person ids, a JSON array or text separated by commas.
    #[serde(deserialize_with = "lenient_list")]
    pub reporters: String,
    /// Quick selection: every holder of `quick_post` in units of kind `quick_kind` (a code of
    /// `OrgKind`), added to `reporters`.
    #[serde(deserialize_with = "lenient")]
    pub quick_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub quick_post: String,
}

impl RoundForm {
    /// From a urlencoded body where the reporter check boxes repeat their key.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> RoundForm {
        let mut f = RoundForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "year" => &mut f.year,
                "title" => &mut f.title,
                "meeting_on" => &mut f.meeting_on,
                "due_on" => &mut f.due_on,
                "due_days" => &mut f.due_days,
                "reporters" => &mut f.reporters,
                "quick_kind" => &mut f.quick_kind,
                "quick_post" => &mut f.quick_post,
                _ => continue,
            };
            if k == "reporters" && !slot.is_empty() {
                slot.push(',');
                slot.push_str(&v);
            } else {
                *slot = v;
            }
        }
        f
    }
    pub fn has_reporter(&self, id: &PersonId) -> bool {
        split_list(&self.reporters).any(|s| s == id.to_string())
    }
}

/// Who may be asked to report in a new round of the caller's body.
pub async fn candidates(st: &AppState, p: &Principal) -> AppResult<Vec<Candidate>> {
    let scope = p.require(Permission::OrganiseStatements)?;
    let body = p.user.org_id.ok_or_else(|| AppError::Refused("您的账号未关联单位，不能以单位名义组织述责述廉".into()))?;
    Ok(store::candidates(&st.db, &scope, body).await?)
}

/// The unit kinds among the candidates, as (code, label), for the quick selection.
pub fn candidate_kinds(c: &[Candidate]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for x in c {
        if let Some(k) = OrgKind::parse(&x.org_kind)
            && !out.iter().any(|(code, _)| *code == x.org_kind)
        {
            out.push((x.org_kind.clone(), k.label()));
        }
    }
    out
}

fn post_label(c: &Candidate) -> String {
    match (c.post_kind.as_str(), OrgKind::parse(&c.org_kind)) {
        ("discipline_secretary", _) => "纪委书记".into(),
        (_, Some(OrgKind::StationedGroup)) => "纪检组长".into(),
        _ => "书记".into(),
    }
}

/// A date field (YYYY-MM-DD) not before today.
fn future_date(e: &mut FieldErrors, field: &str, label: &str, v: &str, required: bool) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        if required {
            e.insert(field.into(), format!("请填写{label}"));
        }
        return None;
    }
    match parse_date(v) {
        Some(d) if d < calendar::today() => {
            e.insert(field.into(), format!("{label}不能早于今天"));
            None
        }
        Some(d) if d.year() > 2100 => {
            e.insert(field.into(), format!("{label}无效"));
            None
        }
        Some(d) => Some(format_date(d)),
        None => {
            e.insert(field.into(), format!("{label}应为日期，格式如 2026-12-20"));
            None
        }
    }
}

/// Opens a round of the caller's body with its reporters (each gets a report to submit).
pub async fn create(st: &AppState, p: &Principal, f: &RoundForm) -> AppResult<Round> {
    p.require(Permission::OrganiseStatements)?;
    let body = p.user.org_id.ok_or_else(|| AppError::Refused("您的账号未关联单位，不能以单位名义组织述责述廉".into()))?;
    let org = lianzheng_store::org::get(&st.db, body).await?.ok_or_else(|| AppError::Refused("您的账号关联的单位不存在".into()))?;
    if !organises(p, org.id, &org.path) {
        return Err(AppError::Forbidden);
    }
    let cands = candidates(st, p).await?;
    let mut e = FieldErrors::new();
    let year = match f.year.trim() {
        "" => i64::from(crate::app::duty::current_year()),
        s => match s.parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                e.insert("year".into(), "年度应为 2000～2100 之间的整数".into());
                0
            }
        },
    };
    let title = text(&mut e, "title", "标题", &f.title, TITLE_MAX, true).unwrap_or_default();
    let meeting_on = future_date(&mut e, "meeting_on", "会议日期", &f.meeting_on, true);
    // the deadline: a date, or 工作日 from today on the calendar
    let due_on = match (f.due_on.trim().is_empty(), f.due_days.trim()) {
        (true, "") => {
            e.insert("due_on".into(), "请填写报告提交截止日期，或截止的工作日数".into());
            None
        }
        (false, "") => future_date(&mut e, "due_on", "提交截止日期", &f.due_on, true),
        (_, days) => match days.parse::<u32>() {
            Ok(n) if DUE_DAYS.contains(&n) => Some(format_date(calendar::add_workdays(st, calendar::today(), n).await?)),
            _ => {
                e.insert("due_days".into(), format!("截止工作日数应为 {}～{} 之间的整数", DUE_DAYS.start(), DUE_DAYS.end()));
                None
            }
        },
    };
    if let (Some(d), Some(m)) = (&due_on, &meeting_on)
        && d > m
    {
        let field = if f.due_days.trim().is_empty() { "due_on" } else { "due_days" };
        e.insert(field.into(), format!("提交截止日期（{d}）不能晚于会议日期"));
    }
    // who reports: the persons ticked, and the quick selection
    let mut chosen: Vec<&Candidate> = Vec::new();
    for id in split_list(&f.reporters) {
        match id.trim().parse::<PersonId>().ok().and_then(|id| cands.iter().find(|c| c.person_id == id)) {
            Some(c) => chosen.push(c),
            None => {
                e.insert("reporters".into(), "所选述职人不存在，或不是您管理范围内单位的书记、纪委书记".into());
            }
        }
    }
    let quick_kind = f.quick_kind.trim();
    if !quick_kind.is_empty() {
        let post = f.quick_post.trim();
        if !post.is_empty() && !POSTS.iter().any(|x| x.0 == post) {
            e.insert("quick_post".into(), "请选择职务（书记或纪委书记）".into());
        } else if OrgKind::parse(quick_kind).is_none() {
            e.insert("quick_kind".into(), "请选择单位类型".into());
        } else {
            let before = chosen.len();
            chosen.extend(cands.iter().filter(|c| c.org_kind == quick_kind && (post.is_empty() || c.post_kind == post)));
            if chosen.len() == before {
                e.insert("quick_kind".into(), "该类型单位中没有相应职务的人员".into());
            }
        }
    }
    let mut reporters: Vec<(PersonId, OrgId, String, String)> = Vec::new();
    for c in chosen {
        if !reporters.iter().any(|r| r.0 == c.person_id) {
            reporters.push((c.person_id, c.org_id, c.org_path.clone(), post_label(c)));
        }
    }
    if reporters.is_empty() && !e.contains_key("reporters") && !e.contains_key("quick_kind") {
        e.insert("reporters".into(), "请选择述职人".into());
    }
    let (Some(meeting_on), Some(due_on), true) = (meeting_on, due_on, e.is_empty()) else { return Err(into_error(e)) };
    let n = NewRound { year, title, org_id: org.id, org_path: org.path.clone(), meeting_on, due_on, created_by: Some(p.user.id.get()), reporters };
    let mut tx = st.db.begin().await?;
    let id = store::create_round(&mut tx, &p.actor(), &n).await?;
    tx.commit().await?;
    Ok(store::round(&st.db, &view(p)?, id).await?)
}

// ---- reports ----

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub body: String,
}

/// The reporter's own report, writable: before the meeting.
async fn own_writable(st: &AppState, p: &Principal, id: StatementReportId) -> AppResult<Report> {
    let view = view(p)?;
    let r = find(st, &view, id).await?;
    if p.user.person_id != Some(r.person_id) {
        return Err(AppError::Forbidden);
    }
    if today() >= r.meeting_on {
        return Err(AppError::Refused(format!("述责述廉会议日期（{}）已到，报告不能再提交或修改", r.meeting_on)));
    }
    Ok(r)
}

/// Submits (or revises) the reporter's own report; then the year's copy check runs again.
pub async fn submit(st: &AppState, p: &Principal, id: StatementReportId, f: &ReportForm) -> AppResult<Report> {
    let r = own_writable(st, p, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let body = text(&mut e, "body", "报告内容", &f.body, BODY_MAX, true).unwrap_or_default();
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::save_body(&mut tx, &p.actor(), id, version, &body, &today(), !r.submitted()).await?;
    tx.commit().await?;
    store::check_year(&st.db, r.year).await?;
    Ok(store::report(&st.db, &view(p)?, id).await?)
}

/// Files the report's DOCX or PDF (checked by content), replacing the one before.
pub async fn attach(st: &AppState, p: &Principal, id: StatementReportId, file: Upload) -> AppResult<files::Saved> {
    let r = own_writable(st, p, id).await?;
    match lianzheng_core::filetype::check_upload(&file.filename, &file.bytes) {
        Ok(lianzheng_core::filetype::FileKind::Docx | lianzheng_core::filetype::FileKind::Pdf) => {}
        Ok(k) => return Err(AppError::field("file", format!("报告文件应为 DOCX 或 PDF，这是 {} 文件", k.label()))),
        Err(m) => return Err(AppError::field("file", m)),
    }
    let scope = p.require(Permission::ViewConduct)?;
    let saved = files::store(st, p, &scope, r.person_org_id, Owner::StatementReport(id), file).await?;
    let mut tx = st.db.begin().await?;
    store::set_file(&mut tx, &p.actor(), id, saved.id).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The report's file, for whoever reads the report; checked against its fingerprint.
pub async fn file(st: &AppState, p: &Principal, id: StatementReportId, aid: lianzheng_core::ids::AttachmentId) -> AppResult<(lianzheng_store::attachments::Attachment, Vec<u8>)> {
    let r = find(st, &view(p)?, id).await?;
    if r.attachment_id != Some(aid) {
        return Err(AppError::NotFound);
    }
    let a = store::attachment(&st.db, id, aid).await?;
    let bytes = files::read_bytes(st, &a)?;
    p.log_read(st, "attachment.download", "attachment", Some(a.id.to_string()), json!({"org_id": a.org_id, "sm3": a.sm3, "statement_report_id": id})).await?;
    Ok((a, bytes))
}

/// Two reports side by side: the one asked for and one it was compared with.
pub struct Comparison {
    pub left: Report,
    pub right: Report,
    pub percent: i64,
    pub flagged: bool,
    /// "同年其他报告" or "本人往年报告"
    pub relation: &'static str,
}

/// Compares a report with a report the copy check matched it with (its closest of the year,
/// or the same person's closest earlier one), for the organisers, the 纪委 and the 检查组.
pub async fn compare(st: &AppState, p: &Principal, id: StatementReportId, other: StatementReportId) -> AppResult<Comparison> {
    let view = view(p)?;
    let left = find(st, &view, id).await?;
    if !sees_check(p, &left) {
        return Err(AppError::Forbidden);
    }
    // what the copy check matched it with: the year's closest report, or his own earlier one
    if left.peer_id != Some(other) && left.past_id != Some(other) {
        return Err(AppError::NotFound);
    }
    let right = find(st, &view, other).await?;
    let (Some(a), Some(b)) = (&left.body, &right.body) else { return Err(AppError::Refused("两份报告都提交后才能比对".into())) };
    if left.id == right.id {
        return Err(AppError::Refused("不能与自身比对".into()));
    }
    let j = lianzheng_textsim::jaccard(&lianzheng_textsim::shingles(a), &lianzheng_textsim::shingles(b));
    let percent = (j * 100.0).round() as i64;
    p.log_read(st, "statement_report.read", "statement_report", Some(other.to_string()), json!({"person_id": right.person_id, "compared_with": id})).await?;
    let relation = if right.person_id == left.person_id { "本人往年报告" } else { "同年其他报告" };
    Ok(Comparison { flagged: j >= threshold(st), left, right, percent, relation })
}

// ---- 点评 ----

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PointForm {
    #[serde(deserialize_with = "lenient")]
    pub content: String,
    /// 要求整改: "1", "true", "on" or "是"
    #[serde(deserialize_with = "lenient")]
    pub rectify: String,
    /// 整改期限 (required when 要求整改)
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
}

/// A 点评 point on a submitted report, by the organising body.
pub async fn add_point(st: &AppState, p: &Principal, id: StatementReportId, f: &PointForm) -> AppResult<Point> {
    let view = view(p)?;
    let r = find(st, &view, id).await?;
    if !organises(p, r.round_org_id, &r.round_org_path) {
        return Err(AppError::Forbidden);
    }
    if !r.submitted() {
        return Err(AppError::Refused("报告尚未提交，不能点评".into()));
    }
    let mut e = FieldErrors::new();
    let content = text(&mut e, "content", "点评意见", &f.content, POINT_MAX, true).unwrap_or_default();
    let rectify = match f.rectify.trim() {
        "" | "0" | "false" | "off" | "否" => false,
        "1" | "true" | "on" | "是" => true,
        _ => {
            e.insert("rectify".into(), "是否要求整改应为“是”或“否”".into());
            false
        }
    };
    let due_on = future_date(&mut e, "due_on", "整改期限", &f.due_on, rectify);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    let pid = store::add_point(&mut tx, &p.actor(), &r, &content, rectify, due_on.as_deref(), Some(p.user.id.get())).await?;
    tx.commit().await?;
    Ok(store::point(&st.db, pid).await?)
}

/// A point with its report, the report read through the caller's view.
async fn point_of(st: &AppState, p: &Principal, id: StatementPointId) -> AppResult<(Point, Report)> {
    let view = view(p)?;
    let point = match store::point(&st.db, id).await {
        Ok(pt) => pt,
        Err(lianzheng_store::StoreError::NotFound) if view.scope.is_none() => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let r = find(st, &view, point.report_id).await?;
    Ok((point, r))
}

/// The report a point belongs to (a refused form is shown on its report's page).
pub async fn report_of_point(st: &AppState, p: &Principal, id: StatementPointId) -> AppResult<StatementReportId> {
    Ok(point_of(st, p, id).await?.1.id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// 整改措施 / 答复
    #[serde(deserialize_with = "lenient")]
    pub measures: String,
    /// 整改情况
    #[serde(deserialize_with = "lenient")]
    pub progress: String,
}

/// The reporter answers a point of his own report.
pub async fn answer(st: &AppState, p: &Principal, id: StatementPointId, f: &AnswerForm) -> AppResult<Point> {
    let (point, r) = point_of(st, p, id).await?;
    if p.user.person_id != Some(r.person_id) {
        return Err(AppError::Forbidden);
    }
    if point.status != "open" {
        return Err(AppError::Refused(if point.status == "closed" { "该点评意见已销号".into() } else { "该点评意见已答复，等待销号".into() }));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let measures = text(&mut e, "measures", if point.rectify { "整改措施" } else { "答复" }, &f.measures, ANSWER_MAX, true).unwrap_or_default();
    let progress = text(&mut e, "progress", "整改情况", &f.progress, ANSWER_MAX, false);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::answer_point(&mut tx, &p.actor(), id, version, &measures, progress.as_deref(), &today()).await?;
    tx.commit().await?;
    Ok(store::point(&st.db, id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DecideForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// Why it is returned (for a return).
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

/// The body that made the point, on an answered point.
async fn decidable(st: &AppState, p: &Principal, id: StatementPointId) -> AppResult<Point> {
    let (point, r) = point_of(st, p, id).await?;
    if !organises(p, r.round_org_id, &r.round_org_path) {
        return Err(AppError::Forbidden);
    }
    match point.status.as_str() {
        "answered" => Ok(point),
        "closed" => Err(AppError::Refused("该点评意见已销号".into())),
        _ => Err(AppError::Refused("该点评意见尚未答复，不能销号或退回".into())),
    }
}

/// 销号: the body closes an answered point.
pub async fn close(st: &AppState, p: &Principal, id: StatementPointId, f: &DecideForm) -> AppResult<Point> {
    decidable(st, p, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::close_point(&mut tx, &p.actor(), id, version, &today(), &p.user.display_name).await?;
    tx.commit().await?;
    Ok(store::point(&st.db, id).await?)
}

/// The body returns an answer with its reason; the point is open again.
pub async fn return_point(st: &AppState, p: &Principal, id: StatementPointId, f: &DecideForm) -> AppResult<Point> {
    decidable(st, p, id).await?;
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let reason = text(&mut e, "reason", "退回理由", &f.reason, REASON_MAX, true).unwrap_or_default();
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::return_point(&mut tx, &p.actor(), id, version, &reason).await?;
    tx.commit().await?;
    Ok(store::point(&st.db, id).await?)
}

/// 待办: for a reporter, reports to submit (overdue, due soon, later) and 点评 to answer; for the
/// organising body, answered 点评 to close.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        if !may_open(p) {
            return Ok(items);
        }
        if let Some(me) = p.user.person_id {
            let today = calendar::today();
            let until = format_date(calendar::add_workdays(st, today, NEAR_DAYS).await?);
            let (overdue, near, later, open) = store::mine_due(&st.db, me, &format_date(today), &until).await?;
            items.push(TodoItem::new("conduct.statement_overdue", "述责述廉报告逾期未提交", overdue, "/conduct/statements", Urgency::Overdue));
            items.push(TodoItem::new("conduct.statement_near", "述责述廉报告临近提交截止（3个工作日内）", near, "/conduct/statements", Urgency::Near));
            items.push(TodoItem::new("conduct.statement_submit", "待提交的述责述廉报告", later, "/conduct/statements", Urgency::Normal));
            let href = match store::first_open_of_person(&st.db, me).await? {
                Some(id) => format!("/conduct/statements/reports/{id}#points"),
                None => "/conduct/statements".into(),
            };
            items.push(TodoItem::new("conduct.statement_points_mine", "待答复的述责述廉点评意见", open, href, Urgency::Normal));
        }
        if p.require(Permission::OrganiseStatements).is_ok()
            && let Some(body) = p.user.org_id
        {
            let n = store::answered_of_body(&st.db, body).await?;
            items.push(TodoItem::new("conduct.statement_points_answered", "已答复待销号的述责述廉点评意见", n, "/conduct/statements", Urgency::Normal));
        }
        Ok(items)
    })
}
