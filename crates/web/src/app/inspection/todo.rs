//! 考责's 待办: what waits for a person in its parts, each part's provider in tab order.

use crate::app::todo::{BoxFuture, Provider, TodoItem};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

/// Each part's provider (a part with nothing to ask of people has none).
const PARTS: &[Provider] = &[super::campaigns::todos, super::selfchecks::todos, super::findings::todos];

pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> BoxFuture<'a, AppResult<Vec<TodoItem>>> {
    Box::pin(async move {
        let mut items = Vec::new();
        for part in PARTS {
            items.extend(part(st, p).await?);
        }
        Ok(items)
    })
}
