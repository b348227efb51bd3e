//! 履责: 履责纪实, 廉政约谈 and the other records of duty done (DOMAIN.md "履责").
use lianzheng_core::org::Permission;

use super::{Module, Need, Tab, api, post};
use crate::app::conduct::{Part, open};

pub static MODULE: Module = Module {
    name: "conduct",
    label: "履责",
    api_ops: &[crate::api::conduct::talks::OPS],
    pages: crate::pages::conduct::routes,
    page_actions: &[
        post("/conduct/talks", Need::Perm(Permission::RecordConduct), api("POST /conduct/talks")),
        post("/conduct/talks/{id}", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("PUT /conduct/talks/{id}")),
        post("/conduct/talks/{id}/delete", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("DELETE /conduct/talks/{id}")),
        post("/conduct/talks/{id}/confirm", Need::Perm(Permission::ViewConduct), api("POST /conduct/talks/{id}/confirm")),
        post("/conduct/talks/{id}/scan", Need::Then(Permission::ViewConduct, Permission::RecordConduct), api("POST /conduct/talks/{id}/scan")),
    ],
    permissions: &[Permission::ViewConduct, Permission::RecordConduct],
    audit_labels: lianzheng_core::audit_labels::CONDUCT,
    tabs: &[Tab { href: "/conduct/talks", label: "约谈", may_open: |p| open(p, Part::Talks).is_ok() }, Tab { href: "/conduct/talk-flags", label: "约谈检查", may_open: |p| open(p, Part::TalkFlags).is_ok() }],
    tables: &[crate::app::conduct::talks::TABLES],
    jobs: &[],
    todos: Some(crate::app::conduct::todo::todos),
};
