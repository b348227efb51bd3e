//! Holes found by trying the base as an attacker would, each closed: ids from another unit in
//! bodies and links, other units named through flags and filters, letters signed or edited by
//! the wrong people, the year's copy check re-run by a reviewer who does not hold every unit.

use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

async fn path_of(app: &TestApp, code: &str) -> String {
    lianzheng_store::org::get_by_code(&app.state.db, code).await.unwrap().unwrap().path
}

async fn letters(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, v) = app.get_json(token, "/api/v1/duty/letters").await;
    assert_eq!(s, 200, "{v}");
    v["items"].as_array().unwrap().clone()
}

async fn demo_plan(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT MAX(id) FROM task_plans WHERE status <> 'archived'")).await.unwrap()
}

both!(a_tasks_links_and_filters_stay_in_scope, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let edu = path_of(&app, "XW-D08").await;
    let plan = demo_plan(&app).await;
    // an item of 教育局's list and one of another unit's
    let (mine,): (i64,) = app.state.db.fetch_one(q("SELECT MIN(i.id) FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path = $1").bind(edu.clone())).await.unwrap();
    let (theirs,): (i64,) =
        app.state.db.fetch_one(q("SELECT MIN(i.id) FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_path NOT LIKE $1 AND l.org_path <> '/1/'").bind(format!("{edu}%"))).await.unwrap();
    let body = json!({"title": "联合检查", "lead_org": "XW-D08", "responsible": ["XW-D08"], "deadline": "2026-12-20", "list_items": [mine, theirs]});
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), body).await;
    assert_eq!(s, 201, "{v}");
    let task = v["task"]["task"]["id"].as_i64().or(v["id"].as_i64()).unwrap();
    // the owner sees both links; 教育局 only its own list's item
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/tasks/{task}")).await;
    assert_eq!(v["list_items"].as_array().map(Vec::len), Some(2), "{v}");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/duty/tasks/{task}")).await;
    let ids: Vec<i64> = v["list_items"].as_array().unwrap().iter().map(|i| i["item_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![mine], "{v}");

    // the plan page's unit filter offers only units in the viewer's scope
    let (c, _) = app.sign_in("dw_jyj").await;
    let html = c.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap().text().await.unwrap();
    let options: Vec<&str> = html.split("<option").skip(1).filter_map(|o| o.split("</option>").next()).collect();
    assert!(options.iter().any(|o| o.contains("教育局")), "{options:?}");
    assert!(!options.iter().any(|o| o.contains("组织部") || o.contains("纪委")), "{options:?}");

    // a file cannot be filed under another unit's progress report
    let (task_id, org_id, org_path): (i64, i64, String) = app.state.db.fetch_one(q("SELECT t.id, o.id, o.path FROM tasks t JOIN orgs o ON o.code = 'XW-D03' ORDER BY t.id LIMIT 1")).await.unwrap();
    let (report,): (i64,) = app
        .state
        .db
        .fetch_one(
            q("INSERT INTO task_reports (task_id, org_id, org_path, user_id, user_name, text, percent, created_at) VALUES ($1, $2, $3, NULL, '组织部', '进展', 10, 0) RETURNING id")
                .bind(task_id)
                .bind(org_id)
                .bind(org_path),
        )
        .await
        .unwrap();
    let edu_id = app.org_id("XW-D08").await;
    let before = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM attachments")).await.unwrap();
    for (org, owner) in [(edu_id, report), (org_id, report)] {
        let form = reqwest::multipart::Form::new()
            .text("org_id", org.to_string())
            .text("owner_kind", "task_report")
            .text("owner_id", owner.to_string())
            .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("a.pdf"));
        let r = app.client().post(app.url("/api/v1/attachments")).bearer_auth(&dw).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422, "org {org}");
    }
    // an unknown owner kind, and a letter's scan through the generic upload, are refused too
    for kind in ["letter", "nonsense"] {
        let form = reqwest::multipart::Form::new().text("owner_kind", kind).text("owner_id", "1").part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("a.pdf"));
        let r = app.client().post(app.url("/api/v1/attachments")).bearer_auth(&dw).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422, "{kind}");
    }
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM attachments")).await.unwrap(), before);
});

both!(letters_are_need_to_know_and_signed_by_the_right_people, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let bz = app.token("bz_jyj").await;
    let gb = app.token("gb_jyj").await;
    let jcz = app.token("jcz").await;
    let mine = letters(&app, &dw).await;
    // 王建国's personal letter (he also signs 教育局's as its 书记)
    let wang = mine.iter().find(|l| l["signer_name"] == "王建国" && !l["person_id"].is_null()).unwrap().clone();
    let liu = mine.iter().find(|l| l["signer_name"] == "刘志强").unwrap().clone();

    // a 一般干部 sees no one's personal letter but his own; the 班子成员 his own, not the 书记's
    assert!(letters(&app, &gb).await.iter().all(|l| l["person_id"].is_null()));
    let bz_sees: Vec<String> = letters(&app, &bz).await.iter().filter(|l| !l["person_id"].is_null()).map(|l| l["signer_name"].as_str().unwrap().to_string()).collect();
    assert!(bz_sees.contains(&"刘志强".to_string()) && !bz_sees.contains(&"王建国".to_string()), "{bz_sees:?}");
    assert_eq!(app.get_json(&bz, &format!("/api/v1/duty/letters/{}", wang["id"])).await.0, 404);
    // the same for lists: the 书记's personal list is his and the unit staff's, not the cadre's
    let (_, v) = app.get_json(&gb, "/api/v1/duty/lists").await;
    let lists = v["items"].as_array().unwrap();
    assert!(!lists.is_empty() && lists.iter().all(|l| l["person_id"].is_null()), "{v}");
    let (_, v) = app.get_json(&dw, "/api/v1/duty/lists").await;
    let secretary = v["items"].as_array().unwrap().iter().find(|l| l["person_name"] == "王建国").unwrap()["id"].clone();
    assert_eq!(app.get_json(&gb, &format!("/api/v1/duty/lists/{secretary}")).await.0, 404);
    // flags are not for them either
    assert!(letters(&app, &bz).await.iter().all(|l| l["open_flags"] == 0));

    // flags on letters name no letter, unit or signer outside the viewer's scope
    for l in &mine {
        let (_, v) = app.get_json(&dw, &format!("/api/v1/duty/letters/{}", l["id"])).await;
        for f in v["flags"].as_array().unwrap() {
            for side in ["letter_org", "other_org"] {
                let org = f[side].as_str().unwrap_or("");
                assert!(org.is_empty() || org.contains("教育局"), "{side} {org} in {f}");
            }
        }
    }

    // unit staff do not edit the text of a letter the 县委 issued; its issuer's staff do, with a version
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/duty/letters/{}", liu["id"]), json!({"body": "改写", "version": liu["version"]})).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", liu["id"]), json!({"body": "改写"})).await;
    assert_eq!(s, 409, "missing version: {v}");

    // a 班子成员 or 检查组成员 cannot mark another person's letter signed by "uploading a scan"
    let scans = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM attachments WHERE owner_kind = 'letter'")).await.unwrap();
    for user in ["bz_jyj", "jcz"] {
        let (c, csrf) = app.sign_in(user).await;
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("scan.pdf"));
        let r = c.post(app.url(&format!("/duty/letters/{}/scan?_csrf={csrf}", wang["id"]))).multipart(form).send().await.unwrap();
        assert!(r.status() == 403 || r.status() == 404, "{user}: {}", r.status());
    }
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM attachments WHERE owner_kind = 'letter'")).await.unwrap(), scans);
    let (_, v) = app.get_json(&jcz, &format!("/api/v1/duty/letters/{}", wang["id"])).await;
    assert_eq!(v["letter"]["status"], "draft");
});

both!(the_years_copy_check_is_rerun_only_over_all_units_and_audited, |app: TestApp| async move {
    // a 纪委 reviewer bound to one unit (a 派驻纪检组 clerk, say)
    let gb: (i64,) = app.state.db.fetch_one(q("SELECT id FROM users WHERE username = 'gb_jyj'")).await.unwrap();
    let edu = app.org_id("XW-D08").await;
    app.state.db.execute(q("INSERT INTO grants (user_id, role, org_id, created_at) VALUES ($1, 'discipline_staff', $2, 0)").bind(gb.0).bind(edu)).await.unwrap();
    let (c, csrf) = app.sign_in("gb_jyj").await;
    let r = c.post(app.url("/duty/flags/recheck")).form(&[("_csrf", csrf.as_str()), ("year", "")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // the county's 纪委 may, and it is in the audit log
    let before = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'letter.recheck'")).await.unwrap();
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c.post(app.url("/duty/flags/recheck")).form(&[("_csrf", csrf.as_str()), ("year", "")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'letter.recheck'")).await.unwrap(), before + 1);
});
