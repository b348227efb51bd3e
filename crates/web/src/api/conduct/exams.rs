//! API operations of 履责 — 廉政教育 and 廉政考试: education activities, the question bank (with
//! its XLSX import), papers, attempts (start, answer, submit) and results: JSON →
//! `app::conduct::{education, exams}` → JSON, the same use cases as the pages.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::conduct::education::{self as edu, EducationForm};
use crate::app::conduct::exams::{self as uc, AnswerForm, PaperForm, QuestionForm};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, parse_id};
use crate::state::AppState;

const TAG_EDU: &str = "履责·廉政教育";
const TAG: &str = "履责·廉政考试";

pub const OPS: &[Op] = &[
    Op { method: "get", path: "/conduct/education", summary: "廉政教育活动列表（year=年度，默认今年；范围内的单位）", tag: TAG_EDU, route: || get(education_list) },
    Op {
        method: "post",
        path: "/conduct/education",
        summary: "登记廉政教育活动（org_id 本单位, kind=warning/party_lecture/visit/other, held_on, title, place, content, attendees[] 本单位人员）",
        tag: TAG_EDU,
        route: || post(education_create),
    },
    Op { method: "get", path: "/conduct/education/{id}", summary: "廉政教育活动详情与参加人员", tag: TAG_EDU, route: || get(education_get) },
    Op { method: "put", path: "/conduct/education/{id}", summary: "修改廉政教育活动（本单位；需 version；上级单位只读）", tag: TAG_EDU, route: || put(education_update) },
    Op { method: "get", path: "/conduct/exams/questions", summary: "题库：本单位及上级单位的试题（含答案，仅题库管理人员）", tag: TAG, route: || get(questions_list) },
    Op {
        method: "post", path: "/conduct/exams/questions", summary: "添加试题（org_id 题库单位, kind=single/multiple/judge/fill, stem, options[], answer, tags[], points）", tag: TAG, route: || post(questions_create)
    },
    Op { method: "get", path: "/conduct/exams/questions/template.xlsx", summary: "试题导入模板（Excel）", tag: TAG, route: || get(questions_template) },
    Op {
        method: "post",
        path: "/conduct/exams/banks/{id}/import",
        summary: "向单位（路径中的组织编号）题库导入试题（multipart：file，.xlsx，按导入模板）；有错误行时一行不导入，422 并逐行逐列说明（errors）",
        tag: TAG,
        route: || post(questions_import),
    },
    Op { method: "get", path: "/conduct/exams/papers", summary: "考试（试卷）列表：本单位及上级单位组织的考试", tag: TAG, route: || get(papers_list) },
    Op {
        method: "post",
        path: "/conduct/exams/papers",
        summary: "新建考试（org_id, title, kind=regular/pre_appointment, minutes, opens_on, closes_on, rules=[{kind, tag, count, points}], pass_mark, attempts_allowed, units[], people[]）",
        tag: TAG,
        route: || post(papers_create),
    },
    Op { method: "get", path: "/conduct/exams/papers/{id}", summary: "考试详情：组卷规则、参考单位与人员", tag: TAG, route: || get(papers_get) },
    Op {
        method: "get", path: "/conduct/exams/papers/{id}/results", summary: "考试成绩：范围内每人的次数、最高分、是否合格，及各单位应考、已考、合格率、平均分", tag: TAG, route: || get(results)
    },
    Op { method: "get", path: "/conduct/exams/papers/{id}/results.xlsx", summary: "导出考试成绩（Excel：个人成绩、单位统计）", tag: TAG, route: || get(results_export) },
    Op { method: "get", path: "/conduct/exams/mine", summary: "我的考试：账号所关联人员待参加的考试及本人的答卷", tag: TAG, route: || get(mine) },
    Op {
        method: "post", path: "/conduct/exams/papers/{id}/attempts", summary: "开始答卷（本人为参考人员、考试开放中、还有可考次数；进行中的答卷直接返回）", tag: TAG, route: || post(attempt_start)
    },
    Op {
        method: "get", path: "/conduct/exams/attempts/{id}", summary: "答卷：抽到的试题与已保存的答案（交卷前不含标准答案；超时的答卷此时自动交卷）", tag: TAG, route: || get(attempt_get)
    },
    Op {
        method: "put", path: "/conduct/exams/attempts/{id}/answers", summary: "保存一题的答案（question_id, answer；可重复提交，以最后一次为准；超过时限后拒绝）", tag: TAG, route: || put(attempt_answer)
    },
    Op { method: "post", path: "/conduct/exams/attempts/{id}/submit", summary: "交卷：立即评分，返回得分、是否合格及标准答案", tag: TAG, route: || post(attempt_submit) },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
    /// 廉政教育: a unit (its id), its activities and those below it
    org: String,
}

async fn education_list(State(st): State<AppState>, p: Principal, Q(q): Q<YearQuery>) -> AppResult<Json<Value>> {
    let (year, items) = edu::list_of(&st, &p, &q.year, &q.org).await?;
    Ok(Json(json!({"items": items, "year": year})))
}

async fn education_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<EducationForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = edu::create(&st, &p, &f).await?;
    let d = edu::get(&st, &p, id).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "activity": d.activity, "attendees": d.attendees}))))
}

async fn education_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let d = edu::get(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"activity": d.activity, "kind_label": d.activity.kind_label(), "attendees": d.attendees, "can_edit": d.can_edit})))
}

async fn education_update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<EducationForm>) -> AppResult<Json<Value>> {
    let id = edu::update(&st, &p, parse_id(&id)?, &f).await?;
    let d = edu::get(&st, &p, id).await?;
    Ok(Json(json!({"activity": d.activity, "attendees": d.attendees})))
}

async fn questions_list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::bank(&st, &p).await?})))
}

async fn questions_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<QuestionForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let id = uc::create_question(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

async fn questions_template(p: Principal) -> AppResult<Response> {
    Ok(crate::xlsx_io::download(uc::import_template(&p)?, "试题导入模板.xlsx"))
}

/// The unit is checked before the file is read; every row valid or nothing written.
async fn questions_import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let org: lianzheng_core::ids::OrgId = parse_id(&id)?;
    uc::bank_unit(&st, &p, org).await?;
    let bytes = crate::xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await?;
    Ok(crate::api::import_answer(uc::import_questions(&st, &p, &org.to_string(), &bytes).await?))
}

async fn papers_list(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::papers(&st, &p).await?})))
}

async fn papers_create(State(st): State<AppState>, p: Principal, ApiJson(f): ApiJson<PaperForm>) -> AppResult<(StatusCode, Json<Value>)> {
    let v = uc::create_paper(&st, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": v.paper.id, "paper": v}))))
}

async fn papers_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"paper": uc::paper(&st, &p, parse_id(&id)?).await?})))
}

async fn results(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let r = uc::results(&st, &p, parse_id(&id)?).await?;
    Ok(Json(json!({"paper": r.paper, "items": r.rows, "units": r.units})))
}

async fn results_export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export_results(&st, &p, parse_id(&id)?).await?;
    Ok(crate::xlsx_io::download(bytes, &name))
}

async fn mine(State(st): State<AppState>, p: Principal) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": uc::my_exams(&st, &p).await?})))
}

async fn attempt_start(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<(StatusCode, Json<Value>)> {
    let aid = uc::start(&st, &p, parse_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": aid, "attempt": uc::attempt(&st, &p, aid).await?}))))
}

async fn attempt_get(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"attempt": uc::attempt(&st, &p, parse_id(&id)?).await?})))
}

async fn attempt_answer(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<AnswerForm>) -> AppResult<Json<Value>> {
    let id = uc::answer(&st, &p, parse_id(&id)?, &f).await?;
    Ok(Json(json!({"saved": true, "attempt_id": id, "question_id": f.question_id.trim()})))
}

async fn attempt_submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"attempt": uc::submit(&st, &p, parse_id(&id)?).await?})))
}
