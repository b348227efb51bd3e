//! 组织与人员.
use lianzheng_core::org::Permission;

use super::{Module, Need, post};

pub static MODULE: Module = Module {
    name: "org",
    label: "组织与人员",
    api_ops: &[crate::api::org::OPS],
    pages: crate::pages::org_routes,
    page_actions: &[
        post("/orgs", Need::Perm(Permission::ManageOrgs)),
        post("/orgs/import", Need::Perm(Permission::ManageOrgs)),
        post("/orgs/{id}", Need::Perm(Permission::ManageOrgs)),
        post("/orgs/{id}/attachments", Need::Perm(Permission::UploadAttachments)),
        post("/people", Need::Perm(Permission::ManagePeople)),
        post("/people/import", Need::Perm(Permission::ManagePeople)),
        post("/people/{id}", Need::Perm(Permission::ManagePeople)),
        post("/people/{id}/posts", Need::Perm(Permission::ManagePeople)),
    ],
    permissions: &[Permission::ViewOrgs, Permission::ManageOrgs, Permission::ViewPeople, Permission::ManagePeople],
    audit_labels: lianzheng_core::audit_labels::ORG,
    tabs: &[],
    tables: &[crate::app::org::TABLES],
    jobs: &[],
    todos: None,
};
