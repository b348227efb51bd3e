//! 组织与人员.
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module = Module {
    name: "org",
    label: "组织与人员",
    api_ops: &[crate::api::org::OPS],
    pages: crate::pages::org_routes,
    permissions: &[Permission::ViewOrgs, Permission::ManageOrgs, Permission::ViewPeople, Permission::ManagePeople],
    audit_labels: lianzheng_core::audit_labels::ORG,
    tabs: &[],
    tables: &[crate::app::org::TABLES],
    jobs: &[],
};
