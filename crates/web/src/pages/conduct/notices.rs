//! 抄告单 and 整改建议书 pages: the list (filters, deadline colours, cards on a phone), the issue
//! form (unit, then its leaders with the 分管 one suggested; works without script), a notice
//! with the addressee's answer form (phone-friendly, a file optional) and the 纪委's close and
//! return forms, and the 公文 (DOCX). Form → `app::conduct::notices` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{NoticeId, OrgId};

use crate::app::conduct::notices::{self as uc, AnswerForm, CloseForm, Detail, KINDS, LeaderChoice, ListQuery, NewForm, RETURN_DAYS, ReturnForm, Row, STATUSES};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/notices", get(index).post(create))
        .route("/conduct/notices/new", get(new_form))
        .route("/conduct/notices/{id}", get(show))
        .route("/conduct/notices/{id}/document.docx", get(document))
        .route("/conduct/notices/{id}/files/{file}", get(download))
        .route("/conduct/notices/{id}/reports", post(answer))
        .route("/conduct/notices/{id}/close", post(close))
        .route("/conduct/notices/{id}/return", post(send_back))
}

#[derive(Template)]
#[template(path = "conduct_notices.html")]
struct ListPage {
    l: Layout,
    year: i64,
    kind: String,
    status: String,
    org: String,
    overdue: bool,
    units: Vec<(OrgId, String)>,
    rows: Vec<Row>,
    pager: Pager,
    can_create: bool,
    kinds: &'static [(&'static str, &'static str)],
    statuses: &'static [(&'static str, &'static str)],
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let v = uc::list(&st, &p, &q).await?;
    let year = v.year.to_string();
    let overdue = if v.overdue { "1" } else { "" };
    let pairs: Vec<(&str, &str)> = [("year", year.as_str()), ("kind", v.kind.as_str()), ("status", v.status.as_str()), ("org", v.org.as_str()), ("overdue", overdue)].into_iter().filter(|(_, x)| !x.is_empty()).collect();
    let base = format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default());
    render(&ListPage {
        l: Layout::new(&st, &p, "抄告单", "/conduct/notices"),
        year: v.year,
        kind: v.kind,
        status: v.status,
        org: v.org,
        overdue: v.overdue,
        units: v.units,
        pager: Pager::new(v.page, v.size, v.total, base),
        rows: v.rows,
        can_create: v.can_create,
        kinds: KINDS,
        statuses: STATUSES,
    })
}

#[derive(Template)]
#[template(path = "conduct_notice_form.html")]
struct FormPage {
    l: Layout,
    form: NewForm,
    errors: Errs,
    units: Vec<(OrgId, String)>,
    leaders: Vec<LeaderChoice>,
    source_title: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
    default_days: i64,
}

async fn form_page(st: &AppState, p: &Principal, form: NewForm, errors: FieldErrors) -> AppResult<Response> {
    let units = uc::units(st, p).await?;
    let source_title = uc::source_title(st, p, &form.source_kind, &form.source_id).await?;
    let hint = format!("{} {} {}", form.subject, form.problem, source_title.as_deref().unwrap_or_default());
    let leaders = uc::leaders(st, p, &form.org_id, &hint).await?;
    let failed = !errors.is_empty();
    let page = FormPage { l: Layout::new(st, p, "发出抄告单", "/conduct/notices"), form, errors: Errs(errors), units, leaders, source_title, kinds: KINDS, default_days: crate::app::settings::notice_days(st) };
    render_status(&page, failed)
}

/// The form; a GET with the fields in the query re-shows it (the unit chosen, the 分管 leader
/// suggested from the text typed so far) without saving anything.
pub async fn new_form(State(st): State<AppState>, p: Principal, Q(mut form): Q<NewForm>) -> AppResult<Response> {
    if form.kind.is_empty() {
        form.kind = "cc".into();
    }
    form_page(&st, &p, form, FieldErrors::new()).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<NewForm>) -> AppResult<Response> {
    match uc::create(&st, &p, &f).await {
        Ok(n) => Ok(flash::redirect(&st, &format!("/conduct/notices/{}", n.id), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => form_page(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_notice.html")]
struct ShowPage {
    l: Layout,
    d: Detail,
    answer: AnswerForm,
    ret: ReturnForm,
    errors: Errs,
    return_days: i64,
}

async fn show_with(st: &AppState, p: &Principal, id: NoticeId, answer: AnswerForm, ret: ReturnForm, errors: FieldErrors) -> AppResult<Response> {
    let d = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let answer = if answer.measures.is_empty() { AnswerForm { measures: d.row.notice.measures.clone().unwrap_or_default(), ..answer } } else { answer };
    let title = format!("{} {}", d.row.notice.kind_label(), d.row.notice.doc_number);
    render_status(&ShowPage { l: Layout::new(st, p, &title, "/conduct/notices"), d, answer, ret, errors: Errs(errors), return_days: RETURN_DAYS }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, parse_id(&id)?, AnswerForm::default(), ReturnForm::default(), FieldErrors::new()).await
}

pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

/// A file of the answer, for whoever reads the notice.
pub async fn download(State(st): State<AppState>, p: Principal, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let (a, bytes) = uc::file(&st, &p, parse_id(&id)?, parse_id(&file)?).await?;
    Ok(crate::layout::file_response(bytes, &a.filename, "application/octet-stream"))
}

/// 反馈 (multipart: the measures and a file, CSRF token in the query).
pub async fn answer(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id: NoticeId = parse_id(&id)?;
    let mut form = AnswerForm::default();
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
        match field.name().unwrap_or_default() {
            "file" => {
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
            "version" => form.version = field.text().await.unwrap_or_default(),
            "measures" => form.measures = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return show_with(&st, &p, id, form, ReturnForm::default(), errors).await;
    }
    match uc::answer(&st, &p, id, &form, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/notices/{id}"), Flash::Answered)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, form, ReturnForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<CloseForm>) -> AppResult<Response> {
    let id: NoticeId = parse_id(&id)?;
    match uc::close(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/notices/{id}"), Flash::Closed)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, AnswerForm::default(), ReturnForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn send_back(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ReturnForm>) -> AppResult<Response> {
    let id: NoticeId = parse_id(&id)?;
    match uc::send_back(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/notices/{id}"), Flash::Returned)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, AnswerForm::default(), f, fields).await,
        Err(e) => Err(e),
    }
}
