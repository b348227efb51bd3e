//! API operations of 考责's self-check — the report (drafted from records), the materials and
//! the 八项规定 statistics table: JSON → `app::inspection::selfchecks` → JSON, the same use
//! cases as the pages.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

use crate::api::Op;
use crate::app::files::Upload;
use crate::app::inspection::campaigns::id_of;
use crate::app::inspection::selfchecks::frugality::{self, FrugalityForm};
use crate::app::inspection::selfchecks::materials::{self, LinkForm};
use crate::app::inspection::selfchecks::{self as uc, ReportForm, VersionForm};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::ApiJson;
use crate::state::AppState;

const TAG: &str = "考责·自查自评";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/inspection/units/{id}/selfcheck",
        summary: "受检单位的自查报告：四个部分、初稿数据（figures：key, label, value, href）、状态与版本（本单位、其检查组和组织者）",
        tag: TAG,
        route: || get(show),
    },
    Op {
        method: "put", path: "/inspection/units/{id}/selfcheck", summary: "保存自查报告草稿（version：读取时的版本，未开始为 0；duty, work, problems, next_steps；版本过期 409）", tag: TAG, route: || put(save)
    },
    Op {
        method: "post",
        path: "/inspection/units/{id}/selfcheck/generate",
        summary: "从本单位记录生成初稿（version；figures_only=1 只更新数据、保留已修改的文字；文字中以 {{key}} 引用数据）",
        tag: TAG,
        route: || post(generate),
    },
    Op { method: "post", path: "/inspection/units/{id}/selfcheck/submit", summary: "提交自查报告（version；提交后本单位只读）", tag: TAG, route: || post(submit) },
    Op { method: "post", path: "/inspection/units/{id}/selfcheck/return", summary: "退回自查报告（version, reason；组织者；单位重新收到待办）", tag: TAG, route: || post(send_back) },
    Op {
        method: "get", path: "/inspection/units/{id}/materials", summary: "受检单位按资料清单（items）和评分指标（indicators）报送的资料（上传文件或引用系统中已有的记录）", tag: TAG, route: || get(material_list)
    },
    Op {
        method: "post",
        path: "/inspection/units/{id}/materials",
        summary: "引用本单位已有的记录作为资料（item_no：资料清单第几项 或 indicator_id：评分指标, ref_kind=record/letter/talk/list/education, ref_id；他单位记录 404）",
        tag: TAG,
        route: || post(material_link),
    },
    Op {
        method: "post", path: "/inspection/units/{id}/materials/upload", summary: "上传资料文件（multipart：item_no 或 indicator_id, file；按内容检查文件类型）", tag: TAG, route: || post(material_upload)
    },
    Op { method: "delete", path: "/inspection/materials/{id}", summary: "撤下一份资料（本单位，检查考核进行中）", tag: TAG, route: || delete(material_remove) },
    Op { method: "get", path: "/inspection/materials/{id}/file", summary: "下载上传的资料文件", tag: TAG, route: || get(material_file) },
    Op { method: "get", path: "/inspection/units/{id}/frugality", summary: "落实中央八项规定精神自查统计表（本单位、其检查组和组织者）", tag: TAG, route: || get(frugality_show) },
    Op {
        method: "put",
        path: "/inspection/units/{id}/frugality",
        summary: "填写自查统计表（version：首次为 0；各项数字按字段代码，如 reception_batches, reception_amount；note：说明；版本过期 409）",
        tag: TAG,
        route: || put(frugality_save),
    },
    Op { method: "get", path: "/inspection/units/{id}/frugality.xlsx", summary: "导出本单位自查统计表（Excel）", tag: TAG, route: || get(frugality_unit_xlsx) },
    Op { method: "get", path: "/inspection/{id}/frugality.xlsx", summary: "导出全部受检单位的自查统计表（Excel；组织者）", tag: TAG, route: || get(frugality_campaign_xlsx) },
];

async fn show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"selfcheck": uc::get(&st, &p, id_of(&id)?).await?})))
}

async fn save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<ReportForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"selfcheck": uc::save(&st, &p, id_of(&id)?, &f).await?})))
}

async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<VersionForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"selfcheck": uc::generate(&st, &p, id_of(&id)?, &f).await?})))
}

async fn submit(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<VersionForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"selfcheck": uc::submit(&st, &p, id_of(&id)?, &f).await?})))
}

async fn send_back(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<VersionForm>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"selfcheck": uc::send_back(&st, &p, id_of(&id)?, &f).await?})))
}

async fn material_list(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let v = materials::list(&st, &p, id_of(&id)?).await?;
    Ok(Json(json!({"items": v.items, "indicators": v.indicators, "others": v.others})))
}

async fn material_link(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(f): ApiJson<LinkForm>) -> AppResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(json!({"id": materials::link(&st, &p, id_of(&id)?, &f).await?}))))
}

async fn material_upload(State(st): State<AppState>, p: Principal, Path(id): Path<String>, mut mp: Multipart) -> AppResult<(StatusCode, Json<Value>)> {
    let id = id_of(&id)?;
    let (mut item_no, mut indicator_id, mut file) = (String::new(), String::new(), None);
    let too_big = || AppError::invalid(format!("上传内容无法读取，或超过大小上限 {} MB", st.policy.upload_max_bytes / 1024 / 1024));
    while let Some(field) = mp.next_field().await.map_err(|_| too_big())? {
        match field.name().unwrap_or("") {
            "file" => {
                let filename = field.file_name().unwrap_or("").to_string();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                file = Some(Upload { filename, content_type, bytes: bytes.to_vec() });
            }
            "item_no" => item_no = field.text().await.unwrap_or_default(),
            "indicator_id" => indicator_id = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let file = file.filter(|f| !f.filename.is_empty()).ok_or_else(|| AppError::field("file", "请选择文件"))?;
    Ok((StatusCode::CREATED, Json(json!({"id": materials::upload(&st, &p, id, &item_no, &indicator_id, file).await?}))))
}

async fn material_remove(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<StatusCode> {
    materials::remove(&st, &p, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn material_file(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, _, bytes) = materials::download(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::attachment_response(&name, bytes))
}

async fn frugality_show(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"frugality": frugality::get(&st, &p, id_of(&id)?).await?, "fields": frugality::FIELDS})))
}

async fn frugality_save(State(st): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(v): ApiJson<Value>) -> AppResult<Json<Value>> {
    let f = FrugalityForm::from_json(&v);
    Ok(Json(json!({"frugality": frugality::save(&st, &p, id_of(&id)?, &f).await?})))
}

async fn frugality_unit_xlsx(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = frugality::export_unit(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, XLSX))
}

async fn frugality_campaign_xlsx(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> AppResult<Response> {
    let (name, bytes) = frugality::export_campaign(&st, &p, id_of(&id)?).await?;
    Ok(crate::layout::file_response(bytes, &name, XLSX))
}
