//! 审计.
use lianzheng_core::org::Permission;

use super::{Module, Need, api, post};
use crate::app::system::{Job, Timing};

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
static AUDIT_JOB: Job = Job {
    kind: "audit_verify",
    label: "审计日志链校验",
    first_in: |s| s.audit_verify_secs.min(3600),
    run: |db, s| Box::pin(crate::app::audit::verify_job(db, s)),
    timing: Timing {
        label: "运行间隔",
        help: "每隔此时间从头校验一遍审计日志链，发现断裂时在此页显示",
        unit: "小时",
        min: 1,
        max: 168,
        get: |s| s.audit_verify_secs / 3600,
        set: |s, v| s.audit_verify_secs = v * 3600,
        next: |s| crate::app::system::from_now(s.audit_verify_secs),
    },
};
