//! Pages for people. Each module renders askama templates and shares the input checks in
//! `forms` and the store calls with the API.

pub(crate) mod admin;
pub(crate) mod audit_page;
pub(crate) mod calendar;
pub mod conduct;
pub mod duty;
mod files;
pub(crate) mod home;
pub mod inspection;
pub(crate) mod orgs;
pub(crate) mod people;
mod session;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::AppResult;
use crate::state::AppState;

pub fn render<T: Template>(t: &T) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// A form page shown again after bad input answers 422, with everything typed still in it.
pub fn render_status<T: Template>(t: &T, failed: bool) -> AppResult<Response> {
    let mut r = render(t)?;
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// Routes outside any domain area: the home page.
pub fn shell_routes() -> Router<AppState> {
    Router::new().route("/", get(home::home))
}

/// 账号: sign-in, own account, accounts and grants (admin roles).
pub fn account_routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_page).post(session::login))
        .route("/login/totp", get(session::totp_page).post(session::totp_submit))
        .route("/logout", post(session::logout))
        .route("/account", get(session::account))
        .route("/account/password", get(session::password_page).post(session::password_submit))
        .route("/account/totp", get(session::enrol_page).post(session::enrol_submit))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}", get(admin::user))
        .route("/admin/users/{id}/reset", post(admin::reset))
        .route("/admin/users/{id}/unlock", post(admin::unlock))
        .route("/admin/users/{id}/disable", post(admin::disable))
        .route("/admin/users/{id}/enable", post(admin::enable))
        .route("/admin/grants", get(admin::grants_index).post(admin::grant))
        .route("/admin/grants/{id}/revoke", post(admin::revoke))
        .route("/admin/resets", get(admin::resets))
        .route("/admin/resets/{id}/approve", post(admin::approve_reset))
        .route("/admin/resets/{id}/reject", post(admin::reject_reset))
        .route("/admin/settings", get(admin::settings).post(admin::save_settings))
}

/// 组织与人员.
pub fn org_routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(orgs::index).post(orgs::create))
        .route("/orgs/new", get(orgs::new_form))
        .route("/orgs/export.xlsx", get(orgs::export))
        .route("/orgs/import", get(orgs::import_page).post(orgs::import))
        .route("/orgs/import/template.xlsx", get(orgs::template))
        .route("/orgs/{id}", get(orgs::show).post(orgs::update))
        .route("/orgs/{id}/edit", get(orgs::edit_form))
        .route("/orgs/{id}/children", get(orgs::children))
        .route("/orgs/{id}/attachments", post(orgs::upload))
        .route("/people", get(people::index).post(people::create))
        .route("/people/new", get(people::new_form))
        .route("/people/export.xlsx", get(people::export))
        .route("/people/import", get(people::import_page).post(people::import))
        .route("/people/import/template.xlsx", get(people::template))
        .route("/people/{id}", get(people::show).post(people::update))
        .route("/people/{id}/edit", get(people::edit_form))
        .route("/people/{id}/posts", post(people::add_post))
}

/// 附件.
pub fn files_routes() -> Router<AppState> {
    Router::new().route("/attachments/{id}", get(files::download))
}

/// 审计.
pub fn audit_routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit_page::index)).route("/audit/export.xlsx", get(audit_page::export)).route("/audit/verify", post(audit_page::verify))
}
