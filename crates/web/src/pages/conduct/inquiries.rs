//! 谈话函询 pages: the list (filters, cards on a phone), a new record with a person picker that
//! works without script (search, then choose), a record with its reply and conclusion forms.
//! Form → `app::conduct::inquiries` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{InquiryId, PersonId};
use serde::Deserialize;

use crate::app::conduct::inquiries::{self as uc, CONCLUSIONS, ConcludeForm, DEFAULT_REPLY_DAYS, Detail, KINDS, ListQuery, NewForm, ReplyForm, Row};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/inquiries", get(index).post(create))
        .route("/conduct/inquiries/new", get(new_form))
        .route("/conduct/inquiries/{id}", get(show))
        .route("/conduct/inquiries/{id}/reply", post(reply))
        .route("/conduct/inquiries/{id}/conclude", post(conclude))
}

const STATES: &[(&str, &str)] = &[("open", "未了结"), ("overdue", "逾期未回复"), ("done", "已了结")];

#[derive(Template)]
#[template(path = "conduct_inquiries.html")]
struct ListPage {
    l: Layout,
    year: i64,
    kind: String,
    state: String,
    rows: Vec<Row>,
    pager: Pager,
    can_create: bool,
    kinds: &'static [(&'static str, &'static str)],
    states: &'static [(&'static str, &'static str)],
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let v = uc::list(&st, &p, &q).await?;
    let year = v.year.to_string();
    let pairs: Vec<(&str, &str)> = [("year", year.as_str()), ("kind", v.kind.as_str()), ("state", v.state.as_str())].into_iter().filter(|(_, x)| !x.is_empty()).collect();
    let base = format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default());
    render(&ListPage {
        l: Layout::new(&st, &p, "谈话函询", "/conduct/inquiries"),
        year: v.year,
        kind: v.kind,
        state: v.state,
        pager: Pager::new(v.page, v.size, v.total, base),
        rows: v.rows,
        can_create: v.can_create,
        kinds: KINDS,
        states: STATES,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    /// the picker's search text
    q: String,
    /// a person already chosen (from his page, or from the search)
    person: String,
}

#[derive(Template)]
#[template(path = "conduct_inquiry_form.html")]
struct FormPage {
    l: Layout,
    form: NewForm,
    errors: Errs,
    q: String,
    found: Vec<(PersonId, String)>,
    chosen: Option<(PersonId, String)>,
    kinds: &'static [(&'static str, &'static str)],
    default_days: i64,
}

async fn form_page(st: &AppState, p: &Principal, form: NewForm, q: String, errors: FieldErrors) -> AppResult<Response> {
    let found = uc::candidates(st, p, &q).await?;
    let chosen = uc::candidate(st, p, &form.person_id).await?;
    let failed = !errors.is_empty();
    render_status(&FormPage { l: Layout::new(st, p, "新建谈话函询", "/conduct/inquiries"), form, errors: Errs(errors), q, found, chosen, kinds: KINDS, default_days: DEFAULT_REPLY_DAYS }, failed)
}

pub async fn new_form(State(st): State<AppState>, p: Principal, Q(q): Q<NewQuery>) -> AppResult<Response> {
    let form = NewForm { person_id: q.person, kind: "letter".into(), ..Default::default() };
    form_page(&st, &p, form, q.q, FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<NewForm>) -> AppResult<Response> {
    match uc::create(&st, &p, &f).await {
        Ok(i) => Ok(flash::redirect(&st, &format!("/conduct/inquiries/{}", i.id), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => form_page(&st, &p, f, String::new(), fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_inquiry.html")]
struct ShowPage {
    l: Layout,
    d: Detail,
    reply: ReplyForm,
    conclude: ConcludeForm,
    errors: Errs,
    conclusions: &'static [(&'static str, &'static str)],
    /// 发抄告单 from this 函询 (for who issues notices)
    notice: Option<String>,
}

async fn show_with(st: &AppState, p: &Principal, id: InquiryId, reply: ReplyForm, conclude: ConcludeForm, errors: FieldErrors) -> AppResult<Response> {
    let d = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let title = format!("{}：{}", d.row.inquiry.kind_label(), d.row.inquiry.person_name);
    let notice = crate::app::conduct::notices::issue_link(p, "inquiry", id, None);
    render_status(&ShowPage { l: Layout::new(st, p, &title, "/conduct/inquiries"), d, reply, conclude, errors: Errs(errors), conclusions: CONCLUSIONS, notice }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, parse_id(&id)?, ReplyForm::default(), ConcludeForm::default(), FieldErrors::new()).await
}

pub async fn reply(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ReplyForm>) -> AppResult<Response> {
    let id: InquiryId = parse_id(&id)?;
    match uc::reply(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/inquiries/{id}"), Flash::Replied)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, f, ConcludeForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn conclude(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ConcludeForm>) -> AppResult<Response> {
    let id: InquiryId = parse_id(&id)?;
    match uc::conclude(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/inquiries/{id}"), Flash::Concluded)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, ReplyForm::default(), f, fields).await,
        Err(e) => Err(e),
    }
}
