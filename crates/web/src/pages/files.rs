//! 附件 download for pages (the same use case as the API).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::files;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::parse_id;
use crate::state::AppState;

pub async fn download(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (a, bytes) = files::download(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::attachment_response(&a.filename, bytes))
}
