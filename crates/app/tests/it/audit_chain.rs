//! The keyed audit chain and the node key check: a database writer without the key cannot
//! rewrite the log consistently, and a node with another key does not start.

use lianzheng_core::crypto::{Sm4Crypto, chain_hash};
use lianzheng_store::audit::{ChainCheck, verify_chain};
use lianzheng_store::{Db, q};

use crate::both;
use crate::harness::TestApp;

type Entry = (i64, i64, Option<i64>, String, String, String, Option<String>, String, Option<String>);

/// What a writer who knows the format (but not the key) hashes: the fields joined by 0x1e.
fn canonical(e: &Entry) -> Vec<u8> {
    let (seq, at, actor_id, actor_name, action, entity, entity_id, summary, ip) = e;
    [
        seq.to_string(),
        at.to_string(),
        actor_id.map(|v| v.to_string()).unwrap_or_default(),
        actor_name.clone(),
        action.clone(),
        entity.clone(),
        entity_id.clone().unwrap_or_default(),
        summary.clone(),
        ip.clone().unwrap_or_default(),
    ]
    .join("\u{1e}")
    .into_bytes()
}

/// Edits entry `seq`'s summary, then recomputes the unkeyed SM3 chain over it and every entry
/// after it, and the head — a consistent rewrite under the old scheme. `scheme` is written on
/// the rewritten entries when given.
async fn rewrite_unkeyed(db: &Db, seq: i64, scheme: Option<&str>) {
    db.execute(q("UPDATE audit_log SET summary = '{\"edited\":true}' WHERE seq = $1").bind(seq)).await.unwrap();
    let (mut prev,): (String,) = db.fetch_one(q("SELECT prev_hash FROM audit_log WHERE seq = $1").bind(seq)).await.unwrap();
    let rows: Vec<Entry> = db.fetch_all(q("SELECT seq, at, actor_id, actor_name, action, entity, entity_id, summary, ip FROM audit_log WHERE seq >= $1 ORDER BY seq").bind(seq)).await.unwrap();
    for e in &rows {
        let h = chain_hash(&prev, &canonical(e));
        db.execute(q("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3").bind(prev.as_str()).bind(h.as_str()).bind(e.0)).await.unwrap();
        if let Some(s) = scheme {
            db.execute(q("UPDATE audit_log SET scheme = $1 WHERE seq = $2").bind(s).bind(e.0)).await.unwrap();
        }
        prev = h;
    }
    db.execute(q("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(prev)).await.unwrap();
}

both!(a_rewrite_without_the_key_is_detected, |app: TestApp| async move {
    let db = &app.state.db;
    let (entries,) = match verify_chain(db).await.unwrap() {
        ChainCheck::Intact { entries, unkeyed } => {
            assert_eq!(unkeyed, 0, "a database made by this version has no unkeyed entries");
            (entries,)
        }
        other => panic!("{other:?}"),
    };
    assert!(entries > 10);
    let (scheme,): (String,) = db.fetch_one(q("SELECT scheme FROM audit_log WHERE seq = 5")).await.unwrap();
    assert_eq!(scheme, "hmac-sm3");

    // recomputed with unkeyed SM3, scheme left alone: the keyed link does not hold
    rewrite_unkeyed(db, 5, None).await;
    match verify_chain(db).await.unwrap() {
        ChainCheck::Broken { seq, reason } => assert_eq!(seq, 5, "{reason}"),
        other => panic!("{other:?}"),
    }
    // and claiming the entries were unkeyed all along does not help either
    rewrite_unkeyed(db, 5, Some("sm3")).await;
    match verify_chain(db).await.unwrap() {
        ChainCheck::Broken { seq, reason } => assert!(seq == 5 && reason.contains("链方案"), "{seq} {reason}"),
        other => panic!("{other:?}"),
    }
    // nor does moving the start of the keyed part: the seal is keyed too
    db.execute(q("UPDATE settings SET value = '1000000:00' WHERE key = 'audit_keyed_from'")).await.unwrap();
    assert!(matches!(verify_chain(db).await.unwrap(), ChainCheck::Broken { .. }));
});

both!(a_node_with_another_key_does_not_start, |app: TestApp| async move {
    // the same key (from the data directory) opens the database again
    lianzheng::open_db(&app.settings).await.unwrap().close().await;
    let mut other = app.settings.clone();
    other.secret_key = Sm4Crypto::generate_key_hex();
    let err = lianzheng::open_db(&other).await.unwrap_err().to_string();
    assert!(err.contains("secret_key 与数据库创建时的密钥不一致"), "{err}");
    // the key named explicitly works as well as the file
    let mut same = app.settings.clone();
    same.secret_key = std::fs::read_to_string(app.dir.join("secret.key")).unwrap().trim().to_string();
    lianzheng::open_db(&same).await.unwrap().close().await;
    // removing the check value to pass another key is noticed: the log already has keyed entries
    app.state.db.execute(q("DELETE FROM settings WHERE key = 'node_key_check'")).await.unwrap();
    let err = lianzheng::open_db(&other).await.unwrap_err().to_string();
    assert!(err.contains("缺少密钥校验值"), "{err}");
});

/// A database written before the key: its entries keep their SM3 links and still verify; the
/// first start seals where the keyed part begins, and from there nothing may become unkeyed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_from_before_the_key_still_verify() {
    let dir = std::env::temp_dir().join(format!("lz-legacy-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&Db::sqlite_url_for(&dir)).await.unwrap();
    db.migrate().await.unwrap();
    // three entries as the old version wrote them
    let mut prev = "0".repeat(64);
    for seq in 1..=3i64 {
        let e: Entry = (seq, 1_700_000_000 + seq, None, "系统（旧版）".into(), "create".into(), "org".into(), Some(seq.to_string()), "{}".into(), None);
        let h = chain_hash(&prev, &canonical(&e));
        db.execute(
            q("INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity, entity_id, summary, ip, prev_hash, hash) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, NULL, $8, $9)")
                .bind(seq)
                .bind(e.1)
                .bind(e.3.as_str())
                .bind(e.4.as_str())
                .bind(e.5.as_str())
                .bind(e.6.clone())
                .bind(e.7.as_str())
                .bind(prev.as_str())
                .bind(h.as_str()),
        )
        .await
        .unwrap();
        prev = h;
    }
    db.execute(q("UPDATE audit_head SET seq = 3, last_hash = $1 WHERE id = 1").bind(prev)).await.unwrap();
    // an archive as the old version wrote it: no scheme column, no key check
    let mut archive = Vec::new();
    lianzheng_store::archive::export(&db, &lianzheng_web::modules::tables(), &mut archive).await.unwrap();
    let mut in_audit_log = false;
    let old_archive: String = String::from_utf8(archive)
        .unwrap()
        .lines()
        .map(|l| {
            if l.contains("\"table\":") {
                in_audit_log = l.contains("\"table\":\"audit_log\"");
            }
            let l = if in_audit_log { l.replace(",\"scheme\"]", "]").replace(",\"sm3\"]", "]") } else { l.to_string() };
            format!("{l}\n")
        })
        .collect();
    assert!(old_archive.contains("\"hash\"],\"table\":\"audit_log\""), "{old_archive}");
    let crypto = Sm4Crypto::from_key_hex(&Sm4Crypto::generate_key_hex()).unwrap();
    lianzheng_store::node_key::attach(&db, &crypto).await.unwrap();
    lianzheng_store::audit::record_alone(&db, &lianzheng_store::audit::Actor::system("测试"), "org.create", "org", Some("9".into()), serde_json::json!({})).await.unwrap();
    assert_eq!(verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 5, unkeyed: 3 });
    // the sealing entry and the next are keyed; turning them into unkeyed ones is refused
    rewrite_unkeyed(&db, 4, Some("sm3")).await;
    match verify_chain(&db).await.unwrap() {
        ChainCheck::Broken { seq, .. } => assert_eq!(seq, 4),
        other => panic!("{other:?}"),
    }
    db.close().await;

    // the old archive loads into a new database: its entries stay unkeyed, new ones are keyed
    let dir2 = dir.join("restored");
    std::fs::create_dir_all(&dir2).unwrap();
    let restored = Db::connect(&Db::sqlite_url_for(&dir2)).await.unwrap();
    restored.migrate().await.unwrap();
    lianzheng_store::node_key::attach(&restored, &crypto).await.unwrap();
    lianzheng_store::archive::import(&restored, &lianzheng_web::modules::tables(), &mut old_archive.as_bytes()).await.unwrap();
    assert_eq!(verify_chain(&restored).await.unwrap(), ChainCheck::Intact { entries: 4, unkeyed: 3 });
    // an archive from a node with another key is refused, and nothing is loaded
    let mut keyed = Vec::new();
    lianzheng_store::archive::export(&restored, &lianzheng_web::modules::tables(), &mut keyed).await.unwrap();
    restored.close().await;
    let dir3 = dir.join("other-key");
    std::fs::create_dir_all(&dir3).unwrap();
    let other = Db::connect(&Db::sqlite_url_for(&dir3)).await.unwrap();
    other.migrate().await.unwrap();
    lianzheng_store::node_key::attach(&other, &Sm4Crypto::from_key_hex(&Sm4Crypto::generate_key_hex()).unwrap()).await.unwrap();
    let err = lianzheng_store::archive::import(&other, &lianzheng_web::modules::tables(), &mut keyed.as_slice()).await.unwrap_err().to_string();
    assert!(err.contains("secret_key 与迁移包所来自的数据库的密钥不一致"), "{err}");
    assert_eq!(other.scalar_i64(q("SELECT COUNT(*) FROM audit_log")).await.unwrap(), 1, "only its own first-start entry");
    other.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

both!(reads_logged_at_once_are_all_committed_in_the_chain, |app: TestApp| async move {
    use lianzheng_store::audit::{Actor, record_read};
    use lianzheng_store::q;
    let db = &app.state.db;
    let before = db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read'")).await.unwrap();
    // 200 readers at once, writes of other kinds in between: each read returns only once its
    // entry is committed, and the chain holds every one of them in order
    let mut set = tokio::task::JoinSet::new();
    for k in 0..200 {
        let reader_db = db.clone();
        set.spawn(async move {
            let db = reader_db;
            let actor = Actor { user_id: None, name: format!("读者{k}"), ip: None };
            record_read(&db, &actor, "integrity_file.read", "person", Some(format!("r{k}")), serde_json::json!({})).await.unwrap();
            db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read' AND entity_id = $1").bind(format!("r{k}"))).await.unwrap()
        });
        if k % 20 == 0 {
            lianzheng_store::audit::record_alone(db, &Actor::system("测试"), "org.create", "org", Some(k.to_string()), serde_json::json!({})).await.unwrap();
        }
    }
    for seen in set.join_all().await {
        assert_eq!(seen, 1, "a read answered before its entry was committed");
    }
    let after = db.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE action = 'integrity_file.read'")).await.unwrap();
    assert_eq!(after - before, 200);
    assert!(matches!(verify_chain(db).await.unwrap(), ChainCheck::Intact { .. }));
});
