//! `lianzheng`: the platform's one binary.

use std::io::{BufReader, BufWriter};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use lianzheng::config::Settings;
use lianzheng_core::org::Role;
use lianzheng_core::password::generate_one_time_password;
use lianzheng_store::audit::{self, Actor, ChainCheck};
use lianzheng_store::{archive, users};

#[derive(Parser)]
#[command(name = "lianzheng", version, about = "党风廉政建设责任制管理平台")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args)]
struct Common {
    /// Settings file (default ./lianzheng.toml if present; a named file must exist)
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (SQLite database, key, attachments)
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// postgres://… (default: SQLite in the data directory)
    #[arg(long = "database-url", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web application
    Serve {
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo county if the database is empty
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations
    Migrate,
    /// Load the demo county into an empty database
    Demo,
    /// Accounts
    #[command(subcommand)]
    User(UserCmd),
    /// Write a backup (portable archive) of every table
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty database
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Audit log
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Export every table to a portable archive (to move between SQLite and PostgreSQL)
    Export {
        #[arg(long)]
        to: PathBuf,
    },
    /// Import a portable archive into an empty database
    Import {
        #[arg(long)]
        from: PathBuf,
    },
    /// The background jobs: when each runs next, when it last ran, how it went
    Jobs,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account; prints a one-time password
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Role code or Chinese name, e.g. system_admin / 纪委工作人员
        #[arg(long)]
        role: Option<String>,
        /// Organisation code the role is bound to (business roles)
        #[arg(long)]
        org: Option<String>,
    },
    /// Set a new one-time password
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Clear a lockout
    Unlock {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Walk the SM3 chain and name the first broken link
    Verify,
}

fn settings(c: &Common) -> anyhow::Result<Settings> {
    let mut s = Settings::load(c.config.as_deref(), std::env::vars())?;
    if let Some(d) = &c.data {
        s.data_dir = d.clone();
    }
    if let Some(u) = &c.database_url {
        s.database_url = u.clone();
    }
    Ok(s)
}

fn cli_actor() -> Actor {
    Actor::system("命令行")
}

/// glibc's allocator spent a quarter of the server's time in the working-day bench (its slow
/// paths: `malloc_consolidate`, `_int_malloc`); mimalloc's per-thread pages avoid them
/// (decision 0016).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("错误：{e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut s = settings(&cli.common)?;
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_new(&s.log).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))).init();
    match cli.cmd {
        Cmd::Serve { bind, demo } => {
            if let Some(b) = bind {
                s.bind = b;
            }
            let st = lianzheng::prepare(&s, demo).await?;
            lianzheng::serve(&s, st).await
        }
        Cmd::Migrate => {
            let db = lianzheng::open_db(&s).await?;
            println!("数据库已是最新结构（{}）", db.backend().name());
            Ok(())
        }
        Cmd::Demo => {
            let st = lianzheng::state(&s, lianzheng::open_db(&s).await?)?;
            if lianzheng::demo::load(&st.db, st.crypto.as_ref(), &st.hasher).await? {
                lianzheng::load_demo_duty(&st).await?;
                println!("演示数据已载入：{}", lianzheng::summary(&st.db).await?);
                println!("演示账号密码均为 {}（仅限演示）", lianzheng::demo::DEMO_PASSWORD);
            } else {
                println!("数据库中已有组织，未载入演示数据");
            }
            Ok(())
        }
        Cmd::User(u) => user(&s, u).await,
        Cmd::Backup { to } | Cmd::Export { to } => {
            let db = lianzheng::open_db(&s).await?;
            let f = lianzheng::create_private_file(&to).with_context(|| format!("无法创建 {}", to.display()))?;
            let mut w = BufWriter::new(f);
            let counts = archive::export(&db, &lianzheng_web::modules::tables(), &mut w).await?;
            let total: i64 = counts.iter().map(|c| c.1).sum();
            audit::record_alone(&db, &cli_actor(), "archive.export", "archive", None, serde_json::json!({"tables": counts.len(), "rows": total})).await?;
            println!("已写出 {}：{} 张表，{} 行", to.display(), counts.len(), total);
            Ok(())
        }
        Cmd::Restore { from } | Cmd::Import { from } => {
            let db = lianzheng::open_db(&s).await?;
            let f = std::fs::File::open(&from).with_context(|| format!("无法打开 {}", from.display()))?;
            let counts = archive::import(&db, &lianzheng_web::modules::tables(), &mut BufReader::new(f)).await?;
            let total: i64 = counts.iter().map(|c| c.1).sum();
            audit::record_alone(&db, &cli_actor(), "archive.import", "archive", None, serde_json::json!({"tables": counts.len(), "rows": total})).await?;
            println!("已导入 {}：{} 张表，{} 行", from.display(), counts.len(), total);
            Ok(())
        }
        Cmd::Jobs => {
            let db = lianzheng::open_db(&s).await?;
            let rows = lianzheng_store::jobs::list(&db).await?;
            if rows.is_empty() {
                println!("尚无后台任务（服务首次启动时排定）");
            }
            for j in rows {
                let last = j.last_run_at.map(lianzheng_web::layout::fmt_time).unwrap_or_else(|| "未运行".into());
                let state = j.last_error.map(|e| format!("失败：{e}")).unwrap_or_else(|| "正常".into());
                println!("{}：下次 {}，上次 {last}，{state}", lianzheng_web::modules::job_label(&j.kind), lianzheng_web::layout::fmt_time(j.run_at));
            }
            Ok(())
        }
        Cmd::Audit(AuditCmd::Verify) => {
            let db = lianzheng::open_db(&s).await?;
            match audit::verify_chain(&db).await? {
                ChainCheck::Intact { entries, unkeyed } => {
                    println!("审计日志链完整：{entries} 条{}", lianzheng_core::audit_labels::unkeyed_note(unkeyed));
                    Ok(())
                }
                ChainCheck::Broken { seq, reason } => bail!("审计日志链断裂，第一处在第 {seq} 条：{reason}"),
            }
        }
    }
}

async fn user(s: &Settings, cmd: UserCmd) -> anyhow::Result<()> {
    let st = lianzheng::state(s, lianzheng::open_db(s).await?)?;
    let find = |name: String| {
        let db = st.db.clone();
        async move { users::get_by_username(&db, &name).await?.with_context(|| format!("账号 {name} 不存在")) }
    };
    match cmd {
        UserCmd::Create { username, name, role, org } => {
            let form = lianzheng_web::forms::UserForm { username, display_name: name, org_id: String::new(), person_id: String::new() };
            let mut input = form.validate().map_err(|e| anyhow::anyhow!(e.into_values().collect::<Vec<_>>().join("；")))?;
            let org_id = match &org {
                Some(code) => Some(lianzheng_store::org::get_by_code(&st.db, code).await?.with_context(|| format!("组织编码 {code} 不存在"))?.id),
                None => None,
            };
            input.org_id = org_id;
            let role = match &role {
                Some(r) => Some(Role::parse(r).with_context(|| format!("未知角色 {r}"))?),
                None => None,
            };
            let pw = generate_one_time_password();
            let hash = st.hasher.hash(&pw).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let mut tx = st.db.begin().await?;
            let id = users::create(&mut tx, &cli_actor(), &input, &hash, true).await?;
            if let Some(r) = role {
                if r.needs_org() && org_id.is_none() {
                    bail!("业务角色须用 --org 指定组织编码");
                }
                users::add_grant(&mut tx, &cli_actor(), id, r, org_id).await?;
            }
            tx.commit().await?;
            println!("账号已创建：{}，一次性初始密码：{pw}（首次登录须修改）", input.username);
        }
        UserCmd::ResetPassword { username } => {
            let u = find(username).await?;
            let pw = generate_one_time_password();
            let hash = st.hasher.hash(&pw).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let mut tx = st.db.begin().await?;
            users::set_password(&mut tx, &cli_actor(), u.id, &hash, true).await?;
            tx.commit().await?;
            lianzheng_store::sessions::delete_for_user(&st.db, u.id).await?;
            println!("{} 的新一次性密码：{pw}（首次登录须修改）", u.username);
        }
        UserCmd::Unlock { username } => {
            let u = find(username).await?;
            let mut tx = st.db.begin().await?;
            users::unlock(&mut tx, &cli_actor(), u.id).await?;
            tx.commit().await?;
            println!("{} 已解除锁定", u.username);
        }
    }
    Ok(())
}
