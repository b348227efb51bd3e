//! 考责: the annual inspection — campaigns, self-checks, scoring, 廉政测评, findings, 通报
//! (DOMAIN.md "考责", seed 001).
use lianzheng_core::org::Permission;

use super::{Module, Need, Tab, api, post};
use crate::app::inspection::{Part, open};

pub static MODULE: Module = Module {
    name: "inspection",
    label: "考责",
    api_ops: &[crate::api::inspection::campaigns::OPS],
    pages: crate::pages::inspection::routes,
    page_actions: &[
        post("/inspection", Need::Perm(Permission::ManageInspection), api("POST /inspection")),
        post("/inspection/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/{id}")),
        post("/inspection/{id}/units", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/units")),
        post("/inspection/{id}/issue", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/issue")),
        post("/inspection/{id}/groups", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/groups")),
        post("/inspection/{id}/spot", Need::Perm(Permission::ManageInspection), api("POST /inspection/{id}/spot")),
        post("/inspection/units/{id}", Need::Perm(Permission::ManageInspection), api("PUT /inspection/units/{id}")),
        // the organiser, or a member of the unit's group (the use case decides)
        post("/inspection/units/{id}/talks", Need::Perm(Permission::ScoreInspection), api("POST /inspection/units/{id}/talks")),
        post("/inspection/talks/{id}", Need::Perm(Permission::ScoreInspection), api("PUT /inspection/talks/{id}")),
    ],
    permissions: &[Permission::ViewInspection, Permission::ManageInspection, Permission::ScoreInspection],
    audit_labels: lianzheng_core::audit_labels::INSPECTION,
    tabs: &[Tab { href: "/inspection", label: "检查考核", may_open: |p| open(p, Part::Campaigns).is_ok() }],
    tables: &[crate::app::inspection::campaigns::TABLES, crate::app::inspection::talks::TABLES],
    jobs: &[],
    todos: Some(crate::app::inspection::todo::todos),
};
