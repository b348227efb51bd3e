//! 工作台: the signed-in person's unit, scope, and the modules to come.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lianzheng_core::ids::TaskId;
use lianzheng_core::org::Permission;

use super::render;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::layout::Layout;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    unit_name: String,
    scope_names: Vec<String>,
    stats: Vec<(&'static str, i64)>,
    /// (name, what it holds, page if built)
    modules: Vec<(&'static str, &'static str, Option<&'static str>)>,
    must_enrol_totp: bool,
    /// today's 任务分工 reminders for units in scope: (task id, title, unit, overdue?, deadline)
    reminders: Vec<(TaskId, String, String, bool, String)>,
}

const MODULES: &[(&str, &str, Option<&str>)] = &[
    ("定责", "责任清单、任务分工、责任书", Some("/duty")),
    ("履责", "履责纪实、廉政约谈、抄告单、述责述廉、廉政档案", None),
    ("考责", "检查考核、评分标准、廉政测评、通报", None),
    ("追责", "问题台账、整改销号、督办、问责", None),
    ("信访举报", "来信来访来电网络举报、问题线索处置", None),
    ("巡察", "巡察组、问题底稿、反馈与整改", None),
    ("统计与公文", "统计报表、公文生成", None),
];

pub async fn home(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let crate::app::org::Whereabouts { unit_name, scope_names, stats } = crate::app::org::whereabouts(&st, &p).await?;
    let reminders = match p.require(Permission::ViewDuty) {
        Ok(_) => {
            crate::app::duty::tasks::my_reminders(&st, &p).await?.iter().take(10).map(|r| (r.task_id, r.task_title.clone(), r.org_name.clone(), r.kind == "overdue", r.deadline.clone().unwrap_or_default())).collect()
        }
        Err(_) => vec![],
    };
    render(&HomePage { l: Layout::new(&st, &p, "工作台", "/"), unit_name, scope_names, stats, modules: MODULES.to_vec(), must_enrol_totp: !p.user.totp_enabled, reminders })
}
