//! Backups read one consistent snapshot; PostgreSQL connections carry a lock timeout.

use std::io::Write;

use lianzheng_store::{Backend, Db, q};

use crate::both;
use crate::harness::TestApp;

/// Writes the archive to memory and, when the `people` table begins (the snapshot is fixed by
/// then: `orgs` was read), commits a new settings row through another connection.
struct WriteMidway {
    out: Vec<u8>,
    url: String,
    done: bool,
}

impl Write for WriteMidway {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.extend_from_slice(buf);
        if !self.done && String::from_utf8_lossy(&self.out).contains("\"table\":\"people\"") {
            self.done = true;
            let url = self.url.clone();
            // a thread of its own: this write is synchronous, the other connection is not
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    let db = Db::connect(&url).await.unwrap();
                    db.execute(q("INSERT INTO settings (key, value, updated_at) VALUES ('written_midway', 'x', 0)")).await.unwrap();
                    db.close().await;
                });
            })
            .join()
            .unwrap();
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

both!(a_backup_reads_one_snapshot, |app: TestApp| async move {
    let mut w = WriteMidway { out: Vec::new(), url: app.settings.database_url(), done: false };
    lianzheng_store::archive::export(&app.state.db, &lianzheng_web::modules::tables(), &mut w).await.unwrap();
    assert!(w.done);
    let text = String::from_utf8(w.out).unwrap();
    assert!(text.contains("\"table\":\"settings\""));
    // committed during the export, after its snapshot: not in the archive, but in the database
    assert!(!text.contains("written_midway"), "a row committed during the backup leaked into it");
    assert_eq!(app.state.db.scalar_i64(q("SELECT COUNT(*) FROM settings WHERE key = 'written_midway'")).await.unwrap(), 1);
});

both!(postgres_connections_have_a_lock_timeout, |app: TestApp| async move {
    if app.state.db.backend() == Backend::Postgres {
        let (v,): (String,) = app.state.db.fetch_one(q("SHOW lock_timeout")).await.unwrap();
        assert_eq!(v, "5s");
        let (v,): (String,) = app.state.db.fetch_one(q("SHOW statement_timeout")).await.unwrap();
        assert_eq!(v, "0", "no statement timeout: reports and exports may run long");
    }
});

fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .args(args)
        .arg("--data")
        .arg(dir)
        .env("LIANZHENG_ARGON2_M_COST", "256")
        .env("LIANZHENG_ARGON2_T_COST", "1")
        .env("LIANZHENG_LOG", "error")
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Backup and restore leave their mark in the log; a restore needs the key the data was written with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_are_logged_and_need_the_same_key() {
    let app = crate::harness::spawn_app(Backend::Sqlite).await;
    let file = app.dir.join("backup.jsonl");
    let (ok, out) = cli(&app.dir, &["backup", "--to", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    let (n,): (i64,) = app.state.db.fetch_one(q("SELECT COUNT(*) FROM audit_log WHERE action = 'archive.export'")).await.unwrap();
    assert_eq!(n, 1);
    // a new data directory has a key of its own: refused, and nothing loaded
    let fresh = app.dir.join("fresh");
    let (ok, out) = cli(&fresh, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!ok && out.contains("secret_key 与迁移包所来自的数据库的密钥不一致"), "{out}");
    // with the original key beside it: restored, and the restore is the newest entry
    let again = app.dir.join("again");
    std::fs::create_dir_all(&again).unwrap();
    std::fs::copy(app.dir.join("secret.key"), again.join("secret.key")).unwrap();
    let (ok, out) = cli(&again, &["restore", "--from", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    let (ok, out) = cli(&again, &["audit", "verify"]);
    assert!(ok && out.contains("完整"), "{out}");
    let db = Db::connect(&Db::sqlite_url_for(&again)).await.unwrap();
    let (action,): (String,) = db.fetch_one(q("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")).await.unwrap();
    assert_eq!(action, "archive.import");
    db.close().await;
}
