//! 廉政测评 pages: the organiser's (the campaigns to pick from, a campaign's form, meetings and
//! rates, a meeting with its live count and sheet of QR codes) and the public voting page
//! `/ballot/{code}` a phone opens from the QR code, without an account (rate-limited per
//! address; a bad code answers 404 in Chinese). Form → `app::inspection::ballots` → template.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::inspection::ballots::{self as uc, BallotView, FormInput, HoldForm, Item, Meeting, Overview, Refusal, VoteInput};
use crate::app::inspection::campaigns::{self as campaigns_uc, Campaign};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::flash::{self, Flash};
use crate::forms::PageForm;
use crate::layout::{Errs, Layout};
use crate::pages::render_status;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspection/ballots", get(index))
        .route("/inspection/ballots/campaigns/{id}", get(show))
        .route("/inspection/ballots/campaigns/{id}/form", post(save_form))
        .route("/inspection/ballots/campaigns/{id}/meetings", post(hold))
        .route("/inspection/ballots/meetings/{id}", get(meeting))
        .route("/inspection/ballots/meetings/{id}/count", get(count))
        .route("/inspection/ballots/meetings/{id}/codes", post(add_codes))
        .route("/inspection/ballots/meetings/{id}/close", post(close))
        .route("/inspection/ballots/meetings/{id}/codes.docx", get(sheet))
        .route("/ballot/{code}", get(ballot).post(vote))
}

const AT: &str = "/inspection/ballots";

fn id_of(s: &str) -> AppResult<i64> {
    s.parse::<i64>().ok().filter(|v| *v > 0).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "inspection_ballots.html")]
struct IndexPage {
    l: Layout,
    rows: Vec<Campaign>,
}

/// 廉政测评: the campaigns the organiser may hold meetings in.
pub async fn index(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    p.require(lianzheng_core::org::Permission::ManageInspection)?;
    let rows = campaigns_uc::list(&st, &p, None).await?;
    render_status(&IndexPage { l: Layout::new(&st, &p, "廉政测评", AT), rows }, false)
}

#[derive(Template)]
#[template(path = "inspection_ballot_campaign.html")]
struct CampaignPage {
    l: Layout,
    v: Overview,
    form_text: String,
    hold: HoldForm,
    errors: Errs,
}

async fn show_with(st: &AppState, p: &Principal, id: i64, form_text: Option<String>, hold: HoldForm, errors: crate::forms::FieldErrors) -> AppResult<Response> {
    let v = uc::overview(st, p, id).await?;
    let form_text = form_text.unwrap_or_else(|| v.items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join("\n"));
    let failed = !errors.is_empty();
    let hold = if hold.count.is_empty() && !failed { HoldForm { count: "30".into(), ..hold } } else { hold };
    let title = format!("廉政测评 · {}", v.campaign.title);
    render_status(&CampaignPage { l: Layout::new(st, p, &title, AT), v, form_text, hold, errors: Errs(errors) }, failed)
}

pub async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    show_with(&st, &p, id_of(&id)?, None, HoldForm::default(), Default::default()).await
}

pub async fn save_form(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<FormInput>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::save_form(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/ballots/campaigns/{id}"), Flash::Saved)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, Some(f.text), HoldForm::default(), fields).await,
        Err(e) => Err(e),
    }
}

pub async fn hold(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<HoldForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::hold(&st, &p, id, &f).await {
        Ok((m, _)) => Ok(flash::redirect(&st, &format!("/inspection/ballots/meetings/{}", m.id), Flash::Generated)),
        Err(AppError::Invalid { fields, .. }) => show_with(&st, &p, id, None, f, fields).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inspection_ballot_meeting.html")]
struct MeetingPage {
    l: Layout,
    m: Meeting,
    codes: Vec<String>,
    count: String,
    errors: Errs,
}

async fn meeting_with(st: &AppState, p: &Principal, id: i64, count: String, errors: crate::forms::FieldErrors) -> AppResult<Response> {
    let m = uc::meeting(st, p, id).await?;
    let codes = if m.is_open() { uc::unused_codes(st, p, id).await? } else { Vec::new() };
    let failed = !errors.is_empty();
    let title = format!("测评会议 · {}（{}）", m.unit_name, m.held_on);
    let back = format!("/inspection/ballots/campaigns/{}", m.campaign_id);
    render_status(&MeetingPage { l: Layout::new(st, p, &title, AT).crumb(back, "测评表与结果"), m, codes, count, errors: Errs(errors) }, failed)
}

pub async fn meeting(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    meeting_with(&st, &p, id_of(&id)?, "10".into(), Default::default()).await
}

#[derive(Template)]
#[template(path = "inspection_ballot_count.html")]
struct CountPart {
    m: Meeting,
}

/// The live count (htmx polls it while the meeting is open).
pub async fn count(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let m = uc::meeting(&st, &p, id_of(&id)?).await?;
    render_status(&CountPart { m }, false)
}

pub async fn add_codes(State(st): State<AppState>, p: Principal, Path(id): Path<String>, PageForm(f): PageForm<uc::AddForm>) -> AppResult<Response> {
    let id = id_of(&id)?;
    match uc::add_codes(&st, &p, id, &f).await {
        Ok(_) => Ok(flash::redirect(&st, &format!("/inspection/ballots/meetings/{id}"), Flash::Generated)),
        Err(AppError::Invalid { fields, .. }) => meeting_with(&st, &p, id, f.count, fields).await,
        Err(e) => Err(e),
    }
}

pub async fn close(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let id = id_of(&id)?;
    uc::close(&st, &p, id).await?;
    Ok(flash::redirect(&st, &format!("/inspection/ballots/meetings/{id}"), Flash::Saved))
}

/// The address the organiser reached the system by: the sheet's QR codes point there.
pub fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()).filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))).unwrap_or("localhost");
    let scheme = if st.policy.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

pub async fn sheet(State(st): State<AppState>, p: Principal, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let (name, bytes) = uc::sheet(&st, &p, id_of(&id)?, &base_url(&st, &headers)).await?;
    Ok(crate::layout::file_response(bytes, &name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
}

// ------------------------------------------------------------------ the public voting page

#[derive(Template)]
#[template(path = "inspection_ballot_vote.html")]
struct VotePage {
    site_name: String,
    code: String,
    csrf: String,
    view: Option<BallotView>,
    /// the refusal or the thanks, as the voter reads it
    message: Option<String>,
    done: bool,
    answers: BTreeMap<String, String>,
    comment: String,
    errors: Errs,
}

impl VotePage {
    fn answer_of(&self, item: &Item) -> &str {
        self.answers.get(&format!("a{}", item.id)).map_or("", |s| s.as_str())
    }
    fn key(&self, item: &Item) -> String {
        format!("a{}", item.id)
    }
}

/// The session's CSRF token when the phone happens to be signed in (the form then needs it).
async fn csrf_of(st: &AppState, headers: &HeaderMap) -> String {
    match crate::auth::request_token(headers) {
        Some((t, true)) => crate::app::account::load_principal(st, &t).await.map(|p| p.session.csrf_token.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn client_ip(st: &AppState, headers: &HeaderMap, ext: &axum::http::Extensions) -> Option<String> {
    let peer = ext.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    crate::auth::client_ip(peer, headers, &st.policy.trusted_proxies)
}

fn page(st: &AppState, code: &str, csrf: String) -> VotePage {
    VotePage { site_name: st.policy.site_name.clone(), code: code.to_string(), csrf, view: None, message: None, done: false, answers: BTreeMap::new(), comment: String::new(), errors: Errs(Default::default()) }
}

fn refused(st: &AppState, code: &str, r: Refusal) -> AppResult<Response> {
    let status = match r {
        Refusal::Unknown => StatusCode::NOT_FOUND,
        Refusal::Used | Refusal::Closed => StatusCode::CONFLICT,
    };
    let mut resp = render_status(&VotePage { message: Some(uc::refusal_message(r).into()), ..page(st, code, String::new()) }, false)?;
    *resp.status_mut() = status;
    Ok(resp)
}

fn too_many(st: &AppState, code: &str) -> AppResult<Response> {
    let mut resp = render_status(&VotePage { message: Some("操作过于频繁，请稍等一分钟后再试".into()), ..page(st, code, String::new()) }, false)?;
    *resp.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    Ok(resp)
}

/// The voting page a code opens.
pub async fn ballot(State(st): State<AppState>, Path(code): Path<String>, headers: HeaderMap, ext: axum::http::Extensions) -> AppResult<Response> {
    let code: String = code.chars().take(uc::CODE_LEN + 2).collect();
    if uc::allow(&st, client_ip(&st, &headers, &ext).as_deref()).is_err() {
        return too_many(&st, &code);
    }
    match uc::open_ballot(&st, &code).await? {
        Ok(view) => render_status(&VotePage { view: Some(view), ..page(&st, &code, csrf_of(&st, &headers).await) }, false),
        Err(r) => refused(&st, &code, r),
    }
}

/// A ballot sent from the page: `a{item id}` = A/B/C, `comment`.
pub async fn vote(State(st): State<AppState>, Path(code): Path<String>, headers: HeaderMap, ext: axum::http::Extensions, PageForm(f): PageForm<BTreeMap<String, String>>) -> AppResult<Response> {
    let code: String = code.chars().take(uc::CODE_LEN + 2).collect();
    if uc::allow(&st, client_ip(&st, &headers, &ext).as_deref()).is_err() {
        return too_many(&st, &code);
    }
    let answers: BTreeMap<String, String> = f.iter().filter(|(k, _)| k.starts_with('a')).map(|(k, v)| (k.clone(), v.clone())).collect();
    let comment = f.get("comment").cloned().unwrap_or_default();
    let input = VoteInput { answers: answers.clone(), comment: comment.clone() };
    match uc::vote(&st, &code, &input).await {
        Ok(Ok(())) => render_status(&VotePage { done: true, message: Some("投票成功，感谢您的参与！本次测评为匿名测评，您的选择不会与您或测评码关联。".into()), ..page(&st, &code, String::new()) }, false),
        Ok(Err(r)) => refused(&st, &code, r),
        Err(AppError::Invalid { fields, .. }) => {
            let view = match uc::open_ballot(&st, &code).await? {
                Ok(v) => v,
                Err(r) => return refused(&st, &code, r),
            };
            let p = VotePage { view: Some(view), answers, comment, errors: Errs(fields), ..page(&st, &code, csrf_of(&st, &headers).await) };
            render_status(&p, true)
        }
        Err(e) => Err(e),
    }
}
