//! One database handle over SQLite or PostgreSQL, chosen at start from the URL.
//!
//! Queries are written once, with `$1`-style parameters that both drivers accept, and
//! carried as a [`Q`] (SQL text + owned arguments). The backend is matched in one place
//! here, so repositories never see which database they talk to.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{AssertSqlSafe, FromRow, Postgres, Sqlite, Transaction};

use crate::generation::{Generation, Tables};
use lianzheng_core::duty::{FlagStatus, LetterStatus, ListStatus, PlanStatus, TaskStatus};
use lianzheng_core::ids;
use lianzheng_core::password::ResetStatus;

use crate::StoreError;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// PostgreSQL `lock_timeout` on every connection.
pub const PG_LOCK_TIMEOUT: &str = "5s";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
enum Pool {
    /// Readers share `read`. Whoever holds the writer's turn ([`Db::turn`]) uses `write`, whose
    /// one connection is then always free: a writer never queues for a connection behind
    /// readers while every other writer queues behind it (decision 0016).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// A pool of connections to the one database of this deployment.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    generation: Arc<Generation>,
    /// Set once at start ([`crate::node_key::attach`]); shared by every clone and transaction so
    /// that `audit::record` keeps its signature.
    node_keys: Arc<OnceLock<NodeKeys>>,
    /// SQLite has one writer at a time. Writers of this process wait here, in arrival order,
    /// instead of in SQLite's busy handler, which retries with growing sleeps and lets a late
    /// writer overtake one that has waited long (16 writers: p99 ~500 ms before, a few ms after).
    /// Other processes (the command line) still meet the busy timeout.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Read entries of the audit log, committed in groups ([`crate::read_log`]).
    read_log: Arc<crate::read_log::ReadLog>,
}

/// How long a writer waits for its turn, like SQLite's busy timeout.
const WRITER_WAIT: Duration = Duration::from_secs(10);

/// What the store needs of the node's master key, derived from it at start. The audit key
/// lives only in memory: a database writer without it cannot recompute the chain over an
/// edited entry. The check value is what the database stores to recognise the key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NodeKeys {
    pub(crate) audit: [u8; 32],
    pub(crate) check: String,
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeKeys(..)")
    }
}

/// A write transaction. On SQLite it is opened with `BEGIN IMMEDIATE` so a transaction that
/// reads before it writes cannot fail on upgrade; on PostgreSQL it is an ordinary transaction.
pub struct Tx {
    inner: TxInner,
    generation: Arc<Generation>,
    /// The tables this transaction wrote: their generations move when it commits.
    written: Tables,
    node_keys: Arc<OnceLock<NodeKeys>>,
    /// SQLite: this process's turn to write, held until commit or drop. After a commit the write
    /// lock is already free when the next writer starts; a transaction dropped without commit is
    /// rolled back when its connection goes back to the pool, so the next writer may meet SQLite's
    /// busy handler for that moment (slower, never wrong).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// One bound value. Owned, so a [`Q`] can be built up and passed around freely.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    F64(Option<f64>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! val_from {
    ($t:ty, $v:ident, $e:expr) => {
        impl From<$t> for Val {
            fn from($v: $t) -> Self {
                $e
            }
        }
    };
}
val_from!(i64, v, Val::I64(Some(v)));
val_from!(Option<i64>, v, Val::I64(v));
val_from!(i32, v, Val::I64(Some(i64::from(v))));
val_from!(u32, v, Val::I64(Some(i64::from(v))));
val_from!(bool, v, Val::Bool(Some(v)));
val_from!(Option<bool>, v, Val::Bool(v));
val_from!(f64, v, Val::F64(Some(v)));
val_from!(String, v, Val::Text(Some(v)));
val_from!(&String, v, Val::Text(Some(v.clone())));
val_from!(&str, v, Val::Text(Some(v.to_string())));
val_from!(Option<String>, v, Val::Text(v));
val_from!(Option<&str>, v, Val::Text(v.map(str::to_string)));
val_from!(&Option<String>, v, Val::Text(v.clone()));
val_from!(Vec<u8>, v, Val::Bytes(Some(v)));

/// Typed ids bind as their integer, statuses as their code.
macro_rules! val_from_typed {
    (ids: $($id:ident),+; codes: $($code:ident),+) => {
        $(
            val_from!(ids::$id, v, Val::I64(Some(v.get())));
            val_from!(Option<ids::$id>, v, Val::I64(v.map(ids::$id::get)));
        )+
        $(val_from!($code, v, Val::Text(Some(v.code().to_string())));)+
    };
}
val_from_typed!(
    ids: OrgId, PersonId, PostId, UserId, GrantId, ResetId, AttachmentId, DutyListId, ListItemId, ListTemplateId, TemplateItemId, PlanId, TaskId, ReportId, ReminderId, ListReminderId, LetterTemplateId, LetterId, FlagId, InquiryId;
    codes: ListStatus, TaskStatus, PlanStatus, LetterStatus, FlagStatus, ResetStatus
);
// 履责 — 廉政约谈
val_from!(ids::TalkId, v, Val::I64(Some(v.get())));
val_from!(Option<ids::TalkId>, v, Val::I64(v.map(ids::TalkId::get)));
// 履责纪实
val_from!(ids::DutyRecordId, v, Val::I64(Some(v.get())));
val_from!(Option<ids::DutyRecordId>, v, Val::I64(v.map(ids::DutyRecordId::get)));
// 抄告单、整改建议书
val_from!(ids::NoticeId, v, Val::I64(Some(v.get())));
// 述责述廉
val_from!(ids::StatementRoundId, v, Val::I64(Some(v.get())));
val_from!(ids::StatementReportId, v, Val::I64(Some(v.get())));
val_from!(ids::StatementPointId, v, Val::I64(Some(v.get())));
// 廉洁意见回复
val_from!(ids::IntegrityReplyId, v, Val::I64(Some(v.get())));

/// A query: SQL text with `$n` parameters and the values to bind, in order.
#[derive(Debug, Clone)]
pub struct Q {
    sql: Cow<'static, str>,
    args: Vec<Val>,
}

/// A query from literal SQL.
pub fn q(sql: &'static str) -> Q {
    Q { sql: Cow::Borrowed(sql), args: Vec::new() }
}

/// A query whose SQL was assembled at run time. Only ever from fixed fragments and
/// numbered placeholders; user input always goes through `bind`.
pub fn q_built(sql: String) -> Q {
    Q { sql: Cow::Owned(sql), args: Vec::new() }
}

impl Q {
    pub fn bind(mut self, v: impl Into<Val>) -> Self {
        self.args.push(v.into());
        self
    }
    pub fn sql(&self) -> &str {
        &self.sql
    }
}

/// A row type readable from either database.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in $args {
            query = match a {
                Val::I64(v) => query.bind(v),
                Val::Text(v) => query.bind(v),
                Val::Bool(v) => query.bind(v),
                Val::F64(v) => query.bind(v),
                Val::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

macro_rules! run {
    ($exec:expr, $backend:ident, $q:expr, $method:ident, $t:ty) => {{
        let Q { sql, args } = $q;
        bind_args!(sqlx::query_as::<$backend, $t>(AssertSqlSafe(sql)), args).$method($exec).await
    }};
}

macro_rules! exec {
    ($exec:expr, $backend:ident, $q:expr) => {{
        let Q { sql, args } = $q;
        bind_args!(sqlx::query::<$backend>(AssertSqlSafe(sql)), args).execute($exec).await.map(|r| r.rows_affected())
    }};
}

impl Db {
    pub(crate) fn read_log(&self) -> &crate::read_log::ReadLog {
        &self.read_log
    }

    /// The same database for the read-log writer task: without the queue to itself, so that the
    /// task ends when every other handle is dropped.
    pub(crate) fn detached(&self) -> Db {
        Db { read_log: Arc::default(), ..self.clone() }
    }

    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`), creating an SQLite
    /// file if missing, and applies the embedded migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // a write waiting on a lock fails after a while instead of piling up; no statement
            // timeout, since reports and exports may run long
            let opts = PgConnectOptions::from_str(url).map_err(StoreError::from)?.options([("lock_timeout", PG_LOCK_TIMEOUT)]);
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await?;
            Db { pool: Pool::Postgres(pool), generation: Arc::default(), node_keys: Arc::default(), writer: Arc::default(), read_log: Arc::default() }
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // a lost write could lose a ballot or a report
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("cache_size", "-16000");
            // an embedded connection cannot drop: no ping before each use
            let write = SqlitePoolOptions::new().test_before_acquire(false).max_connections(1).acquire_timeout(Duration::from_secs(10)).connect_with(opts.clone()).await?;
            let read = SqlitePoolOptions::new().test_before_acquire(false).max_connections(8).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await?;
            Db { pool: Pool::Sqlite { read, write }, generation: Arc::default(), node_keys: Arc::default(), writer: Arc::default(), read_log: Arc::default() }
        } else {
            return Err(StoreError::Config(format!("不支持的数据库地址：{url}（应以 sqlite:// 或 postgres:// 开头）")));
        };
        Ok(db)
    }

    /// `sqlite://DIR/lianzheng.db` for a data directory.
    pub fn sqlite_url_for(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("lianzheng.db").display())
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite { write, .. } => SQLITE_MIGRATOR.run(write).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let (inner, turn) = match &self.pool {
            Pool::Sqlite { write, .. } => {
                let turn = self.turn(Tables::ALL).await?;
                (TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?), turn)
            }
            Pool::Postgres(p) => (TxInner::Postgres(p.begin().await?), None),
        };
        Ok(Tx { inner, generation: self.generation.clone(), written: Tables::NONE, node_keys: self.node_keys.clone(), _turn: turn })
    }

    /// SQLite: this process's turn to write, for a statement or transaction that writes
    /// `tables` (none for a read). A single write statement outside a transaction (a session's
    /// "last seen", a job's claim) queues here too: in SQLite's busy handler it would hold a
    /// pooled connection asleep while readers wait for one. A writer that waits too long gets the
    /// error SQLite's busy timeout would give.
    async fn turn(&self, tables: Tables) -> Result<Option<tokio::sync::OwnedMutexGuard<()>>, StoreError> {
        if tables.is_empty() || !matches!(self.pool, Pool::Sqlite { .. }) {
            return Ok(None);
        }
        let turn = tokio::time::timeout(WRITER_WAIT, self.writer.clone().lock_owned()).await.map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?;
        Ok(Some(turn))
    }

    /// A read-only transaction over one consistent snapshot (backups): REPEATABLE READ on
    /// PostgreSQL; on SQLite a deferred transaction, whose first read fixes the snapshot (WAL)
    /// until it ends. Dropped, not committed.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let inner = match &self.pool {
            Pool::Sqlite { read, .. } => TxInner::Sqlite(read.begin_with("BEGIN DEFERRED").await?),
            Pool::Postgres(p) => TxInner::Postgres(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?),
        };
        Ok(Tx { inner, generation: self.generation.clone(), written: Tables::NONE, node_keys: self.node_keys.clone(), _turn: None })
    }

    /// Hands the node's keys over once; a second call must bring the same ones.
    pub(crate) fn set_node_keys(&self, keys: NodeKeys) -> Result<(), StoreError> {
        if self.node_keys.get_or_init(|| keys.clone()) != &keys {
            return Err(StoreError::Config("同一数据库连接不能换用另一把密钥".into()));
        }
        Ok(())
    }

    pub(crate) fn node_keys(&self) -> Result<&NodeKeys, StoreError> {
        keys_of(&self.node_keys)
    }

    pub fn generation(&self) -> Arc<Generation> {
        self.generation.clone()
    }

    pub async fn fetch_all<T: Row>(&self, q: Q) -> Result<Vec<T>, StoreError> {
        let written = self.generation.written_by(&q.sql);
        let turn = self.turn(written).await?;
        let rows = match &self.pool {
            Pool::Sqlite { read, write } => run!(sqlite_pool(read, write, &turn), Sqlite, q, fetch_all, T)?,
            Pool::Postgres(p) => run!(p, Postgres, q, fetch_all, T)?,
        };
        self.generation.bump(written);
        Ok(rows)
    }

    pub async fn fetch_optional<T: Row>(&self, q: Q) -> Result<Option<T>, StoreError> {
        let written = self.generation.written_by(&q.sql);
        let turn = self.turn(written).await?;
        let row = match &self.pool {
            Pool::Sqlite { read, write } => run!(sqlite_pool(read, write, &turn), Sqlite, q, fetch_optional, T)?,
            Pool::Postgres(p) => run!(p, Postgres, q, fetch_optional, T)?,
        };
        self.generation.bump(written);
        Ok(row)
    }

    pub async fn fetch_one<T: Row>(&self, q: Q) -> Result<T, StoreError> {
        self.fetch_optional(q).await?.ok_or(StoreError::NotFound)
    }

    /// A single BIGINT (e.g. `COUNT(*)`).
    pub async fn scalar_i64(&self, q: Q) -> Result<i64, StoreError> {
        let (v,): (i64,) = self.fetch_one(q).await?;
        Ok(v)
    }

    pub async fn execute(&self, q: Q) -> Result<u64, StoreError> {
        let written = self.generation.written_by(&q.sql);
        let n = self.execute_unseen(q).await?;
        self.generation.bump(written);
        Ok(n)
    }

    /// A write no read cache may depend on (a session's "last seen", which every request checks
    /// against the clock itself): the caches stay warm.
    pub async fn execute_unseen(&self, q: Q) -> Result<u64, StoreError> {
        let turn = self.turn(self.generation.written_by(&q.sql)).await?;
        Ok(match &self.pool {
            Pool::Sqlite { read, write } => exec!(sqlite_pool(read, write, &turn), Sqlite, q)?,
            Pool::Postgres(p) => exec!(p, Postgres, q)?,
        })
    }

    /// Runs a script of several statements without parameters (maintenance only).
    pub async fn execute_script(&self, sql: String) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite { write, .. } => {
                let _turn = self.turn(Tables::ALL).await?;
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(write).await?;
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(p).await?;
            }
        }
        self.generation.bump_all();
        Ok(())
    }
}

/// SQLite: the writer's own connection while holding the turn, else the readers' pool.
fn sqlite_pool<'a>(read: &'a SqlitePool, write: &'a SqlitePool, turn: &Option<tokio::sync::OwnedMutexGuard<()>>) -> &'a SqlitePool {
    if turn.is_some() { write } else { read }
}

fn keys_of(k: &OnceLock<NodeKeys>) -> Result<&NodeKeys, StoreError> {
    k.get().ok_or_else(|| StoreError::Config("审计密钥未设置：数据库打开后须先调用 node_key::attach".into()))
}

impl Tx {
    /// ` FOR UPDATE` on PostgreSQL, for a read whose result a write in this transaction depends
    /// on (a status, a count); nothing on SQLite, where `BEGIN IMMEDIATE` already holds the one
    /// write lock for the whole transaction.
    pub fn for_update(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// Makes the transactions that call this with the same `key` run one after another from
    /// here to their end (PostgreSQL: a transaction-scoped advisory lock). For writers that lock
    /// many rows of the same tables in orders that cannot be made the same (the copy check's
    /// whole-year and per-letter writes), where they would otherwise deadlock. Nothing on SQLite,
    /// whose one writer at a time already does it.
    pub async fn serialize(&mut self, key: i64) -> Result<(), StoreError> {
        if self.backend() == Backend::Postgres {
            self.execute(q("SELECT pg_advisory_xact_lock($1)").bind(key)).await?;
        }
        Ok(())
    }

    pub(crate) fn node_keys(&self) -> Result<&NodeKeys, StoreError> {
        keys_of(&self.node_keys)
    }

    pub fn backend(&self) -> Backend {
        match &self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        self.generation.bump(self.written);
        Ok(())
    }

    pub async fn fetch_all<T: Row>(&mut self, q: Q) -> Result<Vec<T>, StoreError> {
        self.written = self.written.union(self.generation.written_by(&q.sql));
        Ok(match &mut self.inner {
            TxInner::Sqlite(t) => run!(&mut **t, Sqlite, q, fetch_all, T)?,
            TxInner::Postgres(t) => run!(&mut **t, Postgres, q, fetch_all, T)?,
        })
    }

    pub async fn fetch_optional<T: Row>(&mut self, q: Q) -> Result<Option<T>, StoreError> {
        self.written = self.written.union(self.generation.written_by(&q.sql));
        Ok(match &mut self.inner {
            TxInner::Sqlite(t) => run!(&mut **t, Sqlite, q, fetch_optional, T)?,
            TxInner::Postgres(t) => run!(&mut **t, Postgres, q, fetch_optional, T)?,
        })
    }

    pub async fn fetch_one<T: Row>(&mut self, q: Q) -> Result<T, StoreError> {
        self.fetch_optional(q).await?.ok_or(StoreError::NotFound)
    }

    pub async fn scalar_i64(&mut self, q: Q) -> Result<i64, StoreError> {
        let (v,): (i64,) = self.fetch_one(q).await?;
        Ok(v)
    }

    pub async fn execute(&mut self, q: Q) -> Result<u64, StoreError> {
        self.written = self.written.union(self.generation.written_by(&q.sql));
        Ok(match &mut self.inner {
            TxInner::Sqlite(t) => exec!(&mut **t, Sqlite, q)?,
            TxInner::Postgres(t) => exec!(&mut **t, Postgres, q)?,
        })
    }

    pub async fn execute_script(&mut self, sql: String) -> Result<(), StoreError> {
        self.written = Tables::ALL;
        match &mut self.inner {
            TxInner::Sqlite(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
            TxInner::Postgres(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
        }
        Ok(())
    }
}

/// Seconds since the Unix epoch: the one timestamp representation in the database.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// `IN ($a, $b, …)` placeholders starting at parameter `first`.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Column types the portable archive knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    I64,
    Text,
    Bool,
    /// BLOB / BYTEA; hex in the archive.
    Bytes,
}

macro_rules! decode_row {
    ($row:expr, $types:expr) => {{
        use sqlx::Row as _;
        let mut vals = Vec::with_capacity($types.len());
        for (i, t) in $types.iter().enumerate() {
            vals.push(match t {
                ColType::I64 => Val::I64($row.try_get::<Option<i64>, _>(i)?),
                ColType::Text => Val::Text($row.try_get::<Option<String>, _>(i)?),
                ColType::Bool => Val::Bool($row.try_get::<Option<bool>, _>(i)?),
                ColType::Bytes => Val::Bytes($row.try_get::<Option<Vec<u8>>, _>(i)?),
            });
        }
        vals
    }};
}

impl Tx {
    /// Rows as loose values, for the portable archive (read inside one snapshot).
    pub async fn fetch_values(&mut self, q: Q, types: &[ColType]) -> Result<Vec<Vec<Val>>, StoreError> {
        let Q { sql, args } = q;
        let mut out = Vec::new();
        match &mut self.inner {
            TxInner::Sqlite(t) => {
                for row in bind_args!(sqlx::query::<Sqlite>(AssertSqlSafe(sql)), args).fetch_all(&mut **t).await? {
                    out.push(decode_row!(row, types));
                }
            }
            TxInner::Postgres(t) => {
                for row in bind_args!(sqlx::query::<Postgres>(AssertSqlSafe(sql)), args).fetch_all(&mut **t).await? {
                    out.push(decode_row!(row, types));
                }
            }
        }
        Ok(out)
    }
}

/// A cheap round trip, for the health check.
pub async fn ping(db: &Db) -> Result<(), StoreError> {
    db.scalar_i64(q("SELECT CAST(1 AS BIGINT)")).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use lianzheng_core::duty::LetterStatus;
    use lianzheng_core::ids::{OrgId, PersonId};

    use super::*;

    /// Typed ids and statuses read from either database; a status code this build does not
    /// know is a decode error, not a panic and not a silent default.
    async fn typed_columns(db: &Db) {
        let (id, person, status): (OrgId, Option<PersonId>, LetterStatus) =
            db.fetch_one(q("SELECT CAST($1 AS BIGINT), CAST(NULL AS BIGINT), CAST($2 AS TEXT)").bind(OrgId::new(42)).bind(LetterStatus::Signed)).await.unwrap();
        assert_eq!((id, person, status), (OrgId::new(42), None, LetterStatus::Signed));
        let bad = db.fetch_one::<(LetterStatus,)>(q("SELECT CAST('lost' AS TEXT)")).await;
        match bad {
            Err(StoreError::Db(sqlx::Error::ColumnDecode { source, .. })) => assert!(source.to_string().contains("lost"), "{source}"),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn typed_columns_sqlite() {
        typed_columns(&Db::connect("sqlite::memory:").await.unwrap()).await;
    }

    #[tokio::test]
    async fn typed_columns_postgres() {
        let Ok(url) = std::env::var("LIANZHENG_TEST_PG_URL") else { return };
        typed_columns(&Db::connect(&url).await.unwrap()).await;
    }
}
