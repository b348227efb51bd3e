//! 履责: 履责纪实, 廉政约谈 and the other records of duty done (DOMAIN.md "履责").
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module = Module {
    name: "conduct",
    label: "履责",
    api_ops: &[],
    pages: crate::pages::conduct::routes,
    page_actions: &[],
    permissions: &[Permission::ViewConduct, Permission::RecordConduct],
    audit_labels: lianzheng_core::audit_labels::CONDUCT,
    tabs: &[],
    tables: &[],
    jobs: &[],
    todos: Some(crate::app::conduct::todo::todos),
};
