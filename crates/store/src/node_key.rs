//! The node's key and its database. At the first start the database records a check value
//! (HMAC-SM3 of the key over a fixed label), so a node started later with another `secret_key`
//! refuses to run instead of writing fields and audit links nobody can read or verify. The same
//! start seals, with the audit key, the sequence number from which the audit chain is keyed:
//! entries before it (written by older versions) keep their unkeyed SM3 links, and no entry
//! from it on may be turned into an unkeyed one.
//!
//! What stays open: a database writer who deletes both settings rows and turns every keyed
//! entry into an unkeyed one makes the database look like one never opened by this version.
//! `lianzheng audit verify` prints how many entries are unkeyed; that number only ever grows
//! by an upgrade (docs/decisions/0010-keyed-audit-chain.md).

use lianzheng_core::crypto::{AUDIT_CHAIN_PURPOSE, Crypto, KEY_CHECK_PURPOSE, chain_hmac};
use serde_json::json;

use crate::StoreError;
use crate::audit::{self, Actor, SCHEME_SM3};
use crate::db::{Db, NodeKeys, Tx, now, q};

/// settings key of the key check value.
pub const KEY_CHECK: &str = "node_key_check";
/// settings key of the sealed start of the keyed chain: `"<seq>:<HMAC-SM3>"`.
pub const KEYED_FROM: &str = "audit_keyed_from";

/// Hands the node's keys to the store and checks them against the database (recording them at
/// the first start). Call once after `migrate`, before anything writes the audit log.
pub async fn attach(db: &Db, crypto: &dyn Crypto) -> Result<(), StoreError> {
    let keys = NodeKeys { audit: crypto.derive_key(AUDIT_CHAIN_PURPOSE), check: hex::encode(crypto.derive_key(KEY_CHECK_PURPOSE)) };
    db.set_node_keys(keys.clone())?;
    let stored: Option<(String,)> = db.fetch_optional(q("SELECT value FROM settings WHERE key = $1").bind(KEY_CHECK)).await?;
    if let Some((stored,)) = stored {
        return compare(&stored, &keys.check, "数据库创建时");
    }
    let mut tx = db.begin().await?;
    register(&mut tx, "数据库创建时").await?;
    tx.commit().await
}

fn compare(stored: &str, check: &str, whose: &str) -> Result<(), StoreError> {
    if stored.trim() == check {
        return Ok(());
    }
    Err(StoreError::Config(format!("secret_key 与{whose}的密钥不一致：数据库中的密钥校验值（{KEY_CHECK}）与本节点的密钥不符。请使用创建该数据库时的 secret_key（或数据目录中原来的 secret.key）")))
}

fn seal(key: &[u8; 32], from: i64) -> String {
    format!("{from}:{}", chain_hmac(key, KEYED_FROM, from.to_string().as_bytes()))
}

/// Records the check value and seals the start of the keyed chain, unless another node did so
/// first (then its value is compared). Refused when keyed entries exist already: then the check
/// value was removed, not never written.
pub(crate) async fn register(tx: &mut Tx, whose: &str) -> Result<(), StoreError> {
    let keys = tx.node_keys()?.clone();
    // the head row lock serialises this with appends and with another node's first start
    let (seq,): (i64,) = tx.fetch_one(q("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq")).await?;
    let stored: Option<(String,)> = tx.fetch_optional(q("SELECT value FROM settings WHERE key = $1").bind(KEY_CHECK)).await?;
    if let Some((stored,)) = stored {
        return compare(&stored, &keys.check, whose);
    }
    let keyed = tx.scalar_i64(q("SELECT COUNT(*) FROM audit_log WHERE scheme <> $1").bind(SCHEME_SM3)).await?;
    if keyed > 0 {
        return Err(StoreError::Config(format!("数据库中缺少密钥校验值（{KEY_CHECK}），但审计日志已有带密钥的记录：校验值被删除，数据库可能被改动")));
    }
    let from = seq + 1;
    let t = now();
    tx.execute(q("DELETE FROM settings WHERE key = $1").bind(KEYED_FROM)).await?;
    tx.execute(q("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3), ($4, $5, $3)").bind(KEY_CHECK).bind(keys.check.as_str()).bind(t).bind(KEYED_FROM).bind(seal(&keys.audit, from))).await?;
    audit::record(tx, &Actor::system("首次启动"), "audit.keyed", "audit_log", None, json!({"keyed_from": from, "unkeyed": seq})).await
}

/// After an archive was loaded into `tx`: its check value must be this node's; an archive
/// without one (written before keys were checked) gets this node's, sealed after its entries.
pub(crate) async fn after_import(tx: &mut Tx) -> Result<(), StoreError> {
    register(tx, "迁移包所来自的数据库").await
}

/// The sealed first keyed sequence number; None when the seal is missing or does not verify.
pub(crate) async fn keyed_from(db: &Db, key: &[u8; 32]) -> Result<Option<i64>, StoreError> {
    let v: Option<(String,)> = db.fetch_optional(q("SELECT value FROM settings WHERE key = $1").bind(KEYED_FROM)).await?;
    let Some((v,)) = v else { return Ok(None) };
    let from = v.split_once(':').and_then(|(n, _)| n.parse::<i64>().ok());
    Ok(from.filter(|f| *f >= 1 && seal(key, *f) == v))
}
