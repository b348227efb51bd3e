//! 待办 (who sees what waits for them) and 催报 (the 纪委 reminds units not yet filed).

use lianzheng_core::org::Role;
use lianzheng_store::audit::Actor;
use lianzheng_store::users::{self, UserInput};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

/// The items of a kind in a 待办 answer.
fn items<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).collect()
}

fn count(v: &Value, kind: &str) -> i64 {
    items(v, kind).iter().map(|i| i["count"].as_i64().unwrap()).sum()
}

/// All detail lines of a kind, joined.
fn details(v: &Value, kind: &str) -> String {
    items(v, kind).iter().flat_map(|i| i["details"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string())).collect::<Vec<_>>().join("\n")
}

async fn todo(app: &TestApp, token: &str) -> Value {
    let (s, v) = app.get_json(token, "/api/v1/todo").await;
    assert_eq!(s, 200, "{v}");
    let sum: i64 = v["items"].as_array().unwrap().iter().map(|i| i["count"].as_i64().unwrap()).sum();
    assert_eq!(v["total"].as_i64().unwrap(), sum, "the bell's total is the sum of the items: {v}");
    v
}

both!(todo_shows_each_person_what_waits_for_them, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let unit = app.token("dw_jyj").await;
    let cadre = app.token("gb_jyj").await;
    let secretary = app.token("sj_jyj").await;
    let admin = app.token("admin").await;

    // the demo county: 县纪委 has filed lists to review (组织部 returned, two submitted); the unit
    // has none of those, and its clerk is not shown other units' returns
    let before = todo(&app, &jw).await;
    let to_review = count(&before, "duty.list_review");
    assert!(to_review >= 2, "{before}");
    assert_eq!(count(&before, "duty.list_returned"), 0, "the 纪委 returned 组织部's list: not its own to fix: {before}");
    let u0 = todo(&app, &unit).await;
    assert_eq!(count(&u0, "duty.list_review"), 0, "{u0}");
    assert_eq!(count(&u0, "duty.list_returned"), 0, "组织部's return is not 教育局's business: {u0}");
    assert_eq!(count(&u0, "duty.flag_review"), 0, "{u0}");

    // 教育局 files a branch list: it waits for the 纪委
    let branch = app.org_id("XW-D08-ZB1").await;
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": year(), "org_id": branch, "kind": "supervision"})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["list"]["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "支部纪检委员每季度检查一次"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(count(&todo(&app, &jw).await, "duty.list_review"), to_review + 1);

    // returned with a reason: the clerk sees it with the reason and a link to the list; the
    // 纪委 does not; neither do the 书记 and the cadre (not theirs to edit)
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/lists/{id}/review"), json!({"decision": "return", "reason": "请补充廉政风险点"})).await.0, 200);
    let u1 = todo(&app, &unit).await;
    assert_eq!(count(&u1, "duty.list_returned"), 1, "{u1}");
    let item = items(&u1, "duty.list_returned")[0];
    assert_eq!(item["href"], format!("/duty/lists/{id}"));
    assert!(details(&u1, "duty.list_returned").contains("请补充廉政风险点"), "{u1}");
    assert_eq!(item["module"], "定责");
    assert_eq!(item["urgency"], "near");
    let j1 = todo(&app, &jw).await;
    assert_eq!(count(&j1, "duty.list_review"), to_review);
    assert_eq!(count(&j1, "duty.list_returned"), 0, "{j1}");
    for t in [&cadre, &secretary] {
        assert_eq!(count(&todo(&app, t).await, "duty.list_returned"), 0);
    }

    // refiled: gone from the clerk's 待办, back in the 纪委's
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(count(&todo(&app, &unit).await, "duty.list_returned"), 0);
    assert_eq!(count(&todo(&app, &jw).await, "duty.list_review"), to_review + 1);

    // letters wait for their signer only: the cadre signs nothing, the 纪委 signs no unit's letter
    let s1 = todo(&app, &secretary).await;
    assert_eq!(count(&todo(&app, &cadre).await, "duty.letter_sign"), 0);
    assert_eq!(count(&j1, "duty.letter_sign"), 0, "{j1}");
    let (_, letters) = app.get_json(&secretary, "/api/v1/duty/letters?status=draft").await;
    let me = users::get_by_username(&app.state.db, "sj_jyj").await.unwrap().unwrap().person_id.map(|id| id.get());
    let edu = app.org_id("XW-D08").await;
    let mine = letters["items"].as_array().unwrap().iter().filter(|l| l["person_id"].as_i64() == me || (l["person_id"].is_null() && l["org_id"] == edu)).count() as i64;
    assert_eq!(count(&s1, "duty.letter_sign"), mine, "{s1}");

    // the three admins have nothing in 定责; a password reset waits for the 安全保密管理员 (the
    // account module's own 待办), not for the 系统管理员 who asked for it
    let a = todo(&app, &admin).await;
    assert_eq!(a["total"], 0, "{a}");
    let gb = users::get_by_username(&app.state.db, "gb_jyj").await.unwrap().unwrap().id;
    app.state.db.execute(lianzheng_store::q("INSERT INTO password_resets (user_id, requested_at, status) VALUES ($1, 0, 'pending')").bind(gb)).await.unwrap();
    let sec = todo(&app, &app.token("secadmin").await).await;
    assert_eq!(count(&sec, "account.reset_approve"), 1, "{sec}");
    assert_eq!(items(&sec, "account.reset_approve")[0]["href"], "/admin/resets");
    assert_eq!(todo(&app, &admin).await["total"], 0);

    // the home page lists the items with their links; the bell fragment carries the count
    let (c, _) = app.sign_in("dw_jyj").await;
    let home = c.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("id=\"todo\""), "the home page has a 待办 section");
    let total = todo(&app, &unit).await["total"].as_i64().unwrap();
    let bell = c.get(app.url("/todo/bell")).send().await.unwrap().text().await.unwrap();
    if total > 0 {
        assert!(bell.contains(&format!("<span class=\"bell-count\">{total}</span>")), "{bell}");
    } else {
        assert!(home.contains("暂无待办事项"), "an empty 待办 says so");
    }
    assert!(!bell.contains("hx-get"), "the fragment does not fetch itself again: {bell}");
    // not signed in: no bell
    let r = app.client().get(app.url("/todo/bell")).send().await.unwrap();
    assert_ne!(r.status(), 200);
});

both!(remind_units_not_filed, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let unit = app.token("dw_jyj").await;
    let next = year() + 1;

    // a unit's clerk and a 书记 may not send one
    for who in ["dw_jyj", "sj_jyj"] {
        let t = if who == "dw_jyj" { unit.clone() } else { app.token(who).await };
        let (s, v) = app.send_json(Method::POST, &t, "/api/v1/duty/coverage/remind", json!({"year": next})).await;
        assert_eq!(s, 403, "{who}: {v}");
    }
    // a bad kind is a field error
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/coverage/remind", json!({"kind": "x"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["kind"].is_string(), "{v}");

    // a 纪委 staff member whose scope is the 县纪委 only reminds the 派驻纪检组 below it (of the
    // supervision lists), nobody outside
    let jw_org = lianzheng_core::ids::OrgId::new(app.org_id("XW-JW").await);
    let jw_path = lianzheng_store::org::get_by_code(&app.state.db, "XW-JW").await.unwrap().unwrap().path;
    let hash = app.state.hasher.hash(PW).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let actor = Actor::system("测试");
    let narrow_id = users::create(&mut tx, &actor, &UserInput { username: "jw_narrow".into(), display_name: "钱监督".into(), person_id: None, org_id: Some(jw_org) }, &hash, false).await.unwrap();
    users::add_grant(&mut tx, &actor, narrow_id, Role::DisciplineStaff, Some(jw_org)).await.unwrap();
    tx.commit().await.unwrap();
    let narrow = app.token("jw_narrow").await;
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/coverage/remind", json!({"kind": "supervision"})).await;
    assert_eq!(s, 200, "{v}");
    let sent = v["sent"].as_i64().unwrap();
    assert!(sent >= 1, "the 派驻纪检组 have not filed: {v}");
    let rows: Vec<(String,)> = app.state.db.fetch_all(lianzheng_store::q("SELECT org_path FROM list_reminders WHERE sender_id = $1").bind(narrow_id)).await.unwrap();
    assert_eq!(rows.len() as i64, sent);
    assert!(rows.iter().all(|(p,)| p.starts_with(&jw_path) && *p != jw_path), "only units below the 县纪委: {rows:?}");
    assert!(!details(&todo(&app, &unit).await, "duty.list_reminded").contains("钱监督"), "教育局 is outside that scope");

    // the county 纪委 reminds next year's main lists: 教育局 is among them
    let audit_before = app.audit_count().await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/coverage/remind", json!({"year": next, "kind": "main"})).await;
    assert_eq!(s, 200, "{v}");
    let sent = v["sent"].as_i64().unwrap();
    assert!(sent >= 2, "{v}");
    assert_eq!(v["already"], 0);
    assert_eq!(app.audit_count().await, audit_before + 1, "one audit entry for the 催报");
    let (action,): (String,) = app.state.db.fetch_one(lianzheng_store::q("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(action, "duty_list.remind");
    assert_eq!(lianzheng_core::audit_labels::label_for(&action, "duty_list"), Some("催报责任清单"));
    // the county's own unit (the 县委, filed upward) is not reminded by its own 纪委
    let root = app.org_id("XW").await;
    let own = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM list_reminders WHERE org_id = $1").bind(root)).await.unwrap();
    assert_eq!(own, 0);
    // the same day again: nothing new, nothing logged
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/coverage/remind", json!({"year": next, "kind": "main"})).await;
    assert_eq!(s, 200);
    assert_eq!(v["sent"], 0);
    assert_eq!(v["already"].as_i64().unwrap(), sent);
    assert_eq!(app.audit_count().await, audit_before + 1);

    // 教育局's clerk has it in the 待办, with the sender and the day, and on the list page
    let u = todo(&app, &unit).await;
    assert_eq!(count(&u, "duty.list_reminded"), 1, "{u}");
    let d = details(&u, "duty.list_reminded");
    assert!(d.contains("张淑芬") && d.contains(&format!("{next}年度主体责任清单")) && d.contains("某某县教育局"), "{d}");
    let (c, _) = app.sign_in("gb_jyj").await;
    let page = c.get(app.url("/duty/lists")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("催报通知") && page.contains("张淑芬"), "the unit's list page shows the notice");
    // the 纪委 sees it on the coverage page, not as its own 待办
    assert_eq!(count(&todo(&app, &jw).await, "duty.list_reminded"), 0);
    let (_, cov) = app.get_json(&jw, &format!("/api/v1/duty/coverage?year={next}")).await;
    let edu = app.org_id("XW-D08").await;
    let row = cov["items"].as_array().unwrap().iter().find(|r| r["org_id"] == edu).unwrap().clone();
    assert!(row["reminded"].is_string(), "{row}");

    // filed: the notice goes
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": next, "org_id": edu, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["list"]["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "落实下一年度党风廉政建设工作"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(count(&todo(&app, &unit).await, "duty.list_reminded"), 0);
    let page = c.get(app.url("/duty/lists")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("催报通知"));

    // the page: the button asks first and comes back with what was sent; then there is
    // nobody left to remind today
    let (c, csrf) = app.sign_in("jw_staff").await;
    let cov = c.get(app.url(&format!("/duty/coverage?year={next}&kind=supervision"))).send().await.unwrap().text().await.unwrap();
    assert!(cov.contains("data-confirm=\"向 ") && cov.contains("一键催报"), "{cov}");
    let r = c.post(app.url("/duty/coverage/remind")).form(&[("_csrf", csrf.as_str()), ("year", &next.to_string()), ("kind", "supervision")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let back = c.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(back.contains("个未报送单位发送催报"), "{to}");
    assert!(!back.contains("一键催报") && back.contains("暂无需要催报的单位"), "{to}");
});
