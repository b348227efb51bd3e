//! 责任清单 use cases: lists per unit and per leader (need-to-know), 个性 items, filing and
//! review, copying last year's, 全覆盖, and the 纪委's 共性 templates. One set of rules for pages
//! and API (year, default title, length limits).

use lianzheng_core::access::{self, Record, Sees};
use lianzheng_core::ids::*;
use lianzheng_core::org::{OrgKind, Permission, PostKind, Scope};
pub use lianzheng_store::duty::lists::TABLES;
use lianzheng_store::duty::lists::{self as store, ListFilter};
pub use lianzheng_store::duty::lists::{Coverage, DutyItem, DutyList, ListKind, ListStatus, ListVersion, Notice, Reminded, Template};

use super::year_or_current;
use crate::app::paging::{BATCH_MAX, Batch, Paging};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::FieldErrors;
use crate::state::AppState;
use lianzheng_docs::xlsx::{Column, Table, write_tables};

const TITLE_MAX: usize = 100;
const CONTENT_MAX: usize = 1000;
const CATEGORY_MAX: usize = 30;
const REASON_MAX: usize = 500;

/// Has the filing deadline of `year` passed (Beijing time)?
pub fn deadline_passed(st: &AppState, year: i64) -> bool {
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let deadline = format!("{year}-{}", crate::app::settings::list_deadline(st));
    match time::Date::parse(&deadline, time::macros::format_description!("[year]-[month]-[day]")) {
        Ok(d) => today > d,
        Err(_) => false,
    }
}

fn invalid(fields: FieldErrors) -> AppError {
    AppError::Invalid { message: "请修改标红的项目".into(), fields }
}

/// Who reads lists, and how much of a unit's lists: a 一般干部 or 班子成员 sees the unit's lists
/// and his own personal one, not the 书记's.
struct Viewer {
    scope: Scope,
    sees: Sees,
    person_id: Option<PersonId>,
}

impl Viewer {
    fn of(p: &Principal) -> AppResult<Viewer> {
        Ok(Viewer { scope: p.require(Permission::ViewDuty)?, sees: access::sees_any(&p.roles(), Record::DutyList), person_id: p.user.person_id })
    }
    fn sees(&self, l: &DutyList) -> bool {
        self.scope.contains(&l.org_path) && access::visible(self.sees, l.person_id, self.person_id)
    }
}

async fn visible_list(st: &AppState, p: &Principal, id: DutyListId) -> AppResult<DutyList> {
    let v = Viewer::of(p)?;
    let list = store::get_in_scope(&st.db, &v.scope, id).await?;
    if !v.sees(&list) {
        return Err(AppError::NotFound);
    }
    Ok(list)
}

/// The filing state of the year at a glance (the 定责 landing page).
pub struct Overview {
    pub year: i64,
    pub counts: Vec<(&'static str, &'static str, usize)>,
    /// (units expected to file, filed, late) for reviewers
    pub coverage: Option<(usize, usize, usize)>,
}

pub async fn overview(st: &AppState, p: &Principal, year: &str) -> AppResult<Overview> {
    let (year, lists) = list(st, p, &ListQuery { year: year.to_string(), ..ListQuery::default() }).await?;
    let counts = ListStatus::ALL.iter().map(|s| (s.label(), s.tag(), lists.iter().filter(|l| l.status == *s).count())).collect();
    let coverage = match p.require(Permission::ReviewDuty) {
        Ok(scope) => {
            let rows = store::coverage(&st.db, &scope, year, ListKind::Main, deadline_passed(st, year)).await?;
            let filed = rows.iter().filter(|r| matches!(r.status, Some(ListStatus::Submitted | ListStatus::Accepted))).count();
            Some((rows.len(), filed, rows.iter().filter(|r| r.late).count()))
        }
        Err(_) => None,
    };
    Ok(Overview { year, counts, coverage })
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub year: String,
    pub kind: String,
    pub status: String,
    /// A unit (and below) to filter by; outside the scope it finds nothing.
    pub org: String,
}

pub async fn list(st: &AppState, p: &Principal, q: &ListQuery) -> AppResult<(i64, Vec<DutyList>)> {
    let v = Viewer::of(p)?;
    let year = i64::from(year_or_current(&q.year));
    let org_path = match q.org.trim().parse::<i64>().map(OrgId::new) {
        Ok(id) => Some(lianzheng_store::org::get_in_scope(&st.db, &v.scope, id).await.map(|o| o.path).unwrap_or_else(|_| "/none/".into())),
        Err(_) => None,
    };
    let mut rows = store::list(&st.db, &v.scope, &ListFilter { year, kind: Some(q.kind.clone()), status: Some(q.status.clone()), org_path, ..ListFilter::default() }).await?;
    rows.retain(|l| v.sees(l));
    Ok((year, rows))
}

/// The lists table's sortable columns: (key, label).
pub const LIST_SORTS: &[(&str, &str)] = &[("title", "清单"), ("org", "单位"), ("holder", "责任人"), ("kind", "类型"), ("status", "状态"), ("submitted", "报送时间")];

/// One page of the lists table, each with whether the caller may review it now (the batch
/// checkboxes).
pub struct ListPage {
    pub year: i64,
    pub rows: Vec<(DutyList, bool)>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
}

/// The lists the caller reads, a page at a time, sorted by a column of [`LIST_SORTS`] (an
/// unknown key gives tree order). The need-to-know rule (a 一般干部 does not read the 书记's
/// personal list) is part of the query, so pages and the count agree.
pub async fn list_page(st: &AppState, p: &Principal, q: &ListQuery, paging: &Paging) -> AppResult<ListPage> {
    let v = Viewer::of(p)?;
    let year = i64::from(year_or_current(&q.year));
    let size = paging.size(crate::app::paging::DEFAULT_SIZE);
    if v.sees == Sees::Nothing {
        return Ok(ListPage { year, rows: vec![], total: 0, page: 1, size });
    }
    let org_path = match q.org.trim().parse::<i64>().map(OrgId::new) {
        Ok(id) => Some(lianzheng_store::org::get_in_scope(&st.db, &v.scope, id).await.map(|o| o.path).unwrap_or_else(|_| "/none/".into())),
        Err(_) => None,
    };
    let own = if v.sees == Sees::All { None } else { Some(v.person_id) };
    let f = ListFilter { year, kind: Some(q.kind.clone()), status: Some(q.status.clone()), org_path, own, sort: paging.sort() };
    let asked = paging.page();
    let (mut rows, total) = store::page(&st.db, &v.scope, &f, (asked - 1) * size, size).await?;
    let page = crate::app::paging::clamp(asked, size, total);
    if page != asked {
        rows = store::page(&st.db, &v.scope, &f, (page - 1) * size, size).await?.0;
    }
    let review = p.require(Permission::ReviewDuty).ok();
    let rows = rows
        .into_iter()
        .filter(|l| v.sees(l))
        .map(|l| {
            let r = l.status == ListStatus::Submitted && review.as_ref().is_some_and(|s| store::may_review(s, &l.org_path));
            (l, r)
        })
        .collect();
    Ok(ListPage { year, rows, total, page, size })
}

/// Lists an export holds at most (more is refused with a message, never cut short).
const EXPORT_MAX: i64 = 5000;

fn xlsx_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("生成 Excel：{e}"))
}

/// Day (Beijing time) of a stored instant, or blank.
fn day(t: Option<i64>) -> String {
    t.map(|t| crate::layout::fmt_time(t).chars().take(10).collect()).unwrap_or_default()
}

/// 责任清单.xlsx: the lists table with the page's filters and sort, every list on one row with
/// its state, version, filing and review days and the reason of a return.
pub async fn export_lists(st: &AppState, p: &Principal, q: &ListQuery, paging: &Paging) -> AppResult<(String, Vec<u8>)> {
    let v = Viewer::of(p)?;
    let year = i64::from(year_or_current(&q.year));
    let org_path = match q.org.trim().parse::<i64>().map(OrgId::new) {
        Ok(id) => Some(lianzheng_store::org::get_in_scope(&st.db, &v.scope, id).await.map(|o| o.path).unwrap_or_else(|_| "/none/".into())),
        Err(_) => None,
    };
    let own = match v.sees {
        Sees::All => None,
        Sees::Nothing => return Err(AppError::Forbidden),
        Sees::Own => Some(v.person_id),
    };
    let f = ListFilter { year, kind: Some(q.kind.clone()), status: Some(q.status.clone()), org_path, own, sort: paging.sort() };
    let (rows, total) = store::page(&st.db, &v.scope, &f, 0, EXPORT_MAX).await?;
    if total > EXPORT_MAX {
        return Err(AppError::invalid(format!("符合条件的清单有 {total} 份，超过一次导出的上限 {EXPORT_MAX} 份，请按单位或状态筛选后分次导出")));
    }
    let rows: Vec<DutyList> = rows.into_iter().filter(|l| v.sees(l)).collect();
    let headers: [(&str, f64); 12] =
        [("清单", 40.0), ("单位", 24.0), ("责任人", 12.0), ("类型", 12.0), ("共性", 6.0), ("个性", 6.0), ("状态", 10.0), ("版本", 6.0), ("报送日期", 12.0), ("审核日期", 12.0), ("退回原因", 30.0), ("年度", 6.0)];
    let columns = headers.iter().map(|(h, w)| Column { header: h.to_string(), width: Some(*w), text: h.ends_with("日期") }).collect();
    let data = rows
        .iter()
        .map(|l| {
            vec![
                l.title.clone(),
                l.org_name.clone(),
                l.holder_label(),
                l.kind_label().to_string(),
                l.common_count.to_string(),
                l.specific_count.to_string(),
                l.status.label().to_string(),
                if l.current_version > 0 { format!("第{}版", l.current_version) } else { String::new() },
                day(l.submitted_at),
                day(l.reviewed_at),
                if l.status == ListStatus::Returned { l.return_reason.clone().unwrap_or_default() } else { String::new() },
                l.year.to_string(),
            ]
        })
        .collect();
    let bytes = write_tables(&[Table { title: Some(format!("{year}年度责任清单")), sheet_name: "责任清单".into(), columns, rows: data }]).map_err(xlsx_err)?;
    p.log_read(st, "duty_list.export", "duty_list", None, serde_json::json!({"year": year, "rows": rows.len()})).await?;
    Ok((format!("{year}年度责任清单.xlsx"), bytes))
}

/// 全覆盖.xlsx: every unit expected to file, its list's state, items, lateness and the last 催报.
pub async fn export_coverage(st: &AppState, p: &Principal, year: &str, kind: &str) -> AppResult<(String, Vec<u8>)> {
    let (year, kind, rows) = coverage(st, p, year, kind).await?;
    let headers: [(&str, f64); 7] = [("单位", 30.0), ("单位类型", 14.0), ("状态", 10.0), ("共性", 6.0), ("个性", 6.0), ("逾期未报", 10.0), ("最近催报", 12.0)];
    let columns = headers.iter().map(|(h, w)| Column { header: h.to_string(), width: Some(*w), text: *h == "最近催报" }).collect();
    let data = rows
        .iter()
        .map(|r| {
            vec![
                r.org_name.clone(),
                r.org_kind.clone(),
                r.status.map(|s| s.label()).unwrap_or("未建立").to_string(),
                r.common.to_string(),
                r.specific.to_string(),
                if r.late { "是" } else { "" }.to_string(),
                if r.filed() { String::new() } else { r.reminded.clone().unwrap_or_default() },
            ]
        })
        .collect();
    let title = format!("{year}年度{}全覆盖情况", kind.label());
    let bytes = write_tables(&[Table { title: Some(title.clone()), sheet_name: "全覆盖".into(), columns, rows: data }]).map_err(xlsx_err)?;
    p.log_read(st, "duty_coverage.export", "duty_list", None, serde_json::json!({"year": year, "kind": kind.code(), "rows": rows.len()})).await?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Ids of a batch as sent: at most [`BATCH_MAX`], each once, in the order given.
fn batch_ids(ids: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    if out.is_empty() {
        return Err(AppError::field("ids", "请先勾选要处理的项目"));
    }
    if out.len() > BATCH_MAX {
        return Err(AppError::field("ids", format!("一次最多处理 {BATCH_MAX} 项，请分批操作")));
    }
    Ok(out)
}

/// 批量审核: each list goes through [`review`] on its own (scope, state, reason and audit as
/// one at a time, its own transaction); one reason for all. What failed is reported with why;
/// an id outside the caller's scope reads "not found", like one that does not exist.
pub async fn review_batch(st: &AppState, p: &Principal, ids: &[String], decision: &str, reason: &str) -> AppResult<Batch> {
    p.require(Permission::ReviewDuty)?;
    match decision.trim() {
        "accept" => {}
        "return" if reason.trim().is_empty() => return Err(AppError::field("reason", "退回时请填写退回原因")),
        "return" => {}
        _ => return Err(AppError::field("decision", "请选择通过（accept）或退回（return）")),
    }
    let mut out = Batch::default();
    for id in batch_ids(ids)? {
        let Ok(list_id) = id.parse::<i64>().map(DutyListId::new) else {
            out.fail(&id, "", "invalid", "编号无效");
            continue;
        };
        match review(st, p, list_id, decision, reason).await {
            Ok(l) => out.ok(&id, l.title),
            Err(e) => {
                let name = match &e {
                    AppError::NotFound => String::new(),
                    _ => store::get_in_scope(&st.db, &p.require(Permission::ReviewDuty)?, list_id).await.map(|l| l.title).unwrap_or_default(),
                };
                out.fail(&id, name, e.code(), e.message());
            }
        }
    }
    Ok(out)
}

/// 书记 and 班子成员 (current posts) of units the caller keeps: the holders of personal lists,
/// each with the unit of the post (the form offers only the chosen unit's holders).
pub async fn holders(st: &AppState, p: &Principal) -> AppResult<Vec<Holder>> {
    let scope = p.require(Permission::EditDuty)?;
    let rows = lianzheng_store::people::post_holders(&st.db, &scope, &[PostKind::Secretary, PostKind::TeamMember]).await?;
    Ok(rows.into_iter().map(|(id, name, org_id, org, _)| Holder { id, org_id, label: format!("{name}（{org}）") }).collect())
}

/// A possible holder of a personal list, with the unit where he holds the post.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: PersonId,
    pub org_id: OrgId,
    pub label: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewList {
    pub year: String,
    pub org_id: String,
    pub kind: String,
    pub person_id: String,
    pub title: String,
}

/// A new list (with the published 共性 items of its kind); the default title names the unit,
/// the holder and the year.
pub async fn create(st: &AppState, p: &Principal, f: &NewList) -> AppResult<DutyListId> {
    let scope = p.require(Permission::EditDuty)?;
    let mut e = FieldErrors::new();
    let year = if f.year.trim().is_empty() { Some(i64::from(year_or_current(""))) } else { f.year.trim().parse::<i64>().ok().filter(|y| (2000..=2100).contains(y)) };
    if year.is_none() {
        e.insert("year".into(), "请填写正确的年度".into());
    }
    let kind = ListKind::parse(&f.kind);
    if kind.is_none() {
        e.insert("kind".into(), "请选择清单类型（main 主体责任 / supervision 监督责任）".into());
    }
    let org = match f.org_id.trim().parse::<i64>().map(OrgId::new) {
        Ok(id) => lianzheng_store::org::get_in_scope(&st.db, &scope, id).await.ok(),
        Err(_) => None,
    };
    if org.is_none() {
        e.insert("org_id".into(), "请选择您管理范围内的单位".into());
    }
    let person = match f.person_id.trim() {
        "" => None,
        s => match s.parse::<i64>().map(PersonId::new) {
            Ok(pid) => match lianzheng_store::people::get_in_scope(&st.db, &scope, pid).await {
                Ok(person) => Some(person),
                Err(_) => {
                    e.insert("person_id".into(), "责任人不存在或不在您的管理范围内".into());
                    None
                }
            },
            Err(_) => {
                e.insert("person_id".into(), "责任人无效".into());
                None
            }
        },
    };
    let title = f.title.trim();
    if title.chars().count() > TITLE_MAX {
        e.insert("title".into(), format!("标题最多 {TITLE_MAX} 字"));
    }
    let (Some(year), Some(kind), Some(org)) = (year, kind, org) else { return Err(invalid(e)) };
    if !e.is_empty() {
        return Err(invalid(e));
    }
    let title = if title.is_empty() {
        let holder = person.as_ref().map(|p| format!("{}同志", p.name)).unwrap_or_default();
        format!("{}{holder}{year}年党风廉政建设{}", org.name, kind.label())
    } else {
        title.to_string()
    };
    let mut tx = st.db.begin().await?;
    let id = store::create(&mut tx, &p.actor(), &scope, year, org.id, kind, person.map(|p| p.id), &title).await?;
    tx.commit().await?;
    Ok(id)
}

/// 复制上年清单: last year's lists in scope become this year's drafts. Returns (year, copied).
pub async fn copy_last_year(st: &AppState, p: &Principal, year: &str) -> AppResult<(i64, i64)> {
    let scope = p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(year));
    let mut tx = st.db.begin().await?;
    let n = store::copy_last_year(&mut tx, &p.actor(), &scope, year).await?;
    tx.commit().await?;
    Ok((year, n))
}

/// A list as one person sees it, with what that person may do.
pub struct ListView {
    pub list: DutyList,
    pub items: Vec<DutyItem>,
    pub versions: Vec<ListVersion>,
    pub can_edit: bool,
    pub can_review: bool,
    /// The keeper may delete it (a draft never filed).
    pub can_delete: bool,
}

pub async fn show(st: &AppState, p: &Principal, id: DutyListId) -> AppResult<ListView> {
    let list = visible_list(st, p, id).await?;
    let scope = p.require(Permission::ViewDuty)?;
    let items = store::items(&st.db, &scope, list.id).await?;
    let versions = store::versions(&st.db, &scope, list.id).await?;
    let can_edit = list.status().editable() && p.require(Permission::EditDuty).is_ok_and(|s| s.contains(&list.org_path));
    let can_review = list.status == ListStatus::Submitted && p.require(Permission::ReviewDuty).is_ok_and(|s| store::may_review(&s, &list.org_path));
    let can_delete = can_edit && deletable(&list);
    Ok(ListView { list, items, versions, can_edit, can_review, can_delete })
}

/// One list as a DOCX: its items in a table (序号, 类别, 责任内容, 共性/个性), dated with the
/// day it was accepted (备案), else filed, else created — not the day it is downloaded.
pub async fn document(st: &AppState, p: &Principal, id: DutyListId) -> AppResult<(String, Vec<u8>)> {
    use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
    let list = visible_list(st, p, id).await?;
    let scope = p.require(Permission::ViewDuty)?;
    let items = store::items(&st.db, &scope, list.id).await?;
    let day = list.reviewed_at.filter(|_| list.status == ListStatus::Accepted).or(list.submitted_at).unwrap_or(list.created_at);
    let date = lianzheng_core::duty::issue_date(None, day);
    let rows: Vec<Vec<String>> = items.iter().enumerate().map(|(i, it)| vec![(i + 1).to_string(), it.category.clone().unwrap_or_default(), it.content.clone(), it.scope_label().to_string()]).collect();
    let whose = match &list.person_name {
        Some(n) => format!("{}　{}", list.org_name, n),
        None => list.org_name.clone(),
    };
    let body = vec![
        Block::Paragraph(format!("责任主体：{whose}；状态：{}；共 {} 项（共性 {} 项，个性 {} 项）。", list.status.label(), items.len(), list.common_count, list.specific_count)),
        Block::Table { headers: ["序号", "类别", "责任内容", "来源"].iter().map(|s| s.to_string()).collect(), rows, widths: None, landscape: false },
    ];
    let doc = OfficialDocument { title: list.title.clone(), body, signature: Some(list.org_name.clone()), date, ..OfficialDocument::default() };
    let bytes = to_docx(&doc).map_err(|e| AppError::Internal(format!("生成清单文件：{e}")))?;
    p.log_read(st, "duty_list.document", "duty_list", Some(list.id.to_string()), serde_json::json!({"items": items.len()})).await?;
    Ok((format!("{}.docx", list.title), bytes))
}

#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub category: String,
    pub content: String,
}

impl ItemInput {
    fn check(&self) -> AppResult<(Option<String>, String)> {
        let mut e = FieldErrors::new();
        let content = self.content.trim();
        if content.is_empty() {
            e.insert("content".into(), "请填写责任内容".into());
        } else if content.chars().count() > CONTENT_MAX {
            e.insert("content".into(), format!("责任内容不能超过{CONTENT_MAX}字"));
        }
        let category = self.category.trim();
        if category.chars().count() > CATEGORY_MAX {
            e.insert("category".into(), format!("类别不能超过{CATEGORY_MAX}字"));
        }
        if !e.is_empty() {
            return Err(invalid(e));
        }
        Ok((Some(category.to_string()).filter(|c| !c.is_empty()), content.to_string()))
    }
}

/// The list, kept by the caller (EditDuty over its unit).
async fn kept_list(st: &AppState, p: &Principal, id: DutyListId) -> AppResult<(Scope, DutyList)> {
    let scope = p.require(Permission::EditDuty)?;
    let list = store::get_in_scope(&st.db, &scope, id).await?;
    Ok((scope, list))
}

/// An item id from a path must be one of this list's items.
async fn item_of(st: &AppState, scope: &Scope, list_id: DutyListId, item_id: ListItemId) -> AppResult<()> {
    if store::items(&st.db, scope, list_id).await?.iter().any(|i| i.id == item_id) { Ok(()) } else { Err(AppError::NotFound) }
}

pub async fn add_item(st: &AppState, p: &Principal, list_id: DutyListId, input: &ItemInput) -> AppResult<ListItemId> {
    let (scope, list) = kept_list(st, p, list_id).await?;
    let (category, content) = input.check()?;
    let mut tx = st.db.begin().await?;
    let id = store::add_item(&mut tx, &p.actor(), &scope, list.id, category, &content).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_item(st: &AppState, p: &Principal, list_id: DutyListId, item_id: ListItemId, input: &ItemInput) -> AppResult<()> {
    let (scope, list) = kept_list(st, p, list_id).await?;
    item_of(st, &scope, list.id, item_id).await?;
    let (category, content) = input.check()?;
    let mut tx = st.db.begin().await?;
    store::update_item(&mut tx, &p.actor(), &scope, item_id, category, &content).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_item(st: &AppState, p: &Principal, list_id: DutyListId, item_id: ListItemId) -> AppResult<()> {
    let (scope, list) = kept_list(st, p, list_id).await?;
    item_of(st, &scope, list.id, item_id).await?;
    let mut tx = st.db.begin().await?;
    store::delete_item(&mut tx, &p.actor(), &scope, item_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a draft list (never filed) with its items. A list once filed keeps its record.
pub async fn delete(st: &AppState, p: &Principal, list_id: DutyListId) -> AppResult<DutyList> {
    let (scope, list) = kept_list(st, p, list_id).await?;
    if !deletable(&list) {
        return Err(AppError::Conflict("只有未报送过的草稿清单可以删除；报送过的清单保留备案记录".into()));
    }
    let mut tx = st.db.begin().await?;
    store::delete_list(&mut tx, &p.actor(), &scope, list.id).await?;
    tx.commit().await?;
    Ok(list)
}

/// A draft never filed (no version yet) may be deleted.
pub fn deletable(l: &DutyList) -> bool {
    l.status == ListStatus::Draft && l.current_version == 0
}

/// 报送备案.
pub async fn submit(st: &AppState, p: &Principal, list_id: DutyListId) -> AppResult<DutyList> {
    let (scope, list) = kept_list(st, p, list_id).await?;
    let mut tx = st.db.begin().await?;
    store::submit(&mut tx, &p.actor(), &scope, list.id).await?;
    tx.commit().await?;
    Ok(store::get_in_scope(&st.db, &scope, list.id).await?)
}

/// 审核: the higher 纪委 accepts or returns (with a reason) a filed list.
pub async fn review(st: &AppState, p: &Principal, list_id: DutyListId, decision: &str, reason: &str) -> AppResult<DutyList> {
    let scope = p.require(Permission::ReviewDuty)?;
    let list = store::get_in_scope(&st.db, &scope, list_id).await?;
    let accept = match decision.trim() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::field("decision", "请选择通过（accept）或退回（return）")),
    };
    if reason.trim().chars().count() > REASON_MAX {
        return Err(AppError::field("reason", format!("退回理由最多 {REASON_MAX} 字")));
    }
    let mut tx = st.db.begin().await?;
    store::review(&mut tx, &p.actor(), &scope, list.id, accept, Some(reason)).await?;
    tx.commit().await?;
    Ok(store::get_in_scope(&st.db, &scope, list.id).await?)
}

/// 全覆盖: which units of the scope have filed the year's list of a kind.
pub async fn coverage(st: &AppState, p: &Principal, year: &str, kind: &str) -> AppResult<(i64, ListKind, Vec<Coverage>)> {
    let scope = super::open(p, super::Part::Coverage)?;
    let year = i64::from(year_or_current(year));
    let kind = ListKind::parse(kind).unwrap_or(ListKind::Main);
    Ok((year, kind, store::coverage(&st.db, &scope, year, kind, deadline_passed(st, year)).await?))
}

/// 催报: the 纪委 reminds every unit below it (inside its review scope, not its own unit) that
/// is expected to keep a unit list of the kind and has not filed the year's. A unit reminded
/// today is not reminded twice. The notice shows in those units' 待办 and on their list page
/// until they file. Audited (`duty_list.remind`) when anything was sent.
pub async fn remind(st: &AppState, p: &Principal, year: &str, kind: &str) -> AppResult<(i64, ListKind, Reminded)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(year));
    let kind = match kind.trim() {
        "" => ListKind::Main,
        k => ListKind::parse(k).ok_or_else(|| AppError::field("kind", "清单类型无效（main 主体责任 / supervision 监督责任）"))?,
    };
    let sender_org = match p.user.org_id {
        Some(id) => lianzheng_store::org::get(&st.db, id).await?.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let today = lianzheng_core::duty::format_date(lianzheng_store::duty::tasks::today());
    let mut tx = st.db.begin().await?;
    let r = store::remind(&mut tx, &p.actor(), &scope, year, kind, (&sender_org, &p.user.display_name), &today).await?;
    tx.commit().await?;
    Ok((year, kind, r))
}

/// 催报 to chosen units (the 全覆盖 page's checkboxes): each unit on its own, in its own
/// transaction, audited per unit; a unit outside the review scope, already filed, or reminded
/// today is reported with why.
pub async fn remind_units(st: &AppState, p: &Principal, year: &str, kind: &str, org_ids: &[String]) -> AppResult<(i64, ListKind, Batch)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(year));
    let kind = match kind.trim() {
        "" => ListKind::Main,
        k => ListKind::parse(k).ok_or_else(|| AppError::field("kind", "清单类型无效（main 主体责任 / supervision 监督责任）"))?,
    };
    let ids = batch_ids(org_ids)?;
    let sender_org = match p.user.org_id {
        Some(id) => lianzheng_store::org::get(&st.db, id).await?.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let today = lianzheng_core::duty::format_date(lianzheng_store::duty::tasks::today());
    let mut out = Batch::default();
    for id in ids {
        let Ok(org_id) = id.parse::<i64>().map(OrgId::new) else {
            out.fail(&id, "", "invalid", "编号无效");
            continue;
        };
        let mut tx = st.db.begin().await?;
        match store::remind_unit(&mut tx, &p.actor(), &scope, year, kind, (&sender_org, &p.user.display_name), &today, org_id).await {
            Ok(name) => {
                tx.commit().await?;
                out.ok(&id, name);
            }
            Err(e) => {
                drop(tx);
                let e = AppError::from(e);
                let name = match e {
                    AppError::NotFound => String::new(),
                    _ => lianzheng_store::org::get_in_scope(&st.db, &scope, org_id).await.map(|o| o.name).unwrap_or_default(),
                };
                let why = match e {
                    AppError::NotFound => "单位不存在或不在您的审核范围内".to_string(),
                    ref e => e.message(),
                };
                out.fail(&id, name, e.code(), why);
            }
        }
    }
    Ok((year, kind, out))
}

/// How many units a 催报 of the year's list of a kind would reach now (those reminded today are not reminded again).
pub async fn remindable(st: &AppState, p: &Principal, year: i64, kind: ListKind) -> AppResult<i64> {
    let scope = p.require(Permission::ReviewDuty)?;
    let today = lianzheng_core::duty::format_date(lianzheng_store::duty::tasks::today());
    Ok(store::remindable(&st.db, &scope, year, kind, &today).await?)
}

/// Notices shown on a list page at most.
const NOTICES_SHOWN: i64 = 20;

/// Standing 催报 for the units whose lists the caller reads (not those the caller reviews):
/// how many, and the latest ones.
pub async fn notices(st: &AppState, p: &Principal) -> AppResult<(i64, Vec<Notice>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let reviewed = p.require(Permission::ReviewDuty).unwrap_or_else(|_| Scope::none());
    Ok(store::notices(&st.db, &scope, &reviewed, NOTICES_SHOWN).await?)
}

/// 共性清单 of a year: the units read what applies to them; the 纪委 keeps them (page).
pub async fn templates(st: &AppState, p: &Principal, year: &str) -> AppResult<(i64, Vec<Template>)> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(year));
    Ok((year, store::templates(&st.db, &scope, year).await?))
}

#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub year: String,
    pub org_id: String,
    pub kind: String,
    pub target_kind: String,
    pub title: String,
}

pub async fn create_template(st: &AppState, p: &Principal, f: &NewTemplate) -> AppResult<ListTemplateId> {
    let scope = p.require(Permission::ReviewDuty)?;
    let mut e = FieldErrors::new();
    let year = i64::from(year_or_current(&f.year));
    let kind = ListKind::parse(&f.kind);
    if kind.is_none() {
        e.insert("kind".into(), "请选择清单类型".into());
    }
    let target = OrgKind::parse(&f.target_kind);
    if target.is_none() {
        e.insert("target_kind".into(), "请选择适用的单位类型".into());
    }
    let org_id = f.org_id.trim().parse::<i64>().ok().map(OrgId::new);
    if org_id.is_none() {
        e.insert("org_id".into(), "请选择发布单位".into());
    }
    let title = f.title.trim();
    if title.is_empty() {
        e.insert("title".into(), "请填写名称".into());
    } else if title.chars().count() > TITLE_MAX {
        e.insert("title".into(), format!("名称最多 {TITLE_MAX} 字"));
    }
    let (Some(kind), Some(target), Some(org_id)) = (kind, target, org_id) else { return Err(invalid(e)) };
    if !e.is_empty() {
        return Err(invalid(e));
    }
    let mut tx = st.db.begin().await?;
    let id = store::create_template(&mut tx, &p.actor(), &scope, year, org_id, kind, target, title).await?;
    tx.commit().await?;
    Ok(id)
}

pub type TemplateItem = (TemplateItemId, Option<String>, String);

pub async fn template(st: &AppState, p: &Principal, id: ListTemplateId) -> AppResult<(Template, Vec<TemplateItem>)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    let items = store::template_items(&st.db, &scope, t.id).await?;
    Ok((t, items))
}

/// A template may be edited until it is used: once published lists carry its items, it is
/// only disabled. Checked again inside the writing transaction.
pub fn template_editable(t: &Template) -> bool {
    t.used_lists == 0
}

fn template_in_use(used: i64) -> AppError {
    AppError::Conflict(format!("共性清单已带入 {used} 份清单，不能再修改；如不再使用，可以停用"))
}

/// Opens the template's write: the template (ReviewDuty over it), a transaction, and the
/// refusal when it is in use.
async fn template_write(st: &AppState, p: &Principal, id: ListTemplateId) -> AppResult<(Scope, Template, lianzheng_store::Tx)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    let mut tx = st.db.begin().await?;
    let used = store::template_used(&mut tx, t.id).await?;
    if used > 0 {
        return Err(template_in_use(used));
    }
    Ok((scope, t, tx))
}

pub async fn add_template_item(st: &AppState, p: &Principal, id: ListTemplateId, input: &ItemInput) -> AppResult<usize> {
    let (scope, t, mut tx) = template_write(st, p, id).await?;
    let (category, content) = input.check()?;
    store::add_template_item(&mut tx, &p.actor(), &scope, t.id, category, &content).await?;
    tx.commit().await?;
    Ok(store::template_items(&st.db, &scope, t.id).await?.len())
}

/// Renames a template not yet in use.
pub async fn update_template(st: &AppState, p: &Principal, id: ListTemplateId, title: &str) -> AppResult<Template> {
    let (scope, t, mut tx) = template_write(st, p, id).await?;
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::field("title", "请填写名称"));
    }
    if title.chars().count() > TITLE_MAX {
        return Err(AppError::field("title", format!("名称最多 {TITLE_MAX} 字")));
    }
    store::update_template(&mut tx, &p.actor(), &scope, t.id, &t.title, title).await?;
    tx.commit().await?;
    Ok(store::template_in_scope(&st.db, &scope, t.id).await?)
}

/// Changes an item of a template not yet in use.
pub async fn update_template_item(st: &AppState, p: &Principal, id: ListTemplateId, item_id: TemplateItemId, input: &ItemInput) -> AppResult<()> {
    let (scope, t, mut tx) = template_write(st, p, id).await?;
    let (category, content) = input.check()?;
    store::update_template_item(&mut tx, &p.actor(), &scope, t.id, item_id, category, &content).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an item of a template not yet in use.
pub async fn delete_template_item(st: &AppState, p: &Principal, id: ListTemplateId, item_id: TemplateItemId) -> AppResult<()> {
    let (scope, t, mut tx) = template_write(st, p, id).await?;
    store::delete_template_item(&mut tx, &p.actor(), &scope, t.id, item_id).await?;
    tx.commit().await?;
    Ok(())
}

/// 停用 (`disabled`) or 启用 a published template: a disabled one is no longer copied into
/// new lists; the lists that hold its items keep them.
pub async fn set_template_disabled(st: &AppState, p: &Principal, id: ListTemplateId, disabled: bool) -> AppResult<Template> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    if !t.published {
        return Err(AppError::Conflict("共性清单尚未发布，不会带入清单，无需停用；可以继续修改".into()));
    }
    if t.disabled == disabled {
        return Err(AppError::Conflict(if disabled { "共性清单已停用" } else { "共性清单未停用" }.into()));
    }
    let mut tx = st.db.begin().await?;
    store::set_template_disabled(&mut tx, &p.actor(), &scope, t.id, disabled).await?;
    tx.commit().await?;
    Ok(store::template_in_scope(&st.db, &scope, t.id).await?)
}

pub async fn publish_template(st: &AppState, p: &Principal, id: ListTemplateId) -> AppResult<ListTemplateId> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    let mut tx = st.db.begin().await?;
    store::publish_template(&mut tx, &p.actor(), &scope, t.id).await?;
    tx.commit().await?;
    Ok(t.id)
}
