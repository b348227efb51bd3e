//! The module registry: each domain area declares, in one file of this folder, what it adds
//! to the application — its tables (the archive, backup and restore, the schema check), API
//! operations (which also make the OpenAPI document and the scope matrix), page routes and
//! page form actions (the scope matrix), background jobs (the worker and the scheduler), the
//! permissions it checks and its audit labels. The central lists loop over `MODULES`, so a new
//! module is one file here and one line below.

mod account;
mod audit;
mod calendar;
mod conduct;
mod duty;
mod files;
mod home;
mod inspection;
mod org;
mod system;

use axum::Router;
use lianzheng_core::org::Permission;

use crate::api::Op;
use crate::app::TableDef;
use crate::app::system::Job;
use crate::auth::Principal;
use crate::state::AppState;

/// What a page action needs before it looks at any object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Nobody signed in yet (sign-in itself).
    Public,
    /// Any signed-in account (its own account, sign-out).
    SignedIn,
    Perm(Permission),
    /// Either of two permissions.
    Any(Permission, Permission),
    /// Seen with the first permission, acted on only with the second (checked once the
    /// object is found: an item is read with ViewDuty and changed with EditDuty).
    Then(Permission, Permission),
}

/// A page form action: a POST route, what it needs, and its API twin (the scope matrix posts
/// each one as every role, with another unit's ids; a test fails when a POST route of `pages/`
/// is not declared here, and another when its twin is not an operation of the API).
#[derive(Clone, Copy, Debug)]
pub struct PageAction {
    pub path: &'static str,
    pub need: Need,
    pub twin: Twin,
}

/// What a page action is in the API: every action a page can do has an operation there that
/// calls the same use case (API parity), or a stated reason why it cannot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Twin {
    /// "METHOD /path" of the operation, as in the `Op` tables (without /api/v1).
    Api(&'static str),
    /// Why the action has no operation of its own (a browser-only step), in a sentence.
    Exempt(&'static str),
}

pub const fn post(path: &'static str, need: Need, twin: Twin) -> PageAction {
    PageAction { path, need, twin }
}

/// The API operation a page action's use case is also reachable by: "METHOD /path".
pub const fn api(op: &'static str) -> Twin {
    Twin::Api(op)
}

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
    /// The page routes' form actions (POST).
    pub page_actions: &'static [PageAction],
    /// Permissions the module's operations check.
    pub permissions: &'static [Permission],
    /// The Chinese labels of the audit actions it writes (`对象.动作` → 中文).
    pub audit_labels: &'static [(&'static str, &'static str)],
    /// The module's tab bar, first tab its landing page; shown on every page under it.
    pub tabs: &'static [Tab],
    /// Its tables, each list in dependency order (a row's references come earlier).
    pub tables: &'static [&'static [TableDef]],
    /// Its background jobs.
    pub jobs: &'static [&'static Job],
    /// What waits for a person in this module (the home page's 待办 and the bell; `app::todo`).
    pub todos: Option<crate::app::todo::Provider>,
}

/// One tab of a module's tab bar. `may_open` is the same rule the page's handler applies
/// (a function of the use-case layer), so a tab is shown exactly when its page would open.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub may_open: fn(&Principal) -> bool,
}

/// The tables the 待办 providers may read: every module's tables but the bookkeeping that every
/// request or write touches (the audit log, sessions, the job queue, the copy check's
/// signatures), so that those writes leave a person's cached 待办 warm.
pub fn todo_tables() -> Vec<&'static str> {
    const BOOKKEEPING: &[&str] = &["audit_log", "audit_head", "sessions", "jobs", "letter_signatures", "letter_bands", "attachments"];
    tables().iter().map(|t| t.name).filter(|n| !BOOKKEEPING.contains(n)).collect()
}

/// In dependency order: a module's tables may reference only its own and earlier modules'.
pub static MODULES: &[&Module] = &[&home::MODULE, &org::MODULE, &account::MODULE, &audit::MODULE, &system::MODULE, &calendar::MODULE, &files::MODULE, &duty::MODULE, &conduct::MODULE, &inspection::MODULE];

/// Every archived table, in dependency order.
pub fn tables() -> Vec<&'static TableDef> {
    MODULES.iter().flat_map(|m| m.tables.iter().flat_map(|t| t.iter())).collect()
}

/// Every page form action.
pub fn page_actions() -> impl Iterator<Item = &'static PageAction> {
    MODULES.iter().flat_map(|m| m.page_actions.iter())
}

/// Every background job.
pub fn jobs() -> impl Iterator<Item = &'static Job> {
    MODULES.iter().flat_map(|m| m.jobs.iter().copied())
}

/// The job of a kind.
pub fn job(kind: &str) -> Option<&'static Job> {
    jobs().find(|j| j.kind == kind)
}

/// A job kind as people read it: its label, or the code itself when no module declares it.
pub fn job_label(kind: &str) -> &str {
    job(kind).map_or(kind, |j| j.label)
}

/// Every page route of every module.
pub fn page_routes() -> Router<AppState> {
    MODULES.iter().fold(Router::new(), |r, m| r.merge((m.pages)()))
}

#[cfg(test)]
mod tests {
    use super::MODULES;

    #[test]
    fn every_audit_label_table_belongs_to_one_module_and_names_are_unique() {
        // an area still without labels (a module just begun) has nothing to claim
        for table in lianzheng_core::audit_labels::AREAS.iter().filter(|t| !t.is_empty()) {
            let owners = MODULES.iter().filter(|m| m.audit_labels == *table).count();
            assert_eq!(owners, 1, "an audit label table claimed by {owners} modules");
        }
        let mut names: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len(), "module names are unique");
    }

    /// Every `.route("…", post(…))` and `get(…).post(…)` in the page modules' source.
    fn page_post_routes_in_source() -> std::collections::BTreeSet<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages"), &mut files);
        let mut routes = std::collections::BTreeSet::new();
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap_or_default();
            for part in src.split(".route(\"").skip(1) {
                let Some((path, rest)) = part.split_once('"') else { continue };
                // the handler expression, up to the next route
                let expr = rest.split(".route(").next().unwrap_or("");
                let expr: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
                if expr.starts_with(",post(") || expr.contains(").post(") {
                    routes.insert(path.to_string());
                }
            }
        }
        routes
    }

    #[test]
    fn every_page_post_route_is_a_declared_action() {
        let in_source = page_post_routes_in_source();
        assert!(in_source.len() >= 40, "the scan finds the POST routes: {in_source:?}");
        let mut declared = std::collections::BTreeSet::new();
        for a in super::page_actions() {
            assert!(declared.insert(a.path.to_string()), "{} declared twice", a.path);
        }
        let missing: Vec<&String> = in_source.difference(&declared).collect();
        assert!(missing.is_empty(), "page POST routes not declared in their module's page_actions: {missing:?}");
        let gone: Vec<&String> = declared.difference(&in_source).collect();
        assert!(gone.is_empty(), "page_actions declared but no longer routed: {gone:?}");
    }

    fn api_ops() -> std::collections::BTreeSet<String> {
        crate::api::all_ops().map(|o| format!("{} {}", o.method.to_uppercase(), o.path)).collect()
    }

    /// The page actions whose named API operation does not exist, and the exempt ones.
    fn parity<'a>(actions: impl Iterator<Item = &'a super::PageAction>, ops: &std::collections::BTreeSet<String>) -> (Vec<String>, Vec<&'a str>) {
        let mut page_only = Vec::new();
        let mut exempt = Vec::new();
        for a in actions {
            match a.twin {
                super::Twin::Api(op) if !ops.contains(op) => page_only.push(format!("{} → {op} (no such API operation)", a.path)),
                super::Twin::Api(_) => {}
                super::Twin::Exempt(why) => {
                    assert!(why.chars().count() >= 10, "{}: an exemption says why", a.path);
                    exempt.push(a.path);
                }
            }
        }
        (page_only, exempt)
    }

    /// API parity: every page form action names the API operation that does the same (or a
    /// stated exemption), and that operation is in the `Op` tables, hence in the OpenAPI document.
    #[test]
    fn every_page_action_has_an_api_operation() {
        let (page_only, exempt) = parity(super::page_actions(), &api_ops());
        assert!(page_only.is_empty(), "page actions without their API operation: {page_only:?}");
        // exemptions are few and deliberate: a new one must be added here too
        // (the anonymous ballot is cast only from the page its code opens: no account, no API)
        assert_eq!(exempt, ["/account/totp", "/ballot/{code}"], "page actions exempt from API parity");
    }

    #[test]
    fn a_page_only_action_fails_the_parity_check() {
        use super::{Need, api, post};
        let actions = [post("/duty/lists/{id}/submit", Need::SignedIn, api("POST /duty/lists/{id}/submit")), post("/duty/lists/{id}/archive", Need::SignedIn, api("POST /duty/lists/{id}/archive"))];
        let (page_only, _) = parity(actions.iter(), &api_ops());
        assert_eq!(page_only, ["/duty/lists/{id}/archive → POST /duty/lists/{id}/archive (no such API operation)"]);
    }

    #[test]
    fn tables_and_jobs_are_declared_once() {
        let mut tables: Vec<&str> = super::tables().iter().map(|t| t.name).collect();
        let n = tables.len();
        tables.sort_unstable();
        tables.dedup();
        assert_eq!(tables.len(), n, "a table claimed by two modules");
        let mut kinds: Vec<&str> = super::jobs().map(|j| j.kind).collect();
        let n = kinds.len();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), n, "a job kind declared twice");
        assert_eq!(super::job_label("audit_verify"), "审计日志链校验");
        assert_eq!(super::job_label("no_such_job"), "no_such_job");
    }
}
