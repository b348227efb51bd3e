//! 廉政档案 pages: the people whose files the caller reads (search by name and unit, counts and
//! flags), a person's file (sections as cards on a phone, every entry linking to its record; a
//! print view), "我的廉政档案", and the forms of 婚丧喜庆事宜 (before, after, review),
//! 个人有关事项 and 处分登记. Form → `app::conduct::{archive, family_events, matters,
//! sanctions}` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{FamilyEventId, PersonId};
use lianzheng_core::sanction::{CATEGORIES, KINDS as SANCTION_KINDS};
use serde::Deserialize;

use crate::app::conduct::archive::{self as uc, ListQuery, PersonFile, PersonRow};
use crate::app::conduct::family_events::{self as fe, AfterForm, Detail, GIFTS, KINDS, Limits, REVIEWS, ReviewForm, Row};
use crate::app::conduct::{inquiries, matters, sanctions};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/archive", get(index))
        .route("/conduct/archive/mine", get(mine))
        .route("/conduct/archive/family-events", get(family_index).post(family_create))
        .route("/conduct/archive/family-events/new", get(family_new))
        .route("/conduct/archive/family-events/{id}", get(family_show))
        .route("/conduct/archive/family-events/{id}/after", post(family_after))
        .route("/conduct/archive/family-events/{id}/review", post(family_review))
        .route("/conduct/archive/matters", post(matter_create))
        .route("/conduct/archive/matters/new", get(matter_new))
        .route("/conduct/archive/sanctions", post(sanction_create))
        .route("/conduct/archive/sanctions/new", get(sanction_new))
        .route("/conduct/archive/{id}", get(show))
        .route("/conduct/archive/{id}/print", get(print))
}

const AT: &str = "/conduct/archive";

// ---------------------------------------------------------------------------- people

#[derive(Template)]
#[template(path = "conduct_archive.html")]
struct ListPage {
    l: Layout,
    rows: Vec<PersonRow>,
    pager: Pager,
    q: String,
    org: String,
    units: Vec<(lianzheng_core::ids::OrgId, String)>,
    own_only: bool,
    can_sanction: bool,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let v = uc::people(&st, &p, &q).await?;
    let pairs: Vec<(&str, &str)> = [("q", v.q.as_str()), ("org", v.org.as_str())].into_iter().filter(|(_, x)| !x.is_empty()).collect();
    let base = format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default());
    render(&ListPage {
        l: Layout::new(&st, &p, "廉政档案", AT), pager: Pager::new(v.page, v.size, v.total, base), rows: v.rows, q: v.q, org: v.org, units: v.units, own_only: v.own_only, can_sanction: v.can_sanction
    })
}

// ------------------------------------------------------------------------------ file

#[derive(Template)]
#[template(path = "conduct_archive_file.html")]
struct FilePage {
    l: Layout,
    f: PersonFile,
    print: bool,
    mine: bool,
    can_sanction: bool,
    files_family: bool,
}

async fn file_page(st: &AppState, p: &Principal, id: PersonId, print: bool) -> AppResult<Response> {
    let f = uc::file_of(st, p, id).await?;
    let mine = p.user.person_id == Some(id);
    let title = if mine { "我的廉政档案".to_string() } else { format!("廉政档案 · {}", f.person.name) };
    let can_sanction = p.require(lianzheng_core::org::Permission::HandleInquiries).is_ok();
    // the file was opened need-to-know checked: its unit's path says who may file for him
    let files_family = mine || fe::files_for(p, &f.person.org_path);
    render(&FilePage { l: Layout::new(st, p, &title, AT), f, print, mine, can_sanction, files_family })
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    file_page(&st, &p, parse_id(&id)?, false).await
}

pub async fn print(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    file_page(&st, &p, parse_id(&id)?, true).await
}

/// 我的廉政档案: the signed-in person's own file (an account without a person gets the list).
pub async fn mine(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    match p.user.person_id {
        Some(me) => file_page(&st, &p, me, false).await,
        None => index(State(st), p, Q(ListQuery::default())).await,
    }
}

// ----------------------------------------------------------------------- 婚丧喜庆

#[derive(Template)]
#[template(path = "conduct_family_events.html")]
struct FamilyListPage {
    l: Layout,
    year: i64,
    state: String,
    rows: Vec<Row>,
    limits: Limits,
}

pub async fn family_index(State(st): State<AppState>, p: Principal, Q(q): Q<fe::ListQuery>) -> AppResult<Response> {
    let v = fe::list(&st, &p, &q).await?;
    let l = Layout::new(&st, &p, "婚丧喜庆事宜报告", AT);
    render(&FamilyListPage { l, year: v.year, state: v.state, rows: v.rows, limits: v.limits })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    q: String,
    person: String,
}

#[derive(Template)]
#[template(path = "conduct_family_event_form.html")]
struct FamilyFormPage {
    l: Layout,
    form: fe::NewForm,
    errors: Errs,
    /// Who the report is about, when not the caller himself.
    chosen: Option<(PersonId, String)>,
    kinds: &'static [(&'static str, &'static str)],
    limits: Limits,
}

async fn family_form(st: &AppState, p: &Principal, form: fe::NewForm, errors: FieldErrors) -> AppResult<Response> {
    let chosen = fe::filed_for(st, p, &form.person_id).await?;
    let failed = !errors.is_empty();
    let l = Layout::new(st, p, "报告操办婚丧喜庆事宜", AT).crumb("/conduct/archive/family-events", "婚丧喜庆事宜报告");
    render_status(&FamilyFormPage { l, form, errors: Errs(errors), chosen, kinds: KINDS, limits: fe::limits(st) }, failed)
}

pub async fn family_new(State(st): State<AppState>, p: Principal, Q(q): Q<NewQuery>) -> AppResult<Response> {
    p.require(lianzheng_core::org::Permission::ViewConduct)?;
    let _ = q.q;
    family_form(&st, &p, fe::NewForm { person_id: q.person, ..Default::default() }, FieldErrors::new()).await
}

pub async fn family_create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<fe::NewForm>) -> AppResult<Response> {
    match fe::create(&st, &p, &f).await {
        Ok(e) => Ok(flash::redirect(&st, &format!("/conduct/archive/family-events/{}", e.id), Flash::Submitted)),
        Err(AppError::Invalid { fields, .. }) => family_form(&st, &p, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_family_event.html")]
struct FamilyPage {
    l: Layout,
    d: Detail,
    after: AfterForm,
    review: ReviewForm,
    errors: Errs,
    gifts: &'static [(&'static str, &'static str)],
    reviews: &'static [(&'static str, &'static str)],
}

impl FamilyPage {
    fn gift_label(&self) -> &'static str {
        fe::label(GIFTS, self.d.row.event.gifts.as_deref().unwrap_or(""))
    }
    fn review_label(&self) -> &'static str {
        fe::label(REVIEWS, self.d.row.event.review.as_deref().unwrap_or(""))
    }
}

async fn family_page(st: &AppState, p: &Principal, id: FamilyEventId, after: AfterForm, review: ReviewForm, errors: FieldErrors) -> AppResult<Response> {
    let d = fe::get(st, p, id).await?;
    let failed = !errors.is_empty();
    let title = format!("{} · {}", d.row.kind_label, d.row.event.person_name);
    let l = Layout::new(st, p, &title, AT).crumb("/conduct/archive/family-events", "婚丧喜庆事宜报告");
    render_status(&FamilyPage { l, d, after, review, errors: Errs(errors), gifts: GIFTS, reviews: REVIEWS }, failed)
}

pub async fn family_show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    family_page(&st, &p, parse_id(&id)?, AfterForm::default(), ReviewForm::default(), FieldErrors::new()).await
}

pub async fn family_after(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<AfterForm>) -> AppResult<Response> {
    let id: FamilyEventId = parse_id(&id)?;
    match fe::after(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/archive/family-events/{id}"), Flash::Submitted)),
        Err(AppError::Invalid { fields, .. }) => family_page(&st, &p, id, f, ReviewForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn family_review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<ReviewForm>) -> AppResult<Response> {
    let id: FamilyEventId = parse_id(&id)?;
    match fe::review(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/archive/family-events/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => family_page(&st, &p, id, AfterForm::default(), f, fields).await,
        Err(e) => Err(e),
    }
}

// -------------------------------------------------------------------- 个人有关事项

#[derive(Template)]
#[template(path = "conduct_matter_form.html")]
struct MatterPage {
    l: Layout,
    form: matters::NewForm,
    errors: Errs,
    kinds: &'static [(&'static str, &'static str)],
}

fn matter_layout(st: &AppState, p: &Principal) -> Layout {
    Layout::new(st, p, "报告个人有关事项", AT).crumb("/conduct/archive/mine", "我的廉政档案")
}

pub async fn matter_new(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(lianzheng_core::org::Permission::ViewConduct)?;
    render(&MatterPage { l: matter_layout(&st, &p), form: matters::NewForm::default(), errors: Errs(FieldErrors::new()), kinds: matters::KINDS })
}

pub async fn matter_create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<matters::NewForm>) -> AppResult<Response> {
    match matters::create(&st, &p, &f).await {
        Ok(_) => Ok(flash::redirect(&st, "/conduct/archive/mine", Flash::Submitted)),
        Err(AppError::Invalid { fields, .. }) => render_status(&MatterPage { l: matter_layout(&st, &p), form: f, errors: Errs(fields), kinds: matters::KINDS }, true),
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------------- 处分登记

#[derive(Template)]
#[template(path = "conduct_sanction_form.html")]
struct SanctionPage {
    l: Layout,
    form: sanctions::NewForm,
    errors: Errs,
    q: String,
    found: Vec<(PersonId, String)>,
    chosen: Option<(PersonId, String)>,
    categories: &'static [(&'static str, &'static str)],
    kinds: Vec<(&'static str, &'static str, &'static str)>,
}

async fn sanction_page(st: &AppState, p: &Principal, form: sanctions::NewForm, q: String, errors: FieldErrors) -> AppResult<Response> {
    let found = inquiries::candidates(st, p, &q).await?;
    let chosen = inquiries::candidate(st, p, &form.person_id).await?;
    let failed = !errors.is_empty();
    let mut l = Layout::new(st, p, "登记处分或组织处理", AT);
    if let Some((id, _)) = &chosen {
        l = l.crumb(format!("/conduct/archive/{id}"), "廉政档案");
    }
    let kinds = SANCTION_KINDS.iter().map(|k| (k.category, k.code, k.label)).collect();
    render_status(&SanctionPage { l, form, errors: Errs(errors), q, found, chosen, categories: CATEGORIES, kinds }, failed)
}

pub async fn sanction_new(State(st): State<AppState>, p: Principal, Q(q): Q<NewQuery>) -> AppResult<Response> {
    sanction_page(&st, &p, sanctions::NewForm { person_id: q.person, category: "party".into(), ..Default::default() }, q.q, FieldErrors::new()).await
}

pub async fn sanction_create(State(st): State<AppState>, p: Principal, PageForm(f): PageForm<sanctions::NewForm>) -> AppResult<Response> {
    match sanctions::create(&st, &p, &f).await {
        Ok(s) => Ok(flash::redirect(&st, &format!("/conduct/archive/{}", s.person_id), Flash::Created)),
        Err(AppError::Invalid { fields, .. }) => sanction_page(&st, &p, f, String::new(), fields).await,
        Err(e) => Err(e),
    }
}
