//! 廉政考试 pages: the bank (add, XLSX import), papers (new, detail with results and export),
//! and for the taker "我的考试" and the attempt itself — a phone page with a sticky timer, each
//! answer saved as it is given (htmx; without JavaScript each question's 保存 button posts it).
//! Form → `app::conduct::exams` → template.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use lianzheng_core::ids::{OrgId, PersonId};

use crate::app::conduct::exams::{self as uc, AnswerForm, AttemptView, MyExam, Paper, PaperForm, PaperView, Question, QuestionForm, Results};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::{FieldErrors, PageForm, parse_id};
use crate::layout::{Errs, Layout, fmt_time};
use crate::pages::orgs::ImportPage;
use crate::pages::{render, render_status};
use crate::state::AppState;
use crate::xlsx_io;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conduct/exams", get(index))
        .route("/conduct/exams/new", get(new_paper))
        .route("/conduct/exams/papers", post(create_paper))
        .route("/conduct/exams/papers/{id}", get(paper_page))
        .route("/conduct/exams/papers/{id}/results.xlsx", get(export))
        .route("/conduct/exams/papers/{id}/start", post(start))
        .route("/conduct/exams/bank", get(bank))
        .route("/conduct/exams/questions", post(create_question))
        .route("/conduct/exams/questions/template.xlsx", get(template))
        .route("/conduct/exams/banks/{id}/import", get(import_page).post(import))
        .route("/conduct/exams/mine", get(mine))
        .route("/conduct/exams/attempts/{id}", get(attempt_page))
        .route("/conduct/exams/attempts/{id}/answer", post(answer))
        .route("/conduct/exams/attempts/{id}/submit", post(submit))
}

// ---------------------------------------------------------------------------------- papers

#[derive(Template)]
#[template(path = "conduct_exams.html")]
struct PapersPage {
    l: Layout,
    papers: Vec<Paper>,
    today: String,
}

impl PapersPage {
    fn kind_label(&self, code: &str) -> &'static str {
        uc::paper_kind_label(code)
    }
}

pub async fn index(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let papers = uc::papers(&st, &p).await?;
    render(&PapersPage { l: Layout::new(&st, &p, "廉政考试", "/conduct/exams"), papers, today: lianzheng_core::duty::format_date(crate::app::duty::tasks::today()) })
}

#[derive(Template)]
#[template(path = "conduct_exam_form.html")]
struct PaperFormPage {
    l: Layout,
    form: PaperForm,
    errors: Errs,
    message: Option<String>,
    units: Vec<(OrgId, String)>,
    /// Units and people of the chosen organisation's subtree to invite.
    sub_units: Vec<(OrgId, String)>,
    people: Vec<(PersonId, String)>,
    pre_days: i64,
}

async fn paper_form_page(st: &AppState, p: &Principal, form: PaperForm, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let units = uc::own_units(p)?;
    let (sub_units, people) = uc::invitable(st, p, &form.org_id).await?;
    let failed = !errors.is_empty() || message.is_some();
    render_status(&PaperFormPage { l: Layout::new(st, p, "新建考试", "/conduct/exams"), form, errors: Errs(errors), message, units, sub_units, people, pre_days: uc::PRE_APPOINTMENT_DAYS }, failed)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org_id: String,
}

pub async fn new_paper(State(st): State<AppState>, p: Principal, crate::forms::Q(q): crate::forms::Q<NewQuery>) -> AppResult<Response> {
    let units = uc::own_units(&p)?;
    let today = crate::app::duty::tasks::today();
    let org_id = if q.org_id.trim().is_empty() { units.first().map(|u| u.0.to_string()).unwrap_or_default() } else { q.org_id };
    let form = PaperForm {
        org_id,
        title: format!("{}年廉政知识测试", today.year()),
        kind: "regular".into(),
        minutes: "30".into(),
        opens_on: lianzheng_core::duty::format_date(today),
        closes_on: lianzheng_core::duty::format_date(today + time::Duration::days(30)),
        rules: "单选 - 5 2\n多选 - 3 4\n判断 - 5 2\n填空 - 2 4".into(),
        pass_mark: "36".into(),
        attempts_allowed: "2".into(),
        ..PaperForm::default()
    };
    paper_form_page(&st, &p, form, FieldErrors::new(), None).await
}

pub async fn create_paper(State(st): State<AppState>, p: Principal, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let form = PaperForm::from_pairs(pairs);
    match uc::create_paper(&st, &p, &form).await {
        Ok(v) => Ok(flash::redirect(&st, &format!("/conduct/exams/papers/{}", v.paper.id), Flash::Created)),
        Err(AppError::Invalid { message, fields }) => paper_form_page(&st, &p, form, fields, Some(message)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "conduct_exam_paper.html")]
struct PaperPage {
    l: Layout,
    v: PaperView,
    r: Results,
}

pub async fn paper_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let r = uc::results(&st, &p, id).await?;
    let v = r.paper.clone();
    render(&PaperPage { l: Layout::new(&st, &p, &v.paper.title, "/conduct/exams"), v, r })
}

pub async fn export(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = uc::export_results(&st, &p, parse_id(&id)?).await?;
    Ok(xlsx_io::download(bytes, &name))
}

// ------------------------------------------------------------------------------------ bank

#[derive(Template)]
#[template(path = "conduct_exam_bank.html")]
struct BankPage {
    l: Layout,
    questions: Vec<Question>,
    units: Vec<(OrgId, String)>,
    form: QuestionForm,
    errors: Errs,
    message: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
}

impl BankPage {
    fn kind_label(&self, code: &str) -> &'static str {
        uc::kind_label(code)
    }
    fn options(&self, q: &Question) -> String {
        let v: Vec<String> = serde_json::from_str(&q.options).unwrap_or_default();
        v.iter().enumerate().map(|(i, o)| format!("{}. {o}", char::from(b'A' + u8::try_from(i).unwrap_or(0)))).collect::<Vec<_>>().join("　")
    }
}

async fn bank_page(st: &AppState, p: &Principal, form: Option<QuestionForm>, errors: FieldErrors, message: Option<String>) -> AppResult<Response> {
    let questions = uc::bank(st, p).await?;
    let units = uc::own_units(p)?;
    let failed = !errors.is_empty() || message.is_some();
    let form = form.unwrap_or_else(|| QuestionForm { org_id: units.first().map(|u| u.0.to_string()).unwrap_or_default(), kind: "single".into(), points: "1".into(), ..QuestionForm::default() });
    render_status(&BankPage { l: Layout::new(st, p, "题库", "/conduct/exams").crumb("/conduct/exams", "廉政考试"), questions, units, form, errors: Errs(errors), message, kinds: uc::KINDS }, failed)
}

pub async fn bank(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    bank_page(&st, &p, None, FieldErrors::new(), None).await
}

pub async fn create_question(State(st): State<AppState>, p: Principal, PageForm(form): PageForm<QuestionForm>) -> AppResult<Response> {
    match uc::create_question(&st, &p, &form).await {
        Ok(_) => Ok(flash::redirect(&st, "/conduct/exams/bank", Flash::Added)),
        Err(AppError::Invalid { message, fields }) => bank_page(&st, &p, Some(form), fields, Some(message)).await,
        Err(e) => Err(e),
    }
}

pub async fn template(p: Principal) -> AppResult<Response> {
    Ok(xlsx_io::download(uc::import_template(&p)?, "试题导入模板.xlsx"))
}

fn import_page_of(st: &AppState, p: &Principal, org: OrgId, name: &str, info: Option<String>, errors: Vec<String>) -> AppResult<Response> {
    let failed = !errors.is_empty();
    render_status(
        &ImportPage {
            l: Layout::new(st, p, "导入试题", "/conduct/exams").crumb("/conduct/exams/bank", "题库"),
            heading: format!("导入试题：{name}题库"),
            action: format!("/conduct/exams/banks/{org}/import"),
            template_href: "/conduct/exams/questions/template.xlsx".into(),
            info,
            errors,
        },
        failed,
    )
}

pub async fn import_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (org, name) = uc::bank_unit(&st, &p, parse_id(&id)?).await?;
    import_page_of(&st, &p, org, &name, None, vec![])
}

pub async fn import(State(st): State<AppState>, p: Principal, Path(id): Path<String>, multipart: Multipart) -> AppResult<Response> {
    let (org, name) = uc::bank_unit(&st, &p, parse_id(&id)?).await?;
    let bytes = match xlsx_io::read_upload(multipart, st.policy.upload_max_bytes).await {
        Ok(b) => b,
        Err(AppError::Invalid { message, .. }) => return import_page_of(&st, &p, org, &name, None, vec![message]),
        Err(e) => return Err(e),
    };
    match uc::import_questions(&st, &p, &org.to_string(), &bytes).await? {
        Ok(n) => import_page_of(&st, &p, org, &name, Some(format!("已导入 {n} 道试题")), vec![]),
        Err(errs) => import_page_of(&st, &p, org, &name, None, errs),
    }
}

// ---------------------------------------------------------------------------------- taking

#[derive(Template)]
#[template(path = "conduct_exam_mine.html")]
struct MinePage {
    l: Layout,
    exams: Vec<MyExam>,
    linked: bool,
}

impl MinePage {
    fn at(&self, t: &Option<i64>) -> String {
        t.map(fmt_time).unwrap_or_default()
    }
}

pub async fn mine(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let exams = uc::my_exams(&st, &p).await?;
    render(&MinePage { l: Layout::new(&st, &p, "我的考试", "/conduct/exams/mine"), exams, linked: p.user.person_id.is_some() })
}

pub async fn start(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let aid = uc::start(&st, &p, parse_id(&id)?).await?;
    Ok(axum::response::Redirect::to(&format!("/conduct/exams/attempts/{aid}")).into_response())
}

#[derive(Template)]
#[template(path = "conduct_exam_attempt.html")]
struct AttemptPage {
    l: Layout,
    v: AttemptView,
}

impl AttemptPage {
    fn clock(&self) -> String {
        format!("{:02}:{:02}", self.v.remaining / 60, self.v.remaining % 60)
    }
    fn submitted_at(&self) -> String {
        self.v.attempt.submitted_at.map(fmt_time).unwrap_or_default()
    }
    fn passed(&self) -> bool {
        self.v.attempt.passed == Some(1)
    }
}

pub async fn attempt_page(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let v = uc::attempt(&st, &p, parse_id(&id)?).await?;
    let at = if v.own { "/conduct/exams/mine" } else { "/conduct/exams" };
    render(&AttemptPage { l: Layout::new(&st, &p, &v.paper_title, at), v })
}

/// One answer: the letters of the checked boxes (repeated `answer`), the choice, or the text.
pub async fn answer(State(st): State<AppState>, p: Principal, headers: HeaderMap, Path(id): Path<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut f = AnswerForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "question_id" => f.question_id = v,
            "answer" => f.answer.push_str(&v),
            _ => {}
        }
    }
    let htmx = headers.contains_key("hx-request");
    match uc::answer(&st, &p, id, &f).await {
        Ok(_) if htmx => {
            let now = fmt_time(time::OffsetDateTime::now_utc().unix_timestamp());
            Ok(Html(format!("<span class=\"saved\">已保存 {}</span>", now.get(11..).unwrap_or(""))).into_response())
        }
        Ok(_) => Ok(flash::redirect(&st, &format!("/conduct/exams/attempts/{id}#q{}", f.question_id.trim()), Flash::Saved)),
        // the time is over: the attempt was submitted with what was saved
        Err(AppError::Conflict(m)) if htmx => Ok((StatusCode::CONFLICT, [("HX-Redirect", format!("/conduct/exams/attempts/{id}"))], m).into_response()),
        Err(e) => Err(e),
    }
}

pub async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    uc::submit(&st, &p, id).await?;
    Ok(flash::redirect(&st, &format!("/conduct/exams/attempts/{id}"), Flash::Handed))
}
