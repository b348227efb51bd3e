//! 考责 — 廉政测评: meetings and one-time codes, the public voting page (one ballot per code,
//! Chinese refusals, nothing typed lost), the rates, who may organise, anonymity proven
//! against the database itself, and a ballot storm through a SIGKILL of the real server.

use lianzheng_store::{Backend, q, q_built};
use reqwest::Method;
use serde_json::json;

use crate::both;
use crate::harness::TestApp;

/// A campaign of the county 纪委 over 教育局 (XW-D08) and one more unit; returns (campaign id,
/// 教育局's unit id, the other unit id).
pub async fn campaign(app: &TestApp) -> (i64, i64, i64) {
    let db = &app.state.db;
    let (jw_org, jw_path): (i64, String) = db.fetch_one(q("SELECT o.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = 'jw_staff'")).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = lianzheng_store::inspection::campaigns::insert(&mut tx, 2026, "2026年度党风廉政建设责任制检查考核", jw_org, &jw_path, None).await.unwrap();
    let mut units = Vec::new();
    for code in ["XW-D08", "XW-D03"] {
        let (org, path): (i64, String) = tx.fetch_one(q("SELECT id, path FROM orgs WHERE code = $1").bind(code)).await.unwrap();
        let (u,): (i64,) = tx.fetch_one(q("INSERT INTO inspection_units (campaign_id, org_id, org_path, spot_checked) VALUES ($1, $2, $3, TRUE) RETURNING id").bind(id).bind(org).bind(path)).await.unwrap();
        units.push(u);
    }
    tx.commit().await.unwrap();
    (id, units[0], units[1])
}

/// Holds a meeting through the API; returns (meeting id, codes).
pub async fn hold(app: &TestApp, token: &str, campaign: i64, unit: i64, n: usize) -> (i64, Vec<String>) {
    let (s, v) = app.send_json(Method::POST, token, &format!("/api/v1/inspection/ballots/campaigns/{campaign}/meetings"), json!({"unit_id": unit, "count": n})).await;
    assert_eq!(s, 201, "{v}");
    let codes = v["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    (v["meeting"]["id"].as_i64().unwrap(), codes)
}

/// The items' ids of a campaign's form.
async fn item_ids(app: &TestApp, campaign: i64) -> Vec<i64> {
    let rows: Vec<(i64,)> = app.state.db.fetch_all(q("SELECT id FROM inspection_ballot_items WHERE campaign_id = $1 ORDER BY seq").bind(campaign)).await.unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// Posts the voting form as a phone does (no account, no cookie).
async fn vote(app: &TestApp, code: &str, answers: &[(i64, &str)], comment: &str) -> (u16, String) {
    let mut form: Vec<(String, String)> = answers.iter().map(|(i, a)| (format!("a{i}"), a.to_string())).collect();
    form.push(("comment".into(), comment.into()));
    let r = reqwest::Client::new().post(app.url(&format!("/ballot/{code}"))).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

both!(a_meeting_votes_once_per_code_and_counts_rates, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (c, jyj, _) = campaign(&app).await;
    // the default form until the first meeting; then fixed
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/ballots/campaigns/{c}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["editable"], true);
    let (s, v) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/ballots/campaigns/{c}/form"), json!({"items": ["班子落实主体责任情况", "落实八项规定精神情况", "总体评价"]})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/ballots/campaigns/{c}/meetings"), json!({"unit_id": jyj, "count": 0})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["fields"]["count"].as_str().unwrap().contains("1～500"), "{v}");
    let before = app.audit_count().await;
    let (m, codes) = hold(&app, &jw, c, jyj, 4).await;
    assert_eq!(codes.len(), 4);
    assert_eq!(app.audit_count().await, before + 2, "meeting held and codes generated");
    let (s, _) = app.send_json(Method::PUT, &jw, &format!("/api/v1/inspection/ballots/campaigns/{c}/form"), json!({"items": ["改"]})).await;
    assert_eq!(s, 409);
    let items = item_ids(&app, c).await;
    assert_eq!(items.len(), 3);

    // the phone page opens without an account
    let r = reqwest::Client::new().get(app.url(&format!("/ballot/{}", codes[0]))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("某某县教育局") && html.contains("落实八项规定精神情况"), "{html}");
    // a bad code: 404 in Chinese, never a 500 (odd text, too long, lower case unknown)
    for bad in ["ZZZZZZZZZZ", "abc", "%E4%B8%AD%E6%96%87", &"A".repeat(300), "1' OR '1'='1"] {
        let r = reqwest::Client::new().get(app.url(&format!("/ballot/{bad}"))).send().await.unwrap();
        assert_eq!(r.status(), 404, "{bad}");
        assert!(r.text().await.unwrap().contains("测评码无效"));
        let (s, body) = vote(&app, bad, &[(items[0], "A")], "").await;
        assert_eq!(s, 404, "{bad}: {body}");
    }

    let audit = app.audit_count().await;
    // an item left out: 422, what was chosen and written is still there
    let (s, html) = vote(&app, &codes[0], &[(items[0], "A"), (items[1], "B")], "建议加强警示教育").await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("请对“总体评价”作出评价") && html.contains("建议加强警示教育") && html.contains(r#"value="B" checked"#), "{html}");
    // votes (labels are accepted as well as letters)
    let (s, html) = vote(&app, &codes[0], &[(items[0], "A"), (items[1], "B"), (items[2], "满意")], "建议加强警示教育").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("投票成功"));
    let (s, _) = vote(&app, &codes[1], &[(items[0], "C"), (items[1], "B"), (items[2], "A")], "").await;
    assert_eq!(s, 200);
    // the same code again: refused, in plain words, and not counted
    let (s, html) = vote(&app, &codes[0], &[(items[0], "C"), (items[1], "C"), (items[2], "C")], "").await;
    assert_eq!(s, 409);
    assert!(html.contains("该测评码已经使用过"), "{html}");
    let r = reqwest::Client::new().get(app.url(&format!("/ballot/{}", codes[0]))).send().await.unwrap();
    assert_eq!(r.status(), 409);
    // a code is case-blind when typed by hand
    let (s, _) = vote(&app, &codes[2].to_lowercase(), &[(items[0], "A"), (items[1], "A"), (items[2], "A")], "").await;
    assert_eq!(s, 200);
    assert_eq!(app.audit_count().await, audit, "a vote writes no audit entry");

    // live count and rates: item 1: A, C, A → 2/3; item 2: B, B, A → 100%; overall 8/9
    let (s, v) = app.get_json(&jw, &format!("/api/v1/inspection/ballots/meetings/{m}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["meeting"]["used"], 3);
    let (_, v) = app.get_json(&jw, &format!("/api/v1/inspection/ballots/campaigns/{c}")).await;
    let r = &v["results"][0];
    assert_eq!(r["ballots"], 3, "{v}");
    assert_eq!(r["items"][0]["rate"], 66.7);
    assert_eq!(r["items"][0]["dissatisfied"], 1);
    assert_eq!(r["items"][1]["rate"], 100.0);
    assert_eq!(r["overall"]["rate"], 88.9);
    assert_eq!(v["comments"][0][1], "建议加强警示教育");
    // the organiser's pages
    let (c2, _) = app.sign_in("jw_staff").await;
    for path in [format!("/inspection/ballots/campaigns/{c}"), format!("/inspection/ballots/meetings/{m}"), "/inspection/ballots".into(), format!("/inspection/ballots/meetings/{m}/count")] {
        let r = c2.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = c2.get(app.url(&format!("/inspection/ballots/meetings/{m}/codes.docx"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!(z.by_name("word/media/qr1.png").is_ok() && z.by_name("word/media/qr2.png").is_err(), "one QR code for the one unused code");

    // closed: the last code no longer votes
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/ballots/meetings/{m}/close"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    let (s, html) = vote(&app, &codes[3], &[(items[0], "A"), (items[1], "A"), (items[2], "A")], "").await;
    assert_eq!(s, 409);
    assert!(html.contains("测评会议已结束"));
    let (_, v) = app.get_json(&jw, &format!("/api/v1/inspection/ballots/campaigns/{c}")).await;
    assert_eq!(v["results"][0]["overall"]["rate"], 88.9, "the rewrite on closing keeps every ballot");
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/ballots/meetings/{m}/codes"), json!({"count": 2})).await;
    assert_eq!(s, 409);
});

both!(only_the_organiser_holds_meetings, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (c, jyj, _) = campaign(&app).await;
    let (m, _) = hold(&app, &jw, c, jyj, 2).await;
    for user in ["dw_jyj", "sj_jyj", "jcz", "gb_jyj"] {
        let t = app.token(user).await;
        assert_eq!(app.get_json(&t, &format!("/api/v1/inspection/ballots/campaigns/{c}")).await.0, 403, "{user}");
        assert_eq!(app.get_json(&t, &format!("/api/v1/inspection/ballots/meetings/{m}")).await.0, 403, "{user}");
        let (s, _) = app.send_json(Method::POST, &t, &format!("/api/v1/inspection/ballots/campaigns/{c}/meetings"), json!({"unit_id": jyj, "count": 3})).await;
        assert_eq!(s, 403, "{user}");
    }
    // a unit not of the campaign, a meeting that does not exist
    let (s, v) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/ballots/campaigns/{c}/meetings"), json!({"unit_id": 999_999, "count": 3})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(app.get_json(&jw, "/api/v1/inspection/ballots/meetings/999999").await.0, 404);
    assert_eq!(app.get_json(&jw, "/api/v1/inspection/ballots/campaigns/abc").await.0, 404);
});

// The anonymity of a ballot, read from the database itself: the ballot row has no code, no
// person, no time; its key is random and says nothing of the order of casting; the code row
// keeps "used" only; the audit log holds neither codes nor votes.
both!(ballots_cannot_be_tied_to_codes_or_times, |app: TestApp| async move {
    let jw = app.token("jw_staff").await;
    let (c, jyj, _) = campaign(&app).await;
    let (m, codes) = hold(&app, &jw, c, jyj, 24).await;
    let items = item_ids(&app, c).await;
    // cast in a known order, each ballot told apart by its comment
    for (n, code) in codes.iter().enumerate() {
        let answers: Vec<(i64, &str)> = items.iter().map(|i| (*i, "A")).collect();
        let (s, body) = vote(&app, code, &answers, &format!("意见{n:02}")).await;
        assert_eq!(s, 200, "{body}");
    }
    let db = &app.state.db;
    let columns = |table: &str| {
        let sql = match db.backend() {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY name"),
            Backend::Postgres => format!("SELECT CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_name = '{table}' ORDER BY column_name"),
        };
        async move { db.fetch_all::<(String,)>(q_built(sql)).await.unwrap().into_iter().map(|r| r.0).collect::<Vec<_>>() }
    };
    assert_eq!(columns("inspection_ballots").await, ["answers", "comment", "id", "meeting_id"], "no code, person or time on a ballot");
    assert_eq!(columns("inspection_ballot_codes").await, ["code", "meeting_id", "used"], "a code keeps only whether it was used");
    // the keys: 128 random bits each, not a counter
    let ids: Vec<(String, String)> = db.fetch_all(q("SELECT id, comment FROM inspection_ballots WHERE meeting_id = $1 ORDER BY id").bind(m)).await.unwrap();
    assert_eq!(ids.len(), 24);
    assert!(ids.iter().all(|(id, _)| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())));
    let cast_order: Vec<String> = (0..24).map(|n| format!("意见{n:02}")).collect();
    let by_key: Vec<String> = ids.iter().map(|r| r.1.clone()).collect();
    assert_ne!(by_key, cast_order, "sorting by key gives back the order of casting");
    let by_reverse_key: Vec<String> = by_key.iter().rev().cloned().collect();
    assert_ne!(by_reverse_key, cast_order);
    if db.backend() == Backend::Sqlite {
        // a table without rowid: its stored order is the random key's
        let (sql,): (String,) = db.fetch_one(q("SELECT sql FROM sqlite_master WHERE name = 'inspection_ballots'")).await.unwrap();
        assert!(sql.contains("WITHOUT ROWID"), "{sql}");
        let natural: Vec<(String,)> = db.fetch_all(q("SELECT comment FROM inspection_ballots WHERE meeting_id = $1").bind(m)).await.unwrap();
        assert_ne!(natural.into_iter().map(|r| r.0).collect::<Vec<_>>(), cast_order, "the stored order is the order of casting");
    }
    // the audit log holds no code and no vote
    let (n,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM audit_log WHERE summary LIKE $1").bind(format!("%{}%", codes[0]))).await.unwrap();
    assert_eq!(n, 0);
    let (n,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM audit_log WHERE summary LIKE '%意见0%'")).await.unwrap();
    assert_eq!(n, 0);
    // closing rewrites the meeting's ballots in random order with new keys: where a row
    // stands (PostgreSQL's heap, its transaction ids) no longer tells when it came
    let (s, _) = app.send_json(Method::POST, &jw, &format!("/api/v1/inspection/ballots/meetings/{m}/close"), json!({})).await;
    assert_eq!(s, 200);
    let natural: Vec<(String, String)> = db.fetch_all(q("SELECT id, comment FROM inspection_ballots WHERE meeting_id = $1").bind(m)).await.unwrap();
    assert_eq!(natural.len(), 24, "every ballot kept");
    assert_ne!(natural.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), cast_order, "the stored order after closing is the order of casting");
    assert!(natural.iter().all(|(id, _)| !ids.iter().any(|(old, _)| old == id)), "new keys");
    if db.backend() == Backend::Postgres {
        let (n,): (i64,) = db.fetch_one(q("SELECT COUNT(DISTINCT CAST(xmin AS TEXT)) FROM inspection_ballots WHERE meeting_id = $1").bind(m)).await.unwrap();
        assert_eq!(n, 1, "one transaction wrote them all");
    }
});

// ------------------------------------------------------------------------ the SIGKILL storm

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(app: &TestApp, port: u16, rate: u32) -> std::process::Child {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lianzheng"));
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data")
        .arg(&app.dir)
        .env("LIANZHENG_ARGON2_M_COST", "256")
        .env("LIANZHENG_ARGON2_T_COST", "1")
        .env("LIANZHENG_JOBS_ENABLED", "false")
        .env("LIANZHENG_LOG", "error")
        .env("LIANZHENG_BALLOT_RATE_PER_MINUTE", rate.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if !app.settings.database_url.is_empty() {
        cmd.arg("--database-url").arg(&app.settings.database_url);
    }
    cmd.spawn().unwrap()
}

async fn healthy(base: &str) {
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not come up");
}

async fn post_ballot(client: &reqwest::Client, base: &str, code: &str, items: &[i64]) -> Option<u16> {
    let form: Vec<(String, String)> = items.iter().map(|i| (format!("a{i}"), "A".to_string())).collect();
    let r = client.post(format!("{base}/ballot/{code}")).form(&form).send().await.ok()?;
    let status = r.status().as_u16();
    let text = r.text().await.ok()?;
    // acknowledged = the whole answer read, saying so
    (status != 200 || text.contains("投票成功")).then_some(status)
}

async fn counts(app: &TestApp, m: i64) -> (i64, i64) {
    let db = lianzheng_store::Db::connect(&app.settings.database_url()).await.unwrap();
    let (b,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM inspection_ballots WHERE meeting_id = $1").bind(m)).await.unwrap();
    let (u,): (i64,) = db.fetch_one(q("SELECT COUNT(*) FROM inspection_ballot_codes WHERE meeting_id = $1 AND used").bind(m)).await.unwrap();
    db.close().await;
    (b, u)
}

/// The real server binary takes a storm of ballots, is SIGKILLed in the middle and started
/// again: every ballot acknowledged before the kill is counted, none twice, and each of their
/// codes is refused as used.
async fn storm(app: TestApp) {
    const CODES: usize = 400;
    const WORKERS: usize = 8;
    let jw = app.token("jw_staff").await;
    let (c, jyj, _) = campaign(&app).await;
    let (m, codes) = hold(&app, &jw, c, jyj, CODES).await;
    let items = item_ids(&app, c).await;
    app.state.db.close().await;

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start(&app, port, 1_000_000);
    healthy(&base).await;
    let queue = std::sync::Arc::new(std::sync::Mutex::new(codes.clone()));
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..WORKERS {
        let (queue, acked, base, items) = (queue.clone(), acked.clone(), base.clone(), items.clone());
        tasks.spawn(async move {
            let client = reqwest::Client::new();
            loop {
                let Some(code) = queue.lock().unwrap().pop() else { break };
                match post_ballot(&client, &base, &code, &items).await {
                    Some(200) => acked.lock().unwrap().push(code),
                    Some(s) => panic!("a fresh code answered {s}"),
                    None => break, // the server is gone
                }
            }
        });
    }
    // kill once a good part of the storm is in
    for _ in 0..600 {
        if acked.lock().unwrap().len() >= CODES / 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    while tasks.join_next().await.is_some() {}
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(acked.len() >= CODES / 3 && acked.len() < CODES, "killed mid-storm: {} acknowledged", acked.len());

    let (ballots, used) = counts(&app, m).await;
    assert_eq!(ballots, used, "one ballot per used code, none twice");
    assert!(ballots as usize >= acked.len(), "{ballots} ballots, {} acknowledged", acked.len());
    assert!(ballots as usize <= acked.len() + WORKERS, "only ballots in flight at the kill may be counted unacknowledged");

    // started again: every acknowledged code is refused as used, and nothing moves
    let mut child = start(&app, port, 1_000_000);
    healthy(&base).await;
    let client = reqwest::Client::new();
    for code in &acked {
        assert_eq!(post_ballot(&client, &base, code, &items).await, Some(409), "{code}");
    }
    assert_eq!(counts(&app, m).await, (ballots, used));
    // and the rest of the meeting votes on
    let rest: Vec<&String> = codes.iter().filter(|c| !acked.contains(c)).take(5).collect();
    let mut more = 0;
    for code in rest {
        if post_ballot(&client, &base, code, &items).await == Some(200) {
            more += 1;
        }
    }
    assert_eq!(counts(&app, m).await.0, ballots + more);
    assert!(more > 0);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballot_storm_survives_sigkill_sqlite() {
    storm(crate::harness::spawn_app(Backend::Sqlite).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballot_storm_survives_sigkill_postgres() {
    let Some(app) = crate::harness::spawn_pg().await else { return };
    storm(app).await;
}

/// The public page is rate-limited per address: past the limit, 429 in Chinese (not a 500).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_is_rate_limited() {
    let app = crate::harness::spawn_app(Backend::Sqlite).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start(&app, port, 5);
    healthy(&base).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = reqwest::get(format!("{base}/ballot/ZZZZZZZZZZ")).await.unwrap();
        let s = r.status().as_u16();
        let text = r.text().await.unwrap();
        if s == 429 {
            assert!(text.contains("操作过于频繁"), "{text}");
        }
        statuses.push(s);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(statuses, [404, 404, 404, 404, 404, 429, 429, 429]);
}
