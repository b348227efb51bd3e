//! 定责 pages — 责任书/承诺书: templates, generation per signer, reading and editing, signing
//! (confirmation or scan), and the 雷同检查 flags with a side-by-side comparison.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lianzheng_core::org::Permission;
use lianzheng_textsim::{highlight_html, shared_passages};
use lianzheng_store::duty::letters::{self as store, Flag, FlagFilter, Letter, LetterFilter, LetterTemplate};
use serde::Deserialize;

use super::year_or_current;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, PageForm, Q, Upload, file_field, parse_id};
use crate::layout::{Errs, Layout, fmt_time, scope_org_options};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty/letters", get(index))
        .route("/duty/letters/templates", get(templates).post(create_template))
        .route("/duty/letters/templates/{id}/generate", post(generate))
        .route("/duty/letters/{id}", get(show).post(update))
        .route("/duty/letters/{id}/sign", post(sign))
        .route("/duty/letters/{id}/scan", post(scan))
        .route("/duty/flags", get(flags))
        .route("/duty/flags/recheck", post(recheck))
        .route("/duty/flags/{id}", get(flag))
        .route("/duty/flags/{id}/review", post(review_flag))
        .route("/duty/phrases", get(phrases).post(add_phrase))
}

pub const DEFAULT_BODY: &str = "为深入推进全面从严治党，落实党风廉政建设主体责任和“一岗双责”，根据党风廉政建设责任制有关规定，{上级}与{单位}{签订人}签订{年度}年度党风廉政建设责任书。\n\n一、责任内容\n{责任内容}\n\n二、工作要求\n责任人要把党风廉政建设与业务工作同部署、同落实、同检查、同考核，定期报告履责情况，自觉接受监督。\n\n三、考核与责任追究\n本责任书执行情况纳入年度党风廉政建设责任制检查考核。对履责不力、造成不良影响的，依规依纪追究责任。\n\n本责任书一式两份，双方各执一份，自签订之日起生效。";

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LettersQuery {
    year: String,
    status: String,
    flagged: String,
    kind: String,
    done: String,
}

#[derive(Template)]
#[template(path = "duty_letters.html")]
struct LettersPage {
    l: Layout,
    year: i64,
    q: LettersQuery,
    rows: Vec<Letter>,
    templates: Vec<LetterTemplate>,
    signed: usize,
    can_edit: bool,
    can_review: bool,
    info: Option<String>,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let rows = store::list(&st.db, &scope, &LetterFilter { year, status: Some(q.status.clone()), flagged: q.flagged == "1" }).await?;
    let signed = rows.iter().filter(|l| l.status == "signed").count();
    let templates = store::templates(&st.db, &scope, year).await?;
    let info = match q.done.as_str() {
        "" => None,
        n => Some(format!("已生成责任书 {n} 份，并完成雷同检查")),
    };
    render(&LettersPage { l: Layout::new(&st, &p, "责任书", "/duty"), year, q, rows, templates, signed, can_edit: p.can(Permission::EditDuty), can_review: p.can(Permission::ReviewDuty), info })
}

#[derive(Template)]
#[template(path = "duty_letter_templates.html")]
struct TemplatesPage {
    l: Layout,
    year: i64,
    rows: Vec<LetterTemplate>,
    orgs: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    placeholders: Vec<(&'static str, &'static str)>,
    form: TemplateForm,
    errors: Errs,
    message: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TemplateForm {
    year: String,
    org_id: String,
    kind: String,
    title: String,
    body: String,
}

async fn templates_page(st: &AppState, p: &Principal, form: TemplateForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(&form.year));
    let rows = store::templates(&st.db, &scope, year).await?;
    let orgs = scope_org_options(&st.db, &scope).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(&TemplatesPage { l: Layout::new(st, p, "责任书模板", "/duty"), year, rows, orgs, kinds: store::KINDS.to_vec(), placeholders: store::PLACEHOLDERS.to_vec(), form, errors: Errs(errors), message }, failed)
}

pub async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let year = year_or_current(&q.year);
    let form = TemplateForm { year: year.to_string(), kind: "responsibility".into(), title: format!("{year}年度党风廉政建设责任书"), body: DEFAULT_BODY.into(), ..TemplateForm::default() };
    templates_page(&st, &p, form, FieldErrors::new(), None).await
}

pub async fn create_template(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<TemplateForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let mut e = FieldErrors::new();
    let year = i64::from(year_or_current(&form.year));
    let org_id = form.org_id.trim().parse::<i64>().ok();
    if org_id.is_none() {
        e.insert("org_id".into(), "请选择发出责任书的单位".into());
    }
    if form.title.trim().is_empty() {
        e.insert("title".into(), "请填写标题".into());
    }
    if !form.body.contains("{责任内容}") {
        e.insert("body".into(), "正文须包含 {责任内容}，以便按签订人本人的清单生成".into());
    }
    let Some(org_id) = org_id.filter(|_| e.is_empty()) else {
        return templates_page(&st, &p, form, e, Some("请修改标红的项目".into())).await;
    };
    let mut tx = st.db.begin().await?;
    match store::create_template(&mut tx, &p.actor(), &scope, year, org_id, form.kind.trim(), form.title.trim(), &form.body).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/letters?year={year}")).into_response())
        }
        Err(err) => match AppError::from(err) {
            AppError::Invalid { message, fields } => templates_page(&st, &p, form, fields, Some(message)).await,
            other => Err(other),
        },
    }
}

/// Generates the letters of a template and checks each new one for copies.
pub async fn generate_and_check(st: &AppState, p: &Principal, template_id: i64) -> AppResult<usize> {
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, template_id).await?;
    let mut tx = st.db.begin().await?;
    let made = store::generate(&mut tx, &p.actor(), &scope, t.id).await?;
    tx.commit().await?;
    // all at once: the year's signatures are read once, not once per letter
    store::check_letters(&st.db, &made, st.policy.letter_threshold).await?;
    Ok(made.len())
}

pub async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let n = generate_and_check(&st, &p, id).await?;
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    Ok(Redirect::to(&format!("/duty/letters?year={}&done={n}", t.year)).into_response())
}

#[derive(Template)]
#[template(path = "duty_letter.html")]
struct LetterPage {
    l: Layout,
    letter: Letter,
    flags: Vec<Flag>,
    signed_at: String,
    can_edit: bool,
    can_confirm: bool,
    can_scan: bool,
    can_review: bool,
    body: String,
    version: i64,
    errors: Errs,
    message: Option<String>,
}

async fn letter_page(st: &AppState, p: &Principal, id: i64, body: Option<String>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let letter = store::get_in_scope(&st.db, &scope, id).await?;
    let flags = store::flags_of_letter(&st.db, letter.id).await?;
    let unsigned = letter.status != "signed";
    let can_edit = unsigned && p.require(Permission::EditDuty).map(|s| s.contains(&letter.org_path)).unwrap_or(false);
    let in_sign_scope = p.require(Permission::SignLetter).map(|s| s.contains(&letter.org_path)).unwrap_or(false);
    let can_confirm = unsigned && in_sign_scope && letter.person_id.is_none_or(|pid| p.user.person_id == Some(pid));
    let can_scan = unsigned && (in_sign_scope || can_edit);
    let failed = !errors.is_empty() || message.is_some();
    let version = letter.version;
    let body = body.unwrap_or_else(|| letter.body.clone());
    let signed_at = letter.signed_at.map(fmt_time).unwrap_or_default();
    let can_review = p.can(Permission::ReviewDuty);
    render_status(&LetterPage { l: Layout::new(st, p, &letter.title, "/duty"), letter, flags, signed_at, can_edit, can_confirm, can_scan, can_review, body, version, errors: Errs(errors), message }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    letter_page(&st, &p, parse_id(&id)?, None, FieldErrors::new(), None).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BodyForm {
    body: String,
    version: String,
    note: String,
    year: String,
    phrase: String,
    allowed: String,
}

/// Saves a letter's text and re-checks it at once, so a copied text is flagged as it is saved.
pub async fn save_body(st: &AppState, p: &Principal, id: i64, version: i64, body: &str) -> AppResult<()> {
    let scope = p.require(Permission::EditDuty)?;
    let mut tx = st.db.begin().await?;
    store::update_body(&mut tx, &p.actor(), &scope, id, version, body).await?;
    tx.commit().await?;
    // after the commit: the check computes outside any write transaction
    store::check_letter(&st.db, id, st.policy.letter_threshold).await?;
    Ok(())
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    let scope = p.require(Permission::EditDuty)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let body = form.body.replace("\r\n", "\n");
    if body.trim().is_empty() {
        let mut e = FieldErrors::new();
        e.insert("body".into(), "正文不能为空".into());
        return letter_page(&st, &p, letter.id, Some(body), e, Some("请修改标红的项目".into())).await;
    }
    let version = form.version.parse().unwrap_or(letter.version);
    match save_body(&st, &p, letter.id, version, &body).await {
        Ok(()) => Ok(Redirect::to(&format!("/duty/letters/{}", letter.id)).into_response()),
        Err(AppError::Invalid { message, fields }) => letter_page(&st, &p, letter.id, Some(body), fields, Some(message)).await,
        Err(AppError::Conflict(m)) => letter_page(&st, &p, letter.id, Some(body), FieldErrors::new(), Some(m)).await,
        Err(e) => Err(e),
    }
}

pub async fn sign(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::SignLetter)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    if letter.person_id.is_some_and(|pid| p.user.person_id != Some(pid)) {
        return letter_page(&st, &p, letter.id, None, FieldErrors::new(), Some("只能由签订人本人在系统内确认；代为签订请上传签字扫描件".into())).await;
    }
    let mut tx = st.db.begin().await?;
    match store::sign(&mut tx, &p.actor(), letter.id, "confirm", None).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/duty/letters/{}", letter.id)).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid { message, .. } => letter_page(&st, &p, letter.id, None, FieldErrors::new(), Some(message)).await,
            other => Err(other),
        },
    }
}

pub async fn scan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let scope = p.require(Permission::ViewDuty)?;
    let letter = store::get_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let upload_scope = p.require(Permission::UploadAttachments)?;
    let Upload { name, content_type: ctype, bytes } = match file_field(multipart, st.policy.upload_max_bytes, "请选择签字扫描件").await {
        Ok(f) => f,
        Err(m) => return letter_page(&st, &p, letter.id, None, FieldErrors::new(), Some(m)).await,
    };
    if !["pdf", "jpg", "jpeg", "png", "ofd"].iter().any(|e| name.to_lowercase().ends_with(&format!(".{e}"))) {
        return letter_page(&st, &p, letter.id, None, FieldErrors::new(), Some("签字扫描件须为 PDF、OFD 或图片（jpg、png）".into())).await;
    }
    let (att, _, _) = match crate::api::save_attachment(&st, &p, &upload_scope, letter.org_id, "letter".into(), Some(letter.id), name, ctype, bytes).await {
        Ok(v) => v,
        Err(AppError::Invalid { message, .. }) => return letter_page(&st, &p, letter.id, None, FieldErrors::new(), Some(message)).await,
        Err(e) => return Err(e),
    };
    let mut tx = st.db.begin().await?;
    store::sign(&mut tx, &p.actor(), letter.id, "scan", Some(att)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/duty/letters/{}", letter.id)).into_response())
}

// ---- flags ----

#[derive(Template)]
#[template(path = "duty_flags.html")]
struct FlagsPage {
    l: Layout,
    year: i64,
    q: LettersQuery,
    rows: Vec<Flag>,
    open: usize,
    info: Option<String>,
}

pub async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(&q.year));
    let rows = store::flags(&st.db, &scope, &FlagFilter { year, kind: Some(q.kind.clone()), status: Some(q.status.clone()) }).await?;
    let open = rows.iter().filter(|f| !f.reviewed()).count();
    let info = match q.done.as_str() {
        "" => None,
        n => Some(format!("已重新检查本年度全部责任书，发现 {n} 处问题")),
    };
    render(&FlagsPage { l: Layout::new(&st, &p, "雷同检查", "/duty"), year, q, rows, open, info })
}

pub async fn recheck(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(&form.year));
    let n = store::check_year(&st.db, year, st.policy.letter_threshold).await?;
    Ok(Redirect::to(&format!("/duty/flags?year={year}&done={n}")).into_response())
}

#[derive(Template)]
#[template(path = "duty_flag.html")]
struct FlagPage {
    l: Layout,
    flag: Flag,
    left: Letter,
    right: Option<Letter>,
    left_html: String,
    right_html: String,
    shared_chars: usize,
}

pub async fn flag(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let flag = store::flag_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let left = store::get_in_scope(&st.db, &scope, flag.letter_id).await?;
    // the other letter may lie outside the reviewer's scope (then it is not shown)
    let right = match flag.other_letter_id {
        Some(o) => store::get_in_scope(&st.db, &scope, o).await.ok(),
        None => None,
    };
    let (left_html, right_html, shared_chars) = match &right {
        Some(r) => {
            let passages = shared_passages(&left.body, &r.body, 12);
            let a: Vec<(usize, usize)> = passages.iter().map(|p| (p.a_start, p.a_end)).collect();
            let b: Vec<(usize, usize)> = passages.iter().map(|p| (p.b_start, p.b_end)).collect();
            let n = a.iter().map(|(s, e)| e - s).sum();
            (highlight_html(&left.body, &a), highlight_html(&r.body, &b), n)
        }
        None => {
            // a foreign phrase: mark where it stands
            let phrase = flag.detail.as_deref().and_then(|d| d.split('“').nth(1)).and_then(|s| s.split('”').next()).unwrap_or("");
            let ranges: Vec<(usize, usize)> = find_char_ranges(&left.body, phrase);
            (highlight_html(&left.body, &ranges), String::new(), 0)
        }
    };
    render(&FlagPage { l: Layout::new(&st, &p, "雷同检查", "/duty"), flag, left, right, left_html, right_html, shared_chars })
}

fn find_char_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return vec![];
    }
    let n = needle.chars().count();
    text.match_indices(needle).map(|(byte, _)| {
        let start = text[..byte].chars().count();
        (start, start + n)
    }).collect()
}

pub async fn review_flag(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    let scope = p.require(Permission::ReviewDuty)?;
    let flag = store::flag_in_scope(&st.db, &scope, parse_id(&id)?).await?;
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let mut tx = st.db.begin().await?;
    store::mark_reviewed(&mut tx, &p.actor(), flag.id, note).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/duty/flags?year={}", flag.year)).into_response())
}

#[derive(Template)]
#[template(path = "duty_phrases.html")]
struct PhrasesPage {
    l: Layout,
    rows: Vec<(i64, String, String, Option<String>)>,
    form: BodyForm,
    errors: Errs,
}

pub async fn phrases(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(Permission::ReviewDuty)?;
    render(&PhrasesPage { l: Layout::new(&st, &p, "职责范围用语", "/duty"), rows: store::phrases(&st.db).await?, form: BodyForm::default(), errors: Errs::default() })
}

pub async fn add_phrase(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    p.require(Permission::ReviewDuty)?;
    let mut e = FieldErrors::new();
    if form.phrase.trim().chars().count() < 4 {
        e.insert("phrase".into(), "用语至少4个字".into());
    }
    if form.allowed.trim().is_empty() {
        e.insert("allowed".into(), "请填写适用单位名称中的关键词，如 法院,检察院".into());
    }
    if !e.is_empty() {
        let mut r = render(&PhrasesPage { l: Layout::new(&st, &p, "职责范围用语", "/duty"), rows: store::phrases(&st.db).await?, form, errors: Errs(e) })?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let mut tx = st.db.begin().await?;
    store::add_phrase(&mut tx, &p.actor(), form.phrase.trim(), form.allowed.trim(), Some(form.note.trim()).filter(|n| !n.is_empty())).await?;
    tx.commit().await?;
    Ok(Redirect::to("/duty/phrases").into_response())
}
