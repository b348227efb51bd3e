//! 履责纪实: a unit records its duty acts and sees them counted; the entry window and 补录;
//! higher levels read but never edit; another unit's ids in the path and the body are refused;
//! a stale version answers 409; bad input answers a Chinese 4xx with nothing written; audit.

use lianzheng_store::{q, q_built};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn today() -> time::Date {
    lianzheng_store::duty::tasks::today()
}

fn ymd(d: time::Date) -> String {
    lianzheng_core::duty::format_date(d)
}

async fn records(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM duty_records")).await.unwrap()
}

/// A person of a unit (by code) without an account, and one with the name given.
async fn person_of(app: &TestApp, code: &str) -> i64 {
    let path = lianzheng_store::org::get_by_code(&app.state.db, code).await.unwrap().unwrap().path;
    app.state.db.scalar_i64(q_built(format!("SELECT MIN(id) FROM people WHERE org_path = '{path}'"))).await.unwrap()
}

async fn person_named(app: &TestApp, name: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT MIN(id) FROM people WHERE name = $1").bind(name)).await.unwrap()
}

/// A filed list item of a unit's lists of this year.
async fn item_of(app: &TestApp, code: &str) -> i64 {
    let org = app.org_id(code).await;
    let year = i64::from(today().year());
    app.state.db.scalar_i64(q("SELECT MIN(i.id) FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.org_id = $1 AND l.year = $2 AND l.status IN ('submitted', 'accepted')").bind(org).bind(year)).await.unwrap()
}

fn meeting(date: &str, participants: Vec<i64>) -> Value {
    json!({
        "kind": "会议", "sub_kind": "党组会专题研究", "title": "党组会专题研究党风廉政建设", "act_date": date, "place": "局三楼会议室",
        "leader": "王建国（党组书记）", "content": "研究部署本季度党风廉政建设工作。", "decisions": "开展专项检查。", "participants": participants,
    })
}

both!(a_unit_records_and_sees_it_counted, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let gb = app.token("gb_jyj").await;
    let today = ymd(today());
    let year = i64::from(crate::conduct_records::today().year());
    let (_, before) = app.get_json(&dw, &format!("/api/v1/conduct/counts?year={year}")).await;
    let group_study = |v: &Value| v["kinds"].as_array().unwrap().iter().find(|k| k["sub_kind"] == "group_study").unwrap()["total"].as_i64().unwrap();
    let n0 = group_study(&before);

    let zhao = person_named(&app, "赵晓燕").await;
    let other = person_of(&app, "XW-D08").await;
    let item = item_of(&app, "XW-D08").await;
    let mut body = meeting(&today, vec![zhao, other]);
    body["items"] = json!([item]);
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", body).await;
    assert_eq!(s, 201, "{v}");
    let r = &v["record"];
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["kind"], "meeting");
    assert_eq!(r["sub_kind"], "group_study");
    assert_eq!(r["late"], false);
    assert_eq!(r["entered_on"], today.as_str());
    assert!(r["leader_id"].as_i64().is_some(), "the leader named is found among the unit's people: {r}");

    // read back: people, the list item, editable by its own unit
    let (s, d) = app.get_json(&dw, &format!("/api/v1/conduct/records/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["can_edit"], true);
    assert_eq!(d["kind_label"], "会议·党组会专题研究");
    let names: Vec<&str> = d["people"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"王建国") && names.contains(&"赵晓燕"), "{names:?}");
    assert_eq!(d["list_items"][0]["item_id"], item);

    // listed, and counted per kind, unit and person
    let (_, l) = app.get_json(&dw, &format!("/api/v1/conduct/records?year={year}&kind=meeting&sub_kind=group_study")).await;
    assert!(l["items"].as_array().unwrap().iter().any(|i| i["record"]["id"] == id));
    assert!(l["items"].as_array().unwrap().iter().all(|i| i["record"]["sub_kind"] == "group_study"));
    let (_, c) = app.get_json(&jw, &format!("/api/v1/conduct/counts?year={year}")).await;
    assert_eq!(group_study(&c), n0 + 1, "the county sees the unit's record counted");
    let edu = app.org_id("XW-D08").await;
    assert!(c["units"].as_array().unwrap().iter().any(|u| u["org_id"] == edu && u["total"].as_i64().unwrap() >= 1));
    assert!(c["people"].as_array().unwrap().iter().any(|p| p["person_id"] == zhao));
    let (_, l) = app.get_json(&jw, &format!("/api/v1/conduct/records?year={year}&person={zhao}")).await;
    assert!(l["items"].as_array().unwrap().iter().any(|i| i["record"]["id"] == id), "drill-down by person");

    // the unit sees only itself; the county sees the unit too
    let (_, c) = app.get_json(&dw, &format!("/api/v1/conduct/counts?year={year}")).await;
    let root = app.org_id("XW").await;
    assert!(c["units"].as_array().unwrap().iter().all(|u| u["org_id"] != root), "a unit's counts hold no higher unit");

    // a 一般干部 reads the records he took part in, not the others
    let (s, _) = app.get_json(&gb, &format!("/api/v1/conduct/records/{id}")).await;
    assert_eq!(s, 200, "赵晓燕 took part");
    let (_, l) = app.get_json(&gb, &format!("/api/v1/conduct/records?year={year}")).await;
    for i in l["items"].as_array().unwrap() {
        let rid = i["record"]["id"].as_i64().unwrap();
        let took = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM duty_record_people WHERE record_id = $1 AND person_id = $2").bind(rid).bind(zhao)).await.unwrap();
        assert!(took > 0, "gb_jyj lists record {rid} he had no part in");
    }

    // the page: 概览 counts with links to the records, the record shows its people
    let (c, _) = app.sign_in("dw_jyj").await;
    let html = c.get(app.url(&format!("/conduct?year={year}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("党组会专题研究") && html.contains(&format!("/conduct/records?year={year}&kind=meeting&sub_kind=group_study")),
        "概览 links to the records: {}",
        html.split("group_study").next().unwrap_or("").chars().rev().take(300).collect::<String>()
    );
    let html = c.get(app.url(&format!("/conduct/records/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("赵晓燕") && html.contains("/conduct/records/") && html.contains("修改"));

    // audited, with a label
    let (action, entity_id): (String, Option<String>) = app.state.db.fetch_one(q("SELECT action, entity_id FROM audit_log WHERE entity = 'duty_record' ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!((action.as_str(), entity_id), ("duty_record.create", Some(id.to_string())));
    assert_eq!(lianzheng_core::audit_labels::label("duty_record.create"), Some("录入履责纪实"));
    assert_eq!(lianzheng_core::audit_labels::entity_label("duty_record"), Some("履责纪实"));
});

both!(after_the_window_a_record_is_a_late_entry_with_its_reason, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let last_year = i64::from(today().year()) - 1;
    let date = format!("{last_year}-02-10");
    let n = records(&app).await;
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", meeting(&date, vec![])).await;
    assert_eq!(s, 422, "{v}");
    let msg = v["fields"]["late_reason"].as_str().unwrap_or_default();
    assert!(msg.contains("截止录入") && msg.contains("补录原因"), "{v}");
    assert_eq!(records(&app).await, n, "nothing written");

    let mut body = meeting(&date, vec![]);
    body["late_reason"] = json!("会议纪要归档滞后");
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", body).await;
    assert_eq!(s, 201, "{v}");
    let r = &v["record"];
    assert_eq!(r["late"], true);
    assert_eq!(r["late_reason"], "会议纪要归档滞后");
    assert_eq!(r["entered_on"], ymd(today()).as_str());
    assert_eq!((r["year"].as_i64(), r["quarter"].as_i64()), (Some(last_year), Some(1)));
    let id = r["id"].as_i64().unwrap();
    let (_, l) = app.get_json(&dw, &format!("/api/v1/conduct/records?year={last_year}&late=1")).await;
    assert!(l["items"].as_array().unwrap().iter().any(|i| i["record"]["id"] == id));
    let (c, _) = app.sign_in("dw_jyj").await;
    let html = c.get(app.url(&format!("/conduct/records?year={last_year}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("补录</span>"), "listed with a tag");
    let html = c.get(app.url(&format!("/conduct/records/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("会议纪要归档滞后"));

    // a change after the window needs a reason too
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/records/{id}"), json!({"kind": "学习", "title": "改为学习", "act_date": date, "content": "x", "version": r["version"]})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["late_reason"].is_string());
});

both!(higher_levels_read_but_never_edit, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let jw = app.token("jw_staff").await;
    let (_, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", meeting(&ymd(today()), vec![])).await;
    let id = v["record"]["id"].as_i64().unwrap();
    let version = v["record"]["version"].as_i64().unwrap();

    // the county 纪委's clerk reads the unit's record, and may not change it
    let (s, d) = app.get_json(&jw, &format!("/api/v1/conduct/records/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["can_edit"], false);
    let mut edit = meeting(&ymd(today()), vec![]);
    edit["version"] = json!(version);
    edit["title"] = json!("上级改的");
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/conduct/records/{id}"), edit.clone()).await;
    assert_eq!(s, 403);
    let (s, _) = app.send_json(Method::DELETE, &jw, &format!("/api/v1/conduct/records/{id}"), json!({})).await;
    assert_eq!(s, 403);
    let (c, csrf) = app.sign_in("jw_staff").await;
    let r = c
        .post(app.url(&format!("/conduct/records/{id}")))
        .form(&[("_csrf", csrf.as_str()), ("title", "上级改的"), ("kind", "study"), ("content", "x"), ("act_date", &ymd(today())), ("version", &version.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c.get(app.url(&format!("/conduct/records/{id}/edit"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let html = c.get(app.url(&format!("/conduct/records/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("上级单位只能查阅") && !html.contains(&format!("/conduct/records/{id}/edit")));
    // nor record for a unit below: only for its own
    let mut body = meeting(&ymd(today()), vec![]);
    body["org_id"] = json!(app.org_id("XW-D08").await);
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/conduct/records", body).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["org_id"].as_str().unwrap().contains("本单位"));
    let title: String = app.state.db.fetch_one::<(String,)>(q("SELECT title FROM duty_records WHERE id = $1").bind(id)).await.unwrap().0;
    assert_eq!(title, "党组会专题研究党风廉政建设");

    // the unit: another unit's record in the path is not found; other units' ids in the body are refused
    let outside = app.state.db.scalar_i64(q("SELECT MIN(id) FROM duty_records WHERE org_id = $1").bind(app.org_id("XW").await)).await.unwrap();
    assert_eq!(app.get_json(&dw, &format!("/api/v1/conduct/records/{outside}")).await.0, 404);
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/records/{outside}"), edit.clone()).await.0, 404);
    assert_eq!(app.send_json(Method::DELETE, &dw, &format!("/api/v1/conduct/records/{outside}"), json!({})).await.0, 404);
    let n = records(&app).await;
    let stranger = person_of(&app, "XW-D03").await;
    let foreign_item = item_of(&app, "XW-D02").await;
    for (field, value) in [("participants", json!([stranger])), ("items", json!([foreign_item])), ("org_id", json!(app.org_id("XW-D03").await))] {
        let mut body = meeting(&ymd(today()), vec![]);
        body[field] = value.clone();
        let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", body).await;
        assert_eq!(s, 422, "{field}: {v}");
        assert!(v["fields"][field].is_string(), "{field}: {v}");
        let mut edit = edit.clone();
        edit[field] = value;
        let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/records/{id}"), edit).await;
        assert_eq!(s, 422, "{field}: {v}");
    }
    assert_eq!(records(&app).await, n, "nothing written");
});

both!(a_stale_version_conflicts, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let sj = app.token("sj_jyj").await;
    let (_, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", meeting(&ymd(today()), vec![])).await;
    let id = v["record"]["id"].as_i64().unwrap();
    let mut edit = meeting(&ymd(today()), vec![]);
    edit["version"] = json!(1);
    edit["title"] = json!("第一次修改");
    let (s, v) = app.send_json(Method::PUT, &sj, &format!("/api/v1/conduct/records/{id}"), edit.clone()).await;
    assert_eq!(s, 200, "the unit's 书记 edits its record: {v}");
    assert_eq!(v["record"]["version"], 2);
    edit["title"] = json!("第二次修改");
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/records/{id}"), edit.clone()).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已被他人修改"), "{v}");
    edit.as_object_mut().unwrap().remove("version");
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/conduct/records/{id}"), edit).await;
    assert_eq!(s, 409, "{v}");
    let title: String = app.state.db.fetch_one::<(String,)>(q("SELECT title FROM duty_records WHERE id = $1").bind(id)).await.unwrap().0;
    assert_eq!(title, "第一次修改");
    let (action,): (String,) = app.state.db.fetch_one(q("SELECT action FROM audit_log WHERE entity = 'duty_record' ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(action, "duty_record.update");
    // deletion is audited too
    let (s, _) = app.send_json(Method::DELETE, &dw, &format!("/api/v1/conduct/records/{id}"), json!({})).await;
    assert_eq!(s, 200);
    let (action,): (String,) = app.state.db.fetch_one(q("SELECT action FROM audit_log WHERE entity = 'duty_record' ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(action, "duty_record.delete");
    assert_eq!(app.get_json(&dw, &format!("/api/v1/conduct/records/{id}")).await.0, 404);
});

both!(bad_input_is_refused_in_chinese_with_nothing_written, |app: TestApp| async move {
    let dw = app.token("dw_jyj").await;
    let n = records(&app).await;
    let tomorrow = ymd(today() + time::Duration::days(1));
    let foreign_item = item_of(&app, "XW-D02").await;
    let cases: Vec<(&str, Value)> = vec![
        ("act_date", json!({"act_date": tomorrow})),
        ("act_date", json!({"act_date": "2026-13-40"})),
        ("kind", json!({"kind": "宴请"})),
        ("sub_kind", json!({"sub_kind": ""})),
        ("title", json!({"title": "题".repeat(101)})),
        ("content", json!({"content": "文".repeat(5001)})),
        ("content", json!({"content": ""})),
        ("items", json!({"items": [foreign_item]})),
        ("participants", json!({"participants": ["abc"]})),
    ];
    for (field, patch) in cases {
        let mut body = meeting(&ymd(today()), vec![]);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/conduct/records", body).await;
        assert_eq!(s, 422, "{field}: {v}");
        let msg = v["fields"][field].as_str().unwrap_or_else(|| panic!("{field}: {v}"));
        assert!(msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese message for {field}: {msg}");
    }
    // the page keeps what was typed
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let r = c
        .post(app.url("/conduct/records"))
        .form(&[("_csrf", csrf.as_str()), ("kind", "meeting"), ("sub_kind", "group_study"), ("title", "保留的主题"), ("act_date", &tomorrow), ("content", "保留的内容")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("保留的主题") && html.contains("保留的内容") && html.contains("不能晚于今天"));
    assert_eq!(records(&app).await, n, "nothing written");
});
