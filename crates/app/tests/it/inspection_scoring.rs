//! 考责 — 评分标准 and scores (issue 10, items 3 and 4): the unit's self-score and its
//! deadline, inspectors' sheets with points computed from the items (deductions capped at the
//! indicator's maximum), a stale save answered 409 with the typed input kept, the leader's
//! reconciliation of differing inspectors, a veto forcing 差, the organiser's approval locking
//! every score, results by need-to-know, XLSX/DOCX; the standard's copy, XLSX round trip and
//! import errors (row and field named, nothing written, a small file declaring a million rows
//! refused); another unit's ids answered 404.

use lianzheng_core::org::Role;
use lianzheng_docs::xlsx::{Column, Table, write_tables};
use lianzheng_store::audit::Actor;
use lianzheng_store::q;
use lianzheng_store::users::{self, UserInput};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp, with_dimension};

async fn demo_campaign(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT MIN(id) FROM inspection_campaigns")).await.unwrap()
}

async fn unit_row(app: &TestApp, campaign: i64, code: &str) -> i64 {
    app.state.db.scalar_i64(q("SELECT u.id FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 AND o.code = $2").bind(campaign).bind(code)).await.unwrap()
}

/// An account (Inspector over the county) for a person of the demo's first group.
async fn account_for(app: &TestApp, username: &str, person: i64) {
    let hash = app.state.hasher.hash(PW).unwrap();
    let actor = Actor::system("评分测试");
    let xw = app.org_id("XW").await;
    let mut tx = app.state.db.begin().await.unwrap();
    let uid = users::create(
        &mut tx,
        &actor,
        &UserInput { username: username.into(), display_name: username.into(), person_id: Some(lianzheng_core::ids::PersonId::new(person)), org_id: Some(lianzheng_core::ids::OrgId::new(xw)) },
        &hash,
        false,
    )
    .await
    .unwrap();
    users::add_grant(&mut tx, &actor, uid, Role::Inspector, Some(lianzheng_core::ids::OrgId::new(xw))).await.unwrap();
    tx.commit().await.unwrap();
}

/// The first group's leader and a member (the group that checks 组织部 and 教育局).
async fn first_group(app: &TestApp, unit: i64) -> (i64, i64) {
    let (leader, g): (i64, i64) = app.state.db.fetch_one(q("SELECT g.leader_id, g.id FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id WHERE u.id = $1").bind(unit)).await.unwrap();
    let member = app.state.db.scalar_i64(q("SELECT MIN(person_id) FROM inspection_group_members WHERE group_id = $1").bind(g)).await.unwrap();
    (leader, member)
}

fn leaf<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["indicators"].as_array().unwrap().iter().find(|n| n["name"] == name && n["leaf"] == true).unwrap_or_else(|| panic!("no indicator {name}"))
}

fn item(n: &Value, starts: &str) -> i64 {
    n["items"].as_array().unwrap().iter().find(|i| i["text"].as_str().unwrap().starts_with(starts)).unwrap_or_else(|| panic!("no item {starts}"))["id"].as_i64().unwrap()
}

fn row_version(sheet: &Value, indicator: i64) -> i64 {
    sheet["rows"][indicator.to_string()]["row"]["version"].as_i64().unwrap()
}

async fn score_count(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM inspection_scores")).await.unwrap()
}

both!(units_and_inspectors_score_the_leader_reconciles_and_approval_locks, |app: TestApp| async move {
    let c = demo_campaign(&app).await;
    let jyj = unit_row(&app, c, "XW-D08").await;
    let zzb = unit_row(&app, c, "XW-D03").await;
    let (leader, member) = first_group(&app, jyj).await;
    account_for(&app, "t_leader", leader).await;
    account_for(&app, "t_member", member).await;
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let bz = app.token("bz_jyj").await;
    let tl = app.token("t_leader").await;
    let tm = app.token("t_member").await;
    let jcz = app.token("jcz").await;

    // the unit reads its sheet with the campaign's standard
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}/scores")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total_max_tenths"], 1000, "the demo standard is out of 100");
    assert!(v["self"].is_null() && v["inspectors"].as_array().unwrap().is_empty());
    let yt = leaf(&v, "廉政约谈");
    let yt_id = yt["id"].as_i64().unwrap();
    let (collective, signature, none) = (item(yt, "集中约谈"), item(yt, "约谈记录无"), item(yt, "未开展个别约谈"));
    let veto_n = leaf(&v, "一票否决");
    let veto_id = veto_n["id"].as_i64().unwrap();
    let veto = item(veto_n, "对重大问题迟报");
    // another unit's row: 404, in the path of a read and of a write
    assert_eq!(app.get_json(&dw, &format!("/api/v1/inspection/units/{zzb}/scores")).await.0, 404);
    let (s, _) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{zzb}/scores/self"), json!({"rows": [{"indicator_id": yt_id, "items": []}]})).await;
    assert_eq!(s, 404);

    // self-score: deductions beyond the maximum stop at zero (8 points: 4 + 2 + 5×1 deducted)
    let before = app.audit_count().await;
    let (s, v) = app
        .send_json(
            Method::PUT,
            &dw,
            &format!("/api/v1/inspection/units/{jyj}/scores/self"),
            json!({"rows": [{"indicator_id": yt_id, "items": [{"item_id": none, "count": 1}, {"item_id": collective, "count": 1}, {"item_id": signature, "count": 5}], "reason": "自查"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["self"]["rows"][yt_id.to_string()]["row"]["points_tenths"], 0, "capped at the indicator's maximum");
    assert_eq!(v["self"]["total"]["points"], 920);
    assert!(app.audit_count().await > before, "audited");
    // points are never typed: an item of another indicator is refused
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{jyj}/scores/self"), json!({"rows": [{"indicator_id": yt_id, "items": [{"item_id": veto, "count": 1}]}]})).await;
    assert_eq!(s, 422, "{v}");
    // a team member is not the unit's 党务 staff; the unit does not score as an inspector
    assert_eq!(app.send_json(Method::PUT, &bz, &format!("/api/v1/inspection/units/{jyj}/scores/self"), json!({"rows": []})).await.0, 403);
    assert_eq!(app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{jyj}/scores/inspector"), json!({"rows": []})).await.0, 403);
    // 陈立新 is in the other group: he does not see 教育局's sheets nor score it
    let (s, v) = app.get_json(&jcz, &format!("/api/v1/inspection/units/{jyj}/scores")).await;
    assert!(s == 404 || (s == 200 && v["inspectors"].as_array().unwrap().is_empty() && v["self"].is_null()), "{s} {v}");
    assert_eq!(app.send_json(Method::PUT, &jcz, &format!("/api/v1/inspection/units/{jyj}/scores/inspector"), json!({"rows": []})).await.0 / 100, 4);

    // two inspectors: a deduction needs its reason; they differ on 廉政约谈, agree on the veto
    let url = format!("/api/v1/inspection/units/{jyj}/scores/inspector");
    let (s, v) = app.send_json(Method::PUT, &tl, &url, json!({"rows": [{"indicator_id": yt_id, "items": [{"item_id": collective, "count": 1}]}]})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"][format!("r_{yt_id}")].as_str().unwrap().contains("理由"), "{v}");
    let (s, v) = app
        .send_json(
            Method::PUT,
            &tl,
            &url,
            json!({"rows": [{"indicator_id": yt_id, "items": [{"item_id": collective, "count": 1}], "reason": "集中约谈3次、个别约谈1次"}, {"indicator_id": veto_id, "items": [veto], "reason": "瞒报信访问题"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let mine = v["inspectors"].as_array().unwrap().iter().find(|s| s["scorer_id"] == leader).unwrap().clone();
    assert_eq!(mine["rows"][yt_id.to_string()]["row"]["points_tenths"], 60);
    let v1 = row_version(&mine, yt_id);
    let (s, v) = app
        .send_json(
            Method::PUT,
            &tm,
            &url,
            json!({"rows": [{"indicator_id": yt_id, "items": [{"item_id": collective, "count": 1}, {"item_id": signature, "count": 2}], "reason": "另有2份记录无签名"}, {"indicator_id": veto_id, "items": [veto], "reason": "瞒报"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    // simultaneous edits of one row: the second save with the old version is 409, nothing saved
    let (s, v) = app.send_json(Method::PUT, &tl, &url, json!({"rows": [{"indicator_id": yt_id, "version": v1, "items": [{"item_id": collective, "count": 1}], "reason": "集中约谈3次，个别约谈仅1次"}]})).await;
    assert_eq!(s, 200, "{v}");
    let n = score_count(&app).await;
    let (s, v) = app.send_json(Method::PUT, &tl, &url, json!({"rows": [{"indicator_id": yt_id, "version": v1, "items": [{"item_id": collective, "count": 2}], "reason": "另一窗口"}]})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已被他人修改"), "{v}");
    assert_eq!(score_count(&app).await, n);
    // the page keeps what was typed
    let (browser, csrf) = app.sign_in("t_leader").await;
    let form = [("_csrf", csrf.as_str()), (&format!("v_{yt_id}"), &v1.to_string()), (&format!("c_{collective}"), "3"), (&format!("r_{yt_id}"), "页面上输入的理由")];
    let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, *b)).collect();
    let r = browser.post(app.url(&format!("/inspection/units/{jyj}/scores/inspector"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("页面上输入的理由") && html.contains("已被他人修改"), "the typed input is kept");

    // the leader's page: the inspectors side by side, 廉政约谈 differs, 1 pending
    let (s, v) = app.get_json(&tl, &format!("/api/v1/inspection/units/{jyj}/scores")).await;
    assert_eq!(s, 200, "{v}");
    let cmp = v["compare"].as_array().unwrap().iter().find(|x| x["indicator_id"] == yt_id).unwrap();
    assert_eq!(cmp["differ"], true);
    assert!(cmp["reconciled"].is_null());
    assert_eq!(v["pending"], 1);
    assert!(v["reconciled"].is_null());
    let html = browser.get(app.url(&format!("/inspection/units/{jyj}/reconcile"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("不一致"), "differences marked");
    // only the leader reconciles, and with a reason where they differ
    let fin = format!("/api/v1/inspection/units/{jyj}/scores/final");
    assert_eq!(app.send_json(Method::PUT, &tm, &fin, json!({"rows": [{"indicator_id": yt_id, "from": member, "reason": "x"}]})).await.0, 403);
    let (s, v) = app.send_json(Method::PUT, &tl, &fin, json!({"rows": [{"indicator_id": yt_id, "from": member}]})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::PUT, &tl, &fin, json!({"rows": [{"indicator_id": yt_id, "from": member, "reason": "核对原始记录，2份约谈记录确无签名"}]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["pending"], 0);
    // 100 − 4 (廉政约谈) = 96 points, but the veto makes 差
    assert_eq!(v["reconciled"]["points"], 960, "{v}");
    assert_eq!(v["reconciled"]["veto"], true);

    // the chosen deductions, for the findings
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/units/{jyj}/deductions")).await;
    assert_eq!(s, 200, "{v}");
    let texts: Vec<&str> = v["items"].as_array().unwrap().iter().map(|d| d["item_text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("集中约谈")) && texts.iter().any(|t| t.starts_with("约谈记录无")), "{v}");
    assert_eq!(app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}/deductions")).await.0, 403, "not for the unit");

    // results: the organiser sees all, the unit nothing before approval
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/{c}/results")).await;
    assert_eq!(s, 200, "{v}");
    let row = v["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == jyj).unwrap().clone();
    assert_eq!(row["basis"], "检查组评定");
    assert_eq!(row["grade"], "差", "{row}");
    assert!(row["veto_reasons"][0].as_str().unwrap().contains("迟报、瞒报"), "{row}");
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/{c}/results")).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["units"].as_array().unwrap().is_empty(), "no result before approval: {v}");
    // approval waits for every spot-checked unit
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{c}/results/approve"), json!({})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["message"].as_str().unwrap().contains("尚未完成评分或协调"), "{v}");
    // (the test leaves only 教育局 and 组织部 spot-checked, and reconciles 组织部 from the demo's sheets)
    app.state.db.execute(q("UPDATE inspection_units SET spot_checked = FALSE WHERE campaign_id = $1 AND id NOT IN ($2, $3)").bind(c).bind(jyj).bind(zzb)).await.unwrap();
    let (s, v) = app.send_json(Method::PUT, &tl, &format!("/api/v1/inspection/units/{zzb}/scores/final"), json!({"rows": [{"indicator_id": yt_id, "from": leader, "reason": "以组长意见为准"}]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/{c}/results/approve"), json!({})).await.0, 403);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{c}/results/approve"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["approved"], true);

    // locked: no score written any more, by anybody
    let n = score_count(&app).await;
    let (s, v) = app.send_json(Method::PUT, &tl, &url, json!({"rows": [{"indicator_id": veto_id, "items": [], "reason": "撤回"}]})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("已审定"), "{v}");
    assert_eq!(app.send_json(Method::PUT, &tl, &fin, json!({"rows": [{"indicator_id": yt_id, "from": leader, "reason": "改"}]})).await.0, 409);
    assert_eq!(score_count(&app).await, n);

    // after approval the unit sees its own result only, never each inspector's sheet
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/{c}/results")).await;
    let rows = v["units"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["unit_id"], jyj);
    assert_eq!(rows[0]["grade"], "差");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}/scores")).await;
    assert!(v["inspectors"].as_array().unwrap().is_empty() && !v["final"].is_null(), "{v}");

    // exports
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{c}/results.xlsx"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let rows = lianzheng_docs::xlsx::read_rows(&r.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "差")), "grade in the sheet");
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{c}/results.docx"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{c}/results.docx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 403, "the 通报 draft is the organiser's");
});

const HEADERS: [&str; 8] = ["编号", "指标", "满分", "评分细则", "佐证材料", "类别", "评分项", "分值"];

fn workbook(rows: Vec<Vec<&str>>) -> Vec<u8> {
    write_tables(&[Table {
        title: None,
        sheet_name: "评分标准".into(),
        columns: HEADERS.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
    }])
    .unwrap()
}

/// The workbook with its sheet declaring `dimension` (a few KB claiming a huge sheet).
fn declaring(dimension: &str) -> Vec<u8> {
    with_dimension(workbook(vec![vec!["1", "组织领导", "10", "", "", "扣分", "未研究部署", "2"]]), dimension)
}

async fn import(app: &TestApp, token: &str, id: i64, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("评分标准.xlsx"));
    let r = app.client().post(app.url(&format!("/api/v1/inspection/standards/{id}/import"))).bearer_auth(token).multipart(form).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn indicators(app: &TestApp, standard: i64) -> i64 {
    app.state.db.scalar_i64(q("SELECT COUNT(*) FROM inspection_indicators WHERE standard_id = $1").bind(standard)).await.unwrap()
}

both!(a_standard_is_copied_exported_and_imported_all_or_nothing, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let (s, v) = app.get_json(&jw, "/api/v1/inspection/standards").await;
    assert_eq!(s, 200, "{v}");
    let demo = v["items"][0]["id"].as_i64().unwrap();
    let year = v["items"][0]["year"].as_i64().unwrap();
    assert_eq!(app.get_json(&dw, "/api/v1/inspection/standards").await.0, 403, "the 纪委's");
    assert_eq!(app.get_json(&dw, &format!("/api/v1/inspection/standards/{demo}")).await.0, 403);
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/standards/{demo}")).await;
    assert_eq!(s, 200);
    let n = v["standard"]["nodes"].as_array().unwrap().len();
    assert!((15..=25).contains(&n), "{n} indicators");
    assert_eq!(v["standard"]["total_max_tenths"], 1000);
    assert_eq!(v["standard"]["editable"], false, "scored with: frozen");
    let first = v["standard"]["nodes"][1]["id"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/indicators/{first}"), json!({"version": 1, "name": "改", "max_points": "5"})).await;
    assert_eq!(s, 409, "{v}");

    // last year's standard copied in one step
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/standards/{demo}/copy"), json!({})).await;
    assert_eq!(s, 201, "{v}");
    let copy = v["id"].as_i64().unwrap();
    assert_eq!(v["standard"]["standard"]["year"], year + 1);
    assert_eq!(v["standard"]["nodes"].as_array().unwrap().len(), n);
    assert_eq!(v["standard"]["editable"], true);
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/standards/{demo}/copy"), json!({})).await;
    assert_eq!(s, 422, "one a year: {v}");

    // an indicator's items as text; a bad line is a field error
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/standards/{copy}/indicators"), json!({"name": "新指标", "max_points": "5", "items": "扣分 x 没有分值"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["items"].as_str().unwrap().contains("第1行"), "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/standards/{copy}/indicators"), json!({"name": "新指标", "max_points": "5", "items": "扣分 1.5 新问题\n否决 新否决"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(indicators(&app, copy).await, n as i64 + 1);

    // the export imports back as it was
    let r = app.client().get(app.url(&format!("/api/v1/inspection/standards/{copy}/export.xlsx"))).bearer_auth(&jw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let (s, v) = import(&app, &jw, copy, bytes).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["imported"], n as i64 + 1);
    let (_, v) = app.get_json(&jw, &format!("/api/v1/inspection/standards/{copy}")).await;
    assert_eq!(v["standard"]["total_max_tenths"], 1050);

    // bad rows: each named with its row and field, nothing written
    let before = indicators(&app, copy).await;
    let bad = workbook(vec![
        vec!["1", "组织领导", "", "", "", "", "", ""],
        vec!["1.1", "研究部署", "五分", "", "", "", "", ""],
        vec!["", "", "", "", "", "罚款", "未研究", "2"],
        vec!["", "", "", "", "", "扣分", "没有分值", ""],
        vec!["3.1", "上级不存在", "5", "", "", "", "", ""],
        vec!["1.2", "", "5", "", "", "", "", ""],
    ]);
    let (s, v) = import(&app, &jw, copy, bad).await;
    assert_eq!(s, 422, "{v}");
    let errors: Vec<String> = v["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
    assert!(errors.iter().any(|e| e.starts_with("第3行 满分")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第4行 类别")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第5行 分值")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第6行 编号")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("第7行 指标")), "{errors:?}");
    assert_eq!(indicators(&app, copy).await, before, "nothing written");
    // a 2 KB file claiming a million rows: refused cleanly, nothing written
    let bomb = declaring("A1:H1000000");
    assert!(bomb.len() < 16 * 1024, "{}", bomb.len());
    let (s, v) = import(&app, &jw, copy, bomb).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(indicators(&app, copy).await, before);
    // the unit may not import
    let (s, _) = import(&app, &dw, copy, workbook(vec![vec!["1", "x", "1", "", "", "", "", ""]])).await;
    assert_eq!(s, 403);
});
