//! 述责述廉 pages: the rounds and one's own reports, a new round (reporters ticked or chosen by
//! unit kind), a round with its reports and the copy check, a report (the reporter's text and
//! file, the 点评 points with their answer, close and return forms), and two reports side by
//! side. Form → `app::conduct::statements` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{StatementPointId, StatementReportId};
use lianzheng_textsim::side_by_side;

use crate::app::conduct::statements::{self as uc, AnswerForm, DecideForm, ListQuery, POSTS, PointForm, ReportForm, ReportView, RoundForm, RoundView};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/statements", get(index).post(create))
        .route("/conduct/statements/new", get(new_form))
        .route("/conduct/statements/{id}", get(show_round))
        .route("/conduct/statements/reports/{id}", get(show).post(submit))
        .route("/conduct/statements/reports/{id}/file", post(attach))
        .route("/conduct/statements/reports/{id}/files/{file}", get(download))
        .route("/conduct/statements/compare/{id}/{other}", get(compare))
        .route("/conduct/statements/reports/{id}/points", post(add_point))
        .route("/conduct/statements/points/{id}/answer", post(answer))
        .route("/conduct/statements/points/{id}/close", post(close))
        .route("/conduct/statements/points/{id}/return", post(return_point))
}

const TAB: &str = "/conduct/statements";

#[derive(Template)]
#[template(path = "conduct_statements.html")]
struct ListPage {
    l: Layout,
    v: uc::ListView,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let v = uc::list(&st, &p, &q).await?;
    render(&ListPage { l: Layout::new(&st, &p, "述责述廉", TAB), v })
}

#[derive(Template)]
#[template(path = "conduct_statement_form.html")]
struct FormPage {
    l: Layout,
    form: RoundForm,
    errors: Errs,
    candidates: Vec<uc::Candidate>,
    kinds: Vec<(String, &'static str)>,
    posts: &'static [(&'static str, &'static str)],
}

async fn form_page(st: &AppState, p: &Principal, form: RoundForm, errors: FieldErrors) -> AppResult<Response> {
    let candidates = uc::candidates(st, p).await?;
    let kinds = uc::candidate_kinds(&candidates);
    let failed = !errors.is_empty();
    render_status(&FormPage { l: Layout::new(st, p, "发起述责述廉", TAB), form, errors: Errs(errors), candidates, kinds, posts: POSTS }, failed)
}

pub async fn new_form(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let year = crate::app::duty::current_year();
    let form = RoundForm { year: year.to_string(), title: format!("{year}年度下级党组织书记述责述廉"), ..Default::default() };
    form_page(&st, &p, form, FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let f = RoundForm::from_pairs(pairs);
    match uc::create(&st, &p, &f).await {
        Ok(r) => Ok(flash::redirect(&st, &format!("/conduct/statements/{}", r.id), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => form_page(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_statement_round.html")]
struct RoundPage {
    l: Layout,
    v: RoundView,
}

pub async fn show_round(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let v = uc::round(&st, &p, parse_id(&id)?).await?;
    let title = v.round.title.clone();
    render(&RoundPage { l: Layout::new(&st, &p, &title, TAB), v })
}

/// What a report page's forms hold after a refused submission (the form that failed keeps
/// what was typed).
#[derive(Default)]
struct Forms {
    body: ReportForm,
    point: PointForm,
    answer: AnswerForm,
    answer_for: i64,
    decide: DecideForm,
    decide_for: i64,
}

#[derive(Template)]
#[template(path = "conduct_statement_report.html")]
struct ReportPage {
    l: Layout,
    v: ReportView,
    f: Forms,
    errors: Errs,
    threshold: i64,
}

impl ReportPage {
    fn answer_value<'a>(&'a self, id: &StatementPointId, field: &str) -> &'a str {
        if self.f.answer_for != id.get() {
            return "";
        }
        match field {
            "measures" => &self.f.answer.measures,
            _ => &self.f.answer.progress,
        }
    }
    fn answer_error(&self, id: &StatementPointId, field: &str) -> String {
        if self.f.answer_for == id.get() && self.errors.has(field) { self.errors.msg(field).to_string() } else { String::new() }
    }
    fn decide_error(&self, id: &StatementPointId) -> String {
        if self.f.decide_for == id.get() && self.errors.has("reason") { self.errors.msg("reason").to_string() } else { String::new() }
    }
    fn decide_reason(&self, id: &StatementPointId) -> &str {
        if self.f.decide_for == id.get() { &self.f.decide.reason } else { "" }
    }
}

async fn report_page(st: &AppState, p: &Principal, id: StatementReportId, mut f: Forms, errors: FieldErrors) -> AppResult<Response> {
    let v = uc::report(st, p, id).await?;
    let failed = !errors.is_empty();
    if !errors.contains_key("body") && f.body.body.is_empty() {
        f.body.body = v.report.body.clone().unwrap_or_default();
    }
    let title = format!("{}的述责述廉报告", v.report.person_name);
    let threshold = (uc::threshold(st) * 100.0).round() as i64;
    render_status(&ReportPage { l: Layout::new(st, p, &title, TAB), v, f, errors: Errs(errors), threshold }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    report_page(&st, &p, parse_id(&id)?, Forms::default(), FieldErrors::new()).await
}

pub async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(body): PageForm<ReportForm>) -> AppResult<Response> {
    let id: StatementReportId = parse_id(&id)?;
    match uc::submit(&st, &p, id, &body).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{id}"), Flash::Submitted)),
        Err(AppError::Invalid { fields, .. }) => report_page(&st, &p, id, Forms { body, ..Default::default() }, fields).await,
        Err(e) => Err(e),
    }
}

/// 上传报告文件 (multipart, CSRF token in the query).
pub async fn attach(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id: StatementReportId = parse_id(&id)?;
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
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            match field.bytes().await {
                Ok(b) if !filename.is_empty() && !b.is_empty() => file = Some(Upload { filename, content_type, bytes: b.to_vec() }),
                Ok(_) => {}
                Err(_) => {
                    errors.insert("file".into(), too_big.clone());
                }
            }
        }
    }
    let file = match file.filter(|_| errors.is_empty()) {
        Some(f) => f,
        None => {
            if errors.is_empty() {
                errors.insert("file".into(), "请选择文件".into());
            }
            return report_page(&st, &p, id, Forms::default(), errors).await;
        }
    };
    match uc::attach(&st, &p, id, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{id}#file"), Flash::Uploaded)),
        Err(AppError::Invalid { fields, message }) => {
            let mut fields = fields;
            if fields.is_empty() {
                fields.insert("file".into(), message);
            }
            report_page(&st, &p, id, Forms::default(), fields).await
        }
        Err(e) => Err(e),
    }
}

pub async fn download(State(st): State<AppState>, p: Principal, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let (a, bytes) = uc::file(&st, &p, parse_id(&id)?, parse_id(&file)?).await?;
    Ok(crate::layout::file_response(bytes, &a.filename, "application/octet-stream"))
}

#[derive(Template)]
#[template(path = "conduct_statement_compare.html")]
struct ComparePage {
    l: Layout,
    c: uc::Comparison,
    left_html: String,
    right_html: String,
    shared_chars: usize,
}

pub async fn compare(State(st): State<AppState>, p: Principal, Path((id, other)): Path<(String, String)>) -> AppResult<Response> {
    let c = uc::compare(&st, &p, parse_id(&id)?, parse_id(&other)?).await?;
    let s = side_by_side(c.left.body.as_deref().unwrap_or(""), c.right.body.as_deref().unwrap_or(""), 12);
    render(&ComparePage { l: Layout::new(&st, &p, "报告比对", TAB), c, left_html: s.left_html, right_html: s.right_html, shared_chars: s.shared_chars })
}

pub async fn add_point(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(point): PageForm<PointForm>) -> AppResult<Response> {
    let id: StatementReportId = parse_id(&id)?;
    match uc::add_point(&st, &p, id, &point).await {
        Ok(pt) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{id}#point-{}", pt.id), Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => report_page(&st, &p, id, Forms { point, ..Default::default() }, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn answer(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(answer): PageForm<AnswerForm>) -> AppResult<Response> {
    let id: StatementPointId = parse_id(&id)?;
    match uc::answer(&st, &p, id, &answer).await {
        Ok(pt) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{}#point-{id}", pt.report_id), Flash::Replied)),
        Err(AppError::Invalid { fields, .. }) => {
            let report = uc::report_of_point(&st, &p, id).await?;
            report_page(&st, &p, report, Forms { answer, answer_for: id.get(), ..Default::default() }, fields).await
        }
        Err(e) => Err(e),
    }
}

pub async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(decide): PageForm<DecideForm>) -> AppResult<Response> {
    let id: StatementPointId = parse_id(&id)?;
    match uc::close(&st, &p, id, &decide).await {
        Ok(pt) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{}#point-{id}", pt.report_id), Flash::PointClosed)),
        Err(AppError::Invalid { fields, .. }) => {
            let report = uc::report_of_point(&st, &p, id).await?;
            report_page(&st, &p, report, Forms { decide, decide_for: id.get(), ..Default::default() }, fields).await
        }
        Err(e) => Err(e),
    }
}

pub async fn return_point(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(decide): PageForm<DecideForm>) -> AppResult<Response> {
    let id: StatementPointId = parse_id(&id)?;
    match uc::return_point(&st, &p, id, &decide).await {
        Ok(pt) => Ok(flash::redirect(&st, &format!("/conduct/statements/reports/{}#point-{id}", pt.report_id), Flash::Returned)),
        Err(AppError::Invalid { fields, .. }) => {
            let report = uc::report_of_point(&st, &p, id).await?;
            report_page(&st, &p, report, Forms { decide, decide_for: id.get(), ..Default::default() }, fields).await
        }
        Err(e) => Err(e),
    }
}
