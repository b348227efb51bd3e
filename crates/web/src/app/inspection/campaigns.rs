//! The campaign: a year's inspection organised by a body over the units of its scope.

use lianzheng_store::inspection::campaigns as store;
pub use lianzheng_store::inspection::campaigns::{Campaign, STATUSES, TABLES};

use super::{Part, open};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::state::AppState;

/// The campaigns a person sees: organised inside his scope or covering a unit inside it.
pub async fn list(st: &AppState, p: &Principal, year: Option<i64>) -> AppResult<Vec<Campaign>> {
    let scope = open(p, Part::Campaigns)?;
    Ok(store::list(&st.db, &scope, year).await?)
}
