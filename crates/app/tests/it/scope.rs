//! Scope matrix: every route × role × inside/outside the role's subtree, including guessing
//! another unit's ids through the API. Outside means "not found", never the data.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

async fn person_in(app: &TestApp, code: &str) -> i64 {
    let org = app.org_id(code).await;
    app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM people WHERE org_id = $1").bind(org)).await.unwrap()
}

/// (username, can list people, can edit people, can see orgs)
const ROLES: &[(&str, bool, bool, bool)] = &[
    ("jw_staff", true, true, true),
    ("dw_jyj", true, true, true),
    ("sj_jyj", true, false, true),
    ("bz_jyj", true, false, true),
    ("jcz", true, false, true),
    ("gb_jyj", false, false, true),
    ("admin", false, false, true),
    ("secadmin", false, false, true),
    ("auditor", false, false, false),
];

both!(route_role_scope_matrix, |app: TestApp| async move {
    // 教育局 (XW-D08) is inside every XW-D08-bound role; 组织部 (XW-D03) is outside them
    let inside = person_in(&app, "XW-D08").await;
    let outside = person_in(&app, "XW-D03").await;
    let inside_org = app.org_id("XW-D08").await;
    let outside_org = app.org_id("XW-D03").await;
    for (user, can_view, can_edit, can_orgs) in ROLES {
        let t = app.token(user).await;
        let county_wide = matches!(*user, "jw_staff" | "jcz");
        let admin = matches!(*user, "admin" | "secadmin" | "auditor");

        // list
        let (s, v) = app.get_json(&t, "/api/v1/people").await;
        if *can_view {
            assert_eq!(s, 200, "{user} list");
            let edu_path = lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(inside_org)).await.unwrap().unwrap().path;
            for row in v["items"].as_array().unwrap() {
                let p = row["org_path"].as_str().unwrap();
                assert!(county_wide || p.starts_with(&edu_path), "{user} sees {p} outside scope");
            }
            // filtering by an organisation outside the scope yields nothing, not an error
            let (s, v) = app.get_json(&t, &format!("/api/v1/people?org={outside_org}")).await;
            assert_eq!(s, 200);
            assert_eq!(v["total"].as_i64().unwrap() > 0, county_wide, "{user} org filter outside");
        } else {
            assert_eq!(s, 403, "{user} list");
        }

        // read one: inside / outside (guessing ids)
        for (id, is_inside) in [(inside, true), (outside, county_wide)] {
            let (s, v) = app.get_json(&t, &format!("/api/v1/people/{id}")).await;
            let expected = if !can_view {
                403
            } else if is_inside {
                200
            } else {
                404
            };
            assert_eq!(s, expected, "{user} GET person {id}");
            if s == 200 {
                assert!(v["person"]["id_number_masked"].as_str().map(|m| m.contains("********")).unwrap_or(true), "masked");
                assert!(!v.to_string().contains("id_number_enc"), "no ciphertext in API");
            }
            // the page behaves the same
            let r = app.client().get(app.url(&format!("/api/v1/people/{id}"))).send().await.unwrap();
            assert_eq!(r.status(), 401);
        }

        // edit: inside allowed for editors, outside never found
        for (id, is_inside) in [(inside, true), (outside, county_wide)] {
            let (s, v) = app.get_json(&t, &format!("/api/v1/people/{id}")).await;
            let body = if s == 200 {
                json!({"org_id": v["person"]["org_id"], "name": v["person"]["name"], "gender": v["person"]["gender"], "version": v["person"]["version"], "phone": "0311-1234567"})
            } else {
                json!({"org_id": inside_org, "name": "某", "gender": "male", "version": 1})
            };
            let (s, _) = app.send_json(Method::PUT, &t, &format!("/api/v1/people/{id}"), body).await;
            let expected = if !can_edit {
                403
            } else if is_inside {
                200
            } else {
                404
            };
            assert_eq!(s, expected, "{user} PUT person {id}");
        }

        // create into a unit outside the scope
        let (s, _) = app.send_json(Method::POST, &t, "/api/v1/people", json!({"org_id": outside_org, "name": "某某", "gender": "female"})).await;
        let expected = if !can_edit {
            403
        } else if county_wide {
            201
        } else {
            422
        };
        assert_eq!(s, expected, "{user} POST person outside");

        // organisations
        for (id, is_inside) in [(inside_org, true), (outside_org, county_wide || admin)] {
            let (s, _) = app.get_json(&t, &format!("/api/v1/orgs/{id}")).await;
            let expected = if !can_orgs {
                403
            } else if is_inside || admin {
                200
            } else {
                404
            };
            assert_eq!(s, expected, "{user} GET org {id}");
        }
        let (s, _) = app.get_json(&t, "/api/v1/orgs/999999").await;
        assert_eq!(s, if *can_orgs { 404 } else { 403 }, "{user} GET unknown org");
        let (s, _) = app.get_json(&t, "/api/v1/people/abc").await;
        assert!(s == 404 || s == 403, "{user} bad id → {s}");

        // admin-only routes
        let (s, _) = app.get_json(&t, "/api/v1/users").await;
        assert_eq!(s, if *user == "admin" { 200 } else { 403 }, "{user} users");
        let (s, _) = app.get_json(&t, "/api/v1/audit").await;
        assert_eq!(s, if *user == "auditor" { 200 } else { 403 }, "{user} audit");
        let (s, _) = app.send_json(Method::POST, &t, "/api/v1/orgs", json!({"name": "新单位", "kind": "unit", "code": format!("NEW-{user}"), "parent_id": inside_org})).await;
        assert_eq!(s, if *user == "admin" { 201 } else { 403 }, "{user} create org");
    }
});

both!(pages_follow_the_same_scope, |app: TestApp| async move {
    let inside = person_in(&app, "XW-D08").await;
    let outside = person_in(&app, "XW-D03").await;
    let (c, _) = app.sign_in("dw_jyj").await;
    assert_eq!(c.get(app.url(&format!("/people/{inside}"))).send().await.unwrap().status(), 200);
    let r = c.get(app.url(&format!("/people/{outside}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("不在您的查看范围内"));
    assert_eq!(c.get(app.url(&format!("/people/{outside}/edit"))).send().await.unwrap().status(), 404);
    assert_eq!(c.get(app.url(&format!("/orgs/{}", app.org_id("XW-D03").await))).send().await.unwrap().status(), 404);
    // the export holds only the scope
    let bytes = c.get(app.url("/people/export.xlsx")).send().await.unwrap().bytes().await.unwrap();
    let rows = lianzheng_docs::xlsx::read_rows(&bytes).unwrap();
    assert!(rows.len() > 3);
    assert!(rows.iter().skip(2).all(|r| r[3].contains("教育局")), "export limited to scope");
    // a cadre sees no people list
    let (c, _) = app.sign_in("gb_jyj").await;
    assert_eq!(c.get(app.url("/people")).send().await.unwrap().status(), 403);
});

both!(attachments_are_scoped_and_fingerprinted, |app: TestApp| async move {
    let t = app.token("dw_jyj").await;
    let inside_org = app.org_id("XW-D08").await;
    let outside_org = app.org_id("XW-D03").await;
    let upload = |org: i64, name: &'static str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new().text("org_id", org.to_string()).text("owner_kind", "general").part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        app.client().post(app.url("/api/v1/attachments")).bearer_auth(&t).multipart(form).send()
    };
    let r = upload(inside_org, "会议记录.pdf", b"%PDF-1.4 test").await.unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["sm3"].as_str().unwrap().len(), 64);
    let id = v["id"].as_i64().unwrap();
    let r = upload(outside_org, "a.pdf", crate::harness::TINY_PDF).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = upload(inside_org, "a.exe", b"MZ").await.unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["fields"]["file"].as_str().unwrap().contains("不支持的文件类型"));
    let r = app.client().get(app.url(&format!("/api/v1/attachments/{id}"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF-1.4 test");
    // a unit outside cannot fetch it
    let other = app.token("gb_jyj").await;
    assert_eq!(app.get_json(&other, &format!("/api/v1/attachments/{id}")).await.0, 403);
    let jw = app.token("jw_staff").await;
    assert_eq!(app.client().get(app.url(&format!("/api/v1/attachments/{id}"))).bearer_auth(&jw).send().await.unwrap().status(), 200);
});
