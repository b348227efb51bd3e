//! 谈话函询, 提醒谈话, 诫勉谈话: need-to-know per role, the reply limit on the working-day
//! calendar, the person's own reply, the 纪委's conclusion, bad input and the read log.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// A person of 教育局 without an account (the demo's records are about the first ones).
async fn bureau_person(app: &TestApp, n: i64) -> i64 {
    app.state
        .db
        .scalar_i64(
            lianzheng_store::q(
                "SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-D08' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1 OFFSET $1",
            )
            .bind(n),
        )
        .await
        .unwrap()
}

async fn count_rows(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM inquiries")).await.unwrap()
}

async fn reads_of(app: &TestApp, id: i64) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'inquiry.read' AND entity_id = $1").bind(id.to_string())).await.unwrap()
}

fn todo_count(v: &Value, kind: &str) -> i64 {
    v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).map(|i| i["count"].as_i64().unwrap()).sum()
}

both!(an_inquiry_is_seen_by_the_commission_the_secretary_and_the_person_only, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let person = bureau_person(&app, 5).await;
    // a 函询 issued before the 2026 Spring Festival: 15 工作日 from the day after 2026-02-10,
    // with 2-14 (Sat) and 2-28 (Sat) worked and 2-15 … 2-23 off: 2-11, 12, 13, 14, 24, 25, 26,
    // 27, 28, 3-2, 3, 4, 5, 6, 9 → due 2026-03-09
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/inquiries", json!({"kind": "letter", "person_id": person, "matter": "反映其违规发放津补贴", "source": "信访举报", "issued_on": "2026-02-10"})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["inquiry"]["id"].as_i64().unwrap();
    assert_eq!(v["inquiry"]["reply_due"], "2026-03-09", "the limit is counted in 工作日 across the Spring Festival: {v}");
    assert_eq!(v["inquiry"]["reply_days"], 15, "15 工作日 unless said otherwise: {v}");

    // the 纪委 and the unit's 书记 read it, each reading logged
    let (s, v) = app.get_json(&jw, &format!("/api/v1/conduct/inquiries/{id}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["inquiry"]["can_handle"], true);
    let secretary = app.token("sj_jyj").await;
    let (s, v) = app.get_json(&secretary, &format!("/api/v1/conduct/inquiries/{id}")).await;
    assert_eq!(s, 200, "the 书记 of the person's unit reads it: {v}");
    assert_eq!(v["inquiry"]["can_handle"], false);
    assert_eq!(reads_of(&app, id).await, 2, "every opening is in the audit log");
    // … but neither answers nor concludes it
    let (s, _) = app.send_json(Method::POST, &secretary, &format!("/api/v1/conduct/inquiries/{id}/reply"), json!({"version": 1, "reply": "代为回复"})).await;
    assert_eq!(s, 403);
    let (s, _) = app.send_json(Method::POST, &secretary, &format!("/api/v1/conduct/inquiries/{id}/conclude"), json!({"version": 1, "conclusion": "closed"})).await;
    assert_eq!(s, 403);

    // the unit's 党务 clerk, a 班子成员 and a 一般干部 of the same unit do not see it, in the list or by id
    for user in ["dw_jyj", "bz_jyj", "gb_jyj", "jcz"] {
        let t = app.token(user).await;
        let (s, v) = app.get_json(&t, &format!("/api/v1/conduct/inquiries/{id}")).await;
        assert_eq!(s, 403, "{user}: {v}");
        let (s, v) = app.get_json(&t, "/api/v1/conduct/inquiries?year=2026").await;
        assert_eq!(s, 200, "{user}: {v}");
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["id"].as_i64() != Some(id)), "{user} lists only his own: {v}");
    }
    let (s, v) = app.get_json(&jw, "/api/v1/conduct/inquiries?year=2026&state=open&kind=letter").await;
    assert_eq!(s, 200);
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["id"].as_i64() == Some(id)), "{v}");

    // another unit's record is not there for the 书记 of 教育局
    let outside = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(i.id) FROM inquiries i JOIN orgs o ON o.path = i.person_org_path WHERE o.code = 'XW-D03'")).await.unwrap();
    let (s, _) = app.get_json(&secretary, &format!("/api/v1/conduct/inquiries/{outside}")).await;
    assert_eq!(s, 404);

    // a stale version is refused, the reply recorded, then the conclusion
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/inquiries/{id}/reply"), json!({"version": 7, "reply": "已按规定发放"})).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/inquiries/{id}/reply"), json!({"version": 1, "reply": "津补贴均按县政府文件发放，附发放明细。", "replied_on": "2026-03-02"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/inquiries/{id}/conclude"), json!({"version": 2, "conclusion": "verify"})).await;
    assert_eq!(s, 422, "进一步核实 says what follows: {v}");
    assert!(v["fields"]["follow_up"].is_string(), "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/inquiries/{id}/conclude"), json!({"version": 2, "conclusion": "accepted", "follow_up": "说明属实，予以采信"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["inquiry"]["conclusion"], "accepted");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/inquiries/{id}/conclude"), json!({"version": 3, "conclusion": "closed"})).await;
    assert_eq!(s, 403, "a concluded record stays concluded");
});

both!(the_person_answers_his_own_inquiry_and_it_leaves_his_todo, |app: TestApp| async move {
    // the demo has a 函询 to 刘志强 (bz_jyj) waiting for his reply
    let me = app.token("bz_jyj").await;
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.inquiry_mine"), 1, "{todo}");
    let (s, v) = app.get_json(&me, "/api/v1/conduct/inquiries").await;
    assert_eq!(s, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only his own: {v}");
    let id = items[0]["id"].as_i64().unwrap();
    let (s, v) = app.get_json(&me, &format!("/api/v1/conduct/inquiries/{id}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["inquiry"]["can_reply"], true);
    let version = v["inquiry"]["version"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/inquiries/{id}/reply"), json!({"version": version, "reply": "校舍维修项目由第三方监理验收，本人参加了验收会议，已督促整改。"})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["inquiry"]["replied_by"].as_str().unwrap().contains("本人"), "{v}");
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.inquiry_mine"), 0, "{todo}");
    // … and the 纪委 now has it to conclude; he cannot conclude it himself
    let (s, _) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/inquiries/{id}/conclude"), json!({"version": version + 1, "conclusion": "closed"})).await;
    assert_eq!(s, 403);
    let jw = app.token("jw_staff").await;
    let (_, todo) = app.get_json(&jw, "/api/v1/todo").await;
    assert!(todo_count(&todo, "conduct.inquiry_conclude") >= 2, "the demo's answered one and this: {todo}");
    assert!(todo_count(&todo, "conduct.inquiry_overdue") >= 1, "the demo has a 函询 past its reply date: {todo}");
});

both!(bad_inquiry_input_gets_chinese_errors_and_changes_nothing, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let before = count_rows(&app).await;
    let person = bureau_person(&app, 5).await;
    let long = "问".repeat(2001);
    for (body, field) in [
        (json!({"kind": "xx", "person_id": person, "matter": "事项"}), "kind"),
        (json!({"kind": "letter", "person_id": "abc", "matter": "事项"}), "person_id"),
        (json!({"kind": "letter", "person_id": person, "matter": long}), "matter"),
        (json!({"kind": "letter", "person_id": person, "matter": "事项", "issued_on": "2999-01-01"}), "issued_on"),
        (json!({"kind": "letter", "person_id": person, "matter": "事项", "issued_on": "2026-02-30"}), "issued_on"),
        (json!({"kind": "letter", "person_id": person, "matter": "事项", "reply_days": 0}), "reply_days"),
        (json!({"kind": "letter", "person_id": person, "matter": "事项", "reply_days": "十五"}), "reply_days"),
        (json!({"kind": "letter", "person_id": 99999999, "matter": "事项"}), "person_id"),
    ] {
        let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/inquiries", body.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "a Chinese message at {field}: {v}");
    }
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/inquiries", json!("not an object")).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(count_rows(&app).await, before, "nothing was stored");
    // the page form keeps what was typed
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c.post(app.url("/conduct/inquiries")).form(&[("_csrf", csrf.as_str()), ("kind", "letter"), ("person_id", &person.to_string()), ("matter", "反映其公车私用"), ("reply_days", "0")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("反映其公车私用"), "the matter typed stays in the form");
    assert!(html.contains("回复期限应为"), "and the message says why");
    assert_eq!(count_rows(&app).await, before);
});
