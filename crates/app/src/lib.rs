//! lianzheng: the application around the library crates — settings, start-up, background
//! jobs, demo data and the command-line tools.

pub mod config;
pub mod demo;
pub mod demo_archive;
pub mod demo_ballots;
pub mod demo_exams;
pub mod demo_findings;
pub mod demo_inquiries;
pub mod demo_inspection;
pub mod demo_letters;
pub mod demo_lists;
pub mod demo_notices;
pub mod demo_records;
pub mod demo_replies;
pub mod demo_scoring;
pub mod demo_selfchecks;
pub mod demo_statements;
pub mod demo_talks;
pub mod demo_tasks;
pub mod jobs;

use std::sync::Arc;

use anyhow::Context;
use lianzheng_core::crypto::{Crypto, Sm4Crypto};
use lianzheng_core::org::Role;
use lianzheng_core::password::{PasswordHasher, generate_one_time_password};
use lianzheng_store::audit::Actor;
use lianzheng_store::users::{self, UserInput};
use lianzheng_store::{Db, org};
use lianzheng_web::storage::LocalStorage;
use lianzheng_web::{AppState, Caches, RateLimiter};

use crate::config::Settings;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The key for encrypted fields: from settings, or `data_dir/secret.key` (made on first start, mode 0600).
pub fn load_crypto(s: &Settings) -> anyhow::Result<Sm4Crypto> {
    if !s.secret_key.is_empty() {
        return Sm4Crypto::from_key_hex(&s.secret_key).map_err(|e| anyhow::anyhow!("secret_key 无效：{e}"));
    }
    std::fs::create_dir_all(&s.data_dir).with_context(|| format!("无法创建数据目录 {}", s.data_dir.display()))?;
    let path = s.data_dir.join("secret.key");
    if !path.exists() {
        std::fs::write(&path, Sm4Crypto::generate_key_hex()).context("无法写入密钥文件")?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let hex = std::fs::read_to_string(&path).context("无法读取密钥文件")?;
    Sm4Crypto::from_key_hex(hex.trim()).map_err(|e| anyhow::anyhow!("密钥文件 {} 无效：{e}", path.display()))
}

/// Opens a file for a backup or export, readable by the owner only (it holds every table,
/// encrypted fields and password hashes included). An existing file is truncated and narrowed too.
pub fn create_private_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        o.mode(0o600);
        let f = o.open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    o.open(path)
}

pub fn hasher(s: &Settings) -> anyhow::Result<PasswordHasher> {
    PasswordHasher::new(s.argon2_m_cost, s.argon2_t_cost, 1).map_err(|e| anyhow::anyhow!("argon2 参数无效：{e}"))
}

/// Connects and migrates the database named by the settings, and hands it the node's key:
/// a key other than the one the database was created with stops here.
pub async fn open_db(s: &Settings) -> anyhow::Result<Db> {
    if s.database_url.is_empty() {
        std::fs::create_dir_all(&s.data_dir).with_context(|| format!("无法创建数据目录 {}", s.data_dir.display()))?;
    }
    let db = Db::connect(&s.database_url()).await.context("无法连接数据库")?;
    db.migrate().await.context("数据库迁移失败")?;
    lianzheng_store::node_key::attach(&db, &load_crypto(s)?).await?;
    Ok(db)
}

pub fn state(s: &Settings, db: Db) -> anyhow::Result<AppState> {
    let crypto: Arc<dyn Crypto> = Arc::new(load_crypto(s)?);
    let policy = s.policy();
    Ok(AppState {
        caches: Arc::new(Caches::new(&policy, db.generation(), &lianzheng_web::modules::todo_tables())),
        db,
        crypto,
        hasher: Arc::new(hasher(s)?),
        storage: Arc::new(LocalStorage::new(s.data_dir.join("attachments"))),
        policy: Arc::new(policy),
        limiter: Arc::new(RateLimiter::default()),
        version: VERSION,
        schedule: Arc::new(schedule(s)),
        settings: Arc::new(Default::default()),
    })
}

/// On a fresh database without demo data: the 系统管理员 with a one-time password, printed
/// once, to be changed at first sign-in. Returns the password if one was made.
pub async fn ensure_first_admin(st: &AppState) -> anyhow::Result<Option<String>> {
    if users::count(&st.db).await? > 0 {
        return Ok(None);
    }
    let pw = generate_one_time_password();
    let hash = st.hasher.hash(&pw).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let actor = Actor::system("首次启动");
    let mut tx = st.db.begin().await?;
    let id = users::create(&mut tx, &actor, &UserInput { username: "admin".into(), display_name: "系统管理员".into(), person_id: None, org_id: None }, &hash, true).await?;
    users::add_grant(&mut tx, &actor, id, Role::SystemAdmin, None).await?;
    tx.commit().await?;
    Ok(Some(pw))
}

/// 定责 sample data on top of the demo county.
pub async fn load_demo_duty(st: &AppState) -> anyhow::Result<()> {
    demo_lists::load(st).await?;
    demo_tasks::load(st).await?;
    demo_letters::load(st).await?;
    demo_talks::load(st).await?;
    demo_inquiries::load(st).await?;
    demo_records::load(st).await?;
    demo_exams::load(st).await?;
    demo_notices::load(st).await?;
    demo_archive::load(st).await?;
    demo_statements::load(st).await?;
    // last: the replies are drafted from the files the demos above filled
    demo_replies::load(st).await?;
    demo_inspection::load(st).await?;
    // 考责 — 自查自评: reports submitted by some units (drafted from their records), one in draft
    demo_selfchecks::load(st).await?;
    // 考责 — 廉政测评: a meeting held at 教育局 (in the demo campaign when there is one)
    demo_ballots::load(st).await?;
    // 考责 — findings and a 亮点 at 组织部, checked yesterday
    demo_findings::load(st).await?;
    // 考责 — 评分标准 and scores (the demo campaign's)
    demo_scoring::load(st).await?;
    Ok(())
}

pub fn schedule(s: &Settings) -> jobs::Schedule {
    jobs::Schedule {
        session_cleanup_secs: s.session_cleanup_minutes * 60,
        audit_verify_secs: s.audit_verify_hours * 3600,
        idle_secs: s.idle_timeout_minutes * 60,
        task_reminder_days: s.task_reminder_days,
        task_reminder_hour: 6,
    }
}

/// Everything `serve` does before listening; separate so tests and the bench start the same way.
pub async fn prepare(s: &Settings, demo_data: bool) -> anyhow::Result<AppState> {
    let db = open_db(s).await?;
    let st = state(s, db)?;
    if demo_data && demo::load(&st.db, st.crypto.as_ref(), &st.hasher).await? {
        load_demo_duty(&st).await?;
        tracing::info!("演示数据已载入");
    }
    if let Some(pw) = ensure_first_admin(&st).await? {
        println!("已创建系统管理员账号 admin，一次性初始密码：{pw}");
        println!("（只显示这一次；首次登录后须修改，并绑定双因素认证）");
    }
    // 工作日历: the shipped years the database lacks (or still holds as shipped, older)
    lianzheng_web::app::calendar::seed(&st.db).await.map_err(|e| anyhow::anyhow!("载入工作日历失败：{e:?}"))?;
    // the settings saved in 系统设置 apply from start-up, also to the jobs' first runs
    lianzheng_web::app::settings::refresh(&st).await.map_err(|e| anyhow::anyhow!("读取系统设置失败：{e:?}"))?;
    jobs::ensure_scheduled(&st.db, &lianzheng_web::app::settings::schedule(&st)).await?;
    Ok(st)
}

pub async fn serve(s: &Settings, st: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&s.bind).await.with_context(|| format!("无法监听 {}", s.bind))?;
    let addr = listener.local_addr()?;
    tokio::spawn(lianzheng_web::app::settings::refresh_loop(st.clone()));
    if s.jobs_enabled {
        tokio::spawn(jobs::worker_loop(st.clone()));
    }
    println!("lianzheng {VERSION} 已启动：http://{addr}  （数据库：{}）", st.db.backend().name());
    let app = lianzheng_web::router(st).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Counts shown by `demo` and the CLI.
pub async fn summary(db: &Db) -> anyhow::Result<String> {
    let orgs = org::count(db).await?;
    let people = db.scalar_i64(lianzheng_store::q("SELECT COUNT(*) FROM people")).await?;
    let accounts = users::count(db).await?;
    Ok(format!("组织 {orgs} 个，人员 {people} 人，账号 {accounts} 个"))
}
