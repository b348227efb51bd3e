//! Organisations and people: forms keep input on errors, pinyin and ID search, XLSX import
//! all-or-nothing with per-row Chinese errors.

use lianzheng_docs::xlsx::{Column, Table, write_tables};
use serde_json::{Value, json};

use crate::both;
use crate::harness::TestApp;

fn people_xlsx(rows: Vec<Vec<&str>>) -> Vec<u8> {
    let headers = ["姓名", "性别", "身份证号", "所属单位编码", "联系电话", "政治面貌", "职级", "职务", "职务名称", "分管工作", "任职日期"];
    write_tables(&[Table {
        title: None,
        sheet_name: "人员".into(),
        columns: headers.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
    }])
    .unwrap()
}

async fn upload(app: &TestApp, c: &reqwest::Client, csrf: &str, path: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("导入.xlsx"));
    let r = c.post(app.url(&format!("{path}?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

both!(person_form_keeps_input_and_explains, |app: TestApp| async move {
    let (c, csrf) = app.sign_in("jw_staff").await;
    let org = app.org_id("XW-D05").await.to_string();
    let before = app.audit_count().await;
    let r = c.post(app.url("/people")).form(&[("_csrf", csrf.as_str()), ("org_id", org.as_str()), ("name", "欧阳明"), ("id_number", "110105194912310021"), ("phone", "13900001111")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("身份证号 校验位错误"), "field message");
    assert!(html.contains("value=\"欧阳明\"") && html.contains("value=\"13900001111\"") && html.contains("value=\"110105194912310021\""), "input kept");
    assert_eq!(app.audit_count().await, before, "nothing written");
    // corrected: saved, gender taken from the ID number, number masked on the page
    let r = c.post(app.url("/people")).form(&[("_csrf", csrf.as_str()), ("org_id", org.as_str()), ("name", "欧阳明"), ("id_number", "11010519491231002X"), ("phone", "13900001111")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("110105********002X") && !page.contains("11010519491231002X"));
    // the same number again: a clear conflict at the field
    let r = c.post(app.url("/people")).form(&[("_csrf", csrf.as_str()), ("org_id", org.as_str()), ("name", "欧阳明二"), ("id_number", "11010519491231002X")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("该身份证号已登记"));
    // found by exact ID number and by pinyin initials
    let t = app.token("jw_staff").await;
    let (_, v) = app.get_json(&t, "/api/v1/people?q=11010519491231002X").await;
    assert_eq!(v["items"][0]["name"], "欧阳明");
    let (_, v) = app.get_json(&t, "/api/v1/people?q=oym").await;
    assert!(v["items"].as_array().unwrap().iter().any(|p| p["name"] == "欧阳明"));
    let (_, v) = app.get_json(&t, "/api/v1/people?q=zsf").await;
    assert!(v["items"].as_array().unwrap().iter().any(|p| p["name"] == "张淑芬"));
    // the ID number never reaches the audit log in clear
    let log = app.state.db.fetch_all::<(String,)>(lianzheng_store::q("SELECT summary FROM audit_log")).await.unwrap();
    assert!(log.iter().all(|(s,)| !s.contains("11010519491231002X")));
});

both!(stale_edit_is_refused, |app: TestApp| async move {
    let t = app.token("jw_staff").await;
    let id = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM people")).await.unwrap();
    let (_, v) = app.get_json(&t, &format!("/api/v1/people/{id}")).await;
    let p = &v["person"];
    let body = json!({"org_id": p["org_id"], "name": p["name"], "gender": p["gender"], "version": p["version"]});
    assert_eq!(app.send_json(reqwest::Method::PUT, &t, &format!("/api/v1/people/{id}"), body.clone()).await.0, 200);
    let (s, v) = app.send_json(reqwest::Method::PUT, &t, &format!("/api/v1/people/{id}"), body).await;
    assert_eq!(s, 409);
    assert_eq!(v["message"], "已被他人修改，请刷新后重试");
});

both!(people_import_all_or_nothing, |app: TestApp| async move {
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let template = c.get(app.url("/people/import/template.xlsx")).send().await.unwrap();
    assert_eq!(template.status(), 200);
    let count = || async { app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM people")).await.unwrap() };
    let before = count().await;
    let bad = people_xlsx(vec![
        vec!["钱一", "男", "", "XW-D08", "", "中共党员", "", "一般干部", "", "", ""],
        vec!["钱二", "", "110105194912310021", "XW-D08", "", "", "", "", "", "", ""],
        vec!["钱三", "女", "", "XW-D03", "", "", "", "", "", "", ""],
        vec!["钱四", "女", "", "XW-D08", "", "党员?", "", "", "", "", "2024-13-01"],
    ]);
    let (s, html) = upload(&app, &c, &csrf, "/people/import", bad).await;
    assert_eq!(s, 422);
    assert!(html.contains("第3行 身份证号 校验位错误"), "{html}");
    assert!(html.contains("第4行 所属单位编码"), "outside scope named");
    assert!(html.contains("第5行 政治面貌"));
    assert_eq!(count().await, before, "nothing imported");

    let good = people_xlsx(vec![
        vec!["钱一", "男", "", "XW-D08", "", "中共党员", "", "一般干部", "", "", ""],
        vec!["钱二", "", "11010519491231002X", "XW-D08-ZB1", "13800000000", "", "乡科级", "班子成员", "副书记", "宣传", "2025-01-02"],
    ]);
    let (s, html) = upload(&app, &c, &csrf, "/people/import", good).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("已导入 2 人"));
    assert_eq!(count().await, before + 2);

    // garbage instead of a workbook
    let (s, html) = upload(&app, &c, &csrf, "/people/import", b"not a workbook".to_vec()).await;
    assert_eq!(s, 422);
    assert!(html.contains("不是有效的 Excel"));
});

both!(org_tree_import_and_export, |app: TestApp| async move {
    let (c, _) = app.sign_in("jw_staff").await;
    let page = c.get(app.url("/orgs")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("中共某某县纪律检查委员会"));
    let root = app.org_id("XW").await;
    let html = c.get(app.url(&format!("/orgs/{root}/children"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("某某县教育局"));
    let bytes = c.get(app.url("/orgs/export.xlsx")).send().await.unwrap().bytes().await.unwrap();
    let rows = lianzheng_docs::xlsx::read_rows(&bytes).unwrap();
    assert!(rows.iter().any(|r| r.first().map(String::as_str) == Some("中共某某县纪律检查委员会") && r.get(4).map(String::as_str) == Some("XW")));

    // the 系统管理员 imports a small tree; a bad parent code stops the whole file
    let admin = app.token("admin").await;
    let org_xlsx = |rows: Vec<Vec<&str>>| {
        write_tables(&[Table {
            title: None,
            sheet_name: "组织机构".into(),
            columns: ["组织名称", "简称", "组织类型", "组织编码", "上级组织编码", "排序号"].iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
            rows: rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect(),
        }])
        .unwrap()
    };
    let bad = org_xlsx(vec![vec!["某某县统计局", "", "党组", "XW-D90", "XW", "90"], vec!["统计局机关党支部", "", "党支部", "XW-D90-ZB", "NOPE", "1"]]);
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bad).file_name("orgs.xlsx"));
    let r = app.client().post(app.url("/orgs/import")).bearer_auth(&admin).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("第3行 上级组织编码"));
    assert!(lianzheng_store::org::get_by_code(&app.state.db, "XW-D90").await.unwrap().is_none());
    let good = org_xlsx(vec![vec!["某某县统计局", "", "党组", "XW-D90", "XW", "90"], vec!["统计局机关党支部", "", "党支部", "XW-D90-ZB", "XW-D90", "1"]]);
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(good).file_name("orgs.xlsx"));
    let r = app.client().post(app.url("/orgs/import")).bearer_auth(&admin).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let child = lianzheng_store::org::get_by_code(&app.state.db, "XW-D90-ZB").await.unwrap().unwrap();
    let parent = lianzheng_store::org::get_by_code(&app.state.db, "XW-D90").await.unwrap().unwrap();
    assert_eq!(child.parent_id, Some(parent.id));
    assert!(child.path.starts_with(&parent.path));
    let (s, v): (u16, Value) = app.get_json(&admin, &format!("/api/v1/orgs?parent={}", parent.id)).await;
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
});

both!(an_organisation_moves_with_everything_under_it, |app: TestApp| async move {
    use lianzheng_store::q;
    let admin = app.token("admin").await;
    let dw = app.token("dw_jyj").await;
    let edu = app.org_id("XW-D08").await;
    let target = app.org_id("XW-D07").await;
    let old_path = lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(edu)).await.unwrap().unwrap().path;
    let (_, people_before) = app.get_json(&dw, "/api/v1/people").await;
    let (_, o) = app.get_json(&admin, &format!("/api/v1/orgs/{edu}")).await;
    let body = |parent: i64, version: &Value| json!({"parent_id": parent, "name": o["org"]["name"], "kind": o["org"]["kind"], "code": "XW-D08", "sort_order": 8, "version": version});

    // not below itself or its own units
    let branch = app.org_id("XW-D08-ZB1").await;
    let (s, v) = app.send_json(reqwest::Method::PUT, &admin, &format!("/api/v1/orgs/{edu}"), body(branch, &o["org"]["version"])).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["parent_id"], "不能移到本组织或其下级组织之下");

    let (s, v) = app.send_json(reqwest::Method::PUT, &admin, &format!("/api/v1/orgs/{edu}"), body(target, &o["org"]["version"])).await;
    assert_eq!(s, 200, "{v}");
    let moved = lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(edu)).await.unwrap().unwrap();
    let target_path = lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(target)).await.unwrap().unwrap().path;
    assert_eq!(moved.path, format!("{target_path}{edu}/"));
    assert_eq!((moved.parent_id, moved.level), (Some(lianzheng_core::ids::OrgId::new(target)), 3));
    let b = lianzheng_store::org::get(&app.state.db, lianzheng_core::ids::OrgId::new(branch)).await.unwrap().unwrap();
    assert_eq!((b.path, b.level), (format!("{target_path}{edu}/{branch}/"), 4));

    // no stored path is left under the old one, in any table
    let (lo, hi) = lianzheng_core::org::subtree_range(&old_path);
    for t in lianzheng_web::modules::tables() {
        for (col, _) in t.columns.iter().filter(|(c, _)| *c == "path" && t.name == "orgs" || *c == "org_path" || c.ends_with("_org_path")) {
            let n = app.state.db.scalar_i64(lianzheng_store::q_built(format!("SELECT COUNT(*) FROM {} WHERE {col} >= $1 AND {col} < $2", t.name)).bind(lo.clone()).bind(hi.clone())).await.unwrap();
            assert_eq!(n, 0, "{}.{col} still under {old_path}", t.name);
        }
    }
    // the unit's staff keep seeing their own people, and the move is in the audit log
    let (_, people_after) = app.get_json(&dw, "/api/v1/people").await;
    assert_eq!(people_after["total"], people_before["total"]);
    assert!(people_after["total"].as_i64().unwrap() > 0);
    let summary: (String,) = app.state.db.fetch_one(q("SELECT summary FROM audit_log WHERE entity = 'org' AND entity_id = $1 ORDER BY seq DESC LIMIT 1").bind(edu.to_string())).await.unwrap();
    assert!(summary.0.contains(&format!("\"parent_id\":{target}")), "{}", summary.0);
});

both!(ids_from_requests_stay_in_scope_and_updates_need_a_version, |app: TestApp| async move {
    use reqwest::Method;
    let dw = app.token("dw_jyj").await; // 教育局 (XW-D08) and below
    let edu = app.org_id("XW-D08").await;
    let outside = app.org_id("XW-D03").await;
    let person: i64 = app.state.db.scalar_i64(lianzheng_store::q("SELECT MIN(id) FROM people WHERE org_id = $1").bind(edu)).await.unwrap();
    let (_, v) = app.get_json(&dw, &format!("/api/v1/people/{person}")).await;
    let before = v["person"].clone();
    let posts_before = v["posts"].as_array().unwrap().len();
    // sign-ins are audited too: count only the writes of this area
    let writes = || async {
        app.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log WHERE entity IN ('person', 'post', 'org') AND action NOT LIKE '%.export' AND action NOT LIKE '%.id_lookup'")).await.unwrap()
    };
    let writes_before = writes().await;

    // an update without version is a conflict, not an overwrite: API and page alike
    let body = json!({"org_id": before["org_id"], "name": "改名测试", "gender": before["gender"]});
    let (s, v) = app.send_json(Method::PUT, &dw, &format!("/api/v1/people/{person}"), body).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("version"), "{v}");
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let org = before["org_id"].to_string();
    let r = c.post(app.url(&format!("/people/{person}"))).form(&[("_csrf", csrf.as_str()), ("org_id", org.as_str()), ("name", "改名测试"), ("gender", "male")]).send().await.unwrap();
    assert_eq!(r.status(), 422, "the form is shown again");
    assert!(r.text().await.unwrap().contains("请提供版本号"));
    let (_, v) = app.get_json(&dw, &format!("/api/v1/people/{person}")).await;
    assert_eq!(v["person"], before, "nothing changed");

    // a post in a unit outside the scope is refused, not quietly moved
    let (s, v) = app.send_json(Method::POST, &dw, &format!("/api/v1/people/{person}/posts"), json!({"org_id": outside, "kind": "cadre"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["org_id"], "任职单位不存在或不在您的管理范围内");
    let r = c.post(app.url(&format!("/people/{person}/posts"))).form(&[("_csrf", csrf.as_str()), ("org_id", outside.to_string().as_str()), ("kind", "cadre")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    // a new person in a unit outside the scope: refused at the field
    let (s, v) = app.send_json(Method::POST, &dw, "/api/v1/people", json!({"org_id": outside, "name": "范围外", "gender": "male"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["org_id"], "所属单位不存在或不在您的管理范围内");
    let (_, v) = app.get_json(&dw, &format!("/api/v1/people/{person}")).await;
    assert_eq!(v["posts"].as_array().unwrap().len(), posts_before);
    assert_eq!(writes().await, writes_before, "nothing written");

    // the people list filtered by a unit outside the scope is empty, never that unit's people
    let (s, v) = app.get_json(&dw, &format!("/api/v1/people?org={outside}")).await;
    assert_eq!(s, 200);
    assert_eq!((v["total"].as_i64(), v["items"].as_array().map(Vec::len)), (Some(0), Some(0)), "{v}");
    let html = c.get(app.url(&format!("/people?org={outside}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("没有符合条件的人员"));
    let xlsx = c.get(app.url(&format!("/people/export.xlsx?org={outside}"))).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(lianzheng_docs::xlsx::read_rows(&xlsx).unwrap().len(), 2, "title and header only");

    // 机构调整: the new parent must be one the mover manages (for the 系统管理员, one that
    // exists); an org update without version is a conflict; nothing moves either way
    let admin = app.token("admin").await;
    let (_, o) = app.get_json(&admin, &format!("/api/v1/orgs/{edu}")).await;
    let body = |parent: i64, version: Value| json!({"parent_id": parent, "name": o["org"]["name"], "kind": o["org"]["kind"], "code": "XW-D08", "sort_order": 8, "version": version});
    let (s, v) = app.send_json(Method::PUT, &admin, &format!("/api/v1/orgs/{edu}"), body(999_999_999, o["org"]["version"].clone())).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["parent_id"], "上级组织不存在或不在您的管理范围内");
    let (s, v) = app.send_json(Method::PUT, &admin, &format!("/api/v1/orgs/{edu}"), body(outside, Value::Null)).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = app.send_json(Method::POST, &admin, "/api/v1/orgs", json!({"parent_id": 999_999_999, "name": "新单位", "kind": "unit", "code": "XW-NEW"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["fields"]["parent_id"], "上级组织不存在或不在您的管理范围内");
    let (_, after) = app.get_json(&admin, &format!("/api/v1/orgs/{edu}")).await;
    assert_eq!(after["org"], o["org"], "not moved");
    // a business role holds no 组织管理 right at all, whatever the parent
    let (s, _) = app.send_json(Method::PUT, &dw, &format!("/api/v1/orgs/{edu}"), body(outside, o["org"]["version"].clone())).await;
    assert_eq!(s, 403);
    assert_eq!(writes().await, writes_before, "nothing written");
});
