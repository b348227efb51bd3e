//! 组织与人员.
use lianzheng_core::org::Permission;

use super::{Module, Need, api, post};

pub static MODULE: Module = Module {
    name: "org",
    label: "组织与人员",
    api_ops: &[crate::api::org::OPS],
    pages: crate::pages::org_routes,
    page_actions: &[
        post("/orgs", Need::Perm(Permission::ManageOrgs), api("POST /orgs")),
        post("/orgs/import", Need::Perm(Permission::ManageOrgs), api("POST /orgs/import")),
        post("/orgs/{id}", Need::Perm(Permission::ManageOrgs), api("PUT /orgs/{id}")),
        post("/orgs/{id}/attachments", Need::Perm(Permission::UploadAttachments), api("POST /attachments")),
        post("/people", Need::Perm(Permission::ManagePeople), api("POST /people")),
        post("/people/import", Need::Perm(Permission::ManagePeople), api("POST /people/import")),
        post("/people/{id}", Need::Perm(Permission::ManagePeople), api("PUT /people/{id}")),
        post("/people/{id}/posts", Need::Perm(Permission::ManagePeople), api("POST /people/{id}/posts")),
    ],
    permissions: &[Permission::ViewOrgs, Permission::ManageOrgs, Permission::ViewPeople, Permission::ManagePeople],
    audit_labels: lianzheng_core::audit_labels::ORG,
    tabs: &[],
    tables: &[crate::app::org::TABLES],
    jobs: &[],
    todos: None,
};
