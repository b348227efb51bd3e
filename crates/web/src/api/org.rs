//! API of organisations, people and posts: JSON in, a use case of `app::org`, JSON out.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Op;
use crate::app::org::{self as uc, PER_PAGE, PeopleQuery, Person};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, OrgForm, PersonForm, PostForm, Q, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/orgs", summary: "组织列表（范围内；parent=下级，q=按名称查找）", tag: "组织机构", route: || get(orgs_list) },
    Op { method: "post", path: "/orgs", summary: "新增组织（系统管理员）", tag: "组织机构", route: || post(orgs_create) },
    Op { method: "get", path: "/orgs/{id}", summary: "组织详情", tag: "组织机构", route: || get(orgs_get) },
    Op {
        method: "put",
        path: "/orgs/{id}",
        summary: "修改组织（系统管理员；须带读取时的 version）；给出另一 parent_id 即机构调整：连同下级组织、人员与业务数据移到新上级之下",
        tag: "组织机构",
        route: || put(orgs_update),
    },
    Op { method: "get", path: "/people", summary: "人员列表（范围内，分页；q=姓名/拼音首字母/身份证号）", tag: "人员", route: || get(people_list) },
    Op { method: "post", path: "/people", summary: "新增人员", tag: "人员", route: || post(people_create) },
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
    let pages = ((list.total + PER_PAGE - 1) / PER_PAGE).max(1);
    Ok(Json(PeoplePage { items: &list.rows, total: list.total, page: list.page.clamp(1, pages), pages }).into_response())
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
