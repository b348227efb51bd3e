//! Tables as people expect (issue 8, item 5): page size and jump-to-page with junk clamped,
//! sorting by whitelisted keys the same on both databases, and batches (审核, 催报) that go
//! through the one-object use case per object and report what failed and why.

use lianzheng_core::names::pinyin_full;
use lianzheng_core::org::{Role, Scope, SystemScope};
use lianzheng_store::audit::Actor;
use lianzheng_store::builder::Sort;
use lianzheng_store::duty::lists::{self as lists, ListFilter};
use lianzheng_store::users::{self, UserInput};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

fn next_year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year()) + 1
}

/// A 纪委 staff account whose scope is the 县纪委 only: 教育局's lists are another unit's to it.
async fn narrow_reviewer(app: &TestApp) -> String {
    let jw_org = lianzheng_core::ids::OrgId::new(app.org_id("XW-JW").await);
    let hash = app.state.hasher.hash(PW).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let actor = Actor::system("测试");
    let id = users::create(&mut tx, &actor, &UserInput { username: "jw_narrow".into(), display_name: "钱监督".into(), person_id: None, org_id: Some(jw_org) }, &hash, false).await.unwrap();
    users::add_grant(&mut tx, &actor, id, Role::DisciplineStaff, Some(jw_org)).await.unwrap();
    tx.commit().await.unwrap();
    app.token("jw_narrow").await
}

/// A filed list of `kind` for the unit `code`, made by `token`'s account: its id.
async fn filed_list(app: &TestApp, token: &str, code: &str, kind: &str) -> i64 {
    let org = app.org_id(code).await;
    let (s, v) = app.send_json(Method::POST, token, "/api/v1/duty/lists", json!({"year": next_year(), "org_id": org, "kind": kind})).await;
    assert_eq!(s, 201, "{code}: {v}");
    let id = v["list"]["id"].as_i64().unwrap();
    assert_eq!(app.send_json(Method::POST, token, &format!("/api/v1/duty/lists/{id}/items"), json!({"content": "每季度专题研究一次党风廉政建设"})).await.0, 201);
    assert_eq!(app.send_json(Method::POST, token, &format!("/api/v1/duty/lists/{id}/submit"), json!({})).await.0, 200);
    id
}

async fn status_of(app: &TestApp, id: i64) -> (String, Option<String>) {
    app.state.db.fetch_one(lianzheng_store::q("SELECT status, return_reason FROM duty_lists WHERE id = $1").bind(id)).await.unwrap()
}

async fn count_action(app: &TestApp, action: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action)).await.unwrap()
}

fn ids(v: &Value, part: &str) -> Vec<String> {
    v[part].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

both!(batch_review_does_each_and_names_what_failed, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let unit = app.token("dw_jyj").await;
    let pz1 = filed_list(&app, &jw, "XW-JW-PZ1", "supervision").await;
    let pz2 = filed_list(&app, &jw, "XW-JW-PZ2", "supervision").await;
    let edu = filed_list(&app, &unit, "XW-D08", "main").await;
    let narrow = narrow_reviewer(&app).await;

    // a unit clerk may not review at all
    assert_eq!(app.send_json(Method::POST, &unit, "/api/v1/duty/lists/review", json!({"ids": [edu], "decision": "accept"})).await.0, 403);
    // returning needs the one reason for all; nothing is done without it
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/lists/review", json!({"ids": [pz1, pz2], "decision": "return"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["reason"], "退回时请填写退回原因");
    assert_eq!(app.send_json(Method::POST, &narrow, "/api/v1/duty/lists/review", json!({"ids": [], "decision": "accept"})).await.0, 422);

    // another unit's list inside the batch is refused (as not found, its title not named); the others are done
    let returns = count_action(&app, "duty_list.return").await;
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/lists/review", json!({"ids": [pz1, edu, pz2.to_string(), "abc", 999_999_999], "decision": "return", "reason": "内容过于笼统"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(ids(&v, "done"), vec![pz1.to_string(), pz2.to_string()], "{v}");
    assert_eq!(ids(&v, "failed"), vec![edu.to_string(), "abc".to_string(), "999999999".to_string()], "{v}");
    let failed = v["failed"].as_array().unwrap();
    assert_eq!(failed[0]["code"], "not_found");
    assert_eq!(failed[0]["name"], "", "another unit's list is not named");
    assert_eq!(failed[1]["reason"], "编号无效");
    assert!(failed.iter().all(|f| !f["reason"].as_str().unwrap().is_empty()));
    assert_eq!(status_of(&app, pz1).await, ("returned".into(), Some("内容过于笼统".into())));
    assert_eq!(status_of(&app, pz2).await, ("returned".into(), Some("内容过于笼统".into())));
    assert_eq!(status_of(&app, edu).await.0, "submitted", "another unit's list is untouched");
    assert_eq!(count_action(&app, "duty_list.return").await, returns + 2, "one audit entry per list");

    // only other units' lists: refused as a whole, like one
    assert_eq!(app.send_json(Method::POST, &narrow, "/api/v1/duty/lists/review", json!({"ids": [edu], "decision": "accept"})).await.0, 404);
    // a list no longer waiting is reported with the rule's reason
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/lists/review", json!({"ids": [pz1], "decision": "accept"})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["done"].as_array().unwrap().is_empty());
    assert_eq!(v["failed"][0]["reason"], "只能审核已报送的清单");

    // the page: the county 纪委 passes 教育局's list from the lists table; the page says so
    let (c, csrf) = app.sign_in("jw_staff").await;
    let page = c.get(app.url(&format!("/duty/lists?year={}&status=submitted", next_year()))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"name="ids" value="{edu}""#)), "a checkbox on the filed list");
    assert!(page.contains("data-check-all=\"ids\"") && page.contains("批量退回"));
    let form = [("_csrf", csrf.as_str()), ("ids", &edu.to_string()), ("ids", &pz1.to_string()), ("decision", "accept"), ("year", &next_year().to_string())];
    let r = c.post(app.url("/duty/lists/review-batch")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("已通过 1 份清单") && text.contains("1 份清单未处理") && text.contains("只能审核已报送的清单"), "{}", &text[text.find("batch-result").unwrap_or(0)..][..300.min(text.len())]);
    assert_eq!(status_of(&app, edu).await.0, "accepted");
    // nothing checked: the page says so, nothing changes
    let r = c.post(app.url("/duty/lists/review-batch")).form(&[("_csrf", csrf.as_str()), ("decision", "accept")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请先勾选要处理的项目"));
});

both!(batch_remind_chosen_units, |app: TestApp| async move {
    let narrow = narrow_reviewer(&app).await;
    let jw = app.token("jw_staff").await;
    let pz3 = app.org_id("XW-JW-PZ3").await;
    let edu = app.org_id("XW-D08").await;
    let pz1_list = filed_list(&app, &jw, "XW-JW-PZ1", "supervision").await;
    let pz1 = app.org_id("XW-JW-PZ1").await;
    let y = next_year();
    let before = count_action(&app, "duty_list.remind").await;
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/coverage/remind", json!({"year": y, "kind": "supervision", "units": [pz3, edu, pz3, pz1]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(ids(&v, "done"), vec![pz3.to_string()], "{v}");
    assert_eq!(ids(&v, "failed"), vec![edu.to_string(), pz1.to_string()], "{v}");
    assert_eq!(v["failed"][0]["reason"], "单位不存在或不在您的审核范围内");
    assert!(v["failed"][1]["reason"].as_str().unwrap().contains("已报送"), "{v}");
    assert_eq!(count_action(&app, "duty_list.remind").await, before + 1, "one audit entry per unit reminded");
    let n = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM list_reminders WHERE org_id = $1").bind(edu)).await.unwrap();
    assert_eq!(n, 0, "another unit is not reminded");
    // the same unit again the same day: said, not sent twice
    let (s, v) = app.send_json(Method::POST, &narrow, "/api/v1/duty/coverage/remind", json!({"year": y, "kind": "supervision", "units": [pz3]})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["failed"][0]["reason"].as_str().unwrap().contains("今日已催报过"), "{v}");
    // only another unit: refused as a whole
    assert_eq!(app.send_json(Method::POST, &narrow, "/api/v1/duty/coverage/remind", json!({"year": y, "kind": "supervision", "units": [edu]})).await.0, 404);
    // the coverage page: checkboxes on units not filed, none on a filed one
    let (c, csrf) = app.sign_in("jw_staff").await;
    let page = c.get(app.url(&format!("/duty/coverage?year={y}&kind=supervision"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"name="org_ids" value="{pz3}""#)), "a box for a unit not filed");
    assert!(!page.contains(&format!(r#"name="org_ids" value="{pz1}""#)), "no box for a filed unit (list {pz1_list})");
    let pz2 = app.org_id("XW-JW-PZ2").await;
    let r = c.post(app.url("/duty/coverage/remind")).form(&[("_csrf", csrf.as_str()), ("year", &y.to_string()), ("kind", "supervision"), ("chosen", "1"), ("org_ids", &pz2.to_string())]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("已催报 1 个单位"));
});

both!(paging_and_sorting_clamped_and_the_same_everywhere, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let edu = app.org_id("XW-D08").await;
    // junk page and size: the first page at the default size, never an error
    let (s, v) = app.get_json(&jw, "/api/v1/people?page=abc&size=7&sort=x%27)%3BDROP").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["page"], 1);
    let (_, plain) = app.get_json(&jw, "/api/v1/people?page=1").await;
    assert_eq!(v["items"], plain["items"], "a junk sort key gives the default order");
    // a page past the end is the last page
    let (s, v) = app.get_json(&jw, "/api/v1/people?size=20&page=999999").await;
    assert_eq!(s, 200);
    let pages = v["pages"].as_i64().unwrap();
    assert_eq!(v["page"], pages);
    assert!(!v["items"].as_array().unwrap().is_empty());
    assert!(v["items"].as_array().unwrap().len() <= 20);
    // sorted by name: by pinyin, then the characters, then the id — as Rust sorts it
    for sort in ["name", "-name"] {
        let (s, v) = app.get_json(&jw, &format!("/api/v1/people?org={edu}&size=100&sort={sort}")).await;
        assert_eq!(s, 200);
        let got: Vec<(String, i64)> = v["items"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap().to_string(), p["id"].as_i64().unwrap())).collect();
        assert!(got.len() > 5, "{v}");
        let mut want = got.clone();
        want.sort_by(|a, b| {
            let k = (pinyin_full(&a.0), a.0.as_bytes()).cmp(&(pinyin_full(&b.0), b.0.as_bytes()));
            (if sort.starts_with('-') { k.reverse() } else { k }).then(a.1.cmp(&b.1))
        });
        assert_eq!(got, want, "{sort}");
    }
    // lists sorted by title: byte order on both databases (Chinese titles included)
    let all = Scope::system(SystemScope::Demo);
    let year = i64::from(lianzheng_web::pages::duty::current_year());
    for desc in [false, true] {
        let f = ListFilter { year, sort: Sort { key: "title".into(), desc }, ..ListFilter::default() };
        let (rows, total) = lists::page(&app.state.db, &all, &f, 0, 1000).await.unwrap();
        assert!(total > 3 && rows.len() as i64 == total);
        let got: Vec<(String, i64)> = rows.iter().map(|l| (l.title.clone(), l.id.get())).collect();
        let mut want = got.clone();
        want.sort_by(|a, b| (if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }).then(a.1.cmp(&b.1)));
        assert_eq!(got, want);
        // a page is a slice of that order
        let (p2, _) = lists::page(&app.state.db, &all, &f, 2, 2).await.unwrap();
        assert_eq!(p2.iter().map(|l| l.id.get()).collect::<Vec<_>>(), got[2..4].iter().map(|x| x.1).collect::<Vec<_>>());
    }
    // pages answer junk with a page, never a 500
    let (c, _) = app.sign_in("jw_staff").await;
    for path in ["/people?page=-3&size=1000&sort=%3Cscript%3E", "/people?page=99999&size=100&sort=-name", "/duty/lists?page=zz&size=50&sort=-status", "/duty/lists?page=99999&sort=holder", "/duty/coverage?page=x"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let t = r.text().await.unwrap();
        assert!(!t.contains("<script>"), "{path}");
        if path.starts_with("/people") || path.starts_with("/duty/lists") {
            assert!(t.contains("每页") && t.contains("跳至"), "{path}: the pager");
        }
    }
    let t = c.get(app.url("/people?sort=-name&size=50")).send().await.unwrap().text().await.unwrap();
    assert!(t.contains("姓名 ▼") && t.contains(r#"<option value="50" selected>"#), "the arrow and the size shown");
    assert!(t.contains("sort=name&amp;size=50&amp;page=1"), "clicking again sorts the other way, keeping the size");
});

/// The header row (by its first cell) and the rows after it.
fn table(bytes: &[u8], first: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let rows = lianzheng_docs::xlsx::read_rows(bytes).unwrap();
    let h = rows.iter().position(|r| r.first().map(String::as_str) == Some(first)).unwrap_or_else(|| panic!("no header {first}: {rows:?}"));
    (rows[h].clone(), rows[h + 1..].to_vec())
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {header:?}"))
}

both!(exports_carry_state_progress_and_latest_report, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (c, _) = app.sign_in("jw_staff").await;
    // the plan: each item's state, progress and latest report (text, day, unit)
    let (_, v) = app.get_json(&jw, "/api/v1/duty/plans").await;
    let plan = v["items"].as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("党风廉政建设工作任务分工")).unwrap()["id"].as_i64().unwrap();
    let (task, title, progress): (i64, String, i64) = app
        .state
        .db
        .fetch_one(lianzheng_store::q("SELECT t.id, t.title, t.progress FROM tasks t WHERE t.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) AND EXISTS (SELECT 1 FROM task_reports r WHERE r.task_id = t.id) ORDER BY t.id LIMIT 1").bind(plan))
        .await
        .unwrap();
    let (latest,): (String,) = app.state.db.fetch_one(lianzheng_store::q("SELECT text FROM task_reports WHERE task_id = $1 ORDER BY id DESC LIMIT 1").bind(task)).await.unwrap();
    let bytes = c.get(app.url(&format!("/duty/plans/{plan}/export.xlsx"))).send().await.unwrap().bytes().await.unwrap();
    let (header, rows) = table(&bytes, "序号");
    assert_eq!(&header[..8], &["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限", "目标要求"], "the import's columns come first");
    let row = rows.iter().find(|r| r[1] == title).unwrap();
    assert_eq!(row[col(&header, "进度")], format!("{progress}%"));
    assert!(!row[col(&header, "状态")].is_empty());
    assert_eq!(row[col(&header, "最新进展")], latest);
    assert_eq!(row[col(&header, "进展日期")].len(), 10, "a day: {row:?}");
    assert!(!row[col(&header, "报送单位")].is_empty());
    // an item without reports has its state and progress, and no report
    let bare = rows.iter().find(|r| !r[col(&header, "状态")].is_empty() && r[col(&header, "最新进展")].is_empty()).expect("an item without a report");
    assert!(bare[col(&header, "进度")].ends_with('%'));

    // the lists: state, version, days and the reason of a return
    let y = next_year();
    let pz1 = filed_list(&app, &jw, "XW-JW-PZ1", "supervision").await;
    let _pz2 = filed_list(&app, &jw, "XW-JW-PZ2", "supervision").await;
    assert_eq!(app.send_json(Method::POST, &jw, &format!("/api/v1/duty/lists/{pz1}/review"), json!({"decision": "return", "reason": "请补充个性内容"})).await.0, 200);
    let r = c.get(app.url(&format!("/duty/lists/export.xlsx?year={y}&sort=-title"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (header, rows) = table(&r.bytes().await.unwrap(), "清单");
    assert_eq!(rows.len(), 2);
    let state = col(&header, "状态");
    let returned = rows.iter().find(|r| r[state] == "已退回").unwrap();
    assert_eq!(returned[col(&header, "退回原因")], "请补充个性内容");
    assert_eq!(returned[col(&header, "版本")], "第1版");
    assert_eq!(returned[col(&header, "报送日期")].len(), 10);
    assert!(rows.iter().any(|r| r[state] == "待审核"), "{rows:?}");
    assert!(rows[0][0] >= rows[1][0], "in the page's sort");
    // coverage: every unit expected to file, with its state
    let r = c.get(app.url(&format!("/duty/coverage/export.xlsx?year={y}&kind=supervision"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (header, rows) = table(&r.bytes().await.unwrap(), "单位");
    let (_, cov) = app.get_json(&jw, &format!("/api/v1/duty/coverage?year={y}&kind=supervision")).await;
    assert_eq!(rows.len(), cov["items"].as_array().unwrap().len());
    let state = col(&header, "状态");
    assert!(rows.iter().any(|r| r[state] == "已退回") && rows.iter().any(|r| r[state] == "未建立"), "{rows:?}");
    // exports are logged reads
    for action in ["duty_list.export", "duty_coverage.export", "task_plan.export"] {
        assert!(count_action(&app, action).await >= 1, "{action}");
    }
});
