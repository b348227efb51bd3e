//! 系统设置 (issue 8, item 6): the 系统管理员 changes deadlines, the metrics switch, the
//! dictionaries and the jobs' timings through the page and the API; a change applies without a
//! restart, a bad value is refused with a Chinese reason and nothing saved, and only the
//! 系统管理员 may do it.

use std::collections::BTreeMap;

use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

fn value(v: &Value, key: &str) -> String {
    v["items"].as_array().unwrap().iter().find(|i| i["key"] == key).unwrap_or_else(|| panic!("{key} in {v}"))["value"].as_str().unwrap().to_string()
}

async fn stored(app: &TestApp) -> BTreeMap<String, String> {
    app.state.db.fetch_all::<(String, String)>(q("SELECT key, value FROM settings")).await.unwrap().into_iter().collect()
}

async fn audits(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'setting.update'")).await.unwrap()
}

async fn run_at(app: &TestApp, kind: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT run_at FROM jobs WHERE kind = $1").bind(kind)).await.unwrap()
}

/// The 系统管理员's page session (password, then the second factor).
async fn admin_page(app: &TestApp) -> (reqwest::Client, String) {
    let secret = app.enrol_totp("admin").await;
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "admin"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = c.get(app.url("/login/totp?next=/")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = lianzheng_core::totp::code_at(&secret, now).unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("code", code.as_str()), ("next", "/"), ("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303, "second factor");
    let html = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    // an API token for the same account: the code just used may not be used twice
    let code = lianzheng_core::totp::code_at(&secret, now + 30).unwrap();
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&json!({"username": "admin", "password": PW, "totp": code})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    (c, format!("{csrf}\n{token}"))
}

/// The router served with the peer address known, as `lianzheng serve` does (/metrics answers
/// this machine only).
async fn serve_with_peer(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = lianzheng_web::router(app.state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, service).await;
    });
    format!("http://{addr}/metrics")
}

both!(settings_apply_without_restart_through_the_api, |app: TestApp| async move {
    let app = &app;
    let admin = app.token("admin").await;
    let (s, v) = app.get_json(&admin, "/api/v1/settings").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(value(&v, "list_deadline"), "03-31");
    assert_eq!(value(&v, "metrics_enabled"), "off");
    assert_eq!(value(&v, "job.task_reminders"), "6");
    let items = v["items"].as_array().unwrap();
    assert!(items.iter().all(|i| !i["label"].as_str().unwrap().is_empty() && !i["help"].as_str().unwrap().is_empty() && i["default"].is_string()), "{v}");
    assert!(items.iter().any(|i| i["label"] == "任务到期提醒：每日运行时间"), "job labels in Chinese: {v}");

    // the metrics switch: off, then on at once
    let metrics = serve_with_peer(app).await;
    assert_eq!(app.client().get(&metrics).send().await.unwrap().status(), 404);
    // the deadline: the coverage page shows the new one
    let (c, _) = app.sign_in("jw_staff").await;
    let year = lianzheng_web::pages::duty::current_year();
    assert!(c.get(app.url("/duty/coverage")).send().await.unwrap().text().await.unwrap().contains(&format!("{year}-03-31")));

    let audits_before = audits(app).await;
    let (s, v) = app
        .send_json(Method::PUT, &admin, "/api/v1/settings", json!({"list_deadline": "4-30", "metrics_enabled": true, "job.task_reminders": 9, "job.session_cleanup": "5", "list_categories": ["监督", "问责", "廉政教育"]}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["changed"].as_array().unwrap().len(), 5, "{v}");
    assert_eq!(value(&v, "list_deadline"), "04-30");
    assert_eq!(audits(app).await, audits_before + 5, "each change audited");
    let entry: (String,) = app.state.db.fetch_one(q("SELECT summary FROM audit_log WHERE action = 'setting.update' AND entity_id = 'list_deadline'")).await.unwrap();
    assert!(entry.0.contains("04-30"), "{}", entry.0);

    assert_eq!(app.client().get(&metrics).send().await.unwrap().status(), 200, "metrics on without a restart");
    assert!(c.get(app.url("/duty/coverage")).send().await.unwrap().text().await.unwrap().contains(&format!("{year}-04-30")), "the new deadline in force");
    // the dictionary is offered in the list forms
    let list = app.state.db.scalar_i64(q("SELECT MIN(id) FROM duty_lists")).await.unwrap();
    let html = c.get(app.url(&format!("/duty/lists/{list}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<option value=\"廉政教育\">"), "categories offered");
    // the jobs: the worker's timings and the next runs follow the new ones
    let schedule = lianzheng_web::app::settings::schedule(&app.state);
    assert_eq!((schedule.task_reminder_hour, schedule.session_cleanup_secs), (9, 300));
    assert_eq!(run_at(app, "task_reminders").await, lianzheng_web::app::system::next_at_hour(9));
    let soon = run_at(app, "session_cleanup").await - lianzheng_store::now();
    assert!((290..=300).contains(&soon), "{soon}");

    // the same value again changes nothing
    let (s, v) = app.send_json(Method::PUT, &admin, "/api/v1/settings", json!({"list_deadline": "04-30"})).await;
    assert_eq!(s, 200);
    assert_eq!(v["changed"].as_array().unwrap().len(), 0);
    assert_eq!(audits(app).await, audits_before + 5);
});

both!(bad_settings_are_refused_and_nothing_is_saved, |app: TestApp| async move {
    let app = &app;
    let admin = app.token("admin").await;
    let before = stored(app).await;
    let audits_before = audits(app).await;
    let tries = [
        (json!({"list_deadline": "02-30"}), "list_deadline", "请按“月-日”填写，如 03-31"),
        (json!({"task_yellow_days": "七"}), "task_yellow_days", "请填写 0～90 之间的整数（天）"),
        (json!({"letter_threshold": 2}), "letter_threshold", "请填写 0.30～0.99 之间的小数"),
        (json!({"job.task_reminders": 24}), "job.task_reminders", "请填写 0～23 之间的整数（点）"),
        (json!({"list_categories": "\n \n"}), "list_categories", "请至少填写一项"),
        (json!({"no_such": "1"}), "no_such", "没有名为 no_such 的设置项"),
        // one good value with a bad one: neither is saved
        (json!({"list_deadline": "05-31", "metrics_enabled": "maybe"}), "metrics_enabled", "请选择开启或关闭"),
    ];
    for (body, field, message) in tries {
        let (s, v) = app.send_json(Method::PUT, &admin, "/api/v1/settings", body.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["fields"][field].as_str().unwrap().ends_with(message), "{body}: {v}");
        assert!(v["message"].as_str().unwrap().starts_with("设置未保存"), "{v}");
    }
    assert_eq!(stored(app).await, before, "nothing saved");
    assert_eq!(audits(app).await, audits_before);
    let (_, v) = app.get_json(&admin, "/api/v1/settings").await;
    assert_eq!(value(&v, "list_deadline"), "03-31");
    let (s, _) = app.send_json(Method::PUT, &admin, "/api/v1/settings", json!(["list_deadline"])).await;
    assert_eq!(s, 422, "not an object");

    // only the 系统管理员
    for user in ["jw_staff", "dw_jyj", "secadmin"] {
        let t = app.token(user).await;
        assert_eq!(app.get_json(&t, "/api/v1/settings").await.0, 403, "{user}");
        assert_eq!(app.send_json(Method::PUT, &t, "/api/v1/settings", json!({"list_deadline": "05-31"})).await.0, 403, "{user}");
    }
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c.post(app.url("/admin/settings")).form(&[("_csrf", csrf.as_str()), ("list_deadline", "05-31")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(stored(app).await, before, "nothing saved");
});

both!(settings_page_keeps_what_was_typed_and_applies_at_once, |app: TestApp| async move {
    let app = &app;
    let (c, both) = admin_page(app).await;
    let (csrf, token) = both.split_once('\n').unwrap();
    let html = c.get(app.url("/admin/settings")).send().await.unwrap().text().await.unwrap();
    for label in ["责任清单报备截止日期", "任务到期提醒提前天数", "运行指标接口", "清单事项类别", "会话清理：运行间隔", "审计日志链校验：运行间隔", "默认：03-31"] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains("保存后立即生效"));
    let before = stored(app).await;
    let r = c.post(app.url("/admin/settings")).form(&[("_csrf", csrf), ("list_deadline", "3月底"), ("task_reminder_days", "10"), ("metrics_enabled", "on")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("请按“月-日”填写，如 03-31"), "Chinese reason");
    assert!(html.contains("value=\"3月底\"") && html.contains("value=\"10\""), "typed values kept");
    assert_eq!(stored(app).await, before, "nothing saved");
    let r = c.post(app.url("/admin/settings")).form(&[("_csrf", csrf), ("list_deadline", "04-15"), ("task_reminder_days", "10"), ("metrics_enabled", "off")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, v) = app.get_json(token, "/api/v1/settings").await;
    assert_eq!((value(&v, "list_deadline"), value(&v, "task_reminder_days")), ("04-15".to_string(), "10".to_string()));
    assert_eq!(lianzheng_web::app::settings::schedule(&app.state).task_reminder_days, 10, "the reminder job's next run uses it");
    let html = c.get(app.url("/admin/settings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("value=\"04-15\"") && html.contains("（已修改）"));
});
