//! 组织机构 pages: the tree (children loaded on demand), an organisation's page, add/edit, import/export.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_core::org::{OrgKind, Permission, Scope};
use lianzheng_store::org::{self, Org};
use lianzheng_store::{attachments, people};
use serde::Deserialize;

use super::{render, render_status};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
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
    let scope = p.require(Permission::ViewOrgs)?;
    let found = if q.q.trim().is_empty() { vec![] } else { org::list_in_scope(&st.db, &scope, Some(&q.q), 200).await? };
    let mut roots = Vec::new();
    if q.q.trim().is_empty() {
        for o in org::scope_roots(&st.db, &scope).await? {
            let children = org::children(&st.db, o.id).await?;
            roots.push((o, children));
        }
    }
    render(&OrgsPage { l: Layout::new(&st, &p, "组织机构", "/orgs"), q: q.q, found, roots, can_manage: p.can(Permission::ManageOrgs) })
}

/// The children of one node, as list items for the tree (htmx).
pub async fn children(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewOrgs)?;
    let parent = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let nodes = org::children(&st.db, parent.id).await?;
    render(&ChildrenPartial { nodes })
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    l: Layout,
    org: Org,
    ancestors: Vec<Org>,
    children: Vec<(Org, i64)>,
    people_count: i64,
    can_manage: bool,
    can_people: bool,
    /// None: no right to see the unit's files
    files: Option<Vec<lianzheng_store::attachments::Attachment>>,
    upload_types: String,
    message: Option<String>,
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    org_page(&st, &p, parse_id(&id)?, None).await
}

async fn org_page(st: &AppState, p: &Principal, id: i64, message: Option<String>) -> AppResult<Response> {
    let st = st.clone();
    let scope = p.require(Permission::ViewOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, id).await?;
    let mut ancestors = org::ancestors(&st.db, &scope, &o).await?;
    ancestors.retain(|a| a.id != o.id);
    let children = org::children(&st.db, o.id).await?;
    let people_count = match p.require(Permission::ViewPeople) {
        Ok(ps) if ps.contains(&o.path) => people::count_in_scope(&st.db, &ps.within(&o.path)).await?,
        _ => 0,
    };
    let can_people = p.require(Permission::ViewPeople).map(|s| s.contains(&o.path)).unwrap_or(false);
    let files = match p.require(Permission::UploadAttachments) {
        Ok(fs) if fs.contains(&o.path) => Some(attachments::list_in_scope(&st.db, &fs, "org", Some(o.id)).await?),
        _ => None,
    };
    let failed = message.is_some();
    render_status(&OrgPage {
        l: Layout::new(&st, p, &o.name, "/orgs"),
        org: o,
        ancestors,
        children,
        people_count,
        can_manage: p.can(Permission::ManageOrgs),
        can_people,
        files,
        upload_types: st.policy.upload_types.join("、"),
        message,
    }, failed)
}

/// 单位资料: a file attached to the unit from its page.
pub async fn upload(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let scope = p.require(Permission::UploadAttachments)?;
    let o = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let upload = match file_field(multipart, st.policy.upload_max_bytes, "请选择要上传的文件").await {
        Ok(f) => f,
        Err(m) => return org_page(&st, &p, o.id, Some(m)).await,
    };
    match crate::app::files::upload(&st, &p, o.id, crate::app::files::Owner::Org, upload).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{}#files", o.id)).into_response()),
        Err(AppError::Invalid { message, .. }) => org_page(&st, &p, o.id, Some(message)).await,
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
    parents: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn form_page(st: &AppState, p: &Principal, editing: Option<i64>, form: OrgForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ManageOrgs)?;
    // an organisation cannot move below itself or one of its own units
    let moving = match editing {
        Some(id) => org::get(&st.db, id).await?.map(|o| o.path),
        None => None,
    };
    let candidates: Vec<org::Org> = org::list_in_scope(&st.db, &scope, None, 5000).await?.into_iter().filter(|o| moving.as_ref().is_none_or(|m| !o.path.starts_with(m.as_str()))).collect();
    let parents = org_options(&candidates);
    let (heading, action, cancel) = match editing {
        Some(id) => ("编辑组织".to_string(), format!("/orgs/{id}"), format!("/orgs/{id}")),
        None => ("新增组织".to_string(), "/orgs".to_string(), "/orgs".to_string()),
    };
    let failed = !errors.0.is_empty() || message.is_some();
    render_status(&OrgFormPage {
        l: Layout::new(st, p, &heading, "/orgs"),
        heading,
        action,
        cancel,
        editing: editing.is_some(),
        form,
        errors,
        message,
        parents,
        kinds: options(OrgKind::ALL, OrgKind::code, OrgKind::label),
    }, failed)
}

pub async fn new_form(State(st): State<AppState>, p: Principal, Q(q): Q<SearchQuery>) -> AppResult<Response> {
    let form = OrgForm { parent_id: q.parent, sort_order: "0".into(), ..OrgForm::default() };
    form_page(&st, &p, None, form, Errs::default(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<OrgForm>) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    let input = match form.validate() {
        Ok(i) => i,
        Err(e) => return form_page(&st, &p, None, form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    let mut tx = st.db.begin().await?;
    match org::create(&mut tx, &p.actor(), &input).await {
        Ok(o) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid { message, fields } => form_page(&st, &p, None, form, Errs(fields), Some(message)).await,
            other => Err(other),
        },
    }
}

/// A move to another parent must stay inside the mover's own scope (the store checks the rest).
pub async fn check_new_parent(st: &AppState, scope: &Scope, o: &org::Org, input: &org::OrgInput) -> AppResult<()> {
    match input.parent_id {
        Some(pid) if input.parent_id != o.parent_id => match org::get_in_scope(&st.db, scope, pid).await {
            Ok(_) => Ok(()),
            Err(_) => Err(AppError::field("parent_id", "上级组织不存在或不在您的管理范围内")),
        },
        _ => Ok(()),
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ManageOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
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
    let scope = p.require(Permission::ManageOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let input = match form.validate() {
        Ok(i) => i,
        Err(e) => return form_page(&st, &p, Some(o.id), form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    if let Err(AppError::Invalid { message, fields }) = check_new_parent(&st, &scope, &o, &input).await {
        return form_page(&st, &p, Some(o.id), form, Errs(fields), Some(message)).await;
    }
    let version = form.version.parse().unwrap_or(o.version);
    let mut tx = st.db.begin().await?;
    match org::update(&mut tx, &p.actor(), o.id, version, &input).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid { message, fields } => form_page(&st, &p, Some(o.id), form, Errs(fields), Some(message)).await,
            AppError::Conflict(m) => form_page(&st, &p, Some(o.id), form, Errs::default(), Some(m)).await,
            other => Err(other),
        },
    }
}

pub async fn export(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let scope = p.require(Permission::ViewOrgs)?;
    let orgs = org::list_in_scope(&st.db, &scope, None, 100_000).await?;
    let bytes = xlsx_io::orgs_xlsx(&st.db, &orgs).await?;
    p.log_read(&st, "org.export", "org", None, serde_json::json!({"rows": orgs.len()})).await?;
    Ok(xlsx_io::download(bytes, "组织机构.xlsx"))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    Ok(xlsx_io::download(xlsx_io::orgs_template()?, "组织机构导入模板.xlsx"))
}

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

pub async fn import_page(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    render(&ImportPage { l: Layout::new(&st, &p, "导入组织机构", "/orgs"), heading: "导入组织机构".into(), action: "/orgs/import".into(), template_href: "/orgs/import/template.xlsx".into(), info: None, errors: vec![] })
}

pub async fn import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    let (info, errors) = match xlsx_io::import_orgs(&st, &p, &bytes).await? {
        Ok(n) => (Some(format!("已导入 {n} 个组织")), vec![]),
        Err(errs) => (None, errs),
    };
    let failed = !errors.is_empty();
    render_status(&ImportPage { l: Layout::new(&st, &p, "导入组织机构", "/orgs"), heading: "导入组织机构".into(), action: "/orgs/import".into(), template_href: "/orgs/import/template.xlsx".into(), info, errors }, failed)
}
