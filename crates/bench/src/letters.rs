//! `letter_similarity_s`: flag near-duplicates among a year's letters through the stored band
//! index (the same `check_year` the 雷同检查 page runs), on synthetic letters of ~1,500 characters.

use std::time::Instant;

use std::path::Path;

use lianzheng_core::org::OrgKind;
use lianzheng_docs::similarity::synthetic_letters;
use lianzheng_store::audit::Actor;
use lianzheng_store::org::{self, OrgInput};
use lianzheng_store::{Db, now, q, q_built};

/// A fresh SQLite database in `dir` with one unit, `n` letters, and the timed check.
pub async fn run(dir: &Path, n: usize) -> anyhow::Result<(f64, usize)> {
    std::fs::create_dir_all(dir)?;
    let db = Db::connect(&Db::sqlite_url_for(dir)).await?;
    db.migrate().await?;
    let mut tx = db.begin().await?;
    org::create(&mut tx, &Actor::system("压测"), &OrgInput { parent_id: None, name: "压测单位".into(), short_name: None, kind: OrgKind::PartyCommittee, code: "BENCH".into(), sort_order: 0 }).await?;
    tx.commit().await?;
    let r = letter_similarity(&db, n).await;
    db.close().await;
    r
}

/// Loads `n` synthetic letters (5 % near-copies) into the database for this year and times one
/// full check. Returns (seconds, flags written).
pub async fn letter_similarity(db: &Db, n: usize) -> anyhow::Result<(f64, usize)> {
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
    let started = Instant::now();
    let flags = lianzheng_store::duty::letters::check_year(db, year, 0.7).await?;
    Ok((started.elapsed().as_secs_f64(), flags))
}
