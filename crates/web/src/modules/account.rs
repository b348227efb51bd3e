//! 账号: sign-in, own account, accounts and role grants (三员).
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module = Module {
    name: "account",
    label: "账号与授权",
    api_ops: &[crate::api::account::OPS],
    pages: crate::pages::account_routes,
    permissions: &[Permission::ManageAccounts, Permission::ManageGrants, Permission::ManageSettings],
    audit_labels: lianzheng_core::audit_labels::ACCOUNT,
    tabs: &[],
};
