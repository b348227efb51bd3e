//! 定责 — 责任书 rules of issue 8: letters only for units under the issuing organisation and
//! only from 已备案 lists, every placeholder filled, a preview naming who is left out and why;
//! signing by the signer named on the letter only, with a confirmation when a flag is open;
//! single lists and letters as DOCX, dated with their 印发 date; 公文 tables as a clerk sets them.

use std::io::Read;

use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

/// A letter template issued by `org` with `body`, made directly (the template API is another's).
async fn template(app: &TestApp, org: &str, body: &str) -> i64 {
    let actor = lianzheng_store::audit::Actor::system("测试");
    let all = lianzheng_core::org::Scope::system(lianzheng_core::org::SystemScope::Demo);
    let org = lianzheng_core::ids::OrgId::new(app.org_id(org).await);
    let mut tx = app.state.db.begin().await.unwrap();
    let id = lianzheng_store::duty::letters::create_template(&mut tx, &actor, &all, year(), org, "responsibility", "测试责任书", body).await.unwrap();
    tx.commit().await.unwrap();
    id.get()
}

async fn get_bytes(app: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let r = app.client().get(app.url(path)).bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

fn names(v: &Value, key: &str, field: &str) -> Vec<String> {
    v["plan"][key].as_array().unwrap().iter().map(|x| x[field].as_str().unwrap_or("").to_string()).collect()
}

const BODY: &str = "{上级}（书记{上级签订人}）与{单位}{签订人}签订{年度}年度责任书：\n{责任内容}";

both!(generation_previews_then_makes_letters_from_accepted_lists_only, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    // a template of 教育局 (书记 王建国): only its own people and the units below it
    let t = template(&app, "XW-D08", BODY).await;
    let (s, v) = app.get_json(&jw, &format!("/api/v1/duty/letter-templates/{t}/preview")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["plan"]["upper_signer"], "王建国");
    let orgs = names(&v, "letters", "org_name");
    assert!(!orgs.is_empty() && orgs.iter().all(|o| o == "某某县教育局"), "only under the issuer: {v}");
    let signers = names(&v, "letters", "signer_name");
    assert!(signers.contains(&"王建国".to_string()) && signers.contains(&"刘志强".to_string()), "{v}");
    // the sample has every placeholder filled
    let sample = v["sample"].as_str().unwrap();
    assert!(!sample.contains('{') && sample.contains("书记王建国") && sample.contains("某某县教育局"), "{sample}");

    // the 县委's template: every unit under it, from 已备案 lists only; the others named with the reason
    let t = template(&app, "XW", lianzheng_web::pages::duty::letters::DEFAULT_BODY).await;
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/letter-templates/{t}/preview")).await;
    let made = names(&v, "letters", "org_name");
    for org in ["某某县人民政府办公室", "某某县发展和改革局", "某某县教育局"] {
        assert!(made.contains(&org.to_string()), "{org}: {v}");
    }
    // a unit's letter is signed by its 书记, named on it
    let unit = v["plan"]["letters"].as_array().unwrap().iter().find(|l| l["org_name"] == "某某县人民政府办公室" && l["person_id"].is_null()).unwrap();
    assert_eq!(unit["signer_name"], "唐春生", "{unit}");
    assert!(unit["list_title"].as_str().unwrap().contains("主体责任清单"));
    let skipped = v["plan"]["skipped"].as_array().unwrap();
    let reason = |org: &str| skipped.iter().find(|x| x["org_name"] == org && x["person_name"].is_null()).map(|x| x["reason"].as_str().unwrap().to_string()).unwrap_or_default();
    assert!(reason("中共某某县委办公室").contains("待审核，尚未备案"), "{v}");
    assert!(reason("中共某某县委组织部").contains("已退回，尚未备案"), "{v}");
    assert!(reason("中共某某县委宣传部").contains("草稿，尚未备案"), "{v}");
    assert!(reason("中共某某县纪律检查委员会").is_empty() || reason("中共某某县纪律检查委员会").contains("尚无"), "{v}");
    assert!(skipped.iter().any(|x| x["reason"].as_str().unwrap().contains("尚无本年度主体责任清单")), "units without a list are named: {v}");
    for org in ["中共某某县委办公室", "中共某某县委组织部", "中共某某县委宣传部"] {
        assert!(!made.contains(&org.to_string()), "{org} has no accepted list: {v}");
    }

    // the page shows the same before anything is made, and a rendered sample
    let (c, csrf) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/duty/letters/templates/{t}/generate"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("生成预览") && html.contains("唐春生") && html.contains("待审核，尚未备案") && html.contains("样稿"), "preview page");
    let before = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM letters WHERE template_id = $1").bind(t)).await.unwrap();
    assert_eq!(before, 0, "a preview makes nothing");
    // confirmed: generated as previewed, every placeholder filled
    let r = c.post(app.url(&format!("/duty/letters/templates/{t}/generate"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().contains(&format!("skipped={}", skipped.len())));
    let bodies: Vec<(String, String)> = app.state.db.fetch_all(q("SELECT signer_name, body FROM letters WHERE template_id = $1").bind(t)).await.unwrap();
    assert_eq!(bodies.len(), made.len());
    assert!(bodies.iter().all(|(_, b)| !b.contains('{') && !b.contains('}')), "{bodies:?}");
    assert!(bodies.iter().any(|(s, b)| s == "唐春生" && b.contains("某某县人民政府办公室唐春生")), "{bodies:?}");
    // again: nothing new, each named as already generated
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/generate"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["generated"], 0);
    assert!(v["skipped"].as_array().unwrap().iter().filter(|x| x["reason"].as_str().unwrap().contains("已按本模板生成")).count() == made.len(), "{v}");

    // an issuer without a recorded 书记 cannot fill {上级签订人}: refused with the reason
    let t = template(&app, "XW", BODY).await;
    let (_, v) = app.get_json(&jw, &format!("/api/v1/duty/letter-templates/{t}/preview")).await;
    assert!(v["plan"]["problem"].as_str().unwrap().contains("未设书记"), "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/duty/letter-templates/{t}/generate"), json!({})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("{上级签订人}"), "{v}");
    // another unit's staff do not preview the 县委's template
    let dw = app.token("dw_jyj").await;
    assert_eq!(app.get_json(&dw, &format!("/api/v1/duty/letter-templates/{t}/preview")).await.0, 404);
});

both!(only_the_signer_named_on_the_letter_signs_it, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let sj = app.token("sj_jyj").await;
    let (_, v) = app.get_json(&jw, "/api/v1/duty/letters").await;
    let items = v["items"].as_array().unwrap().clone();
    let unit = items.iter().find(|l| l["org_name"] == "某某县教育局" && l["person_id"].is_null() && l["year"].as_i64() == Some(year())).unwrap();
    let other = items.iter().find(|l| l["org_name"] == "某某县人民政府办公室" && l["person_id"].is_null()).unwrap();
    let sign = |token: String, id: Value, body: Value| {
        let app = &app;
        async move { app.send_json(Method::POST, &token, &format!("/api/v1/duty/letters/{id}/sign"), body).await }
    };
    // the unit's 党务 clerk holds SignLetter, yet is not the unit's 书记: refused in Chinese
    let (s, v) = sign(dw.clone(), unit["id"].clone(), json!({"confirm_flag": true})).await;
    assert_eq!(s, 403, "{v}");
    assert!(v["message"].as_str().unwrap().contains("某某县教育局书记王建国"), "{v}");
    // the 纪委 neither
    let (s, v) = sign(jw.clone(), unit["id"].clone(), json!({"confirm_flag": true})).await;
    assert_eq!(s, 403, "{v}");
    // attacker: another unit's letter, to sign or to download — not even found
    assert_eq!(sign(sj.clone(), other["id"].clone(), json!({"confirm_flag": true})).await.0, 404);
    assert_eq!(sign(dw.clone(), other["id"].clone(), json!({})).await.0, 404);
    assert_eq!(get_bytes(&app, &dw, &format!("/api/v1/duty/letters/{}/document", other["id"])).await.0, 404);
    let (c, _) = app.sign_in("dw_jyj").await;
    assert_eq!(c.get(app.url(&format!("/duty/letters/{}/document.docx", other["id"]))).send().await.unwrap().status(), 404);
    // the 书记: the letter carries an open 职责不符 flag, so first the confirmation, then signed
    let (s, v) = sign(sj.clone(), unit["id"].clone(), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("内容与职责不符") && v["message"].as_str().unwrap().contains("确认"), "{v}");
    // the page shows the step naming the flag, and the step's button signs
    let (c, csrf) = app.sign_in("sj_jyj").await;
    let r = c.post(app.url(&format!("/duty/letters/{}/sign", unit["id"]))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("内容与职责不符") && html.contains("仍然签订") && html.contains("name=\"confirm_flag\""), "the confirmation step");
    let r = c.post(app.url(&format!("/duty/letters/{}/sign", unit["id"]))).form(&[("_csrf", csrf.as_str()), ("confirm_flag", "1")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, v) = app.get_json(&sj, &format!("/api/v1/duty/letters/{}", unit["id"])).await;
    assert_eq!(v["letter"]["status"], "signed");
    let (s, _) = sign(sj.clone(), unit["id"].clone(), json!({})).await;
    assert_eq!(s, 422, "already signed");
});

both!(single_list_and_letter_print_as_docx_dated_when_issued, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let (_, v) = app.get_json(&jw, "/api/v1/duty/letters").await;
    let letter = v["items"].as_array().unwrap().iter().find(|l| l["signer_name"] == "刘志强").unwrap().clone();
    // the 印发 date stored with the letter, not the day of the download
    app.state.db.execute(q("UPDATE letters SET issued_on = '2026-03-05' WHERE id = $1").bind(letter["id"].as_i64().unwrap())).await.unwrap();
    let (s, bytes) = get_bytes(&app, &dw, &format!("/api/v1/duty/letters/{}/document", letter["id"])).await;
    assert_eq!(s, 200);
    let xml = document_xml(&bytes);
    for t in ["签订单位（盖章）", "发出单位（盖章）", "签订人（签字）", "2026年3月5日", "年　　月　　日", "大额资金使用提交党组集体研究"] {
        assert!(xml.contains(t), "{t} in the letter");
    }
    let (c, _) = app.sign_in("dw_jyj").await;
    let r = c.get(app.url(&format!("/duty/letters/{}/document.docx", letter["id"]))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));

    // one list: its items in a table, cells left-aligned, dated on the day it was filed
    let (_, v) = app.get_json(&dw, "/api/v1/duty/lists").await;
    let list = v["items"].as_array().unwrap().iter().find(|l| l["person_name"] == "王建国").unwrap().clone();
    let (s, bytes) = get_bytes(&app, &dw, &format!("/api/v1/duty/lists/{}/document", list["id"])).await;
    assert_eq!(s, 200);
    let xml = document_xml(&bytes);
    assert!(xml.contains("带头讲廉政党课") && xml.contains("责任内容") && xml.contains(r#"<w:jc w:val="left"/>"#));
    assert!(!xml.contains(r#"<w:pStyle w:val="GwTable"/><w:jc w:val="both"/>"#), "no justified cells");
    let html = c.get(app.url(&format!("/duty/lists/{}", list["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/duty/lists/{}/document.docx", list["id"])), "the list page offers the download");
    assert_eq!(c.get(app.url(&format!("/duty/lists/{}/document.docx", list["id"]))).send().await.unwrap().status(), 200);
    // another unit's list: not found
    let (_, v) = app.get_json(&jw, "/api/v1/duty/lists").await;
    let foreign = v["items"].as_array().unwrap().iter().find(|l| l["org_name"] == "某某县人民政府办公室").unwrap().clone();
    assert_eq!(get_bytes(&app, &dw, &format!("/api/v1/duty/lists/{}/document", foreign["id"])).await.0, 404);
});

both!(plan_document_is_dated_when_issued_and_sets_its_table_landscape, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (_, v) = app.get_json(&jw, "/api/v1/duty/plans").await;
    let id = v["items"].as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("党风廉政建设工作任务分工")).unwrap()["id"].as_i64().unwrap();
    // issuing stores the day; editing later keeps it
    let (_, p) = app.get_json(&jw, &format!("/api/v1/duty/plans/{id}")).await;
    let version = p["plan"]["version"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/duty/plans/{id}"), json!({"title": p["plan"]["title"], "doc_number": p["plan"]["doc_number"], "status": "issued", "version": version})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["plan"]["issued_on"].is_string(), "{v}");
    app.state.db.execute(q("UPDATE task_plans SET issued_on = '2026-02-10' WHERE id = $1").bind(id)).await.unwrap();
    let (c, _) = app.sign_in("jw_staff").await;
    let bytes = c.get(app.url(&format!("/duty/plans/{id}/document.docx"))).send().await.unwrap().bytes().await.unwrap();
    let xml = document_xml(&bytes);
    assert!(xml.contains("2026年2月10日"), "成文日期 is the 印发 date");
    // the seven-column table on a landscape section of its own, widths by content
    assert_eq!(xml.matches(r#"w:orient="landscape""#).count(), 1);
    assert!(xml.contains("配合单位"));
    let table = &xml[xml.find("<w:tblGrid>").unwrap()..];
    let grid: Vec<u32> = table.split(r#"<w:gridCol w:w=""#).skip(1).take(7).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(grid.len(), 7, "{grid:?}");
    assert_eq!(grid.iter().copied().max(), Some(grid[1]), "任务内容 widest: {grid:?}");
    assert_eq!(grid.iter().copied().min(), Some(grid[0]), "序号 narrowest: {grid:?}");
    // a unit name (up to 13 characters at 280 twip) in at most four lines: at least a quarter of it
    for w in &grid[3..6] {
        assert!(*w >= 13 * 280 / 4 + 170, "{grid:?}");
    }
    assert!(!xml.contains(r#"<w:pStyle w:val="GwTable"/><w:jc w:val="both"/>"#), "no justified cells");
});
