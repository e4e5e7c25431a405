//! Discovery, the service list and service definitions: heard's services as
//! configured (`[[services]]` with `description`, `group`, `open311`, `fields`).

use super::error::Fail;
use super::render::{Doc, obj, respond};
use super::{Format, split_format};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use heard_store::reports::ServiceDefinition;

/// When the interface last changed, for discovery's `changeset`.
const CHANGESET: &str = "2026-11-22T00:00:00+00:00";

/// `GET discovery.{xml,json}`: where the endpoint is and what it speaks.
pub(crate) fn discovery(state: &AppState, headers: &HeaderMap, format: Format) -> Response {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(if state.settings().secure_cookies {
            "https"
        } else {
            "http"
        });
    let doc = obj! {
        "changeset" => CHANGESET,
        "contact" => "The council's customer services team",
        "key_service" => "API keys are issued by the council (heard token create)",
        "endpoints" => vec![obj! {
            "specification" => "http://wiki.open311.org/GeoReport_v2",
            "url" => format!("{scheme}://{host}/open311/v2"),
            "changeset" => CHANGESET,
            "type" => "production",
            "formats" => vec!["text/xml", "application/json"],
        }],
    };
    respond(format, "discovery", StatusCode::OK, &doc)
}

/// The services Open311 clients may report to.
pub(crate) async fn visible(state: &AppState) -> Result<Vec<ServiceDefinition>, Fail> {
    Ok(state
        .service_definitions()
        .await?
        .iter()
        .filter(|s| s.open311)
        .cloned()
        .collect())
}

/// One Open311-visible service by code; 404 otherwise.
pub(crate) async fn find(state: &AppState, code: &str) -> Result<ServiceDefinition, Fail> {
    state
        .service_definitions()
        .await?
        .iter()
        .find(|s| s.slug == code && s.open311)
        .cloned()
        .ok_or_else(|| Fail::not_found(format!("service_code `{code}` is not a service here")))
}

/// `GET services.{xml,json}`.
pub(crate) async fn list(state: &AppState, format: Format) -> Result<Response, Fail> {
    let services = visible(state)
        .await?
        .into_iter()
        .map(|s| {
            obj! {
                "service_code" => s.slug,
                "service_name" => s.name,
                "description" => s.description,
                "metadata" => !s.fields.is_empty(),
                "type" => "realtime",
                "keywords" => s.keywords.join(", "),
                "group" => s.group,
            }
        })
        .collect();
    Ok(respond(format, "services", StatusCode::OK, &Doc::List(services)))
}

/// `GET services/{code}.{xml,json}`: the service's attributes.
pub(crate) async fn definition(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = split_format(&file) else {
        return Fail::not_found(format!("no resource `{file}`: name it .xml or .json")).render(Format::Xml);
    };
    let service = match find(&state, code).await {
        Ok(s) => s,
        Err(f) => return f.render(format),
    };
    let attributes: Vec<Doc> = service
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            obj! {
                "variable" => true,
                "code" => f.code.as_str(),
                "datatype" => f.datatype.as_str(),
                "required" => f.required,
                "datatype_description" => f.datatype_description.as_str(),
                "order" => i + 1,
                "description" => f.description.as_str(),
                "values" => f
                    .values
                    .iter()
                    .map(|v| obj! {"key" => v.key.as_str(), "name" => v.name.as_str()})
                    .collect::<Vec<_>>(),
            }
        })
        .collect();
    let doc = obj! {"service_code" => service.slug.as_str(), "attributes" => attributes};
    respond(format, "service_definition", StatusCode::OK, &doc)
}
