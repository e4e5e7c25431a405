//! `/api/v1/customers`.

use super::{cursor, finish, limit, opt};
use crate::audit::{Action, Subject, asked};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_core::customer::{MemberRole, OrganisationKind};
use heard_core::error::Checker;
use heard_core::{Address, CustomerKind, Identity, IdentityKind};
use heard_store::queries::CustomerFilter;
use heard_store::seed::CustomerSpec;
use heard_store::{CustomerRecord, CustomerSummary, Page};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Filters for listing customers.
#[derive(Debug, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// `person` or `organisation`.
    pub kind: Option<String>,
    /// Full-text query over names, email addresses, numbers and handles.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// List customers, newest first.
#[utoipa::path(
    get, path = "/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = Page<CustomerSummary>), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn list_customers(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CustomerQuery>,
) -> ApiResult<axum::Json<Page<CustomerSummary>>> {
    let query = asked(&q);
    let mut c = Checker::new();
    let filter = CustomerFilter {
        kind: opt(&mut c, "kind", &q.kind),
        q: q.q,
        cursor: cursor(&mut c, &q.cursor),
        limit: limit(&mut c, q.limit),
    };
    finish(c)?;
    let page = state.store().list_customers(&filter).await?;
    let shown: Vec<i64> = page.items.iter().map(|c| c.id).collect();
    state
        .audit(
            &caller,
            Action::CUSTOMER_LIST,
            Subject::none(),
            json!({"query": query, "shown": shown}),
        )
        .await?;
    Ok(axum::Json(page))
}

/// One customer with identities, addresses and organisation links.
#[utoipa::path(
    get, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, body = CustomerRecord), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CustomerRecord>> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found(format!("customer {id}")))?;
    let customer = state.store().customer(id).await?;
    state
        .audit(&caller, Action::CUSTOMER_READ, Subject::customer(id), json!({}))
        .await?;
    Ok(axum::Json(customer))
}

/// One way of reaching a new customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    pub kind: IdentityKind,
    pub value: String,
}

/// A customer to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomerBody {
    pub kind: CustomerKind,
    pub organisation_kind: Option<OrganisationKind>,
    pub name: String,
    #[serde(default)]
    pub identities: Vec<IdentityBody>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub addresses: Vec<Address>,
    /// Organisations this person belongs to (`member`) or acts for (`acts_for`), e.g. a
    /// letting agent for a landlord.
    #[serde(default)]
    pub links: Vec<LinkBody>,
}

/// A person's link to an organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    pub organisation_id: i64,
    pub role: MemberRole,
}

/// Create a customer. An identity that already belongs to someone is a conflict (409).
#[utoipa::path(
    post, path = "/customers", tag = "customers", request_body = NewCustomerBody,
    responses((status = 201, body = CustomerRecord), (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn create_customer(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<NewCustomerBody>,
) -> ApiResult<Response> {
    caller.require_write()?;
    let mut c = Checker::new();
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        c.fail("name", "must be 1 to 200 characters");
    }
    if !b.links.is_empty() && b.kind != CustomerKind::Person {
        c.fail("links", "only a person can belong to or act for an organisation");
    }
    if b.organisation_kind.is_some() && b.kind != CustomerKind::Organisation {
        c.fail("organisation_kind", "only organisations have one");
    }
    let identities: Vec<Identity> = b
        .identities
        .iter()
        .enumerate()
        .filter_map(|(i, id)| c.check(&format!("identities[{i}].value"), Identity::new(id.kind, &id.value)))
        .collect();
    finish(c)?;
    for i in &identities {
        if let Some(owner) = state.store().customer_by_identity(i).await? {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("{i} already belongs to customer {owner}"),
            ));
        }
    }
    let spec = CustomerSpec {
        kind: b.kind,
        organisation_kind: b.organisation_kind,
        name,
        identities,
        addresses: b.addresses,
        links: b.links.iter().map(|l| (l.organisation_id, l.role)).collect(),
    };
    let ids = state
        .store()
        .create_customers(std::slice::from_ref(&spec))
        .await
        .map_err(|e| {
            if e.is_unique_violation() {
                ApiError::new(StatusCode::CONFLICT, "an identity already belongs to another customer")
            } else {
                e.into()
            }
        })?;
    let id = ids[0];
    let record = state.store().customer(id).await?;
    state
        .audit(
            &caller,
            Action::CUSTOMER_CREATE,
            Subject::customer(id),
            json!({"kind": record.kind}),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/customers/{id}"))],
        axum::Json(record),
    )
        .into_response())
}
