//! Sign-in, lockout, forced password change, second factor, CSRF, security headers, audit chain.

use lianzheng_store::audit::{ChainCheck, verify_chain};
use serde_json::json;

use crate::both;
use crate::harness::{PW, TestApp};

both!(login_lockout_and_unlock, |app: TestApp| async move {
    let c = app.client();
    let bad = json!({"username": "jw_staff", "password": "wrong-password"});
    for i in 0..5 {
        let r = c.post(app.url("/api/v1/auth/login")).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), 401, "attempt {i}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese message");
    }
    // locked now, even with the right password
    let r = c.post(app.url("/api/v1/auth/login")).json(&json!({"username": "jw_staff", "password": PW})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("锁定"), "{v}");
    // the 系统管理员 unlocks
    let admin = app.token("admin").await;
    let u = lianzheng_store::users::get_by_username(&app.state.db, "jw_staff").await.unwrap().unwrap();
    let (s, _) = app.send_json(reqwest::Method::POST, &admin, &format!("/api/v1/users/{}/unlock", u.id), json!({})).await;
    assert_eq!(s, 204);
    app.token("jw_staff").await;
    assert!(matches!(verify_chain(&app.state.db).await.unwrap(), ChainCheck::Intact { .. }));
});

both!(unknown_user_and_bad_json_get_chinese_errors, |app: TestApp| async move {
    let c = app.client();
    let r = c.post(app.url("/api/v1/auth/login")).json(&json!({"username": "nobody", "password": "x"})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["message"], "用户名或密码错误");
    let r = c.post(app.url("/api/v1/auth/login")).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "invalid");
    assert!(v["message"].as_str().unwrap().contains("JSON"));
    let r = c.get(app.url("/api/v1/people")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["message"], "请先登录");
});

both!(admin_needs_second_factor_and_roles_are_separate, |app: TestApp| async move {
    // password alone: a web session is gated to the enrolment page
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "admin"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account/totp");
    let page = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg"), "QR code shown");

    // with TOTP: admin manages accounts but reads no business data nor the audit log
    let admin = app.token("admin").await;
    assert_eq!(app.get_json(&admin, "/api/v1/users").await.0, 200);
    assert_eq!(app.get_json(&admin, "/api/v1/people").await.0, 403);
    assert_eq!(app.get_json(&admin, "/api/v1/audit").await.0, 403);
    let sec = app.token("secadmin").await;
    assert_eq!(app.get_json(&sec, "/api/v1/users").await.0, 403);
    assert_eq!(app.get_json(&sec, "/api/v1/people").await.0, 403);
    let aud = app.token("auditor").await;
    assert_eq!(app.get_json(&aud, "/api/v1/audit").await.0, 200);
    assert_eq!(app.get_json(&aud, "/api/v1/users").await.0, 403);
    assert_eq!(app.get_json(&aud, "/api/v1/people").await.0, 403);
    let (s, v) = app.send_json(reqwest::Method::POST, &aud, "/api/v1/audit/verify", json!({})).await;
    assert_eq!(s, 200);
    assert!(v["result"]["Intact"].is_object(), "{v}");
});

both!(new_account_must_change_password, |app: TestApp| async move {
    let admin = app.token("admin").await;
    let org = app.org_id("XW-D02").await;
    let (s, v) = app.send_json(reqwest::Method::POST, &admin, "/api/v1/users", json!({"username": "newbie", "display_name": "新人", "org_id": org})).await;
    assert_eq!(s, 201, "{v}");
    let pw = v["one_time_password"].as_str().unwrap().to_string();
    // duplicate username: a field error
    let (s, v) = app.send_json(reqwest::Method::POST, &admin, "/api/v1/users", json!({"username": "newbie", "display_name": "新人"})).await;
    assert_eq!(s, 422);
    assert_eq!(v["fields"]["username"], "用户名已存在");

    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "newbie"), ("password", pw.as_str()), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let page = c.get(app.url("/account/password")).send().await.unwrap().text().await.unwrap();
    let csrf = page.split("name=\"csrf-token\" content=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // weak password refused with a Chinese message at the field
    let r = c.post(app.url("/account/password")).form(&[("_csrf", csrf.as_str()), ("current", pw.as_str()), ("new", "short"), ("confirm", "short")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("密码至少需要10个字符"));
    let r = c.post(app.url("/account/password")).form(&[("_csrf", csrf.as_str()), ("current", pw.as_str()), ("new", "Better#Pass2026"), ("confirm", "Better#Pass2026")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
});

both!(forms_need_csrf_and_headers_are_strict, |app: TestApp| async move {
    let (c, csrf) = app.sign_in("jw_staff").await;
    assert!(!csrf.is_empty());
    let org = app.org_id("XW-D03").await.to_string();
    // without the token: refused, nothing written but the refusal itself
    let before = app.audit_count().await;
    let r = c.post(app.url("/people")).form(&[("org_id", org.as_str()), ("name", "甲"), ("gender", "male")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.audit_count().await, before + 1);
    let (action,): (String,) = app.state.db.fetch_one(lianzheng_store::q("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(action, "access.denied");
    // with it: created
    let r = c.post(app.url("/people")).form(&[("_csrf", csrf.as_str()), ("org_id", org.as_str()), ("name", "甲"), ("gender", "male")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count().await, before + 2);
    let r = c.get(app.url("/people")).send().await.unwrap();
    let h = r.headers();
    assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    // sign out ends the session
    let r = c.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/people")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
});

both!(audit_chain_detects_tampering, |app: TestApp| async move {
    assert!(matches!(verify_chain(&app.state.db).await.unwrap(), ChainCheck::Intact { .. }));
    app.state.db.execute(lianzheng_store::q("UPDATE audit_log SET summary = '{}' WHERE seq = 5")).await.unwrap();
    match verify_chain(&app.state.db).await.unwrap() {
        ChainCheck::Broken { seq, .. } => assert_eq!(seq, 5),
        other => panic!("tampering not detected: {other:?}"),
    }
});

both!(health_and_openapi, |app: TestApp| async move {
    let v: serde_json::Value = app.client().get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["status"], "ok");
    let expected = if app.settings.database_url.is_empty() { "sqlite" } else { "postgres" };
    assert_eq!(v["database"], expected);
    let doc: serde_json::Value = app.client().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    for op in lianzheng_web::api::all_ops() {
        let path = format!("/api/v1{}", op.path);
        assert!(doc["paths"][&path][op.method].is_object(), "{} {path} documented", op.method);
    }
});
