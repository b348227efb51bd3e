//! Sign-in, sign-out, second factor, and the person's own account pages.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render;
use crate::app::account::{self as accounts, SessionKind, reset_notice, safe_next};
use crate::auth::{ClientAddr, PendingPrincipal, Principal, session_cookie};
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, Q};
use crate::layout::{Errs, Layout};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    site_name: String,
    message: Option<String>,
    info: Option<String>,
    username: String,
    next: String,
    totp_step: bool,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
}

pub async fn login_page(State(st): State<AppState>, Q(q): Q<LoginQuery>) -> AppResult<Response> {
    render(&LoginPage { site_name: st.policy.site_name.clone(), message: None, info: None, username: String::new(), next: safe_next(&q.next), totp_step: false, csrf: String::new() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

/// A refused sign-in shows the form again with the reason: 401 for wrong credentials, 422 for
/// a form left empty.
pub async fn login(State(st): State<AppState>, ClientAddr(ip): ClientAddr, PageForm(f): PageForm<LoginForm>) -> AppResult<Response> {
    let next = safe_next(&f.next);
    let (message, status) = match accounts::sign_in(&st, &f.username, &f.password, None, SessionKind::Web, ip).await {
        Ok(s) => {
            let target = if s.user.totp_enabled && !s.second_factor_ok { format!("/login/totp?next={}", crate::middleware::urlencode(&next)) } else { next };
            return Ok(with_cookie(Redirect::to(&target).into_response(), &session_cookie(&st, Some(&s.token))));
        }
        Err(AppError::SignInFailed(m)) => (m, StatusCode::UNAUTHORIZED),
        Err(AppError::Invalid { message, .. }) => (message, StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => return Err(e),
    };
    let page = LoginPage { site_name: st.policy.site_name.clone(), message: Some(message), info: None, username: f.username, next, totp_step: false, csrf: String::new() };
    Ok(with_status(render(&page)?, status))
}

pub async fn totp_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, Q(q): Q<LoginQuery>) -> AppResult<Response> {
    if !p.user.totp_enabled {
        return Ok(Redirect::to("/account/totp").into_response());
    }
    if p.session.second_factor_ok {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    render(&LoginPage { site_name: st.policy.site_name.clone(), message: None, info: reset_notice(&p.user), username: String::new(), next: safe_next(&q.next), totp_step: true, csrf: p.session.csrf_token.clone() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: String,
}

pub async fn totp_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<CodeForm>) -> AppResult<Response> {
    match accounts::pass_second_factor(&st, &p, &f.code).await {
        Ok(()) => Ok(Redirect::to(&safe_next(&f.next)).into_response()),
        Err(AppError::SignInFailed(m)) => {
            let page = LoginPage { site_name: st.policy.site_name.clone(), message: Some(m), info: None, username: String::new(), next: safe_next(&f.next), totp_step: true, csrf: p.session.csrf_token.clone() };
            Ok(with_status(render(&page)?, StatusCode::UNAUTHORIZED))
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some((token, _)) = crate::auth::request_token(&headers) {
        accounts::sign_out(&st, &token).await?;
    }
    Ok(with_cookie(Redirect::to("/login").into_response(), &session_cookie(&st, None)))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    info: Option<String>,
    username: String,
    totp_enabled: bool,
    grants: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InfoQuery {
    done: String,
}

pub async fn account(State(st): State<AppState>, p: Principal, Q(q): Q<InfoQuery>) -> AppResult<Response> {
    let grants = p
        .grants
        .iter()
        .map(|g| match (&g.role(), &g.org_name) {
            (Some(r), Some(o)) => format!("{}：{}及下级", r.label(), o),
            (Some(r), None) => r.label().to_string(),
            _ => g.role.clone(),
        })
        .collect();
    let info = match q.done.as_str() {
        "password" => Some("密码已修改，该账号在其他设备上的登录已全部退出".to_string()),
        "totp" => Some("双因素认证已开启".to_string()),
        _ => None,
    };
    render(&AccountPage { l: Layout::new(&st, &p, "我的账号", "/account"), info, username: p.user.username.clone(), totp_enabled: p.user.totp_enabled, grants })
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    forced: bool,
    notice: Option<String>,
    message: Option<String>,
    errors: Errs,
    min_len: usize,
}

fn password_form(st: &AppState, p: &Principal, message: Option<String>, errors: Errs) -> PasswordPage {
    PasswordPage { l: Layout::new(st, p, "修改密码", "/account"), forced: p.user.must_change_password, notice: reset_notice(&p.user), message, errors, min_len: st.policy.password_min_length }
}

pub async fn password_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal) -> AppResult<Response> {
    accounts::second_factor_gate(&p)?;
    render(&password_form(&st, &p, None, Errs::default()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn password_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<PasswordForm>) -> AppResult<Response> {
    match accounts::change_password(&st, &p, &f.current, &f.new, &f.confirm).await {
        Ok(_) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(AppError::Invalid { message, fields }) => Ok(with_status(render(&password_form(&st, &p, Some(message), Errs(fields)))?, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    l: Layout,
    required: bool,
    message: Option<String>,
    qr_svg: String,
    secret: String,
}

fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build(),
        Err(_) => String::new(),
    }
}

/// Shows a new key (kept, encrypted, as pending until a code confirms it).
pub async fn enrol_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal) -> AppResult<Response> {
    let Some(e) = accounts::begin_enrolment(&st, &p).await? else {
        return Ok(Redirect::to("/account").into_response());
    };
    render(&TotpPage { l: Layout::new(&st, &p, "开启双因素认证", "/account"), required: p.needs_second_factor(&st), message: None, qr_svg: qr_svg(&e.otpauth_url), secret: e.secret })
}

pub async fn enrol_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<CodeForm>) -> AppResult<Response> {
    let message = match accounts::confirm_enrolment(&st, &p, &f.code).await {
        Ok(()) => return Ok(Redirect::to("/account?done=totp").into_response()),
        Err(AppError::Invalid { message, .. }) => message,
        Err(e) => return Err(e),
    };
    // the same pending key again, so the scanned code still works
    let Some(e) = accounts::pending_enrolment(&st, &p)? else {
        return Ok(Redirect::to("/account/totp").into_response());
    };
    let page = TotpPage { l: Layout::new(&st, &p, "开启双因素认证", "/account"), required: p.needs_second_factor(&st), message: Some(message), qr_svg: qr_svg(&e.otpauth_url), secret: e.secret };
    Ok(with_status(render(&page)?, StatusCode::UNPROCESSABLE_ENTITY))
}
