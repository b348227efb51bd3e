//! 人员信息 pages: the scoped list with filters and paging, a person's page, add/edit, posts, import/export.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_core::crypto::decrypt_str;
use lianzheng_core::idcard::IdCardNumber;
use lianzheng_core::org::{Gender, Permission, PoliticalStatus, PostKind, Rank, Scope};
use lianzheng_store::people::{self, PeopleFilter, Person, Post};
use lianzheng_store::org;
use serde::{Deserialize, Serialize};

use super::orgs::ImportPage;
use super::{render, render_status};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, PersonForm, PostForm, Q, parse_id};
use crate::layout::{Errs, Layout, Pager, options, scope_org_options};
use crate::state::AppState;
use crate::xlsx_io;

pub const PER_PAGE: i64 = 50;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub org: String,
    pub post: String,
    pub political: String,
    pub rank: String,
    pub page: String,
}

impl ListQuery {
    /// The filter within the caller's scope; an `org` outside it simply matches nothing.
    pub async fn filter(&self, st: &AppState, scope: &Scope) -> AppResult<PeopleFilter> {
        let org_path = match self.org.trim().parse::<i64>() {
            Ok(id) => Some(match org::get_in_scope(&st.db, scope, id).await {
                Ok(o) => o.path,
                Err(_) => "/none/".to_string(),
            }),
            Err(_) => None,
        };
        Ok(PeopleFilter { q: Some(self.q.clone()), org_path, political_status: Some(self.political.clone()), rank: Some(self.rank.clone()), post_kind: Some(self.post.clone()) })
    }
    fn base(&self) -> String {
        let mut c = self.clone();
        c.page = String::new();
        let pairs: Vec<(&str, &str)> = [("q", c.q.as_str()), ("org", c.org.as_str()), ("post", c.post.as_str()), ("political", c.political.as_str()), ("rank", c.rank.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if s.is_empty() { s } else { format!("{s}&") }
    }
}

/// A list page, or the single person whose ID number was typed into the search box. Pages
/// come from the node's short-lived cache (`cache.rs`); ID-number searches are never cached.
pub async fn search(st: &AppState, p: &Principal, scope: &Scope, q: &ListQuery) -> AppResult<(Arc<Vec<Person>>, Pager)> {
    if let Ok(id) = IdCardNumber::parse(&q.q) {
        let found = people::find_by_id_number(&st.db, scope, st.crypto.as_ref(), &id).await?;
        p.log_read(st, "person.id_lookup", "person", found.as_ref().map(|f| f.id.to_string()), serde_json::json!({"found": found.is_some()})).await?;
        let n = found.is_some() as i64;
        return Ok((Arc::new(found.into_iter().collect()), Pager::new(1, PER_PAGE, n, q.base())));
    }
    let f = q.filter(st, scope).await?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let key = format!("{scope:?}|{f:?}|{page}");
    let (rows, total) = st.caches.people_pages.get_or_load(key, || async { people::list(&st.db, scope, &f, (page - 1) * PER_PAGE, PER_PAGE).await.map(|(rows, total)| (Arc::new(rows), total)) }).await?;
    Ok((rows, Pager::new(page, PER_PAGE, total, q.base())))
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    l: Layout,
    f: ListQuery,
    rows: Arc<Vec<Person>>,
    pager: Pager,
    orgs: Vec<(i64, String)>,
    posts: Vec<(&'static str, &'static str)>,
    politicals: Vec<(&'static str, &'static str)>,
    ranks: Vec<(&'static str, &'static str)>,
    can_manage: bool,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewPeople)?;
    let (rows, pager) = search(&st, &p, &scope, &q).await?;
    let orgs = scope_org_options(&st.db, &scope).await?;
    render(&PeoplePage {
        l: Layout::new(&st, &p, "人员信息", "/people"),
        f: q,
        rows,
        pager,
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
    post_kinds: Vec<(&'static str, &'static str)>,
}

async fn person_page(st: &AppState, p: &Principal, id: i64, post_form: PostForm, errors: Errs) -> AppResult<Response> {
    let scope = p.require(Permission::ViewPeople)?;
    let person = people::get_in_scope(&st.db, &scope, id).await?;
    let posts = people::posts_of(&st.db, person.id).await?;
    let can_manage = p.require(Permission::ManagePeople).map(|s| s.contains(&person.org_path)).unwrap_or(false);
    let failed = !errors.0.is_empty();
    render_status(&PersonPage { l: Layout::new(st, p, &person.name, "/people"), person, posts, can_manage, post_form, errors, post_kinds: options(PostKind::ALL, PostKind::code, PostKind::label) }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    person_page(&st, &p, parse_id(&id)?, PostForm::default(), Errs::default()).await
}

pub async fn add_post(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PostForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let mut input = match form.validate() {
        Ok(i) => i,
        Err(e) => return person_page(&st, &p, person.id, form, Errs(e)).await,
    };
    // posts are held in the person's own unit or another unit inside the writer's scope
    if org::get_in_scope(&st.db, &scope, input.org_id).await.is_err() {
        input.org_id = person.org_id;
    }
    let mut tx = st.db.begin().await?;
    people::create_post(&mut tx, &p.actor(), person.id, &input).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/people/{}", person.id)).into_response())
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
    orgs: Vec<(i64, String)>,
    genders: Vec<(&'static str, &'static str)>,
    politicals: Vec<(&'static str, &'static str)>,
    ranks: Vec<(&'static str, &'static str)>,
    post_kinds: Vec<(&'static str, &'static str)>,
}

async fn form_page(st: &AppState, p: &Principal, editing: Option<(i64, Option<String>)>, form: PersonForm, errors: Errs, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let orgs = scope_org_options(&st.db, &scope).await?;
    let (heading, action, cancel, id_placeholder) = match &editing {
        Some((id, masked)) => ("编辑人员".to_string(), format!("/people/{id}"), format!("/people/{id}"), masked.clone().unwrap_or_default()),
        None => ("新增人员".to_string(), "/people".to_string(), "/people".to_string(), String::new()),
    };
    let failed = !errors.0.is_empty() || message.is_some();
    render_status(&PersonFormPage {
        l: Layout::new(st, p, &heading, "/people"),
        heading,
        action,
        cancel,
        editing: editing.is_some(),
        form,
        errors,
        message,
        id_placeholder,
        orgs,
        genders: options(Gender::ALL, Gender::code, Gender::label),
        politicals: options(PoliticalStatus::ALL, PoliticalStatus::code, PoliticalStatus::label),
        ranks: options(Rank::ALL, Rank::code, Rank::label),
        post_kinds: options(PostKind::ALL, PostKind::code, PostKind::label),
    }, failed)
}

pub async fn new_form(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let form = PersonForm { org_id: p.user.org_id.map(|v| v.to_string()).unwrap_or_default(), sort_order: "0".into(), ..PersonForm::default() };
    form_page(&st, &p, None, form, Errs::default(), None).await
}

pub async fn create(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<PersonForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let (input, post) = match form.validate() {
        Ok(v) => v,
        Err(e) => return form_page(&st, &p, None, form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    let mut tx = st.db.begin().await?;
    let posts: Vec<_> = post.into_iter().collect();
    match people::create(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, &input, &posts).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/people/{id}")).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid { message, fields } => form_page(&st, &p, None, form, Errs(fields), Some(message)).await,
            other => Err(other),
        },
    }
}

pub async fn edit_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
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

/// The validated edit, keeping the stored ID number when the field was left blank.
pub async fn edit_input(st: &AppState, id: i64, form: &PersonForm) -> Result<lianzheng_store::people::PersonInput, crate::forms::FieldErrors> {
    let (mut input, _) = form.validate()?;
    if form.id_number.trim().is_empty()
        && let Ok(Some(enc)) = people::id_number_enc(&st.db, id).await
        && let Ok(plain) = decrypt_str(st.crypto.as_ref(), &enc)
    {
        input.id_number = IdCardNumber::parse(&plain).ok();
    }
    Ok(input)
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<PersonForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let editing = Some((person.id, person.id_number_masked.clone()));
    let input = match edit_input(&st, person.id, &form).await {
        Ok(i) => i,
        Err(e) => return form_page(&st, &p, editing, form, Errs(e), Some("请修改标红的项目".into())).await,
    };
    let version = form.version.parse().unwrap_or(person.version);
    let mut tx = st.db.begin().await?;
    match people::update(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, person.id, version, &input).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/people/{}", person.id)).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid { message, fields } => form_page(&st, &p, editing, form, Errs(fields), Some(message)).await,
            AppError::Conflict(m) => form_page(&st, &p, editing, form, Errs::default(), Some(m)).await,
            other => Err(other),
        },
    }
}

pub async fn export(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewPeople)?;
    let f = q.filter(&st, &scope).await?;
    let (rows, _) = people::list(&st.db, &scope, &f, 0, 1000).await?;
    let mut all = rows;
    let mut offset = all.len() as i64;
    while offset > 0 && offset % 1000 == 0 && offset < 200_000 {
        let (more, _) = people::list(&st.db, &scope, &f, offset, 1000).await?;
        if more.is_empty() {
            break;
        }
        offset += more.len() as i64;
        all.extend(more);
    }
    p.log_read(&st, "person.export", "person", None, serde_json::json!({"rows": all.len()})).await?;
    Ok(xlsx_io::download(xlsx_io::people_xlsx(&all)?, "人员信息.xlsx"))
}

pub async fn template(p: Principal) -> AppResult<Response> {
    p.require(Permission::ManagePeople)?;
    Ok(xlsx_io::download(xlsx_io::people_template()?, "人员导入模板.xlsx"))
}

pub async fn import_page(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ManagePeople)?;
    render(&ImportPage { l: Layout::new(&st, &p, "导入人员", "/people"), heading: "导入人员".into(), action: "/people/import".into(), template_href: "/people/import/template.xlsx".into(), info: None, errors: vec![] })
}

pub async fn import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    let scope = p.require(Permission::ManagePeople)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    let (info, errors) = match xlsx_io::import_people(&st, &p, &scope, &bytes).await? {
        Ok(n) => (Some(format!("已导入 {n} 人")), vec![]),
        Err(errs) => (None, errs),
    };
    let failed = !errors.is_empty();
    render_status(&ImportPage { l: Layout::new(&st, &p, "导入人员", "/people"), heading: "导入人员".into(), action: "/people/import".into(), template_href: "/people/import/template.xlsx".into(), info, errors }, failed)
}
