//! API operations of 履责 — 廉政档案: the people list, a person's file (need-to-know, the
//! reading logged), 婚丧喜庆事宜 reports, 个人有关事项 and 处分登记: JSON →
//! `app::conduct::{archive, family_events, matters, sanctions}` → JSON, the pages' use cases.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::archive::{self as uc, ListQuery};
use crate::app::conduct::family_events::{self as fe, AfterForm, ReviewForm};
use crate::app::conduct::{matters, sanctions};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG: &str = "履责·廉政档案";

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/conduct/archive", summary: "可查阅廉政档案的人员及其档案概况（q：姓名或拼音，org：单位，page, size；一般干部仅本人）", tag: TAG, route: || get(list) },
    Op {
        method: "get",
        path: "/conduct/archive/{id}",
        summary: "人员廉政档案：基本情况与各栏目记录，每条记录注明来源（source）和对廉洁意见的影响（bearing：clean/note/punishment/open_matter/flag）；仅纪委、所在单位书记与本人可查阅，查阅记入审计日志",
        tag: TAG,
        route: || get(show),
    },
    Op { method: "get", path: "/conduct/archive/family-events", summary: "婚丧喜庆事宜报告（year, state=flagged/unreviewed, person），每份附超限提示（flags）", tag: TAG, route: || get(family_list) },
    Op {
        method: "post",
        path: "/conduct/archive/family-events",
        summary: "事前报告操办婚丧喜庆事宜（person_id：空为本人，kind=wedding_self/wedding_child/funeral/housewarming/school/other, kind_note, event_date, tables, guests, clients_invited, venue, public_venue, public_funds, cost）",
        tag: TAG,
        route: || post(family_create),
    },
    Op { method: "get", path: "/conduct/archive/family-events/{id}", summary: "婚丧喜庆事宜报告详情（查阅记入审计日志）", tag: TAG, route: || get(family_show) },
    Op {
        method: "post",
        path: "/conduct/archive/family-events/{id}/after",
        summary: "事后报告办理情况（version, tables, guests, clients_attended, gifts=none/relatives/returned/handed_in/clients, gifts_note, cost, note）",
        tag: TAG,
        route: || post(family_after),
    },
    Op { method: "post", path: "/conduct/archive/family-events/{id}/review", summary: "纪委审阅（version, review=read/explain, note：需说明时必填）", tag: TAG, route: || post(family_review) },
    Op {
        method: "post",
        path: "/conduct/archive/matters",
        summary: "报告本人个人有关事项（year, kind=marriage/abroad/children/property/investment/other, happened_on, content）",
        tag: TAG,
        route: || post(matter_create),
    },
    Op {
        method: "post",
        path: "/conduct/archive/sanctions",
        summary: "登记处分或组织处理（纪委；person_id, category=party/government/organizational, kind, probation_years：留党察看 1 或 2, decided_on, body, doc_no, matter）",
        tag: TAG,
        route: || post(sanction_create),
    },
];

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let v = uc::people(&st, &p, &q).await?;
    Ok(Json(json!({"items": v.rows, "total": v.total, "page": v.page, "size": v.size})))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"file": uc::file_of(&st, &p, parse_id(&id)?).await?})))
}

async fn family_list(State(st): State<AppState>, p: Principal, Q(q): Q<fe::ListQuery>) -> AppResult<Json<Value>> {
    let v = fe::list(&st, &p, &q).await?;
    Ok(Json(json!({"year": v.year, "items": v.rows, "limits": v.limits})))
}

async fn family_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<fe::NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let e = fe::create(&st, &p, &f).await?;
    let limits = fe::limits(&st);
    let flags = fe::flags(&e, &limits);
    Ok((StatusCode::CREATED, Json(json!({"event": e, "flags": flags}))))
}

async fn family_show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"event": fe::get(&st, &p, parse_id(&id)?).await?})))
}

async fn family_after(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AfterForm>) -> AppResult<Json<Value>> {
    let e = fe::after(&st, &p, parse_id(&id)?, &f).await?;
    let flags = fe::flags(&e, &fe::limits(&st));
    Ok(Json(json!({"event": e, "flags": flags})))
}

async fn family_review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReviewForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"event": fe::review(&st, &p, parse_id(&id)?, &f).await?})))
}

async fn matter_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<matters::NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"matter": matters::create(&st, &p, &f).await?}))))
}

async fn sanction_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<sanctions::NewForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"sanction": sanctions::create(&st, &p, &f).await?}))))
}
