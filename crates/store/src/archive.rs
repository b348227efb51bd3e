//! 数据迁移包: a portable archive of every table, written from one database and read into
//! another (SQLite ↔ PostgreSQL). JSON lines: a header, then per table a line naming the
//! columns followed by one JSON array per row.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

use crate::StoreError;
use crate::db::{Backend, ColType, Db, Val, q_built};
use crate::schema::{ADDED_COLUMNS, Tables};

const FORMAT: &str = "lianzheng-archive";
const VERSION: i64 = 1;
const PAGE: i64 = 5000;
/// Tables older archives carry that no longer exist; their rows are derived data and skipped
/// (letter_bands: the letters' signatures are computed again at the next check).
const DROPPED_TABLES: &[&str] = &["letter_bands"];

fn to_json(v: &Val) -> Value {
    match v {
        Val::I64(v) => v.map(Value::from).unwrap_or(Value::Null),
        Val::Text(v) => v.clone().map(Value::from).unwrap_or(Value::Null),
        Val::Bool(v) => v.map(Value::from).unwrap_or(Value::Null),
        Val::F64(v) => v.map(Value::from).unwrap_or(Value::Null),
        // binary columns travel as lowercase hex: JSON has no bytes
        Val::Bytes(v) => v.as_deref().map(|b| Value::from(hex::encode(b))).unwrap_or(Value::Null),
    }
}

fn from_json(v: &Value, t: ColType) -> Result<Val, StoreError> {
    let bad = || StoreError::Invalid(format!("迁移包数据格式错误：{v}"));
    Ok(match (t, v) {
        (ColType::I64, Value::Null) => Val::I64(None),
        (ColType::I64, Value::Number(n)) => Val::I64(Some(n.as_i64().ok_or_else(bad)?)),
        (ColType::Text, Value::Null) => Val::Text(None),
        (ColType::Text, Value::String(s)) => Val::Text(Some(s.clone())),
        (ColType::Bool, Value::Null) => Val::Bool(None),
        (ColType::Bool, Value::Bool(b)) => Val::Bool(Some(*b)),
        (ColType::Bytes, Value::Null) => Val::Bytes(None),
        (ColType::Bytes, Value::String(s)) => Val::Bytes(Some(hex::decode(s).map_err(|_| bad())?)),
        _ => return Err(bad()),
    })
}

/// Row counts per table, as written or read.
pub type Counts = Vec<(String, i64)>;

/// Writes every table from one consistent snapshot (one read transaction for the whole export),
/// so rows written meanwhile are either all in or all out. `tables`: the module registry's, in
/// dependency order.
pub async fn export(db: &Db, tables: Tables<'_>, out: &mut dyn Write) -> Result<Counts, StoreError> {
    let io = |e: std::io::Error| StoreError::Invalid(format!("写入迁移包失败：{e}"));
    let mut tx = db.begin_read().await?;
    writeln!(out, "{}", json!({"format": FORMAT, "version": VERSION, "source": db.backend().name()})).map_err(io)?;
    let mut counts = Vec::new();
    for t in tables {
        let names: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
        let types: Vec<ColType> = t.columns.iter().map(|c| c.1).collect();
        writeln!(out, "{}", json!({"table": t.name, "columns": names})).map_err(io)?;
        let mut n = 0i64;
        let mut offset = 0i64;
        loop {
            let sql = format!("SELECT {} FROM {} ORDER BY {} LIMIT {PAGE} OFFSET {offset}", names.join(", "), t.name, names[0]);
            let rows = tx.fetch_values(q_built(sql), &types).await?;
            for r in &rows {
                let arr: Vec<Value> = r.iter().map(to_json).collect();
                writeln!(out, "{}", Value::Array(arr)).map_err(io)?;
            }
            n += rows.len() as i64;
            offset += PAGE;
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        counts.push((t.name.to_string(), n));
    }
    out.flush().map_err(io)?;
    Ok(counts)
}

/// Reads an archive into a database that holds no organisations yet (a fresh one). All or nothing.
/// `tables`: the module registry's, in dependency order.
pub async fn import(db: &Db, tables: Tables<'_>, input: &mut dyn BufRead) -> Result<Counts, StoreError> {
    let existing = db.scalar_i64(crate::q("SELECT COUNT(*) FROM orgs")).await?;
    if existing > 0 {
        return Err(StoreError::Invalid("目标数据库已有数据，只能导入到新建的空数据库".into()));
    }
    let mut lines = input.lines();
    let header: Value = match lines.next() {
        Some(Ok(l)) => serde_json::from_str(&l).map_err(|_| StoreError::Invalid("不是有效的迁移包".into()))?,
        _ => return Err(StoreError::Invalid("迁移包为空".into())),
    };
    if header["format"] != FORMAT || header["version"] != VERSION {
        return Err(StoreError::Invalid("不是有效的迁移包（格式或版本不符）".into()));
    }
    let mut tx = db.begin().await?;
    // Fresh databases carry seed rows (the audit head, default phrases…); the archive brings its own.
    for t in tables.iter().rev() {
        tx.execute(q_built(format!("DELETE FROM {}", t.name))).await?;
    }
    let mut counts: Counts = Vec::new();
    let mut current: Option<(&'static crate::schema::TableDef, Vec<ColType>, String)> = None;
    let mut skipping = false;
    for line in lines {
        let line = line.map_err(|e| StoreError::Invalid(format!("读取迁移包失败：{e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|_| StoreError::Invalid("迁移包内容损坏".into()))?;
        if let Some(name) = v.get("table").and_then(Value::as_str) {
            if DROPPED_TABLES.contains(&name) {
                skipping = true;
                continue;
            }
            skipping = false;
            let def = tables.iter().copied().find(|t| t.name == name).ok_or_else(|| StoreError::Invalid(format!("迁移包含有未知的表：{name}")))?;
            let cols: Vec<String> = v["columns"].as_array().map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect()).unwrap_or_default();
            // the archive's columns in this version's order; only columns added since (with a default) may be missing
            let known: Vec<&str> = def.columns.iter().map(|c| c.0).filter(|c| cols.iter().any(|a| a == c) || !ADDED_COLUMNS.contains(&(name, *c))).collect();
            if cols != known {
                return Err(StoreError::Invalid(format!("迁移包中表 {name} 的列与本版本不符")));
            }
            let types: Vec<ColType> = def.columns.iter().filter(|c| known.contains(&c.0)).map(|c| c.1).collect();
            let placeholders = crate::db::placeholders(1, known.len());
            let sql = format!("INSERT INTO {name} ({}) VALUES ({placeholders})", known.join(", "));
            current = Some((def, types, sql));
            counts.push((name.to_string(), 0));
            continue;
        }
        if skipping {
            continue;
        }
        let (def, types, sql) = current.as_ref().ok_or_else(|| StoreError::Invalid("迁移包内容损坏".into()))?;
        let arr = v.as_array().ok_or_else(|| StoreError::Invalid("迁移包内容损坏".into()))?;
        if arr.len() != types.len() {
            return Err(StoreError::Invalid(format!("迁移包中表 {} 的一行列数不符", def.name)));
        }
        let mut query = q_built(sql.clone());
        for (val, t) in arr.iter().zip(types.iter()) {
            query = query.bind(from_json(val, *t)?);
        }
        tx.execute(query).await?;
        if let Some(last) = counts.last_mut() {
            last.1 += 1;
        }
    }
    if tx.backend() == Backend::Postgres {
        // identity columns must continue after the imported ids
        for t in tables {
            if t.columns[0].0 == "id" && t.name != "audit_head" {
                tx.execute(q_built(format!("SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)", t.name))).await?;
            }
        }
    }
    // the archive's key check must be this node's; an older archive gets this node's
    crate::node_key::after_import(&mut tx).await?;
    tx.commit().await?;
    Ok(counts)
}
