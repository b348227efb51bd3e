//! 组织机构 pages: the tree (children loaded on demand), an organisation's page, add/edit, import/export.
//! Each handler reads the request, calls `app::org`, and renders.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use lianzheng_core::ids::OrgId;
use lianzheng_core::org::{OrgKind, Permission};
use serde::Deserialize;

use super::{render, render_status};
use crate::app::org::{self as uc, Attachment, Org, xlsx};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{OrgForm, PageForm, Q, file_field, parse_id};
use crate::layout::{Errs, Layout, options, org_options};
use crate::state::AppState;
use crate::xlsx_io;

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    l: Layout,
    q: String,
    found: Vec<Org>,
    /// each root with its children (and their child counts); deeper levels load on demand
    roots: Vec<(Org, Vec<(Org, i64)>)>,
    can_manage: bool,
}

#[derive(Template)]
#[template(path = "org_children.html")]
struct ChildrenPartial {
    nodes: Vec<(Org, i64)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    parent: String,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<SearchQuery>) -> AppResult<Response> {
    let searching = !q.q.trim().is_empty();
    let found = if searching { uc::search_orgs(&st, &p, &q.q).await? } else { vec![] };
    let roots = if searching { vec![] } else { uc::tree_top(&st, &p).await? };
    render(&OrgsPage { l: Layout::new(&st, &p, "组织机构", "/orgs"), q: q.q, found, roots, can_manage: p.can(Permission::ManageOrgs) })
}

/// The children of one node, as list items for the tree (htmx).
pub async fn children(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let nodes = uc::children(&st, &p, parse_id(&id)?).await?;
    render(&ChildrenPartial { nodes })
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    l: Layout,
    org: Org,
    children: Vec<(Org, i64)>,
    people_count: i64,
    can_manage: bool,
    can_people: bool,
    /// None: no right to see the unit's files
    files: Option<Vec<Attachment>>,
    upload_types: String,
    message: Option<String>,
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    org_page(&st, &p, parse_id(&id)?, None).await
}

async fn org_page(st: &AppState, p: &Principal, id: OrgId, message: Option<String>) -> AppResult<Response> {
    let d = uc::org_detail(st, p, id).await?;
    let failed = message.is_some();
    render_status(
        &OrgPage {
            l: d.ancestors.iter().fold(Layout::new(st, p, &d.org.name, "/orgs"), |l, a| l.crumb(format!("/orgs/{}", a.id), a.name.clone())),
            org: d.org,
            children: d.children,
            people_count: d.people_count,
            can_manage: p.can(Permission::ManageOrgs),
            can_people: d.can_people,
            files: d.files,
            upload_types: st.policy.upload_types.join("、"),
            message,
        },
        failed,
    )
}

/// 单位资料: a file attached to the unit from its page.
pub async fn upload(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let file = match file_field(multipart, st.policy.upload_max_bytes, "请选择要上传的文件").await {
        Ok(f) => f,
        Err(m) => return org_page(&st, &p, id, Some(m)).await,
    };
    match uc::upload_org_file(&st, &p, id, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/orgs/{id}#files"), Flash::Uploaded)),
        Err(AppError::Invalid { message, .. }) => org_page(&st, &p, id, Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgFormPage {
    l: Layout,
    heading: String,
    action: String,
    cancel: String,
    editing: bool,
    form: OrgForm,
    errors: Errs,
    message: Option<String>,
    parents: Vec<(OrgId, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn form_page(st: &AppState, p: &Principal, editing: Option<OrgId>, form: OrgForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let parents = org_options(&uc::parent_options(st, p, editing).await?);
    let (heading, action, cancel) = match editing {
        Some(id) => ("编辑组织".to_string(), format!("/orgs/{id}"), format!("/orgs/{id}")),
        None => ("新增组织".to_string(), "/orgs".to_string(), "/orgs".to_string()),
    };
    let failed = !errors.0.is_empty() || message.is_some();
    render_status(
        &OrgFormPage { l: Layout::new(st, p, &heading, "/orgs"), heading, action, cancel, editing: editing.is_some(), form, errors, message, parents, kinds: options(OrgKind::ALL, OrgKind::code, OrgKind::label) },
        failed,
    )
}

/// The form again after a refused save: field errors at their fields, a conflict on top.
async fn refused(st: &AppState, p: &Principal, editing: Option<OrgId>, form: OrgForm, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => form_page(st, p, editing, form, Errs(fields), Some(message)).await,
        AppError::Conflict(m) => form_page(st, p, editing, form, Errs::default(), Some(m)).await,
        other => Err(other),
    }
}

pub async fn new_form(State(st): State<AppState>, p: Principal, Q(q): Q<SearchQuery>) -> AppResult<Response> {
    let form = OrgForm { parent_id: q.parent, sort_order: "0".into(), ..OrgForm::default() };
    form_page(&st, &p, None, form, Errs::default(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<OrgForm>) -> AppResult<Response> {
    match uc::create_org(&st, &p, &form).await {
        Ok(o) => Ok(flash::redirect(&st, &format!("/orgs/{}", o.id), Flash::Created)),
        Err(e) => refused(&st, &p, None, form, e).await,
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let o = uc::org_to_edit(&st, &p, parse_id(&id)?).await?;
    let form = OrgForm {
        parent_id: o.parent_id.map(|v| v.to_string()).unwrap_or_default(),
        name: o.name.clone(),
        short_name: o.short_name.clone().unwrap_or_default(),
        kind: o.kind.clone(),
        code: o.code.clone(),
        sort_order: o.sort_order.to_string(),
        version: o.version.to_string(),
    };
    form_page(&st, &p, Some(o.id), form, Errs::default(), None).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<OrgForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::update_org(&st, &p, id, &form).await {
        Ok(o) => Ok(flash::redirect(&st, &format!("/orgs/{}", o.id), Flash::Saved)),
        Err(e) => refused(&st, &p, Some(id), form, e).await,
    }
}

pub async fn export(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::export_orgs(&st, &p).await?, "组织机构.xlsx"))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::org_template(&p)?, "组织机构导入模板.xlsx"))
}

/// The import form with its outcome; 任务分工 imports use it too.
#[derive(Template)]
#[template(path = "import.html")]
pub(super) struct ImportPage {
    pub l: Layout,
    pub heading: String,
    pub action: String,
    pub template_href: String,
    pub info: Option<String>,
    pub errors: Vec<String>,
}

impl ImportPage {
    /// The page of one import (`base` is its path), before a file is sent or with its outcome.
    pub(super) fn of(st: &AppState, p: &Principal, heading: &str, base: &str, active: &str, outcome: Option<xlsx::ImportResult>, done: impl Fn(usize) -> String) -> (ImportPage, bool) {
        let (info, errors) = match outcome {
            None => (None, vec![]),
            Some(Ok(n)) => (Some(done(n)), vec![]),
            Some(Err(errs)) => (None, errs),
        };
        let failed = !errors.is_empty();
        (ImportPage { l: Layout::new(st, p, heading, active), heading: heading.into(), action: base.into(), template_href: format!("{base}/template.xlsx"), info, errors }, failed)
    }
}

pub async fn import_page(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    let (page, _) = ImportPage::of(&st, &p, "导入组织机构", "/orgs/import", "/orgs", None, |_| String::new());
    render(&page)
}

pub async fn import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    let outcome = xlsx::import_orgs(&st, &p, &bytes).await?;
    let (page, failed) = ImportPage::of(&st, &p, "导入组织机构", "/orgs/import", "/orgs", Some(outcome), |n| format!("已导入 {n} 个组织"));
    render_status(&page, failed)
}
