//! 系统运行: the background jobs' table and the stored settings. Its pages (系统设置) belong to
//! 账号与授权, where the permission to manage settings is; the jobs belong to the modules whose
//! work they do.
use super::Module;

pub static MODULE: Module = Module {
    name: "system",
    label: "系统运行",
    api_ops: &[crate::api::settings::OPS],
    pages: axum::Router::new,
    page_actions: &[],
    permissions: &[],
    audit_labels: &[],
    tabs: &[],
    tables: &[crate::app::system::TABLES],
    jobs: &[],
    todos: None,
};
