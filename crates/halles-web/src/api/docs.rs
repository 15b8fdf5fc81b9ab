//! `/api/openapi.json` and `/api/docs`: the document, and a readable page rendered from it here
//! (no script, nothing fetched from elsewhere).

use super::problem::every_problem;
use crate::ctx::Ctx;
use crate::errors::render;
use askama::Template;
use axum::Json;
use axum::response::Response;
use serde_json::Value;

/// The OpenAPI 3.1 document.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(super::openapi())
}

/// One parameter of an operation.
pub struct DocParam {
    name: String,
    location: String,
    required: bool,
    description: String,
}

/// One response of an operation.
pub struct DocResponse {
    status: String,
    description: String,
    schema: String,
}

/// One operation.
pub struct DocOperation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    scopes: String,
    params: Vec<DocParam>,
    body: String,
    responses: Vec<DocResponse>,
}

/// One schema property.
pub struct DocField {
    name: String,
    kind: String,
    description: String,
}

/// One schema.
pub struct DocSchema {
    name: String,
    description: String,
    fields: Vec<DocField>,
}

/// One problem code.
pub struct DocProblem {
    code: &'static str,
    status: u16,
    detail: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    page: Ctx,
    intro: String,
    operations: Vec<DocOperation>,
    schemas: Vec<DocSchema>,
    problems: Vec<DocProblem>,
}

/// A text of the document; Markdown code marks are dropped (the page shows plain text).
fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .replace('`', "")
}

fn schema_name(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(items) = v.get("items") {
        return format!("[{}]", schema_name(items));
    }
    if let Some(one) = v.get("oneOf").and_then(Value::as_array) {
        return one.iter().map(schema_name).collect::<Vec<_>>().join(" | ");
    }
    match v.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::new(),
    }
}

fn operations(doc: &Value) -> Vec<DocOperation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| DocParam {
                            name: s(p, "name"),
                            location: s(p, "in"),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            description: s(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op
                .pointer("/requestBody/content/application~1json/schema")
                .map(schema_name)
                .unwrap_or_default();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| DocResponse {
                            status: status.clone(),
                            description: s(r, "description"),
                            schema: r
                                .get("content")
                                .and_then(Value::as_object)
                                .and_then(|c| c.values().next())
                                .and_then(|c| c.get("schema"))
                                .map(schema_name)
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let scopes = op
                .get("security")
                .and_then(Value::as_array)
                .map(|sec| {
                    sec.iter()
                        .filter_map(Value::as_object)
                        .flat_map(|o| o.values())
                        .filter_map(Value::as_array)
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let summary = [s(op, "summary"), s(op, "description")]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(DocOperation {
                anchor: format!("{}-{}", method, path.replace(['/', '{', '}'], "-")),
                method: method.to_uppercase(),
                path: path.clone(),
                summary,
                scopes,
                params,
                body,
                responses,
            });
        }
    }
    out
}

fn schemas(doc: &Value) -> Vec<DocSchema> {
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, sc)| DocSchema {
            name: name.clone(),
            description: s(sc, "description"),
            fields: sc
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(f, p)| DocField {
                            name: f.clone(),
                            kind: schema_name(p),
                            description: s(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn problems(page: &Ctx) -> Vec<DocProblem> {
    every_problem()
        .into_iter()
        .map(|e| {
            let p = e.to_problem(page.i18n.lang);
            DocProblem {
                code: e.code(),
                status: p.status,
                detail: p.detail,
            }
        })
        .collect()
}

/// The readable API reference.
pub async fn page(page: Ctx) -> Response {
    let doc = serde_json::to_value(super::openapi()).unwrap_or(Value::Null);
    let lang = page.i18n.lang;
    let docs = DocsPage {
        intro: doc
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        operations: operations(&doc),
        schemas: schemas(&doc),
        problems: problems(&page),
        page,
    };
    render(&docs, lang)
}
