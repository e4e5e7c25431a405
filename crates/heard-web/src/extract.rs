//! Extractors whose rejections are problem documents, so malformed JSON or query
//! strings get the same clear 4xx answer as invalid values.

use crate::problem::ApiError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use heard_core::{FieldError, Invalid};
use serde::de::DeserializeOwned;

/// JSON request body. Errors name the field by its path (`attachments[0].filename`);
/// unknown fields are rejected by the body types themselves (`deny_unknown_fields`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as `Content-Type: application/json`",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => Err(body_error(e)),
        }
    }
}

/// A deserialisation failure as a problem: bad JSON is 400, a bad value 422 naming its field.
fn body_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = inner.to_string();
    let reason = message.split(" at line ").next().unwrap_or(&message).to_string();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::bad_request(format!("the body is not valid JSON: {message}"));
    }
    let parent = if path == "." { String::new() } else { path };
    // The path already ends at an unknown field; a missing one is named only in the message.
    let named = reason.strip_prefix("missing field `").and_then(|r| r.split('`').next());
    let field = match (named, parent.is_empty()) {
        (Some(name), true) => name.to_string(),
        (Some(name), false) => format!("{parent}.{name}"),
        (None, true) => "body".to_string(),
        (None, false) => parent,
    };
    Invalid {
        errors: vec![FieldError { field, reason }],
    }
    .into()
}

/// Query string parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let msg = text.split_once(": ").map_or(text.as_str(), |(_, r)| r).to_string();
                let (field, reason) = match msg.split_once(": ") {
                    Some((f, r)) if !f.contains(' ') => (f.to_string(), r.to_string()),
                    _ => (msg.split('`').nth(1).unwrap_or("query").to_string(), msg.clone()),
                };
                Err(Invalid::field(field, reason).into())
            }
            Err(other) => Err(ApiError::bad_request(other.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        from: String,
        #[serde(default)]
        files: Vec<File>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct File {
        name: String,
    }

    fn error(json: &str) -> super::ApiError {
        let mut de = serde_json::Deserializer::from_str(json);
        super::body_error(serde_path_to_error::deserialize::<_, Body>(&mut de).unwrap_err())
    }

    #[test]
    fn serde_errors_become_field_errors() {
        assert_eq!(error(r#"{"from": "x", "colour": 1}"#).errors[0].field, "colour");
        let e = error(r#"{"from": 3}"#);
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].reason.as_str()),
            ("from", "invalid type: integer `3`, expected a string")
        );
        assert_eq!(error(r#"{}"#).errors[0].field, "from");
        assert_eq!(
            error(r#"{"from": "x", "files": [{"name": 1}]}"#).errors[0].field,
            "files[0].name"
        );
        assert_eq!(
            error(r#"{"from": "x", "files": [{"nme": "a"}]}"#).errors[0].field,
            "files[0].nme"
        );
        assert_eq!(error(r#"{"from": "#).status, axum::http::StatusCode::BAD_REQUEST);
    }
}
