//! API operations of 履责 — 廉政约谈: JSON → `app::conduct::talks` → JSON, the same use cases as the pages.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::talks::{self as uc, FlagQuery, TalkForm, TalkQuery};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/conduct/talks",
        summary: "廉政约谈列表（按角色可见：纪委、党务、书记、检查组可见范围内全部，班子成员和一般干部只见本人参与的；year, kind=individual|collective, occasion=pre_appointment|holiday|routine|problem, org=单位, person=人员, unconfirmed=1）",
        tag: "履责·廉政约谈",
        route: || get(list),
    },
    Op {
        method: "post",
        path: "/conduct/talks",
        summary: "记录廉政约谈（talker_id=约谈人, interviewees=[被约谈人], kind, occasion, tags=[integrity|work|problem], talk_date 默认今天, place, content, follow_up）；约谈属于约谈人所在单位",
        tag: "履责·廉政约谈",
        route: || post(create),
    },
    Op { method: "get", path: "/conduct/talks/{id}", summary: "约谈记录详情、被约谈人的确认情况，以及可做的操作", tag: "履责·廉政约谈", route: || get(show) },
    Op { method: "put", path: "/conduct/talks/{id}", summary: "修改约谈记录（需 version；有被约谈人确认后锁定，409）", tag: "履责·廉政约谈", route: || put(update) },
    Op { method: "delete", path: "/conduct/talks/{id}", summary: "删除约谈记录（有被约谈人确认后不能删除，409）", tag: "履责·廉政约谈", route: || delete(remove) },
    Op { method: "post", path: "/conduct/talks/{id}/confirm", summary: "被约谈人本人确认约谈记录（他人 403）；记录确认时间", tag: "履责·廉政约谈", route: || post(confirm) },
    Op {
        method: "post",
        path: "/conduct/talks/{id}/scan",
        summary: "上传某被约谈人签字的约谈记录扫描件（multipart：file=PDF、jpg、png，interviewee=被约谈人，仅一人待确认时可省略），视为该人已确认",
        tag: "履责·廉政约谈",
        route: || post(scan),
    },
    Op {
        method: "get",
        path: "/conduct/talk-flags",
        summary: "约谈检查：按规则计算的问题提示及原因（year, kind=unconfirmed|collective|no_individual|no_integrity|no_pre_talk, org=单位）",
        tag: "履责·廉政约谈",
        route: || get(flags),
    },
];

fn talk_json(v: &uc::TalkView) -> Value {
    json!({"talk": v.talk, "can_edit": v.can_edit, "can_confirm": v.can_confirm, "can_scan": v.can_scan, "flags": v.flags})
}

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<TalkQuery>) -> AppResult<Json<Value>> {
    let (year, items) = uc::list(&st, &p, &q).await?;
    Ok(Json(json!({"year": year, "items": items})))
}

async fn create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<TalkForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let t = uc::create(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(talk_json(&uc::show(&st, &p, t.id).await?))))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(talk_json(&uc::show(&st, &p, parse_id(&id)?).await?)))
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<TalkForm>) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    uc::update(&st, &p, id, &f).await?;
    Ok(Json(talk_json(&uc::show(&st, &p, id).await?)))
}

async fn remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    uc::delete(&st, &p, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn confirm(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    uc::confirm(&st, &p, id).await?;
    Ok(Json(talk_json(&uc::show(&st, &p, id).await?)))
}

async fn scan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    let (file, person) = crate::forms::file_and_text(multipart, st.policy.upload_max_bytes, "interviewee").await.map_err(|m| AppError::field("file", m))?;
    let file = file.ok_or_else(|| AppError::field("file", "请选择签字扫描件"))?;
    uc::scan(&st, &p, id, &person, file).await?;
    Ok(Json(talk_json(&uc::show(&st, &p, id).await?)))
}

async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<FlagQuery>) -> AppResult<Json<Value>> {
    let l = uc::flags(&st, &p, &q).await?;
    let counts: Vec<Value> = l.counts.iter().map(|(k, label, n)| json!({"kind": k, "label": label, "count": n})).collect();
    Ok(Json(json!({"year": l.year, "confirm_days": l.confirm_days, "counts": counts, "items": l.flags})))
}
