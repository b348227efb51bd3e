//! 评分标准 pages (the 纪委's): the list with the new-standard form, a standard (its tree, the
//! forms to rename it, add an indicator, copy it to another year; export and import), an
//! indicator's edit form. Form → `app::inspection::standards` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::standards::{self as uc, CopyForm, DeleteForm, IndicatorForm, Node, Standard, StandardForm, StandardView};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm};
use crate::layout::{Errs, Layout};
use crate::pages::orgs::ImportPage;
use crate::pages::render_status;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection/standards", get(index).post(create))
        .route("/inspection/standards/{id}", get(show).post(update))
        .route("/inspection/standards/{id}/copy", post(copy))
        .route("/inspection/standards/{id}/indicators", post(add_indicator))
        .route("/inspection/standards/{id}/export.xlsx", get(export))
        .route("/inspection/standards/{id}/import", get(import_page).post(import))
        .route("/inspection/indicators/{id}", get(indicator).post(update_indicator))
        .route("/inspection/indicators/{id}/delete", post(delete_indicator))
}

const AT: &str = "/inspection/standards";

#[derive(Template)]
#[template(path = "inspection_standards.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Standard>,
    form: StandardForm,
    errors: Errs,
}

impl ListPage {
    fn pts(&self, t: impl std::borrow::Borrow<i64>) -> String {
        uc::points_text(*t.borrow())
    }
}

async fn list_page(st: &AppState, p: &Principal, form: StandardForm, errors: FieldErrors) -> AppResult<Response> {
    let rows = uc::list(st, p).await?;
    let failed = !errors.is_empty();
    render_status(&ListPage { l: Layout::new(st, p, "评分标准", AT), rows, form, errors: Errs(errors) }, failed)
}

pub async fn index(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    list_page(&st, &p, StandardForm::default(), FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<StandardForm>) -> AppResult<Response> {
    match uc::create(&st, &p, &f).await {
        Ok(id) => Ok(flash::redirect(&st, &format!("/inspection/standards/{id}"), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => list_page(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inspection_standard.html")]
struct ShowPage {
    l: Layout,
    v: StandardView,
    edit: StandardForm,
    add: IndicatorForm,
    copy: CopyForm,
    errors: Errs,
    /// (id, "1.2 名称") of the indicators that may take a lower one
    parents: Vec<(i64, String)>,
}

impl ShowPage {
    fn pts(&self, t: impl std::borrow::Borrow<i64>) -> String {
        uc::points_text(*t.borrow())
    }
}

#[derive(Default)]
struct Forms {
    edit: Option<StandardForm>,
    add: IndicatorForm,
    copy: CopyForm,
}

fn parents_of(nodes: &[Node], except: Option<i64>) -> Vec<(i64, String)> {
    nodes.iter().filter(|n| n.depth < uc::DEPTH_MAX && n.items.is_empty() && Some(n.ind.id) != except).map(|n| (n.ind.id, format!("{} {}", n.number, n.ind.name))).collect()
}

async fn show_with(st: &AppState, p: &Principal, id: i64, forms: Forms, errors: FieldErrors, status: Option<axum::http::StatusCode>) -> AppResult<Response> {
    let v = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let edit = forms.edit.unwrap_or_else(|| StandardForm { version: v.standard.version.to_string(), year: v.standard.year.to_string(), title: v.standard.title.clone(), bonus_cap: v.bonus_cap_text() });
    let mut add = forms.add;
    if add.version.is_empty() {
        add.version = v.standard.version.to_string();
    }
    let parents = parents_of(&v.nodes, None);
    let title = v.standard.title.clone();
    let mut r = render_status(&ShowPage { l: Layout::new(st, p, &title, AT).crumb(AT, "评分标准"), v, edit, add, copy: forms.copy, errors: Errs(errors), parents }, failed)?;
    if let Some(s) = status {
        *r.status_mut() = s;
    }
    Ok(r)
}

/// A conflict shown on the form that caused it (409), with what was typed.
fn conflict(message: String) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.insert("conflict".into(), message);
    e
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, id_of(&id)?, Forms::default(), FieldErrors::new(), None).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<StandardForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::update(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/standards/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Forms { edit: Some(f), ..Forms::default() }, fields, None).await,
        Err(AppError::Conflict(m)) => show_with(&st, &p, id, Forms { edit: Some(f), ..Forms::default() }, conflict(m), Some(axum::http::StatusCode::CONFLICT)).await,
        Err(e) => Err(e),
    }
}

pub async fn copy(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<CopyForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::copy(&st, &p, id, &f).await {
        Ok(new_id) => Ok(flash::redirect(&st, &format!("/inspection/standards/{new_id}"), Flash::Copied)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Forms { copy: f, ..Forms::default() }, fields, None).await,
        Err(e) => Err(e),
    }
}

pub async fn add_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<IndicatorForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::add_indicator(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/standards/{id}#indicators"), Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Forms { add: f, ..Forms::default() }, fields, None).await,
        Err(AppError::Conflict(m)) => show_with(&st, &p, id, Forms { add: f, ..Forms::default() }, conflict(m), Some(axum::http::StatusCode::CONFLICT)).await,
        Err(e) => Err(e),
    }
}

pub async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export(&st, &p, id_of(&id)?).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

fn import_page_of(st: &AppState, p: &Principal, v: &StandardView, info: Option<String>, errors: Vec<String>) -> AppResult<Response> {
    let failed = !errors.is_empty();
    let id = v.standard.id;
    render_status(
        &ImportPage {
            l: Layout::new(st, p, "导入评分标准", AT).crumb(format!("/inspection/standards/{id}"), v.standard.title.clone()),
            heading: format!("导入评分标准：{}（替换全部指标）", v.standard.title),
            action: format!("/inspection/standards/{id}/import"),
            template_href: format!("/inspection/standards/{id}/export.xlsx"),
            info,
            errors,
        },
        failed,
    )
}

pub async fn import_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let v = uc::get(&st, &p, id_of(&id)?).await?;
    import_page_of(&st, &p, &v, None, vec![])
}

pub async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let v = uc::get(&st, &p, id_of(&id)?).await?;
    let bytes = match crate::xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await {
        Ok(b) => b,
        Err(AppError::Invalid { message, .. }) => return import_page_of(&st, &p, &v, None, vec![message]),
        Err(e) => return Err(e),
    };
    match uc::import(&st, &p, v.standard.id, &bytes).await {
        Ok(Ok(n)) => import_page_of(&st, &p, &v, Some(format!("已导入 {n} 个指标，返回评分标准查看")), vec![]),
        Ok(Err(errs)) => import_page_of(&st, &p, &v, None, errs),
        Err(AppError::Conflict(m)) => import_page_of(&st, &p, &v, None, vec![m]),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inspection_standard_indicator.html")]
struct IndicatorPage {
    l: Layout,
    v: StandardView,
    n: Node,
    form: IndicatorForm,
    errors: Errs,
    parents: Vec<(i64, String)>,
}

async fn indicator_with(st: &AppState, p: &Principal, id: i64, form: Option<IndicatorForm>, errors: FieldErrors, status: Option<axum::http::StatusCode>) -> AppResult<Response> {
    let (v, n) = uc::indicator(st, p, id).await?;
    let failed = !errors.is_empty();
    let form = form.unwrap_or_else(|| IndicatorForm::of(&n));
    // not itself nor one of its lower indicators
    let below: Vec<i64> = {
        let mut out = vec![n.ind.id];
        let mut i = 0;
        while i < out.len() {
            let x = out[i];
            out.extend(v.nodes.iter().filter(|m| m.ind.parent_id == Some(x)).map(|m| m.ind.id));
            i += 1;
        }
        out
    };
    let parents = parents_of(&v.nodes, None).into_iter().filter(|(pid, _)| !below.contains(pid)).collect();
    let title = format!("指标 {} {}", n.number, n.ind.name);
    let back = format!("/inspection/standards/{}", v.standard.id);
    let mut r = render_status(&IndicatorPage { l: Layout::new(st, p, &title, AT).crumb(back, v.standard.title.clone()), v, n, form, errors: Errs(errors), parents }, failed)?;
    if let Some(s) = status {
        *r.status_mut() = s;
    }
    Ok(r)
}

pub async fn indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    indicator_with(&st, &p, id_of(&id)?, None, FieldErrors::new(), None).await
}

pub async fn update_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<IndicatorForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::update_indicator(&st, &p, id, &f).await {
        Ok(sid) => Ok(flash::redirect(&st, &format!("/inspection/standards/{sid}#indicators"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => indicator_with(&st, &p, id, Some(f), fields, None).await,
        Err(AppError::Conflict(m)) => indicator_with(&st, &p, id, Some(f), conflict(m), Some(axum::http::StatusCode::CONFLICT)).await,
        Err(e) => Err(e),
    }
}

pub async fn delete_indicator(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<DeleteForm>) -> AppResult<Response> {
    let sid = uc::delete_indicator(&st, &p, id_of(&id)?, &f).await?;
    Ok(flash::redirect(&st, &format!("/inspection/standards/{sid}#indicators"), Flash::Deleted))
}
