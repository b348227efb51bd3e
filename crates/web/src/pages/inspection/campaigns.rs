//! 检查考核: the list of campaigns. Form → `app::inspection::campaigns` → template.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::app::inspection::campaigns::{self as uc, Campaign};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::layout::Layout;
use crate::pages::render;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/inspection", get(index))
}

/// Where the tab bar of 考责 stands.
pub const AT: &str = "/inspection";

#[derive(Template)]
#[template(path = "inspection_campaigns.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Campaign>,
}

pub async fn index(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let rows = uc::list(&st, &p, None).await?;
    render(&ListPage { l: Layout::new(&st, &p, "检查考核", AT), rows })
}
