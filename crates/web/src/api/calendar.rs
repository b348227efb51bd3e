//! API of 工作日历: a year's holidays and adjusted working days, a time limit counted in
//! working days, and (系统管理员) changing a day and marking a year as checked.

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Op;
use crate::app::calendar::{self as uc, DayInput};
use crate::auth::Principal;
use crate::error::AppResult;
use crate::forms::{ApiJson, Q, lenient};
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/calendar/deadline",
        summary: "按工作日计算期限：?from=YYYY-MM-DD&days=N（0～1000），发文当日不计、次日起算；答复到期日、星期、自然日数，以及未维护节假日（按周一至周五计算）或待核对的年份",
        tag: "工作日历",
        route: || get(deadline),
    },
    Op {
        method: "get", path: "/calendar/{year}", summary: "一年的工作日历：休息日与调休上班日、是否已按国务院通知核对、全年工作日数；未维护的年份按周一至周五计算", tag: "工作日历", route: || get(year)
    },
    Op {
        method: "put",
        path: "/calendar/days/{date}",
        summary: "设置某日（系统管理员）：{\"kind\": \"holiday\"（休息日）|\"workday\"（调休上班日，须为周六、周日）|\"plain\"（按周一至周五）, \"name\": \"春节\"}；日期写作 YYYY-MM-DD（或 YYYYMMDD）；立即用于期限计算",
        tag: "工作日历",
        route: || put(set_day),
    },
    Op {
        method: "post", path: "/calendar/{year}/confirm", summary: "标记该年安排已按国务院通知核对（系统管理员）；请求体可为 {\"confirmed\": false} 以改回待核对", tag: "工作日历", route: || post(confirm)
    },
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeadlineQuery {
    from: String,
    days: String,
}

async fn deadline(State(st): State<AppState>, p: Principal, Q(q): Q<DeadlineQuery>) -> AppResult<Json<Value>> {
    Ok(Json(json!(uc::deadline_query(&st, &p, &q.from, &q.days).await?)))
}

async fn year(State(st): State<AppState>, p: Principal, Path(year): Path<String>) -> AppResult<Json<Value>> {
    let y = uc::parse_year(&year)?;
    Ok(Json(json!(uc::year(&st, &p, y).await?)))
}

async fn set_day(State(st): State<AppState>, p: Principal, Path(date): Path<String>, ApiJson(input): ApiJson<DayInput>) -> AppResult<Json<Value>> {
    Ok(Json(json!(uc::set_day(&st, &p, &date, &input).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmInput {
    #[serde(deserialize_with = "lenient")]
    confirmed: String,
}

async fn confirm(State(st): State<AppState>, p: Principal, Path(year): Path<String>, body: axum::body::Bytes) -> AppResult<Json<Value>> {
    // the body is optional: none or {} confirms; what does not read is refused by the use case
    let confirmed = if body.iter().all(u8::is_ascii_whitespace) { String::new() } else { serde_json::from_slice::<ConfirmInput>(&body).map_or_else(|_| "?".to_string(), |i| i.confirmed) };
    Ok(Json(json!(uc::confirm(&st, &p, &year, &confirmed).await?)))
}
