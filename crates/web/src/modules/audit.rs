//! 审计.
use lianzheng_core::org::Permission;

use super::{Module, Need, api, post};
use crate::app::system::Job;

pub static MODULE: Module = Module {
    name: "audit",
    label: "审计",
    api_ops: &[crate::api::audit::OPS],
    pages: crate::pages::audit_routes,
    page_actions: &[post("/audit/verify", Need::Perm(Permission::ViewAudit), api("POST /audit/verify"))],
    permissions: &[Permission::ViewAudit],
    audit_labels: lianzheng_core::audit_labels::AUDIT,
    tabs: &[],
    tables: &[crate::app::audit::TABLES],
    jobs: &[&AUDIT_JOB],
    todos: None,
};

/// 审计日志链校验: the whole chain is walked and the first broken link recorded.
static AUDIT_JOB: Job = Job { kind: "audit_verify", label: "审计日志链校验", first_in: |s| s.audit_verify_secs.min(3600), run: |db, s| Box::pin(crate::app::audit::verify_job(db, s)) };
