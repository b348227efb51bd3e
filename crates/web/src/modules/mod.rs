//! The module registry: each domain area declares, in one file of this folder, what it adds
//! to the application — API operations (which also make the OpenAPI document and the scope
//! matrix), page routes, and the permissions it checks. The central lists (router, OpenAPI,
//! the scope matrix test) loop over `MODULES`, so a new module is one file here and one line
//! below.

mod account;
mod audit;
mod duty;
mod files;
mod org;

use axum::Router;
use lianzheng_core::org::Permission;

use crate::api::Op;
use crate::auth::Principal;
use crate::state::AppState;

/// One domain area's contribution.
pub struct Module {
    /// English name, the same in every layer (`app::duty`, `api::duty`, `pages::duty`).
    pub name: &'static str,
    /// The field's term, shown to people.
    pub label: &'static str,
    /// API operations, one table per part.
    pub api_ops: &'static [&'static [Op]],
    /// Page routes.
    pub pages: fn() -> Router<AppState>,
    /// Permissions the module's operations check.
    pub permissions: &'static [Permission],
    /// The Chinese labels of the audit actions it writes (`对象.动作` → 中文).
    pub audit_labels: &'static [(&'static str, &'static str)],
    /// The module's tab bar, first tab its landing page; shown on every page under it.
    pub tabs: &'static [Tab],
}

/// One tab of a module's tab bar. `may_open` is the same rule the page's handler applies
/// (a function of the use-case layer), so a tab is shown exactly when its page would open.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub may_open: fn(&Principal) -> bool,
}

pub static MODULES: &[&Module] = &[&account::MODULE, &org::MODULE, &files::MODULE, &audit::MODULE, &duty::MODULE];

/// Every page route of every module.
pub fn page_routes() -> Router<AppState> {
    MODULES.iter().fold(Router::new(), |r, m| r.merge((m.pages)()))
}

#[cfg(test)]
mod tests {
    use super::MODULES;

    #[test]
    fn every_audit_label_table_belongs_to_one_module_and_names_are_unique() {
        for table in lianzheng_core::audit_labels::AREAS {
            let owners = MODULES.iter().filter(|m| m.audit_labels == *table).count();
            assert_eq!(owners, 1, "an audit label table claimed by {owners} modules");
        }
        let mut names: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len(), "module names are unique");
    }
}
