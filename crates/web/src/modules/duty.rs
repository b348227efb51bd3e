//! 定责: responsibility lists, the year's task split, responsibility letters.
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module = Module {
    name: "duty",
    label: "定责",
    api_ops: &[crate::api::duty::lists::OPS, crate::api::duty::tasks::OPS, crate::api::duty::letters::OPS],
    pages: crate::pages::duty::routes,
    permissions: &[Permission::ViewDuty, Permission::EditDuty, Permission::ReviewDuty, Permission::ReportProgress, Permission::SignLetter],
    audit_labels: lianzheng_core::audit_labels::DUTY,
};
