//! 抄告单 and 整改建议书: the deadline in 工作日, need-to-know per role, the answer by the
//! addressee only, close and return by the 纪委, the overdue colour both ways, the 公文 and bad
//! input.

use std::io::Read;

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// A current 班子成员 of a unit without an account.
async fn member(app: &TestApp, code: &str) -> i64 {
    app.state
        .db
        .scalar_i64(
            lianzheng_store::q("SELECT p.id FROM posts po JOIN people p ON p.id = po.person_id JOIN orgs o ON o.id = po.org_id WHERE o.code = $1 AND po.kind = 'team_member' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1")
                .bind(code),
        )
        .await
        .unwrap()
}

async fn person_of(app: &TestApp, username: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT person_id FROM users WHERE username = $1").bind(username)).await.unwrap()
}

async fn count_rows(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM notices")).await.unwrap()
}

fn todo_count(v: &Value, kind: &str) -> i64 {
    v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).map(|i| i["count"].as_i64().unwrap()).sum()
}

fn body(org: i64, addressee: i64) -> Value {
    json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "学校食堂财务管理不规范", "problem": "食堂采购未执行询价比价。", "request": "请督促立即整改。"})
}

both!(a_notice_counts_its_deadline_in_workdays_and_is_seen_on_need_to_know, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let org = app.org_id("XW-D08").await;
    let addressee = member(&app, "XW-D08").await;
    // 10 工作日 from the day after 2026-02-10, with 2-14 (Sat) and 2-28 (Sat) worked and 2-15 …
    // 2-23 off (Spring Festival): 2-11, 12, 13, 14, 24, 25, 26, 27, 28, 3-2 → due 2026-03-02
    let mut b = body(org, addressee);
    b["issued_on"] = json!("2026-02-10");
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", b).await;
    assert_eq!(s, 201, "{v}");
    let id = v["notice"]["id"].as_i64().unwrap();
    assert_eq!(v["notice"]["due_on"], "2026-03-02", "counted in 工作日 across the Spring Festival: {v}");
    assert_eq!(v["notice"]["due_days"], 10, "the setting's default: {v}");
    assert_eq!(v["notice"]["status"], "pending");
    let number = v["notice"]["doc_number"].as_str().unwrap().to_string();
    assert!(number.starts_with("某纪抄〔2026〕") && number.ends_with('号'), "{number}");
    assert_eq!(v["notice"]["issuer_name"], "中共某某县纪律检查委员会", "issued by the body the staff member works in: {v}");
    // the next one of the same kind and year has the next number; a 整改建议书 its own series
    let (_, v2) =
        app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "二", "problem": "二", "request": "二", "issued_on": "2026-02-11"})).await;
    let seq = |n: &str| n.trim_end_matches('号').rsplit('〕').next().unwrap().parse::<i64>().unwrap();
    assert_eq!(seq(v2["notice"]["doc_number"].as_str().unwrap()), seq(&number) + 1, "{v2}");
    let (_, v3) = app
        .send_json(Method::POST, &jw, "/api/v1/conduct/notices", json!({"kind": "advice", "org_id": org, "addressee_id": addressee, "subject": "三", "problem": "三", "request": "三", "issued_on": "2026-02-11"}))
        .await;
    assert!(v3["notice"]["doc_number"].as_str().unwrap().starts_with("某纪建〔2026〕"), "{v3}");

    // past its deadline and unanswered: overdue (red), in the filter and the 纪委's 待办
    let (_, v) = app.get_json(&jw, &format!("/api/v1/conduct/notices/{id}")).await;
    assert_eq!(v["notice"]["overdue"], true, "{v}");
    let (_, v) = app.get_json(&jw, "/api/v1/conduct/notices?year=2026&overdue=1").await;
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["id"].as_i64() == Some(id)), "{v}");
    // the 书记 of the unit reads it; another unit's 班子成员, the 党务 clerk, a 一般干部 and the 检查组 do not
    let secretary = app.token("sj_jyj").await;
    let (s, _) = app.get_json(&secretary, &format!("/api/v1/conduct/notices/{id}")).await;
    assert_eq!(s, 200);
    for user in ["bz_jyj", "dw_jyj", "gb_jyj", "jcz"] {
        let t = app.token(user).await;
        let (s, v) = app.get_json(&t, &format!("/api/v1/conduct/notices/{id}")).await;
        assert_eq!(s, 403, "{user}: {v}");
        let (s, v) = app.get_json(&t, "/api/v1/conduct/notices?year=2026").await;
        assert_eq!(s, 200, "{user}: {v}");
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["id"].as_i64() != Some(id)), "{user} lists only his own: {v}");
    }
    let reads = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'notice.read' AND entity_id = $1").bind(id.to_string())).await.unwrap();
    assert!(reads >= 2, "every opening is in the audit log");

    // the 公文: a valid DOCX with the title, the addressee and the deadline written out
    let (c, _) = app.sign_in("jw_staff").await;
    let r = c.get(app.url(&format!("/conduct/notices/{id}/document.docx"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    for t in ["关于学校食堂财务管理不规范的抄告单", number.as_str(), "2026年3月2日", "食堂采购未执行询价比价"] {
        assert!(xml.contains(t), "{t} in the document");
    }
    let (c, _) = app.sign_in("dw_jyj").await;
    assert_eq!(c.get(app.url(&format!("/conduct/notices/{id}/document.docx"))).send().await.unwrap().status(), 403);
});

both!(the_addressee_answers_and_the_commission_closes_or_returns, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let org = app.org_id("XW-D08").await;
    let me = person_of(&app, "bz_jyj").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", body(org, me)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["notice"]["id"].as_i64().unwrap();
    assert_eq!(v["notice"]["overdue"], Value::Null, "the stored row carries no colour");
    let (_, v) = app.get_json(&jw, &format!("/api/v1/conduct/notices/{id}")).await;
    assert_eq!(v["notice"]["overdue"], false, "issued today: not overdue: {v}");

    // it is his 待办 (with the demo's one to him); nobody else answers it, not even the 纪委 or his 书记
    let bz = app.token("bz_jyj").await;
    let (_, todo) = app.get_json(&bz, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.notice_mine"), 2, "{todo}");
    for user in ["jw_staff", "sj_jyj", "dw_jyj"] {
        let t = app.token(user).await;
        let (s, v) = app.send_json(Method::POST, &t, &format!("/api/v1/conduct/notices/{id}/answer"), json!({"version": 1, "measures": "代为反馈"})).await;
        assert_eq!(s, 403, "{user}: {v}");
    }
    // he cannot close it, and an empty answer is refused in Chinese
    let (s, _) = app.send_json(Method::POST, &bz, &format!("/api/v1/conduct/notices/{id}/close"), json!({"version": 1})).await;
    assert_eq!(s, 403);
    let (s, v) = app.send_json(Method::POST, &bz, &format!("/api/v1/conduct/notices/{id}/answer"), json!({"version": 1, "measures": "  "})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["measures"].as_str().is_some_and(|m| !m.is_ascii()), "{v}");
    // nothing to close before the answer
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/notices/{id}/close"), json!({"version": 1})).await;
    assert!([403, 409, 422].contains(&s), "refused: {s}");
    let (s, v) = app.send_json(Method::POST, &bz, &format!("/api/v1/conduct/notices/{id}/answer"), json!({"version": 1, "measures": "已组织各学校开展食堂财务自查。"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["notice"]["status"], "answered");
    let (_, todo) = app.get_json(&bz, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.notice_mine"), 1, "{todo}");
    let (_, todo) = app.get_json(&jw, "/api/v1/todo").await;
    assert!(todo_count(&todo, "conduct.notice_close") >= 2, "the demo's answered one and this: {todo}");
    assert!(todo_count(&todo, "conduct.notice_overdue") >= 1, "the demo has one past its deadline: {todo}");

    // returned with a reason: his again, with a new deadline; a reason is required
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/notices/{id}/return"), json!({"version": 2, "reason": ""})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/notices/{id}/return"), json!({"version": 2, "reason": "措施不具体，未明确完成时限", "days": 3})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["notice"]["status"], "pending");
    assert_eq!(v["notice"]["returns"], 1);
    let (s, v) = app.send_json(Method::POST, &bz, &format!("/api/v1/conduct/notices/{id}/answer"), json!({"version": 3, "measures": "已组织各学校开展食堂财务自查，12月20日前完成整改。"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/notices/{id}/close"), json!({"version": 4})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["notice"]["status"], "closed");
    let (s, _) = app.send_json(Method::POST, &bz, &format!("/api/v1/conduct/notices/{id}/answer"), json!({"version": 5, "measures": "再次反馈"})).await;
    assert!([403, 409, 422].contains(&s), "a closed notice takes no answer: {s}");
});

both!(another_units_leader_is_refused_and_bad_input_changes_nothing, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let org = app.org_id("XW-D08").await;
    let other_org = app.org_id("XW-D03").await;
    let before = count_rows(&app).await;
    let addressee = member(&app, "XW-D08").await;
    let outsider = member(&app, "XW-D03").await;
    let cadre = person_of(&app, "gb_jyj").await;
    let long = "问".repeat(3001);
    for (b, field) in [
        (json!({"kind": "xx", "org_id": org, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求"}), "kind"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": outsider, "subject": "事由", "problem": "问题", "request": "要求"}), "addressee_id"),
        (json!({"kind": "cc", "org_id": other_org, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求"}), "addressee_id"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": cadre, "subject": "事由", "problem": "问题", "request": "要求"}), "addressee_id"),
        (json!({"kind": "cc", "org_id": "abc", "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求"}), "org_id"),
        (json!({"kind": "cc", "org_id": 99999999, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求"}), "org_id"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "事由", "problem": long, "request": "要求"}), "problem"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "", "problem": "问题", "request": "要求"}), "subject"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求", "due_days": 0}), "due_days"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求", "issued_on": "2999-01-01"}), "issued_on"),
        (json!({"kind": "cc", "org_id": org, "addressee_id": addressee, "subject": "事由", "problem": "问题", "request": "要求", "source_kind": "inquiry", "source_id": 99999999}), "source_id"),
    ] {
        let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", b.clone()).await;
        assert_eq!(s, 422, "{b}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "a Chinese message at {field}: {v}");
    }
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", json!("not an object")).await;
    assert_eq!(s, 422, "{v}");
    // only the 纪委 issues them
    let secretary = app.token("sj_jyj").await;
    let (s, _) = app.send_json(Method::POST, &secretary, "/api/v1/conduct/notices", body(org, addressee)).await;
    assert_eq!(s, 403);
    assert_eq!(count_rows(&app).await, before, "nothing was stored");
    // the page form keeps what was typed
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c
        .post(app.url("/conduct/notices"))
        .form(&[("_csrf", csrf.as_str()), ("kind", "cc"), ("org_id", &org.to_string()), ("subject", "公车私用问题"), ("problem", "有公车节假日停放在私人住所"), ("request", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("公车私用问题") && html.contains("有公车节假日停放在私人住所"), "what was typed is still there");
    assert!(html.contains("请选择主送领导"), "and the reason");
    // a source the caller reads is kept with its title
    let inquiry = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM inquiries")).await.unwrap();
    let mut b = body(org, addressee);
    b["source_kind"] = json!("inquiry");
    b["source_id"] = json!(inquiry.to_string());
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/notices", b).await;
    assert_eq!(s, 201, "{v}");
    assert!(v["notice"]["source_title"].as_str().is_some_and(|t| t.starts_with("函询")), "{v}");
});

both!(the_demo_has_one_overdue_and_one_waiting_to_be_closed, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (s, v) = app.get_json(&jw, "/api/v1/conduct/notices").await;
    assert_eq!(s, 200, "{v}");
    let items = v["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["overdue"] == true), "{v}");
    assert!(items.iter().any(|i| i["status"] == "answered"), "{v}");
    assert!(items.iter().any(|i| i["status"] == "pending" && i["overdue"] == false), "not every waiting one is red: {v}");
    // a 班子成员 of 教育局 does not read 组织部's, by id or in his list
    let other = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(n.id) FROM notices n JOIN orgs o ON o.id = n.org_id WHERE o.code = 'XW-D03'")).await.unwrap();
    let bz = app.token("bz_jyj").await;
    let (s, _) = app.get_json(&bz, &format!("/api/v1/conduct/notices/{other}")).await;
    assert_eq!(s, 403);
    let (_, v) = app.get_json(&bz, "/api/v1/conduct/notices").await;
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["addressee_name"] == "刘志强"), "only his own: {v}");
    // the pages answer, the list in colour
    let (c, _) = app.sign_in("jw_staff").await;
    let html = c.get(app.url("/conduct/notices")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("row-overdue") && html.contains("逾期未反馈"), "overdue rows are red");
    let r = c.get(app.url("/conduct/notices/new")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let org = app.org_id("XW-D08").await;
    let html = c.get(app.url(&format!("/conduct/notices/new?org_id={org}&subject=%E8%B4%A2%E5%8A%A1"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("王建国") && html.contains("刘志强") && html.contains("建议"), "the unit's leaders, the 分管 one suggested");
});
