//! JSON API under /api/v1: JSON in, a use case of `crate::app`, JSON out. Each domain area
//! declares its operations in a table (`OPS`) that the module registry (`crate::modules`)
//! collects; the same tables feed the OpenAPI document and the scope matrix test, so an
//! operation cannot exist without being documented and tried.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod conduct;
pub mod duty;
pub mod files;
pub mod home;
pub mod inspection;
pub mod org;
pub mod settings;

use axum::extract::State;
use axum::routing::MethodRouter;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One operation of the API.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub route: fn() -> MethodRouter<AppState>,
}

/// Every operation of the API.
pub fn all_ops() -> impl Iterator<Item = &'static Op> {
    crate::modules::MODULES.iter().flat_map(|m| m.api_ops.iter().flat_map(|ops| ops.iter()))
}

pub fn routes() -> Router<AppState> {
    // one method per operation; operations on the same path are merged into one route
    let mut paths: std::collections::BTreeMap<&'static str, MethodRouter<AppState>> = std::collections::BTreeMap::new();
    for op in all_ops() {
        let route = match paths.remove(op.path) {
            Some(existing) => existing.merge((op.route)()),
            None => (op.route)(),
        };
        paths.insert(op.path, route);
    }
    let mut r = Router::new();
    for (path, route) in paths {
        r = r.route(path, route);
    }
    r.fallback(|| async { AppError::NotFound })
}

/// The answer of an all-or-nothing Excel import: 200 with the count written, or 422 with every
/// problem found ("第12行 …") and nothing written — the same outcome the import page shows.
pub fn import_answer(outcome: Result<usize, Vec<String>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match outcome {
        Ok(n) => Json(json!({"imported": n})).into_response(),
        Err(errors) => {
            let message = format!("导入未完成，共 {} 处问题，未写入任何数据：{}", errors.len(), errors.first().cloned().unwrap_or_default());
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"code": "invalid", "message": message, "errors": errors}))).into_response()
        }
    }
}

pub async fn healthz(State(st): State<AppState>) -> AppResult<Json<Value>> {
    crate::app::health(&st).await?;
    Ok(Json(json!({"status": "ok", "database": st.db.backend().name(), "version": st.version})))
}
