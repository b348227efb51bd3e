//! The one error type of the web layer, turned into HTTP here and nowhere else.
//! Pages get a Chinese error page; `/api` gets `{"code","message","fields"}`. A 500 is logged
//! with its cause and the person sees only that something failed.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lianzheng_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub enum AppError {
    /// Not signed in (or the session expired).
    Unauthorized,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// Not allowed by a rule, with the reason (403).
    Refused(String),
    /// A sign-in refused: wrong credentials, second factor, locked or disabled account (401).
    SignInFailed(String),
    /// Missing, or outside the person's scope (the two look the same from outside).
    NotFound,
    /// Bad input, with a message per field.
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    Conflict(String),
    TooManyRequests,
    /// A step the person must take first (change the initial password, second factor).
    Gate {
        page: &'static str,
        message: String,
    },
    Internal(String),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid { message: message.into(), fields: BTreeMap::new() }
    }
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_string(), message.clone());
        AppError::Invalid { message, fields }
    }
    /// The Chinese message a person reads for this error (one line of a batch's report).
    pub fn message(&self) -> String {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = %lianzheng_core::idcard::mask_any(cause), "batch item failed");
        }
        self.parts().2
    }
    /// The error's code as the API names it (`not_found`, `invalid`, `conflict` …).
    pub fn code(&self) -> &'static str {
        self.parts().1
    }
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "请先登录".into()),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "您没有执行此操作的权限".into()),
            AppError::Refused(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            AppError::SignInFailed(m) => (StatusCode::UNAUTHORIZED, "sign_in_failed", m.clone()),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "记录不存在或不在您的查看范围内".into()),
            AppError::Invalid { message, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            AppError::Gate { message, .. } => (StatusCode::FORBIDDEN, "action_required", message.clone()),
            AppError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "操作过于频繁，请稍后再试".into()),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "系统内部错误，请稍后重试或联系管理员".into()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(m) => AppError::invalid(m),
            StoreError::Conflict { field, message } => {
                if field.is_empty() {
                    AppError::Conflict(message)
                } else {
                    AppError::field(&field, message)
                }
            }
            StoreError::Stale => AppError::Conflict("已被他人修改，请刷新后重试".into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("模板：{e}"))
    }
}

/// Marker put in response extensions so the page/API split can be made once, by path.
#[derive(Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub gate: Option<&'static str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = %lianzheng_core::idcard::mask_any(cause), "internal error");
        }
        let (status, code, message) = self.parts();
        let gate = match &self {
            AppError::Gate { page, .. } => Some(*page),
            _ => None,
        };
        let fields = match self {
            AppError::Invalid { fields, .. } => fields,
            _ => BTreeMap::new(),
        };
        // Rendered as JSON by default; the page layer (see `pages::error_page`) swaps in HTML
        // for requests that are not under /api.
        let mut resp = (status, axum::Json(json!({"code": code, "message": message, "fields": fields}))).into_response();
        resp.extensions_mut().insert(ErrorBody { status, code, message, gate });
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;

fn error_title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "页面不存在",
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
        StatusCode::CONFLICT => "操作未完成",
        s if s.is_server_error() => "系统错误",
        _ => "请求有误",
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: crate::layout::Layout,
    status: u16,
    message: &'a str,
    hint: &'static str,
}

/// The error page for a page request: inside the layout, with the person's navigation, when
/// someone is signed in (`p`); a page of its own otherwise. `at` is the path asked for.
pub fn error_page(st: &crate::state::AppState, p: Option<&crate::auth::Principal>, at: &str, status: StatusCode, message: &str) -> Response {
    let Some(p) = p else { return error_html(status, message) };
    let title = error_title(status);
    let hint = match status {
        StatusCode::FORBIDDEN => "您的角色不能打开这个页面。如确需办理，请联系本单位管理员调整授权。",
        _ => "",
    };
    let page = ErrorPage { l: crate::layout::Layout::new(st, p, title, at), status: status.as_u16(), message, hint };
    match askama::Template::render(&page) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page");
            error_html(status, message)
        }
    }
}

/// HTML for an error on a page request by someone not signed in (no layout to show).
pub fn error_html(status: StatusCode, message: &str) -> Response {
    let title = error_title(status);
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><script src=\"/assets/app.js\" defer></script></head><body class=\"login-page\"><main class=\"card error-page\"><h1 class=\"card-title\">{title}</h1><p>{}</p><p class=\"btn-group\"><a class=\"btn btn-secondary\" href=\"/\" data-back>返回上一页</a><a class=\"btn btn-primary\" href=\"/\">回到首页</a></p></main></body></html>",
        askama_escape(message)
    );
    (status, Html(body)).into_response()
}

pub fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
