//! export/import moves all data between SQLite and PostgreSQL and loses nothing.

use lianzheng_store::archive::{export, import};
use lianzheng_store::{Backend, Db};
use lianzheng_web::modules;

use crate::harness::{fresh_database_url, spawn_app};

async fn dump(db: &Db) -> String {
    let mut out = Vec::new();
    export(db, &modules::tables(), &mut out).await.unwrap();
    // the header names the source database; the rest must be identical
    String::from_utf8(out).unwrap().split_once('\n').unwrap().1.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_loses_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    // some edits beyond the demo load, including an audited change
    let token = app.token("jw_staff").await;
    let org = app.org_id("XW-D03").await;
    let (s, _) = app.send_json(reqwest::Method::POST, &token, "/api/v1/people", serde_json::json!({"org_id": org, "name": "周某", "id_number": "11010519491231002X", "political_status": "中共党员"})).await;
    assert_eq!(s, 201);
    let original = dump(&app.state.db).await;
    assert!(original.contains("\"table\":\"people\""));

    let mut bytes = Vec::new();
    export(&app.state.db, &modules::tables(), &mut bytes).await.unwrap();

    // into a second database: PostgreSQL when available, else another SQLite file
    let target_backend = if std::env::var("LIANZHENG_TEST_PG_URL").is_ok() { Backend::Postgres } else { Backend::Sqlite };
    let dir = app.dir.join("second");
    std::fs::create_dir_all(&dir).unwrap();
    let url = fresh_database_url(target_backend, std::env::var("LIANZHENG_TEST_PG_URL").ok(), &dir).await;
    let second = Db::connect(&url).await.unwrap();
    second.migrate().await.unwrap();
    lianzheng_store::node_key::attach(&second, app.state.crypto.as_ref()).await.unwrap();
    import(&second, &modules::tables(), &mut bytes.as_slice()).await.unwrap();
    assert_eq!(dump(&second).await, original, "after import into {:?}", target_backend);

    // the chain still verifies where it landed, and new writes continue it
    assert!(matches!(lianzheng_store::audit::verify_chain(&second).await.unwrap(), lianzheng_store::audit::ChainCheck::Intact { .. }));

    // and back into a fresh SQLite database
    let mut again = Vec::new();
    export(&second, &modules::tables(), &mut again).await.unwrap();
    let dir3 = app.dir.join("third");
    std::fs::create_dir_all(&dir3).unwrap();
    let third = Db::connect(&Db::sqlite_url_for(&dir3)).await.unwrap();
    third.migrate().await.unwrap();
    lianzheng_store::node_key::attach(&third, app.state.crypto.as_ref()).await.unwrap();
    import(&third, &modules::tables(), &mut again.as_slice()).await.unwrap();
    assert_eq!(dump(&third).await, original);

    // importing twice is refused and changes nothing
    let err = import(&third, &modules::tables(), &mut again.as_slice()).await.unwrap_err();
    assert!(err.to_string().contains("已有数据"));
    // a broken archive is refused
    let err = import(&second, &modules::tables(), &mut "not an archive\n".as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("迁移包") || err.to_string().contains("已有数据"));
}

/// An archive written before signatures replaced band rows still imports: its `letter_bands`
/// rows are derived data and are skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_with_band_rows_still_imports() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut bytes = Vec::new();
    export(&app.state.db, &modules::tables(), &mut bytes).await.unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"table\":\"letter_signatures\""));
    // as an old archive: band rows where the signatures are
    let old: String = text
        .lines()
        .flat_map(|l| {
            let bands = ["{\"columns\":[\"id\",\"letter_id\",\"band\",\"band_key\",\"year\"],\"table\":\"letter_bands\"}", "[1,1,0,-42,2026]"];
            let before = if l.contains("\"table\":\"letter_signatures\"") { bands.to_vec() } else { Vec::new() };
            before.into_iter().chain([l]).map(|l| format!("{l}\n"))
        })
        .collect();
    assert!(old.contains("letter_bands"));
    let dir = app.dir.join("old-archive");
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&Db::sqlite_url_for(&dir)).await.unwrap();
    db.migrate().await.unwrap();
    lianzheng_store::node_key::attach(&db, app.state.crypto.as_ref()).await.unwrap();
    import(&db, &modules::tables(), &mut old.as_bytes()).await.unwrap();
    assert_eq!(dump(&db).await, dump(&app.state.db).await);
}
