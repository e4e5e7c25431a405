//! Extractors whose rejections are problem documents, so malformed JSON or query
//! strings get the same clear 4xx answer as invalid values.

use crate::problem::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use heard_core::{FieldError, Invalid};
use serde::de::DeserializeOwned;

/// JSON request body. Unknown fields are rejected by the body types themselves
/// (`deny_unknown_fields`), naming the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(data_error(&e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_request(format!(
                "the body is not valid JSON: {}",
                e.body_text()
            ))),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as `Content-Type: application/json`",
            )),
            Err(JsonRejection::BytesRejection(e)) => Err(ApiError::new(e.status(), e.body_text())),
            Err(other) => Err(ApiError::new(other.status(), other.body_text())),
        }
    }
}

/// Turns serde's "Failed to deserialize the JSON body into the target type: from: invalid
/// type … at line 1 column 9" into a field error naming `from`.
fn data_error(text: &str) -> ApiError {
    let msg = text.split_once(": ").map_or(text, |(_, rest)| rest);
    let (field, reason) = match msg.split_once(": ") {
        Some((field, reason)) if !field.contains(' ') => (field.to_string(), reason.to_string()),
        _ => {
            let field = msg
                .split('`')
                .nth(1)
                .filter(|_| msg.starts_with("unknown field") || msg.starts_with("missing field"))
                .unwrap_or("body")
                .to_string();
            (field, msg.to_string())
        }
    };
    let reason = reason.split(" at line ").next().unwrap_or(&reason).to_string();
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
    #[test]
    fn serde_messages_become_field_errors() {
        let e = super::data_error(
            "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected one of `a`, `b` at line 1 column 10",
        );
        assert_eq!(e.errors[0].field, "colour");
        let e = super::data_error(
            "Failed to deserialize the JSON body into the target type: from: invalid type: integer `3`, expected a string at line 1 column 9",
        );
        assert_eq!(e.errors[0].field, "from");
        assert_eq!(e.errors[0].reason, "invalid type: integer `3`, expected a string");
        let e = super::data_error(
            "Failed to deserialize the JSON body into the target type: missing field `body` at line 1 column 2",
        );
        assert_eq!(e.errors[0].field, "body");
    }
}
