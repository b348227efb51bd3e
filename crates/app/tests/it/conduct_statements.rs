//! 述责述廉: the copy check (the year's other reports, the person's earlier ones), the 点评
//! lifecycle (answered only by the reporter, closed or returned only by the organising body),
//! need-to-know, no revision once the meeting date has come, bad input.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn year() -> i64 {
    i64::from(lianzheng_web::app::calendar::today().year())
}

/// The report of the 书记 of a unit in a year's demo round.
async fn report_of(app: &TestApp, code: &str, year: i64) -> i64 {
    app.state
        .db
        .scalar_i64(
            lianzheng_store::q("SELECT s.id FROM statement_reports s JOIN orgs o ON o.id = s.person_org_id WHERE o.code = $1 AND s.year = $2 AND s.post = '书记' ORDER BY s.id LIMIT 1").bind(code.to_string()).bind(year),
        )
        .await
        .unwrap()
}

async fn report(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, v) = app.get_json(token, &format!("/api/v1/conduct/statements/reports/{id}")).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn todo_count(v: &Value, kind: &str) -> i64 {
    v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).map(|i| i["count"].as_i64().unwrap()).sum()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql: &'static str = match table {
        "rounds" => "SELECT COUNT(*) FROM statement_rounds",
        "points" => "SELECT COUNT(*) FROM statement_points",
        _ => "SELECT COUNT(*) FROM statement_reports WHERE body IS NOT NULL",
    };
    app.state.db.scalar_i64(lianzheng_store::q(sql)).await.unwrap()
}

const ORIGINAL: &str = "本人坚持以学校安全和师德师风建设为抓手，全年深入基层学校调研三十余次，逐校听取校长履行一岗双责情况汇报。\n在教师招聘和职称评审中推行全程录像和结果公示，未发生一起投诉。对学生资助资金实行三级审核，发放情况在校内公示。\n不足：对乡村学校的经费使用监督还不够到位，下一步将建立学校经费使用季度通报制度。";

both!(the_copy_check_flags_the_copied_report_and_not_an_original, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (copied, source, original) = (report_of(&app, "XW-D12", year()).await, report_of(&app, "XW-D10", year()).await, report_of(&app, "XW-D16", year()).await);
    // the copied one and its source point at each other, both flagged
    let v = report(&app, &jw, copied).await;
    assert_eq!(v["peer_flag"], true, "{v}");
    assert_eq!(v["report"]["peer_id"].as_i64(), Some(source), "{v}");
    assert!(v["report"]["peer_pm"].as_i64().unwrap() >= 800, "{v}");
    let v = report(&app, &jw, source).await;
    assert_eq!(v["peer_flag"], true, "the source is flagged too: {v}");
    assert_eq!(v["report"]["peer_id"].as_i64(), Some(copied), "{v}");
    // an original one is not
    let v = report(&app, &jw, original).await;
    assert_eq!(v["peer_flag"], false, "{v}");
    assert!(v["report"]["peer_pm"].as_i64().unwrap() < 300, "{v}");
    // the compare page's figures, and the shared passages marked
    let (s, v) = app.get_json(&jw, &format!("/api/v1/conduct/statements/compare/{copied}/{source}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["flagged"], true);
    assert_eq!(v["relation"], "同年其他报告");
    let (c, _) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/conduct/statements/compare/{copied}/{source}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<mark>"), "shared passages are marked");

    // a new report: original → not flagged; revised into a copy of the water bureau's → both flagged
    let me = app.token("sj_jyj").await;
    let mine = report_of(&app, "XW-D08", year()).await;
    let (s, v) = app.send_json(Method::PUT, &me, &format!("/api/v1/conduct/statements/reports/{mine}"), json!({"version": 1, "body": ORIGINAL})).await;
    assert_eq!(s, 200, "{v}");
    let v = report(&app, &jw, mine).await;
    assert_eq!(v["peer_flag"], false, "{v}");
    let water = report(&app, &jw, original).await["report"]["body"].as_str().unwrap().to_string();
    let (s, v) = app.send_json(Method::PUT, &me, &format!("/api/v1/conduct/statements/reports/{mine}"), json!({"version": 2, "body": format!("{water}\n本人还抓好了教育系统的廉政教育。")})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["report"]["revisions"], 1, "{v}");
    let v = report(&app, &jw, mine).await;
    assert_eq!(v["peer_flag"], true, "{v}");
    assert_eq!(v["report"]["peer_id"].as_i64(), Some(original));
    let v = report(&app, &jw, original).await;
    assert_eq!(v["peer_flag"], true, "the water bureau's is now flagged from its side too: {v}");
    assert_eq!(v["report"]["peer_id"].as_i64(), Some(mine));
    // the threshold is a setting, applied when shown
    assert!(app.state.settings.get("statement_threshold").is_none());
});

both!(a_report_is_compared_with_the_same_persons_earlier_ones, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let health = report_of(&app, "XW-D17", year()).await;
    let health_before = report_of(&app, "XW-D17", year() - 1).await;
    let v = report(&app, &jw, health).await;
    assert_eq!(v["past_flag"], true, "most of last year's report again: {v}");
    assert_eq!(v["report"]["past_id"].as_i64(), Some(health_before), "{v}");
    let (s, v) = app.get_json(&jw, &format!("/api/v1/conduct/statements/compare/{health}/{health_before}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["relation"], "本人往年报告");
    let traffic = report_of(&app, "XW-D14", year()).await;
    let v = report(&app, &jw, traffic).await;
    assert_eq!(v["past_flag"], false, "a new report this year: {v}");
    assert!(v["report"]["past_pm"].as_i64().is_some(), "but compared with last year's: {v}");
    // whose report has no earlier one has nothing to compare with
    let water = report_of(&app, "XW-D16", year()).await;
    assert!(report(&app, &jw, water).await["report"]["past_pm"].is_null());
});

both!(the_points_are_answered_by_the_reporter_and_closed_by_the_body, |app: TestApp| async move {
    let (jw, me) = (app.token("jw_staff").await, app.token("sj_jyj").await);
    let mine = report_of(&app, "XW-D08", year()).await;
    // not before the report is there
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/reports/{mine}/points"), json!({"content": "请补充"})).await;
    assert_eq!(s, 403, "{v}");
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.statement_near") + todo_count(&todo, "conduct.statement_submit"), 1, "his report to submit: {todo}");
    let (s, v) = app.send_json(Method::PUT, &me, &format!("/api/v1/conduct/statements/reports/{mine}"), json!({"version": 1, "body": ORIGINAL})).await;
    assert_eq!(s, 200, "{v}");
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.statement_near") + todo_count(&todo, "conduct.statement_submit"), 0, "{todo}");
    let mine_open_before = todo_count(&todo, "conduct.statement_points_mine");

    // the body's 点评, one point at a time; the unit's 党务 clerk (another body) cannot
    let (s, _) = app.send_json(Method::POST, &app.token("dw_jyj").await, &format!("/api/v1/conduct/statements/reports/{mine}/points"), json!({"content": "意见"})).await;
    assert_eq!(s, 403);
    let (s, v) =
        app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/reports/{mine}/points"), json!({"content": "对乡村学校经费使用的监督要有具体措施。", "rectify": true, "due_on": "2099-03-31"})).await;
    assert_eq!(s, 201, "{v}");
    let point = v["point"]["id"].as_i64().unwrap();
    assert_eq!(v["point"]["status"], "open");
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.statement_points_mine"), mine_open_before + 1, "{todo}");

    // only the reporter answers; the body cannot close it before
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/answer"), json!({"version": 1, "measures": "代答"})).await;
    assert_eq!(s, 403);
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/close"), json!({"version": 1})).await;
    assert_eq!(s, 403, "not answered yet");
    let (s, v) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/statements/points/{point}/answer"), json!({"version": 1, "measures": "建立学校经费使用季度通报制度。", "progress": "已通报一次"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["point"]["status"], "answered");
    let (_, todo) = app.get_json(&jw, "/api/v1/todo").await;
    let answered = todo_count(&todo, "conduct.statement_points_answered");
    assert!(answered >= 2, "the demo's and this one: {todo}");

    // the reporter does not close or return it; the body returns it with a reason, then closes it
    for op in ["close", "return"] {
        let (s, _) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/statements/points/{point}/{op}"), json!({"version": 2, "reason": "自己退回"})).await;
        assert_eq!(s, 403, "{op}");
    }
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/return"), json!({"version": 2})).await;
    assert_eq!(s, 422, "a return says why: {v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/return"), json!({"version": 2, "reason": "请说明通报的范围。"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["point"]["status"], "open", "open again: {v}");
    assert_eq!(v["point"]["returns"], 1);
    let (s, _) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/statements/points/{point}/answer"), json!({"version": 3, "measures": "向全县各学校通报，抄送乡镇。"})).await;
    assert_eq!(s, 200);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/close"), json!({"version": 3})).await;
    assert_eq!(s, 409, "a stale version: {v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/points/{point}/close"), json!({"version": 4})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["point"]["status"], "closed");
    let (s, _) = app.send_json(Method::POST, &me, &format!("/api/v1/conduct/statements/points/{point}/answer"), json!({"version": 5, "measures": "再答"})).await;
    assert_eq!(s, 403, "a closed point stays closed");
    let (_, todo) = app.get_json(&me, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.statement_points_mine"), mine_open_before, "{todo}");
    // the counts per round
    let round = app.state.db.scalar_i64(lianzheng_store::q("SELECT round_id FROM statement_reports WHERE id = $1").bind(mine)).await.unwrap();
    let (_, v) = app.get_json(&jw, &format!("/api/v1/conduct/statements/{round}")).await;
    assert_eq!(v["round"]["points_closed"], 1, "{v}");
    assert_eq!(v["round"]["points_open"], 0, "{v}");
    let (_, v) = app.get_json(&jw, &format!("/api/v1/conduct/statements?year={}", year() - 1)).await;
    let last = &v["rounds"][0]["round"];
    assert_eq!((last["points_open"].as_i64(), last["points_closed"].as_i64()), (Some(3), Some(1)), "{v}");
});

both!(a_report_is_read_only_by_who_needs_to, |app: TestApp| async move {
    let mine = report_of(&app, "XW-D08", year() - 1).await;
    let (s, v) = app.get_json(&app.token("sj_jyj").await, &format!("/api/v1/conduct/statements/reports/{mine}")).await;
    assert_eq!(s, 200, "his own: {v}");
    assert_eq!(v["show_check"], false, "the copy check is for the body");
    for user in ["jw_staff", "jcz"] {
        let (s, v) = app.get_json(&app.token(user).await, &format!("/api/v1/conduct/statements/reports/{mine}")).await;
        assert_eq!(s, 200, "{user}: {v}");
    }
    // a 一般干部, a 班子成员 and the 党务 clerk of his unit do not read their 书记's report
    for user in ["gb_jyj", "bz_jyj", "dw_jyj"] {
        let t = app.token(user).await;
        let (s, v) = app.get_json(&t, &format!("/api/v1/conduct/statements/reports/{mine}")).await;
        assert_eq!(s, 403, "{user}: {v}");
        let (s, v) = app.get_json(&t, &format!("/api/v1/conduct/statements?year={}", year() - 1)).await;
        assert_eq!(s, 200, "{user}: {v}");
        assert!(v["rounds"].as_array().unwrap().is_empty(), "{user} sees no round: {v}");
    }
    // the 书记 reads no other 书记's report, nor compares
    let other = report_of(&app, "XW-D17", year() - 1).await;
    let me = app.token("sj_jyj").await;
    let (s, _) = app.get_json(&me, &format!("/api/v1/conduct/statements/reports/{other}")).await;
    assert_eq!(s, 403);
    let (s, _) = app.get_json(&me, &format!("/api/v1/conduct/statements/compare/{mine}/{other}")).await;
    assert_eq!(s, 403);
    let (c, _) = app.sign_in("gb_jyj").await;
    let r = c.get(app.url(&format!("/conduct/statements/reports/{mine}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // every opening is in the audit log
    let reads = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'statement_report.read' AND entity_id = $1").bind(mine.to_string())).await.unwrap();
    assert_eq!(reads, 3);
});

both!(a_report_is_not_revised_once_the_meeting_date_has_come, |app: TestApp| async move {
    let me = app.token("sj_jyj").await;
    let before = report_of(&app, "XW-D08", year() - 1).await;
    let v = report(&app, &me, before).await;
    assert_eq!(v["can_edit"], false);
    let body = v["report"]["body"].as_str().unwrap().to_string();
    let version = v["report"]["version"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::PUT, &me, &format!("/api/v1/conduct/statements/reports/{before}"), json!({"version": version, "body": "会后补写的内容"})).await;
    assert_eq!(s, 403, "{v}");
    assert!(v["message"].as_str().unwrap().contains("会议日期"), "{v}");
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("报告.pdf"));
    let r = app.client().post(app.url(&format!("/api/v1/conduct/statements/reports/{before}/file"))).bearer_auth(&me).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(report(&app, &me, before).await["report"]["body"].as_str(), Some(body.as_str()), "unchanged");
});

both!(bad_statement_input_gets_chinese_errors_and_changes_nothing, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (s, v) = app.get_json(&jw, "/api/v1/conduct/statements/candidates").await;
    assert_eq!(s, 200, "{v}");
    let items = v["items"].as_array().unwrap();
    let sj = items.iter().find(|c| c["name"] == "王建国").unwrap()["person_id"].as_i64().unwrap();
    let rounds = count(&app, "rounds").await;
    let ok = json!({"title": "测试述责述廉", "meeting_on": "2099-01-20", "due_on": "2099-01-10", "reporters": [sj]});
    let with = |k: &str, val: Value| {
        let mut b = ok.clone();
        b[k] = val;
        b
    };
    for (body, field) in [
        (with("title", json!("")), "title"),
        (with("meeting_on", json!("2020-01-01")), "meeting_on"),
        (with("meeting_on", json!("2099-02-30")), "meeting_on"),
        (with("due_on", json!("2099-02-10")), "due_on"),
        (with("due_on", json!("")), "due_on"),
        (with("due_days", json!("十天")), "due_days"),
        (with("reporters", json!([])), "reporters"),
        (with("reporters", json!([99999999])), "reporters"),
        (with("year", json!("1999")), "year"),
        (with("quick_kind", json!("planet")), "quick_kind"),
    ] {
        let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/statements", body.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "a Chinese message at {field}: {v}");
    }
    let (s, _) = app.send_json(Method::POST, &jw, "/api/v1/conduct/statements", json!("not an object")).await;
    assert_eq!(s, 422);
    let (s, _) = app.send_json(Method::POST, &app.token("sj_jyj").await, "/api/v1/conduct/statements", ok.clone()).await;
    assert_eq!(s, 403, "a 书记 does not organise");
    assert_eq!(count(&app, "rounds").await, rounds, "nothing was stored");
    // a good one, with the quick selection: every 纪委书记 of the townships, and 王建国
    let (s, v) = app
        .send_json(
            Method::POST,
            &jw,
            "/api/v1/conduct/statements",
            json!({"title": "测试述责述廉", "meeting_on": "2099-01-20", "due_days": 5, "reporters": [sj], "quick_kind": "discipline_commission", "quick_post": "discipline_secretary"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["round"]["reports"], 12, "the 纪委书记 of the 县纪委 and the ten townships, and 王建国: {v}");

    // the report: nothing empty, nothing too long, the typed text kept on the page
    let me = app.token("sj_jyj").await;
    let mine = report_of(&app, "XW-D08", year()).await;
    let submitted = count(&app, "reports").await;
    for body in [json!({"version": 1, "body": "  "}), json!({"version": 1, "body": "字".repeat(30_001)}), json!({"body": "没有版本号"})] {
        let (s, v) = app.send_json(Method::PUT, &me, &format!("/api/v1/conduct/statements/reports/{mine}"), body).await;
        assert_eq!(s, 422, "{v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_ascii()), "{v}");
    }
    let (c, csrf) = app.sign_in("sj_jyj").await;
    let long = format!("本人认真履行第一责任人职责。{}", "字".repeat(30_000));
    let r = c.post(app.url(&format!("/conduct/statements/reports/{mine}"))).form(&[("_csrf", csrf.as_str()), ("version", "1"), ("body", long.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("本人认真履行第一责任人职责。"), "the text typed stays in the form");
    // a file that is not a DOCX or PDF, or not what its name says
    for (bytes, name) in [(b"\x89PNG\r\n\x1a\n0000".to_vec(), "报告.png"), (b"\x89PNG\r\n\x1a\n0000".to_vec(), "报告.pdf")] {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
        let r = app.client().post(app.url(&format!("/api/v1/conduct/statements/reports/{mine}/file"))).bearer_auth(&me).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422, "{name}");
        let v: Value = r.json().await.unwrap();
        assert!(v["fields"]["file"].as_str().is_some_and(|m| !m.is_ascii()), "{v}");
    }
    assert_eq!(count(&app, "reports").await, submitted, "nothing was submitted");
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("述责述廉报告.pdf"));
    let r = app.client().post(app.url(&format!("/api/v1/conduct/statements/reports/{mine}/file"))).bearer_auth(&me).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(report(&app, &me, mine).await["report"]["attachment_name"], "述责述廉报告.pdf");

    // a 点评 that asks for 整改 has a deadline
    let other = report_of(&app, "XW-D10", year()).await;
    let points = count(&app, "points").await;
    for (body, field) in [(json!({"content": "要求整改", "rectify": true}), "due_on"), (json!({"content": ""}), "content"), (json!({"content": "意见", "rectify": "也许"}), "rectify")] {
        let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/statements/reports/{other}/points"), body).await;
        assert_eq!(s, 422, "{v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "{v}");
    }
    assert_eq!(count(&app, "points").await, points);
});
