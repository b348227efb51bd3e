//! 定责 — 责任书模板 as 共性清单 templates are kept: edited (title, body) until letters have
//! been generated from it, then only disabled (no new generation, letters made untouched) and
//! enabled again; another unit's template is not found. The 责任书 and 雷同检查 tables sort by
//! whitelisted columns with the id as tie-breaker, the same on both databases.

use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

async fn stored(app: &TestApp, id: i64) -> (String, String, bool) {
    app.state.db.fetch_one(q("SELECT title, body, disabled FROM letter_templates WHERE id = $1").bind(id)).await.unwrap()
}

async fn letters_of(app: &TestApp, id: i64) -> Vec<(i64, String)> {
    app.state.db.fetch_all(q("SELECT id, body FROM letters WHERE template_id = $1 ORDER BY id").bind(id)).await.unwrap()
}

async fn audits(app: &TestApp, action: &str, id: i64) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity_id = $2").bind(action).bind(id.to_string())).await.unwrap()
}

both!(a_letter_template_is_edited_until_used_then_disabled, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let xw = app.org_id("XW").await;
    let body = lianzheng_web::pages::duty::letters::DEFAULT_BODY;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/letter-templates", json!({"year": year(), "org_id": xw, "title": "测试责任书", "body": body})).await;
    assert_eq!(s, 201, "{v}");
    let t = v["id"].as_i64().unwrap();

    // not yet used: edited, audited; the API reads it back
    let new_body = format!("{body}\n\n四、附则\n本责任书由{{上级}}负责解释。");
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letter-templates/{t}"), json!({"title": "测试责任书（修订）", "body": new_body})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["template"]["title"], "测试责任书（修订）");
    assert_eq!(v["template"]["letter_count"], 0);
    assert_eq!(stored(&app, t).await, ("测试责任书（修订）".to_string(), new_body.clone(), false));
    assert_eq!(audits(&app, "letter_template.update", t).await, 1);
    // a body without {责任内容} or with an unknown placeholder: 422 naming the field, nothing changed
    for bad in ["没有责任内容的正文", "{签定人}签订：{责任内容}"] {
        let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letter-templates/{t}"), json!({"title": "改坏了", "body": bad})).await;
        assert_eq!(s, 422, "{v}");
        assert!(v["fields"]["body"].is_string(), "{v}");
    }
    assert_eq!(stored(&app, t).await.0, "测试责任书（修订）");
    // the page: an edit form with the placeholders; a bad body comes back with what was typed
    let (c, csrf) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/duty/letters/templates/{t}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("修改模板") && html.contains("{上级签订人}") && html.contains("本责任书由{上级}负责解释"), "edit form");
    let r = c.post(app.url(&format!("/duty/letters/templates/{t}"))).form(&[("_csrf", csrf.as_str()), ("title", "页面修改"), ("body", "只有一句话，忘了写占位符")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("只有一句话，忘了写占位符") && html.contains("页面修改") && html.contains("须包含 {责任内容}"), "typed text kept");
    assert_eq!(stored(&app, t).await.0, "测试责任书（修订）");
    // not used yet: nothing to disable
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/disable"), json!({})).await;
    assert_eq!(s, 409, "{v}");

    // another unit's staff: not found, whatever they try; nothing changed
    let dw = app.token("dw_jyj").await;
    assert_eq!(app.get_json(&dw, &format!("/api/v1/duty/letter-templates/{t}")).await.0, 404);
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/duty/letter-templates/{t}"), json!({"title": "别人的", "body": new_body})).await.0, 404);
    assert_eq!(app.send_json(Method::POST, &dw, &format!("/api/v1/duty/letter-templates/{t}/disable"), json!({})).await.0, 404);
    let (dc, dcsrf) = app.sign_in("dw_jyj").await;
    let r = dc.post(app.url(&format!("/duty/letters/templates/{t}"))).form(&[("_csrf", dcsrf.as_str()), ("title", "别人的"), ("body", new_body.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(stored(&app, t).await, ("测试责任书（修订）".to_string(), new_body.clone(), false));

    // generated from: no longer edited (a Chinese refusal, nothing changed) ...
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/generate"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    let made = letters_of(&app, t).await;
    assert!(!made.is_empty());
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letter-templates/{t}"), json!({"title": "生成后再改", "body": body})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("不能再修改"), "{v}");
    let r = c.post(app.url(&format!("/duty/letters/templates/{t}"))).form(&[("_csrf", csrf.as_str()), ("title", "页面生成后再改"), ("body", body)]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("不能再修改") && html.contains("停用"), "refused on the page, 停用 offered");
    assert_eq!(stored(&app, t).await, ("测试责任书（修订）".to_string(), new_body.clone(), false));

    // ... but disabled: no new generation, the letters made untouched, shown greyed without 生成
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/disable"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["template"]["disabled"], true);
    assert_eq!(audits(&app, "letter_template.disable", t).await, 1);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/generate"), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已停用"), "{v}");
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/letter-templates/{t}/preview")).await;
    assert!(v["plan"]["problem"].as_str().unwrap_or("").contains("已停用"), "{v}");
    assert_eq!(letters_of(&app, t).await, made, "letters untouched");
    let html = c.get(app.url(&format!("/duty/letters/templates?year={}", year()))).send().await.unwrap().text().await.unwrap();
    let row = html.split("<tr").find(|r| r.contains(&format!("/duty/letters/templates/{t}\""))).unwrap_or("");
    assert!(row.contains("row-disabled") && row.contains("已停用") && row.contains("启用") && !row.contains("/generate"), "{row}");
    let html = c.get(app.url(&format!("/duty/letters?year={}", year()))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains(&format!("/duty/letters/templates/{t}/generate")), "no 生成 link for a disabled template");
    // the page refuses generating from it too, and disabling twice
    let r = c.post(app.url(&format!("/duty/letters/templates/{t}/disable"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(app.send_json(Method::POST, &dw, &format!("/api/v1/duty/letter-templates/{t}/enable"), json!({})).await.0, 404);

    // enabled again (from the page): generation runs again (nothing new: each already has one)
    let r = c.post(app.url(&format!("/duty/letters/templates/{t}/enable"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(!stored(&app, t).await.2);
    assert_eq!(audits(&app, "letter_template.enable", t).await, 1);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/generate"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["generated"], 0);
    assert_eq!(letters_of(&app, t).await, made);
});

fn pairs(v: &Value, key: &str) -> Vec<(String, i64)> {
    v["items"].as_array().unwrap().iter().map(|x| (x[key].as_str().map(str::to_string).unwrap_or_else(|| x[key].to_string()), x["id"].as_i64().unwrap())).collect()
}

both!(letters_and_flags_sort_by_their_columns, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    // text columns in byte order, the id breaking ties (ascending either way), on both databases
    for (sort, key) in [("title", "title"), ("-title", "title"), ("org", "org_path"), ("-org", "org_path"), ("status", "status"), ("-status", "status")] {
        let (s, v) = app.get_json(&jw, &format!("/api/v1/duty/letters?sort={sort}")).await;
        assert_eq!(s, 200, "{v}");
        let got = pairs(&v, key);
        assert!(got.len() > 3, "{v}");
        let mut want = got.clone();
        want.sort_by(|a, b| (if sort.starts_with('-') { b.0.as_bytes().cmp(a.0.as_bytes()) } else { a.0.as_bytes().cmp(b.0.as_bytes()) }).then(a.1.cmp(&b.1)));
        assert_eq!(got, want, "{sort}");
    }
    // the signer: the same set, every letter once
    let (_, plain) = app.get_json(&jw, "/api/v1/duty/letters").await;
    let (_, by_signer) = app.get_json(&jw, "/api/v1/duty/letters?sort=-signer").await;
    let mut a: Vec<i64> = pairs(&plain, "title").into_iter().map(|x| x.1).collect();
    let mut b: Vec<i64> = pairs(&by_signer, "title").into_iter().map(|x| x.1).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    // a junk key gives the default order
    let (_, junk) = app.get_json(&jw, "/api/v1/duty/letters?sort=x%27)%3BDROP").await;
    assert_eq!(junk["items"], plain["items"]);

    // flags by score: numbers, the id breaking ties
    for sort in ["score", "-score"] {
        let (s, v) = app.get_json(&jw, &format!("/api/v1/duty/letter-flags?sort={sort}")).await;
        assert_eq!(s, 200, "{v}");
        let got: Vec<(i64, i64)> = v["items"].as_array().unwrap().iter().map(|f| (f["score_pm"].as_i64().unwrap(), f["id"].as_i64().unwrap())).collect();
        assert!(got.len() > 1, "{v}");
        let mut want = got.clone();
        want.sort_by(|a, b| (if sort == "-score" { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }).then(a.1.cmp(&b.1)));
        assert_eq!(got, want, "{sort}");
    }
    let (_, v) = app.get_json(&jw, "/api/v1/duty/letter-flags?sort=kind").await;
    let got = pairs(&v, "kind");
    let mut want = got.clone();
    want.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    assert_eq!(got, want);

    // the pages: sortable headers and the phone's sort select, keeping the sort on the pager
    let (c, _) = app.sign_in("jw_staff").await;
    for (path, key) in [("/duty/letters?sort=-signer&size=20", "signer"), ("/duty/flags?sort=score&size=20", "score")] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("name=\"sort\"") && html.contains("默认顺序"), "{path}: sort select");
        let again = if path.contains(&format!("sort=-{key}")) { format!("sort={key}&amp;") } else { format!("sort=-{key}&amp;") };
        assert!(html.contains(&again), "{path}: a click sorts the other way");
    }
    for path in ["/duty/letters?sort=%3Cscript%3E&page=zz", "/duty/flags?sort=-x&page=99999&size=7"] {
        assert_eq!(c.get(app.url(path)).send().await.unwrap().status(), 200, "{path}");
    }
});
