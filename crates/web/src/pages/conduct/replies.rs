//! 廉洁意见回复 pages: the list, a new reply (the request and its list of names, a people
//! search that appends "姓名 单位" lines), a reply with each person's drafted paragraph and
//! where each sentence comes from, a person's edit page, the issue form and the document.
//! Form → `app::conduct::replies` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use lianzheng_core::ids::{IntegrityReplyId, PersonId};
use serde::Deserialize;

use crate::app::conduct::replies::{self as uc, Detail, IssueForm, ListQuery, NewForm, PersonForm, PersonView, Reply};
use crate::app::conduct::reply_draft::{OPINIONS, PURPOSES};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/replies", get(index).post(create))
        .route("/conduct/replies/new", get(new_form))
        .route("/conduct/replies/people", get(people))
        .route("/conduct/replies/{id}", get(show))
        .route("/conduct/replies/{id}/delete", post(remove))
        .route("/conduct/replies/{id}/issue", post(issue))
        .route("/conduct/replies/{id}/document.docx", get(document))
        .route("/conduct/replies/{id}/people/{person_id}", get(person_form).post(save_person))
        .route("/conduct/replies/{id}/people/{person_id}/redraft", post(redraft))
}

const STATUSES: &[(&str, &str)] = &[("draft", "草稿"), ("issued", "已签发")];

#[derive(Template)]
#[template(path = "conduct_replies.html")]
struct ListPage {
    l: Layout,
    year: i64,
    status: String,
    rows: Vec<Reply>,
    pager: Pager,
    statuses: &'static [(&'static str, &'static str)],
}

impl ListPage {
    fn purpose(&self, r: &Reply) -> &'static str {
        crate::app::conduct::reply_draft::purpose_label(&r.purpose)
    }
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let v = uc::list(&st, &p, &q).await?;
    let year = v.year.to_string();
    let pairs: Vec<(&str, &str)> = [("year", year.as_str()), ("status", v.status.as_str())].into_iter().filter(|(_, x)| !x.is_empty()).collect();
    let base = format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default());
    render(&ListPage { l: Layout::new(&st, &p, "廉洁意见回复", "/conduct/replies"), year: v.year, status: v.status, pager: Pager::new(v.page, v.size, v.total, base), rows: v.rows, statuses: STATUSES })
}

#[derive(Template)]
#[template(path = "conduct_reply_form.html")]
struct FormPage {
    l: Layout,
    form: NewForm,
    errors: Errs,
    purposes: &'static [(&'static str, &'static str, &'static str)],
}

async fn form_page(st: &AppState, p: &Principal, form: NewForm, errors: FieldErrors) -> AppResult<Response> {
    // the part's own rule first: a page nobody may use answers 403, not an empty form
    uc::list(st, p, &ListQuery::default()).await?;
    let failed = !errors.is_empty();
    render_status(&FormPage { l: Layout::new(st, p, "起草廉洁意见回复", "/conduct/replies"), form, errors: Errs(errors), purposes: PURPOSES }, failed)
}

pub async fn new_form(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    form_page(&st, &p, NewForm::with_defaults(), FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<NewForm>) -> AppResult<Response> {
    match uc::create(&st, &p, &f).await {
        Ok(r) => Ok(flash::redirect(&st, &format!("/conduct/replies/{}", r.id), Flash::Generated)),
        Err(AppError::Invalid { fields, .. }) => form_page(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeopleQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "conduct_reply_people.html")]
struct PeopleFragment {
    q: String,
    found: Vec<(PersonId, String)>,
}

/// The search's answer (a fragment for htmx): lines to append to the list of names.
pub async fn people(State(st): State<AppState>, p: Principal, Q(q): Q<PeopleQuery>) -> AppResult<Response> {
    let found = uc::candidates(&st, &p, &q.q).await?;
    Ok(Html(PeopleFragment { q: q.q, found }.render()?).into_response())
}

#[derive(Template)]
#[template(path = "conduct_reply.html")]
struct ShowPage {
    l: Layout,
    d: Detail,
    issue: IssueForm,
    errors: Errs,
}

async fn show_with(st: &AppState, p: &Principal, id: IntegrityReplyId, issue: Option<IssueForm>, errors: FieldErrors) -> AppResult<Response> {
    let d = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let issue = issue.unwrap_or_else(|| IssueForm { version: d.reply.version.to_string(), doc_number: d.suggested_number.clone(), issued_on: String::new() });
    let title = format!("廉洁意见回复：{}", d.reply.requester);
    render_status(&ShowPage { l: Layout::new(st, p, &title, "/conduct/replies"), d, issue, errors: Errs(errors) }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, parse_id(&id)?, None, FieldErrors::new()).await
}

pub async fn issue(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<IssueForm>) -> AppResult<Response> {
    let id: IntegrityReplyId = parse_id(&id)?;
    match uc::issue(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/replies/{id}"), Flash::Issued)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Some(f), fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    version: String,
}

pub async fn remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    uc::delete(&st, &p, parse_id(&id)?, &f.version).await?;
    Ok(flash::redirect(&st, "/conduct/replies", Flash::Deleted))
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::docx(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

#[derive(Template)]
#[template(path = "conduct_reply_person.html")]
struct PersonPage {
    l: Layout,
    reply: Reply,
    x: PersonView,
    form: PersonForm,
    errors: Errs,
    opinions: &'static [(&'static str, &'static str)],
}

impl PersonPage {
    /// An issued reply is read, not edited.
    fn locked(&self) -> bool {
        self.reply.issued()
    }
    /// The text the form shows for sentence `k` (what was typed, after a refused save).
    fn text(&self, k: &usize) -> &str {
        self.form.texts.get(*k).map_or("", String::as_str)
    }
}

async fn person_page(st: &AppState, p: &Principal, id: IntegrityReplyId, person_id: PersonId, form: Option<PersonForm>, errors: FieldErrors) -> AppResult<Response> {
    let (reply, x) = uc::person(st, p, id, person_id).await?;
    let failed = !errors.is_empty();
    // a refused form keeps what was typed when it still fits the sentences
    let form = form.filter(|f| f.texts.len() == x.sentences.len()).unwrap_or_else(|| PersonForm::of(&x));
    let title = format!("修改回复意见：{}", x.row.person_name);
    render_status(&PersonPage { l: Layout::new(st, p, &title, "/conduct/replies"), reply, x, form, errors: Errs(errors), opinions: OPINIONS }, failed)
}

pub async fn person_form(State(st): State<AppState>, p: Principal, Path((id, person_id)): Path<(String, String)>) -> AppResult<Response> {
    person_page(&st, &p, parse_id(&id)?, parse_id(&person_id)?, None, FieldErrors::new()).await
}

pub async fn save_person(State(st): State<AppState>, p: Principal, Path((id, person_id)): Path<(String, String)>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let (id, person_id): (IntegrityReplyId, PersonId) = (parse_id(&id)?, parse_id(&person_id)?);
    let f = PersonForm::from_pairs(pairs);
    match uc::save_person(&st, &p, id, person_id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/replies/{id}#p{person_id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => person_page(&st, &p, id, person_id, Some(f), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn redraft(State(st): State<AppState>, p: Principal, Path((id, person_id)): Path<(String, String)>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    let (id, person_id): (IntegrityReplyId, PersonId) = (parse_id(&id)?, parse_id(&person_id)?);
    uc::redraft(&st, &p, id, person_id, &f.version).await?;
    Ok(flash::redirect(&st, &format!("/conduct/replies/{id}/people/{person_id}"), Flash::Redrafted))
}
