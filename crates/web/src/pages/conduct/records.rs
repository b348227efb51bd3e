//! 履责纪实 pages: the 履责 概览 (counts per kind × quarter, unit and person, each number a
//! link to the records), the record list with filters, the record form (people picker, links
//! to list items and tasks, 补录 reason after the window), a record with its attachments.
//! Form → `app::conduct::records` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{DutyRecordId, PersonId};

use crate::app::conduct::records::{self as uc, Attachment, Counts, DutyRecord, LinkedItem, LinkedTask, RecordForm, RecordPerson, RecordQuery};
use crate::app::files::Upload;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager, fmt_time};
use crate::pages::render;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct", get(overview))
        .route("/conduct/records", get(index).post(create))
        .route("/conduct/records/new", get(new_form))
        .route("/conduct/records/{id}", get(show).post(update))
        .route("/conduct/records/{id}/edit", get(edit_form))
        .route("/conduct/records/{id}/delete", post(delete))
        .route("/conduct/records/{id}/attachments", post(attach))
        .route("/conduct/records/{id}/files/{file}", get(download))
}

fn with_status(mut r: Response, failed: bool) -> Response {
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

// ---------------------------------------------------------------------------------- 概览

#[derive(Template)]
#[template(path = "conduct_home.html")]
struct OverviewPage {
    l: Layout,
    c: Counts,
    /// 抄告单、整改建议书 of the year: (total, pending, overdue, answered, closed), for who reads them
    notices: Option<(i64, i64, i64, i64, i64)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

pub async fn overview(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Response> {
    let c = uc::counts(&st, &p, &q.year).await?;
    let notices = crate::app::conduct::notices::counts(&st, &p, c.year).await?;
    render(&OverviewPage { l: Layout::new(&st, &p, "履责概览", "/conduct"), c, notices })
}

// ---------------------------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "conduct_records.html")]
struct ListPage {
    l: Layout,
    list: uc::RecordList,
    f: RecordQuery,
    pager: Pager,
    kinds: &'static [(&'static str, &'static str)],
    meeting_kinds: &'static [(&'static str, &'static str)],
}

/// The query string of the filters, without `page=`, ending in `&` or empty.
fn filter_base(q: &RecordQuery) -> String {
    let pairs: Vec<(&str, &str)> =
        [("year", q.year.as_str()), ("quarter", q.quarter.as_str()), ("kind", q.kind.as_str()), ("sub_kind", q.sub_kind.as_str()), ("org", q.org.as_str()), ("person", q.person.as_str()), ("late", q.late.as_str())]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
    let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if s.is_empty() { s } else { format!("{s}&") }
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<RecordQuery>) -> AppResult<Response> {
    let list = uc::list(&st, &p, &q).await?;
    let pager = Pager::new(list.page, list.size, list.total, filter_base(&q));
    render(&ListPage { l: Layout::new(&st, &p, "履责纪实", "/conduct/records"), list, f: q, pager, kinds: uc::KINDS, meeting_kinds: uc::MEETING_KINDS })
}

// ---------------------------------------------------------------------------------- form

#[derive(Template)]
#[template(path = "conduct_record_form.html")]
struct FormPage {
    l: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: RecordForm,
    errors: Errs,
    message: Option<String>,
    o: uc::FormOptions,
    kinds: &'static [(&'static str, &'static str)],
    meeting_kinds: &'static [(&'static str, &'static str)],
    /// The people picker's rows: (id, "姓名（职务）", search key).
    people: Vec<(PersonId, String, String)>,
    /// 补录 already asked for: the date typed lies in a closed period (or the form came back for it).
    late_open: bool,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(st: &AppState, p: &Principal, editing: Option<DutyRecordId>, form: RecordForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let year = form.act_date.get(..4).unwrap_or("").to_string();
    let o = uc::form_options(st, p, &year).await?;
    let (heading, action, cancel, l) = match editing {
        Some(id) => {
            ("修改纪实".to_string(), format!("/conduct/records/{id}"), format!("/conduct/records/{id}"), Layout::new(st, p, "修改纪实", "/conduct/records").crumb(format!("/conduct/records/{id}"), form.title.clone()))
        }
        None => ("新增纪实".to_string(), "/conduct/records".to_string(), "/conduct/records".to_string(), Layout::new(st, p, "新增纪实", "/conduct/records")),
    };
    let failed = !errors.is_empty() || message.is_some();
    let people = o
        .people
        .iter()
        .map(|(id, name, title)| {
            let shown = match title.as_deref().filter(|t| !t.trim().is_empty()) {
                Some(t) => format!("{name}（{t}）"),
                None => name.clone(),
            };
            let key = format!("{} {}", shown, lianzheng_core::names::pinyin_initials(name)).to_lowercase();
            (*id, shown, key)
        })
        .collect();
    let late_open = errors.has_late() || !form.late_reason.trim().is_empty();
    let r = render(&FormPage { l, heading, action, cancel, form, errors: Errs(errors), message, o, kinds: uc::KINDS, meeting_kinds: uc::MEETING_KINDS, people, late_open })?;
    Ok(with_status(r, failed))
}

trait HasLate {
    fn has_late(&self) -> bool;
}

impl HasLate for FieldErrors {
    fn has_late(&self) -> bool {
        self.contains_key("late_reason")
    }
}

/// A use case's refusal as the message and marked fields of the form; other errors pass.
fn form_error(e: AppError) -> AppResult<(FieldErrors, String)> {
    match e {
        AppError::Invalid { message, fields } => Ok((fields, message)),
        AppError::Conflict(m) => Ok((FieldErrors::new(), m)),
        other => Err(other),
    }
}

pub async fn new_form(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let form = uc::new_form(&p)?;
    form_page(&st, &p, None, form, FieldErrors::new(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let form = RecordForm::from_pairs(pairs);
    match uc::create(&st, &p, &form).await {
        Ok(r) => Ok(flash::redirect(&st, &format!("/conduct/records/{}", r.id), Flash::Saved)),
        Err(e) => {
            let (fields, message) = form_error(e)?;
            form_page(&st, &p, None, form, fields, Some(message)).await
        }
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (_, form) = uc::edit_form(&st, &p, id).await?;
    form_page(&st, &p, Some(id), form, FieldErrors::new(), None).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let form = RecordForm::from_pairs(pairs);
    match uc::update(&st, &p, id, &form).await {
        Ok(r) => Ok(flash::redirect(&st, &format!("/conduct/records/{}", r.id), Flash::Saved)),
        Err(e) => {
            let conflict = matches!(e, AppError::Conflict(_));
            let (fields, message) = form_error(e)?;
            // the record must still be the caller's to edit before the form is shown again
            uc::edit_form(&st, &p, id).await?;
            let r = form_page(&st, &p, Some(id), form, fields, Some(message)).await?;
            let mut r = r;
            if conflict {
                *r.status_mut() = StatusCode::CONFLICT;
            }
            Ok(r)
        }
    }
}

pub async fn delete(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    uc::delete(&st, &p, parse_id(&id)?).await?;
    Ok(flash::redirect(&st, "/conduct/records", Flash::Deleted))
}

// ---------------------------------------------------------------------------------- a record

#[derive(Template)]
#[template(path = "conduct_record.html")]
struct RecordPage {
    l: Layout,
    r: DutyRecord,
    people: Vec<RecordPerson>,
    items: Vec<LinkedItem>,
    tasks: Vec<LinkedTask>,
    files: Vec<Attachment>,
    can_edit: bool,
    window_close: String,
    window_closed: bool,
    updated: String,
    upload_types: String,
    errors: Errs,
    /// 发抄告单 from this record (for who issues notices)
    notice: Option<String>,
}

impl RecordPage {
    fn leader_and_participants(&self) -> (Vec<&RecordPerson>, Vec<&RecordPerson>) {
        (self.people.iter().filter(|x| x.role == "lead").collect(), self.people.iter().filter(|x| x.role != "lead").collect())
    }
    pub fn participants_text(&self) -> String {
        self.leader_and_participants().1.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join("、")
    }
}

async fn record_page(st: &AppState, p: &Principal, id: DutyRecordId, errors: FieldErrors) -> AppResult<Response> {
    let d = uc::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let r = render(&RecordPage {
        l: Layout::new(st, p, &d.record.title, "/conduct/records").crumb(format!("/conduct/records?year={}", d.record.year), format!("{}年", d.record.year)),
        notice: crate::app::conduct::notices::issue_link(p, "record", d.record.id, Some(d.record.org_id)),
        updated: fmt_time(d.record.updated_at),
        r: d.record,
        people: d.people,
        items: d.items,
        tasks: d.tasks,
        files: d.files,
        can_edit: d.can_edit,
        window_close: d.window_close,
        window_closed: d.window_closed,
        upload_types: st.policy.upload_types.join("、"),
        errors: Errs(errors),
    })?;
    Ok(with_status(r, failed))
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    record_page(&st, &p, parse_id(&id)?, FieldErrors::new()).await
}

/// 上传附件 (multipart, CSRF token in the query).
pub async fn attach(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
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
    let Some(file) = file.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.insert("file".into(), "请选择文件".into());
        }
        // the record must be the caller's to write before the form answers about the file
        uc::edit_form(&st, &p, id).await?;
        return record_page(&st, &p, id, errors).await;
    };
    match uc::attach(&st, &p, id, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/records/{id}#files"), Flash::Added)),
        Err(AppError::Invalid { fields, message }) => {
            let mut fields = fields;
            if fields.is_empty() {
                fields.insert("file".into(), message);
            }
            record_page(&st, &p, id, fields).await
        }
        Err(e) => Err(e),
    }
}

/// A record's file, for whoever reads the record.
pub async fn download(State(st): State<AppState>, p: Principal, Path((id, file)): Path<(String, String)>) -> AppResult<Response> {
    let (a, bytes) = uc::file(&st, &p, parse_id(&id)?, parse_id(&file)?).await?;
    Ok(crate::layout::file_response(bytes, &a.filename, "application/octet-stream"))
}
