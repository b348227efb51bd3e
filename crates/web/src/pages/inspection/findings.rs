//! 发现问题 and 通报 pages: a campaign's findings and 亮点 (with the forms to record them), a
//! finding (edit, 反馈, delete), and the 通报 (draft from the records, edit, issue, Word).
//! Form → `app::inspection::{findings, bulletin}` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::inspection::bulletin::{self, BulletinView, DraftForm, EditForm, IssueForm};
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::findings::{self as uc, CATEGORIES, FindingForm, FindingView, FindingsView, HighlightForm, VersionForm};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm};
use crate::layout::{Errs, Layout};
use crate::pages::render_status;
use crate::state::AppState;

use super::campaigns::AT;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection/{id}/findings", get(index).post(create))
        .route("/inspection/{id}/highlights", post(add_highlight))
        .route("/inspection/highlights/{id}/delete", post(delete_highlight))
        .route("/inspection/findings/{id}", get(show).post(update))
        .route("/inspection/findings/{id}/notify", post(notify))
        .route("/inspection/findings/{id}/delete", post(delete))
        .route("/inspection/{id}/bulletin", get(bulletin_page).post(bulletin_save))
        .route("/inspection/{id}/bulletin/draft", post(bulletin_draft))
        .route("/inspection/{id}/bulletin/issue", post(bulletin_issue))
        .route("/inspection/{id}/bulletin.docx", get(bulletin_document))
}

#[derive(Template)]
#[template(path = "inspection_findings.html")]
struct ListPage {
    l: Layout,
    v: FindingsView,
    form: FindingForm,
    highlight: HighlightForm,
    categories: &'static [&'static str],
    errors: Errs,
}

async fn list_with(st: &AppState, p: &Principal, id: i64, form: FindingForm, highlight: HighlightForm, errors: FieldErrors) -> AppResult<Response> {
    let v = uc::list(st, p, id).await?;
    let failed = !errors.is_empty();
    let title = format!("发现问题 · {}", v.campaign.title);
    render_status(&ListPage { l: Layout::new(st, p, &title, AT), v, form, highlight, categories: CATEGORIES, errors: Errs(errors) }, failed)
}

pub async fn index(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    list_with(&st, &p, id_of(&id)?, FindingForm::default(), HighlightForm::default(), FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<FindingForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::create(&st, &p, id, &f).await {
        Ok(x) => Ok(flash::redirect(&st, &format!("/inspection/findings/{}", x.id), Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => list_with(&st, &p, id, f, HighlightForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn add_highlight(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<HighlightForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::add_highlight(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/{id}/findings#highlights"), Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => list_with(&st, &p, id, FindingForm::default(), f, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn delete_highlight(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let campaign = uc::delete_highlight(&st, &p, id_of(&id)?).await?;
    Ok(flash::redirect(&st, &format!("/inspection/{campaign}/findings#highlights"), Flash::Deleted))
}

#[derive(Template)]
#[template(path = "inspection_finding.html")]
struct FindingPage {
    l: Layout,
    v: FindingView,
    form: FindingForm,
    categories: &'static [&'static str],
    errors: Errs,
}

async fn show_with(st: &AppState, p: &Principal, id: i64, form: Option<FindingForm>, errors: FieldErrors) -> AppResult<Response> {
    let v = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let form = form.unwrap_or_else(|| FindingForm::of(&v.finding));
    let title = format!("发现问题 · {}", v.finding.org_name);
    render_status(&FindingPage { l: Layout::new(st, p, &title, AT), v, form, categories: CATEGORIES, errors: Errs(errors) }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, id_of(&id)?, None, FieldErrors::new()).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<FindingForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::update(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/findings/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Some(f), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn notify(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::notify(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/findings/{id}"), Flash::Notified)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, None, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let campaign = uc::delete(&st, &p, id_of(&id)?).await?;
    Ok(flash::redirect(&st, &format!("/inspection/{campaign}/findings"), Flash::Deleted))
}

// ------------------------------------------------------------------------------ 通报

#[derive(Template)]
#[template(path = "inspection_bulletin.html")]
struct BulletinPage {
    l: Layout,
    v: BulletinView,
    form: EditForm,
    issue: IssueForm,
    errors: Errs,
}

async fn bulletin_with(st: &AppState, p: &Principal, id: i64, form: Option<EditForm>, issue: Option<IssueForm>, errors: FieldErrors) -> AppResult<Response> {
    let v = bulletin::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let form = form.unwrap_or_else(|| v.bulletin.as_ref().map(EditForm::of).unwrap_or_default());
    let issue = issue.unwrap_or_else(|| IssueForm { version: form.version.clone(), doc_number: v.suggested_number.clone(), issued_on: bulletin::today() });
    let title = format!("通报 · {}", v.campaign.title);
    render_status(&BulletinPage { l: Layout::new(st, p, &title, AT), v, form, issue, errors: Errs(errors) }, failed)
}

pub async fn bulletin_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    bulletin_with(&st, &p, id_of(&id)?, None, None, FieldErrors::new()).await
}

pub async fn bulletin_draft(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<DraftForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match bulletin::draft(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/{id}/bulletin"), Flash::Generated)),
        Err(AppError::Invalid { fields, .. }) => bulletin_with(&st, &p, id, None, None, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn bulletin_save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<EditForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match bulletin::save(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/{id}/bulletin"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => bulletin_with(&st, &p, id, Some(f), None, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn bulletin_issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<IssueForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match bulletin::issue(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/{id}/bulletin"), Flash::Issued)),
        Err(AppError::Invalid { fields, .. }) => bulletin_with(&st, &p, id, None, Some(f), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn bulletin_document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = bulletin::document(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}
