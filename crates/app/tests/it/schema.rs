//! The two schemas cannot drift: same tables, columns and indexes on SQLite and PostgreSQL;
//! the module registry's table list (the archive's) is exactly what the migrations create, and
//! its order keeps every foreign key's target before the table that references it.

use std::collections::BTreeSet;

use lianzheng_store::schema::{NOT_ARCHIVED, SchemaInfo, describe, references};
use lianzheng_store::{Backend, Db};
use lianzheng_web::modules;

use crate::harness::fresh_database_url;

#[tokio::test]
async fn sqlite_and_postgres_schemas_match_and_archive_covers_them() {
    let dir = std::env::temp_dir().join(format!("lz-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Db::connect(&fresh_database_url(Backend::Sqlite, None, &dir).await).await.unwrap();
    sqlite.migrate().await.unwrap();
    let s = describe(&sqlite).await.unwrap();
    registry_matches(&sqlite, &s).await;

    let Some(admin) = std::env::var("LIANZHENG_TEST_PG_URL").ok() else {
        assert!(std::env::var("REQUIRE_POSTGRES").as_deref() != Ok("1"), "REQUIRE_POSTGRES=1 but no PostgreSQL");
        return;
    };
    let pg = Db::connect(&fresh_database_url(Backend::Postgres, Some(admin), &dir).await).await.unwrap();
    pg.migrate().await.unwrap();
    let p = describe(&pg).await.unwrap();
    registry_matches(&pg, &p).await;
    assert_eq!(s.tables, p.tables, "columns differ between SQLite and PostgreSQL");
    assert_eq!(s.indexes, p.indexes, "indexes differ between SQLite and PostgreSQL");
    assert!(s.tables.len() >= 10);
}

/// The registry's tables are the database's (less the ones deliberately not archived), with
/// the same columns, and each table's foreign keys point to tables listed before it.
async fn registry_matches(db: &Db, s: &SchemaInfo) {
    let backend = db.backend().name();
    let tables = modules::tables();
    let archived: BTreeSet<String> = tables.iter().map(|t| t.name.to_string()).collect();
    let created: BTreeSet<String> = s.tables.keys().filter(|t| !NOT_ARCHIVED.contains(&t.as_str())).cloned().collect();
    assert_eq!(archived, created, "{backend}: the modules' tables differ from the migrations' (left: registry)");
    for (table, cols) in &s.tables {
        let Some(def) = tables.iter().find(|t| t.name == table) else { continue };
        let mut listed: Vec<String> = def.columns.iter().map(|c| c.0.to_string()).collect();
        listed.sort();
        assert_eq!(&listed, cols, "{backend}: archive columns of {table}");
    }
    let refs = references(db).await.unwrap();
    assert!(refs.len() >= 10, "{backend}: foreign keys read back: {refs:?}");
    let position = |name: &str| tables.iter().position(|t| t.name == name);
    for (table, target) in &refs {
        if let (Some(a), Some(b)) = (position(table), position(target)) {
            assert!(b < a, "{backend}: {table} references {target}, which the registry lists after it (module order in MODULES or the area's list)");
        }
    }
}
