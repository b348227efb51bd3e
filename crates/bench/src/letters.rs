//! `letter_similarity_s`: flag near-duplicates among a year's letters (the same `check_year` the
//! 雷同检查 page runs), on synthetic letters of ~1,500 characters, none checked before (no stored
//! signatures). Also shown on stderr, not part of the figure: the same check again (signatures
//! stored and unchanged), and one letter's check on save against the year.

use std::time::Instant;

use std::path::Path;

use lianzheng_core::org::OrgKind;
use lianzheng_store::audit::Actor;
use lianzheng_store::org::{self, OrgInput};
use lianzheng_store::{Db, now, q, q_built};
use lianzheng_textsim::synthetic_letters;

/// The timed check: wall time, flags written, and the CPU taken in the window by this process
/// and by all others (contention on a shared machine), in cores.
pub struct LettersRun {
    pub seconds: f64,
    pub flags: usize,
    pub own_cores: f64,
    pub other_cores: f64,
    pub cores: usize,
}

/// A fresh SQLite database in `dir` with one unit, `n` letters, and the timed check.
pub async fn run(dir: &Path, n: usize) -> anyhow::Result<LettersRun> {
    std::fs::create_dir_all(dir)?;
    let db = Db::connect(&Db::sqlite_url_for(dir)).await?;
    db.migrate().await?;
    // a throw-away database: any key will do
    let key = lianzheng_core::crypto::Sm4Crypto::generate_key_hex();
    lianzheng_store::node_key::attach(&db, &lianzheng_core::crypto::Sm4Crypto::from_key_hex(&key).map_err(|e| anyhow::anyhow!("{e}"))?).await?;
    let mut tx = db.begin().await?;
    org::create(&mut tx, &Actor::system("压测"), &OrgInput { parent_id: None, name: "压测单位".into(), short_name: None, kind: OrgKind::PartyCommittee, code: "BENCH".into(), sort_order: 0 }).await?;
    tx.commit().await?;
    let r = letter_similarity(&db, n).await;
    db.close().await;
    r
}

/// Loads `n` synthetic letters (5 % near-copies) into the database for this year and times one
/// full check.
pub async fn letter_similarity(db: &Db, n: usize) -> anyhow::Result<LettersRun> {
    let year = 2000i64; // a year of its own, apart from any demo data
    let t = now();
    let org = db.scalar_i64(q("SELECT MIN(id) FROM orgs")).await?;
    let path: (String,) = db.fetch_one(q("SELECT path FROM orgs WHERE id = $1").bind(org)).await?;
    let docs = synthetic_letters(n, 0.05, 2026);
    let mut tx = db.begin().await?;
    for chunk in docs.chunks(100) {
        let mut sql = String::from("INSERT INTO letters (year, kind, upper_org_id, org_id, org_path, signer_name, title, body, status, created_at, updated_at) VALUES ");
        let groups: Vec<String> = (0..chunk.len()).map(|i| format!("($1, 'responsibility', $2, $2, $3, ${}, ${}, ${}, 'draft', $4, $4)", 5 + i * 3, 6 + i * 3, 7 + i * 3)).collect();
        sql.push_str(&groups.join(", "));
        let mut query = q_built(sql).bind(year).bind(org).bind(path.0.as_str()).bind(t);
        for d in chunk {
            query = query.bind(format!("签订人{}", d.id)).bind(format!("责任书 {}", d.id)).bind(d.text.as_str());
        }
        tx.execute(query).await?;
    }
    tx.commit().await?;
    let (own0, sys0) = (crate::proc_cpu_self()?, crate::system_busy()?);
    let started = Instant::now();
    let flags = lianzheng_store::duty::letters::check_year(db, year, 0.7).await?;
    let seconds = started.elapsed().as_secs_f64();
    let (own1, sys1) = (crate::proc_cpu_self()?, crate::system_busy()?);
    let own = own1.saturating_sub(own0);
    let other = sys1.0.saturating_sub(sys0.0).saturating_sub(own);
    let window = seconds.max(1e-9);
    let again = Instant::now();
    lianzheng_store::duty::letters::check_year(db, year, 0.7).await?;
    let again = again.elapsed().as_secs_f64();
    let one = Instant::now();
    let last = db.scalar_i64(q("SELECT MAX(id) FROM letters WHERE year = $1").bind(year)).await?;
    lianzheng_store::duty::letters::check_letter(db, lianzheng_core::ids::LetterId::new(last), 0.7).await?;
    eprintln!("  再次检查全年（签名已存）{again:.2} 秒；保存一份时的单份检查 {:.0} 毫秒", one.elapsed().as_secs_f64() * 1000.0);
    Ok(LettersRun { seconds, flags, own_cores: own.as_secs_f64() / window, other_cores: other.as_secs_f64() / window, cores: sys1.1 })
}
