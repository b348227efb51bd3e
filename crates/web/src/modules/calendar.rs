//! 工作日历: China's holidays and adjusted working days per year, edited by the 系统管理员 and
//! read by every time limit counted in working days (`app::calendar::add_workdays`,
//! `app::calendar::deadline`). Its page is reached from 系统设置.
use lianzheng_core::org::Permission;

use super::{Module, Need, api, post};

pub static MODULE: Module = Module {
    name: "calendar",
    label: "工作日历",
    api_ops: &[crate::api::calendar::OPS],
    pages: crate::pages::calendar::routes,
    page_actions: &[
        post("/calendar/days/{date}", Need::Perm(Permission::ManageSettings), api("PUT /calendar/days/{date}")),
        post("/calendar/{year}/confirm", Need::Perm(Permission::ManageSettings), api("POST /calendar/{year}/confirm")),
    ],
    permissions: &[Permission::ManageSettings],
    audit_labels: lianzheng_core::audit_labels::CALENDAR,
    tabs: &[],
    tables: &[crate::app::calendar::TABLES],
    jobs: &[],
    todos: None,
};
