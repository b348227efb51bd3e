//! 考责: the annual inspection — campaigns, self-checks, scoring, 廉政测评, findings, 通报
//! (DOMAIN.md "考责", seed 001).
use lianzheng_core::org::Permission;

use super::{Module, Tab};
use crate::app::inspection::{Part, open};

pub static MODULE: Module = Module {
    name: "inspection",
    label: "考责",
    api_ops: &[],
    pages: crate::pages::inspection::routes,
    page_actions: &[],
    permissions: &[Permission::ViewInspection, Permission::ManageInspection, Permission::ScoreInspection],
    audit_labels: lianzheng_core::audit_labels::INSPECTION,
    tabs: &[Tab { href: "/inspection", label: "检查考核", may_open: |p| open(p, Part::Campaigns).is_ok() }],
    tables: &[crate::app::inspection::campaigns::TABLES],
    jobs: &[],
    todos: None,
};
