//! 会话: sign-in sessions and API tokens, kept in the database so that any app node serves any request.
//! Only a hash of the token is stored.

use lianzheng_core::ids::UserId;
use sqlx::FromRow;

use crate::StoreError;
use crate::db::{Db, now, q};

#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    pub kind: String,
    pub csrf_token: String,
    pub second_factor_ok: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn create(db: &Db, token_hash: &str, user_id: UserId, kind: &str, csrf: &str, second_factor_ok: bool, ttl_secs: i64, ip: Option<String>) -> Result<(), StoreError> {
    let t = now();
    db.execute(
        q("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, second_factor_ok, created_at, last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)")
            .bind(token_hash)
            .bind(user_id)
            .bind(kind)
            .bind(csrf)
            .bind(second_factor_ok)
            .bind(t)
            .bind(t + ttl_secs)
            .bind(ip),
    )
    .await?;
    Ok(())
}

pub async fn get(db: &Db, token_hash: &str) -> Result<Option<Session>, StoreError> {
    db.fetch_optional(q("SELECT token_hash, user_id, kind, csrf_token, second_factor_ok, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1").bind(token_hash)).await
}

/// Marks activity; written at most once a minute per session to keep reads cheap.
pub async fn touch(db: &Db, token_hash: &str, at: i64) -> Result<(), StoreError> {
    db.execute_unseen(q("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(token_hash)).await?;
    Ok(())
}

pub async fn set_second_factor(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    db.execute(q("UPDATE sessions SET second_factor_ok = TRUE WHERE token_hash = $1").bind(token_hash)).await?;
    Ok(())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    db.execute(q("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash)).await?;
    Ok(())
}

pub async fn delete_for_user(db: &Db, user_id: UserId) -> Result<(), StoreError> {
    db.execute(q("DELETE FROM sessions WHERE user_id = $1").bind(user_id)).await?;
    Ok(())
}

/// Removes sessions past their absolute expiry or idle longer than `idle_secs` (browser sessions only).
pub async fn delete_stale(db: &Db, idle_secs: i64) -> Result<u64, StoreError> {
    let t = now();
    db.execute(q("DELETE FROM sessions WHERE expires_at < $1 OR (kind = 'web' AND last_seen_at < $2)").bind(t).bind(t - idle_secs)).await
}
