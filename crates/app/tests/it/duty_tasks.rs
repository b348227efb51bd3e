//! 任务分工: scope (a unit sees its items, the lead unit sees its cooperating units' reports,
//! outside ids are "not found"), progress reports (percent, status, audit), copying last
//! year's plan, XLSX import all-or-nothing, the DOCX document, the reminder job.

use std::io::Read;

use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::duty::tasks;
use lianzheng_store::{q, q_built};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// The demo plan's id.
async fn demo_plan(app: &TestApp, token: &str) -> i64 {
    let (s, v) = app.get_json(token, "/api/v1/duty/plans").await;
    assert_eq!(s, 200, "{v}");
    v["items"].as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("党风廉政建设工作任务分工")).unwrap()["id"].as_i64().unwrap()
}

/// The id of a demo item by (part of) its title.
async fn task_id(app: &TestApp, title: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT MIN(id) FROM tasks WHERE title LIKE $1").bind(format!("%{title}%"))).await.unwrap()
}

async fn progress(app: &TestApp, id: i64) -> (i64, String) {
    app.state.db.fetch_one(q("SELECT progress, status FROM tasks WHERE id = $1").bind(id)).await.unwrap()
}

async fn org_path(app: &TestApp, code: &str) -> String {
    lianzheng_store::org::get_by_code(&app.state.db, code).await.unwrap().unwrap().path
}

both!(a_unit_sees_only_its_items, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let plan = demo_plan(&app, &jw).await;
    assert_eq!(demo_plan(&app, &dw).await, plan, "the county plan is listed for a unit it involves");

    // the owner's staff see every item, in all four colours
    let (s, v) = app.get_json(&jw, &format!("/api/v1/duty/plans/{plan}")).await;
    assert_eq!(s, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 26, "6 大项 and 20 小项");
    assert!(items.iter().all(|i| i["open"] == true));
    for c in ["green", "blue", "yellow", "red"] {
        assert!(items.iter().any(|i| i["colour"] == c), "a {c} item in the demo plan");
    }
    assert_eq!(items[1]["number"], "1.1");
    // the page's colour counts agree with the items' colours
    let (jc0, _) = app.sign_in("jw_staff").await;
    let html = jc0.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap().text().await.unwrap();
    for c in ["green", "blue", "yellow", "red"] {
        let n = items.iter().filter(|i| i["colour"] == c).count();
        assert!(html.contains(&format!("<span class=\"tag tag-{c}\">{n}</span>")), "{c}: {n}");
    }

    // 教育局 sees the items where it is lead, responsible or cooperating; 大项 above as context only
    let edu = org_path(&app, "XW-D08").await;
    let (s, v) = app.get_json(&dw, &format!("/api/v1/duty/plans/{plan}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["owner"], false);
    let items = v["items"].as_array().unwrap();
    let open: Vec<&Value> = items.iter().filter(|i| i["open"] == true).collect();
    assert!(open.len() >= 4 && open.len() < 20, "{} open items", open.len());
    for i in &open {
        let mut paths: Vec<String> = i["responsible"].as_array().unwrap().iter().chain(i["cooperating"].as_array().unwrap()).map(|o| o["org_path"].as_str().unwrap().to_string()).collect();
        paths.extend(i["task"]["lead_org_path"].as_str().map(str::to_string));
        assert!(paths.iter().any(|p| p.starts_with(&edu)), "{} does not involve 教育局", i["task"]["title"]);
    }
    assert!(items.iter().filter(|i| i["open"] == false).all(|i| i["depth"] == 1), "only 大项 as context");

    // an item of other units: not found through the API and the page; the owner reads it
    let other = task_id(&app, "完成对县直部门的常规巡察").await;
    assert_eq!(app.get_json(&dw, &format!("/api/v1/duty/tasks/{other}")).await.0, 404);
    assert_eq!(app.get_json(&jw, &format!("/api/v1/duty/tasks/{other}")).await.0, 200);
    let (c, _) = app.sign_in("dw_jyj").await;
    let r = c.get(app.url(&format!("/duty/tasks/{other}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("不在您的查看范围内"));
    // the plan page shows the same: the unit's items, the 大项 above them, not the others
    // (the tree only: the reminders above it name other items)
    let tree_of = |html: String| html.split("plan-tree").nth(1).unwrap_or("").to_string();
    let page = tree_of(c.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("开展校园餐管理专项整治") && page.contains("整治群众身边不正之风和腐败问题"));
    assert!(!page.contains("完成对县直部门的常规巡察"));
    // filters: by colour (with the 大项 as context) and by unit
    let (jc, _) = app.sign_in("jw_staff").await;
    let page = tree_of(jc.get(app.url(&format!("/duty/plans/{plan}?colour=red"))).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("完成对县直部门的常规巡察") && page.contains("深化政治巡察和问题整改"));
    assert!(!page.contains("开展校园餐管理专项整治"), "only red items");
    let edu_id = app.org_id("XW-D08").await;
    let page = tree_of(jc.get(app.url(&format!("/duty/plans/{plan}?org={edu_id}"))).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("开展校园餐管理专项整治") && !page.contains("完成对县直部门的常规巡察"));
    assert!(page.contains("<td class=\"mono\" data-label=\"序号\">4.1</td>"), "numbers stay those of the whole plan");
    assert_eq!(app.get_json(&dw, "/api/v1/duty/tasks/999999").await.0, 404);
    assert_eq!(app.get_json(&dw, "/api/v1/duty/plans/999999").await.0, 404);
    // a reporter outside cannot report on it either
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{other}/reports"), json!({"percent": 10, "text": "x"})).await;
    assert_eq!(s, 404);

    // a unit cannot add items to the county's plan, nor make a plan for another unit
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "x"})).await;
    assert_eq!(s, 403);
    let outside = app.org_id("XW-D03").await;
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/duty/plans", json!({"year": 2026, "org_id": outside, "title": "某计划"})).await;
    assert_eq!(s, 422);
    assert!(v["fields"]["org_id"].as_str().unwrap().contains("不在您的管理范围内"));
    // but for itself it can
    let own = app.org_id("XW-D08").await;
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/duty/plans", json!({"year": 2026, "org_id": own, "title": "2026年教育局党风廉政建设工作任务分工"})).await;
    assert_eq!(s, 201, "{v}");
    // a cadre reads but does not report
    let gb = app.token("gb_jyj").await;
    let canteen = task_id(&app, "开展校园餐管理专项整治").await;
    let (s, v) = app.get_json(&gb, &format!("/api/v1/duty/tasks/{canteen}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["can_report"], false);
    assert_eq!(app.send_json(Method::POST, &gb, &format!("/api/v1/duty/tasks/{canteen}/reports"), json!({"percent": 10, "text": "x"})).await.0, 403);
    // the admin roles see no business data
    let admin = app.token("admin").await;
    assert_eq!(app.get_json(&admin, "/api/v1/duty/plans").await.0, 403);
});

both!(lead_unit_sees_cooperating_reports, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    // 校园餐: 教育局 leads, 市场监管局 (responsible) reported in the demo data
    let canteen = task_id(&app, "开展校园餐管理专项整治").await;
    let (s, v) = app.get_json(&dw, &format!("/api/v1/duty/tasks/{canteen}")).await;
    assert_eq!(s, 200);
    let units: Vec<&str> = v["reports"].as_array().unwrap().iter().map(|r| r["org_name"].as_str().unwrap()).collect();
    assert!(units.iter().any(|u| u.contains("市场监督管理局")), "the lead unit sees the other units' reports: {units:?}");
    assert!(units.iter().any(|u| u.contains("教育局")));
    assert_eq!(v["task"]["lead"], true);

    // 医药: 卫健局 leads, 教育局 cooperates. 教育局's report does not move the item's progress,
    // and 教育局 sees only its own reports
    let medical = task_id(&app, "开展医药领域腐败问题集中整治").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/tasks/{medical}/reports"), json!({"percent": 35, "text": "卫健局：已完成药品采购环节排查。"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(progress(&app, medical).await.0, 35, "the owner reports as the lead unit");
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{medical}/reports"), json!({"percent": 80, "text": "教育局：已配合完成学校医务室排查。"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(progress(&app, medical).await.0, 35, "a cooperating unit's report leaves the progress alone");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/duty/tasks/{medical}")).await;
    let texts: Vec<&str> = v["reports"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["教育局：已配合完成学校医务室排查。"], "a cooperating unit sees its own reports only");
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/tasks/{medical}")).await;
    assert_eq!(v["reports"].as_array().unwrap().len(), 2, "the owner sees every report");

    // an attachment of a report follows the report's visibility
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let form = reqwest::multipart::Form::new().text("percent", "45").text("text", "附排查台账").part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 ledger".to_vec()).file_name("排查台账.pdf"));
    let r = c.post(app.url(&format!("/duty/tasks/{canteen}/reports?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url(&format!("/duty/tasks/{canteen}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("排查台账.pdf"));
    let href = page.split(&format!("href=\"/duty/tasks/{canteen}/files/")).nth(1).unwrap().split('"').next().unwrap().to_string();
    let body = c.get(app.url(&format!("/duty/tasks/{canteen}/files/{href}"))).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&body[..], b"%PDF-1.4 ledger");
    // the file under another item's id is not found
    let r = c.get(app.url(&format!("/duty/tasks/{medical}/files/{href}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);

    // the store itself leaves out the files of reports the scope does not see: 卫健局's file on
    // 医药 is the owner's to read, not the cooperating 教育局's
    let theirs = app.state.db.scalar_i64(q_built(format!("SELECT MIN(id) FROM task_reports WHERE task_id = {medical} AND text LIKE '卫健局%'"))).await.unwrap();
    let org = app.state.db.scalar_i64(q_built(format!("SELECT org_id FROM task_reports WHERE id = {theirs}"))).await.unwrap();
    let form = reqwest::multipart::Form::new()
        .text("org_id", org.to_string())
        .text("owner_kind", "task_report")
        .text("owner_id", theirs.to_string())
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 health".to_vec()).file_name("卫健局台账.pdf"));
    let r = app.client().post(app.url("/api/v1/attachments")).bearer_auth(&jw).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let scope_of = async |user: &str| {
        let u = lianzheng_store::users::get_by_username(&app.state.db, user).await.unwrap().unwrap();
        lianzheng_store::users::scope_for(&lianzheng_store::users::grants_of(&app.state.db, u.id).await.unwrap(), lianzheng_core::org::Permission::ViewDuty)
    };
    let files = async |user: &str| {
        let scope = scope_of(user).await;
        let view = lianzheng_store::duty::tasks::get_task(&app.state.db, &scope, lianzheng_core::ids::TaskId::new(medical)).await.unwrap();
        lianzheng_store::duty::tasks::report_attachments(&app.state.db, &scope, &view).await.unwrap().into_iter().filter_map(|a| a.owner_id).collect::<Vec<i64>>()
    };
    assert!(files("jw_staff").await.contains(&theirs));
    assert!(!files("dw_jyj").await.contains(&theirs), "a cooperating unit's scope reads no file of another unit's report");
});

both!(reporting_progress_updates_percent_and_is_audited, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let canteen = task_id(&app, "开展校园餐管理专项整治").await;
    let before = app.audit_count().await;
    // bad input: Chinese field errors, nothing written
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{canteen}/reports"), json!({"percent": 150, "text": ""})).await;
    assert_eq!(s, 422);
    assert!(v["fields"]["percent"].as_str().unwrap().contains("0 至 100"));
    assert!(v["fields"]["text"].as_str().unwrap().contains("请填写进展情况"));
    assert_eq!(app.audit_count().await, before);
    // the lead unit's report sets the percentage and the status, audited with the change
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{canteen}/reports"), json!({"percent": "55", "text": "第二轮排查完成"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["task"]["task"]["progress"], 55);
    assert_eq!(progress(&app, canteen).await, (55, "in_progress".to_string()));
    assert_eq!(app.audit_count().await, before + 1);
    let (summary,): (String,) = app.state.db.fetch_one(q("SELECT summary FROM audit_log WHERE entity = 'task' AND action = 'task.report' ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert!(summary.contains("\"percent\":55") && summary.contains("\"progress\":40"), "{summary}");
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{canteen}/reports"), json!({"percent": 100, "text": "整治完成"})).await;
    assert_eq!(s, 201);
    assert_eq!(v["task"]["task"]["status"], "done");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/duty/tasks/{canteen}")).await;
    assert_eq!(v["colour"], "green");

    // the page form keeps the input and explains at the field
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let form = reqwest::multipart::Form::new().text("percent", "abc").text("text", "保留的进展文字");
    let r = c.post(app.url(&format!("/duty/tasks/{canteen}/reports?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("完成进度应为 0 至 100 之间的整数") && html.contains("保留的进展文字"));
    // a forbidden file type is refused before anything is written
    let n = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM task_reports")).await.unwrap();
    let form = reqwest::multipart::Form::new().text("percent", "90").text("text", "x").part("file", reqwest::multipart::Part::bytes(b"MZ".to_vec()).file_name("a.exe"));
    let r = c.post(app.url(&format!("/duty/tasks/{canteen}/reports?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM task_reports")).await.unwrap(), n);

    // editing an item: optimistic locking
    let jw = app.token("jw_staff").await;
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/tasks/{canteen}")).await;
    let version = v["task"]["task"]["version"].as_i64().unwrap();
    let body = json!({"title": "开展校园餐管理专项整治（修订）", "lead_org": "XW-D08", "responsible": ["XW-D08"], "cooperating": "XW-D18、XW-D17", "deadline": "2026-12-25", "version": version});
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/tasks/{canteen}"), body.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["task"]["orgs"].as_array().unwrap().len(), 3);
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/tasks/{canteen}"), body).await;
    assert_eq!(s, 409);
    assert!(v["message"].as_str().unwrap().contains("已被他人修改"));
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/tasks/{canteen}"), json!({"title": "x", "lead_org": "NOPE", "deadline": "2026-13-01", "version": version + 1})).await;
    assert_eq!(s, 422);
    assert!(v["fields"]["lead_org"].as_str().unwrap().contains("NOPE"));
    assert!(v["fields"]["deadline"].as_str().unwrap().contains("应为日期"));
});

both!(copy_last_year_resets_and_shifts_deadlines, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let plan = demo_plan(&app, &jw).await;
    let (_, old) = app.get_json(&jw, &format!("/api/v1/duty/plans/{plan}")).await;
    let year = old["plan"]["year"].as_i64().unwrap();
    let before = app.audit_count().await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({"year": year + 1})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(app.audit_count().await, before + 1);
    let new_id = v["plan"]["id"].as_i64().unwrap();
    assert_eq!(v["plan"]["year"], year + 1);
    assert!(v["plan"]["title"].as_str().unwrap().starts_with(&format!("{}年", year + 1)));
    let (_, new) = app.get_json(&jw, &format!("/api/v1/duty/plans/{new_id}")).await;
    let old_items = old["items"].as_array().unwrap();
    let new_items = new["items"].as_array().unwrap();
    assert_eq!(old_items.len(), new_items.len());
    for (o, n) in old_items.iter().zip(new_items) {
        assert_eq!(o["number"], n["number"]);
        assert_eq!(o["task"]["title"], n["task"]["title"]);
        assert_eq!(n["task"]["progress"], 0);
        assert_eq!(n["task"]["status"], "not_started");
        assert_eq!(o["responsible"].as_array().unwrap().len(), n["responsible"].as_array().unwrap().len());
        let od = o["task"]["deadline"].as_str().unwrap();
        let nd = n["task"]["deadline"].as_str().unwrap();
        let oy: i64 = od[..4].parse().unwrap();
        assert_eq!(nd, format!("{}{}", oy + 1, &od[4..]), "deadline a year later");
    }
    assert!(old_items.iter().any(|i| i["task"]["progress"].as_i64().unwrap() > 0), "the old plan keeps its progress");
    // the page offers it on the next year's list; a unit may not copy the county's plan
    let (c, _) = app.sign_in("jw_staff").await;
    let page = c.get(app.url(&format!("/duty/plans?year={}", year + 1))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/duty/plans/{new_id}")) && page.contains("复制上年计划"));
    let dw = app.token("dw_jyj").await;
    assert_eq!(app.send_json(Method::POST, &dw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({})).await.0, 403);
    // the copy is a draft until issued under its own 发文字号; a stale edit is refused
    assert_eq!(new["plan"]["status"], "draft");
    let version = new["plan"]["version"].as_i64().unwrap();
    let body = json!({"title": format!("{}年党风廉政建设工作任务分工", year + 1), "doc_number": format!("某发〔{}〕2号", year + 1), "status": "issued", "version": version});
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/plans/{new_id}"), body.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["plan"]["status"], "issued");
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/plans/{new_id}"), body).await.0, 409);
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/duty/plans/{new_id}"), json!({"title": "x", "version": 1})).await.0, 403, "a unit the plan involves reads it but does not edit it");
});

fn plan_xlsx(rows: Vec<Vec<&str>>) -> Vec<u8> {
    let headers = ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限", "目标要求"];
    write_tables(&[Table {
        title: Some("任务分工".into()),
        sheet_name: "任务分工".into(),
        columns: headers.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
    }])
    .unwrap()
}

both!(xlsx_import_is_all_or_nothing_and_export_round_trips, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let root = app.org_id("XW").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/plans", json!({"year": 2027, "org_id": root, "title": "2027年党风廉政建设工作任务分工"})).await;
    assert_eq!(s, 201);
    let plan = v["plan"]["id"].as_i64().unwrap();
    let (c, csrf) = app.sign_in("jw_staff").await;
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("任务分工.xlsx"));
        c.post(app.url(&format!("/duty/plans/{plan}/import?_csrf={csrf}"))).multipart(form).send()
    };
    // row 5 names an unknown unit and row 6 has no parent: nothing is written
    let bad = plan_xlsx(vec![
        vec!["1", "落实主体责任", "县委书记", "县委办公室", "", "", "2027-12-31", ""],
        vec!["1.1", "专题研究党风廉政建设", "", "XW-D01", "XW-D01、XW-D03", "XW-JW", "2027-06-30", "每季度1次"],
        vec!["1.2", "开展述责述廉", "", "不存在的局", "", "", "2027-12-31", ""],
        vec!["2.1", "无上级的小项", "", "XW-JW", "", "", "2027-13-01", ""],
        vec!["1.1.1", "第三级", "", "XW-JW", "", "", "2027-06-30", ""],
    ]);
    let before = app.audit_count().await;
    let r = upload(bad).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("第5行 牵头单位“不存在的局”不存在"), "{html}");
    assert!(html.contains("第6行 序号 2.1 的上级事项不在本表前面的行中"));
    assert!(html.contains("第6行 时限应为日期"));
    assert!(html.contains("第7行 序号 1.1.1 小项下不能再添加下级事项"), "{html}");
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap(), 0);
    assert_eq!(app.audit_count().await, before);
    // corrected: imported with the hierarchy and the units
    let good = plan_xlsx(vec![
        vec!["1", "落实主体责任", "县委书记", "中共某某县委办公室", "", "", "2027-12-31", ""],
        vec!["1.1", "专题研究党风廉政建设", "", "XW-D01", "XW-D01、XW-D03", "XW-JW", "2027-06-30", "每季度1次"],
        vec!["1.2", "形成会议纪要", "", "XW-D01", "XW-D01", "", "2027-06-30", ""],
        vec!["2", "强化监督执纪", "孙正平", "XW-JW", "", "", "2027-12-31", ""],
    ]);
    let r = upload(good).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("已导入 4 项"));
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/plans/{plan}")).await;
    let items = v["items"].as_array().unwrap();
    let numbers: Vec<&str> = items.iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, vec!["1", "1.1", "1.2", "2"]);
    assert_eq!(items[1]["responsible"].as_array().unwrap().len(), 2);
    assert_eq!(items[1]["cooperating"][0]["org_name"], "中共某某县纪律检查委员会");
    assert!(items[3]["task"]["lead_leader_id"].as_i64().is_some(), "孙正平 is found among the people");
    // export: the same rows come back
    let bytes = c.get(app.url(&format!("/duty/plans/{plan}/export.xlsx"))).send().await.unwrap().bytes().await.unwrap();
    let rows = read_rows(&bytes).unwrap();
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    assert_eq!(rows[header + 2][0], "1.1");
    assert_eq!(rows[header + 2][1], "专题研究党风廉政建设");
    assert_eq!(rows[header + 2][6], "2027-06-30");
    // and it imports again (round trip) into a fresh plan
    let (_, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/plans", json!({"year": 2027, "org_id": root, "title": "副本"})).await;
    let copy = v["plan"]["id"].as_i64().unwrap();
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("x.xlsx"));
    let r = c.post(app.url(&format!("/duty/plans/{copy}/import?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM task_orgs WHERE plan_id = $1").bind(copy)).await.unwrap(), 4);
});

both!(docx_document_holds_the_task_table, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let plan = demo_plan(&app, &jw).await;
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/duty/plans/{plan}/document.docx"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    for t in ["关于印发《", "任务分工》的通知", "开展校园餐管理专项整治", "完成对县直部门的常规巡察", "牵头单位"] {
        assert!(xml.contains(t), "{t} in the document");
    }
    // a unit's copy holds only its items
    let (c, _) = app.sign_in("dw_jyj").await;
    let bytes = c.get(app.url(&format!("/duty/plans/{plan}/document.docx"))).send().await.unwrap().bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("开展校园餐管理专项整治") && !xml.contains("完成对县直部门的常规巡察"));
});

both!(reminder_job_is_idempotent, |app: TestApp| async move {
    let db = &app.state.db;
    let today = tasks::today();
    // the demo load made today's reminders; another run the same day adds nothing
    let n = db.scalar_i64(q("SELECT COUNT(*) FROM task_reminders")).await.unwrap();
    assert!(n > 0);
    assert_eq!(tasks::run_reminders(db, today, 7).await.unwrap(), 0);
    // through the job queue as well
    let sched = lianzheng::schedule(&app.settings);
    lianzheng::jobs::ensure_scheduled(db, &sched).await.unwrap();
    lianzheng_store::jobs::run_soon(db, "task_reminders").await.unwrap();
    // the other jobs (due by now if the template is older than their interval) wait their turn
    db.execute(q("UPDATE jobs SET run_at = $1 WHERE kind <> 'task_reminders'").bind(lianzheng_store::now() + 3600)).await.unwrap();
    assert_eq!(lianzheng::jobs::run_once(db, "node-t", &sched).await.unwrap().as_deref(), Some("task_reminders"));
    let job = lianzheng_store::jobs::list(db).await.unwrap().into_iter().find(|j| j.kind == "task_reminders").unwrap();
    assert!(job.last_error.is_none(), "{:?}", job.last_error);
    assert!(job.run_at > lianzheng_store::now(), "rescheduled");
    assert_eq!(db.scalar_i64(q("SELECT COUNT(*) FROM task_reminders")).await.unwrap(), n);
    // overdue and due-soon items of lead and responsible units; nothing for done items
    let late = task_id(&app, "完成对县直部门的常规巡察").await;
    assert_eq!(db.scalar_i64(q("SELECT COUNT(*) FROM task_reminders WHERE task_id = $1 AND kind = 'overdue'").bind(late)).await.unwrap(), 1);
    let soon = task_id(&app, "开展医药领域腐败问题集中整治").await;
    let (kind, org): (String, i64) = db.fetch_one(q("SELECT kind, org_id FROM task_reminders WHERE task_id = $1").bind(soon)).await.unwrap();
    assert_eq!((kind.as_str(), org), ("due_soon", app.org_id("XW-D17").await), "lead and responsible (卫健局), not the cooperating 教育局");
    let done = task_id(&app, "建立问题整改台账").await;
    assert_eq!(db.scalar_i64(q("SELECT COUNT(*) FROM task_reminders WHERE task_id = $1").bind(done)).await.unwrap(), 0);
    // the next day makes new ones
    let more = tasks::run_reminders(db, today + time::Duration::days(1), 7).await.unwrap();
    assert!(more > 0);
    // pending reminders follow the scope
    let jw = app.token("jw_staff").await;
    let (s, v) = app.get_json(&jw, "/api/v1/duty/reminders").await;
    assert_eq!(s, 200);
    assert!(!v["items"].as_array().unwrap().is_empty());
    let dw = app.token("dw_jyj").await;
    let (_, v) = app.get_json(&dw, "/api/v1/duty/reminders").await;
    let edu_id = app.org_id("XW-D08").await;
    assert!(v["items"].as_array().unwrap().iter().all(|r| r["org_id"] == edu_id));
});

both!(bench_plan_generates_a_large_tree, |app: TestApp| async move {
    let root = app.org_id("XW").await;
    let plan = tasks::generate_bench_plan(&app.state.db, lianzheng_core::ids::OrgId::new(root), 2000).await.unwrap();
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap(), 2000);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1 AND path LIKE '#%'").bind(plan)).await.unwrap(), 0);
    assert_eq!(app.state.db.scalar_i64(q("SELECT MAX(level) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap(), 4);
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("共 2000 条"));
    assert_eq!(html.matches("<progress").count(), 100, "one page of the tree");
    if std::env::var("TASKS_TIMING").is_ok() {
        let mut ms = Vec::new();
        for _ in 0..30 {
            let t = std::time::Instant::now();
            let r = c.get(app.url(&format!("/duty/plans/{plan}"))).send().await.unwrap();
            let n = r.bytes().await.unwrap().len();
            ms.push((t.elapsed().as_secs_f64() * 1000.0, n));
        }
        eprintln!("TIMING plan page: {ms:?}");
    }
    let r = c.get(app.url(&format!("/duty/plans/{plan}?page=7"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
});

both!(an_item_is_deleted_with_its_children_until_progress_is_reported, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let plan = demo_plan(&app, &jw).await;
    let edu = app.org_id("XW-D08").await;
    let create = |body: Value| {
        let (app, jw) = (&app, &jw);
        async move {
            let (s, v) = app.send_json(Method::POST, jw, &format!("/api/v1/duty/plans/{plan}/tasks"), body).await;
            assert_eq!(s, 201, "{v}");
            v["task"]["task"]["id"].as_i64().or_else(|| v["task"]["id"].as_i64()).unwrap()
        }
    };
    let big = create(json!({"title": "待删除的大项", "lead_org": edu})).await;
    let small = create(json!({"title": "待删除的小项一", "parent_id": big, "lead_org": edu})).await;
    create(json!({"title": "待删除的小项二", "parent_id": big})).await;

    // only the plan's owner may delete
    let (s, _) = app.send_json(Method::DELETE, &dw, &format!("/api/v1/duty/tasks/{big}"), json!({})).await;
    assert_eq!(s, 403);
    // the owner's page offers it, saying how many 小项 go with it
    let (c, _) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/duty/tasks/{big}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("删除该事项及其下 2 个小项？"), "{html}");
    // and lists its 小项 with their roll-up
    assert!(html.contains("下级小项") && html.contains("待删除的小项一") && html.contains("待删除的小项二"));
    assert!(html.contains("小项平均进度 0%，完成 0/2"), "{html}");

    // once a unit has reported on a 小项, neither it nor its 大项 can be deleted
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/duty/tasks/{small}/reports"), json!({"percent": 10, "text": "已部署"})).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app.send_json(Method::DELETE, &jw, &format!("/api/v1/duty/tasks/{big}"), json!({})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已有1条进展报送，不能删除"), "{v}");
    let html = c.get(app.url(&format!("/duty/tasks/{big}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("/delete\""), "no delete button once reported");

    // without reports: the item and its 小项 go, and the deletion is audited
    app.state.db.execute(q("DELETE FROM task_reports WHERE task_id = $1").bind(small)).await.unwrap();
    let before = app.audit_count().await;
    let (s, v) = app.send_json(Method::DELETE, &jw, &format!("/api/v1/duty/tasks/{big}"), json!({})).await;
    assert_eq!((s, v["deleted"].as_i64()), (200, Some(3)), "{v}");
    assert_eq!(app.get_json(&jw, &format!("/api/v1/duty/tasks/{small}")).await.0, 404);
    assert_eq!(app.audit_count().await, before + 1);
    let (action, entity): (String, String) = app.state.db.fetch_one(q("SELECT action, entity FROM audit_log ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!((action.as_str(), entity.as_str()), ("task.delete", "task"));

    // through the page: a fresh item is deleted and the plan is shown again
    let lone = create(json!({"title": "页面删除的事项"})).await;
    let csrf = html.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let r = c.post(app.url(&format!("/duty/tasks/{lone}/delete"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/duty/plans/{plan}"));
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE id = $1").bind(lone)).await.unwrap(), 0);
});

both!(ids_dates_versions_and_lengths_are_checked, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let demo = demo_plan(&app, &jw).await;
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/plans/{demo}")).await;
    let year = v["plan"]["year"].as_i64().unwrap();
    let root = app.org_id("XW").await;
    // a blank title gets the default one
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/plans", json!({"year": year, "org_id": root})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["plan"]["title"], format!("{year}年党风廉政建设工作任务分工"));
    let plan = v["plan"]["id"].as_i64().unwrap();
    let plan_version = v["plan"]["version"].as_i64().unwrap();
    let count = |plan: i64| {
        let app = &app;
        async move { app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap() }
    };
    let before = app.audit_count().await;

    // a parent from another plan: refused, nothing written
    let foreign = task_id(&app, "开展校园餐管理专项整治").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "挂到别的计划下", "parent_id": foreign})).await;
    assert!(s == 422 || s == 404, "{s} {v}");
    assert!(v["fields"]["parent_id"].as_str().unwrap_or("").contains("上级事项"), "{v}");
    // a 时限 far outside the plan's year
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "时限有误", "deadline": "1999-06-30"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["deadline"].as_str().unwrap().contains(&format!("时限应在计划年度内（{year}年）")), "{v}");
    // a title over the limit is refused, not cut
    let long = "长".repeat(501);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": long})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["title"].as_str().unwrap().contains("500"), "{v}");
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/plans/{plan}"), json!({"title": "长".repeat(101), "version": plan_version})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(count(plan).await, 0);
    assert_eq!(app.audit_count().await, before, "nothing written");

    // updates without a version are conflicts, not silent overwrites
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/tasks"), json!({"title": "原标题", "deadline": format!("{year}-12-31")})).await;
    assert_eq!(s, 201, "{v}");
    let task = v["task"]["task"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/tasks/{task}"), json!({"title": "无版本号的修改"})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("版本号"), "{v}");
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/plans/{plan}"), json!({"title": "无版本号"})).await;
    assert_eq!(s, 409);
    let (title,): (String,) = app.state.db.fetch_one(q("SELECT title FROM tasks WHERE id = $1").bind(task)).await.unwrap();
    assert_eq!(title, "原标题");
    // nor can an edit move the item under another plan's item
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/tasks/{task}"), json!({"title": "移动", "parent_id": foreign, "version": 1})).await;
    assert_eq!(s, 422, "{v}");

    // copying: only to a later year, at most next year
    for y in [year - 1, year + 5] {
        let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/plans/{plan}/copy"), json!({"year": y})).await;
        assert_eq!(s, 422, "{y}: {v}");
    }
    // a page past the end shows the last one
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/duty/plans/{demo}?page=999"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("plan-tree"));
});
