//! 考责, the self-check (issue 10, item 2): the 自查报告 drafted from the unit's own records
//! (every figure equal to the records behind it, a new record changing the regenerated figure),
//! saved with versions (a stale save is a 409, the page keeps what was typed), submitted and
//! returned; materials that link the unit's own records (another unit's record is 404); the
//! 八项规定 table validated and exported as XLSX.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// 教育局's row in the demo campaign (open, its self-check phase running).
async fn jyj_unit(app: &TestApp) -> (i64, String, i64) {
    let (id, path, year): (i64, String, i64) = app
        .state
        .db
        .fetch_one(lianzheng_store::q(
            "SELECT u.id, u.org_path, c.year FROM inspection_units u JOIN inspection_campaigns c ON c.id = u.campaign_id JOIN orgs o ON o.id = u.org_id WHERE c.status = 'open' AND o.code = 'XW-D08' ORDER BY u.id LIMIT 1",
        ))
        .await
        .unwrap();
    (id, path, year)
}

/// Another unit's row in the same campaign (组织部).
async fn other_unit(app: &TestApp, campaign_of: i64) -> i64 {
    app.state
        .db
        .scalar_i64(
            lianzheng_store::q("SELECT u.id FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE o.code = 'XW-D03' AND u.campaign_id = (SELECT campaign_id FROM inspection_units WHERE id = $1)").bind(campaign_of),
        )
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, path: &str, year: i64) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q_built(sql.replace("{path}", path).replace("{year}", &year.to_string()))).await.unwrap()
}

fn figure(v: &Value, key: &str) -> i64 {
    v["selfcheck"]["figures"].as_array().unwrap().iter().find(|f| f["key"] == key).unwrap_or_else(|| panic!("no figure {key}: {v}"))["value"].as_i64().unwrap()
}

fn version(v: &Value) -> i64 {
    v["selfcheck"]["version"].as_i64().unwrap()
}

both!(the_draft_s_figures_are_the_unit_s_records_and_follow_a_new_one, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let (unit, path, year) = jyj_unit(&app).await;
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{unit}/selfcheck")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["selfcheck"]["status_label"], "未开始");
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/units/{unit}/selfcheck/generate"), json!({"version": 0})).await;
    assert_eq!(s, 200, "{v}");
    // every figure is the count of the records behind it
    for (key, sql) in [
        ("records_total", "SELECT COUNT(*) FROM duty_records WHERE year = {year} AND org_path LIKE '{path}%'"),
        ("records_lecture", "SELECT COUNT(*) FROM duty_records WHERE year = {year} AND kind = 'lecture' AND org_path LIKE '{path}%'"),
        ("records_study", "SELECT COUNT(*) FROM duty_records WHERE year = {year} AND sub_kind IN ('standing_study', 'group_study') AND org_path LIKE '{path}%'"),
        ("talks_total", "SELECT COUNT(*) FROM talks WHERE year = {year} AND org_path LIKE '{path}%'"),
        ("talks_collective", "SELECT COUNT(*) FROM talks WHERE year = {year} AND kind = 'collective' AND org_path LIKE '{path}%'"),
        ("lists_total", "SELECT COUNT(*) FROM duty_lists WHERE year = {year} AND org_path LIKE '{path}%'"),
        ("lists_filed", "SELECT COUNT(*) FROM duty_lists WHERE year = {year} AND status = 'accepted' AND org_path LIKE '{path}%'"),
        ("letters_total", "SELECT COUNT(*) FROM letters WHERE year = {year} AND org_path LIKE '{path}%'"),
        ("letters_signed", "SELECT COUNT(*) FROM letters WHERE year = {year} AND status = 'signed' AND org_path LIKE '{path}%'"),
        ("notices_total", "SELECT COUNT(*) FROM notices WHERE year = {year} AND org_path LIKE '{path}%'"),
        ("inquiry_letter", "SELECT COUNT(*) FROM inquiries WHERE kind = 'letter' AND issued_on LIKE '{year}-%' AND person_org_path LIKE '{path}%'"),
        ("education_total", "SELECT COUNT(*) FROM education_activities WHERE held_on LIKE '{year}-%' AND org_path LIKE '{path}%'"),
    ] {
        assert_eq!(figure(&v, key), count(&app, sql, &path, year).await, "{key}");
    }
    assert!(figure(&v, "records_total") > 0 && figure(&v, "talks_total") > 0, "the demo unit has records: {v}");
    // the text names its figures, the figures link to the records behind them
    let parts = &v["selfcheck"]["parts"];
    assert!(parts[1]["text"].as_str().unwrap().contains("{{records_total}}"), "{parts}");
    let f = v["selfcheck"]["figures"].as_array().unwrap().iter().find(|f| f["key"] == "records_total").unwrap().clone();
    let org = app.org_id("XW-D08").await;
    assert_eq!(f["href"], format!("/conduct/records?year={year}&org={org}"));
    let (browser, _) = app.sign_in("dw_jyj").await;
    let page = browser.get(app.url(&format!("/inspection/units/{unit}/selfcheck"))).send().await.unwrap().text().await.unwrap();
    let link = page.split("data-key=\"records_total\"").next().unwrap_or_default().rsplit("href=").next().unwrap_or_default().to_string();
    assert!(link.contains("conduct") && link.contains(&format!("org={org}")), "the page shows the figure as a link: {link}");
    let list = browser.get(app.url(&format!("/conduct/records?year={year}&org={org}"))).send().await.unwrap();
    assert_eq!(list.status(), 200, "the link opens the records");

    // the unit edits its text, then a new 纪实 record: the regenerated figure follows, the text stays
    let mut form = json!({"version": version(&v)});
    for (i, field) in ["duty", "work", "problems", "next_steps"].iter().enumerate() {
        form[*field] = parts[i]["text"].clone();
    }
    form["problems"] = json!("一是本单位自己写的问题。");
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{unit}/selfcheck"), form).await;
    assert_eq!(s, 200, "{v}");
    let before = figure(&v, "records_total");
    let today = lianzheng_core::duty::format_date(lianzheng_web::app::calendar::today());
    let body = json!({"kind": "学习", "title": "自查测试学习", "act_date": today, "content": "学习党纪处分条例。"});
    let (s, r) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", body).await;
    assert_eq!(s, 201, "{r}");
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/units/{unit}/selfcheck/generate"), json!({"version": version(&v), "figures_only": "1"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(figure(&v, "records_total"), before + 1, "the new record is counted");
    assert_eq!(v["selfcheck"]["parts"][2]["text"], "一是本单位自己写的问题。", "the text as edited stays");
});

both!(a_stale_save_is_a_conflict_the_page_keeps_the_text_and_submit_locks_it, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let sj = app.token("sj_jyj").await;
    let jw = app.token("jw_staff").await;
    let (unit, _, _) = jyj_unit(&app).await;
    let url = format!("/api/v1/inspection/units/{unit}/selfcheck");
    let body = |version: i64, text: &str| json!({"version": version, "duty": text, "work": "主要工作。", "problems": "存在问题。", "next_steps": "下一步。"});
    let (s, v) = app.send_json(Method::PUT, &dw, &url, body(0, "党务写的。")).await;
    assert_eq!(s, 200, "{v}");
    let v1 = version(&v);
    // the 书记 saves over it; the 党务's second save at the old version is refused
    let (s, v) = app.send_json(Method::PUT, &sj, &url, body(v1, "书记改的。")).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.send_json(Method::PUT, &dw, &url, body(v1, "党务又改的。")).await;
    assert_eq!(s, 409, "{v}");
    let (_, v) = app.get_json(&dw, &url).await;
    assert_eq!(v["selfcheck"]["parts"][0]["text"], "书记改的。", "nothing overwritten");
    // the page answers 409 with what was typed still in the form
    let (browser, csrf) = app.sign_in("dw_jyj").await;
    let r = browser
        .post(app.url(&format!("/inspection/units/{unit}/selfcheck")))
        .form(&[("_csrf", csrf.as_str()), ("version", &v1.to_string()), ("duty", "页面上打的字"), ("work", "w"), ("problems", "p"), ("next_steps", "n")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("页面上打的字") && page.contains("已被他人修改"), "the input is kept");

    // submitted: read-only for the unit; the organiser returns it, the unit's 待办 again
    let cur = version(&v);
    let (s, v) = app.send_json(Method::POST, &dw, &format!("{url}/submit"), json!({"version": cur})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["selfcheck"]["status"], "submitted");
    let (_, todo) = app.get_json(&dw, "/api/v1/todo").await;
    assert!(!todo.to_string().contains(&format!("/inspection/units/{unit}\"")), "the 自查自评 待办 is done: {todo}");
    let (s, _) = app.send_json(Method::PUT, &dw, &url, body(version(&v), "提交后再改")).await;
    assert_eq!(s, 409);
    let (s, _) = app.send_json(Method::POST, &dw, &format!("{url}/return"), json!({"version": version(&v), "reason": "自己退回"})).await;
    assert_eq!(s, 403, "only the organiser returns it");
    let (s, r) = app.send_json(Method::POST, &jw, &format!("{url}/return"), json!({"version": version(&v), "reason": ""})).await;
    assert_eq!(s, 422, "a reason is needed: {r}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("{url}/return"), json!({"version": version(&v), "reason": "存在问题部分过于笼统"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["selfcheck"]["status"], "returned");
    let (_, todo) = app.get_json(&dw, "/api/v1/todo").await;
    assert!(todo.to_string().contains("inspection.self_check_returned"), "{todo}");
    let (s, _) = app.send_json(Method::PUT, &dw, &url, body(version(&v), "按退回意见修改")).await;
    assert_eq!(s, 200);
});

both!(another_unit_s_report_and_records_are_refused, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let bz = app.token("bz_jyj").await;
    let jw = app.token("jw_staff").await;
    let (unit, path, year) = jyj_unit(&app).await;
    let other = other_unit(&app, unit).await;
    for p in ["selfcheck", "materials", "frugality"] {
        let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/units/{other}/{p}")).await;
        assert_eq!(s, 404, "another unit's {p}");
    }
    let (s, _) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{other}/selfcheck"), json!({"version": 0, "duty": "x"})).await;
    assert_eq!(s, 404);
    // a 班子成员 of the unit reads it but does not write it; the organiser reads it
    let (s, _) = app.get_json(&bz, &format!("/api/v1/inspection/units/{unit}/selfcheck")).await;
    assert_eq!(s, 200);
    let (s, _) = app.send_json(Method::PUT, &bz, &format!("/api/v1/inspection/units/{unit}/selfcheck"), json!({"version": 0, "duty": "x"})).await;
    assert_eq!(s, 403);
    let (s, _) = app.get_json(&jw, &format!("/api/v1/inspection/units/{unit}/selfcheck")).await;
    assert_eq!(s, 200);

    // materials: the unit's own 纪实 record is linked, another unit's is not found
    let mine = app.state.db.scalar_i64(lianzheng_store::q_built(format!("SELECT MIN(id) FROM duty_records WHERE org_path LIKE '{path}%' AND year = {year}"))).await.unwrap();
    let theirs = app.state.db.scalar_i64(lianzheng_store::q_built(format!("SELECT MIN(id) FROM duty_records WHERE org_path NOT LIKE '{path}%'"))).await.unwrap();
    let url = format!("/api/v1/inspection/units/{unit}/materials");
    let (s, v) = app.send_json(Method::POST, &dw, &url, json!({"item_no": 5, "ref_kind": "record", "ref_id": theirs})).await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = app.send_json(Method::POST, &dw, &url, json!({"item_no": 99, "ref_kind": "record", "ref_id": mine})).await;
    assert_eq!(s, 422, "no such checklist item: {v}");
    let (s, v) = app.send_json(Method::POST, &dw, &url, json!({"item_no": 5, "ref_kind": "record", "ref_id": mine})).await;
    assert_eq!(s, 201, "{v}");
    // per indicator: a last-level one of the campaign's own standard, nothing else
    let leaf = app
        .state
        .db
        .scalar_i64(lianzheng_store::q_built(format!(
            "SELECT MIN(d.id) FROM inspection_indicators d JOIN inspection_scoring s ON s.standard_id = d.standard_id JOIN inspection_units u ON u.campaign_id = s.campaign_id \
             WHERE u.id = {unit} AND NOT EXISTS (SELECT 1 FROM inspection_indicators c WHERE c.parent_id = d.id)"
        )))
        .await
        .unwrap();
    let parent = app.state.db.scalar_i64(lianzheng_store::q_built(format!("SELECT parent_id FROM inspection_indicators WHERE id = {leaf}"))).await.unwrap();
    for bad in [parent, 999_999] {
        let (s, v) = app.send_json(Method::POST, &dw, &url, json!({"indicator_id": bad, "ref_kind": "record", "ref_id": mine})).await;
        assert_eq!(s, 422, "not a scored indicator of this campaign: {v}");
    }
    let (s, v) = app.send_json(Method::POST, &dw, &url, json!({"indicator_id": leaf, "ref_kind": "record", "ref_id": mine})).await;
    assert_eq!(s, 201, "filed per indicator too: {v}");
    let (_, v) = app.get_json(&jw, &url).await;
    assert_eq!(v["items"][4]["materials"][0]["href"], format!("/conduct/records/{mine}"), "{v}");
    let slot = v["indicators"].as_array().unwrap().iter().find(|i| i["indicator_id"] == leaf).unwrap();
    assert_eq!(slot["materials"][0]["href"], format!("/conduct/records/{mine}"), "{slot}");
    assert!(v["others"].as_array().unwrap().is_empty(), "{v}");
    // an upload is checked by its content
    let form = reqwest::multipart::Form::new().text("item_no", "1").part("file", reqwest::multipart::Part::bytes(b"MZ\x90\x00not a pdf".to_vec()).file_name("计划.pdf"));
    let r = app.client().post(app.url(&format!("{url}/upload"))).bearer_auth(&dw).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let form = reqwest::multipart::Form::new().text("item_no", "1").part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 plan".to_vec()).file_name("计划.pdf"));
    let r = app.client().post(app.url(&format!("{url}/upload"))).bearer_auth(&dw).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let (_, v) = app.get_json(&jw, &url).await;
    let file = v["items"][0]["materials"][0]["href"].as_str().unwrap().to_string();
    let r = app.client().get(app.url(&format!("/api/v1{file}"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(r.status(), 200, "the organiser opens the unit's upload");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 plan");
    let other_dw = app.get_json(&dw, &format!("/api/v1/inspection/units/{other}/materials")).await.0;
    assert_eq!(other_dw, 404);
});

both!(the_frugality_table_is_checked_saved_once_and_exported, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let (unit, _, _) = jyj_unit(&app).await;
    let url = format!("/api/v1/inspection/units/{unit}/frugality");
    let (s, v) = app.send_json(Method::PUT, &dw, &url, json!({"version": 0, "reception_amount": "1200", "meetings_count": "2.5"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["reception_batches"].is_string() && v["fields"]["meetings_count"].is_string(), "{v}");
    let good = json!({"version": 0, "reception_batches": 3, "reception_people": 15, "reception_amount": "2,460.50", "meetings_count": 2, "meetings_amount": 800, "note": "无超标准接待。"});
    let (s, v) = app.send_json(Method::PUT, &dw, &url, good.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["frugality"]["values"]["reception_amount"], "2460.50");
    let (s, _) = app.send_json(Method::PUT, &dw, &url, good).await;
    assert_eq!(s, 409, "entered once: a second first entry is stale");
    // one unit's XLSX opens and holds the figures
    let r = app.client().get(app.url(&format!("{url}.xlsx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let rows = lianzheng_docs::xlsx::read_rows(&r.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.iter().any(|c| c.ends_with("教育局")) && r.iter().any(|c| c == "2460.50")), "{rows:?}");
    // every unit's, for the organiser only
    let campaign = app.state.db.scalar_i64(lianzheng_store::q("SELECT campaign_id FROM inspection_units WHERE id = $1").bind(unit)).await.unwrap();
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{campaign}/frugality.xlsx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{campaign}/frugality.xlsx"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let rows = lianzheng_docs::xlsx::read_rows(&r.bytes().await.unwrap()).unwrap();
    let units = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM inspection_units WHERE campaign_id = $1").bind(campaign)).await.unwrap();
    assert!(rows.len() as i64 > units, "a row per unit under the header: {} rows for {units} units", rows.len());
});
