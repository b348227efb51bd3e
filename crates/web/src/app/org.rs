//! 组织与人员: the organisation tree (机构调整 included), people and the posts they hold, and
//! their XLSX templates, imports and exports. Every id that arrives from a request — a parent,
//! a person's or post's unit, a list filter, a unit code in an imported row — is resolved
//! within the caller's scope; outside it is "not found" (or an empty list), never data.

pub mod xlsx;

pub use lianzheng_store::schema::ORG_TABLES as TABLES;
use std::sync::Arc;

use lianzheng_core::crypto::decrypt_str;
use lianzheng_core::idcard::IdCardNumber;
use lianzheng_core::ids::*;
use lianzheng_core::org::{Permission, Scope};
use lianzheng_store::{attachments, org, people};
use serde::{Deserialize, Serialize};

pub use lianzheng_store::attachments::Attachment;
pub use lianzheng_store::org::{Org, OrgInput};
pub use lianzheng_store::people::{Person, PersonInput, Post, PostInput};

use crate::app::files::{self, Saved, Upload};
use crate::app::paging::{self, Paging};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, OrgForm, PersonForm, PostForm, into_error};
use crate::state::AppState;

/// Rows of the people list per page.
pub const PER_PAGE: i64 = 50;

/// Searches by name return at most this many organisations.
const ORG_SEARCH_LIMIT: i64 = 200;
/// Select lists and exports read at most this many organisations.
const UNITS_LIMIT: i64 = 5000;
const EXPORT_LIMIT: i64 = 100_000;

const SHORT_NAME_MAX: usize = 50;
const POST_TITLE_MAX: usize = 50;
const DUTY_AREAS_MAX: usize = 200;

/// A missing version on an update would silently overwrite whatever another person saved since.
const VERSION_MISSING: &str = "请提供版本号 version（来自读取时的数据），以免覆盖他人的修改";

fn version_of(s: &str) -> AppResult<i64> {
    s.trim().parse::<i64>().map_err(|_| AppError::Conflict(VERSION_MISSING.into()))
}

/// Adds the length limits the form checks leave open (free text the tables keep as TEXT), so
/// pages, the API and imports refuse the same input.
fn with_limits<T>(checked: Result<T, FieldErrors>, limits: &[(&str, &str, &str, usize)]) -> Result<T, FieldErrors> {
    let mut extra = FieldErrors::new();
    for (field, label, value, max) in limits {
        if value.trim().chars().count() > *max {
            extra.insert((*field).to_string(), format!("{label}不能超过{max}个字"));
        }
    }
    match checked {
        Ok(v) if extra.is_empty() => Ok(v),
        Ok(_) => Err(extra),
        Err(mut e) => {
            for (k, v) in extra {
                e.entry(k).or_insert(v);
            }
            Err(e)
        }
    }
}

/// An organisation as entered, checked (the one rule set of pages, API and import).
pub fn org_input(form: &OrgForm) -> Result<org::OrgInput, FieldErrors> {
    with_limits(form.validate(), &[("short_name", "简称", &form.short_name, SHORT_NAME_MAX)])
}

/// A person (and optional first post) as entered, checked.
pub fn person_input(form: &PersonForm) -> Result<(people::PersonInput, Option<people::PostInput>), FieldErrors> {
    with_limits(form.validate(), &[("post_title", "职务名称", &form.post_title, POST_TITLE_MAX), ("duty_areas", "分管工作", &form.duty_areas, DUTY_AREAS_MAX)])
}

fn post_input(form: &PostForm) -> Result<people::PostInput, FieldErrors> {
    with_limits(form.validate(), &[("title", "职务名称", &form.title, POST_TITLE_MAX), ("duty_areas", "分管工作", &form.duty_areas, DUTY_AREAS_MAX)])
}

// ---------------------------------------------------------------- organisations

/// The top of the tree the caller sees (the scope's subtree roots), each with its child count.
pub async fn roots(st: &AppState, p: &Principal) -> AppResult<Vec<(Org, i64)>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let mut out = Vec::new();
    for o in org::scope_roots(&st.db, &scope).await? {
        let n = org::child_count(&st.db, &scope, o.id).await?;
        out.push((o, n));
    }
    Ok(out)
}

/// The roots each with their children (and the children's child counts): the tree page opens
/// two levels, deeper ones load on demand.
pub async fn tree_top(st: &AppState, p: &Principal) -> AppResult<Vec<(Org, Vec<(Org, i64)>)>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let mut out = Vec::new();
    for o in org::scope_roots(&st.db, &scope).await? {
        let children = org::children(&st.db, &scope, o.id).await?;
        out.push((o, children));
    }
    Ok(out)
}

/// The direct children of an organisation in scope (a subtree's children are in it too).
pub async fn children(st: &AppState, p: &Principal, parent_id: OrgId) -> AppResult<Vec<(Org, i64)>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let parent = org::get_in_scope(&st.db, &scope, parent_id).await?;
    Ok(org::children(&st.db, &scope, parent.id).await?)
}

/// Organisations in scope whose name contains `q`.
pub async fn search_orgs(st: &AppState, p: &Principal, q: &str) -> AppResult<Vec<Org>> {
    let scope = p.require(Permission::ViewOrgs)?;
    if q.trim().is_empty() {
        return Ok(vec![]);
    }
    Ok(org::list_in_scope(&st.db, &scope, Some(q), ORG_SEARCH_LIMIT).await?)
}

/// One organisation in scope.
pub async fn get_org(st: &AppState, p: &Principal, id: OrgId) -> AppResult<Org> {
    let scope = p.require(Permission::ViewOrgs)?;
    Ok(org::get_in_scope(&st.db, &scope, id).await?)
}

/// An organisation's page: its place in the tree, its units, and what the caller may see of
/// its people and files (each by its own permission and scope).
pub struct OrgDetail {
    pub org: Org,
    /// From the top of the caller's scope down to the parent.
    pub ancestors: Vec<Org>,
    pub children: Vec<(Org, i64)>,
    pub people_count: i64,
    /// The caller may list this unit's people.
    pub can_people: bool,
    /// None: no right to see the unit's files.
    pub files: Option<Vec<Attachment>>,
}

pub async fn org_detail(st: &AppState, p: &Principal, id: OrgId) -> AppResult<OrgDetail> {
    let scope = p.require(Permission::ViewOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, id).await?;
    let mut ancestors = org::ancestors(&st.db, &scope, &o).await?;
    ancestors.retain(|a| a.id != o.id);
    let children = org::children(&st.db, &scope, o.id).await?;
    let people_scope = p.require(Permission::ViewPeople).ok().filter(|s| s.contains(&o.path));
    let people_count = match &people_scope {
        Some(ps) => people::count_in_scope(&st.db, &ps.within(&o.path)).await?,
        None => 0,
    };
    let files = match p.require(Permission::UploadAttachments) {
        Ok(fs) if fs.contains(&o.path) => Some(attachments::list_in_scope(&st.db, &fs, "org", Some(o.id.get())).await?),
        _ => None,
    };
    Ok(OrgDetail { org: o, ancestors, children, people_count, can_people: people_scope.is_some(), files })
}

/// 单位资料: a file filed under a unit the caller may upload to.
pub async fn upload_org_file(st: &AppState, p: &Principal, org_id: OrgId, file: Upload) -> AppResult<Saved> {
    let scope = p.require(Permission::UploadAttachments)?;
    let o = org::get_in_scope(&st.db, &scope, org_id).await?;
    files::upload(st, p, o.id, files::Owner::Org, file).await
}

/// An organisation the caller may edit, as stored (for the edit form).
pub async fn org_to_edit(st: &AppState, p: &Principal, id: OrgId) -> AppResult<Org> {
    let scope = p.require(Permission::ManageOrgs)?;
    Ok(org::get_in_scope(&st.db, &scope, id).await?)
}

/// The parents an organisation may be created under or moved to: the caller's scope, without
/// the moving organisation and its own units (nothing moves below itself).
pub async fn parent_options(st: &AppState, p: &Principal, moving: Option<OrgId>) -> AppResult<Vec<Org>> {
    let scope = p.require(Permission::ManageOrgs)?;
    let moving = match moving {
        Some(id) => Some(org::get_in_scope(&st.db, &scope, id).await?.path),
        None => None,
    };
    let all = org::list_in_scope(&st.db, &scope, None, UNITS_LIMIT).await?;
    Ok(all.into_iter().filter(|o| moving.as_ref().is_none_or(|m| !o.path.starts_with(m.as_str()))).collect())
}

/// The units inside the caller's scope for `perm` (select lists of units), in tree order.
pub async fn units(st: &AppState, p: &Principal, perm: Permission) -> AppResult<Vec<Org>> {
    let scope = p.require(perm)?;
    Ok(org::list_in_scope(&st.db, &scope, None, UNITS_LIMIT).await?)
}

/// What the 工作台 shows of the caller's place: the unit, the scope's roots, counts in scope.
pub struct Whereabouts {
    pub unit_name: String,
    pub scope_names: Vec<String>,
    pub stats: Vec<(&'static str, i64)>,
}

pub async fn whereabouts(st: &AppState, p: &Principal) -> AppResult<Whereabouts> {
    let unit_name = match p.user.org_id {
        Some(id) => org::get(&st.db, id).await?.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let mut stats = Vec::new();
    let mut scope_names = Vec::new();
    if let Ok(scope) = p.require(Permission::ViewPeople) {
        for o in org::scope_roots(&st.db, &scope).await? {
            scope_names.push(format!("{}及下级", o.name));
        }
        stats.push(("范围内组织", org::count_in_scope(&st.db, &scope).await?));
        stats.push(("范围内人员", people::count_in_scope(&st.db, &scope).await?));
    } else if p.is_admin() {
        scope_names.push("系统管理（不含业务数据）".to_string());
    }
    Ok(Whereabouts { unit_name, scope_names, stats })
}

/// A parent named in a request must lie inside the writer's scope; a top-level organisation
/// only for a writer over the whole tree.
async fn check_parent(st: &AppState, scope: &Scope, parent_id: Option<OrgId>) -> AppResult<()> {
    match parent_id {
        Some(pid) => match org::get_in_scope(&st.db, scope, pid).await {
            Ok(_) => Ok(()),
            Err(_) => Err(AppError::field("parent_id", "上级组织不存在或不在您的管理范围内")),
        },
        None if scope.is_all() => Ok(()),
        None => Err(AppError::field("parent_id", "请选择您管理范围内的上级组织")),
    }
}

/// 新增组织.
pub async fn create_org(st: &AppState, p: &Principal, form: &OrgForm) -> AppResult<Org> {
    let scope = p.require(Permission::ManageOrgs)?;
    let input = org_input(form).map_err(into_error)?;
    check_parent(st, &scope, input.parent_id).await?;
    let mut tx = st.db.begin().await?;
    let o = org::create(&mut tx, &p.actor(), &input).await?;
    tx.commit().await?;
    Ok(o)
}

/// 修改组织. A parent other than the current one is 机构调整: the unit moves with everything
/// under it. An empty `parent_id` keeps the current parent. `version` is required.
pub async fn update_org(st: &AppState, p: &Principal, id: OrgId, form: &OrgForm) -> AppResult<Org> {
    let scope = p.require(Permission::ManageOrgs)?;
    let o = org::get_in_scope(&st.db, &scope, id).await?;
    let mut input = org_input(form).map_err(into_error)?;
    if form.parent_id.trim().is_empty() {
        input.parent_id = o.parent_id;
    }
    if input.parent_id != o.parent_id {
        check_parent(st, &scope, input.parent_id).await?;
    }
    let version = version_of(&form.version)?;
    let mut tx = st.db.begin().await?;
    org::update(&mut tx, &p.actor(), o.id, version, &input).await?;
    tx.commit().await?;
    Ok(org::get_in_scope(&st.db, &scope, o.id).await?)
}

// ---------------------------------------------------------------- people

/// Filters of the people list, as the page's query string and the API send them.
#[derive(Deserialize, Serialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PeopleQuery {
    /// Name, pinyin initials, full pinyin, or an ID number (exact).
    pub q: String,
    /// Only this unit and below; a unit outside the scope matches nothing.
    pub org: String,
    pub post: String,
    pub political: String,
    pub rank: String,
    /// page, size (20/50/100) and sort (a key of `people::SORTS`, `-` for descending)
    #[serde(flatten)]
    pub paging: Paging,
}

/// The people list's sortable columns: (key, label).
pub const PEOPLE_SORTS: &[(&str, &str)] = &[("name", "姓名"), ("org", "单位"), ("gender", "性别"), ("political", "政治面貌"), ("rank", "职级"), ("birth", "出生日期")];

impl PeopleQuery {
    /// The query string without the page (for page links), ending in `&` or empty.
    pub fn base(&self) -> String {
        let pairs: Vec<(&str, &str)> =
            [("q", self.q.as_str()), ("org", self.org.as_str()), ("post", self.post.as_str()), ("political", self.political.as_str()), ("rank", self.rank.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let s = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if s.is_empty() { s } else { format!("{s}&") }
    }

    /// The filter within the scope; an `org` outside it becomes a path nothing lies under.
    async fn filter(&self, st: &AppState, scope: &Scope) -> AppResult<people::PeopleFilter> {
        let org_path = match self.org.trim().parse::<i64>().map(OrgId::new) {
            Ok(id) => Some(match org::get_in_scope(&st.db, scope, id).await {
                Ok(o) => o.path,
                Err(_) => "/none/".to_string(),
            }),
            Err(_) => None,
        };
        let sort = self.paging.sort();
        let sort = if people::SORTS.iter().any(|(k, _)| *k == sort.key) { sort } else { Default::default() };
        Ok(people::PeopleFilter { q: Some(self.q.clone()), org_path, political_status: Some(self.political.clone()), rank: Some(self.rank.clone()), post_kind: Some(self.post.clone()), sort })
    }
}

/// One page of the people list.
pub struct PeopleList {
    pub rows: Arc<Vec<Person>>,
    /// 1-based, clamped to the last page.
    pub page: i64,
    /// rows per page
    pub size: i64,
    pub total: i64,
}

/// A page of the people the caller may see, or the single person whose ID number was typed into
/// the search box. Pages come from the node's short-lived cache (`cache.rs`); ID-number searches
/// are never cached.
pub async fn list_people(st: &AppState, p: &Principal, q: &PeopleQuery) -> AppResult<PeopleList> {
    let scope = p.require(Permission::ViewPeople)?;
    if let Ok(id) = IdCardNumber::parse(&q.q) {
        let found = people::find_by_id_number(&st.db, &scope, st.crypto.as_ref(), &id).await?;
        p.log_read(st, "person.id_lookup", "person", found.as_ref().map(|f| f.id.to_string()), serde_json::json!({"found": found.is_some()})).await?;
        let total = i64::from(found.is_some());
        return Ok(PeopleList { rows: Arc::new(found.into_iter().collect()), page: 1, size: PER_PAGE, total });
    }
    let f = q.filter(st, &scope).await?;
    let size = q.paging.size(PER_PAGE);
    let load = |page: i64| {
        let key = format!("{scope:?}|{f:?}|{page}|{size}");
        let (scope, f) = (&scope, &f);
        st.caches.people_pages.get_or_load(key, move || async move { people::list(&st.db, scope, f, (page - 1) * size, size).await.map(|(rows, total)| (Arc::new(rows), total)) })
    };
    let asked = q.paging.page();
    let (mut rows, total) = load(asked).await?;
    // a page past the end is the last page
    let page = paging::clamp(asked, size, total);
    if page != asked {
        rows = load(page).await?.0;
    }
    Ok(PeopleList { rows, page, size, total })
}

/// A person and the posts held.
pub struct PersonDetail {
    pub person: Person,
    pub posts: Vec<Post>,
    /// The caller may edit this person and add posts.
    pub can_manage: bool,
}

pub async fn get_person(st: &AppState, p: &Principal, id: PersonId) -> AppResult<PersonDetail> {
    let scope = p.require(Permission::ViewPeople)?;
    let person = people::get_in_scope(&st.db, &scope, id).await?;
    let posts = people::posts_of(&st.db, &scope, person.id).await?;
    let can_manage = p.require(Permission::ManagePeople).map(|s| s.contains(&person.org_path)).unwrap_or(false);
    Ok(PersonDetail { person, posts, can_manage })
}

/// A person the caller may edit, as stored (for the edit form).
pub async fn person_to_edit(st: &AppState, p: &Principal, id: PersonId) -> AppResult<Person> {
    let scope = p.require(Permission::ManagePeople)?;
    Ok(people::get_in_scope(&st.db, &scope, id).await?)
}

/// 新增人员, with an optional first post in the same unit. The unit must lie in the scope.
pub async fn create_person(st: &AppState, p: &Principal, form: &PersonForm) -> AppResult<Person> {
    let scope = p.require(Permission::ManagePeople)?;
    let (input, post) = person_input(form).map_err(into_error)?;
    org::get_in_scope(&st.db, &scope, input.org_id).await.map_err(|_| AppError::field("org_id", "所属单位不存在或不在您的管理范围内"))?;
    let posts: Vec<_> = post.into_iter().collect();
    let mut tx = st.db.begin().await?;
    let id = people::create(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, &input, &posts).await?;
    tx.commit().await?;
    Ok(people::get_in_scope(&st.db, &scope, id).await?)
}

/// 修改人员. A blank ID number keeps the stored one; the new unit must lie in the scope;
/// `version` is required.
pub async fn update_person(st: &AppState, p: &Principal, id: PersonId, form: &PersonForm) -> AppResult<Person> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, id).await?;
    let (mut input, _) = person_input(form).map_err(into_error)?;
    if form.id_number.trim().is_empty()
        && let Some(enc) = people::id_number_enc(&st.db, &scope, person.id).await?
    {
        // never drop a stored number silently: if it cannot be read, it must be typed again
        let plain = decrypt_str(st.crypto.as_ref(), &enc).map_err(|_| AppError::field("id_number", "原身份证号无法读取，请重新填写"))?;
        input.id_number = IdCardNumber::parse(&plain).ok();
    }
    if input.org_id != person.org_id {
        org::get_in_scope(&st.db, &scope, input.org_id).await.map_err(|_| AppError::field("org_id", "所属单位不存在或不在您的管理范围内"))?;
    }
    let version = version_of(&form.version)?;
    let mut tx = st.db.begin().await?;
    people::update(&mut tx, &p.actor(), st.crypto.as_ref(), &scope, person.id, version, &input).await?;
    tx.commit().await?;
    Ok(people::get_in_scope(&st.db, &scope, person.id).await?)
}

/// 添加任职: the post's unit must lie in the writer's scope. Returns the person's posts.
pub async fn add_post(st: &AppState, p: &Principal, person_id: PersonId, form: &PostForm) -> AppResult<Vec<Post>> {
    let scope = p.require(Permission::ManagePeople)?;
    let person = people::get_in_scope(&st.db, &scope, person_id).await?;
    let input = post_input(form).map_err(into_error)?;
    org::get_in_scope(&st.db, &scope, input.org_id).await.map_err(|_| AppError::field("org_id", "任职单位不存在或不在您的管理范围内"))?;
    let mut tx = st.db.begin().await?;
    people::create_post(&mut tx, &p.actor(), person.id, &input).await?;
    tx.commit().await?;
    Ok(people::posts_of(&st.db, &scope, person.id).await?)
}

/// A list's unit filter (`org`: a unit's id, as the self-check's figures link it) as a path to
/// narrow the rows to that unit and below: `None` without a filter; an unknown or malformed id
/// narrows to nothing. The list's own scope still applies, so another unit's id shows nothing.
pub async fn filter_path(st: &AppState, org: &str) -> AppResult<Option<String>> {
    Ok(match org.trim() {
        "" => None,
        s => Some(match s.parse::<OrgId>() {
            Ok(id) => org::get(&st.db, id).await?.map(|o| o.path).unwrap_or_else(|| "/none/".into()),
            Err(_) => "/none/".into(),
        }),
    })
}

#[cfg(test)]
mod tests {
    /// The area's pages and API reach the database only through this module, and not each other.
    #[test]
    fn pages_and_api_of_the_area_stay_thin() {
        let pages = [include_str!("../pages/orgs.rs"), include_str!("../pages/people.rs")];
        let api = include_str!("../api/org.rs");
        for src in pages.iter().chain([&api]) {
            assert!(!src.contains("lianzheng_store") && !src.contains("st.db"), "store access outside app::org");
            assert!(!src.contains("pages_api_shared"));
        }
        assert!(pages.iter().all(|s| !s.contains("crate::api")), "a page imports the API");
        assert!(!api.contains("crate::pages"), "the API imports a page");
    }
}
