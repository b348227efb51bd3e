//! The use-case layer: every business operation, one module per domain area. A use case takes
//! the signed-in principal and an input struct, checks access (permission, scope, the owner's
//! rules), applies the rules, calls the store inside one transaction (the store writes the
//! audit entry in it) and returns a typed result or an `AppError`. Pages (form → use case →
//! template) and the API (JSON → use case → JSON) both call this layer and never each other;
//! nothing else in this crate touches `lianzheng_store` (the `layers` test keeps that true).

pub mod account;
pub mod audit;
pub mod calendar;
pub mod conduct;
pub mod duty;
pub mod files;
pub mod inspection;
pub mod org;
pub mod paging;
pub mod settings;
pub mod system;

pub use lianzheng_store::schema::TableDef;
pub mod todo;

use crate::error::AppResult;
use crate::state::AppState;

/// The database answers (for `/healthz`).
pub async fn health(st: &AppState) -> AppResult<()> {
    lianzheng_store::db::ping(&st.db).await?;
    Ok(())
}
