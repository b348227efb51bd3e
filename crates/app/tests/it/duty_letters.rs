//! 定责 — 责任书: generated per signer from their own lists, signing, and copy detection
//! (same year, the signer's earlier year, foreign phrases) with review.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

async fn letter_of(app: &TestApp, token: &str, signer: &str) -> Value {
    let (_, v) = app.get_json(token, "/api/v1/duty/letters").await;
    v["items"].as_array().unwrap().iter().find(|l| l["signer_name"] == signer && l["year"].as_i64() == Some(i64::from(lianzheng_web::pages::duty::current_year()))).cloned().unwrap_or(Value::Null)
}

both!(demo_letters_are_personal_and_defects_are_flagged, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    // each letter carries its signer's own list items
    let wang = letter_of(&app, &jw, "王建国").await;
    let liu = letter_of(&app, &jw, "刘志强").await;
    assert!(wang["body"].as_str().unwrap().contains("带头讲廉政党课"));
    assert!(!liu["body"].as_str().unwrap().contains("带头讲廉政党课"));
    assert!(liu["body"].as_str().unwrap().contains("大额资金使用提交党组集体研究"));
    // the three seeded defects are flagged; honest letters from the same template are not
    let (_, v) = app.get_json(&jw, "/api/v1/duty/letter-flags").await;
    let flags = v["items"].as_array().unwrap();
    let kinds: Vec<&str> = flags.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"duplicate") && kinds.contains(&"copied") && kinds.contains(&"foreign"), "{kinds:?}");
    let dups: Vec<&Value> = flags.iter().filter(|f| f["kind"] == "duplicate").collect();
    assert!(dups.iter().any(|f| f["letter_org"] == "中共某某县委统战部" || f["other_org"] == "中共某某县委统战部"), "the copied pair: {v}");
    // letters with their own content are not flagged against each other; two letters holding only
    // 共性 content (宣传部, 发改局: drafts without 个性 items) are identical and rightly flagged
    assert!(dups.iter().all(|f| f["letter_org"] != "某某县教育局" && f["other_org"] != "某某县教育局"), "{v}");
    assert!(dups.len() <= 2, "{v}");
    let foreign = flags.iter().find(|f| f["kind"] == "foreign").unwrap();
    assert!(foreign["detail"].as_str().unwrap().contains("不办人情案"));
    // the 纪委 marks one reviewed
    let id = foreign["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-flags/{id}/review"), json!({"note": "已要求重新签订"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["flag"]["status"], "reviewed");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-flags/{id}/review"), json!({})).await;
    assert_eq!(s, 422);
    // a unit's staff cannot see the flags list
    let unit = app.token("dw_jyj").await;
    assert_eq!(app.get_json(&unit, "/api/v1/duty/letter-flags").await.0, 403);
});

both!(a_copied_letter_is_flagged_when_saved, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let source = letter_of(&app, &jw, "中共某某县人民政府办公室").await;
    let source = if source.is_null() { letter_of(&app, &jw, "某某县人民政府办公室").await } else { source };
    let target = letter_of(&app, &jw, "中共某某县委组织部").await;
    assert!(!source.is_null() && !target.is_null());
    let copied = source["body"].as_str().unwrap().replace("某某县人民政府办公室", "中共某某县委组织部");
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", target["id"]), json!({"body": copied, "version": target["version"]})).await;
    assert_eq!(s, 200, "{v}");
    let flags = v["flags"].as_array().unwrap();
    assert!(flags.iter().any(|f| f["kind"] == "duplicate" && (f["other_letter_id"] == source["id"] || f["letter_id"] == source["id"])), "{v}");
    // a stale edit is refused
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", target["id"]), json!({"body": "x", "version": target["version"]})).await;
    assert_eq!(s, 409, "{v}");
    // the comparison page highlights the shared passages
    let (c, _) = app.sign_in("jw_staff").await;
    let fid = flags.iter().find(|f| f["kind"] == "duplicate").unwrap()["id"].as_i64().unwrap();
    let html = c.get(app.url(&format!("/duty/flags/{fid}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.matches("<mark>").count() >= 2, "shared passages marked");
    // the whole year re-checked in one pass finds the same
    let n = lianzheng_store::duty::letters::check_year(&app.state.db, i64::from(lianzheng_web::pages::duty::current_year()), 0.7).await.unwrap();
    assert!(n >= 3, "{n}");
});

both!(signing_by_the_signer_only, |app: TestApp| async move {
    let sj = app.token("sj_jyj").await;
    let wang = letter_of(&app, &sj, "王建国").await;
    let liu = letter_of(&app, &sj, "刘志强").await;
    // 王建国 confirms his own letter, not 刘志强's
    let (s, v) = app.send_json(Method::POST, &sj, &format!("/api/v1/duty/letters/{}/sign", liu["id"]), json!({})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("签订人本人"));
    let (s, v) = app.send_json(Method::POST, &sj, &format!("/api/v1/duty/letters/{}/sign", wang["id"]), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["letter"]["status"], "signed");
    // signed letters are closed for edits
    let jw = app.token("jw_staff").await;
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/letters/{}", wang["id"]), json!({"body": "改", "version": v["letter"]["version"]})).await;
    assert_eq!(s, 422, "{v}");
    // the unit's party staff uploads a signed scan for 刘志强
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 signed".to_vec()).file_name("责任书签字.pdf"));
    let r = c.post(app.url(&format!("/duty/letters/{}/scan?_csrf={csrf}", liu["id"]))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, v) = app.get_json(&sj, &format!("/api/v1/duty/letters/{}", liu["id"])).await;
    assert_eq!(v["letter"]["sign_method"], "scan");
    assert!(v["letter"]["scan_attachment_id"].is_i64());
    // a unit outside sees none of 教育局's letters
    let other = app.token("gb_jyj").await;
    assert_eq!(app.get_json(&other, &format!("/api/v1/duty/letters/{}", wang["id"])).await.0, 200, "same unit");
    let (_, v) = app.get_json(&app.token("dw_jyj").await, "/api/v1/duty/letters").await;
    assert!(v["items"].as_array().unwrap().iter().all(|l| l["org_name"].as_str().unwrap().contains("教育局")));
});
