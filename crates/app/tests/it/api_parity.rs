//! API parity (issue 8, item 7): the page actions that had no API twin — list items edited and
//! deleted, letter templates, the signed scan, the year's copy check, 职责用语, Excel imports,
//! exports and templates, the plan DOCX, the password change — each through the API: the happy
//! path, another unit's object refused, bad input answered in Chinese with nothing changed.

use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::{q, q_built};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TINY_PDF, TestApp};

fn year() -> i64 {
    i64::from(lianzheng_web::pages::duty::current_year())
}

fn xlsx(sheet: &str, headers: &[&str], rows: Vec<Vec<&str>>) -> Vec<u8> {
    write_tables(&[Table {
        title: None,
        sheet_name: sheet.into(),
        columns: headers.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
    }])
    .unwrap()
}

async fn upload(app: &TestApp, token: &str, path: &str, bytes: Vec<u8>, name: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let r = app.client().post(app.url(path)).bearer_auth(token).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get_bytes(app: &TestApp, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let r = app.client().get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let ctype = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ctype, r.bytes().await.unwrap().to_vec())
}

fn chinese(v: &Value) -> bool {
    v["message"].as_str().is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
}

both!(list_items_are_edited_and_deleted_through_the_api, |app: TestApp| async move {
    let app = &app;
    let unit = app.token("dw_jyj").await;
    let branch = app.org_id("XW-D08-ZB1").await;
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/lists", json!({"year": year() + 1, "org_id": branch, "kind": "main"})).await;
    assert_eq!(s, 201, "{v}");
    let list = v["list"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &unit, &format!("/api/v1/duty/lists/{list}/items"), json!({"category": "教育", "content": "每季度组织一次廉政学习"})).await;
    assert_eq!(s, 201, "{v}");
    let item = v["id"].as_i64().unwrap();
    let content = |id: i64| async move { app.state.db.fetch_optional::<(String,)>(q("SELECT content FROM duty_items WHERE id = $1").bind(id)).await.unwrap().map(|r| r.0) };

    // happy path
    let (s, v) = app.send_json(Method::PUT, &unit, &format!("/api/v1/duty/lists/{list}/items/{item}"), json!({"category": "教育", "content": "每月组织一次廉政学习"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(content(item).await.as_deref(), Some("每月组织一次廉政学习"));
    // bad input: Chinese, unchanged
    let (s, v) = app.send_json(Method::PUT, &unit, &format!("/api/v1/duty/lists/{list}/items/{item}"), json!({"content": "   "})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["content"], "请填写责任内容");
    assert_eq!(content(item).await.as_deref(), Some("每月组织一次廉政学习"));
    // another unit's item: refused, unchanged
    let (other_list, other_item): (i64, i64) = app
        .state
        .db
        .fetch_optional(q_built("SELECT l.id, i.id FROM duty_items i JOIN duty_lists l ON l.id = i.list_id JOIN orgs o ON o.id = l.org_id WHERE o.code = 'XW-D03' ORDER BY i.id LIMIT 1".into()))
        .await
        .unwrap()
        .unwrap();
    let before = content(other_item).await;
    let (s, _) = app.send_json(Method::PUT, &unit, &format!("/api/v1/duty/lists/{other_list}/items/{other_item}"), json!({"content": "改写他人的清单"})).await;
    assert!(matches!(s, 403 | 404), "{s}");
    let (s, _) = app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{other_list}/items/{other_item}"), json!({})).await;
    assert!(matches!(s, 403 | 404), "{s}");
    // the item of one list named under another: refused
    let (s, _) = app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{list}/items/{other_item}"), json!({})).await;
    assert!(matches!(s, 403 | 404), "{s}");
    assert_eq!(content(other_item).await, before);
    // delete
    let (s, v) = app.send_json(Method::DELETE, &unit, &format!("/api/v1/duty/lists/{list}/items/{item}"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(content(item).await, None);
});

both!(letter_templates_scans_recheck_and_phrases_through_the_api, |app: TestApp| async move {
    let app = &app;
    let unit = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let jyj = app.org_id("XW-D08").await;
    let other = app.org_id("XW-D03").await;
    let count = || async { app.state.db.scalar_i64(q("SELECT COUNT(*) FROM letter_templates")).await.unwrap() };

    // letter templates: list, create, refused outside, bad body
    let (s, v) = app.get_json(&unit, &format!("/api/v1/duty/letter-templates?year={}", year() + 1)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let before = count().await;
    let body = json!({"year": year() + 1, "org_id": jyj, "title": "教育局责任书", "body": "{上级}与{签订人}签订。\n{责任内容}"});
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/letter-templates", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = app.get_json(&unit, &format!("/api/v1/duty/letter-templates?year={}", year() + 1)).await;
    assert_eq!(v["items"][0]["title"], "教育局责任书");
    assert_eq!(v["items"][0]["kind"], "responsibility");
    let mut outside = body.clone();
    outside["org_id"] = json!(other);
    let (s, _) = app.send_json(Method::POST, &unit, "/api/v1/duty/letter-templates", outside).await;
    assert!(matches!(s, 403 | 404 | 422), "{s}");
    let mut bad = body.clone();
    bad["body"] = json!("没有责任内容占位符");
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/letter-templates", bad).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["body"].as_str().unwrap().contains("{责任内容}"), "{v}");
    assert_eq!(count().await, before + 1, "only the good one was created");

    // the signed scan: an unsigned letter of 教育局
    let (_, v) = app.get_json(&unit, "/api/v1/duty/letters").await;
    let letter = v["items"].as_array().unwrap().iter().find(|l| l["signed_at"].is_null() && l["org_id"].as_i64() == Some(jyj)).cloned().unwrap_or_else(|| panic!("no unsigned letter of 教育局: {v}"));
    let id = letter["id"].as_i64().unwrap();
    let signed = |id: i64| async move { app.state.db.scalar_i64(q("SELECT COUNT(*) FROM letters WHERE id = $1 AND signed_at IS NOT NULL").bind(id)).await.unwrap() == 1 };
    // bad: a program named .pdf, and no file at all
    let (s, v) = upload(app, &unit, &format!("/api/v1/duty/letters/{id}/scan"), b"MZ\x90\x00 not a pdf".to_vec(), "签字.pdf").await;
    assert_eq!(s, 422, "{v}");
    assert!(chinese(&v), "{v}");
    let r = app.client().post(app.url(&format!("/api/v1/duty/letters/{id}/scan"))).bearer_auth(&unit).multipart(reqwest::multipart::Form::new().text("note", "x")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["fields"]["file"], "请选择签字扫描件");
    assert!(!signed(id).await);
    // another unit's letter: refused
    let other_letter =
        app.state.db.scalar_i64(q("SELECT MIN(l.id) FROM letters l JOIN orgs o ON o.id = l.org_id WHERE l.signed_at IS NULL AND o.path NOT LIKE (SELECT path FROM orgs WHERE id = $1) || '%'").bind(jyj)).await.unwrap();
    let (s, _) = upload(app, &unit, &format!("/api/v1/duty/letters/{other_letter}/scan"), TINY_PDF.to_vec(), "签字.pdf").await;
    assert!(matches!(s, 403 | 404), "{s}");
    assert!(!signed(other_letter).await);
    // happy path
    let (s, v) = upload(app, &unit, &format!("/api/v1/duty/letters/{id}/scan"), TINY_PDF.to_vec(), "签字.pdf").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["letter"]["sign_method"], "scan");
    assert!(signed(id).await);

    // the year's copy check: the 纪委 re-runs it; a unit may not
    let audits = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'letter.recheck'")).await.unwrap();
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/letter-flags/recheck", json!({"year": year()})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["flags"].as_i64().unwrap() >= 2, "the demo's 雷同 and 照抄 pairs: {v}");
    assert_eq!(app.send_json(Method::POST, &unit, "/api/v1/duty/letter-flags/recheck", json!({})).await.0, 403);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'letter.recheck'")).await.unwrap(), audits + 1);

    // 职责用语
    let (s, v) = app.get_json(&jw, "/api/v1/duty/phrases").await;
    assert_eq!(s, 200, "{v}");
    let n = v["items"].as_array().unwrap().len();
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/phrases", json!({"phrase": "短", "allowed": ""})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["phrase"], "用语至少4个字");
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/phrases", json!({"phrase": "依法独立行使审判权", "allowed": "法院"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), n + 1);
    assert_eq!(app.send_json(Method::POST, &unit, "/api/v1/duty/phrases", json!({"phrase": "依法独立行使检察权", "allowed": "检察院"})).await.0, 403);
    assert_eq!(app.get_json(&jw, "/api/v1/duty/phrases").await.1["items"].as_array().unwrap().len(), n + 1);
});

const PLAN_HEADERS: [&str; 8] = ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限", "目标要求"];
const PEOPLE_HEADERS: [&str; 11] = ["姓名", "性别", "身份证号", "所属单位编码", "联系电话", "政治面貌", "职级", "职务", "职务名称", "分管工作", "任职日期"];

both!(imports_exports_and_documents_through_the_api, |app: TestApp| async move {
    let app = &app;
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let unit = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let jyj = app.org_id("XW-D08").await;
    let zzb = app.org_id("XW-D03").await;

    // 任务分工: template, import (bad, then good), export, DOCX
    let (s, ctype, _) = get_bytes(app, &unit, "/api/v1/duty/plan-template.xlsx").await;
    assert_eq!((s, ctype.as_str()), (200, XLSX));
    let (s, v) = app.send_json(Method::POST, &unit, "/api/v1/duty/plans", json!({"year": year() + 1, "org_id": jyj, "title": "教育局任务分工"})).await;
    assert_eq!(s, 201, "{v}");
    let plan = v["plan"]["id"].as_i64().unwrap();
    let tasks = |plan: i64| async move { app.state.db.scalar_i64(q("SELECT COUNT(*) FROM tasks WHERE plan_id = $1").bind(plan)).await.unwrap() };
    let bad = xlsx("任务分工", &PLAN_HEADERS, vec![vec!["1", "落实主体责任", "", "XW-D08", "", "", "2099-13-01", ""]]);
    let (s, v) = upload(app, &unit, &format!("/api/v1/duty/plans/{plan}/import"), bad, "任务分工.xlsx").await;
    assert_eq!(s, 422, "{v}");
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e.as_str().unwrap().contains("时限")), "{v}");
    assert!(chinese(&v));
    let (s, v) = upload(app, &unit, &format!("/api/v1/duty/plans/{plan}/import"), b"%PDF-1.4".to_vec(), "任务分工.pdf").await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["file"], "请上传 Excel（.xlsx）文件");
    assert_eq!(tasks(plan).await, 0);
    let (end, mid) = (format!("{}-12-31", year() + 1), format!("{}-06-30", year() + 1));
    let good = xlsx("任务分工", &PLAN_HEADERS, vec![vec!["1", "落实主体责任", "", "XW-D08", "", "", &end, ""], vec!["1.1", "专题研究", "", "XW-D08", "XW-D08", "", &mid, ""]]);
    let (s, v) = upload(app, &unit, &format!("/api/v1/duty/plans/{plan}/import"), good.clone(), "任务分工.xlsx").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["imported"], 2);
    assert_eq!(tasks(plan).await, 2);
    let (s, ctype, bytes) = get_bytes(app, &unit, &format!("/api/v1/duty/plans/{plan}/export.xlsx")).await;
    assert_eq!((s, ctype.as_str()), (200, XLSX));
    assert!(read_rows(&bytes).unwrap().iter().any(|r| r.get(1).map(String::as_str) == Some("专题研究")));
    let (s, ctype, bytes) = get_bytes(app, &unit, &format!("/api/v1/duty/plans/{plan}/document.docx")).await;
    assert_eq!(s, 200);
    assert!(ctype.contains("wordprocessingml"), "{ctype}");
    assert!(bytes.starts_with(b"PK"));
    // another unit's plan: not seen, not imported into
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/duty/plans", json!({"year": year() + 1, "org_id": zzb, "title": "组织部任务分工"})).await;
    assert_eq!(s, 201, "{v}");
    let other = v["plan"]["id"].as_i64().unwrap();
    for path in [format!("/api/v1/duty/plans/{other}/export.xlsx"), format!("/api/v1/duty/plans/{other}/document.docx")] {
        let (s, _, _) = get_bytes(app, &unit, &path).await;
        assert!(matches!(s, 403 | 404), "{path}: {s}");
    }
    let (s, _) = upload(app, &unit, &format!("/api/v1/duty/plans/{other}/import"), good, "任务分工.xlsx").await;
    assert!(matches!(s, 403 | 404), "{s}");
    assert_eq!(tasks(other).await, 0);

    // people: template, import (a unit outside the scope is named in its row), export
    let (s, ctype, _) = get_bytes(app, &unit, "/api/v1/people/import/template.xlsx").await;
    assert_eq!((s, ctype.as_str()), (200, XLSX));
    let people = || async { app.state.db.scalar_i64(q("SELECT COUNT(*) FROM people")).await.unwrap() };
    let before = people().await;
    let bad = xlsx("人员", &PEOPLE_HEADERS, vec![vec!["钱一", "男", "", "XW-D08", "", "", "", "", "", "", ""], vec!["钱三", "女", "", "XW-D03", "", "", "", "", "", "", ""]]);
    let (s, v) = upload(app, &unit, "/api/v1/people/import", bad, "人员.xlsx").await;
    assert_eq!(s, 422, "{v}");
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e.as_str().unwrap().starts_with("第3行 所属单位编码")), "{v}");
    assert_eq!(people().await, before, "nothing imported");
    let good = xlsx("人员", &PEOPLE_HEADERS, vec![vec!["钱一", "男", "", "XW-D08", "", "", "", "", "", "", ""]]);
    let (s, v) = upload(app, &unit, "/api/v1/people/import", good, "人员.xlsx").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["imported"], 1);
    assert_eq!(people().await, before + 1);
    let (s, ctype, bytes) = get_bytes(app, &unit, "/api/v1/people/export.xlsx?q=钱一").await;
    assert_eq!((s, ctype.as_str()), (200, XLSX));
    assert!(read_rows(&bytes).unwrap().iter().any(|r| r.first().map(String::as_str) == Some("钱一")));
    // a 一般干部 may not import
    let gb = app.token("gb_jyj").await;
    let (s, _) = upload(app, &gb, "/api/v1/people/import", b"x".to_vec(), "人员.xlsx").await;
    assert_eq!(s, 403);

    // organisations: the 系统管理员's template, export and import
    let admin = app.token("admin").await;
    let (s, ctype, _) = get_bytes(app, &admin, "/api/v1/orgs/import/template.xlsx").await;
    assert_eq!((s, ctype.as_str()), (200, XLSX));
    let (s, _, bytes) = get_bytes(app, &admin, "/api/v1/orgs/export.xlsx").await;
    assert_eq!(s, 200);
    assert!(read_rows(&bytes).unwrap().iter().any(|r| r.first().map(String::as_str) == Some("某某县教育局")));
    let org_headers = ["组织名称", "简称", "组织类型", "组织编码", "上级组织编码", "排序号"];
    let (s, v) = upload(app, &admin, "/api/v1/orgs/import", xlsx("组织机构", &org_headers, vec![vec!["某某县统计局", "", "党组", "XW-D91", "NOPE", "91"]]), "组织.xlsx").await;
    assert_eq!(s, 422, "{v}");
    assert!(lianzheng_store::org::get_by_code(&app.state.db, "XW-D91").await.unwrap().is_none());
    let (s, v) = upload(app, &admin, "/api/v1/orgs/import", xlsx("组织机构", &org_headers, vec![vec!["某某县统计局", "", "党组", "XW-D91", "XW", "91"]]), "组织.xlsx").await;
    assert_eq!(s, 200, "{v}");
    assert!(lianzheng_store::org::get_by_code(&app.state.db, "XW-D91").await.unwrap().is_some());
    assert_eq!(get_bytes(app, &unit, "/api/v1/orgs/import/template.xlsx").await.0, 403, "a unit's clerk does not manage organisations");
});

both!(password_change_through_the_api, |app: TestApp| async move {
    let app = &app;
    let t = app.token("gb_jyj").await;
    let hash = || async { app.state.db.fetch_optional::<(String,)>(q("SELECT password_hash FROM users WHERE username = 'gb_jyj'")).await.unwrap().unwrap().0 };
    let before = hash().await;
    let (s, v) = app.send_json(Method::POST, &t, "/api/v1/me/password", json!({"current": "wrong-password", "new": "Newpass@2026x", "confirm": "Newpass@2026x"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["current"], "当前密码不正确");
    let (s, v) = app.send_json(Method::POST, &t, "/api/v1/me/password", json!({"current": PW, "new": "Newpass@2026x", "confirm": "Newpass@2026y"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["confirm"], "两次输入的新密码不一致");
    assert_eq!(hash().await, before, "unchanged");
    assert_eq!(app.client().post(app.url("/api/v1/me/password")).json(&json!({})).send().await.unwrap().status(), 401);
    let (s, v) = app.send_json(Method::POST, &t, "/api/v1/me/password", json!({"current": PW, "new": "Newpass@2026x", "confirm": "Newpass@2026x"})).await;
    assert_eq!(s, 200, "{v}");
    assert_ne!(hash().await, before);
    assert_eq!(app.get_json(&t, "/api/v1/me").await.0, 200, "the token in use stays");
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&json!({"username": "gb_jyj", "password": "Newpass@2026x"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
});
