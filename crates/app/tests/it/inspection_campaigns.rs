//! 考责, the campaign (issue 10, items 1 and 5): set up by the 纪委 (phases, units by kind and
//! subtree, checklist, notice issued as DOCX, groups, spot check by a reproducible draw), each
//! unit seeing its own part only, the 待办 of the units and of the groups, and the 个别谈话
//! records seen by the group and the organiser, never by the unit.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

pub async fn unit_row(app: &TestApp, campaign: i64, code: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT u.id FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 AND o.code = $2").bind(campaign).bind(code)).await.unwrap()
}

async fn person(app: &TestApp, name: &str) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM people WHERE name = $1").bind(name)).await.unwrap()
}

/// A sign-in (an 纪委 inspector's account) for a person of the 县纪委, for the groups he sits in.
pub async fn member_token(app: &TestApp, name: &str, username: &str) -> String {
    let person = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(p.id) FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.code = 'XW-JW' AND p.name = $1").bind(name)).await.unwrap();
    let actor = lianzheng_store::audit::Actor::system("测试");
    let hash = app.state.hasher.hash(PW).unwrap();
    let jw_org = lianzheng_core::ids::OrgId::new(app.org_id("XW-JW").await);
    let mut tx = app.state.db.begin().await.unwrap();
    let uid = lianzheng_store::users::create(
        &mut tx,
        &actor,
        &lianzheng_store::users::UserInput { username: username.into(), display_name: name.into(), person_id: Some(lianzheng_core::ids::PersonId::new(person)), org_id: Some(jw_org) },
        &hash,
        false,
    )
    .await
    .unwrap();
    lianzheng_store::users::add_grant(&mut tx, &actor, uid, lianzheng_core::org::Role::Inspector, Some(jw_org)).await.unwrap();
    tx.commit().await.unwrap();
    app.token(username).await
}

pub async fn demo_campaign(app: &TestApp) -> i64 {
    app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM inspection_campaigns WHERE status = 'open'")).await.unwrap()
}

fn kinds(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_string()).collect()
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

both!(a_campaign_is_set_up_issued_and_each_unit_sees_its_own_part, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let sj = app.token("sj_jyj").await;
    let bz = app.token("bz_jyj").await;
    let (s, v) = app.send_json(Method::POST, &jw, "/api/v1/inspection", json!({"year": 2027})).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let c = &v["campaign"];
    assert_eq!(c["campaign"]["status"], "draft");
    assert_eq!(c["campaign"]["title"], "2027年度党风廉政建设责任制落实情况检查考核");
    let phases: Vec<&str> = c["phases"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(phases, ["通知", "自查自评", "抽查考核（实地检查）", "评分汇总", "通报"], "seed 001's phases by default");
    assert_eq!(c["materials"].as_array().unwrap().len(), 7, "the seven kinds of materials");

    // nobody else sees a draft
    let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/{id}")).await;
    assert_eq!(s, 404);
    let (_, v) = app.get_json(&dw, "/api/v1/inspection").await;
    assert!(!ids(&v["items"]).contains(&id));
    // the unit cannot set it up
    let (s, _) = app.send_json(Method::POST, &dw, "/api/v1/inspection", json!({"year": 2027})).await;
    assert_eq!(s, 403);

    // phases with dates; a phase ending before it starts is refused and nothing is lost
    let version = c["campaign"]["version"].as_i64().unwrap();
    let mut phases = json!([
        {"name": "通知", "starts_on": "2027-11-01", "ends_on": "2027-11-01"},
        {"name": "自查自评", "starts_on": "2027-11-02", "ends_on": "2099-12-01"},
        {"name": "抽查考核（实地检查）", "starts_on": "2027-12-03", "ends_on": "2027-12-01"},
    ]);
    let (s, v) = app
        .send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}"), json!({"version": version, "title": "2027年度检查考核", "notice": "第一段。\n第二段。", "materials": "资料一\n资料二", "phases": phases}))
        .await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["phase_3"].as_str().unwrap().contains("结束日期不能早于开始日期"), "{v}");
    phases[2]["ends_on"] = json!("2027-12-10");
    let (s, v) = app
        .send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}"), json!({"version": version, "title": "2027年度检查考核", "notice": "第一段。\n第二段。", "materials": "资料一\n资料二", "phases": phases}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["campaign"]["phases"].as_array().unwrap().len(), 3);
    assert_eq!(v["campaign"]["materials"], json!(["资料一", "资料二"]));
    let version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    // a stale version is a conflict
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/{id}"), json!({"version": version - 1, "title": "x", "phases": phases})).await;
    assert_eq!(s, 409);

    // issuing needs the units first
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/issue"), json!({"version": version, "doc_number": "某纪发〔2027〕1号"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["units"].is_string(), "{v}");

    // units by kind in a subtree: every 党组 of the county, no 乡镇, no discipline body
    let root = app.org_id("XW").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/units"), json!({"version": version, "root_id": root, "kinds": ["nonsense"]})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/units"), json!({"version": version, "root_id": root, "kinds": ["party_group"]})).await;
    assert_eq!(s, 200, "{v}");
    let units = v["campaign"]["units"].as_array().unwrap().clone();
    assert!(units.len() > 3, "{v}");
    assert!(units.iter().all(|u| u["org_kind"] == "party_group"), "only the kind chosen");
    let version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    let jyj = unit_row(&app, id, "XW-D08").await;
    let other = unit_row(&app, id, "XW-D03").await;

    // issued: 文号 required, then open
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/issue"), json!({"version": version, "doc_number": " "})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/issue"), json!({"version": version, "doc_number": "某纪发〔2027〕1号", "issued_on": "2026-11-02"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["campaign"]["campaign"]["status"], "open");
    let version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/issue"), json!({"version": version, "doc_number": "某纪发〔2027〕2号"})).await;
    assert_eq!(s, 409, "issued once");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/units"), json!({"version": version, "root_id": root, "kinds": ["party_group", "township"]})).await;
    assert_eq!(s, 409, "the units are fixed by the notice");

    // the unit sees its own part: its row only, the phases, the checklist
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/{id}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(ids(&v["campaign"]["units"]), vec![jyj], "its own row only: {v}");
    assert!(v["campaign"]["unit_count"].as_i64().unwrap() > 3);
    assert_eq!(v["campaign"]["can_manage"], false);
    let (s, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["unit"]["materials"], json!(["资料一", "资料二"]));
    assert_eq!(v["unit"]["self_check_due"], "2099-12-01");
    assert_eq!(v["unit"]["sees_talks"], false);
    let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/units/{other}")).await;
    assert_eq!(s, 404, "another unit's row");
    let (s, _) = app.get_json(&dw, "/api/v1/inspection/units/999999999").await;
    assert_eq!(s, 404);
    let (s, _) = app.get_json(&dw, "/api/v1/inspection/units/abc").await;
    assert_eq!(s, 404);

    // 待办: the unit's 党务 staff and 书记, not its 班子成员
    for (token, expect) in [(&dw, true), (&sj, true), (&bz, false)] {
        let (_, v) = app.get_json(token, "/api/v1/todo").await;
        let found = v["items"].as_array().unwrap().iter().any(|i| i["kind"] == "inspection.self_check" && i["href"] == format!("/inspection/units/{jyj}"));
        assert_eq!(found, expect, "{v}");
    }

    // a group: leader and members from people, units of this campaign only
    let sun = person(&app, "孙正平").await;
    let chen = person(&app, "陈立新").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/groups"), json!({"name": "第一检查组", "leader_id": sun, "member_ids": [chen], "unit_ids": [999999], "visit_on": "2099-12-05"})).await;
    assert_eq!(s, 422, "a unit outside the campaign: {v}");
    assert_eq!(v["fields"]["unit_ids"], "所选单位不在本次检查考核的受检范围内");
    let (s, v) = app
        .send_json(
            Method::POST,
            &jw,
            &format!("/api/v1/inspection/{id}/groups"),
            json!({"name": "第一检查组", "leader_id": sun, "member_ids": [chen], "unit_ids": [jyj], "visit_on": "2099-12-05", "schedule": "上午听取汇报"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, _) = app.send_json(Method::POST, &dw, &format!("/api/v1/inspection/{id}/groups"), json!({"name": "x", "leader_id": sun})).await;
    assert_eq!(s, 403);
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}")).await;
    assert_eq!(v["unit"]["group"]["name"], "第一检查组", "the unit sees its group: {v}");
    assert_eq!(v["unit"]["group"]["members"][0]["name"], "陈立新");
    assert_eq!(v["unit"]["unit"]["visit_on"], "2099-12-05");
    // the unit's own row moved to another visit date by the organiser only
    let (s, _) = app.send_json(Method::PUT, &dw, &format!("/api/v1/inspection/units/{jyj}"), json!({"visit_on": "2099-12-06"})).await;
    assert_eq!(s, 403);

    // the spot check: a random draw with a recorded seed draws the same units again
    let draw = async |seed: i64| {
        let (_, v) = app.get_json(&jw, &format!("/api/v1/inspection/{id}")).await;
        let version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
        let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/spot"), json!({"version": version, "rule": "random", "count": 3, "seed": seed})).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["campaign"]["campaign"]["spot_seed"], seed);
        assert_eq!(v["campaign"]["spot_count"], 3);
        v["chosen"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect::<Vec<_>>()
    };
    let first = draw(4242).await;
    assert_eq!(draw(4242).await, first, "the same seed, the same units");
    let (_, v) = app.get_json(&jw, &format!("/api/v1/inspection/{id}")).await;
    let version = v["campaign"]["campaign"]["version"].as_i64().unwrap();
    assert!(v["campaign"]["spot_text"].as_str().unwrap().contains("4242"), "the seed is shown: {v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/spot"), json!({"version": version, "rule": "random", "count": 0})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/{id}/spot"), json!({"version": version, "rule": "list", "unit_ids": [jyj]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["chosen"], json!([jyj]));

    // the notice as a 公文, for the unit too
    let r = app.client().get(app.url(&format!("/api/v1/inspection/{id}/notice.docx"))).bearer_auth(&dw).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a DOCX");
});

both!(talks_are_for_the_group_and_the_organiser_never_the_unit, |app: TestApp| async move {
    let id = demo_campaign(&app).await;
    let jw = app.token("jw_staff").await;
    let dw = app.token("dw_jyj").await;
    let jcz = app.token("jcz").await;
    let zzb = unit_row(&app, id, "XW-D03").await;
    let jyj = unit_row(&app, id, "XW-D08").await;

    // the demo: 组织部 checked by the first group, two talks handed in
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/units/{zzb}/talks")).await;
    assert_eq!(s, 200, "{v}");
    let talks = v["items"].as_array().unwrap().clone();
    assert_eq!(talks.len(), 2, "{v}");
    let talk = talks[0]["id"].as_i64().unwrap();
    let (s, _) = app.get_json(&jw, &format!("/api/v1/inspection/talks/{talk}")).await;
    assert_eq!(s, 200, "the organiser reads it");
    // the county's 检查组 staff who is in no group: no talks, refused the record
    let (s, v) = app.get_json(&jcz, &format!("/api/v1/inspection/units/{zzb}/talks")).await;
    assert_eq!((s, v["items"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
    let (s, _) = app.get_json(&jcz, &format!("/api/v1/inspection/talks/{talk}")).await;
    assert_eq!(s, 403);
    // the unit never: not its own, not another's
    for u in [zzb, jyj] {
        let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/units/{u}/talks")).await;
        assert_eq!(s, 403);
    }
    let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/talks/{talk}")).await;
    assert_eq!(s, 403);
    let (s, _) = app.get_json(&jcz, "/api/v1/inspection/talks/999999999").await;
    assert_eq!(s, 403, "the same answer for an id that does not exist");

    // the organiser enters a record handed in: the talker must be in the unit's group
    let sun = person(&app, "孙正平").await;
    let chen = person(&app, "陈立新").await;
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/units/{jyj}/talks"), json!({"talker_id": chen, "person_name": "刘志强", "record": "谈话内容"})).await;
    assert_eq!(s, 422, "陈立新 is in the second group: {v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/units/{jyj}/talks"), json!({"talker_id": sun, "person_name": "刘志强", "person_post": "副局长", "record": ""})).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) =
        app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/units/{jyj}/talks"), json!({"talker_id": sun, "person_name": "刘志强", "person_post": "副局长", "record": "反映财务报销审核把关不严。"})).await;
    assert_eq!(s, 201, "{v}");
    let mine = v["talk"]["id"].as_i64().unwrap();
    let (s, _) = app.get_json(&dw, &format!("/api/v1/inspection/talks/{mine}")).await;
    assert_eq!(s, 403, "教育局 never reads the talks at 教育局");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/inspection/units/{jyj}")).await;
    assert!(!v.to_string().contains("财务报销审核"), "nor through its unit's part: {v}");

    // a member of the second group (an account for 陈立新, whose own scope is the 纪委 only)
    let chen_token = member_token(&app, "陈立新", "chen_lx").await;
    let (s, v) = app.get_json(&chen_token, &format!("/api/v1/inspection/{id}")).await;
    assert_eq!(s, 200, "{v}");
    let seen = ids(&v["campaign"]["units"]);
    let group2: Vec<i64> = app
        .state
        .db
        .fetch_all::<(i64,)>(lianzheng_store::q("SELECT u.id FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id WHERE u.campaign_id = $1 AND g.name = '第二检查组' ORDER BY u.id").bind(id))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert!(!group2.is_empty());
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, group2, "a member sees his group's units only");
    let (s, _) = app.get_json(&chen_token, &format!("/api/v1/inspection/units/{zzb}")).await;
    assert_eq!(s, 404, "the first group's unit");
    let (s, _) = app.get_json(&chen_token, &format!("/api/v1/inspection/talks/{talk}")).await;
    assert_eq!(s, 403, "the first group's talk");
    let (_, v) = app.get_json(&chen_token, "/api/v1/todo").await;
    assert!(kinds(&v).contains(&"inspection.visit".to_string()), "his coming visits: {v}");
    // he records a talk at his group's unit, himself the talker by default; reads and edits it
    let (s, v) = app.send_json(Method::POST, &chen_token, &format!("/api/v1/inspection/units/{}/talks", group2[0]), json!({"person_name": "王某", "person_post": "职工代表", "record": "反映值班补助发放不及时。"})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["talk"]["talker_name"], "陈立新");
    let t = v["talk"]["id"].as_i64().unwrap();
    let version = v["talk"]["version"].as_i64().unwrap();
    let (s, v) = app.send_json(Method::PUT, &chen_token, &format!("/api/v1/inspection/talks/{t}"), json!({"version": version, "person_name": "王某", "record": "反映值班补助发放不及时，已当场核实。"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.send_json(Method::PUT, &chen_token, &format!("/api/v1/inspection/talks/{t}"), json!({"version": version, "person_name": "王某", "record": "旧版本"})).await;
    assert_eq!(s, 409, "a stale edit is not silently applied");
    let (s, _) = app.get_json(&jw, &format!("/api/v1/inspection/talks/{t}")).await;
    assert_eq!(s, 200, "the organiser reads every group's records");
    // every opening is logged
    let n = app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE action = 'inspection_talk.read'")).await.unwrap();
    assert!(n >= 2, "{n}");
});

both!(the_demo_campaign_is_mid_way, |app: TestApp| async move {
    let id = demo_campaign(&app).await;
    let jw = app.token("jw_staff").await;
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/{id}")).await;
    assert_eq!(s, 200, "{v}");
    let c = &v["campaign"];
    assert_eq!(c["campaign"]["status"], "open");
    assert_eq!(c["spot_count"], 6);
    assert!(c["campaign"]["spot_seed"].as_i64().is_some(), "the draw's seed is recorded: {v}");
    assert_eq!(c["groups"].as_array().unwrap().len(), 2);
    let dw = app.token("dw_jyj").await;
    let (_, v) = app.get_json(&dw, "/api/v1/todo").await;
    assert!(kinds(&v).contains(&"inspection.self_check".to_string()), "{v}");
    // the pages answer
    let (c, _) = app.sign_in("dw_jyj").await;
    for path in ["/inspection".to_string(), format!("/inspection/{id}"), format!("/inspection/units/{}", unit_row(&app, id, "XW-D08").await)] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(!html.contains("个别谈话记录"), "{path}: the unit sees no talks");
    }
    let (c, _) = app.sign_in("jw_staff").await;
    let html = c.get(app.url(&format!("/inspection/units/{}", unit_row(&app, id, "XW-D03").await))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("个别谈话记录") && html.contains("干部一科科长"), "the organiser sees them");
});
