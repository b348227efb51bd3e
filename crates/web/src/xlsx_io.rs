//! Excel in and out for organisations and people: templates, exports, and all-or-nothing
//! imports with a Chinese message per bad row ("第12行 身份证号 校验位错误").

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::response::Response;
use lianzheng_core::org::{OrgKind, Scope};
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::org::{self, Org};
use lianzheng_store::people::{self, Person};
use lianzheng_store::{Db, StoreError};

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{OrgForm, PersonForm};
use crate::state::AppState;

pub fn download(bytes: Vec<u8>, filename: &str) -> Response {
    crate::layout::file_response(bytes, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
}

fn col(header: &str, width: f64) -> Column {
    Column { header: header.to_string(), width: Some(width), text: false }
}
fn text_col(header: &str, width: f64) -> Column {
    Column { header: header.to_string(), width: Some(width), text: true }
}

fn xlsx(tables: &[Table]) -> AppResult<Vec<u8>> {
    write_tables(tables).map_err(|e| AppError::Internal(format!("生成 Excel：{e}")))
}

const ORG_HEADERS: [&str; 6] = ["组织名称", "简称", "组织类型", "组织编码", "上级组织编码", "排序号"];
const PEOPLE_HEADERS: [&str; 11] = ["姓名", "性别", "身份证号", "所属单位编码", "联系电话", "政治面貌", "职级", "职务", "职务名称", "分管工作", "任职日期"];

pub async fn orgs_xlsx(db: &Db, orgs: &[Org]) -> AppResult<Vec<u8>> {
    let codes: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.code.clone())).collect();
    let mut rows = Vec::with_capacity(orgs.len());
    for o in orgs {
        let parent_code = match o.parent_id {
            Some(pid) => match codes.get(&pid) {
                Some(c) => c.clone(),
                None => org::get(db, pid).await?.map(|p| p.code).unwrap_or_default(),
            },
            None => String::new(),
        };
        rows.push(vec![o.name.clone(), o.short_name.clone().unwrap_or_default(), o.kind_label().to_string(), o.code.clone(), parent_code, o.sort_order.to_string()]);
    }
    xlsx(&[Table {
        title: Some("组织机构".into()),
        sheet_name: "组织机构".into(),
        columns: vec![col(ORG_HEADERS[0], 36.0), col(ORG_HEADERS[1], 16.0), col(ORG_HEADERS[2], 14.0), text_col(ORG_HEADERS[3], 18.0), text_col(ORG_HEADERS[4], 18.0), col(ORG_HEADERS[5], 8.0)],
        rows,
    }])
}

pub fn orgs_template() -> AppResult<Vec<u8>> {
    let kinds = OrgKind::ALL.iter().map(|k| k.label()).collect::<Vec<_>>().join("、");
    xlsx(&[
        Table {
            title: None,
            sheet_name: "组织机构".into(),
            columns: vec![col(ORG_HEADERS[0], 36.0), col(ORG_HEADERS[1], 16.0), col(ORG_HEADERS[2], 14.0), text_col(ORG_HEADERS[3], 18.0), text_col(ORG_HEADERS[4], 18.0), col(ORG_HEADERS[5], 8.0)],
            rows: vec![vec!["中共某某县纪律检查委员会".into(), "县纪委".into(), "纪委".into(), "XW-JW".into(), "XW".into(), "1".into()]],
        },
        Table {
            title: None,
            sheet_name: "填写说明".into(),
            columns: vec![col("项目", 16.0), col("说明", 80.0)],
            rows: vec![
                vec!["组织类型".into(), kinds],
                vec!["组织编码".into(), "必填，全系统唯一，字母、数字和 - _ .".into()],
                vec!["上级组织编码".into(), "已有组织的编码，或本表中前面行的编码；顶级组织留空".into()],
            ],
        },
    ])
}

pub fn people_xlsx(rows: &[Person]) -> AppResult<Vec<u8>> {
    let data = rows
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.gender_label().to_string(),
                p.id_number_masked.clone().unwrap_or_default(),
                p.org_name.clone(),
                p.phone.clone().unwrap_or_default(),
                p.political_label().to_string(),
                p.rank_label().to_string(),
                p.birth_date.clone().unwrap_or_default(),
            ]
        })
        .collect();
    xlsx(&[Table {
        title: Some("人员信息".into()),
        sheet_name: "人员信息".into(),
        columns: vec![col("姓名", 10.0), col("性别", 6.0), text_col("身份证号（脱敏）", 22.0), col("所属单位", 36.0), text_col("联系电话", 16.0), col("政治面貌", 12.0), col("职级", 12.0), text_col("出生日期", 12.0)],
        rows: data,
    }])
}

pub fn people_template() -> AppResult<Vec<u8>> {
    let mut columns: Vec<Column> = PEOPLE_HEADERS.iter().map(|h| col(h, 14.0)).collect();
    columns[2] = text_col(PEOPLE_HEADERS[2], 22.0);
    columns[3] = text_col(PEOPLE_HEADERS[3], 16.0);
    columns[4] = text_col(PEOPLE_HEADERS[4], 16.0);
    columns[10] = text_col(PEOPLE_HEADERS[10], 12.0);
    xlsx(&[Table {
        title: None,
        sheet_name: "人员".into(),
        columns,
        rows: vec![vec!["张三".into(), "男".into(), "11010519491231002X".into(), "XW-JW".into(), "13800000000".into(), "中共党员".into(), "乡科级".into(), "班子成员".into(), "副主任".into(), "党风政风监督".into(), "2024-03-01".into()]],
    }])
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

fn rows_of(bytes: &[u8], headers: &[&str]) -> Result<Vec<(usize, Vec<String>)>, Vec<String>> {
    let rows = read_rows(bytes).map_err(|e| vec![e.to_string()])?;
    // the header row may follow a title row
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(headers[0])) else {
        return Err(vec![format!("未找到表头行（第一列应为“{}”），请使用导入模板", headers[0])]);
    };
    let header: Vec<String> = rows[hpos].iter().map(|c| c.trim().to_string()).collect();
    for (i, h) in headers.iter().enumerate() {
        if header.get(i).map(String::as_str) != Some(*h) {
            return Err(vec![format!("第{}行 表头第{}列应为“{}”，请使用导入模板", hpos + 1, i + 1, h)]);
        }
    }
    Ok(rows
        .into_iter()
        .enumerate()
        .skip(hpos + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, mut r)| {
            r.resize(headers.len(), String::new());
            (i + 1, r)
        })
        .collect())
}

const ORG_FIELDS: [(&str, &str); 5] = [("name", "组织名称"), ("kind", "组织类型"), ("code", "组织编码"), ("sort_order", "排序号"), ("parent_id", "上级组织编码")];
const PERSON_FIELDS: [(&str, &str); 10] = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("id_number", "身份证号"),
    ("org_id", "所属单位编码"),
    ("phone", "联系电话"),
    ("political_status", "政治面貌"),
    ("rank", "职级"),
    ("post_kind", "职务"),
    ("post_start", "任职日期"),
    ("sort_order", "排序号"),
];

fn row_errors(line: usize, errs: &crate::forms::FieldErrors, labels: &[(&str, &str)]) -> Vec<String> {
    errs.iter()
        .map(|(f, m)| {
            let label = labels.iter().find(|(k, _)| k == f).map(|(_, l)| *l).unwrap_or("");
            // messages already naming the column are not prefixed twice
            if m.starts_with(label) || label.is_empty() { format!("第{line}行 {m}") } else { format!("第{line}行 {label} {m}") }
        })
        .collect()
}

fn store_row_error(line: usize, e: StoreError) -> Result<String, AppError> {
    match AppError::from(e) {
        AppError::Invalid { message, .. } | AppError::Conflict(message) => Ok(format!("第{line}行 {message}")),
        other => Err(other),
    }
}

/// Imports organisations: Ok(count) or Err(messages); with any bad row nothing is written.
pub async fn import_orgs(st: &AppState, p: &Principal, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    let rows = match rows_of(bytes, &ORG_HEADERS) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["文件中没有数据行".into()]));
    }
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut parsed = Vec::new();
    for (line, r) in &rows {
        let form = OrgForm { parent_id: String::new(), name: r[0].clone(), short_name: r[1].clone(), kind: r[2].clone(), code: r[3].clone(), sort_order: r[5].clone(), version: String::new() };
        match form.validate() {
            Ok(input) => {
                if let Some(first) = seen.insert(input.code.clone(), *line) {
                    errors.push(format!("第{line}行 组织编码 与第{first}行重复"));
                }
                let parent_code = r[4].trim().to_string();
                if !parent_code.is_empty() && !seen.contains_key(&parent_code) && org::get_by_code(&st.db, &parent_code).await?.is_none() {
                    errors.push(format!("第{line}行 上级组织编码 “{parent_code}”不存在（须为已有组织或本表前面行的编码）"));
                }
                parsed.push((*line, input, parent_code));
            }
            Err(e) => errors.extend(row_errors(*line, &e, &ORG_FIELDS)),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let actor = p.actor();
    let mut tx = st.db.begin().await?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    for (line, mut input, parent_code) in parsed {
        input.parent_id = if parent_code.is_empty() {
            None
        } else if let Some(id) = ids.get(&parent_code) {
            Some(*id)
        } else {
            org::get_by_code(&st.db, &parent_code).await?.map(|o| o.id)
        };
        match org::create(&mut tx, &actor, &input).await {
            Ok(o) => {
                ids.insert(o.code.clone(), o.id);
            }
            Err(e) => {
                // a failed statement ends the transaction on PostgreSQL: report and stop
                errors.push(store_row_error(line, e)?);
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors)); // dropping the transaction rolls it back
    }
    tx.commit().await?;
    Ok(Ok(ids.len()))
}

/// Imports people into units inside the caller's scope; all or nothing.
pub async fn import_people(st: &AppState, p: &Principal, scope: &Scope, bytes: &[u8]) -> AppResult<Result<usize, Vec<String>>> {
    let rows = match rows_of(bytes, &PEOPLE_HEADERS) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["文件中没有数据行".into()]));
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut org_cache: HashMap<String, Option<i64>> = HashMap::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (line, r) in &rows {
        let code = r[3].trim().to_string();
        let org_id = match org_cache.get(&code) {
            Some(v) => *v,
            None => {
                let v = org::get_by_code(&st.db, &code).await?.filter(|o| scope.contains(&o.path)).map(|o| o.id);
                org_cache.insert(code.clone(), v);
                v
            }
        };
        let form = PersonForm {
            name: r[0].clone(),
            gender: r[1].clone(),
            id_number: r[2].clone(),
            org_id: org_id.map(|v| v.to_string()).unwrap_or_default(),
            phone: r[4].clone(),
            political_status: r[5].clone(),
            rank: r[6].clone(),
            post_kind: r[7].clone(),
            post_title: r[8].clone(),
            duty_areas: r[9].clone(),
            post_start: r[10].clone(),
            ..PersonForm::default()
        };
        let mut errs = match form.validate() {
            Ok(v) => {
                if let Some(id) = &v.0.id_number
                    && let Some(first) = seen_ids.insert(id.as_str().to_string(), *line)
                {
                    errors.push(format!("第{line}行 身份证号 与第{first}行重复"));
                }
                parsed.push((*line, v));
                crate::forms::FieldErrors::new()
            }
            Err(e) => e,
        };
        if org_id.is_none() {
            errs.insert("org_id".into(), if code.is_empty() { "请填写所属单位编码".into() } else { format!("“{code}”不存在或不在您的管理范围内") });
        }
        errors.extend(row_errors(*line, &errs, &PERSON_FIELDS));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let actor = p.actor();
    let mut tx = st.db.begin().await?;
    let n = parsed.len();
    for (line, (input, post)) in parsed {
        let posts: Vec<_> = post.into_iter().collect();
        if let Err(e) = people::create(&mut tx, &actor, st.crypto.as_ref(), scope, &input, &posts).await {
            errors.push(store_row_error(line, e)?);
            break;
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    tx.commit().await?;
    Ok(Ok(n))
}
