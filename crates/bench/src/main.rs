//! `lianzheng-bench`: capacity of one `lianzheng` node, like pgbench beside PostgreSQL.
//!
//! 1. Generates a synthetic county / city / province (organisations, people, posts) into a
//!    fresh database: SQLite in a fresh temporary data directory by default, or, with
//!    `--database-url postgres://…/ADMIN_DB`, a new database `lz_bench_<pid>` created on that
//!    server (the URL's role needs CREATEDB; the database is dropped at the end).
//! 2. Starts the real server binary (`lianzheng serve`) on that data as a child process.
//! 3. Drives it with keep-alive connections: a static asset, then the scoped people list of a
//!    county-level 纪委工作人员 account.
//!
//! Output: one line per figure, `BENCH <name> <value> <unit>`, on stdout; a human summary
//! and progress on stderr.

mod archive;
mod ballots;
mod generate;
mod http;
mod letters;
mod scores;
mod workday;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use lianzheng_core::crypto::Sm4Crypto;
use lianzheng_store::{Backend, Db};

use tokio::sync::Notify;

use crate::http::Conn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    /// ≈150 organisations, 3,000 people
    County,
    /// ≈1,500 organisations, 30,000 people
    City,
    /// ≈15,000 organisations, 300,000 people
    Province,
}

impl Scale {
    pub fn people(self) -> usize {
        match self {
            Scale::County => 3_000,
            Scale::City => 30_000,
            Scale::Province => 300_000,
        }
    }
}

#[derive(Parser, Debug)]
#[command(name = "lianzheng-bench", version, about = "lianzheng 容量压测：生成数据、启动服务、测吞吐与延迟")]
struct Cli {
    /// Only the 责任书 copy-detection figure, on this many letters (skips everything else)
    #[arg(long)]
    letters_only: Option<usize>,
    /// Size of the synthetic data set
    #[arg(long, value_enum)]
    scale: Scale,
    /// PostgreSQL server to use, as an admin URL (e.g. postgres://postgres@127.0.0.1:5432/postgres):
    /// a fresh database lz_bench_<pid> is created there and dropped at the end. Default: SQLite.
    #[arg(long = "database-url")]
    database_url: Option<String>,
    /// Data directory for the server (SQLite file, key). Must not hold a database yet; kept at
    /// the end. Default: a fresh temporary directory, removed at the end.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Seconds of measured load per phase (after a warm-up)
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of unmeasured warm-up before each phase
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Concurrent keep-alive connections
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// The lianzheng binary (default: `lianzheng` beside this executable)
    #[arg(long)]
    server: Option<PathBuf>,
    /// Keep the generated data (temporary directory / PostgreSQL database) for inspection
    #[arg(long)]
    keep: bool,
    /// Skip generation and measure data kept by an earlier run: SQLite with --data DIR, or
    /// PostgreSQL with --database-url naming that database itself (lz_bench_<pid>)
    #[arg(long)]
    reuse: bool,
    /// Also load this path (as the bench account) and report it on stderr, to take a request
    /// apart (e.g. /api/v1/me costs the principal lookup alone); repeatable
    #[arg(long, value_name = "PATH")]
    probe: Vec<String>,
    /// Also replay a working day: this many accounts over the province (1,000 when given
    /// without a number), home with 待办, lists, people, plans, letters and 10 % writes; then
    /// writes alone and the people list with its cache off
    #[arg(long, num_args = 0..=1, default_missing_value = "1000", value_name = "ACCOUNTS")]
    workday: Option<usize>,
    /// Also open 廉政档案 among this many 履责 records (1,000,000 when given without a
    /// number), 32 connections of the county's 纪委 account over 200 people's files, 10 % writes
    #[arg(long, num_args = 0..=1, default_missing_value = "1000000", value_name = "RECORDS")]
    archive: Option<usize>,
    /// Also cast 廉政测评 ballots over HTTP, each with its own one-time code (this many codes
    /// prepared, 100,000 when given without a number), 16 phones at once, against plain durable
    /// inserts on the same disk
    #[arg(long, num_args = 0..=1, default_missing_value = "100000", value_name = "CODES")]
    ballots: Option<usize>,
    /// Also measure 考责 scoring: 50 inspectors saving their sheets at once over HTTP, and the
    /// organiser's results of a campaign of this many units × 60 indicators (15,000 when given
    /// without a number), every unit scored on its self, inspector and final sheets
    #[arg(long, num_args = 0..=1, default_missing_value = "15000", value_name = "UNITS")]
    scores: Option<usize>,
}

fn main() {
    // The load generator runs on one thread so that it takes as little of the shared CPU as
    // possible; the server has its own process and runtime.
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(Cli::parse())) {
        eprintln!("错误：{e:#}");
        std::process::exit(1);
    }
}

/// Removes what the run created, whatever happens (unless `--keep`).
struct Cleanup {
    temp_dir: Option<PathBuf>,
    pg: Option<(String, String)>,
    keep: bool,
}

impl Cleanup {
    async fn run(&mut self) {
        if self.keep {
            if let Some(d) = &self.temp_dir {
                eprintln!("保留数据目录：{}", d.display());
            }
            if let Some((_, name)) = &self.pg {
                eprintln!("保留 PostgreSQL 数据库：{name}");
            }
            return;
        }
        if let Some((admin, name)) = self.pg.take() {
            match Db::connect(&admin).await {
                Ok(db) => {
                    if let Err(e) = db.execute_script(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await {
                        eprintln!("警告：无法删除数据库 {name}：{e}");
                    }
                    db.close().await;
                }
                Err(e) => eprintln!("警告：无法连接 PostgreSQL 删除 {name}：{e}"),
            }
        }
        if let Some(d) = self.temp_dir.take()
            && let Err(e) = std::fs::remove_dir_all(&d)
        {
            eprintln!("警告：无法删除临时目录 {}：{e}", d.display());
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(n) = cli.letters_only {
        // RUST_LOG=lianzheng_store=debug shows the check's phases (read, signatures, writes, pairs)
        let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).try_init();
        let dir = std::env::temp_dir().join(format!("lz-bench-letters-{}", std::process::id()));
        let r = letters::run(&dir, n).await;
        if cli.keep {
            eprintln!("保留数据目录：{}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let r = r?;
        println!("BENCH letter_similarity_s {:.2} s", r.seconds);
        eprintln!("  责任书雷同检查：{n} 份，标记 {} 处；本进程 {:.2} 核，其他进程 {:.2} 核（共 {} 核）", r.flags, r.own_cores, r.other_cores, r.cores);
        return Ok(());
    }
    anyhow::ensure!(cli.connections > 0, "--connections 须大于 0");
    anyhow::ensure!(cli.duration > 0.0, "--duration 须大于 0");
    let server_bin = match &cli.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?.parent().context("无法确定可执行文件目录")?.join("lianzheng"),
    };
    anyhow::ensure!(server_bin.is_file(), "找不到服务程序 {}（用 --server 指定 lianzheng 可执行文件）", server_bin.display());

    let mut cleanup = Cleanup { temp_dir: None, pg: None, keep: cli.keep };
    let result = bench(&cli, &server_bin, &mut cleanup).await;
    cleanup.run().await;
    result
}

async fn bench(cli: &Cli, server_bin: &Path, cleanup: &mut Cleanup) -> anyhow::Result<()> {
    let data_dir = match &cli.data {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("无法创建数据目录 {}", d.display()))?;
            if cli.reuse {
                anyhow::ensure!(cli.database_url.is_some() || d.join("lianzheng.db").exists(), "--reuse：数据目录 {} 中没有数据库", d.display());
            } else if cli.database_url.is_none() && d.join("lianzheng.db").exists() {
                bail!("数据目录 {} 中已有数据库：压测需要全新的数据（换一个目录，或不指定 --data）", d.display());
            }
            d.clone()
        }
        None if cli.reuse && cli.database_url.is_none() => bail!("--reuse 需要 --data（SQLite）或 --database-url（PostgreSQL）"),
        None => {
            let d = std::env::temp_dir().join(format!("lz-bench-{}", std::process::id()));
            if d.exists() {
                std::fs::remove_dir_all(&d)?;
            }
            std::fs::create_dir_all(&d)?;
            cleanup.temp_dir = Some(d.clone());
            d
        }
    };
    let data_dir = std::fs::canonicalize(&data_dir)?;

    // the database: SQLite in the data directory, or a fresh PostgreSQL database
    let db_url = match &cli.database_url {
        Some(url) if cli.reuse => url.clone(),
        Some(admin) => {
            anyhow::ensure!(admin.starts_with("postgres://") || admin.starts_with("postgresql://"), "--database-url 须为 postgres:// 地址");
            let name = format!("lz_bench_{}", std::process::id());
            let admin_db = Db::connect(admin).await.context("无法连接 PostgreSQL")?;
            admin_db.execute_script(format!("DROP DATABASE IF EXISTS {name}")).await?;
            admin_db.execute_script(format!("CREATE DATABASE {name}")).await.with_context(|| format!("无法创建数据库 {name}（该角色需要 CREATEDB 权限）"))?;
            admin_db.close().await;
            cleanup.pg = Some((admin.clone(), name.clone()));
            with_database(admin, &name)?
        }
        None => Db::sqlite_url_for(&data_dir),
    };

    // the server's key, shared with the generator so encrypted ID numbers decrypt
    let key_path = data_dir.join("secret.key");
    if !key_path.exists() {
        std::fs::write(&key_path, Sm4Crypto::generate_key_hex())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let crypto = Sm4Crypto::from_key_hex(std::fs::read_to_string(&key_path)?.trim()).map_err(|e| anyhow::anyhow!("密钥无效：{e}"))?;

    // 1. generate
    let t0 = Instant::now();
    let db = Db::connect(&db_url).await.context("无法打开数据库")?;
    db.migrate().await?;
    lianzheng_store::node_key::attach(&db, &crypto).await?;
    let backend = db.backend();
    let g = if cli.reuse {
        eprintln!("沿用已有压测数据（不计生成时间）");
        generate::inspect(&db).await?
    } else {
        eprintln!("生成 {:?} 规模数据……", cli.scale);
        generate::generate(&db, cli.scale, &crypto).await?
    };
    // a 2,000-item 任务分工 plan owned by the bench account's county (not counted in generate_s)
    let plan_t0 = Instant::now();
    let plan_id = match lianzheng_store::duty::tasks::generate_bench_plan(&db, lianzheng_core::ids::OrgId::new(g.county_id), 2000).await {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!("  任务分工压测数据生成失败：{e}");
            None
        }
    };
    let plan_s = plan_t0.elapsed().as_secs_f64();
    let year = i64::from(lianzheng_store::duty::tasks::today().year());
    let day = match cli.workday {
        Some(n) if !cli.reuse => {
            let t = Instant::now();
            let d = workday::seed(&db, n, year).await.context("工作日压测数据生成失败")?;
            eprintln!("  工作日压测：{} 个账号及其清单、责任书、任务分工已生成（{:.1} 秒）", d.accounts.len(), t.elapsed().as_secs_f64());
            Some(d)
        }
        Some(_) => bail!("--workday 不能与 --reuse 同用（账号与令牌需新生成）"),
        None => None,
    };
    let archive_people = match cli.archive {
        Some(n) if !cli.reuse => {
            let (ids, secs) = archive::seed(&db, g.county_id, n, g.people).await.context("廉政档案压测数据生成失败")?;
            eprintln!("  廉政档案压测数据用时 {secs:.1} 秒");
            Some(ids)
        }
        Some(_) => bail!("--archive 不能与 --reuse 同用"),
        None => None,
    };
    let ballot_codes = match cli.ballots {
        Some(n) if !cli.reuse => {
            let t = Instant::now();
            let v = ballots::seed(&db, g.county_id, n).await.context("廉政测评压测数据生成失败")?;
            eprintln!("  廉政测评：{n} 个测评码已生成（{:.1} 秒）", t.elapsed().as_secs_f64());
            Some(v)
        }
        Some(_) => bail!("--ballots 不能与 --reuse 同用"),
        None => None,
    };
    let score_seed = match cli.scores {
        Some(n) if !cli.reuse => {
            let t = Instant::now();
            let s = scores::seed(&db, g.county_id, n, year).await.context("考责评分压测数据生成失败")?;
            eprintln!("  考责评分：{} 个单位 × 60 项指标，评分行 {}，所选评分项 {}；{} 名检查组成员（{:.1} 秒）", s.units, s.rows, s.item_rows, s.inspectors.len(), t.elapsed().as_secs_f64());
            Some(s)
        }
        Some(_) => bail!("--scores 不能与 --reuse 同用"),
        None => None,
    };
    let write_org: Option<(i64,)> =
        db.fetch_optional(lianzheng_store::q("SELECT id FROM orgs WHERE parent_id = $1 AND kind = $2 ORDER BY id LIMIT 1").bind(g.county_id).bind(lianzheng_core::org::OrgKind::PartyGroup.code())).await?;
    db.close().await;
    let generate_s = t0.elapsed().as_secs_f64() - plan_s;
    if !cli.reuse {
        println!("BENCH generate_s {generate_s:.2} s");
    }
    eprintln!("  组织 {} 个，人员 {} 人，任职 {} 条；压测账号 {} 的范围：{}（组织 id {}，{} 人）", g.orgs, g.people, g.posts, generate::BENCH_USERNAME, g.county_name, g.county_id, g.county_people);

    // 2. start the server
    let (server, addr, host, startup_ms) = start_server(cli, server_bin, &data_dir, &db_url, &[]).await?;
    println!("BENCH startup_ms {startup_ms:.0} ms");
    let pid = server.0.id();

    // on PostgreSQL, one connection to find the backends serving the server (their CPU is the database's share)
    let pg_watch = if backend == Backend::Postgres { Some(Db::connect(&db_url).await?) } else { None };

    let n = cli.connections;
    let duration = Duration::from_secs_f64(cli.duration);
    let warmup = Duration::from_secs_f64(cli.warmup.max(0.0));

    // 3a. a trivial in-memory route of the same server
    let css = Arc::new(vec![http::get_request(&host, "/assets/app.css", None)]);
    let st = load(addr, n, warmup, duration, css, pid, pg_watch.as_ref()).await.context("静态资源压测失败")?;
    println!("BENCH http_static_rps {:.1} req/s", st.rps());

    // 3b. the people list of a county, as its 纪委工作人员
    let token = login(addr, &host).await?;
    check_people_list(addr, &host, &token, g.county_people).await?;
    let pages = (g.county_people.div_ceil(50)).clamp(1, 10);
    let reqs: Vec<Vec<u8>> = (1..=pages).map(|k| http::get_request(&host, &format!("/api/v1/people?page={k}"), Some(&token))).collect();
    let pl = load(addr, n, warmup, duration, Arc::new(reqs), pid, pg_watch.as_ref()).await.context("人员列表压测失败")?;
    let p99 = pl.percentile_ms(0.99);
    println!("BENCH people_list_rps {:.1} req/s", pl.rps());
    println!("BENCH people_list_p99_ms {p99:.2} ms");
    let ratio = if st.rps() > 0.0 { pl.rps() / st.rps() } else { 0.0 };
    println!("BENCH people_list_ratio {ratio:.3} ratio");

    // 3c. a plan page of 2,000 items under 32 connections
    if let Some(plan_id) = plan_id {
        let req = Arc::new(vec![http::get_request(&host, &format!("/duty/plans/{plan_id}"), Some(&token))]);
        let pt = load(addr, n.min(32), warmup, duration, req, pid, pg_watch.as_ref()).await.context("任务分工页面压测失败")?;
        println!("BENCH plan_tree_p99_ms {:.2} ms", pt.percentile_ms(0.99));
        eprintln!("  任务分工页面（2000 项）：{}", pt.describe());
    }

    // 4. memory
    let rss_mb = vm_hwm_kb(pid)? as f64 / 1024.0;
    println!("BENCH rss_mb_peak {rss_mb:.1} MB");

    for path in &cli.probe {
        let req = Arc::new(vec![http::get_request(&host, path, Some(&token))]);
        let p = load(addr, n, warmup, duration, req, pid, pg_watch.as_ref()).await.with_context(|| format!("{path} 压测失败"))?;
        eprintln!("PROBE {path}：{}", p.describe());
    }

    if let Some(people) = archive_people {
        let before = workday::cache_counts(addr, &host).await?;
        let r = archive::play(addr, Arc::new(host.clone()), Arc::new(token.clone()), Arc::new(people), 32, warmup, duration).await?;
        let after = workday::cache_counts(addr, &host).await?;
        let (per_cache, hit_rate) = workday::hit_rates(&before, &after);
        println!("BENCH archive_page_p99_ms {:.2} ms", workday::percentile_ms(&r.reads, 0.99));
        println!("BENCH archive_write_p99_ms {:.2} ms", workday::percentile_ms(&r.writes, 0.99));
        println!("BENCH archive_cache_hit_rate {hit_rate:.3} ratio");
        eprintln!(
            "  廉政档案：{} 次打开（p50 {:.2} 毫秒），{} 次写入（p50 {:.2} 毫秒），{:.0} 次/秒；缓存 {per_cache}",
            r.reads.len(),
            workday::percentile_ms(&r.reads, 0.5),
            r.writes.len(),
            workday::percentile_ms(&r.writes, 0.5),
            (r.reads.len() + r.writes.len()) as f64 / duration.as_secs_f64()
        );
    }

    if let Some((codes, items)) = ballot_codes {
        let clients = 16;
        let b = ballots::play(addr, Arc::new(host.clone()), Arc::new(codes), Arc::new(items), clients, warmup, duration).await?;
        let rps = b.len() as f64 / duration.as_secs_f64();
        // the ceiling: plain durable inserts, as many at once, on the same disk / server
        let scratch = match cli.database_url {
            Some(_) => Db::connect(&db_url).await?,
            None => Db::connect(&format!("sqlite://{}", data_dir.join("scratch.db").display())).await?,
        };
        let ceiling = workday::durable_inserts(&scratch, clients, duration).await?;
        scratch.close().await;
        let _ = std::fs::remove_file(data_dir.join("scratch.db"));
        println!("BENCH ballot_submit_rps {rps:.1} req/s");
        println!("BENCH ballot_submit_p99_ms {:.2} ms", workday::percentile_ms(&b, 0.99));
        println!("BENCH ballot_ceiling_rps {ceiling:.1} req/s");
        println!("BENCH ballot_ratio {:.3} ratio", if ceiling > 0.0 { rps / ceiling } else { 0.0 });
        eprintln!("  廉政测评（{clients} 部手机同时投票）：p50 {:.2} 毫秒，{rps:.0} 票/秒；同盘直接持久化插入 {ceiling:.0} 次/秒", workday::percentile_ms(&b, 0.5));
    }

    if let Some(s) = score_seed {
        score_phases(cli, s, addr, &host, pid, &token).await?;
    }

    if let Some(day) = day {
        workday_phases(cli, day, &db_url, &data_dir, addr, &host, pid, &token, write_org.map(|(id,)| id), year, st.rps()).await?;
    }

    drop(server);
    if let Some(w) = pg_watch {
        w.close().await;
    }

    if cli.workday.is_some() {
        // the people list with the list cache off: what a cold or fast-changing list costs
        let (server, addr, host, _) = start_server(cli, server_bin, &data_dir, &db_url, &[("LIANZHENG_LIST_CACHE_SECONDS", "0")]).await?;
        let pid = server.0.id();
        let token = login(addr, &host).await?;
        let reqs: Vec<Vec<u8>> = (1..=pages).map(|k| http::get_request(&host, &format!("/api/v1/people?page={k}"), Some(&token))).collect();
        let un = load(addr, n, warmup, duration, Arc::new(reqs), pid, None).await.context("人员列表（无缓存）压测失败")?;
        let r = if st.rps() > 0.0 { un.rps() / st.rps() } else { 0.0 };
        println!("BENCH people_list_uncached_rps {:.1} req/s", un.rps());
        println!("BENCH people_list_uncached_ratio {r:.3} ratio");
        eprintln!("  人员列表（列表缓存关闭）：{}", un.describe());
        drop(server);
    }

    // 5. 责任书 copy detection over a year of 50,000 letters (~1,500 characters, 5 % near-copies),
    // in its own SQLite database: signatures, band rows, candidate pairs, exact Jaccard, flags
    let letters_r = letters::run(&data_dir.join("letters-bench"), 50_000).await.context("责任书雷同检查压测失败")?;
    let letters_s = letters_r.seconds;
    println!("BENCH letter_similarity_s {letters_s:.2} s");
    eprintln!("  责任书雷同检查：50000 份，标记 {} 处，用时 {letters_s:.2} 秒；其他进程 {:.2} 核（共 {} 核）", letters_r.flags, letters_r.other_cores, letters_r.cores);
    eprintln!(
        "摘要：{} / {:?}：{} 组织、{} 人；生成 {generate_s:.1} 秒，启动 {startup_ms:.0} 毫秒，内存峰值 {rss_mb:.1} MB；{n} 个连接，每段 {:.0} 秒\n  静态资源：{}\n  人员列表：{}\n  比值 {ratio:.3}",
        backend_name(backend),
        cli.scale,
        g.orgs,
        g.people,
        cli.duration,
        st.describe(),
        pl.describe(),
    );
    Ok(())
}

/// Starts `lianzheng serve` on the data with the bench's settings (and `env`), waits for it.
async fn start_server(cli: &Cli, server_bin: &Path, data_dir: &Path, db_url: &str, env: &[(&str, &str)]) -> anyhow::Result<(ServerGuard, SocketAddr, String, f64)> {
    let port = free_port()?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let host = addr.to_string();
    let mut cmd = Command::new(server_bin);
    cmd.arg("serve").arg("--data").arg(data_dir).arg("--bind").arg(&host);
    if cli.database_url.is_some() {
        cmd.arg("--database-url").arg(db_url);
    }
    // the settings come from the command line and these only: no stray ./lianzheng.toml or LIANZHENG_* of the caller
    for (k, _) in std::env::vars() {
        if k.starts_with("LIANZHENG_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(data_dir)
        .env("LIANZHENG_JOBS_ENABLED", "false")
        .env("LIANZHENG_LOGIN_RATE_PER_MINUTE", "100000")
        .env("LIANZHENG_BALLOT_RATE_PER_MINUTE", "100000000")
        .env("LIANZHENG_LOG", "warn")
        // the cache counters the workday reports (answered on loopback only)
        .env("LIANZHENG_METRICS_ENABLED", "true")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stderr_stdio())
        .stderr(Stdio::inherit());
    let t_spawn = Instant::now();
    let child = cmd.spawn().with_context(|| format!("无法启动 {}", server_bin.display()))?;
    let mut server = ServerGuard(child);
    wait_healthy(addr, &host, &mut server.0).await?;
    Ok((server, addr, host, t_spawn.elapsed().as_secs_f64() * 1000.0))
}

fn backend_name(b: Backend) -> &'static str {
    b.name()
}

/// 考责 scoring (see `scores`): 50 inspectors saving at once, then the organiser's results.
async fn score_phases(cli: &Cli, mut s: scores::Seeded, addr: SocketAddr, host: &str, pid: u32, token: &str) -> anyhow::Result<()> {
    let duration = Duration::from_secs_f64(cli.duration);
    let warmup = Duration::from_secs_f64(cli.warmup.max(0.0));
    scores::login_all(&mut s, addr, host).await?;
    let before = workday::cache_counts(addr, host).await?;
    let srv0 = proc_cpu(pid)?;
    let sv = scores::play_saves(&s, addr, Arc::new(host.to_string()), warmup, duration).await.context("考责评分保存压测失败")?;
    let srv1 = proc_cpu(pid)?;
    let after = workday::cache_counts(addr, host).await?;
    let (per_cache, hit_rate) = workday::hit_rates(&before, &after);
    let rps = sv.ok.len() as f64 / duration.as_secs_f64();
    println!("BENCH score_save_p99_ms {:.2} ms", workday::percentile_ms(&sv.ok, 0.99));
    println!("BENCH score_save_rps {rps:.1} req/s");
    println!("BENCH score_save_conflicts {} count", sv.conflicts.len());
    println!("BENCH score_save_cache_hit_rate {hit_rate:.3} ratio");
    // the CPU window also holds the reads of every sheet before and after: an upper bound per save
    eprintln!(
        "  考责评分保存（{} 名检查组成员同时保存，每次 5 项指标）：{} 次成功，p50 {:.2} / p99 {:.2} 毫秒，{rps:.0} 次/秒；故意过期版本 {} 次均返回 409（p50 {:.2} 毫秒）；服务端至多 {:.0} 微秒 CPU/次（含前后读取各单位评分）\n  缓存命中：{per_cache}",
        s.inspectors.len(),
        sv.ok.len(),
        workday::percentile_ms(&sv.ok, 0.5),
        workday::percentile_ms(&sv.ok, 0.99),
        sv.conflicts.len(),
        workday::percentile_ms(&sv.conflicts, 0.5),
        srv1.saturating_sub(srv0).as_secs_f64() * 1e6 / (sv.ok.len() + sv.conflicts.len()).max(1) as f64,
    );
    let (srv0, sys0) = (proc_cpu(pid)?, system_busy()?);
    let t0 = Instant::now();
    let (res, xlsx, bytes) = scores::play_results(addr, host, token, s.results_campaign, s.units, 5, 3).await.context("考责评分结果压测失败")?;
    let (srv1, sys1) = (proc_cpu(pid)?, system_busy()?);
    let window = t0.elapsed().as_secs_f64();
    let other = (sys1.0.saturating_sub(sys0.0).saturating_sub(srv1.saturating_sub(srv0))).as_secs_f64() / window.max(1e-9);
    println!("BENCH campaign_results_ms {:.0} ms", scores::quantile(&res, 0.5));
    println!("BENCH campaign_results_p99_ms {:.0} ms", scores::quantile(&res, 0.99));
    println!("BENCH campaign_results_xlsx_ms {:.0} ms", scores::quantile(&xlsx, 0.5));
    eprintln!(
        "  考责评分结果（{} 个单位 × 60 项指标，组织者）：{} 次 {:?} 毫秒，响应 {bytes} 字节；导出 Excel {:?} 毫秒；服务进程以外（压测端、PostgreSQL、其他进程）{other:.2} 核",
        s.units,
        res.len(),
        res.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        xlsx.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
    );
    Ok(())
}

/// The working day, then writes alone (see `workday`).
#[allow(clippy::too_many_arguments)] // the phases share the first server's run
async fn workday_phases(cli: &Cli, mut day: workday::Day, db_url: &str, data_dir: &Path, addr: SocketAddr, host: &str, pid: u32, token: &str, write_org: Option<i64>, year: i64, static_rps: f64) -> anyhow::Result<()> {
    let db = Db::connect(db_url).await?;
    let t = Instant::now();
    workday::prepare(&mut day, &db, addr, host, year).await?;
    db.close().await;
    eprintln!("  工作日账号登录与探查用时 {:.1} 秒", t.elapsed().as_secs_f64());
    let n = cli.connections;
    let duration = Duration::from_secs_f64(cli.duration);
    let warmup = Duration::from_secs_f64(cli.warmup.max(0.0));
    let before = workday::cache_counts(addr, host).await?;
    let (srv0, sys0) = (proc_cpu(pid)?, system_busy()?);
    let lat = workday::play(Arc::new(day), addr, Arc::new(host.to_string()), n, warmup, duration).await?;
    let (srv1, sys1) = (proc_cpu(pid)?, system_busy()?);
    let after = workday::cache_counts(addr, host).await?;
    let total = lat.reads.len() + lat.writes.len();
    let rps = total as f64 / duration.as_secs_f64();
    let mut all: Vec<u32> = lat.reads.iter().chain(lat.writes.iter()).copied().collect();
    all.sort_unstable();
    let p99 = workday::percentile_ms(&all, 0.99);
    let (per_cache, hit_rate) = workday::hit_rates(&before, &after);
    println!("BENCH workday_rps {rps:.1} req/s");
    println!("BENCH workday_p99_ms {p99:.2} ms");
    println!("BENCH workday_ratio {:.3} ratio", if static_rps > 0.0 { rps / static_rps } else { 0.0 });
    println!("BENCH workday_cache_hit_rate {hit_rate:.3} ratio");
    // the window includes the warm-up: a rough share of the machine the rest of it took
    let window = (warmup + duration).as_secs_f64();
    let other = (sys1.0.saturating_sub(sys0.0).saturating_sub(srv1.saturating_sub(srv0))).as_secs_f64() / window;
    eprintln!(
        "  工作日：{n} 个连接，{total} 次请求（写 {} 次，{:.1}%）；读 p50 {:.2} / p99 {:.2} 毫秒，写 p50 {:.2} / p99 {:.2} 毫秒；服务端 {:.0} 微秒 CPU/次；压测端与其他进程 {other:.2} 核（共 {} 核）\n  缓存命中：{per_cache}",
        lat.writes.len(),
        lat.writes.len() as f64 * 100.0 / total.max(1) as f64,
        workday::percentile_ms(&lat.reads, 0.5),
        workday::percentile_ms(&lat.reads, 0.99),
        workday::percentile_ms(&lat.writes, 0.5),
        workday::percentile_ms(&lat.writes, 0.99),
        srv1.saturating_sub(srv0).as_secs_f64() * 1e6 / total.max(1) as f64,
        sys1.1,
    );
    eprintln!("  按页面与写操作：\n{}", lat.describe_kinds());

    // writes alone: 16 clients creating people in one unit
    let org = write_org.context("压测县没有部门可新增人员")?;
    let w = workday::create_people(addr, Arc::new(host.to_string()), Arc::new(token.to_string()), org, 16, warmup, duration).await?;
    let write_rps = w.len() as f64 / duration.as_secs_f64();
    println!("BENCH write_p99_ms {:.2} ms", workday::percentile_ms(&w, 0.99));
    println!("BENCH write_rps {write_rps:.1} req/s");
    // plain durable inserts, 16 at once, on the same disk / server: the ceiling of a write
    let scratch = match cli.database_url {
        Some(_) => Db::connect(db_url).await?,
        None => Db::connect(&format!("sqlite://{}", data_dir.join("scratch.db").display())).await?,
    };
    let ceiling = workday::durable_inserts(&scratch, 16, duration).await?;
    scratch.close().await;
    let _ = std::fs::remove_file(data_dir.join("scratch.db"));
    println!("BENCH write_ceiling_rps {ceiling:.1} req/s");
    println!("BENCH write_ratio {:.3} ratio", if ceiling > 0.0 { write_rps / ceiling } else { 0.0 });
    eprintln!("  写入（16 个客户端新增人员）：p50 {:.2} 毫秒，p99 {:.2} 毫秒，{write_rps:.0} 次/秒；同盘直接持久化插入 {ceiling:.0} 次/秒", workday::percentile_ms(&w, 0.5), workday::percentile_ms(&w, 0.99));

    // 履责纪实: 16 clients recording duty acts for the account's own unit, against the same ceiling
    let r = workday::create_records(addr, Arc::new(host.to_string()), Arc::new(token.to_string()), 16, warmup, duration).await?;
    let record_rps = r.len() as f64 / duration.as_secs_f64();
    println!("BENCH record_insert_p99_ms {:.2} ms", workday::percentile_ms(&r, 0.99));
    println!("BENCH record_insert_rps {record_rps:.1} req/s");
    println!("BENCH record_insert_ratio {:.3} ratio", if ceiling > 0.0 { record_rps / ceiling } else { 0.0 });
    eprintln!("  履责纪实录入（16 个客户端）：p50 {:.2} 毫秒，p99 {:.2} 毫秒，{record_rps:.0} 次/秒；同盘直接持久化插入 {ceiling:.0} 次/秒", workday::percentile_ms(&r, 0.5), workday::percentile_ms(&r, 0.99));
    Ok(())
}

/// The admin URL with its database name replaced.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let scheme_end = url.find("://").context("数据库地址无效")? + 3;
    let rest = &url[scheme_end..];
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    Ok(format!("{}{authority}/{name}{query}", &url[..scheme_end]))
}

/// The child's stdout goes to our stderr: our stdout carries only BENCH lines.
fn stderr_stdio() -> Stdio {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
            return Stdio::from(fd);
        }
    }
    Stdio::null()
}

fn free_port() -> anyhow::Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(l.local_addr()?.port())
}

/// Stops the server when dropped, on every path out: SIGINT (graceful shutdown), then SIGKILL
/// if it is still there after 5 seconds.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill").arg("-INT").arg(self.0.id().to_string()).stderr(Stdio::null()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_healthy(addr: SocketAddr, host: &str, child: &mut Child) -> anyhow::Result<()> {
    let req = http::get_request(host, "/healthz", None);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("服务进程提前退出：{status}");
        }
        if let Ok(mut c) = Conn::connect(addr).await
            && let Ok(r) = c.send(&req).await
            && r.status == 200
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("服务在 120 秒内未就绪（/healthz）");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn login(addr: SocketAddr, host: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({"username": generate::BENCH_USERNAME, "password": generate::BENCH_PASSWORD}).to_string();
    let mut c = Conn::connect(addr).await?;
    let r = c.send(&http::post_json_request(host, "/api/v1/auth/login", &body)).await?;
    if r.status != 200 {
        bail!("登录失败：HTTP {}：{}", r.status, String::from_utf8_lossy(r.body));
    }
    let v: serde_json::Value = serde_json::from_slice(r.body).context("登录响应不是 JSON")?;
    v["token"].as_str().map(str::to_string).context("登录响应中没有 token")
}

/// One request before the load: the list must be the county's people, 50 to a page.
async fn check_people_list(addr: SocketAddr, host: &str, token: &str, expected_total: usize) -> anyhow::Result<()> {
    let mut c = Conn::connect(addr).await?;
    let r = c.send(&http::get_request(host, "/api/v1/people?page=1", Some(token))).await?;
    if r.status != 200 {
        bail!("人员列表返回 HTTP {}：{}", r.status, String::from_utf8_lossy(r.body));
    }
    let v: serde_json::Value = serde_json::from_slice(r.body).context("人员列表响应不是 JSON")?;
    let items = v["items"].as_array().map(Vec::len).unwrap_or(0);
    let total = v["total"].as_u64().unwrap_or(0) as usize;
    anyhow::ensure!(total == expected_total, "人员列表总数 {total} 与该县人数 {expected_total} 不符（范围有误？）");
    anyhow::ensure!(items == expected_total.min(50), "人员列表第 1 页有 {items} 条，应为 {}", expected_total.min(50));
    eprintln!("  人员列表校验通过：共 {total} 人，每页 {items} 条，响应 {} 字节", r.body.len());
    Ok(())
}

/// The figures of one load phase.
struct Phase {
    requests: u64,
    window: Duration,
    latencies_us: Vec<u32>,
    server_cpu: Duration,
    client_cpu: Duration,
    /// CPU of the PostgreSQL backends serving the server (when on this machine).
    db_cpu: Option<Duration>,
    /// CPU used by all other processes of the machine in the window (contention), and the cores.
    other_cpu: Duration,
    cores: usize,
}

impl Phase {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }
    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((p * self.latencies_us.len() as f64).ceil() as usize).clamp(1, self.latencies_us.len()) - 1;
        f64::from(self.latencies_us[i]) / 1000.0
    }
    fn server_cpu_us_per_req(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.requests.max(1) as f64
    }
    fn client_cpu_us_per_req(&self) -> f64 {
        self.client_cpu.as_secs_f64() * 1e6 / self.requests.max(1) as f64
    }
    /// Cores' worth of CPU that other processes took during the window.
    fn other_cores(&self) -> f64 {
        self.other_cpu.as_secs_f64() / self.window.as_secs_f64()
    }
    fn describe(&self) -> String {
        let db = self.db_cpu.map(|d| format!("，PostgreSQL {:.0} 微秒/次", d.as_secs_f64() * 1e6 / self.requests.max(1) as f64)).unwrap_or_default();
        format!(
            "{:.0} 次/秒，p50 {:.2} 毫秒，p99 {:.2} 毫秒；服务端 {:.0} 微秒 CPU/次{db}，压测端 {:.0} 微秒/次；其他进程 {:.2} 核（共 {} 核）",
            self.rps(),
            self.percentile_ms(0.5),
            self.percentile_ms(0.99),
            self.server_cpu_us_per_req(),
            self.client_cpu_us_per_req(),
            self.other_cores(),
            self.cores
        )
    }
}

/// `n` connections, each sending the requests of `reqs` in turn (starting at a different one),
/// for `warmup` + `duration`; only responses completed inside the measured window count.
/// Any status other than 200 stops the run with an error.
async fn load(addr: SocketAddr, n: usize, warmup: Duration, duration: Duration, reqs: Arc<Vec<Vec<u8>>>, server_pid: u32, pg: Option<&Db>) -> anyhow::Result<Phase> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(Conn::connect(addr).await.context("无法连接服务")?);
    }
    let t0 = Instant::now();
    let start = t0 + warmup;
    let end = start + duration;
    // the first failure stops everything at once (a non-200 is an error of the run, not a data point)
    let failed = Arc::new((AtomicBool::new(false), Notify::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut c) in conns.into_iter().enumerate() {
        let reqs = reqs.clone();
        let failed = failed.clone();
        tasks.spawn(async move {
            let mut lat: Vec<u32> = Vec::with_capacity(16 * 1024);
            let mut k = i;
            let result = async {
                loop {
                    let s = Instant::now();
                    if s >= end || failed.0.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    let req = &reqs[k % reqs.len()];
                    k += 1;
                    let r = c.send(req).await?;
                    if r.status != 200 {
                        bail!("HTTP {}：{}", r.status, String::from_utf8_lossy(&r.body[..r.body.len().min(300)]));
                    }
                    let e = Instant::now();
                    if e >= start && e < end {
                        lat.push(u32::try_from((e - s).as_micros()).unwrap_or(u32::MAX));
                    }
                }
            }
            .await;
            if result.is_err() {
                failed.0.store(true, Ordering::Relaxed);
                failed.1.notify_one();
            }
            result.map(|()| lat)
        });
    }
    // CPU of the processes over the measured window
    let wait = |t: Instant| {
        let failed = failed.clone();
        async move {
            tokio::select! {
                _ = tokio::time::sleep_until(t.into()) => {}
                _ = failed.1.notified() => {}
            }
        }
    };
    wait(start).await;
    let pids = match pg {
        Some(db) => pg_backend_pids(db).await,
        None => Vec::new(),
    };
    let (srv0, cli0, sys0, db0) = (proc_cpu(server_pid)?, proc_cpu_self()?, system_busy()?, pids_cpu(&pids));
    let w0 = Instant::now();
    if !failed.0.load(Ordering::Relaxed) {
        wait(end).await;
    }
    let (srv1, cli1, sys1, db1) = (proc_cpu(server_pid)?, proc_cpu_self()?, system_busy()?, pids_cpu(&pids));
    let w1 = Instant::now();
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.context("压测任务异常结束")??);
    }
    all.sort_unstable();
    // the CPU window is the coordinator's (it may wake a little late); scale to the measured window
    let scale = duration.as_secs_f64() / (w1 - w0).as_secs_f64().max(1e-9);
    let db_cpu = pg.map(|_| db1.saturating_sub(db0));
    let ours = (srv1.saturating_sub(srv0)) + (cli1.saturating_sub(cli0)) + db_cpu.unwrap_or_default();
    Ok(Phase {
        db_cpu: db_cpu.filter(|_| !pids.is_empty()).map(|d| d.mul_f64(scale)),
        other_cpu: sys1.0.saturating_sub(sys0.0).saturating_sub(ours).mul_f64(scale),
        cores: sys1.1,
        requests: all.len() as u64,
        window: duration,
        latencies_us: all,
        server_cpu: (srv1.saturating_sub(srv0)).mul_f64(scale),
        client_cpu: (cli1.saturating_sub(cli0)).mul_f64(scale),
    })
}

/// The PostgreSQL backends connected to the bench database (other than the watcher's own).
async fn pg_backend_pids(db: &Db) -> Vec<u32> {
    let rows: Vec<(i32,)> = db.fetch_all(lianzheng_store::q("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).await.unwrap_or_default();
    rows.into_iter().filter_map(|(p,)| u32::try_from(p).ok()).collect()
}

/// Summed CPU of processes on this machine (those not found count nothing: a remote server).
fn pids_cpu(pids: &[u32]) -> Duration {
    pids.iter().filter_map(|p| proc_cpu(*p).ok()).sum()
}

/// utime + stime of a process from /proc/PID/stat (clock ticks of 1/100 s).
fn proc_cpu(pid: u32) -> anyhow::Result<Duration> {
    cpu_from_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).context("无法读取服务进程状态")?)
}

fn proc_cpu_self() -> anyhow::Result<Duration> {
    cpu_from_stat(&std::fs::read_to_string("/proc/self/stat")?)
}

fn cpu_from_stat(stat: &str) -> anyhow::Result<Duration> {
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("无法解析 /proc stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Ok(Duration::from_millis((ticks(11) + ticks(12)) * 10))
}

/// CPU time all processes of the machine have used (busy = not idle, not waiting for IO), and
/// the number of cores, from /proc/stat.
fn system_busy() -> anyhow::Result<(Duration, usize)> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let mut lines = stat.lines();
    let total: Vec<u64> = lines.next().unwrap_or_default().split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    let cores = lines.filter(|l| l.starts_with("cpu")).count();
    // user nice system idle iowait irq softirq (steal is the hypervisor's, guest times are inside user)
    let busy: u64 = total.iter().take(7).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, v)| v).sum();
    Ok((Duration::from_millis(busy * 10), cores))
}

/// Peak resident set (VmHWM) of the server process, KiB.
fn vm_hwm_kb(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("无法读取服务进程内存")?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).context("/proc/PID/status 中没有 VmHWM")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() -> anyhow::Result<()> {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x")?, "postgres://u:p@h:5432/x");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x")?, "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgresql://h:1", "x")?, "postgresql://h:1/x");
        assert_eq!(with_database("postgres://h?host=/tmp", "x")?, "postgres://h/x?host=/tmp");
        Ok(())
    }

    #[test]
    fn stat_fields() -> anyhow::Result<()> {
        let s = "123 (a b) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0";
        assert_eq!(cpu_from_stat(s)?, Duration::from_millis(3000));
        Ok(())
    }
}
