//! 廉政档案: the file gathers each section; 婚丧喜庆 flags appear exactly when a limit is
//! exceeded (each limit both ways, late filing both ways); a punishment's influence period on
//! both sides of its last day; need-to-know (the 纪委, the unit's 书记, the person himself,
//! nobody else); bad input answers in Chinese and changes nothing; every reading is logged.

use lianzheng_core::duty::format_date;
use lianzheng_core::sanction::add_months;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

/// The n-th person of a unit without an account.
async fn person(app: &TestApp, code: &str, n: i64) -> i64 {
    app.state
        .db
        .scalar_i64(
            lianzheng_store::q("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id LIMIT 1 OFFSET $2")
                .bind(code)
                .bind(n),
        )
        .await
        .unwrap()
}

async fn person_of(app: &TestApp, username: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT person_id FROM users WHERE username = $1").bind(username)).await.unwrap()
}

async fn count(app: &TestApp, table: &'static str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q_built(format!("SELECT COUNT(*) FROM {table}"))).await.unwrap()
}

fn day(n: i64) -> String {
    format_date(lianzheng_web::app::calendar::today() + time::Duration::days(n))
}

fn section<'a>(file: &'a Value, key: &str) -> &'a Vec<Value> {
    file["file"]["sections"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap_or_else(|| panic!("no section {key}: {file}"))["entries"].as_array().unwrap()
}

/// A report within every limit, filed 10 days ahead, with `over` applied.
fn report(person: i64, over: Value) -> Value {
    let mut b = json!({"person_id": person, "kind": "wedding_child", "event_date": day(10), "tables": 20, "guests": 200, "venue": "县城某酒店", "cost": 30000});
    for (k, v) in over.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

both!(each_family_event_flag_appears_exactly_when_a_limit_is_exceeded, |app: TestApp| async move {
    // the unit's 党务 clerk files for a person of 教育局 (defaults: 7 days ahead, 20 桌, 200 人, 丧事 5 days after)
    let dw = app.token("dw_jyj").await;
    let who = person(&app, "XW-D08", 6).await;
    let cases: Vec<(Value, Option<&str>)> = vec![
        (json!({}), None),
        (json!({"tables": 21}), Some("超过上限 20 桌")),
        (json!({"guests": 201}), Some("超过上限 200 人")),
        (json!({"clients_invited": true}), Some("邀请管理服务对象")),
        (json!({"clients_invited": "否"}), None),
        (json!({"public_venue": "on"}), Some("公共场所")),
        (json!({"public_funds": "是"}), Some("公款")),
        (json!({"event_date": day(7)}), None),
        (json!({"event_date": day(6)}), Some("未按时报告：仅提前 6 天")),
        (json!({"event_date": day(0)}), Some("未按时报告：仅提前 0 天")),
        (json!({"event_date": day(-1)}), Some("事后补报")),
        (json!({"kind": "funeral", "event_date": day(-5)}), None),
        (json!({"kind": "funeral", "event_date": day(-6)}), Some("丧事逾期报告")),
    ];
    for (over, flag) in cases {
        let body = report(who, over.clone());
        let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", body).await;
        assert_eq!(s, 201, "{over}: {v}");
        let flags: Vec<String> = v["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
        match flag {
            None => assert!(flags.is_empty(), "{over}: no flag expected, got {flags:?}"),
            Some(text) => {
                assert_eq!(flags.len(), 1, "{over}: exactly one flag, got {flags:?}");
                assert!(flags[0].contains(text), "{over}: {flags:?}");
            }
        }
    }

    // after the event: what happened counts, and 礼金 from 管理服务对象 is a flag
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(who, json!({"event_date": day(-2), "kind": "funeral"}))).await;
    assert_eq!(s, 201, "{v}");
    let id = v["event"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/conduct/archive/family-events/{id}/after"), json!({"version": 1, "tables": 22, "guests": 150, "gifts": "none", "cost": 28000})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["flags"], json!(["超出规模：实际宴请 22 桌，超过上限 20 桌"]), "{v}");
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/conduct/archive/family-events/{id}/after"), json!({"version": 2, "tables": 2, "guests": 10, "gifts": "none", "cost": 1})).await;
    assert_eq!(s, 403, "reported once");
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(who, json!({"event_date": day(-1), "kind": "funeral"}))).await;
    assert_eq!(s, 201);
    let id2 = v["event"]["id"].as_i64().unwrap();
    let (_, v) = app
        .send_json(Method::POST, &dw, &format!("/api/v1/conduct/archive/family-events/{id2}/after"), json!({"version": 1, "tables": 10, "guests": 100, "gifts": "clients", "gifts_note": "已当场退还", "cost": 20000}))
        .await;
    assert_eq!(v["flags"], json!(["收受管理服务对象礼金"]), "{v}");
    // a future event's after-report waits for its day
    let (_, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(who, json!({}))).await;
    let future = v["event"]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/conduct/archive/family-events/{future}/after"), json!({"version": 1, "tables": 1, "guests": 1, "gifts": "none", "cost": 1})).await;
    assert_eq!(s, 403, "{v}");

    // the 纪委 reviews; the list filters the flagged ones
    let jw = app.token("jw_staff").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/archive/family-events/{id}/review"), json!({"version": 2, "review": "explain"})).await;
    assert_eq!(s, 422, "需说明 says what: {v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/conduct/archive/family-events/{id}/review"), json!({"version": 2, "review": "explain", "note": "请说明超出桌数的原因"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/conduct/archive/family-events/{id}/review"), json!({"version": 3, "review": "read"})).await;
    assert_eq!(s, 403, "the 党务 clerk does not review");
    let (s, v) = app.get_json(&jw, &format!("/api/v1/conduct/archive/family-events?state=flagged&person={who}")).await;
    assert_eq!(s, 200);
    assert!(v["items"].as_array().unwrap().iter().all(|i| !i["flags"].as_array().unwrap().is_empty()), "{v}");
    assert!(!v["items"].as_array().unwrap().is_empty(), "{v}");
});

both!(a_punishment_blocks_until_the_last_day_of_its_influence_period, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (active, expired) = (person(&app, "XW-D03", 4).await, person(&app, "XW-D03", 5).await);
    let today = lianzheng_web::app::calendar::today();
    // 党纪处分·警告: 12 months; decided a year ago tomorrow → the last day is today
    let last_day_today = format_date(add_months(today, -12) + time::Duration::days(1));
    let ended_yesterday = format_date(add_months(today, -12));
    for (who, on) in [(active, &last_day_today), (expired, &ended_yesterday)] {
        let (s, v) = app
            .send_json(
                Method::POST,
                &jw,
                "/api/v1/conduct/archive/sanctions",
                json!({"person_id": who, "category": "party", "kind": "警告", "decided_on": on, "body": "县纪委", "doc_no": "X纪发〔2025〕1号", "matter": "违规收受礼金"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["sanction"]["source"], "手工登记");
    }
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{active}")).await;
    let e = &section(&f, "punishments")[0];
    assert_eq!(e["bearing"], json!({"kind": "punishment", "form": "党纪处分·警告", "until": format_date(today)}), "{f}");
    assert_eq!(e["source"]["kind"], "sanction");
    assert_eq!(f["file"]["summary"]["punishments"], 1);
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{expired}")).await;
    let e = &section(&f, "punishments")[0];
    assert_eq!(e["bearing"]["kind"], "note", "{f}");
    assert!(e["bearing"]["what"].as_str().unwrap().contains(&format!("影响期已于 {} 届满", format_date(today - time::Duration::days(1)))), "{f}");
    assert_eq!(f["file"]["summary"]["punishments"], 0);

    // 组织处理·诫勉 (6 months) lands in 问责; 留党察看 runs for its 察看期
    let (s, v) = app
        .send_json(
            Method::POST,
            &jw,
            "/api/v1/conduct/archive/sanctions",
            json!({"person_id": expired, "category": "organizational", "kind": "admonition", "decided_on": day(-30), "body": "县委组织部", "matter": "年度考核排名靠后"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app
        .send_json(
            Method::POST,
            &jw,
            "/api/v1/conduct/archive/sanctions",
            json!({"person_id": expired, "category": "party", "kind": "probation", "probation_years": 1, "decided_on": day(-400), "body": "县纪委", "matter": "违规经商"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{expired}")).await;
    assert_eq!(section(&f, "accountability")[0]["bearing"]["kind"], "punishment", "{f}");
    assert_eq!(section(&f, "accountability")[0]["bearing"]["form"], "组织处理·诫勉");
    let probation = section(&f, "punishments").iter().find(|e| e["title"].as_str().unwrap().contains("留党察看")).unwrap();
    assert_eq!(probation["bearing"]["kind"], "note", "察看期 one year, decided 400 days ago: {f}");

    // the setting changes the period at once (one setting for every module)
    app.state.settings.replace([("sanction_periods".to_string(), "党纪处分·警告=24".to_string())].into_iter().collect());
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{expired}")).await;
    assert_eq!(section(&f, "punishments").iter().find(|e| e["title"] == "党纪处分·警告").unwrap()["bearing"]["kind"], "punishment", "{f}");
});

both!(a_file_is_read_by_the_commission_the_secretary_and_the_person_only, |app: TestApp| async move {
    let inside = person(&app, "XW-D08", 0).await;
    let outside = person(&app, "XW-D03", 0).await;
    let reads = || async { app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read'")).await.unwrap() };
    let before = reads().await;
    for (user, id, status) in [
        ("jw_staff", inside, 200),
        ("jw_staff", outside, 200),
        ("sj_jyj", inside, 200),
        ("sj_jyj", outside, 403),
        ("dw_jyj", inside, 403),
        ("bz_jyj", inside, 403),
        ("gb_jyj", inside, 403),
        ("jcz", inside, 403),
        ("gb_jyj", 99_999_999, 403),
        ("jw_staff", 99_999_999, 404),
    ] {
        let t = app.token(user).await;
        let (s, v) = app.get_json(&t, &format!("/api/v1/conduct/archive/{id}")).await;
        assert_eq!(s, status, "{user} reading {id}: {v}");
        let (s, _) = app.client().get(app.url(&format!("/conduct/archive/{id}"))).bearer_auth(&t).send().await.map(|r| (r.status().as_u16(), ())).unwrap();
        assert_eq!(s, status, "{user}: the page answers the same");
    }
    assert_eq!(reads().await, before + 3 * 2, "every reading (API and page) is in the audit log");
    // a 一般干部 reads his own file, not a colleague's (王建国, 刘志强)
    let gb = app.token("gb_jyj").await;
    let me = person_of(&app, "gb_jyj").await;
    assert_eq!(app.get_json(&gb, &format!("/api/v1/conduct/archive/{me}")).await.0, 200);
    for colleague in ["sj_jyj", "bz_jyj"] {
        let id = person_of(&app, colleague).await;
        assert_eq!(app.get_json(&gb, &format!("/api/v1/conduct/archive/{id}")).await.0, 403, "{colleague}");
    }
    // the list: the 书记 sees his unit's people only, the 一般干部 only himself
    let sj = app.token("sj_jyj").await;
    let (s, v) = app.get_json(&sj, "/api/v1/conduct/archive?size=200").await;
    assert_eq!(s, 200);
    let ids: Vec<i64> = v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&inside) && !ids.contains(&outside), "{v}");
    let (_, v) = app.get_json(&gb, "/api/v1/conduct/archive").await;
    assert_eq!(v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![me]);
    // a report of another unit's person is not the clerk's to file, nor a colleague's to read
    let dw = app.token("dw_jyj").await;
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(outside, json!({}))).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["person_id"].is_string());
    let (s, v) = app.send_json(Method::POST, &gb, "/api/v1/conduct/archive/family-events", report(inside, json!({}))).await;
    assert_eq!(s, 422, "a 一般干部 files only his own: {v}");
    let (_, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(inside, json!({}))).await;
    let id = v["event"]["id"].as_i64().unwrap();
    assert_eq!(app.get_json(&gb, &format!("/api/v1/conduct/archive/family-events/{id}")).await.0, 403);
    assert_eq!(app.get_json(&sj, &format!("/api/v1/conduct/archive/family-events/{id}")).await.0, 200);
    let zz = app.token("jw_staff").await;
    assert_eq!(app.get_json(&zz, &format!("/api/v1/conduct/archive/family-events/{id}")).await.0, 200);
    // 处分 are the 纪委's to register
    let (s, _) = app.send_json(Method::POST, &sj, "/api/v1/conduct/archive/sanctions", json!({"person_id": inside, "category": "party", "kind": "warning", "decided_on": day(-1), "body": "县纪委", "matter": "x"})).await;
    assert_eq!(s, 403);
});

both!(the_file_gathers_every_section_with_its_sources, |app: TestApp| async move {
    // 赵晓燕 (gb_jyj) files her own report and a personal matter, then reads her file
    let gb = app.token("gb_jyj").await;
    let (s, v) = app.send_json(Method::POST, &gb, "/api/v1/conduct/archive/family-events", json!({"kind": "wedding_self", "event_date": day(14), "tables": 12, "guests": 120, "venue": "家中", "cost": 20000})).await;
    assert_eq!(s, 201, "{v}");
    assert!(v["event"]["filed_by"].as_str().unwrap().contains("本人"));
    let (s, v) = app.send_json(Method::POST, &gb, "/api/v1/conduct/archive/matters", json!({"kind": "abroad", "happened_on": day(-20), "content": "因私赴澳门旅游三天"})).await;
    assert_eq!(s, 201, "{v}");
    let me = person_of(&app, "gb_jyj").await;
    let (s, f) = app.get_json(&gb, &format!("/api/v1/conduct/archive/{me}")).await;
    assert_eq!(s, 200, "{f}");
    let keys: Vec<&str> = f["file"]["sections"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["posts", "talks", "inquiries", "exams", "duty_reports", "family_events", "personal_matters", "punishments", "accountability"]);
    assert_eq!(f["file"]["person"]["name"], "赵晓燕");
    assert!(!section(&f, "posts").is_empty(), "{f}");
    assert!(!section(&f, "talks").is_empty(), "the demo's 教育局 talk: {f}");
    assert_eq!(section(&f, "family_events")[0]["bearing"], json!({"kind": "clean"}));
    assert!(section(&f, "family_events")[0]["link"].as_str().unwrap().starts_with("/conduct/archive/family-events/"));
    assert_eq!(section(&f, "personal_matters")[0]["source"]["kind"], "personal_matter");

    // a person of the demo: 函询 (concluded), 提醒谈话, an exam taken; the 纪委 adds a 处分
    let jw = app.token("jw_staff").await;
    let who = person(&app, "XW-D08", 0).await;
    let (s, _) = app
        .send_json(Method::POST, &jw, "/api/v1/conduct/archive/sanctions", json!({"person_id": who, "category": "government", "kind": "记过", "decided_on": day(-10), "body": "县监委", "matter": "违规发放津补贴"}))
        .await;
    assert_eq!(s, 201);
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{who}")).await;
    assert!(section(&f, "inquiries").len() >= 2, "{f}");
    assert!(section(&f, "inquiries").iter().all(|e| e["link"].as_str().unwrap().starts_with("/conduct/inquiries/")));
    assert_eq!(section(&f, "exams").len(), 1, "{f}");
    assert_eq!(section(&f, "exams")[0]["source"]["kind"], "exam_attempt");
    assert_eq!(section(&f, "punishments")[0]["bearing"]["form"], "政务处分·记过");
    // the demo's open 函询 is an open matter in its person's file
    let open = person(&app, "XW-D08", 1).await;
    let (_, f) = app.get_json(&jw, &format!("/api/v1/conduct/archive/{open}")).await;
    assert_eq!(section(&f, "inquiries")[0]["bearing"]["kind"], "open_matter", "{f}");
    // the page shows the sections as cards, and the print view too
    let (c, _) = app.sign_in("jw_staff").await;
    for path in [format!("/conduct/archive/{who}"), format!("/conduct/archive/{who}/print")] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("任职经历") && html.contains("政务处分·记过") && html.contains("影响期内"), "{path}");
    }
    // 赵晓燕 reaches her own file from 履责
    let (c, _) = app.sign_in("gb_jyj").await;
    let html = c.get(app.url("/conduct/archive/mine")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("我的廉政档案") && html.contains("因私赴澳门旅游三天"), "{html}");
    // and 王建国's own file holds nothing against him
    let sj = app.token("sj_jyj").await;
    let me = person_of(&app, "sj_jyj").await;
    let (_, f) = app.get_json(&sj, &format!("/api/v1/conduct/archive/{me}")).await;
    assert_eq!(f["file"]["summary"], json!({"punishments": 0, "open_matters": 0, "flags": 0, "notes": 0}), "{f}");
});

both!(bad_archive_input_gets_chinese_errors_and_changes_nothing, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let gb = app.token("gb_jyj").await;
    let who = person(&app, "XW-D08", 6).await;
    let (events, sanctions, matters) = (count(&app, "family_events").await, count(&app, "sanctions").await, count(&app, "personal_matters").await);
    for (over, field) in [
        (json!({"kind": "生日"}), "kind"),
        (json!({"kind": "other", "kind_note": ""}), "kind_note"),
        (json!({"event_date": "2026-02-30"}), "event_date"),
        (json!({"event_date": day(800)}), "event_date"),
        (json!({"tables": -1}), "tables"),
        (json!({"guests": "很多"}), "guests"),
        (json!({"venue": ""}), "venue"),
        (json!({"venue": "地".repeat(101)}), "venue"),
        (json!({"cost": "1e9"}), "cost"),
        (json!({"clients_invited": "也许"}), "clients_invited"),
        (json!({"person_id": "abc"}), "person_id"),
    ] {
        let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", report(who, over.clone())).await;
        assert_eq!(s, 422, "{over}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "a Chinese message at {field}: {v}");
    }
    for (body, field) in [
        (json!({"person_id": who, "category": "罚款", "kind": "警告", "decided_on": day(-1), "body": "县纪委", "matter": "x"}), "category"),
        (json!({"person_id": who, "category": "party", "kind": "记过", "decided_on": day(-1), "body": "县纪委", "matter": "x"}), "kind"),
        (json!({"person_id": who, "category": "party", "kind": "probation", "probation_years": 3, "decided_on": day(-1), "body": "县纪委", "matter": "x"}), "probation_years"),
        (json!({"person_id": who, "category": "party", "kind": "warning", "decided_on": day(1), "body": "县纪委", "matter": "x"}), "decided_on"),
        (json!({"person_id": who, "category": "party", "kind": "warning", "decided_on": day(-1), "body": "", "matter": "x"}), "body"),
        (json!({"person_id": 99_999_999, "category": "party", "kind": "warning", "decided_on": day(-1), "body": "县纪委", "matter": "x"}), "person_id"),
    ] {
        let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/archive/sanctions", body.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "{field}: {v}");
    }
    for (body, field) in [
        (json!({"kind": "股票", "content": "x"}), "kind"),
        (json!({"kind": "property", "content": ""}), "content"),
        (json!({"kind": "property", "content": "x", "year": 1999}), "year"),
        (json!({"kind": "property", "content": "x", "happened_on": day(3)}), "happened_on"),
    ] {
        let (s, v) = app.send_json(Method::POST, &gb, "/api/v1/conduct/archive/matters", body.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(v["fields"][field].as_str().is_some_and(|m| !m.is_ascii()), "{field}: {v}");
    }
    let (s, _) = app.send_json(Method::POST, &dw, "/api/v1/conduct/archive/family-events", json!("not an object")).await;
    assert_eq!(s, 422);
    assert_eq!((count(&app, "family_events").await, count(&app, "sanctions").await, count(&app, "personal_matters").await), (events, sanctions, matters), "nothing was stored");
    // the page form keeps what was typed
    let (c, csrf) = app.sign_in("gb_jyj").await;
    let r = c
        .post(app.url("/conduct/archive/family-events"))
        .form(&[("_csrf", csrf.as_str()), ("kind", "wedding_self"), ("event_date", &day(20)), ("tables", "十桌"), ("guests", "80"), ("venue", "县城东方酒店"), ("cost", "20000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("县城东方酒店") && html.contains("宴请桌数应为"), "{html}");
    assert_eq!(count(&app, "family_events").await, events);
});

both!(the_after_report_waits_in_the_persons_todo, |app: TestApp| async move {
    let gb = app.token("gb_jyj").await;
    let (s, v) = app.send_json(Method::POST, &gb, "/api/v1/conduct/archive/family-events", json!({"kind": "housewarming", "event_date": day(-2), "tables": 5, "guests": 50, "venue": "家中", "cost": 5000})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["event"]["id"].as_i64().unwrap();
    let todo_count = |v: &Value, kind: &str| v["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).map(|i| i["count"].as_i64().unwrap()).sum::<i64>();
    let (_, todo) = app.get_json(&gb, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.family_event_after"), 1, "{todo}");
    let (s, v) = app.send_json(Method::POST, &gb, &format!("/api/v1/conduct/archive/family-events/{id}/after"), json!({"version": 1, "tables": 5, "guests": 48, "gifts": "relatives", "cost": 5200})).await;
    assert_eq!(s, 200, "{v}");
    let (_, todo) = app.get_json(&gb, "/api/v1/todo").await;
    assert_eq!(todo_count(&todo, "conduct.family_event_after"), 0, "{todo}");
    let jw = app.token("jw_staff").await;
    let (_, todo) = app.get_json(&jw, "/api/v1/todo").await;
    assert!(todo_count(&todo, "conduct.family_event_review") >= 4, "the demo's three and this one: {todo}");
});
