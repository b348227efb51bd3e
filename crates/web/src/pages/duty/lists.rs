//! 定责 pages — the /duty landing page, 责任清单 (lists, items, filing and review, history),
//! 全覆盖 (coverage) and 共性 templates.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lianzheng_core::ids::{DutyListId, ListTemplateId};
use lianzheng_core::org::{OrgKind, Permission};
use serde::Deserialize;

use super::year_or_current;
use crate::app::duty::lists::{self as uc, Coverage, DutyItem, DutyList, ItemInput, ListKind, ListStatus, ListVersion, Notice, Template as CommonTemplate};
use crate::app::org::units;
use crate::app::paging::Paging;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager, UnitChoice, UnitPicker, fmt_time};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty", get(home))
        .route("/duty/lists", get(index).post(create))
        .route("/duty/lists/copy", post(copy_last_year))
        .route("/duty/lists/review-batch", post(review_batch))
        .route("/duty/lists/{id}", get(show))
        .route("/duty/lists/{id}/document.docx", get(document))
        .route("/duty/lists/{id}/items", post(add_item))
        .route("/duty/lists/{id}/items/{item}", post(update_item))
        .route("/duty/lists/{id}/items/{item}/delete", post(delete_item))
        .route("/duty/lists/{id}/submit", post(submit))
        .route("/duty/lists/{id}/delete", post(delete_list))
        .route("/duty/lists/{id}/review", post(review))
        .route("/duty/lists/export.xlsx", get(export_lists))
        .route("/duty/coverage", get(coverage))
        .route("/duty/coverage/export.xlsx", get(export_coverage))
        .route("/duty/coverage/remind", post(remind))
        .route("/duty/templates", get(templates).post(create_template))
        .route("/duty/templates/{id}", get(template))
        .route("/duty/templates/{id}/items", post(add_template_item))
        .route("/duty/templates/{id}/publish", post(publish_template))
        .route("/duty/templates/{id}/edit", post(update_template))
        .route("/duty/templates/{id}/items/{item}", post(update_template_item))
        .route("/duty/templates/{id}/items/{item}/delete", post(delete_template_item))
        .route("/duty/templates/{id}/disable", post(disable_template))
        .route("/duty/templates/{id}/enable", post(enable_template))
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    ListKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
}

// ---- landing ----

#[derive(Template)]
#[template(path = "duty_home.html")]
struct HomePage {
    l: Layout,
    year: i64,
    counts: Vec<(&'static str, &'static str, usize)>,
    coverage: Option<(usize, usize, usize)>,
    can_review: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: String,
    kind: String,
    status: String,
    org: String,
    done: String,
    /// after a 催报: how many units were reminded now, and how many already today
    sent: String,
    already: String,
    /// page, size and sort of the lists table
    #[serde(flatten)]
    paging: Paging,
}

impl YearQuery {
    /// The filters as a query string (the pager adds page, size and sort), ending in `&` or empty.
    fn base(&self, year: i64) -> String {
        let year = year.to_string();
        let pairs: Vec<(&str, &str)> = [("year", year.as_str()), ("kind", self.kind.as_str()), ("status", self.status.as_str()), ("org", self.org.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
}

pub async fn home(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let uc::Overview { year, counts, coverage } = uc::overview(&st, &p, &q.year).await?;
    render(&HomePage { l: Layout::new(&st, &p, "定责", "/duty"), year, counts, coverage, can_review: crate::app::duty::open(&p, crate::app::duty::Part::CommonLists).is_ok() })
}

// ---- lists ----

#[derive(Template)]
#[template(path = "duty_lists.html")]
struct ListsPage {
    l: Layout,
    year: i64,
    q: YearQuery,
    rows: Vec<(DutyList, bool)>,
    pager: Pager,
    /// some row may be reviewed now: the batch bar and checkboxes
    can_batch: bool,
    batch: Option<(bool, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    filter_picker: UnitPicker,
    org_picker: UnitPicker,
    can_edit: bool,
    form: NewListForm,
    errors: Errs,
    message: Option<String>,
    info: Option<String>,
    holders: Vec<uc::Holder>,
    /// standing 催报 for the units shown: how many, and the latest
    notices: (i64, Vec<Notice>),
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewListForm {
    year: String,
    org_id: String,
    kind: String,
    person_id: String,
    title: String,
}

async fn lists_page(st: &AppState, p: &Principal, q: YearQuery, form: NewListForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    batch_page(st, p, q, form, errors, message, None).await
}

async fn batch_page(st: &AppState, p: &Principal, q: YearQuery, form: NewListForm, errors: FieldErrors, message: Option<String>, batch: Option<(bool, String)>) -> AppResult<Response> {
    p.require(Permission::ViewDuty)?;
    let lp = uc::list_page(st, p, &uc::ListQuery { year: q.year.clone(), kind: q.kind.clone(), status: q.status.clone(), org: q.org.clone() }, &q.paging).await?;
    let (year, rows) = (lp.year, lp.rows);
    let pager = Pager::new(lp.page, lp.size, lp.total, q.base(year)).sorted(&q.paging.sort, uc::LIST_SORTS);
    let can_batch = rows.iter().any(|(_, r)| *r);
    let edit_scope = p.require(Permission::EditDuty).ok();
    let orgs = UnitChoice::of(&units(st, p, if edit_scope.is_some() { Permission::EditDuty } else { Permission::ViewDuty }).await?);
    let filter_picker = UnitPicker::one("org", orgs.clone(), &q.org, "全部单位").labelled("单位");
    let org_picker = UnitPicker::one("org_id", orgs, &form.org_id, "请选择");
    let holders = if edit_scope.is_some() { uc::holders(st, p).await? } else { vec![] };
    let info = match q.done.as_str() {
        "" => None,
        n => Some(format!("已复制上年清单 {n} 份（草稿），请逐份核对后报送")),
    };
    let notices = uc::notices(st, p).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(
        &ListsPage {
            l: Layout::new(st, p, "责任清单", "/duty/lists"),
            year,
            q,
            rows,
            pager,
            can_batch,
            batch,
            kinds: kinds(),
            filter_picker,
            org_picker,
            can_edit: edit_scope.is_some(),
            form,
            errors: Errs(errors),
            message,
            info,
            holders,
            notices,
        },
        failed,
    )
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let form = NewListForm { year: year_or_current(&q.year).to_string(), ..NewListForm::default() };
    lists_page(&st, &p, q, form, FieldErrors::new(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<NewListForm>) -> AppResult<Response> {
    let input = uc::NewList { year: form.year.clone(), org_id: form.org_id.clone(), kind: form.kind.clone(), person_id: form.person_id.clone(), title: form.title.clone() };
    let q = YearQuery { year: form.year.clone(), ..YearQuery::default() };
    match uc::create(&st, &p, &input).await {
        Ok(id) => Ok(flash::redirect(&st, &format!("/duty/lists/{id}"), Flash::Created)),
        Err(AppError::Invalid { message, fields }) => lists_page(&st, &p, q, form, fields, Some(message)).await,
        Err(AppError::Conflict(m)) => lists_page(&st, &p, q, form, FieldErrors::new(), Some(m)).await,
        Err(e) => Err(e),
    }
}

pub async fn copy_last_year(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<NewListForm>) -> AppResult<Response> {
    let (year, n) = uc::copy_last_year(&st, &p, &form.year).await?;
    Ok(Redirect::to(&format!("/duty/lists?year={year}&done={n}")).into_response())
}

#[derive(Template)]
#[template(path = "duty_list.html")]
struct ListPage {
    l: Layout,
    list: DutyList,
    items: Vec<DutyItem>,
    versions: Vec<ListVersion>,
    version_times: Vec<String>,
    can_edit: bool,
    can_review: bool,
    can_delete: bool,
    form: ItemForm,
    errors: Errs,
    message: Option<String>,
    /// 清单事项类别 offered in the category fields (系统设置 · 字典).
    categories: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ItemForm {
    category: String,
    content: String,
    reason: String,
    decision: String,
}

async fn list_page(st: &AppState, p: &Principal, id: DutyListId, form: ItemForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let uc::ListView { list, items, versions, can_edit, can_review, can_delete } = uc::show(st, p, id).await?;
    let version_times = versions.iter().map(|v| fmt_time(v.at)).collect();
    let failed = !errors.is_empty() || message.is_some();
    render_status(
        &ListPage {
            l: Layout::new(st, p, &list.title, "/duty/lists"),
            list,
            items,
            versions,
            version_times,
            can_edit,
            can_review,
            can_delete,
            form,
            errors: Errs(errors),
            message,
            categories: crate::app::settings::list_categories(st),
        },
        failed,
    )
}

/// 下载单份清单（Word）.
pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    list_page(&st, &p, parse_id(&id)?, ItemForm::default(), FieldErrors::new(), None).await
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        ItemInput { category: self.category.clone(), content: self.content.clone() }
    }
}

/// After a write: back to the list, or the list again with the refusal and what was typed.
async fn then_show<T>(st: &AppState, p: &Principal, list_id: DutyListId, form: ItemForm, r: AppResult<T>, done: Flash) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(flash::redirect(st, &format!("/duty/lists/{list_id}"), done)),
        Err(AppError::Invalid { message, fields }) => list_page(st, p, list_id, form, fields, Some(message)).await,
        Err(AppError::Conflict(m)) => list_page(st, p, list_id, form, FieldErrors::new(), Some(m)).await,
        Err(e) => Err(e),
    }
}

pub async fn add_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::add_item(&st, &p, id, &form.input()).await;
    then_show(&st, &p, id, form, r, Flash::Added).await
}

pub async fn update_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    let r = uc::update_item(&st, &p, id, item, &form.input()).await;
    then_show(&st, &p, id, form, r, Flash::Saved).await
}

pub async fn delete_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>) -> AppResult<Response> {
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    let r = uc::delete_item(&st, &p, id, item).await;
    then_show(&st, &p, id, ItemForm::default(), r, Flash::Deleted).await
}

pub async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::submit(&st, &p, id).await;
    then_show(&st, &p, id, ItemForm::default(), r, Flash::Submitted).await
}

/// 删除草稿: back to the year's lists with a toast, or the list with the refusal.
pub async fn delete_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::delete(&st, &p, id).await {
        Ok(l) => Ok(flash::redirect(&st, &format!("/duty/lists?year={}", l.year), Flash::Deleted)),
        r => then_show(&st, &p, id, ItemForm::default(), r, Flash::Deleted).await,
    }
}

pub async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::review(&st, &p, id, &form.decision, &form.reason).await;
    let done = if form.decision.trim() == "return" { Flash::Returned } else { Flash::Accepted };
    then_show(&st, &p, id, form, r, done).await
}

/// The batch review form: the checked lists, one decision and one reason, and the table's
/// query to show again.
fn batch_form(form: &[(String, String)]) -> (Vec<String>, String, String, YearQuery) {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let ids = form.iter().filter(|(n, _)| n == "ids").map(|(_, v)| v.clone()).collect();
    let q = YearQuery { year: get("year"), kind: get("kind"), status: get("status"), org: get("org"), paging: Paging { page: get("page"), size: get("size"), sort: get("sort") }, ..YearQuery::default() };
    (ids, get("decision"), get("reason"), q)
}

/// 批量通过 / 批量退回 from the lists table: each checked list on its own; the page says how
/// many were done and which were not, and why.
pub async fn review_batch(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (ids, decision, reason, q) = batch_form(&form);
    let verb = if decision.trim() == "return" { "已退回" } else { "已通过" };
    let form = NewListForm { year: year_or_current(&q.year).to_string(), ..NewListForm::default() };
    match uc::review_batch(&st, &p, &ids, &decision, &reason).await {
        Ok(b) => {
            let ok = b.failed.is_empty();
            batch_page(&st, &p, q, form, FieldErrors::new(), None, Some((ok, b.summary(verb, "份清单")))).await
        }
        Err(e @ AppError::Invalid { .. }) => batch_page(&st, &p, q, form, FieldErrors::new(), None, Some((false, e.message()))).await.map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        }),
        Err(e) => Err(e),
    }
}

pub async fn export_lists(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let (name, bytes) = uc::export_lists(&st, &p, &uc::ListQuery { year: q.year.clone(), kind: q.kind.clone(), status: q.status.clone(), org: q.org.clone() }, &q.paging).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

pub async fn export_coverage(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let (name, bytes) = uc::export_coverage(&st, &p, &q.year, &q.kind).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

// ---- coverage ----

#[derive(Template)]
#[template(path = "duty_coverage.html")]
struct CoveragePage {
    l: Layout,
    year: i64,
    kind: &'static str,
    kind_label: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    /// each unit, and whether the reviewer may pick it for a 催报
    rows: Vec<(Coverage, bool)>,
    can_pick: bool,
    batch: Option<(bool, String)>,
    filed: usize,
    late: usize,
    only_common: usize,
    deadline: String,
    /// units a 催报 would reach (not filed, below the reviewer's own unit); None: may not send one
    remindable: Option<i64>,
    info: Option<String>,
}

pub async fn coverage(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    coverage_page(&st, &p, q, None).await
}

async fn coverage_page(st: &AppState, p: &Principal, q: YearQuery, batch: Option<(bool, String)>) -> AppResult<Response> {
    let (year, kind, rows) = uc::coverage(st, p, &q.year, &q.kind).await?;
    let filed = rows.iter().filter(|r| matches!(r.status, Some(ListStatus::Submitted | ListStatus::Accepted))).count();
    let late = rows.iter().filter(|r| r.late).count();
    let only_common = rows.iter().filter(|r| r.only_common()).count();
    let remindable = match p.require(Permission::ReviewDuty) {
        Ok(_) => Some(uc::remindable(st, p, year, kind).await?),
        Err(_) => None,
    };
    let review = p.require(Permission::ReviewDuty).ok();
    // a unit may be chosen for 催报 when it has not filed and lies below the reviewer's roots
    let rows: Vec<(Coverage, bool)> = rows
        .into_iter()
        .map(|r| {
            let pick = !r.filed() && review.as_ref().is_some_and(|s| s.contains_below(&r.org_path));
            (r, pick)
        })
        .collect();
    let can_pick = rows.iter().any(|(_, c)| *c);
    let info = match (q.sent.parse::<i64>(), q.already.parse::<i64>().unwrap_or(0)) {
        (Ok(0), 0) => Some("所有应报单位均已报送，无需催报".to_string()),
        (Ok(0), a) => Some(format!("{a} 个未报送单位今日已催报过，未重复发送")),
        (Ok(n), 0) => Some(format!("已向 {n} 个未报送单位发送催报")),
        (Ok(n), a) => Some(format!("已向 {n} 个未报送单位发送催报（另有 {a} 个单位今日已催报过，未重复发送）")),
        _ => None,
    };
    render(&CoveragePage {
        l: Layout::new(st, p, "全覆盖", "/duty/coverage"),
        can_pick,
        batch,
        year,
        kind: kind.code(),
        kind_label: kind.label(),
        kinds: kinds(),
        rows,
        filed,
        late,
        only_common,
        deadline: format!("{year}-{}", crate::app::settings::list_deadline(st)),
        remindable,
        info,
    })
}

/// 催报 from the 全覆盖 page: to every unit not filed, or to the units checked (`org_ids`), each
/// on its own, the page then saying which were reminded and which not and why.
pub async fn remind(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (year, kind) = (get("year"), get("kind"));
    if get("chosen") != "1" {
        let (year, kind, r) = uc::remind(&st, &p, &year, &kind).await?;
        return Ok(Redirect::to(&format!("/duty/coverage?year={year}&kind={}&sent={}&already={}", kind.code(), r.sent, r.already)).into_response());
    }
    let ids: Vec<String> = form.iter().filter(|(n, _)| n == "org_ids").map(|(_, v)| v.clone()).collect();
    let q = YearQuery { year: year.clone(), kind: kind.clone(), ..YearQuery::default() };
    match uc::remind_units(&st, &p, &year, &kind, &ids).await {
        Ok((_, _, b)) => coverage_page(&st, &p, q, Some((b.failed.is_empty(), b.summary("已催报", "个单位")))).await,
        Err(e @ AppError::Invalid { .. }) => coverage_page(&st, &p, q, Some((false, e.message()))).await.map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        }),
        Err(e) => Err(e),
    }
}

// ---- 共性 templates ----

#[derive(Template)]
#[template(path = "duty_templates.html")]
struct TemplatesPage {
    l: Layout,
    year: i64,
    rows: Vec<CommonTemplate>,
    kinds: Vec<(&'static str, &'static str)>,
    targets: Vec<(&'static str, &'static str)>,
    org_picker: UnitPicker,
    form: TemplateForm,
    errors: Errs,
    message: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TemplateForm {
    year: String,
    org_id: String,
    kind: String,
    target_kind: String,
    title: String,
}

async fn templates_page(st: &AppState, p: &Principal, form: TemplateForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    crate::app::duty::open(p, crate::app::duty::Part::CommonLists)?;
    let (year, rows) = uc::templates(st, p, &form.year).await?;
    let org_picker = UnitPicker::one("org_id", UnitChoice::of(&units(st, p, Permission::ReviewDuty).await?), &form.org_id, "请选择");
    let failed = !errors.is_empty() || message.is_some();
    render_status(
        &TemplatesPage {
            l: Layout::new(st, p, "共性清单", "/duty/templates"),
            year,
            rows,
            kinds: kinds(),
            targets: OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            org_picker,
            form,
            errors: Errs(errors),
            message,
        },
        failed,
    )
}

pub async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let form = TemplateForm { year: year_or_current(&q.year).to_string(), ..TemplateForm::default() };
    templates_page(&st, &p, form, FieldErrors::new(), None).await
}

pub async fn create_template(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<TemplateForm>) -> AppResult<Response> {
    let input = uc::NewTemplate { year: form.year.clone(), org_id: form.org_id.clone(), kind: form.kind.clone(), target_kind: form.target_kind.clone(), title: form.title.clone() };
    match uc::create_template(&st, &p, &input).await {
        Ok(id) => Ok(flash::redirect(&st, &format!("/duty/templates/{id}"), Flash::Created)),
        Err(AppError::Invalid { message, fields }) => templates_page(&st, &p, form, fields, Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "duty_template.html")]
struct TemplatePage {
    l: Layout,
    t: CommonTemplate,
    items: Vec<uc::TemplateItem>,
    editable: bool,
    form: ItemForm,
    errors: Errs,
    message: Option<String>,
    /// 清单事项类别 offered in the category fields (系统设置 · 字典).
    categories: Vec<String>,
}

async fn template_page(st: &AppState, p: &Principal, id: ListTemplateId, form: ItemForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let (t, items) = uc::template(st, p, id).await?;
    let failed = !errors.is_empty() || message.is_some();
    let editable = uc::template_editable(&t);
    render_status(&TemplatePage { l: Layout::new(st, p, &t.title, "/duty/templates"), t, items, editable, form, errors: Errs(errors), message, categories: crate::app::settings::list_categories(st) }, failed)
}

pub async fn template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    template_page(&st, &p, parse_id(&id)?, ItemForm::default(), FieldErrors::new(), None).await
}

/// After a write on a template: back to it, or it again with the refusal and what was typed.
async fn then_template<T>(st: &AppState, p: &Principal, id: ListTemplateId, form: ItemForm, r: AppResult<T>, done: Flash) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(flash::redirect(st, &format!("/duty/templates/{id}"), done)),
        Err(AppError::Invalid { message, fields }) => template_page(st, p, id, form, fields, Some(message)).await,
        Err(AppError::Conflict(m)) => template_page(st, p, id, form, FieldErrors::new(), Some(m)).await,
        Err(e) => Err(e),
    }
}

pub async fn add_template_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::add_template_item(&st, &p, id, &form.input()).await;
    then_template(&st, &p, id, form, r, Flash::Added).await
}

pub async fn publish_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::publish_template(&st, &p, id).await;
    then_template(&st, &p, id, ItemForm::default(), r, Flash::Published).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TitleForm {
    title: String,
}

pub async fn update_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<TitleForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::update_template(&st, &p, id, &form.title).await;
    then_template(&st, &p, id, ItemForm::default(), r, Flash::Saved).await
}

pub async fn update_template_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    let r = uc::update_template_item(&st, &p, id, item, &form.input()).await;
    then_template(&st, &p, id, form, r, Flash::Saved).await
}

pub async fn delete_template_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>) -> AppResult<Response> {
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    let r = uc::delete_template_item(&st, &p, id, item).await;
    then_template(&st, &p, id, ItemForm::default(), r, Flash::Deleted).await
}

pub async fn disable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::set_template_disabled(&st, &p, id, true).await;
    then_template(&st, &p, id, ItemForm::default(), r, Flash::Disabled).await
}

pub async fn enable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::set_template_disabled(&st, &p, id, false).await;
    then_template(&st, &p, id, ItemForm::default(), r, Flash::Enabled).await
}
