//! lianzheng-web: pages for people (askama + htmx) and the JSON API for programs, over one
//! set of handlers' rules. Every list and read goes through the signed-in principal's scope.

pub mod api;
pub mod app;
pub mod auth;
pub mod cache;
pub mod error;
pub mod flash;
pub mod forms;
pub mod layout;
pub mod metrics;
pub mod middleware;
pub mod modules;
pub mod openapi;
pub mod pages;
pub mod state;
pub mod storage;
pub mod xlsx_io;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use cache::Caches;
pub use state::{AppState, Policy, RateLimiter};

const HTMX: &str = include_str!("../assets/htmx.min.js");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

fn asset(body: &'static str, ctype: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.policy.upload_max_bytes + 64 * 1024;
    Router::new()
        .merge(pages::shell_routes())
        .merge(modules::page_routes())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(openapi::document))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/assets/htmx.min.js", get(|| async { asset(HTMX, "text/javascript; charset=utf-8") }))
        .route("/assets/app.js", get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }))
        .route("/assets/app.css", get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }))
        .fallback(|| async { error::AppError::NotFound })
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), flash::carry))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::page_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::log_denied))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .with_state(state)
}
