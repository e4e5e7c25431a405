//! Open311's error format: a list of `{code, description}`, as XML or JSON, with the
//! HTTP status as each code (400 bad input, 403 bad api_key, 404 unknown service or
//! request).

use super::Format;
use super::render::{Doc, obj, respond};
use crate::problem::ApiError;
use axum::http::StatusCode;
use axum::response::Response;
use heard_core::Invalid;
use heard_store::StoreError;

/// A refusal, rendered in the format the client asked for.
#[derive(Debug)]
pub(crate) struct Fail {
    pub status: StatusCode,
    pub descriptions: Vec<String>,
}

impl Fail {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Fail {
        Fail {
            status,
            descriptions: vec![description.into()],
        }
    }

    pub fn bad(description: impl Into<String>) -> Fail {
        Fail::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Fail {
        Fail::new(StatusCode::FORBIDDEN, description)
    }

    pub fn not_found(description: impl Into<String>) -> Fail {
        Fail::new(StatusCode::NOT_FOUND, description)
    }

    /// The response: `<errors><error><code/><description/></error>…</errors>` or the JSON array.
    pub fn render(self, format: Format) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, errors = ?self.descriptions, "open311 request failed");
        } else {
            tracing::info!(status = %self.status, errors = ?self.descriptions, "open311 request refused");
        }
        let items = self
            .descriptions
            .iter()
            .map(|d| obj! {"code" => self.status.as_u16(), "description" => d.as_str()})
            .collect();
        respond(format, "errors", self.status, &Doc::List(items))
    }
}

impl From<Invalid> for Fail {
    fn from(e: Invalid) -> Fail {
        Fail {
            status: StatusCode::BAD_REQUEST,
            descriptions: e.errors.iter().map(|f| format!("{}: {}", f.field, f.reason)).collect(),
        }
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        ApiError::from(e).into()
    }
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Fail {
        let status = match e.status {
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => StatusCode::BAD_REQUEST,
            StatusCode::UNAUTHORIZED => StatusCode::FORBIDDEN,
            s => s,
        };
        let mut descriptions: Vec<String> = e.errors.iter().map(|f| format!("{}: {}", f.field, f.reason)).collect();
        if descriptions.is_empty() {
            descriptions.push(e.detail.unwrap_or_else(|| "the request failed".into()));
        }
        Fail { status, descriptions }
    }
}
