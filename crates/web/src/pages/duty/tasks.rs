//! 任务分工 pages: the year's plans, a plan's tree (colours, filters, paging), adding and
//! editing items, progress reports with attachments, copy last year's plan, XLSX import and
//! export, and the 责任分工 document. Form → `app::duty::tasks` → template.

use lianzheng_core::ids::{OrgId, PlanId, TaskId};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::duty::Colour;

use crate::app::duty::tasks::{self as uc, Attachment, LinkedItem, Node, Plan, PlanEditForm, PlanForm, PlanRow, Reminder, ReportForm, Rollup, TaskForm, TaskView, TreeQuery};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager, UnitChoice, UnitPicker, fmt_time};
use crate::pages::orgs::ImportPage;
use crate::pages::render;
use crate::state::AppState;
use crate::xlsx_io;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty/plans", get(index).post(create_plan))
        .route("/duty/plan-template.xlsx", get(template))
        .route("/duty/plans/{id}", get(show))
        .route("/duty/plans/{id}/new", get(new_task_form))
        .route("/duty/plans/{id}/tasks", post(create_task))
        .route("/duty/plans/{id}/copy", post(copy))
        .route("/duty/plans/{id}/edit", post(edit_plan))
        .route("/duty/plans/{id}/export.xlsx", get(export))
        .route("/duty/plans/{id}/import", get(import_page).post(import))
        .route("/duty/plans/{id}/document.docx", get(document))
        .route("/duty/tasks/{id}", get(task_page).post(update_task))
        .route("/duty/tasks/{id}/edit", get(edit_form))
        .route("/duty/tasks/{id}/delete", post(delete_task))
        .route("/duty/tasks/{id}/reports", post(report))
        .route("/duty/tasks/{id}/files/{file}", get(download))
}

fn with_status(mut r: Response, failed: bool) -> Response {
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

pub struct NodeRow {
    pub node: Node,
    pub indent: String,
    pub responsible: String,
    pub cooperating: String,
}

impl NodeRow {
    fn of(node: Node) -> NodeRow {
        let indent = "　".repeat(node.depth.saturating_sub(1));
        let responsible = node.responsible.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
        let cooperating = node.cooperating.iter().map(|o| o.org_name.as_str()).collect::<Vec<_>>().join("、");
        NodeRow { node, indent, responsible, cooperating }
    }
}

// ---------------------------------------------------------------------------------- plans

#[derive(Template)]
#[template(path = "duty_plans.html")]
struct PlansPage {
    l: Layout,
    year: i64,
    plans: Vec<PlanRow>,
    last_year: Vec<PlanRow>,
    reminders: Arc<Vec<Reminder>>,
    can_edit: bool,
    form: PlanForm,
    errors: Errs,
    org_picker: UnitPicker,
    /// The copy's question when the year already has the unit's plan: (plan to copy, question).
    confirm_copy: Option<(PlanId, String)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

async fn plans_page(st: &AppState, p: &Principal, year: &str, form: Option<PlanForm>, errors: FieldErrors, confirm_copy: Option<(PlanId, String)>) -> AppResult<Response> {
    let v = uc::plans_view(st, p, year).await?;
    let year = v.year;
    let orgs = v.orgs;
    let form = form.unwrap_or_else(|| PlanForm {
        year: year.to_string(),
        org_id: p.user.org_id.filter(|id| orgs.iter().any(|o| o.id == *id)).or(crate::layout::tree_order(&orgs).first().map(|o| o.0.id)).map(|v| v.to_string()).unwrap_or_default(),
        title: uc::default_plan_title(year),
        doc_number: String::new(),
    });
    let failed = !errors.is_empty();
    let asking = confirm_copy.is_some();
    let org_picker = UnitPicker::one("org_id", UnitChoice::of(&orgs), &form.org_id, "请选择");
    let r = render(&PlansPage {
        l: Layout::new(st, p, "任务分工", "/duty/plans"),
        year,
        plans: v.plans,
        last_year: v.last_year,
        reminders: v.reminders,
        can_edit: v.can_edit,
        form,
        errors: Errs(errors),
        org_picker,
        confirm_copy,
    })?;
    let mut r = with_status(r, failed);
    if asking {
        *r.status_mut() = StatusCode::CONFLICT;
    }
    Ok(r)
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    plans_page(&st, &p, &q.year, None, FieldErrors::new(), None).await
}

pub async fn create_plan(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<PlanForm>) -> AppResult<Response> {
    match uc::create_plan(&st, &p, &form).await {
        Ok(plan) => Ok(flash::redirect(&st, &format!("/duty/plans/{}", plan.id), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => plans_page(&st, &p, &form.year.clone(), Some(form), fields, None).await,
        Err(e) => Err(e),
    }
}

pub async fn edit_plan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PlanEditForm>) -> AppResult<Response> {
    let plan = uc::edit_plan(&st, &p, parse_id(&id)?, &form).await?;
    Ok(flash::redirect(&st, &format!("/duty/plans/{}", plan.id), Flash::Saved))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CopyForm {
    /// "1" once the person confirmed copying into a year that already has the unit's plan
    confirm: String,
}

/// 复制上年计划; when the year already has the unit's plan, the plans page asks first.
pub async fn copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<CopyForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::copy_plan(&st, &p, id, "", form.confirm.trim() == "1").await {
        Ok(plan) => Ok(flash::redirect(&st, &format!("/duty/plans/{}", plan.id), Flash::Copied)),
        Err(AppError::Conflict(question)) => {
            let year = uc::plan_to_edit(&st, &p, id).await?.year + 1;
            plans_page(&st, &p, &year.to_string(), None, FieldErrors::new(), Some((id, question))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "duty_plan.html")]
struct PlanPage {
    l: Layout,
    plan: Plan,
    rows: Vec<NodeRow>,
    total: usize,
    counts: Vec<(&'static str, &'static str, usize)>,
    pager: Pager,
    f: TreeQuery,
    org_picker: UnitPicker,
    colours: Vec<(&'static str, &'static str)>,
    reminders: Arc<Vec<Reminder>>,
    owner: bool,
    can_edit: bool,
    today: String,
}

/// The query string of the filters, without `page=`, ending in `&` or empty.
fn filter_base(q: &TreeQuery) -> String {
    let pairs: Vec<(&str, &str)> = [("org", q.org.as_str()), ("colour", q.colour.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if s.is_empty() { s } else { format!("{s}&") }
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Response> {
    let t = uc::tree_page(&st, &p, parse_id(&id)?, &q).await?;
    let per_page = i64::try_from(t.size).unwrap_or(100);
    let pager = Pager::new(i64::try_from(t.page).unwrap_or(1), per_page, i64::try_from(t.total).unwrap_or(0), filter_base(&q));
    let counts = t.counts.iter().map(|(c, n)| (c.code(), c.label(), *n)).collect();
    let plan = t.access.plan;
    render(&PlanPage {
        l: Layout::new(&st, &p, &plan.title, "/duty/plans").crumb(format!("/duty/plans?year={}", plan.year), format!("{}年", plan.year)),
        plan,
        rows: t.nodes.into_iter().map(NodeRow::of).collect(),
        total: t.total,
        counts,
        pager,
        org_picker: UnitPicker::one("org", UnitChoice::of(&t.orgs), &q.org, "全部单位").labelled("单位"),
        f: q,
        colours: Colour::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        reminders: t.reminders,
        owner: t.access.owner,
        can_edit: t.access.can_edit,
        today: lianzheng_core::duty::format_date(uc::today()),
    })
}

// ---------------------------------------------------------------------------------- items

#[derive(Template)]
#[template(path = "duty_task_form.html")]
struct TaskFormPage {
    l: Layout,
    heading: String,
    action: String,
    cancel: String,
    parent: Option<(TaskId, String)>,
    form: TaskForm,
    errors: Errs,
    message: Option<String>,
    lead_picker: UnitPicker,
    responsible_picker: UnitPicker,
    cooperating_picker: UnitPicker,
    /// (unit id, "姓名（职务）") of the units' leaders; the plan's owner
    leaders: Vec<(OrgId, String)>,
    owner_org_id: OrgId,
    /// The linkable list items by list: (unit · list title, items)
    item_groups: Vec<(String, Vec<LinkedItem>)>,
}

#[allow(clippy::too_many_arguments)]
async fn task_form_page(st: &AppState, p: &Principal, plan: Plan, editing: Option<TaskId>, parent: Option<(TaskId, String)>, form: TaskForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let o = uc::form_options(st, p, &plan).await?;
    let (heading, action, cancel) = match editing {
        Some(id) => ("编辑事项".to_string(), format!("/duty/tasks/{id}"), format!("/duty/tasks/{id}")),
        None => (if parent.is_some() { "添加小项" } else { "添加大项" }.to_string(), format!("/duty/plans/{}/tasks", plan.id), format!("/duty/plans/{}", plan.id)),
    };
    let failed = !errors.is_empty() || message.is_some();
    let units = UnitChoice::of(&o.orgs);
    let mut item_groups: Vec<(String, Vec<LinkedItem>)> = Vec::new();
    for i in o.items {
        let head = format!("{} · {}", i.org_name, i.list_title);
        match item_groups.last_mut() {
            Some((h, v)) if *h == head => v.push(i),
            _ => item_groups.push((head, vec![i])),
        }
    }
    let r = render(&TaskFormPage {
        l: Layout::new(st, p, &heading, "/duty/plans").crumb(format!("/duty/plans/{}", plan.id), plan.title.clone()),
        heading,
        action,
        cancel,
        parent,
        errors: Errs(errors),
        message,
        lead_picker: UnitPicker::one("lead_org", units.clone(), &form.lead_org, "请选择"),
        responsible_picker: UnitPicker::many("responsible", units.clone(), &form.responsible),
        cooperating_picker: UnitPicker::many("cooperating", units, &form.cooperating),
        form,
        leaders: o.leaders,
        owner_org_id: o.owner_org_id,
        item_groups,
    })?;
    Ok(with_status(r, failed))
}

/// A use case's refusal as the message and marked fields of the form; other errors pass.
fn form_error(e: AppError) -> AppResult<(FieldErrors, String)> {
    match e {
        AppError::Invalid { message, fields } => Ok((fields, message)),
        AppError::Conflict(m) => Ok((FieldErrors::new(), m)),
        other => Err(other),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    parent: String,
}

pub async fn new_task_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<NewQuery>) -> AppResult<Response> {
    let (plan, parent, form) = uc::new_task(&st, &p, parse_id(&id)?, &q.parent).await?;
    task_form_page(&st, &p, plan, None, parent, form, FieldErrors::new(), None).await
}

pub async fn create_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let form = TaskForm::from_pairs(pairs);
    match uc::create_task(&st, &p, id, &form).await {
        Ok(v) => Ok(flash::redirect(&st, &format!("/duty/tasks/{}", v.task.id), Flash::Added)),
        Err(e) => {
            let (fields, message) = form_error(e)?;
            let plan = uc::plan_to_edit(&st, &p, id).await?;
            let parent = uc::parent_of(&st, &p, &plan, &form.parent_id).await?;
            task_form_page(&st, &p, plan, None, parent, form, fields, Some(message)).await
        }
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (plan, form) = uc::edit_task_form(&st, &p, id).await?;
    task_form_page(&st, &p, plan, Some(id), None, form, FieldErrors::new(), None).await
}

pub async fn delete_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (plan, _) = uc::delete_task(&st, &p, parse_id(&id)?).await?;
    Ok(flash::redirect(&st, &format!("/duty/plans/{plan}"), Flash::Deleted))
}

pub async fn update_task(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let form = TaskForm::from_pairs(pairs);
    match uc::update_task(&st, &p, id, &form).await {
        Ok(v) => Ok(flash::redirect(&st, &format!("/duty/tasks/{}", v.task.id), Flash::Saved)),
        Err(e) => {
            let (fields, message) = form_error(e)?;
            let (plan, _) = uc::edit_task_form(&st, &p, id).await?;
            task_form_page(&st, &p, plan, Some(id), None, form, fields, Some(message)).await
        }
    }
}

pub struct ReportRow {
    pub report: uc::Report,
    pub at: String,
    pub files: Vec<Attachment>,
}

#[derive(Template)]
#[template(path = "duty_task.html")]
struct TaskPage {
    l: Layout,
    v: TaskView,
    colour: Colour,
    items: Vec<LinkedItem>,
    reports: Vec<ReportRow>,
    can_edit: bool,
    reporting: Option<(OrgId, String, bool)>,
    reporting_label: String,
    form: ReportForm,
    errors: Errs,
    upload_types: String,
    updated: String,
    /// Some(items in the subtree) when the viewer may delete the item now.
    deletable: Option<i64>,
    rollup: Option<Rollup>,
    children: Vec<NodeRow>,
}

async fn task_page_with(st: &AppState, p: &Principal, id: TaskId, form: ReportForm, errors: FieldErrors) -> AppResult<Response> {
    let d = uc::task(st, p, id).await?;
    let reports = d.reports.into_iter().map(|(r, files)| ReportRow { at: fmt_time(r.created_at), files, report: r }).collect();
    let failed = !errors.is_empty();
    let updated = fmt_time(d.view.task.updated_at);
    let r = render(&TaskPage {
        l: d.number_path.iter().fold(Layout::new(st, p, &d.view.task.title, "/duty/plans").crumb(format!("/duty/plans/{}", d.view.plan.id), d.view.plan.title.clone()), |l, a| l.crumb("", a.1.clone())),
        v: d.view,
        colour: d.colour,
        items: d.items,
        reports,
        can_edit: d.can_edit,
        reporting: d.reporting,
        reporting_label: d.reporting_label,
        form,
        errors: Errs(errors),
        upload_types: st.policy.upload_types.join("、"),
        updated,
        deletable: d.deletable,
        rollup: d.rollup,
        children: d.children.into_iter().map(NodeRow::of).collect(),
    })?;
    Ok(with_status(r, failed))
}

pub async fn task_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    task_page_with(&st, &p, parse_id(&id)?, ReportForm::default(), FieldErrors::new()).await
}

/// 进展报送: percent, text and an optional file (multipart, CSRF token in the query).
pub async fn report(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut form = ReportForm::default();
    let mut file: Option<Upload> = None;
    let mut errors = FieldErrors::new();
    let too_big = format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                errors.insert("file".into(), too_big.clone());
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            match field.bytes().await {
                Ok(b) if !filename.is_empty() && !b.is_empty() => file = Some(Upload { filename, content_type, bytes: b.to_vec() }),
                Ok(_) => {}
                Err(_) => {
                    errors.insert("file".into(), too_big.clone());
                }
            }
        } else {
            let v = field.text().await.unwrap_or_default();
            match name.as_str() {
                "percent" => form.percent = v,
                "text" => form.text = v,
                _ => {}
            }
        }
    }
    if !errors.is_empty() {
        return task_page_with(&st, &p, id, form, errors).await;
    }
    match uc::report(&st, &p, id, &form, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/duty/tasks/{id}#reports"), Flash::Reported)),
        Err(AppError::Invalid { fields, message }) => {
            let mut fields = fields;
            if fields.is_empty() {
                fields.insert("text".into(), message);
            }
            task_page_with(&st, &p, id, form, fields).await
        }
        Err(e) => Err(e),
    }
}

/// A report's file, for whoever may read the report.
pub async fn download(State(st): State<AppState>, p: Principal, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let (a, bytes) = uc::report_file(&st, &p, parse_id(&id)?, parse_id(&file)?).await?;
    Ok(crate::layout::file_response(bytes, &a.filename, "application/octet-stream"))
}

// -------------------------------------------------------------------------- XLSX / DOCX

pub async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<TreeQuery>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, parse_id(&id)?, &q).await?;
    Ok(xlsx_io::download(bytes, &name))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(uc::import_template(&p)?, "任务分工导入模板.xlsx"))
}

fn import_page_of(st: &AppState, p: &Principal, plan: &Plan, info: Option<String>, errors: Vec<String>) -> AppResult<Response> {
    let failed = !errors.is_empty();
    let r = render(&ImportPage {
        l: Layout::new(st, p, "导入任务分工", "/duty/plans").crumb(format!("/duty/plans/{}", plan.id), plan.title.clone()),
        heading: format!("导入任务分工：{}", plan.title),
        action: format!("/duty/plans/{}/import", plan.id),
        template_href: "/duty/plan-template.xlsx".into(),
        info,
        errors,
    })?;
    Ok(with_status(r, failed))
}

pub async fn import_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let plan = uc::plan_to_edit(&st, &p, parse_id(&id)?).await?;
    import_page_of(&st, &p, &plan, None, vec![])
}

pub async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let plan = uc::plan_to_edit(&st, &p, parse_id(&id)?).await?;
    let bytes = match xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await {
        Ok(b) => b,
        Err(AppError::Invalid { message, .. }) => return import_page_of(&st, &p, &plan, None, vec![message]),
        Err(e) => return Err(e),
    };
    match uc::import(&st, &p, plan.id, &bytes).await? {
        Ok(n) => import_page_of(&st, &p, &plan, Some(format!("已导入 {n} 项，返回计划查看")), vec![]),
        Err(errs) => import_page_of(&st, &p, &plan, None, errs),
    }
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
