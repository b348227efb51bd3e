//! 廉政教育 and 廉政考试 (issue 9 item 7): the bank's XLSX import (row and column named, nothing
//! imported on any error, a small file declaring a huge sheet refused), the draw by rule and
//! stable on reload, answers saved one by one, the time limit kept by the server, scoring per
//! type, the retake limit, no answer key before submission (JSON and HTML), another unit's ids
//! refused in path and body, education activities recorded by the unit and only read above it.

use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::q;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{TestApp, with_dimension};

const HEADERS: [&str; 11] = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "标签", "分值"];

fn workbook(rows: Vec<Vec<&str>>) -> Vec<u8> {
    write_tables(&[Table {
        title: None,
        sheet_name: "试题".into(),
        columns: HEADERS.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
    }])
    .unwrap()
}

/// The workbook with its sheet declaring `dimension` (a "bomb" of a few KB).
fn declaring(dimension: &str) -> Vec<u8> {
    with_dimension(workbook(vec![vec!["判断", "题干", "", "", "", "", "", "", "对", "党章", "1"]]), dimension)
}

async fn import(app: &TestApp, token: &str, org: i64, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("试题.xlsx"));
    let r = app.client().post(app.url(&format!("/api/v1/conduct/exams/banks/{org}/import"))).bearer_auth(token).multipart(form).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn questions(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM exam_questions")).await.unwrap()
}

both!(bank_import_names_rows_and_columns_and_is_all_or_nothing, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jyj = app.org_id("XW-D08").await;
    let before = questions(&app).await;
    // three bad rows among good ones: an unknown type, an answer not among the options, an empty stem
    let bad = workbook(vec![
        vec!["单选", "好题一", "甲", "乙", "丙", "", "", "", "B", "党章", "2"],
        vec!["问答", "未知题型", "", "", "", "", "", "", "对", "党章", "1"],
        vec!["单选", "答案不在选项中", "甲", "乙", "", "", "", "", "D", "党章", "1"],
        vec!["判断", "", "", "", "", "", "", "", "对", "党章", "1"],
    ]);
    let (s, v) = import(&app, &dw, jyj, bad).await;
    assert_eq!(s, 422, "{v}");
    let errors: Vec<String> = v["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
    assert!(errors.iter().any(|e| e.starts_with("第3行 第A列（题型）") && e.contains("问答")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第4行 第I列（答案）") && e.contains("不在选项之中")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第5行 第B列（题干）") && e.contains("请填写题干")), "{errors:?}");
    assert_eq!(questions(&app).await, before, "nothing imported");

    // a 2 KB file declaring a million rows
    let bomb = declaring("A1:K1048576");
    assert!(bomb.len() < 8 * 1024);
    let (s, v) = import(&app, &dw, jyj, bomb).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("文件声明的表格范围过大"), "{v}");
    assert_eq!(questions(&app).await, before);

    // the good file: every type, answers normalised
    let good = workbook(vec![
        vec!["单选", "单选题", "甲", "乙", "丙", "", "", "", "b", "党章", "2"],
        vec!["多选题", "多选题", "甲", "乙", "丙", "丁", "", "", "C,A", "八项规定、党章", "3"],
        vec!["判断", "判断题", "", "", "", "", "", "", "×", "纪律处分条例", ""],
        vec!["填空", "填空题", "", "", "", "", "", "", " 开除党籍 ", "纪律处分条例", "4"],
    ]);
    let (s, v) = import(&app, &dw, jyj, good).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["imported"], 4);
    let rows: Vec<(String, String, i64)> = app.state.db.fetch_all(q("SELECT kind, answer, points FROM exam_questions WHERE org_id = $1 ORDER BY id").bind(jyj)).await.unwrap();
    assert_eq!(rows, vec![("single".into(), "B".into(), 2), ("multiple".into(), "AC".into(), 3), ("judge".into(), "错".into(), 1), ("fill".into(), "开除党籍".into(), 4)]);
    // the template downloads; another unit's bank is not 教育局's to fill
    let r = app.client().get(app.url("/api/v1/conduct/exams/questions/template.xlsx")).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let zzb = app.org_id("XW-D03").await;
    let (s, _) = import(&app, &dw, zzb, workbook(vec![vec!["判断", "题", "", "", "", "", "", "", "对", "", ""]])).await;
    assert_eq!(s, 404);
    // a 一般干部 keeps no bank
    let gb = app.token("gb_jyj").await;
    assert_eq!(app.get_json(&gb, "/api/v1/conduct/exams/questions").await.0, 403);
    let n: i64 = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'exam_question.import'")).await.unwrap();
    assert!(n >= 2, "imports audited (demo + this one)");
});

/// The demo paper of 教育局 (gb_jyj is to take it).
async fn demo_paper(app: &TestApp) -> i64 {
    let jyj = app.org_id("XW-D08").await;
    app.state.db.scalar_i64(q("SELECT MIN(id) FROM exam_papers WHERE org_id = $1").bind(jyj)).await.unwrap()
}

fn keys_absent(v: &Value) {
    for item in v["attempt"]["items"].as_array().unwrap() {
        assert!(item["key"].is_null(), "an answer key before submission: {item}");
        assert!(item.get("answer_key").is_none());
    }
}

both!(an_attempt_draws_by_rule_saves_answers_and_scores_on_submit, |app: TestApp| async move {
    let gb = app.token("gb_jyj").await;
    let paper = demo_paper(&app).await;
    // the 待办 and the list
    let (_, todo) = app.get_json(&gb, "/api/v1/todo").await;
    assert!(todo["items"].as_array().unwrap().iter().any(|i| i["kind"] == "conduct.exam" && i["label"] == "待参加的考试"), "{todo}");
    let (s, mine) = app.get_json(&gb, "/api/v1/conduct/exams/mine").await;
    assert_eq!(s, 200);
    assert!(mine["items"].as_array().unwrap().iter().any(|e| e["paper"]["id"] == paper), "{mine}");

    let (s, v) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{paper}/attempts"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    keys_absent(&v);
    // the rule: 5 单选, 2 多选, 4 判断, 2 填空, in that order, each question once
    let items = v["attempt"]["items"].as_array().unwrap().clone();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    let want: Vec<&str> = [["single"; 5].as_slice(), &["multiple"; 2], &["judge"; 4], &["fill"; 2]].concat();
    assert_eq!(kinds, want);
    let mut ids: Vec<i64> = items.iter().map(|i| i["question_id"].as_i64().unwrap()).collect();
    assert_eq!(v["attempt"]["attempt"]["total"], 32);
    // starting again returns the running attempt; a reload shows the same questions in order
    let (_, again) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{paper}/attempts"), json!({})).await;
    assert_eq!(again["id"], id);
    let (_, reload) = app.get_json(&gb, &format!("/api/v1/conduct/exams/attempts/{id}")).await;
    let reloaded: Vec<i64> = reload["attempt"]["items"].as_array().unwrap().iter().map(|i| i["question_id"].as_i64().unwrap()).collect();
    assert_eq!(reloaded, ids);
    keys_absent(&reload);
    // the HTML page carries no key either
    let (c, _) = app.sign_in("gb_jyj").await;
    let html = c.get(app.url(&format!("/conduct/exams/attempts/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-exam-remaining") && !html.contains("标准答案") && !html.contains("exam-key"), "no key in the page");

    // the keys, read from the database, to answer right or wrong on purpose
    let mut keys = std::collections::HashMap::new();
    for qid in &ids {
        let (k,): (String,) = app.state.db.fetch_one(q("SELECT answer FROM exam_questions WHERE id = $1").bind(*qid)).await.unwrap();
        keys.insert(*qid, k);
    }
    let by_seq = |n: usize| &items[n];
    let put = async |qid: i64, answer: Value| app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/answers"), json!({"question_id": qid, "answer": answer})).await;
    // 单选: 1st right, 2nd wrong, rest unanswered
    let q0 = by_seq(0)["question_id"].as_i64().unwrap();
    assert_eq!(put(q0, json!("D")).await.0, 200, "a first answer");
    assert_eq!(put(q0, json!(keys[&q0])).await.0, 200, "changed: the last counts");
    let q1 = by_seq(1)["question_id"].as_i64().unwrap();
    let wrong = if keys[&q1] == "A" { "B" } else { "A" };
    assert_eq!(put(q1, json!(wrong)).await.0, 200);
    // 多选: one all right (as an array, reordered), one missing a letter (all-or-nothing)
    let q5 = by_seq(5)["question_id"].as_i64().unwrap();
    let letters: Vec<String> = keys[&q5].chars().rev().map(String::from).collect();
    assert_eq!(put(q5, json!(letters)).await.0, 200);
    let q6 = by_seq(6)["question_id"].as_i64().unwrap();
    let partial: String = keys[&q6].chars().skip(1).collect();
    assert_eq!(put(q6, json!(partial)).await.0, 200);
    // 判断 right; 填空 right with spaces around, the other wrong
    let q7 = by_seq(7)["question_id"].as_i64().unwrap();
    assert_eq!(put(q7, json!(keys[&q7])).await.0, 200);
    let q11 = by_seq(11)["question_id"].as_i64().unwrap();
    assert_eq!(put(q11, json!(format!("  {}  ", keys[&q11]))).await.0, 200);
    let q12 = by_seq(12)["question_id"].as_i64().unwrap();
    assert_eq!(put(q12, json!(format!("{}了", keys[&q12]))).await.0, 200);
    // a letter beyond the options, a question not drawn, another unit's attempt: refused
    assert_eq!(put(q0, json!("F")).await.0, 422);
    let other_q = app.state.db.scalar_i64(q_not_in(&ids)).await.unwrap();
    assert_eq!(put(other_q, json!("A")).await.0, 422);
    let zzb_attempt = app.state.db.scalar_i64(q("SELECT MIN(a.id) FROM exam_attempts a JOIN people p ON p.id = a.person_id JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-D03'")).await.unwrap();
    assert_eq!(app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{zzb_attempt}/answers"), json!({"question_id": q0, "answer": "A"})).await.0, 404);
    assert_eq!(app.get_json(&gb, &format!("/api/v1/conduct/exams/attempts/{zzb_attempt}")).await.0, 404);
    // the answers survive a reload
    let (_, reload) = app.get_json(&gb, &format!("/api/v1/conduct/exams/attempts/{id}")).await;
    assert_eq!(reload["attempt"]["answered"], 7);
    assert_eq!(reload["attempt"]["items"][0]["answer"], keys[&q0].as_str());
    keys_absent(&reload);

    // submit: 单选 2 + 多选 4 + 判断 2 + 填空 3 = 11 of 32, under the pass mark of 20
    let (s, done) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/submit"), json!({})).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["attempt"]["attempt"]["score"], 11, "{done}");
    assert_eq!(done["attempt"]["attempt"]["passed"], 0);
    // now the keys are shown, and each item's mark
    assert_eq!(done["attempt"]["items"][0]["key"], keys[&q0].as_str());
    assert_eq!(done["attempt"]["items"][6]["correct"], false, "多选 with a letter missing scores nothing");
    assert_eq!(done["attempt"]["items"][11]["correct"], true, "填空 trimmed");
    // a second submission changes nothing; answers after it are refused
    let (_, again) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/submit"), json!({})).await;
    assert_eq!(again["attempt"]["attempt"]["score"], 11);
    assert_eq!(put(q1, json!(keys[&q1])).await.0, 409);
    let html = c.get(app.url(&format!("/conduct/exams/attempts/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("标准答案") && html.contains("不合格"), "the result page");

    // the retake: a second attempt (allowed 2), then no third
    let (s, v2) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{paper}/attempts"), json!({})).await;
    assert_eq!(s, 201);
    let id2 = v2["id"].as_i64().unwrap();
    assert_ne!(id2, id);
    ids.sort_unstable();
    for item in v2["attempt"]["items"].as_array().unwrap() {
        let qid = item["question_id"].as_i64().unwrap();
        let k: (String,) = app.state.db.fetch_one(q("SELECT answer FROM exam_questions WHERE id = $1").bind(qid)).await.unwrap();
        let answer = if item["kind"] == "multiple" { json!(k.0.chars().map(String::from).collect::<Vec<_>>()) } else { json!(k.0) };
        assert_eq!(app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{id2}/answers"), json!({"question_id": qid, "answer": answer})).await.0, 200);
    }
    let (_, done2) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/attempts/{id2}/submit"), json!({})).await;
    assert_eq!(done2["attempt"]["attempt"]["score"], 32);
    assert_eq!(done2["attempt"]["attempt"]["passed"], 1);
    let (s, v) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{paper}/attempts"), json!({})).await;
    assert_eq!(s, 403, "the third attempt: {v}");
    assert!(v["message"].as_str().unwrap().contains("已全部用完"));

    // results: the best score counts; per unit; the export; the person's results for the 廉政档案
    let dw = app.token("dw_jyj").await;
    let (s, r) = app.get_json(&dw, &format!("/api/v1/conduct/exams/papers/{paper}/results")).await;
    assert_eq!(s, 200, "{r}");
    let zhao = r["items"].as_array().unwrap().iter().find(|x| x["taker"]["name"] == "赵晓燕").unwrap().clone();
    assert_eq!(zhao["best"], 32);
    assert_eq!(zhao["attempts"], 2);
    assert_eq!(zhao["passed"], true);
    let unit = &r["units"][0];
    assert!(unit["takers"].as_i64().unwrap() >= 2 && unit["taken"].as_i64().unwrap() >= 2, "{unit}");
    let x = app.client().get(app.url(&format!("/api/v1/conduct/exams/papers/{paper}/results.xlsx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(x.status(), 200);
    let rows = lianzheng_docs::xlsx::read_rows(&x.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "赵晓燕")));
    let person = zhao["taker"]["person_id"].as_i64().unwrap();
    // a 一般干部 reads no results, and 组织部's paper is not 教育局's to read
    assert_eq!(app.get_json(&gb, &format!("/api/v1/conduct/exams/papers/{paper}/results")).await.0, 403);
    let zzb_paper = app.state.db.scalar_i64(q("SELECT MIN(p.id) FROM exam_papers p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-D03'")).await.unwrap();
    assert_eq!(app.get_json(&dw, &format!("/api/v1/conduct/exams/papers/{zzb_paper}/results")).await.0, 404);
    // gb_jyj may not start 组织部's paper
    assert_eq!(app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{zzb_paper}/attempts"), json!({})).await.0, 404);
    let of_person = lianzheng_store::conduct::exams::results_of(&app.state.db, lianzheng_core::ids::PersonId::new(person)).await.unwrap();
    assert_eq!(of_person.len(), 2);
    assert_eq!(of_person.iter().map(|r| r.score).max(), Some(32));
    // audit
    for action in ["exam_attempt.start", "exam_attempt.answer", "exam_attempt.submit", "exam_paper.results", "exam_paper.export"] {
        let n = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action)).await.unwrap();
        assert!(n > 0, "{action} audited");
    }
});

fn q_not_in(ids: &[i64]) -> lianzheng_store::Q {
    lianzheng_store::q_built(format!("SELECT MIN(id) FROM exam_questions WHERE id NOT IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")))
}

both!(the_server_keeps_the_time_limit, |app: TestApp| async move {
    let gb = app.token("gb_jyj").await;
    let paper = demo_paper(&app).await;
    let (_, v) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/exams/papers/{paper}/attempts"), json!({})).await;
    let id = v["id"].as_i64().unwrap();
    let q0 = v["attempt"]["items"][0]["question_id"].as_i64().unwrap();
    let (k,): (String,) = app.state.db.fetch_one(q("SELECT answer FROM exam_questions WHERE id = $1").bind(q0)).await.unwrap();
    assert_eq!(app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/answers"), json!({"question_id": q0, "answer": k})).await.0, 200);
    // within the grace after the limit: still taken
    let now = lianzheng_store::now();
    app.state.db.execute(q("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2").bind(now - 10).bind(id)).await.unwrap();
    assert_eq!(app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/answers"), json!({"question_id": q0, "answer": k})).await.0, 200);
    // past the grace: refused, and the attempt is submitted with what was saved
    app.state.db.execute(q("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2").bind(now - 120).bind(id)).await.unwrap();
    let q1 = v["attempt"]["items"][1]["question_id"].as_i64().unwrap();
    let (s, m) = app.send_json(Method::PUT, &gb, &format!("/api/v1/conduct/exams/attempts/{id}/answers"), json!({"question_id": q1, "answer": "A"})).await;
    assert_eq!(s, 409, "{m}");
    let (_, a) = app.get_json(&gb, &format!("/api/v1/conduct/exams/attempts/{id}")).await;
    assert!(a["attempt"]["submitted"].as_bool().unwrap());
    assert_eq!(a["attempt"]["attempt"]["score"], 2, "the one saved answer counts");
    assert_eq!(a["attempt"]["attempt"]["submitted_at"].as_i64().unwrap(), now - 120, "stamped with the deadline");
    assert!(a["attempt"]["items"][1]["answer"].is_null(), "the late answer was not saved");
    let automatic = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'exam_attempt.submit' AND entity_id = $1").bind(id.to_string())).await.unwrap();
    assert_eq!(automatic, 1);
});

both!(papers_check_the_rule_and_the_units, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jyj = app.org_id("XW-D08").await;
    let zzb = app.org_id("XW-D03").await;
    let base = json!({"org_id": jyj, "title": "测试考试", "minutes": 20, "opens_on": "2026-01-01", "closes_on": "2026-12-31", "rules": [{"kind": "judge", "tag": "八项规定", "count": 2, "points": 5}], "pass_mark": 6, "units": [jyj]});
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/exams/papers", base.clone()).await;
    assert_eq!(s, 201, "{v}");
    // more questions than the bank holds for a type and tag
    let mut too_many = base.clone();
    too_many["rules"] = json!([{"kind": "judge", "tag": "八项规定", "count": 50, "points": 1}]);
    too_many["pass_mark"] = json!(1);
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/exams/papers", too_many).await;
    assert_eq!(s, 422);
    assert!(v["fields"]["rules"].as_str().unwrap().contains("判断·八项规定"), "{v}");
    // another unit as the organiser, as a unit taking it, a person of another unit
    for (field, value) in [("org_id", json!(zzb)), ("units", json!([zzb]))] {
        let mut b = base.clone();
        b[field] = value;
        let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/exams/papers", b).await;
        assert_eq!(s, 422, "{field}: {v}");
    }
    let outsider = app.state.db.scalar_i64(q("SELECT MIN(id) FROM people WHERE org_id = $1").bind(zzb)).await.unwrap();
    let mut b = base.clone();
    b["people"] = json!([outsider]);
    assert_eq!(app.send_json(Method::POST, &dw, "/api/v1/conduct/exams/papers", b).await.0, 422);
    // the pass mark cannot exceed the total
    let mut b = base.clone();
    b["pass_mark"] = json!(11);
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/exams/papers", b).await;
    assert_eq!(s, 422, "{v}");
    // a page form keeps what was typed
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let r = c
        .post(app.url("/conduct/exams/papers"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("org_id", &jyj.to_string()),
            ("title", "保留输入的考试"),
            ("minutes", "abc"),
            ("rules", "单选 - 1 1"),
            ("pass_mark", "1"),
            ("opens_on", "2026-01-01"),
            ("closes_on", "2026-12-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("保留输入的考试") && html.contains("考试时长（分钟）应为"), "typed input kept");
});

both!(pre_appointment_exam_is_offered_to_new_leaders, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let county = app.org_id("XW").await;
    let jyj = app.org_id("XW-D08").await;
    let today = lianzheng_store::duty::tasks::today();
    let day = |d: time::Date| lianzheng_core::duty::format_date(d);
    let (s, v) = app
        .send_json(
            Method::POST,
            &jw,
            "/api/v1/conduct/exams/papers",
            json!({"org_id": county, "title": "任前廉政考试", "kind": "pre_appointment", "minutes": 30, "opens_on": day(today), "closes_on": day(today + time::Duration::days(60)), "rules": "判断 - 2 5", "pass_mark": 6}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let paper = v["id"].as_i64().unwrap();
    // gb_jyj is no leader: not offered; once appointed 班子成员 today, offered
    let gb = app.token("gb_jyj").await;
    let offered = async || app.get_json(&gb, "/api/v1/conduct/exams/mine").await.1["items"].as_array().unwrap().iter().any(|e| e["paper"]["id"] == paper);
    assert!(!offered().await);
    let person = app.state.db.scalar_i64(q("SELECT person_id FROM users WHERE username = 'gb_jyj'")).await.unwrap();
    app.state
        .db
        .execute(q("INSERT INTO posts (person_id, org_id, kind, title, start_date, created_at) VALUES ($1, $2, 'team_member', '副局长', $3, 0)").bind(person).bind(jyj).bind(day(today - time::Duration::days(5))))
        .await
        .unwrap();
    assert!(offered().await);
    // a post begun long ago does not count
    app.state.db.execute(q("UPDATE posts SET start_date = $1 WHERE person_id = $2 AND kind = 'team_member'").bind(day(today - time::Duration::days(400))).bind(person)).await.unwrap();
    assert!(!offered().await);
});

both!(education_is_recorded_by_the_unit_and_read_above, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jyj = app.org_id("XW-D08").await;
    let zzb = app.org_id("XW-D03").await;
    let people: Vec<(i64,)> = app.state.db.fetch_all(q("SELECT id FROM people WHERE org_id = $1 ORDER BY id LIMIT 3").bind(jyj)).await.unwrap();
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    let body = json!({"org_id": jyj, "kind": "warning", "held_on": "2026-05-20", "title": "警示教育大会", "place": "会议室", "attendees": ids});
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/education", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["activity"]["attendance"], 3);
    // a person of another unit, another unit as the organiser
    let outsider = app.state.db.scalar_i64(q("SELECT MIN(id) FROM people WHERE org_id = $1").bind(zzb)).await.unwrap();
    let mut b = body.clone();
    b["attendees"] = json!([outsider]);
    assert_eq!(app.send_json(Method::POST, &dw, "/api/v1/conduct/education", b).await.0, 422);
    let mut b = body.clone();
    b["org_id"] = json!(zzb);
    assert_eq!(app.send_json(Method::POST, &dw, "/api/v1/conduct/education", b).await.0, 422);
    // the county's 纪委 reads it and may not change it, nor record for 教育局
    let jw = app.token("jw_staff").await;
    let (s, got) = app.get_json(&jw, &format!("/api/v1/conduct/education/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(got["can_edit"], false);
    let version = got["activity"]["version"].as_i64().unwrap();
    let mut edit = body.clone();
    edit["version"] = json!(version);
    edit["title"] = json!("改过的标题");
    assert_eq!(app.send_json(Method::PUT, &jw, &format!("/api/v1/conduct/education/{id}"), edit.clone()).await.0, 403);
    assert_eq!(app.send_json(Method::POST, &jw, "/api/v1/conduct/education", body.clone()).await.0, 422);
    // the unit changes it (attendance down to one)
    edit["attendees"] = json!([ids[0]]);
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/education/{id}"), edit.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["activity"]["attendance"], 1);
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/education/{id}"), edit).await.0, 409, "stale version");
    // another unit does not see it
    let other = app.state.db.scalar_i64(q("SELECT MIN(id) FROM education_activities WHERE org_id <> $1").bind(jyj)).await.unwrap_or(0);
    if other > 0 {
        assert_eq!(app.get_json(&dw, &format!("/api/v1/conduct/education/{other}")).await.0, 404);
    }
    let (_, list) = app.get_json(&dw, "/api/v1/conduct/education?year=2026").await;
    assert!(list["items"].as_array().unwrap().iter().any(|a| a["id"] == id));
    for action in ["education.create", "education.update"] {
        assert!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action)).await.unwrap() > 0);
    }
    // the page shows it with its attendance; a bad form keeps what was typed
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let html = c.get(app.url(&format!("/conduct/education/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("改过的标题") && html.contains("1 人"));
    let r = c.post(app.url("/conduct/education")).form(&[("_csrf", csrf.as_str()), ("org_id", &jyj.to_string()), ("kind", "warning"), ("held_on", "bad"), ("title", "保留的主题")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("保留的主题") && html.contains("活动日期应为日期"));
});

#[test]
fn scoring_rules() {
    use lianzheng_web::app::conduct::exams::is_correct;
    assert!(is_correct("single", "B", Some("B")));
    assert!(!is_correct("single", "B", Some("C")));
    assert!(!is_correct("single", "B", None));
    assert!(is_correct("multiple", "ACD", Some("DCA")));
    assert!(!is_correct("multiple", "ACD", Some("AC")), "all or nothing: a letter missing");
    assert!(!is_correct("multiple", "ACD", Some("ABCD")), "all or nothing: a letter too many");
    assert!(!is_correct("multiple", "ACD", Some("")));
    assert!(is_correct("judge", "错", Some("错")));
    assert!(!is_correct("judge", "错", Some("对")));
    assert!(is_correct("fill", "开除党籍", Some("  开除党籍 ")));
    assert!(!is_correct("fill", "开除党籍", Some("开除 党籍")));
}
