//! 审计日志: an append-only log of every write, in the writer's own transaction, each entry
//! chained to the previous one with HMAC-SM3 under a key that lives outside the database, so
//! that any edit or deletion shows — even one by a database writer who recomputes the hashes.
//! Entries written before the key came (scheme 'sm3') keep their unkeyed SM3 links; where the
//! keyed part begins is sealed with the key (crate::node_key).

use lianzheng_core::crypto::{chain_hash, chain_hmac};
use lianzheng_core::ids::UserId;
use serde::Serialize;
use sqlx::FromRow;

use crate::StoreError;
use crate::builder::SqlBuilder;
use crate::db::{Db, Tx, now, q};

/// Who did it. The name is copied into the entry so the log reads on its own.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor { user_id: None, name: format!("系统（{what}）"), ip: None }
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub summary: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// [`SCHEME_HMAC`] or, for entries from before the key, [`SCHEME_SM3`].
    pub scheme: String,
}

/// The link of entries written before the chain was keyed: plain SM3.
pub const SCHEME_SM3: &str = "sm3";
/// The link of every entry written now: HMAC-SM3 under the node's audit key.
pub const SCHEME_HMAC: &str = "hmac-sm3";

/// The bytes an entry's hash covers (everything but the hash itself), unambiguous by field separators.
#[allow(clippy::too_many_arguments)] // one argument per hashed field, in order
fn canonical(seq: i64, at: i64, actor_id: Option<i64>, actor_name: &str, action: &str, entity: &str, entity_id: Option<&str>, summary: &str, ip: Option<&str>) -> Vec<u8> {
    let fields = [
        seq.to_string(),
        at.to_string(),
        actor_id.map(|v| v.to_string()).unwrap_or_default(),
        actor_name.to_string(),
        action.to_string(),
        entity.to_string(),
        entity_id.unwrap_or_default().to_string(),
        summary.to_string(),
        ip.unwrap_or_default().to_string(),
    ];
    fields.join("\u{1e}").into_bytes()
}

/// Appends an entry inside the caller's transaction. `summary` is a short JSON of what
/// changed (before/after for edits); it must never carry an ID number or a reporter's identity.
pub async fn record(tx: &mut Tx, actor: &Actor, action: &str, entity: &str, entity_id: Option<String>, summary: serde_json::Value) -> Result<(), StoreError> {
    record_many(tx, &[NewEntry { actor, action, entity, entity_id: entity_id.as_deref(), summary: summary.to_string() }]).await
}

/// An entry about to be appended.
pub struct NewEntry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    /// The summary's JSON text.
    pub summary: String,
}

/// Entries (columns) per INSERT: within both databases' bind limits.
const ENTRIES_PER_INSERT: usize = 64;

/// Appends entries, in order, inside the caller's transaction: the chain's head is taken once
/// for all of them and they go in with few statements (the read log commits many at once).
pub async fn record_many(tx: &mut Tx, entries: &[NewEntry<'_>]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let key = tx.node_keys()?.audit;
    let n = i64::try_from(entries.len()).map_err(|_| StoreError::Internal("审计记录过多".into()))?;
    // Taking the head row serialises chain appends (row lock on PostgreSQL; the write lock on SQLite).
    let (last, mut prev): (i64, String) = tx.fetch_one(q("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash").bind(n)).await?;
    let mut seq = last - n;
    let at = now();
    for chunk in entries.chunks(ENTRIES_PER_INSERT) {
        const COLS: usize = 12;
        let groups: Vec<String> = (0..chunk.len()).map(|g| format!("({})", crate::db::placeholders(g * COLS + 1, COLS))).collect();
        let mut query = crate::db::q_built(format!("INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity, entity_id, summary, ip, prev_hash, hash, scheme) VALUES {}", groups.join(", ")));
        for e in chunk {
            seq += 1;
            let actor = e.actor;
            let bytes = canonical(seq, at, actor.user_id.map(UserId::get), &actor.name, e.action, e.entity, e.entity_id, &e.summary, actor.ip.as_deref());
            let hash = chain_hmac(&key, &prev, &bytes);
            query = query
                .bind(seq)
                .bind(at)
                .bind(actor.user_id)
                .bind(actor.name.as_str())
                .bind(e.action)
                .bind(e.entity)
                .bind(e.entity_id.map(str::to_string))
                .bind(e.summary.as_str())
                .bind(actor.ip.clone())
                .bind(prev.as_str())
                .bind(hash.as_str())
                .bind(SCHEME_HMAC);
            prev = hash;
        }
        tx.execute(query).await?;
    }
    tx.execute(q("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(prev)).await?;
    Ok(())
}

fn is_set(v: &serde_json::Value) -> bool {
    !(v.is_null() || v.as_str().is_some_and(str::is_empty) || v.as_array().is_some_and(Vec::is_empty))
}

/// A new or deleted record's values for its entry: `text` fields (business text — names of
/// people, item text, notes) are left out and only named under `"fields"` when set, so the
/// log carries ids and field names, not the content.
pub fn redact(values: &serde_json::Value, text: &[&str]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let mut fields = Vec::new();
    if let Some(obj) = values.as_object() {
        for (k, v) in obj {
            if text.contains(&k.as_str()) {
                if is_set(v) {
                    fields.push(k.clone());
                }
            } else {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if !fields.is_empty() {
        out.insert("fields".into(), fields.into());
    }
    serde_json::Value::Object(out)
}

/// An edit's entry: the names of the fields that changed (keys absent from `before` are not
/// compared), with before/after values only for those not in `text`.
pub fn changes(before: &serde_json::Value, after: &serde_json::Value, text: &[&str]) -> serde_json::Value {
    let (mut b, mut a, mut changed) = (serde_json::Map::new(), serde_json::Map::new(), Vec::new());
    if let (Some(bo), Some(ao)) = (before.as_object(), after.as_object()) {
        for (k, new) in ao {
            let Some(old) = bo.get(k) else { continue };
            if old == new {
                continue;
            }
            changed.push(k.clone());
            if !text.contains(&k.as_str()) {
                b.insert(k.clone(), old.clone());
                a.insert(k.clone(), new.clone());
            }
        }
    }
    serde_json::json!({"changed": changed, "before": b, "after": a})
}

/// Records an event that is not itself a data change (sign-in, a read of a lead) in its own transaction.
pub async fn record_alone(db: &Db, actor: &Actor, action: &str, entity: &str, entity_id: Option<String>, summary: serde_json::Value) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    record(&mut tx, actor, action, entity, entity_id, summary).await?;
    tx.commit().await
}

/// Records a read worth knowing about (a download, an export, a look-up by ID number, a
/// refused request, a file opened); returns once it is committed, together with the other
/// reads of the moment ([`crate::read_log`]). No cache depends on the log, so read caches stay.
pub async fn record_read(db: &Db, actor: &Actor, action: &str, entity: &str, entity_id: Option<String>, summary: serde_json::Value) -> Result<(), StoreError> {
    crate::read_log::log(db, actor, action, entity, entity_id, summary).await
}

/// Result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainCheck {
    /// `unkeyed`: how many of the first entries carry the old unkeyed SM3 links (written before
    /// the upgrade; they are only as safe as SM3 without a key).
    Intact { entries: i64, unkeyed: i64 },
    /// The first entry whose link does not hold, and why.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in pages, recomputing every hash: unkeyed SM3 before the sealed start
/// of the keyed part, HMAC-SM3 from there on. An entry whose scheme does not match its place
/// (e.g. a keyed entry turned into an unkeyed one and re-hashed) is a broken link.
pub async fn verify_chain(db: &Db) -> Result<ChainCheck, StoreError> {
    let key = db.node_keys()?.audit;
    let Some(keyed_from) = crate::node_key::keyed_from(db, &key).await? else {
        return Ok(ChainCheck::Broken { seq: 1, reason: "审计日志链的密钥起点记录（audit_keyed_from）缺失或被改动".to_string() });
    };
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1i64;
    let mut last_seq = 0i64;
    loop {
        let page: Vec<AuditEntry> = db.fetch_all(q("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 2000").bind(last_seq)).await?;
        if page.is_empty() {
            break;
        }
        for e in &page {
            if e.seq != expected_seq {
                return Ok(ChainCheck::Broken { seq: expected_seq, reason: format!("第{expected_seq}条记录缺失") });
            }
            if e.prev_hash != prev {
                return Ok(ChainCheck::Broken { seq: e.seq, reason: format!("第{}条记录的前序哈希与上一条不符", e.seq) });
            }
            let keyed = e.seq >= keyed_from;
            if e.scheme != if keyed { SCHEME_HMAC } else { SCHEME_SM3 } {
                return Ok(ChainCheck::Broken { seq: e.seq, reason: format!("第{}条记录的链方案被改动（{}）", e.seq, e.scheme) });
            }
            let bytes = canonical(e.seq, e.at, e.actor_id, &e.actor_name, &e.action, &e.entity, e.entity_id.as_deref(), &e.summary, e.ip.as_deref());
            let h = if keyed { chain_hmac(&key, &prev, &bytes) } else { chain_hash(&prev, &bytes) };
            if h != e.hash {
                return Ok(ChainCheck::Broken { seq: e.seq, reason: format!("第{}条记录内容被改动（哈希不符）", e.seq) });
            }
            prev = e.hash.clone();
            expected_seq += 1;
            last_seq = e.seq;
        }
    }
    let (head_seq, head_hash): (i64, String) = db.fetch_one(q("SELECT seq, last_hash FROM audit_head WHERE id = 1")).await?;
    if head_seq != last_seq || (head_seq > 0 && head_hash != prev) {
        return Ok(ChainCheck::Broken { seq: last_seq + 1, reason: "日志末尾的记录被删除（链头不符）".to_string() });
    }
    Ok(ChainCheck::Intact { entries: last_seq, unkeyed: last_seq.min(keyed_from - 1).max(0) })
}

/// Filters of the audit page.
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redact_and_changes_keep_ids_and_name_the_text_fields() {
        let v = redact(&json!({"list_id": 3, "content": "不办人情案", "category": null}), &["content", "category"]);
        assert_eq!(v, json!({"list_id": 3, "fields": ["content"]}));
        let c = changes(&json!({"name": "张三", "org_id": 1, "kind": "a"}), &json!({"name": "李四", "org_id": 2, "kind": "a", "new": 1}), &["name"]);
        assert_eq!(c, json!({"changed": ["name", "org_id"], "before": {"org_id": 1}, "after": {"org_id": 2}}));
        assert!(!c.to_string().contains("张三") && !c.to_string().contains("李四"));
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// A key of [`SORTS`] (else the latest first).
    pub sort: crate::builder::Sort,
}

/// The audit log's sort keys (the entry number breaks ties).
pub const SORTS: &[(&str, &[crate::builder::SortKey])] =
    &[("seq", &[crate::builder::SortKey::num("seq")]), ("at", &[crate::builder::SortKey::num("at")]), ("actor", &[crate::builder::SortKey::text("actor_name")]), ("action", &[crate::builder::SortKey::text("action")])];

fn filter_where(f: &AuditFilter) -> SqlBuilder {
    let mut b = SqlBuilder::new("FROM audit_log WHERE 1=1");
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        b.push(" AND actor_name LIKE ").bind(format!("%{a}%"));
    }
    match f.action.as_deref().filter(|s| !s.is_empty()).and_then(|a| a.split_once('.').map(|(e, v)| (a, e, v))) {
        // entries written before codes named their object carry the bare verb
        Some((a, e, v)) => {
            b.push(" AND (action = ").bind(a).push(" OR (entity = ").bind(e).push(" AND action = ").bind(v).push("))");
        }
        None => {
            b.and_eq("action", f.action.as_deref());
        }
    }
    b.and_eq("entity", f.entity.as_deref());
    if let Some(t) = f.from {
        b.push(" AND at >= ").bind(t);
    }
    if let Some(t) = f.to {
        b.push(" AND at < ").bind(t);
    }
    b
}

/// A page of the log, newest first, with the total. Only the 安全审计员 reaches this.
pub async fn list(db: &Db, f: &AuditFilter, offset: i64, limit: i64) -> Result<(Vec<AuditEntry>, i64), StoreError> {
    let w = filter_where(f);
    let total = db.scalar_i64(w.clone_with("SELECT COUNT(*) ").build()).await?;
    let mut page = w.clone_with("SELECT * ");
    match f.sort.pick(SORTS) {
        Some(keys) => page.order_by(db.backend(), keys, f.sort.desc, "seq DESC"),
        None => page.push(" ORDER BY seq DESC"),
    };
    page.push(&format!(" LIMIT {} OFFSET {}", limit.max(1), offset.max(0)));
    Ok((db.fetch_all(page.build()).await?, total))
}
