//! The OpenAPI 3 document, generated from the API's operation table.

use axum::Json;
use serde_json::{Map, Value, json};

use crate::api::all_ops;

/// Query parameters an operation requires (the few that take them rather than a body).
fn query_params(path: &str) -> Vec<(&'static str, Value)> {
    match path {
        "/calendar/deadline" => vec![("from", json!({"type": "string", "format": "date"})), ("days", json!({"type": "integer", "minimum": 0, "maximum": 1000}))],
        _ => vec![],
    }
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for op in all_ops() {
        let path = format!("/api/v1{}", op.path);
        let mut params = Vec::new();
        for name in op.path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            let schema = match name {
                // a date: YYYY-MM-DD (工作日历)
                "date" => json!({"type": "string", "format": "date"}),
                "year" => json!({"type": "integer", "format": "int32"}),
                _ => json!({"type": "integer", "format": "int64"}),
            };
            params.push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
        }
        for (name, schema) in query_params(op.path) {
            params.push(json!({"name": name, "in": "query", "required": true, "schema": schema}));
        }
        let mut operation = json!({
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": format!("{}_{}", op.method, op.path.trim_start_matches('/').replace(['/', '{', '}', '-'], "_")),
            "parameters": params,
            "responses": {
                "200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object"}}}},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"}
            }
        });
        if op.path == "/auth/login" {
            operation["security"] = json!([]);
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": "string"}}}}}});
        } else if matches!(op.method, "post" | "put") && op.path != "/auth/logout" && !op.path.ends_with("/verify") && !op.path.ends_with("/unlock") && !op.path.ends_with("/reset-password") {
            let ctype = if op.path == "/attachments" { "multipart/form-data" } else { "application/json" };
            // a year's 核对 mark takes an optional body
            let required = !op.path.ends_with("/confirm");
            operation["requestBody"] = json!({"required": required, "content": {ctype: {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    paths.insert(
        "/healthz".into(),
        json!({"get": {"summary": "健康检查", "operationId": "get_healthz", "security": [], "responses": {"200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}, "database": {"type": "string", "enum": ["sqlite", "postgres"]}, "version": {"type": "string"}}}}}}}}}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "廉政 lianzheng API", "version": env!("CARGO_PKG_VERSION"), "description": "党风廉政建设责任制管理平台 JSON API。除登录外均需 Authorization: Bearer 令牌；所有列表与读取都限于调用者的授权范围。"},
        "servers": [{"url": "/"}],
        "paths": Value::Object(paths),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string", "description": "中文说明"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
            "responses": {"Error": {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        },
        "security": [{"bearer": []}]
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
