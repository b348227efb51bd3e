//! 考责, findings and the 通报 (issue 10, item 7): findings recorded by the organiser and by the
//! unit's group only, seen by the unit once told (with its 整改 in the 待办), one shared table the
//! ledger will carry; the 通报 drafted from the campaign's records with figures equal to them,
//! problems grouped by category with the units named, edited (no silent overwrite), issued with
//! its 文号 and read by the units as GB/T 9704 DOCX.

use reqwest::Method;
use serde_json::{Value, json};

use super::inspection_campaigns::{demo_campaign, member_token, unit_row};
use crate::both;
use crate::harness::TestApp;

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q_built(sql.to_string())).await.unwrap()
}

fn has_kind(v: &Value, kind: &str) -> bool {
    v["items"].as_array().unwrap().iter().any(|i| i["kind"] == kind)
}

both!(findings_go_from_the_finders_to_the_unit_and_into_the_bulletin, |app: TestApp| async move {
    let id = demo_campaign(&app).await;
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let jyj = unit_row(&app, id, "XW-D08").await;
    let zzb = unit_row(&app, id, "XW-D03").await;
    let before = count(&app, "SELECT COUNT(*) FROM findings").await;

    // bad input: nothing written, every field's message, what was typed kept by the page
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "不存在", "description": "", "deadline": "2001-01-01"})).await;
    assert_eq!(s, 422, "{v}");
    for f in ["category", "description", "deadline"] {
        assert!(v["fields"][f].is_string(), "{f}: {v}");
    }
    // another campaign's unit id, or nonsense, is refused as a field
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": 999_999_999, "category": "资料不齐全", "description": "x"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["unit_id"].is_string());
    // a deduction that is not on the unit's final score sheet is refused, not trusted
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "其他", "description": "x", "deduction": 999_999_999})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["deduction"].is_string(), "{v}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM findings").await, before, "nothing written");

    // the organiser records one at 教育局; the deadline defaults to 30 工作日
    let (s, v) = app
        .send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "廉政约谈不规范", "description": "个别约谈记录无被约谈人签名", "evidence": "查阅约谈记录本"}))
        .await;
    assert_eq!(s, 201, "{v}");
    let f = v["finding"]["id"].as_i64().unwrap();
    assert_eq!(v["finding"]["source"], "inspection");
    assert_eq!(v["finding"]["org_name"], "某某县教育局");
    assert!(v["finding"]["deadline"].as_str().unwrap() > "2026-01-01");
    let version = v["finding"]["version"].as_i64().unwrap();

    // the unit sees nothing before it is told, and cannot record
    let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/findings/{f}")).await;
    assert_eq!(s, 404);
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/{id}/findings")).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["items"].as_array().unwrap().iter().all(|x| x["id"] != f), "{v}");
    assert!(v["highlights"].as_array().unwrap().is_empty(), "亮点 are the finders'");
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "其他", "description": "x"})).await;
    assert_eq!(s, 403);

    // a member of the second group: not 教育局's finders (the first group checks it)
    let chen = member_token(&app, "陈立新", "chen_lx").await;
    let (s, _) = app.get_json(&chen, &format!("/api/v1/inspection/findings/{f}")).await;
    assert_eq!(s, 404, "another group's unit");
    let (s, v) = app.send_json(Method::POST, &chen, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "其他", "description": "x"})).await;
    assert_eq!(s, 422, "not his group's unit: {v}");
    // the first group's leader is a finder at 教育局
    let sun = member_token(&app, "孙正平", "sun_zp").await;
    let (s, v) = app.get_json(&sun, &format!("/api/v1/inspection/findings/{f}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["can_edit"], true);

    // an edit on a stale version is a conflict, never a silent overwrite
    let (s, v) =
        app.send_json(Method::PUT, &sun, &format!("/api/v1/inspection/findings/{f}"), json!({"version": version, "category": "廉政约谈不规范", "description": "集中约谈多于个别约谈，个别约谈记录无被约谈人签名"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/findings/{f}"), json!({"version": version, "category": "其他", "description": "覆盖"})).await;
    assert_eq!(s, 409);
    let version = version + 1;

    // 反馈: the unit sees it, its 党务 staff have the 整改 in their 待办; it can no longer be deleted
    let (_, v) = app.get_json(&dw, "/api/v1/todo").await;
    let had = v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "inspection.finding").count();
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/findings/{f}/notify"), json!({"version": version})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["finding"]["notified_on"].is_string());
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/findings/{f}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["can_edit"], false, "the unit reads, never edits");
    let (s, _) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/findings/{f}"), json!({"version": version + 1, "category": "其他", "description": "改掉"})).await;
    assert_eq!(s, 403);
    let (_, v) = app.get_json(&dw, "/api/v1/todo").await;
    assert!(has_kind(&v, "inspection.finding") && had == 0, "{v}");
    let (s, _) = app.send_json(Method::DELETE, &jw, &format!("/api/v1/inspection/findings/{f}"), json!({})).await;
    assert_eq!(s, 409, "told to the unit: kept");
    // the other unit's people never see 教育局's finding
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/{id}/findings")).await;
    assert!(v["items"].as_array().unwrap().iter().all(|x| x["inspection_unit_id"] == jyj), "{v}");

    // a mistaken entry is deleted before 反馈
    let (s, v) = app.send_json(Method::POST, &sun, &format!("/api/v1/inspection/{id}/findings"), json!({"unit_id": jyj, "category": "其他", "description": "误录"})).await;
    assert_eq!(s, 201, "{v}");
    let wrong = v["finding"]["id"].as_i64().unwrap();
    let (s, _) = app.send_json(Method::DELETE, &sun, &format!("/api/v1/inspection/findings/{wrong}"), json!({})).await;
    assert_eq!(s, 200);

    // a 亮点 at 教育局
    let (s, v) = app.send_json(Method::POST, &sun, &format!("/api/v1/inspection/{id}/highlights"), json!({"unit_id": jyj, "text": "编印廉政口袋书发放全体党员干部"})).await;
    assert_eq!(s, 201, "{v}");

    // the 通报: the organiser's alone until issued
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/{id}/bulletin/draft"), json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/bulletin/draft"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    let b = &v["bulletin"];
    let units = count(&app, &format!("SELECT COUNT(*) FROM inspection_units WHERE campaign_id = {id}")).await;
    let spot = count(&app, &format!("SELECT COUNT(*) FROM inspection_units WHERE campaign_id = {id} AND spot_checked = TRUE")).await;
    let findings = count(&app, &format!("SELECT COUNT(*) FROM findings WHERE campaign_id = {id}")).await;
    let with = count(&app, &format!("SELECT COUNT(DISTINCT inspection_unit_id) FROM findings WHERE campaign_id = {id}")).await;
    let talks = count(&app, &format!("SELECT COUNT(*) FROM inspection_talks WHERE campaign_id = {id}")).await;
    let intro = b["intro"].as_str().unwrap();
    assert!(intro.contains(&format!("对{units}个单位")) && intro.contains(&format!("实地抽查{spot}个单位")), "{intro}");
    let overview = b["overview"].as_str().unwrap();
    assert!(overview.contains(&format!("发现问题{findings}个，涉及{with}个单位")), "{overview}");
    assert!(overview.contains(&format!("个别谈话{talks}人次")), "{overview}");
    let problems = b["problems"].as_str().unwrap();
    assert!(problems.starts_with("（一）"), "{problems}");
    assert!(problems.contains("廉政约谈不规范") && problems.contains("某某县教育局：集中约谈多于个别约谈"), "grouped by category, units named: {problems}");
    assert!(b["highlights"].as_str().unwrap().contains("某某县教育局编印廉政口袋书"), "{b}");
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/{id}/bulletin")).await;
    assert_eq!(s, 200);
    assert!(v["bulletin"].is_null(), "the unit sees no draft: {v}");

    // edits: a stale one is refused and changes nothing
    let bv = b["version"].as_i64().unwrap();
    let edit = |version: i64, title: &str| json!({"version": version, "title": title, "intro": intro, "overview": overview, "highlights": "", "problems": problems, "requirements": "限期整改。"});
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}/bulletin"), edit(bv, "关于年度检查考核情况的通报")).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}/bulletin"), edit(bv, "旧稿")).await;
    assert_eq!(s, 409);
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}/bulletin"), json!({"version": bv + 1, "title": "", "intro": "", "overview": "", "requirements": ""})).await;
    assert_eq!(s, 422, "{v}");

    // issued with its 文号: the units read it, as a 公文
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/bulletin/issue"), json!({"version": bv + 1, "doc_number": "某纪通〔2026〕3号"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["bulletin"]["status"], "issued");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/bulletin/draft"), json!({"version": bv + 2})).await;
    assert_eq!(s, 409, "an issued 通报 is not drafted again");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/{id}/bulletin")).await;
    assert_eq!(v["bulletin"]["title"], "关于年度检查考核情况的通报");
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{id}/bulletin.docx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a DOCX");
    let xml = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut x = String::new();
        zip.by_name("word/document.xml").unwrap().read_to_string(&mut x).unwrap();
        x
    };
    assert!(xml.contains("某纪通〔2026〕3号") && xml.contains("存在的主要问题") && xml.contains("廉政约谈不规范"), "{xml}");

    // 组织部's findings (the demo's) are not 教育局's business, ever
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{zzb}")).await;
    assert!(!v.to_string().contains("照抄上年"), "{v}");
});
