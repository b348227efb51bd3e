//! Cross-cutting layers: security headers, CSRF, and turning errors into pages for people.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use lianzheng_store::audit::{self, Actor};
use lianzheng_store::sessions;

use crate::auth::{request_token, token_hash};
use crate::error::{AppError, ErrorBody, error_page};
use crate::state::AppState;

/// Strict headers on every response. Pages use no inline script or style, so the CSP can forbid both.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !is_asset && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Every refused request (403) goes to the audit log as `access.denied`: who (when signed in),
/// the method and the path — never the query string, which may carry search terms. The steps
/// a person is sent through first (initial password, second factor) are not refusals.
pub async fn log_denied(State(st): State<AppState>, req: Request, next: Next) -> Response {
    // every request passes here: keep only what a refusal would need (no header map copy)
    let method = req.method().clone();
    let uri = req.uri().clone();
    let token = request_token(req.headers()).map(|(t, _)| t);
    let forwarded = req.headers().get("x-forwarded-for").cloned();
    let peer_addr = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let resp = next.run(req).await;
    if resp.status() != StatusCode::FORBIDDEN {
        return resp;
    }
    let code = resp.extensions().get::<ErrorBody>().map(|e| e.code);
    if code == Some("action_required") {
        return resp;
    }
    let mut headers = axum::http::HeaderMap::new();
    if let Some(v) = forwarded {
        headers.insert("x-forwarded-for", v);
    }
    let actor = match &token {
        Some(t) => crate::auth::actor_of_token(&st, t).await,
        None => None,
    };
    let mut actor = actor.unwrap_or_else(|| Actor { user_id: None, name: "未登录用户".into(), ip: None });
    actor.ip = crate::auth::client_ip(peer_addr, &headers, &st.policy.trusted_proxies);
    let (method, path) = (method.to_string(), uri.path().to_string());
    let summary = serde_json::json!({"method": method, "path": path, "code": code});
    if let Err(e) = audit::record_read(&st.db, &actor, "access.denied", "request", None, summary).await {
        tracing::warn!(error = %e, "could not log a refused request");
    }
    resp
}

const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// Unsafe requests made with the session cookie must carry the session's CSRF token, in the
/// `X-CSRF-Token` header (htmx), the `_csrf` query parameter (uploads) or the `_csrf` form field.
/// Bearer-token calls carry no ambient credentials and need none.
pub async fn csrf(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some((token, true)) = request_token(req.headers()) else {
        return next.run(req).await;
    };
    let expected = match sessions::get(&st.db, &token_hash(&token)).await {
        Ok(Some(s)) => s.csrf_token,
        // no live session: let the handler answer "please sign in"
        Ok(None) => return next.run(req).await,
        Err(e) => return AppError::from(e).into_response(),
    };
    let mut provided = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    if provided.is_none()
        && let Some(qs) = req.uri().query()
    {
        provided = serde_urlencoded::from_str::<Vec<(String, String)>>(qs).ok().and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    }
    let is_form = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let req = if provided.is_none() && is_form {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
            return AppError::invalid("提交的内容过大").into_response();
        };
        provided = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).ok().and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    match provided {
        Some(p) if constant_eq(p.as_bytes(), expected.as_bytes()) => next.run(req).await,
        _ => AppError::Conflict("页面已过期，请刷新页面后重试".into()).into_response().into_response_with_status(StatusCode::FORBIDDEN),
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

trait WithStatus {
    fn into_response_with_status(self, s: StatusCode) -> Response;
}
impl WithStatus for Response {
    fn into_response_with_status(mut self, s: StatusCode) -> Response {
        *self.status_mut() = s;
        if let Some(e) = self.extensions_mut().get_mut::<ErrorBody>() {
            e.status = s;
        }
        self
    }
}

/// For people (not `/api`): "sign in first" becomes a redirect to the sign-in page, a gate
/// (initial password, second factor) a redirect to that page, any other error a Chinese page
/// in the layout (with the person's navigation when signed in). htmx requests get the
/// redirect as `HX-Redirect` and errors as JSON for a toast.
pub async fn page_errors(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api/") || path == "/healthz" {
        return next.run(req).await;
    }
    let htmx = req.headers().contains_key("hx-request");
    let token = request_token(req.headers()).map(|(t, _)| t);
    let resp = next.run(req).await;
    let Some(e) = resp.extensions().get::<ErrorBody>().cloned() else { return resp };
    let target = if e.status == StatusCode::UNAUTHORIZED { Some(format!("/login?next={}", urlencode(&path))) } else { e.gate.map(str::to_string) };
    match (target, htmx) {
        (Some(t), true) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&t) {
                r.headers_mut().insert("hx-redirect", v);
            }
            r
        }
        (Some(t), false) => Redirect::to(&t).into_response(),
        (None, true) => resp,
        (None, false) => {
            let p = match token {
                Some(t) => crate::app::account::load_principal(&st, &t).await.ok(),
                None => None,
            };
            error_page(&st, p.as_ref(), &path, e.status, &e.message)
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|v| v.trim_start_matches('=').to_string()).unwrap_or_default()
}
