//! 廉政教育 pages: the year's activities in scope, recording one (the unit itself), an
//! activity's page with its attendance and, for the unit, the edit form. Form →
//! `app::conduct::education` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use lianzheng_core::ids::{EducationId, OrgId};

use crate::app::conduct::education::{self as uc, Activity, Attendee, EducationForm, KINDS};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout};
use crate::pages::render_status;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/conduct/education", get(index).post(create)).route("/conduct/education/{id}", get(show).post(update))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    year: String,
    /// a unit (its id): its activities and those below it
    org: String,
    /// The unit whose people the new activity's attendance lists.
    org_id: String,
}

#[derive(Template)]
#[template(path = "conduct_education.html")]
struct ListPage {
    l: Layout,
    year: i64,
    items: Vec<Activity>,
    units: Vec<(OrgId, String)>,
    people: Vec<Attendee>,
    form: EducationForm,
    errors: Errs,
    message: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
}

async fn people_for(st: &AppState, p: &Principal, org_id: &str) -> AppResult<Vec<Attendee>> {
    match org_id.trim().parse::<OrgId>() {
        Ok(id) => match uc::people_of(st, p, id).await {
            Ok(v) => Ok(v),
            Err(AppError::Forbidden | AppError::NotFound) => Ok(vec![]),
            Err(e) => Err(e),
        },
        Err(_) => Ok(vec![]),
    }
}

async fn list_page(st: &AppState, p: &Principal, year: &str, org: &str, form: Option<EducationForm>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let (year, items) = uc::list_of(st, p, year, org).await?;
    let units = uc::own_units(p);
    let form = form.unwrap_or_else(|| EducationForm {
        org_id: units.first().map(|u| u.0.to_string()).unwrap_or_default(),
        kind: "warning".into(),
        held_on: lianzheng_core::duty::format_date(crate::app::duty::tasks::today()),
        ..EducationForm::default()
    });
    let people = people_for(st, p, &form.org_id).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(&ListPage { l: Layout::new(st, p, "廉政教育", "/conduct/education"), year, items, units, people, form, errors: Errs(errors), message, kinds: KINDS }, failed)
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let form = if q.org_id.trim().is_empty() {
        None
    } else {
        Some(EducationForm { org_id: q.org_id, kind: "warning".into(), held_on: lianzheng_core::duty::format_date(crate::app::duty::tasks::today()), ..EducationForm::default() })
    };
    list_page(&st, &p, &q.year, &q.org, form, FieldErrors::new(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let form = EducationForm::from_pairs(pairs);
    match uc::create(&st, &p, &form).await {
        Ok(id) => Ok(flash::redirect(&st, &format!("/conduct/education/{id}"), Flash::Created)),
        Err(AppError::Invalid { message, fields }) => list_page(&st, &p, "", "", Some(form), fields, Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_education_item.html")]
struct ItemPage {
    l: Layout,
    a: Activity,
    attendees: Vec<Attendee>,
    can_edit: bool,
    people: Vec<Attendee>,
    form: EducationForm,
    errors: Errs,
    message: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
}

async fn item_page(st: &AppState, p: &Principal, id: EducationId, form: Option<EducationForm>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let d = uc::get(st, p, id).await?;
    let people = if d.can_edit { people_for(st, p, &d.activity.org_id.to_string()).await? } else { vec![] };
    let form = form.unwrap_or_else(|| EducationForm::of(&d.activity, &d.attendees));
    let failed = !errors.is_empty() || message.is_some();
    let year = d.activity.held_on.get(..4).unwrap_or("").to_string();
    render_status(
        &ItemPage {
            l: Layout::new(st, p, &d.activity.title, "/conduct/education").crumb(format!("/conduct/education?year={year}"), format!("{year}年")),
            a: d.activity,
            attendees: d.attendees,
            can_edit: d.can_edit,
            people,
            form,
            errors: Errs(errors),
            message,
            kinds: KINDS,
        },
        failed,
    )
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    item_page(&st, &p, parse_id(&id)?, None, FieldErrors::new(), None).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id: EducationId = parse_id(&id)?;
    let form = EducationForm::from_pairs(pairs);
    match uc::update(&st, &p, id, &form).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/education/{id}"), Flash::Saved)),
        Err(AppError::Invalid { message, fields }) => item_page(&st, &p, id, Some(form), fields, Some(message)).await,
        Err(AppError::Conflict(m)) => item_page(&st, &p, id, Some(form), FieldErrors::new(), Some(m)).await,
        Err(e) => Err(e),
    }
}
