//! 账号: sign-in, own account, accounts and role grants (三员).
use lianzheng_core::org::Permission;

use super::{Module, Need, Twin, api, post};
use crate::app::system::{Job, Timing};

pub static MODULE: Module = Module {
    name: "account",
    label: "账号与授权",
    api_ops: &[crate::api::account::OPS],
    pages: crate::pages::account_routes,
    page_actions: &[
        post("/login", Need::Public, api("POST /auth/login")),
        post("/login/totp", Need::Public, api("POST /auth/login")),
        post("/logout", Need::SignedIn, api("POST /auth/logout")),
        post("/account/password", Need::SignedIn, api("POST /me/password")),
        post("/account/totp", Need::SignedIn, Twin::Exempt("绑定动态口令须在浏览器中扫描页面上的二维码并当场确认；API 令牌由已绑定的账号登录（POST /auth/login 带 totp）取得")),
        post("/admin/users", Need::Perm(Permission::ManageAccounts), api("POST /users")),
        post("/admin/users/{id}/reset", Need::Perm(Permission::ManageAccounts), api("POST /users/{id}/reset-password")),
        post("/admin/users/{id}/unlock", Need::Perm(Permission::ManageAccounts), api("POST /users/{id}/unlock")),
        post("/admin/users/{id}/disable", Need::Perm(Permission::ManageAccounts), api("POST /users/{id}/disable")),
        post("/admin/users/{id}/enable", Need::Perm(Permission::ManageAccounts), api("POST /users/{id}/enable")),
        post("/admin/grants", Need::Perm(Permission::ManageGrants), api("POST /users/{id}/grants")),
        post("/admin/grants/{id}/revoke", Need::Perm(Permission::ManageGrants), api("DELETE /grants/{id}")),
        post("/admin/resets/{id}/approve", Need::Perm(Permission::ManageGrants), api("POST /password-resets/{id}/approve")),
        post("/admin/settings", Need::Perm(Permission::ManageSettings), api("PUT /settings")),
        post("/admin/resets/{id}/reject", Need::Perm(Permission::ManageGrants), api("POST /password-resets/{id}/reject")),
    ],
    permissions: &[Permission::ManageAccounts, Permission::ManageGrants, Permission::ManageSettings],
    audit_labels: lianzheng_core::audit_labels::ACCOUNT,
    tabs: &[],
    tables: &[crate::app::account::TABLES],
    jobs: &[&ACCOUNT_JOB],
    todos: Some(crate::app::account::todos),
};

/// 会话清理: sessions and tokens idle or past their lifetime are removed.
static ACCOUNT_JOB: Job = Job {
    kind: "session_cleanup",
    label: "会话清理",
    first_in: |_| 60,
    run: |db, s| Box::pin(crate::app::account::session_cleanup_job(db, s)),
    timing: Timing {
        label: "运行间隔",
        help: "每隔此时间清除已过期或长时间未用的会话与令牌",
        unit: "分钟",
        min: 1,
        max: 1440,
        get: |s| s.session_cleanup_secs / 60,
        set: |s, v| s.session_cleanup_secs = v * 60,
        next: |s| crate::app::system::from_now(s.session_cleanup_secs),
    },
};
