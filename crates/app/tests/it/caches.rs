//! The node's short-lived read caches (principal, list pages) never hide this node's own
//! writes: the next read after a change sees it.

use serde_json::json;

use crate::both;
use crate::harness::TestApp;

both!(a_write_is_seen_at_once_despite_the_caches, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (s, before) = app.get_json(&jw, "/api/v1/people").await;
    assert_eq!(s, 200);
    let total = before["total"].as_i64().unwrap();
    // the same page again: served from the cache, identical
    assert_eq!(app.get_json(&jw, "/api/v1/people").await.1, before);

    // a new person shows on the next read
    let org = app.org_id("XW-D08").await;
    let (s, v) = app.send_json(reqwest::Method::POST, &jw, "/api/v1/people", json!({"org_id": org, "name": "缓存测", "gender": "女"})).await;
    assert_eq!(s, 201, "{v}");
    let (_, after) = app.get_json(&jw, "/api/v1/people").await;
    assert_eq!(after["total"].as_i64().unwrap(), total + 1);
    let (_, found) = app.get_json(&jw, "/api/v1/people?q=%E7%BC%93%E5%AD%98%E6%B5%8B").await;
    assert_eq!(found["total"], 1, "{found}");

    // grants revoked by the 安全保密管理员 take effect on the next request
    let (_, me) = app.get_json(&jw, "/api/v1/me").await;
    let sec = app.token("secadmin").await;
    let (_, grants) = app.get_json(&sec, &format!("/api/v1/users/{}/grants", me["id"])).await;
    for g in grants["items"].as_array().unwrap() {
        let (s, _) = app.send_json(reqwest::Method::DELETE, &sec, &format!("/api/v1/grants/{}", g["id"]), json!({})).await;
        assert_eq!(s, 204);
    }
    assert_eq!(app.get_json(&jw, "/api/v1/people").await.0, 403);

    // a token signed out is refused at once
    let (s, _) = app.send_json(reqwest::Method::POST, &jw, "/api/v1/auth/logout", json!({})).await;
    assert_eq!(s, 204);
    assert_eq!(app.get_json(&jw, "/api/v1/me").await.0, 401);
});

both!(a_write_made_while_serving_a_page_is_seen_by_the_next_request, |app: TestApp| async move {
    // the enrolment page stores a pending secret on GET; the code typed next must match it
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "admin"), ("password", crate::harness::PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    let csrf = page.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let secret = page.split("<p class=\"mono\">").nth(1).and_then(|s| s.split('<').next()).unwrap().trim().to_string();
    let t = u64::try_from(lianzheng_store::now()).unwrap();
    let code = lianzheng_core::totp::code_at(&secret, t).unwrap();
    let r = c.post(app.url("/account/totp")).form(&[("_csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303, "the code of the secret just shown is accepted");
    assert_eq!(r.headers()["location"], "/account?done=totp");
});

both!(metrics_are_off_unless_enabled_and_writers_take_turns, |app: TestApp| async move {
    // the cache counters are not published by default
    let r = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // sixteen writers at once all commit (on SQLite they queue in this process, in order)
    let db = app.state.db.clone();
    db.execute_script("CREATE TABLE writer_turns (v BIGINT)".to_string()).await.unwrap();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16i64 {
        let db = db.clone();
        set.spawn(async move {
            for k in 0..5i64 {
                let mut tx = db.begin().await?;
                tx.execute(lianzheng_store::q("INSERT INTO writer_turns (v) VALUES ($1)").bind(i * 100 + k)).await?;
                tx.commit().await?;
            }
            Ok::<(), lianzheng_store::StoreError>(())
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM writer_turns")).await.unwrap(), 80);
    db.execute_script("DROP TABLE writer_turns".to_string()).await.unwrap();
});

both!(a_plan_snapshot_stays_warm_until_its_own_items_change, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let (_, v) = app.get_json(&jw, "/api/v1/duty/plans").await;
    let county = v["items"].as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("党风廉政建设工作任务分工")).unwrap()["id"].as_i64().unwrap();
    let tree = |v: &serde_json::Value, id: i64| v["items"].as_array().unwrap().iter().find(|i| i["task"]["id"] == id).map(|i| i["task"]["progress"].as_i64().unwrap());
    let canteen = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM tasks WHERE title LIKE '%开展校园餐管理专项整治%'")).await.unwrap();
    let (s, first) = app.get_json(&jw, &format!("/api/v1/duty/plans/{county}")).await;
    assert_eq!(s, 200, "{first}");

    // 教育局's own plan and item, and a report on it: the county plan's snapshot stays warm
    let own = app.org_id("XW-D08").await;
    let (s, v) = app.send_json(reqwest::Method::POST, &dw, "/api/v1/duty/plans", json!({"year": 2026, "org_id": own, "title": "2026年教育局任务分工"})).await;
    assert_eq!(s, 201, "{v}");
    let plan = v["plan"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(reqwest::Method::POST, &dw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "食堂经费自查"})).await;
    assert_eq!(s, 201, "{v}");
    let item = v["task"]["task"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(reqwest::Method::POST, &dw, &format!("/api/v1/duty/tasks/{item}/reports"), json!({"percent": 40, "text": "已自查三所学校"})).await;
    assert_eq!(s, 201, "{v}");
    let misses = app.state.caches.plans.misses();
    let (_, again) = app.get_json(&jw, &format!("/api/v1/duty/plans/{county}")).await;
    assert_eq!(again["items"], first["items"]);
    assert_eq!(app.state.caches.plans.misses(), misses, "a write to another plan leaves this one's snapshot warm");

    // a report on the county plan is seen on the next read
    let (s, v) = app.send_json(reqwest::Method::POST, &dw, &format!("/api/v1/duty/tasks/{canteen}/reports"), json!({"percent": 55, "text": "第二轮排查完成"})).await;
    assert_eq!(s, 201, "{v}");
    let (_, after) = app.get_json(&jw, &format!("/api/v1/duty/plans/{county}")).await;
    assert_eq!(tree(&after, canteen), Some(55));
    assert_eq!(app.state.caches.plans.misses(), misses + 1);
});
