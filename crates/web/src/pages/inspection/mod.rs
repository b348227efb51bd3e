//! 考责 pages, one module per part.

pub mod ballots;
pub mod campaigns;
pub mod findings;
pub mod scores;
pub mod selfchecks;
pub mod standards;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(campaigns::routes()).merge(ballots::routes()).merge(selfchecks::routes()).merge(standards::routes()).merge(scores::routes()).merge(findings::routes())
}
