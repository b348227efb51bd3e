//! Background jobs under a lease, idle sessions, and the command-line tools.

use std::process::Command;

use lianzheng_store::{jobs, q};

use crate::both;
use crate::harness::TestApp;

both!(a_job_is_claimed_by_one_worker_only, |app: TestApp| async move {
    let sched = lianzheng::schedule(&app.settings);
    lianzheng::jobs::ensure_scheduled(&app.state.db, &sched).await.unwrap();
    jobs::run_soon(&app.state.db, "audit_verify").await.unwrap();
    jobs::run_soon(&app.state.db, "session_cleanup").await.unwrap();
    let a = jobs::claim(&app.state.db, "node-a", 600).await.unwrap().unwrap();
    let b = jobs::claim(&app.state.db, "node-b", 600).await.unwrap().unwrap();
    assert_ne!(a.id, b.id, "two nodes never hold the same job");
    assert!(jobs::claim(&app.state.db, "node-c", 600).await.unwrap().is_none());
    // a node that is not the holder cannot release it
    jobs::finish(&app.state.db, a.id, "node-c", 0, None).await.unwrap();
    assert!(jobs::claim(&app.state.db, "node-c", 600).await.unwrap().is_none());
    jobs::finish(&app.state.db, a.id, "node-a", 0, None).await.unwrap();
    jobs::finish(&app.state.db, b.id, "node-b", 0, None).await.unwrap();
    // the worker runs both and records a clean result
    let mut ran = Vec::new();
    while let Some(kind) = lianzheng::jobs::run_once(&app.state.db, "node-x", &sched).await.unwrap() {
        ran.push(kind);
    }
    ran.sort();
    assert_eq!(ran, vec!["audit_verify".to_string(), "session_cleanup".to_string()]);
    for j in jobs::list(&app.state.db).await.unwrap() {
        assert!(j.last_error.is_none(), "{}: {:?}", j.kind, j.last_error);
    }
    // a tampered log makes the daily check record the broken link
    app.state.db.execute(q("UPDATE audit_log SET actor_name = 'x' WHERE seq = 3")).await.unwrap();
    jobs::run_soon(&app.state.db, "audit_verify").await.unwrap();
    lianzheng::jobs::run_once(&app.state.db, "node-x", &sched).await.unwrap();
    let j = jobs::list(&app.state.db).await.unwrap().into_iter().find(|j| j.kind == "audit_verify").unwrap();
    assert!(j.last_error.unwrap().contains("第3条"));
    // people read the jobs by their labels, and a kind no module declares is named as unknown
    let (ok, out) = cli(&app, &["jobs"]);
    assert!(ok && out.contains("审计日志链校验") && out.contains("会话清理") && out.contains("任务到期提醒") && out.contains("失败：日志链断裂"), "{out}");
    assert!(!out.contains("audit_verify"), "{out}");
    jobs::ensure(&app.state.db, "retired_kind", 0).await.unwrap();
    assert_eq!(lianzheng::jobs::run_once(&app.state.db, "node-x", &sched).await.unwrap().as_deref(), Some("retired_kind"));
    let j = jobs::list(&app.state.db).await.unwrap().into_iter().find(|j| j.kind == "retired_kind").unwrap();
    assert_eq!(j.last_error.as_deref(), Some("未知任务类型：retired_kind"));
});

both!(idle_sessions_expire, |app: TestApp| async move {
    let (c, _) = app.sign_in("jw_staff").await;
    assert_eq!(c.get(app.url("/people")).send().await.unwrap().status(), 200);
    let idle = app.settings.idle_timeout_minutes * 60 + 5;
    app.state.db.execute(q("UPDATE sessions SET last_seen_at = last_seen_at - $1").bind(idle)).await.unwrap();
    // written behind the server's back: seen once the cached principal is dropped (within seconds)
    app.state.caches.generation.bump_all();
    let r = c.get(app.url("/people")).send().await.unwrap();
    assert_eq!(r.status(), 303, "idle session sent back to sign-in");
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM sessions WHERE kind = 'web'")).await.unwrap(), 0);
});

both!(unit_files_from_the_org_page, |app: TestApp| async move {
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let org = app.org_id("XW-D08").await;
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(crate::harness::TINY_PDF.to_vec()).file_name("党组会议纪要.pdf"));
    let r = c.post(app.url(&format!("/orgs/{org}/attachments?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url(&format!("/orgs/{org}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("党组会议纪要.pdf"));
    let href = page.split("href=\"/attachments/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let body = c.get(app.url(&format!("/attachments/{href}"))).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&body[..], crate::harness::TINY_PDF);
    // a forbidden type is refused at the field and nothing is stored
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("run.sh"));
    let r = c.post(app.url(&format!("/orgs/{org}/attachments?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不支持的文件类型"));
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM attachments")).await.unwrap(), 1);
});

fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lianzheng"));
    cmd.args(args).arg("--data").arg(&app.dir).env("LIANZHENG_ARGON2_M_COST", "256").env("LIANZHENG_ARGON2_T_COST", "1").env("LIANZHENG_LOG", "error");
    if !app.settings.database_url.is_empty() {
        cmd.arg("--database-url").arg(&app.settings.database_url);
    }
    let out = cmd.output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

both!(command_line_tools, |app: TestApp| async move {
    let (ok, out) = cli(&app, &["audit", "verify"]);
    assert!(ok && out.contains("完整"), "{out}");
    let (ok, out) = cli(&app, &["user", "create", "--username", "clerk", "--name", "办事员", "--role", "单位党务工作人员", "--org", "XW-D02"]);
    assert!(ok && out.contains("一次性初始密码"), "{out}");
    let (ok, out) = cli(&app, &["user", "create", "--username", "clerk", "--name", "办事员"]);
    assert!(!ok && out.contains("用户名已存在"), "{out}");
    let (ok, out) = cli(&app, &["user", "unlock", "--username", "nobody"]);
    assert!(!ok && out.contains("不存在"), "{out}");
    let (ok, out) = cli(&app, &["user", "reset-password", "--username", "clerk"]);
    assert!(ok && out.contains("一次性密码"), "{out}");
    let archive = app.dir.join("backup.jsonl");
    let (ok, out) = cli(&app, &["backup", "--to", archive.to_str().unwrap()]);
    assert!(ok, "{out}");
    // the backup holds every table: the owner alone reads it
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&archive).unwrap().permissions().mode() & 0o777, 0o600);
    // restoring into the same (non-empty) database is refused
    let (ok, out) = cli(&app, &["restore", "--from", archive.to_str().unwrap()]);
    assert!(!ok && out.contains("已有数据"), "{out}");
    // tampering is named by its first broken link
    app.state.db.execute(q("UPDATE audit_log SET summary = '{\"x\":1}' WHERE seq = 7")).await.unwrap();
    let (ok, out) = cli(&app, &["audit", "verify"]);
    assert!(!ok && out.contains("第 7 条"), "{out}");
    // a named settings file that is missing is an error
    let (ok, out) = cli(&app, &["migrate", "--config", "/nonexistent/lianzheng.toml"]);
    assert!(!ok && out.contains("配置文件不存在"), "{out}");
});
