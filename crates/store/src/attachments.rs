//! 附件: file metadata. The bytes live behind a storage trait (local folder by default); the
//! row keeps the SM3 fingerprint and the owning unit's path so downloads are scope-checked.

use lianzheng_core::ids::{AttachmentId, OrgId, UserId};
use lianzheng_core::org::Scope;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

use crate::StoreError;
use crate::audit::{self, Actor};
use crate::builder::SqlBuilder;
use crate::db::{Db, Tx, now, q};

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub org_id: OrgId,
    pub org_path: String,
    pub owner_kind: String,
    pub owner_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sm3: String,
    pub storage_key: String,
    pub created_by: Option<UserId>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct AttachmentInput {
    pub org_id: OrgId,
    pub owner_kind: String,
    pub owner_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sm3: String,
    pub storage_key: String,
}

pub async fn create(tx: &mut Tx, actor: &Actor, scope: &Scope, a: &AttachmentInput) -> Result<AttachmentId, StoreError> {
    let p: Option<(String,)> = tx.fetch_optional(q("SELECT path FROM orgs WHERE id = $1").bind(a.org_id)).await?;
    let (path,) = p.ok_or_else(|| StoreError::Invalid("所属单位不存在".into()))?;
    if !scope.contains(&path) {
        return Err(StoreError::Invalid("所属单位不在您的管理范围内".into()));
    }
    let (id,): (AttachmentId,) = tx
        .fetch_one(
            q("INSERT INTO attachments (org_id, org_path, owner_kind, owner_id, filename, content_type, size, sm3, storage_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                .bind(a.org_id)
                .bind(path)
                .bind(a.owner_kind.as_str())
                .bind(a.owner_id)
                .bind(a.filename.as_str())
                .bind(a.content_type.as_str())
                .bind(a.size)
                .bind(a.sm3.as_str())
                .bind(a.storage_key.as_str())
                .bind(actor.user_id)
                .bind(now()),
        )
        .await?;
    audit::record(tx, actor, "attachment.upload", "attachment", Some(id.to_string()), json!({"after": {"filename": a.filename, "size": a.size, "sm3": a.sm3, "org_id": a.org_id}})).await?;
    Ok(id)
}

pub async fn get_in_scope(db: &Db, scope: &Scope, id: AttachmentId) -> Result<Attachment, StoreError> {
    let mut b = SqlBuilder::new("SELECT * FROM attachments WHERE id = ");
    b.bind(id).push(" AND ").scope("org_path", scope);
    db.fetch_optional(b.build()).await?.ok_or(StoreError::NotFound)
}

pub async fn list_in_scope(db: &Db, scope: &Scope, owner_kind: &str, owner_id: Option<i64>) -> Result<Vec<Attachment>, StoreError> {
    let mut b = SqlBuilder::new("SELECT * FROM attachments WHERE owner_kind = ");
    b.bind(owner_kind);
    if let Some(o) = owner_id {
        b.push(" AND owner_id = ").bind(o);
    }
    b.push(" AND ").scope("org_path", scope).push(" ORDER BY id DESC LIMIT 200");
    db.fetch_all(b.build()).await
}
