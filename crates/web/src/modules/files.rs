//! 附件.
use lianzheng_core::org::Permission;

use super::Module;

pub static MODULE: Module = Module {
    name: "files",
    label: "附件",
    api_ops: &[crate::api::files::OPS],
    pages: crate::pages::files_routes,
    page_actions: &[],
    permissions: &[Permission::UploadAttachments],
    audit_labels: lianzheng_core::audit_labels::FILES,
    tabs: &[],
    tables: &[crate::app::files::TABLES],
    jobs: &[],
    todos: None,
};
