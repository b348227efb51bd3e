//! The two schemas cannot drift: same tables, columns and indexes on SQLite and PostgreSQL,
//! and the archive's table list covers every column.

use std::collections::BTreeSet;

use lianzheng_store::schema::{NOT_ARCHIVED, all_tables, describe};
use lianzheng_store::{Backend, Db};

use crate::harness::fresh_database_url;

#[tokio::test]
async fn sqlite_and_postgres_schemas_match_and_archive_covers_them() {
    let dir = std::env::temp_dir().join(format!("lz-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Db::connect(&fresh_database_url(Backend::Sqlite, None, &dir).await).await.unwrap();
    sqlite.migrate().await.unwrap();
    let s = describe(&sqlite).await.unwrap();

    // the archive list names every table and column (except the ones deliberately left out)
    let archived: BTreeSet<String> = all_tables().map(|t| t.name.to_string()).collect();
    for (table, cols) in &s.tables {
        if NOT_ARCHIVED.contains(&table.as_str()) {
            continue;
        }
        assert!(archived.contains(table), "table {table} is not in the archive list");
        let def = all_tables().find(|t| t.name == table).unwrap();
        let mut listed: Vec<String> = def.columns.iter().map(|c| c.0.to_string()).collect();
        listed.sort();
        assert_eq!(&listed, cols, "archive columns of {table}");
    }

    let Some(admin) = std::env::var("LIANZHENG_TEST_PG_URL").ok() else {
        assert!(std::env::var("REQUIRE_POSTGRES").as_deref() != Ok("1"), "REQUIRE_POSTGRES=1 but no PostgreSQL");
        return;
    };
    let pg = Db::connect(&fresh_database_url(Backend::Postgres, Some(admin), &dir).await).await.unwrap();
    pg.migrate().await.unwrap();
    let p = describe(&pg).await.unwrap();
    assert_eq!(s.tables, p.tables, "columns differ between SQLite and PostgreSQL");
    assert_eq!(s.indexes, p.indexes, "indexes differ between SQLite and PostgreSQL");
    assert!(s.tables.len() >= 10);
}
