//! 人员信息 pages: the scoped list with filters and paging, a person's page, add/edit, posts, import/export.
//! Each handler reads the request, calls `app::org`, and renders.

use lianzheng_core::ids::{OrgId, PersonId};
use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use lianzheng_core::org::{Gender, Permission, PoliticalStatus, PostKind, Rank};

use super::orgs::ImportPage;
use super::{render, render_status};
use crate::app::org::{self as uc, PEOPLE_SORTS, PeopleQuery, Person, Post, xlsx};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{PageForm, PersonForm, PostForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager, options, org_options};
use crate::state::AppState;
use crate::xlsx_io;

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    l: Layout,
    f: PeopleQuery,
    rows: Arc<Vec<Person>>,
    pager: Pager,
    orgs: Vec<(OrgId, String)>,
    posts: Vec<(&'static str, &'static str)>,
    politicals: Vec<(&'static str, &'static str)>,
    ranks: Vec<(&'static str, &'static str)>,
    can_manage: bool,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<PeopleQuery>) -> AppResult<Response> {
    let list = uc::list_people(&st, &p, &q).await?;
    let orgs = org_options(&uc::units(&st, &p, Permission::ViewPeople).await?);
    render(&PeoplePage {
        l: Layout::new(&st, &p, "人员信息", "/people"),
        pager: Pager::new(list.page, list.size, list.total, q.base()).sorted(&q.paging.sort, PEOPLE_SORTS),
        f: q,
        rows: list.rows,
        orgs,
        posts: options(PostKind::ALL, PostKind::code, PostKind::label),
        politicals: options(PoliticalStatus::ALL, PoliticalStatus::code, PoliticalStatus::label),
        ranks: options(Rank::ALL, Rank::code, Rank::label),
        can_manage: p.can(Permission::ManagePeople),
    })
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    l: Layout,
    person: Person,
    posts: Vec<Post>,
    can_manage: bool,
    post_form: PostForm,
    errors: Errs,
    message: Option<String>,
    post_kinds: Vec<(&'static str, &'static str)>,
}

async fn person_page(st: &AppState, p: &Principal, id: PersonId, post_form: PostForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let d = uc::get_person(st, p, id).await?;
    let failed = !errors.0.is_empty() || message.is_some();
    render_status(
        &PersonPage {
            l: Layout::new(st, p, &d.person.name, "/people").crumb("", d.person.org_name.clone()),
            person: d.person,
            posts: d.posts,
            can_manage: d.can_manage,
            post_form,
            errors,
            message,
            post_kinds: options(PostKind::ALL, PostKind::code, PostKind::label),
        },
        failed,
    )
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    person_page(&st, &p, parse_id(&id)?, PostForm::default(), Errs::default(), None).await
}

pub async fn add_post(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PostForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::add_post(&st, &p, id, &form).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/people/{id}"), Flash::Added)),
        Err(AppError::Invalid { message, fields }) => person_page(&st, &p, id, form, Errs(fields), Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    l: Layout,
    heading: String,
    action: String,
    cancel: String,
    editing: bool,
    form: PersonForm,
    errors: Errs,
    message: Option<String>,
    id_placeholder: String,
    org_picker: crate::layout::UnitPicker,
    genders: Vec<(&'static str, &'static str)>,
    politicals: Vec<(&'static str, &'static str)>,
    ranks: Vec<(&'static str, &'static str)>,
    post_kinds: Vec<(&'static str, &'static str)>,
}

/// `editing`: the person's id and masked ID number (the placeholder of the blank field).
async fn form_page(st: &AppState, p: &Principal, editing: Option<(PersonId, Option<String>)>, form: PersonForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let org_picker = crate::layout::UnitPicker::one("org_id", crate::layout::UnitChoice::of(&uc::units(st, p, Permission::ManagePeople).await?), &form.org_id, "请选择");
    let (heading, action, cancel, id_placeholder) = match &editing {
        Some((id, masked)) => ("编辑人员".to_string(), format!("/people/{id}"), format!("/people/{id}"), masked.clone().unwrap_or_default()),
        None => ("新增人员".to_string(), "/people".to_string(), "/people".to_string(), String::new()),
    };
    let failed = !errors.0.is_empty() || message.is_some();
    render_status(
        &PersonFormPage {
            l: Layout::new(st, p, &heading, "/people"),
            heading,
            action,
            cancel,
            editing: editing.is_some(),
            form,
            errors,
            message,
            id_placeholder,
            org_picker,
            genders: options(Gender::ALL, Gender::code, Gender::label),
            politicals: options(PoliticalStatus::ALL, PoliticalStatus::code, PoliticalStatus::label),
            ranks: options(Rank::ALL, Rank::code, Rank::label),
            post_kinds: options(PostKind::ALL, PostKind::code, PostKind::label),
        },
        failed,
    )
}

/// The form again after a refused save: field errors at their fields, a conflict on top.
async fn refused(st: &AppState, p: &Principal, editing: Option<(PersonId, Option<String>)>, form: PersonForm, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => form_page(st, p, editing, form, Errs(fields), Some(message)).await,
        AppError::Conflict(m) => form_page(st, p, editing, form, Errs::default(), Some(m)).await,
        other => Err(other),
    }
}

pub async fn new_form(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let form = PersonForm { org_id: p.user.org_id.map(|v| v.to_string()).unwrap_or_default(), sort_order: "0".into(), ..PersonForm::default() };
    form_page(&st, &p, None, form, Errs::default(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<PersonForm>) -> AppResult<Response> {
    match uc::create_person(&st, &p, &form).await {
        Ok(person) => Ok(flash::redirect(&st, &format!("/people/{}", person.id), Flash::Created)),
        Err(e) => refused(&st, &p, None, form, e).await,
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let person = uc::person_to_edit(&st, &p, parse_id(&id)?).await?;
    let form = PersonForm {
        org_id: person.org_id.to_string(),
        name: person.name.clone(),
        gender: person.gender.clone(),
        phone: person.phone.clone().unwrap_or_default(),
        political_status: person.political_status.clone().unwrap_or_default(),
        rank: person.rank.clone().unwrap_or_default(),
        sort_order: person.sort_order.to_string(),
        version: person.version.to_string(),
        ..PersonForm::default()
    };
    form_page(&st, &p, Some((person.id, person.id_number_masked.clone())), form, Errs::default(), None).await
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PersonForm>) -> AppResult<Response> {
    let person = uc::person_to_edit(&st, &p, parse_id(&id)?).await?;
    let editing = Some((person.id, person.id_number_masked.clone()));
    match uc::update_person(&st, &p, person.id, &form).await {
        Ok(saved) => Ok(flash::redirect(&st, &format!("/people/{}", saved.id), Flash::Saved)),
        Err(e) => refused(&st, &p, editing, form, e).await,
    }
}

pub async fn export(State(st): State<AppState>, p: Principal, Q(q): Q<PeopleQuery>) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::export_people(&st, &p, &q).await?, "人员信息.xlsx"))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::people_template(&p)?, "人员导入模板.xlsx"))
}

pub async fn import_page(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ManagePeople)?;
    let (page, _) = ImportPage::of(&st, &p, "导入人员", "/people/import", "/people", None, |_| String::new());
    render(&page)
}

pub async fn import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    p.require(Permission::ManagePeople)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    let outcome = xlsx::import_people(&st, &p, &bytes).await?;
    let (page, failed) = ImportPage::of(&st, &p, "导入人员", "/people/import", "/people", Some(outcome), |n| format!("已导入 {n} 人"));
    render_status(&page, failed)
}
