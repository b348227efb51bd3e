//! Sign-in, sign-out, second factor, and the person's own account pages.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_core::crypto::encrypt_str;
use lianzheng_core::password::check_policy;
use lianzheng_store::{sessions, users};
use serde::Deserialize;

use super::render;
use crate::auth::{ClientAddr, PendingPrincipal, Principal, session_cookie, sign_in, token_hash, verify_totp};
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, PageForm, Q};
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

/// Only same-site paths are followed after sign-in.
fn safe_next(n: &str) -> String {
    if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') { n.to_string() } else { "/".to_string() }
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

pub async fn login(State(st): State<AppState>, ClientAddr(ip): ClientAddr, PageForm(f): PageForm<LoginForm>) -> AppResult<Response> {
    let next = safe_next(&f.next);
    match sign_in(&st, &f.username, &f.password, None, "web", ip).await {
        Ok(s) => {
            let target = if s.user.totp_enabled && !s.second_factor_ok { format!("/login/totp?next={}", crate::middleware::urlencode(&next)) } else { next };
            Ok(with_cookie(Redirect::to(&target).into_response(), &session_cookie(&st, Some(&s.token))))
        }
        Err(AppError::Invalid { message, .. }) => {
            let page = LoginPage { site_name: st.policy.site_name.clone(), message: Some(message), info: None, username: f.username, next, totp_step: false, csrf: String::new() };
            let mut r = render(&page)?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn totp_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, Q(q): Q<LoginQuery>) -> AppResult<Response> {
    if !p.user.totp_enabled {
        return Ok(Redirect::to("/account/totp").into_response());
    }
    render(&LoginPage { site_name: st.policy.site_name.clone(), message: None, info: None, username: String::new(), next: safe_next(&q.next), totp_step: true, csrf: p.session.csrf_token.clone() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    next: String,
}

pub async fn totp_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<CodeForm>) -> AppResult<Response> {
    let limiter_key = format!("totp:{}", p.user.id);
    if !st.limiter.check(&limiter_key, 10) {
        return Err(AppError::TooManyRequests);
    }
    if verify_totp(&st, &p.user, &f.code)? {
        sessions::set_second_factor(&st.db, &p.session.token_hash).await?;
        return Ok(Redirect::to(&safe_next(&f.next)).into_response());
    }
    let page = LoginPage { site_name: st.policy.site_name.clone(), message: Some("动态验证码错误，请重新输入".into()), info: None, username: String::new(), next: safe_next(&f.next), totp_step: true, csrf: p.session.csrf_token.clone() };
    render(&page)
}

pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some((token, _)) = crate::auth::request_token(&headers) {
        sessions::delete(&st.db, &token_hash(&token)).await?;
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
        "password" => Some("密码已修改".to_string()),
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
    message: Option<String>,
    errors: Errs,
    min_len: usize,
}

pub async fn password_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal) -> AppResult<Response> {
    render(&PasswordPage { l: Layout::new(&st, &p, "修改密码", "/account"), forced: p.user.must_change_password, message: None, errors: Errs::default(), min_len: st.policy.password_min_length })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn password_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<PasswordForm>) -> AppResult<Response> {
    let mut e = FieldErrors::new();
    if !st.hasher.verify(&f.current, &p.user.password_hash) {
        e.insert("current".into(), "当前密码不正确".into());
    }
    if let Err(err) = check_policy(&f.new, st.policy.password_min_length) {
        e.insert("new".into(), err.to_string());
    } else if f.new == f.current {
        e.insert("new".into(), "新密码不能与当前密码相同".into());
    }
    if f.new != f.confirm {
        e.insert("confirm".into(), "两次输入的新密码不一致".into());
    }
    if !e.is_empty() {
        let page = PasswordPage { l: Layout::new(&st, &p, "修改密码", "/account"), forced: p.user.must_change_password, message: Some("请修改标红的项目".into()), errors: Errs(e), min_len: st.policy.password_min_length };
        let mut r = render(&page)?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let hash = st.hasher.hash(&f.new).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = st.db.begin().await?;
    users::set_password(&mut tx, &p.actor(), p.user.id, &hash, false).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account?done=password").into_response())
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

/// Shows a new secret (kept, encrypted, as pending until a code confirms it).
pub async fn enrol_page(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal) -> AppResult<Response> {
    if p.user.totp_enabled {
        return Ok(Redirect::to("/account").into_response());
    }
    let secret = lianzheng_core::totp::generate_secret();
    let mut tx = st.db.begin().await?;
    users::set_totp(&mut tx, &p.actor(), p.user.id, Some(encrypt_str(st.crypto.as_ref(), &secret)), false).await?;
    tx.commit().await?;
    let url = lianzheng_core::totp::otpauth_url(&secret, &p.user.username, &st.policy.site_name);
    render(&TotpPage { l: Layout::new(&st, &p, "开启双因素认证", "/account"), required: p.needs_second_factor(&st), message: None, qr_svg: qr_svg(&url), secret })
}

pub async fn enrol_submit(State(st): State<AppState>, PendingPrincipal(p): PendingPrincipal, PageForm(f): PageForm<CodeForm>) -> AppResult<Response> {
    if !st.limiter.check(&format!("totp:{}", p.user.id), 10) {
        return Err(AppError::TooManyRequests);
    }
    if verify_totp(&st, &p.user, &f.code)? {
        let mut tx = st.db.begin().await?;
        users::set_totp(&mut tx, &p.actor(), p.user.id, p.user.totp_secret_enc.clone(), true).await?;
        tx.commit().await?;
        sessions::set_second_factor(&st.db, &p.session.token_hash).await?;
        return Ok(Redirect::to("/account?done=totp").into_response());
    }
    // keep the same pending secret so the scanned code still works
    let secret = match &p.user.totp_secret_enc {
        Some(enc) => lianzheng_core::crypto::decrypt_str(st.crypto.as_ref(), enc).map_err(|e| AppError::Internal(e.to_string()))?,
        None => return Ok(Redirect::to("/account/totp").into_response()),
    };
    let url = lianzheng_core::totp::otpauth_url(&secret, &p.user.username, &st.policy.site_name);
    let mut r = render(&TotpPage { l: Layout::new(&st, &p, "开启双因素认证", "/account"), required: p.needs_second_factor(&st), message: Some("验证码错误，请确认手机时间准确后重新输入".into()), qr_svg: qr_svg(&url), secret })?;
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
