//! `/api/v1/services`, `/api/v1/sites`, `/api/v1/me`.

use crate::problem::ApiResult;
use crate::{AppState, Caller};
use axum::extract::State;
use heard_store::{ServiceRecord, SiteRecord, UserRecord};

/// The council's services.
#[utoipa::path(get, path = "/services", tag = "council", responses((status = 200, body = Vec<ServiceRecord>)))]
pub async fn services(State(state): State<AppState>, _caller: Caller) -> ApiResult<axum::Json<Vec<ServiceRecord>>> {
    Ok(axum::Json(state.store().services().await?))
}

/// The council's sites.
#[utoipa::path(get, path = "/sites", tag = "council", responses((status = 200, body = Vec<SiteRecord>)))]
pub async fn sites(State(state): State<AppState>, _caller: Caller) -> ApiResult<axum::Json<Vec<SiteRecord>>> {
    Ok(axum::Json(state.store().sites().await?))
}

/// The calling user.
#[utoipa::path(get, path = "/me", tag = "council", responses((status = 200, body = UserRecord)))]
pub async fn me(caller: Caller) -> ApiResult<axum::Json<UserRecord>> {
    Ok(axum::Json(caller.user))
}
