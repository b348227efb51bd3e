//! 审计.
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module =
    Module { name: "audit", label: "审计", api_ops: &[crate::api::audit::OPS], pages: crate::pages::audit_routes, permissions: &[Permission::ViewAudit], audit_labels: lianzheng_core::audit_labels::AUDIT, tabs: &[] };
