//! 廉洁意见回复: ten people drafted from their files in one request, each sentence traced to
//! its record, open matters waiting for a decision before the issue, the edit kept with its
//! author, the GB/T 9704 document, names that do not resolve reported by line, and nobody but
//! the 纪委 near it.

use std::io::Read;

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// "姓名 单位" lines of `n` people of a unit without an account, skipping `skip`.
async fn lines_of(app: &TestApp, unit: &str, skip: i64, n: i64) -> Vec<(i64, String)> {
    let rows: Vec<(i64, String, String)> = app
        .state
        .db
        .fetch_all(
            lianzheng_store::q(
                "SELECT p.id, p.name, o.name FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT $2 OFFSET $3",
            )
            .bind(unit.to_string())
            .bind(n)
            .bind(skip),
        )
        .await
        .unwrap();
    rows.into_iter().map(|(id, name, org)| (id, format!("{name} {org}"))).collect()
}

async fn replies(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM integrity_replies")).await.unwrap()
}

fn person(v: &Value, id: i64) -> &Value {
    v["reply"]["people"].as_array().unwrap().iter().find(|x| x["person_id"].as_i64() == Some(id)).unwrap()
}

both!(ten_people_are_drafted_from_their_files_decided_edited_and_issued, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    // one person with a 函询 still open, nine others of 教育局 and 组织部
    let open = lines_of(&app, "XW-D08", 3, 1).await[0].clone();
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/inquiries", json!({"kind": "letter", "person_id": open.0, "matter": "反映其违规接受宴请", "source": "信访举报"})).await;
    assert_eq!(s, 201, "{v}");
    let mut people = vec![open.clone()];
    people.extend(lines_of(&app, "XW-D08", 4, 2).await);
    people.extend(lines_of(&app, "XW-D03", 0, 7).await);
    assert_eq!(people.len(), 10);
    let text: Vec<&str> = people.iter().map(|(_, l)| l.as_str()).collect();
    let reads_before = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read'")).await.unwrap();
    let (s, v) =
        app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", json!({"requester": "县委组织部", "request_ref": "关于征求评优评先人选党风廉政意见的函", "purpose": "award", "people": text.join("\n")})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["reply"]["id"].as_i64().unwrap();
    assert_eq!(v["reply"]["people"], 10, "{v}");
    let reads = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read'")).await.unwrap();
    assert_eq!(reads - reads_before, 10, "each file read for the draft is in the audit log");

    let (s, v) = app.get_json(&jw, &format!("/api/v1/conduct/replies/{id}")).await;
    assert_eq!(s, 200, "{v}");
    // every sentence names a record (drafted) — none is typed by nobody
    for x in v["reply"]["people"].as_array().unwrap() {
        let sentences = x["sentence_list"].as_array().unwrap();
        assert!(!sentences.is_empty(), "{x}");
        assert!(sentences.iter().all(|s| s["source"]["link"].as_str().is_some_and(|l| l.starts_with('/'))), "every drafted sentence has its record: {x}");
    }
    let o = person(&v, open.0);
    assert_eq!(o["opinion"], "defer", "an open 函询 defers: {o}");
    assert_eq!(o["needs_decision"], true);
    assert!(o["sentence_list"].as_array().unwrap().iter().any(|s| s["source"]["kind"] == "inquiry"), "{o}");
    let clean = person(&v, people[1].0);
    if clean["needs_decision"] == false && clean["opinion"] == "no_objection" {
        assert_eq!(clean["sentence_list"][0]["source"]["link"], format!("/conduct/archive/{}", people[1].0));
        assert!(clean["sentence_list"][0]["text"].as_str().unwrap().contains("未发现"), "{clean}");
    }

    // not issued while a person waits for a decision: the names are said, nothing changes
    let version = v["reply"]["version"].as_i64().unwrap();
    let (s, e) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/replies/{id}/issue"), json!({"version": version, "doc_number": "纪廉复〔2026〕9号"})).await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains(open.1.split(' ').next().unwrap()), "the waiting person is named: {e}");

    // every waiting person decided: the first sentence changed, one added
    let undecided: Vec<Value> = v["reply"]["people"].as_array().unwrap().iter().filter(|x| x["needs_decision"] == true).cloned().collect();
    for x in &undecided {
        let pid = x["person_id"].as_i64().unwrap();
        let mut texts: Vec<String> = x["sentence_list"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap().to_string()).collect();
        texts[0] = format!("{}（已核）", texts[0]);
        let body = json!({"version": x["version"], "opinion": "remark", "conclusion": "函询正在办理，请暂缓评优", "texts": texts, "added": "经研究，建议待函询了结后再行研究。"});
        let (s, r) = app.send_json(Method::PUT, &jw, &format!("/api/v1/conduct/replies/{id}/people/{pid}"), body).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["person"]["needs_decision"], false);
        let list = r["person"]["sentence_list"].as_array().unwrap();
        assert_eq!(list.len(), texts.len() + 1);
        assert_ne!(list[0]["by"], "系统起草", "a changed sentence names who changed it: {r}");
        assert!(list[0]["source"]["link"].is_string(), "… and keeps its record: {r}");
        assert!(list.last().unwrap()["source"].is_null(), "an added sentence is the staff's own: {r}");
    }
    // a stale version is a conflict, not an overwrite
    if let Some(x) = undecided.first() {
        let pid = x["person_id"].as_i64().unwrap();
        let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/conduct/replies/{id}/people/{pid}"), json!({"version": x["version"], "opinion": "remark", "conclusion": "x", "texts": ["x"]})).await;
        assert!(s == 409 || s == 422, "{s}");
    }
    let (_, v) = app.get_json(&jw, &format!("/api/v1/conduct/replies/{id}")).await;
    let (s, r) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/replies/{id}/issue"), json!({"version": v["reply"]["version"], "doc_number": "纪廉复〔2026〕9号"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["reply"]["status"], "issued");

    // the document: one GB/T 9704 file with the paragraphs and the table of ten
    let resp = app.client().get(app.url(&format!("/api/v1/conduct/replies/{id}/document.docx"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("党风廉政情况的回复意见"), "title");
    assert!(xml.contains("纪廉复〔2026〕9号"));
    assert!(xml.contains("回复意见") && xml.contains("单位及职务"), "the table");
    assert!(xml.contains("（已核）"), "the edited sentence");
    for (_, line) in &people {
        assert!(xml.contains(line.split(' ').next().unwrap()), "{line} is in the document");
    }

    // issued: locked
    let x = person(&v, open.0);
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/conduct/replies/{id}/people/{}", open.0), json!({"version": x["version"], "opinion": "no_objection", "conclusion": "x", "texts": ["x"]})).await;
    assert_eq!(s, 409, "issued: locked");
    let (s, _) = app.send_json(Method::DELETE, &jw, &format!("/api/v1/conduct/replies/{id}"), json!({"version": r["reply"]["version"]})).await;
    assert_eq!(s, 409, "issued: not deleted");
});

both!(names_that_do_not_resolve_are_said_by_line_and_nothing_is_saved, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let before = replies(&app).await;
    let audit = app.audit_count().await;
    let good = lines_of(&app, "XW-D08", 0, 1).await[0].1.clone();
    let body = |people: String| json!({"requester": "县委组织部", "purpose": "promotion", "people": people});
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", body(format!("{good}\n查无此人\n{good}"))).await;
    assert_eq!(s, 422, "{v}");
    let msg = v.to_string();
    assert!(msg.contains("第2行") && msg.contains("找不到"), "{msg}");
    assert!(msg.contains("第3行") && msg.contains("同一人"), "{msg}");
    // too many at once
    let many: Vec<String> = (0..101).map(|k| format!("某某{k}")).collect();
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", body(many.join("\n"))).await;
    assert_eq!(s, 422, "{v}");
    assert!(v.to_string().contains("最多"), "{v}");
    // an id that is nobody, a purpose that is none, an empty list
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", json!({"requester": "县委组织部", "purpose": "promotion", "person_ids": [99999999]})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", json!({"requester": "", "purpose": "x", "people": ""})).await;
    assert_eq!(s, 422, "{v}");
    let msg = v.to_string();
    assert!(msg.contains("来函单位") && msg.contains("事由") && msg.contains("人员"), "{msg}");
    assert_eq!(replies(&app).await, before, "nothing saved");
    assert_eq!(app.audit_count().await, audit, "nothing read or written");
});

both!(only_the_commission_drafts_reads_and_issues_replies, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let lines = lines_of(&app, "XW-D08", 0, 2).await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/replies", json!({"requester": "县委组织部", "purpose": "promotion", "person_ids": lines.iter().map(|l| l.0).collect::<Vec<_>>()})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["reply"]["id"].as_i64().unwrap();
    for user in ["dw_jyj", "sj_jyj", "bz_jyj", "gb_jyj", "jcz", "auditor"] {
        let t = app.token(user).await;
        for path in ["/api/v1/conduct/replies".to_string(), format!("/api/v1/conduct/replies/{id}"), format!("/api/v1/conduct/replies/{id}/document.docx")] {
            let r = app.client().get(app.url(&path)).bearer_auth(&t).send().await.unwrap();
            assert_eq!(r.status(), 403, "{user} {path}");
        }
        let (s, _) = app.send_json(Method::POST, &t, "/api/v1/conduct/replies", json!({"requester": "县委组织部", "purpose": "promotion", "person_ids": [lines[0].0]})).await;
        assert_eq!(s, 403, "{user}");
    }
    // the page: the list, the reply with its sources, the person's form
    let (c, _) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/conduct/replies/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("来源") && html.contains(lines[0].1.split(' ').next().unwrap()), "{html}");
    let r = c.get(app.url(&format!("/conduct/replies/{id}/people/{}", lines[0].0))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // another reply's person on this reply: not found
    let (c2, _) = app.sign_in("dw_jyj").await;
    assert_eq!(c2.get(app.url("/conduct/replies")).send().await.unwrap().status(), 403);
});
