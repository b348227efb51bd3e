//! API of attachments.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::Op;
use crate::app::files::{self, Owner, Upload};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::parse_id;
use crate::state::AppState;

pub const OPS: &[Op] = &[
    Op { method: "post", path: "/attachments", summary: "上传附件（multipart：org_id, owner_kind=general|org|task_report, owner_id, file）", tag: "附件", route: || post(attachments_upload) },
    Op { method: "get", path: "/attachments/{id}", summary: "下载附件", tag: "附件", route: || get(attachments_download) },
];

/// An optional id field: empty means none, anything else must be a number.
fn opt_id<T: std::str::FromStr>(field: &str, v: &str) -> AppResult<Option<T>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<T>().map(Some).map_err(|_| AppError::field(field, format!("{field} 须为数字")))
}

async fn attachments_upload(State(st): State<AppState>, p: Principal, mut mp: Multipart) -> AppResult<(StatusCode, Json<Value>)> {
    let mut org_id = None;
    let mut owner_kind = String::new();
    let mut owner_id = None;
    let mut file: Option<Upload> = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::invalid(format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::invalid(format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)))?;
            file = Some(Upload { filename, content_type, bytes: bytes.to_vec() });
        } else {
            let v = field.text().await.map_err(|_| AppError::invalid("上传内容无法读取"))?;
            match name.as_str() {
                "org_id" => org_id = opt_id("org_id", &v)?,
                "owner_kind" => owner_kind = v,
                "owner_id" => owner_id = opt_id::<i64>("owner_id", &v)?,
                _ => {}
            }
        }
    }
    let file = file.ok_or_else(|| AppError::field("file", "请选择文件"))?;
    let org_id = org_id.or(p.user.org_id).ok_or_else(|| AppError::field("org_id", "请指定所属单位 org_id"))?;
    let owner = Owner::parse(&owner_kind, owner_id)?;
    let saved = files::upload(&st, &p, org_id, owner, file).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": saved.id, "sm3": saved.sm3, "size": saved.size}))))
}

async fn attachments_download(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (a, bytes) = files::download(&st, &p, parse_id(&id)?).await?;
    Ok(crate::layout::attachment_response(&a.filename, bytes))
}
