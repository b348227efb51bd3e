//! Input as people and programs send it: every field arrives as text, is checked here once,
//! and turns into a typed value or a Chinese message at that field. Pages and the API share
//! these checks, so a rule cannot differ between them.

use std::collections::BTreeMap;

use crate::app::account::UserInput;
use crate::app::org::{OrgInput, PersonInput, PostInput};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use lianzheng_core::idcard::IdCardNumber;
use lianzheng_core::ids::Id;
use lianzheng_core::org::{Gender, OrgKind, PoliticalStatus, PostKind, Rank};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::AppError;

/// Field → message.
pub type FieldErrors = BTreeMap<String, String>;

pub fn into_error(errors: FieldErrors) -> AppError {
    let message = errors.values().next().cloned().unwrap_or_else(|| "输入有误".into());
    AppError::Invalid { message: format!("请修改标红的项目：{message}"), fields: errors }
}

/// Accepts a string, a number, a bool or null and keeps it as text (JSON clients send numbers).
pub fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    })
}

/// A URL-encoded form read into a struct of text fields. Never rejects with a bare 422:
/// unknown or odd fields are ignored, and a body that cannot be read is a Chinese error.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|_| AppError::invalid("提交的内容无法读取"))?;
        serde_urlencoded::from_bytes(&bytes).map(PageForm).map_err(|_| AppError::invalid("表单内容无效，请刷新页面后重试"))
    }
}

/// JSON body for the API, with Chinese errors instead of the framework's English ones.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|_| AppError::invalid("请求内容无法读取"))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| AppError::invalid(format!("请求体不是有效的 JSON：第{}行第{}列", e.line(), e.column())))
    }
}

/// Query string into text fields; malformed strings become empty filters rather than errors.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequestParts<S> for Q<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let qs = parts.uri.query().unwrap_or("");
        Ok(Q(serde_urlencoded::from_str(qs).unwrap_or_default()))
    }
}

/// A numeric id in the path; anything else is "not found".
/// A file from a page's upload form.
pub use crate::app::files::Upload;

/// The `file` field of an upload form (other fields are ignored). `Err` is the Chinese message
/// to show on the page again: the file is missing (`missing`), too large or cut off.
pub async fn file_field(mut multipart: Multipart, max_bytes: usize, missing: &str) -> Result<Upload, String> {
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            match field.bytes().await {
                Ok(b) => file = Some(Upload { filename: name, content_type, bytes: b.to_vec() }),
                Err(_) => return Err(format!("文件过大或上传中断（上限 {} MB）", max_bytes / 1024 / 1024)),
            }
        }
    }
    file.filter(|f| !f.filename.is_empty()).ok_or_else(|| missing.to_string())
}

/// The `file` part of an upload form and one text part (`text_field`, e.g. which interviewee a
/// signed scan is for); other parts are ignored. `Err` as for [`file_field`].
pub async fn file_and_text(mut multipart: Multipart, max_bytes: usize, text_field: &str) -> Result<(Option<Upload>, String), String> {
    let mut file = None;
    let mut person = String::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("file") => {
                let filename = field.file_name().unwrap_or("").to_string();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some(Upload { filename, content_type, bytes: b.to_vec() }),
                    Err(_) => return Err(format!("文件过大或上传中断（上限 {} MB）", max_bytes / 1024 / 1024)),
                }
            }
            Some(n) if n == text_field => person = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    Ok((file.filter(|f| !f.filename.is_empty()), person))
}

/// A typed id from a path segment; anything but a positive whole number is "not found".
/// The `version` an edit form carries (optimistic locking): missing or not a number is a field
/// error kept beside the form's others.
pub fn version(e: &mut FieldErrors, v: &str) -> i64 {
    v.trim().parse::<i64>().unwrap_or_else(|_| {
        e.insert("version".into(), "缺少版本号，请刷新页面后重试".into());
        0
    })
}

/// The `version` of a form that checks nothing before it: missing is the form's error.
pub fn version_of(v: &str) -> Result<i64, AppError> {
    v.trim().parse::<i64>().map_err(|_| AppError::field("version", "缺少版本号，请刷新页面后重试"))
}

pub fn parse_id<T: lianzheng_core::ids::Id>(s: &str) -> Result<T, AppError> {
    s.parse::<T>().map_err(|_| AppError::NotFound)
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t.to_string()) }
}

fn required(errors: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize) -> String {
    let t = v.trim();
    if t.is_empty() {
        errors.insert(field.into(), format!("请填写{label}"));
    } else if t.chars().count() > max {
        errors.insert(field.into(), format!("{label}不能超过{max}个字"));
    }
    t.to_string()
}

fn int(errors: &mut FieldErrors, field: &str, label: &str, v: &str, default: Option<i64>) -> i64 {
    let t = v.trim();
    if t.is_empty() {
        if let Some(d) = default {
            return d;
        }
        errors.insert(field.into(), format!("请选择{label}"));
        return 0;
    }
    match t.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.insert(field.into(), format!("{label}应为整数"));
            0
        }
    }
}

/// A chosen id (unit, person): required, a positive whole number.
fn id<T: Id + Default>(errors: &mut FieldErrors, field: &str, label: &str, v: &str) -> T {
    let t = v.trim();
    if t.is_empty() {
        errors.insert(field.into(), format!("请选择{label}"));
        return T::default();
    }
    t.parse::<T>().unwrap_or_else(|_| {
        errors.insert(field.into(), format!("{label}无效"));
        T::default()
    })
}

/// `YYYY-MM-DD`, or empty.
pub fn date(errors: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<String> {
    let t = v.trim();
    if t.is_empty() {
        return None;
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(t, fmt) {
        Ok(d) => Some(d.format(fmt).unwrap_or_else(|_| t.to_string())),
        Err(_) => {
            errors.insert(field.into(), format!("{label}应为日期，如 2026-01-31"));
            None
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrgForm {
    #[serde(deserialize_with = "lenient")]
    pub parent_id: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub short_name: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub sort_order: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

impl OrgForm {
    pub fn validate(&self) -> Result<OrgInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "组织名称", &self.name, 100);
        let code = required(&mut e, "code", "组织编码", &self.code, 50);
        if !code.is_empty() && !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            e.insert("code".into(), "组织编码只能包含字母、数字和 - _ .".into());
        }
        let kind = OrgKind::parse(&self.kind);
        if kind.is_none() {
            e.insert("kind".into(), "请选择组织类型".into());
        }
        let parent_id = opt(&self.parent_id).map(|p| id(&mut e, "parent_id", "上级组织", &p));
        let sort_order = int(&mut e, "sort_order", "排序号", &self.sort_order, Some(0));
        match kind {
            Some(kind) if e.is_empty() => Ok(OrgInput { parent_id, name, short_name: opt(&self.short_name), kind, code, sort_order }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PersonForm {
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub gender: String,
    #[serde(deserialize_with = "lenient")]
    pub id_number: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    #[serde(deserialize_with = "lenient")]
    pub political_status: String,
    #[serde(deserialize_with = "lenient")]
    pub rank: String,
    #[serde(deserialize_with = "lenient")]
    pub sort_order: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    /// First post, optional (new person form and import).
    #[serde(deserialize_with = "lenient")]
    pub post_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub post_title: String,
    #[serde(deserialize_with = "lenient")]
    pub duty_areas: String,
    #[serde(deserialize_with = "lenient")]
    pub post_start: String,
}

impl PersonForm {
    pub fn validate(&self) -> Result<(PersonInput, Option<PostInput>), FieldErrors> {
        let mut e = FieldErrors::new();
        let org_id = id(&mut e, "org_id", "所属单位", &self.org_id);
        let name = required(&mut e, "name", "姓名", &self.name, 30);
        let id_number = match opt(&self.id_number) {
            Some(s) => match IdCardNumber::parse(&s) {
                Ok(id) => Some(id),
                Err(err) => {
                    e.insert("id_number".into(), err.to_string());
                    None
                }
            },
            None => None,
        };
        // gender from the form, else from the ID number
        let gender = match (Gender::parse(&self.gender), &id_number) {
            (Some(g), _) => Some(g),
            (None, Some(id)) => Some(if id.gender_code() == 1 { Gender::Male } else { Gender::Female }),
            (None, None) => None,
        };
        if gender.is_none() {
            e.insert("gender".into(), "请选择性别".into());
        }
        if let (Some(g), Some(id)) = (gender, &id_number) {
            let from_id = if id.gender_code() == 1 { Gender::Male } else { Gender::Female };
            if g != from_id && !e.contains_key("id_number") {
                e.insert("gender".into(), "性别与身份证号不符".into());
            }
        }
        let phone = opt(&self.phone);
        if let Some(p) = &phone
            && (p.len() > 20 || !p.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '+'))
        {
            e.insert("phone".into(), "联系电话格式不正确".into());
        }
        let political_status = opt(&self.political_status).and_then(|s| {
            let v = PoliticalStatus::parse(&s);
            if v.is_none() {
                e.insert("political_status".into(), "政治面貌不在可选范围内".into());
            }
            v
        });
        let rank = opt(&self.rank).and_then(|s| {
            let v = Rank::parse(&s);
            if v.is_none() {
                e.insert("rank".into(), "职级不在可选范围内".into());
            }
            v
        });
        let sort_order = int(&mut e, "sort_order", "排序号", &self.sort_order, Some(0));
        let post = match opt(&self.post_kind) {
            Some(k) => match PostKind::parse(&k) {
                Some(kind) => {
                    let start_date = date(&mut e, "post_start", "任职日期", &self.post_start);
                    Some(PostInput { org_id, kind, title: opt(&self.post_title), duty_areas: opt(&self.duty_areas), start_date, end_date: None })
                }
                None => {
                    e.insert("post_kind".into(), "职务不在可选范围内".into());
                    None
                }
            },
            None => None,
        };
        match gender {
            Some(gender) if e.is_empty() => Ok((PersonInput { org_id, name, gender, id_number, phone, political_status, rank, sort_order }, post)),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PostForm {
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub duty_areas: String,
    #[serde(deserialize_with = "lenient")]
    pub start_date: String,
    #[serde(deserialize_with = "lenient")]
    pub end_date: String,
}

impl PostForm {
    pub fn validate(&self) -> Result<PostInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let org_id = id(&mut e, "org_id", "任职单位", &self.org_id);
        let kind = PostKind::parse(&self.kind);
        if kind.is_none() {
            e.insert("kind".into(), "请选择职务".into());
        }
        let start_date = date(&mut e, "start_date", "任职日期", &self.start_date);
        let end_date = date(&mut e, "end_date", "免职日期", &self.end_date);
        if let (Some(s), Some(en)) = (&start_date, &end_date)
            && en < s
        {
            e.insert("end_date".into(), "免职日期不能早于任职日期".into());
        }
        match kind {
            Some(kind) if e.is_empty() => Ok(PostInput { org_id, kind, title: opt(&self.title), duty_areas: opt(&self.duty_areas), start_date, end_date }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UserForm {
    #[serde(deserialize_with = "lenient")]
    pub username: String,
    #[serde(deserialize_with = "lenient")]
    pub display_name: String,
    #[serde(deserialize_with = "lenient")]
    pub org_id: String,
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
}

impl UserForm {
    pub fn validate(&self) -> Result<UserInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let username = required(&mut e, "username", "用户名", &self.username, 32);
        if !username.is_empty() && (username.len() < 3 || !username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')) {
            e.insert("username".into(), "用户名为3至32位字母、数字或 _ . -".into());
        }
        let display_name = required(&mut e, "display_name", "姓名", &self.display_name, 30);
        let org_id = opt(&self.org_id).map(|v| id(&mut e, "org_id", "所在单位", &v));
        let person_id = opt(&self.person_id).map(|v| id(&mut e, "person_id", "关联人员", &v));
        if e.is_empty() { Ok(UserInput { username, display_name, org_id, person_id }) } else { Err(e) }
    }
}

/// A text field, trimmed: required or not, and refused (never cut) when longer than `max`.
pub fn text(e: &mut FieldErrors, field: &str, label: &str, v: &str, max: usize, required: bool) -> Option<String> {
    let t = v.trim();
    if t.is_empty() {
        if required {
            e.insert(field.into(), format!("请填写{label}"));
        }
        return None;
    }
    let n = t.chars().count();
    if n > max {
        e.insert(field.into(), format!("{label}不能超过{max}个字（现有{n}个字）"));
    }
    Some(t.to_string())
}

/// The values of a list field (ids, codes or names), separated by 、 , ， ; ； or new lines.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '；', '\n']).map(str::trim).filter(|t| !t.is_empty())
}
