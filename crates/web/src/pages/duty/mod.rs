//! 定责 pages: lists, task split, letters.

pub mod letters;
pub mod lists;
pub mod tasks;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(lists::routes()).merge(tasks::routes()).merge(letters::routes())
}

pub use crate::app::duty::{current_year, year_or_current};
