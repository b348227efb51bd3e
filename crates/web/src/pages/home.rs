//! 工作台: what waits for the signed-in person (待办), their unit and scope, and the modules
//! to come; and the header's bell (`/todo/bell`, fetched after a page has loaded when its count
//! is not already known on this node).

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::render;
use crate::app::todo::Todos;
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
    todos: Arc<Todos>,
}

const MODULES: &[(&str, &str, Option<&str>)] = &[
    ("定责", "责任清单、任务分工、责任书", Some("/duty")),
    ("履责", "履责纪实、廉政约谈、谈话函询、廉政教育与考试", Some("/conduct")),
    ("考责", "检查考核、评分标准、廉政测评、通报", None),
    ("追责", "问题台账、整改销号、督办、问责", None),
    ("信访举报", "来信来访来电网络举报、问题线索处置", None),
    ("巡察", "巡察组、问题底稿、反馈与整改", None),
    ("统计与公文", "统计报表、公文生成", None),
];

/// The 工作台 module's page routes (the home page itself is a shell route).
pub fn routes() -> Router<AppState> {
    Router::new().route("/todo/bell", get(bell))
}

pub async fn home(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let crate::app::org::Whereabouts { unit_name, scope_names, stats } = crate::app::org::whereabouts(&st, &p).await?;
    // before the layout: the header's bell then shows the count without asking again
    let todos = crate::app::todo::mine(&st, &p).await?;
    render(&HomePage { l: Layout::new(&st, &p, "工作台", "/"), unit_name, scope_names, stats, modules: MODULES.to_vec(), must_enrol_totp: !p.user.totp_enabled, todos })
}

#[derive(Template)]
#[template(path = "todo_bell.html")]
struct Bell {
    bell: Option<i64>,
}

/// The header's bell with the caller's 待办 count (an htmx fragment).
pub async fn bell(State(st): State<AppState>, p: Principal) -> AppResult<Response> {
    let todos = crate::app::todo::mine(&st, &p).await?;
    render(&Bell { bell: Some(todos.total) })
}
