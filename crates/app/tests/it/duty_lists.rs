//! 定责 — 责任清单: filing and review with history, 共性 items, scope, coverage, copying a year.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

both!(file_return_refile_accept_with_history, |app: TestApp| async move {
    let unit = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let branch = app.org_id("XW-D08-ZB1").await;
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": year(), "org_id": branch, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["list"]["id"].as_i64().unwrap();
    // an empty list cannot be filed
    let (s, v) = app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await;
    assert_eq!(s, 422);
    assert_eq!(v["message"], "清单没有任何内容，不能报送");
    let (s, v) = app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "  "})).await;
    assert_eq!(s, 422);
    assert_eq!(v["fields"]["content"], "请填写责任内容");
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"category": "教育", "content": "每季度组织一次支部廉政学习"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    // filed: the unit cannot change it any more, and it cannot review itself
    let (s, v) = app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "x"})).await;
    assert_eq!(s, 422);
    assert!(v["message"].as_str().unwrap().contains("不能修改"));
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/review"), json!({"decision": "accept"})).await.0, 403);
    // the 纪委 returns it — a reason is required
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/lists/{id}/review"), json!({"decision": "return"})).await;
    assert_eq!(s, 422);
    assert_eq!(v["fields"]["reason"], "退回时请填写退回原因");
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/lists/{id}/review"), json!({"decision": "return", "reason": "内容过少"})).await.0, 200);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "支部书记每半年开展一次廉政谈话"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/lists/{id}/review"), json!({"decision": "accept"})).await.0, 200);
    let (_, v) = app.get_json(&unit, &format!("/api/v1/duty/lists/{id}")).await;
    assert_eq!(v["list"]["status"], "accepted");
    assert_eq!(v["list"]["current_version"], 2);
    let events: Vec<&str> = v["versions"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, vec!["accepted", "submitted", "returned", "submitted"]);
    // the first version's snapshot holds one item, the second two
    let snaps: Vec<usize> = v["versions"].as_array().unwrap().iter().map(|e| serde_json::from_str::<Vec<Value>>(e["snapshot"].as_str().unwrap()).unwrap().len()).collect();
    assert_eq!(snaps, vec![2, 2, 1, 1]);
    assert!(matches!(lianzheng_store::audit::verify_chain(&app.state.db).await.unwrap(), lianzheng_store::audit::ChainCheck::Intact { .. }));
});

both!(common_items_scope_and_coverage, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let unit = app.token("dw_jyj").await;
    // a 党组 unit's new list carries the published 共性 items, which cannot be deleted
    let d06 = app.org_id("XW-D06").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": year(), "org_id": d06, "kind": "主体责任"})).await;
    assert_eq!(s, 201, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert!(items.iter().all(|i| i["scope"] == "common"));
    let id = v["list"]["id"].as_i64().unwrap();
    // a leader's personal list starts empty: the unit's 共性 items belong to the unit's list
    let leader = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM people WHERE org_id = $1").bind(d06)).await.unwrap();
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": year(), "org_id": d06, "kind": "main", "person_id": leader.to_string()})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 0, "{v}");
    // a duplicate is a clear conflict
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": year(), "org_id": d06, "kind": "main"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已存在"));
    // the unit of 教育局 sees neither that list nor 组织部's
    assert_eq!(app.get_json(&unit, &format!("/api/v1/duty/lists/{id}")).await.0, 404);
    let (_, v) = app.get_json(&unit, "/api/v1/duty/lists").await;
    let edu_path = lianzheng_store::org::get_by_code(&app.state.db, "XW-D08").await.unwrap().unwrap().path;
    assert!(!v["items"].as_array().unwrap().is_empty());
    assert!(v["items"].as_array().unwrap().iter().all(|l| l["org_path"].as_str().unwrap().starts_with(&edu_path)));
    // nor can it create a list for a unit outside its scope
    assert_eq!(app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": year(), "org_id": d06, "kind": "main"})).await.0, 422);
    // a cadre may look but not edit
    let cadre = app.token("gb_jyj").await;
    assert_eq!(app.get_json(&cadre, "/api/v1/duty/lists").await.0, 200);
    assert_eq!(app.send_json(Method::POST, &cadre, "/api/v1/duty/lists/copy", json!({})).await.0, 403);
    // coverage: every 党组 of the county listed; 教育局 filed; the new draft holds only 共性 items
    let (_, v) = app.get_json(&jw, "/api/v1/duty/coverage").await;
    let rows = v["items"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|r| r["org_name"] == name).cloned().unwrap();
    assert_eq!(row("某某县教育局")["status"], "accepted");
    assert_eq!(row("某某县财政局")["status"], Value::Null);
    assert_eq!(row("某某县人力资源和社会保障局")["list_id"], Value::Null);
    assert_eq!(row(&lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(d06)).await.unwrap().unwrap().name)["only_common"], true);
    assert!(rows.iter().all(|r| r["org_kind"] != "党支部"), "branches do not file unit lists");
    // 复制上年清单: last year's two lists become drafts once
    let (_, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists/copy", json!({"year": year()})).await;
    assert_eq!(v["copied"], 1, "XW-D06 already has this year's list; XW-D09 is copied");
    let (_, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists/copy", json!({"year": year()})).await;
    assert_eq!(v["copied"], 0);
});

both!(list_pages_file_and_review, |app: TestApp| async move {
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let branch = app.org_id("XW-D08-ZB1").await.to_string();
    let y = year().to_string();
    // a bad form keeps what was typed
    let r = c.post(app.url("/duty/lists")).form(&[("_csrf", csrf.as_str()), ("year", y.as_str()), ("org_id", branch.as_str()), ("title", "我的清单")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("请选择清单类型") && html.contains("value=\"我的清单\""));
    let r = c.post(app.url("/duty/lists")).form(&[("_csrf", csrf.as_str()), ("year", y.as_str()), ("org_id", branch.as_str()), ("kind", "main")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let r = c.post(app.url(&format!("{loc}/items"))).form(&[("_csrf", csrf.as_str()), ("category", "教育"), ("content", "")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请填写责任内容"));
    let r = c.post(app.url(&format!("{loc}/items"))).form(&[("_csrf", csrf.as_str()), ("category", "教育"), ("content", "组织党员观看警示教育片")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(c.post(app.url(&format!("{loc}/submit"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap().status(), 303);
    let (jw, jcsrf) = app.sign_in("jw_staff").await;
    let page = jw.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("审核通过") && page.contains("组织党员观看警示教育片"));
    assert_eq!(jw.post(app.url(&format!("{loc}/review"))).form(&[("_csrf", jcsrf.as_str()), ("decision", "accept")]).send().await.unwrap().status(), 303);
    let page = c.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已备案") && page.contains("审核通过"));
    // the landing and coverage pages render
    assert_eq!(jw.get(app.url("/duty")).send().await.unwrap().status(), 200);
    let cov = jw.get(app.url("/duty/coverage")).send().await.unwrap().text().await.unwrap();
    assert!(cov.contains("逾期未报") || cov.contains("已报备单位"));
});
