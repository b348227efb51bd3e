//! API of organisations, people and posts: JSON in, a use case of `app::org`, JSON out.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Op;
use crate::app::org::{self as uc, PeopleQuery, Person, xlsx};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, OrgForm, PersonForm, PostForm, Q, parse_id};
use crate::state::AppState;
use crate::xlsx_io;
use lianzheng_core::org::Permission;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/orgs", summary: "组织列表（范围内；parent=下级，q=按名称查找）", tag: "组织机构", route: || get(orgs_list) },
    Op { method: "post", path: "/orgs", summary: "新增组织（系统管理员）", tag: "组织机构", route: || post(orgs_create) },
    Op { method: "get", path: "/orgs/export.xlsx", summary: "导出范围内的组织（Excel）", tag: "组织机构", route: || get(orgs_export) },
    Op { method: "get", path: "/orgs/import/template.xlsx", summary: "组织导入模板（Excel）", tag: "组织机构", route: || get(orgs_template) },
    Op {
        method: "post", path: "/orgs/import", summary: "从 Excel 导入组织（multipart：file，.xlsx，按导入模板）；有错误行时一行不导入，422 并逐行说明（errors）", tag: "组织机构", route: || post(orgs_import)
    },
    Op { method: "get", path: "/orgs/{id}", summary: "组织详情", tag: "组织机构", route: || get(orgs_get) },
    Op {
        method: "put",
        path: "/orgs/{id}",
        summary: "修改组织（系统管理员；须带读取时的 version）；给出另一 parent_id 即机构调整：连同下级组织、人员与业务数据移到新上级之下",
        tag: "组织机构",
        route: || put(orgs_update),
    },
    Op {
        method: "get",
        path: "/people",
        summary: "人员列表（范围内，分页；q=姓名/拼音首字母/身份证号；page, size=20|50|100, sort=name|org|gender|political|rank|birth，前加 - 为降序）",
        tag: "人员",
        route: || get(people_list),
    },
    Op { method: "post", path: "/people", summary: "新增人员", tag: "人员", route: || post(people_create) },
    Op { method: "get", path: "/people/export.xlsx", summary: "导出范围内的人员（Excel；筛选同人员列表）", tag: "人员", route: || get(people_export) },
    Op { method: "get", path: "/people/import/template.xlsx", summary: "人员导入模板（Excel）", tag: "人员", route: || get(people_template) },
    Op {
        method: "post", path: "/people/import", summary: "从 Excel 导入人员（multipart：file，.xlsx，按导入模板）；有错误行时一行不导入，422 并逐行说明（errors）", tag: "人员", route: || post(people_import)
    },
    Op { method: "get", path: "/people/{id}", summary: "人员详情与任职", tag: "人员", route: || get(people_get) },
    Op { method: "put", path: "/people/{id}", summary: "修改人员（须带读取时的 version）", tag: "人员", route: || put(people_update) },
    Op { method: "post", path: "/people/{id}/posts", summary: "添加任职", tag: "人员", route: || post(posts_create) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct OrgsQuery {
    parent: String,
    q: String,
}

async fn orgs_list(State(st): State<AppState>, p: Principal, Q(q): Q<OrgsQuery>) -> AppResult<Json<Value>> {
    let with_count = |(o, n): (uc::Org, i64)| json!({"org": o, "child_count": n});
    let items: Vec<Value> = if let Ok(pid) = q.parent.parse::<i64>().map(lianzheng_core::ids::OrgId::new) {
        uc::children(&st, &p, pid).await?.into_iter().map(with_count).collect()
    } else if !q.q.trim().is_empty() {
        uc::search_orgs(&st, &p, &q.q).await?.into_iter().map(|o| json!({"org": o})).collect()
    } else {
        uc::roots(&st, &p).await?.into_iter().map(with_count).collect()
    };
    Ok(Json(json!({"items": items})))
}

async fn orgs_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let o = uc::get_org(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"kind_label": o.kind_label(), "org": o})))
}

async fn orgs_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<OrgForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let o = uc::create_org(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"org": o}))))
}

async fn orgs_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<OrgForm>) -> AppResult<Json<Value>> {
    let o = uc::update_org(&st, &p, parse_id(&id)?, &f).await?;
    Ok(Json(json!({"org": o})))
}

#[derive(Serialize)]
struct PeoplePage<'a> {
    items: &'a [Person],
    total: i64,
    page: i64,
    pages: i64,
}

/// Serialised from a struct, not through `serde_json::Value`: this is the busiest list.
async fn people_list(State(st): State<AppState>, p: Principal, Q(q): Q<PeopleQuery>) -> AppResult<Response> {
    let list = uc::list_people(&st, &p, &q).await?;
    let pages = ((list.total + list.size - 1) / list.size).max(1);
    Ok(Json(PeoplePage { items: &list.rows, total: list.total, page: list.page, pages }).into_response())
}

async fn people_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let d = uc::get_person(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"person": d.person, "posts": d.posts})))
}

async fn people_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<PersonForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let person = uc::create_person(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"person": person}))))
}

async fn people_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PersonForm>) -> AppResult<Json<Value>> {
    let person = uc::update_person(&st, &p, parse_id(&id)?, &f).await?;
    Ok(Json(json!({"person": person})))
}

async fn posts_create(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<PostForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let posts = uc::add_post(&st, &p, parse_id(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"posts": posts}))))
}

async fn orgs_export(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::export_orgs(&st, &p).await?, "组织机构.xlsx"))
}

async fn orgs_template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::org_template(&p)?, "组织机构导入模板.xlsx"))
}

/// The same checks as the import page: one `.xlsx` file within the size limit, all or nothing.
async fn orgs_import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    p.require(Permission::ManageOrgs)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    Ok(super::import_answer(xlsx::import_orgs(&st, &p, &bytes).await?))
}

async fn people_export(State(st): State<AppState>, p: Principal, Q(q): Q<PeopleQuery>) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::export_people(&st, &p, &q).await?, "人员信息.xlsx"))
}

async fn people_template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(xlsx::people_template(&p)?, "人员导入模板.xlsx"))
}

async fn people_import(State(st): State<AppState>, p: Principal, multipart: Multipart) -> AppResult<Response> {
    p.require(Permission::ManagePeople)?;
    let bytes = xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    Ok(super::import_answer(xlsx::import_people(&st, &p, &bytes).await?))
}
