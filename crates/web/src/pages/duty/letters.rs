//! 定责 pages — 责任书/承诺书: templates, generation per signer, reading and editing, signing
//! (confirmation or scan), and the 雷同检查 flags with a side-by-side comparison.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use lianzheng_core::ids::{LetterId, LetterTemplateId};
use lianzheng_core::org::Permission;
use lianzheng_textsim::{highlight_html, side_by_side};
use serde::Deserialize;

use super::year_or_current;
use crate::app::duty::letters::{self as uc, Flag, GenerationPlan, KINDS, Letter, LetterTemplate, PLACEHOLDERS};
use crate::app::org::units;
use crate::app::paging::{self, Paging};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, Q, file_field, parse_id};
use crate::layout::{Errs, Layout, Pager, fmt_time};
use crate::pages::{render, render_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty/letters", get(index))
        .route("/duty/letters/templates", get(templates).post(create_template))
        .route("/duty/letters/templates/{id}", get(template).post(update_template))
        .route("/duty/letters/templates/{id}/disable", post(disable_template))
        .route("/duty/letters/templates/{id}/enable", post(enable_template))
        .route("/duty/letters/templates/{id}/generate", get(preview).post(generate))
        .route("/duty/letters/{id}", get(show).post(update))
        .route("/duty/letters/{id}/document.docx", get(document))
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
    /// a unit (its id): its letters and those below it
    org: String,
    status: String,
    flagged: String,
    kind: String,
    done: String,
    skipped: String,
    #[serde(flatten)]
    paging: Paging,
}

impl LettersQuery {
    /// The filters as the pager keeps them (page, size added by it).
    fn base(&self, year: i64) -> String {
        let year = year.to_string();
        let pairs: Vec<(&str, &str)> = [("year", year.as_str()), ("status", self.status.as_str()), ("flagged", self.flagged.as_str()), ("kind", self.kind.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("{}&", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
    /// One page of rows already read (the counts above the table are over all of them).
    fn page<T>(&self, year: i64, rows: Vec<T>, sorts: &'static [(&'static str, &'static str)]) -> (Pager, Vec<T>) {
        let (total, size) = (i64::try_from(rows.len()).unwrap_or(0), self.paging.size(paging::DEFAULT_SIZE));
        let (page, rows) = paging::slice(rows, self.paging.page(), size);
        (Pager::new(page, size, total, self.base(year)).sorted(&self.paging.sort, sorts), rows)
    }
}

#[derive(Template)]
#[template(path = "duty_letters.html")]
struct LettersPage {
    l: Layout,
    year: i64,
    q: LettersQuery,
    rows: Vec<Letter>,
    pager: Pager,
    templates: Vec<LetterTemplate>,
    signed: usize,
    can_edit: bool,
    can_review: bool,
    info: Option<String>,
}

pub async fn index(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let (year, rows) = uc::list_of(&st, &p, &q.year, &q.status, q.flagged == "1", &q.paging.sort, &q.org).await?;
    let signed = rows.iter().filter(|l| l.is_signed()).count();
    let can_edit = p.can(Permission::EditDuty);
    // a disabled template generates nothing: not offered here
    let templates = if can_edit { uc::templates(&st, &p, year).await?.into_iter().filter(|t| !t.disabled).collect() } else { vec![] };
    let info = match (q.done.as_str(), q.skipped.as_str()) {
        ("", _) => None,
        (n, "" | "0") => Some(format!("已生成责任书 {n} 份，并完成雷同检查")),
        (n, k) => Some(format!("已生成责任书 {n} 份，并完成雷同检查；{k} 个签订人未生成（原因见生成预览）")),
    };
    let (pager, rows) = q.page(year, rows, uc::LETTER_SORTS);
    render(&LettersPage { l: Layout::new(&st, &p, "责任书", "/duty/letters"), year, q, rows, pager, templates, signed, can_edit, can_review: p.can(Permission::ReviewDuty), info })
}

#[derive(Template)]
#[template(path = "duty_letter_templates.html")]
struct TemplatesPage {
    l: Layout,
    year: i64,
    rows: Vec<LetterTemplate>,
    org_picker: crate::layout::UnitPicker,
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
    p.require(Permission::EditDuty)?;
    let year = i64::from(year_or_current(&form.year));
    let rows = uc::templates(st, p, year).await?;
    let org_picker = crate::layout::UnitPicker::one("org_id", crate::layout::UnitChoice::of(&units(st, p, Permission::EditDuty).await?), &form.org_id, "请选择");
    let failed = !errors.is_empty() || message.is_some();
    render_status(
        &TemplatesPage { l: Layout::new(st, p, "责任书模板", "/duty/letters/templates"), year, rows, org_picker, kinds: KINDS.to_vec(), placeholders: PLACEHOLDERS.to_vec(), form, errors: Errs(errors), message },
        failed,
    )
}

pub async fn templates(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let year = year_or_current(&q.year);
    let form = TemplateForm { year: year.to_string(), kind: "responsibility".into(), title: format!("{year}年度党风廉政建设责任书"), body: DEFAULT_BODY.into(), ..TemplateForm::default() };
    templates_page(&st, &p, form, FieldErrors::new(), None).await
}

pub async fn create_template(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<TemplateForm>) -> AppResult<Response> {
    let input = uc::NewTemplate { year: form.year.clone(), org_id: form.org_id.clone(), kind: form.kind.clone(), title: form.title.clone(), body: form.body.clone() };
    match uc::create_template(&st, &p, &input).await {
        Ok((_, year)) => Ok(flash::redirect(&st, &format!("/duty/letters/templates?year={year}"), Flash::Created)),
        Err(AppError::Invalid { message, fields }) => templates_page(&st, &p, form, fields, Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "duty_letter_template.html")]
struct TemplatePage {
    l: Layout,
    t: LetterTemplate,
    kind_label: &'static str,
    placeholders: Vec<(&'static str, &'static str)>,
    form: TemplateForm,
    errors: Errs,
    message: Option<String>,
}

/// One template: its edit form while no letter has been made from it, 停用/启用 after.
/// `form` is what was typed (kept on a refusal); none shows the template as saved.
async fn template_page(st: &AppState, p: &Principal, id: LetterTemplateId, form: Option<TemplateForm>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let t = uc::template(st, p, id).await?;
    let failed = !errors.is_empty() || message.is_some();
    let form = form.unwrap_or_else(|| TemplateForm { title: t.title.clone(), body: t.body.clone(), ..TemplateForm::default() });
    let kind_label = KINDS.iter().find(|(k, _)| *k == t.kind).map(|(_, l)| *l).unwrap_or("");
    render_status(&TemplatePage { l: Layout::new(st, p, &t.title, "/duty/letters/templates"), t, kind_label, placeholders: PLACEHOLDERS.to_vec(), form, errors: Errs(errors), message }, failed)
}

pub async fn template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    template_page(&st, &p, parse_id(&id)?, None, FieldErrors::new(), None).await
}

/// A use case's refusal shown on the template's page, with what was typed kept.
async fn template_error(st: &AppState, p: &Principal, id: LetterTemplateId, form: Option<TemplateForm>, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => template_page(st, p, id, form, fields, Some(message)).await,
        AppError::Conflict(m) | AppError::Refused(m) => template_page(st, p, id, form, FieldErrors::new(), Some(m)).await,
        other => Err(other),
    }
}

pub async fn update_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<TemplateForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::update_template(&st, &p, id, &form.title, &form.body).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/duty/letters/templates/{id}"), Flash::Saved)),
        Err(e) => {
            let kept = TemplateForm { body: form.body.replace("\r\n", "\n"), ..form };
            template_error(&st, &p, id, Some(kept), e).await
        }
    }
}

async fn set_disabled(st: &AppState, p: &Principal, id: &str, disabled: bool) -> AppResult<Response> {
    let id = parse_id(id)?;
    match uc::set_template_disabled(st, p, id, disabled).await {
        Ok(_) => Ok(flash::redirect(st, &format!("/duty/letters/templates/{id}"), if disabled { Flash::Disabled } else { Flash::Enabled })),
        Err(e) => template_error(st, p, id, None, e).await,
    }
}

pub async fn disable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    set_disabled(&st, &p, &id, true).await
}

pub async fn enable_template(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    set_disabled(&st, &p, &id, false).await
}

#[derive(Template)]
#[template(path = "duty_letter_preview.html")]
struct PreviewPage {
    l: Layout,
    plan: GenerationPlan,
    sample: Option<String>,
    sample_for: String,
}

/// 生成预览: the letters that would be made and the signers left out, one letter as it would
/// read; the user confirms to generate.
pub async fn preview(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let uc::Preview { plan, sample } = uc::preview(&st, &p, parse_id(&id)?).await?;
    let sample_for = plan.letters.first().map(|l| plan.letter_title(l)).unwrap_or_default();
    render(&PreviewPage { l: Layout::new(&st, &p, "生成预览", "/duty/letters/templates"), plan, sample, sample_for })
}

pub async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (n, year, skipped) = uc::generate(&st, &p, parse_id(&id)?).await?;
    Ok(flash::redirect(&st, &format!("/duty/letters?year={year}&done={n}&skipped={}", skipped.len()), Flash::Generated))
}

/// 下载责任书（Word）.
pub async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::document(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
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
    /// The confirmation step before signing a letter with an open flag: what it names.
    flag_warning: Option<String>,
}

async fn letter_page(st: &AppState, p: &Principal, id: LetterId, body: Option<String>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    letter_page_with(st, p, id, body, errors, message, None).await
}

async fn letter_page_with(st: &AppState, p: &Principal, id: LetterId, body: Option<String>, errors: FieldErrors, message: Option<String>, flag_warning: Option<String>) -> AppResult<Response> {
    let uc::LetterView { letter, flags, can_edit, can_confirm, can_scan, can_review } = uc::show(st, p, id).await?;
    let failed = !errors.is_empty() || message.is_some();
    let version = letter.version;
    let body = body.unwrap_or_else(|| letter.body.clone());
    let signed_at = letter.signed_at.map(fmt_time).unwrap_or_default();
    render_status(
        &LetterPage { l: Layout::new(st, p, &letter.title, "/duty/letters"), letter, flags, signed_at, can_edit, can_confirm, can_scan, can_review, body, version, errors: Errs(errors), message, flag_warning },
        failed,
    )
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

/// A use case's refusal shown on the letter's page, with what was typed kept.
async fn letter_error(st: &AppState, p: &Principal, id: LetterId, body: Option<String>, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid { message, fields } => letter_page(st, p, id, body, fields, Some(message)).await,
        AppError::Conflict(m) | AppError::Refused(m) => letter_page(st, p, id, body, FieldErrors::new(), Some(m)).await,
        other => Err(other),
    }
}

pub async fn update(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match uc::update_body(&st, &p, id, &form.version, &form.body).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/duty/letters/{id}"), Flash::Saved)),
        Err(e) => letter_error(&st, &p, id, Some(form.body.replace("\r\n", "\n")), e).await,
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignForm {
    confirm_flag: String,
}

/// 确认签订. A letter with an open flag first shows the confirmation step naming it; the
/// step's button posts again with `confirm_flag`.
pub async fn sign(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<SignForm>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let confirm_flag = matches!(form.confirm_flag.as_str(), "1" | "true" | "on");
    match uc::confirm(&st, &p, id, confirm_flag).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/duty/letters/{id}"), Flash::Confirmed)),
        Err(AppError::Conflict(m)) if !confirm_flag => letter_page_with(&st, &p, id, None, FieldErrors::new(), None, Some(m)).await,
        Err(e) => letter_error(&st, &p, id, None, e).await,
    }
}

pub async fn scan(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let upload = match file_field(multipart, st.policy.upload_max_bytes, "请选择签字扫描件").await {
        Ok(f) => f,
        Err(m) => return letter_page(&st, &p, id, None, FieldErrors::new(), Some(m)).await,
    };
    match uc::sign_with_scan(&st, &p, id, upload).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/duty/letters/{id}"), Flash::Signed)),
        Err(e) => letter_error(&st, &p, id, None, e).await,
    }
}

// ---- flags ----

#[derive(Template)]
#[template(path = "duty_flags.html")]
struct FlagsPage {
    l: Layout,
    year: i64,
    q: LettersQuery,
    rows: Vec<Flag>,
    pager: Pager,
    open: usize,
    info: Option<String>,
}

pub async fn flags(State(st): State<AppState>, p: Principal, Q(q): Q<LettersQuery>) -> AppResult<Response> {
    let (year, rows) = uc::flags(&st, &p, &q.year, &q.kind, &q.status, &q.paging.sort).await?;
    let open = rows.iter().filter(|f| !f.reviewed()).count();
    let info = match q.done.as_str() {
        "" => None,
        n => Some(format!("已重新检查本年度全部责任书，发现 {n} 处问题")),
    };
    let (pager, rows) = q.page(year, rows, uc::FLAG_SORTS);
    render(&FlagsPage { l: Layout::new(&st, &p, "雷同检查", "/duty/flags"), year, q, rows, pager, open, info })
}

pub async fn recheck(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    let (year, n) = uc::recheck(&st, &p, &form.year).await?;
    Ok(flash::redirect(&st, &format!("/duty/flags?year={year}&done={n}"), Flash::Checked))
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
    /// 发抄告单 from this flag (for who issues notices)
    notice: Option<String>,
}

pub async fn flag(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let uc::Comparison { flag, left, right } = uc::flag(&st, &p, parse_id(&id)?).await?;
    let (left_html, right_html, shared_chars) = match &right {
        Some(r) => {
            let s = side_by_side(&left.body, &r.body, 12);
            (s.left_html, s.right_html, s.shared_chars)
        }
        None => {
            // a foreign phrase: mark where it stands
            let phrase = flag.detail.as_deref().and_then(|d| d.split('“').nth(1)).and_then(|s| s.split('”').next()).unwrap_or("");
            let ranges: Vec<(usize, usize)> = find_char_ranges(&left.body, phrase);
            (highlight_html(&left.body, &ranges), String::new(), 0)
        }
    };
    let notice = crate::app::conduct::notices::issue_link(&p, "letter_flag", flag.id, Some(left.org_id));
    render(&FlagPage { l: Layout::new(&st, &p, "对照查看", "/duty/flags"), flag, left, right, left_html, right_html, shared_chars, notice })
}

fn find_char_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return vec![];
    }
    let n = needle.chars().count();
    text.match_indices(needle)
        .map(|(byte, _)| {
            let start = text[..byte].chars().count();
            (start, start + n)
        })
        .collect()
}

pub async fn review_flag(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    let flag = uc::review_flag(&st, &p, parse_id(&id)?, &form.note).await?;
    Ok(flash::redirect(&st, &format!("/duty/flags?year={}", flag.year), Flash::Reviewed))
}

#[derive(Template)]
#[template(path = "duty_phrases.html")]
struct PhrasesPage {
    l: Layout,
    rows: Vec<uc::Phrase>,
    form: BodyForm,
    errors: Errs,
}

pub async fn phrases(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    render(&PhrasesPage { l: Layout::new(&st, &p, "职责用语", "/duty/phrases"), rows: uc::phrases(&st, &p).await?, form: BodyForm::default(), errors: Errs::default() })
}

pub async fn add_phrase(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<BodyForm>) -> AppResult<Response> {
    match uc::add_phrase(&st, &p, &form.phrase, &form.allowed, &form.note).await {
        Ok(()) => Ok(flash::redirect(&st, "/duty/phrases", Flash::Added)),
        Err(AppError::Invalid { fields, .. }) => render_status(&PhrasesPage { l: Layout::new(&st, &p, "职责用语", "/duty/phrases"), rows: uc::phrases(&st, &p).await?, form, errors: Errs(fields) }, true),
        Err(e) => Err(e),
    }
}
