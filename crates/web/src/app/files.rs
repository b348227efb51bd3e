//! 附件: upload with its owner checked, download within the scope.

use lianzheng_core::crypto::sm3_hex;
use lianzheng_core::ids::*;
use lianzheng_core::org::Permission;
use lianzheng_store::attachments::{self, Attachment};
use lianzheng_store::duty::tasks as task_store;
pub use lianzheng_store::schema::FILES_TABLES as TABLES;

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What an attachment belongs to. The kind and id arrive from a request, so each is checked
/// against the caller's scope and the owner's own rules before a byte is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Filed under the unit only.
    General,
    /// An organisation's own documents (owner id = the unit).
    Org,
    /// A 任务分工 progress report (owner id = the report).
    TaskReport(ReportId),
    /// A responsibility letter's signed scan (owner id = the letter); only the letters use case files these.
    Letter(LetterId),
    /// A talk record's signed scan (owner id = the talk); only the talks use case files these.
    Talk(TalkId),
    /// A 履责纪实's file (owner id = the record); only the records use case files these.
    DutyRecord(lianzheng_core::ids::DutyRecordId),
    /// A file of the answer to a 抄告单 or 整改建议书 (owner id = the notice); only the notices use case files these.
    Notice(NoticeId),
    /// A 述责述廉 report's file (owner id = the report); only the statements use case files these.
    StatementReport(lianzheng_core::ids::StatementReportId),
}

impl Owner {
    pub fn kind(self) -> &'static str {
        match self {
            Owner::General => "general",
            Owner::Org => "org",
            Owner::TaskReport(_) => task_store::REPORT_ATTACHMENT_KIND,
            Owner::Letter(_) => "letter",
            Owner::Talk(_) => "talk",
            Owner::DutyRecord(_) => lianzheng_store::conduct::records::ATTACHMENT_KIND,
            Owner::Notice(_) => lianzheng_store::conduct::notices::ATTACHMENT_KIND,
            Owner::StatementReport(_) => lianzheng_store::conduct::statements::ATTACHMENT_KIND,
        }
    }
    fn id(self, org_id: OrgId) -> Option<i64> {
        match self {
            Owner::General => None,
            Owner::Org => Some(org_id.get()),
            Owner::TaskReport(id) => Some(id.get()),
            Owner::Letter(id) => Some(id.get()),
            Owner::Talk(id) => Some(id.get()),
            Owner::DutyRecord(id) => Some(id.get()),
            Owner::Notice(id) => Some(id.get()),
            Owner::StatementReport(id) => Some(id.get()),
        }
    }
    /// The owner as a request names it (`owner_kind`, `owner_id`); letters are not filed this way.
    pub fn parse(kind: &str, id: Option<i64>) -> AppResult<Owner> {
        match (kind.trim(), id) {
            ("" | "general", None) => Ok(Owner::General),
            ("" | "general", Some(_)) => Err(AppError::field("owner_id", "一般附件不能指定 owner_id")),
            ("org", _) => Ok(Owner::Org),
            ("task_report", Some(id)) => Ok(Owner::TaskReport(ReportId::new(id))),
            ("task_report", None) => Err(AppError::field("owner_id", "请指定进展报送 owner_id")),
            ("letter", _) => Err(AppError::field("owner_kind", "责任书扫描件请在责任书页面上传（签署）")),
            _ => Err(AppError::field("owner_kind", "owner_kind 只能是 general、org 或 task_report")),
        }
    }
}

/// A file as it arrived.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub struct Saved {
    pub id: AttachmentId,
    pub sm3: String,
    pub size: i64,
}

const FILENAME_MAX: usize = 200;

/// Checks the file (type, size, name) without storing anything.
pub fn check_file(st: &AppState, f: &Upload) -> AppResult<()> {
    let ext = f.filename.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if f.filename.is_empty() || !st.policy.upload_types.contains(&ext) {
        return Err(AppError::field("file", format!("不支持的文件类型，允许：{}", st.policy.upload_types.join("、"))));
    }
    if f.filename.chars().count() > FILENAME_MAX {
        return Err(AppError::field("file", format!("文件名过长（最多 {FILENAME_MAX} 字）")));
    }
    if f.bytes.is_empty() {
        return Err(AppError::field("file", "文件为空"));
    }
    if f.bytes.len() > st.policy.upload_max_bytes {
        return Err(AppError::field("file", format!("文件超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024)));
    }
    // by content too: executables, unknown contents and renamed files are refused
    lianzheng_core::filetype::check_upload(&f.filename, &f.bytes).map_err(|m| AppError::field("file", m))?;
    Ok(())
}

/// Files an upload under `org_id` and `owner`, after checking both against the caller.
pub async fn upload(st: &AppState, p: &Principal, org_id: OrgId, owner: Owner, file: Upload) -> AppResult<Saved> {
    let scope = p.require(Permission::UploadAttachments)?;
    match owner {
        Owner::General | Owner::Org => {}
        Owner::TaskReport(report_id) => {
            // the report must be one the caller's unit made, in scope, and filed by this unit
            let report_scope = p.require(Permission::ReportProgress)?;
            let report = task_store::get_report(&st.db, &report_scope, report_id).await.map_err(|_| AppError::field("owner_id", "进展报送不存在或不在您的范围内"))?;
            if report.org_id != org_id {
                return Err(AppError::field("org_id", "附件所属单位须与进展报送的单位一致"));
            }
        }
        // a scan signs the letter: only the letters use case (signer or unit staff) files one
        Owner::Letter(_) => return Err(AppError::field("owner_kind", "责任书扫描件请在责任书页面上传（签署）")),
        Owner::Talk(_) => return Err(AppError::field("owner_kind", "约谈记录扫描件请在约谈记录页面上传")),
        Owner::DutyRecord(_) => return Err(AppError::field("owner_kind", "履责纪实的附件请在纪实页面上传")),
        Owner::Notice(_) => return Err(AppError::field("owner_kind", "整改反馈的附件请在抄告单页面随反馈上传")),
        Owner::StatementReport(_) => return Err(AppError::field("owner_kind", "述责述廉报告的文件请在报告页面上传")),
    }
    store(st, p, &scope, org_id, owner, file).await
}

/// Checks the file, stores the bytes and records the row. Callers have checked the owner.
pub(crate) async fn store(st: &AppState, p: &Principal, scope: &lianzheng_core::org::Scope, org_id: OrgId, owner: Owner, file: Upload) -> AppResult<Saved> {
    check_file(st, &file)?;
    let fingerprint = sm3_hex(&file.bytes);
    let (key, _) = crate::auth::new_token();
    st.storage.put(&key, &file.bytes)?;
    let input = attachments::AttachmentInput {
        org_id,
        owner_kind: owner.kind().to_string(),
        owner_id: owner.id(org_id),
        filename: file.filename,
        content_type: file.content_type,
        size: file.bytes.len() as i64,
        sm3: fingerprint.clone(),
        storage_key: key,
    };
    let mut tx = st.db.begin().await?;
    let id = attachments::create(&mut tx, &p.actor(), scope, &input).await?;
    tx.commit().await?;
    Ok(Saved { id, sm3: fingerprint, size: input.size })
}

/// The bytes of a stored attachment, checked against its fingerprint.
pub fn read_bytes(st: &AppState, a: &Attachment) -> AppResult<Vec<u8>> {
    let bytes = st.storage.get(&a.storage_key)?;
    if sm3_hex(&bytes) != a.sm3 {
        return Err(AppError::Internal(format!("附件 {} 指纹不符，文件可能被改动", a.id)));
    }
    Ok(bytes)
}

/// An attachment within the caller's scope.
pub async fn download(st: &AppState, p: &Principal, id: AttachmentId) -> AppResult<(Attachment, Vec<u8>)> {
    let scope = p.require(Permission::UploadAttachments)?;
    let a = attachments::get_in_scope(&st.db, &scope, id).await?;
    let bytes = read_bytes(st, &a)?;
    p.log_read(st, "attachment.download", "attachment", Some(a.id.to_string()), serde_json::json!({"org_id": a.org_id, "sm3": a.sm3})).await?;
    Ok((a, bytes))
}
