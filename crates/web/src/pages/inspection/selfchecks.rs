//! 自查自评 pages of a campaign unit: the 自查报告 (its four parts, the first draft from the
//! unit's records with every figure a link, save / submit / return), the materials per
//! checklist item (upload or a record already in the system) and the 八项规定 statistics table
//! (entered once, XLSX). Form → `app::inspection::selfchecks` → template; a form that fails
//! (bad input 422, stale version 409) comes back with everything typed.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::campaigns::AT;
use crate::app::files::Upload;
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::selfchecks::frugality::{self, FIELDS, FrugalityForm, FrugalityView};
use crate::app::inspection::selfchecks::materials::{self, ItemView, LinkForm, MaterialsView};
use crate::app::inspection::selfchecks::{self as uc, ReportForm, ReportView, VersionForm};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm};
use crate::layout::{Errs, Layout};
use crate::pages::render;
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection/units/{id}/selfcheck", get(report).post(save))
        .route("/inspection/units/{id}/selfcheck/generate", post(generate))
        .route("/inspection/units/{id}/selfcheck/submit", post(submit))
        .route("/inspection/units/{id}/selfcheck/return", post(send_back))
        .route("/inspection/units/{id}/materials", get(material_list).post(material_link))
        .route("/inspection/units/{id}/materials/upload", post(material_upload))
        .route("/inspection/materials/{id}/delete", post(material_remove))
        .route("/inspection/materials/{id}/file", get(material_file))
        .route("/inspection/units/{id}/frugality", get(frugality_page).post(frugality_save))
        .route("/inspection/units/{id}/frugality.xlsx", get(frugality_unit_xlsx))
        .route("/inspection/{id}/frugality.xlsx", get(frugality_campaign_xlsx))
}

/// A failed form's answer: 409 for a stale version (with its message), 422 for bad input.
fn failed_status(r: &mut Response, status: Option<StatusCode>) {
    if let Some(s) = status {
        *r.status_mut() = s;
    }
}

/// Splits a use case's failure into what the page shows again (field errors, a message, the
/// status) and what it passes on.
fn shown(e: AppError) -> Result<(FieldErrors, Option<String>, StatusCode), AppError> {
    match e {
        AppError::Invalid { fields, message } => Ok((fields, if message.is_empty() { None } else { Some(message) }, StatusCode::UNPROCESSABLE_ENTITY)),
        AppError::Conflict(m) => Ok((FieldErrors::new(), Some(m), StatusCode::CONFLICT)),
        e => Err(e),
    }
}

// ------------------------------------------------------------------------------ the report

#[derive(Template)]
#[template(path = "inspection_selfcheck.html")]
struct ReportPage {
    l: Layout,
    v: ReportView,
    form: ReportForm,
    back: VersionForm,
    errors: Errs,
    message: Option<String>,
}

// the page shows again after each of its forms, each with what it keeps
#[allow(clippy::too_many_arguments)]
async fn report_with(st: &AppState, p: &Principal, id: i64, form: Option<ReportForm>, back: VersionForm, errors: FieldErrors, message: Option<String>, status: Option<StatusCode>) -> AppResult<Response> {
    let v = uc::get(st, p, id).await?;
    let form = form.unwrap_or_else(|| ReportForm::of(&v));
    let title = format!("自查报告 · {}", v.unit.unit.org_name);
    let mut r = render(&ReportPage { l: Layout::new(st, p, &title, AT), v, form, back, errors: Errs(errors), message })?;
    failed_status(&mut r, status);
    Ok(r)
}

pub async fn report(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    report_with(&st, &p, id_of(&id)?, None, VersionForm::default(), FieldErrors::new(), None, None).await
}

pub async fn save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ReportForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::save(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/units/{id}/selfcheck"), Flash::Saved)),
        Err(e) => {
            let (fields, m, s) = shown(e)?;
            report_with(&st, &p, id, Some(f), VersionForm::default(), fields, m, Some(s)).await
        }
    }
}

/// After generate / submit / return: back to the report, or the report again with the message.
async fn after(st: &AppState, p: &Principal, id: i64, r: AppResult<ReportView>, flash: Flash, back: VersionForm) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(flash::redirect(st, &format!("/inspection/units/{id}/selfcheck"), flash)),
        Err(e) => {
            let (fields, m, s) = shown(e)?;
            report_with(st, p, id, None, back, fields, m, Some(s)).await
        }
    }
}

pub async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let r = uc::generate(&st, &p, id, &f).await;
    after(&st, &p, id, r, Flash::Generated, VersionForm::default()).await
}

pub async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let r = uc::submit(&st, &p, id, &f).await;
    after(&st, &p, id, r, Flash::Submitted, VersionForm::default()).await
}

pub async fn send_back(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<VersionForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let r = uc::send_back(&st, &p, id, &f).await;
    after(&st, &p, id, r, Flash::Returned, f).await
}

// ------------------------------------------------------------------------------ materials

#[derive(Template)]
#[template(path = "inspection_selfcheck_materials.html")]
struct MaterialsPage {
    l: Layout,
    v: MaterialsView,
    link: LinkForm,
    errors: Errs,
    message: Option<String>,
}

impl MaterialsPage {
    /// Whether the form as typed picked this record.
    fn picked(&self, kind: &str, id: &i64) -> bool {
        self.link.ref_kind == format!("{kind}:{id}")
    }
    /// Whether the form as typed was for this checklist item or indicator (its errors show there).
    fn at(&self, it: &ItemView) -> bool {
        match it.indicator_id {
            Some(i) => self.link.indicator_id.trim() == i.to_string(),
            None => self.link.indicator_id.trim().is_empty() && self.link.item_no.trim() == it.no.to_string(),
        }
    }
}

async fn materials_with(st: &AppState, p: &Principal, id: i64, link: LinkForm, errors: FieldErrors, message: Option<String>, status: Option<StatusCode>) -> AppResult<Response> {
    let v = materials::list(st, p, id).await?;
    let title = format!("自查资料 · {}", v.unit.unit.org_name);
    let mut r = render(&MaterialsPage { l: Layout::new(st, p, &title, AT), v, link, errors: Errs(errors), message })?;
    failed_status(&mut r, status);
    Ok(r)
}

pub async fn material_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    materials_with(&st, &p, id_of(&id)?, LinkForm::default(), FieldErrors::new(), None, None).await
}

pub async fn material_link(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<LinkForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match materials::link(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/units/{id}/materials"), Flash::Added)),
        Err(e) => {
            let (fields, m, s) = shown(e)?;
            materials_with(&st, &p, id, f, fields, m, Some(s)).await
        }
    }
}

pub async fn material_upload(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<Response> {
    let id = id_of(&id)?;
    let (mut item_no, mut indicator_id, mut file, mut errors) = (String::new(), String::new(), None, FieldErrors::new());
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                errors.insert("file".into(), format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
                break;
            }
        };
        match field.name().unwrap_or("") {
            "file" => {
                let filename = field.file_name().unwrap_or("").to_string();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                match field.bytes().await {
                    Ok(b) if !filename.is_empty() => file = Some(Upload { filename, content_type, bytes: b.to_vec() }),
                    Ok(_) => {}
                    Err(_) => {
                        errors.insert("file".into(), format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
                    }
                }
            }
            "item_no" => item_no = field.text().await.unwrap_or_default(),
            "indicator_id" => indicator_id = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let link = LinkForm { item_no: item_no.clone(), indicator_id: indicator_id.clone(), ..LinkForm::default() };
    let Some(file) = file.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.insert("file".into(), "请选择文件".into());
        }
        return materials_with(&st, &p, id, link, errors, None, Some(StatusCode::UNPROCESSABLE_ENTITY)).await;
    };
    match materials::upload(&st, &p, id, &item_no, &indicator_id, file).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/units/{id}/materials"), Flash::Added)),
        Err(e) => {
            let (fields, m, s) = shown(e)?;
            materials_with(&st, &p, id, link, fields, m, Some(s)).await
        }
    }
}

pub async fn material_remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let unit = materials::remove(&st, &p, id_of(&id)?).await?;
    Ok(flash::redirect(&st, &format!("/inspection/units/{unit}/materials"), Flash::Deleted))
}

pub async fn material_file(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, _, bytes) = materials::download(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::attachment_response(&name, bytes))
}

// ------------------------------------------------------------------------------ 八项规定 table

#[derive(Template)]
#[template(path = "inspection_selfcheck_frugality.html")]
struct FrugalityPage {
    l: Layout,
    v: FrugalityView,
    form: FrugalityForm,
    fields: &'static [(&'static str, &'static str, &'static str, &'static str)],
    errors: Errs,
    message: Option<String>,
}

impl FrugalityPage {
    /// Whether the field opens a new group (its group's first row).
    fn first_of_group(&self, i: &usize) -> bool {
        *i == 0 || self.fields.get(*i - 1).map(|f| f.1) != self.fields.get(*i).map(|f| f.1)
    }
}

async fn frugality_with(st: &AppState, p: &Principal, id: i64, form: Option<FrugalityForm>, errors: FieldErrors, message: Option<String>, status: Option<StatusCode>) -> AppResult<Response> {
    let v = frugality::get(st, p, id).await?;
    let form = form.unwrap_or_else(|| FrugalityForm::of(&v));
    let title = format!("八项规定自查统计表 · {}", v.unit.unit.org_name);
    let mut r = render(&FrugalityPage { l: Layout::new(st, p, &title, AT), v, form, fields: FIELDS, errors: Errs(errors), message })?;
    failed_status(&mut r, status);
    Ok(r)
}

pub async fn frugality_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    frugality_with(&st, &p, id_of(&id)?, None, FieldErrors::new(), None, None).await
}

pub async fn frugality_save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = id_of(&id)?;
    let f = FrugalityForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())));
    match frugality::save(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/units/{id}/frugality"), Flash::Saved)),
        Err(e) => {
            let (fields, m, s) = shown(e)?;
            frugality_with(&st, &p, id, Some(f), fields, m, Some(s)).await
        }
    }
}

pub async fn frugality_unit_xlsx(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = frugality::export_unit(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, XLSX))
}

pub async fn frugality_campaign_xlsx(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = frugality::export_campaign(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, XLSX))
}
