//! 履责 pages, one module per part.

pub mod archive;
pub mod education;
pub mod exams;
pub mod inquiries;
pub mod notices;
pub mod records;
pub mod replies;
pub mod statements;
pub mod talks;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(records::routes())
        .merge(talks::routes())
        .merge(inquiries::routes())
        .merge(education::routes())
        .merge(exams::routes())
        .merge(notices::routes())
        .merge(archive::routes())
        .merge(statements::routes())
        .merge(replies::routes())
}
