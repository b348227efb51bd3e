//! 定责 forms that guide (issue 8, item 4): unit pickers in organisation order with the units'
//! leaders, list items named with their unit, deleting a draft list, editing a 共性清单 until
//! it is used and disabling it after, no third level under a 小项, and copying a plan into a
//! year that already has one only after a confirmation.

use lianzheng_store::q;
use reqwest::Method;
use serde_json::json;

use crate::both;
use crate::harness::TestApp;

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

async fn demo_plan(app: &TestApp, token: &str) -> i64 {
    let (s, v) = app.get_json(token, "/api/v1/duty/plans").await;
    assert_eq!(s, 200, "{v}");
    v["items"].as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("党风廉政建设工作任务分工")).unwrap()["id"].as_i64().unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action)).await.unwrap()
}

both!(task_form_offers_units_in_organisation_order_with_leaders, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let plan = demo_plan(&app, &jw).await;
    // 教育局 moves to the front of the county's units: the pickers follow sort_order, not ids
    app.state.db.execute(q("UPDATE orgs SET sort_order = -1 WHERE code = 'XW-D08'")).await.unwrap();
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/duty/plans/{plan}/new"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for name in ["lead_org", "responsible", "cooperating"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name} picker");
    }
    assert!(html.contains("data-unit-picker data-multiple"), "责任单位 as checkboxes");
    assert!(html.contains("type=\"checkbox\" name=\"responsible\""));
    let responsible = &html[html.find("id=\"responsible\"").unwrap()..];
    let at = |n: &str| responsible.find(n).unwrap_or_else(|| panic!("{n} in the picker"));
    assert!(at("某某县教育局") < at("中共某某县委办公室"), "教育局 (sort_order -1) first");
    assert!(at("中共某某县委办公室") < at("中共某某县委组织部"), "县委办 before 组织部");
    assert!(at("中共某某县委组织部") < at("某某县公安局"), "组织部 before the departments");
    // the pinyin initials of a unit are searchable
    assert!(responsible.contains("zgmmxwzzb"), "pinyin initials of 中共某某县委组织部");
    // leaders come with their unit, for the 牵头领导 choices
    let edu = app.org_id("XW-D08").await;
    assert!(html.contains(&format!("data-org=\"{edu}\"")), "教育局's leaders offered");
    assert!(html.contains("王建国（"), "教育局's 书记 among them");
    // a bad unit id (outside the plan owner's subtree) is refused, with what was typed kept
    let csrf = html.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let r = c
        .post(app.url(&format!("/duty/plans/{plan}/tasks")))
        .form(&[("_csrf", csrf.as_str()), ("title", "两个责任单位"), ("responsible", &edu.to_string()), ("responsible", "999999"), ("lead_leader", "外单位某某（特邀）")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let back = r.text().await.unwrap();
    assert!(back.contains("外单位某某（特邀）") && back.contains("两个责任单位"));
    assert!(back.contains(&format!("value=\"{edu}\" checked")), "the checked unit stays checked");
    // two units by checkbox, a typed leader from outside: saved
    let d03 = app.org_id("XW-D03").await;
    let r = c
        .post(app.url(&format!("/duty/plans/{plan}/tasks")))
        .form(&[("_csrf", csrf.as_str()), ("title", "两个责任单位"), ("responsible", &edu.to_string()), ("responsible", &d03.to_string()), ("lead_leader", "外单位某某（特邀）")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let task = app.state.db.scalar_i64(q("SELECT MAX(id) FROM tasks WHERE title = '两个责任单位'")).await.unwrap();
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM task_orgs WHERE task_id = $1 AND role = 'responsible'").bind(task)).await.unwrap(), 2);
    // 落实的清单事项: a checkbox per item (usable on a phone), each naming its unit, grouped by list
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/tasks/{task}")).await;
    assert!(v["list_items"].as_array().unwrap().is_empty());
    let item: (i64, String) =
        app.state.db.fetch_one(q("SELECT i.id, i.content FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_id = $1 AND l.year = $2 ORDER BY i.id").bind(edu).bind(year())).await.unwrap();
    assert!(html.contains(&format!("<input type=\"checkbox\" name=\"list_items\" value=\"{}\"><span class=\"up-name\">某某县教育局：{}</span>", item.0, item.1)), "the item's checkbox names its unit");
    assert!(html.contains("<div class=\"up-group\">某某县教育局 · "));
});

both!(a_small_item_gets_no_third_level, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let plan = demo_plan(&app, &jw).await;
    let small = app.state.db.scalar_i64(q("SELECT MIN(id) FROM tasks WHERE plan_id = $1 AND level = 2").bind(plan)).await.unwrap();
    let big = app.state.db.scalar_i64(q("SELECT MIN(id) FROM tasks WHERE plan_id = $1 AND level = 1").bind(plan)).await.unwrap();
    let before = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap();
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "第三级", "parent_id": small})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["parent_id"], lianzheng_web::app::duty::tasks::THIRD_LEVEL);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap(), before);
    // under a 大项 it is a 小项 as before
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "第二级", "parent_id": big})).await;
    assert_eq!(s, 201, "{v}");
    // the form is not offered under a 小项: neither its page nor a link to it
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/duty/plans/{plan}/new?parent={small}"))).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("只分大项、小项两级"));
    let page = c.get(app.url(&format!("/duty/tasks/{small}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&format!("new?parent={small}")));
    let page = c.get(app.url(&format!("/duty/tasks/{big}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("new?parent={big}")));
    let tree = c.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap().text().await.unwrap();
    assert!(!tree.contains(&format!("new?parent={small}\"")));
});

both!(copying_into_a_year_with_a_plan_asks_first, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let plan = demo_plan(&app, &jw).await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    let next = v["plan"]["year"].as_i64().unwrap();
    let count = async || app.state.db.scalar_i64(q("SELECT COUNT(*) FROM task_plans WHERE year = $1").bind(next)).await.unwrap();
    assert_eq!(count().await, 1);
    // again: the year has the unit's plan now, so the API answers 409 with the question
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains(&format!("{next}年已有任务分工计划")), "{v}");
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({"confirm": false})).await.0, 409);
    assert_eq!(count().await, 1);
    // the page asks on the plans page of that year, and copies once confirmed
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c.post(app.url(&format!("/duty/plans/{plan}/copy"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("仍要复制") && html.contains("name=\"confirm\" value=\"1\""), "the confirmation step");
    assert_eq!(count().await, 1);
    let r = c.post(app.url(&format!("/duty/plans/{plan}/copy"))).form(&[("_csrf", csrf.as_str()), ("confirm", "1")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(count().await, 2);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({"confirm": true})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(count().await, 3);
    // a unit may not copy the county's plan, confirmed or not
    let dw = app.token("dw_jyj").await;
    assert_eq!(app.send_json(Method::POST, &dw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({"confirm": true})).await.0, 403);
});

both!(a_draft_list_can_be_deleted, |app: TestApp| async move {
    let unit = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let branch = app.org_id("XW-D08-ZB1").await;
    let y = year() + 1;
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": y, "org_id": branch, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    let draft = v["list"]["id"].as_i64().unwrap();
    // another unit's draft is not found for the 教育局
    let d03 = app.org_id("XW-D03").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": y, "org_id": d03, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    let foreign = v["list"]["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{foreign}"), json!({})).await.0, 404);
    // a 一般干部 may read but not delete
    let gb = app.token("gb_jyj").await;
    assert_eq!(app.send_json(Method::DELETE, &gb, &format!("/api/v1/duty/lists/{draft}"), json!({})).await.0, 403);
    // a filed list keeps its record
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": y, "org_id": branch, "kind": "supervision"})).await;
    assert_eq!(s, 201, "{v}");
    let filed = v["list"]["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{filed}/items"), json!({"content": "每季度开展一次监督检查"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{filed}/submit"), json!({})).await.0, 200);
    let (s, v) = app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{filed}"), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("草稿"));
    // the draft goes, with its items, audited
    assert_eq!(app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{draft}/items"), json!({"content": "草稿内容"})).await.0, 201);
    let before = audited(&app, "duty_list.delete").await;
    let (s, v) = app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{draft}"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(app.get_json(&unit, &format!("/api/v1/duty/lists/{draft}")).await.0, 404);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM duty_items WHERE list_id = $1").bind(draft)).await.unwrap(), 0);
    assert_eq!(audited(&app, "duty_list.delete").await, before + 1);
    // the page: the draft's editor offers the deletion; posting it leads back to the year's lists
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let (_, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": y, "org_id": branch, "kind": "main"})).await;
    let again = v["list"]["id"].as_i64().unwrap();
    let page = c.get(app.url(&format!("/duty/lists/{again}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/duty/lists/{again}/delete")) && page.contains("data-confirm"));
    let page = c.get(app.url(&format!("/duty/lists/{filed}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&format!("/duty/lists/{filed}/delete")), "a filed list offers no deletion");
    let r = c.post(app.url(&format!("/duty/lists/{again}/delete"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/duty/lists?year={y}").as_str());
    let r = c.post(app.url(&format!("/duty/lists/{foreign}/delete"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(app.get_json(&jw, &format!("/api/v1/duty/lists/{foreign}")).await.0, 200, "the other unit's draft stays");
});

both!(a_template_is_edited_until_used_and_disabled_after, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let root = app.org_id("XW").await;
    let y = year() + 1;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/templates", json!({"year": y, "org_id": root, "kind": "main", "target_kind": "party_group", "title": "共性草稿"})).await;
    assert_eq!(s, 201, "{v}");
    let t = v["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/items"), json!({"category": "组织", "content": "第一条"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/items"), json!({"content": "多余的一条"})).await.0, 201);
    let (s, v) = app.get_json(&jw, &format!("/api/v1/duty/templates/{t}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["editable"], true);
    let first = v["items"][0]["id"].as_i64().unwrap();
    let extra = v["items"][1]["id"].as_i64().unwrap();
    // edited before use: title, an item, an item removed — and after publishing, while no list holds it
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/templates/{t}"), json!({"title": "党组共性清单"})).await.0, 200);
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/templates/{t}"), json!({"title": " "})).await.0, 422);
    assert_eq!(app.send_json(Method::DELETE, &jw, &format!("/api/v1/duty/templates/{t}/items/{extra}"), json!({})).await.0, 200);
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/publish"), json!({})).await.0, 200);
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/templates/{t}/items/{first}"), json!({"category": "组织", "content": "第一条（改）"})).await.0, 200);
    // an item of another template under this one's path is not found
    let other = app.state.db.scalar_i64(q("SELECT MIN(id) FROM duty_template_items WHERE template_id <> $1").bind(t)).await.unwrap();
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/templates/{t}/items/{other}"), json!({"content": "x"})).await.0, 404);
    assert_eq!(app.send_json(Method::DELETE, &jw, &format!("/api/v1/duty/templates/{t}/items/{other}"), json!({})).await.0, 404);
    // a unit's staff may not touch templates
    let dw = app.token("dw_jyj").await;
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/duty/templates/{t}"), json!({"title": "x"})).await.0, 403);
    assert_eq!(app.get_json(&dw, &format!("/api/v1/duty/templates/{t}")).await.0, 403);
    // used: a 党组 unit's new list carries it; now it is no longer edited
    let d06 = app.org_id("XW-D06").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": y, "org_id": d06, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["content"] == "第一条（改）"));
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/templates/{t}")).await;
    assert_eq!(v["editable"], false);
    assert_eq!(v["template"]["used_lists"], 1);
    for (m, path, body) in [
        (Method::PUT, format!("/api/v1/duty/templates/{t}"), json!({"title": "再改"})),
        (Method::PUT, format!("/api/v1/duty/templates/{t}/items/{first}"), json!({"content": "再改"})),
        (Method::DELETE, format!("/api/v1/duty/templates/{t}/items/{first}"), json!({})),
        (Method::POST, format!("/api/v1/duty/templates/{t}/items"), json!({"content": "再加"})),
    ] {
        let (s, v) = app.send_json(m.clone(), &jw, &path, body).await;
        assert_eq!(s, 409, "{m} {path}: {v}");
        assert!(v["message"].as_str().unwrap().contains("已带入 1 份清单"), "{v}");
    }
    // disabled: new lists no longer carry it; the list that has it keeps it
    let before = audited(&app, "duty_template.disable").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/disable"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["template"]["disabled"], true);
    assert_eq!(audited(&app, "duty_template.disable").await, before + 1);
    let d07 = app.org_id("XW-D07").await;
    let (_, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/lists", json!({"year": y, "org_id": d07, "kind": "main"})).await;
    assert!(!v["items"].as_array().unwrap().iter().any(|i| i["content"] == "第一条（改）"), "{v}");
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/disable"), json!({})).await.0, 409);
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{t}/enable"), json!({})).await.0, 200);
    // an unpublished template needs no disabling
    let (_, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/templates", json!({"year": y, "org_id": root, "kind": "main", "target_kind": "party_group", "title": "未发布"})).await;
    let draft = v["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/templates/{draft}/disable"), json!({})).await.0, 409);
    // the page: in use, it offers no editing, and the refusal is in Chinese on the page
    let (c, csrf) = app.sign_in("jw_staff").await;
    let page = c.get(app.url(&format!("/duty/templates/{t}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已带入 1 份清单") && !page.contains(&format!("/duty/templates/{t}/items/{first}/delete")));
    let r = c.post(app.url(&format!("/duty/templates/{t}/edit"))).form(&[("_csrf", csrf.as_str()), ("title", "页面改名")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不能再修改"));
    let r = c.post(app.url(&format!("/duty/templates/{t}/disable"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    for code in ["duty_template.update", "duty_template_item.update", "duty_template_item.delete", "duty_template.enable"] {
        assert!(audited(&app, code).await > 0, "{code} audited");
    }
});
