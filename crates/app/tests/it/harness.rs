//! `spawn_app`: a fresh database (SQLite file or a new PostgreSQL database) with the demo
//! county, and the real router on 127.0.0.1:0.
//!
//! Migrating and loading the demo county is most of a test's set-up, so it is done once per
//! test process and backend (a template) and each test gets a copy: a file copy on SQLite,
//! `CREATE DATABASE … TEMPLATE` on PostgreSQL.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lianzheng::config::Settings;
use lianzheng_core::crypto::{Sm4Crypto, encrypt_str};
use lianzheng_store::Backend;
use lianzheng_web::AppState;
use serde_json::Value;

pub const PW: &str = lianzheng::demo::DEMO_PASSWORD;

/// A minimal PDF: uploads are checked by content, not only by name.
pub const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub settings: Settings,
    pub dir: PathBuf,
}

/// Runs the body on both databases: `both!(name, |app| async move { … })`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::harness::spawn_app(lianzheng_store::Backend::Sqlite).await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::harness::spawn_pg().await else { return };
                ($body)(app).await;
            }
        }
    };
}

fn unique() -> String {
    format!("{}_{}", std::process::id(), rand::random::<u32>())
}

pub fn settings(dir: &std::path::Path, database_url: String) -> Settings {
    let mut s = Settings::default();
    s.data_dir = dir.to_path_buf();
    s.database_url = database_url;
    s.bind = "127.0.0.1:0".into();
    s.argon2_m_cost = 256;
    s.argon2_t_cost = 1;
    s.jobs_enabled = false;
    s.login_rate_per_minute = 10_000;
    s
}

/// The PostgreSQL half: None (skipped) without a server, unless REQUIRE_POSTGRES=1.
pub async fn spawn_pg() -> Option<TestApp> {
    match std::env::var("LIANZHENG_TEST_PG_URL") {
        Ok(url) => Some(spawn_app_with(Backend::Postgres, Some(url)).await),
        Err(_) => {
            assert!(std::env::var("REQUIRE_POSTGRES").as_deref() != Ok("1"), "REQUIRE_POSTGRES=1 but LIANZHENG_TEST_PG_URL is not set");
            eprintln!("PostgreSQL not configured: skipped");
            None
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, None).await
}

/// A new empty database URL for the backend.
pub async fn fresh_database_url(backend: Backend, admin_url: Option<String>, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => lianzheng_store::Db::sqlite_url_for(dir),
        Backend::Postgres => {
            let admin = admin_url.expect("PostgreSQL admin URL");
            let name = format!("lz_test_{}", unique());
            let db = lianzheng_store::Db::connect(&admin).await.expect("connect admin");
            db.execute_script(format!("CREATE DATABASE {name}")).await.expect("create database");
            db.close().await;
            database_url_named(&admin, &name)
        }
    }
}

pub async fn spawn_app_with(backend: Backend, admin_url: Option<String>) -> TestApp {
    let dir = std::env::temp_dir().join(format!("lz-it-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    write_key(&dir);
    let url = match backend {
        Backend::Sqlite => {
            std::fs::copy(sqlite_template().await, dir.join("lianzheng.db")).expect("copy template database");
            String::new()
        }
        Backend::Postgres => {
            let admin = admin_url.expect("PostgreSQL admin URL");
            let name = format!("lz_test_{}", unique());
            let db = lianzheng_store::Db::connect(&admin).await.expect("connect admin");
            db.execute_script(format!("CREATE DATABASE {name} TEMPLATE {}", pg_template(&admin).await)).await.expect("create database from template");
            db.close().await;
            database_url_named(&admin, &name)
        }
    };
    let s = settings(&dir, url);
    // the copy already holds the demo county; this only opens it as `serve` would
    let state = lianzheng::prepare(&s, false).await.expect("prepare");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = lianzheng_web::router(state.clone());
    tokio::spawn(async move {
        axum_serve(listener, router).await;
    });
    TestApp { base: format!("http://{addr}"), state, settings: s, dir }
}

fn database_url_named(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

/// The demo data has encrypted fields, so every copy must read them with the key the template
/// was built with; a file rather than `secret_key` so the CLI tests (`--data dir`) find it too.
fn write_key(dir: &Path) {
    static KEY: OnceLock<String> = OnceLock::new();
    std::fs::write(dir.join("secret.key"), KEY.get_or_init(Sm4Crypto::generate_key_hex)).expect("write secret.key");
}

// Only a path or a database name is shared: each test has its own runtime, and a pool made on
// one runtime cannot be used from another, so the template's pool is closed once it is built.
static SQLITE_TEMPLATE: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
static PG_TEMPLATE: tokio::sync::OnceCell<(String, String)> = tokio::sync::OnceCell::const_new();

async fn sqlite_template() -> &'static Path {
    SQLITE_TEMPLATE
        .get_or_init(|| async {
            let dir = std::env::temp_dir().join(format!("lz-it-template-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            write_key(&dir);
            let state = lianzheng::prepare(&settings(&dir, String::new()), true).await.expect("prepare template");
            // one self-contained file: the live database may still have pages in its WAL
            let file = dir.join("template.db");
            state.db.execute_script(format!("VACUUM INTO '{}'", file.display())).await.expect("vacuum into template");
            state.db.close().await;
            file
        })
        .await
}

/// The template database's name on the server at `admin`.
async fn pg_template(admin: &str) -> &'static str {
    let (built_on, name) = PG_TEMPLATE
        .get_or_init(|| async {
            let name = format!("lz_tpl_{}", unique());
            let db = lianzheng_store::Db::connect(admin).await.expect("connect admin");
            drop_stale_databases(&db).await;
            db.execute_script(format!("CREATE DATABASE {name}")).await.expect("create template database");
            db.close().await;
            let dir = std::env::temp_dir().join(format!("lz-it-template-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            write_key(&dir);
            let state = lianzheng::prepare(&settings(&dir, database_url_named(admin, &name)), true).await.expect("prepare template");
            // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template
            state.db.close().await;
            (admin.to_string(), name)
        })
        .await;
    assert_eq!(built_on, admin, "one PostgreSQL server per test process");
    name
}
/// The databases earlier test processes left behind (named after their process id: a test's
/// database is kept while its process runs, for a look after a failure), so that repeated
/// runs on one server do not fill its disk.
async fn drop_stale_databases(db: &lianzheng_store::Db) {
    let names: Vec<(String,)> = db.fetch_all(lianzheng_store::q("SELECT datname FROM pg_database WHERE datname LIKE 'lz_test_%' OR datname LIKE 'lz_tpl_%'")).await.unwrap_or_default();
    for (name,) in names {
        let pid = name.trim_start_matches("lz_test_").trim_start_matches("lz_tpl_").split('_').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !std::path::Path::new(&format!("/proc/{p}")).exists()) {
            let _ = db.execute_script(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// A test's data directory goes with it (the server task may still hold the SQLite file open;
/// on Unix the file stays readable until it closes).
impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let _ = axum::serve(listener, router).await;
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A cookie-keeping client that does not follow redirects (tests look at them).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// Admin roles need a second factor: enrol a known secret directly and return it.
    pub async fn enrol_totp(&self, username: &str) -> String {
        let secret = lianzheng_core::totp::generate_secret();
        let u = lianzheng_store::users::get_by_username(&self.state.db, username).await.unwrap().unwrap();
        let mut tx = self.state.db.begin().await.unwrap();
        let actor = lianzheng_store::audit::Actor::system("测试");
        lianzheng_store::users::set_totp(&mut tx, &actor, u.id, Some(encrypt_str(self.state.crypto.as_ref(), &secret)), true).await.unwrap();
        tx.commit().await.unwrap();
        secret
    }

    /// API token for a demo account (admins get a second factor enrolled on the fly).
    pub async fn token(&self, username: &str) -> String {
        let u = lianzheng_store::users::get_by_username(&self.state.db, username).await.unwrap().unwrap();
        let grants = lianzheng_store::users::grants_of(&self.state.db, u.id).await.unwrap();
        let admin = grants.iter().filter_map(|g| g.role()).any(|r| r.is_admin());
        let mut body = serde_json::json!({"username": username, "password": PW});
        if admin || u.totp_enabled {
            let secret = if u.totp_enabled { panic!("already enrolled") } else { self.enrol_totp(username).await };
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
            body["totp"] = Value::String(lianzheng_core::totp::code_at(&secret, now).unwrap());
        }
        let r = self.client().post(self.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "login {username}");
        let v: Value = r.json().await.unwrap();
        v["token"].as_str().unwrap().to_string()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.client().get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(&self, method: reqwest::Method, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self.client().request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Signs in through the form; returns the client (with its cookie) and the CSRF token.
    pub async fn sign_in(&self, username: &str) -> (reqwest::Client, String) {
        let c = self.browser();
        let r = c.post(self.url("/login")).form(&[("username", username), ("password", PW), ("next", "/")]).send().await.unwrap();
        assert_eq!(r.status(), 303, "sign in {username}");
        let home = c.get(self.url("/account")).send().await.unwrap().text().await.unwrap();
        let csrf = home.split("name=\"csrf-token\" content=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
        (c, csrf)
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        lianzheng_store::org::get_by_code(&self.state.db, code).await.unwrap().unwrap().id.get()
    }

    pub async fn audit_count(&self) -> i64 {
        self.state.db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM audit_log")).await.unwrap()
    }
}

/// An XLSX with its first sheet's XML rewritten by `f` (hostile files built from a real one).
pub fn rewrite_sheet(xlsx: Vec<u8>, f: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            data = f(&String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An XLSX whose first sheet declares `dimension` (a file of a few KB claiming a huge sheet).
pub fn with_dimension(xlsx: Vec<u8>, dimension: &str) -> Vec<u8> {
    rewrite_sheet(xlsx, |xml| {
        let start = xml.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
        let end = start + xml[start..].find('"').unwrap();
        format!("{}{dimension}{}", &xml[..start], &xml[end..])
    })
}
