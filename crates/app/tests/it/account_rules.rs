//! 基座加固, item 5: the account rules. A reset takes effect only when the 安全保密管理员
//! approves it; administrators do not act on each other's accounts; TOTP codes count toward
//! lockout and are accepted once; a password change ends the other sessions; API tokens idle
//! out and expire; X-Forwarded-For only from trusted proxies; failed sign-ins answer 401;
//! `next=` stays on the site.

use std::net::SocketAddr;
use std::sync::Arc;

use lianzheng_store::q;
use lianzheng_web::{AppState, Policy, RateLimiter};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

async fn user_id(app: &TestApp, username: &str) -> i64 {
    lianzheng_store::users::get_by_username(&app.state.db, username).await.unwrap().unwrap().id.get()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// A six-digit code that is none of the codes valid around now.
fn wrong_code(secret: &str) -> String {
    let t = unix_now();
    let valid: Vec<String> = [t - 60, t - 30, t, t + 30, t + 60].iter().map(|t| lianzheng_core::totp::code_at(secret, *t).unwrap()).collect();
    (0..).map(|n: u32| format!("{:06}", n * 7919 % 1_000_000)).find(|c| !valid.contains(c)).unwrap()
}

async fn audit_actions(app: &TestApp, entity_id: i64) -> Vec<(String, String)> {
    app.state.db.fetch_all::<(String, String)>(q("SELECT action, summary FROM audit_log WHERE entity = 'user' AND entity_id = $1 ORDER BY seq").bind(entity_id.to_string())).await.unwrap()
}

fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf-token\" content=\"").nth(1).or_else(|| page.split("name=\"_csrf\" value=\"").nth(1)).and_then(|s| s.split('"').next()).unwrap_or("").to_string()
}

async fn api_login(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app.client().post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A browser session of an administrator past the second factor (enrolled on the fly).
async fn admin_browser(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let secret = app.enrol_totp(username).await;
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", username), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login/totp"));
    let page = c.get(app.url("/login/totp?next=/")).send().await.unwrap().text().await.unwrap();
    let code = lianzheng_core::totp::code_at(&secret, unix_now()).unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("_csrf", csrf_of(&page).as_str()), ("code", code.as_str()), ("next", "/account")]).send().await.unwrap();
    assert_eq!(r.status(), 303, "second factor for {username}");
    let page = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    (c, csrf_of(&page))
}

both!(a_reset_takes_effect_only_when_the_security_admin_approves, |app: TestApp| async move {
    let admin = app.token("admin").await;
    let sec = app.token("secadmin").await;
    let jw_id = user_id(&app, "jw_staff").await;
    let jw = app.token("jw_staff").await;

    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{jw_id}/reset-password"), json!({})).await;
    assert_eq!(s, 202, "{v}");
    assert_eq!(v["status"], "pending");
    assert!(v.get("one_time_password").is_none(), "the requester never sees a password");
    let rid = v["request_id"].as_i64().unwrap();

    // nothing has changed yet
    assert_eq!(app.get_json(&jw, "/api/v1/me").await.0, 200);
    assert_eq!(api_login(&app, json!({"username": "jw_staff", "password": PW})).await.0, 200);
    // one open request per account
    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{jw_id}/reset-password"), json!({})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("待审批"), "{v}");
    // the requester cannot approve
    let (s, _) = app.send_json(Method::POST, &admin, &format!("/api/v1/password-resets/{rid}/approve"), json!({})).await;
    assert_eq!(s, 403);

    // the 安全保密管理员 sees it and approves
    let (s, v) = app.get_json(&sec, "/api/v1/password-resets").await;
    assert_eq!(s, 200);
    let pending = v["pending"].as_array().unwrap();
    assert!(pending.iter().any(|r| r["id"] == rid && r["username"] == "jw_staff" && r["requested_by_name"] == "系统管理员"), "{v}");
    let (s, v) = app.send_json(Method::POST, &sec, &format!("/api/v1/password-resets/{rid}/approve"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    let pw = v["one_time_password"].as_str().unwrap().to_string();
    assert!(v["sessions_revoked"].as_i64().unwrap() >= 2);
    let (s, _) = app.send_json(Method::POST, &sec, &format!("/api/v1/password-resets/{rid}/approve"), json!({})).await;
    assert_eq!(s, 409, "decided once");

    // every session and token of the account has ended; the old password is refused
    assert_eq!(app.get_json(&jw, "/api/v1/me").await.0, 401);
    assert_eq!(api_login(&app, json!({"username": "jw_staff", "password": PW})).await.0, 401);
    // the new one signs in, and the account is told
    let (s, v) = api_login(&app, json!({"username": "jw_staff", "password": pw})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["must_change_password"], true);
    let notice = v["notice"].as_str().unwrap();
    assert!(notice.contains("您的密码已由管理员于") && notice.contains("重置"), "{notice}");
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "jw_staff"), ("password", pw.as_str()), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let page = c.get(app.url("/account/password")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("您的密码已由管理员于"), "told on the page too");

    let actions: Vec<String> = audit_actions(&app, jw_id).await.into_iter().map(|a| a.0).collect();
    for a in ["user.reset_request", "user.reset_password", "user.reset_approve"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }

    // a rejected request changes nothing
    let dw_id = user_id(&app, "dw_jyj").await;
    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{dw_id}/reset-password"), json!({})).await;
    assert_eq!(s, 202);
    let rid = v["request_id"].as_i64().unwrap();
    let (s, _) = app.send_json(Method::POST, &sec, &format!("/api/v1/password-resets/{rid}/reject"), json!({})).await;
    assert_eq!(s, 204);
    assert_eq!(api_login(&app, json!({"username": "dw_jyj", "password": PW})).await.0, 200);
    assert!(audit_actions(&app, dw_id).await.iter().any(|a| a.0 == "user.reset_reject"));
    let (_, v) = app.get_json(&sec, "/api/v1/password-resets").await;
    assert!(v["pending"].as_array().unwrap().is_empty());
    assert!(v["recent"].as_array().unwrap().iter().any(|r| r["id"] == rid && r["status"] == "rejected"));
});

both!(the_reset_pages_of_both_admins, |app: TestApp| async move {
    let (admin, admin_csrf) = admin_browser(&app, "admin").await;
    let (sec, sec_csrf) = admin_browser(&app, "secadmin").await;
    let gb_id = user_id(&app, "gb_jyj").await;
    let r = admin.post(app.url(&format!("/admin/users/{gb_id}/reset"))).form(&[("_csrf", admin_csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("待安全保密管理员审批后生效"), "the requester is told it waits");
    assert!(!page.contains("只显示这一次"), "and sees no password");

    let page = sec.get(app.url("/admin/grants")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("1 条密码重置申请待您审批"), "the approver is told on the grants page");
    let page = sec.get(app.url("/admin/resets")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("gb_jyj"));
    let rid: i64 = page.split("/admin/resets/").nth(1).and_then(|s| s.split('/').next()).unwrap().parse().unwrap();
    let r = sec.post(app.url(&format!("/admin/resets/{rid}/approve"))).form(&[("_csrf", sec_csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let pw = page.split("one-time-password\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_string();
    assert_eq!(api_login(&app, json!({"username": "gb_jyj", "password": pw})).await.0, 200);
    // the 系统管理员 cannot reach the approval page
    assert_eq!(admin.get(app.url("/admin/resets")).send().await.unwrap().status(), 403);
});

both!(administrators_do_not_act_on_each_others_accounts, |app: TestApp| async move {
    let admin = app.token("admin").await;
    let sec = app.token("secadmin").await;
    let (admin_id, sec_id, aud_id, jw_id) = (user_id(&app, "admin").await, user_id(&app, "secadmin").await, user_id(&app, "auditor").await, user_id(&app, "jw_staff").await);

    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{sec_id}/reset-password"), json!({})).await;
    assert_eq!(s, 403);
    assert!(v["message"].as_str().unwrap().contains("lianzheng user reset-password"), "the break-glass path is named: {v}");
    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{admin_id}/reset-password"), json!({})).await;
    assert_eq!(s, 403);
    assert!(v["message"].as_str().unwrap().contains("自己"), "{v}");
    let (s, v) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{aud_id}/disable"), json!({})).await;
    assert_eq!(s, 403);
    assert!(v["message"].as_str().unwrap().contains("三员"), "{v}");

    // grants of an administrator are not changed by another
    let (s, v) = app.send_json(Method::POST, &sec, &format!("/api/v1/users/{aud_id}/grants"), json!({"role": "system_admin"})).await;
    assert_eq!(s, 403, "{v}");
    assert!(v["message"].as_str().unwrap().contains("三员"));
    let (_, g) = app.get_json(&sec, &format!("/api/v1/users/{admin_id}/grants")).await;
    let gid = g["items"][0]["id"].as_i64().unwrap();
    let (s, _) = app.send_json(Method::DELETE, &sec, &format!("/api/v1/grants/{gid}"), json!({})).await;
    assert_eq!(s, 403);
    let (s, _) = app.send_json(Method::POST, &sec, &format!("/api/v1/users/{sec_id}/grants"), json!({"role": "auditor"})).await;
    assert_eq!(s, 403, "not to themself");
    // an admin role is not added to a business account
    let (s, v) = app.send_json(Method::POST, &sec, &format!("/api/v1/users/{jw_id}/grants"), json!({"role": "auditor"})).await;
    assert_eq!(s, 422, "{v}");

    // business accounts are still kept by the 系统管理员
    let jw = app.token("jw_staff").await;
    let (s, _) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{jw_id}/disable"), json!({})).await;
    assert_eq!(s, 204);
    assert_eq!(app.get_json(&jw, "/api/v1/me").await.0, 401);
    assert_eq!(api_login(&app, json!({"username": "jw_staff", "password": PW})).await.0, 401);
    let (s, _) = app.send_json(Method::POST, &admin, &format!("/api/v1/users/{jw_id}/enable"), json!({})).await;
    assert_eq!(s, 204);
    assert_eq!(api_login(&app, json!({"username": "jw_staff", "password": PW})).await.0, 200);
});

both!(totp_codes_count_toward_lockout_and_are_accepted_once, |app: TestApp| async move {
    // wrong codes lock the account like wrong passwords, and are audited as such
    let secret = app.enrol_totp("jw_staff").await;
    let jw_id = user_id(&app, "jw_staff").await;
    let bad = wrong_code(&secret);
    for i in 0..4 {
        let (s, v) = api_login(&app, json!({"username": "jw_staff", "password": PW, "totp": bad})).await;
        assert_eq!(s, 401, "attempt {i}");
        assert_eq!(v["message"], "动态验证码错误");
    }
    let (s, v) = api_login(&app, json!({"username": "jw_staff", "password": PW, "totp": bad})).await;
    assert_eq!(s, 401);
    assert!(v["message"].as_str().unwrap().contains("锁定"), "{v}");
    let good = lianzheng_core::totp::code_at(&secret, unix_now()).unwrap();
    assert_eq!(api_login(&app, json!({"username": "jw_staff", "password": PW, "totp": good})).await.0, 401, "locked");
    let audit = audit_actions(&app, jw_id).await;
    assert_eq!(audit.iter().filter(|a| a.0 == "user.totp_failed").count(), 4);
    assert!(audit.iter().any(|a| a.0 == "user.login_locked" && a.1.contains("totp")), "{audit:?}");

    // a code is accepted once per account
    let secret = app.enrol_totp("dw_jyj").await;
    let dw_id = user_id(&app, "dw_jyj").await;
    let code = lianzheng_core::totp::code_at(&secret, unix_now()).unwrap();
    let body = json!({"username": "dw_jyj", "password": PW, "totp": code});
    assert_eq!(api_login(&app, body.clone()).await.0, 200);
    let (s, v) = api_login(&app, body).await;
    assert_eq!(s, 401);
    assert!(v["message"].as_str().unwrap().contains("已使用"), "{v}");
    assert!(audit_actions(&app, dw_id).await.iter().any(|a| a.0 == "user.totp_failed" && a.1.contains("\"replay\":true")));
    // the next time step's code is fine
    let next = lianzheng_core::totp::code_at(&secret, unix_now() + 30).unwrap();
    assert_eq!(api_login(&app, json!({"username": "dw_jyj", "password": PW, "totp": next})).await.0, 200);

    // the browser's second step answers 401 with the reason
    let secret = app.enrol_totp("sj_jyj").await;
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "sj_jyj"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url("/login/totp")).send().await.unwrap().text().await.unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("_csrf", csrf_of(&page).as_str()), ("code", wrong_code(&secret).as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("动态验证码错误"));
});

both!(a_forced_password_change_comes_after_the_second_factor, |app: TestApp| async move {
    let secret = app.enrol_totp("bz_jyj").await;
    let id = user_id(&app, "bz_jyj").await;
    app.state.db.execute(q("UPDATE users SET must_change_password = TRUE WHERE id = $1").bind(id)).await.unwrap();
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "bz_jyj"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/login/totp", "the factor first");
    let r = c.get(app.url("/account/password")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/login/totp");
    let page = c.get(app.url("/login/totp")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = c.post(app.url("/account/password")).form(&[("_csrf", csrf.as_str()), ("current", PW), ("new", "Better#Pass2026"), ("confirm", "Better#Pass2026")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login/totp");
    assert_eq!(api_login(&app, json!({"username": "bz_jyj", "password": PW, "totp": lianzheng_core::totp::code_at(&secret, unix_now()).unwrap()})).await.0, 200, "password unchanged");
    // past the factor (next step's code: this one was just used), the change is asked for and allowed
    let code = lianzheng_core::totp::code_at(&secret, unix_now() + 30).unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("_csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let r = c.post(app.url("/account/password")).form(&[("_csrf", csrf.as_str()), ("current", PW), ("new", "Better#Pass2026"), ("confirm", "Better#Pass2026")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200);
});

both!(a_password_change_ends_the_other_sessions, |app: TestApp| async move {
    let (c1, csrf) = app.sign_in("jw_staff").await;
    let (c2, _) = app.sign_in("jw_staff").await;
    let token = app.token("jw_staff").await;
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 200);
    let r = c1.post(app.url("/account/password")).form(&[("_csrf", csrf.as_str()), ("current", PW), ("new", "Better#Pass2026"), ("confirm", "Better#Pass2026")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(c1.get(app.url("/account")).send().await.unwrap().status(), 200, "this session stays");
    let r = c2.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303, "the other browser is signed out");
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    assert_eq!(app.get_json(&token, "/api/v1/me").await.0, 401, "and the API token");
    let id = user_id(&app, "jw_staff").await;
    assert!(audit_actions(&app, id).await.iter().any(|a| a.0 == "user.change_password" && a.1.contains("\"sessions_revoked\":2")));
});

both!(api_tokens_idle_out_and_expire, |app: TestApp| async move {
    let idle = app.state.policy.api_token_idle_minutes * 60;
    let life = app.state.policy.api_token_hours * 3600;
    let hash = |t: &str| lianzheng_web::auth::token_hash(t);

    let t1 = app.token("jw_staff").await;
    app.state.db.execute(q("UPDATE sessions SET last_seen_at = last_seen_at - $1 WHERE token_hash = $2").bind(idle + 5).bind(hash(&t1))).await.unwrap();
    assert_eq!(app.get_json(&t1, "/api/v1/me").await.0, 401, "unused too long");

    // a token older than the lifetime now in force is refused, even if its row says otherwise
    let t2 = app.token("jw_staff").await;
    app.state.db.execute(q("UPDATE sessions SET created_at = created_at - $1 WHERE token_hash = $2").bind(life + 5).bind(hash(&t2))).await.unwrap();
    assert_eq!(app.get_json(&t2, "/api/v1/me").await.0, 401, "past its lifetime");
    let gone = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM sessions WHERE token_hash = $1").bind(hash(&t2))).await.unwrap();
    assert_eq!(gone, 0, "and removed");

    // in use, a token stays
    let t3 = app.token("jw_staff").await;
    app.state.db.execute(q("UPDATE sessions SET last_seen_at = last_seen_at - $1 WHERE token_hash = $2").bind(idle - 120).bind(hash(&t3))).await.unwrap();
    assert_eq!(app.get_json(&t3, "/api/v1/me").await.0, 200);
    let seen = app.state.db.scalar_i64(q("SELECT last_seen_at FROM sessions WHERE token_hash = $1").bind(hash(&t3))).await.unwrap();
    assert!(seen >= lianzheng_store::now() - 5, "use is recorded");
});

/// The router served with the peer address known, as `lianzheng serve` does.
async fn serve_with_peer(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = lianzheng_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, service).await;
    });
    format!("http://{addr}")
}

fn with_policy(app: &TestApp, f: impl FnOnce(&mut Policy)) -> AppState {
    let mut st = app.state.clone();
    let mut p = (*app.state.policy).clone();
    f(&mut p);
    st.policy = Arc::new(p);
    st.limiter = Arc::new(RateLimiter::default());
    st
}

async fn last_login_ip(app: &TestApp) -> Option<String> {
    app.state.db.fetch_one::<(Option<String>,)>(q("SELECT ip FROM audit_log WHERE action = 'user.login' ORDER BY seq DESC LIMIT 1")).await.unwrap().0
}

both!(forwarded_for_is_believed_only_from_trusted_proxies, |app: TestApp| async move {
    let body = json!({"username": "jw_staff", "password": PW});
    // no trusted proxies: the header is ignored, and cannot dodge the sign-in limit either
    let base = serve_with_peer(with_policy(&app, |p| p.login_rate_per_minute = 2)).await;
    for (i, xff) in ["203.0.113.1", "203.0.113.2", "203.0.113.3"].iter().enumerate() {
        let r = app.client().post(format!("{base}/api/v1/auth/login")).header("x-forwarded-for", *xff).json(&body).send().await.unwrap();
        assert_eq!(r.status(), if i < 2 { 200 } else { 429 }, "attempt {i}");
        if i == 0 {
            assert_eq!(last_login_ip(&app).await.as_deref(), Some("127.0.0.1"));
        }
    }
    // from a trusted proxy: the first address not a trusted proxy, read from the right
    let base = serve_with_peer(with_policy(&app, |p| p.trusted_proxies = vec!["127.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()])).await;
    let r = app.client().post(format!("{base}/api/v1/auth/login")).header("x-forwarded-for", "198.51.100.7, 203.0.113.9, 10.0.0.2").json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last_login_ip(&app).await.as_deref(), Some("203.0.113.9"));
    let r = app.client().post(format!("{base}/api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last_login_ip(&app).await.as_deref(), Some("127.0.0.1"), "no header: the proxy itself");
});

both!(a_failed_sign_in_answers_401_and_next_stays_on_the_site, |app: TestApp| async move {
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", "jw_staff"), ("password", "wrong-password"), ("next", "/people")]).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let page = r.text().await.unwrap();
    assert!(page.contains("用户名或密码错误") && page.contains("id=\"username\""), "the form again with the reason");
    assert!(page.contains("value=\"/people\""), "next kept");

    for (next, to) in [("//evil.example/x", "/"), ("/\\evil.example", "/"), ("https://evil.example", "/"), ("/\t/evil.example", "/"), ("/people?page=2", "/people?page=2")] {
        let c = app.browser();
        let r = c.post(app.url("/login")).form(&[("username", "jw_staff"), ("password", PW), ("next", next)]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], to, "next={next:?}");
    }
    let page = app.client().get(app.url("/login?next=%2F%2Fevil.example")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"next\" value=\"/\""), "the form does not carry it either");
});

both!(sign_ins_in_parallel_all_finish, |app: TestApp| async move {
    // argon2 runs on the blocking pool, a few at a time: a burst queues and completes
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (c, url) = (app.client(), app.url("/api/v1/auth/login"));
        set.spawn(async move { c.post(url).json(&json!({"username": "jw_staff", "password": PW})).send().await.unwrap().status().as_u16() });
    }
    let statuses = set.join_all().await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
});
