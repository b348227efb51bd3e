//! 工作日历 (issue 9, item 6): the shipped 2026 data counts limits across the Spring Festival
//! and National Day weeks; an edit by the 系统管理员 changes a limit at once (the node's cache is
//! made stale by the write) and is audited; nobody else may edit; bad input is refused with a
//! Chinese reason and changes nothing; the shipped data never overwrites an edited year.

use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};
use time::{Date, Month};

use crate::both;
use crate::harness::{PW, TestApp};

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

async fn deadline(app: &TestApp, token: &str, from: &str, days: &str) -> (u16, Value) {
    app.get_json(token, &format!("/api/v1/calendar/deadline?from={from}&days={days}")).await
}

/// Every row of the calendar's tables, to show nothing changed.
async fn rows(app: &TestApp) -> Vec<String> {
    let years: Vec<(i64, bool, String, String)> = app.state.db.fetch_all(q("SELECT year, confirmed, source, note FROM calendar_years ORDER BY year")).await.unwrap();
    let days: Vec<(String, String, String)> = app.state.db.fetch_all(q("SELECT day, kind, name FROM calendar_days ORDER BY day")).await.unwrap();
    years.iter().map(|y| format!("{y:?}")).chain(days.iter().map(|d| format!("{d:?}"))).collect()
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action)).await.unwrap()
}

both!(shipped_2026_counts_across_the_spring_festival_and_national_day, |app: TestApp| async move {
    let token = app.token("gb_jyj").await;
    // From Tuesday 10 Feb 2026, 15 working days (the day of issue not counted):
    //   11, 12, 13 Feb (Wed–Fri) = 3; Saturday 14 Feb is worked (调休) = 4;
    //   15–23 Feb are the Spring Festival holiday; 24, 25, 26, 27 Feb = 8; Saturday 28 Feb worked = 9;
    //   2, 3, 4, 5, 6 Mar = 14; Monday 9 Mar = 15.  (Plain weekdays would have said 3 March.)
    let (s, v) = deadline(&app, &token, "2026-02-10", "15").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["date"].as_str(), v["days"].as_i64(), v["weekday"].as_str(), v["natural_days"].as_i64()), (Some("2026-03-09"), Some(15), Some("周一"), Some(27)), "{v}");
    assert_eq!(v["notes"], json!([]));
    // From Monday 28 Sep 2026: 29, 30 Sep = 2; 1–7 Oct are the National Day holiday; 8, 9 Oct = 4;
    // Saturday 10 Oct is worked (调休) = 5; then 12–16 Oct = 10.
    let (_, v) = deadline(&app, &token, "2026-09-28", "5").await;
    assert_eq!(v["date"], "2026-10-10", "{v}");
    let (_, v) = deadline(&app, &token, "2026-09-28", "10").await;
    assert_eq!(v["date"], "2026-10-16", "{v}");
    // the functions other modules call
    let st = &app.state;
    assert_eq!(lianzheng_web::app::calendar::add_workdays(st, day(2026, 2, 10), 15).await.unwrap(), day(2026, 3, 9));
    assert_eq!(lianzheng_web::app::calendar::workdays_between(st, day(2026, 9, 28), day(2026, 10, 10)).await.unwrap(), 5);
    assert!(lianzheng_web::app::calendar::is_workday(st, day(2026, 9, 20)).await.unwrap(), "Sunday 20 Sep is worked");

    // the years: 2026 confirmed, 2027 an estimate to check, 2028 without data
    let (s, y) = app.get_json(&token, "/api/v1/calendar/2026").await;
    assert_eq!(s, 200);
    assert_eq!((y["confirmed"].as_bool(), y["can_edit"].as_bool()), (Some(true), Some(false)));
    let feb15 = y["days"].as_array().unwrap().iter().find(|d| d["date"] == "2026-02-15").unwrap();
    assert_eq!((feb15["kind"].as_str(), feb15["name"].as_str()), (Some("holiday"), Some("春节")));
    assert_eq!(y["years"], json!([2026, 2027]));
    let (_, y) = app.get_json(&token, "/api/v1/calendar/2027").await;
    assert_eq!((y["maintained"].as_bool(), y["confirmed"].as_bool()), (Some(true), Some(false)));
    assert_eq!(y["status"], "2027 年节假日安排待国务院通知发布后核对");
    let (_, y) = app.get_json(&token, "/api/v1/calendar/2028").await;
    assert_eq!((y["maintained"].as_bool(), y["status"].as_str()), (Some(false), Some("2028 年未维护节假日，按周一至周五计算")));
    let (_, v) = deadline(&app, &token, "2027-12-30", "3").await;
    assert_eq!(v["date"], "2028-01-04");
    assert_eq!(v["notes"], json!(["2028 年未维护节假日，按周一至周五计算", "2027 年节假日安排待国务院通知发布后核对"]));

    // the operations are in the OpenAPI document, with their parameters
    let doc: Value = app.client().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let names = |path: &str, method: &str| doc["paths"][path][method]["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names("/api/v1/calendar/deadline", "get"), ["from", "days"]);
    assert_eq!(names("/api/v1/calendar/days/{date}", "put"), ["date"]);
    assert_eq!(names("/api/v1/calendar/{year}/confirm", "post"), ["year"]);

    // everyone signed in reads the page; the grid shows the holiday in red
    let (c, _) = app.sign_in("gb_jyj").await;
    let html = c.get(app.url("/calendar?year=2026")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<td class="cal-holiday" data-date="2026-02-16">"#), "Monday 16 Feb in red");
    assert!(html.contains(r#"<td class="cal-workday" data-date="2026-02-14">"#), "Saturday 14 Feb marked 班");
    assert!(!html.contains("/calendar/days/"), "no edit form or links for a cadre");
    let html = c.get(app.url("/calendar?year=2026&from=2026-02-10&days=15")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("2026-03-09（周一）"), "the calculator");
});

both!(an_admin_edit_changes_a_limit_at_once_and_is_audited, |app: TestApp| async move {
    let admin = app.token("admin").await;
    let staff = app.token("jw_staff").await;
    // warm the node's cache: Monday 2 Mar + 5 working days = Monday 9 Mar
    assert_eq!(deadline(&app, &staff, "2026-03-02", "5").await.1["date"], "2026-03-09");
    assert_eq!(lianzheng_web::app::calendar::add_workdays(&app.state, day(2026, 3, 2), 5).await.unwrap(), day(2026, 3, 9));
    let before = audits(&app, "calendar.set_day").await;
    let (s, v) = app.send_json(Method::PUT, &admin, "/api/v1/calendar/days/2026-03-04", json!({"kind": "holiday", "name": "测试假日"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["changed"].as_bool(), v["day"]["kind"].as_str(), v["year"]["edited"].as_bool()), (Some(true), Some("holiday"), Some(true)), "{v}");
    // at once, through the API and the use case
    assert_eq!(deadline(&app, &staff, "2026-03-02", "5").await.1["date"], "2026-03-10");
    assert_eq!(lianzheng_web::app::calendar::add_workdays(&app.state, day(2026, 3, 2), 5).await.unwrap(), day(2026, 3, 10));
    assert_eq!(audits(&app, "calendar.set_day").await, before + 1);
    let (actor, entity_id): (String, String) = app.state.db.fetch_one(q("SELECT actor_name, entity_id FROM audit_log WHERE action = 'calendar.set_day' ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(entity_id, "2026-03-04");
    assert!(!actor.is_empty());
    // the same again changes nothing and writes nothing
    let (s, v) = app.send_json(Method::PUT, &admin, "/api/v1/calendar/days/2026-03-04", json!({"kind": "holiday", "name": "测试假日"})).await;
    assert_eq!((s, v["changed"].as_bool()), (200, Some(false)));
    assert_eq!(audits(&app, "calendar.set_day").await, before + 1);
    // back to an ordinary day; a Sunday made a working day (ISO basic date in the path)
    let (s, _) = app.send_json(Method::PUT, &admin, "/api/v1/calendar/days/2026-03-04", json!({"kind": "plain"})).await;
    assert_eq!(s, 200);
    assert_eq!(deadline(&app, &staff, "2026-03-02", "5").await.1["date"], "2026-03-09");
    let (s, v) = app.send_json(Method::PUT, &admin, "/api/v1/calendar/days/20260308", json!({"kind": "workday", "name": "测试"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(deadline(&app, &staff, "2026-03-02", "5").await.1["date"], "2026-03-08");
    assert_eq!(audits(&app, "calendar.set_day").await, before + 3);

    // 2027: marked as checked (audited), and undone
    let (s, y) = app.send_json(Method::POST, &admin, "/api/v1/calendar/2027/confirm", json!({})).await;
    assert_eq!((s, y["confirmed"].as_bool(), y["status"].as_str()), (200, Some(true), Some("已按国务院通知核对")), "{y}");
    let (s, y) = app.send_json(Method::POST, &admin, "/api/v1/calendar/2027/confirm", json!({"confirmed": false})).await;
    assert_eq!((s, y["confirmed"].as_bool()), (200, Some(false)));
    assert_eq!(audits(&app, "calendar.confirm").await, 2);
    // an edited year is never overwritten by the shipped data at the next start
    lianzheng_web::app::calendar::seed(&app.state.db).await.unwrap();
    assert_eq!(deadline(&app, &staff, "2026-03-02", "5").await.1["date"], "2026-03-08", "the edit survives a restart");
    let source: String = app.state.db.fetch_one::<(String,)>(q("SELECT source FROM calendar_years WHERE year = 2027")).await.unwrap().0;
    assert_eq!(source, "edited");

    // the page's form (系统管理员): click a day, save it, see it red
    let (c, csrf) = admin_page(&app).await;
    let html = c.get(app.url("/calendar?year=2026&day=2026-03-05")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"action="/calendar/days/2026-03-05""#), "the day's form is open");
    let r = c.post(app.url("/calendar/days/2026-03-05")).form(&[("kind", "holiday"), ("name", "页面测试"), ("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = c.get(app.url("/calendar?year=2026")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<td class="cal-holiday" data-date="2026-03-05">"#));
    // a refused change shows the form again with what was typed
    let r = c.post(app.url("/calendar/days/2026-03-06")).form(&[("kind", "workday"), ("name", "周五上班"), ("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("3月6日是周五，本就是工作日，不能设为调休上班日") && html.contains(r#"value="周五上班""#), "reason and typed name kept");
    // the settings page links to it
    let html = c.get(app.url("/admin/settings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"href="/calendar""#));
});

/// The 系统管理员's page session; returns the client and the CSRF token.
async fn admin_page(app: &TestApp) -> (reqwest::Client, String) {
    let secret: String = {
        // the API token above enrolled a secret we do not know: enrol a fresh one
        app.enrol_totp("admin").await
    };
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "admin"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = c.get(app.url("/login/totp?next=/")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // a code not used by the API sign-in before (replay guard): the next time step's
    let code = lianzheng_core::totp::code_at(&secret, now + 30).unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("code", code.as_str()), ("next", "/"), ("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303, "second factor");
    let html = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    (c, csrf)
}

both!(only_the_system_admin_edits_and_bad_input_changes_nothing, |app: TestApp| async move {
    let before = rows(&app).await;
    let writes = || async { audits(&app, "calendar.set_day").await + audits(&app, "calendar.confirm").await };
    // nobody but the 系统管理员: 403, nothing changed
    for user in ["jw_staff", "dw_jyj", "secadmin", "auditor"] {
        let token = app.token(user).await;
        let (s, v) = app.send_json(Method::PUT, &token, "/api/v1/calendar/days/2026-03-04", json!({"kind": "holiday", "name": "越权"})).await;
        assert_eq!(s, 403, "{user}: {v}");
        assert!(v["message"].as_str().unwrap().contains("权限"));
        let (s, _) = app.send_json(Method::POST, &token, "/api/v1/calendar/2027/confirm", json!({})).await;
        assert_eq!(s, 403, "{user}");
        // reading is for everyone
        assert_eq!(app.get_json(&token, "/api/v1/calendar/2026").await.0, 200, "{user}");
    }
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let r = c.post(app.url("/calendar/days/2026-03-04")).form(&[("kind", "holiday"), ("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(rows(&app).await, before);
    assert_eq!(writes().await, 0);

    // bad input from the 系统管理员: a Chinese reason (422, as every invalid input), nothing changed
    let admin = app.token("admin").await;
    let chinese = |v: &Value| v["message"].as_str().is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    for (path, body, field) in [
        ("/api/v1/calendar/days/2026-02-30", json!({"kind": "holiday"}), "date"),
        ("/api/v1/calendar/days/1800-01-01", json!({"kind": "holiday"}), "date"),
        ("/api/v1/calendar/days/not-a-date", json!({"kind": "holiday"}), "date"),
        ("/api/v1/calendar/days/2026-02-16", json!({"kind": "workday"}), "kind"),
        ("/api/v1/calendar/days/2026-03-04", json!({"kind": "bogus"}), "kind"),
        ("/api/v1/calendar/days/2026-03-04", json!({}), "kind"),
        ("/api/v1/calendar/days/2026-03-04", json!({"kind": "holiday", "name": "一二三四五六七八九十一二三四五六七八九十一"}), "name"),
    ] {
        let (s, v) = app.send_json(Method::PUT, &admin, path, body.clone()).await;
        assert_eq!(s, 422, "{path} {body}: {v}");
        assert!(chinese(&v) && v["fields"][field].is_string(), "{path} {body}: {v}");
    }
    for (path, field) in [
        ("/api/v1/calendar/deadline?from=2026-02-10&days=-1", "days"),
        ("/api/v1/calendar/deadline?from=2026-02-10&days=100000", "days"),
        ("/api/v1/calendar/deadline?from=2026-02-10&days=1.5", "days"),
        ("/api/v1/calendar/deadline?from=2026-02-30&days=5", "from"),
        ("/api/v1/calendar/deadline?days=5", "from"),
        ("/api/v1/calendar/1800", "year"),
        ("/api/v1/calendar/abc", "year"),
    ] {
        let (s, v) = app.get_json(&admin, path).await;
        assert_eq!(s, 422, "{path}: {v}");
        assert!(chinese(&v) && v["fields"][field].is_string(), "{path}: {v}");
    }
    for (path, body) in [("/api/v1/calendar/1800/confirm", json!({})), ("/api/v1/calendar/2027/confirm", json!({"confirmed": "maybe"}))] {
        let (s, v) = app.send_json(Method::POST, &admin, path, body).await;
        assert_eq!(s, 422, "{path}: {v}");
        assert!(chinese(&v), "{v}");
    }
    assert_eq!(rows(&app).await, before, "nothing changed");
    assert_eq!(writes().await, 0, "nothing audited as a change");
});

both!(shipped_data_fills_missing_years_and_updates_unedited_ones, |app: TestApp| async move {
    let db = &app.state.db;
    // the template database was seeded at its first start: the next start writes nothing
    assert_eq!(lianzheng_web::app::calendar::seed(db).await.unwrap(), Vec::<i32>::new());
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.seed'")).await.unwrap(), 2);
    // an older release's 2027 (a day fewer), still as shipped: brought up to this release's data
    db.execute(q("DELETE FROM calendar_days WHERE day = '2027-06-09'")).await.unwrap();
    // a year lost (an archive from before the calendar): loaded again
    db.execute(q("DELETE FROM calendar_days WHERE year = 2026")).await.unwrap();
    db.execute(q("DELETE FROM calendar_years WHERE year = 2026")).await.unwrap();
    assert_eq!(lianzheng_web::app::calendar::seed(db).await.unwrap(), vec![2026, 2027]);
    let token = app.token("gb_jyj").await;
    assert_eq!(deadline(&app, &token, "2026-02-10", "15").await.1["date"], "2026-03-09");
    assert!(!lianzheng_web::app::calendar::is_workday(&app.state, day(2027, 6, 9)).await.unwrap(), "端午节 2027 back");
});
