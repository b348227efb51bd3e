//! 账号: sign-in, own account, accounts and role grants (三员).
use lianzheng_core::org::Permission;

use super::Module;
use crate::app::system::Job;

pub static MODULE: Module = Module {
    name: "account",
    label: "账号与授权",
    api_ops: &[crate::api::account::OPS],
    pages: crate::pages::account_routes,
    permissions: &[Permission::ManageAccounts, Permission::ManageGrants, Permission::ManageSettings],
    audit_labels: lianzheng_core::audit_labels::ACCOUNT,
    tabs: &[],
    tables: &[crate::app::account::TABLES],
    jobs: &[&ACCOUNT_JOB],
};

/// 会话清理: sessions and tokens idle or past their lifetime are removed.
static ACCOUNT_JOB: Job = Job { kind: "session_cleanup", label: "会话清理", first_in: |_| 60, run: |db, s| Box::pin(crate::app::account::session_cleanup_job(db, s)) };
