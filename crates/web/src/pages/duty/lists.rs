//! 定责 pages — the /duty landing page, 责任清单 (lists, items, filing and review, history),
//! 全覆盖 (coverage) and 共性 templates.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lianzheng_core::org::{OrgKind, Permission, PostKind, Scope};
use lianzheng_store::duty::lists::{self as store, Coverage, DutyItem, DutyList, ListFilter, ListKind, ListVersion};
use lianzheng_store::org;
use serde::Deserialize;

use super::{current_year, year_or_current};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, fmt_time, scope_org_options};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty", get(home))
        .route("/duty/lists", get(index).post(create))
        .route("/duty/lists/copy", post(copy_last_year))
        .route("/duty/lists/{id}", get(show))
        .route("/duty/lists/{id}/items", post(add_item))
        .route("/duty/lists/{id}/items/{item}", post(update_item))
        .route("/duty/lists/{id}/items/{item}/delete", post(delete_item))
        .route("/duty/lists/{id}/submit", post(submit))
        .route("/duty/lists/{id}/review", post(review))
        .route("/duty/coverage", get(coverage))
        .route("/duty/templates", get(templates).post(create_template))
        .route("/duty/templates/{id}", get(template))
        .route("/duty/templates/{id}/items", post(add_template_item))
        .route("/duty/templates/{id}/publish", post(publish_template))
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    ListKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
}

/// Has the filing deadline of `year` passed (Beijing time)?
pub fn deadline_passed(st: &AppState, year: i64) -> bool {
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let deadline = format!("{year}-{}", st.policy.list_deadline);
    match time::Date::parse(&deadline, time::macros::format_description!("[year]-[month]-[day]")) {
        Ok(d) => today > d,
        Err(_) => false,
    }
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
}

pub async fn home(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let lists = store::list(&st.db, &scope, &ListFilter { year, ..ListFilter::default() }).await?;
    let count = |s: &str| lists.iter().filter(|l| l.status == s).count();
    let counts = vec![("草稿", "tag-grey", count("draft")), ("待审核", "tag-blue", count("submitted")), ("已备案", "tag-green", count("accepted")), ("已退回", "tag-red", count("returned"))];
    let can_review = p.can(Permission::ReviewDuty);
    let coverage = if can_review {
        let rows = store::coverage(&st.db, &scope, year, ListKind::Main, deadline_passed(&st, year)).await?;
        let filed = rows.iter().filter(|r| matches!(r.status, Some(store::ListStatus::Submitted | store::ListStatus::Accepted))).count();
        Some((rows.len(), filed, rows.iter().filter(|r| r.late).count()))
    } else {
        None
    };
    render(&HomePage { l: Layout::new(&st, &p, "定责", "/duty"), year, counts, coverage, can_review })
}

// ---- lists ----

#[derive(Template)]
#[template(path = "duty_lists.html")]
struct ListsPage {
    l: Layout,
    year: i64,
    q: YearQuery,
    rows: Vec<DutyList>,
    kinds: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
    can_edit: bool,
    form: NewListForm,
    errors: Errs,
    message: Option<String>,
    info: Option<String>,
    holders: Vec<(i64, String)>,
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
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let org_path = match q.org.parse::<i64>() {
        Ok(id) => Some(org::get_in_scope(&st.db, &scope, id).await.map(|o| o.path).unwrap_or_else(|_| "/none/".into())),
        Err(_) => None,
    };
    let rows = store::list(&st.db, &scope, &ListFilter { year, kind: Some(q.kind.clone()), status: Some(q.status.clone()), org_path }).await?;
    let edit_scope = p.require(Permission::EditDuty).ok();
    let orgs = match &edit_scope {
        Some(s) => scope_org_options(&st.db, s).await?,
        None => scope_org_options(&st.db, &scope).await?,
    };
    let holders = match &edit_scope {
        Some(s) => leaders(st, s).await?,
        None => vec![],
    };
    let info = match q.done.as_str() {
        "" => None,
        n => Some(format!("已复制上年清单 {n} 份（草稿），请逐份核对后报送")),
    };
    let failed = !errors.is_empty() || message.is_some();
    render_status(&ListsPage {
        l: Layout::new(st, p, "责任清单", "/duty"),
        year,
        q,
        rows,
        kinds: kinds(),
        orgs,
        can_edit: edit_scope.is_some(),
        form,
        errors: Errs(errors),
        message,
        info,
        holders,
    }, failed)
}

/// 书记 and 班子成员 (current posts) of units in the scope: the holders of personal lists.
async fn leaders(st: &AppState, scope: &Scope) -> AppResult<Vec<(i64, String)>> {
    let f = lianzheng_store::people::PeopleFilter { post_kind: Some(PostKind::Secretary.code().into()), ..Default::default() };
    let (mut sec, _) = lianzheng_store::people::list(&st.db, scope, &f, 0, 1000).await?;
    let f = lianzheng_store::people::PeopleFilter { post_kind: Some(PostKind::TeamMember.code().into()), ..Default::default() };
    let (members, _) = lianzheng_store::people::list(&st.db, scope, &f, 0, 1000).await?;
    sec.extend(members);
    sec.sort_by(|a, b| a.org_path.cmp(&b.org_path).then(a.id.cmp(&b.id)));
    Ok(sec.into_iter().map(|p| (p.id, format!("{}（{}）", p.name, p.org_name))).collect())
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let form = NewListForm { year: year_or_current(&q.year).to_string(), ..NewListForm::default() };
    lists_page(&st, &p, q, form, FieldErrors::new(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<NewListForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let mut e = FieldErrors::new();
    let year = form.year.trim().parse::<i64>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        e.insert("year".into(), "请填写正确的年度".into());
    }
    let kind = ListKind::parse(&form.kind);
    if kind.is_none() {
        e.insert("kind".into(), "请选择清单类型".into());
    }
    let org_id = form.org_id.trim().parse::<i64>().ok();
    if org_id.is_none() {
        e.insert("org_id".into(), "请选择单位".into());
    }
    let person_id = form.person_id.trim().parse::<i64>().ok();
    let q = YearQuery { year: form.year.clone(), ..YearQuery::default() };
    let (Some(year), Some(kind), Some(org_id)) = (year, kind, org_id) else {
        return lists_page(&st, &p, q, form, e, Some("请修改标红的项目".into())).await;
    };
    let org_name = org::get(&st.db, org_id).await?.map(|o| o.name).unwrap_or_default();
    let title = if form.title.trim().is_empty() {
        let holder = match person_id {
            Some(pid) => lianzheng_store::people::get_in_scope(&st.db, &scope, pid).await.map(|p| format!("{}同志", p.name)).unwrap_or_default(),
            None => String::new(),
        };
        format!("{org_name}{holder}{year}年党风廉政建设{}", kind.label())
    } else {
        form.title.trim().chars().take(100).collect()
    };
    let mut tx = st.db.begin().await?;
    match store::create(&mut tx, &p.actor(), &scope, year, org_id, kind, person_id, &title).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/lists/{id}")).into_response())
        }
        Err(err) => match AppError::from(err) {
            AppError::Invalid { message, fields } => lists_page(&st, &p, q, form, fields, Some(message)).await,
            AppError::Conflict(m) => lists_page(&st, &p, q, form, FieldErrors::new(), Some(m)).await,
            other => Err(other),
        },
    }
}

pub async fn copy_last_year(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<NewListForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(&form.year));
    let mut tx = st.db.begin().await?;
    let n = store::copy_last_year(&mut tx, &p.actor(), &scope, year).await?;
    tx.commit().await?;
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
    form: ItemForm,
    errors: Errs,
    message: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ItemForm {
    category: String,
    content: String,
    reason: String,
    decision: String,
}

async fn list_page(st: &AppState, p: &Principal, id: i64, form: ItemForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let list = store::get_in_scope(&st.db, &scope, id).await?;
    let items = store::items(&st.db, list.id).await?;
    let versions = store::versions(&st.db, list.id).await?;
    let version_times = versions.iter().map(|v| fmt_time(v.at)).collect();
    let can_edit = list.status().editable() && p.require(Permission::EditDuty).map(|s| s.contains(&list.org_path)).unwrap_or(false);
    let can_review = list.status == "submitted" && p.require(Permission::ReviewDuty).map(|s| store::may_review(&s, &list.org_path)).unwrap_or(false);
    let failed = !errors.is_empty() || message.is_some();
    render_status(&ListPage { l: Layout::new(st, p, &list.title, "/duty"), list, items, versions, version_times, can_edit, can_review, form, errors: Errs(errors), message }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    list_page(&st, &p, parse_id(&id)?, ItemForm::default(), FieldErrors::new(), None).await
}

fn item_input(form: &ItemForm) -> Result<(Option<String>, String), FieldErrors> {
    let mut e = FieldErrors::new();
    let content = form.content.trim().to_string();
    if content.is_empty() {
        e.insert("content".into(), "请填写责任内容".into());
    } else if content.chars().count() > 1000 {
        e.insert("content".into(), "责任内容不能超过1000字".into());
    }
    let category = Some(form.category.trim().chars().take(30).collect::<String>()).filter(|c| !c.is_empty());
    if e.is_empty() { Ok((category, content)) } else { Err(e) }
}

/// Runs a write; a Chinese refusal re-renders the list page with what was typed.
async fn write_then_show<F>(st: &AppState, p: &Principal, list_id: i64, form: ItemForm, f: F) -> AppResult<Response>
where
    F: AsyncFnOnce(&mut lianzheng_store::Tx) -> Result<(), lianzheng_store::StoreError>,
{
    let mut tx = st.db.begin().await?;
    match f(&mut tx).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/lists/{list_id}")).into_response())
        }
        Err(err) => match AppError::from(err) {
            AppError::Invalid { message, fields } => list_page(st, p, list_id, form, fields, Some(message)).await,
            AppError::Conflict(m) => list_page(st, p, list_id, form, FieldErrors::new(), Some(m)).await,
            other => Err(other),
        },
    }
}

pub async fn add_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let id = parse_id(&id)?;
    store::get_in_scope(&st.db, &scope, id).await?;
    let (category, content) = match item_input(&form) {
        Ok(v) => v,
        Err(e) => return list_page(&st, &p, id, form, e, Some("请修改标红的项目".into())).await,
    };
    let actor = p.actor();
    write_then_show(&st, &p, id, form, async |tx| store::add_item(tx, &actor, &scope, id, category, &content).await.map(|_| ())).await
}

pub async fn update_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    store::get_in_scope(&st.db, &scope, id).await?;
    let (category, content) = match item_input(&form) {
        Ok(v) => v,
        Err(e) => return list_page(&st, &p, id, form, e, Some("请修改标红的项目".into())).await,
    };
    let actor = p.actor();
    write_then_show(&st, &p, id, form, async |tx| store::update_item(tx, &actor, &scope, item, category, &content).await.map(|_| ())).await
}

pub async fn delete_item(State(st): State<AppState>, p: Principal, Path((id, item)): Path<(String, String)>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let (id, item) = (parse_id(&id)?, parse_id(&item)?);
    store::get_in_scope(&st.db, &scope, id).await?;
    let actor = p.actor();
    write_then_show(&st, &p, id, ItemForm::default(), async |tx| store::delete_item(tx, &actor, &scope, item).await.map(|_| ())).await
}

pub async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let id = parse_id(&id)?;
    store::get_in_scope(&st.db, &scope, id).await?;
    let actor = p.actor();
    write_then_show(&st, &p, id, ItemForm::default(), async |tx| store::submit(tx, &actor, &scope, id).await).await
}

pub async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let id = parse_id(&id)?;
    store::get_in_scope(&st.db, &scope, id).await?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return list_page(&st, &p, id, form, FieldErrors::new(), Some("请选择通过或退回".into())).await,
    };
    let actor = p.actor();
    let reason = form.reason.clone();
    write_then_show(&st, &p, id, form, async |tx| store::review(tx, &actor, &scope, id, accept, Some(&reason)).await).await
}

// ---- coverage ----

#[derive(Template)]
#[template(path = "duty_coverage.html")]
struct CoveragePage {
    l: Layout,
    year: i64,
    kind: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<Coverage>,
    filed: usize,
    late: usize,
    only_common: usize,
    deadline: String,
}

pub async fn coverage(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let kind = ListKind::parse(&q.kind).unwrap_or(ListKind::Main);
    let rows = store::coverage(&st.db, &scope, year, kind, deadline_passed(&st, year)).await?;
    let filed = rows.iter().filter(|r| matches!(r.status, Some(store::ListStatus::Submitted | store::ListStatus::Accepted))).count();
    let late = rows.iter().filter(|r| r.late).count();
    let only_common = rows.iter().filter(|r| r.only_common()).count();
    render(&CoveragePage { l: Layout::new(&st, &p, "全覆盖", "/duty"), year, kind: kind.code(), kinds: kinds(), rows, filed, late, only_common, deadline: format!("{year}-{}", st.policy.list_deadline) })
}

// ---- 共性 templates ----

#[derive(Template)]
#[template(path = "duty_templates.html")]
struct TemplatesPage {
    l: Layout,
    year: i64,
    rows: Vec<store::Template>,
    kinds: Vec<(&'static str, &'static str)>,
    targets: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
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
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(&form.year));
    let rows = store::templates(&st.db, &scope, year).await?;
    let orgs = scope_org_options(&st.db, &scope).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(&TemplatesPage {
        l: Layout::new(st, p, "共性清单", "/duty"),
        year,
        rows,
        kinds: kinds(),
        targets: OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        orgs,
        form,
        errors: Errs(errors),
        message,
    }, failed)
}

pub async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let form = TemplateForm { year: year_or_current(&q.year).to_string(), ..TemplateForm::default() };
    templates_page(&st, &p, form, FieldErrors::new(), None).await
}

pub async fn create_template(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<TemplateForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let mut e = FieldErrors::new();
    let year = form.year.trim().parse::<i64>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(i64::from(current_year()));
    let kind = ListKind::parse(&form.kind);
    if kind.is_none() {
        e.insert("kind".into(), "请选择清单类型".into());
    }
    let target = OrgKind::parse(&form.target_kind);
    if target.is_none() {
        e.insert("target_kind".into(), "请选择适用的单位类型".into());
    }
    let org_id = form.org_id.trim().parse::<i64>().ok();
    if org_id.is_none() {
        e.insert("org_id".into(), "请选择发布单位".into());
    }
    let title = form.title.trim().to_string();
    if title.is_empty() {
        e.insert("title".into(), "请填写名称".into());
    }
    let (Some(kind), Some(target), Some(org_id)) = (kind, target, org_id) else {
        return templates_page(&st, &p, form, e, Some("请修改标红的项目".into())).await;
    };
    if !e.is_empty() {
        return templates_page(&st, &p, form, e, Some("请修改标红的项目".into())).await;
    }
    let mut tx = st.db.begin().await?;
    match store::create_template(&mut tx, &p.actor(), &scope, year, org_id, kind, target, &title).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/templates/{id}")).into_response())
        }
        Err(err) => match AppError::from(err) {
            AppError::Invalid { message, fields } => templates_page(&st, &p, form, fields, Some(message)).await,
            other => Err(other),
        },
    }
}

#[derive(Template)]
#[template(path = "duty_template.html")]
struct TemplatePage {
    l: Layout,
    t: store::Template,
    items: Vec<(i64, Option<String>, String)>,
    form: ItemForm,
    errors: Errs,
    message: Option<String>,
}

async fn template_page(st: &AppState, p: &Principal, id: i64, form: ItemForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    let items = store::template_items(&st.db, t.id).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(&TemplatePage { l: Layout::new(st, p, &t.title, "/duty"), t, items, form, errors: Errs(errors), message }, failed)
}

pub async fn template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    template_page(&st, &p, parse_id(&id)?, ItemForm::default(), FieldErrors::new(), None).await
}

pub async fn add_template_item(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<ItemForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let (category, content) = match item_input(&form) {
        Ok(v) => v,
        Err(e) => return template_page(&st, &p, t.id, form, e, Some("请修改标红的项目".into())).await,
    };
    if t.published {
        return template_page(&st, &p, t.id, form, FieldErrors::new(), Some("已发布的共性清单不能再修改".into())).await;
    }
    let mut tx = st.db.begin().await?;
    store::add_template_item(&mut tx, &p.actor(), t.id, category, &content).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/duty/templates/{}", t.id)).into_response())
}

pub async fn publish_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let t = store::template_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut tx = st.db.begin().await?;
    match store::publish_template(&mut tx, &p.actor(), t.id).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/templates/{}", t.id)).into_response())
        }
        Err(err) => match AppError::from(err) {
            AppError::Invalid { message, .. } => template_page(&st, &p, t.id, ItemForm::default(), FieldErrors::new(), Some(message)).await,
            other => Err(other),
        },
    }
}
