//! Excel over HTTP: a workbook as a download, and the one file of an import form. What goes
//! into the workbooks, and what an import does, is the use cases' (`app::org::xlsx`, …).

use axum::extract::Multipart;
use axum::response::Response;

use crate::error::{AppError, AppResult};

pub fn download(bytes: Vec<u8>, filename: &str) -> Response {
    crate::layout::file_response(bytes, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
}

/// Reads the one file field of an upload, within the size limit, and checks it looks like an XLSX.
pub async fn read_upload(mut multipart: Multipart, max: usize) -> AppResult<Vec<u8>> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_lowercase();
        let bytes = field.bytes().await.map_err(|_| AppError::invalid(format!("文件过大或上传中断（上限 {} MB）", max / 1024 / 1024)))?;
        if bytes.is_empty() {
            return Err(AppError::field("file", "请选择要导入的文件"));
        }
        if !name.ends_with(".xlsx") {
            return Err(AppError::field("file", "请上传 Excel（.xlsx）文件"));
        }
        return Ok(bytes.to_vec());
    }
    Err(AppError::field("file", "请选择要导入的文件"))
}
