//! 履责 pages — 廉政约谈: the list, recording and editing a talk, the record with its
//! confirmations (the interviewee confirms on his phone; staff upload a signed scan), and the
//! 约谈检查 flag list.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{OrgId, PersonId, TalkId};

use crate::app::conduct::talk_flags::{RULES, TalkFlag};
use crate::app::conduct::talks::{self as uc, FlagQuery, KINDS, OCCASIONS, TAGS, Talk, TalkForm, TalkQuery, label, tag_labels};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/talks", get(index).post(create))
        .route("/conduct/talks/new", get(new))
        .route("/conduct/talks/{id}", get(show).post(update))
        .route("/conduct/talks/{id}/edit", get(edit))
        .route("/conduct/talks/{id}/delete", post(remove))
        .route("/conduct/talks/{id}/confirm", post(confirm))
        .route("/conduct/talks/{id}/scan", post(scan))
        .route("/conduct/talk-flags", get(flags))
}

/// The labels the templates show.
pub struct Labels;
impl Labels {
    pub fn kind(&self, c: &str) -> &'static str {
        label(KINDS, c)
    }
    pub fn occasion(&self, c: &str) -> &'static str {
        label(OCCASIONS, c)
    }
    pub fn tags(&self, t: &str) -> String {
        tag_labels(t)
    }
}

#[derive(Template)]
#[template(path = "conduct_talks.html")]
struct ListPage {
    l: Layout,
    lb: Labels,
    year: i64,
    q: TalkQuery,
    rows: Vec<Talk>,
    can_record: bool,
    kinds: &'static [(&'static str, &'static str)],
    occasions: &'static [(&'static str, &'static str)],
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<TalkQuery>) -> AppResult<Response> {
    let (year, rows) = uc::list(&st, &p, &q).await?;
    let can_record = p.can(lianzheng_core::org::Permission::RecordConduct);
    render(&ListPage { l: Layout::new(&st, &p, "廉政约谈", "/conduct/talks"), lb: Labels, year, q, rows, can_record, kinds: KINDS, occasions: OCCASIONS })
}

#[derive(Template)]
#[template(path = "conduct_talk_form.html")]
struct FormPage {
    l: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: TalkForm,
    people: Vec<(PersonId, String, OrgId)>,
    errors: Errs,
    message: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
    occasions: &'static [(&'static str, &'static str)],
    tags: &'static [(&'static str, &'static str)],
}

async fn form_page(st: &AppState, p: &Principal, id: Option<TalkId>, form: TalkForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let people = uc::people_choices(st, p).await?;
    let failed = !errors.is_empty() || message.is_some();
    let (heading, action, cancel, l) = match id {
        Some(id) => ("修改约谈记录".to_string(), format!("/conduct/talks/{id}"), format!("/conduct/talks/{id}"), Layout::new(st, p, "修改约谈记录", "/conduct/talks").crumb(format!("/conduct/talks/{id}"), "约谈记录")),
        None => ("记录廉政约谈".to_string(), "/conduct/talks".to_string(), "/conduct/talks".to_string(), Layout::new(st, p, "记录廉政约谈", "/conduct/talks")),
    };
    render_status(&FormPage { l, heading, action, cancel, form, people, errors: Errs(errors), message, kinds: KINDS, occasions: OCCASIONS, tags: TAGS }, failed)
}

pub async fn new(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(lianzheng_core::org::Permission::RecordConduct)?;
    form_page(&st, &p, None, uc::new_form(&p), FieldErrors::new(), None).await
}

async fn form_error(st: &AppState, p: &Principal, id: Option<TalkId>, form: TalkForm, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => form_page(st, p, id, form, fields, Some(message)).await,
        AppError::Conflict(m) | AppError::Refused(m) => form_page(st, p, id, form, FieldErrors::new(), Some(m)).await,
        other => Err(other),
    }
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let form = TalkForm::from_pairs(pairs);
    match uc::create(&st, &p, &form).await {
        Ok(t) => Ok(flash::redirect(&st, &format!("/conduct/talks/{}", t.id), Flash::Created)),
        Err(e) => form_error(&st, &p, None, form, e).await,
    }
}

pub async fn edit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::edit_form(&st, &p, id).await {
        Ok((_, form)) => form_page(&st, &p, Some(id), form, FieldErrors::new(), None).await,
        // a confirmed record, or one the reader may not edit: the record itself, saying why
        Err(AppError::Conflict(m) | AppError::Refused(m)) => talk_page_status(&st, &p, id, Some(m), false).await,
        Err(e) => Err(e),
    }
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let form = TalkForm::from_pairs(pairs);
    match uc::update(&st, &p, id, &form).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/talks/{id}"), Flash::Saved)),
        Err(e) => form_error(&st, &p, Some(id), form, e).await,
    }
}

#[derive(Template)]
#[template(path = "conduct_talk.html")]
struct TalkPage {
    l: Layout,
    lb: Labels,
    t: Talk,
    can_edit: bool,
    can_confirm: bool,
    can_scan: bool,
    flags: Vec<TalkFlag>,
    message: Option<String>,
    /// 发抄告单 from this talk (for who issues notices)
    notice: Option<String>,
}

async fn talk_page(st: &AppState, p: &Principal, id: TalkId, message: Option<String>) -> AppResult<Response> {
    let failed = message.is_some();
    talk_page_status(st, p, id, message, failed).await
}

async fn talk_page_status(st: &AppState, p: &Principal, id: TalkId, message: Option<String>, failed: bool) -> AppResult<Response> {
    let v = uc::show(st, p, id).await?;
    let l = Layout::new(st, p, "约谈记录", "/conduct/talks");
    let notice = crate::app::conduct::notices::issue_link(p, "talk", v.talk.id, Some(v.talk.org_id));
    render_status(&TalkPage { l, lb: Labels, t: v.talk, can_edit: v.can_edit, can_confirm: v.can_confirm, can_scan: v.can_scan, flags: v.flags, message, notice }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    talk_page(&st, &p, parse_id(&id)?, None).await
}

async fn refused(st: &AppState, p: &Principal, id: TalkId, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => talk_page(st, p, id, Some(fields.values().next().cloned().unwrap_or(message))).await,
        AppError::Conflict(m) | AppError::Refused(m) => talk_page(st, p, id, Some(m)).await,
        other => Err(other),
    }
}

pub async fn remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::delete(&st, &p, id).await {
        Ok(()) => Ok(flash::redirect(&st, "/conduct/talks", Flash::Deleted)),
        Err(e) => refused(&st, &p, id, e).await,
    }
}

pub async fn confirm(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::confirm(&st, &p, id).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/talks/{id}"), Flash::TalkConfirmed)),
        Err(e) => refused(&st, &p, id, e).await,
    }
}

pub async fn scan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (file, person) = match crate::forms::file_and_text(multipart, st.policy.upload_max_bytes, "interviewee").await {
        Ok(v) => v,
        Err(m) => return talk_page(&st, &p, id, Some(m)).await,
    };
    let Some(file) = file else { return talk_page(&st, &p, id, Some("请选择签字扫描件".into())).await };
    match uc::scan(&st, &p, id, &person, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/talks/{id}"), Flash::Uploaded)),
        Err(e) => refused(&st, &p, id, e).await,
    }
}

#[derive(Template)]
#[template(path = "conduct_talk_flags.html")]
struct FlagsPage {
    l: Layout,
    year: i64,
    q: FlagQuery,
    list: uc::FlagList,
    rules: &'static [(&'static str, &'static str)],
    org_picker: crate::layout::UnitPicker,
}

pub async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<FlagQuery>) -> AppResult<Response> {
    let list = uc::flags(&st, &p, &q).await?;
    let units = crate::app::org::units(&st, &p, lianzheng_core::org::Permission::ViewConduct).await?;
    let org_picker = crate::layout::UnitPicker::one("org", crate::layout::UnitChoice::of(&units), &q.org, "全部单位").labelled("单位");
    render(&FlagsPage { l: Layout::new(&st, &p, "约谈检查", "/conduct/talk-flags"), year: list.year, q, list, rules: RULES, org_picker })
}
