//! 账号: sign-in, own account, accounts and role grants (三员).
use lianzheng_core::org::Permission;

use super::{Module, Need, post};
use crate::app::system::Job;

pub static MODULE: Module = Module {
    name: "account",
    label: "账号与授权",
    api_ops: &[crate::api::account::OPS],
    pages: crate::pages::account_routes,
    page_actions: &[
        post("/login", Need::Public),
        post("/login/totp", Need::Public),
        post("/logout", Need::SignedIn),
        post("/account/password", Need::SignedIn),
        post("/account/totp", Need::SignedIn),
        post("/admin/users", Need::Perm(Permission::ManageAccounts)),
        post("/admin/users/{id}/reset", Need::Perm(Permission::ManageAccounts)),
        post("/admin/users/{id}/unlock", Need::Perm(Permission::ManageAccounts)),
        post("/admin/users/{id}/disable", Need::Perm(Permission::ManageAccounts)),
        post("/admin/users/{id}/enable", Need::Perm(Permission::ManageAccounts)),
        post("/admin/grants", Need::Perm(Permission::ManageGrants)),
        post("/admin/grants/{id}/revoke", Need::Perm(Permission::ManageGrants)),
        post("/admin/resets/{id}/approve", Need::Perm(Permission::ManageGrants)),
        post("/admin/resets/{id}/reject", Need::Perm(Permission::ManageGrants)),
    ],
    permissions: &[Permission::ManageAccounts, Permission::ManageGrants, Permission::ManageSettings],
    audit_labels: lianzheng_core::audit_labels::ACCOUNT,
    tabs: &[],
    tables: &[crate::app::account::TABLES],
    jobs: &[&ACCOUNT_JOB],
    todos: Some(crate::app::account::todos),
};

/// 会话清理: sessions and tokens idle or past their lifetime are removed.
static ACCOUNT_JOB: Job = Job { kind: "session_cleanup", label: "会话清理", first_in: |_| 60, run: |db, s| Box::pin(crate::app::account::session_cleanup_job(db, s)) };
