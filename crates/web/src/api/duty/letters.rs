//! API operations of 定责 — 责任书 and 雷同检查: JSON → `app::duty::letters` → JSON.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::duty::letters as uc;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiJson, Q, file_field, lenient, parse_id};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op {
        method: "get", path: "/duty/letters", summary: "责任书列表（范围内、按角色可见；year, status, flagged=1, sort=signer|org|title|status，前加 - 为倒序）", tag: "定责", route: || get(list)
    },
    Op { method: "get", path: "/duty/letter-templates", summary: "责任书模板列表（year，默认今年；本人可维护的单位）", tag: "定责", route: || get(templates) },
    Op { method: "post", path: "/duty/letter-templates", summary: "新建责任书模板（year, org_id=发出单位, kind, title, body；正文须含 {责任内容}）", tag: "定责", route: || post(create_template) },
    Op { method: "get", path: "/duty/letter-templates/{id}", summary: "责任书模板详情（letter_count=已生成份数，disabled=已停用）", tag: "定责", route: || get(template) },
    Op {
        method: "put", path: "/duty/letter-templates/{id}", summary: "修改责任书模板（title, body；正文须含 {责任内容}）；已按模板生成责任书后不能修改（409），可停用", tag: "定责", route: || put(update_template)
    },
    Op {
        method: "post", path: "/duty/letter-templates/{id}/disable", summary: "停用责任书模板：不能再生成责任书，已生成的不变（仅已生成过的模板）", tag: "定责", route: || post(disable_template)
    },
    Op { method: "post", path: "/duty/letter-templates/{id}/enable", summary: "重新启用已停用的责任书模板", tag: "定责", route: || post(enable_template) },
    Op {
        method: "get", path: "/duty/letter-templates/{id}/preview", summary: "生成预览：将生成的责任书（单位、签订人、依据的已备案清单）、不生成的及原因、一份样稿", tag: "定责", route: || get(preview)
    },
    Op {
        method: "post", path: "/duty/letter-templates/{id}/generate", summary: "按签订人本人已备案清单生成责任书并检查雷同（返回未生成的及原因）", tag: "定责", route: || post(generate)
    },
    Op { method: "get", path: "/duty/letters/{id}", summary: "责任书详情及雷同提示（提示仅纪委与单位党务工作人员可见）", tag: "定责", route: || get(show) },
    Op { method: "put", path: "/duty/letters/{id}", summary: "修改责任书正文（发出单位的工作人员；需 version），保存时检查雷同", tag: "定责", route: || put(update) },
    Op { method: "get", path: "/duty/letters/{id}/document", summary: "下载责任书（Word，含双方签字栏；成文日期为印发日期）", tag: "定责", route: || get(document) },
    Op {
        method: "post",
        path: "/duty/letters/{id}/sign",
        summary: "签订人本人在系统内确认签订（个人责任书为本人，单位责任书为该单位书记）；有未核的雷同/照抄提示时须 confirm_flag=true，否则 409",
        tag: "定责",
        route: || post(sign),
    },
    Op { method: "post", path: "/duty/letters/{id}/scan", summary: "上传签字扫描件完成签订（multipart：file，PDF、OFD 或 jpg、png）", tag: "定责", route: || post(scan) },
    Op { method: "get", path: "/duty/letter-flags", summary: "雷同与不符提示（year, kind, status, sort=kind|letter|score|status，前加 - 为倒序）", tag: "定责", route: || get(flags) },
    Op { method: "post", path: "/duty/letter-flags/recheck", summary: "重新检查本年度全部责任书的雷同（year；须管辖全部签订单位）", tag: "定责", route: || post(recheck) },
    Op { method: "get", path: "/duty/phrases", summary: "职责用语：只适用于部分单位的用语", tag: "定责", route: || get(phrases) },
    Op { method: "post", path: "/duty/phrases", summary: "增加职责用语（phrase, allowed=适用单位名称关键词，逗号分隔, note）", tag: "定责", route: || post(add_phrase) },
    Op { method: "post", path: "/duty/letter-flags/{id}/review", summary: "标记提示为已核（note）", tag: "定责", route: || post(review) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: String,
    /// a unit (its id): its letters and those below it
    org: String,
    status: String,
    flagged: String,
    kind: String,
    confirm_flag: String,
    sort: String,
}

async fn list(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, rows) = uc::list_of(&st, &p, &q.year, &q.status, q.flagged == "1", &q.sort, &q.org).await?;
    Ok(Json(json!({"year": year, "items": rows})))
}

async fn preview(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::preview(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"plan": v.plan, "sample": v.sample})))
}

async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<(StatusCode, Json<Value>)> {
    let (n, _, skipped) = uc::generate(&st, &p, parse_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(json!({"generated": n, "skipped": skipped}))))
}

async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = uc::show(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"letter": v.letter, "flags": v.flags})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BodyIn {
    #[serde(deserialize_with = "lenient")]
    body: String,
    #[serde(deserialize_with = "lenient")]
    version: String,
    #[serde(deserialize_with = "lenient")]
    note: String,
    #[serde(deserialize_with = "lenient")]
    year: String,
    #[serde(deserialize_with = "lenient")]
    phrase: String,
    #[serde(deserialize_with = "lenient")]
    allowed: String,
}

async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    uc::update_body(&st, &p, id, &b.version, &b.body).await?;
    let v = uc::show(&st, &p, id).await?;
    Ok(Json(json!({"letter": v.letter, "flags": v.flags})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignIn {
    confirm_flag: bool,
}

/// `confirm_flag` from the JSON body (which may be empty) or the query string.
async fn sign(State(st): State<AppState>, p: Principal, Path(id): Path<String>, Q(q): Q<ListQuery>, body: Bytes) -> AppResult<Json<Value>> {
    let b: SignIn =
        if body.iter().all(u8::is_ascii_whitespace) { SignIn::default() } else { serde_json::from_slice(&body).map_err(|_| AppError::field("confirm_flag", "请求体须为 JSON，如 {\"confirm_flag\": true}"))? };
    let confirm_flag = b.confirm_flag || matches!(q.confirm_flag.as_str(), "true" | "1");
    Ok(Json(json!({"letter": uc::confirm(&st, &p, parse_id(&id)?, confirm_flag).await?})))
}

async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let (year, items) = uc::flags(&st, &p, &q.year, &q.kind, &q.status, &q.sort).await?;
    Ok(Json(json!({"year": year, "items": items})))
}

async fn review(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"flag": uc::review_flag(&st, &p, parse_id(&id)?, &b.note).await?})))
}

async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<ListQuery>) -> AppResult<Json<Value>> {
    let year = i64::from(crate::app::duty::year_or_current(&q.year));
    Ok(Json(json!({"year": year, "items": uc::templates(&st, &p, year).await?})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TemplateIn {
    #[serde(deserialize_with = "lenient")]
    year: String,
    #[serde(deserialize_with = "lenient")]
    org_id: String,
    #[serde(deserialize_with = "lenient")]
    kind: String,
    #[serde(deserialize_with = "lenient")]
    title: String,
    #[serde(deserialize_with = "lenient")]
    body: String,
}

async fn create_template(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<TemplateIn>) -> AppResult<(StatusCode, Json<Value>)> {
    let kind = if b.kind.trim().is_empty() { "responsibility".to_string() } else { b.kind };
    let (id, year) = uc::create_template(&st, &p, &uc::NewTemplate { year: b.year, org_id: b.org_id, kind, title: b.title, body: b.body }).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "year": year}))))
}

async fn template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::template(&st, &p, parse_id(&id)?).await?})))
}

async fn update_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(b): ApiJson<TemplateIn>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::update_template(&st, &p, parse_id(&id)?, &b.title, &b.body).await?})))
}

async fn disable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::set_template_disabled(&st, &p, parse_id(&id)?, true).await?})))
}

async fn enable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"template": uc::set_template_disabled(&st, &p, parse_id(&id)?, false).await?})))
}

/// The same checks as the page's upload: one `file` part within the size limit, of a kind a
/// signed scan may be (checked by the use case).
async fn scan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Json<Value>> {
    let id = parse_id(&id)?;
    let upload = file_field(multipart, st.policy.upload_max_bytes, "请选择签字扫描件").await.map_err(|m| AppError::field("file", m))?;
    Ok(Json(json!({"letter": uc::sign_with_scan(&st, &p, id, upload).await?})))
}

async fn recheck(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<BodyIn>) -> AppResult<Json<Value>> {
    let (year, n) = uc::recheck(&st, &p, &b.year).await?;
    Ok(Json(json!({"year": year, "flags": n})))
}

async fn phrases(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    let items: Vec<Value> = uc::phrases(&st, &p).await?.into_iter().map(|(id, phrase, allowed, note)| json!({"id": id, "phrase": phrase, "allowed": allowed, "note": note})).collect();
    Ok(Json(json!({"items": items})))
}

async fn add_phrase(State(st): State<AppState>, p: Principal, ApiJson(b): ApiJson<BodyIn>) -> AppResult<(StatusCode, Json<Value>)> {
    uc::add_phrase(&st, &p, &b.phrase, &b.allowed, &b.note).await?;
    let items: Vec<Value> = uc::phrases(&st, &p).await?.into_iter().map(|(id, phrase, allowed, note)| json!({"id": id, "phrase": phrase, "allowed": allowed, "note": note})).collect();
    Ok((StatusCode::CREATED, Json(json!({"items": items}))))
}
