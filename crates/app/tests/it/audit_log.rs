//! The audit log reads for the 安全审计员: every action code in the source has a Chinese
//! label, summaries carry ids and field names rather than business text, and downloads,
//! exports, ID-number look-ups and refused requests are logged.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lianzheng_core::audit_labels;
use lianzheng_store::q;
use serde_json::{Value, json};

use crate::both;
use crate::harness::{PW, TestApp};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level arguments of the call whose `(` is at `open`.
fn call_args(src: &str, open: usize) -> Vec<String> {
    let (mut depth, mut in_str, mut esc) = (0i32, false, false);
    let (mut args, mut cur) = (Vec::new(), String::new());
    for ch in src[open..].chars() {
        if in_str {
            cur.push(ch);
            match (esc, ch) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => {
                in_str = true;
                cur.push(ch);
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > 1 {
                    cur.push(ch);
                }
            }
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(cur.trim().to_string());
                    return args;
                }
                cur.push(ch);
            }
            ',' if depth == 1 => args.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(ch),
        }
    }
    args
}

fn literals(arg: &str) -> Vec<String> {
    arg.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Every action code the source passes to the audit log: the third argument of `record`,
/// `record_alone` and `record_read`, the second of `log_read`.
fn actions_in_source() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for c in ["crates/store/src", "crates/web/src", "crates/app/src"] {
        rust_files(&root.join(c), &mut files);
    }
    let mut found = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // unit tests may log made-up actions
        let src = text.split("#[cfg(test)]").next().unwrap();
        for (name, index) in [("record(", 2), ("record_alone(", 2), ("record_read(", 2), ("log_read(", 1)] {
            for (at, _) in src.match_indices(name) {
                let before = &src[..at];
                // a definition, or another function whose name ends the same way
                if before.ends_with("fn ") || before.ends_with('_') || before.chars().last().is_some_and(char::is_alphanumeric) {
                    continue;
                }
                let args = call_args(src, at + name.len() - 1);
                let Some(arg) = args.get(index) else { continue };
                let lits = literals(arg);
                assert!(!lits.is_empty() || !arg.starts_with('"'), "{}: {name} with action {arg}", f.display());
                found.extend(lits);
            }
        }
    }
    found
}

#[test]
fn every_action_in_the_source_has_a_chinese_label() {
    let used = actions_in_source();
    assert!(used.len() > 40, "the scan found too few actions: {used:?}");
    for a in &used {
        assert!(a.contains('.'), "action {a} does not name its object (对象.动作)");
        assert!(audit_labels::label(a).is_some(), "action {a} has no label in crates/core/src/audit_labels.rs");
    }
    // and the table holds nothing the source never writes
    for (code, _) in audit_labels::all() {
        assert!(used.contains(code), "label for {code}, which nothing writes");
    }
}

/// Signs in to the pages as an admin role (with the second factor).
async fn sign_in_admin(app: &TestApp, username: &str) -> reqwest::Client {
    let secret = app.enrol_totp(username).await;
    let c = app.browser();
    let r = c.post(app.url("/login")).form(&[("username", username), ("password", PW), ("next", "/audit")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url("/login/totp?next=/audit")).send().await.unwrap().text().await.unwrap();
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = lianzheng_core::totp::code_at(&secret, now).unwrap();
    let r = c.post(app.url("/login/totp")).form(&[("_csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/audit")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    c
}

async fn last(app: &TestApp, action: &str) -> Option<(Option<i64>, Option<String>, Value)> {
    let row: Option<(Option<i64>, Option<String>, String)> = app.state.db.fetch_optional(q("SELECT actor_id, entity_id, summary FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1").bind(action)).await.unwrap();
    row.map(|(a, e, s)| (a, e, serde_json::from_str(&s).unwrap()))
}

both!(reads_and_refusals_are_logged_and_the_auditor_reads_labels, |app: TestApp| async move {
    let staff = lianzheng_store::users::get_by_username(&app.state.db, "jw_staff").await.unwrap().unwrap();
    let t = app.token("jw_staff").await;

    // a refused request: who, method and path, never the query string
    assert_eq!(app.get_json(&t, "/api/v1/audit?actor=secret-term").await.0, 403);
    let (actor, _, s) = last(&app, "access.denied").await.expect("refusal logged");
    assert_eq!(actor, Some(staff.id.get()));
    assert_eq!(s, json!({"method": "GET", "path": "/api/v1/audit", "code": "forbidden"}));
    let (c, _) = app.sign_in("jw_staff").await;
    assert_eq!(c.get(app.url("/audit?actor=x")).send().await.unwrap().status(), 403);
    let (_, _, s) = last(&app, "access.denied").await.unwrap();
    assert_eq!(s["path"], "/audit");
    // a step the person is sent through is not a refusal
    let n = app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'")).await.unwrap();
    let admin = app.browser();
    admin.post(app.url("/login")).form(&[("username", "admin"), ("password", PW), ("next", "/")]).send().await.unwrap();
    assert_eq!(admin.get(app.url("/admin/users")).send().await.unwrap().status(), 303);
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'")).await.unwrap(), n);

    // a look-up by ID number: logged with the person found, the number nowhere in the log
    let org = app.org_id("XW-D03").await;
    let (st, v) = app.send_json(reqwest::Method::POST, &t, "/api/v1/people", json!({"org_id": org, "name": "周某某", "id_number": "11010519491231002X"})).await;
    assert_eq!(st, 201, "{v}");
    let (_, v) = app.get_json(&t, "/api/v1/people?q=11010519491231002X").await;
    let id = v["items"][0]["id"].as_i64().unwrap();
    let (actor, entity_id, s) = last(&app, "person.id_lookup").await.expect("look-up logged");
    assert_eq!((actor, entity_id, s), (Some(staff.id.get()), Some(id.to_string()), json!({"found": true})));
    // the person's name is business text: the entry names the field only
    let (_, _, s) = last(&app, "person.create").await.unwrap();
    assert_eq!(s["after"]["fields"], json!(["id_number", "name"]), "{s}");
    let all: Vec<(String,)> = app.state.db.fetch_all(q("SELECT summary FROM audit_log")).await.unwrap();
    assert!(all.iter().all(|(s,)| !s.contains("1949") && !s.contains("周某某")), "business text in the log");

    // exports and downloads
    assert_eq!(c.get(app.url("/orgs/export.xlsx")).send().await.unwrap().status(), 200);
    assert_eq!(last(&app, "org.export").await.unwrap().0, Some(staff.id.get()));
    assert_eq!(c.get(app.url("/people/export.xlsx")).send().await.unwrap().status(), 200);
    assert!(last(&app, "person.export").await.unwrap().2["rows"].as_i64().unwrap() > 0);
    let form = reqwest::multipart::Form::new().text("org_id", org.to_string()).part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("纪要.pdf"));
    let r = app.client().post(app.url("/api/v1/attachments")).bearer_auth(&t).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let att = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.client().get(app.url(&format!("/api/v1/attachments/{att}"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n%%EOF\n");
    let (_, entity_id, s) = last(&app, "attachment.download").await.expect("download logged");
    assert_eq!(entity_id, Some(att.to_string()));
    assert_eq!(s["org_id"], org);

    // the auditor's page and export show the labels, and the chain still holds
    let auditor = sign_in_admin(&app, "auditor").await;
    let page = auditor.get(app.url("/audit")).send().await.unwrap().text().await.unwrap();
    for label in ["按身份证号查询人员", "越权访问被拒绝", "下载附件", "导出组织机构", "新增人员"] {
        assert!(page.contains(label), "{label} not on the audit page");
    }
    let page = auditor.get(app.url("/audit?action=person.create")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("新增人员") && !page.contains("下载附件</td>"));
    let xlsx = auditor.get(app.url("/audit/export.xlsx")).send().await.unwrap().bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert!(last(&app, "audit.export").await.is_some());
    assert!(matches!(lianzheng_store::audit::verify_chain(&app.state.db).await.unwrap(), lianzheng_store::audit::ChainCheck::Intact { .. }));
});
