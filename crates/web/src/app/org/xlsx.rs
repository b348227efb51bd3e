//! Excel in and out for organisations and people: templates, exports, and all-or-nothing
//! imports with a Chinese message per bad row ("第12行 身份证号 校验位错误"). Unit codes in
//! imported rows resolve only within the importer's scope.

use std::collections::HashMap;

use lianzheng_core::ids::OrgId;
use lianzheng_core::org::{OrgKind, Permission, Scope};
use lianzheng_docs::xlsx::{Column, Table, read_rows, write_tables};
use lianzheng_store::StoreError;
use lianzheng_store::org::{self, Org};
use lianzheng_store::people::{self, Person};

use super::{EXPORT_LIMIT, PeopleQuery, org_input, person_input};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, OrgForm, PersonForm};
use crate::state::AppState;

/// What an import did: the count written, or every problem found (nothing written).
pub type ImportResult = Result<usize, Vec<String>>;

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

fn org_columns() -> Vec<Column> {
    vec![col(ORG_HEADERS[0], 36.0), col(ORG_HEADERS[1], 16.0), col(ORG_HEADERS[2], 14.0), text_col(ORG_HEADERS[3], 18.0), text_col(ORG_HEADERS[4], 18.0), col(ORG_HEADERS[5], 8.0)]
}

/// 组织机构.xlsx: the organisations in scope, each with its parent's code (left empty for the
/// top of the scope: a parent outside it is not the caller's to see).
pub async fn export_orgs(st: &AppState, p: &Principal) -> AppResult<Vec<u8>> {
    let scope = p.require(Permission::ViewOrgs)?;
    let orgs: Vec<Org> = org::list_in_scope(&st.db, &scope, None, EXPORT_LIMIT).await?;
    let codes: HashMap<OrgId, &str> = orgs.iter().map(|o| (o.id, o.code.as_str())).collect();
    let rows = orgs
        .iter()
        .map(|o| {
            let parent_code = o.parent_id.and_then(|pid| codes.get(&pid)).map(|c| c.to_string()).unwrap_or_default();
            vec![o.name.clone(), o.short_name.clone().unwrap_or_default(), o.kind_label().to_string(), o.code.clone(), parent_code, o.sort_order.to_string()]
        })
        .collect();
    p.log_read(st, "org.export", "org", None, serde_json::json!({"rows": orgs.len()})).await?;
    xlsx(&[Table { title: Some("组织机构".into()), sheet_name: "组织机构".into(), columns: org_columns(), rows }])
}

pub fn org_template(p: &Principal) -> AppResult<Vec<u8>> {
    p.require(Permission::ManageOrgs)?;
    let kinds = OrgKind::ALL.iter().map(|k| k.label()).collect::<Vec<_>>().join("、");
    xlsx(&[
        Table {
            title: None, sheet_name: "组织机构".into(), columns: org_columns(), rows: vec![vec!["中共某某县纪律检查委员会".into(), "县纪委".into(), "纪委".into(), "XW-JW".into(), "XW".into(), "1".into()]]
        },
        Table {
            title: None,
            sheet_name: "填写说明".into(),
            columns: vec![col("项目", 16.0), col("说明", 80.0)],
            rows: vec![
                vec!["组织类型".into(), kinds],
                vec!["组织编码".into(), "必填，全系统唯一，字母、数字和 - _ .".into()],
                vec!["上级组织编码".into(), "您管理范围内已有组织的编码，或本表中前面行的编码；顶级组织留空".into()],
            ],
        },
    ])
}

/// 人员信息.xlsx: the people list with the same filters as the page, ID numbers masked.
pub async fn export_people(st: &AppState, p: &Principal, q: &PeopleQuery) -> AppResult<Vec<u8>> {
    const BATCH: i64 = 1000;
    const MAX_ROWS: i64 = 200_000;
    let scope = p.require(Permission::ViewPeople)?;
    let f = q.filter(st, &scope).await?;
    let mut all: Vec<Person> = Vec::new();
    loop {
        let offset = i64::try_from(all.len()).unwrap_or(MAX_ROWS);
        let (more, _) = people::list(&st.db, &scope, &f, offset, BATCH).await?;
        let n = more.len();
        all.extend(more);
        if i64::try_from(n).unwrap_or(0) < BATCH || offset + BATCH >= MAX_ROWS {
            break;
        }
    }
    p.log_read(st, "person.export", "person", None, serde_json::json!({"rows": all.len()})).await?;
    let data = all
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

pub fn people_template(p: &Principal) -> AppResult<Vec<u8>> {
    p.require(Permission::ManagePeople)?;
    let columns: Vec<Column> = PEOPLE_HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| match i {
            2 => text_col(h, 22.0),
            3 | 4 => text_col(h, 16.0),
            10 => text_col(h, 12.0),
            _ => col(h, 14.0),
        })
        .collect();
    xlsx(&[Table {
        title: None,
        sheet_name: "人员".into(),
        columns,
        rows: vec![vec![
            "张三".into(),
            "男".into(),
            "11010519491231002X".into(),
            "XW-JW".into(),
            "13800000000".into(),
            "中共党员".into(),
            "乡科级".into(),
            "班子成员".into(),
            "副主任".into(),
            "党风政风监督".into(),
            "2024-03-01".into(),
        ]],
    }])
}

fn rows_of(bytes: &[u8], headers: &[&str]) -> Result<Vec<(usize, Vec<String>)>, Vec<String>> {
    let rows = read_rows(bytes).map_err(|e| vec![e.to_string()])?;
    let first = headers.first().copied().unwrap_or_default();
    // the header row may follow a title row
    let Some(hpos) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(first)) else {
        return Err(vec![format!("未找到表头行（第一列应为“{first}”），请使用导入模板")]);
    };
    let header: Vec<String> = rows.get(hpos).map(|r| r.iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
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

/// Cell `i` of a row already padded to the header's width.
fn cell(r: &[String], i: usize) -> String {
    r.get(i).cloned().unwrap_or_default()
}

const ORG_FIELDS: [(&str, &str); 6] = [("name", "组织名称"), ("short_name", "简称"), ("kind", "组织类型"), ("code", "组织编码"), ("sort_order", "排序号"), ("parent_id", "上级组织编码")];
const PERSON_FIELDS: [(&str, &str); 12] = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("id_number", "身份证号"),
    ("org_id", "所属单位编码"),
    ("phone", "联系电话"),
    ("political_status", "政治面貌"),
    ("rank", "职级"),
    ("post_kind", "职务"),
    ("post_title", "职务名称"),
    ("duty_areas", "分管工作"),
    ("post_start", "任职日期"),
    ("sort_order", "排序号"),
];

fn row_errors(line: usize, errs: &FieldErrors, labels: &[(&str, &str)]) -> Vec<String> {
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

/// An organisation in scope by its code.
async fn org_by_code(st: &AppState, scope: &Scope, code: &str) -> AppResult<Option<Org>> {
    Ok(org::get_by_code(&st.db, code).await?.filter(|o| scope.contains(&o.path)))
}

/// Imports organisations below parents in the caller's scope (or rows earlier in the file);
/// with any bad row nothing is written.
pub async fn import_orgs(st: &AppState, p: &Principal, bytes: &[u8]) -> AppResult<ImportResult> {
    let scope = p.require(Permission::ManageOrgs)?;
    let rows = match rows_of(bytes, &ORG_HEADERS) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["文件中没有数据行".into()]));
    }
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut existing: HashMap<String, OrgId> = HashMap::new();
    let mut parsed = Vec::new();
    for (line, r) in &rows {
        let form = OrgForm { parent_id: String::new(), name: cell(r, 0), short_name: cell(r, 1), kind: cell(r, 2), code: cell(r, 3), sort_order: cell(r, 5), version: String::new() };
        match org_input(&form) {
            Ok(input) => {
                if let Some(first) = seen.insert(input.code.clone(), *line) {
                    errors.push(format!("第{line}行 组织编码 与第{first}行重复"));
                }
                let parent_code = cell(r, 4).trim().to_string();
                if parent_code.is_empty() {
                    if !scope.is_all() {
                        errors.push(format!("第{line}行 上级组织编码 请填写您管理范围内的组织编码"));
                    }
                } else if !seen.contains_key(&parent_code) && !existing.contains_key(&parent_code) {
                    match org_by_code(st, &scope, &parent_code).await? {
                        Some(o) => {
                            existing.insert(parent_code.clone(), o.id);
                        }
                        None => errors.push(format!("第{line}行 上级组织编码 “{parent_code}”不存在或不在您的管理范围内（须为已有组织或本表前面行的编码）")),
                    }
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
    let mut ids: HashMap<String, OrgId> = HashMap::new();
    for (line, mut input, parent_code) in parsed {
        input.parent_id = if parent_code.is_empty() { None } else { ids.get(&parent_code).or_else(|| existing.get(&parent_code)).copied() };
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
pub async fn import_people(st: &AppState, p: &Principal, bytes: &[u8]) -> AppResult<ImportResult> {
    let scope = p.require(Permission::ManagePeople)?;
    let rows = match rows_of(bytes, &PEOPLE_HEADERS) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["文件中没有数据行".into()]));
    }
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut org_cache: HashMap<String, Option<OrgId>> = HashMap::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (line, r) in &rows {
        let code = cell(r, 3).trim().to_string();
        let org_id = match org_cache.get(&code) {
            Some(v) => *v,
            None => {
                let v = if code.is_empty() { None } else { org_by_code(st, &scope, &code).await?.map(|o| o.id) };
                org_cache.insert(code.clone(), v);
                v
            }
        };
        let form = PersonForm {
            name: cell(r, 0),
            gender: cell(r, 1),
            id_number: cell(r, 2),
            org_id: org_id.map(|v| v.to_string()).unwrap_or_default(),
            phone: cell(r, 4),
            political_status: cell(r, 5),
            rank: cell(r, 6),
            post_kind: cell(r, 7),
            post_title: cell(r, 8),
            duty_areas: cell(r, 9),
            post_start: cell(r, 10),
            ..PersonForm::default()
        };
        let mut errs = match person_input(&form) {
            Ok(v) => {
                if let Some(id) = &v.0.id_number
                    && let Some(first) = seen_ids.insert(id.as_str().to_string(), *line)
                {
                    errors.push(format!("第{line}行 身份证号 与第{first}行重复"));
                }
                parsed.push((*line, v));
                FieldErrors::new()
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
        if let Err(e) = people::create(&mut tx, &actor, st.crypto.as_ref(), &scope, &input, &posts).await {
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
